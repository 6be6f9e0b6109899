//! Every bound of `idbridge::Limits` proven through the public API (issue 7,
//! item 4): an input over the limit is refused with the limit's stable code,
//! an input exactly at it is not refused for that limit. The big inputs
//! (megabytes) are built here, never committed; the small ones live in
//! `test-vectors/limits/` and run through the vector runner at the end.
//! Nothing is timed here: `benches/limits.rs` measures the refusals.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine as _;
use idbridge::spid::InputEncoding;
use idbridge::{cie, spid, webeid, Limits, Trust, UnixTime};
use idbridge_vectors::{self as vectors, FsFiles, MemoryFiles, Runner, Summary};
use std::path::{Path, PathBuf};

const MIB5: usize = 5 * 1024 * 1024;
const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const SPID_REQUEST: &str = "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4";
const CIE_REQUEST: &str = "_idbr-cie-req-2b7d94e1c05a4f38b6e1";
const ORIGIN: &str = "https://rp.idbridge.test";
const NONCE: &str = "A+n4OagGZruk8XYEl5FyPtaLI9Q7EilWaobazc04/5w=";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> Vec<u8> {
    let p = root().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn b64(bytes: &[u8]) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .encode(bytes)
        .into_bytes()
}

fn code<T>(r: Result<T, idbridge::Error>) -> &'static str {
    match r {
        Ok(_) => "valid",
        Err(e) => e.code(),
    }
}

// ------------------------------------------------------------------ SAML

fn spid_trust() -> Trust {
    Trust::builder()
        .pin_saml_idp_metadata(&read("test-vectors/spid/metadata/idp.xml"))
        .unwrap()
        .build()
        .unwrap()
}

fn cie_trust() -> Trust {
    Trust::builder()
        .pin_saml_idp_metadata(&read("test-vectors/cie/metadata/cie-idp.xml"))
        .unwrap()
        .build()
        .unwrap()
}

/// The SPID verdict on `input` (raw XML or base64), at the vectors' `now`.
fn spid_code(input: &[u8], encoding: InputEncoding) -> &'static str {
    let mut exp = spid::Expectations::new(
        "https://sp.idbridge.test",
        "https://sp.idbridge.test/acs",
        SPID_REQUEST,
    );
    exp.input = encoding;
    let now = UnixTime::parse_rfc3339("2026-03-01T10:00:30Z").unwrap();
    code(spid::verify_response(&spid_trust(), input, &exp, now))
}

fn cie_code(input: &[u8], encoding: InputEncoding) -> &'static str {
    let mut exp = cie::Expectations::new(
        "https://sp.idbridge.test",
        "https://sp.idbridge.test/acs",
        CIE_REQUEST,
    );
    exp.input = encoding;
    let now = UnixTime::parse_rfc3339("2026-03-01T11:00:20Z").unwrap();
    code(cie::verify_response(&cie_trust(), input, &exp, now))
}

/// Both SAML profiles, raw and as base64, must give `expected`.
fn saml_all(xml: &[u8], expected: &str) {
    for (profile, f) in [
        (
            "spid",
            spid_code as fn(&[u8], InputEncoding) -> &'static str,
        ),
        ("cie", cie_code),
    ] {
        assert_eq!(f(xml, InputEncoding::Xml), expected, "{profile}, raw XML");
        assert_eq!(
            f(&b64(xml), InputEncoding::Base64),
            expected,
            "{profile}, base64"
        );
    }
}

/// Within every limit: both profiles, raw and base64, parse the document
/// and refuse it by their SAML rules (SPID: no Assertion; CIE: the Issuer
/// is the SPID IdP's, checked first), never for a limit.
fn saml_within_limits(xml: &[u8]) {
    for enc in [InputEncoding::Xml, InputEncoding::Base64] {
        let input = match enc {
            InputEncoding::Xml => xml.to_vec(),
            InputEncoding::Base64 => b64(xml),
        };
        assert_eq!(
            spid_code(&input, enc),
            "saml.structure.invalid",
            "spid {enc:?}"
        );
        assert_eq!(cie_code(&input, enc), "saml.issuer.invalid", "cie {enc:?}");
    }
}

