//! Single logout (SAML Core 2.0 §3.7; SPID rules, *Single Logout*; CIE ID
//! manual, *Logout*), HTTP-POST and HTTP-Redirect bindings both ways:
//!
//! - [`LogoutRequest`]: the SP-initiated request, signed, for HTTP-POST or
//!   HTTP-Redirect as the AuthnRequest; [`LogoutRequest::sent`] keeps what
//!   the answer is checked against;
//! - [`verify_logout_response`] (POST), [`verify_logout_response_redirect`]:
//!   the IdP's `LogoutResponse` to it;
//! - [`verify_logout_request`] (POST), [`verify_logout_request_redirect`]:
//!   an IdP-initiated `LogoutRequest`, checked against the SP's session;
//!   [`LogoutResponse`] is the SP's answer.
//!
//! What arrives is checked as strictly as a Response: the IdP is the one
//! the request went to (or the session came from), its metadata keys are
//! the only keys tried, the signature is mandatory and is the document
//! element's own (SAML Core §5.4.2: its Reference names that element) or,
//! for HTTP-Redirect, the query string's (SAML bindings §3.4.4.1), the
//! elements are in schema order (SAML Core §3.2.1, §3.2.2, §3.7.1), then
//! `Version`, `IssueInstant` (not in the future, not older than the
//! maximum age, not before our request: the clock skew widens each bound),
//! `Destination` (our SLO URL), `InResponseTo` (our request's `ID`),
//! `Issuer` (the IdP, `Format` absent or entity) and `Status`; for a
//! request, `NotOnOrAfter` when present, the `NameID` and the
//! `SessionIndex` of the session (`saml.logout.session_mismatch`).

use super::request::Outgoing;
use super::xml::{esc, invalid, url, value, xml_id, SpCredential};
use crate::crypto::{self, Algorithm, AllowList, Backend, HashAlg};
use crate::error::{Error, ErrorCode, Result};
use crate::saml::checks::{issuer, status, timing};
use crate::saml::dom::{attr, children, err, is, structure, text, time_attr, trim, SAML, SAMLP};
use crate::saml::{Expectations, IdpRegistry, InputEncoding};
use crate::xml::dsig::{self, DSIG_NS};
use crate::{ClockSkew, Limits, UnixTime};
use base64::Engine as _;
use roxmltree::Node;

const ENTITY: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";
const TRANSIENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const PARTIAL: &str = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout";
const REQUESTER: &str = "urn:oasis:names:tc:SAML:2.0:status:Requester";

/// An SP-initiated `LogoutRequest` to build and sign.
///
/// ```
/// use idbridge::crypto::RustCryptoSigner;
/// use idbridge::saml_sp::{LogoutRequest, SpCredential};
/// use idbridge::UnixTime;
/// # use base64::Engine as _;
/// # let pem = include_str!("../../../test-vectors/keys/rsa2048.pk8.pem");
/// # let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
/// # let pkcs8 = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
/// # let cert_pem = include_bytes!("../../../test-vectors/xmldsig/certs/rsa2048.pem");
/// let signer = RustCryptoSigner::from_pkcs8_der(&pkcs8)?;
/// let credential = SpCredential::new(&signer, cert_pem)?;
/// let request = LogoutRequest::new(
///     "https://sp.example.it",
///     "https://idp.example.it/slo",
///     "_9a8b7c6d5e4f3a2b1c0d", // from your request store
///     UnixTime::parse_rfc3339("2026-03-01T11:00:00Z")?,
///     "https://idp.example.it",  // the session's IdP
///     "_5f4e3d2c1b0a",           // the Assertion's NameID
///     "_0a1b2c3d4e5f",           // its SessionIndex
/// );
/// let location = request.redirect_url(&credential, "bye")?;
/// assert!(location.starts_with("https://idp.example.it/slo?SAMLRequest="));
/// let sent = request.sent(); // keep it: the LogoutResponse must answer it
/// assert_eq!(sent.idp_entity_id, "https://idp.example.it");
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogoutRequest {
    /// The SP's entity ID (`Issuer`, its `NameQualifier`).
    pub sp_entity_id: String,
    /// The IdP's SingleLogoutService URL (`Destination`).
    pub destination: String,
    /// The request `ID` (an `xs:ID`).
    pub id: String,
    /// `IssueInstant` (whole seconds, UTC).
    pub issue_instant: UnixTime,
    /// The IdP of the session (`NameID`'s `NameQualifier`).
    pub idp_entity_id: String,
    /// The session's `NameID` (transient), as the Assertion gave it.
    pub name_id: String,
    /// The session's `SessionIndex`.
    pub session_index: String,
}

