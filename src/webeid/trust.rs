//! Web eID's trust store: the issuing CAs whose certificates may
//! authenticate a person.
//!
//! web-eid-authtoken-validation-java, README §4: "You must explicitly
//! specify which **intermediate** certificate authorities (CAs) are trusted
//! to issue the eID authentication and OCSP responder certificates."

use super::anchors::EmbeddedAnchor;
use crate::error::Result;
use crate::x509::path::Anchor;
use crate::x509::pem;

/// The Web eID trust anchors: issuing CA certificates, parsed once,
/// immutable once built, shared across threads (`Send + Sync`).
///
/// The top-level `idbridge::Trust` holds one (built with
/// `TrustBuilder::webeid_anchors` / `webeid_anchor`); a service that
/// verifies only Web eID tokens may build and pass this store alone, since
/// the verifiers take any `&impl AsRef<Anchors>`:
///
/// ```
/// use idbridge::webeid::{self, Anchors};
/// let anchors = Anchors::new().with_embedded(idbridge::anchors::ESTONIA)?;
/// assert_eq!(anchors.len(), 2);
/// let exp = webeid::Expectations::new("https://rp.example.org", "nonce");
/// let now = idbridge::UnixTime::from_unix_seconds(1_790_000_000);
/// let err = webeid::verify_token(&anchors, b"{}", &exp, now).unwrap_err();
/// assert_eq!(err.code(), "webeid.token.malformed"); // too short
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct Anchors {
    anchors: Vec<Anchor>,
}

impl Anchors {
    /// An empty store (a verification against it is refused:
    /// `config.invalid`).
    pub fn new() -> Self {
        Anchors::default()
    }

    /// Adds embedded anchors (e.g. [`crate::anchors::ESTONIA`]), each checked
    /// against its recorded fingerprint.
    pub fn with_embedded(mut self, anchors: &[EmbeddedAnchor]) -> Result<Self> {
        for a in anchors {
            self.anchors.push(Anchor::from_der(&a.der()?)?);
        }
        Ok(self)
    }

    /// Adds an issuing CA certificate, DER or PEM (every certificate of a
    /// PEM bundle).
    ///
    /// Any decodable certificate is accepted, expired or not: an anchor's
    /// dates are checked when it ends a path, at the verification's `now`.
    pub fn with_certificate(mut self, cert: &[u8]) -> Result<Self> {
        for der in pem::decode_certificates(cert)? {
            self.anchors.push(Anchor::from_der(&der)?);
        }
        Ok(self)
    }

    /// How many anchors the store holds.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether the store holds no anchor.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// The anchors, for path validation.
    pub(crate) fn as_slice(&self) -> &[Anchor] {
        &self.anchors
    }
}

impl AsRef<Anchors> for Anchors {
    fn as_ref(&self) -> &Anchors {
        self
    }
}
