//! The runner keeps the `VECTORS.md` contract: malformed vector files are
//! failures reported with their path, never skipped; unknown keys are errors;
//! the closing line and the subset rules hold.
// These tests read the file system: native only.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idbridge_vectors::{self as vectors, FsFiles, MemoryFiles, Runner, Summary};
use std::path::Path;

const KEY: &[u8] = include_bytes!("../test-vectors/keys/p256.spki.der");

/// A well-formed signature file with one case, as a template.
fn file(extra_top: &str, test: &str) -> String {
    format!(
        r#"{{"schema":"idbridge-vectors/1","kind":"signature","numberOfTests":1,"header":[],"notes":{{}}{extra_top},
"testGroups":[{{"source":"t","trust":{{"public_key":"k.der"}},"context":{{"algorithm":"ecdsa-p256-sha256-raw"}},
"tests":[{test}]}}]}}"#
    )
}

const OK_TEST: &str = r#"{"tcId":1,"comment":"c","input":{"text":"m"},"context":{"signature":"00"},"result":"invalid","expectedError":"crypto.signature.malformed","flags":[]}"#;

fn run_one(text: &str) -> idbridge_vectors::FileReport {
    let mut files = MemoryFiles::new();
    files.insert("d/k.der", KEY.to_vec());
    files.insert("d/v.json", text.as_bytes().to_vec());
    Runner::new(&files).run_file("d/v.json")
}

fn defect(text: &str) -> String {
    let report = run_one(text);
    assert_eq!(report.failed(), 1, "{:?}", report.lines());
    assert!(report.cases.is_empty());
    let line = &report.lines()[0];
    assert!(
        line.starts_with("FAIL d/v.json: malformed vector file: "),
        "{line}"
    );
    report.defect.unwrap()
}

#[test]
fn the_template_is_well_formed() {
    let report = run_one(&file("", OK_TEST));
    assert_eq!(
        (report.passed(), report.failed()),
        (1, 0),
        "{:?}",
        report.lines()
    );
}

#[test]
fn malformed_files_fail_with_their_path() {
    // Bad JSON.
    assert!(defect("{\"schema\":\"idbridge-vectors/1\",").contains("EOF"));
    // Unknown keys at every level.
    assert!(defect(&file(",\"extra\":1", OK_TEST)).contains("unknown field"));
    assert!(
        defect(&file("", &OK_TEST.replace("\"flags\"", "\"flagz\""))).contains("unknown field")
    );
    assert!(defect(&file("", &OK_TEST.replace("\"text\"", "\"txt\""))).contains("unknown field"));
    assert!(defect(&file(
        "",
        &OK_TEST.replace(
            "\"signature\":\"00\"",
            "\"signature\":\"00\",\"nonce\":\"x\""
        )
    ))
    .contains("unknown context key"));
    // Missing required fields.
    assert!(
        defect(&file("", &OK_TEST.replace("\"result\":\"invalid\",", "")))
            .contains("missing field")
    );
    assert!(defect(&file("", &OK_TEST.replace("\"tcId\":1,", ""))).contains("missing field"));
    assert!(defect(&file(
        "",
        &OK_TEST.replace(",\"context\":{\"signature\":\"00\"}", "")
    ))
    .contains("\"signature\" is required"));
    // File-level rules.
    assert!(defect(&file("", &format!("{OK_TEST},{OK_TEST}"))).contains("numberOfTests"));
    assert!(defect(&file(
        "",
        &OK_TEST.replace("\"flags\":[]", "\"flags\":[\"NoSuchNote\"]")
    ))
    .contains("has no note"));
    assert!(defect(&file(
        "",
        &OK_TEST.replace("\"result\":\"invalid\"", "\"result\":\"valid\"")
    ))
    .contains("only for invalid"));
    assert!(defect(&file(
        "",
        &OK_TEST.replace("\"result\":\"invalid\"", "\"result\":\"maybe\"")
    ))
    .contains("unknown variant"));
    assert!(defect(&file(
        "",
        &OK_TEST.replace("{\"text\":\"m\"}", "{\"text\":\"m\",\"base64\":\"bQ==\"}")
    ))
    .contains("exactly one"));
    assert!(defect(&file(
        "",
        &OK_TEST.replace("{\"text\":\"m\"}", "{\"base64\":\"!!\"}")
    ))
    .contains("base64"));
    assert!(defect(&file(
        "",
        &OK_TEST.replace("{\"text\":\"m\"}", "{\"file\":\"missing.bin\"}")
    ))
    .contains("input file"));
    assert!(defect(&file("", &OK_TEST.replace("\"00\"", "\"0G\""))).contains("hex"));
    assert!(
        defect(&file("", OK_TEST).replace("idbridge-vectors/1", "idbridge-vectors/2"))
            .contains("not supported")
    );
    assert!(
        defect(&file("", OK_TEST).replace("\"kind\":\"signature\"", "\"kind\":\"sig\""))
            .contains("unknown kind")
    );
    assert!(defect(&file("", OK_TEST).replace("k.der", "nokey.der")).contains("trust file"));
    assert!(defect("[1,2]").contains("invalid type"));
}

