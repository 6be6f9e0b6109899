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

use idbridge::jose::{self, DecryptionKey, JweAlg, JweEnc, JweOptions, PrivateJwk};
use idbridge::Limits;

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
        for (i, name) in keys_for(alg).into_iter().enumerate() {
            let k = key(name);
            // Three plaintexts (a block, none, several) on the first key;
            // one on the others (debug-build RSA is slow).
            let plaintexts: &[&[u8]] = if i == 0 {
                &[PLAINTEXT, b"", b"0123456789abcdef"]
            } else {
                &[PLAINTEXT]
            };
            for enc in JweEnc::ALL {
                for plaintext in plaintexts.iter().copied() {
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

const A1_TOKEN: &str = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDbSv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je81860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ";

/// RFC 7516 Appendix A.1.3's RSA key.
const A1_KEY: &str = r#"{"kty":"RSA",
 "n":"oahUIoWw0K0usKNuOR6H4wkf4oBUXHTxRvgb48E-BVvxkeDNjbC4he8rUWcJoZmds2h7M70imEVhRU5djINXtqllXI4DFqcI1DgjT9LewND8MW2Krf3Spsk_ZkoFnilakGygTwpZ3uesH-PFABNIUYpOiN15dsQRkgr0vEhxN92i2asbOenSZeyaxziK72UwxrrKoExv6kc5twXTq4h-QChLOln0_mtUZwfsRaMStPs6mS6XrgxnxbWhojf663tuEQueGC-FCMfra36C9knDFGzKsNa7LZK2djYgyD3JR_MB_4NUJW_TqOQtwHYbxevoJArm-L5StowjzGy-_bq6Gw",
 "e":"AQAB",
 "d":"kLdtIj6GbDks_ApCSTYQtelcNttlKiOyPzMrXHeI-yk1F7-kpDxY4-WY5NWV5KntaEeXS1j82E375xxhWMHXyvjYecPT9fpwR_M9gV8n9Hrh2anTpTD93Dt62ypW3yDsJzBnTnrYu1iwWRgBKrEYY46qAZIrA2xAwnm2X7uGR1hghkqDp0Vqj3kbSCz1XyfCs6_LehBwtxHIyh8Ripy40p24moOAbgxVw3rxT_vlt3UVe4WO3JkJOzlpUf-KTVI2Ptgm-dARxTEtE-id-4OJr0h-K-VFs3VSndVTIznSxfyrj8ILL6MG_Uv8YAu7VILSB3lOW085-4qE3DzgrTjgyQ",
 "p":"1r52Xk46c-LsfB5P442p7atdPUrxQSy4mti_tZI3Mgf2EuFVbUoDBvaRQ-SWxkbkmoEzL7JXroSBjSrK3YIQgYdMgyAEPTPjXv_hI2_1eTSPVZfzL0lffNn03IXqWF5MDFuoUYE0hzb2vhrlN_rKrbfDIwUbTrjjgieRbwC6Cl0",
 "q":"wLb35x7hmQWZsWJmB_vle87ihgZ19S8lBEROLIsZG4ayZVe9Hi9gDVCOBmUDdaDYVTSNx_8Fyw1YYa9XGrGnDew00J28cRUoeBB_jKI1oma0Orv1T9aXIWxKwd4gvxFImOWr3QRL9KEBRzk2RatUBnmDZJTIAfwTs0g68UZHvtc",
 "dp":"ZK-YwE7diUh0qR1tR7w8WHtolDx3MZ_OTowiFvgfeQ3SiresXjm9gZ5KLhMXvo-uz-KUJWDxS5pFQ_M0evdo1dKiRTjVw_x4NyqyXPM5nULPkcpU827rnpZzAJKpdhWAgqrXGKAECQH0Xt4taznjnd_zVpAmZZq60WPMBMfKcuE",
 "dq":"Dq0gfgJ1DdFGXiLvQEZnuKEN0UUmsJBxkjydc3j4ZYdBiMRAy86x0vHCjywcMlYYg4yoC4YZa9hNVcsjqA3FeiL19rk8g6Qn29Tt0cj8qqyFpz9vNDBUfCAiJVeESOjJDZPYHdHY8v1b-o-Z2X5tvLx-TCekf7oxyeKDUqKWjis",
 "qi":"VIMpMYbPf47dT1w_zDUXfPimsSegnMOA1zTaX7aGk_8urY6R8-ZW1FxU7AlWAyLWybqq6t16VFd7hQd0y6flUK4SlOydB61gwanOsXGOAOv82cHq0E3eL4HrtZkUuKvnPrMnsUUFlfUdybVzxyjz9JF_XyaY14ardLSjf4L_FNY"}"#;

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap()
}

fn segments(token: &str) -> Vec<String> {
    token.split('.').map(str::to_string).collect()
}

/// The token with segment `i` replaced by `f` applied to its bytes.
fn with_segment(token: &str, i: usize, f: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut parts = segments(token);
    let mut bytes = unb64(&parts[i]);
    f(&mut bytes);
    parts[i] = b64(&bytes);
    parts.join(".")
}

/// The token with its protected header replaced (JSON text).
fn with_header(token: &str, header: &str) -> String {
    let mut parts = segments(token);
    parts[0] = b64(header.as_bytes());
    parts.join(".")
}

fn header_of(token: &str) -> String {
    String::from_utf8(unb64(&segments(token)[0])).unwrap()
}

#[test]
fn rfc7516_a1_rsa_oaep_a256gcm_decrypts() {
    let k = DecryptionKey::from_jwk_json(A1_KEY.as_bytes()).unwrap();
    let jwe = jose::decrypt_compact(&k, A1_TOKEN, &JweOptions::new()).unwrap();
    assert_eq!(
        jwe.plaintext(),
        b"The true sign of intelligence is not knowledge but imagination."
    );
    assert_eq!((jwe.alg(), jwe.enc()), (JweAlg::RsaOaep, JweEnc::A256Gcm));
    assert_eq!(jwe.kid(), None);
    assert_eq!(jwe.key_kid(), None);
}

#[test]
fn rfc7516_a2_rsa1_5_and_a3_a128kw_are_refused_before_any_key_is_used() {
    let k = key("rsa2048");
    // A.2 (RSA1_5) and A.3 (A128KW), as published.
    let a2 = "eyJhbGciOiJSU0ExXzUiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.UGhIOguC7IuEvf_NPVaXsGMoLOmwvc1GyqlIKOK1nN94nHPoltGRhWhw7Zx0-kFm1NJn8LE9XShH59_i8J0PH5ZZyNfGy2xGdULU7sHNF6Gp2vPLgNZ__deLKxGHZ7PcHALUzoOegEI-8E66jX2E4zyJKx-YxzZIItRzC5hlRirb6Y5Cl_p-ko3YvkkysZIFNPccxRU7qve1WYPxqbb2Yw8kZqa2rMWI5ng8OtvzlV7elprCbuPhcCdZ6XDP0_F8rkXds2vE4X-ncOIM8hAYHHi29NX0mcKiRaD0-D-ljQTP-cFPgwCp6X-nZZd9OHBv-B3oWh2TbqmScqXMR4gp_A.AxY8DCtDaGlsbGljb3RoZQ.KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY.9hH0vgRfYgPnAHOd8stkvw";
    let a3 = "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.6KB707dM9YTIgHtLvtgWQ8mKwboJW3of9locizkDTHzBC2IlrT1oOQ.AxY8DCtDaGlsbGljb3RoZQ.KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY.U0m_YmjN04DJvceFICbCVQ";
    for token in [a2, a3] {
        assert_eq!(
            code(jose::decrypt_compact(&k, token, &JweOptions::new())),
            "jwe.algorithm.forbidden"
        );
    }
}

#[test]
fn forbidden_algorithms_headers_and_allow_lists() {
    let k = key("rsa2048");
    let token =
        jose::encrypt_compact(k.public_jwk(), JweAlg::RsaOaep, JweEnc::A128Gcm, b"x", &[]).unwrap();
    for header in [
        r#"{"alg":"RSA1_5","enc":"A128GCM"}"#,
        r#"{"alg":"dir","enc":"A128GCM"}"#,
        r#"{"alg":"A128KW","enc":"A128GCM"}"#,
        r#"{"alg":"A256KW","enc":"A128GCM"}"#,
        r#"{"alg":"A128GCMKW","enc":"A128GCM"}"#,
        r#"{"alg":"PBES2-HS256+A128KW","enc":"A128GCM","p2s":"AAAA","p2c":1000}"#,
        r#"{"alg":"RSA-OAEP-384","enc":"A128GCM"}"#,
        r#"{"alg":"none","enc":"A128GCM"}"#,
        r#"{"alg":"rsa-oaep","enc":"A128GCM"}"#,
        r#"{"alg":"RSA-OAEP","enc":"A128CBC"}"#,
        r#"{"alg":"RSA-OAEP","enc":"a128gcm"}"#,
        r#"{"alg":"RSA-OAEP","enc":"A128GCM","zip":"DEF"}"#,
        r#"{"alg":"RSA-OAEP","enc":"A128GCM","crit":["exp"],"exp":1}"#,
    ] {
        assert_eq!(
            code(jose::decrypt_compact(
                &k,
                &with_header(&token, header),
                &JweOptions::new()
            )),
            "jwe.algorithm.forbidden",
            "{header}"
        );
    }
    // A badly formed crit is malformed, not an extension.
    for header in [
        r#"{"alg":"RSA-OAEP","enc":"A128GCM","crit":[]}"#,
        r#"{"alg":"RSA-OAEP","enc":"A128GCM","crit":["enc"]}"#,
        r#"{"alg":"RSA-OAEP","enc":"A128GCM","crit":["exp"]}"#,
        r#"{"alg":"RSA-OAEP","enc":"A128GCM","crit":"exp","exp":1}"#,
    ] {
        assert_eq!(
            code(jose::decrypt_compact(
                &k,
                &with_header(&token, header),
                &JweOptions::new()
            )),
            "jwe.malformed",
            "{header}"
        );
    }
    // The caller's allow-lists.
    let only_256 = JweOptions::new().allow_algs(&[JweAlg::RsaOaep256]);
    assert_eq!(
        code(jose::decrypt_compact(&k, &token, &only_256)),
        "jwe.algorithm.forbidden"
    );
    let only_cbc = JweOptions::new().allow_encs(&[JweEnc::A256CbcHs512]);
    assert_eq!(
        code(jose::decrypt_compact(&k, &token, &only_cbc)),
        "jwe.algorithm.forbidden"
    );
    let none = JweOptions::new().allow_algs(&[]);
    assert_eq!(
        code(jose::decrypt_compact(&k, &token, &none)),
        "jwe.algorithm.forbidden"
    );
    assert_eq!(
        code(jose::decrypt_compact(&k, &token, &JweOptions::new())),
        "ok"
    );
}

/// Every tampered part of a token of each alg family and each enc kind is
/// the one code, with the one message.
#[test]
fn every_tampered_part_is_one_code_with_one_message() {
    let cases = [
        ("rsa2048", JweAlg::RsaOaep, JweEnc::A256CbcHs512),
        ("rsa2048", JweAlg::RsaOaep256, JweEnc::A128Gcm),
        ("p256", JweAlg::EcdhEsA128Kw, JweEnc::A128CbcHs256),
        ("p384", JweAlg::EcdhEsA256Kw, JweEnc::A256Gcm),
        ("p521", JweAlg::EcdhEs, JweEnc::A192CbcHs384),
        ("p256", JweAlg::EcdhEs, JweEnc::A192Gcm),
    ];
    let mut messages = std::collections::BTreeSet::new();
    for (name, alg, enc) in cases {
        let k = key(name);
        let token = jose::encrypt_compact(k.public_jwk(), alg, enc, PLAINTEXT, &[]).unwrap();
        let mut tampered = vec![
            // The protected header (the AAD): one more member.
            with_header(&token, &header_of(&token).replacen('{', r#"{"x":"y","#, 1)),
            // The IV, the ciphertext (first and last byte), the tag.
            with_segment(&token, 2, |b| b[0] ^= 1),
            with_segment(&token, 3, |b| b[0] ^= 0x80),
            with_segment(&token, 3, |b| *b.last_mut().unwrap() ^= 1),
            with_segment(&token, 4, |b| b[0] ^= 1),
            with_segment(&token, 4, |b| *b.last_mut().unwrap() ^= 0x40),
            // The ciphertext cut by a block, or emptied.
            with_segment(&token, 3, |b| b.truncate(b.len().saturating_sub(16))),
            with_segment(&token, 3, Vec::clear),
        ];
        if alg != JweAlg::EcdhEs {
            // The encrypted key: a flipped bit at each end.
            tampered.push(with_segment(&token, 1, |b| b[0] ^= 1));
            tampered.push(with_segment(&token, 1, |b| *b.last_mut().unwrap() ^= 1));
        }
        if alg.name().starts_with("ECDH") {
            // Another (valid) ephemeral key on the same curve.
            let other = jose::encrypt_compact(k.public_jwk(), alg, enc, b"", &[]).unwrap();
            let h: serde_json::Value = serde_json::from_str(&header_of(&token)).unwrap();
            let mut h3 = h.clone();
            h3["epk"] = serde_json::from_str::<serde_json::Value>(&header_of(&other)).unwrap()
                ["epk"]
                .clone();
            tampered.push(with_header(&token, &h3.to_string()));
        }
        for t in tampered {
            let err = jose::decrypt_compact(&k, &t, &JweOptions::new()).unwrap_err();
            assert_eq!(
                err.code(),
                "jwe.decryption.failed",
                "{name} {alg:?} {enc:?}"
            );
            messages.insert(err.to_string());
        }
    }
    assert_eq!(messages.len(), 1, "{messages:?}");
}

#[test]
fn a_wrong_key_is_decryption_failed() {
    let mut messages = std::collections::BTreeSet::<String>::new();
    let pairs = [
        ("rsa2048", "rsa2048-b", JweAlg::RsaOaep),
        ("rsa2048", "rsa3072", JweAlg::RsaOaep256),
        ("rsa2048", "p256", JweAlg::RsaOaep),
        ("p256", "p256-b", JweAlg::EcdhEs),
        ("p256", "p256-b", JweAlg::EcdhEsA192Kw),
        ("p256", "p384", JweAlg::EcdhEsA128Kw),
        ("p384", "rsa2048", JweAlg::EcdhEs),
    ];
    for (to, with, alg) in pairs {
        let token =
            jose::encrypt_compact(key(to).public_jwk(), alg, JweEnc::A128Gcm, b"x", &[]).unwrap();
        // The kid would already say "another key": take it away.
        let h = header_of(&token).replace(&format!(r#","kid":"{to}-enc""#), "");
        let token = with_header(&token, &h);
        let err = jose::decrypt_compact(&key(with), &token, &JweOptions::new()).unwrap_err();
        assert_eq!(err.code(), "jwe.decryption.failed", "{to} -> {with}");
        messages.insert(err.to_string());
    }
    // A kid naming another key: the same code and message.
    let renamed = key("p256").public_jwk().clone().with_kid("other");
    let token =
        jose::encrypt_compact(&renamed, JweAlg::EcdhEs, JweEnc::A128Gcm, b"x", &[]).unwrap();
    messages.insert(
        jose::decrypt_compact(&key("p256"), &token, &JweOptions::new())
            .unwrap_err()
            .to_string(),
    );
    assert_eq!(messages.len(), 1, "{messages:?}");
}

/// Another JWK with some members changed (a test key's JSON, edited).
fn edited_key(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_slice(&key_text(name)).unwrap();
    edit(&mut v);
    v.to_string()
}

#[test]
fn the_kid_use_key_ops_and_alg_of_the_key_are_honoured() {
    let k = key("p256");
    let token =
        jose::encrypt_compact(k.public_jwk(), JweAlg::EcdhEs, JweEnc::A256Gcm, b"x", &[]).unwrap();
    // A header kid naming another key (a token made for that kid).
    let renamed = k.public_jwk().clone().with_kid("p256-old");
    let other_kid =
        jose::encrypt_compact(&renamed, JweAlg::EcdhEs, JweEnc::A256Gcm, b"x", &[]).unwrap();
    assert_eq!(
        code(jose::decrypt_compact(&k, &other_kid, &JweOptions::new())),
        "jwe.decryption.failed"
    );
    // A key without a kid accepts any header kid (or none).
    let no_kid = DecryptionKey::from_jwk_json(
        edited_key("p256", |v| {
            v.as_object_mut().unwrap().remove("kid");
        })
        .as_bytes(),
    )
    .unwrap();
    assert_eq!(
        code(jose::decrypt_compact(
            &no_kid,
            &other_kid,
            &JweOptions::new()
        )),
        "ok"
    );
    // use sig, key_ops without a decryption op, another alg: not for this token.
    for edit in [
        r#"{"use":"sig"}"#,
        r#"{"key_ops":["sign","verify"]}"#,
        r#"{"alg":"ECDH-ES+A256KW"}"#,
    ] {
        let extra: serde_json::Value = serde_json::from_str(edit).unwrap();
        let text = edited_key("p256", |v| {
            for (n, x) in extra.as_object().unwrap() {
                v[n] = x.clone();
            }
        });
        let k2 = DecryptionKey::from_jwk_json(text.as_bytes()).unwrap();
        assert_eq!(
            code(jose::decrypt_compact(&k2, &token, &JweOptions::new())),
            "jwe.decryption.failed",
            "{edit}"
        );
    }
    for edit in [r#"{"key_ops":["deriveKey"]}"#, r#"{"alg":"ECDH-ES"}"#] {
        let extra: serde_json::Value = serde_json::from_str(edit).unwrap();
        let text = edited_key("p256", |v| {
            for (n, x) in extra.as_object().unwrap() {
                v[n] = x.clone();
            }
        });
        let k2 = DecryptionKey::from_jwk_json(text.as_bytes()).unwrap();
        assert_eq!(
            code(jose::decrypt_compact(&k2, &token, &JweOptions::new())),
            "ok",
            "{edit}"
        );
    }
}

#[test]
fn invalid_curve_and_bad_epk_are_refused() {
    let k = key("p256");
    let token =
        jose::encrypt_compact(k.public_jwk(), JweAlg::EcdhEs, JweEnc::A128Gcm, b"x", &[]).unwrap();
    let h: serde_json::Value = serde_json::from_str(&header_of(&token)).unwrap();
    let x = h["epk"]["x"].as_str().unwrap().to_string();
    let y = h["epk"]["y"].as_str().unwrap().to_string();
    let mut y_bytes = unb64(&y);
    y_bytes[31] ^= 1; // (x, y') is off the curve
    let off = b64(&y_bytes);
    let set = |epk: serde_json::Value| {
        let mut h2 = h.clone();
        h2["epk"] = epk;
        with_header(&token, &h2.to_string())
    };
    use serde_json::json;
    for (epk, expected) in [
        // The invalid-curve attack: a point that is not on P-256.
        (
            json!({"kty":"EC","crv":"P-256","x":x,"y":off}),
            "jwe.malformed",
        ),
        // The point at "zero" and short or long coordinates.
        (
            json!({"kty":"EC","crv":"P-256","x":b64(&[0;32]),"y":b64(&[0;32])}),
            "jwe.malformed",
        ),
        (
            json!({"kty":"EC","crv":"P-256","x":b64(&unb64(&x)[1..]),"y":y}),
            "jwe.malformed",
        ),
        (
            json!({"kty":"EC","crv":"P-384","x":x,"y":y}),
            "jwe.malformed",
        ),
        (
            json!({"kty":"EC","crv":"secp256k1","x":x,"y":y}),
            "jwe.malformed",
        ),
        (json!({"kty":"RSA","n":"AQAB","e":"AQAB"}), "jwe.malformed"),
        (json!({"kty":"OKP","crv":"X25519","x":x}), "jwe.malformed"),
        (
            json!({"kty":"EC","crv":"P-256","x":x,"y":y,"d":x}),
            "jwe.malformed",
        ),
        (json!({"kty":"EC","crv":"P-256","x":x}), "jwe.malformed"),
        (json!("not an object"), "jwe.malformed"),
        (serde_json::Value::Null, "jwe.malformed"),
    ] {
        assert_eq!(
            code(jose::decrypt_compact(
                &k,
                &set(epk.clone()),
                &JweOptions::new()
            )),
            expected,
            "{epk}"
        );
    }
    // A valid point on another curve than the key's: the token is for another key.
    let p384 = jose::encrypt_compact(
        key("p384").public_jwk(),
        JweAlg::EcdhEs,
        JweEnc::A128Gcm,
        b"x",
        &[],
    )
    .unwrap();
    let h384: serde_json::Value = serde_json::from_str(&header_of(&p384)).unwrap();
    assert_eq!(
        code(jose::decrypt_compact(
            &k,
            &set(h384["epk"].clone()),
            &JweOptions::new()
        )),
        "jwe.decryption.failed"
    );
    // No epk at all for ECDH-ES.
    let mut h2 = h.clone();
    h2.as_object_mut().unwrap().remove("epk");
    assert_eq!(
        code(jose::decrypt_compact(
            &k,
            &with_header(&token, &h2.to_string()),
            &JweOptions::new()
        )),
        "jwe.malformed"
    );
}

#[test]
fn malformed_tokens() {
    let k = key("rsa2048");
    let token =
        jose::encrypt_compact(k.public_jwk(), JweAlg::RsaOaep, JweEnc::A128Gcm, b"x", &[]).unwrap();
    let p = segments(&token);
    let cases: Vec<String> = vec![
        String::new(),
        ".".repeat(4),
        p[..4].join("."),
        format!("{token}."),
        format!("{token}.{}", p[4]),
        format!("{}=.{}", p[0], p[1..].join(".")),
        token.replacen('.', ".=", 1),
        token.replacen(&p[2], &format!("{}+", &p[2][1..]), 1),
        token.replacen(&p[4], &format!("{} ", p[4]), 1),
        with_header(&token, "not json"),
        with_header(&token, r#"["alg","RSA-OAEP"]"#),
        with_header(
            &token,
            r#"{"alg":"RSA-OAEP","enc":"A128GCM","enc":"A128GCM"}"#,
        ),
        with_header(&token, r#"{"enc":"A128GCM"}"#),
        with_header(&token, r#"{"alg":"RSA-OAEP"}"#),
        with_header(&token, r#"{"alg":1,"enc":"A128GCM"}"#),
        with_header(&token, r#"{"alg":"RSA-OAEP","enc":["A128GCM"]}"#),
        with_header(&token, r#"{"alg":"RSA-OAEP","enc":"A128GCM","kid":7}"#),
        with_header(&token, r#"{"alg":"RSA-OAEP","enc":"A128GCM","cty":null}"#),
        with_header(&token, r#"{"alg":"RSA-OAEP","enc":"A128GCM","apu":"A"}"#),
        // Parts of the wrong length for enc or alg.
        with_segment(&token, 2, |b| b.push(0)),
        with_segment(&token, 2, |b| b.truncate(8)),
        with_segment(&token, 4, |b| b.truncate(12)),
        with_segment(&token, 4, |b| b.extend_from_slice(&[0; 16])),
        with_segment(&token, 1, Vec::clear),
    ];
    for t in &cases {
        assert_eq!(
            code(jose::decrypt_compact(&k, t, &JweOptions::new())),
            "jwe.malformed",
            "{t:.120}"
        );
    }
    // ECDH-ES with an encrypted key.
    let ec = key("p256");
    let direct =
        jose::encrypt_compact(ec.public_jwk(), JweAlg::EcdhEs, JweEnc::A128Gcm, b"x", &[]).unwrap();
    let with_key = with_segment(&direct, 1, |b| b.extend_from_slice(&[1; 24]));
    assert_eq!(
        code(jose::decrypt_compact(&ec, &with_key, &JweOptions::new())),
        "jwe.malformed"
    );
}

#[test]
fn huge_deep_and_garbage_input_is_bounded() {
    let k = key("rsa2048");
    let limits = Limits::default();
    // Over max_jwe_bytes, before anything is decoded.
    let huge = format!("{}.", "A".repeat(limits.max_jwe_bytes()));
    let started = std::time::Instant::now();
    assert_eq!(
        code(jose::decrypt_compact(&k, &huge, &JweOptions::new())),
        "input.too_large"
    );
    // A header over max_jose_header_bytes.
    let big_header = format!(
        r#"{{"alg":"RSA-OAEP","enc":"A128GCM","x":"{}"}}"#,
        "a".repeat(limits.max_jose_header_bytes())
    );
    let token = format!("{}.AA.AA.AA.AA", b64(big_header.as_bytes()));
    assert_eq!(
        code(jose::decrypt_compact(&k, &token, &JweOptions::new())),
        "input.too_large"
    );
    // Too many members.
    let members: Vec<String> = (0..100).map(|i| format!(r#""m{i}":1"#)).collect();
    let many = format!(
        r#"{{"alg":"RSA-OAEP","enc":"A128GCM",{}}}"#,
        members.join(",")
    );
    let token = format!("{}.AA.AA.AA.AA", b64(many.as_bytes()));
    assert_eq!(
        code(jose::decrypt_compact(&k, &token, &JweOptions::new())),
        "input.too_large"
    );
    // 10,000-deep JSON in the header.
    let deep = format!(
        r#"{{"alg":"RSA-OAEP","enc":"A128GCM","x":{}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let token = format!("{}.AA.AA.AA.AA", b64(deep.as_bytes()));
    assert_eq!(
        code(jose::decrypt_compact(&k, &token, &JweOptions::new())),
        "input.too_large"
    );
    let deep = format!(
        r#"{{"alg":"RSA-OAEP","enc":"A128GCM","x":{}{}}}"#,
        "[".repeat(1_000),
        "]".repeat(1_000)
    );
    let token = format!("{}.AA.AA.AA.AA", b64(deep.as_bytes()));
    assert_eq!(
        code(jose::decrypt_compact(&k, &token, &JweOptions::new())),
        "jwe.malformed"
    );
    // A caller's tighter limit.
    let ok = jose::encrypt_compact(
        k.public_jwk(),
        JweAlg::RsaOaep,
        JweEnc::A128Gcm,
        &[7; 4096],
        &[],
    )
    .unwrap();
    let tight = JweOptions::new().with_limits(Limits::default().tighten_max_jwe_bytes(1024));
    assert_eq!(
        code(jose::decrypt_compact(&k, &ok, &tight)),
        "input.too_large"
    );
    assert_eq!(
        code(jose::decrypt_compact(&k, &ok, &JweOptions::new())),
        "ok"
    );
    // Garbage: never a panic, always one of the codes.
    let mut seed = 0x1234_5678_u32;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    let alphabet = b"AB_-.=eyJ{}\"0z";
    for _ in 0..2_000 {
        let len = (next() % 200) as usize;
        let s: String = (0..len)
            .map(|_| alphabet[(next() as usize) % alphabet.len()] as char)
            .collect();
        let c = code(jose::decrypt_compact(&k, &s, &JweOptions::new()));
        assert!(
            [
                "jwe.malformed",
                "jwe.algorithm.forbidden",
                "jwe.decryption.failed",
                "input.too_large"
            ]
            .contains(&c.as_str()),
            "{s:?}: {c}"
        );
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn shared_userinfo_negative_cases() {
    let test = "shared_userinfo_negative_cases";
    let Some(key_bytes) =
        common::shared::read(test, "data/oidc-id-token/keys/rp-enc-private.jwk.json")
    else {
        return;
    };
    let k = DecryptionKey::from_jwk_json(&key_bytes).unwrap();
    for (file, expected) in [
        ("ui-other-rp-key", "jwe.decryption.failed"),
        ("ui-ct", "jwe.decryption.failed"),
        ("ui-rsa1_5", "jwe.algorithm.forbidden"),
        ("ui-plain-jws", "jwe.malformed"),
    ] {
        let Some(doc) =
            common::shared::read(test, &format!("data/oidc-id-token/tokens/{file}.json"))
        else {
            return;
        };
        let doc: serde_json::Value = serde_json::from_slice(&doc).unwrap();
        let token = doc["userinfo"].as_str().unwrap();
        assert_eq!(
            code(jose::decrypt_compact(&k, token, &JweOptions::new())),
            expected,
            "{file}"
        );
    }
}

#[test]
fn private_jwks_are_checked() {
    let cases: Vec<(String, &str)> = vec![
        (
            edited_key("rsa2048", |v| {
                v.as_object_mut().unwrap().remove("dp");
            }),
            "jwk.malformed",
        ),
        (
            edited_key("rsa2048", |v| {
                v.as_object_mut().unwrap().remove("d");
            }),
            "jwk.malformed",
        ),
        (
            edited_key("rsa2048", |v| v["qi"] = v["dq"].clone()),
            "jwk.malformed",
        ),
        (
            edited_key("rsa2048", |v| v["dp"] = v["dq"].clone()),
            "jwk.malformed",
        ),
        (
            edited_key("rsa2048", |v| v["q"] = v["p"].clone()),
            "jwk.malformed",
        ),
        (
            edited_key("rsa2048", |v| v["d"] = key_json("rsa2048-b")["d"].clone()),
            "jwk.malformed",
        ),
        (
            edited_key("rsa2048", |v| v["n"] = key_json("rsa2048-b")["n"].clone()),
            "jwk.malformed",
        ),
        (
            edited_key("rsa2048", |v| {
                v["d"] = format!("AA{}", v["d"].as_str().unwrap()).into()
            }),
            "jwk.malformed",
        ),
        (
            edited_key("rsa2048", |v| v["oth"] = serde_json::json!([])),
            "jwk.unsupported",
        ),
        (
            edited_key("rsa2048", |v| v["kty"] = "oct".into()),
            "jwk.unsupported",
        ),
        (
            edited_key("rsa2048", |v| v["kty"] = "OKP".into()),
            "jwk.unsupported",
        ),
        (
            edited_key("rsa2048", |v| v["d"] = 5.into()),
            "jwk.malformed",
        ),
        (
            String::from_utf8(key_text("rsa1024")).unwrap(),
            "jwk.unsupported",
        ),
        (
            edited_key("p256", |v| v["d"] = key_json("p256-b")["d"].clone()),
            "jwk.malformed",
        ),
        (
            edited_key("p256", |v| v["d"] = b64(&[0; 32]).into()),
            "jwk.malformed",
        ),
        (
            edited_key("p256", |v| v["d"] = b64(&[0xff; 32]).into()),
            "jwk.malformed",
        ),
        (
            edited_key("p256", |v| {
                v["d"] = b64(&unb64(v["d"].as_str().unwrap())[1..]).into()
            }),
            "jwk.malformed",
        ),
        (
            edited_key("p256", |v| v["crv"] = "P-384".into()),
            "jwk.malformed",
        ),
        (
            edited_key("p256", |v| v["crv"] = "secp256k1".into()),
            "jwk.unsupported",
        ),
        (
            edited_key("p256", |v| v["kid"] = "".into()),
            "jwk.malformed",
        ),
        ("[]".to_string(), "jwk.malformed"),
        (
            r#"{"kty":"EC","d":"AA","d":"AA"}"#.to_string(),
            "jwk.malformed",
        ),
    ];
    for (text, expected) in &cases {
        let got = PrivateJwk::from_json(text.as_bytes())
            .map(|_| ())
            .map_err(|e| e.code().to_string());
        assert_eq!(got, Err(expected.to_string()), "{text:.200}");
    }
    // The public parser keeps refusing private members.
    for name in ["rsa2048", "p256"] {
        assert_eq!(
            jose::Jwk::from_json(&key_text(name)).unwrap_err().code(),
            "jwk.private"
        );
    }
    // Bounded: a JWK larger than a JOSE header.
    let big = edited_key("p256", |v| v["x5c"] = "A".repeat(20_000).into());
    assert_eq!(
        PrivateJwk::from_json(big.as_bytes()).unwrap_err().code(),
        "input.too_large"
    );
}

fn key_json(name: &str) -> serde_json::Value {
    serde_json::from_slice(&key_text(name)).unwrap()
}

#[test]
fn debug_never_shows_a_secret() {
    for name in ["rsa2048", "p256", "p521"] {
        let v = key_json(name);
        let k = key(name);
        let private = PrivateJwk::from_json(&key_text(name)).unwrap();
        let token = jose::encrypt_compact(
            k.public_jwk(),
            if name.starts_with('p') {
                JweAlg::EcdhEs
            } else {
                JweAlg::RsaOaep
            },
            JweEnc::A128Gcm,
            b"secret plaintext",
            &[],
        )
        .unwrap();
        let jwe = jose::decrypt_compact(&k, &token, &JweOptions::new()).unwrap();
        for shown in [
            format!("{k:?}"),
            format!("{private:?}"),
            format!("{jwe:?}"),
            format!("{:?}", k.public_jwk()),
        ] {
            for member in ["d", "p", "q", "dp", "dq", "qi"] {
                if let Some(secret) = v[member].as_str() {
                    assert!(!shown.contains(&secret[..16]), "{name} {member}: {shown}");
                }
            }
            assert!(!shown.contains("secret plaintext"));
        }
        assert!(!k.public_jwk().to_json().contains("\"d\""));
    }
}

#[test]
fn a_private_jwk_signs_what_its_public_half_verifies() {
    use idbridge::crypto;
    for (name, alg) in [
        ("p256", "ES256"),
        ("p384", "ES384"),
        ("rsa2048", "PS256"),
        ("rsa2048", "RS256"),
    ] {
        // A signature key: the same material without use "enc".
        let text = edited_key(name, |v| {
            v["use"] = "sig".into();
            v["kid"] = format!("{name}-sig").into();
        });
        let private = PrivateJwk::from_json(text.as_bytes()).unwrap();
        let signer = private.signer().unwrap();
        let token =
            jose::sign_compact(&signer, alg, private.kid(), None, br#"{"iss":"rp"}"#).unwrap();
        let keys = jose::JwkSet::from_keys(vec![private.public_jwk().clone()]).unwrap();
        let v = jose::verify_compact(
            crypto::default_backend(),
            &keys,
            &token,
            &jose::JwsOptions::new().require_kid(),
        )
        .unwrap();
        assert_eq!(v.key_kid(), private.kid());
    }
    // An encryption key does not sign; P-521 has no signer here.
    assert_eq!(
        PrivateJwk::from_json(&key_text("p256"))
            .unwrap()
            .signer()
            .unwrap_err()
            .code(),
        "jwk.unsupported"
    );
    let p521 = edited_key("p521", |v| v["use"] = "sig".into());
    assert_eq!(
        PrivateJwk::from_json(p521.as_bytes())
            .unwrap()
            .signer()
            .unwrap_err()
            .code(),
        "jwk.unsupported"
    );
}

#[test]
fn encryption_refuses_what_decryption_would() {
    let rsa = key("rsa2048");
    let ec = key("p256");
    assert_eq!(
        jose::encrypt_compact(ec.public_jwk(), JweAlg::RsaOaep, JweEnc::A128Gcm, b"x", &[])
            .unwrap_err()
            .code(),
        "crypto.key.mismatch"
    );
    assert_eq!(
        jose::encrypt_compact(rsa.public_jwk(), JweAlg::EcdhEs, JweEnc::A128Gcm, b"x", &[])
            .unwrap_err()
            .code(),
        "crypto.key.mismatch"
    );
    for extra in [
        [("alg", "dir")],
        [("enc", "A128GCM")],
        [("kid", "x")],
        [("zip", "DEF")],
        [("epk", "x")],
        [("apu", "!")],
    ] {
        assert_eq!(
            jose::encrypt_compact(
                rsa.public_jwk(),
                JweAlg::RsaOaep,
                JweEnc::A128Gcm,
                b"x",
                &extra
            )
            .unwrap_err()
            .code(),
            "jwe.malformed",
            "{extra:?}"
        );
    }
    // apu and apv given by the sender take part in the key derivation.
    let t = jose::encrypt_compact(
        ec.public_jwk(),
        JweAlg::EcdhEsA128Kw,
        JweEnc::A128Gcm,
        b"x",
        &[("apu", "QWxpY2U"), ("apv", "Qm9i")],
    )
    .unwrap();
    assert_eq!(
        code(jose::decrypt_compact(&ec, &t, &JweOptions::new())),
        "ok"
    );
    let changed = with_header(&t, &header_of(&t).replace("Qm9i", "Qm9j"));
    assert_eq!(
        code(jose::decrypt_compact(&ec, &changed, &JweOptions::new())),
        "jwe.decryption.failed"
    );
}

/// Figures for the report (run in release: `cargo test --release
/// --all-features --test jose_jwe -- --ignored --nocapture timing`): the
/// cost of one decryption, and that a failed OAEP unwrap, a changed tag and
/// a valid token take the same path (one RSA operation, the content
/// decryption, a tag check).
#[test]
#[ignore = "timing figures, run by hand in release"]
fn timing() {
    let rounds = 200;
    for (name, alg, enc) in [
        ("rsa2048", JweAlg::RsaOaep, JweEnc::A256CbcHs512),
        ("rsa2048", JweAlg::RsaOaep256, JweEnc::A128Gcm),
        ("rsa3072", JweAlg::RsaOaep, JweEnc::A256CbcHs512),
        ("p256", JweAlg::EcdhEs, JweEnc::A128Gcm),
        ("p256", JweAlg::EcdhEsA256Kw, JweEnc::A256CbcHs512),
        ("p384", JweAlg::EcdhEsA192Kw, JweEnc::A256Gcm),
        ("p521", JweAlg::EcdhEs, JweEnc::A256Gcm),
    ] {
        let k = key(name);
        let token = jose::encrypt_compact(k.public_jwk(), alg, enc, &[b'x'; 2048], &[]).unwrap();
        let mut variants = vec![("valid", token.clone())];
        variants.push(("bad tag", with_segment(&token, 4, |b| b[0] ^= 1)));
        if alg != JweAlg::EcdhEs {
            variants.push(("bad key", with_segment(&token, 1, |b| b[5] ^= 1)));
        }
        let mut line = format!("{name} {} {}:", alg.name(), enc.name());
        for (label, t) in variants {
            let start = std::time::Instant::now();
            for _ in 0..rounds {
                let _ = std::hint::black_box(jose::decrypt_compact(&k, &t, &JweOptions::new()));
            }
            let us = start.elapsed().as_secs_f64() * 1e6 / f64::from(rounds);
            line.push_str(&format!(" {label} {us:.0} µs;"));
        }
        println!("{line}");
    }
}

#[test]
fn several_keys_select_by_kid_and_are_bounded() {
    let (a, b, c) = (key("p256"), key("p256-b"), key("rsa2048"));
    let keys = [c.clone(), b.clone(), a.clone()];
    for k in [&a, &b, &c] {
        let alg = if k.public_jwk().kty() == "RSA" {
            JweAlg::RsaOaep256
        } else {
            JweAlg::EcdhEsA128Kw
        };
        let token =
            jose::encrypt_compact(k.public_jwk(), alg, JweEnc::A256Gcm, b"rotated", &[]).unwrap();
        let jwe = jose::decrypt_compact_with_keys(&keys, &token, &JweOptions::new()).unwrap();
        assert_eq!(jwe.plaintext(), b"rotated");
        assert_eq!(jwe.key_kid(), k.kid());
        // Without the right key: the one code.
        let others: Vec<DecryptionKey> = keys
            .iter()
            .filter(|x| x.kid() != k.kid())
            .cloned()
            .collect();
        assert_eq!(
            code(jose::decrypt_compact_with_keys(
                &others,
                &token,
                &JweOptions::new()
            )),
            "jwe.decryption.failed"
        );
    }
    assert_eq!(
        code(jose::decrypt_compact_with_keys(
            &[],
            &jose::encrypt_compact(a.public_jwk(), JweAlg::EcdhEs, JweEnc::A128Gcm, b"", &[])
                .unwrap(),
            &JweOptions::new()
        )),
        "jwe.decryption.failed"
    );
    // Keys without a kid are all candidates, at most max_signature_checks.
    let strip = |name: &str| {
        DecryptionKey::from_jwk_json(
            edited_key(name, |v| {
                v.as_object_mut().unwrap().remove("kid");
            })
            .as_bytes(),
        )
        .unwrap()
    };
    let anonymous = [strip("p256-b"), strip("p256")];
    let token =
        jose::encrypt_compact(a.public_jwk(), JweAlg::EcdhEs, JweEnc::A128Gcm, b"x", &[]).unwrap();
    assert_eq!(
        code(jose::decrypt_compact_with_keys(
            &anonymous,
            &token,
            &JweOptions::new()
        )),
        "ok"
    );
    let one = JweOptions::new().with_limits(Limits::default().tighten_max_signature_checks(1));
    assert_eq!(
        code(jose::decrypt_compact_with_keys(&anonymous, &token, &one)),
        "crypto.checks.exceeded"
    );
}
