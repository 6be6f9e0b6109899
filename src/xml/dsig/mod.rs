//! XML-DSig verification of one enveloped signature, returning a handle to
//! exactly the element that was signed.
//!
//! XML Signature Syntax and Processing 1.1 (W3C REC 2013-04-11), restricted
//! to what SAML needs (SAML 2.0 Core §5.4, "XML Signature Profile", in
//! chapter 5, "SAML and XML Signature Syntax and Processing"): one `Reference` whose URI is the ID of the element
//! that encloses the `Signature`, the enveloped-signature transform then
//! exclusive c14n, algorithms from an allow-list, keys only from the
//! caller's trusted certificates. Everything else is refused, which is what
//! closes the signature-wrapping family (XSW1–8), CVE-2024-45409 and the
//! parser differentials of CVE-2025-25291/25292: the caller names the
//! element to verify, the signature must be its own child and reference it,
//! and the handle returned is that element, nothing found by searching.
//!
//! [`verify_enveloped`] reads as the list of steps; each step is a
//! function in the file named after the rule it enforces:
//!
//! | file | rule |
//! |---|---|
//! | `saml_profile.rs` | SAML Core §5.4: enveloped, one `Reference` to the signed element's ID |
//! | `syntax.rs` | XML-DSig §4.2, §4.4, §4.4.3: the `Signature`, `SignedInfo` and `Reference` elements |
//! | `exc_c14n.rs` | Exclusive XML Canonicalization 1.0; SAML Core §5.4.3 |
//! | `algorithms.rs` | XML-DSig §4.4.2 `SignatureMethod`, §4.4.3.5 `DigestMethod`; RFC 6931 |
//! | `reference_uri.rs` | XML-DSig §4.4.3.3 same-document URI-references |
//! | `enveloped.rs` | XML-DSig §6.6.4 Enveloped Signature Transform; SAML Core §5.4.4 |
//! | `values.rs` | XML-DSig §4.3 `SignatureValue`, §4.4.3.6 `DigestValue`: base64 |
//! | `key_info.rs` | XML-DSig §4.5 `KeyInfo`; SAML Core §5.4.5 |
//! | `reference_validation.rs` | XML-DSig §3.2.1 Reference Validation |
//! | `signature_validation.rs` | XML-DSig §3.2.2 Signature Validation |

mod algorithms;
mod enveloped;
mod exc_c14n;
mod key_info;
mod reference_uri;
mod reference_validation;
mod saml_profile;
mod signature_validation;
mod syntax;
mod values;

use crate::crypto::{Backend, PublicKey};
use crate::error::{Error, ErrorCode, Result};
use base64::Engine as _;
use roxmltree::{Node, NodeType};

/// The XML-DSig namespace.
pub(crate) const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// The exclusive c14n namespace (for `InclusiveNamespaces`).
const EXC_C14N_NS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

/// A trusted signing key, from a certificate the caller trusts (SAML
/// metadata keys are bare keys: the certificate's dates are not checked).
#[derive(Clone, Debug)]
pub(crate) struct TrustedKey {
    /// The certificate as given (DER), to recognise it in `KeyInfo`.
    pub cert_der: Vec<u8>,
    /// `cert_der` in canonical base64, to recognise it without decoding.
    pub cert_base64: String,
    /// `None` when the certificate's key is outside policy (RSA under 2048
    /// bits...): the certificate is still recognised in `KeyInfo`, but no
    /// signature ever verifies with it.
    pub key: Option<PublicKey>,
}

impl TrustedKey {
    /// From a DER or PEM certificate.
    pub(crate) fn from_certificate(cert: &[u8]) -> Result<TrustedKey> {
        let der = crate::x509::pem::decode_certificate(cert)?;
        let parsed = crate::x509::cert::Certificate::from_der(&der)?;
        let key = match PublicKey::from_spki_der(&parsed.spki_der) {
            Ok(k) => Some(k),
            Err(e) if e.kind() == ErrorCode::CryptoKeyUnsupported => None,
            Err(e) => return Err(e),
        };
        let cert_base64 = base64::engine::general_purpose::STANDARD.encode(&der);
        Ok(TrustedKey {
            cert_der: der,
            cert_base64,
            key,
        })
    }
}

