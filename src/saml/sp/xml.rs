//! Writing the SP's XML: checked text values, escaping, and the enveloped
//! signature (XML-DSig 1.1 §3.1 "Core Generation": digest the referenced
//! element, then sign the canonical `SignedInfo`).
//!
//! The document is written in two halves around the place where
//! `ds:Signature` goes (first child of `EntityDescriptor`, right after the
//! `Issuer` of a request). The halves joined are the unsigned document:
//! it is parsed by the same parser every idbridge verifier uses and its
//! document element canonicalized with exclusive c14n (without the
//! signature, which is what the enveloped-signature transform leaves).
//! `SignedInfo` is canonicalized the same way, parsed on its own: exclusive
//! c14n renders only the namespaces an element visibly uses, and
//! `SignedInfo` uses only `ds`, so its canonical form does not depend on
//! where it sits.

use crate::crypto::{Algorithm, Signer};
use crate::error::{Error, ErrorCode, Result};
use crate::xml::c14n_api::{Document, Options};
use crate::Limits;
use base64::Engine as _;
use sha2::Digest as _;

pub(crate) const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
pub(crate) const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";

/// The longest text value a configuration may give (an entity ID, a URL,
/// a name...): 1024 bytes. Bounds the documents built here.
pub const MAX_VALUE_BYTES: usize = 1024;

pub(crate) fn invalid(reason: &'static str) -> Error {
    Error::new(ErrorCode::ConfigInvalid, reason)
}

/// A configuration value: non-empty, at most [`MAX_VALUE_BYTES`], no
/// control characters (nothing that XML 1.0 `Char` excludes, no tab or line
/// break either), no leading or trailing space.
pub(crate) fn value<'a>(v: &'a str, what: &'static str) -> Result<&'a str> {
    if v.is_empty() || v.len() > MAX_VALUE_BYTES || v.trim() != v {
        return Err(invalid(what));
    }
    if v.chars()
        .any(|c| c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}')
    {
        return Err(invalid(what));
    }
    Ok(v)
}

/// An http(s) URL with a host, written with the characters RFC 3986 §2
/// allows in a URI (unreserved, reserved and `%`: nothing to escape in a
/// `Location` header, an HTML attribute or XML but `&` and `'`).
pub(crate) fn url<'a>(v: &'a str, what: &'static str) -> Result<&'a str> {
    let v = value(v, what)?;
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .ok_or_else(|| invalid(what))?;
    let uri_char = |c: char| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c);
    if rest.is_empty() || rest.starts_with('/') || !v.chars().all(uri_char) {
        return Err(invalid(what));
    }
    Ok(v)
}

/// An `xs:ID` (an NCName) made of ASCII letters, digits, `_`, `-` and
/// `.`, not starting with a digit, `-` or `.`.
pub(crate) fn xml_id<'a>(v: &'a str, what: &'static str) -> Result<&'a str> {
    let v = value(v, what)?;
    let mut chars = v.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.') {
        return Err(invalid(what));
    }
    Ok(v)
}

/// Escapes element text and attribute values (double-quoted).
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The caller's signing key and the certificate published with it.
///
/// The key signs with RSA PKCS#1 v1.5 and SHA-256 (`rsa-sha256`, what SPID
/// and CIE ID require of metadata and requests); the certificate (PEM or
/// DER) must carry the same public key.
pub struct SpCredential<'a> {
    signer: &'a dyn Signer,
    certificate_der: Vec<u8>,
}

impl core::fmt::Debug for SpCredential<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SpCredential")
            .field("public", self.signer.public_key())
            .finish_non_exhaustive()
    }
}

impl<'a> SpCredential<'a> {
    /// Pairs `signer` with its `certificate` (PEM or DER):
    /// `x509.cert.malformed` when it is not a certificate,
    /// `config.invalid` when the key is not RSA or not the certificate's.
    pub fn new(signer: &'a dyn Signer, certificate: &[u8]) -> Result<Self> {
        let der = crate::x509::pem::decode_certificate(certificate)?;
        let cert = crate::x509::cert::Certificate::from_der(&der)?;
        if signer.public_key().rsa_bits().is_none() {
            return Err(invalid("SPID and CIE ID sign with RSA: the key is not RSA"));
        }
        if cert.spki_der != signer.public_key().spki_der() {
            return Err(invalid("the certificate does not carry the signer's key"));
        }
        Ok(SpCredential {
            signer,
            certificate_der: der,
        })
    }

