//! Verifying a Web eID authentication token, check by check, in the order of
//! the reference validator (web-eid-authtoken-validation-java,
//! `AuthTokenValidatorImpl`), each check with its stable error code.

use super::token::{self, SigningCertificate, UnverifiedToken, Version};
use crate::crypto::{self, Algorithm, AllowList, Backend, PublicKey, SignatureCheck};
use crate::error::{Error, ErrorCode, Result};
use crate::identity::{Loa, System, VerifiedIdentity};
use crate::x509::cert::{self, attr, Certificate};
use crate::x509::path::{self, Usage};
use crate::x509::Quirks;
use crate::{Limits, Trust, UnixTime};
use base64::Engine as _;

/// Estonian Mobile-ID certificate policies, refused by default: a Mobile-ID
/// certificate must not authenticate through Web eID (reference validator,
/// `SubjectCertificatePolicies`).
pub const MOBILE_ID_POLICIES: &[&str] = &[
    "1.3.6.1.4.1.10015.1.3",
    "1.3.6.1.4.1.10015.1.3.1",
    "1.3.6.1.4.1.10015.1.3.2",
    "1.3.6.1.4.1.10015.1.3.3",
];

/// Whether and how to check revocation with an OCSP response the caller
/// fetched (the library does no network I/O; see [`crate::ocsp`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Ocsp<'a> {
    /// No revocation check.
    #[default]
    Off,
    /// Check this DER OCSP response for the user certificate.
    Response {
        /// The DER `OCSPResponse`.
        response: &'a [u8],
        /// A designated responder certificate (DER or PEM) to pin; `None`
        /// accepts the issuing CA or a responder it delegated to (RFC 6960
        /// §4.2.2.2).
        responder: Option<&'a [u8]>,
        /// The nonce sent in the request, when the caller sent one.
        request_nonce: Option<&'a [u8]>,
    },
}

/// What the relying party expects of a token.
#[derive(Clone, Debug)]
pub struct Expectations<'a> {
    /// The site's origin, exactly `https://host[:port]` (Web eID signs it).
    pub origin: &'a str,
    /// The challenge nonce exactly as issued (see [`super::Nonce`]).
    pub nonce: &'a str,
    /// Revocation checking.
    pub ocsp: Ocsp<'a>,
    /// The token algorithms accepted (default: all nine of Web eID).
    pub allowed: AllowList,
    /// Certificate policies that refuse a certificate (default: Mobile-ID).
    pub disallowed_policies: &'a [&'a str],
    /// OCSP time windows.
    pub ocsp_policy: crate::ocsp::OcspPolicy,
    /// Input bounds.
    pub limits: Limits,
}

impl<'a> Expectations<'a> {
    /// Expectations for `origin` and `nonce` with every default.
    pub fn new(origin: &'a str, nonce: &'a str) -> Self {
        Expectations {
            origin,
            nonce,
            ocsp: Ocsp::Off,
            allowed: AllowList::all(),
            disallowed_policies: MOBILE_ID_POLICIES,
            ocsp_policy: crate::ocsp::OcspPolicy::default(),
            limits: Limits::default(),
        }
    }
}

/// A verified token: the identity, and the certificate it was read from.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct VerifiedToken {
    /// The uniform identity.
    pub identity: VerifiedIdentity,
    /// The authentication certificate (DER), for callers that need more.
    pub certificate: Vec<u8>,
    /// The token's format version.
    pub version: Version,
}

/// The JWA names Web eID uses, as idbridge algorithms.
fn jwa(name: &str) -> Option<Algorithm> {
    Some(match name {
        "ES256" => Algorithm::ECDSA_P256_SHA256_RAW,
        "ES384" => Algorithm::ECDSA_P384_SHA384_RAW,
        "ES512" => Algorithm::ECDSA_P521_SHA512_RAW,
        "PS256" => Algorithm::RsaPss(crypto::HashAlg::Sha256),
        "PS384" => Algorithm::RsaPss(crypto::HashAlg::Sha384),
        "PS512" => Algorithm::RsaPss(crypto::HashAlg::Sha512),
        "RS256" => Algorithm::RsaPkcs1v15(crypto::HashAlg::Sha256),
        "RS384" => Algorithm::RsaPkcs1v15(crypto::HashAlg::Sha384),
        "RS512" => Algorithm::RsaPkcs1v15(crypto::HashAlg::Sha512),
        _ => return None,
    })
}

