//! `Trust`: the caller's trust material, parsed once, immutable, shared
//! across threads (`Send + Sync`).

use crate::anchors::EmbeddedAnchor;
use crate::error::{Error, ErrorCode, Result};
use crate::saml::metadata::{self, Idp};
use crate::webeid;
use crate::xml::dsig::TrustedKey;

/// Everything a verification may trust: built once with [`Trust::builder`],
/// then shared (it is `Send + Sync`) by every verification.
#[derive(Clone, Debug, Default)]
pub struct Trust {
    webeid: webeid::Anchors,
    pub(crate) saml_idps: Vec<Idp>,
}

/// Builds a [`Trust`]; every method refuses bad material at once.
#[derive(Debug, Default)]
#[must_use]
pub struct TrustBuilder {
    webeid: webeid::Anchors,
    saml_idps: Vec<Idp>,
}

impl Trust {
    /// An empty builder.
    pub fn builder() -> TrustBuilder {
        TrustBuilder::default()
    }

    /// How many Web eID anchors this trust holds.
    pub fn webeid_anchor_count(&self) -> usize {
        self.webeid.len()
    }

    /// The entity IDs of the trusted SAML IdPs.
    pub fn saml_idp_entity_ids(&self) -> Vec<&str> {
        self.saml_idps
            .iter()
            .map(|i| i.entity_id.as_str())
            .collect()
    }

    /// The single-sign-on endpoints of the IdP `entity_id`.
    pub fn saml_idp_sso_endpoints(&self, entity_id: &str) -> Option<&[crate::SsoEndpoint]> {
        self.saml_idps
            .iter()
            .find(|i| i.entity_id == entity_id)
            .map(|i| i.sso.as_slice())
    }
}

/// The Web eID store, for [`crate::webeid::verify_token`].
impl AsRef<webeid::Anchors> for Trust {
    fn as_ref(&self) -> &webeid::Anchors {
        &self.webeid
    }
}

impl TrustBuilder {
    /// Adds embedded anchors (e.g. [`crate::anchors::ESTONIA`]), each checked
    /// against its recorded fingerprint.
    pub fn webeid_anchors(mut self, anchors: &[EmbeddedAnchor]) -> Result<Self> {
        self.webeid = self.webeid.with_embedded(anchors)?;
        Ok(self)
    }

    /// Adds a Web eID anchor: an issuing CA certificate, DER or PEM.
    ///
    /// Any decodable certificate is accepted, expired or not: an anchor's
    /// dates are checked when it ends a path, at the verification's `now`.
    pub fn webeid_anchor(mut self, cert: &[u8]) -> Result<Self> {
        self.webeid = self.webeid.with_certificate(cert)?;
        Ok(self)
    }

    /// Adds the IdPs of a signed metadata document (the AgID registry's
    /// `EntitiesDescriptor`, or one IdP's `EntityDescriptor`): its enveloped
    /// signature must verify with the pinned `signer` certificate (DER or
    /// PEM), and each entry that carries its own signature must verify too.
    pub fn saml_registry(self, metadata_xml: &[u8], signer: &[u8]) -> Result<Self> {
        let key = TrustedKey::from_certificate(signer)?;
        self.add_idps(metadata_xml, Some(&[key]))
    }

    /// Adds the IdPs of *unsigned* metadata, trusted because the caller
    /// pins it (e.g. a file shipped with the application). Prefer
    /// [`TrustBuilder::saml_registry`] for metadata fetched at run time.
    pub fn pin_saml_idp_metadata(self, metadata_xml: &[u8]) -> Result<Self> {
        self.add_idps(metadata_xml, None)
    }

    fn add_idps(mut self, xml: &[u8], signer: Option<&[TrustedKey]>) -> Result<Self> {
        let idps = metadata::parse(
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
            if self.saml_idps.iter().any(|i| i.entity_id == idp.entity_id) {
                return Err(Error::with_detail(
                    ErrorCode::ConfigInvalid,
                    format!("the IdP {} is described twice", idp.entity_id),
                ));
            }
            self.saml_idps.push(idp);
        }
        Ok(self)
    }

    /// The finished, immutable trust.
    pub fn build(self) -> Result<Trust> {
        Ok(Trust {
            webeid: self.webeid,
            saml_idps: self.saml_idps,
        })
    }
}
