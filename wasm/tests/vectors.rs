//! The WASM package's tests: run in Node and in headless Chromium by the
//! test command (`wasm-bindgen-test-runner`), and natively by `cargo test`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[cfg(feature = "vectors")]
use idbridge_vectors::MemoryFiles;
use wasm_bindgen_test::*;

include!(concat!(env!("OUT_DIR"), "/embedded_vectors.rs"));

/// `../shared` (or `IDBRIDGE_SHARED_DIR`) was not embedded when these tests
/// were built: a SKIPPED line, or a failure when the build ran under CI
/// (`CI` read at compile time: WASM has no environment). The rule of
/// `tests/common/shared.rs`: nothing skips silently in CI.
#[allow(dead_code)]
fn shared_missing(test: &str) {
    let ci = option_env!("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !ci,
        "{test}: ../shared was not present when the WASM tests were built and CI is set: \
         the public suites must run in CI (put shared/ beside the repository or set IDBRIDGE_SHARED_DIR)"
    );
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::console_log!("SKIPPED {test}: ../shared was not present at build time");
    #[cfg(not(target_arch = "wasm32"))]
    println!("SKIPPED {test}: ../shared was not present at build time");
}

/// Every case passed (no FAIL line, no failure counted), and at least
/// `at_least` of them ran.
#[cfg(feature = "vectors")]
fn assert_all_passed(report: &idbridge_wasm::VectorsReport, at_least: usize) {
    let failures: Vec<_> = report
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("FAIL"))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(report.failed(), 0);
    assert!(
        report.passed() >= at_least,
        "only {} cases",
        report.passed()
    );
}

/// The kind a vector file names (`None` when it names none).
#[cfg(feature = "vectors")]
fn kind_of(bytes: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    v.get("kind")?.as_str().map(str::to_string)
}

/// Whether this build runs the vector file's kind: the SAML kinds need the
/// feature `saml`, the `webeid` kind the feature `webeid`.
#[cfg(feature = "vectors")]
fn runs_here(bytes: &[u8]) -> bool {
    let kind = kind_of(bytes);
    let saml = matches!(kind.as_deref(), Some("spid-saml" | "cie-saml" | "xmldsig"));
    let webeid = kind.as_deref() == Some("webeid");
    let oidc = matches!(kind.as_deref(), Some("oidc-trust-chain" | "oidc-id-token"));
    (!saml || cfg!(feature = "saml"))
        && (!webeid || cfg!(feature = "webeid"))
        && (!oidc || cfg!(feature = "oidc"))
}

/// Which test runs a vector file: the OpenID Connect kinds get a test each
/// (a headless browser gives every test its own time limit, and one test
/// for every file would pass it), the rest is `every_repository_vector_passes`.
#[cfg(feature = "vectors")]
fn share(name: &str) -> &'static str {
    if name.contains("oidc-trust-chain/") {
        "oidc-trust-chain"
    } else if name.contains("oidc-id-token/") {
        "oidc-id-token"
    } else {
        "other"
    }
}

/// `all` with both schemes (every vector runs), 1 with one of them.
#[cfg(feature = "vectors")]
fn at_least(all: usize) -> usize {
    if cfg!(all(feature = "saml", feature = "webeid")) {
        all
    } else {
        1
    }
}

/// The embedded repository files, and the vector files among them whose
/// kind this build runs.
#[cfg(feature = "vectors")]
fn embedded() -> (MemoryFiles, Vec<String>) {
    let mut files = MemoryFiles::new();
    let mut vector_files = Vec::new();
    for (name, bytes) in EMBEDDED {
        files.insert(name, bytes.to_vec());
        if name.ends_with(".json") && idbridge_vectors::is_vector_file(bytes) && runs_here(bytes) {
            vector_files.push(name.to_string());
        }
    }
    (files, vector_files)
}

/// The embedded vector files of one share (see [`share`]).
#[cfg(feature = "vectors")]
fn embedded_share(which: &str) -> (MemoryFiles, Vec<String>) {
    let (files, paths) = embedded();
    let paths: Vec<String> = paths.into_iter().filter(|p| share(p) == which).collect();
    assert!(!paths.is_empty(), "no {which} vector files embedded");
    (files, paths)
}

#[cfg(all(feature = "vectors", not(target_arch = "wasm32")))]
#[test]
fn every_repository_vector_passes() {
    let (files, paths) = embedded_share("other");
    let report = idbridge_wasm::run_in_memory(&files, &paths);
    assert_all_passed(&report, at_least(60));
}

#[cfg(all(feature = "vectors", target_arch = "wasm32"))]
#[wasm_bindgen_test]
async fn every_repository_vector_passes() {
    let (files, paths) = embedded_share("other");
    let report = idbridge_wasm::run_in_memory_stepwise(&files, &paths).await;
    assert_all_passed(&report, at_least(60));
}

#[cfg(all(feature = "vectors", feature = "oidc", not(target_arch = "wasm32")))]
#[test]
fn every_oidc_vector_passes() {
    for which in ["oidc-trust-chain", "oidc-id-token"] {
        let (files, paths) = embedded_share(which);
        let report = idbridge_wasm::run_in_memory(&files, &paths);
        assert_all_passed(&report, 100);
    }
}

/// The OpenID Connect shares run on the WebCrypto path (the signature
/// checks as Promises), one case at a time with the event loop in between
/// (`run_in_memory_async`): a headless browser's runner polls the page and
/// gives up when the page stays busy for seconds, and one RSA-OAEP or
/// ECDH-ES case in pure WASM takes a fraction of a second.
#[cfg(all(feature = "vectors", feature = "oidc", target_arch = "wasm32"))]
#[wasm_bindgen_test]
async fn every_oidc_trust_chain_vector_passes() {
    let (files, paths) = embedded_share("oidc-trust-chain");
    let report = idbridge_wasm::run_in_memory_async(&files, &paths).await;
    assert_all_passed(&report, 100);
}

#[cfg(all(feature = "vectors", feature = "oidc", target_arch = "wasm32"))]
#[wasm_bindgen_test]
async fn every_oidc_id_token_vector_passes() {
    let (files, paths) = embedded_share("oidc-id-token");
    let report = idbridge_wasm::run_in_memory_async(&files, &paths).await;
    assert_all_passed(&report, 100);
}

