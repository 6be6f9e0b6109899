//! CMS SignedData (RFC 5652 §5), read strictly: DER only, raw spans kept.
//!
//! A format module: it knows RFC 5652, not any scheme. It reads one
//! `SignedData` (bare `ContentInfo`, or inside an application wrapper the
//! caller names, as ICAO's EF.SOD `[APPLICATION 23]`), keeps the exact
//! bytes a signature covers, and verifies nothing itself: the scheme picks
//! the signer certificate, the algorithms and the trust.
//!
//! Strictness (every refusal is a [`CmsError`], mapped by the caller onto
//! its own stable code):
//! - every TLV is DER: definite, minimal lengths (through the `der` crate's
//!   header decoder, the one `x509/` uses), no indefinite-length BER, and
//!   nothing after the outermost value;
//! - `SignedData` version, `digestAlgorithms`, `encapContentInfo` with its
//!   `eContent` present, optional `certificates` (only X.509 certificates,
//!   each strict DER through `x509/`), optional `crls` (kept opaque),
//!   `signerInfos` holding exactly one `SignerInfo`;
//! - the `SignerInfo`'s `sid` by issuerAndSerialNumber (version 1) or
//!   subjectKeyIdentifier (version 3), signed attributes present, each
//!   attribute type at most once, `contentType` and `messageDigest` with one
//!   value each;
//! - counts bounded before any work: at most
//!   [`Limits::max_cms_certificates`] certificates and
//!   [`Limits::max_cms_signer_infos`] SignerInfos are even looked at.
//!
//! The signed attributes are verified over their DER `SET` encoding: the
//! bytes as received with the `[0] IMPLICIT` tag replaced by `SET` (0x31),
//! RFC 5652 §5.4. Their order inside the SET is not re-sorted (the signer's
//! bytes are what is signed).
//!
//! [`Limits::max_cms_certificates`]: crate::Limits::max_cms_certificates
//! [`Limits::max_cms_signer_infos`]: crate::Limits::max_cms_signer_infos

use crate::limits::Limits;
use crate::x509::cert::Certificate;
use crate::x509::subset::{header, MAX_LENGTH};
use der::asn1::ObjectIdentifier;

/// id-signedData (RFC 5652 §5.1).
pub(crate) const ID_SIGNED_DATA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// id-contentType (RFC 5652 §11.1).
pub(crate) const ID_CONTENT_TYPE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
/// id-messageDigest (RFC 5652 §11.2).
pub(crate) const ID_MESSAGE_DIGEST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");

/// Why a CMS structure was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CmsError {
    /// What is wrong, for the error's detail.
    pub reason: &'static str,
}

pub(crate) type CmsResult<T> = core::result::Result<T, CmsError>;

fn bad(reason: &'static str) -> CmsError {
    CmsError { reason }
}

/// One DER TLV: its identifier octet, its contents and its whole encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet (low tag numbers only: DER's `der` decoder
    /// refuses the high-tag-number form here).
    pub tag: u8,
    /// The contents octets.
    pub contents: &'a [u8],
    /// Identifier, length and contents.
    pub raw: &'a [u8],
}

/// Reads one DER TLV from the front of `input`: the TLV and what follows.
/// The header is `x509::subset::header`'s, which reads it as
/// `der::Header::decode` does (the test below compares them).
pub(crate) fn read_tlv(input: &[u8]) -> CmsResult<(Tlv<'_>, &[u8])> {
    if input.len() > MAX_LENGTH {
        return Err(bad("input too long"));
    }
    let (tag, header_len, len) = header(input)
        .ok_or_else(|| bad("not a DER TLV (indefinite or non-minimal length, or truncated)"))?;
    let end = header_len + len;
    let raw = input.get(..end).ok_or_else(|| bad("truncated value"))?;
    let contents = raw
        .get(header_len..)
        .ok_or_else(|| bad("truncated value"))?;
    let rest = input.get(end..).ok_or_else(|| bad("truncated value"))?;
    Ok((Tlv { tag, contents, raw }, rest))
}

