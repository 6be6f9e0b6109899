//! Verifying a Web eID authentication token: the steps in the order of the
//! reference validator (web-eid-authtoken-validation-java,
//! `AuthTokenValidatorImpl`), each in its file under [`super::checks`].

use super::checks::{
    chain, expectations, ocsp, policies, purpose, signature, signing_certificates, subject,
    token_format,
};
use super::token::{SigningCertificate, Version};
use super::{identity, Anchors};
use crate::crypto::{self, AllowList, Backend, SignatureCheck};
use crate::error::Result;
use crate::error::{Error, ErrorCode};
use crate::identity::VerifiedIdentity;
use crate::x509::cert::Certificate;
use crate::x509::ocsp::OcspPolicy;
use crate::x509::path::Usage;
use crate::{Limits, UnixTime};

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
    /// OCSP responses (DER) about the intermediate CAs a web-eid:1.1 token
    /// offers. A token-supplied intermediate that is not a configured
    /// anchor is used only when one of these names it and says good, signed
    /// by its issuer or a responder the issuer delegated to, within
    /// `ocsp_policy` (default: none, so such intermediates are refused:
    /// `x509.chain.untrusted`).
    pub intermediate_ocsp: &'a [&'a [u8]],
    /// The token algorithms accepted (default: all nine of Web eID).
    pub allowed: AllowList,
    /// Certificate policies that refuse a certificate (default: Mobile-ID).
    pub disallowed_policies: &'a [&'a str],
    /// OCSP time windows.
    pub ocsp_policy: OcspPolicy,
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
            intermediate_ocsp: &[],
            allowed: AllowList::all(),
            disallowed_policies: policies::MOBILE_ID_POLICIES,
            ocsp_policy: OcspPolicy::default(),
            limits: Limits::default(),
        }
    }
}

/// A verified token: the identity, and the certificate it was read from.
/// Only a successful verification makes one:
///
/// ```compile_fail
/// # fn forge(v: idbridge::webeid::VerifiedToken) -> idbridge::webeid::VerifiedToken {
/// // Outside the crate, the fields can be neither set nor read directly.
/// idbridge::webeid::VerifiedToken { certificate: vec![], ..v }
/// # }
/// ```
///
/// ```compile_fail
/// # fn read(v: &idbridge::webeid::VerifiedToken) -> &[u8] {
/// &v.certificate
/// # }
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct VerifiedToken {
    identity: VerifiedIdentity,
    certificate: Vec<u8>,
    version: Version,
}

impl VerifiedToken {
    /// The uniform identity.
    pub fn identity(&self) -> &VerifiedIdentity {
        &self.identity
    }

    /// The uniform identity, by value.
    pub fn into_identity(self) -> VerifiedIdentity {
        self.identity
    }

    /// The authentication certificate (DER), for callers that need more.
    pub fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    /// The token's format version.
    pub fn version(&self) -> Version {
        self.version
    }
}

/// The authentication certificate once its path, revocation status, token
/// signature and (1.1) signing certificates are verified: the only source
/// of the identity. Only [`finish`] constructs one (the field is private to
/// this module).
#[derive(Debug)]
pub(super) struct VerifiedCertificate(Certificate);

impl VerifiedCertificate {
    /// The certificate.
    pub(super) fn certificate(&self) -> &Certificate {
        &self.0
    }
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
    trust: &impl AsRef<Anchors>,
    token: &[u8],
    expectations: &Expectations<'_>,
    now: UnixTime,
) -> Result<VerifiedToken> {
    verify_token_with(crypto::default_backend(), trust, token, expectations, now)
}

