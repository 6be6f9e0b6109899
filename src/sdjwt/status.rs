//! Token Status List (draft-ietf-oauth-status-list): the credential's
//! reference (`status.status_list`, §6.1) and the status list token
//! (`statuslist+jwt`, §5.1), whose `lst` is a zlib-compressed bit array
//! (§4.1) of 1, 2, 4 or 8 bits per entry, index 0 in the least significant
//! bits of the first byte.
//!
//! Inflation stops at `Limits::max_status_list_bytes`: a token of a few
//! hundred bytes that would inflate to a gigabyte costs at most that much.
//!
//! The token is trusted as the credential is (§8.3 step 3 leaves the
//! policy to the relying party): the status-list keys (by default the
//! issuer's JWK Set or its metadata's `jwks`), or, when the token carries
//! `x5c` and `x5c` anchors are configured, a chain to those anchors whose
//! leaf names the credential's `iss`. Under issuer-bound trust
//! ([`super::SdJwtTrust::for_issuer`], metadata, federation) a token `iss`
//! must be that issuer.

use super::SdJwtTrust;
use crate::crypto::Backend;
use crate::error::{Error, ErrorCode, Result};
use crate::jose::{self, b64, typ, JwkSet, JwsOptions};
use crate::limits::Limits;
use crate::time::UnixTime;
use serde_json::{Map, Value};

/// `typ` of a status list token (draft-ietf-oauth-status-list §5.1).
const STATUSLIST_JWT: &str = "statuslist+jwt";

/// A credential's entry in a status list: the list's `uri` and the
/// credential's `idx` in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusReference {
    uri: String,
    idx: u64,
}

impl StatusReference {
    /// The status list's URI (where the caller fetches the token).
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The credential's index in the list.
    pub fn idx(&self) -> u64 {
        self.idx
    }
}

/// The processed payload's `status.status_list`, if any: `idx` a
/// non-negative integer and `uri` a string, else `sdjwt.claims.invalid`.
pub(crate) fn reference(claims: &Map<String, Value>) -> Result<Option<StatusReference>> {
    let Some(list) = claims.get("status").and_then(|s| s.get("status_list")) else {
        return Ok(None);
    };
    let invalid = || {
        Error::new(
            ErrorCode::SdjwtClaimsInvalid,
            "status.status_list is not {idx: non-negative integer, uri: string}",
        )
    };
    let idx = list
        .get("idx")
        .and_then(Value::as_u64)
        .ok_or_else(invalid)?;
    let uri = list
        .get("uri")
        .and_then(Value::as_str)
        .ok_or_else(invalid)?;
    Ok(Some(StatusReference {
        uri: uri.to_string(),
        idx,
    }))
}

fn invalid(reason: &'static str) -> Error {
    Error::new(ErrorCode::StatusListInvalid, reason)
}

/// Where the status list token comes from and who it must be about.
pub(crate) struct ListContext<'a> {
    /// The credential's trust (keys, `x5c` anchors, bound issuer).
    pub trust: &'a SdJwtTrust,
    /// The credential's `iss`, which an `x5c` leaf must name (read only
    /// where `x5c` chains can be checked).
    #[cfg_attr(not(feature = "x509-path"), allow(dead_code))]
    pub credential_iss: Option<&'a str>,
    /// When the caller retrieved the token (its cache's time), if known.
    pub fetched_at: Option<UnixTime>,
}

/// The keys the token is checked with: its `x5c` chain when anchors are
/// configured, else the status-list keys.
fn token_keys(
    backend: &dyn Backend,
    header: &jose::JwsHeader,
    ctx: &ListContext<'_>,
    limits: &Limits,
    now: UnixTime,
) -> Result<Option<JwkSet>> {
    #[cfg(feature = "x509-path")]
    if !ctx.trust.x5c_anchors.is_empty() {
        if let Some(chain) = super::x5c::chain(header, limits)? {
            return super::x5c::issuer_keys(
                backend,
                &chain,
                &ctx.trust.x5c_anchors,
                ctx.credential_iss,
                header.kid(),
                now,
            )
            .map(Some);
        }
    }
    #[cfg(not(feature = "x509-path"))]
    let _ = (backend, header, ctx, limits, now);
    Ok(None)
}

