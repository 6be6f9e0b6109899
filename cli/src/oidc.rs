//! `idbridge verify oidc-chain` and `idbridge verify id-token`: the OpenID
//! Federation and OpenID Connect verifiers of `idbridge::oidc` from the
//! command line, with the inputs and trust of the vector kinds
//! `oidc-trust-chain` and `oidc-id-token` (VECTORS.md).

use crate::{read_arg, Failure};
use idbridge::jose::JwkSet;
use idbridge::oidc::federation::{self, ChainOptions, FederationTrust};
use idbridge::UnixTime;

/// `verify oidc-chain`'s arguments.
#[derive(clap::Args, Debug)]
pub struct ChainArgs {
    /// The chain: `{"statements": [...]}`, subject first, the TA's entity configuration last or left out.
    #[arg(long, value_name = "FILE")]
    pub chain: String,
    /// A trust anchor: its entity ID and a JWK Set file of its federation keys. Repeatable.
    #[arg(long = "anchor", num_args = 2, value_names = ["ENTITY_ID", "JWKS"], required = true)]
    pub anchors: Vec<String>,
    /// A trust-mark issuer other than the TA: its entity ID and JWK Set file. Repeatable.
    #[arg(long = "trust-mark-issuer", num_args = 2, value_names = ["ENTITY_ID", "JWKS"])]
    pub trust_mark_issuers: Vec<String>,
    /// Accept http:// entity identifiers (a local test federation only).
    #[arg(long)]
    pub allow_http: bool,
    /// This relying party's own cap on the number of intermediates.
    #[arg(long, value_name = "N")]
    pub max_path_length: Option<u64>,
    /// The entity type the resolved metadata must have (e.g. openid_provider).
    #[arg(long, value_name = "TYPE")]
    pub entity_type: Option<String>,
    /// A trust-mark type the subject must show valid. Repeatable.
    #[arg(long = "require-trust-mark", value_name = "TYPE")]
    pub required_trust_marks: Vec<String>,
    /// The verification time, RFC 3339 (default: this machine's clock).
    #[arg(long, value_name = "T", value_parser = crate::parse_time)]
    pub now: Option<UnixTime>,
}

/// `(entity ID, JWK Set bytes)` pairs of a `--flag ID FILE` list.
fn entities(flag: &str, pairs: &[String]) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    pairs
        .chunks(2)
        .map(|pair| match pair {
            [id, file] => Ok((id.clone(), read_arg(flag, file)?)),
            _ => Err(Failure::Usage(format!("--{flag} needs ENTITY_ID and JWKS"))),
        })
        .collect()
}

fn to_json(v: &serde_json::Value) -> Result<String, Failure> {
    serde_json::to_string_pretty(v).map_err(|e| {
        Failure::Verify(idbridge::Error::with_detail(
            idbridge::ErrorCode::ConfigInvalid,
            e.to_string(),
        ))
    })
}

/// Verifies a trust chain; the JSON printed on success.
pub fn verify_chain(a: &ChainArgs) -> Result<String, Failure> {
    // Every file first: one that cannot be read is a usage error.
    let anchors = entities("anchor", &a.anchors)?;
    let issuers = entities("trust-mark-issuer", &a.trust_mark_issuers)?;
    let document = read_arg("chain", &a.chain)?;
    let mut trust = FederationTrust::new();
    for (id, jwks) in anchors {
        trust = trust.with_anchor(id, JwkSet::from_json(&jwks)?);
    }
    for (id, jwks) in issuers {
        trust = trust.with_trust_mark_issuer(id, JwkSet::from_json(&jwks)?);
    }
    let mut options = ChainOptions::new().allow_http(a.allow_http);
    if let Some(max) = a.max_path_length {
        options = options.max_path_length(max);
    }
    if let Some(t) = &a.entity_type {
        options = options.entity_type(t.as_str());
    }
    for t in &a.required_trust_marks {
        options = options.require_trust_mark(t.as_str());
    }
    let now = a.now.unwrap_or_else(crate::clock_now);
    let chain = federation::verify_chain_document(
        idbridge::crypto::default_backend(),
        &trust,
        &document,
        &options,
        now,
    )?;
    let marks: Vec<_> = chain
        .trust_marks()
        .iter()
        .map(|m| {
            serde_json::json!({
                "trust_mark_type": m.trust_mark_type(),
                "issuer": m.issuer(),
                "iat": m.issued_at().to_rfc3339(),
                "exp": m.expires_at().map(|t| t.to_rfc3339()),
            })
        })
        .collect();
    to_json(&serde_json::json!({
        "subject": chain.subject(),
        "trust_anchor": chain.trust_anchor(),
        "expires_at": chain.expires_at().to_rfc3339(),
        "statements": chain.statements().len(),
        "metadata": chain.metadata(),
        "trust_marks": marks,
    }))
}