/// Reads exactly one TLV with identifier `tag` filling `input`.
pub(crate) fn read_only<'a>(input: &'a [u8], tag: u8, what: &'static str) -> CmsResult<Tlv<'a>> {
    let (tlv, rest) = read_tlv(input)?;
    if tlv.tag != tag {
        return Err(bad(what));
    }
    if !rest.is_empty() {
        return Err(bad("bytes after the value"));
    }
    Ok(tlv)
}

/// A cursor over the TLVs of a constructed value's contents.
#[derive(Clone, Debug)]
pub(crate) struct Seq<'a> {
    rest: &'a [u8],
}

impl<'a> Seq<'a> {
    /// The elements of `contents`.
    pub(crate) fn new(contents: &'a [u8]) -> Seq<'a> {
        Seq { rest: contents }
    }

    /// The next element, which must have identifier `tag`.
    pub(crate) fn next(&mut self, tag: u8, what: &'static str) -> CmsResult<Tlv<'a>> {
        let (tlv, rest) = read_tlv(self.rest).map_err(|_| bad(what))?;
        if tlv.tag != tag {
            return Err(bad(what));
        }
        self.rest = rest;
        Ok(tlv)
    }

    /// The next element if it has identifier `tag`.
    pub(crate) fn optional(&mut self, tag: u8) -> CmsResult<Option<Tlv<'a>>> {
        if self.rest.first() != Some(&tag) {
            return Ok(None);
        }
        let (tlv, rest) = read_tlv(self.rest)?;
        self.rest = rest;
        Ok(Some(tlv))
    }

    /// The next element, whatever its tag (`None` at the end).
    pub(crate) fn any(&mut self) -> CmsResult<Option<Tlv<'a>>> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let (tlv, rest) = read_tlv(self.rest)?;
        self.rest = rest;
        Ok(Some(tlv))
    }

    /// Succeeds when every element was read.
    pub(crate) fn end(&self, what: &'static str) -> CmsResult<()> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(bad(what))
        }
    }
}

/// ASN.1 identifiers used here.
pub(crate) mod tag {
    pub const INTEGER: u8 = 0x02;
    pub const OCTET_STRING: u8 = 0x04;
    pub const NULL: u8 = 0x05;
    pub const OID: u8 = 0x06;
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;
    /// `[0]` constructed.
    pub const CTX0: u8 = 0xA0;
    /// `[1]` constructed.
    pub const CTX1: u8 = 0xA1;
    /// `[2]` constructed.
    pub const CTX2: u8 = 0xA2;
    /// `[3]` constructed.
    pub const CTX3: u8 = 0xA3;
    /// `[0]` primitive.
    pub const CTX0_PRIM: u8 = 0x80;
}

/// An OBJECT IDENTIFIER (strictly encoded), compared by its encoding.
pub(crate) fn oid(tlv: Tlv<'_>) -> CmsResult<ObjectIdentifier> {
    if tlv.tag != tag::OID {
        return Err(bad("an OBJECT IDENTIFIER was expected"));
    }
    ObjectIdentifier::from_bytes(tlv.contents)
        .map_err(|_| bad("an OBJECT IDENTIFIER is not well encoded"))
}

/// A DER INTEGER's value, when it fits an `i64` (X.690 §8.3: at least one
/// octet, and the first nine bits not all equal).
pub(crate) fn small_int(tlv: Tlv<'_>) -> CmsResult<i64> {
    if tlv.tag != tag::INTEGER {
        return Err(bad("an INTEGER was expected"));
    }
    let c = tlv.contents;
    match c {
        [] => return Err(bad("an empty INTEGER")),
        [0x00, b, ..] if b & 0x80 == 0 => return Err(bad("a non-minimal INTEGER")),
        [0xFF, b, ..] if b & 0x80 != 0 => return Err(bad("a non-minimal INTEGER")),
        _ => {}
    }
    if c.len() > 8 {
        return Err(bad("an INTEGER out of range"));
    }
    let negative = c.first().is_some_and(|b| b & 0x80 != 0);
    let mut v: i64 = if negative { -1 } else { 0 };
    for b in c {
        v = (v << 8) | i64::from(*b);
    }
    Ok(v)
}

