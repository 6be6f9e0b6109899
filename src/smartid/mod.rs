//! Smart-ID (SK ID Solutions' RP API v3): the session-status response,
//! checked against what the relying party itself sent, and the request
//! side ([`request`]: the `rpChallenge`, the `interactions` string, the
//! device link with its `authCode`).
//!
//! The relying party starts a session (device link: QR code, Web2App,
//! App2App; or a notification), then polls `GET /session/{sessionId}`
//! until the answer is final. In the Web2App and App2App flows the user
//! comes back through the callback URL first: its `sessionSecretDigest`
//! is checked with [`request::verify_session_secret_digest`] (SK's step 1,
//! `smartid.session_secret.mismatch`) and its `userChallengeVerifier` goes
//! into [`Expected::with_user_challenge_verifier`]. Then
//! [`verify_session_status`] checks the final answer
//! in the order of `../shared/VECTORS.md`, kind `smart-id`:
//!
//! | check | spec | code |
//! |---|---|---|
//! | `state` is `COMPLETE` | RP API v3, session status | `smartid.session.not_complete` |
//! | `result.endResult` is `OK` | idem | `smartid.result.not_ok` |
//! | `signatureProtocol` is the one requested | idem | `smartid.protocol.mismatch` |
//! | `rsassa-pss`, hash and MGF1 hash SHA-2 or SHA-3 (256/384/512), `id-mgf1`, trailer `0xbc` | idem; RFC 8017 §A.2.3 | `smartid.algorithm.unsupported` |
//! | `saltLength` a non-negative integer; `documentNumber`, `interactionTypeUsed` present; ACSP_V2: `serverRandom` ≥ 24 characters, `userChallenge` 43 base64url characters, `flowType` `QR`/`Web2App`/`App2App`/`Notification`; `signature.value` and `cert.value` strict base64 (the signature at most an 8192-bit one, before decoding) | idem; RFC 4648 §4, §5 | `smartid.response.malformed` |
//! | Web2App, App2App: `userChallenge` = base64url(SHA-256(callback's `userChallengeVerifier`)) | idem, same-device flows | `smartid.user_challenge.mismatch` |
//! | `cert.certificateLevel` known, and at least the caller's minimum | idem | `smartid.response.malformed`, `smartid.certificate_level.insufficient` |
//! | the certificate: DER, valid at `now`, issued directly by a configured CA valid at `now` | RFC 5280 | `x509.cert.malformed`, `x509.cert.expired`, `x509.cert.not_yet_valid`, `x509.chain.untrusted` |
//! | its purpose: ACSP_V2 KU digitalSignature + EKU 1.3.6.1.4.1.62306.5.7.0, or (pre-2025) KU digitalSignature, keyEncipherment, dataEncipherment + EKU clientAuth; RAW_DIGEST_SIGNATURE KU nonRepudiation | RFC 5280 §4.2.1.3, §4.2.1.12 | `x509.purpose.wrong` |
//! | an RSA key | RP API v3 | `smartid.algorithm.unsupported` |
//! | RSASSA-PSS with the response's hash, MGF1 hash and salt length over the ACSP_V2 payload rebuilt from the RP's own values, or over the signed data | RFC 8017 §8.1.2 | `smartid.signature.invalid` |
//! | `result.documentNumber` (not signed) is an account of the certificate's subject: its serialNumber, `-`, a suffix | RP API v3, document numbers (`PNOEE-…-MOCK-Q`) | `smartid.document_number.mismatch` |
//!
//! The ACSP_V2 payload is rebuilt here, never read from the response:
//! `schemeName|ACSP_V2|serverRandom|rpChallenge|userChallenge|B64(rpName)|B64(brokeredRpName)|B64(SHA-256(interactions))|interactionTypeUsed|initialCallbackUrl|flowType`
//! ([`acsp_v2_payload`]), with the RP's `rpChallenge`, names, `interactions`
//! string (hashed as sent, base64 and all) and callback URL (empty in the
//! QR flow). Revocation is not checked (SK publishes no OCSP for Smart-ID
//! authentication certificates' v3 flow; the caller may add its own).
//!
//! ```
//! use idbridge::smartid::{self, Expected, SmartIdTrust};
//! # let ca = include_bytes!("../../test-vectors/conformance/smart-id/upstream/own_TEST_SmartID_CA.der");
//! # let body = include_bytes!("../../test-vectors/conformance/smart-id/upstream/acsp_qr_sha3_512.json");
//! let trust = SmartIdTrust::new().with_certificate(ca)?;
//! // What this RP sent when it started the session:
//! let expected = Expected::authentication(
//!     "xnjZ3irCUODkqHtNT74/Irw2ZHW/Lv8sG/b5HS+L9lKffM2SWmsY9k4g2gcwVg6aN3DAj54ciyLff+ilTwIVCA==",
//!     "DEMO",
//!     "W3sidHlwZSI6ImRpc3BsYXlUZXh0QW5kUElOIiwiZGlzcGxheVRleHQ2MCI6IkxvZyBpbiB0byBpZGJyaWRnZT8ifV0=",
//! );
//! let now = idbridge::UnixTime::parse_rfc3339("2025-09-01T10:00:00Z")?;
//! let verified = smartid::verify_session_status(&trust, body, &expected, now)?;
//! assert_eq!(verified.identity().subject_id(), Some("PNOEE-40504040001"));
//! assert_eq!(verified.level(), smartid::CertificateLevel::Qualified);
//! # Ok::<(), idbridge::Error>(())
//! ```