/// What a `LogoutResponse` is checked against: keep it with the request ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentLogout {
    /// The `LogoutRequest`'s `ID` (the answer's `InResponseTo`).
    pub id: String,
    /// Its `IssueInstant` (whole seconds, as written).
    pub issue_instant: UnixTime,
    /// The IdP it went to: the only one whose answer is accepted.
    pub idp_entity_id: String,
}

impl LogoutRequest {
    /// A request ending the session `session_index` of `name_id` at `idp_entity_id`.
    pub fn new(
        sp_entity_id: &str,
        destination: &str,
        id: &str,
        issue_instant: UnixTime,
        idp_entity_id: &str,
        name_id: &str,
        session_index: &str,
    ) -> Self {
        LogoutRequest {
            sp_entity_id: sp_entity_id.to_owned(),
            destination: destination.to_owned(),
            id: id.to_owned(),
            issue_instant,
            idp_entity_id: idp_entity_id.to_owned(),
            name_id: name_id.to_owned(),
            session_index: session_index.to_owned(),
        }
    }

    /// What the `LogoutResponse` is checked against.
    pub fn sent(&self) -> SentLogout {
        SentLogout {
            id: self.id.clone(),
            issue_instant: self.issue_instant.floor_secs(),
            idp_entity_id: self.idp_entity_id.clone(),
        }
    }

    fn halves(&self) -> Result<(String, String)> {
        url(&self.sp_entity_id, "the entity ID is not an http(s) URL")?;
        url(&self.destination, "the IdP's SLO URL is not an http(s) URL")?;
        if self.destination.contains(['?', '#']) {
            return Err(invalid("the IdP's SLO URL carries a query or fragment"));
        }
        xml_id(&self.id, "the request ID is not an xs:ID")?;
        value(
            &self.idp_entity_id,
            "the IdP entity ID is empty or not plain text",
        )?;
        value(&self.name_id, "the NameID is empty or not plain text")?;
        value(
            &self.session_index,
            "the SessionIndex is empty or not plain text",
        )?;
        let entity = esc(&self.sp_entity_id);
        let head = format!(
            "<samlp:LogoutRequest xmlns:samlp=\"{SAMLP}\" xmlns:saml=\"{SAML}\" ID=\"{}\" Version=\"2.0\" IssueInstant=\"{}\" Destination=\"{}\"><saml:Issuer Format=\"{ENTITY}\" NameQualifier=\"{entity}\">{entity}</saml:Issuer>",
            self.id,
            self.issue_instant.floor_secs().to_rfc3339(),
            esc(&self.destination),
        );
        let tail = format!(
            "<saml:NameID Format=\"{TRANSIENT}\" NameQualifier=\"{}\">{}</saml:NameID><samlp:SessionIndex>{}</samlp:SessionIndex></samlp:LogoutRequest>",
            esc(&self.idp_entity_id),
            esc(&self.name_id),
            esc(&self.session_index)
        );
        Ok((head, tail))
    }

    /// The request without a signature (HTTP-Redirect signs the query).
    pub fn unsigned_xml(&self) -> Result<String> {
        Outgoing::unsigned(self)
    }

    /// The request with its enveloped signature (HTTP-POST).
    pub fn signed_xml(&self, credential: &SpCredential<'_>) -> Result<String> {
        Outgoing::signed(self, credential)
    }

    /// HTTP-POST: the auto-submitting page posting `SAMLRequest`.
    pub fn post_form(&self, credential: &SpCredential<'_>, relay_state: &str) -> Result<String> {
        Outgoing::post(self, credential, relay_state)
    }

    /// HTTP-Redirect: the IdP's SLO URL with the signed query string.
    pub fn redirect_url(&self, credential: &SpCredential<'_>, relay_state: &str) -> Result<String> {
        Outgoing::redirect_to(self, credential, relay_state)
    }
}

