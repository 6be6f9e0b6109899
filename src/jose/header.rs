//! What JWS and JWE headers share: the `crit` parameter.

use crate::error::{Error, Result};
use crate::json::Json;

/// Reads `crit` (RFC 7515 §4.1.11, RFC 7516 §4.1.13): absent, or a
/// non-empty array of distinct strings, none of them a parameter the
/// specifications define (`registered`), each present in the header.
/// Any other shape is `malformed`'s error (the format's own code).
pub(super) fn crit(
    header: &Json,
    registered: &[&str],
    malformed: fn(&'static str) -> Error,
) -> Result<Vec<String>> {
    let items = match header.get("crit") {
        None => return Ok(Vec::new()),
        Some(Json::Array(items)) => items,
        Some(_) => return Err(malformed("crit is not an array")),
    };
    if items.is_empty() {
        return Err(malformed("crit is an empty list"));
    }
    let mut names: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let Json::String(name) = item else {
            return Err(malformed("crit holds strings"));
        };
        if names.contains(name) {
            return Err(malformed("crit names a parameter twice"));
        }
        if registered.contains(&name.as_str()) {
            return Err(malformed("crit names a parameter the JOSE RFCs define"));
        }
        if header.get(name).is_none() {
            return Err(malformed("crit names a parameter the header lacks"));
        }
        names.push(name.clone());
    }
    Ok(names)
}
