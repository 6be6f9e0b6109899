//! The bodies of the fuzz targets (feature `fuzz`), shared by `fuzz/`
//! (libFuzzer, nightly) and the corpus-replay test that runs every seed and
//! crash-regression input on stable in `cargo test`. Every function takes
//! arbitrary bytes, returns nothing, and panics only when an invariant of
//! idbridge breaks (that is the bug a fuzzer reports). They reach idbridge
//! through its public API only.
#![allow(clippy::panic, clippy::expect_used)] // invariant checks are the point here

use crate::{MemoryFiles, Runner};
use base64::Engine as _;
use idbridge::c14n::{Document, Options};
use idbridge::crypto::{self, Algorithm, AllowList};
use idbridge::{cie, spid, webeid, Limits, Trust, UnixTime};
use std::sync::OnceLock;

/// `crypto::PublicKey::from_spki_der`.
pub fn spki(data: &[u8]) {
    if let Ok(key) = crypto::PublicKey::from_spki_der(data) {
        // Exactly one kind of key: RSA, EC, or (with the `ed25519`
        // feature) Ed25519.
        let kinds = [
            key.rsa_components().is_some(),
            key.ec_point().is_some(),
            key.ed25519_point().is_some(),
        ];
        assert_eq!(kinds.iter().filter(|k| **k).count(), 1);
    }
}

/// `crypto::verify_signature` with a fuzzer-chosen algorithm, key, signature
/// and message. Layout: `[alg][key_len u16][key][sig_len u16][sig][msg...]`.
pub fn signature(data: &[u8]) {
    fn take(buf: &[u8]) -> Option<(usize, &[u8])> {
        let (len, rest) = buf.split_at_checked(2)?;
        let len = u16::from_be_bytes([*len.first()?, *len.get(1)?]);
        Some((usize::from(len), rest))
    }
    let parts = (|| {
        let (&selector, rest) = data.split_first()?;
        let (key_len, rest) = take(rest)?;
        let (key, rest) = rest.split_at_checked(key_len)?;
        let (sig_len, rest) = take(rest)?;
        let (sig, msg) = rest.split_at_checked(sig_len)?;
        Some((selector, key, sig, msg))
    })();
    let Some((selector, key, sig, msg)) = parts else {
        return;
    };
    let Some(alg) = Algorithm::ALL.get(usize::from(selector) % Algorithm::COUNT) else {
        return;
    };
    let results: Vec<_> = crypto::backends()
        .iter()
        .map(|b| {
            crypto::verify_signature(*b, AllowList::all(), *alg, key, msg, sig)
                .map_err(|e| e.code())
        })
        .collect();
    assert!(
        results.windows(2).all(|w| w.first() == w.get(1)),
        "backends disagree: {results:?}"
    );
}

/// The vector runner over an arbitrary vector file.
pub fn vector_file(data: &[u8]) {
    let mut files = MemoryFiles::new();
    files.insert("v/f.json", data.to_vec());
    files.insert("v/k.der", vec![0x30, 0x00]);
    let report = Runner::new(&files).run_file("v/f.json");
    let _ = report.lines();
}

fn webeid_trust() -> &'static Trust {
    static T: OnceLock<Trust> = OnceLock::new();
    T.get_or_init(|| {
        Trust::builder()
            .webeid_anchor(include_bytes!(
                "../../test-vectors/webeid/pki/esteid2026.cer"
            ))
            .and_then(|b| b.webeid_anchors(idbridge::anchors::ESTONIA_TEST))
            .and_then(|b| b.build())
            .unwrap_or_default()
    })
}

/// `webeid::verify_token` against our test PKI and the Estonian TEST CAs.
pub fn webeid_token(data: &[u8]) {
    // The origin, nonce and time of the generated vectors (test-vectors/webeid).
    let exp = webeid::Expectations::new(
        "https://rp.idbridge.test",
        "A+n4OagGZruk8XYEl5FyPtaLI9Q7EilWaobazc04/5w=",
    );
    let _ = webeid::verify_token(
        webeid_trust(),
        data,
        &exp,
        UnixTime::from_unix_seconds(1_788_256_800),
    );
}

fn spid_trust() -> &'static Trust {
    static T: OnceLock<Trust> = OnceLock::new();
    T.get_or_init(|| {
        Trust::builder()
            .pin_saml_idp_metadata(include_bytes!("../../test-vectors/spid/metadata/idp.xml"))
            .and_then(|b| b.build())
            .unwrap_or_default()
    })
}

/// `spid::verify_response` and `cie::verify_response`, raw XML and base64.
pub fn saml_response(data: &[u8]) {
    for input in [spid::InputEncoding::Xml, spid::InputEncoding::Base64] {
        // The context of the generated vectors (test-vectors/spid).
        let mut exp = spid::Expectations::new(
            "https://sp.idbridge.test",
            "https://sp.idbridge.test/acs",
            "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4",
        );
        exp.input = input;
        exp.request_issue_instant = Some(UnixTime::from_unix_seconds(1_772_359_200));
        let now = UnixTime::from_unix_seconds(1_772_359_230);
        let _ = spid::verify_response(spid_trust(), data, &exp, now);
        let _ = cie::verify_response(spid_trust(), data, &exp, now);
    }
}

