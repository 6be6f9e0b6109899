//! The verification functions: each comes asynchronous (signature checks
//! by WebCrypto, see `recording`) and synchronous (`…Sync`, pure WASM).
//! Both run the same verifier over the same inputs: only who does the
//! signature arithmetic differs, so both give the same result and the same
//! error codes.

use crate::js::{
    absent, bytes_of, check_options, config, get, js_error, string, time_of, to_js, to_plain,
};
use crate::recording::{discharge, Recorder};
use crate::trust::{Shared, Trust};
use idbridge::crypto::{self, Backend};
use idbridge::{spid, webeid, UnixTime};
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

/// Runs `call` with the WASM backend (RustCrypto).
pub(crate) fn run_sync(call: &dyn Call, trust: &Trust) -> Result<JsValue, JsValue> {
    let shared = trust.shared();
    let value = call
        .run(crypto::default_backend(), &shared.core)
        .map_err(|e| to_js(&e))?;
    to_plain(&value)
}

/// Runs `call` with WebCrypto; a Promise of the result.
pub(crate) fn run_async<C: Call>(call: Result<C, JsValue>, trust: &Trust) -> Promise {
    let call = match call {
        Ok(call) => call,
        Err(e) => return Promise::reject(&e),
    };
    let shared: Rc<Shared> = trust.shared();
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

// ------------------------------------------------------------------ Web eID

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
    trust: &Trust,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] token: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WebEidOptions")] options: JsValue,
) -> Promise {
    run_async(WebEidCall::parse(&token, &options), trust)
}

/// As `verifyWebEidToken`, synchronously, with the signature arithmetic
/// in WASM. Returns the verified identity; throws an `IdbridgeError`.
#[wasm_bindgen(js_name = verifyWebEidTokenSync, unchecked_return_type = "VerifiedIdentity")]
pub fn verify_webeid_token_sync(
    trust: &Trust,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] token: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WebEidOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    run_sync(&WebEidCall::parse(&token, &options)?, trust)
}

// --------------------------------------------------------------- SPID, CIE

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
            Some(v) => match v.as_f64() {
                Some(s) if (0.0..=86_400.0).contains(&s) && s.fract() == 0.0 => Some(s as u32),
                _ => {
                    return Err(config(
                        "options.clockSkewSeconds must be a whole 0 to 86400",
                    ))
                }
            },
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
    trust: &Trust,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SamlOptions")] options: JsValue,
) -> Promise {
    run_async(SamlCall::parse(false, &response, &options), trust)
}

/// As `verifySpidResponse`, synchronously, with the signature arithmetic
/// in WASM. Throws an `IdbridgeError`.
#[wasm_bindgen(js_name = verifySpidResponseSync, unchecked_return_type = "VerifiedSamlResponse")]
pub fn verify_spid_response_sync(
    trust: &Trust,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SamlOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    run_sync(&SamlCall::parse(false, &response, &options)?, trust)
}

/// Verifies a CIE ID SAML Response (HTTP-POST binding) against the IdPs of
/// `trust`, with the CIE profile's rules; signature checks on WebCrypto.
/// Resolves to the verified Response; rejects with an `IdbridgeError`.
#[wasm_bindgen(js_name = verifyCieResponse, unchecked_return_type = "Promise<VerifiedSamlResponse>")]
pub fn verify_cie_response(
    trust: &Trust,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SamlOptions")] options: JsValue,
) -> Promise {
    run_async(SamlCall::parse(true, &response, &options), trust)
}

/// As `verifyCieResponse`, synchronously, with the signature arithmetic in
/// WASM. Throws an `IdbridgeError`.
#[wasm_bindgen(js_name = verifyCieResponseSync, unchecked_return_type = "VerifiedSamlResponse")]
pub fn verify_cie_response_sync(
    trust: &Trust,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SamlOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    run_sync(&SamlCall::parse(true, &response, &options)?, trust)
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
        algorithm: &str,
        spki: &[u8],
        message: &[u8],
        signature: &[u8],
        allowed: Option<Vec<String>>,
    ) -> Result<SignatureCall, JsValue> {
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
            algorithm: crypto::Algorithm::from_id(algorithm).map_err(|e| to_js(&e))?,
            spki: spki.to_vec(),
            message: message.to_vec(),
            signature: signature.to_vec(),
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
    static NO_TRUST: Trust = Trust::empty();
}

/// Verifies one signature with WebCrypto (the WASM backend for what it
/// lacks). `algorithm` is an idbridge id (`"rsa-pss-sha256"`,
/// `"ecdsa-p384-sha384-raw"`…; see `algorithms()`), `spkiDer` the key as
/// DER SubjectPublicKeyInfo, `allowed` the caller's allow-list (default:
/// every algorithm `algorithms()` lists). Resolves to `undefined`; rejects with an
/// `IdbridgeError` (`crypto.signature.invalid`, `crypto.key.mismatch`…).
#[wasm_bindgen(js_name = verifySignature, unchecked_return_type = "Promise<void>")]
pub fn verify_signature(
    #[wasm_bindgen(unchecked_param_type = "SignatureAlgorithm")] algorithm: &str,
    spki_der: &[u8],
    message: &[u8],
    signature: &[u8],
    #[wasm_bindgen(unchecked_optional_param_type = "SignatureAlgorithm[]")] allowed: Option<
        Vec<String>,
    >,
) -> Promise {
    let call = SignatureCall::parse(algorithm, spki_der, message, signature, allowed);
    NO_TRUST.with(|t| run_async(call, t))
}

/// As `verifySignature`, synchronously, in WASM: returns nothing, throws an
/// `IdbridgeError` on failure.
#[wasm_bindgen(js_name = verifySignatureSync)]
pub fn verify_signature_sync(
    #[wasm_bindgen(unchecked_param_type = "SignatureAlgorithm")] algorithm: &str,
    spki_der: &[u8],
    message: &[u8],
    signature: &[u8],
    #[wasm_bindgen(unchecked_optional_param_type = "SignatureAlgorithm[]")] allowed: Option<
        Vec<String>,
    >,
) -> Result<(), JsValue> {
    let call = SignatureCall::parse(algorithm, spki_der, message, signature, allowed)?;
    call.run(crypto::default_backend(), &idbridge::Trust::default())
        .map(|_| ())
        .map_err(|e| to_js(&e))
}
