//! Compact JWE (RFC 7516 §7.1) decryption, and encryption natively.
//!
//! The checks run in the order `VECTORS.md` fixes (kind `oidc-id-token`,
//! check 9); the first failing one gives the code:
//!
//! 0. the token is at most `Limits::max_jwe_bytes`, its protected header at
//!    most `max_jose_header_bytes` decoded with at most
//!    `max_jose_header_members` members (`input.too_large`);
//! 1. five base64url segments without padding; the protected header a JSON
//!    object without duplicate keys; `alg` and `enc` present and strings;
//!    `kid`, `typ`, `cty` strings; `crit` a non-empty array of distinct
//!    names of present, unregistered members; `apu`/`apv` strict base64url;
//!    `epk`, when present, a public EC JWK on P-256/P-384/P-521 whose point
//!    is on its curve (the invalid-curve attack stops here)
//!    (`jwe.malformed`);
//! 2. `alg` one of `RSA-OAEP`, `RSA-OAEP-256`, `ECDH-ES`,
//!    `ECDH-ES+A128KW`/`A192KW`/`A256KW` and `enc` one of
//!    `A128CBC-HS256`, `A192CBC-HS384`, `A256CBC-HS512`, `A128GCM`,
//!    `A192GCM`, `A256GCM`, each on the caller's allow-list; `RSA1_5`,
//!    `dir`, bare AES key wrap, `PBES2-*`, compression (`zip`) and any
//!    critical extension (`crit`: idbridge understands none) are
//!    `jwe.algorithm.forbidden`;
//! 3. the parts have the lengths `alg` and `enc` fix: an empty encrypted key
//!    for `ECDH-ES` and a non-empty one otherwise, a 128-bit IV for CBC and
//!    a 96-bit one for GCM, a tag of half the CBC key or 128 bits for GCM,
//!    an `epk` for the ECDH-ES family (`jwe.malformed`);
//! 4. the key suits `alg` (RSA for `RSA-OAEP*`; EC for `ECDH-ES*`, with
//!    `epk` on the key's curve), its `use`, when present, is `enc`, its
//!    `key_ops`, when present, allow decryption, its `alg`, when present,
//!    is the header's; a header `kid` names the key when the key has one
//!    (`jwe.decryption.failed`, with step 5's message: the token is for
//!    another key);
//! 5. the content key is recovered and the content decrypted and
//!    authenticated (`jwe.decryption.failed`, one code and one message for
//!    every cause: a wrong key, a failed OAEP decoding, a content key of
//!    the wrong length, a changed encrypted key, IV, ciphertext, tag or
//!    protected header, bad padding).
//!
//! Step 5 gives no oracle: when the content key does not unwrap (OAEP or
//! AES key wrap fails, or gives a key of the wrong length), a pseudo-random
//! key derived from the recipient's secret and the token takes its place,
//! chosen in constant time, and the content decryption fails at the tag
//! like any other tampering (RFC 7516 §11.5, against Bleichenbacher- and
//! Manger-style attacks). For `A*CBC-HS*` the HMAC over `AAD ‖ IV ‖
//! ciphertext ‖ AL` is compared in constant time before any block is
//! decrypted or any padding is looked at (RFC 7518 §5.2.2.2).
//!
//! ECDH-ES derives keys with the Concat KDF of NIST SP 800-56A as RFC 7518
//! §4.6.2 profiles it (`AlgorithmID` the `enc` for direct key agreement, the
//! `alg` with key wrap; `apu` and `apv` as `PartyUInfo` and `PartyVInfo`).
//! No key is ever taken from the header except the sender's ephemeral
//! public key, which must lie on the recipient's curve.

use crate::crypto::Curve;
use crate::error::{Error, ErrorCode, Result};
use crate::json::{self, Json};
use crate::limits::Limits;
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use super::b64;
use super::private::{DecryptionKey, Secret};

/// Header parameters RFC 7515/7516/7518 define for JWE: `crit` may not
/// name them.
const REGISTERED: [&str; 19] = [
    "alg", "enc", "zip", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty",
    "crit", "epk", "apu", "apv", "iv", "tag", "p2s",
];

/// A key management algorithm (`alg`, RFC 7518 §4) idbridge decrypts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JweAlg {
    /// `RSA-OAEP`: RSAES-OAEP with SHA-1 and MGF1-SHA-1 (§4.3).
    RsaOaep,
    /// `RSA-OAEP-256`: RSAES-OAEP with SHA-256 and MGF1-SHA-256 (§4.3).
    RsaOaep256,
    /// `ECDH-ES`: direct key agreement (§4.6).
    EcdhEs,
    /// `ECDH-ES+A128KW`: key agreement, then AES-128 key wrap.
    EcdhEsA128Kw,
    /// `ECDH-ES+A192KW`: key agreement, then AES-192 key wrap.
    EcdhEsA192Kw,
    /// `ECDH-ES+A256KW`: key agreement, then AES-256 key wrap.
    EcdhEsA256Kw,
}

impl JweAlg {
    /// Every supported `alg`, in a fixed order.
    pub const ALL: [JweAlg; 6] = [
        JweAlg::RsaOaep,
        JweAlg::RsaOaep256,
        JweAlg::EcdhEs,
        JweAlg::EcdhEsA128Kw,
        JweAlg::EcdhEsA192Kw,
        JweAlg::EcdhEsA256Kw,
    ];

    /// The JWA name.
    pub fn name(self) -> &'static str {
        match self {
            JweAlg::RsaOaep => "RSA-OAEP",
            JweAlg::RsaOaep256 => "RSA-OAEP-256",
            JweAlg::EcdhEs => "ECDH-ES",
            JweAlg::EcdhEsA128Kw => "ECDH-ES+A128KW",
            JweAlg::EcdhEsA192Kw => "ECDH-ES+A192KW",
            JweAlg::EcdhEsA256Kw => "ECDH-ES+A256KW",
        }
    }

    /// The algorithm with this JWA name (`None` for `RSA1_5`, `dir`,
    /// `A128KW` and every other name idbridge never decrypts).
    pub fn from_name(name: &str) -> Option<JweAlg> {
        JweAlg::ALL.into_iter().find(|a| a.name() == name)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    fn is_rsa(self) -> bool {
        matches!(self, JweAlg::RsaOaep | JweAlg::RsaOaep256)
    }

    /// The AES key-wrap key size in bytes, for the `ECDH-ES+A*KW` family.
    fn kw_len(self) -> Option<usize> {
        match self {
            JweAlg::EcdhEsA128Kw => Some(16),
            JweAlg::EcdhEsA192Kw => Some(24),
            JweAlg::EcdhEsA256Kw => Some(32),
            _ => None,
        }
    }
}

/// A content encryption algorithm (`enc`, RFC 7518 §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JweEnc {
    /// `A128CBC-HS256` (§5.2.3).
    A128CbcHs256,
    /// `A192CBC-HS384` (§5.2.4).
    A192CbcHs384,
    /// `A256CBC-HS512` (§5.2.5).
    A256CbcHs512,
    /// `A128GCM` (§5.3).
    A128Gcm,
    /// `A192GCM` (§5.3).
    A192Gcm,
    /// `A256GCM` (§5.3).
    A256Gcm,
}

