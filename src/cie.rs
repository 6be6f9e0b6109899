//! CIE ID: SAML 2.0 Responses from the Italian electronic identity card's
//! IdP, verified under the CIE ID profile (Issuer Format optional,
//! SPNameQualifier, xsd:string attributes, PrefixList c14n).
//!
//! ```no_run
//! use idbridge::{cie, Trust, UnixTime};
//! # fn main() -> Result<(), idbridge::Error> {
//! # let (registry_xml, agid_cert, posted) = (vec![], vec![], vec![]);
//! let trust = Trust::builder().saml_registry(&registry_xml, &agid_cert)?.build()?;
//! let mut exp = cie::Expectations::new("https://sp.example.it", "https://sp.example.it/acs", "_req-id");
//! exp.min_level = cie::Level::L2;
//! let now = UnixTime::parse_rfc3339("2026-11-26T12:00:00Z")?;
//! let verified = cie::verify_response(&trust, &posted, &exp, now)?;
//! // Replay: consume `verified.in_response_to` from your request store, and
//! // remember `verified.assertion_id` until `verified.not_on_or_after`.
//! println!("{:?}", verified.identity.subject_id);
//! # Ok(()) }
//! ```

use crate::saml::{self, Profile};
pub use crate::saml::{
    Audit, AuditStep, Comparison, Expectations, InputEncoding, Level, VerifiedResponse,
};
use crate::{crypto, Result, Trust, UnixTime};

/// Verifies a CIE ID Response with the default backend.
///
/// The checks and their codes, in order: input (`input.*`), XML (`xml.*`),
/// the envelope (`saml.structure.invalid`), the IdP (`saml.issuer.invalid`,
/// `saml.metadata.expired`), the Response signature when present
/// (`xmldsig.*`), the Response header (`saml.version.invalid`,
/// `saml.time.invalid`, `saml.destination.mismatch`,
/// `saml.in_response_to.mismatch`, `saml.issuer.invalid`), Status
/// (`saml.status.failure`), the Assertion and its signature (`xmldsig.*`),
/// its header, Issuer, Subject (`saml.subject.invalid`,
/// `saml.recipient.mismatch`, `saml.time.*`), Conditions
/// (`saml.audience.mismatch`), level (`saml.authn_context.*`) and
/// attributes (`saml.attribute.invalid`). Missing or malformed required
/// parts are `saml.structure.invalid`.
pub fn verify_response(
    trust: &Trust,
    input: &[u8],
    expectations: &Expectations<'_>,
    now: UnixTime,
) -> Result<VerifiedResponse> {
    saml::verify_with(
        crypto::default_backend(),
        trust,
        input,
        expectations,
        Profile::Cie,
        now,
    )
}

/// As [`verify_response`], on a chosen backend.
pub fn verify_response_with(
    backend: &dyn crypto::Backend,
    trust: &Trust,
    input: &[u8],
    expectations: &Expectations<'_>,
    now: UnixTime,
) -> Result<VerifiedResponse> {
    saml::verify_with(backend, trust, input, expectations, Profile::Cie, now)
}

/// Verifies and returns every check with the rule it enforces: the audit
/// trail (`idbridge verify cie --explain`).
pub fn explain(
    trust: &Trust,
    input: &[u8],
    expectations: &Expectations<'_>,
    now: UnixTime,
) -> (Audit, Result<VerifiedResponse>) {
    saml::explain(trust, input, expectations, Profile::Cie, now)
}
