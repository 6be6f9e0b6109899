//! An SD-JWT VC presentation beside its floor: a PID `dc+sd-jwt` (ES256)
//! with 10 disclosures (one recursive, one array element), its KB-JWT
//! (ES256) and a 2-bit Token Status List the issuer signs (ES256), against
//! the same input's three signature checks alone, on the same backend, in
//! the same run.
//!
//! Input: the `sdjwt` workload of `idbridge bench`
//! (`idbridge_vectors::bench`): `test-vectors/sd-jwt-vc/generated.json`
//! tcId 30 (case `pid-10` of `test-vectors/sdjwt-generator/`).
//!
//! `cargo bench --bench sdjwt --features sdjwt`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use idbridge::crypto;
use idbridge_vectors::bench;

fn sdjwt(c: &mut Criterion) {
    bench::with_workloads(|workloads| {
        let w = workloads.iter().find(|w| w.name == "sdjwt").unwrap();
        eprintln!("sdjwt: {}", w.input);
        for backend in crypto::backends() {
            let checks = w.floor_checks(*backend).unwrap();
            assert_eq!(checks.len(), 3);
            let floor = || {
                for check in &checks {
                    backend.verify(check).unwrap();
                }
            };
            floor();
            let mut group = c.benchmark_group(format!("sdjwt/{}", backend.name()));
            group.bench_function("presentation", |b| b.iter(|| w.verify(*backend).unwrap()));
            group.bench_function("floor", |b| b.iter(floor));
            group.finish();
        }
    })
    .unwrap();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = sdjwt
}
criterion_main!(benches);
