//! Reading a certificate: decoded once, strictly (DER), with `x509-cert`,
//! and copied into an owned value holding exactly the fields the checks use.
//!
//! RFC 5280 §4.1 (the certificate), §4.2.1.3 (key usage), §4.2.1.12
//! (extended key usage), §4.2.1.4 (certificate policies), §4.2.1.9 (basic
//! constraints), §4.2.1.1 (authority key identifier).

use super::subset::{tlv, Parts};
use crate::error::{Error, ErrorCode, Result};
use crate::UnixTime;
use der::asn1::ObjectIdentifier;
use der::{Decode, Encode, Tag, Tagged};
use std::sync::OnceLock;
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
    #[cfg_attr(
        not(any(feature = "webeid", feature = "smartid", feature = "mdoc")),
        allow(dead_code)
    )]
    pub const DIGITAL_SIGNATURE: u16 = 1 << 0;
    #[cfg_attr(not(any(feature = "webeid", feature = "smartid")), allow(dead_code))]
    pub const NON_REPUDIATION: u16 = 1 << 1;
    #[cfg_attr(not(feature = "smartid"), allow(dead_code))] // the Smart-ID pre-2025 profile
    pub const KEY_ENCIPHERMENT: u16 = 1 << 2;
    #[cfg_attr(not(feature = "smartid"), allow(dead_code))] // the Smart-ID pre-2025 profile
    pub const DATA_ENCIPHERMENT: u16 = 1 << 3;
}

#[cfg(feature = "x509-path")]
#[cfg_attr(not(any(feature = "webeid", feature = "smartid")), allow(dead_code))]
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
/// refused alike whichever features are on; which fields are read depends
/// on the schemes built (without `x509-path` only `spki_der`, XML-DSig's
/// trusted keys; `public_key_bits` only with OCSP).
#[derive(Clone, Debug)]
#[allow(
    dead_code,
    reason = "decoded in every build, read by the schemes built (see above)"
)]
pub(crate) struct Certificate {
    pub der: Vec<u8>,
    pub serial: Vec<u8>,
    pub issuer_der: Vec<u8>,
    pub subject_der: Vec<u8>,
    /// The subject's attributes, read from `subject_der` when first asked
    /// ([`Certificate::subject`]).
    subject: OnceLock<Vec<Attribute>>,
    /// The issuer's attributes, likewise.
    issuer: OnceLock<Vec<Attribute>>,
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
pub(crate) fn dotted(oid: &ObjectIdentifier) -> String {
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

/// The issuer, subject and subjectPublicKeyInfo of a certificate that has
/// decoded strictly, as they are in its DER (equal to their re-encoding,
/// which DER makes unique).
fn tbs_parts(der: &[u8]) -> Option<[&[u8]; 3]> {
    let (_, cert, _, _) = tlv(der)?;
    let (_, mut rest, _, _) = tlv(cert)?;
    if rest.first() == Some(&0xA0) {
        rest = tlv(rest)?.3;
    }
    // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo.
    let mut fields = [&[][..]; 6];
    for field in &mut fields {
        let (_, _, whole, next) = tlv(rest)?;
        *field = whole;
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
        match super::subset::read(der) {
            Some(parts) => Certificate::from_parts(der, parts),
            None => Certificate::from_reference(der),
        }
    }

    /// [`Certificate::from_der`] through `x509-cert`'s decoder alone (the
    /// reference for certificates outside [`super::subset`]'s shape).
    fn from_reference(der: &[u8]) -> Result<Certificate> {
        let cert = <x509_cert::Certificate as Decode>::from_der(der)
            .map_err(|_| malformed("not a DER X.509 certificate"))?;
        let tbs = &cert.tbs_certificate;
        let spki = &tbs.subject_public_key_info;
        let secs = |t: x509_cert::time::Time| {
            UnixTime::from_unix_seconds(
                i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX),
            )
        };
        let reencoded;
        let [issuer_der, subject_der, spki_der] = match tbs_parts(der) {
            Some(parts) => parts,
            None => {
                reencoded = [
                    encoded(&tbs.issuer)?,
                    encoded(&tbs.subject)?,
                    encoded(spki)?,
                ];
                let [i, s, k] = &reencoded;
                [&i[..], &s[..], &k[..]]
            }
        };
        Certificate::from_parts(
            der,
            Parts {
                serial: tbs.serial_number.as_bytes(),
                issuer_der,
                subject_der,
                issuer: Some(attributes(&tbs.issuer)),
                subject: Some(attributes(&tbs.subject)),
                not_before: secs(tbs.validity.not_before),
                not_after: secs(tbs.validity.not_after),
                spki_der,
                public_key_bits: spki.subject_public_key.raw_bytes(),
                extensions: tbs
                    .extensions
                    .iter()
                    .flatten()
                    .map(|e| (e.extn_id.as_bytes(), e.extn_value.as_bytes()))
                    .collect(),
            },
        )
    }

    /// The certificate from its parts: the extensions read here (key
    /// usage, extended key usage, policies, authority key identifier) are
    /// decoded strictly; the others stay opaque, which keeps the named
    /// tolerances (explicit cA=FALSE) where the reference keeps them.
    fn from_parts(der: &[u8], parts: Parts<'_>) -> Result<Certificate> {
        let mut key_usage = None;
        let mut ext_key_usage = None;
        let mut policies = None;
        let mut authority_key_id = None;
        // RFC 5280 §4.2: "A certificate MUST NOT include more than one
        // instance of a particular extension." Sorted, not hashed: a few
        // extensions in most certificates, O(n log n) in any.
        let mut ids: Vec<&[u8]> = parts.extensions.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w.first() == w.get(1)) {
            return Err(malformed("an extension appears twice"));
        }
        for (id, value) in &parts.extensions {
            if *id == ID_CE_KEY_USAGE.as_bytes() {
                key_usage = Some(extension::<KeyUsage>(value)?.0.bits());
            } else if *id == ID_CE_EXT_KEY_USAGE.as_bytes() {
                let eku = extension::<ExtendedKeyUsage>(value)?;
                ext_key_usage = Some(eku.0.iter().map(|o| o.to_string()).collect());
            } else if *id == ID_CE_CERTIFICATE_POLICIES.as_bytes() {
                let p = extension::<CertificatePolicies>(value)?;
                policies = Some(
                    p.0.iter()
                        .map(|pi| pi.policy_identifier.to_string())
                        .collect(),
                );
            } else if *id == ID_CE_AUTHORITY_KEY_IDENTIFIER.as_bytes() {
                let aki = extension::<AuthorityKeyIdentifier>(value)?;
                authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
            }
        }
        Ok(Certificate {
            der: der.to_vec(),
            serial: parts.serial.to_vec(),
            issuer_der: parts.issuer_der.to_vec(),
            subject_der: parts.subject_der.to_vec(),
            subject: parts.subject.map(OnceLock::from).unwrap_or_default(),
            issuer: parts.issuer.map(OnceLock::from).unwrap_or_default(),
            not_before: parts.not_before,
            not_after: parts.not_after,
            spki_der: parts.spki_der.to_vec(),
            public_key_bits: parts.public_key_bits.to_vec(),
            key_usage,
            ext_key_usage,
            policies,
            authority_key_id,
        })
    }

