//! A reference model of idbridge's Web eID verifier (check order S1-S19,
//! OCSP O1-O9, web-eid:1.1 V1-V7, with the project's decisions on codes),
//! used to check every case before anything is written.
//!
//! It is written from the rules, independently of the builders in
//! `build.rs`: certificates and OCSP responses are parsed back with
//! `x509-cert` / `x509-ocsp` (strict DER), signatures are verified with
//! RustCrypto, JSON is read with serde_json.

use std::fmt;

use base64::Engine;
use der::asn1::{BitString, ObjectIdentifier};
use der::{Decode, Encode, Tagged};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, CertificatePolicies, ExtendedKeyUsage};
use x509_ocsp::{BasicOcspResponse, CertStatus, OcspResponse, OcspResponseStatus};

use crate::bytes::{fixed, uint};
use crate::ec::{Curve, OID_EC_PUBLIC_KEY};
use crate::hash::Hash;
use crate::model::{parse_der_sig, OID_RSA_ENCRYPTION};
use crate::rsa_ops::{verify_pkcs1, verify_pss_salt};

use super::token::{signed_data, Family, Jwa};

pub const CONFIG: &str = "config.invalid";
pub const TOO_LARGE: &str = "input.too_large";
pub const ENCODING: &str = "input.encoding";
pub const JSON: &str = "input.json";
pub const MALFORMED: &str = "webeid.token.malformed";
pub const FORMAT: &str = "webeid.format.unsupported";
pub const ALG: &str = "webeid.algorithm.unsupported";
pub const SIG: &str = "webeid.signature.invalid";
pub const SIGNING: &str = "webeid.signing_certificate.invalid";
pub const CERT_MALFORMED: &str = "x509.cert.malformed";
pub const EXPIRED: &str = "x509.cert.expired";
pub const NOT_YET: &str = "x509.cert.not_yet_valid";
pub const UNTRUSTED: &str = "x509.chain.untrusted";
pub const PURPOSE_MISSING: &str = "x509.purpose.missing";
pub const PURPOSE_WRONG: &str = "x509.purpose.wrong";
pub const POLICY: &str = "x509.policy.disallowed";
pub const OCSP_MALFORMED: &str = "ocsp.response.malformed";
pub const OCSP_STATUS: &str = "ocsp.status.error";
pub const OCSP_COUNT: &str = "ocsp.responses.count";
pub const OCSP_CERT_ID: &str = "ocsp.cert_id.mismatch";
pub const OCSP_SIG: &str = "ocsp.signature.invalid";
pub const OCSP_RESPONDER: &str = "ocsp.responder.untrusted";
pub const OCSP_TIME: &str = "ocsp.time.invalid";
pub const OCSP_REVOKED: &str = "ocsp.cert.revoked";
pub const OCSP_UNKNOWN: &str = "ocsp.cert.unknown";

pub const MIN_SIZE: usize = 100;
pub const MAX_SIZE: usize = 10000;
pub const MAX_DEPTH: usize = 32;
pub const SKEW: i64 = 15 * 60;
pub const MAX_AGE: i64 = 2 * 60;

const DISALLOWED: [&str; 4] = [
    "1.3.6.1.4.1.10015.1.3",
    "1.3.6.1.4.1.10015.1.3.1",
    "1.3.6.1.4.1.10015.1.3.2",
    "1.3.6.1.4.1.10015.1.3.3",
];
const OID_KU: &str = "2.5.29.15";
const OID_BC: &str = "2.5.29.19";
const OID_EKU: &str = "2.5.29.37";
const OID_POLICIES: &str = "2.5.29.32";
const OID_AKI: &str = "2.5.29.35";
const CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
const OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";
const OID_OCSP_BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
const OID_SHA1: &str = "1.3.14.3.2.26";
const OID_SHA256: &str = "2.16.840.1.101.3.4.2.1";

pub type Code = &'static str;

/// The relying party's context of one case.
#[derive(Clone, Debug)]
pub struct Ctx<'a> {
    pub origin: &'a str,
    pub nonce: &'a str,
    pub now: i64,
    /// (response bytes, pinned responder DER)
    pub ocsp: Option<(&'a [u8], Option<&'a [u8]>)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub subject_id: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
}

