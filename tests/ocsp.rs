//! OCSP (`src/x509/ocsp/`): response checks and request building, every test
//! through every compiled-in backend.
//!
//! Two kinds of material:
//! - the Web eID reference suite's genuine responses (`../shared/data/webeid`,
//!   outside the repository: those tests print a message and pass when it
//!   is absent), mutated one byte at a time as the Java suite does;
//! - a small synthetic P-256 hierarchy built here, in code (CA, delegated
//!   responder, leaf; fixed keys, fixed epoch), for the rules the genuine
//!   files cannot reach.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use idbridge::crypto::{self, Backend};
use idbridge::ocsp::{self, OcspPolicy};
use idbridge::UnixTime;

fn backends() -> &'static [&'static dyn Backend] {
    crypto::backends()
}

#[track_caller]
fn assert_code(result: idbridge::Result<()>, code: &str, backend: &dyn Backend) {
    match result {
        Ok(()) => panic!("expected {code} on {}, got Ok", backend.name()),
        Err(e) => assert_eq!(e.code(), code, "on {}: {e}", backend.name()),
    }
}

#[track_caller]
fn assert_ok(result: idbridge::Result<()>, backend: &dyn Backend) {
    if let Err(e) = result {
        panic!("expected Ok on {}, got {e}", backend.name());
    }
}

// ---------------------------------------------------------------------------
// Genuine responses from the Web eID reference suite
// ---------------------------------------------------------------------------

mod webeid {
    use super::*;
    use std::path::PathBuf;

    /// 2021-09-17T18:25:24Z: thisUpdate (= producedAt) of `ocsp_response.der`.
    pub const GOOD_THIS_UPDATE: i64 = 1_631_903_124;
    /// 2021-09-18T00:13:43Z: thisUpdate of `ocsp_response_revoked.der`.
    pub const REVOKED_THIS_UPDATE: i64 = 1_631_924_023;
    /// 2021-09-18T00:16:25Z: thisUpdate of `ocsp_response_unknown.der`.
    pub const UNKNOWN_THIS_UPDATE: i64 = 1_631_924_185;
    /// The good response's nonce extension value (bare form).
    pub const GOOD_NONCE: [u8; 8] = [0x47, 0xFF, 0xAF, 0xC9, 0x18, 0x11, 0x77, 0x0E];

    /// The files, or `None` (with a message) when the shared data is absent.
    pub struct Files {
        pub good: Vec<u8>,
        pub revoked: Vec<u8>,
        pub unknown: Vec<u8>,
        pub issuer: Vec<u8>,
        pub subject: Vec<u8>,
        pub sk_responder: Vec<u8>,
        pub prod_esteid2018: Vec<u8>,
    }

    pub fn data() -> PathBuf {
        crate::common::shared::dir().join("data/webeid")
    }

    fn read(rel: &str) -> Option<Vec<u8>> {
        std::fs::read(data().join(rel)).ok()
    }

    pub fn files(test: &str) -> Option<Files> {
        let f = (|| {
            Some(Files {
                good: read("java/ocsp_response.der")?,
                revoked: read("java/ocsp_response_revoked.der")?,
                unknown: read("java/ocsp_response_unknown.der")?,
                issuer: read("java/TEST_of_ESTEID2018.cer")?,
                subject: read("java/certs/Certificates__JAAK_KRISTJAN_ESTEID2018_CERT.der")?,
                sk_responder: read("java/TEST_of_SK_OCSP_RESPONDER_2020.cer")?,
                prod_esteid2018: read("java/ESTEID2018.cer")?,
            })
        })();
        if f.is_none() {
            crate::common::shared::skip(test, &data());
        }
        f
    }

    /// A file of the public vectors (`../shared/vectors/webeid/inputs`).
    pub fn vector_input(test: &str, name: &str) -> Option<Vec<u8>> {
        crate::common::shared::read(test, &format!("vectors/webeid/inputs/{name}"))
    }

    pub fn check(
        backend: &dyn Backend,
        f: &Files,
        response: &[u8],
        pinned: Option<&[u8]>,
        nonce: Option<&[u8]>,
        now: i64,
    ) -> idbridge::Result<()> {
        ocsp::check_response_der(
            backend,
            response,
            &f.subject,
            &f.issuer,
            pinned,
            nonce,
            UnixTime::from_unix_seconds(now),
            &OcspPolicy::default(),
        )
    }

    pub fn mutated(bytes: &[u8], at: usize, value: u8) -> Vec<u8> {
        let mut m = bytes.to_vec();
        m[at] = value;
        m
    }
}

#[test]
fn when_good_response_at_its_this_update_then_ok() {
    let Some(f) = webeid::files("when_good_response_at_its_this_update_then_ok") else {
        return;
    };
    for &b in backends() {
        assert_ok(
            webeid::check(b, &f, &f.good, None, None, webeid::GOOD_THIS_UPDATE),
            b,
        );
    }
}

#[test]
fn when_revoked_response_then_cert_revoked() {
    let Some(f) = webeid::files("when_revoked_response_then_cert_revoked") else {
        return;
    };
    for &b in backends() {
        let r = webeid::check(b, &f, &f.revoked, None, None, webeid::REVOKED_THIS_UPDATE);
        assert_code(r, "ocsp.cert.revoked", b);
    }
}

#[test]
fn when_unknown_response_with_pinned_sk_responder_then_cert_unknown() {
    let Some(f) = webeid::files("when_unknown_response_with_pinned_sk_responder_then_cert_unknown")
    else {
        return;
    };
    for &b in backends() {
        let r = webeid::check(
            b,
            &f,
            &f.unknown,
            Some(&f.sk_responder),
            None,
            webeid::UNKNOWN_THIS_UPDATE,
        );
        assert_code(r, "ocsp.cert.unknown", b);
    }
}

#[test]
fn when_unknown_response_in_issuer_mode_then_responder_untrusted() {
    // Its signer, TEST of SK OCSP RESPONDER 2020, is issued by another
    // hierarchy (and signed sha1WithRSA): untrusted, never an algorithm error.
    let Some(f) = webeid::files("when_unknown_response_in_issuer_mode_then_responder_untrusted")
    else {
        return;
    };
    for &b in backends() {
        let r = webeid::check(b, &f, &f.unknown, None, None, webeid::UNKNOWN_THIS_UPDATE);
        assert_code(r, "ocsp.responder.untrusted", b);
    }
}

#[test]
fn when_pinned_responder_is_not_the_signer_then_responder_untrusted() {
    let Some(f) = webeid::files("when_pinned_responder_is_not_the_signer_then_responder_untrusted")
    else {
        return;
    };
    for &b in backends() {
        let r = webeid::check(
            b,
            &f,
            &f.good,
            Some(&f.sk_responder),
            None,
            webeid::GOOD_THIS_UPDATE,
        );
        assert_code(r, "ocsp.responder.untrusted", b);
    }
}

#[test]
fn when_pinned_responder_has_expired_then_responder_untrusted() {
    // TEST of SK OCSP RESPONDER 2020 expired on 2024-06-13; the check of the
    // responder comes before the time window.
    let Some(f) = webeid::files("when_pinned_responder_has_expired_then_responder_untrusted")
    else {
        return;
    };
    for &b in backends() {
        let r = webeid::check(
            b,
            &f,
            &f.unknown,
            Some(&f.sk_responder),
            None,
            1_735_689_600,
        );
        assert_code(r, "ocsp.responder.untrusted", b);
    }
}

