//! A Mobile-ID session status beside its floor: SK's TEST person's P-256
//! raw r||s signature over a SHA-512 hash, under an RSA-4096 CA, against
//! the same input's two signature checks alone (the CA's, recorded; the
//! ECDSA over the RP's hash), on the same backend, in the same run.
//!
//! Input: the `mobileid` workload of `idbridge bench`
//! (`idbridge_vectors::bench`): the imported `mobile-id` suite's tcId 1.
//!
//! `cargo bench --bench mobileid --features mobileid`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use idbridge::crypto;
use idbridge_vectors::bench;

fn mobileid(c: &mut Criterion) {
    bench::with_workloads(|workloads| {
        let w = workloads.iter().find(|w| w.name == "mobileid").unwrap();
        eprintln!("mobileid: {}", w.input);
        for backend in crypto::backends() {
            let checks = w.floor_checks(*backend).unwrap();
            assert_eq!(checks.len(), 1);
            let floor = || {
                for check in &checks {
                    backend.verify(check).unwrap();
                }
                w.floor_extra().unwrap();
            };
            floor();
            let mut group = c.benchmark_group(format!("mobileid/{}", backend.name()));
            group.bench_function("session_status", |b| b.iter(|| w.verify(*backend).unwrap()));
            group.bench_function("floor", |b| b.iter(floor));
            group.finish();
        }
    })
    .unwrap();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = mobileid
}
criterion_main!(benches);
