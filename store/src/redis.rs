//! The Redis single-use store: shared by every instance behind a load
//! balancer. One round trip per operation: `SET key value NX PXAT ms` to
//! remember, `GETDEL key` to take (both Redis 6.2 or later).

use crate::clock::UnixMillis;
use crate::error::{Error, ErrorKind, Result};
use crate::store::{check_key, Inserted, SingleUseStore};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How to reach Redis.
///
/// ```
/// use idbridge_store::RedisConfig;
/// use std::time::Duration;
/// let config = RedisConfig::new("rediss://idbridge:s3cret@redis.internal:6380/0")
///     .with_connections(8)
///     .with_timeout(Duration::from_millis(500))
///     .with_key_prefix("portal:");
/// assert_eq!(config.connections, 8);
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct RedisConfig {
    /// `redis://[user:password@]host:port[/db]`, or `rediss://…` for TLS
    /// (feature `redis-tls`, on by default). A user name selects a Redis 6
    /// ACL user (`AUTH user password`); a password alone authenticates the
    /// `default` user.
    pub url: String,
    /// How many multiplexed connections to open and use in turn (each one
    /// pipelines the commands of many tasks; default 4).
    pub connections: usize,
    /// Prepended to every key, to share a Redis with other applications
    /// (default `idbridge:`).
    pub key_prefix: String,
    /// The most one operation may take, connecting included (default 1 s):
    /// past it the operation fails with `store.unavailable`.
    pub timeout: Duration,
    /// For `rediss://`: the CA certificates (PEM) that may sign the
    /// server's certificate, instead of the system's roots.
    pub tls_ca_pem: Option<Vec<u8>>,
    /// For `rediss://` with client authentication (`tls-auth-clients yes`):
    /// the client's certificate chain and private key, both PEM.
    pub tls_client_pem: Option<(Vec<u8>, Vec<u8>)>,
    /// After an operation finds Redis unreachable (refused, timed out),
    /// the following operations fail at once with `store.unavailable` for
    /// this long instead of each waiting for the timeout (default 250 ms;
    /// zero turns the breaker off). Logins fail fast during an outage and
    /// a flood of them does not pile up waiting tasks.
    pub breaker: Duration,
    /// How long [`RedisStore::connect`] keeps trying while Redis refuses
    /// connections (a service started before its Redis; default zero:
    /// fail at once). Bad URLs and refused credentials are never retried.
    pub startup_wait: Duration,
}

impl core::fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RedisConfig")
            .field("url", &redact(&self.url))
            .field("connections", &self.connections)
            .field("key_prefix", &self.key_prefix)
            .field("timeout", &self.timeout)
            .field("tls_ca_pem", &self.tls_ca_pem.as_ref().map(Vec::len))
            .field("tls_client_pem", &self.tls_client_pem.is_some())
            .field("breaker", &self.breaker)
            .field("startup_wait", &self.startup_wait)
            .finish()
    }
}

impl RedisConfig {
    /// The defaults for `url`.
    pub fn new(url: impl Into<String>) -> Self {
        RedisConfig {
            url: url.into(),
            connections: 4,
            key_prefix: "idbridge:".to_owned(),
            timeout: Duration::from_secs(1),
            tls_ca_pem: None,
            tls_client_pem: None,
            breaker: Duration::from_millis(250),
            startup_wait: Duration::ZERO,
        }
    }

    /// With this circuit-breaker window ([`RedisConfig::breaker`]).
    #[must_use]
    pub fn with_breaker(mut self, window: Duration) -> Self {
        self.breaker = window;
        self
    }

    /// Waiting up to `wait` for Redis at start-up ([`RedisConfig::startup_wait`]).
    #[must_use]
    pub fn with_startup_wait(mut self, wait: Duration) -> Self {
        self.startup_wait = wait;
        self
    }

    /// With `n` pooled connections.
    #[must_use]
    pub fn with_connections(mut self, n: usize) -> Self {
        self.connections = n;
        self
    }

