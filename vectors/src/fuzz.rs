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
        assert!(key.rsa_components().is_some() != key.ec_point().is_some());
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
    #[cfg(feature = "oidc")]
    ("oidc_federation", oidc_federation),
];
