//! ISO/IEC 18013-5 mdoc: a DeviceResponse (the mobile driving licence, the
//! EU and IT-Wallet PID in `mso_mdoc`) verified offline, over OpenID4VP or
//! in proximity.
//!
//! [`verify_device_response`] runs the checks of VECTORS.md, kind `mdoc`,
//! in order, and the first failure gives the code:
//!
//! 1. the input: strict base64url ([`InputEncoding::Base64url`], the
//!    `vp_token` as posted; `input.encoding`), then the CBOR of all of it
//!    (`cbor.*`, see [`crate::cbor`]);
//! 2. the DeviceResponse: `version` 1.x, `status` 0, `documents` not empty;
//! 3. each Document: `docType` the requested one;
//! 4. `issuerAuth`: a COSE_Sign1 with `alg` in the caller's allow-list;
//! 5. the document signer certificate from `x5chain`: a path to a
//!    configured IACA (`x509.*`), every certificate current at now (with
//!    the skew), a key usage with digitalSignature; an IACA on brainpool
//!    (only with [`Expectations::brainpool`], directly over the DS) through
//!    the x509 one-hop check, webpki's rules with brainpool signatures;
//! 6. the signature, raw `r‖s`, with the DS key (the `alg` must suit it;
//!    brainpool keys only with [`Expectations::brainpool`]);
//! 7. the MobileSecurityObject (tag 24): its structure and `digestAlgorithm`;
//! 8. every IssuerSignedItem digested over its tag-24 bytes as received and
//!    matched to `valueDigests[namespace][digestID]`;
//! 9. the MSO `docType` is the Document's;
//! 10. `validityInfo` at now (both bounds inclusive) and `signed` within
//!     the DS certificate's validity;
//! 11. `deviceSigned`: keyAuthorizations, then `deviceSignature` with the
//!     MSO device key, or `deviceMac` (only when the caller allows it,
//!     with the reader's private key), over `DeviceAuthenticationBytes`
//!     built with the SessionTranscript of the caller's [`Handover`].
//!
//! The identity comes from the first Document (see [`VerifiedMdoc`]).
//!
//! ```
//! use idbridge::mdoc::{self, Expectations, Handover, MdocTrust};
//! use idbridge::UnixTime;
//! # let iaca = include_bytes!("../../test-vectors/conformance/mdoc/upstream/own/certs/iaca-p256.pem");
//! # let vp_token = include_bytes!("../../test-vectors/conformance/mdoc/upstream/own/responses/valid-pid-full.b64u");
//! use base64::Engine as _;
//! let thumbprint = base64::engine::general_purpose::URL_SAFE_NO_PAD
//!     .decode("QoPsknrg8gjaqi0CaoFPKyLcpSz4X_qPP4Ymxr1mkEc").unwrap();
//! let trust = MdocTrust::new().with_iaca(iaca)?;
//! let exp = Expectations::new(
//!     "eu.europa.ec.eudi.pid.1",
//!     Handover::OpenId4Vp {
//!         client_id: "x509_san_dns:example.com".into(),
//!         nonce: "exc7gBkxjx1rdc9udRrveKvSsJIq80avlXeLHhGwqtA".into(),
//!         jwk_thumbprint: Some(thumbprint),
//!         response_uri: "https://example.com/response".into(),
//!     },
//! );
//! let now = UnixTime::parse_rfc3339("2026-05-01T00:00:00Z")?;
//! let verified = mdoc::verify_device_response(
//!     idbridge::crypto::default_backend(), &trust, vp_token, &exp, now)?;
//! assert_eq!(verified.identity().subject_id(), Some("TINIT-RSSMRA80A10H501U"));
//! assert_eq!(verified.identity().issuer(), Some("CN=idbridge TEST DS P-256,O=idbridge TEST,C=IT"));
//! # Ok::<(), idbridge::Error>(())
//! ```

mod device;
mod identity;
mod transcript;

pub use device::ReaderKey;
pub use identity::{MDL_NAMESPACE, PID_IT_NAMESPACE, PID_NAMESPACE};
pub use transcript::Handover;

use crate::cbor::{Document, Item, Kind};
use crate::cose::{self, CoseFault, CoseMessage, Label};
use crate::crypto::{
    self, Algorithm, AllowList, Backend, BrainpoolCurve, Curve, EcdsaEncoding, HashAlg, PublicKey,
};
use crate::error::{Error, ErrorCode, Result};
use crate::identity::VerifiedIdentity;
use crate::limits::Limits;
use crate::time::UnixTime;
use crate::x509::cert::{ku, Certificate};
use crate::x509::onehop;
use crate::x509::path::{self, Anchor, IntermediatePolicy, Usage};
use crate::x509::Quirks;
use base64::Engine as _;
use identity::Element;
use std::collections::{BTreeMap, BTreeSet};

fn err(code: ErrorCode, reason: &'static str) -> Error {
    Error::new(code, reason)
}

/// The trusted IACA certificates.
#[derive(Clone, Debug, Default)]
pub struct MdocTrust {
    anchors: Vec<Anchor>,
}

