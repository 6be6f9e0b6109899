//! The verifier's side of an OpenID for Verifiable Presentations 1.0
//! response carrying SD-JWT VCs: the `vp_token` of a `direct_post`
//! response (§8.2, form or JSON body) or of a `direct_post.jwt` response
//! (§8.3: the parameters in a JWE to the verifier's key, a JWS inside when
//! the wallet signed them), and whether it answers the verifier's DCQL
//! query (§6) in the subset a relying party needs: credential queries of
//! format `dc+sd-jwt` with `meta.vct_values` and `claims` paths.
//!
//! Sans-IO: the caller receives the HTTP body and hands it here; every
//! presentation is then verified by [`super::verify_presentation`].

use super::{verify_presentation, Expectations, SdJwtTrust, StatusLists, VerifiedPresentation};
use crate::crypto::Backend;
use crate::error::{Error, ErrorCode, Result};
use crate::jose::{self, DecryptionKey, JweOptions, JwkSet, JwsOptions};
use crate::json;
use crate::limits::Limits;
use crate::time::UnixTime;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// At most this many credential queries, presentations per query and
/// elements per claim path.
const MAX_ITEMS: usize = 64;

fn invalid_response(reason: &'static str) -> Error {
    Error::new(ErrorCode::Openid4vpResponseInvalid, reason)
}

fn invalid_query(reason: &'static str) -> Error {
    Error::new(ErrorCode::Openid4vpQueryInvalid, reason)
}

/// One element of a DCQL claims path (§7): an object member, an array
/// index, or every element of an array (`null`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathElement {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
    /// Any element of an array.
    All,
}

/// One DCQL credential query of format `dc+sd-jwt`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialQuery {
    id: String,
    vct_values: Vec<String>,
    claims: Vec<Vec<PathElement>>,
    multiple: bool,
}

impl CredentialQuery {
    /// The query's `id`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `meta.vct_values` (empty: any `vct`).
    pub fn vct_values(&self) -> &[String] {
        &self.vct_values
    }

    /// The required claims' paths.
    pub fn claims(&self) -> &[Vec<PathElement>] {
        &self.claims
    }
}

/// The verifier's DCQL query, in the subset this module checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DcqlQuery {
    credentials: Vec<CredentialQuery>,
}

impl DcqlQuery {
    /// Parses the `dcql_query` the verifier sent. `openid4vp.query.invalid`
    /// for anything outside the subset: not an object with 1 to 64
    /// `credentials`, an `id` not unique, a `format` other than
    /// `dc+sd-jwt`, `credential_sets`, `claim_sets` or claim `values`
    /// (which this subset cannot honour, so it refuses rather than ignore
    /// them), a path element not a string, non-negative integer or `null`.
    ///
    /// ```
    /// use idbridge::sdjwt::openid4vp::DcqlQuery;
    /// let q = DcqlQuery::from_json(br#"{"credentials":[{"id":"pid","format":"dc+sd-jwt",
    ///   "meta":{"vct_values":["urn:eudi:pid:it:1"]},
    ///   "claims":[{"path":["given_name"]},{"path":["nationalities",null]}]}]}"#,
    ///   &idbridge::Limits::default())?;
    /// assert_eq!(q.credentials()[0].claims().len(), 2);
    /// # Ok::<(), idbridge::Error>(())
    /// ```
    pub fn from_json(bytes: &[u8], limits: &Limits) -> Result<DcqlQuery> {
        if bytes.len() > limits.max_input_bytes() {
            return Err(Error::new(
                ErrorCode::InputTooLarge,
                "the DCQL query is larger than max_input_bytes",
            ));
        }
        let value = json::parse_value(bytes, limits.max_json_depth())
            .map_err(|_| invalid_query("the DCQL query is not strict JSON"))?;
        let Value::Object(map) = value else {
            return Err(invalid_query("the DCQL query is not an object"));
        };
        if map.contains_key("credential_sets") {
            return Err(invalid_query("credential_sets is outside the subset"));
        }
        let list = match map.get("credentials") {
            Some(Value::Array(l)) if !l.is_empty() && l.len() <= MAX_ITEMS => l,
            _ => return Err(invalid_query("credentials is not an array of 1 to 64")),
        };
        let mut credentials: Vec<CredentialQuery> = Vec::with_capacity(list.len());
        for item in list {
            let q = credential_query(item)?;
            if credentials.iter().any(|c| c.id == q.id) {
                return Err(invalid_query("two credential queries share an id"));
            }
            credentials.push(q);
        }
        Ok(DcqlQuery { credentials })
    }

