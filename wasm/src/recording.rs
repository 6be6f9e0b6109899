//! Asynchronous verification without asynchronous verifiers: record the
//! signature checks, verify them elsewhere, replay when needed.
//!
//! The verifiers of the core are synchronous and call a [`Backend`] for
//! every signature check they depend on (X.509 chain signatures included).
//! WebCrypto only answers asynchronously. So [`discharge`] runs a verifier
//! in rounds:
//!
//! 1. run it with a [`Recorder`], which answers each check from the real
//!    answers learnt so far and, for a check it has no answer for, records
//!    it and answers "valid" *provisionally*;
//! 2. verify the recorded checks, concurrently, with the [`Oracle`]
//!    (WebCrypto, or the WASM backend for what WebCrypto lacks);
//! 3. if every provisional answer turned out true, every answer the run got
//!    was the real one: a verifier is a deterministic function of its
//!    inputs and of its backend's answers, so that run *is* the
//!    verification, and its result is returned (a run that recorded
//!    nothing is the same case);
//! 4. otherwise its result is discarded, whatever it was, and the verifier
//!    runs again with the real answers learnt.
//!
//! A result is returned only from a run each of whose answers was
//! verified; a verification still recording after [`MAX_ROUNDS`] runs
//! fails with `crypto.checks.exceeded`: fail closed. A genuine input takes
//! one round; a bad signature two (the second run takes the failure path);
//! a chain whose first candidate issuer does not verify, one more per
//! candidate.

use idbridge::crypto::{Backend, Rejected, SignatureCheck};
use idbridge::{Error, ErrorCode};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The most runs of a verifier per verification. Every run but the last
/// learns at least one failing check, so this exceeds the failing checks
/// one verification can meet under the default limits (path building
/// verifies at most 16 signatures, a SPID Response has two, a token one
/// plus its OCSP and signing-certificate checks): the two paths never
/// differ on an input the synchronous one can decide, and a pathological
/// input costs at most this many runs.
pub const MAX_ROUNDS: usize = 24;

/// What a recorder knows and what it is missing.
#[derive(Debug, Default)]
pub(crate) struct Round {
    /// Real answers: check identity → the signature verifies.
    known: BTreeMap<Vec<u8>, bool>,
    /// Checks asked for and not known.
    misses: BTreeMap<Vec<u8>, SignatureCheck>,
}

/// A [`Backend`] that answers from real results and records the rest (see
/// the module documentation). Its state is swapped in for one synchronous
/// run at a time, so a `static` recorder can serve APIs that need a
/// `&'static dyn Backend` (the vector runner): wasm32 runs one synchronous
/// run at a time, and no state stays in the recorder between runs.
#[derive(Debug)]
pub struct Recorder {
    round: Mutex<Round>,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder::new()
    }
}

impl Recorder {
    /// A recorder with no state.
    pub const fn new() -> Self {
        Recorder {
            round: Mutex::new(Round {
                known: BTreeMap::new(),
                misses: BTreeMap::new(),
            }),
        }
    }

    /// Puts `round` in, returns what was there.
    fn swap(&self, round: Round) -> Option<Round> {
        let mut guard = self.round.lock().ok()?;
        Some(std::mem::replace(&mut *guard, round))
    }
}

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

impl Backend for Recorder {
    fn name(&self) -> &'static str {
        "webcrypto"
    }

    fn verify(&self, check: &SignatureCheck) -> Result<(), Rejected> {
        // A poisoned lock cannot happen on wasm32; if it did, reject.
        let Ok(mut round) = self.round.lock() else {
            return Err(Rejected);
        };
        let id = identity(check);
        match round.known.get(&id) {
            Some(true) => Ok(()),
            Some(false) => Err(Rejected),
            None => {
                round.misses.entry(id).or_insert_with(|| check.clone());
                // Provisional: this run's result is discarded (see `discharge`).
                Ok(())
            }
        }
    }
}

/// What verifies the recorded checks: one answer per check, in order,
/// `true` when the signature verifies ([`crate::WebCrypto`]).
#[allow(async_fn_in_trait)] // single-threaded wasm32 is the use
pub trait Oracle {
    /// Verifies `checks` (concurrently where it can).
    async fn verify_all(&self, checks: &[&SignatureCheck]) -> Vec<bool>;
}

