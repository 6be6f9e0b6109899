//! The crypto module's contract beyond the vectors: the asynchronous path
//! (`crypto::replay`) and agreement of every backend. Every test runs
//! through every compiled-in backend.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idbridge::crypto::{self, replay, Algorithm, AllowList, PublicKey, Recorder};
use idbridge::ErrorCode;
use p256::ecdsa::signature::Signer;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// SPKI DER of a P-256 key: the fixed RFC 5480 prefix and the point.
fn p256_spki(sk: &p256::ecdsa::SigningKey) -> Vec<u8> {
    let mut der = vec![
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
        0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ];
    der.extend_from_slice(sk.verifying_key().to_encoded_point(false).as_bytes());
    der
}

fn signer(seed: u8) -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&[seed; 32]).unwrap()
}

/// Polls a future that never waits (every verifier here is synchronous).
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    match f.as_mut().poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("the future waited"),
    }
}

/// Two signatures, the second checked only when the first verifies: the
/// shape of a verification whose path depends on an answer.
fn two_checks(
    backend: &dyn crypto::Backend,
    key: &PublicKey,
    first: &[u8],
    second: &[u8],
) -> Result<(), ErrorCode> {
    let one = |msg: &[u8], sig: &[u8], code| {
        crypto::verify_with_key(
            backend,
            AllowList::all(),
            Algorithm::ECDSA_P256_SHA256_RAW,
            key,
            msg,
            sig,
        )
        .map_err(|_| code)
    };
    one(b"a", first, ErrorCode::XmldsigSignatureInvalid)?;
    one(b"b", second, ErrorCode::WebeidSignatureInvalid)
}

#[test]
fn replay_through_every_backend_gives_the_synchronous_result() {
    let sk = signer(7);
    let key = PublicKey::from_spki_der(&p256_spki(&sk)).unwrap();
    let sig = |m: &[u8]| -> Vec<u8> {
        let s: p256::ecdsa::Signature = sk.sign(m);
        s.to_bytes().to_vec()
    };
    let cases = [
        (sig(b"a"), sig(b"b")),
        (sig(b"a"), sig(b"x")),
        (sig(b"x"), sig(b"b")),
    ];
    for backend in crypto::backends() {
        for (first, second) in &cases {
            let sync = two_checks(*backend, &key, first, second);
            let recorder = Recorder::provisional();
            let replayed = block_on(replay::discharge(&recorder, *backend, || {
                two_checks(&recorder, &key, first, second)
            }))
            .unwrap();
            assert_eq!(replayed, sync, "{}", backend.name());
        }
    }
    assert_eq!(
        two_checks(crypto::default_backend(), &key, &cases[1].0, &cases[1].1),
        Err(ErrorCode::WebeidSignatureInvalid)
    );
}

#[test]
fn every_backend_agrees_on_many_signatures() {
    // A differential sweep: 200 messages, valid and one-bit-tampered.
    let sk = signer(11);
    let key = PublicKey::from_spki_der(&p256_spki(&sk)).unwrap();
    for i in 0u32..200 {
        let msg = i.to_be_bytes();
        let sig: p256::ecdsa::Signature = sk.sign(&msg);
        let mut bad = sig.to_bytes().to_vec();
        bad[(i as usize) % 64] ^= 1 << (i % 8);
        for sig_bytes in [sig.to_bytes().to_vec(), bad] {
            let results: Vec<_> = crypto::backends()
                .iter()
                .map(|b| {
                    crypto::verify_with_key(
                        *b,
                        AllowList::all(),
                        Algorithm::ECDSA_P256_SHA256_RAW,
                        &key,
                        &msg,
                        &sig_bytes,
                    )
                    .map_err(|e| e.code())
                })
                .collect();
            assert!(results.windows(2).all(|w| w[0] == w[1]), "{i}: {results:?}");
        }
    }
}

