//! An OCSP response checked against a fixed certificate pair: any bytes,
//! never a panic. The pair is taken from the generated Web eID vectors.
#![no_main]
use idbridge::ocsp::{check_response_der, OcspPolicy};
use idbridge::UnixTime;
use libfuzzer_sys::fuzz_target;

const SUBJECT: &[u8] = include_bytes!("../../test-vectors/webeid/pki/auth-p384.cer");
const ISSUER: &[u8] = include_bytes!("../../test-vectors/webeid/pki/esteid2026.cer");

fuzz_target!(|data: &[u8]| {
    let _ = check_response_der(
        idbridge::crypto::default_backend(),
        data,
        SUBJECT,
        ISSUER,
        None,
        None,
        UnixTime::from_unix_seconds(1_780_000_000),
        &OcspPolicy::default(),
    );
});
