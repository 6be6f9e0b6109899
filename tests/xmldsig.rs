//! XML-DSig on real signed documents: the ten signed SP metadata files of
//! spid-sp-test (in ../shared when present) verify, and flipping one byte
//! of each signed part makes each fail with the right code. Run through the
//! public vector runner, on every backend.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use idbridge_vectors::{MemoryFiles, Runner};

fn vector(tests: &str, n: usize) -> String {
    format!(
        r#"{{"schema":"idbridge-vectors/1","kind":"xmldsig","numberOfTests":{n},"testGroups":[{{"source":"spid-sp-test signed metadata","trust":{{"certificates":["priv_crt.pem","pub_crt.pem"]}},"context":{{"now":"2026-01-01T00:00:00Z"}},"tests":[{tests}]}}]}}"#
    )
}

/// Replaces the first occurrence of `from` after `anchor` with `to`.
fn mutate(text: &str, anchor: &str, from: &str, to: &str) -> String {
    let start = text.find(anchor).unwrap_or_else(|| panic!("no {anchor}"));
    let at = start + text[start..].find(from).unwrap();
    format!("{}{}{}", &text[..at], to, &text[at + from.len()..])
}

#[test]
fn signed_sp_metadata_verifies_and_every_signed_part_is_bound() {
    let test = "signed_sp_metadata_verifies_and_every_signed_part_is_bound";
    let Some(dir) = common::shared::path(test, "data/spid/sptest_metadata") else {
        return;
    };
    let mut files = MemoryFiles::new();
    for cert in ["priv_crt.pem", "pub_crt.pem"] {
        files.insert(&format!("v/{cert}"), std::fs::read(dir.join(cert)).unwrap());
    }
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("_signed.xml"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 10);
    let mut tests = Vec::new();
    let mut id = 0;
    for name in &names {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let mut case = |suffix: &str, body: String, result: &str| {
            id += 1;
            let file = format!("{name}.{suffix}.xml");
            files.insert(&format!("v/{file}"), body.into_bytes());
            let expectation = if result == "valid" {
                r#""result":"valid""#.to_string()
            } else {
                format!(r#""result":"invalid","expectedError":"{result}""#)
            };
            tests.push(format!(r#"{{"tcId":{id},"comment":"{name} {suffix}","input":{{"file":"{file}"}},{expectation}}}"#));
        };
        case("as-signed", text.clone(), "valid");
        // The signed content: one character of the entityID.
        case(
            "content",
            mutate(&text, "entityID=\"", "entityID=\"h", "entityID=\"H"),
            "xmldsig.digest.mismatch",
        );
        // SignedInfo: one base64 character of the DigestValue.
        let dv = text.find("DigestValue>").unwrap() + "DigestValue>".len();
        let c = &text[dv..dv + 1];
        let flipped = if c == "A" { "B" } else { "A" };
        case(
            "signedinfo",
            format!("{}{}{}", &text[..dv], flipped, &text[dv + 1..]),
            "xmldsig.digest.mismatch",
        );
        // SignatureValue: one base64 character.
        let sv = text.find("SignatureValue>").unwrap() + "SignatureValue>".len();
        let sv = sv
            + text[sv..]
                .find(|ch: char| ch.is_ascii_alphanumeric())
                .unwrap()
            + 5;
        let c = &text[sv..sv + 1];
        let flipped = if c == "A" { "B" } else { "A" };
        case(
            "signaturevalue",
            format!("{}{}{}", &text[..sv], flipped, &text[sv + 1..]),
            "xmldsig.signature.invalid",
        );
    }
    files.insert(
        "v/v.json",
        vector(&tests.join(","), tests.len()).into_bytes(),
    );
    let report = Runner::new(&files).run_file("v/v.json");
    let failures: Vec<_> = report
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("FAIL"))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(report.passed(), 40);
}

// ---------------------------------------------------------------- the signed element at any depth, KeyInfo never decides

use idbridge::c14n::{decode_input, Document, Encoding};
use idbridge::xmldsig::{self, Policy, TrustedCertificates};
use idbridge::Limits;

fn vectors_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-vectors/xmldsig")
}

fn trust(names: &[&str]) -> TrustedCertificates {
    let mut t = TrustedCertificates::new();
    for n in names {
        t.add(&std::fs::read(vectors_dir().join("certs").join(format!("{n}.pem"))).unwrap())
            .unwrap();
    }
    t
}

/// The lxml-signed Document with the trusted certificate in KeyInfo, without
/// its XML declaration.
fn signed_document() -> String {
    let text = std::fs::read_to_string(vectors_dir().join("inputs/valid/keyinfo-trusted-cert.xml"))
        .unwrap();
    text.strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .unwrap()
        .to_string()
}

/// The outcome of the single-signature verification: the signed element's
/// `{ns}name` and ID, or the error code.
fn outcome(xml: &str, trusted: &TrustedCertificates) -> Result<(String, String), &'static str> {
    let limits = Limits::default();
    let text = decode_input(xml.as_bytes(), Encoding::Xml, &limits).map_err(|e| e.code())?;
    let doc = Document::parse(&text, &limits).map_err(|e| e.code())?;
    let v =
        xmldsig::verify_single_enveloped(&doc, trusted, Policy::XMLDSIG).map_err(|e| e.code())?;
    let el = v.element();
    Ok((
        format!("{{{}}}{}", el.namespace().unwrap_or(""), el.local_name()),
        v.id().to_string(),
    ))
}

