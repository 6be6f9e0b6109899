#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::*;
use crate::{MemoryFiles, Runner};

/// A vector file whose untrusted text tries markup, controls and a
/// bidirectional override; one case passes, two fail.
const HOSTILE: &str = r#"{
  "schema": "idbridge-vectors/1",
  "kind": "signature",
  "numberOfTests": 3,
  "notes": { "Evil<b>": { "bugType": "AUTH_BYPASS", "description": "d" } },
  "testGroups": [{
    "source": "src <i>&amp;</i>",
    "trust": { "public_key": "k.der" },
    "context": { "algorithm": "none", "signature": "" },
    "tests": [
      { "tcId": 1, "comment": "<script>alert(1)</script>\u0007\u202e\u0000", "input": { "text": "m" },
        "result": "invalid", "expectedError": "crypto.algorithm.forbidden", "flags": ["Evil<b>"] },
      { "tcId": 2, "comment": "a wrong expectation", "input": { "text": "m" }, "result": "valid" },
      { "tcId": 3, "comment": "]]> \"quoted\" 'single'", "input": { "text": "m" },
        "result": "invalid", "expectedError": "crypto.signature.invalid" }
    ]
  }]
}"#;

fn runs(explain: bool) -> Vec<FileReport> {
    let mut files = MemoryFiles::new();
    files.insert("v/hostile.json", HOSTILE.as_bytes().to_vec());
    files.insert("v/k.der", b"not a key".to_vec());
    files.insert(
        "v/bad.json",
        br#"{"schema": "idbridge-vectors/1", "kind": "<x>", "numberOfTests": 0, "testGroups": []}"#
            .to_vec(),
    );
    let runner = Runner::new(&files)
        .with_backends(&[idbridge::crypto::backend_by_name("rustcrypto").unwrap()])
        .with_explain(explain);
    vec![
        runner.run_file("v/hostile.json"),
        runner.run_file("v/bad.json"),
    ]
}

fn meta() -> ReportMeta {
    let mut m = ReportMeta::new(&["rustcrypto"]);
    m.generated_at = Some("2026-12-07T00:00:00Z <now>".into());
    m
}

#[test]
fn totals_count_kinds_sources_and_flags() {
    let t = Totals::of(&runs(false));
    assert_eq!(
        t.all,
        Tally {
            files: 2,
            cases: 4,
            passed: 1,
            failed: 3
        }
    );
    assert_eq!(t.by_kind["signature"].cases, 3);
    assert_eq!(t.by_kind["signature"].failed, 2);
    assert_eq!(t.by_kind[MALFORMED].failed, 1);
    assert_eq!(t.by_source["src <i>&amp;</i>"].passed, 1);
    assert_eq!(t.by_flag["Evil<b>"].passed, 1);
    assert_eq!(t.by_flag[NO_FLAG].failed, 2);
    assert_eq!(t.bug_types["Evil<b>"], "AUTH_BYPASS");
}

#[test]
fn junit_is_well_formed_and_counts_what_the_runner_counted() {
    let reports = runs(true);
    let xml = junit(&reports, &meta());
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("4"));
    assert_eq!(root.attribute("failures"), Some("2"));
    assert_eq!(root.attribute("errors"), Some("1"));
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 2);
    assert_eq!(suites[0].attribute("name"), Some("v/hostile.json"));
    let props: Vec<(&str, &str)> = suites[0]
        .descendants()
        .filter(|n| n.has_tag_name("property"))
        .map(|n| (n.attribute("name").unwrap(), n.attribute("value").unwrap()))
        .collect();
    assert!(props.contains(&("backends", "rustcrypto")));
    assert!(props.contains(&("idbridge.version", env!("CARGO_PKG_VERSION"))));
    assert!(props.contains(&("generated_at", "2026-12-07T00:00:00Z <now>")));
    assert!(props.iter().any(|(k, v)| *k == "sha256" && v.len() == 64));
    let cases: Vec<_> = suites[0]
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 3);
    // The comment comes back as text, its invisible characters visible.
    assert_eq!(
        cases[0].attribute("name"),
        Some("tcId=1 (<script>alert(1)</script>\\u{7}\\u{202e}\\u{0})")
    );
    assert_eq!(cases[0].attribute("classname"), Some("v.hostile"));
    assert!(cases[0].children().all(|n| !n.is_element()));
    let failure = cases[1]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("expected valid, got invalid (crypto.algorithm.forbidden)")
    );
    assert_eq!(failure.attribute("type"), Some("refused"));
    let body = failure.text().unwrap();
    assert!(body.contains("backends: rustcrypto\n"), "{body}");
    assert!(body.contains("replay") || body.contains("note"), "{body}");
    let wrong_code = cases[2]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(wrong_code.attribute("type"), Some("mismatch"));
    assert!(wrong_code
        .text()
        .unwrap()
        .contains("]]> \"quoted\" 'single'"));
    let error = suites[1]
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .unwrap();
    assert!(error
        .attribute("message")
        .unwrap()
        .starts_with("malformed vector file: unknown kind \"<x>\""));
}

#[test]
fn html_escapes_every_untrusted_string_and_loads_nothing() {
    let page = html(&runs(true), &meta());
    assert!(page.starts_with("<!DOCTYPE html>"));
    // The only markup is ours: no script, no external reference.
    assert!(
        !page.to_ascii_lowercase().contains("<script"),
        "a script got through"
    );
    assert!(!page.contains("<x>") && !page.contains("<i>") && !page.contains("<b>"));
    for needle in [
        " src=",
        "href=\"http",
        "url(",
        "@import",
        "<link",
        "<img",
        "<iframe",
    ] {
        assert!(!page.contains(needle), "{needle}");
    }
    assert!(page.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;\\u{7}\\u{202e}\\u{0}"));
    assert!(!page.contains('\u{202e}') && !page.contains('\u{7}') && !page.contains('\u{0}'));
    assert!(page.contains("src &lt;i&gt;&amp;amp;&lt;/i&gt;"));
    assert!(page.contains("2026-12-07T00:00:00Z &lt;now&gt;"));
    // Verdict, totals and the rows an auditor looks for.
    assert!(page.contains("data-passed=\"1\" data-failed=\"3\">1 passed, 3 failed</p>"));
    assert!(page.contains("<tr id=\"f0-tc2\" class=\"fail\" data-tcid=\"2\">"));
    assert!(page.contains("<tr id=\"f0-tc1\" class=\"ok\" data-tcid=\"1\">"));
    assert!(page.contains("<section id=\"failures\">"));
    assert!(page.contains("AUTH_BYPASS"));
    // The tags balance: every element we open is closed.
    for tag in [
        "html", "body", "table", "tbody", "section", "details", "dl", "tr",
    ] {
        let open =
            page.matches(&format!("<{tag}>")).count() + page.matches(&format!("<{tag} ")).count();
        let close = page.matches(&format!("</{tag}>")).count();
        assert_eq!(open, close, "<{tag}>");
    }
}
