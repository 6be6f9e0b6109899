//! The `signature` kind's mutation vocabulary: every way a case's signature
//! is made, named once here and referenced by the rows of
//! `cases/signature/*.json` (`"sig": {"op": "...", ...}`).
//!
//! Most operations change one thing in the group's genuine base artifact:
//! the signature of the ASCII message by the group's key under the group's
//! algorithm (RSA-PSS salts drawn from the label `{id}/{key}/valid`). The
//! others make a fresh signature with a named key, algorithm or encoding.

use std::collections::BTreeMap;

use rsa::traits::PublicKeyParts;
use rsa::BigUint;
use serde::Deserialize;

use crate::bytes::{concat, der_int, der_sig, fixed, flip, int_content, tlv, uint, unhex};
use crate::ec::Curve;
use crate::hash::Hash;
use crate::model::{Alg, Enc, Scheme};
use crate::pki::keys::Loaded;
use crate::rsa_ops::{
    emsa_pkcs1, emsa_pkcs1_custom, emsa_pss, k_len, labelled_rng, sign_pkcs1, sign_pss, sign_raw,
    verify_pkcs1, verify_pss_salt,
};

/// The fixed ASCII message every "valid" case signs.
pub const MSG: &[u8] =
    b"idbridge signature test vector: the quick brown fox jumps over the lazy dog";

/// MSG, or MSG followed by " #i" (for cases that need a signature with some property).
pub fn variant(i: usize) -> Vec<u8> {
    if i == 0 {
        MSG.to_vec()
    } else {
        format!("{} #{i}", String::from_utf8_lossy(MSG)).into_bytes()
    }
}

/// How a comment names a message variant (the `{msg_name}` variable).
pub fn msg_name(m: &[u8]) -> String {
    if m == MSG {
        "the ASCII message".to_string()
    } else {
        format!(
            "the ASCII message variant \"{}\"",
            String::from_utf8_lossy(m)
        )
    }
}

/// MSG with the lowest bit of its middle byte flipped, and a description.
pub fn tampered_msg() -> (Vec<u8>, String) {
    let i = MSG.len() / 2;
    let m = flip(MSG, i);
    let d = format!(
        "the ASCII message with one bit flipped (byte {i}: '{}' became '{}')",
        MSG[i] as char, m[i] as char
    );
    (m, d)
}

/// The message a row signs or is verified over.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Msg {
    /// [`MSG`].
    #[default]
    Ascii,
    /// Zero bytes.
    Empty,
    /// [`tampered_msg`] (`{td}` describes it).
    Tampered,
}

impl Msg {
    pub fn bytes(self) -> Vec<u8> {
        match self {
            Msg::Ascii => MSG.to_vec(),
            Msg::Empty => Vec::new(),
            Msg::Tampered => tampered_msg().0,
        }
    }
}

/// An ECDSA scalar in terms of the base signature (r, s) and the order n.
#[derive(Clone, Copy, Debug, Deserialize)]
pub enum Scalar {
    #[serde(rename = "r")]
    R,
    #[serde(rename = "s")]
    S,
    #[serde(rename = "0")]
    Zero,
    #[serde(rename = "n")]
    N,
    #[serde(rename = "r+n")]
    RPlusN,
    #[serde(rename = "s+n")]
    SPlusN,
    #[serde(rename = "n-s")]
    NMinusS,
    /// r with its lowest bit flipped.
    #[serde(rename = "r^1")]
    RFlip,
}

/// An RSA signature value of exactly k bytes.
#[derive(Clone, Copy, Debug, Deserialize)]
pub enum Value {
    #[serde(rename = "1")]
    One,
    #[serde(rename = "n")]
    N,
    #[serde(rename = "n-1")]
    NMinusOne,
}

