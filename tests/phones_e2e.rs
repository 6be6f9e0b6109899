//! Issue 19, item 5: the request-building and response-checking halves of
//! Smart-ID (RP API v3) and Mobile-ID (REST API) end to end, over HTTP,
//! against a local stand-in for SK's demo environment on 127.0.0.1.
//!
//! The relying party builds its requests with idbridge's request side
//! (`RpChallenge`, `interactions`, the device link; `AuthenticationHash`
//! and its verification code) and posts them; the stand-in checks them the
//! way SK's service documents (the `rpChallenge` length, the `interactions`
//! string, the relying party's UUID and name, the hash and its type),
//! answers `RUNNING` once, then `COMPLETE` with a response it signs itself
//! with the repository's TEST keys (its own ACSP_V2 payload and RSASSA-PSS;
//! ECDSA over the hash it received), and idbridge's verifier accepts it.
//! A response replayed into another session, and one tampered in transit,
//! are refused.
//!
//! Message shapes: SK-EID/smart-id-documentation (RP API v3: session start
//! `POST /v3/authentication/device-link/anonymous`, `GET /v3/session/{id}`)
//! and SK-EID/MID (`POST /authentication`,
//! `GET /authentication/session/{id}`), with the demo environment's
//! relying party (UUID of zeros, name `DEMO`) and scheme `smart-id-demo`.
//! No network: the certificates are the generated vectors' TEST ones
//! (`test-vectors/smart-id/`, `test-vectors/mobile-id/`).
#![cfg(all(feature = "smartid", feature = "mobileid", not(target_arch = "wasm32")))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD as B64URL};
use base64::Engine as _;
use idbridge::crypto::{Algorithm, HashAlg, RustCryptoSigner, Signer};
use idbridge::mobileid::{self, AuthenticationHash, MobileIdTrust};
use idbridge::smartid::request::{
    self, DeviceLink, DeviceLinkType, Interaction, RpChallenge, SessionType,
};
use idbridge::smartid::{self, Expected, SmartIdTrust};
use idbridge::UnixTime;
use serde_json::{json, Value};
use sha2::Digest as _;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// SK's demo environment's relying party.
const DEMO_UUID: &str = "00000000-0000-0000-0000-000000000000";
const DEMO_NAME: &str = "DEMO";
/// Inside the TEST certificates' validity (2026-01-01 to 2029-01-01).
const NOW: &str = "2027-06-01T10:00:00Z";

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{ROOT}/{rel}")).unwrap()
}

fn json_file(rel: &str) -> Value {
    serde_json::from_slice(&read(rel)).unwrap()
}

fn now() -> UnixTime {
    UnixTime::parse_rfc3339(NOW).unwrap()
}

fn pkcs8(name: &str) -> Vec<u8> {
    let pem = String::from_utf8(read(&format!("test-vectors/keys/{name}.pk8.pem"))).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    B64.decode(b64).unwrap()
}

// ---------------------------------------------------------------------------
// A minimal HTTP/1.1 exchange: one request per connection, Content-Length
// bodies, `Connection: close`. Bounded reads and socket timeouts: a broken
// side fails the test, never hangs it.

const MAX_MESSAGE: usize = 1 << 20;

struct Request {
    method: String,
    path: String,
    body: Vec<u8>,
}

fn read_message(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "the peer closed before the end of the head");
        buf.extend_from_slice(&chunk[..n]);
        assert!(buf.len() < MAX_MESSAGE);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).unwrap();
    let length: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.trim().parse().unwrap())
        .unwrap_or(0);
    assert!(length < MAX_MESSAGE);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "the peer closed before the end of the body");
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    (head, body)
}

fn timeouts(stream: &TcpStream) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
}

/// Serves `connections` requests with `handler` on 127.0.0.1, then stops.
fn serve(
    connections: usize,
    mut handler: impl FnMut(&Request) -> (u16, Value) + Send + 'static,
) -> (SocketAddr, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let thread = std::thread::spawn(move || {
        for _ in 0..connections {
            let (mut stream, _) = listener.accept().unwrap();
            timeouts(&stream);
            let (head, body) = read_message(&mut stream);
            let mut line = head.lines().next().unwrap().split(' ');
            let request = Request {
                method: line.next().unwrap().to_owned(),
                path: line.next().unwrap().to_owned(),
                body,
            };
            let (status, answer) = handler(&request);
            let answer = serde_json::to_vec(&answer).unwrap();
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                answer.len()
            );
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(&answer).unwrap();
        }
    });
    (addr, thread)
}

