//! The Mobile-ID export (feature `mobileid`): `verifyMobileId` and its
//! `Sync` twin, a Mobile-ID REST API authentication session-status response
//! checked against the hash the relying party sent. The trust (the CAs
//! that issue users' certificates) is in the options. The certificate's
//! issuer signature runs on WebCrypto in the asynchronous form; the
//! signature over the hash (a prehash) always runs in WASM.

use crate::js::{
    absent, bytes_of, certificates, check_options, config, get, string, time_of, to_js,
};
use crate::verify::{run_async, Call};
use idbridge::crypto::{self, Backend, HashAlg};
use idbridge::mobileid::{self, MobileIdTrust};
use idbridge::{Limits, UnixTime};
use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_MOBILEID: &'static str = r#"
/** Options of verifyMobileId and verifyMobileIdSync. */
export interface MobileIdOptions {
  /** The CAs that issue users' certificates directly (PEM or DER). */
  anchors: (string | Uint8Array)[];
  /** The verification time: a Date or an RFC 3339 string (never an implicit clock). */
  now: Date | string;
  /** The hash this relying party generated and sent, base64. */
  signedHash: string;
  /** Its type, as sent in hashType (default "SHA256"). */
  hashType?: "SHA256" | "SHA384" | "SHA512";
}

/** A Mobile-ID authentication that passed every check. */
export interface VerifiedMobileId {
  identity: VerifiedIdentity;
  hashType: "SHA256" | "SHA384" | "SHA512";
  /** The four digits the user was shown. */
  verificationCode: string;
}
"#;

const OPTIONS: &[&str] = &["anchors", "now", "signedHash", "hashType"];

/// A Mobile-ID verification's owned inputs.
pub(crate) struct MobileIdCall {
    response: Vec<u8>,
    trust: Result<MobileIdTrust, idbridge::Error>,
    alg: HashAlg,
    signed_hash: String,
    now: UnixTime,
}

impl MobileIdCall {
    pub(crate) fn parse(response: &JsValue, options: &JsValue) -> Result<MobileIdCall, JsValue> {
        check_options(options, OPTIONS)?;
        let response = bytes_of(response, "the response")?;
        let certs = certificates(options, "anchors")?;
        let trust = certs
            .iter()
            .try_fold(MobileIdTrust::new(), |t, c| t.with_certificate(c));
        let alg = if absent(&get(options, "hashType")) {
            HashAlg::Sha256
        } else {
            let name = string(options, "hashType")?;
            mobileid::hash_type_from_name(&name).ok_or_else(|| {
                config(&format!(
                    "options.hashType {name:?}: expected \"SHA256\", \"SHA384\" or \"SHA512\""
                ))
            })?
        };
        Ok(MobileIdCall {
            response,
            trust,
            alg,
            signed_hash: string(options, "signedHash")?,
            now: time_of(&get(options, "now"), "options.now")?,
        })
    }
}

impl Call for MobileIdCall {
    fn run(
        &self,
        backend: &dyn Backend,
        _trust: &idbridge::Trust,
    ) -> Result<serde_json::Value, idbridge::Error> {
        let trust = self.trust.as_ref().map_err(Clone::clone)?;
        let v = mobileid::verify_session_status_base64(
            backend,
            trust,
            &self.response,
            self.alg,
            &self.signed_hash,
            self.now,
            &Limits::default(),
        )?;
        Ok(serde_json::json!({
            "identity": v.identity(),
            "hashType": v.signed_hash().hash_type(),
            "verificationCode": v.signed_hash().verification_code(),
        }))
    }
}

thread_local! {
    /// The (empty) `Trust` of the Mobile-ID checks, whose trust is in their
    /// options: it holds their shared WebCrypto key cache.
    static MOBILEID_TRUST: crate::trust::Trust = crate::trust::Trust::empty();
}

/// Verifies a Mobile-ID authentication session-status response (VECTORS.md
/// kind `mobile-id`): `response` is the JSON body as received. Resolves to
/// the identity, the hash type and its verification code; rejects with an
/// `IdbridgeError` whose `.code` names the failed check.
#[wasm_bindgen(js_name = verifyMobileId, unchecked_return_type = "Promise<VerifiedMobileId>")]
pub fn verify_mobile_id(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "MobileIdOptions")] options: JsValue,
) -> Promise {
    let call = MobileIdCall::parse(&response, &options);
    MOBILEID_TRUST.with(|t| run_async(Ok(t.shared()), call))
}

/// As `verifyMobileId`, synchronously, in WASM. Throws an `IdbridgeError`.
#[wasm_bindgen(js_name = verifyMobileIdSync, unchecked_return_type = "VerifiedMobileId")]
pub fn verify_mobile_id_sync(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "MobileIdOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let value = MobileIdCall::parse(&response, &options)?
        .run(crypto::default_backend(), &idbridge::Trust::default())
        .map_err(|e| to_js(&e))?;
    crate::js::to_plain(&value)
}
