//! idbridge's test tooling, outside the library: the test-vector runner
//! (the `VECTORS.md` contract) shared by the CLI, `cargo test` and the WASM
//! package; the bench workloads and their floors (module `bench`, feature `bench`);
//! the bodies of the fuzz targets (module `fuzz`, feature `fuzz`). Everything here
//! goes through idbridge's public API.
//!
//! The runner reads a vector file, runs every case through every backend it
//! was given, and reports one line per case and one closing line:
//!
//! ```text
//! ok   test-vectors/signature/rsa_pss.json tcId=1
//! FAIL test-vectors/signature/rsa_pss.json tcId=2: expected invalid (crypto.signature.invalid), got valid
//! vectors: 1 passed, 1 failed
//! ```
//!
//! A malformed vector file (bad JSON, an unknown key, a missing field, a
//! wrong `numberOfTests`...) is one failure, reported with its path; it is
//! never skipped. A kind this build does not implement fails every case,
//! naming the kind; so does a kind whose Cargo feature is off (`saml`: the
//! `spid-saml`, `cie-saml` and `xmldsig` kinds; `webeid`: the `webeid`
//! kind), naming the feature.
//!
//! Files are reached through [`Files`], so the same runner reads the file
//! system ([`FsFiles`], native only) or a map of names to bytes
//! ([`MemoryFiles`], e.g. in a browser).
//!
//! ```
//! use idbridge_vectors::{MemoryFiles, Runner};
//! let mut files = MemoryFiles::new();
//! files.insert("v/bad.json", br#"{"schema": "idbridge-vectors/1", "kynd": "signature"}"#.to_vec());
//! let report = Runner::new(&files).run_file("v/bad.json");
//! assert_eq!(report.failed(), 1);
//! assert!(report.lines()[0].starts_with("FAIL v/bad.json: malformed vector file"));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "bench")]
pub mod bench;
#[cfg(all(
    feature = "bench",
    not(any(
        feature = "saml",
        feature = "webeid",
        feature = "oidc",
        feature = "sdjwt"
    ))
))]
compile_error!("idbridge-vectors' feature \"bench\" needs \"saml\", \"webeid\", \"oidc\" or \"sdjwt\" (it measures their verifiers)");
#[cfg(feature = "saml")]
mod c14n_pairs;
mod explain;
mod format;
#[cfg(not(target_arch = "wasm32"))]
mod fs;
#[cfg(feature = "fuzz")]
pub mod fuzz;
mod kinds;
#[cfg(feature = "mdoc")]
mod mdoc;
#[cfg(feature = "mobileid")]
mod mobileid;
#[cfg(feature = "oidc")]
mod oidc_chain;
#[cfg(feature = "oidc")]
mod oidc_id_token;
pub mod report;
#[cfg(feature = "saml")]
mod saml;
#[cfg(feature = "sdjwt")]
mod sdjwt;
mod signature;
#[cfg(feature = "smartid")]
mod smartid;
#[cfg(feature = "webeid")]
mod webeid;
#[cfg(feature = "saml")]
mod xmldsig;

#[cfg(feature = "saml")]
pub use c14n_pairs::{check_c14n_pairs, C14nReport};
pub use explain::{ExplainStep, Explanation};
pub use format::Expected;
#[cfg(not(target_arch = "wasm32"))]
pub use fs::{collect, FsFiles};

use base64::Engine as _;
use format::{TestCase, VectorFile, SCHEMA_PREFIX};
use idbridge::crypto::{self, Backend};
use idbridge::{Error, ErrorCode};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Where the runner reads vector files and the inputs they name.
pub trait Files {
    /// The bytes at `path` (a `/`-separated path as the runner built it:
    /// the vector file's own path, or that file's directory joined with a
    /// relative path from inside it).
    fn read(&self, path: &str) -> Result<Vec<u8>, String>;
}

/// Files held in memory, by `/`-separated name. Lookups normalize `.` and
/// `..` segments lexically, so `a/b/../c.der` finds `a/c.der`.
#[derive(Clone, Debug, Default)]
pub struct MemoryFiles {
    files: BTreeMap<String, Vec<u8>>,
}

