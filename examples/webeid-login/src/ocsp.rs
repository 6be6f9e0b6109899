//! Revocation for the Web eID login (issue 21, item 7): before verifying a
//! token, fetch an OCSP response for its certificate from the responder
//! its Authority Information Access names (or the configured one), over
//! plain HTTP (RFC 6960 Appendix A.1) to an explicitly allowed `host:port`
//! only, within a deadline and a size cap; cache a response the verifier
//! accepted until its `nextUpdate` (or `thisUpdate` + the accepted age,
//! whichever is first); fail closed: a responder that is down, slow, not
//! allowed, or answers anything but a response that says *good* refuses
//! the login. The request is built by [`idbridge::ocsp::build_request`],
//! the response checked by [`idbridge::webeid::verify_token`]
//! ([`idbridge::webeid::Ocsp::Response`]); only the HTTP is here.
//!
//! | setting (flag) | default | what it does |
//! |---|---|---|
//! | [`OcspConfig::issuers`] (`--ocsp-issuer FILE`, repeated) | the anchors | CA certificates that issue user certificates (the request names the issuer) |
//! | [`OcspConfig::allowed`] (`--ocsp-allow HOST:PORT`, repeated) | none | responders that may be contacted; any other URL is refused (`ocsp.url.refused`) |
//! | [`OcspConfig::responder`] (`--ocsp-url URL`) | none | used when a certificate names no responder |
//! | [`OcspConfig::timeout`] (`--ocsp-timeout SECS`) | 5 s | connect, send and read |
//! | [`OcspConfig::max_age_secs`] (`--ocsp-max-age SECS`) | 300 | how old `thisUpdate` may be, so how long a response is cached at most |
//!
//! Error codes (the login's answer): `ocsp.unavailable` (503: the
//! responder is down, slow, or answered no usable response),
//! `ocsp.url.refused`, `ocsp.responder.none`, `ocsp.issuer.unknown`,
//! `ocsp.certificate.invalid` (401); a revoked certificate is the
//! verifier's own code (401).
//!
//! ```
//! use idbridge_example_webeid_login::ocsp::{OcspClient, OcspConfig};
//! # let esteid2018_der: Vec<u8> = Vec::new();
//! let mut config = OcspConfig::new(vec![esteid2018_der]); // the issuing CAs
//! config.allowed = vec!["aia.sk.ee:80".to_owned()]; // its AIA responder
//! let client = OcspClient::new(config); // then: app.ocsp = Some(client)
//! assert_eq!(client.fetches(), 0);
//! ```

use base64::Engine as _;
use der::{Decode, Encode};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The largest OCSP answer read (head and body), in bytes.
pub const MAX_OCSP_RESPONSE: usize = 64 * 1024;
/// Responses cached at most (one per certificate).
pub const MAX_CACHED: usize = 10_000;

/// Where and how to ask.
#[derive(Clone, Debug, Default)]
pub struct OcspConfig {
    /// CA certificates (DER) that issue the user certificates.
    pub issuers: Vec<Vec<u8>>,
    /// `host:port` pairs that may be contacted over plain HTTP.
    pub allowed: Vec<String>,
    /// The responder for certificates that name none.
    pub responder: Option<String>,
    /// Connect, send and read (default 5 s).
    pub timeout: Duration,
    /// How old a response's `thisUpdate` may be (default 300 s).
    pub max_age_secs: u32,
}

impl OcspConfig {
    /// The defaults with `issuers`.
    pub fn new(issuers: Vec<Vec<u8>>) -> Self {
        OcspConfig {
            issuers,
            timeout: Duration::from_secs(5),
            max_age_secs: 300,
            ..OcspConfig::default()
        }
    }
}

/// Why no response could be had: a stable code and a detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OcspError {
    /// The stable code.
    pub code: &'static str,
    /// What happened.
    pub detail: String,
}

impl OcspError {
    fn new(code: &'static str, detail: impl Into<String>) -> Self {
        OcspError {
            code,
            detail: detail.into(),
        }
    }
    /// Whether the answer is 503 (the responder), else 401 (the token).
    pub fn unavailable(&self) -> bool {
        self.code == "ocsp.unavailable"
    }
}

