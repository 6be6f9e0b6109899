//! JSON Web Keys and Sets (RFC 7517), public signature keys only: RSA
//! (RFC 7518 §6.3.1), EC P-256/P-384/P-521 (RFC 7518 §6.2.1) and OKP
//! Ed25519 (RFC 8037 §2); RFC 7638 thumbprints.
//!
//! Every key goes through the same policy as an X.509 key: the members are
//! assembled into a SubjectPublicKeyInfo and parsed by
//! [`crate::crypto::PublicKey::from_spki_der`] (RSA 2048 to 8192 bits with
//! an odd exponent, EC points on their curve), so a JWK cannot smuggle in a
//! key the rest of idbridge would refuse.
//!
//! The checks, each with its code:
//! - the document is a JSON object without duplicate keys, members of the
//!   right types, strict base64url (`jwk.malformed`);
//! - no private member: RFC 7518 §6.3.2 (`d`, `p`, `q`, `dp`, `dq`, `qi`,
//!   `oth`), §6.2.2 (`d`), §6.4.1 (`k`) (`jwk.private`);
//! - `kty` `RSA`, `EC` or `OKP`; `oct` (a shared secret) is refused
//!   (`jwk.unsupported`);
//! - RSA `n` and `e` "MUST utilize the minimum number of octets" (§6.3.1.1,
//!   §6.3.1.2): no leading zero octet (`jwk.malformed`);
//! - EC `x` and `y` "MUST be the full size of a coordinate for the curve"
//!   (§6.2.1.2): exactly 32, 48 or 66 octets (`jwk.malformed`); the point
//!   is on the curve (`jwk.malformed`);
//! - OKP `crv` `Ed25519` with a 32-octet `x` (RFC 8037 §2);
//! - `use` a string, `key_ops` an array of distinct strings ("Duplicate
//!   key operation values MUST NOT be present", RFC 7517 §4.3), `alg` and
//!   `kid` non-empty strings (`jwk.malformed`);
//! - in a set, no two keys share a `kid` (`jwk.kid.duplicate`): a `kid` must
//!   select one key.
//!
//! RFC 7517 §5: "Implementations SHOULD ignore JWKs within a JWK Set that
//! use "kty" (key type) values that are not understood by them": a set skips
//! keys of an unknown `kty` or `crv` (and counts them, [`JwkSet::ignored`]);
//! everything else that is wrong with one key refuses the whole set.

use crate::crypto::{Algorithm, PublicKey};
use crate::error::{Error, ErrorCode, Result};
use crate::json::{self, Json};
use crate::limits::Limits;
use std::collections::HashSet;

use super::b64;

/// The members of a private key (RFC 7518 §6.2.2, §6.3.2, §6.4.1).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// The intended use of a key (`use`, RFC 7517 §4.2).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyUse {
    /// `sig`: signatures.
    Sig,
    /// `enc`: encryption.
    Enc,
    /// Any other value (never a signature key).
    Other(String),
}

impl KeyUse {
    fn parse(s: &str) -> KeyUse {
        match s {
            "sig" => KeyUse::Sig,
            "enc" => KeyUse::Enc,
            other => KeyUse::Other(other.to_string()),
        }
    }

    /// The member's value.
    pub fn as_str(&self) -> &str {
        match self {
            KeyUse::Sig => "sig",
            KeyUse::Enc => "enc",
            KeyUse::Other(s) => s,
        }
    }
}

/// The required members of a key, as RFC 7638 orders them (base64url text
/// exactly as in the JWK: strict decoding makes it canonical).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Members {
    Rsa {
        n: String,
        e: String,
    },
    Ec {
        crv: &'static str,
        x: String,
        y: String,
    },
    Okp {
        x: String,
    },
}

