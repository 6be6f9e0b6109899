//! A one-certificate path checked here rather than by webpki: an end-entity
//! certificate issued directly by a configured anchor whose key webpki's
//! algorithm set cannot express (brainpoolP256r1 and brainpoolP384r1).
//! The mdoc verifier takes it for an IACA on brainpool, only when the
//! caller allows brainpool; every other path still goes to
//! [`super::path::verify_path`].
//!
//! The checks are webpki's for a path of one certificate with no EKU
//! requirement (`verify_path` with `Usage::Any` and no intermediate):
//!
//! - the leaf is X.509 v3, no issuer/subjectUniqueID, its TBS signature
//!   algorithm equal to the outer one (RFC 5280 §4.1.1.2), no unknown
//!   critical extension (§4.2), the extensions webpki reads well formed,
//!   and not a CA (basicConstraints cA TRUE is refused as an end entity);
//! - an anchor whose subject is the leaf's issuer, byte for byte (§4.1.2.4),
//!   without name constraints (which only webpki applies), whose own
//!   constraints admit issuing (basicConstraints cA, keyUsage keyCertSign:
//!   [`super::path`]'s anchor rules), and whose key verifies the leaf's
//!   signature with one of webpki's algorithm identifiers: ECDSA with
//!   SHA-256, SHA-384 or SHA-512 (parameters absent), RSASSA-PKCS1-v1_5
//!   and RSASSA-PSS with SHA-2 as webpki encodes them;
//! - at most `max_signatures` candidate anchors are tried.
//!
//! The leaf's validity at now is the caller's (mdoc checks it with its
//! skew); the anchor's dates are not checked, as on the webpki path.

use super::cert::Certificate;
use super::path::Anchor;
use crate::cms::{self, tag, Seq, Tlv};
use crate::crypto::{self, Algorithm, AllowList, EcdsaEncoding, HashAlg};
use crate::error::{Error, ErrorCode, Result};
use rustls_pki_types::alg_id;

const BOOLEAN: u8 = 0x01;
const BIT_STRING: u8 = 0x03;
/// `[1]` and `[2]` IMPLICIT: issuerUniqueID, subjectUniqueID.
const UNIQUE_ID_TAGS: [u8; 4] = [0x81, 0x82, 0xA1, 0xA2];
/// id-ce (2.5.29) as OID contents, and the extensions webpki reads.
const ID_CE: [u8; 2] = [0x55, 0x1d];
const KEY_USAGE: u8 = 15;
const KNOWN_SEQUENCE_EXTENSIONS: [u8; 5] = [17, 19, 30, 31, 37];
const BASIC_CONSTRAINTS: u8 = 19;
/// The certificate-transparency SCT list (1.3.6.1.4.1.11129.2.4.2), which
/// webpki reads as an OCTET STRING whatever its criticality.
const SCT_LIST: [u8; 10] = [0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x02];

/// The parts of a leaf certificate the hop needs, borrowed from its DER.
pub(crate) struct LeafParts<'a> {
    pub tbs: &'a [u8],
    pub signature_algorithm: Tlv<'a>,
    pub signature: &'a [u8],
}

fn refused(why: &'static str) -> Error {
    Error::new(ErrorCode::X509ChainUntrusted, why)
}

fn reading(e: cms::CmsError) -> Error {
    Error::new(ErrorCode::X509ChainUntrusted, e.reason)
}

