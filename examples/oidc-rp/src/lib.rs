//! A SPID / CIE ID relying party over OpenID Connect Federation, on
//! idbridge and idbridge-store.
//!
//! - `GET /.well-known/openid-federation`: the RP's entity configuration
//!   (signed with its federation key; core `sig` and `enc` keys in
//!   `metadata.openid_relying_party.jwks`; `authority_hints` = the trust
//!   anchor).
//! - `GET /login`: resolves the OpenID Provider's trust chain up to the
//!   configured trust anchor (sans-IO resolver of
//!   `idbridge::oidc::federation`, fed by `idbridge-fetch`), makes a fresh
//!   `state`, `nonce` and PKCE verifier, remembers them once in the store
//!   (key `oidc-state:` + state, 10 minutes), binds the state to the browser
//!   with a cookie, and sends the browser to the OP's authorization
//!   endpoint with the signed request object.
//! - `GET /callback`: the state must be the cookie's and is **consumed
//!   before anything else** (a replayed callback finds it gone:
//!   `oidc.state.unknown`; the code is never sent twice by this RP); an
//!   `error` response is shown as `oidc.provider.error`; the `iss`
//!   parameter (RFC 9207) must name the OP; then the code is redeemed at
//!   the token endpoint with PKCE and a `private_key_jwt` client assertion,
//!   the ID token is checked, the UserInfo fetched, decrypted and checked
//!   (`idbridge::oidc::rp`), and the identity shown.
//!
//! Every refusal is a page naming the stable code
//! (`<code id="error">…</code>`): 403 for a refused login, 502 when the
//! OP could not be reached or answered an error, 503 when the store is
//! unavailable.

pub mod flow;
pub mod keys;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use idbridge::jose::JwkSet;
use idbridge::VerifiedIdentity;
use idbridge_store::{Clock, ErrorKind, SingleUseStore};
use std::sync::Arc;

/// The cookie that binds an outstanding authorization request (its
/// `state`) to the browser.
pub const STATE_COOKIE: &str = "oidc_state";

/// How long an authorization request may wait for its callback.
pub const STATE_LIFETIME_SECS: i64 = 600;

/// The store key prefix of outstanding states.
pub const STATE_PREFIX: &str = "oidc-state:";

/// Who the RP is and whom it trusts.
#[derive(Clone, Debug)]
pub struct RpConfig {
    /// The RP's entity id and OIDC `client_id` (its base URL).
    pub client_id: String,
    /// The display name (`client_name`).
    pub name: String,
    /// A contact address published in the entity configuration.
    pub contact: String,
    /// The trust anchor's entity id (the only `authority_hints` entry).
    pub trust_anchor: String,
    /// The trust anchor's federation keys: trust material, configured.
    pub trust_anchor_jwks: JwkSet,
    /// The OpenID Provider's entity id.
    pub op: String,
    /// The `acr_values` requested.
    pub acr_values: Vec<idbridge::oidc::rp::SpidLevel>,
    /// The lowest level accepted in the ID token's `acr`.
    pub min_level: idbridge::oidc::rp::SpidLevel,
    /// The scheme the identity is reported under (SPID or CIE ID).
    pub system: idbridge::System,
    /// Which claim names to ask for (`default_claims` of SPID or CIE).
    pub claims: idbridge::System,
    /// Clock skew allowed for `exp`/`iat`/`nbf`, in seconds.
    pub clock_skew_seconds: u32,
    /// Accept a UserInfo JWS without `iss`/`aud` (checked when present):
    /// the reference OP omits them.
    pub userinfo_iss_aud_optional: bool,
    /// The `scope`.
    pub scope: String,
    /// Trust marks the trust anchor gave this RP, republished in its
    /// entity configuration: `(id, trust_mark JWS)`.
    pub trust_marks: Vec<(String, String)>,
}

impl RpConfig {
    /// The redirect URI: `{client_id}/callback`.
    pub fn redirect_uri(&self) -> String {
        format!("{}/callback", self.client_id.trim_end_matches('/'))
    }
}