/// A vector file whose kind's feature is off in this build fails every
/// case, naming the feature (never a silent skip).
#[cfg(feature = "vectors")]
#[cfg(not(all(feature = "saml", feature = "webeid")))]
#[wasm_bindgen_test]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_kind_whose_feature_is_off_fails_naming_it() {
    let (files, _) = embedded();
    let (path, feature) = if cfg!(feature = "saml") {
        ("webeid/certificate.json", "\"webeid\"")
    } else {
        ("spid/input.json", "\"saml\"")
    };
    let report = idbridge_wasm::run_in_memory(&files, &[path.to_string()]);
    assert_eq!(report.passed(), 0);
    assert!(report.failed() > 0);
    for line in report.lines().iter().filter(|l| !l.starts_with("vectors:")) {
        assert!(line.starts_with("FAIL") && line.contains(feature), "{line}");
    }
}

#[cfg(all(feature = "saml", feature = "vectors"))]
#[wasm_bindgen_test]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn c14n_pairs_match_libxml2() {
    let (files, _) = embedded();
    let r = idbridge_vectors::check_c14n_pairs(&files, "c14n/manifest.json").unwrap();
    assert!(r.failures.is_empty(), "{:#?}", r.failures);
    assert!(r.matched >= 700, "only {} pairs matched", r.matched);
}

/// The embedded ../shared files, and the public suites' vector files among
/// them (none when ../shared was missing at build time).
#[cfg(feature = "vectors")]
fn shared_suites() -> (MemoryFiles, Vec<String>) {
    let mut files = MemoryFiles::new();
    let mut paths = Vec::new();
    for (name, bytes) in SHARED {
        files.insert(name, bytes.to_vec());
        if name.starts_with("vectors/")
            && name.ends_with(".json")
            && idbridge_vectors::is_vector_file(bytes)
            && runs_here(bytes)
        {
            paths.push(name.to_string());
        }
    }
    (files, paths)
}

#[cfg(all(feature = "vectors", not(target_arch = "wasm32")))]
#[test]
fn public_suites_pass_when_present() {
    let (files, paths) = shared_suites();
    if paths.is_empty() {
        shared_missing("public_suites_pass_when_present");
        return;
    }
    let report = idbridge_wasm::run_in_memory(&files, &paths);
    assert_all_passed(&report, at_least(110 + 147));
}

#[cfg(all(feature = "vectors", target_arch = "wasm32"))]
#[wasm_bindgen_test]
async fn public_suites_pass_when_present() {
    let (files, paths) = shared_suites();
    if paths.is_empty() {
        shared_missing("public_suites_pass_when_present");
        return;
    }
    let report = idbridge_wasm::run_in_memory_stepwise(&files, &paths).await;
    assert_all_passed(&report, at_least(110 + 147));
}