impl MemoryFiles {
    /// An empty set.
    pub fn new() -> Self {
        MemoryFiles::default()
    }

    /// Adds (or replaces) the file `name`.
    pub fn insert(&mut self, name: &str, bytes: Vec<u8>) {
        self.files.insert(normalize(name), bytes);
    }
}

impl Files for MemoryFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        self.files
            .get(&normalize(path))
            .cloned()
            .ok_or_else(|| format!("no file {path:?}"))
    }
}

/// Resolves `.` and `..` lexically in a `/`-separated path (leading `..`
/// segments that cannot be resolved are kept).
pub fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// `rel` resolved against the directory of `file`.
pub(crate) fn sibling(file: &str, rel: &str) -> String {
    if rel.starts_with('/') {
        return rel.to_string();
    }
    match file.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{rel}"),
        None => rel.to_string(),
    }
}

/// Whether `bytes` look like a vector file: a JSON object whose `schema`
/// starts with `idbridge-vectors/`. Files that do not parse but mention the
/// schema prefix count too, so a broken vector file is reported, not passed
/// over.
pub fn is_vector_file(bytes: &[u8]) -> bool {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => map
            .get("schema")
            .and_then(Value::as_str)
            .is_some_and(|s| s.starts_with(SCHEMA_PREFIX)),
        Ok(_) => false,
        Err(_) => {
            let head = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
            String::from_utf8_lossy(head).contains(SCHEMA_PREFIX)
        }
    }
}

/// What one case did.
#[derive(Clone, Debug)]
pub struct CaseReport {
    /// The case's `tcId`.
    pub tc_id: u64,
    /// The case's comment.
    pub comment: String,
    /// The case's flags.
    pub flags: Vec<String>,
    /// Whether the outcome met the expectation on every backend.
    pub passed: bool,
    /// What the file expected, e.g. `invalid (crypto.signature.invalid)`.
    pub expected: String,
    /// What came back, e.g. `valid` or `invalid (crypto.key.mismatch)`;
    /// several outcomes when backends disagree.
    pub got: String,
    /// Why the case failed, beyond expected/got (a missing identity field...).
    pub detail: Option<String>,
    /// The backends the case ran on.
    pub backends: Vec<&'static str>,
    /// The `source` of the case's test group, when it gives one.
    pub source: Option<String>,
    /// How the case was run (its inputs, context, the SAML checks with
    /// their rules, the `idbridge verify` command that replays it): only
    /// when the runner was asked for it ([`Runner::with_explain`]).
    pub explanation: Option<Explanation>,
}

/// What one vector file did.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The file's path as given.
    pub path: String,
    /// The file's kind, when it could be read.
    pub kind: Option<String>,
    /// Why the file itself is malformed; `None` when it is well formed.
    pub defect: Option<String>,
    /// One entry per case (empty when the file is malformed).
    pub cases: Vec<CaseReport>,
    /// The SHA-256 of the file's bytes as the runner read them (lowercase
    /// hex); `None` when the file could not be read.
    pub sha256: Option<String>,
    /// The file's notes: each flag's `bugType`, by flag name.
    pub notes: BTreeMap<String, String>,
    /// How long the file took to run (native builds; `None` in WASM, where
    /// the runner reads no clock).
    pub elapsed: Option<core::time::Duration>,
}

impl FileReport {
    /// The report of a vector file that could not be run at all: one
    /// failure, `defect` saying why.
    pub fn malformed(path: &str, defect: String) -> FileReport {
        FileReport {
            path: path.to_string(),
            kind: None,
            defect: Some(defect),
            cases: Vec::new(),
            sha256: None,
            notes: BTreeMap::new(),
            elapsed: None,
        }
    }

