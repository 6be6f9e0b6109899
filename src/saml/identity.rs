//! The verified attributes → the uniform [`VerifiedIdentity`].
//!
//! SPID "Regole tecniche", `attributi.rst` and CIE ID manual (*Risposta di
//! autenticazione SAML*): `fiscalNumber` is "il **codice fiscale** nel
//! formato `TINIT-<CODICE FISCALE>`" and `dateOfBirth` the "**data di
//! nascita** nel formato `YYYY-MM-GG`"; `name` and `familyName` are the
//! given and family names. Every other attribute is kept under its own name.
//! The identifier is never empty or guessed: a `fiscalNumber` that is not
//! exactly `TINIT-` and upper-case letters and digits is refused
//! (`saml.attribute.invalid`), as the attributes check already refuses one
//! present twice, without a value, with several, or empty.
//! The level and its eIDAS level of assurance come from the AuthnStatement.

use super::checks::authn_statement::Authn;
use super::trust::Idp;
use super::Profile;
use crate::error::{ErrorCode, Result};
use crate::identity::VerifiedIdentity;
use crate::saml::dom::err;
use std::collections::BTreeMap;

pub(crate) const CHECK: &str = "identity";
pub(crate) const RULE: &str =
    "SPID rules, attributes: fiscalNumber TINIT-…, dateOfBirth YYYY-MM-DD";

pub(crate) fn map(
    mut attributes: BTreeMap<String, String>,
    authn: Authn,
    idp: &Idp,
    profile: &dyn Profile,
) -> Result<VerifiedIdentity> {
    let mut identity = VerifiedIdentity::new(profile.system());
    identity.issuer = Some(idp.entity_id.clone());
    if let Some(cf) = attributes.remove("fiscalNumber") {
        if !is_fiscal_number(&cf) {
            return Err(err(
                ErrorCode::SamlAttributeInvalid,
                "fiscalNumber is not TINIT-<code>",
            ));
        }
        identity.subject_id = Some(cf);
    }
    if let Some(d) = attributes.remove("dateOfBirth") {
        if !is_date(&d) {
            return Err(err(
                ErrorCode::SamlAttributeInvalid,
                "dateOfBirth is not YYYY-MM-DD",
            ));
        }
        identity.birth_date = Some(d);
    }
    identity.given_name = attributes.remove("name");
    identity.family_name = attributes.remove("familyName");
    identity.level = Some(authn.level.name().to_string());
    identity.loa = Some(authn.level.loa());
    identity.authn_instant = Some(authn.instant);
    identity.attributes = attributes;
    Ok(identity)
}

/// `TINIT-` then the code itself: one or more upper-case ASCII letters and
/// digits (a codice fiscale is 16 of them, a provisional one 11 digits).
/// Nothing is normalized: interior whitespace, lower case, punctuation or
/// any other character refuses the identifier rather than guess at it.
fn is_fiscal_number(s: &str) -> bool {
    s.strip_prefix("TINIT-").is_some_and(|code| {
        !code.is_empty()
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    })
}

/// `YYYY-MM-DD`, digits only, and a real date.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        b.get(r)
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .map(|d| d.iter().fold(0u32, |a, x| a * 10 + u32::from(x - b'0')))
    };
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(y), Some(m), Some(d)) => {
            super::time::parse(&format!("{s}T00:00:00Z")).is_ok() && y > 0 && m > 0 && d > 0
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_fiscal_number;

    #[test]
    fn a_fiscal_number_is_tinit_and_upper_case_letters_and_digits_only() {
        for ok in ["TINIT-BNCGLI85L54H501U", "TINIT-12345678901", "TINIT-A"] {
            assert!(is_fiscal_number(ok), "{ok}");
        }
        for bad in [
            "",
            "TINIT-",
            "TINIT",
            "tinit-BNCGLI85L54H501U",
            "BNCGLI85L54H501U",
            "TINIT-bncgli85l54h501u",
            "TINIT-BNCGLI 85L54H501U",
            "TINIT-BNCGLI85L54H501U ",
            " TINIT-BNCGLI85L54H501U",
            "TINIT-BNCGLI85L54H501U;",
            "TINIT--BNCGLI85L54H501U",
            "TINIT-BNCGLI85L54H501U\n",
            "TINIT-BNCGLI\u{a0}85L54H501U",
            "TINIT-ＢＮＣ",
            "TINIT-BNCGLI85L54H501\u{0}",
            "TINIT-BNCGLI85L54H501U\u{200b}",
        ] {
            assert!(!is_fiscal_number(bad), "{bad:?}");
        }
    }
}
