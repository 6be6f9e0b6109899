//! WebAssembly bindings of idbridge: the same checks, in a browser or Node.
//!
//! Every verification comes twice:
//!
//! - `verifyWebEidToken`, `verifySpidResponse`, `verifyCieResponse`,
//!   `verifyOidcTrustChain`, `verifyOidcIdToken`, `verifySdJwtVc`,
//!   `verifyOpenid4vpResponse`, `verifySignature`, `runVectors` return
//!   Promises and do their signature
//!   arithmetic with the host's WebCrypto (`crypto.subtle`), falling back to
//!   WASM for anything WebCrypto cannot do;
//! - their `…Sync` twins do everything in WASM.
//!
//! Both run the same verifier: parsing, policy and every rule run in WASM,
//! and only the signature arithmetic moves (see [`recording`] for how a
//! synchronous verifier gets asynchronous answers, fail-closed). So both
//! give the same result and the same error codes, which the tests check on
//! every vector in Node and in headless Chromium.
//!
//! Cargo features `saml` (SPID, CIE ID), `webeid` and `oidc` (SPID/CIE
//! over OpenID Connect Federation: `verifyOidcTrustChain`,
//! `verifyOidcIdToken`; all three on by default) choose the schemes: a scheme whose feature is off has no export at all,
//! so it is absent from the package and its TypeScript declarations
//! (`wasm/build-pkg.sh --schemes …`). The feature `vectors` (default) adds
//! `runVectors` and `runVectorsSync`, the test-vector runner; the
//! per-scheme packages leave it out.
//!
//! Failures are JavaScript `Error`s named `"IdbridgeError"` whose `code`
//! is the stable error code (`"crypto.signature.invalid"`…). Nothing here
//! reads a clock (`now` is an option) or fetches anything; trust is a
//! [`Trust`] built once and passed to every verification.
//!
//! ```js
//! import init, { Trust, verifyWebEidToken } from "idbridge";
//! await init();
//! const trust = Trust.fromEmbedded();
//! try {
//!   const id = await verifyWebEidToken(trust, token, { origin, nonce, now: new Date() });
//! } catch (e) {
//!   console.log(e.code); // e.g. "webeid.signature.invalid"
//! }
//! ```

mod bench;
#[cfg(feature = "icao")]
mod icao;
mod js;
#[cfg(feature = "mdoc")]
mod mdoc;
#[cfg(feature = "mobileid")]
mod mobileid;
#[cfg(feature = "oidc")]
mod oidc;
pub mod recording;
#[cfg(feature = "saml")]
mod saml;
#[cfg(feature = "sdjwt")]
mod sdjwt;
#[cfg(feature = "smartid")]
mod smartid;
mod trust;
#[cfg(feature = "vectors")]
mod vectors;
mod verify;
mod webcrypto;
#[cfg(feature = "webeid")]
mod webeid;

pub use bench::SignatureChecks;
#[cfg(feature = "icao")]
pub use icao::{verify_icao_sod, verify_icao_sod_sync};
#[cfg(feature = "mdoc")]
pub use mdoc::{verify_mdoc, verify_mdoc_sync};
#[cfg(feature = "mobileid")]
pub use mobileid::{verify_mobile_id, verify_mobile_id_sync};
#[cfg(feature = "oidc")]
pub use oidc::{
    verify_oidc_id_token, verify_oidc_id_token_sync, verify_oidc_trust_chain,
    verify_oidc_trust_chain_sync,
};
#[cfg(feature = "saml")]
pub use saml::{
    verify_cie_response, verify_cie_response_sync, verify_spid_response, verify_spid_response_sync,
};
#[cfg(feature = "sdjwt")]
pub use sdjwt::{
    sd_jwt_vc_status_list, verify_openid4vp_response, verify_openid4vp_response_sync,
    verify_sd_jwt_vc, verify_sd_jwt_vc_sync,
};
#[cfg(feature = "smartid")]
pub use smartid::{verify_smart_id, verify_smart_id_sync};
pub use trust::{Trust, TrustBuilder};
#[cfg(feature = "vectors")]
pub use vectors::{
    run_in_memory, run_in_memory_async, run_in_memory_stepwise, run_vectors, run_vectors_sync,
    VectorsReport,
};
pub use verify::{verify_signature, verify_signature_sync};
pub use webcrypto::WebCrypto;
#[cfg(feature = "webeid")]
pub use webeid::{verify_webeid_token, verify_webeid_token_sync};

use idbridge::crypto::AllowList;
use wasm_bindgen::prelude::*;

/// The supported signature algorithm ids.
#[wasm_bindgen(unchecked_return_type = "SignatureAlgorithm[]")]
pub fn algorithms() -> Vec<String> {
    // The default allow-list's: the package verifies no Ed25519.
    AllowList::default()
        .iter()
        .map(|a| a.id().to_string())
        .collect()
}

/// Every stable error code this build can return.
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "ErrorCode[]")]
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

/// Whether this host offers WebCrypto (`crypto.subtle`): browsers in a
/// secure context (HTTPS or localhost) and Node do. Without it the
/// asynchronous functions still work, with every check in WASM.
#[wasm_bindgen(js_name = webCryptoAvailable)]
pub fn webcrypto_available() -> bool {
    webcrypto::available()
}

/// `JwkJson` serves both the OpenID Connect and the SD-JWT VC declarations:
/// either scheme may be built without the other (`--schemes sdjwt`).
#[cfg(any(feature = "oidc", feature = "sdjwt"))]
#[wasm_bindgen(typescript_custom_section)]
const TS_JWK: &'static str = r#"
/** A JWK Set (or one JWK): its JSON text, its UTF-8 bytes, or the parsed object. */
export type JwkJson = string | Uint8Array | object;
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** The uniform verified identity (VECTORS.md "Identity fields"). */
export interface VerifiedIdentity {
  system: "spid" | "cie" | "webeid" | "sd-jwt-vc" | "mobile-id" | "smart-id" | "mdoc" | "cie-chip";
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

/** What every function throws (or rejects with) on failure. */
export interface IdbridgeError extends Error {
  name: "IdbridgeError";
  /** The stable code of the failed check. */
  code: ErrorCode;
}
"#;