impl MdocTrust {
    /// No IACA yet (every response fails with `x509.chain.untrusted`).
    pub fn new() -> MdocTrust {
        MdocTrust::default()
    }

    /// Adds an IACA certificate (DER, or PEM: every certificate of a
    /// bundle), trusted as given: its own
    /// validity period is not checked (RFC 5280 §6.1.1).
    pub fn with_iaca(mut self, cert: &[u8]) -> Result<MdocTrust> {
        for der in crate::x509::pem::decode_certificates(cert)? {
            self.anchors.push(Anchor::from_der(&der)?);
        }
        Ok(self)
    }
}

/// How the input arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum InputEncoding {
    /// The OpenID4VP `vp_token` entry as posted: base64url without padding
    /// (OpenID4VP 1.0 §B.2.4).
    #[default]
    Base64url,
    /// The DeviceResponse's CBOR bytes (proximity, after session decryption).
    Cbor,
}

/// Whether `deviceMac` is accepted.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub enum DeviceMac {
    /// Only `deviceSignature` (the default).
    #[default]
    Forbidden,
    /// `deviceMac` too, keyed from this reader private key (the EReaderKey,
    /// over OpenID4VP the response-encryption key).
    Allowed(ReaderKey),
}

/// What the relying party asked for, and its policy.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Expectations {
    /// The requested docType: every Document must carry it.
    pub doc_type: String,
    /// The SessionTranscript's source.
    pub handover: Handover,
    /// `deviceMac` policy.
    pub device_mac: DeviceMac,
    /// Seconds of clock skew tolerated on certificate and MSO validity.
    pub clock_skew_seconds: i64,
    /// COSE algorithms accepted for issuerAuth (default ES256, ES384, ES512).
    pub issuer_auth_algs: Vec<i64>,
    /// COSE algorithms accepted for deviceSignature (default ES256, ES384, ES512).
    pub device_auth_algs: Vec<i64>,
    /// MSO digest algorithms accepted (default SHA-256, SHA-384, SHA-512).
    pub digest_algs: Vec<HashAlg>,
    /// Accept keys on brainpoolP256r1 and brainpoolP384r1 (RFC 5639), as
    /// IT-Wallet requires: a document signer certificate with such a key
    /// (named curve), an MSO device key with COSE `crv` 256 or 258, and an
    /// IACA with such a key (named curve) that signs the DS directly (no
    /// intermediate; the one-hop check applies webpki's path rules: v3,
    /// not a CA, no unknown critical extension, the IACA's basicConstraints
    /// and keyCertSign, no name constraints; EKU is not checked, as on
    /// every mdoc path). Off, a DS under a brainpool IACA has no path
    /// (`x509.chain.untrusted`).
    /// They sign with ES256 and ES384 respectively, which must still be in
    /// [`issuer_auth_algs`](Self::issuer_auth_algs) /
    /// [`device_auth_algs`](Self::device_auth_algs). Off by default: a
    /// brainpool DS key is then `mdoc.issuer_key.mismatch` and a brainpool
    /// device key `mdoc.mso.malformed`.
    ///
    /// ```
    /// use idbridge::mdoc::{self, Expectations, Handover, InputEncoding, MdocTrust};
    /// # let iaca = include_bytes!("../../test-vectors/mdoc/trust/iaca.pem");
    /// # let response = include_bytes!("../../test-vectors/mdoc/inputs/bp256-ds-and-device.cbor");
    /// // A proximity SessionTranscript, as both sides hold it.
    /// let transcript = vec![0x83, 0x41, 0xa0, 0xd8, 0x18, 0x43, 0xa1, 0x01, 0x02, 0xf6];
    /// let trust = MdocTrust::new().with_iaca(iaca)?;
    /// let mut exp = Expectations::new("eu.europa.ec.eudi.pid.1", Handover::SessionTranscript(transcript));
    /// exp.input = InputEncoding::Cbor;
    /// let now = idbridge::UnixTime::parse_rfc3339("2026-05-01T00:00:00Z")?;
    /// let backend = idbridge::crypto::default_backend();
    /// let refused = mdoc::verify_device_response(backend, &trust, response, &exp, now);
    /// assert_eq!(refused.unwrap_err().code(), "mdoc.issuer_key.mismatch");
    /// exp.brainpool = true;
    /// let verified = mdoc::verify_device_response(backend, &trust, response, &exp, now)?;
    /// assert_eq!(verified.identity().issuer(), Some("CN=idbridge TEST DS bp256,O=idbridge TEST,C=IT"));
    /// # Ok::<(), idbridge::Error>(())
    /// ```
    pub brainpool: bool,
    /// How the input arrives.
    pub input: InputEncoding,
    /// Bounds on the work.
    pub limits: Limits,
}

