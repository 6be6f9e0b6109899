//! The ACS end to end over real HTTP: the committed SPID test vectors
//! (Responses signed by the test IdPs, trusted through the signed test
//! registry) posted as the IdP's page posts them: valid, replayed,
//! unsolicited. The clock is the vectors' `now`, so the store is the
//! in-memory one (Redis would expire keys by its own, real, clock; the
//! store's Redis tests cover Redis).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine as _;
use idbridge::crypto::RustCryptoSigner;
use idbridge::saml_sp::{
    Binding, Contact, LogoutRequest, LogoutResponse, OrganizationName, SpCredential, SpMetadata,
    SpProfile,
};
use idbridge::{spid, Trust, UnixTime};
use idbridge_example_spid_acs::{App, Federation, ServiceProvider, Sessions, Signing};
use idbridge_store::spid::{Assertions, Requests};
use idbridge_store::{ManualClock, MemoryStore, UnixMillis};
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-vectors/spid");
/// The test vectors' context (every group of test-vectors/spid/*.json).
const REQUEST_ID: &str = "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4";
const NOW: &str = "2026-03-01T10:00:30Z";

struct Server {
    addr: SocketAddr,
    requests: Requests<MemoryStore, ManualClock>,
}

fn file(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{VECTORS}/{rel}")).unwrap()
}

const IDP: &str = "https://idp.idbridge.test/spid";

fn signing() -> Signing {
    let pem = std::fs::read_to_string(format!("{VECTORS}/../keys/rsa2048.pk8.pem")).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let signer = RustCryptoSigner::from_pkcs8_der(&der).unwrap();
    let certificate = std::fs::read(format!("{VECTORS}/../xmldsig/certs/rsa2048.pem")).unwrap();
    let mut md = SpMetadata::new(
        SpProfile::SpidPublic,
        "https://sp.idbridge.test",
        "https://sp.idbridge.test/acs",
        "https://sp.idbridge.test/logout",
    );
    md.service_name = "test".into();
    md.attributes = vec!["spidCode".into()];
    md.organization = vec![OrganizationName {
        lang: "it".into(),
        name: "Test".into(),
        display_name: "Test".into(),
        url: "https://sp.idbridge.test/".into(),
    }];
    md.contact = Contact {
        email: "a@b.it".into(),
        ipa_code: Some("x".into()),
        ..Contact::default()
    };
    let metadata = md
        .sign(&SpCredential::new(&signer, &certificate).unwrap())
        .unwrap();
    Signing {
        signer,
        certificate,
        metadata,
    }
}

async fn start() -> Server {
    start_with("https://sp.idbridge.test/acs", Binding::HttpPost).await
}

async fn start_with(acs_url: &str, binding: Binding) -> Server {
    let trust = Trust::builder()
        .saml_registry(
            &file("metadata/registry-signed.xml"),
            &file("metadata/registry-signer.pem"),
        )
        .unwrap()
        .build()
        .unwrap();
    let clock = ManualClock::new(UnixMillis::from_unix_time(
        UnixTime::parse_rfc3339(NOW).unwrap(),
    ));
    let store = MemoryStore::with_capacity(1_000);
    let requests = Requests::with_clock(store.clone(), clock.clone());
    let app = App {
        sp: ServiceProvider {
            entity_id: "https://sp.idbridge.test".into(),
            acs_url: acs_url.into(),
            min_level: spid::Level::L2,
            federation: Federation::Spid,
            binding,
        },
        trust,
        requests: requests.clone(),
        assertions: Assertions::with_clock(store.clone(), clock.clone()),
        signing: signing(),
        sessions: Sessions::with_clock(store, clock),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app.router()).await.unwrap() });
    Server { addr, requests }
}

