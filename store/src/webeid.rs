//! Web eID challenge nonces, issued and consumed once.
//!
//! Web eID system architecture, "Authentication": the server issues a
//! random challenge nonce, the card signs over it, and the server "must
//! check that the nonce was issued by it, has not been used before, and
//! has not expired" (the reference validator allows five minutes:
//! [`idbridge::webeid::NONCE_LIFETIME_SECS`]).

use crate::clock::{Clock, SystemClock, UnixMillis};
use crate::error::{Error, ErrorKind, Result};
use crate::store::{Inserted, SingleUseStore};
use idbridge::webeid::{Nonce, MIN_NONCE_BYTES};

/// The key namespace of nonces in a shared store.
const PREFIX: &str = "webeid-nonce:";

/// Issues challenge nonces and consumes each one once, within its lifetime.
///
/// ```
/// use idbridge_store::{webeid::Challenges, ManualClock, MemoryStore, UnixMillis};
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let clock = ManualClock::new(UnixMillis(1_800_000_000_000));
/// let challenges = Challenges::with_clock(MemoryStore::with_capacity(100_000), clock.clone());
///
/// let nonce = challenges.issue().await?;            // send nonce.as_str() to the browser
/// let consumed = challenges.consume(nonce.as_str()).await?;
/// let expectations = idbridge::webeid::Expectations::new("https://rp.example.org", consumed.as_str());
/// # let _ = expectations;
///
/// // A second use, or a use after five minutes, is refused.
/// assert_eq!(challenges.consume(nonce.as_str()).await.unwrap_err().code(), "store.not_issued");
/// let late = challenges.issue().await?;
/// clock.advance_secs(301);
/// assert_eq!(challenges.consume(late.as_str()).await.unwrap_err().code(), "store.not_issued");
/// # Ok::<(), Box<dyn std::error::Error>>(()) })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Challenges<S, C = SystemClock> {
    store: S,
    clock: C,
    lifetime_ms: i64,
}

/// A nonce taken out of the store: it was issued here, unused and within
/// its lifetime. Only [`Challenges::consume`] makes one; pass
/// [`as_str`](ConsumedNonce::as_str) to
/// [`idbridge::webeid::Expectations::new`].
#[derive(Debug, PartialEq, Eq)]
pub struct ConsumedNonce(String);

impl ConsumedNonce {
    /// The nonce exactly as issued.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<S: SingleUseStore> Challenges<S, SystemClock> {
    /// Challenges in `store`, on the system clock, living
    /// [`NONCE_LIFETIME_SECS`](idbridge::webeid::NONCE_LIFETIME_SECS).
    pub fn new(store: S) -> Self {
        Challenges::with_clock(store, SystemClock)
    }
}

impl<S: SingleUseStore, C: Clock> Challenges<S, C> {
    /// Challenges in `store` on `clock`.
    pub fn with_clock(store: S, clock: C) -> Self {
        Challenges {
            store,
            clock,
            lifetime_ms: idbridge::webeid::NONCE_LIFETIME_SECS.saturating_mul(1000),
        }
    }

    /// A shorter lifetime than five minutes (a longer one is not allowed:
    /// it is clamped to five minutes).
    #[must_use]
    pub fn lifetime_secs(mut self, secs: u32) -> Self {
        self.lifetime_ms = i64::from(secs)
            .saturating_mul(1000)
            .min(idbridge::webeid::NONCE_LIFETIME_SECS.saturating_mul(1000));
        self
    }

    /// The clock in use.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// A fresh nonce (32 bytes from the OS CSPRNG, base64), remembered for
    /// its lifetime. One store round trip.
    pub async fn issue(&self) -> Result<Nonce> {
        let random = crate::random::bytes::<MIN_NONCE_BYTES>()?;
        let nonce = Nonce::from_random_bytes(&random)
            .map_err(|e| Error::with_detail(ErrorKind::RandomUnavailable, e.to_string()))?;
        let now = self.clock.now();
        let key = format!("{PREFIX}{}", nonce.as_str());
        match self
            .store
            .insert_if_absent(&key, b"", now, now.plus_millis(self.lifetime_ms))
            .await?
        {
            Inserted::New => Ok(nonce),
            // 256 random bits never collide; if they do, the RNG is broken.
            Inserted::AlreadyPresent => Err(Error::with_detail(
                ErrorKind::RandomUnavailable,
                "the random generator repeated a nonce",
            )),
        }
    }

    /// Takes `nonce` out of the store: `store.not_issued` unless it was
    /// issued here, is unused and within its lifetime. Consume *before*
    /// verifying the token, whatever the verification then says: a nonce
    /// is spent by any attempt. One store round trip.
    pub async fn consume(&self, nonce: &str) -> Result<ConsumedNonce> {
        let now: UnixMillis = self.clock.now();
        let key = format!("{PREFIX}{nonce}");
        match self.store.take(&key, now).await {
            Ok(Some(_)) => Ok(ConsumedNonce(nonce.to_owned())),
            Ok(None) => Err(Error::new(ErrorKind::NotIssued)),
            // A key too long to store was never issued.
            Err(e) if e.kind() == ErrorKind::KeyInvalid => Err(Error::new(ErrorKind::NotIssued)),
            Err(e) => Err(e),
        }
    }
}
