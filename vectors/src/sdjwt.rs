//! The `sd-jwt-vc` kind: an SD-JWT VC presentation with its KB-JWT and
//! Token Status List, per case.
//!
//! trust: `issuer_keys` (JWK Set files), `status_lists` (URI → file of the
//! `statuslist+jwt` token), `status_list_keys` (JWK Set files; default the
//! issuer's). context: `now`, `clock_skew_seconds`, `profile`
//! (`sd-jwt-vc` | `sd-jwt`), `accepted_typ`, `accepted_vct`,
//! `require_key_binding`, `nonce`, `audience`, `max_kb_age_seconds`,
//! `status_check` (`required` | `off`). input: the presentation.

use super::kinds::Job;
use super::Outcome;
use idbridge::crypto::Backend;
use idbridge::jose::{Jwk, JwkSet};
use idbridge::sdjwt::{
    self, Expectations, KeyBinding, Profile, SdJwtTrust, StatusCheck, StatusLists,
};
use idbridge::UnixTime;
use serde_json::Value;

/// A case's trust, expectations and time, ready to verify.
pub(crate) struct Prepared {
    pub trust: SdJwtTrust,
    pub lists: StatusLists,
    accepted_typ: Option<Vec<String>>,
    accepted_vct: Option<Vec<String>>,
    nonce: Option<String>,
    audience: Option<String>,
    profile: Profile,
    key_binding: KeyBinding,
    status_check: StatusCheck,
    max_kb_age: u32,
    skew: u32,
    pub now: UnixTime,
}

fn strings(job: &Job<'_>, key: &str) -> Result<Option<Vec<String>>, String> {
    match job.context.get(key) {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("context.{key} must be a list of strings"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(format!("context.{key} must be a list of strings")),
    }
}

fn string(job: &Job<'_>, key: &str) -> Result<Option<String>, String> {
    match job.context.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("context.{key} must be a string")),
    }
}

fn seconds(job: &Job<'_>, key: &str, default: u32) -> Result<u32, String> {
    match job.context.get(key) {
        None => Ok(default),
        Some(v) => v
            .as_u64()
            .and_then(|s| u32::try_from(s).ok())
            .ok_or_else(|| format!("context.{key} must be a non-negative integer")),
    }
}

/// Several JWK Set files as one set.
fn key_sets(job: &Job<'_>, key: &str) -> Result<Option<Result<JwkSet, idbridge::Error>>, String> {
    let Some(files) = job.trust.get(key) else {
        return Ok(None);
    };
    let files = files
        .as_array()
        .ok_or_else(|| format!("trust.{key} must be a list of files"))?;
    let mut keys: Vec<Jwk> = Vec::new();
    for file in files {
        let path = file
            .as_str()
            .ok_or_else(|| format!("trust.{key} must be a list of files"))?;
        match JwkSet::from_json(&job.read_relative(path)?) {
            Ok(set) => keys.extend(set.keys().iter().cloned()),
            Err(e) => return Ok(Some(Err(e))),
        }
    }
    Ok(Some(JwkSet::from_keys(keys)))
}

/// Reads the case: `Err` for a malformed vector, `Ok(Err)` when the trust
/// itself is refused (the case's outcome).
pub(crate) fn prepare(job: &Job<'_>) -> Result<Result<Prepared, idbridge::Error>, String> {
    let issuer = match key_sets(job, "issuer_keys")?.ok_or("trust.issuer_keys is required")? {
        Ok(k) => k,
        Err(e) => return Ok(Err(e)),
    };
    let mut trust = SdJwtTrust::new(issuer);
    if let Some(keys) = key_sets(job, "status_list_keys")? {
        match keys {
            Ok(k) => trust = trust.with_status_list_keys(k),
            Err(e) => return Ok(Err(e)),
        }
    }
    let mut lists = StatusLists::new();
    match job.trust.get("status_lists") {
        None => {}
        Some(Value::Object(map)) => {
            for (uri, file) in map {
                let path = file
                    .as_str()
                    .ok_or("trust.status_lists maps URIs to files")?;
                lists.insert(uri.clone(), job.read_relative(path)?);
            }
        }
        Some(_) => return Err("trust.status_lists must be an object".into()),
    }
    let profile = match string(job, "profile")?.as_deref() {
        None | Some("sd-jwt-vc") => Profile::SdJwtVc,
        Some("sd-jwt") => Profile::SdJwt,
        Some(other) => {
            return Err(format!(
                "context.profile {other:?} is not sd-jwt-vc or sd-jwt"
            ))
        }
    };
    let key_binding = match job.context.get("require_key_binding") {
        None | Some(Value::Bool(true)) => KeyBinding::Required,
        Some(Value::Bool(false)) => KeyBinding::Optional,
        Some(_) => return Err("context.require_key_binding must be a boolean".into()),
    };
    let status_check = match string(job, "status_check")?.as_deref() {
        None | Some("required") => StatusCheck::Required,
        Some("off") => StatusCheck::Off,
        Some(other) => {
            return Err(format!(
                "context.status_check {other:?} is not required or off"
            ))
        }
    };
    let now = UnixTime::parse_rfc3339(&string(job, "now")?.ok_or("context.now is required")?)
        .map_err(|e| e.to_string())?;
    Ok(Ok(Prepared {
        trust,
        lists,
        accepted_typ: strings(job, "accepted_typ")?,
        accepted_vct: strings(job, "accepted_vct")?,
        nonce: string(job, "nonce")?,
        audience: string(job, "audience")?,
        profile,
        key_binding,
        status_check,
        max_kb_age: seconds(job, "max_kb_age_seconds", 300)?,
        skew: seconds(job, "clock_skew_seconds", 0)?,
        now,
    }))
}

impl Prepared {
    /// Verifies `presentation` with this case's trust and expectations.
    pub(crate) fn verify(
        &self,
        backend: &dyn Backend,
        presentation: &str,
    ) -> Result<sdjwt::VerifiedPresentation, idbridge::Error> {
        let typ: Option<Vec<&str>> = self
            .accepted_typ
            .as_ref()
            .map(|v| v.iter().map(String::as_str).collect());
        let vct: Option<Vec<&str>> = self
            .accepted_vct
            .as_ref()
            .map(|v| v.iter().map(String::as_str).collect());
        let mut expect = Expectations::without_key_binding();
        expect.profile = self.profile;
        if let Some(typ) = &typ {
            expect.accepted_typ = typ;
        }
        expect.accepted_vct = vct.as_deref();
        expect.key_binding = self.key_binding;
        expect.nonce = self.nonce.as_deref();
        expect.audience = self.audience.as_deref();
        expect.max_kb_age_seconds = self.max_kb_age;
        expect.clock_skew_seconds = self.skew;
        expect.status_check = self.status_check;
        sdjwt::verify_presentation(
            backend,
            presentation,
            &self.trust,
            &self.lists,
            &expect,
            self.now,
        )
    }
}

pub(crate) fn run(job: &Job<'_>, backend: &'static dyn Backend) -> Result<Outcome, String> {
    let prepared = match prepare(job)? {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    // The presentation is ASCII; other bytes are the library's to refuse.
    let presentation = String::from_utf8_lossy(job.input);
    Ok(prepared
        .verify(backend, &presentation)
        .map(|verified| Some(super::identity_json(verified.identity()))))
}
