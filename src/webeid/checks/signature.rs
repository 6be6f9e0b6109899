//! S16–S18: the token's signature over H(origin) ‖ H(nonce), by the
//! authentication certificate's key, with an accepted JWA algorithm.
//!
//! Web eID system architecture, "Web eID authentication token
//! specification": "The value that is signed by the user’s authentication
//! private key and included in the `signature` field is `hash(origin)+hash(challenge
//! nonce)`. ... The hash function `hash` is the same hash function that is
//! used in the signature algorithm, for example SHA256 in case of RS256."
//! web-eid-authtoken-validation-java README: "If the signature verification
//! succeeds, then the origin and challenge nonce have been implicitly and
//! correctly verified without the need to implement any additional security
//! checks." The algorithm names are RFC 7518's ([`crate::crypto::jwa`]),
//! exact and case-sensitive (`AuthTokenSignatureValidator`).

use super::token_format::{decode_b64, ParsedToken};
use crate::crypto::{jwa, AllowList, PublicKey, SignatureCheck};
use crate::error::{Error, ErrorCode, Result};
use crate::webeid::Expectations;

fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::WebeidTokenMalformed, reason)
}

/// The signature check to run (S16 fields, S17 algorithm, S18 key, message
/// and signature), for the backend to verify with every other one.
pub(in crate::webeid) fn check(t: &ParsedToken, exp: &Expectations<'_>) -> Result<SignatureCheck> {
    // S16: the fields are there.
    let alg_name = match t.algorithm.as_deref() {
        Some(s) if !s.is_empty() => s,
        _ => return Err(malformed("algorithm is missing or empty")),
    };
    let sig_b64 = match t.signature.as_deref() {
        Some(s) if !s.is_empty() => s,
        _ => return Err(malformed("signature is missing or empty")),
    };
    // S17: a JWA name the caller accepts.
    let algorithm = jwa::algorithm(alg_name)
        .filter(|a| exp.allowed.contains(*a))
        .ok_or(Error::new(
            ErrorCode::WebeidAlgorithmUnsupported,
            "the token's algorithm is not accepted",
        ))?;
    // S18: the signature over hash(origin) ‖ hash(nonce), with the hash of
    // the signature algorithm; the nonce is hashed as a string.
    let invalid = Error::new(
        ErrorCode::WebeidSignatureInvalid,
        "the token signature does not verify for this origin and nonce",
    );
    let signature = decode_b64(sig_b64).ok_or_else(|| invalid.clone())?;
    let key = PublicKey::from_spki_der(&t.leaf.spki_der).map_err(|_| invalid.clone())?;
    let hash = algorithm.hash();
    let mut message = hash.digest(exp.origin.as_bytes());
    message.extend_from_slice(&hash.digest(exp.nonce.as_bytes()));
    SignatureCheck::new(
        AllowList::all(),
        algorithm,
        &key,
        &message,
        &signature,
        invalid.clone(),
    )
    .map_err(|_| invalid)
}
