//! SAML 2.0 metadata (SAML V2.0 Metadata, OASIS 2005): the IdPs a service
//! provider trusts, their signing keys and single-sign-on endpoints.
//!
//! Keys come only from `IDPSSODescriptor/KeyDescriptor` with `use="signing"`
//! or no `use` (Metadata §2.4.1.1: absent means both uses), never from an
//! encryption key. Metadata keys are bare keys: the certificate's own dates
//! are not checked (SAML V2.0 Metadata Interoperability Profile §2.5.1); the
//! metadata's `validUntil` is (checked at each verification, against `now`).

use super::time::{self, Instant};
use crate::crypto::Backend;
use crate::error::{Error, ErrorCode, Result};
use crate::xml::dsig::{self, TrustedKey, DSIG_NS};
use roxmltree::Node;

pub(crate) const MD_NS: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const SAML2_PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";

/// A single-sign-on endpoint of an IdP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoEndpoint {
    /// The SAML binding URI (HTTP-Redirect, HTTP-POST...).
    pub binding: String,
    /// The endpoint URL.
    pub location: String,
}

/// One trusted identity provider.
#[derive(Clone, Debug)]
pub(crate) struct Idp {
    pub entity_id: String,
    pub signing_keys: Vec<TrustedKey>,
    pub sso: Vec<SsoEndpoint>,
    pub valid_until: Option<Instant>,
}

fn structure(reason: &'static str) -> Error {
    Error::new(ErrorCode::SamlStructureInvalid, reason)
}

fn is_md(node: Node<'_, '_>, name: &str) -> bool {
    node.is_element()
        && node.tag_name().namespace() == Some(MD_NS)
        && node.tag_name().name() == name
}

fn parse_valid_until(node: Node<'_, '_>, inherited: Option<Instant>) -> Result<Option<Instant>> {
    Ok(match node.attribute("validUntil") {
        None => inherited,
        Some(v) => {
            let t = time::parse(v)?;
            Some(inherited.map_or(t, |i| i.min(t)))
        }
    })
}

fn idp_from(entity: Node<'_, '_>, valid_until: Option<Instant>) -> Result<Option<Idp>> {
    let entity_id = entity
        .attribute("entityID")
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| structure("an EntityDescriptor has no entityID"))?;
    let valid_until = parse_valid_until(entity, valid_until)?;
    let Some(idp) = entity.children().find(|c| {
        is_md(*c, "IDPSSODescriptor")
            && c.attribute("protocolSupportEnumeration")
                .is_some_and(|p| p.split_ascii_whitespace().any(|x| x == SAML2_PROTOCOL))
    }) else {
        return Ok(None); // an SP or another role: not an IdP
    };
    let mut signing_keys = Vec::new();
    for kd in idp.children().filter(|c| is_md(*c, "KeyDescriptor")) {
        if kd.attribute("use").is_some_and(|u| u != "signing") {
            continue;
        }
        for cert in kd.descendants().filter(|n| {
            n.is_element()
                && n.tag_name().namespace() == Some(DSIG_NS)
                && n.tag_name().name() == "X509Certificate"
        }) {
            let b64: String = cert
                .children()
                .filter_map(|t| t.text())
                .collect::<String>()
                .chars()
                .filter(|c| !c.is_ascii_whitespace())
                .collect();
            use base64::Engine as _;
            let der = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|_| structure("a metadata certificate is not base64"))?;
            let key = TrustedKey::from_certificate(&der)?;
            if key.key.is_none() {
                // An IdP key outside policy (RSA under 2048 bits...) is a
                // configuration error, reported when the trust is built.
                return Err(Error::with_detail(
                    ErrorCode::ConfigInvalid,
                    format!("a signing key of {entity_id} is outside policy"),
                ));
            }
            signing_keys.push(key);
        }
    }
    if signing_keys.is_empty() {
        return Err(structure("an IdP in the metadata has no signing key"));
    }
    let sso = idp
        .children()
        .filter(|c| is_md(*c, "SingleSignOnService"))
        .filter_map(|s| {
            Some(SsoEndpoint {
                binding: s.attribute("Binding")?.to_string(),
                location: s.attribute("Location")?.to_string(),
            })
        })
        .collect();
    Ok(Some(Idp {
        entity_id: entity_id.to_string(),
        signing_keys,
        sso,
        valid_until,
    }))
}

/// Every IdP in an `EntityDescriptor` or `EntitiesDescriptor` (nested ones
/// included). With `signer`, the document element's enveloped signature
/// must verify with one of those keys first; with `verify_entries`, an
/// `EntityDescriptor` that carries its own signature must verify it with
/// its own signing keys.
pub(crate) fn parse(
    backend: &dyn Backend,
    xml: &[u8],
    signer: Option<&[TrustedKey]>,
    limits: &crate::Limits,
) -> Result<Vec<Idp>> {
    let text = crate::xml::input::decode(xml, false, limits)?;
    let doc = crate::xml::parse::parse(&text, limits)?;
    let root = doc.root_element();
    if let Some(keys) = signer {
        dsig::verify_enveloped(backend, &doc, root, keys, dsig::Policy::SAML)?;
    }
    let mut out = Vec::new();
    let mut stack = vec![(root, None::<Instant>)];
    while let Some((node, inherited)) = stack.pop() {
        if is_md(node, "EntitiesDescriptor") {
            let vu = parse_valid_until(node, inherited)?;
            for c in node.children().rev() {
                if is_md(c, "EntitiesDescriptor") || is_md(c, "EntityDescriptor") {
                    stack.push((c, vu));
                }
            }
        } else if is_md(node, "EntityDescriptor") {
            if let Some(idp) = idp_from(node, inherited)? {
                let signed = node.children().any(|c| {
                    c.is_element()
                        && c.tag_name().namespace() == Some(DSIG_NS)
                        && c.tag_name().name() == "Signature"
                });
                if signed && signer.is_some() && node != root {
                    // An entry's own signature, made with its own key.
                    dsig::verify_enveloped(
                        backend,
                        &doc,
                        node,
                        &idp.signing_keys,
                        dsig::Policy::SAML,
                    )?;
                }
                out.push(idp);
            }
        } else {
            return Err(structure(
                "metadata must be an EntityDescriptor or EntitiesDescriptor",
            ));
        }
    }
    Ok(out)
}