pub mod request;

use base64::Engine as _;
use serde_json::Value;

use crate::crypto::{self, DigestAlg, PssParams, PublicKey};
use crate::error::{Error, ErrorCode, Result};
use crate::identity::{System, VerifiedIdentity};
use crate::limits::Limits;
use crate::time::UnixTime;
use crate::x509::cert::{ku, Certificate, EKU_CLIENT_AUTH};
use crate::x509::name::person_name;
use crate::x509::path::{self, Anchor, NoIntermediates, Usage};
use crate::x509::purpose::{check_any_profile, PurposeProfile};
use crate::x509::Quirks;

/// The Smart-ID authentication extended key usage of SK's certificates
/// issued from 2025 (1.3.6.1.4.1.62306.5.7.0).
pub const EKU_SMART_ID_AUTHENTICATION: &str = "1.3.6.1.4.1.62306.5.7.0";

/// The longest `signature.value` read, in base64 characters: an 8192-bit
/// signature ([`crypto::RSA_MAX_BITS`]), the largest key accepted. Longer
/// text is refused before it is decoded (`smartid.response.malformed`).
pub const MAX_SIGNATURE_B64_CHARS: usize = (crypto::RSA_MAX_BITS / 8).div_ceil(3) * 4;

/// The shortest `serverRandom` accepted, in characters.
pub const MIN_SERVER_RANDOM_CHARS: usize = 24;

/// The CA certificates that may issue users' Smart-ID certificates
/// directly (SK's `EID-Q 2024E` and its successors; test CAs in tests).
#[derive(Clone, Debug, Default)]
pub struct SmartIdTrust {
    anchors: Vec<Anchor>,
}

impl SmartIdTrust {
    /// No CA yet.
    pub fn new() -> SmartIdTrust {
        SmartIdTrust::default()
    }

    /// Adds a CA certificate (DER, or PEM: every certificate of a bundle;
    /// `x509.cert.malformed` otherwise).
    pub fn with_certificate(mut self, cert: &[u8]) -> Result<SmartIdTrust> {
        for der in crate::x509::pem::decode_certificates(cert)? {
            self.anchors.push(Anchor::from_der(&der)?);
        }
        Ok(self)
    }

    /// How many CAs are configured.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}

impl AsRef<SmartIdTrust> for SmartIdTrust {
    fn as_ref(&self) -> &SmartIdTrust {
        self
    }
}

/// The signature protocol a session was started with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureProtocol {
    /// `ACSP_V2`: authentication.
    AcspV2,
    /// `RAW_DIGEST_SIGNATURE`: a signature over data the RP holds.
    RawDigestSignature,
}

impl SignatureProtocol {
    /// The API's name.
    pub const fn name(self) -> &'static str {
        match self {
            SignatureProtocol::AcspV2 => "ACSP_V2",
            SignatureProtocol::RawDigestSignature => "RAW_DIGEST_SIGNATURE",
        }
    }

    /// The protocol the API calls `name`.
    pub fn from_name(name: &str) -> Option<SignatureProtocol> {
        match name {
            "ACSP_V2" => Some(SignatureProtocol::AcspV2),
            "RAW_DIGEST_SIGNATURE" => Some(SignatureProtocol::RawDigestSignature),
            _ => None,
        }
    }
}

/// `cert.certificateLevel`, ordered: `Advanced < Qualified`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CertificateLevel {
    /// `ADVANCED`.
    Advanced,
    /// `QUALIFIED`.
    Qualified,
}

impl CertificateLevel {
    /// The API's name.
    pub const fn name(self) -> &'static str {
        match self {
            CertificateLevel::Advanced => "ADVANCED",
            CertificateLevel::Qualified => "QUALIFIED",
        }
    }

    /// The level the API calls `name`.
    pub fn from_name(name: &str) -> Option<CertificateLevel> {
        match name {
            "ADVANCED" => Some(CertificateLevel::Advanced),
            "QUALIFIED" => Some(CertificateLevel::Qualified),
            _ => None,
        }
    }
}

/// `signature.flowType` of an ACSP_V2 response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FlowType {
    /// `QR`: a QR code scanned by the phone.
    Qr,
    /// `Web2App`: a link opened on the same device, from a browser.
    Web2App,
    /// `App2App`: a link opened on the same device, from an app.
    App2App,
    /// `Notification`: a push notification (no device link).
    Notification,
}

