//! The checks of the module documentation, in order.

use super::status::{self, StatusReference};
use super::{
    disclosure, identity, CredentialStatus, Expectations, KeyBinding, KeyBindingInfo, Profile,
    SdJwtTrust, StatusCheck, StatusLists, VerifiedPresentation,
};
use crate::crypto::{Backend, HashAlg};
use crate::error::{Error, ErrorCode, Result};
use crate::jose::{self, b64, typ, Jwk, JwkSet, JwsOptions};
use crate::limits::Limits;
use crate::time::UnixTime;
use serde_json::{Map, Value};

fn fail(code: ErrorCode, reason: &'static str) -> Error {
    Error::new(code, reason)
}

/// A presentation split at `~` (check 1).
struct Parts<'a> {
    issuer_jwt: &'a str,
    disclosures: Vec<&'a str>,
    kb_jwt: Option<&'a str>,
    /// The presentation up to and including its last `~`: what `sd_hash`
    /// covers (RFC 9901 §4.3.1).
    hashed: &'a str,
}

/// Checks 0 and 1.
fn split<'a>(presentation: &'a str, limits: &Limits) -> Result<Parts<'a>> {
    if presentation.len() > limits.max_presentation_bytes() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!(
                "the presentation is larger than {} bytes",
                limits.max_presentation_bytes()
            ),
        ));
    }
    let format = |reason| fail(ErrorCode::SdjwtFormatInvalid, reason);
    if !presentation.is_ascii() {
        return Err(format("the presentation is not ASCII"));
    }
    let tildes = presentation.bytes().filter(|&b| b == b'~').count();
    if tildes.saturating_sub(1) > limits.max_disclosures() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!(
                "the presentation has more than {} disclosures",
                limits.max_disclosures()
            ),
        ));
    }
    let last = presentation
        .rfind('~')
        .ok_or_else(|| format("the presentation has no ~ (an SD-JWT ends with ~ or a KB-JWT)"))?;
    let (hashed, kb) = presentation.split_at(last + 1);
    let kb_jwt = if kb.is_empty() {
        None
    } else if kb.split('.').count() == 3 {
        Some(kb)
    } else {
        return Err(format(
            "the part after the last ~ is neither empty nor a three-segment JWS",
        ));
    };
    let body = hashed.get(..last).unwrap_or_default();
    let mut parts = body.split('~');
    let issuer_jwt = parts.next().unwrap_or_default();
    let disclosures: Vec<&str> = parts.collect();
    if disclosures.iter().any(|d| d.is_empty()) {
        return Err(format("the presentation has an empty disclosure"));
    }
    Ok(Parts {
        issuer_jwt,
        disclosures,
        kb_jwt,
        hashed,
    })
}

/// `_sd_alg` (check 3): absent is SHA-256 (RFC 9901 §4.1.1).
fn hash_alg(claims: &Map<String, Value>) -> Result<HashAlg> {
    match claims.get("_sd_alg") {
        None => Ok(HashAlg::Sha256),
        Some(Value::String(s)) if s == "sha-256" => Ok(HashAlg::Sha256),
        Some(Value::String(s)) if s == "sha-384" => Ok(HashAlg::Sha384),
        Some(Value::String(s)) if s == "sha-512" => Ok(HashAlg::Sha512),
        Some(_) => Err(fail(
            ErrorCode::SdjwtHashAlgUnsupported,
            "_sd_alg is not sha-256, sha-384 or sha-512",
        )),
    }
}

/// A NumericDate (RFC 7519 §2) claim: absent, or a number (fractions
/// rounded down); any other value is `code`.
fn numeric_date(claims: &Map<String, Value>, name: &str, code: ErrorCode) -> Result<Option<i64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                return Ok(Some(i));
            }
            match n.as_f64() {
                // Within ±2^53 a float is an exact integer after floor.
                #[allow(clippy::cast_possible_truncation)]
                Some(f) if f.is_finite() && f.abs() < 9_007_199_254_740_992.0 => {
                    Ok(Some(f.floor() as i64))
                }
                _ => Err(Error::with_detail(code, format!("{name} is out of range"))),
            }
        }
        Some(_) => Err(Error::with_detail(code, format!("{name} is not a number"))),
    }
}

fn jws_options(expect: &Expectations<'_>) -> JwsOptions {
    JwsOptions::new()
        .allow(expect.allowed)
        .with_limits(expect.limits)
}

/// Checks 1 to 4 without any signature: the processed payload, not
/// trusted. Shared by [`status_reference`].
fn unverified_claims(presentation: &str, limits: &Limits) -> Result<(Map<String, Value>, HashAlg)> {
    let parts = split(presentation, limits)?;
    let decoded = jose::decode_claims(parts.issuer_jwt, limits)?;
    let hash = hash_alg(&decoded.claims)?;
    let claims = disclosure::process(decoded.claims, &parts.disclosures, hash, limits)?;
    Ok((claims, hash))
}

