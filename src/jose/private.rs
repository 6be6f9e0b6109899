//! Private JWKs (RFC 7517, RFC 7518 §6.2.2 and §6.3.2): a relying party's
//! own keys, to decrypt what is encrypted to it ([`DecryptionKey`]) and,
//! natively, to sign ([`PrivateJwk::signer`]).
//!
//! The checks, each with its code:
//! - the document is a JSON object without duplicate keys, at most
//!   `Limits::max_jose_header_bytes` (`input.too_large`), its members of
//!   the right types, strict base64url (`jwk.malformed`);
//! - `kty` `RSA` or `EC` on P-256/P-384/P-521; `oct`, `OKP` and multi-prime
//!   RSA (`oth`) are refused (`jwk.unsupported`);
//! - RSA: `n`, `e`, `d`, `p`, `q`, `dp`, `dq`, `qi` all present, each without
//!   a leading zero octet (RFC 7518 §6.3: "the minimum number of octets");
//!   `p·q = n`, `d` inverts `e`, and `dp`, `dq`, `qi` are the CRT values of
//!   `p`, `q` and `d` (`jwk.malformed`); the public half passes the policy
//!   of every key idbridge reads (2048 to 8192 bits, `jwk.unsupported`);
//! - EC: `x`, `y` and `d` the full size of the curve (§6.2.1.2, §6.2.2.1),
//!   `d` a valid scalar whose public point is exactly (`x`, `y`)
//!   (`jwk.malformed`).
//!
//! No secret is ever printed: `Debug` shows the key type, `kid` and the
//! RFC 7638 thumbprint of the public half. Decoded secrets are wiped when
//! dropped.

use crate::crypto::Curve;
use crate::error::{Error, ErrorCode, Result};
use crate::json::{self, Json};
use crate::limits::Limits;
use zeroize::Zeroizing;

use super::b64;
use super::jwk::Jwk;

/// The secret half of a private JWK.
#[derive(Clone)]
pub(crate) enum Secret {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::SecretKey),
    P384(p384::SecretKey),
    P521(p521::SecretKey),
}

/// A private JWK, parsed and checked (the module's rules): the secret and
/// its public half as a [`Jwk`].
///
/// ```
/// use idbridge::jose::PrivateJwk;
/// // RFC 7517 Appendix A.2's P-256 private key.
/// let key = PrivateJwk::from_json(br#"{"kty":"EC","crv":"P-256",
///   "x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
///   "y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
///   "d":"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE","use":"enc","kid":"1"}"#)?;
/// assert_eq!(key.kid(), Some("1"));
/// // The public half, to publish (no private member):
/// assert!(!key.public_jwk().to_json().contains("\"d\""));
/// // Debug never shows the secret:
/// assert!(!format!("{key:?}").contains("870MB6"));
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone)]
pub struct PrivateJwk {
    secret: Secret,
    public: Jwk,
}

impl core::fmt::Debug for PrivateJwk {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PrivateJwk")
            .field("kty", &self.public.kty())
            .field("kid", &self.public.kid())
            .field("thumbprint", &self.public.thumbprint())
            .finish_non_exhaustive()
    }
}

fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::JwkMalformed, reason)
}

fn unsupported(reason: &'static str) -> Error {
    Error::new(ErrorCode::JwkUnsupported, reason)
}

fn member<'a>(value: &'a Json, name: &'static str) -> Result<&'a str> {
    match value.get(name) {
        Some(Json::String(s)) => Ok(s),
        Some(_) => Err(Error::with_detail(
            ErrorCode::JwkMalformed,
            format!("the JWK member {name:?} is not a string"),
        )),
        None => Err(Error::with_detail(
            ErrorCode::JwkMalformed,
            format!("the private JWK has no {name:?}"),
        )),
    }
}