/// An X.509 certificate: decoding, and path validation to our test PKI's
/// issuing CA, through the public API: the input is the authentication
/// certificate of a fixed Web eID token verified against that CA alone
/// (decoding, purpose, policies, dates, then the path: webpki on
/// idbridge's algorithms, budget and quirks), and a Web eID anchor.
pub fn x509_certificate(data: &[u8]) {
    static TRUST: OnceLock<Trust> = OnceLock::new();
    let trust = TRUST.get_or_init(|| {
        Trust::builder()
            .webeid_anchor(include_bytes!(
                "../../test-vectors/webeid/pki/esteid2026.cer"
            ))
            .and_then(|b| b.build())
            .unwrap_or_default()
    });
    let token = serde_json::json!({
        "unverifiedCertificate": base64::engine::general_purpose::STANDARD.encode(data),
        "algorithm": "ES384",
        "signature": "AAAA",
        "format": "web-eid:1.0",
        "appVersion": "https://web-eid.eu/web-eid-app/releases/2.5.0",
    })
    .to_string();
    let exp = webeid::Expectations::new(
        "https://rp.idbridge.test",
        "A+n4OagGZruk8XYEl5FyPtaLI9Q7EilWaobazc04/5w=",
    );
    let _ = webeid::verify_token(
        trust,
        token.as_bytes(),
        &exp,
        UnixTime::from_unix_seconds(1_788_256_800),
    );
    let _ = Trust::builder().webeid_anchor(data);
}

/// IdP metadata, pinned.
pub fn saml_metadata(data: &[u8]) {
    let _ = Trust::builder().pin_saml_idp_metadata(data);
}

/// An OCSP response for a fixed certificate pair of our test PKI.
pub fn ocsp_response(data: &[u8]) {
    let _ = idbridge::ocsp::check_response_der(
        crypto::default_backend(),
        data,
        include_bytes!("../../test-vectors/webeid/pki/auth-p384.cer"),
        include_bytes!("../../test-vectors/webeid/pki/esteid2026.cer"),
        None,
        None,
        UnixTime::from_unix_seconds(1_780_000_000),
        &idbridge::ocsp::OcspPolicy::default(),
    );
}

/// XML parsing and exclusive c14n; every canonical form must be a fixed
/// point (canonicalizing it again, re-parsed, gives the same bytes).
pub fn xml_c14n(data: &[u8]) {
    const MAX_APEXES: usize = 64;
    let limits = Limits::default()
        .tighten_max_input_bytes(256 * 1024)
        .tighten_max_xml_nodes(20_000);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = Document::parse(text, &limits) else {
        return;
    };
    let fixed_point = |canonical: &[u8], options: &Options<'_>, document: bool| {
        let text = std::str::from_utf8(canonical).expect("canonical output is UTF-8");
        let doc = Document::parse(text, &Limits::default()).expect("canonical output parses");
        let again = if document {
            doc.canonicalize(options)
        } else {
            doc.root_element().canonicalize(options)
        };
        let again = again.expect("canonical output canonicalizes");
        assert_eq!(canonical, &again[..], "not a fixed point");
    };
    let lists: [&[&str]; 3] = [&[], &["#default", "a", "xsd"], &["b", "xml", ""]];
    for (i, apex) in doc.elements().take(MAX_APEXES).enumerate() {
        let mut options = Options::default();
        options.with_comments = i % 2 == 1;
        options.inclusive_prefixes = lists.get(i % lists.len()).copied().unwrap_or(&[]);
        if let Ok(canonical) = apex.canonicalize(&options) {
            fixed_point(&canonical, &options, false);
        }
        if let Some(child) = apex.children().next() {
            let _ = apex.canonicalize_without(child, &options);
        }
    }
    for with_comments in [false, true] {
        let mut options = Options::default();
        options.with_comments = with_comments;
        if let Ok(canonical) = doc.canonicalize(&options) {
            fixed_point(&canonical, &options, true);
        }
    }
}

/// The JOSE key set of the `jose_compact` target: RFC 7515 A.2's RSA key
/// and A.3's P-256 key, each without a `kid` and as `a2`/`a3`.
#[cfg(feature = "jose")]
fn jose_keys() -> &'static idbridge::jose::JwkSet {
    static K: OnceLock<idbridge::jose::JwkSet> = OnceLock::new();
    K.get_or_init(|| {
        let rsa = r#""kty":"RSA","e":"AQAB","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ""#;
        let ec = r#""kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0""#;
        let doc = format!(
            r#"{{"keys":[{{{rsa}}},{{{ec}}},{{{rsa},"kid":"a2","use":"sig"}},{{{ec},"kid":"a3","alg":"ES256"}}]}}"#
        );
        idbridge::jose::JwkSet::from_json(doc.as_bytes()).expect("the fuzz key set parses")
    })
}

/// `jose::verify_compact` (and the JWK parsers) on arbitrary bytes. The
/// bytes go in twice: as a compact JWS as they are, and split at the first
/// two newlines into header JSON, payload JSON and signature, each
/// base64url-encoded into a token (so the fuzzer reaches the JSON checks).
/// Every backend must agree, with and without a required `kid`; a verified
/// token's payload is its second segment decoded, and its key is in the
/// set; a JWK (Set) that parses re-serializes to the same thumbprints.
#[cfg(feature = "jose")]
pub fn jose_compact(data: &[u8]) {
    use idbridge::jose::{self, Jwk, JwkSet, JwsOptions};
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let mut tokens = Vec::new();
    if let Ok(text) = std::str::from_utf8(data) {
        tokens.push(text.to_string());
    }
    let mut parts = data.splitn(3, |b| *b == b'\n');
    if let (Some(h), Some(p), sig) = (parts.next(), parts.next(), parts.next()) {
        tokens.push(format!("{}.{}.{}", b64(h), b64(p), b64(sig.unwrap_or(&[]))));
    }
    let keys = jose_keys();
    for token in &tokens {
        for options in [JwsOptions::new(), JwsOptions::new().require_kid()] {
            let results: Vec<_> = crypto::backends()
                .iter()
                .map(|b| jose::verify_compact(*b, keys, token, &options))
                .collect();
            let codes: Vec<_> = results
                .iter()
                .map(|r| r.as_ref().map(|_| ()).map_err(|e| e.code()))
                .collect();
            assert!(
                codes.windows(2).all(|w| w.first() == w.get(1)),
                "backends disagree: {codes:?}"
            );
            if let Some(Ok(v)) = results.first() {
                let segment = token
                    .split('.')
                    .nth(1)
                    .expect("a verified token has a payload");
                assert_eq!(
                    b64(v.payload()),
                    segment,
                    "the payload is not the signed one"
                );
                assert!(
                    keys.keys()
                        .iter()
                        .any(|k| k.thumbprint() == v.key_thumbprint()),
                    "verified under a key outside the set"
                );
            }
        }
    }
    if let Ok(set) = JwkSet::from_json(data) {
        let again = JwkSet::from_json(set.to_json().as_bytes()).expect("a set re-parses");
        assert_eq!(
            again,
            JwkSet::from_keys(set.keys().to_vec()).expect("no duplicate kid")
        );
    }
    if let Ok(jwk) = Jwk::from_json(data) {
        let again = Jwk::from_json(jwk.to_json().as_bytes()).expect("a JWK re-parses");
        assert_eq!(again.thumbprint(), jwk.thumbprint());
    }
}