/// Checks the credential's entry against the list token `token` (check 7
/// after the list was found).
pub(crate) fn check(
    backend: &dyn Backend,
    ctx: &ListContext<'_>,
    token: &[u8],
    reference: &StatusReference,
    options: &JwsOptions,
    skew: u32,
    now: UnixTime,
) -> Result<()> {
    let limits = options.limits();
    let token = std::str::from_utf8(token)
        .map_err(|_| invalid("the status list token is not ASCII text"))?;
    // Any JOSE failure is the list's: status.list.invalid (a limit stays
    // input.too_large).
    let relabel = |e: Error| {
        if e.kind() == ErrorCode::InputTooLarge {
            e
        } else {
            Error::with_detail(
                ErrorCode::StatusListInvalid,
                format!("the status list token: {e}"),
            )
        }
    };
    let decoded = jose::decode_claims(token, limits).map_err(relabel)?;
    jose::allowed_algorithm(decoded.header.alg(), options.allowed()).map_err(relabel)?;
    if !decoded
        .header
        .typ()
        .is_some_and(|t| typ::typ_matches(t, STATUSLIST_JWT))
    {
        return Err(invalid("the status list token's typ is not statuslist+jwt"));
    }
    let from_x5c = token_keys(backend, &decoded.header, ctx, limits, now).map_err(relabel)?;
    jose::verify_decoded(
        backend,
        from_x5c.as_ref().unwrap_or(ctx.trust.status_list_keys()),
        &decoded.header,
        decoded.signing_input,
        &decoded.signature,
        options,
        None,
    )
    .map_err(relabel)?;
    let claims = &decoded.claims;
    if claims.get("sub").and_then(Value::as_str) != Some(reference.uri.as_str()) {
        return Err(invalid(
            "the status list token's sub is not the credential's uri",
        ));
    }
    if let (Some(bound), Some(iss)) = (ctx.trust.issuer(), claims.get("iss")) {
        if iss.as_str() != Some(bound) {
            return Err(invalid(
                "the status list token's iss is not the issuer the trust is bound to",
            ));
        }
    }
    let list = claims
        .get("status_list")
        .ok_or_else(|| invalid("the status list token has no status_list"))?;
    let bits = match list.get("bits").and_then(Value::as_u64) {
        Some(b @ (1 | 2 | 4 | 8)) => b,
        _ => return Err(invalid("status_list.bits is not 1, 2, 4 or 8")),
    };
    let lst = list
        .get("lst")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("status_list.lst is not a string"))?;
    let compressed = b64::decode(lst).ok_or_else(|| invalid("status_list.lst is not base64url"))?;
    let bytes = inflate(&compressed, limits)?;
    let exp = match claims.get("exp") {
        None => None,
        Some(v) => Some(
            v.as_i64()
                .ok_or_else(|| invalid("the status list token's exp is not an integer"))?,
        ),
    };
    if let Some(exp) = exp {
        if now.as_secs() >= exp.saturating_add(i64::from(skew)) {
            return Err(Error::new(
                ErrorCode::StatusListExpired,
                "the status list token has expired",
            ));
        }
    }
    // ttl (§5.1): how long a fetched copy may be used; measured from when
    // the relying party resolved it (§8.3), so only when the caller says.
    let ttl = match claims.get("ttl") {
        None => None,
        Some(v) => Some(
            v.as_u64()
                .filter(|t| *t > 0)
                .and_then(|t| i64::try_from(t).ok())
                .ok_or_else(|| invalid("the status list token's ttl is not a positive integer"))?,
        ),
    };
    if let (Some(ttl), Some(fetched)) = (ttl, ctx.fetched_at) {
        if fetched.as_secs().saturating_add(ttl) < now.as_secs().saturating_sub(i64::from(skew)) {
            return Err(Error::new(
                ErrorCode::StatusListStale,
                "the status list token was fetched longer ago than its ttl",
            ));
        }
    }
    match entry(&bytes, bits, reference.idx) {
        None => Err(Error::new(
            ErrorCode::StatusIndexOutOfRange,
            "the credential's idx is beyond the status list",
        )),
        Some(0) => Ok(()),
        Some(1) => Err(Error::new(
            ErrorCode::StatusCredentialRevoked,
            "the status list says INVALID (revoked)",
        )),
        Some(2) => Err(Error::new(
            ErrorCode::StatusCredentialSuspended,
            "the status list says SUSPENDED",
        )),
        Some(_) => Err(Error::new(
            ErrorCode::StatusValueUnknown,
            "the status list holds a value other than VALID, INVALID or SUSPENDED",
        )),
    }
}

