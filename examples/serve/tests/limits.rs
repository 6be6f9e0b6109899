//! The listener's limits, over real loopback connections. Every assertion
//! counts outcomes (served, dropped, refused, peak connections); the
//! clock only paces the clients (a byte a second) and bounds the waits.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use axum::routing::{get, post};
use axum::Router;
use idbridge_example_serve::{bind, serve, Settings, Stats};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

fn router() -> Router {
    Router::new().route("/", get(|| async { "ok" })).route(
        "/echo",
        post(|body: axum::body::Bytes| async move { body.len().to_string() }),
    )
}

async fn start(settings: Settings) -> (SocketAddr, Arc<Stats>) {
    let listener = bind("127.0.0.1:0", settings.backlog).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let stats = Arc::new(Stats::default());
    let s = stats.clone();
    tokio::spawn(async move {
        serve(listener, router(), settings, s, std::future::pending())
            .await
            .unwrap()
    });
    (addr, stats)
}

/// Waits (boundedly) until `done` holds: the server counts a closed
/// connection just after the client sees it close.
async fn eventually(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("never: {what}");
}

fn settings() -> Settings {
    Settings {
        header_read_timeout: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(60),
        request_timeout: Duration::from_secs(60),
        ..Settings::default()
    }
}

/// What a client saw.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// The status line's code.
    Answered(u16),
    /// The server closed the connection without an answer.
    Closed,
}

/// Reads until the server closes (or `limit` passes: a panic).
async fn outcome(s: &mut TcpStream, limit: Duration) -> Outcome {
    let mut raw = Vec::new();
    let read = tokio::time::timeout(limit, s.read_to_end(&mut raw)).await;
    let Ok(_) = read else {
        panic!("the server neither answered nor closed within {limit:?}");
    };
    status(&raw)
}

fn status(raw: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(raw);
    match text.strip_prefix("HTTP/1.1 ") {
        Some(rest) => Outcome::Answered(rest.get(..3).unwrap().parse().unwrap()),
        None => Outcome::Closed,
    }
}

