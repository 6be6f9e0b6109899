//! Time as an argument: the library never reads a clock.
//!
//! Every check that depends on time takes a [`UnixTime`] from the caller.
//! This keeps verification reproducible (test vectors fix `now`), makes the
//! same code run on wasm32 (where `SystemTime::now()` panics), and leaves the
//! choice of clock, and its trustworthiness, to the caller.

use crate::error::{Error, ErrorCode, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use core::fmt;

/// A point in time, whole seconds since 1970-01-01T00:00:00Z (UTC).
///
/// ```
/// use idbridge::UnixTime;
/// let t = UnixTime::parse_rfc3339("2023-09-01T10:00:00Z")?;
/// assert_eq!(t.as_secs(), 1_693_562_400);
/// assert_eq!(t.to_rfc3339(), "2023-09-01T10:00:00Z");
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(i64);

impl UnixTime {
    /// The time `secs` seconds after the Unix epoch (negative: before it).
    pub const fn from_unix_seconds(secs: i64) -> Self {
        UnixTime(secs)
    }

    /// Seconds since the Unix epoch.
    pub const fn as_secs(self) -> i64 {
        self.0
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
        Ok(UnixTime(dt.timestamp()))
    }

    /// RFC 3339 in UTC with a `Z` suffix and whole seconds.
    pub fn to_rfc3339(self) -> String {
        match DateTime::<Utc>::from_timestamp(self.0, 0) {
            Some(dt) => dt.to_rfc3339_opts(SecondsFormat::Secs, true),
            None => format!("@{}", self.0),
        }
    }

    /// `self + secs`, saturating at the ends of the range.
    pub const fn saturating_add_secs(self, secs: i64) -> Self {
        UnixTime(self.0.saturating_add(secs))
    }

    /// `self - secs`, saturating at the ends of the range.
    pub const fn saturating_sub_secs(self, secs: i64) -> Self {
        UnixTime(self.0.saturating_sub(secs))
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

    /// A tolerance of `secs` seconds.
    pub const fn from_secs(secs: u32) -> Self {
        ClockSkew(secs)
    }

    /// The tolerance in seconds.
    pub const fn as_secs(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
