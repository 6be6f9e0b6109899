//! IdP metadata, pinned: any bytes, never a panic.
#![no_main]
use idbridge::Trust;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Trust::builder().pin_saml_idp_metadata(data);
});
