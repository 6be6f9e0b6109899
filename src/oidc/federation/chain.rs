//! Trust-chain validation (OpenID Federation 1.0: trust chains, federation policy, trust marks), in the order
//! `VECTORS.md` fixes for kind `oidc-trust-chain`; the first failing check
//! gives the code. See [`super`] for the list.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::policy::{self, STANDARD_OPERATORS};
use super::statement::Statement;
use super::trust::{ChainOptions, FederationTrust};
use super::trust_mark::{self, VerifiedTrustMark};
use crate::crypto::Backend;
use crate::error::{Error, ErrorCode, Result};
use crate::jose::{JwkSet, JwsOptions};
use crate::json;
use crate::time::UnixTime;

/// A trust chain that passed every check: the subject, the trust anchor,
/// the subject's metadata after the superiors' overrides and policies, the
/// chain's expiry, the valid trust marks and the statements. Only idbridge
/// constructs one:
///
/// ```compile_fail
/// let c = idbridge::oidc::federation::VerifiedChain {
///     subject: String::new(), trust_anchor: String::new(), metadata: Default::default(),
///     exp: idbridge::UnixTime::from_unix_seconds(0), trust_marks: vec![], statements: vec![],
/// };
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct VerifiedChain {
    subject: String,
    trust_anchor: String,
    metadata: BTreeMap<String, Map<String, Value>>,
    exp: UnixTime,
    trust_marks: Vec<VerifiedTrustMark>,
    statements: Vec<String>,
}

impl VerifiedChain {
    /// The subject's entity identifier (the first statement's `sub`).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The trust anchor's entity identifier.
    pub fn trust_anchor(&self) -> &str {
        &self.trust_anchor
    }

    /// The resolved metadata: entity type → parameters.
    pub fn metadata(&self) -> &BTreeMap<String, Map<String, Value>> {
        &self.metadata
    }

    /// The resolved metadata of one entity type (`openid_provider`, ...).
    pub fn entity_metadata(&self, entity_type: &str) -> Option<&Map<String, Value>> {
        self.metadata.get(entity_type)
    }

    /// The `jwks` parameter of one entity type's resolved metadata, as a
    /// JWK Set of public keys (e.g. an OpenID Provider's ID-token keys).
    /// `oidcfed.metadata.missing` when the type or its `jwks` is absent.
    pub fn entity_jwks(&self, entity_type: &str) -> Result<JwkSet> {
        let jwks = self
            .metadata
            .get(entity_type)
            .and_then(|m| m.get("jwks"))
            .ok_or_else(|| {
                Error::with_detail(
                    ErrorCode::OidcfedMetadataMissing,
                    format!("the resolved {entity_type} metadata has no jwks"),
                )
            })?;
        JwkSet::from_json(jwks.to_string().as_bytes())
    }

    /// When the chain stops being valid: the earliest `exp` of its
    /// statements (OpenID Federation 1.0, trust chain expiration).
    pub fn expires_at(&self) -> UnixTime {
        self.exp
    }

    /// The subject's valid trust marks, in the order its configuration
    /// lists them.
    pub fn trust_marks(&self) -> &[VerifiedTrustMark] {
        &self.trust_marks
    }

    /// Whether the subject shows a valid trust mark of this type.
    pub fn has_trust_mark(&self, trust_mark_type: &str) -> bool {
        self.trust_marks
            .iter()
            .any(|m| m.trust_mark_type() == trust_mark_type)
    }

    /// The statements, subject first, exactly as given.
    pub fn statements(&self) -> &[String] {
        &self.statements
    }

    /// The contract's identity attributes (`VECTORS.md`, kind
    /// `oidc-trust-chain`): `<entity_type>.<parameter>` for every resolved
    /// parameter (a string as it is, any other value as compact JSON with
    /// sorted keys and lists of strings sorted), `chain_exp` (RFC 3339) and
    /// `trust_marks` (the valid types, sorted, space-separated).
    pub fn identity_attributes(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (entity_type, params) in &self.metadata {
            for (param, value) in params {
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => canonical(other),
                };
                out.insert(format!("{entity_type}.{param}"), text);
            }
        }
        out.insert("chain_exp".into(), self.exp.to_rfc3339());
        let mut types: Vec<&str> = self
            .trust_marks
            .iter()
            .map(VerifiedTrustMark::trust_mark_type)
            .collect();
        types.sort_unstable();
        types.dedup();
        out.insert("trust_marks".into(), types.join(" "));
        out
    }
}

