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
        // Line breaks (and any other ASCII whitespace) are dropped a run
        // of base64 at a time; a single-line field is decoded in place.
        let engine = &base64::engine::general_purpose::STANDARD;
        let decoded = if input.iter().any(u8::is_ascii_whitespace) {
            let mut compact = Vec::with_capacity(input.len());
            for run in input.split(u8::is_ascii_whitespace) {
                compact.extend_from_slice(run);
            }
            engine.decode(compact)
        } else {
            engine.decode(input)
        };
        decoded.map_err(|_| Error::new(ErrorCode::InputEncoding, "the input is not base64"))?
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;

    fn code(r: Result<String>) -> Option<ErrorCode> {
        r.err().map(|e| e.kind())
    }

    #[test]
    fn base64_on_one_line_or_broken_into_lines() {
        let limits = Limits::default();
        let xml = "<samlp:Response ID=\"_1\"/>";
        let one = base64::engine::general_purpose::STANDARD.encode(xml);
        assert_eq!(
            decode(one.as_bytes(), true, &limits).ok().as_deref(),
            Some(xml)
        );
        // Line breaks as posted by browsers (CRLF), 76 columns as MIME
        // wraps, and stray spaces and tabs: all dropped, nothing else.
        let (a, b) = one.split_at(9);
        for broken in [
            format!("{a}\r\n{b}\r\n"),
            format!("\n{a}\n{b}"),
            format!(" {a}\t {b} "),
        ] {
            assert_eq!(
                decode(broken.as_bytes(), true, &limits).ok().as_deref(),
                Some(xml)
            );
        }
        assert_eq!(
            code(decode(format!("{a}*{b}").as_bytes(), true, &limits)),
            Some(ErrorCode::InputEncoding)
        );
        // Only whitespace is the empty document (the parser refuses it).
        assert_eq!(decode(b"\r\n \t", true, &limits).ok().as_deref(), Some(""));
        // Raw XML keeps its whitespace.
        assert_eq!(
            decode(b" <a/>\n", false, &limits).ok().as_deref(),
            Some(" <a/>\n")
        );
    }

    #[test]
    fn size_before_and_after_decoding_and_utf8() {
        let limits = Limits::default().tighten_max_input_bytes(12);
        let b64 = base64::engine::general_purpose::STANDARD;
        assert!(decode(b64.encode("<a>0123</a>").as_bytes(), true, &limits).is_ok());
        // 13 decoded bytes: within the encoded bound, over the limit.
        assert_eq!(
            code(decode(
                b64.encode("<a>012345</a>").as_bytes(),
                true,
                &limits
            )),
            Some(ErrorCode::InputTooLarge)
        );
        assert_eq!(
            code(decode(&[b'A'; 64], true, &limits)),
            Some(ErrorCode::InputTooLarge)
        );
        assert_eq!(
            code(decode(b"<a>0123456789</a>", false, &limits)),
            Some(ErrorCode::InputTooLarge)
        );
        assert_eq!(
            code(decode(
                b64.encode([0x3c, 0xff, 0x3e]).as_bytes(),
                true,
                &limits
            )),
            Some(ErrorCode::InputEncoding)
        );
    }
}
