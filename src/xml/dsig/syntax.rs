//! XML-DSig 1.1 §4, Core Signature Syntax: the shape of the `Signature`,
//! `SignedInfo` and `Reference` elements, in schema order.
//!
//! §4.2: "The `Signature` element is the root element of an XML
//! Signature." Its content is `SignedInfo`, `SignatureValue`, `KeyInfo?`,
//! `Object*`.
//!
//! §4.4: "The structure of `SignedInfo` includes the canonicalization
//! algorithm, a signature algorithm, and one or more references."
//!
//! §4.4.3: `Reference` is `Transforms?`, `DigestMethod`, `DigestValue`.
//!
//! (XML Signature Syntax and Processing Version 1.1, W3C Recommendation
//! 11 April 2013.) Objects carry nothing SAML uses and are refused; a
//! `Reference` without transforms is refused here too, since SAML's
//! enveloped signature needs one (see `enveloped.rs`).

use super::{element_children, invalid, is_ds};
use crate::error::{Error, ErrorCode, Result};
use roxmltree::Node;

/// A `Signature`'s children.
pub(super) struct Signature<'a, 'i> {
    pub(super) signed_info: Node<'a, 'i>,
    pub(super) signature_value: Node<'a, 'i>,
    pub(super) key_info: Option<Node<'a, 'i>>,
}

/// §4.2: `SignedInfo`, `SignatureValue`, `KeyInfo?` (no `Object`).
pub(super) fn signature<'a, 'i>(signature: Node<'a, 'i>) -> Result<Signature<'a, 'i>> {
    let (signed_info, signature_value, key_info) = match element_children(signature)?.as_slice() {
        [si, sv] if is_ds(*si, "SignedInfo") && is_ds(*sv, "SignatureValue") => (*si, *sv, None),
        [si, sv, ki]
            if is_ds(*si, "SignedInfo")
                && is_ds(*sv, "SignatureValue")
                && is_ds(*ki, "KeyInfo") =>
        {
            (*si, *sv, Some(*ki))
        }
        _ => {
            return Err(invalid(
                "the Signature is not SignedInfo, SignatureValue, KeyInfo?",
            ))
        }
    };
    Ok(Signature {
        signed_info,
        signature_value,
        key_info,
    })
}

/// A `SignedInfo`'s children.
pub(super) struct SignedInfo<'a, 'i> {
    pub(super) canonicalization_method: Node<'a, 'i>,
    pub(super) signature_method: Node<'a, 'i>,
    /// All its children: the two above, then the `Reference`s.
    children: Vec<Node<'a, 'i>>,
}

impl<'a, 'i> SignedInfo<'a, 'i> {
    /// The `Reference` children (one or more; none is refused by the SAML
    /// profile, `saml_profile::one_reference`).
    pub(super) fn references(&self) -> &[Node<'a, 'i>] {
        self.children.get(2..).unwrap_or_default()
    }
}

/// §4.4: `CanonicalizationMethod`, `SignatureMethod`, `Reference+`.
pub(super) fn signed_info<'a, 'i>(signed_info: Node<'a, 'i>) -> Result<SignedInfo<'a, 'i>> {
    let si_children = element_children(signed_info)?;
    let (canonicalization_method, signature_method) = match si_children.as_slice() {
        [c, s, refs @ ..]
            if is_ds(*c, "CanonicalizationMethod")
                && is_ds(*s, "SignatureMethod")
                && refs.iter().all(|r| is_ds(*r, "Reference")) =>
        {
            (*c, *s)
        }
        _ => {
            return Err(invalid(
                "SignedInfo is not CanonicalizationMethod, SignatureMethod, Reference",
            ))
        }
    };
    Ok(SignedInfo {
        canonicalization_method,
        signature_method,
        children: si_children,
    })
}

/// A `Reference`'s children.
pub(super) struct Reference<'a, 'i> {
    pub(super) transforms: Node<'a, 'i>,
    pub(super) digest_method: Node<'a, 'i>,
    pub(super) digest_value: Node<'a, 'i>,
}

/// §4.4.3: `Transforms`, `DigestMethod`, `DigestValue`; without
/// `Transforms` it is a forbidden transform list (SAML Core §5.4.4).
pub(super) fn reference<'a, 'i>(reference: Node<'a, 'i>) -> Result<Reference<'a, 'i>> {
    match element_children(reference)?.as_slice() {
        [t, m, v]
            if is_ds(*t, "Transforms") && is_ds(*m, "DigestMethod") && is_ds(*v, "DigestValue") =>
        {
            Ok(Reference {
                transforms: *t,
                digest_method: *m,
                digest_value: *v,
            })
        }
        [m, v] if is_ds(*m, "DigestMethod") && is_ds(*v, "DigestValue") => Err(Error::new(
            ErrorCode::XmldsigTransformForbidden,
            "the Reference has no transforms",
        )),
        _ => Err(invalid(
            "the Reference is not Transforms, DigestMethod, DigestValue",
        )),
    }
}