    /// The credential queries.
    pub fn credentials(&self) -> &[CredentialQuery] {
        &self.credentials
    }
}

fn credential_query(item: &Value) -> Result<CredentialQuery> {
    let Value::Object(q) = item else {
        return Err(invalid_query("a credential query is not an object"));
    };
    let id = q
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid_query("a credential query has no string id"))?;
    if q.get("format").and_then(Value::as_str) != Some("dc+sd-jwt") {
        return Err(invalid_query(
            "a credential query's format is not dc+sd-jwt",
        ));
    }
    if q.contains_key("claim_sets") {
        return Err(invalid_query("claim_sets is outside the subset"));
    }
    let multiple = match q.get("multiple") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(invalid_query("multiple is not a boolean")),
    };
    let vct_values = match q.get("meta").and_then(|m| m.get("vct_values")) {
        None => Vec::new(),
        Some(Value::Array(v)) if v.len() <= MAX_ITEMS => v
            .iter()
            .map(|s| {
                s.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| invalid_query("meta.vct_values holds a non-string"))
            })
            .collect::<Result<_>>()?,
        Some(_) => return Err(invalid_query("meta.vct_values is not an array")),
    };
    let claims = match q.get("claims") {
        None => Vec::new(),
        Some(Value::Array(c)) if c.len() <= MAX_ITEMS => {
            c.iter().map(claim_path).collect::<Result<_>>()?
        }
        Some(_) => return Err(invalid_query("claims is not an array of at most 64")),
    };
    Ok(CredentialQuery {
        id: id.to_string(),
        vct_values,
        claims,
        multiple,
    })
}

fn claim_path(claim: &Value) -> Result<Vec<PathElement>> {
    if claim.get("values").is_some() {
        return Err(invalid_query("claim values are outside the subset"));
    }
    let Some(Value::Array(path)) = claim.get("path") else {
        return Err(invalid_query("a claim has no path array"));
    };
    if path.is_empty() || path.len() > MAX_ITEMS {
        return Err(invalid_query("a claim path is empty or longer than 64"));
    }
    path.iter()
        .map(|e| match e {
            Value::String(s) => Ok(PathElement::Key(s.clone())),
            Value::Null => Ok(PathElement::All),
            Value::Number(n) => n
                .as_u64()
                .and_then(|i| usize::try_from(i).ok())
                .map(PathElement::Index)
                .ok_or_else(|| invalid_query("a path index is not a non-negative integer")),
            _ => Err(invalid_query(
                "a path element is not a string, index or null",
            )),
        })
        .collect()
}

/// The parameters of an authorization response: `vp_token` (credential
/// query id → presentations, §8.1) and `state`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorizationResponse {
    vp_token: BTreeMap<String, Vec<String>>,
    state: Option<String>,
}

/// How a `direct_post` body is encoded (its `Content-Type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyEncoding {
    /// `application/x-www-form-urlencoded` (what §8.2 specifies).
    Form,
    /// `application/json`.
    Json,
}

impl AuthorizationResponse {
    /// The `vp_token` of a `direct_post` response body.
    /// `openid4vp.response.invalid` when the body is not a form (strict
    /// percent-encoding, no parameter twice) or JSON object, or its
    /// `vp_token` is not a JSON object of 1 to 64 ids each holding 1 to 64
    /// presentation strings; `state`, when present, must be a string.
    ///
    /// ```
    /// use idbridge::sdjwt::openid4vp::{AuthorizationResponse, BodyEncoding};
    /// let body = b"vp_token=%7B%22pid%22%3A%5B%22eyJ...~%22%5D%7D&state=s-1";
    /// let r = AuthorizationResponse::from_direct_post(body, BodyEncoding::Form,
    ///     &idbridge::Limits::default())?;
    /// assert_eq!(r.presentations("pid"), ["eyJ...~"]);
    /// assert_eq!(r.state(), Some("s-1"));
    /// # Ok::<(), idbridge::Error>(())
    /// ```
    pub fn from_direct_post(
        body: &[u8],
        encoding: BodyEncoding,
        limits: &Limits,
    ) -> Result<AuthorizationResponse> {
        check_size(body, limits)?;
        let params = match encoding {
            BodyEncoding::Form => form(body)?,
            BodyEncoding::Json => json_params(body, limits)?,
        };
        from_params(&params, limits)
    }

