//! The signed Assertion held to its schema, in order, with SPID's and CIE
//! ID's restrictions on top.
//!
//! SAML 2.0 Core §2.3.3 (`AssertionType`): `<saml:Issuer>`,
//! `<ds:Signature>?`, `<saml:Subject>?`, `<saml:Conditions>?`,
//! `<saml:Advice>?`, then any number of `<saml:Statement>`,
//! `<saml:AuthnStatement>`, `<saml:AuthzDecisionStatement>`,
//! `<saml:AttributeStatement>`. §2.4.1 (`SubjectType`): "exactly one of"
//! `<BaseID>`, `<NameID>`, `<EncryptedID>`, then zero or more
//! `<SubjectConfirmation>`. §2.4.1.1 (`SubjectConfirmationType`): an
//! identifier?, `<SubjectConfirmationData>?`. §2.5.1 (`ConditionsType`):
//! any number of `<Condition>`, `<AudienceRestriction>`, `<OneTimeUse>`,
//! `<ProxyRestriction>`; §2.5.1.5: "A SAML authority MUST NOT include more
//! than one `<OneTimeUse>` element within a `<Conditions>` element of an
//! assertion."; §2.5.1.6: "A SAML authority MUST NOT include more than one
//! `<ProxyRestriction>` element within a `<Conditions>` element of an
//! assertion." §2.5.1.4: `<AudienceRestriction>` holds one or more
//! `<Audience>`. §2.7.2 (`AuthnStatementType`): `<SubjectLocality>?`,
//! `<AuthnContext>`; §2.7.2.2 (`AuthnContextType`):
//! `<AuthnContextClassRef>` then optionally `<AuthnContextDecl>` or
//! `<AuthnContextDeclRef>` (or one of these alone), then
//! `<AuthenticatingAuthority>*`.
//!
//! SPID "Regole tecniche", *Assertion*: the Assertion carries `<Issuer>`,
//! `<Signature>`, `<Subject>` with `<NameID>` and `<SubjectConfirmation>`
//! (`<SubjectConfirmationData>` with its attributes), `<Conditions>` with
//! `<AudienceRestriction>`, `<AuthnStatement>` with `<AuthnContext>` and
//! its `<AuthnContextClassRef>`, and may carry one `<AttributeStatement>`;
//! "L'elemento `<Advice>` è previsto per futuri usi ed al momento non deve
//! essere utilizzato." The CIE ID manual (*Risposta di autenticazione
//! SAML*) shows the same Assertion.
//!
//! So, on top of the schema (each a `saml.structure.invalid`): the Subject
//! is a `NameID` and exactly one `SubjectConfirmation`, holding only its
//! `SubjectConfirmationData`, which holds only attributes (a bearer
//! confirmation); `Subject`, `Conditions`, one `AuthnStatement` with an
//! `AuthnContextClassRef` are required; no `Advice`, no
//! `AuthzDecisionStatement`, no extension `Statement`.
//!
//! How content is read (XML Schema 1.0 Part 1 §3.4.4, element-only
//! content): between elements only whitespace (XML 1.0 §2.3 `S`),
//! comments and processing instructions may appear (a schema validator
//! ignores the latter two; exclusive c14n without comments drops comments,
//! and no value is read from either); any other character is refused.
//! Elements are matched by namespace and local name: an unknown element,
//! one of another namespace, or a known one out of order or repeated is
//! refused. Text-only elements (`Issuer`, `NameID`, `Audience`,
//! `AuthnContextClassRef`, …) hold no element. The attributes' values are
//! the later checks' (with their own codes), and so is the content of
//! the `AttributeStatement` ([`super::attributes`], `saml.attribute.invalid`).

use crate::error::{Error, ErrorCode, Result};
use crate::saml::dom::{is, SAML};
use crate::saml::verified::VerifiedAssertion;
use crate::xml::dsig::DSIG_NS;
use roxmltree::{Node, NodeType};

