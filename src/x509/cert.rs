//! Reading a certificate: decoded once, strictly (DER), with `x509-cert`,
//! and copied into an owned value holding exactly the fields the checks use.
//!
//! RFC 5280 §4.1 (the certificate), §4.2.1.3 (key usage), §4.2.1.12
//! (extended key usage), §4.2.1.4 (certificate policies), §4.2.1.9 (basic
//! constraints), §4.2.1.1 (authority key identifier).

use crate::error::{Error, ErrorCode, Result};
use crate::UnixTime;
use der::asn1::ObjectIdentifier;
use der::{Decode, Encode, Tag, Tagged};
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, CertificatePolicies, ExtendedKeyUsage, KeyUsage,
};
use x509_cert::name::Name;

const ID_CE_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const ID_CE_EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const ID_CE_CERTIFICATE_POLICIES: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32");
const ID_CE_AUTHORITY_KEY_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");

#[cfg(feature = "x509-path")]
/// Key usage bits (RFC 5280 §4.2.1.3): bit i of the BIT STRING is `1 << i`.
pub(crate) mod ku {
    pub const DIGITAL_SIGNATURE: u16 = 1 << 0;
    pub const NON_REPUDIATION: u16 = 1 << 1;
    #[cfg_attr(not(feature = "smartid"), allow(dead_code))] // the Smart-ID pre-2025 profile
    pub const KEY_ENCIPHERMENT: u16 = 1 << 2;
    #[cfg_attr(not(feature = "smartid"), allow(dead_code))] // the Smart-ID pre-2025 profile
    pub const DATA_ENCIPHERMENT: u16 = 1 << 3;
}

#[cfg(feature = "x509-path")]
/// id-kp-clientAuth.
pub(crate) const EKU_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";

/// One name attribute: its type OID (dotted), the tag and contents of its
/// value, and the value as text when it is a string type we can decode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Attribute {
    pub oid: String,
    /// The value's ASN.1 tag.
    pub tag: Tag,
    /// The value's contents octets.
    pub raw: Vec<u8>,
    /// The value as text: `None` for a type we do not read as text
    /// (TeletexString, whose character set is ambiguous, and every
    /// non-string type) or contents that are not valid for the type.
    /// (UniversalString does not decode at all: the `der` crate knows no
    /// tag 28, so such a certificate is `x509.cert.malformed`.)
    pub text: Option<String>,
}

/// A decoded certificate. Nothing in it is trusted until a path check says so.
///
/// Every field is decoded (strictly) in every build, so a certificate is
/// refused alike whichever features are on; without `x509-path` only
/// `spki_der` is read (XML-DSig's trusted keys).
#[derive(Clone, Debug)]
#[cfg_attr(
    not(feature = "x509-path"),
    expect(dead_code, reason = "without x509-path only spki_der is read")
)]
pub(crate) struct Certificate {
    pub der: Vec<u8>,
    pub serial: Vec<u8>,
    pub issuer_der: Vec<u8>,
    pub subject_der: Vec<u8>,
    pub subject: Vec<Attribute>,
    pub issuer: Vec<Attribute>,
    pub not_before: UnixTime,
    pub not_after: UnixTime,
    pub spki_der: Vec<u8>,
    /// The subjectPublicKey BIT STRING contents (for OCSP's issuerKeyHash).
    pub public_key_bits: Vec<u8>,
    /// `None` when the extension is absent.
    pub key_usage: Option<u16>,
    /// `None` when the extension is absent.
    pub ext_key_usage: Option<Vec<String>>,
    /// `None` when the extension is absent.
    pub policies: Option<Vec<String>>,
    pub authority_key_id: Option<Vec<u8>>,
}

fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::X509CertMalformed, reason)
}

/// X.680 §41.4 PrintableString: letters, digits, space and `'()+,-./:=?`.
fn is_printable_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c)
}

