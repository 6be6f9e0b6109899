//! Public keys: parsed once from SubjectPublicKeyInfo DER and checked
//! against policy, so every backend receives the same, already-validated key.
//!
//! RFC 5280 §4.1.2.7 (SubjectPublicKeyInfo); RFC 3279 §2.3.1 (rsaEncryption,
//! parameters NULL) and RFC 5480 §2.1.1 (id-ecPublicKey with a namedCurve);
//! SEC 1 §2.3.3 (uncompressed points only: what certificates carry and what
//! every backend accepts alike).

use super::algorithm::{Algorithm, Curve};
use crate::error::{Error, ErrorCode, Result};
use der::asn1::{AnyRef, ObjectIdentifier};
use der::Decode;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const SECP521R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
/// RFC 8410 §3: id-Ed25519.
#[cfg(feature = "ed25519")]
const ID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// The smallest RSA modulus accepted, in bits.
pub const RSA_MIN_BITS: usize = 2048;
/// The largest RSA modulus accepted, in bits.
pub const RSA_MAX_BITS: usize = 8192;
/// RSA public exponents must be below 2^33 (the bound ring and AWS-LC use).
const RSA_MAX_EXPONENT: u64 = (1 << 33) - 1;

/// A validated public key.
///
/// Backend-neutral: it holds the key's parts and the SPKI it was parsed
/// from, nothing of any backend (a backend that gains from preparing a key
/// once keeps its own cache, as the AWS-LC backend does). Equality is
/// the SPKI's.
///
/// ```
/// # fn spki() -> Vec<u8> { include_bytes!("../../test-vectors/keys/p256.spki.der").to_vec() }
/// use idbridge::crypto::{Curve, PublicKey};
/// let key = PublicKey::from_spki_der(&spki())?;
/// assert_eq!(key.ec_point().map(|(c, _)| c), Some(Curve::P256));
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    inner: Inner,
    spki: Vec<u8>,
}

#[derive(Clone, PartialEq, Eq)]
enum Inner {
    Rsa {
        /// Big-endian, no leading zero byte.
        n: Vec<u8>,
        /// Big-endian, no leading zero byte.
        e: Vec<u8>,
        bits: usize,
    },
    Ec {
        curve: Curve,
        /// SEC 1 uncompressed: 0x04 ‖ X ‖ Y.
        point: Vec<u8>,
    },
    /// RFC 8032 §5.1.2: the encoded point, 32 bytes.
    #[cfg_attr(not(feature = "ed25519"), allow(dead_code))]
    Ed25519 { point: [u8; 32] },
}

impl core::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.inner {
            Inner::Rsa { bits, .. } => write!(f, "PublicKey(RSA-{bits})"),
            Inner::Ec { curve, .. } => write!(f, "PublicKey(EC {curve:?})"),
            Inner::Ed25519 { .. } => write!(f, "PublicKey(Ed25519)"),
        }
    }
}

fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::CryptoKeyMalformed, reason)
}

fn unsupported(reason: &'static str) -> Error {
    Error::new(ErrorCode::CryptoKeyUnsupported, reason)
}

impl PublicKey {
    /// Parses and validates a DER SubjectPublicKeyInfo.
    ///
    /// - `crypto.key.malformed`: not exactly one DER SPKI (trailing bytes
    ///   included), a bit string with unused bits, an RSA key that is not a
    ///   strict PKCS#1 `RSAPublicKey`, an EC point that is not uncompressed or
    ///   not on its curve.
    /// - `crypto.key.unsupported`: an RSA modulus outside 2048–8192 bits or
    ///   an exponent that is even, below 3 or at least 2^33; an EC curve
    ///   other than P-256, P-384, P-521; another key type (Ed25519 is
    ///   accepted with the `ed25519` feature: RFC 8410, parameters absent,
    ///   a 32-byte point that decodes).
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        let spki = spki::SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|_| malformed("not a DER SubjectPublicKeyInfo"))?;
        let key_bytes = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| malformed("the public key bit string has unused bits"))?;
        let oid = spki.algorithm.oid;
        let inner = if oid == RSA_ENCRYPTION {
            // RFC 3279 §2.3.1: "the parameters field MUST have ASN.1 type NULL".
            match spki.algorithm.parameters {
                Some(p) if p.is_null() => {}
                _ => return Err(malformed("rsaEncryption parameters must be NULL")),
            }
            parse_rsa(key_bytes)?
        } else if oid == ID_EC_PUBLIC_KEY {
            let curve = named_curve(spki.algorithm.parameters)?;
            parse_ec_point(curve, key_bytes)?
        } else if is_ed25519(oid) {
            // RFC 8410 §3: "the parameters MUST be absent".
            if spki.algorithm.parameters.is_some() {
                return Err(malformed("id-Ed25519 parameters must be absent"));
            }
            parse_ed25519(key_bytes)?
        } else {
            return Err(unsupported("the key type is neither RSA nor a NIST curve"));
        };
        Ok(PublicKey {
            inner,
            spki: der.to_vec(),
        })
    }

    /// The SPKI DER this key was parsed from.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// RSA modulus and exponent, big-endian without leading zeros.
    pub fn rsa_components(&self) -> Option<(&[u8], &[u8])> {
        match &self.inner {
            Inner::Rsa { n, e, .. } => Some((n, e)),
            _ => None,
        }
    }

    /// RSA modulus length in bits.
    pub fn rsa_bits(&self) -> Option<usize> {
        match &self.inner {
            Inner::Rsa { bits, .. } => Some(*bits),
            _ => None,
        }
    }

    /// The curve and the uncompressed SEC 1 point of an EC key.
    pub fn ec_point(&self) -> Option<(Curve, &[u8])> {
        match &self.inner {
            Inner::Ec { curve, point } => Some((*curve, point)),
            _ => None,
        }
    }

    /// The encoded point of an Ed25519 key (RFC 8032 §5.1.2).
    pub fn ed25519_point(&self) -> Option<&[u8; 32]> {
        match &self.inner {
            Inner::Ed25519 { point } => Some(point),
            _ => None,
        }
    }

    /// `Ok(())` when this key can be used with `alg`, else `crypto.key.mismatch`.
    pub fn check_matches(&self, alg: Algorithm) -> Result<()> {
        let ok = match (&self.inner, alg) {
            (Inner::Rsa { .. }, Algorithm::RsaPkcs1v15(_) | Algorithm::RsaPss(_)) => true,
            (Inner::Ec { curve, .. }, Algorithm::Ecdsa { curve: want, .. }) => *curve == want,
            (Inner::Ed25519 { .. }, Algorithm::Ed25519) => true,
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::CryptoKeyMismatch,
                "the key's type or curve does not match the algorithm",
            ))
        }
    }
}

