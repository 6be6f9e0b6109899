//! Compact JWS (RFC 7515 §7.1) verification and signing.
//!
//! The checks run in the order `VECTORS.md` fixes for every kind that holds
//! a compact JWS; the first failing one gives the code:
//!
//! 0. the token is at most `Limits::max_jws_bytes`, its header at most
//!    `max_jose_header_bytes` decoded with at most `max_jose_header_members`
//!    members (`input.too_large`): bounds, before any parsing;
//! 1. three base64url segments without padding; header and payload JSON
//!    objects without duplicate keys, nested at most `max_json_depth`;
//!    `alg` present and a string; `kid`, `typ`, `cty` strings, `b64` a
//!    boolean; `crit` a non-empty array of distinct names of members that
//!    are present and not defined by RFC 7515/7518 (§4.1.11)
//!    (`jws.malformed`);
//! 2. `alg` a JWA signature name on the caller's allow-list: `none`, `HS*`
//!    and anything else are `jws.algorithm.forbidden`, before any key is
//!    looked at;
//! 3. no critical extension idbridge does not understand (it understands
//!    none), no unencoded payload (`b64` false, RFC 7797)
//!    (`jws.header.unsupported`);
//! 4. where the caller requires a `kid`, a missing or empty one is
//!    `jws.kid.missing`; the candidates are the trusted keys with exactly
//!    that `kid` (none: `jws.key.untrusted`), never the others as a
//!    fallback; without a `kid`, all trusted keys;
//! 5. a candidate suits `alg` (RSA for `RS*`/`PS*`, the named curve for
//!    `ES*`, Ed25519 for `EdDSA`), and its `use`, `key_ops` and `alg`
//!    members allow the signature ([`Jwk::suits`]), else `jws.key.mismatch`;
//! 6. the signature verifies under a suitable candidate
//!    (`jws.signature.invalid`): ES* are raw `r‖s` (RFC 7518 §3.4), PS* use
//!    MGF1 with the same hash and a salt of the hash length. At most
//!    `max_signature_checks` candidates are tried (`crypto.checks.exceeded`).
//!
//! No key is ever taken from the token's own header (`jwk`, `x5c`, `jku`,
//! `x5u` are not read).

use crate::crypto::{jwa, Algorithm, AllowList, Backend, Rejected, SignatureCheck};
use crate::error::{Error, ErrorCode, Result};
use crate::json::{self, Json};
use crate::limits::Limits;

use super::b64;
use super::jwk::{Jwk, JwkSet};

/// Header parameters RFC 7515 §4.1 and RFC 7518 define for JWS: `crit`
/// may not name them (§4.1.11).
const REGISTERED: [&str; 11] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
];

/// The `alg` name of Ed25519 signatures (RFC 8037 §3.1).
const EDDSA: &str = "EdDSA";

fn err(code: ErrorCode, reason: &'static str) -> Error {
    Error::new(code, reason)
}

fn malformed(reason: &'static str) -> Error {
    err(ErrorCode::JwsMalformed, reason)
}

fn too_large(what: &str, limit: usize) -> Error {
    Error::with_detail(
        ErrorCode::InputTooLarge,
        format!("the {what} is larger than the limit of {limit}"),
    )
}

/// The JWA signature algorithm named `alg`: the RFC 7518 table, and
/// `EdDSA` (RFC 8037) as Ed25519.
pub(crate) fn algorithm(alg: &str) -> Option<Algorithm> {
    if alg == EDDSA {
        Some(Algorithm::Ed25519)
    } else {
        jwa::algorithm(alg)
    }
}

/// Whether a JWS must name its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum KidRule {
    /// Without a `kid`, every trusted key is a candidate (the default).
    #[default]
    Optional,
    /// A missing or empty `kid` is `jws.kid.missing`.
    Required,
}