#[test]
fn wrong_outcomes_fail_and_say_what_came_back() {
    let report = run_one(&file(
        "",
        &OK_TEST.replace("crypto.signature.malformed", "crypto.signature.invalid"),
    ));
    assert_eq!(report.failed(), 1);
    let line = &report.lines()[0];
    assert!(line.starts_with("FAIL d/v.json tcId=1: expected invalid (crypto.signature.invalid), got invalid (crypto.signature.malformed)"), "{line}");
}

#[test]
fn kinds_outside_the_contract_fail_naming_the_kind_and_keys_are_enforced() {
    // Every kind of the contract is implemented now; a kind this build does
    // not know is a malformed file that names it, never a silent pass.
    let text = r#"{"schema":"idbridge-vectors/1","kind":"xmldsig","numberOfTests":1,"testGroups":[{"trust":{"certificates":[]},"context":{"now":"2025-01-01T00:00:00Z"},"tests":[{"tcId":7,"input":{"text":"<a/>"},"result":"invalid"}]}]}"#;
    let unknown = text.replace("\"xmldsig\"", "\"no-such-kind\"");
    assert!(defect(&unknown).contains("unknown kind \"no-such-kind\""));
    // An invalid case of an implemented kind runs (and this one fails as expected).
    let report = run_one(text);
    assert_eq!(
        (report.passed(), report.failed()),
        (1, 0),
        "{:?}",
        report.lines()
    );
    // Contract keys are enforced per kind.
    let bad = text.replace("\"now\"", "\"nwo\"");
    assert!(defect(&bad).contains("unknown context key"));
}

#[test]
fn closing_line_and_exit_rule() {
    let s = Summary {
        passed: 3,
        failed: 0,
    };
    assert_eq!(s.closing_line(), "vectors: 3 passed, 0 failed");
}

#[test]
fn walking_a_folder_finds_vector_files_and_reports_broken_ones() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let found = vectors::collect(&[dir.to_string_lossy().into_owned()]);
    let names: Vec<_> = found
        .iter()
        .map(|p| {
            Path::new(p)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    // data.json is input data (no schema key): passed over.
    assert_eq!(
        names,
        ["bad_json.json", "missing_field.json", "unknown_key.json"]
    );
    let runner = Runner::new(&FsFiles);
    for path in &found {
        let report = runner.run_file(path);
        assert_eq!(report.failed(), 1, "{path}");
        assert!(
            report.lines()[0].starts_with(&format!("FAIL {path}: malformed vector file")),
            "{:?}",
            report.lines()
        );
    }
}

#[test]
fn every_error_code_is_documented_in_test_vectors_readme() {
    let readme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/README.md"),
    )
    .unwrap();
    for code in idbridge::ErrorCode::ALL {
        assert!(
            readme.contains(&format!("| `{}` |", code.as_str())),
            "{} is not listed",
            code.as_str()
        );
    }
}
