//! The exclusive-c14n conformance pairs of `test-vectors/c14n/` (inputs and
//! libxml2's canonical outputs, listed in `manifest.json`), checked byte for
//! byte through any [`Files`], so `cargo test` and the WASM tests run the
//! same comparison.

use super::Files;
use crate::xml::c14n::{self, Options};
use serde_json::Value;

/// What the pairs gave.
#[derive(Clone, Debug, Default)]
pub struct C14nReport {
    /// Outputs identical to libxml2's.
    pub matched: usize,
    /// Inputs both libxml2 and idbridge refuse (relative namespace URIs).
    pub both_refused: usize,
    /// Documented cases where idbridge follows the W3C text and libxml2 does not.
    pub expected_differences: usize,
    /// One line per case that failed.
    pub failures: Vec<String>,
}

fn element_at<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
    index: &Value,
) -> Option<roxmltree::Node<'a, 'i>> {
    match index.as_u64() {
        None => Some(doc.root()),
        Some(i) => doc
            .descendants()
            .filter(|n| n.is_element())
            .nth(usize::try_from(i).ok()?),
    }
}

/// `value[key]`, or null (serde_json's indexing, without the lint).
fn field<'v>(value: &'v Value, key: &str) -> &'v Value {
    value.get(key).unwrap_or(&Value::Null)
}

fn sha256_hex(b: &[u8]) -> String {
    crate::crypto::HashAlg::Sha256
        .digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Runs every pair of the manifest at `manifest_path` (paths inside it are
/// relative to its folder).
pub fn check_c14n_pairs(files: &dyn Files, manifest_path: &str) -> Result<C14nReport, String> {
    let manifest: Value =
        serde_json::from_slice(&files.read(manifest_path)?).map_err(|e| e.to_string())?;
    let cases = field(&manifest, "cases")
        .as_array()
        .ok_or("manifest: no cases")?;
    if Some(cases.len() as u64) != field(&manifest, "numberOfCases").as_u64() {
        return Err("manifest: numberOfCases does not match".into());
    }
    let read = |rel: &str| files.read(&super::sibling(manifest_path, rel));
    let mut r = C14nReport::default();
    for case in cases {
        let id = field(case, "id").as_str().unwrap_or("?");
        let mut fail = |why: String| r.failures.push(format!("{id}: {why}"));
        let input = match field(case, "input").as_str().map(read) {
            Some(Ok(b)) => b,
            _ => {
                fail("input missing".into());
                continue;
            }
        };
        let Ok(text) = String::from_utf8(input) else {
            fail("input not UTF-8".into());
            continue;
        };
        let doc = match crate::xml::parse::parse(&text, &crate::Limits::default()) {
            Ok(d) => d,
            Err(e) => {
                fail(format!("input does not parse: {e}"));
                continue;
            }
        };
        let (Some(apex), exclude) = (
            element_at(&doc, field(case, "apex_index")),
            if field(case, "exclude_index").is_null() {
                None
            } else {
                element_at(&doc, field(case, "exclude_index")).map(|n| n.id())
            },
        ) else {
            fail("apex out of range".into());
            continue;
        };
        let prefixes: Vec<&str> = field(case, "inclusive_prefixes")
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let ours = c14n::to_vec(
            apex,
            &Options {
                with_comments: field(case, "with_comments").as_bool().unwrap_or(false),
                inclusive_prefixes: &prefixes,
                exclude,
            },
        );
        if field(case, "lxml_error").is_string() {
            match ours {
                Err(e) if e.code() == "xml.malformed" => r.both_refused += 1,
                other => fail(format!("libxml2 refused it, we gave {other:?}")),
            }
            continue;
        }
        let ours = match ours {
            Ok(b) => b,
            Err(e) => {
                fail(format!("we refused it: {e}"));
                continue;
            }
        };
        let theirs = match field(case, "output").as_str().map(read) {
            Some(Ok(b)) => b,
            _ => {
                fail("output missing".into());
                continue;
            }
        };
        if Some(sha256_hex(&theirs).as_str()) != field(case, "sha256").as_str() {
            fail("the committed output does not match its sha256".into());
            continue;
        }
        match field(case, "expected_difference").as_object() {
            None if ours == theirs => r.matched += 1,
            None => fail("differs from libxml2".into()),
            Some(diff) => match diff.get("spec_output").and_then(Value::as_str).map(read) {
                Some(Ok(spec)) if ours == spec && ours != theirs => r.expected_differences += 1,
                _ => fail("differs from the W3C reading in spec/".into()),
            },
        }
    }
    Ok(r)
}
