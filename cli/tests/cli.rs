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
    assert_eq!(
        names,
        ["spid", "cie", "webeid", "oidc", "sdjwt", "smartid", "mdoc", "icao", "mobileid"]
    );
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

/// A shell command line split into words as a POSIX shell would, for the
/// quoting `--explain` writes: plain words, '...' and `\` outside quotes.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The `replay` line `--explain` prints for one case, as arguments for the binary.
fn replay_of(file: &str, tc: &str) -> Vec<String> {
    let (code, out, err) = idbridge(&["vectors", file, "--tc", tc, "--explain"]);
    assert_eq!(code, 0, "{out}{err}");
    let line = out
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("replay"))
        .unwrap_or_else(|| panic!("no replay line: {out}"));
    let words = shell_words(line.trim());
    assert_eq!(words[0], "idbridge", "{line}");
    words[1..].to_vec()
}

#[test]
fn tc_explain_prints_one_case_with_every_saml_check_and_its_rule() {
    let (code, out, _) = idbridge(&[
        "vectors",
        "test-vectors/spid/envelope.json",
        "--tc",
        "3",
        "--explain",
    ]);
    assert_eq!(code, 0, "{out}");
    let lines: Vec<_> = out.lines().collect();
    assert_eq!(lines[0], "ok   test-vectors/spid/envelope.json tcId=3");
    assert_eq!(lines.last().copied(), Some("vectors: 1 passed, 0 failed"));
    assert_eq!(out.matches("tcId=").count(), 1, "one case only: {out}");
    let checks: Vec<_> = lines.iter().filter(|l| l.starts_with("  check ")).collect();
    assert!(checks.len() >= 3, "{out}");
    // Every check names its rule; the last one is the one that failed, with the code.
    assert!(checks.iter().all(|l| l.len() > 40), "{out}");
    assert!(
        checks.last().unwrap().starts_with("  check FAIL envelope")
            && checks
                .last()
                .unwrap()
                .ends_with("-> saml.structure.invalid"),
        "{out}"
    );
    for key in [
        "input ",
        "trust.idp_metadata ",
        "context.now ",
        "context.request_id ",
        "outcome ",
        "replay ",
    ] {
        assert!(
            lines.iter().any(|l| l.trim_start().starts_with(key)),
            "{key}: {out}"
        );
    }
    // The same in JSON: the explanation is an object on the case's line.
    let (code, out, _) = idbridge(&[
        "vectors",
        "--json",
        "test-vectors/spid/envelope.json",
        "--tc",
        "3",
        "--explain",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["tcId"], 3);
    let checks = v["explain"]["checks"].as_array().unwrap();
    assert_eq!(
        checks.last().unwrap()["failed"],
        "saml.structure.invalid",
        "{v}"
    );
    assert!(checks
        .iter()
        .all(|c| !c["rule"].as_str().unwrap().is_empty()));
    assert!(v["explain"]["replay"]
        .as_str()
        .unwrap()
        .starts_with("idbridge verify spid "));
    // Without --explain: the case's line and the closing line, nothing else.
    let (code, out, _) = idbridge(&["vectors", "test-vectors/spid/envelope.json", "--tc", "3"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "ok   test-vectors/spid/envelope.json tcId=3\nvectors: 1 passed, 0 failed\n"
    );
}

#[test]
fn tc_explain_for_other_kinds_prints_inputs_context_and_outcome() {
    let (code, out, _) = idbridge(&[
        "vectors",
        "test-vectors/signature/allow_list.json",
        "--tc",
        "1",
        "--explain",
    ]);
    assert_eq!(code, 0, "{out}");
    for key in [
        "input ",
        "trust.public_key ",
        "context.algorithm ",
        "outcome ",
    ] {
        assert!(
            out.lines().any(|l| l.trim_start().starts_with(key)),
            "{key}: {out}"
        );
    }
    assert!(out.contains("no `idbridge verify` subcommand runs the signature kind"));
    assert!(!out.contains("  check "), "{out}");
    let (code, out, _) = idbridge(&[
        "vectors",
        "test-vectors/webeid/ocsp.json",
        "--tc",
        "5",
        "--explain",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("context.ocsp"), "{out}");
    assert!(
        out.contains("(case)"),
        "the case's own context is marked: {out}"
    );
}

#[test]
fn the_replay_line_reproduces_the_case_under_idbridge_verify() {
    // Valid cases: the identity comes back, exit 0.
    for (file, tc, subject) in [
        ("test-vectors/spid/valid.json", "1", "TINIT-"),
        ("test-vectors/webeid/signature.json", "1", "PNOEE-"),
        ("test-vectors/webeid/ocsp.json", "5", "PNOEE-"),
    ] {
        let args = replay_of(file, tc);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = idbridge(&args);
        assert_eq!(code, 0, "{file} {tc}: {args:?}: {out}{err}");
        assert!(out.contains(subject), "{out}");
    }
    // Invalid cases: the expected code, exit 1.
    for (file, tc, want) in [
        (
            "test-vectors/spid/envelope.json",
            "3",
            "saml.structure.invalid",
        ),
        (
            "test-vectors/cie/checks.json",
            "1",
            "xmldsig.signature.missing",
        ),
        // A case whose handover kind overrides its group's: only the
        // request values of its own kind are replayed.
        (
            "test-vectors/conformance/mdoc/published-samples.json",
            "17",
            "mdoc.device_signature.invalid",
        ),
    ] {
        let args = replay_of(file, tc);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, _) = idbridge(&args);
        assert_eq!(code, 1, "{file} {tc}: {out}");
        assert!(out.contains(&format!("error: {want}: ")), "{out}");
    }
}

#[test]
fn tc_misuse_is_a_usage_error() {
    for args in [
        &[
            "vectors",
            "test-vectors/spid/envelope.json",
            "--tc",
            "99999",
        ][..],
        &["vectors", "test-vectors/spid", "--tc", "1"][..],
        &[
            "vectors",
            "test-vectors/spid/envelope.json",
            "test-vectors/spid/valid.json",
            "--tc",
            "1",
        ][..],
        &["vectors", "test-vectors/spid/envelope.json", "--tc", "x"][..],
    ] {
        let (code, out, err) = idbridge(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(!out.contains("vectors: "), "{args:?} ran: {out}");
    }
    let (_, _, err) = idbridge(&[
        "vectors",
        "test-vectors/spid/envelope.json",
        "--tc",
        "99999",
    ]);
    assert!(err.contains("has no case with tcId 99999"), "{err}");
    // A malformed file stays a failed vector (exit 1), --tc or not.
    let (code, out, _) = idbridge(&["vectors", "tests/malformed/bad_json.json", "--tc", "1"]);
    assert_eq!(code, 1, "{out}");
}

/// Every command-line input path that cannot be read: exit 2, the flag
/// and the path named, no `config.invalid`.
#[test]
fn a_missing_input_file_is_a_usage_error_everywhere() {
    let missing = "no/such/file.xml";
    let spid_base = |response: &str, metadata: &str| -> Vec<String> {
        [
            "verify",
            "spid",
            "--response",
            response,
            "--input",
            "xml",
            "--metadata",
            metadata,
            "--sp-entity-id",
            "https://sp.idbridge.test",
            "--acs-url",
            "https://sp.idbridge.test/acs",
            "--request-id",
            "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4",
            "--now",
            "2026-03-01T10:00:30Z",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let ok_response = "test-vectors/spid/responses/valid.xml";
    let ok_metadata = "test-vectors/spid/metadata/idp.xml";
    let webeid = |token: &str, extra: &[&str]| -> Vec<String> {
        [
            "verify",
            "webeid",
            "--token",
            token,
            "--origin",
            "https://rp.idbridge.test",
            "--nonce",
            "n",
            "--now",
            "2026-09-01T10:00:00Z",
        ]
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .collect()
    };
    let token = "test-vectors/webeid/tokens/es256.token";
    let anchor = "test-vectors/webeid/pki/esteid2026.cer";
    let mut cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["vectors".into(), missing.into()], missing),
        (
            vec![
                "vectors".into(),
                "test-vectors/signature".into(),
                missing.into(),
            ],
            missing,
        ),
        (
            spid_base(missing, ok_metadata),
            "--response no/such/file.xml",
        ),
        (
            spid_base(ok_response, missing),
            "--metadata no/such/file.xml",
        ),
        // A folder where a file is expected cannot be read either.
        (
            spid_base("test-vectors", ok_metadata),
            "--response test-vectors",
        ),
        (
            webeid(missing, &["--anchors", anchor]),
            "--token no/such/file.xml",
        ),
        (
            webeid(token, &["--anchors", missing]),
            "--anchors no/such/file.xml",
        ),
        (
            webeid(token, &["--anchors", anchor, "--ocsp", missing]),
            "--ocsp no/such/file.xml",
        ),
        (
            webeid(
                token,
                &[
                    "--anchors",
                    anchor,
                    "--ocsp",
                    "test-vectors/webeid/ocsp/good-next-update.der",
                    "--ocsp-responder",
                    missing,
                ],
            ),
            "--ocsp-responder no/such/file.xml",
        ),
    ];
    let mut cie = spid_base(ok_response, ok_metadata);
    cie[1] = "cie".into();
    cie.extend([
        "--registry".into(),
        missing.into(),
        "--registry-signer".into(),
        anchor.into(),
    ]);
    cases.push((cie, "--registry no/such/file.xml"));
    let mut signer = spid_base(ok_response, ok_metadata);
    signer.extend([
        "--registry".into(),
        ok_metadata.into(),
        "--registry-signer".into(),
        missing.into(),
    ]);
    cases.push((signer, "--registry-signer no/such/file.xml"));
    for (args, named) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = idbridge(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(named), "{args:?}: {err}");
        assert!(
            !out.contains("config.invalid") && !err.contains("config.invalid"),
            "{out}{err}"
        );
    }
    // Bad argument values are usage errors too; the same command with good ones verifies.
    let good = spid_base(ok_response, ok_metadata);
    for (flag, value) in [
        ("--now", "yesterday"),
        ("--min-level", "SpidL9"),
        ("--comparison", "most"),
        ("--input", "hex"),
        ("--request-issue-instant", "2026-13-01T00:00:00Z"),
    ] {
        let mut args: Vec<&str> = good.iter().map(String::as_str).collect();
        args.extend([flag, value]);
        let (code, out, err) = idbridge(&args);
        assert_eq!(code, 2, "{flag} {value}: {out}{err}");
        assert!(err.contains(flag), "{err}");
    }
    let args: Vec<&str> = good.iter().map(String::as_str).collect();
    let (code, out, _) = idbridge(&args);
    assert_eq!(code, 0, "{out}");
    let mut args = webeid(token, &["--anchors", anchor]);
    args[9] = "2026-02-30T10:00:00Z".into();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, err) = idbridge(&args);
    assert_eq!(code, 2, "{err}");
    // --registry-signer alone names a file that nothing would read.
    let mut args = spid_base(ok_response, ok_metadata);
    args.extend(["--registry-signer".into(), anchor.into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, err) = idbridge(&args);
    assert_eq!(code, 2, "{err}");
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("idbridge-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn reports_junit_and_html_say_what_the_run_said() {
    let dir = temp_dir("reports");
    let xml = dir.join("run.xml");
    let page = dir.join("run.html");
    let (code, out, _) = idbridge(&[
        "vectors",
        "--report",
        "junit",
        xml.to_str().unwrap(),
        "--report",
        "html",
        page.to_str().unwrap(),
        "tests/malformed",
        "cli/tests/fixtures/report",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.ends_with("vectors: 1 passed, 5 failed\n"), "{out}");
    // The terminal gets no explanation without --explain, even though the HTML has them.
    assert!(!out.contains("  replay"), "{out}");

    let text = std::fs::read_to_string(&xml).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(
        (
            root.attribute("tests"),
            root.attribute("failures"),
            root.attribute("errors")
        ),
        (Some("6"), Some("2"), Some("3"))
    );
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 4);
    let hostile = suites
        .iter()
        .find(|s| s.attribute("name") == Some("cli/tests/fixtures/report/hostile.json"))
        .unwrap();
    let prop = |name: &str| {
        hostile
            .descendants()
            .find(|n| n.has_tag_name("property") && n.attribute("name") == Some(name))
            .and_then(|n| n.attribute("value"))
            .unwrap()
            .to_string()
    };
    assert_eq!(prop("idbridge.version"), env!("CARGO_PKG_VERSION"));
    assert!(!prop("backends").is_empty());
    assert_eq!(prop("kind"), "signature");
    let fixture = std::fs::read(root_path("cli/tests/fixtures/report/hostile.json")).unwrap();
    assert_eq!(prop("sha256"), sha256_hex(&fixture));
    let names: Vec<_> = hostile
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| n.attribute("name").unwrap())
        .collect();
    assert!(
        names[0].starts_with("tcId=1 (<script>window.__pwned = 1</script>"),
        "{names:?}"
    );
    assert!(
        names[0].contains("\\u{7}\\u{1b}[31m\\u{202e}gnp.exe"),
        "{names:?}"
    );
    let failure = hostile
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("expected valid, got invalid (crypto.algorithm.forbidden)")
    );
    // A failure says how the case ran: its inputs and context.
    let body = failure.text().unwrap();
    assert!(body.contains("\n  context.algorithm "), "{body}");
    assert!(body.contains("\n  outcome "), "{body}");

    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("data-passed=\"1\" data-failed=\"5\""));
    assert!(html.contains(&sha256_hex(&fixture)));
    assert!(!html.contains("<script") && !html.contains("<img"));
    assert!(html.contains("&lt;script&gt;window.__pwned = 1&lt;/script&gt;"));
    assert!(!html.contains('\u{202e}') && !html.contains('\u{1b}'));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn report_misuse_is_a_usage_error_before_anything_runs() {
    let dir = temp_dir("report-misuse");
    let unwritable = dir.join("no/such/dir/r.xml");
    let ok = dir.join("r.html");
    for args in [
        vec![
            "vectors",
            "--report",
            "pdf",
            ok.to_str().unwrap(),
            "test-vectors/signature",
        ],
        vec![
            "vectors",
            "--report",
            "html",
            ok.to_str().unwrap(),
            "--report",
            "junit",
            unwritable.to_str().unwrap(),
            "test-vectors/signature",
        ],
        vec!["vectors", "--report", "junit"],
    ] {
        let (code, out, err) = idbridge(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(out.is_empty(), "{args:?} ran: {out}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn root_path(p: &str) -> PathBuf {
    root().join(p)
}

fn sha256_hex(bytes: &[u8]) -> String {
    idbridge::crypto::HashAlg::Sha256
        .digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn vectors_readme() -> String {
    std::fs::read_to_string(root_path("test-vectors/README.md")).unwrap()
}

/// test-vectors/README.md lists exactly the library's error codes: every
/// code once, and nothing the library does not return.
#[test]
fn the_vectors_readme_lists_exactly_the_error_codes() {
    let readme = vectors_readme();
    let table = readme
        .split("\n## Error codes\n")
        .nth(1)
        .expect("an Error codes section");
    let table = table.split("\n## ").next().unwrap();
    let listed: Vec<&str> = table
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once("` |").map(|(code, _)| code))
        .collect();
    let mut unique = listed.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), listed.len(), "a code is listed twice");
    let mut known: Vec<&str> = idbridge::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    known.sort_unstable();
    assert_eq!(
        unique, known,
        "the README's table is not the library's list"
    );
}

/// The README is the contract for whoever clones the repository: it sends
/// no reader to a document outside it.
#[test]
fn the_vectors_readme_stands_alone() {
    let readme = vectors_readme();
    assert!(
        !readme.contains("VECTORS.md"),
        "the README sends readers to VECTORS.md"
    );
    for section in [
        "## The format",
        "### Identity fields",
        "## The runner",
        "## Replaying a case by hand",
        "## Error codes",
    ] {
        assert!(readme.contains(&format!("\n{section}\n")), "{section}");
    }
}

/// The README's replay example is what `--tc N --explain` prints for those
/// cases (so the two cannot drift apart); the test command runs the block.
#[test]
fn the_vectors_readme_replay_example_is_the_runners_replay_line() {
    let readme = vectors_readme();
    let section = readme
        .split("\n## Replaying a case by hand\n")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    let prefix = "cargo run --release -q -p idbridge-cli -- ";
    let shown: Vec<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .filter(|l| l.starts_with("verify "))
        .collect();
    assert_eq!(shown.len(), 2, "{section}");
    for ((file, tc), line) in [
        ("test-vectors/webeid/signature.json", "1"),
        ("test-vectors/spid/valid.json", "1"),
    ]
    .into_iter()
    .zip(shown)
    {
        let replay = replay_of(file, tc);
        assert_eq!(replay.join(" "), line, "{file} tcId {tc}");
    }
}

/// A member of one of our generated oidc-id-token inputs, written alone to a
/// temporary file.
fn token_file(dir: &str, input: &str, member: &str) -> PathBuf {
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root_path(input)).unwrap()).unwrap();
    let d = temp_dir(dir);
    let f = d.join(format!("{member}.jwt"));
    std::fs::write(&f, format!("{}\n", doc[member].as_str().unwrap())).unwrap();
    f
}

