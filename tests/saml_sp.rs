//! The SPID / CIE ID service provider's side (`idbridge::saml_sp`):
//! metadata and AuthnRequests signed here verify with the library's own
//! XML-DSig verifier, carry what each rule of the official SP checks
//! (spid-sp-test, `../shared/tools/spid-sp-test/README.md`) asks, and
//! every bad configuration is `config.invalid`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine as _;
use idbridge::c14n::{decode_input, Document, Element, Encoding};
use idbridge::crypto::{self, Algorithm, AllowList, RustCryptoSigner, Signer};
use idbridge::saml_sp::{
    AuthnRequest, BillingContact, Contact, OrganizationName, SpCredential, SpMetadata, SpProfile,
};
use idbridge::xmldsig::{self, Policy, TrustedCertificates};
use idbridge::{spid, Limits, Trust, UnixTime};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn file(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{ROOT}/{rel}")).unwrap()
}

fn signer(name: &str) -> RustCryptoSigner {
    let pem = String::from_utf8(file(&format!("test-vectors/keys/{name}.pk8.pem"))).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    RustCryptoSigner::from_pkcs8_der(&B64.decode(b64).unwrap()).unwrap()
}

fn cert(name: &str) -> Vec<u8> {
    file(&format!("test-vectors/xmldsig/certs/{name}.pem"))
}

fn org(lang: &str) -> OrganizationName {
    OrganizationName {
        lang: lang.into(),
        name: "Comune di Esempio".into(),
        display_name: "Esempio".into(),
        url: format!("https://www.comune.esempio.it/{lang}"),
    }
}

fn spid_public() -> SpMetadata {
    let mut md = SpMetadata::new(
        SpProfile::SpidPublic,
        "https://sp.example.it",
        "https://sp.example.it/acs",
        "https://sp.example.it/logout",
    );
    md.service_name = "Servizi online".into();
    md.attributes = [
        "spidCode",
        "name",
        "familyName",
        "fiscalNumber",
        "email",
        "dateOfBirth",
    ]
    .map(String::from)
    .to_vec();
    md.organization = vec![org("it"), org("en")];
    md.contact = Contact {
        email: "spid@comune.esempio.it".into(),
        telephone: Some("+390612345678".into()),
        ipa_code: Some("c_x000".into()),
        ..Contact::default()
    };
    md
}

fn spid_private() -> SpMetadata {
    let mut md = spid_public();
    md.profile = SpProfile::SpidPrivate;
    md.contact.ipa_code = None;
    md.contact.vat_number = Some("IT12345678901".into());
    md.contact.fiscal_code = Some("12345678901".into());
    md.billing = Some(BillingContact {
        email: "fatture@esempio.it".into(),
        telephone: None,
        vat_country: "IT".into(),
        vat_code: "12345678901".into(),
        company: "Esempio S.p.A.".into(),
        address: "Via Roma 1".into(),
        postal_code: "00100".into(),
        municipality: "Roma".into(),
        province: Some("RM".into()),
        country: "IT".into(),
    });
    md
}

fn cie_public() -> SpMetadata {
    let mut md = spid_public();
    md.profile = SpProfile::CiePublic;
    md.attributes = ["name", "familyName", "fiscalNumber", "dateOfBirth"]
        .map(String::from)
        .to_vec();
    md.contact.municipality = Some("H501".into());
    md.contact.province = Some("RM".into());
    md.contact.country = Some("IT".into());
    md
}

fn trusted() -> TrustedCertificates {
    let mut t = TrustedCertificates::new();
    t.add(&cert("rsa2048")).unwrap();
    t
}

fn children<'a, 'i>(e: Element<'a, 'i>, ns: &str, name: &str) -> Vec<Element<'a, 'i>> {
    e.children()
        .filter(|c| c.namespace() == Some(ns) && c.local_name() == name)
        .collect()
}

fn one<'a, 'i>(e: Element<'a, 'i>, ns: &str, name: &str) -> Element<'a, 'i> {
    let v = children(e, ns, name);
    assert_eq!(v.len(), 1, "exactly one {name}");
    v[0]
}

