//! `oidc-rp`: serves the relying party of `lib.rs`.
//!
//! ```text
//! oidc-rp --client-id http://127.0.0.1:8011 --trust-anchor http://127.0.0.1:8000
//!         --trust-anchor-jwks FILE --op http://127.0.0.1:8002/oidc/op
//!         [--keys DIR] [--listen 127.0.0.1:PORT] [--acr SpidLn]... [--min-level SpidLn]
//!         [--system spid|cie] [--claims spid|cie] [--scope S] [--name NAME]
//!         [--contact ADDR] [--clock-skew SECS] [--userinfo-iss-aud-optional]
//!         [--trust-marks FILE] [--ca-bundle PEM] [--redis URL] [--insecure-test-hooks]
//!         [--backlog 1024] [--max-connections 1024] [--header-read-timeout 10]
//!         [--idle-timeout 30] [--request-timeout 30]
//!         [--rate-burst 100] [--rate-per-minute 60] [--rate-clients 100000]
//!         [--client-ip-header NAME] [--trusted-proxy IP]... [--store-capacity 1000000]
//!         [--log-interval 10]
//! oidc-rp --print-jwks [--keys DIR]
//! ```
//!
//! `--backlog` .. `--request-timeout` are the listener's limits
//! (`idbridge_example_serve`: listen backlog, connections served at once,
//! and seconds).
//!
//! The `--rate-*`, `--client-ip-header`, `--trusted-proxy`, `--store-capacity` and
//! `--log-interval` flags are `idbridge_example_serve::ops`: a per-client
//! budget on `GET /login` (each reserves a store entry), the in-memory
//! store's capacity, and one log line per kind of refusal per interval.
//! `GET /health` and `GET /metrics` (Prometheus text) are served too.
//!
//! `--listen` defaults to the host and port of `--client-id`. `--keys`
//! (default `oidc-rp-keys`) holds the three RSA keys, made on first start.
//! `--trust-anchor-jwks` is the trust anchor's federation JWK Set (trust
//! material: configure it, do not fetch it at login). `--trust-marks` is a
//! JSON array `[{"id": …, "trust_mark": …}]` to republish.
//! Outgoing requests (federation documents, token, UserInfo) go through
//! `idbridge-fetch`: HTTPS with the roots of `--ca-bundle` (none by default,
//! so HTTPS fails closed until one is given), and plain http to loopback
//! hosts, where this example's local peers run.
//! `--print-jwks` prints the federation JWK Set (for `onboard.sh --jwks`).
//! `--acr` (repeatable; default SpidL2) and `--min-level` (default: the
//! lowest requested) take `SpidL1`..`SpidL3`; `--system` (default spid) is
//! the scheme the identity is reported under, `--claims` (default: as
//! `--system`) which claim names are requested. `--userinfo-iss-aud-optional`
//! accepts a UserInfo JWS without `iss`/`aud` (the reference OP omits them;
//! checked when present). `--insecure-test-hooks` (builds with the feature
//! of that name only) lets `/login?test_hook=…` provoke the negative
//! end-to-end cases: never in a service.

use idbridge::jose::JwkSet;
use idbridge::oidc::rp::SpidLevel;
use idbridge::System;
use idbridge_example_oidc_rp::{keys::RpKeys, App, RpConfig};
use idbridge_example_serve::ops::{Ops, OpsSettings, Sink, Timed};
use idbridge_example_serve::{bind, serve, Settings, Stats};
use idbridge_fetch::{roots_from_pem, FetchPolicy, Fetcher, RootCertStore};
use idbridge_store::{AnyStore, MemoryStore, RedisConfig, RedisStore, SystemClock};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: oidc-rp --client-id URL --trust-anchor URL --trust-anchor-jwks FILE --op URL [--keys DIR] [--listen ADDR] [--acr SpidLn]... [--min-level SpidLn] [--system spid|cie] [--claims spid|cie] [--scope S] [--name NAME] [--contact ADDR] [--clock-skew SECS] [--userinfo-iss-aud-optional] [--trust-marks FILE] [--ca-bundle PEM] [--redis URL] [--insecure-test-hooks] [--backlog N] [--max-connections N] [--header-read-timeout S] [--idle-timeout S] [--request-timeout S] [--rate-burst N] [--rate-per-minute N] [--rate-clients N] [--client-ip-header NAME] [--trusted-proxy IP]... [--store-capacity N] [--log-interval S]\n       oidc-rp --print-jwks [--keys DIR]";