/// The SP's signed `LogoutResponse` to an IdP-initiated `LogoutRequest`
/// (Status `Success`, or `Requester` when the request was refused).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogoutResponse {
    /// The SP's entity ID (`Issuer`).
    pub sp_entity_id: String,
    /// The IdP's SingleLogoutService URL (`Destination`).
    pub destination: String,
    /// The response `ID` (an `xs:ID`).
    pub id: String,
    /// `IssueInstant` (whole seconds, UTC).
    pub issue_instant: UnixTime,
    /// The IdP's request `ID`.
    pub in_response_to: String,
    /// Whether the session was ended (`Success`) or not (`Requester`).
    pub success: bool,
}

impl LogoutResponse {
    fn halves(&self) -> Result<(String, String)> {
        url(&self.sp_entity_id, "the entity ID is not an http(s) URL")?;
        url(&self.destination, "the IdP's SLO URL is not an http(s) URL")?;
        if self.destination.contains(['?', '#']) {
            return Err(invalid("the IdP's SLO URL carries a query or fragment"));
        }
        xml_id(&self.id, "the response ID is not an xs:ID")?;
        xml_id(&self.in_response_to, "InResponseTo is not an xs:ID")?;
        let entity = esc(&self.sp_entity_id);
        let head = format!(
            "<samlp:LogoutResponse xmlns:samlp=\"{SAMLP}\" xmlns:saml=\"{SAML}\" ID=\"{}\" Version=\"2.0\" IssueInstant=\"{}\" Destination=\"{}\" InResponseTo=\"{}\"><saml:Issuer Format=\"{ENTITY}\" NameQualifier=\"{entity}\">{entity}</saml:Issuer>",
            self.id,
            self.issue_instant.floor_secs().to_rfc3339(),
            esc(&self.destination),
            self.in_response_to,
        );
        let code = if self.success { SUCCESS } else { REQUESTER };
        let tail = format!(
            "<samlp:Status><samlp:StatusCode Value=\"{code}\"/></samlp:Status></samlp:LogoutResponse>"
        );
        Ok((head, tail))
    }

    /// The response with its enveloped signature (HTTP-POST).
    pub fn signed_xml(&self, credential: &SpCredential<'_>) -> Result<String> {
        Outgoing::signed(self, credential)
    }

    /// HTTP-POST: the auto-submitting page posting `SAMLResponse`.
    pub fn post_form(&self, credential: &SpCredential<'_>, relay_state: &str) -> Result<String> {
        Outgoing::post(self, credential, relay_state)
    }

    /// HTTP-Redirect: the IdP's SLO URL with the signed query string.
    pub fn redirect_url(&self, credential: &SpCredential<'_>, relay_state: &str) -> Result<String> {
        Outgoing::redirect_to(self, credential, relay_state)
    }
}

impl Outgoing for LogoutRequest {
    const FIELD: &'static str = "SAMLRequest";
    fn parts(&self) -> Result<(String, String)> {
        self.halves()
    }
    fn message_id(&self) -> &str {
        &self.id
    }
    fn target(&self) -> &str {
        &self.destination
    }
}

impl Outgoing for LogoutResponse {
    const FIELD: &'static str = "SAMLResponse";
    fn parts(&self) -> Result<(String, String)> {
        self.halves()
    }
    fn message_id(&self) -> &str {
        &self.id
    }
    fn target(&self) -> &str {
        &self.destination
    }
}

/// What the SP expects of a logout message posted to its SLO endpoint.
#[derive(Clone, Debug)]
pub struct LogoutExpectations<'a> {
    /// The SP's entity ID.
    pub sp_entity_id: &'a str,
    /// The SP's SingleLogoutService URL (the message's `Destination`).
    pub slo_url: &'a str,
    /// Tolerance between clocks.
    pub clock_skew: ClockSkew,
    /// The oldest `IssueInstant` accepted, in seconds before `now` (default 300).
    pub max_issue_instant_age_secs: u32,
    /// Transport encoding of the input (default base64, as posted).
    pub input: InputEncoding,
    /// Input bounds.
    pub limits: Limits,
}

impl<'a> LogoutExpectations<'a> {
    /// No clock skew, 300 s maximum age, base64 input, default limits.
    pub fn new(sp_entity_id: &'a str, slo_url: &'a str) -> Self {
        LogoutExpectations {
            sp_entity_id,
            slo_url,
            clock_skew: ClockSkew::NONE,
            max_issue_instant_age_secs: 300,
            input: InputEncoding::Base64,
            limits: Limits::default(),
        }
    }

