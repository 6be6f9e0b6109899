//! The `icao-sod` kind: ICAO 9303 passive authentication of chip data.
//!
//! trust: `csca` (CSCA certificate files), `document_signers` (DS
//! certificate files trusted as they are); at least one of the two.
//! context: `now`, `lds_profile` (`icao`, the default, or `cie-ias`).
//! input: `{"sod": <base64>, "data_groups": {"<n>": <base64>, …}}`.

use super::kinds::Job;
use super::Outcome;
use idbridge::crypto::Backend;
use idbridge::icao::{self, IcaoTrust, LdsProfile};
use idbridge::{Limits, UnixTime};
use serde_json::Value;

fn files<'v>(job: &'v Job<'_>, key: &str) -> Result<&'v [Value], String> {
    match job.trust.get(key) {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("trust.{key} must be a list of files")),
    }
}

pub(crate) fn run(job: &Job<'_>, backend: &'static dyn Backend) -> Result<Outcome, String> {
    let (csca, pinned) = (files(job, "csca")?, files(job, "document_signers")?);
    if csca.is_empty() && pinned.is_empty() {
        return Err("trust needs csca or document_signers".into());
    }
    let mut trust = IcaoTrust::new();
    for (items, pin) in [(csca, false), (pinned, true)] {
        for item in items {
            let path = item.as_str().ok_or("trust lists hold file names")?;
            let der = job.read_relative(path)?;
            let added = if pin {
                trust.with_document_signer(&der)
            } else {
                trust.with_csca(&der)
            };
            trust = match added {
                Ok(t) => t,
                Err(e) => return Ok(Err(e)),
            };
        }
    }
    let now = job
        .context
        .get("now")
        .and_then(Value::as_str)
        .ok_or("context.now must be a string")?;
    let now = UnixTime::parse_rfc3339(now).map_err(|e| e.to_string())?;
    let profile = match job.context.get("lds_profile") {
        None => LdsProfile::Icao,
        Some(v) => v
            .as_str()
            .and_then(LdsProfile::from_name)
            .ok_or_else(|| format!("context.lds_profile {v} is not \"icao\" or \"cie-ias\""))?,
    };
    Ok(
        icao::verify_chip_data(backend, &trust, job.input, profile, now, &Limits::default())
            .map(|v| Some(super::identity_json(v.identity()))),
    )
}