// ----------------------------------------------------------------- JSON --

/// A JSON value that remembers key order and refuses duplicate keys.
#[derive(Debug)]
pub enum J {
    Null,
    Bool,
    Num,
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    fn depth(&self) -> usize {
        match self {
            J::Arr(a) => 1 + a.iter().map(J::depth).max().unwrap_or(0),
            J::Obj(o) => 1 + o.iter().map(|(_, v)| v.depth()).max().unwrap_or(0),
            _ => 0,
        }
    }

    fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Obj(o) => o.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

struct JVisitor;

impl<'de> Visitor<'de> for JVisitor {
    type Value = J;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, _: bool) -> Result<J, E> {
        Ok(J::Bool)
    }
    fn visit_i64<E>(self, _: i64) -> Result<J, E> {
        Ok(J::Num)
    }
    fn visit_u64<E>(self, _: u64) -> Result<J, E> {
        Ok(J::Num)
    }
    fn visit_f64<E>(self, _: f64) -> Result<J, E> {
        Ok(J::Num)
    }
    fn visit_str<E>(self, v: &str) -> Result<J, E> {
        Ok(J::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<J, E> {
        Ok(J::Str(v))
    }
    fn visit_unit<E>(self) -> Result<J, E> {
        Ok(J::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<J, A::Error> {
        let mut v = Vec::new();
        while let Some(x) = a.next_element::<J>()? {
            v.push(x);
        }
        Ok(J::Arr(v))
    }
    fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<J, M::Error> {
        let mut v: Vec<(String, J)> = Vec::new();
        while let Some(k) = m.next_key::<String>()? {
            if v.iter().any(|(x, _)| *x == k) {
                return Err(de::Error::custom("duplicate key"));
            }
            let val = m.next_value::<J>()?;
            v.push((k, val));
        }
        Ok(J::Obj(v))
    }
}

impl<'de> Deserialize<'de> for J {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<J, D::Error> {
        d.deserialize_any(JVisitor)
    }
}

fn parse_json(text: &str) -> Option<J> {
    let j: J = serde_json::from_str(text).ok()?;
    (j.depth() <= MAX_DEPTH).then_some(j)
}

/// A known string field: absent → Ok(None); present but not a string →
/// malformed.
fn str_field<'a>(obj: &'a J, key: &str) -> Result<Option<&'a str>, Code> {
    match obj.get(key) {
        None => Ok(None),
        Some(J::Str(s)) => Ok(Some(s)),
        Some(_) => Err(MALFORMED),
    }
}

/// Standard alphabet, padding optional, nothing else (no whitespace, no
/// URL-safe characters).
pub fn b64_decode(s: &str) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    let engine = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    engine.decode(s).ok()
}

/// `https://host[:port]`, nothing more.
pub fn origin_ok(o: &str) -> bool {
    let Some(rest) = o.strip_prefix("https://") else {
        return false;
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    let port_ok = match port {
        None => true,
        Some(p) => {
            !p.is_empty()
                && p.len() <= 5
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n))
        }
    };
    host_ok && port_ok
}

// ---------------------------------------------------------- certificates --

pub enum Pk {
    Ec(Curve, Vec<u8>),
    Rsa(RsaPublicKey),
}

pub fn parse_pk(spki_der: &[u8]) -> Option<Pk> {
    let info = spki::SubjectPublicKeyInfoRef::from_der(spki_der).ok()?;
    let bits = info.subject_public_key.as_bytes()?;
    if info.algorithm.oid == OID_RSA_ENCRYPTION {
        let pk = pkcs1::RsaPublicKey::from_der(bits).ok()?;
        let key = RsaPublicKey::new_with_max_size(
            uint(pk.modulus.as_bytes()),
            uint(pk.public_exponent.as_bytes()),
            8192,
        )
        .ok()?;
        Some(Pk::Rsa(key))
    } else if info.algorithm.oid == OID_EC_PUBLIC_KEY {
        let curve_oid: ObjectIdentifier = info.algorithm.parameters?.decode_as().ok()?;
        let curve = Curve::from_oid(&curve_oid)?;
        curve
            .point_valid(bits)
            .then(|| Pk::Ec(curve, bits.to_vec()))
    } else {
        None
    }
}

