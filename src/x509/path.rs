//! Path validation with `rustls-webpki`, on idbridge's own signature
//! algorithms (so every backend, P-521 and the named tolerances included,
//! serves the chain exactly as it serves every other signature).
//!
//! webpki builds and checks the path (names, validity of every non-anchor
//! certificate at `now`, basic constraints, path length, name constraints,
//! EKU chaining, a budget on signature checks and path-building calls). It
//! does not check the dates of the anchor that ends the path, key usage bits
//! of the end entity, policies or revocation: callers do those.

use super::cert::Certificate;
use super::sigalg::Quirks;
use crate::crypto::{
    self, Algorithm, AllowList, Backend, Curve, EcdsaEncoding, HashAlg, PublicKey,
};
use crate::error::{Error, ErrorCode, Result};
use core::sync::atomic::{AtomicUsize, Ordering};
use rustls_pki_types::{
    alg_id, AlgorithmIdentifier, CertificateDer, InvalidSignature, SignatureVerificationAlgorithm,
    TrustAnchor,
};
use webpki::{EndEntityCert, ExtendedKeyUsageValidator, KeyPurposeIdIter, KeyUsage};

/// The most signatures one path validation verifies (`Limits::DEFAULT`'s
/// signature checks). webpki's own budget is 100, and each failed
/// candidate path may cost one: with same-named junk intermediates in a
/// token that is 100 P-521 verifications. Past this budget every further
/// signature is refused without arithmetic, so path building ends quickly
/// and fails closed (`x509.chain.untrusted`).
const MAX_PATH_SIGNATURES: usize = crate::Limits::DEFAULT.max_signature_checks();

/// A trusted certificate: decoded, and held as a webpki trust anchor.
#[derive(Clone, Debug)]
pub(crate) struct Anchor {
    pub cert: Certificate,
    ta: TrustAnchor<'static>,
}

impl Anchor {
    /// Accepts any certificate as an anchor, expired or not, CA or not: an
    /// anchor is a name and a key the caller trusts. Its dates are checked
    /// only when it ends a path ([`verify_path`]'s caller does that).
    pub(crate) fn from_der(der: &[u8]) -> Result<Anchor> {
        let cert = Certificate::from_der(der)?;
        let cder = CertificateDer::from(der);
        let ta = webpki::anchor_from_trusted_cert(&cder)
            .map_err(|_| {
                Error::new(
                    ErrorCode::X509CertMalformed,
                    "the trust anchor certificate cannot be used as an anchor",
                )
            })?
            .to_owned();
        Ok(Anchor { cert, ta })
    }
}

/// What the end entity must be good for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Usage {
    /// EKU clientAuth when an EKU is present (RFC 5280 §4.2.1.12).
    ClientAuthIfPresent,
    /// EKU id-kp-OCSPSigning required (RFC 6960 §4.2.2.2).
    OcspSigning,
    /// No EKU requirement (the caller checks what it needs).
    Any,
}

#[derive(Debug)]
struct AnyEku;

impl ExtendedKeyUsageValidator for AnyEku {
    fn validate(&self, _iter: KeyPurposeIdIter<'_, '_>) -> core::result::Result<(), webpki::Error> {
        Ok(())
    }
}

/// One of our algorithms as webpki sees it.
struct WebpkiAlg<'b> {
    backend: &'b dyn Backend,
    /// Signatures this path validation may still verify.
    budget: &'b AtomicUsize,
    public_key_alg: AlgorithmIdentifier,
    signature_alg: AlgorithmIdentifier,
    alg: Algorithm,
}

impl core::fmt::Debug for WebpkiAlg<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "WebpkiAlg({} on {})", self.alg, self.backend.name())
    }
}

/// `SEQUENCE { <alg id contents>, BIT STRING { 0 unused bits, key } }`.
fn spki_der(alg_id_contents: &[u8], key: &[u8]) -> Vec<u8> {
    fn tlv(out: &mut Vec<u8>, tag: u8, content_len: usize) {
        out.push(tag);
        let len = content_len;
        if len < 0x80 {
            out.push(len as u8);
        } else if len < 0x100 {
            out.extend_from_slice(&[0x81, len as u8]);
        } else if len < 0x1_0000 {
            out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
        } else {
            out.extend_from_slice(&[0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8]);
        }
    }
    let mut alg = Vec::with_capacity(alg_id_contents.len() + 4);
    tlv(&mut alg, 0x30, alg_id_contents.len());
    alg.extend_from_slice(alg_id_contents);
    let mut bits = Vec::with_capacity(key.len() + 5);
    tlv(&mut bits, 0x03, key.len() + 1);
    bits.push(0);
    bits.extend_from_slice(key);
    let mut out = Vec::with_capacity(alg.len() + bits.len() + 5);
    tlv(&mut out, 0x30, alg.len() + bits.len());
    out.extend_from_slice(&alg);
    out.extend_from_slice(&bits);
    out
}

impl SignatureVerificationAlgorithm for WebpkiAlg<'_> {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> core::result::Result<(), InvalidSignature> {
        self.budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .map_err(|_| InvalidSignature)?;
        let key = PublicKey::from_spki_der(&spki_der(self.public_key_alg.as_ref(), public_key))
            .map_err(|_| InvalidSignature)?;
        crypto::verify_with_key(
            self.backend,
            AllowList::all(),
            self.alg,
            &key,
            message,
            signature,
        )
        .map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.public_key_alg
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature_alg
    }
}

// ecdsa-with-SHA256/384/512 followed by an explicit NULL (the Finnish encoding).
const ECDSA_SHA256_NULL: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x05, 0x00,
]);
const ECDSA_SHA384_NULL: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03, 0x05, 0x00,
]);
const ECDSA_SHA512_NULL: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04, 0x05, 0x00,
]);