/// The contents of a string value of type `tag` as text, when the type is
/// one we read and the contents are valid for it (X.680 §41).
fn string_text(tag: Tag, raw: &[u8]) -> Option<String> {
    match tag {
        Tag::Utf8String => core::str::from_utf8(raw).ok().map(str::to_string),
        Tag::PrintableString => core::str::from_utf8(raw)
            .ok()
            .filter(|s| s.chars().all(is_printable_char))
            .map(str::to_string),
        Tag::Ia5String => core::str::from_utf8(raw)
            .ok()
            .filter(|s| s.is_ascii())
            .map(str::to_string),
        Tag::NumericString => core::str::from_utf8(raw)
            .ok()
            .filter(|s| s.chars().all(|c| c.is_ascii_digit() || c == ' '))
            .map(str::to_string),
        // BMPString: UCS-2, big-endian; surrogates are not characters.
        Tag::BmpString if raw.len() % 2 == 0 => raw
            .chunks_exact(2)
            .map(|u| {
                let unit = <[u8; 2]>::try_from(u).ok()?;
                char::from_u32(u32::from(u16::from_be_bytes(unit)))
            })
            .collect(),
        _ => None,
    }
}

/// An OID in dotted form. The name attributes under 2.5.4 (X.520: CN, C,
/// O, serialNumber, ...) are written without the formatter, which showed
/// in the ICAO profile.
fn dotted(oid: &ObjectIdentifier) -> String {
    match oid.as_bytes() {
        [0x55, 0x04, n] if *n < 0x80 => {
            let mut s = String::with_capacity(9);
            s.push_str("2.5.4.");
            if *n >= 100 {
                s.push(char::from(b'0' + n / 100));
            }
            if *n >= 10 {
                s.push(char::from(b'0' + n / 10 % 10));
            }
            s.push(char::from(b'0' + n % 10));
            s
        }
        _ => oid.to_string(),
    }
}

/// The header length and the contents length of the DER TLV (one-byte
/// tag) at the start of `input`.
fn tlv_lengths(input: &[u8]) -> Option<(usize, usize)> {
    match *input.get(1)? {
        short @ 0..=0x7F => Some((2, usize::from(short))),
        long @ 0x81..=0x84 => {
            let n = usize::from(long & 0x7F);
            let bytes = input.get(2..2 + n)?;
            Some((
                2 + n,
                bytes.iter().fold(0, |a, b| (a << 8) | usize::from(*b)),
            ))
        }
        _ => None,
    }
}

/// One DER TLV with a one-byte tag at the start of `input`: (whole TLV,
/// rest). `None` if it does not parse (the caller then re-encodes).
fn tlv_at(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let (header, len) = tlv_lengths(input)?;
    input.split_at_checked(header.checked_add(len)?)
}

/// The contents of the DER TLV `tlv`.
fn contents(tlv: &[u8]) -> Option<&[u8]> {
    tlv.get(tlv_lengths(tlv)?.0..)
}

/// The issuer, subject and subjectPublicKeyInfo of a certificate that has
/// decoded strictly, as they are in its DER (equal to their re-encoding,
/// which DER makes unique).
fn tbs_parts(der: &[u8]) -> Option<[&[u8]; 3]> {
    let (tbs, _) = tlv_at(contents(der)?)?;
    let mut rest = contents(tbs)?;
    if rest.first() == Some(&0xA0) {
        rest = tlv_at(rest)?.1;
    }
    // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo.
    let mut fields = [&[][..]; 6];
    for field in &mut fields {
        let (tlv, next) = tlv_at(rest)?;
        *field = tlv;
        rest = next;
    }
    let [_, _, issuer, _, subject, spki] = fields;
    Some([issuer, subject, spki])
}

/// A name's attributes in order, every attribute of every RDN.
fn attributes(name: &Name) -> Vec<Attribute> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .map(|atv| {
            let tag = atv.value.tag();
            let raw = atv.value.value().to_vec();
            Attribute {
                oid: dotted(&atv.oid),
                text: string_text(tag, &raw),
                tag,
                raw,
            }
        })
        .collect()
}

/// `(tag, contents, whole TLV, rest)`.
#[cfg(feature = "mdoc")]
pub(crate) type SplitTlv<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

/// One DER TLV at the start of `input` (definite length, at most four
/// length octets; the caller has already decoded the bytes strictly):
/// `(tag, contents, whole TLV, rest)`. mdoc reads the DS's issuer name
/// with it.
#[cfg(feature = "mdoc")]
pub(crate) fn split_tlv(input: &[u8]) -> Option<SplitTlv<'_>> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (digits, after) = rest.split_at_checked(n)?;
        rest = after;
        digits
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    let head = input.len() - rest.len();
    let (contents, after) = rest.split_at_checked(len)?;
    Some((tag, contents, input.get(..head.checked_add(len)?)?, after))
}

