//! Trust marks (OpenID Federation 1.0 §7): only the subject's entity
//! configuration's `trust_marks` count (§3.1.2). Each entry (`trust_mark_type`,
//! or `id` as the SPID/CIE profile spells it, and `trust_mark`) is checked
//! in the order of `VECTORS.md`:
//!
//! 1. JOSE rule 1 (`jws.malformed`); at most
//!    `Limits::max_entity_statement_bytes` (`input.too_large`);
//! 2. `typ` `trust-mark+jwt` (`oidcfed.typ.invalid`);
//! 3. JOSE rule 2 (`jws.algorithm.forbidden`);
//! 4. the issuer is the trust anchor, or is listed for the entry's type in
//!    the anchor's `trust_mark_issuers` (also read as `trust_marks_issuers`;
//!    an empty list admits any issuer), and its keys are configured
//!    (`oidcfed.trust_mark_issuer.untrusted`, §7.3);
//! 5. its signature by the JOSE rules, `kid` required;
//! 6. the JWT's `trust_mark_type` (or `id`) is the entry's
//!    (`oidcfed.trust_mark_type.mismatch`);
//! 7. `sub` is the subject (`oidcfed.trust_mark_subject.mismatch`);
//! 8. `iat` present and not after now (`oidcfed.trust_mark.not_yet_valid`);
//! 9. `exp`, if any, after now (`oidcfed.trust_mark.expired`);
//! 10. delegation: when the anchor's `trust_mark_owners` names an owner for
//!     the type and the issuer is not that owner, the mark's `delegation`
//!     is a JWT of `typ` `trust-mark-delegation+jwt` signed by a key the
//!     anchor lists for the owner (JOSE rules, `kid` required), with `iss`
//!     the owner, `sub` the mark's issuer, the same type, `iat` not after
//!     now and `exp`, if any, after now
//!     (`oidcfed.trust_mark.delegation_invalid`).
//!
//! More entries than `Limits::max_signature_checks` is `input.too_large`
//! (each may cost a signature check). An invalid mark is dropped; a required type without a valid mark fails
//! with its first entry's error, or `oidcfed.trust_mark.missing` when no
//! entry has that type.

use serde_json::{Map, Value};

use super::statement::Statement;
use super::trust::{ChainOptions, FederationTrust, TrustAnchor};
use crate::crypto::Backend;
use crate::error::{Error, ErrorCode, Result};
use crate::jose::{self, typ, JwkSet, JwsOptions};
use crate::time::UnixTime;

/// A trust mark that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedTrustMark {
    trust_mark_type: String,
    issuer: String,
    issued_at: UnixTime,
    expires_at: Option<UnixTime>,
}

impl VerifiedTrustMark {
    /// The trust mark type (`trust_mark_type`, or the profile's `id`).
    pub fn trust_mark_type(&self) -> &str {
        &self.trust_mark_type
    }

    /// The issuer's entity identifier.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `iat`.
    pub fn issued_at(&self) -> UnixTime {
        self.issued_at
    }

    /// `exp`, if the mark has one.
    pub fn expires_at(&self) -> Option<UnixTime> {
        self.expires_at
    }
}

fn type_of(m: &Map<String, Value>) -> Option<&str> {
    m.get("trust_mark_type")
        .or_else(|| m.get("id"))
        .and_then(Value::as_str)
}

fn untrusted(detail: String) -> Error {
    Error::with_detail(ErrorCode::OidcfedTrustMarkIssuerUntrusted, detail)
}

