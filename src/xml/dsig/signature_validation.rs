//! XML-DSig 1.1 §3.2.2, Signature Validation.
//!
//! "Obtain the keying information from `KeyInfo` or from an external
//! source." "Obtain the canonical form of the `SignatureMethod` using the
//! `CanonicalizationMethod` and use the result (and previously obtained
//! `KeyInfo`) to confirm the `SignatureValue` over the `SignedInfo`
//! element." (`xmldsig.signature.invalid` when no candidate key confirms
//! it.)
//!
//! The keys are the candidates of `key_info.rs` (every trusted key); a key
//! whose type does not match the signature method, or outside policy, is
//! skipped. When none verifies, a `KeyInfo` that named an untrusted
//! certificate makes the failure `xmldsig.key.untrusted`.

use super::algorithms::SignatureAlgorithm;
use super::exc_c14n::Canon;
use super::invalid;
use super::key_info::Candidates;
use crate::crypto::{self, Algorithm, AllowList, Backend, EcdsaEncoding, PublicKey};
use crate::error::{Error, ErrorCode, Result};
use crate::xml::c14n::{self, Options};
use roxmltree::Node;

/// `signature_bytes` verify over the canonical `signed_info` with one of
/// the `candidates`.
pub(super) fn verifies(
    backend: &dyn Backend,
    signed_info: Node<'_, '_>,
    si_canon: &Canon<'_>,
    sig_alg: SignatureAlgorithm,
    candidates: Candidates<'_>,
    signature_bytes: &[u8],
) -> Result<()> {
    let signed_bytes = c14n::to_vec(
        signed_info,
        &Options {
            with_comments: si_canon.with_comments,
            inclusive_prefixes: &si_canon.prefixes,
            exclude: None,
        },
    )?;
    let mut verified = false;
    for candidate in candidates.keys {
        let Some(key) = &candidate.key else {
            continue; // a key outside policy never verifies
        };
        let Some(algorithm) = algorithm_for(key, sig_alg) else {
            continue;
        };
        if crypto::verify_with_key(
            backend,
            AllowList::all(),
            algorithm,
            key,
            &signed_bytes,
            signature_bytes,
        )
        .is_ok()
        {
            verified = true;
            break;
        }
    }
    if !verified && candidates.names_untrusted {
        return Err(Error::new(
            ErrorCode::XmldsigKeyUntrusted,
            "no trusted key verifies, and KeyInfo names a certificate that is not trusted",
        ));
    }
    if !verified {
        return Err(invalid("the signature does not verify with a trusted key"));
    }
    Ok(())
}

/// The signature method applied to `key`, or `None` when the key is of
/// another type (an RSA key for an ECDSA method, or the reverse).
fn algorithm_for(key: &PublicKey, sig_alg: SignatureAlgorithm) -> Option<Algorithm> {
    if sig_alg.is_ecdsa {
        let (curve, _) = key.ec_point()?;
        Some(Algorithm::Ecdsa {
            curve,
            hash: sig_alg.hash,
            // XML-DSig 1.1 §6.4.3 (RFC 4051 §3.3): r ‖ s.
            encoding: EcdsaEncoding::Raw,
        })
    } else {
        key.rsa_components()
            .map(|_| Algorithm::RsaPkcs1v15(sig_alg.hash))
    }
}
