//! The WASM package's tests: run in Node and in headless Chromium by the
//! test command (`wasm-bindgen-test-runner`), and natively by `cargo test`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idbridge::vectors::MemoryFiles;
use wasm_bindgen_test::*;

include!(concat!(env!("OUT_DIR"), "/embedded_vectors.rs"));

fn embedded() -> (MemoryFiles, Vec<String>) {
    let mut files = MemoryFiles::new();
    let mut vector_files = Vec::new();
    for (name, bytes) in EMBEDDED {
        files.insert(name, bytes.to_vec());
        if name.ends_with(".json") && idbridge::vectors::is_vector_file(bytes) {
            vector_files.push(name.to_string());
        }
    }
    (files, vector_files)
}

#[wasm_bindgen_test]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_repository_vector_passes() {
    let (files, paths) = embedded();
    assert!(!paths.is_empty(), "no vector files embedded");
    let report = idbridge_wasm::run_in_memory(&files, &paths);
    let failures: Vec<_> = report
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("FAIL"))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(report.failed(), 0);
    assert!(report.passed() >= 60, "only {} cases", report.passed());
}

#[wasm_bindgen_test]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn c14n_pairs_match_libxml2() {
    let (files, _) = embedded();
    let r = idbridge::vectors::check_c14n_pairs(&files, "c14n/manifest.json").unwrap();
    assert!(r.failures.is_empty(), "{:#?}", r.failures);
    assert!(r.matched >= 700, "only {} pairs matched", r.matched);
}

#[wasm_bindgen_test]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn public_suites_pass_when_present() {
    let mut files = MemoryFiles::new();
    let mut paths = Vec::new();
    for (name, bytes) in SHARED {
        files.insert(name, bytes.to_vec());
        if name.starts_with("vectors/")
            && name.ends_with(".json")
            && idbridge::vectors::is_vector_file(bytes)
        {
            paths.push(name.to_string());
        }
    }
    if paths.is_empty() {
        // CI has ../shared; elsewhere it may be missing.
        println!("SKIPPED: ../shared/vectors was not present at build time");
        return;
    }
    let report = idbridge_wasm::run_in_memory(&files, &paths);
    let failures: Vec<_> = report
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("FAIL"))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(
        report.passed() >= 110 + 147,
        "only {} cases",
        report.passed()
    );
}

#[wasm_bindgen_test]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_malformed_vector_file_is_a_failure() {
    let mut files = MemoryFiles::new();
    files.insert(
        "x/typo.json",
        br#"{"schema":"idbridge-vectors/1","kind":"signature","numberOfTests":0,"testGroups":[],"tpyo":1}"#.to_vec(),
    );
    let report = idbridge_wasm::run_in_memory(&files, &["x/typo.json".to_string()]);
    assert_eq!(report.failed(), 1);
    assert!(
        report.lines()[0].starts_with("FAIL x/typo.json: malformed vector file"),
        "{:?}",
        report.lines()
    );
}

#[wasm_bindgen_test]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn algorithms_and_codes_are_listed() {
    assert_eq!(idbridge_wasm::algorithms().len(), 24);
    assert!(idbridge_wasm::error_codes()
        .iter()
        .any(|c| c == "crypto.signature.invalid"));
}

#[cfg(target_arch = "wasm32")]
mod js {
    use super::*;
    use wasm_bindgen::{JsCast, JsValue};