/// Verifies a Web eID authentication token, as the browser posted it,
/// against `trust` (an `idbridge::Trust`, or [`Anchors`] alone).
///
/// The checks, in order (the first failure is reported):
/// the caller's origin and nonce (`config.invalid`); size 100–10,000 bytes
/// (`input.too_large`, `webeid.token.malformed`); UTF-8 (`input.encoding`);
/// JSON without duplicate keys (`input.json`); field types
/// (`webeid.token.malformed`); format (`webeid.format.unsupported`);
/// the certificate (`x509.cert.malformed`), its purpose
/// (`x509.purpose.missing`, `x509.purpose.wrong`), policies
/// (`x509.policy.disallowed`), validity (`x509.cert.expired`,
/// `x509.cert.not_yet_valid`), chain to a trusted issuing CA within its
/// constraints (basicConstraints cA and pathLenConstraint, keyUsage
/// keyCertSign, name constraints), through token intermediates only when
/// they are configured CAs or `intermediate_ocsp` covers them
/// (`x509.chain.untrusted`), and that CA's validity; OCSP when given
/// (`ocsp.*`); the algorithm (`webeid.algorithm.unsupported`); the signature
/// over H(origin) ‖ H(nonce) (`webeid.signature.invalid`); for web-eid:1.1,
/// the signing certificates (`webeid.signing_certificate.invalid`); last, the
/// subject's identity: exactly one PrintableString serialNumber, at most
/// one of each name (`x509.cert.malformed`).
pub fn verify_token_with(
    backend: &dyn Backend,
    trust: &impl AsRef<Anchors>,
    token: &[u8],
    expectations: &Expectations<'_>,
    now: UnixTime,
) -> Result<VerifiedToken> {
    let anchors = trust.as_ref();
    let (after, check) = prepare(backend, anchors, token, expectations, now)?;
    backend
        .verify(&check)
        .map_err(|_| check.failure().clone())?;
    finish(backend, anchors, after, expectations, now)
}

/// Which token-supplied intermediates a path may use (§2.4 of the
/// research note): configured anchors, or those the caller's
/// `intermediate_ocsp` covers.
fn intermediate_policy<'e>(
    backend: &'e dyn Backend,
    anchors: &'e Anchors,
    exp: &'e Expectations<'_>,
    now: UnixTime,
) -> chain::TokenIntermediates<'e> {
    chain::TokenIntermediates {
        backend,
        anchors,
        responses: exp.intermediate_ocsp,
        policy: &exp.ocsp_policy,
        now,
    }
}

/// Every step up to the token signature, which it returns unchecked.
fn prepare(
    backend: &dyn Backend,
    anchors: &Anchors,
    token: &[u8],
    exp: &Expectations<'_>,
    now: UnixTime,
) -> Result<(AfterSignature, SignatureCheck)> {
    expectations::check(exp.origin, exp.nonce, anchors)?;
    let t = token_format::parse(token, &exp.limits)?; // S1-S9
    purpose::check(&t.leaf)?; // S10
    policies::check(&t.leaf, exp.disallowed_policies)?; // S11
    let usage = Usage::ClientAuthIfPresent;
    let policy = intermediate_policy(backend, anchors, exp, now);
    let end = chain::check(
        backend,
        &t.leaf,
        &t.intermediates,
        anchors,
        now,
        usage,
        &policy,
    )?; // S12-S14
    ocsp::check(
        backend,
        exp.ocsp,
        &t.leaf,
        end.issuer(),
        &exp.ocsp_policy,
        now,
    )?; // S15
    let check = signature::check(&t, exp)?; // S16-S18
    if exp.limits.max_signature_checks() == 0 {
        return Err(Error::new(
            ErrorCode::CryptoChecksExceeded,
            "more signature checks than the limit allows",
        ));
    }
    let after = AfterSignature {
        version: t.version,
        leaf: t.leaf,
        signing: t.signing,
        intermediates: t.intermediates,
    };
    Ok((after, check))
}

/// The steps after the token signature, then the identity.
fn finish(
    backend: &dyn Backend,
    anchors: &Anchors,
    after: AfterSignature,
    exp: &Expectations<'_>,
    now: UnixTime,
) -> Result<VerifiedToken> {
    if after.version == Version::V1_1 {
        signing_certificates::check(
            backend,
            anchors,
            &after.leaf,
            after.signing.as_deref(),
            &after.intermediates,
            &exp.limits,
            &intermediate_policy(backend, anchors, exp, now),
            now,
        )?; // S19
    }
    subject::check(&after.leaf)?; // S20
    let verified = VerifiedCertificate(after.leaf);
    Ok(VerifiedToken {
        identity: identity::identity(&verified)?,
        certificate: verified.0.der,
        version: after.version,
    })
}
