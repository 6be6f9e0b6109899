//! The end-entity certificate's purpose: what its key may be used for.
//!
//! RFC 5280 §4.2.1.3: "The key usage extension defines the purpose (e.g.,
//! encipherment, signature, certificate signing) of the key contained in
//! the certificate." RFC 5280 §4.2.1.12: "If the extension is present, then
//! the certificate MUST only be used for one of the purposes indicated."
//!
//! The certificate as read carries no trust: callers check purpose on a
//! certificate whose path they validate too.

use super::cert::{ku, Certificate, EKU_CLIENT_AUTH};
use crate::error::{Error, ErrorCode, Result};

/// A client-authentication signing key: the key usage extension is present
/// (`x509.purpose.missing`) with digitalSignature (`x509.purpose.wrong`),
/// and an extended key usage, when present and not empty, lists
/// id-kp-clientAuth (`x509.purpose.wrong`).
pub(crate) fn check_client_auth_signature(c: &Certificate) -> Result<()> {
    let bits = c.key_usage.ok_or(Error::new(
        ErrorCode::X509PurposeMissing,
        "the certificate has no key usage",
    ))?;
    if bits & ku::DIGITAL_SIGNATURE == 0 {
        return Err(Error::new(
            ErrorCode::X509PurposeWrong,
            "the key usage lacks digitalSignature",
        ));
    }
    if let Some(ekus) = &c.ext_key_usage {
        if !ekus.is_empty() && !ekus.iter().any(|e| e == EKU_CLIENT_AUTH) {
            return Err(Error::new(
                ErrorCode::X509PurposeWrong,
                "the extended key usage lacks clientAuth",
            ));
        }
    }
    Ok(())
}

/// Whether the key usage extension is present with nonRepudiation
/// (RFC 5280 §4.2.1.3, "contentCommitment"): a key for signing documents.
pub(crate) fn has_non_repudiation(c: &Certificate) -> bool {
    c.key_usage.unwrap_or(0) & ku::NON_REPUDIATION != 0
}
