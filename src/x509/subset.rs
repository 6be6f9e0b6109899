//! The common shape of a DER certificate, read directly from its bytes.
//!
//! `x509-cert`'s generic decoder stays the reference for what a
//! certificate is: this reader only takes the shape almost every
//! certificate has, and gives up (`None`) on anything else, so that
//! [`super::cert::Certificate::from_der`] falls back to the reference
//! decoder, which then accepts or refuses. It never refuses on its own.
//! What it accepts, the reference accepts too, with the same fields: the
//! tests in `cert.rs` compare the two on every certificate of the
//! repository and on a few hundred thousand mutations of them.
//!
//! The shape (RFC 5280 §4.1, DER as X.690 §10):
//!
//! - one-byte tags `der` knows, definite lengths in their shortest form
//!   ([`header`]), nothing after the certificate;
//! - version absent (v1) or `[0]` holding v2 or v3 (an explicit v1 goes to
//!   the reference);
//! - serialNumber a minimally encoded INTEGER of 1 to 21 octets;
//! - each AlgorithmIdentifier an OID with no parameters, NULL, an OID or a
//!   SEQUENCE;
//! - names whose every RDN holds exactly one attribute whose value is a
//!   string type (UTF8String, PrintableString, IA5String, NumericString,
//!   BMPString, TeletexString): multi-valued RDNs are ordered by the
//!   reference's SET OF rules, so they go there;
//! - UTCTime (1970 to 2049) or GeneralizedTime (2050 to 9999), seconds
//!   present, `Z`, a real date;
//! - the key and signature BIT STRINGs with no unused bits;
//! - no unique identifiers, and `[3]` with one or more extensions, each an
//!   OID, criticality absent or TRUE, and an OCTET STRING.

use super::cert::Attribute;
use crate::time::{days_from_civil, days_in_month};
use crate::UnixTime;
use der::asn1::ObjectIdentifier;
use der::Tag;

/// What `Certificate::from_der` takes from a certificate, borrowed from
/// its DER (the reference decoder's result is copied into the same shape).
pub(crate) struct Parts<'a> {
    pub serial: &'a [u8],
    pub issuer_der: &'a [u8],
    pub subject_der: &'a [u8],
    /// `None`: read from `issuer_der` when asked ([`attributes`]).
    pub issuer: Option<Vec<Attribute>>,
    /// `None`: read from `subject_der` when asked.
    pub subject: Option<Vec<Attribute>>,
    pub not_before: UnixTime,
    pub not_after: UnixTime,
    pub spki_der: &'a [u8],
    pub public_key_bits: &'a [u8],
    /// Each extension's OID (contents octets) and value (OCTET STRING contents).
    pub extensions: Vec<(&'a [u8], &'a [u8])>,
}

const BOOLEAN: u8 = 0x01;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const NULL: u8 = 0x05;
const OID: u8 = 0x06;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const VERSION: u8 = 0xA0;
const EXTENSIONS: u8 = 0xA3;
/// UTF8String, NumericString, PrintableString, TeletexString, IA5String, BMPString.
const STRING_TAGS: [u8; 6] = [0x0C, 0x12, 0x13, 0x14, 0x16, 0x1E];

/// `(tag, contents, whole TLV, rest)`.
pub(crate) type SplitTlv<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

/// Whether `der`'s decoder knows the identifier octet (`der::Tag::try_from`,
/// to the byte): the universal types it implements, SEQUENCE and SET, and
/// every application, context-specific and private tag below 31.
fn known_tag(octet: u8) -> bool {
    octet & 0x1F != 0x1F
        && matches!(
            octet,
            0x01..=0x06
                | 0x09
                | 0x0A
                | 0x0C
                | 0x12..=0x18
                | 0x1A
                | 0x1E
                | 0x30
                | 0x31
                | 0x40..=0x7E
                | 0x80..=0xBE
                | 0xC0..=0xFE
        )
}

/// The largest length `der` reads (`der::Length::MAX`, 2^28 - 1).
pub(crate) const MAX_LENGTH: usize = 0x0FFF_FFFF;

/// The header of the DER TLV at the front of `input`, read as
/// `der::Header::decode` reads it (`cms`'s tests compare the two on every
/// identifier octet and length form): a known one-byte tag, then a
/// definite length in its shortest form, of at most four length octets
/// and at most 2^28 - 1. `(tag, header length, contents length)`, or
/// `None`; whether the contents are there is the caller's to check.
pub(crate) fn header(input: &[u8]) -> Option<(u8, usize, usize)> {
    let (&tag, rest) = input.split_first()?;
    if !known_tag(tag) {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    match first {
        0..=0x7F => Some((tag, 2, usize::from(first))),
        0x81..=0x84 => {
            let n = usize::from(first & 0x7F);
            let digits = rest.get(..n)?;
            let len = digits
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            // The shortest form: a long form from 128 on, no leading zero octet.
            let shortest = match n {
                1 => len >= 0x80,
                _ => digits.first() != Some(&0),
            };
            (shortest && len <= MAX_LENGTH).then_some((tag, 2 + n, len))
        }
        _ => None,
    }
}

/// One DER TLV at the front of `input` ([`header`]'s rules, contents that
/// fit), or `None`. mdoc reads the DS's issuer name with it.
pub(crate) fn tlv(input: &[u8]) -> Option<SplitTlv<'_>> {
    let (tag, head, len) = header(input)?;
    let end = head.checked_add(len)?;
    let whole = input.get(..end)?;
    Some((tag, whole.get(head..)?, whole, input.get(end..)?))
}

