//! Which trusted keys may have made the signature, and what `KeyInfo` may
//! change about the outcome: nothing but the wording of a failure.
//!
//! XML-DSig 1.1 §4.5: "`KeyInfo` is an optional element that enables the
//! recipient(s) to obtain the key needed to validate the signature."
//! SAML Core §5.4.5: "SAML does not require the use of `<ds:KeyInfo>`, nor
//! does it impose any restrictions on its use. Therefore, `<ds:KeyInfo>`
//! MAY be absent."
//!
//! Keys come only from the caller's trust: `KeyInfo` is a hint, never a
//! source of trust, and never decides acceptance. Every trusted key is a
//! candidate whatever `KeyInfo` holds (nothing, an empty or garbled
//! `X509Certificate`, a certificate nobody trusts); the trusted
//! certificates it names are only tried first. When no candidate verifies,
//! a `KeyInfo` that names a certificate outside the trusted ones turns the
//! failure into `xmldsig.key.untrusted` (the signer is someone we do not
//! trust) instead of `xmldsig.signature.invalid`.

use super::values::{base64_text_is, base64_value};
use super::{is_ds, TrustedKey};
use crate::error::{Error, ErrorCode, Result};
use roxmltree::{Node, NodeType};

/// The trusted keys to try, in order, and what `KeyInfo` said.
pub(super) struct Candidates<'t> {
    /// Every trusted key: those `KeyInfo` names first, then the others.
    pub(super) keys: Vec<&'t TrustedKey>,
    /// `KeyInfo` holds a non-empty `X509Certificate` that is not one of
    /// the trusted certificates (used only to word a failure).
    pub(super) names_untrusted: bool,
}

/// The candidates: all trusted keys (`xmldsig.key.untrusted` when there are
/// none), ordered by what `KeyInfo` names.
pub(super) fn candidates<'t>(
    key_info: Option<Node<'_, '_>>,
    trusted: &'t [TrustedKey],
) -> Result<Candidates<'t>> {
    if trusted.is_empty() {
        return Err(Error::new(
            ErrorCode::XmldsigKeyUntrusted,
            "no trusted key is configured",
        ));
    }
    let mut named: Vec<&TrustedKey> = Vec::new();
    let mut names_untrusted = false;
    for cert in key_info
        .into_iter()
        .flat_map(|ki| ki.descendants())
        .filter(|n| is_ds(*n, "X509Certificate"))
    {
        match recognise(cert, trusted) {
            Named::Trusted(t) => {
                if !named.iter().any(|n| std::ptr::eq(*n, t)) {
                    named.push(t);
                }
            }
            Named::Other => names_untrusted = true,
            Named::Nothing => {}
        }
    }
    let mut keys = named.clone();
    keys.extend(
        trusted
            .iter()
            .filter(|t| !named.iter().any(|n| std::ptr::eq(*n, *t))),
    );
    Ok(Candidates {
        keys,
        names_untrusted,
    })
}

/// What one `X509Certificate` of `KeyInfo` names.
enum Named<'t> {
    Trusted(&'t TrustedKey),
    /// Content that is not a trusted certificate (another certificate, or
    /// bytes that are no certificate at all: they are compared, never parsed).
    Other,
    /// Whitespace only: no certificate.
    Nothing,
}

fn recognise<'t>(cert: Node<'_, '_>, trusted: &'t [TrustedKey]) -> Named<'t> {
    if let Some(t) = trusted
        .iter()
        .find(|t| base64_text_is(cert, &t.cert_base64))
    {
        return Named::Trusted(t);
    }
    let blank = cert.children().all(|c| {
        c.node_type() == NodeType::Text
            && c.text()
                .is_some_and(|t| t.bytes().all(|b| b.is_ascii_whitespace()))
    });
    if blank {
        return Named::Nothing;
    }
    match base64_value(cert) {
        Ok(der) => trusted
            .iter()
            .find(|t| t.cert_der == der)
            .map_or(Named::Other, Named::Trusted),
        Err(_) => Named::Other,
    }
}