impl Server {
    /// The SP sent the vectors' AuthnRequest (what `GET /login` does with a
    /// random ID).
    async fn request_sent(&self) {
        let until =
            UnixMillis::from_unix_time(UnixTime::parse_rfc3339(NOW).unwrap()).plus_secs(600);
        self.requests.remember(REQUEST_ID, until).await.unwrap();
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    /// The text of the element with `id`.
    fn element(&self, id: &str) -> Option<&str> {
        let start = self.body.find(&format!("id=\"{id}\">"))? + id.len() + 6;
        let len = self.body[start..].find('<')?;
        Some(&self.body[start..start + len])
    }

    fn error(&self) -> Option<&str> {
        self.element("error")
    }
}

fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: Option<&str>,
) -> Reply {
    let body = form.unwrap_or("");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: sp.idbridge.test\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if form.is_some() {
        req.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    if let Some(c) = cookie {
        req.push_str(&format!("Cookie: {c}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(req.as_bytes()).await.unwrap();
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
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// POST /acs with the base64 of a committed Response, as the IdP's page does.
async fn post(srv: &Server, response: &str, cookie: Option<&str>) -> Reply {
    let b64 =
        base64::engine::general_purpose::STANDARD.encode(file(&format!("responses/{response}")));
    let form = format!("SAMLResponse={}&RelayState=ignored", form_encode(&b64));
    http(srv.addr, "POST", "/acs", cookie, Some(&form)).await
}

const COOKIE: &str = "spid_request=_idbr-spid-req-5f0e8c1a9d3b47e2a6c4";

#[tokio::test]
async fn a_valid_response_logs_in_and_shows_the_identity() {
    let srv = start().await;
    srv.request_sent().await;
    let r = post(&srv, "valid.xml", Some(COOKIE)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.element("subject_id"), Some("TINIT-BNCGLI85L54H501U"));
    assert_eq!(r.element("given_name"), Some("Giulia"));
    assert_eq!(r.element("family_name"), Some("Bianchi"));
    assert_eq!(r.element("level"), Some("SpidL2"));
    assert_eq!(r.element("issuer"), Some("https://idp.idbridge.test/spid"));
    assert_eq!(r.element("email"), Some("giulia.bianchi@example.org"));
}

#[tokio::test]
async fn the_second_idp_of_the_registry_is_trusted_too() {
    let srv = start().await;
    srv.request_sent().await;
    let r = post(&srv, "valid-idp2.xml", Some(COOKIE)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.element("issuer"),
        Some("https://id.second-idp.idbridge.test")
    );
}

#[tokio::test]
async fn a_replayed_response_is_refused() {
    let srv = start().await;
    srv.request_sent().await;
    assert_eq!(post(&srv, "valid.xml", Some(COOKIE)).await.status, 200);
    let again = post(&srv, "valid.xml", Some(COOKIE)).await;
    assert_eq!(
        (again.status, again.error()),
        (403, Some("store.not_issued"))
    );
    // Another genuine Response to the same, answered, request: refused too.
    let other = post(&srv, "valid-no-sessionindex.xml", Some(COOKIE)).await;
    assert_eq!(
        (other.status, other.error()),
        (403, Some("store.not_issued"))
    );
}

#[tokio::test]
async fn a_replayed_assertion_is_refused_even_if_its_request_were_outstanding_again() {
    let srv = start().await;
    srv.request_sent().await;
    assert_eq!(post(&srv, "valid.xml", Some(COOKIE)).await.status, 200);
    // Suppose the request ID came back (a store restored from a backup):
    // the Assertion ID is still remembered until its NotOnOrAfter.
    srv.request_sent().await;
    let again = post(&srv, "valid.xml", Some(COOKIE)).await;
    assert_eq!((again.status, again.error()), (403, Some("store.replayed")));
}

#[tokio::test]
async fn an_unsolicited_response_is_refused() {
    let srv = start().await;
    // No AuthnRequest was sent.
    let r = post(&srv, "valid.xml", Some(COOKIE)).await;
    assert_eq!((r.status, r.error()), (403, Some("store.not_issued")));
    // No request bound to this browser.
    srv.request_sent().await;
    let r = post(&srv, "valid.xml", None).await;
    assert_eq!((r.status, r.error()), (403, Some("store.not_issued")));
    // A Response to another request, posted with ours: the verifier
    // refuses it, and our request is spent by the attempt.
    let r = post(&srv, "response-inresponseto-other.xml", Some(COOKIE)).await;
    assert_eq!(
        (r.status, r.error()),
        (403, Some("saml.in_response_to.mismatch"))
    );
    let r = post(&srv, "valid.xml", Some(COOKIE)).await;
    assert_eq!((r.status, r.error()), (403, Some("store.not_issued")));
}

#[tokio::test]
async fn a_tampered_response_is_refused_with_the_verifier_code() {
    let srv = start().await;
    srv.request_sent().await;
    let mut xml = String::from_utf8(file("responses/valid.xml")).unwrap();
    assert!(xml.contains("Giulia"));
    xml = xml.replace("Giulia", "Mallory");
    let b64 = base64::engine::general_purpose::STANDARD.encode(xml);
    let form = format!("SAMLResponse={}", form_encode(&b64));
    let r = http(srv.addr, "POST", "/acs", Some(COOKIE), Some(&form)).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(
        r.error().unwrap().starts_with("xmldsig."),
        "{:?}",
        r.error()
    );
    assert!(!r.body.contains("Mallory"));
}

fn set_cookie(r: &Reply) -> String {
    r.headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("spid_request="))
        .map(|(_, v)| v.clone())
        .unwrap()
}

fn cookie_id(cookie: &str) -> String {
    cookie
        .strip_prefix("spid_request=")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn login_posts_a_signed_request_bound_to_the_browser() {
    let srv = start().await;
    let r = http(
        srv.addr,
        "GET",
        &format!("/login?idp={}", form_encode(IDP)),
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("name=\"SAMLRequest\""));
    assert!(r.body.contains("name=\"RelayState\" value=\"spid-acs\""));
    let cookie = set_cookie(&r);
    let id = cookie_id(&cookie);
    // Behind https: Secure, and SameSite=None for the IdP's cross-site POST.
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("; Secure")
            && cookie.contains("SameSite=None"),
        "{cookie}"
    );
    // The form carries the request with that ID.
    let b64 = r
        .body
        .split("name=\"SAMLRequest\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let xml = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let xml = String::from_utf8(xml).unwrap();
    assert!(xml.contains(&format!("ID=\"{id}\"")), "{xml}");
    // The ID is outstanding in the store, once.
    srv.requests.consume(&id).await.unwrap();
    assert_eq!(
        srv.requests.consume(&id).await.unwrap_err().code(),
        "store.not_issued"
    );
}

#[tokio::test]
async fn login_redirects_with_a_signed_query_when_configured() {
    let srv = start_with("https://sp.idbridge.test/acs", Binding::HttpRedirect).await;
    let r = http(
        srv.addr,
        "GET",
        &format!("/login?idp={}", form_encode(IDP)),
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 302, "{}", r.body);
    let location = r
        .headers
        .iter()
        .find(|(k, _)| k == "location")
        .map(|(_, v)| v.clone())
        .unwrap();
    assert!(location.contains("?SAMLRequest="), "{location}");
    assert!(location.contains("&RelayState=spid-acs&SigAlg="));
    assert!(location.contains("&Signature="));
    assert!(set_cookie(&r).contains("; Secure"));
}

/// Over plain http (local tests) the cookie is not Secure, or the client
/// would never send it back to the ACS.
#[tokio::test]
async fn over_plain_http_the_cookie_is_not_secure_and_comes_back() {
    let srv = start_with("http://127.0.0.1/acs", Binding::HttpPost).await;
    let r = http(
        srv.addr,
        "GET",
        &format!("/login?idp={}", form_encode(IDP)),
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 200);
    let cookie = set_cookie(&r);
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert!(!cookie.contains("SameSite=None"), "{cookie}");
    assert!(cookie.contains("HttpOnly"));
    // Sent back, it names an outstanding request (the Response then
    // fails on its Destination, not as unsolicited).
    let id = cookie_id(&cookie);
    let r = post(&srv, "valid.xml", Some(&format!("spid_request={id}"))).await;
    assert_eq!(r.status, 403);
    assert_ne!(r.error(), Some("store.not_issued"));
}

#[tokio::test]
async fn login_refuses_an_unknown_or_missing_idp_with_400() {
    let srv = start().await;
    let r = http(
        srv.addr,
        "GET",
        "/login?idp=https%3A%2F%2Fevil.example",
        None,
        None,
    )
    .await;
    assert_eq!((r.status, r.error()), (400, Some("login.idp.unknown")));
    let r = http(srv.addr, "GET", "/login", None, None).await;
    assert_eq!((r.status, r.error()), (400, Some("login.idp.missing")));
    assert!(!r.headers.iter().any(|(k, _)| k == "set-cookie"));
}

#[tokio::test]
async fn metadata_is_served_signed() {
    let srv = start().await;
    let r = http(srv.addr, "GET", "/metadata", None, None).await;
    assert_eq!(r.status, 200);
    assert!(r
        .headers
        .iter()
        .any(|(k, v)| k == "content-type" && v == "application/samlmetadata+xml"));
    assert!(r.body.starts_with("<md:EntityDescriptor"));
    assert!(r.body.contains("<ds:SignatureValue>"));
}

// --- single logout ------------------------------------------------------

const SP_SLO: &str = "https://sp.idbridge.test/logout";
const IDP_SLO: &str = "https://idp.idbridge.test/spid/slo";
/// The NameID and SessionIndex of responses/valid.xml.
const NAME_ID: &str = "_d570da0489bb7345293362a11ebd6887";
const SESSION_INDEX: &str = "_0a5a8fd2f6f1811609a8aa2cd53f75313bbab5a9";

fn cookie_named(r: &Reply, name: &str) -> Option<String> {
    r.headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .filter_map(|(_, v)| v.strip_prefix(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .next_back()
}

/// Logs in with the vectors' Response: the session cookie.
async fn logged_in(srv: &Server) -> String {
    srv.request_sent().await;
    let r = post(srv, "valid.xml", Some(COOKIE)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    format!("spid_session={}", cookie_named(&r, "spid_session").unwrap())
}

/// The SAML message of an auto-submitting form, decoded.
fn form_message(body: &str, field: &str) -> String {
    let start = body.find(&format!("name=\"{field}\" value=\"")).unwrap() + field.len() + 15;
    let len = body[start..].find('"').unwrap();
    let b64 = &body[start..start + len];
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .unwrap()
}

fn attribute(xml: &str, name: &str) -> String {
    let start = xml.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    let len = xml[start..].find('"').unwrap();
    xml[start..start + len].to_owned()
}

/// The test IdP's key (the IdP of the registry signs with rsa2048).
fn idp_signed<F: FnOnce(&SpCredential<'_>) -> String>(f: F) -> String {
    let s = signing();
    let credential = SpCredential::new(&s.signer, &s.certificate).unwrap();
    f(&credential)
}

fn now() -> UnixTime {
    UnixTime::parse_rfc3339(NOW).unwrap()
}

#[tokio::test]
async fn sp_initiated_logout_sends_a_signed_request_and_takes_the_answer_once() {
    let srv = start().await;
    let session = logged_in(&srv).await;
    let r = http(srv.addr, "GET", "/logout", Some(&session), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let request = form_message(&r.body, "SAMLRequest");
    assert!(request.starts_with("<samlp:LogoutRequest"));
    assert_eq!(attribute(&request, "Destination"), IDP_SLO);
    assert!(request.contains(&format!(">{NAME_ID}</saml:NameID>")));
    assert!(request.contains(&format!(">{SESSION_INDEX}</samlp:SessionIndex>")));
    assert!(request.contains("<ds:Signature"));
    let logout = cookie_named(&r, "spid_logout").unwrap();
    assert_eq!(attribute(&request, "ID"), logout);
    assert_eq!(cookie_named(&r, "spid_session").as_deref(), Some(""));
    // The session is over: a second /logout finds none.
    let again = http(srv.addr, "GET", "/logout", Some(&session), None).await;
    assert_eq!((again.status, again.error()), (403, Some("session.none")));
    // The IdP answers.
    let answer = idp_signed(|c| {
        LogoutResponse {
            sp_entity_id: IDP.into(),
            destination: SP_SLO.into(),
            id: "_idp-answer".into(),
            issue_instant: now(),
            in_response_to: logout.clone(),
            success: true,
        }
        .signed_xml(c)
        .unwrap()
    });
    let form = format!(
        "SAMLResponse={}",
        form_encode(&base64::engine::general_purpose::STANDARD.encode(&answer))
    );
    let cookie = format!("spid_logout={logout}");
    let r = http(srv.addr, "POST", "/logout", Some(&cookie), Some(&form)).await;
    assert_eq!(
        (r.status, r.element("logout")),
        (200, Some("done")),
        "{}",
        r.body
    );
    // Once.
    let r = http(srv.addr, "POST", "/logout", Some(&cookie), Some(&form)).await;
    assert_eq!((r.status, r.error()), (403, Some("store.not_issued")));
}

#[tokio::test]
async fn a_logout_response_to_another_request_is_refused() {
    let srv = start().await;
    let session = logged_in(&srv).await;
    let r = http(srv.addr, "GET", "/logout", Some(&session), None).await;
    let logout = cookie_named(&r, "spid_logout").unwrap();
    let answer = idp_signed(|c| {
        LogoutResponse {
            sp_entity_id: IDP.into(),
            destination: SP_SLO.into(),
            id: "_idp-answer".into(),
            issue_instant: now(),
            in_response_to: "_another".into(),
            success: true,
        }
        .signed_xml(c)
        .unwrap()
    });
    let form = format!(
        "SAMLResponse={}",
        form_encode(&base64::engine::general_purpose::STANDARD.encode(&answer))
    );
    let cookie = format!("spid_logout={logout}");
    let r = http(srv.addr, "POST", "/logout", Some(&cookie), Some(&form)).await;
    assert_eq!(
        (r.status, r.error()),
        (403, Some("saml.in_response_to.mismatch"))
    );
    // Without the browser's pending logout: not ours.
    let r = http(srv.addr, "POST", "/logout", None, Some(&form)).await;
    assert_eq!((r.status, r.error()), (403, Some("store.not_issued")));
}

fn idp_request(session_index: &str) -> String {
    idp_signed(|c| {
        LogoutRequest::new(
            IDP,
            SP_SLO,
            "_idp-logout-1",
            now(),
            IDP,
            NAME_ID,
            session_index,
        )
        .signed_xml(c)
        .unwrap()
    })
}

#[tokio::test]
async fn idp_initiated_logout_ends_the_session_and_answers_signed() {
    let srv = start().await;
    let session = logged_in(&srv).await;
    let form = format!(
        "SAMLRequest={}",
        form_encode(&base64::engine::general_purpose::STANDARD.encode(idp_request(SESSION_INDEX)))
    );
    let r = http(srv.addr, "POST", "/logout", Some(&session), Some(&form)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let answer = form_message(&r.body, "SAMLResponse");
    assert!(answer.starts_with("<samlp:LogoutResponse"));
    assert_eq!(attribute(&answer, "InResponseTo"), "_idp-logout-1");
    assert_eq!(attribute(&answer, "Destination"), IDP_SLO);
    assert!(answer.contains("status:Success"));
    assert!(answer.contains("<ds:Signature"));
    assert_eq!(cookie_named(&r, "spid_session").as_deref(), Some(""));
    // The session is gone.
    let r = http(srv.addr, "POST", "/logout", Some(&session), Some(&form)).await;
    assert_eq!((r.status, r.error()), (403, Some("session.none")));
}

#[tokio::test]
async fn idp_initiated_logout_for_another_session_is_refused() {
    let srv = start().await;
    let session = logged_in(&srv).await;
    let form = format!(
        "SAMLRequest={}",
        form_encode(&base64::engine::general_purpose::STANDARD.encode(idp_request("_other")))
    );
    let r = http(srv.addr, "POST", "/logout", Some(&session), Some(&form)).await;
    assert_eq!(
        (r.status, r.error()),
        (403, Some("saml.logout.session_mismatch"))
    );
    // Unsigned: refused.
    let unsigned = LogoutRequest::new(IDP, SP_SLO, "_x", now(), IDP, NAME_ID, SESSION_INDEX)
        .unsigned_xml()
        .unwrap();
    let srv2 = start().await;
    let session = logged_in(&srv2).await;
    let form = format!(
        "SAMLRequest={}",
        form_encode(&base64::engine::general_purpose::STANDARD.encode(unsigned))
    );
    let r = http(srv2.addr, "POST", "/logout", Some(&session), Some(&form)).await;
    assert_eq!(
        (r.status, r.error()),
        (403, Some("xmldsig.signature.missing"))
    );
    // No session cookie at all.
    let r = http(srv.addr, "GET", "/logout", None, None).await;
    assert_eq!((r.status, r.error()), (403, Some("session.none")));
}

#[tokio::test]
async fn a_login_without_session_index_opens_no_slo_session() {
    let srv = start().await;
    srv.request_sent().await;
    let r = post(&srv, "valid-no-sessionindex.xml", Some(COOKIE)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(cookie_named(&r, "spid_session").is_none());
}

#[tokio::test]
async fn logout_messages_over_http_redirect_are_verified_too() {
    let srv = start().await;
    let session = logged_in(&srv).await;
    let r = http(srv.addr, "GET", "/logout", Some(&session), None).await;
    let logout = cookie_named(&r, "spid_logout").unwrap();
    let answer = |in_response_to: &str| {
        idp_signed(|c| {
            LogoutResponse {
                sp_entity_id: IDP.into(),
                destination: SP_SLO.into(),
                id: "_idp-answer".into(),
                issue_instant: now(),
                in_response_to: in_response_to.into(),
                success: true,
            }
            .redirect_url(c, "x")
            .unwrap()
        })
    };
    let cookie = format!("spid_logout={logout}");
    let url = answer(&logout);
    let path = url.strip_prefix("https://sp.idbridge.test").unwrap();
    // The query altered: the signature no longer holds.
    let altered = path.replace("RelayState=x", "RelayState=y");
    let r = http(srv.addr, "GET", &altered, Some(&cookie), None).await;
    assert_eq!(
        (r.status, r.error()),
        (403, Some("xmldsig.signature.invalid"))
    );
    // Genuine, but the pending logout was spent by the refused attempt.
    let r = http(srv.addr, "GET", path, Some(&cookie), None).await;
    assert_eq!((r.status, r.error()), (403, Some("store.not_issued")));
    // A fresh logout, answered over Redirect.
    let srv = start().await;
    let session = logged_in(&srv).await;
    let r = http(srv.addr, "GET", "/logout", Some(&session), None).await;
    let logout = cookie_named(&r, "spid_logout").unwrap();
    let url = answer(&logout);
    let path = url.strip_prefix("https://sp.idbridge.test").unwrap();
    let r = http(
        srv.addr,
        "GET",
        path,
        Some(&format!("spid_logout={logout}")),
        None,
    )
    .await;
    assert_eq!(
        (r.status, r.element("logout")),
        (200, Some("done")),
        "{}",
        r.body
    );
}

/// The `spid_request` Set-Cookie of a reply, whole.
fn request_cookie_header(r: &Reply) -> Option<String> {
    r.headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("spid_request="))
        .map(|(_, v)| v.clone())
}

#[tokio::test]
async fn the_acs_clears_the_request_cookie_and_opens_a_session_in_the_store() {
    let srv = start().await;
    srv.request_sent().await;
    let r = post(&srv, "valid.xml", Some(COOKIE)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The request is spent: its cookie is cleared.
    let cleared = request_cookie_header(&r).unwrap();
    assert!(cleared.starts_with("spid_request=;"), "{cleared}");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // A session, whose cookie lives as long as its entry in the store.
    let session = r
        .headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("spid_session="))
        .map(|(_, v)| v.clone())
        .unwrap();
    assert!(
        session.contains(&format!(
            "Max-Age={}",
            idbridge_example_spid_acs::SESSION_SECS
        )),
        "{session}"
    );
    // A refused Response spends the request too: its cookie goes as well.
    srv.request_sent().await;
    let r = post(&srv, "response-inresponseto-other.xml", Some(COOKIE)).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let cleared = request_cookie_header(&r).unwrap();
    assert!(cleared.starts_with("spid_request=;") && cleared.contains("Max-Age=0"));
    // Without a request cookie there is nothing to clear.
    let r = post(&srv, "valid.xml", None).await;
    assert_eq!(r.status, 403);
    assert!(request_cookie_header(&r).is_none());
}