/// A SAML Response without an Assertion: `extensions` goes inside
/// `samlp:Extensions`, `attrs` onto the Response element, `tail` after the
/// document element (whitespace or comments).
fn response(extensions: &str, attrs: &str, tail: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <samlp:Response xmlns:samlp=\"{SAMLP}\" xmlns:saml=\"{SAML}\"{attrs} ID=\"_limits\" \
         Version=\"2.0\" IssueInstant=\"2026-03-01T10:00:10Z\" \
         Destination=\"https://sp.idbridge.test/acs\" InResponseTo=\"{SPID_REQUEST}\">\
         <saml:Issuer Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:entity\">https://idp.idbridge.test/spid</saml:Issuer>\
         <samlp:Extensions>{extensions}</samlp:Extensions>\
         <samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>\
         </samlp:Response>{tail}"
    )
}

/// `response("")` padded with spaces after the document element to exactly `len` bytes.
fn response_of_len(len: usize) -> Vec<u8> {
    let base = response("", "", "");
    assert!(base.len() < len);
    let mut out = base.into_bytes();
    out.resize(len, b' ');
    out
}

/// Extensions content nesting the whole document `depth` elements deep
/// (Response 1, Extensions 2, then `depth - 2` elements).
fn deep(depth: usize) -> String {
    let n = depth - 2;
    format!("{}{}", "<x>".repeat(n), "</x>".repeat(n))
}

#[test]
fn saml_input_over_5_mib_is_too_large() {
    // Raw XML: one byte over the limit.
    let over = response_of_len(MIB5 + 1);
    assert_eq!(spid_code(&over, InputEncoding::Xml), "input.too_large");
    assert_eq!(cie_code(&over, InputEncoding::Xml), "input.too_large");
    // The same bytes as base64: the encoded form is within its bound
    // (4/3 of 5 MiB plus line breaks), the decoded bytes are one over.
    let encoded = b64(&over);
    assert_eq!(
        spid_code(&encoded, InputEncoding::Base64),
        "input.too_large"
    );
    assert_eq!(cie_code(&encoded, InputEncoding::Base64), "input.too_large");
    // Base64 text far over even the encoded bound: refused before decoding.
    let huge = vec![b'A'; 8 * 1024 * 1024];
    assert_eq!(spid_code(&huge, InputEncoding::Base64), "input.too_large");
    // Raw input that is not even XML: the size decides first.
    assert_eq!(
        spid_code(&vec![0xff; MIB5 + 1], InputEncoding::Xml),
        "input.too_large"
    );
}

#[test]
fn saml_input_of_exactly_5_mib_is_not_refused_for_size() {
    let at = response_of_len(MIB5);
    assert_eq!(at.len(), MIB5);
    for (what, c, then) in [
        (
            "spid raw",
            spid_code(&at, InputEncoding::Xml),
            "saml.structure.invalid",
        ),
        (
            "spid base64",
            spid_code(&b64(&at), InputEncoding::Base64),
            "saml.structure.invalid",
        ),
        (
            "cie raw",
            cie_code(&at, InputEncoding::Xml),
            "saml.issuer.invalid",
        ),
        (
            "cie base64",
            cie_code(&b64(&at), InputEncoding::Base64),
            "saml.issuer.invalid",
        ),
    ] {
        assert_ne!(c, "input.too_large", "{what}");
        // It is parsed, and then refused by the SAML rules.
        assert_eq!(c, then, "{what}");
    }
    // Base64 in 76-character lines ending in LF stays within the encoded
    // bound (4/3 of the limit plus 1/38 of it for line breaks) too.
    assert_eq!(
        spid_code(&wrap(&b64(&at), b"\n"), InputEncoding::Base64),
        "saml.structure.invalid"
    );
    // CR LF line ends cost twice that: the bound on the encoded text then
    // refuses decoded documents from about 4.97 MiB (a coarse early bound;
    // 5,000,000 bytes pass).
    let near = response_of_len(5_000_000);
    assert_eq!(
        spid_code(&wrap(&b64(&near), b"\r\n"), InputEncoding::Base64),
        "saml.structure.invalid"
    );
}

/// `text` in lines of 76 characters, each followed by `eol`.
fn wrap(text: &[u8], eol: &[u8]) -> Vec<u8> {
    text.chunks(76)
        .flat_map(|l| l.iter().chain(eol).copied())
        .collect()
}

#[test]
fn base64_that_decodes_over_the_limit_is_too_large() {
    // Whitespace inflates the encoded text, so decoding is the only way to
    // know: 5 MiB + 3 decoded bytes in lines of 76 characters.
    let over = response_of_len(MIB5 + 3);
    let wrapped = wrap(&b64(&over), b"\n");
    assert_eq!(
        spid_code(&wrapped, InputEncoding::Base64),
        "input.too_large"
    );
    assert_eq!(cie_code(&wrapped, InputEncoding::Base64), "input.too_large");
}

