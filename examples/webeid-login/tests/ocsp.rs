//! OCSP in the Web eID login (issue 21, item 7) against `openssl ocsp`
//! started here as a child on a loopback port, answering from an index
//! with the test card's certificate good, revoked, or not there (down):
//! the login succeeds, is refused with the verifier's code, or fails
//! closed with 503 `ocsp.unavailable`; a good answer is cached until its
//! `nextUpdate` (one fetch for two logins). Skipped when `openssl` is not
//! installed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idbridge::Trust;
use idbridge_example_webeid_login::ocsp::{OcspClient, OcspConfig};
use idbridge_example_webeid_login::App;
use idbridge_store::session::Sessions;
use idbridge_store::webeid::Challenges;
use idbridge_store::{ManualClock, MemoryStore, UnixMillis};
use idbridge_vectorgen::{TestCard, ANCHOR_DER, MAIN_CERT_DER};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ORIGIN: &str = "https://rp.idbridge.test";
const PKI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-vectors");
/// The test card's certificate serial (test-vectors/webeid/pki/auth-p384.cer).
const SERIAL: &str = "752640466546BD9C37B34CAF57014560";

/// An `openssl ocsp` responder, killed on drop.
struct Responder {
    child: Child,
    port: u16,
    _dir: TempDir,
}

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn openssl() -> bool {
    Command::new("openssl")
        .arg("version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A responder whose index lists the test card with `status` (`V` good,
/// `R` revoked), signed by the delegated test responder (EKU
/// OCSPSigning, issued by ESTEID2026), `nextUpdate` 5 minutes on.
async fn responder(status: char, name: &str) -> Responder {
    let dir = std::env::temp_dir().join(format!("idbridge-ocsp-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dir = TempDir(dir);
    let d = &dir.0;
    let revoked = if status == 'R' { "261201000000Z" } else { "" };
    std::fs::write(
        d.join("index.txt"),
        format!("{status}\t311231235959Z\t{revoked}\t{SERIAL}\tunknown\t/CN=test card\n"),
    )
    .unwrap();
    std::fs::write(d.join("index.txt.attr"), "unique_subject = no\n").unwrap();
    let ok = Command::new("openssl")
        .args(["x509", "-inform", "der", "-in"])
        .arg(Path::new(PKI).join("webeid/pki/ocsp-responder.cer"))
        .arg("-out")
        .arg(d.join("responder.pem"))
        .status()
        .unwrap();
    assert!(ok.success());
    let port = free_port();
    let child = Command::new("openssl")
        .arg("ocsp")
        .arg("-index")
        .arg(d.join("index.txt"))
        .args(["-port", &port.to_string(), "-nmin", "5"])
        .arg("-rsigner")
        .arg(d.join("responder.pem"))
        .arg("-rkey")
        .arg(Path::new(PKI).join("keys/rsa2048-b.pk8.pem"))
        .arg("-CA")
        .arg(Path::new(PKI).join("webeid/pki/esteid2026.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let r = Responder {
        child,
        port,
        _dir: dir,
    };
    for _ in 0..100 {
        // Probe with a whole OCSP request: the responder serves one
        // connection at a time (it would wait on an empty one) and stops
        // on a malformed one.
        if let Ok(mut s) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
            let body = idbridge::ocsp::build_request(MAIN_CERT_DER, ANCHOR_DER, None).unwrap();
            let mut req = format!(
                "POST / HTTP/1.0\r\nContent-Type: application/ocsp-request\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            req.extend_from_slice(&body);
            let _ = s.write_all(&req).await;
            let mut sink = Vec::new();
            let _ = s.read_to_end(&mut sink).await;
            return r;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("openssl ocsp did not start on {port}");
}

fn wall() -> UnixMillis {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    UnixMillis(d.as_millis() as i64)
}

async fn start(port: u16, allow: &str) -> (SocketAddr, Arc<App<MemoryStore, ManualClock>>) {
    let store = MemoryStore::with_capacity(1_000);
    let clock = ManualClock::new(wall());
    let trust = Trust::builder()
        .webeid_anchor(ANCHOR_DER)
        .unwrap()
        .build()
        .unwrap();
    let mut app = App::new(
        ORIGIN.to_owned(),
        trust,
        Challenges::with_clock(store.clone(), clock.clone()),
        Sessions::with_clock(store, clock),
    );
    let mut config = OcspConfig::new(vec![ANCHOR_DER.to_vec()]);
    config.allowed = vec![allow.to_owned()];
    config.responder = Some(format!("http://127.0.0.1:{port}/"));
    app.ocsp = Some(OcspClient::new(config));
    let app = Arc::new(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = App::router_shared(app.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (addr, app)
}

async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: &[u8],
) -> (u16, Vec<(String, String)>, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: rp.idbridge.test\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(c) = cookie {
        req.push_str(&format!("Cookie: {c}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    s.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

/// Challenge, then login with the test card: status and error code.
async fn login(addr: SocketAddr) -> (u16, String) {
    let (status, headers, body) = http(addr, "GET", "/challenge", None, b"").await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let nonce = v["nonce"].as_str().unwrap().to_owned();
    let cookie = headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("webeid_nonce="))
        .map(|(_, v)| v.split(';').next().unwrap().to_owned())
        .unwrap();
    let token = TestCard::main().token(ORIGIN, &nonce);
    let (status, _, body) = http(addr, "POST", "/login", Some(&cookie), &token).await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    (status, v["error"].as_str().unwrap_or("").to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn good_revoked_and_down() {
    if !openssl() {
        eprintln!("SKIPPED: openssl is not installed");
        return;
    }
    // Good: the login succeeds; a second one uses the cached answer.
    let good = responder('V', "good").await;
    let (addr, app) = start(good.port, &format!("127.0.0.1:{}", good.port)).await;
    assert_eq!(login(addr).await, (200, String::new()));
    assert_eq!(login(addr).await, (200, String::new()));
    assert_eq!(app.ocsp.as_ref().unwrap().fetches(), 1);

    // Revoked: refused with the verifier's code, never cached.
    let revoked = responder('R', "revoked").await;
    let (addr, app) = start(revoked.port, &format!("127.0.0.1:{}", revoked.port)).await;
    let (status, code) = login(addr).await;
    assert_eq!(status, 401);
    assert!(code.contains("revoked"), "{code}");
    let (status, _) = login(addr).await;
    assert_eq!(status, 401);
    assert_eq!(app.ocsp.as_ref().unwrap().fetches(), 2);

    // Down: the responder is gone; the login fails closed.
    let port = revoked.port;
    drop(revoked);
    let (addr, _) = start(port, &format!("127.0.0.1:{port}")).await;
    assert_eq!(login(addr).await, (503, "ocsp.unavailable".to_owned()));

    // Not allowed: never contacted.
    let (addr, app) = start(good.port, "127.0.0.1:1").await;
    assert_eq!(login(addr).await, (401, "ocsp.url.refused".to_owned()));
    assert_eq!(app.ocsp.as_ref().unwrap().fetches(), 0);
}
