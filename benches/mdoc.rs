//! An mdoc DeviceResponse beside its floor: the own TEST IT PID (every
//! element disclosed, ES256 issuerAuth from a P-256 document signer, SHA-256
//! digests, ES256 deviceSignature over the OpenID4VP handover), against the
//! same input's three signature checks alone (the IACA's on the DS
//! certificate, issuerAuth, deviceSignature), on the same backend, in the
//! same run. Issue 18's target: at most 1.2 x the floor natively.
//!
//! Input: the `mdoc` workload of `idbridge bench`
//! (`idbridge_vectors::bench`): the imported `mdoc` suite's
//! `own-pki.json` tcId 1.
//!
//! `cargo bench --bench mdoc --features mdoc`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use idbridge::crypto;
use idbridge_vectors::bench;

fn mdoc(c: &mut Criterion) {
    bench::with_workloads(|workloads| {
        let w = workloads.iter().find(|w| w.name == "mdoc").unwrap();
        eprintln!("mdoc: {}", w.input);
        for backend in crypto::backends() {
            let checks = w.floor_checks(*backend).unwrap();
            assert_eq!(checks.len(), 3);
            let floor = || {
                for check in &checks {
                    backend.verify(check).unwrap();
                }
            };
            floor();
            let mut group = c.benchmark_group(format!("mdoc/{}", backend.name()));
            group.bench_function("device_response", |b| {
                b.iter(|| w.verify(*backend).unwrap())
            });
            group.bench_function("floor", |b| b.iter(floor));
            group.finish();
        }
    })
    .unwrap();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = mdoc
}
criterion_main!(benches);
