//! The UserInfo check (`VECTORS.md`, kind `oidc-id-token`, check 9) and the
//! whole login (ID token + UserInfo) from the token endpoint's response.

use super::verify::{
    check_audience, check_issuer, claims_of, config, verify_id_token, Expectations, UserinfoIssAud,
    VerifiedIdToken,
};
use crate::crypto::Backend;
use crate::error::{Error, ErrorCode, Result};
use crate::identity::VerifiedIdentity;
use crate::jose::{self, DecryptionKey, JweAlg, JweEnc, JwkSet, VerifiedJws};
use crate::time::UnixTime;
use serde_json::{Map, Value};

/// The SPID attribute names of the person (the SPID/CIE OIDC guidelines,
/// "Attributes"), and the CIE/OpenID Connect names used when those are
/// absent.
const FISCAL_NUMBER: &str = "https://attributes.spid.gov.it/fiscalNumber";
const NAME: &str = "https://attributes.spid.gov.it/name";
const FAMILY_NAME: &str = "https://attributes.spid.gov.it/familyName";
const DATE_OF_BIRTH: &str = "https://attributes.spid.gov.it/dateOfBirth";
const CIE_FISCAL_NUMBER: &str = "https://attributes.eid.gov.it/fiscal_number";

/// UserInfo claims that are not attributes of the person.
const NOT_ATTRIBUTES: [&str; 5] = ["iss", "aud", "sub", "iat", "exp"];

/// A UserInfo response that decrypted with the RP's key, whose inner JWS
/// verified with the OP's keys, about the ID token's subject. Only
/// idbridge constructs one.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedUserinfo {
    jws: VerifiedJws,
    alg: JweAlg,
    enc: JweEnc,
    claims: Map<String, Value>,
    identity: VerifiedIdentity,
}

impl VerifiedUserinfo {
    /// The inner JWS (header, payload, the OP key that verified it).
    pub fn jws(&self) -> &VerifiedJws {
        &self.jws
    }

    /// The JWE key management algorithm the OP used (it may differ from
    /// what the RP registered: accepted when the allow-list allows it).
    pub fn jwe_alg(&self) -> JweAlg {
        self.alg
    }

    /// The JWE content encryption the OP used.
    pub fn jwe_enc(&self) -> JweEnc {
        self.enc
    }

    /// Every claim of the UserInfo.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The complete identity: the ID token's (issuer, level, `sub`) and
    /// the person from this UserInfo.
    pub fn identity(&self) -> &VerifiedIdentity {
        &self.identity
    }
}

fn string_claim(claims: &Map<String, Value>, name: &str) -> Option<String> {
    claims.get(name).and_then(Value::as_str).map(str::to_string)
}

/// A claim's value as an attribute: a string as it is, anything else as
/// compact JSON.
fn attribute_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Verifies the UserInfo response `userinfo` (the body as received) for
/// the login whose ID token is `id_token`: check 9 of the contract.
///
/// 1. five segments (a compact JWE), else `oidc.userinfo.not_encrypted`;
/// 2. the JWE (`jose::decrypt_compact`): its header (`jwe.malformed`),
///    `alg` and `enc` on [`Expectations::userinfo_jwe`]'s allow-list
///    (under [`Expectations::limits`])
///    (`jwe.algorithm.forbidden`: `RSA1_5` never), decrypted with
///    `decryption_key`, the RP's `enc` key (`jwe.decryption.failed`);
/// 3. the plaintext, a compact JWS, by the `jose` rules with `op_jwks`,
///    `kid` required (an unsigned inner JWT is `jws.algorithm.forbidden`);
/// 4. its `iss` the OP (`oidc.issuer.mismatch`), its `aud` this client
///    and `azp`, if any, too (`oidc.audience.mismatch`) — see
///    [`UserinfoIssAud`] for an OP that leaves them out; its `sub` the ID
///    token's (`oidc.subject.mismatch`).
///
/// The identity is the ID token's, completed with the person (the
/// mapping of the [module documentation](super)).
pub fn verify_userinfo(
    backend: &dyn Backend,
    op_jwks: &JwkSet,
    decryption_key: &DecryptionKey,
    id_token: &VerifiedIdToken,
    userinfo: &str,
    expectations: &Expectations<'_>,
) -> Result<VerifiedUserinfo> {
    expectations.check()?;
    if userinfo.bytes().filter(|b| *b == b'.').count() != 4 {
        return Err(Error::new(
            ErrorCode::OidcUserinfoNotEncrypted,
            "the UserInfo response is not a compact JWE (five segments)",
        ));
    }
    let jwe_options = expectations.userinfo_jwe.with_limits(expectations.limits);
    let decrypted = jose::decrypt_compact(decryption_key, userinfo, &jwe_options)?;
    let inner = decrypted.plaintext_str().ok_or_else(|| {
        Error::new(
            ErrorCode::JwsMalformed,
            "the decrypted UserInfo is not UTF-8 text",
        )
    })?;
    let jws = jose::verify_compact(backend, op_jwks, inner, &expectations.jws_options())?;
    let claims = claims_of(&jws)?;
    let lenient = expectations.userinfo_iss_aud == UserinfoIssAud::IfPresent;
    match claims.get("iss") {
        None if lenient => {}
        Some(Value::String(iss)) => check_issuer(iss, expectations.issuer)?,
        _ => {
            return Err(Error::new(
                ErrorCode::OidcIssuerMismatch,
                "the UserInfo's iss is missing or not the OP",
            ))
        }
    }
    if !(lenient && claims.get("aud").is_none()) {
        check_audience(&claims, expectations.client_id)?;
    }
    match claims.get("sub") {
        Some(Value::String(sub)) if sub == id_token.sub() => {}
        _ => {
            return Err(Error::new(
                ErrorCode::OidcSubjectMismatch,
                "the UserInfo is about another sub than the ID token",
            ))
        }
    }
    let mut identity = id_token.identity().clone();
    let spid = [FISCAL_NUMBER, NAME, FAMILY_NAME, DATE_OF_BIRTH];
    identity.subject_id =
        string_claim(&claims, FISCAL_NUMBER).or_else(|| string_claim(&claims, CIE_FISCAL_NUMBER));
    identity.given_name =
        string_claim(&claims, NAME).or_else(|| string_claim(&claims, "given_name"));
    identity.family_name =
        string_claim(&claims, FAMILY_NAME).or_else(|| string_claim(&claims, "family_name"));
    identity.birth_date =
        string_claim(&claims, DATE_OF_BIRTH).or_else(|| string_claim(&claims, "birthdate"));
    for (name, value) in &claims {
        if NOT_ATTRIBUTES.contains(&name.as_str()) || spid.contains(&name.as_str()) {
            continue;
        }
        identity
            .attributes
            .insert(name.clone(), attribute_text(value));
    }
    Ok(VerifiedUserinfo {
        alg: decrypted.alg(),
        enc: decrypted.enc(),
        jws,
        claims,
        identity,
    })
}