/// One public JWK, parsed and checked.
///
/// ```
/// use idbridge::jose::Jwk;
/// // RFC 7638 §3.1's example key.
/// let jwk = Jwk::from_json(br#"{"kty":"RSA","e":"AQAB","kid":"2011-04-29","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}"#)?;
/// assert_eq!(jwk.thumbprint(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
/// assert_eq!(jwk.kid(), Some("2011-04-29"));
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Jwk {
    key: PublicKey,
    members: Members,
    kid: Option<String>,
    key_use: Option<KeyUse>,
    key_ops: Option<Vec<String>>,
    alg: Option<String>,
    thumbprint: String,
}

fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::JwkMalformed, reason)
}

fn unsupported(reason: &'static str) -> Error {
    Error::new(ErrorCode::JwkUnsupported, reason)
}

/// What parsing one set member gives.
enum Parsed {
    Key(Box<Jwk>),
    /// A `kty` or `crv` this build does not understand (RFC 7517 §5).
    Unknown,
}

impl Jwk {
    /// Parses one public JWK (a JSON object of at most
    /// `Limits::max_jose_header_bytes`, else `input.too_large`), with the
    /// checks of the module documentation.
    pub fn from_json(bytes: &[u8]) -> Result<Jwk> {
        let limits = Limits::default();
        if bytes.len() > limits.max_jose_header_bytes() {
            return Err(Error::with_detail(
                ErrorCode::InputTooLarge,
                format!(
                    "the JWK is larger than {} bytes",
                    limits.max_jose_header_bytes()
                ),
            ));
        }
        let value = json::parse(bytes, limits.max_json_depth())
            .map_err(|_| malformed("the JWK is not strict JSON"))?;
        match parse_key(&value)? {
            Parsed::Key(k) => Ok(*k),
            Parsed::Unknown => Err(unsupported(
                "the key type or curve is not RSA, EC P-256/P-384/P-521 or OKP Ed25519",
            )),
        }
    }

    /// A JWK for a public key idbridge holds (to publish an RP's own keys),
    /// without `kid`, `use` or `alg` until the `with_*` methods add them.
    pub fn from_public_key(key: &PublicKey) -> Result<Jwk> {
        let members = if let Some((n, e)) = key.rsa_components() {
            Members::Rsa {
                n: b64::encode(strip_zeros(n)),
                e: b64::encode(strip_zeros(e)),
            }
        } else if let Some((curve, point)) = key.ec_point() {
            let len = curve.field_len();
            let x = point
                .get(1..1 + len)
                .ok_or_else(|| malformed("bad EC point"))?;
            let y = point
                .get(1 + len..1 + 2 * len)
                .ok_or_else(|| malformed("bad EC point"))?;
            Members::Ec {
                crv: curve_name(curve),
                x: b64::encode(x),
                y: b64::encode(y),
            }
        } else if let Some(point) = key.ed25519_point() {
            Members::Okp {
                x: b64::encode(point),
            }
        } else {
            return Err(unsupported("the key type has no JWK form here"));
        };
        let thumbprint = thumbprint(&members);
        Ok(Jwk {
            key: key.clone(),
            members,
            kid: None,
            key_use: None,
            key_ops: None,
            alg: None,
            thumbprint,
        })
    }

    /// This key with `kid` set.
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Jwk {
        self.kid = Some(kid.into());
        self
    }

    /// This key with `use` set.
    #[must_use]
    pub fn with_use(mut self, key_use: KeyUse) -> Jwk {
        self.key_use = Some(key_use);
        self
    }

    /// This key with `alg` set (a JWA name, e.g. `"ES256"`).
    #[must_use]
    pub fn with_alg(mut self, alg: impl Into<String>) -> Jwk {
        self.alg = Some(alg.into());
        self
    }

