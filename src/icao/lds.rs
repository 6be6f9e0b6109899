//! The LDS security object (ICAO 9303-10 §4.6.2.2) and the data groups the
//! identity is read from: DG1's MRZ (ICAO 9303-10 §4.7.1, TD1 per
//! 9303-5 §4.2.2), DG11 (§4.7.11) and the CIE IAS application's NIS.

use crate::cms::{self, tag, Seq};
use crate::crypto::HashAlg;
use crate::error::{Error, ErrorCode, Result};
use crate::identity::{System, VerifiedIdentity};
use der::asn1::ObjectIdentifier;
use std::collections::BTreeMap;

/// The OID of the LDS security object (ICAO 9303-10 §4.6.2.1, id-icao-ldsSecurityObject).
pub(crate) const ID_LDS_SECURITY_OBJECT: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.23.136.1.1.1");
pub(crate) const ID_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
pub(crate) const ID_SHA384: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
pub(crate) const ID_SHA512: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

/// Which `dataGroupNumber` values a SOD may list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LdsProfile {
    /// ICAO 9303-10: data groups 1 to 16 (the default).
    #[default]
    Icao,
    /// The Italian CIE's IAS application: its SOD numbers its files with
    /// one-byte DER INTEGERs 0xA1..0xA5, i.e. −95..−91; any INTEGER is
    /// admitted.
    CieIas,
}

impl LdsProfile {
    /// The contract's name: `icao` or `cie-ias`.
    pub fn name(self) -> &'static str {
        match self {
            LdsProfile::Icao => "icao",
            LdsProfile::CieIas => "cie-ias",
        }
    }

    /// The profile named `name` (`icao`, `cie-ias`).
    pub fn from_name(name: &str) -> Option<LdsProfile> {
        match name {
            "icao" => Some(LdsProfile::Icao),
            "cie-ias" => Some(LdsProfile::CieIas),
            _ => None,
        }
    }

    fn admits(self, number: i64) -> bool {
        match self {
            LdsProfile::Icao => (1..=16).contains(&number),
            LdsProfile::CieIas => true,
        }
    }
}

/// The hash algorithm an AlgorithmIdentifier names (SHA-2 only; NULL or
/// absent parameters). `None` for any other.
pub(crate) fn sha2(alg: &cms::AlgorithmId<'_>) -> Option<HashAlg> {
    if alg
        .params
        .is_some_and(|p| p.tag != tag::NULL || !p.contents.is_empty())
    {
        return None;
    }
    match alg.oid {
        ID_SHA256 => Some(HashAlg::Sha256),
        ID_SHA384 => Some(HashAlg::Sha384),
        ID_SHA512 => Some(HashAlg::Sha512),
        _ => None,
    }
}

/// A parsed LDS security object.
#[derive(Clone, Debug)]
pub(crate) struct Lds {
    pub hash: HashAlg,
    /// dataGroupNumber → dataGroupHashValue.
    pub hashes: BTreeMap<i64, Vec<u8>>,
}

fn lds_invalid(reason: &'static str) -> Error {
    Error::new(ErrorCode::IcaoLdsInvalid, reason)
}

