//! A strict, bounded CBOR reader over borrowed bytes (RFC 8949), and the
//! few encoders the COSE and mdoc structures need.
//!
//! [`Document::parse`] reads one data item in a single pass without
//! recursion and keeps the exact byte span of every item, so digests and
//! signatures are computed over the bytes as received: nothing is ever
//! re-encoded. The checks, in the order their codes win:
//!
//! - `cbor.malformed`: not well formed (RFC 8949 §3, Appendix F):
//!   truncation, additional information 28–30, a break or an indefinite
//!   length where none may be, a length or count larger than the bytes
//!   left (refused before anything is allocated: each item takes at least
//!   one byte, so a count is compared with the bytes that remain), a
//!   two-byte simple value below 32, bytes after the item;
//! - `cbor.limits.exceeded`: more than [`Limits::max_cbor_depth`] levels
//!   (arrays, maps and tags count one each) or more than
//!   [`Limits::max_cbor_items`] items, checked as they are met;
//! - `cbor.serialization.invalid`: not preferred serialization (§4.1): an
//!   integer, length or tag argument wider than needed, or any indefinite
//!   length (ISO/IEC 18013-5 §8.1 requires preferred serialization; floats
//!   are not checked);
//! - `cbor.invalid`: well formed but not valid (§5.3, §5.6): a text string
//!   that is not UTF-8, a map key repeated (keys compared by their encoded
//!   bytes, which preferred serialization makes unique per value).
//!
//! Map keys may come in any order (18013-5 asks for no deterministic
//! encoding).
//!
//! ```
//! use idbridge::cbor::Document;
//! use idbridge::Limits;
//! // {"a": [1, h'ff']}
//! let bytes = [0xa1, 0x61, 0x61, 0x82, 0x01, 0x41, 0xff];
//! let doc = Document::parse(&bytes, &Limits::default())?;
//! let list = doc.root().get_text_key("a").unwrap();
//! assert_eq!(list.raw(), &[0x82, 0x01, 0x41, 0xff]);
//! assert_eq!(list.array().unwrap().len(), 2);
//! // A repeated key is refused:
//! let err = Document::parse(&[0xa2, 0x01, 0x01, 0x01, 0x02], &Limits::default()).unwrap_err();
//! assert_eq!(err.code(), "cbor.invalid");
//! # Ok::<(), idbridge::Error>(())
//! ```

use crate::error::{Error, ErrorCode, Result};
use crate::limits::Limits;

mod diag;
mod encode;

pub use diag::diagnostic;
pub(crate) use encode::Encoder;

fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::CborMalformed, reason)
}

/// One decoded item's head, span and place in the tree.
#[derive(Clone, Copy, Debug)]
struct Node {
    major: u8,
    /// The head's argument (a value, a length, a count or a tag number;
    /// for major type 7 the simple value or the float's bits).
    arg: u64,
    /// Additional information of the head (tells floats from simple values).
    ai: u8,
    /// First byte of the item.
    start: usize,
    /// First byte after the head.
    body: usize,
    /// First byte after the whole item.
    end: usize,
    /// Index of the first node after this item's subtree.
    next: usize,
}

/// A parsed CBOR data item: the input and its tree of spans.
#[derive(Clone, Debug)]
pub struct Document<'a> {
    bytes: &'a [u8],
    nodes: Vec<Node>,
}

enum Open {
    /// A definite array, map (2 × pairs) or tag (1) with items left.
    Items { node: usize, left: u64 },
    /// An indefinite array or map (`map`), items seen so far.
    IndefItems { map: bool, count: u64 },
    /// An indefinite byte or text string of major type `major`.
    IndefString { major: u8 },
}

