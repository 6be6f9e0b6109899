//! `spid-acs`: serves the Assertion Consumer Service of `lib.rs`.
//!
//! ```text
//! spid-acs [--listen 127.0.0.1:8081] [--sp-entity-id URL] [--acs-url URL]
//!          [--registry FILE --registry-signer FILE] [--redis URL]
//!          [--demo-test-vectors]
//! ```
//!
//! The registry defaults to the signed test registry of
//! `test-vectors/spid/metadata/`. `--demo-test-vectors` replays the test
//! vectors: the clock stops at their `now` (2026-03-01T10:00:30Z) and
//! `GET /demo` posts their reference Response for you. Test material only.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use idbridge::{spid, Trust, UnixTime};
use idbridge_example_spid_acs::{escape, App, ServiceProvider, REQUEST_COOKIE};
use idbridge_store::spid::{Assertions, Requests};
use idbridge_store::{
    AnyStore, Clock, ManualClock, MemoryStore, RedisConfig, RedisStore, SystemClock, UnixMillis,
};
use std::process::ExitCode;
use std::sync::Arc;

const USAGE: &str = "usage: spid-acs [--listen ADDR] [--sp-entity-id URL] [--acs-url URL] [--registry FILE --registry-signer FILE] [--redis URL] [--demo-test-vectors]";

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-vectors/spid");
/// The request every test-vector Response answers, and their `now`.
const DEMO_REQUEST_ID: &str = "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4";
const DEMO_NOW: &str = "2026-03-01T10:00:30Z";

struct Options {
    listen: String,
    sp: ServiceProvider,
    registry: String,
    signer: String,
    redis: Option<String>,
    demo: bool,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        listen: "127.0.0.1:8081".into(),
        sp: ServiceProvider {
            entity_id: "https://sp.idbridge.test".into(),
            acs_url: "https://sp.idbridge.test/acs".into(),
            min_level: spid::Level::L2,
        },
        registry: format!("{VECTORS}/metadata/registry-signed.xml"),
        signer: format!("{VECTORS}/metadata/registry-signer.pem"),
        redis: None,
        demo: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--demo-test-vectors" {
            o.demo = true;
            continue;
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--listen" => o.listen = value,
            "--sp-entity-id" => o.sp.entity_id = value,
            "--acs-url" => o.sp.acs_url = value,
            "--registry" => o.registry = value,
            "--registry-signer" => o.signer = value,
            "--redis" => o.redis = Some(value),
            _ => return Err(USAGE.to_owned()),
        }
    }
    if o.demo && o.redis.is_some() {
        // Redis expires keys by its own clock, which is not the demo's.
        return Err("--demo-test-vectors keeps its requests in memory: drop --redis".into());
    }
    Ok(o)
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{path}: {e}"))
}

/// The demo: remember the vectors' request, bind it to this browser, and
/// post the reference Response to /acs.
async fn demo(State(requests): State<Requests<AnyStore, Arc<dyn Clock>>>) -> Response {
    let until = requests.clock().now().plus_secs(600);
    // Already outstanding from an earlier click: fine, it is still one request.
    if let Err(e) = requests.remember(DEMO_REQUEST_ID, until).await {
        if e.kind() != idbridge_store::ErrorKind::Duplicate {
            return (axum::http::StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response();
        }
    }
    let posted = match std::fs::read(format!("{VECTORS}/responses/valid.xml")) {
        Ok(xml) => base64::engine::general_purpose::STANDARD.encode(xml),
        Err(e) => return (axum::http::StatusCode::NOT_FOUND, e.to_string()).into_response(),
    };
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>SPID demo</title></head>\n<body onload=\"document.forms[0].submit()\">\n<p>Posting the test vectors' reference Response (as the IdP's page would)...</p>\n<form method=\"post\" action=\"/acs\"><input type=\"hidden\" name=\"SAMLResponse\" value=\"{}\"><noscript><button>Post</button></noscript></form>\n</body></html>\n",
        escape(&posted)
    );
    let mut r = Html(html).into_response();
    let cookie =
        format!("{REQUEST_COOKIE}={DEMO_REQUEST_ID}; Path=/; Max-Age=600; HttpOnly; SameSite=Lax");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

async fn run(o: Options) -> Result<(), String> {
    let trust = Trust::builder()
        .saml_registry(&read(&o.registry)?, &read(&o.signer)?)
        .and_then(|b| b.build())
        .map_err(|e| format!("{}: {e}", o.registry))?;
    let store: AnyStore = match &o.redis {
        Some(url) => RedisStore::connect(RedisConfig::new(url.clone()))
            .await
            .map_err(|e| e.to_string())?
            .into(),
        None => MemoryStore::with_capacity(1_000_000).into(),
    };
    let clock: Arc<dyn Clock> = if o.demo {
        let t = UnixTime::parse_rfc3339(DEMO_NOW).map_err(|e| e.to_string())?;
        Arc::new(ManualClock::new(UnixMillis::from_unix_time(t)))
    } else {
        Arc::new(SystemClock)
    };
    let requests = Requests::with_clock(store.clone(), clock.clone());
    let app = App {
        sp: o.sp.clone(),
        trust,
        requests: requests.clone(),
        assertions: Assertions::with_clock(store, clock),
    };
    let mut router = app.router();
    if o.demo {
        router = router.merge(
            axum::Router::new()
                .route("/demo", get(demo))
                .with_state(requests),
        );
    }
    let listener = tokio::net::TcpListener::bind(&o.listen)
        .await
        .map_err(|e| format!("{}: {e}", o.listen))?;
    eprintln!(
        "spid-acs: http://{}/acs for {} (IdPs: {}; requests: {}){}",
        o.listen,
        o.sp.entity_id,
        o.registry,
        o.redis.as_deref().unwrap_or("in memory"),
        if o.demo {
            format!(
                "; DEMO on test vectors at {DEMO_NOW}: open http://{}/demo",
                o.listen
            )
        } else {
            String::new()
        }
    );
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = match options() {
        Ok(o) => run(o).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("spid-acs: {e}");
            ExitCode::FAILURE
        }
    }
}
