//! The identity of a verified Document (VECTORS.md, kind `mdoc`): the DS
//! subject as an RFC 4514 string, the PID and mDL elements, and every
//! disclosed issuer-signed element flattened into `attributes`.

use crate::cbor::{Item, Kind};
use crate::identity::{System, VerifiedIdentity};
use crate::x509::subset::tlv;
use base64::Engine as _;

/// The EU PID namespace.
pub const PID_NAMESPACE: &str = "eu.europa.ec.eudi.pid.1";
/// The Italian PID's domestic namespace.
pub const PID_IT_NAMESPACE: &str = "eu.europa.ec.eudi.pid.it.1";
/// The ISO/IEC 18013-5 mDL namespace.
pub const MDL_NAMESPACE: &str = "org.iso.18013.5.1";

/// One disclosed issuer-signed element, flattened. The namespace and the
/// identifier borrow from the input.
#[derive(Clone, Debug)]
pub(super) struct Element<'a> {
    pub namespace: &'a str,
    pub identifier: &'a str,
    /// `(suffix, value)`: suffix empty for a scalar, `.key`/`.0` below it.
    pub values: Vec<(String, String)>,
}

impl<'a> Element<'a> {
    pub(super) fn new(namespace: &'a str, identifier: &'a str, value: Item<'_, '_>) -> Element<'a> {
        let mut values = Vec::new();
        flatten(String::new(), value, &mut values);
        Element {
            namespace,
            identifier,
            values,
        }
    }

    fn scalar(&self) -> Option<&str> {
        match self.values.as_slice() {
            [(suffix, v)] if suffix.is_empty() => Some(v),
            _ => None,
        }
    }
}

fn scalar_text(item: Item<'_, '_>) -> Option<String> {
    Some(match item.kind() {
        Kind::Text(t) => t.to_string(),
        Kind::Bytes(b) => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b),
        Kind::Unsigned(v) => v.to_string(),
        Kind::Negative(n) => (-1i128 - i128::from(n)).to_string(),
        Kind::Simple(20) => "false".into(),
        Kind::Simple(21) => "true".into(),
        Kind::Simple(22) => "null".into(),
        Kind::Simple(23) => "undefined".into(),
        Kind::Simple(v) => format!("simple({v})"),
        Kind::Float(bits) => float_text(item.raw().len(), bits),
        Kind::Tag(_) => return item.as_tag().and_then(|(_, c)| scalar_text(c)),
        Kind::Array(_) | Kind::Map(_) => return None,
    })
}

fn float_text(len: usize, bits: u64) -> String {
    let v = match len {
        3 => half_to_f64(bits as u16),
        5 => f64::from(f32::from_bits(bits as u32)),
        _ => f64::from_bits(bits),
    };
    format!("{v}")
}

fn half_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((h >> 10) & 0x1f);
    let frac = f64::from(h & 0x3ff);
    sign * match exp {
        0 => frac * 2f64.powi(-24),
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + frac / 1024.0) * 2f64.powi(e - 15),
    }
}

/// `prefix` then `.` and `part`, in one allocation.
fn child(prefix: &str, part: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 1 + part.len());
    out.push_str(prefix);
    out.push('.');
    out.push_str(part);
    out
}

fn flatten(prefix: String, item: Item<'_, '_>, out: &mut Vec<(String, String)>) {
    match item.kind() {
        Kind::Array(_) => {
            for (i, child_item) in item.array().unwrap_or_default().into_iter().enumerate() {
                flatten(child(&prefix, &i.to_string()), child_item, out);
            }
        }
        Kind::Map(_) => {
            for (k, v) in item.entries() {
                let key = scalar_text(k).unwrap_or_else(|| {
                    crate::cbor::Document::parse(k.raw(), &crate::Limits::default())
                        .map(|d| crate::cbor::diagnostic(&d))
                        .unwrap_or_default()
                });
                flatten(child(&prefix, &key), v, out);
            }
        }
        Kind::Tag(_) => {
            if let Some((_, content)) = item.as_tag() {
                flatten(prefix, content, out);
            }
        }
        _ => {
            if let Some(text) = scalar_text(item) {
                out.push((prefix, text));
            }
        }
    }
}

/// RFC 4514 short names of the attribute types VECTORS.md lists, by the
/// OID's DER contents.
fn short_name(oid: &[u8]) -> Option<&'static str> {
    use der::asn1::ObjectIdentifier as Oid;
    const DC: Oid = Oid::new_unwrap("0.9.2342.19200300.100.1.25");
    const UID: Oid = Oid::new_unwrap("0.9.2342.19200300.100.1.1");
    Some(match oid {
        [0x55, 0x04, 3] => "CN",
        [0x55, 0x04, 7] => "L",
        [0x55, 0x04, 8] => "ST",
        [0x55, 0x04, 10] => "O",
        [0x55, 0x04, 11] => "OU",
        [0x55, 0x04, 6] => "C",
        [0x55, 0x04, 9] => "STREET",
        _ if oid == DC.as_bytes() => "DC",
        _ if oid == UID.as_bytes() => "UID",
        _ => return None,
    })
}

fn escape_into(out: &mut String, value: &str) {
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, '"' | '+' | ',' | ';' | '<' | '>' | '\\')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
}

/// The TLVs that fill `contents`, each with `tag`.
fn children(mut contents: &[u8], tag: u8) -> impl Iterator<Item = Option<(&[u8], &[u8])>> {
    core::iter::from_fn(move || {
        if contents.is_empty() {
            return None;
        }
        let Some((t, inner, raw, rest)) = tlv(contents) else {
            contents = &[];
            return Some(None);
        };
        contents = rest;
        Some((t == tag).then_some((inner, raw)))
    })
}

