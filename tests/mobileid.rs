//! Mobile-ID session-status responses (`idbridge::mobileid`): every check
//! of the contract's order fails closed with its code, on the genuine SK
//! test data (imported under test-vectors/conformance/mobile-id/) changed
//! one thing at a time; the prehash signature arithmetic for EC and RSA
//! keys; the verification code against the shared known answers.
#![cfg(all(feature = "mobileid", not(target_arch = "wasm32")))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use idbridge::crypto::{self, HashAlg, PublicKey, RustCryptoSigner, Signer};
use idbridge::mobileid::{self, AuthenticationHash, MobileIdTrust};
use idbridge::{Limits, UnixTime};
use serde_json::{json, Value};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/test-vectors/conformance/mobile-id/upstream/"
);
const HASH1: &str =
    "XN1Ej7bys/MlbZlDBN3GoRFv6JOJbm8/mLwulZlZQBIF/TYVsHDJiOCGx2yVaxiXbbrNmRQJcgR0AhZtTfFigQ==";

fn file(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}{name}")).unwrap()
}

fn trust() -> MobileIdTrust {
    MobileIdTrust::new()
        .with_certificate(&file("TEST_of_ESTEID-SK_2015.pem.crt"))
        .unwrap()
}

fn now() -> UnixTime {
    UnixTime::parse_rfc3339("2025-09-01T10:00:00Z").unwrap()
}

fn valid1() -> Value {
    serde_json::from_slice(&file("valid1.json")).unwrap()
}

fn sent() -> AuthenticationHash {
    AuthenticationHash::from_base64(HashAlg::Sha512, HASH1).unwrap()
}

fn check(body: &Value) -> idbridge::Result<mobileid::VerifiedAuthentication> {
    mobileid::verify_session_status(&trust(), body.to_string().as_bytes(), &sent(), now())
}

