//! The layer check (issue 14): the library's modules form three layers,
//! each referring only downward, and no scheme refers to another scheme.
//!
//! The test reads every `.rs` file under `src/`, works out each file's
//! module path, and collects every crate-internal module the file refers to:
//! `use crate::x::…`, `crate::x::` anywhere in a path (`$crate::` in macros
//! too), grouped `use crate::{a, b::c}`, `pub use`, and `super::` chains
//! that climb to the crate root and then go down. An item that `lib.rs`
//! re-exports (`crate::Trust`) counts as a reference to the module it comes
//! from. Comments and string literals are skipped; `pub(in crate::x)` is a
//! visibility, not a reference.
//!
//! The layers are the `LAYERS` table below: a new top-level module must be
//! added to it, or the test fails with "unassigned module".
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// A layer; the order is the import order: a module may refer to its own
/// layer or a lower one (declared earlier), never a higher one.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Layer {
    Foundation,
    Formats,
    Schemes,
    Top,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Layer::Foundation => "foundation",
            Layer::Formats => "formats",
            Layer::Schemes => "schemes",
            Layer::Top => "top",
        })
    }
}

/// The crate's top-level modules by layer (ARCHITECTURE.md, DESIGN.md's
/// Layout). `lib.rs` itself (the crate root) is top.
const LAYERS: &[(Layer, &[&str])] = &[
    (
        Layer::Foundation,
        &["error", "time", "limits", "identity", "crypto"],
    ),
    (
        Layer::Formats,
        &["xml", "json", "x509", "jose", "cbor", "cose", "cms"],
    ),
    (
        Layer::Schemes,
        &[
            "saml", "webeid", "oidc", "sdjwt", "mdoc", "smartid", "mobileid", "icao",
        ],
    ),
    (Layer::Top, &["trust", "anchors"]),
];

/// The name the crate root goes by in the messages.
const ROOT: &str = "lib.rs";

fn layer_of(module: &str) -> Option<Layer> {
    if module == ROOT {
        return Some(Layer::Top);
    }
    LAYERS
        .iter()
        .find(|(_, modules)| modules.contains(&module))
        .map(|(layer, _)| *layer)
}

// ------------------------------------------------------------------ lexer