fn algorithms<'b>(
    backend: &'b dyn Backend,
    budget: &'b AtomicUsize,
    quirks: Quirks,
) -> Vec<WebpkiAlg<'b>> {
    let mut out = Vec::new();
    let curves = [
        (Curve::P256, alg_id::ECDSA_P256),
        (Curve::P384, alg_id::ECDSA_P384),
        (Curve::P521, alg_id::ECDSA_P521),
    ];
    let hashes = [
        (HashAlg::Sha256, alg_id::ECDSA_SHA256, ECDSA_SHA256_NULL),
        (HashAlg::Sha384, alg_id::ECDSA_SHA384, ECDSA_SHA384_NULL),
        (HashAlg::Sha512, alg_id::ECDSA_SHA512, ECDSA_SHA512_NULL),
    ];
    for (curve, pk) in curves {
        for (hash, sig, sig_null) in hashes {
            let alg = Algorithm::Ecdsa {
                curve,
                hash,
                encoding: EcdsaEncoding::Der,
            };
            out.push(WebpkiAlg {
                backend,
                budget,
                public_key_alg: pk,
                signature_alg: sig,
                alg,
            });
            if quirks.ecdsa_null_params {
                out.push(WebpkiAlg {
                    backend,
                    budget,
                    public_key_alg: pk,
                    signature_alg: sig_null,
                    alg,
                });
            }
        }
    }
    for (hash, pkcs1, pss) in [
        (
            HashAlg::Sha256,
            alg_id::RSA_PKCS1_SHA256,
            alg_id::RSA_PSS_SHA256,
        ),
        (
            HashAlg::Sha384,
            alg_id::RSA_PKCS1_SHA384,
            alg_id::RSA_PSS_SHA384,
        ),
        (
            HashAlg::Sha512,
            alg_id::RSA_PKCS1_SHA512,
            alg_id::RSA_PSS_SHA512,
        ),
    ] {
        out.push(WebpkiAlg {
            backend,
            budget,
            public_key_alg: alg_id::RSA_ENCRYPTION,
            signature_alg: pkcs1,
            alg: Algorithm::RsaPkcs1v15(hash),
        });
        out.push(WebpkiAlg {
            backend,
            budget,
            public_key_alg: alg_id::RSA_ENCRYPTION,
            signature_alg: pss,
            alg: Algorithm::RsaPss(hash),
        });
    }
    out
}

fn map_error(e: &webpki::Error) -> Error {
    match e {
        webpki::Error::CertExpired { .. } => Error::new(
            ErrorCode::X509CertExpired,
            "a certificate on the path has expired",
        ),
        webpki::Error::CertNotValidYet { .. } => Error::new(
            ErrorCode::X509CertNotYetValid,
            "a certificate on the path is not valid yet",
        ),
        #[allow(deprecated)]
        webpki::Error::RequiredEkuNotFound | webpki::Error::RequiredEkuNotFoundContext(_) => {
            Error::new(
                ErrorCode::X509PurposeWrong,
                "the extended key usage does not allow this use",
            )
        }
        other => Error::with_detail(
            ErrorCode::X509ChainUntrusted,
            format!("no path to a trusted certificate ({other:?})"),
        ),
    }
}

/// Validates a path from `leaf` through any of `intermediates` to one of
/// `anchors` at `now`; returns the anchor that ends the path.
pub(crate) fn verify_path<'a>(
    backend: &dyn Backend,
    leaf: &Certificate,
    intermediates: &[Vec<u8>],
    anchors: &'a [Anchor],
    now: crate::UnixTime,
    usage: Usage,
    quirks: Quirks,
) -> Result<&'a Anchor> {
    let untrusted = |why: &'static str| Error::new(ErrorCode::X509ChainUntrusted, why);
    if anchors.is_empty() {
        return Err(untrusted("no trust anchor is configured"));
    }
    let secs = u64::try_from(now.as_secs()).map_err(|_| untrusted("a time before 1970"))?;
    let time = rustls_pki_types::UnixTime::since_unix_epoch(core::time::Duration::from_secs(secs));
    let leaf_der = CertificateDer::from(leaf.der.as_slice());
    let ee = EndEntityCert::try_from(&leaf_der).map_err(|e| map_error(&e))?;
    let tas: Vec<TrustAnchor<'_>> = anchors.iter().map(|a| a.ta.clone()).collect();
    let inter: Vec<CertificateDer<'_>> = intermediates
        .iter()
        .map(|d| CertificateDer::from(d.as_slice()))
        .collect();
    let budget = AtomicUsize::new(MAX_PATH_SIGNATURES);
    let algs = algorithms(backend, &budget, quirks);
    let alg_refs: Vec<&dyn SignatureVerificationAlgorithm> = algs
        .iter()
        .map(|a| a as &dyn SignatureVerificationAlgorithm)
        .collect();
    let path = match usage {
        Usage::ClientAuthIfPresent => ee.verify_for_usage(
            &alg_refs,
            &tas,
            &inter,
            time,
            KeyUsage::client_auth(),
            None,
            None,
        ),
        Usage::OcspSigning => ee.verify_for_usage(
            &alg_refs,
            &tas,
            &inter,
            time,
            KeyUsage::required(&[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09]),
            None,
            None,
        ),
        Usage::Any => ee.verify_for_usage(&alg_refs, &tas, &inter, time, AnyEku, None, None),
    }
    .map_err(|e| map_error(&e))?;
    let end = path.anchor();
    anchors
        .iter()
        .find(|a| {
            a.ta.subject.as_ref() == end.subject.as_ref()
                && a.ta.subject_public_key_info.as_ref() == end.subject_public_key_info.as_ref()
        })
        .ok_or_else(|| untrusted("the path ends at an unknown anchor"))
}
