//! The AuthnStatement: when and at which level the person authenticated.
//!
//! SPID "Regole tecniche", *Assertion* (SI DEVE): "Deve essere presente
//! l'elemento `<AuthStatement>` a sua volta contenente l'elemento:
//! `<AuthnContext>` riportante nel sotto elemento `<AuthnContextClassRef>`
//! la classe relativa all'effettivo contesto di autenticazione (es.
//! `https://www.spid.gov.it/SpidL2`)". Which classes name a level is the
//! profile's rule; how a level meets the request is
//! [`crate::saml::level`]'s (the *AuthnRequest* N.B.).
//!
//! The same section asks for `SessionIndex` at SpidL1 and its absence at
//! SpidL2/L3, but AgID's own validator sends it at SpidL2: it is never a
//! reason to refuse (`docs/research/spid-rules.md` §2.5). SAML 2.0 Core
//! §2.7.2 makes `AuthnInstant` required; it is checked to be a time only
//! (an SSO session may predate the request).

use crate::error::{ErrorCode, Result};
use crate::saml::dom::{attr, err, one, structure, text, trim, SAML};
use crate::saml::verified::VerifiedAssertion;
use crate::saml::{level, Expectations, Level, Profile};

pub(crate) const CHECK: &str = "authn statement";
pub(crate) const RULE: &str =
    "SPID rules, Assertion: AuthnStatement with a SPID level at least the one requested";

/// What the AuthnStatement says, once checked.
#[derive(Debug)]
pub(crate) struct Authn {
    pub level: Level,
    /// AuthnInstant as sent (trimmed).
    pub instant: String,
    pub session_index: Option<String>,
}

pub(crate) fn check(
    assertion: &VerifiedAssertion<'_, '_>,
    exp: &Expectations<'_>,
    profile: &dyn Profile,
) -> Result<Authn> {
    let st = one(
        assertion.node(),
        SAML,
        "AuthnStatement",
        "the Assertion has no AuthnStatement",
    )?;
    let instant = attr(st, "AuthnInstant", "the AuthnStatement has no AuthnInstant")?;
    crate::saml::time::parse(instant)?;
    let ctx = one(
        st,
        SAML,
        "AuthnContext",
        "the AuthnStatement has no AuthnContext",
    )?;
    let cr = one(ctx, SAML, "AuthnContextClassRef", "no AuthnContextClassRef")?;
    let cr_text = text(cr)?;
    if cr_text.is_empty() {
        return Err(structure("the AuthnContextClassRef is empty"));
    }
    let got = profile.level(&cr_text).ok_or(err(
        ErrorCode::SamlAuthnContextInvalid,
        "the AuthnContextClassRef is not a SPID level",
    ))?;
    if !level::meets(got, exp.min_level, exp.comparison) {
        return Err(err(
            ErrorCode::SamlAuthnContextInsufficient,
            "the authentication level does not meet the request",
        ));
    }
    Ok(Authn {
        level: got,
        instant: trim(instant).to_string(),
        session_index: st.attribute("SessionIndex").map(|s| trim(s).to_string()),
    })
}
