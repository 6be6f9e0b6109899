//! The AWS-LC backend (`aws-lc-rs`): native only, every algorithm, the
//! fastest here (see the README's "Signature backends" figures).

use super::algorithm::{Algorithm, Curve, HashAlg};
use super::check::{Backend, Rejected, SignatureCheck};
use aws_lc_rs::signature::{
    self as sig, ParsedPublicKey, UnparsedPublicKey, VerificationAlgorithm,
};
use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

/// Keys as AWS-LC holds them, by SPKI, each with the algorithms it was
/// parsed for. Building one (the RSA Montgomery context, the EC point's
/// decoding and validation) costs about 10% of an RSA-2048 verification;
/// a key that verifies again (a `Trust`'s keys, on every Response) pays it
/// once per process. The cache belongs to this backend: the neutral
/// [`PublicKey`](super::PublicKey) holds no backend state.
type Cache = HashMap<Box<[u8]>, Vec<(Algorithm, ParsedPublicKey)>>;

/// Past this many keys the cache restarts (a server sees a new user key
/// per Web eID token).
const MAX_CACHED_KEYS: usize = 256;

static CACHE: LazyLock<RwLock<Cache>> = LazyLock::new(Default::default);

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
            Algorithm::Ed25519 => key.ed25519_point().ok_or(Rejected)?,
        };
        let signature_der;
        let signature = match algorithm {
            Algorithm::Ecdsa { .. } => {
                signature_der = check.signature_der().ok_or(Rejected)?;
                &signature_der[..]
            }
            _ => check.signature(),
        };
        let (spki, message) = (key.spki_der(), check.message());
        let verify = |p: &ParsedPublicKey| p.verify_sig(message, signature).map_err(|_| Rejected);
        if let Ok(cache) = CACHE.read() {
            let hit = cache
                .get(spki)
                .and_then(|keys| keys.iter().find(|(a, _)| *a == algorithm));
            if let Some((_, parsed)) = hit {
                return verify(parsed);
            }
        }
        let Ok(parsed) = ParsedPublicKey::new(alg, key_bytes) else {
            // AWS-LC refuses the key: its own per-call path decides.
            return UnparsedPublicKey::new(alg, key_bytes)
                .verify(message, signature)
                .map_err(|_| Rejected);
        };
        let answer = verify(&parsed);
        if let Ok(mut cache) = CACHE.write() {
            if cache.len() >= MAX_CACHED_KEYS && !cache.contains_key(spki) {
                cache.clear();
            }
            let keys = cache.entry(spki.into()).or_default();
            if keys.iter().all(|(a, _)| *a != algorithm) {
                keys.push((algorithm, parsed));
            }
        }
        answer
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
        Algorithm::Ed25519 => &sig::ED25519,
    }
}