impl Expectations {
    /// The defaults for a request of `doc_type` answered over `handover`.
    pub fn new(doc_type: impl Into<String>, handover: Handover) -> Expectations {
        Expectations {
            doc_type: doc_type.into(),
            handover,
            device_mac: DeviceMac::Forbidden,
            clock_skew_seconds: 0,
            issuer_auth_algs: vec![cose::alg::ES256, cose::alg::ES384, cose::alg::ES512],
            device_auth_algs: vec![cose::alg::ES256, cose::alg::ES384, cose::alg::ES512],
            digest_algs: vec![HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512],
            brainpool: false,
            input: InputEncoding::Base64url,
            limits: Limits::default(),
        }
    }
}

/// A verified DeviceResponse.
#[derive(Clone, Debug)]
pub struct VerifiedMdoc {
    identity: VerifiedIdentity,
    doc_types: Vec<String>,
}

impl VerifiedMdoc {
    /// The first Document's identity: `issuer` the DS subject (RFC 4514),
    /// `subject_id`, names and birth date from the PID or mDL elements,
    /// every disclosed issuer-signed element in `attributes` as
    /// `<namespace>/<elementIdentifier>` (maps and arrays flattened).
    pub fn identity(&self) -> &VerifiedIdentity {
        &self.identity
    }

    /// The docType of every Document, in order.
    pub fn doc_types(&self) -> &[String] {
        &self.doc_types
    }
}

/// Strict base64url: `A–Z a–z 0–9 - _`, no padding, no length of 4n+1.
fn decode_base64url(input: &[u8]) -> Result<Vec<u8>> {
    let bad = || {
        err(
            ErrorCode::InputEncoding,
            "the vp_token is not unpadded base64url",
        )
    };
    // The engine refuses every byte outside the alphabet, `=` included
    // (padding RequireNone).
    if input.len() % 4 == 1 {
        return Err(bad());
    }
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_encode_padding(false)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    engine.decode(input).map_err(|_| bad())
}

/// Verifies a DeviceResponse (see the module documentation for the checks).
pub fn verify_device_response(
    backend: &dyn Backend,
    trust: &MdocTrust,
    input: &[u8],
    exp: &Expectations,
    now: UnixTime,
) -> Result<VerifiedMdoc> {
    crate::time::check_skew(exp.clock_skew_seconds)?;
    let limits = &exp.limits;
    if input.len() > limits.max_input_bytes() {
        return Err(err(
            ErrorCode::InputTooLarge,
            "the input is larger than the input limit",
        ));
    }
    let decoded;
    let bytes: &[u8] = match exp.input {
        InputEncoding::Base64url => {
            decoded = decode_base64url(input)?;
            &decoded
        }
        InputEncoding::Cbor => input,
    };
    let doc = Document::parse(bytes, limits)?;
    let root = doc.root();
    let malformed = || {
        err(
            ErrorCode::MdocResponseMalformed,
            "the DeviceResponse is not a map with version, status and documents",
        )
    };
    if !root.is_map() {
        return Err(malformed());
    }
    let version = root
        .get_text_key("version")
        .and_then(|v| v.as_text())
        .ok_or_else(malformed)?;
    let status = root
        .get_text_key("status")
        .and_then(|v| v.as_uint())
        .ok_or_else(malformed)?;
    let documents = match root.get_text_key("documents") {
        Some(d) => Some(d.array().ok_or_else(malformed)?),
        None => None,
    };
    if !is_version_1(version) {
        return Err(err(
            ErrorCode::MdocVersionUnsupported,
            "the DeviceResponse version is not 1.x",
        ));
    }
    if status != 0 {
        return Err(err(
            ErrorCode::MdocStatusError,
            "the DeviceResponse status is not 0 (OK)",
        ));
    }
    let documents = documents.unwrap_or_default();
    if documents.is_empty() {
        return Err(err(
            ErrorCode::MdocDocumentsMissing,
            "the DeviceResponse holds no document",
        ));
    }
    let transcript = exp.handover.session_transcript();
    let mut identity = None;
    let mut doc_types = Vec::new();
    for document in documents {
        let (doc_type, issuer, elements) =
            verify_document(backend, trust, document, exp, &transcript, now)?;
        if identity.is_none() {
            identity = Some(identity::identity(issuer, &doc_type, elements));
        }
        doc_types.push(doc_type);
    }
    let identity = identity.ok_or_else(|| err(ErrorCode::MdocDocumentsMissing, "no document"))?;
    Ok(VerifiedMdoc {
        identity,
        doc_types,
    })
}

fn is_version_1(v: &str) -> bool {
    v.strip_prefix("1.")
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
}

/// x5chain intermediates are admitted: the path validation checks each
/// one's signature, validity, CA bit and constraints up to an IACA.
struct ChainIntermediates;

impl IntermediatePolicy for ChainIntermediates {
    fn admit(&self, _: &Certificate, _: &Certificate) -> Result<()> {
        Ok(())
    }
}

fn cose_error(fault: CoseFault, code: ErrorCode) -> Error {
    match fault {
        CoseFault::Malformed(reason) => Error::new(code, reason),
        CoseFault::Cbor(e) => e,
    }
}