impl JweEnc {
    /// Every supported `enc`, in a fixed order.
    pub const ALL: [JweEnc; 6] = [
        JweEnc::A128CbcHs256,
        JweEnc::A192CbcHs384,
        JweEnc::A256CbcHs512,
        JweEnc::A128Gcm,
        JweEnc::A192Gcm,
        JweEnc::A256Gcm,
    ];

    /// The JWA name.
    pub fn name(self) -> &'static str {
        match self {
            JweEnc::A128CbcHs256 => "A128CBC-HS256",
            JweEnc::A192CbcHs384 => "A192CBC-HS384",
            JweEnc::A256CbcHs512 => "A256CBC-HS512",
            JweEnc::A128Gcm => "A128GCM",
            JweEnc::A192Gcm => "A192GCM",
            JweEnc::A256Gcm => "A256GCM",
        }
    }

    /// The algorithm with this JWA name.
    pub fn from_name(name: &str) -> Option<JweEnc> {
        JweEnc::ALL.into_iter().find(|e| e.name() == name)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// The content encryption key's size in bytes.
    pub fn key_len(self) -> usize {
        match self {
            JweEnc::A128CbcHs256 => 32,
            JweEnc::A192CbcHs384 => 48,
            JweEnc::A256CbcHs512 => 64,
            JweEnc::A128Gcm => 16,
            JweEnc::A192Gcm => 24,
            JweEnc::A256Gcm => 32,
        }
    }

    fn iv_len(self) -> usize {
        match self {
            JweEnc::A128CbcHs256 | JweEnc::A192CbcHs384 | JweEnc::A256CbcHs512 => 16,
            _ => 12,
        }
    }

    fn tag_len(self) -> usize {
        match self {
            JweEnc::A128CbcHs256 => 16,
            JweEnc::A192CbcHs384 => 24,
            JweEnc::A256CbcHs512 => 32,
            _ => 16,
        }
    }
}

const ALL_BITS: u8 = 0b11_1111;

/// What a decryption accepts: the `alg` and `enc` allow-lists and the
/// limits. The default allows every [`JweAlg`] and [`JweEnc`].
///
/// ```
/// use idbridge::jose::{JweAlg, JweEnc, JweOptions};
/// let only_oaep = JweOptions::new()
///     .allow_algs(&[JweAlg::RsaOaep256])
///     .allow_encs(&[JweEnc::A256Gcm, JweEnc::A256CbcHs512]);
/// assert!(!only_oaep.allows_alg(JweAlg::RsaOaep));
/// assert!(only_oaep.allows_enc(JweEnc::A256Gcm));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JweOptions {
    algs: u8,
    encs: u8,
    limits: Limits,
}

impl Default for JweOptions {
    fn default() -> JweOptions {
        JweOptions {
            algs: ALL_BITS,
            encs: ALL_BITS,
            limits: Limits::default(),
        }
    }
}

impl JweOptions {
    /// The defaults: every supported `alg` and `enc`, [`Limits::default`].
    pub fn new() -> JweOptions {
        JweOptions::default()
    }

    /// These options allowing exactly `algs`.
    #[must_use]
    pub fn allow_algs(mut self, algs: &[JweAlg]) -> JweOptions {
        self.algs = algs.iter().fold(0, |m, a| m | a.bit());
        self
    }

    /// These options allowing exactly `encs`.
    #[must_use]
    pub fn allow_encs(mut self, encs: &[JweEnc]) -> JweOptions {
        self.encs = encs.iter().fold(0, |m, e| m | e.bit());
        self
    }

    /// These options under `limits`.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> JweOptions {
        self.limits = limits;
        self
    }

    /// Whether `alg` is allowed.
    pub fn allows_alg(&self, alg: JweAlg) -> bool {
        self.algs & alg.bit() != 0
    }

    /// Whether `enc` is allowed.
    pub fn allows_enc(&self, enc: JweEnc) -> bool {
        self.encs & enc.bit() != 0
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}

/// The sender's ephemeral public key (`epk`), on its curve.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Epk {
    P256(p256::PublicKey),
    P384(p384::PublicKey),
    P521(p521::PublicKey),
}

/// A JWE Protected Header that passed the checks of step 1.
#[derive(Clone, Debug, PartialEq)]
pub struct JweHeader {
    raw: Vec<u8>,
    json: Json,
    alg: String,
    enc: String,
    kid: Option<String>,
    typ: Option<String>,
    cty: Option<String>,
    crit: Vec<String>,
    epk: Option<Epk>,
    apu: Vec<u8>,
    apv: Vec<u8>,
}

impl JweHeader {
    /// `alg`, as written.
    pub fn alg(&self) -> &str {
        &self.alg
    }

    /// `enc`, as written.
    pub fn enc(&self) -> &str {
        &self.enc
    }

    /// `kid`, if present.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// `typ`, if present, as written.
    pub fn typ(&self) -> Option<&str> {
        self.typ.as_deref()
    }

    /// `cty`, if present (`JWT` for a nested, signed-then-encrypted token).
    pub fn cty(&self) -> Option<&str> {
        self.cty.as_deref()
    }

    /// The string member `name`, if the header has one.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        match self.json.get(name) {
            Some(Json::String(s)) => Some(s),
            _ => None,
        }
    }

    /// The member names, in document order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let members: &[(String, Json)] = match &self.json {
            Json::Object(m) => m,
            _ => &[],
        };
        members.iter().map(|(k, _)| k.as_str())
    }

    /// The header's JSON text, as decoded from the token.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }
}

/// A compact JWE that decrypted and authenticated under the caller's key:
/// the plaintext, and what was used to get it. Only idbridge constructs one.
///
/// The plaintext is wiped from memory when the value is dropped, and
/// `Debug` shows only its length.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct DecryptedJwe {
    header: JweHeader,
    alg: JweAlg,
    enc: JweEnc,
    key_kid: Option<String>,
    key_thumbprint: String,
    plaintext: Zeroizing<Vec<u8>>,
}

impl core::fmt::Debug for DecryptedJwe {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DecryptedJwe")
            .field("alg", &self.alg)
            .field("enc", &self.enc)
            .field("key_kid", &self.key_kid)
            .field("cty", &self.header.cty)
            .field("plaintext_len", &self.plaintext.len())
            .finish_non_exhaustive()
    }
}

impl DecryptedJwe {
    /// The protected header.
    pub fn header(&self) -> &JweHeader {
        &self.header
    }

    /// The key management algorithm that was used.
    pub fn alg(&self) -> JweAlg {
        self.alg
    }

    /// The content encryption algorithm that was used.
    pub fn enc(&self) -> JweEnc {
        self.enc
    }

    /// The header's `kid`, if any.
    pub fn kid(&self) -> Option<&str> {
        self.header.kid()
    }

