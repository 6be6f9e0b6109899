//! Web eID token verification beside its floor: the same token's two
//! signature checks alone (the issuing CA's signature on the user
//! certificate, and the token's signature over H(origin) ‖ H(nonce)), on
//! the same backend, in the same run.
//!
//! Input: the first valid ES384 case without OCSP in `test-vectors/webeid/`
//! (our generated test PKI: a P-521 issuing CA and a P-384 card key, as on
//! Estonian ID cards).
//!
//! `cargo bench --bench webeid`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use idbridge::crypto::{self, Algorithm, AllowList, Curve, EcdsaEncoding, HashAlg, PublicKey};
use idbridge::webeid::{self, Expectations};
use idbridge::{Trust, UnixTime};
use serde_json::Value;
use std::path::{Path, PathBuf};
use x509_parser::prelude::{FromDer, X509Certificate};

struct Input {
    token: Vec<u8>,
    anchors: Vec<Vec<u8>>,
    origin: String,
    nonce: String,
    now: UnixTime,
}

fn find_input() -> Input {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/webeid");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for f in files {
        let v: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        if v["kind"] != "webeid" {
            continue;
        }
        for g in v["testGroups"].as_array().unwrap() {
            for t in g["tests"].as_array().unwrap() {
                let mut ctx = g["context"].as_object().unwrap().clone();
                if let Some(o) = t["context"].as_object() {
                    ctx.extend(o.clone());
                }
                let ocsp_off = ctx.get("ocsp").is_none_or(|o| o == "off");
                if t["result"] != "valid" || !ocsp_off || t["input"]["file"].is_null() {
                    continue;
                }
                let token = std::fs::read(
                    f.parent()
                        .unwrap()
                        .join(t["input"]["file"].as_str().unwrap()),
                )
                .unwrap();
                let tv: Value = serde_json::from_slice(&token).unwrap();
                if tv["algorithm"] != "ES384" || tv["format"] != "web-eid:1.0" {
                    continue;
                }
                let anchors = g["trust"]["anchors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| std::fs::read(f.parent().unwrap().join(a.as_str().unwrap())).unwrap())
                    .collect();
                return Input {
                    token,
                    anchors,
                    origin: ctx["origin"].as_str().unwrap().into(),
                    nonce: ctx["nonce"].as_str().unwrap().into(),
                    now: UnixTime::parse_rfc3339(ctx["now"].as_str().unwrap()).unwrap(),
                };
            }
        }
    }
    panic!(
        "no valid ES384 web-eid:1.0 case without OCSP in {}",
        dir.display()
    );
}

fn der(pem_or_der: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(pem_or_der);
    if let Some(start) = text.find("-----BEGIN CERTIFICATE-----") {
        let body: String = text[start + 27..]
            .split("-----END")
            .next()
            .unwrap()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap()
    } else {
        pem_or_der.to_vec()
    }
}

fn webeid(c: &mut Criterion) {
    let input = find_input();
    let mut builder = Trust::builder();
    for a in &input.anchors {
        builder = builder.webeid_anchor(a).unwrap();
    }
    let trust = builder.build().unwrap();
    let expectations = Expectations::new(&input.origin, &input.nonce);

    // The floor's inputs: the user certificate's signature by its issuer,
    // and the token signature.
    let token: Value = serde_json::from_slice(&input.token).unwrap();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let leaf_der = b64
        .decode(token["unverifiedCertificate"].as_str().unwrap())
        .unwrap();
    let (_, leaf) = X509Certificate::from_der(&leaf_der).unwrap();
    let issuer = input
        .anchors
        .iter()
        .map(|a| der(a))
        .find(|a| X509Certificate::from_der(a).unwrap().1.subject() == leaf.issuer())
        .expect("the anchor that issued the leaf");
    let (_, issuer_cert) = X509Certificate::from_der(&issuer).unwrap();
    let issuer_key = PublicKey::from_spki_der(issuer_cert.public_key().raw).unwrap();
    let leaf_key = PublicKey::from_spki_der(leaf.public_key().raw).unwrap();
    let chain_alg = Algorithm::Ecdsa {
        curve: issuer_key.ec_point().unwrap().0,
        hash: match leaf.signature_algorithm.algorithm.to_id_string().as_str() {
            "1.2.840.10045.4.3.2" => HashAlg::Sha256,
            "1.2.840.10045.4.3.3" => HashAlg::Sha384,
            _ => HashAlg::Sha512,
        },
        encoding: EcdsaEncoding::Der,
    };
    assert_eq!(leaf_key.ec_point().unwrap().0, Curve::P384);
    let mut message = HashAlg::Sha384.digest(input.origin.as_bytes());
    message.extend_from_slice(&HashAlg::Sha384.digest(input.nonce.as_bytes()));
    let token_sig = b64.decode(token["signature"].as_str().unwrap()).unwrap();
    let tbs = leaf.tbs_certificate.as_ref().to_vec();
    let cert_sig = leaf.signature_value.data.to_vec();

    for backend in crypto::backends() {
        let floor = || {
            crypto::verify_with_key(
                *backend,
                AllowList::all(),
                chain_alg,
                &issuer_key,
                &tbs,
                &cert_sig,
            )
            .unwrap();
            crypto::verify_with_key(
                *backend,
                AllowList::all(),
                Algorithm::ECDSA_P384_SHA384_RAW,
                &leaf_key,
                &message,
                &token_sig,
            )
            .unwrap();
        };
        floor();
        webeid::verify_token_with(*backend, &trust, &input.token, &expectations, input.now)
            .unwrap();
        let mut group = c.benchmark_group(format!("webeid/{}", backend.name()));
        group.bench_function("verify_token", |b| {
            b.iter(|| {
                webeid::verify_token_with(*backend, &trust, &input.token, &expectations, input.now)
                    .unwrap()
            })
        });
        group.bench_function("floor", |b| b.iter(floor));
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(4));
    targets = webeid
}
criterion_main!(benches);
