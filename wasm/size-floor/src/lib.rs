//! The WASM package's dependency floor (issue 6, wasm/README.md "Size").
//!
//! Each export asks one of DESIGN.md's crates for exactly what idbridge
//! asks of it, and nothing of ours is linked: no XML-DSig, c14n, SAML or
//! Web eID rules, error texts, anchors or vectors runner. Built with the
//! package's own profile and `wasm-bindgen` + `wasm-opt -Oz` steps by
//! `wasm/size-floor.sh`, its gzipped size is the least the package could
//! weigh with these dependencies on a stable toolchain.

#![allow(unused_imports)]

use base64::Engine as _;
use der::{Decode, Encode};
use ecdsa::signature::hazmat::PrehashVerifier;
use rsa::signature::Verifier;
use rustls_pki_types::{
    CertificateDer, InvalidSignature, SignatureVerificationAlgorithm, UnixTime,
};
use wasm_bindgen::prelude::*;

#[cfg(feature = "rsa")]
/// RSASSA-PKCS1-v1_5 or RSA-PSS over SHA-256/384/512, as the RustCrypto backend.
#[wasm_bindgen]
pub fn rsa_verify(n: &[u8], e: &[u8], msg: &[u8], sig: &[u8], pss: bool, hash: u8) -> bool {
    use rsa::{pkcs1v15, pss as rpss, BigUint, RsaPublicKey};
    let Ok(key) =
        RsaPublicKey::new_with_max_size(BigUint::from_bytes_be(n), BigUint::from_bytes_be(e), 8192)
    else {
        return false;
    };
    if pss {
        let Ok(sig) = rpss::Signature::try_from(sig) else {
            return false;
        };
        match hash {
            0 => rpss::VerifyingKey::<sha2::Sha256>::new(key).verify(msg, &sig),
            1 => rpss::VerifyingKey::<sha2::Sha384>::new(key).verify(msg, &sig),
            _ => rpss::VerifyingKey::<sha2::Sha512>::new(key).verify(msg, &sig),
        }
        .is_ok()
    } else {
        let Ok(sig) = pkcs1v15::Signature::try_from(sig) else {
            return false;
        };
        match hash {
            0 => pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key).verify(msg, &sig),
            1 => pkcs1v15::VerifyingKey::<sha2::Sha384>::new(key).verify(msg, &sig),
            _ => pkcs1v15::VerifyingKey::<sha2::Sha512>::new(key).verify(msg, &sig),
        }
        .is_ok()
    }
}

#[cfg(feature = "ec")]
/// ECDSA on P-256, P-384 or P-521 over a prehash, `r ‖ s` signatures.
#[wasm_bindgen]
pub fn ecdsa_verify(curve: u8, point: &[u8], prehash: &[u8], sig: &[u8]) -> bool {
    macro_rules! on {
        ($c:ident) => {{
            let Ok(key) = $c::ecdsa::VerifyingKey::from_sec1_bytes(point) else {
                return false;
            };
            let Ok(sig) = $c::ecdsa::Signature::from_slice(sig) else {
                return false;
            };
            key.verify_prehash(prehash, &sig).is_ok()
        }};
    }
    match curve {
        0 => on!(p256),
        1 => on!(p384),
        _ => on!(p521),
    }
}

/// SHA-1 and SHA-2 digests (reference digests, CertIDs, JWS).
#[wasm_bindgen]
pub fn digest(alg: u8, msg: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    match alg {
        0 => sha1::Sha1::digest(msg).to_vec(),
        1 => sha2::Sha256::digest(msg).to_vec(),
        2 => sha2::Sha384::digest(msg).to_vec(),
        _ => sha2::Sha512::digest(msg).to_vec(),
    }
}

