//! JWT VC Issuer Metadata (SD-JWT VC §5): the document an issuer serves at
//! `/.well-known/jwt-vc-issuer`, given as bytes (nothing is fetched).
//! Only the inline `jwks` form is accepted: a document with `jwks_uri`
//! alone needs a fetch the caller makes, then [`super::SdJwtTrust::for_issuer`].

use crate::error::{Error, ErrorCode, Result};
use crate::jose::JwkSet;
use crate::json;
use crate::limits::Limits;
use serde_json::Value;

fn invalid(reason: &'static str) -> Error {
    Error::new(ErrorCode::SdjwtMetadataInvalid, reason)
}

/// The metadata's `issuer` and its inline `jwks`.
pub(crate) fn parse(bytes: &[u8], limits: &Limits) -> Result<(String, JwkSet)> {
    if bytes.len() > limits.max_input_bytes() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!(
                "the issuer metadata is larger than {} bytes",
                limits.max_input_bytes()
            ),
        ));
    }
    let value = json::parse_value(bytes, limits.max_json_depth())
        .map_err(|_| invalid("the issuer metadata is not strict JSON"))?;
    let Value::Object(map) = value else {
        return Err(invalid("the issuer metadata is not a JSON object"));
    };
    let issuer = map
        .get("issuer")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("the issuer metadata has no string issuer"))?;
    let jwks =
        match map.get("jwks") {
            Some(jwks @ Value::Object(_)) => jwks,
            Some(_) => return Err(invalid("the issuer metadata's jwks is not an object")),
            None => return Err(invalid(
                "the issuer metadata has no inline jwks (jwks_uri needs a fetch the caller makes)",
            )),
        };
    let text = serde_json::to_vec(jwks).map_err(|_| invalid("the issuer metadata's jwks"))?;
    let keys = JwkSet::from_json_with_limits(&text, limits)?;
    Ok((issuer.to_string(), keys))
}
