//! Web eID through the public API: embedded anchors, expectations, and the
//! genuine TEST-card token (from ../shared, when present) mutated one field
//! at a time. The full suites run as vectors (tests/vectors.rs).
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use idbridge::webeid::{self, Expectations, Nonce, Ocsp};
use idbridge::{anchors, crypto, Trust, UnixTime};

const ORIGIN: &str = "https://ria.ee";
const NONCE: &str = "12345678123456781234567812345678912356789123";

fn shared(rel: &str) -> Option<Vec<u8>> {
    common::shared::read("webeid", &format!("data/webeid/{rel}"))
}

fn at(t: &str) -> UnixTime {
    UnixTime::parse_rfc3339(t).unwrap()
}

#[test]
fn embedded_anchors_match_their_fingerprints_and_dates() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    for a in anchors::ESTONIA.iter().chain(anchors::ESTONIA_TEST) {
        let der = a.der().unwrap_or_else(|e| panic!("{}: {e}", a.name));
        assert!(!der.is_empty());
        let not_after = at(a.not_after).as_secs();
        assert!(at(a.not_before).as_secs() < not_after);
        // A test, unlike the library, may read the clock: fail well before
        // an embedded anchor expires, so it is replaced in time.
        assert!(
            not_after - now > 180 * 86_400,
            "{} expires within 180 days ({})",
            a.name,
            a.not_after
        );
        // The recorded dates are the certificate's own.
        let trust = Trust::builder()
            .webeid_anchor(&der)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(trust.webeid_anchor_count(), 1);
        assert!(a.pem.contains(&a.not_after[..4]));
    }
    let t = Trust::builder()
        .webeid_anchors(anchors::ESTONIA)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(t.webeid_anchor_count(), 2);
}

#[test]
fn a_tampered_embedded_anchor_is_refused() {
    let mut bad = anchors::ESTEID2018;
    bad.sha256 = "00";
    assert_eq!(bad.der().unwrap_err().code(), "config.invalid");
}

#[test]
fn nonces_need_32_random_bytes() {
    assert_eq!(
        Nonce::from_random_bytes(&[1; 32]).unwrap().as_str().len(),
        44
    );
    assert_eq!(
        Nonce::from_random_bytes(&[1; 64]).unwrap().as_str().len(),
        88
    );
    assert_eq!(
        Nonce::from_random_bytes(&[1; 31]).unwrap_err().code(),
        "config.invalid"
    );
}

#[test]
fn unusable_expectations_are_refused_before_the_token_is_read() {
    let trust = Trust::builder()
        .webeid_anchors(anchors::ESTONIA_TEST)
        .unwrap()
        .build()
        .unwrap();
    let now = at("2023-09-01T10:00:00Z");
    for (origin, nonce) in [
        ("http://ria.ee", NONCE),
        ("https://ria.ee/", NONCE),
        (ORIGIN, ""),
    ] {
        let e = webeid::verify_token(
            &trust,
            b"not even json",
            &Expectations::new(origin, nonce),
            now,
        )
        .unwrap_err();
        assert_eq!(e.code(), "config.invalid", "{origin} {nonce}");
    }
    let empty = Trust::builder().build().unwrap();
    let e =
        webeid::verify_token(&empty, b"{}", &Expectations::new(ORIGIN, NONCE), now).unwrap_err();
    assert_eq!(e.code(), "config.invalid");
}

