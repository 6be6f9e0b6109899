//! A SPID Response, raw XML and base64: any bytes, never a panic.
#![no_main]
use idbridge::spid::{self, Expectations, InputEncoding};
use idbridge::{Trust, UnixTime};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let trust = Trust::default();
    for input in [InputEncoding::Xml, InputEncoding::Base64] {
        let mut exp =
            Expectations::new("https://sp.example.it", "https://sp.example.it/acs", "_req");
        exp.input = input;
        let _ = spid::verify_response(
            &trust,
            data,
            &exp,
            UnixTime::from_unix_seconds(1_735_725_630),
        );
    }
});