/// Checks one entry of type `entry_type`.
#[allow(clippy::too_many_arguments)]
fn check_one(
    backend: &dyn Backend,
    trust: &FederationTrust,
    anchor: &TrustAnchor,
    ta_ec: Option<&Statement>,
    subject: &str,
    entry_type: &str,
    token: &str,
    options: &ChainOptions,
    now: UnixTime,
) -> Result<VerifiedTrustMark> {
    let limits = options.limits();
    let skew = i64::from(options.skew().as_secs());
    crate::time::check_skew(skew)?;
    if token.len() > limits.max_entity_statement_bytes() {
        return Err(Error::new(
            ErrorCode::InputTooLarge,
            "a trust mark is too large",
        ));
    }
    // Split, decoded and parsed once; the same parts are verified below.
    let decoded = jose::decode_claims(token, limits)?;
    let header = &decoded.header;
    if !header
        .typ()
        .is_some_and(|t| typ::typ_matches(t, typ::TRUST_MARK))
    {
        return Err(Error::new(
            ErrorCode::OidcfedTypInvalid,
            "the trust mark's typ is not trust-mark+jwt",
        ));
    }
    jose::allowed_algorithm(header.alg(), options.allowed())?;
    let claims = &decoded.claims;
    let issuer = claims
        .get("iss")
        .and_then(Value::as_str)
        .ok_or_else(|| untrusted("the trust mark has no iss".into()))?;
    let keys: &JwkSet = if issuer == anchor.entity_id() {
        anchor.jwks()
    } else {
        let listed = ta_ec
            .and_then(|ec| {
                ec.claims
                    .get("trust_mark_issuers")
                    .or_else(|| ec.claims.get("trust_marks_issuers"))
            })
            .and_then(|v| v.get(entry_type))
            .and_then(Value::as_array)
            .is_some_and(|list| list.is_empty() || list.iter().any(|i| i.as_str() == Some(issuer)));
        if !listed {
            return Err(untrusted(format!(
                "{issuer} is not a trust-mark issuer the trust anchor lists for {entry_type}"
            )));
        }
        trust
            .trust_mark_issuer(issuer)
            .ok_or_else(|| untrusted(format!("no keys are configured for {issuer}")))?
    };
    let jws = JwsOptions::new()
        .allow(options.allowed())
        .require_kid()
        .with_limits(*limits);
    jose::verify_decoded(
        backend,
        keys,
        header,
        decoded.signing_input,
        &decoded.signature,
        &jws,
        None,
    )?;
    // From here on the claims are those of the verified payload (the
    // parse of exactly the bytes the signature covers).
    if type_of(claims) != Some(entry_type) {
        return Err(Error::new(
            ErrorCode::OidcfedTrustMarkTypeMismatch,
            "the trust mark's type is not its entry's",
        ));
    }
    if claims.get("sub").and_then(Value::as_str) != Some(subject) {
        return Err(Error::new(
            ErrorCode::OidcfedTrustMarkSubjectMismatch,
            "the trust mark is about another entity",
        ));
    }
    let iat = claims
        .get("iat")
        .and_then(Value::as_i64)
        .filter(|iat| *iat <= now.as_secs().saturating_add(skew))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::OidcfedTrustMarkNotYetValid,
                "the trust mark's iat is missing or after now",
            )
        })?;
    let exp = match claims.get("exp") {
        None => None,
        Some(v) => Some(
            v.as_i64()
                .filter(|exp| now.as_secs() < exp.saturating_add(skew))
                .ok_or_else(|| {
                    Error::new(
                        ErrorCode::OidcfedTrustMarkExpired,
                        "the trust mark has expired (or its exp is not an integer)",
                    )
                })?,
        ),
    };
    check_delegation(backend, ta_ec, entry_type, issuer, claims, options, now)?;
    Ok(VerifiedTrustMark {
        trust_mark_type: entry_type.to_string(),
        issuer: issuer.to_string(),
        issued_at: UnixTime::from_unix_seconds(iat),
        expires_at: exp.map(UnixTime::from_unix_seconds),
    })
}

fn delegation_invalid(detail: &'static str) -> Error {
    Error::new(ErrorCode::OidcfedTrustMarkDelegationInvalid, detail)
}