/// Signs `md` and checks what every profile shares; returns the XML.
fn signed_metadata(md: &SpMetadata) -> String {
    let key = signer("rsa2048");
    let cred = SpCredential::new(&key, &cert("rsa2048")).unwrap();
    let xml = md.sign(&cred).unwrap();
    let limits = Limits::default();
    let doc = Document::parse(&xml, &limits).unwrap();
    // The signature verifies with the certificate, as xmlsec1 would with
    // the certificate from KeyInfo.
    let verified = xmldsig::verify_enveloped(&doc, &trusted(), Policy::XMLDSIG).unwrap();
    assert_eq!(verified.id(), md.document_id());
    let root = doc.root_element();
    assert_eq!(root.local_name(), "EntityDescriptor");
    assert_eq!(root.attribute("entityID"), Some(md.entity_id.as_str()));
    // Signature first (the schema's place), with its certificate.
    let first = root.children().next().unwrap();
    assert_eq!(
        (first.namespace(), first.local_name()),
        (Some(DS), "Signature")
    );
    let ki = one(
        one(one(first, DS, "KeyInfo"), DS, "X509Data"),
        DS,
        "X509Certificate",
    );
    let cert_der = idbridge_pem_der(&cert("rsa2048"));
    assert_eq!(ki.text(), Some(B64.encode(&cert_der).as_str()));
    let sm = one(one(first, DS, "SignedInfo"), DS, "SignatureMethod");
    assert_eq!(
        sm.attribute("Algorithm"),
        Some("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    );

    let sp = one(root, MD, "SPSSODescriptor");
    assert_eq!(
        sp.attribute("protocolSupportEnumeration"),
        Some("urn:oasis:names:tc:SAML:2.0:protocol")
    );
    assert_eq!(sp.attribute("AuthnRequestsSigned"), Some("true"));
    assert_eq!(sp.attribute("WantAssertionsSigned"), Some("true"));
    let kd = one(sp, MD, "KeyDescriptor");
    assert_eq!(kd.attribute("use"), Some("signing"));
    let kd_cert = one(
        one(one(kd, DS, "KeyInfo"), DS, "X509Data"),
        DS,
        "X509Certificate",
    );
    assert_eq!(kd_cert.text(), ki.text());
    let slo = one(sp, MD, "SingleLogoutService");
    assert_eq!(slo.attribute("Location"), Some(md.slo_url.as_str()));
    assert_eq!(
        one(sp, MD, "NameIDFormat").text(),
        Some("urn:oasis:names:tc:SAML:2.0:nameid-format:transient")
    );
    let acs = one(sp, MD, "AssertionConsumerService");
    assert_eq!(acs.attribute("index"), Some("0"));
    assert_eq!(acs.attribute("isDefault"), Some("true"));
    assert_eq!(
        acs.attribute("Binding"),
        Some("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")
    );
    assert_eq!(acs.attribute("Location"), Some(md.acs_url.as_str()));
    let atcs = one(sp, MD, "AttributeConsumingService");
    assert_eq!(atcs.attribute("index"), Some("0"));
    assert_eq!(
        one(atcs, MD, "ServiceName").text(),
        Some(md.service_name.as_str())
    );
    let names: Vec<_> = children(atcs, MD, "RequestedAttribute")
        .iter()
        .map(|a| a.attribute("Name").unwrap().to_owned())
        .collect();
    assert_eq!(names, md.attributes);

    let o = one(root, MD, "Organization");
    for part in [
        "OrganizationName",
        "OrganizationDisplayName",
        "OrganizationURL",
    ] {
        let langs: Vec<_> = children(o, MD, part)
            .iter()
            .map(|e| {
                e.attribute("{http://www.w3.org/XML/1998/namespace}lang")
                    .or(e.attribute("xml:lang"))
                    .map(str::to_owned)
            })
            .collect();
        assert_eq!(langs.len(), md.organization.len(), "{part}");
    }
    assert!(xml.contains("<md:OrganizationName xml:lang=\"it\">"));
    xml
}

fn idbridge_pem_der(pem: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(pem).unwrap();
    let b64: String = text
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    B64.decode(b64).unwrap()
}

fn contacts<'a, 'i>(root: Element<'a, 'i>) -> Vec<Element<'a, 'i>> {
    children(root, MD, "ContactPerson")
}

/// `IDBRIDGE_SAML_SP_DUMP=DIR` writes the three signed metadata there (for
/// the official XSDs and spid-sp-test's `file://` metadata checks).
#[test]
fn dump_metadata_when_asked() {
    let Ok(dir) = std::env::var("IDBRIDGE_SAML_SP_DUMP") else {
        return;
    };
    for (name, md) in [
        ("spid-public", spid_public()),
        ("spid-private", spid_private()),
        ("cie-public", cie_public()),
    ] {
        std::fs::write(format!("{dir}/{name}.xml"), signed_metadata(&md)).unwrap();
    }
}

#[test]
fn spid_public_metadata() {
    let xml = signed_metadata(&spid_public());
    let doc = Document::parse(&xml, &Limits::default()).unwrap();
    let c = contacts(doc.root_element());
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].attribute("contactType"), Some("other"));
    let ext: Vec<_> = one(c[0], MD, "Extensions")
        .children()
        .map(|e| {
            (
                e.namespace().unwrap().to_owned(),
                e.local_name().to_owned(),
                e.text().map(str::to_owned),
            )
        })
        .collect();
    let spid = "https://spid.gov.it/saml-extensions".to_owned();
    assert_eq!(
        ext,
        vec![
            (spid.clone(), "IPACode".into(), Some("c_x000".into())),
            (spid, "Public".into(), None),
        ]
    );
    assert_eq!(
        one(c[0], MD, "EmailAddress").text(),
        Some("spid@comune.esempio.it")
    );
    assert_eq!(
        one(c[0], MD, "TelephoneNumber").text(),
        Some("+390612345678")
    );
}

