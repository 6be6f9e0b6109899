//! The AttributeStatement: the person's attributes, one value each.
//!
//! SPID "Regole tecniche", *Assertion* (SI PUÒ): "Può essere presente
//! l'elemento `<AttributeStatement>` riportante gli attributi identificativi
//! certificati dall'Identity Provider. Tale elemento se presente dovrà
//! comprendere: uno o più elementi di tipo `<Attribute>` […]; per gli
//! elementi `<AttributeValue>` si raccomanda l'uso dell'attributo
//! `xsi:type`". The type is only recommended (CIE ID sends `xs:string` for
//! every attribute): it never chooses how a value is read.
//!
//! SAML 2.0 Core §2.7.3: an `<AttributeStatement>` holds one or more
//! `<Attribute>` or `<EncryptedAttribute>`; §2.7.3.1: an `<Attribute>`
//! holds zero or more `<AttributeValue>`. SPID attributes are
//! single-valued: no value, two values, the same Name twice (in any
//! form: names are compared after trimming XML whitespace) or two
//! statements are ambiguous, and an empty value says nothing; each is
//! refused, never resolved by taking the first. Encrypted attributes are
//! not supported. Both elements have element-only content: anything but
//! whitespace, comments and PIs between their children is refused too.

use crate::error::{ErrorCode, Result};
use crate::saml::dom::{children, err, is, text, trim, SAML};
use crate::saml::verified::VerifiedAssertion;
use roxmltree::{Node, NodeType};
use std::collections::BTreeMap;

pub(crate) const CHECK: &str = "attributes";
pub(crate) const RULE: &str = "SPID rules, attributes: one value each, no duplicates";

/// Attribute Name → its one value (trimmed); empty without a statement.
pub(crate) fn check(assertion: &VerifiedAssertion<'_, '_>) -> Result<BTreeMap<String, String>> {
    read(assertion.node())
}

/// The attributes of the (verified) Assertion element `assertion`.
fn read(assertion: Node<'_, '_>) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let mut statements = children(assertion, SAML, "AttributeStatement");
    let Some(st) = statements.next() else {
        return Ok(out);
    };
    let bad = |why: &'static str| err(ErrorCode::SamlAttributeInvalid, why);
    if statements.next().is_some() {
        return Err(bad("two AttributeStatements"));
    }
    for at in element_only(st).ok_or(bad("an AttributeStatement holds text"))? {
        if !is(at, SAML, "Attribute") {
            return Err(bad("an AttributeStatement holds something else"));
        }
        let name = at
            .attribute("Name")
            .map(trim)
            .filter(|n| !n.is_empty())
            .ok_or(bad("an Attribute has no Name"))?;
        let values = element_only(at).ok_or(bad("an Attribute holds text"))?;
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
    if out.is_empty() {
        return Err(bad("an AttributeStatement without any Attribute"));
    }
    Ok(out)
}

/// The element children of `node`, or `None` when text other than XML
/// whitespace sits between them (comments and PIs carry no value).
fn element_only<'a, 'i>(node: Node<'a, 'i>) -> Option<Vec<Node<'a, 'i>>> {
    let mut out = Vec::new();
    for c in node.children() {
        match c.node_type() {
            NodeType::Element => out.push(c),
            NodeType::Text if c.text().is_some_and(|t| trim(t).is_empty()) => {}
            NodeType::Comment | NodeType::PI => {}
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(statement: &str) -> Result<BTreeMap<String, String>> {
        let xml = format!(
            r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">{statement}</saml:Assertion>"#
        );
        let doc = roxmltree::Document::parse(&xml).unwrap();
        read(doc.root_element())
    }

    fn attr(name: &str, values: &str) -> String {
        format!(r#"<saml:Attribute Name="{name}">{values}</saml:Attribute>"#)
    }

    fn value(v: &str) -> String {
        format!("<saml:AttributeValue>{v}</saml:AttributeValue>")
    }

    fn statement(attrs: &[String]) -> String {
        format!(
            "<saml:AttributeStatement>{}</saml:AttributeStatement>",
            attrs.concat()
        )
    }

    #[test]
    fn one_value_each_is_read_trimmed_with_comments_and_pis_around() {
        let got = read_str(&statement(&[
            attr(
                "fiscalNumber",
                &format!("<!-- c -->{}<?pi x?>", value("\n TINIT-AAA ")),
            ),
            "<!-- between -->\n".to_string(),
            attr("email", &value("a@b")),
        ]))
        .unwrap();
        assert_eq!(
            got.get("fiscalNumber").map(String::as_str),
            Some("TINIT-AAA")
        );
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn no_value_several_values_empty_values_and_duplicates_are_refused_for_every_name() {
        for name in ["fiscalNumber", "name", "email", "spidCode"] {
            for bad in [
                statement(&[attr(name, "")]),
                statement(&[attr(name, "<!-- no value -->")]),
                statement(&[attr(
                    name,
                    &format!("{}{}", value("TINIT-A"), value("TINIT-B")),
                )]),
                statement(&[attr(
                    name,
                    &format!("{}{}", value("TINIT-A"), value("TINIT-A")),
                )]),
                statement(&[attr(name, &value(""))]),
                statement(&[attr(name, &value(" \n\t"))]),
                statement(&[attr(name, &value("<!-- TINIT-A -->"))]),
                statement(&[attr(name, &value("<x>TINIT-A</x>"))]),
                statement(&[attr(name, &value("TINIT-A")), attr(name, &value("TINIT-B"))]),
                statement(&[attr(name, &value("TINIT-A")), attr(name, &value("TINIT-A"))]),
                statement(&[
                    attr(name, &value("TINIT-A")),
                    attr(&format!(" {name}\n"), &value("TINIT-B")),
                ]),
                format!(
                    "{}{}",
                    statement(&[attr(name, &value("TINIT-A"))]),
                    statement(&[attr(name, &value("TINIT-B"))])
                ),
                statement(&[attr(name, &format!("TINIT-B{}", value("TINIT-A")))]),
                statement(&[format!("TINIT-B{}", attr(name, &value("TINIT-A")))]),
                statement(&[attr(name, &format!("{}<saml:Other/>", value("TINIT-A")))]),
                statement(&[attr(
                    name,
                    &format!("<saml:AttributeValueX/>{}", value("TINIT-A")),
                )]),
                statement(&[
                    "<saml:EncryptedAttribute/>".to_string(),
                    attr(name, &value("TINIT-A")),
                ]),
            ] {
                let e = read_str(&bad).expect_err(&bad);
                assert_eq!(e.code(), "saml.attribute.invalid", "{bad}");
            }
        }
    }
}