/// What a verification accepts: the algorithm allow-list, the `kid` rule
/// and the limits.
///
/// The default allows RS256/384/512, PS256/384/512 and ES256/384/512
/// ([`AllowList::default`]); `EdDSA` only when the caller adds
/// [`Algorithm::Ed25519`]. `none` and the HMACs are never allowed: no
/// allow-list can name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct JwsOptions {
    allowed: AllowList,
    kid: KidRule,
    limits: Limits,
}

impl JwsOptions {
    /// The defaults: [`AllowList::default`], `kid` optional, [`Limits::default`].
    pub fn new() -> JwsOptions {
        JwsOptions::default()
    }

    /// These options with the caller's algorithm allow-list.
    #[must_use]
    pub fn allow(mut self, allowed: AllowList) -> JwsOptions {
        self.allowed = allowed;
        self
    }

    /// These options with the `kid` rule.
    #[must_use]
    pub fn kid(mut self, rule: KidRule) -> JwsOptions {
        self.kid = rule;
        self
    }

    /// These options with `kid` required.
    #[must_use]
    pub fn require_kid(self) -> JwsOptions {
        self.kid(KidRule::Required)
    }

    /// These options under `limits`.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> JwsOptions {
        self.limits = limits;
        self
    }

    /// The algorithm allow-list.
    pub fn allowed(&self) -> AllowList {
        self.allowed
    }

    /// The `kid` rule.
    pub fn kid_rule(&self) -> KidRule {
        self.kid
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}

/// A JWS Protected Header that passed the checks of step 1.
#[derive(Clone, Debug, PartialEq)]
pub struct JwsHeader {
    raw: Vec<u8>,
    json: Json,
    alg: String,
    kid: Option<String>,
    typ: Option<String>,
    cty: Option<String>,
    crit: Vec<String>,
    b64: Option<bool>,
}

impl JwsHeader {
    /// `alg`, as written.
    pub fn alg(&self) -> &str {
        &self.alg
    }

    /// `kid`, if present.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// `typ`, if present, as written (compare with [`super::typ::typ_matches`]).
    pub fn typ(&self) -> Option<&str> {
        self.typ.as_deref()
    }

    /// `cty`, if present.
    pub fn cty(&self) -> Option<&str> {
        self.cty.as_deref()
    }

    /// `crit`'s names (empty when absent).
    pub fn crit(&self) -> &[String] {
        &self.crit
    }

    /// The string member `name`, if the header has one.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        match self.json.get(name) {
            Some(Json::String(s)) => Some(s),
            _ => None,
        }
    }

    /// The member names, in document order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let members: &[(String, Json)] = match &self.json {
            Json::Object(m) => m,
            _ => &[],
        };
        members.iter().map(|(k, _)| k.as_str())
    }

    /// The header's JSON text, as decoded from the token.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The parsed header (crate-internal readers).
    #[allow(dead_code)]
    pub(crate) fn json(&self) -> &Json {
        &self.json
    }
}

/// A compact JWS whose signature verified under a trusted key, with the
/// header and payload that signature covers. Only idbridge constructs one:
///
/// ```compile_fail
/// let v = idbridge::jose::VerifiedJws {
///     header: todo!(), payload: vec![], claims: todo!(), algorithm: todo!(),
///     key_kid: None, key_thumbprint: String::new(),
/// };
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct VerifiedJws {
    header: JwsHeader,
    payload: Vec<u8>,
    claims: Json,
    algorithm: Algorithm,
    key_kid: Option<String>,
    key_thumbprint: String,
}

impl VerifiedJws {
    /// The protected header.
    pub fn header(&self) -> &JwsHeader {
        &self.header
    }

    /// The payload bytes (a JSON object's text).
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// `alg`: the JWA name the signature was checked with.
    pub fn alg(&self) -> &str {
        self.header.alg()
    }

    /// The algorithm the signature was checked with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The `kid` of the key that verified the signature, if it has one.
    pub fn key_kid(&self) -> Option<&str> {
        self.key_kid.as_deref()
    }