#[test]
fn spid_private_metadata_has_the_billing_contact() {
    let xml = signed_metadata(&spid_private());
    let doc = Document::parse(&xml, &Limits::default()).unwrap();
    let c = contacts(doc.root_element());
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].attribute("contactType"), Some("other"));
    assert!(xml.contains("<spid:VATNumber>IT12345678901</spid:VATNumber><spid:FiscalCode>12345678901</spid:FiscalCode><spid:Private/>"));
    assert!(!xml.contains("IPACode"));
    assert_eq!(c[1].attribute("contactType"), Some("billing"));
    let cc = one(
        one(c[1], MD, "Extensions"),
        "https://spid.gov.it/invoicing-extensions",
        "CessionarioCommittente",
    );
    assert_eq!(cc.children().count(), 2);
}

#[test]
fn cie_public_metadata() {
    let xml = signed_metadata(&cie_public());
    let doc = Document::parse(&xml, &Limits::default()).unwrap();
    let c = contacts(doc.root_element());
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].attribute("contactType"), Some("administrative"));
    let cie = "https://www.cartaidentita.interno.gov.it/saml-extensions";
    let ext: Vec<_> = one(c[0], MD, "Extensions")
        .children()
        .map(|e| {
            assert_eq!(e.namespace(), Some(cie));
            e.local_name().to_owned()
        })
        .collect();
    assert_eq!(
        ext,
        ["Public", "IPACode", "Municipality", "Province", "Country"]
    );
    assert_eq!(one(c[0], MD, "Company").text(), Some("Comune di Esempio"));
    assert!(!xml.contains("spid:"));
}

#[test]
fn tampered_metadata_does_not_verify() {
    let xml = signed_metadata(&spid_public());
    let bad = xml.replace("https://sp.example.it/acs", "https://evil.example/acs");
    let doc = Document::parse(&bad, &Limits::default()).unwrap();
    let err = xmldsig::verify_enveloped(&doc, &trusted(), Policy::XMLDSIG).unwrap_err();
    assert_eq!(err.code(), "xmldsig.digest.mismatch");
}

