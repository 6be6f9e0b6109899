//! S10: the authentication certificate is meant for client authentication.
//!
//! web-eid-authtoken-validation-java, `SubjectCertificatePurposeValidator`:
//! "Validates that the purpose of the user certificate from the
//! authentication token contains client authentication." Key usage must be
//! present with digitalSignature; "Digital Signature extension present, but
//! Extended Key Usage extension not present, assume it is an authentication
//! certificate (e.g. Luxembourg eID)"; an EKU that is present must list
//! id-kp-clientAuth. The rule itself is generic X.509
//! ([`crate::x509::purpose`]).

use crate::error::Result;
use crate::x509::cert::Certificate;
use crate::x509::purpose;

/// `x509.purpose.missing` / `x509.purpose.wrong`.
pub(in crate::webeid) fn check(leaf: &Certificate) -> Result<()> {
    purpose::check_client_auth_signature(leaf)
}