fn config(reason: &'static str) -> Error {
    Error::new(ErrorCode::ConfigInvalid, reason)
}

/// Web eID system architecture: the origin is `https://` + host (+ port),
/// with no path, query, fragment or user information.
fn check_origin(origin: &str) -> Result<()> {
    let bad = || config("the origin must be https://host[:port]");
    let authority = origin.strip_prefix("https://").ok_or_else(bad)?;
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => (h, Some(p)),
        _ => (authority, None),
    };
    let host_ok = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        !v6.is_empty()
            && v6
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    } else {
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    if host_ok && port_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

fn decode_b64(s: &str) -> Option<Vec<u8>> {
    // java.util.Base64's basic decoder: standard alphabet, padding optional.
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    engine.decode(s).ok()
}

fn decode_certificate(b64: &str) -> Result<Certificate> {
    let der = decode_b64(b64).ok_or(Error::new(
        ErrorCode::X509CertMalformed,
        "the certificate is not base64",
    ))?;
    Certificate::from_der(&der)
}

/// Reference validator, `SubjectCertificatePurposeValidator`: key usage
/// present with digitalSignature; an EKU, when present, lists clientAuth.
fn check_purpose(c: &Certificate) -> Result<()> {
    let ku = c.key_usage.ok_or(Error::new(
        ErrorCode::X509PurposeMissing,
        "the certificate has no key usage",
    ))?;
    if ku & cert::ku::DIGITAL_SIGNATURE == 0 {
        return Err(Error::new(
            ErrorCode::X509PurposeWrong,
            "the key usage lacks digitalSignature",
        ));
    }
    if let Some(ekus) = &c.ext_key_usage {
        if !ekus.is_empty() && !ekus.iter().any(|e| e == cert::EKU_CLIENT_AUTH) {
            return Err(Error::new(
                ErrorCode::X509PurposeWrong,
                "the extended key usage lacks clientAuth",
            ));
        }
    }
    Ok(())
}

/// Reference validator, `SubjectCertificatePolicyValidator`.
fn check_policies(c: &Certificate, disallowed: &[&str]) -> Result<()> {
    if let Some(policies) = &c.policies {
        if policies.iter().any(|p| disallowed.contains(&p.as_str())) {
            return Err(Error::new(
                ErrorCode::X509PolicyDisallowed,
                "the certificate carries a disallowed policy",
            ));
        }
    }
    Ok(())
}

/// The work that remains after the token signature is verified.
#[derive(Debug)]
struct AfterSignature {
    version: Version,
    leaf: Certificate,
    signing: Option<Vec<SigningCertificate>>,
    intermediates: Vec<Vec<u8>>,
}

/// Verifies `token` with the default backend. See [`verify_token_with`].
pub fn verify_token(
    trust: &Trust,
    token: &[u8],
    expectations: &Expectations<'_>,
    now: UnixTime,
) -> Result<VerifiedToken> {
    verify_token_with(crypto::default_backend(), trust, token, expectations, now)
}

/// Verifies a Web eID authentication token, as the browser posted it.
///
/// The checks, in order (the first failure is reported):
/// the caller's origin and nonce (`config.invalid`); size 100–10,000 bytes
/// (`input.too_large`, `webeid.token.malformed`); UTF-8 (`input.encoding`);
/// JSON without duplicate keys (`input.json`); field types
/// (`webeid.token.malformed`); format (`webeid.format.unsupported`);
/// the certificate (`x509.cert.malformed`), its purpose
/// (`x509.purpose.missing`, `x509.purpose.wrong`), policies
/// (`x509.policy.disallowed`), validity (`x509.cert.expired`,
/// `x509.cert.not_yet_valid`), chain to a trusted issuing CA
/// (`x509.chain.untrusted`) and that CA's validity; OCSP when given
/// (`ocsp.*`); the algorithm (`webeid.algorithm.unsupported`); the signature
/// over H(origin) ‖ H(nonce) (`webeid.signature.invalid`); for web-eid:1.1,
/// the signing certificates (`webeid.signing_certificate.invalid`).
pub fn verify_token_with(
    backend: &dyn Backend,
    trust: &Trust,
    token: &[u8],
    expectations: &Expectations<'_>,
    now: UnixTime,
) -> Result<VerifiedToken> {
    let (after, check) = prepare(backend, trust, token, expectations, now)?;
    backend
        .verify(&check)
        .map_err(|_| check.failure().clone())?;
    finish(backend, trust, after, expectations, now)
}

fn prepare(
    backend: &dyn Backend,
    trust: &Trust,
    token: &[u8],
    exp: &Expectations<'_>,
    now: UnixTime,
) -> Result<(AfterSignature, SignatureCheck)> {
    // The caller's side first: a verification against an unusable
    // expectation must not be attempted at all.
    check_origin(exp.origin)?;
    if exp.nonce.is_empty() || exp.nonce.len() > 1024 {
        return Err(config("the nonce must be 1 to 1024 characters"));
    }
    if trust.webeid_anchors.is_empty() {
        return Err(config("no Web eID trust anchor is configured"));
    }

    // S1: size, before any parsing.
    if token.len() > exp.limits.max_token_bytes() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!(
                "the token has {} bytes; at most {} are accepted",
                token.len(),
                exp.limits.max_token_bytes()
            ),
        ));
    }
    if token.len() < exp.limits.min_token_bytes() {
        return Err(Error::new(
            ErrorCode::WebeidTokenMalformed,
            "the token is shorter than 100 bytes",
        ));
    }
    // S2-S4: UTF-8, JSON, field types.
    let json = crate::json::parse(token, exp.limits.max_json_depth())?;
    let t = UnverifiedToken::from_json(&json)?;
    // S5: format.
    let version = token::version(t.format.as_deref())?;

    // S6 (1.1): intermediates offered by the token.
    let mut intermediates = Vec::new();
    if version == Version::V1_1 {
        if let Some(list) = &t.intermediates {
            intermediates = decode_intermediates(list, &exp.limits)?;
        }
    }

    // S7-S9: the authentication certificate.
    let cert_b64 = match t.unverified_certificate.as_deref() {
        Some(s) if !s.is_empty() => s,
        _ => {
            return Err(Error::new(
                ErrorCode::WebeidTokenMalformed,
                "unverifiedCertificate is missing or empty",
            ))
        }
    };
    let leaf = decode_certificate(cert_b64)?;
    // S10-S11.
    check_purpose(&leaf)?;
    check_policies(&leaf, exp.disallowed_policies)?;
    // S12: the user certificate's own dates come first, with their own codes.
    leaf.check_validity(now)?;
    // S13-S14: a path to a configured issuing CA, then that CA's dates.
    let quirks = Quirks {
        ecdsa_null_params: true,
    };
    let anchor = path::verify_path(
        backend,
        &leaf,
        &intermediates,
        &trust.webeid_anchors,
        now,
        Usage::ClientAuthIfPresent,
        quirks,
    )?;
    anchor.cert.check_validity(now)?;

    // S15: revocation, when the caller brought an OCSP response.
    if let Ocsp::Response {
        response,
        responder,
        request_nonce,
    } = exp.ocsp
    {
        // The anchors are issuing CAs: the leaf's issuer is the anchor that
        // ends its path (a token intermediate would itself chain to it).
        let issuer = &anchor.cert;
        let pinned;
        let responder = match responder {
            Some(r) => {
                pinned = crate::pem::decode_certificate(r)?;
                crate::ocsp::Responder::Pinned(&pinned)
            }
            None => crate::ocsp::Responder::Issuer,
        };
        crate::ocsp::check_response(
            backend,
            response,
            &leaf,
            issuer,
            responder,
            request_nonce,
            now,
            &exp.ocsp_policy,
            quirks,
        )?;
    }

    // S16-S18: algorithm and signature.
    let alg_name = match t.algorithm.as_deref() {
        Some(s) if !s.is_empty() => s,
        _ => {
            return Err(Error::new(
                ErrorCode::WebeidTokenMalformed,
                "algorithm is missing or empty",
            ))
        }
    };
    let sig_b64 = match t.signature.as_deref() {
        Some(s) if !s.is_empty() => s,
        _ => {
            return Err(Error::new(
                ErrorCode::WebeidTokenMalformed,
                "signature is missing or empty",
            ))
        }
    };
    let algorithm = jwa(alg_name)
        .filter(|a| exp.allowed.contains(*a))
        .ok_or(Error::new(
            ErrorCode::WebeidAlgorithmUnsupported,
            "the token's algorithm is not accepted",
        ))?;
    let invalid = Error::new(
        ErrorCode::WebeidSignatureInvalid,
        "the token signature does not verify for this origin and nonce",
    );
    let signature = decode_b64(sig_b64).ok_or_else(|| invalid.clone())?;
    let key = PublicKey::from_spki_der(&leaf.spki_der).map_err(|_| invalid.clone())?;
    // Web eID: the signed data is hash(origin) ‖ hash(nonce), with the hash
    // of the signature algorithm; the nonce is hashed as a string.
    let hash = algorithm.hash();
    let mut message = hash.digest(exp.origin.as_bytes());
    message.extend_from_slice(&hash.digest(exp.nonce.as_bytes()));
    let check = SignatureCheck::new(
        AllowList::all(),
        algorithm,
        &key,
        &message,
        &signature,
        invalid.clone(),
    )
    .map_err(|_| invalid)?;
    if exp.limits.max_signature_checks() == 0 {
        return Err(Error::new(
            ErrorCode::CryptoChecksExceeded,
            "more signature checks than the limit allows",
        ));
    }
    let after = AfterSignature {
        version,
        leaf,
        signing: t.signing_certificates,
        intermediates,
    };
    Ok((after, check))
}

