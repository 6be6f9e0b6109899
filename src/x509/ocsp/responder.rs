//! Who signed the response, whether the signature holds, and whether that
//! signer may speak for the certificate (RFC 6960 §4.2.1, §4.2.2.2).

use super::response::UnverifiedBasic;
use super::Responder;
use crate::crypto::{self, AllowList, Backend, PublicKey};
use crate::error::{Error, ErrorCode, Result};
use crate::x509::cert::Certificate;
use crate::x509::path::{verify_path, Anchor, NoIntermediates, Usage};
use crate::x509::sigalg::{algorithm_for, Quirks};
use crate::UnixTime;
use der::Encode;
use sha1::Digest as _;
use x509_ocsp::ResponderId;

fn untrusted(reason: &'static str) -> Error {
    Error::new(ErrorCode::OcspResponderUntrusted, reason)
}

fn invalid_signature(reason: &'static str) -> Error {
    Error::new(ErrorCode::OcspSignatureInvalid, reason)
}

/// The certificate whose key signed the response, and that key.
#[derive(Debug)]
pub(crate) struct Signer<'a> {
    cert: SignerCert<'a>,
    key: PublicKey,
}

#[derive(Debug)]
enum SignerCert<'a> {
    /// certs[0] of the response.
    Embedded(Box<Certificate>),
    /// No certificate in the response: the issuing CA, named by ResponderID.
    Issuer(&'a Certificate),
}

impl Signer<'_> {
    fn cert(&self) -> &Certificate {
        match &self.cert {
            SignerCert::Embedded(c) => c,
            SignerCert::Issuer(c) => c,
        }
    }
}

/// Picks the signer: certs[0] when the response carries certificates, else
/// the issuing CA when the ResponderID names it.
pub(crate) fn signer<'a>(
    response: &UnverifiedBasic,
    issuer: &'a Certificate,
) -> Result<Signer<'a>> {
    // RFC 6960 §4.2.1: "The responder MAY include certificates in the certs
    // field of BasicOCSPResponse that help the OCSP client verify the
    // responder's signature." As the Web eID reference does, the first one
    // is the responder's own.
    if let Some(first) = response.basic.certs.as_ref().and_then(|c| c.first()) {
        let der = first
            .to_der()
            .map_err(|_| untrusted("the responder certificate cannot be re-encoded"))?;
        let cert = Certificate::from_der(&der)
            .map_err(|_| untrusted("the responder certificate does not decode"))?;
        let key = PublicKey::from_spki_der(&cert.spki_der)
            .map_err(|_| untrusted("the responder certificate's key does not parse"))?;
        return Ok(Signer {
            cert: SignerCert::Embedded(Box::new(cert)),
            key,
        });
    }
    // RFC 6960 §4.2.2.3: "ResponderID ... byName ... byKey: KeyHash ... SHA-1
    // hash of responder's public key (excluding the tag and length fields)".
    // Without certificates, only the issuing CA itself can be the signer.
    let names_issuer = match &response.basic.tbs_response_data.responder_id {
        ResponderId::ByName(name) => name.to_der().is_ok_and(|d| d == issuer.subject_der),
        ResponderId::ByKey(hash) => {
            hash.as_bytes() == sha1::Sha1::digest(&issuer.public_key_bits).to_vec()
        }
    };
    if !names_issuer {
        return Err(untrusted(
            "the response carries no certificate and its ResponderID is not the issuing CA",
        ));
    }
    let key = PublicKey::from_spki_der(&issuer.spki_der)
        .map_err(|_| untrusted("the issuing CA's key does not parse"))?;
    Ok(Signer {
        cert: SignerCert::Issuer(issuer),
        key,
    })
}

/// Verifies the response's signature over tbsResponseData with the signer's key.
pub(crate) fn verify_signature(
    backend: &dyn Backend,
    response: &UnverifiedBasic,
    signer: &Signer<'_>,
    quirks: Quirks,
) -> Result<()> {
    let alg_id = &response.basic.signature_algorithm;
    let params = match &alg_id.parameters {
        None => None,
        Some(p) => Some(
            p.to_der()
                .map_err(|_| invalid_signature("the signature parameters cannot be re-encoded"))?,
        ),
    };
    // RFC 6960 §4.2.1: "The value for signature SHALL be computed on the hash
    // of the DER encoding of ResponseData."
    let alg = algorithm_for(
        &alg_id.oid.to_string(),
        params.as_deref(),
        &signer.key,
        quirks,
    )
    .map_err(|_| invalid_signature("the response's signature algorithm is not supported"))?;
    let signature = response
        .basic
        .signature
        .as_bytes()
        .ok_or_else(|| invalid_signature("the signature BIT STRING has unused bits"))?;
    crypto::verify_with_key(
        backend,
        AllowList::all(),
        alg,
        &signer.key,
        &response.tbs_der,
        signature,
    )
    .map_err(|_| invalid_signature("the OCSP response signature does not verify"))
}

/// Whether the (verified) signer may answer for certificates of `issuer`.
pub(crate) fn authorize(
    backend: &dyn Backend,
    signer: &Signer<'_>,
    issuer: &Certificate,
    responder: Responder<'_>,
    now: UnixTime,
    quirks: Quirks,
) -> Result<()> {
    let cert = signer.cert();
    match responder {
        Responder::Pinned(pinned) => {
            // RFC 6960 §4.2.2.2: "Matches a local configuration of OCSP
            // signing authority for the certificate in question". The
            // configured certificate, byte for byte, and no other.
            if cert.der != pinned {
                return Err(untrusted(
                    "the response is not signed by the pinned OCSP responder",
                ));
            }
            cert.check_validity(now)
                .map_err(|_| untrusted("the pinned OCSP responder is not valid at this time"))
        }
        Responder::Issuer => {
            // RFC 6960 §4.2.2.2: "Is the CA that issued the certificate in
            // question". Same name and same key (a re-issued CA certificate
            // counts).
            if cert.subject_der == issuer.subject_der && cert.spki_der == issuer.spki_der {
                return Ok(());
            }
            // "Includes a value of id-kp-OCSPSigning in an extended key usage
            // extension and is issued by the CA that issued the certificate
            // in question." Names first, so a responder from another
            // hierarchy fails here rather than on an algorithm error.
            if cert.issuer_der != issuer.subject_der {
                return Err(untrusted(
                    "the OCSP responder is not issued by the certificate's issuing CA",
                ));
            }
            let anchor = Anchor::from_der(&issuer.der)
                .map_err(|_| untrusted("the issuing CA cannot serve as the responder's anchor"))?;
            // The issuing CA's signature on it, its validity at `now`, and
            // the EKU id-kp-OCSPSigning.
            verify_path(
                backend,
                cert,
                &[],
                core::slice::from_ref(&anchor),
                now,
                Usage::OcspSigning,
                quirks,
                &NoIntermediates,
            )
            .map(|_| ())
            .map_err(|e| {
                Error::with_detail(
                    ErrorCode::OcspResponderUntrusted,
                    format!(
                        "the OCSP responder is not authorized by the issuing CA ({})",
                        e.code()
                    ),
                )
            })
        }
    }
}
