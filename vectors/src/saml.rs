//! The `spid-saml` and `cie-saml` kinds: one SAML Response per case.
//!
//! trust: `idp_metadata` (files: EntityDescriptor or EntitiesDescriptor,
//! trusted as pinned). context: `sp_entity_id`, `acs_url`, `request_id`,
//! `min_level`, `comparison`, `request_issue_instant`, `now`,
//! `clock_skew_seconds`, `input_encoding` (default `base64`).

use super::kinds::Job;
use super::Outcome;
use idbridge::crypto::Backend;
use idbridge::spid::{Comparison, Expectations, InputEncoding, Level};
use idbridge::{cie, spid, ClockSkew, Trust, UnixTime};
use serde_json::Value;

fn s<'v>(job: &'v Job<'_>, key: &str) -> Result<Option<&'v str>, String> {
    match job.context.get(key) {
        None => Ok(None),
        Some(Value::String(v)) => Ok(Some(v)),
        Some(_) => Err(format!("context.{key} must be a string")),
    }
}

fn required<'v>(job: &'v Job<'_>, key: &str) -> Result<&'v str, String> {
    s(job, key)?.ok_or_else(|| format!("context.{key} is required"))
}

/// A case's trust, expectations, profile and time, ready to verify (also
/// used by the built-in benchmark).
pub(crate) struct Prepared<'v> {
    pub trust: Trust,
    pub expectations: Expectations<'v>,
    /// CIE ID rather than SPID.
    pub cie: bool,
    pub now: UnixTime,
}

impl Prepared<'_> {
    /// Verifies `input` under the case's profile, on `backend`.
    pub(crate) fn verify(
        &self,
        backend: &dyn Backend,
        input: &[u8],
    ) -> idbridge::Result<spid::VerifiedResponse> {
        if self.cie {
            cie::verify_response_with(backend, &self.trust, input, &self.expectations, self.now)
        } else {
            spid::verify_response_with(backend, &self.trust, input, &self.expectations, self.now)
        }
    }
}

/// Reads the case: `Err` for a malformed vector, `Ok(Err)` when the trust
/// itself is refused (the case's outcome).
pub(crate) fn prepare<'v>(
    job: &'v Job<'_>,
    cie: bool,
) -> Result<core::result::Result<Prepared<'v>, idbridge::Error>, String> {
    let files = job
        .trust
        .get("idp_metadata")
        .and_then(Value::as_array)
        .ok_or("trust.idp_metadata must be a list of files")?;
    let mut builder = Trust::builder();
    for f in files {
        let path = f
            .as_str()
            .ok_or("trust.idp_metadata must list file names")?;
        builder = match builder.pin_saml_idp_metadata(&job.read_relative(path)?) {
            Ok(b) => b,
            Err(e) => return Ok(Err(e)),
        };
    }
    let trust = match builder.build() {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    let mut exp = Expectations::new(
        required(job, "sp_entity_id")?,
        required(job, "acs_url")?,
        required(job, "request_id")?,
    );
    if let Some(l) = s(job, "min_level")? {
        exp.min_level = Level::from_name(l).ok_or_else(|| format!("unknown min_level {l:?}"))?;
    }
    if let Some(c) = s(job, "comparison")? {
        exp.comparison =
            Comparison::from_name(c).ok_or_else(|| format!("unknown comparison {c:?}"))?;
    }
    if let Some(t) = s(job, "request_issue_instant")? {
        exp.request_issue_instant = Some(UnixTime::parse_rfc3339(t).map_err(|e| e.to_string())?);
    }
    match job.context.get("clock_skew_seconds") {
        None => {}
        Some(v) => {
            let secs = v
                .as_u64()
                .and_then(|x| u32::try_from(x).ok())
                .ok_or("context.clock_skew_seconds must be a small non-negative integer")?;
            exp.clock_skew = ClockSkew::from_secs(secs);
        }
    }
    exp.input = match s(job, "input_encoding")? {
        None | Some("base64") => InputEncoding::Base64,
        Some("xml") => InputEncoding::Xml,
        Some(other) => return Err(format!("unknown input_encoding {other:?}")),
    };
    let now = UnixTime::parse_rfc3339(required(job, "now")?).map_err(|e| e.to_string())?;
    Ok(Ok(Prepared {
        trust,
        expectations: exp,
        cie,
        now,
    }))
}

pub(crate) fn run(
    job: &Job<'_>,
    backend: &'static dyn Backend,
    cie: bool,
) -> Result<Outcome, String> {
    let p = match prepare(job, cie)? {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    Ok(p.verify(backend, job.input)
        .map(|v| Some(super::identity_json(v.identity()))))
}

/// Every check of the case's verification with the rule it enforces, as
/// the default backend runs them (`--explain`): `Err` for a malformed
/// vector, `Ok(Err)` when the trust itself is refused.
pub(crate) fn audit(
    job: &Job<'_>,
    cie: bool,
) -> Result<core::result::Result<Vec<super::ExplainStep>, idbridge::Error>, String> {
    let p = match prepare(job, cie)? {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let (audit, _) = if cie {
        cie::explain(&p.trust, job.input, &p.expectations, p.now)
    } else {
        spid::explain(&p.trust, job.input, &p.expectations, p.now)
    };
    Ok(Ok(audit
        .steps()
        .iter()
        .map(|s| super::ExplainStep {
            check: s.check,
            rule: s.rule,
            failed: s.failed,
        })
        .collect()))
}
