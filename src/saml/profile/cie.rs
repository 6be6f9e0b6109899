//! CIE ID: SAML 2.0 Responses from the Italian electronic identity card's
//! IdP, verified under the CIE ID profile (CIE ID "Manuale tecnico per i
//! fornitori di servizi", *Protocolli di comunicazione*: *Risposta di
//! autenticazione SAML*, *Verifica della Response*), which follows the SPID
//! technical rules except where it says otherwise.
//!
//! ```
//! use idbridge::{cie, Trust, UnixTime};
//! # let metadata = include_bytes!("../../../test-vectors/cie/metadata/cie-idp.xml");
//! # let posted = include_bytes!("../../../test-vectors/cie/responses/valid.xml");
//! let trust = Trust::builder().pin_saml_idp_metadata(metadata)?.build()?;
//! let mut exp = cie::Expectations::new(
//!     "https://sp.idbridge.test",
//!     "https://sp.idbridge.test/acs",
//!     "_idbr-cie-req-2b7d94e1c05a4f38b6e1", // the AuthnRequest's ID, from your store
//! );
//! exp.min_level = cie::Level::L3; // CIE ID always answers SpidL3
//! exp.comparison = cie::Comparison::Exact;
//! exp.input = cie::InputEncoding::Xml; // the default is the base64 form field
//! let now = UnixTime::parse_rfc3339("2026-03-01T11:00:20Z")?;
//! let verified = cie::verify_response(&trust, posted, &exp, now)?;
//! // Replay: consume `in_response_to()` from your request store, and
//! // remember `assertion_id()` until `not_on_or_after()`.
//! let person = verified.identity();
//! assert_eq!(person.system(), idbridge::System::Cie);
//! assert_eq!(person.subject_id(), Some("TINIT-VRDMRC72C09F205U"));
//! assert_eq!(person.level(), Some("SpidL3"));
//! # Ok::<(), idbridge::Error>(())
//! ```
//!
//! The profile's own rules:
//! - the Assertion's Issuer may omit `Format`: "L'attributo `Format`
//!   dell'elemento `<samlp:Issuer>` non è presente" (*Risposta di
//!   autenticazione SAML*, note on compatibility with SPID); when present it
//!   must still be `urn:oasis:names:tc:SAML:2.0:nameid-format:entity`, as
//!   the manual's own full example writes it;
//! - levels: CIE ID has no level names of its own. Requests carry SPID's
//!   classes ("richiede la valorizzazione di tale elemento con una delle
//!   suddette stringhe (corrispondenti ai tre livelli di affidabilità dello
//!   SPID)") and the Response always names SpidL3 ("L'elemento
//!   `<AuthnContextClassRef>` […] è **sempre** valorizzato con
//!   `https://www.spid.gov.it/SpidL3`"), so [`Level`] is SPID's type and the
//!   identity's `level` reads `SpidL3`.
//!
//! What the manual adds that needs no profile rule: `SPNameQualifier` on
//! the NameID (checked against the SP whenever present, for SPID too),
//! `xsi:type="xs:string"` on every attribute (types never choose a parser),
//! `Address` on SubjectConfirmationData (ignored), and
//! `InclusiveNamespaces PrefixList` in the signatures (part of exclusive
//! c14n). The manual restricts a request's `Comparison` to `exact` or
//! `minimum`; that is the request's business, and every comparison is
//! evaluated as for SPID.

use super::Profile;
use crate::error::{ErrorCode, Result};
use crate::identity::System;
use crate::saml::dom::{err, ENTITY};
use crate::saml::{self, IdpRegistry};
pub use crate::saml::{
    Audit, AuditStep, Comparison, Expectations, InputEncoding, Level, VerifiedResponse,
};
use crate::{crypto, UnixTime};

/// The CIE ID profile's rules.
#[derive(Debug)]
pub(crate) struct Cie;

impl Profile for Cie {
    fn system(&self) -> System {
        System::Cie
    }

    fn assertion_issuer_format(&self, format: Option<&str>) -> Result<()> {
        match format {
            None | Some(ENTITY) => Ok(()),
            Some(_) => Err(err(
                ErrorCode::SamlIssuerInvalid,
                "the Assertion Issuer Format is not entity",
            )),
        }
    }

    fn level(&self, class_ref: &str) -> Option<Level> {
        // SPID's classes, as the manual requires (see the module docs).
        Level::from_class_ref(class_ref)
    }
}

/// Verifies a CIE ID Response with the default backend.
///
/// `trust` is a [`crate::Trust`] or an [`IdpRegistry`]. The checks and
/// their codes are those of [`crate::spid::verify_response`], in the same
/// order; only the profile's rules (module docs) differ.
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
    saml::verify_with(backend, trust.as_ref(), input, expectations, &Cie, now)
}

/// Verifies and returns every check with the rule it enforces: the audit
/// trail (`idbridge verify cie --explain`).
pub fn explain(
    trust: &impl AsRef<IdpRegistry>,
    input: &[u8],
    expectations: &Expectations<'_>,
    now: UnixTime,
) -> (Audit, Result<VerifiedResponse>) {
    saml::explain(trust.as_ref(), input, expectations, &Cie, now)
}
