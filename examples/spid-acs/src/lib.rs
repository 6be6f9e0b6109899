//! A SPID / CIE ID service provider on idbridge: signed metadata, signed
//! AuthnRequests and the Assertion Consumer Service (HTTP-POST binding),
//! with the replay defences of `idbridge-store`.
//!
//! - `GET /metadata` answers the SP's signed metadata
//!   ([`idbridge::saml_sp::SpMetadata`], built once at start-up).
//! - `GET /login?idp=ENTITY_ID` starts a login at that IdP (one of the
//!   trusted ones): a fresh AuthnRequest ID is remembered in the store
//!   ([`idbridge_store::spid::Requests`]) and bound to the browser with a
//!   cookie, and the answer is the signed AuthnRequest
//!   ([`idbridge::saml_sp::AuthnRequest`]): a page whose form posts it to
//!   the IdP (HTTP-POST), or a 302 to the IdP (HTTP-Redirect), as
//!   configured. An unknown IdP is 400.
//! - `POST /acs` takes the form field `SAMLResponse`, consumes the
//!   cookie's request ID from the store *before* verifying (SPID: a
//!   Response answers one request, once; an unsolicited Response is
//!   refused), verifies the Response against the IdP metadata with
//!   [`idbridge::spid::verify_response`] (or [`idbridge::cie::verify_response`]),
//!   records the Assertion ID until its NotOnOrAfter
//!   ([`idbridge_store::spid::Assertions`]), and shows the identity.
//!
//!   On success a session starts: its IdP, NameID and SessionIndex are kept
//!   in the store under a random ID ([`Sessions`]) for [`SESSION_SECS`],
//!   bound to the browser with the cookie [`SESSION_COOKIE`] of the same
//!   `Max-Age`. Whatever the outcome, the spent request's cookie
//!   ([`REQUEST_COOKIE`]) is cleared.
//! - `GET /logout` (no SAML parameter) ends the session and starts single
//!   logout at its IdP: a signed [`idbridge::saml_sp::LogoutRequest`] to the
//!   IdP's SingleLogoutService, its ID and IdP kept in the store and bound to
//!   the browser with [`LOGOUT_COOKIE`].
//! - `/logout` is also the SP's SingleLogoutService (the metadata's), HTTP-
//!   POST (`POST` with `SAMLResponse` or `SAMLRequest`) and HTTP-Redirect
//!   (`GET` with them in the query): the IdP's `LogoutResponse` answers the
//!   browser's pending logout (taken from the store before verifying, as a
//!   login request); an IdP-initiated `LogoutRequest` must name the
//!   browser's session, which is ended (taken before verifying: a refused
//!   request still ends it locally), and is answered with the SP's signed
//!   `LogoutResponse`.
//!
//! A refusal is a 403 page naming the stable code (`store.not_issued` for
//! an unsolicited or replayed Response, `store.replayed` for an Assertion
//! seen before, `saml.*`/`xmldsig.*` from the verifier); 503 when the store
//! is unavailable. Never a redirect to an error page.
//!
//! The request cookie is `Secure` (and `SameSite=None`, as the IdP posts
//! cross-site) when the ACS URL is https; on a plain-http ACS (local
//! tests only) it is neither, or the client would never send it back.