/// What a profile allows beyond the core rules of XML-DSig as idbridge
/// verifies them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Accept the `#WithComments` variant of exclusive c14n (XML-DSig
    /// allows it; the SPID and CIE profiles sign without comments only).
    pub(crate) with_comments: bool,
}

impl Policy {
    /// Plain XML-DSig: exclusive c14n with or without comments (for
    /// `SignedInfo`; the referenced element is hashed without comments
    /// either way, XML-DSig 1.1 §4.4.3.3).
    pub const XMLDSIG: Policy = Policy {
        with_comments: true,
    };
    /// SPID, CIE ID and SAML metadata: exclusive c14n without comments.
    pub const SAML: Policy = Policy {
        with_comments: false,
    };
}

/// The element a valid enveloped signature covers, and its ID. Only a
/// successful verification constructs one: read signed values from
/// [`VerifiedElement::element`], never from a search of the document.
///
/// ```compile_fail
/// // Code outside idbridge cannot make one up.
/// fn forge<'a, 'i>(e: idbridge::c14n::Element<'a, 'i>) -> idbridge::xmldsig::VerifiedElement<'a, 'i> {
///     idbridge::xmldsig::VerifiedElement { node: e, id: "_forged" }
/// }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct VerifiedElement<'a, 'input> {
    node: Node<'a, 'input>,
    id: &'a str,
}

impl<'a, 'input> VerifiedElement<'a, 'input> {
    /// The signed element's `ID`, which the signature's one `Reference`
    /// names.
    pub fn id(&self) -> &'a str {
        self.id
    }

    /// The signed element (its `Signature` child included: the only part
    /// of it the signature does not cover).
    pub fn element(&self) -> super::c14n_api::Element<'a, 'input> {
        super::c14n_api::Element::new(self.node())
    }

    /// The signed element's node, for the crate's own verifiers.
    pub(crate) fn node(&self) -> Node<'a, 'input> {
        self.node
    }
}

/// Verifies the enveloped signature of `target` (the element the caller
/// means to read) with `trusted` keys, and returns the verified element.
///
/// Checks, in order: exactly one `ds:Signature` child
/// (`xmldsig.signature.missing` / `xmldsig.signature.invalid`); its
/// structure (`xmldsig.signature.invalid`); c14n and signature algorithms
/// (`xmldsig.algorithm.forbidden`); exactly one `Reference` to `#` + the
/// target's unique `ID` (`xmldsig.reference.invalid`); transforms exactly
/// enveloped-signature then exc-c14n (`xmldsig.transform.forbidden`);
/// digest algorithm (`xmldsig.algorithm.forbidden`); values as plain text
/// (`xmldsig.signature.invalid`); at least one trusted key
/// (`xmldsig.key.untrusted`); the digest (`xmldsig.digest.mismatch`); the
/// signature with every trusted key (`xmldsig.signature.invalid`, or
/// `xmldsig.key.untrusted` when `KeyInfo` names an untrusted certificate:
/// `KeyInfo` words a failure, it never makes one).
pub(crate) fn verify_enveloped<'a, 'i>(
    backend: &dyn Backend,
    doc: &'a roxmltree::Document<'i>,
    target: Node<'a, 'i>,
    trusted: &[TrustedKey],
    policy: Policy,
) -> Result<VerifiedElement<'a, 'i>> {
    // SAML Core §5.4.1: the target's own, one enveloped Signature.
    let signature = saml_profile::own_signature(target)?;
    // XML-DSig §4.2, §4.4: Signature and SignedInfo in schema order.
    let parts = syntax::signature(signature)?;
    let signed_info = syntax::signed_info(parts.signed_info)?;
    // Exclusive c14n (SAML Core §5.4.3), an allowed SignatureMethod (§4.4.2).
    let si_canon = exc_c14n::signed_info_method(signed_info.canonicalization_method, policy)?;
    let sig_alg = algorithms::signature_method(signed_info.signature_method)?;
    // SAML Core §5.4.2: one Reference, to "#" + the target's ID ...
    let reference = saml_profile::one_reference(signed_info.references())?;
    let id = saml_profile::target_id(target)?;
    // ... which names exactly one element (XML-DSig §4.4.3.3).
    reference_uri::names(reference, id)?;
    reference_uri::unique_in_document(doc, id)?;
    // XML-DSig §4.4.3: the Reference in schema order; §6.6.4 and SAML Core
    // §5.4.4: enveloped-signature then exclusive c14n; §4.4.3.5 DigestMethod.
    let reference = syntax::reference(reference)?;
    let ref_canon = enveloped::transforms(reference.transforms, policy)?;
    let dig_hash = algorithms::digest_method(reference.digest_method)?;
    // XML-DSig §4.3, §4.4.3.6: the values, base64 text.
    let expected_digest = values::base64_value(reference.digest_value)?;
    let signature_bytes = values::base64_value(parts.signature_value)?;
    // XML-DSig §4.5: keys from the caller's trust, KeyInfo only as an order.
    let candidates = key_info::candidates(parts.key_info, trusted)?;
    // XML-DSig §3.2.1 Reference Validation, then §3.2.2 Signature Validation.
    reference_validation::digest_matches(
        target,
        signature,
        dig_hash,
        &ref_canon,
        &expected_digest,
    )?;
    signature_validation::verifies(
        backend,
        parts.signed_info,
        &si_canon,
        sig_alg,
        candidates,
        &signature_bytes,
    )?;
    Ok(VerifiedElement { node: target, id })
}

