//! The OCSP responses of `ocsp.json` (the cases are data:
//! `cases/webeid/ocsp.json`): built by hand for the main certificate, each
//! with one property changed, and stored as `ocsp/<name>.der` before the
//! table is read.

use rand_core::RngCore;

use crate::hash::Hash;

use super::work::{n0, W};
use crate::pki::build::*;
use crate::pki::Ca;

/// (file name, thisUpdate, nextUpdate, what the times are)
type TimeCase<'a> = (&'a str, i64, Option<i64>, &'a str);

/// An OCSP response to build.
#[derive(Clone)]
struct Resp {
    singles: Vec<Vec<u8>>,
    responder_id: Vec<u8>,
    produced_at: Vec<u8>,
    exts: Option<Vec<Vec<u8>>>,
    signer: Key,
    alg: SigAlg,
    certs: Option<Vec<Vec<u8>>>,
    status: u8,
    response_type: &'static str,
    tamper: bool,
}

impl Resp {
    fn tbs(&self) -> Vec<u8> {
        response_data(
            &self.responder_id,
            &self.produced_at,
            &self.singles,
            self.exts.as_deref(),
        )
    }

    fn basic(&self) -> Vec<u8> {
        let tbs = self.tbs();
        let mut sig = self.signer.sign(self.alg, &tbs);
        if self.tamper {
            let i = sig.len() - 1;
            sig[i] ^= 0x01;
        }
        basic(&tbs, self.alg, &sig, self.certs.as_deref())
    }

    fn der(&self) -> Vec<u8> {
        ocsp_response(self.status, self.response_type, Some(&self.basic()))
    }
}

