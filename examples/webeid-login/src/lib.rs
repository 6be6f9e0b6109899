//! A Web eID login server: the smallest complete relying party on idbridge.
//!
//! - `GET /challenge` issues a nonce ([`idbridge_store::webeid::Challenges`]),
//!   returns it as `{"nonce": "..."}` and binds it to the browser with an
//!   `HttpOnly` cookie;
//! - `POST /login` takes the token the Web eID extension made (the JSON
//!   body), consumes the cookie's nonce from the store *before* verifying
//!   (an attempt spends it), verifies the token with
//!   [`idbridge::webeid::verify_token`] against the configured anchors, and
//!   on success sets a session cookie and returns the identity;
//! - `GET /me` returns the session's identity; `POST /logout` ends the
//!   session (deletes it from the store, clears the cookie); `GET /` is a
//!   page that does the above with `web-eid.js`.
//!
//! Errors are JSON `{"error": "<stable code>"}`: 401 for a refused login,
//! 503 when the store is unavailable (Redis down: the login fails closed).
//! `main.rs` wraps the routes in [`idbridge_example_serve::ops`]: `GET
//! /challenge` is budgeted per client (429 `rate.limited`), `GET /health`
//! and `GET /metrics` are added, and refusals are logged as JSON lines,
//! rate-limited.
//!
//! The store is any [`ReadableStore`] (a [`idbridge_store::SingleUseStore`]
//! that can also read an entry): Redis behind a load balancer (every
//! instance sees every nonce), memory for one process. Sessions live in the
//! same store ([`idbridge_store::session::Sessions`]): every instance sees
//! them, and each expires with the session cookie's `Max-Age` (one hour by
//! default, `--session-secs`), so memory comes back. Revocation is checked
//! when [`App::ocsp`] is set ([`ocsp`]: the certificate's responder over
//! plain HTTP to allowed hosts only, cached until `nextUpdate`, failing
//! closed); off by default.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use idbridge::{webeid, Trust};
use idbridge_example_serve::ops::{Code, Detail};
use idbridge_store::session::{ReadableStore, Sessions};
use idbridge_store::webeid::Challenges;
use idbridge_store::{Clock, ErrorKind};
use std::sync::Arc;

pub mod ocsp;

/// The nonce cookie (bound to the browser that asked for the challenge).
pub const NONCE_COOKIE: &str = "webeid_nonce";
/// The session cookie.
pub const SESSION_COOKIE: &str = "session";

/// Everything the handlers share.
pub struct App<S, C> {
    /// The site's origin, exactly as the browser sends it (`https://host[:port]`).
    pub origin: String,
    /// The Web eID anchors (built once).
    pub trust: Trust,
    /// Nonces, in the shared store.
    pub challenges: Challenges<S, C>,
    /// `web-eid.js`, when the operator supplied it (served at `/web-eid.js`).
    pub web_eid_js: Option<String>,
    /// Sessions (the verified identity as JSON), in the shared store; the
    /// session cookie's `Max-Age` is their lifetime.
    pub sessions: Sessions<S, C>,
    /// OCSP before verifying ([`ocsp`]); `None` checks no revocation.
    pub ocsp: Option<ocsp::OcspClient>,
}

impl<S, C> core::fmt::Debug for App<S, C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("App")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl<S: ReadableStore + 'static, C: Clock + 'static> App<S, C> {
    /// The application state.
    pub fn new(
        origin: String,
        trust: Trust,
        challenges: Challenges<S, C>,
        sessions: Sessions<S, C>,
    ) -> Self {
        App {
            origin,
            trust,
            challenges,
            web_eid_js: None,
            sessions,
            ocsp: None,
        }
    }

    /// The routes.
    pub fn router(self) -> Router {
        Self::router_shared(Arc::new(self))
    }

    /// The routes, on an application the caller keeps a handle to (to
    /// read its OCSP client's counters, for instance).
    pub fn router_shared(app: Arc<Self>) -> Router {
        Router::new()
            .route("/", get(page))
            .route("/web-eid.js", get(web_eid_js::<S, C>))
            .route("/challenge", get(challenge::<S, C>))
            .route("/login", post(login::<S, C>))
            .route("/me", get(me::<S, C>))
            .route("/logout", post(logout::<S, C>))
            // A token is at most 10,000 bytes (the verifier refuses more).
            .layer(DefaultBodyLimit::max(16 * 1024))
            .with_state(app)
    }
}

