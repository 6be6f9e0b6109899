//! Signature encodings, checked strictly before any backend sees them.
//!
//! Every backend receives the same normalized signature: ECDSA as
//! fixed-width `r ‖ s` with `0 < r, s < n` already established (FIPS 186-5
//! §6.4.2 step 1), RSA as exactly `k` bytes whose value is below the modulus
//! (RFC 8017 §8.2.2 step 1 and §5.2.2 step 1). So the stable error code of a
//! malformed signature never depends on which backend runs the math.
//!
//! DER (X.690 §10, RFC 3279 §2.2.3) is parsed by hand: a definite, minimal
//! length; exactly two minimal, non-negative INTEGERs; nothing after them.

use super::algorithm::{Curve, EcdsaEncoding};
use crate::error::{Error, ErrorCode, Result};
use p256::elliptic_curve::ff::PrimeField;

fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::CryptoSignatureMalformed, reason)
}

/// Normalizes an ECDSA signature to fixed-width `r ‖ s` (2 × field length),
/// checking the encoding and that both scalars are in `[1, n-1]`.
pub(crate) fn ecdsa_to_raw(curve: Curve, encoding: EcdsaEncoding, sig: &[u8]) -> Result<Vec<u8>> {
    let len = curve.field_len();
    let raw = match encoding {
        EcdsaEncoding::Raw => {
            if sig.len() != 2 * len {
                return Err(malformed(
                    "a raw ECDSA signature must be exactly twice the field length",
                ));
            }
            sig.to_vec()
        }
        EcdsaEncoding::Der => der_to_raw(sig, len)?,
    };
    let (r, s) = raw.split_at(len);
    if !scalar_in_range(curve, r) || !scalar_in_range(curve, s) {
        return Err(malformed("ECDSA r and s must be in [1, n-1]"));
    }
    Ok(raw)
}

/// Whether the big-endian `bytes` (exactly the field length) encode a
/// scalar in `[1, n-1]`.
fn scalar_in_range(curve: Curve, bytes: &[u8]) -> bool {
    fn check<F: PrimeField>(bytes: &[u8]) -> bool {
        let mut repr = F::Repr::default();
        if repr.as_ref().len() != bytes.len() {
            return false;
        }
        repr.as_mut().copy_from_slice(bytes);
        let scalar: Option<F> = F::from_repr(repr).into();
        scalar.is_some_and(|s| !bool::from(s.is_zero()))
    }
    match curve {
        Curve::P256 => check::<p256::Scalar>(bytes),
        Curve::P384 => check::<p384::Scalar>(bytes),
        Curve::P521 => check::<p521::Scalar>(bytes),
    }
}

/// Reads one DER length at the start of `input`; returns (length, rest).
/// Only definite, minimal forms up to two length bytes.
fn der_length(input: &[u8]) -> Result<(usize, &[u8])> {
    match input {
        [b, rest @ ..] if *b < 0x80 => Ok((usize::from(*b), rest)),
        [0x81, b, rest @ ..] if *b >= 0x80 => Ok((usize::from(*b), rest)),
        [0x82, hi, lo, rest @ ..] if *hi != 0 => {
            Ok(((usize::from(*hi) << 8) | usize::from(*lo), rest))
        }
        [0x80, ..] => Err(malformed("indefinite length is not DER")),
        _ => Err(malformed("a DER length is not minimal or not supported")),
    }
}

/// Reads one INTEGER; returns its magnitude (no sign byte) and the rest.
fn der_integer(input: &[u8]) -> Result<(&[u8], &[u8])> {
    let rest = match input {
        [0x02, rest @ ..] => rest,
        _ => return Err(malformed("expected a DER INTEGER")),
    };
    let (len, rest) = der_length(rest)?;
    if len > rest.len() {
        return Err(malformed("a DER INTEGER runs past its container"));
    }
    let (content, rest) = rest.split_at(len);
    match content {
        [] => Err(malformed("an empty DER INTEGER")),
        [0x00] => Ok((&[], rest)),
        [0x00, next, ..] if *next < 0x80 => Err(malformed("a DER INTEGER is not minimal")),
        [0x00, magnitude @ ..] => Ok((magnitude, rest)),
        [first, ..] if *first >= 0x80 => Err(malformed("a negative ECDSA scalar")),
        magnitude => Ok((magnitude, rest)),
    }
}

fn der_to_raw(sig: &[u8], len: usize) -> Result<Vec<u8>> {
    let body = match sig {
        [0x30, rest @ ..] => rest,
        _ => return Err(malformed("expected a DER SEQUENCE")),
    };
    let (seq_len, body) = der_length(body)?;
    if seq_len != body.len() {
        return Err(malformed(
            "the DER SEQUENCE length does not match the signature",
        ));
    }
    let (r, body) = der_integer(body)?;
    let (s, body) = der_integer(body)?;
    if !body.is_empty() {
        return Err(malformed("data after s inside the DER SEQUENCE"));
    }
    if r.len() > len || s.len() > len {
        return Err(malformed("an ECDSA scalar is longer than the curve order"));
    }
    let mut raw = vec![0u8; 2 * len];
    let (r_out, s_out) = raw.split_at_mut(len);
    if let Some(dst) = r_out.get_mut(len - r.len()..) {
        dst.copy_from_slice(r);
    }
    if let Some(dst) = s_out.get_mut(len - s.len()..) {
        dst.copy_from_slice(s);
    }
    Ok(raw)
}