    /// The key, in idbridge's own form (for [`crate::crypto`]).
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }

    /// `kty`: `"RSA"`, `"EC"` or `"OKP"`.
    pub fn kty(&self) -> &'static str {
        match self.members {
            Members::Rsa { .. } => "RSA",
            Members::Ec { .. } => "EC",
            Members::Okp { .. } => "OKP",
        }
    }

    /// `kid`, if the key has one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// `use`, if present.
    pub fn key_use(&self) -> Option<&KeyUse> {
        self.key_use.as_ref()
    }

    /// `key_ops`, if present.
    pub fn key_ops(&self) -> Option<&[String]> {
        self.key_ops.as_deref()
    }

    /// `alg`, if present.
    pub fn alg(&self) -> Option<&str> {
        self.alg.as_deref()
    }

    /// The RFC 7638 thumbprint: base64url of SHA-256 over the required
    /// members in lexicographic order, without whitespace.
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// The input RFC 7638 hashes (e.g. `{"e":"AQAB","kty":"RSA","n":"…"}`).
    pub fn thumbprint_input(&self) -> String {
        canonical(&self.members)
    }

    /// Whether this key may verify a JWS signature made with `alg` (the JWA
    /// name) and `algorithm`: type and curve suit the algorithm; `use`, when
    /// present, is `sig`; `key_ops`, when present, holds `verify`; `alg`,
    /// when present, equals the token's.
    pub fn suits(&self, alg: &str, algorithm: Algorithm) -> bool {
        self.key.check_matches(algorithm).is_ok()
            && self.key_use.as_ref().is_none_or(|u| *u == KeyUse::Sig)
            && self
                .key_ops
                .as_ref()
                .is_none_or(|ops| ops.iter().any(|o| o == "verify"))
            && self.alg.as_deref().is_none_or(|a| a == alg)
    }

    /// The key as a JWK JSON object: public members only, names in
    /// lexicographic order, no whitespace (the same text whatever features
    /// `serde_json` is built with).
    pub fn to_json(&self) -> String {
        let text = |v: &str| serde_json::Value::String(v.to_string()).to_string();
        let mut members: Vec<(&str, String)> = vec![("kty", text(self.kty()))];
        match &self.members {
            Members::Rsa { n, e } => {
                members.push(("n", text(n)));
                members.push(("e", text(e)));
            }
            Members::Ec { crv, x, y } => {
                members.push(("crv", text(crv)));
                members.push(("x", text(x)));
                members.push(("y", text(y)));
            }
            Members::Okp { x } => {
                members.push(("crv", text("Ed25519")));
                members.push(("x", text(x)));
            }
        }
        if let Some(kid) = &self.kid {
            members.push(("kid", text(kid)));
        }
        if let Some(u) = &self.key_use {
            members.push(("use", text(u.as_str())));
        }
        if let Some(ops) = &self.key_ops {
            let ops: Vec<String> = ops.iter().map(|o| text(o)).collect();
            members.push(("key_ops", format!("[{}]", ops.join(","))));
        }
        if let Some(alg) = &self.alg {
            members.push(("alg", text(alg)));
        }
        members.sort_by(|a, b| a.0.cmp(b.0));
        let body: Vec<String> = members
            .iter()
            .map(|(name, value)| format!("\"{name}\":{value}"))
            .collect();
        format!("{{{}}}", body.join(","))
    }
}

/// A JWK Set of public keys (RFC 7517 §5), checked as the module says.
///
/// ```
/// use idbridge::jose::JwkSet;
/// let set = JwkSet::from_json(br#"{"keys":[{"kty":"EC","crv":"P-256","kid":"a",
///   "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
///   "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#)?;
/// assert_eq!(set.keys().len(), 1);
/// let dup = br#"{"keys":[{"kty":"EC","crv":"P-256","kid":"a",
///   "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
///   "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},{"kty":"EC","crv":"P-256","kid":"a",
///   "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
///   "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;
/// assert_eq!(JwkSet::from_json(dup).unwrap_err().code(), "jwk.kid.duplicate");
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JwkSet {
    keys: Vec<Jwk>,
    ignored: usize,
}

impl JwkSet {
    /// Parses a JWK Set document under the default [`Limits`].
    pub fn from_json(bytes: &[u8]) -> Result<JwkSet> {
        JwkSet::from_json_with_limits(bytes, &Limits::default())
    }