    /// The Response checks' expectations, for the shared steps.
    fn shared(
        &self,
        request_id: &'a str,
        idp: &'a str,
        sent: Option<UnixTime>,
    ) -> Expectations<'a> {
        let mut e = Expectations::new(self.sp_entity_id, self.slo_url, request_id);
        e.clock_skew = self.clock_skew;
        e.max_issue_instant_age_secs = self.max_issue_instant_age_secs;
        e.idp_entity_id = Some(idp);
        e.request_issue_instant = sent;
        e.input = self.input;
        e.limits = self.limits;
        e
    }
}

/// The session an IdP-initiated `LogoutRequest` must name.
#[derive(Clone, Copy, Debug)]
pub struct LogoutSession<'a> {
    /// The IdP that authenticated it (`VerifiedResponse::idp_entity_id`).
    pub idp_entity_id: &'a str,
    /// Its `SessionIndex` (`VerifiedResponse::session_index`).
    pub session_index: &'a str,
    /// Its `NameID`, when the SP kept it (then compared too).
    pub name_id: Option<&'a str>,
}

/// A verified `LogoutResponse`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedLogoutResponse {
    /// Its `ID`.
    pub id: String,
    /// The IdP that signed it.
    pub idp_entity_id: String,
    /// `Success` with the second-level code `PartialLogout`: the IdP could
    /// not end every other session.
    pub partial: bool,
}

/// A verified IdP-initiated `LogoutRequest`: end the session, then answer
/// with a [`LogoutResponse`] whose `in_response_to` is `id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedLogoutRequest {
    /// Its `ID`.
    pub id: String,
    /// The IdP that signed it.
    pub idp_entity_id: String,
    /// Its `NameID`.
    pub name_id: String,
    /// Its `SessionIndex` values (one of them is the session's).
    pub session_indexes: Vec<String>,
}

/// Verifies the IdP's `LogoutResponse` (HTTP-POST: the `SAMLResponse`
/// field) to the request `sent`, on the default crypto backend.
pub fn verify_logout_response(
    registry: &IdpRegistry,
    input: &[u8],
    exp: &LogoutExpectations<'_>,
    sent: &SentLogout,
    now: UnixTime,
) -> Result<VerifiedLogoutResponse> {
    let shared = exp.shared(&sent.id, &sent.idp_entity_id, Some(sent.issue_instant));
    let xml = crate::xml::input::decode(input, exp.input == InputEncoding::Base64, &exp.limits)?;
    let doc = crate::xml::parse::parse(&xml, &exp.limits)?;
    let root = root_named(&doc, "LogoutResponse")?;
    let idp = issuer::select_idp(registry, root, None, &shared, now)?;
    dsig::verify_enveloped(
        crypto::default_backend(),
        &doc,
        root,
        &idp.signing_keys,
        dsig::Policy::SAML,
    )?;
    response_body(root, &idp.entity_id, &shared, true, now)
}

/// Verifies the IdP's `LogoutResponse` (HTTP-Redirect: `query` is the SLO
/// URL's query string as received, without `?`) to the request `sent`.
/// The signature is over `SAMLResponse`, `RelayState` and `SigAlg` as they
/// appear in `query` (SAML bindings §3.4.4.1), with the IdP's keys;
/// `SigAlg` is `rsa-sha256`, `rsa-sha384` or `rsa-sha512`; the inflated
/// message is bounded by `exp.limits` and carries no `ds:Signature`.
pub fn verify_logout_response_redirect(
    registry: &IdpRegistry,
    query: &str,
    exp: &LogoutExpectations<'_>,
    sent: &SentLogout,
    now: UnixTime,
) -> Result<VerifiedLogoutResponse> {
    let shared = exp.shared(&sent.id, &sent.idp_entity_id, Some(sent.issue_instant));
    let idp = registry_idp(registry, &shared, now)?;
    let xml = redirect_message(crypto::default_backend(), query, "SAMLResponse", idp, exp)?;
    let doc = crate::xml::parse::parse(&xml, &exp.limits)?;
    let root = root_named(&doc, "LogoutResponse")?;
    response_body(root, &idp.entity_id, &shared, false, now)
}

