//! Asynchronous verification without asynchronous verifiers: record the
//! signature checks, verify them elsewhere, replay.
//!
//! The verifiers of the core are synchronous and call a [`Backend`] for
//! every signature check they depend on (X.509 chain signatures included).
//! WebCrypto only answers asynchronously. So [`discharge`] runs a verifier
//! in rounds:
//!
//! 1. run it with a [`Recorder`], which answers each check from the answers
//!    learnt so far and, for a check it has no answer for, records it and
//!    answers "valid" *provisionally*;
//! 2. if the run recorded nothing, every answer it got was a real one: its
//!    result is the verification's result, exactly what the synchronous
//!    verifier returns with a backend giving the same answers;
//! 3. otherwise the run's result is discarded (whatever it was), the
//!    recorded checks are verified concurrently with WebCrypto (or the WASM
//!    backend for what WebCrypto lacks), and the verifier runs again.
//!
//! A run that depended on a provisional answer never reaches the caller,
//! and a verification still recording after [`MAX_ROUNDS`] runs fails with
//! `crypto.checks.exceeded`: fail closed. Each round learns at least one
//! new answer, so the rounds are as many as the verifier's data-dependent
//! steps (a chain whose first candidate issuer does not verify...), two in
//! the common case.

use crate::webcrypto::WebCrypto;
use idbridge::crypto::{Backend, Rejected, SignatureCheck};
use idbridge::{Error, ErrorCode};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The most runs of a verifier per verification.
pub const MAX_ROUNDS: usize = 8;

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
pub(crate) struct Recorder {
    round: Mutex<Round>,
}

impl Recorder {
    pub(crate) const fn new() -> Self {
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

/// Runs `run` (a synchronous verification that uses `recorder` as its
/// backend) in rounds until one run needs no unknown answer, verifying the
/// missing checks with `crypto` between rounds; returns that run's result.
pub(crate) async fn discharge<T>(
    recorder: &Recorder,
    crypto: &WebCrypto,
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
        // Discard the provisional result before anything else happens.
        drop(value);
        let checks: Vec<&SignatureCheck> = round.misses.values().collect();
        let answers = crypto.verify_all(&checks).await;
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
    use idbridge::crypto::{Algorithm, AllowList, PublicKey};

    fn check(sig: u8) -> SignatureCheck {
        let key = PublicKey::from_spki_der(include_bytes!("../../test-vectors/keys/p256.spki.der"))
            .unwrap();
        SignatureCheck::new(
            AllowList::all(),
            Algorithm::ECDSA_P256_SHA256_RAW,
            &key,
            b"m",
            &[sig; 64],
            Error::new(ErrorCode::CryptoSignatureInvalid, "bad"),
        )
        .unwrap()
    }

    #[test]
    fn unknown_checks_are_recorded_once_and_known_ones_answered() {
        let r = Recorder::new();
        assert!(r.verify(&check(1)).is_ok()); // provisional
        assert!(r.verify(&check(1)).is_ok());
        assert!(r.verify(&check(2)).is_ok());
        let round = r.swap(Round::default()).unwrap();
        assert_eq!(round.misses.len(), 2);
        let mut known = BTreeMap::new();
        known.insert(identity(&check(1)), false);
        known.insert(identity(&check(2)), true);
        r.swap(Round {
            known,
            misses: BTreeMap::new(),
        });
        assert_eq!(r.verify(&check(1)), Err(Rejected));
        assert_eq!(r.verify(&check(2)), Ok(()));
        assert!(r.swap(Round::default()).unwrap().misses.is_empty());
    }

    #[test]
    fn identities_are_unambiguous() {
        assert_ne!(identity(&check(1)), identity(&check(2)));
        assert_eq!(identity(&check(3)), identity(&check(3)));
    }
}
