//! Stable error codes of the fetcher.

use core::fmt;

/// Why a fetch failed: a stable, dotted code (see [`FetchErrorCode::as_str`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FetchErrorCode {
    /// The URL is not an absolute `http(s)://host[:port][/path][?query]`
    /// URL this fetcher accepts (user info, a fragment, control characters,
    /// an odd host spelling, longer than [`crate::MAX_URL_BYTES`]).
    UrlInvalid,
    /// `http://` to a host that is not loopback, or `http://` to loopback
    /// while [`crate::FetchPolicy::loopback`] is off.
    SchemeRefused,
    /// The host is, or resolves to, an address the policy refuses
    /// (loopback, private, link-local, multicast, documentation, ...).
    AddressRefused,
    /// The host name did not resolve.
    DnsFailed,
    /// No resolved address accepted a connection.
    ConnectFailed,
    /// The TLS handshake failed (untrusted certificate, wrong name, ...).
    TlsFailed,
    /// The exchange, redirects included, took longer than
    /// [`crate::FetchPolicy::timeout`] (or a connect attempt longer than
    /// its connect timeout).
    Timeout,
    /// The peer broke HTTP/1.1 (or headers over the buffer bound).
    ProtocolInvalid,
    /// A document fetch got a status other than 200.
    StatusUnexpected,
    /// A document fetch got a `Content-Type` outside the accepted list.
    ContentTypeUnexpected,
    /// The body is longer than [`crate::FetchPolicy::max_body`].
    BodyTooLarge,
    /// A redirect to another origin, or one this fetcher cannot follow.
    RedirectRefused,
    /// More redirects than [`crate::FetchPolicy::max_redirects`].
    RedirectTooMany,
}

impl FetchErrorCode {
    /// The stable code, such as `fetch.redirect.refused`.
    pub fn as_str(self) -> &'static str {
        match self {
            FetchErrorCode::UrlInvalid => "fetch.url.invalid",
            FetchErrorCode::SchemeRefused => "fetch.scheme.refused",
            FetchErrorCode::AddressRefused => "fetch.address.refused",
            FetchErrorCode::DnsFailed => "fetch.dns.failed",
            FetchErrorCode::ConnectFailed => "fetch.connect.failed",
            FetchErrorCode::TlsFailed => "fetch.tls.failed",
            FetchErrorCode::Timeout => "fetch.timeout",
            FetchErrorCode::ProtocolInvalid => "fetch.protocol.invalid",
            FetchErrorCode::StatusUnexpected => "fetch.status.unexpected",
            FetchErrorCode::ContentTypeUnexpected => "fetch.content_type.unexpected",
            FetchErrorCode::BodyTooLarge => "fetch.body.too_large",
            FetchErrorCode::RedirectRefused => "fetch.redirect.refused",
            FetchErrorCode::RedirectTooMany => "fetch.redirect.too_many",
        }
    }

    /// Every code, for documentation tables and tests.
    pub const ALL: [FetchErrorCode; 13] = [
        FetchErrorCode::UrlInvalid,
        FetchErrorCode::SchemeRefused,
        FetchErrorCode::AddressRefused,
        FetchErrorCode::DnsFailed,
        FetchErrorCode::ConnectFailed,
        FetchErrorCode::TlsFailed,
        FetchErrorCode::Timeout,
        FetchErrorCode::ProtocolInvalid,
        FetchErrorCode::StatusUnexpected,
        FetchErrorCode::ContentTypeUnexpected,
        FetchErrorCode::BodyTooLarge,
        FetchErrorCode::RedirectRefused,
        FetchErrorCode::RedirectTooMany,
    ];
}

impl fmt::Display for FetchErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed fetch: its [`FetchErrorCode`] and a human-readable detail
/// (URLs in details are cut to 200 characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchError {
    code: FetchErrorCode,
    detail: String,
}

impl FetchError {
    pub(crate) fn new(code: FetchErrorCode, detail: impl Into<String>) -> FetchError {
        FetchError {
            code,
            detail: detail.into(),
        }
    }

    /// The stable code.
    pub fn code(&self) -> FetchErrorCode {
        self.code
    }

    /// What happened, for logs.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl std::error::Error for FetchError {}
