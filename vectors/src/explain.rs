//! How one case was run (`idbridge vectors FILE --tc N --explain`, and the
//! HTML report): the inputs and context the runner used, for the SAML
//! kinds every check with the rule it enforces, and the `idbridge verify`
//! command line that replays the case by hand.

use super::format::TestCase;
use super::kinds::{Job, Kind};
use super::{normalize, sibling, CaseReport};
use serde_json::{json, Map, Value};

/// One check of a SAML verification, with the rule it enforces (as
/// `idbridge verify spid --explain` prints it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExplainStep {
    /// The check's short name.
    pub check: &'static str,
    /// The rule it enforces, with its source.
    pub rule: &'static str,
    /// `None` when the check passed, else the error code it failed with.
    pub failed: Option<&'static str>,
}

/// How one case was run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Explanation {
    /// What the runner used, in order: `input`, then `trust.<key>` (file
    /// names resolved against the vector file's folder), then the merged
    /// `context.<key>` values (compact JSON, marked `(case)` when the test
    /// sets them over its group's).
    pub inputs: Vec<(String, String)>,
    /// For the SAML kinds, every check in order with its rule, as the
    /// default backend ran them; empty for the other kinds.
    pub steps: Vec<ExplainStep>,
    /// The `idbridge verify` command line that replays the case (the
    /// `webeid`, `spid-saml` and `cie-saml` kinds), shell-quoted.
    pub replay: Option<String>,
    /// What the reader should know beyond the above (an inline input to
    /// save first, trust material the library refused...).
    pub notes: Vec<String>,
}

impl Explanation {
    /// The indented lines printed under a case's line.
    pub fn lines(&self, case: &CaseReport) -> Vec<String> {
        let mut out = Vec::new();
        let w = self
            .inputs
            .iter()
            .map(|(name, _)| name.chars().count())
            .max()
            .unwrap_or(0)
            .max(10);
        for (name, value) in &self.inputs {
            out.push(format!("  {name:<w$} {value}"));
        }
        for s in &self.steps {
            out.push(match s.failed {
                None => format!("  check ok   {:<20} {}", s.check, s.rule),
                Some(code) => format!("  check FAIL {:<20} {} -> {code}", s.check, s.rule),
            });
        }
        out.push(format!(
            "  {:<w$} expected {}, got {} [{}]",
            "outcome",
            case.expected,
            case.got,
            case.backends.join(", ")
        ));
        if let Some(r) = &self.replay {
            out.push(format!("  {:<w$} {r}", "replay"));
        }
        for n in &self.notes {
            out.push(format!("  {:<w$} {n}", "note"));
        }
        out
    }

    /// The explanation as a JSON object (`inputs`, `checks`, `replay`, `notes`).
    pub fn to_json(&self) -> Value {
        let inputs: Map<String, Value> = self
            .inputs
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        let checks: Vec<Value> = self
            .steps
            .iter()
            .map(|s| json!({ "check": s.check, "rule": s.rule, "failed": s.failed }))
            .collect();
        json!({
            "inputs": inputs,
            "checks": checks,
            "replay": self.replay,
            "notes": self.notes,
        })
    }
}

