//! The caller's side, before the token is looked at: a verification against
//! an unusable expectation must not be attempted at all (`config.invalid`).
//!
//! Web eID system architecture, "Web eID authentication token
//! specification": "`origin` URL must be in the form of `<scheme> "://"
//! <hostname> [ ":" <port> ]` as defined in MDN Web Docs, where `scheme`
//! must be `https`. Note that the `origin` URL must not end with a slash
//! `/`." (The reference validator refuses any other origin when it is
//! configured: `AuthTokenValidationConfiguration`.) An empty challenge nonce
//! is refused (`ChallengeNullOrEmptyException`), and the validator needs at
//! least one trusted CA (README §5: "The mandatory parameters are the
//! website origin ... and trusted certificate authorities").

use crate::error::{Error, ErrorCode, Result};
use crate::webeid::Anchors;

fn config(reason: &'static str) -> Error {
    Error::new(ErrorCode::ConfigInvalid, reason)
}

/// The origin, the nonce and the anchors are usable.
pub(in crate::webeid) fn check(origin: &str, nonce: &str, anchors: &Anchors) -> Result<()> {
    check_origin(origin)?;
    if nonce.is_empty() || nonce.len() > 1024 {
        return Err(config("the nonce must be 1 to 1024 characters"));
    }
    if anchors.is_empty() {
        return Err(config("no Web eID trust anchor is configured"));
    }
    Ok(())
}

/// The origin is `https://` + host (+ port), with no path, query, fragment
/// or user information.
fn check_origin(origin: &str) -> Result<()> {
    let bad = || config("the origin must be https://host[:port]");
    let authority = origin.strip_prefix("https://").ok_or_else(bad)?;
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => (h, Some(p)),
        _ => (authority, None),
    };
    let host_ok = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        !v6.is_empty()
            && v6
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    } else {
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    if host_ok && port_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        for ok in [
            "https://ria.ee",
            "https://rp.example.org:8443",
            "https://47f0-46-131-86-189.ngrok-free.app",
            "https://[::1]:443",
        ] {
            assert!(check_origin(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://ria.ee",
            "https://",
            "https://ria.ee/",
            "https://ria.ee/path",
            "https://user@ria.ee",
            "https://ria.ee?x",
            "https://ria.ee#f",
            "https://ria.ee:",
            "https://ria.ee:123456",
            "https://ria ee",
            "ria.ee",
        ] {
            assert_eq!(
                check_origin(bad).unwrap_err().code(),
                "config.invalid",
                "{bad}"
            );
        }
    }
}