/// Splits the leaf and applies the end-entity rules of the module
/// documentation (ICAO's DS → CSCA hop applies the same, `icao::chain`).
pub(crate) fn leaf_parts(der: &[u8]) -> Result<LeafParts<'_>> {
    let cert =
        cms::read_only(der, tag::SEQUENCE, "the certificate is not a SEQUENCE").map_err(reading)?;
    let mut c = Seq::new(cert.contents);
    let tbs = c
        .next(tag::SEQUENCE, "the certificate has no tbsCertificate")
        .map_err(reading)?;
    let signature_algorithm = c
        .next(tag::SEQUENCE, "the certificate has no signatureAlgorithm")
        .map_err(reading)?;
    let bits = c
        .next(BIT_STRING, "the certificate has no signature")
        .map_err(reading)?;
    c.end("the certificate has parts after its signature")
        .map_err(reading)?;
    let signature = match bits.contents.split_first() {
        Some((0, sig)) => sig,
        _ => return Err(refused("the certificate's signature has unused bits")),
    };
    let mut t = Seq::new(tbs.contents);
    let version = t
        .optional(tag::CTX0)
        .map_err(reading)?
        .ok_or_else(|| refused("the certificate is not an X.509 v3 certificate"))?;
    let v = cms::read_only(
        version.contents,
        tag::INTEGER,
        "the certificate's version is not an INTEGER",
    )
    .map_err(reading)?;
    if v.contents != [2] {
        return Err(refused("the certificate is not an X.509 v3 certificate"));
    }
    t.next(tag::INTEGER, "the certificate has no serialNumber")
        .map_err(reading)?;
    let inner_alg = t
        .next(tag::SEQUENCE, "the certificate has no signature field")
        .map_err(reading)?;
    if inner_alg.raw != signature_algorithm.raw {
        return Err(refused(
            "the certificate's signature field differs from its signatureAlgorithm",
        ));
    }
    for what in [
        "the certificate has no issuer",
        "the certificate has no validity",
        "the certificate has no subject",
        "the certificate has no subjectPublicKeyInfo",
    ] {
        t.next(tag::SEQUENCE, what).map_err(reading)?;
    }
    for unique in UNIQUE_ID_TAGS {
        if t.optional(unique).map_err(reading)?.is_some() {
            return Err(refused("the certificate has a unique identifier"));
        }
    }
    if let Some(exts) = t.optional(tag::CTX3).map_err(reading)? {
        check_extensions(exts.contents)?;
    }
    t.end("the certificate has parts after its extensions")
        .map_err(reading)?;
    Ok(LeafParts {
        tbs: tbs.raw,
        signature_algorithm,
        signature,
    })
}

/// The leaf's extensions: none critical that webpki does not know, the
/// known ones well formed, basicConstraints not cA TRUE.
fn check_extensions(explicit: &[u8]) -> Result<()> {
    let list = cms::read_only(explicit, tag::SEQUENCE, "the extensions are not a SEQUENCE")
        .map_err(reading)?;
    let mut exts = Seq::new(list.contents);
    while let Some(ext) = exts.any().map_err(reading)? {
        if ext.tag != tag::SEQUENCE {
            return Err(refused("an extension is not a SEQUENCE"));
        }
        let mut e = Seq::new(ext.contents);
        let id = e
            .next(tag::OID, "an extension without an id")
            .map_err(reading)?;
        let critical = match e.optional(BOOLEAN).map_err(reading)? {
            None => false,
            Some(b) => match b.contents {
                [0x00] => false,
                [0xff] => true,
                _ => return Err(refused("an extension's critical flag is not a BOOLEAN")),
            },
        };
        let value = e
            .next(tag::OCTET_STRING, "an extension without a value")
            .map_err(reading)?;
        e.end("an extension with more than three parts")
            .map_err(reading)?;
        let ce = match id.contents {
            [a, b, n] if [*a, *b] == ID_CE => Some(*n),
            _ => None,
        };
        match ce {
            Some(KEY_USAGE) => {}
            Some(n) if KNOWN_SEQUENCE_EXTENSIONS.contains(&n) => {
                let v = cms::read_only(
                    value.contents,
                    tag::SEQUENCE,
                    "an extension's value is not one SEQUENCE",
                )
                .map_err(reading)?;
                if n == BASIC_CONSTRAINTS && is_ca(v.contents)? {
                    return Err(refused("the end-entity certificate is a CA certificate"));
                }
            }
            _ if id.contents == SCT_LIST => {
                cms::read_only(
                    value.contents,
                    tag::OCTET_STRING,
                    "the SCT list is not an OCTET STRING",
                )
                .map_err(reading)?;
            }
            _ if critical => {
                return Err(refused("the certificate has an unknown critical extension"))
            }
            _ => {}
        }
    }
    Ok(())
}

/// basicConstraints' cA (RFC 5280 §4.2.1.9; an explicit FALSE is read as FALSE).
fn is_ca(contents: &[u8]) -> Result<bool> {
    let mut s = Seq::new(contents);
    let ca = match s.optional(BOOLEAN).map_err(reading)? {
        None => false,
        Some(b) => match b.contents {
            [0x00] => false,
            [0xff] => true,
            _ => return Err(refused("basicConstraints cA is not a BOOLEAN")),
        },
    };
    s.optional(tag::INTEGER).map_err(reading)?;
    s.end("basicConstraints with more than two parts")
        .map_err(reading)?;
    Ok(ca)
}

