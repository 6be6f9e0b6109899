//! The fetcher against servers on 127.0.0.1 that misbehave on purpose:
//! every refusal has its code, every bound holds, TLS is checked, and the
//! sans-IO resolver is driven to a verified chain over a local federation.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use idbridge::crypto::{RustCryptoSigner, Signer};
use idbridge::jose::{self, Jwk, JwkSet};
use idbridge::oidc::federation::{ChainOptions, FederationTrust, Resolver};
use idbridge::UnixTime;
use idbridge_fetch::{roots_from_pem, FetchErrorCode as Code, FetchPolicy, Fetcher, RootCertStore};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What a test server answers: the raw bytes to write for a request head.
type Handler = Arc<dyn Fn(&str) -> Reply + Send + Sync>;

enum Reply {
    /// Write these bytes and close.
    Bytes(Vec<u8>),
    /// Write these bytes, then keep the connection open without writing.
    Stall(Vec<u8>),
}

fn http(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    Reply::Bytes(bytes)
}

fn jose_doc(body: &str) -> Reply {
    http(
        "200 OK",
        &[(
            "Content-Type",
            "application/entity-statement+jwt; charset=utf-8",
        )],
        body.as_bytes(),
    )
}

/// Requests the server saw (their heads), in order.
type Seen = Arc<Mutex<Vec<String>>>;

async fn read_head<S: tokio::io::AsyncRead + Unpin>(s: &mut S) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") && buf.len() < 65536 {
        match s.read(&mut byte).await {
            Ok(1) => buf.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    // Read a form body too, so the client's write completes.
    if let Some(len) = head.lines().find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("content-length: ")
            .map(str::to_owned)
    }) {
        let mut body = vec![0u8; len.trim().parse().unwrap_or(0)];
        let _ = s.read_exact(&mut body).await;
        return format!("{head}{}", String::from_utf8_lossy(&body));
    }
    head
}

async fn answer<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut s: S,
    handler: Handler,
    seen: Seen,
) {
    let head = read_head(&mut s).await;
    seen.lock().unwrap().push(head.clone());
    match handler(&head) {
        Reply::Bytes(b) => {
            let _ = s.write_all(&b).await;
            let _ = s.shutdown().await;
        }
        Reply::Stall(b) => {
            let _ = s.write_all(&b).await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    }
}

/// A plain-HTTP server on 127.0.0.1: its port and what it saw.
async fn serve(listener: TcpListener, handler: Handler) -> Seen {
    let seen: Seen = Arc::default();
    let s2 = seen.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            tokio::spawn(answer(sock, handler.clone(), s2.clone()));
        }
    });
    seen
}

async fn server(handler: impl Fn(&str) -> Reply + Send + Sync + 'static) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    (base, serve(listener, Arc::new(handler)).await)
}

fn local() -> Fetcher {
    Fetcher::new(
        RootCertStore::empty(),
        FetchPolicy::default()
            .loopback(true)
            .timeout(Duration::from_secs(5)),
    )
}

