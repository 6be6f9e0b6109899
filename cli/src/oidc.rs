//! `idbridge verify oidc-chain` and `idbridge verify id-token`: the OpenID
//! Federation and OpenID Connect verifiers of `idbridge::oidc` from the
//! command line, with the inputs and trust of the vector kinds
//! `oidc-trust-chain` and `oidc-id-token` (VECTORS.md).

use crate::{read_arg, read_text_arg, Failure};
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
    let document = read_text_arg("chain", &a.chain)?;
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

/// `verify id-token`'s arguments.
#[derive(clap::Args, Debug)]
pub struct IdTokenArgs {
    /// The token endpoint's response: `{"id_token": ..., "access_token": ..., "userinfo": ...}`
    /// (`userinfo`, the UserInfo body, optional).
    #[arg(long, value_name = "FILE")]
    pub response: String,
    /// The UserInfo response body (a compact JWE) as received, when it is not in --response.
    #[arg(long, value_name = "FILE")]
    pub userinfo: Option<String>,
    /// The OP's signing keys: a JWK Set file (its `openid_provider.jwks` as its trust chain resolves it).
    #[arg(long, value_name = "FILE")]
    pub op_jwks: String,
    /// This RP's private decryption key (a private JWK file), needed with a UserInfo.
    #[arg(long, value_name = "FILE")]
    pub rp_key: Option<String>,
    /// This RP's client id (its entity ID): the only audience trusted.
    #[arg(long, value_name = "URL")]
    pub client_id: String,
    /// The OP's entity ID: the tokens' `iss`.
    #[arg(long, value_name = "URL")]
    pub issuer: String,
    /// The `nonce` exactly as sent in the request object.
    #[arg(long, value_name = "STR")]
    pub nonce: String,
    /// The lowest acceptable level: SpidL1, SpidL2 or SpidL3.
    #[arg(long, value_name = "LEVEL", default_value = "SpidL2")]
    pub min_level: String,
    /// Tolerated clock difference, in seconds (0 to 86400).
    #[arg(long, value_name = "SECS", default_value_t = 0, value_parser = crate::parse_skew, allow_negative_numbers = true)]
    pub clock_skew: u32,
    /// Report the identity under CIE instead of SPID.
    #[arg(long)]
    pub cie: bool,
    /// The verification time, RFC 3339 (default: this machine's clock).
    #[arg(long, value_name = "T", value_parser = crate::parse_time)]
    pub now: Option<UnixTime>,
}

/// Verifies an ID token (with its access token and UserInfo when given);
/// the JSON printed on success.
pub fn verify_id_token(a: &IdTokenArgs) -> Result<String, Failure> {
    use idbridge::jose::DecryptionKey;
    use idbridge::oidc::rp::{self, Expectations, SpidLevel, TokenResponse};
    let min_level = SpidLevel::from_name(&a.min_level).ok_or_else(|| {
        Failure::Usage(format!(
            "--min-level {}: expected SpidL1, SpidL2 or SpidL3",
            a.min_level
        ))
    })?;
    // Every file first: one that cannot be read is a usage error.
    let response = read_text_arg("response", &a.response)?;
    let userinfo = a
        .userinfo
        .as_ref()
        .map(|f| read_arg("userinfo", f))
        .transpose()?;
    let jwks = read_arg("op-jwks", &a.op_jwks)?;
    let rp_key = a
        .rp_key
        .as_ref()
        .map(|f| read_arg("rp-key", f))
        .transpose()?;
    let op_jwks = JwkSet::from_json(&jwks)?;
    let decryption_key = rp_key
        .as_deref()
        .map(DecryptionKey::from_jwk_json)
        .transpose()?;
    let limits = idbridge::Limits::default();
    let mut tokens = TokenResponse::from_json(&response, &limits)?;
    if let Some(body) = userinfo {
        if tokens.userinfo.is_some() {
            return Err(Failure::Usage(
                "--userinfo given, but --response already holds a userinfo".into(),
            ));
        }
        // The body as received; surrounding whitespace (a file's final
        // newline) is not part of the JWE.
        let text = String::from_utf8(body).map_err(|_| {
            Failure::Verify(idbridge::Error::new(
                idbridge::ErrorCode::JweMalformed,
                "the UserInfo body is not ASCII text",
            ))
        })?;
        tokens.userinfo = Some(text.trim().to_string());
    }
    let mut expectations = Expectations::new(&a.client_id, &a.issuer, &a.nonce);
    expectations.min_level = min_level;
    expectations.clock_skew_seconds = a.clock_skew;
    if a.cie {
        expectations.system = idbridge::System::Cie;
    }
    let now = a.now.unwrap_or_else(crate::clock_now);
    let login = rp::verify_login(
        idbridge::crypto::default_backend(),
        &op_jwks,
        decryption_key.as_ref(),
        &tokens,
        &expectations,
        now,
    )?;
    let id = login.id_token();
    let userinfo = login.userinfo().map(|u| {
        serde_json::json!({
            "jwe_alg": u.jwe_alg().name(),
            "jwe_enc": u.jwe_enc().name(),
            "jws_alg": u.jws().alg(),
        })
    });
    to_json(&serde_json::json!({
        "identity": login.identity(),
        "sub": id.sub(),
        "level": id.level().name(),
        "id_token_alg": id.jws().alg(),
        "at_hash_checked": id.at_hash_checked(),
        "userinfo": userinfo,
    }))
}
