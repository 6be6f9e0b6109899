//! `webeid-login`: serves the Web eID login of `lib.rs`.
//!
//! ```text
//! webeid-login [--listen 127.0.0.1:8080] [--origin https://localhost:8443]
//!              [--redis redis://127.0.0.1:6379] [--anchors embedded|test|FILE]
//!              [--web-eid-js FILE] [--session-secs 3600]
//!              [--backlog 1024] [--max-connections 1024] [--header-read-timeout 10]
//!              [--idle-timeout 30] [--request-timeout 30]
//!              [--rate-burst 100] [--rate-per-minute 60] [--rate-clients 100000]
//!              [--client-ip-header NAME] [--trusted-proxy IP]... [--store-capacity 1000000]
//!              [--log-interval 10]
//!              [--ocsp-allow HOST:PORT]... [--ocsp-url URL] [--ocsp-issuer FILE]...
//!              [--ocsp-timeout 5] [--ocsp-max-age 300]
//! ```
//!
//! `--ocsp-allow` turns revocation checking on (`ocsp` in `lib.rs`): the
//! certificate's OCSP responder (its Authority Information Access, else
//! `--ocsp-url`) is asked over plain HTTP when its `host:port` is allowed,
//! the answer cached until `nextUpdate` (at most `--ocsp-max-age` after
//! `thisUpdate`), and a responder that is down refuses the login (503
//! `ocsp.unavailable`). The issuers default to the anchors.
//!
//! The `--rate-*`, `--client-ip-header`, `--trusted-proxy`, `--store-capacity` and
//! `--log-interval` flags are `idbridge_example_serve::ops`: a per-client
//! budget on `GET /challenge`, the in-memory store's capacity, and one log
//! line per kind of refusal per interval. `GET /health` and `GET /metrics`
//! (Prometheus text) are served too.
//!
//! The last five are the listener's limits (`idbridge_example_serve`:
//! listen backlog, connections served at once, and seconds).
//!
//! Without `--redis` the nonces and sessions live in this process (one
//! instance only), purged of expired entries each second (the
//! `idbridge_store_entries` gauge in `/metrics` counts what is left). `--session-secs` is the session's lifetime in the store
//! and its cookie's `Max-Age` (default 3600).
//! Web eID needs HTTPS: put a TLS proxy for `--origin` in front of `--listen`.

use idbridge::Trust;
use idbridge_example_serve::ops::{Ops, OpsSettings, Sink, Timed};
use idbridge_example_serve::{bind, serve, Settings, Stats};
use idbridge_example_webeid_login::ocsp::{OcspClient, OcspConfig};
use idbridge_example_webeid_login::{purge_memory_store, App};
use idbridge_store::session::Sessions;
use idbridge_store::webeid::Challenges;
use idbridge_store::{AnyStore, MemoryStore, RedisConfig, RedisStore};
use std::process::ExitCode;

/// The in-memory store's idle purge: expired entries per shard per second.
const PURGE_EVERY_SECOND: usize = 2048;

const USAGE: &str = "usage: webeid-login [--listen ADDR] [--origin https://HOST[:PORT]] [--redis URL] [--anchors embedded|test|FILE] [--web-eid-js FILE] [--session-secs N] [--backlog N] [--max-connections N] [--header-read-timeout S] [--idle-timeout S] [--request-timeout S] [--rate-burst N] [--rate-per-minute N] [--rate-clients N] [--client-ip-header NAME] [--trusted-proxy IP]... [--store-capacity N] [--log-interval S] [--ocsp-allow HOST:PORT]... [--ocsp-url URL] [--ocsp-issuer FILE]... [--ocsp-timeout S] [--ocsp-max-age S]";

struct Options {
    listen: String,
    origin: String,
    redis: Option<String>,
    anchors: String,
    web_eid_js: Option<String>,
    session_secs: u32,
    serve: Settings,
    ops: OpsSettings,
    ocsp_allow: Vec<String>,
    ocsp_url: Option<String>,
    ocsp_issuers: Vec<String>,
    ocsp_timeout: u64,
    ocsp_max_age: u32,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        listen: "127.0.0.1:8080".into(),
        origin: "https://localhost:8443".into(),
        redis: None,
        anchors: "embedded".into(),
        web_eid_js: None,
        session_secs: idbridge_store::session::DEFAULT_SESSION_SECS,
        serve: Settings::default(),
        ops: OpsSettings::default(),
        ocsp_allow: Vec::new(),
        ocsp_url: None,
        ocsp_issuers: Vec::new(),
        ocsp_timeout: 5,
        ocsp_max_age: 300,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        if o.serve.flag(&flag, &mut value)? || o.ops.flag(&flag, &mut value)? {
            continue;
        }
        match flag.as_str() {
            "--listen" => o.listen = value()?,
            "--origin" => o.origin = value()?,
            "--redis" => o.redis = Some(value()?),
            "--anchors" => o.anchors = value()?,
            "--web-eid-js" => o.web_eid_js = Some(value()?),
            "--ocsp-allow" => o.ocsp_allow.push(value()?),
            "--ocsp-url" => o.ocsp_url = Some(value()?),
            "--ocsp-issuer" => o.ocsp_issuers.push(value()?),
            "--ocsp-timeout" => {
                o.ocsp_timeout = value()?
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("--ocsp-timeout is a number of seconds\n{USAGE}"))?;
            }
            "--ocsp-max-age" => {
                o.ocsp_max_age = value()?
                    .parse()
                    .ok()
                    .ok_or_else(|| format!("--ocsp-max-age is a number of seconds\n{USAGE}"))?;
            }
            "--session-secs" => {
                o.session_secs = value()?
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("--session-secs is a number of seconds\n{USAGE}"))?;
            }
            _ => return Err(USAGE.to_owned()),
        }
    }
    Ok(o)
}

