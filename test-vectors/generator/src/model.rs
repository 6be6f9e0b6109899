//! A small reference model of the `signature` kind's contract, used to check
//! every generated case at generation time: it must reach exactly the result
//! the case states, through the contract's check order
//! (algorithm forbidden → key malformed → key unsupported → key mismatch →
//! signature malformed → signature invalid).
//!
//! It is written from the contract, independently of the library, with
//! RustCrypto doing the arithmetic.

use der::asn1::ObjectIdentifier;
use der::Decode;
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};

use crate::bytes::{fixed, uint};
use crate::ec::{Curve, OID_EC_PUBLIC_KEY};
use crate::hash::Hash;
use crate::rsa_ops;

pub const FORBIDDEN: &str = "crypto.algorithm.forbidden";
pub const KEY_MALFORMED: &str = "crypto.key.malformed";
pub const KEY_UNSUPPORTED: &str = "crypto.key.unsupported";
pub const KEY_MISMATCH: &str = "crypto.key.mismatch";
pub const SIG_MALFORMED: &str = "crypto.signature.malformed";
pub const SIG_INVALID: &str = "crypto.signature.invalid";

pub const OID_RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enc {
    Raw,
    Der,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Pkcs1,
    Pss,
    Ecdsa(Curve, Enc),
}

/// One of the 24 supported algorithm identifiers (or, for signing only, a
/// SHA-1 variant that is *not* supported).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alg {
    pub scheme: Scheme,
    pub hash: Hash,
}

impl Alg {
    /// The 24 supported algorithms, in documentation order.
    pub fn all() -> Vec<Alg> {
        let mut out = Vec::new();
        for scheme in [Scheme::Pkcs1, Scheme::Pss] {
            for hash in Hash::SHA2 {
                out.push(Alg { scheme, hash });
            }
        }
        for enc in [Enc::Raw, Enc::Der] {
            for curve in Curve::ALL {
                for hash in Hash::SHA2 {
                    out.push(Alg {
                        scheme: Scheme::Ecdsa(curve, enc),
                        hash,
                    });
                }
            }
        }
        out
    }

    pub fn id(&self) -> String {
        match self.scheme {
            Scheme::Pkcs1 => format!("rsa-pkcs1v15-{}", self.hash.id()),
            Scheme::Pss => format!("rsa-pss-{}", self.hash.id()),
            Scheme::Ecdsa(c, e) => format!(
                "ecdsa-{}-{}-{}",
                c.id(),
                self.hash.id(),
                match e {
                    Enc::Raw => "raw",
                    Enc::Der => "der",
                }
            ),
        }
    }

    pub fn parse(id: &str) -> Option<Alg> {
        Alg::all().into_iter().find(|a| a.id() == id)
    }
}

#[derive(Debug)]
pub enum PubKey {
    Rsa(RsaPublicKey),
    Ec(Curve, Vec<u8>),
}

/// Parse an SPKI (DER) under the contract's key rules.
pub fn parse_key(spki_der: &[u8]) -> Result<PubKey, &'static str> {
    // `from_der` rejects trailing bytes after the outer SEQUENCE.
    let info = spki::SubjectPublicKeyInfoRef::from_der(spki_der).map_err(|_| KEY_MALFORMED)?;
    let bits = info.subject_public_key.as_bytes().ok_or(KEY_MALFORMED)?;
    if info.algorithm.oid == OID_RSA_ENCRYPTION {
        // RFC 3279 §2.3.1: parameters MUST be NULL.
        match info.algorithm.parameters {
            Some(p) if p.is_null() => {}
            _ => return Err(KEY_MALFORMED),
        }
        let pk = pkcs1::RsaPublicKey::from_der(bits).map_err(|_| KEY_MALFORMED)?;
        let n = uint(pk.modulus.as_bytes());
        let e = uint(pk.public_exponent.as_bytes());
        let n_bits = n.bits();
        if !(2048..=8192).contains(&n_bits) {
            return Err(KEY_UNSUPPORTED);
        }
        let two = BigUint::from(2u8);
        if &e % &two == BigUint::from(0u8)
            || e < BigUint::from(3u8)
            || e >= (BigUint::from(1u8) << 33)
        {
            return Err(KEY_UNSUPPORTED);
        }
        let key = RsaPublicKey::new_with_max_size(n, e, 8192).map_err(|_| KEY_UNSUPPORTED)?;
        Ok(PubKey::Rsa(key))
    } else if info.algorithm.oid == OID_EC_PUBLIC_KEY {
        // RFC 5480 §2.1.1: parameters are a namedCurve OID.
        let params = info.algorithm.parameters.ok_or(KEY_MALFORMED)?;
        let curve_oid: ObjectIdentifier = params.decode_as().map_err(|_| KEY_MALFORMED)?;
        let curve = Curve::from_oid(&curve_oid).ok_or(KEY_UNSUPPORTED)?;
        // Only uncompressed points (0x04 || X || Y), on the curve.
        if bits.len() != 1 + 2 * curve.flen() || bits[0] != 0x04 || !curve.point_valid(bits) {
            return Err(KEY_MALFORMED);
        }
        Ok(PubKey::Ec(curve, bits.to_vec()))
    } else {
        Err(KEY_UNSUPPORTED)
    }
}