/// Test-only behaviour, compiled in with the `insecure-test-hooks` feature
/// and switched on with `--insecure-test-hooks`; a login opts in with
/// `/login?test_hook=NAME`. Each simulates an attacker or a faulty peer
/// that the RP must refuse; none weakens a check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TestHook {
    /// None (every normal login).
    #[default]
    None,
    /// The PKCE verifier is a fixed test value, so that a code issued for
    /// another login of this RP passes the OP's PKCE check: the ID token's
    /// `nonce` is the only thing left to refuse it (`oidc.nonce.mismatch`).
    FixedPkce,
    /// One byte of the UserInfo JWE's ciphertext is changed between the OP
    /// and the checks (a tampered UserInfo: `jwe.decryption.failed`).
    TamperUserinfo,
}

impl TestHook {
    /// The hook named in `/login?test_hook=`.
    pub fn parse(s: &str) -> Option<TestHook> {
        match s {
            "fixed-pkce" => Some(TestHook::FixedPkce),
            "tamper-userinfo" => Some(TestHook::TamperUserinfo),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            TestHook::None => "",
            TestHook::FixedPkce => "fixed-pkce",
            TestHook::TamperUserinfo => "tamper-userinfo",
        }
    }
}

/// Everything the handlers share.
pub struct App<S, C> {
    /// Who we are and whom we trust.
    pub config: RpConfig,
    /// Our keys.
    pub keys: keys::RpKeys,
    /// Outstanding states (single use).
    pub store: S,
    /// The clock.
    pub clock: C,
    /// The HTTP client (`idbridge-fetch`: HTTPS to public hosts, and
    /// loopback for the local peer).
    pub http: idbridge_fetch::Fetcher,
    /// Whether `/login?test_hook=` is honoured (the `insecure-test-hooks`
    /// build with `--insecure-test-hooks` only).
    pub test_hooks: bool,
    /// The OP, resolved through the federation, until its chain expires.
    pub op_cache: tokio::sync::Mutex<Option<flow::ResolvedOp>>,
}

impl<S, C> core::fmt::Debug for App<S, C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("App")
            .field("config", &self.config)
            .field("test_hooks", &self.test_hooks)
            .finish_non_exhaustive()
    }
}

/// What a login remembers under its `state` until the callback.
#[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq, Eq)]
pub struct Pending {
    /// The `nonce` sent in the request object.
    pub nonce: String,
    /// The PKCE `code_verifier`.
    pub verifier: String,
    /// The test hook of this login ("" for none).
    #[serde(default)]
    pub hook: String,
}

impl Pending {
    /// The test hook this login opted into.
    pub fn test_hook(&self) -> TestHook {
        TestHook::parse(&self.hook).unwrap_or_default()
    }
}

/// A refused login: its stable code, the HTTP status, a detail for the log.
#[derive(Debug)]
pub struct Refusal {
    /// The stable code (`src/error.rs`, or `store.*`).
    pub code: String,
    /// The status of the page.
    pub status: StatusCode,
    /// What the operator's log gets (never shown to the browser).
    pub detail: String,
    /// Whether the page clears the state cookie: only once the state was
    /// consumed (a forged callback must not end the browser's own login).
    pub clear_state_cookie: bool,
}

impl Refusal {
    /// A 403 refusal with `code`.
    pub fn forbidden(code: &str, detail: impl Into<String>) -> Refusal {
        Refusal {
            code: code.to_owned(),
            status: StatusCode::FORBIDDEN,
            detail: detail.into(),
            clear_state_cookie: false,
        }
    }

    /// `oidc.provider.error` (502): the OP refused or could not be reached.
    pub fn provider(detail: impl Into<String>) -> Refusal {
        Refusal {
            code: idbridge::ErrorCode::OidcProviderError.as_str().to_owned(),
            status: StatusCode::BAD_GATEWAY,
            detail: detail.into(),
            clear_state_cookie: false,
        }
    }
}

