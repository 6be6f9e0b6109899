//! Operations for the example servers (issue 21, items 1 and 8): a
//! per-client budget on the routes that reserve store entries, `GET
//! /health`, `GET /metrics` (Prometheus text format), and structured,
//! rate-limited logs.
//!
//! | setting (flag) | default | what it does |
//! |---|---|---|
//! | [`OpsSettings::burst`] (`--rate-burst N`) | 100 | reservations one client may make at once |
//! | [`OpsSettings::per_minute`] (`--rate-per-minute N`) | 60 | reservations a client regains per minute |
//! | [`OpsSettings::max_clients`] (`--rate-clients N`) | 100,000 | clients tracked; beyond it new clients share one bucket |
//! | [`OpsSettings::client_ip_header`] (`--client-ip-header NAME`) | none | behind a proxy: the header it appends the client address to (`X-Forwarded-For`); the last address in it is the client |
//! | [`OpsSettings::trusted_proxies`] (`--trusted-proxy IP`, repeated) | any peer | the peers whose header is believed; from any other peer the header is ignored |
//! | [`OpsSettings::store_capacity`] (`--store-capacity N`) | 1,000,000 | entries of the in-memory store |
//! | [`OpsSettings::log_interval`] (`--log-interval SECS`) | 10 | one log line per event kind per interval; the rest are counted into the next line |
//!
//! A client is its IP address (an IPv6 client is its /64). With the
//! defaults one client holds at most 100 + 5 × 60 = 400 nonces at once
//! (a nonce lives 5 minutes): filling a 1,000,000-entry store takes 2,500
//! addresses. The budget is per instance: behind a load balancer with `N`
//! instances a client may get `N` times as much from a shared Redis.
//!
//! ```
//! use idbridge_example_serve::ops::{Ops, OpsSettings};
//! let ops = Ops::new("webeid-login", OpsSettings::default(), &["/challenge"], &["/login"]);
//! let router = ops.wrap(axum::Router::new());
//! # let _ = router;
//! ```

use crate::Stats;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use axum::middleware::Next;
use idbridge_store::session::ReadableStore;
use idbridge_store::{Inserted, SingleUseStore, UnixMillis};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The stable code of a refusal by the per-client budget (HTTP 429).
pub const RATE_LIMITED: &str = "rate.limited";

/// The error code a handler answered with, as a response extension: the
/// ops layer counts and logs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code(pub String);

/// A detail of that error (a message, not a code) for the log line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail(pub String);

/// The operations settings; see the table in the module documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpsSettings {
    /// Reservations one client may make at once (default 100).
    pub burst: u32,
    /// Reservations regained per minute (default 60).
    pub per_minute: u32,
    /// Clients tracked at once (default 100,000).
    pub max_clients: usize,
    /// The header a trusted proxy appends the client address to.
    pub client_ip_header: Option<HeaderName>,
    /// The proxies whose `client_ip_header` is believed (empty: any peer,
    /// for a server only the proxy can reach).
    pub trusted_proxies: Vec<IpAddr>,
    /// Entries of the in-memory store (default 1,000,000).
    pub store_capacity: usize,
    /// One log line per event kind per interval (default 10 s).
    pub log_interval: Duration,
}

impl Default for OpsSettings {
    fn default() -> Self {
        OpsSettings {
            burst: 100,
            per_minute: 60,
            max_clients: 100_000,
            client_ip_header: None,
            trusted_proxies: Vec::new(),
            store_capacity: 1_000_000,
            log_interval: Duration::from_secs(10),
        }
    }
}

impl OpsSettings {
    /// The flags [`OpsSettings::flag`] reads, for a usage line.
    pub const USAGE: &'static str = "[--rate-burst 100] [--rate-per-minute 60] [--rate-clients 100000] [--client-ip-header NAME] [--trusted-proxy IP]... [--store-capacity 1000000] [--log-interval 10]";

