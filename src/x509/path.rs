//! Path validation with `rustls-webpki`, on idbridge's own signature
//! algorithms (so every backend, P-521 and the named tolerances included,
//! serves the chain exactly as it serves every other signature).
//!
//! webpki builds and checks the path (names, validity of every non-anchor
//! certificate at `now`, basic constraints and path length of the
//! intermediates, a CA certificate refused as the end entity, the anchor's
//! name constraints, EKU chaining, at most 6 intermediates, a budget on
//! signature checks and path-building calls). It does not check the dates
//! of the anchor that ends the path, key usage bits of the end entity,
//! policies or revocation: callers do those.
//!
//! webpki keeps only an anchor's name, key and name constraints. We apply
//! the anchor certificate's other constraints ourselves, on every candidate
//! path (RFC 5937 §3, "Using Trust Anchor Constraints During Certification
//! Path Processing": a constraint the anchor carries holds for the path;
//! one it does not carry adds nothing):
//!
//! - basicConstraints (RFC 5280 §4.2.1.9): present with cA FALSE → the
//!   anchor may not issue, no path ends at it; pathLenConstraint n → at most
//!   n non-self-issued intermediates below it. Absent → no constraint (an
//!   anchor is a name and a key the caller trusts; v1 anchors have no
//!   extensions). A basicConstraints we cannot read refuses every path.
//! - keyUsage (RFC 5280 §4.2.1.3): present without keyCertSign → no path
//!   ends at it.
//! - name constraints: webpki applies them already.
//! - policy constraints, inhibitAnyPolicy, the anchor's EKU: not applied
//!   (we do no policy processing; the Web eID reference applies none).
//!
//! And the caller decides which untrusted intermediates a path may use
//! ([`IntermediatePolicy`]): the Web eID verifier takes a token-supplied
//! intermediate only when it is a configured anchor or revocation data
//! covers it (docs/research/webeid-rules.md §2.4).

use super::cert::Certificate;
use super::sigalg::Quirks;
use crate::crypto::{
    self, Algorithm, AllowList, Backend, Curve, EcdsaEncoding, HashAlg, PublicKey,
};
use crate::error::{Error, ErrorCode, Result};
use core::cell::RefCell;
use core::sync::atomic::{AtomicUsize, Ordering};
use rustls_pki_types::{
    alg_id, AlgorithmIdentifier, CertificateDer, Der, InvalidSignature,
    SignatureVerificationAlgorithm, TrustAnchor,
};
use webpki::{EndEntityCert, ExtendedKeyUsageValidator, KeyPurposeIdIter, KeyUsage, VerifiedPath};

/// The most signatures one path validation verifies (`Limits::DEFAULT`'s
/// signature checks). webpki's own budget is 100, and each failed
/// candidate path may cost one: with same-named junk intermediates in a
/// token that is 100 P-521 verifications. Past this budget every further
/// signature is refused without arithmetic, so path building ends quickly
/// and fails closed (`x509.chain.untrusted`).
const MAX_PATH_SIGNATURES: usize = crate::Limits::DEFAULT.max_signature_checks();

/// The constraints an anchor certificate puts on the paths that end at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AnchorConstraints {
    /// It may issue, with at most this many intermediates below it
    /// (`None`: no limit of its own).
    Issues(Option<u32>),
    /// It may not issue (cA FALSE, no keyCertSign, or a basicConstraints
    /// we cannot read): no path ends at it.
    NoIssuing(&'static str),
}

const ID_CE_BASIC_CONSTRAINTS: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("2.5.29.19");