pub(crate) const CHECK: &str = "assertion schema";
pub(crate) const RULE: &str = "SAML Core §2.3.3, §2.4.1, §2.5.1, §2.7.2: the Assertion's elements in schema order (one OneTimeUse, one ProxyRestriction); SPID rules, Assertion: NameID, one bearer SubjectConfirmation, one AuthnStatement, no Advice";

/// One place of a content model: the elements that may fill it, and how
/// many times.
struct Slot {
    names: &'static [(&'static str, &'static str)],
    min: usize,
    max: usize,
}

const fn slot(names: &'static [(&'static str, &'static str)], min: usize, max: usize) -> Slot {
    Slot { names, min, max }
}

const MANY: usize = usize::MAX;

pub(crate) fn check(assertion: &VerifiedAssertion<'_, '_>) -> Result<()> {
    assertion_content(assertion.node())
}

/// The Assertion element's content (its signature already verified).
fn assertion_content(a: Node<'_, '_>) -> Result<()> {
    let parts = content(
        a,
        "Assertion",
        &[
            slot(&[(SAML, "Issuer")], 1, 1),
            slot(&[(DSIG_NS, "Signature")], 0, 1),
            slot(&[(SAML, "Subject")], 1, 1),
            slot(&[(SAML, "Conditions")], 1, 1),
            // Schema-valid, refused below (SPID: not to be used).
            slot(&[(SAML, "Advice")], 0, 1),
            slot(
                &[
                    (SAML, "Statement"),
                    (SAML, "AuthnStatement"),
                    (SAML, "AuthzDecisionStatement"),
                    (SAML, "AttributeStatement"),
                ],
                0,
                MANY,
            ),
        ],
    )?;
    let [issuer, _signature, subject_, conditions_, advice, statements] = parts.as_slice() else {
        return Err(structure(
            "Assertion",
            "its content model is not the schema's",
        ));
    };
    issuer.iter().try_for_each(|n| text_only(*n, "Issuer"))?;
    if !advice.is_empty() {
        return Err(structure("Assertion", "it carries Advice"));
    }
    subject_.iter().try_for_each(|n| subject(*n))?;
    conditions_.iter().try_for_each(|n| conditions(*n))?;
    let mut authn = 0;
    for st in statements {
        if is(*st, SAML, "AuthnStatement") {
            authn += 1;
            authn_statement(*st)?;
        } else if !is(*st, SAML, "AttributeStatement") {
            return Err(structure(
                "Assertion",
                "a statement other than AuthnStatement and AttributeStatement",
            ));
        }
    }
    if authn != 1 {
        return Err(structure(
            "Assertion",
            "it must hold exactly one AuthnStatement",
        ));
    }
    Ok(())
}

/// Subject: exactly one of BaseID, NameID, EncryptedID, then
/// SubjectConfirmation*; SPID: a NameID and one SubjectConfirmation.
fn subject(node: Node<'_, '_>) -> Result<()> {
    let parts = content(
        node,
        "Subject",
        &[
            slot(
                &[(SAML, "BaseID"), (SAML, "NameID"), (SAML, "EncryptedID")],
                1,
                1,
            ),
            slot(&[(SAML, "SubjectConfirmation")], 1, 1),
        ],
    )?;
    let [id, confirmation] = parts.as_slice() else {
        return Err(structure(
            "Subject",
            "its content model is not the schema's",
        ));
    };
    for n in id {
        if !is(*n, SAML, "NameID") {
            return Err(structure("Subject", "its identifier is not a NameID"));
        }
        text_only(*n, "NameID")?;
    }
    for sc in confirmation {
        let parts = content(
            *sc,
            "SubjectConfirmation",
            &[slot(&[(SAML, "SubjectConfirmationData")], 1, 1)],
        )?;
        for scd in parts.iter().flatten() {
            content(*scd, "SubjectConfirmationData", &[])?;
        }
    }
    Ok(())
}

