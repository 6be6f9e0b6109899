//! Operations over real HTTP (issue 21, items 1 and 8): the per-client
//! budget on `GET /challenge`, `GET /health`, `GET /metrics`, and the
//! rate-limited log. The server runs on `idbridge_example_serve::serve`
//! (which tells the handlers each peer's address); clients connect from
//! distinct loopback addresses (127.0.0.2, 127.0.0.3, ...). Outcomes are
//! counted, never timed. The first test runs on Redis when `REDIS_URL` is
//! set (the budget is per instance, the same on either store).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use axum::http::HeaderName;
use idbridge::Trust;
use idbridge_example_serve::ops::{Ops, OpsSettings, Sink, Timed};
use idbridge_example_serve::{serve, Settings, Stats};
use idbridge_example_webeid_login::App;
use idbridge_store::session::Sessions;
use idbridge_store::webeid::Challenges;
use idbridge_store::{AnyStore, ManualClock, MemoryStore, RedisConfig, RedisStore, UnixMillis};
use idbridge_vectorgen::{TestCard, ANCHOR_DER};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ORIGIN: &str = "https://rp.idbridge.test";

struct Server {
    addr: SocketAddr,
    ops: Arc<Ops>,
    memory: MemoryStore,
}

fn wall() -> UnixMillis {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    UnixMillis(d.as_millis() as i64)
}

async fn start(settings: OpsSettings) -> Server {
    start_on(settings, false).await
}

/// On Redis at `REDIS_URL` when `redis` and that is set (the budget is
/// the instance's, whatever the store), else memory.
async fn start_on(settings: OpsSettings, redis: bool) -> Server {
    let memory = MemoryStore::with_capacity(settings.store_capacity);
    let backend: AnyStore = match std::env::var("REDIS_URL") {
        Ok(url) if redis => {
            let mut config = RedisConfig::new(url);
            config.key_prefix = format!(
                "idbridge-test:webeid-ops:{}:{}:",
                std::process::id(),
                wall().0
            );
            RedisStore::connect(config)
                .await
                .expect("REDIS_URL answers")
                .into()
        }
        _ => memory.clone().into(),
    };
    let stats = Arc::new(Stats::default());
    let ops = Ops::with_sink(
        "webeid-login",
        settings,
        &["/challenge"],
        &["/login"],
        Sink::Memory(Mutex::default()),
        Some(stats.clone()),
    );
    let store = Timed::new(backend, ops.metrics.clone());
    let clock = ManualClock::new(wall());
    let trust = Trust::builder()
        .webeid_anchor(ANCHOR_DER)
        .unwrap()
        .build()
        .unwrap();
    let app = App::new(
        ORIGIN.to_owned(),
        trust,
        Challenges::with_clock(store.clone(), clock.clone()),
        Sessions::with_clock(store, clock),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = ops.wrap(app.router());
    tokio::spawn(async move {
        serve(
            listener,
            router,
            Settings::default(),
            stats,
            std::future::pending(),
        )
        .await
        .unwrap()
    });
    Server { addr, ops, memory }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("JSON: {}", self.body))
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .filter_map(|(_, v)| v.split(';').next())
            .find(|kv| kv.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }
}

/// One HTTP/1.1 request from the loopback address `from`.
async fn http(
    srv: &Server,
    from: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::new(from.parse::<IpAddr>().unwrap(), 0))
        .unwrap();
    let mut s = socket.connect(srv.addr).await.unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: rp.idbridge.test\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    s.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// `count` challenges from `from` (16 at a time): the statuses and error
/// codes seen, counted.
async fn flood(
    srv: &'static Server,
    from: &'static str,
    headers: &'static [(&'static str, &'static str)],
    count: usize,
) -> std::collections::BTreeMap<(u16, String), usize> {
    let mut seen = std::collections::BTreeMap::new();
    let mut left = count;
    while left > 0 {
        let n = left.min(16);
        left -= n;
        let replies =
            futures_join((0..n).map(|_| http(srv, from, "GET", "/challenge", headers, b""))).await;
        for r in replies {
            let code = if r.status == 200 {
                String::new()
            } else {
                if r.status == 429 {
                    assert!(r.header("retry-after").is_some());
                }
                r.json()["error"].as_str().unwrap().to_owned()
            };
            *seen.entry((r.status, code)).or_default() += 1;
        }
    }
    seen
}

