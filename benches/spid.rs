//! SPID and CIE ID Response verification beside two floors, on the same
//! backend, in the same run:
//!
//! - `floor`: the same Response's signature checks alone (the Response's
//!   and the Assertion's: RSA over each canonical SignedInfo), as recorded
//!   while the Response is verified;
//! - `floor_digests`: those plus each reference digest over its
//!   already-canonical content, compared with its DigestValue: the whole
//!   cryptography of the two XML signatures, with no parsing and no
//!   canonicalization.
//!
//! Inputs: the workloads of `idbridge bench` (`idbridge_vectors::bench`),
//! `test-vectors/spid/input.json` and `test-vectors/cie/profile.json`
//! tcId 1: valid Responses signed as well as their Assertions.
//!
//! `cargo bench --bench spid` (groups `spid/<backend>` and `cie/<backend>`)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use idbridge::crypto;
use idbridge_vectors::bench;

fn saml(c: &mut Criterion) {
    bench::with_workloads(|workloads| {
        for w in workloads.iter().filter(|w| w.name != "webeid") {
            eprintln!("{}: {}", w.name, w.input);
            for backend in crypto::backends() {
                let checks = w.floor_checks(*backend).unwrap();
                assert_eq!(checks.len(), 2);
                let floor = || {
                    for check in &checks {
                        backend.verify(check).unwrap();
                    }
                };
                floor();
                w.verify_digests(*backend).unwrap().unwrap();
                let mut group = c.benchmark_group(format!("{}/{}", w.name, backend.name()));
                group.bench_function("verify_response", |b| {
                    b.iter(|| w.verify(*backend).unwrap())
                });
                group.bench_function("floor", |b| b.iter(floor));
                group.bench_function("floor_digests", |b| {
                    b.iter(|| w.verify_digests(*backend).unwrap().unwrap())
                });
                group.finish();
            }
        }
    })
    .unwrap();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(std::time::Duration::from_secs(3));
    targets = saml
}
criterion_main!(benches);