    /// The RFC 7638 thumbprint of the key that verified the signature.
    pub fn key_thumbprint(&self) -> &str {
        &self.key_thumbprint
    }

    /// Whether the header's `typ` names `expected` ([`super::typ::typ_matches`]);
    /// `false` without a `typ`.
    pub fn typ_is(&self, expected: &str) -> bool {
        self.header
            .typ()
            .is_some_and(|t| super::typ::typ_matches(t, expected))
    }

    /// The parsed payload (crate-internal readers: the schemes).
    #[allow(dead_code)]
    pub(crate) fn claims(&self) -> &Json {
        &self.claims
    }
}

/// A compact JWS split and decoded by steps 0 and 1 (JOSE rule 1), not yet
/// trusted: the signing input, the header, the payload as the caller's
/// strict reader kept it, the signature bytes.
pub(crate) struct Decoded<'a, P> {
    pub(crate) signing_input: &'a [u8],
    pub(crate) header: JwsHeader,
    pub(crate) payload: Vec<u8>,
    pub(crate) claims: P,
    pub(crate) signature: Vec<u8>,
}

/// The key and algorithm steps 2 to 6 accepted.
pub(crate) struct Accepted<'k> {
    pub(crate) algorithm: Algorithm,
    pub(crate) key: &'k Jwk,
}

/// Verifies a compact JWS against `keys` with the checks of the module
/// documentation, on `backend`.
///
/// ```
/// use idbridge::crypto::{self, RustCryptoSigner, Signer};
/// use idbridge::jose::{self, Jwk, JwkSet, JwsOptions};
/// # let pem = include_str!("../../test-vectors/keys/p256.pk8.pem");
/// # let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
/// # use base64::Engine as _;
/// # let pkcs8 = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
/// // The signer's side: a caller-held P-256 key.
/// let signer = RustCryptoSigner::from_pkcs8_der(&pkcs8)?;
/// let token = jose::sign_compact(&signer, "ES256", Some("k1"), Some("entity-statement+jwt"),
///     br#"{"iss":"https://rp.example","sub":"https://rp.example"}"#)?;
///
/// // The verifier's side: the signer's public key as a trusted JWK Set.
/// let keys = JwkSet::from_keys(vec![Jwk::from_public_key(signer.public_key())?.with_kid("k1")])?;
/// let verified = jose::verify_compact(crypto::default_backend(), &keys, &token,
///     &JwsOptions::new().require_kid())?;
/// assert_eq!(verified.alg(), "ES256");
/// assert_eq!(verified.key_kid(), Some("k1"));
/// assert!(verified.typ_is(jose::typ::ENTITY_STATEMENT));
///
/// // One changed payload byte: the signature no longer verifies.
/// let (head, rest) = token.split_once('.').unwrap();
/// let (_, sig) = rest.split_once('.').unwrap();
/// let forged = format!("{head}.{}.{sig}", "eyJpc3MiOiJodHRwczovL2V2aWwuZXhhbXBsZSJ9");
/// let err = jose::verify_compact(crypto::default_backend(), &keys, &forged,
///     &JwsOptions::new()).unwrap_err();
/// assert_eq!(err.code(), "jws.signature.invalid");
/// # Ok::<(), idbridge::Error>(())
/// ```
pub fn verify_compact(
    backend: &dyn Backend,
    keys: &JwkSet,
    token: &str,
    options: &JwsOptions,
) -> Result<VerifiedJws> {
    // Steps 0 and 1.
    let parts = split(token, &options.limits, read_object)?;
    // Steps 2 to 6.
    let Accepted { algorithm, key } = verify_decoded(
        backend,
        keys,
        &parts.header,
        parts.signing_input,
        &parts.signature,
        options,
        None,
    )?;
    Ok(VerifiedJws {
        key_kid: key.kid().map(str::to_string),
        key_thumbprint: key.thumbprint().to_string(),
        header: parts.header,
        payload: parts.payload,
        claims: parts.claims,
        algorithm,
    })
}

