//! `webeid-login`: serves the Web eID login of `lib.rs`.
//!
//! ```text
//! webeid-login [--listen 127.0.0.1:8080] [--origin https://localhost:8443]
//!              [--redis redis://127.0.0.1:6379] [--anchors embedded|test|FILE]
//!              [--web-eid-js FILE] [--session-secs 3600]
//!              [--backlog 1024] [--max-connections 1024] [--header-read-timeout 10]
//!              [--idle-timeout 30] [--request-timeout 30]
//! ```
//!
//! The last five are the listener's limits (`idbridge_example_serve`:
//! listen backlog, connections served at once, and seconds).
//!
//! Without `--redis` the nonces and sessions live in this process (one
//! instance only). `--session-secs` is the session's lifetime in the store
//! and its cookie's `Max-Age` (default 3600).
//! Web eID needs HTTPS: put a TLS proxy for `--origin` in front of `--listen`.

use idbridge::Trust;
use idbridge_example_serve::{bind, serve, Settings, Stats};
use idbridge_example_webeid_login::App;
use idbridge_store::session::Sessions;
use idbridge_store::webeid::Challenges;
use idbridge_store::{AnyStore, MemoryStore, RedisConfig, RedisStore};
use std::process::ExitCode;

const USAGE: &str = "usage: webeid-login [--listen ADDR] [--origin https://HOST[:PORT]] [--redis URL] [--anchors embedded|test|FILE] [--web-eid-js FILE] [--session-secs N] [--backlog N] [--max-connections N] [--header-read-timeout S] [--idle-timeout S] [--request-timeout S]";

struct Options {
    listen: String,
    origin: String,
    redis: Option<String>,
    anchors: String,
    web_eid_js: Option<String>,
    session_secs: u32,
    serve: Settings,
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
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        if o.serve.flag(&flag, &mut value)? {
            continue;
        }
        match flag.as_str() {
            "--listen" => o.listen = value()?,
            "--origin" => o.origin = value()?,
            "--redis" => o.redis = Some(value()?),
            "--anchors" => o.anchors = value()?,
            "--web-eid-js" => o.web_eid_js = Some(value()?),
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
        None => MemoryStore::with_capacity(1_000_000).into(),
    };
    let sessions = Sessions::new(store.clone()).lifetime_secs(o.session_secs);
    let mut app = App::new(o.origin.clone(), trust, Challenges::new(store), sessions);
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
    let stats = std::sync::Arc::new(Stats::default());
    serve(listener, app.router(), o.serve, stats, async {
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
            eprintln!("webeid-login: {e}");
            ExitCode::FAILURE
        }
    }
}