/// The signature scheme of webpki's algorithm identifier `contents`.
enum Scheme {
    Ecdsa(HashAlg),
    Pkcs1(HashAlg),
    Pss(HashAlg),
}

fn scheme(contents: &[u8]) -> Option<Scheme> {
    let known = [
        (alg_id::ECDSA_SHA256, Scheme::Ecdsa(HashAlg::Sha256)),
        (alg_id::ECDSA_SHA384, Scheme::Ecdsa(HashAlg::Sha384)),
        (alg_id::ECDSA_SHA512, Scheme::Ecdsa(HashAlg::Sha512)),
        (alg_id::RSA_PKCS1_SHA256, Scheme::Pkcs1(HashAlg::Sha256)),
        (alg_id::RSA_PKCS1_SHA384, Scheme::Pkcs1(HashAlg::Sha384)),
        (alg_id::RSA_PKCS1_SHA512, Scheme::Pkcs1(HashAlg::Sha512)),
        (alg_id::RSA_PSS_SHA256, Scheme::Pss(HashAlg::Sha256)),
        (alg_id::RSA_PSS_SHA384, Scheme::Pss(HashAlg::Sha384)),
        (alg_id::RSA_PSS_SHA512, Scheme::Pss(HashAlg::Sha512)),
    ];
    known
        .into_iter()
        .find(|(id, _)| id.as_ref() == contents)
        .map(|(_, s)| s)
}

/// The anchor's signature on the leaf.
fn verify_issued(
    backend: &dyn crypto::Backend,
    leaf: &LeafParts<'_>,
    anchor: &Anchor,
) -> Result<()> {
    let bad_sig = || refused("the anchor's signature on the certificate does not verify");
    let scheme = scheme(leaf.signature_algorithm.contents).ok_or_else(|| {
        refused("the certificate is signed with an algorithm the path check does not take")
    })?;
    if let Some(key) = anchor.key() {
        let algorithm = match scheme {
            Scheme::Ecdsa(hash) => {
                let (curve, _) = key
                    .ec_point()
                    .ok_or_else(|| refused("an ECDSA signature by a non-EC anchor"))?;
                Algorithm::Ecdsa {
                    curve,
                    hash,
                    encoding: EcdsaEncoding::Der,
                }
            }
            Scheme::Pkcs1(hash) => Algorithm::RsaPkcs1v15(hash),
            Scheme::Pss(hash) => Algorithm::RsaPss(hash),
        };
        return crypto::verify_with_key(
            backend,
            AllowList::all(),
            algorithm,
            key,
            leaf.tbs,
            leaf.signature,
        )
        .map_err(|_| bad_sig());
    }
    let key = match crypto::brainpool_key(&anchor.cert.spki_der) {
        Some(Ok(key)) => key,
        _ => return Err(refused("the anchor's key is not one idbridge verifies")),
    };
    let Scheme::Ecdsa(hash) = scheme else {
        return Err(refused("a brainpool anchor with a non-ECDSA signature"));
    };
    crypto::verify_brainpool(&key, hash, leaf.tbs, leaf.signature).map_err(|_| bad_sig())
}

