//! Embedded trust anchors for Web eID: the Estonian ID-card issuing CAs.
//!
//! Web eID validators trust the *issuing* CAs (intermediates), not the
//! roots: a certificate from any other hierarchy under the same root (for
//! example Mobile-ID or e-Seal certificates) must not authenticate a person.
//! Production and test anchors are kept apart: never put a TEST CA in a
//! production trust store.
//!
//! Each anchor carries its SHA-256 fingerprint, checked whenever it is
//! loaded; the PEM files beside this module say where each comes from.
//!
//! This module lives in `webeid/` and not in `x509/`: the certificates are
//! X.509, but choosing them is trust policy (which CAs may authenticate a
//! person through Web eID, and why not the roots above them), so they are
//! Web eID's trust material, loaded into its store ([`super::Anchors`]), and
//! go wherever the `webeid` scheme goes (a build without Web eID carries
//! none of them). Another scheme that trusts embedded certificates (ICAO
//! CSCAs, Smart-ID's CAs) keeps its own set beside its own `trust.rs`. The
//! public path stays `idbridge::anchors` (a re-export).
//!
//! ```
//! let trust = idbridge::Trust::builder()
//!     .webeid_anchors(idbridge::anchors::ESTONIA)?
//!     .build()?;
//! assert_eq!(trust.webeid_anchor_count(), 2);
//! # Ok::<(), idbridge::Error>(())
//! ```

/// One embedded anchor certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmbeddedAnchor {
    /// The CA's common name.
    pub name: &'static str,
    /// Where the certificate is published.
    pub source: &'static str,
    /// SHA-256 of the DER certificate, lowercase hex.
    pub sha256: &'static str,
    /// notBefore, RFC 3339.
    pub not_before: &'static str,
    /// notAfter, RFC 3339.
    pub not_after: &'static str,
    /// The certificate, PEM (with an explanatory header).
    pub pem: &'static str,
}

/// ESTEID2018 (SK ID Solutions), P-521: Estonian ID cards issued 2018–2025.
pub const ESTEID2018: EmbeddedAnchor = EmbeddedAnchor {
    name: "ESTEID2018",
    source: "SK ID Solutions AS certificate repository",
    sha256: "c45ae81ac8b5ed5d8065213fd3dc250c7b3277368a3e97bd8299effaf8b65e31",
    not_before: "2018-09-20T09:22:28Z",
    not_after: "2033-09-05T09:11:03Z",
    pem: include_str!("esteid2018.pem"),
};

/// ESTEID2025 (Zetes Estonia), P-384: Estonian ID cards issued from 2025.
pub const ESTEID2025: EmbeddedAnchor = EmbeddedAnchor {
    name: "ESTEID2025",
    source: "Zetes Estonia OÜ, Estonian ID-card PKI repository",
    sha256: "30eba818e427a442bad8f5b218b6b73cc5445d2170e94b8d36b230c006498ac7",
    not_before: "2025-05-07T13:20:07Z",
    not_after: "2040-05-03T13:20:06Z",
    pem: include_str!("esteid2025.pem"),
};

/// TEST of ESTEID2018 (SK ID Solutions), P-521: Estonian TEST ID cards.
pub const TEST_OF_ESTEID2018: EmbeddedAnchor = EmbeddedAnchor {
    name: "TEST of ESTEID2018",
    source: "SK ID Solutions AS test certificate repository",
    sha256: "2291c167b5275152b53f1efa2c1805c9a15ec8def7120e56a3726a2959b31049",
    not_before: "2018-09-06T09:03:52Z",
    not_after: "2033-08-30T12:48:28Z",
    pem: include_str!("test_of_esteid2018.pem"),
};

/// Test ESTEID2025 (Zetes Estonia), P-384: Estonian TEST ID cards from 2025.
pub const TEST_ESTEID2025: EmbeddedAnchor = EmbeddedAnchor {
    name: "Test ESTEID2025",
    source: "Zetes Estonia OÜ test PKI",
    sha256: "a5cac6ea1c366eac01f72ce5ad322ade710d42639c4a1152b6793facc2821dea",
    not_before: "2024-11-04T12:59:55Z",
    not_after: "2039-11-03T12:59:54Z",
    pem: include_str!("test_esteid2025.pem"),
};

/// The production Estonian ID-card issuing CAs.
pub const ESTONIA: &[EmbeddedAnchor] = &[ESTEID2018, ESTEID2025];

/// The Estonian TEST ID-card issuing CAs (for test systems only).
pub const ESTONIA_TEST: &[EmbeddedAnchor] = &[TEST_OF_ESTEID2018, TEST_ESTEID2025];

impl EmbeddedAnchor {
    /// The DER certificate, after checking it against the recorded fingerprint.
    pub fn der(&self) -> crate::Result<Vec<u8>> {
        let der = crate::x509::pem::decode_certificate(self.pem.as_bytes())?;
        let digest = crate::crypto::HashAlg::Sha256.digest(&der);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        if hex != self.sha256 {
            return Err(crate::Error::new(
                crate::ErrorCode::ConfigInvalid,
                "an embedded anchor does not match its fingerprint",
            ));
        }
        Ok(der)
    }
}
