//! Reading a certificate's names: the subject attributes a person's
//! identity is made of, and comparing two subjects.
//!
//! RFC 5280 §4.1.2.6 (subject), §4.1.2.4 (issuer), Appendix A (the
//! attribute types' syntax); the attribute types of RFC 4519 / X.520 §6.2;
//! ETSI EN 319 412-1 §5.1.3 (the natural person's `serialNumber`, e.g.
//! `PNOEE-38001085718`).
//!
//! The identity is read strictly ([`person_name`]): an identity is never
//! empty, never guessed and never one of two candidates. The rules:
//!
//! | attribute | rule | else |
//! |---|---|---|
//! | serialNumber (2.5.4.5) | exactly one; a PrintableString (X.520 `X520SerialNumber`, RFC 5280 App. A), 1 to 64 characters of its alphabet, no space; when it opens with an ETSI EN 319 412-1 semantics identifier (`PNOEE-`, `IDCBE-`, ...) something follows it | refused |
//! | givenName (2.5.4.42), surname (2.5.4.4), commonName (2.5.4.3) | at most one each; a DirectoryString (RFC 5280 §4.1.2.4) of type PrintableString, UTF8String or BMPString (TeletexString is refused, its character set is ambiguous; a UniversalString does not decode at all) whose contents are valid for the type; not empty or blank; no control characters | refused |
//! | countryName (2.5.4.6) | at most one; a PrintableString of two letters (X.520 `CountryName`, ISO 3166 alpha-2) | refused |
//! | the issuer's commonName | read when there is exactly one and it decodes; informational, never refuses | left out |
//!
//! A refusal is `x509.cert.malformed`: the certificate does not hold the
//! identity its profile (and the ASN.1 of the attribute) requires.

use super::cert::{Attribute, Certificate};
use crate::error::{Error, ErrorCode, Result};
use der::Tag;

/// Common attribute type OIDs (RFC 4519, X.520).
pub(crate) mod attr {
    pub const COMMON_NAME: &str = "2.5.4.3";
    pub const SURNAME: &str = "2.5.4.4";
    pub const SERIAL_NUMBER: &str = "2.5.4.5";
    pub const COUNTRY: &str = "2.5.4.6";
    pub const GIVEN_NAME: &str = "2.5.4.42";
}

/// X.520 `ub-serial-number`.
const MAX_SERIAL_NUMBER: usize = 64;

/// The ETSI EN 319 412-1 §5.1.3 semantics identifiers for natural persons:
/// three letters, a two-letter country, `-`.
const SEMANTICS_TYPES: &[&str] = &["PAS", "IDC", "PNO", "TAX", "TIN"];

/// The subject attributes that name a natural person, read strictly
/// ([`person_name`]), and the issuer's common name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PersonName {
    /// serialNumber (2.5.4.5): always present and non-empty.
    pub serial_number: String,
    /// givenName (2.5.4.42).
    pub given_name: Option<String>,
    /// surname (2.5.4.4).
    pub surname: Option<String>,
    /// countryName (2.5.4.6).
    pub country: Option<String>,
    /// commonName (2.5.4.3).
    pub common_name: Option<String>,
    /// The issuer's commonName.
    pub issuer_common_name: Option<String>,
}

fn refused(reason: &'static str) -> Error {
    Error::new(ErrorCode::X509CertMalformed, reason)
}

/// At most one attribute of type `oid` in the subject.
fn at_most_one<'a>(cert: &'a Certificate, oid: &'a str) -> Result<Option<&'a Attribute>> {
    let mut all = cert.subject_attrs(oid);
    let first = all.next();
    if all.next().is_some() {
        return Err(refused(
            "the subject holds an identity attribute twice: the identity would be ambiguous",
        ));
    }
    Ok(first)
}

/// The person's identifier: exactly one serialNumber, a PrintableString.
fn serial_number(cert: &Certificate) -> Result<String> {
    let Some(a) = at_most_one(cert, attr::SERIAL_NUMBER)? else {
        return Err(refused("the subject has no serialNumber: no identifier"));
    };
    // X.520: X520SerialNumber ::= PrintableString (SIZE (1..ub-serial-number)).
    let text = match (a.tag, &a.text) {
        (Tag::PrintableString, Some(t)) => t,
        _ => {
            return Err(refused(
                "the subject serialNumber is not a valid PrintableString",
            ))
        }
    };
    if text.is_empty() || text.len() > MAX_SERIAL_NUMBER {
        return Err(refused(
            "the subject serialNumber is empty or longer than 64 characters",
        ));
    }
    if text.contains(' ') {
        return Err(refused("the subject serialNumber contains a space"));
    }
    // ETSI EN 319 412-1 §5.1.3: "3 character natural identity type
    // reference; 2 character ISO 3166 country code; hyphen-minus "-"
    // (0x2D (ASCII), U+002D (UTF-8)); and identifier".
    let has_semantics_prefix = text.len() >= 6
        && SEMANTICS_TYPES.iter().any(|t| text.starts_with(t))
        && text
            .get(3..5)
            .is_some_and(|c| c.bytes().all(|b| b.is_ascii_uppercase()))
        && text.get(5..6) == Some("-");
    if has_semantics_prefix && text.len() == 6 {
        return Err(refused(
            "the subject serialNumber has a semantics identifier and no identifier",
        ));
    }
    Ok(text.clone())
}

