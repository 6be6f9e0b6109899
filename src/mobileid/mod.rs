//! Mobile-ID (SK ID Solutions' REST API): the authentication session-status
//! response, checked against the hash the relying party generated.
//!
//! The relying party makes a random hash ([`AuthenticationHash::generate`]),
//! shows its four-digit [`verification_code`] to the user, starts the
//! session with it, then polls `GET /authentication/session/{id}` until the
//! answer is final. [`verify_session_status`] checks that answer, in the
//! order of `../shared/VECTORS.md`, kind `mobile-id`:
//!
//! | check | spec | code |
//! |---|---|---|
//! | `state` is `COMPLETE` | MID REST API, session status | `mobileid.session.not_complete` |
//! | `result` is `OK` (compared ignoring case, as SK's client does) | idem | `mobileid.result.not_ok` |
//! | the RP's hash has the length of its hash type | idem, authentication request | `mobileid.hash.invalid` |
//! | `cert` and `signature.value` strict base64, the certificate DER | RFC 4648 §4, RFC 5280 | `mobileid.response.malformed` |
//! | the certificate valid at `now` | RFC 5280 §4.1.2.5 | `x509.cert.expired`, `x509.cert.not_yet_valid` |
//! | issued directly by a configured CA | RFC 5280 §6 | `x509.chain.untrusted` |
//! | the signature over the RP's own hash: EC raw `r‖s` (twice the field size), ECDSA over the prehash (a longer hash truncated, FIPS 186-5 §6.4.1); RSA PKCS#1 v1.5 with the DigestInfo of the hash type (RFC 8017 §8.2.2) | MID REST API, signature | `mobileid.signature.invalid` |
//!
//! The response never chooses what is verified: `signature.algorithm` is
//! ignored, and the signature is checked over the hash the caller passes,
//! never over one the response names.
//!
//! ```
//! use idbridge::mobileid::{self, AuthenticationHash, MobileIdTrust};
//! use idbridge::crypto::HashAlg;
//! # let ca = include_bytes!("../../test-vectors/conformance/mobile-id/upstream/TEST_of_ESTEID-SK_2015.pem.crt");
//! # let body = include_bytes!("../../test-vectors/conformance/mobile-id/upstream/valid1.json");
//! # let hash = "XN1Ej7bys/MlbZlDBN3GoRFv6JOJbm8/mLwulZlZQBIF/TYVsHDJiOCGx2yVaxiXbbrNmRQJcgR0AhZtTfFigQ==";
//! let trust = MobileIdTrust::new().with_certificate(ca)?;
//! // The hash this RP generated and sent when it started the session:
//! let sent = AuthenticationHash::from_base64(HashAlg::Sha512, hash)?;
//! let now = idbridge::UnixTime::parse_rfc3339("2025-09-01T10:00:00Z")?;
//! let verified = mobileid::verify_session_status(&trust, body, &sent, now)?;
//! assert_eq!(verified.identity().subject_id(), Some("PNOEE-60001019906"));
//! # Ok::<(), idbridge::Error>(())
//! ```

use base64::Engine as _;
use serde_json::Value;

use crate::crypto::{self, HashAlg, PublicKey};
use crate::error::{Error, ErrorCode, Result};
use crate::identity::{System, VerifiedIdentity};
use crate::limits::Limits;
use crate::time::UnixTime;
use crate::x509::cert::Certificate;
use crate::x509::name::person_name;
use crate::x509::path::{self, Anchor, NoIntermediates, Usage};
use crate::x509::Quirks;

/// The CA certificates that may issue users' Mobile-ID certificates
/// directly (SK's `ESTEID-SK 2015` and its successors; test CAs in tests).
#[derive(Clone, Debug, Default)]
pub struct MobileIdTrust {
    anchors: Vec<Anchor>,
}

impl MobileIdTrust {
    /// No CA yet.
    pub fn new() -> MobileIdTrust {
        MobileIdTrust::default()
    }

