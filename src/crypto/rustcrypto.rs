//! The pure-Rust backend (RustCrypto): complete, and the one wasm32 uses.
//!
//! RSA: RFC 8017 §8.2.2 (PKCS#1 v1.5) and §8.1.2 (PSS, salt length = hash
//! length). Ed25519: RFC 8032 §5.1.7 (`ed25519-dalek`, feature `ed25519`). ECDSA: FIPS 186-5 §6.4.2 over the prehash; a digest shorter than
//! half the field (SHA-256 on P-521) is left-padded with zeros, which leaves
//! its integer value, and so the signature equation, unchanged.

use super::algorithm::{Algorithm, Curve, HashAlg};
use super::check::{Backend, Rejected, SignatureCheck};
use rsa::signature::Verifier;

/// RustCrypto's `rsa`, `p256`, `p384`, `p521` and `sha2`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RustCrypto;

impl Backend for RustCrypto {
    fn name(&self) -> &'static str {
        "rustcrypto"
    }

    fn verify(&self, check: &SignatureCheck) -> Result<(), Rejected> {
        match check.algorithm() {
            Algorithm::RsaPkcs1v15(h) => rsa_verify(check, h, false),
            Algorithm::RsaPss(h) => rsa_verify(check, h, true),
            Algorithm::Ecdsa { curve, hash, .. } => ecdsa_verify(check, curve, hash),
            Algorithm::Ed25519 => ed25519_verify(check),
        }
    }
}

/// RFC 8032 §5.1.7, cofactorless (`[S]B = R + [k]A`, compared as encodings,
/// as AWS-LC and ring do), `S < L`.
#[cfg(feature = "ed25519")]
fn ed25519_verify(check: &SignatureCheck) -> Result<(), Rejected> {
    use ed25519_dalek::Verifier as _;
    let point = check.key().ed25519_point().ok_or(Rejected)?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(point).map_err(|_| Rejected)?;
    let sig = ed25519_dalek::Signature::from_slice(check.signature()).map_err(|_| Rejected)?;
    key.verify(check.message(), &sig).map_err(|_| Rejected)
}

/// Without the `ed25519` feature no Ed25519 key parses, so no check reaches here.
#[cfg(not(feature = "ed25519"))]
fn ed25519_verify(_: &SignatureCheck) -> Result<(), Rejected> {
    Err(Rejected)
}

fn rsa_verify(check: &SignatureCheck, hash: HashAlg, pss: bool) -> Result<(), Rejected> {
    use rsa::{pkcs1v15, pss as rpss, BigUint, RsaPublicKey};
    let (n, e) = check.key().rsa_components().ok_or(Rejected)?;
    let key = RsaPublicKey::new_with_max_size(
        BigUint::from_bytes_be(n),
        BigUint::from_bytes_be(e),
        super::key::RSA_MAX_BITS,
    )
    .map_err(|_| Rejected)?;
    let msg = check.message();
    let sig = check.signature();
    let ok = if pss {
        let sig = rpss::Signature::try_from(sig).map_err(|_| Rejected)?;
        match hash {
            HashAlg::Sha256 => rpss::VerifyingKey::<sha2::Sha256>::new(key).verify(msg, &sig),
            HashAlg::Sha384 => rpss::VerifyingKey::<sha2::Sha384>::new(key).verify(msg, &sig),
            HashAlg::Sha512 => rpss::VerifyingKey::<sha2::Sha512>::new(key).verify(msg, &sig),
        }
    } else {
        let sig = pkcs1v15::Signature::try_from(sig).map_err(|_| Rejected)?;
        match hash {
            HashAlg::Sha256 => pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key).verify(msg, &sig),
            HashAlg::Sha384 => pkcs1v15::VerifyingKey::<sha2::Sha384>::new(key).verify(msg, &sig),
            HashAlg::Sha512 => pkcs1v15::VerifyingKey::<sha2::Sha512>::new(key).verify(msg, &sig),
        }
    };
    ok.map_err(|_| Rejected)
}

fn ecdsa_verify(check: &SignatureCheck, curve: Curve, hash: HashAlg) -> Result<(), Rejected> {
    let (key_curve, point) = check.key().ec_point().ok_or(Rejected)?;
    if key_curve != curve {
        return Err(Rejected);
    }
    ecdsa_prehash(
        curve,
        point,
        hash.digest(check.message()),
        check.signature(),
    )
}

/// ECDSA over `digest` (FIPS 186-5 §6.4.2: a longer digest is truncated to
/// the curve's order length by bits2field; a shorter one left-padded), the
/// signature raw `r‖s` with 0 < r, s < n.
fn ecdsa_prehash(
    curve: Curve,
    point: &[u8],
    mut digest: Vec<u8>,
    sig: &[u8],
) -> Result<(), Rejected> {
    use ecdsa::signature::hazmat::PrehashVerifier;
    // bits2field refuses a prehash shorter than half the field size; a
    // left zero pad keeps the integer (and so the equation) the same.
    let min = curve.field_len() / 2;
    if digest.len() < min {
        let mut padded = vec![0u8; min - digest.len()];
        padded.extend_from_slice(&digest);
        digest = padded;
    }
    macro_rules! verify_on {
        ($c:ident) => {{
            let key = $c::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| Rejected)?;
            let sig = $c::ecdsa::Signature::from_slice(sig).map_err(|_| Rejected)?;
            key.verify_prehash(&digest, &sig).map_err(|_| Rejected)
        }};
    }
    match curve {
        Curve::P256 => verify_on!(p256),
        Curve::P384 => verify_on!(p384),
        Curve::P521 => verify_on!(p521),
    }
}

/// A signature over a digest the caller computed (Mobile-ID signs the hash
/// the relying party sends, not a message): ECDSA over the prehash with raw
/// `r‖s` of twice the field size, or RSASSA-PKCS1-v1_5 with the DigestInfo
/// of `hash` (RFC 8017 §8.2.2 step 2 onwards). Always RustCrypto: ring and
/// AWS-LC's verification APIs take the message, not its digest.
pub(crate) fn verify_prehashed(
    key: &super::key::PublicKey,
    hash: HashAlg,
    digest: &[u8],
    signature: &[u8],
) -> Result<(), Rejected> {
    if digest.len() != hash.output_len() {
        return Err(Rejected);
    }
    if let Some((curve, point)) = key.ec_point() {
        if signature.len() != 2 * curve.field_len() {
            return Err(Rejected);
        }
        return ecdsa_prehash(curve, point, digest.to_vec(), signature);
    }
    let (n, e) = key.rsa_components().ok_or(Rejected)?;
    let key = rsa::RsaPublicKey::new_with_max_size(
        rsa::BigUint::from_bytes_be(n),
        rsa::BigUint::from_bytes_be(e),
        super::key::RSA_MAX_BITS,
    )
    .map_err(|_| Rejected)?;
    let scheme = match hash {
        HashAlg::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
        HashAlg::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
        HashAlg::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
    };
    key.verify(scheme, digest, signature).map_err(|_| Rejected)
}
