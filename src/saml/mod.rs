//! SAML 2.0 Responses from Italy's SPID and CIE ID identity providers
//! (HTTP-POST binding): see [`crate::spid`] and [`crate::cie`].

pub(crate) mod audit;
pub(crate) mod metadata;
mod response;
pub(crate) mod time;

pub use audit::{Audit, AuditStep};
pub use metadata::SsoEndpoint;

use crate::crypto::{self, Backend};
use crate::{ClockSkew, Limits, Result, Trust, UnixTime, VerifiedIdentity};

/// A SPID authentication level (SPID rules, "Livelli di servizio").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// SpidL1: one factor.
    L1,
    /// SpidL2: two factors.
    L2,
    /// SpidL3: two factors, one a hardware device.
    L3,
}

impl Level {
    /// `"SpidL1"`, `"SpidL2"`, `"SpidL3"`.
    pub fn name(self) -> &'static str {
        match self {
            Level::L1 => "SpidL1",
            Level::L2 => "SpidL2",
            Level::L3 => "SpidL3",
        }
    }

    /// The level named `"SpidL1"`, `"SpidL2"` or `"SpidL3"`.
    pub fn from_name(s: &str) -> Option<Level> {
        match s {
            "SpidL1" => Some(Level::L1),
            "SpidL2" => Some(Level::L2),
            "SpidL3" => Some(Level::L3),
            _ => None,
        }
    }
}

/// The AuthnRequest's `RequestedAuthnContext/@Comparison`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// At least the level (the default).
    #[default]
    Minimum,
    /// Exactly the level (a higher one is still accepted, SPID rules N.B.).
    Exact,
    /// Strictly higher.
    Better,
    /// At most the level (so every level is accepted: no floor).
    Maximum,
}

impl Comparison {
    /// `minimum`, `exact`, `better`, `maximum`.
    pub fn from_name(s: &str) -> Option<Comparison> {
        match s {
            "minimum" => Some(Comparison::Minimum),
            "exact" => Some(Comparison::Exact),
            "better" => Some(Comparison::Better),
            "maximum" => Some(Comparison::Maximum),
            _ => None,
        }
    }
}

/// How the Response arrives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InputEncoding {
    /// The `SAMLResponse` form field exactly as posted (base64).
    #[default]
    Base64,
    /// Raw XML (for tools and tests).
    Xml,
}

/// Which profile's rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Profile {
    Spid,
    Cie,
}

/// What the service provider expects of a Response: its own identity, and
/// the AuthnRequest the Response must answer.
#[derive(Clone, Debug)]
pub struct Expectations<'a> {
    /// The SP's entity ID (the Audience).
    pub sp_entity_id: &'a str,
    /// The Assertion Consumer Service URL the Response was posted to.
    pub acs_url: &'a str,
    /// The ID of the AuthnRequest (from the caller's store: see `idbridge-store`).
    pub request_id: &'a str,
    /// The level requested.
    pub min_level: Level,
    /// The requested comparison.
    pub comparison: Comparison,
    /// When the AuthnRequest was sent, if known (IssueInstant must not precede it).
    pub request_issue_instant: Option<UnixTime>,
    /// Tolerance between clocks.
    pub clock_skew: ClockSkew,
    /// The oldest IssueInstant accepted, in seconds before `now` (default 300).
    pub max_issue_instant_age_secs: u32,
    /// The IdP the AuthnRequest was sent to, when known (recommended).
    pub idp_entity_id: Option<&'a str>,
    /// Transport encoding of the input.
    pub input: InputEncoding,
    /// Input bounds.
    pub limits: Limits,
}

impl<'a> Expectations<'a> {
    /// Expectations with the defaults: level SpidL2, comparison minimum,
    /// no clock skew, base64 input.
    pub fn new(sp_entity_id: &'a str, acs_url: &'a str, request_id: &'a str) -> Self {
        Expectations {
            sp_entity_id,
            acs_url,
            request_id,
            min_level: Level::L2,
            comparison: Comparison::Minimum,
            request_issue_instant: None,
            clock_skew: ClockSkew::NONE,
            max_issue_instant_age_secs: 300,
            idp_entity_id: None,
            input: InputEncoding::Base64,
            limits: Limits::default(),
        }
    }
}

/// A verified Response: the identity, and what a replay store needs.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct VerifiedResponse {
    /// The uniform identity.
    pub identity: VerifiedIdentity,
    /// The Response ID (authenticated only when `response_signed`).
    pub response_id: String,
    /// Whether the Response itself was signed (and verified).
    pub response_signed: bool,
    /// The Assertion ID (signed): remember it until `not_on_or_after`.
    pub assertion_id: String,
    /// The request this answers (signed, from SubjectConfirmationData).
    pub in_response_to: String,
    /// The earliest NotOnOrAfter of the Assertion: keep the IDs until then.
    pub not_on_or_after: UnixTime,
    /// The IdP session index, if sent.
    pub session_index: Option<String>,
    /// The IdP's entity ID.
    pub idp_entity_id: String,
}

pub(crate) fn verify_with(
    backend: &dyn Backend,
    trust: &Trust,
    input: &[u8],
    exp: &Expectations<'_>,
    profile: Profile,
    now: UnixTime,
) -> Result<VerifiedResponse> {
    response::verify(
        backend,
        trust,
        input,
        exp,
        profile,
        now,
        &mut Audit::default(),
    )
}

pub(crate) fn explain(
    trust: &Trust,
    input: &[u8],
    exp: &Expectations<'_>,
    profile: Profile,
    now: UnixTime,
) -> (Audit, Result<VerifiedResponse>) {
    let mut audit = Audit::default();
    let r = response::verify(
        crypto::default_backend(),
        trust,
        input,
        exp,
        profile,
        now,
        &mut audit,
    );
    (audit, r)
}
