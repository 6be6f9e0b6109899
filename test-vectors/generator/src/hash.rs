//! The hash functions the vectors use, behind one small enum.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    pub const SHA2: [Hash; 3] = [Hash::Sha256, Hash::Sha384, Hash::Sha512];

    /// The name used in algorithm identifiers.
    pub fn id(self) -> &'static str {
        match self {
            Hash::Sha1 => "sha1",
            Hash::Sha256 => "sha256",
            Hash::Sha384 => "sha384",
            Hash::Sha512 => "sha512",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }

    pub fn len(self) -> usize {
        match self {
            Hash::Sha1 => 20,
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }

    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => Sha1::digest(data).to_vec(),
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha384 => Sha384::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    /// HMAC keyed with `key` over the concatenation of `parts`.
    pub fn hmac(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
            let mut mac =
                <M as hmac::digest::KeyInit>::new_from_slice(key).expect("any key length");
            for p in parts {
                mac.update(p);
            }
            mac.finalize().into_bytes().to_vec()
        }
        match self {
            Hash::Sha1 => run::<Hmac<Sha1>>(key, parts),
            Hash::Sha256 => run::<Hmac<Sha256>>(key, parts),
            Hash::Sha384 => run::<Hmac<Sha384>>(key, parts),
            Hash::Sha512 => run::<Hmac<Sha512>>(key, parts),
        }
    }

    /// DER of `DigestInfo` up to the digest octets (RFC 8017 §9.2 note 1).
    pub fn digest_info_prefix(self) -> Vec<u8> {
        crate::bytes::unhex(match self {
            Hash::Sha1 => "3021300906052b0e03021a05000414",
            Hash::Sha256 => "3031300d060960864801650304020105000420",
            Hash::Sha384 => "3041300d060960864801650304020205000430",
            Hash::Sha512 => "3051300d060960864801650304020305000440",
        })
    }

    /// MGF1 (RFC 8017 §B.2.1) with this hash.
    pub fn mgf1(self, seed: &[u8], len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + self.len());
        let mut counter: u32 = 0;
        while out.len() < len {
            out.extend(self.digest(&crate::bytes::concat(&[seed, &counter.to_be_bytes()])));
            counter += 1;
        }
        out.truncate(len);
        out
    }
}
