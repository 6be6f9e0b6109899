//! The ring backend: native only. ring has no P-521 and pairs ECDSA only
//! with SHA-256 and SHA-384, so those checks run on [`RustCrypto`]
//! (stated in [`Ring`]'s name so reports never hide it).

use super::algorithm::{Algorithm, Curve, HashAlg};
use super::check::{Backend, Rejected, SignatureCheck};
use super::rustcrypto::RustCrypto;
use ring::signature::{self as sig, UnparsedPublicKey};

/// ring, with RustCrypto for P-521 and for ECDSA with SHA-512.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ring;

impl Backend for Ring {
    fn name(&self) -> &'static str {
        "ring"
    }

    fn verify(&self, check: &SignatureCheck) -> Result<(), Rejected> {
        let msg = check.message();
        match check.algorithm() {
            Algorithm::RsaPkcs1v15(_) | Algorithm::RsaPss(_) => {
                ring_api_rsa_verify!(ring::signature, check)
            }
            Algorithm::Ecdsa { curve, hash, .. } => {
                let alg: &sig::EcdsaVerificationAlgorithm = match (curve, hash) {
                    (Curve::P256, HashAlg::Sha256) => &sig::ECDSA_P256_SHA256_ASN1,
                    (Curve::P256, HashAlg::Sha384) => &sig::ECDSA_P256_SHA384_ASN1,
                    (Curve::P384, HashAlg::Sha256) => &sig::ECDSA_P384_SHA256_ASN1,
                    (Curve::P384, HashAlg::Sha384) => &sig::ECDSA_P384_SHA384_ASN1,
                    _ => return RustCrypto.verify(check),
                };
                let (_, point) = check.key().ec_point().ok_or(Rejected)?;
                let der = check.signature_der().ok_or(Rejected)?;
                UnparsedPublicKey::new(alg, point)
                    .verify(msg, &der)
                    .map_err(|_| Rejected)
            }
            Algorithm::Ed25519 => {
                let point = check.key().ed25519_point().ok_or(Rejected)?;
                UnparsedPublicKey::new(&sig::ED25519, point)
                    .verify(msg, check.signature())
                    .map_err(|_| Rejected)
            }
        }
    }
}
