//! One error type for the crate, each kind with a stable dotted code.
//!
//! Every failure is *closed*: a store that cannot answer never says "fresh",
//! so the caller refuses the login.

use core::fmt;

/// What went wrong, as a stable code ([`ErrorKind::code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The backend did not answer (Redis down, refused, timed out, or the
    /// connection dropped): `store.unavailable`. Nothing was decided; the
    /// caller must refuse the login.
    Unavailable,
    /// The backend answered something a single-use store never expects:
    /// `store.reply.unexpected`.
    UnexpectedReply,
    /// The in-memory store holds as many unexpired keys as it may:
    /// `store.full`. It never evicts an unexpired key (that would let a
    /// replay through).
    Full,
    /// A key that is empty or longer than [`crate::MAX_KEY_BYTES`]:
    /// `store.key.invalid`.
    KeyInvalid,
    /// The key was already remembered and has not expired:
    /// `store.key.duplicate`.
    Duplicate,
    /// A nonce or request ID that this service never issued, that was
    /// already consumed, or whose lifetime ended: `store.not_issued`.
    NotIssued,
    /// An Assertion ID seen before, within its validity: `store.replayed`.
    Replayed,
    /// The operating system's random number generator failed:
    /// `store.random.unavailable`.
    RandomUnavailable,
    /// A bad setting (a Redis URL that does not parse, a zero capacity):
    /// `store.config.invalid`.
    Config,
}

impl ErrorKind {
    /// The stable code, e.g. `store.unavailable`.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Unavailable => "store.unavailable",
            ErrorKind::UnexpectedReply => "store.reply.unexpected",
            ErrorKind::Full => "store.full",
            ErrorKind::KeyInvalid => "store.key.invalid",
            ErrorKind::Duplicate => "store.key.duplicate",
            ErrorKind::NotIssued => "store.not_issued",
            ErrorKind::Replayed => "store.replayed",
            ErrorKind::RandomUnavailable => "store.random.unavailable",
            ErrorKind::Config => "store.config.invalid",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            ErrorKind::Unavailable => "the single-use store is unavailable",
            ErrorKind::UnexpectedReply => "the single-use store gave an unexpected reply",
            ErrorKind::Full => "the in-memory single-use store is full",
            ErrorKind::KeyInvalid => "the key is empty or too long",
            ErrorKind::Duplicate => "the key is already remembered",
            ErrorKind::NotIssued => "not issued here, already used, or expired",
            ErrorKind::Replayed => "the assertion was already used",
            ErrorKind::RandomUnavailable => "the system random number generator failed",
            ErrorKind::Config => "invalid store configuration",
        }
    }
}

/// A store failure: its [`ErrorKind`], and for an operator the backend's
/// own message when there is one (never shown to the end user by the
/// examples).
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    detail: Option<String>,
}

impl Error {
    /// An error of `kind` without detail.
    pub fn new(kind: ErrorKind) -> Self {
        Error { kind, detail: None }
    }

    /// An error of `kind` with an operator-facing detail.
    pub fn with_detail(kind: ErrorKind, detail: impl Into<String>) -> Self {
        Error {
            kind,
            detail: Some(detail.into()),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The stable code, e.g. `store.unavailable`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The backend's message, when there is one.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.kind.describe(), self.kind.code())?;
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// `Result` with this crate's [`Error`].
pub type Result<T> = core::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_dotted() {
        let all = [
            ErrorKind::Unavailable,
            ErrorKind::UnexpectedReply,
            ErrorKind::Full,
            ErrorKind::KeyInvalid,
            ErrorKind::Duplicate,
            ErrorKind::NotIssued,
            ErrorKind::Replayed,
            ErrorKind::RandomUnavailable,
            ErrorKind::Config,
        ];
        let codes: std::collections::BTreeSet<_> = all.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), all.len());
        for c in codes {
            assert!(c.starts_with("store."), "{c}");
            assert!(c
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '.' || ch == '_'));
        }
    }

    #[test]
    fn display_names_the_code_and_the_detail() {
        let e = Error::with_detail(ErrorKind::Unavailable, "Connection refused");
        assert_eq!(
            e.to_string(),
            "the single-use store is unavailable (store.unavailable): Connection refused"
        );
        assert_eq!(Error::new(ErrorKind::Full).code(), "store.full");
    }
}
