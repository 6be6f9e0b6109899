//! A SPID/CIE OpenID Connect login beside its floor: the OP's trust chain
//! (three entity statements), the ID token (RS256) with its access token,
//! and the UserInfo (RSA-OAEP + A256CBC-HS512 around an RS256 JWS), against
//! the same inputs' signature checks (the chain's and the two tokens') and
//! the UserInfo's decryption alone, on the same backend, in the same run.
//!
//! Input: the `oidc` workload of `idbridge bench`
//! (`idbridge_vectors::bench`): the imported `oidc-trust-chain` suite's
//! OP chain and the imported `oidc-id-token` suite's genuine login.
//!
//! `cargo bench --bench oidc --features oidc`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use idbridge::crypto;
use idbridge_vectors::bench;

fn oidc(c: &mut Criterion) {
    bench::with_workloads(|workloads| {
        let w = workloads.iter().find(|w| w.name == "oidc").unwrap();
        eprintln!("oidc: {}", w.input);
        for backend in crypto::backends() {
            let checks = w.floor_checks(*backend).unwrap();
            assert!(checks.len() > 2);
            let floor = || {
                for check in &checks {
                    backend.verify(check).unwrap();
                }
                w.floor_extra().unwrap();
            };
            floor();
            let mut group = c.benchmark_group(format!("oidc/{}", backend.name()));
            group.bench_function("chain_and_login", |b| {
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
    targets = oidc
}
criterion_main!(benches);