#[test]
fn every_bad_configuration_is_refused_before_signing() {
    type Edit = fn(&mut SpMetadata);
    let cases: &[(&str, Edit)] = &[
        ("entity ID not a URL", |m| m.entity_id = "sp".into()),
        ("entity ID with a line break", |m| {
            m.entity_id = "https://a\n".into()
        }),
        ("ACS URL empty", |m| m.acs_url = String::new()),
        ("SLO URL ftp", |m| m.slo_url = "ftp://x/y".into()),
        ("no ServiceName", |m| m.service_name = String::new()),
        ("no attribute", |m| m.attributes.clear()),
        ("unknown attribute", |m| {
            m.attributes.push("shoeSize".into())
        }),
        ("attribute twice", |m| m.attributes.push("spidCode".into())),
        ("no Italian names", |m| {
            m.organization.retain(|o| o.lang != "it")
        }),
        ("language twice", |m| m.organization.push(org("en"))),
        ("bad language", |m| m.organization[1].lang = "e n".into()),
        ("organization URL", |m| m.organization[0].url = "x".into()),
        ("email", |m| m.contact.email = "nobody".into()),
        ("email with space", |m| m.contact.email = "a b@c.it".into()),
        ("telephone with spaces", |m| {
            m.contact.telephone = Some("+39 06 1".into())
        }),
        ("public without IPA code", |m| m.contact.ipa_code = None),
        ("VAT without country", |m| {
            m.contact.vat_number = Some("12345678901".into())
        }),
        ("billing on a public SP", |m| {
            m.billing = spid_private().billing
        }),
        ("private with IPA code", |m| {
            *m = spid_private();
            m.contact.ipa_code = Some("x".into());
        }),
        ("private without VAT or fiscal code", |m| {
            *m = spid_private();
            m.contact.vat_number = None;
            m.contact.fiscal_code = None;
        }),
        ("private without billing", |m| {
            *m = spid_private();
            m.billing = None;
        }),
        ("billing CAP", |m| {
            *m = spid_private();
            m.billing.as_mut().unwrap().postal_code = "001".into();
        }),
        ("billing country", |m| {
            *m = spid_private();
            m.billing.as_mut().unwrap().country = "Italy".into();
        }),
        ("CIE with a SPID-only attribute", |m| {
            *m = cie_public();
            m.attributes.push("spidCode".into());
        }),
        ("CIE without municipality", |m| {
            *m = cie_public();
            m.contact.municipality = None;
        }),
    ];
    let key = signer("rsa2048");
    let cred = SpCredential::new(&key, &cert("rsa2048")).unwrap();
    for (what, edit) in cases {
        let mut md = spid_public();
        edit(&mut md);
        let err = md.sign(&cred).expect_err(what);
        assert_eq!(err.code(), "config.invalid", "{what}");
    }
}

#[test]
fn the_credential_must_be_rsa_and_match_its_certificate() {
    let key = signer("rsa2048");
    let err = SpCredential::new(&key, &cert("rsa2048-b")).unwrap_err();
    assert_eq!(err.code(), "config.invalid");
    let ec = signer("p256");
    let err = SpCredential::new(&ec, &cert("p256")).unwrap_err();
    assert_eq!(err.code(), "config.invalid");
    let err = SpCredential::new(&key, b"not a certificate").unwrap_err();
    assert_eq!(err.code(), "x509.cert.malformed");
    // The same key in another certificate is fine.
    assert!(SpCredential::new(&key, &cert("rsa2048-reissued")).is_ok());
}

fn request(level: spid::Level) -> AuthnRequest {
    let mut r = AuthnRequest::new(
        "https://sp.example.it",
        "https://localhost:8443/samlsso",
        "_0123456789abcdef0123456789abcdef01234567",
        UnixTime::parse_rfc3339("2026-03-01T10:00:00Z").unwrap(),
    );
    r.level = level;
    r
}

const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";

