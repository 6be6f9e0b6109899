//! A store whose backend is chosen at run time (from configuration).

use crate::clock::UnixMillis;
use crate::error::Result;
use crate::memory::MemoryStore;
#[cfg(feature = "redis")]
use crate::redis::RedisStore;
use crate::store::{Inserted, SingleUseStore};

/// Either backend, chosen at start-up (e.g. Redis when a URL is
/// configured, memory otherwise); clones share the same entries.
///
/// ```
/// use idbridge_store::{AnyStore, MemoryStore};
/// let store: AnyStore = MemoryStore::with_capacity(100_000).into();
/// let challenges = idbridge_store::webeid::Challenges::new(store);
/// # let _ = challenges;
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum AnyStore {
    /// This process's memory.
    Memory(MemoryStore),
    /// A shared Redis.
    #[cfg(feature = "redis")]
    Redis(RedisStore),
}

impl From<MemoryStore> for AnyStore {
    fn from(s: MemoryStore) -> Self {
        AnyStore::Memory(s)
    }
}

#[cfg(feature = "redis")]
impl From<RedisStore> for AnyStore {
    fn from(s: RedisStore) -> Self {
        AnyStore::Redis(s)
    }
}

impl SingleUseStore for AnyStore {
    async fn insert_if_absent(
        &self,
        key: &str,
        value: &[u8],
        now: UnixMillis,
        expires_at: UnixMillis,
    ) -> Result<Inserted> {
        match self {
            AnyStore::Memory(s) => s.insert_if_absent_sync(key, value, now, expires_at),
            #[cfg(feature = "redis")]
            AnyStore::Redis(s) => s.insert_if_absent(key, value, now, expires_at).await,
        }
    }

    async fn take(&self, key: &str, now: UnixMillis) -> Result<Option<Vec<u8>>> {
        match self {
            AnyStore::Memory(s) => s.take_sync(key, now),
            #[cfg(feature = "redis")]
            AnyStore::Redis(s) => s.take(key, now).await,
        }
    }
}

impl crate::session::ReadableStore for AnyStore {
    async fn get(&self, key: &str, now: UnixMillis) -> Result<Option<Vec<u8>>> {
        match self {
            AnyStore::Memory(s) => s.get_sync(key, now),
            #[cfg(feature = "redis")]
            AnyStore::Redis(s) => crate::session::ReadableStore::get(s, key, now).await,
        }
    }
}
