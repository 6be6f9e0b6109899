//! Disclosures and the processed payload (RFC 9901 §4.2, §7.1 steps 3 to
//! 5): every presented disclosure must be referenced exactly once by a
//! digest in the signed payload (or in another referenced disclosure), and
//! only then is its claim put in place.
//!
//! Work is linear in the input: each digest is looked up once in a hash
//! map, each disclosure is put in place at most once (a second reference
//! is a duplicate digest, so a disclosure cannot include itself), and the
//! processed payload is nested at most `max_json_depth` deep.

use crate::crypto::HashAlg;
use crate::error::{Error, ErrorCode, Result};
use crate::jose::b64;
use crate::json;
use crate::limits::Limits;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// The claim RFC 9901 §4.2.4.1 reserves for object-property digests.
const SD: &str = "_sd";
/// The key RFC 9901 §4.2.4.2 reserves for array-element digests.
const ELLIPSIS: &str = "...";

fn fail(code: ErrorCode, reason: &'static str) -> Error {
    Error::new(code, reason)
}

/// One decoded disclosure: `[salt, name, value]` (an object property) or
/// `[salt, value]` (an array element).
struct Decoded {
    name: Option<String>,
    value: Value,
}

/// Decodes a disclosure (RFC 9901 §4.2.1, §4.2.2): base64url of a JSON
/// array of 3 (string salt, string name, value) or 2 (string salt, value).
fn decode(text: &str, limits: &Limits) -> Result<Decoded> {
    let malformed = |reason| fail(ErrorCode::SdjwtDisclosureMalformed, reason);
    let bytes = b64::decode(text).ok_or_else(|| malformed("a disclosure is not base64url"))?;
    let value = json::parse_value(&bytes, limits.max_json_depth())
        .map_err(|_| malformed("a disclosure is not strict JSON"))?;
    let Value::Array(items) = value else {
        return Err(malformed("a disclosure is not a JSON array"));
    };
    let mut items = items.into_iter();
    match (items.next(), items.next(), items.next(), items.next()) {
        (Some(Value::String(_)), Some(Value::String(name)), Some(value), None) => Ok(Decoded {
            name: Some(name),
            value,
        }),
        (Some(Value::String(_)), Some(value), None, None) => Ok(Decoded { name: None, value }),
        _ => Err(malformed(
            "a disclosure is not [salt, name, value] or [salt, value] with string salt and name",
        )),
    }
}

/// The digest of a disclosure: base64url of the hash of its ASCII text
/// exactly as presented (RFC 9901 §4.2.3).
pub(crate) fn digest(hash: HashAlg, text: &str) -> String {
    b64::encode(&hash.digest(text.as_bytes()))
}

/// The state of one processing run.
struct Processor<'l> {
    /// The disclosures, each taken out when a digest references it.
    disclosures: Vec<Option<Decoded>>,
    /// Digest → index into `disclosures`.
    by_digest: HashMap<String, usize>,
    /// Every digest met so far, decoys included.
    seen: HashSet<String>,
    limits: &'l Limits,
}

/// Processes `payload` (the issuer-signed JWT's claims, `_sd_alg` already
/// read) with the presented `disclosures`: the checks of check 4, in order.
pub(crate) fn process(
    mut payload: Map<String, Value>,
    disclosures: &[&str],
    hash: HashAlg,
    limits: &Limits,
) -> Result<Map<String, Value>> {
    // The same disclosure string twice: the same digest (the digest is a
    // hash of the string, so equal digests are equal strings), found while
    // the digest map is built, before any disclosure is decoded.
    let mut by_digest = HashMap::with_capacity(disclosures.len());
    for (i, text) in disclosures.iter().enumerate() {
        if by_digest.insert(digest(hash, text), i).is_some() {
            return Err(fail(
                ErrorCode::SdjwtDisclosureDuplicate,
                "the same disclosure is presented twice",
            ));
        }
    }
    let mut decoded = Vec::with_capacity(disclosures.len());
    for text in disclosures {
        decoded.push(Some(decode(text, limits)?));
    }
    payload.remove("_sd_alg");
    let mut processor = Processor {
        disclosures: decoded,
        by_digest,
        // Every presented disclosure's digest is met once, and decoys
        // beside them: room for both without rehashing in the usual case.
        seen: HashSet::with_capacity(disclosures.len().saturating_mul(2).saturating_add(8)),
        limits,
    };
    let processed = processor.object(payload, 1)?;
    if processor.disclosures.iter().any(Option::is_some) {
        return Err(fail(
            ErrorCode::SdjwtDisclosureUnreferenced,
            "a disclosure is referenced by no digest",
        ));
    }
    Ok(processed)
}