    /// The `vp_token` of a `direct_post.jwt` response: the body's
    /// `response` parameter (form or JSON) is a JWE to the verifier's `key`
    /// (checked by [`jose::decrypt_compact`] with `jwe_options`: the
    /// `jwe.*` codes), whose plaintext is the parameters as a JSON object
    /// or, when the wallet signed them, a JWS verified with `signed_by`
    /// (`jws.*` codes; a signed response without `signed_by` is
    /// `openid4vp.response.invalid`).
    pub fn from_direct_post_jwt(
        body: &[u8],
        encoding: BodyEncoding,
        key: &DecryptionKey,
        jwe_options: &JweOptions,
        signed_by: Option<(&dyn Backend, &JwkSet, &JwsOptions)>,
        limits: &Limits,
    ) -> Result<AuthorizationResponse> {
        check_size(body, limits)?;
        let params = match encoding {
            BodyEncoding::Form => form(body)?,
            BodyEncoding::Json => json_params(body, limits)?,
        };
        let jwe = params
            .get("response")
            .ok_or_else(|| invalid_response("the body has no response parameter"))?;
        let decrypted = jose::decrypt_compact(key, jwe, jwe_options)?;
        let plaintext = decrypted
            .plaintext_str()
            .ok_or_else(|| invalid_response("the decrypted response is not UTF-8"))?;
        let payload: Vec<u8> = if plaintext.trim_start().starts_with('{') {
            plaintext.as_bytes().to_vec()
        } else {
            let (backend, keys, options) = signed_by.ok_or_else(|| {
                invalid_response("the response is signed and no wallet key was given")
            })?;
            jose::verify_compact(backend, keys, plaintext, options)?
                .payload()
                .to_vec()
        };
        let value = json::parse_value(&payload, limits.max_json_depth())
            .map_err(|_| invalid_response("the decrypted response is not strict JSON"))?;
        let Value::Object(map) = value else {
            return Err(invalid_response("the decrypted response is not an object"));
        };
        from_params(&object_params(map)?, limits)
    }

    /// The presentations for the credential query `id` (empty if none).
    pub fn presentations(&self, id: &str) -> &[String] {
        self.vp_token.get(id).map_or(&[], Vec::as_slice)
    }

    /// `state`, as the wallet returned it ([`verify_response`] compares it
    /// with [`Expectations::state`] when that is set).
    pub fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }
}

fn check_size(body: &[u8], limits: &Limits) -> Result<()> {
    if body.len() > limits.max_input_bytes() {
        return Err(Error::new(
            ErrorCode::InputTooLarge,
            "the response body is larger than max_input_bytes",
        ));
    }
    Ok(())
}

/// A value of the parameters: a form's are strings; JSON's `vp_token` may
/// be an object.
enum Param {
    Text(String),
    Json(Value),
}

impl Param {
    fn as_text(&self) -> Option<&str> {
        match self {
            Param::Text(s) => Some(s),
            Param::Json(Value::String(s)) => Some(s),
            Param::Json(_) => None,
        }
    }
}

struct Params(BTreeMap<String, Param>);

impl Params {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Param::as_text)
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn unescape(text: &[u8]) -> Result<String> {
    let bad = || invalid_response("the form body is not strict percent-encoding");
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.iter().copied();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.next().and_then(hex).ok_or_else(bad)?;
                let lo = bytes.next().and_then(hex).ok_or_else(bad)?;
                out.push(hi << 4 | lo);
            }
            _ => out.push(b),
        }
    }
    String::from_utf8(out).map_err(|_| invalid_response("a form value is not UTF-8"))
}

fn form(body: &[u8]) -> Result<Params> {
    let mut params = BTreeMap::new();
    for pair in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let mut halves = pair.splitn(2, |&b| b == b'=');
        let name = unescape(halves.next().unwrap_or_default())?;
        let value = unescape(halves.next().unwrap_or_default())?;
        if params.insert(name, Param::Text(value)).is_some() {
            return Err(invalid_response("a form parameter appears twice"));
        }
    }
    Ok(Params(params))
}