impl FlowType {
    /// The API's name.
    pub const fn name(self) -> &'static str {
        match self {
            FlowType::Qr => "QR",
            FlowType::Web2App => "Web2App",
            FlowType::App2App => "App2App",
            FlowType::Notification => "Notification",
        }
    }

    /// The flow the API calls `name`.
    pub fn from_name(name: &str) -> Option<FlowType> {
        match name {
            "QR" => Some(FlowType::Qr),
            "Web2App" => Some(FlowType::Web2App),
            "App2App" => Some(FlowType::App2App),
            "Notification" => Some(FlowType::Notification),
            _ => None,
        }
    }

    /// Whether the flow returns to the RP through its callback URL, with a
    /// `userChallengeVerifier` (Web2App, App2App).
    pub const fn is_same_device(self) -> bool {
        matches!(self, FlowType::Web2App | FlowType::App2App)
    }
}

/// What the relying party sent (and, for same-device flows, received on
/// its callback): everything a response is checked against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    kind: ExpectedKind,
    min_level: CertificateLevel,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum ExpectedKind {
    Authentication(Box<AuthContext>),
    Signature { signed_data: Vec<u8> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct AuthContext {
    rp_challenge: String,
    relying_party_name: String,
    brokered_rp_name: String,
    interactions: String,
    initial_callback_url: String,
    schema_name: String,
    user_challenge_verifier: Option<String>,
}

impl Expected {
    /// An ACSP_V2 authentication: the `rpChallenge` (base64, as sent), the
    /// relying party's name and the `interactions` string (base64, as
    /// sent). No broker, no callback URL, schema `smart-id`, level
    /// `QUALIFIED` until set otherwise.
    pub fn authentication(
        rp_challenge: &str,
        relying_party_name: &str,
        interactions: &str,
    ) -> Self {
        Expected {
            kind: ExpectedKind::Authentication(Box::new(AuthContext {
                rp_challenge: rp_challenge.to_owned(),
                relying_party_name: relying_party_name.to_owned(),
                brokered_rp_name: String::new(),
                interactions: interactions.to_owned(),
                initial_callback_url: String::new(),
                schema_name: "smart-id".to_owned(),
                user_challenge_verifier: None,
            })),
            min_level: CertificateLevel::Qualified,
        }
    }

    /// A RAW_DIGEST_SIGNATURE signing session over `signed_data` (the
    /// bytes whose digest was sent). Level `QUALIFIED` until set otherwise.
    pub fn signature(signed_data: &[u8]) -> Self {
        Expected {
            kind: ExpectedKind::Signature {
                signed_data: signed_data.to_vec(),
            },
            min_level: CertificateLevel::Qualified,
        }
    }

    fn auth_mut(&mut self) -> Option<&mut AuthContext> {
        match &mut self.kind {
            ExpectedKind::Authentication(a) => Some(a),
            ExpectedKind::Signature { .. } => None,
        }
    }

    /// The broker's name, when the RP acts for a brokered one (ACSP_V2
    /// only; ignored for signatures).
    pub fn with_brokered_rp_name(mut self, name: &str) -> Self {
        if let Some(a) = self.auth_mut() {
            name.clone_into(&mut a.brokered_rp_name);
        }
        self
    }

    /// The `initialCallbackUrl` sent (Web2App, App2App; ACSP_V2 only).
    pub fn with_initial_callback_url(mut self, url: &str) -> Self {
        if let Some(a) = self.auth_mut() {
            url.clone_into(&mut a.initial_callback_url);
        }
        self
    }

    /// The scheme name the payload starts with (`smart-id`; SK's demo
    /// environment signs `smart-id-demo`).
    pub fn with_schema_name(mut self, name: &str) -> Self {
        if let Some(a) = self.auth_mut() {
            name.clone_into(&mut a.schema_name);
        }
        self
    }

    /// The `userChallengeVerifier` the callback URL brought back (Web2App,
    /// App2App: without it those flows fail,
    /// `smartid.user_challenge.mismatch`).
    pub fn with_user_challenge_verifier(mut self, verifier: &str) -> Self {
        if let Some(a) = self.auth_mut() {
            a.user_challenge_verifier = Some(verifier.to_owned());
        }
        self
    }

    /// The lowest certificate level accepted (`QUALIFIED` by default).
    pub fn with_min_certificate_level(mut self, level: CertificateLevel) -> Self {
        self.min_level = level;
        self
    }

    /// The protocol this expects.
    pub fn protocol(&self) -> SignatureProtocol {
        match self.kind {
            ExpectedKind::Authentication(_) => SignatureProtocol::AcspV2,
            ExpectedKind::Signature { .. } => SignatureProtocol::RawDigestSignature,
        }
    }
}

/// A verified Smart-ID session: the user's certificate and what it states.
#[derive(Debug)]
pub struct VerifiedSession {
    identity: VerifiedIdentity,
    certificate_der: Vec<u8>,
    level: CertificateLevel,
    document_number: String,
    flow_type: Option<FlowType>,
    protocol: SignatureProtocol,
    key: PublicKey,
}

impl VerifiedSession {
    /// The certificate's (RSA) public key, which made the signature.
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }

    /// The person.
    pub fn identity(&self) -> &VerifiedIdentity {
        &self.identity
    }

    /// The person, by value.
    pub fn into_identity(self) -> VerifiedIdentity {
        self.identity
    }

    /// The verified certificate (DER).
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// `cert.certificateLevel`.
    pub fn level(&self) -> CertificateLevel {
        self.level
    }

    /// `result.documentNumber` (the account to address next time).
    pub fn document_number(&self) -> &str {
        &self.document_number
    }

    /// `signature.flowType` (ACSP_V2).
    pub fn flow_type(&self) -> Option<FlowType> {
        self.flow_type
    }

    /// The protocol verified.
    pub fn protocol(&self) -> SignatureProtocol {
        self.protocol
    }
}

/// Smart-ID RP API v2's verification code: `int(SHA-256(hash)[-2:]) mod
/// 10000`, the last two bytes of the SHA-256 of the hash sent read as a
/// big-endian integer, as four zero-padded digits. RP API v3 shows no code
/// for device-link flows; v2 and the notification flow of older clients
/// use this one. Mobile-ID's is `idbridge::mobileid::verification_code`
/// (feature `mobileid`): same shape, another formula.
pub fn verification_code(hash: &[u8]) -> String {
    let digest = crypto::HashAlg::Sha256.digest(hash);
    let tail = match digest.get(30..32) {
        Some(&[a, b]) => u16::from_be_bytes([a, b]),
        _ => 0,
    };
    format!("{:04}", tail % 10_000)
}

/// base64url (no padding) of SHA-256 of the verifier's UTF-8: the
/// `userChallenge` a `userChallengeVerifier` stands for.
pub fn user_challenge_of(verifier: &str) -> String {
    let digest = crypto::HashAlg::Sha256.digest(verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// The ACSP_V2 signed payload's fields, as the RP holds them and the
/// response states them.
#[derive(Clone, Copy, Debug)]
pub struct AcspV2Fields<'a> {
    /// The scheme name (`smart-id`, `smart-id-demo`).
    pub schema_name: &'a str,
    /// The response's `signature.serverRandom`.
    pub server_random: &'a str,
    /// The RP's `rpChallenge`, base64 as sent.
    pub rp_challenge: &'a str,
    /// The response's `signature.userChallenge`.
    pub user_challenge: &'a str,
    /// The RP's name.
    pub relying_party_name: &'a str,
    /// The broker's name, or empty.
    pub brokered_rp_name: &'a str,
    /// The `interactions` string as sent.
    pub interactions: &'a str,
    /// The response's `interactionTypeUsed`.
    pub interaction_type_used: &'a str,
    /// The RP's `initialCallbackUrl` (ignored in the QR flow).
    pub initial_callback_url: &'a str,
    /// The response's `signature.flowType`.
    pub flow_type: FlowType,
}

/// The ACSP_V2 payload (UTF-8 text) of `f`: the eleven fields joined by
/// `|`, the names in standard base64 (an empty one stays empty), the
/// interactions as the base64 of their SHA-256, the callback URL empty in
/// the QR flow.
pub fn acsp_v2_payload(f: &AcspV2Fields<'_>) -> String {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
    let interactions_hash = base64::engine::general_purpose::STANDARD
        .encode(crypto::HashAlg::Sha256.digest(f.interactions.as_bytes()));
    let callback = if f.flow_type == FlowType::Qr {
        ""
    } else {
        f.initial_callback_url
    };
    [
        f.schema_name,
        SignatureProtocol::AcspV2.name(),
        f.server_random,
        f.rp_challenge,
        f.user_challenge,
        &b64(f.relying_party_name),
        &b64(f.brokered_rp_name),
        &interactions_hash,
        f.interaction_type_used,
        callback,
        f.flow_type.name(),
    ]
    .join("|")
}

fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::SmartidResponseMalformed, reason)
}

