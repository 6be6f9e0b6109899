//! ECDSA over the brainpool curves brainpoolP256r1 and brainpoolP384r1
//! (RFC 5639 §3.4, §3.6), for ICAO document signers and CSCAs.
//!
//! No backend offers these curves (ring and AWS-LC do not verify them, and
//! RustCrypto's `bp256`/`bp384` have no release for the `elliptic-curve`
//! 0.13 this crate uses), so the verification is written here, over the
//! big integers of RustCrypto's `rsa` crate (`num-bigint-dig`, already a
//! dependency): Jacobian coordinates, Shamir's trick for `u1·G + u2·Q`,
//! FIPS 186-5 §6.4.2 verification. It handles public values only (no secret
//! is involved, so it need not be constant-time), and runs the same on every
//! backend and in WASM.
//!
//! Keys come as SPKI DER with `id-ecPublicKey` and either a named curve
//! (RFC 5639 §4.1 OIDs) or explicit ECParameters (RFC 3279 §2.3.5, as
//! some CSCAs and document signers write them); explicit parameters are
//! accepted only when they are exactly one of the two curves (prime, a, b,
//! generator, order, cofactor 1 or absent). Points must be uncompressed and
//! on the curve.

use super::HashAlg;
use crate::error::{Error, ErrorCode, Result};
use rsa::BigUint;

/// A brainpool curve idbridge verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BrainpoolCurve {
    /// brainpoolP256r1 (1.3.36.3.3.2.8.1.1.7).
    P256r1,
    /// brainpoolP384r1 (1.3.36.3.3.2.8.1.1.11).
    P384r1,
}

struct Params {
    oid: &'static str,
    p: &'static str,
    a: &'static str,
    b: &'static str,
    /// The generator, uncompressed (`04 ‖ x ‖ y`).
    g: &'static str,
    n: &'static str,
}

// RFC 5639 §3.4 and §3.6.
const P256R1: Params = Params {
    oid: "1.3.36.3.3.2.8.1.1.7",
    p: "a9fb57dba1eea9bc3e660a909d838d726e3bf623d52620282013481d1f6e5377",
    a: "7d5a0975fc2c3057eef67530417affe7fb8055c126dc5c6ce94a4b44f330b5d9",
    b: "26dc5c6ce94a4b44f330b5d9bbd77cbf958416295cf7e1ce6bccdc18ff8c07b6",
    g: "048bd2aeb9cb7e57cb2c4b482ffc81b7afb9de27e1e3bd23c23a4453bd9ace3262547ef835c3dac4fd97f8461a14611dc9c27745132ded8e545c1d54c72f046997",
    n: "a9fb57dba1eea9bc3e660a909d838d718c397aa3b561a6f7901e0e82974856a7",
};

const P384R1: Params = Params {
    oid: "1.3.36.3.3.2.8.1.1.11",
    p: "8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b412b1da197fb71123acd3a729901d1a71874700133107ec53",
    a: "7bc382c63d8c150c3c72080ace05afa0c2bea28e4fb22787139165efba91f90f8aa5814a503ad4eb04a8c7dd22ce2826",
    b: "04a8c7dd22ce28268b39b55416f0447c2fb77de107dcd2a62e880ea53eeb62d57cb4390295dbc9943ab78696fa504c11",
    g: "041d1c64f068cf45ffa2a63a81b7c13f6b8847a3e77ef14fe3db7fcafe0cbd10e8e826e03436d646aaef87b2e247d4af1e8abe1d7520f9c2a45cb1eb8e95cfd55262b70b29feec5864e19c054ff99129280e4646217791811142820341263c5315",
    n: "8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b31f166e6cac0425a7cf3ab6af6b7fc3103b883202e9046565",
};

impl BrainpoolCurve {
    fn params(self) -> &'static Params {
        match self {
            BrainpoolCurve::P256r1 => &P256R1,
            BrainpoolCurve::P384r1 => &P384R1,
        }
    }

    /// The length of a field element and of a scalar, in bytes.
    pub const fn field_len(self) -> usize {
        match self {
            BrainpoolCurve::P256r1 => 32,
            BrainpoolCurve::P384r1 => 48,
        }
    }

    fn all() -> [BrainpoolCurve; 2] {
        [BrainpoolCurve::P256r1, BrainpoolCurve::P384r1]
    }
}

