//! Hand-written DER for the test PKI: names, extensions, certificates, OCSP
//! responses and times.
//!
//! Hand-written on purpose (as `bytes.rs`): several cases need encodings a
//! DER library will not produce (ecdsa-with-SHA384 with NULL parameters, an
//! explicit cA=FALSE, fractional GeneralizedTime, NULL SHA-1 parameters in a
//! CertID). Everything written here is parsed back by the reference model
//! with `x509-cert` / `x509-ocsp` (strict DER), so a slip in this file shows
//! up at generation time.

use der::asn1::ObjectIdentifier;
use der::{DateTime, Encode};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;

use super::keys::{ec_spki, rsa_spki};
use crate::bytes::{concat, der_sig, tlv};
use crate::ec::EcKey;
use crate::hash::Hash;
use crate::rsa_ops::sign_pkcs1;

// ------------------------------------------------------------ primitives --

pub fn oid(s: &str) -> Vec<u8> {
    ObjectIdentifier::new_unwrap(s).to_der().expect("OID")
}

pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &concat(parts))
}

pub fn seq_of(items: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &items.concat())
}

pub fn set(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x31, &concat(parts))
}

pub fn octets(b: &[u8]) -> Vec<u8> {
    tlv(0x04, b)
}

/// BIT STRING with no unused bits.
pub fn bits(b: &[u8]) -> Vec<u8> {
    tlv(0x03, &concat(&[&[0], b]))
}

pub fn null() -> Vec<u8> {
    vec![0x05, 0x00]
}

pub fn boolean(b: bool) -> Vec<u8> {
    vec![0x01, 0x01, if b { 0xff } else { 0x00 }]
}

/// INTEGER from its (already minimal, positive) content octets.
pub fn int_raw(content: &[u8]) -> Vec<u8> {
    tlv(0x02, content)
}

pub fn int_small(v: u8) -> Vec<u8> {
    if v & 0x80 != 0 {
        tlv(0x02, &[0, v])
    } else {
        tlv(0x02, &[v])
    }
}

pub fn enumerated(v: u8) -> Vec<u8> {
    tlv(0x0a, &[v])
}

/// `[n] EXPLICIT` (constructed context tag).
pub fn explicit(n: u8, content: &[u8]) -> Vec<u8> {
    tlv(0xa0 | n, content)
}

// ----------------------------------------------------------------- time --

/// Seconds since the epoch of a UTC date and time.
pub fn at(y: u16, mo: u8, d: u8, h: u8, mi: u8, s: u8) -> i64 {
    DateTime::new(y, mo, d, h, mi, s)
        .expect("valid date")
        .unix_duration()
        .as_secs() as i64
}

fn dt(t: i64) -> DateTime {
    DateTime::from_unix_duration(std::time::Duration::from_secs(
        u64::try_from(t).expect("after 1970"),
    ))
    .expect("representable date")
}

/// RFC 3339, UTC, whole seconds: `2026-09-01T10:00:00Z`.
pub fn rfc3339(t: i64) -> String {
    let d = dt(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        d.year(),
        d.month(),
        d.day(),
        d.hour(),
        d.minutes(),
        d.seconds()
    )
}

/// `YYYYMMDDHHMMSSZ`.
pub fn gen_time_str(t: i64) -> String {
    let d = dt(t);
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}Z",
        d.year(),
        d.month(),
        d.day(),
        d.hour(),
        d.minutes(),
        d.seconds()
    )
}

/// DER GeneralizedTime (RFC 5280 §4.1.2.5.2: seconds, Z, no fraction).
pub fn gen_time(t: i64) -> Vec<u8> {
    tlv(0x18, gen_time_str(t).as_bytes())
}

/// Validity times: UTCTime through 2049, GeneralizedTime from 2050
/// (RFC 5280 §4.1.2.5).
pub fn cert_time(t: i64) -> Vec<u8> {
    let s = gen_time_str(t);
    if dt(t).year() < 2050 {
        tlv(0x17, &s.as_bytes()[2..])
    } else {
        tlv(0x18, s.as_bytes())
    }
}

// ---------------------------------------------------------------- names --

