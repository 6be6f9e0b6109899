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
//! A refusal is a 403 page naming the stable code (`store.not_issued` for
//! an unsolicited or replayed Response, `store.replayed` for an Assertion
//! seen before, `saml.*`/`xmldsig.*` from the verifier); 503 when the store
//! is unavailable. Never a redirect to an error page.
//!
//! The request cookie is `Secure` (and `SameSite=None`, as the IdP posts
//! cross-site) when the ACS URL is https; on a plain-http ACS (local
//! tests only) it is neither, or the client would never send it back.

use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use idbridge::crypto::RustCryptoSigner;
use idbridge::saml_sp::{AuthnRequest, Binding, SpCredential};
use idbridge::{cie, spid, Trust, VerifiedIdentity};
use idbridge_store::spid::{Assertions, Requests};
use idbridge_store::{Clock, ErrorKind, SingleUseStore};
use std::sync::Arc;

/// The cookie that binds an outstanding AuthnRequest to the browser.
pub const REQUEST_COOKIE: &str = "spid_request";

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
    page(
        StatusCode::OK,
        "Logged in",
        &identity_html(verified.identity()),
    )
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
