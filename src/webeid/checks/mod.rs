//! The Web eID checks, one file per section of the validation order of the
//! reference validator (web-eid-authtoken-validation-java,
//! `AuthTokenValidatorImpl`; docs/research/webeid-rules.md §1 numbers the
//! steps S1–S19), each file opening with the rule it enforces:
//!
//! | step     | file                      | rule                                          |
//! |----------|---------------------------|-----------------------------------------------|
//! | (config) | [`expectations`]          | the origin, the nonce, a trust anchor          |
//! | S1–S9    | [`token_format`]          | size, JSON, fields, `format`, certificate     |
//! | S10      | [`purpose`]               | keyUsage digitalSignature, EKU clientAuth     |
//! | S11      | [`policies`]              | no disallowed (Mobile-ID) policy              |
//! | S12–S14  | [`chain`]                 | validity, path to an issuing CA, its validity |
//! | S15      | [`ocsp`]                  | revocation, with the caller's OCSP response   |
//! | S16–S18  | [`signature`]             | the signature over H(origin) ‖ H(nonce)       |
//! | S19      | [`signing_certificates`]  | web-eid:1.1 signing certificates              |
//! | S20      | [`subject`]               | one PrintableString serialNumber, clear names |

pub(super) mod chain;
pub(super) mod expectations;
pub(super) mod ocsp;
pub(super) mod policies;
pub(super) mod purpose;
pub(super) mod signature;
pub(super) mod signing_certificates;
pub(super) mod subject;
pub(super) mod token_format;