/// The recipient keys of the `jose_jwe` target: RFC 7516 A.1's RSA key and
/// RFC 7518 C's P-256 key ("Bob"), public test keys.
#[cfg(feature = "jose")]
fn jwe_keys() -> &'static [idbridge::jose::DecryptionKey; 2] {
    static K: OnceLock<[idbridge::jose::DecryptionKey; 2]> = OnceLock::new();
    K.get_or_init(|| {
        let rsa = r#"{"kty":"RSA","kid":"a1","n":"oahUIoWw0K0usKNuOR6H4wkf4oBUXHTxRvgb48E-BVvxkeDNjbC4he8rUWcJoZmds2h7M70imEVhRU5djINXtqllXI4DFqcI1DgjT9LewND8MW2Krf3Spsk_ZkoFnilakGygTwpZ3uesH-PFABNIUYpOiN15dsQRkgr0vEhxN92i2asbOenSZeyaxziK72UwxrrKoExv6kc5twXTq4h-QChLOln0_mtUZwfsRaMStPs6mS6XrgxnxbWhojf663tuEQueGC-FCMfra36C9knDFGzKsNa7LZK2djYgyD3JR_MB_4NUJW_TqOQtwHYbxevoJArm-L5StowjzGy-_bq6Gw","e":"AQAB","d":"kLdtIj6GbDks_ApCSTYQtelcNttlKiOyPzMrXHeI-yk1F7-kpDxY4-WY5NWV5KntaEeXS1j82E375xxhWMHXyvjYecPT9fpwR_M9gV8n9Hrh2anTpTD93Dt62ypW3yDsJzBnTnrYu1iwWRgBKrEYY46qAZIrA2xAwnm2X7uGR1hghkqDp0Vqj3kbSCz1XyfCs6_LehBwtxHIyh8Ripy40p24moOAbgxVw3rxT_vlt3UVe4WO3JkJOzlpUf-KTVI2Ptgm-dARxTEtE-id-4OJr0h-K-VFs3VSndVTIznSxfyrj8ILL6MG_Uv8YAu7VILSB3lOW085-4qE3DzgrTjgyQ","p":"1r52Xk46c-LsfB5P442p7atdPUrxQSy4mti_tZI3Mgf2EuFVbUoDBvaRQ-SWxkbkmoEzL7JXroSBjSrK3YIQgYdMgyAEPTPjXv_hI2_1eTSPVZfzL0lffNn03IXqWF5MDFuoUYE0hzb2vhrlN_rKrbfDIwUbTrjjgieRbwC6Cl0","q":"wLb35x7hmQWZsWJmB_vle87ihgZ19S8lBEROLIsZG4ayZVe9Hi9gDVCOBmUDdaDYVTSNx_8Fyw1YYa9XGrGnDew00J28cRUoeBB_jKI1oma0Orv1T9aXIWxKwd4gvxFImOWr3QRL9KEBRzk2RatUBnmDZJTIAfwTs0g68UZHvtc","dp":"ZK-YwE7diUh0qR1tR7w8WHtolDx3MZ_OTowiFvgfeQ3SiresXjm9gZ5KLhMXvo-uz-KUJWDxS5pFQ_M0evdo1dKiRTjVw_x4NyqyXPM5nULPkcpU827rnpZzAJKpdhWAgqrXGKAECQH0Xt4taznjnd_zVpAmZZq60WPMBMfKcuE","dq":"Dq0gfgJ1DdFGXiLvQEZnuKEN0UUmsJBxkjydc3j4ZYdBiMRAy86x0vHCjywcMlYYg4yoC4YZa9hNVcsjqA3FeiL19rk8g6Qn29Tt0cj8qqyFpz9vNDBUfCAiJVeESOjJDZPYHdHY8v1b-o-Z2X5tvLx-TCekf7oxyeKDUqKWjis","qi":"VIMpMYbPf47dT1w_zDUXfPimsSegnMOA1zTaX7aGk_8urY6R8-ZW1FxU7AlWAyLWybqq6t16VFd7hQd0y6flUK4SlOydB61gwanOsXGOAOv82cHq0E3eL4HrtZkUuKvnPrMnsUUFlfUdybVzxyjz9JF_XyaY14ardLSjf4L_FNY"}"#;
        let ec = r#"{"kty":"EC","crv":"P-256","kid":"bob","x":"weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ","y":"e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck","d":"VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw"}"#;
        let key = |text: &str| {
            idbridge::jose::DecryptionKey::from_jwk_json(text.as_bytes())
                .expect("the fuzz JWE keys parse")
        };
        [key(rsa), key(ec)]
    })
}

