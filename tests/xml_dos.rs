//! Issue 20, item 1: canonicalization and namespace resolution are linear in
//! the input. The adversarial shapes of the issue are built here at the
//! input limit (`Limits::default()`: 5 MiB, 100,000 nodes, 64 deep, 64
//! attributes and 32 namespace declarations on one element), each inside a
//! SAML Response that names the test IdP as Issuer and carries a bogus
//! Response signature: everything before the digest check runs, as for an
//! attacker who holds no key.
//!
//! Nothing is timed in the assertions: the canonicalizer counts its work
//! (one unit per node, attribute, namespace operation and byte scanned or
//! written), and each shape must cost at most 4 × a flat document of the
//! same byte size. `cargo test --release --test xml_dos -- --ignored
//! --nocapture` prints the CPU times (parse + canonicalize, and the whole
//! SPID verification) for the report.
//!
//! The `xml` module is crate-private: as `benches/c14n.rs` does, this test
//! compiles the library's own source files against the public types.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(dead_code)]
#[path = "../src/xml/c14n.rs"]
mod c14n_source;
#[allow(dead_code)]
#[path = "../src/xml/parse.rs"]
mod parse_source;
/// Where the sources find each other (`crate::xml::parse`), as in the library.
mod xml {
    pub(crate) use super::c14n_source as c14n;
    pub(crate) use super::parse_source as parse;
}

// The crate-root names the sources use (`crate::Error`...).
use idbridge::{spid, Trust, UnixTime};
#[allow(unused_imports)]
use idbridge::{Error, ErrorCode, Limits, Result};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const SPID_REQUEST: &str = "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4";
const LIMIT: usize = 5 * 1024 * 1024;

/// A SAML Response signed by nobody: `decls` go on the Response element,
/// `extensions` inside `samlp:Extensions`.
fn response(decls: &str, extensions: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <samlp:Response xmlns:samlp=\"{SAMLP}\" xmlns:saml=\"{SAML}\"{decls} ID=\"_dos\" \
         Version=\"2.0\" IssueInstant=\"2026-03-01T10:00:10Z\" \
         Destination=\"https://sp.idbridge.test/acs\" InResponseTo=\"{SPID_REQUEST}\">\
         <saml:Issuer Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:entity\">https://idp.idbridge.test/spid</saml:Issuer>\
         <ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>\
         <ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>\
         <ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>\
         <ds:Reference URI=\"#_dos\"><ds:Transforms>\
         <ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>\
         <ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>\
         <ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\
         <ds:DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</ds:DigestValue>\
         </ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>\
         <samlp:Extensions>{extensions}</samlp:Extensions>\
         <samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>\
         </samlp:Response>"
    )
}

/// Nodes of `response("", "")`, generously.
const FRAME_NODES: usize = 40;

/// `count` namespace declarations `xmlns:{prefix}{i}="…"` whose URIs have a
/// scheme of about `scheme_len` characters.
fn declarations(prefix: &str, count: usize, scheme_len: usize) -> String {
    let mut s = String::new();
    for i in 0..count {
        let _ = write!(
            s,
            " xmlns:{prefix}{i}=\"s{i:02}{}:x\"",
            "a".repeat(scheme_len)
        );
    }
    s
}

/// Shape (a): `levels` nested elements each declaring `per` namespaces
/// with URIs as long as fit, then as many empty elements as the node limit
/// leaves, the whole at most 5 MiB. The shape is 60 × 32.
fn nested_namespaces(levels: usize, per: usize) -> String {
    let empties = Limits::default().max_xml_nodes() - FRAME_NODES - levels;
    let frame = response("", "").len() + levels * "<n></n>".len() + empties * "<e/>".len();
    // Each declaration: ` xmlns:pLL_DD="sDD` + scheme + `:x"`.
    let overhead = " xmlns:p00_00=\"s00:x\"".len();
    let scheme_len = (LIMIT - frame) / (levels * per) - overhead;
    let mut ext = String::new();
    for level in 0..levels {
        let _ = write!(
            ext,
            "<n{}>",
            declarations(&format!("p{level:02}_"), per, scheme_len)
        );
    }
    ext.push_str(&"<e/>".repeat(empties));
    ext.push_str(&"</n>".repeat(levels));
    response("", &ext)
}

/// 64 attributes `p:aNN=""` on one element, `p` declared on the Response.
fn prefixed_element() -> String {
    let mut s = String::from("<e");
    for i in 0..Limits::default().max_xml_attributes() {
        let _ = write!(s, " p:a{i:02}=\"\"");
    }
    s.push_str("/>");
    s
}

