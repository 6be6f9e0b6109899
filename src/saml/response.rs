//! Verifying a SAML 2.0 Response (HTTP-POST binding) under the SPID or the
//! CIE ID profile, check by check. Sources: SPID "Regole tecniche"
//! (single-sign-on: Response, Assertion, "Processamento della Response");
//! SAML 2.0 Core; the CIE ID technical manual for service providers.

use super::audit::Audit;
use super::metadata::Idp;
use super::time::{self, Instant};
use super::{Comparison, Expectations, InputEncoding, Level, Profile, VerifiedResponse};
use crate::crypto::Backend;
use crate::error::{Error, ErrorCode, Result};
use crate::identity::{Loa, System, VerifiedIdentity};
use crate::xml::dsig::{self, DSIG_NS};
use crate::Trust;
use roxmltree::{Node, NodeType};

const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const ENTITY: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";
const TRANSIENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

fn err(code: ErrorCode, reason: &'static str) -> Error {
    Error::new(code, reason)
}

fn structure(reason: &'static str) -> Error {
    err(ErrorCode::SamlStructureInvalid, reason)
}

fn is(node: Node<'_, '_>, ns: &str, name: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(ns) && node.tag_name().name() == name
}

fn children<'a, 'i>(
    node: Node<'a, 'i>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |c| is(*c, ns, name))
}

fn one<'a, 'i>(
    node: Node<'a, 'i>,
    ns: &'a str,
    name: &'a str,
    missing: &'static str,
) -> Result<Node<'a, 'i>> {
    let mut it = children(node, ns, name);
    match (it.next(), it.next()) {
        (Some(n), None) => Ok(n),
        (None, _) => Err(structure(missing)),
        (Some(_), Some(_)) => Err(structure("an element that must appear once appears twice")),
    }
}

/// XML whitespace only (XML 1.0 §2.3 S), never interior whitespace.
fn trim(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

/// The text of a text-only element: the concatenation of all its text
/// children, so a comment never truncates a value (CVE-2017-11427); an
/// element child is a structure error. Trimmed.
fn text(node: Node<'_, '_>) -> Result<String> {
    let mut s = String::new();
    for c in node.children() {
        match c.node_type() {
            NodeType::Text => s.push_str(c.text().unwrap_or("")),
            NodeType::Comment | NodeType::PI => {}
            _ => return Err(structure("a text value holds an element")),
        }
    }
    Ok(trim(&s).to_string())
}

fn attr<'a>(node: Node<'a, '_>, name: &str, missing: &'static str) -> Result<&'a str> {
    match node.attribute(name) {
        Some(v) if !trim(v).is_empty() => Ok(v),
        _ => Err(structure(missing)),
    }
}

fn time_attr(node: Node<'_, '_>, name: &str, missing: &'static str) -> Result<Instant> {
    time::parse(attr(node, name, missing)?)
}

/// SPID rules, Response and Assertion: IssueInstant not later than now
/// (plus skew), not before the AuthnRequest, and not older than the
/// caller's maximum age.
fn check_issue_instant(ii: Instant, exp: &Expectations<'_>, now: Instant) -> Result<()> {
    let s = i64::from(exp.clock_skew.as_secs());
    let bad = |why: &'static str| err(ErrorCode::SamlTimeInvalid, why);
    if ii > now.plus_secs(s) {
        return Err(bad("IssueInstant is in the future"));
    }
    if let Some(req) = exp.request_issue_instant {
        if ii.plus_secs(s) < Instant::from_secs(req.as_secs()) {
            return Err(bad("IssueInstant is before the request was sent"));
        }
    }
    if ii.plus_secs(s) < now.plus_secs(-i64::from(exp.max_issue_instant_age_secs)) {
        return Err(bad("IssueInstant is too old"));
    }
    Ok(())
}

/// SAML Core §2.5.1.2: valid at or after NotBefore, invalid at or after NotOnOrAfter.
fn check_window(
    not_before: Option<Instant>,
    not_on_or_after: Instant,
    skew: i64,
    now: Instant,
) -> Result<()> {
    if let Some(nb) = not_before {
        if nb > now.plus_secs(skew) {
            return Err(err(
                ErrorCode::SamlTimeNotYetValid,
                "NotBefore is in the future",
            ));
        }
    }
    if now.plus_secs(-skew) >= not_on_or_after {
        return Err(err(ErrorCode::SamlTimeExpired, "NotOnOrAfter has passed"));
    }
    Ok(())
}