#[test]
fn when_delegated_responder_has_expired_then_responder_untrusted_not_chain_error() {
    // The DEMO AIA responder is valid until 2033-08-29T21:00:00Z.
    let Some(f) = webeid::files(
        "when_delegated_responder_has_expired_then_responder_untrusted_not_chain_error",
    ) else {
        return;
    };
    for &b in backends() {
        let r = webeid::check(b, &f, &f.good, None, None, 2_008_962_001);
        assert_code(r, "ocsp.responder.untrusted", b);
    }
}

#[test]
fn when_status_byte_is_internal_error_then_status_error() {
    let Some(f) = webeid::files("when_status_byte_is_internal_error_then_status_error") else {
        return;
    };
    let m = webeid::mutated(&f.good, 6, 2);
    for &b in backends() {
        let r = webeid::check(b, &f, &m, None, None, webeid::GOOD_THIS_UPDATE);
        assert_code(r, "ocsp.status.error", b);
    }
}

#[test]
fn when_serial_byte_changes_then_cert_id_mismatch() {
    let Some(f) = webeid::files("when_serial_byte_changes_then_cert_id_mismatch") else {
        return;
    };
    let m = webeid::mutated(&f.good, 237, 0x42);
    for &b in backends() {
        let r = webeid::check(b, &f, &m, None, None, webeid::GOOD_THIS_UPDATE);
        assert_code(r, "ocsp.cert_id.mismatch", b);
    }
}

#[test]
fn when_issuer_is_another_ca_then_cert_id_mismatch() {
    let Some(f) = webeid::files("when_issuer_is_another_ca_then_cert_id_mismatch") else {
        return;
    };
    for &b in backends() {
        let r = ocsp::check_response_der(
            b,
            &f.good,
            &f.subject,
            &f.prod_esteid2018,
            None,
            None,
            UnixTime::from_unix_seconds(webeid::GOOD_THIS_UPDATE),
            &OcspPolicy::default(),
        );
        assert_code(r, "ocsp.cert_id.mismatch", b);
    }
}

#[test]
fn when_signature_byte_changes_then_signature_invalid() {
    let Some(f) = webeid::files("when_signature_byte_changes_then_signature_invalid") else {
        return;
    };
    let m = webeid::mutated(&f.good, 354, 0x01);
    for &b in backends() {
        let r = webeid::check(b, &f, &m, None, None, webeid::GOOD_THIS_UPDATE);
        assert_code(r, "ocsp.signature.invalid", b);
    }
}

#[test]
fn when_responder_key_is_corrupted_then_responder_untrusted() {
    // byte[938] lands inside the responder certificate's RSA key: the
    // certificate decodes, its key does not.
    let Some(f) = webeid::files("when_responder_key_is_corrupted_then_responder_untrusted") else {
        return;
    };
    let m = webeid::mutated(&f.good, 938, 0x42);
    for &b in backends() {
        let r = webeid::check(b, &f, &m, None, None, webeid::GOOD_THIS_UPDATE);
        assert_code(r, "ocsp.responder.untrusted", b);
    }
}

#[test]
fn when_signature_length_is_corrupted_then_malformed() {
    let Some(f) = webeid::files("when_signature_length_is_corrupted_then_malformed") else {
        return;
    };
    let m = webeid::mutated(&f.good, 352, 0x42);
    for &b in backends() {
        let r = webeid::check(b, &f, &m, None, None, webeid::GOOD_THIS_UPDATE);
        assert_code(r, "ocsp.response.malformed", b);
    }
}

#[test]
fn time_window_bounds_of_the_good_response() {
    let Some(f) = webeid::files("time_window_bounds_of_the_good_response") else {
        return;
    };
    let t = webeid::GOOD_THIS_UPDATE;
    for &b in backends() {
        // thisUpdate at most 120 s old ...
        assert_ok(webeid::check(b, &f, &f.good, None, None, t + 120), b);
        let r = webeid::check(b, &f, &f.good, None, None, t + 121);
        assert_code(r, "ocsp.time.invalid", b);
        // ... and at most 900 s in the future.
        assert_ok(webeid::check(b, &f, &f.good, None, None, t - 900), b);
        let r = webeid::check(b, &f, &f.good, None, None, t - 901);
        assert_code(r, "ocsp.time.invalid", b);
        // A day on either side (the public vectors' cases).
        let r = webeid::check(b, &f, &f.good, None, None, t - 86_400);
        assert_code(r, "ocsp.time.invalid", b);
        let r = webeid::check(b, &f, &f.good, None, None, t + 86_400);
        assert_code(r, "ocsp.time.invalid", b);
    }
}

#[test]
fn when_request_nonce_differs_then_nonce_mismatch_and_when_equal_then_ok() {
    let Some(f) =
        webeid::files("when_request_nonce_differs_then_nonce_mismatch_and_when_equal_then_ok")
    else {
        return;
    };
    let t = webeid::GOOD_THIS_UPDATE;
    let mut other = webeid::GOOD_NONCE;
    other[7] ^= 1;
    for &b in backends() {
        let r = webeid::check(b, &f, &f.good, None, Some(&other), t);
        assert_code(r, "ocsp.nonce.mismatch", b);
        let r = webeid::check(b, &f, &f.good, None, Some(&[7u8; 32]), t);
        assert_code(r, "ocsp.nonce.mismatch", b);
        assert_ok(
            webeid::check(b, &f, &f.good, None, Some(&webeid::GOOD_NONCE), t),
            b,
        );
    }
}

#[test]
fn when_two_responses_then_responses_count_and_fractional_times_are_malformed() {
    let test = "when_two_responses_then_responses_count_and_fractional_times_are_malformed";
    let Some(f) = webeid::files(test) else {
        return;
    };
    let fractional =
        std::fs::read(webeid::data().join("java/ocsp_response_with_2_responses.der")).unwrap();
    for &b in backends() {
        let r = webeid::check(b, &f, &fractional, None, None, 1_711_980_597);
        assert_code(r, "ocsp.response.malformed", b);
    }
    let Some(whole) =
        webeid::vector_input(test, "ocsp_response_with_2_responses_whole_seconds.der")
    else {
        return;
    };
    for &b in backends() {
        let r = webeid::check(b, &f, &whole, None, None, 1_711_980_597);
        assert_code(r, "ocsp.responses.count", b);
    }
}

#[test]
fn build_request_cert_id_equals_the_genuine_responses() {
    use der::{Decode, Encode};
    use x509_ocsp::{BasicOcspResponse, OcspRequest, OcspResponse};
    let Some(f) = webeid::files("build_request_cert_id_equals_the_genuine_responses") else {
        return;
    };
    let response = OcspResponse::from_der(&f.good).unwrap();
    let basic =
        BasicOcspResponse::from_der(response.response_bytes.unwrap().response.as_bytes()).unwrap();
    let genuine = basic.tbs_response_data.responses[0]
        .cert_id
        .to_der()
        .unwrap();

    let der = ocsp::build_request(&f.subject, &f.issuer, None).unwrap();
    let request = OcspRequest::from_der(&der).unwrap();
    assert_eq!(
        request.to_der().unwrap(),
        der,
        "the request is canonical DER"
    );
    assert_eq!(request.tbs_request.request_list.len(), 1);
    let ours = request.tbs_request.request_list[0]
        .req_cert
        .to_der()
        .unwrap();
    assert_eq!(ours, genuine);
    assert!(request.tbs_request.request_extensions.is_none());
    assert!(request.optional_signature.is_none());

    let nonce = [0xA5u8; 32];
    let der = ocsp::build_request(&f.subject, &f.issuer, Some(&nonce)).unwrap();
    let request = OcspRequest::from_der(&der).unwrap();
    assert_eq!(
        request.tbs_request.request_list[0]
            .req_cert
            .to_der()
            .unwrap(),
        genuine
    );
    synthetic::assert_nonce_extension(&request, &nonce);
}

