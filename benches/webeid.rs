//! Web eID token verification beside its floor: the same token's signature
//! checks alone (the issuing CA's signature on the user certificate, and the
//! token's signature over H(origin) ‖ H(nonce)), as recorded while the
//! token is verified, on the same backend, in the same run.
//!
//! Input: the Web eID workload of `idbridge bench`
//! (`idbridge_vectors::bench`): an ES384 `web-eid:1.0` token from our test
//! PKI, a P-384 card key under a P-521 issuing CA, as on Estonian ID cards.
//!
//! `cargo bench --bench webeid`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use idbridge::crypto;
use idbridge_vectors::bench;

fn webeid(c: &mut Criterion) {
    bench::with_workloads(|workloads| {
        let w = workloads.iter().find(|w| w.name == "webeid").unwrap();
        eprintln!("webeid: {}", w.input);
        for backend in crypto::backends() {
            let checks = w.floor_checks(*backend).unwrap();
            assert_eq!(checks.len(), 2);
            let floor = || {
                for check in &checks {
                    backend.verify(check).unwrap();
                }
            };
            floor();
            let mut group = c.benchmark_group(format!("webeid/{}", backend.name()));
            group.bench_function("verify_token", |b| b.iter(|| w.verify(*backend).unwrap()));
            group.bench_function("floor", |b| b.iter(floor));
            group.finish();
        }
    })
    .unwrap();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(4));
    targets = webeid
}
criterion_main!(benches);
