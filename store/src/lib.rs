//! # idbridge-store
//!
//! Single-use stores for idbridge: the state a verifier needs and the core
//! keeps out (it is sans-IO). One small trait, [`SingleUseStore`] —
//! "remember this key until T, tell me if it was already there", and "take
//! this key out, once" — with two backends and the helpers that tie it to
//! the verifiers:
//!
//! | what | helper | lifetime |
//! |---|---|---|
//! | Web eID challenge nonces | [`webeid::Challenges`] `issue` / `consume` | 5 minutes, once |
//! | SPID/CIE AuthnRequest IDs | [`spid::Requests`] `issue` (or `remember`) / `consume` | until the request expires, once |
//! | SPID/CIE Assertion IDs | [`spid::Assertions`] `first_use` | until NotOnOrAfter (+ margin) |
//! | login sessions | [`session::Sessions`] `open` / `get` / `end` (a [`session::ReadableStore`]) | the cookie's `Max-Age` (1 hour by default) |
//!
//! Backends: [`MemoryStore`] (one process; bounded, expiring, thread-safe)
//! and [`RedisStore`] (shared by every instance behind a load balancer;
//! `SET key value NX PXAT`, `GETDEL`, one round trip each, pooled
//! connections, failing closed when Redis is down).
//!
//! ## Running behind a load balancer
//!
//! Every instance must see the same store, or a nonce issued by one
//! instance is unknown to the next, and a Response replayed to another
//! instance is accepted. Point every instance at one Redis (or one
//! primary: replicas answer reads and would break atomicity), build the
//! helpers once at start-up and share them:
//!
//! ```no_run
//! use idbridge_store::{spid, webeid, RedisConfig, RedisStore};
//! # async fn start() -> Result<(), idbridge_store::Error> {
//! let store = RedisStore::connect(RedisConfig::new("redis://10.0.0.5:6379")).await?;
//! let challenges = webeid::Challenges::new(store.clone());
//! let requests = spid::Requests::new(store.clone());
//! let assertions = spid::Assertions::new(store);
//! # let _ = (challenges, requests, assertions);
//! # Ok(()) }
//! ```
//!
//! A Web eID login costs two Redis round trips (one `SET` when the nonce is
//! issued, one `GETDEL` when it is consumed); a SPID login three (`SET` for
//! the request, `GETDEL` when the Response arrives, `SET` for the Assertion
//! ID). When Redis is down every operation fails with `store.unavailable`
//! within the configured timeout, and the login is refused.
//!
//! **Order of operations.** Consume the nonce or the request ID *before*
//! verifying (an attempt spends it, whatever the outcome), then verify,
//! then record the Assertion ID. Losing Redis's data (a restart without
//! persistence) fails closed for nonces and request IDs: absent means
//! refused; it forgets Assertion IDs, but a replayed Response still needs
//! its request ID, which was consumed.
//!
//! Time: the trait takes `now` as an argument (no hidden clock, like the
//! core); the helpers read a [`Clock`], the system's by default, a
//! [`ManualClock`] in tests.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// The crate's README, whose code `cargo test` compiles as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}

mod any;
mod clock;
mod error;
mod memory;
mod random;
#[cfg(feature = "redis")]
mod redis;
pub mod session;
pub mod spid;
mod store;
pub mod webeid;

pub use any::AnyStore;
pub use clock::{Clock, ManualClock, SystemClock, UnixMillis};
pub use error::{Error, ErrorKind, Result};
pub use memory::{MemoryStore, PURGE_BATCH};
#[cfg(feature = "redis")]
pub use redis::{RedisConfig, RedisStore};
pub use store::{Inserted, SingleUseStore, MAX_KEY_BYTES};
