//! The signed Assertion held to its schema (issue 20, item 3), through the
//! public API: every generated case of `test-vectors/spid/schema.json` and
//! `test-vectors/cie/schema.json` is verified with `explain`, and a refused
//! case must be refused by the step that owns its rule — the Assertion's
//! schema (`saml.structure.invalid`, right after its signature), or the
//! attributes and identity (`saml.attribute.invalid`) — after every earlier
//! step passed: the defects sit in signed content, nothing else is wrong.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idbridge::{cie, spid, Trust, UnixTime};
use serde_json::Value;
use std::path::PathBuf;

fn run(kind: &str) -> usize {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("test-vectors")
        .join(kind);
    let file: Value =
        serde_json::from_slice(&std::fs::read(dir.join("schema.json")).unwrap()).unwrap();
    let mut seen = 0;
    for group in file["testGroups"].as_array().unwrap() {
        let mut trust = Trust::builder();
        for m in group["trust"]["idp_metadata"].as_array().unwrap() {
            trust = trust
                .pin_saml_idp_metadata(&std::fs::read(dir.join(m.as_str().unwrap())).unwrap())
                .unwrap();
        }
        let trust = trust.build().unwrap();
        let ctx = &group["context"];
        let s = |k: &str| ctx[k].as_str().unwrap();
        let mut exp = spid::Expectations::new(s("sp_entity_id"), s("acs_url"), s("request_id"));
        exp.min_level = match s("min_level") {
            "SpidL3" => spid::Level::L3,
            "SpidL2" => spid::Level::L2,
            _ => spid::Level::L1,
        };
        exp.comparison = match s("comparison") {
            "exact" => spid::Comparison::Exact,
            _ => spid::Comparison::Minimum,
        };
        exp.request_issue_instant =
            Some(UnixTime::parse_rfc3339(s("request_issue_instant")).unwrap());
        exp.input = spid::InputEncoding::Xml;
        let now = UnixTime::parse_rfc3339(s("now")).unwrap();
        for t in group["tests"].as_array().unwrap() {
            let input = std::fs::read(dir.join(t["input"]["file"].as_str().unwrap())).unwrap();
            let (audit, result) = if kind == "cie" {
                cie::explain(&trust, &input, &exp, now)
            } else {
                spid::explain(&trust, &input, &exp, now)
            };
            let steps: Vec<_> = audit.steps().iter().map(|s| s.check).collect();
            let at = |name: &str| steps.iter().position(|c| *c == name).unwrap();
            // The schema step comes right after the Assertion's signature.
            assert_eq!(
                at("assertion schema"),
                at("assertion signature") + 1,
                "{steps:?}"
            );
            let failed: Vec<_> = audit
                .steps()
                .iter()
                .filter(|s| s.failed.is_some())
                .collect();
            let tc = &t["tcId"];
            match t["result"].as_str().unwrap() {
                "valid" => {
                    assert!(result.is_ok(), "{kind} {tc}: {:?}", result.err());
                    assert!(failed.is_empty());
                }
                _ => {
                    let code = result.unwrap_err().code();
                    let want = t["expectedError"].as_str().unwrap();
                    assert_eq!(code, want, "{kind} {tc}");
                    // Only the last step failed, and it is the rule's own.
                    assert_eq!(failed.len(), 1, "{kind} {tc}");
                    let owner = match want {
                        "saml.structure.invalid" => vec!["assertion schema"],
                        "saml.attribute.invalid" => vec!["attributes", "identity"],
                        other => panic!("{kind} {tc}: unexpected code {other}"),
                    };
                    assert!(
                        owner.contains(&failed[0].check),
                        "{kind} {tc}: {}",
                        failed[0].check
                    );
                    assert_eq!(steps.last(), Some(&failed[0].check));
                }
            }
            seen += 1;
        }
    }
    seen
}

#[test]
fn spid_schema_cases_fail_at_their_own_step() {
    assert!(run("spid") >= 59);
}

#[test]
fn cie_schema_cases_fail_at_their_own_step() {
    assert!(run("cie") >= 10);
}
