//! Login sessions in the shared store: opened after a verified login, read
//! on every request, ended at logout, and gone by themselves when their
//! lifetime (the session cookie's `Max-Age`) is over. Because they live in
//! the store, every instance behind a load balancer sees them, and memory
//! comes back when they expire.
//!
//! ```
//! use idbridge_store::session::Sessions;
//! use idbridge_store::MemoryStore;
//! # async fn demo() -> Result<(), idbridge_store::Error> {
//! let sessions = Sessions::new(MemoryStore::with_capacity(1_000)).lifetime_secs(3600);
//! let id = sessions.open(br#"{"subject_id":"PNOEE-49003150230"}"#).await?;
//! // Set-Cookie: session=<id>; Max-Age=3600 (sessions.lifetime_secs_value())
//! assert!(sessions.get(&id).await?.is_some());
//! assert!(sessions.end(&id).await?.is_some()); // logout
//! assert!(sessions.get(&id).await?.is_none());
//! # Ok(()) }
//! ```

use crate::clock::{Clock, SystemClock, UnixMillis};
use crate::error::{Error, ErrorKind, Result};
use crate::store::{Inserted, SingleUseStore};
use core::future::Future;

/// A [`SingleUseStore`] whose entries can also be read without taking
/// them: what a session needs (read on every request, ended once).
pub trait ReadableStore: SingleUseStore {
    /// The value of `key`, if present and unexpired at `now`; the entry
    /// stays.
    fn get(
        &self,
        key: &str,
        now: UnixMillis,
    ) -> impl Future<Output = Result<Option<Vec<u8>>>> + Send;
}

impl<S: ReadableStore> ReadableStore for std::sync::Arc<S> {
    fn get(
        &self,
        key: &str,
        now: UnixMillis,
    ) -> impl Future<Output = Result<Option<Vec<u8>>>> + Send {
        (**self).get(key, now)
    }
}

/// The default session lifetime: one hour.
pub const DEFAULT_SESSION_SECS: u32 = 3600;

/// The longest value a session may hold, in bytes (an identity is about
/// 1 KB).
pub const MAX_SESSION_BYTES: usize = 16 * 1024;

const PREFIX: &str = "session:";

/// Sessions in a [`ReadableStore`]: an unguessable ID (256 random bits,
/// hex) per login, for the session cookie.
#[derive(Clone, Debug)]
pub struct Sessions<S, C = SystemClock> {
    store: S,
    clock: C,
    lifetime_secs: u32,
}

impl<S: ReadableStore> Sessions<S, SystemClock> {
    /// Sessions in `store`, on the system clock, living
    /// [`DEFAULT_SESSION_SECS`].
    pub fn new(store: S) -> Self {
        Sessions::with_clock(store, SystemClock)
    }
}

impl<S: ReadableStore, C: Clock> Sessions<S, C> {
    /// Sessions in `store` on `clock`.
    pub fn with_clock(store: S, clock: C) -> Self {
        Sessions {
            store,
            clock,
            lifetime_secs: DEFAULT_SESSION_SECS,
        }
    }

    /// Another lifetime (at least one second): give the session cookie the
    /// same `Max-Age`.
    #[must_use]
    pub fn lifetime_secs(mut self, secs: u32) -> Self {
        self.lifetime_secs = secs.max(1);
        self
    }

    /// The lifetime, for the cookie's `Max-Age`.
    pub fn lifetime_secs_value(&self) -> u32 {
        self.lifetime_secs
    }