/// `jose::decrypt_compact` (and the private-JWK parser) on arbitrary bytes.
/// The bytes go in as a compact JWE as they are, and split at the first
/// four newlines into a header JSON, encrypted key, IV, ciphertext and tag,
/// each base64url-encoded into a token (so the fuzzer reaches the header and
/// length checks). Invariants: every failure is a JWE code or
/// `input.too_large`; the same input gives the same answer twice (implicit
/// rejection is deterministic); a decrypted token's alg and enc are its
/// header's and on the allow-list, its plaintext no longer than its
/// ciphertext, and an allow-list without its alg refuses it; a private JWK
/// that parses shows none of its `d` in `Debug`. Natively, the bytes are
/// also encrypted to each key (alg and enc chosen by the first byte) and
/// must decrypt to themselves.
#[cfg(feature = "jose")]
pub fn jose_jwe(data: &[u8]) {
    use idbridge::jose::{self, JweAlg, JweOptions, PrivateJwk};
    const CODES: [&str; 4] = [
        "jwe.malformed",
        "jwe.algorithm.forbidden",
        "jwe.decryption.failed",
        "input.too_large",
    ];
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let mut tokens = Vec::new();
    if let Ok(text) = std::str::from_utf8(data) {
        tokens.push(text.to_string());
    }
    let parts: Vec<&[u8]> = data.splitn(5, |b| *b == b'\n').collect();
    if parts.len() >= 2 {
        let seg = |i: usize| b64(parts.get(i).copied().unwrap_or(&[]));
        tokens.push(format!(
            "{}.{}.{}.{}.{}",
            seg(0),
            seg(1),
            seg(2),
            seg(3),
            seg(4)
        ));
    }
    let options = JweOptions::new();
    for token in &tokens {
        for key in jwe_keys() {
            let first = jose::decrypt_compact(key, token, &options);
            let second = jose::decrypt_compact(key, token, &options);
            match (&first, &second) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.plaintext(), b.plaintext(), "two decryptions differ");
                    assert_eq!(a.header().alg(), a.alg().name());
                    assert_eq!(a.header().enc(), a.enc().name());
                    assert!(options.allows_alg(a.alg()) && options.allows_enc(a.enc()));
                    let ciphertext = token.split('.').nth(3).expect("five segments");
                    assert!(a.plaintext().len() <= ciphertext.len() * 3 / 4);
                    let others: Vec<JweAlg> =
                        JweAlg::ALL.into_iter().filter(|x| *x != a.alg()).collect();
                    let refused =
                        jose::decrypt_compact(key, token, &JweOptions::new().allow_algs(&others));
                    assert_eq!(
                        refused.map(|_| ()).map_err(|e| e.code()),
                        Err("jwe.algorithm.forbidden")
                    );
                }
                (Err(a), Err(b)) => {
                    assert_eq!(a, b, "two failures differ");
                    assert!(CODES.contains(&a.code()), "unexpected code {}", a.code());
                }
                _ => panic!("the same token decrypted once and failed once"),
            }
        }
    }
    if let Ok(key) = PrivateJwk::from_json(data) {
        let shown = format!("{key:?}");
        let again = idbridge::jose::Jwk::from_json(key.public_jwk().to_json().as_bytes())
            .expect("a private JWK's public half re-parses");
        assert_eq!(again.thumbprint(), key.public_jwk().thumbprint());
        if let Ok(text) = std::str::from_utf8(data) {
            if let Some(d) = text.split("\"d\":\"").nth(1).and_then(|r| r.get(..12)) {
                assert!(!shown.contains(d), "Debug shows the secret");
            }
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(first) = data.first() {
        use idbridge::jose::JweEnc;
        let enc = JweEnc::ALL
            .get(usize::from(*first) % JweEnc::ALL.len())
            .copied()
            .unwrap_or(JweEnc::A128Gcm);
        let second = *first / 8 % 2 == 1;
        for (key, alg) in jwe_keys().iter().zip([
            if second {
                JweAlg::RsaOaep256
            } else {
                JweAlg::RsaOaep
            },
            if second {
                JweAlg::EcdhEsA128Kw
            } else {
                JweAlg::EcdhEs
            },
        ]) {
            let token = jose::encrypt_compact(key.public_jwk(), alg, enc, data, &[])
                .expect("encryption to a suitable key succeeds");
            let jwe = jose::decrypt_compact(key, &token, &options)
                .expect("what idbridge encrypts, it decrypts");
            assert_eq!(jwe.plaintext(), data);
        }
    }
}

#[cfg(feature = "oidc")]
fn federation_trust() -> &'static idbridge::oidc::federation::FederationTrust {
    use idbridge::jose::JwkSet;
    use idbridge::oidc::federation::FederationTrust;
    static T: OnceLock<FederationTrust> = OnceLock::new();
    T.get_or_init(|| {
        let jwks = |bytes: &[u8]| JwkSet::from_json(bytes).expect("the fuzz key sets parse");
        FederationTrust::new()
            .with_anchor(
                "http://127.0.0.1:8000/",
                jwks(include_bytes!(
                    "../../test-vectors/conformance/oidc-trust-chain/upstream/jwks/ta-127.0.0.1-8000.jwks.json"
                )),
            )
            .with_trust_mark_issuer(
                "http://127.0.0.1:8001/",
                jwks(include_bytes!(
                    "../../test-vectors/conformance/oidc-trust-chain/upstream/jwks/sa-127.0.0.1-8001.jwks.json"
                )),
            )
    })
}

