//! The processed payload as a [`VerifiedIdentity`] (`VECTORS.md`, kind
//! `sd-jwt-vc`, "identity"): `issuer` = `iss`; `subject_id` = the first
//! string of `tax_id_code` (IT-Wallet PID, already `TINIT-…`),
//! `personal_administrative_number`, `sub`; `given_name`, `family_name`;
//! `birth_date` = `birthdate` or `birth_date`; `authn_instant` = the
//! KB-JWT's `iat`; `attributes` = every claim but the JWT and SD-JWT VC
//! housekeeping ones, nested names joined with `.` and array indices.

use crate::identity::{System, VerifiedIdentity};
use crate::time::UnixTime;
use serde_json::{Map, Value};

/// Top-level claims that are not attributes of the person.
const NOT_ATTRIBUTES: [&str; 11] = [
    "iss",
    "sub",
    "iat",
    "nbf",
    "exp",
    "cnf",
    "status",
    "_sd_alg",
    "vct#integrity",
    "jti",
    "aud",
];

fn string<'c>(claims: &'c Map<String, Value>, name: &str) -> Option<&'c str> {
    claims.get(name).and_then(Value::as_str)
}

pub(crate) fn map(claims: &Map<String, Value>, kb_iat: Option<UnixTime>) -> VerifiedIdentity {
    let mut identity = VerifiedIdentity::new(System::SdJwtVc);
    identity.issuer = string(claims, "iss").map(str::to_string);
    identity.subject_id = ["tax_id_code", "personal_administrative_number", "sub"]
        .into_iter()
        .find_map(|name| string(claims, name))
        .map(str::to_string);
    identity.given_name = string(claims, "given_name").map(str::to_string);
    identity.family_name = string(claims, "family_name").map(str::to_string);
    identity.birth_date = string(claims, "birthdate")
        .or_else(|| string(claims, "birth_date"))
        .map(str::to_string);
    identity.authn_instant = kb_iat.map(UnixTime::to_rfc3339);
    for (name, value) in claims {
        if !NOT_ATTRIBUTES.contains(&name.as_str()) {
            flatten(name.clone(), value, &mut identity.attributes);
        }
    }
    identity
}

/// `value` under `prefix`: strings as they are, non-empty objects and
/// arrays member by member, every other value as compact JSON.
fn flatten(prefix: String, value: &Value, out: &mut std::collections::BTreeMap<String, String>) {
    match value {
        Value::String(s) => {
            out.insert(prefix, s.clone());
        }
        Value::Object(members) if !members.is_empty() => {
            for (name, v) in members {
                flatten(format!("{prefix}.{name}"), v, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                flatten(format!("{prefix}.{i}"), v, out);
            }
        }
        other => {
            out.insert(prefix, other.to_string());
        }
    }
}
