//! `spid-acs`: serves the service provider of `lib.rs`.
//!
//! ```text
//! spid-acs [--listen 127.0.0.1:8081] [--sp-entity-id URL] [--acs-url URL]
//!          [--profile spid|cie] [--binding post|redirect]
//!          [--sp-key PKCS8-PEM --sp-cert PEM]
//!          [--registry FILE --registry-signer FILE | --idp-metadata FILE]
//!          [--redis URL] [--demo-test-vectors]
//!          [--backlog 1024] [--max-connections 1024] [--header-read-timeout 10]
//!          [--idle-timeout 30] [--request-timeout 30]
//!          [--rate-burst 100] [--rate-per-minute 60] [--rate-clients 100000]
//!          [--client-ip-header NAME] [--trusted-proxy IP]... [--store-capacity 1000000]
//!          [--log-interval 10]
//! ```
//!
//! The `--backlog` … `--request-timeout` flags are the listener's limits
//! (`idbridge_example_serve`: listen backlog, connections served at once,
//! and seconds).
//!
//! The `--rate-*`, `--client-ip-header`, `--trusted-proxy`, `--store-capacity` and
//! `--log-interval` flags are `idbridge_example_serve::ops`: a per-client
//! budget on `GET /login` (each reserves a store entry), the in-memory
//! store's capacity, and one log line per kind of refusal per interval.
//! `GET /health` and `GET /metrics` (Prometheus text) are served too.
//!
//! The registry defaults to the signed test registry of
//! `test-vectors/spid/metadata/`; `--idp-metadata` pins one unsigned IdP
//! metadata file instead (e.g. the test IdP of spid-sp-test). The SP's key
//! and certificate default to the *test-only* `rsa2048` pair of
//! `test-vectors/` (anyone can recompute that key): pass your own.
//! The metadata's organization and contact are placeholders (Comune di
//! Esempio, IPA code `c_x000`): a real SP writes its own.
//! `--demo-test-vectors` replays the test vectors: the clock stops at their
//! `now` (2026-03-01T10:00:30Z) and `GET /demo` posts their reference
//! Response for you. Test material only.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use idbridge::crypto::RustCryptoSigner;
use idbridge::saml_sp::{Binding, Contact, OrganizationName, SpCredential, SpMetadata, SpProfile};
use idbridge::{spid, Trust, UnixTime};
use idbridge_example_serve::ops::{Ops, OpsSettings, Sink, Timed};
use idbridge_example_serve::{bind, serve, Settings, Stats};
use idbridge_example_spid_acs::{
    escape, App, Federation, ServiceProvider, Sessions, Signing, REQUEST_COOKIE,
};
use idbridge_store::spid::{Assertions, Requests};
use idbridge_store::{
    AnyStore, Clock, ManualClock, MemoryStore, RedisConfig, RedisStore, SystemClock, UnixMillis,
};
use std::process::ExitCode;
use std::sync::Arc;

const USAGE: &str = "usage: spid-acs [--listen ADDR] [--sp-entity-id URL] [--acs-url URL] [--profile spid|cie] [--binding post|redirect] [--sp-key PKCS8-PEM --sp-cert PEM] [--registry FILE --registry-signer FILE | --idp-metadata FILE] [--redis URL] [--demo-test-vectors] [--backlog N] [--max-connections N] [--header-read-timeout S] [--idle-timeout S] [--request-timeout S] [--rate-burst N] [--rate-per-minute N] [--rate-clients N] [--client-ip-header NAME] [--trusted-proxy IP]... [--store-capacity N] [--log-interval S]";
const TEST_KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-vectors");

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-vectors/spid");
/// The request every test-vector Response answers, and their `now`.
const DEMO_REQUEST_ID: &str = "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4";
const DEMO_NOW: &str = "2026-03-01T10:00:30Z";