#[test]
fn xml_nested_too_deep_is_refused() {
    saml_all(
        response(&deep(65), "", "").as_bytes(),
        "xml.limits.exceeded",
    );
    saml_all(
        response(&deep(10_000), "", "").as_bytes(),
        "xml.limits.exceeded",
    );
    // A million open tags (5 MB of `<x>`): still refused at depth 65,
    // without recursion.
    let million = format!("<a>{}", "<x>".repeat(1_000_000));
    assert!(million.len() <= MIB5);
    assert_eq!(
        spid_code(million.as_bytes(), InputEncoding::Xml),
        "xml.limits.exceeded"
    );
    // Exactly 64 deep passes the parser; the SAML rules refuse it.
    saml_within_limits(response(&deep(64), "", "").as_bytes());
}

#[test]
fn too_many_attributes_on_one_element_are_refused() {
    let attrs = |n: usize| -> String { (0..n).map(|i| format!(" a{i}=\"{i}\"")).collect() };
    // 100,000 attributes on the Response (ID, Version... make 5 more).
    saml_all(
        response("", &attrs(100_000), "").as_bytes(),
        "xml.limits.exceeded",
    );
    // 100,000 on an element inside Extensions.
    let inner = format!("<x xmlns=\"urn:x\"{}/>", attrs(100_000));
    saml_all(response(&inner, "", "").as_bytes(), "xml.limits.exceeded");
    // 65 (60 + the Response's 5) and exactly 64.
    saml_all(
        response("", &attrs(60), "").as_bytes(),
        "xml.limits.exceeded",
    );
    saml_within_limits(response("", &attrs(59), "").as_bytes());
}

#[test]
fn too_many_namespace_declarations_are_refused() {
    let decls = |n: usize| -> String {
        (0..n)
            .map(|i| format!(" xmlns:p{i}=\"urn:p:{i}\""))
            .collect()
    };
    // The Response declares samlp and saml: 31 more make 33.
    saml_all(
        response("", &decls(31), "").as_bytes(),
        "xml.limits.exceeded",
    );
    saml_within_limits(response("", &decls(30), "").as_bytes());
    let inner = format!("<x xmlns=\"urn:x\"{}/>", decls(32));
    saml_all(response(&inner, "", "").as_bytes(), "xml.limits.exceeded");
    let inner = format!("<x{}/>", decls(32));
    saml_within_limits(response(&inner, "", "").as_bytes());
}

#[test]
fn too_many_xml_nodes_are_refused() {
    // The document: Response, Issuer, its text, Extensions, Status,
    // StatusCode: 6 nodes, plus what goes inside Extensions.
    let base = 6;
    // 100,001 elements in all (the pre-scan counts elements), in a
    // namespace declared once, on the Response.
    let ns = " xmlns:x=\"urn:x\"";
    let elements = "<x:x/>".repeat(100_001 - base);
    saml_all(
        response(&elements, ns, "").as_bytes(),
        "xml.limits.exceeded",
    );
    // Exactly 100,000 nodes: parsed, then refused by the SAML rules.
    let elements = "<x:x/>".repeat(100_000 - base);
    saml_within_limits(response(&elements, ns, "").as_bytes());
    // Texts are nodes too (roxmltree's own limit counts them): 50,000
    // elements and 50,000 texts between them go one over.
    let mixed = "t<x:x/>".repeat(50_000);
    saml_all(response(&mixed, ns, "").as_bytes(), "xml.limits.exceeded");
    // Comments count too.
    let comments = "<!---->".repeat(100_001 - base);
    saml_all(
        response(&comments, "", "").as_bytes(),
        "xml.limits.exceeded",
    );
}

/// The attributes of the whole document, namespace declarations included,
/// are bounded (`max_xml_attributes_total`): 64 on each of 800 elements go
/// over; the same spread thinner stays within and reaches the SAML rules.
#[test]
fn too_many_attributes_in_one_document_are_refused() {
    let total = idbridge::Limits::default().max_xml_attributes_total();
    let per = idbridge::Limits::default().max_xml_attributes();
    let element = |n: usize| {
        let attrs: String = (0..n).map(|i| format!(" a{i}=\"\"")).collect();
        format!("<x xmlns=\"urn:x\"{attrs}/>")
    };
    // Each element: `per - 1` attributes and its declaration.
    let over = element(per - 1).repeat(total / per + 1);
    saml_all(response(&over, "", "").as_bytes(), "xml.limits.exceeded");
    let within = element(per - 1).repeat(total / per - 1);
    saml_within_limits(response(&within, "", "").as_bytes());
}

