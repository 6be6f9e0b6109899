//! XML-DSig on real signed documents: the ten signed SP metadata files of
//! spid-sp-test (in ../shared when present) verify, and flipping one byte
//! of each signed part makes each fail with the right code. Run through the
//! public vector runner, on every backend.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use idbridge_vectors::{MemoryFiles, Runner};

fn vector(tests: &str, n: usize) -> String {
    format!(
        r#"{{"schema":"idbridge-vectors/1","kind":"xmldsig","numberOfTests":{n},"testGroups":[{{"source":"spid-sp-test signed metadata","trust":{{"certificates":["priv_crt.pem","pub_crt.pem"]}},"context":{{"now":"2026-01-01T00:00:00Z"}},"tests":[{tests}]}}]}}"#
    )
}

/// Replaces the first occurrence of `from` after `anchor` with `to`.
fn mutate(text: &str, anchor: &str, from: &str, to: &str) -> String {
    let start = text.find(anchor).unwrap_or_else(|| panic!("no {anchor}"));
    let at = start + text[start..].find(from).unwrap();
    format!("{}{}{}", &text[..at], to, &text[at + from.len()..])
}

#[test]
fn signed_sp_metadata_verifies_and_every_signed_part_is_bound() {
    let test = "signed_sp_metadata_verifies_and_every_signed_part_is_bound";
    let Some(dir) = common::shared::path(test, "data/spid/sptest_metadata") else {
        return;
    };
    let mut files = MemoryFiles::new();
    for cert in ["priv_crt.pem", "pub_crt.pem"] {
        files.insert(&format!("v/{cert}"), std::fs::read(dir.join(cert)).unwrap());
    }
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("_signed.xml"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 10);
    let mut tests = Vec::new();
    let mut id = 0;
    for name in &names {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let mut case = |suffix: &str, body: String, result: &str| {
            id += 1;
            let file = format!("{name}.{suffix}.xml");
            files.insert(&format!("v/{file}"), body.into_bytes());
            let expectation = if result == "valid" {
                r#""result":"valid""#.to_string()
            } else {
                format!(r#""result":"invalid","expectedError":"{result}""#)
            };
            tests.push(format!(r#"{{"tcId":{id},"comment":"{name} {suffix}","input":{{"file":"{file}"}},{expectation}}}"#));
        };
        case("as-signed", text.clone(), "valid");
        // The signed content: one character of the entityID.
        case(
            "content",
            mutate(&text, "entityID=\"", "entityID=\"h", "entityID=\"H"),
            "xmldsig.digest.mismatch",
        );
        // SignedInfo: one base64 character of the DigestValue.
        let dv = text.find("DigestValue>").unwrap() + "DigestValue>".len();
        let c = &text[dv..dv + 1];
        let flipped = if c == "A" { "B" } else { "A" };
        case(
            "signedinfo",
            format!("{}{}{}", &text[..dv], flipped, &text[dv + 1..]),
            "xmldsig.digest.mismatch",
        );
        // SignatureValue: one base64 character.
        let sv = text.find("SignatureValue>").unwrap() + "SignatureValue>".len();
        let sv = sv
            + text[sv..]
                .find(|ch: char| ch.is_ascii_alphanumeric())
                .unwrap()
            + 5;
        let c = &text[sv..sv + 1];
        let flipped = if c == "A" { "B" } else { "A" };
        case(
            "signaturevalue",
            format!("{}{}{}", &text[..sv], flipped, &text[sv + 1..]),
            "xmldsig.signature.invalid",
        );
    }
    files.insert(
        "v/v.json",
        vector(&tests.join(","), tests.len()).into_bytes(),
    );
    let report = Runner::new(&files).run_file("v/v.json");
    let failures: Vec<_> = report
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("FAIL"))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(report.passed(), 40);
}