struct Options {
    listen: Option<String>,
    client_id: Option<String>,
    trust_anchor: Option<String>,
    trust_anchor_jwks: Option<String>,
    op: Option<String>,
    keys: PathBuf,
    acr: Vec<SpidLevel>,
    min_level: Option<SpidLevel>,
    system: System,
    claims: Option<System>,
    scope: String,
    name: String,
    contact: String,
    clock_skew: u32,
    userinfo_iss_aud_optional: bool,
    trust_marks: Option<String>,
    ca_bundle: Option<String>,
    redis: Option<String>,
    test_hooks: bool,
    print_jwks: bool,
    serve: Settings,
    ops: OpsSettings,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        listen: None,
        client_id: None,
        trust_anchor: None,
        trust_anchor_jwks: None,
        op: None,
        keys: PathBuf::from("oidc-rp-keys"),
        acr: Vec::new(),
        min_level: None,
        system: System::Spid,
        claims: None,
        scope: "openid".into(),
        name: "idbridge example RP".into(),
        contact: "ops@example.invalid".into(),
        clock_skew: 0,
        userinfo_iss_aud_optional: false,
        trust_marks: None,
        ca_bundle: None,
        redis: None,
        test_hooks: false,
        print_jwks: false,
        serve: Settings::default(),
        ops: OpsSettings::default(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--insecure-test-hooks" => {
                if !cfg!(feature = "insecure-test-hooks") {
                    return Err(
                        "--insecure-test-hooks needs a build with the insecure-test-hooks feature"
                            .into(),
                    );
                }
                o.test_hooks = true;
                continue;
            }
            "--print-jwks" => {
                o.print_jwks = true;
                continue;
            }
            "--userinfo-iss-aud-optional" => {
                o.userinfo_iss_aud_optional = true;
                continue;
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            _ => {}
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        if o.serve.flag(&flag, || Ok(value.clone()))? || o.ops.flag(&flag, || Ok(value.clone()))? {
            continue;
        }
        match flag.as_str() {
            "--listen" => o.listen = Some(value),
            "--client-id" => o.client_id = Some(value.trim_end_matches('/').to_owned()),
            "--trust-anchor" => o.trust_anchor = Some(value),
            "--trust-anchor-jwks" => o.trust_anchor_jwks = Some(value),
            "--op" => o.op = Some(value),
            "--keys" => o.keys = PathBuf::from(value),
            "--acr" => o.acr.push(level(&value)?),
            "--min-level" => o.min_level = Some(level(&value)?),
            "--system" => o.system = system(&value)?,
            "--claims" => o.claims = Some(system(&value)?),
            "--scope" => o.scope = value,
            "--ca-bundle" => o.ca_bundle = Some(value),
            "--name" => o.name = value,
            "--contact" => o.contact = value,
            "--clock-skew" => {
                o.clock_skew = value
                    .parse()
                    .map_err(|_| format!("--clock-skew {value}: not a number of seconds"))?
            }
            "--trust-marks" => o.trust_marks = Some(value),
            "--redis" => o.redis = Some(value),
            _ => return Err(USAGE.to_owned()),
        }
    }
    if o.acr.is_empty() {
        o.acr.push(SpidLevel::L2);
    }
    Ok(o)
}

fn level(s: &str) -> Result<SpidLevel, String> {
    SpidLevel::from_name(s)
        .or_else(|| SpidLevel::from_acr(s))
        .ok_or_else(|| format!("{s}: not SpidL1, SpidL2 or SpidL3"))
}

fn system(s: &str) -> Result<System, String> {
    match s {
        "spid" => Ok(System::Spid),
        "cie" => Ok(System::Cie),
        _ => Err(format!("{s}: not spid or cie")),
    }
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{path}: {e}"))
}

fn trust_marks(path: &str) -> Result<Vec<(String, String)>, String> {
    let v: serde_json::Value =
        serde_json::from_slice(&read(path)?).map_err(|e| format!("{path}: {e}"))?;
    let items = v
        .as_array()
        .ok_or_else(|| format!("{path}: not a JSON array"))?;
    items
        .iter()
        .map(|t| {
            match (
                t.get("id").and_then(|x| x.as_str()),
                t.get("trust_mark").and_then(|x| x.as_str()),
            ) {
                (Some(id), Some(tm)) => Ok((id.to_owned(), tm.to_owned())),
                _ => Err(format!("{path}: an entry lacks id or trust_mark")),
            }
        })
        .collect()
}

