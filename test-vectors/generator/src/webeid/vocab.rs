//! The `webeid` token vocabulary: every way a data row's token is made
//! (`cases/webeid/*.json`, `"token": {"name", "what", "from", "ops"}`),
//! named once here. A token starts from a base ([`Base`]: the main token, a
//! genuine token for a certificate, literal bytes) and goes through its
//! operations ([`TokOp`]) in order: first on its members, then on its bytes.

use rsa::BigUint;
use serde::Deserialize;

use crate::bytes::{der_sig, fixed, flip, uint, unhex};
use crate::ec::Curve;
use crate::pki::build::Key;
use crate::pki::pem;
use crate::rsa_ops::sign_pss;

use super::model::b64_decode;
use super::token::{
    b64, json_str, sign_with, signed_data, signing_entry, Jwa, Tok, ORIGIN, SSA_ECC_384,
};
use super::work::W;

#[derive(Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Base {
    /// `"main"`.
    Named(String),
    Text {
        text: String,
    },
    Repeat {
        repeat: String,
        times: usize,
    },
    Genuine {
        genuine: String,
        key: String,
        alg: String,
    },
}

fn jwa(name: &str) -> Jwa {
    Jwa::parse(name).unwrap_or_else(|| panic!("unknown JWA {name:?}"))
}

/// A change to an ES384 signature's bytes (r || s, 48 bytes each).
#[derive(Deserialize)]
#[serde(tag = "to", rename_all = "snake_case", deny_unknown_fields)]
pub enum SigChange {
    /// The first `len` bytes.
    Truncate { len: usize },
    /// `hex` appended.
    Append { hex: String },
    /// r and s each left-padded with one 0x00.
    PadHalves,
    /// (r, s) as a DER Ecdsa-Sig-Value.
    Der,
    /// (r, s) replaced by scalars in terms of r, s and P-384's order n:
    /// `r`, `s`, `0`, `n`, `n-s`.
    Rs { r: String, s: String },
    /// The lowest bit of byte `at` flipped.
    Flip { at: usize },
}

impl SigChange {
    fn apply(&self, sig: &[u8]) -> Vec<u8> {
        let f = sig.len() / 2;
        let (r, s) = (uint(&sig[..f]), uint(&sig[f..]));
        match self {
            SigChange::Truncate { len } => sig[..*len].to_vec(),
            SigChange::Append { hex } => [sig, &unhex(hex)].concat(),
            SigChange::PadHalves => [&[0u8][..], &sig[..f], &[0], &sig[f..]].concat(),
            SigChange::Der => der_sig(&r, &s),
            SigChange::Rs { r: rr, s: ss } => {
                let n = Curve::P384.order();
                let pick = |x: &str| -> BigUint {
                    match x {
                        "r" => r.clone(),
                        "s" => s.clone(),
                        "0" => BigUint::from(0u8),
                        "n" => n.clone(),
                        "n-s" => &n - &s,
                        other => panic!("unknown scalar {other:?}"),
                    }
                };
                [fixed(&pick(rr), f), fixed(&pick(ss), f)].concat()
            }
            SigChange::Flip { at } => flip(sig, *at),
        }
    }
}

/// What a [`TokOp::Sign`] signature covers: by default H(origin) || H(nonce)
/// with the signing algorithm's hash, the test origin and the group nonce.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Data {
    /// The halves' hash, as a JWA name whose hash it is.
    hash: Option<String>,
    origin: Option<String>,
    /// `decoded_nonce` (H(origin) || H(base64-decoded nonce)), `swapped`
    /// (H(nonce) || H(origin)), `one_hash` (H(origin || nonce)).
    form: Option<String>,
}

impl Data {
    fn bytes(&self, alg: Jwa, nonce: &str) -> Vec<u8> {
        let h = self.hash.as_deref().map_or(alg, jwa).hash();
        let origin = self.origin.as_deref().unwrap_or(ORIGIN);
        match self.form.as_deref() {
            None => signed_data(h, origin, nonce),
            Some("decoded_nonce") => {
                let decoded = b64_decode(nonce).expect("nonce is base64");
                [h.digest(origin.as_bytes()), h.digest(&decoded)].concat()
            }
            Some("swapped") => [h.digest(nonce.as_bytes()), h.digest(origin.as_bytes())].concat(),
            Some("one_hash") => h.digest(format!("{origin}{nonce}").as_bytes()),
            Some(other) => panic!("unknown signed-data form {other:?}"),
        }
    }
}

