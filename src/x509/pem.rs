//! PEM (RFC 7468) certificates, and DER passed through unchanged.
//!
//! Two readings: [`decode_certificates`] for trust material, where a PEM
//! bundle (several `CERTIFICATE` blocks, as CA and CSCA lists are shipped)
//! yields every certificate; [`decode_certificate`] where one certificate
//! is meant (a pinned responder, a service provider's own certificate),
//! which refuses a bundle instead of taking its first block silently.

use crate::error::{Error, ErrorCode, Result};
use base64::Engine as _;

const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";

/// The most certificates one PEM bundle may hold (a national CSCA master
/// list has a few hundred).
pub(crate) const MAX_PEM_CERTIFICATES: usize = 1024;

fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::X509CertMalformed, reason)
}

/// The DER of every `CERTIFICATE` block of `bytes`, in order, or `bytes`
/// itself when it is not PEM (DER files are common for anchors). Text
/// between and around the blocks (explanations, as RFC 7468 §5.2 allows)
/// is ignored. A block without its END line, a block that is not base64,
/// an empty block or more than [`MAX_PEM_CERTIFICATES`] blocks is
/// `x509.cert.malformed`.
pub(crate) fn decode_certificates(bytes: &[u8]) -> Result<Vec<Vec<u8>>> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(vec![bytes.to_vec()]);
    };
    if !text.contains(BEGIN) {
        return Ok(vec![bytes.to_vec()]);
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        if out.len() == MAX_PEM_CERTIFICATES {
            return Err(Error::with_detail(
                ErrorCode::X509CertMalformed,
                format!("a PEM bundle of more than {MAX_PEM_CERTIFICATES} certificates"),
            ));
        }
        let body = rest.get(start + BEGIN.len()..).unwrap_or("");
        let end = body
            .find(END)
            .ok_or_else(|| malformed("a PEM block without its END line"))?;
        let b64: String = body
            .get(..end)
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        if b64.is_empty() {
            return Err(malformed("an empty PEM block"));
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|_| malformed("a PEM block is not base64"))?;
        out.push(der);
        rest = body.get(end + END.len()..).unwrap_or("");
    }
    Ok(out)
}

/// The DER of the one certificate `bytes` holds (PEM with exactly one
/// `CERTIFICATE` block, or DER). A bundle is `x509.cert.malformed`: the
/// caller meant one certificate and would otherwise get the first one
/// without knowing.
#[cfg_attr(not(any(feature = "xml", feature = "webeid")), allow(dead_code))] // one signer or responder: XML-DSig and Web eID
pub(crate) fn decode_certificate(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut all = decode_certificates(bytes)?;
    if all.len() != 1 {
        return Err(Error::with_detail(
            ErrorCode::X509CertMalformed,
            format!(
                "a PEM bundle of {} certificates where one certificate is expected",
                all.len()
            ),
        ));
    }
    all.pop()
        .ok_or_else(|| malformed("no certificate in the PEM text"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn block(der: &[u8]) -> String {
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        format!("{BEGIN}\n{b64}\n{END}\n")
    }

    #[test]
    fn a_bundle_yields_every_certificate_in_order() {
        let text = format!(
            "first\n{}between\n{}{}after",
            block(b"one"),
            block(b"two"),
            block(b"three")
        );
        let all = decode_certificates(text.as_bytes()).unwrap();
        assert_eq!(
            all,
            vec![b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]
        );
        // Where one is meant, a bundle is refused.
        let err = decode_certificate(text.as_bytes()).unwrap_err();
        assert_eq!(err.code(), "x509.cert.malformed");
        assert_eq!(
            decode_certificate(block(b"one").as_bytes()).unwrap(),
            b"one"
        );
    }

    #[test]
    fn der_passes_through_and_bad_blocks_are_refused() {
        let der = [0x30u8, 0x03, 0x02, 0x01, 0x05];
        assert_eq!(decode_certificates(&der).unwrap(), vec![der.to_vec()]);
        assert_eq!(decode_certificate(&der).unwrap(), der.to_vec());
        for bad in [
            format!("{BEGIN}\nAAAA\n"),
            format!("{BEGIN}\n!!!!\n{END}\n"),
            format!("{BEGIN}\n{END}\n"),
            format!("{}{BEGIN}\nAAAA", block(b"ok")),
        ] {
            let err = decode_certificates(bad.as_bytes()).unwrap_err();
            assert_eq!(err.code(), "x509.cert.malformed", "{bad:?}");
        }
    }

    #[test]
    fn a_bundle_is_bounded() {
        let one = block(b"x");
        let at_limit = one.repeat(MAX_PEM_CERTIFICATES);
        assert_eq!(
            decode_certificates(at_limit.as_bytes()).unwrap().len(),
            MAX_PEM_CERTIFICATES
        );
        let over = one.repeat(MAX_PEM_CERTIFICATES + 1);
        let err = decode_certificates(over.as_bytes()).unwrap_err();
        assert_eq!(err.code(), "x509.cert.malformed");
    }
}