fn required(v: Option<String>, flag: &str) -> Result<String, String> {
    v.ok_or_else(|| format!("{flag} is required\n{USAGE}"))
}

async fn run(o: Options) -> Result<(), String> {
    let keys = RpKeys::load_or_create(&o.keys)?;
    if o.print_jwks {
        println!("{{\"keys\":[{}]}}", keys.federation.jwk().to_json());
        return Ok(());
    }
    let client_id = required(o.client_id, "--client-id")?;
    let ta_jwks_file = required(o.trust_anchor_jwks, "--trust-anchor-jwks")?;
    let trust_anchor_jwks =
        JwkSet::from_json(&read(&ta_jwks_file)?).map_err(|e| format!("{ta_jwks_file}: {e}"))?;
    let listen = match o.listen {
        Some(l) => l,
        None => listen_address(&client_id).ok_or_else(|| {
            format!("--client-id {client_id} is not http://127.0.0.1:PORT: give --listen")
        })?,
    };
    let config = RpConfig {
        client_id,
        name: o.name,
        contact: o.contact,
        trust_anchor: required(o.trust_anchor, "--trust-anchor")?,
        trust_anchor_jwks,
        op: required(o.op, "--op")?,
        min_level: o
            .min_level
            .or_else(|| o.acr.iter().min().copied())
            .unwrap_or(SpidLevel::L2),
        acr_values: o.acr,
        system: o.system,
        claims: o.claims.unwrap_or(o.system),
        clock_skew_seconds: o.clock_skew,
        userinfo_iss_aud_optional: o.userinfo_iss_aud_optional,
        scope: o.scope,
        trust_marks: match &o.trust_marks {
            Some(p) => trust_marks(p)?,
            None => Vec::new(),
        },
    };
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
    let stats = std::sync::Arc::new(Stats::default());
    let ops = Ops::with_sink(
        "oidc-rp",
        o.ops.clone(),
        &["/login"],
        &["/callback"],
        Sink::Stderr,
        Some(stats.clone()),
    );
    let store = Timed::new(store, ops.metrics.clone());
    eprintln!(
        "oidc-rp: {} on http://{listen} (OP {}, trust anchor {}, states: {}){}",
        config.client_id,
        config.op,
        config.trust_anchor,
        o.redis.as_deref().unwrap_or("in memory"),
        if o.test_hooks {
            "; INSECURE TEST HOOKS ON"
        } else {
            ""
        }
    );
    let roots = match &o.ca_bundle {
        Some(p) => roots_from_pem(&read(p)?).map_err(|e| format!("{p}: {e}"))?,
        None => RootCertStore::empty(),
    };
    let http = Fetcher::new(roots, FetchPolicy::default().loopback(true));
    let app = App {
        config,
        keys,
        store,
        clock: SystemClock,
        http,
        test_hooks: o.test_hooks,
        op_cache: tokio::sync::Mutex::new(None),
    };
    let listener = bind(&listen, o.serve.backlog)
        .await
        .map_err(|e| format!("{listen}: {e}"))?;
    serve(listener, ops.wrap(app.router()), o.serve, stats, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| e.to_string())
}

/// `127.0.0.1:PORT` from a client id `http://127.0.0.1:PORT[/…]`.
fn listen_address(client_id: &str) -> Option<String> {
    let rest = client_id.strip_prefix("http://127.0.0.1:")?;
    let port = rest.split('/').next()?;
    let n: u16 = port.parse().ok().filter(|n| *n != 0)?;
    (port.bytes().all(|b| b.is_ascii_digit())).then(|| format!("127.0.0.1:{n}"))
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
            eprintln!("oidc-rp: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::listen_address;

    #[test]
    fn the_listen_address_comes_from_a_loopback_client_id() {
        assert_eq!(
            listen_address("http://127.0.0.1:8011").as_deref(),
            Some("127.0.0.1:8011")
        );
        assert_eq!(
            listen_address("http://127.0.0.1:8011/rp").as_deref(),
            Some("127.0.0.1:8011")
        );
        for bad in [
            "https://127.0.0.1:8011",
            "http://127.0.0.1.evil:1",
            "http://127.0.0.1:0",
            "http://127.0.0.1:+1",
            "http://127.0.0.1:99999",
        ] {
            assert_eq!(listen_address(bad), None, "{bad}");
        }
    }
}
