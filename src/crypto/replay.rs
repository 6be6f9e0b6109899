//! Record and replay: the one way a verification's signature checks are
//! answered by something other than a synchronous [`Backend`] (the
//! browser's WebCrypto, which only answers asynchronously), and the way
//! the checks a verification performs are recorded (the bench floors).
//!
//! The verifiers are synchronous and call a [`Backend`] for every
//! signature check their result depends on (X.509 chain signatures
//! included). [`discharge`] runs such a verifier in rounds:
//!
//! 1. run it with a provisional [`Recorder`], which answers each check from
//!    the real answers learnt so far (its answers table) and, for a check
//!    it has no answer for, records it and answers "valid" *provisionally*;
//! 2. verify the recorded checks with a [`BatchVerifier`] (WebCrypto, or any
//!    synchronous [`Backend`]);
//! 3. if every provisional answer turned out true, every answer the run got
//!    was the real one: a verifier is a deterministic function of its inputs
//!    and of its backend's answers, so that run *is* the verification, and
//!    its result is returned (a run that recorded nothing is the same case);
//! 4. otherwise its result is discarded, whatever it was, and the verifier
//!    runs again with the real answers learnt.
//!
//! So a result only ever comes from a run each of whose answers was real.
//! A verification still recording after [`MAX_ROUNDS`] runs fails with
//! `crypto.checks.exceeded`: fail closed. A genuine input takes one round;
//! a bad signature two (the second run takes the failure path); a chain
//! whose first candidate issuer does not verify, one more per candidate.
//!
//! A [`Recorder`] built on a backend ([`Recorder::new`]) instead answers
//! every check with that backend and keeps each check, in order
//! ([`Recorder::into_checks`]): the signature checks one verification
//! performs, which the bench floors time alone.
//!
//! ```
//! use idbridge::crypto::{self, replay, Algorithm, AllowList, PublicKey, Recorder};
//! # fn spki() -> Vec<u8> { include_bytes!("../../test-vectors/keys/p256.spki.der").to_vec() }
//! # fn block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
//! # }
//! let key = PublicKey::from_spki_der(&spki())?;
//! let recorder = Recorder::provisional();
//! // Any synchronous backend is a BatchVerifier; WebCrypto is the real use.
//! let result = block_on(replay::discharge(&recorder, &crypto::RustCrypto, || {
//!     crypto::verify_with_key(&recorder, AllowList::all(), Algorithm::ECDSA_P256_SHA256_RAW,
//!         &key, b"message", &[1; 64])
//! }))?;
//! // Run 1 was told "valid"; its result was discarded and run 2 got the real answer.
//! assert_eq!(result.unwrap_err().code(), "crypto.signature.invalid");
//! # Ok::<(), idbridge::Error>(())
//! ```

use super::check::{Backend, Rejected, SignatureCheck};
use crate::error::{Error, ErrorCode, Result};
use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

/// The most runs of a verifier per [`discharge`]. Every run but the last
/// learns at least one failing check, so this exceeds the failing checks
/// one verification can meet under the default limits (path building
/// verifies at most 16 signatures, a SPID Response has two, a Web eID
/// token one plus its OCSP and signing-certificate checks): the
/// asynchronous and synchronous paths never differ on an input the
/// synchronous one can decide, and a pathological input costs at most this
/// many runs.
pub const MAX_ROUNDS: usize = 24;

/// The identity of a check: everything its answer depends on, each part
/// length-prefixed so that no two different checks share an identity.
fn identity(check: &SignatureCheck) -> Vec<u8> {
    let parts: [&[u8]; 4] = [
        check.algorithm().id().as_bytes(),
        check.key().spki_der(),
        check.message(),
        check.signature(),
    ];
    let mut id = Vec::with_capacity(parts.iter().map(|p| p.len() + 8).sum());
    for p in parts {
        id.extend_from_slice(&(p.len() as u64).to_be_bytes());
        id.extend_from_slice(p);
    }
    id
}

/// The answers table: check identity → the signature verifies. Only real
/// answers (a [`BatchVerifier`]'s) enter it.
type Answers = BTreeMap<Vec<u8>, bool>;

