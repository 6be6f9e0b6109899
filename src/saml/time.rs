//! SAML times: xs:dateTime in UTC, read strictly.
//!
//! SAML 2.0 Core §1.3.3: "All SAML time values have the type xs:dateTime
//! ... and MUST be expressed in UTC form, with no time zone component."
//! Accepted: `YYYY-MM-DDThh:mm:ss[.fraction]Z`, nothing else (no offsets,
//! not even `+00:00`; no lowercase `t`/`z`; no leap second; no missing `Z`).
//! Fractions are kept to the nanosecond (in a [`UnixTime`]) so that bounds
//! are compared exactly.

use crate::error::{Error, ErrorCode, Result};
use crate::time::{days_from_civil, days_in_month};
use crate::UnixTime;

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0u32, |acc, d| {
        acc.checked_mul(10)?.checked_add(u32::from(d - b'0'))
    })
}

/// Parses a SAML time (after trimming XML whitespace); `saml.time.invalid`
/// when it is not exactly the UTC `Z` form.
pub(crate) fn parse(value: &str) -> Result<UnixTime> {
    let bad = || {
        Error::new(
            ErrorCode::SamlTimeInvalid,
            "a time is not xs:dateTime in UTC (…Z)",
        )
    };
    let s = value
        .trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
        .as_bytes();
    // YYYY-MM-DDThh:mm:ss = 19 bytes, then [.f+] then Z.
    let (head, rest) = s.split_at_checked(19).ok_or_else(bad)?;
    let field = |from: usize, to: usize| head.get(from..to).and_then(digits);
    let sep = |at: usize, c: u8| head.get(at) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && sep(10, b'T') && sep(13, b':') && sep(16, b':')) {
        return Err(bad());
    }
    let (y, mo, d, h, mi, se) = match (
        field(0, 4),
        field(5, 7),
        field(8, 10),
        field(11, 13),
        field(14, 16),
        field(17, 19),
    ) {
        (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(se)) => (y, mo, d, h, mi, se),
        _ => return Err(bad()),
    };
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 59
    {
        return Err(bad());
    }
    let nanos = match rest {
        [b'Z'] => 0,
        [b'.', frac @ .., b'Z'] if !frac.is_empty() && frac.iter().all(u8::is_ascii_digit) => {
            let mut n = 0u32;
            for i in 0..9 {
                n = n * 10 + frac.get(i).map_or(0, |d| u32::from(d - b'0'));
            }
            n
        }
        _ => return Err(bad()),
    };
    let days = days_from_civil(i64::from(y), mo, d);
    let secs = days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(se);
    UnixTime::from_unix_parts(secs, nanos).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_utc_forms() {
        assert_eq!(
            parse("2025-01-01T10:00:10Z").unwrap(),
            UnixTime::from_unix_seconds(1_735_725_610)
        );
        assert_eq!(
            parse(" 2025-01-01T10:00:10.531Z\n").unwrap().subsec_nanos(),
            531_000_000
        );
        assert_eq!(
            parse("2024-02-29T00:00:00.1234567891Z")
                .unwrap()
                .subsec_nanos(),
            123_456_789
        );
        assert_eq!(parse("1970-01-01T00:00:00Z").unwrap().as_secs(), 0);
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "2025-01-01T10:00:10",
            "2025-01-01T10:00:10+00:00",
            "2025-01-01t10:00:10z",
            "2025-01-01 10:00:10Z",
            "2025-01-01T10:00:60Z",
            "2025-01-01T24:00:00Z",
            "2025-02-29T10:00:00Z",
            "2025-01-01",
            "2025-01-01T10:00:10.Z",
            "+2025-01-01T10:00:10Z",
            "2025-1-01T10:00:10Z",
            "",
        ] {
            assert_eq!(parse(bad).unwrap_err().code(), "saml.time.invalid", "{bad}");
        }
    }
}
