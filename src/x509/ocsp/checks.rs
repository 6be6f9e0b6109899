//! The checks on the one SingleResponse and on the response's extensions:
//! count, CertID, time window, status, nonce (RFC 6960 §4.2.1, §4.2.2.1,
//! §3.2, §4.4.1; RFC 8954).
//!
//! ```text
//! SingleResponse ::= SEQUENCE {
//!     certID                       CertID,
//!     certStatus                   CertStatus,
//!     thisUpdate                   GeneralizedTime,
//!     nextUpdate         [0]       EXPLICIT GeneralizedTime OPTIONAL,
//!     singleExtensions   [1]       EXPLICIT Extensions OPTIONAL }
//! ```

use super::cert_id::{cert_id, same_cert_id, CertIdHash};
use super::request::{nonce_value, ID_PKIX_OCSP_NONCE};
use super::OcspPolicy;
use crate::error::{Error, ErrorCode, Result};
use crate::x509::cert::Certificate;
use crate::UnixTime;
use x509_ocsp::{CertStatus, OcspGeneralizedTime, ResponseData, SingleResponse};

/// The one SingleResponse of the response.
pub(crate) fn single_response(data: &ResponseData) -> Result<&SingleResponse> {
    // We ask about one certificate, so exactly one answer must come back (as
    // the Web eID reference requires): none says nothing, and with several we
    // would have to choose which one to believe.
    match data.responses.as_slice() {
        [one] => Ok(one),
        other => Err(Error::with_detail(
            ErrorCode::OcspResponsesCount,
            format!(
                "the OCSP response holds {} SingleResponses, not 1",
                other.len()
            ),
        )),
    }
}

/// The SingleResponse is about `subject` as issued by `issuer`.
pub(crate) fn check_cert_id(
    single: &SingleResponse,
    subject: &Certificate,
    issuer: &Certificate,
) -> Result<()> {
    let mismatch = || {
        Error::new(
            ErrorCode::OcspCertIdMismatch,
            "the OCSP response is about another certificate",
        )
    };
    // RFC 6960 §3.2 item 1: "The certificate identified in a received
    // response corresponds to the certificate that was identified in the
    // corresponding request". SHA-1 (what we ask with) or SHA-256 (RFC
    // 5019 §2.1.1 responders may answer in it); compared by meaning, so
    // NULL hash parameters are as good as absent ones (RFC 3370 §2.1, RFC
    // 5754 §2). The Web eID reference compares the encoded structures and
    // refuses NULL; OpenSSL-based responders write it.
    let hash = CertIdHash::from_oid(&single.cert_id.hash_algorithm.oid).ok_or_else(mismatch)?;
    let expected = cert_id(hash, subject, issuer).map_err(|_| mismatch())?;
    if !same_cert_id(&single.cert_id, &expected) {
        return Err(mismatch());
    }
    Ok(())
}

fn unix_time(t: &OcspGeneralizedTime) -> UnixTime {
    // GeneralizedTime is bounded to years 1970..=9999 by the der crate, so
    // the seconds always fit.
    UnixTime::from_unix_seconds(i64::try_from(t.0.to_unix_duration().as_secs()).unwrap_or(i64::MAX))
}

/// thisUpdate and nextUpdate are within the policy's window around `now`.
pub(crate) fn check_times(
    single: &SingleResponse,
    now: UnixTime,
    policy: &OcspPolicy,
) -> Result<()> {
    let invalid = |reason: &'static str| Error::new(ErrorCode::OcspTimeInvalid, reason);
    let skew = i64::from(policy.allowed_skew_secs);
    let max_age = i64::from(policy.max_this_update_age_secs);
    let this_update = unix_time(&single.this_update);
    // RFC 6960 §3.2 item 5: "The time at which the status being indicated is
    // known to be correct (thisUpdate) is sufficiently recent." Not in the
    // future beyond the allowed clock skew ...
    if this_update > now.saturating_add_secs(skew) {
        return Err(invalid("the OCSP response's thisUpdate is in the future"));
    }
    // ... and not older than the maximum age (no skew added, as the
    // reference validator does).
    if this_update < now.saturating_sub_secs(max_age) {
        return Err(invalid("the OCSP response's thisUpdate is too old"));
    }
    // RFC 6960 §3.2 item 6: "When available, the time at or before which
    // newer information will be available about the status of the
    // certificate (nextUpdate) is greater than the current time." (With the
    // allowed skew.) RFC 6960 §4.2.2.1: "If nextUpdate is not set, the
    // responder is indicating that newer revocation information is available
    // all the time."
    if let Some(next) = &single.next_update {
        let next_update = unix_time(next);
        if next_update < now.saturating_sub_secs(skew) {
            return Err(invalid("the OCSP response's nextUpdate is in the past"));
        }
        if next_update < this_update {
            return Err(invalid(
                "the OCSP response's nextUpdate is before thisUpdate",
            ));
        }
    }
    Ok(())
}

/// The certificate's status is good.
pub(crate) fn check_status(single: &SingleResponse) -> Result<()> {
    // RFC 6960 §2.2: "The "good" state indicates a positive response to the
    // status inquiry. ... The "revoked" state indicates that the certificate
    // has been revoked ... The "unknown" state indicates that the responder
    // doesn't know about the certificate being requested".
    match &single.cert_status {
        CertStatus::Good(_) => Ok(()),
        CertStatus::Revoked(info) => Err(Error::with_detail(
            ErrorCode::OcspCertRevoked,
            format!(
                "the certificate was revoked at {} (Unix seconds; reason: {})",
                unix_time(&info.revocation_time).as_secs(),
                info.revocation_reason
                    .map_or_else(|| "none given".to_string(), |r| format!("{r:?}")),
            ),
        )),
        CertStatus::Unknown(_) => Err(Error::new(
            ErrorCode::OcspCertUnknown,
            "the OCSP responder does not know the certificate",
        )),
    }
}

/// The response echoes the request's nonce.
pub(crate) fn check_nonce(data: &ResponseData, request_nonce: &[u8]) -> Result<()> {
    let mismatch = |reason: &'static str| Error::new(ErrorCode::OcspNonceMismatch, reason);
    let mut nonces = data
        .response_extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == ID_PKIX_OCSP_NONCE);
    // RFC 8954 §2.1: "the nonce ... binds OCSP requests and responses to
    // prevent replay attacks"; RFC 6960 §4.4.1: "The nonce is included as one
    // of the responseExtensions in the response."
    let Some(ext) = nonces.next() else {
        return Err(mismatch("the OCSP response carries no nonce"));
    };
    // RFC 5280 §4.2 (which RFC 6960 §4.4 extensions follow): "A certificate
    // MUST NOT include more than one instance of a particular extension."
    if nonces.next().is_some() {
        return Err(mismatch("the OCSP response carries more than one nonce"));
    }
    // RFC 8954 §2.1: "Nonce ::= OCTET STRING(SIZE(1..32))": an empty
    // request nonce binds nothing.
    if request_nonce.is_empty() {
        return Err(mismatch("the request nonce is empty"));
    }
    // The extnValue holds OCTET STRING { nonce } as we send it; some
    // responders echo the bare nonce bytes, which we also accept.
    let value = ext.extn_value.as_bytes();
    let wrapped =
        nonce_value(request_nonce).map_err(|_| mismatch("the request nonce cannot be encoded"))?;
    if value == wrapped.as_slice() || value == request_nonce {
        Ok(())
    } else {
        Err(mismatch(
            "the OCSP response's nonce differs from the request's",
        ))
    }
}
