//! WebAssembly bindings of idbridge: the same checks, in a browser or Node.
//!
//! Every function throws a JavaScript `Error` on failure whose `code`
//! property is the stable error code (`"crypto.signature.invalid"`...) and
//! whose `name` is `"IdbridgeError"`. Nothing here reads a clock: time is a
//! parameter wherever a check needs it.
//!
//! ```js
//! import init, { verifySignature } from "idbridge";
//! try {
//!   verifySignature("ecdsa-p256-sha256-raw", spkiDer, message, signature);
//! } catch (e) {
//!   console.log(e.code); // e.g. "crypto.signature.invalid"
//! }
//! ```

use idbridge::crypto::{self, Algorithm, AllowList};
use idbridge::vectors::{MemoryFiles, Runner, Summary};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// An `Error` carrying the stable code of `e`.
fn to_js(e: &idbridge::Error) -> JsValue {
    js_error(e.code(), &e.to_string())
}

fn js_error(code: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name("IdbridgeError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(code));
    err.into()
}

/// Verifies one signature.
///
/// `algorithm` is an idbridge algorithm id (`"rsa-pss-sha256"`,
/// `"ecdsa-p384-sha384-raw"`...; see `algorithms()`); `spkiDer` the public
/// key as DER SubjectPublicKeyInfo; `allowed`, when given, the caller's
/// allow-list of ids (default: every supported algorithm). Returns nothing
/// on success, throws on failure.
#[wasm_bindgen(js_name = verifySignature)]
pub fn verify_signature(
    algorithm: &str,
    spki_der: &[u8],
    message: &[u8],
    signature: &[u8],
    allowed: Option<Vec<String>>,
) -> Result<(), JsValue> {
    let allowed = match allowed {
        None => AllowList::all(),
        Some(ids) => ids
            .iter()
            .filter_map(|id| Algorithm::from_id(id).ok())
            .fold(AllowList::none(), AllowList::with),
    };
    let algorithm = Algorithm::from_id(algorithm).map_err(|e| to_js(&e))?;
    crypto::verify_signature(
        crypto::default_backend(),
        allowed,
        algorithm,
        spki_der,
        message,
        signature,
    )
    .map_err(|e| to_js(&e))
}

/// The supported signature algorithm ids.
#[wasm_bindgen]
pub fn algorithms() -> Vec<String> {
    Algorithm::ALL.iter().map(|a| a.id().to_string()).collect()
}

/// Every stable error code this build can return.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    idbridge::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect()
}

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The result of `runVectors`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct VectorsReport {
    passed: usize,
    failed: usize,
    lines: Vec<String>,
}

#[wasm_bindgen]
impl VectorsReport {
    /// Cases that passed.
    #[wasm_bindgen(getter)]
    pub fn passed(&self) -> usize {
        self.passed
    }

    /// Cases that failed, plus malformed vector files.
    #[wasm_bindgen(getter)]
    pub fn failed(&self) -> usize {
        self.failed
    }

    /// One line per case, then the closing line `vectors: N passed, M failed`.
    #[wasm_bindgen(getter)]
    pub fn lines(&self) -> Vec<String> {
        self.lines.clone()
    }
}

/// Runs test vectors held in memory.
///
/// `files` maps `/`-separated names to contents (`Uint8Array` or string):
/// the vector files and every file they name, with the same relative layout
/// as on disk. `paths` names the vector files to run, in order.
#[wasm_bindgen(js_name = runVectors)]
pub fn run_vectors(files: &js_sys::Object, paths: Vec<String>) -> Result<VectorsReport, JsValue> {
    let mut memory = MemoryFiles::new();
    for entry in js_sys::Object::entries(files).iter() {
        let pair = js_sys::Array::from(&entry);
        let name = pair
            .get(0)
            .as_string()
            .ok_or_else(|| js_error("input.encoding", "file names must be strings"))?;
        let value = pair.get(1);
        let bytes = if let Some(text) = value.as_string() {
            text.into_bytes()
        } else if value.is_instance_of::<js_sys::Uint8Array>() {
            js_sys::Uint8Array::new(&value).to_vec()
        } else {
            return Err(js_error(
                "input.encoding",
                "file contents must be strings or Uint8Arrays",
            ));
        };
        memory.insert(&name, bytes);
    }
    Ok(run_in_memory(&memory, &paths))
}

