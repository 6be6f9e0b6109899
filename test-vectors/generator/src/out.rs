//! The vector file format (test-vectors/README.md, VECTORS.md) and its writer.
//!
//! Field order is the struct declaration order (serde derive), so the output
//! is stable without serde_json's `preserve_order`.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use serde::Serialize;

use crate::bytes::hex;
use crate::keys::Loaded;
use crate::model;
use crate::notes::note;

/// One case as the generator builds it.
#[derive(Clone, Debug)]
pub struct Case {
    pub comment: String,
    pub msg: Vec<u8>,
    pub sig: Vec<u8>,
    /// Overrides the group's algorithm.
    pub alg: Option<String>,
    pub allowed: Option<Vec<String>>,
    /// None: valid; Some(code): invalid with that code.
    pub expect: Option<String>,
    pub flags: Vec<String>,
}

pub struct Group {
    pub source: String,
    /// File name inside the keys folder.
    pub key_file: String,
    pub alg: String,
    pub cases: Vec<Case>,
}

pub struct FileSpec {
    pub name: String,
    /// One line for the README index.
    pub what: String,
    /// Where the cases come from, for the README index.
    pub origin: String,
    pub header: Vec<String>,
    pub groups: Vec<Group>,
}

#[derive(Serialize)]
struct VectorFile {
    schema: &'static str,
    kind: &'static str,
    #[serde(rename = "numberOfTests")]
    number_of_tests: usize,
    header: Vec<String>,
    notes: BTreeMap<String, NoteJson>,
    #[serde(rename = "testGroups")]
    test_groups: Vec<GroupJson>,
}

#[derive(Serialize)]
struct NoteJson {
    #[serde(rename = "bugType")]
    bug_type: &'static str,
    description: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cves: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    links: Vec<&'static str>,
}

#[derive(Serialize)]
struct GroupJson {
    source: String,
    trust: TrustJson,
    context: GroupContextJson,
    tests: Vec<TestJson>,
}

#[derive(Serialize)]
struct TrustJson {
    public_key: String,
}

#[derive(Serialize)]
struct GroupContextJson {
    algorithm: String,
}

#[derive(Serialize)]
struct TestJson {
    #[serde(rename = "tcId")]
    tc_id: usize,
    comment: String,
    input: InputJson,
    context: TestContextJson,
    result: &'static str,
    #[serde(rename = "expectedError", skip_serializing_if = "Option::is_none")]
    expected_error: Option<String>,
    flags: Vec<String>,
}

#[derive(Serialize)]
struct InputJson {
    base64: String,
}

#[derive(Serialize)]
struct TestContextJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    algorithm: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed: Option<Vec<String>>,
    signature: String,
}

/// Counts for the README.
#[derive(Default)]
pub struct Stats {
    pub total: usize,
    pub valid: usize,
    pub by_code: BTreeMap<String, usize>,
}

/// Check every case against the reference model and render the file.
/// `key_dir_rel` is the keys folder relative to the output folder.
pub fn render(spec: &FileSpec, keys: &Loaded, key_dir_rel: &str) -> (String, Stats) {
    let mut stats = Stats::default();
    let mut used = BTreeSet::new();
    let mut groups = Vec::new();
    let mut tc_id = 0;
    for g in &spec.groups {
        let spki = keys.spki(&g.key_file);
        let mut tests = Vec::new();
        for c in &g.cases {
            tc_id += 1;
            let alg = c.alg.as_deref().unwrap_or(&g.alg);
            let got = model::reference(alg, c.allowed.as_deref(), spki, &c.msg, &c.sig);
            let want = match &c.expect {
                None => Ok(()),
                Some(code) => Err(code.as_str()),
            };
            assert_eq!(
                got, want,
                "{} tcId {tc_id} ({}, key {}, alg {alg}): the reference model disagrees with the case",
                spec.name, c.comment, g.key_file
            );
            assert!(
                !c.flags.is_empty(),
                "{} tcId {tc_id}: every case carries a flag",
                spec.name
            );
            used.extend(c.flags.iter().cloned());
            stats.total += 1;
            match &c.expect {
                None => stats.valid += 1,
                Some(code) => *stats.by_code.entry(code.clone()).or_default() += 1,
            }
            tests.push(TestJson {
                tc_id,
                comment: c.comment.clone(),
                input: InputJson {
                    base64: base64::engine::general_purpose::STANDARD.encode(&c.msg),
                },
                context: TestContextJson {
                    algorithm: c.alg.clone(),
                    allowed: c.allowed.clone(),
                    signature: hex(&c.sig),
                },
                result: if c.expect.is_none() {
                    "valid"
                } else {
                    "invalid"
                },
                expected_error: c.expect.clone(),
                flags: c.flags.clone(),
            });
        }
        groups.push(GroupJson {
            source: g.source.clone(),
            trust: TrustJson {
                public_key: format!("{key_dir_rel}/{}", g.key_file),
            },
            context: GroupContextJson {
                algorithm: g.alg.clone(),
            },
            tests,
        });
    }
    let notes = used
        .iter()
        .map(|flag| {
            let n = note(flag);
            (
                flag.clone(),
                NoteJson {
                    bug_type: n.bug_type,
                    description: n.description,
                    cves: n.cves.to_vec(),
                    links: n.links.to_vec(),
                },
            )
        })
        .collect();
    let file = VectorFile {
        schema: "idbridge-vectors/1",
        kind: "signature",
        number_of_tests: tc_id,
        header: spec.header.clone(),
        notes,
        test_groups: groups,
    };
    let mut text = serde_json::to_string_pretty(&file).expect("serialize");
    text.push('\n');
    (text, stats)
}
