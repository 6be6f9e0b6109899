//! Signing with caller-held keys: what a relying party signs (request
//! objects, client assertions, entity configurations, SAML AuthnRequests and
//! metadata). Native only.
//!
//! [`Signer`] is the shape every signing key takes; [`RustCryptoSigner`]
//! implements it for PKCS#8 keys: RSA (PKCS#1 v1.5 and PSS with salt
//! length = hash length, RFC 8017 §8.2.1 and §8.1.1, blinded), ECDSA on
//! P-256 and P-384 (RFC 6979 deterministic nonces, over the message's
//! digest with the algorithm's hash), and Ed25519 (RFC 8032 §5.1.6, feature
//! `ed25519`). A signature is produced in the form the same
//! [`Algorithm`] verifies: ECDSA raw `r ‖ s` or DER as its encoding says.
//!
//! RSA private-key arithmetic in RustCrypto's `rsa` is not constant-time
//! (RUSTSEC-2023-0071, "Marvin"); blinding is applied, but a service that
//! signs with RSA where timing can be observed should prefer an HSM or
//! AWS-LC.

use super::algorithm::{Algorithm, EcdsaEncoding, HashAlg};
use super::key::PublicKey;
use crate::error::{Error, ErrorCode, Result};
use der::asn1::ObjectIdentifier;
use der::Decode;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
#[cfg(feature = "ed25519")]
const ID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// A private key the caller holds, able to sign.
pub trait Signer: Send + Sync {
    /// The public half, as every verifier here reads it.
    fn public_key(&self) -> &PublicKey;

    /// Signs `message` with `algorithm`: `crypto.key.mismatch` when the key
    /// does not fit the algorithm, `crypto.key.unsupported` when this
    /// signer cannot sign with it.
    fn sign(&self, algorithm: Algorithm, message: &[u8]) -> Result<Vec<u8>>;
}

enum Secret {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    #[cfg(feature = "ed25519")]
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

/// A PKCS#8 private key signing with RustCrypto.
///
/// ```
/// use idbridge::crypto::{self, Algorithm, AllowList, RustCryptoSigner, Signer};
/// # let pem = include_str!("../../test-vectors/keys/p256.pk8.pem");
/// # let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
/// # use base64::Engine as _;
/// # let pkcs8 = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
/// let signer = RustCryptoSigner::from_pkcs8_der(&pkcs8)?;
/// let alg = Algorithm::ECDSA_P256_SHA256_RAW;
/// let sig = signer.sign(alg, b"request object")?;
/// crypto::verify_signature(crypto::default_backend(), AllowList::default(), alg,
///     signer.public_key().spki_der(), b"request object", &sig)?;
/// # Ok::<(), idbridge::Error>(())
/// ```
pub struct RustCryptoSigner {
    secret: Secret,
    public: PublicKey,
}

impl core::fmt::Debug for RustCryptoSigner {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RustCryptoSigner")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::CryptoKeyMalformed, reason)
}

fn unsupported(reason: &'static str) -> Error {
    Error::new(ErrorCode::CryptoKeyUnsupported, reason)
}

impl RustCryptoSigner {
    /// Reads a PKCS#8 `PrivateKeyInfo` (RFC 5208, unencrypted): RSA, EC on
    /// P-256 or P-384, Ed25519 (feature `ed25519`). Its public half must
    /// pass [`PublicKey::from_spki_der`]'s policy (RSA 2048 to 8192 bits...).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self> {
        use p256::pkcs8::{DecodePrivateKey, EncodePublicKey};
        let info = p256::pkcs8::PrivateKeyInfo::from_der(der)
            .map_err(|_| malformed("not a DER PKCS#8 PrivateKeyInfo"))?;
        let oid = info.algorithm.oid;
        let (secret, spki) = if oid == RSA_ENCRYPTION {
            let key = rsa::RsaPrivateKey::from_pkcs8_der(der)
                .map_err(|_| malformed("not a PKCS#8 RSA private key"))?;
            let spki = key.to_public_key().to_public_key_der();
            (Secret::Rsa(Box::new(key)), der_bytes(spki)?)
        } else if oid == ID_EC_PUBLIC_KEY {
            let curve = info
                .algorithm
                .parameters_oid()
                .map_err(|_| unsupported("EC parameters other than a named curve"))?;
            if curve == SECP256R1 {
                let key = p256::ecdsa::SigningKey::from_pkcs8_der(der)
                    .map_err(|_| malformed("not a PKCS#8 P-256 private key"))?;
                let point = key.verifying_key().to_encoded_point(false);
                (
                    Secret::P256(key),
                    ec_spki(P256_SPKI_PREFIX, point.as_bytes()),
                )
            } else if curve == SECP384R1 {
                let key = p384::ecdsa::SigningKey::from_pkcs8_der(der)
                    .map_err(|_| malformed("not a PKCS#8 P-384 private key"))?;
                let point = key.verifying_key().to_encoded_point(false);
                (
                    Secret::P384(key),
                    ec_spki(P384_SPKI_PREFIX, point.as_bytes()),
                )
            } else {
                return Err(unsupported("signing is on P-256 and P-384 only"));
            }
        } else {
            Self::other(der, oid)?
        };
        let public = PublicKey::from_spki_der(&spki)?;
        Ok(RustCryptoSigner { secret, public })
    }

