//! The `webeid` cases that are data: `cases/webeid/<file>.json`, one row per
//! case (the token, what is changed, the expected result and code, the
//! flags, the context a case overrides), grouped as the vector file groups
//! them. Every case is checked against the reference model by the writer.
//!
//! A table: `name`, `what`, `header`, `groups`. A group: `source` (`; <GEN>`
//! is appended), `anchors` (files in `pki/`, default the issuing CA
//! `esteid2026.cer`), `cases`. A row: `comment`, `token`, `expect` (`valid`
//! or an error code), `flags`, optionally `now` (RFC 3339, UTC).
//!
//! `token` is one of
//! - `"main"`: the main token (auth-p384.cer, ES384), `tokens/es384.token`;
//! - `{"genuine": "<pki file>"}`: a genuine ES384 token for that certificate
//!   signed with the main key, stored as `tokens/cert-<file stem>.token`
//!   (the certificates whose key is the main one: every variant of the
//!   authentication certificate);
//! - a new token `{"name", "what", "from", "ops"}`, stored as
//!   `tokens/<name>.token` with the description `what`: `from` is `"main"`,
//!   `{"text": ...}` (literal bytes), `{"repeat": ..., "times": n}` or
//!   `{"genuine": file, "key": ..., "alg": ...}`, and `ops` the mutations
//!   applied in order ([`TokOp`], the vocabulary).

use serde::Deserialize;

use crate::bytes::unhex;
use crate::out::webeid::{Case, FileSpec};
use crate::pki::build::{at, Key};
use crate::pki::pem;

use super::model::{self, Code};
use super::token::{b64, json_str, Jwa, Tok};
use super::work::{group, W};

/// The tables.
pub const STRUCTURE: &str = include_str!("../../cases/webeid/structure.json");
pub const CERTIFICATE: &str = include_str!("../../cases/webeid/certificate.json");
pub const CHAIN: &str = include_str!("../../cases/webeid/chain.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    name: String,
    what: String,
    header: Vec<String>,
    groups: Vec<GroupRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupRow {
    source: String,
    #[serde(default = "default_anchors")]
    anchors: Vec<String>,
    cases: Vec<Row>,
}

fn default_anchors() -> Vec<String> {
    vec!["esteid2026.cer".to_string()]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    comment: String,
    token: Token,
    expect: String,
    flags: Vec<String>,
    now: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged, deny_unknown_fields)]
enum Token {
    /// `"main"`.
    Named(String),
    Genuine {
        genuine: String,
    },
    New {
        name: String,
        what: String,
        from: Base,
        #[serde(default)]
        ops: Vec<TokOp>,
    },
}

#[derive(Deserialize)]
#[serde(untagged, deny_unknown_fields)]
enum Base {
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

/// The token mutations. The first group works on the token's members (in
/// order, as the Web eID app writes them); the others on its bytes.
#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
enum TokOp {
    /// Member `field` set to the JSON string `value` (appended if absent).
    Str { field: String, value: String },
    /// Member `field` set to the raw JSON text `value` (appended if absent).
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
    /// unverifiedCertificate with its base64 '=' padding removed.
    UnpadCert,
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
enum Work {
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

