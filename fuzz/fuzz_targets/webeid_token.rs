//! A Web eID token: any bytes, never a panic (trust: the embedded TEST anchors).
#![no_main]
use idbridge::{webeid, Trust, UnixTime};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn trust() -> &'static Trust {
    static T: OnceLock<Trust> = OnceLock::new();
    T.get_or_init(|| {
        Trust::builder()
            .webeid_anchors(idbridge::anchors::ESTONIA_TEST)
            .and_then(|b| b.build())
            .unwrap_or_default()
    })
}

fuzz_target!(|data: &[u8]| {
    let exp = webeid::Expectations::new(
        "https://ria.ee",
        "12345678123456781234567812345678912356789123",
    );
    let _ = webeid::verify_token(
        trust(),
        data,
        &exp,
        UnixTime::from_unix_seconds(1_693_562_400),
    );
});