    fn key(name: &str) -> &'static [u8] {
        EMBEDDED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| *b)
            .unwrap()
    }

    fn code_of(err: JsValue) -> String {
        assert!(err.is_instance_of::<js_sys::Error>());
        let e = js_sys::Error::from(err.clone());
        assert_eq!(String::from(e.name()), "IdbridgeError");
        js_sys::Reflect::get(&err, &JsValue::from_str("code"))
            .unwrap()
            .as_string()
            .unwrap()
    }

    #[wasm_bindgen_test]
    fn errors_reach_js_with_their_code() {
        let spki = key("keys/p256.spki.der");
        let err =
            idbridge_wasm::verify_signature("ecdsa-p256-sha256-raw", spki, b"m", &[1u8; 64], None)
                .unwrap_err();
        assert_eq!(code_of(err), "crypto.signature.invalid");
        let err =
            idbridge_wasm::verify_signature("ecdsa-p256-sha256-raw", spki, b"m", &[0u8; 64], None)
                .unwrap_err();
        assert_eq!(code_of(err), "crypto.signature.malformed");
        let err = idbridge_wasm::verify_signature("hmac-sha256", spki, b"m", &[1u8; 64], None)
            .unwrap_err();
        assert_eq!(code_of(err), "crypto.algorithm.forbidden");
        let err = idbridge_wasm::verify_signature(
            "ecdsa-p256-sha256-raw",
            spki,
            b"m",
            &[1u8; 64],
            Some(vec!["rsa-pss-sha256".into()]),
        )
        .unwrap_err();
        assert_eq!(code_of(err), "crypto.algorithm.forbidden");
    }

    fn shared(name: &str) -> Option<&'static [u8]> {
        SHARED.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
    }

    #[wasm_bindgen_test]
    fn verify_webeid_token_from_js() {
        let (Some(token), Some(anchor)) = (
            shared("data/webeid/java/tokens/AbstractTestWithValidator__VALID_AUTH_TOKEN.json"),
            shared("data/webeid/java/TEST_of_ESTEID2018.cer"),
        ) else {
            return; // ../shared absent at build time
        };
        let options = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&options, &k.into(), v).unwrap();
        set("origin", &"https://ria.ee".into());
        set(
            "nonce",
            &"12345678123456781234567812345678912356789123".into(),
        );
        set(
            "now",
            &js_sys::Date::new(&JsValue::from_f64(1_693_562_400_000.0)).into(),
        );
        let anchors = js_sys::Array::of1(&js_sys::Uint8Array::from(anchor).into());
        set("anchors", &anchors.into());
        let token_js: JsValue = js_sys::Uint8Array::from(token).into();
        let identity =
            idbridge_wasm::verify_webeid_token(token_js.clone(), options.clone().into()).unwrap();
        let get = |k: &str| {
            js_sys::Reflect::get(&identity, &k.into())
                .unwrap()
                .as_string()
        };
        assert_eq!(get("subject_id").as_deref(), Some("PNOEE-38001085718"));
        assert_eq!(get("system").as_deref(), Some("webeid"));
        assert_eq!(get("loa").as_deref(), Some("high"));
        // A wrong origin fails with the stable code.
        set("origin", &"https://evil.example".into());
        let err = idbridge_wasm::verify_webeid_token(token_js.clone(), options.clone().into())
            .unwrap_err();
        assert_eq!(code_of(err), "webeid.signature.invalid");
        // The embedded production anchors do not trust a TEST card.
        set("origin", &"https://ria.ee".into());
        set("anchors", &"embedded".into());
        let err = idbridge_wasm::verify_webeid_token(token_js.clone(), options.clone().into())
            .unwrap_err();
        assert_eq!(code_of(err), "x509.chain.untrusted");
        // The embedded TEST anchors do; `now` as an RFC 3339 string.
        set("anchors", &"test".into());
        set("now", &"2023-09-01T10:00:00Z".into());
        assert!(
            idbridge_wasm::verify_webeid_token(token_js.clone(), options.clone().into()).is_ok()
        );
        // Time is never implicit.
        set("now", &JsValue::UNDEFINED);
        let err = idbridge_wasm::verify_webeid_token(token_js, options.into()).unwrap_err();
        assert_eq!(code_of(err), "config.invalid");
    }

    #[wasm_bindgen_test]
    fn verify_spid_response_from_js() {
        let (Some(response), Some(metadata)) = (
            shared("data/spid/ssc_signed/case-1.xml"),
            shared("vectors/spid/idp-metadata.xml"),
        ) else {
            return; // ../shared absent at build time
        };
        let options = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&options, &k.into(), v).unwrap();
        set("spEntityId", &"https://sp.example.it".into());
        set("acsUrl", &"https://sp.example.it/acs".into());
        set(
            "requestId",
            &"_4d38c302617b5bf98951e65b4cf304711e2166df20".into(),
        );
        set("now", &"2025-01-01T10:00:30Z".into());
        set("requestIssueInstant", &"2025-01-01T10:00:00Z".into());
        set("input", &"xml".into());
        set(
            "metadata",
            &js_sys::Array::of1(&js_sys::Uint8Array::from(metadata).into()).into(),
        );
        let r: JsValue = js_sys::Uint8Array::from(response).into();
        let v = idbridge_wasm::verify_spid_response(r.clone(), options.clone().into()).unwrap();
        let identity = js_sys::Reflect::get(&v, &"identity".into()).unwrap();
        let subject = js_sys::Reflect::get(&identity, &"subject_id".into())
            .unwrap()
            .as_string();
        assert_eq!(subject.as_deref(), Some("TINIT-GDASDV00A01H501J"));
        let aid = js_sys::Reflect::get(&v, &"assertionId".into())
            .unwrap()
            .as_string();
        assert!(aid.is_some_and(|a| !a.is_empty()));
        // Another SP: the audience check fails with its code.
        set("spEntityId", &"https://other.example.it".into());
        let err = idbridge_wasm::verify_spid_response(r, options.into()).unwrap_err();
        assert_eq!(code_of(err), "saml.audience.mismatch");
    }

    #[wasm_bindgen_test]
    fn run_vectors_takes_a_js_object() {
        let obj = js_sys::Object::new();
        js_sys::Reflect::set(
            &obj,
            &"a/bad.json".into(),
            &"{\"schema\":\"idbridge-vectors/1\"}".into(),
        )
        .unwrap();
        let report = idbridge_wasm::run_vectors(&obj, vec!["a/bad.json".into()]).unwrap();
        assert_eq!(report.failed(), 1);
        assert_eq!(
            report.lines().last().unwrap(),
            "vectors: 0 passed, 1 failed"
        );
        js_sys::Reflect::set(&obj, &"a/num.json".into(), &JsValue::from_f64(1.0)).unwrap();
        let err = idbridge_wasm::run_vectors(&obj, vec![]).unwrap_err();
        assert_eq!(code_of(err), "input.encoding");
    }
}
