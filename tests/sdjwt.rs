//! SD-JWT VC presentations (`idbridge::sdjwt`): every check of the
//! `sd-jwt-vc` kind fails closed with its code, on presentations issued
//! here with the TEST keys of `test-vectors/keys/` (issuer P-256, holder
//! P-256 "b", status lists P-384, an attacker P-384 "b"), and every limit
//! (presentation size, 10,000 disclosures, nesting, a status-list
//! decompression bomb) ends with `input.too_large` under the defaults.
#![cfg(all(feature = "sdjwt", not(target_arch = "wasm32")))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use idbridge::crypto::{self, HashAlg, RustCryptoSigner, Signer};
use idbridge::jose::{self, Jwk, JwkSet};
use idbridge::sdjwt::{
    self, CredentialStatus, Expectations, KeyBinding, Profile, SdJwtTrust, StatusCheck, StatusLists,
};
use idbridge::{Limits, System, UnixTime};
use serde_json::{json, Value};

const NOW: i64 = 1_777_593_600; // 2026-05-01T00:00:00Z
const NONCE: &str = "n-0S6_WzA2Mj-nonce-of-the-request";
const AUD: &str = "https://rp.example.it";
const ISS: &str = "https://issuer.example.it";
const LIST_URI: &str = "https://status.example.it/lists/7";

fn signer(name: &str) -> RustCryptoSigner {
    let path = format!(
        "{}/test-vectors/keys/{name}.pk8.pem",
        env!("CARGO_MANIFEST_DIR")
    );
    let pem = std::fs::read_to_string(path).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    RustCryptoSigner::from_pkcs8_der(&der).unwrap()
}

fn jwks(s: &RustCryptoSigner, kid: &str) -> JwkSet {
    JwkSet::from_keys(vec![Jwk::from_public_key(s.public_key())
        .unwrap()
        .with_kid(kid)])
    .unwrap()
}

fn disclosure(v: Value) -> String {
    B64.encode(v.to_string())
}

fn digest(d: &str) -> String {
    B64.encode(HashAlg::Sha256.digest(d.as_bytes()))
}

fn now() -> UnixTime {
    UnixTime::from_unix_seconds(NOW)
}

/// A credential being built: the payload, the disclosures presented, the
/// header, and the KB-JWT's claims.
struct Cred {
    payload: Value,
    disclosures: Vec<String>,
    alg: &'static str,
    typ: Option<&'static str>,
    kid: Option<&'static str>,
    issuer: RustCryptoSigner,
    kb: Option<Value>,
    kb_typ: Option<&'static str>,
    kb_signer: RustCryptoSigner,
    hash: HashAlg,
}

impl Cred {
    /// A PID-like credential: three object-property disclosures and a
    /// decoy at the top, an array element, a recursive one; a KB-JWT.
    fn pid() -> Cred {
        let holder = signer("p256-b");
        let given = disclosure(json!(["salt-1", "given_name", "Mario"]));
        let family = disclosure(json!(["salt-2", "family_name", "Rossi"]));
        let tax = disclosure(json!(["salt-3", "tax_id_code", "TINIT-RSSMRA80A10H501U"]));
        let it = disclosure(json!(["salt-4", "IT"]));
        let locality = disclosure(json!(["salt-5", "locality", "Roma"]));
        let place = disclosure(json!(["salt-6", "place_of_birth",
            {"_sd": [digest(&locality)], "country": "IT"}]));
        let payload = json!({
            "iss": ISS,
            "iat": NOW - 86_400,
            "exp": NOW + 86_400,
            "vct": "urn:eudi:pid:it:1",
            "cnf": {"jwk": serde_json::from_str::<Value>(
                &Jwk::from_public_key(holder.public_key()).unwrap().to_json()).unwrap()},
            "_sd_alg": "sha-256",
            "_sd": [digest(&given), digest(&family), digest(&tax), digest(&place),
                    "decoy-digest-that-matches-nothing-000000000"],
            "nationalities": [{"...": digest(&it)}],
        });
        Cred {
            payload,
            disclosures: vec![given, family, tax, it, place, locality],
            alg: "ES256",
            typ: Some("dc+sd-jwt"),
            kid: Some("iss-1"),
            issuer: signer("p256"),
            kb: Some(json!({"iat": NOW - 30, "aud": AUD, "nonce": NONCE})),
            kb_typ: Some("kb+jwt"),
            kb_signer: holder,
            hash: HashAlg::Sha256,
        }
    }

    fn jwt(&self) -> String {
        jose::sign_compact(
            &self.issuer,
            self.alg,
            self.kid,
            self.typ,
            self.payload.to_string().as_bytes(),
        )
        .unwrap()
    }

    /// The presentation: issuer JWT, disclosures, KB-JWT with `sd_hash`
    /// over the rest unless the KB claims already hold one.
    fn present(&self) -> String {
        let mut p = self.jwt();
        p.push('~');
        for d in &self.disclosures {
            p.push_str(d);
            p.push('~');
        }
        if let Some(kb) = &self.kb {
            let mut kb = kb.clone();
            if kb.get("sd_hash").is_none() {
                kb["sd_hash"] = json!(B64.encode(self.hash.digest(p.as_bytes())));
            }
            let token = jose::sign_compact(
                &self.kb_signer,
                "ES256",
                None,
                self.kb_typ,
                kb.to_string().as_bytes(),
            )
            .unwrap();
            p.push_str(&token);
        }
        p
    }
}

fn trust() -> SdJwtTrust {
    SdJwtTrust::new(jwks(&signer("p256"), "iss-1"))
        .with_status_list_keys(jwks(&signer("p384"), "status-1"))
}

fn verify_with(
    p: &str,
    expect: &Expectations<'_>,
    lists: &StatusLists,
) -> idbridge::Result<sdjwt::VerifiedPresentation> {
    sdjwt::verify_presentation(crypto::default_backend(), p, &trust(), lists, expect, now())
}

fn verify(p: &str) -> idbridge::Result<sdjwt::VerifiedPresentation> {
    verify_with(p, &Expectations::new(NONCE, AUD), &StatusLists::new())
}

fn code(p: &str) -> &'static str {
    verify(p).unwrap_err().code()
}

#[test]
fn a_genuine_presentation_gives_the_identity_from_verified_claims_only() {
    let v = verify(&Cred::pid().present()).unwrap();
    let id = v.identity();
    assert_eq!(id.system(), System::SdJwtVc);
    assert_eq!(id.issuer(), Some(ISS));
    assert_eq!(id.subject_id(), Some("TINIT-RSSMRA80A10H501U"));
    assert_eq!(id.given_name(), Some("Mario"));
    assert_eq!(id.family_name(), Some("Rossi"));
    assert_eq!(id.authn_instant(), Some("2026-04-30T23:59:30Z"));
    let attrs = id.attributes();
    assert_eq!(attrs["place_of_birth.locality"], "Roma");
    assert_eq!(attrs["place_of_birth.country"], "IT");
    assert_eq!(attrs["nationalities.0"], "IT");
    assert_eq!(attrs["vct"], "urn:eudi:pid:it:1");
    for gone in ["iss", "cnf.jwk.x", "exp", "_sd_alg", "_sd.0"] {
        assert!(!attrs.contains_key(gone), "{gone}");
    }
    assert_eq!(v.disclosures(), 6);
    assert_eq!(v.vct(), Some("urn:eudi:pid:it:1"));
    assert_eq!(v.issuer_kid(), Some("iss-1"));
    assert!(v.claims().get("_sd").is_none());
    assert_eq!(*v.status(), CredentialStatus::NoStatusList);
    let kb = v.key_binding().unwrap();
    assert_eq!(kb.iat(), UnixTime::from_unix_seconds(NOW - 30));
    assert_eq!(kb.alg(), "ES256");
    assert_eq!(
        serde_json::to_value(id).unwrap()["system"],
        json!("sd-jwt-vc")
    );
}

#[test]
fn withheld_disclosures_are_simply_absent() {
    let mut c = Cred::pid();
    c.disclosures.retain(|d| {
        let text = String::from_utf8(B64.decode(d).unwrap()).unwrap();
        !text.contains("given_name")
            && !text.contains("place_of_birth")
            && !text.contains("locality")
    });
    let v = verify(&c.present()).unwrap();
    assert_eq!(v.identity().given_name(), None);
    assert!(v.claims().get("place_of_birth").is_none());
    assert_eq!(v.identity().family_name(), Some("Rossi"));
}

