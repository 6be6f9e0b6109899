//! The OCSP cases (ocsp.json): responses built by hand for the main
//! certificate, each with one property changed.

use rand_core::RngCore;

use crate::hash::Hash;

use super::model::*;
use super::work::{group, n0, ANCHOR, W};
use crate::out::webeid::{Case, FileSpec, Group};
use crate::pki::build::*;
use crate::pki::leaf_to;

/// (file name, thisUpdate, nextUpdate, expected code, comment, flags)
type TimeCase<'a> = (
    &'a str,
    i64,
    Option<i64>,
    Option<Code>,
    &'a str,
    &'a [&'static str],
);

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

pub fn ocsp(w: &mut W) -> FileSpec {
    let pki = w.pki;
    let main = w.main_path();
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
    let mut groups: Vec<Group> = Vec::new();
    let g = |source: &str, cases: Vec<Case>| group(source, ANCHOR, cases);

    // ---- good
    let r_good = w.resp("good", base.der(), "good for auth-p384.cer; thisUpdate = producedAt = now - 60 s, no nextUpdate; responderID byKey; signed sha256WithRSAEncryption by ocsp-responder.cer, certs = [ocsp-responder.cer]");
    let p256_resp = by("ocsp-responder-p256.cer", &pki.resp_p256, w);
    let r_p256 = w.resp(
        "good-p256-responder",
        p256_resp.der(),
        "good, signed ecdsa-with-SHA256 by ocsp-responder-p256.cer, certs = [it]",
    );
    let r_byname = w.resp(
        "good-responder-by-name",
        Resp {
            responder_id: responder_by_name(&w_subject(w, "ocsp-responder.cer")),
            ..base.clone()
        }
        .der(),
        "good, responderID byName",
    );
    let r_next = w.resp(
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
    let r_ca = w.resp(
        "good-ca-signed",
        ca_signed.der(),
        "good, signed ecdsa-with-SHA512 by the issuing CA ESTEID2026 itself, no certs",
    );
    let r_ca_cert = w.resp(
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
    let r_256 = w.resp(
        "good-certid-sha256",
        with_single(single(&cid256, Status::Good, &gen_time(now - 60), None)).der(),
        "good, CertID with SHA-256 (parameters absent) and SHA-256 hashes",
    );
    let nonce_ext = ext(
        OID_OCSP_NONCE,
        false,
        &octets(&Hash::Sha256.digest(b"idbridge-vectorgen/webeid/ocsp-nonce")),
    );
    let r_nonce = w.resp(
        "good-with-nonce",
        Resp {
            exts: Some(vec![nonce_ext]),
            ..base.clone()
        }
        .der(),
        "good, with a response nonce extension",
    );
    let r_two_certs = w.resp(
        "good-certs-responder-and-ca",
        Resp {
            certs: Some(vec![responder.clone(), w.cert("esteid2026.cer")]),
            ..base.clone()
        }
        .der(),
        "good, certs = [ocsp-responder.cer, esteid2026.cer]",
    );
    groups.push(g(
        "idbridge Web eID spec §4.2 O1-O9 (RFC 6960 §4.2.1 BasicOCSPResponse; §4.2.2.2 authorized responders: the CA itself or a delegate it issued with id-kp-OCSPSigning; web-eid-authtoken-validation-java SubjectCertificateNotRevokedValidator, AiaOcspService)",
        vec![
            Case::ok("OCSP off (control)", &main, &["OcspOff", "Valid"]),
            Case::ok("good, from the delegated RSA responder", &main, &["OcspGood", "Valid"]).ocsp(&r_good, None),
            Case::ok("good, from the delegated P-256 responder (ecdsa-with-SHA256)", &main, &["OcspGood", "Valid"]).ocsp(&r_p256, None),
            Case::ok("good, responderID byName (certs[0] is the responder either way)", &main, &["OcspGood", "Valid"]).ocsp(&r_byname, None),
            Case::ok("good, nextUpdate 4 h ahead", &main, &["OcspGood", "Valid"]).ocsp(&r_next, None),
            Case::ok("good, signed by the issuing CA itself with no certs: the CA may sign, and needs no OCSPSigning EKU", &main, &["CaSignedOcsp", "Valid"]).ocsp(&r_ca, None),
            Case::ok("good, signed by the issuing CA, which is certs[0]", &main, &["CaSignedOcsp", "Valid"]).ocsp(&r_ca_cert, None),
            Case::ok("good, CertID with SHA-256 and correct SHA-256 hashes: accepted as a match", &main, &["OcspGood", "Valid"]).ocsp(&r_256, None),
            Case::ok("good, with a response nonce: no request nonce is known, nothing to compare", &main, &["OcspNonceIgnored", "Valid"]).ocsp(&r_nonce, None),
            Case::ok("good, certs = [responder, CA]: the first certificate is the responder", &main, &["OcspGood", "Valid"]).ocsp(&r_two_certs, None),
        ],
    ));

    // ---- pinned
    let other_resp = by("ocsp-responder-other-ca.cer", &pki.resp_rsa, w);
    let r_other = w.resp("good-other-ca-responder", other_resp.der(), "good, signed by ocsp-responder-other-ca.cer (issued by the unrelated Other CA), certs = [it]");
    let expired_resp = by("ocsp-responder-expired.cer", &pki.resp_rsa, w);
    let r_expired = w.resp(
        "good-expired-responder",
        expired_resp.der(),
        "good, signed by ocsp-responder-expired.cer, certs = [it]",
    );
    let r_revoked = w.resp(
        "revoked",
        with_single(single(&cid, Status::Revoked(now - 3600, Some(1)), &gen_time(now - 60), None)).der(),
        "revoked (revocationTime now - 1 h, reason keyCompromise) for auth-p384.cer, from ocsp-responder.cer",
    );
    let pin = |f: &str| format!("pki/{f}");
    groups.push(g(
        "idbridge Web eID spec §4.2 O7 designated (pinned) responder: certs[0] byte-equal to the pinned certificate and valid at now (web-eid-authtoken-validation-java DesignatedOcspService; RFC 6960 §4.2.2.2 locally configured responder)",
        vec![
            Case::ok("pinned responder = the response's responder", &main, &["DesignatedResponder", "Valid"]).ocsp(&r_good, Some(&pin("ocsp-responder.cer"))),
            Case::bad("pinned P-256 responder, response from the (otherwise authorised) RSA responder: not the pinned one", &main, OCSP_RESPONDER, &["OcspResponder"]).ocsp(&r_good, Some(&pin("ocsp-responder-p256.cer"))),
            Case::ok("pinned responder issued by an unrelated CA: pinning is trust by configuration, no path needed", &main, &["DesignatedResponder", "Valid"]).ocsp(&r_other, Some(&pin("ocsp-responder-other-ca.cer"))),
            Case::bad("pinned responder that expired 2026-06-30: byte-equal, but not valid at now", &main, OCSP_RESPONDER, &["OcspResponder"]).ocsp(&r_expired, Some(&pin("ocsp-responder-expired.cer"))),
            Case::bad("pinned responder, response signed by the issuing CA with no certs: the responder is the CA, not the pinned certificate", &main, OCSP_RESPONDER, &["OcspResponder"]).ocsp(&r_ca, Some(&pin("ocsp-responder.cer"))),
            Case::bad("pinned responder says revoked", &main, OCSP_REVOKED, &["DesignatedResponder", "OcspRevoked"]).ocsp(&r_revoked, Some(&pin("ocsp-responder.cer"))),
        ],
    ));

    // ---- status and decoding
    let mut st = Vec::new();
    for (code, name) in [
        (1u8, "malformedRequest"),
        (2, "internalError"),
        (3, "tryLater"),
        (5, "sigRequired"),
        (6, "unauthorized"),
    ] {
        let p = w.resp(
            &format!("status-only-{code}"),
            ocsp_response(code, OID_OCSP_BASIC, None),
            &format!(
                "OCSPResponse with responseStatus {code} ({name}) and no responseBytes (5 bytes)"
            ),
        );
        st.push(Case::bad(format!("status-only response {name} ({code}): legal without responseBytes, and not successful"), &main, OCSP_STATUS, &["OcspStatus"]).ocsp(&p, None));
    }
    let p = w.resp(
        "status-2-with-body",
        Resp {
            status: 2,
            ..base.clone()
        }
        .der(),
        "the good response's full body under responseStatus 2 (internalError)",
    );
    st.push(Case::bad("internalError with a full, valid good body: the status decides before the body is read", &main, OCSP_STATUS, &["OcspStatus"]).ocsp(&p, None));
    let p = w.resp(
        "status-0-no-body",
        ocsp_response(0, OID_OCSP_BASIC, None),
        "responseStatus 0 (successful) without responseBytes",
    );
    st.push(
        Case::bad(
            "successful but no responseBytes",
            &main,
            OCSP_MALFORMED,
            &["OcspMalformed"],
        )
        .ocsp(&p, None),
    );
    let mut garbage = vec![0u8; 64];
    crate::rsa_ops::labelled_rng("webeid/ocsp-garbage").fill_bytes(&mut garbage);
    let p = w.resp(
        "garbage",
        garbage,
        "64 random bytes (ChaCha20, label webeid/ocsp-garbage)",
    );
    st.push(Case::bad("64 random bytes", &main, OCSP_MALFORMED, &["OcspMalformed"]).ocsp(&p, None));
    let p = w.resp("empty", Vec::new(), "an empty file");
    st.push(Case::bad("an empty file", &main, OCSP_MALFORMED, &["OcspMalformed"]).ocsp(&p, None));
    let mut trailing = base.der();
    trailing.push(0);
    let p = w.resp(
        "trailing-byte",
        trailing,
        "the good response followed by one 0x00 byte",
    );
    st.push(
        Case::bad(
            "one byte after the OCSPResponse: not exactly one DER value",
            &main,
            OCSP_MALFORMED,
            &["OcspMalformed"],
        )
        .ocsp(&p, None),
    );
    let p = w.resp("not-basic", ocsp_response(0, "1.3.6.1.5.5.7.48.1.99", Some(&base.basic())), "the good BasicOCSPResponse under responseType 1.3.6.1.5.5.7.48.1.99 instead of id-pkix-ocsp-basic");
    st.push(
        Case::bad(
            "responseType is not id-pkix-ocsp-basic",
            &main,
            OCSP_MALFORMED,
            &["OcspMalformed"],
        )
        .ocsp(&p, None),
    );
    let b = base.basic();
    let p = w.resp("basic-truncated", ocsp_response(0, OID_OCSP_BASIC, Some(&b[..b.len() - 10])), "the good response with its BasicOCSPResponse cut 10 bytes short (inside a consistent OCTET STRING)");
    st.push(
        Case::bad(
            "the BasicOCSPResponse inside responseBytes is truncated",
            &main,
            OCSP_MALFORMED,
            &["OcspMalformed"],
        )
        .ocsp(&p, None),
    );
    let frac = |s: &str| crate::bytes::tlv(0x18, s.as_bytes());
    let tu_frac = frac(&format!(
        "{}.5Z",
        gen_time_str(now - 60).trim_end_matches('Z')
    ));
    let p = w.resp(
        "fractional-time",
        Resp { singles: vec![single(&cid, Status::Good, &tu_frac, None)], produced_at: tu_frac.clone(), ..base.clone() }.der(),
        "good, but producedAt and thisUpdate carry fractional seconds (YYYYMMDDHHMMSS.5Z), correctly signed",
    );
    st.push(
        Case::bad(
            "GeneralizedTime with fractional seconds: not DER (RFC 5280 §4.1.2.5.2)",
            &main,
            OCSP_MALFORMED,
            &["OcspStrictTime"],
        )
        .ocsp(&p, None),
    );
    let tu_short = frac(&format!("{}Z", &gen_time_str(now - 60)[..12]));
    let p = w.resp(
        "time-without-seconds",
        Resp {
            singles: vec![single(&cid, Status::Good, &tu_short, None)],
            ..base.clone()
        }
        .der(),
        "good, but thisUpdate is YYYYMMDDHHMMZ (no seconds), correctly signed",
    );
    st.push(
        Case::bad(
            "GeneralizedTime without seconds: not DER",
            &main,
            OCSP_MALFORMED,
            &["OcspStrictTime"],
        )
        .ocsp(&p, None),
    );
    groups.push(g(
        "idbridge Web eID spec §4.2 O1/O2 (RFC 6960 §4.2.1: OCSPResponse, responseStatus, responseBytes OPTIONAL; id-pkix-ocsp-basic); strict DER",
        st,
    ));

    // ---- count and CertID
    let mut ci = Vec::new();
    let p = w.resp(
        "two-responses",
        Resp {
            singles: vec![good(now - 60), good(now - 60)],
            ..base.clone()
        }
        .der(),
        "two identical good SingleResponses for auth-p384.cer, correctly signed",
    );
    ci.push(
        Case::bad(
            "two SingleResponses, both good and for this certificate: exactly one is required",
            &main,
            OCSP_COUNT,
            &["OcspCount"],
        )
        .ocsp(&p, None),
    );
    let p = w.resp(
        "zero-responses",
        Resp {
            singles: vec![],
            ..base.clone()
        }
        .der(),
        "no SingleResponse, correctly signed",
    );
    ci.push(Case::bad("no SingleResponse", &main, OCSP_COUNT, &["OcspCount"]).ocsp(&p, None));
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
            "certid-sha1-null",
            cid_for(
                &seq(&[&oid(OID_SHA1), &null()]),
                &Hash::Sha1.digest(&ca_name),
                &Hash::Sha1.digest(&ca_bits),
                &leaf_serial,
            ),
            "the SHA-1 AlgorithmIdentifier with explicit NULL parameters (hashes correct)",
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
        let p = w.resp(
            name,
            with_single(single(&id, Status::Good, &gen_time(now - 60), None)).der(),
            &format!("good, correctly signed, but the CertID has {what}"),
        );
        ci.push(
            Case::bad(
                format!("CertID with {what}"),
                &main,
                OCSP_CERT_ID,
                &["OcspCertIdMismatch"],
            )
            .ocsp(&p, None),
        );
    }
    groups.push(g(
        "idbridge Web eID spec §4.2 O3/O4 (RFC 6960 §4.1.1 CertID: SHA-1 of the issuer's name DER and of its subjectPublicKey bits, the serial; web-eid-authtoken-validation-java compares the whole CertID)",
        ci,
    ));

    // ---- signature and responder
    let mut sr = Vec::new();
    let p = w.resp(
        "no-certs",
        Resp {
            certs: None,
            ..base.clone()
        }
        .der(),
        "good, signed by ocsp-responder.cer but with no certs",
    );
    sr.push(Case::bad("signed by the delegated responder but certs omitted: nothing to verify it with except the CA key, which did not sign", &main, OCSP_RESPONDER, &["OcspResponder"]).ocsp(&p, None));
    let p = w.resp(
        "signature-tampered",
        Resp {
            tamper: true,
            ..base.clone()
        }
        .der(),
        "the good response with the last bit of its signature flipped",
    );
    sr.push(
        Case::bad(
            "the response signature has one bit flipped",
            &main,
            OCSP_SIG,
            &["OcspSignature"],
        )
        .ocsp(&p, None),
    );
    let p = w.resp("signed-by-other-key", Resp { signer: pki.leaf_rsa.clone(), ..base.clone() }.der(), "good, certs = [ocsp-responder.cer], but signed with another RSA-2048 key (../keys/rsa2048)");
    sr.push(
        Case::bad(
            "signed by a key that is not certs[0]'s",
            &main,
            OCSP_SIG,
            &["OcspSignature"],
        )
        .ocsp(&p, None),
    );
    let p = w.resp(
        "certs-ca-first",
        Resp {
            certs: Some(vec![w.cert("esteid2026.cer"), responder.clone()]),
            ..base.clone()
        }
        .der(),
        "good, signed by ocsp-responder.cer, certs = [esteid2026.cer, ocsp-responder.cer]",
    );
    sr.push(Case::bad("certs = [CA, responder], signed by the responder: certs[0] is taken as the responder, and its key did not sign", &main, OCSP_SIG, &["OcspSignature"]).ocsp(&p, None));
    for (file, key, comment) in [
        (
            "ocsp-responder-no-eku.cer",
            &pki.resp_rsa,
            "issued by the issuing CA but without an EKU extension: no id-kp-OCSPSigning",
        ),
        (
            "ocsp-responder-eku-client.cer",
            &pki.resp_rsa,
            "issued by the issuing CA with EKU clientAuth only",
        ),
        (
            "ocsp-responder-other-ca.cer",
            &pki.resp_rsa,
            "EKU OCSPSigning, but issued by an unrelated CA",
        ),
        (
            "ocsp-responder-by-root.cer",
            &pki.resp_rsa,
            "EKU OCSPSigning, issued by the root: not by the certificate's issuing CA",
        ),
        (
            "ocsp-responder-impostor.cer",
            &pki.resp_rsa,
            "EKU OCSPSigning, naming the issuing CA as issuer but signed by another key",
        ),
        (
            "ocsp-responder-expired.cer",
            &pki.resp_rsa,
            "EKU OCSPSigning, issued by the issuing CA, expired 2026-06-30",
        ),
        (
            "ocsp-responder-notyet.cer",
            &pki.resp_rsa,
            "EKU OCSPSigning, issued by the issuing CA, valid only from 2027-01-01",
        ),
    ] {
        let name = format!("good-{}", file.trim_end_matches(".cer"));
        let p = w.resp(
            &name,
            by(file, key, w).der(),
            &format!("good, signed by {file}, certs = [it]"),
        );
        sr.push(
            Case::bad(
                format!("the responder is {comment}: not authorised (AIA mode)"),
                &main,
                OCSP_RESPONDER,
                &["OcspResponder"],
            )
            .ocsp(&p, None),
        );
    }
    let leaf_resp = by("auth-rsa2048.cer", &pki.leaf_rsa, w);
    let p = w.resp(
        "good-signed-by-user-cert",
        leaf_resp.der(),
        "good, signed by the RSA authentication certificate auth-rsa2048.cer, certs = [it]",
    );
    sr.push(
        Case::bad(
            "signed by an end-user certificate of the same CA (EKU clientAuth)",
            &main,
            OCSP_RESPONDER,
            &["OcspResponder"],
        )
        .ocsp(&p, None),
    );
    groups.push(g(
        "idbridge Web eID spec §4.2 O5-O7 (RFC 6960 §4.2.1 signature over tbsResponseData; §4.2.2.2 authorized responders; web-eid-authtoken-validation-java OcspResponseValidator, AiaOcspService and NFC-128 619331e)",
        sr,
    ));

    // ---- times
    let mut tm = Vec::new();
    let time_cases: Vec<TimeCase> = vec![
        ("this-update-plus-15m", now + 900, None, None, "thisUpdate = now + 15 min exactly: on the clock-skew bound", &["OcspTime", "Valid"]),
        ("this-update-plus-15m-1s", now + 901, None, Some(OCSP_TIME), "thisUpdate = now + 15 min + 1 s: too far in the future", &["OcspTime"]),
        ("this-update-minus-2m", now - 120, None, None, "thisUpdate = now - 2 min exactly: on the age bound", &["OcspTime", "Valid"]),
        ("this-update-minus-2m-1s", now - 121, None, Some(OCSP_TIME), "thisUpdate = now - 2 min - 1 s: too old", &["OcspTime"]),
        ("this-update-minus-1d", now - 86400, None, Some(OCSP_TIME), "thisUpdate a day old", &["OcspTime"]),
        ("next-update-equal", now - 60, Some(now - 60), None, "nextUpdate == thisUpdate (now - 60 s): allowed", &["OcspTime", "Valid"]),
        ("next-update-before-this", now - 60, Some(now - 61), Some(OCSP_TIME), "nextUpdate one second before thisUpdate", &["OcspTime"]),
        ("next-update-minus-15m", now - 900, Some(now - 900), Some(OCSP_TIME), "nextUpdate = now - 15 min exactly (passes its own rule), but then thisUpdate <= nextUpdate is 15 min old and fails the 2-minute age rule", &["OcspTime", "OcspNextUpdateBound"]),
        ("next-update-minus-15m-1s", now - 901, Some(now - 901), Some(OCSP_TIME), "nextUpdate = now - 15 min - 1 s (fails) with thisUpdate equal to it (fails the age rule too)", &["OcspTime", "OcspNextUpdateBound"]),
    ];
    for (name, tu, nu, expect, comment, flags) in time_cases {
        let p = w.resp(
            name,
            with_single(single(&cid, Status::Good, &gen_time(tu), nu)).der(),
            &format!("good, correctly signed; {comment}"),
        );
        tm.push(match expect {
            None => Case::ok(comment, &main, flags).ocsp(&p, None),
            Some(code) => Case::bad(comment, &main, code, flags).ocsp(&p, None),
        });
    }
    groups.push(g(
        "idbridge Web eID spec §4.2 O8 (web-eid-authtoken-validation-java OcspResponseValidator: allowed skew 15 min, max thisUpdate age 2 min, strict comparisons; RFC 6960 §4.2.2.1)",
        tm,
    ));

    // ---- status
    let mut ss = Vec::new();
    ss.push(
        Case::bad(
            "revoked, reason keyCompromise",
            &main,
            OCSP_REVOKED,
            &["OcspRevoked"],
        )
        .ocsp(&r_revoked, None),
    );
    let p = w.resp(
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
    ss.push(
        Case::bad(
            "revoked, no reason code",
            &main,
            OCSP_REVOKED,
            &["OcspRevoked"],
        )
        .ocsp(&p, None),
    );
    let p = w.resp(
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
    ss.push(
        Case::bad(
            "revoked with a revocationTime after now: the status is what counts",
            &main,
            OCSP_REVOKED,
            &["OcspRevoked"],
        )
        .ocsp(&p, None),
    );
    let p = w.resp(
        "unknown",
        with_single(single(&cid, Status::Unknown, &gen_time(now - 60), None)).der(),
        "unknown for auth-p384.cer",
    );
    ss.push(Case::bad("unknown", &main, OCSP_UNKNOWN, &["OcspRevoked"]).ocsp(&p, None));
    let p = w.resp(
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
    ss.push(
        Case::bad(
            "revoked, from the issuing CA itself",
            &main,
            OCSP_REVOKED,
            &["OcspRevoked", "CaSignedOcsp"],
        )
        .ocsp(&p, None),
    );
    groups.push(g(
        "idbridge Web eID spec §4.2 O9 (RFC 6960 §4.2.1 CertStatus good/revoked/unknown; web-eid-authtoken-validation-java OcspResponseValidator)",
        ss,
    ));

    // ---- order
    let mut od = Vec::new();
    let other_cid = cert_id(
        &sha1_alg,
        &Hash::Sha1.digest(&ca_name),
        &Hash::Sha1.digest(&ca_bits),
        &serial("auth-p256.cer"),
    );
    let p = w.resp(
        "order-certid-and-signature",
        Resp {
            singles: vec![single(&other_cid, Status::Good, &gen_time(now - 60), None)],
            tamper: true,
            ..base.clone()
        }
        .der(),
        "good for another serial AND a flipped signature bit",
    );
    od.push(
        Case::bad(
            "CertID for another serial AND a broken signature: CertID (O4) before signature (O6)",
            &main,
            OCSP_CERT_ID,
            &["CheckOrder"],
        )
        .ocsp(&p, None),
    );
    let p = w.resp(
        "order-count-and-signature",
        Resp {
            singles: vec![good(now - 60), good(now - 60)],
            tamper: true,
            ..base.clone()
        }
        .der(),
        "two SingleResponses AND a flipped signature bit",
    );
    od.push(
        Case::bad(
            "two SingleResponses AND a broken signature: count (O3) first",
            &main,
            OCSP_COUNT,
            &["CheckOrder"],
        )
        .ocsp(&p, None),
    );
    let noeku = by("ocsp-responder-no-eku.cer", &pki.resp_rsa, w);
    let p = w.resp(
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
    od.push(Case::bad("revoked from a responder without OCSPSigning: the responder (O7) before the status (O9)", &main, OCSP_RESPONDER, &["CheckOrder"]).ocsp(&p, None));
    let p = w.resp(
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
    od.push(
        Case::bad(
            "revoked AND thisUpdate an hour old: time (O8) before the status (O9)",
            &main,
            OCSP_TIME,
            &["CheckOrder"],
        )
        .ocsp(&p, None),
    );
    let p = w.resp(
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
    od.push(
        Case::bad(
            "revoked AND a broken signature: the signature (O6) before the status (O9)",
            &main,
            OCSP_SIG,
            &["CheckOrder"],
        )
        .ocsp(&p, None),
    );
    od.push(
        Case::bad(
            "revoked AND a wrong origin: OCSP (S15) before the token signature (S18)",
            &main,
            OCSP_REVOKED,
            &["CheckOrder", "OriginMismatch"],
        )
        .ocsp(&r_revoked, None)
        .origin("https://evil.example"),
    );
    od.push(
        Case::bad(
            "a good response AND an expired certificate: validity (S12) before OCSP",
            &main,
            EXPIRED,
            &["CheckOrder"],
        )
        .ocsp(&r_good, None)
        .now(leaf_to() + 1),
    );
    groups.push(g(
        "idbridge Web eID spec §1 S15 and §4.2 (OCSP sub-order O1-O9 of web-eid-authtoken-validation-java; OCSP before the token signature)",
        od,
    ));

    FileSpec {
        name: "ocsp.json".into(),
        what: "OCSP responses for the main certificate: good, pinned, status, malformed, count, CertID, signature, responder authorisation, time window, revoked/unknown, order (S15, O1-O9)".into(),
        header: vec![
            "Web eID OCSP checks (context ocsp = {response[, responder]}): every response is about auth-p384.cer (issuer ESTEID2026) unless the comment says otherwise, built and signed by the generator".to_string(),
            "now = 2026-09-01T10:00:00Z; default thisUpdate = producedAt = now - 60 s, no nextUpdate. No request nonce is expressible, so the nonce rule (O10) is not exercised".to_string(),
        ],
        groups,
    }
}

fn w_subject(w: &W, file: &str) -> Vec<u8> {
    use der::{Decode, Encode};
    let c = x509_cert::Certificate::from_der(w.pki.get(file)).expect("certificate");
    c.tbs_certificate.subject.to_der().expect("name")
}