/// A Base64urlUInt secret (RFC 7518 §2): strict, non-empty, minimal.
fn uint(value: &Json, name: &'static str) -> Result<Zeroizing<Vec<u8>>> {
    let bytes = Zeroizing::new(
        b64::decode(member(value, name)?)
            .ok_or_else(|| malformed("a JWK member is not strict base64url"))?,
    );
    match bytes.first() {
        None => Err(malformed("an RSA integer is empty")),
        Some(0) => Err(malformed(
            "an RSA integer has a leading zero octet (RFC 7518 §6.3)",
        )),
        Some(_) => Ok(bytes),
    }
}

/// A fixed-size octet string (EC coordinates and `d`).
fn octets(value: &Json, name: &'static str, len: usize) -> Result<Zeroizing<Vec<u8>>> {
    let bytes = Zeroizing::new(
        b64::decode(member(value, name)?)
            .ok_or_else(|| malformed("a JWK member is not strict base64url"))?,
    );
    if bytes.len() != len {
        return Err(malformed(
            "an EC member is not the full size for its curve (RFC 7518 §6.2)",
        ));
    }
    Ok(bytes)
}

impl PrivateJwk {
    /// Parses a private JWK under the default [`Limits`], with the checks
    /// of the module documentation.
    pub fn from_json(bytes: &[u8]) -> Result<PrivateJwk> {
        PrivateJwk::from_json_with_limits(bytes, &Limits::default())
    }

