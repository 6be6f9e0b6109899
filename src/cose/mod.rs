//! COSE (RFC 9052) as ISO/IEC 18013-5 uses it: `COSE_Sign1` and
//! `COSE_Mac0` read from a parsed CBOR item, their headers checked, and the
//! `Sig_structure` / `MAC_structure` built over the protected header bytes
//! exactly as received.
//!
//! The structure rules (VECTORS.md, kind `mdoc`, step 4): an array of 4
//! (tag 18 around a COSE_Sign1, tag 17 around a COSE_Mac0 tolerated, any
//! other tag not); a bstr protected header that decodes to a map (zero
//! length: empty); a map unprotected header; a bstr or null payload; a
//! bstr signature or tag; no label in both headers; `crit` only in the
//! protected header, naming only labels 1, 2, 3, 4 and 33; `alg` in the
//! protected header; `x5chain` (33) a bstr or a non-empty array of bstr.
//! A fault is a [`CoseFault`]: the caller words it in its own codes (mdoc
//! has one set for issuerAuth, another for deviceAuth), except the CBOR of
//! the protected header, whose faults keep their `cbor.*` code.
//!
//! ```
//! use idbridge::cbor::Document;
//! use idbridge::cose::{CoseMessage, Label};
//! use idbridge::Limits;
//! // [<<{1: -7}>>, {}, null, h'00']
//! let bytes = [0x84, 0x43, 0xa1, 0x01, 0x26, 0xa0, 0xf6, 0x41, 0x00];
//! let doc = Document::parse(&bytes, &Limits::default())?;
//! let msg = CoseMessage::sign1(doc.root(), &Limits::default()).unwrap();
//! assert_eq!(msg.alg(), &Label::Int(-7));
//! assert_eq!(msg.payload(), None);
//! # Ok::<(), idbridge::Error>(())
//! ```

use crate::cbor::{Document, Encoder, Item, Kind};
use crate::error::Error;
use crate::limits::Limits;

/// COSE header labels this module reads.
pub mod label {
    /// `alg`.
    pub const ALG: i64 = 1;
    /// `crit`.
    pub const CRIT: i64 = 2;
    /// `content type`.
    pub const CONTENT_TYPE: i64 = 3;
    /// `kid`.
    pub const KID: i64 = 4;
    /// `x5chain` (RFC 9360).
    pub const X5CHAIN: i64 = 33;
}

/// COSE algorithm values (IANA "COSE Algorithms").
pub mod alg {
    /// ECDSA with SHA-256 (on P-256 in 18013-5).
    pub const ES256: i64 = -7;
    /// ECDSA with SHA-384.
    pub const ES384: i64 = -35;
    /// ECDSA with SHA-512.
    pub const ES512: i64 = -36;
    /// EdDSA.
    pub const EDDSA: i64 = -8;
    /// HMAC with SHA-256, 256-bit tag.
    pub const HMAC_256_256: i64 = 5;
}

/// A header label or an `alg` value: an integer or a text string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Label {
    /// An integer label.
    Int(i64),
    /// A text label.
    Text(String),
}

/// Why a COSE structure was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoseFault {
    /// The structure or a header breaks a rule (the reason says which).
    Malformed(&'static str),
    /// The protected header's CBOR is not well formed, valid or preferred.
    Cbor(Error),
}

/// A COSE_Sign1 or COSE_Mac0, checked for structure, borrowing its bytes.
#[derive(Clone, Debug)]
pub struct CoseMessage<'a> {
    protected: &'a [u8],
    alg: Label,
    x5chain: Option<Vec<&'a [u8]>>,
    payload: Option<&'a [u8]>,
    signature: &'a [u8],
    tagged: bool,
}

fn bad(reason: &'static str) -> CoseFault {
    CoseFault::Malformed(reason)
}

fn label_of(item: Item<'_, '_>) -> Option<Label> {
    match item.kind() {
        Kind::Text(t) => Some(Label::Text(t.to_string())),
        _ => item.as_i64().map(Label::Int),
    }
}

fn x5chain_of<'a>(item: Item<'_, 'a>) -> Result<Vec<&'a [u8]>, CoseFault> {
    if let Some(b) = item.as_bytes() {
        return Ok(vec![b]);
    }
    let list = item
        .array()
        .ok_or_else(|| bad("x5chain is neither a bstr nor an array"))?;
    if list.is_empty() {
        return Err(bad("x5chain is an empty array"));
    }
    list.iter()
        .map(|c| {
            c.as_bytes()
                .ok_or_else(|| bad("an x5chain entry is not a bstr"))
        })
        .collect()
}

