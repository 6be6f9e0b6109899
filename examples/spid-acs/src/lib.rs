//! A SPID / CIE ID Assertion Consumer Service on idbridge: the HTTP-POST
//! binding's receiving end, with the replay defences of `idbridge-store`.
//!
//! - `GET /login` starts a login: a fresh AuthnRequest ID is remembered in
//!   the store ([`idbridge_store::spid::Requests`]) and bound to the browser
//!   with a cookie. (Building and signing the AuthnRequest itself, and
//!   sending the browser to the IdP, is outside this example: idbridge
//!   verifies, it does not build requests.)
//! - `POST /acs` takes the form field `SAMLResponse`, consumes the
//!   cookie's request ID from the store *before* verifying (SPID: a
//!   Response answers one request, once; an unsolicited Response is
//!   refused), verifies the Response against the IdP metadata with
//!   [`idbridge::spid::verify_response`], records the Assertion ID until
//!   its NotOnOrAfter ([`idbridge_store::spid::Assertions`]), and shows the
//!   identity.
//!
//! A refusal is a 403 page naming the stable code (`store.not_issued` for
//! an unsolicited or replayed Response, `store.replayed` for an Assertion
//! seen before, `saml.*`/`xmldsig.*` from the verifier); 503 when the store
//! is unavailable.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use idbridge::{spid, Trust, VerifiedIdentity};
use idbridge_store::spid::{Assertions, Requests};
use idbridge_store::{Clock, ErrorKind, SingleUseStore};
use std::sync::Arc;

/// The cookie that binds an outstanding AuthnRequest to the browser.
pub const REQUEST_COOKIE: &str = "spid_request";

/// The service provider's own identity.
#[derive(Clone, Debug)]
pub struct ServiceProvider {
    /// The SP's entity ID (the Audience).
    pub entity_id: String,
    /// This endpoint's public URL (the Destination and Recipient).
    pub acs_url: String,
    /// The level requested (with comparison `minimum`).
    pub min_level: spid::Level,
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

async fn login<S: SingleUseStore, C: Clock>(State(app): State<Arc<App<S, C>>>) -> Response {
    let id = match app.requests.issue().await {
        Ok(id) => id,
        Err(e) => return store_error(&e),
    };
    let mut r = page(
        StatusCode::OK,
        "AuthnRequest issued",
        &format!(
            "<p>Outstanding AuthnRequest <code id=\"request-id\">{}</code> for {}: sign it into an AuthnRequest and send the browser to the IdP; the Response comes back to {}.</p>\n",
            escape(&id),
            escape(&app.sp.entity_id),
            escape(&app.sp.acs_url)
        ),
    );
    // The IdP's page posts cross-site: SameSite=None (hence Secure).
    let cookie = format!(
        "{REQUEST_COOKIE}={id}; Path=/; Max-Age={}; HttpOnly; Secure; SameSite=None",
        idbridge_store::spid::DEFAULT_REQUEST_LIFETIME_SECS
    );
    match HeaderValue::from_str(&cookie) {
        Ok(v) => {
            r.headers_mut().append(header::SET_COOKIE, v);
            r
        }
        Err(_) => refused("cookie.invalid"),
    }
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
    let verified =
        match spid::verify_response(&app.trust, posted.saml_response.as_bytes(), &exp, now) {
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
