//! The SD-JWT VC exports (feature `sdjwt`): `verifySdJwtVc` and its `Sync`
//! twin, `verifyOpenid4vpResponse` and its `Sync` twin (an OpenID4VP
//! `direct_post` or `direct_post.jwt` response checked against the DCQL
//! query), and `sdJwtVcStatusList` (which status list to fetch, before
//! verifying). The trust is in the options: the issuer's JWK Set, the
//! status-list signers' and the status-list tokens the page fetched.

use crate::js::{
    absent, bytes_of, check_options, config, count, describe, flag, get, json_bytes,
    optional_strings, string, string_arg, time_of, to_js,
};
use crate::verify::{run_async, Call};
use idbridge::crypto::{self, Backend};
use idbridge::jose::{DecryptionKey, JweOptions, JwkSet, JwsOptions};
use idbridge::sdjwt::openid4vp::{self, AuthorizationResponse, BodyEncoding, DcqlQuery};
use idbridge::sdjwt::{
    self, CredentialStatus, Expectations, KeyBinding, Profile, SdJwtTrust, StatusCheck,
    StatusLists, VerifiedPresentation,
};
use idbridge::{Limits, UnixTime};
use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_SDJWT: &'static str = r#"
/** Options of verifySdJwtVc and verifySdJwtVcSync: the issuer's trust is
 * issuerKeys or issuerMetadata, exactly one of them, and the common options. */
export type SdJwtVcOptions = SdJwtVcCommonOptions & (
  | {
      /** The issuer's signing keys, a JWK Set. */
      issuerKeys: JwkJson;
      issuerMetadata?: undefined;
    }
  | {
      /** The issuer's JWT VC Issuer Metadata (/.well-known/jwt-vc-issuer, as
       * fetched by you) with inline jwks: its keys, for its issuer only. */
      issuerMetadata: string | Uint8Array | object;
      issuerKeys?: undefined;
    }
);

/** The options of verifySdJwtVc besides the issuer's trust. */
export interface SdJwtVcCommonOptions {
  /** The status-list tokens' signers (default: the issuer's keys, from issuerKeys or issuerMetadata). */
  statusListKeys?: JwkJson;
  /** The status-list tokens you fetched (statuslist+jwt), by URI: see sdJwtVcStatusList. */
  statusLists?: Record<string, string | Uint8Array>;
  /** The verification time: a Date or an RFC 3339 string (never an implicit clock). */
  now: Date | string;
  /** The OpenID4VP request's nonce: the KB-JWT's nonce. */
  nonce?: string;
  /** This verifier's client_id: the KB-JWT's aud. */
  audience?: string;
  /** Require a KB-JWT (default true: your policy, whatever the credential holds). */
  requireKeyBinding?: boolean;
  /** "sd-jwt-vc" (default: typ and vct checked) or "sd-jwt" (RFC 9901 alone). */
  profile?: "sd-jwt-vc" | "sd-jwt";
  /** Accepted typ values (default ["dc+sd-jwt", "vc+sd-jwt"]). */
  acceptedTyp?: string[];
  /** Accepted vct values (default: any). */
  acceptedVct?: string[];
  /** How old the KB-JWT may be, in seconds (default 300). */
  maxKbAgeSeconds?: number;
  /** Tolerated clock difference in seconds, 0 to 86400 (default 0). */
  clockSkewSeconds?: number;
  /** "required" (default) or "off". */
  statusCheck?: "required" | "off";
}

/** A credential's entry in a Token Status List. */
export interface SdJwtStatusReference {
  uri: string;
  idx: number;
}

/** A presentation that passed every check. */
export interface VerifiedSdJwtVc {
  identity: VerifiedIdentity;
  /** The processed payload: signed claims and the presented disclosures in place. */
  claims: Record<string, unknown>;
  vct?: string;
  issuerAlg: string;
  issuerKid?: string;
  disclosures: number;
  /** The verified KB-JWT, when there was one. */
  keyBinding?: { iat: string; alg: string; holderThumbprint: string };
  /** "none": no status list; "valid": checked; "not-checked": statusCheck "off". */
  status: { state: "none" } | { state: "valid" | "not-checked"; uri: string; idx: number };
}

