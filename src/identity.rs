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
    /// Mobile-ID (SK ID Solutions; Estonia): `mobile-id`.
    MobileId,
    /// Smart-ID (SK ID Solutions; Estonia, Latvia, Lithuania): `smart-id`.
    SmartId,
    /// SD-JWT VC presentations from a wallet (IT-Wallet, EU Digital
    /// Identity Wallets): `sd-jwt-vc`.
    SdJwtVc,
    /// ISO/IEC 18013-5 mdoc (the mDL, the EU and IT-Wallet PID in
    /// `mso_mdoc`): `mdoc`.
    Mdoc,
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
/// Its fields are read through accessors; it serializes (serde) with the
/// vector contract's field names, absent fields left out.
///
/// ```
/// # use idbridge::{spid, Trust, UnixTime};
/// # let metadata = include_bytes!("../test-vectors/spid/metadata/idp.xml");
/// # let posted = include_bytes!("../test-vectors/spid/responses/valid.xml");
/// # let trust = Trust::builder().pin_saml_idp_metadata(metadata)?.build()?;
/// # let mut exp = spid::Expectations::new("https://sp.idbridge.test",
/// #     "https://sp.idbridge.test/acs", "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4");
/// # exp.input = spid::InputEncoding::Xml;
/// # let now = UnixTime::parse_rfc3339("2026-03-01T10:00:30Z")?;
/// let verified = spid::verify_response(&trust, posted, &exp, now)?;
/// let person: &idbridge::VerifiedIdentity = verified.identity();
/// assert_eq!(person.system(), idbridge::System::Spid);
/// assert_eq!(person.given_name(), Some("Giulia"));
/// assert_eq!(person.loa(), Some(idbridge::Loa::Substantial));
/// let json = serde_json::to_value(person).unwrap();
/// assert_eq!(json["subject_id"], "TINIT-BNCGLI85L54H501U");
/// # Ok::<(), idbridge::Error>(())
/// ```
///
/// Code outside the crate cannot make one, neither with a struct literal
/// nor through a constructor:
///
/// ```compile_fail,E0639
/// let forged = idbridge::VerifiedIdentity {
///     system: idbridge::System::Spid,
///     issuer: None,
///     subject_id: Some("TINIT-FORGED".into()),
///     given_name: None,
///     family_name: None,
///     birth_date: None,
///     level: None,
///     loa: None,
///     authn_instant: None,
///     attributes: Default::default(),
/// };
/// ```
///
/// ```compile_fail,E0624
/// let forged = idbridge::VerifiedIdentity::new(idbridge::System::Spid);
/// ```
///
/// ```compile_fail,E0277
/// let forged: idbridge::VerifiedIdentity = Default::default();
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VerifiedIdentity {
    /// The scheme (`spid`, `cie`, `webeid`, ...).
    pub(crate) system: System,
    /// Who asserted it: the IdP entity ID, or the certificate issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) issuer: Option<String>,
    /// The natural person's identifier as the scheme writes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) subject_id: Option<String>,
    /// Given name(s).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) given_name: Option<String>,
    /// Family name(s).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) family_name: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) birth_date: Option<String>,
    /// The scheme's own level name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) level: Option<String>,
    /// The eIDAS level of assurance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) loa: Option<Loa>,
    /// When the person authenticated (RFC 3339, UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) authn_instant: Option<String>,
    /// Every other attribute, name to string, in the scheme's own names.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) attributes: BTreeMap<String, String>,
}

impl VerifiedIdentity {
    /// The scheme (`spid`, `cie`, `webeid`, ...).
    pub fn system(&self) -> System {
        self.system
    }

    /// Who asserted it: the IdP entity ID, or the certificate issuer.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The natural person's identifier as the scheme writes it
    /// (`TINIT-<fiscal code>`, `PNOEE-<personal code>`).
    pub fn subject_id(&self) -> Option<&str> {
        self.subject_id.as_deref()
    }

    /// Given name(s).
    pub fn given_name(&self) -> Option<&str> {
        self.given_name.as_deref()
    }

    /// Family name(s).
    pub fn family_name(&self) -> Option<&str> {
        self.family_name.as_deref()
    }

    /// Date of birth, `YYYY-MM-DD`.
    pub fn birth_date(&self) -> Option<&str> {
        self.birth_date.as_deref()
    }

    /// The scheme's own level name (`SpidL2`, ...).
    pub fn level(&self) -> Option<&str> {
        self.level.as_deref()
    }

    /// The eIDAS level of assurance.
    pub fn loa(&self) -> Option<Loa> {
        self.loa
    }

    /// When the person authenticated (RFC 3339, UTC).
    pub fn authn_instant(&self) -> Option<&str> {
        self.authn_instant.as_deref()
    }

    /// Every other attribute, name to string, in the scheme's own names.
    pub fn attributes(&self) -> &BTreeMap<String, String> {
        &self.attributes
    }
}

impl VerifiedIdentity {
    /// An identity of `system` with no fields yet (for the verifiers to fill).
    #[cfg(any(
        feature = "saml",
        feature = "webeid",
        feature = "oidc",
        feature = "mobileid",
        feature = "sdjwt",
        feature = "smartid",
        feature = "mdoc"
    ))]
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
