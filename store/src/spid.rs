//! SPID and CIE ID replay defences: AuthnRequest IDs, issued and consumed
//! once by the matching Response, and Assertion IDs, remembered until their
//! NotOnOrAfter.
//!
//! SPID technical rules, "Processamento della Response": the service
//! provider must check that InResponseTo refers to an AuthnRequest it sent
//! (unsolicited Responses are not allowed), and must discard a Response
//! already received (replay). The same holds for CIE ID, whose
//! `idbridge::cie::VerifiedResponse` is the same type.

use crate::clock::{Clock, SystemClock, UnixMillis};
use crate::error::{Error, ErrorKind, Result};
use crate::store::{Inserted, SingleUseStore};
use idbridge::spid::VerifiedResponse;
use idbridge::UnixTime;

const REQUEST_PREFIX: &str = "saml-request:";
const ASSERTION_PREFIX: &str = "saml-assertion:";

/// The outstanding AuthnRequests: remembered when sent, consumed once by the
/// Response that answers them.
///
/// ```
/// use idbridge_store::{spid::Requests, ManualClock, MemoryStore, UnixMillis};
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let clock = ManualClock::new(UnixMillis(1_800_000_000_000));
/// let requests = Requests::with_clock(MemoryStore::with_capacity(100_000), clock);
/// let id = requests.issue().await?;  // put it in the AuthnRequest's ID
/// // ... the IdP answers; the ACS consumes the ID before accepting the Response:
/// let consumed = requests.consume(&id).await?;
/// let exp = idbridge::spid::Expectations::new(
///     "https://sp.example.it", "https://sp.example.it/acs", consumed.as_str());
/// # let _ = exp;
/// assert_eq!(requests.consume(&id).await.unwrap_err().code(), "store.not_issued");
/// # Ok::<(), Box<dyn std::error::Error>>(()) })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Requests<S, C = SystemClock> {
    store: S,
    clock: C,
    lifetime_ms: i64,
}

/// A request ID taken out of the store: it was issued here, never answered
/// before, and within its lifetime. Only [`Requests::consume`] makes one.
#[derive(Debug, PartialEq, Eq)]
pub struct ConsumedRequest(String);

impl ConsumedRequest {
    /// The AuthnRequest ID, for [`idbridge::spid::Expectations::new`].
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How long an AuthnRequest may wait for its Response by default: 10
/// minutes (the user signs in at the IdP meanwhile).
pub const DEFAULT_REQUEST_LIFETIME_SECS: i64 = 600;

impl<S: SingleUseStore> Requests<S, SystemClock> {
    /// Requests in `store` on the system clock.
    pub fn new(store: S) -> Self {
        Requests::with_clock(store, SystemClock)
    }
}

impl<S: SingleUseStore, C: Clock> Requests<S, C> {
    /// Requests in `store` on `clock`, living
    /// [`DEFAULT_REQUEST_LIFETIME_SECS`] when issued by [`Requests::issue`].
    pub fn with_clock(store: S, clock: C) -> Self {
        Requests {
            store,
            clock,
            lifetime_ms: DEFAULT_REQUEST_LIFETIME_SECS.saturating_mul(1000),
        }
    }

    /// Another lifetime for [`Requests::issue`].
    #[must_use]
    pub fn lifetime_secs(mut self, secs: u32) -> Self {
        self.lifetime_ms = i64::from(secs).saturating_mul(1000);
        self
    }

    /// The clock in use.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// A fresh AuthnRequest ID (`_` and 40 hex digits from 160 random
    /// bits: an xs:ID, as SAML requires), remembered for the lifetime.
    pub async fn issue(&self) -> Result<String> {
        let random = crate::random::bytes::<20>()?;
        let mut id = String::with_capacity(41);
        id.push('_');
        for b in random {
            id.push_str(&format!("{b:02x}"));
        }
        let expires_at = self.clock.now().plus_millis(self.lifetime_ms);
        match self.remember(&id, expires_at).await {
            Err(e) if e.kind() == ErrorKind::Duplicate => Err(Error::with_detail(
                ErrorKind::RandomUnavailable,
                "the random generator repeated a request ID",
            )),
            r => r.map(|()| id),
        }
    }