    /// Parses a JWK Set document: at most `max_input_bytes` bytes and
    /// `max_jwks_keys` keys (`input.too_large`), JSON nested at most
    /// `max_json_depth` deep.
    pub fn from_json_with_limits(bytes: &[u8], limits: &Limits) -> Result<JwkSet> {
        if bytes.len() > limits.max_input_bytes() {
            return Err(Error::with_detail(
                ErrorCode::InputTooLarge,
                format!(
                    "the JWK Set is larger than {} bytes",
                    limits.max_input_bytes()
                ),
            ));
        }
        let value = json::parse(bytes, limits.max_json_depth())
            .map_err(|_| malformed("the JWK Set is not strict JSON"))?;
        JwkSet::from_value(&value, limits)
    }

    /// A set from a parsed JSON value (e.g. the `jwks` member of a verified
    /// entity statement).
    pub(crate) fn from_value(value: &Json, limits: &Limits) -> Result<JwkSet> {
        let Json::Object(_) = value else {
            return Err(malformed("a JWK Set is a JSON object"));
        };
        let Some(Json::Array(items)) = value.get("keys") else {
            return Err(malformed("a JWK Set has a \"keys\" array"));
        };
        if items.len() > limits.max_jwks_keys() {
            return Err(Error::with_detail(
                ErrorCode::InputTooLarge,
                format!("the JWK Set has more than {} keys", limits.max_jwks_keys()),
            ));
        }
        let mut keys = Vec::with_capacity(items.len());
        let mut ignored = 0;
        for item in items {
            match parse_key(item)? {
                Parsed::Key(k) => keys.push(*k),
                Parsed::Unknown => ignored += 1,
            }
        }
        let mut set = JwkSet::from_keys(keys)?;
        set.ignored = ignored;
        Ok(set)
    }

    /// A set of keys already parsed: refused when two share a `kid`.
    pub fn from_keys(keys: Vec<Jwk>) -> Result<JwkSet> {
        let mut seen = HashSet::new();
        for k in &keys {
            if let Some(kid) = k.kid() {
                if !seen.insert(kid) {
                    return Err(Error::new(
                        ErrorCode::JwkKidDuplicate,
                        "two keys of the set share a kid",
                    ));
                }
            }
        }
        Ok(JwkSet { keys, ignored: 0 })
    }

    /// The keys, in document order.
    pub fn keys(&self) -> &[Jwk] {
        &self.keys
    }

    /// The key with this `kid`, if any.
    pub fn get(&self, kid: &str) -> Option<&Jwk> {
        self.keys.iter().find(|k| k.kid() == Some(kid))
    }

    /// How many members of the document were skipped for an unknown `kty`
    /// or `crv`.
    pub fn ignored(&self) -> usize {
        self.ignored
    }

    /// The set as a JWK Set JSON document.
    pub fn to_json(&self) -> String {
        let keys: Vec<String> = self.keys.iter().map(Jwk::to_json).collect();
        format!("{{\"keys\":[{}]}}", keys.join(","))
    }
}