    /// The clock in use.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// Opens a session holding `value` (at most [`MAX_SESSION_BYTES`]) until
    /// the lifetime is over; returns its ID. One store round trip.
    pub async fn open(&self, value: &[u8]) -> Result<String> {
        if value.len() > MAX_SESSION_BYTES {
            return Err(Error::with_detail(
                ErrorKind::Config,
                "a session value is larger than MAX_SESSION_BYTES",
            ));
        }
        let random = crate::random::bytes::<32>()?;
        let id: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let now = self.clock.now();
        let expires = now.plus_millis(i64::from(self.lifetime_secs).saturating_mul(1000));
        match self
            .store
            .insert_if_absent(&format!("{PREFIX}{id}"), value, now, expires)
            .await?
        {
            Inserted::New => Ok(id),
            Inserted::AlreadyPresent => Err(Error::with_detail(
                ErrorKind::RandomUnavailable,
                "the random generator repeated a session ID",
            )),
        }
    }

    /// The value of session `id`, if it is open and unexpired. An ID that
    /// could not be a key (empty, too long) is no session. One round trip.
    pub async fn get(&self, id: &str) -> Result<Option<Vec<u8>>> {
        let now = self.clock.now();
        match self.store.get(&format!("{PREFIX}{id}"), now).await {
            Err(e) if e.kind() == ErrorKind::KeyInvalid => Ok(None),
            other => other,
        }
    }

    /// Ends session `id` (logout): its value, once; `None` when it was not
    /// open. One round trip.
    pub async fn end(&self, id: &str) -> Result<Option<Vec<u8>>> {
        let now = self.clock.now();
        match self.store.take(&format!("{PREFIX}{id}"), now).await {
            Err(e) if e.kind() == ErrorKind::KeyInvalid => Ok(None),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::{ManualClock, MemoryStore};

    fn sessions() -> (Sessions<MemoryStore, ManualClock>, ManualClock, MemoryStore) {
        let clock = ManualClock::new(UnixMillis(1_800_000_000_000));
        let store = MemoryStore::with_capacity(100);
        (
            Sessions::with_clock(store.clone(), clock.clone()).lifetime_secs(60),
            clock,
            store,
        )
    }

    fn block<F: Future>(f: F) -> F::Output {
        // The memory store's futures are ready at once.
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut f = std::pin::pin!(f);
        match f.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("the memory store never waits"),
        }
    }

    #[test]
    fn a_session_is_read_many_times_and_ended_once() {
        let (s, _, _) = sessions();
        let id = block(s.open(b"who")).unwrap();
        assert_eq!(id.len(), 64);
        for _ in 0..3 {
            assert_eq!(block(s.get(&id)).unwrap().as_deref(), Some(&b"who"[..]));
        }
        assert_eq!(block(s.end(&id)).unwrap().as_deref(), Some(&b"who"[..]));
        assert_eq!(block(s.end(&id)).unwrap(), None);
        assert_eq!(block(s.get(&id)).unwrap(), None);
    }

    #[test]
    fn a_session_expires_with_its_lifetime_and_its_memory_comes_back() {
        let (s, clock, store) = sessions();
        let ids: Vec<String> = (0..20).map(|_| block(s.open(b"x")).unwrap()).collect();
        assert_eq!(store.len(), 20);
        clock.advance_millis(59_999);
        assert!(block(s.get(&ids[0])).unwrap().is_some());
        clock.advance_millis(1);
        for id in &ids {
            assert_eq!(block(s.get(id)).unwrap(), None);
            assert_eq!(block(s.end(id)).unwrap(), None);
        }
        assert_eq!(store.purge_expired(clock.now(), 100), 0, "end() took them");
    }

    #[test]
    fn unknown_malformed_and_oversized_are_refused() {
        let (s, _, _) = sessions();
        assert_eq!(block(s.get("nope")).unwrap(), None);
        assert_eq!(block(s.get("")).unwrap(), None);
        assert_eq!(block(s.get(&"a".repeat(10_000))).unwrap(), None);
        assert_eq!(block(s.end(&"a".repeat(10_000))).unwrap(), None);
        let big = vec![0u8; MAX_SESSION_BYTES + 1];
        assert_eq!(block(s.open(&big)).unwrap_err().kind(), ErrorKind::Config);
    }
}
