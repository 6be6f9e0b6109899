//! Collect, then discharge: how a verification releases a verified value.
//!
//! A verifier does all of its parsing and policy checks first and collects
//! the signature checks its result depends on into a [`Pending`] value. A
//! [`Backend`] (or an [`AsyncBackend`], such as the browser's WebCrypto)
//! then runs them, and only when every check has passed does `Pending`
//! release the value. No code path hands out the value early: the field is
//! private and the only ways out are [`Pending::verify`] and
//! [`Pending::verify_async`].

use super::algorithm::{Algorithm, AllowList};
use super::encoding;
use super::key::PublicKey;
use crate::error::{Error, ErrorCode, Result};

/// One signature check, validated and normalized, waiting for a backend.
///
/// Built by [`SignatureCheck::new`], which applies every policy and encoding
/// rule, so a backend only does the arithmetic and all backends agree on
/// every error code.
#[derive(Clone, Debug)]
pub struct SignatureCheck {
    algorithm: Algorithm,
    key: PublicKey,
    message: Vec<u8>,
    signature: Vec<u8>,
    on_failure: Error,
}

impl SignatureCheck {
    /// Validates a check in the order: algorithm on the allow-list → key
    /// matches the algorithm → signature encoding. `on_failure` is the error
    /// reported when the arithmetic later fails (a verifier passes its own,
    /// e.g. `webeid.signature.invalid`).
    pub fn new(
        allowed: AllowList,
        algorithm: Algorithm,
        key: &PublicKey,
        message: &[u8],
        signature: &[u8],
        on_failure: Error,
    ) -> Result<Self> {
        allowed.check(algorithm)?;
        key.check_matches(algorithm)?;
        let signature = match algorithm {
            Algorithm::Ecdsa {
                curve, encoding, ..
            } => encoding::ecdsa_to_raw(curve, encoding, signature)?,
            Algorithm::RsaPkcs1v15(_) | Algorithm::RsaPss(_) => {
                let (n, _) = key.rsa_components().ok_or(Error::new(
                    ErrorCode::CryptoKeyMismatch,
                    "the key's type or curve does not match the algorithm",
                ))?;
                encoding::check_rsa_signature(n, signature)?;
                signature.to_vec()
            }
        };
        Ok(SignatureCheck {
            algorithm,
            key: key.clone(),
            message: message.to_vec(),
            signature,
            on_failure,
        })
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The validated public key.
    pub fn key(&self) -> &PublicKey {
        &self.key
    }

    /// The signed message (the backend hashes it with `algorithm().hash()`).
    pub fn message(&self) -> &[u8] {
        &self.message
    }

    /// The normalized signature: for ECDSA, fixed-width `r ‖ s` with both
    /// scalars in `[1, n-1]`; for RSA, exactly the modulus length and below it.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The normalized ECDSA signature re-encoded as DER (for backends that
    /// only accept DER); `None` for RSA.
    pub fn signature_der(&self) -> Option<Vec<u8>> {
        match self.algorithm {
            Algorithm::Ecdsa { .. } => Some(encoding::raw_to_der(&self.signature)),
            _ => None,
        }
    }

    /// The error this check reports when the signature does not verify.
    pub fn failure(&self) -> &Error {
        &self.on_failure
    }
}

/// A backend said the arithmetic does not verify. Deliberately opaque: which
/// internal step failed is not reported (ring's rule: detail here is a side
/// channel).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rejected;

/// Runs signature arithmetic synchronously.
///
/// Implementations receive checks that already passed every policy and
/// encoding rule; they must return `Ok(())` only when the signature is
/// mathematically valid for the key, message and algorithm.
pub trait Backend: Send + Sync {
    /// A short name for reports (`"rustcrypto"`, `"aws-lc-rs"`, `"ring"`).
    fn name(&self) -> &'static str;

    /// Verifies one check.
    fn verify(&self, check: &SignatureCheck) -> core::result::Result<(), Rejected>;
}

/// Runs signature arithmetic asynchronously (for example with WebCrypto).
/// Every [`Backend`] is also an `AsyncBackend`.
#[allow(async_fn_in_trait)] // single-threaded hosts (wasm32) are the use
pub trait AsyncBackend {
    /// A short name for reports.
    fn name(&self) -> &'static str;

