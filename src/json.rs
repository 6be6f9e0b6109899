//! JSON read strictly: UTF-8 first, no duplicate keys at any level, bounded
//! nesting, nothing after the value.
//!
//! RFC 8259 §4 leaves duplicate names' meaning to each parser; RFC 7493
//! (I-JSON) §2.3 forbids them. Two parsers that resolve a duplicate
//! differently read two different tokens from the same bytes, so a token
//! with a duplicate key is refused outright.

use crate::error::{Error, ErrorCode, Result};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
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
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format!("duplicate key {key:?}")));
            }
            let value = map.next_value_seed(inner)?;
            members.push((key, value));
        }
        Ok(Json::Object(members))
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
    }
}
