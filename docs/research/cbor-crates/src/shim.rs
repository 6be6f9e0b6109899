pub mod error {
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum ErrorCode { CborMalformed, CborInvalid, CborSerializationInvalid, CborLimitsExceeded, InputTooLarge }
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Error(pub ErrorCode, pub String);
    impl Error {
        pub fn new(k: ErrorCode, r: &'static str) -> Self { Error(k, r.into()) }
        pub fn with_detail(k: ErrorCode, r: impl Into<String>) -> Self { Error(k, r.into()) }
        pub fn code(&self) -> &'static str { match self.0 { ErrorCode::CborMalformed => "cbor.malformed", ErrorCode::CborInvalid => "cbor.invalid", ErrorCode::CborSerializationInvalid => "cbor.serialization.invalid", ErrorCode::CborLimitsExceeded => "cbor.limits.exceeded", ErrorCode::InputTooLarge => "input.too_large" } }
    }
    pub type Result<T> = core::result::Result<T, Error>;
}
pub mod limits {
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Limits;
    impl Limits {
        pub fn default() -> Self { Limits }
        pub fn max_input_bytes(&self) -> usize { 5 << 20 }
        pub fn max_cbor_depth(&self) -> usize { 64 }
        pub fn max_cbor_items(&self) -> usize { 20_000 }
    }
}