use axum::extract::{DefaultBodyLimit, Query, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use idbridge::crypto::RustCryptoSigner;
use idbridge::saml_sp::{
    self as sp, AuthnRequest, Binding, LogoutExpectations, LogoutRequest, LogoutResponse,
    LogoutSession, SentLogout, SpCredential,
};
use idbridge::{cie, spid, Trust, VerifiedIdentity};
use idbridge_store::spid::{Assertions, Requests};
use idbridge_store::{Clock, ErrorKind, Inserted, SingleUseStore, UnixMillis};
use std::sync::Arc;

/// The cookie that binds an outstanding AuthnRequest to the browser.
pub const REQUEST_COOKIE: &str = "spid_request";

/// The cookie that binds a session to the browser.
pub const SESSION_COOKIE: &str = "spid_session";

/// The cookie that binds an SP-initiated logout to the browser.
pub const LOGOUT_COOKIE: &str = "spid_logout";

/// How long a session lasts (one hour).
pub const SESSION_SECS: i64 = 3600;

/// How long the IdP has to answer a LogoutRequest (ten minutes).
pub const LOGOUT_SECS: i64 = 600;

/// The RelayState sent with every AuthnRequest (the example keeps its
/// state in the cookie and the store).
pub const RELAY_STATE: &str = "spid-acs";

/// Which verifier the ACS applies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Federation {
    /// SPID ([`idbridge::spid`]).
    #[default]
    Spid,
    /// CIE ID ([`idbridge::cie`]).
    Cie,
}

/// The service provider's own identity.
#[derive(Clone, Debug)]
pub struct ServiceProvider {
    /// The SP's entity ID (the Audience).
    pub entity_id: String,
    /// This endpoint's public URL (the Destination and Recipient).
    pub acs_url: String,
    /// The level requested (with comparison `minimum`).
    pub min_level: spid::Level,
    /// SPID or CIE ID.
    pub federation: Federation,
    /// How `/login` sends the AuthnRequest.
    pub binding: Binding,
}

impl ServiceProvider {
    /// Whether the request cookie may be `Secure`: the ACS is https.
    pub fn secure_cookie(&self) -> bool {
        self.acs_url.starts_with("https://")
    }

    /// The SingleLogoutService URL: `/logout` beside the ACS.
    pub fn slo_url(&self) -> String {
        let base = self
            .acs_url
            .rsplit_once('/')
            .map_or(self.acs_url.as_str(), |(b, _)| b);
        format!("{base}/logout")
    }
}

/// Sessions and pending logouts, in the single-use store: an entry is
/// taken (atomically) when it is used, so a session ends once and a
/// LogoutResponse is accepted once.
#[derive(Clone, Debug)]
pub struct Sessions<S, C> {
    store: S,
    clock: C,
}

/// One session: what single logout needs of the login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The IdP that authenticated it.
    pub idp_entity_id: String,
    /// The Assertion's SessionIndex.
    pub session_index: String,
    /// The Assertion's NameID.
    pub name_id: String,
}

const SESSION_PREFIX: &str = "spid-acs:session:";
const LOGOUT_PREFIX: &str = "spid-acs:logout:";

/// `_` and 40 hex digits from 160 random bits (an xs:ID).
fn random_id() -> Result<String, idbridge_store::Error> {
    let mut b = [0u8; 20];
    getrandom::getrandom(&mut b).map_err(|e| {
        idbridge_store::Error::with_detail(ErrorKind::RandomUnavailable, e.to_string())
    })?;
    Ok(b.iter().fold(String::from("_"), |mut s, x| {
        s.push_str(&format!("{x:02x}"));
        s
    }))
}

impl<S: SingleUseStore, C: Clock> Sessions<S, C> {
    /// Sessions in `store` on `clock`.
    pub fn with_clock(store: S, clock: C) -> Self {
        Sessions { store, clock }
    }

    async fn put(
        &self,
        prefix: &str,
        fields: &[&str],
        secs: i64,
    ) -> Result<String, idbridge_store::Error> {
        let id = random_id()?;
        let now = self.clock.now();
        // Values read from XML never hold NUL (XML 1.0 Char).
        let value = fields.join("\0");
        match self
            .store
            .insert_if_absent(
                &format!("{prefix}{id}"),
                value.as_bytes(),
                now,
                now.plus_secs(secs),
            )
            .await?
        {
            Inserted::New => Ok(id),
            Inserted::AlreadyPresent => Err(idbridge_store::Error::with_detail(
                ErrorKind::RandomUnavailable,
                "the random generator repeated an ID",
            )),
        }
    }

