//! The Smart-ID export (feature `smartid`): `verifySmartId` and its `Sync`
//! twin, a Smart-ID RP API v3 session-status response checked against what
//! the relying party sent. The trust (the CAs that issue users'
//! certificates) is in the options. The certificate's issuer signature runs
//! on WebCrypto in the asynchronous form; the RSASSA-PSS arithmetic (SHA-3,
//! free salt length) always runs in WASM.

use crate::js::{
    absent, bytes_of, certificates, check_options, config, get, string, time_of, to_js,
};
use crate::verify::{run_async, Call};
use idbridge::crypto::{self, Backend};
use idbridge::smartid::request::{check_interactions, RpChallenge};
use idbridge::smartid::{self, CertificateLevel, Expected, SignatureProtocol, SmartIdTrust};
use idbridge::{Limits, UnixTime};
use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_SMARTID: &'static str = r#"
/** Options of verifySmartId and verifySmartIdSync. */
export interface SmartIdOptions {
  /** The CAs that issue users' certificates directly (PEM or DER). */
  anchors: (string | Uint8Array)[];
  /** The verification time: a Date or an RFC 3339 string (never an implicit clock). */
  now: Date | string;
  /** The protocol requested (default "ACSP_V2"). */
  signatureProtocol?: "ACSP_V2" | "RAW_DIGEST_SIGNATURE";
  /** The lowest certificate level accepted (default "QUALIFIED"). */
  minCertificateLevel?: "ADVANCED" | "QUALIFIED";
  /** ACSP_V2: the rpChallenge sent (strict base64 of 32 to 64 bytes). */
  rpChallenge?: string;
  /** ACSP_V2: this relying party's name as sent. */
  relyingPartyName?: string;
  /** ACSP_V2: the brokered RP's name (default empty). */
  brokeredRpName?: string;
  /** ACSP_V2: the interactions string as sent (base64 of a JSON array). */
  interactions?: string;
  /** ACSP_V2, Web2App/App2App: the initialCallbackUrl sent (default empty). */
  initialCallbackUrl?: string;
  /** ACSP_V2: "smart-id" (default; "smart-id-demo" in SK's demo environment). */
  schemaName?: string;
  /** ACSP_V2, Web2App/App2App: the userChallengeVerifier from the callback URL. */
  userChallengeVerifier?: string;
  /** RAW_DIGEST_SIGNATURE: the bytes whose digest was sent. A string is
   * taken as UTF-8 text and its UTF-8 bytes are checked (it is not decoded
   * from base64 or hex): pass binary data as a Uint8Array. */
  signedData?: string | Uint8Array;
}

/** A Smart-ID session that passed every check. */
export interface VerifiedSmartId {
  identity: VerifiedIdentity;
  level: "ADVANCED" | "QUALIFIED";
  documentNumber: string;
  protocol: "ACSP_V2" | "RAW_DIGEST_SIGNATURE";
  /** ACSP_V2 only. */
  flowType?: "QR" | "Web2App" | "App2App" | "Notification";
}
"#;

const OPTIONS: &[&str] = &[
    "anchors",
    "now",
    "signatureProtocol",
    "minCertificateLevel",
    "rpChallenge",
    "relyingPartyName",
    "brokeredRpName",
    "interactions",
    "initialCallbackUrl",
    "schemaName",
    "userChallengeVerifier",
    "signedData",
];

fn optional(options: &JsValue, key: &str) -> Result<Option<String>, JsValue> {
    if absent(&get(options, key)) {
        Ok(None)
    } else {
        string(options, key).map(Some)
    }
}

/// A value the library refuses as sent (`config.invalid`), naming the option.
fn sent_value(key: &str, checked: idbridge::Result<()>) -> Result<(), JsValue> {
    checked.map_err(|e| config(&format!("options.{key}: {}", e.reason())))
}

/// A Smart-ID verification's owned inputs.
pub(crate) struct SmartIdCall {
    response: Vec<u8>,
    trust: Result<SmartIdTrust, idbridge::Error>,
    expected: Expected,
    now: UnixTime,
}