    /// Adds a CA certificate (DER, or PEM: every certificate of a bundle;
    /// `x509.cert.malformed` otherwise).
    pub fn with_certificate(mut self, cert: &[u8]) -> Result<MobileIdTrust> {
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

impl AsRef<MobileIdTrust> for MobileIdTrust {
    fn as_ref(&self) -> &MobileIdTrust {
        self
    }
}

/// The hash the relying party sent with its authentication request: the
/// only thing a response's signature is checked over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthenticationHash {
    alg: HashAlg,
    digest: Vec<u8>,
}

impl AuthenticationHash {
    /// A fresh random hash of `alg`'s length (what the RP sends as `hash`,
    /// base64, with `hashType`). Native builds only: the browser does not
    /// start Mobile-ID sessions.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn generate(alg: HashAlg) -> Result<AuthenticationHash> {
        use rand_core::RngCore as _;
        let mut digest = vec![0u8; alg.output_len()];
        rand_core::OsRng.try_fill_bytes(&mut digest).map_err(|_| {
            Error::new(
                ErrorCode::ConfigInvalid,
                "the system's random source failed",
            )
        })?;
        Ok(AuthenticationHash { alg, digest })
    }

    /// The hash as sent: `digest` must be `alg`'s length
    /// (`mobileid.hash.invalid`).
    pub fn new(alg: HashAlg, digest: &[u8]) -> Result<AuthenticationHash> {
        if digest.len() != alg.output_len() {
            let fits = [HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512]
                .into_iter()
                .find(|a| a.output_len() == digest.len())
                .map_or_else(
                    || "no hash type fits it (SHA256: 32 bytes, SHA384: 48, SHA512: 64)".into(),
                    |a| format!("{} bytes fits hashType {}", digest.len(), hash_type_name(a)),
                );
            return Err(Error::with_detail(
                ErrorCode::MobileidHashInvalid,
                format!(
                    "the hash is {} bytes, not the {} of hashType {}; {fits}",
                    digest.len(),
                    alg.output_len(),
                    hash_type_name(alg),
                ),
            ));
        }
        Ok(AuthenticationHash {
            alg,
            digest: digest.to_vec(),
        })
    }

    /// The hash as sent, in base64 (`mobileid.hash.invalid` when it is not
    /// strict base64 or not `alg`'s length).
    pub fn from_base64(alg: HashAlg, b64: &str) -> Result<AuthenticationHash> {
        let digest = strict_b64(b64)
            .ok_or_else(|| Error::new(ErrorCode::MobileidHashInvalid, "the hash is not base64"))?;
        AuthenticationHash::new(alg, &digest)
    }

    /// The hash type.
    pub fn alg(&self) -> HashAlg {
        self.alg
    }

    /// The hash bytes.
    pub fn digest(&self) -> &[u8] {
        &self.digest
    }

    /// The API's `hashType` name: `SHA256`, `SHA384` or `SHA512`.
    pub fn hash_type(&self) -> &'static str {
        hash_type_name(self.alg)
    }

    /// The hash in base64, as the request's `hash` member.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.digest)
    }

    /// The four digits to show the user ([`verification_code`]).
    pub fn verification_code(&self) -> String {
        verification_code(&self.digest)
    }
}

/// The API's name of a hash type.
pub fn hash_type_name(alg: HashAlg) -> &'static str {
    match alg {
        HashAlg::Sha256 => "SHA256",
        HashAlg::Sha384 => "SHA384",
        HashAlg::Sha512 => "SHA512",
    }
}

/// The hash type the API calls `name` (`SHA256`, `SHA384`, `SHA512`).
pub fn hash_type_from_name(name: &str) -> Option<HashAlg> {
    match name {
        "SHA256" => Some(HashAlg::Sha256),
        "SHA384" => Some(HashAlg::Sha384),
        "SHA512" => Some(HashAlg::Sha512),
        _ => None,
    }
}

