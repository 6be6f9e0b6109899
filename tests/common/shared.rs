//! The one rule for tests that need `../shared` (the public suites and their
//! data, kept beside the repository): when it is missing, a test prints a
//! `SKIPPED` line and passes, except under CI (`CI` set to anything but
//! `false` or `0`, as CI systems set `CI=true`), where a missing `../shared`
//! fails the run: nothing skips silently in CI.
//!
//! `IDBRIDGE_SHARED_DIR` points at another copy of `shared/` (and lets a test
//! pretend it is missing). Used by the root crate's tests (`mod common;`) and
//! by `cli/tests` (`#[path]`), so every native crate follows the same rule.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The `shared/` folder: `IDBRIDGE_SHARED_DIR`, else `shared/` beside the
/// repository (the first ancestor of this crate holding `test-vectors/`).
pub fn dir() -> PathBuf {
    if let Some(d) = std::env::var_os("IDBRIDGE_SHARED_DIR") {
        return PathBuf::from(d);
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest
        .ancestors()
        .find(|a| a.join("test-vectors").is_dir())
        .unwrap_or(manifest);
    root.join("..").join("shared")
}

/// Whether this run is CI's (`CI` set, and not `false` or `0`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The path of `rel` inside `shared/` when it exists; otherwise the test's
/// SKIPPED line (and `None`), or, under CI, a failure naming what is missing.
pub fn path(test: &str, rel: &str) -> Option<PathBuf> {
    let p = dir().join(rel);
    if p.exists() {
        Some(p)
    } else {
        skip(test, &p);
        None
    }
}

/// The bytes of `rel` inside `shared/`, under the same rule as [`path`].
pub fn read(test: &str, rel: &str) -> Option<Vec<u8>> {
    let p = path(test, rel)?;
    Some(std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
}

/// Reports that `missing` is absent: SKIPPED, or a failure under CI.
pub fn skip(test: &str, missing: &Path) {
    assert!(
        !in_ci(),
        "{test}: {} is missing and CI is set: the tests that need ../shared must run in CI \
         (put shared/ beside the repository or set IDBRIDGE_SHARED_DIR)",
        missing.display()
    );
    println!(
        "SKIPPED {test}: {} is not here (../shared sits beside the repository in CI; \
         IDBRIDGE_SHARED_DIR points elsewhere)",
        missing.display()
    );
}