/// Conditions: Condition, AudienceRestriction, OneTimeUse, ProxyRestriction
/// in any order, at most one OneTimeUse and one ProxyRestriction (§2.5.1.5,
/// §2.5.1.6). Which conditions are understood, and the audiences, are the
/// conditions check's.
fn conditions(node: Node<'_, '_>) -> Result<()> {
    let parts = content(
        node,
        "Conditions",
        &[slot(
            &[
                (SAML, "Condition"),
                (SAML, "AudienceRestriction"),
                (SAML, "OneTimeUse"),
                (SAML, "ProxyRestriction"),
            ],
            0,
            MANY,
        )],
    )?;
    let (mut one_time_use, mut proxy) = (0, 0);
    for c in parts.iter().flatten() {
        if is(*c, SAML, "OneTimeUse") {
            one_time_use += 1;
            content(*c, "OneTimeUse", &[])?;
        } else if is(*c, SAML, "ProxyRestriction") {
            proxy += 1;
            for a in content(
                *c,
                "ProxyRestriction",
                &[slot(&[(SAML, "Audience")], 0, MANY)],
            )?
            .iter()
            .flatten()
            {
                text_only(*a, "Audience")?;
            }
        } else if is(*c, SAML, "AudienceRestriction") {
            for a in content(
                *c,
                "AudienceRestriction",
                &[slot(&[(SAML, "Audience")], 1, MANY)],
            )?
            .iter()
            .flatten()
            {
                text_only(*a, "Audience")?;
            }
        }
    }
    if one_time_use > 1 {
        return Err(structure("Conditions", "more than one OneTimeUse"));
    }
    if proxy > 1 {
        return Err(structure("Conditions", "more than one ProxyRestriction"));
    }
    Ok(())
}

/// AuthnStatement: SubjectLocality?, AuthnContext; AuthnContext:
/// AuthnContextClassRef (SPID: required), AuthnContextDecl or
/// AuthnContextDeclRef?, AuthenticatingAuthority*.
fn authn_statement(node: Node<'_, '_>) -> Result<()> {
    let parts = content(
        node,
        "AuthnStatement",
        &[
            slot(&[(SAML, "SubjectLocality")], 0, 1),
            slot(&[(SAML, "AuthnContext")], 1, 1),
        ],
    )?;
    let [locality, context] = parts.as_slice() else {
        return Err(structure(
            "AuthnStatement",
            "its content model is not the schema's",
        ));
    };
    for l in locality {
        content(*l, "SubjectLocality", &[])?;
    }
    for ctx in context {
        let parts = content(
            *ctx,
            "AuthnContext",
            &[
                slot(&[(SAML, "AuthnContextClassRef")], 1, 1),
                slot(
                    &[(SAML, "AuthnContextDecl"), (SAML, "AuthnContextDeclRef")],
                    0,
                    1,
                ),
                slot(&[(SAML, "AuthenticatingAuthority")], 0, MANY),
            ],
        )?;
        let [class_ref, decl, authorities] = parts.as_slice() else {
            return Err(structure(
                "AuthnContext",
                "its content model is not the schema's",
            ));
        };
        class_ref
            .iter()
            .try_for_each(|n| text_only(*n, "AuthnContextClassRef"))?;
        for d in decl {
            if is(*d, SAML, "AuthnContextDeclRef") {
                text_only(*d, "AuthnContextDeclRef")?;
            }
        }
        authorities
            .iter()
            .try_for_each(|n| text_only(*n, "AuthenticatingAuthority"))?;
    }
    Ok(())
}