/// The status list a presentation needs, read **without verifying
/// anything**: for the caller to fetch the list's token before calling
/// [`verify_presentation`] (sans-IO, as an OCSP response is fetched for a
/// certificate). `None` when the credential has no `status.status_list`.
///
/// The answer only says what to fetch; nothing in it is trusted until
/// [`verify_presentation`] succeeds.
pub fn status_reference(presentation: &str, limits: &Limits) -> Result<Option<StatusReference>> {
    let (claims, _) = unverified_claims(presentation, limits)?;
    status::reference(&claims)
}

/// Verifies an SD-JWT (VC) presentation with the checks of the module
/// documentation, on `backend`.
pub fn verify_presentation(
    backend: &dyn Backend,
    presentation: &str,
    trust: &SdJwtTrust,
    status_lists: &StatusLists,
    expect: &Expectations<'_>,
    now: UnixTime,
) -> Result<VerifiedPresentation> {
    let limits = &expect.limits;
    let options = jws_options(expect);
    let skew = i64::from(expect.clock_skew_seconds);
    crate::time::check_skew(skew)?;
    let now_s = now.as_secs();
    // Checks 0 and 1.
    let parts = split(presentation, limits)?;
    // Check 2: JOSE rule 1, rule 2, typ, then rules 3 to 5.
    let issuer = jose::decode_claims(parts.issuer_jwt, limits)?;
    jose::allowed_algorithm(issuer.header.alg(), expect.allowed)?;
    if expect.profile == Profile::SdJwtVc {
        let typ_ok = issuer.header.typ().is_some_and(|t| {
            expect
                .accepted_typ
                .iter()
                .any(|accepted| typ::typ_matches(t, accepted))
        });
        if !typ_ok {
            return Err(fail(
                ErrorCode::SdjwtTypUnsupported,
                "the issuer-signed JWT's typ is not one the verifier accepts",
            ));
        }
    }
    #[cfg(feature = "x509-path")]
    let from_x5c = match super::x5c::chain(&issuer.header, limits)? {
        Some(chain) if !trust.x5c_anchors.is_empty() => Some(super::x5c::issuer_keys(
            backend,
            &chain,
            &trust.x5c_anchors,
            issuer.claims.get("iss").and_then(Value::as_str),
            issuer.header.kid(),
            now,
        )?),
        _ => None,
    };
    #[cfg(not(feature = "x509-path"))]
    let from_x5c: Option<JwkSet> = None;
    let accepted = jose::verify_decoded(
        backend,
        from_x5c.as_ref().unwrap_or(trust.issuer_keys()),
        &issuer.header,
        issuer.signing_input,
        &issuer.signature,
        &options,
        None,
    )?;
    if let Some(expected) = trust.issuer() {
        if issuer.claims.get("iss").and_then(Value::as_str) != Some(expected) {
            return Err(fail(
                ErrorCode::SdjwtIssuerMismatch,
                "the credential's iss is not the issuer the trust is bound to",
            ));
        }
    }
    let issuer_kid = accepted.key.kid().map(str::to_string);
    let issuer_alg = issuer.header.alg().to_string();
    // Check 3.
    let hash = hash_alg(&issuer.claims)?;
    // Check 4.
    let claims = disclosure::process(issuer.claims, &parts.disclosures, hash, limits)?;
    // Check 5.
    let invalid_time = ErrorCode::SdjwtClaimsInvalid;
    if let Some(exp) = numeric_date(&claims, "exp", invalid_time)? {
        if now_s >= exp.saturating_add(skew) {
            return Err(fail(
                ErrorCode::SdjwtTimeExpired,
                "the credential has expired",
            ));
        }
    }
    if let Some(nbf) = numeric_date(&claims, "nbf", invalid_time)? {
        if now_s < nbf.saturating_sub(skew) {
            return Err(fail(
                ErrorCode::SdjwtTimeNotYetValid,
                "the credential is not valid yet (nbf)",
            ));
        }
    }
    if let Some(iat) = numeric_date(&claims, "iat", invalid_time)? {
        if iat > now_s.saturating_add(skew) {
            return Err(fail(
                ErrorCode::SdjwtTimeInvalid,
                "the credential's iat is in the future",
            ));
        }
    }
    if expect.profile == Profile::SdJwtVc {
        let Some(vct) = claims.get("vct").and_then(Value::as_str) else {
            return Err(fail(
                ErrorCode::SdjwtVctMissing,
                "the credential has no string vct",
            ));
        };
        if let Some(accepted_vct) = expect.accepted_vct {
            if !accepted_vct.contains(&vct) {
                return Err(fail(
                    ErrorCode::SdjwtVctMismatch,
                    "the credential's vct is not one the verifier accepts",
                ));
            }
        }
    }
    // Check 6.
    let key_binding = match parts.kb_jwt {
        None if expect.key_binding == KeyBinding::Required => {
            return Err(fail(
                ErrorCode::KbMissing,
                "the presentation has no KB-JWT and the verifier requires key binding",
            ))
        }
        None => None,
        Some(kb) => Some(key_binding_check(
            backend,
            kb,
            &claims,
            parts.hashed,
            hash,
            expect,
            &options,
            now,
        )?),
    };
    // Check 7.
    let status = match status::reference(&claims)? {
        None => CredentialStatus::NoStatusList,
        Some(reference) if expect.status_check == StatusCheck::Off => {
            CredentialStatus::NotChecked(reference)
        }
        Some(reference) => {
            let token = status_lists.get(reference.uri()).ok_or_else(|| {
                fail(
                    ErrorCode::StatusListUnavailable,
                    "the credential's status list was not provided",
                )
            })?;
            let ctx = status::ListContext {
                trust,
                credential_iss: claims.get("iss").and_then(Value::as_str),
                fetched_at: status_lists.fetched_at(reference.uri()),
            };
            status::check(
                backend,
                &ctx,
                token,
                &reference,
                &options,
                expect.clock_skew_seconds,
                now,
            )?;
            CredentialStatus::Valid(reference)
        }
    };
    let identity = identity::map(&claims, key_binding.as_ref().map(KeyBindingInfo::iat));
    Ok(VerifiedPresentation {
        claims,
        hash_alg: hash,
        issuer_alg,
        issuer_kid,
        disclosures: parts.disclosures.len(),
        key_binding,
        status,
        identity,
    })
}

