//! The SAML profiles: the rules in which SPID and CIE ID differ, each
//! written once as profile code that the checks consult.
//!
//! Everything else is shared and lives in [`super::checks`]: CIE ID's
//! Responses follow the SPID technical rules except where the CIE ID manual
//! says otherwise, and where it does, the shared check already accepts both
//! forms without a profile rule (`SPNameQualifier` is checked when present,
//! `xsi:type` never chooses a parser, `InclusiveNamespaces PrefixList` is
//! part of exclusive c14n).

pub mod cie;
pub mod spid;

use super::Level;
use crate::error::Result;
use crate::identity::System;

/// One profile's rules.
pub(crate) trait Profile: Sync {
    /// The identity system its identities carry.
    fn system(&self) -> System;

    /// The Assertion Issuer's `Format` (trimmed; `None` when absent):
    /// `Ok` when the profile accepts it, else `saml.issuer.invalid`.
    fn assertion_issuer_format(&self, format: Option<&str>) -> Result<()>;

    /// The level an `AuthnContextClassRef` (trimmed) names, if any.
    fn level(&self, class_ref: &str) -> Option<Level>;
}