/// Step 10: the owner's delegation to the issuer, when the type has an owner.
fn check_delegation(
    backend: &dyn Backend,
    ta_ec: Option<&Statement>,
    entry_type: &str,
    issuer: &str,
    claims: &Map<String, Value>,
    options: &ChainOptions,
    now: UnixTime,
) -> Result<()> {
    let Some(owner) = ta_ec
        .and_then(|ec| ec.claims.get("trust_mark_owners"))
        .and_then(|o| o.get(entry_type))
    else {
        return Ok(());
    };
    let owner_id = owner
        .get("sub")
        .and_then(Value::as_str)
        .ok_or_else(|| delegation_invalid("the trust mark owner entry has no sub"))?;
    if owner_id == issuer {
        return Ok(());
    }
    let limits = options.limits();
    let skew = i64::from(options.skew().as_secs());
    let keys = owner
        .get("jwks")
        .ok_or_else(|| delegation_invalid("the trust mark owner entry has no jwks"))?;
    let keys = JwkSet::from_json_with_limits(keys.to_string().as_bytes(), limits)?;
    let token = claims
        .get("delegation")
        .and_then(Value::as_str)
        .ok_or_else(|| delegation_invalid("the trust mark has no delegation from its owner"))?;
    if token.len() > limits.max_entity_statement_bytes() {
        return Err(Error::new(
            ErrorCode::InputTooLarge,
            "a delegation is too large",
        ));
    }
    let decoded = jose::decode_claims(token, limits)?;
    if !decoded
        .header
        .typ()
        .is_some_and(|t| typ::typ_matches(t, "trust-mark-delegation+jwt"))
    {
        return Err(delegation_invalid(
            "the delegation's typ is not trust-mark-delegation+jwt",
        ));
    }
    let jws = JwsOptions::new()
        .allow(options.allowed())
        .require_kid()
        .with_limits(*limits);
    jose::verify_decoded(
        backend,
        &keys,
        &decoded.header,
        decoded.signing_input,
        &decoded.signature,
        &jws,
        None,
    )?;
    let d = &decoded.claims;
    let secs = now.as_secs();
    let ok = d.get("iss").and_then(Value::as_str) == Some(owner_id)
        && d.get("sub").and_then(Value::as_str) == Some(issuer)
        && type_of(d) == Some(entry_type)
        && d.get("iat")
            .and_then(Value::as_i64)
            .is_some_and(|iat| iat <= secs.saturating_add(skew))
        && match d.get("exp") {
            None => true,
            Some(v) => v
                .as_i64()
                .is_some_and(|exp| secs < exp.saturating_add(skew)),
        };
    if !ok {
        return Err(delegation_invalid(
            "the delegation is not from the owner to this issuer for this type, or is outside its time",
        ));
    }
    Ok(())
}

/// Check 11: the subject's valid marks, or the error of a required type.
pub(crate) fn check(
    backend: &dyn Backend,
    trust: &FederationTrust,
    anchor: &TrustAnchor,
    ta_ec: Option<&Statement>,
    subject_ec: &Statement,
    options: &ChainOptions,
    now: UnixTime,
) -> Result<Vec<VerifiedTrustMark>> {
    let entries: &[Value] = match subject_ec.claims.get("trust_marks") {
        Some(Value::Array(items)) => items,
        _ => &[],
    };
    if entries.len() > options.limits().max_signature_checks() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!(
                "more than {} trust marks",
                options.limits().max_signature_checks()
            ),
        ));
    }
    let mut valid = Vec::new();
    // (type, first failure) for each typed entry that failed.
    let mut failures: Vec<(String, Error)> = Vec::new();
    for entry in entries {
        let Some(entry) = entry.as_object() else {
            continue;
        };
        let Some(entry_type) = type_of(entry) else {
            continue;
        };
        let outcome = match entry.get("trust_mark").and_then(Value::as_str) {
            Some(token) => check_one(
                backend,
                trust,
                anchor,
                ta_ec,
                &subject_ec.sub,
                entry_type,
                token,
                options,
                now,
            ),
            None => Err(Error::new(
                ErrorCode::JwsMalformed,
                "a trust_marks entry has no trust_mark string",
            )),
        };
        match outcome {
            Ok(mark) => valid.push(mark),
            Err(e) => failures.push((entry_type.to_string(), e)),
        }
    }
    for required in options.required_trust_marks() {
        if valid.iter().any(|m| &m.trust_mark_type == required) {
            continue;
        }
        if let Some((_, e)) = failures.iter().find(|(t, _)| t == required) {
            return Err(e.clone());
        }
        return Err(Error::with_detail(
            ErrorCode::OidcfedTrustMarkMissing,
            format!("the subject shows no trust mark of type {required}"),
        ));
    }
    Ok(valid)
}