/** Options of verifyOpenid4vpResponse and verifyOpenid4vpResponseSync: those of
 * verifySdJwtVc, applied to every presentation, and the response's own. */
export type Openid4vpOptions = SdJwtVcOptions & Openid4vpResponseOptions;

/** The options of verifyOpenid4vpResponse besides those of verifySdJwtVc. */
export interface Openid4vpResponseOptions {
  /** The DCQL query your request sent (its dcql_query): JSON text, bytes or the parsed object. */
  dcqlQuery: string | Uint8Array | object;
  /** "direct_post" (default: vp_token in the body) or "direct_post.jwt" (a JWE in the body's response). */
  responseMode?: "direct_post" | "direct_post.jwt";
  /** The body's Content-Type: "form" (application/x-www-form-urlencoded, default) or "json". */
  bodyEncoding?: "form" | "json";
  /** direct_post.jwt only, and required there: your private decryption key, a JWK. */
  decryptionKey?: JwkJson;
  /** direct_post.jwt only: the wallet's keys, a JWK Set, when it signs the response inside the JWE. */
  walletKeys?: JwkJson;
  /** Your request's state: the response's must equal it (openid4vp.state.mismatch), checked first. */
  state?: string;
}

/** An OpenID4VP response whose every presentation passed every check and
 * which answers every credential query. */
export interface VerifiedOpenid4vpResponse {
  /** The response's state, as received (compared when options.state is given). */
  state?: string;
  /** Each credential query id's verified presentations. */
  credentials: Record<string, VerifiedSdJwtVc[]>;
}
"#;

/// The options of `verifySdJwtVc`, which `verifyOpenid4vpResponse` shares.
const OPTIONS: &[&str] = &[
    "issuerKeys",
    "issuerMetadata",
    "statusListKeys",
    "statusLists",
    "now",
    "nonce",
    "audience",
    "requireKeyBinding",
    "profile",
    "acceptedTyp",
    "acceptedVct",
    "maxKbAgeSeconds",
    "clockSkewSeconds",
    "statusCheck",
];

/// The options only `verifyOpenid4vpResponse` has.
const RESPONSE_OPTIONS: &[&str] = &[
    "dcqlQuery",
    "responseMode",
    "bodyEncoding",
    "decryptionKey",
    "walletKeys",
    "state",
];

fn optional_string(options: &JsValue, key: &str) -> Result<Option<String>, JsValue> {
    if absent(&get(options, key)) {
        Ok(None)
    } else {
        string(options, key).map(Some)
    }
}

fn seconds(options: &JsValue, key: &str, default: u32) -> Result<u32, JsValue> {
    Ok(count(options, key)?
        .map(|s| u32::try_from(s).unwrap_or(u32::MAX))
        .unwrap_or(default))
}

/// A JWK (Set) option parsed, `None` when absent; the key's own refusal
/// is a verification error with its code.
fn optional_keys<T>(
    options: &JsValue,
    key: &str,
    parse: fn(&[u8]) -> Result<T, idbridge::Error>,
) -> Result<Option<Result<T, idbridge::Error>>, JsValue> {
    let v = get(options, key);
    if absent(&v) {
        return Ok(None);
    }
    Ok(Some(parse(&json_bytes(&v, &format!("options.{key}"))?)))
}

/// The trust and expectations every presentation is verified with: the
/// options of `verifySdJwtVc`.
pub(crate) struct Policy {
    trust: Result<SdJwtTrust, idbridge::Error>,
    lists: StatusLists,
    nonce: Option<String>,
    audience: Option<String>,
    key_binding: KeyBinding,
    profile: Profile,
    accepted_typ: Option<Vec<String>>,
    accepted_vct: Option<Vec<String>>,
    max_kb_age: u32,
    skew: u32,
    status_check: StatusCheck,
    now: UnixTime,
}