/// Build every OCSP response of `ocsp.json` and store it as
/// `ocsp/<name>.der`, in README order.
pub fn responses(w: &mut W) {
    let pki = w.pki;
    let now = n0();
    let leaf_serial = serial("auth-p384.cer");
    let ca_name = pki.ca.name.clone();
    let ca_bits = pki.ca.key.key_bits();
    let sha1_alg = seq(&[&oid(OID_SHA1)]);
    let cid = cert_id(
        &sha1_alg,
        &Hash::Sha1.digest(&ca_name),
        &Hash::Sha1.digest(&ca_bits),
        &leaf_serial,
    );
    let good = |this_update: i64| single(&cid, Status::Good, &gen_time(this_update), None);
    let responder = w.cert("ocsp-responder.cer");
    let base = Resp {
        singles: vec![good(now - 60)],
        responder_id: responder_by_key(&pki.resp_rsa.key_bits()),
        produced_at: gen_time(now - 60),
        exts: None,
        signer: pki.resp_rsa.clone(),
        alg: SigAlg::RsaSha256,
        certs: Some(vec![responder.clone()]),
        status: 0,
        response_type: OID_OCSP_BASIC,
        tamper: false,
    };
    let with_single = |s: Vec<u8>| Resp {
        singles: vec![s],
        ..base.clone()
    };
    let by = |file: &str, key: &Key, w: &W| Resp {
        certs: Some(vec![w.cert(file)]),
        signer: key.clone(),
        responder_id: responder_by_key(&key.key_bits()),
        alg: key.default_alg(),
        ..base.clone()
    };

    // ---- good
    w.resp("good", base.der(), "good for auth-p384.cer; thisUpdate = producedAt = now - 60 s, no nextUpdate; responderID byKey; signed sha256WithRSAEncryption by ocsp-responder.cer, certs = [ocsp-responder.cer]");
    let p256_resp = by("ocsp-responder-p256.cer", &pki.resp_p256, w);
    w.resp(
        "good-p256-responder",
        p256_resp.der(),
        "good, signed ecdsa-with-SHA256 by ocsp-responder-p256.cer, certs = [it]",
    );
    w.resp(
        "good-responder-by-name",
        Resp {
            responder_id: responder_by_name(&w_subject(w, "ocsp-responder.cer")),
            ..base.clone()
        }
        .der(),
        "good, responderID byName",
    );
    w.resp(
        "good-next-update",
        with_single(single(
            &cid,
            Status::Good,
            &gen_time(now - 60),
            Some(now + 4 * 3600),
        ))
        .der(),
        "good with nextUpdate = now + 4 h",
    );
    let ca_signed = Resp {
        signer: pki.ca.key.clone(),
        alg: SigAlg::EcdsaSha512,
        certs: None,
        responder_id: responder_by_name(&ca_name),
        ..base.clone()
    };
    w.resp(
        "good-ca-signed",
        ca_signed.der(),
        "good, signed ecdsa-with-SHA512 by the issuing CA ESTEID2026 itself, no certs",
    );
    w.resp(
        "good-ca-signed-with-cert",
        Resp {
            certs: Some(vec![w.cert("esteid2026.cer")]),
            ..ca_signed.clone()
        }
        .der(),
        "good, signed by the issuing CA, certs = [esteid2026.cer]",
    );
    let sha256_alg = seq(&[&oid(OID_SHA256)]);
    let cid256 = cert_id(
        &sha256_alg,
        &Hash::Sha256.digest(&ca_name),
        &Hash::Sha256.digest(&ca_bits),
        &leaf_serial,
    );
    w.resp(
        "good-certid-sha256",
        with_single(single(&cid256, Status::Good, &gen_time(now - 60), None)).der(),
        "good, CertID with SHA-256 (parameters absent) and SHA-256 hashes",
    );
    let null_params: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "good-certid-sha1-null",
            cert_id(
                &seq(&[&oid(OID_SHA1), &null()]),
                &Hash::Sha1.digest(&ca_name),
                &Hash::Sha1.digest(&ca_bits),
                &leaf_serial,
            ),
            "good, CertID with the SHA-1 AlgorithmIdentifier with explicit NULL parameters (as OpenSSL writes it) and SHA-1 hashes",
        ),
        (
            "good-certid-sha256-null",
            cert_id(
                &seq(&[&oid(OID_SHA256), &null()]),
                &Hash::Sha256.digest(&ca_name),
                &Hash::Sha256.digest(&ca_bits),
                &leaf_serial,
            ),
            "good, CertID with SHA-256 with explicit NULL parameters and SHA-256 hashes",
        ),
    ];
    for (name, id, what) in null_params {
        w.resp(
            name,
            with_single(single(&id, Status::Good, &gen_time(now - 60), None)).der(),
            what,
        );
    }
    let nonce_ext = ext(
        OID_OCSP_NONCE,
        false,
        &octets(&Hash::Sha256.digest(b"idbridge-vectorgen/webeid/ocsp-nonce")),
    );
    w.resp(
        "good-with-nonce",
        Resp {
            exts: Some(vec![nonce_ext]),
            ..base.clone()
        }
        .der(),
        "good, with a response nonce extension",
    );
    w.resp(
        "good-certs-responder-and-ca",
        Resp {
            certs: Some(vec![responder.clone(), w.cert("esteid2026.cer")]),
            ..base.clone()
        }
        .der(),
        "good, certs = [ocsp-responder.cer, esteid2026.cer]",
    );

    // ---- pinned
    let other_resp = by("ocsp-responder-other-ca.cer", &pki.resp_rsa, w);
    w.resp("good-other-ca-responder", other_resp.der(), "good, signed by ocsp-responder-other-ca.cer (issued by the unrelated Other CA), certs = [it]");
    let expired_resp = by("ocsp-responder-expired.cer", &pki.resp_rsa, w);
    w.resp(
        "good-expired-responder",
        expired_resp.der(),
        "good, signed by ocsp-responder-expired.cer, certs = [it]",
    );
    w.resp(
        "revoked",
        with_single(single(&cid, Status::Revoked(now - 3600, Some(1)), &gen_time(now - 60), None)).der(),
        "revoked (revocationTime now - 1 h, reason keyCompromise) for auth-p384.cer, from ocsp-responder.cer",
    );

    // ---- status and decoding
    for (code, name) in [
        (1u8, "malformedRequest"),
        (2, "internalError"),
        (3, "tryLater"),
        (5, "sigRequired"),
        (6, "unauthorized"),
    ] {
        w.resp(
            &format!("status-only-{code}"),
            ocsp_response(code, OID_OCSP_BASIC, None),
            &format!(
                "OCSPResponse with responseStatus {code} ({name}) and no responseBytes (5 bytes)"
            ),
        );
    }
    w.resp(
        "status-2-with-body",
        Resp {
            status: 2,
            ..base.clone()
        }
        .der(),
        "the good response's full body under responseStatus 2 (internalError)",
    );
    w.resp(
        "status-0-no-body",
        ocsp_response(0, OID_OCSP_BASIC, None),
        "responseStatus 0 (successful) without responseBytes",
    );
    let mut garbage = vec![0u8; 64];
    crate::rsa_ops::labelled_rng("webeid/ocsp-garbage").fill_bytes(&mut garbage);
    w.resp(
        "garbage",
        garbage,
        "64 random bytes (ChaCha20, label webeid/ocsp-garbage)",
    );
    w.resp("empty", Vec::new(), "an empty file");
    let mut trailing = base.der();
    trailing.push(0);
    w.resp(
        "trailing-byte",
        trailing,
        "the good response followed by one 0x00 byte",
    );
    w.resp("not-basic", ocsp_response(0, "1.3.6.1.5.5.7.48.1.99", Some(&base.basic())), "the good BasicOCSPResponse under responseType 1.3.6.1.5.5.7.48.1.99 instead of id-pkix-ocsp-basic");
    let b = base.basic();
    w.resp("basic-truncated", ocsp_response(0, OID_OCSP_BASIC, Some(&b[..b.len() - 10])), "the good response with its BasicOCSPResponse cut 10 bytes short (inside a consistent OCTET STRING)");
    let frac = |s: &str| crate::bytes::tlv(0x18, s.as_bytes());
    let tu_frac = frac(&format!(
        "{}.5Z",
        gen_time_str(now - 60).trim_end_matches('Z')
    ));
    w.resp(
        "fractional-time",
        Resp { singles: vec![single(&cid, Status::Good, &tu_frac, None)], produced_at: tu_frac.clone(), ..base.clone() }.der(),
        "good, but producedAt and thisUpdate carry fractional seconds (YYYYMMDDHHMMSS.5Z), correctly signed",
    );
    let tu_short = frac(&format!("{}Z", &gen_time_str(now - 60)[..12]));
    w.resp(
        "time-without-seconds",
        Resp {
            singles: vec![single(&cid, Status::Good, &tu_short, None)],
            ..base.clone()
        }
        .der(),
        "good, but thisUpdate is YYYYMMDDHHMMZ (no seconds), correctly signed",
    );

    // ---- count and CertID
    w.resp(
        "two-responses",
        Resp {
            singles: vec![good(now - 60), good(now - 60)],
            ..base.clone()
        }
        .der(),
        "two identical good SingleResponses for auth-p384.cer, correctly signed",
    );
    w.resp(
        "zero-responses",
        Resp {
            singles: vec![],
            ..base.clone()
        }
        .der(),
        "no SingleResponse, correctly signed",
    );
    let cid_for = |alg: &[u8], nh: &[u8], kh: &[u8], ser: &[u8]| cert_id(alg, nh, kh, ser);
    let variants: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "certid-other-serial",
            cid_for(
                &sha1_alg,
                &Hash::Sha1.digest(&ca_name),
                &Hash::Sha1.digest(&ca_bits),
                &serial("auth-p256.cer"),
            ),
            "the serial of auth-p256.cer (same issuer)",
        ),
        (
            "certid-sha1-int-params",
            cid_for(
                &seq(&[&oid(OID_SHA1), &int_small(0)]),
                &Hash::Sha1.digest(&ca_name),
                &Hash::Sha1.digest(&ca_bits),
                &leaf_serial,
            ),
            "the SHA-1 AlgorithmIdentifier with INTEGER 0 as parameters (hashes correct): neither absent nor NULL",
        ),
        (
            "certid-sha256-empty-seq-params",
            cid_for(
                &seq(&[&oid(OID_SHA256), &seq(&[])]),
                &Hash::Sha256.digest(&ca_name),
                &Hash::Sha256.digest(&ca_bits),
                &leaf_serial,
            ),
            "the SHA-256 AlgorithmIdentifier with an empty SEQUENCE as parameters (hashes correct): neither absent nor NULL",
        ),
        (
            "certid-sha384",
            cid_for(
                &seq(&[&oid(OID_SHA384)]),
                &Hash::Sha384.digest(&ca_name),
                &Hash::Sha384.digest(&ca_bits),
                &leaf_serial,
            ),
            "hashAlgorithm SHA-384 with correct SHA-384 hashes (a hash idbridge neither asks with nor accepts)",
        ),
        (
            "certid-sha1-oid-sha256-hashes",
            cid_for(
                &seq(&[&oid(OID_SHA1), &null()]),
                &Hash::Sha256.digest(&ca_name),
                &Hash::Sha256.digest(&ca_bits),
                &leaf_serial,
            ),
            "hashAlgorithm SHA-1 (NULL parameters) but SHA-256 hashes",
        ),
        (
            "certid-hashes-swapped",
            cid_for(
                &sha1_alg,
                &Hash::Sha1.digest(&ca_bits),
                &Hash::Sha1.digest(&ca_name),
                &leaf_serial,
            ),
            "issuerNameHash and issuerKeyHash swapped",
        ),
        (
            "certid-root-name",
            cid_for(
                &sha1_alg,
                &Hash::Sha1.digest(&pki.root.name),
                &Hash::Sha1.digest(&ca_bits),
                &leaf_serial,
            ),
            "issuerNameHash of the root's name",
        ),
        (
            "certid-spki-hash",
            cid_for(
                &sha1_alg,
                &Hash::Sha1.digest(&ca_name),
                &Hash::Sha1.digest(&pki.ca.key.spki()),
                &leaf_serial,
            ),
            "issuerKeyHash over the whole SubjectPublicKeyInfo instead of the key bits",
        ),
        (
            "certid-sha256-oid-sha1-hashes",
            cid_for(
                &sha256_alg,
                &Hash::Sha1.digest(&ca_name),
                &Hash::Sha1.digest(&ca_bits),
                &leaf_serial,
            ),
            "hashAlgorithm SHA-256 but SHA-1 hashes",
        ),
    ];
    for (name, id, what) in variants {
        w.resp(
            name,
            with_single(single(&id, Status::Good, &gen_time(now - 60), None)).der(),
            &format!("good, correctly signed, but the CertID has {what}"),
        );
    }

    // ---- signature and responder
    w.resp(
        "no-certs",
        Resp {
            certs: None,
            ..base.clone()
        }
        .der(),
        "good, signed by ocsp-responder.cer but with no certs",
    );
    w.resp(
        "signature-tampered",
        Resp {
            tamper: true,
            ..base.clone()
        }
        .der(),
        "the good response with the last bit of its signature flipped",
    );
    w.resp("signed-by-other-key", Resp { signer: pki.leaf_rsa.clone(), ..base.clone() }.der(), "good, certs = [ocsp-responder.cer], but signed with another RSA-2048 key (../keys/rsa2048)");
    w.resp(
        "certs-ca-first",
        Resp {
            certs: Some(vec![w.cert("esteid2026.cer"), responder.clone()]),
            ..base.clone()
        }
        .der(),
        "good, signed by ocsp-responder.cer, certs = [esteid2026.cer, ocsp-responder.cer]",
    );
    for (file, key) in [
        ("ocsp-responder-no-eku.cer", &pki.resp_rsa),
        ("ocsp-responder-eku-client.cer", &pki.resp_rsa),
        ("ocsp-responder-other-ca.cer", &pki.resp_rsa),
        ("ocsp-responder-by-root.cer", &pki.resp_rsa),
        ("ocsp-responder-impostor.cer", &pki.resp_rsa),
        ("ocsp-responder-expired.cer", &pki.resp_rsa),
        ("ocsp-responder-notyet.cer", &pki.resp_rsa),
    ] {
        let name = format!("good-{}", file.trim_end_matches(".cer"));
        w.resp(
            &name,
            by(file, key, w).der(),
            &format!("good, signed by {file}, certs = [it]"),
        );
    }
    let leaf_resp = by("auth-rsa2048.cer", &pki.leaf_rsa, w);
    w.resp(
        "good-signed-by-user-cert",
        leaf_resp.der(),
        "good, signed by the RSA authentication certificate auth-rsa2048.cer, certs = [it]",
    );

    // ---- times
    let time_cases: Vec<TimeCase> = vec![
        ("this-update-plus-15m", now + 900, None, "thisUpdate = now + 15 min exactly: on the clock-skew bound"),
        ("this-update-plus-15m-1s", now + 901, None, "thisUpdate = now + 15 min + 1 s: too far in the future"),
        ("this-update-minus-2m", now - 120, None, "thisUpdate = now - 2 min exactly: on the age bound"),
        ("this-update-minus-2m-1s", now - 121, None, "thisUpdate = now - 2 min - 1 s: too old"),
        ("this-update-minus-1d", now - 86400, None, "thisUpdate a day old"),
        ("next-update-equal", now - 60, Some(now - 60), "nextUpdate == thisUpdate (now - 60 s): allowed"),
        ("next-update-before-this", now - 60, Some(now - 61), "nextUpdate one second before thisUpdate"),
        ("next-update-minus-15m", now - 900, Some(now - 900), "nextUpdate = now - 15 min exactly (passes its own rule), but then thisUpdate <= nextUpdate is 15 min old and fails the 2-minute age rule"),
        ("next-update-minus-15m-1s", now - 901, Some(now - 901), "nextUpdate = now - 15 min - 1 s (fails) with thisUpdate equal to it (fails the age rule too)"),
    ];
    for (name, tu, nu, comment) in time_cases {
        w.resp(
            name,
            with_single(single(&cid, Status::Good, &gen_time(tu), nu)).der(),
            &format!("good, correctly signed; {comment}"),
        );
    }

    // ---- status
    w.resp(
        "revoked-no-reason",
        with_single(single(
            &cid,
            Status::Revoked(now - 3600, None),
            &gen_time(now - 60),
            None,
        ))
        .der(),
        "revoked without a reason code",
    );
    w.resp(
        "revoked-future-time",
        with_single(single(
            &cid,
            Status::Revoked(now + 3600, Some(4)),
            &gen_time(now - 60),
            None,
        ))
        .der(),
        "revoked with revocationTime now + 1 h (reason superseded)",
    );
    w.resp(
        "unknown",
        with_single(single(&cid, Status::Unknown, &gen_time(now - 60), None)).der(),
        "unknown for auth-p384.cer",
    );
    w.resp(
        "revoked-ca-signed",
        Resp {
            singles: vec![single(
                &cid,
                Status::Revoked(now - 3600, Some(1)),
                &gen_time(now - 60),
                None,
            )],
            ..ca_signed.clone()
        }
        .der(),
        "revoked, signed by the issuing CA itself, no certs",
    );

    // ---- order
    let other_cid = cert_id(
        &sha1_alg,
        &Hash::Sha1.digest(&ca_name),
        &Hash::Sha1.digest(&ca_bits),
        &serial("auth-p256.cer"),
    );
    w.resp(
        "order-certid-and-signature",
        Resp {
            singles: vec![single(&other_cid, Status::Good, &gen_time(now - 60), None)],
            tamper: true,
            ..base.clone()
        }
        .der(),
        "good for another serial AND a flipped signature bit",
    );
    w.resp(
        "order-count-and-signature",
        Resp {
            singles: vec![good(now - 60), good(now - 60)],
            tamper: true,
            ..base.clone()
        }
        .der(),
        "two SingleResponses AND a flipped signature bit",
    );
    let noeku = by("ocsp-responder-no-eku.cer", &pki.resp_rsa, w);
    w.resp(
        "order-revoked-unauthorised",
        Resp {
            singles: vec![single(
                &cid,
                Status::Revoked(now - 3600, Some(1)),
                &gen_time(now - 60),
                None,
            )],
            ..noeku
        }
        .der(),
        "revoked, signed by ocsp-responder-no-eku.cer",
    );
    w.resp(
        "order-revoked-old",
        with_single(single(
            &cid,
            Status::Revoked(now - 86400, Some(1)),
            &gen_time(now - 3600),
            None,
        ))
        .der(),
        "revoked, thisUpdate an hour old",
    );
    w.resp(
        "order-revoked-tampered",
        Resp {
            singles: vec![single(
                &cid,
                Status::Revoked(now - 3600, Some(1)),
                &gen_time(now - 60),
                None,
            )],
            tamper: true,
            ..base.clone()
        }
        .der(),
        "revoked AND a flipped signature bit",
    );

    // ---- about token intermediates (research note §2.4: the revocation
    // data that lets a token-supplied intermediate be used); read by
    // tests/webeid.rs through Expectations::intermediate_ocsp, not by a
    // vector file. Each is signed by the intermediate's own issuer, no certs.
    let about: Vec<(&str, &Ca, &str, Status, &str)> = vec![
        ("intermediate-esteid2026-good", &pki.root, "esteid2026", Status::Good, "good for esteid2026.cer (as an intermediate under the root): CertID from the root's name and key, signed ecdsa-with-SHA512 by the root, no certs"),
        ("intermediate-esteid2026-revoked", &pki.root, "esteid2026", Status::Revoked(now - 86400, Some(2)), "revoked (cACompromise) for esteid2026.cer, signed by the root"),
        ("intermediate-subca-good", &pki.ca, "subca", Status::Good, "good for subca.cer: CertID from ESTEID2026's name and key, signed ecdsa-with-SHA512 by ESTEID2026, no certs"),
    ];
    // The leaf of the Sub CA, answered for by the Sub CA itself: the leaf's
    // OCSP issuer is its direct issuer on the path, not the anchor.
    let subca = Ca {
        key: Key::Ec(crate::pki::derive_ec("subca", crate::ec::Curve::P384)),
        name: w_subject(w, "subca.cer"),
        cert: w.cert("subca.cer"),
    };
    let about: Vec<(&str, &Ca, &str, Status, &str)> = about
        .into_iter()
        .chain([(
            "leaf-by-subca-good",
            &subca,
            "auth-by-subca",
            Status::Good,
            "good for auth-by-subca.cer: CertID from the Sub CA's name and key, signed ecdsa-with-SHA384 by the Sub CA, no certs",
        )])
        .collect();
    for (name, issuer, serial_label, status, what) in about {
        let id = cert_id(
            &sha1_alg,
            &Hash::Sha1.digest(&issuer.name),
            &Hash::Sha1.digest(&issuer.key.key_bits()),
            &serial(serial_label),
        );
        w.resp(
            name,
            Resp {
                singles: vec![single(&id, status, &gen_time(now - 60), None)],
                signer: issuer.key.clone(),
                alg: issuer.key.default_alg(),
                certs: None,
                responder_id: responder_by_name(&issuer.name),
                ..base.clone()
            }
            .der(),
            what,
        );
    }
}

fn w_subject(w: &W, file: &str) -> Vec<u8> {
    use der::{Decode, Encode};
    let c = x509_cert::Certificate::from_der(w.pki.get(file)).expect("certificate");
    c.tbs_certificate.subject.to_der().expect("name")
}
