//! The SPID/CIE relying party (`idbridge::oidc::rp`): every ID token check
//! fails closed with its code, and the class around it (audience forms,
//! `azp`, the time window's edges and skew, missing versus mistyped
//! claims, `at_hash` for every signature algorithm, `nonce`/`state`
//! lengths); the UserInfo (check 9); what the RP sends (request object,
//! client assertion, token request, entity configuration) verified back
//! with `jose::verify_compact`; PKCE (RFC 7636 Appendix B); the shared
//! vectors' tokens.
#![cfg(all(feature = "oidc", not(target_arch = "wasm32")))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use idbridge::crypto::{self, Algorithm, HashAlg, PublicKey, RustCryptoSigner, Signer};
use idbridge::jose::{self, Jwk, JwkSet, JwsOptions, KeyUse};
use idbridge::oidc::rp::{self, Expectations, SpidLevel};
use idbridge::{Loa, System, UnixTime};
use serde_json::{json, Value};

const CLIENT: &str = "https://rp.example.it/";
const OP: &str = "https://op.example.it/";
const NONCE: &str = "n0nceN0nceN0nceN0nceN0nceN0nce42abcd";
const AT: &str = "eyJhbGciOiJSUzI1NiJ9.an-access-token.sig";
const IAT: i64 = 1_768_471_200;
const EXP: i64 = IAT + 600;

fn pkcs8(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/test-vectors/keys/{name}.pk8.pem",
        env!("CARGO_MANIFEST_DIR")
    );
    let pem = std::fs::read_to_string(path).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

fn signer(name: &str) -> RustCryptoSigner {
    RustCryptoSigner::from_pkcs8_der(&pkcs8(name)).unwrap()
}

/// A P-521 signer for ES512 (RustCryptoSigner signs on P-256 and P-384).
struct P521Signer {
    key: p521::ecdsa::SigningKey,
    public: PublicKey,
}

impl P521Signer {
    fn new() -> P521Signer {
        let mut scalar = [7u8; 66];
        scalar[0] = 0;
        let key = p521::ecdsa::SigningKey::from_slice(&scalar).unwrap();
        let point = p521::ecdsa::VerifyingKey::from(&key).to_encoded_point(false);
        let bytes = point.as_bytes();
        let jwk = format!(
            r#"{{"kty":"EC","crv":"P-521","x":"{}","y":"{}"}}"#,
            B64.encode(&bytes[1..67]),
            B64.encode(&bytes[67..])
        );
        let public = Jwk::from_json(jwk.as_bytes()).unwrap().public_key().clone();
        P521Signer { key, public }
    }
}

impl Signer for P521Signer {
    fn public_key(&self) -> &PublicKey {
        &self.public
    }
    fn sign(&self, algorithm: Algorithm, message: &[u8]) -> idbridge::Result<Vec<u8>> {
        use p521::ecdsa::signature::hazmat::RandomizedPrehashSigner as _;
        assert_eq!(algorithm, Algorithm::ECDSA_P521_SHA512_RAW);
        let sig: p521::ecdsa::Signature = self
            .key
            .sign_prehash_with_rng(&mut rand_core::OsRng, &algorithm.hash().digest(message))
            .unwrap();
        Ok(sig.to_bytes().to_vec())
    }
}

/// The OP: an RSA key `op-rsa`, a P-256 key `op-p256`, a P-384 key
/// `op-p384`, a P-521 key `op-p521`, published as one JWK Set.
struct Op {
    rsa: RustCryptoSigner,
    p256: RustCryptoSigner,
    p384: RustCryptoSigner,
    p521: P521Signer,
    jwks: JwkSet,
}

fn op() -> Op {
    let rsa = signer("rsa2048");
    let p256 = signer("p256");
    let p384 = signer("p384");
    let p521 = P521Signer::new();
    let jwk =
        |s: &dyn Signer, kid: &str| Jwk::from_public_key(s.public_key()).unwrap().with_kid(kid);
    let jwks = JwkSet::from_keys(vec![
        jwk(&rsa, "op-rsa"),
        jwk(&p256, "op-p256"),
        jwk(&p384, "op-p384"),
        jwk(&p521, "op-p521"),
    ])
    .unwrap();
    Op {
        rsa,
        p256,
        p384,
        p521,
        jwks,
    }
}

impl Op {
    /// The key and kid for `alg`.
    fn key(&self, alg: &str) -> (&dyn Signer, &'static str) {
        match alg {
            "ES256" => (&self.p256, "op-p256"),
            "ES384" => (&self.p384, "op-p384"),
            "ES512" => (&self.p521, "op-p521"),
            _ => (&self.rsa, "op-rsa"),
        }
    }

    fn sign_with(&self, alg: &str, claims: &Value) -> String {
        let (key, kid) = self.key(alg);
        jose::sign_compact(key, alg, Some(kid), None, claims.to_string().as_bytes()).unwrap()
    }

    fn sign(&self, claims: &Value) -> String {
        self.sign_with("RS256", claims)
    }
}

/// A genuine ID token's claims (RS256's at_hash over [`AT`]).
fn claims() -> Value {
    claims_for(HashAlg::Sha256)
}

fn claims_for(hash: HashAlg) -> Value {
    json!({
        "iss": OP,
        "sub": "pairwise-7f3a9c",
        "aud": CLIENT,
        "iat": IAT,
        "nbf": IAT,
        "exp": EXP,
        "jti": "id-1",
        "nonce": NONCE,
        "acr": "https://www.spid.gov.it/SpidL2",
        "at_hash": rp::at_hash(hash, AT),
    })
}

fn with(mut claims: Value, name: &str, value: Value) -> Value {
    claims[name] = value;
    claims
}

fn without(mut claims: Value, name: &str) -> Value {
    claims.as_object_mut().unwrap().remove(name);
    claims
}

fn expectations() -> Expectations<'static> {
    Expectations::new(CLIENT, OP, NONCE)
}

fn now() -> UnixTime {
    UnixTime::from_unix_seconds(IAT + 30)
}

fn verify_at(
    op: &Op,
    token: &str,
    at: Option<&str>,
    e: &Expectations<'_>,
    now: UnixTime,
) -> Result<rp::VerifiedIdToken, String> {
    rp::verify_id_token(crypto::default_backend(), &op.jwks, token, at, e, now)
        .map_err(|e| e.code().to_string())
}

fn code_of(op: &Op, claims: &Value) -> String {
    match verify_at(op, &op.sign(claims), Some(AT), &expectations(), now()) {
        Ok(_) => "valid".to_string(),
        Err(code) => code,
    }
}

// ------------------------------------------------------------- the happy path

#[test]
fn a_genuine_token_and_its_identity() {
    let op = op();
    let v = verify_at(&op, &op.sign(&claims()), Some(AT), &expectations(), now()).unwrap();
    assert_eq!(v.sub(), "pairwise-7f3a9c");
    assert_eq!(v.issuer(), OP);
    assert_eq!(v.level(), SpidLevel::L2);
    assert_eq!((v.iat(), v.exp()), (IAT, EXP));
    assert!(v.at_hash_checked());
    assert_eq!(v.jws().key_kid(), Some("op-rsa"));
    let id = v.identity();
    assert_eq!(id.system(), System::Spid);
    assert_eq!(id.issuer(), Some(OP));
    assert_eq!(id.level(), Some("SpidL2"));
    assert_eq!(id.loa(), Some(Loa::Substantial));
    assert_eq!(
        id.attributes().get("sub").map(String::as_str),
        Some("pairwise-7f3a9c")
    );
    // The person comes only from the UserInfo.
    assert_eq!(id.subject_id(), None);
    assert_eq!(id.given_name(), None);
    // Without an access token, at_hash is still required but not compared.
    let v = verify_at(&op, &op.sign(&claims()), None, &expectations(), now()).unwrap();
    assert!(!v.at_hash_checked());
    // CIE: the same checks, the identity under System::Cie.
    let mut e = expectations();
    e.system = System::Cie;
    let v = verify_at(&op, &op.sign(&claims()), Some(AT), &e, now()).unwrap();
    assert_eq!(v.identity().system(), System::Cie);
}

