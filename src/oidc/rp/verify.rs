//! The ID token checks of `VECTORS.md`, kind `oidc-id-token`, checks 1 to 8
//! (OpenID Connect Core 1.0 §3.1.3.7, §3.1.3.6; the SPID/CIE OIDC
//! guidelines, "Token endpoint").

use crate::crypto::{AllowList, Backend, HashAlg};
use crate::error::{Error, ErrorCode, Result};
use crate::identity::{Loa, System, VerifiedIdentity};
use crate::jose::{self, JweOptions, JwkSet, JwsOptions, VerifiedJws};
use crate::limits::Limits;
use crate::time::UnixTime;
use serde_json::{Map, Value};

#[cfg(doc)]
use super::VerifiedUserinfo;

/// A SPID level of assurance, as an OpenID Provider writes it in `acr`
/// (`https://www.spid.gov.it/SpidL1` ... `SpidL3`; CIE ID uses the same
/// three values). Ordered: `L1 < L2 < L3`.
///
/// ```
/// use idbridge::oidc::rp::SpidLevel;
/// let level = SpidLevel::from_acr("https://www.spid.gov.it/SpidL2").unwrap();
/// assert_eq!(level, SpidLevel::L2);
/// assert_eq!(level.name(), "SpidL2");
/// assert_eq!(level.loa(), idbridge::Loa::Substantial);
/// assert!(SpidLevel::L3 > SpidLevel::L2);
/// assert_eq!(SpidLevel::from_acr("https://www.spid.gov.it/SpidL4"), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpidLevel {
    /// `https://www.spid.gov.it/SpidL1` (eIDAS low).
    L1,
    /// `https://www.spid.gov.it/SpidL2` (eIDAS substantial).
    L2,
    /// `https://www.spid.gov.it/SpidL3` (eIDAS high).
    L3,
}

impl SpidLevel {
    /// Every level, lowest first.
    pub const ALL: [SpidLevel; 3] = [SpidLevel::L1, SpidLevel::L2, SpidLevel::L3];

    /// The `acr` value (a URI).
    pub const fn acr(self) -> &'static str {
        match self {
            SpidLevel::L1 => "https://www.spid.gov.it/SpidL1",
            SpidLevel::L2 => "https://www.spid.gov.it/SpidL2",
            SpidLevel::L3 => "https://www.spid.gov.it/SpidL3",
        }
    }

    /// The level's short name (`SpidL1` ... `SpidL3`), as in
    /// [`VerifiedIdentity::level`].
    pub const fn name(self) -> &'static str {
        match self {
            SpidLevel::L1 => "SpidL1",
            SpidLevel::L2 => "SpidL2",
            SpidLevel::L3 => "SpidL3",
        }
    }

    /// The eIDAS level of assurance: L1 low, L2 substantial, L3 high.
    pub const fn loa(self) -> Loa {
        match self {
            SpidLevel::L1 => Loa::Low,
            SpidLevel::L2 => Loa::Substantial,
            SpidLevel::L3 => Loa::High,
        }
    }

    /// The level whose `acr` is exactly `acr`.
    pub fn from_acr(acr: &str) -> Option<SpidLevel> {
        SpidLevel::ALL.into_iter().find(|l| l.acr() == acr)
    }

    /// The level whose short name is exactly `name` (`SpidL2`).
    pub fn from_name(name: &str) -> Option<SpidLevel> {
        SpidLevel::ALL.into_iter().find(|l| l.name() == name)
    }
}

/// Whether the UserInfo's own `iss` and `aud` must be there.
///
/// The contract (`VECTORS.md`, check 9) and OpenID Connect Core §5.3.2
/// want a signed UserInfo to name its issuer and audience, and idbridge
/// checks them by default. spid-cie-oidc-django (up to 1.6.3 at least)
/// signs a UserInfo with `sub` and the requested claims only; a relying
/// party that must work with it opts in to [`UserinfoIssAud::IfPresent`]:
/// the members are then checked when present, and their absence is
/// accepted (the JWS is still the OP's, checked with the OP's keys, and
/// encrypted to this RP's key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UserinfoIssAud {
    /// `iss` and `aud` present and right (the default, the contract's rule).
    #[default]
    Required,
    /// Checked when present, accepted when absent.
    IfPresent,
}