#[derive(Clone, Debug)]
struct Cached {
    response: Arc<Vec<u8>>,
    until: i64,
}

/// A response for one login, and whether it came from the cache.
#[derive(Clone, Debug)]
pub struct Fetched {
    key: Vec<u8>,
    /// The DER `OCSPResponse`.
    pub response: Arc<Vec<u8>>,
    /// Whether it was cached.
    pub cached: bool,
    until: Option<i64>,
}

/// The fetcher and its cache.
#[derive(Debug)]
pub struct OcspClient {
    config: OcspConfig,
    cache: Mutex<HashMap<Vec<u8>, Cached>>,
    fetches: std::sync::atomic::AtomicU64,
}

impl OcspClient {
    /// A client for `config`.
    pub fn new(config: OcspConfig) -> Self {
        OcspClient {
            config,
            cache: Mutex::new(HashMap::new()),
            fetches: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The settings.
    pub fn config(&self) -> &OcspConfig {
        &self.config
    }

    /// Requests sent to a responder so far.
    pub fn fetches(&self) -> u64 {
        self.fetches.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A response about the certificate of `token` (the Web eID JSON), at
    /// `now` (Unix seconds): from the cache while fresh, else fetched.
    pub async fn response_for(&self, token: &[u8], now: i64) -> Result<Fetched, OcspError> {
        let cert = token_certificate(token)?;
        let subject = x509_cert::Certificate::from_der(&cert).map_err(|_| {
            OcspError::new(
                "ocsp.certificate.invalid",
                "the certificate does not decode",
            )
        })?;
        let issuer_name = subject
            .tbs_certificate
            .issuer
            .to_der()
            .map_err(|_| OcspError::new("ocsp.certificate.invalid", "the issuer name"))?;
        let issuer = self
            .config
            .issuers
            .iter()
            .find(|der| {
                x509_cert::Certificate::from_der(der)
                    .ok()
                    .and_then(|c| c.tbs_certificate.subject.to_der().ok())
                    .is_some_and(|s| s == issuer_name)
            })
            .ok_or_else(|| {
                OcspError::new("ocsp.issuer.unknown", "no configured issuer issued it")
            })?;
        let mut key = issuer_name;
        key.extend_from_slice(subject.tbs_certificate.serial_number.as_bytes());
        if let Some(c) = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            if now < c.until {
                return Ok(Fetched {
                    key,
                    response: c.response.clone(),
                    cached: true,
                    until: None,
                });
            }
        }
        let url = aia_ocsp_url(&subject)
            .or_else(|| self.config.responder.clone())
            .ok_or_else(|| {
                OcspError::new(
                    "ocsp.responder.none",
                    "the certificate names no OCSP responder",
                )
            })?;
        let request = idbridge::ocsp::build_request(&cert, issuer, None)
            .map_err(|e| OcspError::new("ocsp.certificate.invalid", e.to_string()))?;
        let (host, port, path) = self.allowed_url(&url)?;
        self.fetches
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let body = tokio::time::timeout(self.config.timeout, post(&host, port, &path, &request))
            .await
            .map_err(|_| OcspError::new("ocsp.unavailable", format!("{url}: no answer in time")))?
            .map_err(|e| OcspError::new("ocsp.unavailable", format!("{url}: {e}")))?;
        let max_age = i64::from(self.config.max_age_secs);
        let until = update_times(&body).map(|(this, next)| match next {
            Some(next) => next.min(this.saturating_add(max_age)),
            None => this.saturating_add(max_age),
        });
        Ok(Fetched {
            key,
            response: Arc::new(body),
            cached: false,
            until,
        })
    }

    /// Caches `fetched` once the verifier accepted it.
    pub fn accepted(&self, fetched: Fetched, now: i64) {
        let Some(until) = fetched.until.filter(|u| *u > now) else {
            return;
        };
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= MAX_CACHED {
            cache.retain(|_, c| c.until > now);
            if cache.len() >= MAX_CACHED {
                return;
            }
        }
        cache.insert(
            fetched.key,
            Cached {
                response: fetched.response,
                until,
            },
        );
    }

    /// `http://host[:port]/path` with `host:port` in the allowed list.
    fn allowed_url(&self, url: &str) -> Result<(String, u16, String), OcspError> {
        let refused = || {
            OcspError::new(
                "ocsp.url.refused",
                format!("{url} is not an allowed http responder"),
            )
        };
        let rest = url.strip_prefix("http://").ok_or_else(refused)?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i..).unwrap_or("/")),
            None => (rest, "/"),
        };
        if authority.contains('@') || path.bytes().any(|b| b.is_ascii_control() || b == b' ') {
            return Err(refused());
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| refused())?),
            None => (authority, 80),
        };
        let wanted = format!("{}:{port}", host.to_ascii_lowercase());
        if host.is_empty()
            || !self
                .config
                .allowed
                .iter()
                .any(|a| a.eq_ignore_ascii_case(&wanted))
        {
            return Err(refused());
        }
        Ok((host.to_owned(), port, path.to_owned()))
    }
}