/// Reads the LDS security object (strict DER), its data-group count
/// bounded by `max_groups`, every number admitted by `profile`.
pub(crate) fn read_lds(econtent: &[u8], profile: LdsProfile, max_groups: usize) -> Result<Lds> {
    let m = |e: cms::CmsError| lds_invalid(e.reason);
    let lds = cms::read_only(
        econtent,
        tag::SEQUENCE,
        "the LDS security object is not a SEQUENCE",
    )
    .map_err(m)?;
    let mut s = Seq::new(lds.contents);
    let version = cms::small_int(s.next(tag::INTEGER, "no LDS version").map_err(m)?).map_err(m)?;
    if !(0..=1).contains(&version) {
        return Err(lds_invalid(
            "an LDS security object version other than v0 or v1",
        ));
    }
    let alg =
        cms::algorithm_id(s.next(tag::SEQUENCE, "no hashAlgorithm").map_err(m)?).map_err(m)?;
    let hash = sha2(&alg).ok_or_else(|| {
        Error::new(
            ErrorCode::IcaoAlgorithmUnsupported,
            "the data-group hash algorithm is not SHA-256, SHA-384 or SHA-512",
        )
    })?;
    let values = s.next(tag::SEQUENCE, "no dataGroupHashValues").map_err(m)?;
    if let Some(info) = s.any().map_err(m)? {
        // ldsVersionInfo: v1 only, two PrintableStrings.
        if version != 1 || info.tag != tag::SEQUENCE {
            return Err(lds_invalid(
                "ldsVersionInfo in a v0 object, or not a SEQUENCE",
            ));
        }
        let mut i = Seq::new(info.contents);
        i.next(0x13, "ldsVersion is not a PrintableString")
            .map_err(m)?;
        i.next(0x13, "unicodeVersion is not a PrintableString")
            .map_err(m)?;
        i.end("ldsVersionInfo has more than two parts").map_err(m)?;
    }
    s.end("the LDS security object has more than four parts")
        .map_err(m)?;
    let mut hashes = BTreeMap::new();
    let mut v = Seq::new(values.contents);
    while let Some(dgh) = v.any().map_err(m)? {
        if hashes.len() >= max_groups {
            return Err(Error::with_detail(
                ErrorCode::IcaoLdsInvalid,
                format!("more than {max_groups} data-group hashes (Limits::max_sod_data_groups)"),
            ));
        }
        if dgh.tag != tag::SEQUENCE {
            return Err(lds_invalid("a DataGroupHash is not a SEQUENCE"));
        }
        let mut d = Seq::new(dgh.contents);
        let number =
            cms::small_int(d.next(tag::INTEGER, "no dataGroupNumber").map_err(m)?).map_err(m)?;
        let value = d
            .next(tag::OCTET_STRING, "no dataGroupHashValue")
            .map_err(m)?;
        d.end("a DataGroupHash has more than two parts")
            .map_err(m)?;
        if !profile.admits(number) {
            return Err(Error::with_detail(
                ErrorCode::IcaoLdsInvalid,
                if number < 0 && profile.name() == "icao" {
                    format!(
                        "dataGroupNumber {number} is outside the icao profile (1 to 16); the \
                         negative numbers are the CIE IAS application's: verify with the cie-ias \
                         LDS profile (LdsProfile::CieIas, --lds-profile cie-ias, ldsProfile \
                         \"cie-ias\")"
                    )
                } else {
                    format!(
                        "dataGroupNumber {number} is outside the {} profile",
                        profile.name()
                    )
                },
            ));
        }
        if value.contents.len() != hash.output_len() {
            return Err(lds_invalid("a data-group hash has the wrong length"));
        }
        if hashes.insert(number, value.contents.to_vec()).is_some() {
            return Err(lds_invalid("a dataGroupNumber appears twice"));
        }
    }
    Ok(Lds { hash, hashes })
}

// ------------------------------------------------------------ data groups

fn dg_malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::IcaoDgMalformed, reason)
}

/// One BER-TLV of ISO/IEC 7816-4 as the LDS writes it (tags of one or two
/// bytes, definite lengths of at most three bytes): tag, contents, rest.
fn lds_tlv(input: &[u8]) -> Result<(u16, &[u8], &[u8])> {
    let truncated = || dg_malformed("a data-group TLV is truncated");
    let (&t0, rest) = input.split_first().ok_or_else(truncated)?;
    let (tag, rest) = if t0 & 0x1F == 0x1F {
        let (&t1, rest) = rest.split_first().ok_or_else(truncated)?;
        if t1 & 0x80 != 0 {
            return Err(dg_malformed("a data-group tag longer than two bytes"));
        }
        ((u16::from(t0) << 8) | u16::from(t1), rest)
    } else {
        (u16::from(t0), rest)
    };
    let (&l0, rest) = rest.split_first().ok_or_else(truncated)?;
    let (len, rest) = match l0 {
        0..=0x7F => (usize::from(l0), rest),
        0x81 => {
            let (&l1, rest) = rest.split_first().ok_or_else(truncated)?;
            (usize::from(l1), rest)
        }
        0x82 => {
            let (l, rest) = rest.split_at_checked(2).ok_or_else(truncated)?;
            let l = <[u8; 2]>::try_from(l).map_err(|_| truncated())?;
            (usize::from(u16::from_be_bytes(l)), rest)
        }
        _ => return Err(dg_malformed("an indefinite or over-long data-group length")),
    };
    let (contents, rest) = rest.split_at_checked(len).ok_or_else(truncated)?;
    Ok((tag, contents, rest))
}