fn decode_intermediates(list: &[String], limits: &Limits) -> Result<Vec<Vec<u8>>> {
    if list.is_empty() || list.iter().any(String::is_empty) {
        return Err(Error::new(
            ErrorCode::WebeidTokenMalformed,
            "unverifiedIntermediateCertificates is empty or has an empty entry",
        ));
    }
    // A chain of at most `max_chain_len` certificates, end entity and
    // anchor included, has room for that many less two intermediates. Path
    // building tries every ordering of same-named candidates (up to
    // webpki's 200,000 calls: about 40 ms with 8 of them, 2 ms with 6), so
    // more cannot help and only multiply that work.
    let max = limits.max_chain_len().saturating_sub(2);
    if list.len() > max {
        return Err(Error::with_detail(
            ErrorCode::WebeidTokenMalformed,
            format!(
                "{} intermediate certificates; at most {max} are accepted",
                list.len()
            ),
        ));
    }
    list.iter()
        .map(|b64| decode_certificate(b64).map(|c| c.der))
        .collect()
}

const CRYPTO_ALGORITHMS: &[&str] = &["ECC", "RSA"];
const HASH_FUNCTIONS: &[&str] = &[
    "SHA-224", "SHA-256", "SHA-384", "SHA-512", "SHA3-224", "SHA3-256", "SHA3-384", "SHA3-512",
];
const PADDING_SCHEMES: &[&str] = &["NONE", "PKCS1.5", "PSS"];