/// Steps 2 to 6 on a JWS that steps 0 and 1 already split and decoded
/// ([`decode_claims`], or `verify_compact`'s own): the algorithm, the
/// header's extensions, the `kid` rule, the candidate keys, the signature
/// over `signing_input`. `verified`: the RFC 7638 thumbprint of a key that
/// already verified this same signature over this same input (a statement
/// checked under two key sets); a suitable candidate with that thumbprint
/// (the same public key) is accepted without repeating the arithmetic,
/// every check before the signature still runs.
pub(crate) fn verify_decoded<'k>(
    backend: &dyn Backend,
    keys: &'k JwkSet,
    header: &JwsHeader,
    signing_input: &[u8],
    signature: &[u8],
    options: &JwsOptions,
    verified: Option<&str>,
) -> Result<Accepted<'k>> {
    let limits = &options.limits;
    // Step 2.
    let algorithm = algorithm(&header.alg)
        .filter(|a| options.allowed.contains(*a))
        .ok_or_else(|| {
            err(
                ErrorCode::JwsAlgorithmForbidden,
                "alg is none, an HMAC, unknown, or not on the allow-list",
            )
        })?;
    // Step 3.
    if let Some(name) = header.crit.first() {
        return Err(Error::with_detail(
            ErrorCode::JwsHeaderUnsupported,
            format!("the critical header parameter {name:?} is not understood"),
        ));
    }
    if header.b64 == Some(false) {
        return Err(err(
            ErrorCode::JwsHeaderUnsupported,
            "an unencoded payload (b64 false) is not accepted",
        ));
    }
    // Step 4.
    let candidates: Vec<&Jwk> = match header.kid.as_deref() {
        None | Some("") if options.kid == KidRule::Required => {
            return Err(err(
                ErrorCode::JwsKidMissing,
                "the header has no kid, and this kind requires one",
            ))
        }
        Some(kid) => keys
            .keys()
            .iter()
            .filter(|k| k.kid() == Some(kid))
            .collect(),
        None => keys.keys().iter().collect(),
    };
    if candidates.is_empty() {
        return Err(err(
            ErrorCode::JwsKeyUntrusted,
            "no trusted key has the header's kid",
        ));
    }
    // Step 5.
    let suitable: Vec<&Jwk> = candidates
        .into_iter()
        .filter(|k| k.suits(&header.alg, algorithm))
        .collect();
    if suitable.is_empty() {
        return Err(err(
            ErrorCode::JwsKeyMismatch,
            "no candidate key suits alg (type, curve, use, key_ops or alg)",
        ));
    }
    // Step 6.
    let invalid = err(
        ErrorCode::JwsSignatureInvalid,
        "the signature does not verify",
    );
    for (tried, key) in suitable.iter().enumerate() {
        if tried >= limits.max_signature_checks() {
            return Err(Error::with_detail(
                ErrorCode::CryptoChecksExceeded,
                format!(
                    "more than {} candidate keys without a kid",
                    limits.max_signature_checks()
                ),
            ));
        }
        if verified == Some(key.thumbprint()) {
            return Ok(Accepted { algorithm, key });
        }
        let Ok(check) = SignatureCheck::new(
            options.allowed,
            algorithm,
            key.public_key(),
            signing_input,
            signature,
            invalid.clone(),
        ) else {
            // The key suits alg, so only the signature's encoding is wrong.
            continue;
        };
        if let Err(Rejected) = backend.verify(&check) {
            continue;
        }
        return Ok(Accepted { algorithm, key });
    }
    Err(invalid)
}

/// Steps 0 and 1 alone (JOSE rule 1), for schemes whose check order puts
/// other checks between rule 1 and the signature: the header and the
/// payload bytes, not yet trusted. The payload is a JSON object without
/// duplicate keys, nested at most `max_json_depth`.
#[allow(dead_code)]
pub(crate) fn decode_unverified(token: &str, limits: &Limits) -> Result<(JwsHeader, Vec<u8>)> {
    let parts = split(token, limits, read_object)?;
    Ok((parts.header, parts.payload))
}