/// What the RP received: the token endpoint's `id_token` and
/// `access_token`, and the UserInfo response body (the contract's input
/// document `{"id_token", "access_token"?, "userinfo"?}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenResponse {
    /// The ID token (compact JWS).
    pub id_token: String,
    /// The access token, checked against `at_hash` when given.
    pub access_token: Option<String>,
    /// The UserInfo response body (a compact JWE).
    pub userinfo: Option<String>,
}

impl TokenResponse {
    /// Reads the JSON document `{"id_token": ..., "access_token": ...,
    /// "userinfo": ...}` (a token endpoint response with the UserInfo
    /// body added; other members, such as `token_type`, are ignored):
    /// `input.too_large` beyond `Limits::max_input_bytes`, `input.json`
    /// for malformed JSON, a duplicate key, or members of the wrong type,
    /// `oidc.claim.missing` without an `id_token`.
    pub fn from_json(bytes: &[u8], limits: &crate::Limits) -> Result<TokenResponse> {
        if bytes.len() > limits.max_input_bytes() {
            return Err(Error::new(
                ErrorCode::InputTooLarge,
                "the token response is larger than the input limit",
            ));
        }
        crate::json::parse(bytes, limits.max_json_depth())?;
        let Ok(Value::Object(doc)) = serde_json::from_slice::<Value>(bytes) else {
            return Err(Error::new(
                ErrorCode::InputJson,
                "the token response is not a JSON object",
            ));
        };
        let text = |name: &str| -> Result<Option<String>> {
            match doc.get(name) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(Error::with_detail(
                    ErrorCode::InputJson,
                    format!("the token response's {name:?} is not a string"),
                )),
            }
        };
        let id_token = text("id_token")?.ok_or_else(|| {
            Error::new(
                ErrorCode::OidcClaimMissing,
                "the token response has no id_token",
            )
        })?;
        Ok(TokenResponse {
            id_token,
            access_token: text("access_token")?,
            userinfo: text("userinfo")?,
        })
    }
}

/// A verified login: the ID token, and the UserInfo when there was one.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedLogin {
    id_token: VerifiedIdToken,
    userinfo: Option<VerifiedUserinfo>,
}

impl VerifiedLogin {
    /// The verified ID token.
    pub fn id_token(&self) -> &VerifiedIdToken {
        &self.id_token
    }

    /// The verified UserInfo, if the response had one.
    pub fn userinfo(&self) -> Option<&VerifiedUserinfo> {
        self.userinfo.as_ref()
    }

    /// The identity: the UserInfo's when there is one (the person), else
    /// the ID token's (issuer, level, `sub` only).
    pub fn identity(&self) -> &VerifiedIdentity {
        match &self.userinfo {
            Some(u) => u.identity(),
            None => self.id_token.identity(),
        }
    }
}