fn finish(
    backend: &dyn Backend,
    trust: &Trust,
    after: AfterSignature,
    exp: &Expectations<'_>,
    now: UnixTime,
) -> Result<VerifiedToken> {
    if after.version == Version::V1_1 {
        check_signing_certificates(backend, trust, &after, &exp.limits, now)?;
    }
    let leaf = after.leaf;
    let mut identity = VerifiedIdentity::new(System::Webeid);
    identity.issuer = leaf.issuer_attr(attr::COMMON_NAME).map(str::to_string);
    identity.subject_id = leaf.subject_attr(attr::SERIAL_NUMBER).map(str::to_string);
    identity.given_name = leaf.subject_attr(attr::GIVEN_NAME).map(str::to_string);
    identity.family_name = leaf.subject_attr(attr::SURNAME).map(str::to_string);
    // Web eID tokens are signed by a smart card's chip (a QSCD) after PIN
    // entry: the national ID-card schemes it serves are notified at "high".
    identity.loa = Some(Loa::High);
    if let Some(c) = leaf.subject_attr(attr::COUNTRY) {
        identity.attributes.insert("country".into(), c.to_string());
    }
    if let Some(cn) = leaf.subject_attr(attr::COMMON_NAME) {
        identity
            .attributes
            .insert("common_name".into(), cn.to_string());
    }
    Ok(VerifiedToken {
        identity,
        certificate: leaf.der,
        version: after.version,
    })
}