/// The TLV at the front of `input`, which must have identifier `tag`.
fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8], &[u8])> {
    let (t, contents, whole, rest) = tlv(input)?;
    (t == tag).then_some((contents, whole, rest))
}

/// An AlgorithmIdentifier's contents: a valid OID, then nothing, NULL, an
/// OID or a SEQUENCE.
fn algorithm(contents: &[u8]) -> Option<()> {
    let (oid, _, rest) = expect(contents, OID)?;
    ObjectIdentifier::from_bytes(oid).ok()?;
    if rest.is_empty() {
        return Some(());
    }
    let (tag, _, _, after) = tlv(rest)?;
    ([NULL, OID, SEQUENCE].contains(&tag) && after.is_empty()).then_some(())
}

/// A BIT STRING's bits when no bit is unused.
fn whole_bits(contents: &[u8]) -> Option<&[u8]> {
    match contents.split_first()? {
        (0, bits) if !bits.is_empty() => Some(bits),
        _ => None,
    }
}

/// Walks a Name's contents: every RDN one attribute with a string value,
/// each given to `each` (type, value tag, value contents).
fn name<'a>(
    contents: &'a [u8],
    mut each: impl FnMut(ObjectIdentifier, Tag, &'a [u8]),
) -> Option<()> {
    let mut rest = contents;
    while !rest.is_empty() {
        let (rdn, _, after) = expect(rest, SET)?;
        rest = after;
        let (atv, _, after_atv) = expect(rdn, SEQUENCE)?;
        if !after_atv.is_empty() {
            return None;
        }
        let (oid, _, value) = expect(atv, OID)?;
        let oid = ObjectIdentifier::from_bytes(oid).ok()?;
        let (tag, raw, _, end) = tlv(value)?;
        if !end.is_empty() || !STRING_TAGS.contains(&tag) {
            return None;
        }
        each(oid, Tag::try_from(tag).ok()?, raw);
    }
    Some(())
}

/// The attributes of a Name (its whole DER) that [`read`] took, in order.
/// Names are checked when the certificate is read and only turned into
/// attributes when a caller asks (passive authentication never does).
#[cfg(any(test, feature = "x509-path"))]
#[cfg_attr(
    not(any(test, feature = "webeid", feature = "smartid", feature = "mobileid")),
    allow(dead_code)
)]
pub(crate) fn attributes(
    name_der: &[u8],
    text: impl Fn(Tag, &[u8]) -> Option<String>,
) -> Vec<Attribute> {
    let mut out = Vec::new();
    if let Some((contents, _, _)) = expect(name_der, SEQUENCE) {
        name(contents, |oid, tag, raw| {
            out.push(Attribute {
                oid: super::cert::dotted(&oid),
                text: text(tag, raw),
                tag,
                raw: raw.to_vec(),
            });
        });
    }
    out
}

/// Two decimal digits.
fn two(d: &[u8]) -> Option<u32> {
    match d {
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] => Some(u32::from(a - b'0') * 10 + u32::from(b - b'0')),
        _ => None,
    }
}

/// A UTCTime (1970–2049) or GeneralizedTime (2050–9999) as RFC 5280
/// §4.1.2.5 writes them, as Unix seconds.
fn time(input: &[u8]) -> Option<(UnixTime, &[u8])> {
    let (tag, c, _, rest) = tlv(input)?;
    let (year, t) = match (tag, c.len()) {
        (UTC_TIME, 13) => {
            let yy = two(c.get(..2)?)?;
            let year = if yy >= 50 { 1900 + yy } else { 2000 + yy };
            (year, c.get(2..)?)
        }
        (GENERALIZED_TIME, 15) => {
            let year = two(c.get(..2)?)? * 100 + two(c.get(2..4)?)?;
            (year, c.get(4..)?)
        }
        _ => return None,
    };
    let in_range = match tag {
        UTC_TIME => year >= 1970,
        _ => year >= 2050,
    };
    if !in_range || t.get(10) != Some(&b'Z') {
        return None;
    }
    let month = two(t.get(..2)?)?;
    let day = two(t.get(2..4)?)?;
    let (hour, minute, second) = (two(t.get(4..6)?)?, two(t.get(6..8)?)?, two(t.get(8..10)?)?);
    if day == 0 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    let secs = days * 86_400 + i64::from(hour) * 3_600 + i64::from(minute) * 60 + i64::from(second);
    Some((UnixTime::from_unix_seconds(secs), rest))
}

