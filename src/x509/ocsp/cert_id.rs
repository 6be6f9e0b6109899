//! The CertID that names one certificate (RFC 6960 §4.1.1):
//!
//! ```text
//! CertID ::= SEQUENCE {
//!     hashAlgorithm       AlgorithmIdentifier,
//!     issuerNameHash      OCTET STRING, -- Hash of issuer's DN
//!     issuerKeyHash       OCTET STRING, -- Hash of issuer's public key
//!     serialNumber        CertificateSerialNumber }
//! ```
//!
//! One builder serves both the request we write and the response we check,
//! so the two cannot drift apart. A response's CertID is compared with the
//! expected one by meaning ([`same_cert_id`]), not as encoded structures.

use crate::error::{Error, ErrorCode, Result};
use crate::x509::cert::Certificate;
use der::asn1::{AnyRef, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Tag, Tagged};
use sha1::Digest as _;
use spki::AlgorithmIdentifierOwned;
use x509_cert::serial_number::SerialNumber;
use x509_ocsp::CertId;

/// id-sha1 (RFC 3279 §2.2.1).
pub(crate) const ID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
/// id-sha256 (RFC 5754 §2.2).
pub(crate) const ID_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

/// The hash a CertID is computed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CertIdHash {
    /// SHA-1: what RFC 6960 clients send and responders answer by default.
    Sha1,
    /// SHA-256: accepted in responses to clients that asked for it.
    Sha256,
}

impl CertIdHash {
    /// The hash whose OID is `oid`, if it is one we accept.
    pub(crate) fn from_oid(oid: &ObjectIdentifier) -> Option<CertIdHash> {
        if *oid == ID_SHA1 {
            Some(CertIdHash::Sha1)
        } else if *oid == ID_SHA256 {
            Some(CertIdHash::Sha256)
        } else {
            None
        }
    }

    fn oid(self) -> ObjectIdentifier {
        match self {
            CertIdHash::Sha1 => ID_SHA1,
            CertIdHash::Sha256 => ID_SHA256,
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            CertIdHash::Sha1 => sha1::Sha1::digest(data).to_vec(),
            CertIdHash::Sha256 => sha2::Sha256::digest(data).to_vec(),
        }
    }
}

/// Whether `got` (from a response) names the same certificate as
/// `expected` (ours, from [`cert_id`]), compared by meaning:
///
/// - the hash algorithm's OID is equal, and its parameters are absent or
///   NULL (RFC 3370 §2.1 and RFC 5754 §2: "implementations MUST accept
///   SHA2 AlgorithmIdentifiers with absent parameters as well as NULL
///   parameters"; SHA-1 is the same case). Any other parameter value is
///   refused;
/// - issuerNameHash and issuerKeyHash are byte-equal (so they also have
///   the hash's length);
/// - the serial numbers are the same INTEGER value (sign and magnitude;
///   redundant leading octets, were a decoder to let them through, do not
///   change the value they encode).
pub(crate) fn same_cert_id(got: &CertId, expected: &CertId) -> bool {
    got.hash_algorithm.oid == expected.hash_algorithm.oid
        && absent_or_null(got.hash_algorithm.parameters.as_ref())
        && got.issuer_name_hash.as_bytes() == expected.issuer_name_hash.as_bytes()
        && got.issuer_key_hash.as_bytes() == expected.issuer_key_hash.as_bytes()
        && integer_value(got.serial_number.as_bytes())
            == integer_value(expected.serial_number.as_bytes())
}

/// Absent, or exactly an ASN.1 NULL (`05 00`).
fn absent_or_null(parameters: Option<&der::asn1::Any>) -> bool {
    match parameters {
        None => true,
        Some(p) => p.tag() == Tag::Null && p.value().is_empty(),
    }
}

/// A two's-complement INTEGER's contents as (negative, minimal bytes):
/// leading `00` octets before a clear high bit, or `ff` octets before a set
/// one, are dropped. An empty encoding reads as zero.
fn integer_value(bytes: &[u8]) -> (bool, &[u8]) {
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let pad = if negative { 0xff } else { 0x00 };
    let mut rest = bytes;
    while let [first, second, ..] = rest {
        if *first == pad && (second & 0x80 != 0) == negative {
            rest = rest.get(1..).unwrap_or_default();
        } else {
            break;
        }
    }
    if rest == [0x00] {
        rest = &[];
    }
    (negative, rest)
}

fn encoding(_: der::Error) -> Error {
    Error::new(
        ErrorCode::InputEncoding,
        "the certificate's serial number cannot be written as a CertID",
    )
}

/// The CertID of `subject` as issued by `issuer`, hashed with `hash`.
///
/// The hash AlgorithmIdentifier carries **absent** parameters, as the Web eID
/// reference validator (and Bouncy Castle's `CertificateID`) writes them.
pub(crate) fn cert_id(
    hash: CertIdHash,
    subject: &Certificate,
    issuer: &Certificate,
) -> Result<CertId> {
    // RFC 6960 §4.1.1: "issuerNameHash is the hash of the issuer's
    // distinguished name (DN). The hash shall be calculated over the DER
    // encoding of the issuer's name field in the certificate being checked."
    // The issuer's name in the subject certificate is the issuer
    // certificate's subject name; we hash the latter, as the reference does.
    let name_hash = hash.digest(&issuer.subject_der);
    // "issuerKeyHash is the hash of the issuer's public key. The hash shall be
    // calculated over the value (excluding tag and length) of the subject
    // public key field in the issuer's certificate."
    let key_hash = hash.digest(&issuer.public_key_bits);
    // "serialNumber is the serial number of the certificate for which status
    // is being requested." Written from the certificate's own INTEGER bytes.
    let serial_tlv = AnyRef::new(Tag::Integer, &subject.serial)
        .and_then(|a| a.to_der())
        .map_err(encoding)?;
    let serial_number = SerialNumber::from_der(&serial_tlv).map_err(encoding)?;
    Ok(CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: hash.oid(),
            parameters: None,
        },
        issuer_name_hash: OctetString::new(name_hash).map_err(encoding)?,
        issuer_key_hash: OctetString::new(key_hash).map_err(encoding)?,
        serial_number,
    })
}

#[cfg(test)]
mod tests {
    use super::integer_value;

    #[test]
    fn integer_values_ignore_redundant_leading_octets() {
        assert_eq!(integer_value(&[0x05]), integer_value(&[0x00, 0x05]));
        assert_eq!(
            integer_value(&[0x00, 0x80]),
            integer_value(&[0x00, 0x00, 0x80])
        );
        assert_ne!(integer_value(&[0x80]), integer_value(&[0x00, 0x80]));
        assert_eq!(integer_value(&[0xff, 0x80]), integer_value(&[0x80]));
        assert_eq!(integer_value(&[0x00]), integer_value(&[]));
        assert_eq!(integer_value(&[0x00, 0x00]), integer_value(&[0x00]));
        assert_ne!(integer_value(&[0x01, 0x00]), integer_value(&[0x01]));
        assert_ne!(integer_value(&[0x7f]), integer_value(&[0xff, 0x7f]));
    }
}
