//! XML-DSig 1.1 §4.4.3.3, Same-Document URI-References: what
//! `URI="#id"` names.
//!
//! §4.4.3.2, The Reference Processing Model, gives the example:
//! "`URI="#chapter1"` Identifies a node-set containing the element with ID
//! attribute value 'chapter1' of the XML resource containing the
//! signature."
//!
//! The ID must name exactly one element of the document: with two, which
//! one was signed is a matter of which the verifier finds first, the root
//! of the signature-wrapping attacks (XSW). IDs are SAML's (SAML Core
//! §1.3.4): the unqualified attribute `ID`.

use crate::error::{Error, ErrorCode, Result};
use roxmltree::Node;

/// The `ID` attribute: exactly the unqualified name `ID` (SAML Core §1.3.4
/// IDs); a namespaced `p:ID` is another attribute and identifies nothing.
fn id_attr<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.namespace().is_none() && a.name() == "ID")
        .map(|a| a.value())
}

/// The `Reference`'s `URI` is `#` + `id` (the signed element's ID).
pub(super) fn names(reference: Node<'_, '_>, id: &str) -> Result<()> {
    let uri = reference.attribute("URI").unwrap_or("");
    if uri.strip_prefix('#') != Some(id) {
        return Err(Error::new(
            ErrorCode::XmldsigReferenceInvalid,
            "the Reference does not point to the signed element",
        ));
    }
    Ok(())
}

/// §4.4.3.2: "the element with ID attribute value": one element in the document.
pub(super) fn unique_in_document(doc: &roxmltree::Document<'_>, id: &str) -> Result<()> {
    let same_id = doc
        .descendants()
        .filter(|n| n.is_element() && id_attr(*n) == Some(id))
        .count();
    if same_id != 1 {
        return Err(Error::new(
            ErrorCode::XmldsigReferenceInvalid,
            "the signed element's ID is not unique in the document",
        ));
    }
    Ok(())
}
