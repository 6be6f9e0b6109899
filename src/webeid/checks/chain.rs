//! S12–S14: the authentication certificate's validity, a path to a
//! configured issuing CA, and that CA's validity.
//!
//! web-eid-authtoken-validation-java, `SubjectCertificateTrustedValidator`:
//! "Checks that the user certificate from the authentication token is valid
//! and signed by a trusted certificate authority. Also checks the validity
//! of the user certificate's trusted CA certificate." (`CertificateValidator`
//! checks the user certificate's dates first, then builds the path, then
//! checks the dates of the one anchor that ended it; other anchors are never
//! date-checked: docs/research/webeid-rules.md §2.4.)

use crate::crypto::Backend;
use crate::error::Result;
use crate::webeid::Anchors;
use crate::x509::cert::Certificate;
use crate::x509::path::{self, Anchor, Usage};
use crate::x509::Quirks;
use crate::UnixTime;

/// The tolerances the reference keeps for real cards: ecdsa-with-SHA*
/// with NULL parameters (the Finnish test cards).
pub(in crate::webeid) const QUIRKS: Quirks = Quirks {
    ecdsa_null_params: true,
};

/// S12–S14 for `leaf` with the token's `intermediates`; returns the anchor
/// that ends the path (its issuing CA).
pub(in crate::webeid) fn check<'a>(
    backend: &dyn Backend,
    leaf: &Certificate,
    intermediates: &[Vec<u8>],
    anchors: &'a Anchors,
    now: UnixTime,
    usage: Usage,
) -> Result<&'a Anchor> {
    // S12: the user certificate's own dates come first, with their own codes.
    leaf.check_validity(now)?;
    // S13-S14: a path to a configured issuing CA, then that CA's dates.
    let anchor = path::verify_path(
        backend,
        leaf,
        intermediates,
        anchors.as_slice(),
        now,
        usage,
        QUIRKS,
    )?;
    anchor.cert.check_validity(now)?;
    Ok(anchor)
}
