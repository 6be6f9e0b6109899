//! Asynchronous verification without asynchronous verifiers: the core's
//! record-and-replay driver ([`idbridge::crypto::replay`]) with WebCrypto
//! answering the recorded checks.
//!
//! The verifiers of the core are synchronous; WebCrypto only answers
//! asynchronously. [`discharge`] runs a verification with a provisional
//! [`Recorder`] as its backend, has WebCrypto ([`crate::WebCrypto`], with
//! the WASM backend for what it lacks) verify the checks the run asked,
//! and replays with the real answers until a run got only real answers:
//! that run's result is the verification's. At most
//! [`MAX_ROUNDS`] runs; more is `crypto.checks.exceeded`. The module
//! documentation of [`idbridge::crypto::replay`] says why this gives the
//! synchronous path's result, and its tests prove it natively.

use crate::webcrypto::WebCrypto;
use idbridge::crypto::{self, replay, Backend, Rejected, SignatureCheck};
use idbridge::Error;

pub use idbridge::crypto::replay::MAX_ROUNDS;

/// A provisional [`crypto::Recorder`] (answers from the real answers learnt
/// so far, records the rest), `const`-constructible so that a `static` one
/// can serve APIs that need a `&'static dyn Backend` (the vector runner):
/// its state lives only for one synchronous run at a time.
#[derive(Debug)]
pub struct Recorder(crypto::Recorder<'static>);

impl Default for Recorder {
    fn default() -> Self {
        Recorder::new()
    }
}

impl Recorder {
    /// A recorder with no state.
    pub const fn new() -> Self {
        Recorder(crypto::Recorder::provisional())
    }
}

impl Backend for Recorder {
    fn name(&self) -> &'static str {
        "webcrypto"
    }

    fn verify(&self, check: &SignatureCheck) -> Result<(), Rejected> {
        self.0.verify(check)
    }
}

/// Runs `run` (a synchronous verification that uses `recorder` as its
/// backend) with WebCrypto answering its signature checks; returns the
/// result of the first run whose answers were all real
/// ([`replay::discharge`]).
pub async fn discharge<T>(
    recorder: &Recorder,
    webcrypto: &WebCrypto,
    run: impl FnMut() -> T,
) -> Result<T, Error> {
    replay::discharge(&recorder.0, webcrypto, run).await
}
