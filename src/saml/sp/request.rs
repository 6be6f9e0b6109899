//! The SP's AuthnRequest (SPID rules, *AuthnRequest*; CIE ID manual,
//! *Richiesta di autenticazione SAML*), for the HTTP-POST binding (an
//! enveloped signature, an auto-submitting form: SAML bindings 2.0 §3.5)
//! and the HTTP-Redirect binding (raw DEFLATE, then `SigAlg` and
//! `Signature` over the query string: SAML bindings 2.0 §3.4.4.1).
//!
//! What is written:
//! - `ID`, `Version="2.0"`, `IssueInstant` (UTC, whole seconds),
//!   `Destination` (the IdP's SSO URL), `ForceAuthn="true"` when SpidL2 or
//!   SpidL3 is requested ("obbligatorio per livelli SPID superiori a
//!   SpidL1"), `AssertionConsumerServiceIndex`,
//!   `AttributeConsumingServiceIndex`;
//! - `saml:Issuer` = the entity ID with `Format` entity and
//!   `NameQualifier` = the entity ID;
//! - (HTTP-POST) `ds:Signature` right after the Issuer;
//! - `NameIDPolicy Format` transient, without `AllowCreate`;
//! - `RequestedAuthnContext Comparison` with one `AuthnContextClassRef`
//!   `https://www.spid.gov.it/SpidL1|2|3`.
//!
//! [`AuthnRequest::sent`] keeps what the ACS checks the Response against
//! ([`SentRequest::expectations`]), so the two cannot drift apart.

use super::xml::{self, esc, invalid, url, value, xml_id, SpCredential};
use crate::error::Result;
use crate::saml::{Comparison, Expectations, Level};
use crate::UnixTime;
use base64::Engine as _;

const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const ENTITY: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";
const TRANSIENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";

/// The longest `RelayState`: 80 bytes (SAML bindings 2.0 §3.4.3 and
/// §3.5.3: "MUST NOT exceed 80 bytes in length").
pub const MAX_RELAY_STATE_BYTES: usize = 80;

/// One AuthnRequest to build and sign.
///
/// ```
/// use idbridge::crypto::RustCryptoSigner;
/// use idbridge::saml_sp::{AuthnRequest, SpCredential};
/// use idbridge::{spid, UnixTime};
/// # use base64::Engine as _;
/// # let pem = include_str!("../../../test-vectors/keys/rsa2048.pk8.pem");
/// # let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
/// # let pkcs8 = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
/// # let cert_pem = include_bytes!("../../../test-vectors/xmldsig/certs/rsa2048.pem");
/// let signer = RustCryptoSigner::from_pkcs8_der(&pkcs8)?;
/// let credential = SpCredential::new(&signer, cert_pem)?;
/// let now = UnixTime::parse_rfc3339("2026-03-01T10:00:00Z")?;
/// let mut request = AuthnRequest::new(
///     "https://sp.example.it",
///     "https://idp.example.it/sso",
///     "_3f1c0d2e9a8b7c6d5e4f", // from your request store
///     now,
/// );
/// request.level = spid::Level::L2;
/// // HTTP-Redirect: send the browser to this URL.
/// let location = request.redirect_url(&credential, "state1")?;
/// assert!(location.starts_with("https://idp.example.it/sso?SAMLRequest="));
/// // HTTP-POST: answer with this page.
/// let page = request.post_form(&credential, "state1")?;
/// assert!(page.contains("name=\"SAMLRequest\""));
/// // At the ACS: what the Response must answer.
/// let sent = request.sent();
/// let exp = sent.expectations("https://sp.example.it", "https://sp.example.it/acs");
/// assert_eq!(exp.request_id, "_3f1c0d2e9a8b7c6d5e4f");
/// assert_eq!(exp.min_level, spid::Level::L2);
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthnRequest {
    /// The SP's entity ID (`Issuer`, its `NameQualifier`).
    pub sp_entity_id: String,
    /// The IdP's SingleSignOnService URL (`Destination`, and where the
    /// request goes).
    pub destination: String,
    /// The request `ID` (an `xs:ID`; `idbridge-store` issues them).
    pub id: String,
    /// `IssueInstant` (written in whole seconds, UTC).
    pub issue_instant: UnixTime,
    /// The level requested (default SpidL2).
    pub level: Level,
    /// The comparison (default `minimum`).
    pub comparison: Comparison,
    /// `AssertionConsumerServiceIndex` (default 0, the metadata's).
    pub acs_index: u16,
    /// `AttributeConsumingServiceIndex` (default 0, the metadata's).
    pub attribute_service_index: u16,
}

