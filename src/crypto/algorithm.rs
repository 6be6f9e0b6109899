//! The signature algorithms idbridge accepts, and the caller's allow-list.
//!
//! The caller names the algorithm; the input never chooses it (ring's
//! `UnparsedPublicKey::new(&ECDSA_P384_SHA384_FIXED, key)` is the model).
//! A verifier maps what a format declares (`ES384`, an XML-DSig
//! `SignatureMethod`) to an [`Algorithm`] and then asks whether the caller's
//! [`AllowList`] holds it.

use crate::error::{Error, ErrorCode, Result};
use core::fmt;

/// A hash function of the SHA-2 family.
///
/// `#[non_exhaustive]`: hashes are added as verifiers need them (SHA-3 for
/// Smart-ID), so a `match` outside this crate needs a wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HashAlg {
    /// SHA-256 (FIPS 180-4).
    Sha256,
    /// SHA-384 (FIPS 180-4).
    Sha384,
    /// SHA-512 (FIPS 180-4).
    Sha512,
}

impl HashAlg {
    /// Digest length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }

    /// Hashes `data` in one go.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        match self {
            HashAlg::Sha256 => sha2::Sha256::digest(data).to_vec(),
            HashAlg::Sha384 => sha2::Sha384::digest(data).to_vec(),
            HashAlg::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    #[cfg(test)]
    const fn name(self) -> &'static str {
        match self {
            HashAlg::Sha256 => "sha256",
            HashAlg::Sha384 => "sha384",
            HashAlg::Sha512 => "sha512",
        }
    }
}

/// A NIST prime curve.
///
/// `#[non_exhaustive]`: curves are added as verifiers need them (brainpool
/// for ICAO and IT-Wallet), so a `match` outside this crate needs a
/// wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Curve {
    /// P-256 (secp256r1, prime256v1).
    P256,
    /// P-384 (secp384r1).
    P384,
    /// P-521 (secp521r1).
    P521,
}

impl Curve {
    /// The length of a field element and of a scalar, in bytes.
    pub const fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    #[cfg(test)]
    const fn name(self) -> &'static str {
        match self {
            Curve::P256 => "p256",
            Curve::P384 => "p384",
            Curve::P521 => "p521",
        }
    }
}

/// How an ECDSA signature is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EcdsaEncoding {
    /// Fixed-width `r ‖ s`, each big-endian and exactly the curve's field
    /// length (JWS, Web eID, WebCrypto, XML-DSig 1.1's ECDSA).
    Raw,
    /// Strict DER `SEQUENCE { INTEGER r, INTEGER s }` (X.509, RFC 3279 §2.2.3).
    Der,
}

/// A signature algorithm: key type, hash and, for ECDSA, the signature encoding.
///
/// `#[non_exhaustive]`: algorithms are added as verifiers need them; the
/// [`AllowList`] grows with [`Algorithm::COUNT`], and a `match` outside
/// this crate needs a wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2), keys of 2048 to 8192 bits.
    RsaPkcs1v15(HashAlg),
    /// RSASSA-PSS (RFC 8017 §8.1), MGF1 with the same hash, salt length =
    /// hash length, trailer 0xBC; keys of 2048 to 8192 bits.
    RsaPss(HashAlg),
    /// ECDSA (FIPS 186-5 §6.4) over a NIST curve.
    Ecdsa {
        /// The curve the key must be on.
        curve: Curve,
        /// The hash of the message (truncated to the order's length when longer).
        hash: HashAlg,
        /// The signature encoding.
        encoding: EcdsaEncoding,
    },
    /// Ed25519 (RFC 8032 §5.1): PureEdDSA over edwards25519, the message
    /// signed as is, 64-byte signatures, cofactorless verification with
    /// `S < L`. Verified with the `ed25519` feature (RustCrypto's
    /// `ed25519-dalek`; AWS-LC and ring natively). Not in
    /// [`AllowList::default`]: a caller opts in with [`AllowList::with`].
    Ed25519,
}

/// The identifiers, in [`Algorithm::ALL`] order.
const IDS: [&str; Algorithm::COUNT] = [
    "rsa-pkcs1v15-sha256",
    "rsa-pkcs1v15-sha384",
    "rsa-pkcs1v15-sha512",
    "rsa-pss-sha256",
    "rsa-pss-sha384",
    "rsa-pss-sha512",
    "ecdsa-p256-sha256-raw",
    "ecdsa-p256-sha256-der",
    "ecdsa-p256-sha384-raw",
    "ecdsa-p256-sha384-der",
    "ecdsa-p256-sha512-raw",
    "ecdsa-p256-sha512-der",
    "ecdsa-p384-sha256-raw",
    "ecdsa-p384-sha256-der",
    "ecdsa-p384-sha384-raw",
    "ecdsa-p384-sha384-der",
    "ecdsa-p384-sha512-raw",
    "ecdsa-p384-sha512-der",
    "ecdsa-p521-sha256-raw",
    "ecdsa-p521-sha256-der",
    "ecdsa-p521-sha384-raw",
    "ecdsa-p521-sha384-der",
    "ecdsa-p521-sha512-raw",
    "ecdsa-p521-sha512-der",
    "ed25519",
];

