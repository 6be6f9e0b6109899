//! What the relying party sends, built here so that the request and the
//! response check ([`super::verify_session_status`]) read the same values:
//! the `rpChallenge` ([`RpChallenge`]), the `interactions` string
//! ([`interactions`]) and the device link (QR code, Web2App, App2App) with
//! its `authCode` ([`DeviceLink`]).
//!
//! Facts from SK's RP API v3 documentation ("authCode calculation",
//! "Device link flows") and its Java client's device-link builder: the
//! link is `deviceLinkBase?deviceLinkType=…[&elapsedSeconds=…]&sessionToken=…&sessionType=…&version=1.0&lang=…`
//! (`elapsedSeconds` in the QR flow only, refreshed each second), then
//! `&authCode=` base64url(HMAC-SHA256(base64-decoded `sessionSecret`,
//! `schemeName|signatureProtocol|digest|B64(rpName)|B64(brokeredRpName)|interactions|initialCallbackUrl|unprotectedLink`)).
//!
//! ```
//! use idbridge::smartid::request::{self, DeviceLink, DeviceLinkType, Interaction, RpChallenge, SessionType};
//! let challenge = RpChallenge::from_bytes(&[7u8; 64])?;
//! let interactions = request::interactions(&[Interaction::DisplayTextAndPin(
//!     "Log in to idbridge?".into(),
//! )])?;
//! let link = DeviceLink {
//!     device_link_base: "https://smart-id.com/device-link/",
//!     link_type: DeviceLinkType::Qr,
//!     session_type: SessionType::Authentication,
//!     session_token: "token-from-the-session-response",
//!     elapsed_seconds: 1,
//!     lang: "eng",
//!     schema_name: "smart-id",
//!     digest: &challenge.to_base64(),
//!     relying_party_name: "DEMO",
//!     brokered_rp_name: "",
//!     interactions: &interactions,
//!     initial_callback_url: "",
//! };
//! let url = link.build("c2VjcmV0")?;
//! assert!(url.starts_with("https://smart-id.com/device-link/?deviceLinkType=QR&elapsedSeconds=1&"));
//! assert!(url.contains("&authCode="));
//! # Ok::<(), idbridge::Error>(())
//! ```

use base64::Engine as _;

use crate::error::{Error, ErrorCode, Result};

fn config(reason: &'static str) -> Error {
    Error::new(ErrorCode::ConfigInvalid, reason)
}

/// Step 1 of SK's response verification, for the Web2App and App2App
/// flows: when the user comes back through the callback URL, its
/// `sessionSecretDigest` parameter must be base64url (no padding) of
/// SHA-256 over the base64-decoded `sessionSecret` of the session this
/// relying party started (the secret is never sent to the device; only a
/// callback that went through the Smart-ID app can carry its digest).
/// Call it on the callback, before polling the session status and before
/// [`super::verify_session_status`].
///
/// `session_secret` is the value of the session-creation response, as
/// received (strict base64; `config.invalid` otherwise: it is the relying
/// party's own data); `digest` is the callback's parameter, compared
/// exactly (`smartid.session_secret.mismatch`).
///
/// ```
/// use idbridge::smartid::request::verify_session_secret_digest;
/// // SHA-256 of the 3 bytes "abc", base64url without padding.
/// let digest = "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0";
/// verify_session_secret_digest("YWJj", digest)?;
/// let err = verify_session_secret_digest("YWJk", digest).unwrap_err();
/// assert_eq!(err.code(), "smartid.session_secret.mismatch");
/// # Ok::<(), idbridge::Error>(())
/// ```
pub fn verify_session_secret_digest(session_secret: &str, digest: &str) -> Result<()> {
    use sha2::Digest as _;
    let secret = base64::engine::general_purpose::STANDARD
        .decode(session_secret)
        .ok()
        .filter(|k| !k.is_empty())
        .ok_or(config("sessionSecret is not base64"))?;
    let ours =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(&secret));
    // The same length and bytes; every byte is looked at.
    let same = ours.len() == digest.len()
        && ours
            .bytes()
            .zip(digest.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::SmartidSessionSecretMismatch,
            "the callback's sessionSecretDigest is not the digest of this session's sessionSecret",
        ))
    }
}

