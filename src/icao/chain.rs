//! The DS → CSCA hop of passive authentication, checked here rather than
//! by webpki: ICAO's PKI has exactly one hop (ICAO 9303-12 §7: a CSCA
//! issues document signers directly), the DS is already decoded, and CSCAs
//! sign with brainpool keys, which webpki's algorithm set cannot express.
//!
//! The checks are webpki's for a one-certificate path with no EKU
//! requirement (what `x509::path::verify_path` with `Usage::Any` and
//! `NoIntermediates` applied before), plus brainpool:
//!
//! - the DS is X.509 v3, no issuer/subjectUniqueID, its TBS signature
//!   algorithm equal to the outer one (RFC 5280 §4.1.1.2), no unknown
//!   critical extension (§4.2), the extensions webpki reads well formed,
//!   and not a CA (basicConstraints cA TRUE is refused as an end entity);
//! - a configured CSCA whose subject is the DS's issuer, byte for byte
//!   (§4.1.2.4), whose own constraints admit issuing (basicConstraints,
//!   keyUsage keyCertSign: `x509::path`'s anchor rules), and whose key
//!   verifies the DS's signature: RSASSA-PKCS1-v1_5 or RSASSA-PSS with
//!   SHA-2, ECDSA with SHA-2 on P-256, P-384, P-521, brainpoolP256r1 or
//!   brainpoolP384r1 (named or explicit parameters);
//! - a CSCA with name constraints: the path goes to webpki as before
//!   (which applies them; such a CSCA on brainpool is refused).
//!
//! Validity of the DS and of the CSCA at `now` is the caller's.

use super::{pss_hash, ID_ECDSA_SHA256, ID_ECDSA_SHA384, ID_ECDSA_SHA512, ID_RSASSA_PSS};
use super::{ID_SHA256_RSA, ID_SHA384_RSA, ID_SHA512_RSA};
use crate::cms::{self, tag, Seq, Tlv};
use crate::crypto::{self, Algorithm, AllowList, EcdsaEncoding, HashAlg, PublicKey};
use crate::error::{Error, ErrorCode, Result};
use crate::x509::cert::Certificate;
use crate::x509::path::Anchor;

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

/// A configured CSCA: the anchor and its key, read once.
#[derive(Clone, Debug)]
pub(super) struct Csca {
    pub anchor: Anchor,
    key: CscaKey,
}

#[derive(Clone, Debug)]
enum CscaKey {
    /// RSA or a NIST curve: verified on the backend.
    Backend(PublicKey),
    /// A key `PublicKey` refuses (brainpool is read at verification, by
    /// idbridge's own arithmetic; anything else then fails closed).
    Other,
}

impl Csca {
    pub(super) fn new(anchor: Anchor) -> Csca {
        let key = match PublicKey::from_spki_der(&anchor.cert.spki_der) {
            Ok(key) => CscaKey::Backend(key),
            Err(_) => CscaKey::Other,
        };
        Csca { anchor, key }
    }
}

/// The parts of a DS certificate the hop needs, borrowed from its DER.
struct DsParts<'a> {
    tbs: &'a [u8],
    signature_algorithm: Tlv<'a>,
    signature: &'a [u8],
}

fn refused(why: &'static str) -> Error {
    Error::new(ErrorCode::X509ChainUntrusted, why)
}

fn reading(e: cms::CmsError) -> Error {
    Error::new(ErrorCode::X509ChainUntrusted, e.reason)
}

