//! The base64 values: `DigestValue`, `SignatureValue` and `KeyInfo`'s
//! `X509Certificate`.
//!
//! XML-DSig 1.1 §4.3: "The `SignatureValue` element contains the actual
//! value of the digital signature; it is always encoded using base64".
//! §4.4.3.6: "`DigestValue` is an element that contains the encoded value
//! of the digest. The digest is always encoded using base64".
//!
//! Read as text only (an element, comment or PI inside is refused), XML
//! whitespace ignored, strict padding (`xmldsig.signature.invalid`).

use super::invalid;
use crate::error::Result;
use base64::Engine as _;
use roxmltree::{Node, NodeType};

/// A base64 value (`ds:base64Binary`): text children only (no element,
/// comment or PI: `DigestValue` and `SignatureValue` are read as plain text
/// only), XML whitespace anywhere ignored, strict padding. One pass over the bytes, one buffer.
pub(super) fn base64_value(node: Node<'_, '_>) -> Result<Vec<u8>> {
    let mut compact = Vec::new();
    for child in node.children() {
        match child.node_type() {
            NodeType::Text => {
                for chunk in base64_chunks(child.text().unwrap_or("")) {
                    compact.extend_from_slice(chunk);
                }
            }
            _ => return Err(invalid("a signature value holds more than text")),
        }
    }
    base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .map_err(|_| invalid("a signature value is not base64"))
}

/// The runs of `text` between ASCII whitespace (base64 lines).
fn base64_chunks(text: &str) -> impl Iterator<Item = &[u8]> {
    text.as_bytes()
        .split(u8::is_ascii_whitespace)
        .filter(|chunk| !chunk.is_empty())
}

/// Whether `node` holds exactly the base64 text `expected` (canonical
/// STANDARD encoding, no whitespace), whitespace in `node` ignored. A fast
/// path for recognising a trusted certificate in `KeyInfo` without decoding
/// it: the base64 engine refuses non-canonical encodings, so text equality
/// is byte equality of the decoded values. `false` on anything else (the
/// caller then decodes, for the precise error).
pub(super) fn base64_text_is(node: Node<'_, '_>, expected: &str) -> bool {
    let mut rest = expected.as_bytes();
    for child in node.children() {
        if child.node_type() != NodeType::Text {
            return false;
        }
        for chunk in base64_chunks(child.text().unwrap_or("")) {
            match rest.strip_prefix(chunk) {
                Some(tail) => rest = tail,
                None => return false,
            }
        }
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(doc: &roxmltree::Document<'_>) -> bool {
        base64_text_is(doc.root_element(), "QUJDREVGR0g=")
    }

    #[test]
    fn base64_text_is_ignores_whitespace_only() {
        for (xml, same) in [
            ("<c>QUJDREVGR0g=</c>", true),
            ("<c>\n  QUJD\n  REVG\r\n\tR0g=\n</c>", true),
            ("<c>QUJD<!-- c -->REVGR0g=</c>", false),
            ("<c>QUJDREVGR0g</c>", false),
            ("<c>QUJDREVGR0g=QQ==</c>", false),
            ("<c>QUJDREVGR0h=</c>", false),
            ("<c></c>", false),
            ("<c><x/>QUJDREVGR0g=</c>", false),
        ] {
            let doc = roxmltree::Document::parse(xml).unwrap();
            assert_eq!(first(&doc), same, "{xml}");
            // The fast path never says yes where decoding says otherwise.
            if same {
                assert_eq!(base64_value(doc.root_element()).unwrap(), b"ABCDEFGH");
            }
        }
    }
}
