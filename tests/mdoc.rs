//! ISO/IEC 18013-5 mdoc (`idbridge::mdoc`) and its CBOR and COSE layers:
//! the bad-input list of issue 18 (a length of 2^63, 10,000-deep nesting,
//! 100,000 items, tag-24 self-containment, indefinite strings, duplicate
//! keys) refused with a code within the limits; every CBOR rule on small
//! inputs; the caller's policy (allow-lists, digests, deviceMac, limits,
//! trust) failing closed on the genuine shared responses (imported under
//! test-vectors/conformance/mdoc/); every truncation and byte flip of a
//! genuine response refused or verified, never a panic.
#![cfg(all(feature = "mdoc", not(target_arch = "wasm32")))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64U;
use base64::Engine as _;
use idbridge::cbor::{Document, Kind};
use idbridge::crypto::{self, HashAlg};
use idbridge::mdoc::{
    self, DeviceMac, Expectations, Handover, InputEncoding, MdocTrust, ReaderKey,
};
use idbridge::{Limits, UnixTime};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/test-vectors/conformance/mdoc/upstream/"
);
const ANNEX_D_TRANSCRIPT: &str = "83d8185858a20063312e30018201d818584ba4010220012158205a88d182bce5f42efa59943f33359d2e8a968ff289d93e5fa444b624343167fe225820b16e8cf858ddc7690407ba61d4c338237a8cfcf3de6aa672fc60a557aa32fc67d818584ba40102200121582060e3392385041f51403051f2415531cb56dd3f999c71687013aac6768bc8187e225820e58deb8fdbe907f7dd5368245551a34796f7d2215c440c339bb0f7b67beccdfa8258c391020f487315d10209616301013001046d646f631a200c016170706c69636174696f6e2f766e642e626c7565746f6f74682e6c652e6f6f6230081b28128b37282801021c015c1e580469736f2e6f72673a31383031333a646576696365656e676167656d656e746d646f63a20063312e30018201d818584ba4010220012158205a88d182bce5f42efa59943f33359d2e8a968ff289d93e5fa444b624343167fe225820b16e8cf858ddc7690407ba61d4c338237a8cfcf3de6aa672fc60a557aa32fc6758cd91022548721591020263720102110204616301013000110206616301036e6663005102046163010157001a201e016170706c69636174696f6e2f766e642e626c7565746f6f74682e6c652e6f6f6230081b28078080bf2801021c021107c832fff6d26fa0beb34dfcd555d4823a1c11010369736f2e6f72673a31383031333a6e66636e6663015a172b016170706c69636174696f6e2f766e642e7766612e6e616e57030101032302001324fec9a70b97ac9684a4e326176ef5b981c5e8533e5f00298cfccbc35e700a6b020414";

fn file(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}{rel}")).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn trust() -> MdocTrust {
    MdocTrust::new()
        .with_iaca(&file("own/certs/iaca-p256.pem"))
        .unwrap()
}

fn now() -> UnixTime {
    UnixTime::parse_rfc3339("2026-05-01T00:00:00Z").unwrap()
}

fn openid4vp() -> Expectations {
    Expectations::new(
        "eu.europa.ec.eudi.pid.1",
        Handover::OpenId4Vp {
            client_id: "x509_san_dns:example.com".into(),
            nonce: "exc7gBkxjx1rdc9udRrveKvSsJIq80avlXeLHhGwqtA".into(),
            jwk_thumbprint: Some(
                B64U.decode("QoPsknrg8gjaqi0CaoFPKyLcpSz4X_qPP4Ymxr1mkEc")
                    .unwrap(),
            ),
            response_uri: "https://example.com/response".into(),
        },
    )
}

fn proximity() -> Expectations {
    let mut exp = Expectations::new(
        "eu.europa.ec.eudi.pid.1",
        Handover::SessionTranscript(hex(ANNEX_D_TRANSCRIPT)),
    );
    exp.input = InputEncoding::Cbor;
    exp
}

fn verify(input: &[u8], exp: &Expectations) -> Result<mdoc::VerifiedMdoc, idbridge::Error> {
    mdoc::verify_device_response(crypto::default_backend(), &trust(), input, exp, now())
}

fn code(input: &[u8], exp: &Expectations) -> &'static str {
    verify(input, exp).unwrap_err().code()
}

fn parse_code(bytes: &[u8]) -> &'static str {
    Document::parse(bytes, &Limits::default())
        .unwrap_err()
        .code()
}