/// Reads the anchor's basicConstraints and keyUsage (RFC 5280 §4.2.1.9,
/// §4.2.1.3). The explicit `cA FALSE` that DER forbids reads as FALSE.
fn anchor_constraints(der: &[u8], cert: &Certificate) -> AnchorConstraints {
    use der::Decode;
    const KEY_CERT_SIGN: u16 = 1 << 5;
    if cert.key_usage.is_some_and(|ku| ku & KEY_CERT_SIGN == 0) {
        return AnchorConstraints::NoIssuing("the anchor's keyUsage lacks keyCertSign");
    }
    let Ok(parsed) = <x509_cert::Certificate as Decode>::from_der(der) else {
        return AnchorConstraints::NoIssuing("the anchor does not decode");
    };
    let Some(bc) = parsed
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == ID_CE_BASIC_CONSTRAINTS)
    else {
        return AnchorConstraints::Issues(None);
    };
    let value = bc.extn_value.as_bytes();
    if value == [0x30, 0x03, 0x01, 0x01, 0x00] {
        return AnchorConstraints::NoIssuing("the anchor's basicConstraints say cA FALSE");
    }
    match x509_cert::ext::pkix::BasicConstraints::from_der(value) {
        Ok(b) if b.ca => AnchorConstraints::Issues(b.path_len_constraint.map(u32::from)),
        Ok(_) => AnchorConstraints::NoIssuing("the anchor's basicConstraints say cA FALSE"),
        Err(_) => AnchorConstraints::NoIssuing("the anchor's basicConstraints do not parse"),
    }
}

/// A trusted certificate: decoded, and held as a webpki trust anchor.
#[derive(Clone, Debug)]
pub(crate) struct Anchor {
    pub cert: Certificate,
    ta: TrustAnchor<'static>,
    constraints: AnchorConstraints,
    /// The anchor's key, parsed once (`None`: a key `PublicKey` refuses).
    key: Option<PublicKey>,
}

impl Anchor {
    /// Whether a path with these intermediates (leaf side first) may end at
    /// this anchor.
    pub(crate) fn admits(&self, intermediates: &[Certificate]) -> core::result::Result<(), String> {
        match self.constraints {
            AnchorConstraints::NoIssuing(why) => Err(why.to_string()),
            AnchorConstraints::Issues(None) => Ok(()),
            AnchorConstraints::Issues(Some(max)) => {
                // RFC 5280 §6.1.4 (l): only certificates that are not
                // self-issued count against the path length.
                let counted = intermediates
                    .iter()
                    .filter(|c| c.subject_der != c.issuer_der)
                    .count();
                if u32::try_from(counted).map_or(true, |n| n > max) {
                    Err(format!(
                        "the anchor's pathLenConstraint {max} allows fewer than the {counted} intermediates below it"
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }
}

#[cfg(any(feature = "icao", feature = "mdoc"))]
impl Anchor {
    /// Whether the anchor carries name constraints (which only webpki's
    /// path check applies).
    pub(crate) fn has_name_constraints(&self) -> bool {
        self.ta.name_constraints.is_some()
    }

    /// The anchor's key, when `PublicKey` takes it (not brainpool).
    #[cfg_attr(not(feature = "mdoc"), allow(dead_code))]
    pub(crate) fn key(&self) -> Option<&PublicKey> {
        self.key.as_ref()
    }
}

/// Which untrusted intermediates a path may use. `Err` refuses this one
/// (and the path through it); its error is reported when no path remains.
pub(crate) trait IntermediatePolicy {
    /// May `intermediate`, issued by `issuer` (the next certificate of the
    /// path, or the anchor's certificate), be on the path?
    fn admit(&self, intermediate: &Certificate, issuer: &Certificate) -> Result<()>;
}

/// No intermediate at all: the leaf is issued by an anchor.
#[cfg_attr(
    not(any(
        feature = "icao",
        feature = "smartid",
        feature = "mobileid",
        feature = "ocsp"
    )),
    allow(dead_code)
)]
pub(crate) struct NoIntermediates;

impl IntermediatePolicy for NoIntermediates {
    fn admit(&self, _: &Certificate, _: &Certificate) -> Result<()> {
        Err(Error::new(
            ErrorCode::X509ChainUntrusted,
            "no intermediate certificate may be used here",
        ))
    }
}

/// The end of a validated path.
#[derive(Debug)]
pub(crate) struct PathEnd<'a> {
    /// The anchor that ends the path.
    pub anchor: &'a Anchor,
    /// The first intermediate, if any.
    intermediate: Option<Certificate>,
}

impl PathEnd<'_> {
    /// The leaf's direct issuer: the first intermediate, or the anchor's
    /// certificate.
    #[cfg_attr(not(feature = "webeid"), allow(dead_code))]
    pub(crate) fn issuer(&self) -> &Certificate {
        self.intermediate.as_ref().unwrap_or(&self.anchor.cert)
    }
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
        let constraints = anchor_constraints(der, &cert);
        let key = PublicKey::from_spki_der(&cert.spki_der).ok();
        Ok(Anchor {
            cert,
            ta,
            constraints,
            key,
        })
    }
}