/// The vocabulary. String parameters are templates (`{var}`).
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Op {
    /// The base artifact itself.
    Base,
    /// A genuine signature of the row's message; `key` (a key name, default
    /// the group's), `alg` (an identifier, SHA-1 ones included; default the
    /// group's), `label` (the PSS salt's seed label, default
    /// `{id}/{key}/valid`), `over` (the message signed, when not the row's).
    Sign {
        key: Option<String>,
        alg: Option<String>,
        label: Option<String>,
        over: Option<Msg>,
    },
    /// No bytes at all.
    Empty,
    /// The base without its last byte.
    Truncate,
    /// The base with `hex` bytes before it.
    Prepend { hex: String },
    /// The base with `hex` bytes after it.
    Append { hex: String },
    /// The base with the lowest bit of byte `at` flipped.
    FlipByte { at: String },
    /// `len` bytes of `byte`.
    Fill { byte: u8, len: String },
    /// An RSA value as k bytes.
    Value { v: Value },
    /// RSA: the other key (`{b}`)'s signature of the first message variant
    /// whose value is below this key's n (sets `{msg_name}`).
    WrongKeyBelowN,
    /// EMSA-PKCS1-v1_5 with block type `bt`, the padding's first bytes
    /// replaced by `pad` and `garbage` after the digest, signed with the
    /// group key.
    Pkcs1Encoding {
        bt: u8,
        pad: String,
        garbage: String,
    },
    /// A genuine PSS signature with a `len`-byte salt drawn from `label`.
    PssSalt { len: usize, label: String },
    /// A hand-built EMSA-PSS encoding (salt from `label`) with MGF1 over
    /// `mgf` (default the hash) and trailer byte `trailer`, signed with the
    /// group key.
    PssEncoding {
        mgf: Option<String>,
        trailer: u8,
        label: String,
    },
    /// ECDSA (r, s) from the base's scalars, encoded as `enc` (default the
    /// group algorithm's).
    Rs {
        r: Scalar,
        s: Scalar,
        enc: Option<String>,
    },
    /// DER with a redundant 0x00 before r, on the first message variant
    /// whose r has its top bit clear (sets `{msg_name}`).
    DerNonMinimalR,
    /// DER with the SEQUENCE length in non-minimal long form (sets `{seq_long}`).
    DerLongSeq,
    /// DER with r's length in long form (sets `{r_len}`, two hex digits).
    DerLongR,
    /// DER with the 0x00 before r dropped, on the first message variant
    /// whose r has its top bit set (sets `{msg_name}`).
    DerNegativeR,
    /// The base's SEQUENCE in indefinite-length form.
    DerIndefinite,
    /// The base's SEQUENCE with a third element INTEGER 0.
    DerExtraZero,
    /// The base with its first (tag) byte replaced by `tag`.
    DerTag { tag: u8 },
    /// HMAC-SHA-256 of the message keyed with the bytes of key file `key_file`.
    Hmac { key_file: String },
    /// The EMSA-PKCS1-v1_5 encoding of the message for key `key`'s k (the
    /// group algorithm's hash): what s^1 mod n gives back.
    EmsaPkcs1 { key: String },
    /// floor(n / 2) of key file `key_file` (public only), as k bytes (sets `{len}`).
    HalfModulus { key_file: String },
}

/// What an operation needs to know about its group and row.
pub struct Ctx<'a> {
    pub keys: &'a Loaded,
    /// The group's key name (`rsa2048`, `p256`, ...).
    pub key: &'a str,
    /// The group's algorithm identifier.
    pub alg: &'a str,
    pub msg: &'a [u8],
}

/// Any identifier the generator can sign with: the 24 supported ones plus
/// their SHA-1 variants.
pub fn parse_alg(id: &str) -> Option<Alg> {
    Alg::parse(id).or_else(|| {
        Alg::all()
            .into_iter()
            .map(|a| Alg {
                hash: Hash::Sha1,
                ..a
            })
            .find(|a| a.id() == id)
    })
}

fn alg_of(id: &str) -> Alg {
    parse_alg(id).unwrap_or_else(|| panic!("cannot sign with {id:?}"))
}

fn raw(curve: Curve, r: &BigUint, s: &BigUint) -> Vec<u8> {
    concat(&[&fixed(r, curve.flen()), &fixed(s, curve.flen())])
}

fn encode(curve: Curve, enc: Enc, r: &BigUint, s: &BigUint) -> Vec<u8> {
    match enc {
        Enc::Raw => raw(curve, r, s),
        Enc::Der => der_sig(r, s),
    }
}

fn ecdsa(alg: Alg) -> (Curve, Enc) {
    match alg.scheme {
        Scheme::Ecdsa(c, e) => (c, e),
        _ => panic!("{} is not ECDSA", alg.id()),
    }
}

/// A genuine signature of `msg` by key `key` under `alg`.
pub fn sign(keys: &Loaded, key: &str, alg: Alg, label: &str, msg: &[u8]) -> Vec<u8> {
    match alg.scheme {
        Scheme::Pkcs1 => sign_pkcs1(keys.rsa(key), alg.hash, msg),
        Scheme::Pss => sign_pss(keys.rsa(key), alg.hash, alg.hash.len(), label, msg),
        Scheme::Ecdsa(curve, enc) => {
            let (r, s) = keys.ec(key).sign(alg.hash, msg);
            encode(curve, enc, &r, &s)
        }
    }
}

/// The first message variant whose ECDSA signature's r satisfies `pred`.
fn find_sig(ctx: &Ctx, hash: Hash, pred: impl Fn(&BigUint) -> bool) -> (Vec<u8>, BigUint, BigUint) {
    let key = ctx.keys.ec(ctx.key);
    (0..)
        .map(|i| {
            let m = variant(i);
            let (r, s) = key.sign(hash, &m);
            (m, r, s)
        })
        .find(|(_, r, _)| pred(r))
        .expect("some variant")
}

