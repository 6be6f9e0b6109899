//! SAML Core §5.4, "XML Signature Profile" (in chapter 5, "SAML and XML
//! Signature Syntax and Processing"): which signature and which
//! `Reference` a SAML element's signature may be.
//!
//! §5.4.1: "SAML assertions and protocols MUST use enveloped signatures
//! when signing assertions and protocol messages."
//!
//! §5.4.2: "SAML assertions and protocol messages MUST supply a
//! value for the ID attribute on the root element of the assertion or
//! protocol message being signed." … "Signatures MUST contain a single
//! `<ds:Reference>` containing a same-document reference to the ID
//! attribute value of the root element of the assertion or protocol
//! message being signed."
//!
//! (SAML 2.0 Core, OASIS Standard, 15 March 2005.)

use super::{invalid, is_ds};
use crate::error::{Error, ErrorCode, Result};
use roxmltree::Node;

/// §5.4.1 (and XML-DSig §3.2): the signature verified is the target's own
/// child; signatures elsewhere sign something else.
pub(super) fn own_signature<'a, 'i>(target: Node<'a, 'i>) -> Result<Node<'a, 'i>> {
    let signatures: Vec<_> = target
        .children()
        .filter(|c| is_ds(*c, "Signature"))
        .collect();
    match signatures.as_slice() {
        [] => Err(Error::new(
            ErrorCode::XmldsigSignatureMissing,
            "the element is not signed",
        )),
        [one] => Ok(*one),
        _ => Err(invalid("the element has more than one signature")),
    }
}

/// §5.4.2: "a single `<ds:Reference>`".
pub(super) fn one_reference<'a, 'i>(references: &[Node<'a, 'i>]) -> Result<Node<'a, 'i>> {
    match references {
        [one] => Ok(*one),
        _ => Err(Error::new(
            ErrorCode::XmldsigReferenceInvalid,
            "SignedInfo must hold exactly one Reference",
        )),
    }
}

/// §5.4.2: the signed element supplies a (non-empty) `ID`.
pub(super) fn target_id<'a>(target: Node<'a, '_>) -> Result<&'a str> {
    target
        .attribute("ID")
        .filter(|id| !id.is_empty())
        .ok_or(Error::new(
            ErrorCode::XmldsigReferenceInvalid,
            "the signed element has no ID",
        ))
}