fn error(status: StatusCode, code: &str) -> Response {
    let mut r = (status, Json(serde_json::json!({ "error": code }))).into_response();
    no_store(r.headers_mut());
    // For the ops layer's metrics and (rate-limited) log.
    r.extensions_mut().insert(Code(code.to_owned()));
    r
}

fn no_store(h: &mut HeaderMap) {
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// A store failure: the login is refused; "unavailable" is a 503. The
/// ops layer logs it (one line per code and interval, not one per
/// refusal).
fn store_error(e: &idbridge_store::Error) -> Response {
    match e.kind() {
        ErrorKind::NotIssued => error(StatusCode::UNAUTHORIZED, e.code()),
        _ => error(StatusCode::SERVICE_UNAVAILABLE, e.code()),
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
    // Two cookies of one name (a planted one beside ours): refuse both.
    found.next().is_none().then_some(first)
}

/// Appends a Set-Cookie; `false` when the value cannot be a header.
#[must_use]
fn set_cookie(h: &mut HeaderMap, name: &str, value: &str, max_age: i64) -> bool {
    let v = format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict");
    match HeaderValue::from_str(&v) {
        Ok(v) => {
            h.append(header::SET_COOKIE, v);
            true
        }
        Err(_) => false,
    }
}

async fn page() -> Html<&'static str> {
    Html(include_str!("../static/index.html"))
}

async fn web_eid_js<S, C>(State(app): State<Arc<App<S, C>>>) -> Response {
    match &app.web_eid_js {
        Some(js) => (
            [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
            js.clone(),
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            "web-eid.js is not configured: start the server with --web-eid-js FILE",
        )
            .into_response(),
    }
}

async fn challenge<S: ReadableStore, C: Clock>(State(app): State<Arc<App<S, C>>>) -> Response {
    let nonce = match app.challenges.issue().await {
        Ok(n) => n,
        Err(e) => return store_error(&e),
    };
    let mut r = Json(serde_json::json!({ "nonce": nonce.as_str() })).into_response();
    no_store(r.headers_mut());
    if !set_cookie(
        r.headers_mut(),
        NONCE_COOKIE,
        nonce.as_str(),
        idbridge::webeid::NONCE_LIFETIME_SECS,
    ) {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "cookie.invalid");
    }
    r
}

async fn login<S: ReadableStore, C: Clock>(
    State(app): State<Arc<App<S, C>>>,
    headers: HeaderMap,
    token: axum::body::Bytes,
) -> Response {
    let Some(posted_nonce) = cookie(&headers, NONCE_COOKIE) else {
        return error(StatusCode::UNAUTHORIZED, "store.not_issued");
    };
    // Web eID: the nonce is single-use: spent by this attempt, whatever
    // the verification says.
    let nonce = match app.challenges.consume(posted_nonce).await {
        Ok(n) => n,
        Err(e) => return store_error(&e),
    };
    let now = app.challenges.clock().now().to_unix_time();
    let mut expectations = webeid::Expectations::new(&app.origin, nonce.as_str());
    // Revocation: a response for the token's certificate, or no login.
    let fetched = match &app.ocsp {
        None => None,
        Some(client) => match client.response_for(&token, now.as_secs()).await {
            Ok(f) => Some(f),
            Err(e) if e.unavailable() => {
                let mut r = error(StatusCode::SERVICE_UNAVAILABLE, e.code);
                r.extensions_mut().insert(Detail(e.detail));
                return r;
            }
            Err(e) => return error(StatusCode::UNAUTHORIZED, e.code),
        },
    };
    if let (Some(f), Some(client)) = (&fetched, &app.ocsp) {
        expectations.ocsp = webeid::Ocsp::Response {
            response: &f.response,
            responder: None,
            request_nonce: None,
        };
        expectations.ocsp_policy.max_this_update_age_secs = client.config().max_age_secs;
    }
    let verified = match webeid::verify_token(&app.trust, &token, &expectations, now) {
        Ok(v) => v,
        Err(e) => return error(StatusCode::UNAUTHORIZED, e.code()),
    };
    if let (Some(f), Some(client)) = (fetched, &app.ocsp) {
        if !f.cached {
            client.accepted(f, now.as_secs());
        }
    }
    let Ok(identity) = serde_json::to_vec(verified.identity()) else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "session.invalid");
    };
    // The session lives in the store until the cookie's Max-Age is over.
    let session = match app.sessions.open(&identity).await {
        Ok(id) => id,
        Err(e) => return store_error(&e),
    };
    let mut r = Json(verified.identity()).into_response();
    no_store(r.headers_mut());
    let max_age = i64::from(app.sessions.lifetime_secs_value());
    for (name, value, age) in [
        (SESSION_COOKIE, session.as_str(), max_age),
        (NONCE_COOKIE, "", 0),
    ] {
        if !set_cookie(r.headers_mut(), name, value, age) {
            return error(StatusCode::INTERNAL_SERVER_ERROR, "cookie.invalid");
        }
    }
    r
}

