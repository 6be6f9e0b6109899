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
