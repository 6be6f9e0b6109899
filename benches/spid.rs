//! SPID and CIE ID Response verification beside two floors, on the same
//! backend, in the same run:
//!
//! - `floor`: the same Response's signature checks alone (the Response's,
//!   when signed, and the Assertion's: RSA over each canonical SignedInfo);
//! - `floor_digests`: those plus each reference digest over its
//!   already-canonical content, compared with its DigestValue: the whole
//!   cryptography of the two XML signatures, with no parsing and no
//!   canonicalization.
//!
//! Input: the inputs of `idbridge bench` (and of the browser harness),
//! `test-vectors/spid/input.json` and `test-vectors/cie/profile.json`
//! tcId 1: valid Responses signed as well as their Assertions (two
//! signatures, as the IdPs send).
//!
//! `cargo bench --bench spid` (groups `spid/<backend>` and `cie/<backend>`)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use idbridge::cie;
use idbridge::spid::{self, Comparison, Expectations, InputEncoding, Level};
use idbridge::{crypto, Trust, UnixTime};
use serde_json::Value;
use std::path::{Path, PathBuf};

struct Input {
    xml: String,
    metadata: Vec<Vec<u8>>,
    ctx: serde_json::Map<String, Value>,
}

fn find_input(system: &str, file: &str, tc_id: u64) -> Input {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("test-vectors/{system}"));
    let files: Vec<PathBuf> = vec![dir.join(file)];
    for f in files {
        let v: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        if v["kind"] != format!("{system}-saml").as_str() {
            continue;
        }
        for g in v["testGroups"].as_array().unwrap() {
            for t in g["tests"].as_array().unwrap() {
                let mut ctx = g["context"].as_object().unwrap().clone();
                if let Some(o) = t["context"].as_object() {
                    ctx.extend(o.clone());
                }
                if t["tcId"] != tc_id || t["result"] != "valid" || t["input"]["file"].is_null() {
                    continue;
                }
                let raw = std::fs::read(
                    f.parent()
                        .unwrap()
                        .join(t["input"]["file"].as_str().unwrap()),
                )
                .unwrap();
                let xml = if ctx.get("input_encoding").is_some_and(|e| e == "xml") {
                    String::from_utf8(raw).unwrap()
                } else {
                    use base64::Engine as _;
                    let compact: Vec<u8> = raw
                        .into_iter()
                        .filter(|b| !b.is_ascii_whitespace())
                        .collect();
                    String::from_utf8(
                        base64::engine::general_purpose::STANDARD
                            .decode(compact)
                            .unwrap(),
                    )
                    .unwrap()
                };
                // Both signatures, as most SPID IdPs send them.
                assert!(
                    xml.matches("SignatureValue>").count() >= 4,
                    "{file} tcId {tc_id}"
                );
                let metadata = g["trust"]["idp_metadata"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| std::fs::read(f.parent().unwrap().join(m.as_str().unwrap())).unwrap())
                    .collect();
                return Input { xml, metadata, ctx };
            }
        }
    }
    panic!(
        "no valid doubly signed {system}-saml case in {}",
        dir.display()
    );
}

fn bench_system(c: &mut Criterion, system: &str, file: &str, tc_id: u64) {
    let input = find_input(system, file, tc_id);
    let mut builder = Trust::builder();
    for m in &input.metadata {
        builder = builder.pin_saml_idp_metadata(m).unwrap();
    }
    let trust = builder.build().unwrap();
    let s = |k: &str| input.ctx[k].as_str().unwrap();
    let mut exp = Expectations::new(s("sp_entity_id"), s("acs_url"), s("request_id"));
    exp.input = InputEncoding::Xml;
    if let Some(l) = input.ctx.get("min_level").and_then(Value::as_str) {
        exp.min_level = Level::from_name(l).unwrap();
    }
    if let Some(c) = input.ctx.get("comparison").and_then(Value::as_str) {
        exp.comparison = Comparison::from_name(c).unwrap();
    }
    if let Some(t) = input
        .ctx
        .get("request_issue_instant")
        .and_then(Value::as_str)
    {
        exp.request_issue_instant = Some(UnixTime::parse_rfc3339(t).unwrap());
    }
    let now = UnixTime::parse_rfc3339(s("now")).unwrap();
    let verify = |backend: &dyn crypto::Backend| match system {
        "spid" => spid::verify_response_with(backend, &trust, input.xml.as_bytes(), &exp, now),
        _ => cie::verify_response_with(backend, &trust, input.xml.as_bytes(), &exp, now),
    };
    let idp = verify(crypto::default_backend()).unwrap().idp_entity_id;
    let checks = spid::bare_signature_checks(&trust, &input.xml, &idp).unwrap();
    let signatures = spid::bare_signatures(&trust, &input.xml, &idp).unwrap();
    assert_eq!(checks.len(), 2);
    assert_eq!(signatures.len(), 2);
    eprintln!(
        "{system}: {} bytes of XML, canonical signed content {:?} bytes",
        input.xml.len(),
        signatures
            .iter()
            .map(|s| s.content_len())
            .collect::<Vec<_>>()
    );
    for backend in crypto::backends() {
        for check in &checks {
            assert!(backend.verify(check).is_ok());
        }
        for signature in &signatures {
            signature.verify(*backend).unwrap();
        }
        let mut group = c.benchmark_group(format!("{system}/{}", backend.name()));
        group.bench_function("verify_response", |b| b.iter(|| verify(*backend).unwrap()));
        group.bench_function("floor", |b| {
            b.iter(|| {
                for check in &checks {
                    backend.verify(check).unwrap();
                }
            })
        });
        group.bench_function("floor_digests", |b| {
            b.iter(|| {
                for signature in &signatures {
                    signature.verify(*backend).unwrap();
                }
            })
        });
        group.finish();
    }
}

fn spid(c: &mut Criterion) {
    bench_system(c, "spid", "input.json", 1);
}

fn cie(c: &mut Criterion) {
    bench_system(c, "cie", "profile.json", 1);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(std::time::Duration::from_secs(3));
    targets = spid, cie
}
criterion_main!(benches);