/// The genuine TEST-card token, one field changed at a time.
#[test]
fn genuine_token_mutated_one_field_at_a_time() {
    let (Some(token), Some(anchor)) = (
        shared("java/tokens/AbstractTestWithValidator__VALID_AUTH_TOKEN.json"),
        shared("java/TEST_of_ESTEID2018.cer"),
    ) else {
        return;
    };
    let trust = Trust::builder()
        .webeid_anchor(&anchor)
        .unwrap()
        .build()
        .unwrap();
    let now = at("2023-09-01T10:00:00Z");
    let exp = Expectations::new(ORIGIN, NONCE);
    for backend in crypto::backends() {
        let v = webeid::verify_token_with(*backend, &trust, &token, &exp, now).unwrap();
        assert_eq!(v.identity().subject_id(), Some("PNOEE-38001085718"));
        assert_eq!(v.identity().given_name(), Some("JAAK-KRISTJAN"));
        assert_eq!(v.identity().family_name(), Some("JÕEORG"));
        assert_eq!(
            v.identity().attributes().get("country").map(String::as_str),
            Some("EE")
        );
        assert_eq!(v.identity().issuer(), Some("TEST of ESTEID2018"));
        assert_eq!(v.version(), webeid::Version::V1_0);
        assert!(!v.certificate().is_empty());
    }
    let text = String::from_utf8(token.clone()).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let with = |field: &str, value: serde_json::Value| {
        let mut j = json.clone();
        j[field] = value;
        serde_json::to_vec(&j).unwrap()
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            with("format", "web-eid:10".into()),
            "webeid.format.unsupported",
        ),
        (
            with("format", serde_json::Value::Null),
            "webeid.token.malformed",
        ),
        (
            with("algorithm", "ES512".into()),
            "webeid.signature.invalid",
        ),
        (
            with("algorithm", "HS256".into()),
            "webeid.algorithm.unsupported",
        ),
        (with("signature", "!!".into()), "webeid.signature.invalid"),
        (
            with("unverifiedCertificate", "AAAA".into()),
            "x509.cert.malformed",
        ),
        (
            text.replacen('{', "{\"format\":\"web-eid:1\",", 1)
                .into_bytes(),
            "input.json",
        ),
    ];
    for (bytes, code) in cases {
        let e = webeid::verify_token(&trust, &bytes, &exp, now).unwrap_err();
        assert_eq!(e.code(), code, "{}", String::from_utf8_lossy(&bytes));
    }
    // The production anchors do not trust a TEST card.
    let prod = Trust::builder()
        .webeid_anchors(anchors::ESTONIA)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        webeid::verify_token(&prod, &token, &exp, now)
            .unwrap_err()
            .code(),
        "x509.chain.untrusted"
    );
    // A caller's allow-list without ES384 refuses the token's algorithm.
    let mut strict = Expectations::new(ORIGIN, NONCE);
    strict.allowed = crypto::AllowList::none().with(crypto::Algorithm::ECDSA_P256_SHA256_RAW);
    assert_eq!(
        webeid::verify_token(&trust, &token, &strict, now)
            .unwrap_err()
            .code(),
        "webeid.algorithm.unsupported"
    );
    // Disallowing the card's own policy refuses it.
    let mut policy = Expectations::new(ORIGIN, NONCE);
    let own = ["1.3.6.1.4.1.51361.1.2.1"];
    policy.disallowed_policies = &own;
    assert_eq!(
        webeid::verify_token(&trust, &token, &policy, now)
            .unwrap_err()
            .code(),
        "x509.policy.disallowed"
    );
    // A garbage OCSP response is never ignored.
    let mut ocsp = Expectations::new(ORIGIN, NONCE);
    ocsp.ocsp = Ocsp::Response {
        response: b"junk",
        responder: None,
        request_nonce: None,
    };
    assert_eq!(
        webeid::verify_token(&trust, &token, &ocsp, now)
            .unwrap_err()
            .code(),
        "ocsp.response.malformed"
    );
}

// ---------------------------------------------------------------------------
// The generated test PKI (test-vectors/webeid): identity rules, anchor
// constraints and token-supplied intermediates (issue 20 items 4 and 5).
// ---------------------------------------------------------------------------

mod generated {
    use super::*;

    const ORIGIN: &str = "https://rp.idbridge.test";
    const NONCE: &str = "A+n4OagGZruk8XYEl5FyPtaLI9Q7EilWaobazc04/5w=";
    const NOW: &str = "2026-09-01T10:00:00Z";