fn num(s: &str) -> usize {
    s.parse()
        .unwrap_or_else(|_| panic!("{s:?} is not a number"))
}

/// The result of an operation: the signature, the message when the
/// operation chose another one, and the variables it sets for the comment.
pub struct Made {
    pub sig: Vec<u8>,
    pub msg: Option<Vec<u8>>,
    pub vars: BTreeMap<String, String>,
}

impl Op {
    /// Run the operation. `t` expands a template parameter.
    pub fn make(&self, ctx: &Ctx, t: &dyn Fn(&str) -> String) -> Made {
        let alg = alg_of(ctx.alg);
        let base_label = format!("{}/{}/valid", ctx.alg, ctx.key);
        let base = || sign(ctx.keys, ctx.key, alg, &base_label, MSG);
        let base_rs = || ctx.keys.ec(ctx.key).sign(alg.hash, MSG);
        let mut vars = BTreeMap::new();
        let mut msg = None;
        let sig = match self {
            Op::Base => base(),
            Op::Sign {
                key,
                alg: a,
                label,
                over,
            } => {
                let key = key.as_deref().map_or(ctx.key.to_string(), t);
                let a = a.as_deref().map_or(alg, |a| alg_of(&t(a)));
                let label = label
                    .as_deref()
                    .map_or_else(|| format!("{}/{key}/valid", ctx.alg), t);
                let msg = over.map_or(ctx.msg.to_vec(), Msg::bytes);
                sign(ctx.keys, &key, a, &label, &msg)
            }
            Op::Empty => Vec::new(),
            Op::Truncate => {
                let b = base();
                b[..b.len() - 1].to_vec()
            }
            Op::Prepend { hex } => concat(&[&unhex(hex), &base()]),
            Op::Append { hex } => concat(&[&base(), &unhex(hex)]),
            Op::FlipByte { at } => flip(&base(), num(&t(at))),
            Op::Fill { byte, len } => vec![*byte; num(&t(len))],
            Op::Value { v } => {
                let pk = ctx.keys.rsa(ctx.key).to_public_key();
                let n = pk.n().clone();
                let one = BigUint::from(1u8);
                let v = match v {
                    Value::One => one,
                    Value::N => n,
                    Value::NMinusOne => &n - one,
                };
                fixed(&v, k_len(&pk))
            }
            Op::WrongKeyBelowN => {
                let b = format!("{}-b", ctx.key);
                let n = ctx.keys.rsa(ctx.key).n().clone();
                let (m, s) = (0..)
                    .map(|i| {
                        let m = variant(i);
                        let label = format!("{}/{b}/wrong-key/{i}", ctx.alg);
                        let s = sign(ctx.keys, &b, alg, &label, &m);
                        (m, s)
                    })
                    .find(|(_, s)| uint(s) < n)
                    .expect("some variant");
                vars.insert("msg_name".into(), msg_name(&m));
                msg = Some(m);
                s
            }
            Op::Pkcs1Encoding { bt, pad, garbage } => {
                let key = ctx.keys.rsa(ctx.key);
                let pk = key.to_public_key();
                let k = k_len(&pk);
                // The hand-built encoder must reproduce RustCrypto's signature exactly.
                assert_eq!(
                    sign_raw(key, &emsa_pkcs1(alg.hash, MSG, k)),
                    sign_pkcs1(key, alg.hash, MSG)
                );
                let em = emsa_pkcs1_custom(alg.hash, MSG, k, *bt, &unhex(pad), &unhex(garbage));
                let s = sign_raw(key, &em);
                assert!(!verify_pkcs1(&pk, alg.hash, MSG, &s));
                s
            }
            Op::PssSalt { len, label } => {
                let key = ctx.keys.rsa(ctx.key);
                let s = sign_pss(key, alg.hash, *len, &t(label), MSG);
                assert!(!verify_pss_salt(
                    &key.to_public_key(),
                    alg.hash,
                    alg.hash.len(),
                    MSG,
                    &s
                ));
                s
            }
            Op::PssEncoding {
                mgf,
                trailer,
                label,
            } => {
                let key = ctx.keys.rsa(ctx.key);
                let pk = key.to_public_key();
                let bits = pk.n().bits();
                let h = alg.hash;
                let mut salt = vec![0u8; h.len()];
                rand_core::RngCore::fill_bytes(&mut labelled_rng(&t(label)), &mut salt);
                // The hand-built encoder must give a signature RustCrypto accepts.
                let good = sign_raw(key, &emsa_pss(h, h, MSG, &salt, bits, 0xbc));
                assert!(verify_pss_salt(&pk, h, h.len(), MSG, &good));
                let mgf = match mgf.as_deref() {
                    None => h,
                    Some("sha1") => Hash::Sha1,
                    Some(other) => panic!("MGF1 hash {other:?}"),
                };
                let s = sign_raw(key, &emsa_pss(h, mgf, MSG, &salt, bits, *trailer));
                assert!(!verify_pss_salt(&pk, h, h.len(), MSG, &s));
                s
            }
            Op::Rs { r, s, enc } => {
                let (curve, genc) = ecdsa(alg);
                let (br, bs) = base_rs();
                let n = curve.order();
                let one = BigUint::from(1u8);
                let pick = |x: &Scalar| match x {
                    Scalar::R => br.clone(),
                    Scalar::S => bs.clone(),
                    Scalar::Zero => BigUint::from(0u8),
                    Scalar::N => n.clone(),
                    Scalar::RPlusN => &br + &n,
                    Scalar::SPlusN => &bs + &n,
                    Scalar::NMinusS => &n - &bs,
                    Scalar::RFlip => &br ^ &one,
                };
                let enc = match enc.as_deref() {
                    None => genc,
                    Some("raw") => Enc::Raw,
                    Some("der") => Enc::Der,
                    Some(other) => panic!("encoding {other:?}"),
                };
                encode(curve, enc, &pick(r), &pick(s))
            }
            Op::DerNonMinimalR => {
                let (m, r2, s2) = find_sig(ctx, alg.hash, |r| int_content(r)[0] != 0);
                let rc = concat(&[&[0x00], &int_content(&r2)]);
                vars.insert("msg_name".into(), msg_name(&m));
                msg = Some(m);
                tlv(0x30, &concat(&[&tlv(0x02, &rc), &der_int(&s2)]))
            }
            Op::DerLongSeq => {
                let (r, s) = base_rs();
                let body = concat(&[&der_int(&r), &der_int(&s)]);
                let l = body.len();
                let (sig, d) = if l < 0x80 {
                    (
                        concat(&[&[0x30, 0x81, l as u8], &body]),
                        format!("0x81 0x{l:02x} where the short form 0x{l:02x} fits"),
                    )
                } else {
                    (
                        concat(&[&[0x30, 0x82, 0x00, l as u8], &body]),
                        format!("0x82 0x00 0x{l:02x} where 0x81 0x{l:02x} is the minimal form"),
                    )
                };
                vars.insert("seq_long".into(), d);
                sig
            }
            Op::DerLongR => {
                let (r, s) = base_rs();
                let rc = int_content(&r);
                let r_long = concat(&[&[0x02, 0x81, rc.len() as u8], &rc]);
                vars.insert("r_len".into(), format!("{:02x}", rc.len()));
                tlv(0x30, &concat(&[&r_long, &der_int(&s)]))
            }
            Op::DerNegativeR => {
                let (m, r2, s2) = find_sig(ctx, alg.hash, |r| int_content(r)[0] == 0);
                let rc = int_content(&r2)[1..].to_vec();
                vars.insert("msg_name".into(), msg_name(&m));
                msg = Some(m);
                tlv(0x30, &concat(&[&tlv(0x02, &rc), &der_int(&s2)]))
            }
            Op::DerIndefinite => {
                let (r, s) = base_rs();
                let body = concat(&[&der_int(&r), &der_int(&s)]);
                concat(&[&[0x30, 0x80], &body, &[0x00, 0x00]])
            }
            Op::DerExtraZero => {
                let (r, s) = base_rs();
                let body = concat(&[&der_int(&r), &der_int(&s)]);
                tlv(0x30, &concat(&[&body, &der_int(&BigUint::from(0u8))]))
            }
            Op::DerTag { tag } => {
                let mut b = base();
                b[0] = *tag;
                b
            }
            Op::Hmac { key_file } => Hash::Sha256.hmac(ctx.keys.spki(&t(key_file)), &[ctx.msg]),
            Op::EmsaPkcs1 { key } => {
                let k = k_len(&ctx.keys.rsa(&t(key)).to_public_key());
                emsa_pkcs1(alg.hash, ctx.msg, k)
            }
            Op::HalfModulus { key_file } => {
                use der::Decode;
                let der = ctx.keys.spki(&t(key_file));
                let info = spki::SubjectPublicKeyInfoRef::from_der(der).expect("spki");
                let pk = pkcs1::RsaPublicKey::from_der(info.subject_public_key.raw_bytes())
                    .expect("pkcs1");
                let n = uint(pk.modulus.as_bytes());
                let k = n.bits().div_ceil(8);
                vars.insert("len".into(), k.to_string());
                fixed(&(&n >> 1), k)
            }
        };
        Made { sig, msg, vars }
    }
}