/// What the model reads from a certificate.
pub struct Cert {
    pub der: Vec<u8>,
    tbs: Vec<u8>,
    sig_alg: (ObjectIdentifier, Option<Vec<u8>>),
    sig_alg_consistent: bool,
    sig: Vec<u8>,
    pub issuer: Vec<u8>,
    pub subject: Vec<u8>,
    /// (type, tag, value as text when it is a string type read as text)
    subject_atvs: Vec<(String, u8, Option<String>)>,
    pub not_before: i64,
    pub not_after: i64,
    pub spki: Vec<u8>,
    key_bits: Vec<u8>,
    serial: Vec<u8>,
    exts: Vec<(String, Vec<u8>)>,
}

fn alg_parts(a: &spki::AlgorithmIdentifierOwned) -> (ObjectIdentifier, Option<Vec<u8>>) {
    (
        a.oid,
        a.parameters
            .as_ref()
            .map(|p| p.to_der().expect("re-encode")),
    )
}

/// A name value as text: UTF8String, PrintableString (its alphabet only)
/// and BMPString (UCS-2) are read; anything else is not text.
fn atv_string(v: &der::Any) -> Option<String> {
    let raw = v.value();
    match v.tag() {
        der::Tag::Utf8String => String::from_utf8(raw.to_vec()).ok(),
        der::Tag::PrintableString => {
            let s = std::str::from_utf8(raw).ok()?;
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c))
                .then(|| s.to_string())
        }
        der::Tag::BmpString if raw.len() % 2 == 0 => raw
            .chunks(2)
            .map(|u| char::from_u32(u32::from(u16::from_be_bytes([u[0], u[1]]))))
            .collect(),
        _ => None,
    }
}

impl Cert {
    pub fn parse(der_bytes: &[u8]) -> Option<Cert> {
        let c = x509_cert::Certificate::from_der(der_bytes).ok()?;
        let t = &c.tbs_certificate;
        if t.version != x509_cert::Version::V3 {
            return None;
        }
        let mut subject_atvs = Vec::new();
        for rdn in t.subject.0.iter() {
            for a in rdn.0.iter() {
                subject_atvs.push((
                    a.oid.to_string(),
                    u8::from(a.value.tag()),
                    atv_string(&a.value),
                ));
            }
        }
        let exts = t
            .extensions
            .as_ref()
            .map(|v| {
                v.iter()
                    .map(|e| (e.extn_id.to_string(), e.extn_value.as_bytes().to_vec()))
                    .collect()
            })
            .unwrap_or_default();
        Some(Cert {
            der: der_bytes.to_vec(),
            tbs: t.to_der().ok()?,
            sig_alg: alg_parts(&c.signature_algorithm),
            sig_alg_consistent: c.signature_algorithm == t.signature,
            sig: c.signature.as_bytes()?.to_vec(),
            issuer: t.issuer.to_der().ok()?,
            subject: t.subject.to_der().ok()?,
            subject_atvs,
            not_before: t.validity.not_before.to_unix_duration().as_secs() as i64,
            not_after: t.validity.not_after.to_unix_duration().as_secs() as i64,
            spki: t.subject_public_key_info.to_der().ok()?,
            key_bits: t
                .subject_public_key_info
                .subject_public_key
                .as_bytes()?
                .to_vec(),
            serial: t.serial_number.as_bytes().to_vec(),
            exts,
        })
    }

    fn ext(&self, id: &str) -> Option<&[u8]> {
        self.exts
            .iter()
            .find(|(o, _)| o == id)
            .map(|(_, v)| v.as_slice())
    }

    fn ku_bit(&self, bit: usize) -> Option<bool> {
        let v = self.ext(OID_KU)?;
        let bs = BitString::from_der(v).ok()?;
        let raw = bs.raw_bytes();
        Some(
            raw.get(bit / 8)
                .is_some_and(|b| b & (0x80 >> (bit % 8)) != 0),
        )
    }

    fn eku(&self) -> Option<Vec<String>> {
        let v = self.ext(OID_EKU)?;
        let e = ExtendedKeyUsage::from_der(v).ok()?;
        Some(e.0.iter().map(|o| o.to_string()).collect())
    }

