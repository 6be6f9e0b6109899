//! `Trust`: the caller's trust material, parsed once, immutable, shared
//! across threads (`Send + Sync`).

use crate::error::Result;
#[cfg(feature = "saml")]
use crate::saml::{IdpRegistry, IdpRegistryBuilder};
#[cfg(feature = "webeid")]
use crate::{anchors::EmbeddedAnchor, webeid};

/// Everything a verification may trust: built once with [`Trust::builder`],
/// then shared (it is `Send + Sync`) by every verification.
///
/// A thin bundle of the schemes' own stores: SAML's `IdpRegistry`
/// (`impl AsRef<IdpRegistry>`, so `spid::verify_response(&trust, …)` takes
/// it) and the Web eID anchors. A store whose scheme's Cargo feature
/// (`saml`, `webeid`) is off is absent, with its builder methods.
#[derive(Clone, Debug, Default)]
pub struct Trust {
    #[cfg(feature = "webeid")]
    webeid: webeid::Anchors,
    #[cfg(feature = "saml")]
    saml: IdpRegistry,
}

/// Builds a [`Trust`]; every method refuses bad material at once.
#[derive(Debug, Default)]
#[must_use]
pub struct TrustBuilder {
    #[cfg(feature = "webeid")]
    webeid: webeid::Anchors,
    #[cfg(feature = "saml")]
    saml: IdpRegistryBuilder,
}

impl Trust {
    /// An empty builder.
    pub fn builder() -> TrustBuilder {
        TrustBuilder::default()
    }

    #[cfg(feature = "webeid")]
    /// How many Web eID anchors this trust holds.
    pub fn webeid_anchor_count(&self) -> usize {
        self.webeid.len()
    }

    #[cfg(feature = "saml")]
    /// The entity IDs of the trusted SAML IdPs.
    pub fn saml_idp_entity_ids(&self) -> Vec<&str> {
        self.saml.entity_ids()
    }

    #[cfg(feature = "saml")]
    /// The single-sign-on endpoints of the IdP `entity_id`.
    pub fn saml_idp_sso_endpoints(&self, entity_id: &str) -> Option<&[crate::SsoEndpoint]> {
        self.saml.sso_endpoints(entity_id)
    }

    #[cfg(feature = "saml")]
    /// The SAML trust store (SPID and CIE ID identity providers).
    pub fn idp_registry(&self) -> &IdpRegistry {
        &self.saml
    }
}

#[cfg(feature = "saml")]
impl AsRef<IdpRegistry> for Trust {
    fn as_ref(&self) -> &IdpRegistry {
        &self.saml
    }
}

#[cfg(feature = "webeid")]
/// The Web eID store, for [`crate::webeid::verify_token`].
impl AsRef<webeid::Anchors> for Trust {
    fn as_ref(&self) -> &webeid::Anchors {
        &self.webeid
    }
}

impl TrustBuilder {
    #[cfg(feature = "webeid")]
    /// Adds embedded anchors (e.g. [`crate::anchors::ESTONIA`]), each checked
    /// against its recorded fingerprint.
    pub fn webeid_anchors(mut self, anchors: &[EmbeddedAnchor]) -> Result<Self> {
        self.webeid = self.webeid.with_embedded(anchors)?;
        Ok(self)
    }

    #[cfg(feature = "webeid")]
    /// Adds a Web eID anchor: an issuing CA certificate, DER or PEM.
    ///
    /// Any decodable certificate is accepted, expired or not: an anchor's
    /// dates are checked when it ends a path, at the verification's `now`.
    pub fn webeid_anchor(mut self, cert: &[u8]) -> Result<Self> {
        self.webeid = self.webeid.with_certificate(cert)?;
        Ok(self)
    }

    #[cfg(feature = "saml")]
    /// Adds the IdPs of a signed metadata document (the AgID registry's
    /// `EntitiesDescriptor`, or one IdP's `EntityDescriptor`): its enveloped
    /// signature must verify with the pinned `signer` certificate (DER or
    /// PEM), and each entry that carries its own signature must verify too
    /// ([`IdpRegistryBuilder::signed_metadata`]).
    pub fn saml_registry(mut self, metadata_xml: &[u8], signer: &[u8]) -> Result<Self> {
        self.saml = self.saml.signed_metadata(metadata_xml, signer)?;
        Ok(self)
    }

    #[cfg(feature = "saml")]
    /// Adds the IdPs of *unsigned* metadata, trusted because the caller
    /// pins it (e.g. a file shipped with the application). Prefer
    /// [`TrustBuilder::saml_registry`] for metadata fetched at run time
    /// ([`IdpRegistryBuilder::pinned_metadata`]).
    pub fn pin_saml_idp_metadata(mut self, metadata_xml: &[u8]) -> Result<Self> {
        self.saml = self.saml.pinned_metadata(metadata_xml)?;
        Ok(self)
    }

    /// The finished, immutable trust.
    pub fn build(self) -> Result<Trust> {
        Ok(Trust {
            #[cfg(feature = "webeid")]
            webeid: self.webeid,
            #[cfg(feature = "saml")]
            saml: self.saml.build(),
        })
    }
}

/// SD-JWT VC trust in an issuer that is an OpenID Federation entity (the
/// IT-Wallet trust model): the `jwks` of the `openid_credential_issuer`
/// metadata a verified trust chain resolved, bound to the chain's subject
/// ([`SdJwtTrust::for_issuer`](crate::sdjwt::SdJwtTrust::for_issuer), so a
/// credential whose `iss` is another entity is `sdjwt.issuer.mismatch`).
/// Status lists are checked with the same keys unless the caller adds
/// others ([`SdJwtTrust::with_status_list_keys`](crate::sdjwt::SdJwtTrust::with_status_list_keys)).
///
/// Lives at the top layer because `sdjwt` must not import `oidc` (each
/// scheme stands alone): the caller verifies the chain with
/// [`oidc::federation::verify_chain`](crate::oidc::federation::verify_chain)
/// (entity type `openid_credential_issuer`), then hands it here. No
/// `openid_credential_issuer` metadata or no `jwks` in it is
/// `oidcfed.metadata.missing`.
#[cfg(all(feature = "oidc", feature = "sdjwt"))]
pub fn sdjwt_trust_from_federation(
    chain: &crate::oidc::federation::VerifiedChain,
) -> Result<crate::sdjwt::SdJwtTrust> {
    let keys = chain.entity_jwks("openid_credential_issuer")?;
    Ok(crate::sdjwt::SdJwtTrust::for_issuer(chain.subject(), keys))
}