    /// Parses a private JWK of at most `max_jose_header_bytes` bytes, JSON
    /// nested at most `max_json_depth` deep.
    pub fn from_json_with_limits(bytes: &[u8], limits: &Limits) -> Result<PrivateJwk> {
        if bytes.len() > limits.max_jose_header_bytes() {
            return Err(Error::with_detail(
                ErrorCode::InputTooLarge,
                format!(
                    "the private JWK is larger than {} bytes",
                    limits.max_jose_header_bytes()
                ),
            ));
        }
        let value = json::parse(bytes, limits.max_json_depth())
            .map_err(|_| malformed("the private JWK is not strict JSON"))?;
        let Json::Object(members) = &value else {
            return Err(malformed("a JWK is a JSON object"));
        };
        if value.get("d").is_none() {
            return Err(malformed("a private JWK has a \"d\" member"));
        }
        // The public half's members, for `Jwk`'s own checks.
        let mut public = serde_json::Map::new();
        for (name, v) in members {
            let keep = matches!(
                name.as_str(),
                "kty" | "n" | "e" | "crv" | "x" | "y" | "kid" | "use" | "alg"
            );
            if keep {
                if let Json::String(s) = v {
                    public.insert(name.clone(), serde_json::Value::String(s.clone()));
                } else {
                    return Err(Error::with_detail(
                        ErrorCode::JwkMalformed,
                        format!("the JWK member {name:?} is not a string"),
                    ));
                }
            }
        }
        if let Some(ops) = value.get("key_ops") {
            let Json::Array(items) = ops else {
                return Err(malformed("key_ops is an array"));
            };
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                let Json::String(op) = item else {
                    return Err(malformed("key_ops holds strings"));
                };
                list.push(serde_json::Value::String(op.clone()));
            }
            public.insert("key_ops".to_string(), serde_json::Value::Array(list));
        }
        let kty = member(&value, "kty")?;
        let secret = match kty {
            "RSA" => rsa_secret(&value)?,
            "EC" => ec_secret(&value)?,
            "oct" => {
                return Err(unsupported(
                    "a symmetric key (kty oct) is not a private key here",
                ))
            }
            _ => return Err(unsupported("a private JWK here is RSA or EC")),
        };
        let public_text = serde_json::Value::Object(public).to_string();
        let public = Jwk::from_json(public_text.as_bytes())?;
        Ok(PrivateJwk { secret, public })
    }

    /// The public half (to publish in a JWK Set, or to encrypt to).
    pub fn public_jwk(&self) -> &Jwk {
        &self.public
    }

    /// `kid`, if the key has one.
    pub fn kid(&self) -> Option<&str> {
        self.public.kid()
    }

    /// `kty`: `"RSA"` or `"EC"`.
    pub fn kty(&self) -> &'static str {
        self.public.kty()
    }

    /// The curve of an EC key.
    pub fn curve(&self) -> Option<Curve> {
        match self.secret {
            Secret::Rsa(_) => None,
            Secret::P256(_) => Some(Curve::P256),
            Secret::P384(_) => Some(Curve::P384),
            Secret::P521(_) => Some(Curve::P521),
        }
    }

    pub(crate) fn secret(&self) -> &Secret {
        &self.secret
    }

    /// A signer with this key (native only): RSA (`RS*`, `PS*`), EC P-256
    /// (`ES256`) and P-384 (`ES384`); a P-521 key is `jwk.unsupported`, and
    /// a key whose `use` is `enc` is `jwk.unsupported` too (RFC 7517 §4.2:
    /// an encryption key does not sign).
    ///
    /// ```
    /// use idbridge::crypto::{self, Algorithm, AllowList, Signer};
    /// use idbridge::jose::PrivateJwk;
    /// let key = PrivateJwk::from_json(br#"{"kty":"EC","crv":"P-256",
    ///   "x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
    ///   "y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
    ///   "d":"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE","kid":"sig-1"}"#)?;
    /// let signer = key.signer()?;
    /// let alg = Algorithm::ECDSA_P256_SHA256_RAW;
    /// let sig = signer.sign(alg, b"client assertion")?;
    /// crypto::verify_signature(crypto::default_backend(), AllowList::default(), alg,
    ///     signer.public_key().spki_der(), b"client assertion", &sig)?;
    /// # Ok::<(), idbridge::Error>(())
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub fn signer(&self) -> Result<crate::crypto::RustCryptoSigner> {
        use p256::pkcs8::EncodePrivateKey;
        if self.public.key_use() == Some(&super::jwk::KeyUse::Enc) {
            return Err(unsupported("a key with use \"enc\" does not sign"));
        }
        let der = match &self.secret {
            Secret::Rsa(key) => key.to_pkcs8_der(),
            Secret::P256(key) => key.to_pkcs8_der(),
            Secret::P384(key) => key.to_pkcs8_der(),
            Secret::P521(_) => return Err(unsupported("signing is on P-256 and P-384 only")),
        }
        .map_err(|_| malformed("the private key does not encode"))?;
        crate::crypto::RustCryptoSigner::from_pkcs8_der(der.as_bytes())
    }

    /// Secret material for the implicit-rejection key of [`DecryptionKey`]:
    /// `d`'s octets.
    fn secret_octets(&self) -> Zeroizing<Vec<u8>> {
        use rsa::traits::PrivateKeyParts;
        Zeroizing::new(match &self.secret {
            Secret::Rsa(key) => key.d().to_bytes_be(),
            Secret::P256(key) => key.to_bytes().to_vec(),
            Secret::P384(key) => key.to_bytes().to_vec(),
            Secret::P521(key) => key.to_bytes().to_vec(),
        })
    }
}

fn rsa_secret(value: &Json) -> Result<Secret> {
    use rsa::traits::PrivateKeyParts;
    use rsa::BigUint;
    if value.get("oth").is_some() {
        return Err(unsupported("multi-prime RSA (oth) is not supported"));
    }
    let big = |name| uint(value, name).map(|b| BigUint::from_bytes_be(&b));
    let (n, e, d) = (big("n")?, big("e")?, big("d")?);
    let (p, q) = (big("p")?, big("q")?);
    let (dp, dq, qi) = (big("dp")?, big("dq")?, big("qi")?);
    if n.bits() > crate::crypto::RSA_MAX_BITS || e.bits() > 64 {
        return Err(unsupported("the RSA key is outside policy"));
    }
    if &p * &q != n {
        return Err(malformed("p·q is not n"));
    }
    let key = rsa::RsaPrivateKey::from_components(n, e, d, vec![p, q])
        .map_err(|_| malformed("the RSA private key is not consistent"))?;
    let consistent = key.dp() == Some(&dp)
        && key.dq() == Some(&dq)
        && key.crt_coefficient().as_ref() == Some(&qi);
    if !consistent {
        return Err(malformed("dp, dq or qi do not match p, q and d"));
    }
    Ok(Secret::Rsa(Box::new(key)))
}

