//! What the RP sends: the signed request object and the authorization URL,
//! the `private_key_jwt` client assertion, the token request (native: the
//! RP signs with a caller-held [`Signer`]).

use super::pkce::{check_state_nonce, is_unreserved, random_token, Pkce};
use super::verify::SpidLevel;
use crate::crypto::Signer;
use crate::error::{Error, ErrorCode, Result};
use crate::identity::System;
use crate::jose;
use crate::time::UnixTime;
use serde_json::{json, Value};

/// `client_assertion_type` of RFC 7523 §2.2.
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The longest lifetime idbridge gives a request object or a client
/// assertion, in seconds (they are single-use and short-lived).
pub const MAX_LIFETIME_SECONDS: u32 = 600;

fn config(reason: &'static str) -> Error {
    Error::new(ErrorCode::ConfigInvalid, reason)
}

/// `config.invalid` unless `url` is an absolute `https://` URL (or
/// `http://` when `allow_http`) with a host, no fragment, no spaces or
/// control characters.
pub(crate) fn check_url(url: &str, allow_http: bool, what: &'static str) -> Result<()> {
    let bad = || {
        Error::with_detail(
            ErrorCode::ConfigInvalid,
            format!("the {what} is not an https:// URL with a host"),
        )
    };
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if allow_http {
        url.strip_prefix("http://").ok_or_else(bad)?
    } else {
        return Err(bad());
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    if host.is_empty()
        || host.contains('@')
        || url.contains('#')
        || url.len() > 2048
        || !url.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(bad());
    }
    Ok(())
}

/// `application/x-www-form-urlencoded` of `pairs` (every byte but the
/// unreserved ones percent-encoded).
pub(crate) fn form_encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        percent(&mut out, k);
        out.push('=');
        percent(&mut out, v);
    }
    out
}

