//! The kinds of the contract: their trust and context keys, and how each runs.
//!
//! Every kind's keys are checked even before the kind is implemented, so a
//! file written today for a later kind is already held to the contract.

use super::format::only_keys;
use super::{Files, Outcome};
use idbridge::crypto::Backend;
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Signature,
    Webeid,
    SpidSaml,
    CieSaml,
    Xmldsig,
    OidcTrustChain,
    OidcIdToken,
    MobileId,
    SmartId,
    SdJwtVc,
    Mdoc,
}

/// Everything a kind needs to run one case.
pub(crate) struct Job<'a> {
    pub files: &'a dyn Files,
    pub vector_path: &'a str,
    pub trust: &'a Map<String, Value>,
    pub context: &'a Map<String, Value>,
    pub input: &'a [u8],
}

impl Job<'_> {
    /// Reads a file named relative to the vector file.
    pub fn read_relative(&self, rel: &str) -> Result<Vec<u8>, String> {
        self.files
            .read(&super::sibling(self.vector_path, rel))
            .map_err(|e| format!("trust file: {e}"))
    }
}

const SAML_CONTEXT: &[&str] = &[
    "sp_entity_id",
    "acs_url",
    "request_id",
    "min_level",
    "comparison",
    "request_issue_instant",
    "now",
    "clock_skew_seconds",
    "input_encoding",
];

impl Kind {
    /// The kind's name in vector files.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Signature => "signature",
            Kind::Webeid => "webeid",
            Kind::SpidSaml => "spid-saml",
            Kind::CieSaml => "cie-saml",
            Kind::Xmldsig => "xmldsig",
            Kind::OidcTrustChain => "oidc-trust-chain",
            Kind::OidcIdToken => "oidc-id-token",
            Kind::MobileId => "mobile-id",
            Kind::SmartId => "smart-id",
            Kind::SdJwtVc => "sd-jwt-vc",
            Kind::Mdoc => "mdoc",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Kind> {
        match name {
            "signature" => Some(Kind::Signature),
            "webeid" => Some(Kind::Webeid),
            "spid-saml" => Some(Kind::SpidSaml),
            "cie-saml" => Some(Kind::CieSaml),
            "xmldsig" => Some(Kind::Xmldsig),
            "oidc-trust-chain" => Some(Kind::OidcTrustChain),
            "oidc-id-token" => Some(Kind::OidcIdToken),
            "mobile-id" => Some(Kind::MobileId),
            "smart-id" => Some(Kind::SmartId),
            "sd-jwt-vc" => Some(Kind::SdJwtVc),
            "mdoc" => Some(Kind::Mdoc),
            _ => None,
        }
    }

    /// The kind's trust and (merged) context keys, per `VECTORS.md`.
    pub(crate) fn check_keys(
        self,
        trust: &Map<String, Value>,
        context: &Map<String, Value>,
    ) -> Result<(), String> {
        let (trust_keys, context_keys, required): (&[&str], &[&str], &[&str]) = match self {
            Kind::Signature => (
                &["public_key"],
                &["algorithm", "signature", "allowed", "now"],
                &["algorithm", "signature"],
            ),
            Kind::Webeid => (
                &["anchors"],
                &["origin", "nonce", "now", "ocsp"],
                &["origin", "nonce", "now"],
            ),
            Kind::SpidSaml | Kind::CieSaml => (
                &["idp_metadata"],
                SAML_CONTEXT,
                &["sp_entity_id", "acs_url", "request_id", "now"],
            ),
            Kind::Xmldsig => (&["certificates"], &["now", "input_encoding"], &["now"]),
            Kind::OidcTrustChain => (
                &["trust_anchors", "trust_mark_issuers"],
                &[
                    "now",
                    "allow_http",
                    "max_path_length",
                    "entity_type",
                    "required_trust_marks",
                ],
                &["now"],
            ),
            Kind::OidcIdToken => (
                &["op_jwks", "rp_decryption_key"],
                &[
                    "now",
                    "client_id",
                    "issuer",
                    "nonce",
                    "min_level",
                    "clock_skew_seconds",
                ],
                &["now", "client_id", "issuer", "nonce"],
            ),
            Kind::MobileId => (
                &["anchors"],
                &["now", "signed_hash", "hash_type"],
                &["now", "signed_hash", "hash_type"],
            ),
            Kind::SmartId => (
                &["anchors"],
                &[
                    "now",
                    "signature_protocol",
                    "min_certificate_level",
                    "rp_challenge",
                    "relying_party_name",
                    "brokered_rp_name",
                    "interactions",
                    "initial_callback_url",
                    "schema_name",
                    "user_challenge_verifier",
                    "signed_data",
                ],
                &["now"],
            ),
            Kind::SdJwtVc => (
                &["issuer_keys", "status_lists", "status_list_keys"],
                &[
                    "now",
                    "clock_skew_seconds",
                    "profile",
                    "accepted_typ",
                    "accepted_vct",
                    "require_key_binding",
                    "nonce",
                    "audience",
                    "max_kb_age_seconds",
                    "status_check",
                ],
                &["now"],
            ),
            Kind::Mdoc => (
                &["anchors"],
                &[
                    "now",
                    "clock_skew_seconds",
                    "expected_doctype",
                    "handover",
                    "client_id",
                    "nonce",
                    "response_uri",
                    "jwk_thumbprint",
                    "origin",
                    "mdoc_generated_nonce",
                    "session_transcript",
                    "device_mac",
                    "reader_key",
                    "input_encoding",
                    "issuer_auth_algs",
                    "device_auth_algs",
                    "digest_algs",
                ],
                &["now", "expected_doctype", "handover"],
            ),
        };
        only_keys("trust", trust, trust_keys)?;
        only_keys("context", context, context_keys)?;
        for key in required {
            if !context.contains_key(*key) {
                return Err(format!("context key {key:?} is required"));
            }
        }
        if let Some(now) = context.get("now") {
            let now = now.as_str().ok_or("context.now must be a string")?;
            idbridge::UnixTime::parse_rfc3339(now)
                .map_err(|_| format!("context.now {now:?} is not RFC 3339"))?;
        }
        Ok(())
    }