    /// Reads one flag of these settings: `Ok(false)` when `flag` is not
    /// one of them, an error for a bad value.
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
        let too_large = |_| format!("{flag} is too large");
        match flag {
            "--rate-burst" => {
                self.burst = u32::try_from(positive(flag, &value()?)?).map_err(too_large)?;
            }
            "--rate-per-minute" => {
                self.per_minute = u32::try_from(positive(flag, &value()?)?).map_err(too_large)?;
            }
            "--rate-clients" => {
                self.max_clients =
                    usize::try_from(positive(flag, &value()?)?).map_err(too_large)?;
            }
            "--store-capacity" => {
                self.store_capacity =
                    usize::try_from(positive(flag, &value()?)?).map_err(too_large)?;
            }
            "--log-interval" => {
                self.log_interval = Duration::from_secs(positive(flag, &value()?)?);
            }
            "--trusted-proxy" => {
                let v = value()?;
                self.trusted_proxies.push(
                    v.parse()
                        .map_err(|_| format!("{flag}: {v:?} is not an IP address"))?,
                );
            }
            "--client-ip-header" => {
                let v = value()?;
                self.client_ip_header = Some(
                    HeaderName::from_bytes(v.as_bytes())
                        .map_err(|_| format!("{flag}: {v:?} is not a header name"))?,
                );
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// The client a request counts against: the last address in the trusted
/// header when one is configured, the peer is one of `proxies` (or
/// `proxies` is empty) and the address parses; else the peer address. An
/// IPv6 address is cut to its /64.
pub fn client_of(
    peer: Option<IpAddr>,
    headers: &axum::http::HeaderMap,
    trusted: Option<&HeaderName>,
    proxies: &[IpAddr],
) -> IpAddr {
    let believed = proxies.is_empty() || peer.is_some_and(|p| proxies.contains(&p));
    let forwarded = trusted.filter(|_| believed).and_then(|name| {
        let last = headers.get_all(name).iter().next_back()?;
        let ip = last.to_str().ok()?.rsplit(',').next()?.trim();
        ip.parse::<IpAddr>().ok()
    });
    let ip = forwarded
        .or(peer)
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(bits))
            }
        },
        v4 => v4,
    }
}

/// A token is this many units; a client regains `per_minute` units a
/// millisecond (exact integer arithmetic).
const UNITS: u64 = 60_000;

#[derive(Clone, Copy, Debug)]
struct Bucket {
    units: u64,
    at: Instant,
}

/// Per-client token buckets, at most `max_clients` of them (plus one that
/// clients beyond the table share).
#[derive(Debug)]
pub struct RateLimit {
    burst: u64,
    per_minute: u64,
    max_clients: usize,
    table: Mutex<Table>,
}

#[derive(Debug)]
struct Table {
    buckets: HashMap<Option<IpAddr>, Bucket>,
    next_sweep: Option<Instant>,
}

impl RateLimit {
    /// Buckets of `burst` tokens refilled at `per_minute`.
    pub fn new(burst: u32, per_minute: u32, max_clients: usize) -> Self {
        RateLimit {
            burst: u64::from(burst.max(1)),
            per_minute: u64::from(per_minute),
            max_clients: max_clients.max(1),
            table: Mutex::new(Table {
                buckets: HashMap::new(),
                next_sweep: None,
            }),
        }
    }

    fn refill(&self, b: &mut Bucket, now: Instant) {
        let full = self.burst.saturating_mul(UNITS);
        let ms = u64::try_from(now.saturating_duration_since(b.at).as_millis()).unwrap_or(u64::MAX);
        b.units = b.units.saturating_add(ms.saturating_mul(self.per_minute));
        if b.units >= full {
            b.units = full;
            b.at = now;
        } else {
            b.at += Duration::from_millis(ms);
        }
    }