/// Verifies a whole login: [`verify_id_token`] (with the access token, if
/// any) then, when the response has a UserInfo body,
/// [`verify_userinfo`] with `decryption_key` (`config.invalid` without
/// one). The contract's kind `oidc-id-token` runs exactly this.
///
/// ```
/// use idbridge::crypto::{self, RustCryptoSigner, Signer};
/// use idbridge::jose::{self, DecryptionKey, Jwk, JweAlg, JweEnc, JwkSet};
/// use idbridge::oidc::rp::{self, Expectations, TokenResponse};
/// use idbridge::UnixTime;
/// # let pem = include_str!("../../../test-vectors/keys/p256.pk8.pem");
/// # let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
/// # use base64::Engine as _;
/// # let pkcs8 = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
/// // The RP's encryption key (RFC 7517 Appendix A.2's P-256 key: a test key).
/// let rp_key = DecryptionKey::from_jwk_json(br#"{"kty":"EC","crv":"P-256","use":"enc","kid":"rp-enc-1",
///   "x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
///   "y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
///   "d":"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE"}"#)?;
/// // The OP's side: an ID token, an access token, a signed-then-encrypted UserInfo.
/// let op = RustCryptoSigner::from_pkcs8_der(&pkcs8)?;
/// let access_token = "an-opaque-access-token";
/// let (iss, aud, sub) = ("https://op.example.it/", "https://rp.example.it/", "pairwise-7f3a");
/// let id_claims = serde_json::json!({"iss": iss, "sub": sub, "aud": aud,
///     "iat": 1768471200, "exp": 1768471800, "nonce": "n0nceN0nceN0nceN0nceN0nceN0nce42abcd",
///     "acr": "https://www.spid.gov.it/SpidL2",
///     "at_hash": rp::at_hash(crypto::HashAlg::Sha256, access_token)});
/// let userinfo_claims = serde_json::json!({"iss": iss, "aud": aud, "sub": sub,
///     "https://attributes.spid.gov.it/fiscalNumber": "TINIT-RSSMRA80A01H501U",
///     "https://attributes.spid.gov.it/name": "Mario",
///     "https://attributes.spid.gov.it/familyName": "Rossi",
///     "https://attributes.spid.gov.it/email": "mario.rossi@example.it"});
/// let sign = |c: &serde_json::Value| jose::sign_compact(&op, "ES256", Some("op-1"), None,
///     c.to_string().as_bytes());
/// let userinfo = jose::encrypt_compact(rp_key.public_jwk(), JweAlg::EcdhEs, JweEnc::A256Gcm,
///     sign(&userinfo_claims)?.as_bytes(), &[("cty", "JWT")])?;
/// let response = TokenResponse { id_token: sign(&id_claims)?,
///     access_token: Some(access_token.to_string()), userinfo: Some(userinfo) };
///
/// // The RP's side: the OP's keys from its resolved federation metadata.
/// let op_jwks = JwkSet::from_keys(vec![Jwk::from_public_key(op.public_key())?.with_kid("op-1")])?;
/// let expectations = Expectations::new(aud, iss, "n0nceN0nceN0nceN0nceN0nceN0nce42abcd");
/// let now = UnixTime::from_unix_seconds(1768471230);
/// let login = rp::verify_login(crypto::default_backend(), &op_jwks, Some(&rp_key),
///     &response, &expectations, now)?;
/// let person = login.identity();
/// assert_eq!(person.subject_id(), Some("TINIT-RSSMRA80A01H501U"));
/// assert_eq!(person.given_name(), Some("Mario"));
/// assert_eq!(person.level(), Some("SpidL2"));
/// assert_eq!(person.attributes()["https://attributes.spid.gov.it/email"], "mario.rossi@example.it");
/// assert_eq!(login.userinfo().map(|u| u.jwe_enc()), Some(JweEnc::A256Gcm));
/// # Ok::<(), idbridge::Error>(())
/// ```
pub fn verify_login(
    backend: &dyn Backend,
    op_jwks: &JwkSet,
    decryption_key: Option<&DecryptionKey>,
    response: &TokenResponse,
    expectations: &Expectations<'_>,
    now: UnixTime,
) -> Result<VerifiedLogin> {
    let id_token = verify_id_token(
        backend,
        op_jwks,
        &response.id_token,
        response.access_token.as_deref(),
        expectations,
        now,
    )?;
    let userinfo = match &response.userinfo {
        None => None,
        Some(body) => {
            let key = decryption_key
                .ok_or_else(|| config("a UserInfo response needs the RP's decryption key"))?;
            Some(verify_userinfo(
                backend,
                op_jwks,
                key,
                &id_token,
                body,
                expectations,
            )?)
        }
    };
    Ok(VerifiedLogin { id_token, userinfo })
}
