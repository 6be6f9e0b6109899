//! S11: the authentication certificate carries no disallowed policy.
//!
//! web-eid-authtoken-validation-java, `SubjectCertificatePolicyValidator`:
//! "Validates that the user certificate policies match the configured
//! policies", refusing with `UserCertificateDisallowedPolicyException`; the
//! default disallowed set is `SubjectCertificatePolicies`' Estonian
//! Mobile-ID policies (`AuthTokenValidationConfiguration`), matched exactly.
//! The list is Web eID's configuration; the check is generic X.509
//! ([`crate::x509::policy`]).

use crate::error::Result;
use crate::x509::cert::Certificate;
use crate::x509::policy;

/// Estonian Mobile-ID certificate policies, refused by default: a Mobile-ID
/// certificate must not authenticate through Web eID (reference validator,
/// `SubjectCertificatePolicies`).
pub const MOBILE_ID_POLICIES: &[&str] = &[
    "1.3.6.1.4.1.10015.1.3",
    "1.3.6.1.4.1.10015.1.3.1",
    "1.3.6.1.4.1.10015.1.3.2",
    "1.3.6.1.4.1.10015.1.3.3",
];

/// `x509.policy.disallowed`.
pub(in crate::webeid) fn check(leaf: &Certificate, disallowed: &[&str]) -> Result<()> {
    policy::check_disallowed_policies(leaf, disallowed)
}