fn hex(s: &str) -> BigUint {
    BigUint::parse_bytes(s.as_bytes(), 16).unwrap_or_default()
}

fn malformed(reason: &'static str) -> Error {
    Error::new(ErrorCode::CryptoKeyMalformed, reason)
}

fn invalid() -> Error {
    Error::new(
        ErrorCode::CryptoSignatureInvalid,
        "the brainpool ECDSA signature does not verify",
    )
}

// ------------------------------------------------------------- DER reading

/// One DER TLV (the `der` crate's header rules): tag, contents, rest.
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    use der::{Decode, Reader};
    let mut r = der::SliceReader::new(input).ok()?;
    let h = der::Header::decode(&mut r).ok()?;
    let start = usize::try_from(r.position()).ok()?;
    let end = start.checked_add(usize::try_from(h.length).ok()?)?;
    Some((*input.first()?, input.get(start..end)?, input.get(end..)?))
}

fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (t, c, rest) = tlv(input)?;
    (t == tag).then_some((c, rest))
}

/// An unsigned INTEGER's value (DER: minimal, non-negative).
fn uint(contents: &[u8]) -> Option<BigUint> {
    match contents {
        [] => None,
        [0x00] => Some(BigUint::default()),
        [0x00, b, ..] if b & 0x80 == 0 => None,
        [0x00, rest @ ..] => Some(BigUint::from_bytes_be(rest)),
        [b, ..] if b & 0x80 != 0 => None,
        _ => Some(BigUint::from_bytes_be(contents)),
    }
}

const ID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const PRIME_FIELD: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x01, 0x01];

fn oid_bytes(dotted: &str) -> Vec<u8> {
    der::asn1::ObjectIdentifier::new(dotted)
        .map(|o| o.as_bytes().to_vec())
        .unwrap_or_default()
}

/// The curve explicit ECParameters (RFC 3279 §2.3.5) describe, when they
/// are exactly a brainpool curve's.
fn explicit_curve(params: &[u8]) -> Option<BrainpoolCurve> {
    let (body, rest) = expect(params, 0x30)?;
    if !rest.is_empty() {
        return None;
    }
    let (version, body) = expect(body, 0x02)?;
    if version != [1] {
        return None;
    }
    let (field, body) = expect(body, 0x30)?;
    let (field_type, field_rest) = expect(field, 0x06)?;
    let (prime, field_end) = expect(field_rest, 0x02)?;
    if field_type != PRIME_FIELD || !field_end.is_empty() {
        return None;
    }
    let (curve, body) = expect(body, 0x30)?;
    let (a, curve_rest) = expect(curve, 0x04)?;
    let (b, curve_rest) = expect(curve_rest, 0x04)?;
    if !curve_rest.is_empty() {
        // An optional seed BIT STRING, and nothing else.
        let (_, end) = expect(curve_rest, 0x03)?;
        if !end.is_empty() {
            return None;
        }
    }
    let (base, body) = expect(body, 0x04)?;
    let (order, body) = expect(body, 0x02)?;
    if !body.is_empty() {
        let (cofactor, end) = expect(body, 0x02)?;
        if cofactor != [1] || !end.is_empty() {
            return None;
        }
    }
    let (p, n) = (uint(prime)?, uint(order)?);
    let (a, b) = (BigUint::from_bytes_be(a), BigUint::from_bytes_be(b));
    BrainpoolCurve::all().into_iter().find(|c| {
        let k = c.params();
        p == hex(k.p)
            && a == hex(k.a)
            && b == hex(k.b)
            && n == hex(k.n)
            && BigUint::from_bytes_be(base) == hex(k.g)
    })
}

/// A brainpool public key from SPKI DER: `None` when the key is not an EC
/// key on a brainpool curve (named or explicit); `crypto.key.malformed`
/// when it is one but its point is not an uncompressed point on the curve.
pub(crate) fn public_key(spki: &[u8]) -> Option<Result<BrainpoolKey>> {
    let (body, rest) = expect(spki, 0x30)?;
    if !rest.is_empty() {
        return None;
    }
    let (alg, body) = expect(body, 0x30)?;
    let (key_oid, params) = expect(alg, 0x06)?;
    if key_oid != ID_EC_PUBLIC_KEY {
        return None;
    }
    let curve = match expect(params, 0x06) {
        Some((named, [])) => BrainpoolCurve::all()
            .into_iter()
            .find(|c| oid_bytes(c.params().oid) == named)?,
        _ => explicit_curve(params)?,
    };
    let (bits, end) = expect(body, 0x03)?;
    if !end.is_empty() {
        return None;
    }
    Some(point(curve, bits))
}