fn unsupported(reason: &'static str) -> Error {
    Error::new(ErrorCode::SmartidAlgorithmUnsupported, reason)
}

fn text<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    path.iter()
        .try_fold(v, |v, k| v.get(*k))
        .and_then(Value::as_str)
}

/// RFC 4648 §4 base64, padded, canonical.
fn strict_b64(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

fn is_user_challenge(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The body as received: bounded by `Limits::max_input_bytes`
/// (`input.too_large`, before parsing), strict JSON (`input.json`), an
/// object.
fn parse_body(response: &[u8], limits: &Limits) -> Result<Value> {
    if response.len() > limits.max_input_bytes() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!(
                "the session status is larger than {} bytes",
                limits.max_input_bytes()
            ),
        ));
    }
    let body = crate::json::parse_value(response, limits.max_json_depth())?;
    if !body.is_object() {
        return Err(malformed("the session status is not a JSON object"));
    }
    Ok(body)
}

/// `state` is `COMPLETE` and `result.endResult` is `OK`.
fn check_complete_ok(body: &Value) -> Result<()> {
    let state = text(body, &["state"]);
    if state != Some("COMPLETE") {
        return Err(Error::with_detail(
            ErrorCode::SmartidSessionNotComplete,
            format!(
                "the session state is {:?}, not COMPLETE",
                state.unwrap_or("(none)")
            ),
        ));
    }
    let end_result = text(body, &["result", "endResult"]);
    if end_result != Some("OK") {
        return Err(Error::with_detail(
            ErrorCode::SmartidResultNotOk,
            format!(
                "the end result is {:?}, not OK",
                end_result.unwrap_or("(none)")
            ),
        ));
    }
    Ok(())
}

