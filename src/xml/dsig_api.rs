//! One enveloped XML signature (XML Signature Syntax and Processing 1.1),
//! verified with keys from certificates the caller trusts: for signed XML
//! other than a SAML Response (signed metadata, signed configuration,
//! documents exchanged between services), with the rules SPID and CIE
//! verification uses.
//!
//! [`verify_enveloped`] verifies the document element; [`verify_single_enveloped`]
//! the parent of the document's one `ds:Signature`, at any depth (a signed
//! element inside unsigned ancestors, as an Assertion in a Response). The
//! signed element's signature is its own `ds:Signature` child, with exactly one `Reference` to `#` + the
//! element's `ID` (unique in the document), the transforms
//! enveloped-signature then exclusive c14n, RSA PKCS#1 v1.5 or ECDSA with
//! SHA-256/384/512, and a key from the trusted certificates only:
//! `KeyInfo` never brings trust and never decides acceptance (every trusted
//! key is tried whatever it holds; when none verifies, a certificate it
//! names outside the trusted ones words the failure as
//! `xmldsig.key.untrusted`). The codes, in order of the checks, are in
//! [`verify_enveloped`].
//!
//! ```
//! use idbridge::c14n::{decode_input, Document, Encoding};
//! use idbridge::xmldsig::{self, Policy, TrustedCertificates};
//! use idbridge::Limits;
//! # let signer_pem = include_bytes!("../../test-vectors/xmldsig/certs/rsa2048.pem");
//! # let posted = include_bytes!("../../test-vectors/xmldsig/inputs/valid/rsa-sha256.xml");
//! let mut trusted = TrustedCertificates::new();
//! trusted.add(signer_pem)?; // PEM or DER
//! let limits = Limits::default();
//! let text = decode_input(posted, Encoding::Xml, &limits)?;
//! let doc = Document::parse(&text, &limits)?;
//! let signed = xmldsig::verify_enveloped(&doc, &trusted, Policy::XMLDSIG)?;
//! // Read from the signed element only.
//! assert_eq!(signed.id(), "_0d5c9a4e6b3f4b1e8f7a2c9d1e3b5a70");
//! assert_eq!(signed.element().local_name(), "Document");
//!
//! // Anyone else's key: refused.
//! let mut other = TrustedCertificates::new();
//! other.add(include_bytes!("../../test-vectors/xmldsig/certs/rsa2048-b.pem"))?;
//! let refused = xmldsig::verify_enveloped(&doc, &other, Policy::XMLDSIG).unwrap_err();
//! assert_eq!(refused.code(), "xmldsig.signature.invalid");
//! # Ok::<(), idbridge::Error>(())
//! ```

use super::c14n_api::Document;
use super::dsig::{self, TrustedKey};
use crate::crypto::{self, Backend};
use crate::Result;

pub use super::dsig::{Policy, VerifiedElement};

/// The certificates whose keys may have made a signature. Only the keys
/// are used: a certificate's dates, issuer and extensions are not checked
/// (as SAML metadata pins bare keys).
#[derive(Clone, Debug, Default)]
pub struct TrustedCertificates {
    keys: Vec<TrustedKey>,
}

impl TrustedCertificates {
    /// An empty set (nothing verifies with it: `xmldsig.key.untrusted`).
    pub fn new() -> Self {
        TrustedCertificates::default()
    }

    /// Adds a certificate, PEM or DER (`x509.cert.malformed` when it is
    /// not one). A certificate whose key idbridge does not accept (RSA
    /// under 2048 bits...) is still recognised in `KeyInfo`, but no
    /// signature verifies with it.
    pub fn add(&mut self, certificate: &[u8]) -> Result<()> {
        self.keys.push(TrustedKey::from_certificate(certificate)?);
        Ok(())
    }