/// What the ACS needs of a request sent: keep it with the request ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentRequest {
    /// The request `ID` (the Response's `InResponseTo`).
    pub id: String,
    /// Its `IssueInstant` (whole seconds, as written).
    pub issue_instant: UnixTime,
    /// The level requested.
    pub level: Level,
    /// The comparison requested.
    pub comparison: Comparison,
}

impl SentRequest {
    /// [`Expectations`] for the Response to this request, with the
    /// defaults of [`Expectations::new`] for the rest.
    pub fn expectations<'a>(&'a self, sp_entity_id: &'a str, acs_url: &'a str) -> Expectations<'a> {
        let mut exp = Expectations::new(sp_entity_id, acs_url, &self.id);
        exp.min_level = self.level;
        exp.comparison = self.comparison;
        exp.request_issue_instant = Some(self.issue_instant);
        exp
    }
}

impl AuthnRequest {
    /// A request for SpidL2, comparison `minimum`, indexes 0.
    pub fn new(sp_entity_id: &str, destination: &str, id: &str, issue_instant: UnixTime) -> Self {
        AuthnRequest {
            sp_entity_id: sp_entity_id.to_owned(),
            destination: destination.to_owned(),
            id: id.to_owned(),
            issue_instant,
            level: Level::L2,
            comparison: Comparison::Minimum,
            acs_index: 0,
            attribute_service_index: 0,
        }
    }

    /// What the ACS checks the Response against.
    pub fn sent(&self) -> SentRequest {
        SentRequest {
            id: self.id.clone(),
            issue_instant: self.issue_instant.floor_secs(),
            level: self.level,
            comparison: self.comparison,
        }
    }

    fn check(&self) -> Result<()> {
        url(&self.sp_entity_id, "the entity ID is not an http(s) URL")?;
        url(&self.destination, "the IdP's SSO URL is not an http(s) URL")?;
        if self.destination.contains(['?', '#']) {
            return Err(invalid("the IdP's SSO URL carries a query or fragment"));
        }
        xml_id(&self.id, "the request ID is not an xs:ID")?;
        Ok(())
    }

    /// The request's XML in two halves around the place of the signature.
    fn halves(&self) -> Result<(String, String)> {
        self.check()?;
        let force = if self.level > Level::L1 {
            " ForceAuthn=\"true\""
        } else {
            ""
        };
        let entity = esc(&self.sp_entity_id);
        let head = format!(
            "<samlp:AuthnRequest xmlns:samlp=\"{SAMLP}\" xmlns:saml=\"{SAML}\" ID=\"{}\" Version=\"2.0\" IssueInstant=\"{}\" Destination=\"{}\"{force} AssertionConsumerServiceIndex=\"{}\" AttributeConsumingServiceIndex=\"{}\"><saml:Issuer Format=\"{ENTITY}\" NameQualifier=\"{entity}\">{entity}</saml:Issuer>",
            self.id,
            self.issue_instant.to_rfc3339(),
            esc(&self.destination),
            self.acs_index,
            self.attribute_service_index,
        );
        let tail = format!(
            "<samlp:NameIDPolicy Format=\"{TRANSIENT}\"/><samlp:RequestedAuthnContext Comparison=\"{}\"><saml:AuthnContextClassRef>https://www.spid.gov.it/{}</saml:AuthnContextClassRef></samlp:RequestedAuthnContext></samlp:AuthnRequest>",
            self.comparison.name(),
            self.level.name()
        );
        Ok((head, tail))
    }

    /// The request without a signature (the HTTP-Redirect binding signs
    /// the query string instead).
    pub fn unsigned_xml(&self) -> Result<String> {
        Outgoing::unsigned(self)
    }

    /// The request with its enveloped signature (HTTP-POST).
    pub fn signed_xml(&self, credential: &SpCredential<'_>) -> Result<String> {
        Outgoing::signed(self, credential)
    }

    /// HTTP-POST: an HTML page whose form posts `SAMLRequest` (base64 of
    /// the signed request) and `RelayState` to the IdP, submitted on load
    /// (a button without JavaScript).
    pub fn post_form(&self, credential: &SpCredential<'_>, relay_state: &str) -> Result<String> {
        Outgoing::post(self, credential, relay_state)
    }

    /// HTTP-Redirect: the IdP URL with `SAMLRequest` (raw DEFLATE, RFC
    /// 1951, then base64), `RelayState`, `SigAlg` (`rsa-sha256`) and
    /// `Signature` over `SAMLRequest=…&RelayState=…&SigAlg=…` exactly as
    /// it appears in the URL (SAML bindings 2.0 §3.4.4.1). Values are
    /// form-encoded: ASCII letters, digits and `-._~` as they are, space as
    /// `+`, every other byte `%XX` with upper-case hex.
    pub fn redirect_url(&self, credential: &SpCredential<'_>, relay_state: &str) -> Result<String> {
        Outgoing::redirect_to(self, credential, relay_state)
    }
}

