//! Decoding an OCSPResponse and its BasicOCSPResponse (RFC 6960 §4.2.1),
//! strictly: DER only, nothing after the value, and every structure must
//! re-encode to exactly the bytes it came from (so the bytes the signature
//! covers are the bytes whose values are read).
//!
//! ```text
//! OCSPResponse ::= SEQUENCE {
//!     responseStatus         OCSPResponseStatus,
//!     responseBytes      [0] EXPLICIT ResponseBytes OPTIONAL }
//! ResponseBytes ::= SEQUENCE {
//!     responseType   OBJECT IDENTIFIER,
//!     response       OCTET STRING }
//! BasicOCSPResponse ::= SEQUENCE {
//!     tbsResponseData      ResponseData,
//!     signatureAlgorithm   AlgorithmIdentifier,
//!     signature            BIT STRING,
//!     certs            [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
//! ```

use crate::error::{Error, ErrorCode, Result};
use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use x509_ocsp::{BasicOcspResponse, OcspResponse, OcspResponseStatus};

/// The largest OCSPResponse accepted (a real one is 1.5 to 5 KiB).
pub(crate) const MAX_RESPONSE_BYTES: usize = 64 * 1024;
/// The most certificates a BasicOCSPResponse may carry.
pub(crate) const MAX_CERTS: usize = 8;

/// id-pkix-ocsp-basic (RFC 6960 §4.2.1).
const ID_PKIX_OCSP_BASIC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");

fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::OcspResponseMalformed, reason)
}

/// A successful OCSP response, decoded. Nothing in it is trusted yet.
#[derive(Debug)]
pub(crate) struct UnverifiedBasic {
    pub basic: BasicOcspResponse,
    /// The DER of tbsResponseData: the bytes the signature covers, equal to
    /// the bytes of the input.
    pub tbs_der: Vec<u8>,
}

/// Decodes `der` down to the BasicOCSPResponse. Errors, in order:
/// `input.too_large`, `ocsp.response.malformed`, `ocsp.status.error`,
/// `ocsp.response.malformed`.
pub(crate) fn decode(der: &[u8]) -> Result<UnverifiedBasic> {
    if der.len() > MAX_RESPONSE_BYTES {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!(
                "the OCSP response has {} bytes, more than {MAX_RESPONSE_BYTES}",
                der.len()
            ),
        ));
    }
    // `from_der` refuses BER forms and bytes after the value.
    let response =
        OcspResponse::from_der(der).map_err(|_| malformed("the OCSP response is not DER"))?;
    if response.to_der().ok().as_deref() != Some(der) {
        return Err(malformed("the OCSP response is not in canonical DER"));
    }
    // RFC 6960 §4.2.1: "If the value of responseStatus is one of the error
    // conditions, the responseBytes field is not set." The status decides
    // first, whatever else the response holds.
    if response.response_status != OcspResponseStatus::Successful {
        return Err(Error::with_detail(
            ErrorCode::OcspStatusError,
            format!(
                "the responder answered {:?} ({})",
                response.response_status, response.response_status as u32
            ),
        ));
    }
    // "responseBytes ... MUST [be present] if the value of responseStatus is
    // successful" (a status-only success says nothing).
    let bytes = response
        .response_bytes
        .ok_or_else(|| malformed("a successful OCSP response without responseBytes"))?;
    // RFC 6960 §4.2.1: "OCSP responders SHALL be capable of producing
    // responses of the id-pkix-ocsp-basic response type. Correspondingly,
    // OCSP clients SHALL be capable of receiving and processing responses of
    // the id-pkix-ocsp-basic response type." It is the only one we read.
    if bytes.response_type != ID_PKIX_OCSP_BASIC {
        return Err(malformed(
            "the OCSP response type is not id-pkix-ocsp-basic",
        ));
    }
    let inner = bytes.response.as_bytes();
    let basic = BasicOcspResponse::from_der(inner)
        .map_err(|_| malformed("the BasicOCSPResponse is not DER"))?;
    if basic.to_der().ok().as_deref() != Some(inner) {
        return Err(malformed("the BasicOCSPResponse is not in canonical DER"));
    }
    if basic.certs.as_ref().is_some_and(|c| c.len() > MAX_CERTS) {
        return Err(malformed("the OCSP response carries too many certificates"));
    }
    let tbs_der = basic
        .tbs_response_data
        .to_der()
        .map_err(|_| malformed("tbsResponseData cannot be re-encoded"))?;
    Ok(UnverifiedBasic { basic, tbs_der })
}