impl Policy {
    /// Reads the options of [`OPTIONS`] (the caller checked the names).
    fn parse(options: &JsValue) -> Result<Policy, JsValue> {
        let issuer = match (
            optional_keys(options, "issuerKeys", JwkSet::from_json)?,
            optional_keys(options, "issuerMetadata", |doc| {
                SdJwtTrust::from_issuer_metadata(doc, &Limits::default())
            })?,
        ) {
            (Some(keys), None) => keys.map(SdJwtTrust::new),
            (None, Some(trust)) => trust,
            _ => {
                return Err(config(
                    "the issuer's trust is options.issuerKeys (a JWK Set) or options.issuerMetadata (JWT VC Issuer Metadata): exactly one of them",
                ))
            }
        };
        let status_keys = optional_keys(options, "statusListKeys", JwkSet::from_json)?;
        let trust = issuer.and_then(|t| match status_keys {
            None => Ok(t),
            Some(k) => k.map(|k| t.with_status_list_keys(k)),
        });
        let mut lists = StatusLists::new();
        let given = get(options, "statusLists");
        if !absent(&given) {
            if !given.is_object() || js_sys::Array::is_array(&given) {
                return Err(config(&format!(
                    "options.statusLists must be an object from URI to token, not {}",
                    describe(&given)
                )));
            }
            for entry in js_sys::Object::entries(&js_sys::Object::from(given)).iter() {
                let pair = js_sys::Array::from(&entry);
                let uri = pair
                    .get(0)
                    .as_string()
                    .ok_or_else(|| config("options.statusLists keys are URIs"))?;
                lists.insert(uri, bytes_of(&pair.get(1), "options.statusLists[uri]")?);
            }
        }
        let require = get(options, "requireKeyBinding");
        let key_binding = if absent(&require) || flag(options, "requireKeyBinding")? {
            KeyBinding::Required
        } else {
            KeyBinding::Optional
        };
        let profile = match optional_string(options, "profile")?.as_deref() {
            None | Some("sd-jwt-vc") => Profile::SdJwtVc,
            Some("sd-jwt") => Profile::SdJwt,
            Some(other) => {
                return Err(config(&format!(
                    "options.profile {other:?}: expected \"sd-jwt-vc\" or \"sd-jwt\""
                )))
            }
        };
        let status_check = match optional_string(options, "statusCheck")?.as_deref() {
            None | Some("required") => StatusCheck::Required,
            Some("off") => StatusCheck::Off,
            Some(other) => {
                return Err(config(&format!(
                    "options.statusCheck {other:?}: expected \"required\" or \"off\""
                )))
            }
        };
        Ok(Policy {
            trust,
            lists,
            nonce: optional_string(options, "nonce")?,
            audience: optional_string(options, "audience")?,
            key_binding,
            profile,
            accepted_typ: optional_strings(&get(options, "acceptedTyp"), "options.acceptedTyp")?,
            accepted_vct: optional_strings(&get(options, "acceptedVct"), "options.acceptedVct")?,
            max_kb_age: seconds(options, "maxKbAgeSeconds", 300)?,
            skew: crate::js::skew_seconds(options)?,
            status_check,
            now: time_of(&get(options, "now"), "options.now")?,
        })
    }

