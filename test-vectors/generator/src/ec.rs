//! ECDSA over P-256, P-384 and P-521 with deterministic nonces (RFC 6979).
//!
//! The nonce is derived here, by RFC 6979 §3.2 with HMAC over the *message*
//! hash (as in the RFC's own examples, e.g. P-256 with SHA-512), and the
//! signature itself is computed by RustCrypto's `ecdsa::hazmat::sign_prehashed`.
//! (`p521` 0.13's `SigningKey::sign_prehash` draws its nonce from the OS RNG,
//! so it cannot be used for reproducible output.)

use der::asn1::ObjectIdentifier;
use rsa::BigUint;

use crate::bytes::{fixed, uint};
use crate::hash::Hash;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
}

pub const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
pub const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
pub const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
pub const OID_SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
pub const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");

/// A curve's private scalar and public point, as loaded from the committed keys.
#[derive(Clone, Debug)]
pub struct EcKey {
    pub curve: Curve,
    /// The private scalar d, big-endian, field length.
    pub d: Vec<u8>,
    /// Uncompressed SEC1 point 0x04 || X || Y.
    pub point: Vec<u8>,
}

macro_rules! curve_ops {
    ($m:ident, $cr:ident, $C:ty) => {
        mod $m {
            use $cr::elliptic_curve::{
                bigint::Encoding, sec1::ToEncodedPoint, Curve as _,
            };
            use $cr::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
            use $cr::{FieldBytes, NonZeroScalar, PublicKey, SecretKey};
            use ecdsa::signature::hazmat::PrehashVerifier;

            pub fn order() -> Vec<u8> {
                <$C>::ORDER.to_be_bytes().to_vec()
            }

            /// (d, uncompressed point, compressed point, PKCS#8 PEM, SPKI DER, SPKI PEM)
            pub fn generate(
                rng: &mut rand_chacha::ChaCha20Rng,
            ) -> (Vec<u8>, Vec<u8>, Vec<u8>, String, Vec<u8>, String) {
                let sk = SecretKey::random(rng);
                let pk = sk.public_key();
                (
                    sk.to_bytes().to_vec(),
                    pk.to_encoded_point(false).as_bytes().to_vec(),
                    pk.to_encoded_point(true).as_bytes().to_vec(),
                    sk.to_pkcs8_pem(LineEnding::LF).expect("pkcs8").to_string(),
                    pk.to_public_key_der().expect("spki").as_bytes().to_vec(),
                    pk.to_public_key_pem(LineEnding::LF).expect("spki pem"),
                )
            }

            /// (d, uncompressed point, SPKI DER) from a PKCS#8 PEM private key.
            pub fn load(pem: &str) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
                let sk = SecretKey::from_pkcs8_pem(pem).expect("pkcs8 private key");
                let pk = sk.public_key();
                (
                    sk.to_bytes().to_vec(),
                    pk.to_encoded_point(false).as_bytes().to_vec(),
                    pk.to_public_key_der().expect("spki").as_bytes().to_vec(),
                )
            }

            /// The uncompressed public point of the private scalar `d`
            /// (field-length big-endian bytes, in [1, n - 1]).
            pub fn public_point(d: &[u8]) -> Vec<u8> {
                let sk = SecretKey::from_bytes(&fb(d)).expect("private scalar in range");
                sk.public_key().to_encoded_point(false).as_bytes().to_vec()
            }

            pub fn point_valid(point: &[u8]) -> bool {
                PublicKey::from_sec1_bytes(point).is_ok()
            }

            /// ECDSA signature (FIPS 186-5 §6.4.1) with the given nonce k, over
            /// z = the field-length big-endian bits2int of the message hash.
            fn fb(bytes: &[u8]) -> FieldBytes {
                let mut out = FieldBytes::default();
                out.copy_from_slice(bytes);
                out
            }

            pub fn sign(d: &[u8], z: &[u8], k: &[u8]) -> (Vec<u8>, Vec<u8>) {
                let d = Option::<NonZeroScalar>::from(NonZeroScalar::from_repr(fb(d)))
                    .expect("private scalar");
                let k = Option::<NonZeroScalar>::from(NonZeroScalar::from_repr(fb(k)))
                    .expect("nonce in range");
                let k: $cr::Scalar = *k.as_ref();
                let (sig, _) = ecdsa::hazmat::sign_prehashed::<$C, _>(d.as_ref(), k, &fb(z))
                    .expect("ECDSA signing");
                let (r, s) = sig.split_bytes();
                (r.to_vec(), s.to_vec())
            }

            /// RustCrypto's ECDSA verification (FIPS 186-5 §6.4.2).
            pub fn verify(point: &[u8], z: &[u8], r: &[u8], s: &[u8]) -> bool {
                let Ok(vk) = ecdsa::VerifyingKey::<$C>::from_sec1_bytes(point) else {
                    return false;
                };
                let Ok(sig) = ecdsa::Signature::<$C>::from_scalars(fb(r), fb(s)) else {
                    return false;
                };
                vk.verify_prehash(z, &sig).is_ok()
            }
        }
    };
}