const DOC: &str = "{urn:idbridge:test:doc}Document";
const DOC_ID: &str = "_0d5c9a4e6b3f4b1e8f7a2c9d1e3b5a70";

#[test]
fn the_signed_element_is_found_at_any_depth_whatever_its_unsigned_ancestors_hold() {
    let signed = signed_document();
    let t = trust(&["rsa2048"]);
    let expected = Ok((DOC.to_string(), DOC_ID.to_string()));
    assert_eq!(outcome(&signed, &t), expected);
    for (open, close) in [
        ("<E>", "</E>"),
        ("<a:E xmlns:a=\"urn:a\" xmlns=\"urn:other\" ID=\"_outer\"><a:F>", "</a:F></a:E>"),
        (
            "<!-- c --><?pi x?><E xml:lang=\"it\" xmlns:ds=\"urn:not-dsig\"><Sibling>x</Sibling>text<F><G>",
            "</G><H/></F>more text</E><!-- after -->",
        ),
        (
            "<E xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:Object>not a signature</ds:Object>",
            "</E>",
        ),
    ] {
        let xml = format!("{open}{signed}{close}");
        assert_eq!(outcome(&xml, &t), expected, "{xml}");
        // The document-element form refuses it: that element holds no Signature.
        let limits = Limits::default();
        let doc = Document::parse(&xml, &limits).unwrap();
        let e = xmldsig::verify_enveloped(&doc, &t, Policy::XMLDSIG).unwrap_err();
        assert_eq!(e.code(), "xmldsig.signature.missing", "{xml}");
    }
    // 50 unsigned ancestors deep (the depth limit is 64).
    let xml = format!("{}{signed}{}", "<E>".repeat(50), "</E>".repeat(50));
    assert_eq!(outcome(&xml, &t), expected);
}

#[test]
fn none_several_or_an_unenclosed_signature_is_refused() {
    let signed = signed_document();
    let t = trust(&["rsa2048"]);
    let unsigned = {
        let a = signed.find("<ds:Signature").unwrap();
        let b = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
        format!("{}{}", &signed[..a], &signed[b..])
    };
    assert_eq!(outcome(&unsigned, &t), Err("xmldsig.signature.missing"));
    assert_eq!(
        outcome(&format!("<E>{unsigned}</E>"), &t),
        Err("xmldsig.signature.missing")
    );
    // Two at different depths, two side by side, one inside the other's KeyInfo.
    let empty_sig = "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>";
    for xml in [
        format!("<E>{signed}{empty_sig}</E>"),
        format!("<E>{empty_sig}<F>{signed}</F></E>"),
        format!("<E>{signed}<F>{signed}</F></E>"),
        format!("<E>{signed}{}</E>", signed.replace(DOC_ID, "_other")),
        signed.replace("<ds:X509Data>", &format!("{empty_sig}<ds:X509Data>")),
        signed.replace("<Name>", &format!("{empty_sig}<Name>")),
    ] {
        assert_eq!(outcome(&xml, &t), Err("xmldsig.signature.invalid"), "{xml}");
    }
    // A Signature that is the document element encloses nothing.
    let sig_only = {
        let a = signed.find("<ds:Signature").unwrap();
        let b = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
        signed[a..b].to_string()
    };
    assert_eq!(outcome(&sig_only, &t), Err("xmldsig.signature.invalid"));
    // The Signature moved into a child without ID: that child is what it would sign.
    let a = signed.find("<ds:Signature").unwrap();
    let b = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let moved = format!(
        "{}<Name>{}</Name>{}",
        &signed[..a],
        &signed[a..b],
        &signed[b..]
    );
    assert_eq!(outcome(&moved, &t), Err("xmldsig.reference.invalid"));
}

