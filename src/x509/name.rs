//! Reading a certificate's names: the subject attributes a person's
//! identity is made of, and comparing two subjects.
//!
//! RFC 5280 §4.1.2.6 (subject), §4.1.2.4 (issuer); the attribute types of
//! RFC 4519 / X.520 §6.2; ETSI EN 319 412-1 §5.1.3 (the natural person's
//! `serialNumber`, e.g. `PNOEE-38001085718`).

use super::cert::Certificate;

/// Common attribute type OIDs (RFC 4519, X.520).
pub(crate) mod attr {
    pub const COMMON_NAME: &str = "2.5.4.3";
    pub const SURNAME: &str = "2.5.4.4";
    pub const SERIAL_NUMBER: &str = "2.5.4.5";
    pub const COUNTRY: &str = "2.5.4.6";
    pub const GIVEN_NAME: &str = "2.5.4.42";
}

/// The subject attributes that name a natural person, each the first of its
/// type in the subject, as text (`None` when absent), and the issuer's
/// common name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PersonName {
    /// serialNumber (2.5.4.5).
    pub serial_number: Option<String>,
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

/// Reads `cert`'s person attributes. Nothing here is trusted by itself: the
/// caller reads only a certificate it has verified.
pub(crate) fn person_name(cert: &Certificate) -> PersonName {
    let subject = |oid| cert.subject_attr(oid).map(str::to_string);
    PersonName {
        serial_number: subject(attr::SERIAL_NUMBER),
        given_name: subject(attr::GIVEN_NAME),
        surname: subject(attr::SURNAME),
        country: subject(attr::COUNTRY),
        common_name: subject(attr::COMMON_NAME),
        issuer_common_name: cert.issuer_attr(attr::COMMON_NAME).map(str::to_string),
    }
}

/// Subject names as multisets of (type, case-folded value): the order of
/// the RDNs does not matter (as X.500 names compared with RFC 4519 matching
/// rules, which the Web eID reference uses). An empty subject matches
/// nothing.
pub(crate) fn same_subject(a: &Certificate, b: &Certificate) -> bool {
    let key = |c: &Certificate| {
        let mut v: Vec<(String, String)> = c
            .subject
            .iter()
            .map(|x| (x.oid.clone(), x.value.trim().to_lowercase()))
            .collect();
        v.sort();
        v
    };
    !a.subject.is_empty() && key(a) == key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_issuing_cas_names() {
        let ca = include_bytes!("../../test-vectors/webeid/pki/esteid2026.cer");
        let c = Certificate::from_der(ca).unwrap();
        let n = person_name(&c);
        assert!(n.common_name.is_some());
        assert_eq!(n.given_name, None);
        assert!(same_subject(&c, &c));
    }
}
