//! The WebCrypto backend: signature arithmetic by the host's
//! `crypto.subtle` (a browser's, or Node's `globalThis.crypto.subtle`).
//!
//! Each [`SignatureCheck`] arrives validated and normalized by the core
//! (algorithm allowed, key parsed and within policy, RSA signature of the
//! modulus length, ECDSA signature as fixed-width `r ‖ s` with both scalars
//! in range), so WebCrypto only does the arithmetic:
//!
//! | idbridge | `importKey("spki", …)` | `verify(…)` |
//! |---|---|---|
//! | `rsa-pkcs1v15-shaN` | `{name: "RSASSA-PKCS1-v1_5", hash: "SHA-N"}` | `{name: "RSASSA-PKCS1-v1_5"}` |
//! | `rsa-pss-shaN` | `{name: "RSA-PSS", hash: "SHA-N"}` | `{name: "RSA-PSS", saltLength: N/8}` |
//! | `ecdsa-pX-shaN-raw`/`-der` | `{name: "ECDSA", namedCurve: "P-X"}` | `{name: "ECDSA", hash: "SHA-N"}`, signature `r ‖ s` (IEEE P1363) |
//!
//! DER-encoded ECDSA signatures need no conversion here: the core already
//! normalized them to `r ‖ s` ([`SignatureCheck::signature`]), which is
//! what WebCrypto takes. The key WebCrypto imports is the SPKI the core
//! parsed and checked ([`idbridge::crypto::PublicKey::spki_der`]).
//!
//! Anything WebCrypto cannot do (no `crypto.subtle`, as on a plain-HTTP
//! page; a key the host refuses to import; an operation that throws) is
//! verified by the WASM backend instead: a check is never answered
//! without real arithmetic. Imported keys are cached per [`WebCrypto`]
//! (one per `Trust`), as promises, so concurrent verifications share them.

use idbridge::crypto::{Algorithm, Backend, Curve, HashAlg, RustCrypto, SignatureCheck};
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The host's `SubtleCrypto`.
    #[derive(Debug, Clone)]
    type Subtle;

    #[wasm_bindgen(method, catch, js_name = importKey)]
    fn import_key(
        this: &Subtle,
        format: &str,
        key: &Uint8Array,
        algorithm: &Object,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn verify(
        this: &Subtle,
        algorithm: &Object,
        key: &JsValue,
        signature: &Uint8Array,
        data: &Uint8Array,
    ) -> Result<Promise, JsValue>;
}

/// Imported keys kept per `WebCrypto`; past this many the cache restarts
/// (a long-running server sees a new user certificate per token).
const MAX_CACHED_KEYS: usize = 256;

/// Signature arithmetic by `crypto.subtle`, with the WASM backend for what
/// it lacks.
#[derive(Debug, Default)]
pub struct WebCrypto {
    /// `importKey` promises by import parameters and SPKI.
    keys: RefCell<BTreeMap<Vec<u8>, Promise>>,
    /// Checks answered by WebCrypto.
    by_webcrypto: Cell<u32>,
    /// Checks answered by the WASM backend instead.
    by_wasm: Cell<u32>,
}

/// The host's `crypto.subtle`, when it has one.
fn subtle() -> Option<Subtle> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok()?;
    if crypto.is_undefined() || crypto.is_null() {
        return None;
    }
    let subtle = Reflect::get(&crypto, &JsValue::from_str("subtle")).ok()?;
    if subtle.is_object() {
        Some(subtle.unchecked_into())
    } else {
        None
    }
}

/// Whether this host has `crypto.subtle` (a browser's secure context, or Node).
pub fn available() -> bool {
    subtle().is_some()
}

fn hash_name(h: HashAlg) -> Option<&'static str> {
    match h {
        HashAlg::Sha256 => Some("SHA-256"),
        HashAlg::Sha384 => Some("SHA-384"),
        HashAlg::Sha512 => Some("SHA-512"),
        _ => None,
    }
}