    fn file(rel: &str) -> Vec<u8> {
        let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("test-vectors/webeid")
            .join(rel);
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    fn anchors(files: &[&str]) -> webeid::Anchors {
        files.iter().fold(webeid::Anchors::new(), |a, f| {
            a.with_certificate(&file(&format!("pki/{f}"))).unwrap()
        })
    }

    /// Every backend agrees; returns the result of the first.
    fn verify(
        trust: &webeid::Anchors,
        token: &str,
        intermediate_ocsp: &[&[u8]],
    ) -> idbridge::Result<webeid::VerifiedToken> {
        let token = file(&format!("tokens/{token}"));
        let mut exp = Expectations::new(ORIGIN, NONCE);
        exp.intermediate_ocsp = intermediate_ocsp;
        let mut first: Option<idbridge::Result<webeid::VerifiedToken>> = None;
        for backend in crypto::backends() {
            let r = webeid::verify_token_with(*backend, trust, &token, &exp, at(NOW));
            if let Some(f) = &first {
                assert_eq!(
                    f.as_ref()
                        .map(|v| v.identity().clone())
                        .map_err(|e| e.code()),
                    r.as_ref()
                        .map(|v| v.identity().clone())
                        .map_err(|e| e.code()),
                    "backends disagree on {}",
                    backend.name()
                );
            } else {
                first = Some(r);
            }
        }
        first.unwrap()
    }

    #[track_caller]
    fn code(r: idbridge::Result<webeid::VerifiedToken>) -> &'static str {
        match r {
            Ok(v) => panic!("accepted: {:?}", v.identity()),
            Err(e) => e.code(),
        }
    }

    #[test]
    fn identities_other_than_the_vectors_person_come_out_as_written() {
        let trust = anchors(&["esteid2026.cer"]);
        let v = verify(&trust, "cert-auth-gn-printable.token", &[]).unwrap();
        assert_eq!(v.identity().subject_id(), Some("PNOEE-49003150230"));
        assert_eq!(v.identity().given_name(), Some("MARI-ANN"));
        assert_eq!(v.identity().family_name(), Some("KORVITS"));
        // Only C and serialNumber: the identifier, and no names.
        let v = verify(&trust, "cert-auth-no-names.token", &[]).unwrap();
        assert_eq!(v.identity().subject_id(), Some("PNOEE-49003150230"));
        assert_eq!(v.identity().given_name(), None);
        assert_eq!(v.identity().family_name(), None);
        assert_eq!(v.identity().attributes().get("common_name"), None);
        // BMPString names decode to the same identity as UTF8String ones.
        let v = verify(&trust, "cert-auth-gn-bmp.token", &[]).unwrap();
        assert_eq!(v.identity().given_name(), Some("MARI-ÄNN"));
        assert_eq!(v.identity().family_name(), Some("KÕRVITS"));
    }

    #[test]
    fn an_identity_is_never_empty_guessed_or_one_of_two() {
        let trust = anchors(&["esteid2026.cer"]);
        for cert in [
            "serial-bmp",
            "serial-utf8",
            "serial-teletex",
            "serial-twice",
            "serial-twice-same",
            "serial-missing",
            "serial-empty",
            "serial-prefix-only",
            "serial-space",
            "serial-bad-char",
            "serial-long",
            "gn-twice",
            "sn-twice",
            "cn-twice",
            "gn-empty",
            "sn-blank",
            "gn-control",
            "sn-teletex",
            "c-utf8",
            "c-long",
        ] {
            let token = format!("cert-auth-{cert}.token");
            assert_eq!(
                code(verify(&trust, &token, &[])),
                "x509.cert.malformed",
                "{cert}"
            );
        }
    }

    #[test]
    fn anchor_constraints_decide_which_anchor_ends_the_path() {
        for (files, expected) in [
            (
                &["esteid2026-bc-false.cer"][..],
                Some("x509.chain.untrusted"),
            ),
            (
                &["esteid2026-no-keycertsign.cer"][..],
                Some("x509.chain.untrusted"),
            ),
            (&["esteid2026-bc-false.cer", "esteid2026.cer"][..], None),
            (&["esteid2026-no-bc.cer"][..], None),
            (&["esteid2026-no-pathlen.cer"][..], None),
        ] {
            let r = verify(&anchors(files), "es384.token", &[]);
            match expected {
                Some(c) => assert_eq!(code(r), c, "{files:?}"),
                None => assert!(r.is_ok(), "{files:?}: {:?}", r.err()),
            }
        }
        let trust = anchors(&["esteid2026.cer"]);
        assert_eq!(
            code(verify(&trust, "cert-auth-ca-true.token", &[])),
            "x509.chain.untrusted"
        );
    }