    fn defective(path: &str, defect: String) -> FileReport {
        FileReport::malformed(path, defect)
    }

    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed).count()
    }

    /// Cases that failed, plus one if the file itself is malformed.
    pub fn failed(&self) -> usize {
        self.cases.iter().filter(|c| !c.passed).count() + usize::from(self.defect.is_some())
    }

    /// The human-readable lines: one per case, or one for a malformed file.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(defect) = &self.defect {
            out.push(format!(
                "FAIL {}: malformed vector file: {defect}",
                self.path
            ));
        }
        for c in &self.cases {
            if c.passed {
                let seen = if c.expected == "acceptable" {
                    format!(" (acceptable, saw {})", c.got)
                } else {
                    String::new()
                };
                out.push(format!("ok   {} tcId={}{seen}", self.path, c.tc_id));
            } else {
                let detail = c
                    .detail
                    .as_ref()
                    .map(|d| format!("; {d}"))
                    .unwrap_or_default();
                out.push(format!(
                    "FAIL {} tcId={}: expected {}, got {}{detail} [{}] ({})",
                    self.path,
                    c.tc_id,
                    c.expected,
                    c.got,
                    c.backends.join(", "),
                    c.comment
                ));
            }
            if let Some(e) = &c.explanation {
                out.extend(e.lines(c));
            }
        }
        out
    }

    /// One JSON object per case (or one for a malformed file).
    pub fn json_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(defect) = &self.defect {
            out.push(
                serde_json::json!({ "file": self.path, "status": "fail", "error": format!("malformed vector file: {defect}") })
                    .to_string(),
            );
        }
        for c in &self.cases {
            let mut line = serde_json::json!({
                "file": self.path,
                "kind": self.kind,
                "tcId": c.tc_id,
                "status": if c.passed { "ok" } else { "fail" },
                "expected": c.expected,
                "got": c.got,
                "detail": c.detail,
                "comment": c.comment,
                "flags": c.flags,
                "backends": c.backends,
            });
            if let (Some(e), Value::Object(map)) = (&c.explanation, &mut line) {
                map.insert("explain".into(), e.to_json());
            }
            out.push(line.to_string());
        }
        out
    }
}

/// Totals over several files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed plus malformed files.
    pub failed: usize,
}

impl Summary {
    /// Adds up `reports`.
    pub fn of(reports: &[FileReport]) -> Summary {
        reports.iter().fold(Summary::default(), |s, r| Summary {
            passed: s.passed + r.passed(),
            failed: s.failed + r.failed(),
        })
    }

    /// The closing line: `vectors: N passed, M failed`.
    pub fn closing_line(&self) -> String {
        format!("vectors: {} passed, {} failed", self.passed, self.failed)
    }
}

/// Runs vector files.
pub struct Runner<'a> {
    files: &'a dyn Files,
    backends: Vec<&'static dyn Backend>,
    explain: bool,
    only: Option<u64>,
}

impl core::fmt::Debug for Runner<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let names: Vec<_> = self.backends.iter().map(|b| b.name()).collect();
        f.debug_struct("Runner").field("backends", &names).finish()
    }
}

/// The outcome of one verification: on success, the identity as the
/// contract's JSON object (`VECTORS.md`, "Identity fields"), when the kind
/// has one.
pub(crate) type Outcome = Result<Option<Value>, Error>;

impl<'a> Runner<'a> {
    /// A runner over `files` using every compiled-in backend.
    pub fn new(files: &'a dyn Files) -> Self {
        Runner {
            files,
            backends: crypto::backends().to_vec(),
            explain: false,
            only: None,
        }
    }

    /// Also records, for every case, how it was run ([`CaseReport::explanation`]):
    /// the inputs and context, for the SAML kinds every check with the rule
    /// it enforces (one more verification per case, on the default
    /// backend), and the `idbridge verify` command that replays it.
    #[must_use]
    pub fn with_explain(mut self, explain: bool) -> Self {
        self.explain = explain;
        self
    }

    /// Runs only the case whose `tcId` is `tc_id` (the whole file is still
    /// checked against the format first). A well-formed file without that
    /// case gives a report with no case and no defect.
    #[must_use]
    pub fn only_case(mut self, tc_id: u64) -> Self {
        self.only = Some(tc_id);
        self
    }

