//! Byte, hex, big-integer and DER helpers.
//!
//! The DER writers here are deliberately hand-rolled: the malformed
//! encodings the vectors need (non-minimal integers, long-form lengths,
//! indefinite lengths, negative integers) cannot be produced by a DER library.

use rsa::BigUint;

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hex to bytes (constants in this file only; panics on bad input).
pub fn unhex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(s.len() % 2 == 0, "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// Big-endian bytes of `v`, left-padded with zeros to exactly `len` bytes.
pub fn fixed(v: &BigUint, len: usize) -> Vec<u8> {
    let b = v.to_bytes_be();
    let b: &[u8] = if b == [0] { &[] } else { &b };
    assert!(b.len() <= len, "integer does not fit in {len} bytes");
    let mut out = vec![0u8; len - b.len()];
    out.extend_from_slice(b);
    out
}

pub fn uint(bytes: &[u8]) -> BigUint {
    BigUint::from_bytes_be(bytes)
}

/// DER length octets (definite form, minimal).
pub fn der_len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        vec![n as u8]
    } else if n < 0x100 {
        vec![0x81, n as u8]
    } else {
        assert!(n < 0x1_0000);
        vec![0x82, (n >> 8) as u8, n as u8]
    }
}

/// A DER TLV with a minimal definite length.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(der_len(content.len()));
    out.extend_from_slice(content);
    out
}

/// Content octets of a DER INTEGER holding the non-negative `v`: minimal
/// big-endian two's complement (a 0x00 is prepended when the top bit is set).
pub fn int_content(v: &BigUint) -> Vec<u8> {
    let b = v.to_bytes_be();
    if b.first().is_some_and(|&x| x & 0x80 != 0) {
        let mut out = vec![0u8];
        out.extend(b);
        out
    } else {
        b
    }
}

/// Strict DER `INTEGER` of a non-negative value.
pub fn der_int(v: &BigUint) -> Vec<u8> {
    tlv(0x02, &int_content(v))
}

/// Strict DER `SEQUENCE { INTEGER r, INTEGER s }` (RFC 3279 §2.2.3 Ecdsa-Sig-Value).
pub fn der_sig(r: &BigUint, s: &BigUint) -> Vec<u8> {
    let mut body = der_int(r);
    body.extend(der_int(s));
    tlv(0x30, &body)
}

pub fn concat(parts: &[&[u8]]) -> Vec<u8> {
    parts.iter().flat_map(|p| p.iter().copied()).collect()
}

/// Flip the lowest bit of byte `i`.
pub fn flip(bytes: &[u8], i: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[i] ^= 0x01;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints() {
        assert_eq!(int_content(&BigUint::from(0u8)), vec![0]);
        assert_eq!(int_content(&BigUint::from(0x80u8)), vec![0, 0x80]);
        assert_eq!(der_len(200), vec![0x81, 200]);
        assert_eq!(fixed(&BigUint::from(0u8), 2), vec![0, 0]);
        assert_eq!(hex(&unhex("00ff10")), "00ff10");
    }
}
