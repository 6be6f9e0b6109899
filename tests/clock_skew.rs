//! The clock-skew bound (`ClockSkew::MAX_SECS`, 24 h) through the public
//! API: a tolerance past it, or a negative one, is `config.invalid` before
//! any input is read; the bound itself is accepted.
#![cfg(all(feature = "mdoc", not(target_arch = "wasm32")))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idbridge::mdoc::{self, Expectations, Handover, InputEncoding, MdocTrust};
use idbridge::{ClockSkew, UnixTime};

fn file(p: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(p)).unwrap()
}

#[test]
fn mdoc_refuses_a_skew_outside_0_to_24_hours() {
    let trust = MdocTrust::new()
        .with_iaca(&file("test-vectors/mdoc/trust/iaca.pem"))
        .unwrap();
    let response = file("test-vectors/mdoc/inputs/valid-p256.cbor");
    let transcript = vec![0x83, 0x41, 0xa0, 0xd8, 0x18, 0x43, 0xa1, 0x01, 0x02, 0xf6];
    let mut exp = Expectations::new(
        "eu.europa.ec.eudi.pid.1",
        Handover::SessionTranscript(transcript),
    );
    exp.input = InputEncoding::Cbor;
    let now = UnixTime::parse_rfc3339("2026-05-01T00:00:00Z").unwrap();
    let backend = idbridge::crypto::default_backend();
    let max = i64::from(ClockSkew::MAX_SECS);
    assert_eq!(max, 86_400);
    for skew in [-1, max + 1, i64::MAX, i64::MIN] {
        exp.clock_skew_seconds = skew;
        let e = mdoc::verify_device_response(backend, &trust, &response, &exp, now).unwrap_err();
        assert_eq!(e.code(), "config.invalid", "{skew}");
        assert!(e.reason().contains("clock skew"), "{e}");
        // Refused before the input is read.
        let e = mdoc::verify_device_response(backend, &trust, b"", &exp, now).unwrap_err();
        assert_eq!(e.code(), "config.invalid", "{skew}");
    }
    for skew in [0, 300, max] {
        exp.clock_skew_seconds = skew;
        mdoc::verify_device_response(backend, &trust, &response, &exp, now).unwrap();
    }
}
