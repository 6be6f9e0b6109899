//! The OpenID4VP response fixtures of `test-vectors/openid4vp/` (what the
//! WASM tests, `wasm/test-pkg.mjs` and the browser demo's wallet tab use:
//! JWE encryption is native-only, so the `direct_post.jwt` bodies are made
//! here): each fixture is checked natively, and `regenerate` (ignored;
//! `IDBRIDGE_REGENERATE=1 cargo test -p idbridge --features sdjwt --test
//! openid4vp_fixtures -- --ignored`) writes them again from
//! `test-vectors/sd-jwt-vc/presentations/valid.txt`.
#![cfg(all(feature = "sdjwt", not(target_arch = "wasm32")))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine as _;
use idbridge::crypto::{self, RustCryptoSigner, Signer};
use idbridge::jose::{self, DecryptionKey, JweAlg, JweEnc, JweOptions, Jwk, JwkSet, JwsOptions};
use idbridge::sdjwt::openid4vp::{verify_response, AuthorizationResponse, BodyEncoding, DcqlQuery};
use idbridge::sdjwt::{Expectations, SdJwtTrust, StatusLists};
use idbridge::{Limits, UnixTime};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors/");
/// The sd-jwt-vc vectors' context (generated.json).
const NONCE: &str = "gen-nonce-5d0c1f";
const AUD: &str = "https://rp.idbridge.test";
const NOW: &str = "2026-05-01T00:00:00Z";
const STATE: &str = "st-wallet-1";

fn read(path: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}{path}")).unwrap()
}

fn wallet() -> RustCryptoSigner {
    let pem = String::from_utf8(read("keys/p384-b.pk8.pem")).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    RustCryptoSigner::from_pkcs8_der(&der).unwrap()
}

fn verifier_key() -> DecryptionKey {
    DecryptionKey::from_jwk_json(&read("keys/jwe/p256.jwk.json")).unwrap()
}

fn decode(body: &[u8], wallet: Option<&JwkSet>) -> idbridge::Result<AuthorizationResponse> {
    let jws = JwsOptions::new();
    AuthorizationResponse::from_direct_post_jwt(
        body,
        BodyEncoding::Form,
        &verifier_key(),
        &JweOptions::new(),
        wallet.map(|w| (crypto::default_backend() as &dyn crypto::Backend, w, &jws)),
        &Limits::default(),
    )
}

fn verify(response: &AuthorizationResponse) -> idbridge::Result<()> {
    let query = DcqlQuery::from_json(&read("openid4vp/query.json"), &Limits::default())?;
    let trust = SdJwtTrust::new(JwkSet::from_json(&read("sd-jwt-vc/keys/issuer.jwks.json"))?)
        .with_status_list_keys(JwkSet::from_json(&read("sd-jwt-vc/keys/status.jwks.json"))?);
    let mut lists = StatusLists::new();
    lists.insert(
        "https://status.idbridge.test/lists/gen-1".to_string(),
        read("sd-jwt-vc/status/list-2bit.jwt"),
    );
    let out = verify_response(
        crypto::default_backend(),
        response,
        &query,
        &trust,
        &lists,
        &Expectations::new(NONCE, AUD),
        UnixTime::parse_rfc3339(NOW)?,
    )?;
    assert_eq!(out["pid"][0].identity().given_name(), Some("Mario"));
    Ok(())
}

#[test]
fn the_fixtures_decrypt_and_answer_the_query() {
    let r = decode(&read("openid4vp/direct-post-jwt.txt"), None).unwrap();
    assert_eq!(r.state(), Some(STATE));
    verify(&r).unwrap();

    let signed = read("openid4vp/direct-post-jwt-signed.txt");
    assert_eq!(
        decode(&signed, None).unwrap_err().code(),
        "openid4vp.response.invalid"
    );
    let keys = JwkSet::from_json(&read("openid4vp/wallet.jwks.json")).unwrap();
    let s = decode(&signed, Some(&keys)).unwrap();
    assert_eq!(s, r);
    verify(&s).unwrap();
}

#[test]
#[ignore = "writes test-vectors/openid4vp/ (IDBRIDGE_REGENERATE=1)"]
fn regenerate() {
    if std::env::var("IDBRIDGE_REGENERATE").as_deref() != Ok("1") {
        return;
    }
    let presentation = String::from_utf8(read("sd-jwt-vc/presentations/valid.txt")).unwrap();
    let params =
        serde_json::json!({"vp_token": {"pid": [presentation.trim()]}, "state": STATE}).to_string();
    let key = verifier_key();
    let write = |name: &str, text: String| {
        std::fs::write(format!("{DIR}openid4vp/{name}"), text).unwrap();
    };
    let encrypt = |plaintext: &[u8]| {
        jose::encrypt_compact(
            key.public_jwk(),
            JweAlg::EcdhEs,
            JweEnc::A256Gcm,
            plaintext,
            &[],
        )
        .unwrap()
    };
    write(
        "direct-post-jwt.txt",
        format!("response={}", encrypt(params.as_bytes())),
    );
    let w = wallet();
    let jws = jose::sign_compact(&w, "ES384", Some("wallet-1"), None, params.as_bytes()).unwrap();
    write(
        "direct-post-jwt-signed.txt",
        format!("response={}", encrypt(jws.as_bytes())),
    );
    let set = JwkSet::from_keys(vec![Jwk::from_public_key(w.public_key())
        .unwrap()
        .with_kid("wallet-1")])
    .unwrap();
    write("wallet.jwks.json", set.to_json() + "\n");
}