/// One run's state.
#[derive(Debug, Default)]
struct State {
    /// Real answers, for a provisional recorder.
    answers: Answers,
    /// Checks a provisional recorder was asked and had no answer for.
    misses: BTreeMap<Vec<u8>, SignatureCheck>,
    /// Every check a recorder on a backend was asked, in order.
    seen: Vec<SignatureCheck>,
}

/// A [`Backend`] that records the checks it is asked: provisional (answers
/// from its answers table, records and provisionally accepts the rest; only
/// [`discharge`] reads a result from it) or on a backend (that backend's
/// answers, every check kept). See the module documentation.
///
/// Its state is swapped in for one synchronous run at a time, so a
/// `static` provisional recorder can serve APIs that need a
/// `&'static dyn Backend`; no state stays in it between runs of
/// [`discharge`].
pub struct Recorder<'b> {
    inner: Option<&'b dyn Backend>,
    state: Mutex<State>,
}

impl core::fmt::Debug for Recorder<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Recorder")
            .field("inner", &self.inner.map(|b| b.name()))
            .finish_non_exhaustive()
    }
}

impl Recorder<'static> {
    /// A provisional recorder, for [`discharge`].
    pub const fn provisional() -> Self {
        Recorder {
            inner: None,
            state: Mutex::new(State {
                answers: BTreeMap::new(),
                misses: BTreeMap::new(),
                seen: Vec::new(),
            }),
        }
    }
}

impl<'b> Recorder<'b> {
    /// A recorder that verifies with `inner` and keeps every check it is
    /// given: run a verification through it to learn the signature checks
    /// that verification makes (the *floor* a verification is measured
    /// against, in `idbridge bench` and the browser harness).
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
    pub const fn new(inner: &'b dyn Backend) -> Self {
        Recorder {
            inner: Some(inner),
            state: Mutex::new(State {
                answers: BTreeMap::new(),
                misses: BTreeMap::new(),
                seen: Vec::new(),
            }),
        }
    }

    /// The checks a recorder on a backend was given, in order (none for a
    /// provisional recorder).
    pub fn into_checks(self) -> Vec<SignatureCheck> {
        self.state
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .seen
    }

    /// Puts `state` in, returns what was there (`None`: the lock is
    /// poisoned, which a synchronous run cannot cause).
    fn swap(&self, state: State) -> Option<State> {
        let mut guard = self.state.lock().ok()?;
        Some(std::mem::replace(&mut *guard, state))
    }
}

impl Backend for Recorder<'_> {
    fn name(&self) -> &'static str {
        match self.inner {
            Some(inner) => inner.name(),
            None => "recorder",
        }
    }

    fn verify(&self, check: &SignatureCheck) -> core::result::Result<(), Rejected> {
        if let Some(inner) = self.inner {
            self.state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .seen
                .push(check.clone());
            return inner.verify(check);
        }
        // A poisoned lock cannot happen; if it did, reject.
        let Ok(mut state) = self.state.lock() else {
            return Err(Rejected);
        };
        let id = identity(check);
        match state.answers.get(&id) {
            Some(true) => Ok(()),
            Some(false) => Err(Rejected),
            None => {
                state.misses.entry(id).or_insert_with(|| check.clone());
                // Provisional: this run's result is discarded (see `discharge`).
                Ok(())
            }
        }
    }
}

/// Verifies recorded checks asynchronously: one answer per check, in
/// order, `true` when the signature verifies. It takes a batch so that it
/// can verify concurrently (WebCrypto starts every key import and every
/// verification before awaiting any). Every synchronous [`Backend`] is one.
#[allow(async_fn_in_trait)] // single-threaded hosts (wasm32) are the use
pub trait BatchVerifier {
    /// Verifies `checks`.
    async fn verify_all(&self, checks: &[&SignatureCheck]) -> Vec<bool>;
}

impl<B: Backend + ?Sized> BatchVerifier for B {
    async fn verify_all(&self, checks: &[&SignatureCheck]) -> Vec<bool> {
        checks.iter().map(|c| self.verify(c).is_ok()).collect()
    }
}