curve_ops!(p256_ops, p256, p256::NistP256);
curve_ops!(p384_ops, p384, p384::NistP384);
curve_ops!(p521_ops, p521, p521::NistP521);

pub type Generated = (Vec<u8>, Vec<u8>, Vec<u8>, String, Vec<u8>, String);

impl Curve {
    pub const ALL: [Curve; 3] = [Curve::P256, Curve::P384, Curve::P521];

    pub fn id(self) -> &'static str {
        match self {
            Curve::P256 => "p256",
            Curve::P384 => "p384",
            Curve::P521 => "p521",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Curve::P256 => OID_P256,
            Curve::P384 => OID_P384,
            Curve::P521 => OID_P521,
        }
    }

    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Curve> {
        Curve::ALL.into_iter().find(|c| c.oid() == *oid)
    }

    /// Field (and scalar) length in bytes: 32, 48, 66.
    pub fn flen(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    /// Bit length of the group order n.
    pub fn qlen(self) -> usize {
        match self {
            Curve::P256 => 256,
            Curve::P384 => 384,
            Curve::P521 => 521,
        }
    }

    /// The group order n.
    pub fn order(self) -> BigUint {
        let n = uint(&match self {
            Curve::P256 => p256_ops::order(),
            Curve::P384 => p384_ops::order(),
            Curve::P521 => p521_ops::order(),
        });
        assert_eq!(n.bits(), self.qlen());
        n
    }

    pub fn generate(self, rng: &mut rand_chacha::ChaCha20Rng) -> Generated {
        match self {
            Curve::P256 => p256_ops::generate(rng),
            Curve::P384 => p384_ops::generate(rng),
            Curve::P521 => p521_ops::generate(rng),
        }
    }

    pub fn load(self, pem: &str) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        match self {
            Curve::P256 => p256_ops::load(pem),
            Curve::P384 => p384_ops::load(pem),
            Curve::P521 => p521_ops::load(pem),
        }
    }

    /// The uncompressed public point (0x04 || X || Y) of the private scalar `d`.
    pub fn public_point(self, d: &[u8]) -> Vec<u8> {
        match self {
            Curve::P256 => p256_ops::public_point(d),
            Curve::P384 => p384_ops::public_point(d),
            Curve::P521 => p521_ops::public_point(d),
        }
    }

    pub fn point_valid(self, point: &[u8]) -> bool {
        match self {
            Curve::P256 => p256_ops::point_valid(point),
            Curve::P384 => p384_ops::point_valid(point),
            Curve::P521 => p521_ops::point_valid(point),
        }
    }

    /// z: the message hash as the integer ECDSA signs (bits2int: the leftmost
    /// qlen bits when the hash is longer than n, else its plain value),
    /// as field-length bytes.
    pub fn z(self, hash: Hash, msg: &[u8]) -> Vec<u8> {
        fixed(&bits2int(&hash.digest(msg), self.qlen()), self.flen())
    }

    fn sign_raw(self, d: &[u8], z: &[u8], k: &[u8]) -> (Vec<u8>, Vec<u8>) {
        match self {
            Curve::P256 => p256_ops::sign(d, z, k),
            Curve::P384 => p384_ops::sign(d, z, k),
            Curve::P521 => p521_ops::sign(d, z, k),
        }
    }

    /// RustCrypto verification of (r, s) given as field-length byte strings.
    pub fn verify(self, point: &[u8], z: &[u8], r: &[u8], s: &[u8]) -> bool {
        match self {
            Curve::P256 => p256_ops::verify(point, z, r, s),
            Curve::P384 => p384_ops::verify(point, z, r, s),
            Curve::P521 => p521_ops::verify(point, z, r, s),
        }
    }
}