fn path_of(head: &str) -> String {
    head.split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_federation_document_comes_back_with_its_type_and_status() {
    let (base, seen) = server(|_| jose_doc("a.b.c")).await;
    let body = local()
        .document(&format!("{base}/.well-known/openid-federation"))
        .await
        .unwrap();
    assert_eq!(body, b"a.b.c");
    let head = seen.lock().unwrap()[0].clone();
    assert!(
        head.starts_with("GET /.well-known/openid-federation HTTP/1.1\r\n"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("accept: application/entity-statement+jwt, application/jose"),
        "{head}"
    );
    // application/jose (the reference implementation's type) passes too.
    let (base, _) =
        server(|_| http("200 OK", &[("Content-Type", "Application/JOSE")], b"x.y.z")).await;
    assert_eq!(local().document(&base).await.unwrap(), b"x.y.z");
}

#[tokio::test]
async fn wrong_status_or_content_type_is_refused() {
    let (base, _) = server(|_| {
        http(
            "404 Not Found",
            &[("Content-Type", "application/jose")],
            b"no",
        )
    })
    .await;
    assert_eq!(
        local().document(&base).await.unwrap_err().code(),
        Code::StatusUnexpected
    );
    for ct in [
        "text/html",
        "application/json",
        "application/entity-statement+jwtx",
        "",
    ] {
        let ct = ct.to_owned();
        let (base, _) = server(move |_| {
            if ct.is_empty() {
                http("200 OK", &[], b"a.b.c")
            } else {
                http("200 OK", &[("Content-Type", ct.as_str())], b"a.b.c")
            }
        })
        .await;
        assert_eq!(
            local().document(&base).await.unwrap_err().code(),
            Code::ContentTypeUnexpected
        );
    }
    // The accepted list is the caller's.
    let (base, _) = server(|_| http("200 OK", &[("Content-Type", "application/jose")], b"a")).await;
    let strict = Fetcher::new(
        RootCertStore::empty(),
        FetchPolicy::default()
            .loopback(true)
            .federation_content_types(["application/entity-statement+jwt"]),
    );
    assert_eq!(
        strict.document(&base).await.unwrap_err().code(),
        Code::ContentTypeUnexpected
    );
}

#[tokio::test]
async fn the_default_policy_reaches_only_public_https_hosts() {
    let (base, seen) = server(|_| jose_doc("a.b.c")).await;
    let port = base.rsplit(':').next().unwrap().to_owned();
    let strict = Fetcher::new(RootCertStore::empty(), FetchPolicy::default());
    for (url, code) in [
        (base.clone(), Code::SchemeRefused),
        (format!("https://127.0.0.1:{port}/"), Code::AddressRefused),
        (format!("https://localhost:{port}/"), Code::AddressRefused),
        (format!("https://[::1]:{port}/"), Code::AddressRefused),
        ("http://example.com/".to_owned(), Code::SchemeRefused),
        ("https://10.0.0.1/".to_owned(), Code::AddressRefused),
        (
            "https://169.254.169.254/latest/meta-data".to_owned(),
            Code::AddressRefused,
        ),
        (
            "https://[::ffff:127.0.0.1]/".to_owned(),
            Code::AddressRefused,
        ),
        ("https://0.0.0.0/".to_owned(), Code::AddressRefused),
        ("https://127.1/".to_owned(), Code::UrlInvalid),
        ("https://user@example.com/".to_owned(), Code::UrlInvalid),
        ("file:///etc/passwd".to_owned(), Code::UrlInvalid),
    ] {
        assert_eq!(
            strict.get(&url, None).await.unwrap_err().code(),
            code,
            "{url}"
        );
    }
    // Loopback permission covers loopback only: plain http elsewhere stays refused.
    assert_eq!(
        local()
            .get("http://example.com/", None)
            .await
            .unwrap_err()
            .code(),
        Code::SchemeRefused
    );
    assert_eq!(
        local()
            .get("http://10.0.0.1/", None)
            .await
            .unwrap_err()
            .code(),
        Code::SchemeRefused
    );
    // Private networks permit HTTPS to private addresses, never loopback.
    let intranet = Fetcher::new(
        RootCertStore::empty(),
        FetchPolicy::default().private_networks(true),
    );
    assert_eq!(
        intranet
            .get(&format!("https://127.0.0.1:{port}/"), None)
            .await
            .unwrap_err()
            .code(),
        Code::AddressRefused
    );
    assert!(
        seen.lock().unwrap().is_empty(),
        "a refused URL reached the server"
    );
}

#[tokio::test]
async fn bodies_are_capped_by_length_and_while_reading() {
    let big = vec![b'a'; 2000];
    let (base, _) =
        server(move |_| http("200 OK", &[("Content-Type", "application/jose")], &big)).await;
    let small = Fetcher::new(
        RootCertStore::empty(),
        FetchPolicy::default().loopback(true).max_body(1000),
    );
    assert_eq!(
        small.document(&base).await.unwrap_err().code(),
        Code::BodyTooLarge
    );
    // No Content-Length: chunked, 4 chunks of 500 bytes.
    let (base, _) = server(|_| {
        let mut out = b"HTTP/1.1 200 OK\r\nContent-Type: application/jose\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for _ in 0..4 {
            out.extend_from_slice(b"1f4\r\n");
            out.extend_from_slice(&[b'b'; 500]);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
        Reply::Bytes(out)
    })
    .await;
    assert_eq!(
        small.document(&base).await.unwrap_err().code(),
        Code::BodyTooLarge
    );
    assert_eq!(local().document(&base).await.unwrap().len(), 2000);
    // A lying Content-Length is a protocol error, never a partial body.
    let (base, _) = server(|_| {
        Reply::Bytes(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/jose\r\nContent-Length: 10\r\n\r\nabc"
                .to_vec(),
        )
    })
    .await;
    assert_eq!(
        local().document(&base).await.unwrap_err().code(),
        Code::ProtocolInvalid
    );
    // Headers over the buffer bound.
    let (base, _) = server(|_| {
        let mut out = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..2000 {
            out.extend_from_slice(format!("X-Pad-{i}: {}\r\n", "p".repeat(60)).as_bytes());
        }
        out.extend_from_slice(b"Content-Length: 0\r\n\r\n");
        Reply::Bytes(out)
    })
    .await;
    assert_eq!(
        local().get(&base, None).await.unwrap_err().code(),
        Code::ProtocolInvalid
    );
}

#[tokio::test]
async fn a_stalled_peer_ends_at_the_deadline() {
    let quick = Fetcher::new(
        RootCertStore::empty(),
        FetchPolicy::default()
            .loopback(true)
            .timeout(Duration::from_millis(300)),
    );
    // Headers sent, body never finished.
    let (base, _) = server(|_| {
        Reply::Stall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/jose\r\nContent-Length: 100\r\n\r\nabc"
                .to_vec(),
        )
    })
    .await;
    assert_eq!(
        quick.document(&base).await.unwrap_err().code(),
        Code::Timeout
    );
    // Nothing sent at all.
    let (base, _) = server(|_| Reply::Stall(Vec::new())).await;
    assert_eq!(
        quick.get(&base, None).await.unwrap_err().code(),
        Code::Timeout
    );
}

#[tokio::test]
async fn redirects_stay_on_their_origin_and_are_counted() {
    let (base, seen) = server(|head| match path_of(head).as_str() {
        "/old" => http("301 Moved", &[("Location", "/new")], b""),
        "/new" => jose_doc("moved.doc.here"),
        "/loop" => http("302 Found", &[("Location", "/loop")], b""),
        "/away" => http("302 Found", &[("Location", "https://evil.example/x")], b""),
        "/port" => http(
            "307 Temporary",
            &[("Location", "http://127.0.0.1:1/x")],
            b"",
        ),
        "/bare" => http("302 Found", &[], b""),
        _ => http("404 Not Found", &[], b""),
    })
    .await;
    assert_eq!(
        local().document(&format!("{base}/old")).await.unwrap(),
        b"moved.doc.here"
    );
    let r = local().get(&format!("{base}/old"), None).await.unwrap();
    assert_eq!(r.url, format!("{base}/new"));
    for (path, want) in [
        ("/loop", Code::RedirectTooMany),
        ("/away", Code::RedirectRefused),
        ("/port", Code::RedirectRefused),
        ("/bare", Code::RedirectRefused),
    ] {
        let e = local()
            .get(&format!("{base}{path}"), None)
            .await
            .unwrap_err();
        assert_eq!(e.code(), want, "{path}: {e}");
    }
    // 1 + 4 (3 redirects allowed, the 4th refused) requests for the loop.
    let loops = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|h| path_of(h) == "/loop")
        .count();
    assert_eq!(loops, 4);
    // No redirects at all when the policy says 0.
    let none = Fetcher::new(
        RootCertStore::empty(),
        FetchPolicy::default().loopback(true).max_redirects(0),
    );
    assert_eq!(
        none.get(&format!("{base}/old"), None)
            .await
            .unwrap_err()
            .code(),
        Code::RedirectTooMany
    );
    // A POST is never redirected: the 3xx comes back as it is.
    let r = local()
        .post_form(&format!("{base}/old"), &[("a", "b")])
        .await
        .unwrap();
    assert_eq!(r.status, 301);
}