    async fn take(
        &self,
        prefix: &str,
        id: &str,
    ) -> Result<Option<Vec<String>>, idbridge_store::Error> {
        let now = self.clock.now();
        match self.store.take(&format!("{prefix}{id}"), now).await {
            Ok(Some(v)) => Ok(Some(
                String::from_utf8_lossy(&v)
                    .split('\0')
                    .map(str::to_owned)
                    .collect(),
            )),
            Ok(None) => Ok(None),
            Err(e) if e.kind() == ErrorKind::KeyInvalid => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Starts a session for a verified login; its ID is the cookie's value.
    pub async fn open(&self, s: &Session) -> Result<String, idbridge_store::Error> {
        self.put(
            SESSION_PREFIX,
            &[&s.idp_entity_id, &s.session_index, &s.name_id],
            SESSION_SECS,
        )
        .await
    }

    /// Ends session `id`: its data, once.
    pub async fn end(&self, id: &str) -> Result<Option<Session>, idbridge_store::Error> {
        Ok(self
            .take(SESSION_PREFIX, id)
            .await?
            .and_then(|f| match f.as_slice() {
                [idp, index, name] => Some(Session {
                    idp_entity_id: idp.clone(),
                    session_index: index.clone(),
                    name_id: name.clone(),
                }),
                _ => None,
            }))
    }

    /// Remembers a LogoutRequest sent (its ID is made here and returned
    /// with the time to write as its IssueInstant).
    async fn logout_sent(&self, idp: &str) -> Result<(String, UnixMillis), idbridge_store::Error> {
        let now = self.clock.now();
        let secs = now.to_unix_time().as_secs().to_string();
        let id = self.put(LOGOUT_PREFIX, &[idp, &secs], LOGOUT_SECS).await?;
        Ok((id, now))
    }

    /// Takes the pending logout `id`.
    async fn logout_answered(&self, id: &str) -> Result<Option<SentLogout>, idbridge_store::Error> {
        Ok(self
            .take(LOGOUT_PREFIX, id)
            .await?
            .and_then(|f| match f.as_slice() {
                [idp, secs] => Some(SentLogout {
                    id: id.to_owned(),
                    issue_instant: idbridge::UnixTime::from_unix_seconds(secs.parse().ok()?),
                    idp_entity_id: idp.clone(),
                }),
                _ => None,
            }))
    }
}

/// The SP's signing key, its certificate and its signed metadata.
#[derive(Debug)]
pub struct Signing {
    /// The key that signs AuthnRequests (and signed the metadata).
    pub signer: RustCryptoSigner,
    /// Its certificate, PEM or DER.
    pub certificate: Vec<u8>,
    /// The signed metadata `/metadata` answers.
    pub metadata: String,
}

/// Everything the handlers share.
pub struct App<S, C> {
    /// Who we are.
    pub sp: ServiceProvider,
    /// The IdP metadata (the AgID registry, verified against its signer).
    pub trust: Trust,
    /// Outstanding AuthnRequest IDs.
    pub requests: Requests<S, C>,
    /// Assertions already accepted.
    pub assertions: Assertions<S, C>,
    /// The SP's key, certificate and metadata.
    pub signing: Signing,
    /// Sessions and pending logouts.
    pub sessions: Sessions<S, C>,
}

impl<S, C> core::fmt::Debug for App<S, C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("App")
            .field("sp", &self.sp)
            .finish_non_exhaustive()
    }
}

/// The form the IdP's page posts (SAML bindings 2.0, 3.5.4).
#[derive(serde::Deserialize)]
struct Posted {
    #[serde(rename = "SAMLResponse")]
    saml_response: String,
}

