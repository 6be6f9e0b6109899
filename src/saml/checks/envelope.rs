//! The Response's envelope: one `samlp:Response`, its children in schema
//! order, at most one Assertion, and no Assertion anywhere else.
//!
//! SAML 2.0 Core §3.2.2 (`StatusResponseType`): the sequence is
//! `<saml:Issuer minOccurs="0"/>`, `<ds:Signature minOccurs="0"/>`,
//! `<samlp:Extensions minOccurs="0"/>`, `<samlp:Status/>`; §3.3.3 adds
//! `<saml:Assertion>` or `<saml:EncryptedAssertion>` after them.
//!
//! SPID "Regole tecniche", *Response*: "Deve essere presente un elemento
//! `<Assertion>` ad attestare l’avvenuta autenticazione, contenente almeno
//! un elemento `<AuthnStatement>`; nel caso l’Identity Provider abbia
//! riscontrato un errore nella gestione della richiesta di autenticazione
//! l’elemento `<Assertion>` non deve essere presente."
//!
//! An Assertion outside its place (inside Extensions, a Signature's Object,
//! Advice or another Assertion) is refused here: the signature-wrapping
//! defence. Encrypted assertions are not supported.

use crate::error::Result;
use crate::saml::dom::{children, is, structure, trim, SAML, SAMLP};
use crate::xml::dsig::DSIG_NS;
use roxmltree::{Document, Node, NodeType};

pub(crate) const CHECK: &str = "envelope";
pub(crate) const RULE: &str =
    "SAML Core §3.2.2: one Response, children in schema order, one Assertion at most";

pub(crate) const PRESENT_CHECK: &str = "assertion";
pub(crate) const PRESENT_RULE: &str = "SPID rules, Response: one Assertion on success";

/// The Response and its Assertion (not yet verified).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Envelope<'a, 'i> {
    pub response: Node<'a, 'i>,
    pub assertion: Option<Node<'a, 'i>>,
}

pub(crate) fn check<'a, 'i>(doc: &'a Document<'i>) -> Result<Envelope<'a, 'i>> {
    let response = doc.root_element();
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
    schema_order(response)?;
    let direct = children(response, SAML, "Assertion").count();
    let all = doc
        .descendants()
        .filter(|n| is(*n, SAML, "Assertion"))
        .count();
    if all != direct {
        return Err(structure("an Assertion outside its place in the Response"));
    }
    Ok(Envelope {
        response,
        assertion: children(response, SAML, "Assertion").next(),
    })
}

/// Issuer?, Signature?, Extensions?, Status?, Assertion? (Status's absence
/// is reported by the Status check, so that it stays a Status error).
fn schema_order(response: Node<'_, '_>) -> Result<()> {
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
            NodeType::Element => return Err(structure("an unexpected element in the Response")),
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
    Ok(())
}

/// The Assertion a successful Response must carry (checked after Status,
/// so that a failure Response without one reports its status).
pub(crate) fn assertion_present<'a, 'i>(envelope: &Envelope<'a, 'i>) -> Result<Node<'a, 'i>> {
    envelope
        .assertion
        .ok_or_else(|| structure("the Response has no Assertion"))
}