/// Verifies the document's one `ds:Signature`, wherever it sits: the
/// signed element is that Signature's parent element, which may be nested
/// in unsigned ancestors (as an Assertion in a Response), and is then
/// verified as by [`verify_enveloped`].
///
/// No `ds:Signature` anywhere: `xmldsig.signature.missing`; two or more
/// (nested in each other or not), or one that is the document element
/// (nothing encloses it): `xmldsig.signature.invalid`.
pub(crate) fn verify_single_enveloped<'a, 'i>(
    backend: &dyn Backend,
    doc: &'a roxmltree::Document<'i>,
    trusted: &[TrustedKey],
    policy: Policy,
) -> Result<VerifiedElement<'a, 'i>> {
    let mut signatures = doc.descendants().filter(|n| is_ds(*n, "Signature"));
    let signature = match (signatures.next(), signatures.next()) {
        (None, _) => {
            return Err(Error::new(
                ErrorCode::XmldsigSignatureMissing,
                "the document holds no signature",
            ))
        }
        (Some(one), None) => one,
        (Some(_), Some(_)) => return Err(invalid("the document holds more than one signature")),
    };
    let target = signature
        .parent_element()
        .ok_or_else(|| invalid("the signature encloses the document: nothing is enveloped"))?;
    verify_enveloped(backend, doc, target, trusted, policy)
}

fn invalid(reason: &'static str) -> Error {
    Error::new(ErrorCode::XmldsigSignatureInvalid, reason)
}

fn forbidden(reason: &'static str) -> Error {
    Error::new(ErrorCode::XmldsigAlgorithmForbidden, reason)
}

fn is_ds(node: Node<'_, '_>, name: &str) -> bool {
    node.is_element()
        && node.tag_name().namespace() == Some(DSIG_NS)
        && node.tag_name().name() == name
}

/// The element children of `node`; any non-whitespace text, comment or
/// processing instruction between them is refused (structure is structure).
fn element_children<'a, 'i>(node: Node<'a, 'i>) -> Result<Vec<Node<'a, 'i>>> {
    let mut out = Vec::new();
    for child in node.children() {
        match child.node_type() {
            NodeType::Element => out.push(child),
            NodeType::Text if child.text().is_some_and(|t| t.trim().is_empty()) => {}
            _ => return Err(invalid("unexpected content inside a signature element")),
        }
    }
    Ok(out)
}

fn algorithm_attr<'a>(node: Node<'a, '_>) -> Result<&'a str> {
    node.attribute("Algorithm")
        .ok_or_else(|| invalid("an Algorithm attribute is missing"))
}