/// The contents of the one TLV `input` holds, which must have tag `tag`.
fn only<'a>(input: &'a [u8], tag: u16, what: &'static str) -> Result<&'a [u8]> {
    let (t, contents, rest) = lds_tlv(input)?;
    if t != tag || !rest.is_empty() {
        return Err(dg_malformed(what));
    }
    Ok(contents)
}

fn mrz_field(s: &str) -> String {
    s.trim_matches('<').replace('<', " ")
}

fn yymmdd(s: &str, century: u32) -> Result<String> {
    let bad = || dg_malformed("an MRZ date is not YYMMDD");
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n = |r: core::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    let (mm, dd) = (n(2..4).ok_or_else(bad)?, n(4..6).ok_or_else(bad)?);
    if !(1..=12).contains(&mm) || !(1..=31).contains(&dd) {
        return Err(bad());
    }
    // YYYY-MM-DD from the six digits already checked (no formatter).
    let b = s.as_bytes();
    let mut out = String::with_capacity(10);
    for digit in [century / 10 % 10, century % 10] {
        out.push(char::from_digit(digit, 10).unwrap_or('0'));
    }
    for (i, c) in b.iter().enumerate() {
        if i == 2 || i == 4 {
            out.push('-');
        }
        out.push(char::from(*c));
    }
    Ok(out)
}

/// DG1: `61 { 5F1F <MRZ> }`, a TD1 MRZ (3 × 30 characters of `A-Z0-9<`).
pub(crate) fn read_dg1(dg1: &[u8], now_year: i32, id: &mut VerifiedIdentity) -> Result<()> {
    let inner = only(dg1, 0x61, "DG1 is not one tag-0x61 TLV")?;
    let mrz = only(inner, 0x5F1F, "DG1 does not hold exactly one MRZ (5F1F)")?;
    if mrz.len() != 90 {
        return Err(dg_malformed("the MRZ is not a TD1 MRZ of 90 characters"));
    }
    if !mrz
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'<')
    {
        return Err(dg_malformed(
            "the MRZ has characters outside A-Z, 0-9 and <",
        ));
    }
    let text = core::str::from_utf8(mrz).map_err(|_| dg_malformed("the MRZ is not ASCII"))?;
    let at = |from: usize, to: usize| text.get(from - 1..to).unwrap_or("");
    let (l1, l2, l3) = (0, 30, 60);
    let yy_now = u32::try_from(now_year.rem_euclid(100)).unwrap_or(0);
    let birth = at(l2 + 1, l2 + 6);
    let birth_yy = birth
        .get(..2)
        .and_then(|y| y.parse::<u32>().ok())
        .unwrap_or(0);
    id.birth_date = Some(yymmdd(birth, if birth_yy <= yy_now { 20 } else { 19 })?);
    id.issuer = Some(mrz_field(at(l1 + 3, l1 + 5)));
    let names = at(l3 + 1, l3 + 30);
    let (family, given) = names.split_once("<<").unwrap_or((names, ""));
    let family = mrz_field(family);
    let given = mrz_field(given);
    if !family.is_empty() {
        id.family_name = Some(family);
    }
    if !given.is_empty() {
        id.given_name = Some(given);
    }
    let attrs = &mut id.attributes;
    let mut put = |k: &str, v: String| {
        if !v.is_empty() {
            attrs.insert(k.to_string(), v);
        }
    };
    put("document_code", mrz_field(at(l1 + 1, l1 + 2)));
    put("document_number", mrz_field(at(l1 + 6, l1 + 14)));
    put("sex", mrz_field(at(l2 + 8, l2 + 8)));
    put("expiry_date", yymmdd(at(l2 + 9, l2 + 14), 20)?);
    put("nationality", mrz_field(at(l2 + 16, l2 + 18)));
    Ok(())
}