/// The random `rpChallenge` of an authentication: 32 to 64 bytes, sent in
/// standard base64 and bound into the ACSP_V2 payload the user signs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RpChallenge(Vec<u8>);

impl RpChallenge {
    /// The shortest challenge SK accepts, in bytes.
    pub const MIN_LEN: usize = 32;
    /// The longest (and generated) challenge, in bytes.
    pub const MAX_LEN: usize = 64;

    /// A challenge of the given random bytes (`config.invalid` outside
    /// 32 to 64 bytes). The caller vouches for their randomness.
    pub fn from_bytes(bytes: &[u8]) -> Result<RpChallenge> {
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&bytes.len()) {
            return Err(config("an rpChallenge is 32 to 64 bytes"));
        }
        Ok(RpChallenge(bytes.to_vec()))
    }

    /// The challenge as the relying party sent it: strict standard base64
    /// (padded, canonical) of 32 to 64 bytes; `config.invalid` otherwise.
    /// The CLI and the WASM package check `--rp-challenge` and
    /// `options.rpChallenge` with it before verifying.
    ///
    /// ```
    /// use idbridge::smartid::request::RpChallenge;
    /// let sent = RpChallenge::from_bytes(&[7; 32])?.to_base64();
    /// assert_eq!(RpChallenge::from_base64(&sent)?.as_bytes(), &[7; 32]);
    /// assert_eq!(RpChallenge::from_base64("AAAA").unwrap_err().code(), "config.invalid");
    /// # Ok::<(), idbridge::Error>(())
    /// ```
    pub fn from_base64(sent: &str) -> Result<RpChallenge> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sent)
            .map_err(|_| {
                config("the rpChallenge is not strict base64 (standard alphabet, padded)")
            })?;
        Self::from_bytes(&bytes)
    }

    /// 64 bytes from the caller's cryptographic RNG (any target, the
    /// browser included, with the caller's RNG).
    pub fn from_rng(rng: &mut impl rsa::rand_core::CryptoRngCore) -> Result<RpChallenge> {
        let mut bytes = vec![0u8; Self::MAX_LEN];
        rng.try_fill_bytes(&mut bytes)
            .map_err(|_| config("the random source failed"))?;
        Ok(RpChallenge(bytes))
    }

    /// 64 bytes from the system's random source (native builds).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn generate() -> Result<RpChallenge> {
        Self::from_rng(&mut rand_core::OsRng)
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Standard base64, as the request's `signatureProtocolParameters.rpChallenge`.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.0)
    }
}

/// One interaction the app may show (RP API v3, "interactions"); the text
/// limits are SK's (60 and 200 characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interaction {
    /// `displayTextAndPIN` with `displayText60`.
    DisplayTextAndPin(String),
    /// `confirmationMessage` with `displayText200`.
    ConfirmationMessage(String),
    /// `confirmationMessageAndVerificationCodeChoice` with `displayText200`.
    ConfirmationMessageAndVerificationCodeChoice(String),
}

impl Interaction {
    /// The API's `type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Interaction::DisplayTextAndPin(_) => "displayTextAndPIN",
            Interaction::ConfirmationMessage(_) => "confirmationMessage",
            Interaction::ConfirmationMessageAndVerificationCodeChoice(_) => {
                "confirmationMessageAndVerificationCodeChoice"
            }
        }
    }

    fn text_member(&self) -> (&'static str, usize, &str) {
        match self {
            Interaction::DisplayTextAndPin(t) => ("displayText60", 60, t),
            Interaction::ConfirmationMessage(t)
            | Interaction::ConfirmationMessageAndVerificationCodeChoice(t) => {
                ("displayText200", 200, t)
            }
        }
    }
}

