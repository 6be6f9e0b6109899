//! `rediss://` and Redis 6 ACL users against `redis-server` children of
//! this test (TLS on a loopback port, certificates made here): the right CA
//! works, another CA or plain TCP fails closed, an ACL user with its
//! password works, a wrong password is a configuration error.
#![cfg(feature = "redis-tls")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{redis_server_available, skip, wall};
use idbridge_store::{Inserted, RedisConfig, RedisStore, SingleUseStore};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` child with extra arguments; killed when dropped.
struct Server {
    port: u16,
    child: Child,
    _dir: TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn temp_dir(test: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!(
        "idbridge-redis-tls-{test}-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

struct Pki {
    ca_pem: String,
    cert_pem: String,
    key_pem: String,
}

fn pki() -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, SanType};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    leaf.subject_alt_names
        .push(SanType::IpAddress("127.0.0.1".parse().unwrap()));
    let cert = leaf.signed_by(&key, &ca_cert, &ca_key).unwrap();
    Pki {
        ca_pem: ca_cert.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}

/// Starts `redis-server` with `args` (the port arguments are added here:
/// `--tls-port` when `tls`), waits until its port accepts connections.
fn start(test: &str, dir: TempDir, args: &[String], tls: bool) -> Option<Server> {
    if !redis_server_available() {
        skip(test, "no redis-server on PATH");
        return None;
    }
    let port = free_port();
    let ports: Vec<String> = if tls {
        vec![
            "--port".into(),
            "0".into(),
            "--tls-port".into(),
            port.to_string(),
        ]
    } else {
        vec!["--port".into(), port.to_string()]
    };
    let child = Command::new("redis-server")
        .args(&ports)
        .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start redis-server");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "redis-server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(Server {
        port,
        child,
        _dir: dir,
    })
}

fn tls_server(test: &str, pki: &Pki) -> Option<Server> {
    let dir = temp_dir(test);
    let write = |name: &str, text: &str| {
        let p = dir.0.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let args = vec![
        "--tls-cert-file".to_owned(),
        write("server.pem", &pki.cert_pem),
        "--tls-key-file".to_owned(),
        write("server.key", &pki.key_pem),
        "--tls-ca-cert-file".to_owned(),
        write("ca.pem", &pki.ca_pem),
        "--tls-auth-clients".to_owned(),
        "no".to_owned(),
    ];
    start(test, dir, &args, true)
}

async fn round_trip(store: &RedisStore) {
    let now = wall();
    let until = now.plus_secs(60);
    assert_eq!(
        store.insert_if_absent("k", b"v", now, until).await.unwrap(),
        Inserted::New
    );
    assert_eq!(
        store.insert_if_absent("k", b"v", now, until).await.unwrap(),
        Inserted::AlreadyPresent
    );
    assert_eq!(store.take("k", now).await.unwrap(), Some(b"v".to_vec()));
    assert_eq!(store.take("k", now).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rediss_with_the_servers_ca_works_and_nothing_else_does() {
    let pki = pki();
    let Some(server) = tls_server("rediss", &pki) else {
        return;
    };
    for host in ["localhost", "127.0.0.1"] {
        let url = format!("rediss://{host}:{}", server.port);
        let store =
            RedisStore::connect(RedisConfig::new(url).with_tls_ca_pem(pki.ca_pem.as_bytes()))
                .await
                .unwrap();
        round_trip(&store).await;
    }
    // Another CA: the handshake fails, the store is not made.
    let other = self::pki();
    let err = RedisStore::connect(
        RedisConfig::new(format!("rediss://localhost:{}", server.port))
            .with_tls_ca_pem(other.ca_pem.as_bytes())
            .with_timeout(Duration::from_secs(2)),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "store.unavailable", "{err}");
    // Plain TCP to the TLS port gets no answer it can read.
    let err = RedisStore::connect(
        RedisConfig::new(format!("redis://127.0.0.1:{}", server.port))
            .with_timeout(Duration::from_millis(500)),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "store.unavailable", "{err}");
}

#[tokio::test]
async fn tls_settings_without_rediss_are_refused() {
    let err = RedisStore::connect(
        RedisConfig::new("redis://127.0.0.1:1")
            .with_tls_ca_pem(b"-----BEGIN CERTIFICATE-----".to_vec()),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "store.config.invalid");
    // The password never shows in messages or Debug.
    let config = RedisConfig::new("rediss://alice:s3cret@127.0.0.1:1");
    assert!(!format!("{config:?}").contains("s3cret"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acl_user_logs_in_with_its_password_only() {
    let dir = temp_dir("acl");
    let args: Vec<String> = [
        "--user",
        "default",
        "off",
        "--user",
        "idbridge",
        "on",
        ">s3cret",
        "~idbridge:*",
        "&*",
        "+@all",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let Some(server) = start("acl", dir, &args, false) else {
        return;
    };
    let store = RedisStore::connect(RedisConfig::new(format!(
        "redis://idbridge:s3cret@127.0.0.1:{}",
        server.port
    )))
    .await
    .unwrap();
    round_trip(&store).await;
    // Keys outside the user's pattern are refused by Redis: fails closed.
    let outside = RedisStore::connect(
        RedisConfig::new(format!("redis://idbridge:s3cret@127.0.0.1:{}", server.port))
            .with_key_prefix("other:"),
    )
    .await
    .unwrap();
    let now = wall();
    let err = outside
        .insert_if_absent("k", b"", now, now.plus_secs(5))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "store.config.invalid", "{err}");
    for url in [
        format!("redis://idbridge:wrong@127.0.0.1:{}", server.port),
        format!("redis://127.0.0.1:{}", server.port),
    ] {
        let err = RedisStore::connect(RedisConfig::new(url.clone()))
            .await
            .map(|_| ())
            .unwrap_err();
        assert_eq!(err.code(), "store.config.invalid", "{url}: {err}");
    }
}
