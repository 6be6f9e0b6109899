//! The Assertion's Conditions: its validity window and its audience.
//!
//! SPID "Regole tecniche", *Assertion* (SI DEVE): "Deve essere presente
//! l'elemento `<Conditions>` in cui devono essere presenti: gli attributi
//! `NotBefore` `NotOnOrAfter`; l'elemento `<AudienceRestriction>` riportante
//! a sua volta l'elemento `<Audience>` attualizzato con l'entityID del
//! Service Provider per il quale l'asserzione è emessa."
//!
//! SAML 2.0 Core §2.5.1: `NotBefore` "Specifies the earliest time instant
//! at which the assertion is valid"; `NotOnOrAfter` "Specifies the time
//! instant at which the assertion has expired" (the window: [`super::timing`]).
//! §2.5.1.4: an `<AudienceRestriction>` is valid when this SP is one of its
//! audiences, and several restrictions must each hold. A condition this
//! verifier does not know (anything but AudienceRestriction, OneTimeUse,
//! ProxyRestriction) is refused: in SAML Core §2.5.1 (paraphrased) a
//! condition that cannot be evaluated leaves the Assertion's validity
//! Indeterminate, and only a Valid Assertion may be relied on.

use super::timing;
use crate::error::{ErrorCode, Result};
use crate::saml::dom::{err, is, one, structure, text, time_attr, SAML};
use crate::saml::verified::VerifiedAssertion;
use crate::saml::Expectations;
use crate::UnixTime;
use roxmltree::Node;

pub(crate) const CHECK: &str = "conditions";
pub(crate) const RULE: &str =
    "SAML Core §2.5.1; SPID rules, Assertion: NotBefore, NotOnOrAfter, Audience = this SP";

/// Returns Conditions' NotOnOrAfter.
pub(crate) fn check(
    assertion: &VerifiedAssertion<'_, '_>,
    exp: &Expectations<'_>,
    now: UnixTime,
) -> Result<UnixTime> {
    let conditions = one(
        assertion.node(),
        SAML,
        "Conditions",
        "the Assertion has no Conditions",
    )?;
    let nb = time_attr(conditions, "NotBefore", "Conditions has no NotBefore")?;
    let noa = time_attr(conditions, "NotOnOrAfter", "Conditions has no NotOnOrAfter")?;
    timing::window(Some(nb), noa, exp.skew_secs(), now)?;
    let mut restrictions = 0;
    for c in conditions.children().filter(|c| c.is_element()) {
        if is(c, SAML, "AudienceRestriction") {
            restrictions += 1;
            audience_restriction(c, exp.sp_entity_id)?;
        } else if !(is(c, SAML, "OneTimeUse") || is(c, SAML, "ProxyRestriction")) {
            return Err(structure("an unknown condition"));
        }
    }
    if restrictions == 0 {
        return Err(structure("Conditions has no AudienceRestriction"));
    }
    Ok(noa)
}

/// One AudienceRestriction: one or more non-empty Audiences, this SP among them.
fn audience_restriction(restriction: Node<'_, '_>, sp_entity_id: &str) -> Result<()> {
    let mut audiences = 0;
    let mut ours = false;
    for aud in restriction.children().filter(|x| x.is_element()) {
        if !is(aud, SAML, "Audience") {
            return Err(structure("an AudienceRestriction holds something else"));
        }
        let t = text(aud)?;
        if t.is_empty() {
            return Err(structure("an Audience is empty"));
        }
        audiences += 1;
        ours |= t == sp_entity_id;
    }
    if audiences == 0 {
        return Err(structure("an AudienceRestriction has no Audience"));
    }
    if !ours {
        return Err(err(
            ErrorCode::SamlAudienceMismatch,
            "this SP is not an Audience",
        ));
    }
    Ok(())
}