    #[cfg(feature = "ed25519")]
    fn other(der: &[u8], oid: ObjectIdentifier) -> Result<(Secret, Vec<u8>)> {
        use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePublicKey};
        if oid != ID_ED25519 {
            return Err(unsupported("the key is not RSA, P-256, P-384 or Ed25519"));
        }
        let key = ed25519_dalek::SigningKey::from_pkcs8_der(der)
            .map_err(|_| malformed("not a PKCS#8 Ed25519 private key"))?;
        let spki = key.verifying_key().to_public_key_der();
        Ok((Secret::Ed25519(Box::new(key)), der_bytes(spki)?))
    }

    #[cfg(not(feature = "ed25519"))]
    fn other(_: &[u8], _: ObjectIdentifier) -> Result<(Secret, Vec<u8>)> {
        Err(unsupported("the key is not RSA, P-256 or P-384"))
    }
}

/// RFC 5480 §2: SPKI of id-ecPublicKey with the named curve, up to the
/// BIT STRING holding the uncompressed point.
const P256_SPKI_PREFIX: &[u8] = &[
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];
const P384_SPKI_PREFIX: &[u8] = &[
    0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b,
    0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00,
];

fn ec_spki(prefix: &[u8], point: &[u8]) -> Vec<u8> {
    let mut der = prefix.to_vec();
    der.extend_from_slice(point);
    der
}

fn der_bytes(doc: spki::Result<spki::Document>) -> Result<Vec<u8>> {
    doc.map(|d| d.as_bytes().to_vec())
        .map_err(|_| malformed("the public key does not encode"))
}

fn failed() -> Error {
    Error::new(
        ErrorCode::CryptoKeyUnsupported,
        "the signing operation failed",
    )
}

fn rsa_sign(key: &rsa::RsaPrivateKey, pss: bool, hash: HashAlg, msg: &[u8]) -> Result<Vec<u8>> {
    use rsa::signature::{RandomizedSigner, SignatureEncoding};
    use rsa::{pkcs1v15, pss as rpss};
    let rng = &mut rand_core::OsRng;
    let key = key.clone();
    macro_rules! with {
        ($signer:ty) => {
            <$signer>::new(key)
                .try_sign_with_rng(rng, msg)
                .map(|s| s.to_vec())
                .map_err(|_| failed())
        };
    }
    match (pss, hash) {
        (false, HashAlg::Sha256) => with!(pkcs1v15::SigningKey<sha2::Sha256>),
        (false, HashAlg::Sha384) => with!(pkcs1v15::SigningKey<sha2::Sha384>),
        (false, HashAlg::Sha512) => with!(pkcs1v15::SigningKey<sha2::Sha512>),
        (true, HashAlg::Sha256) => with!(rpss::BlindedSigningKey<sha2::Sha256>),
        (true, HashAlg::Sha384) => with!(rpss::BlindedSigningKey<sha2::Sha384>),
        (true, HashAlg::Sha512) => with!(rpss::BlindedSigningKey<sha2::Sha512>),
    }
}

impl Signer for RustCryptoSigner {
    fn public_key(&self) -> &PublicKey {
        &self.public
    }

    fn sign(&self, algorithm: Algorithm, message: &[u8]) -> Result<Vec<u8>> {
        use ecdsa::signature::hazmat::PrehashSigner;
        self.public.check_matches(algorithm)?;
        match (&self.secret, algorithm) {
            (Secret::Rsa(key), Algorithm::RsaPkcs1v15(h)) => rsa_sign(key, false, h, message),
            (Secret::Rsa(key), Algorithm::RsaPss(h)) => rsa_sign(key, true, h, message),
            (Secret::P256(key), Algorithm::Ecdsa { hash, encoding, .. }) => {
                let sig: p256::ecdsa::Signature = key
                    .sign_prehash(&hash.digest(message))
                    .map_err(|_| failed())?;
                Ok(match encoding {
                    EcdsaEncoding::Raw => sig.to_bytes().to_vec(),
                    EcdsaEncoding::Der => sig.to_der().as_bytes().to_vec(),
                })
            }
            (Secret::P384(key), Algorithm::Ecdsa { hash, encoding, .. }) => {
                let sig: p384::ecdsa::Signature = key
                    .sign_prehash(&hash.digest(message))
                    .map_err(|_| failed())?;
                Ok(match encoding {
                    EcdsaEncoding::Raw => sig.to_bytes().to_vec(),
                    EcdsaEncoding::Der => sig.to_der().as_bytes().to_vec(),
                })
            }
            #[cfg(feature = "ed25519")]
            (Secret::Ed25519(key), Algorithm::Ed25519) => {
                use ed25519_dalek::Signer as _;
                Ok(key.sign(message).to_bytes().to_vec())
            }
            _ => Err(Error::new(
                ErrorCode::CryptoKeyMismatch,
                "the key's type or curve does not match the algorithm",
            )),
        }
    }
}
