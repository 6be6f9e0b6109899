//! The `webeid` cases that are data: `cases/webeid/<file>.json`, one row per
//! case (the token, what is changed, the expected result and code, the
//! flags, the context a case overrides), grouped as the vector file groups
//! them. Every case is checked against the reference model by the writer.
//!
//! A table: `name`, `what`, `header`, `groups`. A group: `source` (`; <GEN>`
//! is appended), `anchors` (files in `pki/`, default the issuing CA
//! `esteid2026.cer`), `cases`. A row: `comment`, `token`, `expect` (`valid`
//! or an error code), `flags`, optionally `now` (RFC 3339, UTC), `origin`,
//! `nonce`, `ocsp` (`{"response": "ocsp/...", "responder": "pki/..."}`).
//!
//! `token` is one of
//! - `"main"`: the main token (auth-p384.cer, ES384), `tokens/es384.token`;
//! - `"tokens/<name>.token"`: a token an earlier row stored;
//! - `{"genuine": "<pki file>"}`: a genuine ES384 token for that certificate
//!   signed with the main key, stored as `tokens/cert-<file stem>.token`
//!   (the certificates whose key is the main one: every variant of the
//!   authentication certificate);
//! - a new token `{"name", "what", "from", "ops"}`, stored as
//!   `tokens/<name>.token` with the description `what`: `from` is `"main"`,
//!   `"v11"` (the valid web-eid:1.1 token), `{"text": ...}` (literal
//!   bytes), `{"repeat": ..., "times": n}` or
//!   `{"genuine": file, "key": ..., "alg": ...}`, and `ops` the mutations
//!   applied in order ([`TokOp`], the vocabulary).

use serde::Deserialize;

use crate::out::webeid::{Case, FileSpec};
use crate::pki::build::at;

use super::model::{self, Code};
use super::token::{nonce, Jwa};
use super::vocab::{apply, base, Base, TokOp};
use super::work::{group, W};

/// The tables.
pub const STRUCTURE: &str = include_str!("../../cases/webeid/structure.json");
pub const SIGNATURE: &str = include_str!("../../cases/webeid/signature.json");
pub const V11: &str = include_str!("../../cases/webeid/v1_1.json");
pub const OCSP: &str = include_str!("../../cases/webeid/ocsp.json");
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
    origin: Option<String>,
    nonce: Option<String>,
    ocsp: Option<OcspRow>,
}

/// A case's OCSP context: a stored response (`ocsp/...`) and optionally the
/// pinned responder (`pki/...`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OcspRow {
    response: String,
    responder: Option<String>,
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
        Token::Named(n) if n.starts_with("tokens/") => {
            w.store.get(n);
            n.clone()
        }
        Token::Named(n) => panic!("unknown token {n:?}"),
        Token::New {
            name,
            what,
            from,
            ops,
        } => {
            let mut work = base(w, from);
            for op in ops {
                work = apply(w, work, op, &nonce());
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
            if let Some(origin) = &r.origin {
                c = c.origin(origin);
            }
            if let Some(nonce) = &r.nonce {
                c = c.nonce(nonce);
            }
            if let Some(o) = &r.ocsp {
                w.store.get(&o.response);
                c = c.ocsp(&o.response, o.responder.as_deref());
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