    fn valid_at(&self, now: i64) -> Result<(), Code> {
        if now < self.not_before {
            Err(NOT_YET)
        } else if now > self.not_after {
            Err(EXPIRED)
        } else {
            Ok(())
        }
    }

    /// The values of every subject attribute of type `oid`: (tag, text).
    fn attrs(&self, oid: &str) -> Vec<(u8, Option<String>)> {
        self.subject_atvs
            .iter()
            .filter(|(o, _, _)| o == oid)
            .map(|(_, t, v)| (*t, v.clone()))
            .collect()
    }

    /// S20: the person's identity, read strictly: exactly one serialNumber
    /// that is a PrintableString of 1..=64 characters without a space (and
    /// something after an ETSI semantics prefix such as `PNOEE-`); at most
    /// one givenName, surname and CN, each a PrintableString, UTF8String or
    /// BMPString that is not blank and holds no control character; at most
    /// one countryName, two letters in a PrintableString.
    fn identity(&self) -> Result<Identity, Code> {
        const PRINTABLE: u8 = 0x13;
        const UTF8: u8 = 0x0c;
        const BMP: u8 = 0x1e;
        let serial = match self.attrs("2.5.4.5").as_slice() {
            [(PRINTABLE, Some(v))] => v.clone(),
            _ => return Err(CERT_MALFORMED),
        };
        let etsi_prefix_only = serial.len() == 6
            && ["PAS", "IDC", "PNO", "TAX", "TIN"].contains(&&serial[..3])
            && serial[3..5].bytes().all(|b| b.is_ascii_uppercase())
            && &serial[5..] == "-";
        if serial.is_empty() || serial.len() > 64 || serial.contains(' ') || etsi_prefix_only {
            return Err(CERT_MALFORMED);
        }
        let name = |oid: &str| -> Result<Option<String>, Code> {
            match self.attrs(oid).as_slice() {
                [] => Ok(None),
                [(PRINTABLE | UTF8 | BMP, Some(v))]
                    if !v.trim().is_empty() && !v.chars().any(char::is_control) =>
                {
                    Ok(Some(v.clone()))
                }
                _ => Err(CERT_MALFORMED),
            }
        };
        let given_name = name("2.5.4.42")?;
        let family_name = name("2.5.4.4")?;
        name("2.5.4.3")?;
        match self.attrs("2.5.4.6").as_slice() {
            [] => {}
            [(PRINTABLE, Some(c))]
                if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) => {}
            _ => return Err(CERT_MALFORMED),
        }
        Ok(Identity {
            subject_id: Some(serial),
            given_name,
            family_name,
        })
    }

    fn aki_key_id(&self) -> Option<Vec<u8>> {
        let v = self.ext(OID_AKI)?;
        let a = AuthorityKeyIdentifier::from_der(v).ok()?;
        let id = a.key_identifier?.as_bytes().to_vec();
        (!id.is_empty()).then_some(id)
    }

    /// The subject as a sorted list of (type, lower-cased value).
    fn subject_set(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .subject_atvs
            .iter()
            .map(|(o, t, s)| {
                let value = match s {
                    Some(s) => s.trim().to_lowercase(),
                    None => format!("#{t:02x}/unreadable"),
                };
                (o.clone(), value)
            })
            .collect();
        v.sort();
        v
    }

    /// Is this certificate signed by the key in `issuer_spki`?
    pub fn signed_by(&self, issuer_spki: &[u8]) -> bool {
        self.sig_alg_consistent && verify_signed(&self.tbs, &self.sig_alg, &self.sig, issuer_spki)
    }
}

