//! The verified authentication certificate → [`VerifiedIdentity`].
//!
//! Web eID authenticates with the ID card's authentication certificate: the
//! person is named by its subject (ETSI EN 319 412-1 §5.1.3 serialNumber,
//! e.g. `PNOEE-38001085718`; givenName; surname; countryName), the issuing
//! CA by the issuer's commonName. The values are copied verbatim, once
//! [`crate::x509::name::person_name`] has found exactly one readable value
//! of each (an identity is never empty, guessed or one of two).

use super::verify::VerifiedCertificate;
use crate::error::Result;
use crate::identity::{Loa, System, VerifiedIdentity};
use crate::x509::name::person_name;

/// The identity a verified authentication certificate states
/// (`x509.cert.malformed` when its subject holds none, or an ambiguous one).
pub(super) fn identity(cert: &VerifiedCertificate) -> Result<VerifiedIdentity> {
    let name = person_name(cert.certificate())?;
    let mut identity = VerifiedIdentity::new(System::Webeid);
    identity.issuer = name.issuer_common_name;
    identity.subject_id = Some(name.serial_number);
    identity.given_name = name.given_name;
    identity.family_name = name.surname;
    // Web eID tokens are signed by a smart card's chip (a QSCD) after PIN
    // entry: the national ID-card schemes it serves are notified at "high".
    identity.loa = Some(Loa::High);
    if let Some(c) = name.country {
        identity.attributes.insert("country".into(), c);
    }
    if let Some(cn) = name.common_name {
        identity.attributes.insert("common_name".into(), cn);
    }
    Ok(identity)
}
