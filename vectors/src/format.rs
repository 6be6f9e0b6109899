//! The vector file format (`VECTORS.md`): strict deserialization and the
//! file-level rules no single case can check.
//!
//! Unknown keys are errors everywhere (a typo must not silently pass), and
//! so are a wrong `numberOfTests`, a duplicate `tcId`, a flag without a note,
//! an `expectedError` on a case that is not `invalid`, an input that is not
//! exactly one of `file`, `text`, `base64`, and identity keys that are not
//! identity fields.

use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

/// The schema versions this runner understands.
pub(crate) const SCHEMA_V1: &str = "idbridge-vectors/1";
/// The prefix that marks a JSON file as a vector file.
pub(crate) const SCHEMA_PREFIX: &str = "idbridge-vectors/";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct VectorFile {
    pub schema: String,
    pub kind: String,
    pub number_of_tests: u64,
    #[serde(default)]
    #[allow(dead_code)] // part of the format; read by people, not by the runner
    pub header: Vec<String>,
    #[serde(default)]
    pub notes: BTreeMap<String, Note>,
    pub test_groups: Vec<TestGroup>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct Note {
    pub bug_type: String,
    pub description: String,
    #[serde(default)]
    #[allow(dead_code)] // part of the format; read by people, not by the runner
    pub effect: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub cves: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub links: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TestGroup {
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub trust: Map<String, Value>,
    #[serde(default)]
    pub context: Map<String, Value>,
    pub tests: Vec<TestCase>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct TestCase {
    pub tc_id: u64,
    #[serde(default)]
    pub comment: String,
    pub input: Input,
    #[serde(default)]
    pub context: Map<String, Value>,
    pub result: Expected,
    #[serde(default)]
    pub expected_error: Option<String>,
    #[serde(default)]
    pub identity: Option<Map<String, Value>>,
    #[serde(default)]
    pub flags: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Input {
    pub file: Option<String>,
    pub text: Option<String>,
    pub base64: Option<String>,
}

/// What a case expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expected {
    /// Verification must succeed.
    Valid,
    /// Verification must fail (with `expectedError`, when given).
    Invalid,
    /// The specs allow either outcome.
    Acceptable,
}

impl Expected {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Expected::Valid => "valid",
            Expected::Invalid => "invalid",
            Expected::Acceptable => "acceptable",
        }
    }
}

/// The kinds of the contract, and whether this build runs them.
pub(crate) const KNOWN_KINDS: &[&str] = &[
    "signature",
    "webeid",
    "spid-saml",
    "cie-saml",
    "xmldsig",
    "oidc-trust-chain",
    "oidc-id-token",
    "mobile-id",
    "smart-id",
    "sd-jwt-vc",
    "mdoc",
];

impl VectorFile {
    /// Parses and checks the file-level rules.
    pub(crate) fn parse(text: &str) -> Result<VectorFile, String> {
        let file: VectorFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        file.check()?;
        Ok(file)
    }

    fn check(&self) -> Result<(), String> {
        if self.schema != SCHEMA_V1 {
            return Err(format!(
                "schema {:?} is not supported (this runner reads {SCHEMA_V1:?})",
                self.schema
            ));
        }
        if !KNOWN_KINDS.contains(&self.kind.as_str()) {
            return Err(format!("unknown kind {:?}", self.kind));
        }
        for (name, note) in &self.notes {
            if note.bug_type.is_empty()
                || !note
                    .bug_type
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_')
            {
                return Err(format!("note {name:?}: bugType must be an upper-case name"));
            }
            if note.description.trim().is_empty() {
                return Err(format!("note {name:?}: empty description"));
            }
        }
        let count: usize = self.test_groups.iter().map(|g| g.tests.len()).sum();
        if u64::try_from(count).ok() != Some(self.number_of_tests) {
            return Err(format!(
                "numberOfTests is {} but the file holds {count} tests",
                self.number_of_tests
            ));
        }
        let mut ids = HashSet::new();
        for group in &self.test_groups {
            for t in &group.tests {
                let where_ = format!("tcId {}", t.tc_id);
                if !ids.insert(t.tc_id) {
                    return Err(format!("{where_}: duplicate tcId"));
                }
                let given = [&t.input.file, &t.input.text, &t.input.base64]
                    .iter()
                    .filter(|x| x.is_some())
                    .count();
                if given != 1 {
                    return Err(format!(
                        "{where_}: input must have exactly one of file, text, base64"
                    ));
                }
                if t.expected_error.is_some() && t.result != Expected::Invalid {
                    return Err(format!("{where_}: expectedError is only for invalid cases"));
                }
                if t.identity.is_some() && t.result == Expected::Invalid {
                    return Err(format!("{where_}: identity is not for invalid cases"));
                }
                if let Some(identity) = &t.identity {
                    for key in identity.keys() {
                        if !idbridge::VerifiedIdentity::FIELDS.contains(&key.as_str()) {
                            return Err(format!("{where_}: unknown identity field {key:?}"));
                        }
                    }
                }
                for flag in &t.flags {
                    if !self.notes.contains_key(flag) {
                        return Err(format!("{where_}: flag {flag:?} has no note"));
                    }
                }
            }
        }
        Ok(())
    }
}

/// `over` merged on top of `base` (a test's context over its group's).
pub(crate) fn merge(base: &Map<String, Value>, over: &Map<String, Value>) -> Map<String, Value> {
    let mut out = base.clone();
    for (k, v) in over {
        out.insert(k.clone(), v.clone());
    }
    out
}

/// Fails on keys outside `allowed` (per-kind trust and context keys).
pub(crate) fn only_keys(
    what: &str,
    map: &Map<String, Value>,
    allowed: &[&str],
) -> Result<(), String> {
    for key in map.keys() {
        if !allowed.contains(&key.as_str()) {
            return Err(format!("unknown {what} key {key:?}"));
        }
    }
    Ok(())
}
