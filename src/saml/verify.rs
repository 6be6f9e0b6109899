//! Verifying a SAML 2.0 Response (HTTP-POST binding) under a profile, as
//! the list of its steps in order. Each step is one audit entry (what
//! `--explain` prints); the rule it enforces is in its file under
//! [`super::checks`]. Why this order: `docs/research/spid-rules.md` §1.
//!
//! [`verify`] runs the steps that read the unverified document, up to the
//! Assertion's signature; [`read_verified`] runs the rest, and sees only
//! the [`VerifiedAssertion`].

use super::audit::Audit;
use super::checks::{
    assertion_header, assertion_schema, attributes, authn_statement, conditions, envelope, issuer,
    response_header, signature, status, subject,
};
use super::trust::Idp;
use super::verified::{VerifiedAssertion, VerifiedResponse};
use super::{identity, Expectations, IdpRegistry, InputEncoding, Profile};
use crate::crypto::Backend;
use crate::error::Result;
use crate::UnixTime;

pub(crate) fn verify(
    backend: &dyn Backend,
    registry: &IdpRegistry,
    input: &[u8],
    exp: &Expectations<'_>,
    profile: &dyn Profile,
    now: UnixTime,
    audit: &mut Audit,
) -> Result<VerifiedResponse> {
    // S1-S2: bytes → one bounded, DTD-free XML document.
    let xml = audit.check(
        "input",
        "SAML bindings §3.5.4: the base64 SAMLResponse, bounded",
        || crate::xml::input::decode(input, exp.input == InputEncoding::Base64, &exp.limits),
    )?;
    let doc = audit.check("xml", "one DTD-free, bounded XML document", || {
        crate::xml::parse::parse(&xml, &exp.limits)
    })?;
    // S3: the envelope (the Assertion is found here, not yet trusted).
    let env = audit.check(envelope::CHECK, envelope::RULE, || envelope::check(&doc))?;
    // S4: which IdP: its keys are the only candidates.
    let idp = audit.check(issuer::IDP_CHECK, issuer::IDP_RULE, || {
        issuer::select_idp(registry, env.response, env.assertion, exp, now)
    })?;
    // S5: the Response signature, when present.
    let response_signed = signature::response_is_signed(env.response);
    if response_signed {
        audit.check(signature::RESPONSE_CHECK, signature::RESPONSE_RULE, || {
            signature::response(backend, &doc, env.response, idp)
        })?;
    }
    // S6-S7: the Response header, then Status (before the Assertion, so a
    // failure Response without one reports its status).
    let response_id = audit.check(response_header::CHECK, response_header::RULE, || {
        response_header::check(env.response, exp, now, idp)
    })?;
    audit.check(status::CHECK, status::RULE, || {
        status::check(env.response, response_signed)
    })?;
    // S8-S9: the Assertion, and its signature (mandatory).
    let unverified = audit.check(envelope::PRESENT_CHECK, envelope::PRESENT_RULE, || {
        envelope::assertion_present(&env)
    })?;
    let assertion = audit.check(
        signature::ASSERTION_CHECK,
        signature::ASSERTION_RULE,
        || signature::assertion(backend, &doc, unverified, idp),
    )?;
    let signed = Signed {
        response_id,
        response_signed,
        idp,
    };
    read_verified(assertion, signed, exp, profile, now, audit)
}

/// What the steps before the Assertion's signature pass on.
struct Signed<'r> {
    response_id: String,
    response_signed: bool,
    idp: &'r Idp,
}

/// S10-S11: everything after the Assertion's signature, read from the
/// verified Assertion only.
fn read_verified(
    assertion: VerifiedAssertion<'_, '_>,
    signed: Signed<'_>,
    exp: &Expectations<'_>,
    profile: &dyn Profile,
    now: UnixTime,
    audit: &mut Audit,
) -> Result<VerifiedResponse> {
    let a = &assertion;
    let idp = signed.idp;
    // S10: the verified Assertion's elements in schema order, then its parts.
    audit.check(assertion_schema::CHECK, assertion_schema::RULE, || {
        assertion_schema::check(a)
    })?;
    audit.check(assertion_header::CHECK, assertion_header::RULE, || {
        assertion_header::check(a, exp, now)
    })?;
    audit.check(issuer::ASSERTION_CHECK, issuer::ASSERTION_RULE, || {
        issuer::assertion_issuer(a, idp, profile)
    })?;
    let confirmation = audit.check(subject::CHECK, subject::RULE, || {
        subject::check(a, exp, now)
    })?;
    let conditions_noa = audit.check(conditions::CHECK, conditions::RULE, || {
        conditions::check(a, exp, now)
    })?;
    let authn = audit.check(authn_statement::CHECK, authn_statement::RULE, || {
        authn_statement::check(a, exp, profile)
    })?;
    let session_index = authn.session_index.clone();
    let attributes = audit.check(attributes::CHECK, attributes::RULE, || attributes::check(a))?;
    let identity = audit.check(identity::CHECK, identity::RULE, || {
        identity::map(attributes, authn, idp, profile)
    })?;
    Ok(VerifiedResponse {
        identity,
        response_id: signed.response_id,
        response_signed: signed.response_signed,
        assertion_id: assertion.id().to_string(),
        in_response_to: confirmation.in_response_to,
        name_id: confirmation.name_id,
        // Whole seconds, as before sub-second times: keep the IDs until then.
        not_on_or_after: confirmation
            .not_on_or_after
            .min(conditions_noa)
            .floor_secs(),
        session_index,
        idp_entity_id: idp.entity_id.clone(),
    })
}