/// Checks an `interactions` string as the relying party sent it: strict
/// standard base64 of strict JSON (no duplicate key) that is an array;
/// `config.invalid` otherwise. [`interactions`] builds such a string; the
/// CLI and the WASM package check `--interactions` and
/// `options.interactions` with this before verifying.
///
/// ```
/// use idbridge::smartid::request::check_interactions;
/// assert!(check_interactions("W10=").is_ok()); // []
/// assert_eq!(check_interactions("e30=").unwrap_err().code(), "config.invalid"); // {}
/// ```
pub fn check_interactions(sent: &str) -> Result<()> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(sent)
        .map_err(|_| {
            config("the interactions are not strict base64 (standard alphabet, padded)")
        })?;
    let depth = crate::Limits::default().max_json_depth();
    match crate::json::parse_value(&bytes, depth) {
        Ok(serde_json::Value::Array(_)) => Ok(()),
        _ => Err(config(
            "the interactions do not decode to a JSON array (the interactions as sent, in base64)",
        )),
    }
}

/// The `interactions` string: standard base64 of the JSON array of
/// `{"type":…,"displayText60|200":…}` objects, in the caller's order of
/// preference, members in that order. `config.invalid` for an empty list,
/// a type given twice, an empty text or one over its limit (characters).
/// Send this exact string and give it to [`super::Expected::authentication`]:
/// the payload hashes it as sent.
pub fn interactions(list: &[Interaction]) -> Result<String> {
    if list.is_empty() {
        return Err(config("at least one interaction is needed"));
    }
    let mut json = String::from("[");
    for (i, item) in list.iter().enumerate() {
        if list
            .iter()
            .take(i)
            .any(|o| o.type_name() == item.type_name())
        {
            return Err(config("an interaction type is given twice"));
        }
        let (member, max, text) = item.text_member();
        let chars = text.chars().count();
        if chars == 0 || chars > max {
            return Err(config(
                "an interaction's text is empty or longer than its limit",
            ));
        }
        if i > 0 {
            json.push(',');
        }
        let text = serde_json::to_string(text).map_err(|_| config("unencodable text"))?;
        json.push_str(&format!(
            "{{\"type\":\"{}\",\"{member}\":{text}}}",
            item.type_name()
        ));
    }
    json.push(']');
    Ok(base64::engine::general_purpose::STANDARD.encode(json.as_bytes()))
}

/// How the device link reaches the phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeviceLinkType {
    /// `QR`: shown as a QR code, rebuilt each second with `elapsedSeconds`.
    Qr,
    /// `Web2App`: a link in a web page on the phone.
    Web2App,
    /// `App2App`: a link from an app on the phone.
    App2App,
}

impl DeviceLinkType {
    /// The link's `deviceLinkType` value.
    pub const fn name(self) -> &'static str {
        match self {
            DeviceLinkType::Qr => "QR",
            DeviceLinkType::Web2App => "Web2App",
            DeviceLinkType::App2App => "App2App",
        }
    }
}

/// The session a device link belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SessionType {
    /// `auth` (ACSP_V2).
    Authentication,
    /// `sign` (RAW_DIGEST_SIGNATURE).
    Signature,
    /// `cert` (certificate choice: no digest, no interactions, no protocol).
    CertificateChoice,
}

impl SessionType {
    /// The link's `sessionType` value.
    pub const fn name(self) -> &'static str {
        match self {
            SessionType::Authentication => "auth",
            SessionType::Signature => "sign",
            SessionType::CertificateChoice => "cert",
        }
    }

    /// The signature protocol the `authCode` payload names.
    pub const fn protocol(self) -> &'static str {
        match self {
            SessionType::Authentication => "ACSP_V2",
            SessionType::Signature => "RAW_DIGEST_SIGNATURE",
            SessionType::CertificateChoice => "",
        }
    }
}

/// One device link's values: the session-start response's
/// `deviceLinkBase` and `sessionToken`, and what the request sent.
#[derive(Clone, Copy, Debug)]
pub struct DeviceLink<'a> {
    /// `deviceLinkBase` from the session-start response.
    pub device_link_base: &'a str,
    /// QR, Web2App or App2App.
    pub link_type: DeviceLinkType,
    /// auth, sign or cert.
    pub session_type: SessionType,
    /// `sessionToken` from the session-start response.
    pub session_token: &'a str,
    /// QR only: whole seconds since the session-start response arrived
    /// (ignored for the same-device links).
    pub elapsed_seconds: u64,
    /// The user's language, ISO 639-2 (three letters: `eng`, `est`...).
    pub lang: &'a str,
    /// `smart-id` (or `smart-id-demo` in SK's demo environment).
    pub schema_name: &'a str,
    /// The rpChallenge (auth) or digest (sign), base64 as sent; empty for cert.
    pub digest: &'a str,
    /// The relying party's name.
    pub relying_party_name: &'a str,
    /// The brokered RP's name, or empty.
    pub brokered_rp_name: &'a str,
    /// The `interactions` string as sent; empty for cert.
    pub interactions: &'a str,
    /// Web2App, App2App: the `initialCallbackUrl` sent; empty for QR.
    pub initial_callback_url: &'a str,
}

