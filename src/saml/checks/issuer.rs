//! The Issuer: which IdP sent the Response, and that both Issuers name it.
//!
//! SPID "Regole tecniche", *Response*: "Deve essere presente l'elemento
//! `<Issuer>` a indicare l'entityID dell'entità emittente, cioè l'Identity
//! Provider stesso. L'attributo `Format` deve essere omesso o fissato al
//! valore `urn:oasis:names:tc:SAML:2.0:nameid-format:entity`."
//!
//! SPID "Regole tecniche", *Assertion*: "Deve essere presente l'elemento
//! `<Issuer>` a indicare l'entityID dell'Identity Provider emittente
//! (attualizzato come l'attributo `entityID` presente nei corrispondenti
//! IdP metadata) con l'attributo `Format` riportante il valore
//! `urn:oasis:names:tc:SAML:2.0:nameidformat:entity`" (sic: the rules
//! drop the hyphen here; the value SAML defines, and the one checked, is
//! `…:nameid-format:entity`, as in the *Response* sentence above). Whether
//! `Format` may be absent is the profile's rule ([`crate::saml::Profile`]:
//! CIE ID omits it).
//!
//! The IdP is chosen before any signature is checked, from the caller's
//! hint or the (unverified) Issuer text: that only selects which trusted
//! keys are candidates; the Issuers are compared again once read from
//! signed content. The metadata's `validUntil` bounds the IdP's trust
//! (SAML V2.0 Metadata §2.3.2).

use crate::error::{ErrorCode, Result};
use crate::saml::dom::{children, err, is, structure, text, trim, ENTITY, SAML};
use crate::saml::trust::Idp;
use crate::saml::verified::VerifiedAssertion;
use crate::saml::{Expectations, IdpRegistry, Profile};
use crate::UnixTime;
use roxmltree::Node;

pub(crate) const IDP_CHECK: &str = "idp";
pub(crate) const IDP_RULE: &str = "SPID rules, Assertion: Issuer is the IdP entity of the metadata";

pub(crate) const ASSERTION_CHECK: &str = "assertion issuer";
pub(crate) const ASSERTION_RULE: &str =
    "SPID rules, Assertion: Issuer = the IdP, Format entity (CIE: Format optional)";

/// The trusted IdP the Response claims to come from: the caller's hint,
/// else the Assertion's Issuer, else the Response's.
pub(crate) fn select_idp<'r>(
    registry: &'r IdpRegistry,
    response: Node<'_, '_>,
    assertion: Option<Node<'_, '_>>,
    exp: &Expectations<'_>,
    now: UnixTime,
) -> Result<&'r Idp> {
    let hint = match exp.idp_entity_id {
        Some(e) => e.to_string(),
        None => {
            let issuer_of = |n: Node<'_, '_>| {
                children(n, SAML, "Issuer")
                    .next()
                    .and_then(|i| text(i).ok())
                    .filter(|t| !t.is_empty())
            };
            assertion
                .and_then(issuer_of)
                .or_else(|| issuer_of(response))
                .ok_or(err(ErrorCode::SamlIssuerInvalid, "no Issuer names the IdP"))?
        }
    };
    let idp = registry.idp(&hint).ok_or(err(
        ErrorCode::SamlIssuerInvalid,
        "the Issuer is not a trusted IdP",
    ))?;
    if idp.valid_until.is_some_and(|vu| now >= vu) {
        return Err(err(
            ErrorCode::SamlMetadataExpired,
            "the IdP's metadata has expired",
        ));
    }
    Ok(idp)
}

/// The Response's Issuer (part of the Response header check): present,
/// not empty, `Format` absent or entity, the IdP's entity ID.
pub(crate) fn response_issuer(issuer: Node<'_, '_>, idp: &Idp) -> Result<()> {
    let issuer_text = text(issuer)?;
    if issuer_text.is_empty() {
        return Err(structure("the Response Issuer is empty"));
    }
    if issuer
        .attribute("Format")
        .is_some_and(|f| trim(f) != ENTITY)
    {
        return Err(err(
            ErrorCode::SamlIssuerInvalid,
            "the Response Issuer Format is not entity",
        ));
    }
    if issuer_text != idp.entity_id {
        return Err(err(
            ErrorCode::SamlIssuerInvalid,
            "the Response Issuer is not the IdP",
        ));
    }
    Ok(())
}

/// The Assertion's Issuer: its first child, not empty, `Format` as the
/// profile says, the IdP's entity ID.
pub(crate) fn assertion_issuer(
    assertion: &VerifiedAssertion<'_, '_>,
    idp: &Idp,
    profile: &dyn Profile,
) -> Result<()> {
    let issuer = assertion
        .node()
        .children()
        .find(|c| c.is_element())
        .filter(|c| is(*c, SAML, "Issuer"))
        .ok_or_else(|| structure("the Assertion does not start with its Issuer"))?;
    let issuer_text = text(issuer)?;
    if issuer_text.is_empty() {
        return Err(structure("the Assertion Issuer is empty"));
    }
    profile.assertion_issuer_format(issuer.attribute("Format").map(trim))?;
    if issuer_text != idp.entity_id {
        return Err(err(
            ErrorCode::SamlIssuerInvalid,
            "the Assertion Issuer is not the IdP",
        ));
    }
    Ok(())
}
