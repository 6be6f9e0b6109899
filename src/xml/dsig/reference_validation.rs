//! XML-DSig 1.1 §3.2.1, Reference Validation.
//!
//! "Digest the resulting data object using the `DigestMethod` specified in
//! its `Reference` specification." … "Compare the generated digest value
//! against `DigestValue` in the `SignedInfo` `Reference`; if there is any
//! mismatch, validation fails." (`xmldsig.digest.mismatch`)
//!
//! The data object is the signed element, canonicalized by the
//! `Reference`'s exclusive c14n, with its own `Signature` left out (§6.6.4,
//! `enveloped.rs`). The canonical bytes stream into the hash: no copy.

use super::algorithms::Hasher;
use super::exc_c14n::Canon;
use crate::crypto::HashAlg;
use crate::error::{Error, ErrorCode, Result};
use crate::xml::c14n::{self, Options};
use roxmltree::Node;

/// The digest of the canonical `target` without `signature` is
/// `expected_digest`.
pub(super) fn digest_matches(
    target: Node<'_, '_>,
    signature: Node<'_, '_>,
    dig_hash: HashAlg,
    ref_canon: &Canon<'_>,
    expected_digest: &[u8],
) -> Result<()> {
    let mut hasher = Hasher::new(dig_hash);
    c14n::canonicalize(
        target,
        &Options {
            // XML-DSig 1.1 §4.4.3.3: a bare-name "#id" Reference yields the
            // node-set *without comment nodes*, before any transform; so
            // exc-c14n#WithComments keeps none here (SignedInfo keeps its own).
            with_comments: false,
            inclusive_prefixes: &ref_canon.prefixes,
            exclude: Some(signature.id()),
        },
        &mut hasher,
    )?;
    if hasher.finish() != expected_digest {
        return Err(Error::new(
            ErrorCode::XmldsigDigestMismatch,
            "the signed content does not match its digest",
        ));
    }
    Ok(())
}