/// The certificate (DER) a Web eID token carries, unverified: only used to
/// ask about it; the verifier checks the response against it.
fn token_certificate(token: &[u8]) -> Result<Vec<u8>, OcspError> {
    let bad = || {
        OcspError::new(
            "ocsp.certificate.invalid",
            "no unverifiedCertificate in the token",
        )
    };
    let v: serde_json::Value = serde_json::from_slice(token).map_err(|_| bad())?;
    let b64 = v
        .get("unverifiedCertificate")
        .and_then(|c| c.as_str())
        .ok_or_else(bad)?;
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| bad())
}

/// The first `http://` OCSP responder of the certificate's Authority
/// Information Access.
fn aia_ocsp_url(cert: &x509_cert::Certificate) -> Option<String> {
    use x509_cert::ext::pkix::name::GeneralName;
    use x509_cert::ext::pkix::AuthorityInfoAccessSyntax;
    const AIA: der::asn1::ObjectIdentifier =
        der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");
    const OCSP: der::asn1::ObjectIdentifier =
        der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");
    let ext = cert
        .tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == AIA)?;
    let aia = AuthorityInfoAccessSyntax::from_der(ext.extn_value.as_bytes()).ok()?;
    aia.0.iter().find_map(|d| match &d.access_location {
        GeneralName::UniformResourceIdentifier(uri) if d.access_method == OCSP => {
            Some(uri.as_str().to_owned())
        }
        _ => None,
    })
}

/// `thisUpdate` and `nextUpdate` (Unix seconds) of the response's first
/// SingleResponse; `None` when it does not decode (the verifier says why).
fn update_times(der_response: &[u8]) -> Option<(i64, Option<i64>)> {
    let r = x509_ocsp::OcspResponse::from_der(der_response).ok()?;
    let bytes = r.response_bytes?;
    let basic = x509_ocsp::BasicOcspResponse::from_der(bytes.response.as_bytes()).ok()?;
    let single = basic.tbs_response_data.responses.first()?;
    let secs = |t: &der::asn1::GeneralizedTime| i64::try_from(t.to_unix_duration().as_secs()).ok();
    let this = secs(&single.this_update.0)?;
    let next = single.next_update.as_ref().and_then(|n| secs(&n.0));
    Some((this, next))
}