/// A DER Name as RFC 4514 text: RDNs last to first, `,` between them, `+`
/// inside a multi-valued one; a type without a short name as its dotted
/// OID and a value that is not a string as `#` and its DER in hex.
///
/// `name_der` is a certificate's subject, which the certificate's strict
/// decoding has already checked; `None` for anything else.
pub(super) fn rfc4514(name_der: &[u8]) -> Option<String> {
    use core::fmt::Write as _;
    const SEQUENCE: u8 = 0x30;
    const SET: u8 = 0x31;
    const OID: u8 = 0x06;
    // UTF8String, PrintableString, TeletexString, IA5String.
    const TEXT_TAGS: [u8; 4] = [0x0c, 0x13, 0x14, 0x16];
    let (tag, rdns, _, rest) = tlv(name_der)?;
    if tag != SEQUENCE || !rest.is_empty() {
        return None;
    }
    let rdns = children(rdns, SET).collect::<Option<Vec<_>>>()?;
    let mut out = String::with_capacity(name_der.len());
    for (i, (rdn, _)) in rdns.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in children(rdn, SEQUENCE).enumerate() {
            let (atv, _) = atv?;
            if j > 0 {
                out.push('+');
            }
            let (oid_tag, oid, _, value) = tlv(atv)?;
            let (value_tag, text, value_der, end) = tlv(value)?;
            if oid_tag != OID || !end.is_empty() {
                return None;
            }
            match short_name(oid) {
                Some(short) => out.push_str(short),
                None => {
                    let dotted = der::asn1::ObjectIdentifier::from_bytes(oid).ok()?;
                    write!(out, "{dotted}").ok()?;
                }
            }
            out.push('=');
            match core::str::from_utf8(text) {
                Ok(text) if TEXT_TAGS.contains(&value_tag) => escape_into(&mut out, text),
                _ => {
                    out.push('#');
                    for b in value_der {
                        write!(out, "{b:02x}").ok()?;
                    }
                }
            }
        }
    }
    Some(out)
}

/// The identity of the first Document (its elements are consumed).
pub(super) fn identity(
    issuer: Option<String>,
    doc_type: &str,
    elements: Vec<Element<'_>>,
) -> VerifiedIdentity {
    let mut id = VerifiedIdentity::new(System::Mdoc);
    id.issuer = issuer;
    let find = |ns: &str, name: &str| {
        elements
            .iter()
            .find(|e| e.namespace == ns && e.identifier == name)
            .and_then(Element::scalar)
            .map(str::to_string)
    };
    id.subject_id = find(PID_IT_NAMESPACE, "tax_id_code")
        .or_else(|| find(PID_NAMESPACE, "personal_administrative_number"))
        .or_else(|| find(MDL_NAMESPACE, "document_number"))
        .or_else(|| find(PID_NAMESPACE, "document_number"));
    let person = |name: &str| find(PID_NAMESPACE, name).or_else(|| find(MDL_NAMESPACE, name));
    id.given_name = person("given_name");
    id.family_name = person("family_name");
    id.birth_date = person("birth_date");
    id.attributes.insert("doctype".into(), doc_type.to_string());
    for e in elements {
        for (suffix, value) in e.values {
            // `<namespace>/<elementIdentifier><suffix>`, in one allocation.
            let mut key =
                String::with_capacity(e.namespace.len() + 1 + e.identifier.len() + suffix.len());
            key.push_str(e.namespace);
            key.push('/');
            key.push_str(e.identifier);
            key.push_str(&suffix);
            id.attributes.insert(key, value);
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv_of(tag: u8, contents: &[u8]) -> Vec<u8> {
        let mut out = vec![tag, u8::try_from(contents.len()).unwrap_or(0)];
        out.extend_from_slice(contents);
        out
    }

    fn atv(oid: &[u8], value: &[u8]) -> Vec<u8> {
        tlv_of(0x30, &[tlv_of(0x06, oid), value.to_vec()].concat())
    }

    #[test]
    fn names_read_as_rfc_4514() {
        let c = atv(&[0x55, 0x04, 0x06], &tlv_of(0x13, b"IT"));
        let cn = atv(&[0x55, 0x04, 0x03], &tlv_of(0x0c, b" a,b"));
        let other = atv(&[0x55, 0x04, 0x61], &tlv_of(0x0c, b"x"));
        let serial = atv(&[0x55, 0x04, 0x05], &tlv_of(0x02, &[0x05]));
        let bmp = atv(&[0x55, 0x04, 0x0a], &tlv_of(0x1e, &[0x00, 0x41]));
        let name = tlv_of(
            0x30,
            &[
                tlv_of(0x31, &c),
                tlv_of(0x31, &[other, cn].concat()),
                tlv_of(0x31, &serial),
                tlv_of(0x31, &bmp),
            ]
            .concat(),
        );
        assert_eq!(
            rfc4514(&name).as_deref(),
            Some("O=#1e020041,2.5.4.5=#020105,2.5.4.97=x+CN=\\ a\\,b,C=IT")
        );
        assert_eq!(rfc4514(&tlv_of(0x30, &[])).as_deref(), Some(""));
        // Not a Name: a SET at the top, trailing bytes, a truncated RDN.
        assert_eq!(rfc4514(&tlv_of(0x31, &[])), None);
        assert_eq!(rfc4514(&[name.clone(), vec![0]].concat()), None);
        let mut cut = name;
        cut.truncate(cut.len() - 1);
        assert_eq!(rfc4514(&cut), None);
    }
}