    /// The names of the backends every case runs on.
    pub fn backend_names(&self) -> Vec<&'static str> {
        self.backends.iter().map(|b| b.name()).collect()
    }

    /// Uses only `backends` (at least one; an empty list keeps the current ones).
    #[must_use]
    pub fn with_backends(mut self, backends: &[&'static dyn Backend]) -> Self {
        if !backends.is_empty() {
            self.backends = backends.to_vec();
        }
        self
    }

    /// Runs the vector file at `path`.
    pub fn run_file(&self, path: &str) -> FileReport {
        #[cfg(not(target_arch = "wasm32"))]
        let start = std::time::Instant::now();
        let bytes = match self.files.read(path) {
            Ok(b) => b,
            Err(e) => return FileReport::defective(path, format!("cannot read: {e}")),
        };
        let sha256 = hex(&crypto::HashAlg::Sha256.digest(&bytes));
        let mut report = self.run_bytes(path, &bytes);
        report.sha256 = Some(sha256);
        #[cfg(not(target_arch = "wasm32"))]
        {
            report.elapsed = Some(start.elapsed());
        }
        report
    }

    fn run_bytes(&self, path: &str, bytes: &[u8]) -> FileReport {
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => return FileReport::defective(path, "not UTF-8".into()),
        };
        let file = match VectorFile::parse(text) {
            Ok(f) => f,
            Err(e) => return FileReport::defective(path, e),
        };
        let kind = match kinds::Kind::from_name(&file.kind) {
            Some(k) => k,
            None => return FileReport::defective(path, format!("unknown kind {:?}", file.kind)),
        };
        // Check every case's keys before running any, so a malformed file
        // is reported as such rather than as a mix of results.
        let mut prepared = Vec::new();
        for group in &file.test_groups {
            for case in &group.tests {
                if self.only.is_some_and(|only| only != case.tc_id) {
                    continue;
                }
                let context = format::merge(&group.context, &case.context);
                if let Err(e) = kind.check_keys(&group.trust, &context) {
                    return FileReport::defective(path, format!("tcId {}: {e}", case.tc_id));
                }
                let input = match self.input_bytes(path, case) {
                    Ok(b) => b,
                    Err(e) => {
                        return FileReport::defective(path, format!("tcId {}: {e}", case.tc_id))
                    }
                };
                prepared.push((group, case, context, input));
            }
        }
        let mut cases = Vec::with_capacity(prepared.len());
        for (group, case, context, input) in prepared {
            let job = kinds::Job {
                files: self.files,
                vector_path: path,
                trust: &group.trust,
                context: &context,
                input: &input,
            };
            let mut outcomes = Vec::with_capacity(self.backends.len());
            for backend in &self.backends {
                match kind.run(&job, *backend) {
                    Ok(outcome) => outcomes.push((backend.name(), outcome)),
                    Err(defect) => {
                        return FileReport::defective(
                            path,
                            format!("tcId {}: {defect}", case.tc_id),
                        )
                    }
                }
            }
            let mut report = judge(case, outcomes);
            report.source = group.source.clone();
            if self.explain {
                report.explanation = Some(explain::explain(kind, &job, case));
            }
            cases.push(report);
        }
        FileReport {
            path: path.to_string(),
            kind: Some(file.kind),
            defect: None,
            cases,
            sha256: None,
            notes: file
                .notes
                .iter()
                .map(|(name, note)| (name.clone(), note.bug_type.clone()))
                .collect(),
            elapsed: None,
        }
    }

    fn input_bytes(&self, vector_path: &str, case: &TestCase) -> Result<Vec<u8>, String> {
        if let Some(rel) = &case.input.file {
            self.files
                .read(&sibling(vector_path, rel))
                .map_err(|e| format!("input file: {e}"))
        } else if let Some(text) = &case.input.text {
            Ok(text.as_bytes().to_vec())
        } else if let Some(b64) = &case.input.base64 {
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|_| "input.base64 is not valid base64".to_string())
        } else {
            Err("no input".into())
        }
    }
}

