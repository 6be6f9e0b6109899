//! The SPID/CIE OpenID Connect exports (feature `oidc`):
//! `verifyOidcTrustChain` and `verifyOidcIdToken`, and their `Sync` twins.
//! Their trust is not a `Trust` (certificates and SAML metadata) but JWK
//! Sets, given in the options: the trust anchors' federation keys, the
//! OP's signing keys, the RP's decryption key.

use crate::js::{
    absent, bytes_of, check_options, config, count, describe, flag, get, json_bytes, string,
    time_of, to_js,
};
use crate::verify::{run_async, Call};
use idbridge::crypto::{self, Backend};
use idbridge::jose::{DecryptionKey, JwkSet};
use idbridge::oidc::federation::{self, ChainOptions, FederationTrust};
use idbridge::oidc::rp::{self, Expectations, SpidLevel, TokenResponse};
use idbridge::{Limits, UnixTime};
use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_OIDC: &'static str = r#"
/** A federation entity and its keys. */
export interface OidcEntityKeys {
  /** The entity identifier, e.g. "https://registry.spid.gov.it". */
  entityId: string;
  /** Its federation keys, a JWK Set. */
  jwks: JwkJson;
}

/** Options of verifyOidcTrustChain and verifyOidcTrustChainSync. */
export interface OidcChainOptions {
  /** The trust anchors: the last statement is verified with these keys only. */
  trustAnchors: OidcEntityKeys[];
  /** Trust-mark issuers other than the trust anchor. */
  trustMarkIssuers?: OidcEntityKeys[];
  /** The verification time: a Date or an RFC 3339 string (never an implicit clock). */
  now: Date | string;
  /** Accept http:// entity identifiers (a local test federation only; default false). */
  allowHttp?: boolean;
  /** Your own cap on the number of intermediates. */
  maxPathLength?: number;
  /** The entity type the resolved metadata must have, e.g. "openid_provider". */
  entityType?: string;
  /** Trust-mark types the subject must show valid. */
  requiredTrustMarks?: string[];
}

/** A valid trust mark of the chain's subject. */
export interface VerifiedOidcTrustMark {
  trustMarkType: string;
  issuer: string;
  /** RFC 3339. */
  issuedAt: string;
  /** RFC 3339; absent when the mark does not expire. */
  expiresAt?: string;
}

/** A trust chain that passed every check. */
export interface VerifiedOidcChain {
  /** The subject's entity identifier. */
  subject: string;
  /** The trust anchor's entity identifier. */
  trustAnchor: string;
  /** The chain's expiry, the earliest exp (RFC 3339): resolve it again before then. */
  expiresAt: string;
  /** The resolved metadata: entity type → parameters, after the superiors' policies. */
  metadata: Record<string, Record<string, unknown>>;
  trustMarks: VerifiedOidcTrustMark[];
}

/** Options of verifyOidcIdToken and verifyOidcIdTokenSync. */
export interface OidcIdTokenOptions {
  /** The OP's signing keys (its openid_provider.jwks as its trust chain resolved it). */
  opJwks: JwkJson;
  /** This RP's private decryption key (a private JWK), needed with a UserInfo. */
  rpDecryptionKey?: JwkJson;
  /** The UserInfo response body (a compact JWE), when the token response does not hold it. */
  userinfo?: string;
  /** This RP's client id (its entity ID): the only audience trusted. */
  clientId: string;
  /** The OP's entity ID: the tokens' iss. */
  issuer: string;
  /** The nonce exactly as sent (and not yet used: your store's job). */
  nonce: string;
  /** The verification time: a Date or an RFC 3339 string (never an implicit clock). */
  now: Date | string;
  /** The lowest acceptable level (default "SpidL2"). */
  minLevel?: "SpidL1" | "SpidL2" | "SpidL3";
  /** Tolerated clock difference in seconds, 0 to 86400 (default 0). */
  clockSkewSeconds?: number;
  /** The scheme the identity is reported under (default "spid"). */
  system?: "spid" | "cie";
}

