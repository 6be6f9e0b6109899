#![allow(dead_code, unused_imports)]
mod shim;
use shim::{error, limits};
pub(crate) use limits::Limits;
#[path = "../../../../src/cbor/mod.rs"]
mod cbor;

/// Parses `len` bytes at `ptr` and returns the number of top-level map entries (or u32::MAX).
#[no_mangle]
pub extern "C" fn parse(ptr: *const u8, len: usize) -> u32 {
    let b: &[u8] = unsafe { core::slice::from_raw_parts(ptr, len) };
    #[cfg(feature = "own")]
    { return cbor::Document::parse(b, &limits::Limits).map(|d| d.root().entries().count() as u32).unwrap_or(u32::MAX); }
    #[cfg(feature = "cib")]
    { let v: Result<ciborium::value::Value, _> = ciborium::de::from_reader(b); return v.ok().and_then(|v| v.as_map().map(|m| m.len() as u32)).unwrap_or(u32::MAX); }
    #[cfg(feature = "mini")]
    { let mut d = minicbor::Decoder::new(b); let n = d.map().ok().flatten().unwrap_or(0); for _ in 0..2 * n { if d.skip().is_err() { return u32::MAX; } } return if d.position() == b.len() { n as u32 } else { u32::MAX }; }
    #[allow(unreachable_code)]
    0
}
