//! `idbridge sp metadata|request CONFIG`: the artifacts are exactly the
//! library's for the same configuration; bad configurations exit 1
//! (`config.invalid`) or 2 (not the expected JSON).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine as _;
use idbridge::crypto::RustCryptoSigner;
use idbridge::saml_sp::{
    AuthnRequest, BillingContact, Contact, OrganizationName, SpCredential, SpMetadata, SpProfile,
};
use idbridge::{spid, UnixTime};
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn config(dir: &std::path::Path, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v = serde_json::json!({
        "profile": "spid-public",
        "entity_id": "https://sp.example.it",
        "acs_url": "https://sp.example.it/acs",
        "slo_url": "https://sp.example.it/logout",
        "key": format!("{ROOT}/test-vectors/keys/rsa2048.pk8.pem"),
        "certificate": format!("{ROOT}/test-vectors/xmldsig/certs/rsa2048.pem"),
        "service_name": "Servizi online",
        "attributes": ["spidCode", "fiscalNumber"],
        "organization": [{"lang": "it", "name": "Comune di Esempio", "display_name": "Esempio", "url": "https://www.comune.esempio.it"}],
        "contact": {"email": "spid@comune.esempio.it", "ipa_code": "c_x000"}
    });
    edit(&mut v);
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("sp.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

fn tmp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("idbridge-cli-sp-{}-{name}", std::process::id()))
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_idbridge"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn signer() -> RustCryptoSigner {
    let pem = std::fs::read_to_string(format!("{ROOT}/test-vectors/keys/rsa2048.pk8.pem")).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    RustCryptoSigner::from_pkcs8_der(
        &base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .unwrap()
}

fn cert() -> Vec<u8> {
    std::fs::read(format!("{ROOT}/test-vectors/xmldsig/certs/rsa2048.pem")).unwrap()
}

#[test]
fn metadata_is_the_librarys_for_the_same_configuration() {
    let dir = tmp("md");
    let cfg = config(&dir, |_| {});
    let (code, out, err) = run(&["sp", "metadata", &cfg]);
    assert_eq!(code, 0, "{err}");
    let mut md = SpMetadata::new(
        SpProfile::SpidPublic,
        "https://sp.example.it",
        "https://sp.example.it/acs",
        "https://sp.example.it/logout",
    );
    md.service_name = "Servizi online".into();
    md.attributes = vec!["spidCode".into(), "fiscalNumber".into()];
    md.organization = vec![OrganizationName {
        lang: "it".into(),
        name: "Comune di Esempio".into(),
        display_name: "Esempio".into(),
        url: "https://www.comune.esempio.it".into(),
    }];
    md.contact = Contact {
        email: "spid@comune.esempio.it".into(),
        ipa_code: Some("c_x000".into()),
        ..Contact::default()
    };
    let s = signer();
    let expected = md.sign(&SpCredential::new(&s, &cert()).unwrap()).unwrap();
    assert_eq!(out.trim_end(), expected);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn request_in_each_binding_is_the_librarys() {
    let dir = tmp("req");
    let cfg = config(&dir, |_| {});
    let base = [
        "sp",
        "request",
        cfg.as_str(),
        "--idp-sso",
        "https://idp.example.it/sso",
        "--id",
        "_abc123",
        "--now",
        "2026-03-01T10:00:00Z",
        "--level",
        "SpidL3",
    ];
    let s = signer();
    let c = cert();
    let credential = SpCredential::new(&s, &c).unwrap();
    let mut request = AuthnRequest::new(
        "https://sp.example.it",
        "https://idp.example.it/sso",
        "_abc123",
        UnixTime::parse_rfc3339("2026-03-01T10:00:00Z").unwrap(),
    );
    request.level = spid::Level::L3;
    for (binding, expected) in [
        ("xml", request.signed_xml(&credential).unwrap()),
        ("post", request.post_form(&credential, "idbridge").unwrap()),
        (
            "redirect",
            request.redirect_url(&credential, "idbridge").unwrap(),
        ),
    ] {
        let mut args = base.to_vec();
        args.extend(["--binding", binding]);
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{binding}: {err}");
        assert_eq!(out.trim_end(), expected.trim_end(), "{binding}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_configurations_fail_with_their_exit_status() {
    let dir = tmp("bad");
    // A value the library refuses: exit 1 and the stable code.
    let cfg = config(&dir, |v| v["entity_id"] = "not a url".into());
    let (code, _, err) = run(&["sp", "metadata", &cfg]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: config.invalid"), "{err}");
    let (code, _, err) = run(&[
        "sp",
        "request",
        &cfg,
        "--idp-sso",
        "https://idp.example.it/sso",
        "--id",
        "1bad",
    ]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: config.invalid"), "{err}");
    // Not the expected JSON: exit 2.
    for edit in [
        (|v: &mut serde_json::Value| v["unknown"] = 1.into()) as fn(&mut serde_json::Value),
        |v| v["profile"] = "cie-private".into(),
        |v| v["attributes"] = "spidCode".into(),
        |v| v["contact"]["fax"] = "1".into(),
        |v| v["key"] = "/nonexistent/key.pem".into(),
    ] {
        let cfg = config(&dir, edit);
        let (code, _, err) = run(&["sp", "metadata", &cfg]);
        assert_eq!(code, 2, "{err}");
    }
    let (code, _, _) = run(&["sp", "metadata", "/nonexistent/sp.json"]);
    assert_eq!(code, 2);
    let cfg = config(&dir, |_| {});
    let (code, _, _) = run(&[
        "sp",
        "request",
        &cfg,
        "--idp-sso",
        "https://idp.example.it/sso",
        "--id",
        "_a",
        "--level",
        "SpidL9",
    ]);
    assert_eq!(code, 2);
    std::fs::remove_dir_all(dir).unwrap();
}

/// A private SPID SP's configuration (Avviso 29 v3): VAT number and fiscal
/// code instead of the IPA code, and the billing contact.
fn private(v: &mut serde_json::Value) {
    v["profile"] = "spid-private".into();
    v["contact"] = serde_json::json!({
        "email": "spid@esempio.it",
        "vat_number": "IT12345678901",
        "fiscal_code": "12345678901"
    });
    v["billing"] = serde_json::json!({
        "email": "fatture@esempio.it",
        "telephone": "+390612345678",
        "vat_country": "IT",
        "vat_code": "12345678901",
        "company": "Esempio S.p.A.",
        "address": "Via Roma 1",
        "postal_code": "00100",
        "municipality": "Roma",
        "province": "RM",
        "country": "IT"
    });
}

#[test]
fn private_spid_metadata_is_the_librarys_with_its_billing_contact() {
    let dir = tmp("private");
    let cfg = config(&dir, private);
    let (code, out, err) = run(&["sp", "metadata", &cfg]);
    assert_eq!(code, 0, "{err}");
    let mut md = SpMetadata::new(
        SpProfile::SpidPrivate,
        "https://sp.example.it",
        "https://sp.example.it/acs",
        "https://sp.example.it/logout",
    );
    md.service_name = "Servizi online".into();
    md.attributes = vec!["spidCode".into(), "fiscalNumber".into()];
    md.organization = vec![OrganizationName {
        lang: "it".into(),
        name: "Comune di Esempio".into(),
        display_name: "Esempio".into(),
        url: "https://www.comune.esempio.it".into(),
    }];
    md.contact = Contact {
        email: "spid@esempio.it".into(),
        vat_number: Some("IT12345678901".into()),
        fiscal_code: Some("12345678901".into()),
        ..Contact::default()
    };
    md.billing = Some(BillingContact {
        email: "fatture@esempio.it".into(),
        telephone: Some("+390612345678".into()),
        vat_country: "IT".into(),
        vat_code: "12345678901".into(),
        company: "Esempio S.p.A.".into(),
        address: "Via Roma 1".into(),
        postal_code: "00100".into(),
        municipality: "Roma".into(),
        province: Some("RM".into()),
        country: "IT".into(),
    });
    let s = signer();
    let expected = md.sign(&SpCredential::new(&s, &cert()).unwrap()).unwrap();
    assert_eq!(out.trim_end(), expected);
    assert!(out.contains("<spid:Private/>"));
    assert!(out.contains("contactType=\"billing\""));
    assert!(out.contains("<fpa:Denominazione>Esempio S.p.A.</fpa:Denominazione>"));
    // The AuthnRequest does not depend on the profile: a private SP gets one too.
    let (code, out, err) = run(&[
        "sp",
        "request",
        &cfg,
        "--idp-sso",
        "https://idp.example.it/sso",
        "--id",
        "_priv1",
        "--binding",
        "xml",
        "--now",
        "2026-03-01T10:00:00Z",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("<samlp:AuthnRequest"), "{out}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn private_spid_configurations_are_refused_with_their_exit_status() {
    let dir = tmp("private-bad");
    // Values the profile refuses: exit 1, config.invalid.
    for edit in [
        // No billing contact.
        (|v: &mut serde_json::Value| {
            private(v);
            v.as_object_mut().unwrap().remove("billing");
        }) as fn(&mut serde_json::Value),
        // A billing contact on a public SP.
        |v| {
            private(v);
            v["profile"] = "spid-public".into();
            v["contact"] =
                serde_json::json!({"email": "spid@comune.esempio.it", "ipa_code": "c_x000"});
        },
        // Neither VAT number nor fiscal code.
        |v| {
            private(v);
            v["contact"] = serde_json::json!({"email": "spid@esempio.it"});
        },
        // A CAP that is not five digits.
        |v| {
            private(v);
            v["billing"]["postal_code"] = "001".into();
        },
    ] {
        let cfg = config(&dir, edit);
        let (code, _, err) = run(&["sp", "metadata", &cfg]);
        assert_eq!(code, 1, "{err}");
        assert!(err.starts_with("error: config.invalid"), "{err}");
    }
    // Not the expected JSON: exit 2.
    for edit in [
        (|v: &mut serde_json::Value| {
            private(v);
            v["billing"]["fax"] = "1".into();
        }) as fn(&mut serde_json::Value),
        |v| {
            private(v);
            v["billing"] = "fatture@esempio.it".into();
        },
        |v| {
            private(v);
            v["billing"].as_object_mut().unwrap().remove("company");
        },
    ] {
        let cfg = config(&dir, edit);
        let (code, _, err) = run(&["sp", "metadata", &cfg]);
        assert_eq!(code, 2, "{err}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}