    /// How many certificates.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Verifies the enveloped signature of `document`'s document element with
/// the default backend, and returns the verified element.
///
/// Checks, in order: exactly one `ds:Signature` child
/// (`xmldsig.signature.missing` / `xmldsig.signature.invalid`); its
/// structure (`xmldsig.signature.invalid`); c14n and signature algorithms
/// (`xmldsig.algorithm.forbidden`); exactly one `Reference` to `#` + the
/// element's unique `ID` (`xmldsig.reference.invalid`); transforms exactly
/// enveloped-signature then exclusive c14n (`xmldsig.transform.forbidden`);
/// the digest algorithm (`xmldsig.algorithm.forbidden`); values as plain
/// text (`xmldsig.signature.invalid`); at least one trusted certificate
/// (`xmldsig.key.untrusted`); the digest (`xmldsig.digest.mismatch`); the
/// signature with every trusted key (`xmldsig.signature.invalid`; or
/// `xmldsig.key.untrusted` when none verifies and `KeyInfo` names a
/// certificate that is not trusted).
pub fn verify_enveloped<'a, 'i>(
    document: &'a Document<'i>,
    trusted: &TrustedCertificates,
    policy: Policy,
) -> Result<VerifiedElement<'a, 'i>> {
    verify_enveloped_with(crypto::default_backend(), document, trusted, policy)
}

/// As [`verify_enveloped`], on a chosen backend.
pub fn verify_enveloped_with<'a, 'i>(
    backend: &dyn Backend,
    document: &'a Document<'i>,
    trusted: &TrustedCertificates,
    policy: Policy,
) -> Result<VerifiedElement<'a, 'i>> {
    let tree = document.tree();
    dsig::verify_enveloped(backend, tree, tree.root_element(), &trusted.keys, policy)
}

/// Verifies the document's one `ds:Signature`, at any depth, with the
/// default backend: the signed element is that Signature's parent (the
/// document element, or an element inside unsigned ancestors, as a SAML
/// Assertion inside a Response), verified as by [`verify_enveloped`].
///
/// Before those checks: no `ds:Signature` anywhere in the document is
/// `xmldsig.signature.missing`; two or more, wherever they are, or a
/// `ds:Signature` that is itself the document element, is
/// `xmldsig.signature.invalid`. What the ancestors hold (their namespace
/// declarations, attributes, comments, siblings of the signed element) is
/// outside the signature, and exclusive c14n decides what of it counts.
///
/// ```
/// use idbridge::c14n::{decode_input, Document, Encoding};
/// use idbridge::xmldsig::{self, Policy, TrustedCertificates};
/// use idbridge::Limits;
/// # let signer_pem = include_bytes!("../../test-vectors/xmldsig/certs/rsa2048.pem");
/// # let posted = include_bytes!("../../test-vectors/xmldsig/inputs/valid/rsa-sha256.xml");
/// let mut trusted = TrustedCertificates::new();
/// trusted.add(signer_pem)?;
/// let limits = Limits::default();
/// // The signed Document, wrapped in an unsigned envelope after signing.
/// let signed = std::str::from_utf8(posted).unwrap();
/// let signed = signed.strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").unwrap_or(signed);
/// let wrapped = format!("<Envelope><Note>not signed</Note>{signed}</Envelope>");
/// let text = decode_input(wrapped.as_bytes(), Encoding::Xml, &limits)?;
/// let doc = Document::parse(&text, &limits)?;
/// let verified = xmldsig::verify_single_enveloped(&doc, &trusted, Policy::XMLDSIG)?;
/// assert_eq!(verified.element().local_name(), "Document");
/// // The document-element form looks at Envelope, which holds no Signature.
/// let e = xmldsig::verify_enveloped(&doc, &trusted, Policy::XMLDSIG).unwrap_err();
/// assert_eq!(e.code(), "xmldsig.signature.missing");
/// # Ok::<(), idbridge::Error>(())
/// ```
pub fn verify_single_enveloped<'a, 'i>(
    document: &'a Document<'i>,
    trusted: &TrustedCertificates,
    policy: Policy,
) -> Result<VerifiedElement<'a, 'i>> {
    verify_single_enveloped_with(crypto::default_backend(), document, trusted, policy)
}

/// As [`verify_single_enveloped`], on a chosen backend.
pub fn verify_single_enveloped_with<'a, 'i>(
    backend: &dyn Backend,
    document: &'a Document<'i>,
    trusted: &TrustedCertificates,
    policy: Policy,
) -> Result<VerifiedElement<'a, 'i>> {
    dsig::verify_single_enveloped(backend, document.tree(), &trusted.keys, policy)
}
