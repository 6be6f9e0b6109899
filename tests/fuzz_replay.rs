//! Corpus replay: every seed (the repository's test inputs) and every
//! committed crash-regression input goes through every fuzz target's body
//! on stable Rust. A fuzzer finding, once fixed, stays fixed here.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_none_or(|x| x != "md") {
            out.push(p);
        }
    }
}

/// The seed folders of each target (as `fuzz/seed.sh` copies them).
fn seeds(target: &str) -> Vec<&'static str> {
    match target {
        "spki" => vec!["test-vectors/keys"],
        "vector_file" => vec!["test-vectors/signature"],
        "webeid_token" => vec!["test-vectors/webeid/tokens"],
        "saml_response" => vec!["test-vectors/spid/responses", "test-vectors/cie/responses"],
        "saml_metadata" => vec!["test-vectors/spid/metadata", "test-vectors/cie/metadata"],
        "ocsp_response" => vec!["test-vectors/webeid/ocsp"],
        "x509_certificate" => vec!["test-vectors/webeid/pki", "test-vectors/xmldsig/certs"],
        "xml_c14n" => vec!["test-vectors/c14n/corpus", "test-vectors/xmldsig/inputs"],
        "jose_jwe" => vec!["fuzz/seeds/jose_jwe", "test-vectors/keys/jwe"],
        "oidc_federation" => vec!["test-vectors/conformance/oidc-trust-chain/upstream/chains"],
        "mobileid" => vec!["test-vectors/conformance/mobile-id/upstream"],
        "icao_sod" => vec![
            "test-vectors/conformance/icao-sod/upstream/bundles",
            "test-vectors/icao",
        ],
        "sdjwt" => vec![
            "test-vectors/conformance/sd-jwt-vc/upstream/own/presentations",
            "test-vectors/conformance/sd-jwt-vc/upstream/own/status",
            "test-vectors/conformance/sd-jwt-vc/upstream/public",
        ],
        _ => vec![],
    }
}

#[test]
fn every_seed_and_regression_runs_through_every_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    for (name, body) in idbridge_vectors::fuzz::TARGETS {
        let mut inputs = Vec::new();
        for dir in seeds(name) {
            files(&root.join(dir), &mut inputs);
        }
        files(&root.join("fuzz/regressions").join(name), &mut inputs);
        // Every target also gets the empty input and a few degenerate ones.
        let mut runs = vec![
            Vec::new(),
            vec![0u8],
            vec![0xff; 3],
            b"<".to_vec(),
            b"{".to_vec(),
        ];
        runs.extend(inputs.iter().map(|p| std::fs::read(p).unwrap()));
        for data in &runs {
            body(data);
        }
        println!("{name}: {} inputs", runs.len());
        total += runs.len();
    }
    assert!(total > 1000, "only {total} inputs replayed");
}

#[test]
fn every_fuzz_target_has_a_body_and_the_bodies_all_have_targets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("fuzz/Cargo.toml")).unwrap();
    for (name, _) in idbridge_vectors::fuzz::TARGETS {
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "{name} is not a fuzz target"
        );
        assert!(root.join(format!("fuzz/fuzz_targets/{name}.rs")).is_file());
    }
    let declared = manifest.matches("[[bin]]").count();
    assert_eq!(declared, idbridge_vectors::fuzz::TARGETS.len());
}