pub const OID_C: &str = "2.5.4.6";
pub const OID_O: &str = "2.5.4.10";
pub const OID_CN: &str = "2.5.4.3";
pub const OID_SN: &str = "2.5.4.4";
pub const OID_GN: &str = "2.5.4.42";
pub const OID_SERIAL: &str = "2.5.4.5";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Str {
    Utf8,
    Printable,
    /// BMPString: UCS-2, big-endian.
    Bmp,
    /// TeletexString (T.61): the value's bytes as given.
    Teletex,
}

/// One attribute of a Name (each RDN holds exactly one).
#[derive(Clone, Debug)]
pub struct Atv {
    pub oid: &'static str,
    pub kind: Str,
    pub value: String,
}

pub fn atv(oid: &'static str, kind: Str, value: &str) -> Atv {
    Atv {
        oid,
        kind,
        value: value.to_string(),
    }
}

/// Name ::= SEQUENCE OF SET OF AttributeTypeAndValue, one ATV per RDN.
pub fn name(atvs: &[Atv]) -> Vec<u8> {
    let rdns: Vec<Vec<u8>> = atvs
        .iter()
        .map(|a| {
            let (tag, bytes) = match a.kind {
                Str::Utf8 => (0x0c, a.value.as_bytes().to_vec()),
                Str::Printable => (0x13, a.value.as_bytes().to_vec()),
                Str::Bmp => (
                    0x1e,
                    a.value
                        .encode_utf16()
                        .flat_map(|u| u.to_be_bytes())
                        .collect(),
                ),
                Str::Teletex => (0x14, a.value.as_bytes().to_vec()),
            };
            set(&[&seq(&[&oid(a.oid), &tlv(tag, &bytes)])])
        })
        .collect();
    seq_of(&rdns)
}

// ----------------------------------------------------------- algorithms --

/// A certificate or OCSP signature algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigAlg {
    EcdsaSha256,
    EcdsaSha384,
    EcdsaSha512,
    /// ecdsa-with-SHA384 with explicit NULL parameters (RFC 5758 §3.2 says
    /// absent; Finnish cards carry NULL).
    EcdsaSha384Null,
    RsaSha256,
    RsaSha384,
    RsaSha512,
}

impl SigAlg {
    pub fn hash(self) -> Hash {
        match self {
            SigAlg::EcdsaSha256 | SigAlg::RsaSha256 => Hash::Sha256,
            SigAlg::EcdsaSha384 | SigAlg::EcdsaSha384Null | SigAlg::RsaSha384 => Hash::Sha384,
            SigAlg::EcdsaSha512 | SigAlg::RsaSha512 => Hash::Sha512,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SigAlg::EcdsaSha256 => "ecdsa-with-SHA256",
            SigAlg::EcdsaSha384 => "ecdsa-with-SHA384",
            SigAlg::EcdsaSha512 => "ecdsa-with-SHA512",
            SigAlg::EcdsaSha384Null => "ecdsa-with-SHA384 (NULL parameters)",
            SigAlg::RsaSha256 => "sha256WithRSAEncryption",
            SigAlg::RsaSha384 => "sha384WithRSAEncryption",
            SigAlg::RsaSha512 => "sha512WithRSAEncryption",
        }
    }

    /// The AlgorithmIdentifier DER.
    pub fn alg_id(self) -> Vec<u8> {
        match self {
            SigAlg::EcdsaSha256 => seq(&[&oid("1.2.840.10045.4.3.2")]),
            SigAlg::EcdsaSha384 => seq(&[&oid("1.2.840.10045.4.3.3")]),
            SigAlg::EcdsaSha512 => seq(&[&oid("1.2.840.10045.4.3.4")]),
            SigAlg::EcdsaSha384Null => seq(&[&oid("1.2.840.10045.4.3.3"), &null()]),
            SigAlg::RsaSha256 => seq(&[&oid("1.2.840.113549.1.1.11"), &null()]),
            SigAlg::RsaSha384 => seq(&[&oid("1.2.840.113549.1.1.12"), &null()]),
            SigAlg::RsaSha512 => seq(&[&oid("1.2.840.113549.1.1.13"), &null()]),
        }
    }
}

/// A private key of the test PKI.
#[derive(Clone, Debug)]
pub enum Key {
    Ec(EcKey),
    Rsa(Box<RsaPrivateKey>),
}

