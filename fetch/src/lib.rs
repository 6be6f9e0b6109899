//! A strict HTTPS fetcher for idbridge's sans-IO parts.
//!
//! The `idbridge` library never opens a socket: the OpenID Federation
//! [`Resolver`] says which document it needs next and takes the body back.
//! This crate is the small, careful HTTP client a service can put behind it,
//! and use for the relying party's token and UserInfo requests:
//!
//! - **HTTPS only** (rustls, AWS-LC; the caller chooses the root
//!   certificates). Plain `http://` only to loopback hosts, and only when
//!   [`FetchPolicy::loopback`] is on (tests, a local peer).
//! - **Public addresses only**: the host name is resolved first and every
//!   address it resolves to must be globally routed ([`is_public`]) — no
//!   loopback, private, link-local (cloud metadata), multicast or
//!   documentation ranges — and the connection goes to a checked address,
//!   so a federation statement naming an internal host cannot make a
//!   service reach into its own network. [`FetchPolicy::private_networks`]
//!   lifts this for intranets.
//! - **Bounded**: a deadline for the whole exchange, redirects included
//!   ([`FetchPolicy::timeout`]), one per connection attempt, a cap on the
//!   body ([`FetchPolicy::max_body`], checked against `Content-Length`
//!   first, then while reading) and on the header buffer.
//! - **No off-origin redirects**: a GET follows at most
//!   [`FetchPolicy::max_redirects`] redirects within the same scheme, host
//!   and port; a POST follows none.
//! - **Content types**: a federation document must come with one of
//!   [`FetchPolicy::federation_content_types`], and status 200.
//!
//! Every failure is a [`FetchError`] with a stable [`FetchErrorCode`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use idbridge::oidc::federation::{ChainOptions, FederationTrust, Resolver};
//! use idbridge_fetch::{roots_from_pem, FetchPolicy, Fetcher};
//! # let anchor_keys = idbridge::jose::JwkSet::from_json(br#"{"keys":[]}"#)?;
//! # let now = idbridge::UnixTime::from_unix_seconds(1_800_000_000);
//! let roots = roots_from_pem(&std::fs::read("/etc/ssl/certs/ca-certificates.crt")?)?;
//! let fetcher = Fetcher::new(roots, FetchPolicy::default());
//!
//! let trust = FederationTrust::new().with_anchor("https://registry.spid.gov.it", anchor_keys);
//! let mut resolver = Resolver::new(&trust, "https://op.example.it", ChainOptions::new());
//! let failures = fetcher.resolve(&mut resolver).await?;
//! for f in &failures {
//!     eprintln!("{}: {}", f.url, f.error);
//! }
//! let chain = resolver.finish(idbridge::crypto::default_backend(), &trust, now)?;
//! # let _ = chain;
//! # Ok(())
//! # }
//! ```

mod client;
mod error;
mod url;

pub use client::{roots_from_pem, FetchFailure, FetchPolicy, Fetcher, Response};
pub use error::{FetchError, FetchErrorCode};
pub use url::{is_public, MAX_URL_BYTES};

/// Re-exported so callers can build a root store without naming rustls.
pub use rustls::RootCertStore;

#[doc(no_inline)]
pub use idbridge::oidc::federation::Resolver;

/// At most 200 characters of `s`, for error details.
pub(crate) fn cut(s: &str) -> String {
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or_default()),
        None => s.to_owned(),
    }
}
