//! Embeds the repository's test vectors for the WASM tests (which cannot
//! read files in a browser): writes `$OUT_DIR/embedded_vectors.rs`, a list
//! of (name, bytes) pairs. The library itself embeds nothing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Public suites (beside the repository, in ../shared) whose kind is
/// implemented: embedded when present, so the browser runs them too.
const SHARED_SUITES: &[&str] = &[
    "webeid",
    "spid",
    "oidc-trust-chain",
    "oidc-id-token",
    "sd-jwt-vc",
    "mobile-id",
    "smart-id",
    "mdoc",
];

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            // The generator's sources and the schema are not vector inputs.
            if !matches!(
                path.file_name().and_then(|n| n.to_str()),
                Some("generator" | "schema")
            ) {
                walk(&path, out);
            }
        } else if path.extension().is_none_or(|e| e != "md") {
            out.push(path);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let root = manifest.join("..").join("test-vectors");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let mut code = String::from(
        "/// (name relative to test-vectors/, bytes)\npub const EMBEDDED: &[(&str, &[u8])] = &[\n",
    );
    for f in &files {
        let rel = f
            .strip_prefix(&root)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        let _ = writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            f.display().to_string()
        );
    }
    code.push_str("];\n");
    // ../shared: the vectors and data of the implemented public suites.
    // IDBRIDGE_SHARED_DIR points elsewhere (tests/common/shared.rs's rule).
    println!("cargo:rerun-if-env-changed=IDBRIDGE_SHARED_DIR");
    let shared = std::env::var_os("IDBRIDGE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("..").join("..").join("shared"));
    println!("cargo:rerun-if-changed={}", shared.display());
    let mut shared_files = Vec::new();
    for suite in SHARED_SUITES {
        for part in ["vectors", "data"] {
            walk(&shared.join(part).join(suite), &mut shared_files);
        }
    }
    shared_files.sort();
    code.push_str("/// (name relative to ../shared/, bytes); empty when ../shared is absent\npub const SHARED: &[(&str, &[u8])] = &[\n");
    for f in &shared_files {
        let rel = f
            .strip_prefix(&shared)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        let _ = writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            f.display().to_string()
        );
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("embedded_vectors.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }
}