async fn futures_join<F: std::future::Future<Output = Reply> + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<Reply> {
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// Challenge then login from `from`: the login's reply.
async fn challenge_and_login(srv: &Server, from: &str, headers: &[(&str, &str)]) -> Reply {
    let r = http(srv, from, "GET", "/challenge", headers, b"").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let nonce = r.json()["nonce"].as_str().unwrap().to_owned();
    let cookie = r.set_cookie("webeid_nonce").unwrap();
    let token = TestCard::main().token(ORIGIN, &nonce);
    let mut h = headers.to_vec();
    h.push(("Cookie", &cookie));
    h.push(("Content-Type", "application/json"));
    http(srv, from, "POST", "/login", &h, &token).await
}

fn count(
    seen: &std::collections::BTreeMap<(u16, String), usize>,
    status: u16,
    code: &str,
) -> usize {
    seen.get(&(status, code.to_owned())).copied().unwrap_or(0)
}

fn lines_with(ops: &Ops, code: &str) -> usize {
    ops.log
        .lines()
        .iter()
        .filter(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["code"] == code
        })
        .count()
}

// Spawned requests need 'static: the server handle is shared.
fn shared(srv: Server) -> &'static Server {
    Box::leak(Box::new(srv))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_client_gets_429_and_another_client_still_logs_in() {
    // A store of 1,000 and a budget of 50 (one more a minute): the flood
    // cannot fill it.
    let redis = std::env::var("REDIS_URL").is_ok();
    let srv = shared(
        start_on(
            OpsSettings {
                burst: 50,
                per_minute: 1,
                store_capacity: 1_000,
                log_interval: std::time::Duration::from_secs(3600),
                ..OpsSettings::default()
            },
            true,
        )
        .await,
    );
    let seen = flood(srv, "127.0.0.2", &[], 1_500).await;
    let ok = count(&seen, 200, "");
    let limited = count(&seen, 429, "rate.limited");
    assert!((50..=51).contains(&ok), "{seen:?}");
    assert_eq!(ok + limited, 1_500, "{seen:?}");
    // Only the budget reached the store: one insert per nonce issued.
    assert_eq!(
        srv.ops.metrics.store_writes() as usize,
        ok,
        "redis: {redis}"
    );
    assert!(srv.memory.len() <= 51);

    // Another client: challenge and login both succeed.
    let r = challenge_and_login(srv, "127.0.0.3", &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["subject_id"], "PNOEE-49003150230");

    // The log: one line for ~1,450 refusals; the rest are counted.
    assert_eq!(lines_with(&srv.ops, "rate.limited"), 1);
    assert_eq!(srv.ops.log.suppressed() as usize, limited - 1);
    assert_eq!(srv.ops.metrics.rate_limited() as usize, limited);
    assert_eq!(srv.ops.metrics.verifications("/login", ""), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_budget_the_flood_fills_the_store_and_the_log_stays_bounded() {
    // The control: a budget larger than the store lets one client lock
    // everyone out (503 store.full) — what the budget prevents. The log
    // still says it once per interval, not once per refusal.
    let srv = shared(
        start(OpsSettings {
            burst: 10_000,
            store_capacity: 100,
            log_interval: std::time::Duration::from_secs(3600),
            ..OpsSettings::default()
        })
        .await,
    );
    let seen = flood(srv, "127.0.0.2", &[], 400).await;
    assert_eq!(count(&seen, 200, ""), 100, "{seen:?}");
    assert_eq!(count(&seen, 503, "store.full"), 300, "{seen:?}");
    let r = http(srv, "127.0.0.3", "GET", "/challenge", &[], b"").await;
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (503, Some("store.full"))
    );
    assert_eq!(lines_with(&srv.ops, "store.full"), 1);
    let line: serde_json::Value = serde_json::from_str(&srv.ops.log.lines()[0]).unwrap();
    assert_eq!(line["level"], "error");
    assert_eq!(line["route"], "/challenge");
    let metrics = http(srv, "127.0.0.3", "GET", "/metrics", &[], b"")
        .await
        .body;
    assert!(
        metrics.contains(
            "idbridge_store_failures_total{service=\"webeid-login\",op=\"insert\",code=\"store.full\"} 301"
        ),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_proxy_the_trusted_header_names_the_client_and_is_ignored_otherwise() {
    let settings = OpsSettings {
        burst: 20,
        per_minute: 1,
        client_ip_header: Some(HeaderName::from_static("x-forwarded-for")),
        ..OpsSettings::default()
    };
    let srv = shared(start(settings.clone()).await);
    // Every request comes from the proxy (127.0.0.1); the header tells.
    const FLOODER: &[(&str, &str)] = &[("X-Forwarded-For", "203.0.113.66, 198.51.100.1")];
    let seen = flood(srv, "127.0.0.1", FLOODER, 200).await;
    assert!((20..=21).contains(&count(&seen, 200, "")), "{seen:?}");
    let r = challenge_and_login(srv, "127.0.0.1", &[("X-Forwarded-For", "198.51.100.2")]).await;
    assert_eq!(r.status, 200, "{}", r.body);

    // Without the setting, a client that invents the header is still
    // itself: rotating it buys nothing.
    let srv = shared(
        start(OpsSettings {
            client_ip_header: None,
            ..settings
        })
        .await,
    );
    let mut ok = 0;
    for i in 0..100 {
        let fake = format!("198.51.100.{i}");
        let r = http(
            srv,
            "127.0.0.2",
            "GET",
            "/challenge",
            &[("X-Forwarded-For", &fake)],
            b"",
        )
        .await;
        ok += usize::from(r.status == 200);
    }
    assert!((20..=21).contains(&ok), "{ok}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_writes_nothing_to_the_store_and_metrics_count_by_result_and_code() {
    let srv = shared(start(OpsSettings::default()).await);
    for _ in 0..200 {
        let r = http(srv, "127.0.0.2", "GET", "/health", &[], b"").await;
        assert_eq!((r.status, r.body.as_str()), (200, "{\"status\":\"ok\"}"));
    }
    let m = http(srv, "127.0.0.2", "GET", "/metrics", &[], b"").await;
    assert_eq!(m.status, 200);
    assert!(m
        .header("content-type")
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    assert_eq!(srv.ops.metrics.store_writes(), 0);
    assert!(srv.memory.is_empty());
    assert!(
        !m.body.contains("idbridge_store_seconds_count"),
        "{}",
        m.body
    );

    // One login, one refused (a token for another nonce), one not issued.
    assert_eq!(challenge_and_login(srv, "127.0.0.2", &[]).await.status, 200);
    let r = http(srv, "127.0.0.2", "GET", "/challenge", &[], b"").await;
    let cookie = r.set_cookie("webeid_nonce").unwrap();
    let token = TestCard::main().token(ORIGIN, "another-nonce-another-nonce-another-nonce-00");
    let refused = http(
        srv,
        "127.0.0.2",
        "POST",
        "/login",
        &[("Cookie", &cookie)],
        &token,
    )
    .await;
    assert_eq!(refused.status, 401);
    let code = refused.json()["error"].as_str().unwrap().to_owned();
    let none = http(srv, "127.0.0.2", "POST", "/login", &[], b"{}").await;
    assert_eq!(none.status, 401);

    let body = http(srv, "127.0.0.2", "GET", "/metrics", &[], b"")
        .await
        .body;
    for line in [
        "idbridge_verifications_total{service=\"webeid-login\",route=\"/login\",result=\"ok\",code=\"\"} 1".to_owned(),
        format!("idbridge_verifications_total{{service=\"webeid-login\",route=\"/login\",result=\"refused\",code=\"{code}\"}} 1"),
        "idbridge_verifications_total{service=\"webeid-login\",route=\"/login\",result=\"refused\",code=\"store.not_issued\"} 1".to_owned(),
        // Two challenges and one session: three inserts; two takes.
        "idbridge_store_seconds_count{service=\"webeid-login\",op=\"insert\"} 3".to_owned(),
        "idbridge_store_seconds_count{service=\"webeid-login\",op=\"take\"} 2".to_owned(),
        "idbridge_store_seconds_bucket{service=\"webeid-login\",op=\"take\",le=\"+Inf\"} 2".to_owned(),
        "idbridge_rate_limited_total{service=\"webeid-login\"} 0".to_owned(),
        "# TYPE idbridge_store_seconds histogram".to_owned(),
        "# TYPE idbridge_connections_active gauge".to_owned(),
    ] {
        assert!(body.lines().any(|l| l == line), "{line}\n{body}");
    }
    // Every sample line is `name{labels} value`.
    for l in body.lines().filter(|l| !l.starts_with('#')) {
        let (_, value) = l.rsplit_once(' ').unwrap();
        assert!(value.parse::<f64>().is_ok(), "{l}");
    }
}

#[test]
fn the_ops_settings_are_flags_and_nonsense_is_refused() {
    let mut s = OpsSettings::default();
    let v = |x: &str| {
        let x = x.to_owned();
        move || Ok::<_, String>(x)
    };
    assert_eq!(s.flag("--rate-burst", v("5")), Ok(true));
    assert_eq!(s.flag("--rate-per-minute", v("7")), Ok(true));
    assert_eq!(s.flag("--store-capacity", v("1234")), Ok(true));
    assert_eq!(s.flag("--client-ip-header", v("X-Forwarded-For")), Ok(true));
    assert_eq!(s.flag("--listen", v("x")), Ok(false));
    assert_eq!((s.burst, s.per_minute, s.store_capacity), (5, 7, 1234));
    assert_eq!(
        s.client_ip_header.as_ref().map(HeaderName::as_str),
        Some("x-forwarded-for")
    );
    assert!(s.flag("--rate-burst", v("0")).is_err());
    assert!(s.flag("--store-capacity", v("-1")).is_err());
    assert!(s.flag("--client-ip-header", v("bad header")).is_err());
    assert_eq!(s.flag("--trusted-proxy", v("10.0.0.1")), Ok(true));
    assert_eq!(
        s.trusted_proxies,
        vec!["10.0.0.1".parse::<IpAddr>().unwrap()]
    );
    assert!(s.flag("--trusted-proxy", v("proxy.example")).is_err());
}