/// What the end entity must be good for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Usage {
    /// EKU clientAuth when an EKU is present (RFC 5280 §4.2.1.12).
    #[cfg_attr(not(feature = "webeid"), allow(dead_code))] // Web eID's
    ClientAuthIfPresent,
    /// EKU id-kp-OCSPSigning required (RFC 6960 §4.2.2.2).
    #[cfg_attr(not(feature = "ocsp"), allow(dead_code))] // the OCSP responder's signature
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
    /// The anchors, whose keys were parsed when they were loaded.
    anchors: &'b [Anchor],
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
        let spki = spki_der(self.public_key_alg.as_ref(), public_key);
        // An anchor's key is the same SPKI parsed once; any other is parsed here.
        let parsed;
        let mut known = self.anchors.iter().filter_map(|a| a.key.as_ref());
        let key = match known.find(|k| k.spki_der() == spki) {
            Some(key) => key,
            None => {
                parsed = PublicKey::from_spki_der(&spki).map_err(|_| InvalidSignature)?;
                &parsed
            }
        };
        crypto::verify_with_key(
            self.backend,
            AllowList::all(),
            self.alg,
            key,
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
    anchors: &'b [Anchor],
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
                anchors,
                budget,
                public_key_alg: pk,
                signature_alg: sig,
                alg,
            });
            if quirks.ecdsa_null_params {
                out.push(WebpkiAlg {
                    backend,
                    anchors,
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
            anchors,
            budget,
            public_key_alg: alg_id::RSA_ENCRYPTION,
            signature_alg: pkcs1,
            alg: Algorithm::RsaPkcs1v15(hash),
        });
        out.push(WebpkiAlg {
            backend,
            anchors,
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
            format!("no path to a trusted certificate: {}", webpki_words(other)),
        ),
    }
}

/// What webpki's refusal means, in words for a user (its `Debug` names,
/// such as `UnknownIssuer`, are not shown raw).
fn webpki_words(e: &webpki::Error) -> String {
    let debug = format!("{e:?}");
    let name = debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default();
    let known = match name {
        "UnknownIssuer" => {
            "no configured trust anchor or given intermediate issued a certificate of the path"
        }
        "BadDer" | "BadDerTime" | "TrailingData" => {
            "a certificate of the path is not well-formed DER"
        }
        "BadSignature" | "InvalidSignatureForPublicKey" => {
            "a signature on the path does not verify"
        }
        "UnsupportedSignatureAlgorithm"
        | "UnsupportedSignatureAlgorithmContext"
        | "UnsupportedSignatureAlgorithmForPublicKey"
        | "UnsupportedSignatureAlgorithmForPublicKeyContext" => {
            "a certificate of the path is signed with an algorithm that is not accepted"
        }
        "CaUsedAsEndEntity" => "a CA certificate is used as the end certificate",
        "EndEntityUsedAsCa" => "an end-entity certificate is used as a CA",
        "PathLenConstraintViolated" => "the path is longer than a CA's pathLenConstraint allows",
        "NameConstraintViolation" => "a name on the path breaks a CA's name constraints",
        "MaximumPathDepthExceeded"
        | "MaximumPathBuildCallsExceeded"
        | "MaximumSignatureChecksExceeded" => {
            "the path search gave up at its bound (too many candidates)"
        }
        "UnsupportedCriticalExtension" => {
            "a certificate of the path has an unsupported critical extension"
        }
        "UnsupportedCertVersion" => "a certificate of the path is not X.509 version 3",
        "InvalidCertValidity" => "a certificate of the path has an invalid validity period",
        "ExtensionValueInvalid" | "MalformedExtensions" => {
            "a certificate of the path has a malformed extension"
        }
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    // Any other refusal: its name in lower-case words.
    let mut words = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() && !words.is_empty() {
            words.push(' ');
        }
        words.push(c.to_ascii_lowercase());
    }
    if words.is_empty() {
        "the path does not validate".to_string()
    } else {
        words
    }
}