    /// Verifies one check.
    async fn verify(&self, check: &SignatureCheck) -> core::result::Result<(), Rejected>;
}

/// A backend that verifies with another and keeps every check it is given:
/// run a verification through it to learn the signature checks that
/// verification makes (the *floor* a verification is measured against, in
/// `idbridge bench` and the browser harness).
///
/// ```
/// # fn spki() -> Vec<u8> { include_bytes!("../../test-vectors/keys/p256.spki.der").to_vec() }
/// use idbridge::crypto::{self, Algorithm, AllowList, Backend, PublicKey, Recorder, SignatureCheck};
/// use idbridge::{Error, ErrorCode};
///
/// let key = PublicKey::from_spki_der(&spki())?;
/// let check = SignatureCheck::new(
///     AllowList::all(),
///     Algorithm::ECDSA_P256_SHA256_RAW,
///     &key,
///     b"message",
///     &[1; 64],
///     Error::new(ErrorCode::CryptoSignatureInvalid, "bad"),
/// )?;
/// let recorder = Recorder::new(crypto::default_backend());
/// assert!(recorder.verify(&check).is_err()); // the inner backend's answer
/// assert_eq!(recorder.into_checks().len(), 1);
/// # Ok::<(), Error>(())
/// ```
pub struct Recorder<'b> {
    inner: &'b dyn Backend,
    seen: std::sync::Mutex<Vec<SignatureCheck>>,
}

impl core::fmt::Debug for Recorder<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Recorder")
            .field("inner", &self.inner.name())
            .finish_non_exhaustive()
    }
}

impl<'b> Recorder<'b> {
    /// Records the checks given to `inner`.
    pub fn new(inner: &'b dyn Backend) -> Self {
        Recorder {
            inner,
            seen: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// The checks seen, in order.
    pub fn into_checks(self) -> Vec<SignatureCheck> {
        self.seen
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Backend for Recorder<'_> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn verify(&self, check: &SignatureCheck) -> core::result::Result<(), Rejected> {
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(check.clone());
        self.inner.verify(check)
    }
}

impl<B: Backend + ?Sized> AsyncBackend for B {
    fn name(&self) -> &'static str {
        Backend::name(self)
    }

    async fn verify(&self, check: &SignatureCheck) -> core::result::Result<(), Rejected> {
        Backend::verify(self, check)
    }
}

/// A value that is released only after all of its signature checks pass.
///
/// ```
/// # fn spki() -> Vec<u8> { include_bytes!("../../test-vectors/keys/p256.spki.der").to_vec() }
/// use idbridge::crypto::{self, Algorithm, AllowList, Pending, PublicKey, SignatureCheck};
/// use idbridge::{Error, ErrorCode, Limits};
///
/// let key = PublicKey::from_spki_der(&spki())?;
/// let mut pending = Pending::new("the claims", &Limits::default());
/// let zero_sig = [0u8; 64];
/// let check = SignatureCheck::new(AllowList::all(), Algorithm::ECDSA_P256_SHA256_RAW, &key,
///     b"message", &zero_sig, Error::new(ErrorCode::CryptoSignatureInvalid, "bad"));
/// // r = s = 0 never reaches a backend (CVE-2022-21449):
/// assert_eq!(check.unwrap_err().code(), "crypto.signature.malformed");
/// // With no checks collected, verification refuses to release the value.
/// assert!(pending.verify(crypto::default_backend()).is_err());
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Debug)]
#[must_use = "a Pending value is released only by verify() or verify_async()"]
pub struct Pending<T> {
    checks: Vec<SignatureCheck>,
    max_checks: usize,
    value: T,
}

impl<T> Pending<T> {
    /// Holds `value` until the checks pushed onto it pass.
    pub fn new(value: T, limits: &crate::Limits) -> Self {
        Pending {
            checks: Vec::new(),
            max_checks: limits.max_signature_checks(),
            value,
        }
    }

    /// Adds a check; more than the limit's signature checks is an error.
    pub fn push(&mut self, check: SignatureCheck) -> Result<()> {
        if self.checks.len() >= self.max_checks {
            return Err(Error::new(
                ErrorCode::CryptoChecksExceeded,
                "more signature checks than the limit allows",
            ));
        }
        self.checks.push(check);
        Ok(())
    }

    /// The collected checks, in the order they will run.
    pub fn checks(&self) -> &[SignatureCheck] {
        &self.checks
    }

    fn refuse_empty(&self) -> Result<()> {
        if self.checks.is_empty() {
            // A value with nothing to verify is never "verified".
            return Err(Error::new(
                ErrorCode::CryptoSignatureInvalid,
                "no signature check was collected",
            ));
        }
        Ok(())
    }

    /// Runs every check with `backend` (in order, stopping at the first
    /// failure) and releases the value only if all pass.
    pub fn verify(self, backend: &dyn Backend) -> Result<T> {
        self.refuse_empty()?;
        for check in &self.checks {
            if backend.verify(check).is_err() {
                return Err(check.on_failure.clone());
            }
        }
        Ok(self.value)
    }

    /// As [`Pending::verify`], with an asynchronous backend.
    pub async fn verify_async<B: AsyncBackend + ?Sized>(self, backend: &B) -> Result<T> {
        self.refuse_empty()?;
        for check in &self.checks {
            if backend.verify(check).await.is_err() {
                return Err(check.on_failure.clone());
            }
        }
        Ok(self.value)
    }
}
