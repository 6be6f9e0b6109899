//! The uniform output: one verified identity, whichever scheme went in.
//!
//! Field names and formats follow the test-vector contract (`VECTORS.md`,
//! "Identity fields"), so what a vector expects is exactly what the library
//! returns, serialized with serde.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The identity scheme an assertion came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum System {
    /// Italy's SPID (SAML 2.0).
    Spid,
    /// Italy's CIE ID (SAML 2.0).
    Cie,
    /// Web eID authentication tokens (Estonian, Finnish, Belgian, Latvian ID cards...).
    Webeid,
    /// A bare XML signature (the `xmldsig` vector kind: what was signed, no person).
    Xmldsig,
}

/// eIDAS level of assurance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Loa {
    /// eIDAS "low".
    Low,
    /// eIDAS "substantial".
    Substantial,
    /// eIDAS "high".
    High,
}

/// A verified identity. Only a successful verification constructs one.
///
/// The constructor is crate-private: a value of this type always stands for
/// bytes whose signature was checked against the caller's trust material.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerifiedIdentity {
    /// The scheme (`spid`, `cie`, `webeid`, ...).
    pub system: System,
    /// Who asserted it: the IdP entity ID, or the certificate issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The natural person's identifier as the scheme writes it
    /// (`TINIT-<fiscal code>`, `PNOEE-<personal code>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_id: Option<String>,
    /// Given name(s).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Family name(s).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// The scheme's own level name (`SpidL2`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The eIDAS level of assurance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loa: Option<Loa>,
    /// When the person authenticated (RFC 3339, UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authn_instant: Option<String>,
    /// Every other attribute, name to string, in the scheme's own names.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

impl VerifiedIdentity {
    /// An identity of `system` with no fields yet (for the verifiers to fill).
    #[allow(dead_code)] // used by the scheme verifiers as they land
    pub(crate) fn new(system: System) -> Self {
        VerifiedIdentity {
            system,
            issuer: None,
            subject_id: None,
            given_name: None,
            family_name: None,
            birth_date: None,
            level: None,
            loa: None,
            authn_instant: None,
            attributes: BTreeMap::new(),
        }
    }

    /// The identity as a JSON-like value with the contract's field names.
    pub const FIELDS: &'static [&'static str] = &[
        "system",
        "issuer",
        "subject_id",
        "given_name",
        "family_name",
        "birth_date",
        "level",
        "loa",
        "authn_instant",
        "attributes",
    ];
}