/// The relying party's HTTP client: (status, body as received).
fn http(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    timeouts(&stream);
    let body = body
        .map(|b| serde_json::to_vec(b).unwrap())
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body).unwrap();
    let (head, body) = read_message(&mut stream);
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body)
}

/// Polls the session-status URL until the state is no longer RUNNING
/// (at most `max` polls): the final body, as received.
fn poll(addr: SocketAddr, path: &str, max: usize) -> Vec<u8> {
    for _ in 0..max {
        let (status, body) = http(addr, "GET", path, None);
        assert_eq!(status, 200);
        let v: Value = serde_json::from_slice(&body).unwrap();
        if v["state"] != "RUNNING" {
            return body;
        }
    }
    panic!("the session stayed RUNNING");
}

fn bad_request(what: &str) -> (u16, Value) {
    (400, json!({"title": "Bad Request", "detail": what}))
}

// ---------------------------------------------------------------------------
// The Smart-ID stand-in (RP API v3, demo environment).

/// What the stand-in does with a completed session.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// Signs for this session's own request.
    Genuine,
    /// Returns the body it completed the previous session with.
    ReplayPrevious,
}

struct SmartIdService {
    signer: RustCryptoSigner,
    cert_b64: String,
    sessions: HashMap<String, (Value, usize)>,
    last_complete: Option<Value>,
    answer: Answer,
    counter: u32,
}

impl SmartIdService {
    fn new(answer: Answer) -> SmartIdService {
        // A user certificate of the generated vectors (RSA-4096,
        // ../keys/rsa4096, the 2025 authentication profile, issued by
        // test-vectors/smart-id/trust/ca.der).
        let genuine = json_file("test-vectors/smart-id/inputs/qr-sha256.json");
        SmartIdService {
            signer: RustCryptoSigner::from_pkcs8_der(&pkcs8("rsa4096")).unwrap(),
            cert_b64: genuine["cert"]["value"].as_str().unwrap().to_owned(),
            sessions: HashMap::new(),
            last_complete: None,
            answer,
            counter: 0,
        }
    }

    fn handle(&mut self, r: &Request) -> (u16, Value) {
        const START: &str = "/smart-id-rp/v3/authentication/device-link/anonymous";
        const STATUS: &str = "/smart-id-rp/v3/session/";
        if r.method == "POST" && r.path == START {
            let Ok(req) = serde_json::from_slice::<Value>(&r.body) else {
                return bad_request("not JSON");
            };
            if let Err(what) = check_smartid_request(&req) {
                return bad_request(what);
            }
            self.counter += 1;
            let id = format!("de305d54-75b4-431b-adb2-eb6b9e54{:04}", self.counter);
            self.sessions.insert(id.clone(), (req, 0));
            return (
                200,
                json!({
                    "sessionID": id,
                    "sessionToken": format!("wGOG6UrBDAp0IPa1Nt0t{:04}", self.counter),
                    "sessionSecret": B64.encode([self.counter as u8; 24]),
                    "deviceLinkBase": "https://sid.demo.sk.ee/device-link/",
                }),
            );
        }
        let Some(rest) = r.path.strip_prefix(STATUS).filter(|_| r.method == "GET") else {
            return (404, json!({"title": "Not Found"}));
        };
        let id = rest.split('?').next().unwrap();
        let Some((req, polls)) = self.sessions.get_mut(id) else {
            return (
                404,
                json!({"title": "Not Found", "detail": "no such session"}),
            );
        };
        *polls += 1;
        if *polls == 1 {
            return (200, json!({"state": "RUNNING"}));
        }
        let req = req.clone();
        let body = match (self.answer, &self.last_complete) {
            (Answer::ReplayPrevious, Some(previous)) => previous.clone(),
            _ => self.complete(&req, id),
        };
        self.last_complete = Some(body.clone());
        (200, body)
    }