impl Key {
    pub fn spki(&self) -> Vec<u8> {
        match self {
            Key::Ec(k) => ec_spki(&k.curve.oid(), &k.point),
            Key::Rsa(k) => rsa_spki(&k.n().to_bytes_be(), &k.e().to_bytes_be()),
        }
    }

    /// The subjectPublicKey BIT STRING contents (what SKI and the OCSP
    /// issuerKeyHash hash).
    pub fn key_bits(&self) -> Vec<u8> {
        match self {
            Key::Ec(k) => k.point.clone(),
            Key::Rsa(k) => seq(&[
                &int_raw(&crate::bytes::int_content(k.n())),
                &int_raw(&crate::bytes::int_content(k.e())),
            ]),
        }
    }

    /// RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits.
    pub fn ski(&self) -> Vec<u8> {
        Hash::Sha1.digest(&self.key_bits())
    }

    /// The algorithm this key signs certificates with by default.
    pub fn default_alg(&self) -> SigAlg {
        match self {
            Key::Ec(k) => match k.curve {
                crate::ec::Curve::P256 => SigAlg::EcdsaSha256,
                crate::ec::Curve::P384 => SigAlg::EcdsaSha384,
                crate::ec::Curve::P521 => SigAlg::EcdsaSha512,
            },
            Key::Rsa(_) => SigAlg::RsaSha256,
        }
    }

    /// A signature value for a certificate or OCSP response: DER
    /// Ecdsa-Sig-Value (RFC 6979 nonce) or RSASSA-PKCS1-v1_5.
    pub fn sign(&self, alg: SigAlg, data: &[u8]) -> Vec<u8> {
        match (self, alg) {
            (
                Key::Ec(k),
                SigAlg::EcdsaSha256
                | SigAlg::EcdsaSha384
                | SigAlg::EcdsaSha384Null
                | SigAlg::EcdsaSha512,
            ) => {
                let (r, s) = k.sign(alg.hash(), data);
                der_sig(&r, &s)
            }
            (Key::Rsa(k), SigAlg::RsaSha256 | SigAlg::RsaSha384 | SigAlg::RsaSha512) => {
                sign_pkcs1(k, alg.hash(), data)
            }
            _ => panic!("{alg:?} does not fit the key"),
        }
    }
}

// ----------------------------------------------------------- extensions --

pub const OID_KU: &str = "2.5.29.15";
pub const OID_EKU: &str = "2.5.29.37";
pub const OID_POLICIES: &str = "2.5.29.32";
pub const OID_BC: &str = "2.5.29.19";
pub const OID_SKI: &str = "2.5.29.14";
pub const OID_AKI: &str = "2.5.29.35";
pub const OID_OCSP_NOCHECK: &str = "1.3.6.1.5.5.7.48.1.5";

pub const EKU_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
pub const EKU_EMAIL: &str = "1.3.6.1.5.5.7.3.4";
pub const EKU_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";
pub const EKU_ANY: &str = "2.5.29.37.0";

/// KeyUsage bit numbers (RFC 5280 §4.2.1.3).
pub const KU_DIGITAL_SIGNATURE: u8 = 0;
pub const KU_NON_REPUDIATION: u8 = 1;
pub const KU_KEY_AGREEMENT: u8 = 4;
pub const KU_KEY_CERT_SIGN: u8 = 5;
pub const KU_CRL_SIGN: u8 = 6;

/// Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue }
pub fn ext(id: &str, critical: bool, value: &[u8]) -> Vec<u8> {
    if critical {
        seq(&[&oid(id), &boolean(true), &octets(value)])
    } else {
        seq(&[&oid(id), &octets(value)])
    }
}

/// KeyUsage value: a named-bit BIT STRING in DER (trailing zero bits removed).
pub fn ku_value(bit_list: &[u8]) -> Vec<u8> {
    let mut v = [0u8; 2];
    for &b in bit_list {
        v[(b / 8) as usize] |= 0x80 >> (b % 8);
    }
    let len = if v[1] != 0 { 2 } else { 1 };
    let last = v[len - 1];
    assert!(last != 0, "at least one bit");
    let unused = last.trailing_zeros() as u8;
    tlv(0x03, &concat(&[&[unused], &v[..len]]))
}

pub fn ku(bit_list: &[u8]) -> Vec<u8> {
    ext(OID_KU, true, &ku_value(bit_list))
}