    /// With this per-operation timeout.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// With this key prefix.
    #[must_use]
    pub fn with_key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }

    /// Trusting these CA certificates (PEM) for `rediss://`.
    #[must_use]
    pub fn with_tls_ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.tls_ca_pem = Some(pem.into());
        self
    }

    /// Presenting this client certificate chain and key (PEM) to a
    /// `rediss://` server that asks for one.
    #[must_use]
    pub fn with_tls_client_pem(
        mut self,
        cert: impl Into<Vec<u8>>,
        key: impl Into<Vec<u8>>,
    ) -> Self {
        self.tls_client_pem = Some((cert.into(), key.into()));
        self
    }
}

/// A single-use store in Redis.
///
/// - **Atomic, one round trip**: [`insert_if_absent`](SingleUseStore::insert_if_absent)
///   is `SET key value NX PXAT expires_at`; [`take`](SingleUseStore::take) is
///   `GETDEL key`. Redis runs each command atomically, so of many instances
///   racing to take one key exactly one gets it.
/// - **Expiry**: Redis drops a key at `expires_at` by its own clock; the
///   value also carries `expires_at`, and `take` refuses an entry that has
///   expired by the caller's `now` even if Redis still holds it (so an
///   application clock ahead of Redis's never extends a lifetime).
/// - **Pooling**: [`RedisConfig::connections`] multiplexed connections used
///   in turn; each reconnects by itself after Redis restarts.
/// - **Fails closed**: a refused connection, a dropped one, a timeout or an
///   unexpected reply is an error (`store.unavailable`,
///   `store.reply.unexpected`), never a "fresh". An operation that timed out
///   may still have been applied by Redis: a take that failed may have
///   consumed its key (that login fails and must restart), and an insert
///   that failed may have remembered it (harmless: it expires).
/// - **Durability is Redis's**: a Redis restarted without persistence
///   forgets every key. For issued nonces and request IDs that fails closed
///   (absent means refused); remembered Assertion IDs are forgotten, which
///   is why the SPID flow also consumes the request ID (see the crate docs).
///
/// ```no_run
/// use idbridge_store::{RedisConfig, RedisStore};
/// # async fn f() -> Result<(), idbridge_store::Error> {
/// let store = RedisStore::connect(RedisConfig::new("redis://127.0.0.1:6379")).await?;
/// let nonces = idbridge_store::webeid::Challenges::new(store.clone());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    connections: Vec<ConnectionManager>,
    next: AtomicUsize,
    key_prefix: String,
    timeout: Duration,
    url_for_errors: String,
    breaker: Duration,
    /// Milliseconds since `epoch` until which the breaker is open.
    open_until: AtomicU64,
    epoch: Instant,
}

impl core::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RedisStore")
            .field("server", &self.inner.url_for_errors)
            .field("connections", &self.inner.connections.len())
            .field("key_prefix", &self.inner.key_prefix)
            .field("timeout", &self.inner.timeout)
            .finish()
    }
}

/// The URL without any password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let (head, tail) = url.split_at(scheme + 3);
            let host = tail.get(at - scheme - 3..).unwrap_or("");
            format!("{head}***{host}")
        }
        _ => url.to_owned(),
    }
}