/// A DirectoryString name attribute (RFC 5280 §4.1.2.4), at most one.
fn directory_string(cert: &Certificate, oid: &str) -> Result<Option<String>> {
    let Some(a) = at_most_one(cert, oid)? else {
        return Ok(None);
    };
    let text = match (a.tag, &a.text) {
        (Tag::PrintableString | Tag::Utf8String | Tag::BmpString, Some(t)) => t,
        _ => {
            return Err(refused(
                "a subject name attribute is not a DirectoryString we can read",
            ))
        }
    };
    if text.trim().is_empty() {
        return Err(refused("a subject name attribute is empty"));
    }
    if text.chars().any(char::is_control) {
        return Err(refused(
            "a subject name attribute holds a control character",
        ));
    }
    Ok(Some(text.clone()))
}

/// countryName: at most one, two letters in a PrintableString.
fn country(cert: &Certificate) -> Result<Option<String>> {
    let Some(a) = at_most_one(cert, attr::COUNTRY)? else {
        return Ok(None);
    };
    match (a.tag, &a.text) {
        (Tag::PrintableString, Some(t))
            if t.len() == 2 && t.bytes().all(|b| b.is_ascii_alphabetic()) =>
        {
            Ok(Some(t.clone()))
        }
        _ => Err(refused(
            "the subject countryName is not two letters in a PrintableString",
        )),
    }
}

/// Reads `cert`'s person attributes under the rules of the module
/// documentation (`x509.cert.malformed` otherwise). Nothing here is
/// trusted by itself: the caller reads only a certificate it has verified.
pub(crate) fn person_name(cert: &Certificate) -> Result<PersonName> {
    let serial_number = serial_number(cert)?;
    let given_name = directory_string(cert, attr::GIVEN_NAME)?;
    let surname = directory_string(cert, attr::SURNAME)?;
    let common_name = directory_string(cert, attr::COMMON_NAME)?;
    let country = country(cert)?;
    let mut issuer_cns = cert.issuer_attrs(attr::COMMON_NAME);
    let issuer_common_name = match (issuer_cns.next(), issuer_cns.next()) {
        (Some(one), None) => one.text.clone().filter(|t| !t.trim().is_empty()),
        _ => None,
    };
    Ok(PersonName {
        serial_number,
        given_name,
        surname,
        country,
        common_name,
        issuer_common_name,
    })
}

/// Subject names as multisets of (type, value): the order of the RDNs does
/// not matter (as X.500 names compared with RFC 4519 matching rules, which
/// the Web eID reference uses). A value we read as text compares trimmed
/// and case-folded, whatever its string type; any other value compares by
/// its tag and contents, so two values we cannot read are never equal
/// unless they are the same bytes. An empty subject matches nothing.
#[cfg_attr(not(feature = "webeid"), allow(dead_code))] // Web eID's
pub(crate) fn same_subject(a: &Certificate, b: &Certificate) -> bool {
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Value {
        Text(String),
        Raw(u8, Vec<u8>),
    }
    let key = |c: &Certificate| {
        let mut v: Vec<(String, Value)> = c
            .subject()
            .iter()
            .map(|x| {
                let value = match &x.text {
                    Some(t) => Value::Text(t.trim().to_lowercase()),
                    None => Value::Raw(u8::from(x.tag), x.raw.clone()),
                };
                (x.oid.clone(), value)
            })
            .collect();
        v.sort();
        v
    };
    !a.subject().is_empty() && key(a) == key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_issuing_cas_names_and_refuses_it_as_a_person() {
        let ca = include_bytes!("../../test-vectors/webeid/pki/esteid2026.cer");
        let c = Certificate::from_der(ca).unwrap();
        assert_eq!(c.subject_attrs(attr::COMMON_NAME).count(), 1);
        // A CA has no serialNumber: no person identifier.
        assert_eq!(person_name(&c).unwrap_err().code(), "x509.cert.malformed");
        assert!(same_subject(&c, &c));
    }

    #[test]
    fn reads_the_main_authentication_certificate() {
        let der = include_bytes!("../../test-vectors/webeid/pki/auth-p384.cer");
        let n = person_name(&Certificate::from_der(der).unwrap()).unwrap();
        assert_eq!(n.serial_number, "PNOEE-49003150230");
        assert_eq!(n.given_name.as_deref(), Some("MARI-ÄNN"));
        assert_eq!(n.surname.as_deref(), Some("KÕRVITS"));
        assert_eq!(n.country.as_deref(), Some("EE"));
        assert_eq!(
            n.issuer_common_name.as_deref(),
            Some("idbridge TEST of ESTEID2026")
        );
    }
}