    /// The subject's attributes, every attribute of every RDN in order.
    #[cfg(any(test, feature = "x509-path"))]
    #[cfg_attr(
        not(any(test, feature = "webeid", feature = "smartid", feature = "mobileid")),
        allow(dead_code)
    )]
    pub(crate) fn subject(&self) -> &[Attribute] {
        self.subject
            .get_or_init(|| super::subset::attributes(&self.subject_der, string_text))
    }

    /// The issuer's attributes, every attribute of every RDN in order.
    #[cfg(any(test, feature = "x509-path"))]
    #[cfg_attr(
        not(any(test, feature = "webeid", feature = "smartid", feature = "mobileid")),
        allow(dead_code)
    )]
    pub(crate) fn issuer(&self) -> &[Attribute] {
        self.issuer
            .get_or_init(|| super::subset::attributes(&self.issuer_der, string_text))
    }

    /// Every subject attribute of type `oid`, in order.
    #[cfg(feature = "x509-path")]
    #[cfg_attr(
        not(any(test, feature = "webeid", feature = "smartid", feature = "mobileid")),
        allow(dead_code)
    )]
    pub(crate) fn subject_attrs<'a>(&'a self, oid: &'a str) -> impl Iterator<Item = &'a Attribute> {
        self.subject().iter().filter(move |a| a.oid == oid)
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
    #[cfg_attr(
        not(any(test, feature = "webeid", feature = "smartid", feature = "mobileid")),
        allow(dead_code)
    )]
    pub(crate) fn issuer_attrs<'a>(&'a self, oid: &'a str) -> impl Iterator<Item = &'a Attribute> {
        self.issuer().iter().filter(move |a| a.oid == oid)
    }

    /// Whether the certificate is valid at `now` (both ends inclusive):
    /// `Err(x509.cert.not_yet_valid)` or `Err(x509.cert.expired)` otherwise.
    #[cfg(feature = "x509-path")]
    #[cfg_attr(
        not(any(
            feature = "webeid",
            feature = "smartid",
            feature = "mobileid",
            feature = "icao"
        )),
        allow(dead_code)
    )]
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

/// The direct reader of [`super::subset`] against the reference decoder:
/// whatever it reads, `x509-cert` reads alike, to the last field.
#[cfg(test)]
mod subset_parity {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use super::*;
    use base64::Engine as _;
    use std::path::Path;

