//! `idbridge verify sd-jwt`: an SD-JWT VC presentation checked by
//! `idbridge::sdjwt`, with the inputs and trust of the vector kind
//! `sd-jwt-vc` (VECTORS.md).

use crate::{cert_arg, read_arg, read_text_arg, Failure};
use idbridge::jose::{Jwk, JwkSet};
use idbridge::sdjwt::{
    self, CredentialStatus, Expectations, KeyBinding, Profile, SdJwtTrust, StatusCheck, StatusLists,
};
use idbridge::UnixTime;

/// `verify sd-jwt`'s arguments.
#[derive(clap::Args, Debug)]
pub struct SdJwtArgs {
    /// The presentation as received in `vp_token` (`<JWT>~<disclosure>~…~<KB-JWT>`); a final
    /// newline of the file is not part of it.
    #[arg(long, value_name = "FILE")]
    pub presentation: String,
    /// The issuer's keys: a JWK Set file. Repeatable (the sets are joined).
    #[arg(
        long = "issuer-jwks",
        value_name = "FILE",
        required_unless_present_any = ["issuer_metadata", "x5c_ca"]
    )]
    pub issuer_jwks: Vec<String>,
    /// The issuer's JWT VC Issuer Metadata (`/.well-known/jwt-vc-issuer`, fetched by you): its
    /// inline `jwks`, for its `issuer` only.
    #[arg(
        long = "issuer-metadata",
        value_name = "FILE",
        conflicts_with = "issuer_jwks"
    )]
    pub issuer_metadata: Option<String>,
    /// A CA certificate (PEM or DER) for issuer JWTs carrying their key in `x5c`. Repeatable.
    #[arg(long = "x5c-ca", value_name = "FILE")]
    pub x5c_ca: Vec<String>,
    /// The status-list tokens' signers: a JWK Set file (default: the issuer's). Repeatable.
    #[arg(long = "status-list-jwks", value_name = "FILE")]
    pub status_list_jwks: Vec<String>,
    /// A status-list token you fetched: its URI and the file of its `statuslist+jwt`. Repeatable.
    #[arg(long = "status-list", num_args = 2, value_names = ["URI", "FILE"])]
    pub status_lists: Vec<String>,
    /// The OpenID4VP request's nonce: the KB-JWT's `nonce`.
    #[arg(long, value_name = "STR")]
    pub nonce: Option<String>,
    /// This verifier's client_id: the KB-JWT's `aud`.
    #[arg(long, value_name = "URL")]
    pub audience: Option<String>,
    /// Accept a presentation without KB-JWT (one that has a KB-JWT is still checked).
    #[arg(long)]
    pub no_key_binding: bool,
    /// Check as RFC 9901 SD-JWT alone: no `typ` or `vct` rule.
    #[arg(long)]
    pub plain_sd_jwt: bool,
    /// An accepted `typ` (default: dc+sd-jwt and vc+sd-jwt). Repeatable.
    #[arg(long = "accept-typ", value_name = "TYP")]
    pub accepted_typ: Vec<String>,
    /// An accepted `vct` (default: any). Repeatable.
    #[arg(long = "accept-vct", value_name = "VCT")]
    pub accepted_vct: Vec<String>,
    /// How old the KB-JWT may be, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub max_kb_age: u32,
    /// Tolerated clock difference, in seconds (0 to 86400).
    #[arg(long, value_name = "SECS", default_value_t = 0, value_parser = crate::parse_skew, allow_negative_numbers = true)]
    pub clock_skew: u32,
    /// Do not check the Token Status List.
    #[arg(long)]
    pub no_status_check: bool,
    /// The verification time, RFC 3339 (default: this machine's clock).
    #[arg(long, value_name = "T", value_parser = crate::parse_time)]
    pub now: Option<UnixTime>,
}

fn key_sets(flag: &str, files: &[String]) -> Result<JwkSet, Failure> {
    let mut keys: Vec<Jwk> = Vec::new();
    for f in files {
        keys.extend(
            JwkSet::from_json(&read_arg(flag, f)?)?
                .keys()
                .iter()
                .cloned(),
        );
    }
    Ok(JwkSet::from_keys(keys)?)
}

/// Verifies a presentation; the JSON printed on success.
pub fn verify(a: &SdJwtArgs) -> Result<String, Failure> {
    let bytes = read_text_arg("presentation", &a.presentation)?;
    let presentation = String::from_utf8_lossy(&bytes);
    let presentation = presentation.as_ref();
    let mut trust = match &a.issuer_metadata {
        Some(file) => SdJwtTrust::from_issuer_metadata(
            &read_arg("issuer-metadata", file)?,
            &idbridge::Limits::default(),
        )?,
        None => SdJwtTrust::new(key_sets("issuer-jwks", &a.issuer_jwks)?),
    };
    for file in &a.x5c_ca {
        trust = trust.with_x5c_anchor(&cert_arg("x5c-ca", file)?)?;
    }
    if !a.status_list_jwks.is_empty() {
        trust = trust.with_status_list_keys(key_sets("status-list-jwks", &a.status_list_jwks)?);
    }
    let mut lists = StatusLists::new();
    for pair in a.status_lists.chunks(2) {
        if let [uri, file] = pair {
            let token = read_text_arg("status-list", file)?;
            lists.insert(uri.clone(), token);
        }
    }
    let typ: Vec<&str> = a.accepted_typ.iter().map(String::as_str).collect();
    let vct: Vec<&str> = a.accepted_vct.iter().map(String::as_str).collect();
    let mut e = Expectations::without_key_binding();
    if a.plain_sd_jwt {
        e.profile = Profile::SdJwt;
    }
    if !typ.is_empty() {
        e.accepted_typ = &typ;
    }
    if !vct.is_empty() {
        e.accepted_vct = Some(&vct);
    }
    e.key_binding = if a.no_key_binding {
        KeyBinding::Optional
    } else {
        KeyBinding::Required
    };
    e.nonce = a.nonce.as_deref();
    e.audience = a.audience.as_deref();
    e.max_kb_age_seconds = a.max_kb_age;
    e.clock_skew_seconds = a.clock_skew;
    if a.no_status_check {
        e.status_check = StatusCheck::Off;
    }
    let now = a.now.unwrap_or_else(crate::clock_now);
    let v = sdjwt::verify_presentation(
        idbridge::crypto::default_backend(),
        presentation,
        &trust,
        &lists,
        &e,
        now,
    )?;
    let status = match v.status() {
        CredentialStatus::Valid(r) => {
            serde_json::json!({"state": "valid", "uri": r.uri(), "idx": r.idx()})
        }
        CredentialStatus::NotChecked(r) => {
            serde_json::json!({"state": "not-checked", "uri": r.uri(), "idx": r.idx()})
        }
        _ => serde_json::json!({"state": "none"}),
    };
    let kb = v.key_binding().map(|kb| {
        serde_json::json!({
            "iat": kb.iat().to_rfc3339(),
            "alg": kb.alg(),
            "holder_thumbprint": kb.holder_thumbprint(),
        })
    });
    serde_json::to_string_pretty(&serde_json::json!({
        "identity": v.identity(),
        "vct": v.vct(),
        "issuer_alg": v.issuer_alg(),
        "issuer_kid": v.issuer_kid(),
        "disclosures": v.disclosures(),
        "key_binding": kb,
        "status": status,
        "claims": v.claims(),
    }))
    .map_err(|e| {
        Failure::Verify(idbridge::Error::with_detail(
            idbridge::ErrorCode::ConfigInvalid,
            e.to_string(),
        ))
    })
}
