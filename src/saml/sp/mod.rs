//! The service provider's side of SPID and CIE ID (native only: it
//! signs with a caller-held key, [`crate::crypto::Signer`]):
//!
//! - [`SpMetadata`]: the SP's signed `EntityDescriptor`;
//! - [`AuthnRequest`]: the signed request, for the HTTP-POST and
//!   HTTP-Redirect bindings, and the [`SentRequest`] the ACS verifies the
//!   Response against;
//! - single logout: [`LogoutRequest`] (SP-initiated), [`verify_logout_response`],
//!   [`verify_logout_request`] (IdP-initiated) and the SP's [`LogoutResponse`].
//!
//! Both are written here as text and signed with an enveloped signature
//! (exclusive c14n, `rsa-sha256`, `KeyInfo` with the certificate) that the
//! library's own XML-DSig verifier accepts; configuration errors are
//! `config.invalid`, found before anything is signed.

mod logout;
mod metadata;
mod request;
mod xml;

pub use logout::{
    verify_logout_request, verify_logout_request_redirect, verify_logout_response,
    verify_logout_response_redirect, LogoutExpectations, LogoutRequest, LogoutResponse,
    LogoutSession, SentLogout, VerifiedLogoutRequest, VerifiedLogoutResponse,
};
pub use metadata::{
    BillingContact, Binding, Contact, OrganizationName, SpMetadata, SpProfile, CIE_ATTRIBUTES,
    SPID_ATTRIBUTES,
};
pub use request::{AuthnRequest, SentRequest, MAX_RELAY_STATE_BYTES};
pub use xml::{SpCredential, MAX_VALUE_BYTES};