/// An AlgorithmIdentifier: its OID and its parameters' whole TLV, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AlgorithmId<'a> {
    pub oid: ObjectIdentifier,
    pub params: Option<Tlv<'a>>,
}

pub(crate) fn algorithm_id(tlv: Tlv<'_>) -> CmsResult<AlgorithmId<'_>> {
    if tlv.tag != tag::SEQUENCE {
        return Err(bad("an AlgorithmIdentifier was expected"));
    }
    let mut s = Seq::new(tlv.contents);
    let oid = oid(s.next(tag::OID, "an AlgorithmIdentifier without an OID")?)?;
    let params = s.any()?;
    s.end("an AlgorithmIdentifier with more than two parts")?;
    Ok(AlgorithmId { oid, params })
}

/// How a SignerInfo names its certificate (RFC 5652 §5.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SignerId<'a> {
    /// The issuer's Name (whole DER) and the serial number's contents.
    IssuerAndSerial { issuer: &'a [u8], serial: &'a [u8] },
    /// A subjectKeyIdentifier value.
    SubjectKeyId(&'a [u8]),
}

/// The one SignerInfo of a SignedData.
#[derive(Clone, Debug)]
pub(crate) struct SignerInfo<'a> {
    pub sid: SignerId<'a>,
    pub digest_algorithm: AlgorithmId<'a>,
    /// The signed attributes re-tagged as the DER `SET` the signature covers.
    pub signed_attrs_der: Vec<u8>,
    /// The signed `contentType` attribute's value.
    pub content_type: ObjectIdentifier,
    /// The signed `messageDigest` attribute's value.
    pub message_digest: &'a [u8],
    pub signature_algorithm: AlgorithmId<'a>,
    pub signature: &'a [u8],
}

/// A SignedData as read: nothing in it is trusted yet.
#[derive(Clone, Debug)]
pub(crate) struct SignedData<'a> {
    /// `encapContentInfo.eContentType`.
    pub econtent_type: ObjectIdentifier,
    /// The `eContent` OCTET STRING's contents.
    pub econtent: &'a [u8],
    /// The `certificates`, decoded (strict DER, `x509/`).
    pub certificates: Vec<Certificate>,
    pub signer: SignerInfo<'a>,
}

impl SignedData<'_> {
    /// The certificate the SignerInfo's `sid` names, taken out of
    /// `certificates` (no copy), if among them.
    pub(crate) fn take_signer_certificate(&mut self) -> Option<Certificate> {
        let found = self.signer_certificate()?;
        let at = self
            .certificates
            .iter()
            .position(|c| core::ptr::eq(c, found))?;
        Some(self.certificates.swap_remove(at))
    }

    /// The certificate the SignerInfo's `sid` names, if among `certificates`.
    pub(crate) fn signer_certificate(&self) -> Option<&Certificate> {
        self.certificates.iter().find(|c| match self.signer.sid {
            SignerId::IssuerAndSerial { issuer, serial } => {
                c.issuer_der == issuer && c.serial == serial
            }
            SignerId::SubjectKeyId(ski) => subject_key_id(&c.der).is_some_and(|k| k == ski),
        })
    }
}

