//! JOSE: compact JWS, JWK and JWK Sets. Every check of `jose` fails closed
//! with its own code (VECTORS.md's JOSE rules and order), on every backend;
//! the RFC examples that use algorithms idbridge allows verify; hostile
//! inputs end in a code, never a panic.
#![cfg(all(feature = "jose", not(target_arch = "wasm32")))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use idbridge::crypto::{self, Algorithm, AllowList, PublicKey, RustCryptoSigner, Signer};
use idbridge::jose::{self, typ, Jwk, JwkSet, JwsOptions, KeyUse, KidRule};
use idbridge::{ErrorCode, Limits};

// ------------------------------------------------------------ RFC examples

/// RFC 7515 Appendix A.1.1's payload, as the examples encode it (CRLF and
/// a leading space in the JSON text).
const RFC7515_PAYLOAD: &str =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";

/// RFC 7515 A.2.1: the RSA key (public members).
const RFC7515_A2_N: &str = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
/// RFC 7515 A.2.1: the RS256 signature.
const RFC7515_A2_SIG: &str = "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
/// RFC 7515 A.3.1: the P-256 key.
const RFC7515_A3_X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
const RFC7515_A3_Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
/// RFC 7515 A.3.1: the ES256 signature (raw R ‖ S).
const RFC7515_A3_SIG: &str =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

