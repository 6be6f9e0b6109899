//! The `webeid` kind: one Web eID authentication token per case.
//!
//! trust: `anchors` (certificate files, PEM or DER). context: `origin`,
//! `nonce`, `now`, `ocsp` (`"off"` or `{ "response": file, "responder": file }`).
//! input: the token exactly as the browser posts it.

use super::kinds::Job;
use super::Outcome;
use idbridge::crypto::Backend;
use idbridge::webeid::{self, Expectations, Ocsp};
use idbridge::{Trust, UnixTime};
use serde_json::Value;

fn string<'v>(job: &'v Job<'_>, key: &str) -> Result<&'v str, String> {
    job.context
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("context.{key} must be a string"))
}

/// A case's trust, expectations and time, ready to verify (also used by
/// the built-in benchmark).
pub(crate) struct Prepared<'v> {
    pub trust: Trust,
    origin: &'v str,
    nonce: &'v str,
    pub now: UnixTime,
    ocsp: Option<(Vec<u8>, Option<Vec<u8>>)>,
}

impl Prepared<'_> {
    pub(crate) fn expectations(&self) -> Expectations<'_> {
        let mut expectations = Expectations::new(self.origin, self.nonce);
        if let Some((response, responder)) = &self.ocsp {
            expectations.ocsp = Ocsp::Response {
                response,
                responder: responder.as_deref(),
                request_nonce: None,
            };
        }
        expectations
    }
}

/// Reads the case: `Err` for a malformed vector, `Ok(Err)` when the trust
/// itself is refused (the case's outcome).
pub(crate) fn prepare<'v>(
    job: &'v Job<'_>,
) -> Result<core::result::Result<Prepared<'v>, idbridge::Error>, String> {
    let anchors = job
        .trust
        .get("anchors")
        .and_then(Value::as_array)
        .ok_or("trust.anchors must be a list of files")?;
    let mut builder = Trust::builder();
    for a in anchors {
        let path = a.as_str().ok_or("trust.anchors must list file names")?;
        let bytes = job.read_relative(path)?;
        builder = match builder.webeid_anchor(&bytes) {
            Ok(b) => b,
            Err(e) => return Ok(Err(e)),
        };
    }
    let trust = match builder.build() {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    let origin = string(job, "origin")?;
    let nonce = string(job, "nonce")?;
    let now = UnixTime::parse_rfc3339(string(job, "now")?).map_err(|e| e.to_string())?;
    let ocsp = match job.context.get("ocsp") {
        None => None,
        Some(Value::String(s)) if s == "off" => None,
        Some(Value::Object(o)) => {
            for key in o.keys() {
                if key != "response" && key != "responder" {
                    return Err(format!("unknown context.ocsp key {key:?}"));
                }
            }
            let file = o
                .get("response")
                .and_then(Value::as_str)
                .ok_or("context.ocsp.response must be a file name")?;
            let response = job.read_relative(file)?;
            let responder = match o.get("responder") {
                None => None,
                Some(Value::String(f)) => Some(job.read_relative(f)?),
                Some(_) => return Err("context.ocsp.responder must be a file name".into()),
            };
            Some((response, responder))
        }
        Some(_) => return Err("context.ocsp must be \"off\" or an object".into()),
    };
    Ok(Ok(Prepared {
        trust,
        origin,
        nonce,
        now,
        ocsp,
    }))
}

pub(crate) fn run(job: &Job<'_>, backend: &'static dyn Backend) -> Result<Outcome, String> {
    let prepared = match prepare(job)? {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    Ok(webeid::verify_token_with(
        backend,
        &prepared.trust,
        job.input,
        &prepared.expectations(),
        prepared.now,
    )
    .map(|v| Some(super::identity_json(v.identity()))))
}