/// Runs `run` (a synchronous verification that uses `recorder` as its
/// backend) in rounds, verifying its unknown checks with `oracle` between
/// them, until a run got only real answers; returns that run's result.
pub async fn discharge<T>(
    recorder: &Recorder,
    oracle: &impl Oracle,
    mut run: impl FnMut() -> T,
) -> Result<T, Error> {
    let lost = || {
        Error::new(
            ErrorCode::CryptoChecksExceeded,
            "the recorder state was lost",
        )
    };
    let mut known = BTreeMap::new();
    for _ in 0..MAX_ROUNDS {
        recorder
            .swap(Round {
                known,
                misses: BTreeMap::new(),
            })
            .ok_or_else(lost)?;
        let value = run();
        let round = recorder.swap(Round::default()).ok_or_else(lost)?;
        known = round.known;
        if round.misses.is_empty() {
            return Ok(value);
        }
        let checks: Vec<&SignatureCheck> = round.misses.values().collect();
        let answers = oracle.verify_all(&checks).await;
        // One real answer per provisional one, all of them "valid": the run
        // got the real answers only.
        let confirmed = answers.len() == checks.len() && answers.iter().all(|valid| *valid);
        if confirmed {
            return Ok(value);
        }
        // A provisional answer was wrong: this run's result means nothing.
        drop(value);
        for (id, valid) in round.misses.into_keys().zip(answers) {
            known.insert(id, valid);
        }
    }
    Err(Error::new(
        ErrorCode::CryptoChecksExceeded,
        "the verification needed more rounds of signature checks than allowed",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use idbridge::crypto::{self, Algorithm, AllowList, PublicKey, RustCrypto};
    use std::cell::Cell;
    use std::future::Future;
    use std::task::{Context, Poll, Waker};

    fn key() -> PublicKey {
        PublicKey::from_spki_der(include_bytes!("../../test-vectors/keys/p256.spki.der")).unwrap()
    }

    /// A genuine P-256 signature and its message, from the vectors.
    fn genuine() -> (Vec<u8>, Vec<u8>) {
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
    fn verify(backend: &dyn Backend, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
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

    impl Oracle for Truth {
        async fn verify_all(&self, checks: &[&SignatureCheck]) -> Vec<bool> {
            self.calls.set(self.calls.get() + 1);
            checks
                .iter()
                .map(|c| RustCrypto.verify(c).is_ok())
                .collect()
        }
    }

    /// Polls once: the test oracle never waits.
    fn ready<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("pending"),
        }
    }

    #[test]
    fn unknown_checks_are_recorded_once_and_known_ones_answered() {
        let (msg, sig) = genuine();
        let (a, b) = (check(&msg, &[1; 64]), check(&msg, &sig));
        let r = Recorder::new();
        assert!(r.verify(&a).is_ok()); // provisional
        assert!(r.verify(&a).is_ok());
        assert!(r.verify(&b).is_ok());
        let round = r.swap(Round::default()).unwrap();
        assert_eq!(round.misses.len(), 2);
        let mut known = BTreeMap::new();
        known.insert(identity(&a), false);
        known.insert(identity(&b), true);
        r.swap(Round {
            known,
            misses: BTreeMap::new(),
        });
        assert_eq!(r.verify(&a), Err(Rejected));
        assert_eq!(r.verify(&b), Ok(()));
        assert!(r.swap(Round::default()).unwrap().misses.is_empty());
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
        let (recorder, truth, runs) = (Recorder::new(), Truth::default(), Cell::new(0));
        let r = ready(discharge(&recorder, &truth, || {
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
        let (recorder, truth, runs) = (Recorder::new(), Truth::default(), Cell::new(0));
        let r = ready(discharge(&recorder, &truth, || {
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

    #[test]
    fn a_path_chosen_by_an_answer_is_replayed_with_the_real_one() {
        // Like path building: try issuer A; if its signature fails, try C.
        let (msg, sig) = genuine();
        let bad = [1u8; 64];
        let (recorder, truth, runs) = (Recorder::new(), Truth::default(), Cell::new(0));
        let r = ready(discharge(&recorder, &truth, || {
            runs.set(runs.get() + 1);
            if verify(&recorder, &msg, &bad).is_ok() {
                verify(&recorder, b"via A", &sig).map(|()| "A")
            } else {
                verify(&recorder, &msg, &sig).map(|()| "C")
            }
        }));
        assert_eq!(r.unwrap().unwrap(), "C");
        assert_eq!((runs.get(), truth.calls.get()), (2, 2));
    }

    #[test]
    fn a_verifier_that_keeps_asking_fails_closed() {
        let runs = Cell::new(0u8);
        let (recorder, truth) = (Recorder::new(), Truth::default());
        // Every run asks a new check, which never verifies.
        let r = ready(discharge(&recorder, &truth, || {
            runs.set(runs.get() + 1);
            verify(&recorder, &[runs.get()], &[1; 64])
        }));
        assert_eq!(r.unwrap_err().code(), "crypto.checks.exceeded");
        assert_eq!(usize::from(runs.get()), MAX_ROUNDS);
    }
}