/// The rules of spid-sp-test's AuthnRequest checks that the XML carries.
fn check_request_xml(root: Element<'_, '_>, level: spid::Level, signed: bool) {
    assert_eq!(
        (root.namespace(), root.local_name()),
        (Some(SAMLP), "AuthnRequest")
    );
    assert_eq!(root.attribute("Version"), Some("2.0"));
    assert_eq!(root.attribute("IssueInstant"), Some("2026-03-01T10:00:00Z"));
    assert_eq!(
        root.attribute("Destination"),
        Some("https://localhost:8443/samlsso")
    );
    assert_eq!(root.attribute("IsPassive"), None);
    let force = (level != spid::Level::L1).then_some("true");
    assert_eq!(root.attribute("ForceAuthn"), force);
    assert_eq!(root.attribute("AssertionConsumerServiceIndex"), Some("0"));
    assert_eq!(root.attribute("AttributeConsumingServiceIndex"), Some("0"));
    let kids: Vec<_> = root.children().map(|c| c.local_name().to_owned()).collect();
    let expected: &[&str] = if signed {
        &[
            "Issuer",
            "Signature",
            "NameIDPolicy",
            "RequestedAuthnContext",
        ]
    } else {
        &["Issuer", "NameIDPolicy", "RequestedAuthnContext"]
    };
    assert_eq!(kids, expected);
    let issuer = one(root, SAML, "Issuer");
    assert_eq!(issuer.text(), Some("https://sp.example.it"));
    assert_eq!(
        issuer.attribute("NameQualifier"),
        Some("https://sp.example.it")
    );
    assert_eq!(
        issuer.attribute("Format"),
        Some("urn:oasis:names:tc:SAML:2.0:nameid-format:entity")
    );
    let policy = one(root, SAMLP, "NameIDPolicy");
    assert_eq!(
        policy.attribute("Format"),
        Some("urn:oasis:names:tc:SAML:2.0:nameid-format:transient")
    );
    assert_eq!(policy.attribute("AllowCreate"), None);
    let rac = one(root, SAMLP, "RequestedAuthnContext");
    assert_eq!(rac.attribute("Comparison"), Some("minimum"));
    assert_eq!(
        one(rac, SAML, "AuthnContextClassRef").text(),
        Some(format!("https://www.spid.gov.it/{}", level.name()).as_str())
    );
}

#[test]
fn post_binding_request_is_signed_and_complete() {
    let key = signer("rsa2048");
    let cred = SpCredential::new(&key, &cert("rsa2048")).unwrap();
    for level in [spid::Level::L1, spid::Level::L2, spid::Level::L3] {
        let r = request(level);
        let xml = r.signed_xml(&cred).unwrap();
        let doc = Document::parse(&xml, &Limits::default()).unwrap();
        let v = xmldsig::verify_enveloped(&doc, &trusted(), Policy::XMLDSIG).unwrap();
        assert_eq!(v.id(), r.id);
        check_request_xml(doc.root_element(), level, true);
    }
    // The form carries the same request, base64, and the RelayState.
    let page = request(spid::Level::L2).post_form(&cred, "a&b").unwrap();
    assert!(page.contains("<form method=\"post\" action=\"https://localhost:8443/samlsso\">"));
    assert!(page.contains("name=\"RelayState\" value=\"a&amp;b\""));
    let b64 = page
        .split("name=\"SAMLRequest\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let text = decode_input(b64.as_bytes(), Encoding::Base64, &Limits::default()).unwrap();
    let doc = Document::parse(&text, &Limits::default()).unwrap();
    xmldsig::verify_enveloped(&doc, &trusted(), Policy::XMLDSIG).unwrap();
}

fn form_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn redirect_binding_signs_the_exact_query_string() {
    let key = signer("rsa2048");
    let cred = SpCredential::new(&key, &cert("rsa2048")).unwrap();
    let r = request(spid::Level::L2);
    let url = r.redirect_url(&cred, "rs 1/ok").unwrap();
    let (base, query) = url.split_once('?').unwrap();
    assert_eq!(base, "https://localhost:8443/samlsso");
    let (signed, signature) = query.rsplit_once("&Signature=").unwrap();
    let params: Vec<(&str, &str)> = signed
        .split('&')
        .map(|kv| kv.split_once('=').unwrap())
        .collect();
    let names: Vec<_> = params.iter().map(|p| p.0).collect();
    assert_eq!(names, ["SAMLRequest", "RelayState", "SigAlg"]);
    assert_eq!(params[1].1, "rs+1%2Fok");
    assert_eq!(
        form_decode(params[2].1),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    );
    // Upper-case escapes only, as the tool re-encodes.
    assert!(!query.contains("%2f") && !query.contains("%3d") && !query.contains("%2b"));
    let sig = B64.decode(form_decode(signature)).unwrap();
    crypto::verify_signature(
        crypto::default_backend(),
        AllowList::default(),
        Algorithm::RSA_PKCS1V15_SHA256,
        key.public_key().spki_der(),
        signed.as_bytes(),
        &sig,
    )
    .unwrap();
    // One byte changed in the signed string: refused.
    let other = signed.replacen("rs+1", "rs+2", 1);
    assert!(crypto::verify_signature(
        crypto::default_backend(),
        AllowList::default(),
        Algorithm::RSA_PKCS1V15_SHA256,
        key.public_key().spki_der(),
        other.as_bytes(),
        &sig,
    )
    .is_err());
    // SAMLRequest: raw DEFLATE of the unsigned request.
    let deflated = B64.decode(form_decode(params[0].1)).unwrap();
    let xml = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, 64 * 1024).unwrap();
    let xml = String::from_utf8(xml).unwrap();
    assert_eq!(xml, r.unsigned_xml().unwrap());
    let doc = Document::parse(&xml, &Limits::default()).unwrap();
    check_request_xml(doc.root_element(), spid::Level::L2, false);
}

