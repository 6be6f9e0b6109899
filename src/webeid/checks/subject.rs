//! S20: the authentication certificate names one person, unambiguously.
//!
//! web-eid-authtoken-validation-java README, "Authentication token
//! validation": the user is identified by the certificate's subject
//! ("`getSubjectIdCode`: the personal identification code from the
//! serialNumber field", with givenName and surname). RFC 5280 Appendix A:
//! `X520SerialNumber ::= PrintableString (SIZE (1..ub-serial-number))`.
//! The identity must be exactly one PrintableString serialNumber, and the
//! names at most one DirectoryString each ([`crate::x509::name`] has the
//! full table). An idbridge rule (the reference copies the first value it
//! finds), so it runs last: every check the reference makes keeps its place
//! and its code in the order (a certificate without any serialNumber, such
//! as an organisation's, still fails where the reference fails it).

use crate::error::Result;
use crate::x509::cert::Certificate;
use crate::x509::name::person_name;

/// `x509.cert.malformed` when the subject holds no single, readable identity.
pub(in crate::webeid) fn check(leaf: &Certificate) -> Result<()> {
    person_name(leaf).map(|_| ())
}