/// The element children of `node`, placed in `slots` in order (an element
/// that fits no later slot is unknown, out of order or repeated), each
/// slot's count within its bounds; only whitespace, comments and PIs
/// between them. `slots` empty: no element at all.
fn content<'a, 'i>(
    node: Node<'a, 'i>,
    whose: &'static str,
    slots: &[Slot],
) -> Result<Vec<Vec<Node<'a, 'i>>>> {
    let mut filled: Vec<Vec<Node<'a, 'i>>> = slots.iter().map(|_| Vec::new()).collect();
    let mut at = 0;
    for c in node.children() {
        match c.node_type() {
            NodeType::Element => {}
            NodeType::Text if c.text().is_some_and(is_xml_space) => continue,
            NodeType::Comment | NodeType::PI => continue,
            _ => return Err(structure(whose, "it holds text where only elements may be")),
        }
        let fits = |s: &Slot| s.names.iter().any(|(ns, name)| is(c, ns, name));
        let Some(offset) = slots.get(at..).and_then(|rest| rest.iter().position(fits)) else {
            return Err(if slots.iter().any(fits) {
                structure(whose, "its elements are out of schema order")
            } else {
                structure(whose, "it holds an element its schema does not allow")
            });
        };
        at += offset;
        let (Some(s), Some(f)) = (slots.get(at), filled.get_mut(at)) else {
            return Err(structure(whose, "its content model is not the schema's"));
        };
        if f.len() >= s.max {
            return Err(structure(
                whose,
                "an element appears more often than allowed",
            ));
        }
        f.push(c);
    }
    for (s, f) in slots.iter().zip(&filled) {
        if f.len() < s.min {
            return Err(structure(whose, "a required element is missing"));
        }
    }
    Ok(filled)
}

/// A text-only element: text (and comments, PIs), no element.
fn text_only(node: Node<'_, '_>, whose: &'static str) -> Result<()> {
    if node.children().any(|c| c.is_element()) {
        return Err(structure(whose, "a text value holds an element"));
    }
    Ok(())
}

