//! mdoc authentication (ISO/IEC 18013-5 §9.1.3): deviceSignature with the
//! MSO's device key, or deviceMac keyed by ECDH with the reader's key.

use super::{
    allowed_alg, cose_error, embedded, err, verify_cose_signature, DeviceMac, Expectations, Mso,
    SignatureFault, SignerKey,
};
use crate::cbor::{Encoder, Item};
use crate::cose::{self, CoseMessage, Label};
use crate::crypto::{Backend, Curve, HashAlg};
use crate::error::{Error, ErrorCode, Result};
use base64::Engine as _;

/// The reader's private key for deviceMac (the EReaderKey; over OpenID4VP
/// the relying party's response-encryption key): P-256, P-384 or P-521.
#[derive(Clone)]
pub struct ReaderKey(Secret);

#[derive(Clone)]
enum Secret {
    P256(p256::SecretKey),
    P384(p384::SecretKey),
    P521(p521::SecretKey),
}

impl core::fmt::Debug for ReaderKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let curve = match self.0 {
            Secret::P256(_) => "P-256",
            Secret::P384(_) => "P-384",
            Secret::P521(_) => "P-521",
        };
        write!(f, "ReaderKey({curve}, private)")
    }
}

impl ReaderKey {
    /// A PKCS#8 private key, PEM (`-----BEGIN PRIVATE KEY-----`) or DER.
    /// `config.invalid` when it is neither or not on a supported curve.
    pub fn from_pkcs8(bytes: &[u8]) -> Result<ReaderKey> {
        use p256::pkcs8::DecodePrivateKey;
        let bad = || {
            Error::new(
                ErrorCode::ConfigInvalid,
                "the reader key is not a PKCS#8 P-256, P-384 or P-521 key",
            )
        };
        let der = if bytes.starts_with(b"-----BEGIN") {
            let text = core::str::from_utf8(bytes).map_err(|_| bad())?;
            let body: String = text
                .lines()
                .filter(|l| !l.starts_with("-----"))
                .map(str::trim)
                .collect();
            base64::engine::general_purpose::STANDARD
                .decode(body)
                .map_err(|_| bad())?
        } else {
            bytes.to_vec()
        };
        if let Ok(k) = p256::SecretKey::from_pkcs8_der(&der) {
            return Ok(ReaderKey(Secret::P256(k)));
        }
        if let Ok(k) = p384::SecretKey::from_pkcs8_der(&der) {
            return Ok(ReaderKey(Secret::P384(k)));
        }
        if let Ok(k) = p521::SecretKey::from_pkcs8_der(&der) {
            return Ok(ReaderKey(Secret::P521(k)));
        }
        Err(bad())
    }

    /// ECDH with the device key's point: the shared x coordinate, `None`
    /// when the curves differ.
    fn agree(&self, curve: Curve, point: &[u8]) -> Option<Vec<u8>> {
        macro_rules! agree {
            ($c:ident, $k:expr) => {{
                let public = $c::PublicKey::from_sec1_bytes(point).ok()?;
                let shared = $c::ecdh::diffie_hellman($k.to_nonzero_scalar(), public.as_affine());
                Some(shared.raw_secret_bytes().to_vec())
            }};
        }
        match (&self.0, curve) {
            (Secret::P256(k), Curve::P256) => agree!(p256, k),
            (Secret::P384(k), Curve::P384) => agree!(p384, k),
            (Secret::P521(k), Curve::P521) => agree!(p521, k),
            _ => None,
        }
    }
}