/// Sends `bytes` one a second until the server closes the connection or
/// answers; how many bytes it took, and what was seen.
async fn trickle(s: &mut TcpStream, bytes: &[u8]) -> (usize, Outcome) {
    let mut buf = [0u8; 1024];
    let mut seen = Vec::new();
    for (i, b) in bytes.iter().enumerate() {
        if s.write_all(&[*b]).await.is_err() {
            return (i, Outcome::Closed);
        }
        // The pause between bytes: a second of listening.
        match tokio::time::timeout(Duration::from_secs(1), s.read(&mut buf)).await {
            Err(_) => continue,
            Ok(Ok(0)) | Ok(Err(_)) => return (i + 1, status(&seen)),
            Ok(Ok(n)) => {
                seen.extend_from_slice(&buf[..n]);
                let _ = s.read_to_end(&mut seen).await;
                return (i + 1, status(&seen));
            }
        }
    }
    (bytes.len(), outcome(s, Duration::from_secs(30)).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_sending_a_byte_a_second_is_dropped_after_the_header_timeout() {
    let (addr, stats) = start(Settings {
        header_read_timeout: Duration::from_secs(2),
        ..settings()
    })
    .await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    let (sent, seen) = trickle(&mut s, GET).await;
    assert_ne!(seen, Outcome::Answered(200), "a slow head was served");
    assert!(
        sent < GET.len(),
        "the whole head went through ({sent} bytes)"
    );
    eventually("one header timeout", || stats.header_timeouts() == 1).await;
    assert_eq!(stats.idle_timeouts(), 0);
    // A normal client is served by the same server.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(GET).await.unwrap();
    assert_eq!(
        outcome(&mut s, Duration::from_secs(30)).await,
        Outcome::Answered(200)
    );
    // The wait for a kept-alive connection's next request is a head being
    // read too: it ends at the header timeout (well before the idle one).
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = s.read(&mut buf).await.unwrap();
    assert_eq!(status(&buf[..n]), Outcome::Answered(200));
    assert_eq!(
        outcome(&mut s, Duration::from_secs(30)).await,
        Outcome::Closed
    );
    eventually("two header timeouts", || stats.header_timeouts() == 2).await;
    assert_eq!(stats.idle_timeouts(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_idle_between_requests_is_closed() {
    let (addr, stats) = start(Settings {
        idle_timeout: Duration::from_secs(2),
        ..settings()
    })
    .await;
    // A kept-alive connection: one request answered, then silence.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = s.read(&mut buf).await.unwrap();
    assert_eq!(status(&buf[..n]), Outcome::Answered(200));
    assert_eq!(
        outcome(&mut s, Duration::from_secs(30)).await,
        Outcome::Closed
    );
    // A body that stops half-way: the connection is closed, nothing served.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc")
        .await
        .unwrap();
    let seen = outcome(&mut s, Duration::from_secs(30)).await;
    assert_ne!(seen, Outcome::Answered(200));
    eventually("two idle timeouts", || stats.idle_timeouts() == 2).await;
    assert_eq!(stats.header_timeouts(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_trickled_in_gets_408_at_the_request_timeout() {
    let (addr, _) = start(Settings {
        request_timeout: Duration::from_secs(2),
        ..settings()
    })
    .await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 60\r\n\r\n")
        .await
        .unwrap();
    let (sent, seen) = trickle(&mut s, &[b'x'; 60]).await;
    assert_eq!(seen, Outcome::Answered(408));
    assert!(sent < 60, "the whole body went through");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_the_cap_new_clients_wait_and_are_served_once_slow_ones_are_dropped() {
    let cap = 4;
    let (addr, stats) = start(Settings {
        max_connections: cap,
        header_read_timeout: Duration::from_secs(2),
        ..settings()
    })
    .await;
    // Three times the cap of slow clients, each sending one byte of a head.
    let mut slow = Vec::new();
    for _ in 0..3 * cap {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"G").await.unwrap();
        slow.push(s);
    }
    // Then a normal client: queued behind them, served once slots free up.
    let good = tokio::spawn(async move {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(GET).await.unwrap();
        outcome(&mut s, Duration::from_secs(60)).await
    });
    assert_eq!(good.await.unwrap(), Outcome::Answered(200));
    // Every slow client was dropped without an answer.
    for s in &mut slow {
        assert_eq!(outcome(s, Duration::from_secs(60)).await, Outcome::Closed);
    }
    assert!(stats.peak() <= cap, "{} connections at once", stats.peak());
    assert_eq!(stats.accepted(), 3 * cap as u64 + 1);
    let slow = 3 * cap as u64;
    eventually("every slow client timed out", || {
        stats.header_timeouts() == slow
    })
    .await;
}

/// Connections that complete their handshake while the server is busy
/// (its one slot taken), out of `n` opened at once.
async fn queued(backlog: u32, n: usize) -> usize {
    let (addr, _) = start(Settings {
        backlog,
        max_connections: 1,
        ..settings()
    })
    .await;
    // The one slot: a connection that sends nothing for a minute.
    let _busy = TcpStream::connect(addr).await.unwrap();
    let mut tasks = Vec::new();
    for _ in 0..n {
        tasks.push(tokio::spawn(async move {
            tokio::time::timeout(Duration::from_secs(3), TcpStream::connect(addr)).await
        }));
    }
    let mut connected = Vec::new();
    for t in tasks {
        if let Ok(Ok(s)) = t.await.unwrap() {
            connected.push(s);
        }
    }
    connected.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_listen_backlog_queues_a_burst_of_connections() {
    // 600 simultaneous connections to a server that takes none of them
    // yet: the default backlog (1024) queues them all; a backlog of 16
    // (the kernel allows one more) leaves most of them unconnected.
    assert_eq!(Settings::default().backlog, 1024);
    assert_eq!(queued(1024, 600).await, 600);
    let small = queued(16, 600).await;
    assert!(small < 100, "{small} of 600 connected with a backlog of 16");
}

#[test]
fn the_settings_flags_parse_and_refuse_nonsense() {
    let mut s = Settings::default();
    assert!(s.flag("--max-connections", || Ok("10".into())).unwrap());
    assert!(s.flag("--header-read-timeout", || Ok("3".into())).unwrap());
    assert!(s.flag("--idle-timeout", || Ok("4".into())).unwrap());
    assert!(s.flag("--request-timeout", || Ok("5".into())).unwrap());
    assert!(s.flag("--backlog", || Ok("2048".into())).unwrap());
    assert_eq!(
        s,
        Settings {
            backlog: 2048,
            max_connections: 10,
            header_read_timeout: Duration::from_secs(3),
            idle_timeout: Duration::from_secs(4),
            request_timeout: Duration::from_secs(5),
        }
    );
    assert!(!s.flag("--listen", || Ok("x".into())).unwrap());
    for bad in ["0", "-1", "x", ""] {
        assert!(
            s.flag("--idle-timeout", || Ok(bad.into())).is_err(),
            "{bad}"
        );
    }
    assert!(s.flag("--backlog", || Ok("99999999999".into())).is_err());
}