/// `cert.certificateLevel` is known and at least `min`.
fn check_level(body: &Value, min: CertificateLevel) -> Result<CertificateLevel> {
    let level = text(body, &["cert", "certificateLevel"])
        .and_then(CertificateLevel::from_name)
        .ok_or(malformed(
            "cert.certificateLevel is not ADVANCED or QUALIFIED",
        ))?;
    if level < min {
        return Err(Error::with_detail(
            ErrorCode::SmartidCertificateLevelInsufficient,
            format!(
                "the certificate level is {}, at least {} is required",
                level.name(),
                min.name()
            ),
        ));
    }
    Ok(level)
}

/// The user's certificate: DER, dates, issued directly by a configured CA
/// valid at `now`, and the purpose of `protocol` (authentication or
/// signing).
fn check_user_certificate(
    backend: &dyn crypto::Backend,
    trust: &SmartIdTrust,
    cert_der: &[u8],
    protocol: SignatureProtocol,
    now: UnixTime,
) -> Result<Certificate> {
    let cert = Certificate::from_der(cert_der)?;
    cert.check_validity(now)?;
    let end = path::verify_path(
        backend,
        &cert,
        &[],
        &trust.anchors,
        now,
        Usage::Any,
        Quirks::default(),
        &NoIntermediates,
    )?;
    end.anchor.cert.check_validity(now)?;
    match protocol {
        SignatureProtocol::AcspV2 => check_any_profile(
            &cert,
            &[
                PurposeProfile {
                    key_usage: ku::DIGITAL_SIGNATURE,
                    eku: Some(EKU_SMART_ID_AUTHENTICATION),
                },
                PurposeProfile {
                    key_usage: ku::DIGITAL_SIGNATURE | ku::KEY_ENCIPHERMENT | ku::DATA_ENCIPHERMENT,
                    eku: Some(EKU_CLIENT_AUTH),
                },
            ],
            "not a Smart-ID authentication certificate (key usage and extended key usage)",
        )?,
        SignatureProtocol::RawDigestSignature => check_any_profile(
            &cert,
            &[PurposeProfile {
                key_usage: ku::NON_REPUDIATION,
                eku: None,
            }],
            "not a signing certificate (no nonRepudiation)",
        )?,
    }
    Ok(cert)
}

/// [`verify_session_status_with`] on the default backend and limits.
pub fn verify_session_status(
    trust: &impl AsRef<SmartIdTrust>,
    response: &[u8],
    expected: &Expected,
    now: UnixTime,
) -> Result<VerifiedSession> {
    verify_session_status_with(
        crypto::default_backend(),
        trust,
        response,
        expected,
        now,
        &Limits::default(),
    )
}

