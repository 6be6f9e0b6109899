//! The client: policy, connection set-up (DNS, address check, TCP, TLS),
//! one HTTP/1.1 exchange per connection, redirects and the federation loop.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::header::{
    HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HOST, LOCATION,
};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use idbridge::oidc::federation::Resolver;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::error::{FetchError, FetchErrorCode as Code};
use crate::url::{is_public, Host, Scheme, Target};

/// What the fetcher allows. [`Default`] is the production setting; each
/// `with`-style method returns a changed copy.
#[derive(Clone, Debug)]
pub struct FetchPolicy {
    timeout: Duration,
    connect_timeout: Duration,
    max_body: usize,
    max_redirects: u8,
    max_header_buf: usize,
    loopback: bool,
    private_networks: bool,
    federation_content_types: Vec<String>,
}

impl Default for FetchPolicy {
    /// 10 s per exchange (redirects included), 5 s per connection attempt,
    /// bodies up to 256 KiB (twice `Limits::max_entity_statement_bytes`),
    /// 3 same-origin redirects, 64 KiB of headers, public addresses over
    /// HTTPS only, and federation documents typed
    /// `application/entity-statement+jwt` or `application/jose` (what the
    /// SPID/CIE reference implementation sends).
    fn default() -> Self {
        FetchPolicy {
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_body: 256 * 1024,
            max_redirects: 3,
            max_header_buf: 64 * 1024,
            loopback: false,
            private_networks: false,
            federation_content_types: vec![
                "application/entity-statement+jwt".to_owned(),
                "application/jose".to_owned(),
            ],
        }
    }
}

impl FetchPolicy {
    /// The deadline of one exchange: connecting, TLS, sending, every
    /// redirect and reading the whole body.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// The deadline of one connection attempt (per resolved address).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// The largest body accepted, in bytes.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// How many same-origin redirects a GET follows (0: none).
    pub fn max_redirects(mut self, n: u8) -> Self {
        self.max_redirects = n;
        self
    }

    /// Talk to services on this machine: `http://` and `https://` URLs
    /// whose host is `localhost` or a loopback address (and which resolve
    /// to loopback addresses only). For tests and local peers; off by
    /// default.
    pub fn loopback(mut self, on: bool) -> Self {
        self.loopback = on;
        self
    }

    /// Connect to non-public addresses (private, link-local, ...) over
    /// HTTPS, for federations inside an intranet. Off by default.
    pub fn private_networks(mut self, on: bool) -> Self {
        self.private_networks = on;
        self
    }

    /// The media types a federation document may carry (compared without
    /// parameters, case-insensitively).
    pub fn federation_content_types<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.federation_content_types = types.into_iter().map(Into::into).collect();
        self
    }

    /// The bound on one exchange.
    pub fn get_timeout(&self) -> Duration {
        self.timeout
    }

    /// The body cap.
    pub fn get_max_body(&self) -> usize {
        self.max_body
    }
}

/// A response: the status, its `Content-Type`, the body (at most
/// [`FetchPolicy::max_body`] bytes) and the URL it came from after
/// redirects.
#[derive(Clone, Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
    /// The URL finally fetched.
    pub url: String,
}

impl Response {
    /// The media type without parameters, lower-cased.
    pub fn media_type(&self) -> Option<String> {
        self.content_type.as_deref().map(media_type)
    }
}

fn media_type(ct: &str) -> String {
    ct.split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// A document the resolver asked for and did not get: the branch that
/// needed it was given up (see [`Fetcher::resolve`]).
#[derive(Clone, Debug)]
pub struct FetchFailure {
    /// What was asked for.
    pub url: String,
    /// Why it was not given.
    pub error: FetchError,
}

/// The HTTP client. Cheap to clone (the TLS configuration is shared).
#[derive(Clone)]
pub struct Fetcher {
    policy: FetchPolicy,
    tls: tokio_rustls::TlsConnector,
}

impl core::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Fetcher")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// Reads a PEM bundle of trusted root certificates (such as Debian's
/// `/etc/ssl/certs/ca-certificates.crt`). A bundle with no certificate,
/// or one rustls does not take, is an error.
pub fn roots_from_pem(pem: &[u8]) -> Result<RootCertStore, FetchError> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert =
            cert.map_err(|e| FetchError::new(Code::TlsFailed, format!("root bundle: {e}")))?;
        roots
            .add(cert)
            .map_err(|e| FetchError::new(Code::TlsFailed, format!("root certificate: {e}")))?;
    }
    if roots.is_empty() {
        return Err(FetchError::new(
            Code::TlsFailed,
            "root bundle: no certificate",
        ));
    }
    Ok(roots)
}