/// zlib (RFC 1950) inflation with the output capped at
/// `max_status_list_bytes` (`input.too_large` beyond it, before more work).
pub(crate) fn inflate(compressed: &[u8], limits: &Limits) -> Result<Vec<u8>> {
    use miniz_oxide::inflate::{decompress_to_vec_zlib_with_limit, TINFLStatus};
    let cap = limits.max_status_list_bytes();
    decompress_to_vec_zlib_with_limit(compressed, cap).map_err(|e| match e.status {
        TINFLStatus::HasMoreOutput => Error::with_detail(
            ErrorCode::InputTooLarge,
            format!("the status list inflates to more than {cap} bytes"),
        ),
        _ => invalid("status_list.lst is not zlib-compressed data"),
    })
}

/// The `bits`-bit entry at `idx`, or `None` beyond the list.
fn entry(bytes: &[u8], bits: u64, idx: u64) -> Option<u8> {
    let per_byte = 8 / bits;
    let byte = usize::try_from(idx / per_byte).ok()?;
    let shift = (idx % per_byte) * bits;
    let mask = (1u16 << bits) - 1;
    let value = (u16::from(*bytes.get(byte)?) >> shift) & mask;
    u8::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn entries_by_the_drafts_bit_order() {
        // The draft's 1-bit example: bytes b9 a3, index 0 = 1, index 1 = 0.
        let list = [0xb9, 0xa3];
        let one: Vec<u8> = (0..16).map(|i| entry(&list, 1, i).unwrap()).collect();
        assert_eq!(one, [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]);
        assert_eq!(entry(&list, 1, 16), None);
        // 2 bits: [0, 1, 2, 3] in one byte is 0b11_10_01_00.
        let two = [0b1110_0100];
        let values: Vec<u8> = (0..4).map(|i| entry(&two, 2, i).unwrap()).collect();
        assert_eq!(values, [0, 1, 2, 3]);
        assert_eq!(entry(&two, 2, 4), None);
        assert_eq!(entry(&[0xab], 8, 0), Some(0xab));
        assert_eq!(entry(&[0xab], 4, 1), Some(0xa));
        assert_eq!(entry(&[0xab], 1, u64::MAX), None);
    }

    #[test]
    fn inflation_stops_at_the_cap() {
        // zlib of 64 KiB of zeros.
        let zeros = miniz_oxide::deflate::compress_to_vec_zlib(&[0u8; 65536], 9);
        let limits = Limits::default().tighten_max_status_list_bytes(1024);
        assert_eq!(
            inflate(&zeros, &limits).unwrap_err().code(),
            "input.too_large"
        );
        assert_eq!(inflate(&zeros, &Limits::default()).unwrap().len(), 65536);
        assert_eq!(
            inflate(b"not zlib", &Limits::default()).unwrap_err().code(),
            "status.list.invalid"
        );
    }
}