/// Steps 0 and 1 alone, the payload's members kept (parsed once, as
/// strictly as `verify_compact` parses it): for schemes that read the
/// claims before the signature and then verify with [`verify_decoded`].
#[allow(dead_code)]
pub(crate) fn decode_claims<'a>(
    token: &'a str,
    limits: &Limits,
) -> Result<Decoded<'a, serde_json::Map<String, serde_json::Value>>> {
    split(token, limits, |payload, depth| {
        match json::parse_value(payload, depth) {
            Ok(serde_json::Value::Object(members)) => Ok(members),
            Ok(_) => Err(malformed("the payload is not a JSON object")),
            Err(_) => Err(malformed("the payload is not strict JSON")),
        }
    })
}

/// `verify_compact`'s payload reader: a strict JSON object.
fn read_object(payload: &[u8], max_depth: usize) -> Result<Json> {
    let claims =
        json::parse(payload, max_depth).map_err(|_| malformed("the payload is not strict JSON"))?;
    if !matches!(claims, Json::Object(_)) {
        return Err(malformed("the payload is not a JSON object"));
    }
    Ok(claims)
}

/// Step 2 alone (JOSE rule 2): `alg` names a JWA signature algorithm on
/// `allowed`, else `jws.algorithm.forbidden`.
#[allow(dead_code)]
pub(crate) fn allowed_algorithm(alg: &str, allowed: AllowList) -> Result<Algorithm> {
    algorithm(alg)
        .filter(|a| allowed.contains(*a))
        .ok_or_else(|| {
            err(
                ErrorCode::JwsAlgorithmForbidden,
                "alg is none, an HMAC, unknown, or not on the allow-list",
            )
        })
}

/// Steps 0 and 1: bounds, segments, header and payload (read by `read`,
/// given the payload bytes and `max_json_depth`).
fn split<'a, P>(
    token: &'a str,
    limits: &Limits,
    read: impl FnOnce(&[u8], usize) -> Result<P>,
) -> Result<Decoded<'a, P>> {
    if token.len() > limits.max_jws_bytes() {
        return Err(too_large("compact JWS (bytes)", limits.max_jws_bytes()));
    }
    let mut segments = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(malformed("a compact JWS has exactly three segments"));
    };
    // Encoded length bounds the decoded one: 4 characters hold 3 bytes.
    if h.len() / 4 * 3 > limits.max_jose_header_bytes() {
        return Err(too_large(
            "JOSE header (bytes)",
            limits.max_jose_header_bytes(),
        ));
    }
    let signing_input = token
        .get(..h.len() + 1 + p.len())
        .ok_or_else(|| malformed("a compact JWS has exactly three segments"))?
        .as_bytes();
    let raw_header =
        b64::decode(h).ok_or_else(|| malformed("the header is not strict base64url"))?;
    let payload = b64::decode(p).ok_or_else(|| malformed("the payload is not strict base64url"))?;
    let signature =
        b64::decode(s).ok_or_else(|| malformed("the signature is not strict base64url"))?;
    if raw_header.len() > limits.max_jose_header_bytes() {
        return Err(too_large(
            "JOSE header (bytes)",
            limits.max_jose_header_bytes(),
        ));
    }
    let json = json::parse(&raw_header, limits.max_json_depth())
        .map_err(|_| malformed("the header is not strict JSON"))?;
    let Json::Object(members) = &json else {
        return Err(malformed("the header is not a JSON object"));
    };
    if members.len() > limits.max_jose_header_members() {
        return Err(too_large(
            "JOSE header (members)",
            limits.max_jose_header_members(),
        ));
    }
    let header = header(raw_header, json)?;
    let claims = read(&payload, limits.max_json_depth())?;
    Ok(Decoded {
        signing_input,
        header,
        payload,
        claims,
        signature,
    })
}

