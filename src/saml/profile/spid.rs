//! SPID: SAML 2.0 Responses from the Italian public digital identity
//! system's IdPs, verified under the SPID technical rules (AgID, "Regole
//! tecniche": *Single Sign-On*, sections *Response*, *Assertion*,
//! *Processamento della Response*).
//!
//! ```
//! use idbridge::{spid, Trust, UnixTime};
//! # let metadata = include_bytes!("../../../test-vectors/spid/metadata/idp.xml");
//! # let posted = include_bytes!("../../../test-vectors/spid/responses/valid.xml");
//! // Built once at start-up: the AgID registry (`saml_registry`) or pinned metadata.
//! let trust = Trust::builder().pin_saml_idp_metadata(metadata)?.build()?;
//! let mut exp = spid::Expectations::new(
//!     "https://sp.idbridge.test",
//!     "https://sp.idbridge.test/acs",
//!     "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4", // the AuthnRequest's ID, from your store
//! );
//! exp.min_level = spid::Level::L2;
//! exp.input = spid::InputEncoding::Xml; // the default is the base64 form field
//! let now = UnixTime::parse_rfc3339("2026-03-01T10:00:30Z")?;
//! let verified = spid::verify_response(&trust, posted, &exp, now)?;
//! // Replay: consume `in_response_to()` from your request store, and
//! // remember `assertion_id()` until `not_on_or_after()`.
//! assert_eq!(verified.in_response_to(), "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4");
//! let person = verified.identity();
//! assert_eq!(person.subject_id(), Some("TINIT-BNCGLI85L54H501U"));
//! assert_eq!(person.level(), Some("SpidL2"));
//! assert_eq!(person.attributes().get("spidCode").map(String::as_str), Some("IDBR0000000001"));
//! # Ok::<(), idbridge::Error>(())
//! ```
//!
//! The profile's own rules (the rest is shared with CIE ID, in the checks):
//! - the Assertion's Issuer carries `Format` =
//!   `urn:oasis:names:tc:SAML:2.0:nameid-format:entity` ("Deve essere
//!   presente l'elemento `<Issuer>` a indicare l'entityID dell'Identity
//!   Provider emittente […] con l'attributo `Format` riportante il valore
//!   `urn:oasis:names:tc:SAML:2.0:nameidformat:entity`", *Assertion*, sic:
//!   the rules drop the hyphen of the SAML value checked);
//! - the level is one of SPID's classes `https://www.spid.gov.it/SpidL1`,
//!   `…/SpidL2`, `…/SpidL3` ([`Level`]).

use super::Profile;
use crate::error::{ErrorCode, Result};
use crate::identity::System;
use crate::saml::dom::{err, ENTITY};
use crate::saml::{self, IdpRegistry};
pub use crate::saml::{
    Audit, AuditStep, Comparison, Expectations, InputEncoding, Level, VerifiedResponse,
};
use crate::{crypto, UnixTime};

/// The SPID profile's rules.
#[derive(Debug)]
pub(crate) struct Spid;

impl Profile for Spid {
    fn system(&self) -> System {
        System::Spid
    }

    fn assertion_issuer_format(&self, format: Option<&str>) -> Result<()> {
        match format {
            Some(ENTITY) => Ok(()),
            _ => Err(err(
                ErrorCode::SamlIssuerInvalid,
                "the Assertion Issuer Format is not entity",
            )),
        }
    }

    fn level(&self, class_ref: &str) -> Option<Level> {
        Level::from_class_ref(class_ref)
    }
}

/// Verifies a SPID Response with the default backend.
///
/// `trust` is a [`crate::Trust`] or an [`IdpRegistry`]. The checks and
/// their codes, in order: input (`input.*`), XML (`xml.*`), the envelope
/// (`saml.structure.invalid`), the IdP (`saml.issuer.invalid`,
/// `saml.metadata.expired`), the Response signature when present
/// (`xmldsig.*`), the Response header (`saml.version.invalid`,
/// `saml.time.invalid`, `saml.destination.mismatch`,
/// `saml.in_response_to.mismatch`, `saml.issuer.invalid`), Status
/// (`saml.status.failure`), the Assertion and its signature (`xmldsig.*`),
/// its elements in schema order with SPID's restrictions
/// (`saml.structure.invalid`), its header, Issuer, Subject (`saml.subject.invalid`,
/// `saml.recipient.mismatch`, `saml.time.*`), Conditions
/// (`saml.audience.mismatch`), level (`saml.authn_context.*`) and
/// attributes (`saml.attribute.invalid`). Missing or malformed required
/// parts are `saml.structure.invalid`.
pub fn verify_response(
    trust: &impl AsRef<IdpRegistry>,
    input: &[u8],
    expectations: &Expectations<'_>,
    now: UnixTime,
) -> Result<VerifiedResponse> {
    verify_response_with(crypto::default_backend(), trust, input, expectations, now)
}

/// As [`verify_response`], on a chosen backend.
pub fn verify_response_with(
    backend: &dyn crypto::Backend,
    trust: &impl AsRef<IdpRegistry>,
    input: &[u8],
    expectations: &Expectations<'_>,
    now: UnixTime,
) -> Result<VerifiedResponse> {
    saml::verify_with(backend, trust.as_ref(), input, expectations, &Spid, now)
}

/// Verifies and returns every check with the rule it enforces: the audit
/// trail (`idbridge verify spid --explain`).
pub fn explain(
    trust: &impl AsRef<IdpRegistry>,
    input: &[u8],
    expectations: &Expectations<'_>,
    now: UnixTime,
) -> (Audit, Result<VerifiedResponse>) {
    saml::explain(trust.as_ref(), input, expectations, &Spid, now)
}