fn ec_secret(value: &Json) -> Result<Secret> {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    let (curve, len) = match member(value, "crv")? {
        "P-256" => (Curve::P256, 32),
        "P-384" => (Curve::P384, 48),
        "P-521" => (Curve::P521, 66),
        _ => return Err(unsupported("the curve is not P-256, P-384 or P-521")),
    };
    let x = octets(value, "x", len)?;
    let y = octets(value, "y", len)?;
    let d = octets(value, "d", len)?;
    let mut point = vec![0x04];
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    macro_rules! secret {
        ($c:ident, $variant:ident) => {{
            let key = $c::SecretKey::from_slice(&d)
                .map_err(|_| malformed("d is not a valid scalar for the curve"))?;
            if key.public_key().to_encoded_point(false).as_bytes() != point.as_slice() {
                return Err(malformed("d does not match x and y"));
            }
            Secret::$variant(key)
        }};
    }
    Ok(match curve {
        Curve::P256 => secret!(p256, P256),
        Curve::P384 => secret!(p384, P384),
        Curve::P521 => secret!(p521, P521),
    })
}

/// A private key a JWE is decrypted with ([`super::decrypt_compact`]): an
/// RSA key (`RSA-OAEP`, `RSA-OAEP-256`) or an EC key on P-256, P-384 or
/// P-521 (`ECDH-ES`, `ECDH-ES+A128KW`/`A192KW`/`A256KW`).
///
/// It also holds a key for implicit rejection, derived from the secret: a
/// token whose content key does not unwrap is decrypted with a pseudo-random
/// key made from it and the token, so it fails at the tag like any other
/// tampering, in the same way and the same time (RFC 7516 §11.5).
///
/// ```
/// use idbridge::jose::DecryptionKey;
/// let key = DecryptionKey::from_jwk_json(br#"{"kty":"EC","crv":"P-256",
///   "x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
///   "y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
///   "d":"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE","use":"enc","kid":"1"}"#)?;
/// assert_eq!(key.kid(), Some("1"));
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone)]
pub struct DecryptionKey {
    key: PrivateJwk,
    rejection: Zeroizing<[u8; 32]>,
}

impl core::fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DecryptionKey")
            .field("kty", &self.key.kty())
            .field("kid", &self.key.kid())
            .field("thumbprint", &self.key.public_jwk().thumbprint())
            .finish_non_exhaustive()
    }
}

impl From<PrivateJwk> for DecryptionKey {
    fn from(key: PrivateJwk) -> DecryptionKey {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(b"idbridge jwe implicit rejection v1\0");
        h.update(key.secret_octets().as_slice());
        let mut rejection = Zeroizing::new([0u8; 32]);
        rejection.copy_from_slice(&h.finalize());
        DecryptionKey { key, rejection }
    }
}

impl DecryptionKey {
    /// Parses a private JWK ([`PrivateJwk::from_json`]) as a decryption key.
    pub fn from_jwk_json(bytes: &[u8]) -> Result<DecryptionKey> {
        PrivateJwk::from_json(bytes).map(DecryptionKey::from)
    }

    /// The private JWK.
    pub fn private_jwk(&self) -> &PrivateJwk {
        &self.key
    }

    /// The public half (what senders encrypt to).
    pub fn public_jwk(&self) -> &Jwk {
        self.key.public_jwk()
    }

    /// `kid`, if the key has one.
    pub fn kid(&self) -> Option<&str> {
        self.key.kid()
    }

    pub(crate) fn secret(&self) -> &Secret {
        self.key.secret()
    }

    pub(crate) fn rejection_key(&self) -> &[u8; 32] {
        &self.rejection
    }
}
