//! Raw input to XML text: size first, then the transport encoding, then UTF-8.

use crate::error::{Error, ErrorCode, Result};
use base64::Engine as _;

/// Bounds `input` by `limits.max_input_bytes()` (`input.too_large`), decodes
/// base64 when `base64` (the HTTP-POST binding; whitespace and line breaks
/// are allowed, other characters are `input.encoding`), and requires UTF-8
/// (`input.encoding`).
pub(crate) fn decode(input: &[u8], base64: bool, limits: &crate::Limits) -> Result<String> {
    let max = limits.max_input_bytes();
    // The encoded form is at most 4/3 of the decoded one, plus line breaks.
    let max_encoded = if base64 {
        max / 3 * 4 + max / 38 + 4
    } else {
        max
    };
    if input.len() > max_encoded {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!("the input has {} bytes; the limit is {max}", input.len()),
        ));
    }
    let bytes = if base64 {
        let compact: Vec<u8> = input
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map_err(|_| Error::new(ErrorCode::InputEncoding, "the input is not base64"))?
    } else {
        input.to_vec()
    };
    if bytes.len() > max {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!("the input has {} bytes; the limit is {max}", bytes.len()),
        ));
    }
    String::from_utf8(bytes)
        .map_err(|_| Error::new(ErrorCode::InputEncoding, "the input is not UTF-8"))
}
