//! Public-key parsing: any bytes, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = idbridge::crypto::PublicKey::from_spki_der(data) {
        // A key that parses reports consistent facts about itself.
        assert!(key.rsa_components().is_some() != key.ec_point().is_some());
    }
});