fn rfc_a2_set() -> JwkSet {
    JwkSet::from_json(
        format!(r#"{{"keys":[{{"kty":"RSA","n":"{RFC7515_A2_N}","e":"AQAB"}}]}}"#).as_bytes(),
    )
    .unwrap()
}

fn rfc_a3_set() -> JwkSet {
    JwkSet::from_json(
        format!(
            r#"{{"keys":[{{"kty":"EC","crv":"P-256","x":"{RFC7515_A3_X}","y":"{RFC7515_A3_Y}"}}]}}"#
        )
        .as_bytes(),
    )
    .unwrap()
}

fn code(r: idbridge::Result<impl Sized>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

/// Verifies on every backend; all must agree; returns the shared code.
fn verify_all(keys: &JwkSet, token: &str, options: &JwsOptions) -> &'static str {
    let codes: Vec<&'static str> = crypto::backends()
        .iter()
        .map(|b| code(jose::verify_compact(*b, keys, token, options)))
        .collect();
    assert!(
        codes.windows(2).all(|w| w[0] == w[1]),
        "backends disagree: {codes:?}"
    );
    codes[0]
}

fn opts() -> JwsOptions {
    JwsOptions::new()
}

#[test]
fn rfc7515_a2_rs256_verifies_on_every_backend() {
    let token = format!("eyJhbGciOiJSUzI1NiJ9.{RFC7515_PAYLOAD}.{RFC7515_A2_SIG}");
    assert_eq!(verify_all(&rfc_a2_set(), &token, &opts()), "ok");
    let v =
        jose::verify_compact(crypto::default_backend(), &rfc_a2_set(), &token, &opts()).unwrap();
    assert_eq!(v.alg(), "RS256");
    assert_eq!(v.algorithm(), Algorithm::RSA_PKCS1V15_SHA256);
    assert_eq!(v.header().raw(), br#"{"alg":"RS256"}"#);
    assert_eq!(
        v.payload(),
        b"{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"
    );
    assert_eq!(v.key_kid(), None);
    assert_eq!(v.key_thumbprint(), rfc_a2_set().keys()[0].thumbprint());
    // The same signature under PS256 (another padding), or a changed payload.
    let ps = format!("eyJhbGciOiJQUzI1NiJ9.{RFC7515_PAYLOAD}.{RFC7515_A2_SIG}");
    assert_eq!(
        verify_all(&rfc_a2_set(), &ps, &opts()),
        "jws.signature.invalid"
    );
    let changed = format!(
        "eyJhbGciOiJSUzI1NiJ9.{}.{RFC7515_A2_SIG}",
        B64.encode(br#"{"iss":"joe","exp":1300819380,"http://example.com/is_root":true}"#)
    );
    assert_eq!(
        verify_all(&rfc_a2_set(), &changed, &opts()),
        "jws.signature.invalid"
    );
}

#[test]
fn rfc7515_a3_es256_verifies_on_every_backend() {
    let token = format!("eyJhbGciOiJFUzI1NiJ9.{RFC7515_PAYLOAD}.{RFC7515_A3_SIG}");
    assert_eq!(verify_all(&rfc_a3_set(), &token, &opts()), "ok");
    // The RSA key of A.2 does not suit ES256.
    assert_eq!(
        verify_all(&rfc_a2_set(), &token, &opts()),
        "jws.key.mismatch"
    );
    // ES384 on the P-256 key: the header's curve must be the key's.
    let es384 = format!("eyJhbGciOiJFUzM4NCJ9.{RFC7515_PAYLOAD}.{RFC7515_A3_SIG}");
    assert_eq!(
        verify_all(&rfc_a3_set(), &es384, &opts()),
        "jws.key.mismatch"
    );
    // A DER-encoded signature is not what ES256 means (RFC 7518 §3.4).
    let raw = B64.decode(RFC7515_A3_SIG).unwrap();
    let der = der_ecdsa(&raw[..32], &raw[32..]);
    let der_token = format!("eyJhbGciOiJFUzI1NiJ9.{RFC7515_PAYLOAD}.{}", B64.encode(der));
    assert_eq!(
        verify_all(&rfc_a3_set(), &der_token, &opts()),
        "jws.signature.invalid"
    );
    // Every bit of the signature matters.
    for i in [0, 31, 32, 63] {
        let mut sig = raw.clone();
        sig[i] ^= 1;
        let t = format!(
            "eyJhbGciOiJFUzI1NiJ9.{RFC7515_PAYLOAD}.{}",
            B64.encode(&sig)
        );
        assert_eq!(
            verify_all(&rfc_a3_set(), &t, &opts()),
            "jws.signature.invalid",
            "{i}"
        );
    }
}

fn der_ecdsa(r: &[u8], s: &[u8]) -> Vec<u8> {
    fn int(x: &[u8]) -> Vec<u8> {
        let x: Vec<u8> = x.iter().copied().skip_while(|b| *b == 0).collect();
        let mut c = if x[0] & 0x80 != 0 { vec![0] } else { vec![] };
        c.extend_from_slice(&x);
        let mut out = vec![2, c.len() as u8];
        out.extend(c);
        out
    }
    let mut body = int(r);
    body.extend(int(s));
    let mut out = vec![0x30, body.len() as u8];
    out.extend(body);
    out
}

#[test]
fn rfc7638_thumbprint_example() {
    // RFC 7638 §3.1: the example key and its SHA-256 thumbprint.
    let jwk = Jwk::from_json(br#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#).unwrap();
    assert_eq!(
        jwk.thumbprint(),
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
    assert!(jwk
        .thumbprint_input()
        .starts_with(r#"{"e":"AQAB","kty":"RSA","n":"0vx7"#));
    assert!(!jwk.thumbprint_input().contains(' '));
    // Optional members do not change the thumbprint; the key does.
    let n = &jwk.thumbprint_input()[29..29 + 342];
    assert!(n.starts_with("0vx7") && n.ends_with("qDKgw"));
    let bare =
        Jwk::from_json(format!(r#"{{"e":"AQAB","n":"{n}","kty":"RSA"}}"#).as_bytes()).unwrap();
    assert_eq!(bare.thumbprint(), jwk.thumbprint());
    // EC: crv, kty, x, y in that order.
    let set = rfc_a3_set();
    let ec = &set.keys()[0];
    assert_eq!(
        ec.thumbprint_input(),
        format!(r#"{{"crv":"P-256","kty":"EC","x":"{RFC7515_A3_X}","y":"{RFC7515_A3_Y}"}}"#)
    );
    use sha2::Digest;
    assert_eq!(
        ec.thumbprint(),
        B64.encode(sha2::Sha256::digest(ec.thumbprint_input().as_bytes()))
    );
}

// ------------------------------------------------------------ our signers

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
    fn new(seed: u8) -> P521Signer {
        let mut scalar = [seed; 66];
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
        // ES512 only: the curve's own hash, SHA-512.
        assert_eq!(algorithm, Algorithm::ECDSA_P521_SHA512_RAW);
        let sig: p521::ecdsa::Signature = self
            .key
            .sign_prehash_with_rng(&mut rand_core::OsRng, &algorithm.hash().digest(message))
            .unwrap();
        Ok(sig.to_bytes().to_vec())
    }
}

fn k<'a>(s: &'a dyn Signer, kid: Option<&'a str>) -> (&'a dyn Signer, Option<&'a str>) {
    (s, kid)
}

fn set_of(keys: &[(&dyn Signer, Option<&str>)]) -> JwkSet {
    JwkSet::from_keys(
        keys.iter()
            .map(|(s, kid)| {
                let jwk = Jwk::from_public_key(s.public_key()).unwrap();
                match kid {
                    Some(k) => jwk.with_kid(*k),
                    None => jwk,
                }
            })
            .collect(),
    )
    .unwrap()
}

const CLAIMS: &[u8] = br#"{"iss":"https://op.example","sub":"abc","aud":"https://rp.example"}"#;

#[test]
fn every_allowed_algorithm_round_trips_on_every_backend() {
    let rsa = signer("rsa2048");
    let p256 = signer("p256");
    let p384 = signer("p384");
    let p521 = P521Signer::new(7);
    let cases: [(&dyn Signer, &str); 9] = [
        (&rsa, "RS256"),
        (&rsa, "RS384"),
        (&rsa, "RS512"),
        (&rsa, "PS256"),
        (&rsa, "PS384"),
        (&rsa, "PS512"),
        (&p256, "ES256"),
        (&p384, "ES384"),
        (&p521, "ES512"),
    ];
    let keys = set_of(&[
        k(&rsa, Some("rsa")),
        k(&p256, Some("p256")),
        k(&p384, Some("p384")),
        k(&p521, Some("p521")),
    ]);
    for (s, alg) in cases {
        let kid = keys
            .keys()
            .iter()
            .find(|k| k.public_key() == s.public_key())
            .unwrap()
            .kid();
        let token = jose::sign_compact(s, alg, kid, Some("at+jwt"), CLAIMS).unwrap();
        assert_eq!(
            verify_all(&keys, &token, &opts().require_kid()),
            "ok",
            "{alg}"
        );
        let v = jose::verify_compact(crypto::default_backend(), &keys, &token, &opts()).unwrap();
        assert_eq!(v.alg(), alg);
        assert_eq!(v.key_kid(), kid);
        assert_eq!(v.payload(), CLAIMS);
        assert!(v.typ_is(typ::AT_JWT));
        assert!(!v.typ_is(typ::ENTITY_STATEMENT));
        // Without a kid, every trusted key is a candidate: the right one is found.
        let no_kid = jose::sign_compact(s, alg, None, None, CLAIMS).unwrap();
        assert_eq!(verify_all(&keys, &no_kid, &opts()), "ok", "{alg}");
        // Off the caller's allow-list: forbidden before any key is looked at.
        let a = v.algorithm();
        let narrow = opts().allow(AllowList::default().without(a));
        assert_eq!(
            verify_all(&keys, &token, &narrow),
            "jws.algorithm.forbidden",
            "{alg}"
        );
    }
}

#[test]
fn signing_refuses_what_verification_would_refuse() {
    let p256 = signer("p256");
    for (alg, want) in [
        ("none", "jws.algorithm.forbidden"),
        ("HS256", "jws.algorithm.forbidden"),
        ("es256", "jws.algorithm.forbidden"),
        ("RS256", "jws.key.mismatch"),
        ("ES384", "jws.key.mismatch"),
    ] {
        assert_eq!(
            code(jose::sign_compact(&p256, alg, None, None, CLAIMS)),
            want,
            "{alg}"
        );
    }
    for payload in [&b"[]"[..], b"\"x\"", b"{\"a\":1,\"a\":2}", b"not json"] {
        assert_eq!(
            code(jose::sign_compact(&p256, "ES256", None, None, payload)),
            "jws.malformed"
        );
    }
    // Header values are JSON-escaped, not spliced.
    let t = jose::sign_compact(&p256, "ES256", Some("a\"b"), None, CLAIMS).unwrap();
    let keys = set_of(&[k(&p256, Some("a\"b"))]);
    assert_eq!(verify_all(&keys, &t, &opts().require_kid()), "ok");
}

// ------------------------------------------------------------ forged tokens

fn b64(s: &str) -> String {
    B64.encode(s.as_bytes())
}

/// A token with this header and payload text, signed by `s` over exactly
/// those bytes (so only the check under test can fail).
fn signed(s: &dyn Signer, alg: Algorithm, header: &str, payload: &str) -> String {
    let input = format!("{}.{}", b64(header), b64(payload));
    let sig = s.sign(alg, input.as_bytes()).unwrap();
    format!("{input}.{}", B64.encode(sig))
}

fn es256(header: &str) -> String {
    signed(
        &signer("p256"),
        Algorithm::ECDSA_P256_SHA256_RAW,
        header,
        r#"{"sub":"x"}"#,
    )
}

fn p256_set(kid: Option<&str>) -> JwkSet {
    set_of(&[k(&signer("p256"), kid)])
}

#[test]
fn step1_malformed() {
    let keys = p256_set(Some("k"));
    let good = es256(r#"{"alg":"ES256","kid":"k"}"#);
    assert_eq!(verify_all(&keys, &good, &opts()), "ok");
    let (h, rest) = good.split_once('.').unwrap();
    let (p, s) = rest.split_once('.').unwrap();
    let cases: Vec<(String, &str)> = vec![
        (format!("{h}.{p}"), "two segments"),
        (format!("{h}.{p}.{s}."), "four segments"),
        (format!("{h}.{p}.{s}.{s}"), "four segments (JWE-like)"),
        (String::new(), "empty"),
        ("..".into(), "empty segments"),
        (format!("{h}=.{p}.{s}"), "padding on the header"),
        (format!("{h}.{p}=.{s}"), "padding on the payload"),
        (format!("{h}.{p}.{s}="), "padding on the signature"),
        (format!("{h}.{p}.{s}==="), "padding on the signature"),
        (format!(" {h}.{p}.{s}"), "leading space"),
        (format!("{h}.{p}.{s}\n"), "trailing newline"),
        (
            format!("{h}.{p}.{}", s.replace('-', "+").replace('_', "/")),
            "standard alphabet",
        ),
        (format!("{h}.{p}.{s}AAA"), "a length of 1 mod 4"),
        (
            format!("{h}.{p}.{}", &s[..s.len() - 1]),
            "truncated by a character",
        ),
        (
            format!("{h}.{p}.{}B", &s[..s.len() - 1]),
            "non-zero trailing bits",
        ),
        (format!("{}.{p}.{s}", b64("not json")), "header not JSON"),
        (
            format!("{}.{p}.{s}", b64(r#"["alg","ES256"]"#)),
            "header an array",
        ),
        (format!("{}.{p}.{s}", b64(r#""ES256""#)), "header a string"),
        (
            format!("{}.{p}.{s}", b64(r#"{"alg":"ES256","alg":"ES256"}"#)),
            "duplicate alg",
        ),
        (
            format!("{}.{p}.{s}", b64(r#"{"alg":"ES256","kid":"k","kid":"k"}"#)),
            "duplicate kid",
        ),
        (
            format!("{}.{p}.{s}", b64(r#"{"alg":"ES256","\u0061lg":"none"}"#)),
            "duplicate alg, escaped",
        ),
        (
            format!(
                "{}.{p}.{s}",
                b64(r#"{"alg":"ES256","kid":"k","k\u0069d":"x"}"#)
            ),
            "duplicate kid, escaped",
        ),
        (
            format!("{}.{p}.{s}", B64.encode(b"\xef\xbb\xbf{\"alg\":\"ES256\"}")),
            "a byte order mark",
        ),
        (
            format!("{}.{p}.{s}", b64(r#"{"alg":"ES256"} x"#)),
            "trailing data",
        ),
        (
            format!("{}.{p}.{s}", B64.encode(b"{\"alg\":\"ES256\xff\"}")),
            "header not UTF-8",
        ),
        (format!("{}.{p}.{s}", b64(r#"{"kid":"k"}"#)), "no alg"),
        (format!("{}.{p}.{s}", b64(r#"{"alg":256}"#)), "alg a number"),
        (format!("{}.{p}.{s}", b64(r#"{"alg":null}"#)), "alg null"),
        (
            format!("{}.{p}.{s}", b64(r#"{"alg":"ES256","kid":7}"#)),
            "kid a number",
        ),
        (
            format!("{}.{p}.{s}", b64(r#"{"alg":"ES256","typ":["JWT"]}"#)),
            "typ an array",
        ),
        (
            format!("{}.{p}.{s}", b64(r#"{"alg":"ES256","cty":1}"#)),
            "cty a number",
        ),
        (
            format!("{}.{p}.{s}", b64(r#"{"alg":"ES256","b64":"false"}"#)),
            "b64 a string",
        ),
        (
            format!("{}.{p}.{s}", b64(r#"{"alg":"ES256","crit":[]}"#)),
            "crit empty",
        ),
        (
            format!("{}.{p}.{s}", b64(r#"{"alg":"ES256","crit":"x","x":1}"#)),
            "crit a string",
        ),
        (
            format!("{}.{p}.{s}", b64(r#"{"alg":"ES256","crit":[1]}"#)),
            "crit a number",
        ),
        (
            format!(
                "{}.{p}.{s}",
                b64(r#"{"alg":"ES256","crit":["kid"],"kid":"k"}"#)
            ),
            "crit registered",
        ),
        (
            format!("{}.{p}.{s}", b64(r#"{"alg":"ES256","crit":["x"]}"#)),
            "crit absent member",
        ),
        (
            format!(
                "{}.{p}.{s}",
                b64(r#"{"alg":"ES256","crit":["x","x"],"x":1}"#)
            ),
            "crit twice",
        ),
        (format!("{h}.{}.{s}", b64("[]")), "payload an array"),
        (
            format!("{h}.{}.{s}", b64("Example of Ed25519 signing")),
            "payload not JSON",
        ),
        (
            format!("{h}.{}.{s}", b64(r#"{"a":1,"a":2}"#)),
            "payload duplicate key",
        ),
        (format!("{h}..{s}"), "payload empty"),
        (
            format!("{h}.{}.{s}", b64(r#"{"sub":"x","\u0073ub":"y"}"#)),
            "payload duplicate, escaped",
        ),
        (
            format!(
                "{h}.{}.{s}",
                b64(&format!("{}1{}", "[".repeat(40), "]".repeat(40)))
            ),
            "payload too deep",
        ),
    ];
    for (token, what) in cases {
        assert_eq!(
            verify_all(&keys, &token, &opts()),
            "jws.malformed",
            "{what}"
        );
    }
}

#[test]
fn step1_comes_before_the_algorithm() {
    // alg none in a header with a duplicate key: the header is malformed first.
    let t = format!("{}.{}.", b64(r#"{"alg":"none","alg":"none"}"#), b64("{}"));
    assert_eq!(verify_all(&p256_set(None), &t, &opts()), "jws.malformed");
}

#[test]
fn step2_algorithm_forbidden() {
    let keys = p256_set(Some("k"));
    let payload = b64(r#"{"sub":"x"}"#);
    for alg in [
        "none", "None", "NONE", "HS256", "HS384", "HS512", "hs256", "es256", "ES256K", "RS1",
        "EdDSA", "Ed25519", "ES256 ", "", "RSA-OAEP", "dir", "A128KW",
    ] {
        for sig in ["", "AAAA", &B64.encode([0u8; 64])] {
            let t = format!(
                "{}.{payload}.{sig}",
                b64(&format!(r#"{{"alg":"{alg}","kid":"k"}}"#))
            );
            assert_eq!(
                verify_all(&keys, &t, &opts()),
                "jws.algorithm.forbidden",
                "{alg:?}"
            );
        }
    }
    // Before the kid rule and before any key: no kid, no keys.
    let t = format!("{}.{payload}.", b64(r#"{"alg":"none"}"#));
    assert_eq!(
        verify_all(&JwkSet::default(), &t, &opts().require_kid()),
        "jws.algorithm.forbidden"
    );
    // An allow-list that names nothing refuses everything.
    let good = es256(r#"{"alg":"ES256","kid":"k"}"#);
    assert_eq!(
        verify_all(&keys, &good, &opts().allow(AllowList::none())),
        "jws.algorithm.forbidden"
    );
    // ES256 means raw r‖s on P-256 with SHA-256: allowing only the DER
    // variant or another hash does not allow ES256.
    let der_only = AllowList::none().with(Algorithm::from_id("ecdsa-p256-sha256-der").unwrap());
    assert_eq!(
        verify_all(&keys, &good, &opts().allow(der_only)),
        "jws.algorithm.forbidden"
    );
}

#[test]
fn step3_critical_extensions_and_unencoded_payloads() {
    let keys = p256_set(Some("k"));
    for header in [
        r#"{"alg":"ES256","kid":"k","crit":["exp"],"exp":1}"#,
        r#"{"alg":"ES256","kid":"k","crit":["b64"],"b64":true}"#,
        r#"{"alg":"ES256","kid":"k","crit":["b64"],"b64":false}"#,
        r#"{"alg":"ES256","kid":"k","b64":false}"#,
    ] {
        assert_eq!(
            verify_all(&keys, &es256(header), &opts()),
            "jws.header.unsupported",
            "{header}"
        );
    }
    // b64 true without crit changes nothing (RFC 7797 §3: the default).
    assert_eq!(
        verify_all(
            &keys,
            &es256(r#"{"alg":"ES256","kid":"k","b64":true}"#),
            &opts()
        ),
        "ok"
    );
    // Non-critical unknown parameters are ignored.
    assert_eq!(
        verify_all(
            &keys,
            &es256(r#"{"alg":"ES256","kid":"k","x-ext":{"a":[1]}}"#),
            &opts()
        ),
        "ok"
    );
}

#[test]
fn step4_kid_rules() {
    let keys = p256_set(Some("k"));
    let required = opts().require_kid();
    assert_eq!(opts().kid_rule(), KidRule::Optional);
    assert_eq!(required.kid_rule(), KidRule::Required);
    assert_eq!(
        verify_all(&keys, &es256(r#"{"alg":"ES256"}"#), &required),
        "jws.kid.missing"
    );
    assert_eq!(
        verify_all(&keys, &es256(r#"{"alg":"ES256","kid":""}"#), &required),
        "jws.kid.missing"
    );
    // Optional: no kid means every key; an empty kid names no key.
    assert_eq!(
        verify_all(&keys, &es256(r#"{"alg":"ES256"}"#), &opts()),
        "ok"
    );
    assert_eq!(
        verify_all(&keys, &es256(r#"{"alg":"ES256","kid":""}"#), &opts()),
        "jws.key.untrusted"
    );
    // A kid that names no trusted key, in either rule; exact, case-sensitive.
    for kid in ["other", "K", "k ", " k"] {
        let t = es256(&format!(r#"{{"alg":"ES256","kid":"{kid}"}}"#));
        assert_eq!(
            verify_all(&keys, &t, &required),
            "jws.key.untrusted",
            "{kid:?}"
        );
        assert_eq!(
            verify_all(&keys, &t, &opts()),
            "jws.key.untrusted",
            "{kid:?}"
        );
    }
    // A kid never falls back to keys without a kid, nor to other kids.
    let unnamed = p256_set(None);
    assert_eq!(
        verify_all(&unnamed, &es256(r#"{"alg":"ES256","kid":"k"}"#), &opts()),
        "jws.key.untrusted"
    );
    // No trusted key at all.
    assert_eq!(
        verify_all(&JwkSet::default(), &es256(r#"{"alg":"ES256"}"#), &opts()),
        "jws.key.untrusted"
    );
}

#[test]
fn a_kid_selects_one_key_and_never_another() {
    let right = signer("p256");
    let wrong = signer("p256-b");
    let keys = set_of(&[k(&right, Some("right")), k(&wrong, Some("wrong"))]);
    // Signed by `right` but naming `wrong`: checked only against `wrong`.
    let t = signed(
        &right,
        Algorithm::ECDSA_P256_SHA256_RAW,
        r#"{"alg":"ES256","kid":"wrong"}"#,
        "{}",
    );
    assert_eq!(verify_all(&keys, &t, &opts()), "jws.signature.invalid");
    let t = signed(
        &right,
        Algorithm::ECDSA_P256_SHA256_RAW,
        r#"{"alg":"ES256","kid":"right"}"#,
        "{}",
    );
    assert_eq!(verify_all(&keys, &t, &opts()), "ok");
    // Without a kid both are candidates, and the result names the one that verified.
    let t = signed(
        &wrong,
        Algorithm::ECDSA_P256_SHA256_RAW,
        r#"{"alg":"ES256"}"#,
        "{}",
    );
    let v = jose::verify_compact(crypto::default_backend(), &keys, &t, &opts()).unwrap();
    assert_eq!(v.key_kid(), Some("wrong"));
    assert_eq!(v.key_thumbprint(), keys.get("wrong").unwrap().thumbprint());
}

#[test]
fn step5_key_mismatch() {
    let p256 = signer("p256");
    let rsa = signer("rsa2048");
    let es = |h: &str| signed(&p256, Algorithm::ECDSA_P256_SHA256_RAW, h, "{}");
    let keys = set_of(&[k(&p256, Some("ec")), k(&rsa, Some("rsa"))]);
    // The alg's key type or curve is not the kid's.
    let rs_on_ec = signed(
        &rsa,
        Algorithm::RSA_PKCS1V15_SHA256,
        r#"{"alg":"RS256","kid":"ec"}"#,
        "{}",
    );
    assert_eq!(verify_all(&keys, &rs_on_ec, &opts()), "jws.key.mismatch");
    assert_eq!(
        verify_all(&keys, &es(r#"{"alg":"ES256","kid":"rsa"}"#), &opts()),
        "jws.key.mismatch"
    );
    assert_eq!(
        verify_all(&keys, &es(r#"{"alg":"ES384","kid":"ec"}"#), &opts()),
        "jws.key.mismatch"
    );
    assert_eq!(
        verify_all(&keys, &es(r#"{"alg":"ES512","kid":"ec"}"#), &opts()),
        "jws.key.mismatch"
    );
    // Without a kid, no candidate of the right type: mismatch, not untrusted.
    let rsa_only = set_of(&[k(&rsa, None)]);
    assert_eq!(
        verify_all(&rsa_only, &es(r#"{"alg":"ES256"}"#), &opts()),
        "jws.key.mismatch"
    );

    // use, key_ops and alg on the JWK.
    let jwk = Jwk::from_public_key(p256.public_key()).unwrap().to_json();
    let with = |extra: &str| {
        let doc = format!(r#"{{"keys":[{},{extra}}}]}}"#, &jwk[..jwk.len() - 1]);
        JwkSet::from_json(doc.replace(",}", "}").as_bytes()).unwrap()
    };
    let t = es(r#"{"alg":"ES256"}"#);
    for (extra, want) in [
        (r#""use":"sig""#, "ok"),
        (r#""use":"enc""#, "jws.key.mismatch"),
        (r#""use":"other""#, "jws.key.mismatch"),
        (r#""key_ops":["verify"]"#, "ok"),
        (r#""key_ops":["sign","verify"]"#, "ok"),
        (r#""key_ops":["encrypt"]"#, "jws.key.mismatch"),
        (r#""key_ops":[]"#, "jws.key.mismatch"),
        (r#""use":"sig","key_ops":["sign"]"#, "jws.key.mismatch"),
        (r#""alg":"ES256""#, "ok"),
        (r#""alg":"ES384""#, "jws.key.mismatch"),
        (r#""alg":"es256""#, "jws.key.mismatch"),
        (r#""alg":"ECDH-ES""#, "jws.key.mismatch"),
    ] {
        assert_eq!(verify_all(&with(extra), &t, &opts()), want, "{extra}");
    }
}

#[test]
fn step6_signature_invalid() {
    let p256 = signer("p256");
    let keys = set_of(&[k(&p256, Some("k"))]);
    let good = es256(r#"{"alg":"ES256","kid":"k"}"#);
    let (input, sig) = good.rsplit_once('.').unwrap();
    let raw = B64.decode(sig).unwrap();
    for bad in [
        String::new(),
        B64.encode(&raw[..63]),
        B64.encode([raw.clone(), vec![0]].concat()),
        B64.encode([0u8; 64]),
        B64.encode([0xffu8; 64]),
        B64.encode(der_ecdsa(&raw[..32], &raw[32..])),
    ] {
        assert_eq!(
            verify_all(&keys, &format!("{input}.{bad}"), &opts()),
            "jws.signature.invalid"
        );
    }
    // Another key under the trusted kid (an attacker's signature).
    let attacker = signed(
        &signer("p256-b"),
        Algorithm::ECDSA_P256_SHA256_RAW,
        r#"{"alg":"ES256","kid":"k"}"#,
        r#"{"sub":"x"}"#,
    );
    assert_eq!(
        verify_all(&keys, &attacker, &opts()),
        "jws.signature.invalid"
    );
    // The same claims with a re-encoded header (whitespace): other signed bytes.
    let reheaded = format!(
        "{}.{}",
        b64(r#"{"alg":"ES256", "kid":"k"}"#),
        good.split_once('.').unwrap().1
    );
    assert_eq!(
        verify_all(&keys, &reheaded, &opts()),
        "jws.signature.invalid"
    );
    // RSA: an empty or short signature.
    let rsa = signer("rsa2048");
    let rkeys = set_of(&[k(&rsa, None)]);
    let rt = signed(&rsa, Algorithm::RSA_PSS_SHA256, r#"{"alg":"PS256"}"#, "{}");
    assert_eq!(verify_all(&rkeys, &rt, &opts()), "ok");
    let (rin, rsig) = rt.rsplit_once('.').unwrap();
    let rraw = B64.decode(rsig).unwrap();
    for bad in [
        String::new(),
        B64.encode(&rraw[1..]),
        B64.encode([&[0u8][..], &rraw[..]].concat()),
    ] {
        assert_eq!(
            verify_all(&rkeys, &format!("{rin}.{bad}"), &opts()),
            "jws.signature.invalid"
        );
    }
}

#[test]
fn candidates_are_bounded_by_the_signature_check_limit() {
    let p256 = signer("p256");
    let other = signer("p256-b");
    // 20 keys without a kid; the signer's is last.
    let mut list: Vec<(&dyn Signer, Option<&str>)> = vec![k(&other, None); 19];
    list.push(k(&p256, None));
    let keys = set_of(&list);
    let t = es256(r#"{"alg":"ES256"}"#);
    assert_eq!(verify_all(&keys, &t, &opts()), "crypto.checks.exceeded");
    let roomy = Limits::default(); // 16 checks by default
    assert_eq!(roomy.max_signature_checks(), 16);
    // With the signer's key among the first 16, it verifies.
    let mut list: Vec<(&dyn Signer, Option<&str>)> = vec![k(&other, None); 15];
    list.push(k(&p256, None));
    assert_eq!(verify_all(&set_of(&list), &t, &opts()), "ok");
}

// ------------------------------------------------------------ limits and hostile input

#[test]
fn hostile_inputs_end_in_a_code() {
    let keys = p256_set(Some("k"));
    let payload = b64("{}");
    // A 5 MB token.
    let big = format!(
        "{}.{}.AAAA",
        b64(r#"{"alg":"ES256"}"#),
        "A".repeat(5 * 1024 * 1024)
    );
    assert_eq!(verify_all(&keys, &big, &opts()), "input.too_large");
    // A header over 16 KiB.
    let long = format!(r#"{{"alg":"ES256","x":"{}"}}"#, "a".repeat(17 * 1024));
    assert_eq!(
        verify_all(&keys, &format!("{}.{payload}.", b64(&long)), &opts()),
        "input.too_large"
    );
    // A header with 1,000 members.
    let members: Vec<String> = (0..1000).map(|i| format!(r#""m{i}":0"#)).collect();
    let wide = format!(r#"{{"alg":"ES256",{}}}"#, members.join(","));
    assert_eq!(
        verify_all(&keys, &format!("{}.{payload}.", b64(&wide)), &opts()),
        "input.too_large"
    );
    // 10,000-deep JSON in the header and in the payload.
    // (Unclosed: 10,000 brackets fit the 16 KiB header bound, 20,000 would not.)
    let deep = format!(r#"{{"alg":"ES256","x":{}"#, "[".repeat(10_000));
    assert_eq!(
        verify_all(&keys, &format!("{}.{payload}.", b64(&deep)), &opts()),
        "jws.malformed"
    );
    let deep_payload = format!(r#"{{"x":{}1{}}}"#, "[".repeat(10_000), "]".repeat(10_000));
    let t = format!("{}.{}.", b64(r#"{"alg":"ES256"}"#), b64(&deep_payload));
    assert_eq!(verify_all(&keys, &t, &opts()), "jws.malformed");
    // A 1 MB payload within a caller's tighter limit... and beyond it.
    let tight = opts().with_limits(Limits::default().tighten_max_jws_bytes(1000));
    let t = es256(r#"{"alg":"ES256","kid":"k"}"#);
    assert_eq!(verify_all(&keys, &t, &tight), "ok");
    let t2 = signed(
        &signer("p256"),
        Algorithm::ECDSA_P256_SHA256_RAW,
        r#"{"alg":"ES256","kid":"k"}"#,
        &format!(r#"{{"x":"{}"}}"#, "a".repeat(1000)),
    );
    assert_eq!(verify_all(&keys, &t2, &tight), "input.too_large");
    // Many dots, many empty segments, NUL bytes, non-ASCII.
    for t in [
        ".".repeat(100_000),
        "\0.\0.\0".into(),
        "é.é.é".into(),
        "\u{202e}.a.b".into(),
    ] {
        assert_ne!(verify_all(&keys, &t, &opts()), "ok");
    }
    // Limits only tighten.
    let l = Limits::default()
        .tighten_max_jose_header_members(4)
        .tighten_max_jose_header_members(1000);
    assert_eq!(l.max_jose_header_members(), 4);
    let t = es256(r#"{"alg":"ES256","kid":"k","a":1,"b":2,"c":3}"#);
    assert_eq!(
        verify_all(&keys, &t, &opts().with_limits(l)),
        "input.too_large"
    );
}

// ------------------------------------------------------------ JWK and JWK Sets

fn ec_jwk(extra: &str) -> String {
    format!(r#"{{"kty":"EC","crv":"P-256","x":"{RFC7515_A3_X}","y":"{RFC7515_A3_Y}"{extra}}}"#)
}

#[test]
fn jwk_checks_each_fail_closed() {
    let n2048 = RFC7515_A2_N;
    let cases: Vec<(String, &str)> = vec![
        (ec_jwk(""), "ok"),
        (ec_jwk(r#","kid":"a","use":"sig","key_ops":["verify"],"alg":"ES256","x5c":[]"#), "ok"),
        // Private members, in every key type.
        (ec_jwk(r#","d":"jpsQnnGQmL-YBIffH1136cLnT8EgfH3cTzP9kGkoFtM""#), "jwk.private"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}","e":"AQAB","d":"AQAB"}}"#), "jwk.private"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}","e":"AQAB","p":"AQAB"}}"#), "jwk.private"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}","e":"AQAB","q":"AQAB"}}"#), "jwk.private"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}","e":"AQAB","dp":"AQAB"}}"#), "jwk.private"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}","e":"AQAB","dq":"AQAB"}}"#), "jwk.private"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}","e":"AQAB","qi":"AQAB"}}"#), "jwk.private"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}","e":"AQAB","oth":[]}}"#), "jwk.private"),
        (r#"{"kty":"oct","k":"AQAB"}"#.into(), "jwk.private"),
        (r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}"#.into(), "jwk.private"),
        // Symmetric and unknown key types, unknown curves.
        (r#"{"kty":"oct"}"#.into(), "jwk.unsupported"),
        (r#"{"kty":"AKP","pub":"AA"}"#.into(), "jwk.unsupported"),
        (ec_jwk("").replace("P-256", "secp256k1"), "jwk.unsupported"),
        (ec_jwk("").replace("P-256", "P-256K"), "jwk.unsupported"),
        (r#"{"kty":"OKP","crv":"X25519","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"}"#.into(), "jwk.unsupported"),
        // RSA size and exponent policy.
        (format!(r#"{{"kty":"RSA","n":"{}","e":"AQAB"}}"#, &n2048[..172]), "jwk.unsupported"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}","e":"AQ"}}"#), "jwk.unsupported"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}","e":"Ag"}}"#), "jwk.unsupported"),
        // Shapes, types, encodings.
        ("[]".into(), "jwk.malformed"),
        ("{}".into(), "jwk.malformed"),
        ("not json".into(), "jwk.malformed"),
        (r#"{"kty":"EC","kty":"EC"}"#.into(), "jwk.malformed"),
        (r#"{"kty":1}"#.into(), "jwk.malformed"),
        (r#"{"kty":"RSA","e":"AQAB"}"#.into(), "jwk.malformed"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}"}}"#), "jwk.malformed"),
        (format!(r#"{{"kty":"RSA","n":"AA{n2048}","e":"AQAB"}}"#), "jwk.malformed"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}","e":"AAEAAQ"}}"#), "jwk.malformed"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}","e":""}}"#), "jwk.malformed"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}=","e":"AQAB"}}"#), "jwk.malformed"),
        (format!(r#"{{"kty":"RSA","n":"{}","e":"AQAB"}}"#, n2048.replace('-', "+")), "jwk.malformed"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}","e":"AQAB","kid":""}}"#), "jwk.malformed"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}","e":"AQAB","kid":5}}"#), "jwk.malformed"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}","e":"AQAB","use":true}}"#), "jwk.malformed"),
        (format!(r#"{{"kty":"RSA","n":"{n2048}","e":"AQAB","alg":""}}"#), "jwk.malformed"),
        (ec_jwk(r#","key_ops":"verify""#), "jwk.malformed"),
        (ec_jwk(r#","key_ops":["verify","verify"]"#), "jwk.malformed"),
        (ec_jwk(r#","key_ops":[1]"#), "jwk.malformed"),
        (r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"}"#.into(), "jwk.malformed"),
        (r#"{"kty":"EC","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#.into(), "jwk.malformed"),
        // Coordinates: exact length, on the curve.
        (ec_jwk("").replace(RFC7515_A3_X, &RFC7515_A3_X[1..]), "jwk.malformed"),
        (ec_jwk("").replace(RFC7515_A3_X, &B64.encode([&[0u8][..], &B64.decode(RFC7515_A3_X).unwrap()[..]].concat())), "jwk.malformed"),
        (ec_jwk("").replace(RFC7515_A3_Y, "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a1"), "jwk.malformed"),
        (ec_jwk("").replace(RFC7515_A3_Y, &B64.encode([0u8; 32])), "jwk.malformed"),
        (ec_jwk("").replace("P-256", "P-384"), "jwk.malformed"),
        (ec_jwk("").replace("P-256", "p-256"), "jwk.unsupported"),
    ];
    for (doc, want) in cases {
        assert_eq!(code(Jwk::from_json(doc.as_bytes())), want, "{doc}");
        // In a set: the same verdict, except that unknown types are skipped.
        let set = JwkSet::from_json(format!(r#"{{"keys":[{doc}]}}"#).as_bytes());
        if want == "jwk.unsupported" && !doc.contains("\"oct\"") && !doc.contains("\"RSA\"") {
            assert_eq!(set.unwrap().ignored(), 1, "{doc}");
        } else if want == "ok" {
            assert_eq!(set.unwrap().keys().len(), 1);
        } else {
            assert_eq!(code(set), want, "{doc}");
        }
    }
}

#[test]
fn jwk_sets() {
    let a = ec_jwk(r#","kid":"a""#);
    let b = ec_jwk(r#","kid":"b""#);
    let set = JwkSet::from_json(format!(r#"{{"keys":[{a},{b}],"other":1}}"#).as_bytes()).unwrap();
    assert_eq!(set.keys().len(), 2);
    assert_eq!(set.get("b").unwrap().kid(), Some("b"));
    assert!(set.get("c").is_none());
    // Duplicate kids, however far apart.
    let dup = format!(r#"{{"keys":[{a},{b},{a}]}}"#);
    assert_eq!(code(JwkSet::from_json(dup.as_bytes())), "jwk.kid.duplicate");
    // Keys without a kid may repeat.
    let nokid = ec_jwk("");
    assert_eq!(
        JwkSet::from_json(format!(r#"{{"keys":[{nokid},{nokid}]}}"#).as_bytes())
            .unwrap()
            .keys()
            .len(),
        2
    );
    // Not a set.
    for doc in [
        r#"{}"#,
        r#"{"keys":{}}"#,
        r#"[]"#,
        r#"{"keys":[1]}"#,
        r#"{"keys":[],"keys":[]}"#,
        "",
    ] {
        assert_eq!(
            code(JwkSet::from_json(doc.as_bytes())),
            "jwk.malformed",
            "{doc}"
        );
    }
    // The empty set parses (and trusts nothing).
    assert!(JwkSet::from_json(br#"{"keys":[]}"#)
        .unwrap()
        .keys()
        .is_empty());
    // Too many keys.
    let many: Vec<String> = (0..65).map(|_| nokid.clone()).collect();
    assert_eq!(
        code(JwkSet::from_json(
            format!(r#"{{"keys":[{}]}}"#, many.join(",")).as_bytes()
        )),
        "input.too_large"
    );
    let fewer = Limits::default().tighten_max_jwks_keys(1);
    assert_eq!(
        code(JwkSet::from_json_with_limits(
            format!(r#"{{"keys":[{a},{b}]}}"#).as_bytes(),
            &fewer
        )),
        "input.too_large"
    );
    // One private key anywhere refuses the whole public set.
    let d = ec_jwk(r#","d":"jpsQnnGQmL-YBIffH1136cLnT8EgfH3cTzP9kGkoFtM""#);
    assert_eq!(
        code(JwkSet::from_json(
            format!(r#"{{"keys":[{a},{d}]}}"#).as_bytes()
        )),
        "jwk.private"
    );
    // from_keys refuses duplicates too.
    let k = Jwk::from_json(a.as_bytes()).unwrap();
    assert_eq!(
        code(JwkSet::from_keys(vec![k.clone(), k])),
        "jwk.kid.duplicate"
    );
}

#[test]
fn jwk_round_trips_and_thumbprints_agree() {
    for name in ["rsa2048", "rsa3072", "p256", "p384"] {
        let s = signer(name);
        let jwk = Jwk::from_public_key(s.public_key())
            .unwrap()
            .with_kid("x")
            .with_use(KeyUse::Sig)
            .with_alg("ES256");
        let again = Jwk::from_json(jwk.to_json().as_bytes()).unwrap();
        assert_eq!(again, jwk, "{name}");
        assert_eq!(
            again.public_key().spki_der(),
            s.public_key().spki_der(),
            "{name}"
        );
        assert_eq!(again.thumbprint(), jwk.thumbprint());
        assert_eq!(again.key_use(), Some(&KeyUse::Sig));
    }
    let p521 = P521Signer::new(3);
    let jwk = Jwk::from_public_key(p521.public_key()).unwrap();
    assert_eq!(
        Jwk::from_json(jwk.to_json().as_bytes())
            .unwrap()
            .thumbprint(),
        jwk.thumbprint()
    );
    assert!(jwk.to_json().contains(r#""crv":"P-521""#));
    // The serialized form: sorted names, no whitespace, values escaped.
    let a3 = Jwk::from_json(ec_jwk(r#","kid":"a\"b","use":"sig","key_ops":["verify"]"#).as_bytes())
        .unwrap();
    assert_eq!(
        a3.to_json(),
        format!(
            r#"{{"crv":"P-256","key_ops":["verify"],"kid":"a\"b","kty":"EC","use":"sig","x":"{RFC7515_A3_X}","y":"{RFC7515_A3_Y}"}}"#
        )
    );
    // Set round trip.
    let set = set_of(&[
        k(&signer("p256"), Some("a")),
        k(&signer("rsa2048"), Some("b")),
    ]);
    assert_eq!(JwkSet::from_json(set.to_json().as_bytes()).unwrap(), set);
}

// ------------------------------------------------------------ typ

#[test]
fn typ_rules() {
    let keys = p256_set(None);
    for (t, ok) in [
        ("entity-statement+jwt", true),
        ("application/entity-statement+jwt", true),
        ("Entity-Statement+JWT", true),
        ("JWT", false),
        ("text/entity-statement+jwt", false),
        ("entity-statement+jwt;v=1", false),
    ] {
        let token = es256(&format!(r#"{{"alg":"ES256","typ":"{t}"}}"#));
        let v = jose::verify_compact(crypto::default_backend(), &keys, &token, &opts()).unwrap();
        assert_eq!(v.typ_is(typ::ENTITY_STATEMENT), ok, "{t}");
        assert_eq!(v.header().typ(), Some(t));
    }
    let v = jose::verify_compact(
        crypto::default_backend(),
        &keys,
        &es256(r#"{"alg":"ES256"}"#),
        &opts(),
    )
    .unwrap();
    assert!(!v.typ_is(typ::ENTITY_STATEMENT));
    assert_eq!(v.header().names().collect::<Vec<_>>(), ["alg"]);
}

// ------------------------------------------------------------ EdDSA by configuration

#[cfg(feature = "ed25519")]
#[test]
fn eddsa_only_by_configuration() {
    // RFC 8037 A.1/A.4: the Ed25519 key; its example signs a non-JSON
    // payload, which the JWS rules here refuse as malformed.
    let okp = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    let keys = JwkSet::from_json(format!(r#"{{"keys":[{okp}]}}"#).as_bytes()).unwrap();
    // RFC 8037 A.3: the thumbprint of that key.
    assert_eq!(
        keys.keys()[0].thumbprint(),
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    );
    let with_eddsa = opts().allow(AllowList::default().with(Algorithm::Ed25519));
    struct Ed(ed25519_dalek::SigningKey, PublicKey);
    impl Signer for Ed {
        fn public_key(&self) -> &PublicKey {
            &self.1
        }
        fn sign(&self, _: Algorithm, m: &[u8]) -> idbridge::Result<Vec<u8>> {
            use ed25519_dalek::Signer as _;
            Ok(self.0.sign(m).to_bytes().to_vec())
        }
    }
    let sk = ed25519_dalek::SigningKey::from_bytes(
        &B64.decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
            .unwrap()
            .try_into()
            .unwrap(),
    );
    let ed = Ed(sk, keys.keys()[0].public_key().clone());
    let token = jose::sign_compact(&ed, "EdDSA", None, None, CLAIMS).unwrap();
    assert_eq!(
        verify_all(&keys, &token, &opts()),
        "jws.algorithm.forbidden"
    );
    assert_eq!(verify_all(&keys, &token, &with_eddsa), "ok");
    // Ed25519 keys do not suit ES256, nor EC keys EdDSA.
    assert_eq!(
        verify_all(&rfc_a3_set(), &token, &with_eddsa),
        "jws.key.mismatch"
    );
    let rfc8037 = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
    assert_eq!(verify_all(&keys, rfc8037, &with_eddsa), "jws.malformed");
}

#[test]
fn every_jose_code_is_defined() {
    for c in [
        "jws.malformed",
        "jws.algorithm.forbidden",
        "jws.header.unsupported",
        "jws.kid.missing",
        "jws.key.untrusted",
        "jws.key.mismatch",
        "jws.signature.invalid",
        "jwk.malformed",
        "jwk.unsupported",
        "jwk.private",
        "jwk.kid.duplicate",
    ] {
        assert!(ErrorCode::from_code(c).is_some(), "{c}");
    }
}