/// web-eid:1.1 (reference branch NFC-128, `AuthTokenVersion11Validator`):
/// each signing certificate must belong to the same person (subject), come
/// from the same issuer key (authority key identifier), be meant for
/// signing (nonRepudiation) and chain to a trusted CA at `now`.
fn check_signing_certificates(
    backend: &dyn Backend,
    trust: &Trust,
    after: &AfterSignature,
    limits: &Limits,
    now: UnixTime,
) -> Result<()> {
    let malformed = |why: &'static str| Error::new(ErrorCode::WebeidTokenMalformed, why);
    let invalid = |why: &'static str| Error::new(ErrorCode::WebeidSigningCertificateInvalid, why);
    let entries = match &after.signing {
        None if !after.intermediates.is_empty() => return Ok(()),
        Some(e) if !e.is_empty() => e,
        _ => {
            return Err(malformed(
                "unverifiedSigningCertificates is missing or empty",
            ))
        }
    };
    for entry in entries {
        let cert_b64 = match entry.certificate.as_deref() {
            Some(s) if !s.is_empty() => s,
            _ => return Err(malformed("a signing certificate entry has no certificate")),
        };
        let algs = match &entry.supported_algorithms {
            Some(a) if !a.is_empty() => a,
            _ => {
                return Err(malformed(
                    "supportedSignatureAlgorithms is missing or empty",
                ))
            }
        };
        for a in algs {
            let ok = a
                .crypto_algorithm
                .as_deref()
                .is_some_and(|v| CRYPTO_ALGORITHMS.contains(&v))
                && a.hash_function
                    .as_deref()
                    .is_some_and(|v| HASH_FUNCTIONS.contains(&v))
                && a.padding_scheme
                    .as_deref()
                    .is_some_and(|v| PADDING_SCHEMES.contains(&v));
            if !ok {
                return Err(malformed(
                    "a supported signature algorithm is not recognised",
                ));
            }
        }
        let own_intermediates = match &entry.intermediates {
            None => Vec::new(),
            Some(list) => decode_intermediates(list, limits)?,
        };
        let signing = decode_certificate(cert_b64)?;
        if !same_subject(&signing, &after.leaf) {
            return Err(invalid(
                "the signing certificate's subject is not the authentication certificate's",
            ));
        }
        match (&signing.authority_key_id, &after.leaf.authority_key_id) {
            (Some(a), Some(b)) if !a.is_empty() && a == b => {}
            _ => {
                return Err(invalid(
                    "the signing certificate is not from the authentication certificate's issuer",
                ))
            }
        }
        if signing.key_usage.unwrap_or(0) & cert::ku::NON_REPUDIATION == 0 {
            return Err(invalid("the signing certificate lacks nonRepudiation"));
        }
        let verify = || -> Result<()> {
            signing.check_validity(now)?;
            let anchor = path::verify_path(
                backend,
                &signing,
                &own_intermediates,
                &trust.webeid_anchors,
                now,
                Usage::Any,
                Quirks {
                    ecdsa_null_params: true,
                },
            )?;
            anchor.cert.check_validity(now)
        };
        verify().map_err(|e| {
            Error::with_detail(
                ErrorCode::WebeidSigningCertificateInvalid,
                format!("the signing certificate does not validate: {}", e.reason()),
            )
        })?;
    }
    Ok(())
}

/// Subject names as multisets of (type, case-folded value): the order of
/// the RDNs does not matter (the reference compares X.500 names with
/// RFC 4519 matching rules).
fn same_subject(a: &Certificate, b: &Certificate) -> bool {
    let key = |c: &Certificate| {
        let mut v: Vec<(String, String)> = c
            .subject
            .iter()
            .map(|x| (x.oid.clone(), x.value.trim().to_lowercase()))
            .collect();
        v.sort();
        v
    };
    !a.subject.is_empty() && key(a) == key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        for ok in [
            "https://ria.ee",
            "https://rp.example.org:8443",
            "https://47f0-46-131-86-189.ngrok-free.app",
            "https://[::1]:443",
        ] {
            assert!(check_origin(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://ria.ee",
            "https://",
            "https://ria.ee/",
            "https://ria.ee/path",
            "https://user@ria.ee",
            "https://ria.ee?x",
            "https://ria.ee#f",
            "https://ria.ee:",
            "https://ria.ee:123456",
            "https://ria ee",
            "ria.ee",
        ] {
            assert_eq!(
                check_origin(bad).unwrap_err().code(),
                "config.invalid",
                "{bad}"
            );
        }
    }

    #[test]
    fn jwa_names_are_exact() {
        assert_eq!(jwa("ES384"), Some(Algorithm::ECDSA_P384_SHA384_RAW));
        for bad in ["es384", "HS256", "none", "NONE", "", "ES384 "] {
            assert_eq!(jwa(bad), None);
        }
    }
}