#[test]
fn bad_requests_are_refused() {
    let key = signer("rsa2048");
    let cred = SpCredential::new(&key, &cert("rsa2048")).unwrap();
    let mut r = request(spid::Level::L2);
    r.id = "1-not-an-id".into();
    assert_eq!(r.signed_xml(&cred).unwrap_err().code(), "config.invalid");
    let mut r = request(spid::Level::L2);
    r.destination = "https://idp.example/sso?x=1".into();
    assert_eq!(
        r.redirect_url(&cred, "s").unwrap_err().code(),
        "config.invalid"
    );
    let mut r = request(spid::Level::L2);
    r.sp_entity_id = "\"><x/>".into();
    assert_eq!(r.unsigned_xml().unwrap_err().code(), "config.invalid");
    let r = request(spid::Level::L2);
    for rs in ["", &"x".repeat(81), "a\nb"] {
        assert_eq!(r.post_form(&cred, rs).unwrap_err().code(), "config.invalid");
        assert_eq!(
            r.redirect_url(&cred, rs).unwrap_err().code(),
            "config.invalid"
        );
    }
    assert!(r.post_form(&cred, &"x".repeat(80)).is_ok());
}

/// What `sent()` keeps is what the ACS checks: the test vectors' Response
/// (InResponseTo `_idbr-spid-req-…`, SpidL2, issued 10:00:10Z) verifies
/// against a request made with that ID, and not against another ID, a
/// higher level or a later IssueInstant.
#[test]
fn sent_request_drives_the_acs_expectations() {
    let trust = Trust::builder()
        .pin_saml_idp_metadata(&file("test-vectors/spid/metadata/idp.xml"))
        .unwrap()
        .build()
        .unwrap();
    let posted = file("test-vectors/spid/responses/valid.xml");
    let now = UnixTime::parse_rfc3339("2026-03-01T10:00:30Z").unwrap();
    let make = |id: &str, at: &str, level| {
        let mut r = AuthnRequest::new(
            "https://sp.idbridge.test",
            "https://idp.idbridge.test/sso",
            id,
            UnixTime::parse_rfc3339(at).unwrap(),
        );
        r.level = level;
        r.sent()
    };
    let check = |sent: &idbridge::saml_sp::SentRequest| {
        let mut exp = sent.expectations("https://sp.idbridge.test", "https://sp.idbridge.test/acs");
        exp.input = spid::InputEncoding::Xml;
        spid::verify_response(&trust, &posted, &exp, now).map(|_| ())
    };
    let id = "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4";
    check(&make(id, "2026-03-01T10:00:05Z", spid::Level::L2)).unwrap();
    let e = check(&make("_other", "2026-03-01T10:00:05Z", spid::Level::L2)).unwrap_err();
    assert_eq!(e.code(), "saml.in_response_to.mismatch");
    let e = check(&make(id, "2026-03-01T10:00:05Z", spid::Level::L3)).unwrap_err();
    assert_eq!(e.code(), "saml.authn_context.insufficient");
    let e = check(&make(id, "2026-03-01T10:00:20Z", spid::Level::L2)).unwrap_err();
    assert_eq!(e.code(), "saml.time.invalid");
}

