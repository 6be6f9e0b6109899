//! The Web eID authentication token: its JSON shape, read strictly.
//!
//! Web eID system architecture, "Authentication token format":
//! `unverifiedCertificate` (base64 DER), `algorithm` (a JWA name),
//! `signature` (base64), `format` (`web-eid:1.0`), `appVersion`; format
//! `web-eid:1.1` adds `unverifiedSigningCertificates` (each with
//! `certificate` and `supportedSignatureAlgorithms`) and
//! `unverifiedIntermediateCertificates`. Unknown fields are ignored, as the
//! reference validator ignores them; a known field of the wrong JSON type is
//! `webeid.token.malformed`.

use crate::error::{Error, ErrorCode, Result};
use crate::json::Json;

fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::WebeidTokenMalformed, reason)
}

/// The token format version, which decides the rules that apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// `web-eid:1`, `web-eid:1.0` and other `web-eid:1.N` than 1.1.
    V1_0,
    /// `web-eid:1.1`: signing certificates, optional intermediates.
    V1_1,
}

/// A field that must be a string when present.
fn string_field(token: &Json, name: &str) -> Result<Option<String>> {
    match token.get(name) {
        None => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::with_detail(
            ErrorCode::WebeidTokenMalformed,
            format!("{name} must be a string"),
        )),
    }
}

/// A field that must be an array of strings when present.
fn string_array_field(value: &Json, name: &str) -> Result<Option<Vec<String>>> {
    match value.get(name) {
        None => Ok(None),
        Some(Json::Array(items)) => items
            .iter()
            .map(|i| match i {
                Json::String(s) => Ok(s.clone()),
                _ => Err(Error::with_detail(
                    ErrorCode::WebeidTokenMalformed,
                    format!("{name} must list strings"),
                )),
            })
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(_) => Err(Error::with_detail(
            ErrorCode::WebeidTokenMalformed,
            format!("{name} must be an array"),
        )),
    }
}

/// One entry of `supportedSignatureAlgorithms`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SupportedAlgorithm {
    pub crypto_algorithm: Option<String>,
    pub hash_function: Option<String>,
    pub padding_scheme: Option<String>,
}

/// One entry of `unverifiedSigningCertificates`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SigningCertificate {
    pub certificate: Option<String>,
    pub supported_algorithms: Option<Vec<SupportedAlgorithm>>,
    pub intermediates: Option<Vec<String>>,
}

/// A token as read from JSON: every field still unverified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UnverifiedToken {
    pub format: Option<String>,
    pub unverified_certificate: Option<String>,
    pub algorithm: Option<String>,
    pub signature: Option<String>,
    pub signing_certificates: Option<Vec<SigningCertificate>>,
    pub intermediates: Option<Vec<String>>,
}

impl UnverifiedToken {
    /// Reads the known fields, checking their JSON types.
    pub(crate) fn from_json(token: &Json) -> Result<UnverifiedToken> {
        if !matches!(token, Json::Object(_)) {
            return Err(malformed("the token is not a JSON object"));
        }
        // appVersion is informative and never used, but it is still a string.
        string_field(token, "appVersion")?;
        let signing_certificates = match token.get("unverifiedSigningCertificates") {
            None => None,
            Some(Json::Array(entries)) => Some(
                entries
                    .iter()
                    .map(signing_certificate)
                    .collect::<Result<Vec<_>>>()?,
            ),
            Some(_) => return Err(malformed("unverifiedSigningCertificates must be an array")),
        };
        Ok(UnverifiedToken {
            format: string_field(token, "format")?,
            unverified_certificate: string_field(token, "unverifiedCertificate")?,
            algorithm: string_field(token, "algorithm")?,
            signature: string_field(token, "signature")?,
            signing_certificates,
            intermediates: string_array_field(token, "unverifiedIntermediateCertificates")?,
        })
    }
}

fn signing_certificate(entry: &Json) -> Result<SigningCertificate> {
    if !matches!(entry, Json::Object(_)) {
        return Err(malformed("a signing certificate entry is not an object"));
    }
    let supported_algorithms = match entry.get("supportedSignatureAlgorithms") {
        None => None,
        Some(Json::Array(algs)) => Some(
            algs.iter()
                .map(|a| {
                    if !matches!(a, Json::Object(_)) {
                        return Err(malformed("a supported algorithm is not an object"));
                    }
                    Ok(SupportedAlgorithm {
                        crypto_algorithm: string_field(a, "cryptoAlgorithm")?,
                        hash_function: string_field(a, "hashFunction")?,
                        padding_scheme: string_field(a, "paddingScheme")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        ),
        Some(_) => return Err(malformed("supportedSignatureAlgorithms must be an array")),
    };
    Ok(SigningCertificate {
        certificate: string_field(entry, "certificate")?,
        supported_algorithms,
        intermediates: string_array_field(entry, "intermediateCertificates")?,
    })
}

/// The version named by `format`: `web-eid:1` or `web-eid:1.<digits>`
/// (`web-eid:1.1` selects the 1.1 rules; other minor versions the 1.0
/// rules, as the reference does). Anything else, `web-eid:10` included, is
/// `webeid.format.unsupported`.
pub(crate) fn version(format: Option<&str>) -> Result<Version> {
    let unsupported = || {
        Error::new(
            ErrorCode::WebeidFormatUnsupported,
            "the token format is not web-eid:1 or web-eid:1.N",
        )
    };
    let rest = format
        .and_then(|f| f.strip_prefix("web-eid:1"))
        .ok_or_else(unsupported)?;
    if rest.is_empty() {
        return Ok(Version::V1_0);
    }
    let minor = rest.strip_prefix('.').ok_or_else(unsupported)?;
    if minor.is_empty() || !minor.bytes().all(|b| b.is_ascii_digit()) {
        return Err(unsupported());
    }
    Ok(if minor == "1" {
        Version::V1_1
    } else {
        Version::V1_0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_versions() {
        assert_eq!(version(Some("web-eid:1")).unwrap(), Version::V1_0);
        assert_eq!(version(Some("web-eid:1.0")).unwrap(), Version::V1_0);
        assert_eq!(version(Some("web-eid:1.1")).unwrap(), Version::V1_1);
        assert_eq!(version(Some("web-eid:1.7")).unwrap(), Version::V1_0);
        for bad in [
            "web-eid:10",
            "web-eid:2",
            "web-eid:1.",
            "web-eid:1.1.0",
            "web-eid:1.a",
            "Web-eid:1.0",
            "invalid",
            "",
        ] {
            assert_eq!(
                version(Some(bad)).unwrap_err().code(),
                "webeid.format.unsupported",
                "{bad}"
            );
        }
        assert!(version(None).is_err());
    }
}
