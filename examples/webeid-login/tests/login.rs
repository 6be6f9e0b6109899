//! The login end to end over real HTTP: a server on a loopback port, a
//! token from the test PKI (idbridge-vectorgen's `TestCard`) for the nonce
//! the server issued, and the store: Redis at `REDIS_URL` when set (the
//! test command sets it), memory otherwise.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idbridge::Trust;
use idbridge_example_webeid_login::App;
use idbridge_store::session::{ReadableStore, Sessions};
use idbridge_store::webeid::Challenges;
use idbridge_store::{
    AnyStore, Inserted, ManualClock, MemoryStore, RedisConfig, RedisStore, SingleUseStore,
    UnixMillis,
};
use idbridge_vectorgen::{TestCard, ANCHOR_DER};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ORIGIN: &str = "https://rp.idbridge.test";

/// Counts the store operations (each one Redis round trip).
#[derive(Clone)]
struct Counting {
    inner: AnyStore,
    inserts: Arc<AtomicUsize>,
    takes: Arc<AtomicUsize>,
    gets: Arc<AtomicUsize>,
}

impl ReadableStore for Counting {
    async fn get(&self, key: &str, now: UnixMillis) -> idbridge_store::Result<Option<Vec<u8>>> {
        self.gets.fetch_add(1, Ordering::SeqCst);
        self.inner.get(key, now).await
    }
}

impl SingleUseStore for Counting {
    async fn insert_if_absent(
        &self,
        key: &str,
        value: &[u8],
        now: UnixMillis,
        expires_at: UnixMillis,
    ) -> idbridge_store::Result<Inserted> {
        self.inserts.fetch_add(1, Ordering::SeqCst);
        self.inner
            .insert_if_absent(key, value, now, expires_at)
            .await
    }

    async fn take(&self, key: &str, now: UnixMillis) -> idbridge_store::Result<Option<Vec<u8>>> {
        self.takes.fetch_add(1, Ordering::SeqCst);
        self.inner.take(key, now).await
    }
}

struct Server {
    addr: SocketAddr,
    clock: ManualClock,
    store: Counting,
}

async fn store() -> AnyStore {
    match std::env::var("REDIS_URL") {
        Ok(url) => {
            let mut config = RedisConfig::new(url);
            config.key_prefix = format!(
                "idbridge-test:webeid-login:{}:{}:",
                std::process::id(),
                wall().0
            );
            RedisStore::connect(config)
                .await
                .expect("REDIS_URL answers")
                .into()
        }
        Err(_) => MemoryStore::with_capacity(1_000).into(),
    }
}

fn wall() -> UnixMillis {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    UnixMillis(d.as_millis() as i64)
}

async fn start() -> Server {
    // The test certificate is valid until 2031-02-28; the clock starts at
    // the wall clock (Redis expires keys by its own) and moves when told.
    let clock = ManualClock::new(wall());
    assert!(
        clock_ok(&clock),
        "the test PKI's certificate has expired: regenerate it"
    );
    let store = Counting {
        inner: store().await,
        inserts: Arc::default(),
        takes: Arc::default(),
        gets: Arc::default(),
    };
    let trust = Trust::builder()
        .webeid_anchor(ANCHOR_DER)
        .unwrap()
        .build()
        .unwrap();
    let app = App::new(
        ORIGIN.to_owned(),
        trust,
        Challenges::with_clock(store.clone(), clock.clone()),
        Sessions::with_clock(store.clone(), clock.clone()),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app.router()).await.unwrap() });
    Server { addr, clock, store }
}

fn clock_ok(clock: &ManualClock) -> bool {
    use idbridge_store::Clock;
    clock.now() < UnixMillis(1_930_089_600_000) // 2031-03-01
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

    /// `name=value` of a Set-Cookie for `name`.
    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .filter_map(|(_, v)| v.split(';').next())
            .find(|kv| kv.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }
}