/// Markup in a configured value is text, not markup: escaped, signed, and
/// read back as written.
#[test]
fn markup_in_values_is_escaped() {
    let mut md = spid_public();
    md.organization[0].name = "Rossi & Figli <s.r.l.> \"x\"".into();
    md.service_name = "</md:ServiceName><evil/>".into();
    let xml = signed_metadata(&md);
    let doc = Document::parse(&xml, &Limits::default()).unwrap();
    let root = doc.root_element();
    let org = one(root, MD, "Organization");
    assert_eq!(
        children(org, MD, "OrganizationName")[0].text(),
        Some("Rossi & Figli <s.r.l.> \"x\"")
    );
    let sp = one(root, MD, "SPSSODescriptor");
    let atcs = one(sp, MD, "AttributeConsumingService");
    assert_eq!(
        one(atcs, MD, "ServiceName").text(),
        Some("</md:ServiceName><evil/>")
    );
    assert!(!xml.contains("<evil/>"));
}

/// The Python that runs `scripts/xsd-validate.py`: `IDBRIDGE_XSD_PYTHON`
/// (set by `scripts/test-all.sh native`, which installs the validator in
/// its tools venv), else spid-sp-test's venv (`SPID_SP_TEST_HOME`, default
/// `target/spid-sp-test/`), else the tools venv (`target/tools/venv`),
/// else `python3`.
fn xsd_python() -> String {
    if let Ok(p) = std::env::var("IDBRIDGE_XSD_PYTHON") {
        return p;
    }
    let tools = format!("{ROOT}/target/tools/venv/bin/python3");
    let home = std::env::var("SPID_SP_TEST_HOME")
        .unwrap_or_else(|_| format!("{ROOT}/target/spid-sp-test"));
    let spid = format!("{home}/venv/bin/python3");
    [spid, tools]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or_else(|| "python3".into())
}

/// True when `CI` is set to anything but `false` or `0`, as
/// `scripts/test-all.sh` reads it.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A check that cannot run: a SKIPPED line, or a failure under CI, where
/// the test command installs the validator (`scripts/test-all.sh native`).
fn xsd_unavailable(why: &str) {
    assert!(
        !in_ci(),
        "the XSD check cannot run and CI is set: {why} \
         (scripts/test-all.sh native installs it; IDBRIDGE_XSD_PYTHON names the Python)"
    );
    println!("SKIPPED xsd: {why}");
}

/// Runs this binary's XSD test alone with a Python that does not exist and
/// `CI` as given.
fn xsd_without_validator(ci: Option<&str>) -> (bool, String) {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "generated_documents_are_valid_against_the_official_xsds",
        "--exact",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("IDBRIDGE_XSD_PYTHON", "/nonexistent/idbridge/python3")
    .env_remove("CI");
    if let Some(v) = ci {
        cmd.env("CI", v);
    }
    let out = cmd.output().unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), all)
}

