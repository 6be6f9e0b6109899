//! RSASSA-PSS with explicit parameters (RFC 8017 §8.1.2 and §9.1.2): the
//! message hash, the MGF1 hash and the salt length each as the protocol
//! states them, SHA-2 or SHA-3 (FIPS 202). Smart-ID's RP API v3 names all
//! three in each response; [`Algorithm::RsaPss`](super::Algorithm) fixes
//! them (MGF1 with the message hash, salt of the hash's length, SHA-2).
//!
//! The arithmetic is RustCrypto's whatever the backend (`rsa`'s public
//! RSA primitive, `sha2`, `sha3`): ring and AWS-LC offer neither SHA-3 nor
//! a free salt length. The encoding checks are this file's own, written
//! from RFC 8017 §9.1.2 step by step.

use super::key::PublicKey;
use super::HashAlg;
use crate::error::{Error, ErrorCode, Result};

/// A hash for RSASSA-PSS: SHA-2 (FIPS 180-4) or SHA-3 (FIPS 202).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DigestAlg {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// SHA3-256.
    Sha3_256,
    /// SHA3-384.
    Sha3_384,
    /// SHA3-512.
    Sha3_512,
}

impl DigestAlg {
    /// Every hash, in a fixed order.
    pub const ALL: [DigestAlg; 6] = [
        DigestAlg::Sha256,
        DigestAlg::Sha384,
        DigestAlg::Sha512,
        DigestAlg::Sha3_256,
        DigestAlg::Sha3_384,
        DigestAlg::Sha3_512,
    ];

    /// Digest length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            DigestAlg::Sha256 | DigestAlg::Sha3_256 => 32,
            DigestAlg::Sha384 | DigestAlg::Sha3_384 => 48,
            DigestAlg::Sha512 | DigestAlg::Sha3_512 => 64,
        }
    }

    /// The name Smart-ID (and Java's `MessageDigest`) gives it: `SHA-256`,
    /// `SHA3-512`...
    pub const fn name(self) -> &'static str {
        match self {
            DigestAlg::Sha256 => "SHA-256",
            DigestAlg::Sha384 => "SHA-384",
            DigestAlg::Sha512 => "SHA-512",
            DigestAlg::Sha3_256 => "SHA3-256",
            DigestAlg::Sha3_384 => "SHA3-384",
            DigestAlg::Sha3_512 => "SHA3-512",
        }
    }

    /// The hash [`DigestAlg::name`] names, exactly (case included).
    pub fn from_name(name: &str) -> Option<DigestAlg> {
        DigestAlg::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Hashes the concatenation of `parts`.
    pub fn digest_parts(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: sha2::Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut d = D::new();
            for p in parts {
                d.update(p);
            }
            d.finalize().to_vec()
        }
        match self {
            DigestAlg::Sha256 => run::<sha2::Sha256>(parts),
            DigestAlg::Sha384 => run::<sha2::Sha384>(parts),
            DigestAlg::Sha512 => run::<sha2::Sha512>(parts),
            DigestAlg::Sha3_256 => run::<sha3::Sha3_256>(parts),
            DigestAlg::Sha3_384 => run::<sha3::Sha3_384>(parts),
            DigestAlg::Sha3_512 => run::<sha3::Sha3_512>(parts),
        }
    }

    /// Hashes `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        self.digest_parts(&[data])
    }
}

impl From<HashAlg> for DigestAlg {
    fn from(h: HashAlg) -> DigestAlg {
        match h {
            HashAlg::Sha256 => DigestAlg::Sha256,
            HashAlg::Sha384 => DigestAlg::Sha384,
            HashAlg::Sha512 => DigestAlg::Sha512,
        }
    }
}

/// RSASSA-PSS parameters (RFC 8017 §A.2.3, `RSASSA-PSS-params`, with
/// MGF1 and trailer field `0xbc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PssParams {
    /// The hash of the message (and of `M'`).
    pub hash: DigestAlg,
    /// MGF1's hash.
    pub mgf1_hash: DigestAlg,
    /// The salt's length in bytes.
    pub salt_len: usize,
}

/// MGF1 (RFC 8017 §B.2.1) of `seed`, `len` bytes, xored into `out`.
fn mgf1_xor(hash: DigestAlg, seed: &[u8], out: &mut [u8]) {
    let mut counter: u32 = 0;
    for chunk in out.chunks_mut(hash.output_len()) {
        let block = hash.digest_parts(&[seed, &counter.to_be_bytes()]);
        for (o, m) in chunk.iter_mut().zip(block) {
            *o ^= m;
        }
        counter = counter.wrapping_add(1);
    }
}

