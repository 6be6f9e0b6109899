#![allow(dead_code, unused_imports)]
mod shim;
use shim::{error, limits};
pub(crate) use limits::Limits;
#[path = "../../../../src/cbor/mod.rs"]
mod cbor;
use std::time::Instant;
use base64::Engine as _;

fn ours(b: &[u8]) -> String {
    match cbor::Document::parse(b, &Limits) { Ok(_) => "accepts".into(), Err(e) => format!("refuses ({})", e.code()) }
}
fn cib(b: &[u8]) -> String {
    let r: Result<ciborium::value::Value, _> = ciborium::de::from_reader_with_recursion_limit(b, 256);
    match r { Ok(_) => "accepts".into(), Err(e) => format!("refuses ({})", short(&format!("{e:?}"))) }
}
fn mini(b: &[u8]) -> String {
    // Well-formedness as minicbor sees it: skip one item, then require the end.
    let mut d = minicbor::Decoder::new(b);
    match d.skip() {
        Ok(()) if d.position() == b.len() => "accepts".into(),
        Ok(()) => "refuses (trailing bytes, checked by the caller)".into(),
        Err(e) => format!("refuses ({})", short(&e.to_string())),
    }
}
fn short(s: &str) -> String { s.chars().take(40).collect() }

fn main() {
    let mut deep = vec![0x81u8; 10_000]; deep.push(0);
    let mut huge = vec![0x5b, 0x80, 0, 0, 0, 0, 0, 0, 0]; huge.extend_from_slice(b"abc");
    let mut many = vec![0x9a, 0x00, 0x01, 0x86, 0xa0]; many.extend(std::iter::repeat_n(0u8, 100_000));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("duplicate map key {1:1, 1:2}", vec![0xa2, 1, 1, 1, 2]),
        ("integer wider than needed (0x18 0x01)", vec![0x18, 0x01]),
        ("length wider than needed (0x78 0x01 'a')", vec![0x78, 0x01, 0x61]),
        ("indefinite text (_ \"a\")", vec![0x7f, 0x61, 0x61, 0xff]),
        ("indefinite map {_ 1:2}", vec![0xbf, 1, 2, 0xff]),
        ("text not UTF-8", vec![0x62, 0xc3, 0x28]),
        ("byte after the item", vec![0x00, 0x00]),
        ("bstr length 2^63", huge),
        ("10,000 nested arrays", deep),
        ("100,000 items", many),
        ("reserved AI 28", vec![0x1c]),
        ("stray break", vec![0xff]),
    ];
    println!("| input | own | ciborium 0.2 (Value) | minicbor 0.25 (Decoder::skip) |\n|---|---|---|---|");
    for (name, b) in &cases {
        println!("| {name} | {} | {} | {} |", ours(b), cib(b), mini(b));
    }
    let b64 = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../test-vectors/conformance/mdoc/upstream/own/responses/valid-pid-full.b64u")).unwrap();
    let resp = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&b64).unwrap();
    let n = 20_000;
    let t = Instant::now(); for _ in 0..n { std::hint::black_box(cbor::Document::parse(std::hint::black_box(&resp), &Limits).unwrap()); }
    let own = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    let t = Instant::now(); for _ in 0..n { let v: ciborium::value::Value = ciborium::de::from_reader(std::hint::black_box(&resp[..])).unwrap(); std::hint::black_box(v); }
    let c = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    let t = Instant::now(); for _ in 0..n { let mut d = minicbor::Decoder::new(std::hint::black_box(&resp)); d.skip().unwrap(); std::hint::black_box(d.position()); }
    let m = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!("\nparse of valid-pid-full ({} bytes, outer item only): own {own:.2} us, ciborium Value {c:.2} us, minicbor skip {m:.2} us", resp.len());
}