// ---------------------------------------------------------------------------
// Inputs that need no files
// ---------------------------------------------------------------------------

mod synthetic {
    //! A P-256 hierarchy made in code: fixed keys (scalars [n; 32]), fixed
    //! epoch, deterministic ECDSA (RFC 6979), so every run builds the same
    //! bytes.
    use der::asn1::{
        Any, BitString, GeneralizedTime, Null, ObjectIdentifier, OctetString, UtcTime,
    };
    use der::{Decode, Encode};
    use p256::ecdsa::signature::Signer;
    use p256::ecdsa::{Signature, SigningKey};
    use sha1::Digest as _;
    use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
    use std::str::FromStr;
    use std::time::Duration;
    use x509_cert::certificate::{TbsCertificate, Version};
    use x509_cert::ext::pkix::{BasicConstraints, CrlReason, ExtendedKeyUsage};
    use x509_cert::ext::Extension;
    use x509_cert::name::Name;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::time::{Time, Validity};
    use x509_cert::Certificate;
    use x509_ocsp::{
        BasicOcspResponse, CertId, CertStatus, OcspGeneralizedTime, OcspRequest, OcspResponse,
        OcspResponseStatus, ResponderId, ResponseBytes, ResponseData, RevokedInfo, SingleResponse,
    };

    /// 2023-11-14T22:13:20Z.
    pub const T0: i64 = 1_700_000_000;
    const DAY: i64 = 86_400;

    pub const ID_SHA1: &str = "1.3.14.3.2.26";
    pub const ID_SHA256: &str = "2.16.840.1.101.3.4.2.1";
    const ID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
    const PRIME256V1: &str = "1.2.840.10045.3.1.7";
    pub const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
    const ID_KP_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";
    const ID_KP_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
    const ID_PKIX_OCSP_BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
    pub const ID_PKIX_OCSP_NONCE: &str = "1.3.6.1.5.5.7.48.1.2";

    pub fn oid(s: &str) -> ObjectIdentifier {
        ObjectIdentifier::new(s).unwrap()
    }

    pub fn key(n: u8) -> SigningKey {
        SigningKey::from_slice(&[n; 32]).unwrap()
    }

    fn point(k: &SigningKey) -> Vec<u8> {
        k.verifying_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec()
    }

    pub fn sign(k: &SigningKey, msg: &[u8]) -> Vec<u8> {
        let sig: Signature = k.sign(msg);
        sig.to_der().as_bytes().to_vec()
    }

