//! The AWS-LC backend (`aws-lc-rs`): native only, every algorithm, the
//! fastest here (see the README's "Signature backends" figures).

use super::algorithm::{Algorithm, Curve, HashAlg};
use super::check::{Backend, Rejected, SignatureCheck};
use aws_lc_rs::signature::{
    self as sig, ParsedPublicKey, UnparsedPublicKey, VerificationAlgorithm,
};

/// A key as AWS-LC holds it, for the one algorithm it was first used with.
/// Building it (the RSA Montgomery context, the EC point's decoding and
/// validation) costs about 10% of an RSA-2048 verification; a key that
/// lives in a `Trust` pays it once.
pub(crate) struct Parsed {
    algorithm: Algorithm,
    key: ParsedPublicKey,
}

/// AWS-LC through `aws-lc-rs`.
#[derive(Clone, Copy, Debug, Default)]
pub struct AwsLc;

impl Backend for AwsLc {
    fn name(&self) -> &'static str {
        "aws-lc-rs"
    }

    fn verify(&self, check: &SignatureCheck) -> Result<(), Rejected> {
        let algorithm = check.algorithm();
        let alg = verification_algorithm(algorithm);
        let key = check.key();
        let key_bytes = match algorithm {
            // aws-lc-rs reads an RSA key from its SPKI (or PKCS#1).
            Algorithm::RsaPkcs1v15(_) | Algorithm::RsaPss(_) => key.spki_der(),
            Algorithm::Ecdsa { .. } => key.ec_point().map(|(_, p)| p).ok_or(Rejected)?,
        };
        let signature_der;
        let signature = match algorithm {
            Algorithm::Ecdsa { .. } => {
                signature_der = check.signature_der().ok_or(Rejected)?;
                &signature_der[..]
            }
            _ => check.signature(),
        };
        let cached = key.aws_lc_cache().get_or_init(|| {
            ParsedPublicKey::new(alg, key_bytes)
                .ok()
                .map(|key| Parsed { algorithm, key })
        });
        match cached {
            Some(p) if p.algorithm == algorithm => p.key.verify_sig(check.message(), signature),
            // The same key with another algorithm (rare): parse per call.
            _ => UnparsedPublicKey::new(alg, key_bytes).verify(check.message(), signature),
        }
        .map_err(|_| Rejected)
    }
}

fn verification_algorithm(algorithm: Algorithm) -> &'static dyn VerificationAlgorithm {
    match algorithm {
        Algorithm::RsaPkcs1v15(HashAlg::Sha256) => &sig::RSA_PKCS1_2048_8192_SHA256,
        Algorithm::RsaPkcs1v15(HashAlg::Sha384) => &sig::RSA_PKCS1_2048_8192_SHA384,
        Algorithm::RsaPkcs1v15(HashAlg::Sha512) => &sig::RSA_PKCS1_2048_8192_SHA512,
        Algorithm::RsaPss(HashAlg::Sha256) => &sig::RSA_PSS_2048_8192_SHA256,
        Algorithm::RsaPss(HashAlg::Sha384) => &sig::RSA_PSS_2048_8192_SHA384,
        Algorithm::RsaPss(HashAlg::Sha512) => &sig::RSA_PSS_2048_8192_SHA512,
        Algorithm::Ecdsa { curve, hash, .. } => match (curve, hash) {
            (Curve::P256, HashAlg::Sha256) => &sig::ECDSA_P256_SHA256_ASN1,
            (Curve::P256, HashAlg::Sha384) => &sig::ECDSA_P256_SHA384_ASN1,
            (Curve::P256, HashAlg::Sha512) => &sig::ECDSA_P256_SHA512_ASN1,
            (Curve::P384, HashAlg::Sha256) => &sig::ECDSA_P384_SHA256_ASN1,
            (Curve::P384, HashAlg::Sha384) => &sig::ECDSA_P384_SHA384_ASN1,
            (Curve::P384, HashAlg::Sha512) => &sig::ECDSA_P384_SHA512_ASN1,
            (Curve::P521, HashAlg::Sha256) => &sig::ECDSA_P521_SHA256_ASN1,
            (Curve::P521, HashAlg::Sha384) => &sig::ECDSA_P521_SHA384_ASN1,
            (Curve::P521, HashAlg::Sha512) => &sig::ECDSA_P521_SHA512_ASN1,
        },
    }
}