#[test]
fn inspect_jwt_prints_header_and_claims_marked_unverified() {
    let f = token_file(
        "inspect-jws",
        "test-vectors/oidc-id-token/tokens/valid-es256.json",
        "id_token",
    );
    let (code, out, _) = idbridge(&["inspect", "jwt", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let (first, json) = out.split_once('\n').unwrap();
    assert!(first.starts_with("UNVERIFIED:"), "{out}");
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["verified"], false);
    assert_eq!(v["type"], "JWS");
    assert_eq!(v["header"]["alg"], "ES256");
    assert_eq!(v["header"]["kid"], "op-sig-ec256-1");
    assert_eq!(v["claims"]["iss"], "https://op.idbridge.test/");
    assert_eq!(v["signature_bytes"], 64);
}

#[test]
fn inspect_jwt_shows_only_the_header_of_a_jwe() {
    let f = token_file(
        "inspect-jwe",
        "test-vectors/oidc-id-token/tokens/ui-ecdh-es-a256kw-a256gcm.json",
        "userinfo",
    );
    let (code, out, _) = idbridge(&["inspect", "jwt", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(out.split_once('\n').unwrap().1).unwrap();
    assert_eq!(v["verified"], false);
    assert_eq!(v["type"], "JWE");
    assert_eq!(v["header"]["alg"], "ECDH-ES+A256KW");
    assert_eq!(v["header"]["enc"], "A256GCM");
    assert_eq!(v["header"]["epk"]["crv"], "P-256");
    assert!(v.get("claims").is_none(), "{out}");
    assert!(!out.contains("fiscalNumber"), "{out}");
}

#[test]
fn inspect_jwt_refuses_what_is_no_compact_jwt() {
    let d = temp_dir("inspect-bad");
    for (name, text, want) in [
        (
            "two.jwt",
            "eyJhbGciOiJub25lIn0.e30",
            "error: jws.malformed:",
        ),
        (
            "pad.jwt",
            "eyJhbGciOiJub25lIn0=.e30.",
            "error: jws.malformed:",
        ),
        ("array.jwt", "WzFd.e30.", "error: jws.malformed:"),
        ("jwe.jwt", "bm9wZQ.a.b.c.d", "error: jwe.malformed:"),
    ] {
        let f = d.join(name);
        std::fs::write(&f, text).unwrap();
        let (code, out, _) = idbridge(&["inspect", "jwt", f.to_str().unwrap()]);
        assert_eq!(code, 1, "{name}: {out}");
        assert!(out.starts_with(want), "{name}: {out}");
        assert!(!out.contains("UNVERIFIED"), "{name}: {out}");
    }
    let big = d.join("big.jwt");
    std::fs::write(&big, "a".repeat(300 * 1024)).unwrap();
    let (code, out, _) = idbridge(&["inspect", "jwt", big.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("error: input.too_large:"), "{out}");
    let (code, _, err) = idbridge(&["inspect", "jwt", "no/such/file.jwt"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("idbridge: cannot read no/such/file.jwt"),
        "{err}"
    );
}

#[test]
fn inspect_jwt_reads_standard_input() {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_idbridge"))
        .args(["inspect", "jwt", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // {"alg":"RS256"}.{"sub":"s"}.sig
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"  eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzIn0.c2ln\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(out.contains("\"sub\": \"s\""), "{out}");
}

const CHAINS: &str = "test-vectors/oidc-trust-chain";

fn verify_chain(chain: &str, extra: &[&str]) -> (i32, String, String) {
    let file = format!("{CHAINS}/chains/{chain}.json");
    let ta = format!("{CHAINS}/jwks/ta.jwks.json");
    let mut args = vec![
        "verify",
        "oidc-chain",
        "--chain",
        &file,
        "--anchor",
        "https://ta.idbridge.test/",
        &ta,
        "--now",
        "2026-01-15T10:00:00Z",
    ];
    args.extend_from_slice(extra);
    idbridge(&args)
}

#[test]
fn verify_oidc_chain_prints_the_resolved_chain_or_the_code() {
    let (code, out, err) = verify_chain(
        "valid-4-one-intermediate",
        &["--entity-type", "openid_provider"],
    );
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["subject"], "https://op.idbridge.test/");
    assert_eq!(v["trust_anchor"], "https://ta.idbridge.test/");
    assert_eq!(v["expires_at"], "2026-01-16T10:00:00Z");
    assert_eq!(v["statements"], 4);
    assert_eq!(
        v["metadata"]["openid_provider"]["issuer"],
        "https://op.idbridge.test/"
    );
    assert_eq!(v["trust_marks"], serde_json::json!([]));

    // One code per refusal, exit 1: the vectors' expectations.
    for (chain, extra, want) in [
        ("es-kid-unknown", &[][..], "jws.key.untrusted"),
        ("es-alg-none", &[][..], "jws.algorithm.forbidden"),
        ("exp-now-es", &[][..], "oidcfed.statement.expired"),
        (
            "valid-rp-leaf",
            &["--entity-type", "openid_provider"][..],
            "oidcfed.metadata.missing",
        ),
        (
            "valid-4-one-intermediate",
            &["--max-path-length", "0"][..],
            "oidcfed.path_length.exceeded",
        ),
        ("merge-value-conflict", &[][..], "oidcfed.policy.conflict"),
    ] {
        let (code, out, _) = verify_chain(chain, extra);
        assert_eq!(code, 1, "{chain}: {out}");
        assert!(
            out.starts_with(&format!("error: {want}: ")),
            "{chain}: {out}"
        );
    }
    // The wrong clock: the same valid chain a day later.
    let file = format!("{CHAINS}/chains/valid-3.json");
    let ta = format!("{CHAINS}/jwks/ta.jwks.json");
    let (code, out, _) = idbridge(&[
        "verify",
        "oidc-chain",
        "--chain",
        &file,
        "--anchor",
        "https://ta.idbridge.test/",
        &ta,
        "--now",
        "2026-01-16T10:00:00Z",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("error: oidcfed.statement.expired: "),
        "{out}"
    );
}

#[test]
fn verify_oidc_chain_trust_marks_and_http() {
    let tmi = format!("{CHAINS}/jwks/tmi.jwks.json");
    let public = "https://tm.idbridge.test/openid_provider/public/";
    let (code, out, err) = verify_chain(
        "tm-tmi-required",
        &[
            "--trust-mark-issuer",
            "https://tmi.idbridge.test/",
            &tmi,
            "--require-trust-mark",
            public,
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["trust_marks"][0]["trust_mark_type"], public);
    assert_eq!(v["trust_marks"][0]["issuer"], "https://tmi.idbridge.test/");
    // Without the issuer's keys the required mark is untrusted.
    let (code, out, _) = verify_chain("tm-tmi-required", &["--require-trust-mark", public]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("error: oidcfed.trust_mark_issuer.untrusted: "),
        "{out}"
    );

    let file = format!("{CHAINS}/chains/http-allowed.json");
    let ta = format!("{CHAINS}/jwks/httpta.jwks.json");
    let base = [
        "verify",
        "oidc-chain",
        "--chain",
        &file,
        "--anchor",
        "http://127.0.0.1:8000/",
        &ta,
        "--now",
        "2026-01-15T10:00:00Z",
    ];
    let (code, out, _) = idbridge(&base);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("error: oidcfed.entity_id.invalid: "),
        "{out}"
    );
    let mut with_http = base.to_vec();
    with_http.push("--allow-http");
    let (code, out, _) = idbridge(&with_http);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn verify_oidc_chain_usage_errors_exit_2() {
    let ta = format!("{CHAINS}/jwks/ta.jwks.json");
    for args in [
        vec![
            "verify",
            "oidc-chain",
            "--chain",
            "no/such/chain.json",
            "--anchor",
            "https://ta.idbridge.test/",
            ta.as_str(),
        ],
        vec![
            "verify",
            "oidc-chain",
            "--chain",
            "test-vectors/oidc-trust-chain/chains/valid-3.json",
            "--anchor",
            "https://ta.idbridge.test/",
            "no/such.jwks",
        ],
        vec![
            "verify",
            "oidc-chain",
            "--chain",
            "test-vectors/oidc-trust-chain/chains/valid-3.json",
        ],
    ] {
        let (code, _, err) = idbridge(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
    }
    // A JWK Set that is no JWK Set is the trust material's refusal (exit 1), as for SAML metadata.
    let (code, out, _) = idbridge(&[
        "verify",
        "oidc-chain",
        "--chain",
        "test-vectors/oidc-trust-chain/chains/valid-3.json",
        "--anchor",
        "https://ta.idbridge.test/",
        "test-vectors/oidc-trust-chain/chains/valid-3.json",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("error: "), "{out}");
}

const TOKENS: &str = "test-vectors/oidc-id-token";

fn verify_id_token(input: &str, key: &str, extra: &[&str]) -> (i32, String, String) {
    let file = format!("{TOKENS}/tokens/{input}.json");
    let jwks = format!("{TOKENS}/keys/op.jwks.json");
    let rp_key = format!("{TOKENS}/keys/{key}.jwk.json");
    let mut args = vec![
        "verify",
        "id-token",
        "--response",
        &file,
        "--op-jwks",
        &jwks,
        "--rp-key",
        &rp_key,
        "--client-id",
        "https://rp.idbridge.test/",
        "--issuer",
        "https://op.idbridge.test/",
        "--nonce",
        "idbridge-TEST-nonce-5q8Kx2Lm9Pz4Rt7Vw1Yb",
        "--now",
        "2026-01-15T10:00:00Z",
    ];
    args.extend_from_slice(extra);
    idbridge(&args)
}

#[test]
fn verify_id_token_prints_the_identity_or_the_code() {
    let (code, out, err) = verify_id_token("ui-ecdh-es-a128kw-a192gcm", "rp-enc-p256", &[]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["identity"]["subject_id"], "TINIT-RSSMRA80A01H501U");
    assert_eq!(v["identity"]["family_name"], "Rossi");
    assert_eq!(v["level"], "SpidL2");
    assert_eq!(v["id_token_alg"], "RS256");
    assert_eq!(v["at_hash_checked"], true);
    assert_eq!(v["userinfo"]["jwe_alg"], "ECDH-ES+A128KW");
    assert_eq!(v["userinfo"]["jwe_enc"], "A192GCM");

    // The ID token alone (no UserInfo): issuer, level and the pairwise sub.
    let (code, out, _) = verify_id_token("valid-ps384", "rp-enc-rsa", &[]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["id_token_alg"], "PS384");
    assert_eq!(v["userinfo"], serde_json::Value::Null);
    assert_eq!(v["identity"]["issuer"], "https://op.idbridge.test/");

    for (input, key, extra, want) in [
        ("nonce-other", "rp-enc-rsa", &[][..], "oidc.nonce.mismatch"),
        (
            "alg-hs256-public-key",
            "rp-enc-rsa",
            &[][..],
            "jws.algorithm.forbidden",
        ),
        ("acr-l1", "rp-enc-rsa", &[][..], "oidc.acr.insufficient"),
        ("acr-l1", "rp-enc-rsa", &["--min-level", "SpidL1"][..], ""),
        (
            "exp-30s-ago-no-skew",
            "rp-enc-rsa",
            &[][..],
            "oidc.time.expired",
        ),
        (
            "exp-30s-ago-no-skew",
            "rp-enc-rsa",
            &["--clock-skew", "60"][..],
            "",
        ),
        (
            "ui-other-rp-key",
            "rp-enc-rsa",
            &[][..],
            "jwe.decryption.failed",
        ),
        (
            "ui-rsa-oaep-a128gcm",
            "rp-enc-p256",
            &[][..],
            "jwe.decryption.failed",
        ),
        (
            "ui-sub-other",
            "rp-enc-rsa",
            &[][..],
            "oidc.subject.mismatch",
        ),
        (
            "ui-plain-jws",
            "rp-enc-rsa",
            &[][..],
            "oidc.userinfo.not_encrypted",
        ),
    ] {
        let (code, out, _) = verify_id_token(input, key, extra);
        if want.is_empty() {
            assert_eq!(code, 0, "{input}: {out}");
        } else {
            assert_eq!(code, 1, "{input}: {out}");
            assert!(
                out.starts_with(&format!("error: {want}: ")),
                "{input}: {out}"
            );
        }
    }
    let (code, out, _) = verify_id_token("valid-rs256", "rp-enc-rsa", &["--cie"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\"system\": \"cie\""), "{out}");
}

#[test]
fn verify_id_token_takes_the_userinfo_body_apart() {
    // The UserInfo body as the UserInfo endpoint returned it, next to a
    // token response without one.
    let doc: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root_path(
            "test-vectors/oidc-id-token/tokens/ui-rsa-oaep-256-a256cbc-hs512.json",
        ))
        .unwrap(),
    )
    .unwrap();
    let d = temp_dir("id-token-userinfo");
    let tokens = d.join("tokens.json");
    let body = d.join("userinfo.jwe");
    std::fs::write(
        &tokens,
        serde_json::json!({"id_token": doc["id_token"], "access_token": doc["access_token"], "token_type": "Bearer"}).to_string(),
    )
    .unwrap();
    std::fs::write(&body, format!("{}\n", doc["userinfo"].as_str().unwrap())).unwrap();
    let jwks = format!("{TOKENS}/keys/op.jwks.json");
    let rp_key = format!("{TOKENS}/keys/rp-enc-rsa.jwk.json");
    let base = [
        "verify",
        "id-token",
        "--response",
        tokens.to_str().unwrap(),
        "--userinfo",
        body.to_str().unwrap(),
        "--op-jwks",
        &jwks,
        "--client-id",
        "https://rp.idbridge.test/",
        "--issuer",
        "https://op.idbridge.test/",
        "--nonce",
        "idbridge-TEST-nonce-5q8Kx2Lm9Pz4Rt7Vw1Yb",
        "--now",
        "2026-01-15T10:00:00Z",
    ];
    let mut with_key = base.to_vec();
    with_key.extend(["--rp-key", rp_key.as_str()]);
    let (code, out, err) = idbridge(&with_key);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("\"jwe_alg\": \"RSA-OAEP-256\""), "{out}");
    assert!(out.contains("TINIT-RSSMRA80A01H501U"), "{out}");
    // No decryption key: refused, never skipped.
    let (code, out, _) = idbridge(&base);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("error: "), "{out}");
    // Usage errors: a missing file, an unknown level, UserInfo twice.
    let (code, _, _) = idbridge(&[&with_key[..], &["--min-level", "SpidL9"]].concat());
    assert_eq!(code, 2);
    let mut twice = with_key.clone();
    let full = format!("{TOKENS}/tokens/ui-rsa-oaep-256-a256cbc-hs512.json");
    twice[3] = &full;
    let (code, _, err) = idbridge(&twice);
    assert_eq!(code, 2, "{err}");
    let mut missing = with_key.clone();
    missing[5] = "no/such/userinfo.jwe";
    let (code, _, err) = idbridge(&missing);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_replay_line_reproduces_oidc_cases_under_idbridge_verify() {
    for (file, tc, want) in [
        // valid-3 (a chain), with its identity.
        (
            "test-vectors/oidc-trust-chain/chains.json",
            "2",
            "\"subject\": \"https://op.idbridge.test/\"",
        ),
        // allow_http in the case's context.
        (
            "test-vectors/oidc-trust-chain/chains.json",
            "49",
            "\"subject\": \"http://127.0.0.1:8000/oidc/op/\"",
        ),
        // a required trust mark with the issuer's keys.
        (
            "test-vectors/oidc-trust-chain/trust-marks.json",
            "1",
            "\"trust_mark_type\"",
        ),
        // a UserInfo over RSA-OAEP, with the RP's key.
        (
            "test-vectors/oidc-id-token/userinfo-rsa-oaep.json",
            "1",
            "TINIT-RSSMRA80A01H501U",
        ),
        // clock_skew_seconds in the case's context.
        (
            "test-vectors/oidc-id-token/claims.json",
            "23",
            "\"level\": \"SpidL2\"",
        ),
    ] {
        let args = replay_of(file, tc);
        assert!(
            args[0] == "verify" && (args[1] == "oidc-chain" || args[1] == "id-token"),
            "{args:?}"
        );
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = idbridge(&args);
        assert_eq!(code, 0, "{file} {tc}: {args:?}: {out}{err}");
        assert!(out.contains(want), "{file} {tc}: {out}");
    }
    for (file, tc, want) in [
        (
            "test-vectors/oidc-trust-chain/policy.json",
            "10",
            "oidcfed.policy.violation",
        ),
        (
            "test-vectors/oidc-trust-chain/chains.json",
            "8",
            "oidcfed.metadata.missing",
        ),
        (
            "test-vectors/oidc-id-token/userinfo-jwe.json",
            "7",
            "jwe.decryption.failed",
        ),
        (
            "test-vectors/oidc-id-token/claims.json",
            "2",
            "oidc.claim.missing",
        ),
    ] {
        let args = replay_of(file, tc);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, _) = idbridge(&args);
        assert_eq!(code, 1, "{file} {tc}: {args:?}: {out}");
        assert!(
            out.contains(&format!("error: {want}: ")),
            "{file} {tc}: {out}"
        );
    }
}

const SDJWT: &str = "test-vectors/conformance/sd-jwt-vc/upstream/own";

fn verify_sd_jwt(presentation: &str, extra: &[&str]) -> (i32, String, String) {
    let file = format!("{SDJWT}/presentations/{presentation}.txt");
    let issuer = format!("{SDJWT}/keys/issuer.jwks.json");
    let signer = format!("{SDJWT}/keys/status-signer.jwks.json");
    let list = format!("{SDJWT}/status/list-2bit.jwt");
    let mut args = vec![
        "verify",
        "sd-jwt",
        "--presentation",
        &file,
        "--issuer-jwks",
        &issuer,
        "--status-list-jwks",
        &signer,
        "--status-list",
        "https://status.idbridge.test/lists/2",
        &list,
        "--nonce",
        "3f1d2c9a7b8e4f60a1b2c3d4e5f60718293a4b5c",
        "--audience",
        "https://rp.idbridge.test",
        "--now",
        "2026-05-01T00:00:00Z",
    ];
    args.extend_from_slice(extra);
    idbridge(&args)
}

#[test]
fn verify_sd_jwt_prints_the_identity_or_the_code() {
    let (code, out, err) = verify_sd_jwt("status-own-valid", &[]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["identity"]["system"], "sd-jwt-vc");
    assert_eq!(v["identity"]["subject_id"], "TINIT-RSSMRA80A10H501U");
    assert_eq!(v["status"]["state"], "valid");
    assert_eq!(v["key_binding"]["alg"], "ES256");
    for (input, extra, want) in [
        ("status-own-revoked", &[][..], "status.credential.revoked"),
        ("kb-nonce", &[][..], "kb.nonce.mismatch"),
        ("valid-no-kb", &[][..], "kb.missing"),
        (
            "valid-no-kb",
            &["--no-key-binding"][..],
            "status.list.unavailable",
        ),
        (
            "valid-no-kb",
            &["--no-key-binding", "--no-status-check"][..],
            "",
        ),
        (
            "valid-legacy-typ",
            &["--accept-typ", "dc+sd-jwt"][..],
            "sdjwt.typ.unsupported",
        ),
    ] {
        let (code, out, err) = verify_sd_jwt(input, extra);
        if want.is_empty() {
            assert_eq!(code, 0, "{input} {extra:?}: {out}{err}");
        } else {
            assert_eq!(code, 1, "{input} {extra:?}: {out}{err}");
            assert!(
                (out.clone() + &err).contains(&format!("error: {want}:")),
                "{input} {extra:?}: {out}{err}"
            );
        }
    }
}

#[test]
fn inspect_sd_jwt_prints_disclosures_marked_unverified() {
    let p = root_path(
        "test-vectors/conformance/sd-jwt-vc/upstream/own/presentations/status-own-valid.txt",
    );
    let (code, out, _) = idbridge(&["inspect", "sd-jwt", p.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let (first, json) = out.split_once('\n').unwrap();
    assert!(first.starts_with("UNVERIFIED:"), "{out}");
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["verified"], false);
    assert_eq!(v["issuer_jwt"]["header"]["typ"], "dc+sd-jwt");
    let disclosures = v["disclosures"].as_array().unwrap();
    assert_eq!(disclosures.len(), 8);
    assert!(disclosures.iter().all(|d| d["referenced"] == true));
    assert!(disclosures.iter().any(|d| d["name"] == "given_name"));
    assert_eq!(v["kb_jwt"]["header"]["typ"], "kb+jwt");
    let d = temp_dir("inspect-sd-bad");
    let f = d.join("bad.txt");
    std::fs::write(&f, "no tilde here").unwrap();
    let (code, out, _) = idbridge(&["inspect", "sd-jwt", f.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("sdjwt.format.invalid"), "{out}");
}

#[test]
fn verify_sd_jwt_with_issuer_metadata() {
    let d = temp_dir("sd-jwt-metadata");
    let jwks: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root_path(&format!("{SDJWT}/keys/issuer.jwks.json"))).unwrap(),
    )
    .unwrap();
    let file = format!("{SDJWT}/presentations/status-own-valid.txt");
    let signer = format!("{SDJWT}/keys/status-signer.jwks.json");
    let list = format!("{SDJWT}/status/list-2bit.jwt");
    for (issuer, want) in [
        ("https://issuer.idbridge.test", ""),
        ("https://other.idbridge.test", "sdjwt.issuer.mismatch"),
    ] {
        let meta = d.join("jwt-vc-issuer.json");
        std::fs::write(
            &meta,
            serde_json::json!({"issuer": issuer, "jwks": jwks}).to_string(),
        )
        .unwrap();
        let (code, out, err) = idbridge(&[
            "verify",
            "sd-jwt",
            "--presentation",
            &file,
            "--issuer-metadata",
            meta.to_str().unwrap(),
            "--status-list-jwks",
            &signer,
            "--status-list",
            "https://status.idbridge.test/lists/2",
            &list,
            "--nonce",
            "3f1d2c9a7b8e4f60a1b2c3d4e5f60718293a4b5c",
            "--audience",
            "https://rp.idbridge.test",
            "--now",
            "2026-05-01T00:00:00Z",
        ]);
        if want.is_empty() {
            assert_eq!(code, 0, "{issuer}: {out}{err}");
        } else {
            assert_eq!(code, 1, "{issuer}: {out}{err}");
            assert!((out + &err).contains(&format!("error: {want}:")));
        }
    }
}

const MID: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../test-vectors/conformance/mobile-id/upstream"
);
const MID_HASH: &str =
    "XN1Ej7bys/MlbZlDBN3GoRFv6JOJbm8/mLwulZlZQBIF/TYVsHDJiOCGx2yVaxiXbbrNmRQJcgR0AhZtTfFigQ==";

fn verify_mobile_id(response: &str, extra: &[&str]) -> (i32, String, String) {
    let file = format!("{MID}/{response}.json");
    let ca = format!("{MID}/TEST_of_ESTEID-SK_2015.pem.crt");
    let mut args = vec![
        "verify",
        "mobile-id",
        "--response",
        &file,
        "--anchors",
        &ca,
        "--signed-hash",
        MID_HASH,
        "--hash-type",
        "SHA512",
        "--now",
        "2025-09-01T10:00:00Z",
    ];
    args.extend_from_slice(extra);
    idbridge(&args)
}

#[test]
fn verify_mobile_id_prints_the_identity_or_the_code() {
    let (code, out, err) = verify_mobile_id("valid1", &[]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["identity"]["subject_id"], "PNOEE-60001019906");
    assert_eq!(v["identity"]["system"], "mobile-id");
    assert_eq!(v["hash_type"], "SHA512");
    assert_eq!(v["verification_code"].as_str().unwrap().len(), 4);
    for (file, code_str) in [
        ("valid1_running", "mobileid.session.not_complete"),
        ("valid1_user_cancelled", "mobileid.result.not_ok"),
        ("zero_sig", "mobileid.signature.invalid"),
    ] {
        let (code, out, _) = verify_mobile_id(file, &[]);
        assert_eq!(code, 1, "{file}");
        assert!(out.starts_with(&format!("error: {code_str}: ")), "{out}");
    }
    // A flag given twice is a usage error.
    let (code, out, _) = verify_mobile_id("valid1", &["--hash-type", "SHA256"]);
    assert_eq!(code, 2, "{out}");
    // A file that cannot be read is a usage error.
    let (code, _, _) = verify_mobile_id("no-such-file", &[]);
    assert_eq!(code, 2);
}

const SID: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../test-vectors/conformance/smart-id/upstream"
);

fn verify_smart_id(response: &str, extra: &[&str]) -> (i32, String, String) {
    let file = format!("{SID}/{response}.json");
    let ca = format!("{SID}/own_TEST_SmartID_CA.der");
    let mut args = vec![
        "verify",
        "smart-id",
        "--response",
        &file,
        "--anchors",
        &ca,
        "--rp-challenge",
        "xnjZ3irCUODkqHtNT74/Irw2ZHW/Lv8sG/b5HS+L9lKffM2SWmsY9k4g2gcwVg6aN3DAj54ciyLff+ilTwIVCA==",
        "--rp-name",
        "DEMO",
        "--interactions",
        "W3sidHlwZSI6ImRpc3BsYXlUZXh0QW5kUElOIiwiZGlzcGxheVRleHQ2MCI6IkxvZyBpbiB0byBpZGJyaWRnZT8ifV0=",
        "--initial-callback-url",
        "https://rp.example.org/callback?value=Zm9v",
        "--now",
        "2025-09-01T10:00:00Z",
    ];
    args.extend_from_slice(extra);
    idbridge(&args)
}

#[test]
fn verify_smart_id_prints_the_identity_or_the_code() {
    let (code, out, err) = verify_smart_id("acsp_qr_sha3_512", &[]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["identity"]["subject_id"], "PNOEE-40504040001");
    assert_eq!(v["identity"]["system"], "smart-id");
    assert_eq!(v["level"], "QUALIFIED");
    assert_eq!(v["flow_type"], "QR");
    let verifier = [
        "--user-challenge-verifier",
        "idbridge-user-challenge-verifier-0000000000",
    ];
    let (code, out, err) = verify_smart_id("acsp_web2app_sha512", &verifier);
    assert_eq!(code, 0, "{out}{err}");
    for (file, code_str) in [
        ("acsp_qr_running", "smartid.session.not_complete"),
        ("acsp_qr_user_refused", "smartid.result.not_ok"),
        ("acsp_qr_sig_flipped", "smartid.signature.invalid"),
        ("acsp_web2app_sha512", "smartid.user_challenge.mismatch"),
    ] {
        let (code, out, _) = verify_smart_id(file, &[]);
        assert_eq!(code, 1, "{file}");
        assert!(out.starts_with(&format!("error: {code_str}: ")), "{out}");
    }
    // RAW_DIGEST_SIGNATURE without the signed data is a usage error.
    let (code, _, _) = verify_smart_id(
        "sk_raw_digest_rsa6144",
        &["--protocol", "RAW_DIGEST_SIGNATURE"],
    );
    assert_eq!(code, 2);
    let (code, _, _) = verify_smart_id("no-such-file", &[]);
    assert_eq!(code, 2);
}

const MDOC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../test-vectors/conformance/mdoc/upstream"
);

fn verify_mdoc(response: &str, extra: &[&str]) -> (i32, String, String) {
    let file = format!("{MDOC}/own/responses/{response}");
    idbridge(&refs(&mdoc_args(&file, extra)))
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// `verify mdoc` of the response file `file` with the request of the
/// imported suite's own responses, then `extra`.
fn mdoc_args(file: &str, extra: &[&str]) -> Vec<String> {
    let iaca = format!("{MDOC}/own/certs/iaca-p256.pem");
    let mut args = vec![
        "verify",
        "mdoc",
        "--response",
        file,
        "--anchors",
        &iaca,
        "--doctype",
        "eu.europa.ec.eudi.pid.1",
        "--handover",
        "openid4vp",
        "--client-id",
        "x509_san_dns:example.com",
        "--nonce",
        "exc7gBkxjx1rdc9udRrveKvSsJIq80avlXeLHhGwqtA",
        "--response-uri",
        "https://example.com/response",
        "--jwk-thumbprint",
        "QoPsknrg8gjaqi0CaoFPKyLcpSz4X_qPP4Ymxr1mkEc",
        "--now",
        "2026-05-01T00:00:00Z",
    ];
    args.extend_from_slice(extra);
    args.iter().map(|s| s.to_string()).collect()
}

#[test]
fn verify_mdoc_prints_the_identity_or_the_code() {
    let (code, out, err) = verify_mdoc("valid-pid-full.b64u", &[]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["identity"]["system"], "mdoc");
    assert_eq!(v["identity"]["subject_id"], "TINIT-RSSMRA80A10H501U");
    assert_eq!(v["doc_types"][0], "eu.europa.ec.eudi.pid.1");
    for (file, code_str) in [
        ("pid-thumbprint-null.b64u", "mdoc.device_signature.invalid"),
        ("pid-item-tampered.b64u", "mdoc.digest.mismatch"),
        ("cbor-duplicate-key-outer.b64u", "cbor.invalid"),
    ] {
        let (code, out, _) = verify_mdoc(file, &[]);
        assert_eq!(code, 1, "{file}");
        assert!(out.starts_with(&format!("error: {code_str}: ")), "{out}");
    }
    // A handover without its values, or an unreadable file: usage errors.
    let (code, out, _) = verify_mdoc("valid-pid-full.b64u", &["--handover", "openid4vp-dc-api"]);
    assert_eq!(code, 2, "{out}");
    let (code, _, _) = verify_mdoc("no-such-file", &[]);
    assert_eq!(code, 2);
}

#[test]
fn inspect_cbor_prints_diagnostic_notation_marked_unverified() {
    let f = format!("{MDOC}/own/responses/valid-pid-full.b64u");
    let (code, out, _) = idbridge(&["inspect", "cbor", &f]);
    assert_eq!(code, 0, "{out}");
    let mut lines = out.lines();
    assert!(lines.next().unwrap().starts_with("UNVERIFIED: "));
    let diag = lines.next().unwrap();
    assert!(diag.starts_with("{\"version\": \"1.0\""), "{diag}");
    // The items and the MSO are shown decoded.
    assert!(diag.contains("24(<<{"), "{diag}");
    assert!(
        diag.contains("\"validityInfo\": {\"signed\": 0(\"2026-04-01T00:00:00Z\")"),
        "{diag}"
    );
    let f = format!("{MDOC}/own/responses/cbor-indefinite-outer-map.b64u");
    let (code, out, _) = idbridge(&["inspect", "cbor", &f]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("error: cbor.serialization.invalid: "),
        "{out}"
    );
}

const ICAO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../test-vectors/conformance/icao-sod/upstream"
);

fn verify_icao_sod(bundle: &str, extra: &[&str]) -> (i32, String, String) {
    let file = format!("{ICAO}/bundles/{bundle}.json");
    let mut args = vec![
        "verify".to_string(),
        "icao-sod".into(),
        "--input".into(),
        file,
        "--now".into(),
        "2025-09-01T00:00:00Z".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    idbridge(&refs)
}

#[test]
fn verify_icao_sod_prints_the_identity_or_the_code() {
    let ds = format!("{ICAO}/cie_DS_00019_TEST.der");
    let (code, out, err) = verify_icao_sod("mrtd-dg1-dg11", &["--document-signers", &ds]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["identity"]["subject_id"], "TINIT-RSSMRA95A58H501Z");
    assert_eq!(v["identity"]["system"], "cie-chip");
    assert_eq!(v["verified_data_groups"], serde_json::json!([1, 11]));
    let (code, out, _) = verify_icao_sod(
        "ias-nis-kpub",
        &["--document-signers", &ds, "--lds-profile", "cie-ias"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("315222012803"), "{out}");
    let csca = format!("{ICAO}/cie-chip/CSCA04.cer");
    let (code, out, _) = verify_icao_sod("prod-sod-only", &["--csca", &csca]);
    assert_eq!(code, 0, "{out}");
    for (bundle, trust, code_str) in [
        ("mrtd-dg1-name-changed", &ds, "icao.dg_hash.mismatch"),
        ("mrtd-sig-flipped", &ds, "icao.signature.invalid"),
        ("mrtd-dg1-dg11", &csca, "x509.chain.untrusted"),
    ] {
        let flag = if trust == &ds {
            "--document-signers"
        } else {
            "--csca"
        };
        let (code, out, _) = verify_icao_sod(bundle, &[flag, trust]);
        assert_eq!(code, 1, "{bundle}");
        assert!(out.starts_with(&format!("error: {code_str}: ")), "{out}");
    }
    // No trust at all, or an unknown profile: usage errors.
    let (code, _, _) = verify_icao_sod("mrtd-dg1", &[]);
    assert_eq!(code, 2);
    let (code, _, _) = verify_icao_sod("mrtd-dg1", &["--csca", &csca, "--lds-profile", "x"]);
    assert_eq!(code, 2);
}

/// `idbridge` with `input` on its standard input.
fn idbridge_stdin(args: &[&str], input: &[u8]) -> (i32, String, String) {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_idbridge"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.write_all(input);
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_trust_file_that_is_empty_or_no_certificate_is_a_usage_error_naming_it() {
    let dir = temp_dir("trust-files");
    let empty = dir.join("empty.pem");
    std::fs::write(&empty, b"").unwrap();
    let blank = dir.join("blank.pem");
    std::fs::write(&blank, b"\n\n").unwrap();
    let junk = dir.join("junk.der");
    std::fs::write(&junk, b"not a certificate at all").unwrap();
    let pem_cut = dir.join("cut.pem");
    std::fs::write(&pem_cut, b"-----BEGIN CERTIFICATE-----\nMIIB\n").unwrap();
    let missing = dir.join("missing.pem");
    let bad_certs = [&empty, &blank, &junk, &pem_cut, &missing];
    let ds = format!("{ICAO}/cie_DS_00019_TEST.der");
    let webeid = |anchor: &str| -> (i32, String, String) {
        idbridge(&[
            "verify",
            "webeid",
            "--token",
            "test-vectors/webeid/tokens/es256.token",
            "--origin",
            "https://rp.idbridge.test",
            "--nonce",
            "n",
            "--anchors",
            anchor,
        ])
    };
    for bad in bad_certs {
        let f = bad.to_str().unwrap();
        let runs: Vec<(&str, (i32, String, String))> = vec![
            (
                "--anchors",
                verify_mdoc("valid-pid-full.b64u", &["--anchors", f]),
            ),
            ("--anchors", verify_mobile_id("valid1", &["--anchors", f])),
            (
                "--anchors",
                verify_smart_id("acsp_qr_sha3_512", &["--anchors", f]),
            ),
            ("--csca", verify_icao_sod("mrtd-dg1-dg11", &["--csca", f])),
            (
                "--document-signers",
                verify_icao_sod("mrtd-dg1-dg11", &["--csca", &ds, "--document-signers", f]),
            ),
            ("--anchors", webeid(f)),
        ];
        for (flag, (code, out, err)) in runs {
            assert_eq!(code, 2, "{flag} {f}: {out}{err}");
            assert!(err.contains(&format!("--{} {f}", &flag[2..])), "{err}");
            assert!(!out.contains("x509.cert.malformed"), "{out}");
        }
    }
    let (code, _, err) = verify_mdoc(
        "valid-pid-full.b64u",
        &["--anchors", junk.to_str().unwrap()],
    );
    assert_eq!(code, 2);
    assert!(err.contains("is not a certificate (PEM or DER)"), "{err}");
    let (code, _, err) = verify_mdoc(
        "valid-pid-full.b64u",
        &["--anchors", empty.to_str().unwrap()],
    );
    assert_eq!(code, 2);
    assert!(err.contains("the file is empty"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn clock_skew_outside_0_to_24_hours_is_a_usage_error() {
    for skew in ["-1", "-86400", "86401", "4294967295", "1e3", "ten"] {
        let (code, out, err) = verify_mdoc("valid-pid-full.b64u", &["--clock-skew", skew]);
        assert_eq!(code, 2, "{skew}: {out}{err}");
        assert!(err.contains("--clock-skew"), "{err}");
        assert!(err.contains("0 to 86400"), "{err}");
    }
    for skew in ["0", "300", "86400"] {
        let (code, out, err) = verify_mdoc("valid-pid-full.b64u", &["--clock-skew", skew]);
        assert_eq!(code, 0, "{skew}: {out}{err}");
    }
    let (code, _, err) = verify_sd_jwt("status-own-valid", &["--clock-skew", "90000"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn text_inputs_verify_the_same_with_a_final_newline_and_from_stdin() {
    let dir = temp_dir("final-newline");
    let b64u = std::fs::read(format!("{MDOC}/own/responses/valid-pid-full.b64u")).unwrap();
    for (name, end) in [("lf", &b"\n"[..]), ("crlf", b"\r\n"), ("two", b"\n\n")] {
        let f = dir.join(format!("{name}.b64u"));
        let mut bytes = b64u.clone();
        bytes.extend_from_slice(end);
        std::fs::write(&f, &bytes).unwrap();
        let (code, out, err) = idbridge(&refs(&mdoc_args(f.to_str().unwrap(), &[])));
        assert_eq!(code, 0, "{name}: {out}{err}");
        // The same from standard input.
        let (code, out, err) = idbridge_stdin(&refs(&mdoc_args("-", &[])), &bytes);
        assert_eq!(code, 0, "stdin {name}: {out}{err}");
        assert!(out.contains("TINIT-RSSMRA80A10H501U"), "{out}");
    }
    // Whitespace inside the value stays an error.
    let mut inner = b64u.clone();
    inner.insert(10, b'\n');
    let f = dir.join("inner.b64u");
    std::fs::write(&f, &inner).unwrap();
    let (code, out, _) = idbridge(&refs(&mdoc_args(f.to_str().unwrap(), &[])));
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("error: input.encoding: "), "{out}");
    // JSON inputs: Mobile-ID, Smart-ID, ICAO.
    let crlf = |src: &str, name: &str| -> String {
        let mut bytes = std::fs::read(src).unwrap();
        bytes.extend_from_slice(b"\r\n");
        let f = dir.join(name);
        std::fs::write(&f, bytes).unwrap();
        f.to_str().unwrap().to_string()
    };
    let mid = crlf(&format!("{MID}/valid1.json"), "mid.json");
    let (code, out, err) = verify_mobile_id("valid1", &[]);
    assert_eq!(code, 0, "{out}{err}");
    let mid_args: Vec<String> = [
        "verify",
        "mobile-id",
        "--response",
        &mid,
        "--anchors",
        &format!("{MID}/TEST_of_ESTEID-SK_2015.pem.crt"),
        "--signed-hash",
        MID_HASH,
        "--hash-type",
        "SHA512",
        "--now",
        "2025-09-01T10:00:00Z",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (code, out, err) = idbridge(&mid_args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0, "{out}{err}");
    let icao = crlf(&format!("{ICAO}/bundles/mrtd-dg1-dg11.json"), "icao.json");
    let (code, out, err) = idbridge(&[
        "verify",
        "icao-sod",
        "--input",
        &icao,
        "--document-signers",
        &format!("{ICAO}/cie_DS_00019_TEST.der"),
        "--now",
        "2025-09-01T00:00:00Z",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    // Standard input goes to one flag only.
    let (code, _, err) = idbridge_stdin(&refs(&mdoc_args("-", &["--anchors", "-"])), &b64u);
    assert_eq!(code, 2, "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn mdoc_handover_values_are_checked_against_the_kind() {
    // A thumbprint that is empty, "null" or not 32 bytes: usage errors.
    for t in [
        "",
        "null",
        "QoPsknrg8gjaqi0CaoFPKyLcpSz4X_qPP4Ymxr1mk",
        "not base64url!",
    ] {
        let args = mdoc_args(&format!("{MDOC}/own/responses/valid-pid-full.b64u"), &[]);
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if a == "QoPsknrg8gjaqi0CaoFPKyLcpSz4X_qPP4Ymxr1mkEc" {
                    t.to_string()
                } else {
                    a.clone()
                }
            })
            .collect();
        let (code, out, err) = idbridge(&refs(&args));
        assert_eq!(code, 2, "{t:?}: {out}{err}");
        assert!(err.contains("--jwk-thumbprint"), "{err}");
    }
    // A value the handover kind does not use is a usage error, not ignored.
    for extra in [
        &["--origin", "https://example.com"][..],
        &["--mdoc-generated-nonce", "x"],
        &["--session-transcript", "80"],
    ] {
        let (code, out, err) = verify_mdoc("valid-pid-full.b64u", extra);
        assert_eq!(code, 2, "{extra:?}: {out}{err}");
        assert!(
            err.contains(extra[0]) && err.contains("not used by --handover openid4vp"),
            "{err}"
        );
    }
    let (code, _, err) = idbridge(&[
        "verify",
        "mdoc",
        "--response",
        "test-vectors/mdoc/inputs/valid-p256.cbor",
        "--input",
        "cbor",
        "--anchors",
        "test-vectors/mdoc/trust/iaca.pem",
        "--doctype",
        "eu.europa.ec.eudi.pid.1",
        "--handover",
        "session-transcript",
        "--session-transcript",
        "8341a0d81843a10102f6",
        "--nonce",
        "n",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--nonce is not used by --handover session-transcript"),
        "{err}"
    );
}

#[test]
fn verify_mdoc_brainpool_is_an_opt_in() {
    let run = |input: &str, extra: &[&str]| {
        let mut args = vec![
            "verify",
            "mdoc",
            "--response",
            input,
            "--input",
            "cbor",
            "--anchors",
            "test-vectors/mdoc/trust/iaca.pem",
            "--doctype",
            "eu.europa.ec.eudi.pid.1",
            "--handover",
            "session-transcript",
            "--session-transcript",
            "8341a0d81843a10102f6",
            "--now",
            "2026-05-01T00:00:00Z",
        ];
        args.extend_from_slice(extra);
        idbridge(&args)
    };
    for (input, off) in [
        ("bp256-ds-and-device", "mdoc.issuer_key.mismatch"),
        ("bp384-ds-and-device", "mdoc.issuer_key.mismatch"),
        ("p256-ds-bp256-device", "mdoc.mso.malformed"),
    ] {
        let f = format!("test-vectors/mdoc/inputs/{input}.cbor");
        let (code, out, err) = run(&f, &[]);
        assert_eq!(code, 1, "{input}: {out}{err}");
        assert!(
            out.starts_with(&format!("error: {off}: ")),
            "{input}: {out}"
        );
        let (code, out, err) = run(&f, &["--brainpool"]);
        assert_eq!(code, 0, "{input}: {out}{err}");
        assert!(out.contains("\"doc_types\""), "{out}");
    }
    // The switch widens the curves only: a flipped signature still fails.
    let (code, out, _) = run(
        "test-vectors/mdoc/inputs/bp256-ds-sig-flipped.cbor",
        &["--brainpool"],
    );
    assert_eq!(code, 1);
    assert!(
        out.starts_with("error: mdoc.issuer_signature.invalid: "),
        "{out}"
    );
}

#[test]
fn messages_say_what_to_do() {
    // Mobile-ID: a SHA-256 hash sent with --hash-type SHA512.
    let sha256 = "XN1Ej7bys/MlbZlDBN3GoRFv6JOJbm8/mLwulZlZQBI=";
    let (code, out, _) = idbridge(&[
        "verify",
        "mobile-id",
        "--response",
        &format!("{MID}/valid1.json"),
        "--anchors",
        &format!("{MID}/TEST_of_ESTEID-SK_2015.pem.crt"),
        "--signed-hash",
        sha256,
        "--hash-type",
        "SHA512",
        "--now",
        "2025-09-01T10:00:00Z",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("error: mobileid.hash.invalid: "), "{out}");
    assert!(
        out.contains("SHA512") && out.contains("--hash-type SHA256"),
        "{out}"
    );
    // ICAO: the CIE IAS numbers without the cie-ias profile.
    let ds = format!("{ICAO}/cie_DS_00019_TEST.der");
    let (code, out, _) = verify_icao_sod("ias-nis-kpub", &["--document-signers", &ds]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("error: icao.lds.invalid: "), "{out}");
    assert!(out.contains("--lds-profile cie-ias"), "{out}");
    // ICAO: an untrusted chain says it once, in words.
    let csca = format!("{ICAO}/cie-chip/CSCA04.cer");
    let (code, out, _) = verify_icao_sod("mrtd-dg1-dg11", &["--csca", &csca]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out.matches("x509.chain.untrusted").count(), 1, "{out}");
    assert!(!out.contains("UnknownIssuer"), "{out}");
    // mdoc: the docType received, and how to allow deviceMac.
    let (code, out, _) = verify_mdoc(
        "valid-pid-full.b64u",
        &["--doctype", "org.iso.18013.5.1.mDL"],
    );
    assert_eq!(code, 2, "--doctype is given twice: {out}");
    let mut args = mdoc_args(&format!("{MDOC}/own/responses/valid-pid-full.b64u"), &[]);
    let at = args
        .iter()
        .position(|a| a == "eu.europa.ec.eudi.pid.1")
        .unwrap();
    args[at] = "org.iso.18013.5.1.mDL".into();
    let (code, out, _) = idbridge(&refs(&args));
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("error: mdoc.doctype.mismatch: "), "{out}");
    assert!(out.contains("\"eu.europa.ec.eudi.pid.1\""), "{out}");
    let (code, out, _) = idbridge(&[
        "verify",
        "mdoc",
        "--response",
        &format!("{MDOC}/own/responses/valid-pid-proximity-mac.cbor"),
        "--input",
        "cbor",
        "--anchors",
        &format!("{MDOC}/own/certs/iaca-p256.pem"),
        "--doctype",
        "eu.europa.ec.eudi.pid.1",
        "--handover",
        "session-transcript",
        "--session-transcript",
        "80",
        "--now",
        "2026-05-01T00:00:00Z",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("error: mdoc.device_mac.forbidden: "),
        "{out}"
    );
    assert!(out.contains("--reader-key"), "{out}");
}

#[test]
fn smart_id_request_values_are_checked_before_verifying() {
    const GOOD_RP: &str =
        "xnjZ3irCUODkqHtNT74/Irw2ZHW/Lv8sG/b5HS+L9lKffM2SWmsY9k4g2gcwVg6aN3DAj54ciyLff+ilTwIVCA==";
    let with = |from: &str, to: &str| -> (i32, String, String) {
        let file = format!("{SID}/acsp_qr_sha3_512.json");
        let ca = format!("{SID}/own_TEST_SmartID_CA.der");
        let mut args = vec![
            "verify".to_string(),
            "smart-id".into(),
            "--response".into(),
            file,
            "--anchors".into(),
            ca,
            "--rp-challenge".into(),
            GOOD_RP.into(),
            "--rp-name".into(),
            "DEMO".into(),
            "--interactions".into(),
            "W3sidHlwZSI6ImRpc3BsYXlUZXh0QW5kUElOIiwiZGlzcGxheVRleHQ2MCI6IkxvZyBpbiB0byBpZGJyaWRnZT8ifV0=".into(),
            "--now".into(),
            "2025-09-01T10:00:00Z".into(),
        ];
        for a in args.iter_mut() {
            if a == from {
                *a = to.to_string();
            }
        }
        idbridge(&refs(&args))
    };
    let (code, out, err) = with("", "");
    assert_eq!(code, 0, "{out}{err}");
    for (bad, flag) in [
        // Not strict base64: unpadded, URL-safe, whitespace; then the lengths.
        (GOOD_RP.trim_end_matches('='), "--rp-challenge"),
        ("xnjZ3irCUODkqHtNT74_Irw2ZHW_Lv8sG_b5HS-L9lKffM2SWmsY9k4g2gcwVg6aN3DAj54ciyLff-ilTwIVCA==", "--rp-challenge"),
        ("AAAA", "--rp-challenge"),
        (&"QUFB".repeat(22), "--rp-challenge"),
    ] {
        let (code, out, err) = with(GOOD_RP, bad);
        assert_eq!(code, 2, "{bad}: {out}{err}");
        assert!(err.contains(flag), "{err}");
    }
    for bad in [
        "e30=",
        "not base64",
        "W10",
        "eyJ0eXBlIjoiZGlzcGxheVRleHRBbmRQSU4ifQ==",
    ] {
        let (code, out, err) = with(
            "W3sidHlwZSI6ImRpc3BsYXlUZXh0QW5kUElOIiwiZGlzcGxheVRleHQ2MCI6IkxvZyBpbiB0byBpZGJyaWRnZT8ifV0=",
            bad,
        );
        assert_eq!(code, 2, "{bad}: {out}{err}");
        assert!(err.contains("--interactions"), "{err}");
    }
    // A same-device response without the verifier: the same code, and why.
    let (code, out, _) = verify_smart_id("acsp_web2app_sha512", &[]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("error: smartid.user_challenge.mismatch: "),
        "{out}"
    );
    assert!(
        out.contains("none was given") && out.contains("--user-challenge-verifier"),
        "{out}"
    );
    let (code, out, _) = verify_smart_id(
        "acsp_web2app_sha512",
        &["--user-challenge-verifier", "another-verifier"],
    );
    assert_eq!(code, 1);
    assert!(out.contains("does not hash to"), "{out}");
}

/// A Smart-ID case whose `signed_data` is inline: the replay line asks
/// for it as SIGNED_DATA_FILE and a note says what to write there; with
/// those bytes written, the replay gives the case's outcome.
#[test]
fn a_smart_id_replay_with_inline_signed_data_names_its_file() {
    let file = "test-vectors/smart-id/generated.json";
    let (code, out, err) = idbridge(&["vectors", file, "--tc", "54", "--explain"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("SIGNED_DATA_FILE to replay it"), "{out}");
    let mut args = replay_of(file, "54");
    let at = args
        .iter()
        .position(|a| a == "--signed-data=SIGNED_DATA_FILE")
        .expect("--signed-data=SIGNED_DATA_FILE");
    // "other data", the case's base64, written where the note says.
    let dir = std::env::temp_dir().join(format!("idbridge-sid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("signed-data.bin");
    std::fs::write(&data, b"other data").unwrap();
    args[at] = format!("--signed-data={}", data.to_string_lossy());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = idbridge(&refs);
    let _ = std::fs::remove_dir_all(&dir);
    let expected = expected_of(file, 54);
    match expected.as_deref() {
        None => assert_eq!(code, 0, "{out}{err}"),
        Some(e) => assert!(err.contains(e) || out.contains(e), "{e}: {out}{err}"),
    }
}

/// The case's expected error, or None when it is valid.
fn expected_of(file: &str, tc: u64) -> Option<String> {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["testGroups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["tests"].as_array().unwrap().iter())
        .find(|t| t["tcId"].as_u64() == Some(tc))
        .and_then(|t| t["expectedError"].as_str().map(str::to_owned))
}