    /// Runs `f` with the trust and the expectations these options make.
    fn with<R>(
        &self,
        f: impl FnOnce(&SdJwtTrust, &Expectations<'_>) -> Result<R, idbridge::Error>,
    ) -> Result<R, idbridge::Error> {
        let trust = self.trust.as_ref().map_err(Clone::clone)?;
        let typ: Option<Vec<&str>> = self
            .accepted_typ
            .as_ref()
            .map(|v| v.iter().map(String::as_str).collect());
        let vct: Option<Vec<&str>> = self
            .accepted_vct
            .as_ref()
            .map(|v| v.iter().map(String::as_str).collect());
        let mut e = Expectations::without_key_binding();
        e.profile = self.profile;
        if let Some(typ) = &typ {
            e.accepted_typ = typ;
        }
        e.accepted_vct = vct.as_deref();
        e.key_binding = self.key_binding;
        e.nonce = self.nonce.as_deref();
        e.audience = self.audience.as_deref();
        e.max_kb_age_seconds = self.max_kb_age;
        e.clock_skew_seconds = self.skew;
        e.status_check = self.status_check;
        f(trust, &e)
    }
}

/// A verified presentation as the `VerifiedSdJwtVc` object.
fn presentation_json(v: &VerifiedPresentation) -> serde_json::Value {
    let status = match v.status() {
        CredentialStatus::Valid(r) => {
            serde_json::json!({"state": "valid", "uri": r.uri(), "idx": r.idx()})
        }
        CredentialStatus::NotChecked(r) => {
            serde_json::json!({"state": "not-checked", "uri": r.uri(), "idx": r.idx()})
        }
        _ => serde_json::json!({"state": "none"}),
    };
    let mut out = serde_json::json!({
        "identity": v.identity(),
        "claims": v.claims(),
        "issuerAlg": v.issuer_alg(),
        "disclosures": v.disclosures(),
        "status": status,
    });
    if let Some(obj) = out.as_object_mut() {
        if let Some(vct) = v.vct() {
            obj.insert("vct".into(), vct.into());
        }
        if let Some(kid) = v.issuer_kid() {
            obj.insert("issuerKid".into(), kid.into());
        }
        if let Some(kb) = v.key_binding() {
            obj.insert(
                "keyBinding".into(),
                serde_json::json!({
                    "iat": kb.iat().to_rfc3339(),
                    "alg": kb.alg(),
                    "holderThumbprint": kb.holder_thumbprint(),
                }),
            );
        }
    }
    out
}

/// An SD-JWT VC verification's owned inputs.
pub(crate) struct SdJwtCall {
    presentation: String,
    policy: Policy,
}

impl SdJwtCall {
    pub(crate) fn parse(presentation: &JsValue, options: &JsValue) -> Result<SdJwtCall, JsValue> {
        check_options(options, OPTIONS)?;
        let presentation =
            String::from_utf8_lossy(&bytes_of(presentation, "the presentation")?).into_owned();
        Ok(SdJwtCall {
            presentation,
            policy: Policy::parse(options)?,
        })
    }
}

impl Call for SdJwtCall {
    fn run(
        &self,
        backend: &dyn Backend,
        _trust: &idbridge::Trust,
    ) -> Result<serde_json::Value, idbridge::Error> {
        let v = self.policy.with(|trust, e| {
            sdjwt::verify_presentation(
                backend,
                &self.presentation,
                trust,
                &self.policy.lists,
                e,
                self.policy.now,
            )
        })?;
        Ok(presentation_json(&v))
    }
}

/// How the response came: `direct_post`, or `direct_post.jwt` with the
/// verifier's decryption key and, when the wallet signs, its keys.
enum Mode {
    DirectPost,
    Jwt {
        key: Box<Result<DecryptionKey, idbridge::Error>>,
        wallet: Option<Result<JwkSet, idbridge::Error>>,
    },
}

/// An OpenID4VP response verification's owned inputs.
pub(crate) struct Openid4vpCall {
    body: Vec<u8>,
    encoding: BodyEncoding,
    mode: Mode,
    query: Result<DcqlQuery, idbridge::Error>,
    state: Option<String>,
    policy: Policy,
}

impl Openid4vpCall {
    pub(crate) fn parse(body: &JsValue, options: &JsValue) -> Result<Openid4vpCall, JsValue> {
        let known: Vec<&str> = OPTIONS.iter().chain(RESPONSE_OPTIONS).copied().collect();
        check_options(options, &known)?;
        let body = bytes_of(body, "the response body")?;
        let encoding = match optional_string(options, "bodyEncoding")?.as_deref() {
            None | Some("form") => BodyEncoding::Form,
            Some("json") => BodyEncoding::Json,
            Some(other) => {
                return Err(config(&format!(
                    "options.bodyEncoding {other:?}: expected \"form\" or \"json\""
                )))
            }
        };
        let key = optional_keys(options, "decryptionKey", DecryptionKey::from_jwk_json)?;
        let wallet = optional_keys(options, "walletKeys", JwkSet::from_json)?;
        let mode = match optional_string(options, "responseMode")?.as_deref() {
            None | Some("direct_post") => {
                if key.is_some() || wallet.is_some() {
                    return Err(config(
                        "options.decryptionKey and options.walletKeys belong to responseMode \"direct_post.jwt\"",
                    ));
                }
                Mode::DirectPost
            }
            Some("direct_post.jwt") => Mode::Jwt {
                key: Box::new(key.ok_or_else(|| {
                    config("responseMode \"direct_post.jwt\" needs options.decryptionKey")
                })?),
                wallet,
            },
            Some(other) => {
                return Err(config(&format!(
                "options.responseMode {other:?}: expected \"direct_post\" or \"direct_post.jwt\""
            )))
            }
        };
        let query = get(options, "dcqlQuery");
        if absent(&query) {
            return Err(config(
                "options.dcqlQuery is required: the DCQL query your request sent",
            ));
        }
        let query = DcqlQuery::from_json(
            &json_bytes(&query, "options.dcqlQuery")?,
            &Limits::default(),
        );
        Ok(Openid4vpCall {
            body,
            encoding,
            mode,
            query,
            state: optional_string(options, "state")?,
            policy: Policy::parse(options)?,
        })
    }
}

impl Call for Openid4vpCall {
    fn run(
        &self,
        backend: &dyn Backend,
        _trust: &idbridge::Trust,
    ) -> Result<serde_json::Value, idbridge::Error> {
        let limits = Limits::default();
        let query = self.query.as_ref().map_err(Clone::clone)?;
        let response = match &self.mode {
            Mode::DirectPost => {
                AuthorizationResponse::from_direct_post(&self.body, self.encoding, &limits)?
            }
            Mode::Jwt { key, wallet } => {
                let key = match &**key {
                    Ok(key) => key,
                    Err(e) => return Err(e.clone()),
                };
                let wallet = match wallet {
                    None => None,
                    Some(w) => Some(w.as_ref().map_err(Clone::clone)?),
                };
                let jws = JwsOptions::new();
                AuthorizationResponse::from_direct_post_jwt(
                    &self.body,
                    self.encoding,
                    key,
                    &JweOptions::new(),
                    wallet.map(|w| (backend, w, &jws)),
                    &limits,
                )?
            }
        };
        let verified = self.policy.with(|trust, e| {
            let mut e = *e;
            e.state = self.state.as_deref();
            openid4vp::verify_response(
                backend,
                &response,
                query,
                trust,
                &self.policy.lists,
                &e,
                self.policy.now,
            )
        })?;
        let credentials: serde_json::Map<String, serde_json::Value> = verified
            .iter()
            .map(|(id, list)| {
                (
                    id.clone(),
                    list.iter()
                        .map(presentation_json)
                        .collect::<Vec<_>>()
                        .into(),
                )
            })
            .collect();
        let mut out = serde_json::json!({ "credentials": credentials });
        if let (Some(state), Some(obj)) = (response.state(), out.as_object_mut()) {
            obj.insert("state".into(), state.into());
        }
        Ok(out)
    }
}

thread_local! {
    /// The (empty) `Trust` of the SD-JWT checks, whose trust is in their
    /// options: it holds their shared WebCrypto key cache.
    static SDJWT_TRUST: crate::trust::Trust = crate::trust::Trust::empty();
}

/// Verifies an SD-JWT VC presentation (VECTORS.md kind `sd-jwt-vc`):
/// `presentation` is the `vp_token` string as received. Signatures run on
/// WebCrypto. Resolves to the identity, the disclosed claims, the KB-JWT
/// and the status; rejects with an `IdbridgeError` whose `.code` names the
/// failed check.
#[wasm_bindgen(js_name = verifySdJwtVc, unchecked_return_type = "Promise<VerifiedSdJwtVc>")]
pub fn verify_sd_jwt_vc(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] presentation: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SdJwtVcOptions")] options: JsValue,
) -> Promise {
    let call = SdJwtCall::parse(&presentation, &options);
    SDJWT_TRUST.with(|t| run_async(Ok(t.shared()), call))
}

