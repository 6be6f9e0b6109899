//! `idbridge verify icao-sod`: ICAO 9303 passive authentication of chip
//! data (EF.SOD and data groups) by `idbridge::icao`, with the input and
//! trust of the vector kind `icao-sod` (VECTORS.md).

use crate::{cert_arg, read_text_arg, Failure};
use idbridge::icao::{self, IcaoTrust, LdsProfile};
use idbridge::{Limits, UnixTime};

/// `verify icao-sod`'s arguments.
#[derive(clap::Args, Debug)]
pub struct IcaoSodArgs {
    /// The input document `{"sod": <base64>, "data_groups": {"<n>": <base64>}}`
    /// holding EF.SOD and the data groups exactly as read from the chip.
    #[arg(long, value_name = "FILE")]
    pub input: String,
    /// CSCA certificates that may issue the document signer (PEM or DER).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub csca: Vec<String>,
    /// Document-signer certificates trusted as they are (PEM or DER).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub document_signers: Vec<String>,
    /// Which dataGroupNumbers the SOD may list: `icao` (1 to 16) or
    /// `cie-ias` (the CIE IAS application's negative numbers).
    #[arg(long, value_name = "PROFILE", default_value = "icao", value_parser = ["icao", "cie-ias"])]
    pub lds_profile: String,
    /// The verification time, RFC 3339 (default: this machine's clock).
    #[arg(long, value_name = "T", value_parser = crate::parse_time)]
    pub now: Option<UnixTime>,
}

/// Runs the check; the JSON to print, or the failure.
pub fn verify(a: &IcaoSodArgs) -> Result<String, Failure> {
    if a.csca.is_empty() && a.document_signers.is_empty() {
        return Err(Failure::Usage(
            "give --csca or --document-signers (or both)".into(),
        ));
    }
    let mut trust = IcaoTrust::new();
    for f in &a.csca {
        trust = trust.with_csca(&cert_arg("csca", f)?)?;
    }
    for f in &a.document_signers {
        trust = trust.with_document_signer(&cert_arg("document-signers", f)?)?;
    }
    let profile = LdsProfile::from_name(&a.lds_profile)
        .ok_or_else(|| Failure::Usage(format!("--lds-profile {} is unknown", a.lds_profile)))?;
    let input = read_text_arg("input", &a.input)?;
    let now = a.now.unwrap_or_else(crate::clock_now);
    let v = icao::verify_chip_data(
        idbridge::crypto::default_backend(),
        &trust,
        &input,
        profile,
        now,
        &Limits::default(),
    )?;
    serde_json::to_string_pretty(&serde_json::json!({
        "identity": v.identity(),
        "verified_data_groups": v.verified_groups(),
    }))
    .map_err(|e| {
        Failure::Verify(idbridge::Error::with_detail(
            idbridge::ErrorCode::ConfigInvalid,
            e.to_string(),
        ))
    })
}