/// What the relying party expects of the OP's tokens: its own client id,
/// the OP, the `nonce` it sent, the minimum level, the clock skew.
///
/// ```
/// use idbridge::oidc::rp::{Expectations, SpidLevel};
/// let mut expectations = Expectations::new(
///     "https://rp.example.it/", "https://op.example.it/",
///     "n0nceN0nceN0nceN0nceN0nceN0nce42abcd");
/// expectations.min_level = SpidLevel::L3;
/// expectations.clock_skew_seconds = 5;
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Expectations<'a> {
    /// This relying party's client id (its entity id in the federation):
    /// the only audience trusted.
    pub client_id: &'a str,
    /// The OP's entity id: its tokens' `iss`.
    pub issuer: &'a str,
    /// The `nonce` exactly as sent in the request object.
    pub nonce: &'a str,
    /// The lowest acceptable level (default [`SpidLevel::L2`]).
    pub min_level: SpidLevel,
    /// Tolerance for the `exp`, `iat` and `nbf` comparisons, in seconds
    /// (default 0).
    pub clock_skew_seconds: u32,
    /// The scheme the identity is reported under: [`System::Spid`] (the
    /// default) or [`System::Cie`], as the caller's federation is. The
    /// protocol (OpenID Connect rather than SAML) shows in the verified
    /// type, not in the identity: a person is the same person whichever
    /// protocol SPID used.
    pub system: System,
    /// The signature algorithms accepted for the ID token and the UserInfo
    /// JWS (default: RS256/384/512, PS256/384/512, ES256/384/512).
    pub allowed: AllowList,
    /// Whether the UserInfo's `iss` and `aud` must be present.
    pub userinfo_iss_aud: UserinfoIssAud,
    /// The UserInfo JWE's `alg`/`enc` allow-list (default: every pair the
    /// contract names: `RSA-OAEP`, `RSA-OAEP-256`, `ECDH-ES`,
    /// `ECDH-ES+A128KW`/`A192KW`/`A256KW` × `A128CBC-HS256`,
    /// `A192CBC-HS384`, `A256CBC-HS512`, `A128GCM`, `A192GCM`, `A256GCM`;
    /// `RSA1_5` never). The OP may use another pair than the one the RP
    /// registered (the reference OP sends `A256CBC-HS512` whatever was
    /// asked): [`VerifiedUserinfo::jwe_enc`] says which.
    pub userinfo_jwe: JweOptions,
    /// Input bounds (the ID token, the UserInfo JWE and its inner JWS).
    pub limits: Limits,
}

impl<'a> Expectations<'a> {
    /// Expectations with every default: minimum SpidL2, no skew, SPID,
    /// the default allow-list, `iss`/`aud` required in UserInfo.
    pub fn new(client_id: &'a str, issuer: &'a str, nonce: &'a str) -> Self {
        Expectations {
            client_id,
            issuer,
            nonce,
            min_level: SpidLevel::L2,
            clock_skew_seconds: 0,
            system: System::Spid,
            allowed: AllowList::default(),
            userinfo_iss_aud: UserinfoIssAud::Required,
            userinfo_jwe: JweOptions::new(),
            limits: Limits::default(),
        }
    }

    /// `config.invalid` for unusable expectations: an empty client id,
    /// issuer or nonce, a system other than SPID or CIE.
    pub(crate) fn check(&self) -> Result<()> {
        if self.client_id.is_empty() {
            return Err(config("the client id is empty"));
        }
        if self.issuer.is_empty() {
            return Err(config("the OP's issuer is empty"));
        }
        if self.nonce.is_empty() {
            return Err(config("the nonce is empty"));
        }
        if !matches!(self.system, System::Spid | System::Cie) {
            return Err(config("the system is neither SPID nor CIE"));
        }
        Ok(())
    }

    /// The JWS options of checks 1 and 9: `kid` required.
    pub(crate) fn jws_options(&self) -> JwsOptions {
        JwsOptions::new()
            .allow(self.allowed)
            .require_kid()
            .with_limits(self.limits)
    }
}

pub(crate) fn config(reason: &'static str) -> Error {
    Error::new(ErrorCode::ConfigInvalid, reason)
}

fn fail(code: ErrorCode, reason: &'static str) -> Error {
    Error::new(code, reason)
}

