//! The `signature` kind: one signature check (see `test-vectors/README.md`).
//!
//! trust: `public_key` (an SPKI file, DER or PEM). context: `algorithm`
//! (an [`Algorithm`] id), `signature` (lowercase hex), `allowed` (optional
//! list of ids; default all), `now` (optional, unused). input: the message.

use super::kinds::Job;
use super::Outcome;
use base64::Engine as _;
use idbridge::crypto::{self, Algorithm, AllowList, Backend};
use serde_json::Value;

pub(crate) fn run(job: &Job<'_>, backend: &'static dyn Backend) -> Result<Outcome, String> {
    let key_path = job
        .trust
        .get("public_key")
        .and_then(Value::as_str)
        .ok_or("trust.public_key must be a file name")?;
    let spki = pem_or_der(&job.read_relative(key_path)?)?;
    let alg_id = job
        .context
        .get("algorithm")
        .and_then(Value::as_str)
        .ok_or("context.algorithm must be a string")?;
    let signature = job
        .context
        .get("signature")
        .and_then(Value::as_str)
        .ok_or("context.signature must be a string")
        .and_then(|h| from_hex(h).ok_or("context.signature must be lowercase hex"))?;
    // The kind's algorithms are the 24 of `AllowList::default()` (the
    // contract lists them; `ed25519` is forbidden here).
    let allowed = match job.context.get("allowed") {
        None => AllowList::default(),
        Some(Value::Array(ids)) => {
            let mut list = AllowList::none();
            for id in ids {
                let id = id.as_str().ok_or("context.allowed must list strings")?;
                // An id idbridge does not support can never be allowed.
                if let Ok(alg) = Algorithm::from_id(id) {
                    if AllowList::default().contains(alg) {
                        list = list.with(alg);
                    }
                }
            }
            list
        }
        Some(_) => return Err("context.allowed must be a list".into()),
    };
    let algorithm = match Algorithm::from_id(alg_id) {
        Ok(a) => a,
        Err(e) => return Ok(Err(e)),
    };
    Ok(
        crypto::verify_signature(backend, allowed, algorithm, &spki, job.input, &signature)
            .map(|()| None),
    )
}

/// Lowercase hex to bytes.
fn from_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    s.as_bytes()
        .chunks(2)
        .map(|p| match p {
            [hi, lo] => Some(digit(*hi)? << 4 | digit(*lo)?),
            _ => None,
        })
        .collect()
}

/// A PEM `PUBLIC KEY` block decoded to DER, or DER as is.
pub(crate) fn pem_or_der(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) if t.trim_start().starts_with("-----BEGIN ") => t,
        _ => return Ok(bytes.to_vec()),
    };
    let body: String = text
        .lines()
        .map(str::trim)
        .skip_while(|l| !l.starts_with("-----BEGIN "))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END "))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|_| "the PEM block is not valid base64".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex() {
        assert_eq!(from_hex("00ff10"), Some(vec![0, 255, 16]));
        assert_eq!(from_hex(""), Some(vec![]));
        assert_eq!(from_hex("0"), None);
        assert_eq!(from_hex("FF"), None);
        assert_eq!(from_hex("zz"), None);
    }

    #[test]
    fn pem() {
        let pem = b"-----BEGIN PUBLIC KEY-----\nAAEC\n-----END PUBLIC KEY-----\n";
        assert_eq!(pem_or_der(pem).unwrap(), vec![0, 1, 2]);
        assert_eq!(pem_or_der(&[0x30, 0]).unwrap(), vec![0x30, 0]);
    }
}