/// Checks a session-status response (the JSON body, as received) against
/// what this relying party sent, at `now`, in the order of the module
/// documentation. The body is bounded by `Limits::max_input_bytes`
/// (`input.too_large`, before parsing) and must be strict JSON
/// (`input.json`). The backend verifies the CA's signature on the
/// certificate; the RSASSA-PSS arithmetic is [`crypto::verify_rsa_pss`]'s.
pub fn verify_session_status_with(
    backend: &dyn crypto::Backend,
    trust: &impl AsRef<SmartIdTrust>,
    response: &[u8],
    expected: &Expected,
    now: UnixTime,
    limits: &Limits,
) -> Result<VerifiedSession> {
    let trust = trust.as_ref();
    let body = parse_body(response, limits)?;
    // 1. State, end result, protocol.
    check_complete_ok(&body)?;
    let protocol = expected.protocol();
    let got = text(&body, &["signatureProtocol"]);
    if got != Some(protocol.name()) {
        return Err(Error::with_detail(
            ErrorCode::SmartidProtocolMismatch,
            format!(
                "the response's signature protocol is {:?}, {} was requested",
                got.unwrap_or("(none)"),
                protocol.name()
            ),
        ));
    }
    // 2. The algorithm.
    let sig = body.get("signature").unwrap_or(&Value::Null);
    if text(sig, &["signatureAlgorithm"]) != Some("rsassa-pss") {
        return Err(unsupported("the signature algorithm is not rsassa-pss"));
    }
    let params = sig
        .get("signatureAlgorithmParameters")
        .unwrap_or(&Value::Null);
    let hash = text(params, &["hashAlgorithm"])
        .and_then(DigestAlg::from_name)
        .ok_or(unsupported(
            "the hash is not SHA-2 or SHA-3 (256, 384, 512)",
        ))?;
    if text(params, &["maskGenAlgorithm", "algorithm"]) != Some("id-mgf1") {
        return Err(unsupported("the mask generation function is not id-mgf1"));
    }
    let mgf1_hash = text(params, &["maskGenAlgorithm", "parameters", "hashAlgorithm"])
        .and_then(DigestAlg::from_name)
        .ok_or(unsupported(
            "the MGF1 hash is not SHA-2 or SHA-3 (256, 384, 512)",
        ))?;
    if text(params, &["trailerField"]) != Some("0xbc") {
        return Err(unsupported("the trailer field is not 0xbc"));
    }
    // 3. The response's shape.
    let salt_len = params
        .get("saltLength")
        .and_then(Value::as_u64)
        .ok_or(malformed("saltLength is not a non-negative integer"))?;
    let salt_len = usize::try_from(salt_len).unwrap_or(usize::MAX);
    let document_number =
        text(&body, &["result", "documentNumber"]).ok_or(malformed("no result.documentNumber"))?;
    let interaction_type_used =
        text(&body, &["interactionTypeUsed"]).ok_or(malformed("no interactionTypeUsed"))?;
    let mut acsp = None;
    if let ExpectedKind::Authentication(ctx) = &expected.kind {
        let server_random = text(sig, &["serverRandom"])
            .filter(|s| s.chars().count() >= MIN_SERVER_RANDOM_CHARS)
            .ok_or(malformed(
                "serverRandom is missing or shorter than 24 characters",
            ))?;
        let user_challenge = text(sig, &["userChallenge"])
            .filter(|s| is_user_challenge(s))
            .ok_or(malformed("userChallenge is not 43 base64url characters"))?;
        let flow_type = text(sig, &["flowType"])
            .and_then(FlowType::from_name)
            .ok_or(malformed(
                "flowType is not QR, Web2App, App2App or Notification",
            ))?;
        acsp = Some((ctx, server_random, user_challenge, flow_type));
    }
    let sig_b64 = text(sig, &["value"]).ok_or(malformed("no signature.value"))?;
    if sig_b64.len() > MAX_SIGNATURE_B64_CHARS {
        return Err(malformed(
            "signature.value is longer than any signature an accepted key makes",
        ));
    }
    let signature = strict_b64(sig_b64).ok_or(malformed("signature.value is not strict base64"))?;
    let cert_b64 = text(&body, &["cert", "value"]).ok_or(malformed("no cert.value"))?;
    let cert_der = strict_b64(cert_b64).ok_or(malformed("cert.value is not strict base64"))?;
    // 4. Same-device flows: the callback's verifier.
    if let Some((ctx, _, user_challenge, flow)) = &acsp {
        if flow.is_same_device() {
            let Some(verifier) = ctx.user_challenge_verifier.as_deref() else {
                return Err(Error::with_detail(
                    ErrorCode::SmartidUserChallengeMismatch,
                    format!(
                        "a {} response needs the callback URL's userChallengeVerifier, and none \
                         was given (Expected::with_user_challenge_verifier, \
                         --user-challenge-verifier, userChallengeVerifier)",
                        flow.name()
                    ),
                ));
            };
            if user_challenge_of(verifier) != *user_challenge {
                return Err(Error::new(
                    ErrorCode::SmartidUserChallengeMismatch,
                    "the callback's userChallengeVerifier does not hash to the response's userChallenge",
                ));
            }
        }
    }
    // 5. The certificate level.
    let level = check_level(&body, expected.min_level)?;
    // 6. The certificate: DER, dates, a CA that issued it directly;
    // 7. its purpose.
    let cert = check_user_certificate(backend, trust, &cert_der, protocol, now)?;
    // 8. The key, then the signature.
    let key = rsa_key(&cert)?;
    let pss = PssParams {
        hash,
        mgf1_hash,
        salt_len,
    };
    let flow_type = acsp.as_ref().map(|a| a.3);
    let message = match (&acsp, &expected.kind) {
        (Some((ctx, server_random, user_challenge, flow_type)), _) => {
            acsp_v2_payload(&AcspV2Fields {
                schema_name: &ctx.schema_name,
                server_random,
                rp_challenge: &ctx.rp_challenge,
                user_challenge,
                relying_party_name: &ctx.relying_party_name,
                brokered_rp_name: &ctx.brokered_rp_name,
                interactions: &ctx.interactions,
                interaction_type_used,
                initial_callback_url: &ctx.initial_callback_url,
                flow_type: *flow_type,
            })
            .into_bytes()
        }
        (None, ExpectedKind::Signature { signed_data }) => signed_data.clone(),
        (None, ExpectedKind::Authentication(_)) => {
            return Err(malformed("no ACSP_V2 fields"));
        }
    };
    crypto::verify_rsa_pss(&key, &pss, &message, &signature).map_err(|_| {
        Error::new(
            ErrorCode::SmartidSignatureInvalid,
            match protocol {
                SignatureProtocol::AcspV2 => {
                    "the signature does not verify over the payload rebuilt from this relying party's request"
                }
                SignatureProtocol::RawDigestSignature => {
                    "the signature does not verify over the signed data"
                }
            },
        )
    })?;
    let mut identity = identity(&cert)?;
    // 9. The unsigned document number belongs to the certificate's person.
    check_document_number(document_number, &identity)?;
    identity.level = Some(level.name().to_owned());
    identity
        .attributes
        .insert("document_number".into(), document_number.to_owned());
    identity.attributes.insert(
        "interaction_type_used".into(),
        interaction_type_used.to_owned(),
    );
    if let Some(f) = flow_type {
        identity
            .attributes
            .insert("flow_type".into(), f.name().to_owned());
    }
    Ok(VerifiedSession {
        identity,
        certificate_der: cert_der,
        level,
        document_number: document_number.to_owned(),
        flow_type,
        protocol,
        key,
    })
}