impl From<idbridge::Error> for Refusal {
    fn from(e: idbridge::Error) -> Refusal {
        Refusal::forbidden(e.code(), e.to_string())
    }
}

impl From<idbridge_store::Error> for Refusal {
    fn from(e: idbridge_store::Error) -> Refusal {
        let status = match e.kind() {
            ErrorKind::NotIssued | ErrorKind::Replayed | ErrorKind::Duplicate => {
                StatusCode::FORBIDDEN
            }
            _ => StatusCode::SERVICE_UNAVAILABLE,
        };
        Refusal {
            code: e.code().to_owned(),
            status,
            detail: e.to_string(),
            clear_state_cookie: false,
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut r = page(
            self.status,
            "Login refused",
            &format!(
                "<p>Login refused: <code id=\"error\">{}</code></p>\n<p><a href=\"/login\">Try again</a></p>\n",
                escape(&self.code)
            ),
        );
        if self.clear_state_cookie {
            clear_state_cookie(&mut r);
        }
        // The ops layer counts and logs the code (once per code and
        // interval, with this detail).
        r.extensions_mut()
            .insert(idbridge_example_serve::ops::Code(self.code));
        r.extensions_mut()
            .insert(idbridge_example_serve::ops::Detail(self.detail));
        r
    }
}

impl<S: SingleUseStore + 'static, C: Clock + 'static> App<S, C> {
    /// The routes.
    pub fn router(self) -> Router {
        Router::new()
            .route("/", get(home))
            .route(
                "/.well-known/openid-federation",
                get(entity_configuration::<S, C>),
            )
            .route("/login", get(login::<S, C>))
            .route("/callback", get(callback::<S, C>))
            .with_state(Arc::new(self))
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\n<body><h1>{t}</h1>\n{body}</body></html>\n",
        t = escape(title)
    );
    let mut r = (status, Html(html)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn clear_state_cookie(r: &mut Response) {
    let v = format!("{STATE_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    if let Ok(v) = HeaderValue::from_str(&v) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// The value of cookie `name`, if the request carries exactly one.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let mut found = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .filter(|(k, _)| *k == name)
        .map(|(_, v)| v);
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

async fn home() -> Response {
    page(
        StatusCode::OK,
        "idbridge OIDC relying party",
        "<p><a id=\"login\" href=\"/login\">Log in with SPID / CIE ID</a></p>\n",
    )
}

async fn entity_configuration<S: SingleUseStore, C: Clock>(
    State(app): State<Arc<App<S, C>>>,
) -> Response {
    let now = app.clock.now().to_unix_time();
    match flow::entity_configuration(&app.config, &app.keys, now) {
        Ok(jws) => {
            let mut r = jws.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/entity-statement+jwt"),
            );
            r
        }
        Err(e) => Refusal::from(e).into_response(),
    }
}

#[derive(serde::Deserialize)]
struct LoginQuery {
    test_hook: Option<String>,
}

async fn login<S: SingleUseStore, C: Clock>(
    State(app): State<Arc<App<S, C>>>,
    Query(q): Query<LoginQuery>,
) -> Response {
    let hook = match q.test_hook.as_deref() {
        None => TestHook::None,
        Some(name) if app.test_hooks => match TestHook::parse(name) {
            Some(h) => h,
            None => return page(StatusCode::BAD_REQUEST, "Unknown test hook", ""),
        },
        Some(_) => {
            return page(
                StatusCode::BAD_REQUEST,
                "Test hooks are off",
                "<p>This RP was not started with --insecure-test-hooks.</p>\n",
            )
        }
    };
    match start_login(&app, hook).await {
        Ok((state, location)) => {
            let mut r = (StatusCode::FOUND, "").into_response();
            let cookie = format!(
                "{STATE_COOKIE}={state}; Path=/; Max-Age={STATE_LIFETIME_SECS}; HttpOnly; SameSite=Lax"
            );
            match (
                HeaderValue::from_str(&location),
                HeaderValue::from_str(&cookie),
            ) {
                (Ok(l), Ok(c)) => {
                    r.headers_mut().insert(header::LOCATION, l);
                    r.headers_mut().append(header::SET_COOKIE, c);
                    r.headers_mut()
                        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                    r
                }
                _ => {
                    Refusal::provider("the authorization URL is not a header value").into_response()
                }
            }
        }
        Err(refusal) => refusal.into_response(),
    }
}

/// The OP as resolved through the federation (cached until its chain's
/// `exp`).
pub async fn resolved_op<S, C: Clock>(app: &App<S, C>) -> Result<flow::ResolvedOp, Refusal> {
    let now = app.clock.now().to_unix_time();
    let mut cache = app.op_cache.lock().await;
    if let Some(op) = cache.as_ref() {
        if op.valid_at(now) {
            return Ok(op.clone());
        }
    }
    let op = flow::resolve_op(&app.config, &app.http, &app.clock).await?;
    *cache = Some(op.clone());
    Ok(op)
}

async fn start_login<S: SingleUseStore, C: Clock>(
    app: &App<S, C>,
    hook: TestHook,
) -> Result<(String, String), Refusal> {
    let op = resolved_op(app).await?;
    let now = app.clock.now();
    let request = flow::authorization_request(
        &app.config,
        &app.keys,
        &op,
        now.to_unix_time(),
        hook == TestHook::FixedPkce,
    )?;
    let pending = Pending {
        nonce: request.nonce.clone(),
        verifier: request.verifier.clone(),
        hook: hook.as_str().to_owned(),
    };
    let value = serde_json::to_vec(&pending)
        .map_err(|e| Refusal::forbidden("config.invalid", e.to_string()))?;
    let key = format!("{STATE_PREFIX}{}", request.state);
    let until = now.plus_millis(STATE_LIFETIME_SECS.saturating_mul(1000));
    match app.store.insert_if_absent(&key, &value, now, until).await? {
        idbridge_store::Inserted::New => Ok((request.state, request.url)),
        idbridge_store::Inserted::AlreadyPresent => Err(Refusal::forbidden(
            "store.random.unavailable",
            "the random generator repeated a state",
        )),
    }
}

/// The authorization response's query.
#[derive(serde::Deserialize, Debug, Default)]
pub struct CallbackQuery {
    /// The authorization code.
    pub code: Option<String>,
    /// The state.
    pub state: Option<String>,
    /// The issuer (RFC 9207).
    pub iss: Option<String>,
    /// An OAuth error code.
    pub error: Option<String>,
    /// Its description.
    pub error_description: Option<String>,
}

/// Takes the callback's state out of the store, once: `oidc.state.mismatch`
/// when the browser holds another state (or none), `oidc.state.unknown`
/// when it was never issued here, is spent or has expired.
pub async fn consume_state<S: SingleUseStore, C: Clock>(
    app: &App<S, C>,
    headers: &HeaderMap,
    state: Option<&str>,
) -> Result<Pending, Refusal> {
    let unknown = || {
        Refusal::forbidden(
            idbridge::ErrorCode::OidcStateUnknown.as_str(),
            "no outstanding request has this state",
        )
    };
    let state = state.filter(|s| !s.is_empty()).ok_or_else(unknown)?;
    if cookie(headers, STATE_COOKIE) != Some(state) {
        return Err(Refusal::forbidden(
            idbridge::ErrorCode::OidcStateMismatch.as_str(),
            "the state is not the one bound to this browser",
        ));
    }
    let now = app.clock.now();
    let taken = match app.store.take(&format!("{STATE_PREFIX}{state}"), now).await {
        Ok(v) => v,
        Err(e) if e.kind() == ErrorKind::KeyInvalid => None,
        Err(e) => return Err(e.into()),
    };
    let bytes = taken.ok_or_else(unknown)?;
    serde_json::from_slice(&bytes).map_err(|_| unknown())
}

async fn callback<S: SingleUseStore, C: Clock>(
    State(app): State<Arc<App<S, C>>>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    match finish_login(&app, &headers, &q).await {
        Ok(identity) => {
            let mut r = page(StatusCode::OK, "Logged in", &identity_html(&identity));
            clear_state_cookie(&mut r);
            r
        }
        Err(refusal) => refusal.into_response(),
    }
}

async fn finish_login<S: SingleUseStore, C: Clock>(
    app: &App<S, C>,
    headers: &HeaderMap,
    q: &CallbackQuery,
) -> Result<VerifiedIdentity, Refusal> {
    // The state is spent by this attempt, whatever follows: a replayed
    // callback (same code, same state) is refused here, and the code is
    // never redeemed twice by this RP.
    let pending = consume_state(app, headers, q.state.as_deref()).await?;
    redeem_consumed(app, q, &pending).await.map_err(|mut r| {
        r.clear_state_cookie = true;
        r
    })
}

async fn redeem_consumed<S: SingleUseStore, C: Clock>(
    app: &App<S, C>,
    q: &CallbackQuery,
    pending: &Pending,
) -> Result<VerifiedIdentity, Refusal> {
    // RFC 9207: an `iss` parameter, when sent (with a code or an error),
    // names the OP we asked (mix-up defence).
    if let Some(iss) = &q.iss {
        if iss != &app.config.op {
            return Err(Refusal::forbidden(
                idbridge::ErrorCode::OidcIssuerMismatch.as_str(),
                "the authorization response's iss is not the OP",
            ));
        }
    }
    if let Some(error) = &q.error {
        return Err(Refusal::provider(format!(
            "authorization error {error:.100}: {:.300}",
            q.error_description.as_deref().unwrap_or("")
        )));
    }
    let op = resolved_op(app).await?;
    let code = q.code.as_deref().filter(|c| !c.is_empty()).ok_or_else(|| {
        Refusal::forbidden(
            idbridge::ErrorCode::OidcClaimMissing.as_str(),
            "the authorization response has no code",
        )
    })?;
    flow::redeem(app, &op, code, pending).await
}

fn identity_html(i: &VerifiedIdentity) -> String {
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut add = |k: &str, v: Option<&str>| {
        if let Some(v) = v {
            rows.push((k.to_owned(), v.to_owned()));
        }
    };
    add("issuer", i.issuer());
    add("subject_id", i.subject_id());
    add("given_name", i.given_name());
    add("family_name", i.family_name());
    add("birth_date", i.birth_date());
    add("level", i.level());
    add("authn_instant", i.authn_instant());
    for (k, v) in i.attributes() {
        rows.push((k.clone(), v.clone()));
    }
    let mut html = String::from("<table>\n");
    for (k, v) in rows {
        html.push_str(&format!(
            "<tr><th>{}</th><td id=\"{}\">{}</td></tr>\n",
            escape(&k),
            escape(&k),
            escape(&v)
        ));
    }
    html.push_str("</table>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn test_hooks_parse_by_name_only() {
        assert_eq!(TestHook::parse("fixed-pkce"), Some(TestHook::FixedPkce));
        assert_eq!(
            TestHook::parse("tamper-userinfo"),
            Some(TestHook::TamperUserinfo)
        );
        assert_eq!(TestHook::parse(""), None);
        assert_eq!(TestHook::parse("FIXED-PKCE"), None);
        let p = Pending {
            nonce: "n".into(),
            verifier: "v".into(),
            hook: "bogus".into(),
        };
        assert_eq!(p.test_hook(), TestHook::None);
    }

    #[test]
    fn one_cookie_of_a_name_or_none() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; oidc_state=s1"),
        );
        assert_eq!(cookie(&h, STATE_COOKIE), Some("s1"));
        h.append(header::COOKIE, HeaderValue::from_static("oidc_state=s2"));
        assert_eq!(cookie(&h, STATE_COOKIE), None);
    }
}
