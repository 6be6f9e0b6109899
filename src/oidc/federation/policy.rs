//! Metadata policy (OpenID Federation 1.0 §6.1): the seven standard
//! operators, how the policies of the superiors in a chain merge, which
//! operator combinations are allowed, and the order they are applied in
//! (§6.1.3.1: value, add, default, one_of, subset_of, superset_of,
//! essential).
//!
//! - Parsing: an operator's operand has the type the specification gives it (a list for
//!   `add`, `one_of`, `subset_of`, `superset_of`; a boolean for `essential`;
//!   any JSON value for `value` and `default`, `null` allowed for `value`
//!   only): else `oidcfed.statement.malformed`. Operators other than the
//!   seven are kept by name only: ignored, unless `metadata_policy_crit`
//!   names them (`oidcfed.policy.unsupported`, checked by the chain).
//! - Merging (superior first, then each subordinate): `value` and `default`
//!   must be equal, `add` and `superset_of` are unions, `one_of` and
//!   `subset_of` intersections (`one_of` may not become empty), `essential`
//!   stays true once a superior set it. Then the combination rules: `value`
//!   consistent with every other operator, `add` within `subset_of`,
//!   `superset_of` within `subset_of`, `one_of` never with `add`,
//!   `subset_of` or `superset_of`. Any failure is `oidcfed.policy.conflict`.
//! - Applying: a failing `one_of`, `superset_of` or `essential`, or a list
//!   operator on a parameter that is not a list, is
//!   `oidcfed.policy.violation`; a `subset_of` that leaves nothing removes
//!   the parameter; `value` `null` removes it.

use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value};

use super::statement::malformed;
use crate::error::{Error, ErrorCode, Result};

/// The seven operators OpenID Federation 1.0 defines.
pub(crate) const STANDARD_OPERATORS: [&str; 7] = [
    "value",
    "add",
    "default",
    "one_of",
    "subset_of",
    "superset_of",
    "essential",
];

/// The operators of one metadata parameter.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Operators {
    value: Option<Value>,
    add: Option<Vec<Value>>,
    default: Option<Value>,
    one_of: Option<Vec<Value>>,
    subset_of: Option<Vec<Value>>,
    superset_of: Option<Vec<Value>>,
    essential: Option<bool>,
    /// Names of operators that are not standard (ignored unless critical).
    pub(crate) other: Vec<String>,
}

/// entity type → parameter → operators.
pub(crate) type Policy = BTreeMap<String, BTreeMap<String, Operators>>;

fn conflict(detail: String) -> Error {
    Error::with_detail(ErrorCode::OidcfedPolicyConflict, detail)
}

fn violation(detail: String) -> Error {
    Error::with_detail(ErrorCode::OidcfedPolicyViolation, detail)
}

/// A value's identity for set operations: its JSON text, object keys
/// sorted.
fn key(v: &Value) -> String {
    match v {
        Value::Object(_) | Value::Array(_) => super::chain::sorted(v, false).to_string(),
        other => other.to_string(),
    }
}

fn contains(list: &[Value], v: &Value) -> bool {
    list.iter().any(|x| x == v)
}

/// Below this many pairs, the set operations compare values directly
/// (`Value`'s equality ignores object member order, as `key` does);
/// above, they hash `key`s, so long lists cost O(n + m).
const DIRECT_PAIRS: usize = 256;

fn direct(a: &[Value], b: &[Value]) -> bool {
    a.len().saturating_mul(b.len()) <= DIRECT_PAIRS
}

fn union(a: &[Value], b: &[Value]) -> Vec<Value> {
    if direct(a, b) {
        let mut out = a.to_vec();
        for v in b {
            if !contains(&out, v) {
                out.push(v.clone());
            }
        }
        return out;
    }
    let mut seen: HashSet<String> = a.iter().map(key).collect();
    let mut out = a.to_vec();
    for v in b {
        if seen.insert(key(v)) {
            out.push(v.clone());
        }
    }
    out
}

fn intersection(a: &[Value], b: &[Value]) -> Vec<Value> {
    if direct(a, b) {
        return a.iter().filter(|v| contains(b, v)).cloned().collect();
    }
    let keep: HashSet<String> = b.iter().map(key).collect();
    a.iter()
        .filter(|v| keep.contains(&key(v)))
        .cloned()
        .collect()
}

