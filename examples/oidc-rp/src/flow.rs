//! The protocol steps, each on idbridge's `oidc` scheme: the entity
//! configuration, the OP's resolution through the federation, the
//! authorization request, and the callback's redemption and checks.

use crate::keys::RpKeys;
use crate::{App, Pending, Refusal, RpConfig};
use idbridge::jose::JwkSet;
use idbridge::oidc::federation::{ChainOptions, FederationTrust, Resolver};
use idbridge::oidc::rp::{self, Pkce};
use idbridge::{UnixTime, VerifiedIdentity};
use idbridge_store::Clock;

/// How long our entity configuration is valid (a day, as the reference
/// implementation's).
pub const ENTITY_CONFIGURATION_LIFETIME_SECS: u32 = 86_400;

/// The OP's endpoints and keys, from its trust chain's resolved metadata.
#[derive(Clone, Debug)]
pub struct ResolvedOp {
    /// The OP's entity id (the ID token's `iss`).
    pub entity_id: String,
    /// `authorization_endpoint`.
    pub authorization_endpoint: String,
    /// `token_endpoint`.
    pub token_endpoint: String,
    /// `userinfo_endpoint`.
    pub userinfo_endpoint: String,
    /// `jwks`: the keys of the ID token and the UserInfo's inner JWS.
    pub jwks: JwkSet,
    /// The chain's expiry (the earliest `exp`).
    pub expires: UnixTime,
}

impl ResolvedOp {
    /// Whether the resolution may still be used at `now`.
    pub fn valid_at(&self, now: UnixTime) -> bool {
        now < self.expires
    }
}

/// A signed authorization request and what the callback needs.
#[derive(Debug)]
pub struct AuthorizationRequest {
    /// Where to send the browser.
    pub url: String,
    /// The `state`.
    pub state: String,
    /// The `nonce`.
    pub nonce: String,
    /// The PKCE verifier.
    pub verifier: String,
}

/// Our entity configuration (`idbridge::oidc::rp::EntityConfiguration`),
/// signed with the federation key: federation `jwks`, core `sig` and `enc`
/// keys, `authority_hints` = the trust anchor, the trust marks we were
/// given, `http://` allowed (a loopback federation).
pub fn entity_configuration(
    config: &RpConfig,
    keys: &RpKeys,
    now: UnixTime,
) -> idbridge::Result<String> {
    let federation = JwkSet::from_keys(vec![keys.federation.jwk().clone()])?;
    let core = JwkSet::from_keys(vec![
        keys.core_sig.jwk().clone(),
        keys.core_enc.public_jwk().clone(),
    ])?;
    let mut ec = rp::EntityConfiguration::new(config.client_id.as_str(), federation, core)
        .authority_hint(config.trust_anchor.as_str())
        .redirect_uri(config.redirect_uri())
        .client_name(config.name.as_str())
        .contact(config.contact.as_str())
        .grant_types(&["authorization_code"])
        .rp_metadata("organization_name", config.name.as_str().into())
        .federation_entity("organization_name", config.name.as_str().into())
        .federation_entity("homepage_uri", config.client_id.as_str().into())
        .lifetime_seconds(ENTITY_CONFIGURATION_LIFETIME_SECS)
        .allow_http();
    for (id, mark) in &config.trust_marks {
        ec = ec.trust_mark(id.as_str(), mark.as_str());
    }
    ec.sign(
        keys.federation.signer(),
        "RS256",
        keys.federation.kid(),
        now,
    )
}

/// Resolves the OP's trust chain up to the configured trust anchor: the
/// sans-IO resolver names each document, the loopback client fetches it,
/// and the chain is validated at the time the last document arrived (a
/// statement made during the resolution is not "from the future").
pub async fn resolve_op<C: Clock>(
    config: &RpConfig,
    http: &idbridge_fetch::Fetcher,
    clock: &C,
) -> Result<ResolvedOp, Refusal> {
    let trust = FederationTrust::new().with_anchor(
        config.trust_anchor.as_str(),
        config.trust_anchor_jwks.clone(),
    );
    let options = ChainOptions::new()
        .allow_http(true)
        .entity_type("openid_provider")
        .clock_skew(idbridge::ClockSkew::from_secs(config.clock_skew_seconds));
    let mut resolver = Resolver::new(&trust, &config.op, options);
    // The resolver bounds the number of fetches (Limits::max_federation_fetches);
    // the fetcher bounds each one (deadline, body size, addresses, redirects).
    for failure in http.resolve(&mut resolver).await? {
        eprintln!(
            "oidc-rp: federation fetch {}: {}",
            failure.url, failure.error
        );
    }
    let now = clock.now().to_unix_time();
    let chain = resolver.finish(idbridge::crypto::default_backend(), &trust, now)?;
    let metadata = chain.entity_metadata("openid_provider").ok_or_else(|| {
        Refusal::forbidden(
            idbridge::ErrorCode::OidcfedMetadataMissing.as_str(),
            "the OP's chain has no openid_provider metadata",
        )
    })?;
    let endpoint = |name: &str| -> Result<String, Refusal> {
        metadata
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .ok_or_else(|| {
                Refusal::forbidden(
                    idbridge::ErrorCode::OidcfedMetadataMissing.as_str(),
                    format!("the OP's metadata has no {name}"),
                )
            })
    };
    Ok(ResolvedOp {
        entity_id: chain.subject().to_owned(),
        authorization_endpoint: endpoint("authorization_endpoint")?,
        token_endpoint: endpoint("token_endpoint")?,
        userinfo_endpoint: endpoint("userinfo_endpoint")?,
        jwks: chain.entity_jwks("openid_provider")?,
        expires: chain.expires_at(),
    })
}

