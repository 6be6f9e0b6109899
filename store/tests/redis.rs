//! The Redis store against a real `redis-server` (see `common/mod.rs` for
//! how one is found): atomicity under races, expiry by the injected clock
//! and by Redis's own, restarts, and failing closed.
#![cfg(feature = "redis")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{wall, OwnedRedis, TestRedis};
use idbridge_store::{
    spid, webeid, ErrorKind, Inserted, ManualClock, RedisConfig, RedisStore, SingleUseStore,
    UnixMillis,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

macro_rules! redis_or_skip {
    ($name:expr) => {
        match TestRedis::get($name) {
            Some(r) => r,
            None => return,
        }
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insert_take_and_duplicates() {
    let redis = redis_or_skip!("insert_take_and_duplicates");
    let store = redis.store("basic").await;
    let now = wall();
    let until = now.plus_secs(60);
    assert_eq!(
        store
            .insert_if_absent("k", b"payload", now, until)
            .await
            .unwrap(),
        Inserted::New
    );
    assert_eq!(
        store
            .insert_if_absent("k", b"other", now, until)
            .await
            .unwrap(),
        Inserted::AlreadyPresent
    );
    assert_eq!(
        store.take("k", now).await.unwrap(),
        Some(b"payload".to_vec())
    );
    assert_eq!(store.take("k", now).await.unwrap(), None);
    assert_eq!(store.take("never", now).await.unwrap(), None);
    let long = "x".repeat(idbridge_store::MAX_KEY_BYTES + 1);
    assert_eq!(
        store.take(&long, now).await.unwrap_err().code(),
        "store.key.invalid"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tasks_racing_for_one_nonce_exactly_one_wins() {
    let redis = redis_or_skip!("many_tasks_racing_for_one_nonce_exactly_one_wins");
    // Four independent stores (four "servers", each with its own pool) on
    // one Redis, as behind a load balancer.
    let prefix = common::unique_prefix("race");
    let mut servers = Vec::new();
    for _ in 0..4 {
        let mut config = RedisConfig::new(redis.url.clone());
        config.key_prefix = prefix.clone();
        servers.push(Arc::new(webeid::Challenges::new(
            RedisStore::connect(config).await.unwrap(),
        )));
    }
    for round in 0..25 {
        let nonce = servers[round % 4].issue().await.unwrap();
        let start = Arc::new(tokio::sync::Barrier::new(64));
        let mut tasks = Vec::new();
        for t in 0..64 {
            let server = servers[t % 4].clone();
            let nonce = nonce.as_str().to_owned();
            let start = start.clone();
            tasks.push(tokio::spawn(async move {
                start.wait().await;
                server.consume(&nonce).await
            }));
        }
        let mut wins = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(consumed) => {
                    assert_eq!(consumed.as_str(), nonce.as_str());
                    wins += 1;
                }
                Err(e) => assert_eq!(e.kind(), ErrorKind::NotIssued, "{e}"),
            }
        }
        assert_eq!(wins, 1, "round {round}: exactly one consume wins");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tasks_racing_to_remember_one_assertion_exactly_one_is_first() {
    let redis = redis_or_skip!("many_tasks_racing_to_remember_one_assertion_exactly_one_is_first");
    let store = redis.store("assertion-race").await;
    let assertions = Arc::new(spid::Assertions::new(store));
    let not_on_or_after = wall().plus_secs(300).to_unix_time();
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let a = assertions.clone();
        tasks.push(tokio::spawn(async move {
            a.first_use_of("https://idp.example", "_assertion-1", not_on_or_after)
                .await
        }));
    }
    let mut firsts = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => firsts += 1,
            Err(e) => assert_eq!(e.code(), "store.replayed"),
        }
    }
    assert_eq!(firsts, 1);
    // Another IdP may use the same Assertion ID.
    assertions
        .first_use_of("https://other-idp.example", "_assertion-1", not_on_or_after)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nonce_expires_by_the_injected_clock() {
    let redis = redis_or_skip!("a_nonce_expires_by_the_injected_clock");
    let clock = ManualClock::new(wall());
    let challenges = webeid::Challenges::with_clock(redis.store("clock").await, clock.clone());
    let fresh = challenges.issue().await.unwrap();
    let stale = challenges.issue().await.unwrap();
    clock.advance_secs(299);
    challenges.consume(fresh.as_str()).await.unwrap();
    clock.advance_secs(1); // exactly five minutes: expired (the bound is exclusive)
    let err = challenges.consume(stale.as_str()).await.unwrap_err();
    assert_eq!(err.code(), "store.not_issued");

    let requests =
        spid::Requests::with_clock(redis.store("clock-req").await, clock.clone()).lifetime_secs(60);
    let id = requests.issue().await.unwrap();
    clock.advance_secs(61);
    assert_eq!(
        requests.consume(&id).await.unwrap_err().code(),
        "store.not_issued"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_drops_the_key_at_pxat_by_its_own_clock() {
    let redis = redis_or_skip!("redis_drops_the_key_at_pxat_by_its_own_clock");
    let prefix = common::unique_prefix("pxat");
    let mut config = RedisConfig::new(redis.url.clone());
    config.key_prefix = prefix.clone();
    let store = RedisStore::connect(config).await.unwrap();
    let now = wall();
    assert_eq!(
        store
            .insert_if_absent("short", b"", now, now.plus_millis(300))
            .await
            .unwrap(),
        Inserted::New
    );
    let client = redis::Client::open(redis.url.as_str()).unwrap();
    let mut raw = client.get_multiplexed_async_connection().await.unwrap();
    let ttl: i64 = redis::cmd("PTTL")
        .arg(format!("{prefix}short"))
        .query_async(&mut raw)
        .await
        .unwrap();
    assert!((1..=300).contains(&ttl), "PXAT set the expiry: PTTL {ttl}");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let exists: i64 = redis::cmd("EXISTS")
        .arg(format!("{prefix}short"))
        .query_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(exists, 0, "Redis expired the key itself");
    // Even with the caller's clock still at the insert time, it is gone.
    assert_eq!(store.take("short", now).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_remembered_once_and_consumed_once() {
    let redis = redis_or_skip!("requests_are_remembered_once_and_consumed_once");
    let requests = spid::Requests::new(redis.store("requests").await);
    let until = wall().plus_secs(600);
    requests.remember("_req-1", until).await.unwrap();
    assert_eq!(
        requests.remember("_req-1", until).await.unwrap_err().code(),
        "store.key.duplicate"
    );
    assert_eq!(requests.consume("_req-1").await.unwrap().as_str(), "_req-1");
    assert_eq!(
        requests.consume("_req-1").await.unwrap_err().code(),
        "store.not_issued"
    );
    assert_eq!(
        requests.consume("_never-sent").await.unwrap_err().code(),
        "store.not_issued"
    );
    let issued = requests.issue().await.unwrap();
    assert!(issued.starts_with('_') && issued.len() == 41, "{issued}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connecting_to_a_stopped_redis_fails_clearly() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let err = RedisStore::connect(RedisConfig::new(format!("redis://127.0.0.1:{port}")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// Redis restarted mid-test: while it is down every operation fails within
/// the timeout (no false success); after it is back the store recovers by
/// itself, and the nonce issued before the restart (lost with Redis's
/// memory) is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_restarted_mid_test_errors_then_recovers_and_never_succeeds_falsely() {
    let Some(mut redis) = OwnedRedis::start("redis_restarted_mid_test") else {
        return;
    };
    let mut config = RedisConfig::new(redis.url());
    config.timeout = Duration::from_millis(500);
    config.connections = 2;
    let challenges = webeid::Challenges::new(RedisStore::connect(config).await.unwrap());
    let before = challenges.issue().await.unwrap();
    let spare = challenges.issue().await.unwrap();
    challenges.consume(spare.as_str()).await.unwrap();

    redis.kill();
    for _ in 0..6 {
        let started = Instant::now();
        let err = challenges.consume(before.as_str()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
        let err = challenges.issue().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }

    redis.restart();
    let deadline = Instant::now() + Duration::from_secs(15);
    let after = loop {
        match challenges.issue().await {
            Ok(n) => break n,
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
                assert!(
                    Instant::now() < deadline,
                    "no recovery after the restart: {e}"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    // Redis's memory was lost: the old nonce fails closed.
    let err = challenges.consume(before.as_str()).await.unwrap_err();
    assert_eq!(err.code(), "store.not_issued", "{err}");
    challenges.consume(after.as_str()).await.unwrap();
    assert_eq!(
        challenges.consume(after.as_str()).await.unwrap_err().code(),
        "store.not_issued"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_without_its_expiry_is_an_unexpected_reply() {
    let redis = redis_or_skip!("a_value_without_its_expiry_is_an_unexpected_reply");
    let prefix = common::unique_prefix("foreign");
    let mut config = RedisConfig::new(redis.url.clone());
    config.key_prefix = prefix.clone();
    let store = RedisStore::connect(config).await.unwrap();
    let client = redis::Client::open(redis.url.as_str()).unwrap();
    let mut raw = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("SET")
        .arg(format!("{prefix}foreign"))
        .arg("abc")
        .query_async(&mut raw)
        .await
        .unwrap();
    let err = store.take("foreign", UnixMillis(0)).await.unwrap_err();
    assert_eq!(err.code(), "store.reply.unexpected");
}

/// Round trips, counted by Redis itself on a private server: issuing a
/// nonce is one `SET`, consuming it one `GETDEL`, and nothing else runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_costs_one_set_and_one_getdel() {
    let Some(redis) = OwnedRedis::start("a_login_costs_one_set_and_one_getdel") else {
        return;
    };
    let mut config = RedisConfig::new(redis.url());
    config.connections = 1;
    let store = RedisStore::connect(config).await.unwrap();
    let client = redis::Client::open(redis.url().as_str()).unwrap();
    let mut raw = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .query_async(&mut raw)
        .await
        .unwrap();

    let challenges = webeid::Challenges::new(store.clone());
    let requests = spid::Requests::new(store.clone());
    let assertions = spid::Assertions::new(store);
    for _ in 0..10 {
        let nonce = challenges.issue().await.unwrap();
        challenges.consume(nonce.as_str()).await.unwrap();
        let id = requests.issue().await.unwrap();
        requests.consume(&id).await.unwrap();
        assertions
            .first_use_of("https://idp", &id, wall().plus_secs(60).to_unix_time())
            .await
            .unwrap();
    }
    let stats: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(&mut raw)
        .await
        .unwrap();
    let calls = |cmd: &str| -> u64 {
        stats
            .lines()
            .find_map(|l| l.strip_prefix(&format!("cmdstat_{cmd}:calls=")))
            .and_then(|rest| rest.split(',').next())
            .map_or(0, |n| n.parse().unwrap())
    };
    // Web eID: 1 SET + 1 GETDEL; SPID: 2 SET + 1 GETDEL; ten of each.
    assert_eq!(calls("set"), 30, "{stats}");
    assert_eq!(calls("getdel"), 20, "{stats}");
    let others: Vec<&str> = stats
        .lines()
        .filter(|l| l.starts_with("cmdstat_"))
        .filter(|l| !l.starts_with("cmdstat_set:") && !l.starts_with("cmdstat_getdel:"))
        .filter(|l| !l.starts_with("cmdstat_info:") && !l.starts_with("cmdstat_config|resetstat:"))
        .collect();
    assert!(others.is_empty(), "no other command ran: {others:?}");
}

/// An idle instance whose Redis restarted: its pooled connections are all
/// stale, and still the first operations succeed (each retried once on its
/// reconnecting connection), not one failure per pooled connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_pool_survives_a_redis_restart_without_failing_a_request() {
    let Some(mut redis) = OwnedRedis::start("an_idle_pool_survives") else {
        return;
    };
    let config = RedisConfig::new(redis.url())
        .with_connections(4)
        .with_timeout(Duration::from_secs(2));
    let challenges = webeid::Challenges::new(RedisStore::connect(config).await.unwrap());
    challenges.issue().await.unwrap();
    redis.kill();
    let redis = tokio::task::spawn_blocking(move || {
        redis.restart();
        redis
    })
    .await
    .unwrap();
    for i in 0..8 {
        let n = challenges.issue().await;
        assert!(n.is_ok(), "request {i} failed after the restart: {n:?}");
        challenges.consume(n.unwrap().as_str()).await.unwrap();
    }
    drop(redis);
}

/// While Redis is down the breaker opens after the first failure: the
/// next operations fail at once with the breaker's message (no timeout
/// each), and once Redis is back and the window has passed, it closes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_breaker_fails_fast_during_an_outage_and_closes_after() {
    let Some(mut redis) = OwnedRedis::start("the_breaker") else {
        return;
    };
    let config = RedisConfig::new(redis.url())
        .with_connections(1)
        .with_timeout(Duration::from_millis(500))
        .with_breaker(Duration::from_secs(30));
    let store = RedisStore::connect(config).await.unwrap();
    let now = wall();
    redis.kill();
    let first = store.take("k", now).await.unwrap_err();
    assert_eq!(first.kind(), ErrorKind::Unavailable, "{first}");
    for _ in 0..100 {
        let e = store.take("k", now).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unavailable);
        assert!(e.to_string().contains("circuit open"), "{e}");
    }
    // A breaker of zero never opens.
    redis.restart();
    let config = RedisConfig::new(redis.url())
        .with_connections(1)
        .with_timeout(Duration::from_millis(500))
        .with_breaker(Duration::ZERO);
    let store = RedisStore::connect(config).await.unwrap();
    redis.kill();
    for _ in 0..3 {
        let e = store.take("k", now).await.unwrap_err();
        assert!(!e.to_string().contains("circuit open"), "{e}");
    }
}

/// A service started before its Redis waits for it when told to; without
/// a start-up wait it fails at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_waits_for_a_late_redis_when_told_to() {
    let Some(mut redis) = OwnedRedis::start("connect_waits") else {
        return;
    };
    redis.kill();
    let url = redis.url();
    let err = RedisStore::connect(RedisConfig::new(url.clone()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    let waiting = tokio::spawn(RedisStore::connect(
        RedisConfig::new(url).with_startup_wait(Duration::from_secs(20)),
    ));
    tokio::time::sleep(Duration::from_millis(600)).await;
    let redis = tokio::task::spawn_blocking(move || {
        redis.restart();
        redis
    })
    .await
    .unwrap();
    let store = waiting.await.unwrap().unwrap();
    let now = wall();
    assert_eq!(
        store
            .insert_if_absent("late", b"", now, now.plus_secs(5))
            .await
            .unwrap(),
        Inserted::New
    );
    drop(redis);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_read_without_being_taken_shared_ended_once_and_expire() {
    use idbridge_store::session::{ReadableStore, Sessions};
    use idbridge_store::Clock;
    let redis =
        redis_or_skip!("sessions_are_read_without_being_taken_shared_ended_once_and_expire");
    // Two instances (two pools) on one Redis.
    let prefix = common::unique_prefix("sessions");
    let mut stores = Vec::new();
    for _ in 0..2 {
        let mut config = RedisConfig::new(redis.url.clone());
        config.key_prefix = prefix.clone();
        stores.push(RedisStore::connect(config).await.unwrap());
    }
    let clock = ManualClock::new(wall());
    let a = Sessions::with_clock(stores[0].clone(), clock.clone()).lifetime_secs(60);
    let b = Sessions::with_clock(stores[1].clone(), clock.clone()).lifetime_secs(60);
    let id = a.open(b"identity").await.unwrap();
    for _ in 0..3 {
        assert_eq!(b.get(&id).await.unwrap().as_deref(), Some(&b"identity"[..]));
    }
    // Ended on one instance: gone on both, once.
    assert_eq!(b.end(&id).await.unwrap().as_deref(), Some(&b"identity"[..]));
    assert_eq!(a.get(&id).await.unwrap(), None);
    assert_eq!(a.end(&id).await.unwrap(), None);
    // Expiry by the caller's clock (Redis holds the key until PXAT).
    let id = a.open(b"x").await.unwrap();
    clock.advance_secs(60);
    assert_eq!(b.get(&id).await.unwrap(), None);
    // A key too long to be one is no session; a key never set reads None.
    assert_eq!(a.get(&"x".repeat(10_000)).await.unwrap(), None);
    let raw = stores[0].get("never-set", clock.now()).await.unwrap();
    assert_eq!(raw, None);
}
