//! The webeid cases of `signature.json` (token signature, algorithms,
//! allow-list, encodings, origin and nonce).

use crate::bytes::{der_sig, fixed, flip, uint};
use crate::ec::Curve;
use crate::hash::Hash;
use crate::out::webeid::{Case, FileSpec};
use crate::pki::build::Key;
use crate::pki::leaf_to;
use crate::rsa_ops::sign_pss;

use super::model::*;
use super::token::*;
use super::work::{group, ANCHOR, W};

// ------------------------------------------------------------ signature --

/// Split a raw ECDSA signature.
fn rs(sig: &[u8]) -> (rsa::BigUint, rsa::BigUint) {
    let f = sig.len() / 2;
    (uint(&sig[..f]), uint(&sig[f..]))
}

fn raw(r: &rsa::BigUint, s: &rsa::BigUint, f: usize) -> Vec<u8> {
    let mut v = fixed(r, f);
    v.extend(fixed(s, f));
    v
}

pub fn signature(w: &mut W) -> FileSpec {
    let pki = w.pki;
    let mut groups = Vec::new();
    let main = w.main_path();
    let main_tok = w.main_tok();

    // ---- every algorithm
    let mut algs = Vec::new();
    for alg in Jwa::ALL {
        let (file, key) = match alg {
            Jwa::Es256 => ("auth-p256.cer", &pki.leaf_p256),
            Jwa::Es384 => ("auth-p384.cer", &pki.leaf_p384),
            Jwa::Es512 => ("auth-p521.cer", &pki.leaf_p521),
            _ => ("auth-rsa2048.cer", &pki.leaf_rsa),
        };
        let p = if alg == Jwa::Es384 {
            main.clone()
        } else {
            let t = w.genuine(file, key, alg).bytes();
            w.tok(
                &alg.name().to_lowercase(),
                t,
                &format!("a genuine {} token for pki/{file}", alg.name()),
            )
        };
        algs.push(Case::ok(
            format!("{} with the {} certificate", alg.name(), file),
            &p,
            &["TokenAlgorithm", "Valid"],
        ));
    }
    let rs256 = w.genuine("auth-rsa2048.cer", &pki.leaf_rsa, Jwa::Rs256);
    let rs_sig = b64(&sign_token(&pki.leaf_rsa, Jwa::Rs256, "auth-rsa2048.cer"));
    assert!(rs_sig.ends_with("=="));
    let p = w.tok(
        "rs256-unpadded",
        rs256
            .clone()
            .str("signature", rs_sig.trim_end_matches('='))
            .bytes(),
        "the RS256 token with its signature's base64 padding removed",
    );
    algs.push(Case::ok(
        "RS256 with the signature's '==' padding removed: padding is optional",
        &p,
        &["Base64Strictness", "Valid"],
    ));
    let sig = w.main_sig();
    let n384 = Curve::P384.order();
    let (r, s) = rs(&sig);
    let high = raw(&r, &(&n384 - &s), 48);
    let p = w.tok(
        "es384-high-s",
        main_tok.clone().str("signature", &b64(&high)).bytes(),
        "the main token with s replaced by n - s",
    );
    algs.push(Case::ok(
        "the main signature's twin (r, n - s): also a valid ECDSA signature",
        &p,
        &["SignatureMalleability", "Valid"],
    ));
    groups.push(group(
        "idbridge Web eID spec §1 S17/S18 and §2.1 (Web eID token format; RFC 7518 §3.3-3.5: RS* RSASSA-PKCS1-v1_5, ES* raw r||s, PS* RSASSA-PSS MGF1 same hash, salt = hash length)",
        ANCHOR,
        algs,
    ));

    // ---- allow-list
    let mut allow = Vec::new();
    for (name, value) in [
        ("none", "none"),
        ("NONE", "NONE"),
        ("es384", "es384"),
        ("HS384", "HS384"),
        ("EdDSA", "EdDSA"),
        ("ES384-space", "ES384 "),
        ("RS1", "RS1"),
    ] {
        let p = w.tok(
            &format!("alg-{name}"),
            main_tok.clone().str("algorithm", value).bytes(),
            &format!("the main token with algorithm \"{value}\""),
        );
        allow.push(Case::bad(
            format!("algorithm \"{value}\": not exactly one of the nine names"),
            &p,
            ALG,
            &["AlgorithmAllowList"],
        ));
    }
    groups.push(group(
        "idbridge Web eID spec §1 S17 and §2.1 (web-eid-authtoken-validation-java AuthTokenSignatureValidator ALLOWED_SIGNATURE_ALGORITHMS; RFC 8725 §3.1)",
        ANCHOR,
        allow,
    ));

    // ---- signature encoding and values
    let mut enc = Vec::new();
    let put = |w: &mut W, name: &str, sig_text: &str, what: &str| -> String {
        w.tok(
            &format!("sig-{name}"),
            main_tok.clone().str("signature", sig_text).bytes(),
            &format!("the main token whose signature is {what}"),
        )
    };
    let p = put(
        w,
        "not-base64",
        "%%%% not base64 %%%%",
        "\"%%%% not base64 %%%%\"",
    );
    enc.push(Case::bad(
        "signature not base64",
        &p,
        SIG,
        &["SignatureEncoding"],
    ));
    let sb = b64(&sig);
    let p = if sb.contains('+') || sb.contains('/') {
        put(
            w,
            "base64url",
            &sb.replace('+', "-").replace('/', "_"),
            "the genuine signature in the URL-safe base64 alphabet",
        )
    } else {
        let t = rs256
            .clone()
            .str("signature", &rs_sig.replace('+', "-").replace('/', "_"));
        assert!(rs_sig.contains('+') || rs_sig.contains('/'));
        w.tok(
            "sig-base64url",
            t.bytes(),
            "the RS256 token whose signature is in the URL-safe base64 alphabet",
        )
    };
    enc.push(Case::bad(
        "the genuine signature in base64url: not the standard alphabet",
        &p,
        SIG,
        &["SignatureEncoding", "Base64Strictness"],
    ));
    let p = put(
        w,
        "space",
        &format!("{} {}", &sb[..64], &sb[64..]),
        "the genuine signature's base64 with a space inside",
    );
    enc.push(Case::bad(
        "base64 with a space inside",
        &p,
        SIG,
        &["SignatureEncoding", "Base64Strictness"],
    ));
    let p = put(
        w,
        "95-bytes",
        &b64(&sig[..95]),
        "the genuine signature without its last byte (95 bytes)",
    );
    enc.push(Case::bad(
        "95 bytes: ES384 needs exactly 96",
        &p,
        SIG,
        &["SignatureEncoding"],
    ));
    let mut longer = sig.clone();
    longer.push(0);
    let p = put(
        w,
        "97-bytes",
        &b64(&longer),
        "the genuine signature with a 0x00 appended (97 bytes)",
    );
    enc.push(Case::bad(
        "97 bytes: ES384 needs exactly 96",
        &p,
        SIG,
        &["SignatureEncoding"],
    ));
    let mut padded = vec![0u8];
    padded.extend(&sig[..48]);
    padded.push(0);
    padded.extend(&sig[48..]);
    let p = put(
        w,
        "98-bytes-padded",
        &b64(&padded),
        "r and s each left-padded to 49 bytes (98 bytes)",
    );
    enc.push(Case::bad(
        "r and s each with an extra leading zero byte (98 bytes): same integers, wrong length",
        &p,
        SIG,
        &["SignatureEncoding"],
    ));
    let p = put(
        w,
        "der",
        &b64(&der_sig(&r, &s)),
        "the same (r, s) as a DER Ecdsa-Sig-Value",
    );
    enc.push(Case::bad(
        "the genuine (r, s) DER-encoded: JWS requires raw r || s",
        &p,
        SIG,
        &["DerSignature"],
    ));
    let zero = rsa::BigUint::from(0u8);
    for (name, rr, ss, what, flag) in [
        (
            "r-zero",
            zero.clone(),
            s.clone(),
            "r = 0",
            "ScalarOutOfRange",
        ),
        (
            "s-zero",
            r.clone(),
            zero.clone(),
            "s = 0",
            "ScalarOutOfRange",
        ),
        (
            "zero",
            zero.clone(),
            zero.clone(),
            "r = s = 0 (96 zero bytes)",
            "PsychicSignature",
        ),
        ("r-n", n384.clone(), s.clone(), "r = n", "ScalarOutOfRange"),
        ("s-n", r.clone(), n384.clone(), "s = n", "ScalarOutOfRange"),
        (
            "swapped",
            s.clone(),
            r.clone(),
            "(s, r): the genuine values swapped",
            "SwappedRS",
        ),
    ] {
        let p = put(w, name, &b64(&raw(&rr, &ss, 48)), what);
        enc.push(Case::bad(
            format!("{what}: outside [1, n - 1] or not the signature"),
            &p,
            SIG,
            &[flag],
        ));
    }
    let p = put(
        w,
        "bit-flip",
        &b64(&flip(&sig, 10)),
        "the genuine signature with one bit of r flipped",
    );
    enc.push(Case::bad(
        "one bit of r flipped",
        &p,
        SIG,
        &["ModifiedSignature"],
    ));
    let wrong = sign_token(&pki.wrong_p384, Jwa::Es384, "wrong");
    let p = put(
        w,
        "wrong-key",
        &b64(&wrong),
        "a genuine ES384 signature by another P-384 key over the same data",
    );
    enc.push(Case::bad(
        "signed by another P-384 key (the certificate's key did not sign)",
        &p,
        SIG,
        &["ModifiedSignature"],
    ));
    groups.push(group(
        "idbridge Web eID spec §1 S18 and §2.1 (RFC 7518 §3.4: ES384 signature = 96-byte r || s; FIPS 186-5 §6.4.2: r, s in [1, n - 1]; JJWT EcSignatureAlgorithm)",
        ANCHOR,
        enc,
    ));

    // ---- algorithm / key mismatches, hashes, padding
    let mut mix = Vec::new();
    let p384 = &pki.leaf_p384;
    let data = |alg: Jwa| signed_data(alg.hash(), ORIGIN, &nonce());
    let es512_on_384 = main_tok.clone().str("algorithm", "ES512");
    let p = w.tok(
        "mix-es512-label-p384",
        es512_on_384.bytes(),
        "the main token (P-384 key, genuine ES384 signature) relabelled ES512",
    );
    mix.push(Case::bad("ES512 label on a P-384 key (the genuine ES384 signature): the curve does not fit the algorithm", &p, SIG, &["KeyTypeConfusion"]));
    let s = sign_with(p384, Jwa::Es256, &data(Jwa::Es256), "x");
    let p = w.tok(
        "mix-es256-p384",
        main_tok
            .clone()
            .str("algorithm", "ES256")
            .str("signature", &b64(&s))
            .bytes(),
        "ES256 token for the P-384 certificate: SHA-256 data signed with the P-384 key (96 bytes)",
    );
    mix.push(Case::bad(
        "ES256 on a P-384 key, signed with that key over the SHA-256 data: ES256 means P-256",
        &p,
        SIG,
        &["KeyTypeConfusion"],
    ));
    let s = sign_with(&pki.leaf_p256, Jwa::Es384, &data(Jwa::Es384), "x");
    let t = w
        .genuine("auth-p256.cer", &pki.leaf_p256, Jwa::Es256)
        .str("algorithm", "ES384")
        .str("signature", &b64(&s));
    let p = w.tok(
        "mix-es384-p256",
        t.bytes(),
        "ES384 token for the P-256 certificate: SHA-384 data signed with the P-256 key (64 bytes)",
    );
    mix.push(Case::bad(
        "ES384 on a P-256 key, signed with that key: ES384 means P-384",
        &p,
        SIG,
        &["KeyTypeConfusion"],
    ));
    let p = w.tok(
        "mix-rs256-ec",
        main_tok.clone().str("algorithm", "RS256").bytes(),
        "the main token (EC key) relabelled RS256",
    );
    mix.push(Case::bad(
        "RS256 label on an EC key",
        &p,
        SIG,
        &["KeyTypeConfusion"],
    ));
    let p = w.tok(
        "mix-ps384-ec",
        main_tok.clone().str("algorithm", "PS384").bytes(),
        "the main token (EC key) relabelled PS384",
    );
    mix.push(Case::bad(
        "PS384 label on an EC key",
        &p,
        SIG,
        &["KeyTypeConfusion"],
    ));
    let p = w.tok(
        "mix-es256-rsa",
        rs256.clone().str("algorithm", "ES256").bytes(),
        "the RS256 token (RSA key) relabelled ES256",
    );
    mix.push(Case::bad(
        "ES256 label on an RSA key",
        &p,
        SIG,
        &["KeyTypeConfusion"],
    ));
    let p = w.tok(
        "mix-rs256-label-pss",
        w.genuine("auth-rsa2048.cer", &pki.leaf_rsa, Jwa::Ps256)
            .str("algorithm", "RS256")
            .bytes(),
        "a genuine PS256 token relabelled RS256",
    );
    mix.push(Case::bad(
        "a PSS signature under RS256",
        &p,
        SIG,
        &["PaddingConfusion"],
    ));
    let p = w.tok(
        "mix-ps256-label-pkcs1",
        rs256.clone().str("algorithm", "PS256").bytes(),
        "a genuine RS256 token relabelled PS256",
    );
    mix.push(Case::bad(
        "a PKCS#1 v1.5 signature under PS256",
        &p,
        SIG,
        &["PaddingConfusion"],
    ));
    let Key::Rsa(rk) = &pki.leaf_rsa else {
        panic!("RSA leaf")
    };
    for salt in [0usize, 48] {
        let s = sign_pss(
            rk.as_ref(),
            Hash::Sha256,
            salt,
            &format!("webeid/salt-{salt}"),
            &data(Jwa::Ps256),
        );
        let p = w.tok(
            &format!("mix-ps256-salt-{salt}"),
            w.genuine("auth-rsa2048.cer", &pki.leaf_rsa, Jwa::Ps256)
                .str("signature", &b64(&s))
                .bytes(),
            &format!("PS256 token whose PSS salt is {salt} bytes"),
        );
        mix.push(Case::bad(
            format!("PS256 with a {salt}-byte salt: the salt length is fixed at 32"),
            &p,
            SIG,
            &["PssSaltLength"],
        ));
    }
    let p = w.tok(
        "mix-rs384-label-rs256",
        rs256.clone().str("algorithm", "RS384").bytes(),
        "a genuine RS256 token relabelled RS384",
    );
    mix.push(Case::bad(
        "an RS256 signature under RS384",
        &p,
        SIG,
        &["WrongHash"],
    ));
    let s = sign_with(p384, Jwa::Es384, &data(Jwa::Es256), "x");
    let p = w.tok("mix-es384-sha256-data", main_tok.clone().str("signature", &b64(&s)).bytes(), "ES384 token whose signed data was built with SHA-256 (H256(origin) || H256(nonce)) and then signed ES384");
    mix.push(Case::bad(
        "ES384 over SHA-256 halves: the data's hash must be the algorithm's",
        &p,
        SIG,
        &["WrongHash"],
    ));
    let Key::Ec(ek) = p384 else { panic!("EC leaf") };
    let (r2, s2) = ek.sign(Hash::Sha256, &data(Jwa::Es384));
    let p = w.tok(
        "mix-es384-ecdsa-sha256",
        main_tok
            .clone()
            .str("signature", &b64(&raw(&r2, &s2, 48)))
            .bytes(),
        "ES384 token whose SHA-384 data was signed with ECDSA over SHA-256",
    );
    mix.push(Case::bad(
        "the right data, signed ECDSA-with-SHA-256 by the P-384 key",
        &p,
        SIG,
        &["WrongHash"],
    ));
    let weak = w
        .genuine("auth-rsa1024.cer", &pki.leaf_rsa1024, Jwa::Rs256)
        .bytes();
    let p = w.tok(
        "rs256-rsa1024",
        weak,
        "a genuine RS256 token for auth-rsa1024.cer (RSA-1024 key)",
    );
    mix.push(Case::bad("a genuine RS256 signature by an RSA-1024 key (the certificate passes every certificate check)", &p, SIG, &["WeakRsaKey"]));
    groups.push(group(
        "idbridge Web eID spec §1 S18 and §2.1 (JJWT EcSignatureAlgorithm/RsaSignatureAlgorithm key checks, MIN_KEY_BIT_LENGTH 2048; RFC 7518 §3.3-3.5)",
        ANCHOR,
        mix,
    ));

    // ---- origin and nonce
    let mut on = Vec::new();
    for (origin, why) in [
        ("https://evil.example", "another site"),
        (
            "https://rp.idbridge.test:443",
            "the same site with the default port written out: a different string",
        ),
        (
            "https://rp.idbridge.test.evil.example",
            "a suffix-extended host",
        ),
        (
            "https://RP.idbridge.test",
            "the host in capitals: origins are compared as configured",
        ),
    ] {
        on.push(
            Case::bad(
                format!("the token for https://rp.idbridge.test verified for {origin} ({why})"),
                &main,
                SIG,
                &["OriginMismatch"],
            )
            .origin(origin),
        );
    }
    on.push(
        Case::bad(
            "another nonce (a second challenge)",
            &main,
            SIG,
            &["NonceMismatch"],
        )
        .nonce(&other_nonce()),
    );
    let n = nonce();
    let mut last = n.clone().into_bytes();
    let i = last.len() - 2;
    last[i] = if last[i] == b'A' { b'B' } else { b'A' };
    let last = String::from_utf8(last).expect("ASCII");
    on.push(
        Case::bad(
            "the nonce with one character changed",
            &main,
            SIG,
            &["NonceMismatch"],
        )
        .nonce(&last),
    );
    let mk = |w: &mut W, name: &str, d: Vec<u8>, what: &str| -> String {
        let s = sign_with(p384, Jwa::Es384, &d, name);
        w.tok(
            &format!("signed-{name}"),
            main_tok.clone().str("signature", &b64(&s)).bytes(),
            what,
        )
    };
    let h = Hash::Sha384;
    let decoded = b64_decode(&n).expect("nonce is base64");
    let p = mk(
        w,
        "nonce-decoded",
        [h.digest(ORIGIN.as_bytes()), h.digest(&decoded)].concat(),
        "ES384 over H(origin) || H(base64-decoded nonce)",
    );
    on.push(Case::bad(
        "signed over the base64-DECODED nonce: the nonce is hashed as its string",
        &p,
        SIG,
        &["SignedDataConstruction"],
    ));
    let p = mk(
        w,
        "swapped",
        [h.digest(n.as_bytes()), h.digest(ORIGIN.as_bytes())].concat(),
        "ES384 over H(nonce) || H(origin)",
    );
    on.push(Case::bad(
        "signed over H(nonce) || H(origin): the halves swapped",
        &p,
        SIG,
        &["SignedDataConstruction"],
    ));
    let p = mk(
        w,
        "one-hash",
        h.digest(format!("{ORIGIN}{n}").as_bytes()),
        "ES384 over H(origin || nonce)",
    );
    on.push(Case::bad(
        "signed over one hash of origin || nonce",
        &p,
        SIG,
        &["SignedDataConstruction"],
    ));
    let p = mk(
        w,
        "origin-slash",
        signed_data(h, "https://rp.idbridge.test/", &n),
        "ES384 for the origin https://rp.idbridge.test/ (trailing slash)",
    );
    on.push(Case::bad("signed for https://rp.idbridge.test/ (trailing slash), checked for https://rp.idbridge.test", &p, SIG, &["OriginMismatch"]));
    let p = mk(
        w,
        "origin-port",
        signed_data(h, "https://rp.idbridge.test:8443", &n),
        "ES384 for the origin https://rp.idbridge.test:8443",
    );
    on.push(
        Case::ok(
            "signed for https://rp.idbridge.test:8443 and checked for exactly that origin",
            &p,
            &["OriginPort", "Valid"],
        )
        .origin("https://rp.idbridge.test:8443"),
    );
    on.push(Case::bad(
        "the :8443 token checked for https://rp.idbridge.test",
        &p,
        SIG,
        &["OriginMismatch"],
    ));
    groups.push(group(
        "idbridge Web eID spec §2.1 (Web eID token format: the signature over H(origin) || H(nonce) is what proves origin and nonce; web-eid-authtoken-validation-java AuthTokenSignatureValidator)",
        ANCHOR,
        on,
    ));

    // ---- configuration
    let mut cfg = vec![Case::bad(
        "an empty nonce in the context: refused when the expectations are built",
        &main,
        CONFIG,
        &["ConfigInvalid"],
    )
    .nonce("")];
    for (origin, why) in [
        ("https://rp.idbridge.test/", "a trailing slash"),
        ("https://rp.idbridge.test/login", "a path"),
        ("http://rp.idbridge.test", "http"),
        ("https://user@rp.idbridge.test", "user-info"),
        ("https://rp.idbridge.test?x=1", "a query"),
        ("https://rp.idbridge.test#top", "a fragment"),
        ("rp.idbridge.test", "no scheme"),
    ] {
        cfg.push(
            Case::bad(
                format!("origin {origin}: {why}, not https://host[:port]"),
                &main,
                CONFIG,
                &["ConfigInvalid"],
            )
            .origin(origin),
        );
    }
    groups.push(group(
        "idbridge Web eID spec §2.1 (web-eid-authtoken-validation-java AuthTokenValidationConfiguration: origin must be https://host[:port], challenge nonce non-empty); idbridge code config.invalid",
        ANCHOR,
        cfg,
    ));

    // ---- order
    let t = main_tok.clone().str("algorithm", "NONE");
    let p = w.tok(
        "order-alg-none-untrusted",
        t.str("unverifiedCertificate", &b64(&w.cert("auth-other-ca.cer")))
            .bytes(),
        "the main token relabelled NONE and carrying auth-other-ca.cer",
    );
    groups.push(group(
        "idbridge Web eID spec §1 (check order: chain S13 before algorithm S17 and signature S18)",
        ANCHOR,
        vec![
            Case::bad("algorithm NONE AND a certificate of an unrelated CA: the chain is checked first", &p, UNTRUSTED, &["CheckOrder"]),
            Case::bad("a wrong origin AND an expired certificate: validity (S12) before the signature (S18)", &main, EXPIRED, &["CheckOrder", "OriginMismatch"]).origin("https://evil.example").now(leaf_to() + 1),
        ],
    ));

    FileSpec {
        name: "signature.json".into(),
        what: "the token signature: nine algorithms, allow-list, encodings, r/s ranges, key/algorithm mismatches, origin and nonce, configuration (S16-S18)".into(),
        header: vec![
            "Web eID token signature: ES256/384/512 (raw r||s), RS256/384/512, PS256/384/512 over H(origin) || H(nonce)".to_string(),
            "Every certificate here passes every certificate check; only the signature, the algorithm or the context differs".to_string(),
        ],
        groups,
    }
}
