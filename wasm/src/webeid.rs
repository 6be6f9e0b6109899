//! The Web eID exports (feature `webeid`): `verifyWebEidToken` and its
//! `Sync` twin.

use crate::js::{absent, bytes_of, check_options, get, string, time_of};
use crate::trust::Trust;
use crate::verify::{run_async, run_sync, Call};
use idbridge::crypto::Backend;
use idbridge::{webeid, UnixTime};
use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_WEBEID: &'static str = r#"
/** Options of verifyWebEidToken and verifyWebEidTokenSync. */
export interface WebEidOptions {
  /** The site's origin, exactly https://host[:port]. */
  origin: string;
  /** The challenge nonce exactly as issued (and not yet used: your store's job). */
  nonce: string;
  /** The verification time: a Date or an RFC 3339 string (never an implicit clock). */
  now: Date | string;
  /** An OCSP response your server fetched for the token's certificate, and optionally a pinned designated responder certificate (DER or PEM). */
  ocsp?: { response: Uint8Array; responder?: Uint8Array | string };
}
"#;

const WEBEID_OPTIONS: &[&str] = &["origin", "nonce", "now", "ocsp"];

/// A Web eID verification's owned inputs.
pub(crate) struct WebEidCall {
    token: Vec<u8>,
    origin: String,
    nonce: String,
    now: UnixTime,
    ocsp: Option<(Vec<u8>, Option<Vec<u8>>)>,
}

impl WebEidCall {
    pub(crate) fn parse(token: &JsValue, options: &JsValue) -> Result<WebEidCall, JsValue> {
        check_options(options, WEBEID_OPTIONS)?;
        let ocsp = get(options, "ocsp");
        let ocsp = if absent(&ocsp) {
            None
        } else {
            check_options(&ocsp, &["response", "responder"])?;
            let response = bytes_of(&get(&ocsp, "response"), "options.ocsp.response")?;
            let responder = get(&ocsp, "responder");
            let responder = if absent(&responder) {
                None
            } else {
                Some(bytes_of(&responder, "options.ocsp.responder")?)
            };
            Some((response, responder))
        };
        Ok(WebEidCall {
            token: bytes_of(token, "the token")?,
            origin: string(options, "origin")?,
            nonce: string(options, "nonce")?,
            now: time_of(&get(options, "now"), "options.now")?,
            ocsp,
        })
    }
}

impl Call for WebEidCall {
    fn run(
        &self,
        backend: &dyn Backend,
        trust: &idbridge::Trust,
    ) -> Result<serde_json::Value, idbridge::Error> {
        let mut exp = webeid::Expectations::new(&self.origin, &self.nonce);
        if let Some((response, responder)) = &self.ocsp {
            exp.ocsp = webeid::Ocsp::Response {
                response,
                responder: responder.as_deref(),
                request_nonce: None,
            };
        }
        let v = webeid::verify_token_with(backend, trust, &self.token, &exp, self.now)?;
        serde_json::to_value(v.identity()).map_err(|e| {
            idbridge::Error::with_detail(idbridge::ErrorCode::ConfigInvalid, e.to_string())
        })
    }
}

/// Verifies a Web eID authentication token (web-eid:1.0 or 1.1) against
/// `trust`; the signature checks (the token's and the certificate chain's)
/// run on WebCrypto. Resolves to the verified identity; rejects with an
/// `IdbridgeError` whose `.code` names the failed check.
#[wasm_bindgen(js_name = verifyWebEidToken, unchecked_return_type = "Promise<VerifiedIdentity>")]
pub fn verify_webeid_token(
    #[wasm_bindgen(unchecked_param_type = "Trust")] trust: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] token: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WebEidOptions")] options: JsValue,
) -> Promise {
    run_async(Trust::from_js(&trust), WebEidCall::parse(&token, &options))
}

/// As `verifyWebEidToken`, synchronously, with the signature arithmetic
/// in WASM. Returns the verified identity; throws an `IdbridgeError`.
#[wasm_bindgen(js_name = verifyWebEidTokenSync, unchecked_return_type = "VerifiedIdentity")]
pub fn verify_webeid_token_sync(
    #[wasm_bindgen(unchecked_param_type = "Trust")] trust: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] token: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WebEidOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    run_sync(&trust, WebEidCall::parse(&token, &options))
}
