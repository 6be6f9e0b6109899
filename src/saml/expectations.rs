//! What the service provider expects of a Response.

use super::{Comparison, Level};
use crate::{ClockSkew, Limits, UnixTime};

/// How the Response arrives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InputEncoding {
    /// The `SAMLResponse` form field exactly as posted (base64).
    #[default]
    Base64,
    /// Raw XML (for tools and tests).
    Xml,
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

    /// The clock skew in seconds, signed for time arithmetic.
    pub(crate) fn skew_secs(&self) -> i64 {
        i64::from(self.clock_skew.as_secs())
    }
}