impl Processor<'_> {
    fn deeper(&self, depth: usize) -> Result<usize> {
        if depth >= self.limits.max_json_depth() {
            return Err(Error::with_detail(
                ErrorCode::InputTooLarge,
                format!(
                    "the processed payload is nested deeper than {}",
                    self.limits.max_json_depth()
                ),
            ));
        }
        Ok(depth + 1)
    }

    /// Records `digest` as met; the disclosure it references, if presented.
    fn reference(&mut self, digest: String) -> Result<Option<Decoded>> {
        let index = self.by_digest.get(&digest).copied();
        if !self.seen.insert(digest) {
            return Err(fail(
                ErrorCode::SdjwtDigestDuplicate,
                "a digest appears twice in the payload and the disclosures",
            ));
        }
        Ok(index.and_then(|i| self.disclosures.get_mut(i).and_then(Option::take)))
    }

    fn value(&mut self, value: Value, depth: usize) -> Result<Value> {
        match value {
            Value::Object(members) => Ok(Value::Object(self.object(members, depth)?)),
            Value::Array(items) => self.array(items, depth),
            other => Ok(other),
        }
    }

    /// An object: its own members processed, then its `_sd` digests
    /// replaced by the claims they disclose (RFC 9901 §7.1 step 3.3).
    fn object(
        &mut self,
        mut members: Map<String, Value>,
        depth: usize,
    ) -> Result<Map<String, Value>> {
        let inner = self.deeper(depth)?;
        let sd = members.remove(SD);
        // The members processed in place (no second map to hash every name
        // into again).
        for value in members.values_mut() {
            let taken = std::mem::take(value);
            *value = self.value(taken, inner)?;
        }
        let mut out = members;
        let Some(sd) = sd else {
            return Ok(out);
        };
        let Value::Array(digests) = sd else {
            return Err(fail(ErrorCode::SdjwtClaimsInvalid, "_sd is not an array"));
        };
        for digest in digests {
            let Value::String(digest) = digest else {
                return Err(fail(
                    ErrorCode::SdjwtClaimsInvalid,
                    "_sd holds something other than strings",
                ));
            };
            // A digest without a disclosure is a decoy or an undisclosed claim.
            let Some(disclosure) = self.reference(digest)? else {
                continue;
            };
            let Some(name) = disclosure.name else {
                return Err(fail(
                    ErrorCode::SdjwtDisclosureMalformed,
                    "an array-element disclosure is referenced from _sd",
                ));
            };
            if name == SD || name == ELLIPSIS {
                return Err(fail(
                    ErrorCode::SdjwtClaimNameForbidden,
                    "a disclosure names its claim _sd or ...",
                ));
            }
            if out.contains_key(&name) {
                return Err(fail(
                    ErrorCode::SdjwtClaimNameConflict,
                    "a disclosure names a claim the object already has",
                ));
            }
            let value = self.value(disclosure.value, inner)?;
            out.insert(name, value);
        }
        Ok(out)
    }

    /// An array: each `{"...": digest}` element replaced by the value it
    /// discloses, or dropped when no disclosure matches (RFC 9901 §7.1
    /// step 3.4).
    fn array(&mut self, items: Vec<Value>, depth: usize) -> Result<Value> {
        let inner = self.deeper(depth)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let digest = match &item {
                Value::Object(m) if m.len() == 1 => m.get(ELLIPSIS),
                _ => None,
            };
            let Some(digest) = digest else {
                out.push(self.value(item, inner)?);
                continue;
            };
            let Value::String(digest) = digest else {
                return Err(fail(
                    ErrorCode::SdjwtClaimsInvalid,
                    "an array element's ... is not a string",
                ));
            };
            let Some(disclosure) = self.reference(digest.clone())? else {
                continue;
            };
            if disclosure.name.is_some() {
                return Err(fail(
                    ErrorCode::SdjwtDisclosureMalformed,
                    "an object-property disclosure is referenced from an array element",
                ));
            }
            out.push(self.value(disclosure.value, inner)?);
        }
        Ok(Value::Array(out))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn disclose(json: &str) -> String {
        b64::encode(json.as_bytes())
    }

    fn run(payload: Value, disclosures: &[&str]) -> Result<Map<String, Value>> {
        let Value::Object(m) = payload else {
            unreachable!()
        };
        process(m, disclosures, HashAlg::Sha256, &Limits::default())
    }

    #[test]
    fn rfc_9901_digest_example() {
        // RFC 9901 §4.2.1's example disclosure and its SHA-256 digest.
        let d = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0";
        assert_eq!(
            digest(HashAlg::Sha256, d),
            "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"
        );
    }

    #[test]
    fn nested_and_array_disclosures_are_put_in_place_decoys_dropped() {
        let inner = disclose(r#"["s3","locality","Roma"]"#);
        let outer = disclose(&format!(
            r#"["s1","place",{{"_sd":["{}"],"country":"IT"}}]"#,
            digest(HashAlg::Sha256, &inner)
        ));
        let elem = disclose(r#"["s2","IT"]"#);
        let payload = serde_json::json!({
            "_sd": [digest(HashAlg::Sha256, &outer), "decoy-digest"],
            "nat": [{"...": digest(HashAlg::Sha256, &elem)}, {"...": "decoy2"}, "FR"],
            "_sd_alg": "sha-256",
        });
        let out = run(payload, &[&outer, &inner, &elem]).unwrap();
        assert_eq!(
            Value::Object(out),
            serde_json::json!({"place": {"country": "IT", "locality": "Roma"}, "nat": ["IT", "FR"]})
        );
    }

    #[test]
    fn a_disclosure_that_includes_its_own_digest_is_a_duplicate() {
        // A disclosure cannot hold its own digest (that would need a hash
        // fixed point), but two digests of one disclosure in the payload
        // must not put it in place twice.
        let d = disclose(r#"["s","a",1]"#);
        let h = digest(HashAlg::Sha256, &d);
        let payload = serde_json::json!({"_sd": [h.clone()], "x": {"_sd": [h]}});
        assert_eq!(
            run(payload, &[&d]).unwrap_err().code(),
            "sdjwt.digest.duplicate"
        );
    }

    #[test]
    fn wrong_places_and_shapes() {
        let elem = disclose(r#"["s2","IT"]"#);
        let prop = disclose(r#"["s1","a","b"]"#);
        let cases: Vec<(Value, Vec<&str>, &str)> = vec![
            (
                serde_json::json!({"_sd": [digest(HashAlg::Sha256, &elem)]}),
                vec![&elem],
                "sdjwt.disclosure.malformed",
            ),
            (
                serde_json::json!({"a": [{"...": digest(HashAlg::Sha256, &prop)}]}),
                vec![&prop],
                "sdjwt.disclosure.malformed",
            ),
            (
                serde_json::json!({"_sd": "x"}),
                vec![],
                "sdjwt.claims.invalid",
            ),
            (
                serde_json::json!({"_sd": [1]}),
                vec![],
                "sdjwt.claims.invalid",
            ),
            (
                serde_json::json!({"a": [{"...": 1}]}),
                vec![],
                "sdjwt.claims.invalid",
            ),
            (
                serde_json::json!({"_sd": ["d", "d"]}),
                vec![],
                "sdjwt.digest.duplicate",
            ),
            (
                serde_json::json!({}),
                vec![&prop],
                "sdjwt.disclosure.unreferenced",
            ),
        ];
        for (payload, disclosures, code) in cases {
            assert_eq!(
                run(payload.clone(), &disclosures).unwrap_err().code(),
                code,
                "{payload}"
            );
        }
        for bad in [
            "!!",
            "e30",
            "WyJzIl0",
            "WzEsImEiLDJd",
            "WyJzIiwxLDJd",
            "WyJzIiwiYSIsMSwyXQ",
        ] {
            let payload = serde_json::json!({"_sd": [digest(HashAlg::Sha256, bad)]});
            assert_eq!(
                run(payload, &[bad]).unwrap_err().code(),
                "sdjwt.disclosure.malformed",
                "{bad}"
            );
        }
    }
}