/// Shape (b): elements with 64 prefixed attributes each, as many as fit in
/// 5 MiB, the prefix `p` declared on the Response, the last of its 32
/// declarations (the other 29 with long URIs); they sit under `levels`
/// nested elements that each declare 32 more namespaces, so that `p` is
/// the last of 32 × (1 + `levels`) namespaces in scope. The shape
/// has `levels` = 0; 60 makes roxmltree's own prefix lookups long.
fn prefixed_attributes(levels: usize) -> String {
    let per = Limits::default().max_xml_namespaces();
    let decls = format!(
        "{} xmlns:p=\"urn:p\"",
        declarations("q", per - 3, 1000) // samlp, saml and p are the other three
    );
    let mut open = String::new();
    for level in 0..levels {
        let _ = write!(
            open,
            "<n{}>",
            declarations(&format!("p{level:02}_"), per, 8)
        );
    }
    let close = "</n>".repeat(levels);
    let element = prefixed_element();
    let room = LIMIT - response(&decls, "").len() - open.len() - close.len();
    response(
        &decls,
        &format!("{open}{}{close}", element.repeat(room / element.len())),
    )
}

/// A flat document of exactly `len` bytes: as many elements as a third of
/// the node limit, each with one unprefixed attribute and a short text, the
/// attribute values as long as it takes.
fn flat(len: usize) -> String {
    let count = Limits::default().max_xml_nodes() / 3;
    let frame = response("", "").len();
    let overhead = "<e a=\"\">some text</e>".len();
    let value = "v".repeat((len - frame) / count - overhead);
    let mut ext = format!("<e a=\"{value}\">some text</e>").repeat(count);
    ext.push_str(&"x".repeat(len - frame - ext.len()));
    let doc = response("", &ext);
    assert_eq!(doc.len(), len);
    doc
}

/// `shape` without its namespaces: the same elements and attributes,
/// unprefixed (`p:a00` becomes `xa00`), the declarations' bytes moved into
/// a text. What the shape costs beyond this twin is the namespaces' cost.
fn flat_twin(shape: &str) -> String {
    let doc = parse_unbounded(shape);
    let frame = response("", "").len();
    let mut ext = String::new();
    let extensions = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name((SAMLP, "Extensions")))
        .unwrap();
    for node in extensions.descendants().skip(1) {
        if node.has_tag_name("e") {
            ext.push_str("<e");
            for a in node.attributes() {
                let _ = write!(ext, " x{}=\"{}\"", a.name(), a.value());
            }
            ext.push_str("/>");
        }
    }
    let doc = response("", &format!("<n>{ext}</n>"));
    let pad = shape.len().saturating_sub(doc.len());
    let twin = response("", &format!("<n>{ext}{}</n>", "x".repeat(pad)));
    assert!(twin.len() >= shape.len() && frame < twin.len());
    twin
}

/// Shape (b) cut to what `max_xml_attributes_total` lets through (the
/// Response and its signature hold fewer than 200 attributes), the rest of
/// the 5 MiB a text: the most attribute work an accepted document carries.
fn prefixed_attributes_at_total() -> String {
    let per = Limits::default().max_xml_namespaces();
    let decls = format!("{} xmlns:p=\"urn:p\"", declarations("q", per - 3, 1000));
    let element = prefixed_element();
    let count = (Limits::default().max_xml_attributes_total() - 200)
        / Limits::default().max_xml_attributes();
    let elements = element.repeat(count);
    let room = LIMIT - response(&decls, "").len() - elements.len() - "<n></n>".len();
    response(&decls, &format!("{elements}<n>{}</n>", "x".repeat(room)))
}

/// The shapes, and the same at our limits (64 namespaces in scope
/// of an element: the Response's two and 62 more), with why our parser
/// refuses them (`None`: it accepts them). The attribute-heavy shapes carry
/// 518,000 attributes, more than `max_xml_attributes_total` (50,000).
fn shapes() -> Vec<(&'static str, String, Option<&'static str>)> {
    vec![
        (
            "(a) 60 x 32 namespaces, then empty elements",
            nested_namespaces(60, 32),
            Some("in scope"),
        ),
        (
            "(a') 2 x 31 namespaces, then empty elements",
            nested_namespaces(2, 31),
            None,
        ),
        (
            "(b) 64 prefixed attributes per element",
            prefixed_attributes(0),
            Some("attributes in the document"),
        ),
        (
            "(b-) as (b), up to the attributes a document may hold, then text",
            prefixed_attributes_at_total(),
            None,
        ),
        (
            "(b') as (b) under 60 x 32 namespaces",
            prefixed_attributes(60),
            Some("in scope"),
        ),
        (
            "(b'') as (b) under 1 x 32 namespaces",
            prefixed_attributes(1),
            Some("attributes in the document"),
        ),
    ]
}