/// Encodes fixed-width `r ‖ s` as DER (for backends that only take DER).
pub(crate) fn raw_to_der(raw: &[u8]) -> Vec<u8> {
    fn integer(out: &mut Vec<u8>, be: &[u8]) {
        let start = be.iter().position(|b| *b != 0).unwrap_or(be.len());
        let mag = be.get(start..).unwrap_or(&[]);
        let pad = mag.first().is_none_or(|b| *b >= 0x80);
        out.push(0x02);
        push_len(out, mag.len() + usize::from(pad));
        if pad {
            out.push(0);
        }
        out.extend_from_slice(mag);
    }
    fn push_len(out: &mut Vec<u8>, len: usize) {
        if len < 0x80 {
            out.push(len as u8);
        } else if len < 0x100 {
            out.extend_from_slice(&[0x81, len as u8]);
        } else {
            out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
        }
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let mut body = Vec::with_capacity(raw.len() + 8);
    integer(&mut body, r);
    integer(&mut body, s);
    let mut out = Vec::with_capacity(body.len() + 3);
    out.push(0x30);
    push_len(&mut out, body.len());
    out.extend_from_slice(&body);
    out
}

/// Checks an RSA signature's representation: exactly `k` bytes (the modulus
/// length) and, as an integer, below the modulus `n`.
pub(crate) fn check_rsa_signature(n: &[u8], sig: &[u8]) -> Result<()> {
    if sig.len() != n.len() {
        return Err(malformed(
            "an RSA signature must be exactly as long as the modulus",
        ));
    }
    // Both are big-endian of equal length: lexicographic order is numeric order.
    if sig >= n {
        return Err(malformed(
            "the RSA signature value is not below the modulus",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw_ok(curve: Curve) -> Vec<u8> {
        let mut v = vec![0u8; 2 * curve.field_len()];
        if let Some(b) = v.get_mut(curve.field_len() - 1) {
            *b = 7;
        }
        if let Some(b) = v.last_mut() {
            *b = 9;
        }
        v
    }

    #[test]
    fn der_round_trip_every_curve() {
        for curve in [Curve::P256, Curve::P384, Curve::P521] {
            let raw = raw_ok(curve);
            let der = raw_to_der(&raw);
            assert_eq!(der, vec![0x30, 6, 2, 1, 7, 2, 1, 9]);
            assert_eq!(ecdsa_to_raw(curve, EcdsaEncoding::Der, &der).unwrap(), raw);
            assert_eq!(ecdsa_to_raw(curve, EcdsaEncoding::Raw, &raw).unwrap(), raw);
        }
        // Large scalars need a sign byte and, on P-521, a long-form length.
        let mut raw = vec![0xAB; 132];
        raw[0] = 0x00;
        raw[1] = 0x01;
        raw[66] = 0x00;
        raw[67] = 0x01;
        let der = raw_to_der(&raw);
        assert_eq!(&der[..2], &[0x30, 0x81]);
        assert_eq!(
            ecdsa_to_raw(Curve::P521, EcdsaEncoding::Der, &der).unwrap(),
            raw
        );
    }

    #[test]
    fn strict_der() {
        let c = Curve::P256;
        let bad: &[&[u8]] = &[
            &[0x30, 7, 2, 2, 0, 7, 2, 1, 9],       // non-minimal r
            &[0x30, 0x81, 6, 2, 1, 7, 2, 1, 9],    // long form where short fits
            &[0x30, 6, 2, 1, 7, 2, 1, 9, 0],       // trailing byte
            &[0x30, 6, 2, 1, 0x87, 2, 1, 9],       // negative r
            &[0x30, 0x80, 2, 1, 7, 2, 1, 9, 0, 0], // indefinite length
            &[0x30, 9, 2, 1, 7, 2, 1, 9, 2, 1, 1], // a third INTEGER
            &[0x31, 6, 2, 1, 7, 2, 1, 9],          // SET, not SEQUENCE
            &[0x30, 6, 4, 1, 7, 2, 1, 9],          // OCTET STRING
            &[0x30, 5, 2, 0, 2, 1, 9],             // empty INTEGER
            &[0x30, 6, 2, 5, 7, 2, 1, 9],          // INTEGER past the end
            &[0x30, 6, 2, 1, 0, 2, 1, 9],          // r = 0
            &[],
        ];
        for der in bad {
            assert_eq!(
                ecdsa_to_raw(c, EcdsaEncoding::Der, der).unwrap_err().kind(),
                ErrorCode::CryptoSignatureMalformed,
                "{der:02x?}"
            );
        }
    }

    #[test]
    fn scalar_range() {
        // The P-256 order n.
        let n = [
            0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2,
            0xFC, 0x63, 0x25, 0x51,
        ];
        let mut n_minus_1 = n;
        n_minus_1[31] -= 1;
        assert!(!scalar_in_range(Curve::P256, &n));
        assert!(scalar_in_range(Curve::P256, &n_minus_1));
        assert!(!scalar_in_range(Curve::P256, &[0; 32]));
        assert!(!scalar_in_range(Curve::P256, &[0xFF; 32]));
        assert!(!scalar_in_range(Curve::P521, &[0xFF; 66]));
    }

    #[test]
    fn rsa_representation() {
        let n = [0xC0, 0x01];
        assert!(check_rsa_signature(&n, &[0x00, 0x01]).is_ok());
        assert!(check_rsa_signature(&n, &[0xC0, 0x00]).is_ok());
        assert!(check_rsa_signature(&n, &[0xC0, 0x01]).is_err());
        assert!(check_rsa_signature(&n, &[0x01]).is_err());
        assert!(check_rsa_signature(&n, &[0, 0, 1]).is_err());
    }
}
