//! The `xmldsig` kind: one enveloped XML signature, no SAML rules.
//!
//! trust: `certificates` (files, PEM or DER). context: `now` (unused by the
//! check), `input_encoding` (`xml`, the default, or `base64`). The signed
//! element is the parent of the document's one `ds:Signature`, at any depth
//! ([`idbridge::xmldsig::verify_single_enveloped_with`]: none is
//! `xmldsig.signature.missing`, several `xmldsig.signature.invalid`), and
//! `KeyInfo` never decides acceptance; a valid case's identity holds
//! `attributes.signed_id` and `attributes.signed_element`
//! (`{namespace-uri}local-name`), under `system` `xmldsig`: the runner's
//! own record of what was signed (no person, so no library identity).

use super::kinds::Job;
use super::Outcome;
use idbridge::c14n::{decode_input, Document, Encoding};
use idbridge::crypto::Backend;
use idbridge::xmldsig::{self, Policy, TrustedCertificates};
use idbridge::Limits;
use serde_json::{json, Value};

pub(crate) fn run(job: &Job<'_>, backend: &'static dyn Backend) -> Result<Outcome, String> {
    let files = job
        .trust
        .get("certificates")
        .and_then(Value::as_array)
        .ok_or("trust.certificates must be a list of files")?;
    let mut trusted = TrustedCertificates::new();
    for f in files {
        let path = f
            .as_str()
            .ok_or("trust.certificates must list file names")?;
        if let Err(e) = trusted.add(&job.read_relative(path)?) {
            return Ok(Err(e));
        }
    }
    let encoding = match job.context.get("input_encoding") {
        None => Encoding::Xml,
        Some(Value::String(s)) if s == "xml" => Encoding::Xml,
        Some(Value::String(s)) if s == "base64" => Encoding::Base64,
        Some(_) => return Err("context.input_encoding must be \"xml\" or \"base64\"".into()),
    };
    Ok(verify(backend, job.input, encoding, &trusted))
}

fn verify(
    backend: &dyn Backend,
    input: &[u8],
    encoding: Encoding,
    trusted: &TrustedCertificates,
) -> Outcome {
    let limits = Limits::default();
    let text = decode_input(input, encoding, &limits)?;
    let doc = Document::parse(&text, &limits)?;
    let verified = xmldsig::verify_single_enveloped_with(backend, &doc, trusted, Policy::XMLDSIG)?;
    let element = verified.element();
    Ok(Some(json!({
        "system": "xmldsig",
        "attributes": {
            "signed_id": verified.id(),
            "signed_element": format!(
                "{{{}}}{}",
                element.namespace().unwrap_or(""),
                element.local_name()
            ),
        },
    })))
}
