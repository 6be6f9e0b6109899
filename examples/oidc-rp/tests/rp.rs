//! The RP over real HTTP, without an OP: its entity configuration (verified
//! as a federation leaf by idbridge's own chain validation, under a test
//! trust anchor), and the callback's state handling — bound to the browser,
//! consumed before anything else, refused when replayed — which must hold
//! whatever the OP does. (The logins against the reference OP are the
//! `oidc-peer` stage of scripts/test-all.sh.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idbridge::jose::{self, JwkSet, PrivateJwk};
use idbridge::oidc::federation::{self, ChainOptions, FederationTrust};
use idbridge::oidc::rp::SpidLevel;
use idbridge::{System, UnixTime};
use idbridge_example_oidc_rp::keys::RpKeys;
use idbridge_example_oidc_rp::{App, Pending, RpConfig, STATE_PREFIX};
use idbridge_store::{Clock, MemoryStore, SingleUseStore, SystemClock};
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-vectors/keys/jwe");
/// Nothing listens there: every OP or TA fetch fails at once.
const NOWHERE: &str = "http://127.0.0.1:9";

fn key_json(name: &str, key_use: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(format!("{KEYS}/{name}.jwk.json")).unwrap();
    text.replace("\"use\": \"enc\"", &format!("\"use\": \"{key_use}\""))
        .replace("\"use\":\"enc\"", &format!("\"use\":\"{key_use}\""))
        .into_bytes()
}

fn ta_key() -> PrivateJwk {
    PrivateJwk::from_json(&key_json("p256", "sig")).unwrap()
}

struct Server {
    addr: SocketAddr,
    store: MemoryStore,
    client_id: String,
}