/// Step 11: deviceSigned, keyAuthorizations, then the device authentication.
pub(super) fn check(
    backend: &dyn Backend,
    device_signed: Item<'_, '_>,
    mso: &Mso<'_, '_>,
    doc_type: &str,
    exp: &Expectations,
    transcript: &[u8],
) -> Result<()> {
    let limits = &exp.limits;
    let bad = |r| err(ErrorCode::MdocDeviceSignedMalformed, r);
    let ns_bytes = device_signed
        .get_text_key("nameSpaces")
        .ok_or_else(|| bad("deviceSigned has no nameSpaces"))?;
    let ns_doc = embedded(ns_bytes, limits)
        .ok_or_else(|| bad("DeviceNameSpacesBytes is not #6.24(bstr)"))??;
    let namespaces = ns_doc.root();
    if !namespaces.is_map() {
        return Err(bad("DeviceNameSpaces is not a map"));
    }
    for (ns, elements) in namespaces.entries() {
        ns.as_text()
            .ok_or_else(|| bad("a device namespace is not a tstr"))?;
        if !elements.is_map() {
            return Err(bad("a device namespace's elements are not a map"));
        }
        for (id, _) in elements.entries() {
            id.as_text()
                .ok_or_else(|| bad("a device element identifier is not a tstr"))?;
        }
    }
    let auth = device_signed
        .get_text_key("deviceAuth")
        .filter(Item::is_map)
        .ok_or_else(|| bad("deviceSigned has no deviceAuth map"))?;
    let signature = auth.get_text_key("deviceSignature");
    let mac = auth.get_text_key("deviceMac");
    if signature.is_some() == mac.is_some() {
        return Err(bad(
            "deviceAuth holds not exactly one of deviceSignature and deviceMac",
        ));
    }
    for (ns, elements) in namespaces.entries() {
        let ns = ns.as_text().unwrap_or_default();
        let whole = mso.auth_namespaces.contains(&ns);
        let listed = mso
            .auth_elements
            .iter()
            .find(|(n, _)| *n == ns)
            .map(|(_, ids)| ids);
        for (id, _) in elements.entries() {
            let id = id.as_text().unwrap_or_default();
            if !whole && !listed.is_some_and(|ids| ids.contains(&id)) {
                return Err(err(
                    ErrorCode::MdocDeviceSignedUnauthorized,
                    "a device-signed element that keyAuthorizations does not allow",
                ));
            }
        }
    }
    // DeviceAuthenticationBytes = #6.24(bstr .cbor ["DeviceAuthentication",
    // SessionTranscript, docType, DeviceNameSpacesBytes]).
    let mut e = Encoder::new();
    e.array(4)
        .text("DeviceAuthentication")
        .raw(transcript)
        .text(doc_type)
        .raw(ns_bytes.raw());
    let inner = e.finish();
    let mut e = Encoder::new();
    e.tag(24).bytes(&inner);
    let dab = e.finish();
    let malformed = |r| err(ErrorCode::MdocDeviceAuthMalformed, r);
    if let Some(signature) = signature {
        let sign1 = CoseMessage::sign1(signature, limits)
            .map_err(|f| cose_error(f, ErrorCode::MdocDeviceAuthMalformed))?;
        if sign1.payload().is_some() {
            return Err(malformed(
                "the deviceSignature payload is not null (detached)",
            ));
        }
        let alg = allowed_alg(sign1.alg(), &exp.device_auth_algs).ok_or_else(|| {
            err(
                ErrorCode::MdocDeviceAlgorithmForbidden,
                "the deviceSignature alg is not in the allow-list",
            )
        })?;
        return verify_cose_signature(
            backend,
            alg,
            &mso.device_key,
            &cose::sig_structure(sign1.protected(), &[], &dab),
            sign1.signature(),
        )
        .map_err(|f| match f {
            SignatureFault::KeyMismatch => err(
                ErrorCode::MdocDeviceKeyMismatch,
                "the deviceSignature alg does not suit the device key",
            ),
            SignatureFault::Invalid => err(
                ErrorCode::MdocDeviceSignatureInvalid,
                "the deviceSignature does not verify",
            ),
        });
    }
    let Some(mac) = mac else {
        return Err(bad("no device authentication"));
    };
    let DeviceMac::Allowed(reader) = &exp.device_mac else {
        return Err(err(
            ErrorCode::MdocDeviceMacForbidden,
            "deviceMac while only deviceSignature is allowed; to accept deviceMac, give the \
             reader private key that keys it (DeviceMac::Allowed, --reader-key, readerKey)",
        ));
    };
    let mac0 = CoseMessage::mac0(mac, limits)
        .map_err(|f| cose_error(f, ErrorCode::MdocDeviceAuthMalformed))?;
    if mac0.payload().is_some() {
        return Err(malformed("the deviceMac payload is not null (detached)"));
    }
    if mac0.alg() != &Label::Int(cose::alg::HMAC_256_256) {
        return Err(err(
            ErrorCode::MdocDeviceAlgorithmForbidden,
            "the deviceMac alg is not HMAC 256/256",
        ));
    }
    let invalid = || {
        err(
            ErrorCode::MdocDeviceMacInvalid,
            "the deviceMac does not verify",
        )
    };
    // ECDH on brainpool is not offered: such a device key cannot key a MAC here.
    let SignerKey::Backend(device_key) = &mso.device_key else {
        return Err(invalid());
    };
    let (curve, point) = device_key.ec_point().ok_or_else(invalid)?;
    let shared = reader.agree(curve, point).ok_or_else(invalid)?;
    let mut e = Encoder::new();
    e.tag(24).bytes(transcript);
    let salt = HashAlg::Sha256.digest(&e.finish());
    let key = cose::hkdf_sha256_32(&salt, &shared, b"EMacKey");
    if cose::verify_hmac_sha256(
        &key,
        &cose::mac_structure(mac0.protected(), &[], &dab),
        mac0.signature(),
    ) {
        Ok(())
    } else {
        Err(invalid())
    }
}
