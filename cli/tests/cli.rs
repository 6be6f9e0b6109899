//! The `idbridge` binary as a user runs it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../../tests/common/shared.rs"]
mod shared;

use std::path::PathBuf;
use std::process::Command;

fn idbridge(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_idbridge"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn vectors_pass_with_one_line_per_case_and_the_closing_line() {
    let (code, out, _) = idbridge(&["vectors", "test-vectors/signature/allow_list.json"]);
    assert_eq!(code, 0, "{out}");
    let lines: Vec<_> = out.lines().collect();
    assert_eq!(lines.last().copied(), Some("vectors: 22 passed, 0 failed"));
    assert_eq!(lines.len(), 23);
    assert!(lines[0].starts_with("ok   test-vectors/signature/allow_list.json tcId="));
}

#[test]
fn malformed_vector_files_fail_with_their_path_and_exit_1() {
    let (code, out, _) = idbridge(&["vectors", "tests/malformed"]);
    assert_eq!(code, 1);
    for f in ["bad_json.json", "missing_field.json", "unknown_key.json"] {
        assert!(
            out.lines().any(|l| l.starts_with(&format!("FAIL tests/malformed/{f}: malformed vector file"))),
            "{f}: {out}"
        );
    }
    assert!(out.ends_with("vectors: 0 passed, 3 failed\n"), "{out}");
    // A file named directly must be a vector file.
    let (code, out, _) = idbridge(&["vectors", "tests/malformed/data.json"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("FAIL tests/malformed/data.json: malformed vector file"),
        "{out}"
    );
}

#[test]
fn json_output_is_one_object_per_case() {
    let (code, out, err) = idbridge(&[
        "vectors",
        "--json",
        "--backend",
        "rustcrypto",
        "test-vectors/signature/keys.json",
    ]);
    assert_eq!(code, 0);
    assert!(err.contains("vectors: 25 passed, 0 failed"), "{err}");
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["status"], "ok");
        assert_eq!(v["backends"], serde_json::json!(["rustcrypto"]));
    }
    assert_eq!(out.lines().count(), 25);
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, err) = idbridge(&["vectors", "--backend", "openssl", "test-vectors"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown backend"));
    let (code, _, _) = idbridge(&["vectors"]);
    assert_eq!(code, 2);
    let (code, out, _) = idbridge(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("idbridge "));
    let (code, out, _) = idbridge(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("vectors") && out.contains("verify"));
}

#[test]
fn verify_webeid_prints_the_identity_or_the_code() {
    let Some(d) = shared::path(
        "verify_webeid_prints_the_identity_or_the_code",
        "data/webeid/java",
    ) else {
        return;
    };
    let token = d.join("tokens/AbstractTestWithValidator__VALID_AUTH_TOKEN.json");
    let token = token.to_str().unwrap();
    let base = [
        "verify",
        "webeid",
        "--token",
        token,
        "--nonce",
        "12345678123456781234567812345678912356789123",
        "--anchors",
        "test",
        "--now",
        "2023-09-01T10:00:00Z",
    ];
    let (code, out, _) = idbridge(&[&base[..], &["--origin", "https://ria.ee"]].concat());
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["subject_id"], "PNOEE-38001085718");
    let (code, out, _) = idbridge(&[&base[..], &["--origin", "https://evil.example"]].concat());
    assert_eq!(code, 1);
    assert!(
        out.starts_with("error: webeid.signature.invalid: "),
        "{out}"
    );
}

#[test]
fn bench_prints_one_json_row_per_verifier() {
    let (code, out, err) = idbridge(&["bench", "--json", "--seconds", "0.05"]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let names: Vec<_> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["spid", "cie", "webeid"]);
    for r in &rows {
        let us = r["us_per_op"].as_f64().unwrap();
        let floor = r["floor_us_per_op"].as_f64().unwrap();
        let ratio = r["ratio"].as_f64().unwrap();
        assert!(us > 0.0 && floor > 0.0, "{r}");
        assert!((ratio - us / floor).abs() < 0.02 * ratio + 0.01, "{r}");
    }
    let (code, _, err) = idbridge(&["bench", "--backend", "nope"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = idbridge(&["bench", "--seconds", "0"]);
    assert_eq!(code, 2);
}

#[test]
fn a_closed_stdout_exits_2_without_a_panic() {
    use std::process::Stdio;
    // Both write after the reader is gone whatever the timing: bench's rows
    // come after seconds of measuring, and every vector's lines (about
    // 100 KB) overflow a pipe's buffer.
    for args in [
        &["bench", "--seconds", "0.2"][..],
        &["vectors", "test-vectors"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_idbridge"))
            .args(args)
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader goes away before any output
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}