/// Runs `run` (a synchronous verification that uses `recorder` as its
/// backend) in rounds, verifying its unknown checks with `verifier` between
/// them, until a run got only real answers; returns that run's result
/// (see the module documentation). More than [`MAX_ROUNDS`] runs is
/// `crypto.checks.exceeded`.
///
/// `run` must do all of its signature checks through `recorder`: a check
/// made elsewhere is not this driver's to answer.
pub async fn discharge<T, V: BatchVerifier + ?Sized>(
    recorder: &Recorder<'_>,
    verifier: &V,
    mut run: impl FnMut() -> T,
) -> Result<T> {
    let lost = || {
        Error::new(
            ErrorCode::CryptoChecksExceeded,
            "the recorder state was lost",
        )
    };
    let mut answers = Answers::new();
    for _ in 0..MAX_ROUNDS {
        recorder
            .swap(State {
                answers,
                ..State::default()
            })
            .ok_or_else(lost)?;
        let value = run();
        let state = recorder.swap(State::default()).ok_or_else(lost)?;
        answers = state.answers;
        if state.misses.is_empty() {
            return Ok(value);
        }
        let checks: Vec<&SignatureCheck> = state.misses.values().collect();
        let verdicts = verifier.verify_all(&checks).await;
        // One real answer per provisional one, all of them "valid": the run
        // got the real answers only.
        let confirmed = verdicts.len() == checks.len() && verdicts.iter().all(|valid| *valid);
        if confirmed {
            return Ok(value);
        }
        // A provisional answer was wrong: this run's result means nothing.
        drop(value);
        for (id, valid) in state.misses.into_keys().zip(verdicts) {
            answers.insert(id, valid);
        }
    }
    Err(Error::new(
        ErrorCode::CryptoChecksExceeded,
        "the verification needed more rounds of signature checks than allowed",
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;
    use crate::crypto::{self, Algorithm, AllowList, PublicKey, RustCrypto};
    use std::cell::Cell;
    use std::future::Future;
    use std::task::{Context, Poll, Waker};

    fn key() -> PublicKey {
        PublicKey::from_spki_der(include_bytes!("../../test-vectors/keys/p256.spki.der")).unwrap()
    }

    /// A genuine P-256 signature and its message, from the vectors.
    fn genuine() -> (Vec<u8>, Vec<u8>) {
        use base64::Engine as _;
        let v: serde_json::Value = serde_json::from_slice(include_bytes!(
            "../../test-vectors/signature/ecdsa_raw.json"
        ))
        .unwrap();
        let group = v["testGroups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["context"]["algorithm"] == "ecdsa-p256-sha256-raw")
            .unwrap();
        let case = group["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["result"] == "valid")
            .unwrap();
        let msg = base64::engine::general_purpose::STANDARD
            .decode(case["input"]["base64"].as_str().unwrap())
            .unwrap();
        let hex = case["context"]["signature"].as_str().unwrap();
        let sig = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        (msg, sig)
    }

    fn check(msg: &[u8], sig: &[u8]) -> SignatureCheck {
        SignatureCheck::new(
            AllowList::all(),
            Algorithm::ECDSA_P256_SHA256_RAW,
            &key(),
            msg,
            sig,
            Error::new(ErrorCode::CryptoSignatureInvalid, "bad"),
        )
        .unwrap()
    }

    /// One signature check on `backend`, as a verifier does it.
    fn verify(backend: &dyn Backend, msg: &[u8], sig: &[u8]) -> Result<()> {
        crypto::verify_with_key(
            backend,
            AllowList::all(),
            Algorithm::ECDSA_P256_SHA256_RAW,
            &key(),
            msg,
            sig,
        )
    }

    /// The truth (RustCrypto), counting its calls.
    #[derive(Default)]
    struct Truth {
        calls: Cell<usize>,
    }

    impl BatchVerifier for Truth {
        async fn verify_all(&self, checks: &[&SignatureCheck]) -> Vec<bool> {
            self.calls.set(self.calls.get() + 1);
            RustCrypto.verify_all(checks).await
        }
    }

    /// Polls to completion with a waker that does nothing (every future
    /// here wakes itself before returning `Pending`).
    fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..1000 {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
        panic!("the future never finished");
    }

    /// Returns `Pending` once, as a host's promise does.
    struct YieldOnce(bool);

    impl Future for YieldOnce {
        type Output = ();
        fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                Poll::Ready(())
            } else {
                self.0 = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }

    /// RustCrypto, except that it refuses one check, whatever its
    /// signature: synchronously ([`Backend`]) or after yielding (its
    /// [`BatchVerifier`] impl below, the stand-in for WebCrypto).
    struct Refusing(Vec<u8>);

    impl Backend for Refusing {
        fn name(&self) -> &'static str {
            "refusing"
        }
        fn verify(&self, check: &SignatureCheck) -> core::result::Result<(), Rejected> {
            if identity(check) == self.0 {
                Err(Rejected)
            } else {
                RustCrypto.verify(check)
            }
        }
    }

    struct RefusingAsync(Refusing);

    impl BatchVerifier for RefusingAsync {
        async fn verify_all(&self, checks: &[&SignatureCheck]) -> Vec<bool> {
            let mut out = Vec::new();
            for c in checks {
                YieldOnce(false).await;
                out.push(self.0.verify(c).is_ok());
            }
            out
        }
    }

    #[test]
    fn unknown_checks_are_recorded_once_and_known_ones_answered() {
        let (msg, sig) = genuine();
        let (a, b) = (check(&msg, &[1; 64]), check(&msg, &sig));
        let r = Recorder::provisional();
        assert!(r.verify(&a).is_ok()); // provisional
        assert!(r.verify(&a).is_ok());
        assert!(r.verify(&b).is_ok());
        let state = r.swap(State::default()).unwrap();
        assert_eq!(state.misses.len(), 2);
        let mut answers = Answers::new();
        answers.insert(identity(&a), false);
        answers.insert(identity(&b), true);
        r.swap(State {
            answers,
            ..State::default()
        });
        assert_eq!(r.verify(&a), Err(Rejected));
        assert_eq!(r.verify(&b), Ok(()));
        assert!(r.swap(State::default()).unwrap().misses.is_empty());
        assert!(r.into_checks().is_empty());
    }

    #[test]
    fn a_recorder_on_a_backend_keeps_every_check_in_order() {
        let (msg, sig) = genuine();
        let r = Recorder::new(&RustCrypto);
        assert_eq!(r.name(), "rustcrypto");
        assert!(verify(&r, &msg, &[1; 64]).is_err());
        assert!(verify(&r, &msg, &sig).is_ok());
        assert!(verify(&r, &msg, &sig).is_ok());
        let seen = r.into_checks();
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0].signature(), [1; 64]);
        // discharge on it: one run, its answers all real.
        let r = Recorder::new(&RustCrypto);
        let runs = Cell::new(0);
        let out = block_on(discharge(&r, &Truth::default(), || {
            runs.set(runs.get() + 1);
            verify(&r, &msg, &[1; 64])
        }));
        assert_eq!(out.unwrap().unwrap_err().code(), "crypto.signature.invalid");
        assert_eq!(runs.get(), 1);
    }

    #[test]
    fn identities_are_unambiguous() {
        let (msg, sig) = genuine();
        assert_ne!(
            identity(&check(&msg, &sig)),
            identity(&check(&msg, &[1; 64]))
        );
        assert_ne!(identity(&check(&msg, &sig)), identity(&check(b"", &sig)));
        assert_eq!(identity(&check(&msg, &sig)), identity(&check(&msg, &sig)));
    }

    #[test]
    fn a_genuine_signature_takes_one_round() {
        let (msg, sig) = genuine();
        let (recorder, truth, runs) = (Recorder::provisional(), Truth::default(), Cell::new(0));
        let r = block_on(discharge(&recorder, &truth, || {
            runs.set(runs.get() + 1);
            verify(&recorder, &msg, &sig)
        }));
        assert!(matches!(r, Ok(Ok(()))));
        assert_eq!((runs.get(), truth.calls.get()), (1, 1));
    }

    #[test]
    fn a_bad_signature_never_returns_the_provisional_success() {
        let (msg, mut sig) = genuine();
        sig[7] ^= 1;
        let (recorder, truth, runs) = (Recorder::provisional(), Truth::default(), Cell::new(0));
        let r = block_on(discharge(&recorder, &truth, || {
            runs.set(runs.get() + 1);
            verify(&recorder, &msg, &sig)
        }));
        // Run 1 was told "valid" and succeeded; that result is discarded.
        let err = r.unwrap().unwrap_err();
        assert_eq!(err.code(), "crypto.signature.invalid");
        assert_eq!(
            err.code(),
            verify(&RustCrypto, &msg, &sig).unwrap_err().code()
        );
        assert_eq!((runs.get(), truth.calls.get()), (2, 1));
    }

    /// Like path building: try issuer A; if its signature fails, try C.
    fn path_like(backend: &dyn Backend, msg: &[u8], sig: &[u8]) -> Result<&'static str> {
        if verify(backend, msg, &[1u8; 64]).is_ok() {
            verify(backend, b"via A", sig).map(|()| "A")
        } else {
            verify(backend, msg, sig).map(|()| "C")
        }
    }

    #[test]
    fn a_path_chosen_by_an_answer_is_replayed_with_the_real_one() {
        let (msg, sig) = genuine();
        let (recorder, truth, runs) = (Recorder::provisional(), Truth::default(), Cell::new(0));
        let r = block_on(discharge(&recorder, &truth, || {
            runs.set(runs.get() + 1);
            path_like(&recorder, &msg, &sig)
        }));
        assert_eq!(r.unwrap().unwrap(), "C");
        assert_eq!((runs.get(), truth.calls.get()), (2, 2));
    }

    /// The driver's result equals the synchronous backend's, with an
    /// asynchronous verifier that refuses one (genuine) check.
    #[test]
    fn an_async_verifier_gives_the_synchronous_result() {
        let (msg, sig) = genuine();
        let run = |backend: &dyn Backend| {
            // Two checks: a genuine one, then (on its success) another.
            let first = verify(backend, &msg, &sig).map(|()| "first");
            let second = path_like(backend, &msg, &sig);
            (first.map_err(|e| e.code()), second.map_err(|e| e.code()))
        };
        let refusals = [
            check(&msg, &sig),
            check(&msg, &[1; 64]),
            check(b"via A", &sig),
            check(b"unused", &sig),
        ];
        for refused in &refusals {
            let sync = run(&Refusing(identity(refused)));
            let verifier = RefusingAsync(Refusing(identity(refused)));
            let recorder = Recorder::provisional();
            let asynch = block_on(discharge(&recorder, &verifier, || run(&recorder))).unwrap();
            assert_eq!(asynch, sync);
        }
        // The genuine check refused: both report it invalid.
        let sync = run(&Refusing(identity(&check(&msg, &sig))));
        assert_eq!(sync.0, Err("crypto.signature.invalid"));
        assert_eq!(sync.1, Err("crypto.signature.invalid"));
        // Refusing a check no run makes changes nothing.
        assert_eq!(run(&Refusing(identity(&refusals[3]))), run(&RustCrypto));
    }

    #[test]
    fn a_verifier_that_keeps_asking_fails_closed() {
        let runs = Cell::new(0u8);
        let (recorder, truth) = (Recorder::provisional(), Truth::default());
        // Every run asks a new check, which never verifies.
        let r = block_on(discharge(&recorder, &truth, || {
            runs.set(runs.get() + 1);
            verify(&recorder, &[runs.get()], &[1; 64])
        }));
        assert_eq!(r.unwrap_err().code(), "crypto.checks.exceeded");
        assert_eq!(usize::from(runs.get()), MAX_ROUNDS);
    }

    #[test]
    fn a_verifier_with_too_few_answers_never_confirms() {
        struct Silent;
        impl BatchVerifier for Silent {
            async fn verify_all(&self, _: &[&SignatureCheck]) -> Vec<bool> {
                Vec::new()
            }
        }
        let (msg, sig) = genuine();
        let recorder = Recorder::provisional();
        let r = block_on(discharge(&recorder, &Silent, || {
            verify(&recorder, &msg, &sig)
        }));
        assert_eq!(r.unwrap_err().code(), "crypto.checks.exceeded");
    }
}