/// A verified certificate-choice session: the signing certificate the
/// user chose, for building the document to sign before the signature
/// session. It proves no possession of the key (nothing is signed yet):
/// the signature session that follows must be checked with
/// [`verify_session_status`] and its [`VerifiedSession::certificate_der`]
/// compared with [`ChosenCertificate::certificate_der`].
#[derive(Debug)]
pub struct ChosenCertificate {
    identity: VerifiedIdentity,
    certificate_der: Vec<u8>,
    level: CertificateLevel,
    document_number: String,
}

impl ChosenCertificate {
    /// The person the certificate names (`level`, `document_number` in it).
    pub fn identity(&self) -> &VerifiedIdentity {
        &self.identity
    }

    /// The signing certificate, DER.
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// `cert.certificateLevel`.
    pub fn level(&self) -> CertificateLevel {
        self.level
    }

    /// `result.documentNumber`: the account to send the signature session
    /// to.
    pub fn document_number(&self) -> &str {
        &self.document_number
    }
}

/// [`verify_certificate_choice_with`] on the default backend and limits.
pub fn verify_certificate_choice(
    trust: &impl AsRef<SmartIdTrust>,
    response: &[u8],
    min_level: CertificateLevel,
    now: UnixTime,
) -> Result<ChosenCertificate> {
    verify_certificate_choice_with(
        crypto::default_backend(),
        trust,
        response,
        min_level,
        now,
        &Limits::default(),
    )
}

/// Checks the final session status of a certificate-choice session
/// (`POST /signature/certificate-choice/…`, then `GET /session/{id}`): the
/// same body limits as [`verify_session_status_with`]; `state`
/// `COMPLETE`, `result.endResult` `OK`; `result.documentNumber` and
/// `cert.value` present (`smartid.response.malformed`); the level at least
/// `min_level`; the certificate valid at `now`, issued directly by a
/// configured CA and a signing certificate (`nonRepudiation`,
/// `x509.purpose.wrong` otherwise). No signature is checked: there is
/// none in this response.
///
/// ```
/// use idbridge::smartid::{verify_certificate_choice, CertificateLevel, SmartIdTrust};
/// use idbridge::UnixTime;
/// let running = br#"{"state":"RUNNING"}"#;
/// let err = verify_certificate_choice(
///     &SmartIdTrust::new(),
///     running,
///     CertificateLevel::Qualified,
///     UnixTime::from_unix_seconds(1_767_225_600),
/// )
/// .unwrap_err();
/// assert_eq!(err.code(), "smartid.session.not_complete");
/// ```
pub fn verify_certificate_choice_with(
    backend: &dyn crypto::Backend,
    trust: &impl AsRef<SmartIdTrust>,
    response: &[u8],
    min_level: CertificateLevel,
    now: UnixTime,
    limits: &Limits,
) -> Result<ChosenCertificate> {
    let trust = trust.as_ref();
    let body = parse_body(response, limits)?;
    check_complete_ok(&body)?;
    let document_number = text(&body, &["result", "documentNumber"])
        .filter(|d| !d.is_empty())
        .ok_or(malformed("no result.documentNumber"))?;
    let cert_b64 = text(&body, &["cert", "value"]).ok_or(malformed("no cert.value"))?;
    let cert_der = strict_b64(cert_b64).ok_or(malformed("cert.value is not strict base64"))?;
    let level = check_level(&body, min_level)?;
    let cert = check_user_certificate(
        backend,
        trust,
        &cert_der,
        SignatureProtocol::RawDigestSignature,
        now,
    )?;
    let mut identity = identity(&cert)?;
    check_document_number(document_number, &identity)?;
    identity.level = Some(level.name().to_owned());
    identity
        .attributes
        .insert("document_number".into(), document_number.to_owned());
    Ok(ChosenCertificate {
        identity,
        certificate_der: cert_der,
        level,
        document_number: document_number.to_owned(),
    })
}

