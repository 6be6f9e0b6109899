//! The one operation every replay defence needs: "remember this key until
//! T, and tell me if it was already there", and its partner, "take this key
//! out, once".

use crate::clock::UnixMillis;
use crate::error::{Error, ErrorKind, Result};
use core::future::Future;

/// The longest key a store accepts, in bytes. Keys that reach a store can
/// come from a cookie or a form field, so they are bounded before any
/// backend sees them.
pub const MAX_KEY_BYTES: usize = 512;

/// What [`SingleUseStore::insert_if_absent`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Inserted {
    /// The key was absent (or expired) and is now remembered.
    New,
    /// The key was already there and unexpired; nothing changed.
    AlreadyPresent,
}

/// A single-use store: atomic insert-if-absent with an expiry, and atomic
/// take. Implementations must make both operations atomic across every
/// process that shares the store (many tasks racing to take one key: exactly
/// one gets it), and must fail *closed*: an error, never a guess.
///
/// Time is an argument, as in the core: `now` decides whether an entry has
/// expired, `expires_at` is when it does. A backend may also drop entries by
/// its own clock (Redis does, at `expires_at`); it never keeps them longer
/// than `expires_at` as far as [`take`](Self::take) is concerned.
///
/// The futures are `Send`, so a store can be used from any async server.
pub trait SingleUseStore: Send + Sync {
    /// Remembers `key` with `value` until `expires_at` if it is absent or
    /// expired at `now`; reports [`Inserted::AlreadyPresent`] otherwise.
    fn insert_if_absent(
        &self,
        key: &str,
        value: &[u8],
        now: UnixMillis,
        expires_at: UnixMillis,
    ) -> impl Future<Output = Result<Inserted>> + Send;

    /// Removes `key` and returns its value, if it was present and unexpired
    /// at `now`; `None` otherwise. At most one caller ever gets `Some` for
    /// one insertion.
    fn take(
        &self,
        key: &str,
        now: UnixMillis,
    ) -> impl Future<Output = Result<Option<Vec<u8>>>> + Send;
}

impl<S: SingleUseStore> SingleUseStore for std::sync::Arc<S> {
    fn insert_if_absent(
        &self,
        key: &str,
        value: &[u8],
        now: UnixMillis,
        expires_at: UnixMillis,
    ) -> impl Future<Output = Result<Inserted>> + Send {
        (**self).insert_if_absent(key, value, now, expires_at)
    }

    fn take(
        &self,
        key: &str,
        now: UnixMillis,
    ) -> impl Future<Output = Result<Option<Vec<u8>>>> + Send {
        (**self).take(key, now)
    }
}

/// Refuses an empty key or one longer than [`MAX_KEY_BYTES`].
pub(crate) fn check_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return Err(Error::new(ErrorKind::KeyInvalid));
    }
    Ok(())
}