/// Verify a certificate or OCSP signature: ecdsa-with-SHA256/384/512
/// (parameters absent, or NULL: tolerated) or sha256/384/512WithRSAEncryption.
fn verify_signed(
    data: &[u8],
    alg: &(ObjectIdentifier, Option<Vec<u8>>),
    sig: &[u8],
    spki_der: &[u8],
) -> bool {
    let null_or_absent = alg.1.as_deref().is_none_or(|p| p == [0x05, 0x00]);
    if !null_or_absent {
        return false;
    }
    let (ecdsa, hash) = match alg.0.to_string().as_str() {
        "1.2.840.10045.4.3.2" => (true, Hash::Sha256),
        "1.2.840.10045.4.3.3" => (true, Hash::Sha384),
        "1.2.840.10045.4.3.4" => (true, Hash::Sha512),
        "1.2.840.113549.1.1.11" => (false, Hash::Sha256),
        "1.2.840.113549.1.1.12" => (false, Hash::Sha384),
        "1.2.840.113549.1.1.13" => (false, Hash::Sha512),
        _ => return false,
    };
    match (ecdsa, parse_pk(spki_der)) {
        (true, Some(Pk::Ec(curve, point))) => {
            let Some((r, s)) = parse_der_sig(sig) else {
                return false;
            };
            let n = curve.order();
            let zero = BigUint::from(0u8);
            if r == zero || s == zero || r >= n || s >= n {
                return false;
            }
            let f = curve.flen();
            curve.verify(&point, &curve.z(hash, data), &fixed(&r, f), &fixed(&s, f))
        }
        (false, Some(Pk::Rsa(k))) => verify_pkcs1(&k, hash, data, sig),
        _ => false,
    }
}

/// S13/S14: the anchor that directly issued `leaf`, valid at now.
/// basicConstraints cA: `None` when the extension is absent. The explicit
/// cA FALSE that DER forbids reads as FALSE.
fn bc_ca(c: &Cert) -> Option<bool> {
    let v = c.ext(OID_BC)?;
    if v == [0x30, 0x03, 0x01, 0x01, 0x00] {
        return Some(false);
    }
    Some(
        x509_cert::ext::pkix::BasicConstraints::from_der(v)
            .map(|b| b.ca)
            .unwrap_or(false),
    )
}

/// Whether an anchor may end a path (RFC 5937: the constraints it carries):
/// not when its basicConstraints say cA FALSE, nor when its keyUsage lacks
/// keyCertSign. Token intermediates never add a path here (the vectors give
/// no revocation data for them; research note §2.4), so pathLenConstraint
/// never binds.
fn may_issue(a: &Cert) -> bool {
    bc_ca(a) != Some(false) && a.ku_bit(5) != Some(false)
}

fn chain<'a>(leaf: &Cert, anchors: &'a [Cert], now: i64) -> Result<&'a Cert, Code> {
    // A CA certificate is no end entity (RFC 5280 §4.2.1.9; webpki).
    if bc_ca(leaf) == Some(true) {
        return Err(UNTRUSTED);
    }
    let anchor = anchors
        .iter()
        .find(|a| a.subject == leaf.issuer && may_issue(a) && leaf.signed_by(&a.spki))
        .ok_or(UNTRUSTED)?;
    anchor.valid_at(now)?;
    Ok(anchor)
}

// ----------------------------------------------------------------- OCSP --

