//! Finding a Redis for the tests: `REDIS_URL` when set (the test command
//! starts one on a loopback port), otherwise a `redis-server` child of the
//! test itself when one is on PATH, otherwise the test is skipped with a
//! message, unless `IDBRIDGE_REQUIRE_REDIS=1`, which turns the skip into a
//! failure (the test command sets it).

#![allow(dead_code)] // each test file uses part of this

use idbridge_store::{RedisConfig, RedisStore, UnixMillis};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn required() -> bool {
    std::env::var("IDBRIDGE_REQUIRE_REDIS").is_ok_and(|v| v == "1")
}

pub fn skip(test: &str, why: &str) {
    assert!(!required(), "{test}: {why}, and IDBRIDGE_REQUIRE_REDIS=1");
    // Written to stderr directly, past the test harness's capture, so that
    // a skip is seen in an ordinary `cargo test` run.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {why} (set REDIS_URL, or install redis-server)"
    );
}

/// Whether `redis-server` can be run.
pub fn redis_server_available() -> bool {
    Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A `redis-server` child on a loopback port, without persistence; killed
/// when dropped.
pub struct OwnedRedis {
    pub port: u16,
    child: Option<Child>,
}

impl OwnedRedis {
    /// Starts one on a free port, or `None` (after the skip message) when
    /// there is no `redis-server`.
    pub fn start(test: &str) -> Option<OwnedRedis> {
        if !redis_server_available() {
            skip(test, "no redis-server on PATH");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut r = OwnedRedis { port, child: None };
        r.restart();
        Some(r)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills the server (SIGKILL: no goodbye to the clients).
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it again on the same port (empty: no persistence) and waits
    /// until it answers.
    pub fn restart(&mut self) {
        self.kill();
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server");
        self.child = Some(child);
        wait_until_up(self.port);
    }
}

impl Drop for OwnedRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

fn wait_until_up(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if ping(port) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "redis-server on port {port} did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn ping(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    let mut buf = [0u8; 7];
    s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
}

/// The Redis the shared tests use: `REDIS_URL`, or a child of this test.
pub struct TestRedis {
    pub url: String,
    _owned: Option<OwnedRedis>,
}

impl TestRedis {
    pub fn get(test: &str) -> Option<TestRedis> {
        if let Ok(url) = std::env::var("REDIS_URL") {
            return Some(TestRedis { url, _owned: None });
        }
        let owned = OwnedRedis::start(test)?;
        Some(TestRedis {
            url: owned.url(),
            _owned: Some(owned),
        })
    }

    /// A store on this Redis whose keys no other test shares.
    pub async fn store(&self, test: &str) -> RedisStore {
        let mut config = RedisConfig::new(self.url.clone());
        config.key_prefix = unique_prefix(test);
        RedisStore::connect(config)
            .await
            .expect("connect to the test Redis")
    }
}

/// `idbridge-test:<test>:<pid>:<nanos>:`.
pub fn unique_prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("idbridge-test:{test}:{}:{nanos}:", std::process::id())
}

/// The wall clock, as the stores count time.
pub fn wall() -> UnixMillis {
    UnixMillis(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    )
}
