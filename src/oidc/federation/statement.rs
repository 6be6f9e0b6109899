//! Entity statements (OpenID Federation 1.0 §3): an entity configuration
//! (self-issued) or a subordinate statement (a superior about its
//! subordinate), parsed strictly before any signature is looked at
//! (check 1 of `VECTORS.md`, kind `oidc-trust-chain`).
//!
//! "Entity Statements ... MUST be explicitly typed by using the typ header
//! parameter ... entity-statement+jwt" (§3); `iss`, `sub`, `iat`, `exp` and
//! `jwks` are required: a missing or mistyped one is
//! `oidcfed.statement.malformed`. The optional claims this crate reads are
//! typed as strictly (`authority_hints`, `metadata`, `metadata_policy`,
//! `metadata_policy_crit`, `constraints`, `crit`).

use serde_json::{Map, Value};

use super::policy::{self, Policy};
use crate::crypto::Backend;
use crate::error::{Error, ErrorCode, Result};
use crate::jose::{self, typ, JwkSet, JwsHeader, JwsOptions};
use crate::limits::Limits;

/// Claims an entity statement may list in `crit` that this crate
/// understands (every claim it reads; OpenID Federation 1.0: "crit
/// ... extension claims ... that MUST be understood").
const UNDERSTOOD: [&str; 8] = [
    "authority_hints",
    "metadata",
    "metadata_policy",
    "metadata_policy_crit",
    "constraints",
    "trust_marks",
    "trust_mark_issuers",
    "trust_marks_issuers",
];

/// Claims OpenID Federation 1.0 defines: `crit` may not name them.
const REGISTERED: [&str; 7] = ["iss", "sub", "iat", "exp", "jwks", "aud", "crit"];

pub(super) fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::OidcfedStatementMalformed, reason)
}

/// The `constraints` of a subordinate statement, as far as this
/// crate enforces them.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Constraints {
    pub max_path_length: Option<u64>,
    pub permitted: Option<Vec<String>>,
    pub excluded: Option<Vec<String>>,
    pub allowed_entity_types: Option<Vec<String>>,
}

/// One entity statement after check 1: header and claims, not yet trusted.
/// The JWS was split, decoded and parsed once; check 6 verifies these
/// parts ([`Statement::verify`]), never the token again.
#[derive(Clone, Debug)]
pub(crate) struct Statement {
    pub token: String,
    pub header: JwsHeader,
    /// The length of the signing input (`header.payload`) in `token`.
    signing_len: usize,
    signature: Vec<u8>,
    /// The claims other than `jwks` and `metadata` (moved to their fields).
    pub claims: Map<String, Value>,
    pub iss: String,
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    pub jwks: Value,
    pub authority_hints: Vec<String>,
    pub metadata: Map<String, Value>,
    /// The metadata policy of a subordinate statement (an entity
    /// configuration's is ignored, `VECTORS.md`).
    pub policy: Policy,
    pub policy_crit: Vec<String>,
    pub constraints: Constraints,
    /// How many values `policy` holds (for `Limits::max_policy_values`).
    pub policy_values: usize,
}

fn strings(value: &Value, what: &'static str) -> Result<Vec<String>> {
    let Value::Array(items) = value else {
        return Err(malformed(what));
    };
    items
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .ok_or_else(|| malformed(what))
        })
        .collect()
}