/// OpenID Federation: `verify_chain_document` on arbitrary bytes (as a
/// chain document, and as one statement per line) against the
/// spid-cie-oidc-django example federation's anchor on every backend (they
/// must agree; a verified chain is the one given, its expiry the earliest
/// `exp`), and the sans-IO resolver fed the bytes as every body it asks
/// for (it must end within its fetch limit).
#[cfg(feature = "oidc")]
pub fn oidc_federation(data: &[u8]) {
    use idbridge::oidc::federation::{self, ChainOptions, Resolver};
    let trust = federation_trust();
    let now = UnixTime::from_unix_seconds(1_650_729_000); // 2022-04-23T15:50:00Z
    let options = ChainOptions::new()
        .allow_http(true)
        .require_trust_mark("https://registry.agid.gov.it/openid_provider/public/");
    let mut documents = vec![data.to_vec()];
    if let Ok(text) = std::str::from_utf8(data) {
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() > 1 {
            documents.push(
                serde_json::json!({ "statements": lines })
                    .to_string()
                    .into_bytes(),
            );
        }
    }
    for doc in &documents {
        for options in [options.clone(), ChainOptions::new().allow_http(true)] {
            let results: Vec<_> = crypto::backends()
                .iter()
                .map(|b| federation::verify_chain_document(*b, trust, doc, &options, now))
                .collect();
            let codes: Vec<_> = results
                .iter()
                .map(|r| r.as_ref().map(|_| ()).map_err(|e| e.code()))
                .collect();
            assert!(
                codes.windows(2).all(|w| w.first() == w.get(1)),
                "backends disagree: {codes:?}"
            );
            if let Some(Ok(chain)) = results.first() {
                let given = federation::parse_chain_document(doc, &options)
                    .expect("a verified document parses");
                assert_eq!(chain.statements(), &given[..], "not the chain given");
                assert!(chain.expires_at() > now, "an expired chain verified");
                let _ = chain.identity_attributes();
            }
        }
    }
    let mut resolver = Resolver::new(trust, "http://127.0.0.1:8000/oidc/op/", options);
    let mut asked = 0usize;
    while resolver.next_request().is_some() {
        asked += 1;
        assert!(
            asked <= 64,
            "the resolver asks for more than its fetch limit"
        );
        if resolver.provide(Some(data)).is_err() {
            break;
        }
    }
    let _ = resolver.finish(crypto::default_backend(), trust, now);
}

/// A Mobile-ID session-status response (`mobileid`): parsed and checked
/// twice with the same result, against SK's test CA and the TestData hash;
/// every failure carries a code of the `mobile-id` kind, and only SK's two
/// genuine signatures (over that hash) can pass.
#[cfg(feature = "mobileid")]
pub fn mobileid(data: &[u8]) {
    use idbridge::crypto::HashAlg;
    use idbridge::mobileid::{self, AuthenticationHash, MobileIdTrust};
    static TRUST: OnceLock<MobileIdTrust> = OnceLock::new();
    let trust = TRUST.get_or_init(|| {
        MobileIdTrust::new()
            .with_certificate(include_bytes!(
                "../../test-vectors/conformance/mobile-id/upstream/TEST_of_ESTEID-SK_2015.pem.crt"
            ))
            .expect("the fuzz CA parses")
    });
    let sent = AuthenticationHash::from_base64(
        HashAlg::Sha512,
        "XN1Ej7bys/MlbZlDBN3GoRFv6JOJbm8/mLwulZlZQBIF/TYVsHDJiOCGx2yVaxiXbbrNmRQJcgR0AhZtTfFigQ==",
    )
    .expect("the TestData hash decodes");
    let now = idbridge::UnixTime::from_unix_seconds(1_756_720_800);
    let first = mobileid::verify_session_status(trust, data, &sent, now);
    let second = mobileid::verify_session_status(trust, data, &sent, now);
    match (&first, &second) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.identity(), b.identity());
            assert_eq!(a.identity().subject_id(), Some("PNOEE-60001019906"));
            assert_eq!(a.signed_hash(), &sent);
        }
        (Err(a), Err(b)) => {
            assert_eq!(a, b, "two failures differ");
            let code = a.code();
            assert!(
                ["mobileid.", "input.", "x509."]
                    .iter()
                    .any(|p| code.starts_with(p)),
                "unexpected code {code}"
            );
        }
        _ => panic!("the same response verified once and failed once"),
    }
}

/// SD-JWT VC: `sdjwt::verify_presentation` on arbitrary bytes as the
/// presentation (the shared suite's own issuer, key binding optional, its
/// status lists), and as the status list token of a genuine presentation
/// that names it (the Token Status List parser and inflater); on every
/// backend, which must agree; `status_reference`, the OpenID4VP body and
/// DCQL parsers and the issuer-metadata reader on the bytes too. A
/// verified presentation has no `_sd` or `...` left in its claims.
#[cfg(feature = "sdjwt")]
pub fn sdjwt(data: &[u8]) {
    use idbridge::jose::JwkSet;
    use idbridge::sdjwt::{self, Expectations, SdJwtTrust, StatusLists};
    let jwks = |bytes: &[u8]| JwkSet::from_json(bytes).expect("the fuzz key sets parse");
    let trust = SdJwtTrust::new(jwks(include_bytes!(
        "../../test-vectors/conformance/sd-jwt-vc/upstream/own/keys/issuer.jwks.json"
    )))
    .with_status_list_keys(jwks(include_bytes!(
        "../../test-vectors/conformance/sd-jwt-vc/upstream/own/keys/status-signer.jwks.json"
    )));
    let genuine = include_str!(
        "../../test-vectors/conformance/sd-jwt-vc/upstream/own/presentations/status-own-valid.txt"
    );
    let list_uri = "https://status.idbridge.test/lists/2";
    let now = UnixTime::parse_rfc3339("2026-05-01T00:00:00Z").expect("a fixed time");
    let mut expect = Expectations::new(
        "3f1d2c9a7b8e4f60a1b2c3d4e5f60718293a4b5c",
        "https://rp.idbridge.test",
    );
    expect.key_binding = idbridge::sdjwt::KeyBinding::Optional;
    let own_list = StatusLists::new().with(
        list_uri,
        include_bytes!(
            "../../test-vectors/conformance/sd-jwt-vc/upstream/own/status/list-2bit.jwt"
        )
        .to_vec(),
    );
    let fuzzed_list = StatusLists::new().with(list_uri, data.to_vec());
    let mut runs: Vec<(&str, &StatusLists)> = vec![(genuine, &fuzzed_list)];
    if let Ok(text) = std::str::from_utf8(data) {
        runs.push((text, &own_list));
        let _ = sdjwt::status_reference(text, &Limits::default());
    }
    // The OpenID4VP body and DCQL parsers and the issuer-metadata reader on
    // the same bytes: codes, never a panic.
    {
        use idbridge::sdjwt::openid4vp::{AuthorizationResponse, BodyEncoding, DcqlQuery};
        let limits = Limits::default();
        for encoding in [BodyEncoding::Form, BodyEncoding::Json] {
            if let Ok(r) = AuthorizationResponse::from_direct_post(data, encoding, &limits) {
                assert!(r.presentations("").len() <= 64);
            }
        }
        let _ = DcqlQuery::from_json(data, &limits);
        let _ = SdJwtTrust::from_issuer_metadata(data, &limits);
    }
    for (presentation, lists) in runs {
        let results: Vec<_> = crypto::backends()
            .iter()
            .map(|b| sdjwt::verify_presentation(*b, presentation, &trust, lists, &expect, now))
            .collect();
        let codes: Vec<_> = results
            .iter()
            .map(|r| r.as_ref().map(|_| ()).map_err(|e| e.code()))
            .collect();
        assert!(
            codes.windows(2).all(|w| w.first() == w.get(1)),
            "backends disagree: {codes:?}"
        );
        if let Some(Ok(v)) = results.first() {
            let text = serde_json::Value::Object(v.claims().clone()).to_string();
            assert!(
                !text.contains("\"_sd\""),
                "a verified presentation kept _sd"
            );
        }
    }
}