/// DG11: `6B { 5C <tag list>, 5F0E …, 5F10 personal number, 5F2B full
/// date of birth, 5F11 place of birth, … }`, each field UTF-8 text.
pub(crate) fn read_dg11(dg11: &[u8], id: &mut VerifiedIdentity) -> Result<()> {
    let mut rest = only(dg11, 0x6B, "DG11 is not one tag-0x6B TLV")?;
    let mut seen = std::collections::BTreeSet::new();
    while !rest.is_empty() {
        let (t, contents, next) = lds_tlv(rest)?;
        rest = next;
        if !seen.insert(t) {
            return Err(dg_malformed("a DG11 field appears twice"));
        }
        let text = || {
            core::str::from_utf8(contents)
                .map(str::to_string)
                .map_err(|_| dg_malformed("a DG11 field is not UTF-8"))
        };
        match t {
            0x5F10 => {
                let pn = text()?;
                if pn.is_empty() {
                    return Err(dg_malformed("an empty personal number"));
                }
                id.subject_id = Some(["TINIT-", pn.as_str()].concat());
                id.attributes.insert("personal_number".into(), pn);
            }
            0x5F11 => {
                id.attributes.insert("place_of_birth".into(), text()?);
            }
            0x5F2B => {
                let d = text()?;
                if d.len() != 8 || !d.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(dg_malformed("the full date of birth is not YYYYMMDD"));
                }
                let (y, md) = d.split_at(4);
                // The month and day checked as the MRZ's are; the year as written.
                let checked = yymmdd(&["00", md].concat(), 0)?;
                id.birth_date = Some([y, checked.get(4..).unwrap_or("")].concat());
            }
            _ => {}
        }
    }
    Ok(())
}

/// The CIE IAS application's NIS file (group −95): ASCII digits as stored.
pub(crate) fn read_nis(nis: &[u8], id: &mut VerifiedIdentity) -> Result<()> {
    if nis.is_empty() || !nis.iter().all(u8::is_ascii_graphic) {
        return Err(dg_malformed("the NIS is not printable ASCII"));
    }
    let text = core::str::from_utf8(nis).map_err(|_| dg_malformed("the NIS is not ASCII"))?;
    id.attributes.insert("nis".into(), text.to_string());
    Ok(())
}

/// An identity of the CIE chip with no fields yet.
pub(crate) fn empty_identity() -> VerifiedIdentity {
    VerifiedIdentity::new(System::CieChip)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn td1_mrz_reads_into_the_identity() {
        let mut dg1 = vec![0x61, 0x5D, 0x5F, 0x1F, 0x5A];
        dg1.extend_from_slice(
            b"C<ITACA76853YX8<<<<<<<<<<<<<<<9501186F3101182ITA<<<<<<<<<<<8ROSSI<<MARIA<<<<<<<<<<<<<<<<<<",
        );
        let mut id = empty_identity();
        read_dg1(&dg1, 2025, &mut id).unwrap();
        assert_eq!(id.birth_date(), Some("1995-01-18"));
        assert_eq!(id.family_name(), Some("ROSSI"));
        assert_eq!(id.given_name(), Some("MARIA"));
        assert_eq!(id.issuer(), Some("ITA"));
        assert_eq!(id.attributes()["expiry_date"], "2031-01-18");
        // A century boundary: 25 is at most 25 → 2025.
        dg1[35] = b'2';
        dg1[36] = b'5';
        let mut id = empty_identity();
        read_dg1(&dg1, 2025, &mut id).unwrap();
        assert_eq!(id.birth_date(), Some("2025-01-18"));
        dg1[37] = b'9';
        assert_eq!(
            read_dg1(&dg1, 2025, &mut empty_identity())
                .unwrap_err()
                .code(),
            "icao.dg.malformed"
        );
    }

    #[test]
    fn lds_tlvs_refuse_indefinite_and_truncated_lengths() {
        assert!(lds_tlv(&[0x61, 0x80, 0x00, 0x00]).is_err());
        assert!(lds_tlv(&[0x61, 0x05, 0x00]).is_err());
        assert!(lds_tlv(&[0x5F, 0x1F]).is_err());
        assert_eq!(lds_tlv(&[0x5F, 0x10, 0x01, 0x41]).unwrap().0, 0x5F10);
    }
}
