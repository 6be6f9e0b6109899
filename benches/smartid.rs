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

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

fn smartid(c: &mut Criterion) {
    common::verifier_beside_floor(c, "smartid", "session_status", 1);
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = smartid
}
criterion_main!(benches);
