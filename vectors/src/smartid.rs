//! The `smart-id` kind: a Smart-ID RP API v3 session-status response.
//!
//! trust: `anchors` (CA certificate files, PEM or DER). context: `now`,
//! `signature_protocol` (`ACSP_V2`, the default, or
//! `RAW_DIGEST_SIGNATURE`), `min_certificate_level` (`QUALIFIED` by
//! default); ACSP_V2: `rp_challenge`, `relying_party_name`,
//! `brokered_rp_name`, `interactions`, `initial_callback_url`,
//! `schema_name`, `user_challenge_verifier`; RAW_DIGEST_SIGNATURE:
//! `signed_data` (`{"file"}` or `{"base64"}`). input: the session-status JSON.

use super::kinds::Job;
use super::Outcome;
use base64::Engine as _;
use idbridge::crypto::Backend;
use idbridge::smartid::{self, CertificateLevel, Expected, SignatureProtocol, SmartIdTrust};
use idbridge::{Limits, UnixTime};
use serde_json::Value;

fn string<'v>(job: &'v Job<'_>, key: &str) -> Result<Option<&'v str>, String> {
    match job.context.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_str()
            .map(Some)
            .ok_or_else(|| format!("context.{key} must be a string")),
    }
}

fn required<'v>(job: &'v Job<'_>, key: &str) -> Result<&'v str, String> {
    string(job, key)?.ok_or_else(|| format!("context.{key} is required"))
}

/// The bytes of an input object (`file` relative to the vector file, or
/// `base64`).
fn input_object(job: &Job<'_>, key: &str) -> Result<Vec<u8>, String> {
    let obj = job
        .context
        .get(key)
        .and_then(Value::as_object)
        .ok_or_else(|| format!("context.{key} must be an input object"))?;
    match (obj.get("file"), obj.get("base64")) {
        (Some(Value::String(f)), None) => job.read_relative(f),
        (None, Some(Value::String(b))) => base64::engine::general_purpose::STANDARD
            .decode(b)
            .map_err(|_| format!("context.{key}.base64 is not base64")),
        _ => Err(format!("context.{key} holds one of file or base64")),
    }
}

/// The case's expectations, from its context.
pub(crate) fn expected(job: &Job<'_>) -> Result<Expected, String> {
    let protocol = match string(job, "signature_protocol")? {
        None => SignatureProtocol::AcspV2,
        Some(p) => SignatureProtocol::from_name(p)
            .ok_or_else(|| format!("context.signature_protocol {p:?} is unknown"))?,
    };
    let level = match string(job, "min_certificate_level")? {
        None => CertificateLevel::Qualified,
        Some(l) => CertificateLevel::from_name(l)
            .ok_or_else(|| format!("context.min_certificate_level {l:?} is unknown"))?,
    };
    let expected = match protocol {
        SignatureProtocol::AcspV2 => {
            let mut e = Expected::authentication(
                required(job, "rp_challenge")?,
                required(job, "relying_party_name")?,
                required(job, "interactions")?,
            );
            if let Some(v) = string(job, "brokered_rp_name")? {
                e = e.with_brokered_rp_name(v);
            }
            if let Some(v) = string(job, "initial_callback_url")? {
                e = e.with_initial_callback_url(v);
            }
            if let Some(v) = string(job, "schema_name")? {
                e = e.with_schema_name(v);
            }
            if let Some(v) = string(job, "user_challenge_verifier")? {
                e = e.with_user_challenge_verifier(v);
            }
            e
        }
        SignatureProtocol::RawDigestSignature => {
            Expected::signature(&input_object(job, "signed_data")?)
        }
    };
    Ok(expected.with_min_certificate_level(level))
}

/// The case's trust.
pub(crate) fn trust(job: &Job<'_>) -> Result<Result<SmartIdTrust, idbridge::Error>, String> {
    let files = match job.trust.get("anchors") {
        Some(Value::Array(items)) => items,
        _ => return Err("trust.anchors must be a list of files".into()),
    };
    let mut trust = SmartIdTrust::new();
    for item in files {
        let path = item.as_str().ok_or("trust.anchors holds file names")?;
        trust = match trust.with_certificate(&job.read_relative(path)?) {
            Ok(t) => t,
            Err(e) => return Ok(Err(e)),
        };
    }
    Ok(Ok(trust))
}

pub(crate) fn run(job: &Job<'_>, backend: &'static dyn Backend) -> Result<Outcome, String> {
    let trust = match trust(job)? {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    let now = UnixTime::parse_rfc3339(required(job, "now")?).map_err(|e| e.to_string())?;
    let expected = expected(job)?;
    Ok(smartid::verify_session_status_with(
        backend,
        &trust,
        job.input,
        &expected,
        now,
        &Limits::default(),
    )
    .map(|v| Some(super::identity_json(v.identity()))))
}