#[cfg(feature = "asn1")]
/// A certificate and the extensions idbridge reads.
#[wasm_bindgen]
pub fn certificate(der: &[u8]) -> usize {
    use x509_cert::ext::pkix::{
        AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
        ExtendedKeyUsage, KeyUsage, SubjectAltName, SubjectKeyIdentifier,
    };
    let Ok(cert) = x509_cert::Certificate::from_der(der) else {
        return 0;
    };
    let mut n = cert.tbs_certificate.subject.0.len() + cert.tbs_certificate.issuer.0.len();
    for rdn in cert.tbs_certificate.subject.0.iter() {
        for atv in rdn.0.iter() {
            n += atv.value.value().len() + atv.oid.as_bytes().len();
        }
    }
    for ext in cert.tbs_certificate.extensions.iter().flatten() {
        let v = ext.extn_value.as_bytes();
        n += match ext.extn_id.as_bytes().last() {
            Some(19) => BasicConstraints::from_der(v)
                .map(|b| usize::from(b.ca))
                .unwrap_or(0),
            Some(15) => KeyUsage::from_der(v)
                .map(|k| k.0.bits() as usize)
                .unwrap_or(0),
            Some(37) => ExtendedKeyUsage::from_der(v)
                .map(|e| e.0.len())
                .unwrap_or(0),
            Some(32) => CertificatePolicies::from_der(v)
                .map(|p| p.0.len())
                .unwrap_or(0),
            Some(1) => AuthorityInfoAccessSyntax::from_der(v)
                .map(|a| a.0.len())
                .unwrap_or(0),
            Some(14) => SubjectKeyIdentifier::from_der(v)
                .map(|s| s.0.as_bytes().len())
                .unwrap_or(0),
            Some(35) => AuthorityKeyIdentifier::from_der(v)
                .map(|a| usize::from(a.key_identifier.is_some()))
                .unwrap_or(0),
            Some(17) => SubjectAltName::from_der(v).map(|s| s.0.len()).unwrap_or(0),
            _ => 0,
        };
    }
    let validity = cert.tbs_certificate.validity;
    n + validity.not_after.to_unix_duration().as_secs() as usize
        + cert.tbs_certificate.serial_number.as_bytes().len()
        + cert
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes()
            .len()
        + cert.signature.raw_bytes().len()
}

#[cfg(feature = "asn1")]
/// An OCSP response, its basic response, and a request encoded.
#[wasm_bindgen]
pub fn ocsp(response: &[u8], request_cert_id: &[u8]) -> Vec<u8> {
    use x509_ocsp::{BasicOcspResponse, CertId, OcspRequest, OcspResponse, Request, TbsRequest};
    let mut out = Vec::new();
    if let Ok(r) = OcspResponse::from_der(response) {
        out.push(r.response_status as u8);
        if let Some(bytes) = r.response_bytes {
            if let Ok(basic) = BasicOcspResponse::from_der(bytes.response.as_bytes()) {
                for single in basic.tbs_response_data.responses {
                    out.push(match single.cert_status {
                        x509_ocsp::CertStatus::Good(_) => 0,
                        x509_ocsp::CertStatus::Revoked(_) => 1,
                        x509_ocsp::CertStatus::Unknown(_) => 2,
                    });
                    out.extend_from_slice(single.cert_id.serial_number.as_bytes());
                    out.extend(
                        single
                            .this_update
                            .0
                            .to_unix_duration()
                            .as_secs()
                            .to_be_bytes(),
                    );
                }
                out.extend(basic.signature.raw_bytes());
                if let Some(certs) = basic.certs {
                    out.extend(certs.iter().map(|c| c.signature.raw_bytes().len() as u8));
                }
            }
        }
    }
    if let Ok(cert_id) = CertId::from_der(request_cert_id) {
        let req = OcspRequest {
            tbs_request: TbsRequest {
                version: Default::default(),
                requestor_name: None,
                request_list: vec![Request {
                    req_cert: cert_id,
                    single_request_extensions: None,
                }],
                request_extensions: None,
            },
            optional_signature: None,
        };
        if let Ok(der) = req.to_der() {
            out.extend(der);
        }
    }
    out
}

#[cfg(all(feature = "asn1", feature = "ec"))]
#[derive(Debug)]
struct Alg(
    rustls_pki_types::AlgorithmIdentifier,
    rustls_pki_types::AlgorithmIdentifier,
    u8,
);

#[cfg(all(feature = "asn1", feature = "ec"))]
impl SignatureVerificationAlgorithm for Alg {
    fn verify_signature(&self, key: &[u8], msg: &[u8], sig: &[u8]) -> Result<(), InvalidSignature> {
        let prehash = digest(self.2 + 1, msg);
        // webpki hands over the DER `ECDSA-Sig-Value`.
        macro_rules! on {
            ($c:ident) => {{
                let Ok(key) = $c::ecdsa::VerifyingKey::from_sec1_bytes(key) else {
                    return Err(InvalidSignature);
                };
                let Ok(sig) = $c::ecdsa::Signature::from_der(sig) else {
                    return Err(InvalidSignature);
                };
                key.verify_prehash(&prehash, &sig)
                    .map_err(|_| InvalidSignature)
            }};
        }
        match self.2 {
            0 => on!(p256),
            1 => on!(p384),
            _ => on!(p521),
        }
    }
    fn public_key_alg_id(&self) -> rustls_pki_types::AlgorithmIdentifier {
        self.0
    }
    fn signature_alg_id(&self) -> rustls_pki_types::AlgorithmIdentifier {
        self.1
    }
}

