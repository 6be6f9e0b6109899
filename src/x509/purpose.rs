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
#[cfg_attr(not(feature = "webeid"), allow(dead_code))] // Web eID's
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
#[cfg_attr(not(feature = "webeid"), allow(dead_code))] // Web eID's
pub(crate) fn has_non_repudiation(c: &Certificate) -> bool {
    c.key_usage.unwrap_or(0) & ku::NON_REPUDIATION != 0
}

/// One acceptable purpose profile of an end-entity certificate: the key
/// usage bits it must all carry (RFC 5280 §4.2.1.3, the extension present)
/// and, when set, an extended key usage it must list (§4.2.1.12). A scheme
/// names its profiles; this module only reads the extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(feature = "smartid"), allow(dead_code))] // used by smartid's profiles
pub(crate) struct PurposeProfile {
    /// Every bit here must be set.
    pub key_usage: u16,
    /// Must be listed in the extended key usage extension.
    pub eku: Option<&'static str>,
}

#[cfg_attr(not(feature = "smartid"), allow(dead_code))]
impl PurposeProfile {
    fn holds(&self, c: &Certificate) -> bool {
        let ku_ok = c
            .key_usage
            .is_some_and(|bits| bits & self.key_usage == self.key_usage);
        let eku_ok = match self.eku {
            None => true,
            Some(oid) => c
                .ext_key_usage
                .as_ref()
                .is_some_and(|ekus| ekus.iter().any(|e| e == oid)),
        };
        ku_ok && eku_ok
    }
}

/// The certificate fits at least one of `profiles` (`x509.purpose.wrong`
/// otherwise, with `what` in the message).
#[cfg_attr(not(feature = "smartid"), allow(dead_code))]
pub(crate) fn check_any_profile(
    c: &Certificate,
    profiles: &[PurposeProfile],
    what: &'static str,
) -> Result<()> {
    if profiles.iter().any(|p| p.holds(c)) {
        Ok(())
    } else {
        Err(Error::new(ErrorCode::X509PurposeWrong, what))
    }
}