impl<S: SingleUseStore + 'static, C: Clock + 'static> App<S, C> {
    /// The routes.
    pub fn router(self) -> Router {
        Router::new()
            .route("/metadata", get(metadata::<S, C>))
            .route("/login", get(login::<S, C>))
            .route("/acs", post(acs::<S, C>))
            .route("/logout", get(logout_get::<S, C>).post(logout_post::<S, C>))
            // idbridge's default input limit is 256 KiB of XML; base64 and
            // the form encoding add about 40 %.
            .layer(DefaultBodyLimit::max(512 * 1024))
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

fn refused(code: &str) -> Response {
    page(
        StatusCode::FORBIDDEN,
        "Login refused",
        &format!(
            "<p>Login refused: <code id=\"error\">{}</code></p>\n",
            escape(code)
        ),
    )
}

fn store_error(e: &idbridge_store::Error) -> Response {
    match e.kind() {
        ErrorKind::NotIssued | ErrorKind::Replayed => refused(e.code()),
        _ => {
            eprintln!("spid-acs: {e}");
            let mut r = refused(e.code());
            *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            r
        }
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

/// The query of `/login`.
#[derive(serde::Deserialize)]
struct LoginQuery {
    idp: Option<String>,
}

async fn metadata<S: SingleUseStore, C: Clock>(State(app): State<Arc<App<S, C>>>) -> Response {
    let mut r = app.signing.metadata.clone().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/samlmetadata+xml"),
    );
    r
}

/// The `Set-Cookie` value binding request `id` to the browser: `Secure`
/// and `SameSite=None` (the IdP's page posts cross-site) behind https; on
/// plain http neither (a client never returns a `Secure` cookie over http,
/// and browsers refuse `SameSite=None` without `Secure`).
pub fn request_cookie(sp: &ServiceProvider, id: &str) -> String {
    let attributes = if sp.secure_cookie() {
        "; Secure; SameSite=None"
    } else {
        ""
    };
    format!(
        "{REQUEST_COOKIE}={id}; Path=/; Max-Age={}; HttpOnly{attributes}",
        idbridge_store::spid::DEFAULT_REQUEST_LIFETIME_SECS
    )
}

fn bad_request(code: &str) -> Response {
    let mut r = refused(code);
    *r.status_mut() = StatusCode::BAD_REQUEST;
    r
}

async fn login<S: SingleUseStore, C: Clock>(
    State(app): State<Arc<App<S, C>>>,
    Query(q): Query<LoginQuery>,
) -> Response {
    // The IdP: one the SP trusts, at its SSO endpoint for our binding.
    let Some(idp) = q.idp else {
        return bad_request("login.idp.missing");
    };
    let Some(endpoints) = app.trust.saml_idp_sso_endpoints(&idp) else {
        return bad_request("login.idp.unknown");
    };
    let wanted = app.sp.binding.uri();
    let Some(sso) = endpoints
        .iter()
        .find(|e| e.binding == wanted)
        .or_else(|| endpoints.first())
    else {
        return bad_request("login.idp.no_sso");
    };
    let id = match app.requests.issue().await {
        Ok(id) => id,
        Err(e) => return store_error(&e),
    };
    let now = app.requests.clock().now().to_unix_time();
    let mut request = AuthnRequest::new(&app.sp.entity_id, &sso.location, &id, now);
    request.level = app.sp.min_level;
    let credential = match SpCredential::new(&app.signing.signer, &app.signing.certificate) {
        Ok(c) => c,
        Err(e) => return server_error(e.code()),
    };
    let mut r = match app.sp.binding {
        Binding::HttpPost => match request.post_form(&credential, RELAY_STATE) {
            Ok(html) => {
                let mut r = (StatusCode::OK, Html(html)).into_response();
                r.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                r
            }
            Err(e) => return server_error(e.code()),
        },
        Binding::HttpRedirect => match request.redirect_url(&credential, RELAY_STATE) {
            Ok(url) => match HeaderValue::from_str(&url) {
                Ok(location) => {
                    let mut r = StatusCode::FOUND.into_response();
                    r.headers_mut().insert(header::LOCATION, location);
                    r.headers_mut()
                        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                    r
                }
                Err(_) => return server_error("login.location.invalid"),
            },
            Err(e) => return server_error(e.code()),
        },
    };
    match HeaderValue::from_str(&request_cookie(&app.sp, &id)) {
        Ok(v) => {
            r.headers_mut().append(header::SET_COOKIE, v);
            r
        }
        Err(_) => server_error("cookie.invalid"),
    }
}

fn server_error(code: &str) -> Response {
    eprintln!("spid-acs: {code}");
    let mut r = refused(code);
    *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    r
}

async fn acs<S: SingleUseStore, C: Clock>(
    State(app): State<Arc<App<S, C>>>,
    headers: HeaderMap,
    Form(posted): Form<Posted>,
) -> Response {
    // SPID: "the Response must answer an AuthnRequest of this SP";
    // without an outstanding request bound to this browser it is
    // unsolicited.
    let Some(request_id) = cookie(&headers, REQUEST_COOKIE) else {
        return refused("store.not_issued");
    };
    let mut r = acs_answer(&app, request_id, &posted).await;
    // The request is spent whatever the answer: its cookie goes too.
    set_cookie(&mut r, &cookie_value(&app.sp, REQUEST_COOKIE, "", 0));
    r
}

async fn acs_answer<S: SingleUseStore, C: Clock>(
    app: &App<S, C>,
    request_id: &str,
    posted: &Posted,
) -> Response {
    // One Response per request: the request is spent by this attempt,
    // whatever the verification says (a replayed Response finds it gone).
    let request = match app.requests.consume(request_id).await {
        Ok(r) => r,
        Err(e) => return store_error(&e),
    };
    let mut exp = spid::Expectations::new(&app.sp.entity_id, &app.sp.acs_url, request.as_str());
    exp.min_level = app.sp.min_level;
    let now = app.requests.clock().now().to_unix_time();
    let input = posted.saml_response.as_bytes();
    let result = match app.sp.federation {
        Federation::Spid => spid::verify_response(&app.trust, input, &exp, now),
        Federation::Cie => cie::verify_response(&app.trust, input, &exp, now),
    };
    let verified = match result {
        Ok(v) => v,
        Err(e) => return refused(e.code()),
    };
    // SPID: an Assertion already received is discarded (replay).
    if let Err(e) = app.assertions.first_use(&verified).await {
        return store_error(&e);
    }
    let mut r = page(
        StatusCode::OK,
        "Logged in",
        &identity_html(verified.identity()),
    );
    // A session for single logout, when the IdP gave a SessionIndex.
    if let Some(index) = verified.session_index() {
        let session = Session {
            idp_entity_id: verified.idp_entity_id().to_owned(),
            session_index: index.to_owned(),
            name_id: verified.name_id().to_owned(),
        };
        let id = match app.sessions.open(&session).await {
            Ok(id) => id,
            Err(e) => return store_error(&e),
        };
        set_cookie(
            &mut r,
            &cookie_value(&app.sp, SESSION_COOKIE, &id, SESSION_SECS),
        );
    }
    r
}

/// A cookie of ours (attributes as [`request_cookie`]'s); `max_age` 0 clears it.
pub fn cookie_value(sp: &ServiceProvider, name: &str, value: &str, max_age: i64) -> String {
    let attributes = if sp.secure_cookie() {
        "; Secure; SameSite=None"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly{attributes}")
}

fn set_cookie(r: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// The form the IdP's page posts to `/logout`.
#[derive(serde::Deserialize)]
struct LogoutPosted {
    #[serde(rename = "SAMLResponse")]
    saml_response: Option<String>,
    #[serde(rename = "SAMLRequest")]
    saml_request: Option<String>,
}

/// A logout message as it arrived.
enum Incoming<'a> {
    Post(&'a str),
    Redirect(&'a str),
}

fn has_param(query: &str, name: &str) -> bool {
    query
        .split('&')
        .any(|kv| kv.split_once('=').map_or(kv, |(k, _)| k) == name)
}

async fn logout_get<S: SingleUseStore, C: Clock>(
    State(app): State<Arc<App<S, C>>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    if has_param(&query, "SAMLResponse") {
        logout_answered(&app, &headers, Incoming::Redirect(&query)).await
    } else if has_param(&query, "SAMLRequest") {
        idp_logout(&app, &headers, Incoming::Redirect(&query)).await
    } else {
        start_logout(&app, &headers).await
    }
}

async fn logout_post<S: SingleUseStore, C: Clock>(
    State(app): State<Arc<App<S, C>>>,
    headers: HeaderMap,
    Form(posted): Form<LogoutPosted>,
) -> Response {
    match (&posted.saml_response, &posted.saml_request) {
        (Some(r), None) => logout_answered(&app, &headers, Incoming::Post(r)).await,
        (None, Some(q)) => idp_logout(&app, &headers, Incoming::Post(q)).await,
        _ => bad_request("logout.message.missing"),
    }
}

/// The IdP's SingleLogoutService for our binding (else its first).
fn idp_slo<S, C>(app: &App<S, C>, idp: &str) -> Option<String> {
    let endpoints = app.trust.idp_registry().slo_endpoints(idp)?;
    let wanted = app.sp.binding.uri();
    endpoints
        .iter()
        .find(|e| e.binding == wanted)
        .or_else(|| endpoints.first())
        .map(|e| e.location.clone())
}

/// Sends a signed message to the IdP by our binding.
fn send(
    binding: Binding,
    post: impl FnOnce() -> idbridge::Result<String>,
    redirect: impl FnOnce() -> idbridge::Result<String>,
) -> Response {
    match binding {
        Binding::HttpPost => match post() {
            Ok(html) => {
                let mut r = (StatusCode::OK, Html(html)).into_response();
                r.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                r
            }
            Err(e) => server_error(e.code()),
        },
        Binding::HttpRedirect => match redirect().map(|u| HeaderValue::from_str(&u)) {
            Ok(Ok(location)) => {
                let mut r = StatusCode::FOUND.into_response();
                r.headers_mut().insert(header::LOCATION, location);
                r.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                r
            }
            Ok(Err(_)) => server_error("logout.location.invalid"),
            Err(e) => server_error(e.code()),
        },
    }
}

/// `GET /logout`: ends the browser's session here and asks its IdP to.
async fn start_logout<S: SingleUseStore, C: Clock>(
    app: &App<S, C>,
    headers: &HeaderMap,
) -> Response {
    let Some(session_id) = cookie(headers, SESSION_COOKIE) else {
        return refused("session.none");
    };
    let session = match app.sessions.end(session_id).await {
        Ok(Some(s)) => s,
        Ok(None) => return refused("session.none"),
        Err(e) => return store_error(&e),
    };
    let Some(slo) = idp_slo(app, &session.idp_entity_id) else {
        return bad_request("logout.idp.no_slo");
    };
    let (id, now) = match app.sessions.logout_sent(&session.idp_entity_id).await {
        Ok(v) => v,
        Err(e) => return store_error(&e),
    };
    let request = LogoutRequest::new(
        &app.sp.entity_id,
        &slo,
        &id,
        now.to_unix_time(),
        &session.idp_entity_id,
        &session.name_id,
        &session.session_index,
    );
    let credential = match SpCredential::new(&app.signing.signer, &app.signing.certificate) {
        Ok(c) => c,
        Err(e) => return server_error(e.code()),
    };
    let mut r = send(
        app.sp.binding,
        || request.post_form(&credential, RELAY_STATE),
        || request.redirect_url(&credential, RELAY_STATE),
    );
    set_cookie(&mut r, &cookie_value(&app.sp, SESSION_COOKIE, "", 0));
    set_cookie(
        &mut r,
        &cookie_value(&app.sp, LOGOUT_COOKIE, &id, LOGOUT_SECS),
    );
    r
}

fn expectations<'a, S, C>(app: &'a App<S, C>, slo_url: &'a str) -> LogoutExpectations<'a> {
    LogoutExpectations::new(&app.sp.entity_id, slo_url)
}

/// The IdP's LogoutResponse to the browser's pending logout.
async fn logout_answered<S: SingleUseStore, C: Clock>(
    app: &App<S, C>,
    headers: &HeaderMap,
    incoming: Incoming<'_>,
) -> Response {
    let Some(logout_id) = cookie(headers, LOGOUT_COOKIE) else {
        return refused("store.not_issued");
    };
    // Answered once: taken before verifying.
    let sent = match app.sessions.logout_answered(logout_id).await {
        Ok(Some(s)) => s,
        Ok(None) => return refused("store.not_issued"),
        Err(e) => return store_error(&e),
    };
    let slo_url = app.sp.slo_url();
    let exp = expectations(app, &slo_url);
    let now = app.sessions.clock.now().to_unix_time();
    let registry = app.trust.idp_registry();
    let result = match incoming {
        Incoming::Post(b64) => {
            sp::verify_logout_response(registry, b64.as_bytes(), &exp, &sent, now)
        }
        Incoming::Redirect(q) => sp::verify_logout_response_redirect(registry, q, &exp, &sent, now),
    };
    let mut r = match result {
        Ok(v) if v.partial => page(
            StatusCode::OK,
            "Logged out",
            "<p id=\"logout\">partial</p>\n",
        ),
        Ok(_) => page(StatusCode::OK, "Logged out", "<p id=\"logout\">done</p>\n"),
        Err(e) => refused(e.code()),
    };
    set_cookie(&mut r, &cookie_value(&app.sp, LOGOUT_COOKIE, "", 0));
    r
}

/// An IdP-initiated LogoutRequest for the browser's session.
async fn idp_logout<S: SingleUseStore, C: Clock>(
    app: &App<S, C>,
    headers: &HeaderMap,
    incoming: Incoming<'_>,
) -> Response {
    let Some(session_id) = cookie(headers, SESSION_COOKIE) else {
        return refused("session.none");
    };
    let session = match app.sessions.end(session_id).await {
        Ok(Some(s)) => s,
        Ok(None) => return refused("session.none"),
        Err(e) => return store_error(&e),
    };
    let slo_url = app.sp.slo_url();
    let exp = expectations(app, &slo_url);
    let now = app.sessions.clock.now().to_unix_time();
    let registry = app.trust.idp_registry();
    let s = LogoutSession {
        idp_entity_id: &session.idp_entity_id,
        session_index: &session.session_index,
        name_id: Some(&session.name_id),
    };
    let result = match incoming {
        Incoming::Post(b64) => sp::verify_logout_request(registry, b64.as_bytes(), &exp, &s, now),
        Incoming::Redirect(q) => sp::verify_logout_request_redirect(registry, q, &exp, &s, now),
    };
    let verified = match result {
        Ok(v) => v,
        Err(e) => {
            let mut r = refused(e.code());
            set_cookie(&mut r, &cookie_value(&app.sp, SESSION_COOKIE, "", 0));
            return r;
        }
    };
    let Some(slo) = idp_slo(app, &verified.idp_entity_id) else {
        return bad_request("logout.idp.no_slo");
    };
    let id = match random_id() {
        Ok(id) => id,
        Err(e) => return store_error(&e),
    };
    let answer = LogoutResponse {
        sp_entity_id: app.sp.entity_id.clone(),
        destination: slo,
        id,
        issue_instant: now,
        in_response_to: verified.id.clone(),
        success: true,
    };
    let credential = match SpCredential::new(&app.signing.signer, &app.signing.certificate) {
        Ok(c) => c,
        Err(e) => return server_error(e.code()),
    };
    let mut r = send(
        app.sp.binding,
        || answer.post_form(&credential, RELAY_STATE),
        || answer.redirect_url(&credential, RELAY_STATE),
    );
    set_cookie(&mut r, &cookie_value(&app.sp, SESSION_COOKIE, "", 0));
    r
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
}