fn json_params(body: &[u8], limits: &Limits) -> Result<Params> {
    let value = json::parse_value(body, limits.max_json_depth())
        .map_err(|_| invalid_response("the body is not strict JSON"))?;
    let Value::Object(map) = value else {
        return Err(invalid_response("the body is not a JSON object"));
    };
    object_params(map)
}

fn object_params(map: Map<String, Value>) -> Result<Params> {
    Ok(Params(
        map.into_iter().map(|(k, v)| (k, Param::Json(v))).collect(),
    ))
}

fn from_params(params: &Params, limits: &Limits) -> Result<AuthorizationResponse> {
    let token = match params.0.get("vp_token") {
        None => return Err(invalid_response("the response has no vp_token")),
        Some(Param::Json(v @ Value::Object(_))) => v.clone(),
        Some(Param::Text(text)) | Some(Param::Json(Value::String(text))) => {
            json::parse_value(text.as_bytes(), limits.max_json_depth())
                .map_err(|_| invalid_response("vp_token is not strict JSON"))?
        }
        Some(Param::Json(_)) => return Err(invalid_response("vp_token is not a JSON object")),
    };
    let Value::Object(token) = token else {
        return Err(invalid_response("vp_token is not a JSON object"));
    };
    if token.is_empty() || token.len() > MAX_ITEMS {
        return Err(invalid_response("vp_token holds no id or more than 64"));
    }
    let mut vp_token = BTreeMap::new();
    for (id, list) in token {
        let Value::Array(list) = list else {
            return Err(invalid_response("a vp_token entry is not an array"));
        };
        if list.is_empty() || list.len() > MAX_ITEMS {
            return Err(invalid_response(
                "a vp_token entry holds no presentation or more than 64",
            ));
        }
        let presentations = list
            .into_iter()
            .map(|p| match p {
                Value::String(s) => Ok(s),
                _ => Err(invalid_response("a presentation is not a string")),
            })
            .collect::<Result<Vec<_>>>()?;
        vp_token.insert(id, presentations);
    }
    let state = match params.0.get("state") {
        None => None,
        Some(p) => Some(
            p.as_text()
                .ok_or_else(|| invalid_response("state is not a string"))?
                .to_string(),
        ),
    };
    Ok(AuthorizationResponse { vp_token, state })
}

/// Whether `value` holds something at `path` (§7.1's selection: `All`
/// selects every element of an array, and a path matches when any
/// selected element is there).
fn has_path(value: &Value, path: &[PathElement]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return !value.is_null();
    };
    match (first, value) {
        (PathElement::Key(k), Value::Object(m)) => m.get(k).is_some_and(|v| has_path(v, rest)),
        (PathElement::Index(i), Value::Array(a)) => a.get(*i).is_some_and(|v| has_path(v, rest)),
        (PathElement::All, Value::Array(a)) => a.iter().any(|v| has_path(v, rest)),
        _ => false,
    }
}