impl Statement {
    /// Check 1 for one statement: bounds, JOSE rule 1, `typ`, the required
    /// claims and the types of the optional ones.
    pub(crate) fn parse(token: &str, limits: &Limits) -> Result<Statement> {
        if token.len() > limits.max_entity_statement_bytes() {
            return Err(Error::with_detail(
                ErrorCode::InputTooLarge,
                format!(
                    "an entity statement is larger than the limit of {} bytes",
                    limits.max_entity_statement_bytes()
                ),
            ));
        }
        let decoded = jose::decode_claims(token, limits)?;
        let header = decoded.header;
        let signing_len = decoded.signing_input.len();
        let signature = decoded.signature;
        let mut claims = decoded.claims;
        if !header
            .typ()
            .is_some_and(|t| typ::typ_matches(t, typ::ENTITY_STATEMENT))
        {
            return Err(Error::new(
                ErrorCode::OidcfedTypInvalid,
                "the statement's typ is not entity-statement+jwt",
            ));
        }
        let string = |name: &'static str, reason: &'static str| -> Result<String> {
            claims
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| malformed(reason))
        };
        let int = |name: &'static str, reason: &'static str| -> Result<i64> {
            claims
                .get(name)
                .and_then(Value::as_i64)
                .ok_or_else(|| malformed(reason))
        };
        let iss = string("iss", "iss is missing or not a string")?;
        let sub = string("sub", "sub is missing or not a string")?;
        let iat = int("iat", "iat is missing or not an integer")?;
        let exp = int("exp", "exp is missing or not an integer")?;
        if !claims.get("jwks").is_some_and(Value::is_object) {
            return Err(malformed("jwks is missing or not an object"));
        }
        let authority_hints = match claims.get("authority_hints") {
            None => Vec::new(),
            Some(v) => strings(v, "authority_hints is not a list of strings")?,
        };
        match claims.get("metadata") {
            None => {}
            Some(Value::Object(m)) if m.values().any(|v| !v.is_object()) => {
                return Err(malformed("metadata holds a non-object entity type"));
            }
            Some(Value::Object(_)) => {}
            Some(_) => return Err(malformed("metadata is not an object")),
        }
        if let Some(crit) = claims.get("crit") {
            let names = strings(crit, "crit is not a list of strings")?;
            if names.is_empty() {
                return Err(malformed("crit is an empty list"));
            }
            for name in &names {
                if REGISTERED.contains(&name.as_str()) || !claims.contains_key(name) {
                    return Err(malformed(
                        "crit names a registered claim or one the statement lacks",
                    ));
                }
                if !UNDERSTOOD.contains(&name.as_str()) {
                    return Err(Error::with_detail(
                        ErrorCode::OidcfedStatementMalformed,
                        format!(
                            "crit names the claim {name:?}, which idbridge does not understand"
                        ),
                    ));
                }
            }
        }
        let self_issued = iss == sub;
        let (policy, policy_values) = match claims.get("metadata_policy") {
            Some(v) if !self_issued => policy::parse(v)?,
            _ => (Policy::new(), 0),
        };
        let policy_crit = match claims.get("metadata_policy_crit") {
            Some(v) if !self_issued => strings(v, "metadata_policy_crit is not a list of strings")?,
            _ => Vec::new(),
        };
        let constraints = match claims.get("constraints") {
            None => Constraints::default(),
            Some(v) => constraints(v)?,
        };
        // Every claim checked: the two large ones move out, not copied.
        let jwks = claims.remove("jwks").unwrap_or(Value::Null);
        let metadata = match claims.remove("metadata") {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        Ok(Statement {
            token: token.to_string(),
            header,
            signing_len,
            signature,
            iss,
            sub,
            iat,
            exp,
            jwks,
            authority_hints,
            metadata,
            policy,
            policy_crit,
            constraints,
            policy_values,
            claims,
        })
    }

    /// Check 6 for this statement: JOSE rules 2 onwards and the signature
    /// under `keys` ([`jose::verify_decoded`], `verify_compact`'s own
    /// steps). `verified`: the thumbprint of a key that already verified
    /// this statement's signature. Returns the accepting key's thumbprint.
    pub(crate) fn verify(
        &self,
        backend: &dyn Backend,
        keys: &JwkSet,
        options: &JwsOptions,
        verified: Option<&str>,
    ) -> Result<String> {
        let signing_input = self
            .token
            .as_bytes()
            .get(..self.signing_len)
            .ok_or_else(|| Error::new(ErrorCode::JwsMalformed, "the signing input is missing"))?;
        jose::verify_decoded(
            backend,
            keys,
            &self.header,
            signing_input,
            &self.signature,
            options,
            verified,
        )
        .map(|accepted| accepted.key.thumbprint().to_string())
    }

    /// An entity configuration: issued by its subject.
    pub(crate) fn self_issued(&self) -> bool {
        self.iss == self.sub
    }

    /// `metadata.federation_entity.federation_fetch_endpoint`.
    pub(crate) fn fetch_endpoint(&self) -> Option<&str> {
        self.metadata
            .get("federation_entity")?
            .get("federation_fetch_endpoint")?
            .as_str()
    }
}

/// `constraints`: `max_path_length` a non-negative integer,
/// `naming_constraints` with `permitted`/`excluded` lists of strings,
/// `allowed_entity_types` a list of strings.
fn constraints(value: &Value) -> Result<Constraints> {
    let Value::Object(c) = value else {
        return Err(malformed("constraints is not an object"));
    };
    let max_path_length = match c.get("max_path_length") {
        None => None,
        Some(v) => Some(
            v.as_u64()
                .ok_or_else(|| malformed("max_path_length is not a non-negative integer"))?,
        ),
    };
    let (permitted, excluded) = match c.get("naming_constraints") {
        None => (None, None),
        Some(Value::Object(n)) => {
            let list = |name: &str| -> Result<Option<Vec<String>>> {
                n.get(name)
                    .map(|v| strings(v, "naming_constraints lists are lists of strings"))
                    .transpose()
            };
            (list("permitted")?, list("excluded")?)
        }
        Some(_) => return Err(malformed("naming_constraints is not an object")),
    };
    let allowed_entity_types = c
        .get("allowed_entity_types")
        .map(|v| strings(v, "allowed_entity_types is not a list of strings"))
        .transpose()?;
    Ok(Constraints {
        max_path_length,
        permitted,
        excluded,
        allowed_entity_types,
    })
}