fn ocsp(
    leaf: &Cert,
    issuer: &Cert,
    response: &[u8],
    pinned: Option<&[u8]>,
    now: i64,
) -> Result<(), Code> {
    // O1 / O2
    let r = OcspResponse::from_der(response).map_err(|_| OCSP_MALFORMED)?;
    if r.response_status != OcspResponseStatus::Successful {
        return Err(OCSP_STATUS);
    }
    let rb = r.response_bytes.ok_or(OCSP_MALFORMED)?;
    if rb.response_type.to_string() != OID_OCSP_BASIC {
        return Err(OCSP_MALFORMED);
    }
    let basic = BasicOcspResponse::from_der(rb.response.as_bytes()).map_err(|_| OCSP_MALFORMED)?;
    let tbs = basic
        .tbs_response_data
        .to_der()
        .map_err(|_| OCSP_MALFORMED)?;
    // O3
    let singles = &basic.tbs_response_data.responses;
    if singles.len() != 1 {
        return Err(OCSP_COUNT);
    }
    let single = &singles[0];
    // O4
    let id = &single.cert_id;
    // Compared by meaning: absent and NULL hash parameters are the same
    // (RFC 3370 §2.1, RFC 5754 §2); any other parameter value is not.
    let params_ok = match &id.hash_algorithm.parameters {
        None => true,
        Some(p) => p.to_der().map_err(|_| OCSP_MALFORMED)? == [0x05, 0x00],
    };
    let hash = match (id.hash_algorithm.oid.to_string().as_str(), params_ok) {
        (OID_SHA1, true) => Hash::Sha1,
        (OID_SHA256, true) => Hash::Sha256,
        _ => return Err(OCSP_CERT_ID),
    };
    if id.issuer_name_hash.as_bytes() != hash.digest(&issuer.subject).as_slice()
        || id.issuer_key_hash.as_bytes() != hash.digest(&issuer.key_bits).as_slice()
        || id.serial_number.as_bytes() != leaf.serial.as_slice()
    {
        return Err(OCSP_CERT_ID);
    }
    // O5
    let sig_alg = alg_parts(&basic.signature_algorithm);
    let sig = basic.signature.as_bytes().ok_or(OCSP_MALFORMED)?;
    let first = basic.certs.as_ref().and_then(|c| c.first());
    let responder_owned;
    let responder: &Cert = match first {
        Some(c) => {
            responder_owned =
                Cert::parse(&c.to_der().map_err(|_| OCSP_MALFORMED)?).ok_or(OCSP_MALFORMED)?;
            &responder_owned
        }
        None if verify_signed(&tbs, &sig_alg, sig, &issuer.spki) => issuer,
        None => return Err(OCSP_RESPONDER),
    };
    // O6
    if !verify_signed(&tbs, &sig_alg, sig, &responder.spki) {
        return Err(OCSP_SIG);
    }
    // O7
    match pinned {
        Some(p) => {
            if responder.der != p || responder.valid_at(now).is_err() {
                return Err(OCSP_RESPONDER);
            }
        }
        None => {
            let is_ca = responder.subject == issuer.subject && responder.spki == issuer.spki;
            let delegated = responder.issuer == issuer.subject
                && responder.signed_by(&issuer.spki)
                && responder
                    .eku()
                    .is_some_and(|e| e.iter().any(|o| o == OCSP_SIGNING))
                && responder.valid_at(now).is_ok();
            if !is_ca && !delegated {
                return Err(OCSP_RESPONDER);
            }
        }
    }
    // O8
    let this_update = single.this_update.0.to_unix_duration().as_secs() as i64;
    if this_update > now + SKEW || this_update < now - MAX_AGE {
        return Err(OCSP_TIME);
    }
    if let Some(n) = &single.next_update {
        let n = n.0.to_unix_duration().as_secs() as i64;
        if n < now - SKEW || n < this_update {
            return Err(OCSP_TIME);
        }
    }
    // O9
    match single.cert_status {
        CertStatus::Good(_) => Ok(()),
        CertStatus::Revoked(_) => Err(OCSP_REVOKED),
        CertStatus::Unknown(_) => Err(OCSP_UNKNOWN),
    }
}

// ------------------------------------------------------------ signature --