    fn alg(s: &str) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: oid(s),
            parameters: None,
        }
    }

    fn utc(t: i64) -> Time {
        Time::UtcTime(UtcTime::from_unix_duration(Duration::from_secs(t as u64)).unwrap())
    }

    pub fn gt(t: i64) -> OcspGeneralizedTime {
        OcspGeneralizedTime(
            GeneralizedTime::from_unix_duration(Duration::from_secs(t as u64)).unwrap(),
        )
    }

    fn ext(id: &str, critical: bool, value: &impl Encode) -> Extension {
        Extension {
            extn_id: oid(id),
            critical,
            extn_value: OctetString::new(value.to_der().unwrap()).unwrap(),
        }
    }

    pub fn name(s: &str) -> Name {
        Name::from_str(s).unwrap()
    }

    /// What a certificate says; signed by `signer`.
    pub struct CertSpec<'a> {
        pub serial: &'a [u8],
        pub subject: &'a str,
        pub issuer: &'a str,
        pub not_before: i64,
        pub not_after: i64,
        pub key: &'a SigningKey,
        pub signer: &'a SigningKey,
        pub ca: bool,
        pub eku: Option<&'a str>,
    }

    pub fn cert(spec: &CertSpec<'_>) -> Vec<u8> {
        let mut extensions = Vec::new();
        if spec.ca {
            extensions.push(ext(
                "2.5.29.19",
                true,
                &BasicConstraints {
                    ca: true,
                    path_len_constraint: None,
                },
            ));
        }
        if let Some(eku) = spec.eku {
            extensions.push(ext("2.5.29.37", false, &ExtendedKeyUsage(vec![oid(eku)])));
        }
        let tbs = TbsCertificate {
            version: Version::V3,
            serial_number: SerialNumber::new(spec.serial).unwrap(),
            signature: alg(ECDSA_SHA256),
            issuer: name(spec.issuer),
            validity: Validity {
                not_before: utc(spec.not_before),
                not_after: utc(spec.not_after),
            },
            subject: name(spec.subject),
            subject_public_key_info: SubjectPublicKeyInfoOwned {
                algorithm: AlgorithmIdentifierOwned {
                    oid: oid(ID_EC_PUBLIC_KEY),
                    parameters: Some(Any::encode_from(&oid(PRIME256V1)).unwrap()),
                },
                subject_public_key: BitString::from_bytes(&point(spec.key)).unwrap(),
            },
            issuer_unique_id: None,
            subject_unique_id: None,
            extensions: if extensions.is_empty() {
                None
            } else {
                Some(extensions)
            },
        };
        let tbs_der = tbs.to_der().unwrap();
        Certificate {
            tbs_certificate: tbs,
            signature_algorithm: alg(ECDSA_SHA256),
            signature: BitString::from_bytes(&sign(spec.signer, &tbs_der)).unwrap(),
        }
        .to_der()
        .unwrap()
    }

    pub const CA_NAME: &str = "CN=idbridge test CA,O=idbridge";
    pub const RESPONDER_NAME: &str = "CN=idbridge test OCSP responder,O=idbridge";
    pub const LEAF_NAME: &str = "CN=idbridge test user,O=idbridge";
    pub const LEAF_SERIAL: &[u8] = &[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF];

    pub struct World {
        pub ca_key: SigningKey,
        pub responder_key: SigningKey,
        pub ca: Vec<u8>,
        pub responder: Vec<u8>,
        pub leaf: Vec<u8>,
    }

    pub fn world() -> World {
        let ca_key = key(1);
        let responder_key = key(2);
        let leaf_key = key(3);
        let ca = cert(&CertSpec {
            serial: &[1],
            subject: CA_NAME,
            issuer: CA_NAME,
            not_before: T0 - 365 * DAY,
            not_after: T0 + 3650 * DAY,
            key: &ca_key,
            signer: &ca_key,
            ca: true,
            eku: None,
        });
        let responder = cert(&CertSpec {
            serial: &[2],
            subject: RESPONDER_NAME,
            issuer: CA_NAME,
            not_before: T0 - DAY,
            not_after: T0 + 365 * DAY,
            key: &responder_key,
            signer: &ca_key,
            ca: false,
            eku: Some(ID_KP_OCSP_SIGNING),
        });
        let leaf = cert(&CertSpec {
            serial: LEAF_SERIAL,
            subject: LEAF_NAME,
            issuer: CA_NAME,
            not_before: T0 - DAY,
            not_after: T0 + 365 * DAY,
            key: &leaf_key,
            signer: &ca_key,
            ca: false,
            eku: Some(ID_KP_CLIENT_AUTH),
        });
        World {
            ca_key,
            responder_key,
            ca,
            responder,
            leaf,
        }
    }

    /// A responder certificate for tests that vary one of its properties.
    pub fn responder_with(
        w: &World,
        subject: &str,
        not_before: i64,
        not_after: i64,
        signer: &SigningKey,
        eku: Option<&str>,
    ) -> Vec<u8> {
        cert(&CertSpec {
            serial: &[9],
            subject,
            issuer: CA_NAME,
            not_before,
            not_after,
            key: &w.responder_key,
            signer,
            ca: false,
            eku,
        })
    }

    /// The CertID of the world's leaf, hashed with `hash` (SHA-1 or SHA-256).
    pub fn cert_id(hash: &str, params: Option<Any>) -> CertId {
        let ca = Certificate::from_der(&world().ca).unwrap();
        let subject = ca.tbs_certificate.subject.to_der().unwrap();
        let key = ca
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes()
            .to_vec();
        let digest = |d: &[u8]| -> Vec<u8> {
            if hash == ID_SHA1 {
                sha1::Sha1::digest(d).to_vec()
            } else {
                use sha2::Digest as _;
                sha2::Sha256::digest(d).to_vec()
            }
        };
        CertId {
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: oid(hash),
                parameters: params,
            },
            issuer_name_hash: OctetString::new(digest(&subject)).unwrap(),
            issuer_key_hash: OctetString::new(digest(&key)).unwrap(),
            serial_number: SerialNumber::new(LEAF_SERIAL).unwrap(),
        }
    }

    pub fn null() -> Option<Any> {
        Some(Any::encode_from(&Null).unwrap())
    }

    pub fn single(
        status: CertStatus,
        this_update: i64,
        next_update: Option<i64>,
    ) -> SingleResponse {
        SingleResponse {
            cert_id: cert_id(ID_SHA1, None),
            cert_status: status,
            this_update: gt(this_update),
            next_update: next_update.map(gt),
            single_extensions: None,
        }
    }

    pub fn revoked() -> CertStatus {
        CertStatus::Revoked(RevokedInfo {
            revocation_time: gt(T0 - 3600),
            revocation_reason: Some(CrlReason::KeyCompromise),
        })
    }

    /// The nonce extension with `value` as extnValue's contents.
    pub fn nonce_ext(value: &[u8]) -> Extension {
        Extension {
            extn_id: oid(ID_PKIX_OCSP_NONCE),
            critical: false,
            extn_value: OctetString::new(value).unwrap(),
        }
    }

    /// `OCTET STRING { nonce }`.
    pub fn wrapped(nonce: &[u8]) -> Vec<u8> {
        OctetString::new(nonce).unwrap().to_der().unwrap()
    }

    /// A good response about the leaf, at T0, by the delegated responder.
    pub fn data() -> ResponseData {
        ResponseData {
            version: Default::default(),
            responder_id: ResponderId::ByName(name(RESPONDER_NAME)),
            produced_at: gt(T0),
            responses: vec![single(CertStatus::good(), T0, None)],
            response_extensions: None,
        }
    }

    /// As [`data`], with producedAt and thisUpdate at `t`.
    pub fn data_at(t: i64) -> ResponseData {
        ResponseData {
            produced_at: gt(t),
            responses: vec![single(CertStatus::good(), t, None)],
            ..data()
        }
    }

    /// Signs `tbs_der` (the DER of ResponseData, canonical or not) with
    /// `signer` and wraps it in a successful OCSPResponse.
    pub fn sign_raw(tbs_der: &[u8], signer: &SigningKey, certs: &[&[u8]]) -> Vec<u8> {
        let signature = sign(signer, tbs_der);
        let mut content = tbs_der.to_vec();
        content.extend(alg(ECDSA_SHA256).to_der().unwrap());
        content.extend(BitString::from_bytes(&signature).unwrap().to_der().unwrap());
        if !certs.is_empty() {
            let list: Vec<Certificate> = certs
                .iter()
                .map(|c| Certificate::from_der(c).unwrap())
                .collect();
            content.extend(tlv(0xA0, &list.to_der().unwrap()));
        }
        wrap_basic(&tlv(0x30, &content))
    }

    /// `der` with every primitive TLV equal to `from` replaced by `to`,
    /// the lengths of the constructed TLVs around it re-encoded.
    pub fn replace_tlv(der: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut rest = der;
        while !rest.is_empty() {
            let tag = rest[0];
            let (len, head) = match rest[1] {
                n if n < 0x80 => (n as usize, 2),
                0x81 => (rest[2] as usize, 3),
                0x82 => (((rest[2] as usize) << 8) | rest[3] as usize, 4),
                _ => panic!("length form not handled"),
            };
            let whole = &rest[..head + len];
            let content = &rest[head..head + len];
            if whole == from {
                out.extend_from_slice(to);
            } else if tag & 0x20 != 0 {
                out.extend(tlv(tag, &replace_tlv(content, from, to)));
            } else {
                out.extend_from_slice(whole);
            }
            rest = &rest[head + len..];
        }
        out
    }

    pub fn sign_data(data: &ResponseData, signer: &SigningKey, certs: &[&[u8]]) -> Vec<u8> {
        sign_raw(&data.to_der().unwrap(), signer, certs)
    }

    pub fn wrap_basic(basic_der: &[u8]) -> Vec<u8> {
        OcspResponse {
            response_status: OcspResponseStatus::Successful,
            response_bytes: Some(ResponseBytes {
                response_type: oid(ID_PKIX_OCSP_BASIC),
                response: OctetString::new(basic_der).unwrap(),
            }),
        }
        .to_der()
        .unwrap()
    }

    /// A response signed by the world's delegated responder, carrying its
    /// certificate.
    pub fn by_responder(w: &World, data: &ResponseData) -> Vec<u8> {
        sign_data(data, &w.responder_key, &[&w.responder])
    }

    /// One DER TLV with a short or long length.
    pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let n = content.len();
        if n < 0x80 {
            out.push(n as u8);
        } else if n < 0x100 {
            out.extend([0x81, n as u8]);
        } else {
            out.extend([0x82, (n >> 8) as u8, n as u8]);
        }
        out.extend_from_slice(content);
        out
    }

    pub fn assert_nonce_extension(request: &OcspRequest, nonce: &[u8]) {
        let exts = request.tbs_request.request_extensions.as_ref().unwrap();
        assert_eq!(exts.len(), 1);
        assert_eq!(exts[0].extn_id, oid(ID_PKIX_OCSP_NONCE));
        assert!(!exts[0].critical);
        assert_eq!(exts[0].extn_value.as_bytes(), wrapped(nonce).as_slice());
        assert_eq!(request.nonce().unwrap().0.as_bytes(), nonce);
    }

    /// For tests needing the decoded basic response of a built one.
    #[allow(dead_code)]
    pub fn basic_of(response: &[u8]) -> BasicOcspResponse {
        let r = OcspResponse::from_der(response).unwrap();
        BasicOcspResponse::from_der(r.response_bytes.unwrap().response.as_bytes()).unwrap()
    }
}

use synthetic::{World, T0};

fn check_world(
    backend: &dyn Backend,
    w: &World,
    response: &[u8],
    pinned: Option<&[u8]>,
    nonce: Option<&[u8]>,
    now: i64,
) -> idbridge::Result<()> {
    check_with_policy(
        backend,
        w,
        response,
        pinned,
        nonce,
        now,
        &OcspPolicy::default(),
    )
}

fn check_with_policy(
    backend: &dyn Backend,
    w: &World,
    response: &[u8],
    pinned: Option<&[u8]>,
    nonce: Option<&[u8]>,
    now: i64,
    policy: &OcspPolicy,
) -> idbridge::Result<()> {
    ocsp::check_response_der(
        backend,
        response,
        &w.leaf,
        &w.ca,
        pinned,
        nonce,
        UnixTime::from_unix_seconds(now),
        policy,
    )
}