/// The ECDSA algorithm a COSE `alg` names with the curve it requires
/// (ES256 P-256, ES384 P-384, ES512 P-521), or Ed25519 for EdDSA.
fn signature_algorithm(alg: i64) -> Option<Algorithm> {
    let (curve, hash) = match alg {
        cose::alg::ES256 => (Curve::P256, HashAlg::Sha256),
        cose::alg::ES384 => (Curve::P384, HashAlg::Sha384),
        cose::alg::ES512 => (Curve::P521, HashAlg::Sha512),
        cose::alg::EDDSA => return Some(Algorithm::Ed25519),
        _ => return None,
    };
    Some(Algorithm::Ecdsa {
        curve,
        hash,
        encoding: EcdsaEncoding::Raw,
    })
}

/// Whether `key` suits `alg` (the curve of ECDSA, an Ed25519 key for EdDSA).
fn key_fits(key: &PublicKey, alg: Algorithm) -> bool {
    match alg {
        Algorithm::Ecdsa { curve, .. } => key.ec_point().is_some_and(|(c, _)| c == curve),
        Algorithm::Ed25519 => key.ed25519_point().is_some(),
        _ => false,
    }
}

/// An `alg` in the caller's allow-list that this verifier knows.
fn allowed_alg(label: &Label, allowed: &[i64]) -> Option<i64> {
    match label {
        Label::Int(a) if allowed.contains(a) && signature_algorithm(*a).is_some() => Some(*a),
        _ => None,
    }
}

/// A key that signs issuerAuth or deviceSignature: one the backend
/// verifies, or (only with [`Expectations::brainpool`]) one on
/// brainpoolP256r1 or brainpoolP384r1, verified by
/// [`crypto::verify_ecdsa_brainpool`] from its SPKI.
#[derive(Clone, Debug)]
enum SignerKey {
    Backend(PublicKey),
    Brainpool {
        curve: BrainpoolCurve,
        spki: Vec<u8>,
    },
}

impl SignerKey {
    /// A key from SPKI DER; brainpool keys only when `brainpool` is on, and
    /// only with a named curve (not the explicit parameters ICAO tolerates).
    fn from_spki(spki: &[u8], brainpool: bool) -> Option<SignerKey> {
        if let Ok(key) = PublicKey::from_spki_der(spki) {
            return Some(SignerKey::Backend(key));
        }
        if !brainpool || !(spki.starts_with(&BP256_SPKI) || spki.starts_with(&BP384_SPKI)) {
            return None;
        }
        match crypto::brainpool_key(spki) {
            Some(Ok(key)) => Some(SignerKey::Brainpool {
                curve: key.curve,
                spki: spki.to_vec(),
            }),
            _ => None,
        }
    }
}

/// Why a COSE signature was refused after its `alg` passed the allow-list.
enum SignatureFault {
    /// `alg` does not suit the key.
    KeyMismatch,
    /// The signature does not verify.
    Invalid,
}

/// The raw `r‖s` of a COSE ECDSA signature as a DER `ECDSA-Sig-Value`:
/// `None` when it is not twice `field_len` bytes.
fn raw_to_der(raw: &[u8], field_len: usize) -> Option<Vec<u8>> {
    if raw.len() != 2 * field_len {
        return None;
    }
    let (r, s) = raw.split_at(field_len);
    let mut body = Vec::with_capacity(raw.len() + 6);
    for half in [r, s] {
        let start = half.iter().position(|b| *b != 0).unwrap_or(half.len());
        let digits = half.get(start..)?;
        let pad = digits.first().is_none_or(|b| *b >= 0x80);
        body.push(0x02);
        body.push(u8::try_from(digits.len() + usize::from(pad)).ok()?);
        if pad {
            body.push(0);
        }
        body.extend_from_slice(digits);
    }
    let mut der = vec![0x30, u8::try_from(body.len()).ok()?];
    der.extend_from_slice(&body);
    Some(der)
}

/// Verifies a COSE ECDSA or EdDSA signature (raw `r‖s`) by `key` with an
/// allowed `alg` over `message`. Brainpool keys take ES256 on
/// brainpoolP256r1 and ES384 on brainpoolP384r1 (18013-5 §9.1.5.2).
fn verify_cose_signature(
    backend: &dyn Backend,
    alg: i64,
    key: &SignerKey,
    message: &[u8],
    signature: &[u8],
) -> core::result::Result<(), SignatureFault> {
    match key {
        SignerKey::Backend(key) => {
            let alg = signature_algorithm(alg)
                .filter(|a| key_fits(key, *a))
                .ok_or(SignatureFault::KeyMismatch)?;
            crypto::verify_with_key(backend, AllowList::all(), alg, key, message, signature)
                .map_err(|_| SignatureFault::Invalid)
        }
        SignerKey::Brainpool { curve, spki } => {
            let (wanted, hash) = match alg {
                cose::alg::ES256 => (BrainpoolCurve::P256r1, HashAlg::Sha256),
                cose::alg::ES384 => (BrainpoolCurve::P384r1, HashAlg::Sha384),
                _ => return Err(SignatureFault::KeyMismatch),
            };
            if wanted != *curve {
                return Err(SignatureFault::KeyMismatch);
            }
            let der = raw_to_der(signature, curve.field_len()).ok_or(SignatureFault::Invalid)?;
            crypto::verify_ecdsa_brainpool(spki, hash, message, &der)
                .map(|_| ())
                .map_err(|_| SignatureFault::Invalid)
        }
    }
}

