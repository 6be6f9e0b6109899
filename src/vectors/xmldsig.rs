//! The `xmldsig` kind: one enveloped XML signature, no SAML rules.
//!
//! trust: `certificates` (files, PEM or DER). context: `now` (unused by the
//! check), `input_encoding` (`xml`, the default, or `base64`). The signed
//! element is the document element; a valid case's identity holds
//! `attributes.signed_id` and `attributes.signed_element`
//! (`{namespace-uri}local-name`).

use super::kinds::Job;
use super::Outcome;
use crate::crypto::Backend;
use crate::xml::dsig::{self, TrustedKey};
use serde_json::Value;

pub(crate) fn run(job: &Job<'_>, backend: &'static dyn Backend) -> Result<Outcome, String> {
    let files = job
        .trust
        .get("certificates")
        .and_then(Value::as_array)
        .ok_or("trust.certificates must be a list of files")?;
    let mut trusted = Vec::new();
    for f in files {
        let path = f
            .as_str()
            .ok_or("trust.certificates must list file names")?;
        match TrustedKey::from_certificate(&job.read_relative(path)?) {
            Ok(k) => trusted.push(k),
            Err(e) => return Ok(Err(e)),
        }
    }
    let base64 = match job.context.get("input_encoding") {
        None => false,
        Some(Value::String(s)) if s == "xml" => false,
        Some(Value::String(s)) if s == "base64" => true,
        Some(_) => return Err("context.input_encoding must be \"xml\" or \"base64\"".into()),
    };
    Ok(verify(backend, job.input, base64, &trusted))
}

fn verify(backend: &dyn Backend, input: &[u8], base64: bool, trusted: &[TrustedKey]) -> Outcome {
    let limits = crate::Limits::default();
    let text = crate::xml::input::decode(input, base64, &limits)?;
    let doc = crate::xml::parse::parse(&text, &limits)?;
    let verified = dsig::verify_enveloped(
        backend,
        &doc,
        doc.root_element(),
        trusted,
        dsig::Policy::XMLDSIG,
    )?;
    // A bare signature names no person: the runner writes its own
    // identity, system "xmldsig" (no longer a library System).
    let name = verified.node.tag_name();
    Ok(Some(serde_json::json!({
        "system": "xmldsig",
        "attributes": {
            "signed_id": verified.id,
            "signed_element": format!("{{{}}}{}", name.namespace().unwrap_or(""), name.name()),
        },
    })))
}