#[tokio::test]
async fn token_and_userinfo_requests_carry_form_and_bearer() {
    let (base, seen) = server(|head| {
        if head.starts_with("POST") {
            http(
                "200 OK",
                &[("Content-Type", "application/json")],
                br#"{"ok":true}"#,
            )
        } else {
            http(
                "200 OK",
                &[("Content-Type", "application/jwt")],
                b"e.n.c.r.y",
            )
        }
    })
    .await;
    let r = local()
        .post_form(
            &format!("{base}/token"),
            &[("grant_type", "authorization_code"), ("code", "a b&c")],
        )
        .await
        .unwrap();
    assert_eq!(
        (r.status, r.media_type().as_deref()),
        (200, Some("application/json"))
    );
    let r = local()
        .get(&format!("{base}/userinfo"), Some("tok-123"))
        .await
        .unwrap();
    assert_eq!(r.body, b"e.n.c.r.y");
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen[0].contains("grant_type=authorization_code&code=a+b%26c"),
        "{}",
        seen[0]
    );
    assert!(seen[0]
        .to_ascii_lowercase()
        .contains("content-type: application/x-www-form-urlencoded"));
    assert!(
        seen[1]
            .to_ascii_lowercase()
            .contains("authorization: bearer tok-123"),
        "{}",
        seen[1]
    );
    assert!(seen[1]
        .to_ascii_lowercase()
        .contains(&format!("host: {}", base.trim_start_matches("http://"))));
    // A token that is not a header value is refused before sending.
    assert!(local()
        .get(&format!("{base}/u"), Some("a\r\nX-Evil: 1"))
        .await
        .is_err());
}