fn level_of(class_ref: &str) -> Option<Level> {
    match class_ref {
        "https://www.spid.gov.it/SpidL1" => Some(Level::L1),
        "https://www.spid.gov.it/SpidL2" => Some(Level::L2),
        "https://www.spid.gov.it/SpidL3" => Some(Level::L3),
        _ => None,
    }
}

/// SPID rules, AuthnRequest (N.B.): an IdP may authenticate at a higher
/// level than asked, and that must not fail; an equal level fails only
/// under `better`; a lower one passes only under `maximum`.
fn level_ok(got: Level, requested: Level, cmp: Comparison) -> bool {
    use std::cmp::Ordering::*;
    match (got.cmp(&requested), cmp) {
        (Greater, _) => true,
        (Equal, Comparison::Better) => false,
        (Equal, _) => true,
        (Less, Comparison::Maximum) => true,
        (Less, _) => false,
    }
}

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
            time::parse(&format!("{s}T00:00:00Z")).is_ok() && y > 0 && m > 0 && d > 0
        }
        _ => false,
    }
}

pub(crate) fn verify(
    backend: &dyn Backend,
    trust: &Trust,
    input: &[u8],
    exp: &Expectations<'_>,
    profile: Profile,
    now: crate::UnixTime,
    audit: &mut Audit,
) -> Result<VerifiedResponse> {
    let now_i = Instant::from_secs(now.as_secs());
    let skew = i64::from(exp.clock_skew.as_secs());

    // S1-S2: input and XML.
    let text_in = audit.check(
        "input",
        "SAML bindings §3.5.4: the base64 SAMLResponse, bounded",
        || crate::xml::input::decode(input, exp.input == InputEncoding::Base64, &exp.limits),
    )?;
    let doc = audit.check("xml", "one DTD-free, bounded XML document", || {
        crate::xml::parse::parse(&text_in, &exp.limits)
    })?;

    // S3: the envelope.
    let response = doc.root_element();
    audit.check(
        "envelope",
        "SAML Core §3.2.2: one Response, children in schema order, one Assertion at most",
        || {
            if !is(response, SAMLP, "Response") {
                return Err(structure("the document element is not samlp:Response"));
            }
            if doc
                .descendants()
                .filter(|n| is(*n, SAMLP, "Response"))
                .count()
                != 1
            {
                return Err(structure("more than one Response in the document"));
            }
            // Issuer?, Signature?, Extensions?, Status?, Assertion?
            let mut stage = 0;
            for c in response.children() {
                let next = match c.node_type() {
                    NodeType::Element if is(c, SAML, "Issuer") => 1,
                    NodeType::Element if is(c, DSIG_NS, "Signature") => 2,
                    NodeType::Element if is(c, SAMLP, "Extensions") => 3,
                    NodeType::Element if is(c, SAMLP, "Status") => 4,
                    NodeType::Element if is(c, SAML, "Assertion") => 5,
                    NodeType::Element if is(c, SAML, "EncryptedAssertion") => {
                        return Err(structure("encrypted assertions are not supported"))
                    }
                    NodeType::Element => {
                        return Err(structure("an unexpected element in the Response"))
                    }
                    NodeType::Text if c.text().is_some_and(|t| trim(t).is_empty()) => continue,
                    NodeType::Comment | NodeType::PI => continue,
                    _ => return Err(structure("unexpected text in the Response")),
                };
                if next <= stage {
                    return Err(structure(
                        "the Response's children are out of order or repeated",
                    ));
                }
                stage = next;
            }
            let direct = children(response, SAML, "Assertion").count();
            let all = doc
                .descendants()
                .filter(|n| is(*n, SAML, "Assertion"))
                .count();
            if all != direct {
                return Err(structure("an Assertion outside its place in the Response"));
            }
            Ok(())
        },
    )?;
    let assertion_node = children(response, SAML, "Assertion").next();

    // S4: which IdP (its keys are the only candidates).
    let idp: &Idp = audit.check(
        "idp",
        "SPID rules, Assertion: Issuer is the IdP entity of the metadata",
        || {
            let hint = match exp.idp_entity_id {
                Some(e) => e.to_string(),
                None => {
                    let from_assertion = assertion_node
                        .and_then(|a| children(a, SAML, "Issuer").next())
                        .and_then(|i| text(i).ok())
                        .filter(|t| !t.is_empty());
                    let from_response = children(response, SAML, "Issuer")
                        .next()
                        .and_then(|i| text(i).ok())
                        .filter(|t| !t.is_empty());
                    from_assertion
                        .or(from_response)
                        .ok_or(err(ErrorCode::SamlIssuerInvalid, "no Issuer names the IdP"))?
                }
            };
            let idp = trust
                .saml_idps
                .iter()
                .find(|i| i.entity_id == hint)
                .ok_or(err(
                    ErrorCode::SamlIssuerInvalid,
                    "the Issuer is not a trusted IdP",
                ))?;
            if idp.valid_until.is_some_and(|vu| now_i >= vu) {
                return Err(err(
                    ErrorCode::SamlMetadataExpired,
                    "the IdP's metadata has expired",
                ));
            }
            Ok(idp)
        },
    )?;

    // S5: the Response signature, when present.
    let response_signed = children(response, DSIG_NS, "Signature").next().is_some();
    if response_signed {
        audit.check(
            "response signature",
            "SPID rules, Response: the Signature, when present, is verified",
            || {
                dsig::verify_enveloped(
                    backend,
                    &doc,
                    response,
                    &idp.signing_keys,
                    dsig::Policy::SAML,
                )
                .map(|_| ())
            },
        )?;
    }

    // S6: the Response header.
    let response_id = audit.check(
        "response header",
        "SPID rules, Response: Version 2.0, ID, IssueInstant, Destination, InResponseTo, Issuer",
        || {
            let version = attr(response, "Version", "the Response has no Version")?;
            if trim(version) != "2.0" {
                return Err(err(
                    ErrorCode::SamlVersionInvalid,
                    "the Response Version is not 2.0",
                ));
            }
            let id = attr(response, "ID", "the Response has no ID")?;
            let ii = time_attr(response, "IssueInstant", "the Response has no IssueInstant")?;
            check_issue_instant(ii, exp, now_i)?;
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
            Ok(trim(id).to_string())
        },
    )?;

    // S7: Status.
    audit.check("status", "SAML Core §3.2.2.2: StatusCode Success", || {
        let status = one(response, SAMLP, "Status", "the Response has no Status")?;
        let code = status
            .children()
            .find(|c| c.is_element())
            .filter(|c| is(*c, SAMLP, "StatusCode"))
            .ok_or_else(|| structure("the Status has no StatusCode"))?;
        let value = attr(code, "Value", "the StatusCode has no Value")?;
        if trim(value) == SUCCESS {
            return Ok(());
        }
        let sub = children(code, SAMLP, "StatusCode")
            .next()
            .and_then(|s| s.attribute("Value"))
            .map(trim)
            .unwrap_or("");
        let message = children(status, SAMLP, "StatusMessage")
            .next()
            .and_then(|m| text(m).ok())
            .unwrap_or_default();
        Err(Error::with_detail(
            ErrorCode::SamlStatusFailure,
            format!(
                "the IdP reports a failure: {}{}{}{}",
                trim(value),
                if sub.is_empty() {
                    String::new()
                } else {
                    format!(" / {sub}")
                },
                if message.is_empty() {
                    String::new()
                } else {
                    format!(" ({message})")
                },
                if response_signed {
                    ""
                } else {
                    " [unsigned Response: unauthenticated]"
                }
            ),
        ))
    })?;

    // S8-S9: exactly one Assertion, and its signature (mandatory).
    let assertion = audit.check(
        "assertion",
        "SPID rules, Response: one Assertion on success",
        || assertion_node.ok_or_else(|| structure("the Response has no Assertion")),
    )?;
    let verified = audit.check(
        "assertion signature",
        "SPID rules, Assertion: the Assertion is signed by the IdP",
        || {
            dsig::verify_enveloped(
                backend,
                &doc,
                assertion,
                &idp.signing_keys,
                dsig::Policy::SAML,
            )
        },
    )?;
    // From here on, values are read from the verified Assertion only.
    let a = verified.node();

    audit.check(
        "assertion header",
        "SPID rules, Assertion: Version 2.0, IssueInstant",
        || {
            let version = attr(a, "Version", "the Assertion has no Version")?;
            if trim(version) != "2.0" {
                return Err(err(
                    ErrorCode::SamlVersionInvalid,
                    "the Assertion Version is not 2.0",
                ));
            }
            let ii = time_attr(a, "IssueInstant", "the Assertion has no IssueInstant")?;
            check_issue_instant(ii, exp, now_i)?;
            // SPID rules, Assertion: Advice must not be used.
            if children(a, SAML, "Advice").next().is_some() {
                return Err(structure("the Assertion carries Advice"));
            }
            Ok(())
        },
    )?;

    audit.check(
        "assertion issuer",
        "SPID rules, Assertion: Issuer = the IdP, Format entity (CIE: Format optional)",
        || {
            let issuer = a
                .children()
                .find(|c| c.is_element())
                .filter(|c| is(*c, SAML, "Issuer"))
                .ok_or_else(|| structure("the Assertion does not start with its Issuer"))?;
            let issuer_text = text(issuer)?;
            if issuer_text.is_empty() {
                return Err(structure("the Assertion Issuer is empty"));
            }
            match (issuer.attribute("Format").map(trim), profile) {
                (Some(ENTITY), _) | (None, Profile::Cie) => {}
                _ => {
                    return Err(err(
                        ErrorCode::SamlIssuerInvalid,
                        "the Assertion Issuer Format is not entity",
                    ))
                }
            }
            if issuer_text != idp.entity_id {
                return Err(err(
                    ErrorCode::SamlIssuerInvalid,
                    "the Assertion Issuer is not the IdP",
                ));
            }
            Ok(())
        },
    )?;

    let (not_on_or_after, scd_irt) = audit.check("subject", "SPID rules, Assertion: transient NameID with NameQualifier; bearer confirmation to the ACS, in time, for the request", || {
        let subject = one(a, SAML, "Subject", "the Assertion has no Subject")?;
        let name_id = one(subject, SAML, "NameID", "the Subject has no NameID")?;
        if text(name_id)?.is_empty() {
            return Err(structure("the NameID is empty"));
        }
        let format = attr(name_id, "Format", "the NameID has no Format")?;
        if trim(format) != TRANSIENT {
            return Err(err(ErrorCode::SamlSubjectInvalid, "the NameID Format is not transient"));
        }
        attr(name_id, "NameQualifier", "the NameID has no NameQualifier")?;
        if let Some(spnq) = name_id.attribute("SPNameQualifier") {
            if trim(spnq) != exp.sp_entity_id {
                return Err(err(ErrorCode::SamlSubjectInvalid, "SPNameQualifier is not this SP"));
            }
        }
        let sc = one(subject, SAML, "SubjectConfirmation", "the Subject has no SubjectConfirmation")?;
        let method = attr(sc, "Method", "the SubjectConfirmation has no Method")?;
        if trim(method) != BEARER {
            return Err(err(ErrorCode::SamlSubjectInvalid, "the confirmation method is not bearer"));
        }
        let scd = one(sc, SAML, "SubjectConfirmationData", "no SubjectConfirmationData")?;
        let recipient = attr(scd, "Recipient", "SubjectConfirmationData has no Recipient")?;
        if trim(recipient) != exp.acs_url {
            return Err(err(ErrorCode::SamlRecipientMismatch, "Recipient is not the ACS URL"));
        }
        let noa = time_attr(scd, "NotOnOrAfter", "SubjectConfirmationData has no NotOnOrAfter")?;
        let nb = match scd.attribute("NotBefore") {
            Some(v) => Some(time::parse(v)?),
            None => None,
        };
        check_window(nb, noa, skew, now_i)?;
        let irt = attr(scd, "InResponseTo", "SubjectConfirmationData has no InResponseTo")?;
        if trim(irt) != exp.request_id {
            return Err(err(ErrorCode::SamlInResponseToMismatch, "InResponseTo is not the request ID"));
        }
        Ok((noa, trim(irt).to_string()))
    })?;

    let conditions_noa = audit.check(
        "conditions",
        "SAML Core §2.5.1; SPID rules, Assertion: NotBefore, NotOnOrAfter, Audience = this SP",
        || {
            let conditions = one(a, SAML, "Conditions", "the Assertion has no Conditions")?;
            let nb = time_attr(conditions, "NotBefore", "Conditions has no NotBefore")?;
            let noa = time_attr(conditions, "NotOnOrAfter", "Conditions has no NotOnOrAfter")?;
            check_window(Some(nb), noa, skew, now_i)?;
            let mut restrictions = 0;
            for c in conditions.children() {
                if c.is_element() {
                    if is(c, SAML, "AudienceRestriction") {
                        restrictions += 1;
                        let mut audiences = 0;
                        let mut ours = false;
                        for aud in c.children().filter(|x| x.is_element()) {
                            if !is(aud, SAML, "Audience") {
                                return Err(structure(
                                    "an AudienceRestriction holds something else",
                                ));
                            }
                            let t = text(aud)?;
                            if t.is_empty() {
                                return Err(structure("an Audience is empty"));
                            }
                            audiences += 1;
                            ours |= t == exp.sp_entity_id;
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
                    } else if !(is(c, SAML, "OneTimeUse") || is(c, SAML, "ProxyRestriction")) {
                        return Err(structure("an unknown condition"));
                    }
                }
            }
            if restrictions == 0 {
                return Err(structure("Conditions has no AudienceRestriction"));
            }
            Ok(noa)
        },
    )?;

    let (level, authn_instant, session_index) = audit.check(
        "authn statement",
        "SPID rules, Assertion: AuthnStatement with a SPID level at least the one requested",
        || {
            let st = one(
                a,
                SAML,
                "AuthnStatement",
                "the Assertion has no AuthnStatement",
            )?;
            let instant = attr(st, "AuthnInstant", "the AuthnStatement has no AuthnInstant")?;
            time::parse(instant)?;
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
            let level = level_of(&cr_text).ok_or(err(
                ErrorCode::SamlAuthnContextInvalid,
                "the AuthnContextClassRef is not a SPID level",
            ))?;
            if !level_ok(level, exp.min_level, exp.comparison) {
                return Err(err(
                    ErrorCode::SamlAuthnContextInsufficient,
                    "the authentication level does not meet the request",
                ));
            }
            Ok((
                level,
                trim(instant).to_string(),
                st.attribute("SessionIndex").map(|s| trim(s).to_string()),
            ))
        },
    )?;

    let attributes = audit.check(
        "attributes",
        "SPID rules, attributes: one value each, no duplicates",
        || {
            let mut out = std::collections::BTreeMap::new();
            let mut statements = children(a, SAML, "AttributeStatement");
            let Some(st) = statements.next() else {
                return Ok(out);
            };
            if statements.next().is_some() {
                return Err(err(
                    ErrorCode::SamlAttributeInvalid,
                    "two AttributeStatements",
                ));
            }
            let bad = |why: &'static str| err(ErrorCode::SamlAttributeInvalid, why);
            for at in st.children().filter(|c| c.is_element()) {
                if !is(at, SAML, "Attribute") {
                    return Err(bad("an AttributeStatement holds something else"));
                }
                let name = at
                    .attribute("Name")
                    .map(trim)
                    .filter(|n| !n.is_empty())
                    .ok_or(bad("an Attribute has no Name"))?;
                let values: Vec<_> = at.children().filter(|c| c.is_element()).collect();
                let value = match values.as_slice() {
                    [v] if is(*v, SAML, "AttributeValue") => {
                        text(*v).map_err(|_| bad("an AttributeValue is not text"))?
                    }
                    _ => return Err(bad("an Attribute must have exactly one AttributeValue")),
                };
                if value.is_empty() {
                    return Err(bad("an AttributeValue is empty"));
                }
                if out.insert(name.to_string(), value).is_some() {
                    return Err(bad("an Attribute appears twice"));
                }
            }
            // SAML Core §2.7.3: an AttributeStatement holds one or more attributes.
            if out.is_empty() {
                return Err(bad("an AttributeStatement without any Attribute"));
            }
            Ok(out)
        },
    )?;

    let identity = audit.check(
        "identity",
        "SPID rules, attributes: fiscalNumber TINIT-…, dateOfBirth YYYY-MM-DD",
        || {
            let mut attributes = attributes;
            let mut identity = VerifiedIdentity::new(match profile {
                Profile::Spid => System::Spid,
                Profile::Cie => System::Cie,
            });
            identity.issuer = Some(idp.entity_id.clone());
            if let Some(cf) = attributes.remove("fiscalNumber") {
                if !cf.starts_with("TINIT-") || cf.len() <= "TINIT-".len() {
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
            identity.level = Some(level.name().to_string());
            identity.loa = Some(match level {
                Level::L1 => Loa::Low,
                Level::L2 => Loa::Substantial,
                Level::L3 => Loa::High,
            });
            identity.authn_instant = Some(authn_instant);
            identity.attributes = attributes;
            Ok(identity)
        },
    )?;

    Ok(VerifiedResponse {
        identity,
        response_id,
        response_signed,
        assertion_id: verified.id().to_string(),
        in_response_to: scd_irt,
        not_on_or_after: crate::UnixTime::from_unix_seconds(
            not_on_or_after.secs.min(conditions_noa.secs),
        ),
        session_index,
        idp_entity_id: idp.entity_id.clone(),
    })
}
