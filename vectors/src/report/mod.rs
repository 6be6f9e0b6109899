//! Reports an auditor can file: JUnit XML for CI systems ([`junit`]) and
//! one self-contained HTML page ([`html`]), built from the runner's
//! [`FileReport`]s.
//!
//! Everything a vector file says (comments, sources, flags, context) is
//! untrusted text: both formats escape it, and write the characters XML
//! cannot hold or a reader could be fooled by (controls, bidirectional
//! overrides, non-characters) as visible `\u{..}` escapes.
//!
//! ```
//! use idbridge_vectors::{report, MemoryFiles, Runner};
//! let mut files = MemoryFiles::new();
//! files.insert("v/bad.json", br#"{"schema": "idbridge-vectors/1", "kynd": "<x>"}"#.to_vec());
//! let runs = vec![Runner::new(&files).run_file("v/bad.json")];
//! let meta = report::ReportMeta::new(&["rustcrypto"]);
//! let xml = report::junit(&runs, &meta);
//! assert!(xml.contains(r#"<testsuites name="idbridge vectors" tests="1" failures="0" errors="1""#));
//! let page = report::html(&runs, &meta);
//! assert!(page.starts_with("<!DOCTYPE html>") && !page.contains("<x>"));
//! ```

mod html;
mod junit;
mod text;

pub use html::html;
pub use junit::junit;

use super::FileReport;
use std::collections::BTreeMap;

/// The two report formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JUnit XML (`junit`).
    Junit,
    /// One self-contained HTML page (`html`).
    Html,
}

impl Format {
    /// The format named `junit` or `html`.
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "junit" => Some(Format::Junit),
            "html" => Some(Format::Html),
            _ => None,
        }
    }

    /// The report of `reports` in this format.
    pub fn render(self, reports: &[FileReport], meta: &ReportMeta) -> String {
        match self {
            Format::Junit => junit(reports, meta),
            Format::Html => html(reports, meta),
        }
    }
}

/// What a report says about the run besides its cases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportMeta {
    /// The idbridge version (default: this crate's, the workspace's).
    pub version: String,
    /// The signature backends every case ran on.
    pub backends: Vec<String>,
    /// When the run happened, as the caller wants it written (the library
    /// reads no clock); `None` leaves it out.
    pub generated_at: Option<String>,
    /// The command line that produced the run, when the caller gives it.
    pub command: Option<String>,
}

impl ReportMeta {
    /// A run on `backends`, with this crate's version.
    pub fn new(backends: &[&str]) -> ReportMeta {
        ReportMeta {
            version: env!("CARGO_PKG_VERSION").to_string(),
            backends: backends.iter().map(|b| (*b).to_string()).collect(),
            generated_at: None,
            command: None,
        }
    }
}

/// Cases counted under one key (a kind, a source, a flag).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Vector files with at least one case (or one defect) under the key.
    pub files: usize,
    /// Cases (a malformed vector file counts as one).
    pub cases: usize,
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed (and malformed files).
    pub failed: usize,
}

impl Tally {
    fn add(&mut self, passed: bool) {
        self.cases += 1;
        if passed {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
    }
}

/// The name a malformed vector file is counted under, per kind and per source.
pub const MALFORMED: &str = "(malformed vector file)";
/// The name cases without a group `source` are counted under.
pub const NO_SOURCE: &str = "(no source given)";
/// The name cases without flags are counted under.
pub const NO_FLAG: &str = "(no flag)";

/// Totals per kind, per source and per flag.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Every case.
    pub all: Tally,
    /// By the file's kind.
    pub by_kind: BTreeMap<String, Tally>,
    /// By the test group's `source`.
    pub by_source: BTreeMap<String, Tally>,
    /// By flag (a case with several flags counts under each).
    pub by_flag: BTreeMap<String, Tally>,
    /// Each flag's `bugType`, as the files' notes give it (several when
    /// files disagree, joined with `/`).
    pub bug_types: BTreeMap<String, String>,
}

impl Totals {
    /// Adds up `reports`.
    pub fn of(reports: &[FileReport]) -> Totals {
        let mut t = Totals::default();
        for r in reports {
            let mut kinds_seen = Vec::new();
            let mut sources_seen: Vec<&str> = Vec::new();
            let mut flags_seen: Vec<&str> = Vec::new();
            if r.defect.is_some() {
                t.all.add(false);
                t.by_kind.entry(MALFORMED.into()).or_default().add(false);
                t.by_source.entry(MALFORMED.into()).or_default().add(false);
                kinds_seen.push(MALFORMED);
                sources_seen.push(MALFORMED);
            }
            let kind = r.kind.as_deref().unwrap_or(MALFORMED);
            for c in &r.cases {
                t.all.add(c.passed);
                t.by_kind.entry(kind.into()).or_default().add(c.passed);
                if !kinds_seen.contains(&kind) {
                    kinds_seen.push(kind);
                }
                let source = c.source.as_deref().unwrap_or(NO_SOURCE);
                t.by_source.entry(source.into()).or_default().add(c.passed);
                if !sources_seen.contains(&source) {
                    sources_seen.push(source);
                }
                let flags: Vec<&str> = if c.flags.is_empty() {
                    vec![NO_FLAG]
                } else {
                    c.flags.iter().map(String::as_str).collect()
                };
                for f in flags {
                    t.by_flag.entry(f.into()).or_default().add(c.passed);
                    if !flags_seen.contains(&f) {
                        flags_seen.push(f);
                    }
                }
            }
            for k in kinds_seen {
                t.by_kind.entry(k.into()).or_default().files += 1;
            }
            for s in sources_seen {
                t.by_source.entry(s.into()).or_default().files += 1;
            }
            for f in flags_seen {
                t.by_flag.entry(f.into()).or_default().files += 1;
            }
            for (flag, bug_type) in &r.notes {
                let entry = t.bug_types.entry(flag.clone()).or_default();
                if !entry.split('/').any(|b| b == bug_type) {
                    if !entry.is_empty() {
                        entry.push('/');
                    }
                    entry.push_str(bug_type);
                }
            }
            t.all.files += 1;
        }
        t
    }
}

#[cfg(test)]
mod tests;