    /// Runs one case on `backend`. `Err` is a defect of the vector file
    /// (a missing trust file, bad hex); a verification failure is an `Ok`
    /// outcome holding the error.
    pub(crate) fn run(
        self,
        job: &Job<'_>,
        backend: &'static dyn Backend,
    ) -> Result<Outcome, String> {
        match self {
            Kind::Signature => super::signature::run(job, backend),
            #[cfg(feature = "webeid")]
            Kind::Webeid => super::webeid::run(job, backend),
            #[cfg(feature = "saml")]
            Kind::Xmldsig => super::xmldsig::run(job, backend),
            #[cfg(feature = "saml")]
            Kind::SpidSaml => super::saml::run(job, backend, false),
            #[cfg(feature = "saml")]
            Kind::CieSaml => super::saml::run(job, backend, true),
            #[cfg(feature = "oidc")]
            Kind::OidcTrustChain => super::oidc_chain::run(job, backend),
            #[cfg(not(feature = "oidc"))]
            Kind::OidcTrustChain => Ok(feature_off(
                "the oidc-trust-chain kind needs idbridge-vectors' feature \"oidc\", off in this build",
            )),
            #[cfg(feature = "oidc")]
            Kind::OidcIdToken => super::oidc_id_token::run(job, backend),
            #[cfg(not(feature = "oidc"))]
            Kind::OidcIdToken => Ok(feature_off(
                "the oidc-id-token kind needs idbridge-vectors' feature \"oidc\", off in this build",
            )),
            #[cfg(feature = "mobileid")]
            Kind::MobileId => super::mobileid::run(job, backend),
            #[cfg(not(feature = "mobileid"))]
            Kind::MobileId => Ok(feature_off(
                "the mobile-id kind needs idbridge-vectors' feature \"mobileid\", off in this build",
            )),
            #[cfg(feature = "smartid")]
            Kind::SmartId => super::smartid::run(job, backend),
            #[cfg(not(feature = "smartid"))]
            Kind::SmartId => Ok(feature_off(
                "the smart-id kind needs idbridge-vectors' feature \"smartid\", off in this build",
            )),
            #[cfg(feature = "sdjwt")]
            Kind::SdJwtVc => super::sdjwt::run(job, backend),
            #[cfg(not(feature = "sdjwt"))]
            Kind::SdJwtVc => Ok(feature_off(
                "the sd-jwt-vc kind needs idbridge-vectors' feature \"sdjwt\", off in this build",
            )),
            #[cfg(feature = "mdoc")]
            Kind::Mdoc => super::mdoc::run(job, backend),
            #[cfg(not(feature = "mdoc"))]
            Kind::Mdoc => Ok(feature_off(
                "the mdoc kind needs idbridge-vectors' feature \"mdoc\", off in this build",
            )),
            #[cfg(not(feature = "webeid"))]
            Kind::Webeid => Ok(feature_off(
                "the webeid kind needs idbridge-vectors' feature \"webeid\", off in this build",
            )),
            #[cfg(not(feature = "saml"))]
            Kind::Xmldsig | Kind::SpidSaml | Kind::CieSaml => Ok(feature_off(
                "the spid-saml, cie-saml and xmldsig kinds need idbridge-vectors' feature \"saml\", off in this build",
            )),
        }
    }
}

/// The outcome of a case whose kind this build leaves out: it fails (never
/// passes, not even an invalid case), naming the missing feature.
#[cfg(not(all(
    feature = "saml",
    feature = "webeid",
    feature = "oidc",
    feature = "mobileid",
    feature = "sdjwt",
    feature = "smartid",
    feature = "mdoc"
)))]
fn feature_off(reason: &'static str) -> Outcome {
    Err(idbridge::Error::new(
        idbridge::ErrorCode::VectorsKindUnsupported,
        reason,
    ))
}