/// The single-logout verifiers of the SP side (`saml_sp`, native only),
/// in the context of `test-vectors/saml-logout` against our test IdP: the
/// input as an IdP's `LogoutResponse` and IdP-initiated `LogoutRequest`
/// over HTTP-POST (raw XML and base64), and as the query string of both
/// over HTTP-Redirect. An accepted message is the IdP's, answers our
/// request or names our session.
#[cfg(not(target_arch = "wasm32"))]
pub fn saml_logout(data: &[u8]) {
    use idbridge::saml_sp::{self as sp, LogoutExpectations, LogoutSession, SentLogout};
    let registry = spid_trust().idp_registry();
    let sent = SentLogout {
        id: "_req1".into(),
        issue_instant: UnixTime::from_unix_seconds(1_772_362_800), // 2026-03-01T11:00:00Z
        idp_entity_id: LOGOUT_IDP.into(),
    };
    let session = LogoutSession {
        idp_entity_id: LOGOUT_IDP,
        session_index: "_sess1",
        name_id: Some("_name1"),
    };
    let now = UnixTime::from_unix_seconds(1_772_362_810);
    let mut exp = LogoutExpectations::new(LOGOUT_SP, LOGOUT_SLO);
    let response_ok = |r: sp::VerifiedLogoutResponse| {
        assert_eq!(
            r.idp_entity_id, LOGOUT_IDP,
            "a LogoutResponse of another IdP"
        );
    };
    let request_ok = |r: sp::VerifiedLogoutRequest| {
        assert_eq!(
            r.idp_entity_id, LOGOUT_IDP,
            "a LogoutRequest of another IdP"
        );
        assert_eq!(r.name_id, "_name1", "a LogoutRequest for another NameID");
        assert!(
            r.session_indexes.iter().any(|s| s == "_sess1"),
            "a LogoutRequest for another session"
        );
    };
    for input in [spid::InputEncoding::Xml, spid::InputEncoding::Base64] {
        exp.input = input;
        if let Ok(r) = sp::verify_logout_response(registry, data, &exp, &sent, now) {
            response_ok(r);
        }
        if let Ok(r) = sp::verify_logout_request(registry, data, &exp, &session, now) {
            request_ok(r);
        }
    }
    if let Ok(query) = std::str::from_utf8(data) {
        if let Ok(r) = sp::verify_logout_response_redirect(registry, query, &exp, &sent, now) {
            response_ok(r);
        }
        if let Ok(r) = sp::verify_logout_request_redirect(registry, query, &exp, &session, now) {
            request_ok(r);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
const LOGOUT_IDP: &str = "https://idp.idbridge.test/spid";
#[cfg(not(target_arch = "wasm32"))]
const LOGOUT_SP: &str = "https://sp.example.it";
#[cfg(not(target_arch = "wasm32"))]
const LOGOUT_SLO: &str = "https://sp.example.it/slo";

/// The seeds of `saml_logout` (`fuzz/seeds/saml_logout/`), rebuilt: the
/// test IdP's (test-vectors/keys/rsa2048) accepted messages, a
/// `LogoutResponse` and a `LogoutRequest`, as signed XML (HTTP-POST) and as
/// signed query strings (HTTP-Redirect). PKCS#1 v1.5 signatures are
/// deterministic, so the files are reproducible byte for byte.
#[cfg(not(target_arch = "wasm32"))]
pub fn saml_logout_seeds() -> Vec<(&'static str, Vec<u8>)> {
    use idbridge::saml_sp::{LogoutRequest, LogoutResponse, SpCredential};
    let pem = include_str!("../../test-vectors/keys/rsa2048.pk8.pem");
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("test-vectors/keys/rsa2048.pk8.pem is base64");
    let signer =
        crypto::RustCryptoSigner::from_pkcs8_der(&der).expect("rsa2048 is a PKCS#8 RSA key");
    let cred = SpCredential::new(
        &signer,
        include_bytes!("../../test-vectors/xmldsig/certs/rsa2048.pem"),
    )
    .expect("rsa2048.pem is the key's certificate");
    let at = UnixTime::from_unix_seconds(1_772_362_805); // 2026-03-01T11:00:05Z
                                                         // The IdP writes these; the SP's builders write the same shapes.
    let response = LogoutResponse {
        sp_entity_id: LOGOUT_IDP.into(),
        destination: LOGOUT_SLO.into(),
        id: "_resp1".into(),
        issue_instant: at,
        in_response_to: "_req1".into(),
        success: true,
    };
    let request = LogoutRequest::new(
        LOGOUT_IDP, LOGOUT_SLO, "_idpreq", at, LOGOUT_IDP, "_name1", "_sess1",
    );
    let query = |url: String| {
        url.split_once('?')
            .map(|(_, q)| q.to_owned())
            .expect("a Redirect URL has a query")
    };
    vec![
        (
            "response-post.xml",
            response.signed_xml(&cred).expect("signs").into_bytes(),
        ),
        (
            "request-post.xml",
            request.signed_xml(&cred).expect("signs").into_bytes(),
        ),
        (
            "response-redirect.txt",
            query(response.redirect_url(&cred, "rs").expect("signs")).into_bytes(),
        ),
        (
            "request-redirect.txt",
            query(request.redirect_url(&cred, "rs").expect("signs")).into_bytes(),
        ),
    ]
}

/// A Smart-ID session-status response (`smartid`): checked twice with the
/// same result against the shared suite's own TEST CA and request values
/// (ACSP_V2, with the Web2App verifier); every failure carries a code of
/// the `smart-id` kind, and only the suite's own signed responses (QR and
/// Web2App, unknown members aside) can pass.
#[cfg(feature = "smartid")]
pub fn smartid(data: &[u8]) {
    use idbridge::smartid::{self, Expected, SmartIdTrust};
    static TRUST: OnceLock<SmartIdTrust> = OnceLock::new();
    let trust = TRUST.get_or_init(|| {
        SmartIdTrust::new()
            .with_certificate(include_bytes!(
                "../../test-vectors/conformance/smart-id/upstream/own_TEST_SmartID_CA.der"
            ))
            .expect("the fuzz CA parses")
    });
    let expected = Expected::authentication(
        "xnjZ3irCUODkqHtNT74/Irw2ZHW/Lv8sG/b5HS+L9lKffM2SWmsY9k4g2gcwVg6aN3DAj54ciyLff+ilTwIVCA==",
        "DEMO",
        "W3sidHlwZSI6ImRpc3BsYXlUZXh0QW5kUElOIiwiZGlzcGxheVRleHQ2MCI6IkxvZyBpbiB0byBpZGJyaWRnZT8ifV0=",
    )
    .with_initial_callback_url("https://rp.example.org/callback?value=Zm9v")
    .with_user_challenge_verifier("idbridge-user-challenge-verifier-0000000000");
    let now = idbridge::UnixTime::from_unix_seconds(1_756_720_800);
    let first = smartid::verify_session_status(trust, data, &expected, now);
    let second = smartid::verify_session_status(trust, data, &expected, now);
    match (&first, &second) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.identity(), b.identity());
            assert_eq!(a.identity().subject_id(), Some("PNOEE-40504040001"));
        }
        (Err(a), Err(b)) => {
            assert_eq!(a, b, "two failures differ");
            let code = a.code();
            assert!(
                ["smartid.", "input.", "x509."]
                    .iter()
                    .any(|p| code.starts_with(p)),
                "unexpected code {code}"
            );
        }
        _ => panic!("the same response verified once and failed once"),
    }
}