fn missing(name: &str, what: &str) -> Error {
    Error::with_detail(
        ErrorCode::OidcClaimMissing,
        format!("the claim {name:?} is missing or not {what}"),
    )
}

/// The claims of a verified JWS as a JSON object. The bytes passed
/// idbridge's strict parser already (no duplicate keys, bounded depth).
pub(crate) fn claims_of(jws: &VerifiedJws) -> Result<Map<String, Value>> {
    match serde_json::from_slice::<Value>(jws.payload()) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(fail(
            ErrorCode::JwsMalformed,
            "the payload is not a JSON object",
        )),
    }
}

/// A NumericDate (RFC 7519 §2): a JSON number, fractions rounded down.
fn numeric_date(value: Option<&Value>) -> Option<Option<i64>> {
    match value {
        None => Some(None),
        Some(Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                Some(Some(i))
            } else {
                let f = n.as_f64()?;
                // Within ±2^53 a float is an exact integer after floor.
                if f.is_finite() && f.abs() < 9_007_199_254_740_992.0 {
                    Some(Some(f.floor() as i64))
                } else {
                    None
                }
            }
        }
        Some(_) => None,
    }
}

fn required_string<'v>(claims: &'v Map<String, Value>, name: &str) -> Result<&'v str> {
    match claims.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        _ => Err(missing(name, "a non-empty string")),
    }
}

fn required_date(claims: &Map<String, Value>, name: &str) -> Result<i64> {
    match numeric_date(claims.get(name)) {
        Some(Some(t)) => Ok(t),
        _ => Err(missing(name, "a number")),
    }
}

/// `aud` a string or an array of strings (check 2's type rule).
fn audience_typed(claims: &Map<String, Value>) -> Result<()> {
    match claims.get("aud") {
        Some(Value::String(_)) => Ok(()),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => Ok(()),
        _ => Err(missing("aud", "a string or an array of strings")),
    }
}

/// `aud` is `client_id` or `[client_id]`, and `azp`, if any, is
/// `client_id` (check 4 and its UserInfo twin): no other audience is
/// trusted (OpenID Connect Core §3.1.3.7, items 3 to 5).
pub(crate) fn check_audience(claims: &Map<String, Value>, client_id: &str) -> Result<()> {
    let exact = match claims.get("aud") {
        Some(Value::String(aud)) => aud == client_id,
        Some(Value::Array(items)) => {
            matches!(items.as_slice(), [Value::String(aud)] if aud == client_id)
        }
        _ => false,
    };
    if !exact {
        return Err(fail(
            ErrorCode::OidcAudienceMismatch,
            "aud is not exactly this client id",
        ));
    }
    match claims.get("azp") {
        None => Ok(()),
        Some(Value::String(azp)) if azp == client_id => Ok(()),
        Some(_) => Err(fail(
            ErrorCode::OidcAudienceMismatch,
            "azp names another party",
        )),
    }
}

/// `iss`, checked against the OP (check 3 and its UserInfo twin).
pub(crate) fn check_issuer(iss: &str, expected: &str) -> Result<()> {
    if iss == expected {
        Ok(())
    } else {
        Err(fail(
            ErrorCode::OidcIssuerMismatch,
            "iss is not the expected OpenID Provider",
        ))
    }
}

/// `at_hash` over `access_token` with the hash `hash` (check 8): the left
/// half of the digest of the token's ASCII bytes, base64url without
/// padding (OpenID Connect Core §3.1.3.6, §3.2.2.9).
pub fn at_hash(hash: HashAlg, access_token: &str) -> String {
    use base64::Engine as _;
    let digest = hash.digest(access_token.as_bytes());
    let half = digest.get(..digest.len() / 2).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(half)
}

/// An ID token that passed checks 1 to 8: its signature by one of the OP's
/// keys, its claims, its level. Only idbridge constructs one.
///
/// ```compile_fail
/// let forged = idbridge::oidc::rp::VerifiedIdToken { sub: String::new() };
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedIdToken {
    jws: VerifiedJws,
    claims: Map<String, Value>,
    issuer: String,
    sub: String,
    level: SpidLevel,
    exp: i64,
    iat: i64,
    at_hash_checked: bool,
    identity: VerifiedIdentity,
}

impl VerifiedIdToken {
    /// The verified JWS (header, payload, the key that verified it).
    pub fn jws(&self) -> &VerifiedJws {
        &self.jws
    }

