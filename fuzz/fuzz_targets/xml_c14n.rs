//! XML parsing and exclusive c14n: any bytes, never a panic; and every
//! canonical form is a fixed point (canonicalizing it again, re-parsed,
//! gives the same bytes).
//!
//! The `xml` module is crate-private: this target compiles the library's own
//! source files (no copy) against the public `Error`/`Limits` types.
#![no_main]

#[allow(dead_code)]
#[path = "../../src/xml/c14n.rs"]
mod c14n_source;
#[allow(dead_code)]
#[path = "../../src/xml/parse.rs"]
mod parse_source;
/// Where the sources find each other (`crate::xml::parse`), as in the library.
mod xml {
    pub(crate) use super::c14n_source as c14n;
    pub(crate) use super::parse_source as parse;
}

// The crate-root names the sources use (`crate::Error`...).
use idbridge::{Error, ErrorCode, Limits, Result};
use libfuzzer_sys::fuzz_target;
use xml::c14n::{to_vec, Options};

/// At most this many apexes per input, to keep each run short.
const MAX_APEXES: usize = 64;

fn limits() -> Limits {
    Limits::default()
        .tighten_max_input_bytes(256 * 1024)
        .tighten_max_xml_nodes(20_000)
}

fn check_fixed_point(canonical: &[u8], options: &Options<'_>, document: bool) {
    let Ok(text) = std::str::from_utf8(canonical) else {
        panic!("canonical output is not UTF-8");
    };
    let Ok(doc) = xml::parse::parse(text, &Limits::default()) else {
        panic!("canonical output does not parse: {text:?}");
    };
    let apex = if document {
        doc.root()
    } else {
        doc.root_element()
    };
    let again = to_vec(apex, options).expect("canonical output canonicalizes");
    assert_eq!(canonical, &again[..], "not a fixed point");
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = xml::parse::parse(text, &limits()) else {
        return;
    };
    let lists: [&[&str]; 3] = [&[], &["#default", "a", "xsd"], &["b", "xml", ""]];
    let elements: Vec<_> = doc.descendants().filter(|n| n.is_element()).collect();
    for (i, &apex) in elements.iter().take(MAX_APEXES).enumerate() {
        let options = Options {
            with_comments: i % 2 == 1,
            inclusive_prefixes: lists[i % lists.len()],
            exclude: None,
        };
        if let Ok(canonical) = to_vec(apex, &options) {
            check_fixed_point(&canonical, &options, false);
        }
        // Leaving out a child (the enveloped-signature transform's case).
        if let Some(child) = apex.first_element_child() {
            let _ = to_vec(
                apex,
                &Options {
                    exclude: Some(child.id()),
                    ..options
                },
            );
        }
    }
    for with_comments in [false, true] {
        let options = Options {
            with_comments,
            ..Options::default()
        };
        if let Ok(canonical) = to_vec(doc.root(), &options) {
            check_fixed_point(&canonical, &options, true);
        }
    }
});
