//! The `typ` header parameter (RFC 7515 §4.1.9): "used by JWS applications
//! to declare the media type [IANA.MediaTypes] of this complete JWS".
//!
//! Two rules make a comparison more than string equality, both from that
//! section and RFC 2045 §5.1:
//! - "A recipient using the media type value MUST treat it as if
//!   "application/" were prepended to any "typ" value not containing a
//!   '/'": `entity-statement+jwt` and `application/entity-statement+jwt`
//!   are one type;
//! - media type names are case-insensitive: `AT+JWT` is `at+jwt`.
//!
//! Nothing else is loosened: no whitespace, no parameters, no other
//! top-level type (`text/at+jwt` is not `at+jwt`).

/// `typ` of an OpenID Federation entity statement (OpenID Federation 1.0 §3).
pub const ENTITY_STATEMENT: &str = "entity-statement+jwt";
/// `typ` of an OpenID Federation trust mark (OpenID Federation 1.0 §7).
pub const TRUST_MARK: &str = "trust-mark+jwt";
/// `typ` of a JWT access token (RFC 9068 §2.1).
pub const AT_JWT: &str = "at+jwt";
/// `typ` of an SD-JWT VC's issuer-signed JWT (SD-JWT VC §3.2.1).
pub const DC_SD_JWT: &str = "dc+sd-jwt";
/// `typ` of a Key Binding JWT (RFC 9901 §4.3).
pub const KB_JWT: &str = "kb+jwt";

/// Whether the header's `typ` value names the media type `expected`, by the
/// rules above.
///
/// ```
/// use idbridge::jose::typ::{typ_matches, ENTITY_STATEMENT};
/// assert!(typ_matches("entity-statement+jwt", ENTITY_STATEMENT));
/// assert!(typ_matches("application/Entity-Statement+JWT", ENTITY_STATEMENT));
/// assert!(!typ_matches("JWT", ENTITY_STATEMENT));
/// assert!(!typ_matches("text/entity-statement+jwt", ENTITY_STATEMENT));
/// ```
pub fn typ_matches(typ: &str, expected: &str) -> bool {
    let (a_prefix, a) = split(typ);
    let (b_prefix, b) = split(expected);
    !a.is_empty() && a_prefix.eq_ignore_ascii_case(b_prefix) && a.eq_ignore_ascii_case(b)
}

/// A media type as (top-level type, the rest), with `application` for a
/// value without a '/'.
fn split(value: &str) -> (&str, &str) {
    match value.split_once('/') {
        Some((top, rest)) => (top, rest),
        None => ("application", value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_and_case_rules() {
        for (typ, expected, ok) in [
            ("at+jwt", AT_JWT, true),
            ("AT+JWT", AT_JWT, true),
            ("application/at+jwt", AT_JWT, true),
            ("APPLICATION/at+jwt", AT_JWT, true),
            ("at+jwt", "application/at+jwt", true),
            ("application/at+jwt", "application/at+jwt", true),
            ("text/at+jwt", AT_JWT, false),
            ("application/", AT_JWT, false),
            ("", AT_JWT, false),
            ("at+jwt ", AT_JWT, false),
            (" at+jwt", AT_JWT, false),
            ("at+jwt; charset=utf-8", AT_JWT, false),
            ("jwt", AT_JWT, false),
            ("application/application/at+jwt", AT_JWT, false),
            ("kb+jwt", KB_JWT, true),
            ("dc+sd-jwt", DC_SD_JWT, true),
            ("vc+sd-jwt", DC_SD_JWT, false),
            ("trust-mark+jwt", TRUST_MARK, true),
            ("entity-statement+jwt", TRUST_MARK, false),
        ] {
            assert_eq!(typ_matches(typ, expected), ok, "{typ:?} vs {expected:?}");
        }
    }
}
