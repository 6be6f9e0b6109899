//! The web-eid:1.1 cases (v1_1.json).

use super::model::*;
use super::token::*;
use super::work::{group, ANCHOR, W};
use crate::out::webeid::{Case, FileSpec};

pub fn v11(w: &mut W) -> FileSpec {
    let pki = w.pki;
    let sign = w.cert("sign-p384.cer");
    let base = w.main_tok().str("format", "web-eid:1.1").raw(
        "unverifiedSigningCertificates",
        &format!("[{}]", signing_entry(&sign, SSA_ECC_384)),
    );
    let ca_b64 = json_str(&b64(&w.cert("esteid2026.cer")));
    let mut groups = Vec::new();
    let put = |w: &mut W, name: &str, t: Tok, what: &str| -> String {
        w.tok(
            &format!("v11-{name}"),
            t.bytes(),
            &format!("web-eid:1.1 token: {what}"),
        )
    };
    let valid = put(
        w,
        "valid",
        base.clone(),
        "auth-p384.cer, ES384, one signing certificate sign-p384.cer with ECC/SHA-384/NONE",
    );

    // ---- valid forms and intermediates
    let mut vf = vec![Case::ok("a genuine web-eid:1.1 token: the signing certificate has the same subject in another RDN order, the same AKI, nonRepudiation, and chains to the anchor", &valid, &["V11Valid", "V11SubjectRdnOrder", "Valid"])];
    let p = put(
        w,
        "intermediates-anchor",
        base.clone()
            .raw("unverifiedIntermediateCertificates", &format!("[{ca_b64}]")),
        "plus unverifiedIntermediateCertificates = [esteid2026.cer] (byte-equal to the anchor)",
    );
    vf.push(Case::ok(
        "with the issuing CA (the anchor itself) as a token intermediate",
        &p,
        &["V11Valid", "V11Intermediates", "Valid"],
    ));
    let p = put(
        w,
        "intermediates-root",
        base.clone().raw(
            "unverifiedIntermediateCertificates",
            &format!("[{}]", json_str(&b64(&w.cert("root.cer")))),
        ),
        "plus unverifiedIntermediateCertificates = [root.cer] (not needed for the path)",
    );
    vf.push(Case::ok(
        "with an unneeded intermediate (the root): the path leaf -> anchor exists without it",
        &p,
        &["V11Valid", "V11Intermediates", "Valid"],
    ));
    let p = put(
        w,
        "intermediates-no-signing",
        base.clone()
            .remove("unverifiedSigningCertificates")
            .raw("unverifiedIntermediateCertificates", &format!("[{ca_b64}]")),
        "without unverifiedSigningCertificates but with intermediates [esteid2026.cer]",
    );
    vf.push(Case::ok(
        "no signing certificates, but intermediates given: nothing to check for signing (V3)",
        &p,
        &["V11Valid", "V11Intermediates", "Valid"],
    ));
    let multi = r#"[{"cryptoAlgorithm":"RSA","hashFunction":"SHA3-256","paddingScheme":"PSS"},{"cryptoAlgorithm":"ECC","hashFunction":"SHA-224","paddingScheme":"NONE"},{"cryptoAlgorithm":"RSA","hashFunction":"SHA-512","paddingScheme":"PKCS1.5"}]"#;
    let p = put(w, "ssa-several", base.clone().raw("unverifiedSigningCertificates", &format!("[{}]", signing_entry(&sign, multi))), "supportedSignatureAlgorithms with three entries (RSA/SHA3-256/PSS, ECC/SHA-224/NONE, RSA/SHA-512/PKCS1.5)");
    vf.push(Case::ok("several supportedSignatureAlgorithms, every member in its set (they are not matched against the key)", &p, &["V11Valid", "Valid"]));
    let entry_unknown = format!(
        "[{{\"certificate\":{},\"supportedSignatureAlgorithms\":{SSA_ECC_384},\"label\":\"Allkirjastamine\",\"x\":[1,2]}}]",
        json_str(&b64(&sign))
    );
    let p = put(
        w,
        "entry-unknown-fields",
        base.clone()
            .raw("unverifiedSigningCertificates", &entry_unknown),
        "the signing-certificate entry with unknown members",
    );
    vf.push(Case::ok(
        "unknown members inside a signing-certificate entry are ignored",
        &p,
        &["V11Valid", "UnknownField", "Valid"],
    ));
    let two = format!(
        "[{},{}]",
        signing_entry(&sign, SSA_ECC_384),
        signing_entry(&w.cert("sign-same-order.cer"), SSA_ECC_384)
    );
    let p = put(
        w,
        "two-signing",
        base.clone().raw("unverifiedSigningCertificates", &two),
        "two good signing certificates (sign-p384.cer, sign-same-order.cer)",
    );
    vf.push(Case::ok(
        "two signing certificates, both good",
        &p,
        &["V11Valid", "Valid"],
    ));
    let p = put(
        w,
        "format-1.2",
        base.clone()
            .str("format", "web-eid:1.2")
            .raw("unverifiedSigningCertificates", "[]"),
        "format web-eid:1.2 with unverifiedSigningCertificates = []",
    );
    vf.push(Case::ok("format web-eid:1.2 (1.0 rules) with an empty unverifiedSigningCertificates: the 1.1 members are ignored", &p, &["V11FieldsIgnored", "Valid"]));
    groups.push(group(
        "idbridge Web eID spec §3.3 V1-V7 (web-eid-authtoken-validation-java branch NFC-128 AuthTokenVersion11Validator; Web eID token format 1.1)",
        ANCHOR,
        vf,
    ));

    // ---- shape
    let mut sh = Vec::new();
    let shapes: Vec<(&str, Tok, Code, &str)> = vec![
        ("intermediates-empty", base.clone().raw("unverifiedIntermediateCertificates", "[]"), MALFORMED, "unverifiedIntermediateCertificates = [] (present but empty)"),
        ("intermediates-empty-string", base.clone().raw("unverifiedIntermediateCertificates", "[\"\"]"), MALFORMED, "unverifiedIntermediateCertificates = [\"\"] (an empty entry)"),
        ("intermediates-null", base.clone().raw("unverifiedIntermediateCertificates", "[null]"), MALFORMED, "unverifiedIntermediateCertificates = [null]"),
        ("intermediates-string", base.clone().raw("unverifiedIntermediateCertificates", &ca_b64), MALFORMED, "unverifiedIntermediateCertificates is a string, not a list"),
        ("intermediates-not-cert", base.clone().raw("unverifiedIntermediateCertificates", "[\"VGhpcyBpcyBub3QgYSBjZXJ0aWZpY2F0ZQ==\"]"), CERT_MALFORMED, "unverifiedIntermediateCertificates = [base64 of text]: decoded before anything else, not a certificate"),
        ("signing-missing", base.clone().remove("unverifiedSigningCertificates"), MALFORMED, "no unverifiedSigningCertificates and no intermediates"),
        ("signing-empty", base.clone().raw("unverifiedSigningCertificates", "[]"), MALFORMED, "unverifiedSigningCertificates = []"),
        ("signing-object", base.clone().raw("unverifiedSigningCertificates", &signing_entry(&sign, SSA_ECC_384)), MALFORMED, "unverifiedSigningCertificates is one object, not a list"),
        ("entry-no-certificate", base.clone().raw("unverifiedSigningCertificates", &format!("[{{\"supportedSignatureAlgorithms\":{SSA_ECC_384}}}]")), MALFORMED, "a signing entry without certificate"),
        ("entry-empty-certificate", base.clone().raw("unverifiedSigningCertificates", &format!("[{{\"certificate\":\"\",\"supportedSignatureAlgorithms\":{SSA_ECC_384}}}]")), MALFORMED, "a signing entry with certificate \"\""),
        ("ssa-missing", base.clone().raw("unverifiedSigningCertificates", &format!("[{{\"certificate\":{}}}]", json_str(&b64(&sign)))), MALFORMED, "a signing entry without supportedSignatureAlgorithms"),
        ("ssa-empty", base.clone().raw("unverifiedSigningCertificates", &format!("[{}]", signing_entry(&sign, "[]"))), MALFORMED, "supportedSignatureAlgorithms = []"),
        ("ssa-dsa", base.clone().raw("unverifiedSigningCertificates", &format!("[{}]", signing_entry(&sign, &ssa("DSA", "SHA-384", "NONE")))), MALFORMED, "cryptoAlgorithm DSA"),
        ("ssa-ecc-lower", base.clone().raw("unverifiedSigningCertificates", &format!("[{}]", signing_entry(&sign, &ssa("ecc", "SHA-384", "NONE")))), MALFORMED, "cryptoAlgorithm \"ecc\" (lower case)"),
        ("ssa-sha1", base.clone().raw("unverifiedSigningCertificates", &format!("[{}]", signing_entry(&sign, &ssa("ECC", "SHA-1", "NONE")))), MALFORMED, "hashFunction SHA-1"),
        ("ssa-oaep", base.clone().raw("unverifiedSigningCertificates", &format!("[{}]", signing_entry(&sign, &ssa("RSA", "SHA-256", "OAEP")))), MALFORMED, "paddingScheme OAEP"),
        ("ssa-no-padding", base.clone().raw("unverifiedSigningCertificates", &format!("[{}]", signing_entry(&sign, r#"[{"cryptoAlgorithm":"ECC","hashFunction":"SHA-384"}]"#))), MALFORMED, "a supportedSignatureAlgorithms entry without paddingScheme"),
        ("ssa-one-bad", base.clone().raw("unverifiedSigningCertificates", &format!("[{}]", signing_entry(&sign, r#"[{"cryptoAlgorithm":"ECC","hashFunction":"SHA-384","paddingScheme":"NONE"},{"cryptoAlgorithm":"ECC","hashFunction":"MD5","paddingScheme":"NONE"}]"#))), MALFORMED, "a good supportedSignatureAlgorithms entry and one with hashFunction MD5"),
        ("format-1.1-plain", w.main_tok().str("format", "web-eid:1.1"), MALFORMED, "format web-eid:1.1 but no 1.1 members at all (a 1.0 token relabelled)"),
    ];
    for (name, t, code, what) in shapes {
        let p = put(w, name, t, what);
        sh.push(Case::bad(
            format!("{what}; the rest is the valid 1.1 token"),
            &p,
            code,
            &[if code == CERT_MALFORMED {
                "V11Intermediates"
            } else {
                "V11Shape"
            }],
        ));
    }
    groups.push(group(
        "idbridge Web eID spec §1 S6 and §3.3 V1-V4 (NFC-128 AuthTokenVersion11Validator validateUnverifiedIntermediateCertificates / validateSigningCertificates / validateSupportedSignatureAlgorithms); idbridge decision: shape errors are webeid.token.malformed",
        ANCHOR,
        sh,
    ));

    // ---- signing certificate semantics
    let mut sc = Vec::new();
    for (file, expect, comment) in [
        ("sign-same-order.cer", None, "the same subject in the same RDN order"),
        ("sign-case.cer", None, "GN, SN and CN ASCII-lower-cased (\"mari-Änn\"): values compare case-insensitively"),
        ("sign-utf8-country.cer", None, "C and serialNumber as UTF8String instead of PrintableString: same values"),
        ("sign-eku-email.cer", None, "EKU emailProtection: EKU is not checked on signing certificates"),
        ("sign-other-subject.cer", Some(SIGNING), "another person's subject (TAMM, JÜRI)"),
        ("sign-extra-rdn.cer", Some(SIGNING), "the subject plus O=ESTEID: not the same set"),
        ("sign-fewer-rdn.cer", Some(SIGNING), "the subject without CN: not the same set"),
        ("sign-other-serial.cer", Some(SIGNING), "the same names but serialNumber PNOEE-38506120345"),
        ("sign-no-aki.cer", Some(SIGNING), "no AuthorityKeyIdentifier"),
        ("sign-other-aki.cer", Some(SIGNING), "an AKI keyIdentifier that is not the authentication certificate's (the certificate is still signed by ESTEID2026)"),
        ("sign-aki-no-keyid.cer", Some(SIGNING), "an AKI with authorityCertIssuer and serial but no keyIdentifier"),
        ("sign-ku-ds.cer", Some(SIGNING), "keyUsage digitalSignature only: no nonRepudiation"),
        ("sign-no-ku.cer", Some(SIGNING), "no keyUsage"),
        ("sign-expired.cer", Some(SIGNING), "expired 2026-06-30"),
        ("sign-notyet.cer", Some(SIGNING), "valid only from 2027-01-01"),
        ("sign-other-ca.cer", Some(SIGNING), "issued by the unrelated Other CA (with ESTEID2026's AKI key id): no path to the anchor"),
        ("sign-bad-ca-sig.cer", Some(SIGNING), "its ESTEID2026 signature has a flipped bit: no path to the anchor"),
    ] {
        let t = base.clone().raw("unverifiedSigningCertificates", &format!("[{}]", signing_entry(&w.cert(file), SSA_ECC_384)));
        let p = put(w, file.trim_end_matches(".cer"), t, &format!("the valid 1.1 token with the signing certificate {file}"));
        sc.push(match expect {
            None => Case::ok(format!("signing certificate with {comment}"), &p, &["V11SubjectRdnOrder", "Valid"]),
            Some(code) => Case::bad(format!("signing certificate with {comment}; everything else is good"), &p, code, &["V11SigningCert"]),
        });
    }
    let two_bad = format!(
        "[{},{}]",
        signing_entry(&sign, SSA_ECC_384),
        signing_entry(&w.cert("sign-other-subject.cer"), SSA_ECC_384)
    );
    let p = put(
        w,
        "two-signing-second-bad",
        base.clone().raw("unverifiedSigningCertificates", &two_bad),
        "two signing certificates, the second of another person",
    );
    sc.push(Case::bad(
        "two signing certificates, the second of another person: every one is checked",
        &p,
        SIGNING,
        &["V11SigningCert"],
    ));
    groups.push(group(
        "idbridge Web eID spec §3.3 V5-V7 and §7.3 (NFC-128 AuthTokenVersion11Validator: same subject as RFC 4519 X500Name equality, same AuthorityKeyIdentifier keyIdentifier, keyUsage nonRepudiation, validity and path); idbridge code webeid.signing_certificate.invalid",
        ANCHOR,
        sc,
    ));

    // ---- signature and order
    let mut so = Vec::new();
    so.push(
        Case::bad(
            "the valid 1.1 token checked for another origin",
            &valid,
            SIG,
            &["OriginMismatch"],
        )
        .origin("https://evil.example"),
    );
    so.push(
        Case::bad(
            "the valid 1.1 token checked for another nonce",
            &valid,
            SIG,
            &["NonceMismatch"],
        )
        .nonce(&other_nonce()),
    );
    let by_sign_key = sign_token(&pki.sign_p384, Jwa::Es384, "sign");
    let p = put(
        w,
        "signed-by-signing-key",
        base.clone().str("signature", &b64(&by_sign_key)),
        "the valid 1.1 token, but the signature is by the signing certificate's key",
    );
    so.push(Case::bad("signed by the signing certificate's key: the token signature must verify with the authentication certificate", &p, SIG, &["ModifiedSignature"]));
    let bad_entry = format!(
        "[{}]",
        signing_entry(&w.cert("sign-other-subject.cer"), SSA_ECC_384)
    );
    let p = put(
        w,
        "order-bad-signing",
        base.clone()
            .raw("unverifiedSigningCertificates", &bad_entry),
        "the 1.1 token with another person's signing certificate",
    );
    so.push(Case::bad("another person's signing certificate AND a wrong origin: the token signature (S18) is checked before the signing certificates (S19)", &p, SIG, &["CheckOrder", "OriginMismatch"]).origin("https://evil.example"));
    let p = put(
        w,
        "order-intermediates-empty-bad-cert",
        base.clone()
            .raw("unverifiedIntermediateCertificates", "[]")
            .str("unverifiedCertificate", "This is not a certificate"),
        "intermediates [] AND an unverifiedCertificate that is text",
    );
    so.push(Case::bad("intermediates [] AND a broken unverifiedCertificate: the intermediates shape (S6) comes first", &p, MALFORMED, &["CheckOrder"]));
    groups.push(group(
        "idbridge Web eID spec §1 S18/S19 and §3.3 (NFC-128 AuthTokenVersion11Validator.validate: intermediates first, the 1.0 checks, then the signing certificates)",
        ANCHOR,
        so,
    ));

    FileSpec {
        name: "v1_1.json".into(),
        what: "web-eid:1.1: intermediates, signing certificates (shape, subject set, AKI, nonRepudiation, validity, path), order (S6, S19)".into(),
        header: vec![
            "Web eID web-eid:1.1 tokens: the authentication part is the main ES384 token; unverifiedSigningCertificates carries signing certificates of the same person (sign-*.cer)".to_string(),
        ],
        groups,
    }
}
