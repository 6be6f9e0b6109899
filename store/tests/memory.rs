//! The in-memory store and the helpers on it: races between threads,
//! expiry by the injected clock, capacity.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idbridge_store::{spid, webeid, ErrorKind, ManualClock, MemoryStore, UnixMillis};
use std::sync::{Arc, Barrier};

const T0: UnixMillis = UnixMillis(1_800_000_000_000);

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn many_threads_racing_for_one_nonce_exactly_one_wins() {
    let challenges = Arc::new(webeid::Challenges::with_clock(
        MemoryStore::with_capacity(10_000),
        ManualClock::new(T0),
    ));
    for round in 0..50 {
        let nonce = block_on(challenges.issue()).unwrap();
        let start = Arc::new(Barrier::new(16));
        let threads: Vec<_> = (0..16)
            .map(|_| {
                let (c, n, s) = (challenges.clone(), nonce.as_str().to_owned(), start.clone());
                std::thread::spawn(move || {
                    s.wait();
                    block_on(c.consume(&n))
                })
            })
            .collect();
        let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let wins = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "round {round}");
        for r in results.iter().filter_map(|r| r.as_ref().err()) {
            assert_eq!(r.kind(), ErrorKind::NotIssued);
        }
    }
}

#[test]
fn a_nonce_lives_five_minutes_exclusive() {
    let clock = ManualClock::new(T0);
    let challenges = webeid::Challenges::with_clock(MemoryStore::with_capacity(10), clock.clone());
    block_on(async {
        let a = challenges.issue().await.unwrap();
        let b = challenges.issue().await.unwrap();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 44);
        clock.advance_millis(299_999);
        challenges.consume(a.as_str()).await.unwrap();
        clock.advance_millis(1);
        assert_eq!(
            challenges.consume(b.as_str()).await.unwrap_err().code(),
            "store.not_issued"
        );
        // Never issued, and an oversized one, are the same refusal.
        assert_eq!(
            challenges.consume("forged").await.unwrap_err().code(),
            "store.not_issued"
        );
        let huge = "A".repeat(10_000);
        assert_eq!(
            challenges.consume(&huge).await.unwrap_err().code(),
            "store.not_issued"
        );
    });
}

#[test]
fn a_shorter_nonce_lifetime_is_honoured_and_a_longer_one_clamped() {
    let clock = ManualClock::new(T0);
    let short = webeid::Challenges::with_clock(MemoryStore::with_capacity(10), clock.clone())
        .lifetime_secs(30);
    let long = webeid::Challenges::with_clock(MemoryStore::with_capacity(10), clock.clone())
        .lifetime_secs(3_600);
    block_on(async {
        let s = short.issue().await.unwrap();
        let l = long.issue().await.unwrap();
        clock.advance_secs(30);
        assert!(short.consume(s.as_str()).await.is_err());
        clock.advance_secs(270);
        assert!(
            long.consume(l.as_str()).await.is_err(),
            "clamped to five minutes"
        );
    });
}

#[test]
fn a_full_store_refuses_to_issue_and_never_forgets() {
    let clock = ManualClock::new(T0);
    let store = MemoryStore::with_capacity(3);
    let challenges = webeid::Challenges::with_clock(store.clone(), clock.clone());
    block_on(async {
        let issued: Vec<_> = [(); 3].iter().map(|_| ()).collect::<Vec<_>>();
        let mut nonces = Vec::new();
        for _ in issued {
            nonces.push(challenges.issue().await.unwrap());
        }
        assert_eq!(
            challenges.issue().await.unwrap_err().kind(),
            ErrorKind::Full
        );
        for n in &nonces {
            challenges.consume(n.as_str()).await.unwrap();
        }
        challenges.issue().await.unwrap();
        assert_eq!(store.len(), 1);
    });
}

#[test]
fn requests_and_assertions_on_one_store_do_not_collide() {
    let clock = ManualClock::new(T0);
    let store = MemoryStore::with_capacity(100);
    let requests = spid::Requests::with_clock(store.clone(), clock.clone());
    let assertions = spid::Assertions::with_clock(store.clone(), clock.clone());
    block_on(async {
        requests.remember("_x", T0.plus_secs(60)).await.unwrap();
        let noa = T0.plus_secs(300).to_unix_time();
        assertions
            .first_use_of("https://idp", "_x", noa)
            .await
            .unwrap();
        assert_eq!(
            assertions
                .first_use_of("https://idp", "_x", noa)
                .await
                .unwrap_err()
                .code(),
            "store.replayed"
        );
        requests.consume("_x").await.unwrap();
        // The Assertion ID stays remembered past NotOnOrAfter by the margin...
        clock.advance_secs(300 + 299);
        assert_eq!(
            assertions
                .first_use_of("https://idp", "_x", noa)
                .await
                .unwrap_err()
                .code(),
            "store.replayed"
        );
        // ...and is forgotten after it.
        clock.advance_secs(1);
        assertions
            .first_use_of("https://idp", "_x", noa)
            .await
            .unwrap();
    });
}

#[test]
fn an_issued_request_id_is_an_xs_id_and_lives_its_lifetime() {
    let clock = ManualClock::new(T0);
    let requests = spid::Requests::with_clock(MemoryStore::with_capacity(10), clock.clone())
        .lifetime_secs(120);
    block_on(async {
        let id = requests.issue().await.unwrap();
        assert!(id.starts_with('_'));
        assert!(id[1..].chars().all(|c| c.is_ascii_hexdigit()) && id.len() == 41);
        let other = requests.issue().await.unwrap();
        clock.advance_secs(119);
        requests.consume(&id).await.unwrap();
        clock.advance_secs(1);
        assert_eq!(
            requests.consume(&other).await.unwrap_err().code(),
            "store.not_issued"
        );
    });
}

#[test]
fn the_assertion_margin_can_be_changed() {
    let clock = ManualClock::new(T0);
    let assertions =
        spid::Assertions::with_clock(MemoryStore::with_capacity(10), clock.clone()).margin_secs(10);
    block_on(async {
        let noa = T0.plus_secs(60).to_unix_time();
        assertions
            .first_use_of("https://idp", "_a", noa)
            .await
            .unwrap();
        clock.advance_secs(69);
        assert_eq!(
            assertions
                .first_use_of("https://idp", "_a", noa)
                .await
                .unwrap_err()
                .code(),
            "store.replayed"
        );
        clock.advance_secs(1);
        assertions
            .first_use_of("https://idp", "_a", noa)
            .await
            .unwrap();
    });
}