fn named_curve(params: Option<AnyRef<'_>>) -> Result<Curve> {
    // RFC 5480 §2.1.1: namedCurve is the only form allowed in PKIX.
    let params = params.ok_or_else(|| malformed("id-ecPublicKey without curve parameters"))?;
    let oid = ObjectIdentifier::try_from(params)
        .map_err(|_| unsupported("EC parameters other than a named curve"))?;
    if oid == SECP256R1 {
        Ok(Curve::P256)
    } else if oid == SECP384R1 {
        Ok(Curve::P384)
    } else if oid == SECP521R1 {
        Ok(Curve::P521)
    } else {
        Err(unsupported("the EC curve is not P-256, P-384 or P-521"))
    }
}

fn parse_rsa(bytes: &[u8]) -> Result<Inner> {
    let key = pkcs1::RsaPublicKey::from_der(bytes)
        .map_err(|_| malformed("not a DER PKCS#1 RSAPublicKey"))?;
    let n = key.modulus.as_bytes();
    let e = key.public_exponent.as_bytes();
    let bits = bit_len(n);
    if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
        return Err(unsupported("the RSA modulus is outside 2048 to 8192 bits"));
    }
    if n.last().is_none_or(|b| b & 1 == 0) {
        return Err(malformed("the RSA modulus is even"));
    }
    if e.len() > 8 {
        return Err(unsupported("the RSA exponent is too large"));
    }
    let e_val = e.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    if e_val < 3 || e_val & 1 == 0 || e_val > RSA_MAX_EXPONENT {
        return Err(unsupported(
            "the RSA exponent must be odd, at least 3 and below 2^33",
        ));
    }
    Ok(Inner::Rsa {
        n: n.to_vec(),
        e: e.to_vec(),
        bits,
    })
}

fn bit_len(be: &[u8]) -> usize {
    match be.iter().position(|b| *b != 0) {
        None => 0,
        Some(i) => {
            let rest = be.len() - i;
            let top = be.get(i).copied().unwrap_or(0);
            (rest - 1) * 8 + (8 - top.leading_zeros() as usize)
        }
    }
}

#[cfg(feature = "ed25519")]
fn is_ed25519(oid: ObjectIdentifier) -> bool {
    oid == ID_ED25519
}

/// Without the `ed25519` feature an Ed25519 key is another key type.
#[cfg(not(feature = "ed25519"))]
fn is_ed25519(_: ObjectIdentifier) -> bool {
    false
}

#[cfg(feature = "ed25519")]
fn parse_ed25519(bytes: &[u8]) -> Result<Inner> {
    let point: [u8; 32] = bytes
        .try_into()
        .map_err(|_| malformed("an Ed25519 key is 32 bytes"))?;
    // RFC 8032 §5.1.3: the point must decode.
    ed25519_dalek::VerifyingKey::from_bytes(&point)
        .map_err(|_| malformed("the Ed25519 point does not decode"))?;
    Ok(Inner::Ed25519 { point })
}

#[cfg(not(feature = "ed25519"))]
fn parse_ed25519(_: &[u8]) -> Result<Inner> {
    Err(unsupported("the key type is neither RSA nor a NIST curve"))
}

fn parse_ec_point(curve: Curve, bytes: &[u8]) -> Result<Inner> {
    if bytes.len() != 1 + 2 * curve.field_len() || bytes.first() != Some(&0x04) {
        return Err(malformed("the EC point is not an uncompressed SEC 1 point"));
    }
    // SEC 1 §3.2.2.1: the point must be on the curve (and not the identity,
    // which has no uncompressed encoding).
    let on_curve = match curve {
        Curve::P256 => p256::PublicKey::from_sec1_bytes(bytes).is_ok(),
        Curve::P384 => p384::PublicKey::from_sec1_bytes(bytes).is_ok(),
        Curve::P521 => p521::PublicKey::from_sec1_bytes(bytes).is_ok(),
    };
    if !on_curve {
        return Err(malformed("the EC point is not on the curve"));
    }
    Ok(Inner::Ec {
        curve,
        point: bytes.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_len(&[]), 0);
        assert_eq!(bit_len(&[0, 0]), 0);
        assert_eq!(bit_len(&[1]), 1);
        assert_eq!(bit_len(&[0x80, 0]), 16);
        assert_eq!(bit_len(&[0, 0x7f, 0]), 15);
    }

    #[test]
    fn garbage_is_malformed() {
        for der in [&b""[..], b"\x30\x00", b"\x30\x03\x02\x01\x00", &[0xff; 64]] {
            assert_eq!(
                PublicKey::from_spki_der(der).unwrap_err().kind(),
                ErrorCode::CryptoKeyMalformed
            );
        }
    }
}