/// CBOR (`cbor`): parsed twice with the same result; a parsed item's spans
/// lie inside the input, the root's is the whole input, and its diagnostic
/// notation is written; every failure is a `cbor.*` code.
#[cfg(feature = "mdoc")]
pub fn cbor(data: &[u8]) {
    use idbridge::cbor::Document;
    let limits = Limits::default();
    let first = Document::parse(data, &limits);
    let second = Document::parse(data, &limits);
    match (&first, &second) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.root().raw(), data);
            assert_eq!(b.root().span(), 0..data.len());
            let text = idbridge::cbor::diagnostic(a);
            assert_eq!(text, idbridge::cbor::diagnostic(b));
            for (k, v) in a.root().entries() {
                assert!(k.span().end <= data.len() && v.span().end <= data.len());
            }
        }
        (Err(a), Err(b)) => {
            assert_eq!(a, b, "two failures differ");
            assert!(
                a.code().starts_with("cbor.") || a.code() == "input.too_large",
                "unexpected code {}",
                a.code()
            );
        }
        _ => panic!("the same bytes parsed once and failed once"),
    }
}

/// COSE (`cose`): the input as a COSE_Sign1 and as a COSE_Mac0; a message
/// that reads gives its structures; a protected header's fault is `cbor.*`.
#[cfg(feature = "mdoc")]
pub fn cose(data: &[u8]) {
    use idbridge::cbor::Document;
    use idbridge::cose::{self, CoseFault, CoseMessage};
    let limits = Limits::default();
    let Ok(doc) = Document::parse(data, &limits) else {
        return;
    };
    for read in [CoseMessage::sign1, CoseMessage::mac0] {
        match read(doc.root(), &limits) {
            Ok(m) => {
                let payload = m.payload().unwrap_or_default();
                let s = cose::sig_structure(m.protected(), &[], payload);
                assert!(
                    Document::parse(&s, &limits).is_ok(),
                    "our Sig_structure is not CBOR"
                );
                let _ = cose::verify_hmac_sha256(&[0; 32], &s, m.signature());
            }
            Err(CoseFault::Cbor(e)) => assert!(
                e.code().starts_with("cbor."),
                "unexpected code {}",
                e.code()
            ),
            Err(CoseFault::Malformed(_)) => {}
        }
    }
}