/// Check 6 on a KB-JWT that is there (RFC 9901 §7.3).
#[allow(clippy::too_many_arguments)]
fn key_binding_check(
    backend: &dyn Backend,
    kb: &str,
    claims: &Map<String, Value>,
    hashed: &str,
    hash: HashAlg,
    expect: &Expectations<'_>,
    options: &JwsOptions,
    now: UnixTime,
) -> Result<KeyBindingInfo> {
    let no_key = || {
        fail(
            ErrorCode::KbKeyMissing,
            "the credential has no usable cnf.jwk for the KB-JWT",
        )
    };
    let jwk = claims
        .get("cnf")
        .and_then(|c| c.get("jwk"))
        .filter(|j| j.is_object())
        .ok_or_else(no_key)?;
    let text = serde_json::to_vec(jwk).map_err(|_| no_key())?;
    let holder = Jwk::from_json(&text).map_err(|e| {
        Error::with_detail(
            ErrorCode::KbKeyMissing,
            format!("the credential's cnf.jwk is not a usable public key: {e}"),
        )
    })?;
    let holder_thumbprint = holder.thumbprint().to_string();
    let decoded = jose::decode_claims(kb, &expect.limits)?;
    jose::allowed_algorithm(decoded.header.alg(), expect.allowed)?;
    if !decoded
        .header
        .typ()
        .is_some_and(|t| typ::typ_matches(t, typ::KB_JWT))
    {
        return Err(fail(
            ErrorCode::KbTypInvalid,
            "the KB-JWT's typ is not kb+jwt",
        ));
    }
    // cnf.jwk is the only key, whatever kid the KB-JWT's header names.
    let holder = match decoded.header.kid() {
        Some(kid) => holder.with_kid(kid),
        None => holder,
    };
    let keys = JwkSet::from_keys(vec![holder])?;
    jose::verify_decoded(
        backend,
        &keys,
        &decoded.header,
        decoded.signing_input,
        &decoded.signature,
        options,
        None,
    )
    .map_err(|e| {
        if e.kind() == ErrorCode::JwsSignatureInvalid {
            fail(
                ErrorCode::KbSignatureInvalid,
                "the KB-JWT's signature does not verify under cnf.jwk",
            )
        } else {
            e
        }
    })?;
    let kb_claims = &decoded.claims;
    let skew = i64::from(expect.clock_skew_seconds);
    let iat = numeric_date(kb_claims, "iat", ErrorCode::KbTimeInvalid)?
        .ok_or_else(|| fail(ErrorCode::KbTimeInvalid, "the KB-JWT has no iat"))?;
    let oldest = now
        .as_secs()
        .saturating_sub(i64::from(expect.max_kb_age_seconds))
        .saturating_sub(skew);
    if iat < oldest || iat > now.as_secs().saturating_add(skew) {
        return Err(fail(
            ErrorCode::KbTimeInvalid,
            "the KB-JWT's iat is outside the accepted window",
        ));
    }
    let claim = |name: &str| kb_claims.get(name).and_then(Value::as_str);
    if expect.nonce.is_none() || claim("nonce") != expect.nonce {
        return Err(fail(
            ErrorCode::KbNonceMismatch,
            "the KB-JWT's nonce is not the request's",
        ));
    }
    if expect.audience.is_none() || claim("aud") != expect.audience {
        return Err(fail(
            ErrorCode::KbAudienceMismatch,
            "the KB-JWT's aud is not this verifier",
        ));
    }
    let sd_hash = b64::encode(&hash.digest(hashed.as_bytes()));
    if claim("sd_hash") != Some(sd_hash.as_str()) {
        return Err(fail(
            ErrorCode::KbSdHashMismatch,
            "the KB-JWT's sd_hash is not the hash of the presentation",
        ));
    }
    Ok(KeyBindingInfo {
        iat: UnixTime::from_unix_seconds(iat),
        holder_thumbprint,
        alg: decoded.header.alg().to_string(),
    })
}
