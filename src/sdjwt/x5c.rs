//! The issuer's key from the issuer-signed JWT's `x5c` header (SD-JWT VC
//! §3.5): a chain of base64 DER certificates, leaf first, validated to a
//! configured anchor by `x509::path` (the codes are `x509.*`), whose leaf
//! names the credential's `iss` in its subjectAltName: a URI equal to
//! `iss`, or, for an `https` `iss`, a dNSName equal to its host.

use crate::crypto::{Backend, PublicKey};
use crate::error::{Error, ErrorCode, Result};
use crate::jose::{Jwk, JwkSet, JwsHeader};
use crate::json;
use crate::limits::Limits;
use crate::time::UnixTime;
use crate::x509::cert::Certificate;
use crate::x509::path::{self, Anchor, IntermediatePolicy, Usage};
use crate::x509::Quirks;
use base64::Engine as _;
use serde_json::Value;

/// At most this many certificates in `x5c` (leaf and intermediates).
const MAX_X5C: usize = 8;

fn invalid(reason: &'static str) -> Error {
    Error::new(ErrorCode::SdjwtX5cInvalid, reason)
}

/// Intermediates from `x5c` are admitted: the path validation checks each
/// one's signature, validity, CA bit and constraints up to an anchor; no
/// revocation data is consulted (none can be given here).
struct ChainIntermediates;

impl IntermediatePolicy for ChainIntermediates {
    fn admit(&self, _: &Certificate, _: &Certificate) -> Result<()> {
        Ok(())
    }
}

/// The anchors parsed from PEM (every certificate of a bundle) or DER.
pub(crate) fn anchors(cert: &[u8]) -> Result<Vec<Anchor>> {
    crate::x509::pem::decode_certificates(cert)?
        .iter()
        .map(|der| Anchor::from_der(der))
        .collect()
}

/// `x5c` of the header, if present, as DER certificates.
pub(crate) fn chain(header: &JwsHeader, limits: &Limits) -> Result<Option<Vec<Vec<u8>>>> {
    if !header.names().any(|n| n == "x5c") {
        return Ok(None);
    }
    let value = json::parse_value(header.raw(), limits.max_json_depth())
        .map_err(|_| invalid("the header is not strict JSON"))?;
    let Some(Value::Array(items)) = value.get("x5c") else {
        return Err(invalid("x5c is not an array"));
    };
    if items.is_empty() || items.len() > MAX_X5C {
        return Err(invalid("x5c holds no certificate or more than 8"));
    }
    items
        .iter()
        .map(|item| {
            let text = item
                .as_str()
                .ok_or_else(|| invalid("an x5c entry is not a string"))?;
            // RFC 7515 §4.1.6: base64 (not base64url) DER.
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| invalid("an x5c entry is not base64"))
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// The leaf's key as a one-key set (with the header's `kid`, so the JOSE
/// key lookup finds it), after the path to `anchors` and the `iss` ↔
/// subjectAltName binding.
pub(crate) fn issuer_keys(
    backend: &dyn Backend,
    chain: &[Vec<u8>],
    anchors: &[Anchor],
    iss: Option<&str>,
    kid: Option<&str>,
    now: UnixTime,
) -> Result<JwkSet> {
    let (leaf_der, intermediates) = chain
        .split_first()
        .ok_or_else(|| invalid("x5c holds no certificate"))?;
    let leaf = Certificate::from_der(leaf_der)?;
    leaf.check_validity(now)?;
    let end = path::verify_path(
        backend,
        &leaf,
        intermediates,
        anchors,
        now,
        Usage::Any,
        Quirks::default(),
        &ChainIntermediates,
    )?;
    end.anchor.cert.check_validity(now)?;
    let iss = iss.ok_or_else(|| {
        Error::new(
            ErrorCode::SdjwtIssuerMismatch,
            "the credential has no iss for its x5c certificate to name",
        )
    })?;
    let (dns, uris) = leaf.san_dns_and_uris()?;
    let host = iss
        .strip_prefix("https://")
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default())
        .filter(|h| !h.is_empty() && !h.contains([':', '@']));
    let named = uris.iter().any(|u| u == iss)
        || host.is_some_and(|h| dns.iter().any(|d| d.eq_ignore_ascii_case(h)));
    if !named {
        return Err(Error::new(
            ErrorCode::SdjwtIssuerMismatch,
            "the x5c leaf certificate does not name the credential's iss in its subjectAltName",
        ));
    }
    let key = PublicKey::from_spki_der(&leaf.spki_der)?;
    let jwk = Jwk::from_public_key(&key)?;
    let jwk = match kid {
        Some(kid) => jwk.with_kid(kid),
        None => jwk,
    };
    JwkSet::from_keys(vec![jwk])
}
