//! josekit as an oracle (native only; it links OpenSSL): every token idbridge
//! signs, josekit verifies with the JWK idbridge publishes, and every token
//! josekit signs, idbridge verifies on every backend; every JWE josekit
//! encrypts (each alg and enc idbridge decrypts) idbridge decrypts, and the
//! reverse. A changed byte is refused by both. (ARCHITECTURE.md, "JOSE": why josekit is only this.)
#![cfg(all(feature = "jose", not(target_arch = "wasm32")))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idbridge::crypto::{self, PublicKey, RustCryptoSigner, Signer};
use idbridge::jose::{self, Jwk, JwkSet, JwsOptions};
use josekit::jws::{self, JwsHeader, JwsSigner, JwsVerifier};

fn key_file(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/test-vectors/keys/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn pkcs8_der(name: &str) -> Vec<u8> {
    use base64::Engine as _;
    let pem = String::from_utf8(key_file(&format!("{name}.pk8.pem"))).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

fn josekit_signer(alg: &str, pem: &[u8]) -> Box<dyn JwsSigner> {
    use josekit::jwk::KeyPair as _;
    // josekit reads RSASSA-PSS keys only from RSA-PSS PEM or a JWK: the
    // rsaEncryption PKCS#8 key goes through its JWK form.
    let pss = || {
        let jwk = jws::RS256
            .key_pair_from_pem(pem)
            .unwrap()
            .to_jwk_private_key();
        let mut members: serde_json::Map<String, serde_json::Value> = jwk.as_ref().clone();
        members.remove("alg");
        josekit::jwk::Jwk::from_map(members).unwrap()
    };
    match alg {
        "RS256" => Box::new(jws::RS256.signer_from_pem(pem).unwrap()),
        "RS384" => Box::new(jws::RS384.signer_from_pem(pem).unwrap()),
        "RS512" => Box::new(jws::RS512.signer_from_pem(pem).unwrap()),
        "PS256" => Box::new(jws::PS256.signer_from_jwk(&pss()).unwrap()),
        "PS384" => Box::new(jws::PS384.signer_from_jwk(&pss()).unwrap()),
        "PS512" => Box::new(jws::PS512.signer_from_jwk(&pss()).unwrap()),
        "ES256" => Box::new(jws::ES256.signer_from_pem(pem).unwrap()),
        "ES384" => Box::new(jws::ES384.signer_from_pem(pem).unwrap()),
        "ES512" => Box::new(jws::ES512.signer_from_pem(pem).unwrap()),
        _ => panic!("{alg}"),
    }
}

fn josekit_verifier(alg: &str, jwk: &josekit::jwk::Jwk) -> Box<dyn JwsVerifier> {
    match alg {
        "RS256" => Box::new(jws::RS256.verifier_from_jwk(jwk).unwrap()),
        "RS384" => Box::new(jws::RS384.verifier_from_jwk(jwk).unwrap()),
        "RS512" => Box::new(jws::RS512.verifier_from_jwk(jwk).unwrap()),
        "PS256" => Box::new(jws::PS256.verifier_from_jwk(jwk).unwrap()),
        "PS384" => Box::new(jws::PS384.verifier_from_jwk(jwk).unwrap()),
        "PS512" => Box::new(jws::PS512.verifier_from_jwk(jwk).unwrap()),
        "ES256" => Box::new(jws::ES256.verifier_from_jwk(jwk).unwrap()),
        "ES384" => Box::new(jws::ES384.verifier_from_jwk(jwk).unwrap()),
        "ES512" => Box::new(jws::ES512.verifier_from_jwk(jwk).unwrap()),
        _ => panic!("{alg}"),
    }
}

const CLAIMS: &[u8] =
    br#"{"iss":"https://rp.example","sub":"https://rp.example","aud":"https://op.example"}"#;

/// One changed character in the payload segment.
fn tamper(token: &str) -> String {
    let (h, rest) = token.split_once('.').unwrap();
    let (p, s) = rest.split_once('.').unwrap();
    let mut p = p.as_bytes().to_vec();
    p[3] = if p[3] == b'A' { b'B' } else { b'A' };
    format!("{h}.{}.{s}", String::from_utf8(p).unwrap())
}

#[test]
fn tokens_idbridge_signs_verify_in_josekit() {
    let cases = [
        (
            "rsa2048",
            ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"].as_slice(),
        ),
        ("rsa3072", ["RS256", "PS512"].as_slice()),
        ("p256", ["ES256"].as_slice()),
        ("p384", ["ES384"].as_slice()),
    ];
    let mut checked = 0;
    for (key, algs) in cases {
        let signer = RustCryptoSigner::from_pkcs8_der(&pkcs8_der(key)).unwrap();
        let our_jwk = Jwk::from_public_key(signer.public_key())
            .unwrap()
            .with_kid("k1");
        let their_jwk = josekit::jwk::Jwk::from_bytes(our_jwk.to_json()).unwrap();
        for alg in algs {
            let token = jose::sign_compact(
                &signer,
                alg,
                Some("k1"),
                Some("entity-statement+jwt"),
                CLAIMS,
            )
            .unwrap();
            let verifier = josekit_verifier(alg, &their_jwk);
            let (payload, header) = jws::deserialize_compact(&token, &*verifier)
                .unwrap_or_else(|e| panic!("{key} {alg}: {e}"));
            assert_eq!(payload, CLAIMS, "{key} {alg}");
            assert_eq!(header.key_id(), Some("k1"));
            assert_eq!(header.token_type(), Some("entity-statement+jwt"));
            assert!(
                jws::deserialize_compact(tamper(&token), &*verifier).is_err(),
                "{key} {alg}: josekit accepted a changed payload"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 10);
}

#[test]
fn tokens_josekit_signs_verify_in_idbridge_on_every_backend() {
    let cases = [
        (
            "rsa2048",
            ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"].as_slice(),
        ),
        ("rsa4096", ["RS512", "PS256"].as_slice()),
        ("p256", ["ES256"].as_slice()),
        ("p384", ["ES384"].as_slice()),
        ("p521", ["ES512"].as_slice()),
    ];
    let mut checked = 0;
    for (key, algs) in cases {
        let spki = key_file(&format!("{key}.spki.der"));
        let public = PublicKey::from_spki_der(&spki).unwrap();
        let keys = JwkSet::from_keys(vec![Jwk::from_public_key(&public)
            .unwrap()
            .with_kid("op-1")])
        .unwrap();
        let pem = key_file(&format!("{key}.pk8.pem"));
        for alg in algs {
            let mut header = JwsHeader::new();
            header.set_key_id("op-1");
            header.set_token_type("JWT");
            let token =
                jws::serialize_compact(CLAIMS, &header, &*josekit_signer(alg, &pem)).unwrap();
            for backend in crypto::backends() {
                let options = JwsOptions::new().require_kid();
                let v = jose::verify_compact(*backend, &keys, &token, &options)
                    .unwrap_or_else(|e| panic!("{key} {alg} on {}: {e}", backend.name()));
                assert_eq!(v.payload(), CLAIMS);
                assert_eq!(v.alg(), *alg);
                assert_eq!(v.key_kid(), Some("op-1"));
                assert_eq!(
                    jose::verify_compact(*backend, &keys, &tamper(&token), &options)
                        .unwrap_err()
                        .code(),
                    "jws.signature.invalid"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 11);
}

#[test]
fn josekit_and_idbridge_read_the_same_jwk() {
    // The JWK idbridge writes for each key type, read back by josekit and
    // written again by it, parses in idbridge to the same key and thumbprint.
    for key in ["rsa2048", "p256", "p384", "p521"] {
        let public = PublicKey::from_spki_der(&key_file(&format!("{key}.spki.der"))).unwrap();
        let ours = Jwk::from_public_key(&public).unwrap().with_kid("x");
        let theirs = josekit::jwk::Jwk::from_bytes(ours.to_json()).unwrap();
        let back = Jwk::from_json(theirs.to_string().as_bytes()).unwrap();
        assert_eq!(back.public_key(), &public, "{key}");
        assert_eq!(back.thumbprint(), ours.thumbprint(), "{key}");
    }
}

// --- JWE: josekit encrypts, idbridge decrypts, and the reverse ---------------

fn jwe_key(name: &str) -> Vec<u8> {
    key_file(&format!("jwe/{name}.jwk.json"))
}

/// Every alg idbridge decrypts, on each key type it suits, with each enc.
fn jwe_cases() -> Vec<(&'static str, jose::JweAlg)> {
    use jose::JweAlg;
    let mut cases = Vec::new();
    for alg in JweAlg::ALL {
        let keys: &[&str] = if alg.name().starts_with("RSA") {
            &["rsa2048", "rsa3072"]
        } else {
            &["p256", "p384", "p521"]
        };
        for k in keys {
            cases.push((*k, alg));
        }
    }
    cases
}

fn josekit_jwe_header(alg: jose::JweAlg, enc: jose::JweEnc, kid: &str) -> josekit::jwe::JweHeader {
    let mut header = josekit::jwe::JweHeader::new();
    header.set_algorithm(alg.name());
    header.set_content_encryption(enc.name());
    header.set_key_id(kid);
    header.set_content_type("JWT");
    header
}

fn josekit_encrypter(
    alg: jose::JweAlg,
    jwk: &josekit::jwk::Jwk,
) -> Box<dyn josekit::jwe::JweEncrypter> {
    use josekit::jwe;
    match alg.name() {
        "RSA-OAEP" => Box::new(jwe::RSA_OAEP.encrypter_from_jwk(jwk).unwrap()),
        "RSA-OAEP-256" => Box::new(jwe::RSA_OAEP_256.encrypter_from_jwk(jwk).unwrap()),
        "ECDH-ES" => Box::new(jwe::ECDH_ES.encrypter_from_jwk(jwk).unwrap()),
        "ECDH-ES+A128KW" => Box::new(jwe::ECDH_ES_A128KW.encrypter_from_jwk(jwk).unwrap()),
        "ECDH-ES+A192KW" => Box::new(jwe::ECDH_ES_A192KW.encrypter_from_jwk(jwk).unwrap()),
        "ECDH-ES+A256KW" => Box::new(jwe::ECDH_ES_A256KW.encrypter_from_jwk(jwk).unwrap()),
        other => panic!("{other}"),
    }
}

fn josekit_decrypter(
    alg: jose::JweAlg,
    jwk: &josekit::jwk::Jwk,
) -> Box<dyn josekit::jwe::JweDecrypter> {
    use josekit::jwe;
    match alg.name() {
        "RSA-OAEP" => Box::new(jwe::RSA_OAEP.decrypter_from_jwk(jwk).unwrap()),
        "RSA-OAEP-256" => Box::new(jwe::RSA_OAEP_256.decrypter_from_jwk(jwk).unwrap()),
        "ECDH-ES" => Box::new(jwe::ECDH_ES.decrypter_from_jwk(jwk).unwrap()),
        "ECDH-ES+A128KW" => Box::new(jwe::ECDH_ES_A128KW.decrypter_from_jwk(jwk).unwrap()),
        "ECDH-ES+A192KW" => Box::new(jwe::ECDH_ES_A192KW.decrypter_from_jwk(jwk).unwrap()),
        "ECDH-ES+A256KW" => Box::new(jwe::ECDH_ES_A256KW.decrypter_from_jwk(jwk).unwrap()),
        other => panic!("{other}"),
    }
}

#[test]
fn tokens_josekit_encrypts_decrypt_in_idbridge() {
    let mut checked = 0;
    for (name, alg) in jwe_cases() {
        let ours = jose::DecryptionKey::from_jwk_json(&jwe_key(name)).unwrap();
        // josekit encrypts to the public JWK idbridge publishes.
        let public = josekit::jwk::Jwk::from_bytes(ours.public_jwk().to_json()).unwrap();
        let encrypter = josekit_encrypter(alg, &public);
        for enc in jose::JweEnc::ALL {
            let header = josekit_jwe_header(alg, enc, &format!("{name}-enc"));
            let token = josekit::jwe::serialize_compact(CLAIMS, &header, &*encrypter)
                .unwrap_or_else(|e| panic!("{name} {alg:?} {enc:?}: {e}"));
            let jwe = jose::decrypt_compact(&ours, &token, &jose::JweOptions::new())
                .unwrap_or_else(|e| panic!("{name} {alg:?} {enc:?}: {e}"));
            assert_eq!(jwe.plaintext(), CLAIMS);
            assert_eq!((jwe.alg(), jwe.enc()), (alg, enc));
            assert_eq!(jwe.cty(), Some("JWT"));
            // One changed ciphertext byte: refused with the one code.
            let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
            let mut ct = parts[3].clone().into_bytes();
            ct[2] = if ct[2] == b'A' { b'B' } else { b'A' };
            parts[3] = String::from_utf8(ct).unwrap();
            assert_eq!(
                jose::decrypt_compact(&ours, &parts.join("."), &jose::JweOptions::new())
                    .unwrap_err()
                    .code(),
                "jwe.decryption.failed"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 16 * 6);
}

#[test]
fn tokens_idbridge_encrypts_decrypt_in_josekit() {
    let mut checked = 0;
    for (name, alg) in jwe_cases() {
        let ours = jose::DecryptionKey::from_jwk_json(&jwe_key(name)).unwrap();
        let private = josekit::jwk::Jwk::from_bytes(jwe_key(name)).unwrap();
        let decrypter = josekit_decrypter(alg, &private);
        for enc in jose::JweEnc::ALL {
            let token = jose::encrypt_compact(
                ours.public_jwk(),
                alg,
                enc,
                CLAIMS,
                &[("cty", "JWT"), ("apu", "QWxpY2U"), ("apv", "Qm9i")],
            )
            .unwrap();
            let (plaintext, header) = josekit::jwe::deserialize_compact(&token, &*decrypter)
                .unwrap_or_else(|e| panic!("{name} {alg:?} {enc:?}: {e}"));
            assert_eq!(plaintext, CLAIMS, "{name} {alg:?} {enc:?}");
            assert_eq!(header.content_encryption(), Some(enc.name()));
            assert_eq!(header.key_id(), Some(format!("{name}-enc").as_str()));
            checked += 1;
        }
    }
    assert_eq!(checked, 16 * 6);
}