impl<'a> CoseMessage<'a> {
    /// A COSE_Sign1 (tag 18 tolerated).
    pub fn sign1(item: Item<'_, 'a>, limits: &Limits) -> Result<CoseMessage<'a>, CoseFault> {
        Self::read(item, 18, limits)
    }

    /// A COSE_Mac0 (tag 17 tolerated).
    pub fn mac0(item: Item<'_, 'a>, limits: &Limits) -> Result<CoseMessage<'a>, CoseFault> {
        Self::read(item, 17, limits)
    }

    fn read(item: Item<'_, 'a>, tag: u64, limits: &Limits) -> Result<CoseMessage<'a>, CoseFault> {
        let (array, tagged) = match item.as_tag() {
            Some((t, inner)) if t == tag => (inner, true),
            Some(_) => return Err(bad("a tag other than the message's own")),
            None => (item, false),
        };
        let parts = array
            .array()
            .ok_or_else(|| bad("the message is not an array"))?;
        let [p, u, payload, signature] = parts.as_slice() else {
            return Err(bad("the message is not an array of four"));
        };
        let protected = p
            .as_bytes()
            .ok_or_else(|| bad("the protected header is not a bstr"))?;
        if !u.is_map() {
            return Err(bad("the unprotected header is not a map"));
        }
        let payload = if payload.is_null() {
            None
        } else {
            Some(
                payload
                    .as_bytes()
                    .ok_or_else(|| bad("the payload is neither a bstr nor null"))?,
            )
        };
        let signature = signature
            .as_bytes()
            .ok_or_else(|| bad("the signature or tag is not a bstr"))?;
        let doc;
        let mut protected_entries = Vec::new();
        if !protected.is_empty() {
            doc = Document::parse(protected, limits).map_err(CoseFault::Cbor)?;
            let root = doc.root();
            if !root.is_map() {
                return Err(bad("the protected header is not a map"));
            }
            protected_entries.extend(root.entries());
        }
        let unprotected: Vec<_> = u.entries().collect();
        let mut alg = None;
        let mut x5chain = None;
        for (k, v) in &protected_entries {
            let key =
                label_of(*k).ok_or_else(|| bad("a header label is neither an int nor a tstr"))?;
            if unprotected
                .iter()
                .any(|(uk, _)| label_of(*uk).as_ref() == Some(&key))
            {
                return Err(bad("a label in both headers"));
            }
            match key {
                Label::Int(label::ALG) => {
                    alg =
                        Some(label_of(*v).ok_or_else(|| bad("alg is neither an int nor a tstr"))?);
                }
                Label::Int(label::CRIT) => {
                    let list = v.array().ok_or_else(|| bad("crit is not an array"))?;
                    if list.is_empty() {
                        return Err(bad("crit is empty"));
                    }
                    for l in list {
                        match l.as_i64() {
                            Some(
                                label::ALG
                                | label::CRIT
                                | label::CONTENT_TYPE
                                | label::KID
                                | label::X5CHAIN,
                            ) => {}
                            _ => {
                                return Err(bad(
                                    "crit names a label this verifier does not process",
                                ))
                            }
                        }
                    }
                }
                Label::Int(label::X5CHAIN) => x5chain = Some(x5chain_of(*v)?),
                _ => {}
            }
        }
        for (k, v) in &unprotected {
            let key =
                label_of(*k).ok_or_else(|| bad("a header label is neither an int nor a tstr"))?;
            match key {
                Label::Int(label::ALG) => return Err(bad("alg is not in the protected header")),
                Label::Int(label::CRIT) => return Err(bad("crit is not in the protected header")),
                Label::Int(label::X5CHAIN) => x5chain = Some(x5chain_of(*v)?),
                _ => {}
            }
        }
        let alg = alg.ok_or_else(|| bad("no alg in the protected header"))?;
        Ok(CoseMessage {
            protected,
            alg,
            x5chain,
            payload,
            signature,
            tagged,
        })
    }

    /// The protected header's bytes as received (the bstr's contents).
    pub fn protected(&self) -> &'a [u8] {
        self.protected
    }

    /// The protected header's `alg`.
    pub fn alg(&self) -> &Label {
        &self.alg
    }

    /// `x5chain` from either header (leaf first), if present.
    pub fn x5chain(&self) -> Option<&[&'a [u8]]> {
        self.x5chain.as_deref()
    }

    /// The payload, `None` when it is null (detached).
    pub fn payload(&self) -> Option<&'a [u8]> {
        self.payload
    }

    /// The signature (COSE_Sign1) or tag (COSE_Mac0).
    pub fn signature(&self) -> &'a [u8] {
        self.signature
    }

    /// Whether the message came in its COSE tag (18 or 17).
    pub fn tagged(&self) -> bool {
        self.tagged
    }
}