fn percent(out: &mut String, s: &str) {
    use core::fmt::Write as _;
    for b in s.bytes() {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

fn check_lifetime(seconds: u32) -> Result<i64> {
    if seconds == 0 || seconds > MAX_LIFETIME_SECONDS {
        return Err(config("a lifetime is 1 to 600 seconds"));
    }
    Ok(i64::from(seconds))
}

/// The signing key's `kid`: required, the OP picks our key by it.
fn check_kid(kid: &str) -> Result<()> {
    if kid.is_empty() || kid.len() > 256 {
        return Err(config("the signing key's kid is empty or too long"));
    }
    Ok(())
}

/// The claims an RP asks for by default: the SPID attribute names in the
/// UserInfo for [`System::Spid`]; the CIE names (OpenID Connect's
/// standard claims and `https://attributes.eid.gov.it/fiscal_number`) for
/// [`System::Cie`].
pub fn default_claims(system: System) -> Value {
    match system {
        System::Cie => json!({
            "id_token": {
                "family_name": {"essential": true},
                "given_name": {"essential": true}
            },
            "userinfo": {
                "given_name": null,
                "family_name": null,
                "birthdate": null,
                "https://attributes.eid.gov.it/fiscal_number": null
            }
        }),
        _ => json!({
            "userinfo": {
                "https://attributes.spid.gov.it/name": null,
                "https://attributes.spid.gov.it/familyName": null,
                "https://attributes.spid.gov.it/fiscalNumber": null,
                "https://attributes.spid.gov.it/dateOfBirth": null
            }
        }),
    }
}

/// A SPID/CIE authorization request (OpenID Connect Core §6.1, the
/// SPID/CIE guidelines' "Authorization endpoint"): the request object's
/// content, built with checked inputs, then signed.
///
/// Defaults: `scope` `openid`, `prompt` `consent login`, `acr_values`
/// SpidL2, the [`default_claims`] of SPID, a fresh random `state` and
/// `nonce` (32 bytes each), a fresh [`Pkce`], a 60-second lifetime,
/// `https://` URLs only.
///
/// ```
/// use idbridge::crypto::{self, RustCryptoSigner, Signer};
/// use idbridge::jose::{self, Jwk, JwkSet, JwsOptions};
/// use idbridge::oidc::rp::{AuthorizationRequest, SpidLevel};
/// use idbridge::UnixTime;
/// # let pem = include_str!("../../../test-vectors/keys/p256.pk8.pem");
/// # let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
/// # use base64::Engine as _;
/// # let pkcs8 = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
/// let rp_key = RustCryptoSigner::from_pkcs8_der(&pkcs8)?;
/// let request = AuthorizationRequest::new(
///         "https://rp.example.it/", "https://op.example.it/",
///         "https://op.example.it/authorization", "https://rp.example.it/callback")
///     .acr_values(&[SpidLevel::L2, SpidLevel::L3])
///     .sign(&rp_key, "ES256", "rp-sig-1", UnixTime::from_unix_seconds(1768471200))?;
/// // Keep state, nonce and the PKCE verifier for the callback; send the browser to url().
/// assert!(request.url().starts_with("https://op.example.it/authorization?client_id="));
/// assert_eq!(request.state().len(), 43);
///
/// // The OP's view: the request object verifies with the RP's published key.
/// let keys = JwkSet::from_keys(vec![Jwk::from_public_key(rp_key.public_key())?.with_kid("rp-sig-1")])?;
/// let jws = jose::verify_compact(crypto::default_backend(), &keys, request.request_object(),
///     &JwsOptions::new().require_kid())?;
/// let claims: serde_json::Value = serde_json::from_slice(jws.payload()).unwrap();
/// assert_eq!(claims["nonce"], request.nonce());
/// assert_eq!(claims["code_challenge"], request.pkce().challenge());
/// assert_eq!(claims["acr_values"],
///     "https://www.spid.gov.it/SpidL2 https://www.spid.gov.it/SpidL3");
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct AuthorizationRequest {
    client_id: String,
    op_entity_id: String,
    authorization_endpoint: String,
    redirect_uri: String,
    scope: String,
    prompt: String,
    acr_values: Vec<SpidLevel>,
    claims: Value,
    state: Option<String>,
    nonce: Option<String>,
    pkce: Option<Pkce>,
    lifetime_seconds: u32,
    allow_http: bool,
}

impl AuthorizationRequest {
    /// A request from `client_id` (the RP's entity id) to the OP
    /// `op_entity_id`, at its `authorization_endpoint` (both from the OP's
    /// resolved metadata), answered at `redirect_uri` (one of the RP's
    /// registered `redirect_uris`).
    pub fn new(
        client_id: impl Into<String>,
        op_entity_id: impl Into<String>,
        authorization_endpoint: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> AuthorizationRequest {
        AuthorizationRequest {
            client_id: client_id.into(),
            op_entity_id: op_entity_id.into(),
            authorization_endpoint: authorization_endpoint.into(),
            redirect_uri: redirect_uri.into(),
            scope: "openid".to_string(),
            prompt: "consent login".to_string(),
            acr_values: vec![SpidLevel::L2],
            claims: default_claims(System::Spid),
            state: None,
            nonce: None,
            pkce: None,
            lifetime_seconds: 60,
            allow_http: false,
        }
    }

    /// `scope`: space-separated, must hold `openid` (e.g. `openid
    /// offline_access`).
    #[must_use]
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// `prompt`: `consent login` (the default) or `consent`, the values
    /// the SPID/CIE guidelines allow.
    #[must_use]
    pub fn prompt(mut self, prompt: impl Into<String>) -> Self {
        self.prompt = prompt.into();
        self
    }

    /// `acr_values`, in order of preference (at least one).
    #[must_use]
    pub fn acr_values(mut self, levels: &[SpidLevel]) -> Self {
        self.acr_values = levels.to_vec();
        self
    }

    /// `claims` (OpenID Connect Core §5.5): an object with `id_token`
    /// and/or `userinfo` members only.
    #[must_use]
    pub fn claims(mut self, claims: Value) -> Self {
        self.claims = claims;
        self
    }

    /// `state`, instead of a fresh random one: at least 32 printable
    /// characters.
    #[must_use]
    pub fn state(mut self, state: impl Into<String>) -> Self {
        self.state = Some(state.into());
        self
    }

    /// `nonce`, instead of a fresh random one: at least 32 printable
    /// characters.
    #[must_use]
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// The PKCE pair, instead of a fresh one.
    #[must_use]
    pub fn pkce(mut self, pkce: Pkce) -> Self {
        self.pkce = Some(pkce);
        self
    }

    /// The request object's lifetime (`exp` − `iat`): 1 to 600 seconds.
    #[must_use]
    pub fn lifetime_seconds(mut self, seconds: u32) -> Self {
        self.lifetime_seconds = seconds;
        self
    }

    /// Accepts `http://` URLs (a local test federation only).
    #[must_use]
    pub fn allow_http(mut self) -> Self {
        self.allow_http = true;
        self
    }

    fn check(&self) -> Result<()> {
        check_url(&self.client_id, self.allow_http, "client id")?;
        check_url(&self.op_entity_id, self.allow_http, "OP entity id")?;
        check_url(
            &self.authorization_endpoint,
            self.allow_http,
            "authorization endpoint",
        )?;
        check_url(&self.redirect_uri, self.allow_http, "redirect_uri")?;
        let scopes: Vec<&str> = self.scope.split(' ').collect();
        if !scopes.contains(&"openid")
            || scopes
                .iter()
                .any(|s| s.is_empty() || !s.bytes().all(|b| b.is_ascii_graphic() && b != b'"'))
        {
            return Err(config(
                "scope is space-separated tokens and must hold openid",
            ));
        }
        if !matches!(self.prompt.as_str(), "consent login" | "consent") {
            return Err(config("prompt is \"consent login\" or \"consent\""));
        }
        if self.acr_values.is_empty() {
            return Err(config("acr_values names at least one level"));
        }
        match &self.claims {
            Value::Object(m) if m.keys().all(|k| k == "id_token" || k == "userinfo") => {
                if m.values().any(|v| !v.is_object()) {
                    return Err(config("claims.id_token and claims.userinfo are objects"));
                }
            }
            _ => {
                return Err(config(
                    "claims is an object with id_token and userinfo members only",
                ))
            }
        }
        if let Some(state) = &self.state {
            check_state_nonce(state, "state")?;
        }
        if let Some(nonce) = &self.nonce {
            check_state_nonce(nonce, "nonce")?;
        }
        check_lifetime(self.lifetime_seconds)?;
        Ok(())
    }

    /// Checks the inputs (`config.invalid`), fills `state`, `nonce` and
    /// PKCE when not given, and signs the request object with the RP's
    /// core signature key (`alg`, e.g. `RS256`; `kid` as the RP publishes
    /// it in `openid_relying_party.jwks`) at `now`.
    pub fn sign(
        self,
        signer: &dyn Signer,
        alg: &str,
        kid: &str,
        now: UnixTime,
    ) -> Result<SignedAuthorizationRequest> {
        self.check()?;
        check_kid(kid)?;
        let state = match self.state {
            Some(s) => s,
            None => random_token(32)?,
        };
        let nonce = match self.nonce {
            Some(n) => n,
            None => random_token(32)?,
        };
        let pkce = match self.pkce {
            Some(p) => p,
            None => Pkce::generate()?,
        };
        let jti = random_token(24)?;
        let iat = now.as_secs();
        let exp = iat.saturating_add(check_lifetime(self.lifetime_seconds)?);
        let acr_values = self
            .acr_values
            .iter()
            .map(|l| l.acr())
            .collect::<Vec<_>>()
            .join(" ");
        let payload = json!({
            "iss": self.client_id,
            "client_id": self.client_id,
            "aud": [self.op_entity_id, self.authorization_endpoint],
            "iat": iat,
            "exp": exp,
            "jti": jti,
            "response_type": "code",
            "scope": self.scope,
            "redirect_uri": self.redirect_uri,
            "nonce": nonce,
            "state": state,
            "prompt": self.prompt,
            "acr_values": acr_values,
            "claims": self.claims,
            "code_challenge": pkce.challenge(),
            "code_challenge_method": pkce.method(),
        });
        let request_object =
            jose::sign_compact(signer, alg, Some(kid), None, payload.to_string().as_bytes())?;
        let query = form_encode(&[
            ("client_id", &self.client_id),
            ("scope", &self.scope),
            ("response_type", "code"),
            ("code_challenge", pkce.challenge()),
            ("code_challenge_method", pkce.method()),
            ("request", &request_object),
        ]);
        let sep = if self.authorization_endpoint.contains('?') {
            '&'
        } else {
            '?'
        };
        let url = format!("{}{sep}{query}", self.authorization_endpoint);
        Ok(SignedAuthorizationRequest {
            url,
            request_object,
            state,
            nonce,
            pkce,
            jti,
            exp,
        })
    }
}

/// A signed authorization request: the URL to send the browser to, and
/// what the RP must keep for the callback (`state`, `nonce`, the PKCE
/// verifier), single-use.
#[derive(Clone, Debug)]
pub struct SignedAuthorizationRequest {
    url: String,
    request_object: String,
    state: String,
    nonce: String,
    pkce: Pkce,
    jti: String,
    exp: i64,
}

impl SignedAuthorizationRequest {
    /// The authorization URL: the endpoint with `client_id`, `scope`,
    /// `response_type`, `code_challenge`, `code_challenge_method` and
    /// `request` (the signed request object).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The signed request object (compact JWS).
    pub fn request_object(&self) -> &str {
        &self.request_object
    }

    /// `state`: compare with the callback's, then forget.
    pub fn state(&self) -> &str {
        &self.state
    }

    /// `nonce`: the ID token must carry it ([`super::Expectations::nonce`]).
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// The PKCE pair: its verifier goes into the token request.
    pub fn pkce(&self) -> &Pkce {
        &self.pkce
    }

    /// The request object's `jti`.
    pub fn jti(&self) -> &str {
        &self.jti
    }

    /// The request object's `exp`, seconds since the epoch.
    pub fn exp(&self) -> i64 {
        self.exp
    }
}

/// The `private_key_jwt` client assertion (RFC 7523 §3, OpenID Connect
/// Core §9): a JWS by the RP's core signature key with `iss` = `sub` =
/// `client_id`, `aud` = `[token_endpoint]` (the exact token endpoint URL,
/// which the SPID/CIE OPs require), `iat`, `exp` = `iat` +
/// `lifetime_seconds` (1 to 600), a random `jti`.
///
/// ```
/// use idbridge::crypto::{self, RustCryptoSigner, Signer};
/// use idbridge::jose::{self, Jwk, JwkSet, JwsOptions};
/// use idbridge::oidc::rp;
/// use idbridge::UnixTime;
/// # let pem = include_str!("../../../test-vectors/keys/p256.pk8.pem");
/// # let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
/// # use base64::Engine as _;
/// # let pkcs8 = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
/// let rp_key = RustCryptoSigner::from_pkcs8_der(&pkcs8)?;
/// let assertion = rp::client_assertion(&rp_key, "ES256", "rp-sig-1", "https://rp.example.it/",
///     "https://op.example.it/token", UnixTime::from_unix_seconds(1768471200), 60)?;
/// let form = rp::token_request_form("https://rp.example.it/", "the-code",
///     &rp::Pkce::from_verifier(&"v".repeat(43))?, "https://rp.example.it/callback", &assertion)?;
/// assert!(form.starts_with("grant_type=authorization_code&code=the-code&code_verifier=vvv"));
/// # Ok::<(), idbridge::Error>(())
/// ```
pub fn client_assertion(
    signer: &dyn Signer,
    alg: &str,
    kid: &str,
    client_id: &str,
    token_endpoint: &str,
    now: UnixTime,
    lifetime_seconds: u32,
) -> Result<String> {
    client_assertion_with(
        signer,
        alg,
        kid,
        client_id,
        token_endpoint,
        now,
        lifetime_seconds,
        false,
    )
}

/// [`client_assertion`], with `http://` URLs accepted when `allow_http`
/// (a local test federation only).
#[allow(clippy::too_many_arguments)]
pub fn client_assertion_with(
    signer: &dyn Signer,
    alg: &str,
    kid: &str,
    client_id: &str,
    token_endpoint: &str,
    now: UnixTime,
    lifetime_seconds: u32,
    allow_http: bool,
) -> Result<String> {
    check_url(client_id, allow_http, "client id")?;
    check_url(token_endpoint, allow_http, "token endpoint")?;
    check_kid(kid)?;
    let iat = now.as_secs();
    let exp = iat.saturating_add(check_lifetime(lifetime_seconds)?);
    let payload = json!({
        "iss": client_id,
        "sub": client_id,
        "aud": [token_endpoint],
        "iat": iat,
        "exp": exp,
        "jti": random_token(24)?,
    });
    jose::sign_compact(signer, alg, Some(kid), None, payload.to_string().as_bytes())
}

/// The token request's form body (`application/x-www-form-urlencoded`,
/// RFC 6749 §4.1.3 with RFC 7636 §4.5 and RFC 7523 §2.2):
/// `grant_type=authorization_code`, `code`, `code_verifier`,
/// `redirect_uri`, `client_id`, `client_assertion_type`,
/// `client_assertion`. `config.invalid` for an empty `code` or client id,
/// or a `code` with control characters.
pub fn token_request_form(
    client_id: &str,
    code: &str,
    pkce: &Pkce,
    redirect_uri: &str,
    client_assertion: &str,
) -> Result<String> {
    if client_id.is_empty() || redirect_uri.is_empty() || client_assertion.is_empty() {
        return Err(config(
            "the client id, redirect_uri and client assertion are required",
        ));
    }
    if code.is_empty() || code.len() > 4096 || !code.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(config("the code is 1 to 4096 printable ASCII characters"));
    }
    Ok(form_encode(&[
        ("grant_type", "authorization_code"),
        ("code", code),
        ("code_verifier", pkce.verifier()),
        ("redirect_uri", redirect_uri),
        ("client_id", client_id),
        ("client_assertion_type", CLIENT_ASSERTION_TYPE),
        ("client_assertion", client_assertion),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(check_url("https://rp.example.it/", false, "x").is_ok());
        assert!(check_url("https://rp.example.it:8443/cb?x=1", false, "x").is_ok());
        assert!(check_url("http://127.0.0.1:8001/", false, "x").is_err());
        assert!(check_url("http://127.0.0.1:8001/", true, "x").is_ok());
        for bad in [
            "",
            "https://",
            "https:///path",
            "ftp://x",
            "https://a b",
            "https://x/#frag",
            "https://user@evil/",
            "rp.example.it",
        ] {
            assert!(check_url(bad, true, "x").is_err(), "{bad}");
        }
    }

    #[test]
    fn form_encoding() {
        assert_eq!(
            form_encode(&[("a b", "c&d=e/é"), ("k", "~._-")]),
            "a%20b=c%26d%3De%2F%C3%A9&k=~._-"
        );
    }
}