#[test]
fn der_and_raw_forms_of_one_signature_both_verify() {
    let sk = signer(5);
    let spki = p256_spki(&sk);
    let sig: p256::ecdsa::Signature = sk.sign(b"m");
    let der = sig.to_der();
    let der_alg = Algorithm::from_id("ecdsa-p256-sha256-der").unwrap();
    for backend in crypto::backends() {
        crypto::verify_signature(
            *backend,
            AllowList::all(),
            Algorithm::ECDSA_P256_SHA256_RAW,
            &spki,
            b"m",
            &sig.to_bytes(),
        )
        .unwrap();
        crypto::verify_signature(
            *backend,
            AllowList::all(),
            der_alg,
            &spki,
            b"m",
            der.as_bytes(),
        )
        .unwrap();
        // Each form is refused under the other's algorithm id.
        let e = crypto::verify_signature(
            *backend,
            AllowList::all(),
            der_alg,
            &spki,
            b"m",
            &sig.to_bytes(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "crypto.signature.malformed");
    }
}

#[test]
fn default_backend_is_the_measured_choice() {
    let name = crypto::default_backend().name();
    if cfg!(feature = "aws-lc-rs") {
        assert_eq!(name, "aws-lc-rs");
    } else {
        assert_eq!(name, "rustcrypto");
    }
    assert!(crypto::backend_by_name("rustcrypto").is_some());
    assert!(crypto::backend_by_name("openssl").is_none());
}

#[cfg(any(feature = "ed25519", not(target_arch = "wasm32")))]
fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// RFC 8032 §7.1, TEST 1: secret key, public key, empty message, signature.
#[cfg(feature = "ed25519")]
const RFC8032_TEST1: [&str; 3] = [
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
];

#[cfg(feature = "ed25519")]
#[test]
fn ed25519_known_answer_on_every_backend() {
    let [_, public, signature] = RFC8032_TEST1;
    // RFC 8410 §4: SPKI of id-Ed25519, parameters absent.
    let spki = [hex("302a300506032b6570032100"), hex(public)].concat();
    let sig = hex(signature);
    let alg = Algorithm::from_id("ed25519").unwrap();
    assert_eq!(alg, Algorithm::Ed25519);
    for backend in crypto::backends() {
        let name = backend.name();
        crypto::verify_signature(*backend, AllowList::all(), alg, &spki, b"", &sig)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut bad = sig.clone();
        bad[5] ^= 1;
        let code = |msg: &[u8], sig: &[u8]| {
            crypto::verify_signature(*backend, AllowList::all(), alg, &spki, msg, sig)
                .unwrap_err()
                .code()
        };
        assert_eq!(code(b"", &bad), "crypto.signature.invalid", "{name}");
        assert_eq!(code(b"x", &sig), "crypto.signature.invalid", "{name}");
        assert_eq!(
            code(b"", &sig[..63]),
            "crypto.signature.malformed",
            "{name}"
        );
        // S ≥ L (S + L, same residue) is refused everywhere.
        let mut big_s = sig.clone();
        big_s[63] |= 0xf0;
        assert_eq!(code(b"", &big_s), "crypto.signature.invalid", "{name}");
        // Off by default: the SAML and Web eID allow-list never holds it.
        assert_eq!(
            crypto::verify_signature(*backend, AllowList::default(), alg, &spki, b"", &sig)
                .unwrap_err()
                .code(),
            "crypto.algorithm.forbidden"
        );
        // The key does not serve ECDSA, nor an ECDSA key Ed25519.
        assert_eq!(
            crypto::verify_signature(
                *backend,
                AllowList::all(),
                Algorithm::ECDSA_P256_SHA256_RAW,
                &spki,
                b"",
                &sig
            )
            .unwrap_err()
            .code(),
            "crypto.key.mismatch"
        );
    }
    // RFC 8410 §3: parameters MUST be absent.
    let with_null = [hex("302c300706032b65700500032100"), hex(public)].concat();
    assert_eq!(
        PublicKey::from_spki_der(&with_null).unwrap_err().code(),
        "crypto.key.malformed"
    );
}

/// The PKCS#8 DER of a `.pk8.pem` test key.
#[cfg(not(target_arch = "wasm32"))]
fn pkcs8(name: &str) -> Vec<u8> {
    use base64::Engine as _;
    let path = format!(
        "{}/test-vectors/keys/{name}.pk8.pem",
        env!("CARGO_MANIFEST_DIR")
    );
    let pem = std::fs::read_to_string(path).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_signer_signature_verifies_on_every_backend() {
    use idbridge::crypto::{RustCryptoSigner, Signer};
    let mut keys = vec![
        (pkcs8("rsa2048"), "rsa-"),
        (pkcs8("p256"), "ecdsa-p256-"),
        (pkcs8("p384"), "ecdsa-p384-"),
    ];
    if cfg!(feature = "ed25519") {
        // RFC 8410 §7: PKCS#8 of an Ed25519 key (RFC 8032 TEST 1's secret).
        let seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
        keys.push((
            [hex("302e020100300506032b657004220420"), hex(seed)].concat(),
            "ed25519",
        ));
    }
    let mut signed = 0;
    for (der, prefix) in &keys {
        let signer = RustCryptoSigner::from_pkcs8_der(der).unwrap();
        let spki = signer.public_key().spki_der();
        for alg in Algorithm::ALL {
            let msg = format!("signed with {alg}");
            if !alg.id().starts_with(prefix) {
                assert_eq!(
                    signer.sign(alg, msg.as_bytes()).unwrap_err().code(),
                    "crypto.key.mismatch",
                    "{alg}"
                );
                continue;
            }
            let sig = signer.sign(alg, msg.as_bytes()).unwrap();
            signed += 1;
            for backend in crypto::backends() {
                crypto::verify_signature(
                    *backend,
                    AllowList::all(),
                    alg,
                    spki,
                    msg.as_bytes(),
                    &sig,
                )
                .unwrap_or_else(|e| panic!("{alg} on {}: {e}", backend.name()));
                let e = crypto::verify_signature(
                    *backend,
                    AllowList::all(),
                    alg,
                    spki,
                    b"another message",
                    &sig,
                )
                .unwrap_err();
                assert_eq!(e.code(), "crypto.signature.invalid", "{alg}");
            }
        }
    }
    assert_eq!(signed, 6 + 12 + usize::from(cfg!(feature = "ed25519")));
    #[cfg(feature = "ed25519")]
    {
        // Ed25519 is deterministic: RFC 8032 TEST 1's signature exactly.
        let signer = RustCryptoSigner::from_pkcs8_der(&keys[3].0).unwrap();
        assert_eq!(
            signer.public_key().ed25519_point().unwrap()[..],
            hex(RFC8032_TEST1[1])
        );
        assert_eq!(
            signer.sign(Algorithm::Ed25519, b"").unwrap(),
            hex(RFC8032_TEST1[2])
        );
    }
    // Policy applies to signing keys too; garbage is malformed.
    assert_eq!(
        RustCryptoSigner::from_pkcs8_der(&pkcs8("rsa1024"))
            .unwrap_err()
            .code(),
        "crypto.key.unsupported"
    );
    assert_eq!(
        RustCryptoSigner::from_pkcs8_der(&pkcs8("p521"))
            .unwrap_err()
            .code(),
        "crypto.key.unsupported"
    );
    assert_eq!(
        RustCryptoSigner::from_pkcs8_der(b"\x30\x00")
            .unwrap_err()
            .code(),
        "crypto.key.malformed"
    );
}