#[test]
fn when_input_is_empty_or_garbage_then_malformed() {
    let w = synthetic::world();
    let too_short: &[u8] = &[0x30];
    let garbage: &[u8] = b"invalid";
    let wrong_tag: &[u8] = &[0x31, 0x03, 0x0a, 0x01, 0x00];
    for &b in backends() {
        for input in [&[][..], too_short, garbage, wrong_tag] {
            assert_code(
                check_world(b, &w, input, None, None, T0),
                "ocsp.response.malformed",
                b,
            );
        }
    }
}

#[test]
fn when_status_only_response_then_status_error() {
    let w = synthetic::world();
    for &b in backends() {
        // malformedRequest(1), internalError(2), tryLater(3), sigRequired(5), unauthorized(6)
        for status in [1u8, 2, 3, 5, 6] {
            let r = check_world(b, &w, &[0x30, 0x03, 0x0a, 0x01, status], None, None, T0);
            assert_code(r, "ocsp.status.error", b);
        }
    }
}

#[test]
fn when_status_is_an_error_then_status_error_even_with_a_body() {
    // The status decides before responseBytes are read.
    let w = synthetic::world();
    let mut response = synthetic::by_responder(&w, &synthetic::data());
    // SEQUENCE (long length, 3 or 4 bytes), then ENUMERATED 0a 01 00.
    let at = response.iter().position(|&x| x == 0x0a).unwrap();
    assert_eq!(&response[at..at + 3], &[0x0a, 0x01, 0x00]);
    response[at + 2] = 3;
    for &b in backends() {
        assert_code(
            check_world(b, &w, &response, None, None, T0),
            "ocsp.status.error",
            b,
        );
    }
}

#[test]
fn when_encoding_is_not_strict_der_then_malformed() {
    let w = synthetic::world();
    let good = synthetic::by_responder(&w, &synthetic::data());
    let mut trailing = good.clone();
    trailing.push(0);
    let long_form_length: &[u8] = &[0x30, 0x81, 0x03, 0x0a, 0x01, 0x02];
    let indefinite: &[u8] = &[0x30, 0x80, 0x0a, 0x01, 0x02, 0x00, 0x00];
    let status_trailing: &[u8] = &[0x30, 0x03, 0x0a, 0x01, 0x02, 0x00];
    let undefined_status: &[u8] = &[0x30, 0x03, 0x0a, 0x01, 0x04];
    for &b in backends() {
        assert_ok(check_world(b, &w, &good, None, None, T0), b);
        for input in [
            &trailing[..],
            long_form_length,
            indefinite,
            status_trailing,
            undefined_status,
        ] {
            assert_code(
                check_world(b, &w, input, None, None, T0),
                "ocsp.response.malformed",
                b,
            );
        }
    }
}

#[test]
fn when_explicit_default_version_is_signed_then_malformed() {
    // ResponseData with version [0] v1 written out (DER forbids encoding a
    // DEFAULT value), correctly signed: refused as not canonical.
    use der::Encode;
    let w = synthetic::world();
    let data = synthetic::data();
    let mut content = synthetic::tlv(0xA0, &[0x02, 0x01, 0x00]);
    content.extend(data.responder_id.to_der().unwrap());
    content.extend(data.produced_at.to_der().unwrap());
    content.extend(data.responses.to_der().unwrap());
    let tbs = synthetic::tlv(0x30, &content);
    let response = synthetic::sign_raw(&tbs, &w.responder_key, &[&w.responder]);
    for &b in backends() {
        assert_code(
            check_world(b, &w, &response, None, None, T0),
            "ocsp.response.malformed",
            b,
        );
    }
}

#[test]
fn when_successful_without_basic_response_then_malformed() {
    use der::asn1::OctetString;
    use der::Encode;
    use x509_ocsp::{OcspResponse, OcspResponseStatus, ResponseBytes};
    let w = synthetic::world();
    let no_bytes: &[u8] = &[0x30, 0x03, 0x0a, 0x01, 0x00];
    let other_type = OcspResponse {
        response_status: OcspResponseStatus::Successful,
        response_bytes: Some(ResponseBytes {
            response_type: synthetic::oid("1.3.6.1.5.5.7.48.1.99"),
            response: OctetString::new(vec![0x30, 0x00]).unwrap(),
        }),
    }
    .to_der()
    .unwrap();
    let not_basic = synthetic::wrap_basic(&[0x30, 0x00]);
    for &b in backends() {
        for input in [no_bytes, &other_type, &not_basic] {
            assert_code(
                check_world(b, &w, input, None, None, T0),
                "ocsp.response.malformed",
                b,
            );
        }
    }
}

#[test]
fn when_response_is_over_64_kib_then_too_large() {
    let w = synthetic::world();
    let big = vec![0u8; 64 * 1024 + 1];
    for &b in backends() {
        assert_code(
            check_world(b, &w, &big, None, None, T0),
            "input.too_large",
            b,
        );
    }
}

#[test]
fn when_more_than_eight_certs_then_malformed() {
    let w = synthetic::world();
    let data = synthetic::data();
    let eight: Vec<&[u8]> = std::iter::repeat_n(&w.responder[..], 8).collect();
    let nine: Vec<&[u8]> = std::iter::repeat_n(&w.responder[..], 9).collect();
    let ok = synthetic::sign_data(&data, &w.responder_key, &eight);
    let too_many = synthetic::sign_data(&data, &w.responder_key, &nine);
    for &b in backends() {
        assert_ok(check_world(b, &w, &ok, None, None, T0), b);
        assert_code(
            check_world(b, &w, &too_many, None, None, T0),
            "ocsp.response.malformed",
            b,
        );
    }
}

#[test]
fn when_not_exactly_one_single_response_then_responses_count() {
    use x509_ocsp::CertStatus;
    let w = synthetic::world();
    let mut two = synthetic::data();
    two.responses
        .push(synthetic::single(CertStatus::good(), T0, None));
    let mut none = synthetic::data();
    none.responses.clear();
    for &b in backends() {
        for data in [&two, &none] {
            let response = synthetic::by_responder(&w, data);
            assert_code(
                check_world(b, &w, &response, None, None, T0),
                "ocsp.responses.count",
                b,
            );
        }
    }
}

