//! The relying party's three RSA-2048 keys, as the SPID/CIE guidelines
//! separate them: `fed` signs the entity configuration (federation `jwks`),
//! `sig` signs the request object and the client assertion, `enc` decrypts
//! the UserInfo (both in `metadata.openid_relying_party.jwks`).
//!
//! They live as private JWKs (RFC 7518 §6.3.2: `n`, `e`, `d`, `p`, `q`,
//! `dp`, `dq`, `qi`) in a directory of their own (`fed.jwk.json`,
//! `sig.jwk.json`, `enc.jwk.json`, mode 0600), made on first start and
//! read through `idbridge::jose::PrivateJwk`. Each key's `kid` is its
//! RFC 7638 thumbprint.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use idbridge::crypto::RustCryptoSigner;
use idbridge::jose::{DecryptionKey, Jwk, PrivateJwk};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use std::path::Path;

/// One signing key with its public JWK.
#[derive(Debug)]
pub struct SigningKey {
    signer: RustCryptoSigner,
    jwk: Jwk,
}

impl SigningKey {
    /// The signer.
    pub fn signer(&self) -> &RustCryptoSigner {
        &self.signer
    }

    /// The public JWK (`kid`, `use`, `alg` set).
    pub fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    /// The `kid`.
    pub fn kid(&self) -> &str {
        self.jwk.kid().unwrap_or(self.jwk.thumbprint())
    }
}

/// The three keys.
#[derive(Debug)]
pub struct RpKeys {
    /// Signs the entity configuration.
    pub federation: SigningKey,
    /// Signs request objects and client assertions.
    pub core_sig: SigningKey,
    /// Decrypts the UserInfo.
    pub core_enc: DecryptionKey,
}

fn b64(n: &rsa::BigUint) -> String {
    URL_SAFE_NO_PAD.encode(n.to_bytes_be())
}

/// A fresh RSA-2048 private JWK with `use`, `alg` and `kid` (its thumbprint).
pub fn generate(key_use: &str, alg: &str) -> Result<String, String> {
    let key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048)
        .map_err(|e| format!("RSA key generation: {e}"))?;
    let primes = key.primes();
    let (Some(p), Some(q), Some(dp), Some(dq), Some(qi)) = (
        primes.first(),
        primes.get(1),
        key.dp(),
        key.dq(),
        key.crt_coefficient(),
    ) else {
        return Err("RSA key generation gave no CRT parameters".into());
    };
    let mut jwk = serde_json::json!({
        "kty": "RSA",
        "n": b64(key.n()), "e": b64(key.e()), "d": b64(key.d()),
        "p": b64(p), "q": b64(q), "dp": b64(dp), "dq": b64(dq), "qi": b64(&qi),
        "use": key_use, "alg": alg,
    });
    let parsed = PrivateJwk::from_json(jwk.to_string().as_bytes())
        .map_err(|e| format!("generated key: {e}"))?;
    let kid = parsed.public_jwk().thumbprint().to_owned();
    if let Some(o) = jwk.as_object_mut() {
        o.insert("kid".into(), serde_json::Value::String(kid));
    }
    Ok(jwk.to_string())
}

fn generate_or_read(
    dir: &Path,
    name: &str,
    key_use: &str,
    alg: &str,
) -> Result<PrivateJwk, String> {
    let path = dir.join(format!("{name}.jwk.json"));
    if !path.exists() {
        // Said before the work: a first start spends its time here, and a
        // script waiting for the server can tell that from a hang.
        eprintln!(
            "oidc-rp: making the {name} key (RSA-2048) in {}",
            path.display()
        );
        write_private(&path, generate(key_use, alg)?.as_bytes())?;
    }
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let key = PrivateJwk::from_json(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    if key.public_jwk().key_use().map(|u| u.as_str()) != Some(key_use) || key.kid().is_none() {
        return Err(format!(
            "{}: needs \"use\": \"{key_use}\" and a \"kid\"",
            path.display()
        ));
    }
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    f.write_all(bytes)
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn signing_key(key: &PrivateJwk, name: &str) -> Result<SigningKey, String> {
    let signer = key.signer().map_err(|e| format!("{name}: {e}"))?;
    Ok(SigningKey {
        signer,
        jwk: key.public_jwk().clone(),
    })
}

impl RpKeys {
    /// Reads the keys from `dir`, making (and saving) those that are missing.
    pub fn load_or_create(dir: &Path) -> Result<RpKeys, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let fed = generate_or_read(dir, "fed", "sig", "RS256")?;
        let sig = generate_or_read(dir, "sig", "sig", "RS256")?;
        let enc = generate_or_read(dir, "enc", "enc", "RSA-OAEP")?;
        Ok(RpKeys {
            federation: signing_key(&fed, "fed.jwk.json")?,
            core_sig: signing_key(&sig, "sig.jwk.json")?,
            core_enc: DecryptionKey::from(enc),
        })
    }

    /// Keys from three private JWKs (tests, or keys held elsewhere).
    pub fn from_jwks(fed: &[u8], sig: &[u8], enc: &[u8]) -> Result<RpKeys, String> {
        let parse = |b: &[u8], n: &str| PrivateJwk::from_json(b).map_err(|e| format!("{n}: {e}"));
        Ok(RpKeys {
            federation: signing_key(&parse(fed, "fed")?, "fed")?,
            core_sig: signing_key(&parse(sig, "sig")?, "sig")?,
            core_enc: DecryptionKey::from(parse(enc, "enc")?),
        })
    }
}
