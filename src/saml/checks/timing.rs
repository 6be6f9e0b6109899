//! The time rules shared by several checks.
//!
//! SAML 2.0 Core §2.5.1: `NotBefore` "Specifies the earliest time instant at
//! which the assertion is valid"; `NotOnOrAfter` "Specifies the time instant
//! at which the assertion has expired". So an instant equal to NotBefore is
//! inside the window, one equal to NotOnOrAfter outside.
//!
//! SPID "Regole tecniche", *Response*: "deve essere presente l'attributo
//! `IssueInstant` a indicare l'istante di emissione della risposta, in
//! formato UTC" (*Assertion* says the same of the Assertion's
//! `IssueInstant`, with "richiesta" for "risposta"); AgID's validator (spid-saml-check, cases
//! 14/15 and 39/40) refuses an IssueInstant before the request's or after
//! the Response's reception.
//!
//! Instants are compared exactly (to the nanosecond); the caller's clock
//! skew widens every bound.

use crate::error::{ErrorCode, Result};
use crate::saml::dom::err;
use crate::saml::Expectations;
use crate::UnixTime;

/// An IssueInstant: not later than now (plus skew), not before the
/// AuthnRequest, and not older than the caller's maximum age.
pub(crate) fn issue_instant(ii: UnixTime, exp: &Expectations<'_>, now: UnixTime) -> Result<()> {
    let s = exp.skew_secs();
    crate::time::check_skew(s)?;
    let bad = |why: &'static str| err(ErrorCode::SamlTimeInvalid, why);
    if ii > now.saturating_add_secs(s) {
        return Err(bad("IssueInstant is in the future"));
    }
    if let Some(req) = exp.request_issue_instant {
        if ii.saturating_add_secs(s) < req {
            return Err(bad("IssueInstant is before the request was sent"));
        }
    }
    let oldest = now.saturating_sub_secs(i64::from(exp.max_issue_instant_age_secs));
    if ii.saturating_add_secs(s) < oldest {
        return Err(bad("IssueInstant is too old"));
    }
    Ok(())
}

/// SAML Core §2.5.1.2: valid at or after NotBefore, invalid at or after NotOnOrAfter.
pub(crate) fn window(
    not_before: Option<UnixTime>,
    not_on_or_after: UnixTime,
    skew: i64,
    now: UnixTime,
) -> Result<()> {
    crate::time::check_skew(skew)?;
    if let Some(nb) = not_before {
        if nb > now.saturating_add_secs(skew) {
            return Err(err(
                ErrorCode::SamlTimeNotYetValid,
                "NotBefore is in the future",
            ));
        }
    }
    if now.saturating_sub_secs(skew) >= not_on_or_after {
        return Err(err(ErrorCode::SamlTimeExpired, "NotOnOrAfter has passed"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> UnixTime {
        crate::saml::time::parse(s).unwrap()
    }

    #[test]
    fn bounds_compare_to_the_nanosecond() {
        let now = UnixTime::from_unix_seconds(t("2026-03-01T10:00:30Z").as_secs());
        // NotBefore half a second after now: not yet valid (no rounding).
        let nb = t("2026-03-01T10:00:30.5Z");
        let e = window(Some(nb), t("2026-03-01T10:05:00Z"), 0, now).unwrap_err();
        assert_eq!(e.code(), "saml.time.not_yet_valid");
        assert!(window(Some(nb), t("2026-03-01T10:05:00Z"), 1, now).is_ok());
        // NotOnOrAfter a nanosecond after now: still valid; equal: expired.
        assert!(window(None, t("2026-03-01T10:00:30.000000001Z"), 0, now).is_ok());
        let e = window(None, t("2026-03-01T10:00:30Z"), 0, now).unwrap_err();
        assert_eq!(e.code(), "saml.time.expired");
    }

    #[test]
    fn issue_instant_in_the_future_by_a_fraction_is_refused() {
        let exp = Expectations::new("sp", "acs", "req");
        let now = t("2026-03-01T10:00:30Z");
        assert!(issue_instant(now, &exp, now).is_ok());
        let e = issue_instant(t("2026-03-01T10:00:30.001Z"), &exp, now).unwrap_err();
        assert_eq!(e.code(), "saml.time.invalid");
        let e = issue_instant(t("2026-03-01T09:55:29.999Z"), &exp, now).unwrap_err();
        assert_eq!(e.code(), "saml.time.invalid");
    }
}