    /// `iss`: the OP.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `sub`: the pairwise subject identifier (not the person's fiscal
    /// number: that comes only from the UserInfo).
    pub fn sub(&self) -> &str {
        &self.sub
    }

    /// The level `acr` names.
    pub fn level(&self) -> SpidLevel {
        self.level
    }

    /// `exp`, seconds since the epoch.
    pub fn exp(&self) -> i64 {
        self.exp
    }

    /// `iat`, seconds since the epoch.
    pub fn iat(&self) -> i64 {
        self.iat
    }

    /// Whether `at_hash` was checked against an access token (check 8);
    /// `false` when the token was verified without one.
    pub fn at_hash_checked(&self) -> bool {
        self.at_hash_checked
    }

    /// The claim `name` as JSON, if the token has it.
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.claims.get(name)
    }

    /// Every claim of the token.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The identity the ID token alone asserts: `issuer`, `level`, `loa`,
    /// `attributes.sub`. The person (fiscal number, names, birth date)
    /// comes only from the verified UserInfo ([`super::verify_userinfo`]).
    pub fn identity(&self) -> &VerifiedIdentity {
        &self.identity
    }
}

/// Verifies an ID token from the OP's token endpoint: checks 1 to 8 of
/// `VECTORS.md`, kind `oidc-id-token`, in that order, the first failing
/// one giving the code.
///
/// `op_jwks` are the OP's signature keys: in a service, the
/// `openid_provider.jwks` of the OP's metadata as its trust chain resolved
/// it ([`crate::oidc::federation`]), never keys the token names or a
/// document fetched outside the chain. `access_token`, when given, is
/// checked against `at_hash` (check 8); `at_hash` itself is always
/// required (SPID and CIE make it mandatory).
///
/// 1. the JWS with `op_jwks` (the `jose` rules, `kid` required);
/// 2. `iss`, `sub`, `aud`, `exp`, `iat`, `at_hash` present and of their
///    types (`oidc.claim.missing`: strings, `aud` a string or strings,
///    NumericDates; `nbf`, when present, a NumericDate);
/// 3. `iss` = the OP (`oidc.issuer.mismatch`);
/// 4. `aud` is the client id or a list of exactly it, `azp` absent or the
///    client id (`oidc.audience.mismatch`);
/// 5. now < `exp` + skew (`oidc.time.expired`), `iat` and `nbf` ≤ now +
///    skew (`oidc.time.not_yet_valid`);
/// 6. `nonce` present (`oidc.nonce.missing`) and the one sent
///    (`oidc.nonce.mismatch`);
/// 7. `acr` a SPID level (`oidc.acr.invalid`), at least the minimum
///    (`oidc.acr.insufficient`);
/// 8. with an access token, `at_hash` over it (`oidc.at_hash.mismatch`).
///
/// ```
/// use idbridge::crypto::{self, RustCryptoSigner, Signer};
/// use idbridge::jose::{self, Jwk, JwkSet};
/// use idbridge::oidc::rp::{self, Expectations, SpidLevel};
/// use idbridge::UnixTime;
/// # let pem = include_str!("../../../test-vectors/keys/p256.pk8.pem");
/// # let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
/// # use base64::Engine as _;
/// # let pkcs8 = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
/// // The OP's side (here, a test key).
/// let op = RustCryptoSigner::from_pkcs8_der(&pkcs8)?;
/// let access_token = "an-opaque-access-token";
/// let claims = serde_json::json!({
///     "iss": "https://op.example.it/", "sub": "pairwise-7f3a",
///     "aud": "https://rp.example.it/", "iat": 1768471200, "exp": 1768471800,
///     "nonce": "n0nceN0nceN0nceN0nceN0nceN0nce42abcd",
///     "acr": "https://www.spid.gov.it/SpidL2",
///     "at_hash": rp::at_hash(crypto::HashAlg::Sha256, access_token),
/// });
/// let id_token = jose::sign_compact(&op, "ES256", Some("op-1"), None,
///     claims.to_string().as_bytes())?;
///
/// // The RP's side: the OP's keys come from its resolved federation metadata.
/// let op_jwks = JwkSet::from_keys(vec![Jwk::from_public_key(op.public_key())?.with_kid("op-1")])?;
/// let expectations = Expectations::new("https://rp.example.it/", "https://op.example.it/",
///     "n0nceN0nceN0nceN0nceN0nceN0nce42abcd");
/// let now = UnixTime::from_unix_seconds(1768471230);
/// let verified = rp::verify_id_token(crypto::default_backend(), &op_jwks, &id_token,
///     Some(access_token), &expectations, now)?;
/// assert_eq!(verified.level(), SpidLevel::L2);
/// assert_eq!(verified.identity().loa(), Some(idbridge::Loa::Substantial));
/// assert_eq!(verified.identity().attributes()["sub"], "pairwise-7f3a");
///
/// // Another nonce, another login: refused.
/// let other = Expectations::new("https://rp.example.it/", "https://op.example.it/",
///     "an0therN0nceN0nceN0nceN0nceN0nce42abc");
/// let err = rp::verify_id_token(crypto::default_backend(), &op_jwks, &id_token,
///     Some(access_token), &other, now).unwrap_err();
/// assert_eq!(err.code(), "oidc.nonce.mismatch");
/// # Ok::<(), idbridge::Error>(())
/// ```
pub fn verify_id_token(
    backend: &dyn Backend,
    op_jwks: &JwkSet,
    id_token: &str,
    access_token: Option<&str>,
    expectations: &Expectations<'_>,
    now: UnixTime,
) -> Result<VerifiedIdToken> {
    expectations.check()?;
    // Check 1.
    let jws = jose::verify_compact(backend, op_jwks, id_token, &expectations.jws_options())?;
    let claims = claims_of(&jws)?;
    // Check 2.
    let iss = required_string(&claims, "iss")?;
    let sub = required_string(&claims, "sub")?;
    audience_typed(&claims)?;
    let exp = required_date(&claims, "exp")?;
    let iat = required_date(&claims, "iat")?;
    let claimed_at_hash = required_string(&claims, "at_hash")?;
    let nbf = numeric_date(claims.get("nbf")).ok_or_else(|| missing("nbf", "a number"))?;
    // Check 3.
    check_issuer(iss, expectations.issuer)?;
    // Check 4.
    check_audience(&claims, expectations.client_id)?;
    // Check 5.
    let skew = i64::from(expectations.clock_skew_seconds);
    crate::time::check_skew(skew)?;
    let now_s = now.as_secs();
    if now_s >= exp.saturating_add(skew) {
        return Err(fail(ErrorCode::OidcTimeExpired, "the ID token has expired"));
    }
    let latest = now_s.saturating_add(skew);
    if iat > latest || nbf.is_some_and(|nbf| nbf > latest) {
        return Err(fail(
            ErrorCode::OidcTimeNotYetValid,
            "the ID token's iat or nbf is in the future",
        ));
    }
    // Check 6.
    match claims.get("nonce") {
        None => {
            return Err(fail(
                ErrorCode::OidcNonceMissing,
                "the ID token has no nonce",
            ))
        }
        Some(Value::String(n)) if n == expectations.nonce => {}
        Some(_) => {
            return Err(fail(
                ErrorCode::OidcNonceMismatch,
                "the ID token's nonce is not the one sent",
            ))
        }
    }
    // Check 7.
    let level = claims
        .get("acr")
        .and_then(Value::as_str)
        .and_then(SpidLevel::from_acr)
        .ok_or_else(|| {
            fail(
                ErrorCode::OidcAcrInvalid,
                "acr is missing or not a SPID level",
            )
        })?;
    if level < expectations.min_level {
        return Err(fail(
            ErrorCode::OidcAcrInsufficient,
            "acr is below the level required",
        ));
    }
    // Check 8.
    if let Some(token) = access_token {
        let want = at_hash(jws.algorithm().hash(), token);
        if want != claimed_at_hash {
            return Err(fail(
                ErrorCode::OidcAtHashMismatch,
                "at_hash does not match the access token",
            ));
        }
    }
    let mut identity = VerifiedIdentity::new(expectations.system);
    identity.issuer = Some(iss.to_string());
    identity.level = Some(level.name().to_string());
    identity.loa = Some(level.loa());
    identity
        .attributes
        .insert("sub".to_string(), sub.to_string());
    Ok(VerifiedIdToken {
        issuer: iss.to_string(),
        sub: sub.to_string(),
        level,
        exp,
        iat,
        at_hash_checked: access_token.is_some(),
        identity,
        claims,
        jws,
    })
}