    /// Whether the direct reader took `der`; panics when it read what the
    /// reference does not, or read it differently.
    fn same(der: &[u8]) -> bool {
        let Some(parts) = super::super::subset::read(der) else {
            return false;
        };
        let direct = Certificate::from_parts(der, parts);
        let reference = Certificate::from_reference(der);
        match (&direct, &reference) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.subject(), b.subject(), "{der:02x?}");
                assert_eq!(a.issuer(), b.issuer(), "{der:02x?}");
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{der:02x?}");
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{der:02x?}"),
            _ => panic!("direct {direct:?}, reference {reference:?}: {der:02x?}"),
        }
        true
    }

    /// Every certificate file under `dir`, and every base64 string of a
    /// JSON file there that decodes to a SEQUENCE (x5c, trust lists).
    fn corpus(dir: &Path, out: &mut Vec<Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                corpus(&path, out);
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            match ext {
                "der" | "cer" | "crt" => out.push(bytes),
                "pem" => {
                    out.extend(crate::x509::pem::decode_certificates(&bytes).unwrap_or_default())
                }
                "json" => {
                    let text = String::from_utf8_lossy(&bytes);
                    for s in text
                        .split('"')
                        .filter(|s| s.starts_with("MI") && s.len() > 200)
                    {
                        let b64 = base64::engine::general_purpose::STANDARD;
                        if let Ok(der) = b64.decode(s) {
                            out.push(der);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn every_certificate_of_the_repository_reads_alike() {
        let mut certs = Vec::new();
        corpus(&root().join("test-vectors"), &mut certs);
        corpus(&root().join("../shared/vectors"), &mut certs);
        assert!(certs.len() > 300, "{}", certs.len());
        let direct = certs.iter().filter(|c| same(c)).count();
        // Nearly all take the direct reader; the reference reads the rest.
        let decodable = certs
            .iter()
            .filter(|c| Certificate::from_reference(c).is_ok())
            .count();
        eprintln!(
            "COUNTS {} certs, {direct} direct of {decodable} decodable",
            certs.len()
        );
        assert!(direct * 10 >= decodable * 9, "{direct} of {decodable}");
    }

    /// Every byte of a few unlike certificates changed to values that move
    /// tags, lengths, times and strings, every truncation, and random
    /// multi-byte changes (a fixed-seed xorshift): no disagreement.
    #[test]
    fn mutated_certificates_read_alike() {
        let samples: [&[u8]; 6] = [
            include_bytes!("../../test-vectors/icao/ds-rsa2048.der"),
            include_bytes!("../../test-vectors/icao/csca-bp384-explicit.der"),
            include_bytes!("../../test-vectors/webeid/pki/esteid2026.cer"),
            include_bytes!("../../test-vectors/webeid/pki/auth-gn-bmp.cer"),
            include_bytes!("../../test-vectors/webeid/pki/auth-serial-teletex.cer"),
            include_bytes!("../../test-vectors/webeid/pki/auth-rsa2048.cer"),
        ];
        let values = [
            0x00u8, 0x01, 0x02, 0x05, 0x06, 0x0C, 0x13, 0x17, 0x18, 0x1C, 0x1F, 0x30, 0x31, 0x7F,
            0x80, 0x81, 0x82, 0x83, 0x84, 0xA0, 0xA3, 0xFF,
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut direct = 0usize;
        for cert in samples {
            for at in 0..cert.len() {
                let mut m = cert.to_vec();
                for v in values
                    .iter()
                    .copied()
                    .chain([cert[at] ^ 1, cert[at] ^ 0x80])
                {
                    m[at] = v;
                    direct += usize::from(same(&m));
                }
                direct += usize::from(same(&cert[..at]));
            }
            for _ in 0..4_000 {
                let mut m = cert.to_vec();
                for _ in 0..1 + next() % 3 {
                    let at = (next() % m.len() as u64) as usize;
                    m[at] = next() as u8;
                }
                direct += usize::from(same(&m));
            }
        }
        eprintln!("COUNTS mutated direct {direct}");
        assert!(direct > 1_000, "{direct}");
    }

    /// The times the direct reader takes, and those it leaves.
    #[test]
    fn times_at_the_edges() {
        let utc = |s: &[u8]| super::super::subset::time_for_tests(0x17, s);
        let gen = |s: &[u8]| super::super::subset::time_for_tests(0x18, s);
        assert_eq!(utc(b"700101000000Z"), Some(0));
        assert_eq!(utc(b"491231235959Z"), Some(2_524_607_999));
        assert_eq!(utc(b"000229000000Z"), Some(951_782_400));
        assert_eq!(utc(b"010229000000Z"), None);
        assert_eq!(utc(b"690101000000Z"), None);
        assert_eq!(utc(b"700101000060Z"), None);
        assert_eq!(utc(b"7001010000000"), None);
        assert_eq!(gen(b"20500101000000Z"), Some(2_524_608_000));
        assert_eq!(gen(b"20400101000000Z"), None);
        assert_eq!(gen(b"21000229000000Z"), None);
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
