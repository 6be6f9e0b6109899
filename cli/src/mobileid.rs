//! `idbridge verify mobile-id`: a Mobile-ID REST API authentication
//! session-status response checked by `idbridge::mobileid`, with the inputs
//! and trust of the vector kind `mobile-id` (VECTORS.md).

use crate::{cert_arg, read_text_arg, Failure};
use idbridge::mobileid::{self, MobileIdTrust};
use idbridge::{Limits, UnixTime};

/// `verify mobile-id`'s arguments.
#[derive(clap::Args, Debug)]
pub struct MobileIdArgs {
    /// The session-status JSON body exactly as received from
    /// `GET /authentication/session/{id}`.
    #[arg(long, value_name = "FILE")]
    pub response: String,
    /// The CAs that may issue the user's certificate directly (PEM or DER). Repeatable.
    #[arg(long, value_name = "FILE", required = true, num_args = 1..)]
    pub anchors: Vec<String>,
    /// The hash this relying party generated and sent, base64 (never one the response names).
    #[arg(long, value_name = "B64")]
    pub signed_hash: String,
    /// The hash's type, as sent in `hashType`.
    #[arg(long, value_name = "TYPE", default_value = "SHA256", value_parser = ["SHA256", "SHA384", "SHA512"])]
    pub hash_type: String,
    /// The verification time, RFC 3339 (default: this machine's clock).
    #[arg(long, value_name = "T", value_parser = crate::parse_time)]
    pub now: Option<UnixTime>,
}

/// Runs the check; the JSON to print, or the failure.
pub fn verify(a: &MobileIdArgs) -> Result<String, Failure> {
    let mut trust = MobileIdTrust::new();
    for f in &a.anchors {
        trust = trust.with_certificate(&cert_arg("anchors", f)?)?;
    }
    let response = read_text_arg("response", &a.response)?;
    let alg = mobileid::hash_type_from_name(&a.hash_type).ok_or_else(|| {
        Failure::Usage(format!(
            "--hash-type {} is not SHA256, SHA384 or SHA512",
            a.hash_type
        ))
    })?;
    let now = a.now.unwrap_or_else(crate::clock_now);
    let v = mobileid::verify_session_status_base64(
        idbridge::crypto::default_backend(),
        &trust,
        &response,
        alg,
        &a.signed_hash,
        now,
        &Limits::default(),
    )
    .map_err(|e| {
        // The library names the API's hashType; here it is a flag.
        if e.kind() == idbridge::ErrorCode::MobileidHashInvalid {
            idbridge::Error::with_detail(e.kind(), e.reason().replace("hashType ", "--hash-type "))
        } else {
            e
        }
    })?;
    serde_json::to_string_pretty(&serde_json::json!({
        "identity": v.identity(),
        "hash_type": v.signed_hash().hash_type(),
        "verification_code": v.signed_hash().verification_code(),
    }))
    .map_err(|e| {
        Failure::Verify(idbridge::Error::with_detail(
            idbridge::ErrorCode::ConfigInvalid,
            e.to_string(),
        ))
    })
}