fn is_subset(a: &[Value], b: &[Value]) -> bool {
    if direct(a, b) {
        return a.iter().all(|v| contains(b, v));
    }
    let of: HashSet<String> = b.iter().map(key).collect();
    a.iter().all(|v| of.contains(&key(v)))
}

/// Parses a `metadata_policy` claim; also returns how many values it holds.
pub(crate) fn parse(value: &Value) -> Result<(Policy, usize)> {
    let Value::Object(types) = value else {
        return Err(malformed("metadata_policy is not an object"));
    };
    let mut policy = Policy::new();
    let mut count = 0usize;
    for (entity_type, params) in types {
        let Value::Object(params) = params else {
            return Err(malformed("a metadata_policy entity type is not an object"));
        };
        let mut out = BTreeMap::new();
        for (param, ops) in params {
            let Value::Object(ops) = ops else {
                return Err(malformed("a parameter's metadata policy is not an object"));
            };
            let mut o = Operators::default();
            for (name, operand) in ops {
                count = count.saturating_add(1);
                let list = |operand: &Value| -> Result<Vec<Value>> {
                    match operand {
                        Value::Array(items) => Ok(items.clone()),
                        _ => Err(malformed("a list operator's operand is not a list")),
                    }
                };
                match name.as_str() {
                    "value" => o.value = Some(operand.clone()),
                    "default" => {
                        if operand.is_null() {
                            return Err(malformed("default is null"));
                        }
                        o.default = Some(operand.clone());
                    }
                    "add" => o.add = Some(list(operand)?),
                    "one_of" => o.one_of = Some(list(operand)?),
                    "subset_of" => o.subset_of = Some(list(operand)?),
                    "superset_of" => o.superset_of = Some(list(operand)?),
                    "essential" => {
                        o.essential = Some(
                            operand
                                .as_bool()
                                .ok_or_else(|| malformed("essential is not a boolean"))?,
                        )
                    }
                    _ => o.other.push(name.clone()),
                }
                if let Value::Array(items) = operand {
                    count = count.saturating_add(items.len());
                }
            }
            out.insert(param.clone(), o);
        }
        policy.insert(entity_type.clone(), out);
    }
    Ok((policy, count))
}

/// Merges `sub`'s operators under `sup`'s, for `param`.
fn merge_operators(param: &str, sup: &Operators, sub: &Operators) -> Result<Operators> {
    let mut out = sup.clone();
    match (&sup.value, &sub.value) {
        (Some(a), Some(b)) if a != b => {
            return Err(conflict(format!(
                "two superiors give {param} different values"
            )))
        }
        (None, Some(b)) => out.value = Some(b.clone()),
        _ => {}
    }
    match (&sup.default, &sub.default) {
        (Some(a), Some(b)) if a != b => {
            return Err(conflict(format!(
                "two superiors give {param} different defaults"
            )))
        }
        (None, Some(b)) => out.default = Some(b.clone()),
        _ => {}
    }
    out.add = match (&sup.add, &sub.add) {
        (Some(a), Some(b)) => Some(union(a, b)),
        (a, b) => a.clone().or_else(|| b.clone()),
    };
    out.superset_of = match (&sup.superset_of, &sub.superset_of) {
        (Some(a), Some(b)) => Some(union(a, b)),
        (a, b) => a.clone().or_else(|| b.clone()),
    };
    out.subset_of = match (&sup.subset_of, &sub.subset_of) {
        (Some(a), Some(b)) => Some(intersection(a, b)),
        (a, b) => a.clone().or_else(|| b.clone()),
    };
    out.one_of = match (&sup.one_of, &sub.one_of) {
        (Some(a), Some(b)) => {
            let both = intersection(a, b);
            if both.is_empty() {
                return Err(conflict(format!(
                    "the one_of lists of two superiors for {param} have nothing in common"
                )));
            }
            Some(both)
        }
        (a, b) => a.clone().or_else(|| b.clone()),
    };
    out.essential = match (sup.essential, sub.essential) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (a, b) => a.or(b),
    };
    out.other = sup.other.clone();
    for name in &sub.other {
        if !out.other.contains(name) {
            out.other.push(name.clone());
        }
    }
    Ok(out)
}