/// The embedded item of a `#6.24(bstr)`: `None` when the shape is wrong,
/// `Some(Err)` when its CBOR is.
fn embedded<'a>(item: Item<'_, 'a>, limits: &Limits) -> Option<Result<Document<'a>>> {
    let (tag, content) = item.as_tag()?;
    if tag != 24 {
        return None;
    }
    let bytes = content.as_bytes()?;
    Some(Document::parse(bytes, limits))
}

fn tdate(item: Option<Item<'_, '_>>) -> Option<UnixTime> {
    let (tag, content) = item?.as_tag()?;
    if tag != 0 {
        return None;
    }
    UnixTime::parse_rfc3339(content.as_text()?).ok()
}

/// The MSO's fields.
struct Mso<'d, 'a> {
    digest_algorithm: &'a str,
    value_digests: Item<'d, 'a>,
    device_key: SignerKey,
    auth_namespaces: Vec<&'a str>,
    auth_elements: Vec<(&'a str, Vec<&'a str>)>,
    doc_type: &'a str,
    signed: UnixTime,
    valid_from: UnixTime,
    valid_until: UnixTime,
}

fn ec2_spki(curve: Curve, x: &[u8], y: &[u8]) -> Vec<u8> {
    let prefix: &[u8] = match curve {
        Curve::P256 => &[
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
            0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
        ],
        Curve::P384 => &[
            0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
            0x05, 0x2b, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00,
        ],
        _ => &[
            0x30, 0x81, 0x9b, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
            0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23, 0x03, 0x81, 0x86, 0x00,
        ],
    };
    let mut out = prefix.to_vec();
    out.push(0x04);
    out.extend_from_slice(x);
    out.extend_from_slice(y);
    out
}

/// SPKI DER prefixes (up to the uncompressed point's `04`) for the
/// brainpool curves of a COSE_Key: id-ecPublicKey with the named curve.
const BP256_SPKI: [u8; 26] = [
    0x30, 0x5a, 0x30, 0x14, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x09, 0x2b,
    0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07, 0x03, 0x42,
];
const BP384_SPKI: [u8; 26] = [
    0x30, 0x7a, 0x30, 0x14, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x09, 0x2b,
    0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0b, 0x03, 0x62,
];

/// A COSE_Key of kty EC2 on P-256, P-384 or P-521 (crv 1, 2, 3), or, with
/// `brainpool`, on brainpoolP256r1 or brainpoolP384r1 (crv 256, 258): x
/// and y of the field size, the point on the curve.
fn device_key(key: Item<'_, '_>, brainpool: bool) -> Option<SignerKey> {
    if key.get_int_key(1)?.as_i64()? != 2 {
        return None;
    }
    let crv = key.get_int_key(-1)?.as_i64()?;
    let x = key.get_int_key(-2)?.as_bytes()?;
    let y = key.get_int_key(-3)?.as_bytes()?;
    let bp = match crv {
        256 if brainpool => Some((BrainpoolCurve::P256r1, &BP256_SPKI)),
        258 if brainpool => Some((BrainpoolCurve::P384r1, &BP384_SPKI)),
        _ => None,
    };
    if let Some((curve, prefix)) = bp {
        if x.len() != curve.field_len() || y.len() != curve.field_len() {
            return None;
        }
        let mut spki = prefix.to_vec();
        spki.extend_from_slice(&[0x00, 0x04]);
        spki.extend_from_slice(x);
        spki.extend_from_slice(y);
        let key = crypto::brainpool_key(&spki)?.ok()?;
        return Some(SignerKey::Brainpool {
            curve: key.curve,
            spki,
        });
    }
    let curve = match crv {
        1 => Curve::P256,
        2 => Curve::P384,
        3 => Curve::P521,
        _ => return None,
    };
    if x.len() != curve.field_len() || y.len() != curve.field_len() {
        return None;
    }
    PublicKey::from_spki_der(&ec2_spki(curve, x, y))
        .ok()
        .map(SignerKey::Backend)
}

fn text_list<'a>(item: Item<'_, 'a>) -> Option<Vec<&'a str>> {
    item.array()?.iter().map(|i| i.as_text()).collect()
}