#[test]
fn a_missing_xsd_validator_skips_outside_ci_and_fails_under_ci() {
    let (ok, all) = xsd_without_validator(None);
    assert!(ok, "{all}");
    assert!(
        all.contains("SKIPPED xsd: /nonexistent/idbridge/python3 does not run"),
        "{all}"
    );
    for v in ["false", "0"] {
        assert!(xsd_without_validator(Some(v)).0, "CI={v}");
    }
    for v in ["true", "1"] {
        let (ok, all) = xsd_without_validator(Some(v));
        assert!(!ok, "CI={v}: {all}");
        assert!(
            all.contains("the XSD check cannot run and CI is set"),
            "CI={v}: {all}"
        );
        assert!(!all.contains("SKIPPED"), "CI={v}: {all}");
    }
}

/// Everything the SP writes, validated against the official XSDs (SAML
/// 2.0 metadata and protocol, SPID Avviso 29 v3, CIE) by Python's
/// `xmlschema`, when it and spid-sp-test (whose XSD folder is used; or
/// `IDBRIDGE_XSD_DIR`) are installed: SKIPPED otherwise, and a failure
/// when `CI` is set.
#[test]
fn generated_documents_are_valid_against_the_official_xsds() {
    use idbridge::saml_sp::{LogoutRequest, LogoutResponse};
    let dir = std::env::temp_dir().join(format!("idbridge-xsd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = signer("rsa2048");
    let cred = SpCredential::new(&key, &cert("rsa2048")).unwrap();
    let now = UnixTime::parse_rfc3339("2026-03-01T10:00:00Z").unwrap();
    let logout = LogoutRequest::new(
        "https://sp.example.it",
        "https://idp.example.it/slo",
        "_logout1",
        now,
        "https://idp.example.it",
        "_name1",
        "_sess1",
    );
    let answer = LogoutResponse {
        sp_entity_id: "https://sp.example.it".into(),
        destination: "https://idp.example.it/slo".into(),
        id: "_answer1".into(),
        issue_instant: now,
        in_response_to: "_idpreq1".into(),
        success: true,
    };
    let spid_md = "saml-schema-metadata-sp-spid-av29.xsd";
    let protocol = "saml-schema-protocol-2.0.xsd";
    let docs: Vec<(&str, &str, String)> = vec![
        ("spid-public.xml", spid_md, signed_metadata(&spid_public())),
        (
            "spid-private.xml",
            spid_md,
            signed_metadata(&spid_private()),
        ),
        (
            "cie-public.xml",
            "cie/saml-schema-metadata-sp-cie.xsd",
            signed_metadata(&cie_public()),
        ),
        (
            "metadata.xml",
            "saml-schema-metadata-2.0.xsd",
            signed_metadata(&spid_public()),
        ),
        (
            "authn-post.xml",
            protocol,
            request(spid::Level::L2).signed_xml(&cred).unwrap(),
        ),
        (
            "authn-redirect.xml",
            protocol,
            request(spid::Level::L1).unsigned_xml().unwrap(),
        ),
        (
            "logout-post.xml",
            protocol,
            logout.signed_xml(&cred).unwrap(),
        ),
        (
            "logout-redirect.xml",
            protocol,
            logout.unsigned_xml().unwrap(),
        ),
        (
            "logout-response.xml",
            protocol,
            answer.signed_xml(&cred).unwrap(),
        ),
    ];
    let mut args = vec![
        format!("{ROOT}/scripts/xsd-validate.py"),
        std::env::var("IDBRIDGE_XSD_DIR").unwrap_or_else(|_| "auto".into()),
    ];
    for (name, xsd, xml) in &docs {
        let path = dir.join(name);
        std::fs::write(&path, xml).unwrap();
        args.push(format!("{xsd}={}", path.display()));
    }
    let python = xsd_python();
    let out = std::process::Command::new(&python).args(&args).output();
    std::fs::remove_dir_all(&dir).unwrap();
    let Ok(out) = out else {
        xsd_unavailable(&format!("{python} does not run"));
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    match out.status.code() {
        Some(0) => {
            assert_eq!(
                text.lines().filter(|l| l.starts_with("ok ")).count(),
                docs.len()
            );
            println!("xsd: {} documents valid ({python})", docs.len());
        }
        Some(3) => xsd_unavailable(&format!("{python}: {}", text.trim())),
        _ => panic!(
            "XSD validation failed:\n{text}{}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}