fn point(curve: BrainpoolCurve, bits: &[u8]) -> Result<BrainpoolKey> {
    let len = curve.field_len();
    let Some((0, sec1)) = bits.split_first().map(|(u, r)| (*u, r)) else {
        return Err(malformed("the key's BIT STRING has unused bits"));
    };
    if sec1.len() != 1 + 2 * len || sec1.first() != Some(&0x04) {
        return Err(malformed(
            "a brainpool key that is not an uncompressed point",
        ));
    }
    let x = BigUint::from_bytes_be(sec1.get(1..=len).unwrap_or_default());
    let y = BigUint::from_bytes_be(sec1.get(1 + len..).unwrap_or_default());
    let k = curve.params();
    let (p, a, b) = (hex(k.p), hex(k.a), hex(k.b));
    if x >= p || y >= p || (&y * &y) % &p != (&x * &x * &x + &a * &x + &b) % &p {
        return Err(malformed("the brainpool point is not on the curve"));
    }
    Ok(BrainpoolKey { curve, x, y })
}

/// A public key on a brainpool curve, its point checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BrainpoolKey {
    pub curve: BrainpoolCurve,
    x: BigUint,
    y: BigUint,
}

// ------------------------------------------------------------- arithmetic

/// A point in Jacobian coordinates; `z == 0` is the point at infinity.
#[derive(Clone, Debug)]
struct Jacobian {
    x: BigUint,
    y: BigUint,
    z: BigUint,
}

struct Field {
    p: BigUint,
    a: BigUint,
}

impl Field {
    fn sub(&self, x: &BigUint, y: &BigUint) -> BigUint {
        ((x % &self.p) + &self.p - (y % &self.p)) % &self.p
    }

    fn mul(&self, x: &BigUint, y: &BigUint) -> BigUint {
        (x * y) % &self.p
    }

    fn infinity() -> Jacobian {
        Jacobian {
            x: BigUint::from(1u8),
            y: BigUint::from(1u8),
            z: BigUint::default(),
        }
    }

