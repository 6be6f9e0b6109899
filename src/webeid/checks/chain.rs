//! S12–S14: the authentication certificate's validity, a path to a
//! configured issuing CA, and that CA's validity.
//!
//! web-eid-authtoken-validation-java, `SubjectCertificateTrustedValidator`:
//! "Checks that the user certificate from the authentication token is valid
//! and signed by a trusted certificate authority. Also checks the validity
//! of the user certificate's trusted CA certificate." (`CertificateValidator`
//! checks the user certificate's dates first, then builds the path, then
//! checks the dates of the one anchor that ended it; other anchors are never
//! date-checked: docs/research/webeid-rules.md §2.4.)

use crate::crypto::Backend;
use crate::error::{Error, ErrorCode, Result};
use crate::webeid::Anchors;
use crate::x509::cert::Certificate;
use crate::x509::ocsp::{self, OcspPolicy, Responder};
use crate::x509::path::{self, IntermediatePolicy, PathEnd, Usage};
use crate::x509::Quirks;
use crate::UnixTime;

/// The tolerances the reference keeps for real cards: ecdsa-with-SHA*
/// with NULL parameters (the Finnish test cards).
pub(in crate::webeid) const QUIRKS: Quirks = Quirks {
    ecdsa_null_params: true,
};

/// Which token-supplied intermediates a path may use
/// (docs/research/webeid-rules.md §2.4). The reference (web-eid 1.1,
/// branch NFC-128) checks every non-anchor certificate of the path online,
/// fail-closed; a sans-IO library cannot, so an intermediate from the token
/// is used only when it is byte for byte a configured anchor, or when the
/// caller brought an OCSP response about it
/// ([`crate::webeid::Expectations::intermediate_ocsp`]) that its issuer (or
/// a responder the issuer delegated to) signed, fresh within the OCSP
/// policy, saying good. Otherwise `x509.chain.untrusted`; a response about
/// it that fails reports its own `ocsp.*` code.
pub(in crate::webeid) struct TokenIntermediates<'e> {
    pub backend: &'e dyn Backend,
    pub anchors: &'e Anchors,
    pub responses: &'e [&'e [u8]],
    pub policy: &'e OcspPolicy,
    pub now: UnixTime,
}

impl IntermediatePolicy for TokenIntermediates<'_> {
    fn admit(&self, intermediate: &Certificate, issuer: &Certificate) -> Result<()> {
        if self
            .anchors
            .as_slice()
            .iter()
            .any(|a| a.cert.der == intermediate.der)
        {
            return Ok(());
        }
        let mut failure = None;
        for response in self.responses {
            match ocsp::check_response(
                self.backend,
                response,
                intermediate,
                issuer,
                Responder::Issuer,
                None,
                self.now,
                self.policy,
                QUIRKS,
            ) {
                Ok(()) => return Ok(()),
                // A response about another certificate says nothing here.
                Err(e) if e.code() == ErrorCode::OcspCertIdMismatch.as_str() => {}
                Err(e) => failure = Some(e),
            }
        }
        Err(failure.unwrap_or_else(|| {
            Error::new(
                ErrorCode::X509ChainUntrusted,
                "a token-supplied intermediate is neither a configured CA nor covered by revocation data",
            )
        }))
    }
}

/// S12–S14 for `leaf` with the token's `intermediates` (each admitted by
/// `policy`); returns the anchor that ends the path and the leaf's issuer.
pub(in crate::webeid) fn check<'a>(
    backend: &dyn Backend,
    leaf: &Certificate,
    intermediates: &[Vec<u8>],
    anchors: &'a Anchors,
    now: UnixTime,
    usage: Usage,
    policy: &dyn IntermediatePolicy,
) -> Result<PathEnd<'a>> {
    // S12: the user certificate's own dates come first, with their own codes.
    leaf.check_validity(now)?;
    // S13-S14: a path to a configured issuing CA, then that CA's dates.
    let end = path::verify_path(
        backend,
        leaf,
        intermediates,
        anchors.as_slice(),
        now,
        usage,
        QUIRKS,
        policy,
    )?;
    end.anchor.cert.check_validity(now)?;
    Ok(end)
}
