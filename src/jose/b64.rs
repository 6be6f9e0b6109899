//! Strict base64url (RFC 7515 §2, "Base64url Encoding"): the URL- and
//! filename-safe alphabet of RFC 4648 §5, "with all trailing '='
//! characters omitted ... and without the inclusion of any line breaks,
//! whitespace, or other additional characters".
//!
//! Strict means one text per byte string: padding, whitespace, characters
//! of the standard alphabet (`+`, `/`), a length of 1 mod 4 and non-zero
//! trailing bits are all refused, so a token cannot be re-encoded into a
//! second spelling that still verifies.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// The bytes `text` encodes, or `None` when it is not canonical base64url
/// without padding.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.as_bytes()).ok()
}

/// `bytes` as base64url without padding.
pub(crate) fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_canonical_spelling_decodes() {
        assert_eq!(decode("AQAB"), Some(vec![1, 0, 1]));
        assert_eq!(decode(""), Some(vec![]));
        assert_eq!(decode("_-8"), Some(vec![0xff, 0xef]));
        for bad in [
            "AQAB=", "AQ==", "AQ", "AR", "A", "AQ AB", "AQAB\n", "+/8", "AQ.B", "é", "AQAB=",
        ] {
            let ok = decode(bad).is_some();
            // "AQ" is the canonical spelling of [1]; "AR" has trailing bits set.
            assert_eq!(ok, bad == "AQ", "{bad:?}");
        }
    }

    #[test]
    fn round_trip() {
        for len in 0..70u8 {
            let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(decode(&encode(&bytes)), Some(bytes));
        }
    }
}