/// The anchor among `anchors` that issued `leaf` directly (the module
/// documentation's rules), trying at most `max_signatures` signatures.
pub(crate) fn issuing_anchor<'a>(
    backend: &dyn crypto::Backend,
    leaf: &Certificate,
    anchors: &'a [Anchor],
    max_signatures: usize,
) -> Result<&'a Anchor> {
    if anchors.is_empty() {
        return Err(refused("no trust anchor is configured"));
    }
    let parts = leaf_parts(&leaf.der)?;
    let mut last = refused("no configured anchor has the certificate's issuer name");
    let mut budget = max_signatures;
    for anchor in anchors
        .iter()
        .filter(|a| a.cert.subject_der == leaf.issuer_der)
    {
        if anchor.has_name_constraints() {
            last = refused("the anchor has name constraints, which only the webpki path applies");
            continue;
        }
        if let Err(why) = anchor.admits(&[]) {
            last = Error::with_detail(ErrorCode::X509ChainUntrusted, why);
            continue;
        }
        budget = budget
            .checked_sub(1)
            .ok_or_else(|| refused("more candidate anchors than the signature budget"))?;
        match verify_issued(backend, &parts, anchor) {
            Ok(()) => return Ok(anchor),
            Err(e) => last = e,
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    const CSCA_BP256: &[u8] = include_bytes!("../../test-vectors/icao/csca-bp256.der");
    const NO_KCS: &[u8] = include_bytes!("../../test-vectors/icao/csca-bp256-no-kcs.der");
    const BY_BP256: &[u8] = include_bytes!("../../test-vectors/icao/ds-p256-by-bp256.der");
    const CA_DS: &[u8] = include_bytes!("../../test-vectors/icao/ds-p256-by-bp256-ca.der");
    const CRIT_DS: &[u8] = include_bytes!("../../test-vectors/icao/ds-p256-by-bp256-crit.der");
    const CSCA_RSA: &[u8] = include_bytes!("../../test-vectors/icao/csca-rsa2048.der");
    const DS_RSA: &[u8] = include_bytes!("../../test-vectors/icao/ds-rsa2048.der");

    fn anchor(der: &[u8]) -> Anchor {
        Anchor::from_der(der).unwrap()
    }

    fn why(leaf: &[u8], anchors: &[Anchor]) -> String {
        let backend = crypto::default_backend();
        let leaf = Certificate::from_der(leaf).unwrap();
        let e = issuing_anchor(backend, &leaf, anchors, 16).unwrap_err();
        assert_eq!(e.code(), "x509.chain.untrusted");
        e.to_string()
    }

    #[test]
    fn a_brainpool_anchor_issues_and_every_rule_fails_closed() {
        let backend = crypto::default_backend();
        let leaf = Certificate::from_der(BY_BP256).unwrap();
        let anchors = [anchor(CSCA_RSA), anchor(CSCA_BP256)];
        let found = issuing_anchor(backend, &leaf, &anchors, 16).unwrap();
        assert_eq!(found.cert.der, CSCA_BP256);
        // RSA (webpki's PKCS#1 or PSS identifiers) through the same hop.
        let rsa = Certificate::from_der(DS_RSA).unwrap();
        assert!(issuing_anchor(backend, &rsa, &anchors, 16).is_ok());
        // No budget, no anchor, another anchor's name, no keyCertSign.
        assert!(issuing_anchor(backend, &leaf, &anchors, 0).is_err());
        assert!(why(BY_BP256, &[]).contains("no trust anchor"));
        assert!(why(BY_BP256, &[anchor(CSCA_RSA)]).contains("issuer name"));
        assert!(why(BY_BP256, &[anchor(NO_KCS)]).contains("keyCertSign"));
        // A CA certificate, an unknown critical extension.
        assert!(why(CA_DS, &anchors).contains("is a CA certificate"));
        assert!(why(CRIT_DS, &anchors).contains("unknown critical extension"));
        // The anchor's signature, one bit changed.
        let mut forged = BY_BP256.to_vec();
        *forged.last_mut().unwrap() ^= 1;
        assert!(why(&forged, &anchors).contains("does not verify"));
    }

    #[test]
    fn end_entity_rules_are_read_from_the_leaf() {
        let patched = |from: &[u8], to: &[u8]| {
            let at = BY_BP256
                .windows(from.len())
                .position(|w| w == from)
                .unwrap();
            let mut out = BY_BP256.to_vec();
            out[at..at + to.len()].copy_from_slice(to);
            out
        };
        let err = |der: &[u8]| leaf_parts(der).err().map(|e| e.to_string());
        assert!(leaf_parts(BY_BP256).is_ok());
        let v2 = patched(
            &[0xA0, 0x03, 0x02, 0x01, 0x02],
            &[0xA0, 0x03, 0x02, 0x01, 0x01],
        );
        assert!(err(&v2).unwrap().contains("v3"));
        let sha256 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
        let sha384 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
        assert!(err(&patched(&sha256, &sha384)).unwrap().contains("differs"));
        assert!(err(&[BY_BP256, &[0]].concat()).is_some());
        assert!(is_ca(&[0x01, 0x01, 0xff]).unwrap());
        assert!(!is_ca(&[0x01, 0x01, 0x00]).unwrap());
        assert!(!is_ca(&[]).unwrap());
        assert!(is_ca(&[0x01, 0x01, 0x01]).is_err());
        assert!(is_ca(&[0x01, 0x01, 0xff, 0x02, 0x01, 0x00, 0x05, 0x00]).is_err());
        assert!(scheme(alg_id::ECDSA_SHA256.as_ref()).is_some());
        assert!(scheme(&[0x06, 0x01, 0x00]).is_none());
    }
}
