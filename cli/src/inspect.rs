//! `idbridge inspect jwt FILE`: the header and claims of a compact JWS, or
//! the protected header of a compact JWE, decoded and printed as they are —
//! **nothing is verified**: no signature, no key, no time, no audience. The
//! output says so on its first line and in its `verified: false` member.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use idbridge::{Error, ErrorCode, Limits};

/// The first line `inspect jwt` prints, before the JSON.
pub const BANNER: &str =
    "UNVERIFIED: decoded only; no signature, key, issuer, audience or time was checked";

/// Decodes one base64url segment (no padding, RFC 7515 §2) of part `what`.
fn segment(text: &str, what: &str, code: ErrorCode) -> Result<Vec<u8>, Error> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| Error::with_detail(code, format!("the {what} is not unpadded base64url")))
}

/// A segment holding a JSON object (the header or the claims), within the
/// library's JSON depth limit.
fn json_object(
    text: &str,
    what: &str,
    code: ErrorCode,
    limits: &Limits,
) -> Result<serde_json::Value, Error> {
    let bytes = segment(text, what, code)?;
    depth_ok(&bytes, limits.max_json_depth()).map_err(|()| {
        Error::with_detail(
            ErrorCode::InputJson,
            format!(
                "the {what} nests deeper than {} levels",
                limits.max_json_depth()
            ),
        )
    })?;
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(v @ serde_json::Value::Object(_)) => Ok(v),
        Ok(_) => Err(Error::with_detail(
            code,
            format!("the {what} is not a JSON object"),
        )),
        Err(e) => Err(Error::with_detail(
            code,
            format!("the {what} is not JSON: {e}"),
        )),
    }
}

/// Refuses JSON nested deeper than `max` before serde_json's own recursion
/// sees it (strings skipped, escapes honoured).
fn depth_ok(bytes: &[u8], max: usize) -> Result<(), ()> {
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    for &b in bytes {
        if in_str {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Err(());
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// The JSON that `inspect jwt` prints for `input` (a compact JWS or JWE,
/// surrounding whitespace ignored).
pub fn inspect(input: &[u8], limits: &Limits) -> Result<serde_json::Value, Error> {
    if input.len() > limits.max_jws_bytes() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!("{} bytes > {}", input.len(), limits.max_jws_bytes()),
        ));
    }
    let text = std::str::from_utf8(input)
        .map_err(|_| Error::with_detail(ErrorCode::JwsMalformed, "not ASCII text"))?
        .trim();
    let parts: Vec<&str> = text.split('.').collect();
    match parts.as_slice() {
        [h, p, s] => {
            let code = ErrorCode::JwsMalformed;
            let header = json_object(h, "header", code, limits)?;
            let claims = json_object(p, "payload", code, limits)?;
            let sig = segment(s, "signature", code)?;
            Ok(serde_json::json!({
                "verified": false,
                "type": "JWS",
                "header": header,
                "claims": claims,
                "signature_bytes": sig.len(),
            }))
        }
        [h, k, iv, ct, tag] => {
            let code = ErrorCode::JweMalformed;
            let header = json_object(h, "protected header", code, limits)?;
            let key = segment(k, "encrypted key", code)?;
            let iv = segment(iv, "initialization vector", code)?;
            let ct = segment(ct, "ciphertext", code)?;
            let tag = segment(tag, "authentication tag", code)?;
            Ok(serde_json::json!({
                "verified": false,
                "type": "JWE",
                "header": header,
                "encrypted_key_bytes": key.len(),
                "iv_bytes": iv.len(),
                "ciphertext_bytes": ct.len(),
                "tag_bytes": tag.len(),
                "note": "encrypted: the claims need the recipient's private key (idbridge verify id-token)",
            }))
        }
        _ => Err(Error::with_detail(
            ErrorCode::JwsMalformed,
            format!(
                "{} dot-separated segments: a compact JWS has 3, a compact JWE 5",
                parts.len()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn jws_header_and_claims() {
        let t = format!(
            "{}.{}.{}",
            b64(r#"{"alg":"RS256","kid":"k"}"#),
            b64(r#"{"sub":"x"}"#),
            b64("sig")
        );
        let v = inspect(t.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(v["verified"], false);
        assert_eq!(v["type"], "JWS");
        assert_eq!(v["header"]["kid"], "k");
        assert_eq!(v["claims"]["sub"], "x");
        assert_eq!(v["signature_bytes"], 3);
    }

    #[test]
    fn jwe_header_only() {
        let t = format!(
            "{}.{}.{}.{}.{}",
            b64(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#),
            b64("k"),
            b64("iv"),
            b64("ct"),
            b64("tag")
        );
        let v = inspect(t.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(v["type"], "JWE");
        assert_eq!(v["header"]["enc"], "A256GCM");
        assert!(v.get("claims").is_none());
    }

    #[test]
    fn refusals_have_codes() {
        let l = Limits::default();
        let code = |s: &str| inspect(s.as_bytes(), &l).unwrap_err().kind();
        assert_eq!(code("a.b"), ErrorCode::JwsMalformed);
        assert_eq!(
            code(&format!("{}.{}.", b64("[1]"), b64("{}"))),
            ErrorCode::JwsMalformed
        );
        assert_eq!(
            code(&format!("{}=.{}.", b64("{}"), b64("{}"))),
            ErrorCode::JwsMalformed
        );
        assert_eq!(
            code(&format!("{}.a.b.c.d", b64("nope"))),
            ErrorCode::JweMalformed
        );
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(
            code(&format!("{}.{}.", b64("{}"), b64(&deep))),
            ErrorCode::InputJson
        );
        let big = "a".repeat(l.max_jws_bytes() + 1);
        assert_eq!(code(&big), ErrorCode::InputTooLarge);
    }
}
