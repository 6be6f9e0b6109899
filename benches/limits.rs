//! The time to refuse each input built to exhaust a limit (issue 7, item
//! 4): the same inputs as `tests/limits.rs`, through the public API, each
//! refused with its stable code (asserted once before timing). The target
//! is under 10 ms per refusal; it is measured here, never asserted.
//!
//! `cargo bench --bench limits -- --warm-up-time 1 --measurement-time 2`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine as _;
use criterion::{criterion_group, criterion_main, Criterion};
use idbridge::spid::{self, InputEncoding};
use idbridge::webeid::{self, Expectations};
use idbridge::{Trust, UnixTime};
use std::hint::black_box;
use std::path::PathBuf;

const MIB5: usize = 5 * 1024 * 1024;
const ORIGIN: &str = "https://rp.idbridge.test";
const NONCE: &str = "A+n4OagGZruk8XYEl5FyPtaLI9Q7EilWaobazc04/5w=";

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn b64(bytes: &[u8]) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .encode(bytes)
        .into_bytes()
}

fn response(extensions: &str, attrs: &str) -> String {
    format!(
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" \
         xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"{attrs} ID=\"_limits\" Version=\"2.0\" \
         IssueInstant=\"2026-03-01T10:00:10Z\" Destination=\"https://sp.idbridge.test/acs\" \
         InResponseTo=\"_idbr-spid-req-5f0e8c1a9d3b47e2a6c4\">\
         <saml:Issuer>https://idp.idbridge.test/spid</saml:Issuer>\
         <samlp:Extensions>{extensions}</samlp:Extensions></samlp:Response>"
    )
}

fn saml(c: &mut Criterion) {
    let trust = Trust::builder()
        .pin_saml_idp_metadata(&read("test-vectors/spid/metadata/idp.xml"))
        .unwrap()
        .build()
        .unwrap();
    let now = UnixTime::parse_rfc3339("2026-03-01T10:00:30Z").unwrap();
    let exp = |input| {
        let mut e = spid::Expectations::new(
            "https://sp.idbridge.test",
            "https://sp.idbridge.test/acs",
            "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4",
        );
        e.input = input;
        e
    };
    let raw = exp(InputEncoding::Xml);
    let posted = exp(InputEncoding::Base64);

    let mut over = response("", "").into_bytes();
    over.resize(MIB5 + 1, b' ');
    let over_b64 = b64(&over);
    let deep = response(
        &format!("{}{}", "<x>".repeat(9_998), "</x>".repeat(9_998)),
        "",
    );
    let attrs: String = (0..100_000).map(|i| format!(" a{i}=\"{i}\"")).collect();
    let wide = response(&format!("<x xmlns=\"urn:x\"{attrs}/>"), "");
    let nodes = response(&"<x xmlns=\"urn:x\"/>".repeat(100_001), "");
    let siblings = format!("<r>{}</r>", "<a/>".repeat(1_000_000));
    let bomb = format!(
        "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">{}]><r>&e9;</r>",
        (1..10)
            .map(|i| format!(
                "<!ENTITY e{i} \"{}\">",
                format!(
                    "&{};",
                    if i == 1 {
                        "a".into()
                    } else {
                        format!("e{}", i - 1)
                    }
                )
                .repeat(10)
            ))
            .collect::<String>()
    );

    let cases: Vec<(&str, &[u8], &spid::Expectations<'_>, &str)> = vec![
        ("saml 5 MiB + 1 raw", &over, &raw, "input.too_large"),
        (
            "saml 5 MiB + 1 base64 (decoded, then refused)",
            &over_b64,
            &posted,
            "input.too_large",
        ),
        (
            "saml 10,000-deep",
            deep.as_bytes(),
            &raw,
            "xml.limits.exceeded",
        ),
        (
            "saml 100,000 attributes",
            wide.as_bytes(),
            &raw,
            "xml.limits.exceeded",
        ),
        (
            "saml 100,001 nodes",
            nodes.as_bytes(),
            &raw,
            "xml.limits.exceeded",
        ),
        (
            "xml 1,000,000 siblings",
            siblings.as_bytes(),
            &raw,
            "xml.limits.exceeded",
        ),
        (
            "xml billion laughs",
            bomb.as_bytes(),
            &raw,
            "xml.dtd.forbidden",
        ),
    ];
    let mut g = c.benchmark_group("limits");
    for (name, input, e, expected) in cases {
        let got = spid::verify_response(&trust, input, e, now).unwrap_err();
        assert_eq!(got.code(), expected, "{name}");
        g.bench_function(name, |b| {
            b.iter(|| spid::verify_response(&trust, black_box(input), e, now))
        });
    }
    g.finish();
}

