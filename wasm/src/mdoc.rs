//! The mdoc exports (feature `mdoc`, which brings `sdjwt` along: a wallet
//! relying party takes both formats): `verifyMdoc` and its `Sync` twin. The
//! trust (IACAs) and the relying party's own request values (the
//! SessionTranscript) are in the options.

use crate::js::{
    absent, bytes_of, certificates, check_options, config, describe, get, string, time_of, to_js,
};
use crate::verify::{run_async, Call};
use base64::Engine as _;
use idbridge::crypto::{self, Backend};
use idbridge::mdoc::{
    self, DeviceMac, Expectations, Handover, InputEncoding, MdocTrust, ReaderKey,
};
use idbridge::UnixTime;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_MDOC: &'static str = r#"
/** The SessionTranscript the wallet had to sign, rebuilt from your own request. */
export type MdocHandover =
  /** OpenID4VP 1.0 B.2.6.1 (redirect). jwkThumbprint: base64url RFC 7638 thumbprint of your encryption key, null when the response was not encrypted. */
  | { kind: "openid4vp"; clientId: string; nonce: string; responseUri: string; jwkThumbprint: string | null }
  /** OpenID4VP 1.0 B.2.6.2 (Digital Credentials API). */
  | { kind: "openid4vp-dc-api"; origin: string; nonce: string; jwkThumbprint: string | null }
  /** ISO/IEC TS 18013-7:2024 Annex B (the drafts before OpenID4VP 1.0). */
  | { kind: "iso-18013-7"; clientId: string; responseUri: string; nonce: string; mdocGeneratedNonce: string }
  /** The SessionTranscript array as both sides hold it (proximity): hex or bytes. */
  | { kind: "session-transcript"; sessionTranscript: string | Uint8Array };

/** Options of verifyMdoc and verifyMdocSync. */
export interface MdocOptions {
  /** The trusted IACA certificates (PEM text or DER bytes). */
  iacas: (string | Uint8Array)[];
  /** The docType your request asked for: every Document must carry it. */
  docType: string;
  handover: MdocHandover;
  /** The verification time: a Date or an RFC 3339 string (never an implicit clock). */
  now: Date | string;
  /** Tolerated clock difference in seconds, 0 to 86400 (default 0). */
  clockSkewSeconds?: number;
  /** "base64url" (default: the vp_token as posted) or "cbor" (the DeviceResponse bytes). */
  input?: "base64url" | "cbor";
  /** Allow deviceMac, keyed from this reader private key (PKCS#8, PEM or DER). */
  readerKey?: string | Uint8Array;
  /** Accept document-signer and device keys on brainpoolP256r1 and brainpoolP384r1 (IT-Wallet), signing with ES256 and ES384 (default false). */
  brainpool?: boolean;
}

/** A DeviceResponse that passed every check. */
export interface VerifiedMdoc {
  /** The first Document's identity. */
  identity: VerifiedIdentity;
  /** Every Document's docType, in order. */
  docTypes: string[];
}
"#;

const OPTIONS: &[&str] = &[
    "iacas",
    "docType",
    "handover",
    "now",
    "clockSkewSeconds",
    "input",
    "readerKey",
    "brainpool",
];

/// The size of an RFC 7638 SHA-256 JWK thumbprint.
const THUMBPRINT_BYTES: usize = 32;

/// `options.handover.jwkThumbprint`: required, a string or `null` (the
/// response was not encrypted). Left out, it is `config.invalid`: an
/// omission must not silently mean "not encrypted".
fn thumbprint(h: &JsValue) -> Result<Option<Vec<u8>>, JsValue> {
    let v = get(h, "jwkThumbprint");
    if v.is_null() {
        return Ok(None);
    }
    if v.is_undefined() {
        return Err(config(
            "options.handover.jwkThumbprint is missing: give the base64url SHA-256 JWK \
             thumbprint of your response-encryption key, or null when the response was not \
             encrypted",
        ));
    }
    let text = v.as_string().ok_or_else(|| {
        config(&format!(
            "options.handover.jwkThumbprint must be a string or null, not {}",
            describe(&v)
        ))
    })?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&text)
        .map_err(|_| config("options.handover.jwkThumbprint is not unpadded base64url"))?;
    if bytes.len() != THUMBPRINT_BYTES {
        return Err(config(&format!(
            "options.handover.jwkThumbprint decodes to {} bytes, not the {THUMBPRINT_BYTES} of a \
             SHA-256 JWK thumbprint (RFC 7638)",
            bytes.len()
        )));
    }
    Ok(Some(bytes))
}

/// A string member of the handover, named by its full path.
fn field(h: &JsValue, key: &str) -> Result<String, JsValue> {
    let v = get(h, key);
    v.as_string().ok_or_else(|| {
        if v.is_undefined() {
            config(&format!(
                "options.handover.{key} is missing (a string, for kind {:?})",
                get(h, "kind").as_string().unwrap_or_default()
            ))
        } else {
            config(&format!(
                "options.handover.{key} must be a string, not {}",
                describe(&v)
            ))
        }
    })
}

