//! Runs the repository's vectors (`test-vectors/`) and, when it is present,
//! the public conformance suites (`../shared/vectors/`) through every
//! compiled-in backend, exactly as `idbridge vectors` does.
// These tests read the file system: native only.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::shared;
use idbridge_vectors::{self as vectors, FileReport, FsFiles, Runner, Summary};
use std::path::Path;

/// Public suites whose kind is not implemented yet, skipped BY NAME until
/// the issue that implements the kind removes them from this list. Every
/// other folder of `../shared/vectors/` runs, and a kind that is not
/// implemented fails there, naming the kind.
const NOT_YET_IMPLEMENTED: &[&str] = &[
    "icao-sod", // issue 19: CIE chip / ICAO 9303 passive authentication
];

fn run(dir: &Path) -> (Vec<FileReport>, Summary) {
    let files = FsFiles;
    let runner = Runner::new(&files);
    let paths = vectors::collect(&[dir.to_string_lossy().into_owned()]);
    let reports: Vec<_> = paths.iter().map(|p| runner.run_file(p)).collect();
    let summary = Summary::of(&reports);
    (reports, summary)
}

fn failures(reports: &[FileReport]) -> Vec<String> {
    reports
        .iter()
        .flat_map(|r| r.lines())
        .filter(|l| l.starts_with("FAIL"))
        .collect()
}

#[test]
fn repository_vectors_pass_on_every_backend() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors");
    let (reports, summary) = run(&dir);
    assert_eq!(failures(&reports), Vec::<String>::new());
    let signature: usize = reports
        .iter()
        .filter(|r| r.kind.as_deref() == Some("signature"))
        .map(|r| r.passed())
        .sum();
    assert!(signature >= 60, "only {signature} signature cases");
    // Every case ran on every compiled-in backend.
    let n = idbridge::crypto::backends().len();
    assert!(reports
        .iter()
        .flat_map(|r| &r.cases)
        .all(|c| c.backends.len() == n));
    // The imported public suites (test-vectors/conformance/) ran with the
    // rest, every case of them.
    let conformance = dir.join("conformance");
    let imported: Vec<_> = reports
        .iter()
        .filter(|r| Path::new(&r.path).starts_with(&conformance))
        .collect();
    let imported_cases: usize = imported.iter().map(|r| r.cases.len()).sum();
    let imported_passed: usize = imported.iter().map(|r| r.passed()).sum();
    assert!(imported_cases > 0, "test-vectors/conformance ran no case");
    assert_eq!(imported_passed, imported_cases);
    println!(
        "test-vectors/conformance (the imported public suites): {imported_passed} cases passed"
    );
    println!("{}", summary.closing_line());
}

/// Cases in the vector files under `dir`, by the files' `numberOfTests`.
fn declared_cases(dir: &Path) -> usize {
    vectors::collect(&[dir.to_string_lossy().into_owned()])
        .iter()
        .map(|p| {
            let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
            v["numberOfTests"].as_u64().unwrap() as usize
        })
        .sum()
}

#[test]
fn conformance_holds_every_public_case_of_an_implemented_kind() {
    // test-vectors/import_public.py writes conformance/ from ../shared; a
    // suite whose kind became implemented must be imported (a table edit).
    let test = "conformance_holds_every_public_case_of_an_implemented_kind";
    let Some(public) = shared::path(test, "vectors") else {
        return;
    };
    let conformance = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/conformance");
    let mut want = 0;
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&public).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && !NOT_YET_IMPLEMENTED.contains(&name.as_str()) {
            want += declared_cases(&entry.path());
            names.push(name);
        }
    }
    names.sort();
    let mut have: Vec<String> = std::fs::read_dir(&conformance)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    have.sort();
    assert_eq!(
        have, names,
        "the imported suites are not the implemented ones: re-run test-vectors/import_public.py"
    );
    assert_eq!(declared_cases(&conformance), want);
    println!("conformance: {want} cases, as many as the public suites of implemented kinds");
}

#[test]
fn public_suites_pass() {
    let Some(shared) = shared::path("public_suites_pass", "vectors") else {
        return;
    };
    let mut ran = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&shared).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.path().is_dir() {
            continue;
        }
        if NOT_YET_IMPLEMENTED.contains(&name.as_str()) {
            println!("not yet implemented, skipped by name: shared/vectors/{name}");
            continue;
        }
        let (reports, summary) = run(&entry.path());
        assert_eq!(
            failures(&reports),
            Vec::<String>::new(),
            "shared/vectors/{name}"
        );
        ran += summary.passed;
    }
    println!("public suites: {ran} cases passed");
}

#[test]
fn the_not_yet_implemented_list_names_real_folders() {
    // A stale entry would silently skip nothing; keep the list honest.
    let Some(shared) = shared::path("the_not_yet_implemented_list_names_real_folders", "vectors")
    else {
        return;
    };
    for name in NOT_YET_IMPLEMENTED {
        assert!(
            shared.join(name).is_dir(),
            "{name} is not a folder of shared/vectors"
        );
    }
}

/// Runs this test binary's `public_suites_pass` alone, with `../shared`
/// pointed at a folder that does not exist and `CI` as given.
fn without_shared(ci: Option<&str>) -> std::process::Output {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "public_suites_pass",
        "--exact",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("IDBRIDGE_SHARED_DIR", "/nonexistent/idbridge-shared")
    .env_remove("CI");
    if let Some(v) = ci {
        cmd.env("CI", v);
    }
    cmd.output().unwrap()
}

#[test]
fn a_missing_shared_skips_outside_ci_and_fails_under_ci() {
    // Outside CI: a SKIPPED line, and the test passes.
    let out = without_shared(None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "SKIPPED public_suites_pass: /nonexistent/idbridge-shared/vectors is not here"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
    // CI=false and CI=0 are not CI.
    for v in ["false", "0"] {
        assert!(without_shared(Some(v)).status.success(), "CI={v}");
    }
    // Under CI (CI=true, or any other value): the test fails and says why.
    for v in ["true", "1"] {
        let out = without_shared(Some(v));
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.status.success(), "CI={v}: {all}");
        assert!(
            all.contains("/nonexistent/idbridge-shared/vectors is missing and CI is set"),
            "CI={v}: {all}"
        );
        assert!(!all.contains("SKIPPED"), "CI={v}: {all}");
    }
}
