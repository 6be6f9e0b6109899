//! Which trusted keys may have made the signature.
//!
//! XML-DSig 1.1 §4.5: "`KeyInfo` is an optional element that enables the
//! recipient(s) to obtain the key needed to validate the signature."
//! SAML Core §5.4.5: "SAML does not require the use of `<ds:KeyInfo>`, nor
//! does it impose any restrictions on its use. Therefore, `<ds:KeyInfo>`
//! MAY be absent."
//!
//! Keys come only from the caller's trust: `KeyInfo` is a hint, never a
//! source of trust. A certificate in `KeyInfo` that is not one of the
//! trusted certificates is an untrusted key (`xmldsig.key.untrusted`);
//! trusted ones it names narrow the candidates to those.

use super::values::{base64_text_is, base64_value};
use super::{is_ds, TrustedKey};
use crate::error::{Error, ErrorCode, Result};
use roxmltree::Node;

/// The trusted keys to try, in order: those `KeyInfo` names, or all.
pub(super) fn candidates<'t>(
    key_info: Option<Node<'_, '_>>,
    trusted: &'t [TrustedKey],
) -> Result<Vec<&'t TrustedKey>> {
    let mut candidates: Vec<&TrustedKey> = trusted.iter().collect();
    if let Some(ki) = key_info {
        let named = named_certificates(ki, trusted)?;
        if !named.is_empty() {
            candidates = named;
        }
    }
    if candidates.is_empty() {
        return Err(Error::new(
            ErrorCode::XmldsigKeyUntrusted,
            "no trusted key is configured",
        ));
    }
    Ok(candidates)
}

/// The trusted certificates `KeyInfo`'s `X509Certificate`s name; any other
/// certificate there is refused.
fn named_certificates<'t>(
    key_info: Node<'_, '_>,
    trusted: &'t [TrustedKey],
) -> Result<Vec<&'t TrustedKey>> {
    let mut named = Vec::new();
    for cert in key_info
        .descendants()
        .filter(|n| is_ds(*n, "X509Certificate"))
    {
        if let Some(t) = trusted
            .iter()
            .find(|t| base64_text_is(cert, &t.cert_base64))
        {
            named.push(t);
            continue;
        }
        let der = base64_value(cert)?;
        match trusted.iter().find(|t| t.cert_der == der) {
            Some(t) => named.push(t),
            None => {
                return Err(Error::new(
                    ErrorCode::XmldsigKeyUntrusted,
                    "KeyInfo names a certificate that is not trusted",
                ))
            }
        }
    }
    Ok(named)
}