/// POSTs an OCSP request; the body of a 200 answer.
async fn post(host: &str, port: u16, path: &str, body: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut s = tokio::net::TcpStream::connect((host, port)).await?;
    let head = format!(
        "POST {path} HTTP/1.0\r\nHost: {host}:{port}\r\nContent-Type: application/ocsp-request\r\nAccept: application/ocsp-response\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    // One write: head and body together.
    let mut request = head.into_bytes();
    request.extend_from_slice(body);
    s.write_all(&request).await?;
    let mut raw = Vec::new();
    (&mut s)
        .take(u64::try_from(MAX_OCSP_RESPONSE).unwrap_or(u64::MAX) + 1)
        .read_to_end(&mut raw)
        .await?;
    let bad = |m: &str| std::io::Error::other(m.to_owned());
    if raw.len() > MAX_OCSP_RESPONSE {
        return Err(bad("the answer is too large"));
    }
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of the HTTP head"))?;
    let head = std::str::from_utf8(raw.get(..split).unwrap_or_default())
        .map_err(|_| bad("the HTTP head is not text"))?;
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap_or("");
    if !(status.starts_with("HTTP/1.1 200 ") || status.starts_with("HTTP/1.0 200 ")) {
        return Err(bad(&format!("answered {status:?}")));
    }
    let mut length = None;
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("transfer-encoding") {
                return Err(bad("a chunked answer"));
            }
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse::<usize>().ok();
            }
        }
    }
    let body = raw.get(split + 4..).unwrap_or_default();
    match length {
        Some(n) if n <= body.len() => Ok(body.get(..n).unwrap_or_default().to_vec()),
        Some(_) => Err(bad("the answer is shorter than its Content-Length")),
        None => Ok(body.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn client(allowed: &[&str]) -> OcspClient {
        let mut c = OcspConfig::new(Vec::new());
        c.allowed = allowed.iter().map(|s| (*s).to_owned()).collect();
        OcspClient::new(c)
    }

    #[test]
    fn only_allowed_plain_http_responders_are_contacted() {
        let c = client(&["aia.example.test:80", "127.0.0.1:8080"]);
        assert_eq!(
            c.allowed_url("http://AIA.example.test/esteid").unwrap(),
            ("AIA.example.test".to_owned(), 80, "/esteid".to_owned())
        );
        assert!(c.allowed_url("http://127.0.0.1:8080").is_ok());
        for refused in [
            "https://aia.example.test/",
            "http://aia.example.test:81/",
            "http://user@aia.example.test/",
            "http://other.example.test/",
            "http://127.0.0.1:8080/a b",
            "ftp://127.0.0.1:8080/",
            "http://:80/",
        ] {
            assert_eq!(
                c.allowed_url(refused).unwrap_err().code,
                "ocsp.url.refused",
                "{refused}"
            );
        }
    }

    #[test]
    fn the_responder_is_read_from_the_authority_information_access() {
        // The production ESTEID2018 CA names its issuer's responder.
        let pem = idbridge::anchors::ESTONIA.first().map(|a| a.pem).unwrap();
        let b64: String = pem
            .lines()
            .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
            .skip(1)
            .take_while(|l| !l.starts_with("-----END"))
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let cert = x509_cert::Certificate::from_der(&der).unwrap();
        let url = aia_ocsp_url(&cert).expect("an OCSP responder");
        assert!(url.starts_with("http://"), "{url}");
    }

    #[tokio::test]
    async fn a_token_without_a_certificate_or_issuer_is_refused_before_any_fetch() {
        let c = client(&["127.0.0.1:1"]);
        let e = c.response_for(b"{}", 0).await.unwrap_err();
        assert_eq!(e.code, "ocsp.certificate.invalid");
        let token = br#"{"unverifiedCertificate":"AAAA"}"#;
        assert_eq!(
            c.response_for(token, 0).await.unwrap_err().code,
            "ocsp.certificate.invalid"
        );
        assert_eq!(c.fetches(), 0);
        // A real token: no configured issuer, then no responder (the test
        // PKI's certificates carry no AIA and none is configured).
        let token = idbridge_vectorgen::TestCard::main().token("https://rp.test", "n");
        assert_eq!(
            c.response_for(&token, 0).await.unwrap_err().code,
            "ocsp.issuer.unknown"
        );
        let mut config = OcspConfig::new(vec![idbridge_vectorgen::ANCHOR_DER.to_vec()]);
        config.allowed = vec!["127.0.0.1:1".to_owned()];
        let c = OcspClient::new(config);
        assert_eq!(
            c.response_for(&token, 0).await.unwrap_err().code,
            "ocsp.responder.none"
        );
        assert_eq!(c.fetches(), 0);
    }
}