/// The PKCE verifier of the `fixed-pkce` test hook (RFC 7636 Appendix B's).
#[cfg(feature = "insecure-test-hooks")]
const TEST_FIXED_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn pkce(fixed: bool) -> idbridge::Result<Pkce> {
    #[cfg(feature = "insecure-test-hooks")]
    if fixed {
        return Pkce::from_verifier(TEST_FIXED_VERIFIER);
    }
    let _ = fixed;
    Pkce::generate()
}

/// A fresh authorization request: random `state` and `nonce`, a PKCE
/// pair, the request object signed with our core `sig` key.
pub fn authorization_request(
    config: &RpConfig,
    keys: &RpKeys,
    op: &ResolvedOp,
    now: UnixTime,
    fixed_pkce: bool,
) -> Result<AuthorizationRequest, Refusal> {
    let signed = rp::AuthorizationRequest::new(
        config.client_id.as_str(),
        op.entity_id.as_str(),
        op.authorization_endpoint.as_str(),
        config.redirect_uri(),
    )
    .allow_http()
    .scope(config.scope.as_str())
    .acr_values(&config.acr_values)
    .claims(rp::default_claims(config.claims))
    .pkce(pkce(fixed_pkce)?)
    .sign(keys.core_sig.signer(), "RS256", keys.core_sig.kid(), now)?;
    Ok(AuthorizationRequest {
        url: signed.url().to_owned(),
        state: signed.state().to_owned(),
        nonce: signed.nonce().to_owned(),
        verifier: signed.pkce().verifier().to_owned(),
    })
}

fn body_text(what: &str, r: &idbridge_fetch::Response) -> Result<String, Refusal> {
    String::from_utf8(r.body.clone())
        .map_err(|_| Refusal::provider(format!("the {what} response is not UTF-8")))
}

/// Redeems `code` at the token endpoint (PKCE verifier, `private_key_jwt`),
/// fetches the UserInfo with the access token, and checks both
/// (`idbridge::oidc::rp::verify_login`: ID token checks 1 to 8, then the
/// UserInfo JWE decrypted with our `enc` key and its inner JWS verified
/// with the OP's keys, `sub` equal).
pub async fn redeem<S, C: Clock>(
    app: &App<S, C>,
    op: &ResolvedOp,
    code: &str,
    pending: &Pending,
) -> Result<VerifiedIdentity, Refusal> {
    let config = &app.config;
    let keys = &app.keys;
    let now = app.clock.now().to_unix_time();
    let verifier = Pkce::from_verifier(&pending.verifier)?;
    let assertion = rp::client_assertion_with(
        keys.core_sig.signer(),
        "RS256",
        keys.core_sig.kid(),
        &config.client_id,
        &op.token_endpoint,
        now,
        60,
        true,
    )?;
    let form = rp::token_request_form(
        &config.client_id,
        code,
        &verifier,
        &config.redirect_uri(),
        &assertion,
    )?;
    let r = app
        .http
        .post_form_encoded(&op.token_endpoint, form)
        .await
        .map_err(|e| Refusal::provider(format!("token endpoint: {e}")))?;
    if r.status != 200 {
        return Err(Refusal::provider(format!(
            "token endpoint answered {}: {:.300}",
            r.status,
            String::from_utf8_lossy(&r.body)
        )));
    }
    let limits = idbridge::Limits::default();
    let mut response = rp::TokenResponse::from_json(&r.body, &limits)?;
    let access_token = response.access_token.clone().ok_or_else(|| {
        Refusal::forbidden(
            idbridge::ErrorCode::OidcClaimMissing.as_str(),
            "the token response has no access_token",
        )
    })?;
    let u = app
        .http
        .get(&op.userinfo_endpoint, Some(&access_token))
        .await
        .map_err(|e| Refusal::provider(format!("userinfo endpoint: {e}")))?;
    if u.status != 200 {
        return Err(Refusal::provider(format!(
            "userinfo endpoint answered {}",
            u.status
        )));
    }
    #[allow(unused_mut)]
    let mut userinfo = body_text("userinfo", &u)?.trim().to_owned();
    #[cfg(feature = "insecure-test-hooks")]
    if app.test_hooks && pending.test_hook() == crate::TestHook::TamperUserinfo {
        userinfo = tamper_ciphertext(&userinfo);
    }
    response.userinfo = Some(userinfo);
    let mut expectations = rp::Expectations::new(&config.client_id, &op.entity_id, &pending.nonce);
    expectations.min_level = config.min_level;
    expectations.system = config.system;
    expectations.clock_skew_seconds = config.clock_skew_seconds;
    if config.userinfo_iss_aud_optional {
        expectations.userinfo_iss_aud = rp::UserinfoIssAud::IfPresent;
    }
    // Checked at the time the answers arrived (the ID token's iat is the
    // OP's "now" at the token request).
    let checked_at = app.clock.now().to_unix_time();
    let login = rp::verify_login(
        idbridge::crypto::default_backend(),
        &op.jwks,
        Some(&keys.core_enc),
        &response,
        &expectations,
        checked_at,
    )?;
    Ok(login.identity().clone())
}

/// The `tamper-userinfo` test hook: the fourth segment (the ciphertext) of
/// a compact JWE with its first character changed.
#[cfg(feature = "insecure-test-hooks")]
pub fn tamper_ciphertext(jwe: &str) -> String {
    let mut parts: Vec<String> = jwe.split('.').map(str::to_owned).collect();
    if let Some(ct) = parts.get_mut(3) {
        if let Some(first) = ct.chars().next() {
            let swapped = if first == 'A' { 'B' } else { 'A' };
            ct.replace_range(..first.len_utf8(), &swapped.to_string());
        }
    }
    parts.join(".")
}
