//! XML-DSig 1.1 §6.6.4, Enveloped Signature Transform, and the one
//! transform list SAML allows.
//!
//! §6.6.4: "An enveloped signature transform T removes the whole
//! Signature element containing T from the digest calculation of the
//! Reference element containing T."
//!
//! SAML Core §5.4.4: "Signatures in SAML messages SHOULD NOT contain
//! transforms other than the enveloped signature transform … or the
//! exclusive canonicalization transforms". idbridge requires exactly
//! enveloped-signature then exclusive c14n (`xmldsig.transform.forbidden`
//! otherwise); the removal itself happens where the digest is computed
//! (`reference_validation.rs`).

use super::exc_c14n::{self, Canon};
use super::{element_children, is_ds, Policy};
use crate::error::{Error, ErrorCode, Result};
use roxmltree::Node;

const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

fn transform_forbidden(why: &'static str) -> Error {
    Error::new(ErrorCode::XmldsigTransformForbidden, why)
}

/// The `Transforms` are enveloped-signature (no content) then exclusive
/// c14n (without comments unless the policy allows them); returns the
/// second transform's c14n parameters.
pub(super) fn transforms<'a>(transforms: Node<'a, '_>, policy: Policy) -> Result<Canon<'a>> {
    match element_children(transforms)?.as_slice() {
        [env, exc]
            if is_ds(*env, "Transform")
                && is_ds(*exc, "Transform")
                && env.attribute("Algorithm") == Some(ENVELOPED)
                && element_children(*env)?.is_empty() =>
        {
            let canon = exc_c14n::method(
                *exc,
                transform_forbidden("the second transform is not exclusive c14n"),
            )?;
            if canon.with_comments && !policy.with_comments {
                return Err(transform_forbidden(
                    "this profile's transform is exclusive c14n without comments",
                ));
            }
            Ok(canon)
        }
        _ => Err(transform_forbidden(
            "the transforms are not enveloped-signature then exclusive c14n",
        )),
    }
}
