//! The webeid vector files: cases as the generator builds them, the input
//! store, the reference-model check, and the JSON writer (fixed field order:
//! serde derive order).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::build::rfc3339;
use super::model::{self, Code, Ctx};
use super::notes::note;
use super::pki::Person;

/// Every file under the output folder except the vector files and READMEs:
/// `pki/...`, `tokens/...`, `ocsp/...`, by relative path.
#[derive(Default)]
pub struct Store {
    files: Vec<(String, Vec<u8>, String)>,
    index: BTreeMap<String, usize>,
}

impl Store {
    /// Add a file (or check that an existing one has the same bytes) and
    /// return its relative path.
    pub fn put(&mut self, path: &str, bytes: Vec<u8>, what: &str) -> String {
        if let Some(&i) = self.index.get(path) {
            assert!(
                self.files[i].1 == bytes,
                "{path} written twice with different bytes"
            );
        } else {
            self.index.insert(path.to_string(), self.files.len());
            self.files.push((path.to_string(), bytes, what.to_string()));
        }
        path.to_string()
    }

    pub fn get(&self, path: &str) -> &[u8] {
        let i = self
            .index
            .get(path)
            .unwrap_or_else(|| panic!("no stored file {path}"));
        &self.files[*i].1
    }

    pub fn files(&self) -> &[(String, Vec<u8>, String)] {
        &self.files
    }
}

#[derive(Clone, Debug)]
pub enum Ocsp {
    Off,
    On {
        response: String,
        responder: Option<String>,
    },
}

/// Context keys a test overrides.
#[derive(Clone, Debug, Default)]
pub struct Over {
    pub origin: Option<String>,
    pub nonce: Option<String>,
    pub now: Option<i64>,
    pub ocsp: Option<Ocsp>,
}

#[derive(Clone, Debug)]
pub struct Case {
    pub comment: String,
    /// Relative path of the token (`tokens/...`).
    pub input: String,
    pub over: Over,
    /// None: valid.
    pub expect: Option<Code>,
    pub flags: Vec<&'static str>,
}

