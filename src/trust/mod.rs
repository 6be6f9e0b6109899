//! `Trust`: the caller's trust material, parsed once, immutable, shared
//! across threads (`Send + Sync`).

use crate::anchors::EmbeddedAnchor;
use crate::error::Result;
use crate::x509::path::Anchor;

/// Everything a verification may trust: built once with [`Trust::builder`],
/// then shared (it is `Send + Sync`) by every verification.
#[derive(Clone, Debug, Default)]
pub struct Trust {
    pub(crate) webeid_anchors: Vec<Anchor>,
}

/// Builds a [`Trust`]; every method refuses bad material at once.
#[derive(Debug, Default)]
#[must_use]
pub struct TrustBuilder {
    webeid_anchors: Vec<Anchor>,
}

impl Trust {
    /// An empty builder.
    pub fn builder() -> TrustBuilder {
        TrustBuilder::default()
    }

    /// How many Web eID anchors this trust holds.
    pub fn webeid_anchor_count(&self) -> usize {
        self.webeid_anchors.len()
    }
}

impl TrustBuilder {
    /// Adds embedded anchors (e.g. [`crate::anchors::ESTONIA`]), each checked
    /// against its recorded fingerprint.
    pub fn webeid_anchors(mut self, anchors: &[EmbeddedAnchor]) -> Result<Self> {
        for a in anchors {
            self.webeid_anchors.push(Anchor::from_der(&a.der()?)?);
        }
        Ok(self)
    }

    /// Adds a Web eID anchor: an issuing CA certificate, DER or PEM.
    ///
    /// Any decodable certificate is accepted, expired or not: an anchor's
    /// dates are checked when it ends a path, at the verification's `now`.
    pub fn webeid_anchor(mut self, cert: &[u8]) -> Result<Self> {
        let der = crate::pem::decode_certificate(cert)?;
        self.webeid_anchors.push(Anchor::from_der(&der)?);
        Ok(self)
    }

    /// The finished, immutable trust.
    pub fn build(self) -> Result<Trust> {
        Ok(Trust {
            webeid_anchors: self.webeid_anchors,
        })
    }
}