/// Splits the DS and applies the end-entity rules of the module documentation.
fn ds_parts(der: &[u8]) -> Result<DsParts<'_>> {
    let cert = cms::read_only(der, tag::SEQUENCE, "the DS is not a SEQUENCE").map_err(reading)?;
    let mut c = Seq::new(cert.contents);
    let tbs = c
        .next(tag::SEQUENCE, "the DS has no tbsCertificate")
        .map_err(reading)?;
    let signature_algorithm = c
        .next(tag::SEQUENCE, "the DS has no signatureAlgorithm")
        .map_err(reading)?;
    let bits = c
        .next(BIT_STRING, "the DS has no signature")
        .map_err(reading)?;
    c.end("the DS has parts after its signature")
        .map_err(reading)?;
    let signature = match bits.contents.split_first() {
        Some((0, sig)) => sig,
        _ => return Err(refused("the DS signature has unused bits")),
    };
    let mut t = Seq::new(tbs.contents);
    let version = t
        .optional(tag::CTX0)
        .map_err(reading)?
        .ok_or_else(|| refused("the DS is not an X.509 v3 certificate"))?;
    let v = cms::read_only(
        version.contents,
        tag::INTEGER,
        "the DS version is not an INTEGER",
    )
    .map_err(reading)?;
    if v.contents != [2] {
        return Err(refused("the DS is not an X.509 v3 certificate"));
    }
    t.next(tag::INTEGER, "the DS has no serialNumber")
        .map_err(reading)?;
    let inner_alg = t
        .next(tag::SEQUENCE, "the DS has no signature field")
        .map_err(reading)?;
    if inner_alg.raw != signature_algorithm.raw {
        return Err(refused(
            "the DS's signature field differs from its signatureAlgorithm",
        ));
    }
    for what in [
        "the DS has no issuer",
        "the DS has no validity",
        "the DS has no subject",
        "the DS has no subjectPublicKeyInfo",
    ] {
        t.next(tag::SEQUENCE, what).map_err(reading)?;
    }
    for unique in UNIQUE_ID_TAGS {
        if t.optional(unique).map_err(reading)?.is_some() {
            return Err(refused("the DS has a unique identifier"));
        }
    }
    if let Some(exts) = t.optional(tag::CTX3).map_err(reading)? {
        check_extensions(exts.contents)?;
    }
    t.end("the DS has parts after its extensions")
        .map_err(reading)?;
    Ok(DsParts {
        tbs: tbs.raw,
        signature_algorithm,
        signature,
    })
}

/// The DS's extensions: none critical that webpki does not know, the
/// known ones well formed, basicConstraints not cA TRUE.
fn check_extensions(explicit: &[u8]) -> Result<()> {
    let list = cms::read_only(
        explicit,
        tag::SEQUENCE,
        "the DS extensions are not a SEQUENCE",
    )
    .map_err(reading)?;
    let mut exts = Seq::new(list.contents);
    while let Some(ext) = exts.any().map_err(reading)? {
        if ext.tag != tag::SEQUENCE {
            return Err(refused("a DS extension is not a SEQUENCE"));
        }
        let mut e = Seq::new(ext.contents);
        let id = e
            .next(tag::OID, "a DS extension without an id")
            .map_err(reading)?;
        let critical = match e.optional(BOOLEAN).map_err(reading)? {
            None => false,
            Some(b) => match b.contents {
                [0x00] => false,
                [0xff] => true,
                _ => return Err(refused("a DS extension's critical flag is not a BOOLEAN")),
            },
        };
        let value = e
            .next(tag::OCTET_STRING, "a DS extension without a value")
            .map_err(reading)?;
        e.end("a DS extension with more than three parts")
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
                    "a DS extension's value is not one SEQUENCE",
                )
                .map_err(reading)?;
                if n == BASIC_CONSTRAINTS && is_ca(v.contents)? {
                    return Err(refused("the DS is a CA certificate"));
                }
            }
            _ if id.contents == SCT_LIST => {
                cms::read_only(
                    value.contents,
                    tag::OCTET_STRING,
                    "the DS's SCT list is not an OCTET STRING",
                )
                .map_err(reading)?;
            }
            _ if critical => return Err(refused("the DS has an unknown critical extension")),
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
            _ => return Err(refused("the DS's basicConstraints cA is not a BOOLEAN")),
        },
    };
    s.optional(tag::INTEGER).map_err(reading)?;
    s.end("the DS's basicConstraints have more than two parts")
        .map_err(reading)?;
    Ok(ca)
}

/// Whether any configured CSCA carries name constraints (those paths go
/// to webpki, which applies them).
pub(super) fn any_name_constrained(cscas: &[Csca]) -> bool {
    cscas.iter().any(|c| c.anchor.has_name_constraints())
}

