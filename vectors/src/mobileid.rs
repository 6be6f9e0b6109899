//! The `mobile-id` kind: a Mobile-ID REST API authentication session-status
//! response.
//!
//! trust: `anchors` (CA certificate files, PEM or DER). context: `now`,
//! `signed_hash` (base64 of the hash the RP sent), `hash_type` (`SHA256`,
//! `SHA384`, `SHA512`). input: the session-status JSON.

use super::kinds::Job;
use super::Outcome;
use idbridge::crypto::Backend;
use idbridge::mobileid::{self, MobileIdTrust};
use idbridge::{Limits, UnixTime};
use serde_json::Value;

fn string<'v>(job: &'v Job<'_>, key: &str) -> Result<&'v str, String> {
    job.context
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("context.{key} must be a string"))
}

pub(crate) fn run(job: &Job<'_>, backend: &'static dyn Backend) -> Result<Outcome, String> {
    let files = match job.trust.get("anchors") {
        Some(Value::Array(items)) => items,
        _ => return Err("trust.anchors must be a list of files".into()),
    };
    let mut trust = MobileIdTrust::new();
    for item in files {
        let path = item.as_str().ok_or("trust.anchors holds file names")?;
        trust = match trust.with_certificate(&job.read_relative(path)?) {
            Ok(t) => t,
            Err(e) => return Ok(Err(e)),
        };
    }
    let now = UnixTime::parse_rfc3339(string(job, "now")?).map_err(|e| e.to_string())?;
    let hash_type = string(job, "hash_type")?;
    let alg = mobileid::hash_type_from_name(hash_type).ok_or_else(|| {
        format!("context.hash_type {hash_type:?} is not SHA256, SHA384 or SHA512")
    })?;
    Ok(mobileid::verify_session_status_base64(
        backend,
        &trust,
        job.input,
        alg,
        string(job, "signed_hash")?,
        now,
        &Limits::default(),
    )
    .map(|v| Some(super::identity_json(v.identity()))))
}
