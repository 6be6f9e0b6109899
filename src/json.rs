//! JSON read strictly: UTF-8 first, no duplicate keys at any level, bounded
//! nesting, nothing after the value.
//!
//! RFC 8259 §4 leaves duplicate names' meaning to each parser; RFC 7493
//! (I-JSON) §2.3 forbids them. Two parsers that resolve a duplicate
//! differently read two different tokens from the same bytes, so a token
//! with a duplicate key is refused outright.

use crate::error::{Error, ErrorCode, Result};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A JSON value with object members kept in document order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number,
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The member `name` of an object (`None` for other values).
    #[cfg_attr(not(any(feature = "jose", feature = "webeid")), allow(dead_code))] // the duplicate-refusing tree: jose and Web eID
    pub(crate) fn get(&self, name: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Parses `bytes` as one JSON value: `input.encoding` when not UTF-8,
/// `input.json` when not JSON, with a duplicate key, or nested deeper than
/// `max_depth`.
#[cfg_attr(not(any(feature = "jose", feature = "webeid")), allow(dead_code))] // the duplicate-refusing tree: jose and Web eID
pub(crate) fn parse(bytes: &[u8], max_depth: usize) -> Result<Json> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::new(ErrorCode::InputEncoding, "the input is not UTF-8"))?;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Seed {
        depth: 0,
        max_depth,
    }
    .deserialize(&mut de)
    .map_err(|e| Error::with_detail(ErrorCode::InputJson, format!("malformed JSON: {e}")))?;
    de.end()
        .map_err(|_| Error::new(ErrorCode::InputJson, "data after the JSON value"))?;
    Ok(value)
}

/// [`parse`]'s strict reading (UTF-8, no duplicate key at any level,
/// nesting at most `max_depth`, nothing after the value, the same error
/// codes) that keeps the values: for schemes that read the claims, so a
/// document is parsed once.
#[cfg_attr(
    not(any(feature = "oidc", feature = "sdjwt", feature = "smartid")),
    allow(dead_code)
)] // read by oidc/, sdjwt/ and smartid/
pub(crate) fn parse_value(bytes: &[u8], max_depth: usize) -> Result<serde_json::Value> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::new(ErrorCode::InputEncoding, "the input is not UTF-8"))?;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = ValueSeed(Seed {
        depth: 0,
        max_depth,
    })
    .deserialize(&mut de)
    .map_err(|e| Error::with_detail(ErrorCode::InputJson, format!("malformed JSON: {e}")))?;
    de.end()
        .map_err(|_| Error::new(ErrorCode::InputJson, "data after the JSON value"))?;
    Ok(value)
}

/// `value` as a [`Json`] (objects in `serde_json`'s member order), for
/// readers of this module's type given a value [`parse_value`] read: no
/// second parse of the text.
#[cfg_attr(not(feature = "oidc"), allow(dead_code))] // read by oidc/ only
pub(crate) fn from_value(value: &serde_json::Value) -> Json {
    match value {
        serde_json::Value::Null => Json::Null,
        serde_json::Value::Bool(b) => Json::Bool(*b),
        serde_json::Value::Number(_) => Json::Number,
        serde_json::Value::String(s) => Json::String(s.clone()),
        serde_json::Value::Array(items) => Json::Array(items.iter().map(from_value).collect()),
        serde_json::Value::Object(members) => Json::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), from_value(v)))
                .collect(),
        ),
    }
}

/// Whether `members` (short: a JOSE header, a claims object) names a key
/// twice, without hashing: pairwise below 16 members, sorted above.
fn has_duplicate(members: &[(String, Json)]) -> bool {
    if members.len() < 16 {
        members
            .iter()
            .enumerate()
            .any(|(i, (k, _))| members.iter().skip(i + 1).any(|(other, _)| other == k))
    } else {
        let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        keys.sort_unstable();
        keys.windows(2).any(|w| matches!(w, [a, b] if a == b))
    }
}

#[derive(Clone, Copy)]
struct Seed {
    depth: usize,
    max_depth: usize,
}