/// An mdoc DeviceResponse (`mdoc`): verified as raw CBOR and as a base64url
/// vp_token, twice each with the same result, against the own TEST IACA
/// and the Annex D SessionTranscript (deviceMac allowed with the Annex D
/// reader key); every failure carries a code of the `mdoc` kind.
#[cfg(feature = "mdoc")]
pub fn mdoc(data: &[u8]) {
    use idbridge::mdoc::{
        self, DeviceMac, Expectations, Handover, InputEncoding, MdocTrust, ReaderKey,
    };
    static TRUST: OnceLock<MdocTrust> = OnceLock::new();
    static EXP: OnceLock<Expectations> = OnceLock::new();
    let trust = TRUST.get_or_init(|| {
        MdocTrust::new()
            .with_iaca(include_bytes!(
                "../../test-vectors/conformance/mdoc/upstream/own/certs/iaca-p256.pem"
            ))
            .expect("the fuzz IACA parses")
    });
    let exp = EXP.get_or_init(|| {
        // The ISO/IEC 18013-5 Annex D SessionTranscript (the own proximity cases').
        let transcript = concat!(
            "83d8185858a20063312e30018201d818584ba4010220012158205a88d182bce5f42efa59943f33359d2e8a",
            "968ff289d93e5fa444b624343167fe225820b16e8cf858ddc7690407ba61d4c338237a8cfcf3de6aa672fc",
            "60a557aa32fc67d818584ba40102200121582060e3392385041f51403051f2415531cb56dd3f999c716870",
            "13aac6768bc8187e225820e58deb8fdbe907f7dd5368245551a34796f7d2215c440c339bb0f7b67beccdfa",
            "8258c391020f487315d10209616301013001046d646f631a200c016170706c69636174696f6e2f766e642e",
            "626c7565746f6f74682e6c652e6f6f6230081b28128b37282801021c015c1e580469736f2e6f72673a3138",
            "3031333a646576696365656e676167656d656e746d646f63a20063312e30018201d818584ba40102200121",
            "58205a88d182bce5f42efa59943f33359d2e8a968ff289d93e5fa444b624343167fe225820b16e8cf858dd",
            "c7690407ba61d4c338237a8cfcf3de6aa672fc60a557aa32fc6758cd91022548721591020263720102110",
            "204616301013000110206616301036e6663005102046163010157001a201e016170706c69636174696f6e",
            "2f766e642e626c7565746f6f74682e6c652e6f6f6230081b28078080bf2801021c021107c832fff6d26fa0",
            "beb34dfcd555d4823a1c11010369736f2e6f72673a31383031333a6e66636e6663015a172b016170706c69",
            "636174696f6e2f766e642e7766612e6e616e57030101032302001324fec9a70b97ac9684a4e326176ef5b9",
            "81c5e8533e5f00298cfccbc35e700a6b020414",
        );
        let bytes: Vec<u8> = (0..transcript.len() / 2)
            .filter_map(|i| transcript.get(2 * i..2 * i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect();
        let mut exp = Expectations::new("eu.europa.ec.eudi.pid.1", Handover::SessionTranscript(bytes));
        exp.device_mac = DeviceMac::Allowed(
            ReaderKey::from_pkcs8(include_bytes!(
                "../../test-vectors/conformance/mdoc/upstream/public/iso-18013-5-annex-d/reader-ephemeral-key.pem"
            ))
            .expect("the Annex D reader key parses"),
        );
        exp
    });
    let now = UnixTime::from_unix_seconds(1_777_593_600);
    for input in [InputEncoding::Cbor, InputEncoding::Base64url] {
        let mut exp = exp.clone();
        exp.input = input;
        let backend = crypto::default_backend();
        let first = mdoc::verify_device_response(backend, trust, data, &exp, now);
        let second = mdoc::verify_device_response(backend, trust, data, &exp, now);
        match (&first, &second) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.identity(), b.identity());
                assert_eq!(a.doc_types(), ["eu.europa.ec.eudi.pid.1"]);
            }
            (Err(a), Err(b)) => {
                assert_eq!(a, b, "two failures differ");
                let code = a.code();
                assert!(
                    ["mdoc.", "cbor.", "input.", "x509."]
                        .iter()
                        .any(|p| code.starts_with(p)),
                    "unexpected code {code}"
                );
            }
            _ => panic!("the same response verified once and failed once"),
        }
    }
}

/// A target's body.
pub type Body = fn(&[u8]);

/// Every target, by name (as in `fuzz/Cargo.toml`).
pub const TARGETS: &[(&str, Body)] = &[
    ("spki", spki),
    ("signature", signature),
    ("vector_file", vector_file),
    ("webeid_token", webeid_token),
    ("saml_response", saml_response),
    ("saml_metadata", saml_metadata),
    ("x509_certificate", x509_certificate),
    ("ocsp_response", ocsp_response),
    ("xml_c14n", xml_c14n),
    #[cfg(feature = "jose")]
    ("jose_compact", jose_compact),
    #[cfg(feature = "jose")]
    ("jose_jwe", jose_jwe),
    #[cfg(feature = "oidc")]
    ("oidc_federation", oidc_federation),
    #[cfg(feature = "mobileid")]
    ("mobileid", mobileid),
    #[cfg(feature = "mdoc")]
    ("cbor", cbor),
    #[cfg(feature = "mdoc")]
    ("cose", cose),
    #[cfg(feature = "mdoc")]
    ("mdoc", mdoc),
    #[cfg(feature = "sdjwt")]
    ("sdjwt", sdjwt),
    #[cfg(not(target_arch = "wasm32"))]
    ("saml_logout", saml_logout),
    #[cfg(feature = "smartid")]
    ("smartid", smartid),
];
