//! Challenge nonces (Web eID system architecture, "Authentication":
//! the server issues a fresh random nonce, the card signs over it).

use crate::error::{Error, ErrorCode, Result};
use base64::Engine as _;

/// The fewest random bytes a nonce may carry (256 bits).
pub const MIN_NONCE_BYTES: usize = 32;

/// How long a nonce may be used after it is issued, in seconds (5 minutes,
/// the reference validator's default).
pub const NONCE_LIFETIME_SECS: i64 = 300;

/// A challenge nonce, made from random bytes the caller supplies.
///
/// The library reads no clock and keeps no state, so the *caller's store*
/// must enforce the two rules that make a nonce a nonce:
///
/// 1. **Single use**: remember each nonce when it is issued and delete it
///    atomically when a token is verified against it (successfully or not);
///    a nonce that is not in the store is refused.
/// 2. **Short life**: refuse a nonce older than [`NONCE_LIFETIME_SECS`].
///
/// With several servers behind a load balancer the store must be shared
/// (see the `idbridge-store` crate when it lands).
///
/// ```
/// use idbridge::webeid::Nonce;
/// let random = [7u8; 32]; // use a CSPRNG, e.g. getrandom, in real code
/// let nonce = Nonce::from_random_bytes(&random)?;
/// assert_eq!(nonce.as_str().len(), 44);
/// assert_eq!(Nonce::from_random_bytes(&[0u8; 16]).unwrap_err().code(), "config.invalid");
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Nonce(String);

impl Nonce {
    /// Base64 (standard, padded) of `random`, which must be at least
    /// [`MIN_NONCE_BYTES`] long and come from a cryptographic RNG.
    pub fn from_random_bytes(random: &[u8]) -> Result<Nonce> {
        if random.len() < MIN_NONCE_BYTES {
            return Err(Error::new(
                ErrorCode::ConfigInvalid,
                "a nonce needs at least 32 random bytes",
            ));
        }
        Ok(Nonce(
            base64::engine::general_purpose::STANDARD.encode(random),
        ))
    }

    /// The nonce as sent to the browser and passed to the verifier.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
