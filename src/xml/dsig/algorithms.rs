//! The signature and digest algorithms, from an allow-list.
//!
//! XML-DSig 1.1 §4.4.2: "`SignatureMethod` is a required element that
//! specifies the algorithm used for signature generation and validation."
//! §4.4.3.5: "`DigestMethod` is a required element that identifies the
//! digest algorithm to be applied to the signed object."
//!
//! The algorithm comes from the signature, so only the allow-list below
//! is accepted: RSA PKCS #1 v1.5 and ECDSA with SHA-256/384/512 (RFC 6931
//! §2.3, identifiers of RFC 4051), digests SHA-256/384/512 (XML
//! Encryption §5.7.2, RFC 6931 §2.1.3). SHA-1 and everything else is
//! refused (`xmldsig.algorithm.forbidden`).

use super::{algorithm_attr, element_children, forbidden, invalid};
use crate::crypto::HashAlg;
use crate::error::Result;
use crate::xml::c14n::Sink;
use roxmltree::Node;

/// A signature algorithm on the allow-list.
#[derive(Clone, Copy)]
pub(super) struct SignatureAlgorithm {
    /// ECDSA (else RSA PKCS #1 v1.5).
    pub(super) is_ecdsa: bool,
    pub(super) hash: HashAlg,
}

/// §4.4.2: the `SignatureMethod`'s algorithm, allowed, and no content.
pub(super) fn signature_method(sig_method: Node<'_, '_>) -> Result<SignatureAlgorithm> {
    let (is_ecdsa, hash) = signature_uri(algorithm_attr(sig_method)?)
        .ok_or_else(|| forbidden("the signature method is not on the allow-list"))?;
    if !element_children(sig_method)?.is_empty() {
        return Err(invalid("unexpected content in SignatureMethod"));
    }
    Ok(SignatureAlgorithm { is_ecdsa, hash })
}

/// §4.4.3.5: the `DigestMethod`'s algorithm, allowed, and no content.
pub(super) fn digest_method(dig_method: Node<'_, '_>) -> Result<HashAlg> {
    let dig_hash = digest_uri(algorithm_attr(dig_method)?)
        .ok_or_else(|| forbidden("the digest method is not on the allow-list"))?;
    if !element_children(dig_method)?.is_empty() {
        return Err(invalid("unexpected content in DigestMethod"));
    }
    Ok(dig_hash)
}

fn signature_uri(uri: &str) -> Option<(bool, HashAlg)> {
    // (is_ecdsa, hash)
    Some(match uri {
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => (false, HashAlg::Sha256),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => (false, HashAlg::Sha384),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => (false, HashAlg::Sha512),
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" => (true, HashAlg::Sha256),
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384" => (true, HashAlg::Sha384),
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512" => (true, HashAlg::Sha512),
        _ => return None,
    })
}

fn digest_uri(uri: &str) -> Option<HashAlg> {
    Some(match uri {
        "http://www.w3.org/2001/04/xmlenc#sha256" => HashAlg::Sha256,
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => HashAlg::Sha384,
        "http://www.w3.org/2001/04/xmlenc#sha512" => HashAlg::Sha512,
        _ => return None,
    })
}

/// A hash that canonical bytes stream into.
pub(super) enum Hasher {
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    pub(super) fn new(h: HashAlg) -> Hasher {
        use sha2::Digest;
        match h {
            HashAlg::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            HashAlg::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            HashAlg::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    pub(super) fn finish(self) -> Vec<u8> {
        use sha2::Digest;
        match self {
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

impl Sink for Hasher {
    fn write(&mut self, bytes: &[u8]) {
        use sha2::Digest;
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha384(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }
}
