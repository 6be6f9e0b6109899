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

/// The first line `inspect sd-jwt` prints, before the JSON.
pub const SD_JWT_BANNER: &str =
    "UNVERIFIED: decoded only; no signature, key, digest binding, key binding, status or time was checked";

/// Every digest a JSON value holds where RFC 9901 §4.2.4 puts them (`_sd`
/// arrays, `...` members), recursively.
fn digests_in(value: &serde_json::Value, out: &mut std::collections::HashSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("_sd", serde_json::Value::Array(list)) => {
                        out.extend(list.iter().filter_map(|d| d.as_str().map(str::to_string)));
                    }
                    ("...", serde_json::Value::String(d)) => {
                        out.insert(d.clone());
                    }
                    _ => digests_in(v, out),
                }
            }
        }
        serde_json::Value::Array(list) => list.iter().for_each(|v| digests_in(v, out)),
        _ => {}
    }
}

/// The JSON that `inspect sd-jwt` prints for `input` (an SD-JWT,
/// `<issuer JWT>~<disclosure>~…~<KB-JWT or nothing>`, surrounding whitespace
/// ignored): the issuer JWT's header and signed claims, each disclosure
/// with its digest under `_sd_alg`, its decoded content and whether a
/// digest in the signed payload or another disclosure names it, and the
/// KB-JWT's header and claims. Nothing is verified.
pub fn inspect_sd_jwt(input: &[u8], limits: &Limits) -> Result<serde_json::Value, Error> {
    use idbridge::crypto::HashAlg;
    if input.len() > limits.max_presentation_bytes() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!(
                "{} bytes > {}",
                input.len(),
                limits.max_presentation_bytes()
            ),
        ));
    }
    let format = |why: &str| Error::with_detail(ErrorCode::SdjwtFormatInvalid, why.to_string());
    let text = std::str::from_utf8(input)
        .ok()
        .filter(|t| t.is_ascii())
        .ok_or_else(|| format("not ASCII text"))?
        .trim();
    let last = text
        .rfind('~')
        .ok_or_else(|| format("no ~: an SD-JWT ends with ~ or a KB-JWT"))?;
    let (body, kb) = (
        text.get(..last).unwrap_or_default(),
        text.get(last + 1..).unwrap_or_default(),
    );
    let mut parts = body.split('~');
    let issuer_jwt = parts.next().unwrap_or_default();
    let disclosures: Vec<&str> = parts.collect();
    if disclosures.len() > limits.max_disclosures() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!("more than {} disclosures", limits.max_disclosures()),
        ));
    }
    let issuer = inspect(issuer_jwt.as_bytes(), limits)?;
    let claims = issuer.get("claims").cloned().unwrap_or_default();
    let (alg_name, hash) = match claims.get("_sd_alg") {
        None => ("sha-256 (default)", Some(HashAlg::Sha256)),
        Some(serde_json::Value::String(s)) if s == "sha-256" => ("sha-256", Some(HashAlg::Sha256)),
        Some(serde_json::Value::String(s)) if s == "sha-384" => ("sha-384", Some(HashAlg::Sha384)),
        Some(serde_json::Value::String(s)) if s == "sha-512" => ("sha-512", Some(HashAlg::Sha512)),
        Some(_) => ("unsupported", None),
    };
    let mut referenced = std::collections::HashSet::new();
    digests_in(&claims, &mut referenced);
    let decoded: Vec<Option<serde_json::Value>> = disclosures
        .iter()
        .map(|d| {
            let bytes = URL_SAFE_NO_PAD.decode(d).ok()?;
            depth_ok(&bytes, limits.max_json_depth()).ok()?;
            serde_json::from_slice::<serde_json::Value>(&bytes).ok()
        })
        .collect();
    for v in decoded.iter().flatten() {
        digests_in(v, &mut referenced);
    }
    let listed: Vec<serde_json::Value> = disclosures
        .iter()
        .zip(&decoded)
        .map(|(text, value)| {
            let digest = hash.map(|h| URL_SAFE_NO_PAD.encode(h.digest(text.as_bytes())));
            let mut entry = serde_json::Map::new();
            entry.insert("digest".into(), serde_json::json!(digest));
            entry.insert(
                "referenced".into(),
                serde_json::Value::Bool(digest.as_ref().is_some_and(|d| referenced.contains(d))),
            );
            match value.as_ref().and_then(|v| v.as_array()).map(Vec::as_slice) {
                Some([salt, name, value]) => {
                    entry.insert("salt".into(), salt.clone());
                    entry.insert("name".into(), name.clone());
                    entry.insert("value".into(), value.clone());
                }
                Some([salt, value]) => {
                    entry.insert("salt".into(), salt.clone());
                    entry.insert("array_element".into(), value.clone());
                }
                _ => {
                    entry.insert("malformed".into(), serde_json::Value::Bool(true));
                }
            }
            serde_json::Value::Object(entry)
        })
        .collect();
    let kb_jwt = if kb.is_empty() {
        serde_json::Value::Null
    } else {
        inspect(kb.as_bytes(), limits)?
    };
    Ok(serde_json::json!({
        "verified": false,
        "type": "SD-JWT",
        "issuer_jwt": issuer,
        "sd_alg": alg_name,
        "disclosures": listed,
        "kb_jwt": kb_jwt,
    }))
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
    fn sd_jwt_digests_and_disclosures() {
        let given = b64(r#"["s1","given_name","Mario"]"#);
        let stray = b64(r#"["s2","family_name","Rossi"]"#);
        let digest = |d: &str| {
            URL_SAFE_NO_PAD.encode(idbridge::crypto::HashAlg::Sha256.digest(d.as_bytes()))
        };
        let claims = format!(
            r#"{{"iss":"https://i.example","_sd":["{}"]}}"#,
            digest(&given)
        );
        let jwt = format!(
            "{}.{}.{}",
            b64(r#"{"alg":"ES256"}"#),
            b64(&claims),
            b64("sig")
        );
        let t = format!("{jwt}~{given}~{stray}~bad~");
        let v = inspect_sd_jwt(t.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(v["verified"], false);
        assert_eq!(v["issuer_jwt"]["claims"]["iss"], "https://i.example");
        assert_eq!(v["disclosures"][0]["name"], "given_name");
        assert_eq!(v["disclosures"][0]["referenced"], true);
        assert_eq!(v["disclosures"][1]["referenced"], false);
        assert_eq!(v["disclosures"][2]["malformed"], true);
        assert!(v["kb_jwt"].is_null());
        let l = Limits::default();
        let code = |s: &str| inspect_sd_jwt(s.as_bytes(), &l).unwrap_err().kind();
        assert_eq!(code("no-tilde"), ErrorCode::SdjwtFormatInvalid);
        assert_eq!(code("a.b~"), ErrorCode::JwsMalformed);
        assert_eq!(code(&format!("{jwt}~x.y")), ErrorCode::JwsMalformed);
        assert_eq!(
            code(&format!("{jwt}{}~", "~d".repeat(l.max_disclosures() + 1))),
            ErrorCode::InputTooLarge
        );
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