/// RFC 6979 §2.3.2 bits2int: the leftmost qlen bits of b as an integer.
pub fn bits2int(b: &[u8], qlen: usize) -> BigUint {
    let v = uint(b);
    let blen = b.len() * 8;
    if blen > qlen {
        v >> (blen - qlen)
    } else {
        v
    }
}

/// RFC 6979 §3.2: the deterministic nonce k for private key `x` (field-length
/// bytes, = int2octets(x)) and message hash `h1`, with HMAC-`hash`.
pub fn rfc6979_k(curve: Curve, x: &[u8], h1: &[u8], hash: Hash) -> BigUint {
    let q = curve.order();
    let qlen = curve.qlen();
    let rlen = curve.flen();
    // bits2octets(h1) = int2octets(bits2int(h1) mod q)
    let mut z1 = bits2int(h1, qlen);
    if z1 >= q {
        z1 -= &q;
    }
    let h = fixed(&z1, rlen);
    let hlen = hash.len();
    let mut v = vec![0x01u8; hlen];
    let mut k = vec![0x00u8; hlen];
    k = hash.hmac(&k, &[&v, &[0x00], x, &h]);
    v = hash.hmac(&k, &[&v]);
    k = hash.hmac(&k, &[&v, &[0x01], x, &h]);
    v = hash.hmac(&k, &[&v]);
    loop {
        let mut t = Vec::new();
        while t.len() * 8 < qlen {
            v = hash.hmac(&k, &[&v]);
            t.extend_from_slice(&v);
        }
        let cand = bits2int(&t, qlen);
        if cand >= BigUint::from(1u8) && cand < q {
            return cand;
        }
        k = hash.hmac(&k, &[&v, &[0x00]]);
        v = hash.hmac(&k, &[&v]);
    }
}

impl EcKey {
    /// Deterministic ECDSA (RFC 6979 with HMAC-`hash`) of `msg` hashed with
    /// `hash`; returns (r, s). Asserts that RustCrypto verifies the result.
    pub fn sign(&self, hash: Hash, msg: &[u8]) -> (BigUint, BigUint) {
        let c = self.curve;
        let h1 = hash.digest(msg);
        let k = rfc6979_k(c, &self.d, &h1, hash);
        let z = c.z(hash, msg);
        let (r, s) = c.sign_raw(&self.d, &z, &fixed(&k, c.flen()));
        assert!(
            c.verify(&self.point, &z, &r, &s),
            "fresh ECDSA signature must verify"
        );
        (uint(&r), uint(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bytes::unhex;

    /// RFC 6979 Appendix A.2.5 (P-256), message "sample".
    #[test]
    fn rfc6979_p256_sample() {
        let x = unhex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
        let k = rfc6979_k(
            Curve::P256,
            &x,
            &Hash::Sha256.digest(b"sample"),
            Hash::Sha256,
        );
        assert_eq!(
            fixed(&k, 32),
            unhex("A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60")
        );
    }
}