#[test]
fn a_million_sibling_elements_within_5_mib_are_refused() {
    let doc = format!("<r>{}</r>", "<a/>".repeat(1_000_000));
    assert!(doc.len() <= MIB5, "{} bytes", doc.len());
    assert_eq!(
        spid_code(doc.as_bytes(), InputEncoding::Xml),
        "xml.limits.exceeded"
    );
    assert_eq!(
        cie_code(&b64(doc.as_bytes()), InputEncoding::Base64),
        "xml.limits.exceeded"
    );
}

const BILLION_LAUGHS: &str = "<?xml version=\"1.0\"?>\n<!DOCTYPE samlp:Response [\n\
<!ENTITY lol \"lol\">\n\
<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n\
<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n\
<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n\
<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n\
<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n\
<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n\
<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n\
<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n\
<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n\
]>\n";

#[test]
fn entity_bombs_and_external_entities_are_refused_at_the_doctype() {
    let bomb = format!(
        "{BILLION_LAUGHS}{}",
        response("", "", "").replace(">https://idp.idbridge.test/spid<", ">&lol9;<")
    );
    // The XML declaration must come first: move the DOCTYPE after it.
    let bomb = bomb.replacen("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "", 1);
    saml_all(bomb.as_bytes(), "xml.dtd.forbidden");
    let xxe = format!(
        "<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n{}",
        response("", "", "")
            .replacen("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "", 1)
            .replace(">https://idp.idbridge.test/spid<", ">&xxe;<")
    );
    saml_all(xxe.as_bytes(), "xml.dtd.forbidden");
    // An external DTD subset, never fetched.
    let external = format!(
        "<!DOCTYPE samlp:Response SYSTEM \"http://attacker.example/x.dtd\">{}",
        response("", "", "").replacen("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "", 1)
    );
    saml_all(external.as_bytes(), "xml.dtd.forbidden");
    // The same refusals for IdP metadata.
    for doc in [&bomb, &xxe] {
        let md = doc.replace("samlp:Response", "md:EntityDescriptor");
        assert_eq!(
            code(Trust::builder().pin_saml_idp_metadata(md.as_bytes())),
            "xml.dtd.forbidden"
        );
    }
}

// -------------------------------------------------------------- metadata

#[test]
fn metadata_limits_are_enforced_by_the_trust_builder() {
    let md = String::from_utf8(read("test-vectors/spid/metadata/idp.xml")).unwrap();
    assert_eq!(
        code(Trust::builder().pin_saml_idp_metadata(md.as_bytes())),
        "valid"
    );
    // 100,001 nodes: the genuine metadata with enough empty elements in an
    // Extensions element to go one over (the pre-scan stops at 100,001).
    let close = md.find("</md:EntityDescriptor>").unwrap();
    let mut big = md.clone();
    big.insert_str(
        close,
        &format!(
            "<md:Extensions>{}</md:Extensions>",
            "<x xmlns=\"urn:x\"/>".repeat(100_001)
        ),
    );
    assert_eq!(
        code(Trust::builder().pin_saml_idp_metadata(big.as_bytes())),
        "xml.limits.exceeded"
    );
    // The signed-registry path parses under the same limits.
    let signer = read("test-vectors/spid/metadata/registry-signer.pem");
    assert_eq!(
        code(Trust::builder().saml_registry(big.as_bytes(), &signer)),
        "xml.limits.exceeded"
    );
    // 65 deep, 65 attributes, 33 declarations.
    let deep_md = md.replacen(
        "</md:EntityDescriptor>",
        &format!(
            "<md:Extensions>{}{}</md:Extensions></md:EntityDescriptor>",
            "<x xmlns=\"urn:x\">".repeat(63),
            "</x>".repeat(63)
        ),
        1,
    );
    assert_eq!(
        code(Trust::builder().pin_saml_idp_metadata(deep_md.as_bytes())),
        "xml.limits.exceeded"
    );
    // Over 5 MiB: refused before parsing.
    let mut huge = md.into_bytes();
    huge.resize(MIB5 + 1, b' ');
    assert_eq!(
        code(Trust::builder().pin_saml_idp_metadata(&huge)),
        "input.too_large"
    );
}

// --------------------------------------------------------------- Web eID

fn webeid_trust() -> Trust {
    Trust::builder()
        .webeid_anchor(&read("test-vectors/webeid/pki/esteid2026.cer"))
        .unwrap()
        .build()
        .unwrap()
}

fn webeid_code_with(token: &[u8], limits: Limits) -> &'static str {
    let mut exp = webeid::Expectations::new(ORIGIN, NONCE);
    exp.limits = limits;
    let now = UnixTime::parse_rfc3339("2026-09-01T10:00:00Z").unwrap();
    code(webeid::verify_token(&webeid_trust(), token, &exp, now))
}

fn webeid_code(token: &[u8]) -> &'static str {
    webeid_code_with(token, Limits::default())
}

fn main_token() -> Vec<u8> {
    read("test-vectors/webeid/tokens/es384.token")
}

fn padded(n: usize) -> Vec<u8> {
    let mut t = main_token();
    assert!(t.len() <= n);
    t.resize(n, b' ');
    t
}

#[test]
fn token_size_bounds() {
    assert_eq!(webeid_code(&main_token()), "valid");
    assert_eq!(webeid_code(&padded(10_000)), "valid");
    assert_eq!(webeid_code(&padded(10_001)), "input.too_large");
    // 10,001 characters of anything. The bound is on bytes: 10,001 'Õ' are
    // 20,002 bytes; 5,000 of them are exactly 10,000 bytes, within it
    // (then not JSON).
    assert_eq!(webeid_code(&[b'x'; 10_001]), "input.too_large");
    assert_eq!(
        webeid_code("Õ".repeat(10_001).as_bytes()),
        "input.too_large"
    );
    assert_eq!(webeid_code("Õ".repeat(5_000).as_bytes()), "input.json");
    assert_eq!(webeid_code(&[b'x'; 99]), "webeid.token.malformed");
    assert_eq!(webeid_code(&padded(1_000_000)), "input.too_large");
    let mut t = br#"{"format":"web-eid:1.0"}"#.to_vec();
    t.resize(99, b' ');
    assert_eq!(webeid_code(&t), "webeid.token.malformed");
    t.push(b' ');
    // 100 bytes: past the size check, refused by the shape check.
    assert_eq!(webeid_code(&t), "webeid.token.malformed");
    assert_eq!(webeid_code(&[0xff; 100]), "input.encoding");
    // A tightened limit applies.
    let tight = Limits::default().tighten_max_token_bytes(1_000);
    assert_eq!(webeid_code_with(&main_token(), tight), "input.too_large");
}

#[test]
fn json_nesting_bombs_are_refused() {
    assert_eq!(webeid_code(&[b'['; 10_000]), "input.json");
    assert_eq!(webeid_code(&b"{\"a\":".repeat(2_000)), "input.json");
    assert_eq!(webeid_code(&b"[{\"a\":".repeat(1_666)), "input.json");
    // 100,000 '[' is first of all too large.
    assert_eq!(webeid_code(&[b'['; 100_000]), "input.too_large");
    // The main token with an unknown member: 33 deep in all is refused,
    // exactly 32 deep verifies.
    let nested = |depth: usize| -> Vec<u8> {
        let mut t = main_token();
        assert_eq!(t.pop(), Some(b'}'));
        t.extend_from_slice(b",\"x\":");
        t.extend(std::iter::repeat_n(b'[', depth - 1));
        t.extend(std::iter::repeat_n(b']', depth - 1));
        t.push(b'}');
        t
    };
    assert_eq!(webeid_code(&nested(33)), "input.json");
    assert_eq!(webeid_code(&nested(32)), "valid");
    // A tightened depth applies.
    let tight = Limits::default().tighten_max_json_depth(8);
    assert_eq!(webeid_code_with(&nested(9), tight), "input.json");
}

/// A web-eid:1.1 token: the main token's members with `format` 1.1 and
/// these intermediates.
fn token_with_intermediates(leaf_b64: &str, intermediates: &[String]) -> Vec<u8> {
    let main: serde_json::Value = serde_json::from_slice(&main_token()).unwrap();
    let token = serde_json::json!({
        "unverifiedCertificate": leaf_b64,
        "algorithm": main["algorithm"],
        "signature": main["signature"],
        "format": "web-eid:1.1",
        "appVersion": main["appVersion"],
        "unverifiedIntermediateCertificates": intermediates,
    });
    serde_json::to_vec(&token).unwrap()
}

#[test]
fn a_10000_certificate_chain_attempt_is_bounded_by_the_token_size() {
    let ca = String::from_utf8(b64(&read("test-vectors/webeid/pki/esteid2026.cer"))).unwrap();
    let leaf = String::from_utf8(b64(&read("test-vectors/webeid/pki/auth-p384.cer"))).unwrap();
    let token = token_with_intermediates(&leaf, &vec![ca.clone(); 10_000]);
    assert!(token.len() > 8_000_000, "{}", token.len());
    assert_eq!(webeid_code(&token), "input.too_large");
    // Junk "certificates" are refused just the same, before any decoding.
    let junk = token_with_intermediates(&leaf, &vec!["MA==".to_string(); 10_000]);
    assert_eq!(webeid_code(&junk), "input.too_large");
    // As many copies of the issuing CA as fit in 10,000 bytes: more than a
    // chain of 8 certificates can hold (6 intermediates), refused before
    // any is decoded.
    let mut n = 0;
    while token_with_intermediates(&leaf, &vec![ca.clone(); n + 1]).len() <= 10_000 {
        n += 1;
    }
    assert!(n > 6, "{n}");
    let fit = token_with_intermediates(&leaf, &vec![ca.clone(); n]);
    assert_eq!(webeid_code(&fit), "webeid.token.malformed");
    // One over the limit, and exactly at it: the copies are then only dead
    // weight (the leaf is issued by the anchor), and the token verifies
    // (web-eid:1.1 with intermediates needs no signing certificates).
    let seven = token_with_intermediates(&leaf, &vec![ca.clone(); 7]);
    assert_eq!(webeid_code(&seven), "webeid.token.malformed");
    let six = token_with_intermediates(&leaf, &vec![ca.clone(); 6]);
    assert_eq!(webeid_code(&six), "valid");
    // A tightened limit applies: chains of 3 hold one intermediate.
    let tight = Limits::default().tighten_max_chain_len(3);
    assert_eq!(webeid_code_with(&six, tight), "webeid.token.malformed");
    let one = token_with_intermediates(&leaf, &vec![ca; 1]);
    assert_eq!(webeid_code_with(&one, tight), "valid");
}

#[test]
fn a_signing_certificate_entry_carries_at_most_6_intermediates() {
    // The genuine web-eid:1.1 token (its signature covers the origin and
    // the nonce only, so members can be added): its signing-certificate
    // entry gets its own intermediateCertificates, checked after the
    // token signature.
    let ca = String::from_utf8(b64(&read("test-vectors/webeid/pki/esteid2026.cer"))).unwrap();
    let with = |n: usize| -> Vec<u8> {
        let mut t: serde_json::Value =
            serde_json::from_slice(&read("test-vectors/webeid/tokens/v11-valid.token")).unwrap();
        t["unverifiedSigningCertificates"][0]["intermediateCertificates"] =
            serde_json::json!(vec![ca.clone(); n]);
        serde_json::to_vec(&t).unwrap()
    };
    assert_eq!(webeid_code(&with(6)), "valid");
    assert_eq!(webeid_code(&with(7)), "webeid.token.malformed");
}

#[test]
fn path_building_over_junk_intermediates_ends_with_a_stable_code() {
    // Committed tokens of test-vectors/limits (see its generate.py): junk
    // CA certificates all named as the leaf's issuer (a CA that is not the
    // anchor), which make path building try every ordering of them.
    let dir = "test-vectors/limits/inputs/webeid";
    for (name, expected) in [
        ("intermediates-loop-6.token", "x509.chain.untrusted"),
        ("intermediates-signatures-6.token", "x509.chain.untrusted"),
        ("intermediates-loop-7.token", "webeid.token.malformed"),
        ("intermediates-fit-23.token", "webeid.token.malformed"),
    ] {
        let token = read(&format!("{dir}/{name}"));
        assert!(token.len() <= 10_000, "{name}");
        assert_eq!(webeid_code(&token), expected, "{name}");
    }
}

// --------------------------------------------------------------- vectors

#[test]
fn xml_limits_through_the_vector_runner() {
    // The xmldsig kind, from memory: inputs too big to commit.
    let mut files = MemoryFiles::new();
    files.insert(
        "certs/rsa2048.pem",
        read("test-vectors/xmldsig/certs/rsa2048.pem"),
    );
    let doc = |inner: &str| format!("<Document xmlns=\"urn:l\" ID=\"_l\">{inner}</Document>");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "nodes-100001.xml",
            doc(&"<e/>".repeat(100_000)),
            "xml.limits.exceeded",
        ),
        (
            "nodes-100000.xml",
            doc(&"<e/>".repeat(99_999)),
            "xmldsig.signature.missing",
        ),
        (
            "depth-10000.xml",
            doc(&format!("{}{}", "<e>".repeat(9_999), "</e>".repeat(9_999))),
            "xml.limits.exceeded",
        ),
        (
            "attributes-100000.xml",
            doc(&format!(
                "<e{}/>",
                (0..100_000)
                    .map(|i| format!(" a{i}=''"))
                    .collect::<String>()
            )),
            "xml.limits.exceeded",
        ),
        (
            "siblings-1000000.xml",
            doc(&"<a/>".repeat(1_000_000)),
            "xml.limits.exceeded",
        ),
        (
            "size-5mib-plus-1.xml",
            {
                let mut d = doc("");
                d.push_str(&" ".repeat(MIB5 + 1 - d.len()));
                d
            },
            "input.too_large",
        ),
    ];
    let mut tests = Vec::new();
    for (i, (name, text, expected)) in cases.iter().enumerate() {
        files.insert(&format!("inputs/{name}"), text.clone().into_bytes());
        tests.push(serde_json::json!({
            "tcId": i + 1,
            "comment": name,
            "input": {"file": format!("inputs/{name}")},
            "result": "invalid",
            "expectedError": expected,
            "flags": ["ResourceExhaustion"],
        }));
    }
    let vector = serde_json::json!({
        "schema": "idbridge-vectors/1",
        "kind": "xmldsig",
        "numberOfTests": tests.len(),
        "header": ["built by tests/limits.rs"],
        "notes": {"ResourceExhaustion": {
            "bugType": "RESOURCE_EXHAUSTION",
            "description": "inputs over a limit",
        }},
        "testGroups": [{
            "source": "tests/limits.rs",
            "trust": {"certificates": ["certs/rsa2048.pem"]},
            "context": {"now": "2026-01-01T00:00:00Z", "input_encoding": "xml"},
            "tests": tests,
        }],
    });
    files.insert("big.json", serde_json::to_vec(&vector).unwrap());
    let report = Runner::new(&files).run_file("big.json");
    let failures: Vec<String> = report
        .lines()
        .into_iter()
        .filter(|l| !l.starts_with("ok"))
        .collect();
    assert_eq!(failures, Vec::<String>::new());
    assert_eq!(report.passed(), cases.len());
}