/// `result.documentNumber` is not signed: it is accepted only as an
/// account of the certificate's person, the subject's serialNumber (the
/// ETSI semantics identifier, `PNOEE-…`) followed by `-` and the account's
/// suffix, as SK forms it (`PNOEE-40504040001-MOCK-Q`). Otherwise
/// `smartid.document_number.mismatch`: a later session sent to it could
/// reach someone else.
fn check_document_number(document_number: &str, identity: &VerifiedIdentity) -> Result<()> {
    let bound = identity.subject_id.as_deref().is_some_and(|serial| {
        !serial.is_empty()
            && document_number
                .strip_prefix(serial)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|suffix| !suffix.is_empty())
    });
    if bound {
        Ok(())
    } else {
        Err(Error::with_detail(
            ErrorCode::SmartidDocumentNumberMismatch,
            format!(
                "result.documentNumber {document_number:?} is not an account of the certificate's subject {:?}",
                identity.subject_id.as_deref().unwrap_or("(no serialNumber)")
            ),
        ))
    }
}

/// The certificate's key, which must be RSA (`smartid.algorithm.unsupported`).
fn rsa_key(cert: &Certificate) -> Result<PublicKey> {
    let key = PublicKey::from_spki_der(&cert.spki_der)?;
    if key.rsa_components().is_none() {
        return Err(unsupported("the certificate's key is not RSA"));
    }
    Ok(key)
}

/// The person the certificate names: `subject_id` is the subject's
/// serialNumber (`PNOEE-…`, ETSI EN 319 412-1 semantics identifier),
/// given name, surname; the issuer's common name.
fn identity(cert: &Certificate) -> Result<VerifiedIdentity> {
    let name = person_name(cert)?;
    let mut identity = VerifiedIdentity::new(System::SmartId);
    identity.subject_id = Some(name.serial_number);
    identity.given_name = name.given_name;
    identity.family_name = name.surname;
    identity.issuer = name.issuer_common_name;
    if let Some(c) = name.country {
        identity.attributes.insert("country".into(), c);
    }
    Ok(identity)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn only_rsa_keys_sign_smart_id_responses() {
        let ec = include_bytes!("../../test-vectors/webeid/pki/auth-by-subca.cer");
        let cert = Certificate::from_der(ec).unwrap();
        assert_eq!(
            rsa_key(&cert).unwrap_err().code(),
            "smartid.algorithm.unsupported"
        );
        let body: Value = serde_json::from_slice(include_bytes!(
            "../../test-vectors/conformance/smart-id/upstream/acsp_qr_sha3_512.json"
        ))
        .unwrap();
        let der = strict_b64(text(&body, &["cert", "value"]).unwrap()).unwrap();
        let key = rsa_key(&Certificate::from_der(&der).unwrap()).unwrap();
        assert_eq!(key.rsa_bits(), Some(6144));
    }

    #[test]
    fn verification_code_takes_the_last_two_bytes_of_the_sha256() {
        // SHA-256 of the two bytes 1b bb ends ..11 cb: 0x11cb = 4555.
        assert_eq!(verification_code(&[0x1b, 0xbb]), "4555");
        assert_eq!(verification_code(&[]).len(), 4);
    }

    #[test]
    fn user_challenges_are_43_base64url_characters() {
        let c = user_challenge_of("verifier");
        assert!(is_user_challenge(&c));
        assert!(!is_user_challenge(&c[..42]));
        assert!(!is_user_challenge(&format!("{}=", &c[..42])));
        assert!(!is_user_challenge(&format!("{}+", &c[..42])));
    }

    #[test]
    fn the_qr_flow_leaves_the_callback_out_of_the_payload() {
        let mut f = AcspV2Fields {
            schema_name: "smart-id",
            server_random: "r",
            rp_challenge: "c",
            user_challenge: "u",
            relying_party_name: "DEMO",
            brokered_rp_name: "",
            interactions: "i",
            interaction_type_used: "displayTextAndPIN",
            initial_callback_url: "https://rp.example/cb",
            flow_type: FlowType::Qr,
        };
        let qr = acsp_v2_payload(&f);
        assert!(qr.starts_with("smart-id|ACSP_V2|r|c|u|REVNTw==||"));
        assert!(qr.ends_with("|displayTextAndPIN||QR"));
        f.flow_type = FlowType::Web2App;
        assert!(acsp_v2_payload(&f).ends_with("|displayTextAndPIN|https://rp.example/cb|Web2App"));
    }
}
