//! The Response's and the Assertion's signatures.
//!
//! SPID "Regole tecniche", *Response* (SI PUÒ): "Può essere presente
//! l'elemento `<Signature>` contenente la firma sulla risposta apposta
//! dall'Identity Provider. La firma deve essere prodotta secondo il profilo
//! specificato per SAML (SAML-Core, cap. 5)".
//!
//! SPID "Regole tecniche", *Assertion* (SI DEVE): "Deve essere presente
//! l'elemento `<Signature>` riportante la firma […]. La firma deve essere
//! prodotta secondo il profilo specificato per SAML (cfr [SAML-Core] cap5)
//! utilizzando chiavi RSA almeno a 2048 bit e algoritmo di digest SHA-256 o
//! superiore."
//!
//! SPID "Regole tecniche", *Processamento della Response*: "controllo delle
//! firme presenti nella `<Assertion>` e nella `<Response>`". The CIE ID
//! manual (*Verifica della Response*) says the same.
//!
//! Each signature is checked by the XML core on the element that carries
//! it as a direct child (SAML Core §5.4.2: the Reference names that
//! element's ID), with the IdP's metadata keys only.

use crate::crypto::Backend;
use crate::error::Result;
use crate::saml::dom::children;
use crate::saml::trust::Idp;
use crate::saml::verified::VerifiedAssertion;
use crate::xml::dsig::{self, DSIG_NS};
use roxmltree::{Document, Node};

pub(crate) const RESPONSE_CHECK: &str = "response signature";
pub(crate) const RESPONSE_RULE: &str =
    "SPID rules, Response: the Signature, when present, is verified";

pub(crate) const ASSERTION_CHECK: &str = "assertion signature";
pub(crate) const ASSERTION_RULE: &str = "SPID rules, Assertion: the Assertion is signed by the IdP";

/// Whether the Response carries its own signature.
pub(crate) fn response_is_signed(response: Node<'_, '_>) -> bool {
    children(response, DSIG_NS, "Signature").next().is_some()
}

/// The Response's signature (only called when it has one).
pub(crate) fn response<'a, 'i>(
    backend: &dyn Backend,
    doc: &'a Document<'i>,
    response: Node<'a, 'i>,
    idp: &Idp,
) -> Result<()> {
    dsig::verify_enveloped(
        backend,
        doc,
        response,
        &idp.signing_keys,
        dsig::Policy::SAML,
    )
    .map(|_| ())
}

/// The Assertion's signature, mandatory: the only way to a [`VerifiedAssertion`].
pub(crate) fn assertion<'a, 'i>(
    backend: &dyn Backend,
    doc: &'a Document<'i>,
    assertion: Node<'a, 'i>,
    idp: &Idp,
) -> Result<VerifiedAssertion<'a, 'i>> {
    dsig::verify_enveloped(
        backend,
        doc,
        assertion,
        &idp.signing_keys,
        dsig::Policy::SAML,
    )
    .map(VerifiedAssertion::new)
}