impl<'a> Document<'a> {
    /// Parses exactly one data item filling `bytes`, under `limits`.
    pub fn parse(bytes: &'a [u8], limits: &Limits) -> Result<Document<'a>> {
        if bytes.len() > limits.max_input_bytes() {
            return Err(Error::new(
                ErrorCode::InputTooLarge,
                "the CBOR input is larger than the input limit",
            ));
        }
        // Each item takes at least one byte: a guess, bounded by the input,
        // that saves most of the growing.
        let mut nodes: Vec<Node> = Vec::with_capacity((bytes.len() / 16).clamp(4, 256));
        let mut stack: Vec<Open> = Vec::new();
        let mut depth: usize = 0;
        let mut items: usize = 0;
        let mut pos: usize = 0;
        let mut non_preferred = false;
        let mut invalid: Option<Error> = None;
        let too_deep = || {
            Error::with_detail(
                ErrorCode::CborLimitsExceeded,
                format!("CBOR nested deeper than {} levels", limits.max_cbor_depth()),
            )
        };
        loop {
            let start = pos;
            let ib = *bytes
                .get(pos)
                .ok_or_else(|| malformed("the CBOR input ends inside an item"))?;
            pos += 1;
            let major = ib >> 5;
            let ai = ib & 0x1f;
            if let Some(Open::IndefString { major: m }) = stack.last() {
                if ib != 0xff && (major != *m || ai == 31) {
                    return Err(malformed(
                        "a chunk of an indefinite-length string is not a definite string of its type",
                    ));
                }
            }
            if ai == 31 {
                non_preferred = true;
                match major {
                    2 | 3 => {
                        items += 1;
                        if items > limits.max_cbor_items() {
                            return Err(too_many(limits));
                        }
                        stack.push(Open::IndefString { major });
                        continue;
                    }
                    4 | 5 => {
                        items += 1;
                        if items > limits.max_cbor_items() {
                            return Err(too_many(limits));
                        }
                        depth += 1;
                        if depth > limits.max_cbor_depth() {
                            return Err(too_deep());
                        }
                        stack.push(Open::IndefItems {
                            map: major == 5,
                            count: 0,
                        });
                        continue;
                    }
                    7 => match stack.last() {
                        Some(Open::IndefItems { map, count }) => {
                            if *map && count % 2 == 1 {
                                return Err(malformed(
                                    "an indefinite-length map ends after a key with no value",
                                ));
                            }
                            stack.pop();
                            depth = depth.saturating_sub(1);
                        }
                        Some(Open::IndefString { .. }) => {
                            stack.pop();
                        }
                        _ => {
                            return Err(malformed("a break code outside an indefinite-length item"))
                        }
                    },
                    _ => return Err(malformed("an indefinite length on an integer or a tag")),
                }
            } else {
                items += 1;
                if items > limits.max_cbor_items() {
                    return Err(too_many(limits));
                }
                let width = match ai {
                    0..=23 => 0,
                    24 => 1,
                    25 => 2,
                    26 => 4,
                    27 => 8,
                    _ => return Err(malformed("reserved additional information (28 to 30)")),
                };
                let arg = if width == 0 {
                    u64::from(ai)
                } else {
                    let raw = bytes
                        .get(pos..pos + width)
                        .ok_or_else(|| malformed("the CBOR input ends inside an item's head"))?;
                    pos += width;
                    raw.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
                };
                if major == 7 {
                    if ai == 24 && arg < 32 {
                        return Err(malformed("a two-byte simple value below 32"));
                    }
                } else {
                    let wider = match ai {
                        24 => arg < 24,
                        25 => arg <= 0xff,
                        26 => arg <= 0xffff,
                        27 => arg <= 0xffff_ffff,
                        _ => false,
                    };
                    non_preferred |= wider;
                }
                let left = (bytes.len() - pos) as u64;
                let index = nodes.len();
                let mut node = Node {
                    major,
                    arg,
                    ai,
                    start,
                    body: pos,
                    end: pos,
                    next: index + 1,
                };
                let mut open = None;
                match major {
                    2 | 3 => {
                        if arg > left {
                            return Err(malformed("a string longer than the bytes left"));
                        }
                        let len = arg as usize;
                        let content = bytes.get(pos..pos + len).unwrap_or_default();
                        if major == 3 && core::str::from_utf8(content).is_err() && invalid.is_none()
                        {
                            invalid = Some(Error::new(
                                ErrorCode::CborInvalid,
                                "a text string that is not UTF-8",
                            ));
                        }
                        pos += len;
                        node.end = pos;
                    }
                    4..=6 => {
                        let count = match major {
                            4 => arg,
                            5 => arg.saturating_mul(2),
                            _ => 1,
                        };
                        if count > left {
                            return Err(malformed("a count larger than the bytes left"));
                        }
                        depth += 1;
                        if depth > limits.max_cbor_depth() {
                            return Err(too_deep());
                        }
                        if count == 0 {
                            depth -= 1;
                        } else {
                            open = Some(Open::Items {
                                node: index,
                                left: count,
                            });
                        }
                    }
                    _ => {}
                }
                nodes.push(node);
                if let Some(o) = open {
                    stack.push(o);
                    continue;
                }
            }
            // An item is complete: close the containers it completes.
            loop {
                match stack.last_mut() {
                    None => {
                        if pos != bytes.len() {
                            return Err(malformed("bytes after the CBOR item"));
                        }
                        if non_preferred {
                            return Err(Error::new(
                                ErrorCode::CborSerializationInvalid,
                                "not preferred serialization (an indefinite length or an argument wider than needed)",
                            ));
                        }
                        if let Some(e) = invalid {
                            return Err(e);
                        }
                        let doc = Document { bytes, nodes };
                        doc.check_duplicate_keys()?;
                        return Ok(doc);
                    }
                    Some(Open::Items { node, left }) => {
                        *left -= 1;
                        if *left > 0 {
                            break;
                        }
                        let node = *node;
                        let next = nodes.len();
                        if let Some(n) = nodes.get_mut(node) {
                            n.end = pos;
                            n.next = next;
                        }
                        stack.pop();
                        depth = depth.saturating_sub(1);
                    }
                    Some(Open::IndefItems { count, .. }) => {
                        *count += 1;
                        break;
                    }
                    Some(Open::IndefString { .. }) => break,
                }
            }
        }
    }

    fn check_duplicate_keys(&self) -> Result<()> {
        let mut keys: Vec<&[u8]> = Vec::new();
        for (index, node) in self.nodes.iter().enumerate() {
            if node.major != 5 || node.arg < 2 {
                continue;
            }
            keys.clear();
            let item = Item { doc: self, index };
            for (k, _) in item.entries() {
                keys.push(k.raw());
            }
            keys.sort_unstable();
            if keys.windows(2).any(|w| w.first() == w.get(1)) {
                return Err(Error::new(ErrorCode::CborInvalid, "a map key is repeated"));
            }
        }
        Ok(())
    }

    /// The whole input.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The top-level item.
    pub fn root(&self) -> Item<'_, 'a> {
        Item {
            doc: self,
            index: 0,
        }
    }
}

fn too_many(limits: &Limits) -> Error {
    Error::with_detail(
        ErrorCode::CborLimitsExceeded,
        format!("more than {} CBOR items", limits.max_cbor_items()),
    )
}

/// One item of a [`Document`]: a cheap handle (document and index).
#[derive(Clone, Copy)]
pub struct Item<'d, 'a> {
    doc: &'d Document<'a>,
    index: usize,
}

impl core::fmt::Debug for Item<'_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Item({})", diagnostic_of(*self))
    }
}