#[cfg(feature = "vectors")]
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
    #[cfg(any(feature = "saml", feature = "webeid"))]
    use idbridge_wasm::Trust;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

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

    /// A promise's outcome: its value, or its rejection.
    async fn settle(p: js_sys::Promise) -> Result<JsValue, JsValue> {
        JsFuture::from(p).await
    }

    fn u8a(bytes: &[u8]) -> JsValue {
        js_sys::Uint8Array::from(bytes).into()
    }

    fn strings(list: &[&str]) -> JsValue {
        list.iter()
            .map(|s| JsValue::from_str(s))
            .collect::<js_sys::Array>()
            .into()
    }

    /// `verifySignatureSync` as JavaScript calls it.
    fn vsig_sync(
        alg: &str,
        spki: &[u8],
        message: &[u8],
        sig: &[u8],
        allowed: Option<Vec<String>>,
    ) -> Result<(), JsValue> {
        idbridge_wasm::verify_signature_sync(
            alg.into(),
            u8a(spki),
            u8a(message),
            u8a(sig),
            allowed_js(allowed),
        )
    }

    /// `verifySignature` as JavaScript calls it.
    fn vsig(
        alg: &str,
        spki: &[u8],
        message: &[u8],
        sig: &[u8],
        allowed: Option<Vec<String>>,
    ) -> js_sys::Promise {
        idbridge_wasm::verify_signature(
            alg.into(),
            u8a(spki),
            u8a(message),
            u8a(sig),
            allowed_js(allowed),
        )
    }

    fn allowed_js(allowed: Option<Vec<String>>) -> JsValue {
        match allowed {
            None => JsValue::UNDEFINED,
            Some(ids) => ids
                .into_iter()
                .map(JsValue::from)
                .collect::<js_sys::Array>()
                .into(),
        }
    }

    /// A wrong argument type is `config.invalid` on both paths, never
    /// wasm-bindgen's own uncoded `Error` (issue 20, item 12).
    #[wasm_bindgen_test]
    async fn wrong_argument_types_are_coded_errors() {
        let spki = u8a(key("keys/p256.spki.der"));
        let sig = u8a(&[1u8; 64]);
        let m = u8a(b"m");
        let alg = JsValue::from_str("ecdsa-p256-sha256-raw");
        let cases: Vec<[JsValue; 5]> = vec![
            [
                JsValue::from_f64(1.0),
                spki.clone(),
                m.clone(),
                sig.clone(),
                JsValue::UNDEFINED,
            ],
            [
                alg.clone(),
                "spki".into(),
                m.clone(),
                sig.clone(),
                JsValue::UNDEFINED,
            ],
            [
                alg.clone(),
                spki.clone(),
                JsValue::NULL,
                sig.clone(),
                JsValue::UNDEFINED,
            ],
            [
                alg.clone(),
                spki.clone(),
                m.clone(),
                js_sys::Array::new().into(),
                JsValue::UNDEFINED,
            ],
            [
                alg.clone(),
                spki.clone(),
                m.clone(),
                sig.clone(),
                "rsa-pss-sha256".into(),
            ],
            [
                alg.clone(),
                spki.clone(),
                m.clone(),
                sig.clone(),
                strings(&["a"]),
            ],
        ];
        for [a, k, m, s, allowed] in cases {
            let sync = idbridge_wasm::verify_signature_sync(
                a.clone(),
                k.clone(),
                m.clone(),
                s.clone(),
                allowed.clone(),
            )
            .unwrap_err();
            assert_eq!(code_of(sync), "config.invalid");
            let webcrypto = settle(idbridge_wasm::verify_signature(a, k, m, s, allowed))
                .await
                .unwrap_err();
            assert_eq!(code_of(webcrypto), "config.invalid");
        }
    }

    #[cfg(any(feature = "saml", feature = "webeid"))]
    fn shared(name: &str) -> Option<&'static [u8]> {
        SHARED.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
    }

    #[wasm_bindgen_test]
    fn webcrypto_is_there() {
        // Node and Chromium (on the runner's 127.0.0.1) both have it: the
        // asynchronous tests below would otherwise test the fallback only.
        assert!(idbridge_wasm::webcrypto_available());
    }

    #[wasm_bindgen_test]
    async fn signature_errors_reach_js_with_their_code_on_both_paths() {
        let spki = key("keys/p256.spki.der");
        type Case<'a> = (&'a str, &'a [u8], Option<Vec<String>>, &'a str);
        let cases: [Case<'_>; 4] = [
            (
                "ecdsa-p256-sha256-raw",
                &[1u8; 64],
                None,
                "crypto.signature.invalid",
            ),
            (
                "ecdsa-p256-sha256-raw",
                &[0u8; 64],
                None,
                "crypto.signature.malformed",
            ),
            (
                "hmac-sha256",
                &[1u8; 64],
                None,
                "crypto.algorithm.forbidden",
            ),
            (
                "ecdsa-p256-sha256-raw",
                &[1u8; 64],
                Some(vec!["rsa-pss-sha256".into()]),
                "crypto.algorithm.forbidden",
            ),
        ];
        for (alg, sig, allowed, code) in cases {
            let err = vsig_sync(alg, spki, b"m", sig, allowed.clone()).unwrap_err();
            assert_eq!(code_of(err), code, "sync {alg}");
            let err = settle(vsig(alg, spki, b"m", sig, allowed))
                .await
                .unwrap_err();
            assert_eq!(code_of(err), code, "webcrypto {alg}");
        }
        // An unknown id in the allow-list is a configuration error, not a
        // silently shorter list.
        let err = vsig_sync(
            "ecdsa-p256-sha256-raw",
            spki,
            b"m",
            &[1u8; 64],
            Some(vec!["rsa-pss-sha265".into()]),
        )
        .unwrap_err();
        assert_eq!(code_of(err), "config.invalid");
    }

    /// A genuine signature verifies on both paths; the same signature with
    /// one bit flipped fails on both with the same code.
    #[wasm_bindgen_test]
    async fn a_tampered_signature_fails_alike_on_both_paths() {
        use base64::Engine as _;
        let v: serde_json::Value = serde_json::from_slice(key("signature/ecdsa_raw.json")).unwrap();
        let alg = "ecdsa-p384-sha384-raw";
        let group = v["testGroups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["context"]["algorithm"] == alg)
            .unwrap();
        let spki = key(group["trust"]["public_key"]
            .as_str()
            .unwrap()
            .trim_start_matches("../"));
        let case = group["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["result"] == "valid")
            .unwrap();
        let msg = base64::engine::general_purpose::STANDARD
            .decode(case["input"]["base64"].as_str().unwrap())
            .unwrap();
        let hex = case["context"]["signature"].as_str().unwrap();
        let mut sig: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        vsig_sync(alg, spki, &msg, &sig, None).unwrap();
        settle(vsig(alg, spki, &msg, &sig, None)).await.unwrap();
        sig[10] ^= 1;
        let sync = vsig_sync(alg, spki, &msg, &sig, None).unwrap_err();
        let webcrypto = settle(vsig(alg, spki, &msg, &sig, None)).await.unwrap_err();
        assert_eq!(code_of(sync), "crypto.signature.invalid");
        assert_eq!(code_of(webcrypto), "crypto.signature.invalid");
    }

    /// Replaces `globalThis.crypto` for the duration of `f`, then restores it.
    #[cfg(feature = "vectors")]
    async fn with_crypto<F: std::future::Future<Output = ()>>(crypto: JsValue, f: F) {
        let global: js_sys::Object = js_sys::global().unchecked_into();
        let key = JsValue::from_str("crypto");
        let own = js_sys::Object::get_own_property_descriptor(&global, &key);
        let descriptor = js_sys::Object::new();
        js_sys::Reflect::set(&descriptor, &"value".into(), &crypto).unwrap();
        js_sys::Reflect::set(&descriptor, &"configurable".into(), &true.into()).unwrap();
        js_sys::Reflect::set(&descriptor, &"writable".into(), &true.into()).unwrap();
        js_sys::Object::define_property(&global, &key, &descriptor);
        f.await;
        if own.is_undefined() {
            js_sys::Reflect::delete_property(&global, &key).unwrap();
        } else {
            js_sys::Object::define_property(&global, &key, &own.unchecked_into());
        }
        assert!(idbridge_wasm::webcrypto_available());
    }

    /// Where WebCrypto is missing or refuses an operation, the WASM backend
    /// answers: the asynchronous path stays complete and correct.
    #[cfg(feature = "vectors")]
    #[wasm_bindgen_test]
    async fn without_webcrypto_the_async_path_verifies_in_wasm() {
        let (files, _) = embedded();
        let paths = vec![
            "signature/ecdsa_raw.json".to_string(),
            "signature/rsa_pss.json".to_string(),
        ];
        let expected = idbridge_wasm::run_in_memory(&files, &paths).lines();
        let refusing = js_sys::Function::new_no_args(
            "const no = () => Promise.reject(new DOMException('refused', 'NotSupportedError'));
             return { subtle: { importKey: no, verify: no } };",
        )
        .call0(&JsValue::UNDEFINED)
        .unwrap();
        for crypto in [JsValue::UNDEFINED, refusing] {
            let files = files.clone();
            let (paths, expected) = (paths.clone(), expected.clone());
            let hidden = crypto.is_undefined();
            with_crypto(crypto, async move {
                assert_eq!(idbridge_wasm::webcrypto_available(), !hidden);
                let report = idbridge_wasm::run_in_memory_async(&files, &paths).await;
                assert_eq!(report.lines(), expected);
                assert_eq!(report.failed(), 0);
                assert_eq!(report.webcrypto_checks(), 0);
                assert!(report.wasm_fallback_checks() > 50);
            })
            .await;
        }
    }

    /// Every repository vector passes on the WebCrypto path too, with the
    /// very lines of the WASM path, and WebCrypto did the checks.
    #[cfg(feature = "vectors")]
    #[wasm_bindgen_test]
    async fn every_repository_vector_passes_on_webcrypto() {
        let (files, paths) = embedded();
        let sync = idbridge_wasm::run_in_memory_stepwise(&files, &paths).await;
        let webcrypto = idbridge_wasm::run_in_memory_async(&files, &paths).await;
        assert_all_passed(&webcrypto, at_least(60));
        assert_eq!(webcrypto.lines(), sync.lines());
        let both = cfg!(all(feature = "saml", feature = "webeid"));
        assert!(webcrypto.webcrypto_checks() > if both { 100 } else { 0 });
        wasm_bindgen_test::console_log!(
            "webcrypto path: {} vectors passed; {} checks on WebCrypto, {} in WASM",
            webcrypto.passed(),
            webcrypto.webcrypto_checks(),
            webcrypto.wasm_fallback_checks()
        );
    }

    /// The public suites (../shared) on the WebCrypto path.
    #[cfg(feature = "vectors")]
    #[wasm_bindgen_test]
    async fn public_suites_pass_on_webcrypto_when_present() {
        let (files, paths) = super::shared_suites();
        if paths.is_empty() {
            super::shared_missing("public_suites_pass_on_webcrypto_when_present");
            return;
        }
        let report = idbridge_wasm::run_in_memory_async(&files, &paths).await;
        assert_all_passed(&report, at_least(110 + 147));
        assert!(report.webcrypto_checks() > 0);
        wasm_bindgen_test::console_log!(
            "webcrypto path: {} public-suite cases passed; {} checks on WebCrypto, {} in WASM",
            report.passed(),
            report.webcrypto_checks(),
            report.wasm_fallback_checks()
        );
    }

    #[cfg(any(feature = "saml", feature = "webeid", feature = "sdjwt"))]
    fn object(entries: &[(&str, JsValue)]) -> JsValue {
        let o = js_sys::Object::new();
        for (k, v) in entries {
            js_sys::Reflect::set(&o, &(*k).into(), v).unwrap();
        }
        o.into()
    }

    #[cfg(any(feature = "saml", feature = "webeid", feature = "sdjwt"))]
    fn set(o: &JsValue, k: &str, v: JsValue) {
        js_sys::Reflect::set(o, &k.into(), &v).unwrap();
    }

    #[cfg(any(feature = "saml", feature = "webeid"))]
    fn field(v: &JsValue, k: &str) -> Option<String> {
        js_sys::Reflect::get(v, &k.into()).unwrap().as_string()
    }

    /// Runs a Web eID verification on both paths; both must agree.
    #[cfg(feature = "webeid")]
    async fn webeid_both(
        trust: &Trust,
        token: &JsValue,
        options: &JsValue,
    ) -> Result<JsValue, String> {
        let trust: JsValue = trust.clone().into();
        let sync =
            idbridge_wasm::verify_webeid_token_sync(trust.clone(), token.clone(), options.clone());
        let webcrypto = settle(idbridge_wasm::verify_webeid_token(
            trust,
            token.clone(),
            options.clone(),
        ))
        .await;
        match (sync, webcrypto) {
            (Ok(a), Ok(b)) => {
                assert_eq!(
                    js_sys::JSON::stringify(&a).unwrap(),
                    js_sys::JSON::stringify(&b).unwrap()
                );
                Ok(a)
            }
            (Err(a), Err(b)) => {
                let (a, b) = (code_of(a), code_of(b));
                assert_eq!(a, b, "the paths disagree");
                Err(a)
            }
            (a, b) => panic!("the paths disagree: {a:?} / {b:?}"),
        }
    }

    /// Only a genuine, live `Trust` is a trust: anything else (the options
    /// object an old README passed, a string, a look-alike, a freed one) is
    /// `config.invalid` on both paths, checked before the token; a builder
    /// is used up by its call.
    #[cfg(feature = "webeid")]
    #[wasm_bindgen_test]
    async fn a_trust_argument_is_checked_and_builders_are_single_use() {
        let options = object(&[
            ("origin", "https://ria.ee".into()),
            (
                "nonce",
                "12345678123456781234567812345678912356789123".into(),
            ),
            ("now", "2023-09-01T10:00:00Z".into()),
        ]);
        let token: JsValue = "{}".into();
        let genuine: JsValue = Trust::from_embedded(JsValue::UNDEFINED).unwrap().into();
        let look_alike: JsValue =
            js_sys::Object::create(&js_sys::Object::get_prototype_of(&genuine)).into();
        let freed: JsValue = Trust::from_embedded(JsValue::UNDEFINED).unwrap().into();
        js_sys::Reflect::get(&freed, &"free".into())
            .unwrap()
            .dyn_into::<js_sys::Function>()
            .unwrap()
            .call0(&freed)
            .unwrap();
        let not_trusts: [JsValue; 7] = [
            options.clone(),
            "embedded".into(),
            JsValue::UNDEFINED,
            JsValue::NULL,
            Trust::builder().into(),
            look_alike,
            freed,
        ];
        for not_trust in not_trusts {
            let sync = idbridge_wasm::verify_webeid_token_sync(
                not_trust.clone(),
                token.clone(),
                options.clone(),
            )
            .unwrap_err();
            assert_eq!(code_of(sync), "config.invalid");
            let webcrypto = settle(idbridge_wasm::verify_webeid_token(
                not_trust,
                token.clone(),
                options.clone(),
            ))
            .await
            .unwrap_err();
            assert_eq!(code_of(webcrypto), "config.invalid");
        }
        // The genuine one gets past the check (and reuses): the token fails.
        for _ in 0..2 {
            let code = code_of(
                idbridge_wasm::verify_webeid_token_sync(
                    genuine.clone(),
                    token.clone(),
                    options.clone(),
                )
                .unwrap_err(),
            );
            assert!(code.starts_with("webeid."), "{code}");
        }
        // A builder serves one call.
        let builder = Trust::builder();
        let next = builder.webeid_embedded_anchors("test".into()).unwrap();
        assert_eq!(code_of(builder.build().unwrap_err()), "config.invalid");
        assert_eq!(next.build().unwrap().webeid_anchor_count(), 2);
        assert_eq!(code_of(next.build().unwrap_err()), "config.invalid");
        assert_eq!(
            code_of(Trust::from_embedded(JsValue::from_f64(1.0)).unwrap_err()),
            "config.invalid"
        );
    }

    #[cfg(feature = "webeid")]
    #[wasm_bindgen_test]
    async fn verify_webeid_token_from_js() {
        let (Some(token), Some(anchor)) = (
            shared("data/webeid/java/tokens/AbstractTestWithValidator__VALID_AUTH_TOKEN.json"),
            shared("data/webeid/java/TEST_of_ESTEID2018.cer"),
        ) else {
            super::shared_missing("verify_webeid_token_from_js");
            return;
        };
        let trust = Trust::builder()
            .webeid_anchor(js_sys::Uint8Array::from(anchor).into())
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(trust.webeid_anchor_count(), 1);
        let options = object(&[
            ("origin", "https://ria.ee".into()),
            (
                "nonce",
                "12345678123456781234567812345678912356789123".into(),
            ),
            (
                "now",
                js_sys::Date::new(&JsValue::from_f64(1_693_562_400_000.0)).into(),
            ),
        ]);
        let token: JsValue = js_sys::Uint8Array::from(token).into();
        let identity = webeid_both(&trust, &token, &options).await.unwrap();
        assert_eq!(
            field(&identity, "subject_id").as_deref(),
            Some("PNOEE-38001085718")
        );
        assert_eq!(field(&identity, "system").as_deref(), Some("webeid"));
        assert_eq!(field(&identity, "loa").as_deref(), Some("high"));
        // A wrong origin fails with the stable code.
        set(&options, "origin", "https://evil.example".into());
        assert_eq!(
            webeid_both(&trust, &token, &options).await.unwrap_err(),
            "webeid.signature.invalid"
        );
        set(&options, "origin", "https://ria.ee".into());
        // The embedded production anchors do not trust a TEST card.
        let production = Trust::from_embedded(JsValue::UNDEFINED).unwrap();
        assert_eq!(production.webeid_anchor_count(), 2);
        assert_eq!(
            webeid_both(&production, &token, &options)
                .await
                .unwrap_err(),
            "x509.chain.untrusted"
        );
        // The embedded TEST anchors do; `now` as an RFC 3339 string.
        let test = Trust::from_embedded("test".into()).unwrap();
        set(&options, "now", "2023-09-01T10:00:00Z".into());
        assert!(webeid_both(&test, &token, &options).await.is_ok());
        // Time is never implicit.
        set(&options, "now", JsValue::UNDEFINED);
        assert_eq!(
            webeid_both(&test, &token, &options).await.unwrap_err(),
            "config.invalid"
        );
        // Trust never comes in the options: an unknown option is refused.
        set(&options, "now", "2023-09-01T10:00:00Z".into());
        set(&options, "anchors", "test".into());
        assert_eq!(
            webeid_both(&test, &token, &options).await.unwrap_err(),
            "config.invalid"
        );
        assert!(Trust::from_embedded("staging".into()).is_err());
    }

    #[cfg(feature = "saml")]
    #[wasm_bindgen_test]
    async fn verify_spid_response_from_js() {
        let (Some(response), Some(metadata)) = (
            shared("data/spid/ssc_signed/case-1.xml"),
            shared("vectors/spid/idp-metadata.xml"),
        ) else {
            super::shared_missing("verify_spid_response_from_js");
            return;
        };
        let trust = Trust::builder()
            .pin_saml_idp_metadata(js_sys::Uint8Array::from(metadata).into())
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(trust.saml_idp_entity_ids().len(), 1);
        let options = object(&[
            ("spEntityId", "https://sp.example.it".into()),
            ("acsUrl", "https://sp.example.it/acs".into()),
            (
                "requestId",
                "_4d38c302617b5bf98951e65b4cf304711e2166df20".into(),
            ),
            ("now", "2025-01-01T10:00:30Z".into()),
            ("requestIssueInstant", "2025-01-01T10:00:00Z".into()),
            ("input", "xml".into()),
        ]);
        let r: JsValue = js_sys::Uint8Array::from(response).into();
        let sync = idbridge_wasm::verify_spid_response_sync(
            trust.clone().into(),
            r.clone(),
            options.clone(),
        )
        .unwrap();
        let webcrypto = settle(idbridge_wasm::verify_spid_response(
            trust.clone().into(),
            r.clone(),
            options.clone(),
        ))
        .await
        .unwrap();
        assert_eq!(
            js_sys::JSON::stringify(&sync).unwrap(),
            js_sys::JSON::stringify(&webcrypto).unwrap()
        );
        let identity = js_sys::Reflect::get(&webcrypto, &"identity".into()).unwrap();
        assert_eq!(
            field(&identity, "subject_id").as_deref(),
            Some("TINIT-GDASDV00A01H501J")
        );
        assert!(field(&webcrypto, "assertionId").is_some_and(|a| !a.is_empty()));
        // Another SP: the audience check fails with its code, on both paths.
        set(&options, "spEntityId", "https://other.example.it".into());
        let sync = idbridge_wasm::verify_spid_response_sync(
            trust.clone().into(),
            r.clone(),
            options.clone(),
        )
        .unwrap_err();
        let webcrypto = settle(idbridge_wasm::verify_spid_response(
            trust.clone().into(),
            r,
            options,
        ))
        .await
        .unwrap_err();
        assert_eq!(code_of(sync), "saml.audience.mismatch");
        assert_eq!(code_of(webcrypto), "saml.audience.mismatch");
    }

    #[cfg(feature = "vectors")]
    #[wasm_bindgen_test]
    async fn run_vectors_takes_a_js_object() {
        let obj = js_sys::Object::new();
        js_sys::Reflect::set(
            &obj,
            &"a/bad.json".into(),
            &"{\"schema\":\"idbridge-vectors/1\"}".into(),
        )
        .unwrap();
        let report =
            idbridge_wasm::run_vectors_sync(obj.clone().into(), strings(&["a/bad.json"])).unwrap();
        assert_eq!(report.failed(), 1);
        assert_eq!(
            report.lines().last().unwrap(),
            "vectors: 0 passed, 1 failed"
        );
        let report = settle(idbridge_wasm::run_vectors(
            obj.clone().into(),
            strings(&["a/bad.json"]),
        ))
        .await
        .unwrap();
        let failed = js_sys::Reflect::get(&report, &"failed".into()).unwrap();
        assert_eq!(failed.as_f64(), Some(1.0));
        js_sys::Reflect::set(&obj, &"a/num.json".into(), &JsValue::from_f64(1.0)).unwrap();
        let err = idbridge_wasm::run_vectors_sync(obj.clone().into(), strings(&[])).unwrap_err();
        assert_eq!(code_of(err), "input.encoding");
        let err = settle(idbridge_wasm::run_vectors(obj.clone().into(), strings(&[])))
            .await
            .unwrap_err();
        assert_eq!(code_of(err), "input.encoding");
    }

    /// Runs an OpenID4VP response verification on both paths; both must
    /// agree. The result as JSON.
    #[cfg(feature = "sdjwt")]
    async fn openid4vp_both(body: &str, options: &JsValue) -> Result<serde_json::Value, String> {
        let sync = idbridge_wasm::verify_openid4vp_response_sync(body.into(), options.clone());
        let webcrypto = settle(idbridge_wasm::verify_openid4vp_response(
            body.into(),
            options.clone(),
        ))
        .await;
        let json = |v: &JsValue| -> serde_json::Value {
            serde_json::from_str(&String::from(js_sys::JSON::stringify(v).unwrap())).unwrap()
        };
        match (sync, webcrypto) {
            (Ok(a), Ok(b)) => {
                assert_eq!(json(&a), json(&b));
                Ok(json(&a))
            }
            (Err(a), Err(b)) => {
                let (a, b) = (code_of(a), code_of(b));
                assert_eq!(a, b, "the paths disagree");
                Err(a)
            }
            (a, b) => panic!("the paths disagree: {a:?} / {b:?}"),
        }
    }

    /// `verifyOpenid4vpResponse` on `test-vectors/openid4vp/`: `direct_post`
    /// (form and JSON bodies) and `direct_post.jwt` (plain and signed
    /// inside), the same result on both paths; each failure has its code.
    #[cfg(feature = "sdjwt")]
    #[wasm_bindgen_test]
    async fn verify_openid4vp_response_from_js() {
        let text = |n: &str| std::str::from_utf8(key(n)).unwrap().trim().to_string();
        let valid = text("sd-jwt-vc/presentations/valid.txt");
        let options = || {
            object(&[
                ("issuerKeys", text("sd-jwt-vc/keys/issuer.jwks.json").into()),
                (
                    "statusListKeys",
                    text("sd-jwt-vc/keys/status.jwks.json").into(),
                ),
                (
                    "statusLists",
                    object(&[(
                        "https://status.idbridge.test/lists/gen-1",
                        text("sd-jwt-vc/status/list-2bit.jwt").into(),
                    )]),
                ),
                ("nonce", "gen-nonce-5d0c1f".into()),
                ("audience", "https://rp.idbridge.test".into()),
                ("now", "2026-05-01T00:00:00Z".into()),
                ("dcqlQuery", text("openid4vp/query.json").into()),
            ])
        };
        let token = |p: &str| serde_json::json!({ "pid": [p] }).to_string();
        let form = |p: &str| {
            format!(
                "vp_token={}&state=st-1",
                String::from(js_sys::encode_uri_component(&token(p)))
            )
        };

        // direct_post, form body: the identity, the claims, the state.
        let r = openid4vp_both(&form(&valid), &options()).await.unwrap();
        assert_eq!(r["state"], "st-1");
        let pid = &r["credentials"]["pid"][0];
        assert_eq!(pid["identity"]["given_name"], "Mario");
        assert_eq!(pid["identity"]["system"], "sd-jwt-vc");
        assert_eq!(pid["status"]["state"], "valid");
        // The same, a JSON body.
        let o = options();
        set(&o, "bodyEncoding", "json".into());
        let json = format!("{{\"vp_token\":{}}}", token(&valid));
        let r = openid4vp_both(&json, &o).await.unwrap();
        assert_eq!(
            r["credentials"]["pid"][0]["identity"]["family_name"],
            "Rossi"
        );
        assert!(r.get("state").is_none());

        // What fails, with its code on both paths.
        let o = options();
        set(&o, "nonce", "another-request".into());
        assert_eq!(
            openid4vp_both(&form(&valid), &o).await.unwrap_err(),
            "kb.nonce.mismatch"
        );
        let tampered = text("sd-jwt-vc/presentations/tampered.txt");
        assert!(openid4vp_both(&form(&tampered), &options())
            .await
            .unwrap_err()
            .starts_with("sdjwt."));
        let o = options();
        set(
            &o,
            "dcqlQuery",
            r#"{"credentials":[{"id":"pid","format":"dc+sd-jwt","claims":[{"path":["no_such_claim"]}]}]}"#.into(),
        );
        assert_eq!(
            openid4vp_both(&form(&valid), &o).await.unwrap_err(),
            "openid4vp.claim.missing"
        );
        let other = format!(
            "vp_token={}",
            String::from(js_sys::encode_uri_component(r#"{"mdl":["a~"]}"#))
        );
        assert_eq!(
            openid4vp_both(&other, &options()).await.unwrap_err(),
            "openid4vp.response.invalid"
        );

        // The issuer's trust from its metadata: for its issuer only.
        let metadata = |issuer: &str| {
            let o = options();
            set(&o, "issuerKeys", JsValue::UNDEFINED);
            let doc = format!(
                "{{\"issuer\":\"{issuer}\",\"jwks\":{}}}",
                text("sd-jwt-vc/keys/issuer.jwks.json")
            );
            set(&o, "issuerMetadata", doc.into());
            o
        };
        let r = openid4vp_both(&form(&valid), &metadata("https://issuer.idbridge.test"))
            .await
            .unwrap();
        assert_eq!(
            r["credentials"]["pid"][0]["identity"]["issuer"],
            "https://issuer.idbridge.test"
        );
        assert_eq!(
            openid4vp_both(&form(&valid), &metadata("https://other.idbridge.test"))
                .await
                .unwrap_err(),
            "sdjwt.issuer.mismatch"
        );

        // direct_post.jwt: decrypted with the verifier's key (a private JWK).
        let jwt = |wallet: bool, key: &str| {
            let o = options();
            set(&o, "responseMode", "direct_post.jwt".into());
            set(&o, "decryptionKey", text(key).into());
            if wallet {
                set(&o, "walletKeys", text("openid4vp/wallet.jwks.json").into());
            }
            o
        };
        let plain = text("openid4vp/direct-post-jwt.txt");
        let signed = text("openid4vp/direct-post-jwt-signed.txt");
        let r = openid4vp_both(&plain, &jwt(false, "keys/jwe/p256.jwk.json"))
            .await
            .unwrap();
        assert_eq!(r["state"], "st-wallet-1");
        assert_eq!(
            r["credentials"]["pid"][0]["identity"]["given_name"],
            "Mario"
        );
        let s = openid4vp_both(&signed, &jwt(true, "keys/jwe/p256.jwk.json"))
            .await
            .unwrap();
        assert_eq!(s, r);
        assert_eq!(
            openid4vp_both(&signed, &jwt(false, "keys/jwe/p256.jwk.json"))
                .await
                .unwrap_err(),
            "openid4vp.response.invalid"
        );
        let wrong_key = openid4vp_both(&plain, &jwt(false, "keys/jwe/p256-b.jwk.json"))
            .await
            .unwrap_err();
        assert!(wrong_key.starts_with("jwe."), "{wrong_key}");
        let mut cut = plain.clone();
        cut.truncate(plain.len() - 4);
        let cut = openid4vp_both(&cut, &jwt(false, "keys/jwe/p256.jwk.json"))
            .await
            .unwrap_err();
        assert!(cut.starts_with("jwe."), "{cut}");

        // Wrong arguments: config.invalid, thrown by Sync, a rejection otherwise.
        let bad = |edit: &dyn Fn(&JsValue)| {
            let o = options();
            edit(&o);
            o
        };
        let wrong = [
            bad(&|o| set(o, "responseMode", "direct_post.jwt".into())),
            bad(&|o| set(o, "decryptionKey", text("keys/jwe/p256.jwk.json").into())),
            bad(&|o| set(o, "responseMode", "query".into())),
            bad(&|o| set(o, "bodyEncoding", "xml".into())),
            bad(&|o| set(o, "dcqlQuery", JsValue::UNDEFINED)),
            bad(&|o| set(o, "clientId", "x".into())),
            bad(&|o| set(o, "issuerMetadata", "{}".into())),
        ];
        for o in wrong {
            assert_eq!(
                openid4vp_both(&plain, &o).await.unwrap_err(),
                "config.invalid"
            );
        }
    }

    /// A verification's outcome on both paths, which must agree: the
    /// value, or the error's code and message.
    #[cfg(feature = "mdoc")]
    async fn mdoc_both(response: JsValue, options: &JsValue) -> Result<JsValue, (String, String)> {
        let sync = idbridge_wasm::verify_mdoc_sync(response.clone(), options.clone());
        let webcrypto = settle(idbridge_wasm::verify_mdoc(response, options.clone())).await;
        let message = |e: &JsValue| String::from(js_sys::Error::from(e.clone()).message());
        match (sync, webcrypto) {
            (Ok(a), Ok(_)) => Ok(a),
            (Err(a), Err(b)) => {
                let (ma, mb) = (message(&a), message(&b));
                let (a, b) = (code_of(a), code_of(b));
                assert_eq!((&a, &ma), (&b, &mb), "the paths disagree");
                Err((a, ma))
            }
            (a, b) => panic!("the paths disagree: {a:?} / {b:?}"),
        }
    }

    /// `verifyMdoc`'s options: the handover's members named by their full
    /// path, `jwkThumbprint` required (a 32-byte thumbprint or null), `now`
    /// and `clockSkewSeconds` refused with `config.invalid` naming the
    /// option, and `brainpool` the library's opt-in.
    #[cfg(feature = "mdoc")]
    #[wasm_bindgen_test]
    async fn mdoc_options_are_checked_and_named() {
        let up = |n: &str| {
            std::str::from_utf8(key(&format!("conformance/mdoc/upstream/{n}")))
                .unwrap()
                .to_string()
        };
        let handover = || {
            object(&[
                ("kind", "openid4vp".into()),
                ("clientId", "x509_san_dns:example.com".into()),
                (
                    "nonce",
                    "exc7gBkxjx1rdc9udRrveKvSsJIq80avlXeLHhGwqtA".into(),
                ),
                ("responseUri", "https://example.com/response".into()),
                (
                    "jwkThumbprint",
                    "QoPsknrg8gjaqi0CaoFPKyLcpSz4X_qPP4Ymxr1mkEc".into(),
                ),
            ])
        };
        let options = |h: JsValue| {
            let iacas: JsValue = [JsValue::from_str(&up("own/certs/iaca-p256.pem"))]
                .iter()
                .collect::<js_sys::Array>()
                .into();
            object(&[
                ("iacas", iacas),
                ("docType", "eu.europa.ec.eudi.pid.1".into()),
                ("handover", h),
                ("now", "2026-05-01T00:00:00Z".into()),
            ])
        };
        let response: JsValue = up("own/responses/valid-pid-full.b64u").into();
        mdoc_both(response.clone(), &options(handover()))
            .await
            .unwrap();
        let refused = |r: Result<JsValue, (String, String)>| r.unwrap_err();

        // A missing member: named by its full path.
        let h = handover();
        js_sys::Reflect::delete_property(h.unchecked_ref::<js_sys::Object>(), &"nonce".into())
            .unwrap();
        let (code, message) = refused(mdoc_both(response.clone(), &options(h)).await);
        assert_eq!(code, "config.invalid");
        assert!(message.contains("options.handover.nonce"), "{message}");
        // jwkThumbprint: absent, of the wrong size, not base64url, not a string.
        let h = handover();
        js_sys::Reflect::delete_property(
            h.unchecked_ref::<js_sys::Object>(),
            &"jwkThumbprint".into(),
        )
        .unwrap();
        let (code, message) = refused(mdoc_both(response.clone(), &options(h)).await);
        assert_eq!(code, "config.invalid");
        assert!(
            message.contains("options.handover.jwkThumbprint is missing"),
            "{message}"
        );
        for bad in [
            JsValue::from_str(""),
            JsValue::from_str("QoPsknrg8gjaqi0CaoFPKyLcpSz4X_qPP4Ymxr1mk"),
            JsValue::from_str("not base64url!"),
            JsValue::from_f64(32.0),
        ] {
            let h = handover();
            set(&h, "jwkThumbprint", bad.clone());
            let (code, message) = refused(mdoc_both(response.clone(), &options(h)).await);
            assert_eq!(code, "config.invalid", "{bad:?}");
            assert!(
                message.contains("options.handover.jwkThumbprint"),
                "{message}"
            );
        }
        // null: the response was not encrypted (its transcript differs here).
        let h = handover();
        set(&h, "jwkThumbprint", JsValue::NULL);
        let (code, _) = refused(mdoc_both(response.clone(), &options(h)).await);
        assert_eq!(code, "mdoc.device_signature.invalid");

        // An empty IACA list: the caller's configuration, config.invalid
        // (as for verifyIcaoSod), not the response's x509.chain.untrusted.
        let o = options(handover());
        set(&o, "iacas", js_sys::Array::new().into());
        let (code, message) = refused(mdoc_both(response.clone(), &o).await);
        assert_eq!(code, "config.invalid");
        assert!(
            message.contains("options.iacas holds no certificate"),
            "{message}"
        );

        // now: a malformed string is config.invalid naming the option.
        for bad in ["2026-05-01", "2026-05-01T00:00:00", "yesterday"] {
            let o = options(handover());
            set(&o, "now", bad.into());
            let (code, message) = refused(mdoc_both(response.clone(), &o).await);
            assert_eq!(code, "config.invalid", "{bad}");
            assert!(message.contains("options.now"), "{message}");
        }
        // clockSkewSeconds: 0 to 86400.
        for bad in [-1.0, 86_401.0, 1.5, f64::INFINITY] {
            let o = options(handover());
            set(&o, "clockSkewSeconds", bad.into());
            let (code, message) = refused(mdoc_both(response.clone(), &o).await);
            assert_eq!(code, "config.invalid", "{bad}");
            assert!(message.contains("options.clockSkewSeconds"), "{message}");
            assert!(message.contains("86400"), "{message}");
        }
        let o = options(handover());
        set(&o, "clockSkewSeconds", 86_400.0.into());
        mdoc_both(response.clone(), &o).await.unwrap();

        // brainpool: the library's opt-in (a test-vectors/mdoc input).
        let bp = |on: Option<JsValue>| {
            let o = options(object(&[
                ("kind", "session-transcript".into()),
                ("sessionTranscript", "8341a0d81843a10102f6".into()),
            ]));
            let iacas: JsValue = [u8a(key("mdoc/trust/iaca.pem"))]
                .iter()
                .collect::<js_sys::Array>()
                .into();
            set(&o, "iacas", iacas);
            set(&o, "input", "cbor".into());
            if let Some(on) = on {
                set(&o, "brainpool", on);
            }
            o
        };
        let input = u8a(key("mdoc/inputs/bp256-ds-and-device.cbor"));
        let (code, _) = refused(mdoc_both(input.clone(), &bp(None)).await);
        assert_eq!(code, "mdoc.issuer_key.mismatch");
        let (code, _) = refused(mdoc_both(input.clone(), &bp(Some(false.into()))).await);
        assert_eq!(code, "mdoc.issuer_key.mismatch");
        mdoc_both(input.clone(), &bp(Some(true.into())))
            .await
            .unwrap();
        let (code, _) = refused(mdoc_both(input, &bp(Some("yes".into()))).await);
        assert_eq!(code, "config.invalid");
    }

    /// The code and message of a synchronous export's refusal.
    #[cfg(all(feature = "smartid", feature = "mobileid", feature = "icao"))]
    fn refusal(r: Result<JsValue, JsValue>) -> (String, String) {
        let e = r.unwrap_err();
        let message = String::from(js_sys::Error::from(e.clone()).message());
        (code_of(e), message)
    }

    /// Smart-ID's request values are checked before verifying
    /// (`config.invalid`), and a malformed `now` string is
    /// `config.invalid` naming `options.now` in the Smart-ID, Mobile-ID and
    /// ICAO exports (mdoc: `mdoc_options_are_checked_and_named`).
    #[cfg(all(feature = "smartid", feature = "mobileid", feature = "icao"))]
    #[wasm_bindgen_test]
    fn smart_id_request_values_and_now_strings_are_config_errors() {
        let sid = |n: &str| key(&format!("conformance/smart-id/upstream/{n}"));
        let anchors: JsValue = [u8a(sid("own_TEST_SmartID_CA.der"))]
            .iter()
            .collect::<js_sys::Array>()
            .into();
        let rp = "xnjZ3irCUODkqHtNT74/Irw2ZHW/Lv8sG/b5HS+L9lKffM2SWmsY9k4g2gcwVg6aN3DAj54ciyLff+ilTwIVCA==";
        let interactions = "W3sidHlwZSI6ImRpc3BsYXlUZXh0QW5kUElOIiwiZGlzcGxheVRleHQ2MCI6IkxvZyBpbiB0byBpZGJyaWRnZT8ifV0=";
        let options = || {
            object(&[
                ("anchors", anchors.clone()),
                ("rpChallenge", rp.into()),
                ("relyingPartyName", "DEMO".into()),
                ("interactions", interactions.into()),
                ("now", "2025-09-01T10:00:00Z".into()),
            ])
        };
        let response = u8a(sid("acsp_qr_sha3_512.json"));
        idbridge_wasm::verify_smart_id_sync(response.clone(), options()).unwrap();
        for (k, bad) in [
            ("rpChallenge", rp.trim_end_matches('=').to_string()),
            ("rpChallenge", "AAAA".to_string()),
            ("rpChallenge", "QUFB".repeat(22)),
            ("interactions", "e30=".to_string()),
            ("interactions", "W10".to_string()),
        ] {
            let o = options();
            set(&o, k, bad.as_str().into());
            let (code, message) = refusal(idbridge_wasm::verify_smart_id_sync(response.clone(), o));
            assert_eq!(code, "config.invalid", "{k} {bad}");
            assert!(message.contains(&format!("options.{k}")), "{message}");
        }
        // An empty CA list is the caller's configuration: config.invalid,
        // for Smart-ID and Mobile-ID alike.
        let o = options();
        set(&o, "anchors", js_sys::Array::new().into());
        let (code, message) = refusal(idbridge_wasm::verify_smart_id_sync(response.clone(), o));
        assert_eq!(code, "config.invalid");
        assert!(
            message.contains("options.anchors holds no certificate"),
            "{message}"
        );
        let empty = object(&[
            ("anchors", js_sys::Array::new().into()),
            ("now", "2025-09-01T10:00:00Z".into()),
            ("signedHash", "AAAA".into()),
        ]);
        let (code, message) = refusal(idbridge_wasm::verify_mobile_id_sync(
            response.clone(),
            empty,
        ));
        assert_eq!(code, "config.invalid");
        assert!(
            message.contains("options.anchors holds no certificate"),
            "{message}"
        );
        let o = options();
        set(&o, "now", "2026-05-01".into());
        let (code, message) = refusal(idbridge_wasm::verify_smart_id_sync(response, o));
        assert_eq!(code, "config.invalid");
        assert!(message.contains("options.now"), "{message}");

        let mid = |n: &str| key(&format!("conformance/mobile-id/upstream/{n}"));
        let o = object(&[
            (
                "anchors",
                [u8a(mid("TEST_of_ESTEID-SK_2015.pem.crt"))]
                    .iter()
                    .collect::<js_sys::Array>()
                    .into(),
            ),
            ("signedHash", "XN1Ej7bys/MlbZlDBN3GoRFv6JOJbm8/mLwulZlZQBIF/TYVsHDJiOCGx2yVaxiXbbrNmRQJcgR0AhZtTfFigQ==".into()),
            ("hashType", "SHA512".into()),
            ("now", "2025-09-01".into()),
        ]);
        let (code, message) = refusal(idbridge_wasm::verify_mobile_id_sync(
            u8a(mid("valid1.json")),
            o,
        ));
        assert_eq!(code, "config.invalid");
        assert!(message.contains("options.now"), "{message}");

        let icao = |n: &str| key(&format!("conformance/icao-sod/upstream/{n}"));
        let o = object(&[
            (
                "documentSigners",
                [u8a(icao("cie_DS_00019_TEST.der"))]
                    .iter()
                    .collect::<js_sys::Array>()
                    .into(),
            ),
            ("now", "1 September 2025".into()),
        ]);
        let (code, message) = refusal(idbridge_wasm::verify_icao_sod_sync(
            u8a(icao("bundles/mrtd-dg1-dg11.json")),
            o,
        ));
        assert_eq!(code, "config.invalid");
        assert!(message.contains("options.now"), "{message}");
    }
}
