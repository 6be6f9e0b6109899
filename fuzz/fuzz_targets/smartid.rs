//! Fuzz target `smartid`: the body is `idbridge_vectors::fuzz::smartid`, shared
//! with the corpus-replay test that `cargo test` runs on stable (tests/fuzz_replay.rs).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| idbridge_vectors::fuzz::smartid(data));
