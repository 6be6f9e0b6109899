//! The in-memory single-use store: one process only (tests, a single
//! server, or a development setup). Bounded, expiring, safe under threads.

use crate::clock::UnixMillis;
use crate::error::{Error, ErrorKind, Result};
use crate::store::{check_key, Inserted, SingleUseStore};
use std::collections::hash_map::RandomState;
use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, MutexGuard};

/// Stores from this capacity up are split into [`SHARDS`] independently
/// locked shards (less contention between threads); smaller ones have a
/// single shard, so their bound is exact.
const SHARDED_FROM: usize = 1024;
/// The number of shards of a large store.
const SHARDS: usize = 16;
/// The most expired entries one operation purges: expiry is spread over
/// the inserts that pass by, so no single insert pays for a whole
/// generation of expired keys under the shard's lock.
pub const PURGE_BATCH: usize = 32;

/// A single-use store in this process's memory.
///
/// - **Bounded**: at most `capacity` unexpired keys (for capacities of 1024
///   and more, `capacity` is split evenly among 16 shards, each bounded by
///   its share rounded up). When a shard is full, expired keys are purged
///   first; if it is still full, the insert fails with `store.full`. An
///   unexpired key is never evicted to make room: that would let a replay
///   through.
/// - **Expiring**: an entry is gone once `now` reaches its `expires_at`;
///   expired entries are purged as inserts pass by, oldest first, at most
///   [`PURGE_BATCH`] per insert (a full shard frees at least one expired
///   entry before it refuses), and a shard's table shrinks once it is
///   under a quarter full, so memory comes back after a burst.
///   [`MemoryStore::purge_expired`] lets an idle server purge on a timer.
/// - **Thread-safe**: clones share the same entries; each shard is behind
///   its own mutex, and both operations are atomic.
///
/// It does not help several processes: behind a load balancer, use the
/// Redis store (see the crate documentation).
///
/// ```
/// use idbridge_store::{Inserted, MemoryStore, SingleUseStore, UnixMillis};
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let store = MemoryStore::with_capacity(10_000);
/// let now = UnixMillis(1_000_000);
/// let until = now.plus_secs(300);
/// assert_eq!(store.insert_if_absent("nonce-1", b"", now, until).await?, Inserted::New);
/// assert_eq!(store.insert_if_absent("nonce-1", b"", now, until).await?, Inserted::AlreadyPresent);
/// assert_eq!(store.take("nonce-1", now).await?, Some(Vec::new())); // once...
/// assert_eq!(store.take("nonce-1", now).await?, None);             // ...only
/// # Ok::<(), Box<dyn std::error::Error>>(()) })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct MemoryStore {
    inner: Arc<Inner>,
}

struct Inner {
    shards: Vec<Mutex<Shard>>,
    per_shard: usize,
    hasher: RandomState,
}

#[derive(Default)]
struct Shard {
    entries: HashMap<String, Entry>,
    by_expiry: BTreeSet<(UnixMillis, String)>,
}

struct Entry {
    value: Vec<u8>,
    expires_at: UnixMillis,
}

impl core::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("shards", &self.inner.shards.len())
            .field("per_shard", &self.inner.per_shard)
            .finish_non_exhaustive()
    }
}