impl Case {
    pub fn ok(comment: impl Into<String>, input: &str, flags: &[&'static str]) -> Case {
        Case {
            comment: comment.into(),
            input: input.to_string(),
            over: Over::default(),
            expect: None,
            flags: flags.to_vec(),
        }
    }

    pub fn bad(
        comment: impl Into<String>,
        input: &str,
        code: Code,
        flags: &[&'static str],
    ) -> Case {
        Case {
            expect: Some(code),
            ..Case::ok(comment, input, flags)
        }
    }

    pub fn now(mut self, t: i64) -> Case {
        self.over.now = Some(t);
        self
    }

    pub fn origin(mut self, o: &str) -> Case {
        self.over.origin = Some(o.to_string());
        self
    }

    pub fn nonce(mut self, n: &str) -> Case {
        self.over.nonce = Some(n.to_string());
        self
    }

    pub fn ocsp(mut self, response: &str, responder: Option<&str>) -> Case {
        self.over.ocsp = Some(Ocsp::On {
            response: response.to_string(),
            responder: responder.map(str::to_string),
        });
        self
    }
}

pub struct Group {
    pub source: String,
    /// Relative paths (`pki/...`).
    pub anchors: Vec<String>,
    pub origin: String,
    pub nonce: String,
    pub now: i64,
    pub ocsp: Ocsp,
    pub cases: Vec<Case>,
}

pub struct FileSpec {
    pub name: &'static str,
    /// One line for the README index.
    pub what: &'static str,
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
    context: ContextJson,
    tests: Vec<TestJson>,
}

#[derive(Serialize)]
struct TrustJson {
    anchors: Vec<String>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum OcspJson {
    Off(&'static str),
    On {
        response: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        responder: Option<String>,
    },
}

#[derive(Serialize)]
struct ContextJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    origin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    now: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ocsp: Option<OcspJson>,
}

#[derive(Serialize)]
struct InputJson {
    file: String,
}

#[derive(Serialize)]
struct IdentityJson {
    system: &'static str,
    subject_id: String,
    given_name: String,
    family_name: String,
    loa: &'static str,
}

#[derive(Serialize)]
struct TestJson {
    #[serde(rename = "tcId")]
    tc_id: usize,
    comment: String,
    input: InputJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<ContextJson>,
    result: &'static str,
    #[serde(rename = "expectedError", skip_serializing_if = "Option::is_none")]
    expected_error: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity: Option<IdentityJson>,
    flags: Vec<&'static str>,
}

fn ocsp_json(o: &Ocsp) -> OcspJson {
    match o {
        Ocsp::Off => OcspJson::Off("off"),
        Ocsp::On {
            response,
            responder,
        } => OcspJson::On {
            response: response.clone(),
            responder: responder.clone(),
        },
    }
}

/// Counts for the README.
#[derive(Default)]
pub struct Stats {
    pub total: usize,
    pub valid: usize,
    pub by_code: BTreeMap<&'static str, usize>,
}

/// An anchor or responder file as DER (PEM files are decoded).
fn cert_der(store: &Store, path: &str) -> Vec<u8> {
    let bytes = store.get(path);
    if path.ends_with(".pem") {
        crate::keys::pem_to_der(std::str::from_utf8(bytes).expect("PEM is UTF-8"))
    } else {
        bytes.to_vec()
    }
}

/// Check every case against the reference model and render the file.
/// Valid cases must yield `person`'s identity.
pub fn render(spec: &FileSpec, store: &Store, person: &Person) -> (String, Stats) {
    let mut stats = Stats::default();
    let mut used = BTreeSet::new();
    let mut groups = Vec::new();
    let mut tc_id = 0;
    for g in &spec.groups {
        let anchors: Vec<Vec<u8>> = g.anchors.iter().map(|a| cert_der(store, a)).collect();
        let mut tests = Vec::new();
        for c in &g.cases {
            tc_id += 1;
            let origin = c.over.origin.as_deref().unwrap_or(&g.origin);
            let nonce = c.over.nonce.as_deref().unwrap_or(&g.nonce);
            let now = c.over.now.unwrap_or(g.now);
            let ocsp = c.over.ocsp.as_ref().unwrap_or(&g.ocsp);
            let (resp, pinned) = match ocsp {
                Ocsp::Off => (None, None),
                Ocsp::On {
                    response,
                    responder,
                } => (
                    Some(store.get(response).to_vec()),
                    responder.as_ref().map(|r| cert_der(store, r)),
                ),
            };
            let ctx = Ctx {
                origin,
                nonce,
                now,
                ocsp: resp.as_deref().map(|r| (r, pinned.as_deref())),
            };
            let got = model::verify(store.get(&c.input), &anchors, &ctx);
            let where_ = format!("{} tcId {tc_id} ({})", spec.name, c.comment);
            match (c.expect, &got) {
                (None, Ok(id)) => {
                    assert_eq!(
                        id,
                        &model::Identity {
                            subject_id: Some(person.subject_id()),
                            given_name: Some(person.given.to_string()),
                            family_name: Some(person.surname.to_string()),
                        },
                        "{where_}: identity"
                    );
                }
                (Some(code), Err(e)) if code == *e => {}
                _ => panic!(
                    "{where_}: the reference model says {got:?}, the case says {:?}",
                    c.expect
                ),
            }
            assert!(!c.flags.is_empty(), "{where_}: every case carries a flag");
            used.extend(c.flags.iter().copied());
            stats.total += 1;
            match c.expect {
                None => stats.valid += 1,
                Some(code) => *stats.by_code.entry(code).or_default() += 1,
            }
            let o = &c.over;
            let context =
                (o.origin.is_some() || o.nonce.is_some() || o.now.is_some() || o.ocsp.is_some())
                    .then(|| ContextJson {
                        origin: o.origin.clone(),
                        nonce: o.nonce.clone(),
                        now: o.now.map(rfc3339),
                        ocsp: o.ocsp.as_ref().map(ocsp_json),
                    });
            tests.push(TestJson {
                tc_id,
                comment: c.comment.clone(),
                input: InputJson {
                    file: c.input.clone(),
                },
                context,
                result: if c.expect.is_none() {
                    "valid"
                } else {
                    "invalid"
                },
                expected_error: c.expect,
                identity: c.expect.is_none().then(|| IdentityJson {
                    system: "webeid",
                    subject_id: person.subject_id(),
                    given_name: person.given.to_string(),
                    family_name: person.surname.to_string(),
                    loa: "high",
                }),
                flags: c.flags.clone(),
            });
        }
        groups.push(GroupJson {
            source: g.source.clone(),
            trust: TrustJson {
                anchors: g.anchors.clone(),
            },
            context: ContextJson {
                origin: Some(g.origin.clone()),
                nonce: Some(g.nonce.clone()),
                now: Some(rfc3339(g.now)),
                ocsp: Some(ocsp_json(&g.ocsp)),
            },
            tests,
        });
    }
    let notes = used
        .iter()
        .map(|flag| {
            let n = note(flag);
            (
                (*flag).to_string(),
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
        kind: "webeid",
        number_of_tests: tc_id,
        header: spec.header.clone(),
        notes,
        test_groups: groups,
    };
    let mut text = serde_json::to_string_pretty(&file).expect("serialize");
    text.push('\n');
    (text, stats)
}
