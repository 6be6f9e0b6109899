//! `idbridge verify smart-id`: a Smart-ID RP API v3 session-status response
//! checked by `idbridge::smartid`, with the inputs and trust of the vector
//! kind `smart-id` (VECTORS.md).

use crate::{cert_arg, read_arg, read_text_arg, Failure};
use idbridge::smartid::request::{check_interactions, RpChallenge};
use idbridge::smartid::{self, CertificateLevel, Expected, SmartIdTrust};
use idbridge::{Limits, UnixTime};

/// `verify smart-id`'s arguments.
#[derive(clap::Args, Debug)]
pub struct SmartIdArgs {
    /// The session-status JSON body exactly as received from `GET /session/{id}`.
    #[arg(long, value_name = "FILE")]
    pub response: String,
    /// The CAs that may issue the user's certificate directly (PEM or DER). Repeatable.
    #[arg(long, value_name = "FILE", required = true, num_args = 1..)]
    pub anchors: Vec<String>,
    /// The signature protocol requested.
    #[arg(long, value_name = "P", default_value = "ACSP_V2", value_parser = ["ACSP_V2", "RAW_DIGEST_SIGNATURE"])]
    pub protocol: String,
    /// The lowest certificate level accepted.
    #[arg(long, value_name = "L", default_value = "QUALIFIED", value_parser = ["ADVANCED", "QUALIFIED"])]
    pub min_level: String,
    /// ACSP_V2: the rpChallenge sent (strict base64 of 32 to 64 bytes).
    #[arg(long, value_name = "B64")]
    pub rp_challenge: Option<String>,
    /// ACSP_V2: this relying party's name as sent.
    #[arg(long, value_name = "NAME")]
    pub rp_name: Option<String>,
    /// ACSP_V2: the brokered RP's name, if any.
    #[arg(long, value_name = "NAME", default_value = "")]
    pub brokered_rp_name: String,
    /// ACSP_V2: the interactions string as sent (base64 of a JSON array).
    #[arg(long, value_name = "B64")]
    pub interactions: Option<String>,
    /// ACSP_V2, Web2App/App2App: the initialCallbackUrl sent.
    #[arg(long, value_name = "URL", default_value = "")]
    pub initial_callback_url: String,
    /// ACSP_V2: the scheme name (`smart-id`; `smart-id-demo` in SK's demo environment).
    #[arg(long, value_name = "NAME", default_value = "smart-id")]
    pub schema_name: String,
    /// ACSP_V2, Web2App/App2App: the userChallengeVerifier from the callback URL.
    #[arg(long, value_name = "TEXT")]
    pub user_challenge_verifier: Option<String>,
    /// RAW_DIGEST_SIGNATURE: the file whose bytes were signed.
    #[arg(long, value_name = "FILE")]
    pub signed_data: Option<String>,
    /// The verification time, RFC 3339 (default: this machine's clock).
    #[arg(long, value_name = "T", value_parser = crate::parse_time)]
    pub now: Option<UnixTime>,
}

fn needed(v: &Option<String>, flag: &str) -> Result<String, Failure> {
    v.clone()
        .ok_or_else(|| Failure::Usage(format!("--{flag} is required with --protocol ACSP_V2")))
}

/// A value the library refuses as sent (`config.invalid`): a usage error
/// naming the flag.
fn sent_value(flag: &str, checked: idbridge::Result<()>) -> Result<(), Failure> {
    checked.map_err(|e| Failure::Usage(format!("--{flag}: {}", e.reason())))
}

/// Runs the check; the JSON to print, or the failure.
pub fn verify(a: &SmartIdArgs) -> Result<String, Failure> {
    let mut trust = SmartIdTrust::new();
    for f in &a.anchors {
        trust = trust.with_certificate(&cert_arg("anchors", f)?)?;
    }
    let response = read_text_arg("response", &a.response)?;
    let expected = if a.protocol == "RAW_DIGEST_SIGNATURE" {
        let file = a.signed_data.as_ref().ok_or_else(|| {
            Failure::Usage("--signed-data is required with --protocol RAW_DIGEST_SIGNATURE".into())
        })?;
        Expected::signature(&read_arg("signed-data", file)?)
    } else {
        let rp_challenge = needed(&a.rp_challenge, "rp-challenge")?;
        sent_value(
            "rp-challenge",
            RpChallenge::from_base64(&rp_challenge).map(|_| ()),
        )?;
        let interactions = needed(&a.interactions, "interactions")?;
        sent_value("interactions", check_interactions(&interactions))?;
        let mut e = Expected::authentication(
            &rp_challenge,
            &needed(&a.rp_name, "rp-name")?,
            &interactions,
        )
        .with_brokered_rp_name(&a.brokered_rp_name)
        .with_initial_callback_url(&a.initial_callback_url)
        .with_schema_name(&a.schema_name);
        if let Some(v) = &a.user_challenge_verifier {
            e = e.with_user_challenge_verifier(v);
        }
        e
    };
    let level = CertificateLevel::from_name(&a.min_level)
        .ok_or_else(|| Failure::Usage(format!("--min-level {} is unknown", a.min_level)))?;
    let now = a.now.unwrap_or_else(crate::clock_now);
    let v = smartid::verify_session_status_with(
        idbridge::crypto::default_backend(),
        &trust,
        &response,
        &expected.with_min_certificate_level(level),
        now,
        &Limits::default(),
    )?;
    serde_json::to_string_pretty(&serde_json::json!({
        "identity": v.identity(),
        "level": v.level().name(),
        "document_number": v.document_number(),
        "protocol": v.protocol().name(),
        "flow_type": v.flow_type().map(|f| f.name()),
    }))
    .map_err(|e| {
        Failure::Verify(idbridge::Error::with_detail(
            idbridge::ErrorCode::ConfigInvalid,
            e.to_string(),
        ))
    })
}
