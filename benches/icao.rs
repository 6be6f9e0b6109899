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

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

fn icao(c: &mut Criterion) {
    common::verifier_beside_floor(c, "icao", "passive_authentication", 2);
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = icao
}
criterion_main!(benches);