/** A verified login: the identity (the UserInfo's person when there is one). */
export interface VerifiedOidcLogin {
  identity: VerifiedIdentity;
  /** The ID token's (pairwise) sub. */
  sub: string;
  level: "SpidL1" | "SpidL2" | "SpidL3";
  /** The ID token's JWS alg. */
  idTokenAlg: string;
  /** Whether at_hash was checked (an access token was given). */
  atHashChecked: boolean;
  /** The UserInfo's algorithms, when there was one: what the OP really used. */
  userinfo?: { jweAlg: string; jweEnc: string; jwsAlg: string };
}
"#;

const CHAIN_OPTIONS: &[&str] = &[
    "trustAnchors",
    "trustMarkIssuers",
    "now",
    "allowHttp",
    "maxPathLength",
    "entityType",
    "requiredTrustMarks",
];

const ID_TOKEN_OPTIONS: &[&str] = &[
    "opJwks",
    "rpDecryptionKey",
    "userinfo",
    "clientId",
    "issuer",
    "nonce",
    "now",
    "minLevel",
    "clockSkewSeconds",
    "system",
];

/// `[{entityId, jwks}]` of option `key`, the key sets parsed.
fn entities(
    options: &JsValue,
    key: &str,
    required: bool,
) -> Result<Result<Vec<(String, JwkSet)>, idbridge::Error>, JsValue> {
    let list = get(options, key);
    if absent(&list) && !required {
        return Ok(Ok(Vec::new()));
    }
    if !js_sys::Array::is_array(&list) {
        return Err(config(&format!(
            "options.{key} must be an array of {{entityId, jwks}}, not {}",
            describe(&list)
        )));
    }
    let mut raw = Vec::new();
    for item in js_sys::Array::from(&list).iter() {
        check_options(&item, &["entityId", "jwks"])?;
        let id = string(&item, "entityId")?;
        let jwks = json_bytes(&get(&item, "jwks"), &format!("options.{key}[].jwks"))?;
        raw.push((id, jwks));
    }
    if required && raw.is_empty() {
        return Err(config(&format!(
            "options.{key} must name at least one entity"
        )));
    }
    // The key sets' own refusals are verification errors with their code.
    Ok(raw
        .into_iter()
        .map(|(id, jwks)| JwkSet::from_json(&jwks).map(|k| (id, k)))
        .collect())
}

/// A trust-chain verification's owned inputs.
pub(crate) struct ChainCall {
    statements: Statements,
    trust: Result<FederationTrust, idbridge::Error>,
    options: ChainOptions,
    now: UnixTime,
}

enum Statements {
    /// The `{"statements": [...]}` document.
    Document(Vec<u8>),
    /// The statements themselves, subject first.
    List(Vec<String>),
}

impl ChainCall {
    pub(crate) fn parse(chain: &JsValue, options: &JsValue) -> Result<ChainCall, JsValue> {
        check_options(options, CHAIN_OPTIONS)?;
        let statements = if js_sys::Array::is_array(chain) {
            let list = js_sys::Array::from(chain)
                .iter()
                .map(|s| s.as_string())
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    config("the chain must be a JSON document or an array of strings")
                })?;
            Statements::List(list)
        } else {
            Statements::Document(bytes_of(chain, "the chain")?)
        };
        let trust = match (
            entities(options, "trustAnchors", true)?,
            entities(options, "trustMarkIssuers", false)?,
        ) {
            (Ok(anchors), Ok(issuers)) => {
                let mut t = FederationTrust::new();
                for (id, k) in anchors {
                    t = t.with_anchor(id, k);
                }
                for (id, k) in issuers {
                    t = t.with_trust_mark_issuer(id, k);
                }
                Ok(t)
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        let mut o = ChainOptions::new().allow_http(flag(options, "allowHttp")?);
        if let Some(max) = count(options, "maxPathLength")? {
            o = o.max_path_length(max);
        }
        let t = get(options, "entityType");
        if !absent(&t) {
            o = o.entity_type(string(options, "entityType")?);
        }
        if let Some(types) = crate::js::optional_strings(
            &get(options, "requiredTrustMarks"),
            "options.requiredTrustMarks",
        )? {
            for t in types {
                o = o.require_trust_mark(t);
            }
        }
        Ok(ChainCall {
            statements,
            trust,
            options: o,
            now: time_of(&get(options, "now"), "options.now")?,
        })
    }
}