/// Compact JSON, object keys sorted, lists of strings sorted.
fn canonical(value: &Value) -> String {
    sorted(value, true).to_string()
}

/// `value` with object members in key order (whether or not serde_json
/// keeps insertion order, its `preserve_order` feature) and, with
/// `sort_string_lists`, lists of strings sorted. `to_string` on the result
/// is compact and never escapes non-ASCII.
pub(crate) fn sorted(value: &Value, sort_string_lists: bool) -> Value {
    match value {
        Value::Array(items) => {
            let mut items: Vec<Value> =
                items.iter().map(|v| sorted(v, sort_string_lists)).collect();
            if sort_string_lists && items.iter().all(Value::is_string) {
                items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            }
            Value::Array(items)
        }
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted(v, sort_string_lists)))
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

/// Parses the contract's input document `{"statements": [<JWS>, ...]}`:
/// UTF-8 JSON without duplicate keys and an object at the top, its
/// `statements` a non-empty list of strings, else `input.json`; more
/// statements than `Limits::max_federation_statements` is
/// `input.too_large`.
pub fn parse_chain_document(bytes: &[u8], options: &ChainOptions) -> Result<Vec<String>> {
    let limits = options.limits();
    if bytes.len() > limits.max_input_bytes() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!(
                "the input is larger than {} bytes",
                limits.max_input_bytes()
            ),
        ));
    }
    let strict = json::parse(bytes, limits.max_json_depth())?;
    if !matches!(strict, json::Json::Object(_)) {
        return Err(Error::new(
            ErrorCode::InputJson,
            "the input is not a JSON object",
        ));
    }
    let doc: Map<String, Value> = serde_json::from_slice(bytes)
        .map_err(|_| Error::new(ErrorCode::InputJson, "the input is not a JSON object"))?;
    let Some(Value::Array(items)) = doc.get("statements") else {
        return Err(Error::new(ErrorCode::InputJson, "statements is not a list"));
    };
    if items.is_empty() {
        return Err(Error::new(ErrorCode::InputJson, "statements is empty"));
    }
    if items.len() > limits.max_federation_statements() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!(
                "more than {} statements in a chain",
                limits.max_federation_statements()
            ),
        ));
    }
    items
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .ok_or_else(|| Error::new(ErrorCode::InputJson, "a statement is not a string"))
        })
        .collect()
}

/// [`parse_chain_document`], then [`verify_chain`].
pub fn verify_chain_document(
    backend: &dyn Backend,
    trust: &impl AsRef<FederationTrust>,
    document: &[u8],
    options: &ChainOptions,
    now: UnixTime,
) -> Result<VerifiedChain> {
    let statements = parse_chain_document(document, options)?;
    verify_chain(backend, trust, &statements, options, now)
}

fn entity_id_ok(id: &str, allow_http: bool) -> bool {
    let rest = id
        .strip_prefix("https://")
        .or_else(|| id.strip_prefix("http://").filter(|_| allow_http));
    let Some(rest) = rest else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or("");
    let host = authority.split(':').next().unwrap_or("");
    !host.is_empty()
        && !authority.contains('@')
        && !rest.contains(['?', '#'])
        && !rest.contains(char::is_whitespace)
}