/// Verifies every presentation of `response` against `query`: first, when
/// [`Expectations::state`] is set, the response's `state` equals it
/// (`openid4vp.state.mismatch`, also for a response without `state`;
/// §5.2, the request's `state` returned in the response); then each
/// credential query answered (`openid4vp.credential.missing`), by one
/// presentation unless the query says `multiple` (more is
/// `openid4vp.response.invalid`, as is an id the query does not have);
/// each presentation verified by [`verify_presentation`] with `expect`,
/// its `accepted_vct` the query's `vct_values` when it has some; every
/// required claim path disclosed (`openid4vp.claim.missing`). The result
/// holds each query id's verified presentations.
///
/// ```
/// use idbridge::crypto;
/// use idbridge::jose::JwkSet;
/// use idbridge::sdjwt::openid4vp::{verify_response, AuthorizationResponse, BodyEncoding, DcqlQuery};
/// use idbridge::sdjwt::{Expectations, SdJwtTrust, StatusLists};
/// use idbridge::{Limits, UnixTime};
/// # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors/conformance/sd-jwt-vc/upstream/own");
/// # let issuer_jwks = std::fs::read(format!("{dir}/keys/issuer.jwks.json")).unwrap();
/// # let presentation = std::fs::read_to_string(format!("{dir}/presentations/status-own-valid.txt")).unwrap();
/// let limits = Limits::default();
/// // What the verifier asked for, and what the wallet posted (JSON body here).
/// let query = DcqlQuery::from_json(br#"{"credentials":[{"id":"pid","format":"dc+sd-jwt",
///     "meta":{"vct_values":["urn:eudi:pid:it:1"]},"claims":[{"path":["given_name"]}]}]}"#, &limits)?;
/// let body = serde_json::json!({"vp_token": {"pid": [presentation]}}).to_string();
/// let response = AuthorizationResponse::from_direct_post(body.as_bytes(), BodyEncoding::Json, &limits)?;
///
/// let trust = SdJwtTrust::new(JwkSet::from_json(&issuer_jwks)?);
/// let mut expect = Expectations::new("3f1d2c9a7b8e4f60a1b2c3d4e5f60718293a4b5c", "https://rp.idbridge.test");
/// expect.status_check = idbridge::sdjwt::StatusCheck::Off; // no list fetched in this example
/// let now = UnixTime::parse_rfc3339("2026-05-01T00:00:00Z")?;
/// let verified = verify_response(crypto::default_backend(), &response, &query, &trust,
///     &StatusLists::new(), &expect, now)?;
/// assert_eq!(verified["pid"][0].identity().given_name(), Some("Mario"));
///
/// // A query asking for a claim the presentation does not disclose.
/// let more = DcqlQuery::from_json(br#"{"credentials":[{"id":"pid","format":"dc+sd-jwt",
///     "claims":[{"path":["email"]}]}]}"#, &limits)?;
/// let err = verify_response(crypto::default_backend(), &response, &more, &trust,
///     &StatusLists::new(), &expect, now).unwrap_err();
/// assert_eq!(err.code(), "openid4vp.claim.missing");
/// # Ok::<(), idbridge::Error>(())
/// ```
pub fn verify_response(
    backend: &dyn Backend,
    response: &AuthorizationResponse,
    query: &DcqlQuery,
    trust: &SdJwtTrust,
    status_lists: &StatusLists,
    expect: &Expectations<'_>,
    now: UnixTime,
) -> Result<BTreeMap<String, Vec<VerifiedPresentation>>> {
    if let Some(expected) = expect.state {
        if expected.is_empty() {
            return Err(Error::new(
                ErrorCode::ConfigInvalid,
                "the expected state is empty",
            ));
        }
        if response.state() != Some(expected) {
            return Err(Error::new(
                ErrorCode::Openid4vpStateMismatch,
                "the response's state is not the request's",
            ));
        }
    }
    if let Some(extra) = response
        .vp_token
        .keys()
        .find(|id| !query.credentials.iter().any(|q| &q.id == *id))
    {
        return Err(Error::with_detail(
            ErrorCode::Openid4vpResponseInvalid,
            format!("vp_token answers {extra:?}, which the query does not ask"),
        ));
    }
    let mut out = BTreeMap::new();
    for q in &query.credentials {
        let presentations = response.presentations(&q.id);
        if presentations.is_empty() {
            return Err(Error::with_detail(
                ErrorCode::Openid4vpCredentialMissing,
                format!("no presentation answers the credential query {:?}", q.id),
            ));
        }
        if presentations.len() > 1 && !q.multiple {
            return Err(invalid_response(
                "several presentations answer a query without multiple",
            ));
        }
        let vct: Vec<&str> = q.vct_values.iter().map(String::as_str).collect();
        let mut expect_q = *expect;
        if !vct.is_empty() {
            expect_q.accepted_vct = Some(&vct);
        }
        let mut verified = Vec::with_capacity(presentations.len());
        for p in presentations {
            let v = verify_presentation(backend, p, trust, status_lists, &expect_q, now)?;
            let claims = Value::Object(v.claims().clone());
            if !q.claims.iter().all(|path| has_path(&claims, path)) {
                return Err(Error::with_detail(
                    ErrorCode::Openid4vpClaimMissing,
                    format!("a claim the query {:?} requires is not disclosed", q.id),
                ));
            }
            verified.push(v);
        }
        out.insert(q.id.clone(), verified);
    }
    Ok(out)
}
