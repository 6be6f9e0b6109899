//! Exclusive c14n throughput (MB/s of input) on two SAML-like documents,
//! about 100 KB and about 1 MB, generated here deterministically: into a
//! `Vec` and straight into a SHA-256 hasher (how `dsig` digests a
//! reference), plus parse + canonicalize + hash (the whole path).
//!
//! `cargo bench --bench c14n`
//!
//! The inputs are also written to `target/c14n-bench/` so that
//! `scripts/c14n-throughput-lxml.py` measures libxml2 (lxml) on the same
//! bytes.
//!
//! The `xml` module is crate-private: this bench compiles the library's own
//! source files (no copy) against the public `Error`/`Limits` types.
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

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
// The crate-root names the sources use (`crate::Error`...).
#[allow(unused_imports)]
use idbridge::{Error, ErrorCode, Limits, Result};
use sha2::Digest;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;
use xml::c14n::{canonicalize, to_vec, Options};

/// A SAML Response whose signed Assertion carries `attributes` attributes:
/// namespaces on several levels, xsi:type values, escaped characters, a
/// comment inside a value, base64 blocks, indentation.
fn saml_like(attributes: usize) -> String {
    let mut s = String::new();
    s.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" \
         xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_resp\" Version=\"2.0\" \
         IssueInstant=\"2025-01-01T10:00:10Z\" Destination=\"https://sp.example.it/acs\" \
         InResponseTo=\"_req\">\n  <saml:Issuer>https://idp.example.it</saml:Issuer>\n  \
         <samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>\
         </samlp:Status>\n  <saml:Assertion xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ID=\"_assertion\" \
         Version=\"2.0\" IssueInstant=\"2025-01-01T10:00:10Z\">\n    \
         <saml:Issuer>https://idp.example.it</saml:Issuer>\n    \
         <ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>\
         <ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>\
         <ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>\
         <ds:Reference URI=\"#_assertion\"><ds:Transforms>\
         <ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>\
         <ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>\
         <ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\
         <ds:DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</ds:DigestValue>\
         </ds:Reference></ds:SignedInfo><ds:SignatureValue>",
    );
    // A 2048-bit signature and a certificate: base64 in 64-column lines.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut base64_block = |s: &mut String, bytes: usize| {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for i in 0..bytes * 4 / 3 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            s.push(char::from(ALPHABET[(state % 64) as usize]));
            if i % 64 == 63 {
                s.push('\n');
            }
        }
    };
    base64_block(&mut s, 256);
    s.push_str("</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>");
    base64_block(&mut s, 1200);
    s.push_str(
        "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>\n    \
         <saml:Subject><saml:NameID Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:transient\" \
         NameQualifier=\"https://idp.example.it\">_name</saml:NameID></saml:Subject>\n    \
         <saml:AttributeStatement>\n",
    );
    for i in 0..attributes {
        let _ = write!(
            s,
            "      <saml:Attribute Name=\"attribute{i}\" \
             NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:basic\">\n        \
             <saml:AttributeValue xsi:type=\"xs:string\">Value {i} &amp; \
             &lt;more&gt;<!-- c -->text, città {i}</saml:AttributeValue>\n      \
             </saml:Attribute>\n"
        );
    }
    s.push_str("    </saml:AttributeStatement>\n  </saml:Assertion>\n</samlp:Response>\n");
    s
}

/// The two inputs, each as close as the generator gets to its target size.
fn inputs() -> Vec<(&'static str, String)> {
    let sized = |target: usize| {
        let per = saml_like(1001).len() - saml_like(1).len();
        saml_like(target.saturating_sub(saml_like(0).len()) * 1000 / per)
    };
    let inputs = vec![("100KB", sized(100_000)), ("1MB", sized(1_000_000))];
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/c14n-bench");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in &inputs {
        std::fs::write(dir.join(format!("{name}.xml")), text).unwrap();
    }
    inputs
}

fn bench(c: &mut Criterion) {
    let limits = Limits::default();
    let options = Options::default();
    for (name, text) in inputs() {
        let doc = xml::parse::parse(&text, &limits).unwrap();
        let apex = doc.root_element();
        let canonical = to_vec(apex, &options).unwrap();
        std::fs::write(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(format!("target/c14n-bench/{name}.c14n")),
            &canonical,
        )
        .unwrap();

        let mut group = c.benchmark_group(format!("c14n/{name}"));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function("into Vec", |b| {
            b.iter(|| to_vec(black_box(apex), &options).unwrap())
        });
        group.bench_function("into SHA-256", |b| {
            b.iter(|| {
                let mut hasher = sha2::Sha256::new();
                canonicalize(black_box(apex), &options, &mut hasher).unwrap();
                hasher.finalize()
            })
        });
        group.bench_function("parse only", |b| {
            b.iter(|| {
                xml::parse::parse(black_box(&text), &limits)
                    .unwrap()
                    .root()
                    .id()
            })
        });
        group.bench_function("parse + into SHA-256", |b| {
            b.iter(|| {
                let doc = xml::parse::parse(black_box(&text), &limits).unwrap();
                let mut hasher = sha2::Sha256::new();
                canonicalize(doc.root_element(), &options, &mut hasher).unwrap();
                hasher.finalize()
            })
        });
        group.bench_function("SHA-256 of the canonical bytes (floor)", |b| {
            b.iter(|| sha2::Sha256::digest(black_box(&canonical)))
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