/// The token mutations. The first group works on the token's members (in
/// order, as the Web eID app writes them); the others on its bytes.
#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum TokOp {
    /// Member `field` set to the JSON string `value` (appended if absent).
    Str { field: String, value: String },
    /// Member `field` set to the raw JSON text `value` (appended if absent;
    /// `{b64:<pki file>}` in it stands for that certificate's base64 as a
    /// JSON string, `{ssa_ecc_384}` for the supportedSignatureAlgorithms
    /// list ECC/SHA-384/NONE).
    Raw { field: String, value: String },
    /// Member `field` removed.
    Remove { field: String },
    /// Member `field` appended again with the raw JSON text `value`.
    Push { field: String, value: String },
    /// Member `field` appended again with its current value (a duplicate).
    Dup { field: String },
    /// Member `field` set to `n` nested empty arrays.
    Arrays { field: String, n: usize },
    /// The members in reverse order.
    Reverse,
    /// unverifiedCertificate set to the main certificate's DER changed by
    /// `der` (`trailing_zero`, `plus_ca`, `truncated`, `ber_length`),
    /// written as `enc` (`base64`, `base64url`, `lines64`, `space100`, `pem`).
    SetCert { der: Option<String>, enc: String },
    /// Member `field` (a base64 string) with its '=' padding removed.
    Unpad { field: String },
    /// unverifiedCertificate set to the base64 of `pki/<file>`.
    CertFile { file: String },
    /// The signature member's bytes changed ([`SigChange`]).
    Sig { change: SigChange },
    /// The signature member's base64 in the URL-safe alphabet.
    SigBase64url,
    /// A space inserted after `at` characters of the signature's base64.
    SigSpace { at: usize },
    /// The signature member set to a signature by `key` ([`key`]) made as
    /// JWA `alg` prescribes (PSS salt `salt` bytes, default the hash
    /// length, from the label `webeid/<label>`) over `data`.
    Sign {
        key: String,
        alg: String,
        label: String,
        salt: Option<usize>,
        #[serde(default)]
        data: Data,
    },
    /// Pretty-printed: two-space indent, one member a line.
    Pretty,
    /// JSON whitespace after the first byte ('{') up to exactly `total` bytes.
    Pad { total: usize },
    /// Raw bytes at the end of the appVersion value.
    InAppVersion { hex: String },
    /// `text` (`times` times) or `hex` after the bytes.
    Append {
        text: Option<String>,
        hex: Option<String>,
        times: Option<usize>,
    },
    /// `hex` inserted before byte `at`.
    Insert { at: usize, hex: String },
    /// The first half of the bytes.
    Half,
    /// `text` after the first byte.
    AfterFirst { text: String },
    /// `text` before the last byte.
    BeforeLast { text: String },
    /// Every `from` replaced by `to`.
    Replace { from: String, to: String },
    /// The text re-encoded as UTF-16LE.
    Utf16le,
    /// `before` + the bytes + `after`.
    Wrap { before: String, after: String },
    /// The text as one JSON string.
    JsonString,
}

/// A token being built: members while they are, bytes once a byte
/// mutation ran.
pub enum Work {
    Tok(Tok),
    Bytes(Vec<u8>),
}

impl Work {
    fn tok(self) -> Tok {
        match self {
            Work::Tok(t) => t,
            Work::Bytes(_) => panic!("a member mutation after a byte mutation"),
        }
    }

    pub fn bytes(self) -> Vec<u8> {
        match self {
            Work::Tok(t) => t.bytes(),
            Work::Bytes(b) => b,
        }
    }

    fn text(self) -> String {
        String::from_utf8(self.bytes()).expect("UTF-8 text")
    }
}

/// `text` with JSON whitespace inserted after its first byte ('{') up to
/// exactly `total` bytes.
fn pad(text: &[u8], total: usize) -> Vec<u8> {
    assert!(text.len() <= total, "cannot pad {} to {total}", text.len());
    let mut out = vec![text[0]];
    out.extend(std::iter::repeat_n(b' ', total - text.len()));
    out.extend_from_slice(&text[1..]);
    out
}

fn key<'a>(w: &'a W, name: &str) -> &'a Key {
    match name {
        "wrong_p384" => &w.pki.wrong_p384,
        "sign_p384" => &w.pki.sign_p384,
        "leaf_rsa1024" => &w.pki.leaf_rsa1024,
        "leaf_p256" => &w.pki.leaf_p256,
        "leaf_p384" => &w.pki.leaf_p384,
        "leaf_p521" => &w.pki.leaf_p521,
        "leaf_rsa" => &w.pki.leaf_rsa,
        _ => panic!("unknown key {name:?}"),
    }
}