/// The extensions' `[3]` contents: (OID, value) of each.
fn extensions(explicit: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    let (list, _, after) = expect(explicit, SEQUENCE)?;
    if !after.is_empty() || list.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(8);
    let mut rest = list;
    while !rest.is_empty() {
        let (ext, _, after) = expect(rest, SEQUENCE)?;
        rest = after;
        let (oid, _, mut fields) = expect(ext, OID)?;
        ObjectIdentifier::from_bytes(oid).ok()?;
        if fields.first() == Some(&BOOLEAN) {
            let (flag, _, after_flag) = expect(fields, BOOLEAN)?;
            if flag != [0xFF] {
                return None;
            }
            fields = after_flag;
        }
        let (value, _, end) = expect(fields, OCTET_STRING)?;
        if !end.is_empty() {
            return None;
        }
        out.push((oid, value));
    }
    Some(out)
}

/// The parts of `der` when it has the shape of the module documentation;
/// `None` otherwise (the reference decoder decides then).
pub(crate) fn read(der: &[u8]) -> Option<Parts<'_>> {
    let (cert, _, after) = expect(der, SEQUENCE)?;
    if !after.is_empty() {
        return None;
    }
    let (tbs, _, rest) = expect(cert, SEQUENCE)?;
    let (outer_alg, _, rest) = expect(rest, SEQUENCE)?;
    algorithm(outer_alg)?;
    let (signature, _, rest) = expect(rest, BIT_STRING)?;
    whole_bits(signature)?;
    if !rest.is_empty() {
        return None;
    }
    let mut t = tbs;
    if t.first() == Some(&VERSION) {
        let (v, _, after) = expect(t, VERSION)?;
        // v2 or v3; an explicit v1 (the DEFAULT) is the reference's to judge.
        if v != [INTEGER, 1, 1] && v != [INTEGER, 1, 2] {
            return None;
        }
        t = after;
    }
    let (serial, _, t) = expect(t, INTEGER)?;
    let canonical = match serial {
        [] => false,
        [0x00, b, ..] => *b >= 0x80,
        [0xFF, b, ..] => *b < 0x80,
        _ => true,
    };
    if !canonical || serial.len() > 21 {
        return None;
    }
    let (inner_alg, _, t) = expect(t, SEQUENCE)?;
    algorithm(inner_alg)?;
    let (issuer_contents, issuer_der, t) = expect(t, SEQUENCE)?;
    name(issuer_contents, |_, _, _| {})?;
    let (validity, _, t) = expect(t, SEQUENCE)?;
    let (not_before, v) = time(validity)?;
    let (not_after, v) = time(v)?;
    if !v.is_empty() {
        return None;
    }
    let (subject_contents, subject_der, t) = expect(t, SEQUENCE)?;
    name(subject_contents, |_, _, _| {})?;
    let (spki, spki_der, t) = expect(t, SEQUENCE)?;
    let (key_alg, _, key) = expect(spki, SEQUENCE)?;
    algorithm(key_alg)?;
    let (key_bits, _, end) = expect(key, BIT_STRING)?;
    let public_key_bits = whole_bits(key_bits)?;
    if !end.is_empty() {
        return None;
    }
    let extensions = if t.is_empty() {
        Vec::new()
    } else {
        let (explicit, _, end) = expect(t, EXTENSIONS)?;
        if !end.is_empty() {
            return None;
        }
        extensions(explicit)?
    };
    Some(Parts {
        serial,
        issuer_der,
        subject_der,
        issuer: None,
        subject: None,
        not_before,
        not_after,
        spki_der,
        public_key_bits,
        extensions,
    })
}

/// [`time`] on a TLV built from `tag` and `contents` (the tests' door).
#[cfg(test)]
pub(crate) fn time_for_tests(tag: u8, contents: &[u8]) -> Option<i64> {
    let mut tlv = vec![tag, u8::try_from(contents.len()).ok()?];
    tlv.extend_from_slice(contents);
    time(&tlv).map(|(t, _)| t.as_secs())
}

#[cfg(test)]
mod tests {
    use super::tlv;

    /// A TLV whose length runs past the input, whose length octets are
    /// cut, or whose length is not in its shortest form, is refused.
    #[test]
    fn tlv_refuses_what_does_not_fit() {
        assert_eq!(tlv(&[0x04, 0x81]), None);
        assert_eq!(tlv(&[0x04, 0x85, 1, 0, 0, 0, 0]), None);
        assert_eq!(tlv(&[0x07, 0x00]), None);
        assert_eq!(tlv(&[0x04, 0x02, 1]), None);
        assert_eq!(tlv(&[0x04, 0x80]), None);
        assert_eq!(tlv(&[0x04, 0x81, 0x7F]), None);
        assert_eq!(tlv(&[0x04, 0x82, 0x00, 0x80]), None);
        assert_eq!(tlv(&[0x1F, 0x01, 0x00]), None);
        assert_eq!(
            tlv(&[0x04, 0x01, 0xAA, 0x05]),
            Some((0x04, &[0xAA][..], &[0x04, 0x01, 0xAA][..], &[0x05][..]))
        );
    }
}
