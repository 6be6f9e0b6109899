//! OCSP (RFC 6960): writing a request, and checking a response, sans-IO.
//!
//! idbridge never fetches anything: the caller builds a request with
//! [`build_request`], sends it however it likes, and hands the response
//! bytes to the verifier (the Web eID flow takes them as an input). The
//! response checks run in this order, each with its own code:
//!
//! 1. decode, strictly (DER only, nothing after it, at most 64 KiB and 8
//!    certificates): `ocsp.response.malformed` (`input.too_large`);
//! 2. responseStatus is successful: `ocsp.status.error`; then the
//!    BasicOCSPResponse decodes: `ocsp.response.malformed`;
//! 3. exactly one SingleResponse: `ocsp.responses.count`;
//! 4. its CertID is the certificate's, compared by meaning (SHA-1 or
//!    SHA-256 with absent or NULL parameters, both hashes, the serial's
//!    value): `ocsp.cert_id.mismatch`;
//! 5. the signer is certs\[0\], or the issuing CA named by the ResponderID:
//!    `ocsp.responder.untrusted`;
//! 6. the signature over tbsResponseData verifies: `ocsp.signature.invalid`;
//! 7. the signer is authorized ([`Responder`], RFC 6960 §4.2.2.2):
//!    `ocsp.responder.untrusted`;
//! 8. thisUpdate and nextUpdate are within the [`OcspPolicy`] window:
//!    `ocsp.time.invalid`;
//! 9. the status is good: `ocsp.cert.revoked`, `ocsp.cert.unknown`;
//! 10. when the request carried a nonce, the response echoes it:
//!     `ocsp.nonce.mismatch`.
//!
//! Building a request (the nonce is the caller's, 1 to 32 random bytes):
//!
//! ```
//! // Certificates that do not decode are refused before anything is written.
//! let err = idbridge::ocsp::build_request(b"junk", b"junk", Some(&[7u8; 32])).unwrap_err();
//! assert_eq!(err.code(), "x509.cert.malformed");
//! ```

mod cert_id;
mod checks;
mod request;
mod responder;
mod response;

pub use request::build_request;

use crate::crypto::Backend;
use crate::error::Result;
use crate::x509::cert::Certificate;
use crate::x509::sigalg::Quirks;
use crate::UnixTime;

/// Time-window policy for a response's thisUpdate and nextUpdate
/// (RFC 6960 §4.2.2.1, §3.2 items 5 and 6). The defaults are the Web eID
/// reference validator's: 15 minutes of clock skew, thisUpdate at most
/// 2 minutes old.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OcspPolicy {
    /// How far thisUpdate may lie in the future, and nextUpdate in the past,
    /// in seconds (default 900).
    pub allowed_skew_secs: u32,
    /// How old thisUpdate may be, in seconds (default 120; no skew added).
    pub max_this_update_age_secs: u32,
}

impl Default for OcspPolicy {
    fn default() -> Self {
        OcspPolicy {
            allowed_skew_secs: 900,
            max_this_update_age_secs: 120,
        }
    }
}

/// Who may sign the response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Responder<'a> {
    /// RFC 6960 §4.2.2.2: the issuing CA itself, or a certificate it issued
    /// with id-kp-OCSPSigning (checked at `now`).
    Issuer,
    /// A designated responder the caller pins (DER of its certificate): the
    /// response must be signed by exactly this certificate, valid at `now`.
    Pinned(&'a [u8]),
}

/// Checks that `response_der` says `subject` (issued by `issuer`) is good,
/// per an authorized, fresh, correctly signed response. See the module
/// documentation for the order of the checks and their codes.
#[allow(clippy::too_many_arguments)]
pub(crate) fn check_response(
    backend: &dyn Backend,
    response_der: &[u8],
    subject: &Certificate,
    issuer: &Certificate,
    responder: Responder<'_>,
    request_nonce: Option<&[u8]>,
    now: UnixTime,
    policy: &OcspPolicy,
    quirks: Quirks,
) -> Result<()> {
    let unverified = response::decode(response_der)?;
    let data = &unverified.basic.tbs_response_data;
    let single = checks::single_response(data)?;
    checks::check_cert_id(single, subject, issuer)?;
    let signer = responder::signer(&unverified, issuer)?;
    responder::verify_signature(backend, &unverified, &signer, quirks)?;
    responder::authorize(backend, &signer, issuer, responder, now, quirks)?;
    checks::check_times(single, now, policy)?;
    checks::check_status(single)?;
    if let Some(nonce) = request_nonce {
        checks::check_nonce(data, nonce)?;
    }
    Ok(())
}

/// **Test and tool entry point**, not the API: [`check_response`] on DER
/// inputs, with the default quirks. `pinned_responder_der` selects
/// [`Responder::Pinned`]; `None` selects [`Responder::Issuer`]. The subject
/// and issuer certificates are decoded first (`x509.cert.malformed`).
/// Services check OCSP through the scheme verifiers (e.g. Web eID).
#[doc(hidden)]
#[allow(clippy::too_many_arguments)]
pub fn check_response_der(
    backend: &dyn Backend,
    response_der: &[u8],
    subject_der: &[u8],
    issuer_der: &[u8],
    pinned_responder_der: Option<&[u8]>,
    request_nonce: Option<&[u8]>,
    now: UnixTime,
    policy: &OcspPolicy,
) -> Result<()> {
    let subject = Certificate::from_der(subject_der)?;
    let issuer = Certificate::from_der(issuer_der)?;
    let responder = match pinned_responder_der {
        Some(der) => Responder::Pinned(der),
        None => Responder::Issuer,
    };
    check_response(
        backend,
        response_der,
        &subject,
        &issuer,
        responder,
        request_nonce,
        now,
        policy,
        Quirks::default(),
    )
}