    /// The `kid` of the key that decrypted the token, if it has one.
    pub fn key_kid(&self) -> Option<&str> {
        self.key_kid.as_deref()
    }

    /// The RFC 7638 thumbprint of the key that decrypted the token.
    pub fn key_thumbprint(&self) -> &str {
        &self.key_thumbprint
    }

    /// `cty`, if present: `JWT` when the plaintext is a nested JWS (verify
    /// it next with [`super::verify_compact`]).
    pub fn cty(&self) -> Option<&str> {
        self.header.cty()
    }

    /// The plaintext.
    pub fn plaintext(&self) -> &[u8] {
        &self.plaintext
    }

    /// The plaintext as UTF-8 text (a nested JWS is ASCII), or `None`.
    pub fn plaintext_str(&self) -> Option<&str> {
        core::str::from_utf8(&self.plaintext).ok()
    }
}

fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::JweMalformed, reason)
}

fn forbidden(reason: &'static str) -> Error {
    Error::new(ErrorCode::JweAlgorithmForbidden, reason)
}

/// The one error of step 5, whatever its cause.
fn failed() -> Error {
    Error::new(
        ErrorCode::JweDecryptionFailed,
        "the JWE does not decrypt and authenticate with this key",
    )
}

fn too_large(what: &str, limit: usize) -> Error {
    Error::with_detail(
        ErrorCode::InputTooLarge,
        format!("the {what} is larger than the limit of {limit}"),
    )
}

/// A compact JWE split and decoded by step 1.
struct Parts<'a> {
    /// The first segment as written: the AAD (RFC 7516 §5.2 step 14).
    aad: &'a [u8],
    header: JweHeader,
    encrypted_key: Vec<u8>,
    iv: Vec<u8>,
    ciphertext: Vec<u8>,
    tag: Vec<u8>,
}

/// Decrypts a compact JWE with `key`, with the checks of the module
/// documentation.
///
/// ```
/// use idbridge::jose::{self, DecryptionKey, JweAlg, JweEnc, JweOptions};
/// let key = DecryptionKey::from_jwk_json(br#"{"kty":"EC","crv":"P-256","kid":"enc-1",
///   "x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
///   "y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
///   "d":"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE","use":"enc"}"#)?;
/// // The sender's side: encrypt to the recipient's public JWK.
/// let token = jose::encrypt_compact(key.public_jwk(), JweAlg::EcdhEsA256Kw,
///     JweEnc::A256Gcm, b"personal data", &[("cty", "json")])?;
///
/// // The recipient's side.
/// let jwe = jose::decrypt_compact(&key, &token, &JweOptions::new())?;
/// assert_eq!(jwe.plaintext(), b"personal data");
/// assert_eq!((jwe.alg(), jwe.enc()), (JweAlg::EcdhEsA256Kw, JweEnc::A256Gcm));
/// assert_eq!(jwe.kid(), Some("enc-1"));
///
/// // A changed tag: one code, whatever was changed.
/// let (rest, tag) = token.rsplit_once('.').unwrap();
/// let forged = format!("{rest}.{}{}", if tag.starts_with('A') { "B" } else { "A" }, &tag[1..]);
/// let err = jose::decrypt_compact(&key, &forged, &JweOptions::new()).unwrap_err();
/// assert_eq!(err.code(), "jwe.decryption.failed");
///
/// // RSA1_5 is never accepted, before any key is used.
/// let rsa1_5 = "eyJhbGciOiJSU0ExXzUiLCJlbmMiOiJBMTI4R0NNIn0.AQ.AAAAAAAAAAAAAAAA..AAAAAAAAAAAAAAAAAAAAAA";
/// let err = jose::decrypt_compact(&key, rsa1_5, &JweOptions::new()).unwrap_err();
/// assert_eq!(err.code(), "jwe.algorithm.forbidden");
/// # Ok::<(), idbridge::Error>(())
/// ```
pub fn decrypt_compact(
    key: &DecryptionKey,
    token: &str,
    options: &JweOptions,
) -> Result<DecryptedJwe> {
    decrypt_compact_with_keys(core::slice::from_ref(key), token, options)
}

/// Decrypts a compact JWE with one of `keys` (a relying party that rotates
/// its encryption keys), with the checks of the module documentation.
///
/// Steps 0 to 3 run once. The candidates are the keys whose `kid` is the
/// header's (or that have none) and that suit the token (step 4); at most
/// `Limits::max_signature_checks` of them are tried, in order
/// (`crypto.checks.exceeded` beyond), and the first that decrypts wins.
/// No candidate, or none that decrypts: `jwe.decryption.failed`, with the
/// one message.
///
/// ```
/// use idbridge::jose::{self, DecryptionKey, JweAlg, JweEnc, JweOptions};
/// let old = DecryptionKey::from_jwk_json(include_bytes!(
///     "../../test-vectors/keys/jwe/p256.jwk.json"))?;
/// let new = DecryptionKey::from_jwk_json(include_bytes!(
///     "../../test-vectors/keys/jwe/p384.jwk.json"))?;
/// let token = jose::encrypt_compact(old.public_jwk(), JweAlg::EcdhEs,
///     JweEnc::A128Gcm, b"{}", &[])?;
/// let jwe = jose::decrypt_compact_with_keys(&[new, old], &token, &JweOptions::new())?;
/// assert_eq!(jwe.key_kid(), Some("p256-enc"));
/// # Ok::<(), idbridge::Error>(())
/// ```
pub fn decrypt_compact_with_keys(
    keys: &[DecryptionKey],
    token: &str,
    options: &JweOptions,
) -> Result<DecryptedJwe> {
    let limits = &options.limits;
    // Steps 0 and 1.
    let parts = split(token, limits)?;
    let header = &parts.header;
    // Step 2.
    let alg = JweAlg::from_name(&header.alg)
        .filter(|a| options.allows_alg(*a))
        .ok_or_else(|| forbidden("alg is unknown, never accepted, or not on the allow-list"))?;
    let enc = JweEnc::from_name(&header.enc)
        .filter(|e| options.allows_enc(*e))
        .ok_or_else(|| forbidden("enc is unknown or not on the allow-list"))?;
    if header.json.get("zip").is_some() {
        return Err(forbidden("compressed plaintext (zip) is not accepted"));
    }
    if let Some(name) = header.crit.first() {
        return Err(Error::with_detail(
            ErrorCode::JweAlgorithmForbidden,
            format!("the critical header parameter {name:?} is not understood"),
        ));
    }
    // Step 3.
    if parts.iv.len() != enc.iv_len() {
        return Err(malformed("the IV has the wrong length for enc"));
    }
    if parts.tag.len() != enc.tag_len() {
        return Err(malformed("the tag has the wrong length for enc"));
    }
    if (alg == JweAlg::EcdhEs) != parts.encrypted_key.is_empty() {
        return Err(malformed(
            "the encrypted key must be empty for ECDH-ES and present otherwise",
        ));
    }
    if !alg.is_rsa() && header.epk.is_none() {
        return Err(malformed("ECDH-ES needs the sender's ephemeral key (epk)"));
    }
    // Step 4.
    let candidates: Vec<&DecryptionKey> = keys
        .iter()
        .filter(|k| check_key(k, alg, header).is_ok())
        .collect();
    // Step 5.
    for (tried, key) in candidates.into_iter().enumerate() {
        if tried >= limits.max_signature_checks() {
            return Err(Error::with_detail(
                ErrorCode::CryptoChecksExceeded,
                format!(
                    "more than {} candidate decryption keys",
                    limits.max_signature_checks()
                ),
            ));
        }
        let Ok(cek) = content_key(key, alg, enc, &parts) else {
            continue;
        };
        let Some(plaintext) = decrypt_content(
            enc,
            &cek,
            parts.aad,
            &parts.iv,
            &parts.ciphertext,
            &parts.tag,
        ) else {
            continue;
        };
        return Ok(DecryptedJwe {
            header: parts.header,
            alg,
            enc,
            key_kid: key.kid().map(str::to_string),
            key_thumbprint: key.public_jwk().thumbprint().to_string(),
            plaintext,
        });
    }
    Err(failed())
}