// ------------------------------------------------------------------ check 1

#[test]
fn check_1_the_signature_and_the_kid() {
    let op = op();
    let payload = claims().to_string();
    // No kid: the contract requires one.
    let no_kid = jose::sign_compact(&op.rsa, "RS256", None, None, payload.as_bytes()).unwrap();
    assert_eq!(
        verify_at(&op, &no_kid, None, &expectations(), now()).unwrap_err(),
        "jws.kid.missing"
    );
    // A kid the OP does not publish.
    let unknown =
        jose::sign_compact(&op.rsa, "RS256", Some("other"), None, payload.as_bytes()).unwrap();
    assert_eq!(
        verify_at(&op, &unknown, None, &expectations(), now()).unwrap_err(),
        "jws.key.untrusted"
    );
    // Another key under the OP's kid.
    let attacker = signer("rsa2048-b");
    let forged =
        jose::sign_compact(&attacker, "RS256", Some("op-rsa"), None, payload.as_bytes()).unwrap();
    assert_eq!(
        verify_at(&op, &forged, None, &expectations(), now()).unwrap_err(),
        "jws.signature.invalid"
    );
    // RS256 on the EC key's kid.
    let genuine = op.sign(&claims());
    let rest = genuine.split_once('.').unwrap().1;
    let header = B64.encode(br#"{"alg":"RS256","kid":"op-p256"}"#);
    let mismatch = format!("{header}.{rest}");
    assert_eq!(
        verify_at(&op, &mismatch, None, &expectations(), now()).unwrap_err(),
        "jws.key.mismatch"
    );
    // alg none and HS256 never.
    for alg in ["none", "HS256"] {
        let header = B64.encode(format!(r#"{{"alg":"{alg}","kid":"op-rsa"}}"#));
        let token = format!("{header}.{}.", B64.encode(payload.as_bytes()));
        assert_eq!(
            verify_at(&op, &token, None, &expectations(), now()).unwrap_err(),
            "jws.algorithm.forbidden"
        );
    }
    // The claims changed after signing.
    let token = op.sign(&claims());
    let parts: Vec<&str> = token.split('.').collect();
    let swapped = with(claims(), "sub", json!("someone-else")).to_string();
    let forged = format!("{}.{}.{}", parts[0], B64.encode(swapped), parts[2]);
    assert_eq!(
        verify_at(&op, &forged, None, &expectations(), now()).unwrap_err(),
        "jws.signature.invalid"
    );
    // Not a JWS at all.
    for junk in ["", "a.b", "a.b.c.d", "....", "not a token"] {
        assert_eq!(
            verify_at(&op, junk, None, &expectations(), now()).unwrap_err(),
            "jws.malformed",
            "{junk:?}"
        );
    }
    // An algorithm off the caller's allow-list.
    let mut e = expectations();
    e.allowed = idbridge::crypto::AllowList::none().with(Algorithm::ECDSA_P256_SHA256_RAW);
    assert_eq!(
        verify_at(&op, &op.sign(&claims()), None, &e, now()).unwrap_err(),
        "jws.algorithm.forbidden"
    );
}

// ------------------------------------------------------------------ check 2

#[test]
fn check_2_required_claims_missing_or_mistyped() {
    let op = op();
    for name in ["iss", "sub", "aud", "exp", "iat", "at_hash"] {
        assert_eq!(
            code_of(&op, &without(claims(), name)),
            "oidc.claim.missing",
            "without {name}"
        );
        let wrong = match name {
            "exp" | "iat" => json!("1768471800"),
            "aud" => json!(42),
            _ => json!(12345),
        };
        assert_eq!(
            code_of(&op, &with(claims(), name, wrong)),
            "oidc.claim.missing",
            "{name} mistyped"
        );
        assert_eq!(
            code_of(&op, &with(claims(), name, Value::Null)),
            "oidc.claim.missing",
            "{name} null"
        );
    }
    // Empty strings and odd shapes.
    for (name, value) in [
        ("iss", json!("")),
        ("sub", json!("")),
        ("at_hash", json!("")),
        ("aud", json!([CLIENT, 7])),
        ("aud", json!({"aud": CLIENT})),
        ("exp", json!(true)),
        ("iat", json!([IAT])),
        ("nbf", json!("soon")),
    ] {
        assert_eq!(
            code_of(&op, &with(claims(), name, value.clone())),
            "oidc.claim.missing",
            "{name} = {value}"
        );
    }
    // Check 2 comes before check 3: a wrong iss and no exp is claim.missing.
    let both = without(with(claims(), "iss", json!("https://evil.example/")), "exp");
    assert_eq!(code_of(&op, &both), "oidc.claim.missing");
    // NumericDates may be fractional (RFC 7519 §2).
    assert_eq!(
        code_of(&op, &with(claims(), "exp", json!(EXP as f64 + 0.5))),
        "valid"
    );
}

// ------------------------------------------------------------------ check 3

#[test]
fn check_3_the_issuer() {
    let op = op();
    for iss in [
        "https://evil.example/",
        "https://op.example.it",
        "https://op.example.it//",
        "HTTPS://op.example.it/",
        "https://op.example.it/ ",
    ] {
        assert_eq!(
            code_of(&op, &with(claims(), "iss", json!(iss))),
            "oidc.issuer.mismatch",
            "{iss}"
        );
    }
}

// ------------------------------------------------------------------ check 4

#[test]
fn check_4_the_audience_and_azp() {
    let op = op();
    assert_eq!(
        code_of(&op, &with(claims(), "aud", json!([CLIENT]))),
        "valid"
    );
    for aud in [
        json!("https://other-rp.example.it/"),
        json!([]),
        json!([CLIENT, "https://other-rp.example.it/"]),
        json!(["https://other-rp.example.it/", CLIENT]),
        json!([CLIENT, CLIENT]),
        json!("https://rp.example.it"),
    ] {
        assert_eq!(
            code_of(&op, &with(claims(), "aud", aud.clone())),
            "oidc.audience.mismatch",
            "{aud}"
        );
    }
    assert_eq!(code_of(&op, &with(claims(), "azp", json!(CLIENT))), "valid");
    for azp in [
        json!("https://other-rp.example.it/"),
        json!(""),
        json!(1),
        json!([CLIENT]),
    ] {
        assert_eq!(
            code_of(&op, &with(claims(), "azp", azp.clone())),
            "oidc.audience.mismatch",
            "azp {azp}"
        );
    }
    // The same token for another client.
    let token = op.sign(&claims());
    let e = Expectations::new("https://other-rp.example.it/", OP, NONCE);
    assert_eq!(
        verify_at(&op, &token, Some(AT), &e, now()).unwrap_err(),
        "oidc.audience.mismatch"
    );
}

// ------------------------------------------------------------------ check 5

#[test]
fn check_5_the_time_window_and_its_edges() {
    let op = op();
    let token = op.sign(&claims());
    let at = |secs: i64, skew: u32| {
        let mut e = expectations();
        e.clock_skew_seconds = skew;
        verify_at(&op, &token, Some(AT), &e, UnixTime::from_unix_seconds(secs))
            .map(|_| "valid".to_string())
            .unwrap_or_else(|c| c)
    };
    assert_eq!(at(EXP - 1, 0), "valid");
    assert_eq!(at(EXP, 0), "oidc.time.expired");
    assert_eq!(at(EXP + 3600, 0), "oidc.time.expired");
    assert_eq!(at(EXP + 9, 10), "valid");
    assert_eq!(at(EXP + 10, 10), "oidc.time.expired");
    assert_eq!(at(IAT, 0), "valid");
    assert_eq!(at(IAT - 1, 0), "oidc.time.not_yet_valid");
    assert_eq!(at(IAT - 10, 10), "valid");
    assert_eq!(at(IAT - 11, 10), "oidc.time.not_yet_valid");
    // nbf alone in the future.
    let later = op.sign(&with(claims(), "nbf", json!(IAT + 60)));
    assert_eq!(
        verify_at(&op, &later, Some(AT), &expectations(), now()).unwrap_err(),
        "oidc.time.not_yet_valid"
    );
    // Expiry is checked before the future: an expired token from the future is expired.
    let odd = op.sign(&with(
        with(claims(), "exp", json!(IAT - 10)),
        "iat",
        json!(IAT + 100),
    ));
    assert_eq!(
        verify_at(&op, &odd, Some(AT), &expectations(), now()).unwrap_err(),
        "oidc.time.expired"
    );
    // The largest skew saturates instead of overflowing; past it
    // (ClockSkew::MAX_SECS, 24 h) the expectations are refused.
    let far = op.sign(&with(claims(), "exp", json!(i64::MAX)));
    let mut e = expectations();
    e.clock_skew_seconds = idbridge::ClockSkew::MAX_SECS;
    assert!(verify_at(&op, &far, Some(AT), &e, now()).is_ok());
    e.clock_skew_seconds = idbridge::ClockSkew::MAX_SECS + 1;
    assert_eq!(
        verify_at(&op, &far, Some(AT), &e, now()).unwrap_err(),
        "config.invalid"
    );
    e.clock_skew_seconds = u32::MAX;
    assert_eq!(
        verify_at(&op, &far, Some(AT), &e, now()).unwrap_err(),
        "config.invalid"
    );
}

// ------------------------------------------------------------------ check 6

#[test]
fn check_6_the_nonce() {
    let op = op();
    assert_eq!(
        code_of(&op, &without(claims(), "nonce")),
        "oidc.nonce.missing"
    );
    for nonce in [
        json!("another-nonce-another-nonce-another-n"),
        json!(format!("{NONCE} ")),
        json!(&NONCE[1..]),
        json!(""),
        json!(42),
        json!([NONCE]),
        Value::Null,
    ] {
        assert_eq!(
            code_of(&op, &with(claims(), "nonce", nonce.clone())),
            "oidc.nonce.mismatch",
            "{nonce}"
        );
    }
    // An empty expected nonce is the caller's mistake.
    let e = Expectations::new(CLIENT, OP, "");
    assert_eq!(
        verify_at(&op, &op.sign(&claims()), Some(AT), &e, now()).unwrap_err(),
        "config.invalid"
    );
    for (client, issuer) in [("", OP), (CLIENT, "")] {
        let e = Expectations::new(client, issuer, NONCE);
        assert_eq!(
            verify_at(&op, &op.sign(&claims()), Some(AT), &e, now()).unwrap_err(),
            "config.invalid"
        );
    }
}

// ------------------------------------------------------------------ check 7

#[test]
fn check_7_acr_and_the_minimum_level() {
    let op = op();
    for (acr, min, want) in [
        ("https://www.spid.gov.it/SpidL1", SpidLevel::L1, "valid"),
        (
            "https://www.spid.gov.it/SpidL1",
            SpidLevel::L2,
            "oidc.acr.insufficient",
        ),
        ("https://www.spid.gov.it/SpidL2", SpidLevel::L2, "valid"),
        (
            "https://www.spid.gov.it/SpidL2",
            SpidLevel::L3,
            "oidc.acr.insufficient",
        ),
        ("https://www.spid.gov.it/SpidL3", SpidLevel::L1, "valid"),
        ("https://www.spid.gov.it/SpidL3", SpidLevel::L3, "valid"),
    ] {
        let mut e = expectations();
        e.min_level = min;
        let token = op.sign(&with(claims(), "acr", json!(acr)));
        let got = verify_at(&op, &token, Some(AT), &e, now())
            .map(|v| {
                assert_eq!(v.level().acr(), acr);
                assert_eq!(v.identity().loa(), Some(v.level().loa()));
                "valid".to_string()
            })
            .unwrap_or_else(|c| c);
        assert_eq!(got, want, "{acr} against {min:?}");
    }
    assert_eq!(code_of(&op, &without(claims(), "acr")), "oidc.acr.invalid");
    for acr in [
        json!("https://www.spid.gov.it/SpidL4"),
        json!("https://www.spid.gov.it/spidl2"),
        json!("SpidL2"),
        json!("https://www.spid.gov.it/SpidL2 "),
        json!(2),
        json!(["https://www.spid.gov.it/SpidL2"]),
        json!("urn:oasis:names:tc:SAML:2.0:ac:classes:SpidL2"),
    ] {
        assert_eq!(
            code_of(&op, &with(claims(), "acr", acr.clone())),
            "oidc.acr.invalid",
            "{acr}"
        );
    }
}

// ------------------------------------------------------------------ check 8

#[test]
fn check_8_at_hash_for_every_signature_algorithm() {
    let op = op();
    for (alg, hash) in [
        ("RS256", HashAlg::Sha256),
        ("RS384", HashAlg::Sha384),
        ("RS512", HashAlg::Sha512),
        ("PS256", HashAlg::Sha256),
        ("PS384", HashAlg::Sha384),
        ("PS512", HashAlg::Sha512),
        ("ES256", HashAlg::Sha256),
        ("ES384", HashAlg::Sha384),
        ("ES512", HashAlg::Sha512),
    ] {
        let good = op.sign_with(alg, &claims_for(hash));
        let v = verify_at(&op, &good, Some(AT), &expectations(), now())
            .unwrap_or_else(|c| panic!("{alg}: {c}"));
        assert_eq!(v.jws().alg(), alg);
        assert_eq!(
            rp::at_hash(hash, AT).len(),
            B64.encode(vec![0; hash.output_len() / 2]).len()
        );
        // Another access token.
        assert_eq!(
            verify_at(&op, &good, Some("another-token"), &expectations(), now()).unwrap_err(),
            "oidc.at_hash.mismatch",
            "{alg}"
        );
        // The hash of another algorithm (a wrong half-length, or the same
        // length over another function).
        for other in [HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512] {
            if other == hash {
                continue;
            }
            let wrong = op.sign_with(
                alg,
                &with(claims(), "at_hash", json!(rp::at_hash(other, AT))),
            );
            assert_eq!(
                verify_at(&op, &wrong, Some(AT), &expectations(), now()).unwrap_err(),
                "oidc.at_hash.mismatch",
                "{alg} with the {other:?} half"
            );
        }
        // The full hash instead of its left half, and padding.
        let full = B64.encode(hash.digest(AT.as_bytes()));
        let padded = format!("{}=", rp::at_hash(hash, AT));
        for bad in [full, padded] {
            let t = op.sign_with(alg, &with(claims(), "at_hash", json!(bad)));
            assert_eq!(
                verify_at(&op, &t, Some(AT), &expectations(), now()).unwrap_err(),
                "oidc.at_hash.mismatch",
                "{alg}"
            );
        }
    }
    // OpenID Connect Core §3.1.3.6's example value for this algorithm family:
    // the left 128 bits of SHA-256, base64url.
    assert_eq!(
        rp::at_hash(
            HashAlg::Sha256,
            "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
        ),
        "77QmUPtjPfzWtF2AnpK9RQ"
    );
}

#[test]
fn checks_run_in_the_contract_order() {
    let op = op();
    // Each pair breaks two checks: the earlier one's code wins.
    let cases = [
        (
            with(with(claims(), "iss", json!("x")), "aud", json!("y")),
            "oidc.issuer.mismatch",
        ),
        (
            with(with(claims(), "aud", json!("y")), "exp", json!(IAT - 100)),
            "oidc.audience.mismatch",
        ),
        (
            with(with(claims(), "exp", json!(IAT - 100)), "nonce", json!("z")),
            "oidc.time.expired",
        ),
        (
            with(with(claims(), "nonce", json!("z")), "acr", json!("w")),
            "oidc.nonce.mismatch",
        ),
        (
            with(with(claims(), "acr", json!("w")), "at_hash", json!("AAAA")),
            "oidc.acr.invalid",
        ),
    ];
    for (c, want) in cases {
        assert_eq!(code_of(&op, &c), want);
    }
}

#[test]
fn spid_levels() {
    for (l, name, loa) in [
        (SpidLevel::L1, "SpidL1", Loa::Low),
        (SpidLevel::L2, "SpidL2", Loa::Substantial),
        (SpidLevel::L3, "SpidL3", Loa::High),
    ] {
        assert_eq!(l.name(), name);
        assert_eq!(l.loa(), loa);
        assert_eq!(SpidLevel::from_name(name), Some(l));
        assert_eq!(SpidLevel::from_acr(l.acr()), Some(l));
        assert_eq!(l.acr(), format!("https://www.spid.gov.it/{name}"));
    }
    assert_eq!(SpidLevel::from_name("spidl2"), None);
}

// ----------------------------------------------------------- what the RP sends

fn rp_keys() -> (RustCryptoSigner, JwkSet) {
    let key = signer("rsa2048-b");
    let jwks = JwkSet::from_keys(vec![Jwk::from_public_key(key.public_key())
        .unwrap()
        .with_kid("rp-sig")])
    .unwrap();
    (key, jwks)
}

fn payload_of(token: &str, keys: &JwkSet) -> (jose::VerifiedJws, Value) {
    let jws = jose::verify_compact(
        crypto::default_backend(),
        keys,
        token,
        &JwsOptions::new().require_kid(),
    )
    .unwrap();
    let v: Value = serde_json::from_slice(jws.payload()).unwrap();
    (jws, v)
}

#[test]
fn the_request_object_round_trip() {
    let (key, keys) = rp_keys();
    let at = UnixTime::from_unix_seconds(IAT);
    let req = rp::AuthorizationRequest::new(
        CLIENT,
        OP,
        "https://op.example.it/authorization",
        "https://rp.example.it/callback",
    )
    .acr_values(&[SpidLevel::L2, SpidLevel::L1])
    .scope("openid offline_access")
    .prompt("consent")
    .sign(&key, "RS256", "rp-sig", at)
    .unwrap();
    let (jws, c) = payload_of(req.request_object(), &keys);
    assert_eq!(jws.alg(), "RS256");
    assert_eq!(jws.header().typ(), None);
    assert_eq!(c["iss"], CLIENT);
    assert_eq!(c["client_id"], CLIENT);
    assert_eq!(c["aud"], json!([OP, "https://op.example.it/authorization"]));
    assert_eq!(c["iat"], IAT);
    assert_eq!(c["exp"], IAT + 60);
    assert_eq!(req.exp(), IAT + 60);
    assert_eq!(c["jti"], req.jti());
    assert_eq!(c["response_type"], "code");
    assert_eq!(c["scope"], "openid offline_access");
    assert_eq!(c["redirect_uri"], "https://rp.example.it/callback");
    assert_eq!(c["nonce"], req.nonce());
    assert_eq!(c["state"], req.state());
    assert_eq!(c["prompt"], "consent");
    assert_eq!(
        c["acr_values"],
        "https://www.spid.gov.it/SpidL2 https://www.spid.gov.it/SpidL1"
    );
    assert_eq!(c["claims"], rp::default_claims(System::Spid));
    assert_eq!(c["code_challenge"], req.pkce().challenge());
    assert_eq!(c["code_challenge_method"], "S256");
    assert!(req.state().len() >= 32 && req.nonce().len() >= 32);
    assert_ne!(req.state(), req.nonce());
    // The PKCE pair holds.
    assert_eq!(
        rp::Pkce::from_verifier(req.pkce().verifier())
            .unwrap()
            .challenge(),
        req.pkce().challenge()
    );
    // The URL carries the OAuth parameters and the request object.
    let url = req.url();
    let (base, query) = url.split_once('?').unwrap();
    assert_eq!(base, "https://op.example.it/authorization");
    let pairs: Vec<(&str, &str)> = query
        .split('&')
        .map(|p| p.split_once('=').unwrap())
        .collect();
    let names: Vec<&str> = pairs.iter().map(|p| p.0).collect();
    assert_eq!(
        names,
        [
            "client_id",
            "scope",
            "response_type",
            "code_challenge",
            "code_challenge_method",
            "request"
        ]
    );
    assert_eq!(pairs[0].1, "https%3A%2F%2Frp.example.it%2F");
    assert_eq!(pairs[1].1, "openid%20offline_access");
    assert_eq!(pairs[5].1, req.request_object());
    // Fresh randomness each time.
    let again = rp::AuthorizationRequest::new(
        CLIENT,
        OP,
        "https://op.example.it/authorization",
        "https://rp.example.it/callback",
    )
    .sign(&key, "RS256", "rp-sig", at)
    .unwrap();
    assert_ne!(again.state(), req.state());
    assert_ne!(again.nonce(), req.nonce());
    assert_ne!(again.jti(), req.jti());
    assert_ne!(again.pkce().verifier(), req.pkce().verifier());
    // Caller-held values are used as given.
    let pkce = rp::Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
    let given = rp::AuthorizationRequest::new(
        CLIENT,
        OP,
        "https://op.example.it/authorization?x=1",
        "https://rp.example.it/callback",
    )
    .state("s".repeat(32))
    .nonce("n".repeat(40))
    .pkce(pkce)
    .claims(rp::default_claims(System::Cie))
    .lifetime_seconds(120)
    .sign(&key, "RS256", "rp-sig", at)
    .unwrap();
    let (_, c) = payload_of(given.request_object(), &keys);
    assert_eq!(c["state"], "s".repeat(32));
    assert_eq!(c["nonce"], "n".repeat(40));
    assert_eq!(
        c["code_challenge"],
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    assert_eq!(c["exp"], IAT + 120);
    assert_eq!(
        c["claims"]["userinfo"]["https://attributes.eid.gov.it/fiscal_number"],
        Value::Null
    );
    assert!(given
        .url()
        .starts_with("https://op.example.it/authorization?x=1&client_id="));
}

#[test]
fn the_request_object_refuses_bad_inputs() {
    let (key, _) = rp_keys();
    let at = UnixTime::from_unix_seconds(IAT);
    let base = || {
        rp::AuthorizationRequest::new(
            CLIENT,
            OP,
            "https://op.example.it/authorization",
            "https://rp.example.it/callback",
        )
    };
    let bad: Vec<(&str, rp::AuthorizationRequest)> = vec![
        ("short state", base().state("s".repeat(31))),
        ("empty state", base().state("")),
        ("short nonce", base().nonce("n".repeat(31))),
        ("empty nonce", base().nonce("")),
        (
            "nonce with a space",
            base().nonce(format!("{} x", "n".repeat(32))),
        ),
        (
            "http redirect",
            rp::AuthorizationRequest::new(
                CLIENT,
                OP,
                "https://op.example.it/authorization",
                "http://rp.example.it/callback",
            ),
        ),
        ("no openid scope", base().scope("profile")),
        ("empty scope token", base().scope("openid  profile")),
        ("prompt none", base().prompt("none")),
        ("prompt login alone", base().prompt("login")),
        ("no acr", base().acr_values(&[])),
        ("claims not an object", base().claims(json!(["userinfo"]))),
        (
            "claims other member",
            base().claims(json!({"access_token": {}})),
        ),
        (
            "claims.userinfo not an object",
            base().claims(json!({"userinfo": true})),
        ),
        ("lifetime 0", base().lifetime_seconds(0)),
        ("lifetime too long", base().lifetime_seconds(3600)),
    ];
    for (what, req) in bad {
        assert_eq!(
            req.sign(&key, "RS256", "rp-sig", at).unwrap_err().code(),
            "config.invalid",
            "{what}"
        );
    }
    for (client, op_id, authz, redirect) in [
        (
            "rp.example.it",
            OP,
            "https://op.example.it/a",
            "https://rp.example.it/cb",
        ),
        (
            CLIENT,
            "http://op.example.it/",
            "https://op.example.it/a",
            "https://rp.example.it/cb",
        ),
        (
            CLIENT,
            OP,
            "https://op.example.it/a#frag",
            "https://rp.example.it/cb",
        ),
        (
            CLIENT,
            OP,
            "https://op.example.it/a",
            "https://rp.example.it/c b",
        ),
    ] {
        let e = rp::AuthorizationRequest::new(client, op_id, authz, redirect)
            .sign(&key, "RS256", "rp-sig", at)
            .unwrap_err();
        assert_eq!(
            e.code(),
            "config.invalid",
            "{client} {op_id} {authz} {redirect}"
        );
    }
    // An empty kid, a key that does not suit alg.
    assert_eq!(
        base().sign(&key, "RS256", "", at).unwrap_err().code(),
        "config.invalid"
    );
    assert_eq!(
        base().sign(&key, "ES256", "rp-sig", at).unwrap_err().code(),
        "jws.key.mismatch"
    );
    // http:// only when allowed (a local test federation).
    let local = rp::AuthorizationRequest::new(
        "http://127.0.0.1:8001/",
        "http://127.0.0.1:8000/oidc/op",
        "http://127.0.0.1:8000/oidc/op/authorization",
        "http://127.0.0.1:8001/cb",
    );
    assert_eq!(
        local
            .clone()
            .sign(&key, "RS256", "rp-sig", at)
            .unwrap_err()
            .code(),
        "config.invalid"
    );
    assert!(local.allow_http().sign(&key, "RS256", "rp-sig", at).is_ok());
}

#[test]
fn the_client_assertion_and_the_token_request() {
    let (key, keys) = rp_keys();
    let token_ep = "https://op.example.it/token";
    let at = UnixTime::from_unix_seconds(IAT);
    let a = rp::client_assertion(&key, "RS256", "rp-sig", CLIENT, token_ep, at, 60).unwrap();
    let (jws, c) = payload_of(&a, &keys);
    assert_eq!(jws.key_kid(), Some("rp-sig"));
    assert_eq!(c["iss"], CLIENT);
    assert_eq!(c["sub"], CLIENT);
    assert_eq!(c["aud"], json!([token_ep]));
    assert_eq!(c["iat"], IAT);
    assert_eq!(c["exp"], IAT + 60);
    assert!(c["jti"].as_str().unwrap().len() >= 32);
    let b = rp::client_assertion(&key, "RS256", "rp-sig", CLIENT, token_ep, at, 60).unwrap();
    assert_ne!(payload_of(&b, &keys).1["jti"], c["jti"]);
    for (client, ep, life) in [
        (CLIENT, "http://op.example.it/token", 60),
        ("", token_ep, 60),
        (CLIENT, token_ep, 0),
        (CLIENT, token_ep, 601),
    ] {
        assert_eq!(
            rp::client_assertion(&key, "RS256", "rp-sig", client, ep, at, life)
                .unwrap_err()
                .code(),
            "config.invalid"
        );
    }
    assert!(rp::client_assertion_with(
        &key,
        "RS256",
        "rp-sig",
        "http://127.0.0.1:8001/",
        "http://127.0.0.1:8000/oidc/op/token",
        at,
        60,
        true
    )
    .is_ok());

    let pkce = rp::Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
    let form = rp::token_request_form(
        CLIENT,
        "c0de/+=",
        &pkce,
        "https://rp.example.it/callback",
        &a,
    )
    .unwrap();
    assert_eq!(
        form,
        format!(
            "grant_type=authorization_code&code=c0de%2F%2B%3D\
             &code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk\
             &redirect_uri=https%3A%2F%2Frp.example.it%2Fcallback\
             &client_id=https%3A%2F%2Frp.example.it%2F\
             &client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer\
             &client_assertion={a}"
        )
    );
    for code in ["", "a b", "a\nb"] {
        assert_eq!(
            rp::token_request_form(CLIENT, code, &pkce, "https://rp.example.it/cb", &a)
                .unwrap_err()
                .code(),
            "config.invalid"
        );
    }
}

#[test]
fn pkce_rfc7636_appendix_b_and_bounds() {
    let p = rp::Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
    assert_eq!(p.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    assert_eq!(p.method(), "S256");
    for len in [0, 1, 42, 129, 1000] {
        assert_eq!(
            rp::Pkce::from_verifier(&"a".repeat(len))
                .unwrap_err()
                .code(),
            "config.invalid",
            "{len}"
        );
    }
    for len in [43, 64, 128] {
        assert!(rp::Pkce::from_verifier(&"a".repeat(len)).is_ok());
    }
    for bad in ['+', '/', '=', ' ', 'é', '%'] {
        let v = format!("{}{bad}", "a".repeat(43));
        assert!(rp::Pkce::from_verifier(&v).is_err(), "{bad}");
    }
    let g = rp::Pkce::generate().unwrap();
    assert!(rp::VERIFIER_LEN.contains(&g.verifier().len()));
    assert_ne!(g.verifier(), rp::Pkce::generate().unwrap().verifier());
    assert!(!format!("{g:?}").contains(g.verifier()));
}

// ------------------------------------------------------- entity configuration

fn entity_keys() -> (RustCryptoSigner, JwkSet, JwkSet) {
    let fed = signer("p256");
    let core = signer("rsa2048-b");
    let federation = JwkSet::from_keys(vec![Jwk::from_public_key(fed.public_key())
        .unwrap()
        .with_kid("fed-1")])
    .unwrap();
    let core_jwks = JwkSet::from_keys(vec![
        Jwk::from_public_key(core.public_key())
            .unwrap()
            .with_kid("sig-1")
            .with_use(KeyUse::Sig),
        Jwk::from_public_key(core.public_key())
            .unwrap()
            .with_kid("enc-1")
            .with_use(KeyUse::Enc),
    ])
    .unwrap();
    (fed, federation, core_jwks)
}

#[test]
fn the_entity_configuration_round_trip() {
    let (fed, federation, core) = entity_keys();
    let ec = rp::EntityConfiguration::new(CLIENT, federation.clone(), core.clone())
        .authority_hint("https://registry.spid.gov.it/")
        .redirect_uri("https://rp.example.it/callback")
        .client_name("Example RP")
        .contact("ops@rp.example.it")
        .trust_mark(
            "https://registry.spid.gov.it/openid_relying_party/public/",
            "a.b.c",
        )
        .federation_entity("organization_name", json!("Example"))
        .rp_metadata("userinfo_encrypted_response_enc", json!("A128CBC-HS256"))
        .sign(&fed, "ES256", "fed-1", UnixTime::from_unix_seconds(IAT))
        .unwrap();
    let (jws, c) = payload_of(&ec, &federation);
    assert!(jws.typ_is(jose::typ::ENTITY_STATEMENT));
    assert_eq!(jws.key_kid(), Some("fed-1"));
    assert_eq!(c["iss"], CLIENT);
    assert_eq!(c["sub"], CLIENT);
    assert_eq!(c["iat"], IAT);
    assert_eq!(c["exp"], IAT + 86_400);
    assert_eq!(
        c["authority_hints"],
        json!(["https://registry.spid.gov.it/"])
    );
    assert_eq!(
        JwkSet::from_json(c["jwks"].to_string().as_bytes()).unwrap(),
        federation
    );
    let rp_md = &c["metadata"]["openid_relying_party"];
    let core_back = JwkSet::from_json(rp_md["jwks"].to_string().as_bytes()).unwrap();
    assert_eq!(core_back, core);
    let uses: Vec<&str> = rp_md["jwks"]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["use"].as_str().unwrap())
        .collect();
    assert_eq!(uses, ["sig", "enc"]);
    assert_eq!(rp_md["client_id"], CLIENT);
    assert_eq!(
        rp_md["redirect_uris"],
        json!(["https://rp.example.it/callback"])
    );
    assert_eq!(rp_md["client_registration_types"], json!(["automatic"]));
    assert_eq!(rp_md["response_types"], json!(["code"]));
    assert_eq!(rp_md["token_endpoint_auth_method"], "private_key_jwt");
    assert_eq!(rp_md["userinfo_encrypted_response_enc"], "A128CBC-HS256");
    assert_eq!(rp_md["userinfo_encrypted_response_alg"], "RSA-OAEP");
    assert_eq!(
        c["metadata"]["federation_entity"]["organization_name"],
        "Example"
    );
    assert_eq!(
        c["trust_marks"],
        json!([{"id": "https://registry.spid.gov.it/openid_relying_party/public/",
                "trust_mark_type": "https://registry.spid.gov.it/openid_relying_party/public/",
                "trust_mark": "a.b.c"}])
    );
    // No private member anywhere.
    for member in ["\"d\"", "\"p\"", "\"q\"", "\"dp\""] {
        assert!(!c.to_string().contains(member));
    }
}

#[test]
fn the_entity_configuration_refuses_bad_inputs() {
    let (fed, federation, core) = entity_keys();
    let at = UnixTime::from_unix_seconds(IAT);
    let full = |core: JwkSet| {
        rp::EntityConfiguration::new(CLIENT, federation.clone(), core)
            .authority_hint("https://registry.spid.gov.it/")
            .redirect_uri("https://rp.example.it/callback")
            .client_name("Example RP")
            .contact("ops@rp.example.it")
    };
    assert!(full(core.clone()).sign(&fed, "ES256", "fed-1", at).is_ok());
    let sig_only = JwkSet::from_keys(vec![core.keys()[0].clone()]).unwrap();
    let enc_only = JwkSet::from_keys(vec![core.keys()[1].clone()]).unwrap();
    let no_use = JwkSet::from_keys(vec![
        Jwk::from_public_key(core.keys()[0].public_key())
            .unwrap()
            .with_kid("x"),
        core.keys()[0].clone(),
        core.keys()[1].clone(),
    ])
    .unwrap();
    for (what, ec) in [
        ("no enc key", full(sig_only)),
        ("no sig key", full(enc_only)),
        ("a core key without use", full(no_use)),
        (
            "no authority hint",
            rp::EntityConfiguration::new(CLIENT, federation.clone(), core.clone())
                .redirect_uri("https://rp.example.it/callback")
                .client_name("Example RP")
                .contact("ops@rp.example.it"),
        ),
        ("itself as hint", full(core.clone()).authority_hint(CLIENT)),
        (
            "hint twice",
            full(core.clone()).authority_hint("https://registry.spid.gov.it/"),
        ),
        (
            "http hint",
            full(core.clone()).authority_hint("http://ta.example.it/"),
        ),
        (
            "no redirect",
            rp::EntityConfiguration::new(CLIENT, federation.clone(), core.clone())
                .authority_hint("https://registry.spid.gov.it/")
                .client_name("Example RP")
                .contact("ops@rp.example.it"),
        ),
        (
            "no name",
            rp::EntityConfiguration::new(CLIENT, federation.clone(), core.clone())
                .authority_hint("https://registry.spid.gov.it/")
                .redirect_uri("https://rp.example.it/callback")
                .contact("ops@rp.example.it"),
        ),
        (
            "no contact",
            rp::EntityConfiguration::new(CLIENT, federation.clone(), core.clone())
                .authority_hint("https://registry.spid.gov.it/")
                .redirect_uri("https://rp.example.it/callback")
                .client_name("Example RP"),
        ),
        (
            "own member overridden",
            full(core.clone()).rp_metadata("client_id", json!("https://evil/")),
        ),
        (
            "jwks overridden",
            full(core.clone()).rp_metadata("jwks", json!({"keys": []})),
        ),
        (
            "bad trust mark",
            full(core.clone()).trust_mark("x", "not-a-jws"),
        ),
        ("lifetime", full(core.clone()).lifetime_seconds(0)),
        (
            "no code grant",
            full(core.clone()).grant_types(&["refresh_token"]),
        ),
    ] {
        assert_eq!(
            ec.sign(&fed, "ES256", "fed-1", at).unwrap_err().code(),
            "config.invalid",
            "{what}"
        );
    }
    // The signing key must be the published federation key under its kid.
    let other = signer("p256-b");
    assert_eq!(
        full(core.clone())
            .sign(&other, "ES256", "fed-1", at)
            .unwrap_err()
            .code(),
        "config.invalid"
    );
    assert_eq!(
        full(core.clone())
            .sign(&fed, "ES256", "fed-2", at)
            .unwrap_err()
            .code(),
        "config.invalid"
    );
    let http =
        rp::EntityConfiguration::new("http://127.0.0.1:8001/", federation.clone(), core.clone())
            .authority_hint("http://127.0.0.1:8000/")
            .redirect_uri("http://127.0.0.1:8001/cb")
            .client_name("Local RP")
            .contact("ops@example.invalid");
    assert_eq!(
        http.clone()
            .sign(&fed, "ES256", "fed-1", at)
            .unwrap_err()
            .code(),
        "config.invalid"
    );
    assert!(http.allow_http().sign(&fed, "ES256", "fed-1", at).is_ok());
}

// ------------------------------------------------------------------ check 9

use idbridge::jose::{DecryptionKey, JweAlg, JweEnc};
use rp::{TokenResponse, UserinfoIssAud};

/// The RP's encryption key: RFC 7517 Appendix A.2's P-256 key (public test key).
fn rp_enc_key() -> DecryptionKey {
    DecryptionKey::from_jwk_json(
        br#"{"kty":"EC","crv":"P-256","use":"enc","kid":"rp-enc-1",
        "x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
        "y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
        "d":"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE"}"#,
    )
    .unwrap()
}

fn userinfo_claims() -> Value {
    json!({
        "iss": OP,
        "aud": CLIENT,
        "sub": "pairwise-7f3a9c",
        "iat": IAT,
        "exp": EXP,
        "https://attributes.spid.gov.it/fiscalNumber": "TINIT-RSSMRA80A01H501U",
        "https://attributes.spid.gov.it/name": "Mario",
        "https://attributes.spid.gov.it/familyName": "Rossi",
        "https://attributes.spid.gov.it/dateOfBirth": "1980-01-01",
        "https://attributes.spid.gov.it/email": "mario.rossi@example.it",
        "https://attributes.spid.gov.it/address": {"street": "Via Roma 1"},
        "https://attributes.spid.gov.it/mobilePhone": 393331234567i64,
    })
}

fn encrypt(key: &DecryptionKey, inner: &str, alg: JweAlg, enc: JweEnc) -> String {
    jose::encrypt_compact(
        key.public_jwk(),
        alg,
        enc,
        inner.as_bytes(),
        &[("cty", "JWT")],
    )
    .unwrap()
}

fn login(op: &Op, userinfo: &str, e: &Expectations<'_>) -> Result<rp::VerifiedLogin, String> {
    let response = TokenResponse {
        id_token: op.sign(&claims()),
        access_token: Some(AT.to_string()),
        userinfo: Some(userinfo.to_string()),
    };
    rp::verify_login(
        crypto::default_backend(),
        &op.jwks,
        Some(&rp_enc_key()),
        &response,
        e,
        now(),
    )
    .map_err(|e| e.code().to_string())
}

fn userinfo_code(op: &Op, claims: &Value) -> String {
    let body = encrypt(
        &rp_enc_key(),
        &op.sign(claims),
        JweAlg::EcdhEs,
        JweEnc::A256Gcm,
    );
    match login(op, &body, &expectations()) {
        Ok(_) => "valid".into(),
        Err(c) => c,
    }
}

#[test]
fn check_9_a_genuine_userinfo_and_the_identity() {
    let op = op();
    let body = encrypt(
        &rp_enc_key(),
        &op.sign(&userinfo_claims()),
        JweAlg::EcdhEsA256Kw,
        JweEnc::A256CbcHs512,
    );
    let l = login(&op, &body, &expectations()).unwrap();
    let u = l.userinfo().unwrap();
    assert_eq!(u.jwe_alg(), JweAlg::EcdhEsA256Kw);
    assert_eq!(u.jwe_enc(), JweEnc::A256CbcHs512);
    assert_eq!(u.jws().key_kid(), Some("op-rsa"));
    let id = l.identity();
    assert_eq!(id, u.identity());
    assert_eq!(id.system(), System::Spid);
    assert_eq!(id.issuer(), Some(OP));
    assert_eq!(id.subject_id(), Some("TINIT-RSSMRA80A01H501U"));
    assert_eq!(id.given_name(), Some("Mario"));
    assert_eq!(id.family_name(), Some("Rossi"));
    assert_eq!(id.birth_date(), Some("1980-01-01"));
    assert_eq!(id.level(), Some("SpidL2"));
    assert_eq!(id.loa(), Some(Loa::Substantial));
    let attrs = id.attributes();
    let keys: Vec<&str> = attrs.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "https://attributes.spid.gov.it/address",
            "https://attributes.spid.gov.it/email",
            "https://attributes.spid.gov.it/mobilePhone",
            "sub"
        ]
    );
    assert_eq!(attrs["sub"], "pairwise-7f3a9c");
    assert_eq!(
        attrs["https://attributes.spid.gov.it/email"],
        "mario.rossi@example.it"
    );
    assert_eq!(
        attrs["https://attributes.spid.gov.it/address"],
        r#"{"street":"Via Roma 1"}"#
    );
    assert_eq!(
        attrs["https://attributes.spid.gov.it/mobilePhone"],
        "393331234567"
    );
    // Every alg x enc the contract names.
    for alg in [
        JweAlg::EcdhEs,
        JweAlg::EcdhEsA128Kw,
        JweAlg::EcdhEsA192Kw,
        JweAlg::EcdhEsA256Kw,
    ] {
        for enc in [
            JweEnc::A128CbcHs256,
            JweEnc::A192CbcHs384,
            JweEnc::A256CbcHs512,
            JweEnc::A128Gcm,
            JweEnc::A192Gcm,
            JweEnc::A256Gcm,
        ] {
            let body = encrypt(&rp_enc_key(), &op.sign(&userinfo_claims()), alg, enc);
            let l = login(&op, &body, &expectations())
                .unwrap_or_else(|c| panic!("{alg:?} {enc:?}: {c}"));
            assert_eq!(l.userinfo().unwrap().jwe_enc(), enc);
        }
    }
    // Without a UserInfo: the ID token's identity only.
    let response = TokenResponse {
        id_token: op.sign(&claims()),
        access_token: None,
        userinfo: None,
    };
    let l = rp::verify_login(
        crypto::default_backend(),
        &op.jwks,
        None,
        &response,
        &expectations(),
        now(),
    )
    .unwrap();
    assert!(l.userinfo().is_none());
    assert_eq!(l.identity().subject_id(), None);
    // A UserInfo but no decryption key: the caller's mistake.
    let response = TokenResponse {
        userinfo: Some(body),
        ..response
    };
    assert_eq!(
        rp::verify_login(
            crypto::default_backend(),
            &op.jwks,
            None,
            &response,
            &expectations(),
            now()
        )
        .unwrap_err()
        .code(),
        "config.invalid"
    );
}

#[test]
fn check_9_cie_claim_names() {
    let op = op();
    let cie = json!({
        "iss": OP, "aud": CLIENT, "sub": "pairwise-7f3a9c",
        "given_name": "Maria", "family_name": "Bianchi", "birthdate": "1985-07-14",
        "https://attributes.eid.gov.it/fiscal_number": "TINIT-BNCMRA85L54H501U",
    });
    let body = encrypt(
        &rp_enc_key(),
        &op.sign(&cie),
        JweAlg::EcdhEs,
        JweEnc::A256Gcm,
    );
    let mut e = expectations();
    e.system = System::Cie;
    let l = login(&op, &body, &e).unwrap();
    let id = l.identity();
    assert_eq!(id.system(), System::Cie);
    assert_eq!(id.subject_id(), Some("TINIT-BNCMRA85L54H501U"));
    assert_eq!(id.given_name(), Some("Maria"));
    assert_eq!(id.family_name(), Some("Bianchi"));
    assert_eq!(id.birth_date(), Some("1985-07-14"));
    // The CIE names are not the contract's mapping: they stay attributes too.
    assert_eq!(id.attributes()["given_name"], "Maria");
}

#[test]
fn check_9_userinfo_claims() {
    let op = op();
    assert_eq!(userinfo_code(&op, &userinfo_claims()), "valid");
    // sub: another, missing, mistyped.
    for sub in [json!("pairwise-other"), json!(""), json!(7), Value::Null] {
        assert_eq!(
            userinfo_code(&op, &with(userinfo_claims(), "sub", sub.clone())),
            "oidc.subject.mismatch",
            "{sub}"
        );
    }
    assert_eq!(
        userinfo_code(&op, &without(userinfo_claims(), "sub")),
        "oidc.subject.mismatch"
    );
    // iss: another, missing, mistyped.
    for iss in [json!("https://evil.example/"), json!(1)] {
        assert_eq!(
            userinfo_code(&op, &with(userinfo_claims(), "iss", iss)),
            "oidc.issuer.mismatch"
        );
    }
    assert_eq!(
        userinfo_code(&op, &without(userinfo_claims(), "iss")),
        "oidc.issuer.mismatch"
    );
    // aud: the ID token's rule.
    assert_eq!(
        userinfo_code(&op, &with(userinfo_claims(), "aud", json!([CLIENT]))),
        "valid"
    );
    for aud in [
        json!("https://other-rp.example.it/"),
        json!([CLIENT, "https://other-rp.example.it/"]),
        json!([]),
        json!(3),
    ] {
        assert_eq!(
            userinfo_code(&op, &with(userinfo_claims(), "aud", aud.clone())),
            "oidc.audience.mismatch",
            "{aud}"
        );
    }
    assert_eq!(
        userinfo_code(&op, &without(userinfo_claims(), "aud")),
        "oidc.audience.mismatch"
    );
    assert_eq!(
        userinfo_code(&op, &with(userinfo_claims(), "azp", json!("https://x/"))),
        "oidc.audience.mismatch"
    );
    // An OP that leaves iss and aud out (spid-cie-oidc-django): only by opt-in,
    // and what is present is still checked.
    let bare = without(without(userinfo_claims(), "iss"), "aud");
    let body = encrypt(
        &rp_enc_key(),
        &op.sign(&bare),
        JweAlg::EcdhEs,
        JweEnc::A256Gcm,
    );
    assert_eq!(
        login(&op, &body, &expectations()).unwrap_err(),
        "oidc.issuer.mismatch"
    );
    let mut lenient = expectations();
    lenient.userinfo_iss_aud = UserinfoIssAud::IfPresent;
    assert!(login(&op, &body, &lenient).is_ok());
    let wrong_aud = with(
        without(userinfo_claims(), "iss"),
        "aud",
        json!("https://x/"),
    );
    let body = encrypt(
        &rp_enc_key(),
        &op.sign(&wrong_aud),
        JweAlg::EcdhEs,
        JweEnc::A256Gcm,
    );
    assert_eq!(
        login(&op, &body, &lenient).unwrap_err(),
        "oidc.audience.mismatch"
    );
    let wrong_iss = with(
        without(userinfo_claims(), "aud"),
        "iss",
        json!("https://x/"),
    );
    let body = encrypt(
        &rp_enc_key(),
        &op.sign(&wrong_iss),
        JweAlg::EcdhEs,
        JweEnc::A256Gcm,
    );
    assert_eq!(
        login(&op, &body, &lenient).unwrap_err(),
        "oidc.issuer.mismatch"
    );
}

#[test]
fn check_9_the_envelope_and_the_inner_jws() {
    let op = op();
    let key = rp_enc_key();
    let inner = op.sign(&userinfo_claims());
    // Not encrypted: a bare JWS, plain JSON, other segment counts.
    let plain_json = userinfo_claims().to_string();
    for body in [
        inner.as_str(),
        plain_json.as_str(),
        "",
        "a.b.c.d",
        "a.b.c.d.e.f",
    ] {
        assert_eq!(
            login(&op, body, &expectations()).unwrap_err(),
            "oidc.userinfo.not_encrypted",
            "{body:.30}"
        );
    }
    // Five segments that are not a JWE.
    assert_eq!(
        login(&op, "a.b.c.d.e", &expectations()).unwrap_err(),
        "jwe.malformed"
    );
    // RSA1_5 (forbidden by the guidelines) and algorithms off the allow-list.
    let rsa1_5 = format!(
        "{}.AQ.AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA",
        B64.encode(br#"{"alg":"RSA1_5","enc":"A128CBC-HS256"}"#)
    );
    assert_eq!(
        login(&op, &rsa1_5, &expectations()).unwrap_err(),
        "jwe.algorithm.forbidden"
    );
    let mut narrow = expectations();
    narrow.userinfo_jwe = jose::JweOptions::new().allow_encs(&[JweEnc::A256CbcHs512]);
    let gcm = encrypt(&key, &inner, JweAlg::EcdhEs, JweEnc::A128Gcm);
    assert_eq!(
        login(&op, &gcm, &narrow).unwrap_err(),
        "jwe.algorithm.forbidden"
    );
    // Encrypted to another key; a changed ciphertext.
    let other = DecryptionKey::from_jwk_json(
        br#"{"kty":"EC","crv":"P-256","kid":"rp-enc-1",
        "x":"gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0",
        "y":"SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps",
        "d":"0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo"}"#,
    )
    .unwrap();
    let to_other = encrypt(&other, &inner, JweAlg::EcdhEs, JweEnc::A256Gcm);
    assert_eq!(
        login(&op, &to_other, &expectations()).unwrap_err(),
        "jwe.decryption.failed"
    );
    let good = encrypt(&key, &inner, JweAlg::EcdhEs, JweEnc::A256Gcm);
    let mut parts: Vec<String> = good.split('.').map(str::to_string).collect();
    let mut ct = B64.decode(&parts[3]).unwrap();
    ct[0] ^= 1;
    parts[3] = B64.encode(ct);
    assert_eq!(
        login(&op, &parts.join("."), &expectations()).unwrap_err(),
        "jwe.decryption.failed"
    );
    // The inner JWT: unsigned, signed by another key, without a kid, not a JWS.
    let payload = B64.encode(userinfo_claims().to_string());
    let none = format!("{}.{payload}.", B64.encode(br#"{"alg":"none"}"#));
    let forged = jose::sign_compact(
        &signer("rsa2048-b"),
        "RS256",
        Some("op-rsa"),
        None,
        userinfo_claims().to_string().as_bytes(),
    )
    .unwrap();
    let no_kid = jose::sign_compact(
        &op.rsa,
        "RS256",
        None,
        None,
        userinfo_claims().to_string().as_bytes(),
    )
    .unwrap();
    for (inner, code) in [
        (none.as_str(), "jws.algorithm.forbidden"),
        (forged.as_str(), "jws.signature.invalid"),
        (no_kid.as_str(), "jws.kid.missing"),
        (plain_json.as_str(), "jws.malformed"),
    ] {
        let body = encrypt(&key, inner, JweAlg::EcdhEs, JweEnc::A256Gcm);
        assert_eq!(login(&op, &body, &expectations()).unwrap_err(), code);
    }
    // The ID token is checked first: a bad ID token with a good UserInfo.
    let response = TokenResponse {
        id_token: op.sign(&with(claims(), "nonce", json!("x"))),
        access_token: Some(AT.into()),
        userinfo: Some(good),
    };
    assert_eq!(
        rp::verify_login(
            crypto::default_backend(),
            &op.jwks,
            Some(&key),
            &response,
            &expectations(),
            now()
        )
        .unwrap_err()
        .code(),
        "oidc.nonce.mismatch"
    );
}

#[test]
fn the_token_response_document() {
    let limits = idbridge::Limits::default();
    let r = TokenResponse::from_json(
        br#"{"id_token":"a.b.c","access_token":"t","userinfo":"u","token_type":"Bearer","expires_in":1980}"#,
        &limits,
    )
    .unwrap();
    assert_eq!(r.id_token, "a.b.c");
    assert_eq!(r.access_token.as_deref(), Some("t"));
    assert_eq!(r.userinfo.as_deref(), Some("u"));
    for (doc, code) in [
        (&br#"{"access_token":"t"}"#[..], "input.json"),
        (br#"{"id_token":1}"#, "input.json"),
        (br#"{"id_token":"a","access_token":null}"#, "input.json"),
        (br#"{"id_token":"a","id_token":"b"}"#, "input.json"),
        (br#"["id_token"]"#, "input.json"),
        (b"not json", "input.json"),
        (b"\xff", "input.encoding"),
    ] {
        assert_eq!(
            TokenResponse::from_json(doc, &limits).unwrap_err().code(),
            code,
            "{}",
            String::from_utf8_lossy(doc)
        );
    }
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(
        TokenResponse::from_json(deep.as_bytes(), &limits)
            .unwrap_err()
            .code(),
        "input.json"
    );
    let big = vec![b' '; limits.max_input_bytes() + 1];
    assert_eq!(
        TokenResponse::from_json(&big, &limits).unwrap_err().code(),
        "input.too_large"
    );
}

#[test]
fn hostile_sizes_are_bounded() {
    let op = op();
    // A 5 MB "token", a JWS with a huge header, a huge UserInfo: codes, no panic.
    let huge = "a".repeat(5 * 1024 * 1024);
    assert_eq!(
        verify_at(&op, &huge, None, &expectations(), now()).unwrap_err(),
        "input.too_large"
    );
    let dotted = format!("{huge}.{huge}.{huge}.{huge}.{huge}");
    let code = login(&op, &dotted, &expectations()).unwrap_err();
    assert_eq!(code, "input.too_large");
    // 10,000-deep JSON claims.
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let token = format!(
        "{}.{}.AA",
        B64.encode(br#"{"alg":"RS256","kid":"op-rsa"}"#),
        B64.encode(format!(r#"{{"a":{deep}}}"#))
    );
    assert_eq!(
        verify_at(&op, &token, None, &expectations(), now()).unwrap_err(),
        "jws.malformed"
    );
}

/// The shared vectors' tokens, through the library directly (the runner
/// has its own test): the UserInfo of the genuine login, and the RSA1_5 and
/// unsigned-inner cases.
#[test]
fn the_shared_oidc_id_token_data() {
    let t = "the_shared_oidc_id_token_data";
    let Some(jwks) = common::shared::read(t, "data/oidc-id-token/keys/op.jwks.json") else {
        return;
    };
    let op_jwks = JwkSet::from_json(&jwks).unwrap();
    let key = common::shared::read(t, "data/oidc-id-token/keys/rp-enc-private.jwk.json").unwrap();
    let key = DecryptionKey::from_jwk_json(&key).unwrap();
    let e = Expectations::new(
        "https://rp.idbridge.test/",
        "https://op.idbridge.test/",
        "n0nceN0nceN0nceN0nceN0nceN0nce42abcd",
    );
    let now = UnixTime::parse_rfc3339("2026-01-15T10:00:30Z").unwrap();
    let run = |name: &str| {
        let doc =
            common::shared::read(t, &format!("data/oidc-id-token/tokens/{name}.json")).unwrap();
        let r = TokenResponse::from_json(&doc, &idbridge::Limits::default()).unwrap();
        rp::verify_login(crypto::default_backend(), &op_jwks, Some(&key), &r, &e, now)
    };
    let l = run("valid-full").unwrap();
    assert_eq!(l.identity().subject_id(), Some("TINIT-RSSMRA80A01H501U"));
    assert_eq!(l.userinfo().unwrap().jwe_alg(), JweAlg::RsaOaep);
    assert_eq!(l.userinfo().unwrap().jwe_enc(), JweEnc::A256CbcHs512);
    for (name, code) in [
        ("ui-rsa1_5", "jwe.algorithm.forbidden"),
        ("ui-inner-none", "jws.algorithm.forbidden"),
        ("ui-plain-jws", "oidc.userinfo.not_encrypted"),
        ("ui-sub-other", "oidc.subject.mismatch"),
        ("at-hash-bad", "oidc.at_hash.mismatch"),
    ] {
        assert_eq!(run(name).unwrap_err().code(), code, "{name}");
    }
}