/// The host of an entity identifier (already checked by check 2), lower case.
fn host(id: &str) -> String {
    let rest = id.split_once("://").map_or(id, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if authority.starts_with('[') {
        authority.split_once(']').map_or(authority, |(h, _)| h)
    } else {
        authority.split(':').next().unwrap_or("")
    };
    host.to_ascii_lowercase()
}

/// RFC 5280 §4.2.1.10 for a host: `.example.com` matches any host below
/// `example.com`, `example.com` that host only.
fn host_matches(host: &str, constraint: &str) -> bool {
    let c = constraint.to_ascii_lowercase();
    if c.starts_with('.') {
        host.len() > c.len() && host.ends_with(&c)
    } else {
        host == c
    }
}

/// Verifies a trust chain, subject first: `[EC(subject), ES(superior →
/// subject), ..., ES(TA → ...), EC(TA)]`, the TA's entity configuration
/// optional. `now` is explicit; nothing reads a clock.
///
/// The checks and their codes are listed in [`super`].
pub fn verify_chain(
    backend: &dyn Backend,
    trust: &impl AsRef<FederationTrust>,
    statements: &[impl AsRef<str>],
    options: &ChainOptions,
    now: UnixTime,
) -> Result<VerifiedChain> {
    let trust = trust.as_ref();
    let limits = options.limits();
    if statements.is_empty() {
        return Err(Error::new(
            ErrorCode::InputJson,
            "the chain holds no statement",
        ));
    }
    if statements.len() > limits.max_federation_statements() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!(
                "more than {} statements in a chain",
                limits.max_federation_statements()
            ),
        ));
    }
    // Check 1: each statement parsed (JOSE rule 1, typ, claims).
    let mut parsed: Vec<Statement> = statements
        .iter()
        .map(|s| Statement::parse(s.as_ref(), limits))
        .collect::<Result<_>>()?;
    // The subject's own metadata, moved out (read only by check 9, which
    // takes it as the start of the resolved metadata).
    let subject_metadata = parsed
        .first_mut()
        .map(|s| std::mem::take(&mut s.metadata))
        .unwrap_or_default();
    let parsed = parsed;
    let policy_values = parsed
        .iter()
        .fold(0usize, |n, s| n.saturating_add(s.policy_values));
    if policy_values > limits.max_policy_values() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!(
                "the metadata policies hold more than {} values",
                limits.max_policy_values()
            ),
        ));
    }
    // Check 2: entity identifiers.
    for s in &parsed {
        if !entity_id_ok(&s.iss, options.http_allowed())
            || !entity_id_ok(&s.sub, options.http_allowed())
        {
            return Err(Error::with_detail(
                ErrorCode::OidcfedEntityIdInvalid,
                format!(
                    "{:?} or {:?} is not an https:// entity identifier",
                    s.iss, s.sub
                ),
            ));
        }
    }
    // Check 3: iat <= now < exp.
    let secs = now.as_secs();
    let skew = i64::from(options.skew().as_secs());
    crate::time::check_skew(skew)?;
    for s in &parsed {
        if s.iat > secs.saturating_add(skew) {
            return Err(Error::with_detail(
                ErrorCode::OidcfedStatementNotYetValid,
                format!(
                    "the statement by {} about {} is issued after now",
                    s.iss, s.sub
                ),
            ));
        }
        if secs >= s.exp.saturating_add(skew) {
            return Err(Error::with_detail(
                ErrorCode::OidcfedStatementExpired,
                format!("the statement by {} about {} has expired", s.iss, s.sub),
            ));
        }
    }
    // Check 4: linkage.
    let broken = |reason: &'static str| Error::new(ErrorCode::OidcfedChainBroken, reason);
    let (first, rest) = parsed
        .split_first()
        .ok_or_else(|| broken("the chain holds no statement"))?;
    if !first.self_issued() {
        return Err(broken(
            "the first statement is not the subject's entity configuration",
        ));
    }
    for pair in parsed.windows(2) {
        if let [lower, upper] = pair {
            if lower.iss != upper.sub {
                return Err(broken("a statement's iss is not the next statement's sub"));
            }
        }
    }
    let last = parsed.last().unwrap_or(first);
    let ta_ec_present = parsed.len() >= 3 && last.self_issued();
    let subordinates: &[Statement] = if ta_ec_present {
        rest.split_last().map_or(&[], |(_, s)| s)
    } else {
        rest
    };
    if subordinates.iter().any(Statement::self_issued) {
        return Err(broken(
            "an entity configuration sits among the subordinate statements",
        ));
    }
    // A path visits each entity once: the subject, then each issuer.
    let mut seen = std::collections::BTreeSet::new();
    for id in std::iter::once(&first.sub).chain(subordinates.iter().map(|s| &s.iss)) {
        if !seen.insert(id.as_str()) {
            return Err(broken("an entity appears twice on the path (a loop)"));
        }
    }
    // Check 5: the trust anchor.
    let anchor = trust.anchor(&last.iss).ok_or_else(|| {
        Error::with_detail(
            ErrorCode::OidcfedTrustAnchorUnknown,
            format!(
                "the chain ends at {}, not a configured trust anchor",
                last.iss
            ),
        )
    })?;
    if subordinates.is_empty() {
        return Err(Error::new(
            ErrorCode::OidcfedTrustAnchorUnknown,
            "the chain is the trust anchor alone",
        ));
    }
    // Check 6: signatures, kid required, from the anchor down.
    let jws = JwsOptions::new()
        .allow(options.allowed())
        .require_kid()
        .with_limits(*limits);
    let keys_of = |s: &Statement| -> Result<JwkSet> {
        JwkSet::from_value(&json::from_value(&s.jwks), limits)
    };
    // Each statement was split, decoded and parsed once (check 1); these
    // are `verify_compact`'s remaining steps on those parts.
    let mut first_key = None;
    last.verify(backend, anchor.jwks(), &jws, None)?;
    for j in (0..parsed.len().saturating_sub(1)).rev() {
        if let (Some(lower), Some(upper)) = (parsed.get(j), parsed.get(j + 1)) {
            let key = lower.verify(backend, &keys_of(upper)?, &jws, None)?;
            if j == 0 {
                first_key = Some(key);
            }
        }
    }
    // The subject's configuration again, under its own keys: every check
    // runs; the signature arithmetic is not repeated for the very key
    // (same RFC 7638 thumbprint) that verified it just above.
    first.verify(backend, &keys_of(first)?, &jws, first_key.as_deref())?;
    // Check 7: constraints (OpenID Federation 1.0, "Constraints"). Subordinate statement k (0-based in
    // `subordinates`) has k intermediates below its issuer.
    let intermediates = subordinates.len().saturating_sub(1) as u64;
    let path_error =
        |detail: String| Error::with_detail(ErrorCode::OidcfedPathLengthExceeded, detail);
    if let Some(cap) = options.path_length_cap() {
        if intermediates > cap {
            return Err(path_error(format!(
                "{intermediates} intermediates, the caller allows {cap}"
            )));
        }
    }
    if ta_ec_present {
        if let Some(max) = last.constraints.max_path_length {
            if intermediates > max {
                return Err(path_error(format!(
                    "{intermediates} intermediates, the trust anchor allows {max}"
                )));
            }
        }
    }
    for (k, s) in subordinates.iter().enumerate() {
        if let Some(max) = s.constraints.max_path_length {
            if k as u64 > max {
                return Err(path_error(format!(
                    "{k} intermediates below {}, which allows {max}",
                    s.iss
                )));
            }
        }
    }
    // Naming constraints: the entities below each constraint's issuer.
    let constrained = subordinates.iter().enumerate().chain(if ta_ec_present {
        Some((subordinates.len(), last))
    } else {
        None
    });
    for (k, s) in constrained {
        let (permitted, excluded) = (&s.constraints.permitted, &s.constraints.excluded);
        if permitted.is_none() && excluded.is_none() {
            continue;
        }
        // Entities below s.iss: the subject and the subjects of the
        // subordinate statements up to this one.
        let below =
            std::iter::once(&first.sub).chain(subordinates.iter().take(k + 1).map(|x| &x.sub));
        for id in below {
            let h = host(id);
            let allowed = permitted
                .as_ref()
                .is_none_or(|p| p.iter().any(|c| host_matches(&h, c)));
            let refused = excluded
                .as_ref()
                .is_some_and(|e| e.iter().any(|c| host_matches(&h, c)));
            if !allowed || refused {
                return Err(Error::with_detail(
                    ErrorCode::OidcfedNamingConstraintsViolated,
                    format!("{id} is outside the naming constraints of {}", s.iss),
                ));
            }
        }
    }
    // Check 8: critical policy operators.
    for s in subordinates {
        if let Some(op) = s
            .policy_crit
            .iter()
            .find(|op| !STANDARD_OPERATORS.contains(&op.as_str()))
        {
            return Err(Error::with_detail(
                ErrorCode::OidcfedPolicyUnsupported,
                format!("metadata_policy_crit names {op:?}, which idbridge does not implement"),
            ));
        }
    }
    // Check 9: metadata. The immediate superior's statement overrides the
    // subject's own parameters for the types the subject has.
    let mut metadata: BTreeMap<String, Map<String, Value>> = subject_metadata
        .into_iter()
        .filter_map(|(t, v)| match v {
            Value::Object(m) => Some((t, m)),
            _ => None,
        })
        .collect();
    if let Some(superior) = subordinates.first() {
        for (entity_type, params) in &superior.metadata {
            if let (Some(own), Some(params)) = (metadata.get_mut(entity_type), params.as_object()) {
                for (k, v) in params {
                    own.insert(k.clone(), v.clone());
                }
            }
        }
    }
    // allowed_entity_types: other types than those listed (and
    // federation_entity) are removed.
    for s in subordinates {
        if let Some(allowed) = &s.constraints.allowed_entity_types {
            metadata.retain(|t, _| t == "federation_entity" || allowed.contains(t));
        }
    }
    let merged = policy::merge(subordinates.iter().rev().map(|s| &s.policy))?;
    for (entity_type, params) in &merged {
        if let Some(m) = metadata.get_mut(entity_type) {
            policy::apply(entity_type, params, m)?;
        }
    }
    // Check 10: the entity type.
    if let Some(t) = options.required_entity_type() {
        if !metadata.contains_key(t) {
            return Err(Error::with_detail(
                ErrorCode::OidcfedMetadataMissing,
                format!("the resolved metadata has no {t}"),
            ));
        }
    }
    // Check 11: trust marks.
    let ta_ec = if ta_ec_present { Some(last) } else { None };
    let trust_marks = trust_mark::check(backend, trust, anchor, ta_ec, first, options, now)?;
    let exp = parsed.iter().map(|s| s.exp).min().unwrap_or(first.exp);
    Ok(VerifiedChain {
        subject: first.sub.clone(),
        trust_anchor: anchor.entity_id().to_string(),
        metadata,
        exp: UnixTime::from_unix_seconds(exp),
        trust_marks,
        statements: parsed.into_iter().map(|s| s.token).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_ids() {
        assert!(entity_id_ok("https://a.example", false));
        assert!(entity_id_ok("https://a.example:8443/x", false));
        assert!(!entity_id_ok("http://a.example", false));
        assert!(entity_id_ok("http://127.0.0.1:8000/", true));
        assert!(!entity_id_ok("https://a.example/?q", false));
        assert!(!entity_id_ok("https://a.example/#f", false));
        assert!(!entity_id_ok("https:///x", false));
        assert!(!entity_id_ok("ftp://a", true));
        assert!(!entity_id_ok("https://user@a.example", false));
    }

    #[test]
    fn hosts() {
        assert_eq!(host("https://A.example:8443/x"), "a.example");
        assert!(host_matches("rp.a.example", ".a.example"));
        assert!(!host_matches("a.example", ".a.example"));
        assert!(host_matches("a.example", "a.example"));
        assert!(!host_matches("b.a.example", "a.example"));
    }

    #[test]
    fn canonical_json() {
        let v: Value = serde_json::json!({"b": ["z", "a"], "a": "è", "c": [2, 1]});
        assert_eq!(canonical(&v), r#"{"a":"è","b":["a","z"],"c":[2,1]}"#);
    }
}