impl RedisStore {
    /// Checks one connection with a `PING`, then opens
    /// [`RedisConfig::connections`] connections;
    /// fails with `store.unavailable` when Redis does not answer within the
    /// timeout (or the TLS handshake fails), and with
    /// `store.config.invalid` for a bad URL, TLS settings without
    /// `rediss://`, or credentials Redis refuses (`NOAUTH`, `WRONGPASS`).
    pub async fn connect(config: RedisConfig) -> Result<Self> {
        let url_for_errors = redact(&config.url);
        let client = client(&config).map_err(|e| {
            Error::with_detail(
                ErrorKind::Config,
                format!("Redis URL {url_for_errors}: {e}"),
            )
        })?;
        if config.connections == 0 {
            return Err(Error::with_detail(
                ErrorKind::Config,
                "at least one Redis connection",
            ));
        }
        let manager_config = ConnectionManagerConfig::new()
            .set_connection_timeout(config.timeout)
            .set_response_timeout(config.timeout)
            // Reconnection is attempted again by the next operation; one
            // operation never waits through a long backoff.
            .set_number_of_retries(1)
            .set_max_delay(100);
        let started = Instant::now();
        loop {
            match probe(&client, config.timeout, &url_for_errors).await {
                Ok(()) => break,
                Err(e)
                    if e.kind() == ErrorKind::Unavailable
                        && started.elapsed() + Duration::from_millis(200) < config.startup_wait =>
                {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => return Err(e),
            }
        }
        let mut connections = Vec::with_capacity(config.connections);
        for _ in 0..config.connections {
            let manager = tokio::time::timeout(
                config.timeout,
                ConnectionManager::new_with_config(client.clone(), manager_config.clone()),
            )
            .await
            .map_err(|_| unavailable(&url_for_errors, "connecting timed out"))?
            .map_err(|e| from_redis(&url_for_errors, &e))?;
            connections.push(manager);
        }
        let store = RedisStore {
            inner: Arc::new(Inner {
                connections,
                next: AtomicUsize::new(0),
                key_prefix: config.key_prefix,
                timeout: config.timeout,
                url_for_errors,
                breaker: config.breaker,
                open_until: AtomicU64::new(0),
                epoch: Instant::now(),
            }),
        };
        Ok(store)
    }

    fn connection(&self) -> Result<ConnectionManager> {
        let n = self.inner.connections.len().max(1);
        let i = self.inner.next.fetch_add(1, Ordering::Relaxed) % n;
        self.inner
            .connections
            .get(i)
            .cloned()
            .ok_or_else(|| Error::with_detail(ErrorKind::Config, "no Redis connection"))
    }

    fn key(&self, key: &str) -> Result<String> {
        check_key(key)?;
        Ok(format!("{}{key}", self.inner.key_prefix))
    }

    /// Runs one command with the timeout; every failure is an error.
    /// Runs one command within the timeout; every failure is an error.
    /// While the breaker is open it fails at once. A connection found
    /// dropped, broken or slow (Redis restarted while this instance was
    /// idle, or a manager's last reconnection failed) is retried once
    /// within the same deadline (see below): a
    /// retried take may find its key already consumed by the first try,
    /// which refuses the login (fails closed), never the reverse.
    async fn run(&self, cmd: redis::Cmd) -> Result<redis::Value> {
        let inner = &self.inner;
        let now_ms = || u64::try_from(inner.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        let open_until = inner.open_until.load(Ordering::Relaxed);
        if now_ms() < open_until {
            return Err(unavailable(
                &inner.url_for_errors,
                "circuit open after a recent failure to reach Redis",
            ));
        }
        let mut conn = self.connection()?;
        let half = inner.timeout / 2;
        let work = async {
            // First try, within half the time. A dropped connection (Redis
            // restarted while this instance was idle) is retried on the
            // same manager, which is reconnecting; a broken or slow one
            // (its last reconnection failed) on the next pooled connection.
            let first =
                tokio::time::timeout(half, cmd.query_async::<redis::Value>(&mut conn)).await;
            let mut again = match first {
                Ok(Err(e)) if e.is_connection_dropped() => conn,
                Ok(Err(e)) if e.is_connection_refusal() || e.is_io_error() => self.connection()?,
                Ok(other) => return other.map_err(|e| from_redis(&inner.url_for_errors, &e)),
                Err(_) => self.connection()?,
            };
            cmd.query_async::<redis::Value>(&mut again)
                .await
                .map_err(|e| from_redis(&inner.url_for_errors, &e))
        };
        let trip = || {
            let until = now_ms()
                .saturating_add(u64::try_from(inner.breaker.as_millis()).unwrap_or(u64::MAX));
            inner.open_until.store(until, Ordering::Relaxed);
        };
        match tokio::time::timeout(inner.timeout, work).await {
            Err(_) => {
                trip();
                Err(unavailable(
                    &inner.url_for_errors,
                    "no answer within the timeout",
                ))
            }
            Ok(Err(e)) => {
                if e.kind() == ErrorKind::Unavailable {
                    trip();
                }
                Err(e)
            }
            Ok(Ok(v)) => Ok(v),
        }
    }
}

/// The client for `config`: TLS settings only with `rediss://` (never
/// silently ignored), and `rediss://` only in a build with `redis-tls`.
fn client(config: &RedisConfig) -> core::result::Result<redis::Client, String> {
    let tls_url = config
        .url
        .get(..9)
        .is_some_and(|s| s.eq_ignore_ascii_case("rediss://"));
    let tls_settings = config.tls_ca_pem.is_some() || config.tls_client_pem.is_some();
    if tls_settings && !tls_url {
        return Err("TLS settings need a rediss:// URL".to_owned());
    }
    if !tls_url {
        return redis::Client::open(config.url.as_str()).map_err(|e| e.to_string());
    }
    tls_client(config)
}

#[cfg(feature = "redis-tls")]
fn tls_client(config: &RedisConfig) -> core::result::Result<redis::Client, String> {
    // redis builds its rustls configuration with the process's default
    // provider; make sure there is one (AWS-LC, as everywhere here).
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    if config.tls_ca_pem.is_none() && config.tls_client_pem.is_none() {
        return redis::Client::open(config.url.as_str()).map_err(|e| e.to_string());
    }
    let certificates = redis::TlsCertificates {
        client_tls: config
            .tls_client_pem
            .as_ref()
            .map(|(cert, key)| redis::ClientTlsConfig {
                client_cert: cert.clone(),
                client_key: key.clone(),
            }),
        root_cert: config.tls_ca_pem.clone(),
    };
    redis::Client::build_with_tls(config.url.as_str(), certificates).map_err(|e| e.to_string())
}

#[cfg(not(feature = "redis-tls"))]
fn tls_client(_: &RedisConfig) -> core::result::Result<redis::Client, String> {
    Err("rediss:// needs the redis-tls feature".to_owned())
}

/// One plain connection and a `PING`, before the pool: connection
/// managers retry a refused `AUTH` until their timeout, and a connection
/// without credentials is accepted until its first command, so a missing
/// or wrong password would otherwise surface as "unavailable" at the first
/// login rather than as a configuration error at start-up.
async fn probe(client: &redis::Client, timeout: Duration, url: &str) -> Result<()> {
    let work = async {
        let mut conn = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING")
            .query_async::<redis::Value>(&mut conn)
            .await
    };
    match tokio::time::timeout(timeout, work).await {
        Err(_) => Err(unavailable(url, "connecting timed out")),
        Ok(Err(e)) => Err(from_redis(url, &e)),
        Ok(Ok(redis::Value::SimpleString(_) | redis::Value::Okay)) => Ok(()),
        Ok(Ok(other)) => Err(Error::with_detail(
            ErrorKind::UnexpectedReply,
            format!("PING answered {other:?}"),
        )),
    }
}

fn unavailable(url: &str, what: &str) -> Error {
    Error::with_detail(ErrorKind::Unavailable, format!("Redis at {url}: {what}"))
}

fn from_redis(url: &str, e: &redis::RedisError) -> Error {
    // Credentials or permissions Redis refused: the configuration is wrong
    // (a retry will not help), not the server unavailable.
    if matches!(e.code(), Some("NOAUTH" | "WRONGPASS" | "NOPERM")) {
        return Error::with_detail(ErrorKind::Config, format!("Redis at {url}: {e}"));
    }
    let kind = match e.kind() {
        redis::ErrorKind::TypeError => ErrorKind::UnexpectedReply,
        redis::ErrorKind::InvalidClientConfig | redis::ErrorKind::AuthenticationFailed => {
            ErrorKind::Config
        }
        _ => ErrorKind::Unavailable,
    };
    Error::with_detail(kind, format!("Redis at {url}: {e}"))
}

/// The stored value: `expires_at` (8 bytes, big-endian) then the payload.
fn encode(value: &[u8], expires_at: UnixMillis) -> Vec<u8> {
    let mut v = Vec::with_capacity(8 + value.len());
    v.extend_from_slice(&expires_at.0.to_be_bytes());
    v.extend_from_slice(value);
    v
}

fn decode(stored: &[u8]) -> Option<(UnixMillis, &[u8])> {
    let (head, payload) = stored.split_first_chunk::<8>()?;
    Some((UnixMillis(i64::from_be_bytes(*head)), payload))
}

impl SingleUseStore for RedisStore {
    async fn insert_if_absent(
        &self,
        key: &str,
        value: &[u8],
        _now: UnixMillis,
        expires_at: UnixMillis,
    ) -> Result<Inserted> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key(key)?)
            .arg(encode(value, expires_at))
            .arg("NX")
            .arg("PXAT")
            // PXAT must be positive; a time before 1970 has expired anyway.
            .arg(expires_at.0.max(1));
        match self.run(cmd).await? {
            redis::Value::Okay => Ok(Inserted::New),
            redis::Value::Nil => Ok(Inserted::AlreadyPresent),
            other => Err(Error::with_detail(
                ErrorKind::UnexpectedReply,
                format!("SET NX answered {other:?}"),
            )),
        }
    }