    /// A COMPLETE answer for `req`: the ACSP_V2 payload assembled here from
    /// the request's values (RP API v3, "ACSP_V2 signature protocol"),
    /// signed RSASSA-PSS SHA-512 / MGF1 SHA-512 / salt 64.
    fn complete(&self, req: &Value, id: &str) -> Value {
        let s = |v: &Value| v.as_str().unwrap().to_owned();
        let server_random = B64URL.encode(sha2::Sha256::digest(format!("serverRandom {id}")));
        let user_challenge = B64URL.encode(sha2::Sha256::digest(format!("userChallenge {id}")));
        let interactions_hash =
            B64.encode(sha2::Sha256::digest(s(&req["interactions"]).as_bytes()));
        let payload = [
            "smart-id-demo".to_owned(),
            "ACSP_V2".to_owned(),
            server_random.clone(),
            s(&req["signatureProtocolParameters"]["rpChallenge"]),
            user_challenge.clone(),
            B64.encode(s(&req["relyingPartyName"])),
            String::new(), // no brokered RP
            interactions_hash,
            "displayTextAndPIN".to_owned(),
            String::new(), // QR: no initialCallbackUrl
            "QR".to_owned(),
        ]
        .join("|");
        let signature = self
            .signer
            .sign(Algorithm::RsaPss(HashAlg::Sha512), payload.as_bytes())
            .unwrap();
        json!({
            "state": "COMPLETE",
            "result": {"endResult": "OK", "documentNumber": "PNOEE-40504040001-MOCK-Q"},
            "signatureProtocol": "ACSP_V2",
            "signature": {
                "value": B64.encode(signature),
                "serverRandom": server_random,
                "userChallenge": user_challenge,
                "flowType": "QR",
                "signatureAlgorithm": "rsassa-pss",
                "signatureAlgorithmParameters": {
                    "hashAlgorithm": "SHA-512",
                    "maskGenAlgorithm": {
                        "algorithm": "id-mgf1",
                        "parameters": {"hashAlgorithm": "SHA-512"}
                    },
                    "saltLength": 64,
                    "trailerField": "0xbc"
                }
            },
            "cert": {"value": self.cert_b64, "certificateLevel": "QUALIFIED"},
            "interactionTypeUsed": "displayTextAndPIN",
            "deviceIpAddress": "0.0.0.0"
        })
    }
}

/// The session-start request as SK's service validates it.
fn check_smartid_request(req: &Value) -> Result<(), &'static str> {
    if req["relyingPartyUUID"] != DEMO_UUID || req["relyingPartyName"] != DEMO_NAME {
        return Err("unknown relying party");
    }
    if req["certificateLevel"] != "QUALIFIED" {
        return Err("certificateLevel");
    }
    if req["signatureProtocol"] != "ACSP_V2" {
        return Err("signatureProtocol");
    }
    let p = &req["signatureProtocolParameters"];
    let challenge = p["rpChallenge"]
        .as_str()
        .and_then(|c| B64.decode(c).ok())
        .ok_or("rpChallenge is not base64")?;
    if !(32..=64).contains(&challenge.len()) {
        return Err("rpChallenge is 32 to 64 bytes");
    }
    if p["signatureAlgorithm"] != "rsassa-pss"
        || p["signatureAlgorithmParameters"]["hashAlgorithm"] != "SHA-512"
    {
        return Err("signatureAlgorithm");
    }
    let interactions: Value = req["interactions"]
        .as_str()
        .and_then(|i| B64.decode(i).ok())
        .and_then(|i| serde_json::from_slice(&i).ok())
        .ok_or("interactions is not base64 of JSON")?;
    let list = interactions.as_array().ok_or("interactions is a list")?;
    // Only what a QR flow may show; displayText60 at most 60 characters.
    let ok = !list.is_empty()
        && list.iter().all(|i| {
            i["type"] == "displayTextAndPIN"
                && i["displayText60"]
                    .as_str()
                    .is_some_and(|t| !t.is_empty() && t.chars().count() <= 60)
        });
    if !ok {
        return Err("interactions");
    }
    Ok(())
}