/// Verifies an IdP-initiated `LogoutRequest` (HTTP-POST: the
/// `SAMLRequest` field) for `session`, on the default crypto backend.
pub fn verify_logout_request(
    registry: &IdpRegistry,
    input: &[u8],
    exp: &LogoutExpectations<'_>,
    session: &LogoutSession<'_>,
    now: UnixTime,
) -> Result<VerifiedLogoutRequest> {
    let shared = exp.shared("", session.idp_entity_id, None);
    let xml = crate::xml::input::decode(input, exp.input == InputEncoding::Base64, &exp.limits)?;
    let doc = crate::xml::parse::parse(&xml, &exp.limits)?;
    let root = root_named(&doc, "LogoutRequest")?;
    let idp = issuer::select_idp(registry, root, None, &shared, now)?;
    dsig::verify_enveloped(
        crypto::default_backend(),
        &doc,
        root,
        &idp.signing_keys,
        dsig::Policy::SAML,
    )?;
    request_body(root, &idp.entity_id, &shared, session, true, now)
}

/// Verifies an IdP-initiated `LogoutRequest` (HTTP-Redirect), as
/// [`verify_logout_response_redirect`] does a response.
pub fn verify_logout_request_redirect(
    registry: &IdpRegistry,
    query: &str,
    exp: &LogoutExpectations<'_>,
    session: &LogoutSession<'_>,
    now: UnixTime,
) -> Result<VerifiedLogoutRequest> {
    let shared = exp.shared("", session.idp_entity_id, None);
    let idp = registry_idp(registry, &shared, now)?;
    let xml = redirect_message(crypto::default_backend(), query, "SAMLRequest", idp, exp)?;
    let doc = crate::xml::parse::parse(&xml, &exp.limits)?;
    let root = root_named(&doc, "LogoutRequest")?;
    request_body(root, &idp.entity_id, &shared, session, false, now)
}

fn root_named<'a, 'i>(doc: &'a roxmltree::Document<'i>, name: &str) -> Result<Node<'a, 'i>> {
    let root = doc.root_element();
    if !is(root, SAMLP, name) {
        return Err(structure("the document is not the logout message expected"));
    }
    Ok(root)
}

/// The IdP named by the expectations (the Redirect binding has no document
/// to read an Issuer from before the signature).
fn registry_idp<'r>(
    registry: &'r IdpRegistry,
    shared: &Expectations<'_>,
    now: UnixTime,
) -> Result<&'r crate::saml::trust::Idp> {
    // select_idp reads the hint first; the node is never consulted.
    let empty = roxmltree::Document::parse("<x/>")
        .map_err(|_| structure("the placeholder document does not parse"))?;
    issuer::select_idp(registry, empty.root_element(), None, shared, now)
}

/// The checks after the signature, on a `LogoutResponse`.
fn response_body(
    root: Node<'_, '_>,
    idp: &str,
    shared: &Expectations<'_>,
    signed_in_xml: bool,
    now: UnixTime,
) -> Result<VerifiedLogoutResponse> {
    schema_order(root, signed_in_xml, &[(SAMLP, "Status", false)])?;
    let id = header(root, shared, now)?;
    let irt = attr(
        root,
        "InResponseTo",
        "the LogoutResponse has no InResponseTo",
    )?;
    if trim(irt) != shared.request_id {
        return Err(err(
            ErrorCode::SamlInResponseToMismatch,
            "InResponseTo is not the LogoutRequest's ID",
        ));
    }
    issuer_is(root, idp)?;
    status::check(root, true)?;
    let partial = children(root, SAMLP, "Status")
        .flat_map(|s| children(s, SAMLP, "StatusCode"))
        .flat_map(|c| children(c, SAMLP, "StatusCode"))
        .any(|c| c.attribute("Value").map(trim) == Some(PARTIAL));
    Ok(VerifiedLogoutResponse {
        id,
        idp_entity_id: idp.to_owned(),
        partial,
    })
}

