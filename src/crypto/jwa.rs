//! JSON Web Algorithms names for digital signatures, as idbridge
//! [`Algorithm`]s: a pure table and its lookup, no policy.
//!
//! RFC 7518 §3.1, "The table below is the set of "alg" (algorithm) Header
//! Parameter values defined by this specification for use with JWS":
//!
//! | `alg`  | RFC 7518 | idbridge                                   |
//! |--------|----------|--------------------------------------------|
//! | RS256  | §3.3     | RSASSA-PKCS1-v1_5 with SHA-256             |
//! | RS384  | §3.3     | RSASSA-PKCS1-v1_5 with SHA-384             |
//! | RS512  | §3.3     | RSASSA-PKCS1-v1_5 with SHA-512             |
//! | ES256  | §3.4     | ECDSA P-256 with SHA-256, raw `R ‖ S`      |
//! | ES384  | §3.4     | ECDSA P-384 with SHA-384, raw `R ‖ S`      |
//! | ES512  | §3.4     | ECDSA P-521 with SHA-512, raw `R ‖ S`      |
//! | PS256  | §3.5     | RSASSA-PSS with SHA-256, MGF1-SHA-256      |
//! | PS384  | §3.5     | RSASSA-PSS with SHA-384, MGF1-SHA-384      |
//! | PS512  | §3.5     | RSASSA-PSS with SHA-512, MGF1-SHA-512      |
//!
//! The details that make a name one algorithm and not a family:
//!
//! - ECDSA (§3.4): the signature is "the concatenation of the two integers
//!   R and S ... each a 32-octet [48, 66] sequence" (`R ‖ S`, each left-padded
//!   to the curve's byte length: 64, 96, 132 bytes), never DER; the curve
//!   is fixed by the name (ES512 is P-521, not P-512).
//! - RSASSA-PSS (§3.5): "The size of the salt value is the same size as the
//!   hash function output", MGF1 with the same hash; trailer field 0xBC.
//! - RSA (§3.3, §3.5): "A key of size 2048 bits or larger MUST be used"
//!   ([`super::RSA_MIN_BITS`]).
//!
//! Names are matched exactly and case-sensitively ("es384", "none" and
//! "HS256" are not here: MACs and `none` are not signatures). Which names a
//! caller accepts is its [`super::AllowList`]'s business, not this table's.

use super::{Algorithm, HashAlg};

/// Every JWA signature name idbridge knows, with its algorithm.
#[cfg_attr(not(any(feature = "jose", feature = "webeid")), allow(dead_code))] // JWS algorithm names: jose and Web eID
pub(crate) const TABLE: [(&str, Algorithm); 9] = [
    ("ES256", Algorithm::ECDSA_P256_SHA256_RAW),
    ("ES384", Algorithm::ECDSA_P384_SHA384_RAW),
    ("ES512", Algorithm::ECDSA_P521_SHA512_RAW),
    ("PS256", Algorithm::RsaPss(HashAlg::Sha256)),
    ("PS384", Algorithm::RsaPss(HashAlg::Sha384)),
    ("PS512", Algorithm::RsaPss(HashAlg::Sha512)),
    ("RS256", Algorithm::RsaPkcs1v15(HashAlg::Sha256)),
    ("RS384", Algorithm::RsaPkcs1v15(HashAlg::Sha384)),
    ("RS512", Algorithm::RsaPkcs1v15(HashAlg::Sha512)),
];

/// The algorithm named `alg` (exact, case-sensitive), if the table has it.
#[cfg_attr(not(any(feature = "jose", feature = "webeid")), allow(dead_code))] // JWS algorithm names: jose and Web eID
pub(crate) fn algorithm(alg: &str) -> Option<Algorithm> {
    TABLE.iter().find(|(name, _)| *name == alg).map(|(_, a)| *a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{Curve, EcdsaEncoding};

    #[test]
    fn names_are_exact() {
        assert_eq!(algorithm("ES384"), Some(Algorithm::ECDSA_P384_SHA384_RAW));
        for bad in ["es384", "HS256", "none", "NONE", "", "ES384 ", "EdDSA"] {
            assert_eq!(algorithm(bad), None, "{bad}");
        }
    }

    #[test]
    fn ecdsa_names_fix_the_curve_and_the_raw_encoding() {
        assert_eq!(
            algorithm("ES512"),
            Some(Algorithm::Ecdsa {
                curve: Curve::P521,
                hash: HashAlg::Sha512,
                encoding: EcdsaEncoding::Raw,
            })
        );
    }

    #[test]
    fn the_hash_is_the_names_last_three_digits() {
        for (name, alg) in TABLE {
            let bits = alg.hash().output_len() * 8;
            assert!(name.ends_with(&bits.to_string()), "{name}");
        }
    }
}
