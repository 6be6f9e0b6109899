//! PEM (RFC 7468) certificates, and DER passed through unchanged.

use crate::error::{Error, ErrorCode, Result};
use base64::Engine as _;

/// The DER of the first `CERTIFICATE` block of `bytes`, or `bytes` itself
/// when it is not PEM (DER files are common for anchors). Text outside the
/// block (explanations, as RFC 7468 §5.2 allows) is ignored.
pub(crate) fn decode_certificate(bytes: &[u8]) -> Result<Vec<u8>> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(bytes.to_vec());
    };
    let Some(start) = text.find("-----BEGIN CERTIFICATE-----") else {
        return Ok(bytes.to_vec());
    };
    let body = text
        .get(start + "-----BEGIN CERTIFICATE-----".len()..)
        .unwrap_or("");
    let end = body.find("-----END CERTIFICATE-----").ok_or_else(|| {
        Error::new(
            ErrorCode::X509CertMalformed,
            "a PEM block without its END line",
        )
    })?;
    let b64: String = body
        .get(..end)
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| Error::new(ErrorCode::X509CertMalformed, "a PEM block is not base64"))
}