const HASHES: [HashAlg; 3] = [HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512];
const CURVES: [Curve; 3] = [Curve::P256, Curve::P384, Curve::P521];

impl Algorithm {
    /// The number of supported algorithms.
    pub const COUNT: usize = 25;

    /// Every supported algorithm, in a fixed order (RSA PKCS#1, RSA-PSS,
    /// ECDSA by curve, hash and encoding, then Ed25519). New algorithms are
    /// appended, so an index never changes.
    // Const evaluation: the indices are bounded by construction and checked at compile time.
    #[allow(clippy::indexing_slicing)]
    pub const ALL: [Algorithm; Algorithm::COUNT] = {
        let mut all = [Algorithm::RsaPkcs1v15(HashAlg::Sha256); Algorithm::COUNT];
        let mut i = 0;
        while i < 3 {
            all[i] = Algorithm::RsaPkcs1v15(HASHES[i]);
            all[3 + i] = Algorithm::RsaPss(HASHES[i]);
            i += 1;
        }
        let mut c = 0;
        while c < 3 {
            let mut h = 0;
            while h < 3 {
                let base = 6 + c * 6 + h * 2;
                all[base] = Algorithm::Ecdsa {
                    curve: CURVES[c],
                    hash: HASHES[h],
                    encoding: EcdsaEncoding::Raw,
                };
                all[base + 1] = Algorithm::Ecdsa {
                    curve: CURVES[c],
                    hash: HASHES[h],
                    encoding: EcdsaEncoding::Der,
                };
                h += 1;
            }
            c += 1;
        }
        all[24] = Algorithm::Ed25519;
        all
    };

    /// ES256 in JWS and Web eID: P-256, SHA-256, raw `r ‖ s`.
    pub const ECDSA_P256_SHA256_RAW: Algorithm = Algorithm::Ecdsa {
        curve: Curve::P256,
        hash: HashAlg::Sha256,
        encoding: EcdsaEncoding::Raw,
    };
    /// ES384 in JWS and Web eID: P-384, SHA-384, raw `r ‖ s`.
    pub const ECDSA_P384_SHA384_RAW: Algorithm = Algorithm::Ecdsa {
        curve: Curve::P384,
        hash: HashAlg::Sha384,
        encoding: EcdsaEncoding::Raw,
    };
    /// ES512 in JWS and Web eID: P-521, SHA-512, raw `r ‖ s`.
    pub const ECDSA_P521_SHA512_RAW: Algorithm = Algorithm::Ecdsa {
        curve: Curve::P521,
        hash: HashAlg::Sha512,
        encoding: EcdsaEncoding::Raw,
    };
    /// RS256: RSASSA-PKCS1-v1_5 with SHA-256.
    pub const RSA_PKCS1V15_SHA256: Algorithm = Algorithm::RsaPkcs1v15(HashAlg::Sha256);
    /// PS256: RSASSA-PSS with SHA-256.
    pub const RSA_PSS_SHA256: Algorithm = Algorithm::RsaPss(HashAlg::Sha256);

    /// The algorithm's position in [`Algorithm::ALL`].
    pub const fn index(self) -> usize {
        const fn h(x: HashAlg) -> usize {
            match x {
                HashAlg::Sha256 => 0,
                HashAlg::Sha384 => 1,
                HashAlg::Sha512 => 2,
            }
        }
        match self {
            Algorithm::RsaPkcs1v15(x) => h(x),
            Algorithm::RsaPss(x) => 3 + h(x),
            Algorithm::Ecdsa {
                curve,
                hash,
                encoding,
            } => {
                let c = match curve {
                    Curve::P256 => 0,
                    Curve::P384 => 1,
                    Curve::P521 => 2,
                };
                let e = match encoding {
                    EcdsaEncoding::Raw => 0,
                    EcdsaEncoding::Der => 1,
                };
                6 + c * 6 + h(hash) * 2 + e
            }
            Algorithm::Ed25519 => 24,
        }
    }

