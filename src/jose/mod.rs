//! JOSE (feature `jose`): compact JWS verification and signing, compact JWE
//! decryption (and encryption natively), public and private JWKs and JWK
//! Sets, RFC 7638 thumbprints and `typ` checks, for the schemes that carry
//! JSON Web Tokens (OpenID Federation, OpenID Connect, SD-JWT VC).
//!
//! - [`verify_compact`] checks a compact JWS against trusted keys in the
//!   order `VECTORS.md` fixes for every kind (its steps and codes are in
//!   the function's module, `jws`); the result is a [`VerifiedJws`], which
//!   only this crate constructs.
//! - [`JwkSet`] and [`Jwk`] hold public signature keys, checked by the same
//!   policy as any key idbridge uses ([`crate::crypto::PublicKey`]).
//! - [`typ::typ_matches`] compares a `typ` header by RFC 7515 §4.1.9's
//!   media-type rules.
//! - [`sign_compact`] (native) signs with a caller-held
//!   [`crate::crypto::Signer`].
//! - [`decrypt_compact`] decrypts a compact JWE (RSA-OAEP, RSA-OAEP-256,
//!   ECDH-ES and ECDH-ES+A*KW × A*CBC-HS* and A*GCM) with a
//!   [`DecryptionKey`], without a padding or key-unwrap oracle (the steps
//!   and codes are in its module, `jwe`); [`decrypt_compact_with_keys`]
//!   picks among several (key rotation); [`encrypt_compact`] (native) is
//!   the sender's side.
//! - [`PrivateJwk`] reads a relying party's own private JWK: to decrypt
//!   ([`DecryptionKey`]) and, natively, to sign ([`PrivateJwk::signer`]).
//!
//! The signature arithmetic is [`crate::crypto`]'s: every backend
//! (AWS-LC, ring, RustCrypto) gives the same answer. No key is ever taken
//! from a token's header; `none` and HMACs are never accepted; `EdDSA` only
//! when the caller's allow-list adds [`crate::crypto::Algorithm::Ed25519`].
//!
//! ```
//! use idbridge::crypto;
//! use idbridge::jose::{self, JwkSet, JwsOptions};
//! // RFC 7515 Appendix A.3: an ES256 JWS and its key.
//! let keys = JwkSet::from_json(br#"{"keys":[{"kty":"EC","crv":"P-256",
//!   "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
//!   "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#)?;
//! let token = "eyJhbGciOiJFUzI1NiJ9\
//!   .eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ\
//!   .DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
//! let verified = jose::verify_compact(crypto::default_backend(), &keys, token, &JwsOptions::new())?;
//! assert_eq!(verified.alg(), "ES256");
//! // The same token where the contract requires a kid:
//! let err = jose::verify_compact(crypto::default_backend(), &keys, token,
//!     &JwsOptions::new().require_kid()).unwrap_err();
//! assert_eq!(err.code(), "jws.kid.missing");
//! # Ok::<(), idbridge::Error>(())
//! ```

pub(crate) mod b64;
mod header;
mod jwe;
mod jwk;
mod jws;
mod private;
pub mod typ;

#[cfg(not(target_arch = "wasm32"))]
pub use jwe::encrypt_compact;
pub use jwe::{
    decrypt_compact, decrypt_compact_with_keys, DecryptedJwe, JweAlg, JweEnc, JweHeader, JweOptions,
};
pub use jwk::{Jwk, JwkSet, KeyUse};
#[cfg(not(target_arch = "wasm32"))]
pub use jws::sign_compact;
#[allow(unused_imports)]
pub(crate) use jws::{allowed_algorithm, decode_claims, decode_unverified, verify_decoded};
pub use jws::{verify_compact, JwsHeader, JwsOptions, KidRule, VerifiedJws};
pub use private::{DecryptionKey, PrivateJwk};
