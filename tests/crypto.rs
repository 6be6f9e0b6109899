//! The crypto module's contract beyond the vectors: collect-then-discharge
//! (`Pending`), its limits, the async path, and agreement of every backend.
//! Every test runs through every compiled-in backend.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idbridge::crypto::{
    self, Algorithm, AllowList, AsyncBackend, Pending, PublicKey, Rejected, SignatureCheck,
};
use idbridge::{Error, ErrorCode, Limits};
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

fn check(
    sk: &p256::ecdsa::SigningKey,
    msg: &[u8],
    signed: &[u8],
    code: ErrorCode,
) -> SignatureCheck {
    let sig: p256::ecdsa::Signature = sk.sign(signed);
    let key = PublicKey::from_spki_der(&p256_spki(sk)).unwrap();
    SignatureCheck::new(
        AllowList::all(),
        Algorithm::ECDSA_P256_SHA256_RAW,
        &key,
        msg,
        &sig.to_bytes(),
        Error::new(code, "test check"),
    )
    .unwrap()
}

/// Polls a future that never waits (every backend here is synchronous).
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    match f.as_mut().poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("the future waited"),
    }
}

#[test]
fn pending_releases_the_value_only_when_every_check_passes() {
    let sk = signer(7);
    for backend in crypto::backends() {
        let mut p = Pending::new("claims", &Limits::default());
        p.push(check(&sk, b"a", b"a", ErrorCode::XmldsigSignatureInvalid))
            .unwrap();
        p.push(check(&sk, b"b", b"b", ErrorCode::XmldsigSignatureInvalid))
            .unwrap();
        assert_eq!(p.checks().len(), 2);
        assert_eq!(p.verify(*backend).unwrap(), "claims", "{}", backend.name());

        // The second check fails: its own error comes back, not the value.
        let mut p = Pending::new("claims", &Limits::default());
        p.push(check(&sk, b"a", b"a", ErrorCode::XmldsigSignatureInvalid))
            .unwrap();
        p.push(check(
            &sk,
            b"tampered",
            b"b",
            ErrorCode::WebeidSignatureInvalid,
        ))
        .unwrap();
        assert_eq!(
            p.verify(*backend).unwrap_err().kind(),
            ErrorCode::WebeidSignatureInvalid
        );
    }
}

#[test]
fn pending_with_no_checks_is_never_verified() {
    for backend in crypto::backends() {
        let p = Pending::new(1, &Limits::default());
        assert_eq!(
            p.verify(*backend).unwrap_err().kind(),
            ErrorCode::CryptoSignatureInvalid
        );
    }
}

#[test]
fn pending_enforces_the_signature_check_limit() {
    let sk = signer(3);
    let mut p = Pending::new((), &Limits::default().tighten_max_signature_checks(1));
    p.push(check(&sk, b"a", b"a", ErrorCode::CryptoSignatureInvalid))
        .unwrap();
    let err = p
        .push(check(&sk, b"a", b"a", ErrorCode::CryptoSignatureInvalid))
        .unwrap_err();
    assert_eq!(err.code(), "crypto.checks.exceeded");
}

/// An asynchronous backend standing in for WebCrypto: it answers from a
/// fixed verdict, so the test can prove `verify_async` obeys it.
struct FixedAsync(bool);

impl AsyncBackend for FixedAsync {
    fn name(&self) -> &'static str {
        "fixed"
    }
    async fn verify(&self, _check: &SignatureCheck) -> Result<(), Rejected> {
        if self.0 {
            Ok(())
        } else {
            Err(Rejected)
        }
    }
}

#[test]
fn async_discharge_matches_sync() {
    let sk = signer(9);
    for backend in crypto::backends() {
        let mut good = Pending::new("v", &Limits::default());
        good.push(check(&sk, b"m", b"m", ErrorCode::CryptoSignatureInvalid))
            .unwrap();
        assert_eq!(block_on(good.verify_async(*backend)).unwrap(), "v");
        let mut bad = Pending::new("v", &Limits::default());
        bad.push(check(&sk, b"x", b"m", ErrorCode::CryptoSignatureInvalid))
            .unwrap();
        assert!(block_on(bad.verify_async(*backend)).is_err());
    }
    let mut p = Pending::new("v", &Limits::default());
    p.push(check(&sk, b"m", b"m", ErrorCode::WebeidSignatureInvalid))
        .unwrap();
    assert_eq!(
        block_on(p.verify_async(&FixedAsync(false)))
            .unwrap_err()
            .kind(),
        ErrorCode::WebeidSignatureInvalid
    );
    let mut p = Pending::new("v", &Limits::default());
    p.push(check(&sk, b"m", b"m", ErrorCode::WebeidSignatureInvalid))
        .unwrap();
    assert_eq!(block_on(p.verify_async(&FixedAsync(true))).unwrap(), "v");
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