    /// The certificate, DER.
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// The certificate as `ds:X509Certificate` text (base64).
    pub(crate) fn certificate_b64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.certificate_der)
    }

    /// `rsa-sha256` over `message`.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        self.signer.sign(Algorithm::RSA_PKCS1V15_SHA256, message)
    }
}

/// A `ds:KeyInfo` carrying the certificate (declares `ds` itself).
pub(crate) fn key_info(cred: &SpCredential<'_>) -> String {
    format!(
        "<ds:KeyInfo xmlns:ds=\"{DS}\"><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>",
        cred.certificate_b64()
    )
}

/// Signs the document `head + tail` whose document element has `ID` =
/// `id`, and returns `head + <ds:Signature> + tail`.
pub(crate) fn sign_enveloped(
    head: &str,
    tail: &str,
    id: &str,
    cred: &SpCredential<'_>,
) -> Result<String> {
    let limits = Limits::default();
    let unsigned = format!("{head}{tail}");
    let doc = Document::parse(&unsigned, &limits)?;
    let root = doc.root_element();
    if root.attribute("ID") != Some(id) {
        return Err(invalid("the document element does not carry the ID signed"));
    }
    let canonical = root.canonicalize(&Options::default())?;
    let digest = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&canonical));
    let signed_info = format!(
        "<ds:SignedInfo xmlns:ds=\"{DS}\"><ds:CanonicalizationMethod Algorithm=\"{EXC_C14N}\"></ds:CanonicalizationMethod><ds:SignatureMethod Algorithm=\"{RSA_SHA256}\"></ds:SignatureMethod><ds:Reference URI=\"#{id}\"><ds:Transforms><ds:Transform Algorithm=\"{ENVELOPED}\"></ds:Transform><ds:Transform Algorithm=\"{EXC_C14N}\"></ds:Transform></ds:Transforms><ds:DigestMethod Algorithm=\"{SHA256}\"></ds:DigestMethod><ds:DigestValue>{digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>"
    );
    // Canonicalized by the same code that verifies (it is already in
    // canonical form; this keeps the two from drifting apart).
    let si_doc = Document::parse(&signed_info, &limits)?;
    let si_canonical = si_doc.root_element().canonicalize(&Options::default())?;
    let value = base64::engine::general_purpose::STANDARD.encode(cred.sign(&si_canonical)?);
    let cert = cred.certificate_b64();
    let signed_info_body = signed_info
        .strip_prefix(&format!("<ds:SignedInfo xmlns:ds=\"{DS}\">"))
        .unwrap_or(&signed_info);
    Ok(format!(
        "{head}<ds:Signature xmlns:ds=\"{DS}\"><ds:SignedInfo>{signed_info_body}<ds:SignatureValue>{value}</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>{tail}"
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn values_are_bounded_and_plain() {
        assert!(value("ok", "x").is_ok());
        for bad in ["", " lead", "trail ", "a\nb", "a\tb", "a\u{0}b"] {
            assert_eq!(value(bad, "x").unwrap_err().code(), "config.invalid");
        }
        assert!(value(&"a".repeat(MAX_VALUE_BYTES), "x").is_ok());
        assert!(value(&"a".repeat(MAX_VALUE_BYTES + 1), "x").is_err());
    }

    #[test]
    fn urls_and_ids() {
        assert!(url("https://sp.example.it/acs", "x").is_ok());
        for bad in [
            "ftp://x",
            "https://",
            "https:///x",
            "https://a b",
            "sp.example.it",
            "https://a\"b",
            "https://a<b",
            "https://è.it",
        ] {
            assert!(url(bad, "x").is_err(), "{bad}");
        }
        assert!(xml_id("_abc-1.2", "x").is_ok());
        for bad in ["1abc", "-a", "a b", "a\"b", "a:b", ""] {
            assert!(xml_id(bad, "x").is_err(), "{bad}");
        }
    }

    #[test]
    fn escaping() {
        assert_eq!(esc("<a b=\"&\">"), "&lt;a b=&quot;&amp;&quot;&gt;");
    }
}