#[test]
fn cert_id_is_compared_by_meaning_sha1_or_sha256_absent_or_null_parameters() {
    use der::asn1::{Any, OctetString};
    use der::Tag;
    use synthetic::{cert_id, null, ID_SHA1, ID_SHA256};
    let w = synthetic::world();
    let with = |id: x509_ocsp::CertId| {
        let mut data = synthetic::data();
        data.responses[0].cert_id = id;
        synthetic::by_responder(&w, &data)
    };
    // RFC 3370 §2.1 / RFC 5754 §2: absent and NULL parameters are both fine.
    let accepted = [
        with(cert_id(ID_SHA1, None)),
        with(cert_id(ID_SHA1, null())),
        with(cert_id(ID_SHA256, None)),
        with(cert_id(ID_SHA256, null())),
    ];
    // Any other parameter value is refused, whatever the hashes say.
    let params = |tag: Tag, value: &[u8]| Some(Any::new(tag, value.to_vec()).unwrap());
    let odd_params = [
        params(Tag::Integer, &[0]),
        params(Tag::OctetString, &[]),
        params(Tag::Sequence, &[]),
        params(Tag::Boolean, &[0]),
        params(Tag::ObjectIdentifier, &[0x2b, 0x0e, 0x03, 0x02, 0x1a]),
    ];
    let mut refused: Vec<Vec<u8>> = Vec::new();
    for p in odd_params {
        refused.push(with(cert_id(ID_SHA1, p.clone())));
        refused.push(with(cert_id(ID_SHA256, p)));
    }
    // Hash algorithms we do not accept, even with correct-length hashes.
    for other in [
        "1.2.840.113549.2.5",
        "2.16.840.1.101.3.4.2.2",
        "2.16.840.1.101.3.4.2.3",
    ] {
        let mut id = cert_id(ID_SHA1, None);
        id.hash_algorithm.oid = synthetic::oid(other);
        refused.push(with(id));
    }
    // The OID says one hash and the hashes are the other's (both ways).
    let mut sha1_label = cert_id(ID_SHA256, None);
    sha1_label.hash_algorithm.oid = synthetic::oid(ID_SHA1);
    refused.push(with(sha1_label));
    let mut sha256_label = cert_id(ID_SHA1, null());
    sha256_label.hash_algorithm.oid = synthetic::oid(ID_SHA256);
    refused.push(with(sha256_label));
    // One hash right, the other wrong; the hashes swapped; a truncated hash.
    let mut key_hash = cert_id(ID_SHA1, None);
    key_hash.issuer_key_hash = OctetString::new(vec![0u8; 20]).unwrap();
    refused.push(with(key_hash));
    let mut swapped = cert_id(ID_SHA1, None);
    core::mem::swap(&mut swapped.issuer_key_hash, &mut swapped.issuer_name_hash);
    refused.push(with(swapped));
    let mut short = cert_id(ID_SHA1, None);
    let name_hash = short.issuer_name_hash.as_bytes()[..19].to_vec();
    short.issuer_name_hash = OctetString::new(name_hash).unwrap();
    refused.push(with(short));
    // Another serial, and the same magnitude negated.
    let mut serial = cert_id(ID_SHA1, None);
    serial.serial_number = x509_cert::serial_number::SerialNumber::new(&[0x01, 0x23]).unwrap();
    refused.push(with(serial));
    for &b in backends() {
        for response in &accepted {
            assert_ok(check_world(b, &w, response, None, None, T0), b);
        }
        for response in &refused {
            assert_code(
                check_world(b, &w, response, None, None, T0),
                "ocsp.cert_id.mismatch",
                b,
            );
        }
    }
}

#[test]
fn cert_id_serial_with_a_redundant_leading_zero_is_not_der() {
    // The serial INTEGER with a leading 00 octet that DER forbids
    // (X.690 §8.3.2): the strict decoder refuses the whole response before
    // any CertID is compared, so no encoding of the serial other than the
    // certificate's one DER form can name it.
    let w = synthetic::world();
    let mut data = synthetic::data();
    data.responses[0].cert_id = synthetic::cert_id(synthetic::ID_SHA1, None);
    let good = synthetic::by_responder(&w, &data);
    let serial = synthetic::LEAF_SERIAL;
    let mut from = vec![0x02, serial.len() as u8];
    from.extend_from_slice(serial);
    assert!(good.windows(from.len()).any(|win| win == from.as_slice()));
    let mut padded_serial = vec![0x02, serial.len() as u8 + 1, 0x00];
    padded_serial.extend_from_slice(serial);
    let tbs = {
        use der::Encode;
        data.to_der().unwrap()
    };
    let patched = synthetic::replace_tlv(&tbs, &from, &padded_serial);
    assert_ne!(patched, tbs);
    let response = synthetic::sign_raw(&patched, &w.responder_key, &[&w.responder]);
    for &b in backends() {
        assert_code(
            check_world(b, &w, &response, None, None, T0),
            "ocsp.response.malformed",
            b,
        );
    }
}

#[test]
fn when_the_issuing_ca_signs_without_certs_then_responder_id_decides() {
    use der::asn1::OctetString;
    use der::{Decode, Encode};
    use sha1::Digest as _;
    use x509_ocsp::ResponderId;
    let w = synthetic::world();
    let ca = x509_cert::Certificate::from_der(&w.ca).unwrap();
    let key_bits = ca
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes()
        .to_vec();
    let mut by_name = synthetic::data();
    by_name.responder_id = ResponderId::ByName(synthetic::name(synthetic::CA_NAME));
    let mut by_key = synthetic::data();
    by_key.responder_id =
        ResponderId::ByKey(OctetString::new(sha1::Sha1::digest(&key_bits).to_vec()).unwrap());
    let mut other_name = synthetic::data();
    other_name.responder_id = ResponderId::ByName(synthetic::name(synthetic::RESPONDER_NAME));
    let mut other_key = synthetic::data();
    other_key.responder_id = ResponderId::ByKey(OctetString::new(vec![0u8; 20]).unwrap());
    assert_eq!(
        ca.tbs_certificate.subject.to_der().unwrap(),
        synthetic::name(synthetic::CA_NAME).to_der().unwrap()
    );
    for &b in backends() {
        for data in [&by_name, &by_key] {
            let response = synthetic::sign_data(data, &w.ca_key, &[]);
            assert_ok(check_world(b, &w, &response, None, None, T0), b);
            // Pinned to the CA itself: fine; pinned to another: untrusted.
            assert_ok(check_world(b, &w, &response, Some(&w.ca), None, T0), b);
            assert_code(
                check_world(b, &w, &response, Some(&w.responder), None, T0),
                "ocsp.responder.untrusted",
                b,
            );
        }
        for data in [&other_name, &other_key] {
            let response = synthetic::sign_data(data, &w.ca_key, &[]);
            assert_code(
                check_world(b, &w, &response, None, None, T0),
                "ocsp.responder.untrusted",
                b,
            );
        }
        // The CA's own certificate in certs: it is the issuer, no EKU needed.
        let response = synthetic::sign_data(&by_name, &w.ca_key, &[&w.ca]);
        assert_ok(check_world(b, &w, &response, None, None, T0), b);
        // Signed by the CA but carrying the delegated responder: the
        // signature is checked against certs[0].
        let response = synthetic::sign_data(&by_name, &w.ca_key, &[&w.responder]);
        assert_code(
            check_world(b, &w, &response, None, None, T0),
            "ocsp.signature.invalid",
            b,
        );
    }
}

