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
        "saml_logout" => vec!["fuzz/seeds/saml_logout"],
        "smartid" => vec!["test-vectors/conformance/smart-id/upstream"],
        "cbor" | "cose" | "mdoc" => vec!["test-vectors/conformance/mdoc/upstream"],
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

/// The `saml_logout` seeds are the test IdP's signed logout messages, as
/// `idbridge_vectors::fuzz::saml_logout_seeds` rebuilds them, and each one
/// is accepted (so the fuzzer starts past the signature checks).
/// `IDBRIDGE_WRITE_FUZZ_SEEDS=1` rewrites them.
#[test]
fn the_saml_logout_seeds_are_current_and_accepted() {
    use idbridge::saml_sp::{self as sp, LogoutExpectations, LogoutSession, SentLogout};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("fuzz/seeds/saml_logout");
    let write = std::env::var_os("IDBRIDGE_WRITE_FUZZ_SEEDS").is_some();
    let registry = idbridge::IdpRegistry::builder()
        .pinned_metadata(&std::fs::read(root.join("test-vectors/spid/metadata/idp.xml")).unwrap())
        .unwrap()
        .build();
    let t = |s| idbridge::UnixTime::parse_rfc3339(s).unwrap();
    let idp = "https://idp.idbridge.test/spid";
    let sent = SentLogout {
        id: "_req1".into(),
        issue_instant: t("2026-03-01T11:00:00Z"),
        idp_entity_id: idp.into(),
    };
    let session = LogoutSession {
        idp_entity_id: idp,
        session_index: "_sess1",
        name_id: Some("_name1"),
    };
    let now = t("2026-03-01T11:00:10Z");
    let mut exp = LogoutExpectations::new("https://sp.example.it", "https://sp.example.it/slo");
    exp.input = idbridge::spid::InputEncoding::Xml;
    let seeds = idbridge_vectors::fuzz::saml_logout_seeds();
    assert_eq!(seeds.len(), 4);
    for (name, bytes) in &seeds {
        let path = dir.join(name);
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, bytes).unwrap();
        }
        assert_eq!(
            &std::fs::read(&path).unwrap(),
            bytes,
            "{name} is stale: IDBRIDGE_WRITE_FUZZ_SEEDS=1 cargo test --test fuzz_replay"
        );
        let text = std::str::from_utf8(bytes).unwrap();
        let accepted = match *name {
            "response-post.xml" => {
                sp::verify_logout_response(&registry, bytes, &exp, &sent, now).map(|_| ())
            }
            "request-post.xml" => {
                sp::verify_logout_request(&registry, bytes, &exp, &session, now).map(|_| ())
            }
            "response-redirect.txt" => {
                sp::verify_logout_response_redirect(&registry, text, &exp, &sent, now).map(|_| ())
            }
            "request-redirect.txt" => {
                sp::verify_logout_request_redirect(&registry, text, &exp, &session, now).map(|_| ())
            }
            other => panic!("unexpected seed {other}"),
        };
        assert!(accepted.is_ok(), "{name}: {accepted:?}");
    }
}
