//! Verify a Web eID token with a fresh OCSP response, the way a server does:
//! the library builds the OCSP request and checks the response; *this
//! example* does the one network round trip (plain HTTP POST, RFC 6960
//! Appendix A.1), because the library itself never does I/O.
//!
//! ```sh
//! cargo run --example webeid_ocsp -- TOKEN.json ISSUER_CA.cer http://aia.sk.ee/esteid2018 https://rp.example.org NONCE
//! ```
//!
//! In production, also send a request nonce (and check it: pass it as
//! `request_nonce`), time out the request, and cache responses for the
//! minutes the OCSP policy allows.

use idbridge::webeid::{self, Expectations, Ocsp};
use idbridge::{Trust, UnixTime};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::Duration;

/// POSTs `body` to an `http://host[:port]/path` URL and returns the response body.
fn http_post(url: &str, body: &[u8]) -> Result<Vec<u8>, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or("only http:// OCSP URLs are supported here")?;
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(a, p)| (a, format!("/{p}")));
    let addr = if authority.contains(':') {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let mut stream = TcpStream::connect(&addr).map_err(|e| format!("connect {addr}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/ocsp-request\r\n\
         Accept: application/ocsp-response\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .map_err(|e| e.to_string())?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no HTTP header end")?;
    let status = String::from_utf8_lossy(response.get(..split).unwrap_or_default());
    if !status.starts_with("HTTP/1.1 200") && !status.starts_with("HTTP/1.0 200") {
        return Err(format!(
            "OCSP server answered: {}",
            status.lines().next().unwrap_or("")
        ));
    }
    Ok(response.get(split + 4..).unwrap_or_default().to_vec())
}

fn run(args: &[String]) -> Result<String, String> {
    let [token, issuer, ocsp_url, origin, nonce] = args else {
        return Err("usage: webeid_ocsp TOKEN.json ISSUER_CA.cer OCSP_URL ORIGIN NONCE".into());
    };
    let token = std::fs::read(token).map_err(|e| e.to_string())?;
    let issuer = std::fs::read(issuer).map_err(|e| e.to_string())?;
    // The user certificate comes from the token; reading it unverified is
    // fine here because the response is checked against it during
    // verification, and nothing else is taken from it.
    let v: serde_json::Value = serde_json::from_slice(&token).map_err(|e| e.to_string())?;
    let cert_b64 = v
        .get("unverifiedCertificate")
        .and_then(|c| c.as_str())
        .ok_or("no unverifiedCertificate")?;
    use base64::Engine as _;
    let cert = base64::engine::general_purpose::STANDARD
        .decode(cert_b64)
        .map_err(|e| e.to_string())?;

    let request = idbridge::ocsp::build_request(&cert, &issuer, None).map_err(|e| e.to_string())?;
    let response = http_post(ocsp_url, &request)?;

    let trust = Trust::builder()
        .webeid_anchor(&issuer)
        .and_then(|b| b.build())
        .map_err(|e| e.to_string())?;
    let now = UnixTime::from_unix_seconds(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| e.to_string())?
            .as_secs() as i64,
    );
    let mut expectations = Expectations::new(origin, nonce);
    expectations.ocsp = Ocsp::Response {
        response: &response,
        responder: None,
        request_nonce: None,
    };
    let verified =
        webeid::verify_token(&trust, &token, &expectations, now).map_err(|e| e.to_string())?;
    serde_json::to_string_pretty(verified.identity()).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(identity) => {
            println!("{identity}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