/// EMSA-PSS-VERIFY (RFC 8017 §9.1.2) of `em`, `em_bits` long, for `m_hash`.
fn emsa_pss_verify(params: &PssParams, m_hash: &[u8], em: &[u8], em_bits: usize) -> bool {
    let h_len = params.hash.output_len();
    let s_len = params.salt_len;
    let em_len = em.len();
    // Step 3.
    let Some(db_len) = em_len.checked_sub(h_len + 1) else {
        return false;
    };
    if em_len < h_len.saturating_add(s_len).saturating_add(2) {
        return false;
    }
    // Steps 4 and 5.
    let Some((&trailer, rest)) = em.split_last() else {
        return false;
    };
    if trailer != 0xbc {
        return false;
    }
    let (masked_db, h) = rest.split_at(db_len);
    // Step 6: the leftmost 8·emLen − emBits bits of maskedDB are zero.
    let zero_bits = 8 * em_len - em_bits;
    let top_mask: u8 = if zero_bits >= 8 { 0 } else { 0xff >> zero_bits };
    match masked_db.first() {
        Some(b) if b & !top_mask == 0 => {}
        _ => return false,
    }
    // Steps 7 to 9.
    let mut db = masked_db.to_vec();
    mgf1_xor(params.mgf1_hash, h, &mut db);
    if let Some(b) = db.first_mut() {
        *b &= top_mask;
    }
    // Step 10: PS zeros, then 0x01.
    let ps_len = em_len - h_len - s_len - 2;
    let (ps, rest) = db.split_at(ps_len);
    if ps.iter().any(|&b| b != 0) || rest.first() != Some(&0x01) {
        return false;
    }
    // Steps 11 to 14.
    let salt = rest.get(1..).unwrap_or_default();
    let h2 = params.hash.digest_parts(&[&[0u8; 8], m_hash, salt]);
    h2 == h
}

/// Verifies an RSASSA-PSS `signature` over `message` with `key` (RSA
/// only) and `params`, RFC 8017 §8.1.2: the signature exactly the
/// modulus's length and below it, then EMSA-PSS-VERIFY. Key size policy
/// is [`PublicKey`]'s (2048 to 8192 bits). `crypto.key.mismatch` for a
/// key that is not RSA, `crypto.signature.invalid` otherwise.
pub fn verify_rsa_pss(
    key: &PublicKey,
    params: &PssParams,
    message: &[u8],
    signature: &[u8],
) -> Result<()> {
    use rsa::traits::PublicKeyParts as _;
    let (n, e) = key.rsa_components().ok_or(Error::new(
        ErrorCode::CryptoKeyMismatch,
        "RSASSA-PSS needs an RSA key",
    ))?;
    let invalid = || {
        Error::new(
            ErrorCode::CryptoSignatureInvalid,
            "the RSASSA-PSS signature does not verify",
        )
    };
    let pk = rsa::RsaPublicKey::new_with_max_size(
        rsa::BigUint::from_bytes_be(n),
        rsa::BigUint::from_bytes_be(e),
        super::key::RSA_MAX_BITS,
    )
    .map_err(|_| invalid())?;
    let k = pk.size();
    // §8.1.2 step 1: the signature is k octets.
    if signature.len() != k {
        return Err(invalid());
    }
    // Step 2: RSAVP1, s < n.
    let s = rsa::BigUint::from_bytes_be(signature);
    if &s >= pk.n() {
        return Err(invalid());
    }
    let m = rsa::hazmat::rsa_encrypt(&pk, &s).map_err(|_| invalid())?;
    let mod_bits = pk.n().bits();
    let em_bits = mod_bits.saturating_sub(1);
    let em_len = em_bits.div_ceil(8);
    let m = m.to_bytes_be();
    if m.len() > em_len {
        return Err(invalid());
    }
    let mut em = vec![0u8; em_len - m.len()];
    em.extend_from_slice(&m);
    // Step 3.
    let m_hash = params.hash.digest(message);
    if emsa_pss_verify(params, &m_hash, &em, em_bits) {
        Ok(())
    } else {
        Err(invalid())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn names_round_trip_and_lengths_match_the_digests() {
        for d in DigestAlg::ALL {
            assert_eq!(DigestAlg::from_name(d.name()), Some(d));
            assert_eq!(d.digest(b"abc").len(), d.output_len());
        }
        assert_eq!(DigestAlg::from_name("sha-256"), None);
        assert_eq!(DigestAlg::from_name("SHA3_256"), None);
    }

    #[test]
    fn sha3_known_answers() {
        // FIPS 202 example values for "abc" (NIST CSRC examples).
        assert_eq!(
            hex(&DigestAlg::Sha3_256.digest(b"abc")),
            "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"
        );
        assert_eq!(
            hex(&DigestAlg::Sha3_512.digest(b"abc")),
            "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e\
             10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0"
        );
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn a_short_or_malformed_encoding_is_refused_not_panicking() {
        let p = PssParams {
            hash: DigestAlg::Sha512,
            mgf1_hash: DigestAlg::Sha512,
            salt_len: 64,
        };
        for len in [0usize, 1, 64, 65, 129, 130, 131, 256] {
            let mut em = vec![0u8; len];
            if let Some(l) = em.last_mut() {
                *l = 0xbc;
            }
            assert!(!emsa_pss_verify(&p, &[0; 64], &em, len * 8));
            assert!(!emsa_pss_verify(
                &p,
                &[0; 64],
                &em,
                (len * 8).saturating_sub(1)
            ));
        }
        let huge = PssParams {
            salt_len: usize::MAX,
            ..p
        };
        assert!(!emsa_pss_verify(&huge, &[0; 64], &[0xbc; 512], 4095));
    }
}