/// Step 4: the key suits `alg` and the header's `kid` and `epk`.
fn check_key(key: &DecryptionKey, alg: JweAlg, header: &JweHeader) -> Result<()> {
    let jwk = key.public_jwk();
    // The same error as a failed decryption: "another key" is one answer,
    // whichever public fact gave it away.
    let not_for_this = |_reason: &'static str| failed();
    let type_fits = match (key.secret(), &header.epk) {
        (Secret::Rsa(_), _) => alg.is_rsa(),
        (Secret::P256(_), Some(Epk::P256(_)))
        | (Secret::P384(_), Some(Epk::P384(_)))
        | (Secret::P521(_), Some(Epk::P521(_))) => !alg.is_rsa(),
        _ => false,
    };
    if !type_fits {
        return Err(not_for_this(
            "the key's type or curve does not suit alg and epk: the token is for another key",
        ));
    }
    let use_fits = jwk.key_use().is_none_or(|u| *u == super::jwk::KeyUse::Enc);
    let ops_fit = jwk.key_ops().is_none_or(|ops| {
        ops.iter().any(|o| {
            let o = o.as_str();
            if alg.is_rsa() {
                o == "unwrapKey" || o == "decrypt"
            } else {
                o == "deriveKey" || o == "deriveBits" || o == "unwrapKey"
            }
        })
    });
    let alg_fits = jwk.alg().is_none_or(|a| a == alg.name());
    if !(use_fits && ops_fit && alg_fits) {
        return Err(not_for_this(
            "the key's use, key_ops or alg rule this decryption out",
        ));
    }
    if let (Some(want), Some(have)) = (header.kid.as_deref(), key.kid()) {
        if want != have {
            return Err(not_for_this(
                "the header's kid names another key than the caller's",
            ));
        }
    }
    Ok(())
}

/// Step 5, first half: the content encryption key, or the implicit-rejection
/// key when it does not unwrap.
fn content_key(
    key: &DecryptionKey,
    alg: JweAlg,
    enc: JweEnc,
    parts: &Parts<'_>,
) -> Result<Zeroizing<Vec<u8>>> {
    let len = enc.key_len();
    let fallback = rejection_cek(key, alg, enc, parts);
    let unwrapped: Option<Zeroizing<Vec<u8>>> = match (key.secret(), &parts.header.epk) {
        (Secret::Rsa(rsa_key), _) => {
            use rsa::traits::PublicKeyParts;
            if parts.encrypted_key.len() != rsa_key.size() {
                // Public information (the modulus length): not an oracle.
                return Err(failed());
            }
            rsa_unwrap(rsa_key, alg, &parts.encrypted_key)
        }
        (secret, Some(epk)) => {
            let z = agree(secret, epk).ok_or_else(failed)?;
            let h = &parts.header;
            match alg.kw_len() {
                None => Some(concat_kdf(&z, enc.name(), &h.apu, &h.apv, len)),
                Some(kw_len) => {
                    let kek = concat_kdf(&z, alg.name(), &h.apu, &h.apv, kw_len);
                    aes_unwrap(&kek, &parts.encrypted_key)
                }
            }
        }
        _ => return Err(failed()),
    };
    // Constant-time choice between the unwrapped key and the fallback.
    let real = unwrapped.unwrap_or_else(|| Zeroizing::new(Vec::new()));
    let good = real.len().ct_eq(&len);
    let cek: Vec<u8> = fallback
        .iter()
        .enumerate()
        .map(|(i, f)| u8::conditional_select(f, real.get(i).unwrap_or(&0), good))
        .collect();
    Ok(Zeroizing::new(cek))
}

/// RFC 7516 §11.5: a pseudo-random content key, from the recipient's
/// rejection key and the whole token, of the length `enc` needs.
fn rejection_cek(
    key: &DecryptionKey,
    alg: JweAlg,
    enc: JweEnc,
    parts: &Parts<'_>,
) -> Zeroizing<Vec<u8>> {
    use hmac::{Hmac, Mac};
    let mut out = Zeroizing::new(Vec::with_capacity(64));
    let mut counter = 0u8;
    while out.len() < enc.key_len() {
        counter = counter.wrapping_add(1);
        let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(key.rejection_key()) else {
            break;
        };
        mac.update(&[counter]);
        mac.update(alg.name().as_bytes());
        mac.update(b".");
        mac.update(enc.name().as_bytes());
        mac.update(b".");
        mac.update(parts.aad);
        mac.update(b".");
        mac.update(&parts.encrypted_key);
        out.extend_from_slice(&mac.finalize().into_bytes());
    }
    out.truncate(enc.key_len());
    out
}

fn rsa_unwrap(
    key: &rsa::RsaPrivateKey,
    alg: JweAlg,
    encrypted_key: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let padding = match alg {
        JweAlg::RsaOaep => rsa::Oaep::new::<sha1::Sha1>(),
        _ => rsa::Oaep::new::<sha2::Sha256>(),
    };
    #[cfg(not(target_arch = "wasm32"))]
    let result = key.decrypt_blinded(&mut rand_core::OsRng, padding, encrypted_key);
    #[cfg(target_arch = "wasm32")]
    let result = key.decrypt(padding, encrypted_key);
    result.ok().map(Zeroizing::new)
}

fn aes_unwrap(kek: &[u8], wrapped: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let out = match kek.len() {
        16 => aes_kw::KekAes128::try_from(kek).ok()?.unwrap_vec(wrapped),
        24 => aes_kw::KekAes192::try_from(kek).ok()?.unwrap_vec(wrapped),
        _ => aes_kw::KekAes256::try_from(kek).ok()?.unwrap_vec(wrapped),
    };
    out.ok().map(Zeroizing::new)
}