fn token(leaf_b64: &str, intermediates: &[String]) -> Vec<u8> {
    let main: serde_json::Value =
        serde_json::from_slice(&read("test-vectors/webeid/tokens/es384.token")).unwrap();
    serde_json::to_vec(&serde_json::json!({
        "unverifiedCertificate": leaf_b64,
        "algorithm": main["algorithm"],
        "signature": main["signature"],
        "format": "web-eid:1.1",
        "appVersion": main["appVersion"],
        "unverifiedIntermediateCertificates": intermediates,
    }))
    .unwrap()
}

fn webeid(c: &mut Criterion) {
    let trust = Trust::builder()
        .webeid_anchor(&read("test-vectors/webeid/pki/esteid2026.cer"))
        .unwrap()
        .build()
        .unwrap();
    let now = UnixTime::parse_rfc3339("2026-09-01T10:00:00Z").unwrap();
    let exp = Expectations::new(ORIGIN, NONCE);

    let ca = String::from_utf8(b64(&read("test-vectors/webeid/pki/esteid2026.cer"))).unwrap();
    let leaf = String::from_utf8(b64(&read("test-vectors/webeid/pki/auth-p384.cer"))).unwrap();
    let ten_thousand = token(&leaf, &vec![ca; 10_000]);
    let mut long = read("test-vectors/webeid/tokens/es384.token");
    long.resize(10_001, b' ');
    let dir = "test-vectors/limits/inputs/webeid";
    let fit_token = read(&format!("{dir}/intermediates-fit-23.token"));
    let loop_token = read(&format!("{dir}/intermediates-loop-6.token"));
    let sig_token = read(&format!("{dir}/intermediates-signatures-6.token"));

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "webeid 10,000 intermediates (8 MB token)",
            ten_thousand,
            "input.too_large",
        ),
        (
            "webeid 23 junk intermediates (over the count limit)",
            fit_token,
            "webeid.token.malformed",
        ),
        (
            "webeid 6 junk intermediates, name loops",
            loop_token,
            "x509.chain.untrusted",
        ),
        (
            "webeid 6 junk intermediates, a wrong P-521 signature",
            sig_token,
            "x509.chain.untrusted",
        ),
        ("webeid token of 10,001 bytes", long, "input.too_large"),
        (
            "webeid JSON bomb 10,000 '['",
            vec![b'['; 10_000],
            "input.json",
        ),
    ];
    let mut g = c.benchmark_group("limits");
    for (name, input, expected) in &cases {
        let got = webeid::verify_token(&trust, input, &exp, now).unwrap_err();
        assert_eq!(got.code(), *expected, "{name}");
        g.bench_function(*name, |b| {
            b.iter(|| webeid::verify_token(&trust, black_box(input), &exp, now))
        });
    }
    // The signature budget on the pure-Rust backend (the one WebAssembly
    // uses), where a P-521 verification costs the most.
    let rustcrypto = *idbridge::crypto::backends()
        .iter()
        .find(|b| b.name() == "rustcrypto")
        .unwrap();
    let (_, sig_token, expected) = &cases[3];
    let got = webeid::verify_token_with(rustcrypto, &trust, sig_token, &exp, now).unwrap_err();
    assert_eq!(got.code(), *expected);
    g.bench_function(
        "webeid 6 junk intermediates, a wrong P-521 signature (RustCrypto)",
        |b| {
            b.iter(|| {
                webeid::verify_token_with(rustcrypto, &trust, black_box(sig_token), &exp, now)
            })
        },
    );
    g.finish();
}

criterion_group!(benches, saml, webeid);
criterion_main!(benches);
