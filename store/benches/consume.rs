//! Consumes per second: Web eID nonces taken out of the store through
//! `Challenges::consume`, by one and by two client threads, on the memory
//! store and (when `REDIS_URL` is set) on Redis. Each client thread is an
//! independent client (its own runtime, and for Redis its own connection
//! pool), consuming one nonce at a time as a login does.
//!
//! ```text
//! REDIS_URL=redis://127.0.0.1:6390 cargo bench -p idbridge-store --bench consume
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idbridge_store::webeid::Challenges;
use idbridge_store::{MemoryStore, RedisConfig, RedisStore, SingleUseStore};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Runs `threads` clients; each makes its store with `make`, issues
/// `per_thread` nonces (untimed), then all consume theirs at once (timed).
/// Returns (issues per second, consumes per second).
fn run<S, F, Fut>(threads: usize, per_thread: usize, make: F) -> (f64, f64)
where
    S: SingleUseStore + 'static,
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = S>,
{
    let make = Arc::new(make);
    let ready = Arc::new(Barrier::new(threads + 1));
    let go = Arc::new(Barrier::new(threads + 1));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (make, ready, go) = (make.clone(), ready.clone(), go.clone());
            std::thread::spawn(move || {
                let rt = runtime();
                rt.block_on(async {
                    let challenges = Challenges::new(make().await);
                    let started = Instant::now();
                    let mut nonces = Vec::with_capacity(per_thread);
                    for _ in 0..per_thread {
                        nonces.push(challenges.issue().await.unwrap());
                    }
                    let issuing = started.elapsed();
                    ready.wait();
                    go.wait();
                    let started = Instant::now();
                    for n in &nonces {
                        challenges.consume(n.as_str()).await.unwrap();
                    }
                    (issuing, started.elapsed())
                })
            })
        })
        .collect();
    ready.wait();
    let wall = Instant::now();
    go.wait();
    let results: Vec<(Duration, Duration)> =
        handles.into_iter().map(|h| h.join().unwrap()).collect();
    let consuming = wall
        .elapsed()
        .max(results.iter().map(|r| r.1).max().unwrap());
    let total = (threads * per_thread) as f64;
    let issuing: f64 = results
        .iter()
        .map(|r| per_thread as f64 / r.0.as_secs_f64())
        .sum();
    (issuing, total / consuming.as_secs_f64())
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing
    // useful either: a short run proves the bench works.
    let quick = !std::env::args().any(|a| a == "--bench");
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    println!(
        "consume bench ({cpu}, {} CPUs){}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if quick { ", quick" } else { "" }
    );
    println!(
        "{:<8} {:>8} {:>16} {:>16}",
        "store", "threads", "issues/s", "consumes/s"
    );
    for threads in [1, 2] {
        let per = if quick { 1_000 } else { 300_000 };
        let store = MemoryStore::with_capacity(1_000_000);
        let (i, c) = run(threads, per, move || {
            let s = store.clone();
            async move { s }
        });
        println!("{:<8} {:>8} {:>16.0} {:>16.0}", "memory", threads, i, c);
    }
    match std::env::var("REDIS_URL") {
        Ok(url) => {
            for threads in [1, 2] {
                let per = if quick { 200 } else { 20_000 };
                let prefix = format!("idbridge-bench:{}:{threads}:", std::process::id());
                let url = url.clone();
                let (i, c) = run(threads, per, move || {
                    let mut config = RedisConfig::new(url.clone());
                    config.key_prefix = prefix.clone();
                    async move { RedisStore::connect(config).await.unwrap() }
                });
                println!("{:<8} {:>8} {:>16.0} {:>16.0}", "redis", threads, i, c);
            }
        }
        Err(_) => println!("SKIPPED redis: set REDIS_URL"),
    }
}