/// Mobile-ID's verification code: six bits of the hash's first byte and
/// seven of its last, `((0xFC & h[0]) << 5) | (h[last] & 0x7F)`, as four
/// zero-padded decimal digits; a hash shorter than 20 bytes gives `0000`,
/// as SK's client computes it (mid-rest-java-client,
/// `VerificationCodeCalculator`).
pub fn verification_code(hash: &[u8]) -> String {
    const MIN_HASH_LEN: usize = 20;
    let (Some(first), Some(last)) = (hash.first(), hash.last()) else {
        return "0000".to_owned();
    };
    if hash.len() < MIN_HASH_LEN {
        return "0000".to_owned();
    }
    format!(
        "{:04}",
        ((0xFC & u32::from(*first)) << 5) | (u32::from(*last) & 0x7F)
    )
}

/// A verified Mobile-ID authentication: the user's certificate and the
/// identity it states.
#[derive(Debug)]
pub struct VerifiedAuthentication {
    identity: VerifiedIdentity,
    certificate_der: Vec<u8>,
    document_hash: AuthenticationHash,
    key: PublicKey,
}

impl VerifiedAuthentication {
    /// The person.
    pub fn identity(&self) -> &VerifiedIdentity {
        &self.identity
    }

    /// The person, by value.
    pub fn into_identity(self) -> VerifiedIdentity {
        self.identity
    }

    /// The verified authentication certificate (DER).
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// The hash the signature was checked over.
    pub fn signed_hash(&self) -> &AuthenticationHash {
        &self.document_hash
    }

    /// The certificate's public key (EC or RSA), which made the signature.
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }
}

fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::MobileidResponseMalformed, reason)
}

fn text(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
}