    fn double(&self, q: &Jacobian) -> Jacobian {
        let zero = BigUint::default();
        if q.z == zero || q.y == zero {
            return Field::infinity();
        }
        let y2 = self.mul(&q.y, &q.y);
        let s = self.mul(&(BigUint::from(4u8) * &q.x), &y2);
        let z2 = self.mul(&q.z, &q.z);
        let m = (BigUint::from(3u8) * self.mul(&q.x, &q.x)
            + self.mul(&self.a, &self.mul(&z2, &z2)))
            % &self.p;
        let x3 = self.sub(&self.mul(&m, &m), &(BigUint::from(2u8) * &s));
        let y4 = self.mul(&y2, &y2);
        let y3 = self.sub(
            &self.mul(&m, &self.sub(&s, &x3)),
            &(BigUint::from(8u8) * y4),
        );
        let z3 = self.mul(&(BigUint::from(2u8) * &q.y), &q.z);
        Jacobian {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    fn add(&self, q: &Jacobian, r: &Jacobian) -> Jacobian {
        let zero = BigUint::default();
        if q.z == zero {
            return r.clone();
        }
        if r.z == zero {
            return q.clone();
        }
        let (z1z1, z2z2) = (self.mul(&q.z, &q.z), self.mul(&r.z, &r.z));
        let u1 = self.mul(&q.x, &z2z2);
        let u2 = self.mul(&r.x, &z1z1);
        let s1 = self.mul(&q.y, &self.mul(&r.z, &z2z2));
        let s2 = self.mul(&r.y, &self.mul(&q.z, &z1z1));
        if u1 == u2 {
            return if s1 == s2 {
                self.double(q)
            } else {
                Field::infinity()
            };
        }
        let h = self.sub(&u2, &u1);
        let rr = self.sub(&s2, &s1);
        let h2 = self.mul(&h, &h);
        let h3 = self.mul(&h2, &h);
        let u1h2 = self.mul(&u1, &h2);
        let x3 = self.sub(
            &self.sub(&self.mul(&rr, &rr), &h3),
            &(BigUint::from(2u8) * &u1h2),
        );
        let y3 = self.sub(&self.mul(&rr, &self.sub(&u1h2, &x3)), &self.mul(&s1, &h3));
        let z3 = self.mul(&h, &self.mul(&q.z, &r.z));
        Jacobian {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// The affine x of `q` (`None` at infinity).
    fn affine_x(&self, q: &Jacobian) -> Option<BigUint> {
        if q.z == BigUint::default() {
            return None;
        }
        let two = BigUint::from(2u8);
        let z_inv = q.z.modpow(&(&self.p - &two), &self.p);
        let z_inv2 = self.mul(&z_inv, &z_inv);
        Some(self.mul(&q.x, &z_inv2))
    }
}

/// Verifies a DER `ECDSA-Sig-Value` (RFC 3279 §2.2.3) by `key` over
/// `message` hashed with `hash` (a hash longer than the order is truncated
/// to its leftmost bits, FIPS 186-5 §6.4.2): `crypto.signature.invalid`
/// when it does not verify or is not strict DER with `0 < r, s < n`.
pub(crate) fn verify(
    key: &BrainpoolKey,
    hash: HashAlg,
    message: &[u8],
    signature: &[u8],
) -> Result<()> {
    let (body, rest) = expect(signature, 0x30).ok_or_else(invalid)?;
    let (r, body) = expect(body, 0x02).ok_or_else(invalid)?;
    let (s, end) = expect(body, 0x02).ok_or_else(invalid)?;
    if !rest.is_empty() || !end.is_empty() {
        return Err(invalid());
    }
    let (r, s) = (uint(r).ok_or_else(invalid)?, uint(s).ok_or_else(invalid)?);
    let k = key.curve.params();
    let n = hex(k.n);
    let zero = BigUint::default();
    if r == zero || s == zero || r >= n || s >= n {
        return Err(invalid());
    }
    let digest = hash.digest(message);
    let mut e = BigUint::from_bytes_be(&digest);
    let n_bits = n.bits();
    let h_bits = digest.len() * 8;
    if h_bits > n_bits {
        e >>= h_bits - n_bits;
    }
    let two = BigUint::from(2u8);
    let w = s.modpow(&(&n - &two), &n);
    let u1 = (&e * &w) % &n;
    let u2 = (&r * &w) % &n;
    let field = Field {
        p: hex(k.p),
        a: hex(k.a),
    };
    let g = hex(k.g).to_bytes_be();
    let len = key.curve.field_len();
    let one = BigUint::from(1u8);
    let gp = Jacobian {
        x: BigUint::from_bytes_be(g.get(1..=len).unwrap_or_default()),
        y: BigUint::from_bytes_be(g.get(1 + len..).unwrap_or_default()),
        z: one.clone(),
    };
    let qp = Jacobian {
        x: key.x.clone(),
        y: key.y.clone(),
        z: one,
    };
    let both = field.add(&gp, &qp);
    let mut acc = Field::infinity();
    let bits = n_bits.max(u1.bits()).max(u2.bits());
    for i in (0..bits).rev() {
        acc = field.double(&acc);
        let (b1, b2) = (bit(&u1, i), bit(&u2, i));
        let add = match (b1, b2) {
            (true, true) => Some(&both),
            (true, false) => Some(&gp),
            (false, true) => Some(&qp),
            (false, false) => None,
        };
        if let Some(pt) = add {
            acc = field.add(&acc, pt);
        }
    }
    let x = field.affine_x(&acc).ok_or_else(invalid)?;
    if x % &n == r {
        Ok(())
    } else {
        Err(invalid())
    }
}

fn bit(v: &BigUint, i: usize) -> bool {
    (v >> i) & BigUint::from(1u8) == BigUint::from(1u8)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_generators_are_on_their_curves() {
        for c in BrainpoolCurve::all() {
            let g = hex(c.params().g).to_bytes_be();
            let spki_bits = [&[0u8][..], &g].concat();
            assert!(point(c, &spki_bits).is_ok(), "{c:?}");
            let mut off = spki_bits.clone();
            let last = off.len() - 1;
            off[last] ^= 1;
            assert!(point(c, &off).is_err(), "{c:?}");
        }
    }
}