impl SmartIdCall {
    pub(crate) fn parse(response: &JsValue, options: &JsValue) -> Result<SmartIdCall, JsValue> {
        check_options(options, OPTIONS)?;
        let response = bytes_of(response, "the response")?;
        let trust = certificates(options, "anchors")?
            .iter()
            .try_fold(SmartIdTrust::new(), |t, c| t.with_certificate(c));
        let protocol = match optional(options, "signatureProtocol")? {
            None => SignatureProtocol::AcspV2,
            Some(p) => SignatureProtocol::from_name(&p).ok_or_else(|| {
                config(&format!(
                    "options.signatureProtocol {p:?}: expected \"ACSP_V2\" or \"RAW_DIGEST_SIGNATURE\""
                ))
            })?,
        };
        let level = match optional(options, "minCertificateLevel")? {
            None => CertificateLevel::Qualified,
            Some(l) => CertificateLevel::from_name(&l).ok_or_else(|| {
                config(&format!(
                    "options.minCertificateLevel {l:?}: expected \"ADVANCED\" or \"QUALIFIED\""
                ))
            })?,
        };
        let expected = match protocol {
            SignatureProtocol::AcspV2 => {
                let need = |k: &str| {
                    optional(options, k)?
                        .ok_or_else(|| config(&format!("options.{k} is required with ACSP_V2")))
                };
                let rp_challenge = need("rpChallenge")?;
                sent_value(
                    "rpChallenge",
                    RpChallenge::from_base64(&rp_challenge).map(|_| ()),
                )?;
                let interactions = need("interactions")?;
                sent_value("interactions", check_interactions(&interactions))?;
                let mut e = Expected::authentication(
                    &rp_challenge,
                    &need("relyingPartyName")?,
                    &interactions,
                );
                if let Some(v) = optional(options, "brokeredRpName")? {
                    e = e.with_brokered_rp_name(&v);
                }
                if let Some(v) = optional(options, "initialCallbackUrl")? {
                    e = e.with_initial_callback_url(&v);
                }
                if let Some(v) = optional(options, "schemaName")? {
                    e = e.with_schema_name(&v);
                }
                if let Some(v) = optional(options, "userChallengeVerifier")? {
                    e = e.with_user_challenge_verifier(&v);
                }
                e
            }
            SignatureProtocol::RawDigestSignature => {
                let data = get(options, "signedData");
                if absent(&data) {
                    return Err(config(
                        "options.signedData is required with RAW_DIGEST_SIGNATURE",
                    ));
                }
                Expected::signature(&bytes_of(&data, "options.signedData")?)
            }
        };
        Ok(SmartIdCall {
            response,
            trust,
            expected: expected.with_min_certificate_level(level),
            now: time_of(&get(options, "now"), "options.now")?,
        })
    }
}

impl Call for SmartIdCall {
    fn run(
        &self,
        backend: &dyn Backend,
        _trust: &idbridge::Trust,
    ) -> Result<serde_json::Value, idbridge::Error> {
        let trust = self.trust.as_ref().map_err(Clone::clone)?;
        let v = smartid::verify_session_status_with(
            backend,
            trust,
            &self.response,
            &self.expected,
            self.now,
            &Limits::default(),
        )?;
        let mut out = serde_json::json!({
            "identity": v.identity(),
            "level": v.level().name(),
            "documentNumber": v.document_number(),
            "protocol": v.protocol().name(),
        });
        if let (Some(obj), Some(f)) = (out.as_object_mut(), v.flow_type()) {
            obj.insert("flowType".into(), f.name().into());
        }
        Ok(out)
    }
}

thread_local! {
    /// The (empty) `Trust` of the Smart-ID checks, whose trust is in their
    /// options: it holds their shared WebCrypto key cache.
    static SMARTID_TRUST: crate::trust::Trust = crate::trust::Trust::empty();
}

/// Verifies a Smart-ID RP API v3 session-status response (VECTORS.md kind
/// `smart-id`): `response` is the JSON body as received. Resolves to the
/// identity, level, document number, protocol and flow; rejects with an
/// `IdbridgeError` whose `.code` names the failed check.
#[wasm_bindgen(js_name = verifySmartId, unchecked_return_type = "Promise<VerifiedSmartId>")]
pub fn verify_smart_id(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SmartIdOptions")] options: JsValue,
) -> Promise {
    let call = SmartIdCall::parse(&response, &options);
    SMARTID_TRUST.with(|t| run_async(Ok(t.shared()), call))
}

/// As `verifySmartId`, synchronously, in WASM. Throws an `IdbridgeError`.
#[wasm_bindgen(js_name = verifySmartIdSync, unchecked_return_type = "VerifiedSmartId")]
pub fn verify_smart_id_sync(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SmartIdOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let value = SmartIdCall::parse(&response, &options)?
        .run(crypto::default_backend(), &idbridge::Trust::default())
        .map_err(|e| to_js(&e))?;
    crate::js::to_plain(&value)
}
