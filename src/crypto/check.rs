//! One signature check, validated once in shared code, and the [`Backend`]
//! trait that does its arithmetic.
//!
//! Verifiers call a backend synchronously; an asynchronous host (the
//! browser's WebCrypto) answers through [`super::replay`].

use super::algorithm::{Algorithm, AllowList};
use super::encoding;
use super::key::PublicKey;
use crate::error::{Error, ErrorCode, Result};

/// One signature check, validated and normalized, waiting for a backend.
///
/// Built by [`SignatureCheck::new`], which applies every policy and encoding
/// rule, so a backend only does the arithmetic and all backends agree on
/// every error code.
#[derive(Clone, Debug)]
pub struct SignatureCheck {
    algorithm: Algorithm,
    key: PublicKey,
    message: Vec<u8>,
    signature: Vec<u8>,
    on_failure: Error,
}

impl SignatureCheck {
    /// Validates a check in the order: algorithm on the allow-list → key
    /// matches the algorithm → signature encoding. `on_failure` is the error
    /// reported when the arithmetic later fails (a verifier passes its own,
    /// e.g. `webeid.signature.invalid`).
    pub fn new(
        allowed: AllowList,
        algorithm: Algorithm,
        key: &PublicKey,
        message: &[u8],
        signature: &[u8],
        on_failure: Error,
    ) -> Result<Self> {
        allowed.check(algorithm)?;
        key.check_matches(algorithm)?;
        let signature = match algorithm {
            Algorithm::Ecdsa {
                curve, encoding, ..
            } => encoding::ecdsa_to_raw(curve, encoding, signature)?,
            Algorithm::RsaPkcs1v15(_) | Algorithm::RsaPss(_) => {
                let (n, _) = key.rsa_components().ok_or(Error::new(
                    ErrorCode::CryptoKeyMismatch,
                    "the key's type or curve does not match the algorithm",
                ))?;
                encoding::check_rsa_signature(n, signature)?;
                signature.to_vec()
            }
            // RFC 8032 §5.1.7: R ‖ S, 64 bytes (S < L is the backend's check).
            Algorithm::Ed25519 => {
                if signature.len() != 64 {
                    return Err(Error::new(
                        ErrorCode::CryptoSignatureMalformed,
                        "an Ed25519 signature is 64 bytes",
                    ));
                }
                signature.to_vec()
            }
        };
        Ok(SignatureCheck {
            algorithm,
            key: key.clone(),
            message: message.to_vec(),
            signature,
            on_failure,
        })
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The validated public key.
    pub fn key(&self) -> &PublicKey {
        &self.key
    }

    /// The signed message (the backend hashes it with `algorithm().hash()`).
    pub fn message(&self) -> &[u8] {
        &self.message
    }

    /// The normalized signature: for ECDSA, fixed-width `r ‖ s` with both
    /// scalars in `[1, n-1]`; for RSA, exactly the modulus length and below
    /// it; for Ed25519, 64 bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The normalized ECDSA signature re-encoded as DER (for backends that
    /// only accept DER); `None` for other algorithms.
    pub fn signature_der(&self) -> Option<Vec<u8>> {
        match self.algorithm {
            Algorithm::Ecdsa { .. } => Some(encoding::raw_to_der(&self.signature)),
            _ => None,
        }
    }

    /// The error this check reports when the signature does not verify.
    pub fn failure(&self) -> &Error {
        &self.on_failure
    }
}

/// A backend said the arithmetic does not verify. Deliberately opaque: which
/// internal step failed is not reported (ring's rule: detail here is a side
/// channel).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rejected;

/// Runs signature arithmetic synchronously.
///
/// Implementations receive checks that already passed every policy and
/// encoding rule; they must return `Ok(())` only when the signature is
/// mathematically valid for the key, message and algorithm.
pub trait Backend: Send + Sync {
    /// A short name for reports (`"rustcrypto"`, `"aws-lc-rs"`, `"ring"`).
    fn name(&self) -> &'static str;

    /// Verifies one check.
    fn verify(&self, check: &SignatureCheck) -> core::result::Result<(), Rejected>;
}