impl Call for ChainCall {
    fn run(
        &self,
        backend: &dyn Backend,
        _trust: &idbridge::Trust,
    ) -> Result<serde_json::Value, idbridge::Error> {
        let trust = self.trust.as_ref().map_err(Clone::clone)?;
        let chain = match &self.statements {
            Statements::Document(d) => {
                federation::verify_chain_document(backend, trust, d, &self.options, self.now)?
            }
            Statements::List(l) => {
                federation::verify_chain(backend, trust, l, &self.options, self.now)?
            }
        };
        let marks: Vec<_> = chain
            .trust_marks()
            .iter()
            .map(|m| {
                let mut o = serde_json::json!({
                    "trustMarkType": m.trust_mark_type(),
                    "issuer": m.issuer(),
                    "issuedAt": m.issued_at().to_rfc3339(),
                });
                if let (Some(exp), Some(obj)) = (m.expires_at(), o.as_object_mut()) {
                    obj.insert("expiresAt".into(), exp.to_rfc3339().into());
                }
                o
            })
            .collect();
        Ok(serde_json::json!({
            "subject": chain.subject(),
            "trustAnchor": chain.trust_anchor(),
            "expiresAt": chain.expires_at().to_rfc3339(),
            "metadata": chain.metadata(),
            "trustMarks": marks,
        }))
    }
}

/// An ID-token verification's owned inputs.
pub(crate) struct IdTokenCall {
    tokens: Result<TokenResponse, idbridge::Error>,
    op_jwks: Result<JwkSet, idbridge::Error>,
    key: Result<Option<DecryptionKey>, idbridge::Error>,
    client_id: String,
    issuer: String,
    nonce: String,
    min_level: SpidLevel,
    skew: u32,
    cie: bool,
    now: UnixTime,
}

impl IdTokenCall {
    pub(crate) fn parse(tokens: &JsValue, options: &JsValue) -> Result<IdTokenCall, JsValue> {
        check_options(options, ID_TOKEN_OPTIONS)?;
        let doc = bytes_of(tokens, "the token response")?;
        let userinfo = get(options, "userinfo");
        let userinfo = if absent(&userinfo) {
            None
        } else {
            Some(string(options, "userinfo")?)
        };
        let min_level = {
            let v = get(options, "minLevel");
            if absent(&v) {
                SpidLevel::L2
            } else {
                let name = string(options, "minLevel")?;
                SpidLevel::from_name(&name).ok_or_else(|| {
                    config(&format!(
                        "options.minLevel {name:?}: expected SpidL1, SpidL2 or SpidL3"
                    ))
                })?
            }
        };
        let cie = {
            let v = get(options, "system");
            if absent(&v) {
                false
            } else {
                match string(options, "system")?.as_str() {
                    "spid" => false,
                    "cie" => true,
                    other => {
                        return Err(config(&format!(
                            "options.system {other:?}: expected \"spid\" or \"cie\""
                        )))
                    }
                }
            }
        };
        let skew = crate::js::skew_seconds(options)?;
        let key = get(options, "rpDecryptionKey");
        let key = if absent(&key) {
            Ok(None)
        } else {
            DecryptionKey::from_jwk_json(&json_bytes(&key, "options.rpDecryptionKey")?).map(Some)
        };
        let tokens = TokenResponse::from_json(&doc, &Limits::default()).and_then(|mut t| {
            if let Some(body) = userinfo {
                if t.userinfo.is_some() {
                    return Err(idbridge::Error::new(
                        idbridge::ErrorCode::ConfigInvalid,
                        "options.userinfo given, but the token response holds a userinfo",
                    ));
                }
                t.userinfo = Some(body.trim().to_string());
            }
            Ok(t)
        });
        Ok(IdTokenCall {
            tokens,
            op_jwks: JwkSet::from_json(&json_bytes(&get(options, "opJwks"), "options.opJwks")?),
            key,
            client_id: string(options, "clientId")?,
            issuer: string(options, "issuer")?,
            nonce: string(options, "nonce")?,
            min_level,
            skew,
            cie,
            now: time_of(&get(options, "now"), "options.now")?,
        })
    }
}