fn diagnostic_of(item: Item<'_, '_>) -> String {
    let mut out = String::new();
    diag::write_item(&mut out, item, 0);
    out
}

/// What an item is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind<'a> {
    /// Major type 0.
    Unsigned(u64),
    /// Major type 1: the value is `-1 - n`.
    Negative(u64),
    /// Major type 2.
    Bytes(&'a [u8]),
    /// Major type 3 (valid UTF-8: the parser checked).
    Text(&'a str),
    /// Major type 4, with its number of items.
    Array(u64),
    /// Major type 5, with its number of pairs.
    Map(u64),
    /// Major type 6, with its tag number.
    Tag(u64),
    /// `false`, `true`, `null`, `undefined` and the other simple values.
    Simple(u8),
    /// A half, single or double float (its bits as read).
    Float(u64),
}

impl<'d, 'a> Item<'d, 'a> {
    fn node(&self) -> Node {
        self.doc.nodes.get(self.index).copied().unwrap_or(Node {
            major: 7,
            arg: 23,
            ai: 23,
            start: 0,
            body: 0,
            end: 0,
            next: self.index + 1,
        })
    }

    /// What the item is.
    pub fn kind(&self) -> Kind<'a> {
        let n = self.node();
        match n.major {
            0 => Kind::Unsigned(n.arg),
            1 => Kind::Negative(n.arg),
            2 => Kind::Bytes(self.doc.bytes.get(n.body..n.end).unwrap_or_default()),
            3 => Kind::Text(
                core::str::from_utf8(self.doc.bytes.get(n.body..n.end).unwrap_or_default())
                    .unwrap_or_default(),
            ),
            4 => Kind::Array(n.arg),
            5 => Kind::Map(n.arg),
            6 => Kind::Tag(n.arg),
            _ if n.ai >= 25 => Kind::Float(n.arg),
            _ => Kind::Simple(n.arg as u8),
        }
    }

    /// The item's bytes exactly as received, head included.
    pub fn raw(&self) -> &'a [u8] {
        let n = self.node();
        self.doc.bytes.get(n.start..n.end).unwrap_or_default()
    }

    /// The item's byte range in the document's input.
    pub fn span(&self) -> core::ops::Range<usize> {
        let n = self.node();
        n.start..n.end
    }

    /// An unsigned integer.
    pub fn as_uint(&self) -> Option<u64> {
        match self.kind() {
            Kind::Unsigned(v) => Some(v),
            _ => None,
        }
    }

    /// An integer of either sign, if it fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self.kind() {
            Kind::Unsigned(v) => i64::try_from(v).ok(),
            Kind::Negative(n) => i64::try_from(n).ok().map(|n| -1 - n),
            _ => None,
        }
    }

    /// A byte string's contents.
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        match self.kind() {
            Kind::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// A text string.
    pub fn as_text(&self) -> Option<&'a str> {
        match self.kind() {
            Kind::Text(t) => Some(t),
            _ => None,
        }
    }

    /// `true` or `false`.
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind() {
            Kind::Simple(20) => Some(false),
            Kind::Simple(21) => Some(true),
            _ => None,
        }
    }

    /// Whether the item is `null`.
    pub fn is_null(&self) -> bool {
        self.kind() == Kind::Simple(22)
    }

    /// A tag's number and content.
    pub fn as_tag(&self) -> Option<(u64, Item<'d, 'a>)> {
        match self.kind() {
            Kind::Tag(t) => Some((
                t,
                Item {
                    doc: self.doc,
                    index: self.index + 1,
                },
            )),
            _ => None,
        }
    }

    fn children(&self, count: u64) -> Children<'d, 'a> {
        Children {
            doc: self.doc,
            index: self.index + 1,
            left: count,
        }
    }

    /// An array's items.
    pub fn array(&self) -> Option<Vec<Item<'d, 'a>>> {
        match self.kind() {
            Kind::Array(n) => Some(self.children(n).collect()),
            _ => None,
        }
    }

    /// A map's entries in the order received (empty for anything else).
    pub fn entries(&self) -> impl Iterator<Item = (Item<'d, 'a>, Item<'d, 'a>)> {
        let n = match self.kind() {
            Kind::Map(n) => n.saturating_mul(2),
            _ => 0,
        };
        let mut it = self.children(n);
        core::iter::from_fn(move || {
            let k = it.next()?;
            let v = it.next()?;
            Some((k, v))
        })
    }

    /// Whether the item is a map.
    pub fn is_map(&self) -> bool {
        matches!(self.kind(), Kind::Map(_))
    }

    /// The value under a text key of a map.
    pub fn get_text_key(&self, key: &str) -> Option<Item<'d, 'a>> {
        // Compared as bytes: the parser has checked every text string's
        // UTF-8 once, so no key is decoded again here.
        self.entries()
            .find(|(k, _)| k.text_bytes() == Some(key.as_bytes()))
            .map(|(_, v)| v)
    }

    /// A text string's bytes (UTF-8, as the parser checked).
    fn text_bytes(&self) -> Option<&'a [u8]> {
        let n = self.node();
        if n.major == 3 {
            self.doc.bytes.get(n.body..n.end)
        } else {
            None
        }
    }

    /// The value under an integer key of a map.
    pub fn get_int_key(&self, key: i64) -> Option<Item<'d, 'a>> {
        self.entries()
            .find(|(k, _)| k.as_i64() == Some(key))
            .map(|(_, v)| v)
    }
}

struct Children<'d, 'a> {
    doc: &'d Document<'a>,
    index: usize,
    left: u64,
}

impl<'d, 'a> Iterator for Children<'d, 'a> {
    type Item = Item<'d, 'a>;
    fn next(&mut self) -> Option<Item<'d, 'a>> {
        if self.left == 0 || self.index >= self.doc.nodes.len() {
            return None;
        }
        self.left -= 1;
        let item = Item {
            doc: self.doc,
            index: self.index,
        };
        self.index = item.node().next;
        Some(item)
    }
}
