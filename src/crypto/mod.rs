//! Signature verification: one entry point, an allow-list, interchangeable backends.
//!
//! [`verify_signature`] takes the algorithm (the caller's choice, never the
//! input's), a public key as SPKI DER, the message and the signature. Policy
//! and encoding rules run once, in shared code ([`SignatureCheck::new`]);
//! a [`Backend`] only does the arithmetic. So every backend gives the same
//! answer and the same error code for the same input, which the test suite
//! checks by running every vector through every compiled-in backend.
//!
//! Backends:
//! - [`RustCrypto`]: pure Rust, complete, used on wasm32;
//! - `AwsLc` (feature `aws-lc-rs`, on by default, native only): the
//!   fastest here, and the default where compiled in;
//! - `Ring` (feature `ring`, native only): ring, with RustCrypto for the
//!   combinations ring lacks (P-521, ECDSA with SHA-512).
//!
//! Signing with caller-held keys (native): [`Signer`], implemented by
//! [`RustCryptoSigner`] for PKCS#8 RSA, P-256, P-384 and Ed25519 keys.
//!
//! A host that only verifies asynchronously (the browser's WebCrypto)
//! answers a synchronous verification's checks through [`replay`], which
//! also records the checks a verification performs (the bench floors).
//!
//! Error codes, in the order they are checked: `crypto.algorithm.forbidden`
//! → `crypto.key.malformed` → `crypto.key.unsupported` → `crypto.key.mismatch`
//! → `crypto.signature.malformed` → `crypto.signature.invalid`.
//!
//! ```
//! use idbridge::crypto::{self, Algorithm, AllowList};
//! # let spki = include_bytes!("../../test-vectors/keys/p256.spki.der");
//! let err = crypto::verify_signature(
//!     crypto::default_backend(),
//!     AllowList::all(),
//!     Algorithm::ECDSA_P256_SHA256_RAW,
//!     spki,
//!     b"message",
//!     &[1u8; 64],
//! )
//! .unwrap_err();
//! assert_eq!(err.code(), "crypto.signature.invalid");
//! ```

mod algorithm;
mod check;
mod encoding;
#[cfg(feature = "json")]
pub(crate) mod jwa;
mod key;
mod pss;
pub mod replay;
mod rustcrypto;
#[cfg(not(target_arch = "wasm32"))]
mod signer;

/// ring's RSA verification (parameters by algorithm, key from its
/// components). (aws-lc-rs shares the API; its backend caches parsed keys.)
#[cfg(all(feature = "ring", not(target_arch = "wasm32")))]
macro_rules! ring_api_rsa_verify {
    ($sig:path, $check:expr) => {{
        use $sig as sig;
        let check: &SignatureCheck = $check;
        let params: &sig::RsaParameters = match check.algorithm() {
            Algorithm::RsaPkcs1v15(HashAlg::Sha256) => &sig::RSA_PKCS1_2048_8192_SHA256,
            Algorithm::RsaPkcs1v15(HashAlg::Sha384) => &sig::RSA_PKCS1_2048_8192_SHA384,
            Algorithm::RsaPkcs1v15(HashAlg::Sha512) => &sig::RSA_PKCS1_2048_8192_SHA512,
            Algorithm::RsaPss(HashAlg::Sha256) => &sig::RSA_PSS_2048_8192_SHA256,
            Algorithm::RsaPss(HashAlg::Sha384) => &sig::RSA_PSS_2048_8192_SHA384,
            Algorithm::RsaPss(HashAlg::Sha512) => &sig::RSA_PSS_2048_8192_SHA512,
            Algorithm::Ecdsa { .. } | Algorithm::Ed25519 => return Err(Rejected),
        };
        let (n, e) = check.key().rsa_components().ok_or(Rejected)?;
        sig::RsaPublicKeyComponents { n, e }
            .verify(params, check.message(), check.signature())
            .map_err(|_| Rejected)
    }};
}

#[cfg(all(feature = "aws-lc-rs", not(target_arch = "wasm32")))]
mod aws_lc;
#[cfg(all(feature = "ring", not(target_arch = "wasm32")))]
mod ring;