    #[test]
    fn a_token_intermediate_needs_revocation_data_and_the_anchors_path_length() {
        let good = file("ocsp/intermediate-esteid2026-good.der");
        let revoked = file("ocsp/intermediate-esteid2026-revoked.der");
        let subca = file("ocsp/intermediate-subca-good.der");
        let root = anchors(&["root.cer"]);
        let offered = "v11-issuing-ca-offered.token";
        // Not configured, not covered: not used.
        assert_eq!(code(verify(&root, offered, &[])), "x509.chain.untrusted");
        // A response about another certificate covers nothing.
        assert_eq!(
            code(verify(&root, offered, &[&subca])),
            "x509.chain.untrusted"
        );
        // Covered by a good response its issuer signed: used.
        let v = verify(&root, offered, &[&subca, &good]).unwrap();
        assert_eq!(v.identity().subject_id(), Some("PNOEE-49003150230"));
        // Covered, and revoked.
        assert_eq!(
            code(verify(&root, offered, &[&revoked])),
            "ocsp.cert.revoked"
        );
        // A stale response: the OCSP policy's window applies.
        let token = file(&format!("tokens/{offered}"));
        let mut exp = Expectations::new(ORIGIN, NONCE);
        let covered: &[&[u8]] = &[&good];
        exp.intermediate_ocsp = covered;
        let later = UnixTime::parse_rfc3339("2026-09-01T10:05:00Z").unwrap();
        assert_eq!(
            webeid::verify_token(&root, &token, &exp, later)
                .unwrap_err()
                .code(),
            "ocsp.time.invalid"
        );

        // ESTEID2026 says pathLenConstraint 0: no CA below it, covered or not.
        let issuing = anchors(&["esteid2026.cer"]);
        let below = "v11-subca-pathlen.token";
        assert_eq!(code(verify(&issuing, below, &[])), "x509.chain.untrusted");
        assert_eq!(
            code(verify(&issuing, below, &[&subca])),
            "x509.chain.untrusted"
        );
        // The same name and key without a path length: the covered Sub CA
        // is used. The constraint is what refused it above.
        let unlimited = anchors(&["esteid2026-no-pathlen.cer"]);
        assert_eq!(code(verify(&unlimited, below, &[])), "x509.chain.untrusted");
        assert!(verify(&unlimited, below, &[&subca]).is_ok());
        // The leaf's OCSP issuer is its direct issuer on the path (the Sub
        // CA), not the anchor: a response from the Sub CA about the leaf
        // matches, the anchor's response about the main certificate does not.
        let token = file(&format!("tokens/{below}"));
        let leaf_good = file("ocsp/leaf-by-subca-good.der");
        let main_good = file("ocsp/good.der");
        let covered: &[&[u8]] = &[&subca];
        for (response, expected) in [
            (&leaf_good, None),
            (&main_good, Some("ocsp.cert_id.mismatch")),
        ] {
            let mut exp = Expectations::new(ORIGIN, NONCE);
            exp.intermediate_ocsp = covered;
            exp.ocsp = Ocsp::Response {
                response,
                responder: None,
                request_nonce: None,
            };
            let r = webeid::verify_token(&unlimited, &token, &exp, at(NOW));
            match expected {
                None => assert!(r.is_ok(), "{:?}", r.err()),
                Some(c) => assert_eq!(code(r), c),
            }
        }
        // Under the root, ESTEID2026 is an intermediate whose own pathLen 0
        // webpki applies: root -> ESTEID2026 -> Sub CA -> leaf is refused
        // even with both intermediates covered.
        assert_eq!(
            code(verify(
                &root,
                "v11-two-intermediates.token",
                &[&good, &subca]
            )),
            "x509.chain.untrusted"
        );
    }
}
