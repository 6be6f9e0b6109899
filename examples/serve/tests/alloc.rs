//! The servers' allocator set up as each server binary does it: jemalloc
//! installed, [`init`] called (on Linux), else the system allocator.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use idbridge_example_serve::alloc::{init, purging, resident_bytes, Allocator, ALLOCATOR};
use idbridge_example_serve::ops::{Ops, OpsSettings};

#[global_allocator]
static GLOBAL: Allocator = ALLOCATOR;

const JEMALLOC_BUILT: bool = cfg!(all(target_os = "linux", not(target_arch = "wasm32")));

#[test]
fn init_turns_purging_on_and_metrics_show_the_resident_bytes() {
    let name = init();
    if !JEMALLOC_BUILT {
        assert_eq!(name, "system");
        assert!(!purging());
        assert_eq!(resident_bytes(), None);
        return;
    }
    assert_eq!(name, "jemalloc");
    assert!(purging(), "background threads and a 1 s decay are in force");
    // 8 MiB written: jemalloc's resident count includes them.
    let before = resident_bytes().expect("jemalloc's stats.resident");
    let block = vec![1u8; 8 << 20];
    let during = resident_bytes().unwrap();
    assert!(
        during >= before + (8 << 20) - (1 << 20),
        "{before} -> {during}"
    );
    drop(block);
    let ops = Ops::new("t", OpsSettings::default(), &["/a"], &["/b"]);
    let text = ops.render();
    let line = text
        .lines()
        .find(|l| l.starts_with("idbridge_allocator_resident_bytes{service=\"t\"} "))
        .expect("the gauge");
    let n: u64 = line.rsplit_once(' ').unwrap().1.parse().unwrap();
    assert!(n > 0);
}