/// The relying party's side of one Smart-ID QR login: builds the request,
/// starts the session, builds the device link, polls, verifies.
fn smartid_login(
    addr: SocketAddr,
) -> (
    Expected,
    idbridge::Result<smartid::VerifiedSession>,
    Vec<u8>,
) {
    let challenge = RpChallenge::generate().unwrap();
    let interactions =
        request::interactions(&[Interaction::DisplayTextAndPin("Log in to idbridge?".into())])
            .unwrap();
    let start = json!({
        "relyingPartyUUID": DEMO_UUID,
        "relyingPartyName": DEMO_NAME,
        "certificateLevel": "QUALIFIED",
        "signatureProtocol": "ACSP_V2",
        "signatureProtocolParameters": {
            "rpChallenge": challenge.to_base64(),
            "signatureAlgorithm": "rsassa-pss",
            "signatureAlgorithmParameters": {"hashAlgorithm": "SHA-512"}
        },
        "interactions": interactions,
    });
    let (status, body) = http(
        addr,
        "POST",
        "/smart-id-rp/v3/authentication/device-link/anonymous",
        Some(&start),
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let session: Value = serde_json::from_slice(&body).unwrap();
    let token = session["sessionToken"].as_str().unwrap();
    let challenge_b64 = challenge.to_base64();
    let link = DeviceLink {
        device_link_base: session["deviceLinkBase"].as_str().unwrap(),
        link_type: DeviceLinkType::Qr,
        session_type: SessionType::Authentication,
        session_token: token,
        elapsed_seconds: 0,
        lang: "eng",
        schema_name: "smart-id-demo",
        digest: &challenge_b64,
        relying_party_name: DEMO_NAME,
        brokered_rp_name: "",
        interactions: &interactions,
        initial_callback_url: "",
    }
    .build(session["sessionSecret"].as_str().unwrap())
    .unwrap();
    assert!(
        link.starts_with("https://sid.demo.sk.ee/device-link/?"),
        "{link}"
    );
    assert!(link.contains(&format!("sessionToken={token}")), "{link}");
    assert!(link.contains("&authCode="), "{link}");
    let id = session["sessionID"].as_str().unwrap();
    let status = poll(
        addr,
        &format!("/smart-id-rp/v3/session/{id}?timeoutMs=1000"),
        3,
    );
    let expected = Expected::authentication(&challenge_b64, DEMO_NAME, &interactions)
        .with_schema_name("smart-id-demo");
    let trust = smartid_trust();
    let verified = smartid::verify_session_status(&trust, &status, &expected, now());
    (expected, verified, status)
}

fn smartid_trust() -> SmartIdTrust {
    SmartIdTrust::new()
        .with_certificate(&read("test-vectors/smart-id/trust/ca.der"))
        .unwrap()
}

#[test]
fn smart_id_qr_login_end_to_end() {
    let service = Arc::new(Mutex::new(SmartIdService::new(Answer::Genuine)));
    let s = Arc::clone(&service);
    // Start, RUNNING, COMPLETE.
    let (addr, thread) = serve(3, move |r| s.lock().unwrap().handle(r));
    let (_, verified, _) = smartid_login(addr);
    let v = verified.unwrap();
    assert_eq!(v.identity().subject_id(), Some("PNOEE-40504040001"));
    assert_eq!(v.document_number(), "PNOEE-40504040001-MOCK-Q");
    thread.join().unwrap();
}

#[test]
fn smart_id_stand_in_refuses_a_malformed_request() {
    let service = Arc::new(Mutex::new(SmartIdService::new(Answer::Genuine)));
    let s = Arc::clone(&service);
    let (addr, thread) = serve(3, move |r| s.lock().unwrap().handle(r));
    let path = "/smart-id-rp/v3/authentication/device-link/anonymous";
    let good = |challenge: &[u8]| {
        json!({
            "relyingPartyUUID": DEMO_UUID,
            "relyingPartyName": DEMO_NAME,
            "certificateLevel": "QUALIFIED",
            "signatureProtocol": "ACSP_V2",
            "signatureProtocolParameters": {
                "rpChallenge": B64.encode(challenge),
                "signatureAlgorithm": "rsassa-pss",
                "signatureAlgorithmParameters": {"hashAlgorithm": "SHA-512"}
            },
            "interactions": request::interactions(&[Interaction::DisplayTextAndPin("Log in?".into())]).unwrap(),
        })
    };
    // The stand-in really checks: a short challenge, another RP, raw JSON
    // interactions are each refused.
    assert_eq!(http(addr, "POST", path, Some(&good(&[1; 31]))).0, 400);
    let mut other = good(&[1; 64]);
    other["relyingPartyName"] = json!("NOT DEMO");
    assert_eq!(http(addr, "POST", path, Some(&other)).0, 400);
    let mut raw = good(&[1; 64]);
    raw["interactions"] = json!([{"type": "displayTextAndPIN", "displayText60": "Log in?"}]);
    assert_eq!(http(addr, "POST", path, Some(&raw)).0, 400);
    thread.join().unwrap();
}

#[test]
fn smart_id_replayed_or_tampered_responses_are_refused() {
    // The stand-in completes the first session genuinely, then answers the
    // second session with the first one's body (a replay).
    let service = Arc::new(Mutex::new(SmartIdService::new(Answer::ReplayPrevious)));
    let s = Arc::clone(&service);
    let (addr, thread) = serve(6, move |r| s.lock().unwrap().handle(r));
    let (expected, first, genuine) = smartid_login(addr);
    first.unwrap();
    let (_, second, replayed) = smartid_login(addr);
    assert_eq!(replayed, genuine);
    assert_eq!(second.unwrap_err().code(), "smartid.signature.invalid");
    thread.join().unwrap();
    // The first session's own body, each signed value changed in transit.
    let trust = smartid_trust();
    let body: Value = serde_json::from_slice(&genuine).unwrap();
    for (path, value) in [
        (
            &["signature", "serverRandom"][..],
            json!(B64URL.encode([7u8; 32])),
        ),
        (
            &["signature", "userChallenge"][..],
            json!(B64URL.encode([7u8; 32])),
        ),
        (&["interactionTypeUsed"][..], json!("confirmationMessage")),
    ] {
        let mut t = body.clone();
        let (last, parents) = path.split_last().unwrap();
        parents.iter().fold(&mut t, |v, k| &mut v[*k])[*last] = value;
        let err = smartid::verify_session_status(
            &trust,
            &serde_json::to_vec(&t).unwrap(),
            &expected,
            now(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "smartid.signature.invalid", "{path:?}");
    }
}

// ---------------------------------------------------------------------------
// The Mobile-ID stand-in (REST API, demo environment).

struct MobileIdService {
    key: p256::ecdsa::SigningKey,
    cert_b64: String,
    sessions: HashMap<String, (Value, usize)>,
    last_complete: Option<Value>,
    answer: Answer,
    counter: u32,
    /// The verification code the phone displayed, per session.
    shown: HashMap<String, String>,
}

impl MobileIdService {
    fn new(answer: Answer) -> MobileIdService {
        use p256::pkcs8::DecodePrivateKey as _;
        // A user certificate of the generated vectors (P-256, ../keys/p256,
        // issued by test-vectors/mobile-id/trust/ca.der).
        let genuine = json_file("test-vectors/mobile-id/inputs/p256-sha256.json");
        MobileIdService {
            key: p256::ecdsa::SigningKey::from_pkcs8_der(&pkcs8("p256")).unwrap(),
            cert_b64: genuine["cert"].as_str().unwrap().to_owned(),
            sessions: HashMap::new(),
            last_complete: None,
            answer,
            counter: 0,
            shown: HashMap::new(),
        }
    }

    fn handle(&mut self, r: &Request) -> (u16, Value) {
        const START: &str = "/mid-api/authentication";
        const STATUS: &str = "/mid-api/authentication/session/";
        if r.method == "POST" && r.path == START {
            let Ok(req) = serde_json::from_slice::<Value>(&r.body) else {
                return bad_request("not JSON");
            };
            let hash = match check_mobileid_request(&req) {
                Ok(h) => h,
                Err(what) => return bad_request(what),
            };
            self.counter += 1;
            let id = format!("1dcc1600-29a6-4e95-a95c-d69b3{:07}", self.counter);
            // What the phone displays (MID API, "Verification code
            // calculation algorithm"): 6 bits of the first byte, 7 of the last.
            let (first, last) = (hash[0], hash[hash.len() - 1]);
            let code = ((u16::from(first) >> 2) << 7) | u16::from(last & 0x7f);
            self.shown.insert(id.clone(), format!("{code:04}"));
            self.sessions.insert(id.clone(), (req, 0));
            return (200, json!({"sessionID": id}));
        }
        let Some(rest) = r.path.strip_prefix(STATUS).filter(|_| r.method == "GET") else {
            return (404, json!({"error": "Not Found"}));
        };
        let id = rest.split('?').next().unwrap();
        let Some((req, polls)) = self.sessions.get_mut(id) else {
            return (404, json!({"error": "SessionID not found"}));
        };
        *polls += 1;
        if *polls == 1 {
            return (
                200,
                json!({"state": "RUNNING", "time": "2027-06-01T09:59:58", "traceId": "460ef8a6be5730da"}),
            );
        }
        let req = req.clone();
        let body = match (self.answer, &self.last_complete) {
            (Answer::ReplayPrevious, Some(previous)) => previous.clone(),
            _ => self.complete(&req),
        };
        self.last_complete = Some(body.clone());
        (200, body)
    }

    /// A COMPLETE answer: ECDSA over the hash the RP sent (the phone signs
    /// the hash itself), raw r||s.
    fn complete(&self, req: &Value) -> Value {
        use p256::ecdsa::signature::hazmat::PrehashSigner as _;
        let hash = B64.decode(req["hash"].as_str().unwrap()).unwrap();
        let sig: p256::ecdsa::Signature = self.key.sign_prehash(&hash).unwrap();
        json!({
            "state": "COMPLETE",
            "result": "OK",
            "signature": {
                "value": B64.encode(sig.to_bytes()),
                "algorithm": format!("{}WithECEncryption", req["hashType"].as_str().unwrap()),
            },
            "cert": self.cert_b64,
            "time": "2027-06-01T10:00:00",
            "traceId": "d8de38e7bb5d8f8a"
        })
    }
}

/// The authentication request as SK's service validates it: the hash
/// decoded, of its type's length.
fn check_mobileid_request(req: &Value) -> Result<Vec<u8>, &'static str> {
    if req["relyingPartyUUID"] != DEMO_UUID || req["relyingPartyName"] != DEMO_NAME {
        return Err("unknown relying party");
    }
    let phone = req["phoneNumber"].as_str().ok_or("phoneNumber")?;
    if !(phone.starts_with("+372")
        && phone.len() > 7
        && phone[1..].bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("phoneNumber");
    }
    let id = req["nationalIdentityNumber"]
        .as_str()
        .ok_or("nationalIdentityNumber")?;
    if id.len() != 11 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err("nationalIdentityNumber");
    }
    let len = match req["hashType"].as_str() {
        Some("SHA256") => 32,
        Some("SHA384") => 48,
        Some("SHA512") => 64,
        _ => return Err("hashType"),
    };
    let hash = req["hash"]
        .as_str()
        .and_then(|h| B64.decode(h).ok())
        .ok_or("hash is not base64")?;
    if hash.len() != len {
        return Err("hash length does not match hashType");
    }
    if !matches!(
        req["language"].as_str(),
        Some("EST" | "ENG" | "RUS" | "LIT")
    ) {
        return Err("language");
    }
    Ok(hash)
}