struct Options {
    listen: String,
    sp: ServiceProvider,
    registry: String,
    signer: String,
    idp_metadata: Option<String>,
    sp_key: String,
    sp_cert: String,
    redis: Option<String>,
    demo: bool,
    serve: Settings,
    ops: OpsSettings,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        listen: "127.0.0.1:8081".into(),
        sp: ServiceProvider {
            entity_id: "https://sp.idbridge.test".into(),
            acs_url: "https://sp.idbridge.test/acs".into(),
            min_level: spid::Level::L2,
            federation: Federation::Spid,
            binding: Binding::HttpPost,
        },
        registry: format!("{VECTORS}/metadata/registry-signed.xml"),
        signer: format!("{VECTORS}/metadata/registry-signer.pem"),
        idp_metadata: None,
        sp_key: format!("{TEST_KEYS}/keys/rsa2048.pk8.pem"),
        sp_cert: format!("{TEST_KEYS}/xmldsig/certs/rsa2048.pem"),
        redis: None,
        demo: false,
        serve: Settings::default(),
        ops: OpsSettings::default(),
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
        if o.serve.flag(&flag, || Ok(value.clone()))? || o.ops.flag(&flag, || Ok(value.clone()))? {
            continue;
        }
        match flag.as_str() {
            "--listen" => o.listen = value,
            "--sp-entity-id" => o.sp.entity_id = value,
            "--acs-url" => o.sp.acs_url = value,
            "--registry" => o.registry = value,
            "--registry-signer" => o.signer = value,
            "--idp-metadata" => o.idp_metadata = Some(value),
            "--sp-key" => o.sp_key = value,
            "--sp-cert" => o.sp_cert = value,
            "--profile" => {
                o.sp.federation = match value.as_str() {
                    "spid" => Federation::Spid,
                    "cie" => Federation::Cie,
                    _ => return Err(format!("--profile is spid or cie\n{USAGE}")),
                }
            }
            "--binding" => {
                o.sp.binding = match value.as_str() {
                    "post" => Binding::HttpPost,
                    "redirect" => Binding::HttpRedirect,
                    _ => return Err(format!("--binding is post or redirect\n{USAGE}")),
                }
            }
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
async fn demo(State(requests): State<Requests<Timed<AnyStore>, Arc<dyn Clock>>>) -> Response {
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

/// The SP's key (PKCS#8 PEM or DER) and its metadata, signed.
fn signing(o: &Options) -> Result<Signing, String> {
    let key = read(&o.sp_key)?;
    let der = match std::str::from_utf8(&key) {
        Ok(pem) if pem.contains("-----BEGIN") => {
            let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|e| format!("{}: {e}", o.sp_key))?
        }
        _ => key,
    };
    let signer =
        RustCryptoSigner::from_pkcs8_der(&der).map_err(|e| format!("{}: {e}", o.sp_key))?;
    let certificate = read(&o.sp_cert)?;
    let metadata = {
        let credential =
            SpCredential::new(&signer, &certificate).map_err(|e| format!("{}: {e}", o.sp_cert))?;
        metadata(&o.sp)
            .sign(&credential)
            .map_err(|e| format!("metadata: {e}"))?
    };
    Ok(Signing {
        signer,
        certificate,
        metadata,
    })
}

/// The example's metadata: the endpoints it serves, placeholder
/// organization and contact.
fn metadata(sp: &ServiceProvider) -> SpMetadata {
    let base = sp
        .acs_url
        .rsplit_once('/')
        .map_or(sp.acs_url.as_str(), |(b, _)| b);
    let (profile, attributes): (SpProfile, &[&str]) = match sp.federation {
        Federation::Spid => (
            SpProfile::SpidPublic,
            &[
                "spidCode",
                "name",
                "familyName",
                "fiscalNumber",
                "email",
                "dateOfBirth",
            ],
        ),
        Federation::Cie => (
            SpProfile::CiePublic,
            &["name", "familyName", "fiscalNumber", "dateOfBirth"],
        ),
    };
    let mut md = SpMetadata::new(profile, &sp.entity_id, &sp.acs_url, &sp.slo_url());
    md.service_name = "idbridge spid-acs".into();
    md.attributes = attributes.iter().map(|a| (*a).to_owned()).collect();
    md.organization = [
        ("it", "Comune di Esempio"),
        ("en", "Municipality of Esempio"),
    ]
    .iter()
    .map(|(lang, name)| OrganizationName {
        lang: (*lang).into(),
        name: "Comune di Esempio".into(),
        display_name: (*name).into(),
        url: format!("{base}/"),
    })
    .collect();
    md.contact = Contact {
        email: "spid@comune.esempio.it".into(),
        telephone: Some("+390600000000".into()),
        ipa_code: Some("c_x000".into()),
        municipality: Some("H501".into()),
        ..Contact::default()
    };
    if sp.federation == Federation::Spid {
        md.contact.municipality = None;
    }
    md
}

async fn run(o: Options) -> Result<(), String> {
    let trust = match &o.idp_metadata {
        Some(path) => Trust::builder()
            .pin_saml_idp_metadata(&read(path)?)
            .and_then(|b| b.build())
            .map_err(|e| format!("{path}: {e}"))?,
        None => Trust::builder()
            .saml_registry(&read(&o.registry)?, &read(&o.signer)?)
            .and_then(|b| b.build())
            .map_err(|e| format!("{}: {e}", o.registry))?,
    };
    let signing = signing(&o)?;
    let store: AnyStore = match &o.redis {
        Some(url) => RedisStore::connect(RedisConfig::new(url.clone()))
            .await
            .map_err(|e| e.to_string())?
            .into(),
        None => MemoryStore::with_capacity(o.ops.store_capacity).into(),
    };
    let stats = Arc::new(Stats::default());
    let ops = Ops::with_sink(
        "spid-acs",
        o.ops.clone(),
        &["/login"],
        &["/acs"],
        Sink::Stderr,
        Some(stats.clone()),
    );
    let store = Timed::new(store, ops.metrics.clone());
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
        assertions: Assertions::with_clock(store.clone(), clock.clone()),
        signing,
        sessions: Sessions::with_clock(store, clock),
    };
    let mut router = app.router();
    if o.demo {
        router = router.merge(
            axum::Router::new()
                .route("/demo", get(demo))
                .with_state(requests),
        );
    }
    let listener = bind(&o.listen, o.serve.backlog)
        .await
        .map_err(|e| format!("{}: {e}", o.listen))?;
    eprintln!(
        "spid-acs: http://{}/ (metadata, login, acs, logout) for {} (IdPs: {}; requests: {}){}",
        o.listen,
        o.sp.entity_id,
        o.idp_metadata.as_deref().unwrap_or(&o.registry),
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
    serve(listener, ops.wrap(router), o.serve, stats, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| e.to_string())
}

/// jemalloc on Linux, which gives freed memory back to the system
/// (`idbridge_example_serve::alloc`).
#[global_allocator]
static ALLOCATOR: idbridge_example_serve::alloc::Allocator =
    idbridge_example_serve::alloc::ALLOCATOR;

#[tokio::main]
async fn main() -> ExitCode {
    idbridge_example_serve::alloc::init();
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
