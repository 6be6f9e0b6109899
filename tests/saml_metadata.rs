//! Signed SAML metadata: a registry (an `EntitiesDescriptor` of IdPs, as
//! AgID publishes it) verified against a pinned signer; unsigned metadata
//! only through the explicit pin; every signed byte is bound.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idbridge::Trust;
use std::path::PathBuf;

fn md(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("test-vectors/spid/metadata")
            .join(name),
    )
    .unwrap()
}

#[test]
fn a_signed_registry_loads_with_its_pinned_signer() {
    let trust = Trust::builder()
        .saml_registry(&md("registry-signed.xml"), &md("registry-signer.pem"))
        .unwrap()
        .build()
        .unwrap();
    let mut ids = trust.saml_idp_entity_ids();
    ids.sort();
    assert_eq!(ids.len(), 2, "{ids:?}");
    let sso = trust.saml_idp_sso_endpoints(ids[0]).unwrap();
    assert!(!sso.is_empty());
}

#[test]
fn a_registry_with_any_signed_byte_changed_is_refused() {
    let signed = String::from_utf8(md("registry-signed.xml")).unwrap();
    let signer = md("registry-signer.pem");
    // An IdP entity ID, a key byte, the digest, the signature value.
    let anchor = signed.find("entityID=\"").unwrap() + "entityID=\"h".len();
    let mut s1 = signed.clone();
    s1.replace_range(anchor..anchor + 1, "T");
    let cert_at = signed.find("<ds:X509Certificate>MII").unwrap();
    let cert_at = cert_at
        + signed[cert_at + 40..]
            .find("<ds:X509Certificate>")
            .map_or(0, |i| i + 40)
        + 60;
    let mut s2 = signed.clone();
    let c = &signed[cert_at..cert_at + 1];
    s2.replace_range(cert_at..cert_at + 1, if c == "A" { "B" } else { "A" });
    let sv = signed.find("<ds:SignatureValue>").unwrap() + "<ds:SignatureValue>".len() + 10;
    let mut s3 = signed.clone();
    let c = &signed[sv..sv + 1];
    s3.replace_range(sv..sv + 1, if c == "A" { "B" } else { "A" });
    for (what, doc) in [
        ("entity ID", s1),
        ("a certificate", s2),
        ("the signature", s3),
    ] {
        let e = Trust::builder()
            .saml_registry(doc.as_bytes(), &signer)
            .unwrap_err();
        assert!(e.code().starts_with("xmldsig."), "{what}: {e}");
    }
}

#[test]
fn another_signer_or_no_signature_is_refused() {
    let other = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("test-vectors/xmldsig/certs")
            .read_dir()
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "pem"))
            .unwrap(),
    )
    .unwrap();
    let e = Trust::builder()
        .saml_registry(&md("registry-signed.xml"), &other)
        .unwrap_err();
    assert!(
        e.code() == "xmldsig.signature.invalid" || e.code() == "xmldsig.key.untrusted",
        "{e}"
    );
    let e = Trust::builder()
        .saml_registry(&md("registry.xml"), &md("registry-signer.pem"))
        .unwrap_err();
    assert_eq!(e.code(), "xmldsig.signature.missing");
    // Unsigned metadata loads only through the explicit pin.
    let t = Trust::builder()
        .pin_saml_idp_metadata(&md("registry.xml"))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(t.saml_idp_entity_ids().len(), 2);
    // The same IdP twice is a configuration error.
    let e = Trust::builder()
        .pin_saml_idp_metadata(&md("registry.xml"))
        .unwrap()
        .pin_saml_idp_metadata(&md("idp.xml"))
        .unwrap_err();
    assert_eq!(e.code(), "config.invalid");
}

/// The SAML store stands alone: a bare `IdpRegistry` and a `Trust` holding
/// the same metadata give the same verification, and the registry builder
/// checks the registry's signature as `TrustBuilder::saml_registry` does.
#[test]
fn an_idp_registry_verifies_as_the_trust_that_holds_it() {
    use idbridge::{spid, IdpRegistry, UnixTime};
    let registry = IdpRegistry::builder()
        .signed_metadata(&md("registry-signed.xml"), &md("registry-signer.pem"))
        .unwrap()
        .build();
    let trust = Trust::builder()
        .saml_registry(&md("registry-signed.xml"), &md("registry-signer.pem"))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(registry.entity_ids(), trust.saml_idp_entity_ids());
    assert_eq!(trust.idp_registry().entity_ids(), registry.entity_ids());

    let pinned = IdpRegistry::builder()
        .pinned_metadata(&md("idp.xml"))
        .unwrap()
        .build();
    let trust = Trust::builder()
        .pin_saml_idp_metadata(&md("idp.xml"))
        .unwrap()
        .build()
        .unwrap();
    let posted = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-vectors/spid/responses/valid.xml"),
    )
    .unwrap();
    let mut exp = spid::Expectations::new(
        "https://sp.idbridge.test",
        "https://sp.idbridge.test/acs",
        "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4",
    );
    exp.input = spid::InputEncoding::Xml;
    let now = UnixTime::parse_rfc3339("2026-03-01T10:00:30Z").unwrap();
    let a = spid::verify_response(&pinned, &posted, &exp, now).unwrap();
    let b = spid::verify_response(&trust, &posted, &exp, now).unwrap();
    assert_eq!(a.identity(), b.identity());
    assert_eq!(a.assertion_id(), b.assertion_id());
    assert_eq!(a.idp_entity_id(), "https://idp.idbridge.test/spid");
    // The registry's unsigned form is refused by the signed path.
    assert!(IdpRegistry::builder()
        .signed_metadata(&md("registry.xml"), &md("registry-signer.pem"))
        .is_err());
}