pub fn eku(oids: &[&str]) -> Vec<u8> {
    let items: Vec<Vec<u8>> = oids.iter().map(|o| oid(o)).collect();
    ext(OID_EKU, false, &seq_of(&items))
}

pub fn policies(oids: &[&str]) -> Vec<u8> {
    let items: Vec<Vec<u8>> = oids.iter().map(|o| seq(&[&oid(o)])).collect();
    ext(OID_POLICIES, false, &seq_of(&items))
}

/// BasicConstraints for a CA (cA TRUE, optional pathLenConstraint).
pub fn bc_ca(path_len: Option<u8>) -> Vec<u8> {
    let v = match path_len {
        Some(p) => seq(&[&boolean(true), &int_small(p)]),
        None => seq(&[&boolean(true)]),
    };
    ext(OID_BC, true, &v)
}

/// BasicConstraints of an end entity: `30 00` (cA absent = FALSE), or with
/// `explicit_false` the DER-forbidden `30 03 01 01 00` (X.690 §11.5).
pub fn bc_end_entity(explicit_false: bool) -> Vec<u8> {
    let v = if explicit_false {
        seq(&[&boolean(false)])
    } else {
        seq(&[])
    };
    ext(OID_BC, true, &v)
}

pub fn ski(id: &[u8]) -> Vec<u8> {
    ext(OID_SKI, false, &octets(id))
}

/// AuthorityKeyIdentifier with keyIdentifier [0] only.
pub fn aki(id: &[u8]) -> Vec<u8> {
    ext(OID_AKI, false, &seq(&[&tlv(0x80, id)]))
}

/// AuthorityKeyIdentifier with authorityCertIssuer [1] and
/// authorityCertSerialNumber [2] but no keyIdentifier.
pub fn aki_issuer_serial(issuer_name: &[u8], serial: &[u8]) -> Vec<u8> {
    // GeneralNames ::= SEQUENCE OF GeneralName; directoryName [4] EXPLICIT Name.
    let general_names = tlv(0xa1, &explicit(4, issuer_name));
    ext(OID_AKI, false, &seq(&[&general_names, &tlv(0x82, serial)]))
}

pub fn ocsp_nocheck() -> Vec<u8> {
    ext(OID_OCSP_NOCHECK, false, &null())
}

// --------------------------------------------------------- certificates --

/// The fields of a TBSCertificate (v3).
#[derive(Clone, Debug)]
pub struct Tbs {
    /// INTEGER content octets (positive, minimal).
    pub serial: Vec<u8>,
    pub alg: SigAlg,
    pub issuer: Vec<u8>,
    pub not_before: i64,
    pub not_after: i64,
    pub subject: Vec<u8>,
    pub spki: Vec<u8>,
    pub exts: Vec<Vec<u8>>,
}

impl Tbs {
    pub fn der(&self) -> Vec<u8> {
        let mut parts = vec![
            explicit(0, &int_small(2)),
            int_raw(&self.serial),
            self.alg.alg_id(),
            self.issuer.clone(),
            seq(&[&cert_time(self.not_before), &cert_time(self.not_after)]),
            self.subject.clone(),
            self.spki.clone(),
        ];
        if !self.exts.is_empty() {
            parts.push(explicit(3, &seq_of(&self.exts)));
        }
        seq_of(&parts)
    }

    /// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
    pub fn sign(&self, key: &Key) -> Vec<u8> {
        let tbs = self.der();
        let sig = key.sign(self.alg, &tbs);
        seq(&[&tbs, &self.alg.alg_id(), &bits(&sig)])
    }
}

/// A positive serial number (16 bytes, top bit clear, never a leading zero)
/// derived from a label.
pub fn serial(label: &str) -> Vec<u8> {
    let mut s = Hash::Sha256.digest(format!("idbridge-vectorgen/webeid/serial/{label}").as_bytes());
    s.truncate(16);
    s[0] = (s[0] & 0x3f) | 0x40;
    s
}

// ----------------------------------------------------------------- OCSP --

pub const OID_OCSP_BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
pub const OID_OCSP_NONCE: &str = "1.3.6.1.5.5.7.48.1.2";
pub const OID_SHA1: &str = "1.3.14.3.2.26";
pub const OID_SHA256: &str = "2.16.840.1.101.3.4.2.1";
pub const OID_SHA384: &str = "2.16.840.1.101.3.4.2.2";

