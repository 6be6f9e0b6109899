//! The SD-JWT VC exports (feature `sdjwt`): `verifySdJwtVc` and its `Sync`
//! twin, and `sdJwtVcStatusList` (which status list to fetch, before
//! verifying). The trust is in the options: the issuer's JWK Set, the
//! status-list signers' and the status-list tokens the page fetched.

use crate::js::{
    absent, bytes_of, check_options, config, count, describe, flag, get, json_bytes,
    optional_strings, string, string_arg, time_of, to_js,
};
use crate::verify::{run_async, Call};
use idbridge::crypto::{self, Backend};
use idbridge::jose::JwkSet;
use idbridge::sdjwt::{
    self, CredentialStatus, Expectations, KeyBinding, Profile, SdJwtTrust, StatusCheck, StatusLists,
};
use idbridge::{Limits, UnixTime};
use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_SDJWT: &'static str = r#"
/** Options of verifySdJwtVc and verifySdJwtVcSync. */
export interface SdJwtVcOptions {
  /** The issuer's signing keys, a JWK Set. */
  issuerKeys: JwkJson;
  /** The status-list tokens' signers (default: issuerKeys). */
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
  /** Tolerated clock difference in seconds (default 0). */
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
"#;

const OPTIONS: &[&str] = &[
    "issuerKeys",
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

/// An SD-JWT VC verification's owned inputs.
pub(crate) struct SdJwtCall {
    presentation: String,
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

impl SdJwtCall {
    pub(crate) fn parse(presentation: &JsValue, options: &JsValue) -> Result<SdJwtCall, JsValue> {
        check_options(options, OPTIONS)?;
        let presentation =
            String::from_utf8_lossy(&bytes_of(presentation, "the presentation")?).into_owned();
        let issuer = JwkSet::from_json(&json_bytes(
            &get(options, "issuerKeys"),
            "options.issuerKeys",
        )?);
        let status_keys = get(options, "statusListKeys");
        let status_keys = if absent(&status_keys) {
            None
        } else {
            Some(JwkSet::from_json(&json_bytes(
                &status_keys,
                "options.statusListKeys",
            )?))
        };
        let trust = issuer.and_then(|i| {
            let t = SdJwtTrust::new(i);
            match status_keys {
                None => Ok(t),
                Some(k) => k.map(|k| t.with_status_list_keys(k)),
            }
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
        Ok(SdJwtCall {
            presentation,
            trust,
            lists,
            nonce: optional_string(options, "nonce")?,
            audience: optional_string(options, "audience")?,
            key_binding,
            profile,
            accepted_typ: optional_strings(&get(options, "acceptedTyp"), "options.acceptedTyp")?,
            accepted_vct: optional_strings(&get(options, "acceptedVct"), "options.acceptedVct")?,
            max_kb_age: seconds(options, "maxKbAgeSeconds", 300)?,
            skew: seconds(options, "clockSkewSeconds", 0)?,
            status_check,
            now: time_of(&get(options, "now"), "options.now")?,
        })
    }
}

impl Call for SdJwtCall {
    fn run(
        &self,
        backend: &dyn Backend,
        _trust: &idbridge::Trust,
    ) -> Result<serde_json::Value, idbridge::Error> {
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
        let v = sdjwt::verify_presentation(
            backend,
            &self.presentation,
            trust,
            &self.lists,
            &e,
            self.now,
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