/// Validates a path from `leaf` through any of `intermediates` (each
/// admitted by `policy`) to one of `anchors` (within its constraints) at
/// `now`; returns the anchor that ends the path and the leaf's issuer.
#[allow(clippy::too_many_arguments)]
pub(crate) fn verify_path<'a>(
    backend: &dyn Backend,
    leaf: &Certificate,
    intermediates: &[Vec<u8>],
    anchors: &'a [Anchor],
    now: crate::UnixTime,
    usage: Usage,
    quirks: Quirks,
    policy: &dyn IntermediatePolicy,
) -> Result<PathEnd<'a>> {
    let untrusted = |why: &'static str| Error::new(ErrorCode::X509ChainUntrusted, why);
    if anchors.is_empty() {
        return Err(untrusted("no trust anchor is configured"));
    }
    let secs = u64::try_from(now.as_secs()).map_err(|_| untrusted("a time before 1970"))?;
    let time = rustls_pki_types::UnixTime::since_unix_epoch(core::time::Duration::from_secs(secs));
    let leaf_der = CertificateDer::from(leaf.der.as_slice());
    let ee = EndEntityCert::try_from(&leaf_der).map_err(|e| map_error(&e))?;
    // Borrowed views of the anchors (a clone would copy their bytes).
    let tas: Vec<TrustAnchor<'_>> = anchors
        .iter()
        .map(|a| TrustAnchor {
            subject: Der::from_slice(a.ta.subject.as_ref()),
            subject_public_key_info: Der::from_slice(a.ta.subject_public_key_info.as_ref()),
            name_constraints: a
                .ta
                .name_constraints
                .as_ref()
                .map(|n| Der::from_slice(n.as_ref())),
        })
        .collect();
    let inter: Vec<CertificateDer<'_>> = intermediates
        .iter()
        .map(|d| CertificateDer::from(d.as_slice()))
        .collect();
    let budget = AtomicUsize::new(MAX_PATH_SIGNATURES);
    let algs = algorithms(backend, anchors, &budget, quirks);
    let alg_refs: Vec<&dyn SignatureVerificationAlgorithm> = algs
        .iter()
        .map(|a| a as &dyn SignatureVerificationAlgorithm)
        .collect();
    // Every candidate path webpki finds goes through `accept`: the anchor's
    // constraints, then the caller's intermediate policy. A refusal makes
    // webpki look for another path; the last refusal is the one reported.
    let refusal: RefCell<Option<Error>> = RefCell::new(None);
    let chosen: RefCell<Option<PathEnd<'a>>> = RefCell::new(None);
    let accept = |candidate: &VerifiedPath<'_>| -> core::result::Result<(), webpki::Error> {
        let outcome = accept_path(candidate, anchors, policy);
        match outcome {
            Ok(end) => {
                *chosen.borrow_mut() = Some(end);
                Ok(())
            }
            Err(e) => {
                *refusal.borrow_mut() = Some(e);
                Err(webpki::Error::UnknownIssuer)
            }
        }
    };
    let result = match usage {
        Usage::ClientAuthIfPresent => ee.verify_for_usage(
            &alg_refs,
            &tas,
            &inter,
            time,
            KeyUsage::client_auth(),
            None,
            Some(&accept),
        ),
        Usage::OcspSigning => ee.verify_for_usage(
            &alg_refs,
            &tas,
            &inter,
            time,
            KeyUsage::required(&[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09]),
            None,
            Some(&accept),
        ),
        Usage::Any => {
            ee.verify_for_usage(&alg_refs, &tas, &inter, time, AnyEku, None, Some(&accept))
        }
    };
    match result {
        Ok(_) => chosen
            .into_inner()
            .ok_or_else(|| untrusted("the path ends at an unknown anchor")),
        Err(e) => Err(match refusal.into_inner() {
            Some(ours) if matches!(e, webpki::Error::UnknownIssuer) => ours,
            _ => map_error(&e),
        }),
    }
}