/// As `verifySdJwtVc`, synchronously, in WASM. Throws an `IdbridgeError`.
#[wasm_bindgen(js_name = verifySdJwtVcSync, unchecked_return_type = "VerifiedSdJwtVc")]
pub fn verify_sd_jwt_vc_sync(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] presentation: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SdJwtVcOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let value = SdJwtCall::parse(&presentation, &options)?
        .run(crypto::default_backend(), &idbridge::Trust::default())
        .map_err(|e| to_js(&e))?;
    crate::js::to_plain(&value)
}

/// Verifies an OpenID for Verifiable Presentations 1.0 authorization
/// response carrying SD-JWT VCs: `body` is the HTTP body your
/// `response_uri` received (`direct_post`: the `vp_token`; with
/// `responseMode: "direct_post.jwt"`, a JWE to `options.decryptionKey`,
/// decrypted in WASM). Every presentation is verified as
/// `verifySdJwtVc` does, with the same options, and the response must
/// answer `options.dcqlQuery` (each credential query answered, its
/// `vct_values` and claim paths). Signatures run on WebCrypto. Resolves to
/// each query id's verified presentations and the response's `state` (for
/// you to compare); rejects with an `IdbridgeError` whose `.code` names the
/// failed check (`openid4vp.*`, `jwe.*`, or a presentation's code).
#[wasm_bindgen(js_name = verifyOpenid4vpResponse, unchecked_return_type = "Promise<VerifiedOpenid4vpResponse>")]
pub fn verify_openid4vp_response(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] body: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Openid4vpOptions")] options: JsValue,
) -> Promise {
    let call = Openid4vpCall::parse(&body, &options);
    SDJWT_TRUST.with(|t| run_async(Ok(t.shared()), call))
}