async fn start(test_hooks: bool) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let client_id = format!("http://{addr}");
    let keys = RpKeys::from_jwks(
        &key_json("rsa3072", "sig"),
        &key_json("rsa2048-b", "sig"),
        &key_json("rsa2048", "enc"),
    )
    .unwrap();
    let store = MemoryStore::with_capacity(1_000);
    let app = App {
        config: RpConfig {
            client_id: client_id.clone(),
            name: "test RP".into(),
            contact: "ops@example.invalid".into(),
            trust_anchor: "http://127.0.0.1:9".into(),
            trust_anchor_jwks: JwkSet::from_keys(vec![ta_key().public_jwk().clone()]).unwrap(),
            op: format!("{NOWHERE}/op"),
            acr_values: vec![SpidLevel::L2],
            scope: "openid".into(),
            min_level: SpidLevel::L2,
            system: System::Cie,
            claims: System::Cie,
            clock_skew_seconds: 0,
            userinfo_iss_aud_optional: false,
            trust_marks: Vec::new(),
        },
        keys,
        store: store.clone(),
        clock: SystemClock,
        http: idbridge_fetch::Fetcher::new(
            idbridge_fetch::RootCertStore::empty(),
            idbridge_fetch::FetchPolicy::default().loopback(true),
        ),
        test_hooks,
        op_cache: tokio::sync::Mutex::new(None),
    };
    tokio::spawn(async move { axum::serve(listener, app.router()).await.unwrap() });
    Server {
        addr,
        store,
        client_id,
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn error_code(&self) -> Option<&str> {
        let start = self.body.find("<code id=\"error\">")? + "<code id=\"error\">".len();
        let end = self.body[start..].find("</code>")? + start;
        Some(&self.body[start..end])
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

async fn get(addr: SocketAddr, path: &str, cookie: Option<&str>) -> Reply {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let cookie = cookie
        .map(|c| format!("Cookie: oidc_state={c}\r\n"))
        .unwrap_or_default();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{cookie}Connection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
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
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// What `/login` leaves behind: a pending state in the store.
async fn pending_state(server: &Server, state: &str) {
    let now = SystemClock.now();
    let value = serde_json::to_vec(&Pending {
        nonce: "n".repeat(43),
        verifier: "v".repeat(43),
        hook: String::new(),
    })
    .unwrap();
    let inserted = server
        .store
        .insert_if_absent(
            &format!("{STATE_PREFIX}{state}"),
            &value,
            now,
            now.plus_secs(600),
        )
        .await
        .unwrap();
    assert_eq!(inserted, idbridge_store::Inserted::New);
}

const STATE: &str = "s7aTe-s7aTe-s7aTe-s7aTe-s7aTe-s7aTe-s7aTe-0";

#[tokio::test]
async fn the_entity_configuration_is_a_federation_leaf_under_its_anchor() {
    let server = start(false).await;
    let r = get(server.addr, "/.well-known/openid-federation", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("application/entity-statement+jwt")
    );
    let ec = r.body.trim().to_owned();
    // The anchor's subordinate statement about the RP, with the RP's
    // federation keys, as the TA's fetch endpoint serves it.
    let claims: serde_json::Value = {
        use base64::Engine as _;
        let payload = ec.split('.').nth(1).unwrap();
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .unwrap(),
        )
        .unwrap()
    };
    let now = UnixTime::from_unix_seconds(claims["iat"].as_i64().unwrap());
    let ta = ta_key();
    let ta_kid = ta.kid().unwrap().to_owned();
    let es = serde_json::json!({
        "iss": "http://127.0.0.1:9", "sub": server.client_id,
        "iat": now.as_secs(), "exp": now.as_secs() + 3600,
        "jwks": claims["jwks"],
        "metadata_policy": {"openid_relying_party": {
            "grant_types": {"subset_of": ["authorization_code", "refresh_token"]}}},
    });
    let es = jose::sign_compact(
        &ta.signer().unwrap(),
        "ES256",
        Some(&ta_kid),
        Some("entity-statement+jwt"),
        es.to_string().as_bytes(),
    )
    .unwrap();
    let trust = FederationTrust::new().with_anchor(
        "http://127.0.0.1:9",
        JwkSet::from_keys(vec![ta.public_jwk().clone()]).unwrap(),
    );
    let options = ChainOptions::new()
        .allow_http(true)
        .entity_type("openid_relying_party");
    let chain = federation::verify_chain(
        idbridge::crypto::default_backend(),
        &trust,
        &[&ec, &es],
        &options,
        now.saturating_add_secs(1),
    )
    .unwrap();
    assert_eq!(chain.subject(), server.client_id);
    let md = chain.entity_metadata("openid_relying_party").unwrap();
    assert_eq!(
        md["redirect_uris"],
        serde_json::json!([format!("{}/callback", server.client_id)])
    );
    assert_eq!(md["client_id"], serde_json::json!(server.client_id));
    let core = chain.entity_jwks("openid_relying_party").unwrap();
    let uses: Vec<&str> = core
        .keys()
        .iter()
        .map(|k| k.key_use().unwrap().as_str())
        .collect();
    assert_eq!(uses, ["sig", "enc"]);
    // The federation key is not a core key (separate keys, as SPID/CIE require).
    assert!(core
        .keys()
        .iter()
        .all(|k| k.kid() != Some(claims["jwks"]["keys"][0]["kid"].as_str().unwrap())));
}

#[tokio::test]
async fn a_callback_without_the_browsers_state_is_a_mismatch_and_spends_nothing() {
    let server = start(false).await;
    pending_state(&server, STATE).await;
    let path = format!("/callback?code=c0de&state={STATE}");
    // No cookie, another browser's cookie: refused before the store is read.
    for cookie in [None, Some("another-state-another-state-another-state-1")] {
        let r = get(server.addr, &path, cookie).await;
        assert_eq!(r.status, 403);
        assert_eq!(r.error_code(), Some("oidc.state.mismatch"));
        // The browser's own login goes on: its cookie is left alone.
        assert!(r.header("set-cookie").is_none());
    }
    // An empty or missing state.
    let r = get(server.addr, "/callback?code=c0de", Some(STATE)).await;
    assert_eq!(r.error_code(), Some("oidc.state.unknown"));
    let r = get(server.addr, "/callback?code=c0de&state=", Some("")).await;
    assert_eq!(r.error_code(), Some("oidc.state.unknown"));
    // The real state is still outstanding.
    let taken = server
        .store
        .take(&format!("{STATE_PREFIX}{STATE}"), SystemClock.now())
        .await
        .unwrap();
    assert!(taken.is_some());
}

#[tokio::test]
async fn a_state_never_issued_is_unknown() {
    let server = start(false).await;
    let forged = "f0rged-f0rged-f0rged-f0rged-f0rged-f0rged-0";
    let r = get(
        server.addr,
        &format!("/callback?code=c0de&state={forged}"),
        Some(forged),
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.error_code(), Some("oidc.state.unknown"));
    // Longer than any store key: still just unknown.
    let long = "x".repeat(600);
    let r = get(
        server.addr,
        &format!("/callback?code=c0de&state={long}"),
        Some(&long),
    )
    .await;
    assert_eq!(r.error_code(), Some("oidc.state.unknown"));
}

#[tokio::test]
async fn the_state_is_spent_by_the_first_callback_whatever_follows() {
    let server = start(false).await;
    pending_state(&server, STATE).await;
    let path = format!("/callback?code=c0de&state={STATE}&iss=http%3A%2F%2F127.0.0.1%3A9%2Fop");
    // First: the state is consumed, then the OP cannot be resolved (nothing
    // listens at the OP or the trust anchor: no chain): refused, and the
    // cookie cleared.
    let first = get(server.addr, &path, Some(STATE)).await;
    assert_eq!(first.status, 403, "{}", first.body);
    assert_eq!(first.error_code(), Some("oidcfed.trust_anchor.unknown"));
    assert!(first
        .headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("set-cookie") && v.starts_with("oidc_state=;")));
    // The replay finds the state gone: the code is never used again.
    let replay = get(server.addr, &path, Some(STATE)).await;
    assert_eq!(replay.status, 403);
    assert_eq!(replay.error_code(), Some("oidc.state.unknown"));
}

#[tokio::test]
async fn an_error_answer_spends_the_state_and_names_the_provider() {
    let server = start(false).await;
    pending_state(&server, STATE).await;
    let path = format!("/callback?error=access_denied&error_description=no&state={STATE}");
    let r = get(server.addr, &path, Some(STATE)).await;
    assert_eq!(r.status, 502);
    assert_eq!(r.error_code(), Some("oidc.provider.error"));
    let again = get(server.addr, &path, Some(STATE)).await;
    assert_eq!(again.error_code(), Some("oidc.state.unknown"));
}

#[tokio::test]
async fn login_needs_the_op_through_the_federation() {
    let server = start(false).await;
    // Nothing answers for the OP or the anchor: no chain, no redirect.
    let r = get(server.addr, "/login", None).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(r.error_code(), Some("oidcfed.trust_anchor.unknown"));
    assert!(r.header("location").is_none());
}

#[tokio::test]
async fn test_hooks_are_refused_unless_switched_on() {
    let server = start(false).await;
    let r = get(server.addr, "/login?test_hook=fixed-pkce", None).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Test hooks are off"));
    let on = start(true).await;
    let r = get(on.addr, "/login?test_hook=no-such-hook", None).await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn a_response_from_another_issuer_is_refused_after_spending_the_state() {
    let server = start(false).await;
    // RFC 9207 mix-up: the response names another OP (exact comparison:
    // a trailing slash is another issuer).
    for (i, iss) in [
        "http%3A%2F%2F127.0.0.1%3A9%2Fother",
        "http%3A%2F%2F127.0.0.1%3A9%2Fop%2F",
    ]
    .into_iter()
    .enumerate()
    {
        let state = format!("{STATE}{i}");
        pending_state(&server, &state).await;
        let path = format!("/callback?code=c0de&state={state}&iss={iss}");
        let r = get(server.addr, &path, Some(&state)).await;
        assert_eq!(r.status, 403);
        assert_eq!(r.error_code(), Some("oidc.issuer.mismatch"));
        // The attempt spent the state.
        let again = get(server.addr, &path, Some(&state)).await;
        assert_eq!(again.error_code(), Some("oidc.state.unknown"));
    }
    // An error answer is checked the same way.
    pending_state(&server, STATE).await;
    let path = format!("/callback?error=access_denied&state={STATE}&iss=http%3A%2F%2Fevil.example");
    let r = get(server.addr, &path, Some(STATE)).await;
    assert_eq!(r.error_code(), Some("oidc.issuer.mismatch"));
}