/// A certificate's subjectKeyIdentifier (RFC 5280 §4.2.1.2), if it has
/// one: read by walking the DER (the certificate was decoded strictly
/// already), without a second decode.
fn subject_key_id(cert_der: &[u8]) -> Option<&[u8]> {
    const ID_CE_SUBJECT_KEY_IDENTIFIER: [u8; 3] = [0x55, 0x1d, 0x0e];
    let cert = read_only(cert_der, tag::SEQUENCE, "").ok()?;
    let tbs = Seq::new(cert.contents).next(tag::SEQUENCE, "").ok()?;
    let mut t = Seq::new(tbs.contents);
    t.optional(tag::CTX0).ok()?;
    t.next(tag::INTEGER, "").ok()?;
    for _ in 0..5 {
        // signature, issuer, validity, subject, subjectPublicKeyInfo
        t.next(tag::SEQUENCE, "").ok()?;
    }
    for unique in [0x81, 0x82, 0xA1, 0xA2] {
        t.optional(unique).ok()?;
    }
    let explicit = t.optional(tag::CTX3).ok()??;
    let list = read_only(explicit.contents, tag::SEQUENCE, "").ok()?;
    let mut exts = Seq::new(list.contents);
    while let Some(ext) = exts.any().ok()? {
        let mut e = Seq::new(ext.contents);
        if e.next(tag::OID, "").ok()?.contents != ID_CE_SUBJECT_KEY_IDENTIFIER {
            continue;
        }
        e.optional(0x01).ok()?;
        let value = e.next(tag::OCTET_STRING, "").ok()?;
        return Some(
            read_only(value.contents, tag::OCTET_STRING, "")
                .ok()?
                .contents,
        );
    }
    None
}

/// Reads a SignedData from `input`: a bare ContentInfo, or when
/// `wrapper` is `Some(tag)`, also that tag around it (ICAO EF.SOD: 0x77).
/// Nothing may follow the outermost value.
pub(crate) fn read_signed_data<'a>(
    input: &'a [u8],
    wrapper: Option<u8>,
    limits: &Limits,
) -> CmsResult<SignedData<'a>> {
    let (outer, rest) = read_tlv(input)?;
    if !rest.is_empty() {
        return Err(bad("bytes after the ContentInfo"));
    }
    let content_info = match wrapper {
        Some(w) if outer.tag == w => read_only(outer.contents, tag::SEQUENCE, "no ContentInfo")?,
        _ if outer.tag == tag::SEQUENCE => outer,
        _ => return Err(bad("neither a ContentInfo nor its wrapper")),
    };
    let mut ci = Seq::new(content_info.contents);
    if oid(ci.next(tag::OID, "a ContentInfo without a contentType")?)? != ID_SIGNED_DATA {
        return Err(bad("the ContentInfo is not signedData"));
    }
    let explicit = ci.next(tag::CTX0, "a ContentInfo without [0] content")?;
    ci.end("a ContentInfo with more than two parts")?;
    let sd = read_only(
        explicit.contents,
        tag::SEQUENCE,
        "the content is not a SignedData",
    )?;
    let mut s = Seq::new(sd.contents);
    let version = small_int(s.next(tag::INTEGER, "a SignedData without a version")?)?;
    if !(1..=5).contains(&version) {
        return Err(bad("an unknown SignedData version"));
    }
    let digests = s.next(tag::SET, "a SignedData without digestAlgorithms")?;
    let mut d = Seq::new(digests.contents);
    while let Some(alg) = d.any()? {
        algorithm_id(alg)?;
    }
    // EncapsulatedContentInfo: the content must be present (attached).
    let eci = s.next(tag::SEQUENCE, "a SignedData without encapContentInfo")?;
    let mut e = Seq::new(eci.contents);
    let econtent_type = oid(e.next(tag::OID, "encapContentInfo without eContentType")?)?;
    let ec = e.next(tag::CTX0, "encapContentInfo without eContent (detached)")?;
    e.end("encapContentInfo with more than two parts")?;
    let econtent = read_only(
        ec.contents,
        tag::OCTET_STRING,
        "eContent is not one OCTET STRING",
    )?
    .contents;
    // certificates [0] IMPLICIT CertificateSet OPTIONAL.
    // One certificate in most SignedData (ICAO's DS): no room for four.
    let mut certificates = Vec::with_capacity(1);
    if let Some(set) = s.optional(tag::CTX0)? {
        let mut c = Seq::new(set.contents);
        while let Some(cert) = c.any()? {
            if certificates.len() >= limits.max_cms_certificates() {
                return Err(bad("more certificates than Limits::max_cms_certificates"));
            }
            if cert.tag != tag::SEQUENCE {
                return Err(bad("a certificate choice other than an X.509 certificate"));
            }
            certificates.push(
                Certificate::from_der(cert.raw)
                    .map_err(|_| bad("a certificate is not DER X.509"))?,
            );
        }
    }
    // crls [1] IMPLICIT RevocationInfoChoices OPTIONAL: not read.
    let _crls = s.optional(tag::CTX1)?;
    let infos = s.next(tag::SET, "a SignedData without signerInfos")?;
    s.end("a SignedData with parts after signerInfos")?;
    let mut i = Seq::new(infos.contents);
    let mut signers = Vec::new();
    while let Some(si) = i.any()? {
        if signers.len() >= limits.max_cms_signer_infos() {
            return Err(bad("more SignerInfos than Limits::max_cms_signer_infos"));
        }
        signers.push(si);
    }
    let [si] = signers.as_slice() else {
        return Err(bad("not exactly one SignerInfo"));
    };
    let signer = signer_info(*si)?;
    Ok(SignedData {
        econtent_type,
        econtent,
        certificates,
        signer,
    })
}