pub fn base(w: &W, b: &Base) -> Work {
    match b {
        Base::Named(n) if n == "main" => Work::Tok(w.main_tok()),
        // The valid web-eid:1.1 token: the main token relabelled 1.1 with
        // one signing certificate, sign-p384.cer (ECC/SHA-384/NONE).
        Base::Named(n) if n == "v11" => Work::Tok(w.main_tok().str("format", "web-eid:1.1").raw(
            "unverifiedSigningCertificates",
            &format!("[{}]", signing_entry(&w.cert("sign-p384.cer"), SSA_ECC_384)),
        )),
        Base::Named(n) => panic!("unknown base {n:?}"),
        Base::Text { text } => Work::Bytes(text.as_bytes().to_vec()),
        Base::Repeat { repeat, times } => Work::Bytes(repeat.repeat(*times).into_bytes()),
        Base::Genuine {
            genuine,
            key: k,
            alg,
        } => Work::Tok(w.genuine(genuine, key(w, k), jwa(alg))),
    }
}

/// unverifiedCertificate's value for [`TokOp::SetCert`].
fn cert_value(w: &W, der: Option<&str>, enc: &str) -> String {
    let mut cert = w.cert("auth-p384.cer");
    match der {
        None => {}
        Some("trailing_zero") => cert.push(0),
        Some("plus_ca") => cert.extend(w.cert("esteid2026.cer")),
        Some("truncated") => {
            cert.pop();
        }
        Some("ber_length") => {
            // The outer SEQUENCE length in a non-minimal long form.
            assert_eq!(&cert[..2], &[0x30, 0x82]);
            let mut ber = vec![0x30, 0x83, 0x00];
            ber.extend_from_slice(&cert[2..]);
            cert = ber;
        }
        Some(other) => panic!("unknown certificate change {other:?}"),
    }
    let text = b64(&cert);
    match enc {
        "base64" => text,
        "base64url" => {
            assert!(
                text.contains('+') || text.contains('/'),
                "need + or / in the certificate's base64"
            );
            text.replace('+', "-").replace('/', "_")
        }
        "lines64" => {
            let lines: Vec<&str> = text
                .as_bytes()
                .chunks(64)
                .map(|c| std::str::from_utf8(c).expect("ASCII"))
                .collect();
            lines.join("\n")
        }
        "space100" => format!("{} {}", &text[..100], &text[100..]),
        "pem" => pem("CERTIFICATE", &cert),
        other => panic!("unknown certificate encoding {other:?}"),
    }
}

/// [`TokOp::Raw`]'s value with its placeholders replaced.
fn raw_value(w: &W, value: &str) -> String {
    let mut out = value.replace("{ssa_ecc_384}", SSA_ECC_384);
    while let Some(i) = out.find("{b64:") {
        let end = i + out[i..].find('}').expect("closing brace");
        let file = &out[i + 5..end];
        let v = json_str(&b64(&w.cert(file)));
        out.replace_range(i..=end, &v);
    }
    out
}

/// A member's value as a JSON string.
fn string(t: &Tok, field: &str) -> String {
    serde_json::from_str(&member(t, field)).expect("a JSON string")
}

fn member(t: &Tok, field: &str) -> String {
    t.fields
        .iter()
        .find(|(k, _)| k == field)
        .unwrap_or_else(|| panic!("no member {field}"))
        .1
        .clone()
}