/// The relying party's side of one Mobile-ID login: generates the hash,
/// starts the session, polls, verifies. Returns what it sent, the code it
/// displayed, the session id, the outcome and the final body.
struct MidLogin {
    sent: AuthenticationHash,
    code: String,
    session: String,
    verified: idbridge::Result<mobileid::VerifiedAuthentication>,
    body: Vec<u8>,
}

fn mobileid_login(addr: SocketAddr, alg: HashAlg) -> MidLogin {
    let sent = AuthenticationHash::generate(alg).unwrap();
    let code = sent.verification_code();
    let start = json!({
        "relyingPartyUUID": DEMO_UUID,
        "relyingPartyName": DEMO_NAME,
        "phoneNumber": "+37268000769",
        "nationalIdentityNumber": "60001019906",
        "hash": sent.to_base64(),
        "hashType": sent.hash_type(),
        "language": "ENG",
        "displayText": "Log in to idbridge?",
        "displayTextFormat": "GSM-7",
    });
    let (status, body) = http(addr, "POST", "/mid-api/authentication", Some(&start));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let session = serde_json::from_slice::<Value>(&body).unwrap()["sessionID"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = poll(
        addr,
        &format!("/mid-api/authentication/session/{session}?timeoutMs=1000"),
        3,
    );
    let verified = mobileid::verify_session_status(&mobileid_trust(), &body, &sent, now());
    MidLogin {
        sent,
        code,
        session,
        verified,
        body,
    }
}

fn mobileid_trust() -> MobileIdTrust {
    MobileIdTrust::new()
        .with_certificate(&read("test-vectors/mobile-id/trust/ca.der"))
        .unwrap()
}

#[test]
fn mobile_id_login_end_to_end() {
    for alg in [HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512] {
        let service = Arc::new(Mutex::new(MobileIdService::new(Answer::Genuine)));
        let s = Arc::clone(&service);
        let (addr, thread) = serve(3, move |r| s.lock().unwrap().handle(r));
        let login = mobileid_login(addr, alg);
        thread.join().unwrap();
        let v = login.verified.unwrap();
        // The person the RP asked for, and the hash it sent.
        assert_eq!(v.identity().subject_id(), Some("PNOEE-60001019906"));
        assert_eq!(v.signed_hash().digest(), login.sent.digest());
        // The RP showed the code the phone showed.
        assert_eq!(service.lock().unwrap().shown[&login.session], login.code);
    }
}

#[test]
fn mobile_id_stand_in_refuses_a_malformed_request() {
    let service = Arc::new(Mutex::new(MobileIdService::new(Answer::Genuine)));
    let s = Arc::clone(&service);
    let (addr, thread) = serve(3, move |r| s.lock().unwrap().handle(r));
    let sent = AuthenticationHash::generate(HashAlg::Sha256).unwrap();
    let good = json!({
        "relyingPartyUUID": DEMO_UUID,
        "relyingPartyName": DEMO_NAME,
        "phoneNumber": "+37268000769",
        "nationalIdentityNumber": "60001019906",
        "hash": sent.to_base64(),
        "hashType": "SHA256",
        "language": "ENG",
        "displayText": "Log in to idbridge?",
    });
    for (key, value) in [
        ("hashType", json!("SHA512")),
        (
            "relyingPartyUUID",
            json!("11111111-1111-1111-1111-111111111111"),
        ),
        ("hash", json!(sent.to_base64().trim_end_matches('='))),
    ] {
        let mut bad = good.clone();
        bad[key] = value;
        assert_eq!(
            http(addr, "POST", "/mid-api/authentication", Some(&bad)).0,
            400,
            "{key}"
        );
    }
    thread.join().unwrap();
}

#[test]
fn mobile_id_replayed_or_tampered_responses_are_refused() {
    let service = Arc::new(Mutex::new(MobileIdService::new(Answer::ReplayPrevious)));
    let s = Arc::clone(&service);
    let (addr, thread) = serve(6, move |r| s.lock().unwrap().handle(r));
    let first = mobileid_login(addr, HashAlg::Sha256);
    first.verified.unwrap();
    // The second session gets the first one's answer: signed, by the right
    // person, under the right CA, but over another hash.
    let second = mobileid_login(addr, HashAlg::Sha256);
    assert_eq!(second.body, first.body);
    assert_eq!(
        second.verified.unwrap_err().code(),
        "mobileid.signature.invalid"
    );
    thread.join().unwrap();
    // The first session's body tampered in transit: a signature byte, or a
    // `result` the phone never sent.
    let trust = mobileid_trust();
    let body: Value = serde_json::from_slice(&first.body).unwrap();
    let mut sig = B64
        .decode(body["signature"]["value"].as_str().unwrap())
        .unwrap();
    sig[10] ^= 1;
    let mut t = body.clone();
    t["signature"]["value"] = json!(B64.encode(&sig));
    let err = mobileid::verify_session_status(
        &trust,
        &serde_json::to_vec(&t).unwrap(),
        &first.sent,
        now(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "mobileid.signature.invalid");
    let mut t = body.clone();
    t["result"] = json!("USER_CANCELLED");
    let err = mobileid::verify_session_status(
        &trust,
        &serde_json::to_vec(&t).unwrap(),
        &first.sent,
        now(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "mobileid.result.not_ok");
}
