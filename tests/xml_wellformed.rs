//! Issue 20, item 2: XML that is not well-formed (or not namespace-well-
//! formed) is refused with `xml.malformed`, through the public API, for
//! each class: a character reference to a code point XML forbids, an empty
//! prefix, a namespace name that is not a URI reference, an encoding
//! declaration naming anything but UTF-8. Several members of each class,
//! and positive controls. The unit tests of `src/xml/parse.rs` cover more
//! members; here a *signed, valid* SPID Response shows what each defect
//! used to do: a legal reference or declaration keeps it valid, a
//! forbidden one makes it `xml.malformed` (before, an encoding declaration
//! or a bad namespace name on an unused declaration left it valid).
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idbridge::{spid, Trust, UnixTime};
use std::path::PathBuf;

const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const SPID_REQUEST: &str = "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4";

fn read(rel: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The SPID verdict at the vectors' context (`level.json`, SpidL1 minimum).
fn spid_code(xml: &str) -> &'static str {
    let trust = Trust::builder()
        .pin_saml_idp_metadata(read("test-vectors/spid/metadata/idp.xml").as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let mut exp = spid::Expectations::new(
        "https://sp.idbridge.test",
        "https://sp.idbridge.test/acs",
        SPID_REQUEST,
    );
    exp.min_level = spid::Level::L1;
    exp.request_issue_instant = Some(UnixTime::parse_rfc3339("2026-03-01T10:00:00Z").unwrap());
    exp.input = spid::InputEncoding::Xml;
    let now = UnixTime::parse_rfc3339("2026-03-01T10:00:30Z").unwrap();
    match spid::verify_response(&trust, xml.as_bytes(), &exp, now) {
        Ok(_) => "valid",
        Err(e) => e.code(),
    }
}

/// A valid, signed SPID Response (`level.json` tcId 1).
fn signed() -> String {
    let xml = read("test-vectors/spid/responses/level-spidl1.xml");
    assert_eq!(spid_code(&xml), "valid");
    xml
}

/// `signed()` with the first `from` replaced by `to`.
fn edited(from: &str, to: &str) -> String {
    let xml = signed();
    assert!(xml.contains(from), "{from}");
    xml.replacen(from, to, 1)
}

/// A Response without Assertion (SPID refuses it for its structure once
/// the XML is read): `inside` goes into `samlp:Extensions`.
fn unsigned(inside: &str) -> String {
    format!(
        "<samlp:Response xmlns:samlp=\"{SAMLP}\" xmlns:saml=\"{SAML}\" ID=\"_wf\" Version=\"2.0\" \
         IssueInstant=\"2026-03-01T10:00:10Z\" Destination=\"https://sp.idbridge.test/acs\" \
         InResponseTo=\"{SPID_REQUEST}\">\
         <saml:Issuer Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:entity\">https://idp.idbridge.test/spid</saml:Issuer>\
         <samlp:Extensions>{inside}</samlp:Extensions>\
         <samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>\
         </samlp:Response>"
    )
}

const SIGNED_VALUE: &str = ">Giulia</saml:AttributeValue>";

#[test]
fn character_references_must_name_xml_characters() {
    // The same character written as a reference: the same signed value.
    for legal in ["&#x61;", "&#97;", "&#x0061;", "&#0000097;"] {
        let xml = edited(
            SIGNED_VALUE,
            &format!(">Giuli{legal}</saml:AttributeValue>"),
        );
        assert_eq!(spid_code(&xml), "valid", "{legal}");
    }
    for forbidden in [
        "&#xD800;",
        "&#xDBFF;",
        "&#57343;",
        "&#0;",
        "&#x1B;",
        "&#xFFFE;",
        "&#xFFFF;",
        "&#x110000;",
        "&#4294967296;",
    ] {
        // In text, signed or not, and in attribute values.
        for xml in [
            edited(
                SIGNED_VALUE,
                &format!(">Giuli{forbidden}</saml:AttributeValue>"),
            ),
            edited(
                SIGNED_VALUE,
                &format!(">Giulia</saml:AttributeValue><!-- -->{forbidden}"),
            ),
            edited(
                "Version=\"2.0\"",
                &format!("Version=\"2.0\" Consent=\"{forbidden}\""),
            ),
            unsigned(&format!("<x a=\"urn:{forbidden}\">{forbidden}</x>")),
        ] {
            assert_eq!(spid_code(&xml), "xml.malformed", "{forbidden}");
        }
    }
    // Legal references far from ASCII, and tabs and line ends.
    assert_eq!(
        spid_code(&unsigned(
            "<x a=\"&#x9;&#xA;&#xD;\">&#x10000;&#x10FFFF;&#xFFFD;&#xE000;&#xD7FF;</x>"
        )),
        "saml.structure.invalid"
    );
}

#[test]
fn prefixes_and_local_names_must_not_be_empty() {
    for bad in [
        "<:x/>",
        "<:x></:x>",
        "<x :a=\"1\"/>",
        "<x xmlns:=\"urn:x\"/>",
        "<p: xmlns:p=\"urn:p\"/>",
        "<x xmlns:p=\"urn:p\" p:=\"1\"/>",
        "<p:x:y xmlns:p=\"urn:p\"/>",
    ] {
        assert_eq!(spid_code(&unsigned(bad)), "xml.malformed", "{bad}");
    }
    assert_eq!(
        spid_code(&unsigned("<p:x xmlns:p=\"urn:p\" p:a=\"1\" b=\"2\"/>")),
        "saml.structure.invalid"
    );
}

#[test]
fn namespace_names_must_be_uri_references() {
    // An unused declaration on the signed Response changes nothing that is
    // signed (exclusive c14n renders only used namespaces): a legal one
    // keeps the Response valid, an illegal one is malformed XML.
    for legal in [
        "urn:x",
        "http://example.org/a%20b#f",
        "urn:a&amp;b",
        "https://[::1]:8443/x?y=1",
    ] {
        let xml = edited(
            "Version=\"2.0\"",
            &format!("Version=\"2.0\" xmlns:z=\"{legal}\""),
        );
        assert_eq!(spid_code(&xml), "valid", "{legal}");
    }
    for bad in [
        "a b:c",
        "urn:a b",
        "urn:a&#x20;b",
        "urn:x&lt;y",
        "urn:{x}",
        "urn:a|b",
        "http://x/%zz",
        "urn:a#b#c",
        "1a:x",
        "http://a]b/",
        "urn:caf\u{e9}",
    ] {
        let xml = edited(
            "Version=\"2.0\"",
            &format!("Version=\"2.0\" xmlns:z=\"{bad}\""),
        );
        assert_eq!(spid_code(&xml), "xml.malformed", "{bad}");
        assert_eq!(
            spid_code(&unsigned(&format!("<x xmlns=\"{bad}\"/>"))),
            "xml.malformed",
            "{bad}"
        );
    }
}

#[test]
fn only_utf8_may_be_declared() {
    const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    for legal in ["UTF-8", "utf-8", "uTf-8"] {
        let xml = edited(
            DECL,
            &format!("<?xml version=\"1.0\" encoding=\"{legal}\"?>"),
        );
        assert_eq!(spid_code(&xml), "valid", "{legal}");
    }
    assert_eq!(spid_code(&edited(DECL, "<?xml version=\"1.0\"?>")), "valid");
    assert_eq!(spid_code(&edited(DECL, "")), "valid");
    for other in [
        "ISO-8859-1",
        "UTF-16",
        "utf-16le",
        "US-ASCII",
        "UTF8",
        "windows-1252",
        "ISO-2022-JP",
    ] {
        for decl in [
            format!("<?xml version=\"1.0\" encoding=\"{other}\"?>"),
            format!("<?xml version='1.0' encoding='{other}' standalone='yes'?>"),
        ] {
            let xml = edited(DECL, &decl);
            assert_eq!(spid_code(&xml), "xml.malformed", "{decl}");
        }
    }
}