fn parse_key(value: &Json) -> Result<Parsed> {
    let Json::Object(members) = value else {
        return Err(malformed("a JWK is a JSON object"));
    };
    if members
        .iter()
        .any(|(name, _)| PRIVATE_MEMBERS.contains(&name.as_str()))
    {
        return Err(Error::new(
            ErrorCode::JwkPrivate,
            "a private-key member in a public key",
        ));
    }
    let kty = req_str(value, "kty")?;
    let kid = opt_nonempty(value, "kid")?;
    let alg = opt_nonempty(value, "alg")?;
    let key_use = opt_str(value, "use")?.map(KeyUse::parse);
    let key_ops = match value.get("key_ops") {
        None => None,
        Some(Json::Array(items)) => {
            let mut ops = Vec::with_capacity(items.len());
            for item in items {
                let Json::String(op) = item else {
                    return Err(malformed("key_ops holds strings"));
                };
                if ops.contains(op) {
                    return Err(malformed("a key_ops value is repeated"));
                }
                ops.push(op.clone());
            }
            Some(ops)
        }
        Some(_) => return Err(malformed("key_ops is an array")),
    };
    let (members, spki) = match kty {
        "RSA" => {
            let n_text = req_str(value, "n")?;
            let e_text = req_str(value, "e")?;
            let n = unsigned(n_text)?;
            let e = unsigned(e_text)?;
            (
                Members::Rsa {
                    n: n_text.to_string(),
                    e: e_text.to_string(),
                },
                rsa_spki(&n, &e),
            )
        }
        "EC" => {
            let crv = req_str(value, "crv")?;
            let (crv, prefix, len): (&'static str, &[u8], usize) = match crv {
                "P-256" => ("P-256", P256_SPKI_PREFIX, 32),
                "P-384" => ("P-384", P384_SPKI_PREFIX, 48),
                "P-521" => ("P-521", P521_SPKI_PREFIX, 66),
                _ => return Ok(Parsed::Unknown),
            };
            let x_text = req_str(value, "x")?;
            let y_text = req_str(value, "y")?;
            let x = decode(x_text)?;
            let y = decode(y_text)?;
            if x.len() != len || y.len() != len {
                return Err(malformed(
                    "an EC coordinate is not the full size for its curve",
                ));
            }
            let mut spki = prefix.to_vec();
            spki.push(0x04);
            spki.extend_from_slice(&x);
            spki.extend_from_slice(&y);
            (
                Members::Ec {
                    crv,
                    x: x_text.to_string(),
                    y: y_text.to_string(),
                },
                spki,
            )
        }
        "OKP" => {
            if req_str(value, "crv")? != "Ed25519" || !cfg!(feature = "ed25519") {
                return Ok(Parsed::Unknown);
            }
            let x_text = req_str(value, "x")?;
            let x = decode(x_text)?;
            if x.len() != 32 {
                return Err(malformed("an Ed25519 key is 32 octets"));
            }
            let mut spki = ED25519_SPKI_PREFIX.to_vec();
            spki.extend_from_slice(&x);
            (
                Members::Okp {
                    x: x_text.to_string(),
                },
                spki,
            )
        }
        "oct" => {
            return Err(unsupported(
                "a symmetric key (kty oct) is never a signature key here",
            ))
        }
        _ => return Ok(Parsed::Unknown),
    };
    let key = PublicKey::from_spki_der(&spki).map_err(|e| match e.kind() {
        ErrorCode::CryptoKeyUnsupported => Error::with_detail(
            ErrorCode::JwkUnsupported,
            format!("the key is outside policy: {}", e.reason()),
        ),
        _ => Error::with_detail(
            ErrorCode::JwkMalformed,
            format!("the key does not decode: {}", e.reason()),
        ),
    })?;
    let thumbprint = thumbprint(&members);
    Ok(Parsed::Key(Box::new(Jwk {
        key,
        members,
        kid: kid.map(str::to_string),
        key_use,
        key_ops,
        alg: alg.map(str::to_string),
        thumbprint,
    })))
}

fn req_str<'a>(value: &'a Json, name: &'static str) -> Result<&'a str> {
    match value.get(name) {
        Some(Json::String(s)) => Ok(s),
        Some(_) => Err(Error::with_detail(
            ErrorCode::JwkMalformed,
            format!("the JWK member {name:?} is not a string"),
        )),
        None => Err(Error::with_detail(
            ErrorCode::JwkMalformed,
            format!("the JWK member {name:?} is missing"),
        )),
    }
}

fn opt_str<'a>(value: &'a Json, name: &'static str) -> Result<Option<&'a str>> {
    match value.get(name) {
        None => Ok(None),
        Some(_) => req_str(value, name).map(Some),
    }
}

fn opt_nonempty<'a>(value: &'a Json, name: &'static str) -> Result<Option<&'a str>> {
    match opt_str(value, name)? {
        Some("") => Err(Error::with_detail(
            ErrorCode::JwkMalformed,
            format!("the JWK member {name:?} is empty"),
        )),
        other => Ok(other),
    }
}

fn decode(text: &str) -> Result<Vec<u8>> {
    b64::decode(text).ok_or_else(|| malformed("a JWK member is not strict base64url"))
}

