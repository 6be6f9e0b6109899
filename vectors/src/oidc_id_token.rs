//! The `oidc-id-token` kind: a SPID/CIE ID token, optionally with the
//! access token and the signed-then-encrypted UserInfo, per case.
//!
//! trust: `op_jwks` (a JWK Set file: the OP's `openid_provider.jwks` as its
//! trust chain resolves it), `rp_decryption_key` (a private JWK file, the
//! RP's encryption key). context: `now`, `client_id`, `issuer`, `nonce`,
//! `min_level` (`SpidL1` | `SpidL2` | `SpidL3`, default `SpidL2`),
//! `clock_skew_seconds` (default 0). input: the JSON document
//! `{"id_token", "access_token"?, "userinfo"?}`.

use super::kinds::Job;
use super::Outcome;
use idbridge::crypto::Backend;
use idbridge::jose::{DecryptionKey, JwkSet};
use idbridge::oidc::rp::{self, Expectations, SpidLevel, TokenResponse};
use idbridge::{Limits, UnixTime};
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
    pub op_jwks: JwkSet,
    pub decryption_key: Option<DecryptionKey>,
    client_id: &'v str,
    issuer: &'v str,
    nonce: &'v str,
    min_level: SpidLevel,
    skew: u32,
    pub now: UnixTime,
}

impl Prepared<'_> {
    pub(crate) fn expectations(&self) -> Expectations<'_> {
        let mut e = Expectations::new(self.client_id, self.issuer, self.nonce);
        e.min_level = self.min_level;
        e.clock_skew_seconds = self.skew;
        e
    }
}

/// Reads the case: `Err` for a malformed vector, `Ok(Err)` when the trust
/// itself is refused (the case's outcome).
pub(crate) fn prepare<'v>(
    job: &'v Job<'_>,
) -> Result<core::result::Result<Prepared<'v>, idbridge::Error>, String> {
    let file = |key: &str| -> Result<Option<Vec<u8>>, String> {
        match job.trust.get(key) {
            None => Ok(None),
            Some(Value::String(path)) => job.read_relative(path).map(Some),
            Some(_) => Err(format!("trust.{key} must be a file name")),
        }
    };
    let jwks = file("op_jwks")?.ok_or("trust.op_jwks is required")?;
    let op_jwks = match JwkSet::from_json(&jwks) {
        Ok(k) => k,
        Err(e) => return Ok(Err(e)),
    };
    let decryption_key = match file("rp_decryption_key")? {
        None => None,
        Some(bytes) => match DecryptionKey::from_jwk_json(&bytes) {
            Ok(k) => Some(k),
            Err(e) => return Ok(Err(e)),
        },
    };
    let min_level = match job.context.get("min_level") {
        None => SpidLevel::L2,
        Some(Value::String(name)) => SpidLevel::from_name(name)
            .ok_or_else(|| format!("context.min_level {name:?} is not SpidL1, SpidL2 or SpidL3"))?,
        Some(_) => return Err("context.min_level must be a string".into()),
    };
    let skew = match job.context.get("clock_skew_seconds") {
        None => 0,
        Some(v) => v
            .as_u64()
            .and_then(|s| u32::try_from(s).ok())
            .ok_or("context.clock_skew_seconds must be a non-negative integer")?,
    };
    let now = UnixTime::parse_rfc3339(string(job, "now")?).map_err(|e| e.to_string())?;
    Ok(Ok(Prepared {
        op_jwks,
        decryption_key,
        client_id: string(job, "client_id")?,
        issuer: string(job, "issuer")?,
        nonce: string(job, "nonce")?,
        min_level,
        skew,
        now,
    }))
}

pub(crate) fn run(job: &Job<'_>, backend: &'static dyn Backend) -> Result<Outcome, String> {
    let prepared = match prepare(job)? {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let expectations = prepared.expectations();
    let response = match TokenResponse::from_json(job.input, &Limits::default()) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    Ok(rp::verify_login(
        backend,
        &prepared.op_jwks,
        prepared.decryption_key.as_ref(),
        &response,
        &expectations,
        prepared.now,
    )
    .map(|login| Some(super::identity_json(login.identity()))))
}