async fn me<S: ReadableStore, C: Clock>(
    State(app): State<Arc<App<S, C>>>,
    headers: HeaderMap,
) -> Response {
    let Some(id) = cookie(&headers, SESSION_COOKIE) else {
        return error(StatusCode::UNAUTHORIZED, "session.none");
    };
    match app.sessions.get(id).await {
        Ok(Some(identity)) => {
            let mut r = ([(header::CONTENT_TYPE, "application/json")], identity).into_response();
            no_store(r.headers_mut());
            r
        }
        Ok(None) => error(StatusCode::UNAUTHORIZED, "session.none"),
        Err(e) => store_error(&e),
    }
}

/// `POST /logout`: deletes the session from the store and clears its
/// cookie; 401 `session.none` when there was none.
async fn logout<S: ReadableStore, C: Clock>(
    State(app): State<Arc<App<S, C>>>,
    headers: HeaderMap,
) -> Response {
    let Some(id) = cookie(&headers, SESSION_COOKIE) else {
        return error(StatusCode::UNAUTHORIZED, "session.none");
    };
    let mut r = match app.sessions.end(id).await {
        Ok(Some(_)) => Json(serde_json::json!({ "logged_out": true })).into_response(),
        Ok(None) => error(StatusCode::UNAUTHORIZED, "session.none"),
        Err(e) => return store_error(&e),
    };
    no_store(r.headers_mut());
    // The cookie goes either way: it names no session now.
    if !set_cookie(r.headers_mut(), SESSION_COOKIE, "", 0) {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "cookie.invalid");
    }
    r
}

/// The in-memory store's idle purge (issue 21): every `every`, up to
/// `budget` expired entries per shard go (`MemoryStore::purge_expired`),
/// and `metrics`' `idbridge_store_entries` gauge is set to what is left.
/// Without it an idle server keeps expired sessions until inserts pass by.
/// Runs until its task is dropped.
pub async fn purge_memory_store(
    store: idbridge_store::MemoryStore,
    every: std::time::Duration,
    budget: usize,
    metrics: Arc<idbridge_example_serve::ops::Metrics>,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        store.purge_expired(idbridge_store::SystemClock.now(), budget);
        metrics.set_store_entries(u64::try_from(store.len()).unwrap_or(u64::MAX));
    }
}

#[cfg(test)]
mod purge_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use idbridge_store::{MemoryStore, SingleUseStore, SystemClock};

    #[tokio::test]
    async fn the_idle_purge_empties_an_expired_store_and_sets_the_gauge() {
        let store = MemoryStore::with_capacity(10_000);
        let now = SystemClock.now();
        for i in 0..100 {
            let key = format!("k{i}");
            let until = if i < 90 {
                now.plus_millis(50)
            } else {
                now.plus_secs(3600)
            };
            let inserted = store.insert_if_absent(&key, b"", now, until).await.unwrap();
            assert_eq!(inserted, idbridge_store::Inserted::New);
        }
        let metrics = Arc::new(idbridge_example_serve::ops::Metrics::default());
        assert_eq!(metrics.store_entries(), None);
        // A budget of 4 per shard: several ticks are needed, none does it all.
        let task = tokio::spawn(purge_memory_store(
            store.clone(),
            std::time::Duration::from_millis(20),
            4,
            metrics.clone(),
        ));
        // Bounded wait on the count, never a timing assertion.
        for _ in 0..500 {
            if metrics.store_entries() == Some(10) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        task.abort();
        assert_eq!(metrics.store_entries(), Some(10));
        assert_eq!(store.len(), 10, "the unexpired ones stay");
    }
}
