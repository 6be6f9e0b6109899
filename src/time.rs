//! Time as an argument: the library never reads a clock.
//!
//! Every check that depends on time takes a [`UnixTime`] from the caller.
//! This keeps verification reproducible (test vectors fix `now`), makes the
//! same code run on wasm32 (where `SystemTime::now()` panics), and leaves the
//! choice of clock, and its trustworthiness, to the caller.

use crate::error::{Error, ErrorCode, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use core::fmt;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`): SAML's xs:dateTime and X.509's UTCTime and
/// GeneralizedTime read with it.
#[cfg(feature = "x509")]
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The days of month `m` (1 to 12) of year `y` in the Gregorian calendar;
/// 0 for any other month.
#[cfg(feature = "x509")]
pub(crate) fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// A point in time: seconds since 1970-01-01T00:00:00Z (UTC) and
/// nanoseconds within that second. The one time type of the library: the
/// caller's `now`, certificate and OCSP dates, SAML's `xs:dateTime` values
/// (which keep their fraction, so bounds compare exactly).
///
/// ```
/// use idbridge::UnixTime;
/// let t = UnixTime::parse_rfc3339("2023-09-01T10:00:00Z")?;
/// assert_eq!(t.as_secs(), 1_693_562_400);
/// assert_eq!(t.to_rfc3339(), "2023-09-01T10:00:00Z");
/// let later = UnixTime::from_unix_nanos(1_693_562_400_250_000_000);
/// assert!(later > t);
/// assert_eq!((later.as_secs(), later.subsec_nanos()), (1_693_562_400, 250_000_000));
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime {
    // Field order matters: the derived `Ord` compares `secs`, then `nanos`.
    secs: i64,
    /// Always below one second (`< 1_000_000_000`).
    nanos: u32,
}

const NANOS_PER_SEC: u32 = 1_000_000_000;

impl UnixTime {
    /// The time `secs` seconds after the Unix epoch (negative: before it).
    pub const fn from_unix_seconds(secs: i64) -> Self {
        UnixTime { secs, nanos: 0 }
    }

    /// The time `nanos` nanoseconds after the Unix epoch (negative: before
    /// it), saturating at the ends of the range.
    pub const fn from_unix_nanos(nanos: i128) -> Self {
        let per = NANOS_PER_SEC as i128;
        let secs = nanos.div_euclid(per);
        let secs = if secs > i64::MAX as i128 {
            i64::MAX
        } else if secs < i64::MIN as i128 {
            i64::MIN
        } else {
            secs as i64
        };
        UnixTime {
            secs,
            nanos: nanos.rem_euclid(per) as u32,
        }
    }

    /// `secs` seconds and `nanos` nanoseconds after the epoch; `None` when
    /// `nanos` is a whole second or more.
    pub const fn from_unix_parts(secs: i64, nanos: u32) -> Option<Self> {
        if nanos < NANOS_PER_SEC {
            Some(UnixTime { secs, nanos })
        } else {
            None
        }
    }

    /// Whole seconds since the Unix epoch, rounded toward the past (the
    /// fraction is [`UnixTime::subsec_nanos`]).
    pub const fn as_secs(self) -> i64 {
        self.secs
    }

    /// The nanoseconds within the second (`0..1_000_000_000`).
    pub const fn subsec_nanos(self) -> u32 {
        self.nanos
    }

    /// Nanoseconds since the Unix epoch.
    pub const fn as_unix_nanos(self) -> i128 {
        self.secs as i128 * NANOS_PER_SEC as i128 + self.nanos as i128
    }

    /// Parses an RFC 3339 date-time with an explicit offset (`Z` or `±hh:mm`).
    ///
    /// Fractional seconds are truncated toward the past (an instant inside a
    /// second belongs to that second). A value without an offset is refused:
    /// a time whose zone is guessed is a time that can be wrong.
    pub fn parse_rfc3339(s: &str) -> Result<Self> {
        let dt = DateTime::parse_from_rfc3339(s).map_err(|_| {
            Error::new(
                ErrorCode::InputEncoding,
                "not an RFC 3339 date-time with an offset",
            )
        })?;
        Ok(UnixTime::from_unix_seconds(dt.timestamp()))
    }

    /// RFC 3339 in UTC with a `Z` suffix and whole seconds (the fraction is
    /// dropped).
    pub fn to_rfc3339(self) -> String {
        match DateTime::<Utc>::from_timestamp(self.secs, 0) {
            Some(dt) => dt.to_rfc3339_opts(SecondsFormat::Secs, true),
            None => format!("@{}", self.secs),
        }
    }

    /// `self + secs`, saturating at the ends of the range (the fraction is kept).
    pub const fn saturating_add_secs(self, secs: i64) -> Self {
        UnixTime {
            secs: self.secs.saturating_add(secs),
            nanos: self.nanos,
        }
    }

    /// `self - secs`, saturating at the ends of the range (the fraction is kept).
    pub const fn saturating_sub_secs(self, secs: i64) -> Self {
        UnixTime {
            secs: self.secs.saturating_sub(secs),
            nanos: self.nanos,
        }
    }

    /// The same time without its fraction (rounded toward the past).
    pub const fn floor_secs(self) -> Self {
        UnixTime::from_unix_seconds(self.secs)
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// How far the caller's clock and a peer's may disagree, in whole seconds.
///
/// Zero unless the caller sets it; never negative.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockSkew(u32);

impl ClockSkew {
    /// No tolerance.
    pub const NONE: ClockSkew = ClockSkew(0);

    /// The largest tolerance, in seconds, any verifier accepts: 24 hours.
    /// Clocks that disagree by more are broken, and a larger tolerance
    /// would quietly stretch every validity period; a verifier given more
    /// (or, where the type allows it, a negative tolerance) refuses with
    /// `config.invalid`.
    pub const MAX_SECS: u32 = 86_400;

    /// [`MAX_SECS`](Self::MAX_SECS) as a tolerance.
    pub const MAX: ClockSkew = ClockSkew(Self::MAX_SECS);

    /// A tolerance of `secs` seconds.
    pub const fn from_secs(secs: u32) -> Self {
        ClockSkew(secs)
    }

    /// The tolerance in seconds.
    pub const fn as_secs(self) -> u32 {
        self.0
    }
}

/// `config.invalid` when `secs` is negative or over [`ClockSkew::MAX_SECS`]:
/// every verifier's tolerance passes here before it is used.
#[cfg(any(
    feature = "saml",
    feature = "oidc",
    feature = "sdjwt",
    feature = "mdoc"
))]
pub(crate) fn check_skew(secs: i64) -> Result<()> {
    if (0..=i64::from(ClockSkew::MAX_SECS)).contains(&secs) {
        Ok(())
    } else {
        Err(Error::with_detail(
            ErrorCode::ConfigInvalid,
            format!(
                "the clock skew {secs} s is outside 0 to {} s (24 h)",
                ClockSkew::MAX_SECS
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(any(
        feature = "saml",
        feature = "oidc",
        feature = "sdjwt",
        feature = "mdoc"
    ))]
    #[test]
    fn skew_is_bounded_to_a_day_and_never_negative() {
        assert!(check_skew(0).is_ok());
        assert!(check_skew(i64::from(ClockSkew::MAX_SECS)).is_ok());
        for bad in [-1, i64::from(ClockSkew::MAX_SECS) + 1, i64::MIN, i64::MAX] {
            assert_eq!(check_skew(bad).unwrap_err().code(), "config.invalid");
        }
    }

    #[test]
    fn parses_offsets_and_truncates_fractions() {
        let a = UnixTime::parse_rfc3339("2023-09-01T12:00:00+02:00").unwrap();
        let b = UnixTime::parse_rfc3339("2023-09-01T10:00:00.999Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_rfc3339(), "2023-09-01T10:00:00Z");
    }

    #[test]
    fn refuses_times_without_offset_and_garbage() {
        for s in [
            "2023-09-01T10:00:00",
            "2023-09-01",
            "",
            "now",
            "2023-13-01T00:00:00Z",
        ] {
            let e = UnixTime::parse_rfc3339(s).unwrap_err();
            assert_eq!(e.code(), "input.encoding", "{s}");
        }
    }

    #[test]
    fn nanos_round_trip_and_order() {
        let t = UnixTime::from_unix_nanos(-1);
        assert_eq!((t.as_secs(), t.subsec_nanos()), (-1, 999_999_999));
        assert_eq!(t.as_unix_nanos(), -1);
        assert!(t < UnixTime::from_unix_seconds(0));
        assert_eq!(UnixTime::from_unix_parts(5, 1_000_000_000), None);
        let u = UnixTime::from_unix_parts(5, 7).unwrap();
        assert!(u > UnixTime::from_unix_seconds(5) && u < UnixTime::from_unix_seconds(6));
        assert_eq!(u.floor_secs(), UnixTime::from_unix_seconds(5));
        assert_eq!(u.saturating_add_secs(1).subsec_nanos(), 7);
        assert_eq!(UnixTime::from_unix_nanos(i128::MAX).as_secs(), i64::MAX);
        assert_eq!(u.to_rfc3339(), "1970-01-01T00:00:05Z");
    }

    #[test]
    fn arithmetic_saturates() {
        let t = UnixTime::from_unix_seconds(i64::MAX - 1);
        assert_eq!(t.saturating_add_secs(10).as_secs(), i64::MAX);
        let t = UnixTime::from_unix_seconds(i64::MIN + 1);
        assert_eq!(t.saturating_sub_secs(10).as_secs(), i64::MIN);
        assert_eq!(
            UnixTime::from_unix_seconds(i64::MAX).to_rfc3339(),
            format!("@{}", i64::MAX)
        );
    }
}
