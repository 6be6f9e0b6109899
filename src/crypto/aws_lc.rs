//! The AWS-LC backend (`aws-lc-rs`): native only, every algorithm, the
//! fastest here (see the README's "Signature backends" figures).

use super::algorithm::{Algorithm, Curve, HashAlg};
use super::check::{Backend, Rejected, SignatureCheck};
use aws_lc_rs::signature::{self as sig, UnparsedPublicKey};

/// AWS-LC through `aws-lc-rs`.
#[derive(Clone, Copy, Debug, Default)]
pub struct AwsLc;

impl Backend for AwsLc {
    fn name(&self) -> &'static str {
        "aws-lc-rs"
    }

    fn verify(&self, check: &SignatureCheck) -> Result<(), Rejected> {
        let msg = check.message();
        match check.algorithm() {
            Algorithm::RsaPkcs1v15(_) | Algorithm::RsaPss(_) => {
                ring_api_rsa_verify!(aws_lc_rs::signature, check)
            }
            Algorithm::Ecdsa { curve, hash, .. } => {
                let alg: &sig::EcdsaVerificationAlgorithm = match (curve, hash) {
                    (Curve::P256, HashAlg::Sha256) => &sig::ECDSA_P256_SHA256_ASN1,
                    (Curve::P256, HashAlg::Sha384) => &sig::ECDSA_P256_SHA384_ASN1,
                    (Curve::P256, HashAlg::Sha512) => &sig::ECDSA_P256_SHA512_ASN1,
                    (Curve::P384, HashAlg::Sha256) => &sig::ECDSA_P384_SHA256_ASN1,
                    (Curve::P384, HashAlg::Sha384) => &sig::ECDSA_P384_SHA384_ASN1,
                    (Curve::P384, HashAlg::Sha512) => &sig::ECDSA_P384_SHA512_ASN1,
                    (Curve::P521, HashAlg::Sha256) => &sig::ECDSA_P521_SHA256_ASN1,
                    (Curve::P521, HashAlg::Sha384) => &sig::ECDSA_P521_SHA384_ASN1,
                    (Curve::P521, HashAlg::Sha512) => &sig::ECDSA_P521_SHA512_ASN1,
                };
                let (_, point) = check.key().ec_point().ok_or(Rejected)?;
                let der = check.signature_der().ok_or(Rejected)?;
                UnparsedPublicKey::new(alg, point)
                    .verify(msg, &der)
                    .map_err(|_| Rejected)
            }
        }
    }
}
