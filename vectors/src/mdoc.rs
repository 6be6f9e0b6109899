//! The `mdoc` kind: an ISO/IEC 18013-5 DeviceResponse (VECTORS.md).
//!
//! trust: `anchors` (IACA files, PEM or DER). context: `now`,
//! `clock_skew_seconds`, `expected_doctype`, `handover` and its keys,
//! `device_mac` and `reader_key`, `input_encoding`, and the reserved
//! `issuer_auth_algs`, `device_auth_algs`, `digest_algs`.

use super::kinds::Job;
use super::Outcome;
use base64::Engine as _;
use idbridge::crypto::{Backend, HashAlg};
use idbridge::mdoc::{
    self, DeviceMac, Expectations, Handover, InputEncoding, MdocTrust, ReaderKey,
};
use idbridge::UnixTime;
use serde_json::Value;

fn string(job: &Job<'_>, key: &str) -> Result<String, String> {
    job.context
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| format!("context.{key} must be a string"))
}

fn thumbprint(job: &Job<'_>) -> Result<Option<Vec<u8>>, String> {
    match job.context.get("jwk_thumbprint") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .map(Some)
            .map_err(|_| "context.jwk_thumbprint is not base64url".into()),
        Some(_) => Err("context.jwk_thumbprint must be a string or null".into()),
    }
}

fn hex(s: &str) -> Result<Vec<u8>, String> {
    if s.len() % 2 != 0 {
        return Err("odd hex".into());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| "bad hex".to_string())
        })
        .collect()
}

fn int_list(job: &Job<'_>, key: &str) -> Result<Option<Vec<i64>>, String> {
    match job.context.get(key) {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_i64()
                    .ok_or_else(|| format!("context.{key} holds integers"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(format!("context.{key} must be a list")),
    }
}

fn handover(job: &Job<'_>) -> Result<Handover, String> {
    Ok(match string(job, "handover")?.as_str() {
        "openid4vp" => Handover::OpenId4Vp {
            client_id: string(job, "client_id")?,
            nonce: string(job, "nonce")?,
            jwk_thumbprint: thumbprint(job)?,
            response_uri: string(job, "response_uri")?,
        },
        "openid4vp-dc-api" => Handover::OpenId4VpDcApi {
            origin: string(job, "origin")?,
            nonce: string(job, "nonce")?,
            jwk_thumbprint: thumbprint(job)?,
        },
        "iso-18013-7" => Handover::Iso18013_7 {
            client_id: string(job, "client_id")?,
            response_uri: string(job, "response_uri")?,
            nonce: string(job, "nonce")?,
            mdoc_generated_nonce: string(job, "mdoc_generated_nonce")?,
        },
        "session-transcript" => {
            Handover::SessionTranscript(hex(&string(job, "session_transcript")?)?)
        }
        other => {
            return Err(format!(
                "context.handover {other:?} is not a handover of the kind"
            ))
        }
    })
}

/// A case's trust, expectations and time, read from its vector file.
pub(crate) struct Prepared {
    pub trust: MdocTrust,
    pub expectations: Expectations,
    pub now: UnixTime,
}

impl Prepared {
    /// One verification of `input`.
    pub(crate) fn verify(
        &self,
        backend: &dyn Backend,
        input: &[u8],
    ) -> Result<mdoc::VerifiedMdoc, idbridge::Error> {
        mdoc::verify_device_response(backend, &self.trust, input, &self.expectations, self.now)
    }
}

pub(crate) fn run(job: &Job<'_>, backend: &'static dyn Backend) -> Result<Outcome, String> {
    Ok(match prepare(job)? {
        Ok(p) => p
            .verify(backend, job.input)
            .map(|v| Some(super::identity_json(v.identity()))),
        Err(e) => Err(e),
    })
}

/// Reads a case's trust and context; `Err` is a defect of the vector
/// file, `Ok(Err)` trust material the library refuses.
pub(crate) fn prepare(job: &Job<'_>) -> Result<Result<Prepared, idbridge::Error>, String> {
    let files = match job.trust.get("anchors") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        _ => return Err("trust.anchors must be a non-empty list of files".into()),
    };
    let mut trust = MdocTrust::new();
    for item in files {
        let path = item.as_str().ok_or("trust.anchors holds file names")?;
        trust = match trust.with_iaca(&job.read_relative(path)?) {
            Ok(t) => t,
            Err(e) => return Ok(Err(e)),
        };
    }
    let now = UnixTime::parse_rfc3339(&string(job, "now")?).map_err(|e| e.to_string())?;
    let mut exp = Expectations::new(string(job, "expected_doctype")?, handover(job)?);
    if let Some(skew) = job.context.get("clock_skew_seconds") {
        exp.clock_skew_seconds = skew
            .as_i64()
            .ok_or("context.clock_skew_seconds must be an integer")?;
    }
    exp.device_mac = match job.context.get("device_mac").and_then(Value::as_str) {
        None | Some("forbidden") => DeviceMac::Forbidden,
        Some("allowed") => {
            let file = string(job, "reader_key")?;
            let key =
                ReaderKey::from_pkcs8(&job.read_relative(&file)?).map_err(|e| e.to_string())?;
            DeviceMac::Allowed(key)
        }
        Some(other) => return Err(format!("context.device_mac {other:?}")),
    };
    exp.input = match job.context.get("input_encoding").and_then(Value::as_str) {
        None | Some("base64url") => InputEncoding::Base64url,
        Some("cbor") => InputEncoding::Cbor,
        Some(other) => return Err(format!("context.input_encoding {other:?}")),
    };
    if let Some(algs) = int_list(job, "issuer_auth_algs")? {
        exp.issuer_auth_algs = algs;
    }
    if let Some(algs) = int_list(job, "device_auth_algs")? {
        exp.device_auth_algs = algs;
    }
    if let Some(Value::Array(names)) = job.context.get("digest_algs") {
        exp.digest_algs = names
            .iter()
            .map(|n| match n.as_str() {
                Some("SHA-256") => Ok(HashAlg::Sha256),
                Some("SHA-384") => Ok(HashAlg::Sha384),
                Some("SHA-512") => Ok(HashAlg::Sha512),
                _ => Err(format!("context.digest_algs: {n}")),
            })
            .collect::<Result<_, _>>()?;
    }
    Ok(Ok(Prepared {
        trust,
        expectations: exp,
        now,
    }))
}
