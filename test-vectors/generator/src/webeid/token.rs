//! Web eID authentication tokens: the JWA algorithms, the signed data, and a
//! JSON writer that keeps field order and allows the mutations the cases
//! need (duplicate keys, wrong types, raw bytes).

use base64::Engine;

use crate::bytes::fixed;
use crate::hash::Hash;
use crate::rsa_ops::{sign_pkcs1, sign_pss};

use crate::pki::build::Key;

pub const ORIGIN: &str = "https://rp.idbridge.test";
pub const APP_VERSION: &str = "https://web-eid.eu/web-eid-app/releases/2.5.0+0";

/// The challenge nonce: standard base64 of 32 bytes (SHA-256 of a label),
/// 44 characters. It is hashed as this string, never base64-decoded.
pub fn nonce() -> String {
    b64(&Hash::Sha256.digest(b"idbridge-vectorgen/webeid/nonce"))
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jwa {
    Es256,
    Es384,
    Es512,
    Ps256,
    Ps384,
    Ps512,
    Rs256,
    Rs384,
    Rs512,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Ecdsa,
    Pss,
    Pkcs1,
}

impl Jwa {
    pub const ALL: [Jwa; 9] = [
        Jwa::Es256,
        Jwa::Es384,
        Jwa::Es512,
        Jwa::Ps256,
        Jwa::Ps384,
        Jwa::Ps512,
        Jwa::Rs256,
        Jwa::Rs384,
        Jwa::Rs512,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Jwa::Es256 => "ES256",
            Jwa::Es384 => "ES384",
            Jwa::Es512 => "ES512",
            Jwa::Ps256 => "PS256",
            Jwa::Ps384 => "PS384",
            Jwa::Ps512 => "PS512",
            Jwa::Rs256 => "RS256",
            Jwa::Rs384 => "RS384",
            Jwa::Rs512 => "RS512",
        }
    }

    /// Exact, case-sensitive.
    pub fn parse(s: &str) -> Option<Jwa> {
        Jwa::ALL.into_iter().find(|a| a.name() == s)
    }

    pub fn hash(self) -> Hash {
        match self {
            Jwa::Es256 | Jwa::Ps256 | Jwa::Rs256 => Hash::Sha256,
            Jwa::Es384 | Jwa::Ps384 | Jwa::Rs384 => Hash::Sha384,
            Jwa::Es512 | Jwa::Ps512 | Jwa::Rs512 => Hash::Sha512,
        }
    }

    pub fn family(self) -> Family {
        match self {
            Jwa::Es256 | Jwa::Es384 | Jwa::Es512 => Family::Ecdsa,
            Jwa::Ps256 | Jwa::Ps384 | Jwa::Ps512 => Family::Pss,
            Jwa::Rs256 | Jwa::Rs384 | Jwa::Rs512 => Family::Pkcs1,
        }
    }
}

/// H(origin) || H(nonce), both hashed as their UTF-8 strings.
pub fn signed_data(hash: Hash, origin: &str, nonce: &str) -> Vec<u8> {
    let mut v = hash.digest(origin.as_bytes());
    v.extend(hash.digest(nonce.as_bytes()));
    v
}

/// Sign `data` the way `alg` prescribes with `key`: raw r || s for ES*,
/// RSASSA-PKCS1-v1_5 for RS*, RSASSA-PSS with MGF1(same hash) and a salt of
/// the hash length, drawn from the RNG labelled `label`, for PS*.
pub fn sign_with(key: &Key, alg: Jwa, data: &[u8], label: &str) -> Vec<u8> {
    let h = alg.hash();
    match (alg.family(), key) {
        (Family::Ecdsa, Key::Ec(k)) => {
            let (r, s) = k.sign(h, data);
            let f = k.curve.flen();
            let mut out = fixed(&r, f);
            out.extend(fixed(&s, f));
            out
        }
        (Family::Pkcs1, Key::Rsa(k)) => sign_pkcs1(k, h, data),
        (Family::Pss, Key::Rsa(k)) => sign_pss(k, h, h.len(), &format!("webeid/{label}"), data),
        _ => panic!("{alg:?} does not fit the key"),
    }
}

/// A genuine token signature for ORIGIN and the nonce.
pub fn sign_token(key: &Key, alg: Jwa, label: &str) -> Vec<u8> {
    sign_with(key, alg, &signed_data(alg.hash(), ORIGIN, &nonce()), label)
}

/// A token as an ordered list of (key, raw JSON value text).
#[derive(Clone, Debug)]
pub struct Tok {
    pub fields: Vec<(String, String)>,
}

pub fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("JSON string")
}

impl Tok {
    /// A web-eid:1.0 token in the field order the Web eID app writes.
    pub fn v10(cert: &[u8], alg: &str, sig: &[u8]) -> Tok {
        Tok {
            fields: vec![
                ("unverifiedCertificate".into(), json_str(&b64(cert))),
                ("algorithm".into(), json_str(alg)),
                ("signature".into(), json_str(&b64(sig))),
                ("format".into(), json_str("web-eid:1.0")),
                ("appVersion".into(), json_str(APP_VERSION)),
            ],
        }
    }

    /// Replace the value of `key` (or append the field).
    pub fn raw(mut self, key: &str, raw: &str) -> Tok {
        match self.fields.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = raw.to_string(),
            None => self.fields.push((key.to_string(), raw.to_string())),
        }
        self
    }

    pub fn str(self, key: &str, v: &str) -> Tok {
        let raw = json_str(v);
        self.raw(key, &raw)
    }

    pub fn remove(mut self, key: &str) -> Tok {
        self.fields.retain(|(k, _)| k != key);
        self
    }

    /// Append a field even if the key is already there (a duplicate).
    pub fn push(mut self, key: &str, raw: &str) -> Tok {
        self.fields.push((key.to_string(), raw.to_string()));
        self
    }

    /// Compact JSON, fields in order.
    pub fn render(&self) -> String {
        let body: Vec<String> = self
            .fields
            .iter()
            .map(|(k, v)| format!("{}:{v}", json_str(k)))
            .collect();
        format!("{{{}}}", body.join(","))
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.render().into_bytes()
    }
}

/// One `unverifiedSigningCertificates` entry.
pub fn signing_entry(cert: &[u8], supported_raw: &str) -> String {
    format!(
        "{{\"certificate\":{},\"supportedSignatureAlgorithms\":{supported_raw}}}",
        json_str(&b64(cert))
    )
}

pub const SSA_ECC_384: &str =
    r#"[{"cryptoAlgorithm":"ECC","hashFunction":"SHA-384","paddingScheme":"NONE"}]"#;
