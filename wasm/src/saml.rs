//! The SPID and CIE ID exports (feature `saml`): `verifySpidResponse`,
//! `verifyCieResponse` and their `Sync` twins.

use crate::js::{absent, bytes_of, check_options, config, get, string, time_of};
use crate::trust::Trust;
use crate::verify::{run_async, run_sync, Call};
use idbridge::crypto::Backend;
use idbridge::{spid, UnixTime};
use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_SAML: &'static str = r#"
/** Options of verifySpidResponse, verifyCieResponse and their Sync variants. */
export interface SamlOptions {
  /** This service provider's entity ID (the Audience). */
  spEntityId: string;
  /** The Assertion Consumer Service URL the Response was posted to. */
  acsUrl: string;
  /** The ID of the AuthnRequest this Response answers (from your request store). */
  requestId: string;
  /** The verification time: a Date or an RFC 3339 string (never an implicit clock). */
  now: Date | string;
  /** The minimum requested level (default "SpidL2"). */
  minLevel?: "SpidL1" | "SpidL2" | "SpidL3";
  /** The request's Comparison (default "minimum"). */
  comparison?: "minimum" | "exact" | "better" | "maximum";
  /** When the AuthnRequest was sent: a Date or an RFC 3339 string. */
  requestIssueInstant?: Date | string;
  /** Tolerated clock difference in seconds, 0 to 86400 (default 0). */
  clockSkewSeconds?: number;
  /** "base64" (the posted SAMLResponse form field, the default) or "xml". */
  input?: "base64" | "xml";
}

/** A verified Response: the identity, and what a replay store needs. */
export interface VerifiedSamlResponse {
  identity: VerifiedIdentity;
  responseId: string;
  responseSigned: boolean;
  assertionId: string;
  inResponseTo: string;
  /** Keep the Assertion ID in your replay store until then (RFC 3339). */
  notOnOrAfter: string;
  sessionIndex?: string;
  idpEntityId: string;
}
"#;

const SAML_OPTIONS: &[&str] = &[
    "spEntityId",
    "acsUrl",
    "requestId",
    "now",
    "minLevel",
    "comparison",
    "requestIssueInstant",
    "clockSkewSeconds",
    "input",
];

/// A SPID or CIE verification's owned inputs.
pub(crate) struct SamlCall {
    cie: bool,
    response: Vec<u8>,
    sp_entity_id: String,
    acs_url: String,
    request_id: String,
    now: UnixTime,
    min_level: Option<spid::Level>,
    comparison: Option<spid::Comparison>,
    request_issue_instant: Option<UnixTime>,
    clock_skew: Option<u32>,
    input: spid::InputEncoding,
}

impl SamlCall {
    pub(crate) fn parse(
        cie: bool,
        response: &JsValue,
        options: &JsValue,
    ) -> Result<SamlCall, JsValue> {
        check_options(options, SAML_OPTIONS)?;
        let optional = |key: &str| {
            let v = get(options, key);
            (!absent(&v)).then_some(v)
        };
        let min_level = match optional("minLevel") {
            None => None,
            Some(v) => Some(
                v.as_string()
                    .and_then(|l| spid::Level::from_name(&l))
                    .ok_or_else(|| config("options.minLevel must be SpidL1, SpidL2 or SpidL3"))?,
            ),
        };
        let comparison = match optional("comparison") {
            None => None,
            Some(v) => Some(
                v.as_string()
                    .and_then(|c| spid::Comparison::from_name(&c))
                    .ok_or_else(|| {
                        config("options.comparison must be minimum, exact, better or maximum")
                    })?,
            ),
        };
        let request_issue_instant = match optional("requestIssueInstant") {
            None => None,
            Some(v) => Some(time_of(&v, "options.requestIssueInstant")?),
        };
        let clock_skew = match optional("clockSkewSeconds") {
            None => None,
            Some(_) => Some(crate::js::skew_seconds(options)?),
        };
        let input = match optional("input").map(|v| v.as_string()) {
            None => spid::InputEncoding::Base64,
            Some(Some(s)) if s == "base64" => spid::InputEncoding::Base64,
            Some(Some(s)) if s == "xml" => spid::InputEncoding::Xml,
            Some(_) => return Err(config("options.input must be \"base64\" or \"xml\"")),
        };
        Ok(SamlCall {
            cie,
            response: bytes_of(response, "the response")?,
            sp_entity_id: string(options, "spEntityId")?,
            acs_url: string(options, "acsUrl")?,
            request_id: string(options, "requestId")?,
            now: time_of(&get(options, "now"), "options.now")?,
            min_level,
            comparison,
            request_issue_instant,
            clock_skew,
            input,
        })
    }
}

