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

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

fn mdoc(c: &mut Criterion) {
    common::verifier_beside_floor(c, "mdoc", "device_response", 3);
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = mdoc
}
criterion_main!(benches);
