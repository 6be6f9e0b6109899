//! Time for the helpers. The store trait itself takes `now` as an argument
//! (like the core, it reads no clock); the helpers read one through
//! [`Clock`], which tests replace with a [`ManualClock`].

use core::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A point in time, in whole milliseconds since 1970-01-01T00:00:00Z (the
/// unit of Redis's `PXAT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixMillis(pub i64);

impl UnixMillis {
    /// `self + ms`, saturating.
    pub const fn plus_millis(self, ms: i64) -> Self {
        UnixMillis(self.0.saturating_add(ms))
    }

    /// `self + secs` seconds, saturating.
    pub const fn plus_secs(self, secs: i64) -> Self {
        self.plus_millis(secs.saturating_mul(1000))
    }

    /// This instant, milliseconds kept, as the core's time type (the
    /// verifiers compare instants below the second: a SAML IssueInstant
    /// with microseconds issued in the current second is not "in the
    /// future").
    pub const fn to_unix_time(self) -> idbridge::UnixTime {
        idbridge::UnixTime::from_unix_nanos(self.0 as i128 * 1_000_000)
    }

    /// The core time, to the millisecond (rounded toward the past).
    pub const fn from_unix_time(t: idbridge::UnixTime) -> Self {
        UnixMillis(
            t.as_secs()
                .saturating_mul(1000)
                .saturating_add((t.subsec_nanos() / 1_000_000) as i64),
        )
    }
}

impl fmt::Display for UnixMillis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.to_unix_time().floor_secs().to_rfc3339();
        let base = secs.strip_suffix('Z').unwrap_or(&secs);
        write!(f, "{base}.{:03}Z", self.0.rem_euclid(1000))
    }
}

/// Where the helpers get `now` from.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> UnixMillis;
}

/// The system's wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixMillis {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => UnixMillis(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            // A clock before 1970 is broken; the earliest time makes every
            // issued value look fresh for its lifetime only (never longer).
            Err(_) => UnixMillis(0),
        }
    }
}

/// A clock that moves only when told to: for tests, and for replaying
/// recorded traffic. Clones share the same time.
///
/// ```
/// use idbridge_store::{Clock, ManualClock, UnixMillis};
/// let clock = ManualClock::new(UnixMillis(1_000));
/// let shared = clock.clone();
/// clock.advance_secs(2);
/// assert_eq!(shared.now(), UnixMillis(3_000));
/// ```
#[derive(Clone, Debug)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// A clock stopped at `at`.
    pub fn new(at: UnixMillis) -> Self {
        ManualClock(Arc::new(AtomicI64::new(at.0)))
    }

    /// Moves the clock to `at` (backwards too).
    pub fn set(&self, at: UnixMillis) {
        self.0.store(at.0, Ordering::SeqCst);
    }

    /// Moves the clock forward by `secs` seconds.
    pub fn advance_secs(&self, secs: i64) {
        self.advance_millis(secs.saturating_mul(1000));
    }

    /// Moves the clock forward by `ms` milliseconds.
    pub fn advance_millis(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> UnixMillis {
        UnixMillis(self.0.load(Ordering::SeqCst))
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> UnixMillis {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_keep_the_milliseconds() {
        assert_eq!(UnixMillis(1_999).to_unix_time().as_secs(), 1);
        assert_eq!(UnixMillis(1_999).to_unix_time().subsec_nanos(), 999_000_000);
        assert_eq!(UnixMillis(-1).to_unix_time().as_secs(), -1);
        assert_eq!(UnixMillis(-1).to_unix_time().subsec_nanos(), 999_000_000);
        let t = idbridge::UnixTime::from_unix_nanos(42_123_456_789);
        assert_eq!(UnixMillis::from_unix_time(t), UnixMillis(42_123));
        assert_eq!(
            UnixMillis(42_123).to_unix_time(),
            idbridge::UnixTime::from_unix_nanos(42_123_000_000)
        );
        let t = idbridge::UnixTime::from_unix_seconds(42);
        assert_eq!(UnixMillis::from_unix_time(t), UnixMillis(42_000));
        assert_eq!(UnixMillis(5).plus_secs(1), UnixMillis(1_005));
        assert_eq!(UnixMillis(i64::MAX).plus_millis(1), UnixMillis(i64::MAX));
        assert_eq!(UnixMillis(1_500).to_string(), "1970-01-01T00:00:01.500Z");
    }

    #[test]
    fn the_system_clock_is_after_2025() {
        assert!(SystemClock.now() > UnixMillis(1_735_689_600_000));
    }
}
