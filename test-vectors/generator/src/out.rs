//! The one vector-file writer: the envelope every kind shares (schema,
//! kind, numberOfTests, header, notes, testGroups; test-vectors/README.md,
//! VECTORS.md), the counts for the READMEs, and each kind's groups and tests
//! (`signature`, `webeid`). Every case is checked against its kind's
//! reference model before it is rendered.
//!
//! Field order is the struct declaration order (serde derive), so the output
//! is stable without serde_json's `preserve_order`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::notes::Note;

#[derive(Serialize)]
struct VectorFile<G> {
    schema: &'static str,
    kind: &'static str,
    #[serde(rename = "numberOfTests")]
    number_of_tests: usize,
    header: Vec<String>,
    notes: BTreeMap<String, NoteJson>,
    #[serde(rename = "testGroups")]
    test_groups: Vec<G>,
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

/// Counts for the README.
#[derive(Default)]
pub struct Stats {
    pub total: usize,
    pub valid: usize,
    pub by_code: BTreeMap<String, usize>,
}

impl Stats {
    /// Count one case (`None`: valid).
    fn count(&mut self, expect: Option<&str>) {
        self.total += 1;
        match expect {
            None => self.valid += 1,
            Some(code) => *self.by_code.entry(code.to_string()).or_default() += 1,
        }
    }
}

/// The file's text: the envelope around `groups`, with exactly the notes
/// its cases name (from the kind's catalogue `note`).
fn finish<G: Serialize>(
    kind: &'static str,
    number_of_tests: usize,
    header: &[String],
    used: &BTreeSet<String>,
    note: fn(&str) -> Note,
    groups: Vec<G>,
) -> String {
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
        kind,
        number_of_tests,
        header: header.to_vec(),
        notes,
        test_groups: groups,
    };
    let mut text = serde_json::to_string_pretty(&file).expect("serialize");
    text.push('\n');
    text
}

/// The `signature` kind.
pub mod signature {
    use std::collections::BTreeSet;

    use base64::Engine;
    use serde::Serialize;

    use crate::bytes::hex;
    use crate::model;
    use crate::notes::note;
    use crate::pki::keys::Loaded;

    use super::{finish, Stats};

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
                stats.count(c.expect.as_deref());
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
        let text = finish("signature", tc_id, &spec.header, &used, note, groups);
        (text, stats)
    }
}

/// The `webeid` kind, and its input store (`pki/`, `tokens/`, `ocsp/`).
pub mod webeid {
    use std::collections::{BTreeMap, BTreeSet};

    use serde::Serialize;

    use crate::pki::build::rfc3339;
    use crate::webeid::model::{self, Code, Ctx};
    use crate::webeid::notes::note;

    use super::{finish, Stats};
    use crate::pki::Person;

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
        pub flags: Vec<String>,
    }

    impl Case {
        pub fn ok(comment: impl Into<String>, input: &str, flags: &[&str]) -> Case {
            Case {
                comment: comment.into(),
                input: input.to_string(),
                over: Over::default(),
                expect: None,
                flags: flags.iter().map(|f| (*f).to_string()).collect(),
            }
        }

        pub fn bad(comment: impl Into<String>, input: &str, code: Code, flags: &[&str]) -> Case {
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
        pub name: String,
        /// One line for the README index.
        pub what: String,
        pub header: Vec<String>,
        pub groups: Vec<Group>,
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
        flags: Vec<String>,
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

    /// An anchor or responder file as DER (PEM files are decoded).
    fn cert_der(store: &Store, path: &str) -> Vec<u8> {
        let bytes = store.get(path);
        if path.ends_with(".pem") {
            crate::pki::keys::pem_to_der(std::str::from_utf8(bytes).expect("PEM is UTF-8"))
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
                used.extend(c.flags.iter().cloned());
                stats.count(c.expect);
                let o = &c.over;
                let context = (o.origin.is_some()
                    || o.nonce.is_some()
                    || o.now.is_some()
                    || o.ocsp.is_some())
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
        let text = finish("webeid", tc_id, &spec.header, &used, note, groups);
        (text, stats)
    }
}