fn object(entries: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in entries {
        // Defining a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

/// `importKey`'s algorithm for `alg`; `None` for an algorithm this table
/// does not map (the WASM backend verifies it).
fn import_params(alg: Algorithm) -> Option<Object> {
    Some(match alg {
        Algorithm::RsaPkcs1v15(h) => object(&[
            ("name", "RSASSA-PKCS1-v1_5".into()),
            ("hash", hash_name(h)?.into()),
        ]),
        Algorithm::RsaPss(h) => {
            object(&[("name", "RSA-PSS".into()), ("hash", hash_name(h)?.into())])
        }
        Algorithm::Ecdsa { curve, .. } => object(&[
            ("name", "ECDSA".into()),
            (
                "namedCurve",
                match curve {
                    Curve::P256 => "P-256",
                    Curve::P384 => "P-384",
                    Curve::P521 => "P-521",
                    _ => return None,
                }
                .into(),
            ),
        ]),
        _ => return None,
    })
}

/// `verify`'s algorithm for `alg`; `None` as for [`import_params`].
fn verify_params(alg: Algorithm) -> Option<Object> {
    Some(match alg {
        Algorithm::RsaPkcs1v15(_) => object(&[("name", "RSASSA-PKCS1-v1_5".into())]),
        // RFC 8017 §9.1 as idbridge profiles it: salt length = hash length.
        Algorithm::RsaPss(h) => object(&[
            ("name", "RSA-PSS".into()),
            ("saltLength", JsValue::from_f64(h.output_len() as f64)),
        ]),
        Algorithm::Ecdsa { hash, .. } => {
            object(&[("name", "ECDSA".into()), ("hash", hash_name(hash)?.into())])
        }
        _ => return None,
    })
}

/// What a key import depends on: the import algorithm and the SPKI. (For
/// ECDSA the hash is a `verify` parameter, so one import serves all three.)
fn import_id(check: &SignatureCheck) -> Vec<u8> {
    let alg = check.algorithm();
    let tag: &[u8] = match alg {
        Algorithm::Ecdsa { .. } => b"ecdsa",
        // RSA: the hash is an import parameter; the algorithm's id names both.
        _ => alg.id().as_bytes(),
    };
    let mut id = Vec::with_capacity(tag.len() + 1 + check.key().spki_der().len());
    id.extend_from_slice(tag);
    id.push(0);
    id.extend_from_slice(check.key().spki_der());
    id
}

impl WebCrypto {
    /// A backend with an empty key cache.
    pub fn new() -> Self {
        WebCrypto::default()
    }

    /// How many checks WebCrypto answered, and how many the WASM backend
    /// answered because WebCrypto could not.
    pub fn counts(&self) -> (u32, u32) {
        (self.by_webcrypto.get(), self.by_wasm.get())
    }

    /// The WASM backend's answer, counted.
    fn fallback(&self, check: &SignatureCheck) -> bool {
        self.by_wasm.set(self.by_wasm.get().saturating_add(1));
        RustCrypto.verify(check).is_ok()
    }

    /// The (possibly cached) `importKey` promise for `check`'s key; `None`
    /// when the host has no WebCrypto or refuses the call outright.
    fn import(&self, subtle: &Subtle, check: &SignatureCheck) -> Option<Promise> {
        let id = import_id(check);
        let mut keys = self.keys.try_borrow_mut().ok()?;
        if let Some(p) = keys.get(&id) {
            return Some(p.clone());
        }
        let params = import_params(check.algorithm())?;
        let promise = subtle
            .import_key(
                "spki",
                &Uint8Array::from(check.key().spki_der()),
                &params,
                false,
                &Array::of1(&JsValue::from_str("verify")),
            )
            .ok()?;
        if keys.len() >= MAX_CACHED_KEYS {
            keys.clear();
        }
        keys.insert(id, promise.clone());
        Some(promise)
    }

    /// Verifies `checks` concurrently: every key import starts, then every
    /// verification, and only then is anything awaited. One answer per
    /// check, in order: `true` when the signature verifies.
    pub async fn verify_all(&self, checks: &[&SignatureCheck]) -> Vec<bool> {
        let Some(subtle) = subtle() else {
            return checks.iter().map(|c| self.fallback(c)).collect();
        };
        let imports: Vec<Option<Promise>> =
            checks.iter().map(|c| self.import(&subtle, c)).collect();
        let mut keys = Vec::with_capacity(checks.len());
        for import in imports {
            keys.push(match import {
                Some(p) => JsFuture::from(p).await.ok(),
                None => None,
            });
        }
        let verifications: Vec<Option<Promise>> = checks
            .iter()
            .zip(&keys)
            .map(|(check, key)| {
                let key = key.as_ref()?;
                subtle
                    .verify(
                        &verify_params(check.algorithm())?,
                        key,
                        &Uint8Array::from(check.signature()),
                        &Uint8Array::from(check.message()),
                    )
                    .ok()
            })
            .collect();
        let mut answers = Vec::with_capacity(checks.len());
        for (check, verification) in checks.iter().zip(verifications) {
            let answer = match verification {
                Some(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_bool()),
                None => None,
            };
            answers.push(match answer {
                Some(valid) => {
                    self.by_webcrypto
                        .set(self.by_webcrypto.get().saturating_add(1));
                    valid
                }
                // No answer from WebCrypto: the WASM backend decides.
                None => self.fallback(check),
            });
        }
        answers
    }
}

/// WebCrypto answers the checks [`idbridge::crypto::replay::discharge`]
/// records.
impl idbridge::crypto::replay::BatchVerifier for WebCrypto {
    async fn verify_all(&self, checks: &[&SignatureCheck]) -> Vec<bool> {
        WebCrypto::verify_all(self, checks).await
    }
}