impl Call for SamlCall {
    fn run(
        &self,
        backend: &dyn Backend,
        trust: &idbridge::Trust,
    ) -> Result<serde_json::Value, idbridge::Error> {
        let mut exp = spid::Expectations::new(&self.sp_entity_id, &self.acs_url, &self.request_id);
        if let Some(l) = self.min_level {
            exp.min_level = l;
        }
        if let Some(c) = self.comparison {
            exp.comparison = c;
        }
        exp.request_issue_instant = self.request_issue_instant;
        if let Some(s) = self.clock_skew {
            exp.clock_skew = idbridge::ClockSkew::from_secs(s);
        }
        exp.input = self.input;
        let v = if self.cie {
            idbridge::cie::verify_response_with(backend, trust, &self.response, &exp, self.now)
        } else {
            spid::verify_response_with(backend, trust, &self.response, &exp, self.now)
        }?;
        Ok(serde_json::json!({
            "identity": v.identity(),
            "responseId": v.response_id(),
            "responseSigned": v.response_signed(),
            "assertionId": v.assertion_id(),
            "inResponseTo": v.in_response_to(),
            "notOnOrAfter": v.not_on_or_after().to_rfc3339(),
            "sessionIndex": v.session_index(),
            "idpEntityId": v.idp_entity_id(),
        }))
    }
}

/// Verifies a SPID SAML Response (HTTP-POST binding) against the IdPs of
/// `trust`, every rule of the SPID technical rules; the XML-DSig signature
/// checks run on WebCrypto. Resolves to the verified Response; rejects
/// with an `IdbridgeError` whose `.code` names the failed check.
#[wasm_bindgen(js_name = verifySpidResponse, unchecked_return_type = "Promise<VerifiedSamlResponse>")]
pub fn verify_spid_response(
    #[wasm_bindgen(unchecked_param_type = "Trust")] trust: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SamlOptions")] options: JsValue,
) -> Promise {
    run_async(
        Trust::from_js(&trust),
        SamlCall::parse(false, &response, &options),
    )
}

/// As `verifySpidResponse`, synchronously, with the signature arithmetic
/// in WASM. Throws an `IdbridgeError`.
#[wasm_bindgen(js_name = verifySpidResponseSync, unchecked_return_type = "VerifiedSamlResponse")]
pub fn verify_spid_response_sync(
    #[wasm_bindgen(unchecked_param_type = "Trust")] trust: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SamlOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    run_sync(&trust, SamlCall::parse(false, &response, &options))
}

/// Verifies a CIE ID SAML Response (HTTP-POST binding) against the IdPs of
/// `trust`, with the CIE profile's rules; signature checks on WebCrypto.
/// Resolves to the verified Response; rejects with an `IdbridgeError`.
#[wasm_bindgen(js_name = verifyCieResponse, unchecked_return_type = "Promise<VerifiedSamlResponse>")]
pub fn verify_cie_response(
    #[wasm_bindgen(unchecked_param_type = "Trust")] trust: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SamlOptions")] options: JsValue,
) -> Promise {
    run_async(
        Trust::from_js(&trust),
        SamlCall::parse(true, &response, &options),
    )
}

/// As `verifyCieResponse`, synchronously, with the signature arithmetic in
/// WASM. Throws an `IdbridgeError`.
#[wasm_bindgen(js_name = verifyCieResponseSync, unchecked_return_type = "VerifiedSamlResponse")]
pub fn verify_cie_response_sync(
    #[wasm_bindgen(unchecked_param_type = "Trust")] trust: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SamlOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    run_sync(&trust, SamlCall::parse(true, &response, &options))
}
