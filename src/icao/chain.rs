//! The DS → CSCA hop of passive authentication, checked here rather than
//! by webpki: ICAO's PKI has exactly one hop (ICAO 9303-12 §7: a CSCA
//! issues document signers directly), the DS is already decoded, and CSCAs
//! sign with brainpool keys, which webpki's algorithm set cannot express.
//!
//! The checks are webpki's for a one-certificate path with no EKU
//! requirement (what `x509::path::verify_path` with `Usage::Any` and
//! `NoIntermediates` applied before), plus brainpool. The end-entity rules
//! are `x509::onehop`'s, which mdoc's brainpool IACAs use too; the
//! signature check is this module's, wider than mdoc's (RSASSA-PSS
//! parameters read from the DS, explicit-parameter brainpool keys):
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
use crate::cms::{self, tag};
use crate::crypto::{self, Algorithm, AllowList, EcdsaEncoding, HashAlg, PublicKey};
use crate::error::{Error, ErrorCode, Result};
use crate::x509::cert::Certificate;
use crate::x509::onehop::{leaf_parts, LeafParts};
use crate::x509::path::Anchor;

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

fn refused(why: &'static str) -> Error {
    Error::new(ErrorCode::X509ChainUntrusted, why)
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
    let parts = leaf_parts(&ds.der)?;
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
fn verify_issued(backend: &dyn crypto::Backend, ds: &LeafParts<'_>, csca: &Csca) -> Result<()> {
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
        let by_bp = leaf_parts(BY_BP256).unwrap();
        let by_rsa = leaf_parts(DS_RSA).unwrap();
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
        assert!(leaf_parts(BY_BP256).is_ok());
        let why = |der: &[u8]| leaf_parts(der).err().map(|e| e.to_string());
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
    }
}