/// An RSA integer: non-empty, without a leading zero octet.
fn unsigned(text: &str) -> Result<Vec<u8>> {
    let bytes = decode(text)?;
    match bytes.first() {
        None => Err(malformed("an RSA integer is empty")),
        Some(0) => Err(malformed(
            "an RSA integer has a leading zero octet (RFC 7518 §6.3.1)",
        )),
        Some(_) => Ok(bytes),
    }
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    bytes.get(start..).unwrap_or(bytes)
}

fn curve_name(curve: crate::crypto::Curve) -> &'static str {
    match curve {
        crate::crypto::Curve::P256 => "P-256",
        crate::crypto::Curve::P384 => "P-384",
        crate::crypto::Curve::P521 => "P-521",
    }
}

/// RFC 7638 §3.2: the required members, lexicographic order, no whitespace.
fn canonical(members: &Members) -> String {
    // The values are base64url text or fixed curve names: nothing to escape.
    match members {
        Members::Rsa { n, e } => format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#),
        Members::Ec { crv, x, y } => {
            format!(r#"{{"crv":"{crv}","kty":"EC","x":"{x}","y":"{y}"}}"#)
        }
        Members::Okp { x } => format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#),
    }
}

fn thumbprint(members: &Members) -> String {
    use sha2::Digest;
    b64::encode(&sha2::Sha256::digest(canonical(members).as_bytes()))
}

// --- SubjectPublicKeyInfo assembly (DER) -------------------------------------

/// SEQUENCE { SEQUENCE { id-ecPublicKey, <curve> }, BIT STRING (0 unused) }
/// up to the uncompressed point's 0x04.
const P256_SPKI_PREFIX: &[u8] = &[
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];
const P384_SPKI_PREFIX: &[u8] = &[
    0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b,
    0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00,
];
const P521_SPKI_PREFIX: &[u8] = &[
    0x30, 0x81, 0x9b, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05,
    0x2b, 0x81, 0x04, 0x00, 0x23, 0x03, 0x81, 0x86, 0x00,
];
/// SEQUENCE { SEQUENCE { id-Ed25519 }, BIT STRING (0 unused, 32 octets) }.
const ED25519_SPKI_PREFIX: &[u8] = &[
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];
/// AlgorithmIdentifier { rsaEncryption, NULL }.
const RSA_ALGORITHM: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];

fn der_len(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let body = bytes.get(skip..).unwrap_or(&[]);
        out.push(0x80 | body.len() as u8);
        out.extend_from_slice(body);
    }
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    der_len(content.len(), &mut out);
    out.extend_from_slice(content);
    out
}

/// A positive INTEGER from big-endian octets without leading zeros.
fn der_uint(be: &[u8]) -> Vec<u8> {
    let mut content = Vec::with_capacity(be.len() + 1);
    if be.first().is_some_and(|b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(be);
    tlv(0x02, &content)
}

fn rsa_spki(n: &[u8], e: &[u8]) -> Vec<u8> {
    let mut rsa_key = der_uint(n);
    rsa_key.extend_from_slice(&der_uint(e));
    let rsa_key = tlv(0x30, &rsa_key);
    let mut bits = vec![0u8];
    bits.extend_from_slice(&rsa_key);
    let mut body = RSA_ALGORITHM.to_vec();
    body.extend_from_slice(&tlv(0x03, &bits));
    tlv(0x30, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_lengths() {
        let mut v = Vec::new();
        der_len(0x7f, &mut v);
        der_len(0x80, &mut v);
        der_len(0x1234, &mut v);
        assert_eq!(v, [0x7f, 0x81, 0x80, 0x82, 0x12, 0x34]);
        assert_eq!(der_uint(&[0x80]), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(der_uint(&[0x7f]), [0x02, 0x01, 0x7f]);
    }

    #[test]
    fn strip_leading_zeros() {
        assert_eq!(strip_zeros(&[0, 0, 1, 0]), &[1, 0]);
        assert_eq!(strip_zeros(&[0]), &[0]);
        assert_eq!(strip_zeros(&[]), &[] as &[u8]);
    }
}