/// The runner over an in-memory file set (shared with the tests).
pub fn run_in_memory(files: &MemoryFiles, paths: &[String]) -> VectorsReport {
    let runner = Runner::new(files);
    let reports: Vec<_> = paths.iter().map(|p| runner.run_file(p)).collect();
    let summary = Summary::of(&reports);
    let mut lines: Vec<String> = reports.iter().flat_map(|r| r.lines()).collect();
    lines.push(summary.closing_line());
    VectorsReport {
        passed: summary.passed,
        failed: summary.failed,
        lines,
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** The uniform verified identity (VECTORS.md "Identity fields"). */
export interface VerifiedIdentity {
  system: "spid" | "cie" | "webeid";
  issuer?: string;
  subject_id?: string;
  given_name?: string;
  family_name?: string;
  birth_date?: string;
  level?: string;
  loa?: "low" | "substantial" | "high";
  authn_instant?: string;
  attributes?: Record<string, string>;
}

/** Options of verifyWebEidToken. */
export interface WebEidOptions {
  /** The site's origin, exactly https://host[:port]. */
  origin: string;
  /** The challenge nonce exactly as issued. */
  nonce: string;
  /** The verification time: a Date or an RFC 3339 string (never an implicit clock). */
  now: Date | string;
  /** "embedded" (production Estonian CAs), "test" (Estonian TEST CAs), or CA certificates (DER bytes or PEM text). Default "embedded". */
  anchors?: "embedded" | "test" | Array<Uint8Array | string>;
  /** An OCSP response the server fetched, and optionally a pinned designated responder certificate. */
  ocsp?: { response: Uint8Array; responder?: Uint8Array | string };
}
"#;

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn bytes_of(v: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = v.as_string() {
        Ok(s.into_bytes())
    } else if v.is_instance_of::<js_sys::Uint8Array>() {
        Ok(js_sys::Uint8Array::new(v).to_vec())
    } else {
        Err(js_error(
            "config.invalid",
            &format!("{what} must be a Uint8Array or a string"),
        ))
    }
}

/// `now` as a `Date` or an RFC 3339 string.
fn time_of(v: &JsValue) -> Result<idbridge::UnixTime, JsValue> {
    if let Some(s) = v.as_string() {
        return idbridge::UnixTime::parse_rfc3339(&s).map_err(|e| to_js(&e));
    }
    if v.is_instance_of::<js_sys::Date>() {
        let ms = js_sys::Date::from(v.clone()).get_time();
        if ms.is_finite() {
            return Ok(idbridge::UnixTime::from_unix_seconds(
                (ms / 1000.0).floor() as i64
            ));
        }
    }
    Err(js_error(
        "config.invalid",
        "now must be a Date or an RFC 3339 string",
    ))
}

/// Verifies a Web eID authentication token (web-eid:1.0 or 1.1) and returns
/// the verified identity; throws an `Error` with `.code` otherwise.
#[wasm_bindgen(js_name = verifyWebEidToken, unchecked_return_type = "VerifiedIdentity")]
pub fn verify_webeid_token(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] token: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WebEidOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    use idbridge::{webeid, Trust};
    let token = bytes_of(&token, "token")?;
    let origin = get(&options, "origin")
        .as_string()
        .ok_or_else(|| js_error("config.invalid", "options.origin must be a string"))?;
    let nonce = get(&options, "nonce")
        .as_string()
        .ok_or_else(|| js_error("config.invalid", "options.nonce must be a string"))?;
    let now = time_of(&get(&options, "now"))?;
    let anchors = get(&options, "anchors");
    let mut builder = Trust::builder();
    if anchors.is_undefined() || anchors.as_string().as_deref() == Some("embedded") {
        builder = builder
            .webeid_anchors(idbridge::anchors::ESTONIA)
            .map_err(|e| to_js(&e))?;
    } else if anchors.as_string().as_deref() == Some("test") {
        builder = builder
            .webeid_anchors(idbridge::anchors::ESTONIA_TEST)
            .map_err(|e| to_js(&e))?;
    } else if js_sys::Array::is_array(&anchors) {
        for a in js_sys::Array::from(&anchors).iter() {
            builder = builder
                .webeid_anchor(&bytes_of(&a, "an anchor")?)
                .map_err(|e| to_js(&e))?;
        }
    } else {
        return Err(js_error(
            "config.invalid",
            "options.anchors must be \"embedded\", \"test\" or an array of certificates",
        ));
    }
    let trust = builder.build().map_err(|e| to_js(&e))?;
    let ocsp = get(&options, "ocsp");
    let (response, responder) = if ocsp.is_undefined() || ocsp.is_null() {
        (None, None)
    } else {
        let r = bytes_of(&get(&ocsp, "response"), "options.ocsp.response")?;
        let p = get(&ocsp, "responder");
        let p = if p.is_undefined() {
            None
        } else {
            Some(bytes_of(&p, "options.ocsp.responder")?)
        };
        (Some(r), p)
    };
    let mut expectations = webeid::Expectations::new(&origin, &nonce);
    if let Some(response) = &response {
        expectations.ocsp = webeid::Ocsp::Response {
            response,
            responder: responder.as_deref(),
            request_nonce: None,
        };
    }
    let verified =
        webeid::verify_token(&trust, &token, &expectations, now).map_err(|e| to_js(&e))?;
    identity_to_js(&verified.identity)
}

fn identity_to_js(identity: &idbridge::VerifiedIdentity) -> Result<JsValue, JsValue> {
    let json =
        serde_json::to_string(identity).map_err(|e| js_error("config.invalid", &e.to_string()))?;
    js_sys::JSON::parse(&json)
}

#[wasm_bindgen(typescript_custom_section)]
const TS_SAML: &'static str = r#"
/** Options of verifySpidResponse and verifyCieResponse. */
export interface SamlOptions {
  /** This service provider's entity ID (the Audience). */
  spEntityId: string;
  /** The Assertion Consumer Service URL the Response was posted to. */
  acsUrl: string;
  /** The ID of the AuthnRequest this Response answers (from your request store). */
  requestId: string;
  /** The verification time: a Date or an RFC 3339 string. */
  now: Date | string;
  /** Trusted IdP metadata, pinned as given (EntityDescriptor or EntitiesDescriptor). */
  metadata?: Array<Uint8Array | string>;
  /** A signed registry (e.g. AgID's) and the pinned certificate that signs it. */
  registry?: { xml: Uint8Array | string; signer: Uint8Array | string };
  /** "SpidL1" | "SpidL2" | "SpidL3" (default "SpidL2"). */
  minLevel?: "SpidL1" | "SpidL2" | "SpidL3";
  /** The request's Comparison (default "minimum"). */
  comparison?: "minimum" | "exact" | "better" | "maximum";
  /** When the AuthnRequest was sent. */
  requestIssueInstant?: Date | string;
  /** Tolerated clock difference in seconds (default 0). */
  clockSkewSeconds?: number;
  /** "base64" (the posted SAMLResponse, default) or "xml". */
  input?: "base64" | "xml";
}

/** A verified Response: the identity, and what a replay store needs. */
export interface VerifiedSamlResponse {
  identity: VerifiedIdentity;
  responseId: string;
  responseSigned: boolean;
  assertionId: string;
  inResponseTo: string;
  /** Keep the Assertion ID until then (RFC 3339). */
  notOnOrAfter: string;
  sessionIndex?: string;
  idpEntityId: string;
}
"#;

fn verify_saml(response: JsValue, options: JsValue, cie: bool) -> Result<JsValue, JsValue> {
    use idbridge::spid::{Comparison, Expectations, InputEncoding, Level};
    let config = |why: &str| js_error("config.invalid", why);
    let response = bytes_of(&response, "response")?;
    let string = |key: &str| get(&options, key).as_string();
    let sp = string("spEntityId").ok_or_else(|| config("options.spEntityId must be a string"))?;
    let acs = string("acsUrl").ok_or_else(|| config("options.acsUrl must be a string"))?;
    let req = string("requestId").ok_or_else(|| config("options.requestId must be a string"))?;
    let now = time_of(&get(&options, "now"))?;
    let mut builder = idbridge::Trust::builder();
    let metadata = get(&options, "metadata");
    if js_sys::Array::is_array(&metadata) {
        for m in js_sys::Array::from(&metadata).iter() {
            builder = builder
                .pin_saml_idp_metadata(&bytes_of(&m, "a metadata document")?)
                .map_err(|e| to_js(&e))?;
        }
    }
    let registry = get(&options, "registry");
    if !registry.is_undefined() && !registry.is_null() {
        let xml = bytes_of(&get(&registry, "xml"), "options.registry.xml")?;
        let signer = bytes_of(&get(&registry, "signer"), "options.registry.signer")?;
        builder = builder
            .saml_registry(&xml, &signer)
            .map_err(|e| to_js(&e))?;
    }
    let trust = builder.build().map_err(|e| to_js(&e))?;
    let mut exp = Expectations::new(&sp, &acs, &req);
    if let Some(l) = string("minLevel") {
        exp.min_level = Level::from_name(&l).ok_or_else(|| config("unknown minLevel"))?;
    }
    if let Some(c) = string("comparison") {
        exp.comparison = Comparison::from_name(&c).ok_or_else(|| config("unknown comparison"))?;
    }
    let rii = get(&options, "requestIssueInstant");
    if !rii.is_undefined() {
        exp.request_issue_instant = Some(time_of(&rii)?);
    }
    if let Some(s) = get(&options, "clockSkewSeconds").as_f64() {
        if !(0.0..=86_400.0).contains(&s) {
            return Err(config("clockSkewSeconds must be 0 to 86400"));
        }
        exp.clock_skew = idbridge::ClockSkew::from_secs(s as u32);
    }
    exp.input = match string("input").as_deref() {
        None | Some("base64") => InputEncoding::Base64,
        Some("xml") => InputEncoding::Xml,
        Some(_) => return Err(config("options.input must be \"base64\" or \"xml\"")),
    };
    let v = if cie {
        idbridge::cie::verify_response(&trust, &response, &exp, now)
    } else {
        idbridge::spid::verify_response(&trust, &response, &exp, now)
    }
    .map_err(|e| to_js(&e))?;
    let json = serde_json::json!({
        "identity": v.identity,
        "responseId": v.response_id,
        "responseSigned": v.response_signed,
        "assertionId": v.assertion_id,
        "inResponseTo": v.in_response_to,
        "notOnOrAfter": v.not_on_or_after.to_rfc3339(),
        "sessionIndex": v.session_index,
        "idpEntityId": v.idp_entity_id,
    });
    js_sys::JSON::parse(&json.to_string())
}

/// Verifies a SPID SAML Response (HTTP-POST binding); throws an `Error`
/// with `.code` otherwise.
#[wasm_bindgen(js_name = verifySpidResponse, unchecked_return_type = "VerifiedSamlResponse")]
pub fn verify_spid_response(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SamlOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    verify_saml(response, options, false)
}

/// Verifies a CIE ID SAML Response (HTTP-POST binding); throws an `Error`
/// with `.code` otherwise.
#[wasm_bindgen(js_name = verifyCieResponse, unchecked_return_type = "VerifiedSamlResponse")]
pub fn verify_cie_response(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SamlOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    verify_saml(response, options, true)
}
