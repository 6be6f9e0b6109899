//! S1–S9: the token as bytes, JSON, fields and format, and the
//! authentication certificate it carries, decoded but not yet trusted.
//!
//! Web eID system architecture, "Web eID authentication token
//! specification": "`unverifiedCertificate`: the base64-encoded DER-encoded
//! authentication certificate of the eID user. ... The certificate cannot
//! be trusted as it is received from client side and the client can submit
//! a malicious certificate" and "`format`: the type identifier and version
//! of the token format separated by a colon character '`:`' ... major
//! version changes are incompatible with previous versions, minor version
//! changes are backwards-compatible within the given major version."
//! The reference validator (`AuthTokenValidatorImpl.parse`) refuses tokens
//! under 100 or over 10,000 characters before parsing them.

use crate::error::{Error, ErrorCode, Result};
use crate::webeid::token::{self, SigningCertificate, UnverifiedToken, Version};
use crate::x509::cert::Certificate;
use crate::Limits;
use base64::Engine as _;

/// A token whose shape is right: its version, its decoded (untrusted)
/// certificates, and the fields later steps read.
#[derive(Debug)]
pub(in crate::webeid) struct ParsedToken {
    pub version: Version,
    pub leaf: Certificate,
    pub intermediates: Vec<Vec<u8>>,
    pub algorithm: Option<String>,
    pub signature: Option<String>,
    pub signing: Option<Vec<SigningCertificate>>,
}

/// S1–S9, in order.
pub(in crate::webeid) fn parse(token: &[u8], limits: &Limits) -> Result<ParsedToken> {
    // S1: size, before any parsing.
    if token.len() > limits.max_token_bytes() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!(
                "the token has {} bytes; at most {} are accepted",
                token.len(),
                limits.max_token_bytes()
            ),
        ));
    }
    if token.len() < limits.min_token_bytes() {
        return Err(Error::new(
            ErrorCode::WebeidTokenMalformed,
            "the token is shorter than 100 bytes",
        ));
    }
    // S2-S4: UTF-8, JSON, field types.
    let json = crate::json::parse(token, limits.max_json_depth())?;
    let t = UnverifiedToken::from_json(&json)?;
    // S5: format.
    let version = token::version(t.format.as_deref())?;
    // S6 (1.1): intermediates offered by the token.
    let mut intermediates = Vec::new();
    if version == Version::V1_1 {
        if let Some(list) = &t.intermediates {
            intermediates = decode_intermediates(list, limits)?;
        }
    }
    // S7-S9: the authentication certificate.
    let cert_b64 = match t.unverified_certificate.as_deref() {
        Some(s) if !s.is_empty() => s,
        _ => {
            return Err(Error::new(
                ErrorCode::WebeidTokenMalformed,
                "unverifiedCertificate is missing or empty",
            ))
        }
    };
    let leaf = decode_certificate(cert_b64)?;
    Ok(ParsedToken {
        version,
        leaf,
        intermediates,
        algorithm: t.algorithm,
        signature: t.signature,
        signing: t.signing_certificates,
    })
}

/// java.util.Base64's basic decoder: standard alphabet, padding optional.
pub(in crate::webeid) fn decode_b64(s: &str) -> Option<Vec<u8>> {
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    engine.decode(s).ok()
}

/// A base64 DER certificate (`x509.cert.malformed`).
pub(in crate::webeid) fn decode_certificate(b64: &str) -> Result<Certificate> {
    let der = decode_b64(b64).ok_or(Error::new(
        ErrorCode::X509CertMalformed,
        "the certificate is not base64",
    ))?;
    Certificate::from_der(&der)
}

/// A list of base64 intermediate certificates: not empty, no empty entry,
/// at most `max_chain_len - 2`, each a certificate.
pub(in crate::webeid) fn decode_intermediates(
    list: &[String],
    limits: &Limits,
) -> Result<Vec<Vec<u8>>> {
    if list.is_empty() || list.iter().any(String::is_empty) {
        return Err(Error::new(
            ErrorCode::WebeidTokenMalformed,
            "unverifiedIntermediateCertificates is empty or has an empty entry",
        ));
    }
    // A chain of at most `max_chain_len` certificates, end entity and
    // anchor included, has room for that many less two intermediates. Path
    // building tries every ordering of same-named candidates (up to
    // webpki's 200,000 calls: about 40 ms with 8 of them, 2 ms with 6), so
    // more cannot help and only multiply that work.
    let max = limits.max_chain_len().saturating_sub(2);
    if list.len() > max {
        return Err(Error::with_detail(
            ErrorCode::WebeidTokenMalformed,
            format!(
                "{} intermediate certificates; at most {max} are accepted",
                list.len()
            ),
        ));
    }
    list.iter()
        .map(|b64| decode_certificate(b64).map(|c| c.der))
        .collect()
}