    async fn take(&self, key: &str, now: UnixMillis) -> Result<Option<Vec<u8>>> {
        let mut cmd = redis::cmd("GETDEL");
        cmd.arg(self.key(key)?);
        match self.run(cmd).await? {
            redis::Value::Nil => Ok(None),
            redis::Value::BulkString(stored) => {
                let (expires_at, payload) = decode(&stored).ok_or_else(|| {
                    Error::with_detail(
                        ErrorKind::UnexpectedReply,
                        "a stored value without its expiry",
                    )
                })?;
                Ok((expires_at > now).then(|| payload.to_vec()))
            }
            other => Err(Error::with_detail(
                ErrorKind::UnexpectedReply,
                format!("GETDEL answered {other:?}"),
            )),
        }
    }
}

impl crate::session::ReadableStore for RedisStore {
    async fn get(&self, key: &str, now: UnixMillis) -> Result<Option<Vec<u8>>> {
        let mut cmd = redis::cmd("GET");
        cmd.arg(self.key(key)?);
        match self.run(cmd).await? {
            redis::Value::Nil => Ok(None),
            redis::Value::BulkString(stored) => {
                let (expires_at, payload) = decode(&stored).ok_or_else(|| {
                    Error::with_detail(
                        ErrorKind::UnexpectedReply,
                        "a stored value without its expiry",
                    )
                })?;
                Ok((expires_at > now).then(|| payload.to_vec()))
            }
            other => Err(Error::with_detail(
                ErrorKind::UnexpectedReply,
                format!("GET answered {other:?}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_carry_their_expiry() {
        let v = encode(b"payload", UnixMillis(1_234));
        assert_eq!(decode(&v), Some((UnixMillis(1_234), &b"payload"[..])));
        assert_eq!(decode(&v[..7]), None);
        assert_eq!(
            decode(&encode(b"", UnixMillis(-5))),
            Some((UnixMillis(-5), &b""[..]))
        );
    }

    #[test]
    fn passwords_are_not_repeated_in_messages() {
        assert_eq!(
            redact("redis://user:secret@10.0.0.1:6379/0"),
            "redis://***@10.0.0.1:6379/0"
        );
        assert_eq!(redact("redis://127.0.0.1:6390"), "redis://127.0.0.1:6390");
    }

    #[tokio::test]
    async fn a_bad_url_is_a_configuration_error() {
        let err = RedisStore::connect(RedisConfig::new("http://nope"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "store.config.invalid");
    }
}
