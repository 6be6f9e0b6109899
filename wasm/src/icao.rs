//! The ICAO 9303 exports (feature `icao`): `verifyIcaoSod` and its `Sync`
//! twin, passive authentication of chip data (the Italian CIE 3.0). The
//! trust is in the options: CSCA certificates, pinned document signers.

use crate::js::{absent, bytes_of, check_options, config, describe, get, time_of, to_js};
use crate::verify::{run_async, Call};
use idbridge::crypto::{self, Backend};
use idbridge::icao::{self, IcaoTrust, LdsProfile};
use idbridge::{Limits, UnixTime};
use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_ICAO: &'static str = r#"
/** Options of verifyIcaoSod and verifyIcaoSodSync: at least one of csca and documentSigners. */
export interface IcaoSodOptions {
  /** CSCA certificates (DER bytes or PEM text) that may issue the document signer. */
  csca?: (Uint8Array | string)[];
  /** Document-signer certificates trusted as they are (the SOD's DS must equal one byte for byte). */
  documentSigners?: (Uint8Array | string)[];
  /** The verification time: a Date or an RFC 3339 string (never an implicit clock). */
  now: Date | string;
  /** "icao" (default: data groups 1 to 16) or "cie-ias" (the CIE IAS application's negative numbers). */
  ldsProfile?: "icao" | "cie-ias";
}

/** Chip data that passed passive authentication (not active or chip authentication). */
export interface VerifiedIcaoSod {
  identity: VerifiedIdentity;
  /** The dataGroupNumbers given and checked against the SOD, in order. */
  verifiedDataGroups: number[];
}
"#;

const OPTIONS: &[&str] = &["csca", "documentSigners", "now", "ldsProfile"];

/// A passive authentication's owned inputs.
struct IcaoCall {
    input: Vec<u8>,
    csca: Vec<Vec<u8>>,
    document_signers: Vec<Vec<u8>>,
    now: UnixTime,
    profile: LdsProfile,
}

fn certificates(options: &JsValue, key: &str) -> Result<Vec<Vec<u8>>, JsValue> {
    let v = get(options, key);
    if absent(&v) {
        return Ok(Vec::new());
    }
    if !js_sys::Array::is_array(&v) {
        return Err(config(&format!(
            "options.{key} must be an array, not {}",
            describe(&v)
        )));
    }
    js_sys::Array::from(&v)
        .iter()
        .map(|c| bytes_of(&c, &format!("an entry of options.{key}")))
        .collect()
}

impl IcaoCall {
    fn parse(input: &JsValue, options: &JsValue) -> Result<IcaoCall, JsValue> {
        check_options(options, OPTIONS)?;
        let csca = certificates(options, "csca")?;
        let document_signers = certificates(options, "documentSigners")?;
        if csca.is_empty() && document_signers.is_empty() {
            return Err(config("options need csca or documentSigners"));
        }
        let profile = get(options, "ldsProfile");
        let profile = if absent(&profile) {
            LdsProfile::Icao
        } else {
            profile
                .as_string()
                .as_deref()
                .and_then(LdsProfile::from_name)
                .ok_or_else(|| config("options.ldsProfile must be \"icao\" or \"cie-ias\""))?
        };
        Ok(IcaoCall {
            input: bytes_of(input, "the input document")?,
            csca,
            document_signers,
            now: time_of(&get(options, "now"), "options.now")?,
            profile,
        })
    }
}

impl Call for IcaoCall {
    fn run(
        &self,
        backend: &dyn Backend,
        _trust: &idbridge::Trust,
    ) -> Result<serde_json::Value, idbridge::Error> {
        let mut trust = IcaoTrust::new();
        for c in &self.csca {
            trust = trust.with_csca(c)?;
        }
        for c in &self.document_signers {
            trust = trust.with_document_signer(c)?;
        }
        let v = icao::verify_chip_data(
            backend,
            &trust,
            &self.input,
            self.profile,
            self.now,
            &Limits::default(),
        )?;
        Ok(serde_json::json!({
            "identity": v.identity(),
            "verifiedDataGroups": v.verified_groups(),
        }))
    }
}

thread_local! {
    /// The (empty) `Trust` of the ICAO checks, whose trust is in their
    /// options: it holds their shared WebCrypto key cache.
    static ICAO_TRUST: crate::trust::Trust = crate::trust::Trust::empty();
}

/// Passive authentication of chip data (VECTORS.md kind `icao-sod`):
/// `input` is the document `{"sod": <base64>, "data_groups": {"<n>":
/// <base64>}}` holding EF.SOD and the data groups as read from the chip.
/// Signatures run on WebCrypto. Resolves to the identity read from DG1,
/// DG11 (and the IAS NIS) and the data groups checked; rejects with an
/// `IdbridgeError` whose `.code` names the failed check.
#[wasm_bindgen(js_name = verifyIcaoSod, unchecked_return_type = "Promise<VerifiedIcaoSod>")]
pub fn verify_icao_sod(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "IcaoSodOptions")] options: JsValue,
) -> Promise {
    let call = IcaoCall::parse(&input, &options);
    ICAO_TRUST.with(|t| run_async(Ok(t.shared()), call))
}

/// As `verifyIcaoSod`, synchronously, in WASM. Throws an `IdbridgeError`.
#[wasm_bindgen(js_name = verifyIcaoSodSync, unchecked_return_type = "VerifiedIcaoSod")]
pub fn verify_icao_sod_sync(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "IcaoSodOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let value = IcaoCall::parse(&input, &options)?
        .run(crypto::default_backend(), &idbridge::Trust::default())
        .map_err(|e| to_js(&e))?;
    crate::js::to_plain(&value)
}
