//! Web eID authentication tokens (`web-eid:1.0` and `web-eid:1.1`): the
//! Estonian ID card and its Finnish, Belgian and Latvian peers, in the
//! browser through the Web eID extension.
//!
//! ```no_run
//! use idbridge::{webeid, Trust, UnixTime};
//! # fn main() -> Result<(), idbridge::Error> {
//! let trust = Trust::builder().webeid_anchors(idbridge::anchors::ESTONIA)?.build()?;
//! # let (token, nonce) = (b"{}".to_vec(), "n".to_string());
//! let expectations = webeid::Expectations::new("https://rp.example.org", &nonce);
//! let now = UnixTime::parse_rfc3339("2026-11-26T12:00:00Z")?; // your clock
//! let verified = webeid::verify_token(&trust, &token, &expectations, now)?;
//! println!("{:?}", verified.identity().subject_id());
//! # Ok(()) }
//! ```
//!
//! The scheme's shape: [`Anchors`] (`trust.rs`) is its trust store;
//! `checks/` holds one file per step of the validation order, each opening
//! with the rule it enforces and its source; `identity.rs` maps the
//! verified certificate to a [`crate::VerifiedIdentity`]; `verify.rs` lists
//! the steps in order. The certificate rules themselves (purpose, policies,
//! paths, OCSP) are generic X.509, in `crate::x509`.

pub mod anchors;
mod checks;
mod identity;
mod nonce;
mod token;
mod trust;
mod verify;

pub use checks::policies::MOBILE_ID_POLICIES;
pub use nonce::{Nonce, MIN_NONCE_BYTES, NONCE_LIFETIME_SECS};
pub use token::Version;
pub use trust::Anchors;
pub use verify::{verify_token, verify_token_with, Expectations, Ocsp, VerifiedToken};