/// Builds the explanation of one case (after it ran).
pub(crate) fn explain(kind: Kind, job: &Job<'_>, case: &TestCase) -> Explanation {
    let mut e = Explanation::default();
    let input_file = case
        .input
        .file
        .as_ref()
        .map(|rel| normalize(&sibling(job.vector_path, rel)));
    let input = match (&input_file, &case.input.text) {
        (Some(path), _) => format!("file {path} ({} bytes)", job.input.len()),
        (None, Some(_)) => format!("inline input.text ({} bytes)", job.input.len()),
        (None, None) => format!("inline input.base64 ({} bytes decoded)", job.input.len()),
    };
    e.inputs.push(("input".into(), input));
    for (key, value) in job.trust {
        let files = file_names(value)
            .into_iter()
            .map(|f| normalize(&sibling(job.vector_path, f)))
            .collect::<Vec<_>>();
        let shown = if files.is_empty() {
            value.to_string()
        } else {
            files.join(" ")
        };
        e.inputs.push((format!("trust.{key}"), shown));
    }
    for (key, value) in job.context {
        let from_case = if case.context.contains_key(key) {
            " (case)"
        } else {
            ""
        };
        e.inputs
            .push((format!("context.{key}"), format!("{value}{from_case}")));
    }
    let input_arg = input_file.clone().unwrap_or_else(|| "INPUT_FILE".into());
    if input_file.is_none() && kind != Kind::Signature && kind != Kind::Xmldsig {
        e.notes.push(
            "the input is inline in the vector file: write its bytes to INPUT_FILE to replay it"
                .into(),
        );
    }
    match kind {
        Kind::Webeid => e.replay = Some(replay_webeid(job, &input_arg)),
        Kind::SpidSaml | Kind::CieSaml => {
            let cie = kind == Kind::CieSaml;
            e.replay = Some(replay_saml(job, &input_arg, cie));
            saml_steps(job, cie, &mut e);
        }
        Kind::OidcTrustChain => e.replay = Some(replay_oidc_chain(job, &input_arg)),
        Kind::OidcIdToken => e.replay = Some(replay_id_token(job, &input_arg)),
        Kind::SdJwtVc => e.replay = Some(replay_sd_jwt(job, &input_arg)),
        Kind::MobileId => e.replay = Some(replay_mobile_id(job, &input_arg)),
        Kind::SmartId => {
            let inline_signed_data = job
                .context
                .get("signed_data")
                .is_some_and(|v| v.get("file").is_none());
            if inline_signed_data {
                e.notes.push(
                    "context.signed_data is inline in the vector file: write its bytes (decoded) to SIGNED_DATA_FILE to replay it"
                        .into(),
                );
            }
            e.replay = Some(replay_smart_id(job, &input_arg));
        }
        Kind::Mdoc => e.replay = Some(replay_mdoc(job, &input_arg)),
        Kind::IcaoSod => e.replay = Some(replay_icao_sod(job, &input_arg)),
        Kind::Signature | Kind::Xmldsig => e.notes.push(format!(
            "no `idbridge verify` subcommand runs the {} kind: the inputs above are the whole case",
            kind.name()
        )),
    }
    e
}

#[cfg(feature = "saml")]
fn saml_steps(job: &Job<'_>, cie: bool, e: &mut Explanation) {
    match super::saml::audit(job, cie) {
        Ok(Ok(steps)) => {
            e.steps = steps;
            e.notes.push(format!(
                "the checks as the default backend ({}) ran them",
                idbridge::crypto::default_backend().name()
            ));
        }
        Ok(Err(refused)) => e.notes.push(format!(
            "the trust material was refused before any check: {refused}"
        )),
        Err(defect) => e.notes.push(format!("the case cannot run: {defect}")),
    }
}

#[cfg(not(feature = "saml"))]
fn saml_steps(_: &Job<'_>, _: bool, e: &mut Explanation) {
    e.notes
        .push("the SAML checks need idbridge-vectors' feature \"saml\", off in this build".into());
}

