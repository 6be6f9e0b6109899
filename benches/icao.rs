//! ICAO 9303 passive authentication beside its floor: an EF.SOD with four
//! data groups (DG1, DG2, DG11, DG14), RSASSA-PSS SHA-256 by an RSA-2048
//! document signer under an RSA-2048 CSCA, against the same input's two
//! signature checks alone (the CSCA's on the DS, the DS's on the signed
//! attributes), on the same backend, in the same run.
//!
//! Input: the `icao` workload of `idbridge bench` (`idbridge_vectors::bench`):
//! `test-vectors/icao/sod-4dg.json`.
//!
//! `cargo bench --bench icao --features icao`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use idbridge::crypto;
use idbridge_vectors::bench;

fn icao(c: &mut Criterion) {
    bench::with_workloads(|workloads| {
        let w = workloads.iter().find(|w| w.name == "icao").unwrap();
        eprintln!("icao: {}", w.input);
        for backend in crypto::backends() {
            let checks = w.floor_checks(*backend).unwrap();
            assert_eq!(checks.len(), 2);
            let floor = || {
                for check in &checks {
                    backend.verify(check).unwrap();
                }
            };
            floor();
            let mut group = c.benchmark_group(format!("icao/{}", backend.name()));
            group.bench_function("passive_authentication", |b| {
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
    targets = icao
}
criterion_main!(benches);