/// The combination rules for one parameter's merged operators.
fn check_combinations(param: &str, o: &Operators) -> Result<()> {
    let bad = |what: &str| Err(conflict(format!("{param}: {what}")));
    if let Some(value) = &o.value {
        let as_list = value.as_array();
        if value.is_null() {
            if o.add.is_some() || o.default.is_some() || o.essential == Some(true) {
                return bad("value null with add, default or essential");
            }
        } else {
            if let Some(add) = &o.add {
                match as_list {
                    Some(v) if is_subset(add, v) => {}
                    _ => return bad("value does not hold every add value"),
                }
            }
            if let Some(one_of) = &o.one_of {
                if !contains(one_of, value) {
                    return bad("value is not one of one_of");
                }
            }
            if let Some(subset_of) = &o.subset_of {
                match as_list {
                    Some(v) if is_subset(v, subset_of) => {}
                    _ => return bad("value is not a subset of subset_of"),
                }
            }
            if let Some(superset_of) = &o.superset_of {
                match as_list {
                    Some(v) if is_subset(superset_of, v) => {}
                    _ => return bad("value is not a superset of superset_of"),
                }
            }
        }
    }
    if o.one_of.is_some() && (o.add.is_some() || o.subset_of.is_some() || o.superset_of.is_some()) {
        return bad("one_of combined with add, subset_of or superset_of");
    }
    if let (Some(add), Some(subset_of)) = (&o.add, &o.subset_of) {
        if !is_subset(add, subset_of) {
            return bad("add holds values outside subset_of");
        }
    }
    if let (Some(superset_of), Some(subset_of)) = (&o.superset_of, &o.subset_of) {
        if !is_subset(superset_of, subset_of) {
            return bad("superset_of is not within subset_of");
        }
    }
    Ok(())
}

/// Merges the policies of a chain's subordinate statements, the trust
/// anchor's first (`policies` in that order).
pub(crate) fn merge<'a>(policies: impl Iterator<Item = &'a Policy>) -> Result<Policy> {
    let mut merged = Policy::new();
    for policy in policies {
        for (entity_type, params) in policy {
            let slot = merged.entry(entity_type.clone()).or_default();
            for (param, ops) in params {
                let next = match slot.get(param) {
                    Some(sup) => merge_operators(param, sup, ops)?,
                    None => ops.clone(),
                };
                slot.insert(param.clone(), next);
            }
        }
    }
    for params in merged.values() {
        for (param, ops) in params {
            check_combinations(param, ops)?;
        }
    }
    Ok(merged)
}

