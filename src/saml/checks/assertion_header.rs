//! The Assertion's own attributes, and no Advice.
//!
//! SPID "Regole tecniche", *Assertion* (SI DEVE): "Nell'elemento
//! `<Assertion>` devono essere presenti i seguenti attributi: l'attributo
//! `ID` univoco […]; l'attributo `Version`, che deve valere sempre `2.0`
//! […]; l'attributo `IssueInstant` a indicare l'istante di emissione della
//! richiesta, in formato UTC (esempio: `2017-03-01T15:05:10.531Z`)". The
//! ID is the one the signature's Reference names (checked with it).
//!
//! SPID "Regole tecniche", *Assertion* (SI PUÒ): "L'elemento `<Advice>` è
//! previsto per futuri usi ed al momento non deve essere utilizzato."

use super::timing;
use crate::error::{ErrorCode, Result};
use crate::saml::dom::{attr, children, err, structure, time_attr, trim, SAML};
use crate::saml::verified::VerifiedAssertion;
use crate::saml::Expectations;
use crate::UnixTime;

pub(crate) const CHECK: &str = "assertion header";
pub(crate) const RULE: &str = "SPID rules, Assertion: Version 2.0, IssueInstant";

pub(crate) fn check(
    assertion: &VerifiedAssertion<'_, '_>,
    exp: &Expectations<'_>,
    now: UnixTime,
) -> Result<()> {
    let a = assertion.node();
    let version = attr(a, "Version", "the Assertion has no Version")?;
    if trim(version) != "2.0" {
        return Err(err(
            ErrorCode::SamlVersionInvalid,
            "the Assertion Version is not 2.0",
        ));
    }
    let ii = time_attr(a, "IssueInstant", "the Assertion has no IssueInstant")?;
    timing::issue_instant(ii, exp, now)?;
    if children(a, SAML, "Advice").next().is_some() {
        return Err(structure("the Assertion carries Advice"));
    }
    Ok(())
}