fn read_mso<'d, 'a>(mso: Item<'d, 'a>, brainpool: bool) -> Option<Mso<'d, 'a>> {
    if !mso.is_map() || !is_version_1(mso.get_text_key("version")?.as_text()?) {
        return None;
    }
    let digest_algorithm = mso.get_text_key("digestAlgorithm")?.as_text()?;
    let value_digests = mso.get_text_key("valueDigests")?;
    if !value_digests.is_map() {
        return None;
    }
    for (ns, digests) in value_digests.entries() {
        ns.as_text()?;
        if !digests.is_map() {
            return None;
        }
        for (id, d) in digests.entries() {
            id.as_uint()?;
            d.as_bytes()?;
        }
    }
    let info = mso.get_text_key("deviceKeyInfo")?;
    if !info.is_map() {
        return None;
    }
    let device_key = device_key(info.get_text_key("deviceKey")?, brainpool)?;
    let mut auth_namespaces = Vec::new();
    let mut auth_elements = Vec::new();
    if let Some(auth) = info.get_text_key("keyAuthorizations") {
        if !auth.is_map() {
            return None;
        }
        if let Some(ns) = auth.get_text_key("nameSpaces") {
            auth_namespaces = text_list(ns)?;
        }
        if let Some(el) = auth.get_text_key("dataElements") {
            if !el.is_map() {
                return None;
            }
            for (ns, ids) in el.entries() {
                auth_elements.push((ns.as_text()?, text_list(ids)?));
            }
        }
    }
    let doc_type = mso.get_text_key("docType")?.as_text()?;
    let validity = mso.get_text_key("validityInfo")?;
    if !validity.is_map() {
        return None;
    }
    let signed = tdate(validity.get_text_key("signed"))?;
    let valid_from = tdate(validity.get_text_key("validFrom"))?;
    let valid_until = tdate(validity.get_text_key("validUntil"))?;
    Some(Mso {
        digest_algorithm,
        value_digests,
        device_key,
        auth_namespaces,
        auth_elements,
        doc_type,
        signed,
        valid_from,
        valid_until,
    })
}

fn digest_alg(name: &str) -> Option<HashAlg> {
    match name {
        "SHA-256" => Some(HashAlg::Sha256),
        "SHA-384" => Some(HashAlg::Sha384),
        "SHA-512" => Some(HashAlg::Sha512),
        _ => None,
    }
}

/// The certificates of step 5; returns the DS.
fn check_certificates(
    backend: &dyn Backend,
    trust: &MdocTrust,
    x5chain: &[&[u8]],
    exp: &Expectations,
    now: UnixTime,
) -> Result<Certificate> {
    if x5chain.len() > exp.limits.max_chain_len() {
        return Err(Error::new(
            ErrorCode::X509ChainUntrusted,
            "x5chain is longer than the chain limit",
        ));
    }
    let certs = x5chain
        .iter()
        .map(|der| Certificate::from_der(der))
        .collect::<Result<Vec<_>>>()?;
    let (ds, intermediates) = certs.split_first().ok_or_else(|| {
        err(
            ErrorCode::MdocIssuerAuthMalformed,
            "x5chain holds no certificate",
        )
    })?;
    let inter_der: Vec<Vec<u8>> = intermediates.iter().map(|c| c.der.clone()).collect();
    // The path first, at a time within the DS's validity when now is within
    // the skew of it (the dates are checked below, with the skew).
    let at = if now < ds.not_before {
        ds.not_before
    } else if now > ds.not_after {
        ds.not_after
    } else {
        now
    };
    // An IACA on brainpool (only with the policy on, and only directly over
    // the DS): the x509 one-hop check, webpki's rules with brainpool.
    let brainpool_iaca = exp.brainpool
        && intermediates.is_empty()
        && trust.anchors.iter().any(|a| {
            a.cert.subject_der == ds.issuer_der
                && a.key().is_none()
                && matches!(
                    SignerKey::from_spki(&a.cert.spki_der, true),
                    Some(SignerKey::Brainpool { .. })
                )
        });
    if brainpool_iaca {
        onehop::issuing_anchor(
            backend,
            ds,
            &trust.anchors,
            exp.limits.max_signature_checks(),
        )?;
    } else {
        path::verify_path(
            backend,
            ds,
            &inter_der,
            &trust.anchors,
            at,
            Usage::Any,
            Quirks::default(),
            &ChainIntermediates,
        )?;
    }
    let skew = exp.clock_skew_seconds.max(0);
    for c in &certs {
        if now < c.not_before.saturating_add_secs(-skew) {
            return Err(err(
                ErrorCode::X509CertNotYetValid,
                "a certificate of the path is not valid yet",
            ));
        }
        if now > c.not_after.saturating_add_secs(skew) {
            return Err(err(
                ErrorCode::X509CertExpired,
                "a certificate of the path has expired",
            ));
        }
    }
    if ds.key_usage.is_some_and(|k| k & ku::DIGITAL_SIGNATURE == 0) {
        return Err(err(
            ErrorCode::X509PurposeMissing,
            "the document signer's key usage lacks digitalSignature",
        ));
    }
    certs.into_iter().next().ok_or_else(|| {
        err(
            ErrorCode::MdocIssuerAuthMalformed,
            "x5chain holds no certificate",
        )
    })
}

type DocumentOutcome<'a> = (String, Option<String>, Vec<Element<'a>>);