enum Body {
    Empty,
    Form(String),
}

impl Fetcher {
    /// A fetcher trusting `roots` for HTTPS, under `policy`.
    pub fn new(roots: RootCertStore, policy: FetchPolicy) -> Fetcher {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = match ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
        {
            Ok(b) => b.with_root_certificates(roots).with_no_client_auth(),
            // The AWS-LC provider supports the safe defaults; should that
            // ever change, an empty config refuses every handshake.
            Err(_) => ClientConfig::builder()
                .with_root_certificates(RootCertStore::empty())
                .with_no_client_auth(),
        };
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Fetcher {
            policy,
            tls: tokio_rustls::TlsConnector::from(Arc::new(config)),
        }
    }

    /// The policy in force.
    pub fn policy(&self) -> &FetchPolicy {
        &self.policy
    }

    /// Drives `resolver` to the end: fetches each document it asks for as a
    /// federation document ([`Fetcher::document`]) and hands over the body,
    /// or `None` when the fetch failed (the resolver then gives up that
    /// branch and tries the next authority hint). Returns the failed
    /// fetches, for diagnostics; call [`Resolver::finish`] next.
    ///
    /// `Err` only when the resolver stops the resolution as a whole (a
    /// limit such as `Limits::max_federation_fetches`).
    pub async fn resolve(&self, resolver: &mut Resolver) -> idbridge::Result<Vec<FetchFailure>> {
        let mut failures = Vec::new();
        while let Some(request) = resolver.next_request() {
            let url = request.url().to_owned();
            match self.document(&url).await {
                Ok(body) => resolver.provide(Some(&body))?,
                Err(error) => {
                    failures.push(FetchFailure { url, error });
                    resolver.provide(None)?;
                }
            }
        }
        Ok(failures)
    }