/// `["Signature1", protected, external_aad, payload]` (RFC 9052 §4.4).
pub fn sig_structure(protected: &[u8], external_aad: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut e = Encoder::new();
    e.array(4)
        .text("Signature1")
        .bytes(protected)
        .bytes(external_aad)
        .bytes(payload);
    e.finish()
}

/// `["MAC0", protected, external_aad, payload]` (RFC 9052 §6.3).
pub fn mac_structure(protected: &[u8], external_aad: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut e = Encoder::new();
    e.array(4)
        .text("MAC0")
        .bytes(protected)
        .bytes(external_aad)
        .bytes(payload);
    e.finish()
}

/// HMAC-SHA-256 of `message` under `key` compared with `tag` in constant
/// time (COSE alg 5, HMAC 256/256).
pub fn verify_hmac_sha256(key: &[u8], message: &[u8], tag: &[u8]) -> bool {
    use hmac::Mac as _;
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(key) else {
        return false;
    };
    mac.update(message);
    mac.verify_slice(tag).is_ok()
}

/// HKDF-SHA-256 (RFC 5869) with a 32-byte output.
pub fn hkdf_sha256_32(salt: &[u8], ikm: &[u8], info: &[u8]) -> [u8; 32] {
    use hmac::Mac as _;
    let prk = match hmac::Hmac::<sha2::Sha256>::new_from_slice(salt) {
        Ok(mut m) => {
            m.update(ikm);
            m.finalize().into_bytes()
        }
        Err(_) => return [0; 32],
    };
    match hmac::Hmac::<sha2::Sha256>::new_from_slice(&prk) {
        Ok(mut m) => {
            m.update(info);
            m.update(&[1]);
            m.finalize().into_bytes().into()
        }
        Err(_) => [0; 32],
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn hkdf_matches_rfc5869_case_1() {
        let ikm = [0x0b; 22];
        let salt: Vec<u8> = (0u8..=0x0c).collect();
        let info: Vec<u8> = (0xf0u8..=0xf9).collect();
        let okm = hkdf_sha256_32(&salt, &ikm, &info);
        assert_eq!(okm[..8], [0x3c, 0xb2, 0x5f, 0x25, 0xfa, 0xac, 0xd5, 0x7a]);
    }

    fn msg(bytes: &[u8]) -> Result<CoseMessage<'_>, CoseFault> {
        let doc = Box::leak(Box::new(
            Document::parse(bytes, &Limits::default()).unwrap(),
        ));
        CoseMessage::sign1(doc.root(), &Limits::default())
    }

    #[test]
    fn header_rules_fail_closed() {
        // alg only unprotected
        assert!(matches!(
            msg(&[0x84, 0x40, 0xa1, 0x01, 0x26, 0xf6, 0x40]),
            Err(CoseFault::Malformed(_))
        ));
        // label in both headers
        assert!(matches!(
            msg(&[0x84, 0x43, 0xa1, 0x01, 0x26, 0xa1, 0x01, 0x26, 0xf6, 0x40]),
            Err(CoseFault::Malformed(_))
        ));
        // three elements
        assert!(matches!(
            msg(&[0x83, 0x43, 0xa1, 0x01, 0x26, 0xa0, 0xf6]),
            Err(CoseFault::Malformed(_))
        ));
        // tag 98
        assert!(matches!(
            msg(&[0xd8, 0x62, 0x84, 0x43, 0xa1, 0x01, 0x26, 0xa0, 0xf6, 0x40]),
            Err(CoseFault::Malformed(_))
        ));
        // duplicate label in the protected header
        assert!(
            matches!(msg(&[0x84, 0x45, 0xa2, 0x01, 0x26, 0x01, 0x26, 0xa0, 0xf6, 0x40]), Err(CoseFault::Cbor(e)) if e.code() == "cbor.invalid")
        );
        // crit naming an unknown label
        assert!(matches!(
            msg(&[0x84, 0x47, 0xa2, 0x01, 0x26, 0x02, 0x81, 0x18, 0x63, 0xa0, 0xf6, 0x40]),
            Err(CoseFault::Malformed(_))
        ));
        // tag 18 tolerated
        let ok = msg(&[
            0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26, 0xa1, 0x18, 0x21, 0x41, 0x00, 0xf6, 0x40,
        ])
        .unwrap();
        assert!(ok.tagged());
        assert_eq!(ok.x5chain().unwrap().len(), 1);
    }
}
