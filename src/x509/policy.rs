//! Certificate policies the caller refuses.
//!
//! RFC 5280 §4.2.1.4: "In an end entity certificate, these policy
//! information terms indicate the policy under which the certificate has
//! been issued and the purposes for which the certificate may be used."
//! Which policies to refuse is the scheme's configuration (Web eID refuses
//! the Estonian Mobile-ID ones by default).

use super::cert::Certificate;
use crate::error::{Error, ErrorCode, Result};

/// Refuses a certificate carrying any of the `disallowed` policy OIDs
/// (dotted, matched exactly; qualifiers are ignored):
/// `x509.policy.disallowed`. A certificate without the extension carries no
/// policy, so nothing in it is disallowed.
#[cfg_attr(not(feature = "webeid"), allow(dead_code))] // Web eID's
pub(crate) fn check_disallowed_policies(c: &Certificate, disallowed: &[&str]) -> Result<()> {
    if let Some(policies) = &c.policies {
        if policies.iter().any(|p| disallowed.contains(&p.as_str())) {
            return Err(Error::new(
                ErrorCode::X509PolicyDisallowed,
                "the certificate carries a disallowed policy",
            ));
        }
    }
    Ok(())
}