/// The ECDH shared secret `Z` of the recipient's key and `epk` (same curve).
fn agree(secret: &Secret, epk: &Epk) -> Option<Zeroizing<Vec<u8>>> {
    macro_rules! dh {
        ($c:ident, $k:expr, $p:expr) => {{
            let shared = $c::ecdh::diffie_hellman($k.to_nonzero_scalar(), $p.as_affine());
            Some(Zeroizing::new(shared.raw_secret_bytes().to_vec()))
        }};
    }
    match (secret, epk) {
        (Secret::P256(k), Epk::P256(p)) => dh!(p256, k, p),
        (Secret::P384(k), Epk::P384(p)) => dh!(p384, k, p),
        (Secret::P521(k), Epk::P521(p)) => dh!(p521, k, p),
        _ => None,
    }
}

/// The Concat KDF (NIST SP 800-56A §5.8.1, SHA-256) as RFC 7518 §4.6.2
/// uses it: `len` bytes from `Z` and the OtherInfo of `algorithm_id`,
/// `apu`, `apv` and the key length in bits.
fn concat_kdf(
    z: &[u8],
    algorithm_id: &str,
    apu: &[u8],
    apv: &[u8],
    len: usize,
) -> Zeroizing<Vec<u8>> {
    use sha2::Digest;
    let field = |bytes: &[u8]| {
        let mut v = (bytes.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(bytes);
        v
    };
    let mut other = field(algorithm_id.as_bytes());
    other.extend_from_slice(&field(apu));
    other.extend_from_slice(&field(apv));
    other.extend_from_slice(&((len as u32).saturating_mul(8)).to_be_bytes());
    let mut out = Zeroizing::new(Vec::with_capacity(len + 32));
    let mut counter = 0u32;
    while out.len() < len {
        counter = counter.wrapping_add(1);
        let mut h = sha2::Sha256::new();
        h.update(counter.to_be_bytes());
        h.update(z);
        h.update(&other);
        out.extend_from_slice(&h.finalize());
    }
    out.truncate(len);
    out
}

/// Step 5, second half: authenticated decryption of the content.
fn decrypt_content(
    enc: JweEnc,
    cek: &[u8],
    aad: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    match enc {
        JweEnc::A128CbcHs256 => {
            cbc_hs_decrypt::<hmac::Hmac<sha2::Sha256>, aes::Aes128>(cek, aad, iv, ciphertext, tag)
        }
        JweEnc::A192CbcHs384 => {
            cbc_hs_decrypt::<hmac::Hmac<sha2::Sha384>, aes::Aes192>(cek, aad, iv, ciphertext, tag)
        }
        JweEnc::A256CbcHs512 => {
            cbc_hs_decrypt::<hmac::Hmac<sha2::Sha512>, aes::Aes256>(cek, aad, iv, ciphertext, tag)
        }
        JweEnc::A128Gcm => gcm_decrypt::<aes::Aes128>(cek, aad, iv, ciphertext, tag),
        JweEnc::A192Gcm => gcm_decrypt::<aes::Aes192>(cek, aad, iv, ciphertext, tag),
        JweEnc::A256Gcm => gcm_decrypt::<aes::Aes256>(cek, aad, iv, ciphertext, tag),
    }
}

/// RFC 7518 §5.2.2.1: the MAC over `AAD ‖ IV ‖ ciphertext ‖ AL`, truncated
/// to half its length (the tag length is the MAC key's).
fn cbc_hs_tag<M>(mac_key: &[u8], aad: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>>
where
    M: hmac::Mac + hmac::digest::KeyInit,
{
    let mut mac = <M as hmac::Mac>::new_from_slice(mac_key).ok()?;
    mac.update(aad);
    mac.update(iv);
    mac.update(ciphertext);
    mac.update(&(aad.len() as u64).saturating_mul(8).to_be_bytes());
    let full = mac.finalize().into_bytes();
    full.get(..mac_key.len()).map(<[u8]>::to_vec)
}

fn cbc_hs_decrypt<M, C>(
    cek: &[u8],
    aad: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Option<Zeroizing<Vec<u8>>>
where
    M: hmac::Mac + hmac::digest::KeyInit,
    C: aes::cipher::BlockDecryptMut
        + aes::cipher::BlockCipher
        + aes::cipher::KeyInit
        + aes::cipher::BlockSizeUser<BlockSize = aes::cipher::consts::U16>,
    cbc::Decryptor<C>: aes::cipher::KeyIvInit + aes::cipher::BlockDecryptMut,
{
    use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
    let half = cek.len() / 2;
    let mac_key = cek.get(..half)?;
    let enc_key = cek.get(half..)?;
    let expected = cbc_hs_tag::<M>(mac_key, aad, iv, ciphertext)?;
    if !bool::from(expected.as_slice().ct_eq(tag)) {
        return None;
    }
    let decryptor = cbc::Decryptor::<C>::new_from_slices(enc_key, iv).ok()?;
    decryptor
        .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
        .ok()
        .map(Zeroizing::new)
}

fn gcm_decrypt<C>(
    cek: &[u8],
    aad: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Option<Zeroizing<Vec<u8>>>
where
    C: aes::cipher::BlockCipher
        + aes::cipher::BlockSizeUser<BlockSize = aes::cipher::consts::U16>
        + aes::cipher::BlockEncrypt
        + aes::cipher::KeyInit,
{
    use aes_gcm::aead::{AeadInPlace, KeyInit};
    let cipher = aes_gcm::AesGcm::<C, aes::cipher::consts::U12>::new_from_slice(cek).ok()?;
    let nonce: [u8; 12] = iv.try_into().ok()?;
    let tag: [u8; 16] = tag.try_into().ok()?;
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    cipher
        .decrypt_in_place_detached(&nonce.into(), aad, &mut buffer, &tag.into())
        .ok()?;
    Some(buffer)
}

/// Steps 0 and 1: bounds, segments, the protected header.
fn split<'a>(token: &'a str, limits: &Limits) -> Result<Parts<'a>> {
    if token.len() > limits.max_jwe_bytes() {
        return Err(too_large("compact JWE (bytes)", limits.max_jwe_bytes()));
    }
    let mut segments = token.split('.');
    let (Some(h), Some(k), Some(i), Some(c), Some(t), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(malformed("a compact JWE has exactly five segments"));
    };
    if h.len() / 4 * 3 > limits.max_jose_header_bytes() {
        return Err(too_large(
            "JOSE header (bytes)",
            limits.max_jose_header_bytes(),
        ));
    }
    let decode = |s: &str, what: &'static str| b64::decode(s).ok_or_else(|| malformed(what));
    let raw_header = decode(h, "the protected header is not strict base64url")?;
    let encrypted_key = decode(k, "the encrypted key is not strict base64url")?;
    let iv = decode(i, "the IV is not strict base64url")?;
    let ciphertext = decode(c, "the ciphertext is not strict base64url")?;
    let tag = decode(t, "the tag is not strict base64url")?;
    if raw_header.len() > limits.max_jose_header_bytes() {
        return Err(too_large(
            "JOSE header (bytes)",
            limits.max_jose_header_bytes(),
        ));
    }
    let json = json::parse(&raw_header, limits.max_json_depth())
        .map_err(|_| malformed("the protected header is not strict JSON"))?;
    let Json::Object(members) = &json else {
        return Err(malformed("the protected header is not a JSON object"));
    };
    if members.len() > limits.max_jose_header_members() {
        return Err(too_large(
            "JOSE header (members)",
            limits.max_jose_header_members(),
        ));
    }
    let header = header(raw_header, json)?;
    Ok(Parts {
        aad: h.as_bytes(),
        header,
        encrypted_key,
        iv,
        ciphertext,
        tag,
    })
}

/// The registered members' types (RFC 7516 §4.1, RFC 7518 §4.6.1).
fn header(raw: Vec<u8>, json: Json) -> Result<JweHeader> {
    fn string(json: &Json, name: &str) -> Result<Option<String>> {
        match json.get(name) {
            None => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::with_detail(
                ErrorCode::JweMalformed,
                format!("the header parameter {name:?} is not a string"),
            )),
        }
    }
    let alg = string(&json, "alg")?.ok_or_else(|| malformed("the header has no alg"))?;
    let enc = string(&json, "enc")?.ok_or_else(|| malformed("the header has no enc"))?;
    let kid = string(&json, "kid")?;
    let typ = string(&json, "typ")?;
    let cty = string(&json, "cty")?;
    let party = |name| -> Result<Vec<u8>> {
        match string(&json, name)? {
            None => Ok(Vec::new()),
            Some(s) => {
                b64::decode(&s).ok_or_else(|| malformed("apu or apv is not strict base64url"))
            }
        }
    };
    let apu = party("apu")?;
    let apv = party("apv")?;
    let epk = match json.get("epk") {
        None => None,
        Some(value) => Some(parse_epk(value)?),
    };
    let crit = super::header::crit(&json, &REGISTERED, malformed)?;
    Ok(JweHeader {
        raw,
        json,
        alg,
        enc,
        kid,
        typ,
        cty,
        crit,
        epk,
        apu,
        apv,
    })
}

/// `epk` (RFC 7518 §4.6.1.1): a public EC JWK, coordinates of full size,
/// its point on the named curve.
fn parse_epk(value: &Json) -> Result<Epk> {
    let Json::Object(members) = value else {
        return Err(malformed("epk is not a JSON object"));
    };
    if members.iter().any(|(n, _)| n == "d") {
        return Err(malformed("epk holds a private member"));
    }
    let text = |name: &str| match value.get(name) {
        Some(Json::String(s)) => Ok(s.as_str()),
        _ => Err(malformed("epk lacks a string kty, crv, x or y")),
    };
    if text("kty")? != "EC" {
        return Err(malformed("epk is not an EC key"));
    }
    let (curve, len) = match text("crv")? {
        "P-256" => (Curve::P256, 32),
        "P-384" => (Curve::P384, 48),
        "P-521" => (Curve::P521, 66),
        _ => return Err(malformed("epk's curve is not P-256, P-384 or P-521")),
    };
    let coordinate = |name| -> Result<Vec<u8>> {
        let bytes = b64::decode(text(name)?)
            .ok_or_else(|| malformed("an epk coordinate is not strict base64url"))?;
        if bytes.len() != len {
            return Err(malformed(
                "an epk coordinate is not the full size for its curve",
            ));
        }
        Ok(bytes)
    };
    let mut point = vec![0x04];
    point.extend_from_slice(&coordinate("x")?);
    point.extend_from_slice(&coordinate("y")?);
    let off_curve = || malformed("epk is not a point on its curve");
    Ok(match curve {
        Curve::P256 => {
            Epk::P256(p256::PublicKey::from_sec1_bytes(&point).map_err(|_| off_curve())?)
        }
        Curve::P384 => {
            Epk::P384(p384::PublicKey::from_sec1_bytes(&point).map_err(|_| off_curve())?)
        }
        Curve::P521 => {
            Epk::P521(p521::PublicKey::from_sec1_bytes(&point).map_err(|_| off_curve())?)
        }
    })
}

// --- Encryption (native: it needs the system's randomness) -------------------

/// Encrypts `plaintext` to `recipient` as a compact JWE (RFC 7516 §5.1):
/// the sender's side, for an OP, a test or a generated vector.
///
/// The protected header holds `alg`, `enc`, the recipient's `kid` when it
/// has one, `epk` for the ECDH-ES family, then `extra`'s members as strings
/// (e.g. `("cty", "JWT")`, `("typ", "JWT")`; `apu` and `apv` are used by the
/// key derivation). The content key, IV and ephemeral key come from the
/// operating system's generator.
///
/// Errors: `crypto.key.mismatch` when the recipient's type or curve does
/// not suit `alg`, or its `use`, `key_ops` or `alg` rule encryption out;
/// `jwe.malformed` when `extra` repeats a member or names `zip`, `crit`,
/// `epk`, `alg` or `enc`, or its `apu`/`apv` is not base64url.
///
/// ```
/// use idbridge::jose::{self, DecryptionKey, JweAlg, JweEnc, JweOptions};
/// let rp = DecryptionKey::from_jwk_json(include_bytes!(
///     "../../test-vectors/keys/jwe/rsa2048.jwk.json"))?;
/// // The OP encrypts its signed UserInfo to the RP's published `enc` key,
/// // with what the SPID/CIE reference OP sends.
/// let token = jose::encrypt_compact(rp.public_jwk(), JweAlg::RsaOaep,
///     JweEnc::A256CbcHs512, b"eyJhbGciOiJSUzI1NiJ9.e30.c2ln", &[("cty", "JWT")])?;
/// assert!(token.starts_with("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZDQkMtSFM1MTIi"));
/// let userinfo = jose::decrypt_compact(&rp, &token, &JweOptions::new())?;
/// assert_eq!(userinfo.cty(), Some("JWT"));
/// assert_eq!(userinfo.kid(), Some("rsa2048-enc"));
/// # Ok::<(), idbridge::Error>(())
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub fn encrypt_compact(
    recipient: &super::Jwk,
    alg: JweAlg,
    enc: JweEnc,
    plaintext: &[u8],
    extra: &[(&str, &str)],
) -> Result<String> {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    use rand_core::{OsRng, RngCore};
    let mismatch = |reason| Error::new(ErrorCode::CryptoKeyMismatch, reason);
    let public = recipient.public_key();
    let fits = if alg.is_rsa() {
        public.rsa_components().is_some()
    } else {
        public.ec_point().is_some()
    };
    if !fits {
        return Err(mismatch("the recipient's key type does not suit alg"));
    }
    let use_fits = recipient
        .key_use()
        .is_none_or(|u| *u == super::jwk::KeyUse::Enc);
    let ops_fit = recipient.key_ops().is_none_or(|ops| {
        ops.iter().any(|o| {
            matches!(
                o.as_str(),
                "encrypt" | "wrapKey" | "deriveKey" | "deriveBits"
            )
        })
    });
    if !(use_fits && ops_fit && recipient.alg().is_none_or(|a| a == alg.name())) {
        return Err(mismatch(
            "the recipient's use, key_ops or alg rule this encryption out",
        ));
    }
    // The header, members in a fixed order.
    let text = |v: &str| serde_json::Value::String(v.to_string()).to_string();
    let mut names: Vec<&str> = vec!["alg", "enc"];
    let mut header = format!(
        "{{\"alg\":{},\"enc\":{}",
        text(alg.name()),
        text(enc.name())
    );
    if let Some(kid) = recipient.kid() {
        header.push_str(&format!(",\"kid\":{}", text(kid)));
        names.push("kid");
    }
    let (mut apu, mut apv) = (Vec::new(), Vec::new());
    for (name, value) in extra {
        if names.contains(name) || matches!(*name, "zip" | "crit" | "epk") {
            return Err(malformed(
                "an extra header member repeats one or is zip, crit or epk",
            ));
        }
        match *name {
            "apu" => apu = b64::decode(value).ok_or_else(|| malformed("apu is not base64url"))?,
            "apv" => apv = b64::decode(value).ok_or_else(|| malformed("apv is not base64url"))?,
            _ => {}
        }
        names.push(name);
        header.push_str(&format!(",{}:{}", text(name), text(value)));
    }
    let random = |len: usize| {
        let mut v = Zeroizing::new(vec![0u8; len]);
        OsRng.fill_bytes(&mut v);
        v
    };
    let (cek, encrypted_key) = if alg.is_rsa() {
        let (n, e) = public
            .rsa_components()
            .ok_or_else(|| mismatch("not an RSA key"))?;
        let key = rsa::RsaPublicKey::new(
            rsa::BigUint::from_bytes_be(n),
            rsa::BigUint::from_bytes_be(e),
        )
        .map_err(|_| mismatch("the RSA key does not load"))?;
        let cek = random(enc.key_len());
        let padding = match alg {
            JweAlg::RsaOaep => rsa::Oaep::new::<sha1::Sha1>(),
            _ => rsa::Oaep::new::<sha2::Sha256>(),
        };
        let wrapped = key
            .encrypt(&mut OsRng, padding, &cek)
            .map_err(|_| mismatch("RSA-OAEP encryption failed"))?;
        (cek, wrapped)
    } else {
        let (curve, point) = public.ec_point().ok_or_else(|| mismatch("not an EC key"))?;
        macro_rules! ephemeral {
            ($c:ident) => {{
                let them = $c::PublicKey::from_sec1_bytes(point)
                    .map_err(|_| mismatch("the EC key does not load"))?;
                let secret = $c::SecretKey::random(&mut OsRng);
                let shared = $c::ecdh::diffie_hellman(secret.to_nonzero_scalar(), them.as_affine());
                let z = Zeroizing::new(shared.raw_secret_bytes().to_vec());
                let mine = secret.public_key().to_encoded_point(false);
                (z, mine.as_bytes().to_vec())
            }};
        }
        let (z, epk_point) = match curve {
            Curve::P256 => ephemeral!(p256),
            Curve::P384 => ephemeral!(p384),
            Curve::P521 => ephemeral!(p521),
        };
        let len = (epk_point.len().saturating_sub(1)) / 2;
        let (x, y) = (
            epk_point.get(1..1 + len).unwrap_or_default(),
            epk_point.get(1 + len..).unwrap_or_default(),
        );
        let crv = match curve {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        };
        header.push_str(&format!(
            ",\"epk\":{{\"kty\":\"EC\",\"crv\":\"{crv}\",\"x\":\"{}\",\"y\":\"{}\"}}",
            b64::encode(x),
            b64::encode(y)
        ));
        match alg.kw_len() {
            None => (
                concat_kdf(&z, enc.name(), &apu, &apv, enc.key_len()),
                Vec::new(),
            ),
            Some(kw_len) => {
                let kek = concat_kdf(&z, alg.name(), &apu, &apv, kw_len);
                let cek = random(enc.key_len());
                let wrapped = match kw_len {
                    16 => aes_kw::KekAes128::try_from(kek.as_slice()).map(|k| k.wrap_vec(&cek)),
                    24 => aes_kw::KekAes192::try_from(kek.as_slice()).map(|k| k.wrap_vec(&cek)),
                    _ => aes_kw::KekAes256::try_from(kek.as_slice()).map(|k| k.wrap_vec(&cek)),
                };
                let wrapped = wrapped
                    .ok()
                    .and_then(|w| w.ok())
                    .ok_or_else(|| mismatch("AES key wrap failed"))?;
                (cek, wrapped)
            }
        }
    };
    header.push('}');
    let aad = b64::encode(header.as_bytes());
    let iv = random(enc.iv_len());
    let (ciphertext, tag) = encrypt_content(enc, &cek, aad.as_bytes(), &iv, plaintext)
        .ok_or_else(|| mismatch("content encryption failed"))?;
    Ok([
        aad,
        b64::encode(&encrypted_key),
        b64::encode(&iv),
        b64::encode(&ciphertext),
        b64::encode(&tag),
    ]
    .join("."))
}

/// Authenticated encryption of the content: (ciphertext, tag).
#[cfg(not(target_arch = "wasm32"))]
fn encrypt_content(
    enc: JweEnc,
    cek: &[u8],
    aad: &[u8],
    iv: &[u8],
    plaintext: &[u8],
) -> Option<(Vec<u8>, Vec<u8>)> {
    match enc {
        JweEnc::A128CbcHs256 => {
            cbc_hs_encrypt::<hmac::Hmac<sha2::Sha256>, aes::Aes128>(cek, aad, iv, plaintext)
        }
        JweEnc::A192CbcHs384 => {
            cbc_hs_encrypt::<hmac::Hmac<sha2::Sha384>, aes::Aes192>(cek, aad, iv, plaintext)
        }
        JweEnc::A256CbcHs512 => {
            cbc_hs_encrypt::<hmac::Hmac<sha2::Sha512>, aes::Aes256>(cek, aad, iv, plaintext)
        }
        JweEnc::A128Gcm => gcm_encrypt::<aes::Aes128>(cek, aad, iv, plaintext),
        JweEnc::A192Gcm => gcm_encrypt::<aes::Aes192>(cek, aad, iv, plaintext),
        JweEnc::A256Gcm => gcm_encrypt::<aes::Aes256>(cek, aad, iv, plaintext),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn cbc_hs_encrypt<M, C>(
    cek: &[u8],
    aad: &[u8],
    iv: &[u8],
    plaintext: &[u8],
) -> Option<(Vec<u8>, Vec<u8>)>
where
    M: hmac::Mac + hmac::digest::KeyInit,
    C: aes::cipher::BlockEncryptMut
        + aes::cipher::BlockCipher
        + aes::cipher::KeyInit
        + aes::cipher::BlockSizeUser<BlockSize = aes::cipher::consts::U16>,
    cbc::Encryptor<C>: aes::cipher::KeyIvInit + aes::cipher::BlockEncryptMut,
{
    use aes::cipher::{block_padding::Pkcs7, BlockEncryptMut, KeyIvInit};
    let half = cek.len() / 2;
    let mac_key = cek.get(..half)?;
    let enc_key = cek.get(half..)?;
    let ciphertext = cbc::Encryptor::<C>::new_from_slices(enc_key, iv)
        .ok()?
        .encrypt_padded_vec_mut::<Pkcs7>(plaintext);
    let tag = cbc_hs_tag::<M>(mac_key, aad, iv, &ciphertext)?;
    Some((ciphertext, tag))
}

#[cfg(not(target_arch = "wasm32"))]
fn gcm_encrypt<C>(cek: &[u8], aad: &[u8], iv: &[u8], plaintext: &[u8]) -> Option<(Vec<u8>, Vec<u8>)>
where
    C: aes::cipher::BlockCipher
        + aes::cipher::BlockSizeUser<BlockSize = aes::cipher::consts::U16>
        + aes::cipher::BlockEncrypt
        + aes::cipher::KeyInit,
{
    use aes_gcm::aead::{AeadInPlace, KeyInit};
    let cipher = aes_gcm::AesGcm::<C, aes::cipher::consts::U12>::new_from_slice(cek).ok()?;
    let nonce: [u8; 12] = iv.try_into().ok()?;
    let mut buffer = plaintext.to_vec();
    let tag = cipher
        .encrypt_in_place_detached(&nonce.into(), aad, &mut buffer)
        .ok()?;
    Some((buffer, tag.to_vec()))
}

// Native only: several tests encrypt, which wasm32 builds leave out.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// RFC 7516 Appendix A.2.4 / A.3.4: the content encryption key.
    const A2_CEK: [u8; 32] = [
        4, 211, 31, 197, 84, 157, 252, 254, 11, 100, 157, 250, 63, 170, 106, 206, 107, 124, 212,
        45, 111, 107, 9, 219, 200, 177, 0, 240, 143, 156, 44, 207,
    ];
    const A2_HEADER: &str = "eyJhbGciOiJSU0ExXzUiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0";
    const A3_HEADER: &str = "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0";
    const A_IV: &str = "AxY8DCtDaGlsbGljb3RoZQ";
    const A_CT: &str = "KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY";

    #[test]
    fn rfc7516_a2_and_a3_content_decrypts_with_a128cbc_hs256() {
        // The same CEK, IV and ciphertext; the tags differ with the AAD.
        for (aad, tag) in [
            (A2_HEADER, "9hH0vgRfYgPnAHOd8stkvw"),
            (A3_HEADER, "U0m_YmjN04DJvceFICbCVQ"),
        ] {
            let iv = b64::decode(A_IV).unwrap();
            let ct = b64::decode(A_CT).unwrap();
            let tag = b64::decode(tag).unwrap();
            let pt = decrypt_content(
                JweEnc::A128CbcHs256,
                &A2_CEK,
                aad.as_bytes(),
                &iv,
                &ct,
                &tag,
            )
            .unwrap();
            assert_eq!(pt.as_slice(), b"Live long and prosper.");
            // The other header as AAD: the tag no longer matches.
            let other = if aad == A2_HEADER {
                A3_HEADER
            } else {
                A2_HEADER
            };
            assert!(decrypt_content(
                JweEnc::A128CbcHs256,
                &A2_CEK,
                other.as_bytes(),
                &iv,
                &ct,
                &tag
            )
            .is_none());
            // Encryption gives the RFC's ciphertext and tag back.
            let (c2, t2) = encrypt_content(
                JweEnc::A128CbcHs256,
                &A2_CEK,
                aad.as_bytes(),
                &iv,
                b"Live long and prosper.",
            )
            .unwrap();
            assert_eq!((c2, t2), (ct, tag));
        }
    }

    #[test]
    fn rfc7516_a3_key_unwraps_with_aes_kw() {
        let kek = b64::decode("GawgguFyGrWKav7AX4VKUg").unwrap();
        let wrapped =
            b64::decode("6KB707dM9YTIgHtLvtgWQ8mKwboJW3of9locizkDTHzBC2IlrT1oOQ").unwrap();
        assert_eq!(aes_unwrap(&kek, &wrapped).unwrap().as_slice(), &A2_CEK);
        let mut bad = wrapped.clone();
        bad[3] ^= 1;
        assert!(aes_unwrap(&kek, &bad).is_none());
    }

    const BOB: &[u8] = br#"{"kty":"EC","crv":"P-256",
        "x":"weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ",
        "y":"e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck",
        "d":"VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw"}"#;
    const ALICE_EPK: &str = r#"{"kty":"EC","crv":"P-256","x":"gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0","y":"SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps"}"#;

    #[test]
    fn rfc7518_appendix_c_ecdh_es_key_agreement() {
        let bob = DecryptionKey::from_jwk_json(BOB).unwrap();
        let epk = parse_epk(&json::parse(ALICE_EPK.as_bytes(), 8).unwrap()).unwrap();
        let z = agree(bob.secret(), &epk).unwrap();
        let key = concat_kdf(&z, "A128GCM", b"Alice", b"Bob", 16);
        assert_eq!(b64::encode(&key), "VqqN6vgjbSBcIijNcacQGg");

        // A whole token under that key: Bob decrypts it through the public API.
        let header = format!(
            r#"{{"alg":"ECDH-ES","enc":"A128GCM","apu":"QWxpY2U","apv":"Qm9i","epk":{ALICE_EPK}}}"#
        );
        let aad = b64::encode(header.as_bytes());
        let iv = [7u8; 12];
        let (ct, tag) =
            encrypt_content(JweEnc::A128Gcm, &key, aad.as_bytes(), &iv, b"for Bob").unwrap();
        let token = format!(
            "{aad}..{}.{}.{}",
            b64::encode(&iv),
            b64::encode(&ct),
            b64::encode(&tag)
        );
        let jwe = decrypt_compact(&bob, &token, &JweOptions::new()).unwrap();
        assert_eq!(jwe.plaintext(), b"for Bob");
        // Other apu: another key, the tag fails.
        let header2 = header.replace("QWxpY2U", "Qm9j");
        let token2 = token.replacen(&aad, &b64::encode(header2.as_bytes()), 1);
        assert_eq!(
            decrypt_compact(&bob, &token2, &JweOptions::new())
                .unwrap_err()
                .code(),
            "jwe.decryption.failed"
        );
    }

    #[test]
    fn concat_kdf_spans_several_rounds() {
        // 64 bytes = two SHA-256 rounds; the first 32 are round 1's.
        let long = concat_kdf(b"z", "A256CBC-HS512", b"", b"", 64);
        let short = concat_kdf(b"z", "A256CBC-HS512", b"", b"", 32);
        assert_eq!(long.len(), 64);
        assert_ne!(&long[..32], short.as_slice()); // keydatalen is in OtherInfo
    }

    #[test]
    fn rejection_key_is_deterministic_and_key_bound() {
        let bob = DecryptionKey::from_jwk_json(BOB).unwrap();
        assert_ne!(bob.rejection_key(), &[0u8; 32]);
        let again = DecryptionKey::from_jwk_json(BOB).unwrap();
        assert_eq!(bob.rejection_key(), again.rejection_key());
    }
}
