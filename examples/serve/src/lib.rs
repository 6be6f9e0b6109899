//! The HTTP/1.1 listener the example servers share (`webeid-login`,
//! `spid-acs`, `oidc-rp`), in place of `axum::serve`, with the limits a
//! server facing the Internet needs (issue 21, item 2):
//!
//! | setting | default | what it bounds |
//! |---|---|---|
//! | [`Settings::backlog`] | 1024 | connections the kernel queues before we accept them (the system caps it at `net.core.somaxconn`) |
//! | [`Settings::max_connections`] | 1024 | connections served at once; beyond it new ones wait in the backlog (accepted as slots free up), never starving: every slot is freed within the timeouts below |
//! | [`Settings::header_read_timeout`] | 10 s | the whole request head (line and headers) from its first byte, and the wait for the next request on a kept-alive connection: a client sending a byte a second is dropped |
//! | [`Settings::idle_timeout`] | 30 s | a connection on which nothing is read or written for that long (a stalled body, a client that stops reading its answer) |
//! | [`Settings::request_timeout`] | 30 s | one request from its head to the handler's answer (a body trickled in slowly): 408 |
//!
//! Each connection holds one slot of [`Settings::max_connections`] until it
//! closes; the file-descriptor limit (`ulimit -n`) must be above the cap.
//! [`Stats`] counts what happened, for tests and metrics. Each request
//! carries its peer address as `axum::extract::ConnectInfo<SocketAddr>`.
//! [`ops`] adds the per-client budget, `/health`, `/metrics` and
//! structured logs.
//!
//! ```no_run
//! # async fn run(router: axum::Router) -> std::io::Result<()> {
//! use idbridge_example_serve::{bind, serve, Settings, Stats};
//! let settings = Settings::default();
//! let listener = bind("127.0.0.1:8080", settings.backlog).await?;
//! let stats = std::sync::Arc::new(Stats::default());
//! serve(listener, router, settings, stats, std::future::pending()).await
//! # }
//! ```

pub mod alloc;
pub mod ops;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::Semaphore;

/// The listener's limits; see the table in the crate documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The listen backlog (default 1024).
    pub backlog: u32,
    /// Connections served at once (default 1024).
    pub max_connections: usize,
    /// The request head, from its first byte (default 10 s).
    pub header_read_timeout: Duration,
    /// No byte read or written on a connection (default 30 s).
    pub idle_timeout: Duration,
    /// One request, head to answer (default 30 s).
    pub request_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            backlog: 1024,
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(30),
        }
    }
}

impl Settings {
    /// Reads one command-line flag of these settings (`--backlog N`,
    /// `--max-connections N`, `--header-read-timeout SECS`,
    /// `--idle-timeout SECS`, `--request-timeout SECS`): `Ok(false)` when
    /// `flag` is not one of them, an error for a value that is not a
    /// positive number.
    pub fn flag(
        &mut self,
        flag: &str,
        value: impl FnOnce() -> Result<String, String>,
    ) -> Result<bool, String> {
        fn positive(flag: &str, v: &str) -> Result<u64, String> {
            v.parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{flag} is a positive whole number, not {v:?}"))
        }
        let secs = |v: String| positive(flag, &v).map(Duration::from_secs);
        match flag {
            "--backlog" => {
                let n = positive(flag, &value()?)?;
                self.backlog = u32::try_from(n).map_err(|_| format!("{flag} is too large"))?;
            }
            "--max-connections" => {
                let n = positive(flag, &value()?)?;
                self.max_connections =
                    usize::try_from(n).map_err(|_| format!("{flag} is too large"))?;
            }
            "--header-read-timeout" => self.header_read_timeout = secs(value()?)?,
            "--idle-timeout" => self.idle_timeout = secs(value()?)?,
            "--request-timeout" => self.request_timeout = secs(value()?)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The flags [`Settings::flag`] reads, for a usage line.
    pub const USAGE: &'static str = "[--backlog 1024] [--max-connections 1024] [--header-read-timeout 10] [--idle-timeout 30] [--request-timeout 30]";
}

/// What the listener did, counted (never timed).
#[derive(Debug, Default)]
pub struct Stats {
    accepted: AtomicU64,
    active: AtomicUsize,
    peak: AtomicUsize,
    header_timeouts: AtomicU64,
    idle_timeouts: AtomicU64,
    accept_errors: AtomicU64,
}

impl Stats {
    /// Connections accepted so far.
    pub fn accepted(&self) -> u64 {
        self.accepted.load(Ordering::SeqCst)
    }
    /// Connections open now.
    pub fn active(&self) -> usize {
        self.active.load(Ordering::SeqCst)
    }
    /// The most connections open at once so far (at most the cap).
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
    /// Connections closed by the header-read timeout.
    pub fn header_timeouts(&self) -> u64 {
        self.header_timeouts.load(Ordering::SeqCst)
    }
    /// Connections closed by the idle timeout.
    pub fn idle_timeouts(&self) -> u64 {
        self.idle_timeouts.load(Ordering::SeqCst)
    }
    /// Failed `accept` calls (e.g. out of file descriptors), each retried.
    pub fn accept_errors(&self) -> u64 {
        self.accept_errors.load(Ordering::SeqCst)
    }
}

/// Binds `addr` (an `IP:PORT`) with `SO_REUSEADDR` and a listen `backlog`.
pub async fn bind(addr: &str, backlog: u32) -> io::Result<TcpListener> {
    let mut last = None;
    for a in tokio::net::lookup_host(addr).await? {
        let socket = if a.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        match socket.bind(a).and_then(|()| socket.listen(backlog)) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address to bind")))
}

/// Serves `router` on `listener` within `settings` until `shutdown`
/// completes (then stops accepting; open connections are dropped with the
/// runtime). Errors only when the listener itself fails for good.
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    settings: Settings,
    stats: Arc<Stats>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(settings.max_connections.max(1)));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A slot first: beyond the cap, connections wait in the backlog.
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.map_err(io::Error::other)?,
            () = &mut shutdown => return Ok(()),
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(accepted) => accepted,
                Err(_) => {
                    // Out of descriptors or a connection reset before we
                    // took it: count, breathe, go on.
                    stats.accept_errors.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
        };
        stats.accepted.fetch_add(1, Ordering::SeqCst);
        let now = stats
            .active
            .fetch_add(1, Ordering::SeqCst)
            .saturating_add(1);
        stats.peak.fetch_max(now, Ordering::SeqCst);
        let router = router.clone();
        let stats = stats.clone();
        tokio::spawn(async move {
            let _ = stream.set_nodelay(true);
            let io = TokioIo::new(Idle::new(stream, settings.idle_timeout, stats.clone()));
            let request_timeout = settings.request_timeout;
            let service =
                hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
                    let router = router.clone();
                    // The peer address, for the per-client budget (`ops`).
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    async move {
                        Ok::<_, std::convert::Infallible>(
                            answer(router, req, request_timeout).await,
                        )
                    }
                });
            let result = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(settings.header_read_timeout)
                .serve_connection(io, service)
                .await;
            if let Err(e) = result {
                if e.is_timeout() && !is_idle(&e) {
                    stats.header_timeouts.fetch_add(1, Ordering::SeqCst);
                }
            }
            stats.active.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
        });
    }
}

