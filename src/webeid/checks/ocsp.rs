//! S15: the authentication certificate is not revoked, when the caller
//! brought an OCSP response (the library does no network I/O).
//!
//! web-eid-authtoken-validation-java README, "Authentication token
//! validation": "Next it checks that the certificate is signed by a trusted
//! CA and checks the certificate status with OCSP." The response checks
//! themselves (RFC 6960) are [`crate::ocsp`]'s, in its documented order.

use super::chain::QUIRKS;
use crate::crypto::Backend;
use crate::error::Result;
use crate::webeid::Ocsp;
use crate::x509::cert::Certificate;
use crate::x509::ocsp::{self, OcspPolicy, Responder};
use crate::x509::pem;
use crate::UnixTime;

/// `ocsp.*`, or nothing when the caller asked for no revocation check.
pub(in crate::webeid) fn check(
    backend: &dyn Backend,
    request: Ocsp<'_>,
    leaf: &Certificate,
    issuer: &Certificate,
    policy: &OcspPolicy,
    now: UnixTime,
) -> Result<()> {
    let Ocsp::Response {
        response,
        responder,
        request_nonce,
    } = request
    else {
        return Ok(());
    };
    // The anchors are issuing CAs: the leaf's issuer is the anchor that
    // ends its path (a token intermediate would itself chain to it).
    let pinned;
    let responder = match responder {
        Some(r) => {
            pinned = pem::decode_certificate(r)?;
            Responder::Pinned(&pinned)
        }
        None => Responder::Issuer,
    };
    ocsp::check_response(
        backend,
        response,
        leaf,
        issuer,
        responder,
        request_nonce,
        now,
        policy,
        QUIRKS,
    )
}