    /// GETs a federation document: status 200, a `Content-Type` from
    /// [`FetchPolicy::federation_content_types`], the body.
    pub async fn document(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let accept = self.policy.federation_content_types.join(", ");
        let r = self
            .exchange(Method::GET, url, &accept, None, Body::Empty)
            .await?;
        if r.status != 200 {
            return Err(FetchError::new(
                Code::StatusUnexpected,
                format!("HTTP {} from {}", r.status, crate::cut(&r.url)),
            ));
        }
        let got = r.media_type().unwrap_or_default();
        if !self
            .policy
            .federation_content_types
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&got))
        {
            return Err(FetchError::new(
                Code::ContentTypeUnexpected,
                format!(
                    "Content-Type {:?} from {}",
                    crate::cut(&got),
                    crate::cut(&r.url)
                ),
            ));
        }
        Ok(r.body)
    }

    /// `GET url`, with `Authorization: Bearer <token>` when given (the
    /// UserInfo request). Any status is returned; same-origin redirects are
    /// followed.
    pub async fn get(&self, url: &str, bearer: Option<&str>) -> Result<Response, FetchError> {
        self.exchange(Method::GET, url, "*/*", bearer, Body::Empty)
            .await
    }

    /// `POST url` with a form body (`application/x-www-form-urlencoded`;
    /// the token request). Any status is returned; redirects are not
    /// followed (a 3xx comes back as it is).
    pub async fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
    ) -> Result<Response, FetchError> {
        let body = serde_urlencoded::to_string(form)
            .map_err(|e| FetchError::new(Code::UrlInvalid, format!("form: {e}")))?;
        self.post_form_encoded(url, body).await
    }

    /// [`Fetcher::post_form`] with a body already form-urlencoded (such as
    /// `idbridge::oidc::rp::token_request_form`'s).
    pub async fn post_form_encoded(&self, url: &str, body: String) -> Result<Response, FetchError> {
        self.exchange(
            Method::POST,
            url,
            "application/json",
            None,
            Body::Form(body),
        )
        .await
    }

    async fn exchange(
        &self,
        method: Method,
        url: &str,
        accept: &str,
        bearer: Option<&str>,
        body: Body,
    ) -> Result<Response, FetchError> {
        let target = Target::parse(url)?;
        let work = self.follow(method, target, accept, bearer, body);
        match tokio::time::timeout(self.policy.timeout, work).await {
            Ok(r) => r,
            Err(_) => Err(FetchError::new(
                Code::Timeout,
                format!(
                    "no complete answer within {:?} from {}",
                    self.policy.timeout,
                    crate::cut(url)
                ),
            )),
        }
    }

    async fn follow(
        &self,
        method: Method,
        mut target: Target,
        accept: &str,
        bearer: Option<&str>,
        body: Body,
    ) -> Result<Response, FetchError> {
        let first = target.clone();
        let form = match &body {
            Body::Form(f) => Some(f.clone()),
            Body::Empty => None,
        };
        let mut redirects = 0u8;
        loop {
            let r = self
                .once(method.clone(), &target, accept, bearer, form.clone())
                .await?;
            let is_redirect = matches!(r.0.status, 301 | 302 | 303 | 307 | 308);
            if !is_redirect || method != Method::GET {
                return Ok(r.0);
            }
            let Some(location) = r.1 else {
                return Err(FetchError::new(
                    Code::RedirectRefused,
                    format!("HTTP {} without Location", r.0.status),
                ));
            };
            let next = target.redirect(&location)?;
            if !next.same_origin(&first) {
                return Err(FetchError::new(
                    Code::RedirectRefused,
                    format!(
                        "redirect from {} to another origin: {}",
                        first.authority(),
                        crate::cut(&location)
                    ),
                ));
            }
            redirects += 1;
            if redirects > self.policy.max_redirects {
                return Err(FetchError::new(
                    Code::RedirectTooMany,
                    format!("more than {} redirects", self.policy.max_redirects),
                ));
            }
            target = next;
        }
    }

    /// Checks the scheme and addresses, connects and runs one exchange.
    /// Returns the response and its `Location` header.
    async fn once(
        &self,
        method: Method,
        target: &Target,
        accept: &str,
        bearer: Option<&str>,
        form: Option<String>,
    ) -> Result<(Response, Option<String>), FetchError> {
        let loopback_target = target.is_loopback_host();
        if target.scheme == Scheme::Http && !(self.policy.loopback && loopback_target) {
            return Err(FetchError::new(
                Code::SchemeRefused,
                format!("plain http to {} (HTTPS only)", target.authority()),
            ));
        }
        if loopback_target && !self.policy.loopback {
            return Err(FetchError::new(
                Code::AddressRefused,
                format!("{} is loopback", target.authority()),
            ));
        }
        let addrs = self.addresses(target, loopback_target).await?;
        let tcp = self.connect(&addrs, target).await?;
        let url = format!(
            "{}://{}{}",
            match target.scheme {
                Scheme::Https => "https",
                Scheme::Http => "http",
            },
            target.authority(),
            target.path_and_query
        );
        match target.scheme {
            Scheme::Http => {
                self.send(tcp, target, &url, method, accept, bearer, form)
                    .await
            }
            Scheme::Https => {
                let name = match &target.host {
                    Host::Name(n) => ServerName::try_from(n.clone())
                        .map_err(|_| FetchError::new(Code::UrlInvalid, "host is not a DNS name"))?,
                    Host::Ip(ip) => ServerName::IpAddress((*ip).into()),
                };
                let tls = self.tls.connect(name, tcp).await.map_err(|e| {
                    FetchError::new(Code::TlsFailed, format!("{}: {e}", target.authority()))
                })?;
                self.send(tls, target, &url, method, accept, bearer, form)
                    .await
            }
        }
    }

    /// Resolves the host and keeps its addresses only if every one of them
    /// is allowed (a name resolving to a public and a private address is
    /// refused as a whole).
    async fn addresses(
        &self,
        target: &Target,
        loopback_target: bool,
    ) -> Result<Vec<SocketAddr>, FetchError> {
        let addrs: Vec<SocketAddr> = match &target.host {
            Host::Ip(ip) => vec![SocketAddr::new(*ip, target.port)],
            Host::Name(name) => {
                let lookup = tokio::net::lookup_host((name.as_str(), target.port));
                match tokio::time::timeout(self.policy.connect_timeout, lookup).await {
                    Ok(Ok(it)) => it.take(16).collect(),
                    Ok(Err(e)) => {
                        return Err(FetchError::new(Code::DnsFailed, format!("{name}: {e}")))
                    }
                    Err(_) => {
                        return Err(FetchError::new(
                            Code::Timeout,
                            format!("{name}: DNS lookup timed out"),
                        ))
                    }
                }
            }
        };
        if addrs.is_empty() {
            return Err(FetchError::new(
                Code::DnsFailed,
                format!("{}: no address", target.authority()),
            ));
        }
        for a in &addrs {
            let ip = a.ip();
            let allowed = if loopback_target {
                ip.is_loopback()
            } else {
                allowed_remote(ip, target.scheme, self.policy.private_networks)
            };
            if !allowed {
                return Err(FetchError::new(
                    Code::AddressRefused,
                    format!(
                        "{} resolves to {ip}, which the policy refuses",
                        target.authority()
                    ),
                ));
            }
        }
        Ok(addrs)
    }

    async fn connect(
        &self,
        addrs: &[SocketAddr],
        target: &Target,
    ) -> Result<TcpStream, FetchError> {
        let mut last = String::new();
        for a in addrs {
            match tokio::time::timeout(self.policy.connect_timeout, TcpStream::connect(a)).await {
                Ok(Ok(s)) => {
                    let _ = s.set_nodelay(true);
                    return Ok(s);
                }
                Ok(Err(e)) => last = format!("{a}: {e}"),
                Err(_) => {
                    last = format!(
                        "{a}: no connection within {:?}",
                        self.policy.connect_timeout
                    )
                }
            }
        }
        Err(FetchError::new(
            Code::ConnectFailed,
            format!("{}: {last}", target.authority()),
        ))
    }

    #[allow(clippy::too_many_arguments)]
    async fn send<S>(
        &self,
        io: S,
        target: &Target,
        url: &str,
        method: Method,
        accept: &str,
        bearer: Option<&str>,
        form: Option<String>,
    ) -> Result<(Response, Option<String>), FetchError>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let proto = |e: hyper::Error| {
            FetchError::new(Code::ProtocolInvalid, format!("{}: {e}", crate::cut(url)))
        };
        let (mut sender, conn) = hyper::client::conn::http1::Builder::new()
            .max_buf_size(self.policy.max_header_buf.max(8192))
            .handshake(TokioIo::new(io))
            .await
            .map_err(proto)?;
        let driver = Abort(tokio::spawn(conn));
        let mut req = Request::builder()
            .method(method)
            .uri(target.path_and_query.as_str())
            .header(HOST, target.authority())
            .header(ACCEPT, accept);
        if let Some(token) = bearer {
            let v = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                FetchError::new(Code::UrlInvalid, "the bearer token is not a header value")
            })?;
            req = req.header(AUTHORIZATION, v);
        }
        let body = match form {
            Some(f) => {
                req = req.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
                Full::new(Bytes::from(f))
            }
            None => Full::new(Bytes::new()),
        };
        let req = req
            .body(body)
            .map_err(|e| FetchError::new(Code::UrlInvalid, e.to_string()))?;
        let resp = sender.send_request(req).await.map_err(proto)?;
        let status = resp.status().as_u16();
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(CONTENT_TYPE);
        let location = header(LOCATION);
        let too_large = || {
            FetchError::new(
                Code::BodyTooLarge,
                format!(
                    "body over {} bytes from {}",
                    self.policy.max_body,
                    crate::cut(url)
                ),
            )
        };
        if let Some(len) = header(CONTENT_LENGTH) {
            if len
                .parse::<u64>()
                .map_or(true, |n| n > self.policy.max_body as u64)
            {
                return Err(too_large());
            }
        }
        let body = Limited::new(resp.into_body(), self.policy.max_body)
            .collect()
            .await
            .map_err(|e| {
                if e.downcast_ref::<LengthLimitError>().is_some() {
                    too_large()
                } else {
                    FetchError::new(
                        Code::ProtocolInvalid,
                        format!("body from {}: {e}", crate::cut(url)),
                    )
                }
            })?
            .to_bytes()
            .to_vec();
        drop(driver);
        Ok((
            Response {
                status,
                content_type,
                body,
                url: url.to_owned(),
            },
            location,
        ))
    }
}

/// Whether a non-loopback target may be reached at `ip`.
fn allowed_remote(ip: IpAddr, scheme: Scheme, private_networks: bool) -> bool {
    if ip.is_loopback() || ip.is_unspecified() {
        return false;
    }
    is_public(ip) || (private_networks && scheme == Scheme::Https && !ip.is_multicast())
}

/// Aborts the connection task when the exchange ends, however it ends.
struct Abort<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for Abort<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