#[tokio::test]
async fn nothing_listening_is_a_connect_failure() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let e = local()
        .get(&format!("http://127.0.0.1:{port}/"), None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::ConnectFailed, "{e}");
}

// ------------------------------------------------------------------ TLS

struct Pki {
    ca_pem: String,
    leaf_der: Vec<u8>,
    leaf_key: Vec<u8>,
}

fn pki(names: &[&str]) -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    let leaf_cert = leaf.signed_by(&leaf_key, &ca_cert, &ca_key).unwrap();
    Pki {
        ca_pem: ca_cert.pem(),
        leaf_der: leaf_cert.der().to_vec(),
        leaf_key: leaf_key.serialize_der(),
    }
}

/// An HTTPS server on 127.0.0.1 presenting `pki`'s leaf; returns its port.
async fn tls_server(
    pki: &Pki,
    handler: impl Fn(&str) -> Reply + Send + Sync + 'static,
) -> (u16, Seen) {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(pki.leaf_der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.leaf_key.clone())),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen: Seen = Arc::default();
    let (s2, handler): (Seen, Handler) = (seen.clone(), Arc::new(handler));
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let (acceptor, handler, seen) = (acceptor.clone(), handler.clone(), s2.clone());
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(sock).await {
                    answer(tls, handler, seen).await;
                }
            });
        }
    });
    (port, seen)
}

fn tls_fetcher(roots: RootCertStore) -> Fetcher {
    Fetcher::new(
        roots,
        FetchPolicy::default()
            .loopback(true)
            .timeout(Duration::from_secs(5)),
    )
}

#[tokio::test]
async fn https_checks_the_chain_and_the_name() {
    let good = pki(&["localhost"]);
    let (port, seen) = tls_server(&good, |_| jose_doc("tls.doc.ok")).await;
    let roots = roots_from_pem(good.ca_pem.as_bytes()).unwrap();
    let url = format!("https://localhost:{port}/.well-known/openid-federation");
    assert_eq!(
        tls_fetcher(roots.clone()).document(&url).await.unwrap(),
        b"tls.doc.ok"
    );
    // Another CA: untrusted.
    let other = pki(&["localhost"]);
    let other_roots = roots_from_pem(other.ca_pem.as_bytes()).unwrap();
    assert_eq!(
        tls_fetcher(other_roots)
            .document(&url)
            .await
            .unwrap_err()
            .code(),
        Code::TlsFailed
    );
    // No roots at all.
    assert_eq!(
        tls_fetcher(RootCertStore::empty())
            .document(&url)
            .await
            .unwrap_err()
            .code(),
        Code::TlsFailed
    );
    // The certificate names localhost, not 127.0.0.1.
    let by_ip = format!("https://127.0.0.1:{port}/");
    assert_eq!(
        tls_fetcher(roots)
            .document(&by_ip)
            .await
            .unwrap_err()
            .code(),
        Code::TlsFailed
    );
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "only the trusted handshake got a request through"
    );
}

#[test]
fn root_bundles_must_hold_certificates() {
    assert_eq!(roots_from_pem(b"").unwrap_err().code(), Code::TlsFailed);
    assert_eq!(
        roots_from_pem(b"not pem at all").unwrap_err().code(),
        Code::TlsFailed
    );
    let two = format!(
        "{}{}",
        pki(&["a.example"]).ca_pem,
        pki(&["b.example"]).ca_pem
    );
    assert_eq!(roots_from_pem(two.as_bytes()).unwrap().len(), 2);
}

#[test]
fn every_code_is_dotted_and_distinct() {
    let mut seen = std::collections::BTreeSet::new();
    for c in idbridge_fetch::FetchErrorCode::ALL {
        assert!(
            c.as_str().starts_with("fetch.") && !c.as_str().ends_with("."),
            "{c}"
        );
        assert!(seen.insert(c.as_str()), "{c} twice");
    }
}

// ------------------------------------------------- the resolver, end to end

