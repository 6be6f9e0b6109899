//! The SAML trust store: the identity providers a service provider trusts,
//! read from SAML 2.0 metadata (SAML V2.0 Metadata, OASIS 2005), with their
//! signing keys and single-sign-on endpoints.
//!
//! Keys come only from `IDPSSODescriptor/KeyDescriptor` with `use="signing"`
//! or no `use` (Metadata §2.4.1.1: absent means both uses), never from an
//! encryption key. Metadata keys are bare keys: the certificate's own dates
//! are not checked (SAML V2.0 Metadata Interoperability Profile §2.5.1); the
//! metadata's `validUntil` is (checked at each verification, against `now`).
//!
//! SPID "Regole tecniche", *Metadata*: the registry of the federation's IdPs
//! is published by AgID and signed; [`IdpRegistryBuilder::signed_metadata`]
//! verifies that signature with the pinned signer before trusting any entry.

use super::dom::{structure, MD};
use crate::crypto::Backend;
use crate::error::{Error, ErrorCode, Result};
use crate::xml::dsig::{self, TrustedKey, DSIG_NS};
use crate::UnixTime;
use roxmltree::Node;

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
    pub slo: Vec<SsoEndpoint>,
    pub valid_until: Option<UnixTime>,
}

/// The trusted SAML identity providers (SPID's and CIE ID's), built once
/// from metadata with [`IdpRegistry::builder`], then shared (`Send + Sync`).
///
/// [`crate::Trust`] holds one (`impl AsRef<IdpRegistry> for Trust`); the
/// SAML entry points take either.
///
/// ```
/// # let metadata = include_bytes!("../../test-vectors/spid/metadata/idp.xml");
/// let registry = idbridge::IdpRegistry::builder()
///     .pinned_metadata(metadata)?
///     .build();
/// assert_eq!(registry.entity_ids(), ["https://idp.idbridge.test/spid"]);
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct IdpRegistry {
    idps: Vec<Idp>,
}

/// Builds an [`IdpRegistry`]; every method refuses bad metadata at once.
#[derive(Debug, Default)]
#[must_use]
pub struct IdpRegistryBuilder {
    idps: Vec<Idp>,
}

impl IdpRegistry {
    /// An empty builder.
    pub fn builder() -> IdpRegistryBuilder {
        IdpRegistryBuilder::default()
    }

    /// The entity IDs of the trusted IdPs.
    pub fn entity_ids(&self) -> Vec<&str> {
        self.idps.iter().map(|i| i.entity_id.as_str()).collect()
    }

    /// The single-sign-on endpoints of the IdP `entity_id`.
    pub fn sso_endpoints(&self, entity_id: &str) -> Option<&[SsoEndpoint]> {
        self.idp(entity_id).map(|i| i.sso.as_slice())
    }

    /// The single-logout endpoints (`SingleLogoutService`) of the IdP
    /// `entity_id`, where the SP's `saml_sp::LogoutRequest`s go.
    pub fn slo_endpoints(&self, entity_id: &str) -> Option<&[SsoEndpoint]> {
        self.idp(entity_id).map(|i| i.slo.as_slice())
    }

    /// The IdP `entity_id`, if trusted.
    pub(crate) fn idp(&self, entity_id: &str) -> Option<&Idp> {
        self.idps.iter().find(|i| i.entity_id == entity_id)
    }
}

impl AsRef<IdpRegistry> for IdpRegistry {
    fn as_ref(&self) -> &IdpRegistry {
        self
    }
}

impl IdpRegistryBuilder {
    /// Adds the IdPs of a signed metadata document (the AgID registry's
    /// `EntitiesDescriptor`, or one IdP's `EntityDescriptor`): its enveloped
    /// signature must verify with the pinned `signer` certificate (DER or
    /// PEM), and each entry that carries its own signature must verify too.
    pub fn signed_metadata(self, metadata_xml: &[u8], signer: &[u8]) -> Result<Self> {
        let key = TrustedKey::from_certificate(signer)?;
        self.add(metadata_xml, Some(&[key]))
    }

    /// Adds the IdPs of *unsigned* metadata, trusted because the caller
    /// pins it (e.g. a file shipped with the application). Prefer
    /// [`IdpRegistryBuilder::signed_metadata`] for metadata fetched at run time.
    pub fn pinned_metadata(self, metadata_xml: &[u8]) -> Result<Self> {
        self.add(metadata_xml, None)
    }

    fn add(mut self, xml: &[u8], signer: Option<&[TrustedKey]>) -> Result<Self> {
        let idps = parse(
            crate::crypto::default_backend(),
            xml,
            signer,
            &crate::Limits::default(),
        )?;
        if idps.is_empty() {
            return Err(Error::new(
                ErrorCode::ConfigInvalid,
                "the metadata describes no SAML 2.0 identity provider",
            ));
        }
        for idp in idps {
            if self.idps.iter().any(|i| i.entity_id == idp.entity_id) {
                return Err(Error::with_detail(
                    ErrorCode::ConfigInvalid,
                    format!("the IdP {} is described twice", idp.entity_id),
                ));
            }
            self.idps.push(idp);
        }
        Ok(self)
    }

    /// The finished, immutable registry.
    pub fn build(self) -> IdpRegistry {
        IdpRegistry { idps: self.idps }
    }
}

fn is_md(node: Node<'_, '_>, name: &str) -> bool {
    super::dom::is(node, MD, name)
}

fn parse_valid_until(node: Node<'_, '_>, inherited: Option<UnixTime>) -> Result<Option<UnixTime>> {
    Ok(match node.attribute("validUntil") {
        None => inherited,
        Some(v) => {
            let t = super::time::parse(v)?;
            Some(inherited.map_or(t, |i| i.min(t)))
        }
    })
}

fn idp_from(entity: Node<'_, '_>, valid_until: Option<UnixTime>) -> Result<Option<Idp>> {
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
    let endpoints = |name: &str| {
        idp.children()
            .filter(|c| is_md(*c, name))
            .filter_map(|s| {
                Some(SsoEndpoint {
                    binding: s.attribute("Binding")?.to_string(),
                    location: s.attribute("Location")?.to_string(),
                })
            })
            .collect()
    };
    let sso = endpoints("SingleSignOnService");
    let slo = endpoints("SingleLogoutService");
    Ok(Some(Idp {
        entity_id: entity_id.to_string(),
        signing_keys,
        sso,
        slo,
        valid_until,
    }))
}

/// Every IdP in an `EntityDescriptor` or `EntitiesDescriptor` (nested ones
/// included). With `signer`, the document element's enveloped signature
/// must verify with one of those keys first; with `verify_entries`, an
/// `EntityDescriptor` that carries its own signature must verify it with
/// its own signing keys.
fn parse(
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
    let mut stack = vec![(root, None::<UnixTime>)];
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