impl MemoryStore {
    /// A store for at most `capacity` unexpired keys (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let shards = if capacity >= SHARDED_FROM { SHARDS } else { 1 };
        MemoryStore {
            inner: Arc::new(Inner {
                shards: (0..shards).map(|_| Mutex::new(Shard::default())).collect(),
                per_shard: capacity.div_ceil(shards),
                hasher: RandomState::new(),
            }),
        }
    }

    /// How many entries are held, expired ones not yet purged included.
    pub fn len(&self) -> usize {
        (0..self.inner.shards.len())
            .filter_map(|i| self.inner.lock(i).map(|s| s.entries.len()))
            .sum()
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The insert, synchronously (the trait's future is this, ready).
    pub fn insert_if_absent_sync(
        &self,
        key: &str,
        value: &[u8],
        now: UnixMillis,
        expires_at: UnixMillis,
    ) -> Result<Inserted> {
        check_key(key)?;
        let mut shard = self.inner.shard_for(key)?;
        shard.purge(now, PURGE_BATCH);
        if let Some(e) = shard.entries.get(key) {
            if e.expires_at > now {
                return Ok(Inserted::AlreadyPresent);
            }
        }
        if expires_at <= now {
            // Nothing to remember: it would be gone at once.
            return Ok(Inserted::New);
        }
        if !shard.entries.contains_key(key) && shard.entries.len() >= self.inner.per_shard {
            return Err(Error::new(ErrorKind::Full));
        }
        if let Some(old) = shard.entries.insert(
            key.to_owned(),
            Entry {
                value: value.to_vec(),
                expires_at,
            },
        ) {
            shard.by_expiry.remove(&(old.expires_at, key.to_owned()));
        }
        shard.by_expiry.insert((expires_at, key.to_owned()));
        Ok(Inserted::New)
    }

    /// Purges up to `budget` expired entries from each shard (for a timer
    /// in an otherwise idle server); returns how many went.
    pub fn purge_expired(&self, now: UnixMillis, budget: usize) -> usize {
        (0..self.inner.shards.len())
            .filter_map(|i| self.inner.lock(i).map(|mut s| s.purge(now, budget)))
            .sum()
    }

    /// The take, synchronously (the trait's future is this, ready).
    pub fn take_sync(&self, key: &str, now: UnixMillis) -> Result<Option<Vec<u8>>> {
        check_key(key)?;
        let mut shard = self.inner.shard_for(key)?;
        let Some(entry) = shard.entries.remove(key) else {
            return Ok(None);
        };
        shard.by_expiry.remove(&(entry.expires_at, key.to_owned()));
        shard.shrink_if_sparse();
        Ok((entry.expires_at > now).then_some(entry.value))
    }
}

impl MemoryStore {
    /// [`ReadableStore::get`](crate::session::ReadableStore::get), without a
    /// future: the value of `key` if present and unexpired at `now`; the
    /// entry stays.
    pub fn get_sync(&self, key: &str, now: UnixMillis) -> Result<Option<Vec<u8>>> {
        check_key(key)?;
        let shard = self.inner.shard_for(key)?;
        Ok(shard
            .entries
            .get(key)
            .filter(|e| e.expires_at > now)
            .map(|e| e.value.clone()))
    }
}

impl crate::session::ReadableStore for MemoryStore {
    fn get(
        &self,
        key: &str,
        now: UnixMillis,
    ) -> impl core::future::Future<Output = Result<Option<Vec<u8>>>> + Send {
        core::future::ready(self.get_sync(key, now))
    }
}

impl Inner {
    fn lock(&self, index: usize) -> Option<MutexGuard<'_, Shard>> {
        // A panic while a shard was locked cannot leave it half-updated in a
        // way that says "fresh" wrongly (each operation's last step is the
        // one that commits), so a poisoned lock is taken over.
        self.shards
            .get(index)
            .map(|m| m.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn shard_for(&self, key: &str) -> Result<MutexGuard<'_, Shard>> {
        let n = self.shards.len() as u64;
        let index = usize::try_from(self.hasher.hash_one(key) % n.max(1)).unwrap_or(0);
        self.lock(index)
            .ok_or_else(|| Error::with_detail(ErrorKind::Config, "memory store without shards"))
    }
}

impl Shard {
    /// Drops up to `budget` entries expired at `now`, oldest first, and
    /// shrinks the table when it is under a quarter full. Each entry is
    /// purged once and each shrink follows a fourfold drop, so the cost is
    /// amortized over the inserts. Returns how many entries went.
    fn purge(&mut self, now: UnixMillis, budget: usize) -> usize {
        let mut purged = 0;
        while purged < budget {
            match self.by_expiry.first() {
                Some(first) if first.0 <= now => {}
                _ => break,
            }
            if let Some((_, key)) = self.by_expiry.pop_first() {
                self.entries.remove(&key);
                purged += 1;
            }
        }
        if purged > 0 {
            self.shrink_if_sparse();
        }
        purged
    }

    /// Shrinks the table to twice its entries when it is under a quarter
    /// full (and above 64 slots): after a shrink the entries must drop
    /// fourfold again before the next, so the cost is amortized.
    fn shrink_if_sparse(&mut self) {
        let (len, cap) = (self.entries.len(), self.entries.capacity());
        if cap > 64 && len.saturating_mul(4) < cap {
            self.entries.shrink_to(len.saturating_mul(2));
        }
    }

    #[cfg(test)]
    fn capacity(&self) -> usize {
        self.entries.capacity()
    }
}

impl SingleUseStore for MemoryStore {
    fn insert_if_absent(
        &self,
        key: &str,
        value: &[u8],
        now: UnixMillis,
        expires_at: UnixMillis,
    ) -> impl core::future::Future<Output = Result<Inserted>> + Send {
        core::future::ready(self.insert_if_absent_sync(key, value, now, expires_at))
    }

    fn take(
        &self,
        key: &str,
        now: UnixMillis,
    ) -> impl core::future::Future<Output = Result<Option<Vec<u8>>>> + Send {
        core::future::ready(self.take_sync(key, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: UnixMillis = UnixMillis(1_800_000_000_000);

    #[test]
    fn an_expired_entry_is_neither_present_nor_taken() {
        let s = MemoryStore::with_capacity(4);
        assert_eq!(
            s.insert_if_absent_sync("k", b"v", T0, T0.plus_secs(5))
                .unwrap(),
            Inserted::New
        );
        assert_eq!(
            s.take_sync("k", T0.plus_secs(5)).unwrap(),
            None,
            "expiry is exclusive"
        );
        assert_eq!(
            s.insert_if_absent_sync("k", b"v", T0, T0.plus_secs(5))
                .unwrap(),
            Inserted::New
        );
        let later = T0.plus_secs(6);
        assert_eq!(
            s.insert_if_absent_sync("k", b"w", later, later.plus_secs(5))
                .unwrap(),
            Inserted::New,
            "an expired key may be remembered again"
        );
        assert_eq!(s.take_sync("k", later).unwrap(), Some(b"w".to_vec()));
    }

    #[test]
    fn full_means_full_until_something_expires() {
        let s = MemoryStore::with_capacity(2);
        assert_eq!(
            s.insert_if_absent_sync("a", b"", T0, T0.plus_secs(10))
                .unwrap(),
            Inserted::New
        );
        assert_eq!(
            s.insert_if_absent_sync("b", b"", T0, T0.plus_secs(20))
                .unwrap(),
            Inserted::New
        );
        let err = s
            .insert_if_absent_sync("c", b"", T0, T0.plus_secs(10))
            .unwrap_err();
        assert_eq!(err.code(), "store.full");
        // A duplicate is still reported as such when full.
        assert_eq!(
            s.insert_if_absent_sync("a", b"", T0, T0.plus_secs(10))
                .unwrap(),
            Inserted::AlreadyPresent
        );
        // Once "a" expires it is purged and "c" fits; "b" was never evicted.
        let t = T0.plus_secs(10);
        assert_eq!(
            s.insert_if_absent_sync("c", b"", t, t.plus_secs(10))
                .unwrap(),
            Inserted::New
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s.take_sync("b", t).unwrap(), Some(Vec::new()));
    }

    #[test]
    fn keys_are_bounded() {
        let s = MemoryStore::with_capacity(2);
        assert_eq!(s.take_sync("", T0).unwrap_err().code(), "store.key.invalid");
        let long = "x".repeat(crate::MAX_KEY_BYTES + 1);
        assert_eq!(
            s.insert_if_absent_sync(&long, b"", T0, T0.plus_secs(1))
                .unwrap_err()
                .code(),
            "store.key.invalid"
        );
        let max = "x".repeat(crate::MAX_KEY_BYTES);
        assert_eq!(
            s.insert_if_absent_sync(&max, b"", T0, T0.plus_secs(1))
                .unwrap(),
            Inserted::New
        );
    }

    #[test]
    fn an_already_expired_insert_remembers_nothing() {
        let s = MemoryStore::with_capacity(1);
        assert_eq!(
            s.insert_if_absent_sync("a", b"", T0, T0).unwrap(),
            Inserted::New
        );
        assert!(s.is_empty());
    }

    #[test]
    fn a_large_store_is_sharded_and_bounded() {
        let s = MemoryStore::with_capacity(SHARDED_FROM);
        assert_eq!(s.inner.shards.len(), SHARDS);
        let mut inserted = 0;
        for i in 0..2 * SHARDED_FROM {
            match s.insert_if_absent_sync(&format!("k{i}"), b"", T0, T0.plus_secs(1)) {
                Ok(Inserted::New) => inserted += 1,
                Ok(Inserted::AlreadyPresent) => unreachable!(),
                Err(e) => assert_eq!(e.code(), "store.full"),
            }
        }
        assert_eq!(
            inserted, SHARDED_FROM,
            "16 shards of 64 each fill up exactly"
        );
    }

    #[test]
    fn a_table_emptied_by_takes_shrinks_too() {
        // Sessions logged out and nonces consumed leave by `take`, not by
        // expiry: the table comes back all the same.
        let s = MemoryStore::with_capacity(1000);
        for i in 0..1000 {
            let _ = s
                .insert_if_absent_sync(&format!("k{i}"), b"v", T0, T0.plus_secs(60))
                .unwrap();
        }
        let grown = s.inner.lock(0).unwrap().capacity();
        assert!(grown >= 1000);
        for i in 0..1000 {
            assert_eq!(
                s.take_sync(&format!("k{i}"), T0).unwrap(),
                Some(b"v".to_vec())
            );
        }
        assert!(s.is_empty());
        let shrunk = s.inner.lock(0).unwrap().capacity();
        assert!(shrunk <= 64, "capacity {shrunk}, was {grown}");
    }

    #[test]
    fn expiry_is_spread_over_inserts_and_memory_comes_back() {
        let s = MemoryStore::with_capacity(1000);
        for i in 0..1000 {
            let _ = s
                .insert_if_absent_sync(&format!("k{i}"), b"", T0, T0.plus_secs(1))
                .unwrap();
        }
        let grown = s.inner.lock(0).unwrap().capacity();
        assert!(grown >= 1000);
        // All 1000 expired: one insert purges one batch, not all of them.
        let t = T0.plus_secs(2);
        let _ = s
            .insert_if_absent_sync("fresh-0", b"", t, t.plus_secs(60))
            .unwrap();
        assert_eq!(s.len(), 1000 - PURGE_BATCH + 1);
        // Each further insert purges at most a batch more...
        let mut inserts = 1;
        while s.len() > inserts {
            let before = s.len();
            let _ = s
                .insert_if_absent_sync(&format!("fresh-{inserts}"), b"", t, t.plus_secs(60))
                .unwrap();
            inserts += 1;
            assert!(before + 1 - s.len() <= PURGE_BATCH);
        }
        // ...and once only the fresh keys are left, the table has shrunk.
        assert_eq!(s.len(), inserts);
        let shrunk = s.inner.lock(0).unwrap().capacity();
        assert!(shrunk < grown / 2, "capacity {shrunk}, was {grown}");
        // The fresh keys are all still single-use.
        for i in 0..inserts {
            assert_eq!(
                s.insert_if_absent_sync(&format!("fresh-{i}"), b"", t, t.plus_secs(60))
                    .unwrap(),
                Inserted::AlreadyPresent
            );
        }
    }

    #[test]
    fn a_full_shard_of_expired_keys_still_takes_an_insert() {
        let s = MemoryStore::with_capacity(100);
        for i in 0..100 {
            let _ = s
                .insert_if_absent_sync(&format!("k{i}"), b"", T0, T0.plus_secs(1))
                .unwrap();
        }
        let t = T0.plus_secs(1);
        assert_eq!(
            s.insert_if_absent_sync("new", b"", t, t.plus_secs(1))
                .unwrap(),
            Inserted::New
        );
    }

    #[test]
    fn purge_expired_is_bounded_by_its_budget() {
        let s = MemoryStore::with_capacity(100);
        for i in 0..100 {
            let _ = s
                .insert_if_absent_sync(&format!("k{i}"), b"", T0, T0.plus_secs(1))
                .unwrap();
        }
        assert_eq!(s.purge_expired(T0, 1000), 0, "nothing has expired yet");
        let t = T0.plus_secs(1);
        assert_eq!(s.purge_expired(t, 40), 40);
        assert_eq!(s.purge_expired(t, 1000), 60);
        assert!(s.is_empty());
    }
}