fn signer(name: &str) -> RustCryptoSigner {
    let pem = std::fs::read_to_string(format!(
        "{}/../test-vectors/keys/{name}.pk8.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    use base64::Engine as _;
    RustCryptoSigner::from_pkcs8_der(
        &base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .unwrap()
}

fn jwks(s: &RustCryptoSigner, kid: &str) -> JwkSet {
    JwkSet::from_keys(vec![Jwk::from_public_key(s.public_key())
        .unwrap()
        .with_kid(kid.to_owned())])
    .unwrap()
}

fn sign(s: &RustCryptoSigner, kid: &str, claims: serde_json::Value) -> String {
    jose::sign_compact(
        s,
        "ES256",
        Some(kid),
        Some("entity-statement+jwt"),
        claims.to_string().as_bytes(),
    )
    .unwrap()
}

#[tokio::test]
async fn the_resolver_is_driven_to_a_verified_chain() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let (ta_id, op_id) = (format!("{base}/ta"), format!("{base}/op"));
    let (ta, op) = (signer("p256"), signer("p256-b"));
    let ta_keys: serde_json::Value = serde_json::from_str(&jwks(&ta, "ta-1").to_json()).unwrap();
    let op_keys: serde_json::Value = serde_json::from_str(&jwks(&op, "op-1").to_json()).unwrap();
    let iat = 1_800_000_000i64;
    let exp = iat + 3600;
    let ta_ec = sign(
        &ta,
        "ta-1",
        serde_json::json!({
            "iss": ta_id, "sub": ta_id, "iat": iat, "exp": exp, "jwks": ta_keys,
            "metadata": {"federation_entity": {"federation_fetch_endpoint": format!("{ta_id}/fetch")}},
        }),
    );
    let op_ec = sign(
        &op,
        "op-1",
        serde_json::json!({
            "iss": op_id, "sub": op_id, "iat": iat, "exp": exp, "jwks": op_keys,
            "authority_hints": [format!("{base}/gone"), ta_id],
            "metadata": {"openid_provider": {"issuer": op_id}},
        }),
    );
    let ta_about_op = sign(
        &ta,
        "ta-1",
        serde_json::json!({
            "iss": ta_id, "sub": op_id, "iat": iat, "exp": exp, "jwks": op_keys,
        }),
    );
    let (ta_ec, op_ec) = (ta_ec.clone(), op_ec.clone());
    let seen = serve(
        listener,
        Arc::new(move |head: &str| match path_of(head).as_str() {
            "/ta/.well-known/openid-federation" => jose_doc(&ta_ec),
            "/op/.well-known/openid-federation" => jose_doc(&op_ec),
            p if p.starts_with("/ta/fetch?sub=") => jose_doc(&ta_about_op),
            _ => http("404 Not Found", &[], b""),
        }),
    )
    .await;
    let trust = FederationTrust::new().with_anchor(ta_id.as_str(), jwks(&ta, "ta-1"));
    let options = ChainOptions::new()
        .allow_http(true)
        .entity_type("openid_provider");
    let mut resolver = Resolver::new(&trust, &op_id, options);
    let failures = local().resolve(&mut resolver).await.unwrap();
    // The first authority hint answers 404: reported, and its branch given up.
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(
        failures[0].url,
        format!("{base}/gone/.well-known/openid-federation")
    );
    assert_eq!(failures[0].error.code(), Code::StatusUnexpected);
    let chain = resolver
        .finish(
            idbridge::crypto::default_backend(),
            &trust,
            UnixTime::from_unix_seconds(iat + 10),
        )
        .unwrap();
    assert_eq!(chain.subject(), op_id);
    assert_eq!(seen.lock().unwrap().len(), 4);
}

#[tokio::test]
async fn a_resolver_whose_documents_cannot_be_fetched_fails_closed() {
    let (base, _) = server(|_| http("500 Oops", &[], b"")).await;
    let ta = signer("p256");
    let trust =
        FederationTrust::new().with_anchor(format!("{base}/ta").as_str(), jwks(&ta, "ta-1"));
    let mut resolver = Resolver::new(
        &trust,
        &format!("{base}/op"),
        ChainOptions::new().allow_http(true),
    );
    let failures = local().resolve(&mut resolver).await.unwrap();
    assert_eq!(failures.len(), 1);
    let e = resolver
        .finish(
            idbridge::crypto::default_backend(),
            &trust,
            UnixTime::from_unix_seconds(1_800_000_000),
        )
        .unwrap_err();
    assert!(e.code().starts_with("oidcfed."), "{e}");
}