/// XML 1.0 §2.3 `S`: space, tab, CR, LF only.
fn is_xml_space(t: &str) -> bool {
    t.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

fn structure(whose: &'static str, what: &'static str) -> Error {
    Error::with_detail(ErrorCode::SamlStructureInvalid, format!("{whose}: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = r#"xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:x="urn:idbridge:test:x""#;

    /// A well-formed SPID Assertion; each `{name}` marks a place where a
    /// test inserts something.
    const TEMPLATE: &str = r#"<saml:Assertion NS ID="_a" Version="2.0" IssueInstant="2026-03-01T10:00:00Z">{assertion0}
  <saml:Issuer>https://idp</saml:Issuer>{assertion1}
  <ds:Signature><ds:SignedInfo/></ds:Signature>{assertion2}
  <saml:Subject>{subject0}
    <saml:NameID Format="t" NameQualifier="q">_n</saml:NameID>{subject1}
    <saml:SubjectConfirmation Method="b">{sc0}
      <saml:SubjectConfirmationData Recipient="r">{scd}</saml:SubjectConfirmationData>{sc1}
    </saml:SubjectConfirmation>{subject2}
  </saml:Subject>{assertion3}
  <saml:Conditions NotBefore="a" NotOnOrAfter="b">{conditions0}
    <saml:AudienceRestriction>{ar0}<saml:Audience>sp</saml:Audience>{ar1}</saml:AudienceRestriction>{conditions1}
  </saml:Conditions>{assertion4}
  <saml:AuthnStatement AuthnInstant="a">{authn0}
    <saml:AuthnContext>{ctx0}<saml:AuthnContextClassRef>https://www.spid.gov.it/SpidL2</saml:AuthnContextClassRef>{ctx1}</saml:AuthnContext>{authn1}
  </saml:AuthnStatement>{assertion5}
  <saml:AttributeStatement><saml:Attribute Name="n"><saml:AttributeValue>v</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>{assertion6}
</saml:Assertion>"#;

    const PLACES: &[&str] = &[
        "assertion0",
        "assertion1",
        "assertion2",
        "assertion3",
        "assertion4",
        "assertion5",
        "assertion6",
        "subject0",
        "subject1",
        "subject2",
        "sc0",
        "sc1",
        "scd",
        "conditions0",
        "conditions1",
        "ar0",
        "ar1",
        "authn0",
        "authn1",
        "ctx0",
        "ctx1",
    ];

    /// The template with `insert` at `place` (every other place empty).
    fn with(place: &str, insert: &str) -> String {
        let mut s = TEMPLATE.replace("NS", NS);
        for p in PLACES {
            let mark = format!("{{{p}}}");
            s = s.replace(&mark, if *p == place { insert } else { "" });
        }
        s
    }

    fn run(xml: &str) -> Result<()> {
        let doc = roxmltree::Document::parse(xml).unwrap();
        assertion_content(doc.root_element())
    }

    fn refused(xml: &str) -> bool {
        match run(xml) {
            Ok(()) => false,
            Err(e) => {
                assert_eq!(e.code(), "saml.structure.invalid", "{xml}");
                true
            }
        }
    }

    #[test]
    fn the_template_passes() {
        run(&with("", "")).unwrap();
    }

    #[test]
    fn comments_pis_and_xml_whitespace_are_ignored_everywhere() {
        for p in PLACES {
            for ok in ["<!-- c -->", "<?pi data?>", " \t\r\n"] {
                run(&with(p, ok)).unwrap_or_else(|e| panic!("{p} {ok:?}: {e}"));
            }
        }
    }

    #[test]
    fn text_in_element_only_content_is_refused_everywhere() {
        for p in PLACES {
            for bad in ["x", "\u{a0}", "<![CDATA[x]]>", "&#x41;"] {
                assert!(refused(&with(p, bad)), "{p} {bad:?}");
            }
        }
    }

    #[test]
    fn unknown_and_foreign_elements_are_refused_everywhere() {
        for p in PLACES {
            for bad in [
                "<saml:Unknown/>",
                "<x:NameID/>",
                "<NameID/>",
                "<x:Extra>v</x:Extra>",
            ] {
                assert!(refused(&with(p, bad)), "{p} {bad}");
            }
        }
    }

    #[test]
    fn a_repeated_or_misplaced_known_element_is_refused() {
        for (p, bad) in [
            ("assertion0", "<saml:Issuer>x</saml:Issuer>"),
            ("assertion2", "<saml:Issuer>x</saml:Issuer>"),
            ("assertion2", "<ds:Signature/>"),
            ("assertion3", "<ds:Signature/>"),
            ("assertion3", "<saml:Subject/>"),
            ("assertion4", "<saml:Subject/>"),
            ("assertion4", "<saml:Conditions/>"),
            ("assertion5", "<saml:Conditions/>"),
            ("assertion6", "<saml:Subject/>"),
            ("assertion2", "<saml:Conditions/>"),
            ("subject0", "<saml:BaseID/>"),
            ("subject0", "<saml:EncryptedID/>"),
            ("subject1", "<saml:BaseID/>"),
            ("subject1", "<saml:NameID>_m</saml:NameID>"),
            ("subject1", "<saml:EncryptedID/>"),
            ("subject2", "<saml:NameID>_m</saml:NameID>"),
            ("subject2", "<saml:SubjectConfirmation Method=\"b\"><saml:SubjectConfirmationData/></saml:SubjectConfirmation>"),
            ("sc0", "<saml:NameID>_m</saml:NameID>"),
            ("sc1", "<saml:SubjectConfirmationData/>"),
            ("scd", "<saml:Anything/>"),
            ("conditions0", "<saml:OneTimeUse>x</saml:OneTimeUse>"),
            ("conditions0", "<saml:OneTimeUse><saml:Audience>a</saml:Audience></saml:OneTimeUse>"),
            ("conditions0", "<saml:AudienceRestriction/>"),
            ("ar0", "<saml:Audience><saml:Audience>a</saml:Audience></saml:Audience>"),
            ("authn0", "<saml:AuthnContext><saml:AuthnContextClassRef>x</saml:AuthnContextClassRef></saml:AuthnContext>"),
            ("authn1", "<saml:SubjectLocality/>"),
            ("authn1", "<saml:AuthnContext/>"),
            ("ctx0", "<saml:AuthnContextDeclRef>d</saml:AuthnContextDeclRef>"),
            ("ctx0", "<saml:AuthnContextClassRef>x</saml:AuthnContextClassRef>"),
            ("ctx1", "<saml:AuthnContextClassRef>x</saml:AuthnContextClassRef>"),
            ("ctx1", "<saml:AuthnContextDecl/><saml:AuthnContextDeclRef>d</saml:AuthnContextDeclRef>"),
            ("ctx1", "<saml:AuthenticatingAuthority>a</saml:AuthenticatingAuthority><saml:AuthnContextDeclRef>d</saml:AuthnContextDeclRef>"),
            ("ctx1", "<saml:AuthenticatingAuthority><x:a/></saml:AuthenticatingAuthority>"),
            ("assertion5", "<saml:Advice/>"),
            ("assertion4", "<saml:Advice/>"),
            ("assertion6", "<saml:AuthnStatement AuthnInstant=\"a\"><saml:AuthnContext><saml:AuthnContextClassRef>x</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"),
            ("assertion6", "<saml:AuthzDecisionStatement Decision=\"Permit\" Resource=\"r\"/>"),
            ("assertion6", "<saml:Statement/>"),
        ] {
            assert!(refused(&with(p, bad)), "{p} {bad}");
        }
    }

    #[test]
    fn conditions_hold_one_one_time_use_and_one_proxy_restriction_at_most() {
        for (ok, n, what) in [
            (true, 1, "<saml:OneTimeUse/>"),
            (false, 2, "<saml:OneTimeUse/>"),
            (false, 3, "<saml:OneTimeUse></saml:OneTimeUse>"),
            (true, 1, "<saml:ProxyRestriction Count=\"1\"><saml:Audience>a</saml:Audience></saml:ProxyRestriction>"),
            (false, 2, "<saml:ProxyRestriction/>"),
        ] {
            for place in ["conditions0", "conditions1"] {
                let xml = with(place, &what.repeat(n));
                assert_eq!(run(&xml).is_ok(), ok, "{xml}");
                // Split around the AudienceRestriction: still counted together.
                if n == 2 {
                    let split = with("conditions0", what).replace("</saml:AudienceRestriction>", &format!("</saml:AudienceRestriction>{what}"));
                    assert!(refused(&split), "{split}");
                }
            }
        }
    }

    #[test]
    fn schema_valid_optional_parts_are_accepted() {
        for (p, ok) in [
            ("authn0", "<saml:SubjectLocality Address=\"198.51.100.7\"/>"),
            ("ctx1", "<saml:AuthnContextDeclRef>d</saml:AuthnContextDeclRef>"),
            ("ctx1", "<saml:AuthnContextDecl/><saml:AuthenticatingAuthority>a</saml:AuthenticatingAuthority><saml:AuthenticatingAuthority>b</saml:AuthenticatingAuthority>"),
            ("assertion5", "<saml:AttributeStatement/>"),
            ("conditions1", "<saml:Condition/>"),
            ("conditions1", "<saml:AudienceRestriction><saml:Audience>a</saml:Audience></saml:AudienceRestriction>"),
        ] {
            run(&with(p, ok)).unwrap_or_else(|e| panic!("{p} {ok}: {e}"));
        }
    }

    #[test]
    fn required_parts_missing_are_refused() {
        let base = with("", "");
        for (cut, into) in [
            ("<saml:Issuer>https://idp</saml:Issuer>", ""),
            ("<saml:NameID Format=\"t\" NameQualifier=\"q\">_n</saml:NameID>", ""),
            ("<saml:SubjectConfirmationData Recipient=\"r\"></saml:SubjectConfirmationData>", ""),
            ("<saml:AuthnContextClassRef>https://www.spid.gov.it/SpidL2</saml:AuthnContextClassRef>", "<saml:AuthnContextDeclRef>d</saml:AuthnContextDeclRef>"),
            ("<saml:Audience>sp</saml:Audience>", ""),
        ] {
            assert!(base.contains(cut), "{cut}");
            assert!(refused(&base.replacen(cut, into, 1)), "{cut}");
        }
        for element in [
            "Subject",
            "Conditions",
            "AuthnStatement",
            "AuthnContext",
            "SubjectConfirmation",
        ] {
            let open = format!("<saml:{element}");
            let close = format!("</saml:{element}>");
            let (a, b) = (
                base.find(&open).unwrap(),
                base.find(&close).unwrap() + close.len(),
            );
            let xml = format!("{}{}", &base[..a], &base[b..]);
            assert!(refused(&xml), "without {element}");
        }
    }
}
