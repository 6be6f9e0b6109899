//! Peak heap per verification, counted by a global allocator (peak_alloc): a SAML
//! verification must stay within 4 × its input + 64 KiB (the budget of the
//! performance issue); a Web eID token within 64 KiB + 16 × its size.
//! Allocations are deterministic for a given build and input, so this is a
//! test, not a bench. The figures are printed for the README's table.

use idbridge::crypto;
use idbridge_vectors::bench;
use peak_alloc::PeakAlloc;
use std::sync::Mutex;

#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

/// One measurement at a time (the test harness runs tests on threads).
static LOCK: Mutex<()> = Mutex::new(());

/// Peak heap bytes above the baseline during `f`.
fn measure(f: impl FnOnce()) -> usize {
    let base = ALLOC.current_usage();
    ALLOC.reset_peak_usage();
    f();
    ALLOC.peak_usage().saturating_sub(base)
}

#[test]
fn peak_heap_per_verification_is_within_budget() {
    let _one = LOCK.lock().unwrap();
    bench::with_workloads(|workloads| {
        for w in workloads {
            for backend in crypto::backends() {
                // Warm once (lazy statics, backend tables), then measure.
                w.verify(*backend).unwrap();
                let peak = measure(|| w.verify(*backend).unwrap());
                let input = w
                    .input
                    .split_whitespace()
                    .find_map(|t| {
                        t.strip_suffix("-byte")
                            .and_then(|n| n.parse::<usize>().ok())
                    })
                    .unwrap();
                let budget = if w.name == "webeid" {
                    64 * 1024 + 16 * input
                } else {
                    4 * input + 64 * 1024
                };
                println!(
                    "{} on {}: peak heap {peak} bytes for a {input}-byte input (budget {budget})",
                    w.name,
                    backend.name()
                );
                assert!(
                    peak <= budget,
                    "{} on {}: peak heap {peak} > budget {budget}",
                    w.name,
                    backend.name()
                );
            }
        }
    })
    .unwrap();
}