fn verify_document<'a>(
    backend: &dyn Backend,
    trust: &MdocTrust,
    document: Item<'_, 'a>,
    exp: &Expectations,
    transcript: &[u8],
    now: UnixTime,
) -> Result<DocumentOutcome<'a>> {
    let limits = &exp.limits;
    // 3. the Document
    let malformed = || {
        err(
            ErrorCode::MdocDocumentMalformed,
            "the Document lacks docType, issuerSigned or deviceSigned",
        )
    };
    if !document.is_map() {
        return Err(malformed());
    }
    let doc_type = document
        .get_text_key("docType")
        .and_then(|d| d.as_text())
        .ok_or_else(malformed)?;
    let issuer_signed = document
        .get_text_key("issuerSigned")
        .filter(Item::is_map)
        .ok_or_else(malformed)?;
    let device_signed = document
        .get_text_key("deviceSigned")
        .filter(Item::is_map)
        .ok_or_else(malformed)?;
    if doc_type != exp.doc_type {
        let shown: String = doc_type.chars().take(100).collect();
        return Err(Error::with_detail(
            ErrorCode::MdocDoctypeMismatch,
            format!(
                "the Document's docType {shown:?} is not the requested {:?}",
                exp.doc_type
            ),
        ));
    }
    // 4. issuerAuth
    let auth_malformed = |r| err(ErrorCode::MdocIssuerAuthMalformed, r);
    let issuer_auth = issuer_signed
        .get_text_key("issuerAuth")
        .ok_or_else(|| auth_malformed("no issuerAuth"))?;
    let sign1 = CoseMessage::sign1(issuer_auth, limits)
        .map_err(|f| cose_error(f, ErrorCode::MdocIssuerAuthMalformed))?;
    let payload = sign1
        .payload()
        .ok_or_else(|| auth_malformed("the issuerAuth payload is null"))?;
    let x5chain = sign1
        .x5chain()
        .ok_or_else(|| auth_malformed("issuerAuth has no x5chain"))?;
    let alg = allowed_alg(sign1.alg(), &exp.issuer_auth_algs).ok_or_else(|| {
        err(
            ErrorCode::MdocIssuerAlgorithmForbidden,
            "the issuerAuth alg is not in the allow-list",
        )
    })?;
    // 5. the certificates
    let ds = check_certificates(backend, trust, x5chain, exp, now)?;
    // 6. the signature
    let key_mismatch = || {
        err(
            ErrorCode::MdocIssuerKeyMismatch,
            "the issuerAuth alg does not suit the document signer's key",
        )
    };
    let ds_key = SignerKey::from_spki(&ds.spki_der, exp.brainpool).ok_or_else(key_mismatch)?;
    verify_cose_signature(
        backend,
        alg,
        &ds_key,
        &cose::sig_structure(sign1.protected(), &[], payload),
        sign1.signature(),
    )
    .map_err(|f| match f {
        SignatureFault::KeyMismatch => key_mismatch(),
        SignatureFault::Invalid => err(
            ErrorCode::MdocIssuerSignatureInvalid,
            "the issuerAuth signature does not verify",
        ),
    })?;
    // 7. the MSO
    let mso_malformed = || {
        err(
            ErrorCode::MdocMsoMalformed,
            "the MobileSecurityObject is malformed",
        )
    };
    let outer = Document::parse(payload, limits)?;
    let inner = embedded(outer.root(), limits).ok_or_else(mso_malformed)??;
    let mso = read_mso(inner.root(), exp.brainpool).ok_or_else(mso_malformed)?;
    let hash = digest_alg(mso.digest_algorithm)
        .filter(|h| exp.digest_algs.contains(h))
        .ok_or_else(|| {
            err(
                ErrorCode::MdocDigestAlgorithmUnsupported,
                "the MSO digestAlgorithm is not accepted",
            )
        })?;
    // 8. the issuer-signed items
    let elements = check_items(issuer_signed, &mso, hash, limits)?;
    // 9. the MSO docType
    if mso.doc_type != doc_type {
        return Err(err(
            ErrorCode::MdocMsoDoctypeMismatch,
            "the MSO's docType is not the Document's",
        ));
    }
    // 10. validityInfo
    if mso.signed < ds.not_before || mso.signed > ds.not_after {
        return Err(err(
            ErrorCode::MdocValidityInvalid,
            "the MSO was signed outside the DS certificate's validity",
        ));
    }
    let skew = exp.clock_skew_seconds.max(0);
    if mso.valid_from > now.saturating_add_secs(skew) {
        return Err(err(
            ErrorCode::MdocValidityNotYetValid,
            "the MSO's validFrom is after now",
        ));
    }
    if mso.valid_until < now.saturating_add_secs(-skew) {
        return Err(err(
            ErrorCode::MdocValidityExpired,
            "the MSO's validUntil is before now",
        ));
    }
    // 11. deviceSigned
    device::check(backend, device_signed, &mso, doc_type, exp, transcript)?;
    let issuer = identity::rfc4514(&ds.subject_der);
    Ok((doc_type.to_string(), issuer, elements))
}