    /// The hash the message is digested with (Ed25519: SHA-512, inside
    /// the signature scheme).
    pub const fn hash(self) -> HashAlg {
        match self {
            Algorithm::RsaPkcs1v15(h) | Algorithm::RsaPss(h) => h,
            Algorithm::Ecdsa { hash, .. } => hash,
            Algorithm::Ed25519 => HashAlg::Sha512,
        }
    }

    /// The stable identifier, e.g. `"ecdsa-p384-sha384-raw"` or `"rsa-pss-sha256"`.
    pub fn id(self) -> &'static str {
        IDS.get(self.index()).copied().unwrap_or("")
    }

    /// The algorithm with identifier `id` (exact, case-sensitive).
    ///
    /// Anything else, SHA-1, HMAC, `none` and other spellings included, is
    /// `crypto.algorithm.forbidden`.
    ///
    /// ```
    /// use idbridge::crypto::Algorithm;
    /// assert_eq!(Algorithm::from_id("rsa-pss-sha256")?, Algorithm::RSA_PSS_SHA256);
    /// assert_eq!(Algorithm::from_id("rsa-pkcs1v15-sha1").unwrap_err().code(),
    ///            "crypto.algorithm.forbidden");
    /// # Ok::<(), idbridge::Error>(())
    /// ```
    pub fn from_id(id: &str) -> Result<Algorithm> {
        Algorithm::ALL
            .iter()
            .copied()
            .find(|a| a.id() == id)
            .ok_or(Error::new(
                ErrorCode::CryptoAlgorithmForbidden,
                "the algorithm is not one idbridge supports",
            ))
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A fixed-width bitset of `WORDS` 64-bit words: bit `i` is bit `i % 64` of
/// word `i / 64`. Its `const fn`s take indices below `64 * WORDS` (callers
/// pass [`Algorithm::index`], below [`Algorithm::COUNT`]); a larger index
/// is ignored, never a panic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Bits<const WORDS: usize>([u64; WORDS]);

impl<const WORDS: usize> Bits<WORDS> {
    const EMPTY: Self = Bits([0; WORDS]);

    /// Bits `0..n` set.
    const fn first(n: usize) -> Self {
        let mut bits = Self::EMPTY;
        let mut i = 0;
        while i < n {
            bits = bits.with(i);
            i += 1;
        }
        bits
    }

    const fn with(self, i: usize) -> Self {
        let mut words = self.0;
        if i / 64 < WORDS {
            // Bounded by the test above.
            #[allow(clippy::indexing_slicing)]
            {
                words[i / 64] |= 1u64 << (i % 64);
            }
        }
        Bits(words)
    }

    const fn without(self, i: usize) -> Self {
        let mut words = self.0;
        if i / 64 < WORDS {
            // Bounded by the test above.
            #[allow(clippy::indexing_slicing)]
            {
                words[i / 64] &= !(1u64 << (i % 64));
            }
        }
        Bits(words)
    }

    const fn contains(self, i: usize) -> bool {
        // Bounded by the test before the index.
        #[allow(clippy::indexing_slicing)]
        {
            i / 64 < WORDS && self.0[i / 64] & (1u64 << (i % 64)) != 0
        }
    }
}

/// The words an [`AllowList`] needs: one bit per [`Algorithm::ALL`] entry.
const ALLOW_WORDS: usize = Algorithm::COUNT.div_ceil(64);

/// The set of algorithms a caller accepts.
///
/// A bitset over [`Algorithm::index`] whose width follows
/// [`Algorithm::COUNT`], so adding algorithms never caps it.
///
/// ```
/// use idbridge::crypto::{Algorithm, AllowList};
/// let only_es384 = AllowList::none().with(Algorithm::ECDSA_P384_SHA384_RAW);
/// assert!(only_es384.contains(Algorithm::ECDSA_P384_SHA384_RAW));
/// assert!(!only_es384.contains(Algorithm::RSA_PSS_SHA256));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AllowList(Bits<ALLOW_WORDS>);

impl Default for AllowList {
    /// The algorithms of SAML and Web eID: every supported one but Ed25519
    /// (which a caller adds with [`AllowList::with`]). Algorithms added for
    /// newer schemes stay out of the default.
    fn default() -> Self {
        AllowList::all().without(Algorithm::Ed25519)
    }
}

impl AllowList {
    /// Every supported algorithm.
    pub const fn all() -> Self {
        AllowList(Bits::first(Algorithm::COUNT))
    }

    /// No algorithm at all.
    pub const fn none() -> Self {
        AllowList(Bits::EMPTY)
    }

    /// This list plus `alg`.
    #[must_use]
    pub const fn with(self, alg: Algorithm) -> Self {
        AllowList(self.0.with(alg.index()))
    }

    /// This list without `alg`.
    #[must_use]
    pub const fn without(self, alg: Algorithm) -> Self {
        AllowList(self.0.without(alg.index()))
    }

    /// Whether `alg` is allowed.
    pub const fn contains(self, alg: Algorithm) -> bool {
        self.0.contains(alg.index())
    }

    /// The allowed algorithms, in [`Algorithm::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Algorithm> {
        Algorithm::ALL
            .into_iter()
            .filter(move |a| self.contains(*a))
    }

    /// `Ok(())` when `alg` is allowed, else `crypto.algorithm.forbidden`.
    pub fn check(self, alg: Algorithm) -> Result<()> {
        if self.contains(alg) {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::CryptoAlgorithmForbidden,
                "the algorithm is not on the caller's allow-list",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_indexed_and_ids_round_trip() {
        let mut ids = std::collections::HashSet::new();
        for (i, a) in Algorithm::ALL.iter().enumerate() {
            assert_eq!(a.index(), i);
            assert!(ids.insert(a.id()));
            assert_eq!(Algorithm::from_id(a.id()).unwrap(), *a);
        }
        assert_eq!(ids.len(), Algorithm::COUNT);
    }

    #[test]
    fn ids_spell_out_the_parameters() {
        for a in Algorithm::ALL {
            let expected = match a {
                Algorithm::RsaPkcs1v15(h) => format!("rsa-pkcs1v15-{}", h.name()),
                Algorithm::RsaPss(h) => format!("rsa-pss-{}", h.name()),
                Algorithm::Ecdsa {
                    curve,
                    hash,
                    encoding,
                } => format!(
                    "ecdsa-{}-{}-{}",
                    curve.name(),
                    hash.name(),
                    if encoding == EcdsaEncoding::Raw {
                        "raw"
                    } else {
                        "der"
                    }
                ),
                Algorithm::Ed25519 => "ed25519".to_string(),
            };
            assert_eq!(a.id(), expected);
        }
    }

    #[test]
    fn unknown_and_weak_ids_are_forbidden() {
        for id in [
            "",
            "none",
            "rsa-pkcs1v15-sha1",
            "ecdsa-p256-sha1-der",
            "hmac-sha256",
            "ed448",
            "eddsa",
            "RSA-PKCS1V15-SHA256",
            "rsa-pss-sha256 ",
        ] {
            assert_eq!(
                Algorithm::from_id(id).unwrap_err().kind(),
                ErrorCode::CryptoAlgorithmForbidden
            );
        }
    }

    #[test]
    fn allow_list_set_operations() {
        let l = AllowList::all().without(Algorithm::RSA_PSS_SHA256);
        assert!(!l.contains(Algorithm::RSA_PSS_SHA256));
        assert_eq!(l.iter().count(), Algorithm::COUNT - 1);
        assert!(l.check(Algorithm::RSA_PSS_SHA256).is_err());
        assert!(AllowList::none().iter().next().is_none());
        // The default: the 24 algorithms of SAML and Web eID, no Ed25519.
        let default = AllowList::default();
        assert_eq!(default.iter().count(), 24);
        assert!(!default.contains(Algorithm::Ed25519));
        assert_eq!(default.with(Algorithm::Ed25519), AllowList::all());
    }

    #[test]
    fn allow_list_is_as_wide_as_the_table() {
        const { assert!(ALLOW_WORDS * 64 >= Algorithm::COUNT) };
        assert_eq!(AllowList::all().iter().count(), Algorithm::COUNT);
        for a in Algorithm::ALL {
            assert!(AllowList::none().with(a).contains(a));
            assert_eq!(AllowList::none().with(a).iter().collect::<Vec<_>>(), [a]);
            assert!(!AllowList::all().without(a).contains(a));
        }
    }

    /// A table past 64 (and past 128) algorithms: the bitset the allow-list
    /// is made of, at the width such a table would give it.
    #[test]
    fn bits_past_64_work() {
        const COUNT: usize = 130;
        type Wide = Bits<{ COUNT.div_ceil(64) }>;
        const ALL: Wide = Wide::first(COUNT);
        for i in 0..COUNT {
            assert!(ALL.contains(i), "{i}");
            let one = Wide::EMPTY.with(i);
            assert!((0..COUNT).all(|j| one.contains(j) == (i == j)), "{i}");
            let rest = ALL.without(i);
            assert!((0..COUNT).all(|j| rest.contains(j) == (i != j)), "{i}");
        }
        // Out of range: ignored, never a panic.
        assert!(!ALL.contains(192));
        assert_eq!(ALL.with(192), ALL);
        assert!(!Wide::first(COUNT).contains(COUNT));
    }
}