    /// Remembers an AuthnRequest ID made elsewhere until `expires_at`;
    /// `store.key.duplicate` if it is already outstanding.
    pub async fn remember(&self, id: &str, expires_at: UnixMillis) -> Result<()> {
        let now = self.clock.now();
        match self
            .store
            .insert_if_absent(&format!("{REQUEST_PREFIX}{id}"), b"", now, expires_at)
            .await?
        {
            Inserted::New => Ok(()),
            Inserted::AlreadyPresent => Err(Error::new(ErrorKind::Duplicate)),
        }
    }

    /// Takes `id` out: `store.not_issued` unless it was issued here, not yet
    /// answered, and within its lifetime (an unsolicited or replayed
    /// Response). Consume before verifying: a request is answered once,
    /// whatever the answer says. One store round trip.
    pub async fn consume(&self, id: &str) -> Result<ConsumedRequest> {
        let now = self.clock.now();
        match self.store.take(&format!("{REQUEST_PREFIX}{id}"), now).await {
            Ok(Some(_)) => Ok(ConsumedRequest(id.to_owned())),
            Ok(None) => Err(Error::new(ErrorKind::NotIssued)),
            Err(e) if e.kind() == ErrorKind::KeyInvalid => Err(Error::new(ErrorKind::NotIssued)),
            Err(e) => Err(e),
        }
    }
}

/// The Assertions already accepted, each remembered until its NotOnOrAfter
/// (plus a margin for the clock skew the verifier allows).
///
/// ```
/// # // A VerifiedResponse only comes from a verification; see examples/spid-acs.
/// use idbridge_store::{spid::Assertions, MemoryStore};
/// let assertions = Assertions::new(MemoryStore::with_capacity(100_000));
/// # let _ = assertions;
/// ```
#[derive(Clone, Debug)]
pub struct Assertions<S, C = SystemClock> {
    store: S,
    clock: C,
    margin_ms: i64,
}

impl<S: SingleUseStore> Assertions<S, SystemClock> {
    /// Assertions in `store` on the system clock, kept 5 minutes past their
    /// NotOnOrAfter.
    pub fn new(store: S) -> Self {
        Assertions::with_clock(store, SystemClock)
    }
}

impl<S: SingleUseStore, C: Clock> Assertions<S, C> {
    /// Assertions in `store` on `clock`.
    pub fn with_clock(store: S, clock: C) -> Self {
        Assertions {
            store,
            clock,
            margin_ms: 300_000,
        }
    }

    /// Another margin past NotOnOrAfter (at least the clock skew the
    /// verifier allows; default 300 s).
    #[must_use]
    pub fn margin_secs(mut self, secs: u32) -> Self {
        self.margin_ms = i64::from(secs).saturating_mul(1000);
        self
    }

    /// Records the verified Response's Assertion (by IdP and Assertion ID)
    /// until its NotOnOrAfter plus the margin; `store.replayed` if it was
    /// recorded before. One store round trip.
    pub async fn first_use(&self, verified: &VerifiedResponse) -> Result<()> {
        self.first_use_of(
            verified.idp_entity_id(),
            verified.assertion_id(),
            verified.not_on_or_after(),
        )
        .await
    }

    /// As [`Assertions::first_use`], from the parts.
    pub async fn first_use_of(
        &self,
        idp_entity_id: &str,
        assertion_id: &str,
        not_on_or_after: UnixTime,
    ) -> Result<()> {
        let now = self.clock.now();
        let until = UnixMillis::from_unix_time(not_on_or_after)
            .max(now)
            .plus_millis(self.margin_ms);
        // The entity ID is a URI and the ID an xs:ID: neither holds a
        // newline, so the key is unambiguous.
        let key = format!("{ASSERTION_PREFIX}{idp_entity_id}\n{assertion_id}");
        match self.store.insert_if_absent(&key, b"", now, until).await? {
            Inserted::New => Ok(()),
            Inserted::AlreadyPresent => Err(Error::new(ErrorKind::Replayed)),
        }
    }
}