#[test]
fn a_change_inside_the_nested_signed_element_is_caught_and_one_outside_is_not() {
    let signed = signed_document();
    let t = trust(&["rsa2048"]);
    let tampered = signed.replace("Alice Example", "Mallory Example");
    assert_eq!(
        outcome(&format!("<E><F>{tampered}</F></E>"), &t),
        Err("xmldsig.digest.mismatch")
    );
    // A declaration on an ancestor the signed element does not use, and
    // one it redeclares itself (its default namespace): outside exclusive c14n.
    assert!(outcome(
        &format!("<E xmlns=\"urn:idbridge:test:evil\" xmlns:x=\"urn:x\"><x:F>{signed}</x:F></E>"),
        &t
    )
    .is_ok());
}

/// Every KeyInfo form: what it holds never changes a signature that
/// verifies with a trusted key, and never makes one that does not.
#[test]
fn keyinfo_never_decides_acceptance() {
    let signed = signed_document();
    let a = signed.find("<ds:KeyInfo>").unwrap();
    let b = signed.find("</ds:KeyInfo>").unwrap() + "</ds:KeyInfo>".len();
    let pem_body = |name: &str| {
        let pem = std::fs::read_to_string(vectors_dir().join("certs").join(format!("{name}.pem")))
            .unwrap();
        pem.lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<String>()
    };
    let x509 = |content: &str| {
        format!("<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{content}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>")
    };
    let trusted_cert = pem_body("rsa2048");
    // Each form, and the code when only rsa2048-b (which did not sign) is
    // trusted: `key.untrusted` exactly when KeyInfo holds a non-empty
    // X509Certificate that is not rsa2048-b's.
    let (untrusted, invalid) = ("xmldsig.key.untrusted", "xmldsig.signature.invalid");
    let forms: Vec<(String, &str)> = vec![
        (String::new(), invalid),
        ("<ds:KeyInfo/>".into(), invalid),
        (x509(""), invalid),
        (x509("  \n  "), invalid),
        (x509(&trusted_cert), untrusted),
        (x509(&pem_body("rsa2048-b")), invalid),
        (x509(&pem_body("rsa2048-reissued")), untrusted),
        (x509("not base64 at all!"), untrusted),
        (x509("bm90IGEgY2VydGlmaWNhdGU="), untrusted),
        (x509(&format!("{trusted_cert}<!-- c -->")), untrusted),
        (
            format!(
                "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate><ds:X509Certificate>{trusted_cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>",
                pem_body("rsa2048-b")
            ),
            untrusted,
        ),
        ("<ds:KeyInfo><ds:KeyName>rsa2048-b</ds:KeyName></ds:KeyInfo>".into(), invalid),
        (
            "<ds:KeyInfo><x:Key xmlns:x=\"urn:x\">use me</x:Key>garbage text</ds:KeyInfo>".into(),
            invalid,
        ),
    ];
    for (keyinfo, when_wrong_key) in forms {
        let xml = format!("{}{}{}", &signed[..a], keyinfo, &signed[b..]);
        // The trusted key verifies: valid, whatever KeyInfo holds, nested or not.
        let expected = Ok((DOC.to_string(), DOC_ID.to_string()));
        assert_eq!(outcome(&xml, &trust(&["rsa2048"])), expected, "{keyinfo}");
        assert_eq!(
            outcome(&format!("<E><F>{xml}</F></E>"), &trust(&["rsa2048"])),
            expected
        );
        // Among other trusted keys, listed first or last.
        assert_eq!(
            outcome(&xml, &trust(&["rsa2048-b", "rsa2048"])),
            expected,
            "{keyinfo}"
        );
        assert_eq!(
            outcome(&xml, &trust(&["rsa2048", "p256"])),
            expected,
            "{keyinfo}"
        );
        // No trusted key verifies: refused; KeyInfo only words the failure.
        let wrong = outcome(&xml, &trust(&["rsa2048-b"]));
        assert_eq!(wrong, Err(when_wrong_key), "{keyinfo}");
        // No trust at all.
        assert_eq!(
            outcome(&xml, &TrustedCertificates::new()),
            Err("xmldsig.key.untrusted")
        );
    }
}
