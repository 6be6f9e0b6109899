//! A deliberately small HTTP/1.1 client (hyper, no TLS, no OpenSSL) for the
//! federation fetches, the token request and the UserInfo request.
//!
//! It talks to `http://127.0.0.1[:port]` only: this example runs beside a
//! local Trust Anchor and OpenID Provider. Any other URL is refused before a
//! socket is opened, so a statement that names a foreign fetch endpoint or
//! an OP whose metadata points elsewhere cannot make the RP reach out. A
//! service on the real federation swaps this module for an HTTPS client
//! (the library itself never fetches: see `idbridge::oidc::federation`).
//!
//! Every response body is bounded ([`Http::max_body`]) and every exchange
//! has a deadline ([`Http::timeout`]).

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use std::time::Duration;

/// Why an exchange failed.
#[derive(Debug)]
pub struct HttpError(pub String);

impl core::fmt::Display for HttpError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

fn fail(what: impl Into<String>) -> HttpError {
    HttpError(what.into())
}

/// A response: status, `Content-Type` and the (bounded) body.
#[derive(Debug)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// The client's settings.
#[derive(Clone, Debug)]
pub struct Http {
    /// The deadline of one exchange (connect, send, read the whole body).
    pub timeout: Duration,
    /// The largest body accepted.
    pub max_body: usize,
}

impl Default for Http {
    fn default() -> Self {
        Http {
            timeout: Duration::from_secs(30),
            max_body: 1024 * 1024,
        }
    }
}

/// A loopback `http://` URL split into what a request needs.
#[derive(Debug, PartialEq, Eq)]
pub struct LoopbackUrl {
    /// `127.0.0.1:port`.
    pub authority: String,
    /// The path and query, starting with `/`.
    pub path_and_query: String,
}

/// Accepts `http://127.0.0.1[:port][/path][?query]` and nothing else (no
/// user info, no fragment, no other host spelling).
pub fn loopback(url: &str) -> Result<LoopbackUrl, HttpError> {
    let rest = url
        .strip_prefix("http://127.0.0.1")
        .ok_or_else(|| fail(format!("not an http://127.0.0.1 URL: {url:.200}")))?;
    let (port, path) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match port.strip_prefix(':') {
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
            let n: u32 = p.parse().map_err(|_| fail("bad port"))?;
            if n == 0 || n > 65535 {
                return Err(fail("bad port"));
            }
            format!("127.0.0.1:{n}")
        }
        None if port.is_empty() => "127.0.0.1:80".to_owned(),
        _ => return Err(fail(format!("bad authority in {url:.200}"))),
    };
    if path.contains('#') || path.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(fail("fragment or control characters in the URL"));
    }
    let path_and_query = if path.starts_with('?') {
        format!("/{path}")
    } else if path.is_empty() {
        "/".to_owned()
    } else {
        path.to_owned()
    };
    Ok(LoopbackUrl {
        authority,
        path_and_query,
    })
}

/// `url` with `params` appended as a query (form-urlencoded).
pub fn with_query(url: &str, params: &[(&str, &str)]) -> Result<String, HttpError> {
    let q = serde_urlencoded::to_string(params).map_err(|e| fail(e.to_string()))?;
    let sep = if url.contains('?') { '&' } else { '?' };
    Ok(format!("{url}{sep}{q}"))
}

impl Http {
    /// `GET url`, with `Authorization: Bearer` when `bearer` is given.
    pub async fn get(&self, url: &str, bearer: Option<&str>) -> Result<HttpResponse, HttpError> {
        self.exchange(Method::GET, url, bearer, None).await
    }

    /// `POST url` with a form body (`application/x-www-form-urlencoded`).
    pub async fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
    ) -> Result<HttpResponse, HttpError> {
        let body = serde_urlencoded::to_string(form).map_err(|e| fail(e.to_string()))?;
        self.post_form_body(url, body).await
    }

    /// `POST url` with an encoded form body.
    pub async fn post_form_body(&self, url: &str, body: String) -> Result<HttpResponse, HttpError> {
        self.exchange(Method::POST, url, None, Some(body)).await
    }

    async fn exchange(
        &self,
        method: Method,
        url: &str,
        bearer: Option<&str>,
        form: Option<String>,
    ) -> Result<HttpResponse, HttpError> {
        let target = loopback(url)?;
        match tokio::time::timeout(self.timeout, self.send(method, &target, bearer, form)).await {
            Ok(r) => r,
            Err(_) => Err(fail(format!("no answer within {:?}", self.timeout))),
        }
    }

    async fn send(
        &self,
        method: Method,
        target: &LoopbackUrl,
        bearer: Option<&str>,
        form: Option<String>,
    ) -> Result<HttpResponse, HttpError> {
        let stream = tokio::net::TcpStream::connect(&target.authority)
            .await
            .map_err(|e| fail(format!("connect {}: {e}", target.authority)))?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| fail(format!("handshake: {e}")))?;
        let driver = tokio::spawn(conn);
        let mut req = Request::builder()
            .method(method)
            .uri(target.path_and_query.as_str())
            .header(HOST, target.authority.as_str())
            .header(ACCEPT, "*/*");
        if let Some(token) = bearer {
            let v = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| fail("the access token is not a header value"))?;
            req = req.header(AUTHORIZATION, v);
        }
        let body = match form {
            Some(f) => {
                req = req.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
                Full::new(Bytes::from(f))
            }
            None => Full::new(Bytes::new()),
        };
        let req = req.body(body).map_err(|e| fail(e.to_string()))?;
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| fail(format!("request: {e}")))?;
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = Limited::new(resp.into_body(), self.max_body)
            .collect()
            .await
            .map_err(|e| fail(format!("body (limit {} bytes): {e}", self.max_body)))?
            .to_bytes()
            .to_vec();
        driver.abort();
        Ok(HttpResponse {
            status,
            content_type,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_urls_pass() {
        let u = loopback("http://127.0.0.1:8002/oidc/op/token").unwrap();
        assert_eq!(u.authority, "127.0.0.1:8002");
        assert_eq!(u.path_and_query, "/oidc/op/token");
        let u = loopback("http://127.0.0.1:8000?sub=x").unwrap();
        assert_eq!(u.path_and_query, "/?sub=x");
        assert_eq!(
            loopback("http://127.0.0.1").unwrap().authority,
            "127.0.0.1:80"
        );
        for bad in [
            "https://127.0.0.1:8000/",
            "http://127.0.0.1.evil.example/",
            "http://127.0.0.10/",
            "http://127.0.0.1@evil.example/",
            "http://localhost:8000/",
            "http://127.0.0.1:0/",
            "http://127.0.0.1:99999/",
            "http://127.0.0.1:80a/",
            "http://127.0.0.1:8000/a#frag",
            "http://127.0.0.1:8000/a b",
            "http://evil.example/http://127.0.0.1/",
        ] {
            assert!(loopback(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn queries_are_encoded_and_appended() {
        assert_eq!(
            with_query("http://127.0.0.1:1/fetch", &[("sub", "http://a/b?c=d&e")]).unwrap(),
            "http://127.0.0.1:1/fetch?sub=http%3A%2F%2Fa%2Fb%3Fc%3Dd%26e"
        );
        assert_eq!(
            with_query("http://127.0.0.1:1/x?a=1", &[("b", "2")]).unwrap(),
            "http://127.0.0.1:1/x?a=1&b=2"
        );
    }
}