#[test]
fn check_1_format() {
    let p = Cred::pid().present();
    let jwt = Cred::pid().jwt();
    assert_eq!(code(&jwt), "sdjwt.format.invalid"); // no ~ at all
    let (head, kb) = p.rsplit_once('~').unwrap();
    assert_eq!(code(&format!("{head}~{kb}x.y")), "sdjwt.format.invalid");
    assert_eq!(code(&format!("{head}~notajws")), "sdjwt.format.invalid");
    assert_eq!(code(&format!("{jwt}~~{kb}")), "sdjwt.format.invalid");
    assert_eq!(code(&format!("{jwt}~é~")), "sdjwt.format.invalid");
    assert_eq!(code("~"), "jws.malformed");
}

#[test]
fn check_2_issuer_jwt() {
    let mut c = Cred::pid();
    c.typ = None;
    assert_eq!(code(&c.present()), "sdjwt.typ.unsupported");
    c.typ = Some("JWT");
    assert_eq!(code(&c.present()), "sdjwt.typ.unsupported");
    // RFC 9901 alone: no typ rule.
    let mut e = Expectations::new(NONCE, AUD);
    e.profile = Profile::SdJwt;
    assert!(verify_with(&c.present(), &e, &StatusLists::new()).is_ok());
    // The legacy typ, accepted by default, refused when the RP says so.
    c.typ = Some("vc+sd-jwt");
    assert!(verify(&c.present()).is_ok());
    let only_dc = ["dc+sd-jwt"];
    let mut e = Expectations::new(NONCE, AUD);
    e.accepted_typ = &only_dc;
    assert_eq!(
        verify_with(&c.present(), &e, &StatusLists::new())
            .unwrap_err()
            .code(),
        "sdjwt.typ.unsupported"
    );
    // The media-type rules: application/ prefix and case.
    c.typ = Some("application/DC+SD-JWT");
    assert!(verify(&c.present()).is_ok());
    // alg none is refused before typ is looked at.
    let p = Cred::pid().present();
    let (jwt, rest) = p.split_once('~').unwrap();
    let payload = jwt.split('.').nth(1).unwrap();
    let none = format!("{}.{payload}.~{rest}", B64.encode(r#"{"alg":"none"}"#));
    assert_eq!(code(&none), "jws.algorithm.forbidden");
    let hs = format!(
        "{}.{payload}.c2ln~{rest}",
        B64.encode(r#"{"alg":"HS256","typ":"dc+sd-jwt"}"#)
    );
    assert_eq!(code(&hs), "jws.algorithm.forbidden");
    // Another key, an unknown kid, a changed payload.
    let mut c = Cred::pid();
    c.issuer = signer("p256-b");
    assert_eq!(code(&c.present()), "jws.signature.invalid");
    c.kid = Some("someone-else");
    assert_eq!(code(&c.present()), "jws.key.untrusted");
    let mut c = Cred::pid();
    c.kid = None; // kid optional: every trusted key is a candidate
    assert!(verify(&c.present()).is_ok());
}

#[test]
fn check_3_hash_algorithm() {
    for (alg, hash) in [("sha-384", HashAlg::Sha384), ("sha-512", HashAlg::Sha512)] {
        let d = disclosure(json!(["s", "given_name", "Ada"]));
        let mut c = Cred::pid();
        c.hash = hash;
        c.payload["_sd_alg"] = json!(alg);
        c.payload["_sd"] = json!([B64.encode(hash.digest(d.as_bytes()))]);
        c.payload.as_object_mut().unwrap().remove("nationalities");
        c.disclosures = vec![d];
        let v = verify(&c.present()).unwrap();
        assert_eq!(v.identity().given_name(), Some("Ada"));
        assert_eq!(v.hash_alg(), hash);
    }
    for bad in [json!("sha-1"), json!("SHA-256"), json!(256), json!(null)] {
        let mut c = Cred::pid();
        c.payload["_sd_alg"] = bad.clone();
        assert_eq!(code(&c.present()), "sdjwt.hash_alg.unsupported", "{bad}");
    }
    // Absent: SHA-256.
    let mut c = Cred::pid();
    c.payload.as_object_mut().unwrap().remove("_sd_alg");
    assert!(verify(&c.present()).is_ok());
}

#[test]
fn check_4_disclosures() {
    // The same disclosure twice.
    let mut c = Cred::pid();
    c.disclosures.push(c.disclosures[0].clone());
    assert_eq!(code(&c.present()), "sdjwt.disclosure.duplicate");
    // Not base64url, not JSON, wrong shape.
    for bad in [
        "%%%".to_string(),
        B64.encode("not json"),
        disclosure(json!({"a": 1})),
        disclosure(json!(["s", "a", 1, 2])),
        disclosure(json!([1, "a", 1])),
        disclosure(json!(["s"])),
    ] {
        let mut c = Cred::pid();
        c.payload["_sd"]
            .as_array_mut()
            .unwrap()
            .push(json!(digest(&bad)));
        c.disclosures.push(bad.clone());
        assert_eq!(code(&c.present()), "sdjwt.disclosure.malformed", "{bad}");
    }
    // A re-encoded disclosure (same salt and value, other bytes): unreferenced.
    let mut c = Cred::pid();
    c.disclosures[0] = B64.encode(r#"["salt-1", "given_name", "Mario"]"#);
    assert_eq!(code(&c.present()), "sdjwt.disclosure.unreferenced");
    // _sd of the wrong type.
    let mut c = Cred::pid();
    c.payload["extra"] = json!({"_sd": "not-an-array"});
    assert_eq!(code(&c.present()), "sdjwt.claims.invalid");
    // A digest twice (decoys count too).
    let mut c = Cred::pid();
    let again = c.payload["_sd"][0].clone();
    c.payload["_sd"].as_array_mut().unwrap().push(again);
    assert_eq!(code(&c.present()), "sdjwt.digest.duplicate");
    // Claim names _sd, ..., and an existing one.
    for (name, want) in [
        ("_sd", "sdjwt.claim_name.forbidden"),
        ("...", "sdjwt.claim_name.forbidden"),
        ("iss", "sdjwt.claim_name.conflict"),
        ("vct", "sdjwt.claim_name.conflict"),
    ] {
        let d = disclosure(json!(["s", name, "x"]));
        let mut c = Cred::pid();
        c.payload["_sd"]
            .as_array_mut()
            .unwrap()
            .push(json!(digest(&d)));
        c.disclosures.push(d);
        assert_eq!(code(&c.present()), want, "{name}");
    }
    // Two disclosures of one name in one object.
    let d = disclosure(json!(["other-salt", "given_name", "Luigi"]));
    let mut c = Cred::pid();
    c.payload["_sd"]
        .as_array_mut()
        .unwrap()
        .push(json!(digest(&d)));
    c.disclosures.push(d);
    assert_eq!(code(&c.present()), "sdjwt.claim_name.conflict");
}

#[test]
fn check_5_time_and_vct() {
    let mut c = Cred::pid();
    c.payload["exp"] = json!(NOW);
    assert_eq!(code(&c.present()), "sdjwt.time.expired");
    c.payload["exp"] = json!(NOW + 1);
    assert!(verify(&c.present()).is_ok());
    // The skew moves the edge.
    c.payload["exp"] = json!(NOW - 5);
    let mut e = Expectations::new(NONCE, AUD);
    e.clock_skew_seconds = 10;
    assert!(verify_with(&c.present(), &e, &StatusLists::new()).is_ok());
    let mut c = Cred::pid();
    c.payload["nbf"] = json!(NOW + 1);
    assert_eq!(code(&c.present()), "sdjwt.time.not_yet_valid");
    c.payload["nbf"] = json!(NOW);
    assert!(verify(&c.present()).is_ok());
    let mut c = Cred::pid();
    c.payload["iat"] = json!(NOW + 1);
    assert_eq!(code(&c.present()), "sdjwt.time.invalid");
    c.payload["iat"] = json!("yesterday");
    assert_eq!(code(&c.present()), "sdjwt.claims.invalid");
    let mut c = Cred::pid();
    c.payload.as_object_mut().unwrap().remove("vct");
    assert_eq!(code(&c.present()), "sdjwt.vct.missing");
    c.payload["vct"] = json!(7);
    assert_eq!(code(&c.present()), "sdjwt.vct.missing");
    let c = Cred::pid();
    let other = ["urn:eudi:pid:1"];
    let mut e = Expectations::new(NONCE, AUD);
    e.accepted_vct = Some(&other);
    assert_eq!(
        verify_with(&c.present(), &e, &StatusLists::new())
            .unwrap_err()
            .code(),
        "sdjwt.vct.mismatch"
    );
    let ours = ["urn:eudi:pid:1", "urn:eudi:pid:it:1"];
    e.accepted_vct = Some(&ours);
    assert!(verify_with(&c.present(), &e, &StatusLists::new()).is_ok());
}

#[test]
fn check_6_key_binding() {
    // No KB-JWT: refused unless the RP's policy allows it.
    let mut c = Cred::pid();
    c.kb = None;
    assert_eq!(code(&c.present()), "kb.missing");
    let mut e = Expectations::new(NONCE, AUD);
    e.key_binding = KeyBinding::Optional;
    let v = verify_with(&c.present(), &e, &StatusLists::new()).unwrap();
    assert!(v.key_binding().is_none());
    assert_eq!(v.identity().authn_instant(), None);
    // A KB-JWT without cnf in the credential.
    let mut c = Cred::pid();
    c.payload.as_object_mut().unwrap().remove("cnf");
    assert_eq!(code(&c.present()), "kb.key.missing");
    c.payload["cnf"] = json!({"jwk": {"kty": "oct", "k": "c2VjcmV0"}});
    assert_eq!(code(&c.present()), "kb.key.missing");
    // typ, signer.
    let mut c = Cred::pid();
    c.kb_typ = Some("JWT");
    assert_eq!(code(&c.present()), "kb.typ.invalid");
    c.kb_typ = None;
    assert_eq!(code(&c.present()), "kb.typ.invalid");
    let mut c = Cred::pid();
    c.kb_signer = signer("p256");
    assert_eq!(code(&c.present()), "kb.signature.invalid");
    // iat window: [now - 300, now].
    for (iat, ok) in [
        (NOW - 300, true),
        (NOW - 301, false),
        (NOW, true),
        (NOW + 1, false),
    ] {
        let mut c = Cred::pid();
        c.kb.as_mut().unwrap()["iat"] = json!(iat);
        let r = verify(&c.present());
        assert_eq!(r.is_ok(), ok, "{iat}");
        if !ok {
            assert_eq!(r.unwrap_err().code(), "kb.time.invalid");
        }
    }
    let mut c = Cred::pid();
    c.kb.as_mut()
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove("iat");
    assert_eq!(code(&c.present()), "kb.time.invalid");
    // nonce, aud, sd_hash.
    let mut c = Cred::pid();
    c.kb.as_mut().unwrap()["nonce"] = json!("another-nonce");
    assert_eq!(code(&c.present()), "kb.nonce.mismatch");
    let mut c = Cred::pid();
    c.kb.as_mut().unwrap()["aud"] = json!([AUD]);
    assert_eq!(code(&c.present()), "kb.audience.mismatch");
    let mut c = Cred::pid();
    c.kb.as_mut().unwrap()["sd_hash"] = json!(B64.encode([0u8; 32]));
    assert_eq!(code(&c.present()), "kb.sd_hash.mismatch");
    // A disclosure stripped after the holder signed: sd_hash no longer matches.
    let p = Cred::pid().present();
    let mut parts: Vec<&str> = p.split('~').collect();
    parts.remove(1);
    assert_eq!(code(&parts.join("~")), "kb.sd_hash.mismatch");
    // A KB-JWT is checked even when key binding is optional, and without
    // an expected nonce it matches nothing.
    let c = Cred::pid();
    let e = Expectations::without_key_binding();
    assert_eq!(
        verify_with(&c.present(), &e, &StatusLists::new())
            .unwrap_err()
            .code(),
        "kb.nonce.mismatch"
    );
}

/// A status list token signed by `who` over `values` at `bits`.
fn status_token(
    who: &RustCryptoSigner,
    sub: &str,
    bits: u8,
    values: &[u8],
    extra: Value,
) -> Vec<u8> {
    let per = 8 / bits as usize;
    let mut bytes = vec![0u8; values.len().div_ceil(per)];
    for (i, v) in values.iter().enumerate() {
        bytes[i / per] |= v << ((i % per) * bits as usize);
    }
    let lst = B64.encode(miniz_oxide::deflate::compress_to_vec_zlib(&bytes, 9));
    let mut claims = json!({"sub": sub, "iat": NOW - 60, "exp": NOW + 3600,
        "status_list": {"bits": bits, "lst": lst}});
    for (k, v) in extra.as_object().unwrap() {
        claims[k] = v.clone();
    }
    jose::sign_compact(
        who,
        "ES384",
        Some("status-1"),
        Some("statuslist+jwt"),
        claims.to_string().as_bytes(),
    )
    .unwrap()
    .into_bytes()
}

fn with_status(idx: u64) -> String {
    let mut c = Cred::pid();
    c.payload["status"] = json!({"status_list": {"idx": idx, "uri": LIST_URI}});
    c.present()
}

fn status_code(p: &str, token: Vec<u8>) -> Result<CredentialStatus, &'static str> {
    let lists = StatusLists::new().with(LIST_URI, token);
    verify_with(p, &Expectations::new(NONCE, AUD), &lists)
        .map(|v| v.status().clone())
        .map_err(|e| e.code())
}

#[test]
fn check_7_status_list() {
    let s = signer("p384");
    let list = status_token(&s, LIST_URI, 2, &[0, 1, 2, 3], json!({}));
    // Sans-IO: the URI the caller must fetch, before verification.
    let r = sdjwt::status_reference(&with_status(1), &Limits::default())
        .unwrap()
        .unwrap();
    assert_eq!((r.uri(), r.idx()), (LIST_URI, 1));
    assert_eq!(
        sdjwt::status_reference(&Cred::pid().present(), &Limits::default()).unwrap(),
        None
    );
    assert!(matches!(
        status_code(&with_status(0), list.clone()),
        Ok(CredentialStatus::Valid(_))
    ));
    assert_eq!(
        status_code(&with_status(1), list.clone()),
        Err("status.credential.revoked")
    );
    assert_eq!(
        status_code(&with_status(2), list.clone()),
        Err("status.credential.suspended")
    );
    assert_eq!(
        status_code(&with_status(3), list.clone()),
        Err("status.value.unknown")
    );
    assert_eq!(
        status_code(&with_status(4), list.clone()),
        Err("status.index.out_of_range")
    );
    assert_eq!(
        status_code(&with_status(u64::MAX), list.clone()),
        Err("status.index.out_of_range")
    );
    for bits in [1u8, 4, 8] {
        let l = status_token(&s, LIST_URI, bits, &[0, 1], json!({}));
        assert_eq!(
            status_code(&with_status(1), l.clone()),
            Err("status.credential.revoked")
        );
        assert!(status_code(&with_status(0), l).is_ok(), "{bits}");
    }
    // Not provided; the check turned off.
    let lists = StatusLists::new();
    let e = Expectations::new(NONCE, AUD);
    assert_eq!(
        verify_with(&with_status(1), &e, &lists).unwrap_err().code(),
        "status.list.unavailable"
    );
    let mut off = Expectations::new(NONCE, AUD);
    off.status_check = StatusCheck::Off;
    assert!(matches!(
        verify_with(&with_status(1), &off, &lists).unwrap().status(),
        CredentialStatus::NotChecked(_)
    ));
    // The list token's own checks.
    let attacker = signer("p384-b");
    assert_eq!(
        status_code(
            &with_status(0),
            status_token(&attacker, LIST_URI, 2, &[0], json!({}))
        ),
        Err("status.list.invalid")
    );
    assert_eq!(
        status_code(
            &with_status(0),
            status_token(&s, "https://other.example/l", 2, &[0], json!({}))
        ),
        Err("status.list.invalid")
    );
    for bad in [
        json!({"status_list": {"bits": 3, "lst": "eJwDAAAAAAE"}}),
        json!({"status_list": {"bits": 1, "lst": B64.encode(b"not zlib")}}),
        json!({"status_list": {"bits": 1}}),
        json!({"status_list": "x"}),
    ] {
        assert_eq!(
            status_code(
                &with_status(0),
                status_token(&s, LIST_URI, 1, &[0], bad.clone())
            ),
            Err("status.list.invalid"),
            "{bad}"
        );
    }
    let typ_jwt = jose::sign_compact(
        &s,
        "ES384",
        Some("status-1"),
        Some("JWT"),
        json!({"sub": LIST_URI, "status_list": {"bits": 1, "lst": "eJwDAAAAAAE"}})
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(
        status_code(&with_status(0), typ_jwt.into_bytes()),
        Err("status.list.invalid")
    );
    assert_eq!(
        status_code(&with_status(0), b"\xff".to_vec()),
        Err("status.list.invalid")
    );
    assert_eq!(
        status_code(
            &with_status(0),
            status_token(&s, LIST_URI, 2, &[0], json!({"exp": NOW}))
        ),
        Err("status.list.expired")
    );
    // A malformed reference in the credential.
    let mut c = Cred::pid();
    c.payload["status"] = json!({"status_list": {"idx": -1, "uri": LIST_URI}});
    assert_eq!(status_code(&c.present(), list), Err("sdjwt.claims.invalid"));
}

#[test]
fn limits_end_with_input_too_large() {
    // A presentation over 512 KiB.
    let big = format!("{}~{}~", Cred::pid().jwt(), "A".repeat(600 * 1024));
    assert_eq!(code(&big), "input.too_large");
    // 10,000 disclosures (each well-formed): refused before any is decoded.
    let mut c = Cred::pid();
    c.kb = None;
    let d = disclosure(json!(["s", "x", 1]));
    let mut p = c.jwt();
    p.push('~');
    for _ in 0..10_000 {
        p.push_str(&d);
        p.push('~');
    }
    assert_eq!(code(&p), "input.too_large");
    // The limit is the caller's to tighten.
    let mut e = Expectations::new(NONCE, AUD);
    e.limits = Limits::default().tighten_max_disclosures(5);
    assert_eq!(
        verify_with(&Cred::pid().present(), &e, &StatusLists::new())
            .unwrap_err()
            .code(),
        "input.too_large"
    );
    // Recursive disclosures nested 40 deep.
    let mut c = Cred::pid();
    let mut inner = disclosure(json!(["s0", "leaf", "x"]));
    c.disclosures.push(inner.clone());
    for i in 1..40 {
        inner = disclosure(json!([format!("s{i}"), format!("n{i}"), {"_sd": [digest(&inner)]}]));
        c.disclosures.push(inner.clone());
    }
    c.payload["_sd"]
        .as_array_mut()
        .unwrap()
        .push(json!(digest(&inner)));
    assert_eq!(code(&c.present()), "input.too_large");
}

#[test]
fn a_status_list_decompression_bomb_stops_at_the_limit() {
    // 16 MiB of zeros deflate to about 16 KB; the default cap is 4 MiB.
    let zeros = vec![0u8; 16 * 1024 * 1024];
    let lst = B64.encode(miniz_oxide::deflate::compress_to_vec_zlib(&zeros, 9));
    assert!(lst.len() < 64 * 1024);
    let s = signer("p384");
    let token = jose::sign_compact(
        &s,
        "ES384",
        Some("status-1"),
        Some("statuslist+jwt"),
        json!({"sub": LIST_URI, "exp": NOW + 60, "status_list": {"bits": 1, "lst": lst}})
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(
        status_code(&with_status(0), token.into_bytes()),
        Err("input.too_large")
    );
}

// ------------------------------------------------ issuer trust beyond a JWK Set

fn verify_under(p: &str, trust: &SdJwtTrust) -> idbridge::Result<sdjwt::VerifiedPresentation> {
    sdjwt::verify_presentation(
        crypto::default_backend(),
        p,
        trust,
        &StatusLists::new(),
        &Expectations::new(NONCE, AUD),
        now(),
    )
}

fn metadata(issuer: &str, keys: &JwkSet) -> Vec<u8> {
    json!({"issuer": issuer, "jwks": serde_json::from_str::<Value>(&keys.to_json()).unwrap()})
        .to_string()
        .into_bytes()
}

#[test]
fn issuer_metadata_binds_the_keys_to_its_issuer() {
    let keys = jwks(&signer("p256"), "iss-1");
    let limits = Limits::default();
    let trust = SdJwtTrust::from_issuer_metadata(&metadata(ISS, &keys), &limits).unwrap();
    assert_eq!(trust.issuer(), Some(ISS));
    let p = Cred::pid().present();
    assert!(verify_under(&p, &trust).is_ok());
    // The same keys published by another issuer's metadata.
    let other =
        SdJwtTrust::from_issuer_metadata(&metadata("https://other.example", &keys), &limits)
            .unwrap();
    assert_eq!(
        verify_under(&p, &other).unwrap_err().code(),
        "sdjwt.issuer.mismatch"
    );
    // A credential without iss under issuer-bound trust.
    let mut c = Cred::pid();
    c.payload.as_object_mut().unwrap().remove("iss");
    assert_eq!(
        verify_under(&c.present(), &trust).unwrap_err().code(),
        "sdjwt.issuer.mismatch"
    );
    // The issuer bound with for_issuer directly.
    let bound = SdJwtTrust::for_issuer("https://issuer.example.it/", keys);
    assert_eq!(
        verify_under(&p, &bound).unwrap_err().code(),
        "sdjwt.issuer.mismatch"
    );
}

#[test]
fn issuer_metadata_documents_that_are_refused() {
    let keys = serde_json::from_str::<Value>(&jwks(&signer("p256"), "iss-1").to_json()).unwrap();
    let limits = Limits::default();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"not json".to_vec(), "sdjwt.metadata.invalid"),
        (b"[]".to_vec(), "sdjwt.metadata.invalid"),
        (
            json!({"jwks": keys}).to_string().into_bytes(),
            "sdjwt.metadata.invalid",
        ),
        (
            json!({"issuer": "", "jwks": keys}).to_string().into_bytes(),
            "sdjwt.metadata.invalid",
        ),
        (
            json!({"issuer": 7, "jwks": keys}).to_string().into_bytes(),
            "sdjwt.metadata.invalid",
        ),
        (
            json!({"issuer": ISS, "jwks_uri": "https://issuer.example.it/jwks"})
                .to_string()
                .into_bytes(),
            "sdjwt.metadata.invalid",
        ),
        (
            json!({"issuer": ISS, "jwks": "keys"})
                .to_string()
                .into_bytes(),
            "sdjwt.metadata.invalid",
        ),
        (
            br#"{"issuer":"https://a.example","issuer":"https://b.example","jwks":{"keys":[]}}"#
                .to_vec(),
            "sdjwt.metadata.invalid",
        ),
        (
            json!({"issuer": ISS, "jwks": {"keys": [{"kty": "EC"}]}})
                .to_string()
                .into_bytes(),
            "jwk.malformed",
        ),
        (vec![b' '; limits.max_input_bytes() + 1], "input.too_large"),
    ];
    for (doc, want) in cases {
        let got = SdJwtTrust::from_issuer_metadata(&doc, &limits).unwrap_err();
        assert_eq!(
            got.code(),
            want,
            "{}",
            String::from_utf8_lossy(&doc[..doc.len().min(80)])
        );
    }
}

// ------------------------------------- status lists under the issuer's trust

fn status_under(
    p: &str,
    trust: &SdJwtTrust,
    lists: &StatusLists,
    at: UnixTime,
) -> Result<CredentialStatus, &'static str> {
    sdjwt::verify_presentation(
        crypto::default_backend(),
        p,
        trust,
        lists,
        &Expectations::new(NONCE, AUD),
        at,
    )
    .map(|v| v.status().clone())
    .map_err(|e| e.code())
}

#[test]
fn a_status_list_under_issuer_metadata_uses_its_keys_and_issuer() {
    let p256 = signer("p256");
    let keys = jwks(&p256, "iss-1");
    let limits = Limits::default();
    let trust = SdJwtTrust::from_issuer_metadata(&metadata(ISS, &keys), &limits).unwrap();
    let p = with_status(0);
    // status_token signs ES384: build ES256 tokens with the issuer's key.
    let token = |extra: Value| {
        let bytes = status_token(&signer("p384"), LIST_URI, 2, &[0, 1], extra);
        // Re-sign the same claims with the metadata's P-256 key.
        let text = String::from_utf8(bytes).unwrap();
        let claims = B64.decode(text.split('.').nth(1).unwrap()).unwrap();
        jose::sign_compact(
            &p256,
            "ES256",
            Some("iss-1"),
            Some("statuslist+jwt"),
            &claims,
        )
        .unwrap()
        .into_bytes()
    };
    let lists = |t: Vec<u8>| StatusLists::new().with(LIST_URI, t);
    assert!(matches!(
        status_under(&p, &trust, &lists(token(json!({}))), now()),
        Ok(CredentialStatus::Valid(_))
    ));
    assert_eq!(
        status_under(&p, &trust, &lists(token(json!({"iss": ISS}))), now()).map(|_| "ok"),
        Ok("ok")
    );
    // A token iss other than the metadata's issuer.
    assert_eq!(
        status_under(
            &p,
            &trust,
            &lists(token(json!({"iss": "https://other.example"}))),
            now()
        ),
        Err("status.list.invalid")
    );
    assert_eq!(
        status_under(&p, &trust, &lists(token(json!({"iss": 7}))), now()),
        Err("status.list.invalid")
    );
    // A token signed by a key the metadata does not publish.
    assert_eq!(
        status_under(
            &with_status(0),
            &trust,
            &lists(status_token(&signer("p384"), LIST_URI, 2, &[0], json!({}))),
            now()
        ),
        Err("status.list.invalid")
    );
    // Revoked is still revoked under metadata trust.
    assert_eq!(
        status_under(&with_status(1), &trust, &lists(token(json!({}))), now()),
        Err("status.credential.revoked")
    );
}

#[test]
fn a_status_list_ttl_counts_from_when_the_caller_fetched_it() {
    let s = signer("p384");
    let p = with_status(0);
    let run = |extra: Value, fetched: Option<i64>, skew: u32| {
        let token = status_token(&s, LIST_URI, 2, &[0], extra);
        let lists = match fetched {
            Some(f) => {
                StatusLists::new().with_fetched(LIST_URI, token, UnixTime::from_unix_seconds(f))
            }
            None => StatusLists::new().with(LIST_URI, token),
        };
        let mut expect = Expectations::new(NONCE, AUD);
        expect.clock_skew_seconds = skew;
        match verify_with(&p, &expect, &lists) {
            Ok(_) => "ok",
            Err(e) => e.code(),
        }
    };
    let ttl = json!({"ttl": 600});
    // Just fetched (no fetch time): ttl does not apply, even long after iat.
    assert_eq!(run(json!({"ttl": 1, "iat": NOW - 50_000}), None, 0), "ok");
    // Fetched within the ttl, at its very end, and one second past it.
    assert_eq!(run(ttl.clone(), Some(NOW - 10), 0), "ok");
    assert_eq!(run(ttl.clone(), Some(NOW - 600), 0), "ok");
    assert_eq!(run(ttl.clone(), Some(NOW - 601), 0), "status.list.stale");
    // The skew widens the window, and only by itself.
    assert_eq!(run(ttl.clone(), Some(NOW - 605), 5), "ok");
    assert_eq!(run(ttl.clone(), Some(NOW - 606), 5), "status.list.stale");
    // No ttl: a cached token is used until exp.
    assert_eq!(run(json!({}), Some(NOW - 3000), 0), "ok");
    // An expired token is expired before it is stale.
    assert_eq!(
        run(json!({"ttl": 600, "exp": NOW - 1}), Some(NOW - 5000), 0),
        "status.list.expired"
    );
    // A ttl that is not a positive integer.
    for bad in [json!(0), json!(-5), json!("600"), json!(1.5), json!(null)] {
        assert_eq!(
            run(json!({ "ttl": bad }), None, 0),
            "status.list.invalid",
            "{bad}"
        );
    }
}

#[cfg(feature = "oidc")]
mod federation {
    use super::*;
    use idbridge::oidc::federation::{self, ChainOptions, FederationTrust};

    const TA: &str = "https://ta.example.it";

    fn statement(s: &RustCryptoSigner, kid: &str, claims: &Value) -> String {
        jose::sign_compact(
            s,
            "ES384",
            Some(kid),
            Some("entity-statement+jwt"),
            claims.to_string().as_bytes(),
        )
        .unwrap()
    }

    fn set_json(s: &RustCryptoSigner, kid: &str) -> Value {
        serde_json::from_str(&jwks(s, kid).to_json()).unwrap()
    }

    /// EC(issuer), ES(TA → issuer), EC(TA): the issuer's federation key is
    /// P-384 "b", its credential key (metadata) the P-256 issuer key.
    fn chain(issuer_metadata: Value) -> idbridge::Result<federation::VerifiedChain> {
        let (ta, ent) = (signer("p384"), signer("p384-b"));
        let (iat, exp) = (NOW - 60, NOW + 3600);
        let ec = statement(
            &ent,
            "ent-1",
            &json!({"iss": ISS, "sub": ISS, "iat": iat, "exp": exp,
                "jwks": set_json(&ent, "ent-1"), "authority_hints": [TA],
                "metadata": issuer_metadata}),
        );
        let es = statement(
            &ta,
            "ta-1",
            &json!({"iss": TA, "sub": ISS, "iat": iat, "exp": exp,
                "jwks": set_json(&ent, "ent-1")}),
        );
        let ta_ec = statement(
            &ta,
            "ta-1",
            &json!({"iss": TA, "sub": TA, "iat": iat, "exp": exp,
                "jwks": set_json(&ta, "ta-1")}),
        );
        federation::verify_chain(
            crypto::default_backend(),
            &FederationTrust::new().with_anchor(TA, jwks(&ta, "ta-1")),
            &[ec, es, ta_ec],
            &ChainOptions::new().entity_type("openid_credential_issuer"),
            now(),
        )
    }

    #[test]
    fn a_federation_issuer_gives_trust_bound_to_the_chain_subject() {
        let verified = chain(json!({"openid_credential_issuer": {
            "jwks": set_json(&signer("p256"), "iss-1")}}))
        .unwrap();
        let trust = idbridge::sdjwt_trust_from_federation(&verified).unwrap();
        assert_eq!(trust.issuer(), Some(ISS));
        assert!(verify_under(&Cred::pid().present(), &trust).is_ok());
        // A credential of another iss signed with the same key.
        let mut c = Cred::pid();
        c.payload["iss"] = json!("https://another.example.it");
        assert_eq!(
            verify_under(&c.present(), &trust).unwrap_err().code(),
            "sdjwt.issuer.mismatch"
        );
        // The federation key is not a credential key (same kid, other key).
        let mut c = Cred::pid();
        c.issuer = signer("p384-b");
        c.alg = "ES384";
        assert_eq!(
            verify_under(&c.present(), &trust).unwrap_err().code(),
            "jws.key.mismatch"
        );
    }

    #[test]
    fn a_federation_issuer_without_credential_keys_is_refused() {
        let verified = chain(json!({"openid_credential_issuer": {
            "credential_issuer": ISS}}))
        .unwrap();
        assert_eq!(
            idbridge::sdjwt_trust_from_federation(&verified)
                .unwrap_err()
                .code(),
            "oidcfed.metadata.missing"
        );
    }
}

// ------------------------------------------------------------ x5c to anchors

#[cfg(feature = "x509-path")]
mod x5c {
    use super::*;
    use base64::engine::general_purpose::STANDARD;
    use idbridge::crypto::{Algorithm, Curve, EcdsaEncoding};

    fn file(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/test-vectors/sdjwt-x5c/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    /// The issuer JWT of `c` re-signed (P-256 "issuer" key) with `x5c`.
    fn with_x5c(c: &Cred, x5c: Value) -> String {
        let p = c.present();
        let rest = &p[p.find('~').unwrap()..];
        let header = json!({"alg": "ES256", "typ": "dc+sd-jwt", "x5c": x5c});
        let mut jwt = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(c.payload.to_string())
        );
        let es256 = Algorithm::Ecdsa {
            curve: Curve::P256,
            hash: HashAlg::Sha256,
            encoding: EcdsaEncoding::Raw,
        };
        let sig = c.issuer.sign(es256, jwt.as_bytes()).unwrap();
        jwt.push('.');
        jwt.push_str(&B64.encode(sig));
        // The KB-JWT's sd_hash covers the old issuer JWT: present again.
        let mut out = jwt;
        let disclosures_end = rest.rfind('~').unwrap();
        out.push_str(&rest[..=disclosures_end]);
        let mut kb = c.kb.clone().unwrap();
        kb["sd_hash"] = json!(B64.encode(HashAlg::Sha256.digest(out.as_bytes())));
        let token = jose::sign_compact(
            &c.kb_signer,
            "ES256",
            None,
            Some("kb+jwt"),
            kb.to_string().as_bytes(),
        )
        .unwrap();
        out.push_str(&token);
        out
    }

    fn chain(names: &[&str]) -> Value {
        json!(names
            .iter()
            .map(|n| STANDARD.encode(file(n)))
            .collect::<Vec<_>>())
    }

    fn anchored() -> SdJwtTrust {
        SdJwtTrust::new(JwkSet::from_keys(vec![]).unwrap())
            .with_x5c_anchor(&file("ca.pem"))
            .unwrap()
    }

    fn code_under(p: &str, trust: &SdJwtTrust) -> &'static str {
        match verify_under(p, trust) {
            Ok(_) => "ok",
            Err(e) => e.code(),
        }
    }

    #[test]
    fn an_x5c_chain_to_a_configured_anchor_gives_the_issuer_key() {
        let c = Cred::pid();
        let trust = anchored();
        assert_eq!(trust.x5c_anchor_count(), 1);
        let direct = with_x5c(&c, chain(&["issuer.der"]));
        let v = verify_under(&direct, &trust).unwrap();
        assert_eq!(v.identity().given_name(), Some("Mario"));
        let via = with_x5c(
            &c,
            chain(&["issuer-via-intermediate.der", "intermediate.der"]),
        );
        assert_eq!(code_under(&via, &trust), "ok");
        // The intermediate left out: no path.
        let gap = with_x5c(&c, chain(&["issuer-via-intermediate.der"]));
        assert_eq!(code_under(&gap, &trust), "x509.chain.untrusted");
    }

    #[test]
    fn x5c_fails_closed() {
        let c = Cred::pid();
        let trust = anchored();
        // Another CA.
        let rogue = SdJwtTrust::new(JwkSet::from_keys(vec![]).unwrap())
            .with_x5c_anchor(&file("rogue-ca.pem"))
            .unwrap();
        let p = with_x5c(&c, chain(&["issuer.der"]));
        assert_eq!(code_under(&p, &rogue), "x509.chain.untrusted");
        // Without anchors, x5c is ignored: the (empty) JWK Set decides.
        let none = SdJwtTrust::new(JwkSet::from_keys(vec![]).unwrap());
        assert_ne!(code_under(&p, &none), "ok");
        // The leaf names another host.
        let other = with_x5c(&c, chain(&["other-name.der"]));
        assert_eq!(code_under(&other, &trust), "sdjwt.issuer.mismatch");
        // iss not https, or absent.
        let mut c2 = Cred::pid();
        c2.payload["iss"] = json!("http://issuer.example.it");
        assert_eq!(
            code_under(&with_x5c(&c2, chain(&["issuer.der"])), &trust),
            "sdjwt.issuer.mismatch"
        );
        c2.payload.as_object_mut().unwrap().remove("iss");
        assert_eq!(
            code_under(&with_x5c(&c2, chain(&["issuer.der"])), &trust),
            "sdjwt.issuer.mismatch"
        );
        // Shapes of x5c.
        for bad in [
            json!([]),
            json!("MIIB"),
            json!([7]),
            json!(["not base64!"]),
            json!(vec![STANDARD.encode(file("issuer.der")); 9]),
        ] {
            assert_eq!(
                code_under(&with_x5c(&c, bad.clone()), &trust),
                "sdjwt.x5c.invalid",
                "{bad}"
            );
        }
        assert_eq!(
            code_under(&with_x5c(&c, json!([STANDARD.encode(b"junk")])), &trust),
            "x509.cert.malformed"
        );
        // Expired (after 2036) and the leaf's key that did not sign.
        let late = UnixTime::from_unix_seconds(2_200_000_000);
        let err = sdjwt::verify_presentation(
            crypto::default_backend(),
            &p,
            &trust,
            &StatusLists::new(),
            &Expectations::new(NONCE, AUD),
            late,
        )
        .unwrap_err();
        assert!(
            err.code().starts_with("x509.") || err.code().starts_with("sdjwt.time"),
            "{}",
            err.code()
        );
        let mut forged = Cred::pid();
        forged.issuer = signer("p256-b");
        assert_eq!(
            code_under(&with_x5c(&forged, chain(&["issuer.der"])), &trust),
            "jws.signature.invalid"
        );
    }
    /// A status list token signed by the issuer's P-256 key with `x5c`.
    fn status_with_x5c(x5c: Option<Value>, extra: Value, key: &str) -> Vec<u8> {
        let bytes = status_token(&signer("p384"), LIST_URI, 2, &[0, 1], extra);
        let text = String::from_utf8(bytes).unwrap();
        let claims = text.split('.').nth(1).unwrap().to_string();
        let mut header = json!({"alg": "ES256", "typ": "statuslist+jwt"});
        if let Some(x5c) = x5c {
            header["x5c"] = x5c;
        }
        let mut jwt = format!("{}.{claims}", B64.encode(header.to_string()));
        let es256 = Algorithm::Ecdsa {
            curve: Curve::P256,
            hash: HashAlg::Sha256,
            encoding: EcdsaEncoding::Raw,
        };
        let sig = signer(key).sign(es256, jwt.as_bytes()).unwrap();
        jwt.push('.');
        jwt.push_str(&B64.encode(sig));
        jwt.into_bytes()
    }

    #[test]
    fn a_status_list_token_with_x5c_is_trusted_as_the_credential() {
        let mut c = Cred::pid();
        c.payload["status"] = json!({"status_list": {"idx": 0, "uri": LIST_URI}});
        let p = with_x5c(&c, chain(&["issuer.der"]));
        let trust = anchored();
        let run = |token: Vec<u8>, trust: &SdJwtTrust| {
            status_under(&p, trust, &StatusLists::new().with(LIST_URI, token), now()).map(|_| "ok")
        };
        let direct = status_with_x5c(Some(chain(&["issuer.der"])), json!({}), "p256");
        assert_eq!(run(direct.clone(), &trust), Ok("ok"));
        let via = status_with_x5c(
            Some(chain(&["issuer-via-intermediate.der", "intermediate.der"])),
            json!({}),
            "p256",
        );
        assert_eq!(run(via, &trust), Ok("ok"));
        // Revoked through the same chain.
        let mut c1 = Cred::pid();
        c1.payload["status"] = json!({"status_list": {"idx": 1, "uri": LIST_URI}});
        let revoked = with_x5c(&c1, chain(&["issuer.der"]));
        assert_eq!(
            status_under(
                &revoked,
                &trust,
                &StatusLists::new().with(LIST_URI, direct),
                now()
            ),
            Err("status.credential.revoked")
        );
        // Every failure of the token's chain is the list's.
        for (token, what) in [
            (
                status_with_x5c(
                    Some(chain(&["issuer-via-intermediate.der"])),
                    json!({}),
                    "p256",
                ),
                "no path",
            ),
            (
                status_with_x5c(Some(chain(&["other-name.der"])), json!({}), "p256"),
                "a leaf naming another issuer",
            ),
            (
                status_with_x5c(Some(chain(&["issuer.der"])), json!({}), "p256-b"),
                "signed by another key",
            ),
            (
                status_with_x5c(Some(json!([])), json!({}), "p256"),
                "an empty x5c",
            ),
            (
                status_with_x5c(Some(json!([STANDARD.encode(b"junk")])), json!({}), "p256"),
                "not a certificate",
            ),
            (
                status_with_x5c(None, json!({}), "p256"),
                "no x5c and no status-list key",
            ),
        ] {
            assert_eq!(run(token, &trust), Err("status.list.invalid"), "{what}");
        }
        // A chain to another CA.
        let rogue = SdJwtTrust::new(JwkSet::from_keys(vec![]).unwrap())
            .with_x5c_anchor(&file("rogue-ca.pem"))
            .unwrap();
        let rogue_token = status_with_x5c(Some(chain(&["issuer.der"])), json!({}), "p256");
        // (the credential itself fails first under the rogue CA)
        assert_eq!(run(rogue_token, &rogue), Err("x509.chain.untrusted"));
        // Without anchors, a token's x5c is not a key source: the
        // status-list keys decide.
        let keys_only = SdJwtTrust::new(jwks(&signer("p256"), "iss-1"))
            .with_status_list_keys(jwks(&signer("p384"), "status-1"));
        let mut plain = Cred::pid();
        plain.payload["status"] = json!({"status_list": {"idx": 0, "uri": LIST_URI}});
        let token = status_with_x5c(Some(chain(&["issuer.der"])), json!({}), "p256");
        assert_eq!(
            status_under(
                &plain.present(),
                &keys_only,
                &StatusLists::new().with(LIST_URI, token),
                now()
            )
            .map(|_| "ok"),
            Err("status.list.invalid")
        );
    }
}

// ------------------------------------------------------------------ OpenID4VP

mod openid4vp {
    use super::*;
    use idbridge::jose::{DecryptionKey, JweAlg, JweEnc, JweOptions, JwsOptions};
    use idbridge::sdjwt::openid4vp::{
        verify_response, AuthorizationResponse, BodyEncoding, DcqlQuery,
    };

    const QUERY: &[u8] = br#"{"credentials":[{"id":"pid","format":"dc+sd-jwt",
        "meta":{"vct_values":["urn:eudi:pid:it:1"]},
        "claims":[{"path":["given_name"]},{"path":["place_of_birth","locality"]},
                  {"path":["nationalities",null]}]}]}"#;

    fn limits() -> Limits {
        Limits::default()
    }

    fn query(bytes: &[u8]) -> DcqlQuery {
        DcqlQuery::from_json(bytes, &limits()).unwrap()
    }

    fn percent(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }

    fn form_body(vp_token: &Value) -> Vec<u8> {
        format!("vp_token={}&state=st-1", percent(&vp_token.to_string())).into_bytes()
    }

    fn check(r: &AuthorizationResponse, q: &DcqlQuery) -> &'static str {
        match verify_response(
            crypto::default_backend(),
            r,
            q,
            &trust(),
            &StatusLists::new(),
            &Expectations::new(NONCE, AUD),
            now(),
        ) {
            Ok(_) => "ok",
            Err(e) => e.code(),
        }
    }

    fn enc_key() -> DecryptionKey {
        DecryptionKey::from_jwk_json(
            &std::fs::read(format!(
                "{}/test-vectors/keys/jwe/p256.jwk.json",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn a_direct_post_response_answers_the_query() {
        let p = Cred::pid().present();
        let token = json!({"pid": [p]});
        let q = query(QUERY);
        let form = AuthorizationResponse::from_direct_post(
            &form_body(&token),
            BodyEncoding::Form,
            &limits(),
        )
        .unwrap();
        assert_eq!(form.state(), Some("st-1"));
        assert_eq!(check(&form, &q), "ok");
        let json_body = json!({"vp_token": token, "state": "st-1"}).to_string();
        let json = AuthorizationResponse::from_direct_post(
            json_body.as_bytes(),
            BodyEncoding::Json,
            &limits(),
        )
        .unwrap();
        assert_eq!(json, form);
        let out = verify_response(
            crypto::default_backend(),
            &json,
            &q,
            &trust(),
            &StatusLists::new(),
            &Expectations::new(NONCE, AUD),
            now(),
        )
        .unwrap();
        assert_eq!(out["pid"][0].identity().given_name(), Some("Mario"));
    }

    #[test]
    fn a_direct_post_jwt_response_is_decrypted_then_checked() {
        let p = Cred::pid().present();
        let params = json!({"vp_token": {"pid": [p]}, "state": "st-1"}).to_string();
        let key = enc_key();
        let jwe = jose::encrypt_compact(
            key.public_jwk(),
            JweAlg::EcdhEs,
            JweEnc::A256Gcm,
            params.as_bytes(),
            &[],
        )
        .unwrap();
        let body = format!("response={jwe}");
        let r = AuthorizationResponse::from_direct_post_jwt(
            body.as_bytes(),
            BodyEncoding::Form,
            &key,
            &JweOptions::new(),
            None,
            &limits(),
        )
        .unwrap();
        assert_eq!(check(&r, &query(QUERY)), "ok");
        // Signed inside: needs the wallet's key.
        let wallet = signer("p384-b");
        let jws =
            jose::sign_compact(&wallet, "ES384", Some("w-1"), None, params.as_bytes()).unwrap();
        let jwe = jose::encrypt_compact(
            key.public_jwk(),
            JweAlg::EcdhEs,
            JweEnc::A256Gcm,
            jws.as_bytes(),
            &[],
        )
        .unwrap();
        let body = format!("response={jwe}");
        let decode = |signed_by| {
            AuthorizationResponse::from_direct_post_jwt(
                body.as_bytes(),
                BodyEncoding::Form,
                &key,
                &JweOptions::new(),
                signed_by,
                &limits(),
            )
        };
        assert_eq!(
            decode(None).unwrap_err().code(),
            "openid4vp.response.invalid"
        );
        let keys = jwks(&wallet, "w-1");
        let options = JwsOptions::new();
        let ok = decode(Some((crypto::default_backend(), &keys, &options))).unwrap();
        assert_eq!(ok, r);
        let other = jwks(&signer("p384"), "w-1");
        assert_eq!(
            decode(Some((crypto::default_backend(), &other, &options)))
                .unwrap_err()
                .code(),
            "jws.signature.invalid"
        );
        // Tampered JWE.
        let mut bad = jwe.clone();
        bad.pop();
        bad.push(if jwe.ends_with('A') { 'B' } else { 'A' });
        let err = AuthorizationResponse::from_direct_post_jwt(
            format!("response={bad}").as_bytes(),
            BodyEncoding::Form,
            &key,
            &JweOptions::new(),
            None,
            &limits(),
        )
        .unwrap_err();
        assert!(err.code().starts_with("jwe."), "{}", err.code());
    }

    #[test]
    fn responses_that_do_not_answer_the_query_fail_closed() {
        let q = query(QUERY);
        let p = Cred::pid().present();
        let parse = |v: Value| {
            AuthorizationResponse::from_direct_post(
                v.to_string().as_bytes(),
                BodyEncoding::Json,
                &limits(),
            )
        };
        let code_of = |v: Value| match parse(v) {
            Ok(r) => check(&r, &q),
            Err(e) => e.code(),
        };
        assert_eq!(
            code_of(json!({"vp_token": {"other": [p]}})),
            "openid4vp.response.invalid"
        );
        assert_eq!(
            code_of(json!({"vp_token": {"pid": [p.clone(), p.clone()]}})),
            "openid4vp.response.invalid"
        );
        assert_eq!(
            code_of(json!({"vp_token": {}})),
            "openid4vp.response.invalid"
        );
        assert_eq!(
            code_of(json!({"vp_token": {"pid": []}})),
            "openid4vp.response.invalid"
        );
        assert_eq!(
            code_of(json!({"vp_token": {"pid": [7]}})),
            "openid4vp.response.invalid"
        );
        assert_eq!(
            code_of(json!({"vp_token": [p]})),
            "openid4vp.response.invalid"
        );
        assert_eq!(code_of(json!({"state": "x"})), "openid4vp.response.invalid");
        assert_eq!(
            code_of(json!({"vp_token": {"pid": [p]}, "state": 1})),
            "openid4vp.response.invalid"
        );
        // The query asks two credentials; one is answered.
        let two = query(
            br#"{"credentials":[{"id":"pid","format":"dc+sd-jwt"},
                {"id":"mdl","format":"dc+sd-jwt"}]}"#,
        );
        let r = parse(json!({"vp_token": {"pid": [p]}})).unwrap();
        assert_eq!(check(&r, &two), "openid4vp.credential.missing");
        // A claim withheld, a vct not asked.
        let mut c = Cred::pid();
        c.disclosures.remove(0); // given_name
        let r = parse(json!({"vp_token": {"pid": [c.present()]}})).unwrap();
        assert_eq!(check(&r, &q), "openid4vp.claim.missing");
        let mdl = query(
            br#"{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["urn:mdl"]}}]}"#,
        );
        let r = parse(json!({"vp_token": {"pid": [p]}})).unwrap();
        assert_eq!(check(&r, &mdl), "sdjwt.vct.mismatch");
        // The presentation itself is checked.
        let r = parse(json!({"vp_token": {"pid": [format!("x{p}")]}})).unwrap();
        assert_ne!(check(&r, &q), "ok");
        // Forms.
        for body in [
            &b"vp_token=%7"[..],
            b"vp_token=%ZZ",
            b"vp_token=a&vp_token=b",
            b"vp_token=%FF",
        ] {
            assert_eq!(
                AuthorizationResponse::from_direct_post(body, BodyEncoding::Form, &limits())
                    .unwrap_err()
                    .code(),
                "openid4vp.response.invalid",
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        let huge = vec![b'a'; limits().max_input_bytes() + 1];
        assert_eq!(
            AuthorizationResponse::from_direct_post(&huge, BodyEncoding::Form, &limits())
                .unwrap_err()
                .code(),
            "input.too_large"
        );
    }

    #[test]
    fn dcql_outside_the_subset_is_refused() {
        for bad in [
            &br#"[]"#[..],
            br#"{"credentials":[]}"#,
            br#"{"credentials":[{"id":"a","format":"mso_mdoc"}]}"#,
            br#"{"credentials":[{"id":"a","format":"dc+sd-jwt"},{"id":"a","format":"dc+sd-jwt"}]}"#,
            br#"{"credentials":[{"id":"a","format":"dc+sd-jwt"}],"credential_sets":[]}"#,
            br#"{"credentials":[{"id":"a","format":"dc+sd-jwt","claim_sets":[]}]}"#,
            br#"{"credentials":[{"id":"a","format":"dc+sd-jwt","claims":[{"path":["x"],"values":[1]}]}]}"#,
            br#"{"credentials":[{"id":"a","format":"dc+sd-jwt","claims":[{"path":[]}]}]}"#,
            br#"{"credentials":[{"id":"a","format":"dc+sd-jwt","claims":[{"path":[-1]}]}]}"#,
            br#"{"credentials":[{"id":"a","format":"dc+sd-jwt","claims":[{"path":[true]}]}]}"#,
            br#"{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":[1]}}]}"#,
            br#"{"credentials":[{"id":"","format":"dc+sd-jwt"}]}"#,
        ] {
            assert_eq!(
                DcqlQuery::from_json(bad, &limits()).unwrap_err().code(),
                "openid4vp.query.invalid",
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn the_expected_state_is_checked_when_set() {
        let p = Cred::pid().present();
        let q = query(QUERY);
        let run = |body: Vec<u8>, state: Option<&str>| {
            let r = AuthorizationResponse::from_direct_post(&body, BodyEncoding::Form, &limits())
                .unwrap();
            let mut expect = Expectations::new(NONCE, AUD);
            expect.state = state;
            match verify_response(
                crypto::default_backend(),
                &r,
                &q,
                &trust(),
                &StatusLists::new(),
                &expect,
                now(),
            ) {
                Ok(_) => "ok",
                Err(e) => e.code(),
            }
        };
        let token = json!({"pid": [p]});
        let with_state = form_body(&token);
        let without = format!("vp_token={}", percent(&token.to_string())).into_bytes();
        assert_eq!(run(with_state.clone(), Some("st-1")), "ok");
        // Not set: not checked, whatever the response holds.
        assert_eq!(run(with_state.clone(), None), "ok");
        assert_eq!(run(without.clone(), None), "ok");
        // Set: another state, none, a prefix, another case.
        for expected in ["st-2", "st-1 ", "st-", "ST-1"] {
            assert_eq!(
                run(with_state.clone(), Some(expected)),
                "openid4vp.state.mismatch",
                "{expected}"
            );
        }
        assert_eq!(run(without, Some("st-1")), "openid4vp.state.mismatch");
        // An empty expectation is the caller's mistake.
        assert_eq!(run(with_state, Some("")), "config.invalid");
        // The state is checked before any presentation: a response with a
        // bad presentation and the wrong state fails on the state.
        let bad = form_body(&json!({"pid": ["not-a-presentation"]}));
        assert_eq!(run(bad, Some("st-2")), "openid4vp.state.mismatch");
    }
}

// ------------------------------------------------- test-vectors/sdjwt-trust/

/// `test-vectors/sdjwt-trust/cases.json` (schema `idbridge-sdjwt-trust/1`,
/// written by `test-vectors/sdjwt-generator/`): x5c, issuer metadata, the
/// status list under that trust and OpenID4VP responses, which the
/// `sd-jwt-vc` vector kind has no keys for. Each case runs and ends with
/// its result and code.
mod trust_cases {
    use super::*;
    use idbridge::jose::{DecryptionKey, JweOptions};
    use idbridge::sdjwt::openid4vp::{
        verify_response, AuthorizationResponse, BodyEncoding, DcqlQuery,
    };
    use std::path::{Path, PathBuf};

    fn dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/sdjwt-trust")
    }

    fn read(rel: &str) -> Vec<u8> {
        std::fs::read(dir().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn trust(t: &Value, limits: &Limits) -> idbridge::Result<SdJwtTrust> {
        let mut trust = if let Some(doc) = t.get("issuer_metadata") {
            SdJwtTrust::from_issuer_metadata(&read(doc.as_str().unwrap()), limits)?
        } else if let Some(keys) = t.get("issuer_keys") {
            SdJwtTrust::new(JwkSet::from_json(&read(keys.as_str().unwrap()))?)
        } else {
            SdJwtTrust::new(JwkSet::from_keys(vec![])?)
        };
        if let Some(keys) = t.get("status_list_keys") {
            trust = trust.with_status_list_keys(JwkSet::from_json(&read(keys.as_str().unwrap()))?);
        }
        for anchor in t
            .get("x5c_anchors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            trust = trust.with_x5c_anchor(&read(anchor.as_str().unwrap()))?;
        }
        Ok(trust)
    }

    fn run(case: &Value, nonce: &str, audience: &str, at: UnixTime) -> idbridge::Result<()> {
        let limits = Limits::default();
        let trust = trust(&case["trust"], &limits)?;
        let mut lists = StatusLists::new();
        for (uri, entry) in case["status_lists"].as_object().unwrap() {
            let token = read(entry["file"].as_str().unwrap());
            match entry.get("fetched_at").and_then(Value::as_i64) {
                Some(f) => {
                    lists.insert_fetched(uri.as_str(), token, UnixTime::from_unix_seconds(f))
                }
                None => lists.insert(uri.as_str(), token),
            };
        }
        let mut expect = Expectations::new(nonce, audience);
        if let Some(p) = case.get("presentation") {
            let text = String::from_utf8(read(p.as_str().unwrap())).unwrap();
            return sdjwt::verify_presentation(
                crypto::default_backend(),
                &text,
                &trust,
                &lists,
                &expect,
                at,
            )
            .map(|_| ());
        }
        let vp = &case["openid4vp"];
        expect.state = vp.get("expected_state").and_then(Value::as_str);
        let query = DcqlQuery::from_json(&read(vp["query"].as_str().unwrap()), &limits)?;
        let encoding = match vp["encoding"].as_str().unwrap() {
            "form" => BodyEncoding::Form,
            "json" => BodyEncoding::Json,
            other => panic!("encoding {other}"),
        };
        let body = read(vp["body"].as_str().unwrap());
        let response = match vp.get("decryption_key") {
            Some(k) => AuthorizationResponse::from_direct_post_jwt(
                &body,
                encoding,
                &DecryptionKey::from_jwk_json(&read(k.as_str().unwrap()))?,
                &JweOptions::new(),
                None,
                &limits,
            )?,
            None => AuthorizationResponse::from_direct_post(&body, encoding, &limits)?,
        };
        verify_response(
            crypto::default_backend(),
            &response,
            &query,
            &trust,
            &lists,
            &expect,
            at,
        )
        .map(|_| ())
    }

    #[test]
    fn the_trust_and_openid4vp_cases_of_test_vectors() {
        let file: Value = serde_json::from_slice(&read("cases.json")).unwrap();
        assert_eq!(file["schema"], "idbridge-sdjwt-trust/1");
        let ctx = &file["context"];
        let at = UnixTime::from_unix_seconds(ctx["now"].as_i64().unwrap());
        let (nonce, audience) = (
            ctx["nonce"].as_str().unwrap(),
            ctx["audience"].as_str().unwrap(),
        );
        let cases = file["cases"].as_array().unwrap();
        assert!(cases.len() >= 30, "{} cases", cases.len());
        let mut names = std::collections::BTreeSet::new();
        let mut wrong = Vec::new();
        for case in cases {
            let name = case["name"].as_str().unwrap();
            assert!(names.insert(name), "{name} twice");
            let got = match run(case, nonce, audience, at) {
                Ok(()) => "valid".to_string(),
                Err(e) => e.code().to_string(),
            };
            let want = match case["result"].as_str().unwrap() {
                "valid" => "valid",
                _ => case["expectedError"].as_str().unwrap(),
            };
            if got != want {
                wrong.push(format!("{name}: {got}, expected {want}"));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}