/// RFC 4648 §4 base64, padded, canonical.
fn strict_b64(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

/// [`verify_session_status_with`] on the default backend and limits.
pub fn verify_session_status(
    trust: &impl AsRef<MobileIdTrust>,
    response: &[u8],
    sent: &AuthenticationHash,
    now: UnixTime,
) -> Result<VerifiedAuthentication> {
    verify_session_status_with(
        crypto::default_backend(),
        trust,
        response,
        sent,
        now,
        &Limits::default(),
    )
}

/// Checks a session-status response (the JSON body, as received) against
/// the hash this relying party sent, at `now`, in the order of the module
/// documentation. The body is bounded by `Limits::max_input_bytes`
/// (`input.too_large`) and must be strict JSON (`input.json`).
pub fn verify_session_status_with(
    backend: &dyn crypto::Backend,
    trust: &impl AsRef<MobileIdTrust>,
    response: &[u8],
    sent: &AuthenticationHash,
    now: UnixTime,
    limits: &Limits,
) -> Result<VerifiedAuthentication> {
    verify(
        backend,
        trust.as_ref(),
        response,
        sent.alg,
        || Ok(sent.digest.clone()),
        now,
        limits,
    )
}

/// As [`verify_session_status_with`], the hash given as the base64 text
/// that was sent (`signed_hash`) and its type: the hash is decoded and its
/// length checked at its place in the check order (after `state` and
/// `result`), as the vector contract's `mobile-id` kind requires.
pub fn verify_session_status_base64(
    backend: &dyn crypto::Backend,
    trust: &impl AsRef<MobileIdTrust>,
    response: &[u8],
    hash_type: HashAlg,
    signed_hash: &str,
    now: UnixTime,
    limits: &Limits,
) -> Result<VerifiedAuthentication> {
    verify(
        backend,
        trust.as_ref(),
        response,
        hash_type,
        || AuthenticationHash::from_base64(hash_type, signed_hash).map(|h| h.digest),
        now,
        limits,
    )
}

fn verify(
    backend: &dyn crypto::Backend,
    trust: &MobileIdTrust,
    response: &[u8],
    alg: HashAlg,
    sent: impl FnOnce() -> Result<Vec<u8>>,
    now: UnixTime,
    limits: &Limits,
) -> Result<VerifiedAuthentication> {
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
    let Value::Object(body) = body else {
        return Err(malformed("the session status is not a JSON object"));
    };
    // State and result.
    if text(body.get("state")) != Some("COMPLETE") {
        return Err(Error::with_detail(
            ErrorCode::MobileidSessionNotComplete,
            format!(
                "the session state is {:?}, not COMPLETE",
                text(body.get("state")).unwrap_or("(none)")
            ),
        ));
    }
    match text(body.get("result")) {
        Some(r) if r.eq_ignore_ascii_case("OK") => {}
        other => {
            return Err(Error::with_detail(
                ErrorCode::MobileidResultNotOk,
                format!(
                    "the session result is {:?}, not OK",
                    other.unwrap_or("(none)")
                ),
            ))
        }
    }
    // The RP's own hash, decoded and checked here, in the contract's order.
    let sent = AuthenticationHash::new(alg, &sent()?)?;
    // Encodings.
    let cert_b64 = text(body.get("cert")).ok_or_else(|| malformed("no cert"))?;
    let sig_b64 = text(body.get("signature").and_then(|s| s.get("value")))
        .ok_or_else(|| malformed("no signature.value"))?;
    let cert_der = strict_b64(cert_b64).ok_or_else(|| malformed("cert is not strict base64"))?;
    let signature =
        strict_b64(sig_b64).ok_or_else(|| malformed("signature.value is not strict base64"))?;
    let cert =
        Certificate::from_der(&cert_der).map_err(|_| malformed("cert is not a DER certificate"))?;
    // The certificate: its dates, then a CA that issued it directly.
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
    // The signature over the RP's hash.
    let key = PublicKey::from_spki_der(&cert.spki_der)?;
    crypto::verify_prehashed(&key, sent.alg, &sent.digest, &signature).map_err(|_| {
        Error::new(
            ErrorCode::MobileidSignatureInvalid,
            "the signature does not verify over the hash this relying party sent",
        )
    })?;
    Ok(VerifiedAuthentication {
        identity: identity(&cert)?,
        certificate_der: cert_der,
        document_hash: sent,
        key,
    })
}

/// The person the certificate names: `subject_id` is the subject's
/// serialNumber, prefixed `PNO<country>-` when it is a bare personal code
/// (ETSI EN 319 412-1 §5.1.3 semantics identifier), given name, surname.
fn identity(cert: &Certificate) -> Result<VerifiedIdentity> {
    let name = person_name(cert)?;
    let mut identity = VerifiedIdentity::new(System::MobileId);
    let serial = name.serial_number;
    let has_semantics = serial.len() > 6
        && serial.get(5..6) == Some("-")
        && serial
            .get(..5)
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_uppercase()));
    identity.subject_id = Some(match (&name.country, has_semantics) {
        (Some(c), false) => format!("PNO{c}-{serial}"),
        _ => serial,
    });
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
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn verification_codes_take_six_and_seven_bits() {
        let mut h = vec![0u8; 20];
        h[0] = 0x2f;
        h[19] = 0xb6;
        assert_eq!(verification_code(&h), "1462");
        h[0] = 0xff;
        h[19] = 0xff;
        assert_eq!(verification_code(&h), "8191");
        assert_eq!(verification_code(&h[..19]), "0000");
        assert_eq!(verification_code(&[]), "0000");
    }

    #[test]
    fn hashes_must_have_their_types_length() {
        assert!(AuthenticationHash::new(HashAlg::Sha256, &[0; 32]).is_ok());
        for (alg, len) in [
            (HashAlg::Sha256, 64),
            (HashAlg::Sha512, 32),
            (HashAlg::Sha384, 0),
        ] {
            assert_eq!(
                AuthenticationHash::new(alg, &vec![0; len])
                    .unwrap_err()
                    .code(),
                "mobileid.hash.invalid"
            );
        }
        assert_eq!(
            AuthenticationHash::from_base64(HashAlg::Sha256, "not base64!")
                .unwrap_err()
                .code(),
            "mobileid.hash.invalid"
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn generated_hashes_are_fresh_and_round_trip() {
        let h = AuthenticationHash::generate(HashAlg::Sha384).unwrap();
        assert_eq!(h.digest().len(), 48);
        assert_eq!(h.hash_type(), "SHA384");
        assert_eq!(
            AuthenticationHash::from_base64(HashAlg::Sha384, &h.to_base64()).unwrap(),
            h
        );
        assert_ne!(AuthenticationHash::generate(HashAlg::Sha384).unwrap(), h);
    }
}