    /// Takes one token for `client` at `now`: `Ok(())`, or the seconds
    /// until the next one (for `Retry-After`).
    pub fn check_at(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        let mut t = self.table.lock().unwrap_or_else(|p| p.into_inner());
        let mut key = Some(client);
        if !t.buckets.contains_key(&key) && t.buckets.len() >= self.max_clients {
            // Full: forget the clients whose buckets have refilled, at most
            // once a second (a sweep is linear in the table).
            if t.next_sweep.is_none_or(|s| now >= s) {
                let full = self.burst.saturating_mul(UNITS);
                let mut buckets = std::mem::take(&mut t.buckets);
                buckets.retain(|k, b| {
                    self.refill(b, now);
                    k.is_none() || b.units < full
                });
                t.buckets = buckets;
                t.next_sweep = Some(now + Duration::from_secs(1));
            }
            if t.buckets.len() >= self.max_clients {
                key = None;
            }
        }
        let full = self.burst.saturating_mul(UNITS);
        let b = t.buckets.entry(key).or_insert(Bucket {
            units: full,
            at: now,
        });
        self.refill(b, now);
        if b.units >= UNITS {
            b.units -= UNITS;
            Ok(())
        } else {
            let missing = UNITS - b.units;
            let ms = missing.div_ceil(self.per_minute.max(1));
            Err(ms.div_ceil(1000).max(1))
        }
    }

    /// Clients tracked now.
    pub fn clients(&self) -> usize {
        self.table
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .buckets
            .len()
    }
}

/// Where log lines go.
#[derive(Debug)]
pub enum Sink {
    /// Standard error, one JSON object a line.
    Stderr,
    /// Kept in memory (tests).
    Memory(Mutex<Vec<String>>),
}

/// Structured logs, one JSON object a line, at most one line per event
/// kind (event and code) per interval: the lines held back are counted
/// into the next one (`"repeated"`) and into
/// `idbridge_log_lines_suppressed_total`.
#[derive(Debug)]
pub struct Log {
    service: &'static str,
    interval: Duration,
    sink: Sink,
    /// Per event kind: when it was last logged, lines held back since.
    kinds: Mutex<HashMap<LogKind, (Instant, u64)>>,
    suppressed: AtomicU64,
}