/// The registered members' types and `crit`'s shape (RFC 7515 §4.1).
fn header(raw: Vec<u8>, json: Json) -> Result<JwsHeader> {
    fn string(json: &Json, name: &str) -> Result<Option<String>> {
        match json.get(name) {
            None => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::with_detail(
                ErrorCode::JwsMalformed,
                format!("the header parameter {name:?} is not a string"),
            )),
        }
    }
    let alg = string(&json, "alg")?.ok_or_else(|| malformed("the header has no alg"))?;
    let kid = string(&json, "kid")?;
    let typ = string(&json, "typ")?;
    let cty = string(&json, "cty")?;
    let b64 = match json.get("b64") {
        None => None,
        Some(Json::Bool(b)) => Some(*b),
        Some(_) => return Err(malformed("the header parameter \"b64\" is not a boolean")),
    };
    let crit = super::header::crit(&json, &REGISTERED, malformed)?;
    Ok(JwsHeader {
        raw,
        json,
        alg,
        kid,
        typ,
        cty,
        crit,
        b64,
    })
}

/// Signs `payload` (a JSON object's text) as a compact JWS with a
/// caller-held key: the header holds `alg`, and `kid` and `typ` when given.
///
/// `alg` is a JWA name the signer's key suits (`ES256` and `ES384` on
/// P-256/P-384 keys, `RS*`/`PS*` on RSA keys, `EdDSA` on Ed25519 keys):
/// `jws.algorithm.forbidden` for `none`, an HMAC or an unknown name,
/// `jws.key.mismatch` for a key that does not suit it, `jws.malformed` when
/// the payload is not a JSON object (idbridge would not verify the token).
#[cfg(not(target_arch = "wasm32"))]
pub fn sign_compact(
    signer: &dyn crate::crypto::Signer,
    alg: &str,
    kid: Option<&str>,
    typ: Option<&str>,
    payload: &[u8],
) -> Result<String> {
    let algorithm = algorithm(alg).ok_or_else(|| {
        err(
            ErrorCode::JwsAlgorithmForbidden,
            "alg is none, an HMAC or unknown",
        )
    })?;
    signer
        .public_key()
        .check_matches(algorithm)
        .map_err(|_| err(ErrorCode::JwsKeyMismatch, "the key does not suit alg"))?;
    let limits = Limits::default();
    match json::parse(payload, limits.max_json_depth()) {
        Ok(Json::Object(_)) => {}
        _ => return Err(malformed("the payload is not a JSON object")),
    }
    // Members in a fixed order, values JSON-escaped.
    let text = |v: &str| serde_json::Value::String(v.to_string()).to_string();
    let mut header = format!("{{\"alg\":{}", text(alg));
    if let Some(kid) = kid {
        header.push_str(&format!(",\"kid\":{}", text(kid)));
    }
    if let Some(typ) = typ {
        header.push_str(&format!(",\"typ\":{}", text(typ)));
    }
    header.push('}');
    let mut token = b64::encode(header.as_bytes());
    token.push('.');
    token.push_str(&b64::encode(payload));
    let signature = signer.sign(algorithm, token.as_bytes())?;
    token.push('.');
    token.push_str(&b64::encode(&signature));
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eddsa_is_a_name_but_not_a_default() {
        assert_eq!(algorithm("EdDSA"), Some(Algorithm::Ed25519));
        assert!(!AllowList::default().contains(Algorithm::Ed25519));
        for bad in ["none", "HS256", "HS384", "HS512", "eddsa", "Ed25519", "RS1"] {
            assert_eq!(algorithm(bad), None, "{bad}");
        }
    }

    #[test]
    fn registered_names_match_the_rfc_count() {
        // RFC 7515 §4.1.1 to §4.1.11: eleven registered parameters.
        assert_eq!(REGISTERED.len(), 11);
    }
}
