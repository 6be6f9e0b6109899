//! RFC 8949 §8 diagnostic notation of a parsed item (for `idbridge inspect
//! cbor` and debugging): nothing in it is verified.

use super::{Document, Item, Kind};

/// The diagnostic notation of a whole document, e.g. `{"a": [1, h'ff']}`;
/// tag 24 contents that parse are shown as `<<…>>` too.
pub fn diagnostic(doc: &Document<'_>) -> String {
    let mut out = String::new();
    write_item(&mut out, doc.root(), 0);
    out
}

/// Embedded tag-24 items are shown at most this deep.
const MAX_EMBED: usize = 4;

pub(super) fn write_item(out: &mut String, item: Item<'_, '_>, embed: usize) {
    use core::fmt::Write as _;
    match item.kind() {
        Kind::Unsigned(v) => {
            let _ = write!(out, "{v}");
        }
        Kind::Negative(n) => {
            let _ = write!(out, "{}", -1i128 - i128::from(n));
        }
        Kind::Bytes(b) if embed < MAX_EMBED && b.starts_with(&[0xd8, 0x18]) => {
            // An embedded tag-24 item (an issuerAuth payload): `<<...>>`.
            match Document::parse(b, &crate::Limits::default()) {
                Ok(inner) => {
                    out.push_str("<<");
                    write_item(out, inner.root(), embed + 1);
                    out.push_str(">>");
                }
                Err(_) => write_hex(out, b),
            }
        }
        Kind::Bytes(b) => write_hex(out, b),
        Kind::Text(t) => {
            let _ = write!(out, "{t:?}");
        }
        Kind::Array(_) => {
            out.push('[');
            for (i, child) in item.array().unwrap_or_default().into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_item(out, child, embed);
            }
            out.push(']');
        }
        Kind::Map(_) => {
            out.push('{');
            for (i, (k, v)) in item.entries().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_item(out, k, embed);
                out.push_str(": ");
                write_item(out, v, embed);
            }
            out.push('}');
        }
        Kind::Tag(t) => {
            let _ = write!(out, "{t}(");
            if let Some((_, content)) = item.as_tag() {
                let embedded = (t == 24 && embed < MAX_EMBED)
                    .then(|| content.as_bytes())
                    .flatten()
                    .and_then(|b| Document::parse(b, &crate::Limits::default()).ok());
                match embedded {
                    Some(inner) => {
                        out.push_str("<<");
                        write_item(out, inner.root(), embed + 1);
                        out.push_str(">>");
                    }
                    None => write_item(out, content, embed),
                }
            }
            out.push(')');
        }
        Kind::Simple(20) => out.push_str("false"),
        Kind::Simple(21) => out.push_str("true"),
        Kind::Simple(22) => out.push_str("null"),
        Kind::Simple(23) => out.push_str("undefined"),
        Kind::Simple(v) => {
            let _ = write!(out, "simple({v})");
        }
        Kind::Float(bits) => {
            let _ = write!(out, "float(0x{bits:x})");
        }
    }
}

fn write_hex(out: &mut String, b: &[u8]) {
    use core::fmt::Write as _;
    out.push_str("h'");
    for byte in b {
        let _ = write!(out, "{byte:02x}");
    }
    out.push('\'');
}
