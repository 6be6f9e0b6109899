//! # idbridge
//!
//! Strict, sans-IO verification of signed identity assertions: Italy's SPID
//! and CIE ID (SAML 2.0), Estonia's and its neighbours' ID cards through Web
//! eID, and, later, the EU wallets (SD-JWT VC). Whatever goes in, one
//! verified, uniform [`VerifiedIdentity`] comes out.
//!
//! The principles every module follows:
//!
//! - **Sans-IO, no hidden clock.** Inputs are bytes, time is an argument
//!   ([`UnixTime`]), trust material is an explicit value. Nothing here reads
//!   a file, the network or a clock.
//! - **Verify, then read.** Values are read only from bytes that a verified
//!   signature covers; only a successful verification constructs a
//!   `Verified*` value (a verifier returns it only after every signature
//!   check it depends on passed; the browser's asynchronous WebCrypto answers
//!   those checks through [`crypto::replay`], which returns only the result
//!   of a run whose every answer was real).
//! - **The caller's policy picks the algorithm** ([`crypto::AllowList`]).
//! - **Bounded work** ([`Limits`]), **stable error codes** ([`ErrorCode`]),
//!   **no panics** (`unsafe` is forbidden; `unwrap`, `expect`, `panic!` and
//!   unchecked indexing are denied outside tests).
//!
//! Verifying one signature:
//!
//! ```
//! use idbridge::crypto::{self, Algorithm, AllowList};
//! # let spki = include_bytes!("../test-vectors/keys/rsa2048.spki.der");
//! let result = crypto::verify_signature(
//!     crypto::default_backend(),
//!     AllowList::none().with(Algorithm::RSA_PSS_SHA256),
//!     Algorithm::RSA_PKCS1V15_SHA256, // not on the caller's list
//!     spki,
//!     b"message",
//!     &[0u8; 256],
//! );
//! assert_eq!(result.unwrap_err().code(), "crypto.algorithm.forbidden");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// README.md, whose Rust examples `cargo test` compiles and runs as doc
/// tests (its shell and JavaScript blocks: `scripts/readme-blocks`).
#[cfg(all(doctest, feature = "saml", feature = "webeid"))]
#[doc = include_str!("../README.md")]
mod readme {}

#[cfg(feature = "cbor")]
pub mod cbor;
#[cfg(feature = "cms")]
#[cfg_attr(not(feature = "icao"), allow(dead_code))]
// mdoc reads TLVs with it; the SignedData reader is ICAO's
pub(crate) mod cms;
#[cfg(feature = "cose")]
pub mod cose;
pub mod crypto;
mod error;
#[cfg(feature = "icao")]
pub mod icao;
mod identity;
#[cfg(feature = "jose")]
pub mod jose;
#[cfg(feature = "json")]
mod json;
mod limits;
#[cfg(feature = "mdoc")]
pub mod mdoc;
#[cfg(feature = "mobileid")]
pub mod mobileid;
#[cfg(feature = "oidc")]
pub mod oidc;
#[cfg(feature = "saml")]
mod saml;
#[cfg(feature = "sdjwt")]
pub mod sdjwt;
#[cfg(feature = "smartid")]
pub mod smartid;
mod time;
mod trust;
#[cfg(feature = "webeid")]
pub mod webeid;
#[cfg(feature = "x509")]
mod x509;
#[cfg(feature = "xml")]
mod xml;

pub use error::{Error, ErrorCode, Result};
pub use identity::{Loa, System, VerifiedIdentity};
pub use limits::Limits;
#[cfg(feature = "saml")]
pub use saml::profile::{cie, spid};
/// The SPID / CIE ID service provider's side: signed metadata and
/// AuthnRequests (native only).
#[cfg(all(feature = "saml", not(target_arch = "wasm32")))]
pub use saml::sp as saml_sp;
#[cfg(feature = "saml")]
pub use saml::{IdpRegistry, IdpRegistryBuilder, SsoEndpoint};
pub use time::{ClockSkew, UnixTime};
#[cfg(all(feature = "oidc", feature = "sdjwt"))]
pub use trust::sdjwt_trust_from_federation;
pub use trust::{Trust, TrustBuilder};
#[cfg(feature = "webeid")]
pub use webeid::anchors;
#[cfg(feature = "ocsp")]
pub use x509::ocsp;
#[cfg(feature = "x509")]
pub use x509::Quirks;
#[cfg(feature = "xml")]
pub use xml::{c14n_api as c14n, dsig_api as xmldsig};