fn hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len() / 2)
        .map(|i| {
            s.get(2 * i..2 * i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

fn handover(h: &JsValue) -> Result<Handover, JsValue> {
    let kind = get(h, "kind").as_string().ok_or_else(|| {
        config(&format!(
            "options.handover must be an object with a kind, not {}",
            describe(h)
        ))
    })?;
    Ok(match kind.as_str() {
        "openid4vp" => Handover::OpenId4Vp {
            client_id: field(h, "clientId")?,
            nonce: field(h, "nonce")?,
            jwk_thumbprint: thumbprint(h)?,
            response_uri: field(h, "responseUri")?,
        },
        "openid4vp-dc-api" => Handover::OpenId4VpDcApi {
            origin: field(h, "origin")?,
            nonce: field(h, "nonce")?,
            jwk_thumbprint: thumbprint(h)?,
        },
        "iso-18013-7" => Handover::Iso18013_7 {
            client_id: field(h, "clientId")?,
            response_uri: field(h, "responseUri")?,
            nonce: field(h, "nonce")?,
            mdoc_generated_nonce: field(h, "mdocGeneratedNonce")?,
        },
        "session-transcript" => {
            let v = get(h, "sessionTranscript");
            let bytes = match v.as_string() {
                Some(s) => hex(&s).ok_or_else(|| {
                    config("options.handover.sessionTranscript must be hex or a Uint8Array")
                })?,
                None => bytes_of(&v, "options.handover.sessionTranscript")?,
            };
            Handover::SessionTranscript(bytes)
        }
        other => {
            return Err(config(&format!(
                "options.handover.kind {other:?}: expected openid4vp, openid4vp-dc-api, iso-18013-7 or session-transcript"
            )))
        }
    })
}

/// An mdoc verification's owned inputs.
pub(crate) struct MdocCall {
    response: Vec<u8>,
    trust: Result<MdocTrust, idbridge::Error>,
    expectations: Result<Expectations, idbridge::Error>,
    now: UnixTime,
}

impl MdocCall {
    pub(crate) fn parse(response: &JsValue, options: &JsValue) -> Result<MdocCall, JsValue> {
        check_options(options, OPTIONS)?;
        let response = bytes_of(response, "the response")?;
        let certs = certificates(options, "iacas")?;
        let trust = certs
            .iter()
            .try_fold(MdocTrust::new(), |t, c| t.with_iaca(c));
        let mut exp = Expectations::new(
            string(options, "docType")?,
            handover(&get(options, "handover"))?,
        );
        exp.clock_skew_seconds = i64::from(crate::js::skew_seconds(options)?);
        let input = get(options, "input");
        exp.input = match input.as_string().as_deref() {
            _ if absent(&input) => InputEncoding::Base64url,
            Some("base64url") => InputEncoding::Base64url,
            Some("cbor") => InputEncoding::Cbor,
            _ => {
                return Err(config(&format!(
                    "options.input must be \"base64url\" or \"cbor\", not {}",
                    describe(&input)
                )))
            }
        };
        let brainpool = get(options, "brainpool");
        exp.brainpool = if absent(&brainpool) {
            false
        } else {
            brainpool.as_bool().ok_or_else(|| {
                config(&format!(
                    "options.brainpool must be a boolean, not {}",
                    describe(&brainpool)
                ))
            })?
        };
        let reader = get(options, "readerKey");
        let expectations = if absent(&reader) {
            Ok(exp)
        } else {
            ReaderKey::from_pkcs8(&bytes_of(&reader, "options.readerKey")?).map(|k| {
                exp.device_mac = DeviceMac::Allowed(k);
                exp
            })
        };
        Ok(MdocCall {
            response,
            trust,
            expectations,
            now: time_of(&get(options, "now"), "options.now")?,
        })
    }
}

impl Call for MdocCall {
    fn run(
        &self,
        backend: &dyn Backend,
        _trust: &idbridge::Trust,
    ) -> Result<serde_json::Value, idbridge::Error> {
        let trust = self.trust.as_ref().map_err(Clone::clone)?;
        let exp = self.expectations.as_ref().map_err(Clone::clone)?;
        let v = mdoc::verify_device_response(backend, trust, &self.response, exp, self.now)?;
        Ok(serde_json::json!({
            "identity": v.identity(),
            "docTypes": v.doc_types(),
        }))
    }
}

thread_local! {
    /// The (empty) `Trust` of the mdoc checks, whose trust is in their
    /// options: it holds their shared WebCrypto key cache.
    static MDOC_TRUST: crate::trust::Trust = crate::trust::Trust::empty();
}

/// Verifies an ISO/IEC 18013-5 DeviceResponse (VECTORS.md kind `mdoc`):
/// `response` is the `vp_token` entry as received (or, with `input:
/// "cbor"`, the DeviceResponse bytes). Signatures run on WebCrypto.
/// Resolves to the first Document's identity and every docType; rejects
/// with an `IdbridgeError` whose `.code` names the failed check.
#[wasm_bindgen(js_name = verifyMdoc, unchecked_return_type = "Promise<VerifiedMdoc>")]
pub fn verify_mdoc(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "MdocOptions")] options: JsValue,
) -> Promise {
    let call = MdocCall::parse(&response, &options);
    MDOC_TRUST.with(|t| run_async(Ok(t.shared()), call))
}

/// As `verifyMdoc`, synchronously, in WASM. Throws an `IdbridgeError`.
#[wasm_bindgen(js_name = verifyMdocSync, unchecked_return_type = "VerifiedMdoc")]
pub fn verify_mdoc_sync(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "MdocOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let value = MdocCall::parse(&response, &options)?
        .run(crypto::default_backend(), &idbridge::Trust::default())
        .map_err(|e| to_js(&e))?;
    crate::js::to_plain(&value)
}