fn encoded<T: Encode>(value: &T) -> Result<Vec<u8>> {
    value
        .to_der()
        .map_err(|_| malformed("a certificate part does not re-encode"))
}

/// Decodes one extension value of a type we read, strictly.
fn extension<'a, T: Decode<'a>>(value: &'a [u8]) -> Result<T> {
    T::from_der(value).map_err(|_| malformed("an extension does not parse"))
}

impl Certificate {
    /// Decodes exactly one DER certificate (trailing bytes are an error).
    ///
    /// RFC 5280 §4.1: certificates are DER; the `der` decoder of x509-cert
    /// refuses BER (indefinite or non-minimal lengths, non-canonical times)
    /// and trailing bytes. The values of the extensions read here (key
    /// usage, extended key usage, policies, authority key identifier) are
    /// decoded strictly too; the others stay opaque, which keeps the named
    /// tolerances (explicit cA=FALSE) where the reference keeps them.
    pub(crate) fn from_der(der: &[u8]) -> Result<Certificate> {
        let cert = <x509_cert::Certificate as Decode>::from_der(der)
            .map_err(|_| malformed("not a DER X.509 certificate"))?;
        let tbs = &cert.tbs_certificate;
        let mut key_usage = None;
        let mut ext_key_usage = None;
        let mut policies = None;
        let mut authority_key_id = None;
        // RFC 5280 §4.2: "A certificate MUST NOT include more than one
        // instance of a particular extension." Sorted, not hashed: a few
        // extensions in most certificates, O(n log n) in any.
        let mut ids: Vec<&[u8]> = tbs
            .extensions
            .iter()
            .flatten()
            .map(|e| e.extn_id.as_bytes())
            .collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w.first() == w.get(1)) {
            return Err(malformed("an extension appears twice"));
        }
        for ext in tbs.extensions.iter().flatten() {
            let value = ext.extn_value.as_bytes();
            match ext.extn_id {
                ID_CE_KEY_USAGE => key_usage = Some(extension::<KeyUsage>(value)?.0.bits()),
                ID_CE_EXT_KEY_USAGE => {
                    let eku = extension::<ExtendedKeyUsage>(value)?;
                    ext_key_usage = Some(eku.0.iter().map(|o| o.to_string()).collect());
                }
                ID_CE_CERTIFICATE_POLICIES => {
                    let p = extension::<CertificatePolicies>(value)?;
                    policies = Some(
                        p.0.iter()
                            .map(|pi| pi.policy_identifier.to_string())
                            .collect(),
                    );
                }
                ID_CE_AUTHORITY_KEY_IDENTIFIER => {
                    let aki = extension::<AuthorityKeyIdentifier>(value)?;
                    authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
                }
                _ => {}
            }
        }
        let spki = &tbs.subject_public_key_info;
        let secs = |t: x509_cert::time::Time| {
            UnixTime::from_unix_seconds(
                i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX),
            )
        };
        let (issuer_der, subject_der, spki_der) = match tbs_parts(der) {
            Some([issuer, subject, spki]) => (issuer.to_vec(), subject.to_vec(), spki.to_vec()),
            None => (
                encoded(&tbs.issuer)?,
                encoded(&tbs.subject)?,
                encoded(spki)?,
            ),
        };
        Ok(Certificate {
            der: der.to_vec(),
            serial: tbs.serial_number.as_bytes().to_vec(),
            issuer_der,
            subject_der,
            subject: attributes(&tbs.subject),
            issuer: attributes(&tbs.issuer),
            not_before: secs(tbs.validity.not_before),
            not_after: secs(tbs.validity.not_after),
            spki_der,
            public_key_bits: spki.subject_public_key.raw_bytes().to_vec(),
            key_usage,
            ext_key_usage,
            policies,
            authority_key_id,
        })
    }

    /// Every subject attribute of type `oid`, in order.
    #[cfg(feature = "x509-path")]
    pub(crate) fn subject_attrs<'a>(&'a self, oid: &'a str) -> impl Iterator<Item = &'a Attribute> {
        self.subject.iter().filter(move |a| a.oid == oid)
    }

    /// The subjectAltName's dNSName and uniformResourceIdentifier entries,
    /// as written (each list empty when the extension is absent).
    #[cfg(all(feature = "x509-path", feature = "sdjwt"))]
    pub(crate) fn san_dns_and_uris(&self) -> Result<(Vec<String>, Vec<String>)> {
        use x509_cert::ext::pkix::name::GeneralName;
        use x509_cert::ext::pkix::SubjectAltName;
        const ID_CE_SUBJECT_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
        let cert = <x509_cert::Certificate as Decode>::from_der(&self.der)
            .map_err(|_| malformed("not a DER X.509 certificate"))?;
        let (mut dns, mut uris) = (Vec::new(), Vec::new());
        for ext in cert.tbs_certificate.extensions.iter().flatten() {
            if ext.extn_id != ID_CE_SUBJECT_ALT_NAME {
                continue;
            }
            for name in extension::<SubjectAltName>(ext.extn_value.as_bytes())?.0 {
                match name {
                    GeneralName::DnsName(d) => dns.push(d.to_string()),
                    GeneralName::UniformResourceIdentifier(u) => uris.push(u.to_string()),
                    _ => {}
                }
            }
        }
        Ok((dns, uris))
    }

    /// Every issuer attribute of type `oid`, in order.
    #[cfg(feature = "x509-path")]
    pub(crate) fn issuer_attrs<'a>(&'a self, oid: &'a str) -> impl Iterator<Item = &'a Attribute> {
        self.issuer.iter().filter(move |a| a.oid == oid)
    }

    /// Whether the certificate is valid at `now` (both ends inclusive):
    /// `Err(x509.cert.not_yet_valid)` or `Err(x509.cert.expired)` otherwise.
    #[cfg(feature = "x509-path")]
    pub(crate) fn check_validity(&self, now: UnixTime) -> Result<()> {
        if now < self.not_before {
            return Err(Error::new(
                ErrorCode::X509CertNotYetValid,
                "the certificate is not valid yet",
            ));
        }
        if now > self.not_after {
            return Err(Error::new(
                ErrorCode::X509CertExpired,
                "the certificate has expired",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x509::name::attr;

    const CA: &[u8] = include_bytes!("../../test-vectors/webeid/pki/esteid2026.cer");

    /// `CA` with the bytes at the first occurrence of `from` replaced by `to`
    /// (same length: the outer DER stays well formed).
    fn patched(from: &[u8], to: &[u8]) -> Vec<u8> {
        let at = CA.windows(from.len()).position(|w| w == from).unwrap();
        let mut der = CA.to_vec();
        der[at..at + to.len()].copy_from_slice(to);
        der
    }

    #[test]
    fn reads_the_fields_the_checks_use() {
        let c = Certificate::from_der(CA).unwrap();
        // keyCertSign | cRLSign (bits 5 and 6), read from `03 02 01 06`.
        assert_eq!(c.key_usage, Some((1 << 5) | (1 << 6)));
        assert!(c.authority_key_id.is_some());
        assert_eq!(c.ext_key_usage, None);
        assert_eq!(c.policies, None);
        assert_eq!(c.subject_attrs(attr::COMMON_NAME).count(), 1);
        assert_eq!(c.issuer_der.first(), Some(&0x30));
        assert!(c.not_before < c.not_after);
        assert_eq!(
            crate::crypto::PublicKey::from_spki_der(&c.spki_der)
                .unwrap()
                .spki_der(),
            &c.spki_der[..]
        );
    }

    /// A TLV whose length runs past the input, or whose length octets
    /// are cut, is refused.
    #[cfg(feature = "mdoc")]
    #[test]
    fn split_tlv_refuses_what_does_not_fit() {
        assert_eq!(split_tlv(&[0x04, 0x81]), None);
        assert_eq!(split_tlv(&[0x04, 0x85, 1, 0, 0, 0, 0]), None);
        assert_eq!(split_tlv(&[0x04, 0x02, 1]), None);
    }

    #[test]
    fn a_malformed_value_of_an_extension_we_read_is_refused() {
        // KeyUsage's BIT STRING turned into an OCTET STRING.
        let der = patched(
            &[
                0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, 0xff, 0x04, 0x04, 0x03,
            ],
            &[
                0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, 0xff, 0x04, 0x04, 0x04,
            ],
        );
        let e = Certificate::from_der(&der).unwrap_err();
        assert_eq!(e.code(), "x509.cert.malformed");
    }

    /// The issuer, subject and key as sliced from the DER are their
    /// re-encoding, byte for byte.
    #[test]
    fn the_sliced_parts_are_the_reencoded_ones() {
        for der in [
            &include_bytes!("../../test-vectors/icao/ds-rsa2048.der")[..],
            &include_bytes!("../../test-vectors/icao/csca-bp384-explicit.der")[..],
            &include_bytes!("../../test-vectors/webeid/pki/esteid2026.cer")[..],
            &include_bytes!("../../test-vectors/webeid/pki/auth-gn-bmp.cer")[..],
            &include_bytes!("../../test-vectors/webeid/pki/auth-serial-teletex.cer")[..],
            &include_bytes!("../../test-vectors/webeid/pki/auth-rsa2048.cer")[..],
        ] {
            let cert = <x509_cert::Certificate as Decode>::from_der(der).unwrap();
            let tbs = &cert.tbs_certificate;
            let [issuer, subject, spki] = tbs_parts(der).unwrap();
            assert_eq!(issuer, tbs.issuer.to_der().unwrap());
            assert_eq!(subject, tbs.subject.to_der().unwrap());
            assert_eq!(spki, tbs.subject_public_key_info.to_der().unwrap());
        }
        assert!(tbs_parts(&[0x30, 0x80]).is_none());
        assert!(tbs_parts(&[0x30, 0x85, 1, 1, 1, 1, 1]).is_none());
        assert!(tbs_parts(&[0x30, 0x03, 0x30, 0x01]).is_none());
        for n in [3u8, 6, 10, 97, 127] {
            let oid = ObjectIdentifier::new_unwrap(&format!("2.5.4.{n}"));
            assert_eq!(dotted(&oid), oid.to_string());
        }
        let other = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");
        assert_eq!(dotted(&other), "1.2.840.113549.1.9.1");
    }

    #[test]
    fn a_repeated_extension_is_refused() {
        // BasicConstraints renamed SubjectKeyIdentifier: two SKIs.
        let der = patched(
            &[0x06, 0x03, 0x55, 0x1d, 0x13],
            &[0x06, 0x03, 0x55, 0x1d, 0x0e],
        );
        let e = Certificate::from_der(&der).unwrap_err();
        assert_eq!(e.code(), "x509.cert.malformed");
    }

    #[test]
    fn trailing_bytes_and_ber_are_refused() {
        let mut der = CA.to_vec();
        der.push(0);
        assert!(Certificate::from_der(&der).is_err());
        // The outer SEQUENCE's length in a non-minimal long form.
        let len = u16::from_be_bytes([CA[2], CA[3]]);
        assert_eq!(CA[1], 0x82);
        let mut ber = vec![0x30, 0x83, 0x00];
        ber.extend_from_slice(&len.to_be_bytes());
        ber.extend_from_slice(&CA[4..]);
        assert!(Certificate::from_der(&ber).is_err());
    }
}

#[cfg(test)]
mod string_tests {
    use super::string_text;
    use der::Tag;

    #[test]
    fn string_types_decode_or_read_as_none() {
        assert_eq!(
            string_text(Tag::PrintableString, b"PNOEE-1").as_deref(),
            Some("PNOEE-1")
        );
        assert_eq!(string_text(Tag::PrintableString, b"a@b"), None);
        assert_eq!(string_text(Tag::PrintableString, b"a_b"), None);
        assert_eq!(
            string_text(Tag::Utf8String, "Ä".as_bytes()).as_deref(),
            Some("Ä")
        );
        assert_eq!(string_text(Tag::Utf8String, &[0xff]), None);
        assert_eq!(
            string_text(Tag::BmpString, &[0x00, 0x41, 0x00, 0xc4]).as_deref(),
            Some("AÄ")
        );
        assert_eq!(string_text(Tag::BmpString, &[0x00, 0x41, 0x00]), None);
        assert_eq!(string_text(Tag::BmpString, &[0xd8, 0x00]), None);
        assert_eq!(string_text(Tag::TeletexString, b"A"), None);
        assert_eq!(string_text(Tag::Ia5String, &[0x80]), None);
        assert_eq!(
            string_text(Tag::NumericString, b"12 3").as_deref(),
            Some("12 3")
        );
        assert_eq!(string_text(Tag::NumericString, b"12a"), None);
    }
}