impl Seed {
    fn deeper<E: serde::de::Error>(self) -> core::result::Result<Seed, E> {
        if self.depth >= self.max_depth {
            return Err(E::custom("nested too deeply"));
        }
        Ok(Seed {
            depth: self.depth + 1,
            max_depth: self.max_depth,
        })
    }
}

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Json;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<Json, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> core::result::Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> core::result::Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, _: i64) -> core::result::Result<Json, E> {
        Ok(Json::Number)
    }
    fn visit_u64<E>(self, _: u64) -> core::result::Result<Json, E> {
        Ok(Json::Number)
    }
    fn visit_f64<E>(self, _: f64) -> core::result::Result<Json, E> {
        Ok(Json::Number)
    }
    fn visit_str<E>(self, v: &str) -> core::result::Result<Json, E> {
        Ok(Json::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> core::result::Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> core::result::Result<Json, A::Error> {
        let inner = self.deeper()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> core::result::Result<Json, A::Error> {
        let inner = self.deeper()?;
        let mut members = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(inner)?;
            members.push((key, value));
        }
        if has_duplicate(&members) {
            return Err(serde::de::Error::custom("duplicate key"));
        }
        Ok(Json::Object(members))
    }
}

/// [`Seed`]'s rules, building a `serde_json::Value` (a duplicate shows as
/// a member the map already holds).
#[cfg_attr(not(any(feature = "oidc", feature = "sdjwt")), allow(dead_code))] // read by oidc/ and sdjwt/ only
#[derive(Clone, Copy)]
struct ValueSeed(Seed);

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = serde_json::Value;
    fn deserialize<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> core::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> core::result::Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_bool<E>(self, v: bool) -> core::result::Result<Self::Value, E> {
        Ok(serde_json::Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> core::result::Result<Self::Value, E> {
        Ok(serde_json::Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> core::result::Result<Self::Value, E> {
        Ok(serde_json::Value::Number(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> core::result::Result<Self::Value, E> {
        serde_json::Number::from_f64(v)
            .map(serde_json::Value::Number)
            .ok_or_else(|| E::custom("a number out of range"))
    }
    fn visit_str<E>(self, v: &str) -> core::result::Result<Self::Value, E> {
        Ok(serde_json::Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> core::result::Result<Self::Value, E> {
        Ok(serde_json::Value::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> core::result::Result<Self::Value, A::Error> {
        let inner = ValueSeed(self.0.deeper()?);
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> core::result::Result<Self::Value, A::Error> {
        let inner = ValueSeed(self.0.deeper()?);
        let mut members = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(inner)?;
            if members.insert(key, value).is_some() {
                return Err(serde::de::Error::custom("duplicate key"));
            }
        }
        Ok(serde_json::Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_depth_and_trailing_data() {
        assert!(parse(br#"{"a":1,"b":[1,{"c":null}]}"#, 8).is_ok());
        let dup = parse(br#"{"a":1,"a":1}"#, 8).unwrap_err();
        assert_eq!(dup.code(), "input.json");
        assert_eq!(
            parse(br#"{"x":{"a":1,"a":2}}"#, 8).unwrap_err().code(),
            "input.json"
        );
        assert_eq!(parse(b"[[[[1]]]]", 3).unwrap_err().code(), "input.json");
        assert!(parse(b"[[[1]]]", 3).is_ok());
        assert_eq!(parse(b"{} {}", 8).unwrap_err().code(), "input.json");
        assert_eq!(parse(b"\xff", 8).unwrap_err().code(), "input.encoding");
        let deep = "[".repeat(100_000);
        assert_eq!(parse(deep.as_bytes(), 32).unwrap_err().code(), "input.json");
        // Many members: the sorted duplicate check.
        let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
        let ok = format!("{{{}}}", many.join(","));
        assert!(parse(ok.as_bytes(), 8).is_ok());
        let dup = format!("{{{},\"k7\":0}}", many.join(","));
        assert_eq!(parse(dup.as_bytes(), 8).unwrap_err().code(), "input.json");
    }

    #[test]
    fn parse_value_is_as_strict_and_keeps_values() {
        let v = parse_value(br#"{"a":1,"b":[1.5,{"c":null}],"d":"x","e":true}"#, 8).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a":1,"b":[1.5,{"c":null}],"d":"x","e":true})
        );
        let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
        let cases: [(&[u8], usize, &str); 7] = [
            (br#"{"a":1,"a":1}"#, 8, "input.json"),
            (br#"{"x":{"a":1,"a":2}}"#, 8, "input.json"),
            (b"[[[[1]]]]", 3, "input.json"),
            (b"{} {}", 8, "input.json"),
            (b"\xff", 8, "input.encoding"),
            (b"{\"a\":1e999}", 8, "input.json"),
            (b"", 8, "input.json"),
        ];
        for (bytes, depth, code) in cases {
            assert_eq!(parse_value(bytes, depth).unwrap_err().code(), code);
            assert_eq!(parse(bytes, depth).unwrap_err().code(), code);
        }
        assert!(parse_value(b"[[[1]]]", 3).is_ok());
        let dup = format!("{{{},\"k39\":0}}", many.join(","));
        assert_eq!(
            parse_value(dup.as_bytes(), 8).unwrap_err().code(),
            "input.json"
        );
        let deep = "[".repeat(100_000);
        assert_eq!(
            parse_value(deep.as_bytes(), 32).unwrap_err().code(),
            "input.json"
        );
        let text = br#"{"a":1,"b":[true,{"c":null,"d":"x"}]}"#;
        assert_eq!(
            from_value(&parse_value(text, 8).unwrap()),
            parse(text, 8).unwrap()
        );
    }
}