#[cfg(all(feature = "asn1", feature = "ec"))]
/// webpki path validation from an end-entity certificate to one anchor.
#[wasm_bindgen]
pub fn path(ee: &[u8], anchor: &[u8], now: u64) -> bool {
    use rustls_pki_types::alg_id;
    let algs: [&dyn SignatureVerificationAlgorithm; 3] = [
        &Alg(alg_id::ECDSA_P256, alg_id::ECDSA_SHA256, 0),
        &Alg(alg_id::ECDSA_P384, alg_id::ECDSA_SHA384, 1),
        &Alg(alg_id::ECDSA_P521, alg_id::ECDSA_SHA512, 2),
    ];
    let ta_der = CertificateDer::from(anchor);
    let Ok(ta) = webpki::anchor_from_trusted_cert(&ta_der) else {
        return false;
    };
    let ee_der = CertificateDer::from(ee);
    let Ok(cert) = webpki::EndEntityCert::try_from(&ee_der) else {
        return false;
    };
    cert.verify_for_usage(
        &algs,
        &[ta],
        &[],
        UnixTime::since_unix_epoch(core::time::Duration::from_secs(now)),
        webpki::KeyUsage::client_auth(),
        None,
        None,
    )
    .is_ok()
}

#[cfg(feature = "text")]
/// The XML parser (DTDs refused), counting elements.
#[wasm_bindgen]
pub fn xml(text: &str) -> usize {
    let opt = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 100_000,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, opt)
        .map(|d| d.descendants().filter(|n| n.is_element()).count())
        .unwrap_or(0)
}

#[cfg(feature = "text")]
/// JSON into a value tree (tokens, vector files, options).
#[wasm_bindgen]
pub fn json(text: &str) -> usize {
    serde_json::from_str::<serde_json::Value>(text)
        .map(|v| v.as_object().map_or(0, |o| o.len()))
        .unwrap_or(0)
}

#[cfg(feature = "text")]
/// Standard and URL-safe base64.
#[wasm_bindgen]
pub fn base64(text: &str, url: bool) -> Vec<u8> {
    let e = if url {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text)
    } else {
        base64::engine::general_purpose::STANDARD.decode(text)
    };
    e.unwrap_or_default()
}

#[cfg(feature = "text")]
/// RFC 3339 times.
#[wasm_bindgen]
pub fn time(text: &str) -> f64 {
    chrono::DateTime::parse_from_rfc3339(text).map_or(0.0, |t| t.timestamp() as f64)
}

#[cfg(all(
    test,
    feature = "rsa",
    feature = "ec",
    feature = "asn1",
    feature = "text"
))]
mod tests {
    //! The floor measures working code: each export does its job on the
    //! repository's own vectors.
    use super::*;

    fn vector(path: &str) -> Vec<u8> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-vectors/");
        std::fs::read(format!("{root}{path}")).unwrap_or_default()
    }

    #[test]
    fn every_export_works() {
        let token = String::from_utf8(vector("webeid/tokens/es384.token")).unwrap_or_default();
        assert!(json(&token) >= 4, "the token is a JSON object");
        let value: serde_json::Value = serde_json::from_str(&token).unwrap_or_default();
        let cert_b64 = value["unverifiedCertificate"].as_str().unwrap_or_default();
        let ee = base64(cert_b64, false);
        assert!(certificate(&ee) > 0, "the token's certificate decodes");
        let anchor = vector("webeid/pki/esteid2026.cer");
        let now = time("2026-09-01T10:00:00Z");
        assert_eq!(now, 1_788_256_800.0);
        // P-521 ECDSA through webpki: the card certificate chains to its CA,
        // and not to itself.
        assert!(path(&ee, &anchor, now as u64));
        assert!(!path(&ee, &ee, now as u64));
        assert!(xml("<a xmlns='urn:x'><b/><c>t</c></a>") == 3);
        assert_eq!(xml("<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>"), 0);
        assert_eq!(digest(1, b"abc")[..4], [0xba, 0x78, 0x16, 0xbf]);
        assert!(!rsa_verify(
            &[0xc5; 256],
            &[1, 0, 1],
            b"m",
            &[1; 256],
            false,
            0
        ));
        assert!(!ecdsa_verify(1, &[4; 97], &[0; 48], &[1; 96]));
        assert!(ocsp(&[0x30, 0x03, 0x0a, 0x01, 0x01], &[]) == vec![1]);
    }
}
