//! The identity of a verified Document (VECTORS.md, kind `mdoc`): the DS
//! subject as an RFC 4514 string, the PID and mDL elements, and every
//! disclosed issuer-signed element flattened into `attributes`.

use crate::cbor::{Item, Kind};
use crate::identity::{System, VerifiedIdentity};
use base64::Engine as _;

/// The EU PID namespace.
pub const PID_NAMESPACE: &str = "eu.europa.ec.eudi.pid.1";
/// The Italian PID's domestic namespace.
pub const PID_IT_NAMESPACE: &str = "eu.europa.ec.eudi.pid.it.1";
/// The ISO/IEC 18013-5 mDL namespace.
pub const MDL_NAMESPACE: &str = "org.iso.18013.5.1";

/// One disclosed issuer-signed element, flattened.
#[derive(Clone, Debug)]
pub(super) struct Element {
    pub namespace: String,
    pub identifier: String,
    /// `(suffix, value)`: suffix empty for a scalar, `.key`/`.0` below it.
    pub values: Vec<(String, String)>,
}

impl Element {
    pub(super) fn new(namespace: &str, identifier: &str, value: Item<'_, '_>) -> Element {
        let mut values = Vec::new();
        flatten(String::new(), value, &mut values);
        Element {
            namespace: namespace.to_string(),
            identifier: identifier.to_string(),
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

fn flatten(prefix: String, item: Item<'_, '_>, out: &mut Vec<(String, String)>) {
    match item.kind() {
        Kind::Array(_) => {
            for (i, child) in item.array().unwrap_or_default().into_iter().enumerate() {
                flatten(format!("{prefix}.{i}"), child, out);
            }
        }
        Kind::Map(_) => {
            for (k, v) in item.entries() {
                let key = scalar_text(k).unwrap_or_else(|| {
                    crate::cbor::Document::parse(k.raw(), &crate::Limits::default())
                        .map(|d| crate::cbor::diagnostic(&d))
                        .unwrap_or_default()
                });
                flatten(format!("{prefix}.{key}"), v, out);
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

/// RFC 4514 short names of the attribute types VECTORS.md lists.
fn short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.6" => "C",
        "2.5.4.9" => "STREET",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        _ => return None,
    })
}

fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
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
    out
}

/// A DER Name as RFC 4514 text: RDNs last to first, `,` between them, `+`
/// inside a multi-valued one; a type without a short name as its dotted
/// OID and a value that is not a string as `#` and its DER in hex.
pub(super) fn rfc4514(name_der: &[u8]) -> Option<String> {
    use der::{Decode, Encode, Tag, Tagged};
    let name = x509_cert::name::Name::from_der(name_der).ok()?;
    let mut rdns = Vec::new();
    for rdn in name.0.iter().rev() {
        let mut parts = Vec::new();
        for atv in rdn.0.iter() {
            let oid = atv.oid.to_string();
            let ty = short_name(&oid).map_or(oid, str::to_string);
            let text = match atv.value.tag() {
                Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::TeletexString => {
                    core::str::from_utf8(atv.value.value()).ok().map(escape)
                }
                _ => None,
            };
            let value = match text {
                Some(t) => t,
                None => {
                    let der = atv.value.to_der().ok()?;
                    let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
                    format!("#{hex}")
                }
            };
            parts.push(format!("{ty}={value}"));
        }
        rdns.push(parts.join("+"));
    }
    Some(rdns.join(","))
}

/// The identity of the first Document.
pub(super) fn identity(
    issuer: Option<String>,
    doc_type: &str,
    elements: &[Element],
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
        for (suffix, value) in &e.values {
            id.attributes.insert(
                format!("{}/{}{}", e.namespace, e.identifier, suffix),
                value.clone(),
            );
        }
    }
    id
}
