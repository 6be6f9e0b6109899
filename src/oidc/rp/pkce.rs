//! PKCE (RFC 7636) with `S256` only, and the random values an RP sends.

use crate::error::{Error, ErrorCode, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::Digest as _;

/// The shortest and longest `code_verifier` RFC 7636 §4.1 allows.
pub const VERIFIER_LEN: core::ops::RangeInclusive<usize> = 43..=128;

/// The shortest `state` and `nonce` the SPID/CIE OIDC guidelines allow
/// (at least 32 characters, random).
pub const MIN_STATE_NONCE_LEN: usize = 32;

fn config(reason: &'static str) -> Error {
    Error::new(ErrorCode::ConfigInvalid, reason)
}

/// A PKCE pair (RFC 7636): the `code_verifier` the RP keeps and sends to
/// the token endpoint, and the `code_challenge` =
/// BASE64URL(SHA-256(ASCII(code_verifier))) it puts in the authorization
/// request. Only `S256` exists here: the SPID/CIE guidelines forbid
/// `plain`.
///
/// ```
/// use idbridge::oidc::rp::Pkce;
/// // RFC 7636 Appendix B.
/// let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")?;
/// assert_eq!(pkce.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
/// assert_eq!(pkce.method(), "S256");
/// // Too short for RFC 7636 §4.1:
/// assert_eq!(Pkce::from_verifier("short").unwrap_err().code(), "config.invalid");
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Pkce {
    verifier: String,
    challenge: String,
}

impl core::fmt::Debug for Pkce {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The verifier is a secret until the token request.
        f.debug_struct("Pkce")
            .field("challenge", &self.challenge)
            .finish_non_exhaustive()
    }
}

impl Pkce {
    /// A fresh pair: 64 random bytes, an 86-character verifier (native).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn generate() -> Result<Pkce> {
        Pkce::from_verifier(&random_token(64)?)
    }

    /// The pair for a verifier the caller holds: 43 to 128 characters of
    /// `A-Z a-z 0-9 - . _ ~` (RFC 7636 §4.1), else `config.invalid`.
    pub fn from_verifier(verifier: &str) -> Result<Pkce> {
        if !VERIFIER_LEN.contains(&verifier.len()) {
            return Err(config("a PKCE code_verifier has 43 to 128 characters"));
        }
        if !verifier.bytes().all(is_unreserved) {
            return Err(config(
                "a PKCE code_verifier holds only A-Z a-z 0-9 - . _ ~",
            ));
        }
        Ok(Pkce {
            verifier: verifier.to_string(),
            challenge: URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes())),
        })
    }

    /// `code_verifier`: kept by the RP, sent only to the token endpoint.
    pub fn verifier(&self) -> &str {
        &self.verifier
    }

    /// `code_challenge`, for the authorization request.
    pub fn challenge(&self) -> &str {
        &self.challenge
    }

    /// `code_challenge_method`: always `S256`.
    pub fn method(&self) -> &'static str {
        "S256"
    }
}

/// RFC 3986 §2.3 unreserved characters.
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// `bytes` random bytes from the operating system, base64url without
/// padding (32 bytes give 43 characters): for `state`, `nonce`, `jti`.
/// Native only.
///
/// ```
/// let state = idbridge::oidc::rp::random_token(32)?;
/// assert_eq!(state.len(), 43);
/// assert_ne!(state, idbridge::oidc::rp::random_token(32)?);
/// # Ok::<(), idbridge::Error>(())
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub fn random_token(bytes: usize) -> Result<String> {
    use rand_core::RngCore as _;
    if bytes == 0 || bytes > 1024 {
        return Err(config("a random token has 1 to 1024 bytes"));
    }
    let mut buf = vec![0u8; bytes];
    rand_core::OsRng
        .try_fill_bytes(&mut buf)
        .map_err(|_| config("the operating system's random generator failed"))?;
    Ok(URL_SAFE_NO_PAD.encode(&buf))
}

/// `config.invalid` unless `value` (a `state` or `nonce`) has at least
/// [`MIN_STATE_NONCE_LEN`] characters, all printable ASCII but space.
/// (Only the request object uses it, which wasm32 builds leave out.)
#[cfg(any(test, not(target_arch = "wasm32")))]
pub(crate) fn check_state_nonce(value: &str, what: &'static str) -> Result<()> {
    if value.len() < MIN_STATE_NONCE_LEN || value.len() > 512 {
        return Err(Error::with_detail(
            ErrorCode::ConfigInvalid,
            format!("the {what} has 32 to 512 characters"),
        ));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::with_detail(
            ErrorCode::ConfigInvalid,
            format!("the {what} holds printable ASCII only"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b() {
        let p = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        assert_eq!(p.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn lengths_and_alphabet() {
        assert!(Pkce::from_verifier(&"a".repeat(42)).is_err());
        assert!(Pkce::from_verifier(&"a".repeat(43)).is_ok());
        assert!(Pkce::from_verifier(&"a".repeat(128)).is_ok());
        assert!(Pkce::from_verifier(&"a".repeat(129)).is_err());
        assert!(Pkce::from_verifier(&format!("{}+", "a".repeat(43))).is_err());
        assert!(Pkce::from_verifier(&format!("{}=", "a".repeat(43))).is_err());
        assert!(Pkce::from_verifier(&format!("{}~._-", "a".repeat(43))).is_ok());
        #[cfg(not(target_arch = "wasm32"))]
        {
            let g = Pkce::generate().unwrap();
            assert_eq!(g.verifier().len(), 86);
            assert!(!format!("{g:?}").contains(g.verifier()));
        }
    }

    #[test]
    fn state_and_nonce_lengths() {
        assert!(check_state_nonce(&"x".repeat(31), "state").is_err());
        assert!(check_state_nonce(&"x".repeat(32), "state").is_ok());
        assert!(check_state_nonce(&format!("{} ", "x".repeat(32)), "state").is_err());
        assert!(check_state_nonce("", "nonce").is_err());
    }
}