/// RFC 3986 percent-encoding of a query value (unreserved kept).
fn query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl DeviceLink<'_> {
    fn check(&self) -> Result<()> {
        if self.device_link_base.is_empty() || self.session_token.is_empty() {
            return Err(config(
                "the device link needs deviceLinkBase and sessionToken",
            ));
        }
        if self.lang.len() != 3 || !self.lang.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(config("lang is a three-letter ISO 639-2 code"));
        }
        if self.schema_name.is_empty() || self.relying_party_name.is_empty() {
            return Err(config("the scheme and relying party names cannot be empty"));
        }
        let callback = !self.initial_callback_url.is_empty();
        match (self.link_type, callback) {
            (DeviceLinkType::Qr, true) => {
                return Err(config("a QR link has no initialCallbackUrl"));
            }
            (DeviceLinkType::Web2App | DeviceLinkType::App2App, false) => {
                return Err(config("a same-device link needs its initialCallbackUrl"));
            }
            _ => {}
        }
        let has_content = !self.digest.is_empty() && !self.interactions.is_empty();
        let no_content = self.digest.is_empty() && self.interactions.is_empty();
        match self.session_type {
            SessionType::CertificateChoice if !no_content => Err(config(
                "a certificate-choice link has no digest and no interactions",
            )),
            SessionType::Authentication | SessionType::Signature if !has_content => Err(config(
                "an authentication or signature link needs its digest and interactions",
            )),
            _ => Ok(()),
        }
    }

    /// The link without `authCode` (`config.invalid` for values the API
    /// refuses: see the field docs).
    pub fn unprotected(&self) -> Result<String> {
        self.check()?;
        let sep = if self.device_link_base.contains('?') {
            '&'
        } else {
            '?'
        };
        let mut url = format!(
            "{}{sep}deviceLinkType={}",
            self.device_link_base,
            self.link_type.name()
        );
        if self.link_type == DeviceLinkType::Qr {
            url.push_str(&format!("&elapsedSeconds={}", self.elapsed_seconds));
        }
        url.push_str(&format!(
            "&sessionToken={}&sessionType={}&version=1.0&lang={}",
            query_value(self.session_token),
            self.session_type.name(),
            query_value(self.lang)
        ));
        Ok(url)
    }

    /// The text the `authCode` authenticates, for `unprotected`.
    pub fn auth_code_payload(&self, unprotected: &str) -> String {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
        [
            self.schema_name,
            self.session_type.protocol(),
            self.digest,
            &b64(self.relying_party_name),
            &b64(self.brokered_rp_name),
            self.interactions,
            self.initial_callback_url,
            unprotected,
        ]
        .join("|")
    }

    /// The `authCode`: base64url (no padding) of HMAC-SHA256 keyed with
    /// the base64-decoded `sessionSecret` (`config.invalid` when it is not
    /// strict base64 or empty).
    pub fn auth_code(&self, session_secret: &str) -> Result<String> {
        use hmac::Mac as _;
        let unprotected = self.unprotected()?;
        let key = base64::engine::general_purpose::STANDARD
            .decode(session_secret)
            .ok()
            .filter(|k| !k.is_empty())
            .ok_or(config("sessionSecret is not base64"))?;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key)
            .map_err(|_| config("sessionSecret is unusable"))?;
        mac.update(self.auth_code_payload(&unprotected).as_bytes());
        Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    /// The whole link: [`DeviceLink::unprotected`] with `&authCode=…`.
    pub fn build(&self, session_secret: &str) -> Result<String> {
        let code = self.auth_code(session_secret)?;
        Ok(format!("{}&authCode={code}", self.unprotected()?))
    }
}