#[derive(Clone, PartialEq, Eq, Debug)]
enum Kind {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

#[derive(Clone, Debug)]
struct Tok {
    kind: Kind,
    line: usize,
}

impl Tok {
    fn is_ident(&self, name: &str) -> bool {
        matches!(&self.kind, Kind::Ident(n) if n == name)
    }
    fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct(c)
    }
    fn is_path_sep(&self) -> bool {
        self.kind == Kind::PathSep
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Rust source to identifiers, `::` and punctuation, with their lines;
/// comments (nested block comments too), string, byte-string, raw-string
/// and character literals, lifetimes and numbers are dropped.
fn lex(src: &str) -> Vec<Tok> {
    let s: Vec<char> = src.chars().collect();
    let at = |i: usize| s.get(i).copied().unwrap_or('\0');
    let mut toks = Vec::new();
    let mut line = 1;
    let mut i = 0;
    // Skips a quoted literal whose opening quote is at `i`; returns the
    // index after the closing quote.
    let skip_quoted = |mut i: usize, quote: char, line: &mut usize| -> usize {
        i += 1;
        while i < s.len() {
            match s[i] {
                '\\' => {
                    if at(i + 1) == '\n' {
                        *line += 1;
                    }
                    i += 2;
                }
                '\n' => {
                    *line += 1;
                    i += 1;
                }
                c if c == quote => return i + 1,
                _ => i += 1,
            }
        }
        i
    };
    // A raw string: `i` at the first `#` or the quote after the prefix.
    let skip_raw = |mut i: usize, line: &mut usize| -> usize {
        let mut hashes = 0;
        while at(i) == '#' {
            hashes += 1;
            i += 1;
        }
        i += 1; // the opening quote
        while i < s.len() {
            if s[i] == '\n' {
                *line += 1;
            }
            if s[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                return i + 1 + hashes;
            }
            i += 1;
        }
        i
    };
    // A character literal or a lifetime/label at the quote `i`.
    let skip_tick = |i: usize, line: &mut usize| -> usize {
        if at(i + 1) == '\\' {
            skip_quoted(i, '\'', line)
        } else if at(i + 2) == '\'' {
            i + 3
        } else {
            let mut j = i + 1;
            while is_ident_char(at(j)) {
                j += 1;
            }
            j
        }
    };
    while i < s.len() {
        let c = s[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '/' if at(i + 1) == '/' => {
                while i < s.len() && s[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                while i < s.len() {
                    if s[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if s[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if s[i] == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            }
            '"' => i = skip_quoted(i, '"', &mut line),
            '\'' => i = skip_tick(i, &mut line),
            c if c.is_ascii_digit() => {
                while is_ident_char(at(i)) {
                    i += 1;
                }
            }
            c if is_ident_start(c) => {
                let start = i;
                while is_ident_char(at(i)) {
                    i += 1;
                }
                let word: String = s[start..i].iter().collect();
                let raw_prefix = matches!(word.as_str(), "r" | "br" | "cr");
                let str_prefix = matches!(word.as_str(), "b" | "c");
                if (raw_prefix || str_prefix) && at(i) == '"' {
                    i = if raw_prefix {
                        skip_raw(i, &mut line)
                    } else {
                        skip_quoted(i, '"', &mut line)
                    };
                } else if raw_prefix && at(i) == '#' {
                    let mut j = i;
                    while at(j) == '#' {
                        j += 1;
                    }
                    if at(j) == '"' {
                        i = skip_raw(i, &mut line);
                    } else if word == "r" && j == i + 1 && is_ident_start(at(j)) {
                        // A raw identifier: r#name.
                        let start = j;
                        while is_ident_char(at(j)) {
                            j += 1;
                        }
                        toks.push(Tok {
                            kind: Kind::Ident(s[start..j].iter().collect()),
                            line,
                        });
                        i = j;
                    } else {
                        toks.push(Tok {
                            kind: Kind::Ident(word),
                            line,
                        });
                    }
                } else if word == "b" && at(i) == '\'' {
                    i = skip_quoted(i, '\'', &mut line);
                } else {
                    toks.push(Tok {
                        kind: Kind::Ident(word),
                        line,
                    });
                }
            }
            ':' if at(i + 1) == ':' => {
                toks.push(Tok {
                    kind: Kind::PathSep,
                    line,
                });
                i += 2;
            }
            c => {
                toks.push(Tok {
                    kind: Kind::Punct(c),
                    line,
                });
                i += 1;
            }
        }
    }
    toks
}

// ---------------------------------------------------------- the use graph

/// One source file: its path (for messages) and its module path
/// (`src/saml/response.rs` → `["saml", "response"]`; `src/lib.rs` → `[]`).
struct File {
    path: String,
    module: Vec<String>,
    src: String,
}

fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.last_mut() {
        if let Some(stem) = last.strip_suffix(".rs") {
            *last = stem.to_owned();
        }
    }
    if parts.last().is_some_and(|p| p == "mod") || parts == ["lib"] {
        parts.pop();
    }
    parts
}

/// What the crate root offers: its top-level modules, and which module each
/// name that `lib.rs` re-exports comes from.
struct Root {
    modules: BTreeSet<String>,
    reexports: BTreeMap<String, String>,
}

impl Root {
    /// The top-level module (or the root) that `crate::name` names.
    fn resolve(&self, name: &str) -> String {
        if self.modules.contains(name) {
            name.to_owned()
        } else if let Some(module) = self.reexports.get(name) {
            module.clone()
        } else {
            ROOT.to_owned()
        }
    }
}

/// The index after the bracket matching the one at `i`.
fn skip_group(toks: &[Tok], mut i: usize, open: char, close: char) -> usize {
    let mut depth = 0usize;
    while i < toks.len() {
        if toks[i].is_punct(open) {
            depth += 1;
        } else if toks[i].is_punct(close) {
            depth -= 1;
            if depth == 0 {
                return i + 1;
            }
        }
        i += 1;
    }
    i
}

/// The names a path names at the crate root when it goes on at `i`: a
/// segment (`x`), a group (`{a, b::c, self}`: `a`, `b` and the root), or a
/// glob (the root). `self` and `*` name the root itself.
fn root_names(toks: &[Tok], i: usize) -> Vec<(String, usize)> {
    let Some(tok) = toks.get(i) else {
        return vec![];
    };
    match &tok.kind {
        Kind::Ident(name) if name == "self" => vec![(ROOT.to_owned(), tok.line)],
        Kind::Ident(name) => vec![(name.clone(), tok.line)],
        Kind::Punct('*') => vec![(ROOT.to_owned(), tok.line)],
        Kind::Punct('{') => {
            let end = skip_group(toks, i, '{', '}');
            let mut names = Vec::new();
            let mut j = i + 1;
            let mut item_start = true;
            while j + 1 < end {
                let t = &toks[j];
                if item_start {
                    names.extend(root_names(toks, j));
                    item_start = false;
                }
                if t.is_punct('{') {
                    j = skip_group(toks, j, '{', '}');
                    continue;
                }
                if t.is_punct(',') {
                    item_start = true;
                }
                j += 1;
            }
            names
        }
        _ => vec![],
    }
}

/// Every reference of one file to the crate root's modules, as raw names at
/// the root (resolve them with [`Root::resolve`]).
fn root_references(file_module: &[String], toks: &[Tok]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    // Inline modules (`mod tests { … }`) open at a brace depth.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let prev_is_sep = i > 0 && toks[i - 1].is_path_sep();
        if t.is_punct('{') {
            depth += 1;
            if i >= 2 && toks[i - 2].is_ident("mod") {
                if let Kind::Ident(name) = &toks[i - 1].kind {
                    inline.push((name.clone(), depth));
                }
            }
        } else if t.is_punct('}') {
            if inline.last().is_some_and(|(_, d)| *d == depth) {
                inline.pop();
            }
            depth = depth.saturating_sub(1);
        } else if t.is_ident("pub")
            && toks.get(i + 1).is_some_and(|t| t.is_punct('('))
            && toks.get(i + 2).is_some_and(|t| t.is_ident("in"))
        {
            // `pub(in crate::x)`: a visibility, not a reference.
            i = skip_group(toks, i + 1, '(', ')');
            continue;
        } else if t.is_ident("crate")
            && !prev_is_sep
            && toks.get(i + 1).is_some_and(Tok::is_path_sep)
        {
            out.extend(root_names(toks, i + 2));
        } else if t.is_ident("super") && !prev_is_sep {
            // Climb: the module this chain ends in.
            let mut here: Vec<String> = file_module.to_vec();
            here.extend(inline.iter().map(|(name, _)| name.clone()));
            let mut j = i;
            let mut climbed_past_root = false;
            while toks.get(j).is_some_and(|t| t.is_ident("super"))
                && toks.get(j + 1).is_some_and(Tok::is_path_sep)
            {
                climbed_past_root |= here.pop().is_none();
                j += 2;
            }
            if j > i && here.is_empty() && !climbed_past_root {
                out.extend(root_names(toks, j));
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

/// The leaves a `use` tree at `i` brings in, each with the first segment of
/// its path: `use error::{Error, Result as R};` → (error, Error), (error, R).
fn use_leaves(toks: &[Tok], i: usize, first: Option<&str>, out: &mut Vec<(String, String)>) {
    let mut j = i;
    let mut first = first.map(str::to_owned);
    let mut last: Option<String> = None;
    // `crate::` and `self::` at the root of lib.rs name nothing themselves.
    while let Some(t) = toks.get(j) {
        match &t.kind {
            Kind::Ident(name) if name == "as" => {
                if let Some(Kind::Ident(alias)) = toks.get(j + 1).map(|t| &t.kind) {
                    last = Some(alias.clone());
                }
                j += 2;
            }
            Kind::Ident(name) => {
                if first.is_none() && name != "crate" && name != "self" {
                    first = Some(name.clone());
                }
                last = Some(if name == "self" {
                    first.clone().unwrap_or_default()
                } else {
                    name.clone()
                });
                j += 1;
            }
            Kind::PathSep => j += 1,
            Kind::Punct('{') => {
                let end = skip_group(toks, j, '{', '}');
                let mut k = j + 1;
                let mut item_start = true;
                while k + 1 < end {
                    if item_start {
                        use_leaves(toks, k, first.as_deref(), out);
                        item_start = false;
                    }
                    if toks[k].is_punct('{') {
                        k = skip_group(toks, k, '{', '}');
                        continue;
                    }
                    if toks[k].is_punct(',') {
                        item_start = true;
                    }
                    k += 1;
                }
                return;
            }
            _ => break,
        }
    }
    if let (Some(first), Some(last)) = (first, last) {
        out.push((first, last));
    }
}

/// The crate root from `lib.rs` and the file list.
fn root_of(files: &[File]) -> Root {
    let mut modules: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.module.first().cloned())
        .collect();
    let mut reexports = BTreeMap::new();
    if let Some(lib) = files.iter().find(|f| f.module.is_empty()) {
        let toks = lex(&lib.src);
        let mut depth = 0usize;
        for (i, t) in toks.iter().enumerate() {
            if t.is_punct('{') {
                depth += 1;
            } else if t.is_punct('}') {
                depth = depth.saturating_sub(1);
            } else if depth == 0 && t.is_ident("mod") {
                if let Some(Kind::Ident(name)) = toks.get(i + 1).map(|t| &t.kind) {
                    modules.insert(name.clone());
                }
            } else if depth == 0 && t.is_ident("use") {
                let mut leaves = Vec::new();
                use_leaves(&toks, i + 1, None, &mut leaves);
                for (first, leaf) in leaves {
                    if first != leaf {
                        reexports.insert(leaf, first);
                    }
                }
            }
        }
    }
    Root { modules, reexports }
}

/// One broken rule, with where it is.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Violation {
    path: String,
    line: usize,
    message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.line, self.message)
    }
}

/// Every violation in a set of files (paths relative to `src/`).
fn check(files: &[File]) -> Vec<Violation> {
    let root = root_of(files);
    let mut out = Vec::new();
    let mut unassigned = BTreeSet::new();
    for file in files {
        let from = file.module.first().cloned().unwrap_or_else(|| ROOT.into());
        let from_path = if file.module.is_empty() {
            ROOT.to_owned()
        } else {
            file.module.join("::")
        };
        let Some(from_layer) = layer_of(&from) else {
            // Reported once, at the module's own file (`x.rs`, `x/mod.rs`).
            if file.module.len() == 1 && unassigned.insert(from.clone()) {
                out.push(Violation {
                    path: file.path.clone(),
                    line: 1,
                    message: format!("unassigned module {from}: add it to the layer table"),
                });
            }
            continue;
        };
        let toks = lex(&file.src);
        let mut seen = BTreeSet::new();
        for (name, line) in root_references(&file.module, &toks) {
            let to = root.resolve(&name);
            if to == from || !seen.insert((line, to.clone())) {
                continue;
            }
            let shown = if to == name || to == ROOT {
                to.clone()
            } else {
                format!("{to} (crate::{name})")
            };
            let why = match layer_of(&to) {
                // Reported once, with the module's own file.
                None => continue,
                Some(to_layer) if to_layer > from_layer => format!(
                    "{from_layer} must not refer to {to_layer} (a lower layer refers to a higher one)"
                ),
                Some(Layer::Schemes) if from_layer == Layer::Schemes => {
                    "a scheme must not refer to another scheme".to_owned()
                }
                Some(_) => continue,
            };
            out.push(Violation {
                path: file.path.clone(),
                line,
                message: format!("{from_path} → {shown}: {why}"),
            });
        }
    }
    out.sort();
    out
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rs_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_layer_refers_upward_and_no_scheme_to_another() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    rs_files(&src, &mut paths);
    let files: Vec<File> = paths
        .iter()
        .map(|path| {
            let rel = path.strip_prefix(&src).unwrap();
            File {
                path: format!("src/{}", rel.display()),
                module: module_path(rel),
                src: std::fs::read_to_string(path).unwrap(),
            }
        })
        .collect();
    assert!(files.iter().any(|f| f.module.is_empty()), "no src/lib.rs");
    let violations = check(&files);
    assert!(
        violations.is_empty(),
        "{} layer violation(s) (the layers: tests/layers.rs's LAYERS):\n{}",
        violations.len(),
        violations
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

// ------------------------------------------------- the checker's own tests

fn synthetic(files: &[(&str, &str)]) -> Vec<File> {
    files
        .iter()
        .map(|(path, src)| File {
            path: format!("src/{path}"),
            module: module_path(Path::new(path)),
            src: (*src).to_owned(),
        })
        .collect()
}

const LIB: &str = "mod error; mod xml; mod json; mod saml; mod webeid; mod trust;\n\
                   pub use error::{Error, Result as R};\npub use trust::Trust;\n";

fn messages(files: &[(&str, &str)]) -> Vec<String> {
    check(&synthetic(files))
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn checker_catches_an_upward_reference() {
    let found = messages(&[
        ("lib.rs", LIB),
        ("error.rs", "pub struct Error;\n"),
        (
            "xml/mod.rs",
            "use crate::error::Error;\n\nuse crate::saml::Idp;\n",
        ),
        (
            "saml/mod.rs",
            "use crate::xml::parse;\nfn f(t: &crate::Trust) {}\n",
        ),
        ("trust.rs", "use crate::saml::Idp;\n"),
    ]);
    assert_eq!(
        found,
        [
            "src/saml/mod.rs:2: saml → trust (crate::Trust): schemes must not refer to top (a lower layer refers to a higher one)",
            "src/xml/mod.rs:3: xml → saml: formats must not refer to schemes (a lower layer refers to a higher one)",
        ]
    );
}

#[test]
fn checker_catches_a_scheme_referring_to_another_and_allows_formats_to_mix() {
    let found = messages(&[
        ("lib.rs", LIB),
        ("xml/dsig.rs", "use crate::json::Value;\n"),
        ("json.rs", "use crate::xml::X;\n"),
        (
            "webeid/verify.rs",
            "pub(crate) fn f() { crate::saml::x(); }\n",
        ),
    ]);
    assert_eq!(
        found,
        ["src/webeid/verify.rs:1: webeid::verify → saml: a scheme must not refer to another scheme"]
    );
}

#[test]
fn checker_ignores_comments_strings_and_visibilities() {
    let src = r##"
// use crate::trust::Trust;
/// [`crate::trust`]
/* use crate::trust; /* nested: crate::trust */ still a comment: crate::trust */
const A: &str = "use crate::trust::Trust; \" crate::trust";
const B: &str = r#"crate::trust "quoted" crate::trust"#;
const C: &[u8] = b"crate::trust";
const D: char = '"';
const E: u8 = b'"';
fn f<'a>(x: &'a str) -> &'a str { x }
pub(in crate::trust) fn g() {}
use crate::error::Error;
"##;
    let found = messages(&[("lib.rs", LIB), ("xml/mod.rs", src)]);
    assert!(found.is_empty(), "{found:?}");
    // The same file with one real reference after all of that: found, on
    // its line (the literals above did not swallow it).
    let found = messages(&[
        ("lib.rs", LIB),
        ("xml/mod.rs", &format!("{src}use crate::trust::Trust;\n")),
    ]);
    assert_eq!(
        found,
        ["src/xml/mod.rs:13: xml → trust: formats must not refer to top (a lower layer refers to a higher one)"]
    );
}

#[test]
fn checker_parses_grouped_uses() {
    let found = messages(&[
        ("lib.rs", LIB),
        (
            "json.rs",
            "use crate::{\n    error::Error,\n    xml::{parse, c14n},\n    saml::{self, Idp},\n};\n",
        ),
        ("error.rs", "use crate::{R, Trust};\n"),
    ]);
    assert_eq!(
        found,
        [
            "src/error.rs:1: error → trust (crate::Trust): foundation must not refer to top (a lower layer refers to a higher one)",
            "src/json.rs:4: json → saml: formats must not refer to schemes (a lower layer refers to a higher one)",
        ]
    );
}

#[test]
fn checker_follows_super_chains_to_the_root() {
    let found = messages(&[
        ("lib.rs", LIB),
        // super:: inside a module stays inside it.
        ("xml/c14n.rs", "use super::parse;\nuse super::super::saml::Idp;\n"),
        // An inline module adds a level.
        (
            "xml/mod.rs",
            "mod tests {\n    use super::*;\n    use super::super::{webeid, error};\n}\nuse super::json;\n",
        ),
    ]);
    assert_eq!(
        found,
        [
            "src/xml/c14n.rs:2: xml::c14n → saml: formats must not refer to schemes (a lower layer refers to a higher one)",
            "src/xml/mod.rs:3: xml → webeid: formats must not refer to schemes (a lower layer refers to a higher one)",
        ]
    );
}

#[test]
fn checker_fails_on_an_unassigned_module() {
    let found = messages(&[
        ("lib.rs", "mod vectors; mod saml;"),
        ("vectors/mod.rs", "use crate::saml;\n"),
        ("vectors/kinds.rs", ""),
        ("saml/mod.rs", "use crate::vectors;\n"),
    ]);
    assert_eq!(
        found,
        ["src/vectors/mod.rs:1: unassigned module vectors: add it to the layer table"]
    );
}

#[test]
fn checker_counts_macro_paths_and_allows_the_root_anything() {
    let found = messages(&[
        (
            "lib.rs",
            &format!("{LIB}use crate::saml::x;\nmod inline {{ use super::webeid; }}\n"),
        ),
        (
            "error.rs",
            "macro_rules! m { () => { $crate::xml::f() }; }\n",
        ),
    ]);
    assert_eq!(
        found,
        ["src/error.rs:1: error → xml: foundation must not refer to formats (a lower layer refers to a higher one)"]
    );
}