fn check_items<'a>(
    issuer_signed: Item<'_, 'a>,
    mso: &Mso<'_, '_>,
    hash: HashAlg,
    limits: &Limits,
) -> Result<Vec<Element<'a>>> {
    let bad = |r| err(ErrorCode::MdocIssuerSignedMalformed, r);
    let mut elements = Vec::new();
    let Some(namespaces) = issuer_signed.get_text_key("nameSpaces") else {
        return Ok(elements);
    };
    if !namespaces.is_map() {
        return Err(bad("issuerSigned nameSpaces is not a map"));
    }
    for (ns, items) in namespaces.entries() {
        let ns = ns
            .as_text()
            .ok_or_else(|| bad("a namespace is not a tstr"))?;
        let items = items
            .array()
            .filter(|a| !a.is_empty())
            .ok_or_else(|| bad("a namespace holds no array of items"))?;
        // The namespace's digests by digestID, and what was seen: lookups in
        // O(log n), so the work stays proportional to the input.
        let digests: BTreeMap<u64, &[u8]> = mso
            .value_digests
            .get_text_key(ns)
            .map(|d| {
                d.entries()
                    .filter_map(|(k, v)| Some((k.as_uint()?, v.as_bytes()?)))
                    .collect()
            })
            .unwrap_or_default();
        let mut seen_ids: BTreeSet<u64> = BTreeSet::new();
        let mut seen_names: BTreeSet<&str> = BTreeSet::new();
        for tagged in items {
            let doc = embedded(tagged, limits)
                .ok_or_else(|| bad("an IssuerSignedItemBytes is not #6.24(bstr)"))??;
            let item = doc.root();
            let shape = item.kind() == Kind::Map(4);
            let digest_id = item.get_text_key("digestID").and_then(|i| i.as_uint());
            let random = item.get_text_key("random").and_then(|i| i.as_bytes());
            let name = item
                .get_text_key("elementIdentifier")
                .and_then(|i| i.as_text());
            let value = item.get_text_key("elementValue");
            let (true, Some(digest_id), Some(_), Some(name), Some(value)) =
                (shape, digest_id, random, name, value)
            else {
                return Err(bad("an IssuerSignedItem is not exactly digestID, random, elementIdentifier and elementValue"));
            };
            if !seen_ids.insert(digest_id) || !seen_names.insert(name) {
                return Err(err(
                    ErrorCode::MdocElementDuplicate,
                    "an elementIdentifier or digestID twice in one namespace",
                ));
            }
            let expected = digests.get(&digest_id).ok_or_else(|| {
                err(
                    ErrorCode::MdocDigestUnknown,
                    "no MSO digest for the item's namespace and digestID",
                )
            })?;
            if hash.digest(tagged.raw()) != *expected {
                return Err(err(
                    ErrorCode::MdocDigestMismatch,
                    "an IssuerSignedItem's digest is not the MSO's",
                ));
            }
            elements.push(Element::new(ns, name, value));
        }
    }
    Ok(elements)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn spki_of(cert: &[u8]) -> Vec<u8> {
        Certificate::from_der(cert).unwrap().spki_der
    }

    #[test]
    fn brainpool_signer_keys_need_the_policy_and_a_named_curve() {
        let named = spki_of(include_bytes!("../../test-vectors/icao/ds-bp256.der"));
        assert!(SignerKey::from_spki(&named, false).is_none());
        assert!(matches!(
            SignerKey::from_spki(&named, true),
            Some(SignerKey::Brainpool {
                curve: BrainpoolCurve::P256r1,
                ..
            })
        ));
        // Explicit ECParameters equal to brainpoolP384r1: ICAO takes them, mdoc does not.
        let explicit = spki_of(include_bytes!(
            "../../test-vectors/icao/ds-bp384-explicit.der"
        ));
        assert!(crypto::brainpool_key(&explicit).is_some_and(|k| k.is_ok()));
        assert!(SignerKey::from_spki(&explicit, true).is_none());
        let p256 = spki_of(include_bytes!("../../test-vectors/icao/ds-p256.der"));
        assert!(matches!(
            SignerKey::from_spki(&p256, false),
            Some(SignerKey::Backend(_))
        ));
    }

    #[test]
    fn raw_signatures_become_strict_der() {
        let mut raw = [0u8; 64];
        raw[31] = 1; // r = 1
        raw[32] = 0x80; // s with its high bit set
        let der = raw_to_der(&raw, 32).unwrap();
        assert_eq!(&der[..5], &[0x30, 0x26, 0x02, 0x01, 0x01]);
        assert_eq!(&der[5..8], &[0x02, 0x21, 0x00]);
        assert_eq!(der.len(), 2 + 3 + 2 + 33);
        // A zero half stays a (refused later) zero INTEGER, never empty.
        let der = raw_to_der(&[0u8; 64], 32).unwrap();
        assert_eq!(der, [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]);
        assert!(raw_to_der(&raw[..63], 32).is_none());
    }
}