/// An event kind: the event and its code.
type LogKind = (&'static str, String);

/// Event kinds remembered for the rate limit; codes are a fixed set, so
/// this is never reached but bounds the table.
const MAX_LOG_KINDS: usize = 1024;

impl Log {
    /// Logs for `service` to `sink`.
    pub fn new(service: &'static str, interval: Duration, sink: Sink) -> Self {
        Log {
            service,
            interval,
            sink,
            kinds: Mutex::new(HashMap::new()),
            suppressed: AtomicU64::new(0),
        }
    }

    /// Logs one event (`level`: `info`, `warn`, `error`) with its stable
    /// code, unless one of its kind was logged within the interval.
    pub fn event(&self, level: &'static str, event: &'static str, code: &str, route: &str) {
        self.event_with(level, event, code, route, None);
    }

    /// As [`Log::event`], with a free-text `detail` in the line.
    pub fn event_with(
        &self,
        level: &'static str,
        event: &'static str,
        code: &str,
        route: &str,
        detail: Option<&str>,
    ) {
        let now = Instant::now();
        let repeated = {
            let mut kinds = self.kinds.lock().unwrap_or_else(|p| p.into_inner());
            let key = (event, code.to_owned());
            match kinds.get_mut(&key) {
                Some((last, held)) if now.saturating_duration_since(*last) < self.interval => {
                    *held = held.saturating_add(1);
                    self.suppressed.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                Some((last, held)) => {
                    *last = now;
                    std::mem::take(held)
                }
                None => {
                    if kinds.len() >= MAX_LOG_KINDS {
                        self.suppressed.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                    kinds.insert(key, (now, 0));
                    0
                }
            }
        };
        let mut line = serde_json::json!({
            "ts": wall_millis(),
            "level": level,
            "service": self.service,
            "event": event,
            "code": code,
            "route": route,
            "repeated": repeated,
        });
        if let (Some(d), Some(o)) = (detail, line.as_object_mut()) {
            o.insert("detail".to_owned(), d.into());
        }
        let line = line.to_string();
        match &self.sink {
            Sink::Stderr => {
                let _ = writeln!(std::io::stderr().lock(), "{line}");
            }
            Sink::Memory(lines) => lines.lock().unwrap_or_else(|p| p.into_inner()).push(line),
        }
    }

    /// The lines kept by a [`Sink::Memory`].
    pub fn lines(&self) -> Vec<String> {
        match &self.sink {
            Sink::Stderr => Vec::new(),
            Sink::Memory(lines) => lines.lock().unwrap_or_else(|p| p.into_inner()).clone(),
        }
    }

    /// Lines held back so far.
    pub fn suppressed(&self) -> u64 {
        self.suppressed.load(Ordering::Relaxed)
    }
}

fn wall_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Upper bounds (seconds) of the store latency histogram.
pub const STORE_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Debug, Default)]
struct Histogram {
    counts: [u64; STORE_BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Counters for `/metrics`.
#[derive(Debug, Default)]
pub struct Metrics {
    verifications: Mutex<BTreeMap<(String, &'static str, String), u64>>,
    rate_limited: AtomicU64,
    store: Mutex<BTreeMap<&'static str, Histogram>>,
    store_failures: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    store_writes: AtomicU64,
    /// Entries held by an in-memory store, when the server has one.
    store_entries: Mutex<Option<u64>>,
}

impl Metrics {
    /// Counts one verification on `route` (`ok` when `code` is `None`).
    pub fn verification(&self, route: &str, code: Option<&str>) {
        let result = if code.is_some() { "refused" } else { "ok" };
        let mut v = self.verifications.lock().unwrap_or_else(|p| p.into_inner());
        let n = v
            .entry((route.to_owned(), result, code.unwrap_or("").to_owned()))
            .or_default();
        *n = n.saturating_add(1);
    }

    /// Verifications counted on `route` with `code` (`""` for success).
    pub fn verifications(&self, route: &str, code: &str) -> u64 {
        let v = self.verifications.lock().unwrap_or_else(|p| p.into_inner());
        v.iter()
            .filter(|((r, _, c), _)| r == route && c == code)
            .map(|(_, n)| *n)
            .sum()
    }

    /// Requests refused by the per-client budget.
    pub fn rate_limited(&self) -> u64 {
        self.rate_limited.load(Ordering::Relaxed)
    }

    /// Store operations that write (insert, take), so far.
    pub fn store_writes(&self) -> u64 {
        self.store_writes.load(Ordering::Relaxed)
    }

    /// Sets the `idbridge_store_entries` gauge (entries an in-memory store
    /// holds, expired ones not yet purged included); not shown until set.
    pub fn set_store_entries(&self, n: u64) {
        *self.store_entries.lock().unwrap_or_else(|p| p.into_inner()) = Some(n);
    }

    /// The `idbridge_store_entries` gauge, if set.
    pub fn store_entries(&self) -> Option<u64> {
        *self.store_entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records one store operation `op` that took `took`.
    pub fn store_op(&self, op: &'static str, took: Duration, failure: Option<&'static str>) {
        let secs = took.as_secs_f64();
        {
            let mut s = self.store.lock().unwrap_or_else(|p| p.into_inner());
            let h = s.entry(op).or_default();
            for (bound, n) in STORE_BUCKETS.iter().zip(h.counts.iter_mut()) {
                if secs <= *bound {
                    *n = n.saturating_add(1);
                }
            }
            h.count = h.count.saturating_add(1);
            h.sum += secs;
        }
        if op != "get" {
            self.store_writes.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(code) = failure {
            let mut f = self
                .store_failures
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            let n = f.entry((op, code)).or_default();
            *n = n.saturating_add(1);
        }
    }
}

/// Escapes a Prometheus label value.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The ops layer: budget, health, metrics, logs.
#[derive(Debug)]
pub struct Ops {
    service: &'static str,
    settings: OpsSettings,
    limited: Vec<&'static str>,
    verifying: Vec<&'static str>,
    /// The per-client budget.
    pub limit: RateLimit,
    /// The counters behind `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The structured log.
    pub log: Log,
    /// The listener's counters, when the server has one.
    pub listener: Option<Arc<Stats>>,
}

impl Ops {
    /// Ops for `service`: `limited` are the paths that reserve store
    /// entries (budgeted per client), `verifying` the paths whose answers
    /// count as verifications. Logs go to standard error.
    pub fn new(
        service: &'static str,
        settings: OpsSettings,
        limited: &[&'static str],
        verifying: &[&'static str],
    ) -> Arc<Self> {
        Ops::with_sink(service, settings, limited, verifying, Sink::Stderr, None)
    }

    /// As [`Ops::new`], logging to `sink` and reporting `listener`'s counters.
    pub fn with_sink(
        service: &'static str,
        settings: OpsSettings,
        limited: &[&'static str],
        verifying: &[&'static str],
        sink: Sink,
        listener: Option<Arc<Stats>>,
    ) -> Arc<Self> {
        Arc::new(Ops {
            service,
            limit: RateLimit::new(settings.burst, settings.per_minute, settings.max_clients),
            log: Log::new(service, settings.log_interval, sink),
            limited: limited.to_vec(),
            verifying: verifying.to_vec(),
            metrics: Arc::default(),
            listener,
            settings,
        })
    }

    /// The settings.
    pub fn settings(&self) -> &OpsSettings {
        &self.settings
    }

    /// `router` with `GET /health`, `GET /metrics` and the ops layer
    /// around every route.
    pub fn wrap(self: &Arc<Self>, router: axum::Router) -> axum::Router {
        router.layer(axum::middleware::from_fn_with_state(self.clone(), layer))
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        let s = label(self.service);
        let mut out = String::new();
        let m = &self.metrics;
        let _ = writeln!(out, "# HELP idbridge_verifications_total Verifications answered, by route, result and error code.\n# TYPE idbridge_verifications_total counter");
        for ((route, result, code), n) in m
            .verifications
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "idbridge_verifications_total{{service=\"{s}\",route=\"{}\",result=\"{result}\",code=\"{}\"}} {n}",
                label(route),
                label(code)
            );
        }
        let _ = writeln!(out, "# HELP idbridge_rate_limited_total Requests refused by the per-client budget (429 rate.limited).\n# TYPE idbridge_rate_limited_total counter\nidbridge_rate_limited_total{{service=\"{s}\"}} {}", m.rate_limited());
        let _ = writeln!(out, "# HELP idbridge_rate_limit_clients Clients tracked by the per-client budget.\n# TYPE idbridge_rate_limit_clients gauge\nidbridge_rate_limit_clients{{service=\"{s}\"}} {}", self.limit.clients());
        let _ = writeln!(out, "# HELP idbridge_store_seconds Store operation latency.\n# TYPE idbridge_store_seconds histogram");
        for (op, h) in m.store.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            for (bound, n) in STORE_BUCKETS.iter().zip(h.counts.iter()) {
                let _ = writeln!(
                    out,
                    "idbridge_store_seconds_bucket{{service=\"{s}\",op=\"{op}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(out, "idbridge_store_seconds_bucket{{service=\"{s}\",op=\"{op}\",le=\"+Inf\"}} {c}\nidbridge_store_seconds_sum{{service=\"{s}\",op=\"{op}\"}} {sum}\nidbridge_store_seconds_count{{service=\"{s}\",op=\"{op}\"}} {c}", c = h.count, sum = h.sum);
        }
        let _ = writeln!(out, "# HELP idbridge_store_failures_total Store operations that failed, by operation and error code.\n# TYPE idbridge_store_failures_total counter");
        for ((op, code), n) in m
            .store_failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "idbridge_store_failures_total{{service=\"{s}\",op=\"{op}\",code=\"{}\"}} {n}",
                label(code)
            );
        }
        if let Some(n) = m.store_entries() {
            let _ = writeln!(out, "# HELP idbridge_store_entries Entries in the in-memory store (as of its last purge).\n# TYPE idbridge_store_entries gauge\nidbridge_store_entries{{service=\"{s}\"}} {n}");
        }
        if let Some(n) = crate::alloc::resident_bytes() {
            let _ = writeln!(out, "# HELP idbridge_allocator_resident_bytes Bytes in resident pages held by the allocator (jemalloc's stats.resident).\n# TYPE idbridge_allocator_resident_bytes gauge\nidbridge_allocator_resident_bytes{{service=\"{s}\"}} {n}");
        }
        let _ = writeln!(out, "# HELP idbridge_log_lines_suppressed_total Log lines held back by the log rate limit.\n# TYPE idbridge_log_lines_suppressed_total counter\nidbridge_log_lines_suppressed_total{{service=\"{s}\"}} {}", self.log.suppressed());
        if let Some(l) = &self.listener {
            for (name, kind, help, v) in [
                (
                    "connections_accepted_total",
                    "counter",
                    "Connections accepted.",
                    l.accepted(),
                ),
                (
                    "connections_active",
                    "gauge",
                    "Connections open now.",
                    l.active() as u64,
                ),
                (
                    "connections_header_timeouts_total",
                    "counter",
                    "Connections closed by the header-read timeout.",
                    l.header_timeouts(),
                ),
                (
                    "connections_idle_timeouts_total",
                    "counter",
                    "Connections closed by the idle timeout.",
                    l.idle_timeouts(),
                ),
                (
                    "accept_errors_total",
                    "counter",
                    "Failed accept calls.",
                    l.accept_errors(),
                ),
            ] {
                let _ = writeln!(out, "# HELP idbridge_{name} {help}\n# TYPE idbridge_{name} {kind}\nidbridge_{name}{{service=\"{s}\"}} {v}");
            }
        }
        out
    }
}

fn plain(status: StatusCode, content_type: &'static str, body: String) -> Response<Body> {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn layer(
    axum::extract::State(ops): axum::extract::State<Arc<Ops>>,
    req: Request<Body>,
    next: Next,
) -> Response<Body> {
    let path = req.uri().path().to_owned();
    if req.method() == Method::GET || req.method() == Method::HEAD {
        // Neither touches the store.
        match path.as_str() {
            "/health" => {
                return plain(
                    StatusCode::OK,
                    "application/json",
                    "{\"status\":\"ok\"}".to_owned(),
                )
            }
            "/metrics" => {
                return plain(
                    StatusCode::OK,
                    "text/plain; version=0.0.4; charset=utf-8",
                    ops.render(),
                )
            }
            _ => {}
        }
    }
    let route = ops.limited.iter().find(|p| **p == path).copied();
    if let Some(route) = route {
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let client = client_of(
            peer,
            req.headers(),
            ops.settings.client_ip_header.as_ref(),
            &ops.settings.trusted_proxies,
        );
        if let Err(retry) = ops.limit.check_at(client, Instant::now()) {
            ops.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
            ops.log.event("warn", "refused", RATE_LIMITED, route);
            let mut r = plain(
                StatusCode::TOO_MANY_REQUESTS,
                "application/json",
                format!("{{\"error\":\"{RATE_LIMITED}\"}}"),
            );
            if let Ok(v) = HeaderValue::from_str(&retry.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return r;
        }
    }
    let response = next.run(req).await;
    let code = response.extensions().get::<Code>().map(|c| c.0.clone());
    let detail = response.extensions().get::<Detail>().map(|d| d.0.as_str());
    let known = ops
        .verifying
        .iter()
        .chain(ops.limited.iter())
        .find(|p| **p == path)
        .copied();
    if let Some(route) = known {
        if ops.verifying.contains(&route) {
            ops.metrics.verification(route, code.as_deref());
        }
        if let Some(code) = &code {
            let level = if response.status().is_server_error() {
                "error"
            } else {
                "info"
            };
            ops.log.event_with(level, "refused", code, route, detail);
        }
    } else if let Some(code) = &code {
        ops.log.event_with("info", "refused", code, "other", detail);
    }
    response
}

/// A store that times every operation into [`Metrics`] (latency by
/// operation, failures by code, writes).
#[derive(Clone, Debug)]
pub struct Timed<S> {
    inner: S,
    metrics: Arc<Metrics>,
}

impl<S> Timed<S> {
    /// Times `inner` into `metrics`.
    pub fn new(inner: S, metrics: Arc<Metrics>) -> Self {
        Timed { inner, metrics }
    }
}

async fn timed<T>(
    metrics: &Metrics,
    op: &'static str,
    f: impl std::future::Future<Output = idbridge_store::Result<T>>,
) -> idbridge_store::Result<T> {
    let start = Instant::now();
    let r = f.await;
    let failure = r.as_ref().err().map(idbridge_store::Error::code);
    metrics.store_op(op, start.elapsed(), failure);
    r
}

impl<S: SingleUseStore> SingleUseStore for Timed<S> {
    async fn insert_if_absent(
        &self,
        key: &str,
        value: &[u8],
        now: UnixMillis,
        expires_at: UnixMillis,
    ) -> idbridge_store::Result<Inserted> {
        timed(
            &self.metrics,
            "insert",
            self.inner.insert_if_absent(key, value, now, expires_at),
        )
        .await
    }

    async fn take(&self, key: &str, now: UnixMillis) -> idbridge_store::Result<Option<Vec<u8>>> {
        timed(&self.metrics, "take", self.inner.take(key, now)).await
    }
}

impl<S: ReadableStore> ReadableStore for Timed<S> {
    async fn get(&self, key: &str, now: UnixMillis) -> idbridge_store::Result<Option<Vec<u8>>> {
        timed(&self.metrics, "get", self.inner.get(key, now)).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn a_bucket_gives_its_burst_then_one_per_refill() {
        let l = RateLimit::new(5, 60, 10);
        let t0 = Instant::now();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let ok = (0..20).filter(|_| l.check_at(a, t0).is_ok()).count();
        assert_eq!(ok, 5);
        assert_eq!(l.check_at(a, t0), Err(1));
        // One token a second at 60 a minute: after 3 s, 3 more.
        let t3 = t0 + Duration::from_secs(3);
        let ok = (0..20).filter(|_| l.check_at(a, t3).is_ok()).count();
        assert_eq!(ok, 3);
        // Another client is untouched.
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(l.check_at(b, t3).is_ok());
    }

    #[test]
    fn many_small_steps_still_refill() {
        let l = RateLimit::new(1, 60, 10);
        let t0 = Instant::now();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(l.check_at(a, t0).is_ok());
        // 1,000 calls 1 ms apart: exactly one second, one token.
        let ok = (1..=1000)
            .filter(|i| l.check_at(a, t0 + Duration::from_millis(*i)).is_ok())
            .count();
        assert_eq!(ok, 1);
    }

    #[test]
    fn the_table_is_bounded_and_new_clients_share_one_bucket_beyond_it() {
        let l = RateLimit::new(2, 1, 100);
        let t0 = Instant::now();
        for i in 0..1000u32 {
            let ip = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            let _ = l.check_at(ip, t0);
        }
        assert!(l.clients() <= 101, "{}", l.clients());
    }

    #[test]
    fn an_ipv6_client_is_its_64_and_the_forwarded_header_counts_only_when_trusted() {
        let mut h = axum::http::HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.9, 198.51.100.7"),
        );
        let peer: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(client_of(Some(peer), &h, None, &[]), peer);
        let name = HeaderName::from_static("x-forwarded-for");
        assert_eq!(
            client_of(Some(peer), &h, Some(&name), &[]),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        h.insert("x-forwarded-for", HeaderValue::from_static("nonsense"));
        assert_eq!(client_of(Some(peer), &h, Some(&name), &[]), peer);
        // From a peer that is not a trusted proxy, the header is ignored.
        h.insert("x-forwarded-for", HeaderValue::from_static("198.51.100.7"));
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        assert_eq!(client_of(Some(peer), &h, Some(&name), &[proxy]), peer);
        assert_eq!(
            client_of(Some(proxy), &h, Some(&name), &[proxy]),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(
            client_of(Some(a), &h, None, &[]),
            client_of(Some(b), &h, None, &[])
        );
    }

    #[test]
    fn a_flood_of_one_event_logs_one_line_then_the_count() {
        let log = Log::new(
            "t",
            Duration::from_secs(3600),
            Sink::Memory(Mutex::default()),
        );
        for _ in 0..10_000 {
            log.event("warn", "refused", "store.full", "/challenge");
        }
        log.event("warn", "refused", "rate.limited", "/challenge");
        let lines = log.lines();
        assert_eq!(lines.len(), 2);
        assert_eq!(log.suppressed(), 9_999);
        let first: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
        assert_eq!(first["code"], "store.full");
        assert_eq!(first["level"], "warn");
        let log = Log::new(
            "t",
            Duration::from_millis(0),
            Sink::Memory(Mutex::default()),
        );
        log.event("warn", "refused", "store.full", "/c");
        log.event("warn", "refused", "store.full", "/c");
        assert_eq!(log.lines().len(), 2);
    }
}