/// The checks after the signature, on an IdP-initiated `LogoutRequest`.
fn request_body(
    root: Node<'_, '_>,
    idp: &str,
    shared: &Expectations<'_>,
    session: &LogoutSession<'_>,
    signed_in_xml: bool,
    now: UnixTime,
) -> Result<VerifiedLogoutRequest> {
    schema_order(
        root,
        signed_in_xml,
        &[(SAML, "NameID", false), (SAMLP, "SessionIndex", true)],
    )?;
    let id = header(root, shared, now)?;
    issuer_is(root, idp)?;
    if let Some(noa) = root.attribute("NotOnOrAfter") {
        let noa = crate::saml::time::parse(noa)?;
        timing::window(None, noa, shared.skew_secs(), now)?;
    }
    let mismatch = |why| err(ErrorCode::SamlLogoutSessionMismatch, why);
    let name_id_node = children(root, SAML, "NameID")
        .next()
        .ok_or_else(|| structure("the LogoutRequest has no NameID"))?;
    let name_id = text(name_id_node)?;
    if name_id.is_empty() {
        return Err(structure("the LogoutRequest's NameID is empty"));
    }
    if name_id_node
        .attribute("NameQualifier")
        .is_some_and(|q| trim(q) != idp)
    {
        return Err(mismatch("the NameID's NameQualifier is not the IdP"));
    }
    if session.name_id.is_some_and(|n| n != name_id) {
        return Err(mismatch("the NameID is not the session's"));
    }
    let session_indexes = children(root, SAMLP, "SessionIndex")
        .map(text)
        .collect::<Result<Vec<_>>>()?;
    if session_indexes.is_empty() {
        return Err(structure("the LogoutRequest has no SessionIndex"));
    }
    if !session_indexes.iter().any(|s| s == session.session_index) {
        return Err(mismatch("no SessionIndex is the session's"));
    }
    Ok(VerifiedLogoutRequest {
        id,
        idp_entity_id: idp.to_owned(),
        name_id,
        session_indexes,
    })
}

/// HTTP-Redirect (SAML bindings §3.4.4.1): checks the query's signature
/// with the IdP's keys and returns the inflated message of `field`.
fn redirect_message(
    backend: &dyn Backend,
    query: &str,
    field: &str,
    idp: &crate::saml::trust::Idp,
    exp: &LogoutExpectations<'_>,
) -> Result<String> {
    let max = exp.limits.max_input_bytes();
    if query.len() > max {
        return Err(Error::new(
            ErrorCode::InputTooLarge,
            "the query string is longer than the input limit",
        ));
    }
    let (mut message, mut relay, mut sig_alg, mut signature) = (None, None, None, None);
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match k {
            _ if k == field => &mut message,
            "RelayState" => &mut relay,
            "SigAlg" => &mut sig_alg,
            "Signature" => &mut signature,
            _ => continue,
        };
        if slot.replace(v).is_some() {
            return Err(structure("a query parameter appears twice"));
        }
    }
    let message = message.ok_or_else(|| structure("the query has no SAML message"))?;
    let (Some(sig_alg), Some(signature)) = (sig_alg, signature) else {
        return Err(Error::new(
            ErrorCode::XmldsigSignatureMissing,
            "the query has no SigAlg or no Signature",
        ));
    };
    let algorithm = match form_decode(sig_alg)?.as_slice() {
        b"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => Algorithm::RSA_PKCS1V15_SHA256,
        b"http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => {
            Algorithm::RsaPkcs1v15(HashAlg::Sha384)
        }
        b"http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => {
            Algorithm::RsaPkcs1v15(HashAlg::Sha512)
        }
        _ => {
            return Err(Error::new(
                ErrorCode::XmldsigAlgorithmForbidden,
                "SigAlg is not on the allow-list",
            ))
        }
    };
    let b64 = base64::engine::general_purpose::STANDARD;
    let signature = b64
        .decode(form_decode(signature)?)
        .map_err(|_| Error::new(ErrorCode::InputEncoding, "the Signature is not base64"))?;
    let mut signed = format!("{field}={message}");
    if let Some(r) = relay {
        signed.push_str("&RelayState=");
        signed.push_str(r);
    }
    signed.push_str("&SigAlg=");
    signed.push_str(sig_alg);
    let verified = idp
        .signing_keys
        .iter()
        .filter_map(|k| k.key.as_ref())
        .any(|key| {
            crypto::verify_with_key(
                backend,
                AllowList::all(),
                algorithm,
                key,
                signed.as_bytes(),
                &signature,
            )
            .is_ok()
        });
    if !verified {
        return Err(Error::new(
            ErrorCode::XmldsigSignatureInvalid,
            "the query's signature does not verify with the IdP's keys",
        ));
    }
    let deflated = b64
        .decode(form_decode(message)?)
        .map_err(|_| Error::new(ErrorCode::InputEncoding, "the SAML message is not base64"))?;
    let inflated =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, max).map_err(|e| match e
            .status
        {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => Error::new(
                ErrorCode::InputTooLarge,
                "the inflated message is larger than the input limit",
            ),
            _ => Error::new(
                ErrorCode::InputEncoding,
                "the SAML message is not raw DEFLATE",
            ),
        })?;
    String::from_utf8(inflated)
        .map_err(|_| Error::new(ErrorCode::InputEncoding, "the SAML message is not UTF-8"))
}