/// The CSCA among `cscas` that issued `ds` (the module documentation's
/// rules), trying at most `max_signatures` signatures.
pub(super) fn issuing_csca<'a>(
    backend: &dyn crypto::Backend,
    ds: &Certificate,
    cscas: &'a [Csca],
    max_signatures: usize,
) -> Result<&'a Csca> {
    if cscas.is_empty() {
        return Err(refused("no CSCA is configured"));
    }
    let parts = ds_parts(&ds.der)?;
    let mut last = refused("no configured CSCA has the DS's issuer name");
    let mut budget = max_signatures;
    for csca in cscas
        .iter()
        .filter(|c| c.anchor.cert.subject_der == ds.issuer_der)
    {
        if let Err(why) = csca.anchor.admits(&[]) {
            last = Error::with_detail(ErrorCode::X509ChainUntrusted, why);
            continue;
        }
        budget = budget
            .checked_sub(1)
            .ok_or_else(|| refused("more CSCA candidates than the signature budget"))?;
        match verify_issued(backend, &parts, csca) {
            Ok(()) => return Ok(csca),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The CSCA's signature on the DS.
fn verify_issued(backend: &dyn crypto::Backend, ds: &DsParts<'_>, csca: &Csca) -> Result<()> {
    let alg = cms::algorithm_id(ds.signature_algorithm)
        .map_err(|_| refused("the DS's signatureAlgorithm does not parse"))?;
    let ecdsa_hash = match alg.oid {
        ID_ECDSA_SHA256 => Some(HashAlg::Sha256),
        ID_ECDSA_SHA384 => Some(HashAlg::Sha384),
        ID_ECDSA_SHA512 => Some(HashAlg::Sha512),
        _ => None,
    };
    // ECDSA's parameters are absent (RFC 5758 §3.2), PKCS#1's NULL (RFC
    // 4055 §5), as webpki's algorithm identifiers have them.
    let null = alg
        .params
        .is_some_and(|p| p.tag == tag::NULL && p.contents.is_empty());
    let bad_sig = || refused("the CSCA's signature on the DS does not verify");
    match &csca.key {
        CscaKey::Backend(key) => {
            let algorithm = match (alg.oid, ecdsa_hash) {
                (_, Some(hash)) if alg.params.is_none() => {
                    let (curve, _) = key
                        .ec_point()
                        .ok_or_else(|| refused("an ECDSA signature on the DS by a non-EC CSCA"))?;
                    Algorithm::Ecdsa {
                        curve,
                        hash,
                        encoding: EcdsaEncoding::Der,
                    }
                }
                (ID_SHA256_RSA, None) if null => Algorithm::RsaPkcs1v15(HashAlg::Sha256),
                (ID_SHA384_RSA, None) if null => Algorithm::RsaPkcs1v15(HashAlg::Sha384),
                (ID_SHA512_RSA, None) if null => Algorithm::RsaPkcs1v15(HashAlg::Sha512),
                (ID_RSASSA_PSS, None) => {
                    let params = alg
                        .params
                        .ok_or_else(|| refused("RSASSA-PSS on the DS without parameters"))?;
                    Algorithm::RsaPss(pss_hash(params).map_err(|_| {
                        refused("RSASSA-PSS parameters on the DS idbridge does not verify")
                    })?)
                }
                _ => {
                    return Err(refused(
                        "the DS is signed with an algorithm idbridge does not verify",
                    ))
                }
            };
            crypto::verify_with_key(
                backend,
                AllowList::all(),
                algorithm,
                key,
                ds.tbs,
                ds.signature,
            )
            .map_err(|_| bad_sig())
        }
        CscaKey::Other => {
            let key = match crypto::brainpool_key(&csca.anchor.cert.spki_der) {
                Some(Ok(key)) => key,
                _ => return Err(refused("the CSCA key is not one idbridge verifies")),
            };
            let hash = match ecdsa_hash {
                Some(hash) if alg.params.is_none() => hash,
                _ => {
                    return Err(refused(
                        "a brainpool CSCA with a non-ECDSA signature on the DS",
                    ))
                }
            };
            crypto::verify_brainpool(&key, hash, ds.tbs, ds.signature).map_err(|_| bad_sig())
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::x509::path::{self, NoIntermediates, Usage};
    use crate::x509::Quirks;

    const CSCA_BP256: &[u8] = include_bytes!("../../test-vectors/icao/csca-bp256.der");
    const BY_BP256: &[u8] = include_bytes!("../../test-vectors/icao/ds-p256-by-bp256.der");
    const CSCA_RSA: &[u8] = include_bytes!("../../test-vectors/icao/csca-rsa2048.der");
    const DS_RSA: &[u8] = include_bytes!("../../test-vectors/icao/ds-rsa2048.der");

    fn csca(der: &[u8]) -> Csca {
        Csca::new(Anchor::from_der(der).unwrap())
    }

    fn now() -> crate::UnixTime {
        crate::UnixTime::parse_rfc3339("2027-06-01T00:00:00Z").unwrap()
    }

    /// `der` with the first `from` replaced by `to` (same length).
    fn patched(der: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
        let at = der.windows(from.len()).position(|w| w == from).unwrap();
        let mut out = der.to_vec();
        out[at..at + to.len()].copy_from_slice(to);
        out
    }

    #[test]
    fn the_hop_accepts_what_it_should() {
        let backend = crypto::default_backend();
        let ds = Certificate::from_der(BY_BP256).unwrap();
        let cscas = [csca(CSCA_RSA), csca(CSCA_BP256)];
        assert!(issuing_csca(backend, &ds, &cscas, 16).is_ok());
        let ds = Certificate::from_der(DS_RSA).unwrap();
        assert!(issuing_csca(backend, &ds, &cscas, 16).is_ok());
        // A budget of none verifies nothing.
        assert!(issuing_csca(backend, &ds, &cscas, 0).is_err());
        assert!(issuing_csca(backend, &ds, &[], 16).is_err());
    }

    /// A CSCA whose keyUsage lacks keyCertSign issues nothing, even with
    /// the right name and key; the next candidate of the same name is tried.
    #[test]
    fn the_csca_must_be_allowed_to_issue() {
        const NO_KCS: &[u8] = include_bytes!("../../test-vectors/icao/csca-bp256-no-kcs.der");
        let backend = crypto::default_backend();
        let ds = Certificate::from_der(BY_BP256).unwrap();
        let e = issuing_csca(backend, &ds, &[csca(NO_KCS)], 16).unwrap_err();
        assert_eq!(e.code(), "x509.chain.untrusted");
        assert!(e.to_string().contains("keyCertSign"), "{e}");
        let both = [csca(NO_KCS), csca(CSCA_BP256)];
        let found = issuing_csca(backend, &ds, &both, 16).unwrap();
        assert_eq!(found.anchor.cert.der, CSCA_BP256);
    }

    #[test]
    fn the_signature_algorithm_must_suit_the_csca_key() {
        let backend = crypto::default_backend();
        let by_bp = ds_parts(BY_BP256).unwrap();
        let by_rsa = ds_parts(DS_RSA).unwrap();
        // ECDSA on the DS, an RSA CSCA; PKCS#1 on the DS, a brainpool CSCA.
        let e = verify_issued(backend, &by_bp, &csca(CSCA_RSA)).unwrap_err();
        assert!(e.to_string().contains("non-EC CSCA"), "{e}");
        let e = verify_issued(backend, &by_rsa, &csca(CSCA_BP256)).unwrap_err();
        assert!(e.to_string().contains("non-ECDSA"), "{e}");
        assert!(verify_issued(backend, &by_bp, &csca(CSCA_BP256)).is_ok());
        assert!(verify_issued(backend, &by_rsa, &csca(CSCA_RSA)).is_ok());
    }

    /// Web eID, Mobile-ID and Smart-ID keep webpki's algorithms: the same
    /// brainpool-signed DS has no path there.
    #[test]
    fn the_shared_path_check_still_refuses_brainpool() {
        let ds = Certificate::from_der(BY_BP256).unwrap();
        let e = path::verify_path(
            crypto::default_backend(),
            &ds,
            &[],
            &[Anchor::from_der(CSCA_BP256).unwrap()],
            now(),
            Usage::Any,
            Quirks::default(),
            &NoIntermediates,
        )
        .unwrap_err();
        assert_eq!(e.code(), "x509.chain.untrusted");
    }

    #[test]
    fn end_entity_rules_are_read_from_the_ds() {
        assert!(ds_parts(BY_BP256).is_ok());
        let why = |der: &[u8]| ds_parts(der).err().map(|e| e.to_string());
        // Version 3 → 2 (v2 is not v3).
        let v2 = patched(
            BY_BP256,
            &[0xA0, 0x03, 0x02, 0x01, 0x02],
            &[0xA0, 0x03, 0x02, 0x01, 0x01],
        );
        assert!(why(&v2).unwrap().contains("v3"));
        // The TBS signature field ecdsa-with-SHA256 → SHA384.
        let sha256 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
        let sha384 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
        let mismatch = patched(BY_BP256, &sha256, &sha384);
        assert!(why(&mismatch).unwrap().contains("differs"));
        // Trailing bytes after the certificate.
        let trailing = [BY_BP256, &[0]].concat();
        assert!(why(&trailing).is_some());
        assert!(is_ca(&[0x01, 0x01, 0xff]).unwrap());
        assert!(!is_ca(&[0x01, 0x01, 0x00]).unwrap());
        assert!(!is_ca(&[]).unwrap());
        assert!(is_ca(&[0x01, 0x01, 0x01]).is_err());
        assert!(is_ca(&[0x01, 0x01, 0xff, 0x02, 0x01, 0x00, 0x05, 0x00]).is_err());
    }
}