impl Call for IdTokenCall {
    fn run(
        &self,
        backend: &dyn Backend,
        _trust: &idbridge::Trust,
    ) -> Result<serde_json::Value, idbridge::Error> {
        let op_jwks = self.op_jwks.as_ref().map_err(Clone::clone)?;
        let key = self.key.as_ref().map_err(Clone::clone)?;
        let tokens = self.tokens.as_ref().map_err(Clone::clone)?;
        let mut e = Expectations::new(&self.client_id, &self.issuer, &self.nonce);
        e.min_level = self.min_level;
        e.clock_skew_seconds = self.skew;
        if self.cie {
            e.system = idbridge::System::Cie;
        }
        let login = rp::verify_login(backend, op_jwks, key.as_ref(), tokens, &e, self.now)?;
        let id = login.id_token();
        let mut out = serde_json::json!({
            "identity": login.identity(),
            "sub": id.sub(),
            "level": id.level().name(),
            "idTokenAlg": id.jws().alg(),
            "atHashChecked": id.at_hash_checked(),
        });
        if let (Some(u), Some(obj)) = (login.userinfo(), out.as_object_mut()) {
            obj.insert(
                "userinfo".into(),
                serde_json::json!({
                    "jweAlg": u.jwe_alg().name(),
                    "jweEnc": u.jwe_enc().name(),
                    "jwsAlg": u.jws().alg(),
                }),
            );
        }
        Ok(out)
    }
}

thread_local! {
    /// The (empty) `Trust` of the OpenID Connect checks, whose trust is in
    /// their options: it holds their shared WebCrypto key cache.
    static OIDC_TRUST: crate::trust::Trust = crate::trust::Trust::empty();
}

fn sync<C: Call>(call: Result<C, JsValue>) -> Result<JsValue, JsValue> {
    let value = call?
        .run(crypto::default_backend(), &idbridge::Trust::default())
        .map_err(|e| to_js(&e))?;
    crate::js::to_plain(&value)
}

/// Verifies an OpenID Federation 1.0 trust chain (VECTORS.md kind
/// `oidc-trust-chain`): `chain` is the `{"statements": [...]}` document or
/// the array of statements, subject first. Signatures run on WebCrypto.
/// Resolves to the subject, trust anchor, expiry, resolved metadata and
/// valid trust marks; rejects with an `IdbridgeError` whose `.code` names
/// the failed check.
#[wasm_bindgen(js_name = verifyOidcTrustChain, unchecked_return_type = "Promise<VerifiedOidcChain>")]
pub fn verify_oidc_trust_chain(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string | string[]")] chain: JsValue,
    #[wasm_bindgen(unchecked_param_type = "OidcChainOptions")] options: JsValue,
) -> Promise {
    let call = ChainCall::parse(&chain, &options);
    OIDC_TRUST.with(|t| run_async(Ok(t.shared()), call))
}

/// As `verifyOidcTrustChain`, synchronously, in WASM. Throws an `IdbridgeError`.
#[wasm_bindgen(js_name = verifyOidcTrustChainSync, unchecked_return_type = "VerifiedOidcChain")]
pub fn verify_oidc_trust_chain_sync(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string | string[]")] chain: JsValue,
    #[wasm_bindgen(unchecked_param_type = "OidcChainOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    sync(ChainCall::parse(&chain, &options))
}

/// Verifies a SPID/CIE ID token with its access token and signed-then-
/// encrypted UserInfo (VECTORS.md kind `oidc-id-token`): `tokens` is the
/// token endpoint's JSON response (`{"id_token", "access_token",
/// "userinfo"}`). Signatures run on WebCrypto, decryption in WASM.
/// Resolves to the identity, `sub`, level and algorithms; rejects with an
/// `IdbridgeError`.
#[wasm_bindgen(js_name = verifyOidcIdToken, unchecked_return_type = "Promise<VerifiedOidcLogin>")]
pub fn verify_oidc_id_token(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] tokens: JsValue,
    #[wasm_bindgen(unchecked_param_type = "OidcIdTokenOptions")] options: JsValue,
) -> Promise {
    let call = IdTokenCall::parse(&tokens, &options);
    OIDC_TRUST.with(|t| run_async(Ok(t.shared()), call))
}

/// As `verifyOidcIdToken`, synchronously, in WASM. Throws an `IdbridgeError`.
#[wasm_bindgen(js_name = verifyOidcIdTokenSync, unchecked_return_type = "VerifiedOidcLogin")]
pub fn verify_oidc_id_token_sync(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] tokens: JsValue,
    #[wasm_bindgen(unchecked_param_type = "OidcIdTokenOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    sync(IdTokenCall::parse(&tokens, &options))
}
