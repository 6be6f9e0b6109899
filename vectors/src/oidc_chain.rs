//! The `oidc-trust-chain` kind: one OpenID Federation trust chain per case.
//!
//! trust: `trust_anchors` (list of `{"entity_id", "jwks": file}`),
//! `trust_mark_issuers` (optional, the same shape). context: `now`,
//! `allow_http` (default `false`), `max_path_length`, `entity_type`,
//! `required_trust_marks`. input: `{"statements": [<JWS>, ...]}`.

use super::kinds::Job;
use super::Outcome;
use idbridge::crypto::Backend;
use idbridge::jose::JwkSet;
use idbridge::oidc::federation::{self, ChainOptions, FederationTrust};
use idbridge::UnixTime;
use serde_json::{Map, Value};

/// Reads one `{"entity_id", "jwks"}` list of the trust.
fn entities(job: &Job<'_>, key: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let Some(list) = job.trust.get(key) else {
        return Ok(Vec::new());
    };
    let list = list
        .as_array()
        .ok_or_else(|| format!("trust.{key} must be a list"))?;
    let mut out = Vec::new();
    for item in list {
        let obj = item
            .as_object()
            .ok_or_else(|| format!("trust.{key} entries must be objects"))?;
        for k in obj.keys() {
            if k != "entity_id" && k != "jwks" {
                return Err(format!("unknown trust.{key} member {k:?}"));
            }
        }
        let id = obj
            .get("entity_id")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("trust.{key}[].entity_id must be a string"))?;
        let file = obj
            .get("jwks")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("trust.{key}[].jwks must be a file name"))?;
        out.push((id.to_string(), job.read_relative(file)?));
    }
    Ok(out)
}

/// A case's trust, options and time (also used by the built-in benchmark
/// and the fuzz body's replay).
pub(crate) struct Prepared {
    pub trust: FederationTrust,
    pub options: ChainOptions,
    pub now: UnixTime,
}

fn options(context: &Map<String, Value>) -> Result<ChainOptions, String> {
    let mut options = ChainOptions::new();
    match context.get("allow_http") {
        None => {}
        Some(Value::Bool(b)) => options = options.allow_http(*b),
        Some(_) => return Err("context.allow_http must be a boolean".into()),
    }
    if let Some(v) = context.get("max_path_length") {
        let max = v
            .as_u64()
            .ok_or("context.max_path_length must be a non-negative integer")?;
        options = options.max_path_length(max);
    }
    if let Some(v) = context.get("entity_type") {
        let t = v.as_str().ok_or("context.entity_type must be a string")?;
        options = options.entity_type(t);
    }
    if let Some(v) = context.get("required_trust_marks") {
        let list = v
            .as_array()
            .ok_or("context.required_trust_marks must be a list of strings")?;
        for t in list {
            let t = t
                .as_str()
                .ok_or("context.required_trust_marks must be a list of strings")?;
            options = options.require_trust_mark(t);
        }
    }
    Ok(options)
}

/// Reads the case: `Err` for a malformed vector, `Ok(Err)` when the trust
/// itself is refused (the case's outcome).
pub(crate) fn prepare(
    job: &Job<'_>,
) -> Result<core::result::Result<Prepared, idbridge::Error>, String> {
    let mut trust = FederationTrust::new();
    let anchors = entities(job, "trust_anchors")?;
    if anchors.is_empty() {
        return Err("trust.trust_anchors must list at least one anchor".into());
    }
    for (id, bytes) in anchors {
        match JwkSet::from_json(&bytes) {
            Ok(keys) => trust = trust.with_anchor(id, keys),
            Err(e) => return Ok(Err(e)),
        }
    }
    for (id, bytes) in entities(job, "trust_mark_issuers")? {
        match JwkSet::from_json(&bytes) {
            Ok(keys) => trust = trust.with_trust_mark_issuer(id, keys),
            Err(e) => return Ok(Err(e)),
        }
    }
    let now = job
        .context
        .get("now")
        .and_then(Value::as_str)
        .ok_or("context.now must be a string")?;
    let now = UnixTime::parse_rfc3339(now).map_err(|e| e.to_string())?;
    Ok(Ok(Prepared {
        trust,
        options: options(job.context)?,
        now,
    }))
}

/// The contract's identity of a verified chain.
pub(crate) fn identity(chain: &federation::VerifiedChain) -> Value {
    let attributes: Map<String, Value> = chain
        .identity_attributes()
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let mut out = Map::new();
    out.insert("subject_id".into(), Value::String(chain.subject().into()));
    out.insert("issuer".into(), Value::String(chain.trust_anchor().into()));
    out.insert("attributes".into(), Value::Object(attributes));
    Value::Object(out)
}

pub(crate) fn run(job: &Job<'_>, backend: &'static dyn Backend) -> Result<Outcome, String> {
    let prepared = match prepare(job)? {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    Ok(federation::verify_chain_document(
        backend,
        &prepared.trust,
        job.input,
        &prepared.options,
        prepared.now,
    )
    .map(|chain| Some(identity(&chain))))
}