/// One HTTP/1.1 request on a fresh connection.
async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: &[u8],
) -> Reply {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: rp.idbridge.test\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !body.is_empty() {
        req.push_str("Content-Type: application/json\r\n");
    }
    if let Some(c) = cookie {
        req.push_str(&format!("Cookie: {c}\r\n"));
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
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    assert!(!headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v == "chunked"));
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// GET /challenge: the nonce and its cookie.
async fn challenge(srv: &Server) -> (String, String) {
    let r = http(srv.addr, "GET", "/challenge", None, b"").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let nonce = r.json()["nonce"].as_str().unwrap().to_owned();
    let cookie = r.set_cookie("webeid_nonce").unwrap();
    assert_eq!(cookie, format!("webeid_nonce={nonce}"));
    (nonce, cookie)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_logs_in_and_the_session_knows_who() {
    let srv = start().await;
    let page = http(srv.addr, "GET", "/", None, b"").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("fetch(\"/challenge\"") && page.body.contains("\"/login\""));

    let (nonce, cookie) = challenge(&srv).await;
    let token = TestCard::main().token(ORIGIN, &nonce);
    let r = http(srv.addr, "POST", "/login", Some(&cookie), &token).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let identity = r.json();
    assert_eq!(identity["system"], "webeid");
    assert_eq!(identity["subject_id"], "PNOEE-49003150230");
    assert_eq!(identity["given_name"], "MARI-ÄNN");
    assert_eq!(identity["family_name"], "KÕRVITS");
    let session = r.set_cookie("session").unwrap();

    let me = http(srv.addr, "GET", "/me", Some(&session), b"").await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json(), identity);
    let nobody = http(srv.addr, "GET", "/me", None, b"").await;
    assert_eq!(
        (nobody.status, nobody.json()["error"].as_str()),
        (401, Some("session.none"))
    );

    // One login: two inserts (the challenge, the session) and one take
    // (the login), that is three Redis round trips; /me reads the session
    // once (one GET).
    assert_eq!(srv.store.inserts.load(Ordering::SeqCst), 2);
    assert_eq!(srv.store.takes.load(Ordering::SeqCst), 1);
    assert_eq!(srv.store.gets.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_token_is_refused() {
    let srv = start().await;
    let (nonce, cookie) = challenge(&srv).await;
    let token = TestCard::main().token(ORIGIN, &nonce);
    assert_eq!(
        http(srv.addr, "POST", "/login", Some(&cookie), &token)
            .await
            .status,
        200
    );
    let again = http(srv.addr, "POST", "/login", Some(&cookie), &token).await;
    assert_eq!(
        (again.status, again.json()["error"].as_str()),
        (401, Some("store.not_issued"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_attempt_spends_the_nonce() {
    let srv = start().await;
    let (nonce, cookie) = challenge(&srv).await;
    let other_site = TestCard::main().token("https://evil.example", &nonce);
    let r = http(srv.addr, "POST", "/login", Some(&cookie), &other_site).await;
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (401, Some("webeid.signature.invalid"))
    );
    let good = TestCard::main().token(ORIGIN, &nonce);
    let r = http(srv.addr, "POST", "/login", Some(&cookie), &good).await;
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (401, Some("store.not_issued"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nonce_not_issued_here_or_missing_is_refused() {
    let srv = start().await;
    let forged = "A+n4OagGZruk8XYEl5FyPtaLI9Q7EilWaobazc04/5w=";
    let token = TestCard::main().token(ORIGIN, forged);
    let r = http(
        srv.addr,
        "POST",
        "/login",
        Some(&format!("webeid_nonce={forged}")),
        &token,
    )
    .await;
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (401, Some("store.not_issued"))
    );
    let r = http(srv.addr, "POST", "/login", None, &token).await;
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (401, Some("store.not_issued"))
    );
    // Two nonce cookies (one planted): refused before the store is asked.
    let (nonce, cookie) = challenge(&srv).await;
    let token = TestCard::main().token(ORIGIN, &nonce);
    let two = format!("{cookie}; webeid_nonce={forged}");
    let r = http(srv.addr, "POST", "/login", Some(&two), &token).await;
    assert_eq!(r.status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nonce_older_than_five_minutes_is_refused() {
    let srv = start().await;
    let (nonce, cookie) = challenge(&srv).await;
    srv.clock.advance_secs(300);
    let token = TestCard::main().token(ORIGIN, &nonce);
    let r = http(srv.addr, "POST", "/login", Some(&cookie), &token).await;
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (401, Some("store.not_issued"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_logins_with_one_nonce_exactly_one_succeeds() {
    let srv = start().await;
    let (nonce, cookie) = challenge(&srv).await;
    let token = TestCard::main().token(ORIGIN, &nonce);
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let (addr, cookie, token) = (srv.addr, cookie.clone(), token.clone());
            tokio::spawn(async move {
                http(addr, "POST", "/login", Some(&cookie), &token)
                    .await
                    .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 401),
        "{statuses:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_is_refused_before_the_store() {
    let srv = start().await;
    let (_, cookie) = challenge(&srv).await;
    let huge = vec![b'{'; 20_000];
    let r = http(srv.addr, "POST", "/login", Some(&cookie), &huge).await;
    assert_eq!(r.status, 413);
    assert_eq!(srv.store.takes.load(Ordering::SeqCst), 0);
}

/// Logs in with the main test card; the session cookie (`session=...`) and
/// the whole Set-Cookie header.
async fn login(srv: &Server) -> (String, String) {
    let (nonce, cookie) = challenge(srv).await;
    let token = TestCard::main().token(ORIGIN, &nonce);
    let r = http(srv.addr, "POST", "/login", Some(&cookie), &token).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let header = r
        .headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("session="))
        .map(|(_, v)| v.clone())
        .unwrap();
    (r.set_cookie("session").unwrap(), header)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_deletes_the_session_from_the_store_and_clears_the_cookie() {
    let srv = start().await;
    let (session, _) = login(&srv).await;
    assert_eq!(
        http(srv.addr, "GET", "/me", Some(&session), b"")
            .await
            .status,
        200
    );
    let takes = srv.store.takes.load(Ordering::SeqCst);
    let out = http(srv.addr, "POST", "/logout", Some(&session), b"").await;
    assert_eq!(out.status, 200, "{}", out.body);
    assert_eq!(out.json()["logged_out"], true);
    assert_eq!(out.set_cookie("session").as_deref(), Some("session="));
    assert!(out
        .headers
        .iter()
        .any(|(k, v)| k == "set-cookie" && v.starts_with("session=;") && v.contains("Max-Age=0")));
    // Deleted from the store (one take), not only from the browser: the
    // old cookie names no session any more, on any instance.
    assert_eq!(srv.store.takes.load(Ordering::SeqCst), takes + 1);
    let id = session.strip_prefix("session=").unwrap();
    let now = {
        use idbridge_store::Clock;
        srv.clock.now()
    };
    assert_eq!(
        srv.store
            .inner
            .get(&format!("session:{id}"), now)
            .await
            .unwrap(),
        None
    );
    let me = http(srv.addr, "GET", "/me", Some(&session), b"").await;
    assert_eq!(
        (me.status, me.json()["error"].as_str()),
        (401, Some("session.none"))
    );
    // A second logout, and one without a cookie: no session.
    for cookie in [Some(session.as_str()), None] {
        let again = http(srv.addr, "POST", "/logout", cookie, b"").await;
        assert_eq!(
            (again.status, again.json()["error"].as_str()),
            (401, Some("session.none"))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_expires_in_the_store_with_the_cookies_max_age() {
    let srv = start().await;
    let (session, header) = login(&srv).await;
    // The cookie's Max-Age is the session's lifetime in the store.
    assert!(header.contains("Max-Age=3600"), "{header}");
    srv.clock.advance_secs(3599);
    assert_eq!(
        http(srv.addr, "GET", "/me", Some(&session), b"")
            .await
            .status,
        200
    );
    srv.clock.advance_secs(1);
    let me = http(srv.addr, "GET", "/me", Some(&session), b"").await;
    assert_eq!(
        (me.status, me.json()["error"].as_str()),
        (401, Some("session.none"))
    );
    let out = http(srv.addr, "POST", "/logout", Some(&session), b"").await;
    assert_eq!(out.status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_sessions_give_their_memory_back() {
    // The memory store alone (Redis drops expired keys by its own clock).
    let clock = ManualClock::new(wall());
    let store = MemoryStore::with_capacity(10_000);
    let sessions = Sessions::with_clock(store.clone(), clock.clone()).lifetime_secs(60);
    for _ in 0..1_000 {
        sessions.open(&[b'x'; 1_000]).await.unwrap();
    }
    assert_eq!(store.len(), 1_000);
    clock.advance_secs(60);
    {
        use idbridge_store::Clock;
        let mut purged = 0;
        while purged < 1_000 {
            let n = store.purge_expired(clock.now(), 100);
            assert!(n > 0, "only {purged} of 1,000 expired sessions purged");
            purged += n;
        }
    }
    assert_eq!(store.len(), 0);
}

#[test]
fn the_listener_settings_are_flags_and_nonsense_is_refused() {
    for (flag, value) in [
        ("--max-connections", "0"),
        ("--header-read-timeout", "-1"),
        ("--idle-timeout", "soon"),
        ("--request-timeout", ""),
        ("--backlog", "99999999999"),
        ("--session-secs", "0"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_webeid-login"))
            .args([flag, value])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{flag} {value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flag), "{flag} {value}: {err}");
    }
}