/// As `verifyOpenid4vpResponse`, synchronously, in WASM. Throws an
/// `IdbridgeError`.
#[wasm_bindgen(js_name = verifyOpenid4vpResponseSync, unchecked_return_type = "VerifiedOpenid4vpResponse")]
pub fn verify_openid4vp_response_sync(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] body: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Openid4vpOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let value = Openid4vpCall::parse(&body, &options)?
        .run(crypto::default_backend(), &idbridge::Trust::default())
        .map_err(|e| to_js(&e))?;
    crate::js::to_plain(&value)
}

/// The Token Status List a presentation names, read **without verifying
/// anything**: the URI to fetch before `verifySdJwtVc` (no fetching is done
/// here), or `null` when the credential has none. Throws an
/// `IdbridgeError` when the presentation cannot be read.
#[wasm_bindgen(js_name = sdJwtVcStatusList, unchecked_return_type = "SdJwtStatusReference | null")]
pub fn sd_jwt_vc_status_list(presentation: JsValue) -> Result<JsValue, JsValue> {
    let text = string_arg(&presentation, "the presentation")?;
    match sdjwt::status_reference(&text, &Limits::default()).map_err(|e| to_js(&e))? {
        None => Ok(JsValue::NULL),
        Some(r) => crate::js::to_plain(&serde_json::json!({"uri": r.uri(), "idx": r.idx()})),
    }
}
