//! Exclusive XML Canonicalization Version 1.0 (W3C Recommendation 18 July
//! 2002), the only canonicalization SAML signatures use.
//!
//! Abstract: "some applications require a method which, to the extent
//! practical, excludes ancestor context from a canonicalized subdocument."
//! Its identifiers are `http://www.w3.org/2001/10/xml-exc-c14n#` and
//! `…#WithComments`, with an optional `InclusiveNamespaces PrefixList`.
//!
//! SAML Core §5.4.3: "SAML implementations SHOULD use Exclusive
//! Canonicalization, with or without comments, both in the
//! `<ds:CanonicalizationMethod>` element of `<ds:SignedInfo>`, and as a
//! `<ds:Transform>` algorithm." idbridge requires it (any other method is
//! refused), and [`Policy`] says whether `#WithComments` is accepted.

use super::{algorithm_attr, element_children, forbidden, invalid, Policy, EXC_C14N_NS};
use crate::error::{Error, Result};
use roxmltree::Node;

const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const EXC_C14N_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";

/// A c14n method: exclusive, with or without comments, and its PrefixList.
pub(super) struct Canon<'a> {
    pub(super) with_comments: bool,
    pub(super) prefixes: Vec<&'a str>,
}

/// Reads an exclusive-c14n method element (`CanonicalizationMethod` or a
/// `Transform`): its algorithm, and an optional `InclusiveNamespaces`.
pub(super) fn method<'a>(method: Node<'a, '_>, not_exc: Error) -> Result<Canon<'a>> {
    let with_comments = match algorithm_attr(method)? {
        EXC_C14N => false,
        EXC_C14N_COMMENTS => true,
        _ => return Err(not_exc),
    };
    let mut prefixes = Vec::new();
    match element_children(method)?.as_slice() {
        [] => {}
        [ns] if ns.tag_name().namespace() == Some(EXC_C14N_NS)
            && ns.tag_name().name() == "InclusiveNamespaces" =>
        {
            if let Some(list) = ns.attribute("PrefixList") {
                prefixes = list.split_ascii_whitespace().collect();
            }
        }
        _ => return Err(invalid("unexpected content in a canonicalization method")),
    }
    Ok(Canon {
        with_comments,
        prefixes,
    })
}

/// SAML Core §5.4.3 in `SignedInfo`: the `CanonicalizationMethod` is
/// exclusive c14n, without comments unless the policy allows them.
pub(super) fn signed_info_method<'a>(
    canonicalization_method: Node<'a, '_>,
    policy: Policy,
) -> Result<Canon<'a>> {
    let canon = method(
        canonicalization_method,
        forbidden("the canonicalization method is not exclusive c14n"),
    )?;
    if canon.with_comments && !policy.with_comments {
        return Err(forbidden(
            "this profile canonicalizes SignedInfo without comments",
        ));
    }
    Ok(canon)
}