/// The router's answer within `limit`, else 408.
async fn answer(
    mut router: axum::Router,
    req: Request<hyper::body::Incoming>,
    limit: Duration,
) -> Response<Body> {
    use tower_service::Service;
    let call = async {
        std::future::poll_fn(|cx| {
            <axum::Router as Service<Request<Body>>>::poll_ready(&mut router, cx)
        })
        .await?;
        Service::<Request<Body>>::call(&mut router, req.map(Body::new)).await
    };
    match tokio::time::timeout(limit, call).await {
        Ok(Ok(r)) => r,
        Ok(Err(never)) => match never {},
        Err(_) => {
            let mut r = Response::new(Body::from("{\"error\":\"request.timeout\"}"));
            *r.status_mut() = StatusCode::REQUEST_TIMEOUT;
            let h = r.headers_mut();
            h.insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
            h.insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/json"),
            );
            r
        }
    }
}

fn is_idle(e: &hyper::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<io::Error>() {
            return io.kind() == io::ErrorKind::TimedOut;
        }
        source = s.source();
    }
    false
}

/// An I/O stream that fails with `TimedOut` once nothing was read or
/// written on it for `timeout` while the server waited on it.
struct Idle<T> {
    io: T,
    timeout: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
    stats: Arc<Stats>,
    counted: bool,
}

impl<T> Idle<T> {
    fn new(io: T, timeout: Duration, stats: Arc<Stats>) -> Self {
        Idle {
            io,
            timeout,
            deadline: Box::pin(tokio::time::sleep(timeout)),
            stats,
            counted: false,
        }
    }

    fn progress(&mut self) {
        let next = tokio::time::Instant::now() + self.timeout;
        self.deadline.as_mut().reset(next);
    }

    /// Whether the deadline passed (counted once per connection).
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        let expired = self.deadline.as_mut().poll(cx).is_ready();
        if expired && !self.counted {
            self.counted = true;
            self.stats.idle_timeouts.fetch_add(1, Ordering::SeqCst);
        }
        expired
    }
}

fn idle_error() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "connection idle")
}

impl<T: AsyncRead + Unpin> AsyncRead for Idle<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(r) => {
                this.progress();
                Poll::Ready(r)
            }
            Poll::Pending if this.expired(cx) => Poll::Ready(Err(idle_error())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Idle<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.io).poll_write(cx, buf) {
            Poll::Ready(r) => {
                this.progress();
                Poll::Ready(r)
            }
            Poll::Pending if this.expired(cx) => Poll::Ready(Err(idle_error())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.io).poll_flush(cx) {
            Poll::Pending if this.expired(cx) => Poll::Ready(Err(idle_error())),
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