pub use algorithm::{Algorithm, AllowList, Curve, EcdsaEncoding, HashAlg};
#[cfg(all(feature = "aws-lc-rs", not(target_arch = "wasm32")))]
pub use aws_lc::AwsLc;
pub use check::{Backend, Rejected, SignatureCheck};
pub use key::{PublicKey, RSA_MAX_BITS, RSA_MIN_BITS};
pub use pss::{verify_rsa_pss, DigestAlg, PssParams};
pub use replay::Recorder;
#[cfg(all(feature = "ring", not(target_arch = "wasm32")))]
pub use ring::Ring;
pub use rustcrypto::RustCrypto;
#[cfg(not(target_arch = "wasm32"))]
pub use signer::{RustCryptoSigner, Signer};

use crate::error::{Error, ErrorCode, Result};

/// Verifies one signature: the single entry point of this module.
///
/// The checks run in this order, each with its own code:
/// `allowed` holds `algorithm` (`crypto.algorithm.forbidden`); the key
/// parses (`crypto.key.malformed`), is within policy
/// (`crypto.key.unsupported`) and fits the algorithm (`crypto.key.mismatch`);
/// the signature is well encoded (`crypto.signature.malformed`); the
/// arithmetic holds (`crypto.signature.invalid`).
pub fn verify_signature(
    backend: &dyn Backend,
    allowed: AllowList,
    algorithm: Algorithm,
    spki_der: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<()> {
    allowed.check(algorithm)?;
    let key = PublicKey::from_spki_der(spki_der)?;
    verify_with_key(backend, allowed, algorithm, &key, message, signature)
}

/// As [`verify_signature`], with a key parsed beforehand (trust material is
/// parsed once, when it is loaded).
pub fn verify_with_key(
    backend: &dyn Backend,
    allowed: AllowList,
    algorithm: Algorithm,
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
) -> Result<()> {
    let check = SignatureCheck::new(
        allowed,
        algorithm,
        key,
        message,
        signature,
        Error::new(
            ErrorCode::CryptoSignatureInvalid,
            "the signature does not verify",
        ),
    )?;
    match backend.verify(&check) {
        Ok(()) => Ok(()),
        Err(Rejected) => Err(check.failure().clone()),
    }
}

/// Verifies `signature` over a `digest` computed elsewhere (a protocol that
/// signs a hash it was sent, as Mobile-ID does): ECDSA over the prehash,
/// raw `r‖s` (a digest longer than the curve is truncated, FIPS 186-5
/// §6.4.1), or RSASSA-PKCS1-v1_5 with `hash`'s DigestInfo. The arithmetic
/// is RustCrypto's whatever the backend: ring and AWS-LC take messages.
/// `crypto.signature.invalid` when it does not verify (the caller words
/// the failure in its scheme's code).
pub fn verify_prehashed(
    key: &PublicKey,
    hash: HashAlg,
    digest: &[u8],
    signature: &[u8],
) -> Result<()> {
    rustcrypto::verify_prehashed(key, hash, digest, signature).map_err(|_| {
        Error::new(
            ErrorCode::CryptoSignatureInvalid,
            "the signature does not verify over the digest",
        )
    })
}

/// The backend used when the caller does not choose: AWS-LC where compiled
/// in (native with the default `aws-lc-rs` feature), else RustCrypto.
pub fn default_backend() -> &'static dyn Backend {
    #[cfg(all(feature = "aws-lc-rs", not(target_arch = "wasm32")))]
    {
        &AwsLc
    }
    #[cfg(not(all(feature = "aws-lc-rs", not(target_arch = "wasm32"))))]
    {
        &RustCrypto
    }
}

/// Every backend compiled into this build, RustCrypto first.
pub fn backends() -> &'static [&'static dyn Backend] {
    &[
        &RustCrypto,
        #[cfg(all(feature = "aws-lc-rs", not(target_arch = "wasm32")))]
        &AwsLc,
        #[cfg(all(feature = "ring", not(target_arch = "wasm32")))]
        &Ring,
    ]
}

/// The backend named `name` (`"rustcrypto"`, `"aws-lc-rs"`, `"ring"`), if compiled in.
pub fn backend_by_name(name: &str) -> Option<&'static dyn Backend> {
    backends().iter().copied().find(|b| b.name() == name)
}
