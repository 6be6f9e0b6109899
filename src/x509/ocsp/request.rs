//! Writing an OCSPRequest for one certificate (RFC 6960 §4.1.1, RFC 8954 §2).
//!
//! ```text
//! OCSPRequest ::= SEQUENCE {
//!     tbsRequest              TBSRequest,
//!     optionalSignature   [0] EXPLICIT Signature OPTIONAL }
//! TBSRequest ::= SEQUENCE {
//!     version             [0] EXPLICIT Version DEFAULT v1,
//!     requestorName       [1] EXPLICIT GeneralName OPTIONAL,
//!     requestList             SEQUENCE OF Request,
//!     requestExtensions   [2] EXPLICIT Extensions OPTIONAL }
//! Request ::= SEQUENCE {
//!     reqCert                     CertID,
//!     singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
//! ```

use super::cert_id::{cert_id, CertIdHash};
use crate::error::{Error, ErrorCode, Result};
use crate::x509::cert::Certificate;
use der::asn1::{ObjectIdentifier, OctetString};
use der::Encode;
use x509_cert::ext::Extension;
use x509_ocsp::{OcspRequest, Request, TbsRequest};

/// id-pkix-ocsp-nonce (RFC 6960 §4.4.1).
pub(crate) const ID_PKIX_OCSP_NONCE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.2");

/// RFC 8954 §2.1: the shortest and longest nonce.
const NONCE_MIN: usize = 1;
const NONCE_MAX: usize = 32;

fn encoding(_: der::Error) -> Error {
    Error::new(
        ErrorCode::InputEncoding,
        "the OCSP request cannot be encoded",
    )
}

/// `OCTET STRING { nonce }`: the value the nonce extension's extnValue wraps.
pub(crate) fn nonce_value(nonce: &[u8]) -> Result<Vec<u8>> {
    OctetString::new(nonce)
        .and_then(|o| o.to_der())
        .map_err(encoding)
}

/// Builds a DER OCSPRequest (RFC 6960 §4.1) asking about one certificate.
///
/// - `subject_der`: the certificate whose status is asked (DER);
/// - `issuer_der`: the certificate of the CA that issued it (DER);
/// - `nonce`: when given, 1 to 32 bytes the caller drew at random and keeps
///   for the response check; they go into the id-pkix-ocsp-nonce request
///   extension.
///
/// The CertID uses SHA-1 with absent hash parameters (what responders expect
/// and what the Web eID reference validator sends): issuerNameHash is SHA-1
/// of the issuer's subject Name DER, issuerKeyHash is SHA-1 of the issuer's
/// subjectPublicKey bits, serialNumber is the subject's serial. The request
/// is unsigned and names no requestor.
///
/// Errors: `x509.cert.malformed` when a certificate does not decode;
/// `input.encoding` when the nonce is empty or longer than 32 bytes.
///
/// ```
/// let err = idbridge::ocsp::build_request(b"junk", b"junk", None).unwrap_err();
/// assert_eq!(err.code(), "x509.cert.malformed");
/// ```
pub fn build_request(
    subject_der: &[u8],
    issuer_der: &[u8],
    nonce: Option<&[u8]>,
) -> Result<Vec<u8>> {
    let subject = Certificate::from_der(subject_der)?;
    let issuer = Certificate::from_der(issuer_der)?;
    let request_extensions = match nonce {
        None => None,
        Some(n) => {
            // RFC 8954 §2.1: "Nonce ::= OCTET STRING(SIZE(1..32))".
            if !(NONCE_MIN..=NONCE_MAX).contains(&n.len()) {
                return Err(Error::new(
                    ErrorCode::InputEncoding,
                    "an OCSP nonce must be 1 to 32 bytes long",
                ));
            }
            // RFC 6960 §4.4.1: "The value of the nonce MUST be an octet
            // string"; extnValue is itself an OCTET STRING, so the nonce is
            // an OCTET STRING inside it (RFC 8954 §2.1's example).
            Some(vec![Extension {
                extn_id: ID_PKIX_OCSP_NONCE,
                critical: false,
                extn_value: OctetString::new(nonce_value(n)?).map_err(encoding)?,
            }])
        }
    };
    let request = OcspRequest {
        tbs_request: TbsRequest {
            request_list: vec![Request {
                req_cert: cert_id(CertIdHash::Sha1, &subject, &issuer)?,
                single_request_extensions: None,
            }],
            request_extensions,
            ..TbsRequest::default()
        },
        optional_signature: None,
    };
    request.to_der().map_err(encoding)
}
