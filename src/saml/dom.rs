//! Reading SAML elements: namespaces, children, text and attributes, the
//! way every check reads them.
//!
//! Elements are matched by namespace URI and local name, never by prefix
//! (CIE writes `saml2:`/`saml2p:`). Values are compared after trimming XML
//! whitespace only (XML 1.0 §2.3 `S`), never interior whitespace.

use crate::error::{Error, ErrorCode, Result};
use crate::UnixTime;
use roxmltree::{Node, NodeType};

/// SAML 2.0 protocol namespace (`samlp`).
pub(crate) const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
/// SAML 2.0 assertion namespace (`saml`).
pub(crate) const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// SAML 2.0 metadata namespace (`md`).
pub(crate) const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
/// `NameID` Format of an entity (SAML Core §8.3.6).
pub(crate) const ENTITY: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";

pub(crate) fn err(code: ErrorCode, reason: &'static str) -> Error {
    Error::new(code, reason)
}

/// `saml.structure.invalid`: a required part is missing, repeated, empty or malformed.
pub(crate) fn structure(reason: &'static str) -> Error {
    err(ErrorCode::SamlStructureInvalid, reason)
}

pub(crate) fn is(node: Node<'_, '_>, ns: &str, name: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(ns) && node.tag_name().name() == name
}

pub(crate) fn children<'a, 'i>(
    node: Node<'a, 'i>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |c| is(*c, ns, name))
}

/// The single child `ns:name` of `node`: missing or repeated is a structure error.
pub(crate) fn one<'a, 'i>(
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
pub(crate) fn trim(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

/// The text of a text-only element: the concatenation of all its text
/// children, so a comment never truncates a value (CVE-2017-11427); an
/// element child is a structure error. Trimmed.
pub(crate) fn text(node: Node<'_, '_>) -> Result<String> {
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

/// A required attribute, present and not blank (returned untrimmed).
pub(crate) fn attr<'a>(node: Node<'a, '_>, name: &str, missing: &'static str) -> Result<&'a str> {
    match node.attribute(name) {
        Some(v) if !trim(v).is_empty() => Ok(v),
        _ => Err(structure(missing)),
    }
}

/// A required `xs:dateTime` attribute ([`super::time::parse`]).
pub(crate) fn time_attr(node: Node<'_, '_>, name: &str, missing: &'static str) -> Result<UnixTime> {
    super::time::parse(attr(node, name, missing)?)
}