/// roxmltree alone, without our limits: the canonicalizer must be linear
/// on any tree, not only on the ones our parser lets through.
fn parse_unbounded(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            nodes_limit: u32::MAX,
            ..roxmltree::ParsingOptions::default()
        },
    )
    .unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn spid_code(input: &[u8]) -> (&'static str, f64) {
    let trust = Trust::builder()
        .pin_saml_idp_metadata(
            &std::fs::read(root().join("test-vectors/spid/metadata/idp.xml")).unwrap(),
        )
        .unwrap()
        .build()
        .unwrap();
    let mut exp = spid::Expectations::new(
        "https://sp.idbridge.test",
        "https://sp.idbridge.test/acs",
        SPID_REQUEST,
    );
    exp.input = spid::InputEncoding::Xml;
    let now = UnixTime::parse_rfc3339("2026-03-01T10:00:30Z").unwrap();
    let start = cpu_seconds();
    let code = match spid::verify_response(&trust, input, &exp, now) {
        Ok(_) => "valid",
        Err(e) => e.code(),
    };
    (code, cpu_seconds() - start)
}

#[test]
fn the_shapes_are_at_the_limits() {
    let limits = Limits::default();
    for (name, text, refused) in shapes() {
        assert!(text.len() <= LIMIT, "{name}: {} bytes", text.len());
        assert!(text.len() > LIMIT - 8192, "{name}: {} bytes", text.len());
        let ours = xml::parse::parse(&text, &limits).map(|_| ());
        match refused {
            None => assert!(ours.is_ok(), "{name}: {ours:?}"),
            Some(why) => {
                // Within every per-element limit; refused by the pre-scan,
                // before roxmltree's own work runs.
                let e = ours.unwrap_err();
                assert_eq!(e.code(), "xml.limits.exceeded", "{name}");
                assert!(e.to_string().contains(why), "{name}: {e}");
            }
        }
    }
}

/// The canonicalizer's work on each shape, with and without an
/// InclusiveNamespaces PrefixList naming every prefix (and 100,000 more),
/// is at most 4 × its work on a flat document of the same size.
#[test]
fn canonicalization_work_is_linear_in_the_input() {
    let junk: Vec<String> = (0..100_000).map(|i| format!("j{i}")).collect();
    for (name, text, _) in shapes() {
        let flat = flat(text.len());
        let doc = parse_unbounded(&text);
        let flat_doc = parse_unbounded(&flat);
        // The declaring elements: the Response and the nested `n`s.
        let mut prefixes: Vec<&str> = doc
            .root_element()
            .descendants()
            .filter(|n| n.has_tag_name("Response") || n.has_tag_name("n"))
            .flat_map(|n| n.namespaces().filter_map(|ns| ns.name()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        prefixes.push("#default");
        prefixes.extend(junk.iter().map(String::as_str));
        for options in [
            xml::c14n::Options::default(),
            xml::c14n::Options {
                inclusive_prefixes: &prefixes,
                ..xml::c14n::Options::default()
            },
        ] {
            let work = xml::c14n::work(doc.root_element(), &options).unwrap();
            let baseline = xml::c14n::work(flat_doc.root_element(), &options).unwrap();
            eprintln!(
                "{name}, {} listed prefixes: work {work}, flat {baseline} ({:.2} x)",
                options.inclusive_prefixes.len(),
                work as f64 / baseline as f64
            );
            assert!(work <= 4 * baseline, "{name}: {work} > 4 x {baseline}");
            assert!(baseline < 4 * text.len() as u64, "the flat document itself");
        }
    }
}

/// This thread's CPU time in seconds (Linux: `/proc/thread-self/schedstat`,
/// nanoseconds on CPU), else wall time: the machine may be busy.
fn cpu_seconds() -> f64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(|ns| ns as f64 / 1e9)
        .unwrap_or_else(|| START.get_or_init(Instant::now).elapsed().as_secs_f64())
}

/// The CPU times of the report: parse + canonicalize into SHA-256, and the
/// whole SPID verification (which stops at the digest check). `XML_DOS_ONLY`
/// picks the shapes whose name contains it.
#[test]
#[ignore = "timing, for the report: run in release with --nocapture"]
fn print_cpu_times() {
    use sha2::Digest as _;
    let mut all: Vec<(String, String)> = vec![];
    for (name, text, _) in shapes() {
        if all.is_empty() {
            all.push(("flat document".into(), flat(text.len())));
        }
        all.push((format!("{name}, its flat twin"), flat_twin(&text)));
        all.push((name.into(), text));
    }
    let only = std::env::var("XML_DOS_ONLY").unwrap_or_default();
    for (name, text) in all.into_iter().filter(|(name, _)| name.starts_with(&only)) {
        let start = cpu_seconds();
        let doc = parse_unbounded(&text);
        let parsed = cpu_seconds();
        let mut hasher = sha2::Sha256::new();
        xml::c14n::canonicalize(
            doc.root_element(),
            &xml::c14n::Options::default(),
            &mut hasher,
        )
        .unwrap();
        let canonicalized = cpu_seconds();
        let (code, spid) = spid_code(text.as_bytes());
        eprintln!(
            "{name}: {} bytes; CPU: roxmltree {:.3} s, canonicalize {:.3} s; \
             spid::verify_response {spid:.3} s ({code})",
            text.len(),
            parsed - start,
            canonicalized - parsed,
        );
    }
}
