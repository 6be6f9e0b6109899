//! The example servers' memory allocator (issue 21): jemalloc on Linux,
//! set up to give freed memory back to the operating system.
//!
//! With glibc's `malloc`, a server that held 20,000 sessions at once kept
//! its peak RSS after they expired (freed small chunks stay in its
//! arenas). jemalloc returns the pages of freed memory to the system once
//! they have been unused for [`DIRTY_DECAY_MS`], and [`init`] starts its
//! background threads so that this happens on an idle server too (without
//! them, purging only runs while the process allocates).
//!
//! Each server binary installs it (a `#[global_allocator]` belongs to a
//! binary) and calls [`init`] first thing:
//!
//! ```
//! #[global_allocator]
//! static ALLOCATOR: idbridge_example_serve::alloc::Allocator =
//!     idbridge_example_serve::alloc::ALLOCATOR;
//!
//! let name = idbridge_example_serve::alloc::init();
//! assert!(name == "jemalloc" || name == "system");
//! ```
//!
//! Where jemalloc is not built (not Linux, or WebAssembly) [`Allocator`] is
//! the system allocator and [`init`] does nothing. No `unsafe` here: the
//! settings go through `tikv-jemalloc-ctl`'s typed interface.

/// jemalloc keeps a freed page this long (milliseconds) before returning
/// it to the system: long enough that a busy server reuses its pages
/// instead of asking the system again, short enough that RSS falls within
/// seconds of the sessions expiring (jemalloc's own default is 10 s).
pub const DIRTY_DECAY_MS: isize = 1_000;

/// The example servers' global allocator: jemalloc on Linux.
#[cfg(all(target_os = "linux", not(target_arch = "wasm32")))]
pub type Allocator = tikv_jemallocator::Jemalloc;
/// The example servers' global allocator: jemalloc on Linux.
#[cfg(all(target_os = "linux", not(target_arch = "wasm32")))]
pub const ALLOCATOR: Allocator = tikv_jemallocator::Jemalloc;

/// The example servers' global allocator: the system's off Linux.
#[cfg(not(all(target_os = "linux", not(target_arch = "wasm32"))))]
pub type Allocator = std::alloc::System;
/// The example servers' global allocator: the system's off Linux.
#[cfg(not(all(target_os = "linux", not(target_arch = "wasm32"))))]
pub const ALLOCATOR: Allocator = std::alloc::System;

#[cfg(all(target_os = "linux", not(target_arch = "wasm32")))]
mod imp {
    use std::sync::atomic::{AtomicBool, Ordering};
    use tikv_jemalloc_ctl::{background_thread, epoch, stats, Access, AsName};

    /// Set by [`init`] once jemalloc is known to serve this process.
    static ACTIVE: AtomicBool = AtomicBool::new(false);

    /// Whether jemalloc is the process's global allocator: its count of
    /// allocated bytes grows by a probe of 1 MiB made through the global
    /// allocator (jemalloc allocates a little for itself either way).
    fn serving() -> bool {
        const PROBE: usize = 1 << 20;
        let allocated = || {
            epoch::advance().ok()?;
            stats::allocated::read().ok()
        };
        let Some(before) = allocated() else {
            return false;
        };
        let probe = std::hint::black_box(vec![0u8; PROBE]);
        let during = allocated();
        drop(probe);
        // Half the probe: other threads allocate and free meanwhile.
        during.is_some_and(|n| n >= before.saturating_add(PROBE / 2))
    }

    pub fn init() -> &'static str {
        if !serving() {
            return "system";
        }
        // The default for arenas created from now on, then each existing
        // one (an index not yet in use answers an error: skipped).
        let _ = b"arenas.dirty_decay_ms\0"
            .name()
            .write(super::DIRTY_DECAY_MS);
        let arenas = tikv_jemalloc_ctl::arenas::narenas::read().unwrap_or(0);
        for i in 0..arenas {
            let key = format!("arena.{i}.dirty_decay_ms\0");
            let _ = key.as_bytes().name().write(super::DIRTY_DECAY_MS);
        }
        // Threads that purge on the decay schedule, also while idle.
        let _ = background_thread::write(true);
        ACTIVE.store(true, Ordering::Relaxed);
        "jemalloc"
    }

    pub fn purging() -> bool {
        let decay = |key: &[u8]| key.name().read().ok() == Some(super::DIRTY_DECAY_MS);
        ACTIVE.load(Ordering::Relaxed)
            && background_thread::read().unwrap_or(false)
            && decay(b"arenas.dirty_decay_ms\0")
            && decay(b"arena.0.dirty_decay_ms\0")
    }

    pub fn resident_bytes() -> Option<u64> {
        if !ACTIVE.load(Ordering::Relaxed) {
            return None;
        }
        epoch::advance().ok()?;
        stats::resident::read()
            .ok()
            .and_then(|n| u64::try_from(n).ok())
    }
}

#[cfg(not(all(target_os = "linux", not(target_arch = "wasm32"))))]
mod imp {
    pub fn init() -> &'static str {
        "system"
    }
    pub fn purging() -> bool {
        false
    }
    pub fn resident_bytes() -> Option<u64> {
        None
    }
}

/// Sets jemalloc up (a decay of [`DIRTY_DECAY_MS`], background purging
/// threads) when it is this process's global allocator, and says which
/// allocator serves: `"jemalloc"` or `"system"`. Call it once at start-up,
/// after installing [`ALLOCATOR`]; it never fails (a setting jemalloc
/// refuses leaves its default).
pub fn init() -> &'static str {
    imp::init()
}

/// Whether [`init`]'s settings are in force: jemalloc serves this process,
/// its background threads run and its decay is [`DIRTY_DECAY_MS`]
/// (`false` with the system allocator).
pub fn purging() -> bool {
    imp::purging()
}

/// The bytes jemalloc holds in resident pages (its `stats.resident`: the
/// application's memory, its own metadata and not yet purged free pages),
/// when [`init`] found jemalloc serving this process; else `None`. Shown as
/// `idbridge_allocator_resident_bytes` in `/metrics`.
pub fn resident_bytes() -> Option<u64> {
    imp::resident_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_without_jemalloc_installed_leaves_it_off() {
        // This test binary uses the system allocator: jemalloc has served
        // nothing, so it is not set up and no figure is shown.
        assert_eq!(init(), "system");
        assert!(!purging());
        assert_eq!(resident_bytes(), None);
    }
}
