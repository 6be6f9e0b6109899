//! The vector runner over a fuzzed vector file: never a panic.
#![no_main]
use idbridge::vectors::{MemoryFiles, Runner};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut files = MemoryFiles::new();
    files.insert("v/f.json", data.to_vec());
    files.insert("v/k.der", vec![0x30, 0x00]);
    let report = Runner::new(&files).run_file("v/f.json");
    let _ = report.lines();
});