/// Strict DER reader for `SEQUENCE { INTEGER r, INTEGER s }`.
pub fn parse_der_sig(sig: &[u8]) -> Option<(BigUint, BigUint)> {
    fn len(b: &[u8], pos: &mut usize) -> Option<usize> {
        let first = *b.get(*pos)?;
        *pos += 1;
        if first < 0x80 {
            return Some(first as usize);
        }
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 2 {
            return None; // indefinite, or absurdly long
        }
        let mut v = 0usize;
        for i in 0..n {
            let byte = *b.get(*pos)?;
            *pos += 1;
            if i == 0 && byte == 0 {
                return None; // leading zero length octet
            }
            v = (v << 8) | byte as usize;
        }
        if v < 0x80 {
            return None; // long form where short form fits
        }
        Some(v)
    }
    fn tlv<'a>(b: &'a [u8], pos: &mut usize, tag: u8) -> Option<&'a [u8]> {
        if *b.get(*pos)? != tag {
            return None;
        }
        *pos += 1;
        let l = len(b, pos)?;
        let c = b.get(*pos..pos.checked_add(l)?)?;
        *pos += l;
        Some(c)
    }
    fn int(b: &[u8], pos: &mut usize) -> Option<BigUint> {
        let c = tlv(b, pos, 0x02)?;
        let first = *c.first()?;
        if first & 0x80 != 0 {
            return None; // negative
        }
        if c.len() > 1 && first == 0 && c[1] & 0x80 == 0 {
            return None; // non-minimal
        }
        Some(uint(c))
    }
    let mut pos = 0;
    let body = tlv(sig, &mut pos, 0x30)?;
    if pos != sig.len() {
        return None;
    }
    let mut p = 0;
    let r = int(body, &mut p)?;
    let s = int(body, &mut p)?;
    if p != body.len() {
        return None;
    }
    Some((r, s))
}

/// The contract's verdict on one case.
pub fn reference(
    alg_id: &str,
    allowed: Option<&[String]>,
    spki_der: &[u8],
    msg: &[u8],
    sig: &[u8],
) -> Result<(), &'static str> {
    let alg = Alg::parse(alg_id).ok_or(FORBIDDEN)?;
    if let Some(list) = allowed {
        if !list.iter().any(|a| a == alg_id) {
            return Err(FORBIDDEN);
        }
    }
    let key = parse_key(spki_der)?;
    match (alg.scheme, key) {
        (Scheme::Pkcs1 | Scheme::Pss, PubKey::Rsa(pk)) => {
            let k = rsa_ops::k_len(&pk);
            if sig.len() != k || &uint(sig) >= pk.n() {
                return Err(SIG_MALFORMED);
            }
            let ok = if alg.scheme == Scheme::Pkcs1 {
                rsa_ops::verify_pkcs1(&pk, alg.hash, msg, sig)
            } else {
                rsa_ops::verify_pss_salt(&pk, alg.hash, alg.hash.len(), msg, sig)
            };
            if ok {
                Ok(())
            } else {
                Err(SIG_INVALID)
            }
        }
        (Scheme::Ecdsa(c, enc), PubKey::Ec(kc, point)) if c == kc => {
            let f = c.flen();
            let (r, s) = match enc {
                Enc::Raw => {
                    if sig.len() != 2 * f {
                        return Err(SIG_MALFORMED);
                    }
                    (uint(&sig[..f]), uint(&sig[f..]))
                }
                Enc::Der => parse_der_sig(sig).ok_or(SIG_MALFORMED)?,
            };
            let n = c.order();
            let zero = BigUint::from(0u8);
            if r == zero || s == zero || r >= n || s >= n {
                return Err(SIG_MALFORMED);
            }
            if c.verify(&point, &c.z(alg.hash, msg), &fixed(&r, f), &fixed(&s, f)) {
                Ok(())
            } else {
                Err(SIG_INVALID)
            }
        }
        _ => Err(KEY_MISMATCH),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_four() {
        let all = Alg::all();
        assert_eq!(all.len(), 24);
        assert_eq!(
            Alg::parse("ecdsa-p521-sha256-der").map(|a| a.hash),
            Some(Hash::Sha256)
        );
        assert!(Alg::parse("rsa-pkcs1v15-sha1").is_none());
    }

    #[test]
    fn der_reader() {
        assert!(parse_der_sig(&[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]).is_some());
        assert!(parse_der_sig(&[0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01]).is_none());
        assert!(parse_der_sig(&[0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]).is_none());
        assert!(parse_der_sig(&[0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01]).is_none());
        assert!(parse_der_sig(&[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00]).is_none());
    }
}
