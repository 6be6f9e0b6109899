//! The verified types of a SAML verification: an Assertion whose signature
//! was checked, and the Response a caller reads.

use crate::xml::dsig::VerifiedElement;
use crate::{UnixTime, VerifiedIdentity};
use roxmltree::Node;

/// An Assertion whose enveloped signature verified with a trusted IdP key.
///
/// Only [`super::checks::signature::assertion`] makes one (from the XML
/// core's verified element), and the checks after the signature take it
/// instead of a bare node: once it exists, nothing reads the unverified
/// Assertion.
#[derive(Clone, Copy, Debug)]
pub(crate) struct VerifiedAssertion<'a, 'i> {
    signed: VerifiedElement<'a, 'i>,
}

impl<'a, 'i> VerifiedAssertion<'a, 'i> {
    pub(super) fn new(signed: VerifiedElement<'a, 'i>) -> Self {
        VerifiedAssertion { signed }
    }

    /// The verified `saml:Assertion` element.
    pub(crate) fn node(&self) -> Node<'a, 'i> {
        self.signed.node()
    }

    /// Its `ID`, which the signature's Reference names.
    pub(crate) fn id(&self) -> &'a str {
        self.signed.id()
    }
}

/// A verified Response: the identity, and what a replay store needs.
///
/// Only a successful verification ([`crate::spid::verify_response`],
/// [`crate::cie::verify_response`]) makes one; code outside the crate can
/// read it, never build it:
///
/// ```compile_fail,E0639
/// let forged = idbridge::spid::VerifiedResponse {
///     identity: todo!(),
///     response_id: String::new(),
///     response_signed: true,
///     assertion_id: String::new(),
///     in_response_to: String::new(),
///     not_on_or_after: idbridge::UnixTime::from_unix_seconds(0),
///     session_index: None,
///     idp_entity_id: String::new(),
/// };
/// ```
///
/// ```compile_fail,E0599
/// let forged = idbridge::spid::VerifiedResponse::new();
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct VerifiedResponse {
    pub(crate) identity: VerifiedIdentity,
    pub(crate) response_id: String,
    pub(crate) response_signed: bool,
    pub(crate) assertion_id: String,
    pub(crate) in_response_to: String,
    pub(crate) not_on_or_after: UnixTime,
    pub(crate) session_index: Option<String>,
    pub(crate) idp_entity_id: String,
    pub(crate) name_id: String,
}

impl VerifiedResponse {
    /// The uniform identity.
    pub fn identity(&self) -> &VerifiedIdentity {
        &self.identity
    }

    /// The uniform identity, by value.
    pub fn into_identity(self) -> VerifiedIdentity {
        self.identity
    }

    /// The Response ID (authenticated only when [`Self::response_signed`]).
    pub fn response_id(&self) -> &str {
        &self.response_id
    }

    /// Whether the Response itself was signed (and verified).
    pub fn response_signed(&self) -> bool {
        self.response_signed
    }

    /// The Assertion ID (signed): remember it until [`Self::not_on_or_after`].
    pub fn assertion_id(&self) -> &str {
        &self.assertion_id
    }

    /// The request this answers (signed, from SubjectConfirmationData).
    pub fn in_response_to(&self) -> &str {
        &self.in_response_to
    }

    /// The earliest NotOnOrAfter of the Assertion, in whole seconds rounded
    /// toward the past: keep the IDs until then.
    pub fn not_on_or_after(&self) -> UnixTime {
        self.not_on_or_after
    }

    /// The IdP session index, if sent.
    pub fn session_index(&self) -> Option<&str> {
        self.session_index.as_deref()
    }

    /// The IdP's entity ID.
    pub fn idp_entity_id(&self) -> &str {
        &self.idp_entity_id
    }

    /// The Subject's `NameID` (signed; transient): keep it with
    /// [`Self::session_index`] for single logout
    /// (`saml_sp::LogoutRequest`, `saml_sp::LogoutSession`, native builds).
    pub fn name_id(&self) -> &str {
        &self.name_id
    }
}