#[test]
fn the_committed_limit_vectors_pass_and_are_all_flagged() {
    let dir = root().join("test-vectors/limits");
    let paths = vectors::collect(&[dir.to_string_lossy().into_owned()]);
    assert_eq!(paths.len(), 3, "{paths:?}");
    let files = FsFiles;
    let runner = Runner::new(&files);
    let reports: Vec<_> = paths.iter().map(|p| runner.run_file(p)).collect();
    let failures: Vec<String> = reports
        .iter()
        .flat_map(|r| r.lines())
        .filter(|l| !l.starts_with("ok"))
        .collect();
    assert_eq!(failures, Vec::<String>::new());
    let summary = Summary::of(&reports);
    assert!(summary.passed >= 30, "{}", summary.closing_line());
    // Every case carries the ResourceExhaustion note, and every file is
    // small enough to commit.
    for p in &paths {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
        assert_eq!(
            v["notes"]["ResourceExhaustion"]["bugType"], "RESOURCE_EXHAUSTION",
            "{p}"
        );
        for g in v["testGroups"].as_array().unwrap() {
            for t in g["tests"].as_array().unwrap() {
                let flags = t["flags"].as_array().unwrap();
                assert!(flags.iter().any(|f| f == "ResourceExhaustion"), "{p} {t}");
                if let Some(f) = t["input"]["file"].as_str() {
                    let input = Path::new(p).parent().unwrap().join(f);
                    let len = std::fs::metadata(&input).unwrap().len();
                    assert!(len <= 100 * 1024, "{} is {len} bytes", input.display());
                }
            }
        }
    }
}
