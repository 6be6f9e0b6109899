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

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

fn mobileid(c: &mut Criterion) {
    common::verifier_beside_floor(c, "mobileid", "session_status", 1);
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = mobileid
}
criterion_main!(benches);