/// HTTP-POST (SAML bindings §3.5.4): a page whose form posts `field` (the
/// base64 of `signed_xml`) and `RelayState` to `destination`, submitted on
/// load (a button without JavaScript).
/// An SP message written in two halves around the place of its
/// `ds:Signature`: the AuthnRequest, the LogoutRequest and the
/// LogoutResponse share their bindings through it (unsigned for the
/// HTTP-Redirect query signature, enveloped for HTTP-POST).
pub(crate) trait Outgoing {
    /// The form field and query parameter: `SAMLRequest` or `SAMLResponse`.
    const FIELD: &'static str;
    /// The document before and after the signature.
    fn parts(&self) -> Result<(String, String)>;
    /// The root element's `ID`, which the signature references.
    fn message_id(&self) -> &str;
    /// Where the message goes.
    fn target(&self) -> &str;

    fn unsigned(&self) -> Result<String> {
        let (head, tail) = self.parts()?;
        Ok(format!("{head}{tail}"))
    }

    fn signed(&self, credential: &SpCredential<'_>) -> Result<String> {
        let (head, tail) = self.parts()?;
        xml::sign_enveloped(&head, &tail, self.message_id(), credential)
    }

    fn post(&self, credential: &SpCredential<'_>, relay_state: &str) -> Result<String> {
        post_page(
            self.target(),
            Self::FIELD,
            &self.signed(credential)?,
            relay_state,
        )
    }

    fn redirect_to(&self, credential: &SpCredential<'_>, relay_state: &str) -> Result<String> {
        redirect(
            self.target(),
            Self::FIELD,
            &self.unsigned()?,
            relay_state,
            credential,
        )
    }
}

impl Outgoing for AuthnRequest {
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

pub(crate) fn post_page(
    destination: &str,
    field: &str,
    signed_xml: &str,
    relay_state: &str,
) -> Result<String> {
    let relay_state = check_relay_state(relay_state)?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(signed_xml);
    Ok(format!(
        "<!doctype html>\n<html lang=\"it\"><head><meta charset=\"utf-8\"><title>SAML</title></head>\n<body onload=\"document.forms[0].submit()\">\n<form method=\"post\" action=\"{}\">\n<input type=\"hidden\" name=\"{field}\" value=\"{b64}\">\n<input type=\"hidden\" name=\"RelayState\" value=\"{}\">\n<noscript><button type=\"submit\">Continua / Continue</button></noscript>\n</form>\n</body></html>\n",
        html_attr(destination),
        html_attr(relay_state)
    ))
}

/// HTTP-Redirect (SAML bindings §3.4.4.1): `destination` with `field`
/// (raw DEFLATE of `xml`, then base64), `RelayState`, `SigAlg` and
/// `Signature` over the three as they appear in the URL.
pub(crate) fn redirect(
    destination: &str,
    field: &str,
    xml: &str,
    relay_state: &str,
    credential: &SpCredential<'_>,
) -> Result<String> {
    let relay_state = check_relay_state(relay_state)?;
    let deflated = miniz_oxide::deflate::compress_to_vec(xml.as_bytes(), 6);
    let b64 = base64::engine::general_purpose::STANDARD.encode(deflated);
    let signed = format!(
        "{field}={}&RelayState={}&SigAlg={}",
        form_encode(&b64),
        form_encode(relay_state),
        form_encode(xml::RSA_SHA256)
    );
    let signature =
        base64::engine::general_purpose::STANDARD.encode(credential.sign(signed.as_bytes())?);
    Ok(format!(
        "{destination}?{signed}&Signature={}",
        form_encode(&signature)
    ))
}

/// `RelayState`: plain text, at most [`MAX_RELAY_STATE_BYTES`].
fn check_relay_state(rs: &str) -> Result<&str> {
    let rs = value(rs, "the RelayState is empty or not plain text")?;
    if rs.len() > MAX_RELAY_STATE_BYTES {
        return Err(invalid("the RelayState is longer than 80 bytes"));
    }
    Ok(rs)
}

fn html_attr(s: &str) -> String {
    xml::esc(s).replace('\'', "&#39;")
}

/// `application/x-www-form-urlencoded` of one value (as Python's
/// `quote_plus`, which spid-sp-test uses to rebuild the signed string).
pub(crate) fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_matches_quote_plus() {
        assert_eq!(form_encode("a+b/c=d e~"), "a%2Bb%2Fc%3Dd+e~");
        assert_eq!(
            form_encode("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"),
            "http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256"
        );
        assert_eq!(form_encode("è"), "%C3%A8");
    }
}
