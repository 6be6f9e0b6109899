//! The exclusive-c14n conformance pairs of `test-vectors/c14n/` (inputs and
//! libxml2's canonical outputs, listed in `manifest.json`), checked byte for
//! byte through any [`Files`], so `cargo test` and the WASM tests run the
//! same comparison.

use super::Files;
use idbridge::c14n::{Document, Element, Options};
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

/// The element at `index` in document order.
fn element_at<'a, 'i>(doc: &'a Document<'i>, index: &Value) -> Option<Element<'a, 'i>> {
    doc.elements().nth(usize::try_from(index.as_u64()?).ok()?)
}

/// `value[key]`, or null (serde_json's indexing, without the lint).
fn field<'v>(value: &'v Value, key: &str) -> &'v Value {
    value.get(key).unwrap_or(&Value::Null)
}

fn sha256_hex(b: &[u8]) -> String {
    idbridge::crypto::HashAlg::Sha256
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
        let doc = match Document::parse(&text, &idbridge::Limits::default()) {
            Ok(d) => d,
            Err(e) => {
                fail(format!("input does not parse: {e}"));
                continue;
            }
        };
        let prefixes: Vec<&str> = field(case, "inclusive_prefixes")
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut options = Options::default();
        options.with_comments = field(case, "with_comments").as_bool().unwrap_or(false);
        options.inclusive_prefixes = &prefixes;
        // A null apex is the whole document; a null exclude excludes nothing.
        let (apex, exclude) = (field(case, "apex_index"), field(case, "exclude_index"));
        let ours = if apex.is_null() {
            if !exclude.is_null() {
                fail("an excluded node in a whole-document case".into());
                continue;
            }
            doc.canonicalize(&options)
        } else {
            let Some(apex) = element_at(&doc, apex) else {
                fail("apex out of range".into());
                continue;
            };
            if exclude.is_null() {
                apex.canonicalize(&options)
            } else {
                match element_at(&doc, exclude) {
                    Some(excluded) => apex.canonicalize_without(excluded, &options),
                    None => {
                        fail("exclude out of range".into());
                        continue;
                    }
                }
            }
        };
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
