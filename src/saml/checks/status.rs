//! The Response's Status.
//!
//! SPID "Regole tecniche", *Response*: "Deve essere presente l'elemento
//! `<Status>` a indicare l'esito della AuthnRequest secondo quanto definito
//! nelle specifiche SAML (SAML-Core, par. 3.2.2.1 e successivi) comprendente
//! il sotto-elemento `<StatusCode>` ed opzionalmente i sotto-elementi
//! `<StatusMessage>` `<StatusDetail>`".
//!
//! SAML 2.0 Core §3.2.2.2: the top-level `<StatusCode>` `Value`
//! `urn:oasis:names:tc:SAML:2.0:status:Success` means "The request
//! succeeded."; any other value is a failure, whose nested code and
//! message are reported (marked unauthenticated when the Response is not
//! signed). A failure wins even over a valid signed Assertion.

use crate::error::{Error, ErrorCode, Result};
use crate::saml::dom::{attr, children, is, one, structure, text, trim, SAMLP};
use roxmltree::Node;

pub(crate) const CHECK: &str = "status";
pub(crate) const RULE: &str = "SAML Core §3.2.2.2: StatusCode Success";

const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";

pub(crate) fn check(response: Node<'_, '_>, response_signed: bool) -> Result<()> {
    let status = one(response, SAMLP, "Status", "the Response has no Status")?;
    let code = status
        .children()
        .find(|c| c.is_element())
        .filter(|c| is(*c, SAMLP, "StatusCode"))
        .ok_or_else(|| structure("the Status has no StatusCode"))?;
    let value = attr(code, "Value", "the StatusCode has no Value")?;
    if trim(value) == SUCCESS {
        return Ok(());
    }
    let sub = children(code, SAMLP, "StatusCode")
        .next()
        .and_then(|s| s.attribute("Value"))
        .map(trim)
        .unwrap_or("");
    let message = children(status, SAMLP, "StatusMessage")
        .next()
        .and_then(|m| text(m).ok())
        .unwrap_or_default();
    Err(Error::with_detail(
        ErrorCode::SamlStatusFailure,
        format!(
            "the IdP reports a failure: {}{}{}{}",
            trim(value),
            if sub.is_empty() {
                String::new()
            } else {
                format!(" / {sub}")
            },
            if message.is_empty() {
                String::new()
            } else {
                format!(" ({message})")
            },
            if response_signed {
                ""
            } else {
                " [unsigned Response: unauthenticated]"
            }
        ),
    ))
}