#[test]
fn delegated_responder_needs_the_eku_the_issuers_signature_and_validity_now() {
    use synthetic::{responder_with, CA_NAME, RESPONDER_NAME};
    let w = synthetic::world();
    let day = 86_400;
    let ocsp_signing = Some("1.3.6.1.5.5.7.3.9");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "no EKU",
            responder_with(&w, RESPONDER_NAME, T0 - day, T0 + day, &w.ca_key, None),
        ),
        (
            "clientAuth EKU",
            responder_with(
                &w,
                RESPONDER_NAME,
                T0 - day,
                T0 + day,
                &w.ca_key,
                Some("1.3.6.1.5.5.7.3.2"),
            ),
        ),
        (
            "expired",
            responder_with(
                &w,
                RESPONDER_NAME,
                T0 - 2 * day,
                T0 - 1,
                &w.ca_key,
                ocsp_signing,
            ),
        ),
        (
            "not yet valid",
            responder_with(
                &w,
                RESPONDER_NAME,
                T0 + 1,
                T0 + day,
                &w.ca_key,
                ocsp_signing,
            ),
        ),
        (
            // Same issuer name, another key: a responder from a look-alike CA.
            "issued by a look-alike CA",
            responder_with(
                &w,
                RESPONDER_NAME,
                T0 - day,
                T0 + day,
                &synthetic::key(9),
                ocsp_signing,
            ),
        ),
        (
            // Self-issued under the CA's name, but the CA's key is not its own.
            "named like the CA",
            responder_with(
                &w,
                CA_NAME,
                T0 - day,
                T0 + day,
                &w.responder_key,
                ocsp_signing,
            ),
        ),
    ];
    let data = synthetic::data();
    for &b in backends() {
        for (what, responder) in &cases {
            let response = synthetic::sign_data(&data, &w.responder_key, &[responder]);
            let r = check_world(b, &w, &response, None, None, T0);
            match r {
                Err(e) if e.code() == "ocsp.responder.untrusted" => {}
                other => panic!("{what} on {}: {other:?}", b.name()),
            }
        }
        // At the exact bounds of its validity, the good one passes.
        let bounded = responder_with(&w, RESPONDER_NAME, T0, T0, &w.ca_key, ocsp_signing);
        let response = synthetic::sign_data(&data, &w.responder_key, &[&bounded]);
        assert_ok(check_world(b, &w, &response, None, None, T0), b);
    }
}

#[test]
fn responder_from_another_hierarchy_is_untrusted_before_any_crypto() {
    // Another CA (different name and key) issued the responder.
    use synthetic::{cert, key, CertSpec};
    let w = synthetic::world();
    let other_ca = key(7);
    let responder = cert(&CertSpec {
        serial: &[5],
        subject: "CN=foreign responder",
        issuer: "CN=foreign CA",
        not_before: T0 - 86_400,
        not_after: T0 + 86_400,
        key: &w.responder_key,
        signer: &other_ca,
        ca: false,
        eku: Some("1.3.6.1.5.5.7.3.9"),
    });
    let response = synthetic::sign_data(&synthetic::data(), &w.responder_key, &[&responder]);
    for &b in backends() {
        assert_code(
            check_world(b, &w, &response, None, None, T0),
            "ocsp.responder.untrusted",
            b,
        );
        // Pinned, it is accepted: the caller vouches for it.
        assert_ok(check_world(b, &w, &response, Some(&responder), None, T0), b);
    }
}

#[test]
fn pinned_responder_must_be_the_signer_and_valid_now() {
    let w = synthetic::world();
    let response = synthetic::by_responder(&w, &synthetic::data());
    let responder_not_after = T0 + 365 * 86_400;
    let late = synthetic::data_at(responder_not_after + 1);
    let late_response = synthetic::by_responder(&w, &late);
    for &b in backends() {
        assert_ok(
            check_world(b, &w, &response, Some(&w.responder), None, T0),
            b,
        );
        assert_code(
            check_world(b, &w, &response, Some(&w.ca), None, T0),
            "ocsp.responder.untrusted",
            b,
        );
        assert_code(
            check_world(
                b,
                &w,
                &late_response,
                Some(&w.responder),
                None,
                responder_not_after + 1,
            ),
            "ocsp.responder.untrusted",
            b,
        );
    }
}

#[test]
fn when_signature_is_wrong_then_signature_invalid() {
    use der::asn1::{BitString, OctetString};
    use der::{Decode, Encode};
    use x509_ocsp::{BasicOcspResponse, OcspResponse};
    let w = synthetic::world();
    let data = synthetic::data();
    // Signed by another key.
    let wrong_key = synthetic::sign_data(&data, &w.ca_key, &[&w.responder]);
    // An unsupported algorithm (ecdsa-with-SHA1) over a valid signature value.
    let good = synthetic::by_responder(&w, &data);
    let outer = OcspResponse::from_der(&good).unwrap();
    let mut basic = synthetic::basic_of(&good);
    basic.signature_algorithm.oid = synthetic::oid("1.2.840.10045.4.1");
    let rewrap = |basic: &BasicOcspResponse| {
        let mut o = outer.clone();
        o.response_bytes.as_mut().unwrap().response =
            OctetString::new(basic.to_der().unwrap()).unwrap();
        o.to_der().unwrap()
    };
    let sha1_alg = rewrap(&basic);
    // A BIT STRING with unused bits.
    let mut basic = synthetic::basic_of(&good);
    let sig = basic.signature.raw_bytes().to_vec();
    basic.signature = BitString::new(1, sig).unwrap();
    let unused_bits = rewrap(&basic);
    // An RSA algorithm with an EC key.
    let mut basic = synthetic::basic_of(&good);
    basic.signature_algorithm.oid = synthetic::oid("1.2.840.113549.1.1.11");
    let rsa_alg = rewrap(&basic);
    for &b in backends() {
        for response in [&wrong_key, &sha1_alg, &unused_bits, &rsa_alg] {
            assert_code(
                check_world(b, &w, response, None, None, T0),
                "ocsp.signature.invalid",
                b,
            );
        }
    }
}

#[test]
fn time_window_with_next_update() {
    let w = synthetic::world();
    let at = |this: i64, next: Option<i64>| {
        let mut data = synthetic::data();
        data.responses[0] = synthetic::single(x509_ocsp::CertStatus::good(), this, next);
        synthetic::by_responder(&w, &data)
    };
    let lenient = OcspPolicy {
        allowed_skew_secs: 900,
        max_this_update_age_secs: 86_400,
    };
    for &b in backends() {
        // nextUpdate equal to thisUpdate: on the bound, passes; one second
        // earlier, refused.
        assert_ok(check_world(b, &w, &at(T0, Some(T0)), None, None, T0), b);
        assert_code(
            check_world(b, &w, &at(T0, Some(T0 - 1)), None, None, T0),
            "ocsp.time.invalid",
            b,
        );
        // nextUpdate in the past by exactly the skew passes; by one more
        // second, refused (with a policy whose maximum age lets thisUpdate be).
        let this = T0 - 3600;
        assert_ok(
            check_with_policy(b, &w, &at(this, Some(T0 - 900)), None, None, T0, &lenient),
            b,
        );
        assert_code(
            check_with_policy(b, &w, &at(this, Some(T0 - 901)), None, None, T0, &lenient),
            "ocsp.time.invalid",
            b,
        );
        // A far nextUpdate changes nothing about thisUpdate's age.
        assert_code(
            check_world(b, &w, &at(T0 - 121, Some(T0 + 86_400)), None, None, T0),
            "ocsp.time.invalid",
            b,
        );
        // Policy values are honoured.
        let strict = OcspPolicy {
            allowed_skew_secs: 10,
            max_this_update_age_secs: 10,
        };
        assert_ok(
            check_with_policy(b, &w, &at(T0, None), None, None, T0 + 10, &strict),
            b,
        );
        assert_code(
            check_with_policy(b, &w, &at(T0, None), None, None, T0 + 11, &strict),
            "ocsp.time.invalid",
            b,
        );
        assert_code(
            check_with_policy(b, &w, &at(T0, None), None, None, T0 - 11, &strict),
            "ocsp.time.invalid",
            b,
        );
    }
    assert_eq!(
        OcspPolicy::default(),
        OcspPolicy {
            allowed_skew_secs: 900,
            max_this_update_age_secs: 120
        }
    );
}

#[test]
fn cert_status_revoked_and_unknown() {
    use x509_ocsp::CertStatus;
    let w = synthetic::world();
    let with = |status: CertStatus| {
        let mut data = synthetic::data();
        data.responses[0].cert_status = status;
        synthetic::by_responder(&w, &data)
    };
    let revoked = with(synthetic::revoked());
    let unknown = with(CertStatus::unknown());
    for &b in backends() {
        assert_code(
            check_world(b, &w, &revoked, None, None, T0),
            "ocsp.cert.revoked",
            b,
        );
        assert_code(
            check_world(b, &w, &unknown, None, None, T0),
            "ocsp.cert.unknown",
            b,
        );
    }
}

