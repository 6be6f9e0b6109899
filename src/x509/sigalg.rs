//! Certificate and OCSP signature algorithms, mapped onto `crypto::Algorithm`.
//!
//! RFC 5758 §3.2 (ecdsa-with-SHA256/384/512: parameters MUST be absent),
//! RFC 4055 §5 / RFC 8017 App. C (sha*WithRSAEncryption: parameters NULL).
//! The Finnish test ID cards encode ecdsa-with-SHA384 *with* NULL
//! parameters; that is accepted only where a caller enables the named
//! tolerance [`Quirks::ecdsa_null_params`].

#[cfg(feature = "x509-path")]
use crate::crypto::{Algorithm, Curve, EcdsaEncoding, HashAlg, PublicKey};
#[cfg(feature = "x509-path")]
use crate::error::{Error, ErrorCode, Result};

/// Named tolerances for real-world encodings that strict DER forbids.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quirks {
    /// Accept ecdsa-with-SHA* AlgorithmIdentifiers carrying explicit NULL
    /// parameters (RFC 5758 §3.2 says absent), as the reference Web eID
    /// validator does for the Finnish test cards.
    pub ecdsa_null_params: bool,
}

#[cfg(feature = "x509-path")]
#[cfg_attr(not(feature = "ocsp"), allow(dead_code))] // the OCSP responder's signature
const DER_NULL: &[u8] = &[0x05, 0x00];

#[cfg(feature = "x509-path")]
/// The algorithm of a certificate-style signature (`oid`, `params`) made by
/// `issuer_key`: the curve comes from the key, the hash from the OID.
#[cfg_attr(not(feature = "ocsp"), allow(dead_code))] // the OCSP responder's signature
pub(crate) fn algorithm_for(
    oid: &str,
    params: Option<&[u8]>,
    issuer_key: &PublicKey,
    quirks: Quirks,
) -> Result<Algorithm> {
    let unsupported = || {
        Error::new(
            ErrorCode::CryptoAlgorithmForbidden,
            "the signature algorithm is not supported",
        )
    };
    let ecdsa_hash = match oid {
        "1.2.840.10045.4.3.2" => Some(HashAlg::Sha256),
        "1.2.840.10045.4.3.3" => Some(HashAlg::Sha384),
        "1.2.840.10045.4.3.4" => Some(HashAlg::Sha512),
        _ => None,
    };
    if let Some(hash) = ecdsa_hash {
        match params {
            None => {}
            Some(p) if p == DER_NULL && quirks.ecdsa_null_params => {}
            Some(_) => return Err(unsupported()),
        }
        let curve: Curve = issuer_key.ec_point().map(|(c, _)| c).ok_or_else(|| {
            Error::new(
                ErrorCode::CryptoKeyMismatch,
                "an ECDSA signature with a non-EC issuer key",
            )
        })?;
        return Ok(Algorithm::Ecdsa {
            curve,
            hash,
            encoding: EcdsaEncoding::Der,
        });
    }
    let rsa_hash = match oid {
        "1.2.840.113549.1.1.11" => Some(HashAlg::Sha256),
        "1.2.840.113549.1.1.12" => Some(HashAlg::Sha384),
        "1.2.840.113549.1.1.13" => Some(HashAlg::Sha512),
        _ => None,
    };
    if let Some(hash) = rsa_hash {
        // RFC 4055 §5: NULL parameters; absent ones are tolerated as many do.
        if params.is_some_and(|p| p != DER_NULL) {
            return Err(unsupported());
        }
        return Ok(Algorithm::RsaPkcs1v15(hash));
    }
    Err(unsupported())
}
