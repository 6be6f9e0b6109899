//! Reading a certificate: parsed once with `x509-parser`, copied into an
//! owned value holding exactly the fields the checks use.
//!
//! RFC 5280 §4.1 (the certificate), §4.2.1.3 (key usage), §4.2.1.12
//! (extended key usage), §4.2.1.4 (certificate policies), §4.2.1.9 (basic
//! constraints), §4.2.1.1 (authority key identifier).

use crate::error::{Error, ErrorCode, Result};
use x509_parser::der_parser::oid::Oid;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Certificate};

/// Key usage bits (RFC 5280 §4.2.1.3), as x509-parser numbers them.
pub(crate) mod ku {
    pub const DIGITAL_SIGNATURE: u16 = 1 << 0;
    pub const NON_REPUDIATION: u16 = 1 << 1;
}

/// id-kp-clientAuth.
pub(crate) const EKU_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
/// id-kp-OCSPSigning.
pub(crate) const EKU_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";

/// One subject attribute: its type OID (dotted) and its value as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Attribute {
    pub oid: String,
    pub value: String,
}

/// A decoded certificate. Nothing in it is trusted until a path check says so.
#[derive(Clone, Debug)]
pub(crate) struct Certificate {
    pub der: Vec<u8>,
    pub serial: Vec<u8>,
    pub issuer_der: Vec<u8>,
    pub subject_der: Vec<u8>,
    pub subject: Vec<Attribute>,
    pub issuer: Vec<Attribute>,
    pub not_before: i64,
    pub not_after: i64,
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

fn oid_string(oid: &Oid<'_>) -> String {
    oid.to_id_string()
}

impl Certificate {
    /// Decodes exactly one DER certificate (trailing bytes are an error).
    pub(crate) fn from_der(der: &[u8]) -> Result<Certificate> {
        // RFC 5280 §4.1: certificates are DER. x509-parser reads BER too,
        // so the strict `der` decoder of x509-cert vets the encoding first
        // (definite minimal lengths, canonical times, no trailing bytes).
        // Extension values stay opaque to it, which keeps the named
        // tolerances (explicit cA=FALSE) where the reference keeps them.
        <x509_cert::Certificate as der::Decode>::from_der(der)
            .map_err(|_| malformed("not a DER X.509 certificate"))?;
        let (rest, cert) =
            X509Certificate::from_der(der).map_err(|_| malformed("not a DER X.509 certificate"))?;
        if !rest.is_empty() {
            return Err(malformed("bytes after the certificate"));
        }
        Self::from_parsed(der, &cert)
    }

    fn from_parsed(der: &[u8], cert: &X509Certificate<'_>) -> Result<Certificate> {
        let tbs = &cert.tbs_certificate;
        let mut key_usage = None;
        let mut ext_key_usage = None;
        let mut policies = None;
        let mut authority_key_id = None;
        let mut seen = std::collections::HashSet::new();
        for ext in tbs.extensions() {
            // RFC 5280 §4.2: "A certificate MUST NOT include more than one
            // instance of a particular extension."
            if !seen.insert(ext.oid.to_id_string()) {
                return Err(malformed("an extension appears twice"));
            }
            match ext.parsed_extension() {
                ParsedExtension::KeyUsage(k) => key_usage = Some(k.flags),
                ParsedExtension::ExtendedKeyUsage(e) => {
                    let mut oids = Vec::new();
                    if e.any {
                        oids.push("2.5.29.37.0".to_string());
                    }
                    if e.server_auth {
                        oids.push("1.3.6.1.5.5.7.3.1".into());
                    }
                    if e.client_auth {
                        oids.push(EKU_CLIENT_AUTH.into());
                    }
                    if e.code_signing {
                        oids.push("1.3.6.1.5.5.7.3.3".into());
                    }
                    if e.email_protection {
                        oids.push("1.3.6.1.5.5.7.3.4".into());
                    }
                    if e.time_stamping {
                        oids.push("1.3.6.1.5.5.7.3.8".into());
                    }
                    if e.ocsp_signing {
                        oids.push(EKU_OCSP_SIGNING.into());
                    }
                    oids.extend(e.other.iter().map(oid_string));
                    ext_key_usage = Some(oids);
                }
                ParsedExtension::CertificatePolicies(p) => {
                    policies = Some(p.iter().map(|pi| oid_string(&pi.policy_id)).collect());
                }
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    authority_key_id = aki.key_identifier.as_ref().map(|k| k.0.to_vec());
                }
                ParsedExtension::ParseError { .. } => {
                    return Err(malformed("an extension does not parse"));
                }
                _ => {}
            }
        }
        let attributes = |name: &x509_parser::x509::X509Name<'_>| -> Vec<Attribute> {
            name.iter_attributes()
                .map(|a| Attribute {
                    oid: oid_string(a.attr_type()),
                    value: a.as_str().map(str::to_string).unwrap_or_default(),
                })
                .collect()
        };
        Ok(Certificate {
            der: der.to_vec(),
            serial: tbs.raw_serial().to_vec(),
            issuer_der: tbs.issuer.as_raw().to_vec(),
            subject_der: tbs.subject.as_raw().to_vec(),
            subject: attributes(&tbs.subject),
            issuer: attributes(&tbs.issuer),
            not_before: tbs.validity.not_before.timestamp(),
            not_after: tbs.validity.not_after.timestamp(),
            spki_der: tbs.subject_pki.raw.to_vec(),
            public_key_bits: tbs.subject_pki.subject_public_key.data.to_vec(),
            key_usage,
            ext_key_usage,
            policies,
            authority_key_id,
        })
    }

    /// The first subject attribute of type `oid`, if any.
    pub(crate) fn subject_attr(&self, oid: &str) -> Option<&str> {
        self.subject
            .iter()
            .find(|a| a.oid == oid)
            .map(|a| a.value.as_str())
    }

    /// The first issuer attribute of type `oid`, if any.
    pub(crate) fn issuer_attr(&self, oid: &str) -> Option<&str> {
        self.issuer
            .iter()
            .find(|a| a.oid == oid)
            .map(|a| a.value.as_str())
    }

    /// Whether the certificate is valid at `now` (both ends inclusive):
    /// `Err(x509.cert.not_yet_valid)` or `Err(x509.cert.expired)` otherwise.
    pub(crate) fn check_validity(&self, now: crate::UnixTime) -> Result<()> {
        let t = now.as_secs();
        if t < self.not_before {
            return Err(Error::new(
                ErrorCode::X509CertNotYetValid,
                "the certificate is not valid yet",
            ));
        }
        if t > self.not_after {
            return Err(Error::new(
                ErrorCode::X509CertExpired,
                "the certificate has expired",
            ));
        }
        Ok(())
    }
}

/// Common attribute type OIDs (RFC 4519, X.520).
pub(crate) mod attr {
    pub const COMMON_NAME: &str = "2.5.4.3";
    pub const SURNAME: &str = "2.5.4.4";
    pub const SERIAL_NUMBER: &str = "2.5.4.5";
    pub const COUNTRY: &str = "2.5.4.6";
    pub const GIVEN_NAME: &str = "2.5.4.42";
}