fn trust(anchors: &str) -> Result<Trust, String> {
    let builder = match anchors {
        "embedded" => Trust::builder().webeid_anchors(idbridge::anchors::ESTONIA),
        "test" => Trust::builder().webeid_anchors(idbridge::anchors::ESTONIA_TEST),
        file => {
            let der = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
            Trust::builder().webeid_anchor(&der)
        }
    };
    builder.and_then(|b| b.build()).map_err(|e| e.to_string())
}

/// The DER of every certificate in a PEM text (or the bytes, if DER).
fn certificates(bytes: &[u8]) -> Vec<Vec<u8>> {
    use base64::Engine as _;
    let Ok(text) = std::str::from_utf8(bytes) else {
        return vec![bytes.to_vec()];
    };
    let mut out = Vec::new();
    let mut b64: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if line == "-----BEGIN CERTIFICATE-----" {
            b64 = Some(String::new());
        } else if line == "-----END CERTIFICATE-----" {
            if let Some(s) = b64.take() {
                if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(s) {
                    out.push(der);
                }
            }
        } else if let Some(s) = b64.as_mut() {
            s.push_str(line);
        }
    }
    out
}

/// The OCSP issuers: the files given, else the anchors.
fn ocsp_issuers(o: &Options) -> Result<Vec<Vec<u8>>, String> {
    let mut issuers = Vec::new();
    let files: Vec<String> = if o.ocsp_issuers.is_empty() {
        match o.anchors.as_str() {
            "embedded" => {
                for a in idbridge::anchors::ESTONIA {
                    issuers.extend(certificates(a.pem.as_bytes()));
                }
                Vec::new()
            }
            "test" => {
                for a in idbridge::anchors::ESTONIA_TEST {
                    issuers.extend(certificates(a.pem.as_bytes()));
                }
                Vec::new()
            }
            file => vec![file.to_owned()],
        }
    } else {
        o.ocsp_issuers.clone()
    };
    for f in files {
        let bytes = std::fs::read(&f).map_err(|e| format!("{f}: {e}"))?;
        issuers.extend(certificates(&bytes));
    }
    Ok(issuers)
}

async fn run(o: Options) -> Result<(), String> {
    let trust = trust(&o.anchors)?;
    let store: AnyStore = match &o.redis {
        Some(url) => RedisStore::connect(
            // A Redis that starts after us is waited for, up to 30 s.
            RedisConfig::new(url.clone()).with_startup_wait(std::time::Duration::from_secs(30)),
        )
        .await
        .map_err(|e| e.to_string())?
        .into(),
        None => MemoryStore::with_capacity(o.ops.store_capacity).into(),
    };
    let memory = match &store {
        AnyStore::Memory(m) => Some(m.clone()),
        _ => None,
    };
    let stats = std::sync::Arc::new(Stats::default());
    let ops = Ops::with_sink(
        "webeid-login",
        o.ops.clone(),
        &["/challenge"],
        &["/login"],
        Sink::Stderr,
        Some(stats.clone()),
    );
    if let Some(m) = memory {
        // Expired sessions and nonces leave an idle server too: each second,
        // up to PURGE_EVERY_SECOND per shard (16 shards), short lock holds.
        tokio::spawn(purge_memory_store(
            m,
            std::time::Duration::from_secs(1),
            PURGE_EVERY_SECOND,
            ops.metrics.clone(),
        ));
    }
    let store = Timed::new(store, ops.metrics.clone());
    let sessions = Sessions::new(store.clone()).lifetime_secs(o.session_secs);
    let mut app = App::new(o.origin.clone(), trust, Challenges::new(store), sessions);
    if !o.ocsp_allow.is_empty() {
        let mut config = OcspConfig::new(ocsp_issuers(&o)?);
        config.allowed = o.ocsp_allow.clone();
        config.responder = o.ocsp_url.clone();
        config.timeout = std::time::Duration::from_secs(o.ocsp_timeout);
        config.max_age_secs = o.ocsp_max_age;
        app.ocsp = Some(OcspClient::new(config));
    }
    if let Some(f) = &o.web_eid_js {
        app.web_eid_js = Some(std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}"))?);
    }
    let listener = bind(&o.listen, o.serve.backlog)
        .await
        .map_err(|e| format!("{}: {e}", o.listen))?;
    eprintln!(
        "webeid-login: http://{} for origin {} (anchors: {}, nonces: {})",
        o.listen,
        o.origin,
        o.anchors,
        o.redis.as_deref().unwrap_or("in memory")
    );
    serve(listener, ops.wrap(app.router()), o.serve, stats, async {
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
            eprintln!("webeid-login: {e}");
            ExitCode::FAILURE
        }
    }
}