fn signer_info(tlv: Tlv<'_>) -> CmsResult<SignerInfo<'_>> {
    if tlv.tag != tag::SEQUENCE {
        return Err(bad("a SignerInfo is not a SEQUENCE"));
    }
    let mut s = Seq::new(tlv.contents);
    let version = small_int(s.next(tag::INTEGER, "a SignerInfo without a version")?)?;
    let sid_tlv = s.any()?.ok_or_else(|| bad("a SignerInfo without a sid"))?;
    let sid = match (version, sid_tlv.tag) {
        (1, tag::SEQUENCE) => {
            let mut ias = Seq::new(sid_tlv.contents);
            let issuer = ias.next(tag::SEQUENCE, "issuerAndSerialNumber without an issuer")?;
            let serial = ias.next(tag::INTEGER, "issuerAndSerialNumber without a serial")?;
            ias.end("issuerAndSerialNumber with more than two parts")?;
            SignerId::IssuerAndSerial {
                issuer: issuer.raw,
                serial: serial.contents,
            }
        }
        (3, tag::CTX0_PRIM) => SignerId::SubjectKeyId(sid_tlv.contents),
        _ => return Err(bad("a sid that does not match the SignerInfo version")),
    };
    let digest_algorithm = algorithm_id(s.next(tag::SEQUENCE, "no digestAlgorithm")?)?;
    let attrs = s.next(tag::CTX0, "a SignerInfo without signed attributes")?;
    let signature_algorithm = algorithm_id(s.next(tag::SEQUENCE, "no signatureAlgorithm")?)?;
    let signature = s.next(tag::OCTET_STRING, "no signature")?.contents;
    let _unsigned = s.optional(tag::CTX1)?;
    s.end("a SignerInfo with parts after unsignedAttrs")?;
    // The attributes: each type once; contentType and messageDigest one value each.
    let mut seen = std::collections::HashSet::new();
    let mut content_type = None;
    let mut message_digest = None;
    let mut a = Seq::new(attrs.contents);
    while let Some(attr) = a.any()? {
        if attr.tag != tag::SEQUENCE {
            return Err(bad("a signed attribute is not a SEQUENCE"));
        }
        let mut at = Seq::new(attr.contents);
        let ty = oid(at.next(tag::OID, "a signed attribute without a type")?)?;
        let values = at.next(tag::SET, "a signed attribute without values")?;
        at.end("a signed attribute with more than two parts")?;
        if !seen.insert(ty) {
            return Err(bad("a signed attribute type appears twice"));
        }
        let mut v = Seq::new(values.contents);
        let first = v.any()?;
        let single = |f: Option<Tlv<'_>>, v: &Seq<'_>| -> CmsResult<()> {
            v.end("a signed attribute with several values")?;
            f.map(|_| ())
                .ok_or_else(|| bad("a signed attribute without a value"))
        };
        match ty {
            ID_CONTENT_TYPE => {
                single(first, &v)?;
                content_type = first.map(oid).transpose()?;
            }
            ID_MESSAGE_DIGEST => {
                single(first, &v)?;
                let md = first.ok_or_else(|| bad("messageDigest without a value"))?;
                if md.tag != tag::OCTET_STRING {
                    return Err(bad("messageDigest is not an OCTET STRING"));
                }
                message_digest = Some(md.contents);
            }
            _ => {
                // Other attributes (signingTime, ...) must still be DER.
                let mut rest = first;
                while rest.is_some() {
                    rest = v.any()?;
                }
            }
        }
    }
    let mut signed_attrs_der = attrs.raw.to_vec();
    if let Some(t) = signed_attrs_der.first_mut() {
        *t = tag::SET;
    }
    Ok(SignerInfo {
        sid,
        digest_algorithm,
        signed_attrs_der,
        content_type: content_type.ok_or_else(|| bad("no signed contentType attribute"))?,
        message_digest: message_digest.ok_or_else(|| bad("no signed messageDigest attribute"))?,
        signature_algorithm,
        signature,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn headers_read_as_the_der_crate_reads_them() {
        use der::{Decode, Reader};
        let mut lengths: Vec<Vec<u8>> = (0u8..=0xFF).map(|b| vec![b]).collect();
        for n in 1..=5u8 {
            for first in [0x00u8, 0x01, 0x7F, 0x80, 0xFF] {
                let mut l = vec![0x80 | n, first];
                l.extend(std::iter::repeat_n(0x00, usize::from(n) - 1));
                lengths.push(l);
            }
        }
        lengths.push(vec![0x84, 0x0F, 0xFF, 0xFF, 0xFF]);
        lengths.push(vec![0x84, 0x10, 0x00, 0x00, 0x00]);
        lengths.push(vec![0x81]);
        lengths.push(vec![]);
        for tag in 0u8..=0xFF {
            for length in &lengths {
                let mut input = vec![tag];
                input.extend_from_slice(length);
                input.extend(std::iter::repeat_n(0xAA, 300));
                let ours = read_tlv(&input)
                    .ok()
                    .map(|(t, rest)| (t.contents.len(), rest.len()));
                let theirs = der::SliceReader::new(&input).ok().and_then(|mut r| {
                    let h = der::Header::decode(&mut r).ok()?;
                    let at = usize::try_from(r.position()).ok()?;
                    let len = usize::try_from(h.length).ok()?;
                    let end = at.checked_add(len).filter(|e| *e <= input.len())?;
                    Some((len, input.len() - end))
                });
                assert_eq!(ours, theirs, "{input:02x?}");
            }
        }
    }

    #[test]
    fn tlvs_are_der_only() {
        // An indefinite length (BER) and a non-minimal length are refused.
        assert!(read_tlv(&[0x30, 0x80, 0x00, 0x00]).is_err());
        assert!(read_tlv(&[0x04, 0x81, 0x01, 0x00]).is_err());
        assert!(read_tlv(&[0x04, 0x02, 0x00]).is_err());
        let (t, rest) = read_tlv(&[0x04, 0x01, 0xAA, 0x05]).unwrap();
        assert_eq!((t.tag, t.contents, rest), (0x04, &[0xAA][..], &[0x05][..]));
    }

    #[test]
    fn integers_are_minimal_and_signed() {
        let int = |c: &[u8]| {
            let mut raw = vec![0x02, c.len() as u8];
            raw.extend_from_slice(c);
            small_int(read_only(&raw, tag::INTEGER, "int").unwrap())
        };
        assert_eq!(int(&[0xA1]), Ok(-95));
        assert_eq!(int(&[0x01]), Ok(1));
        assert_eq!(int(&[0x00, 0x80]), Ok(128));
        assert!(int(&[0x00, 0x01]).is_err());
        assert!(int(&[0xFF, 0x80]).is_err());
        assert!(int(&[]).is_err());
    }
}
