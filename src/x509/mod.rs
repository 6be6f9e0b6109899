//! X.509: reading certificates and their names, mapping their signature
//! algorithms, path validation through `rustls-webpki` with our own
//! signature algorithms (P-521, and the named NULL-parameters tolerance),
//! the end-entity purpose and policy checks, PEM, and OCSP.
//!
//! This is a format layer: it knows RFC 5280 and RFC 6960, not any scheme.
//! A scheme decides which checks apply and with which configuration (Web
//! eID, for one, refuses the Mobile-ID policies: that list is Web eID's).

pub(crate) mod cert;
#[cfg(feature = "x509-path")]
#[cfg_attr(
    not(any(feature = "webeid", feature = "smartid", feature = "mobileid")),
    allow(dead_code)
)] // the person in a certificate: Web eID, Smart-ID, Mobile-ID
pub(crate) mod name;
#[cfg(feature = "ocsp")]
pub mod ocsp;
#[cfg(all(feature = "x509-path", feature = "cms"))]
#[cfg_attr(not(feature = "mdoc"), allow(dead_code))]
pub(crate) mod onehop;
#[cfg(feature = "x509-path")]
pub(crate) mod path;
pub(crate) mod pem;
#[cfg(feature = "x509-path")]
pub(crate) mod policy;
#[cfg(feature = "x509-path")]
pub(crate) mod purpose;
pub(crate) mod sigalg;
pub(crate) mod subset;

pub use sigalg::Quirks;