/// `application/x-www-form-urlencoded` decoding of one value: `+` is a
/// space, `%XX` a byte; a `%` without two hex digits is `input.encoding`.
fn form_decode(v: &str) -> Result<Vec<u8>> {
    let bad = || Error::new(ErrorCode::InputEncoding, "a query value is badly %-encoded");
    let mut out = Vec::with_capacity(v.len());
    let mut bytes = v.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.next().and_then(|h| char::from(h).to_digit(16));
                let lo = bytes.next().and_then(|l| char::from(l).to_digit(16));
                match (hi, lo) {
                    (Some(h), Some(l)) => out.push(u8::try_from(h * 16 + l).map_err(|_| bad())?),
                    _ => return Err(bad()),
                }
            }
            _ => out.push(b),
        }
    }
    Ok(out)
}

/// SAML Core §3.2.1, §3.2.2: `Issuer`, `Signature` (HTTP-POST), optional
/// `Extensions`, then the message's own elements, `body`, in order: each
/// `(namespace, name, repeatable)`; one that is not repeatable appears at
/// most once (presence is checked by the caller).
fn schema_order(
    root: Node<'_, '_>,
    signed_in_xml: bool,
    body: &[(&str, &str, bool)],
) -> Result<()> {
    let mut elements = root.children().filter(Node::is_element).peekable();
    if !elements.next().is_some_and(|e| is(e, SAML, "Issuer")) {
        return Err(structure("the message does not start with its Issuer"));
    }
    // HTTP-POST: the enveloped signature (checked before); HTTP-Redirect:
    // none (SAML bindings §3.4.4.1: it "MUST be removed").
    if signed_in_xml && !elements.next().is_some_and(|e| is(e, DSIG_NS, "Signature")) {
        return Err(structure("the Signature does not follow the Issuer"));
    }
    if elements.peek().is_some_and(|e| is(*e, SAMLP, "Extensions")) {
        elements.next();
    }
    let mut at = 0;
    let mut seen = false;
    for e in elements {
        if is(e, DSIG_NS, "Signature") {
            return Err(structure("a Signature out of place"));
        }
        loop {
            let Some(&(ns, name, many)) = body.get(at) else {
                return Err(structure("an element out of schema order or unknown"));
            };
            if is(e, ns, name) {
                if seen && !many {
                    return Err(structure("an element that must appear once appears twice"));
                }
                seen = true;
                break;
            }
            at += 1;
            seen = false;
        }
    }
    Ok(())
}

/// `Version`, `ID`, `IssueInstant`, `Destination`: returns the `ID`.
fn header(root: Node<'_, '_>, exp: &Expectations<'_>, now: UnixTime) -> Result<String> {
    let version = attr(root, "Version", "the message has no Version")?;
    if trim(version) != "2.0" {
        return Err(err(
            ErrorCode::SamlVersionInvalid,
            "the message Version is not 2.0",
        ));
    }
    let id = attr(root, "ID", "the message has no ID")?;
    let ii = time_attr(root, "IssueInstant", "the message has no IssueInstant")?;
    timing::issue_instant(ii, exp, now)?;
    let dest = attr(root, "Destination", "the message has no Destination")?;
    if trim(dest) != exp.acs_url {
        return Err(err(
            ErrorCode::SamlDestinationMismatch,
            "Destination is not the SLO URL",
        ));
    }
    Ok(trim(id).to_string())
}

/// The message's `Issuer` (its first child, by [`schema_order`]).
fn issuer_is(root: Node<'_, '_>, idp: &str) -> Result<()> {
    let issuer_node = children(root, SAML, "Issuer")
        .next()
        .ok_or_else(|| structure("the message has no Issuer"))?;
    let t = text(issuer_node)?;
    if issuer_node
        .attribute("Format")
        .is_some_and(|f| trim(f) != ENTITY)
    {
        return Err(err(
            ErrorCode::SamlIssuerInvalid,
            "the Issuer Format is not entity",
        ));
    }
    if t != idp {
        return Err(err(
            ErrorCode::SamlIssuerInvalid,
            "the Issuer is not the IdP",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "logout_tests.rs"]
mod tests;