#[test]
fn genuine_responses_verify() {
    let v = verify(&file("own/responses/valid-pid-full.b64u"), &openid4vp()).unwrap();
    assert_eq!(v.doc_types(), ["eu.europa.ec.eudi.pid.1"]);
    assert_eq!(v.identity().family_name(), Some("Rossi"));
    assert_eq!(v.identity().birth_date(), Some("1980-01-10"));
    let v = verify(
        &file("own/responses/valid-pid-proximity.cbor"),
        &proximity(),
    )
    .unwrap();
    assert_eq!(v.identity().subject_id(), Some("TINIT-RSSMRA80A10H501U"));
}

#[test]
fn a_length_of_2_pow_63_is_malformed_without_allocating() {
    let mut b = vec![0x5b, 0x80, 0, 0, 0, 0, 0, 0, 0];
    b.extend_from_slice(b"abc");
    assert_eq!(parse_code(&b), "cbor.malformed");
    // An array and a map of 2^63 entries, and the largest map count (whose
    // doubled count overflows).
    assert_eq!(
        parse_code(&[0x9b, 0x80, 0, 0, 0, 0, 0, 0, 0, 0]),
        "cbor.malformed"
    );
    assert_eq!(
        parse_code(&[0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
        "cbor.malformed"
    );
}

#[test]
fn ten_thousand_levels_exceed_the_limit() {
    let mut b = vec![0x81; 10_000];
    b.push(0x00);
    assert_eq!(parse_code(&b), "cbor.limits.exceeded");
    // Tags count too, and indefinite arrays.
    let mut b = vec![0xc1; 10_000];
    b.push(0x00);
    assert_eq!(parse_code(&b), "cbor.limits.exceeded");
    let b = vec![0x9f; 10_000];
    assert_eq!(parse_code(&b), "cbor.limits.exceeded");
    // 64 levels are fine, 65 are not.
    let mut b = vec![0x81; 63];
    b.push(0x80);
    assert!(Document::parse(&b, &Limits::default()).is_ok());
    let mut b = vec![0x81; 64];
    b.push(0x80);
    assert_eq!(parse_code(&b), "cbor.limits.exceeded");
    // Tightened.
    let l = Limits::default().tighten_max_cbor_depth(2);
    assert_eq!(
        Document::parse(&[0x81, 0x81, 0x81, 0x00], &l)
            .unwrap_err()
            .code(),
        "cbor.limits.exceeded"
    );
}

#[test]
fn a_hundred_thousand_items_exceed_the_limit() {
    let mut b = vec![0x9a, 0x00, 0x01, 0x86, 0xa0];
    b.extend(std::iter::repeat_n(0u8, 100_000));
    assert_eq!(parse_code(&b), "cbor.limits.exceeded");
    let l = Limits::default().tighten_max_cbor_items(3);
    assert_eq!(
        Document::parse(&[0x83, 1, 2, 3], &l).unwrap_err().code(),
        "cbor.limits.exceeded"
    );
    assert!(Document::parse(&[0x82, 1, 2], &l).is_ok());
    // A response under a tight item limit.
    let mut exp = openid4vp();
    exp.limits = Limits::default().tighten_max_cbor_items(50);
    assert_eq!(
        code(&file("own/responses/valid-pid-full.b64u"), &exp),
        "cbor.limits.exceeded"
    );
}

#[test]
fn tag_24_contents_are_never_decoded_by_the_reader() {
    // 24(<< 24(<< ... >>) >>): the reader sees a tag and a bstr; only the
    // verifier decodes, one level, where the structure says so.
    let inner = [0xd8, 0x18, 0x41, 0x00];
    let mut b = vec![0xd8, 0x18, 0x44];
    b.extend_from_slice(&inner);
    let doc = Document::parse(&b, &Limits::default()).unwrap();
    let (tag, content) = doc.root().as_tag().unwrap();
    assert_eq!(tag, 24);
    assert_eq!(content.as_bytes(), Some(&inner[..]));
}

#[test]
fn indefinite_strings_and_containers_are_not_preferred() {
    for b in [
        &[0x5f, 0x41, 0x00, 0xff][..],
        &[0x7f, 0x61, 0x61, 0x61, 0x62, 0xff],
        &[0x7f, 0xff],
        &[0x9f, 0x01, 0xff],
        &[0xbf, 0x01, 0x02, 0xff],
    ] {
        assert_eq!(parse_code(b), "cbor.serialization.invalid", "{b:02x?}");
    }
    // Not well formed: a chunk of another type, a nested indefinite chunk,
    // an odd indefinite map, indefinite integers and tags, a stray break,
    // an unterminated indefinite item.
    for b in [
        &[0x5f, 0x61, 0x00, 0xff][..],
        &[0x5f, 0x5f, 0xff, 0xff],
        &[0xbf, 0x01, 0xff],
        &[0x1f],
        &[0x3f],
        &[0xdf, 0x00],
        &[0xff],
        &[0x81, 0xff],
        &[0x9f, 0x01],
    ] {
        assert_eq!(parse_code(b), "cbor.malformed", "{b:02x?}");
    }
}

#[test]
fn duplicate_keys_and_bad_text_are_invalid() {
    assert_eq!(
        parse_code(&[0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02]),
        "cbor.invalid"
    );
    assert_eq!(parse_code(&[0xa2, 0x01, 0x01, 0x01, 0x01]), "cbor.invalid");
    // Nested maps are checked too; equal keys in different maps are fine.
    assert_eq!(
        parse_code(&[0x81, 0xa2, 0x20, 0x00, 0x20, 0x01]),
        "cbor.invalid"
    );
    assert!(Document::parse(
        &[0x82, 0xa1, 0x01, 0x01, 0xa1, 0x01, 0x01],
        &Limits::default()
    )
    .is_ok());
    // Keys that differ only in type.
    assert!(Document::parse(&[0xa2, 0x01, 0x00, 0x41, 0x01, 0x00], &Limits::default()).is_ok());
    assert_eq!(parse_code(&[0x62, 0xc3, 0x28]), "cbor.invalid");
}

#[test]
fn well_formedness_and_preferred_serialization() {
    // Wider than needed: an integer, a length, a tag.
    for b in [
        &[0x18, 0x17][..],
        &[0x19, 0x00, 0xff],
        &[0x1a, 0x00, 0x00, 0xff, 0xff],
        &[0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff],
        &[0x78, 0x01, 0x61],
        &[0xd8, 0x01, 0x00],
    ] {
        assert_eq!(parse_code(b), "cbor.serialization.invalid", "{b:02x?}");
    }
    // Reserved additional information, a two-byte simple value below 32,
    // truncation, trailing bytes, empty input.
    for b in [
        &[0x1c][..],
        &[0x1d],
        &[0x1e],
        &[0xf8, 0x10],
        &[0x19, 0x01],
        &[0x43, 0x01, 0x02],
        &[0x00, 0x00],
        &[],
    ] {
        assert_eq!(parse_code(b), "cbor.malformed", "{b:02x?}");
    }
    // Floats are not checked; every simple value reads.
    let doc = Document::parse(
        &[0x84, 0xf9, 0x3c, 0x00, 0xf4, 0xf5, 0xf6],
        &Limits::default(),
    )
    .unwrap();
    let items = doc.root().array().unwrap();
    assert!(matches!(items[0].kind(), Kind::Float(0x3c00)));
    assert_eq!(items[1].as_bool(), Some(false));
    assert!(items[3].is_null());
    assert_eq!(
        idbridge::cbor::diagnostic(&doc),
        "[float(0x3c00), false, true, null]"
    );
}

#[test]
fn base64url_is_strict() {
    let good = file("own/responses/valid-pid-full.b64u");
    let exp = openid4vp();
    let mut padded = good.clone();
    padded.push(b'=');
    assert_eq!(code(&padded, &exp), "input.encoding");
    let mut plus = good.clone();
    plus[10] = b'+';
    assert_eq!(code(&plus, &exp), "input.encoding");
    let mut newline = good.clone();
    newline.push(b'\n');
    assert_eq!(code(&newline, &exp), "input.encoding");
    assert_eq!(code(b"A", &exp), "input.encoding");
    let mut exp = openid4vp();
    exp.limits = Limits::default().tighten_max_input_bytes(100);
    assert_eq!(code(&good, &exp), "input.too_large");
}

#[test]
fn the_callers_policy_fails_closed() {
    let good = file("own/responses/valid-pid-full.b64u");
    let mut exp = openid4vp();
    exp.issuer_auth_algs = vec![-35];
    assert_eq!(code(&good, &exp), "mdoc.issuer_algorithm.forbidden");
    let mut exp = openid4vp();
    exp.device_auth_algs = vec![-36];
    assert_eq!(code(&good, &exp), "mdoc.device_algorithm.forbidden");
    let mut exp = openid4vp();
    exp.digest_algs = vec![HashAlg::Sha512];
    assert_eq!(code(&good, &exp), "mdoc.digest_algorithm.unsupported");
    let mut exp = openid4vp();
    exp.doc_type = "org.iso.18013.5.1.mDL".into();
    assert_eq!(code(&good, &exp), "mdoc.doctype.mismatch");
    // No IACA, or another one.
    let none = MdocTrust::new();
    let err =
        mdoc::verify_device_response(crypto::default_backend(), &none, &good, &openid4vp(), now())
            .unwrap_err();
    assert_eq!(err.code(), "x509.chain.untrusted");
    let other = MdocTrust::new()
        .with_iaca(&file("own/certs/iaca-b-p384.pem"))
        .unwrap();
    let err = mdoc::verify_device_response(
        crypto::default_backend(),
        &other,
        &good,
        &openid4vp(),
        now(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "x509.chain.untrusted");
    // The MSO's validity with and without skew (valid until 2027-04-01).
    let late = UnixTime::parse_rfc3339("2027-04-01T00:00:01Z").unwrap();
    let err = mdoc::verify_device_response(
        crypto::default_backend(),
        &trust(),
        &good,
        &openid4vp(),
        late,
    )
    .unwrap_err();
    assert_eq!(err.code(), "mdoc.validity.expired");
    let mut exp = openid4vp();
    exp.clock_skew_seconds = 1;
    assert!(
        mdoc::verify_device_response(crypto::default_backend(), &trust(), &good, &exp, late)
            .is_ok()
    );
}

#[test]
fn device_mac_needs_permission_and_the_right_key() {
    let mac = file("own/responses/valid-pid-proximity-mac.cbor");
    let exp = proximity();
    assert_eq!(code(&mac, &exp), "mdoc.device_mac.forbidden");
    let reader = file("public/iso-18013-5-annex-d/reader-ephemeral-key.pem");
    let mut exp = proximity();
    exp.device_mac = DeviceMac::Allowed(ReaderKey::from_pkcs8(&reader).unwrap());
    assert!(verify(&mac, &exp).is_ok());
    // Another transcript changes the MAC key.
    let mut other = exp.clone();
    other.handover = Handover::SessionTranscript(vec![0x80]);
    assert_eq!(code(&mac, &other), "mdoc.device_mac.invalid");
    // A reader key on another curve (P-384, from DER).
    let p384 = p384_pkcs8();
    let mut exp = proximity();
    exp.device_mac = DeviceMac::Allowed(ReaderKey::from_pkcs8(&p384).unwrap());
    assert_eq!(code(&mac, &exp), "mdoc.device_mac.invalid");
    assert_eq!(
        ReaderKey::from_pkcs8(b"not a key").unwrap_err().code(),
        "config.invalid"
    );
    // deviceSignature responses verify whatever the deviceMac policy.
    let mut exp = proximity();
    exp.device_mac = DeviceMac::Allowed(ReaderKey::from_pkcs8(&reader).unwrap());
    assert!(verify(&file("own/responses/valid-pid-proximity.cbor"), &exp).is_ok());
}

/// A P-384 PKCS#8 key (the scalar 1): only its curve matters here.
fn p384_pkcs8() -> Vec<u8> {
    use p384::pkcs8::EncodePrivateKey;
    let mut scalar = [0u8; 48];
    scalar[47] = 1;
    let key = p384::SecretKey::from_slice(&scalar).unwrap();
    key.to_pkcs8_der().unwrap().as_bytes().to_vec()
}

#[test]
fn every_truncation_is_malformed() {
    let good = file("own/responses/valid-pid-proximity.cbor");
    let exp = proximity();
    for n in 0..good.len() {
        assert_eq!(code(&good[..n], &exp), "cbor.malformed", "cut at {n}");
    }
}

#[test]
fn byte_flips_never_panic_and_keep_to_the_kinds_codes() {
    let good = file("own/responses/valid-pid-proximity.cbor");
    let exp = proximity();
    let mut verified = 0;
    for i in (0..good.len()).step_by(7) {
        for bit in [0x01u8, 0x80] {
            let mut b = good.clone();
            b[i] ^= bit;
            match verify(&b, &exp) {
                Ok(_) => verified += 1,
                Err(e) => assert!(
                    ["cbor.", "mdoc.", "x509.", "input."]
                        .iter()
                        .any(|p| e.code().starts_with(p)),
                    "byte {i}: {}",
                    e.code()
                ),
            }
        }
    }
    // Only bytes outside every signature, digest and structure may change
    // without a refusal (the unprotected header's contents, an unknown key).
    assert!(verified < good.len() / 50, "{verified} flips verified");
}

#[test]
fn every_document_is_checked() {
    // Every Document must carry the requested docType: the EUDI response
    // (two PIDs, then an mDL) fails an mDL request on its first Document.
    let eudi = file("public/eudi-verifier-endpoint/three-document-vp.b64u");
    let trust = MdocTrust::new()
        .with_iaca(&file(
            "public/eudi-verifier-endpoint/pid-issuer-ca-ut-01.cert.pem",
        ))
        .unwrap();
    let now = UnixTime::parse_rfc3339("2024-11-01T00:00:00Z").unwrap();
    let mut exp = openid4vp();
    exp.doc_type = "org.iso.18013.5.1.mDL".into();
    let err = mdoc::verify_device_response(crypto::default_backend(), &trust, &eudi, &exp, now)
        .unwrap_err();
    assert_eq!(err.code(), "mdoc.doctype.mismatch");
}

/// idbridge's own generated vectors (test-vectors/mdoc/, written by
/// test-vectors/mdoc-generator/generate.py), run with
/// `Expectations::brainpool` on, on every backend: brainpool document
/// signers and device keys verify, and every spoilt signature, alg/curve
/// pairing and device key still fails closed with its code. (The vector
/// file itself runs under the contract's default policy, where brainpool
/// is refused, in tests/vectors.rs.)
#[test]
fn brainpool_keys_verify_only_when_enabled_and_fail_closed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors/mdoc/");
    let read = |rel: &str| std::fs::read(format!("{dir}{rel}")).unwrap();
    let vectors: serde_json::Value = serde_json::from_slice(&read("generated.json")).unwrap();
    let context = &vectors["testGroups"][0]["context"];
    let transcript = hex(context["session_transcript"].as_str().unwrap());
    let policy: serde_json::Value = serde_json::from_slice(&read("brainpool-policy.json")).unwrap();
    // Both IACAs of the group: P-256, and brainpoolP256r1 (whose paths
    // take the one-hop check, only with brainpool on).
    let mut trust = MdocTrust::new();
    for anchor in vectors["testGroups"][0]["trust"]["anchors"]
        .as_array()
        .unwrap()
    {
        trust = trust.with_iaca(&read(anchor.as_str().unwrap())).unwrap();
    }
    let mut on = Expectations::new(
        "eu.europa.ec.eudi.pid.1",
        Handover::SessionTranscript(transcript),
    );
    on.input = InputEncoding::Cbor;
    on.brainpool = true;
    let mut off = on.clone();
    off.brainpool = false;
    let cases = policy["cases"].as_array().unwrap();
    assert!(cases.len() >= 30);
    let mut brainpool_valid = 0;
    for case in cases {
        let input = read(case["input"].as_str().unwrap());
        let want = case["with_brainpool"].as_str().unwrap();
        for backend in crypto::backends() {
            let got = mdoc::verify_device_response(*backend, &trust, &input, &on, now());
            match (want, got) {
                ("valid", Ok(v)) => assert_eq!(v.identity().family_name(), Some("Rossi")),
                (want, Ok(_)) => panic!("{case}: verified on {}, want {want}", backend.name()),
                (want, Err(e)) => assert_eq!(e.code(), want, "{case} on {}: {e}", backend.name()),
            }
        }
        let name = case["input"].as_str().unwrap();
        if want == "valid" && name.contains("bp") {
            brainpool_valid += 1;
            // Off (the default), the same response is refused.
            let e = mdoc::verify_device_response(
                crypto::default_backend(),
                &trust,
                &input,
                &off,
                now(),
            )
            .unwrap_err();
            assert!(
                [
                    "mdoc.issuer_key.mismatch",
                    "mdoc.mso.malformed",
                    "x509.chain.untrusted"
                ]
                .contains(&e.code()),
                "{name}: {e}"
            );
        }
    }
    assert_eq!(brainpool_valid, 9);
    // The default is off.
    assert!(!Expectations::new("x", Handover::SessionTranscript(vec![0x80])).brainpool);
}