/// Applies one entity type's merged policy to its metadata, in the order
/// of §6.1.3.1.
pub(crate) fn apply(
    entity_type: &str,
    params: &BTreeMap<String, Operators>,
    metadata: &mut Map<String, Value>,
) -> Result<()> {
    for (param, o) in params {
        let name = || format!("{entity_type}.{param}");
        if let Some(value) = &o.value {
            if value.is_null() {
                metadata.remove(param);
            } else {
                metadata.insert(param.clone(), value.clone());
            }
        }
        if let Some(add) = &o.add {
            match metadata.get(param) {
                None => {
                    metadata.insert(param.clone(), Value::Array(add.clone()));
                }
                Some(Value::Array(items)) => {
                    let merged = union(items, add);
                    metadata.insert(param.clone(), Value::Array(merged));
                }
                Some(_) => {
                    return Err(violation(format!("add on {}, which is not a list", name())))
                }
            }
        }
        if let Some(default) = &o.default {
            if !metadata.contains_key(param) {
                metadata.insert(param.clone(), default.clone());
            }
        }
        if let Some(one_of) = &o.one_of {
            if let Some(v) = metadata.get(param) {
                if !contains(one_of, v) {
                    return Err(violation(format!("{} is not one of one_of", name())));
                }
            }
        }
        if let Some(subset_of) = &o.subset_of {
            match metadata.get(param) {
                None => {}
                Some(Value::Array(items)) => {
                    let kept = intersection(items, subset_of);
                    if kept.is_empty() {
                        metadata.remove(param);
                    } else {
                        metadata.insert(param.clone(), Value::Array(kept));
                    }
                }
                Some(_) => {
                    return Err(violation(format!(
                        "subset_of on {}, which is not a list",
                        name()
                    )))
                }
            }
        }
        if let Some(superset_of) = &o.superset_of {
            match metadata.get(param) {
                None => {}
                Some(Value::Array(items)) if is_subset(superset_of, items) => {}
                Some(_) => {
                    return Err(violation(format!(
                        "{} does not hold every superset_of value",
                        name()
                    )))
                }
            }
        }
        if o.essential == Some(true) && !metadata.contains_key(param) {
            return Err(violation(format!("{} is essential and absent", name())));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ops(v: Value) -> Operators {
        let (p, _) = parse(&json!({"t": {"p": v}})).unwrap();
        p["t"]["p"].clone()
    }

    #[test]
    fn set_operations_agree_direct_and_hashed() {
        // Objects equal whatever their member order; 1 and 1.0 differ.
        let a = vec![json!({"x": 1, "y": [2]}), json!("s"), json!(1), json!(null)];
        let b = vec![json!({"y": [2], "x": 1}), json!(1.0), json!("s")];
        assert!(direct(&a, &b));
        // The same lists, padded past DIRECT_PAIRS with values in neither.
        let pad = |l: &[Value], tag: &str| -> Vec<Value> {
            let mut out = l.to_vec();
            out.extend((0..40).map(|i| json!(format!("{tag}{i}"))));
            out
        };
        let (la, lb) = (pad(&a, "a"), pad(&b, "b"));
        assert!(!direct(&la, &lb));
        let strip = |l: Vec<Value>| -> Vec<Value> {
            l.into_iter()
                .filter(|v| v.as_str().is_none_or(|s| s.len() <= 1))
                .collect()
        };
        let want_i = vec![json!({"x": 1, "y": [2]}), json!("s")];
        assert_eq!(intersection(&a, &b), want_i);
        assert_eq!(strip(intersection(&la, &lb)), want_i);
        let want_u = vec![
            json!({"x": 1, "y": [2]}),
            json!("s"),
            json!(1),
            json!(null),
            json!(1.0),
        ];
        assert_eq!(union(&a, &b), want_u);
        assert_eq!(strip(union(&la, &lb)), want_u);
        assert!(!is_subset(&a, &b) && !is_subset(&la, &lb));
        let sub = vec![json!("s"), json!({"y": [2], "x": 1})];
        assert!(is_subset(&sub, &a) && is_subset(&sub, &la));
        let big: Vec<Value> = (0..200).map(|i| json!(i)).collect();
        assert!(!direct(&sub, &big) && !is_subset(&sub, &big));
        assert!(is_subset(&big[..3], &big));
    }

    #[test]
    fn merge_rules() {
        let m = merge_operators(
            "p",
            &ops(json!({"add": ["a"]})),
            &ops(json!({"add": ["b", "a"]})),
        )
        .unwrap();
        assert_eq!(m.add, Some(vec![json!("a"), json!("b")]));
        let m = merge_operators(
            "p",
            &ops(json!({"subset_of": ["a", "b"]})),
            &ops(json!({"subset_of": ["b", "c"]})),
        )
        .unwrap();
        assert_eq!(m.subset_of, Some(vec![json!("b")]));
        let e = merge_operators(
            "p",
            &ops(json!({"one_of": ["a"]})),
            &ops(json!({"one_of": ["b"]})),
        )
        .unwrap_err();
        assert_eq!(e.code(), "oidcfed.policy.conflict");
        let m = merge_operators(
            "p",
            &ops(json!({"essential": true})),
            &ops(json!({"essential": false})),
        )
        .unwrap();
        assert_eq!(m.essential, Some(true));
    }

    #[test]
    fn combinations() {
        assert!(check_combinations("p", &ops(json!({"value": ["a"], "add": ["a"]}))).is_ok());
        assert!(check_combinations("p", &ops(json!({"value": ["a"], "add": ["b"]}))).is_err());
        assert!(check_combinations("p", &ops(json!({"one_of": ["a"], "add": ["a"]}))).is_err());
        assert!(check_combinations(
            "p",
            &ops(json!({"subset_of": ["a"], "superset_of": ["a", "b"]}))
        )
        .is_err());
        assert!(check_combinations("p", &ops(json!({"value": null, "essential": true}))).is_err());
    }
}