#[test]
fn nonce_forms_and_mismatches() {
    use synthetic::{nonce_ext, wrapped};
    let w = synthetic::world();
    let nonce = [0x5Au8; 32];
    let with = |exts: Option<Vec<x509_cert::ext::Extension>>| {
        let mut data = synthetic::data();
        data.response_extensions = exts;
        synthetic::by_responder(&w, &data)
    };
    let double = with(Some(vec![nonce_ext(&wrapped(&nonce))]));
    let bare = with(Some(vec![nonce_ext(&nonce)]));
    let none = with(None);
    let other_ext_only = with(Some(vec![x509_cert::ext::Extension {
        extn_id: synthetic::oid("1.3.6.1.5.5.7.48.1.6"),
        critical: false,
        extn_value: der::asn1::OctetString::new(vec![0x18, 0x00]).unwrap(),
    }]));
    let twice = with(Some(vec![
        nonce_ext(&wrapped(&nonce)),
        nonce_ext(&wrapped(&nonce)),
    ]));
    let mut other = nonce;
    other[0] = 0;
    let different = with(Some(vec![nonce_ext(&wrapped(&other))]));
    for &b in backends() {
        assert_ok(check_world(b, &w, &double, None, Some(&nonce), T0), b);
        assert_ok(check_world(b, &w, &bare, None, Some(&nonce), T0), b);
        // No request nonce: the response's nonce is not looked at.
        assert_ok(check_world(b, &w, &different, None, None, T0), b);
        assert_ok(check_world(b, &w, &none, None, None, T0), b);
        for response in [&none, &other_ext_only, &twice, &different] {
            assert_code(
                check_world(b, &w, response, None, Some(&nonce), T0),
                "ocsp.nonce.mismatch",
                b,
            );
        }
        // An empty request nonce binds nothing.
        let empty = with(Some(vec![nonce_ext(&[])]));
        assert_code(
            check_world(b, &w, &empty, None, Some(&[]), T0),
            "ocsp.nonce.mismatch",
            b,
        );
    }
}

#[test]
fn check_order_status_count_cert_id_signer_signature_authorization_time_status_nonce() {
    // Each response breaks two rules; the earlier one names the error.
    use x509_ocsp::CertStatus;
    let w = synthetic::world();
    let nonce = [1u8; 16];
    let mut revoked_and_old = synthetic::data();
    revoked_and_old.responses[0] = synthetic::single(synthetic::revoked(), T0 - 3600, None);
    let mut revoked_no_nonce = synthetic::data();
    revoked_no_nonce.responses[0].cert_status = CertStatus::unknown();
    let mut count_and_cert_id = synthetic::data();
    count_and_cert_id.responses[0].cert_id =
        synthetic::cert_id(synthetic::ID_SHA256, synthetic::null());
    count_and_cert_id
        .responses
        .push(count_and_cert_id.responses[0].clone());
    let mut cert_id_and_signature = synthetic::data();
    cert_id_and_signature.responses[0].cert_id.serial_number =
        x509_cert::serial_number::SerialNumber::new(&[0x01, 0x23]).unwrap();
    let mut old = synthetic::data();
    old.responses[0] = synthetic::single(CertStatus::good(), T0 - 3600, None);
    let untrusted = synthetic::responder_with(
        &w,
        synthetic::RESPONDER_NAME,
        T0 - 86_400,
        T0 + 86_400,
        &w.ca_key,
        None,
    );
    for &b in backends() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (
                synthetic::by_responder(&w, &revoked_and_old),
                "ocsp.time.invalid",
            ),
            (
                synthetic::by_responder(&w, &revoked_no_nonce),
                "ocsp.cert.unknown",
            ),
            (
                synthetic::by_responder(&w, &count_and_cert_id),
                "ocsp.responses.count",
            ),
            (
                synthetic::sign_data(&cert_id_and_signature, &w.ca_key, &[&w.responder]),
                "ocsp.cert_id.mismatch",
            ),
            (
                synthetic::sign_data(&old, &w.ca_key, &[&untrusted]),
                "ocsp.signature.invalid",
            ),
            (
                synthetic::sign_data(&old, &w.responder_key, &[&untrusted]),
                "ocsp.responder.untrusted",
            ),
        ];
        for (response, code) in &cases {
            assert_code(
                check_world(b, &w, response, None, Some(&nonce), T0),
                code,
                b,
            );
        }
    }
}

#[test]
fn build_request_round_trips_and_its_cert_id_is_what_the_check_expects() {
    use der::{Decode, Encode};
    use x509_ocsp::OcspRequest;
    let w = synthetic::world();
    let der = ocsp::build_request(&w.leaf, &w.ca, None).unwrap();
    let request = OcspRequest::from_der(&der).unwrap();
    assert_eq!(request.to_der().unwrap(), der);
    let [one] = request.tbs_request.request_list.as_slice() else {
        panic!("one Request expected");
    };
    assert!(one.single_request_extensions.is_none());
    assert_eq!(one.req_cert, synthetic::cert_id(synthetic::ID_SHA1, None));
    assert!(one.req_cert.hash_algorithm.parameters.is_none());
    assert!(request.tbs_request.requestor_name.is_none());
    assert!(request.tbs_request.request_extensions.is_none());

    // A response answering exactly that CertID passes the check.
    let mut data = synthetic::data();
    data.responses[0].cert_id = one.req_cert.clone();
    let response = synthetic::by_responder(&w, &data);
    for &b in backends() {
        assert_ok(check_world(b, &w, &response, None, None, T0), b);
    }

    for n in [1usize, 8, 32] {
        let nonce: Vec<u8> = (0..n as u8).collect();
        let der = ocsp::build_request(&w.leaf, &w.ca, Some(&nonce)).unwrap();
        let request = OcspRequest::from_der(&der).unwrap();
        synthetic::assert_nonce_extension(&request, &nonce);
    }
}

#[test]
fn build_request_refuses_bad_nonces_and_bad_certificates() {
    let w = synthetic::world();
    for n in [0usize, 33, 64] {
        let err = ocsp::build_request(&w.leaf, &w.ca, Some(&vec![1u8; n])).unwrap_err();
        assert_eq!(err.code(), "input.encoding", "nonce of {n} bytes");
    }
    let err = ocsp::build_request(b"junk", &w.ca, None).unwrap_err();
    assert_eq!(err.code(), "x509.cert.malformed");
    let err = ocsp::build_request(&w.leaf, b"junk", None).unwrap_err();
    assert_eq!(err.code(), "x509.cert.malformed");
    let mut trailing = w.leaf.clone();
    trailing.push(0);
    let err = ocsp::build_request(&trailing, &w.ca, None).unwrap_err();
    assert_eq!(err.code(), "x509.cert.malformed");
}

#[test]
fn check_response_der_refuses_undecodable_certificates() {
    let w = synthetic::world();
    let response = synthetic::by_responder(&w, &synthetic::data());
    for &b in backends() {
        let r = ocsp::check_response_der(
            b,
            &response,
            b"junk",
            &w.ca,
            None,
            None,
            UnixTime::from_unix_seconds(T0),
            &OcspPolicy::default(),
        );
        assert_code(r, "x509.cert.malformed", b);
    }
}