fn code(body: &Value) -> &'static str {
    match check(body) {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

fn with(path: &[&str], value: Value) -> Value {
    let mut v = valid1();
    let mut at = &mut v;
    for p in &path[..path.len() - 1] {
        at = at.get_mut(*p).unwrap();
    }
    let last = path[path.len() - 1];
    if value.is_null() {
        at.as_object_mut().unwrap().remove(last);
    } else {
        at[last] = value;
    }
    v
}

fn signature_bytes() -> Vec<u8> {
    B64.decode(valid1()["signature"]["value"].as_str().unwrap())
        .unwrap()
}

#[test]
fn the_genuine_response_verifies_and_names_the_person() {
    let v = check(&valid1()).unwrap();
    let id = v.identity();
    assert_eq!(id.system(), idbridge::System::MobileId);
    assert_eq!(id.subject_id(), Some("PNOEE-60001019906"));
    assert_eq!(id.given_name(), Some("MARY ÄNN"));
    assert_eq!(id.family_name(), Some("O’CONNEŽ-ŠUSLIK TESTNUMBER"));
    assert_eq!(id.issuer(), Some("TEST of ESTEID-SK 2015"));
    assert_eq!(v.signed_hash(), &sent());
    let json = serde_json::to_value(id).unwrap();
    assert_eq!(json["system"], "mobile-id");
    // Every backend agrees (the prehash arithmetic is RustCrypto's on all).
    for backend in crypto::backends() {
        mobileid::verify_session_status_with(
            *backend,
            &trust(),
            &file("valid1.json"),
            &sent(),
            now(),
            &Limits::default(),
        )
        .unwrap();
    }
}

#[test]
fn state_then_result_come_first() {
    for state in [json!("RUNNING"), json!("complete"), json!(1), Value::Null] {
        assert_eq!(
            code(&with(&["state"], state.clone())),
            "mobileid.session.not_complete",
            "{state}"
        );
    }
    // A bad hash is not looked at before the state.
    let running = with(&["state"], json!("RUNNING"));
    let e = mobileid::verify_session_status_base64(
        crypto::default_backend(),
        &trust(),
        running.to_string().as_bytes(),
        HashAlg::Sha256,
        "not base64",
        now(),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "mobileid.session.not_complete");
    for result in [
        json!("USER_CANCELLED"),
        json!("TIMEOUT"),
        json!("NOT_MID_CLIENT"),
        json!(""),
        json!(true),
        Value::Null,
    ] {
        assert_eq!(
            code(&with(&["result"], result.clone())),
            "mobileid.result.not_ok",
            "{result}"
        );
    }
    // SK's client compares the result ignoring case.
    assert_eq!(code(&with(&["result"], json!("ok"))), "ok");
    assert_eq!(code(&with(&["result"], json!("Ok"))), "ok");
}

#[test]
fn the_hash_is_the_relying_partys_and_has_its_types_length() {
    let body = file("valid1.json");
    let run = |alg: HashAlg, b64: &str| {
        mobileid::verify_session_status_base64(
            crypto::default_backend(),
            &trust(),
            &body,
            alg,
            b64,
            now(),
            &Limits::default(),
        )
        .map(|_| ())
        .map_err(|e| e.code())
    };
    assert_eq!(run(HashAlg::Sha512, HASH1), Ok(()));
    assert_eq!(run(HashAlg::Sha256, HASH1), Err("mobileid.hash.invalid"));
    assert_eq!(run(HashAlg::Sha384, HASH1), Err("mobileid.hash.invalid"));
    assert_eq!(run(HashAlg::Sha512, "@@@"), Err("mobileid.hash.invalid"));
    assert_eq!(
        run(HashAlg::Sha512, &HASH1.replace('=', "")),
        Err("mobileid.hash.invalid")
    );
    // Another hash of the right length: the signature is not over it.
    let mut other = B64.decode(HASH1).unwrap();
    other[0] ^= 1;
    assert_eq!(
        run(HashAlg::Sha512, &B64.encode(&other)),
        Err("mobileid.signature.invalid")
    );
}

#[test]
fn encodings_are_strict() {
    let sig = valid1()["signature"]["value"].as_str().unwrap().to_owned();
    let cert = valid1()["cert"].as_str().unwrap().to_owned();
    for body in [
        with(&["cert"], Value::Null),
        with(&["cert"], json!(5)),
        with(&["cert"], json!(format!("{cert}A"))),
        with(&["cert"], json!(cert.replace('/', "_"))),
        with(&["cert"], json!(B64.encode(b"not a certificate"))),
        with(&["signature"], Value::Null),
        with(&["signature", "value"], Value::Null),
        with(&["signature", "value"], json!(sig.trim_end_matches('='))),
        with(&["signature", "value"], json!(sig.replace('/', "_"))),
        with(&["signature", "value"], json!(format!(" {sig}"))),
    ] {
        assert_eq!(code(&body), "mobileid.response.malformed", "{body}");
    }
    // Input-level refusals.
    let run = |bytes: &[u8]| {
        mobileid::verify_session_status(&trust(), bytes, &sent(), now())
            .unwrap_err()
            .code()
    };
    assert_eq!(run(b"[1,2]"), "mobileid.response.malformed");
    assert_eq!(
        run(br#"{"state":"COMPLETE","state":"COMPLETE"}"#),
        "input.json"
    );
    assert_eq!(run(&vec![b'['; 100_000]), "input.json");
    assert_eq!(run(b"\xff"), "input.encoding");
    let big = vec![b' '; Limits::default().max_input_bytes() + 1];
    assert_eq!(run(&big), "input.too_large");
}

#[test]
fn the_certificate_must_be_current_and_issued_by_a_configured_ca() {
    let body = file("valid1.json");
    let at = |t: &str, trust: &MobileIdTrust| {
        mobileid::verify_session_status(trust, &body, &sent(), UnixTime::parse_rfc3339(t).unwrap())
            .map(|_| ())
            .map_err(|e| e.code())
    };
    assert_eq!(
        at("2022-12-12T18:47:21Z", &trust()),
        Err("x509.cert.not_yet_valid")
    );
    assert_eq!(at("2022-12-12T18:47:22Z", &trust()), Ok(()));
    assert_eq!(at("2030-12-17T23:59:59Z", &trust()), Ok(()));
    assert_eq!(
        at("2031-01-01T00:00:00Z", &trust()),
        Err("x509.cert.expired")
    );
    let other = MobileIdTrust::new()
        .with_certificate(&file("TEST_of_ESTEID-SK_2011.pem.crt"))
        .unwrap();
    assert_eq!(
        at("2025-09-01T10:00:00Z", &other),
        Err("x509.chain.untrusted")
    );
    assert_eq!(
        at("2025-09-01T10:00:00Z", &MobileIdTrust::new()),
        Err("x509.chain.untrusted")
    );
    assert!(MobileIdTrust::new().with_certificate(b"nope").is_err());
}

#[test]
fn the_signature_is_raw_r_s_over_the_prehash_and_nothing_else() {
    let sig = signature_bytes();
    assert_eq!(sig.len(), 64);
    let set = |bytes: Vec<u8>| with(&["signature", "value"], json!(B64.encode(bytes)));
    // Swapped halves, zeros, one bit, truncated, padded, RSA-sized.
    let mut swapped = sig[32..].to_vec();
    swapped.extend_from_slice(&sig[..32]);
    let mut flipped = sig.clone();
    flipped[40] ^= 0x01;
    for bad in [
        swapped,
        vec![0; 64],
        flipped,
        sig[..63].to_vec(),
        [sig.clone(), vec![0]].concat(),
        vec![0x5a; 512],
    ] {
        assert_eq!(code(&set(bad)), "mobileid.signature.invalid");
    }
    // The same signature DER-encoded is refused (raw r||s only).
    let der = {
        let int = |b: &[u8]| {
            let mut v = b.to_vec();
            while v.len() > 1 && v[0] == 0 && v[1] < 0x80 {
                v.remove(0);
            }
            if v[0] >= 0x80 {
                v.insert(0, 0);
            }
            [vec![0x02, v.len() as u8], v].concat()
        };
        let body = [int(&sig[..32]), int(&sig[32..])].concat();
        [vec![0x30, body.len() as u8], body].concat()
    };
    assert_eq!(code(&set(der)), "mobileid.signature.invalid");
    // High-S (n - s) is as valid as low-S, as in the signature kind.
    let n = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    let high = [sig[..32].to_vec(), sub_be(&n, &sig[32..])].concat();
    assert_eq!(code(&set(high)), "ok");
    // r or s equal to n, or zero: refused.
    assert_eq!(
        code(&set([n.clone(), sig[32..].to_vec()].concat())),
        "mobileid.signature.invalid"
    );
    assert_eq!(
        code(&set([sig[..32].to_vec(), vec![0; 32]].concat())),
        "mobileid.signature.invalid"
    );
    // signature.algorithm is ignored: it never chooses what is checked.
    assert_eq!(
        code(&with(
            &["signature", "algorithm"],
            json!("SHA256WithECEncryption")
        )),
        "ok"
    );
    assert_eq!(code(&with(&["signature", "algorithm"], Value::Null)), "ok");
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// a - b for equal-length big-endian numbers, a > b.
fn sub_be(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; a.len()];
    let mut borrow = 0i16;
    for i in (0..a.len()).rev() {
        let mut d = i16::from(a[i]) - i16::from(b[i]) - borrow;
        borrow = 0;
        if d < 0 {
            d += 256;
            borrow = 1;
        }
        out[i] = d as u8;
    }
    out
}

fn key_file(name: &str) -> RustCryptoSigner {
    let pem = std::fs::read_to_string(format!(
        "{}/test-vectors/keys/{name}.pk8.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    RustCryptoSigner::from_pkcs8_der(&B64.decode(b64).unwrap()).unwrap()
}

#[test]
fn prehash_verification_covers_rsa_and_every_curve() {
    let message = br#"{"what":"the hash a Mobile-ID user signs"}"#;
    for (key, alg, hash) in [
        ("rsa2048", "RS256", HashAlg::Sha256),
        ("rsa2048", "RS512", HashAlg::Sha512),
        ("p256", "ES256", HashAlg::Sha256),
        ("p384", "ES384", HashAlg::Sha384),
    ] {
        let signer = key_file(key);
        let key: &PublicKey = signer.public_key();
        // A JWS signs header.payload: its digest is the prehash.
        let token = idbridge::jose::sign_compact(&signer, alg, None, None, message).unwrap();
        let cut = token.rfind('.').unwrap();
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&token[cut + 1..])
            .unwrap();
        let digest = hash.digest(&token.as_bytes()[..cut]);
        crypto::verify_prehashed(key, hash, &digest, &sig).unwrap();
        // Another digest, or one of the wrong length, fails.
        let mut other = digest.clone();
        other[0] ^= 1;
        assert!(crypto::verify_prehashed(key, hash, &other, &sig).is_err());
        assert!(crypto::verify_prehashed(key, hash, &digest[1..], &sig).is_err());
    }
}

#[test]
fn verification_codes_match_the_known_answers() {
    let Some(bytes) = common::shared::read(
        "verification_codes_match_the_known_answers",
        "data/webeid/verification_codes.json",
    ) else {
        return;
    };
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    let cases = doc["mobile_id_verification_code"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let h = hex(case["hashHex"].as_str().unwrap());
        assert_eq!(
            mobileid::verification_code(&h),
            case["expected"].as_str().unwrap(),
            "{case}"
        );
    }
    // The RP's side: a generated hash, its code, and what it sends.
    let h = AuthenticationHash::generate(HashAlg::Sha256).unwrap();
    assert_eq!(
        h.verification_code(),
        mobileid::verification_code(h.digest())
    );
    assert_eq!(h.verification_code().len(), 4);
    assert_eq!(h.hash_type(), "SHA256");
}

/// CA lists come as PEM bundles: every certificate of a bundle is an
/// anchor, whatever its position (the first block alone was taken before).
#[test]
fn a_pem_bundle_of_cas_adds_every_certificate() {
    use base64::Engine as _;
    let ours = String::from_utf8(file("TEST_of_ESTEID-SK_2015.pem.crt")).unwrap();
    let other_der = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/test-vectors/mobile-id/trust/expired-ca.der"
    ))
    .unwrap();
    let other = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        base64::engine::general_purpose::STANDARD.encode(other_der)
    );
    for bundle in [format!("{ours}\n{other}"), format!("{other}\n{ours}")] {
        let trust = MobileIdTrust::new()
            .with_certificate(bundle.as_bytes())
            .unwrap();
        assert_eq!(trust.len(), 2);
        let v = mobileid::verify_session_status(
            &trust,
            valid1().to_string().as_bytes(),
            &sent(),
            now(),
        );
        assert!(v.is_ok(), "{:?}", v.err());
    }
    // A broken block anywhere in the bundle refuses the whole file.
    let broken = format!("{ours}-----BEGIN CERTIFICATE-----\nAAAA\n");
    let err = MobileIdTrust::new()
        .with_certificate(broken.as_bytes())
        .unwrap_err();
    assert_eq!(err.code(), "x509.cert.malformed");
}