    fn bytes(self) -> Vec<u8> {
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
        "leaf_p256" => &w.pki.leaf_p256,
        "leaf_p384" => &w.pki.leaf_p384,
        "leaf_p521" => &w.pki.leaf_p521,
        "leaf_rsa" => &w.pki.leaf_rsa,
        _ => panic!("unknown key {name:?}"),
    }
}

fn base(w: &W, b: &Base) -> Work {
    match b {
        Base::Named(n) if n == "main" => Work::Tok(w.main_tok()),
        Base::Named(n) => panic!("unknown base {n:?}"),
        Base::Text { text } => Work::Bytes(text.as_bytes().to_vec()),
        Base::Repeat { repeat, times } => Work::Bytes(repeat.repeat(*times).into_bytes()),
        Base::Genuine {
            genuine,
            key: k,
            alg,
        } => {
            let alg = Jwa::parse(alg).unwrap_or_else(|| panic!("unknown JWA {alg:?}"));
            Work::Tok(w.genuine(genuine, key(w, k), alg))
        }
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

fn member(t: &Tok, field: &str) -> String {
    t.fields
        .iter()
        .find(|(k, _)| k == field)
        .unwrap_or_else(|| panic!("no member {field}"))
        .1
        .clone()
}

fn apply(w: &W, work: Work, op: &TokOp) -> Work {
    match op {
        TokOp::Str { field, value } => Work::Tok(work.tok().str(field, value)),
        TokOp::Raw { field, value } => Work::Tok(work.tok().raw(field, value)),
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
        TokOp::UnpadCert => {
            let t = work.tok();
            let v: String =
                serde_json::from_str(&member(&t, "unverifiedCertificate")).expect("a JSON string");
            assert!(v.ends_with('='), "the certificate's base64 has no padding");
            Work::Tok(t.str("unverifiedCertificate", v.trim_end_matches('=')))
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

/// Every error code the model can return.
const CODES: [Code; 25] = [
    model::CONFIG,
    model::TOO_LARGE,
    model::ENCODING,
    model::JSON,
    model::MALFORMED,
    model::FORMAT,
    model::ALG,
    model::SIG,
    model::SIGNING,
    model::CERT_MALFORMED,
    model::EXPIRED,
    model::NOT_YET,
    model::UNTRUSTED,
    model::PURPOSE_MISSING,
    model::PURPOSE_WRONG,
    model::POLICY,
    model::OCSP_MALFORMED,
    model::OCSP_STATUS,
    model::OCSP_COUNT,
    model::OCSP_CERT_ID,
    model::OCSP_SIG,
    model::OCSP_RESPONDER,
    model::OCSP_TIME,
    model::OCSP_REVOKED,
    model::OCSP_UNKNOWN,
];

fn code(s: &str) -> Code {
    CODES
        .into_iter()
        .find(|c| *c == s)
        .unwrap_or_else(|| panic!("unknown error code {s:?}"))
}

/// `YYYY-MM-DDTHH:MM:SSZ` as Unix seconds.
pub fn time(s: &str) -> i64 {
    let n = |a: usize, b: usize| -> u16 {
        s.get(a..b)
            .and_then(|x| x.parse().ok())
            .unwrap_or_else(|| panic!("not an RFC 3339 UTC time: {s:?}"))
    };
    assert!(s.len() == 20 && s.ends_with('Z'), "not RFC 3339 UTC: {s:?}");
    at(
        n(0, 4),
        n(5, 7) as u8,
        n(8, 10) as u8,
        n(11, 13) as u8,
        n(14, 16) as u8,
        n(17, 19) as u8,
    )
}

fn token(w: &mut W, t: &Token) -> String {
    match t {
        Token::Named(n) if n == "main" => w.main_path(),
        Token::Named(n) => panic!("unknown token {n:?}"),
        Token::New {
            name,
            what,
            from,
            ops,
        } => {
            let mut work = base(w, from);
            for op in ops {
                work = apply(w, work, op);
            }
            w.tok(name, work.bytes(), what)
        }
        Token::Genuine { genuine: file } => {
            let key = w.pki.leaf_p384.clone();
            let t = w.genuine(file, &key, Jwa::Es384).bytes();
            let name = format!("cert-{}", file.trim_end_matches(".cer"));
            w.tok(&name, t, &format!("a genuine ES384 token for pki/{file}"))
        }
    }
}

/// Build the file of `text` (one of the tables above), storing its tokens.
pub fn file(w: &mut W, text: &str) -> FileSpec {
    let table: Table = serde_json::from_str(text).unwrap_or_else(|e| panic!("webeid table: {e}"));
    // The main token is always the first this file stores.
    w.main_path();
    let mut groups = Vec::new();
    for g in &table.groups {
        let mut cases = Vec::new();
        for r in &g.cases {
            let input = token(w, &r.token);
            let flags: Vec<&str> = r.flags.iter().map(String::as_str).collect();
            let mut c = if r.expect == "valid" {
                Case::ok(r.comment.clone(), &input, &flags)
            } else {
                Case::bad(r.comment.clone(), &input, code(&r.expect), &flags)
            };
            if let Some(now) = &r.now {
                c = c.now(time(now));
            }
            cases.push(c);
        }
        let anchors: Vec<&str> = g.anchors.iter().map(String::as_str).collect();
        groups.push(group(&g.source, &anchors, cases));
    }
    FileSpec {
        name: table.name,
        what: table.what,
        header: table.header,
        groups,
    }
}
