//! The Subject: a transient NameID, and one bearer confirmation for this
//! ACS, in time, for this request.
//!
//! SPID "Regole tecniche", *Assertion* (SI DEVE): "Deve essere presente
//! l'elemento `<Subject>` a referenziare il soggetto che si è autenticato in
//! cui devono comparire gli elementi: `<NameID>` […] in cui sono presenti i
//! seguenti attributi: `Format` che deve assumere il valore
//! `urn:oasis:names:tc:SAML:2.0:nameidformat:transient` (SAML Core, par8.3);
//! `NameQualifier` che qualifica il dominio a cui afferisce tale valore (URI
//! riconducibile all'Identity Provider stesso); `<SubjectConfirmation>`
//! contenente l'attributo `Method` riportante il valore
//! `urn:oasis:names:tc:SAML:2.0:cm:bearer`; `<SubjectConfirmationData>`
//! riportante gli attributi: `Recipient` riportante
//! l'`AssertionConsumerServiceURL` relativa al servizio per cui è stata
//! emessa l'asserzione […]; `NotOnOrAfter` che limita la finestra di tempo
//! durante la quale l'asserzione può essere propagata. `InResponseTo`, il
//! cui valore deve fare riferimento all'ID della richiesta." (Sic: the
//! rules drop the hyphen of SAML's `…:nameid-format:transient`, the value
//! checked.)
//!
//! SPID "Regole tecniche", *Processamento della Response*: "nell'elemento
//! `<SubjectConfirmationData>` verificare che: l'attributo `Recipient`
//! coincida con la AssertionConsumerServiceURL a cui la `<Response>` è
//! pervenuta; l'attributo `NotOnOrAfter` non sia scaduto; l'attributo
//! `InResponseTo` si riferisca correttamente all'ID della `<AuthnRequest>`
//! di richiesta".
//!
//! SAML 2.0 Core §2.2.2: `SPNameQualifier` names the service provider; CIE
//! ID sends it ("le informazioni che qulificano l'IdP (`NameQualifier`) e
//! il SP (`SPNameQualifier`)", sic, CIE ID manual), so when present it must
//! be this SP.

use super::timing;
use crate::error::{ErrorCode, Result};
use crate::saml::dom::{attr, err, one, structure, text, time_attr, trim, SAML};
use crate::saml::verified::VerifiedAssertion;
use crate::saml::Expectations;
use crate::UnixTime;

pub(crate) const CHECK: &str = "subject";
pub(crate) const RULE: &str = "SPID rules, Assertion: transient NameID with NameQualifier; bearer confirmation to the ACS, in time, for the request";

const TRANSIENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

/// What the bearer confirmation says, once checked.
#[derive(Debug)]
pub(crate) struct Confirmation {
    /// SubjectConfirmationData's NotOnOrAfter.
    pub not_on_or_after: UnixTime,
    /// SubjectConfirmationData's InResponseTo (trimmed).
    pub in_response_to: String,
    /// The NameID (transient), which a LogoutRequest names.
    pub name_id: String,
}

pub(crate) fn check(
    assertion: &VerifiedAssertion<'_, '_>,
    exp: &Expectations<'_>,
    now: UnixTime,
) -> Result<Confirmation> {
    let subject = one(
        assertion.node(),
        SAML,
        "Subject",
        "the Assertion has no Subject",
    )?;
    let name_id = one(subject, SAML, "NameID", "the Subject has no NameID")?;
    let name_id_text = text(name_id)?;
    if name_id_text.is_empty() {
        return Err(structure("the NameID is empty"));
    }
    let format = attr(name_id, "Format", "the NameID has no Format")?;
    if trim(format) != TRANSIENT {
        return Err(err(
            ErrorCode::SamlSubjectInvalid,
            "the NameID Format is not transient",
        ));
    }
    attr(name_id, "NameQualifier", "the NameID has no NameQualifier")?;
    if let Some(spnq) = name_id.attribute("SPNameQualifier") {
        if trim(spnq) != exp.sp_entity_id {
            return Err(err(
                ErrorCode::SamlSubjectInvalid,
                "SPNameQualifier is not this SP",
            ));
        }
    }
    let sc = one(
        subject,
        SAML,
        "SubjectConfirmation",
        "the Subject has no SubjectConfirmation",
    )?;
    let method = attr(sc, "Method", "the SubjectConfirmation has no Method")?;
    if trim(method) != BEARER {
        return Err(err(
            ErrorCode::SamlSubjectInvalid,
            "the confirmation method is not bearer",
        ));
    }
    let scd = one(
        sc,
        SAML,
        "SubjectConfirmationData",
        "no SubjectConfirmationData",
    )?;
    let recipient = attr(scd, "Recipient", "SubjectConfirmationData has no Recipient")?;
    if trim(recipient) != exp.acs_url {
        return Err(err(
            ErrorCode::SamlRecipientMismatch,
            "Recipient is not the ACS URL",
        ));
    }
    let noa = time_attr(
        scd,
        "NotOnOrAfter",
        "SubjectConfirmationData has no NotOnOrAfter",
    )?;
    let nb = match scd.attribute("NotBefore") {
        Some(v) => Some(crate::saml::time::parse(v)?),
        None => None,
    };
    timing::window(nb, noa, exp.skew_secs(), now)?;
    let irt = attr(
        scd,
        "InResponseTo",
        "SubjectConfirmationData has no InResponseTo",
    )?;
    if trim(irt) != exp.request_id {
        return Err(err(
            ErrorCode::SamlInResponseToMismatch,
            "InResponseTo is not the request ID",
        ));
    }
    Ok(Confirmation {
        not_on_or_after: noa,
        in_response_to: trim(irt).to_string(),
        name_id: name_id_text,
    })
}