pub fn apply(w: &W, work: Work, op: &TokOp, nonce: &str) -> Work {
    match op {
        TokOp::Str { field, value } => Work::Tok(work.tok().str(field, value)),
        TokOp::Raw { field, value } => Work::Tok(work.tok().raw(field, &raw_value(w, value))),
        TokOp::Remove { field } => Work::Tok(work.tok().remove(field)),
        TokOp::Push { field, value } => Work::Tok(work.tok().push(field, value)),
        TokOp::Dup { field } => {
            let t = work.tok();
            let v = member(&t, field);
            Work::Tok(t.push(field, &v))
        }
        TokOp::Arrays { field, n } => {
            let v = format!("{}{}", "[".repeat(*n), "]".repeat(*n));
            Work::Tok(work.tok().raw(field, &v))
        }
        TokOp::Reverse => {
            let mut t = work.tok();
            t.fields.reverse();
            Work::Tok(t)
        }
        TokOp::SetCert { der, enc } => {
            let v = cert_value(w, der.as_deref(), enc);
            Work::Tok(work.tok().str("unverifiedCertificate", &v))
        }
        TokOp::Unpad { field } => {
            let t = work.tok();
            let v = string(&t, field);
            assert!(v.ends_with('='), "{field}'s base64 has no padding");
            Work::Tok(t.str(field, v.trim_end_matches('=')))
        }
        TokOp::CertFile { file } => {
            Work::Tok(work.tok().str("unverifiedCertificate", &b64(&w.cert(file))))
        }
        TokOp::Sig { change } => {
            let t = work.tok();
            let sig = b64_decode(&string(&t, "signature")).expect("base64 signature");
            Work::Tok(t.str("signature", &b64(&change.apply(&sig))))
        }
        TokOp::SigBase64url => {
            let t = work.tok();
            let v = string(&t, "signature");
            assert!(
                v.contains('+') || v.contains('/'),
                "need + or / in the signature's base64"
            );
            Work::Tok(t.str("signature", &v.replace('+', "-").replace('/', "_")))
        }
        TokOp::SigSpace { at } => {
            let t = work.tok();
            let v = string(&t, "signature");
            Work::Tok(t.str("signature", &format!("{} {}", &v[..*at], &v[*at..])))
        }
        TokOp::Sign {
            key: k,
            alg,
            label,
            salt,
            data,
        } => {
            let alg = jwa(alg);
            let d = data.bytes(alg, nonce);
            let k = key(w, k);
            let sig = match (salt, k) {
                (Some(salt), Key::Rsa(rk)) => sign_pss(
                    rk.as_ref(),
                    alg.hash(),
                    *salt,
                    &format!("webeid/{label}"),
                    &d,
                ),
                (Some(_), _) => panic!("a salt for an EC key"),
                (None, _) => sign_with(k, alg, &d, label),
            };
            Work::Tok(work.tok().str("signature", &b64(&sig)))
        }
        TokOp::Pretty => {
            let body: Vec<String> = work
                .tok()
                .fields
                .iter()
                .map(|(k, v)| format!("  {}: {v}", json_str(k)))
                .collect();
            Work::Bytes(format!("{{\n{}\n}}\n", body.join(",\n")).into_bytes())
        }
        TokOp::Pad { total } => Work::Bytes(pad(&work.bytes(), *total)),
        TokOp::InAppVersion { hex } => {
            let s = work.bytes();
            let marker = b"2.5.0+0";
            let i = s
                .windows(marker.len())
                .position(|w| w == marker)
                .expect("appVersion")
                + marker.len();
            let mut out = s[..i].to_vec();
            out.extend(unhex(hex));
            out.extend_from_slice(&s[i..]);
            Work::Bytes(out)
        }
        TokOp::Append { text, hex, times } => {
            let mut b = work.bytes();
            let more = match (text, hex) {
                (Some(t), None) => t.repeat(times.unwrap_or(1)).into_bytes(),
                (None, Some(h)) => unhex(h),
                _ => panic!("append: text or hex"),
            };
            b.extend(more);
            Work::Bytes(b)
        }
        TokOp::Insert { at, hex } => {
            let mut b = work.bytes();
            let tail = b.split_off(*at);
            b.extend(unhex(hex));
            b.extend(tail);
            Work::Bytes(b)
        }
        TokOp::Half => {
            let b = work.bytes();
            Work::Bytes(b[..b.len() / 2].to_vec())
        }
        TokOp::AfterFirst { text } => {
            let s = work.text();
            Work::Bytes(format!("{}{text}{}", &s[..1], &s[1..]).into_bytes())
        }
        TokOp::BeforeLast { text } => {
            let s = work.text();
            let i = s.len() - 1;
            Work::Bytes(format!("{}{text}{}", &s[..i], &s[i..]).into_bytes())
        }
        TokOp::Replace { from, to } => {
            let s = work.text();
            assert!(s.contains(from.as_str()), "{from:?} not in the token");
            Work::Bytes(s.replace(from.as_str(), to).into_bytes())
        }
        TokOp::Utf16le => Work::Bytes(
            work.text()
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes())
                .collect(),
        ),
        TokOp::Wrap { before, after } => {
            Work::Bytes(format!("{before}{}{after}", work.text()).into_bytes())
        }
        TokOp::JsonString => Work::Bytes(json_str(&work.text()).into_bytes()),
    }
}
