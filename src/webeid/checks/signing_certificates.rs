//! S19 (web-eid:1.1): the signing certificates the token offers belong to
//! the authenticated person and chain to a trusted CA.
//!
//! web-eid-authtoken-validation-java, branch NFC-128,
//! `AuthTokenVersion11Validator`: each entry of
//! `unverifiedSigningCertificates` has a `certificate` and a non-empty
//! `supportedSignatureAlgorithms` of known values; the signing certificate
//! has the authentication certificate's subject (X.500 names compared with
//! RFC 4519 rules) and issuer key (authority key identifier), is meant for
//! signing (nonRepudiation) and validates to a trusted CA at `now`
//! (docs/research/webeid-rules.md §3.3, checks V1–V7). Run after the token
//! signature, as the reference does.

use super::chain;
use super::token_format::{decode_certificate, decode_intermediates};
use crate::crypto::Backend;
use crate::error::{Error, ErrorCode, Result};
use crate::webeid::token::{SigningCertificate, SupportedAlgorithm};
use crate::webeid::Anchors;
use crate::x509::cert::Certificate;
use crate::x509::name::same_subject;
use crate::x509::path::{IntermediatePolicy, Usage};
use crate::x509::purpose::has_non_repudiation;
use crate::{Limits, UnixTime};

const CRYPTO_ALGORITHMS: &[&str] = &["ECC", "RSA"];
const HASH_FUNCTIONS: &[&str] = &[
    "SHA-224", "SHA-256", "SHA-384", "SHA-512", "SHA3-224", "SHA3-256", "SHA3-384", "SHA3-512",
];
const PADDING_SCHEMES: &[&str] = &["NONE", "PKCS1.5", "PSS"];

fn malformed(why: &'static str) -> Error {
    Error::new(ErrorCode::WebeidTokenMalformed, why)
}

fn invalid(why: &'static str) -> Error {
    Error::new(ErrorCode::WebeidSigningCertificateInvalid, why)
}

/// The token's signing certificates, against the authentication
/// certificate `leaf` (`intermediates`: the token's own; `policy`: which
/// intermediates a path may use).
#[allow(clippy::too_many_arguments)]
pub(in crate::webeid) fn check(
    backend: &dyn Backend,
    anchors: &Anchors,
    leaf: &Certificate,
    signing: Option<&[SigningCertificate]>,
    intermediates: &[Vec<u8>],
    limits: &Limits,
    policy: &dyn IntermediatePolicy,
    now: UnixTime,
) -> Result<()> {
    let entries = match signing {
        None if !intermediates.is_empty() => return Ok(()),
        Some(e) if !e.is_empty() => e,
        _ => {
            return Err(malformed(
                "unverifiedSigningCertificates is missing or empty",
            ))
        }
    };
    for entry in entries {
        check_entry(backend, anchors, leaf, entry, limits, policy, now)?;
    }
    Ok(())
}

fn check_entry(
    backend: &dyn Backend,
    anchors: &Anchors,
    leaf: &Certificate,
    entry: &SigningCertificate,
    limits: &Limits,
    policy: &dyn IntermediatePolicy,
    now: UnixTime,
) -> Result<()> {
    let cert_b64 = match entry.certificate.as_deref() {
        Some(s) if !s.is_empty() => s,
        _ => return Err(malformed("a signing certificate entry has no certificate")),
    };
    let algs = match &entry.supported_algorithms {
        Some(a) if !a.is_empty() => a,
        _ => {
            return Err(malformed(
                "supportedSignatureAlgorithms is missing or empty",
            ))
        }
    };
    if !algs.iter().all(known_algorithm) {
        return Err(malformed(
            "a supported signature algorithm is not recognised",
        ));
    }
    let own_intermediates = match &entry.intermediates {
        None => Vec::new(),
        Some(list) => decode_intermediates(list, limits)?,
    };
    let signing = decode_certificate(cert_b64)?;
    if !same_subject(&signing, leaf) {
        return Err(invalid(
            "the signing certificate's subject is not the authentication certificate's",
        ));
    }
    match (&signing.authority_key_id, &leaf.authority_key_id) {
        (Some(a), Some(b)) if !a.is_empty() && a == b => {}
        _ => {
            return Err(invalid(
                "the signing certificate is not from the authentication certificate's issuer",
            ))
        }
    }
    if !has_non_repudiation(&signing) {
        return Err(invalid("the signing certificate lacks nonRepudiation"));
    }
    chain::check(
        backend,
        &signing,
        &own_intermediates,
        anchors,
        now,
        Usage::Any,
        policy,
    )
    .map_err(|e| {
        Error::with_detail(
            ErrorCode::WebeidSigningCertificateInvalid,
            format!("the signing certificate does not validate: {}", e.reason()),
        )
    })?;
    Ok(())
}

fn known_algorithm(a: &SupportedAlgorithm) -> bool {
    a.crypto_algorithm
        .as_deref()
        .is_some_and(|v| CRYPTO_ALGORITHMS.contains(&v))
        && a.hash_function
            .as_deref()
            .is_some_and(|v| HASH_FUNCTIONS.contains(&v))
        && a.padding_scheme
            .as_deref()
            .is_some_and(|v| PADDING_SCHEMES.contains(&v))
}
