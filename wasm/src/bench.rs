//! `SignatureChecks`: the signature checks one verification performs, to
//! time alone. This is the *floor* a verification is measured against (the
//! browser performance harness, `examples/browser/bench.html`): the same
//! checks, same keys and messages, without the parsing and the rules.

#[cfg(any(feature = "saml", feature = "webeid"))]
use crate::js::to_js;
#[cfg(feature = "saml")]
use crate::saml::SamlCall;
#[cfg(any(feature = "saml", feature = "webeid"))]
use crate::trust::Trust;
#[cfg(any(feature = "saml", feature = "webeid"))]
use crate::verify::Call;
use crate::webcrypto::WebCrypto;
#[cfg(feature = "webeid")]
use crate::webeid::WebEidCall;
use idbridge::crypto::{self, SignatureCheck};
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// The signature checks of one successful verification, to be timed alone
/// (a benchmarking aid: it verifies nothing about the input by itself).
#[wasm_bindgen]
#[derive(Debug)]
pub struct SignatureChecks {
    checks: Rc<Vec<SignatureCheck>>,
    webcrypto: Rc<WebCrypto>,
}

#[cfg(any(feature = "saml", feature = "webeid"))]
fn collect<C: Call>(trust: &JsValue, call: Result<C, JsValue>) -> Result<SignatureChecks, JsValue> {
    let shared = Trust::from_js(trust)?;
    let call = call?;
    let recorder = crypto::Recorder::new(crypto::default_backend());
    call.run(&recorder, &shared.core).map_err(|e| to_js(&e))?;
    Ok(SignatureChecks {
        checks: Rc::new(recorder.into_checks()),
        webcrypto: Rc::new(WebCrypto::new()),
    })
}

#[cfg(feature = "webeid")]
#[wasm_bindgen]
impl SignatureChecks {
    /// The checks `verifyWebEidTokenSync(trust, token, options)` performs
    /// (it must succeed; throws its `IdbridgeError` otherwise).
    #[wasm_bindgen(js_name = ofWebEidToken)]
    pub fn of_webeid_token(
        #[wasm_bindgen(unchecked_param_type = "Trust")] trust: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] token: JsValue,
        #[wasm_bindgen(unchecked_param_type = "WebEidOptions")] options: JsValue,
    ) -> Result<SignatureChecks, JsValue> {
        collect(&trust, WebEidCall::parse(&token, &options))
    }
}

#[cfg(feature = "saml")]
#[wasm_bindgen]
impl SignatureChecks {
    /// The checks `verifySpidResponseSync(trust, response, options)` performs.
    #[wasm_bindgen(js_name = ofSpidResponse)]
    pub fn of_spid_response(
        #[wasm_bindgen(unchecked_param_type = "Trust")] trust: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] response: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SamlOptions")] options: JsValue,
    ) -> Result<SignatureChecks, JsValue> {
        collect(&trust, SamlCall::parse(false, &response, &options))
    }

    /// The checks `verifyCieResponseSync(trust, response, options)` performs.
    #[wasm_bindgen(js_name = ofCieResponse)]
    pub fn of_cie_response(
        #[wasm_bindgen(unchecked_param_type = "Trust")] trust: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] response: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SamlOptions")] options: JsValue,
    ) -> Result<SignatureChecks, JsValue> {
        collect(&trust, SamlCall::parse(true, &response, &options))
    }
}

#[wasm_bindgen]
impl SignatureChecks {
    /// How many checks.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> usize {
        self.checks.len()
    }

    /// The checks' algorithm ids, in order.
    #[wasm_bindgen(getter)]
    pub fn algorithms(&self) -> Vec<String> {
        self.checks
            .iter()
            .map(|c| c.algorithm().id().to_string())
            .collect()
    }

    /// Verifies every check in WASM; whether all hold.
    #[wasm_bindgen(js_name = verifySync)]
    pub fn verify_sync(&self) -> bool {
        self.checks
            .iter()
            .all(|c| crypto::default_backend().verify(c).is_ok())
    }

    /// Verifies every check with WebCrypto, concurrently (keys imported once
    /// and cached, as a `Trust` does); resolves to whether all hold.
    #[wasm_bindgen(unchecked_return_type = "Promise<boolean>")]
    pub fn verify(&self) -> Promise {
        let checks = Rc::clone(&self.checks);
        let webcrypto = Rc::clone(&self.webcrypto);
        future_to_promise(async move {
            let refs: Vec<&SignatureCheck> = checks.iter().collect();
            let answers = webcrypto.verify_all(&refs).await;
            Ok(JsValue::from_bool(
                answers.len() == refs.len() && answers.iter().all(|a| *a),
            ))
        })
    }
}