/// CertID ::= SEQUENCE { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }
pub fn cert_id(hash_alg_id: &[u8], name_hash: &[u8], key_hash: &[u8], serial: &[u8]) -> Vec<u8> {
    seq(&[
        hash_alg_id,
        &octets(name_hash),
        &octets(key_hash),
        &int_raw(serial),
    ])
}

#[derive(Clone, Copy, Debug)]
pub enum Status {
    Good,
    /// revocationTime, optional CRLReason.
    Revoked(i64, Option<u8>),
    Unknown,
}

/// SingleResponse ::= SEQUENCE { certID, certStatus, thisUpdate, [0] nextUpdate OPTIONAL, ... }
/// `this_update_der` is a complete GeneralizedTime TLV (normally `gen_time`).
pub fn single(
    cert_id: &[u8],
    status: Status,
    this_update_der: &[u8],
    next_update: Option<i64>,
) -> Vec<u8> {
    let status = match status {
        Status::Good => vec![0x80, 0x00],
        Status::Unknown => vec![0x82, 0x00],
        Status::Revoked(t, reason) => {
            let mut body = gen_time(t);
            if let Some(r) = reason {
                body.extend(explicit(0, &enumerated(r)));
            }
            tlv(0xa1, &body)
        }
    };
    let mut parts: Vec<Vec<u8>> = vec![cert_id.to_vec(), status, this_update_der.to_vec()];
    if let Some(n) = next_update {
        parts.push(explicit(0, &gen_time(n)));
    }
    seq_of(&parts)
}

/// ResponderID byName ([1] EXPLICIT Name).
pub fn responder_by_name(name: &[u8]) -> Vec<u8> {
    explicit(1, name)
}

/// ResponderID byKey ([2] EXPLICIT KeyHash, SHA-1 of the key bits).
pub fn responder_by_key(key_bits: &[u8]) -> Vec<u8> {
    explicit(2, &octets(&Hash::Sha1.digest(key_bits)))
}

/// ResponseData (version v1 omitted, DEFAULT).
pub fn response_data(
    responder_id: &[u8],
    produced_at_der: &[u8],
    singles: &[Vec<u8>],
    extensions: Option<&[Vec<u8>]>,
) -> Vec<u8> {
    let mut parts = vec![
        responder_id.to_vec(),
        produced_at_der.to_vec(),
        seq_of(singles),
    ];
    if let Some(e) = extensions {
        parts.push(explicit(1, &seq_of(e)));
    }
    seq_of(&parts)
}

/// BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm, signature, [0] certs OPTIONAL }
pub fn basic(tbs: &[u8], alg: SigAlg, sig: &[u8], certs: Option<&[Vec<u8>]>) -> Vec<u8> {
    let mut parts = vec![tbs.to_vec(), alg.alg_id(), bits(sig)];
    if let Some(c) = certs {
        parts.push(explicit(0, &seq_of(c)));
    }
    seq_of(&parts)
}

/// OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, [0] EXPLICIT ResponseBytes OPTIONAL }
pub fn ocsp_response(status: u8, response_type: &str, basic: Option<&[u8]>) -> Vec<u8> {
    match basic {
        Some(b) => seq(&[
            &enumerated(status),
            &explicit(0, &seq(&[&oid(response_type), &octets(b)])),
        ]),
        None => seq(&[&enumerated(status)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bytes::hex;

    #[test]
    fn key_usage_bits() {
        assert_eq!(hex(&ku_value(&[0])), "03020780");
        assert_eq!(hex(&ku_value(&[1])), "03020640");
        assert_eq!(hex(&ku_value(&[0, 4])), "03020388");
        assert_eq!(hex(&ku_value(&[5, 6])), "03020106");
    }

    #[test]
    fn times() {
        let t = at(2026, 9, 1, 10, 0, 0);
        assert_eq!(rfc3339(t), "2026-09-01T10:00:00Z");
        assert_eq!(hex(&cert_time(t)), hex(b"\x17\x0d260901100000Z"));
        assert_eq!(gen_time_str(at(2050, 1, 1, 0, 0, 0)), "20500101000000Z");
    }
}