/// One candidate path: the anchor that ends it must admit it, and every
/// intermediate on it must pass `policy`.
fn accept_path<'a>(
    candidate: &VerifiedPath<'_>,
    anchors: &'a [Anchor],
    policy: &dyn IntermediatePolicy,
) -> Result<PathEnd<'a>> {
    let untrusted = |why: String| Error::with_detail(ErrorCode::X509ChainUntrusted, why);
    let end = candidate.anchor();
    let inter: Vec<Certificate> = candidate
        .intermediate_certificates()
        .map(|c| Certificate::from_der(c.der().as_ref()))
        .collect::<Result<_>>()?;
    // Anchors that share a name and key are the same trust: the first one
    // whose certificate admits the path ends it.
    let mut why = None;
    let anchor = anchors
        .iter()
        .filter(|a| {
            a.ta.subject.as_ref() == end.subject.as_ref()
                && a.ta.subject_public_key_info.as_ref() == end.subject_public_key_info.as_ref()
        })
        .find(|a| match a.admits(&inter) {
            Ok(()) => true,
            Err(e) => {
                why = Some(e);
                false
            }
        })
        .ok_or_else(|| {
            untrusted(why.unwrap_or_else(|| "the path ends at an unknown anchor".into()))
        })?;
    for (i, cert) in inter.iter().enumerate() {
        let issuer = inter.get(i + 1).unwrap_or(&anchor.cert);
        policy.admit(cert, issuer)?;
    }
    Ok(PathEnd {
        anchor,
        intermediate: inter.into_iter().next(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pki(file: &str) -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("test-vectors/webeid/pki")
            .join(file);
        std::fs::read(p).unwrap()
    }

    fn cert(file: &str) -> Certificate {
        Certificate::from_der(&pki(file)).unwrap()
    }

    #[test]
    fn webpki_refusals_are_told_in_words() {
        for e in [
            webpki::Error::UnknownIssuer,
            webpki::Error::CaUsedAsEndEntity,
            webpki::Error::UnsupportedCertVersion,
            webpki::Error::UnknownRevocationStatus,
        ] {
            let words = webpki_words(&e);
            let debug = format!("{e:?}");
            assert!(!words.contains(&debug), "{words}");
            assert!(!words.is_empty() && words.contains(' '), "{words}");
        }
        let e = map_error(&webpki::Error::UnknownIssuer);
        assert_eq!(e.code(), "x509.chain.untrusted");
        assert!(e.reason().contains("no configured trust anchor"), "{e}");
    }

    #[test]
    fn anchor_constraints_are_read_from_the_anchor_certificate() {
        let read = |f: &str| Anchor::from_der(&pki(f)).unwrap().constraints;
        assert_eq!(read("esteid2026.cer"), AnchorConstraints::Issues(Some(0)));
        assert_eq!(read("root.cer"), AnchorConstraints::Issues(None));
        assert_eq!(
            read("esteid2026-no-pathlen.cer"),
            AnchorConstraints::Issues(None)
        );
        assert_eq!(
            read("esteid2026-no-bc.cer"),
            AnchorConstraints::Issues(None)
        );
        assert!(matches!(
            read("esteid2026-bc-false.cer"),
            AnchorConstraints::NoIssuing(_)
        ));
        assert!(matches!(
            read("esteid2026-no-keycertsign.cer"),
            AnchorConstraints::NoIssuing(_)
        ));
        // An end-entity certificate loads as an anchor (the Web eID
        // reference allows any), but no path may end at it.
        assert!(matches!(
            read("auth-p384.cer"),
            AnchorConstraints::NoIssuing(_)
        ));
        assert!(matches!(
            read("auth-bc-explicit-false.cer"),
            AnchorConstraints::NoIssuing(_)
        ));
    }

    #[test]
    fn path_length_counts_the_intermediates_that_are_not_self_issued() {
        let zero = Anchor::from_der(&pki("esteid2026.cer")).unwrap();
        let sub = cert("subca.cer");
        assert!(zero.admits(&[]).is_ok());
        assert!(zero.admits(core::slice::from_ref(&sub)).is_err());
        // A self-issued intermediate (subject = issuer) does not count
        // (RFC 5280 §6.1.4 (l)).
        let mut self_issued = sub.clone();
        self_issued.issuer_der = self_issued.subject_der.clone();
        assert!(zero.admits(core::slice::from_ref(&self_issued)).is_ok());
        assert!(zero.admits(&[self_issued, sub.clone()]).is_err());
        let unlimited = Anchor::from_der(&pki("root.cer")).unwrap();
        assert!(unlimited.admits(&[sub.clone(), sub]).is_ok());
    }

    #[test]
    fn no_intermediates_admits_none() {
        let c = cert("subca.cer");
        let e = NoIntermediates.admit(&c, &c).unwrap_err();
        assert_eq!(e.code(), "x509.chain.untrusted");
    }
}
