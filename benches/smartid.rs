//! A Smart-ID session status beside its floor: an ACSP_V2 response (QR
//! flow) whose RSA-6144 RSASSA-PSS SHA3-512 signature is checked over the
//! payload rebuilt from the RP's values, under a P-384 CA, against the
//! same input's two signature checks alone (the CA's, recorded; the
//! RSASSA-PSS over the already-rebuilt payload), on the same backend, in
//! the same run.
//!
//! Input: the `smartid` workload of `idbridge bench`
//! (`idbridge_vectors::bench`): the imported `smart-id` suite's tcId 1.
//!
//! `cargo bench --bench smartid --features smartid`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use idbridge::crypto;
use idbridge_vectors::bench;

fn smartid(c: &mut Criterion) {
    bench::with_workloads(|workloads| {
        let w = workloads.iter().find(|w| w.name == "smartid").unwrap();
        eprintln!("smartid: {}", w.input);
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
            let mut group = c.benchmark_group(format!("smartid/{}", backend.name()));
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
    targets = smartid
}
criterion_main!(benches);
