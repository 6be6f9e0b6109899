//! The Response's own attributes and Issuer.
//!
//! SPID "Regole tecniche", *Response* (SI DEVE): "Nell'elemento
//! `<Response>` devono essere presenti i seguenti attributi: l'attributo
//! `ID` univoco […]; deve essere presente l'attributo `Version`, che deve
//! valere sempre `2.0` […]; deve essere presente l'attributo `IssueInstant`
//! a indicare l'istante di emissione della risposta, in formato UTC; deve
//! essere presente l'attributo `InResponseTo`, il cui valore deve fare
//! riferimento all'ID della richiesta a cui si risponde; deve essere
//! presente l'attributo `Destination`, a indicare l'indirizzo (`URI`
//! reference) del Service Provider a cui è inviata la risposta".
//!
//! SPID "Regole tecniche", *Processamento della Response*: "Response non
//! sollecitate da precedenti AuthnRequest devono essere pertanto scartate."
//!
//! These values are covered only by the Response's own signature (when it
//! has one): they are used to refuse, never returned as verified, except
//! the ID, which [`crate::spid::VerifiedResponse::response_signed`] qualifies.

use super::{issuer, timing};
use crate::error::{ErrorCode, Result};
use crate::saml::dom::{attr, err, one, time_attr, trim, SAML};
use crate::saml::trust::Idp;
use crate::saml::Expectations;
use crate::UnixTime;
use roxmltree::Node;

pub(crate) const CHECK: &str = "response header";
pub(crate) const RULE: &str =
    "SPID rules, Response: Version 2.0, ID, IssueInstant, Destination, InResponseTo, Issuer";

/// Returns the Response's ID (trimmed).
pub(crate) fn check(
    response: Node<'_, '_>,
    exp: &Expectations<'_>,
    now: UnixTime,
    idp: &Idp,
) -> Result<String> {
    let version = attr(response, "Version", "the Response has no Version")?;
    if trim(version) != "2.0" {
        return Err(err(
            ErrorCode::SamlVersionInvalid,
            "the Response Version is not 2.0",
        ));
    }
    let id = attr(response, "ID", "the Response has no ID")?;
    let ii = time_attr(response, "IssueInstant", "the Response has no IssueInstant")?;
    timing::issue_instant(ii, exp, now)?;
    let dest = attr(response, "Destination", "the Response has no Destination")?;
    if trim(dest) != exp.acs_url {
        return Err(err(
            ErrorCode::SamlDestinationMismatch,
            "Destination is not the ACS URL",
        ));
    }
    let irt = attr(response, "InResponseTo", "the Response has no InResponseTo")?;
    if trim(irt) != exp.request_id {
        return Err(err(
            ErrorCode::SamlInResponseToMismatch,
            "InResponseTo is not the request ID",
        ));
    }
    let issuer = one(response, SAML, "Issuer", "the Response has no Issuer")?;
    issuer::response_issuer(issuer, idp)?;
    Ok(trim(id).to_string())
}