fn token_signature(leaf: &Cert, alg: Jwa, sig_b64: &str, ctx: &Ctx) -> Result<(), Code> {
    let sig = b64_decode(sig_b64).ok_or(SIG)?;
    let data = signed_data(alg.hash(), ctx.origin, ctx.nonce);
    let ok = match (alg.family(), parse_pk(&leaf.spki).ok_or(SIG)?) {
        (Family::Ecdsa, Pk::Ec(curve, point)) => {
            let want = match alg {
                Jwa::Es256 => Curve::P256,
                Jwa::Es384 => Curve::P384,
                _ => Curve::P521,
            };
            let f = curve.flen();
            if curve != want || sig.len() != 2 * f {
                false
            } else {
                let (r, s) = (uint(&sig[..f]), uint(&sig[f..]));
                let n = curve.order();
                let zero = BigUint::from(0u8);
                r != zero
                    && s != zero
                    && r < n
                    && s < n
                    && curve.verify(&point, &curve.z(alg.hash(), &data), &sig[..f], &sig[f..])
            }
        }
        (Family::Pkcs1, Pk::Rsa(k)) => {
            k.n().bits() >= 2048 && verify_pkcs1(&k, alg.hash(), &data, &sig)
        }
        (Family::Pss, Pk::Rsa(k)) => {
            k.n().bits() >= 2048 && verify_pss_salt(&k, alg.hash(), alg.hash().len(), &data, &sig)
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(SIG)
    }
}

// -------------------------------------------------------------- web-eid:1.1 --

const CRYPTO: [&str; 2] = ["ECC", "RSA"];
const HASHES: [&str; 8] = [
    "SHA-224", "SHA-256", "SHA-384", "SHA-512", "SHA3-224", "SHA3-256", "SHA3-384", "SHA3-512",
];
const PADDING: [&str; 3] = ["NONE", "PKCS1.5", "PSS"];

/// A list of base64 certificates: absent → empty; `[]`, a non-string or an
/// empty entry → malformed; each entry decoded.
fn cert_list(v: Option<&J>) -> Result<Vec<Cert>, Code> {
    match v {
        None => Ok(Vec::new()),
        Some(J::Arr(a)) if !a.is_empty() => {
            let mut strs = Vec::new();
            for x in a {
                match x {
                    J::Str(s) if !s.is_empty() => strs.push(s.as_str()),
                    _ => return Err(MALFORMED),
                }
            }
            strs.into_iter()
                .map(|s| {
                    b64_decode(s)
                        .and_then(|d| Cert::parse(&d))
                        .ok_or(CERT_MALFORMED)
                })
                .collect()
        }
        Some(_) => Err(MALFORMED),
    }
}

fn signing_shape(entries: &[J]) -> Result<(), Code> {
    for e in entries {
        match e.get("certificate") {
            Some(J::Str(s)) if !s.is_empty() => {}
            _ => return Err(MALFORMED),
        }
        match e.get("supportedSignatureAlgorithms") {
            Some(J::Arr(a)) if !a.is_empty() => {
                for x in a {
                    let ok = |k: &str, set: &[&str]| matches!(x.get(k), Some(J::Str(s)) if set.contains(&s.as_str()));
                    if !(ok("cryptoAlgorithm", &CRYPTO)
                        && ok("hashFunction", &HASHES)
                        && ok("paddingScheme", &PADDING))
                    {
                        return Err(MALFORMED);
                    }
                }
            }
            _ => return Err(MALFORMED),
        }
        if let J::Obj(_) = e {
        } else {
            return Err(MALFORMED);
        }
    }
    Ok(())
}

fn signing_certs(
    obj: &J,
    leaf: &Cert,
    anchors: &[Cert],
    now: i64,
    have_intermediates: bool,
) -> Result<(), Code> {
    let entries = match obj.get("unverifiedSigningCertificates") {
        None if have_intermediates => return Ok(()),
        Some(J::Arr(a)) if !a.is_empty() => a,
        _ => return Err(MALFORMED),
    };
    signing_shape(entries)?;
    for e in entries {
        let Some(J::Str(s)) = e.get("certificate") else {
            return Err(MALFORMED);
        };
        let c = b64_decode(s).and_then(|d| Cert::parse(&d)).ok_or(SIGNING)?;
        if c.subject_set() != leaf.subject_set() {
            return Err(SIGNING);
        }
        match (c.aki_key_id(), leaf.aki_key_id()) {
            (Some(a), Some(b)) if a == b => {}
            _ => return Err(SIGNING),
        }
        if c.ku_bit(1) != Some(true) {
            return Err(SIGNING);
        }
        c.valid_at(now).map_err(|_| SIGNING)?;
        chain(&c, anchors, now).map_err(|_| SIGNING)?;
    }
    Ok(())
}

// ------------------------------------------------------------------ all --

pub fn verify(token: &[u8], anchors_der: &[Vec<u8>], ctx: &Ctx) -> Result<Identity, Code> {
    if ctx.nonce.is_empty() || !origin_ok(ctx.origin) {
        return Err(CONFIG);
    }
    let anchors: Vec<Cert> = anchors_der
        .iter()
        .map(|a| Cert::parse(a).expect("every anchor parses"))
        .collect();
    // S1
    if token.len() > MAX_SIZE {
        return Err(TOO_LARGE);
    }
    if token.len() < MIN_SIZE {
        return Err(MALFORMED);
    }
    // S2, S3
    let text = std::str::from_utf8(token).map_err(|_| ENCODING)?;
    let j = parse_json(text).ok_or(JSON)?;
    // S4
    if !matches!(j, J::Obj(_)) {
        return Err(MALFORMED);
    }
    let cert_field = str_field(&j, "unverifiedCertificate")?;
    let alg_field = str_field(&j, "algorithm")?;
    let sig_field = str_field(&j, "signature")?;
    let format = str_field(&j, "format")?;
    str_field(&j, "appVersion")?;
    // S5
    let v11 = match format.ok_or(FORMAT)? {
        "web-eid:1" | "web-eid:1.0" => false,
        "web-eid:1.1" => true,
        f if f
            .strip_prefix("web-eid:1.")
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) =>
        {
            false
        }
        _ => return Err(FORMAT),
    };
    // S6 (intermediates are used only as far as they equal an anchor, so
    // they never add a path here)
    let intermediates = if v11 {
        cert_list(j.get("unverifiedIntermediateCertificates"))?
    } else {
        Vec::new()
    };
    // S7-S9
    let cert_b64 = cert_field.filter(|s| !s.is_empty()).ok_or(MALFORMED)?;
    let leaf = b64_decode(cert_b64)
        .and_then(|d| Cert::parse(&d))
        .ok_or(CERT_MALFORMED)?;
    // S10
    match leaf.ku_bit(0) {
        None => return Err(PURPOSE_MISSING),
        Some(false) => return Err(PURPOSE_WRONG),
        Some(true) => {}
    }
    if let Some(e) = leaf.eku() {
        if !e.iter().any(|o| o == CLIENT_AUTH) {
            return Err(PURPOSE_WRONG);
        }
    }
    // S11
    if let Some(v) = leaf.ext(OID_POLICIES) {
        let p = CertificatePolicies::from_der(v).expect("policies parse");
        if p.0
            .iter()
            .any(|pi| DISALLOWED.contains(&pi.policy_identifier.to_string().as_str()))
        {
            return Err(POLICY);
        }
    }
    // S12
    leaf.valid_at(ctx.now)?;
    // S13, S14
    let issuer = chain(&leaf, &anchors, ctx.now)?;
    // S15
    if let Some((response, pinned)) = ctx.ocsp {
        ocsp(&leaf, issuer, response, pinned, ctx.now)?;
    }
    // S16, S17
    let alg = alg_field.filter(|s| !s.is_empty()).ok_or(MALFORMED)?;
    let sig = sig_field.filter(|s| !s.is_empty()).ok_or(MALFORMED)?;
    let alg = Jwa::parse(alg).ok_or(ALG)?;
    // S18
    token_signature(&leaf, alg, sig, ctx)?;
    // S19
    if v11 {
        signing_certs(&j, &leaf, &anchors, ctx.now, !intermediates.is_empty())?;
    }
    // S20
    leaf.identity()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert!(origin_ok("https://rp.idbridge.test"));
        assert!(origin_ok("https://rp.idbridge.test:8443"));
        for bad in [
            "https://rp.idbridge.test/",
            "http://rp.idbridge.test",
            "https://u@rp.idbridge.test",
            "https://rp.idbridge.test?x",
            "https://rp.idbridge.test#x",
            "https://",
            "rp.idbridge.test",
        ] {
            assert!(!origin_ok(bad), "{bad}");
        }
    }

    #[test]
    fn json_rules() {
        assert!(parse_json(r#"{"a":1,"a":2}"#).is_none());
        assert!(parse_json(r#"{"a":{"b":1,"b":1}}"#).is_none());
        assert!(parse_json(r#"{"a":1} x"#).is_none());
        let deep = format!("{}{}", "[".repeat(32), "]".repeat(32));
        assert!(parse_json(&deep).is_some());
        let deeper = format!("{}{}", "[".repeat(33), "]".repeat(33));
        assert!(parse_json(&deeper).is_none());
    }

    #[test]
    fn base64_rules() {
        assert_eq!(b64_decode("QQ==").as_deref(), Some(&b"A"[..]));
        assert_eq!(b64_decode("QQ").as_deref(), Some(&b"A"[..]));
        assert!(b64_decode("Q Q==").is_none());
        assert!(b64_decode("-_8=").is_none());
    }
}