/// The file names a trust value lists (a string, or a list of strings).
fn file_names(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn context_str<'v>(job: &'v Job<'_>, key: &str) -> Option<&'v str> {
    job.context.get(key).and_then(Value::as_str)
}

/// `--flag=value`, the value quoted for a POSIX shell when it needs it.
fn arg(flag: &str, value: &str) -> String {
    format!("--{flag}={}", shell_quote(value))
}

fn resolved(job: &Job<'_>, rel: &str) -> String {
    normalize(&sibling(job.vector_path, rel))
}

fn replay_webeid(job: &Job<'_>, input: &str) -> String {
    let mut words = vec!["idbridge verify webeid".to_string(), arg("token", input)];
    for key in ["origin", "nonce", "now"] {
        if let Some(v) = context_str(job, key) {
            words.push(arg(key, v));
        }
    }
    for f in job.trust.get("anchors").map(file_names).unwrap_or_default() {
        words.push(arg("anchors", &resolved(job, f)));
    }
    if let Some(Value::Object(ocsp)) = job.context.get("ocsp") {
        if let Some(r) = ocsp.get("response").and_then(Value::as_str) {
            words.push(arg("ocsp", &resolved(job, r)));
        }
        if let Some(r) = ocsp.get("responder").and_then(Value::as_str) {
            words.push(arg("ocsp-responder", &resolved(job, r)));
        }
    }
    words.join(" ")
}

/// `--flag ENTITY_ID FILE` for each `{entity_id, jwks}` of `trust.key`.
fn replay_entities(job: &Job<'_>, key: &str, flag: &str, words: &mut Vec<String>) {
    let Some(Value::Array(list)) = job.trust.get(key) else {
        return;
    };
    for item in list {
        if let (Some(id), Some(jwks)) = (
            item.get("entity_id").and_then(Value::as_str),
            item.get("jwks").and_then(Value::as_str),
        ) {
            words.push(format!(
                "--{flag} {} {}",
                shell_quote(id),
                shell_quote(&resolved(job, jwks))
            ));
        }
    }
}

fn replay_oidc_chain(job: &Job<'_>, input: &str) -> String {
    let mut words = vec![
        "idbridge verify oidc-chain".to_string(),
        arg("chain", input),
    ];
    replay_entities(job, "trust_anchors", "anchor", &mut words);
    replay_entities(job, "trust_mark_issuers", "trust-mark-issuer", &mut words);
    if job.context.get("allow_http") == Some(&Value::Bool(true)) {
        words.push("--allow-http".into());
    }
    if let Some(n) = job.context.get("max_path_length").and_then(Value::as_u64) {
        words.push(arg("max-path-length", &n.to_string()));
    }
    if let Some(t) = context_str(job, "entity_type") {
        words.push(arg("entity-type", t));
    }
    if let Some(Value::Array(types)) = job.context.get("required_trust_marks") {
        for t in types.iter().filter_map(Value::as_str) {
            words.push(arg("require-trust-mark", t));
        }
    }
    if let Some(now) = context_str(job, "now") {
        words.push(arg("now", now));
    }
    words.join(" ")
}

fn replay_mobile_id(job: &Job<'_>, input: &str) -> String {
    let mut words = vec![
        "idbridge verify mobile-id".to_string(),
        arg("response", input),
    ];
    let anchors = job.trust.get("anchors").map(file_names).unwrap_or_default();
    if !anchors.is_empty() {
        words.push("--anchors".into());
        for f in anchors {
            words.push(shell_quote(&resolved(job, f)));
        }
    }
    for (key, flag) in [
        ("signed_hash", "signed-hash"),
        ("hash_type", "hash-type"),
        ("now", "now"),
    ] {
        if let Some(v) = context_str(job, key) {
            words.push(arg(flag, v));
        }
    }
    words.join(" ")
}

fn replay_smart_id(job: &Job<'_>, input: &str) -> String {
    let mut words = vec![
        "idbridge verify smart-id".to_string(),
        arg("response", input),
    ];
    let anchors = job.trust.get("anchors").map(file_names).unwrap_or_default();
    if !anchors.is_empty() {
        words.push("--anchors".into());
        for f in anchors {
            words.push(shell_quote(&resolved(job, f)));
        }
    }
    for (key, flag) in [
        ("signature_protocol", "protocol"),
        ("min_certificate_level", "min-level"),
        ("rp_challenge", "rp-challenge"),
        ("relying_party_name", "rp-name"),
        ("brokered_rp_name", "brokered-rp-name"),
        ("interactions", "interactions"),
        ("initial_callback_url", "initial-callback-url"),
        ("schema_name", "schema-name"),
        ("user_challenge_verifier", "user-challenge-verifier"),
        ("now", "now"),
    ] {
        if let Some(v) = context_str(job, key) {
            words.push(arg(flag, v));
        }
    }
    if let Some(v) = job.context.get("signed_data") {
        // Inline (`text` or `base64`): the note asks for SIGNED_DATA_FILE.
        let file = v
            .get("file")
            .and_then(serde_json::Value::as_str)
            .map_or_else(|| "SIGNED_DATA_FILE".to_owned(), |f| resolved(job, f));
        words.push(arg("signed-data", &file));
    }
    words.join(" ")
}

fn replay_mdoc(job: &Job<'_>, input: &str) -> String {
    let mut words = vec!["idbridge verify mdoc".to_string(), arg("response", input)];
    let anchors = job.trust.get("anchors").map(file_names).unwrap_or_default();
    if !anchors.is_empty() {
        words.push("--anchors".into());
        for f in anchors {
            words.push(shell_quote(&resolved(job, f)));
        }
    }
    // Only the request values the case's handover kind uses: the CLI
    // refuses the others (a group's value a case's kind does not take).
    let takes: &[&str] = match context_str(job, "handover") {
        Some("openid4vp") => &["client_id", "nonce", "response_uri", "jwk_thumbprint"],
        Some("openid4vp-dc-api") => &["origin", "nonce", "jwk_thumbprint"],
        Some("iso-18013-7") => &["client_id", "response_uri", "nonce", "mdoc_generated_nonce"],
        _ => &["session_transcript"],
    };
    for (key, flag) in [
        ("expected_doctype", "doctype"),
        ("handover", "handover"),
        ("client_id", "client-id"),
        ("nonce", "nonce"),
        ("response_uri", "response-uri"),
        ("jwk_thumbprint", "jwk-thumbprint"),
        ("origin", "origin"),
        ("mdoc_generated_nonce", "mdoc-generated-nonce"),
        ("session_transcript", "session-transcript"),
        ("input_encoding", "input"),
        ("now", "now"),
    ] {
        let request_value = [
            "client_id",
            "nonce",
            "response_uri",
            "jwk_thumbprint",
            "origin",
            "mdoc_generated_nonce",
            "session_transcript",
        ]
        .contains(&key);
        if request_value && !takes.contains(&key) {
            continue;
        }
        if let Some(v) = context_str(job, key) {
            words.push(arg(flag, v));
        }
    }
    if context_str(job, "device_mac") == Some("allowed") {
        if let Some(f) = context_str(job, "reader_key") {
            words.push(arg("reader-key", &resolved(job, f)));
        }
    }
    if let Some(skew) = job
        .context
        .get("clock_skew_seconds")
        .and_then(Value::as_i64)
    {
        words.push(format!("--clock-skew {skew}"));
    }
    words.join(" ")
}

fn replay_icao_sod(job: &Job<'_>, input: &str) -> String {
    let mut words = vec!["idbridge verify icao-sod".to_string(), arg("input", input)];
    for (key, flag) in [
        ("csca", "--csca"),
        ("document_signers", "--document-signers"),
    ] {
        let files = job.trust.get(key).map(file_names).unwrap_or_default();
        if !files.is_empty() {
            words.push(flag.into());
            for f in files {
                words.push(shell_quote(&resolved(job, f)));
            }
        }
    }
    for (key, flag) in [("lds_profile", "lds-profile"), ("now", "now")] {
        if let Some(v) = context_str(job, key) {
            words.push(arg(flag, v));
        }
    }
    words.join(" ")
}

fn replay_sd_jwt(job: &Job<'_>, input: &str) -> String {
    let mut words = vec![
        "idbridge verify sd-jwt".to_string(),
        arg("presentation", input),
    ];
    for (key, flag) in [
        ("issuer_keys", "issuer-jwks"),
        ("status_list_keys", "status-list-jwks"),
    ] {
        for f in job.trust.get(key).map(file_names).unwrap_or_default() {
            words.push(arg(flag, &resolved(job, f)));
        }
    }
    if let Some(Value::Object(lists)) = job.trust.get("status_lists") {
        for (uri, file) in lists {
            if let Some(f) = file.as_str() {
                words.push(format!(
                    "--status-list {} {}",
                    shell_quote(uri),
                    shell_quote(&resolved(job, f))
                ));
            }
        }
    }
    for (key, flag) in [("nonce", "nonce"), ("audience", "audience"), ("now", "now")] {
        if let Some(v) = context_str(job, key) {
            words.push(arg(flag, v));
        }
    }
    for (key, flag) in [
        ("accepted_typ", "accept-typ"),
        ("accepted_vct", "accept-vct"),
    ] {
        if let Some(Value::Array(items)) = job.context.get(key) {
            for v in items.iter().filter_map(Value::as_str) {
                words.push(arg(flag, v));
            }
        }
    }
    for (key, flag) in [
        ("max_kb_age_seconds", "max-kb-age"),
        ("clock_skew_seconds", "clock-skew"),
    ] {
        if let Some(n) = job.context.get(key).and_then(Value::as_u64) {
            words.push(arg(flag, &n.to_string()));
        }
    }
    if job.context.get("require_key_binding") == Some(&Value::Bool(false)) {
        words.push("--no-key-binding".into());
    }
    if context_str(job, "profile") == Some("sd-jwt") {
        words.push("--plain-sd-jwt".into());
    }
    if context_str(job, "status_check") == Some("off") {
        words.push("--no-status-check".into());
    }
    words.join(" ")
}

fn replay_id_token(job: &Job<'_>, input: &str) -> String {
    let mut words = vec![
        "idbridge verify id-token".to_string(),
        arg("response", input),
    ];
    for (key, flag) in [("op_jwks", "op-jwks"), ("rp_decryption_key", "rp-key")] {
        if let Some(f) = job.trust.get(key).and_then(Value::as_str) {
            words.push(arg(flag, &resolved(job, f)));
        }
    }
    for (key, flag) in [
        ("client_id", "client-id"),
        ("issuer", "issuer"),
        ("nonce", "nonce"),
        ("min_level", "min-level"),
        ("now", "now"),
    ] {
        if let Some(v) = context_str(job, key) {
            words.push(arg(flag, v));
        }
    }
    if let Some(n) = job
        .context
        .get("clock_skew_seconds")
        .and_then(Value::as_u64)
    {
        words.push(arg("clock-skew", &n.to_string()));
    }
    words.join(" ")
}

fn replay_saml(job: &Job<'_>, input: &str, cie: bool) -> String {
    let mut words = vec![
        format!("idbridge verify {}", if cie { "cie" } else { "spid" }),
        arg("response", input),
        arg(
            "input",
            context_str(job, "input_encoding").unwrap_or("base64"),
        ),
    ];
    for f in job
        .trust
        .get("idp_metadata")
        .map(file_names)
        .unwrap_or_default()
    {
        words.push(arg("metadata", &resolved(job, f)));
    }
    for (key, flag) in [
        ("sp_entity_id", "sp-entity-id"),
        ("acs_url", "acs-url"),
        ("request_id", "request-id"),
        ("min_level", "min-level"),
        ("comparison", "comparison"),
        ("request_issue_instant", "request-issue-instant"),
        ("now", "now"),
    ] {
        if let Some(v) = context_str(job, key) {
            words.push(arg(flag, v));
        }
    }
    if let Some(skew) = job
        .context
        .get("clock_skew_seconds")
        .and_then(Value::as_u64)
    {
        words.push(arg("clock-skew", &skew.to_string()));
    }
    words.push("--explain".into());
    words.join(" ")
}

/// `s` as one POSIX shell word: as it is when it holds only characters no
/// shell reads specially, else in single quotes (`'` written `'\''`); a
/// value with control characters is written `$'...'` (bash, zsh, ksh) with
/// each such character as `\xHH`, so nothing reaches the terminal raw.
pub(crate) fn shell_quote(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        return s.to_string();
    }
    if s.chars().any(char::is_control) {
        let mut out = String::from("$'");
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\'' => out.push_str("\\'"),
                c if c.is_control() => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                }
                c => out.push(c),
            }
        }
        out.push('\'');
        return out;
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_quote("https://ria.ee"), "https://ria.ee");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's $HOME"), "'it'\\''s $HOME'");
        assert_eq!(shell_quote("a\u{1b}[2Jb"), "$'a\\x1b[2Jb'");
        assert_eq!(shell_quote("-x\u{85}"), "$'-x\\xc2\\x85'");
    }
}
