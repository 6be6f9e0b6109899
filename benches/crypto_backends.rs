//! The signature backends side by side, on the same keys and signatures
//! (the valid cases of `test-vectors/signature/`): the measurement behind
//! the choice of the default native backend.
//!
//! `cargo bench --bench crypto_backends`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use idbridge::crypto::{self, Algorithm, AllowList, PublicKey, SignatureCheck};
use idbridge::{Error, ErrorCode};
use serde_json::Value;
use std::path::Path;

/// The first valid case of `alg` whose key is `key_file`.
fn case(alg: &str, key_file: &str) -> SignatureCheck {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/signature");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        for g in v["testGroups"].as_array().unwrap() {
            if !g["trust"]["public_key"]
                .as_str()
                .unwrap_or("")
                .ends_with(key_file)
            {
                continue;
            }
            for t in g["tests"].as_array().unwrap() {
                let ctx_alg = t["context"]["algorithm"]
                    .as_str()
                    .or(g["context"]["algorithm"].as_str());
                if t["result"] != "valid"
                    || ctx_alg != Some(alg)
                    || t["context"].get("allowed").is_some()
                {
                    continue;
                }
                let key =
                    std::fs::read(dir.join(g["trust"]["public_key"].as_str().unwrap())).unwrap();
                let key = PublicKey::from_spki_der(&key).unwrap();
                let sig = hex(t["context"]["signature"].as_str().unwrap());
                let msg = base64_decode(t["input"]["base64"].as_str().unwrap());
                return SignatureCheck::new(
                    AllowList::all(),
                    Algorithm::from_id(alg).unwrap(),
                    &key,
                    &msg,
                    &sig,
                    Error::new(ErrorCode::CryptoSignatureInvalid, "bench"),
                )
                .unwrap();
            }
        }
    }
    panic!(
        "no valid {alg} case with key {key_file} in {}",
        dir.display()
    );
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn base64_decode(s: &str) -> Vec<u8> {
    let table = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = s.bytes().filter(|c| *c != b'=').collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let mut acc = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            acc |= u32::from(table(*c)) << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

fn backends(c: &mut Criterion) {
    let cases = [
        (
            "rsa2048-pkcs1v15-sha256",
            case("rsa-pkcs1v15-sha256", "rsa2048.spki.der"),
        ),
        (
            "rsa2048-pss-sha256",
            case("rsa-pss-sha256", "rsa2048.spki.der"),
        ),
        (
            "rsa4096-pkcs1v15-sha256",
            case("rsa-pkcs1v15-sha256", "rsa4096.spki.der"),
        ),
        (
            "p256-sha256",
            case("ecdsa-p256-sha256-raw", "p256.spki.der"),
        ),
        (
            "p384-sha384",
            case("ecdsa-p384-sha384-raw", "p384.spki.der"),
        ),
        (
            "p521-sha512",
            case("ecdsa-p521-sha512-raw", "p521.spki.der"),
        ),
    ];
    for (name, check) in &cases {
        let mut group = c.benchmark_group(*name);
        for backend in crypto::backends() {
            assert!(
                backend.verify(check).is_ok(),
                "{} rejects {name}",
                backend.name()
            );
            group.bench_function(backend.name(), |b| b.iter(|| backend.verify(check)));
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = backends
}
criterion_main!(benches);
