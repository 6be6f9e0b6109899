//! The verification functions: each comes asynchronous (signature checks
//! by WebCrypto, see `recording`) and synchronous (`…Sync`, pure WASM).
//! Both run the same verifier over the same inputs: only who does the
//! signature arithmetic differs, so both give the same result and the same
//! error codes.
//!
//! Here: the machinery every export shares ([`Call`], `run_sync`,
//! `run_async`) and the bare signature check; each scheme's exports are in
//! its own module (`webeid`, `saml`), compiled with its feature.

use crate::js::{js_error, optional_strings, string_arg, to_js, to_plain, u8_array};
use crate::recording::{discharge, Recorder};
use crate::trust::Shared;
#[cfg(any(feature = "saml", feature = "webeid"))]
use crate::trust::Trust;
use idbridge::crypto::{self, Backend};
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// A verification with its inputs owned, ready to run on any backend.
pub(crate) trait Call: 'static {
    /// Runs the synchronous verifier on `backend`.
    fn run(
        &self,
        backend: &dyn Backend,
        trust: &idbridge::Trust,
    ) -> Result<serde_json::Value, idbridge::Error>;
}

/// Runs `call` with the WASM backend (RustCrypto), against the `Trust`
/// passed as `trust` (checked first: it is the first argument).
#[cfg(any(feature = "saml", feature = "webeid"))]
pub(crate) fn run_sync<C: Call>(
    trust: &JsValue,
    call: Result<C, JsValue>,
) -> Result<JsValue, JsValue> {
    let shared = Trust::from_js(trust)?;
    let value = call?
        .run(crypto::default_backend(), &shared.core)
        .map_err(|e| to_js(&e))?;
    to_plain(&value)
}

/// Runs `call` with WebCrypto; a Promise of the result. A bad argument
/// (`trust` first) rejects the Promise: an asynchronous function never
/// throws.
pub(crate) fn run_async<C: Call>(
    trust: Result<Rc<Shared>, JsValue>,
    call: Result<C, JsValue>,
) -> Promise {
    let (shared, call) = match (trust, call) {
        (Ok(shared), Ok(call)) => (shared, call),
        (Err(e), _) | (_, Err(e)) => return Promise::reject(&e),
    };
    future_to_promise(async move {
        let recorder = Recorder::new();
        let value = discharge(&recorder, &shared.webcrypto, || {
            call.run(&recorder, &shared.core)
        })
        .await
        .and_then(|r| r)
        .map_err(|e| to_js(&e))?;
        if value.is_null() {
            // Checks without a result (a bare signature) resolve to `undefined`.
            return Ok(JsValue::UNDEFINED);
        }
        to_plain(&value)
    })
}

// ---------------------------------------------------------------- signature

/// One signature check's owned inputs.
struct SignatureCall {
    allowed: crypto::AllowList,
    algorithm: crypto::Algorithm,
    spki: Vec<u8>,
    message: Vec<u8>,
    signature: Vec<u8>,
}

impl SignatureCall {
    fn parse(
        algorithm: &JsValue,
        spki: &JsValue,
        message: &JsValue,
        signature: &JsValue,
        allowed: &JsValue,
    ) -> Result<SignatureCall, JsValue> {
        let algorithm = string_arg(algorithm, "the algorithm")?;
        let spki = u8_array(spki, "spkiDer")?;
        let message = u8_array(message, "the message")?;
        let signature = u8_array(signature, "the signature")?;
        let allowed = optional_strings(allowed, "allowed")?;
        // The package's algorithms: those of `AllowList::default()` (the ids
        // `algorithms()` lists; Ed25519 is not among them).
        let supported = crypto::AllowList::default();
        let allowed = match allowed {
            None => supported,
            Some(ids) => {
                let mut list = crypto::AllowList::none();
                for id in &ids {
                    // An id the caller allows must exist: a typo would
                    // otherwise silently narrow (or widen) the list.
                    let alg = crypto::Algorithm::from_id(id)
                        .ok()
                        .filter(|a| supported.contains(*a))
                        .ok_or_else(|| {
                            js_error(
                                "config.invalid",
                                &format!("unknown algorithm {id:?} in allowed"),
                            )
                        })?;
                    list = list.with(alg);
                }
                list
            }
        };
        Ok(SignatureCall {
            allowed,
            algorithm: crypto::Algorithm::from_id(&algorithm).map_err(|e| to_js(&e))?,
            spki,
            message,
            signature,
        })
    }
}

impl Call for SignatureCall {
    fn run(
        &self,
        backend: &dyn Backend,
        _trust: &idbridge::Trust,
    ) -> Result<serde_json::Value, idbridge::Error> {
        crypto::verify_signature(
            backend,
            self.allowed,
            self.algorithm,
            &self.spki,
            &self.message,
            &self.signature,
        )?;
        Ok(serde_json::Value::Null)
    }
}

thread_local! {
    /// The (empty) `Trust` of bare signature checks, which trust the given
    /// key only: it holds their shared WebCrypto key cache.
    static NO_TRUST: crate::trust::Trust = crate::trust::Trust::empty();
}

/// Verifies one signature with WebCrypto (the WASM backend for what it
/// lacks). `algorithm` is an idbridge id (`"rsa-pss-sha256"`,
/// `"ecdsa-p384-sha384-raw"`…; see `algorithms()`), `spkiDer` the key as
/// DER SubjectPublicKeyInfo, `allowed` the caller's allow-list (default:
/// every algorithm `algorithms()` lists). Resolves to `undefined`; rejects with an
/// `IdbridgeError` (`crypto.signature.invalid`, `crypto.key.mismatch`…).
#[wasm_bindgen(js_name = verifySignature, unchecked_return_type = "Promise<void>")]
pub fn verify_signature(
    #[wasm_bindgen(unchecked_param_type = "SignatureAlgorithm")] algorithm: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] spki_der: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] message: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] signature: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "SignatureAlgorithm[]")] allowed: JsValue,
) -> Promise {
    let call = SignatureCall::parse(&algorithm, &spki_der, &message, &signature, &allowed);
    NO_TRUST.with(|t| run_async(Ok(t.shared()), call))
}

/// As `verifySignature`, synchronously, in WASM: returns nothing, throws an
/// `IdbridgeError` on failure.
#[wasm_bindgen(js_name = verifySignatureSync)]
pub fn verify_signature_sync(
    #[wasm_bindgen(unchecked_param_type = "SignatureAlgorithm")] algorithm: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] spki_der: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] message: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] signature: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "SignatureAlgorithm[]")] allowed: JsValue,
) -> Result<(), JsValue> {
    let call = SignatureCall::parse(&algorithm, &spki_der, &message, &signature, &allowed)?;
    call.run(crypto::default_backend(), &idbridge::Trust::default())
        .map(|_| ())
        .map_err(|e| to_js(&e))
}