/// A verified identity as the contract's JSON object (the library
/// serializes it with the contract's field names).
#[cfg(any(
    feature = "saml",
    feature = "webeid",
    feature = "oidc",
    feature = "sdjwt",
    feature = "mobileid",
    feature = "smartid",
    feature = "mdoc"
))]
pub(crate) fn identity_json(identity: &idbridge::VerifiedIdentity) -> Value {
    serde_json::to_value(identity).unwrap_or_default()
}

fn describe(outcome: &Outcome) -> String {
    match outcome {
        Ok(_) => "valid".into(),
        Err(e) => format!("invalid ({})", e.code()),
    }
}

/// Checks one case's outcomes (one per backend) against its expectation.
fn judge(case: &TestCase, outcomes: Vec<(&'static str, Outcome)>) -> CaseReport {
    let expected = match (&case.result, &case.expected_error) {
        (Expected::Invalid, Some(code)) => format!("invalid ({code})"),
        (r, _) => r.as_str().to_string(),
    };
    let backends: Vec<&'static str> = outcomes.iter().map(|(n, _)| *n).collect();
    let mut descriptions: Vec<String> = outcomes.iter().map(|(_, o)| describe(o)).collect();
    descriptions.dedup();
    let agree = descriptions.len() == 1;
    let got = if agree {
        descriptions.first().cloned().unwrap_or_default()
    } else {
        outcomes
            .iter()
            .map(|(n, o)| format!("{n}: {}", describe(o)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut detail = None;
    let mut passed = agree && !outcomes.is_empty();
    // A kind this build cannot run never passes, not even an invalid case.
    if let Some(e) = outcomes.iter().find_map(|(_, o)| {
        o.as_ref()
            .err()
            .filter(|e| e.kind() == ErrorCode::VectorsKindUnsupported)
    }) {
        passed = false;
        detail = Some(e.reason().to_string());
    }
    if passed {
        for (name, outcome) in &outcomes {
            if let Err(why) = meets(case, outcome) {
                passed = false;
                detail = Some(format!("{name}: {why}"));
                break;
            }
        }
    } else if !agree {
        detail = Some("backends disagree".into());
    }
    CaseReport {
        tc_id: case.tc_id,
        comment: case.comment.clone(),
        flags: case.flags.clone(),
        passed,
        expected,
        got,
        detail,
        backends,
        source: None,
        explanation: None,
    }
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use core::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn meets(case: &TestCase, outcome: &Outcome) -> Result<(), String> {
    match (case.result, outcome) {
        (Expected::Valid | Expected::Acceptable, Ok(identity)) => match &case.identity {
            None => Ok(()),
            Some(want) => identity_matches(want, identity.as_ref()),
        },
        (Expected::Valid, Err(_)) => Err("verification failed".into()),
        (Expected::Acceptable, Err(_)) => Ok(()),
        (Expected::Invalid, Ok(_)) => Err("verification succeeded".into()),
        (Expected::Invalid, Err(e)) => match &case.expected_error {
            Some(code) if code != e.code() => Err(format!("wrong error code ({})", e.reason())),
            _ => Ok(()),
        },
    }
}

/// The subset check of `VECTORS.md`: every key given must equal the
/// verified identity's field (for `attributes`, every attribute given).
fn identity_matches(want: &Map<String, Value>, got: Option<&Value>) -> Result<(), String> {
    let Some(got) = got else {
        return Err("no identity came back".into());
    };
    for (key, want_value) in want {
        let got_value = got.get(key).unwrap_or(&Value::Null);
        let ok = match (key.as_str(), want_value) {
            ("attributes", Value::Object(want_attrs)) => {
                want_attrs.iter().all(|(k, v)| got_value.get(k) == Some(v))
            }
            _ => got_value == want_value,
        };
        if !ok {
            return Err(format!(
                "identity field {key}: expected {want_value}, got {got_value}"
            ));
        }
    }
    Ok(())
}
