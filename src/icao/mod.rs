//! ICAO 9303 passive authentication of chip data (the Italian CIE 3.0 and
//! any eMRTD): EF.SOD and the data groups exactly as read from the chip.
//!
//! [`verify_passive`] runs the checks of `../shared/VECTORS.md`, kind
//! `icao-sod`, in this order:
//!
//! | check | spec | code |
//! |---|---|---|
//! | EF.SOD `[APPLICATION 23]`-wrapped or a bare ContentInfo, strict DER, nothing after it; signedData with eContentType id-icao-ldsSecurityObject; exactly one SignerInfo; its DS among `certificates` by `sid`; signed contentType the same OID | ICAO 9303-10 §4.6.2, RFC 5652 §5 | `icao.sod.malformed` |
//! | signed messageDigest = hash of the LDS security object | RFC 5652 §5.4, §11.2 | `icao.message_digest.mismatch` |
//! | the signature over the DER SET of signed attributes: RSASSA-PSS (with the SignerInfo's parameters: MGF1 with the same SHA-2 hash, salt of the hash's length), RSASSA-PKCS1-v1_5 or ECDSA on a NIST curve | ICAO 9303-12 §4.4, RFC 4056 | `icao.algorithm.unsupported`, `icao.signature.invalid` |
//! | every `dataGroupNumber` allowed by the [`LdsProfile`], at most `Limits::max_sod_data_groups` | ICAO 9303-10 §4.6.2.2 | `icao.lds.invalid` |
//! | each given data group listed, with an equal hash | ICAO 9303-11 §5.1 | `icao.dg.not_in_sod`, `icao.dg_hash.mismatch` |
//! | the DS valid at `now`, and pinned byte for byte or issued by a configured CSCA valid at `now` | ICAO 9303-12 §7, RFC 5280 | `x509.cert.expired`, `x509.cert.not_yet_valid`, `x509.chain.untrusted` |
//! | DG1 (TD1 MRZ), DG11 and the IAS NIS well formed where read | ICAO 9303-10 §4.7 | `icao.dg.malformed` |
//!
//! Out of scope: chip I/O (the bytes come in as read), active
//! authentication and chip authentication (they need a live chip: passive
//! authentication alone does not tell a cloned chip from the original),
//! certificate revocation lists and master-list parsing.
//!
//! Brainpool keys (brainpoolP256r1 or brainpoolP384r1, with a named curve
//! or explicit parameters) are verified for the document signer's
//! signature on the SOD and for the CSCA's signature on the DS certificate
//! ([`crypto::verify_ecdsa_brainpool`], idbridge's own arithmetic on every
//! backend). The DS → CSCA hop is checked by this module on the DS as
//! decoded once (webpki's rules for a one-certificate path: X.509 v3, the
//! two signature algorithm fields equal, no unknown critical extension, not
//! a CA; the CSCA's basicConstraints and keyUsage), not by webpki, whose
//! algorithm set has no brainpool; a CSCA with name constraints still goes
//! through webpki's path check, which applies them (and refuses brainpool).
//! Only ICAO opts in: Web eID, Smart-ID and Mobile-ID chains stay on
//! webpki's algorithms.
//!
//! ```
//! use idbridge::icao::{self, IcaoTrust, LdsProfile};
//! # let ds = include_bytes!("../../test-vectors/conformance/icao-sod/upstream/cie_DS_00019_TEST.der");
//! # let chip = include_bytes!("../../test-vectors/conformance/icao-sod/upstream/bundles/mrtd-dg1-dg11.json");
//! // The TEST card's document signer, trusted as it is (a real card's DS
//! // chains to a CSCA: `IcaoTrust::with_csca`).
//! let trust = IcaoTrust::new().with_document_signer(ds)?;
//! // EF.SOD and the data groups exactly as the reader app got them:
//! let data = icao::ChipData::from_json(chip, &idbridge::Limits::default())?;
//! let groups: Vec<(i64, &[u8])> =
//!     data.data_groups.iter().map(|(n, b)| (*n, b.as_slice())).collect();
//! let now = idbridge::UnixTime::parse_rfc3339("2025-09-01T00:00:00Z")?;
//! let verified = icao::verify_passive(&trust, &data.sod, &groups, LdsProfile::Icao, now)?;
//! assert_eq!(verified.identity().subject_id(), Some("TINIT-RSSMRA95A58H501Z"));
//! assert_eq!(verified.identity().birth_date(), Some("1995-01-18"));
//! assert_eq!(verified.verified_groups(), &[1, 11]);
//!
//! // One changed byte in DG1 and the document is refused:
//! let mut dg1 = groups[0].1.to_vec();
//! dg1[70] ^= 1;
//! let err = icao::verify_passive(&trust, &data.sod, &[(1, &dg1[..])], LdsProfile::Icao, now)
//!     .unwrap_err();
//! assert_eq!(err.code(), "icao.dg_hash.mismatch");
//! # Ok::<(), idbridge::Error>(())
//! ```

mod chain;
mod lds;

pub use lds::LdsProfile;

use crate::cms::{self, tag, CmsError, Seq};
use crate::crypto::{self, Algorithm, AllowList, EcdsaEncoding, HashAlg, PublicKey};
use crate::error::{Error, ErrorCode, Result};
use crate::identity::VerifiedIdentity;
use crate::limits::Limits;
use crate::time::UnixTime;
use crate::x509::cert::Certificate;
use crate::x509::path::{self, Anchor, NoIntermediates, Usage};
use crate::x509::Quirks;
use base64::Engine as _;
use der::asn1::ObjectIdentifier;
use std::collections::BTreeMap;

const ID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ID_ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ID_ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const ID_RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const ID_SHA256_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const ID_SHA384_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const ID_SHA512_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const ID_RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const ID_MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");

/// EF.SOD's wrapper: `[APPLICATION 23]`, constructed (ICAO 9303-10 §4.6.2).
const EF_SOD_TAG: u8 = 0x77;

/// The trust passive authentication ends at: CSCA certificates that may
/// issue document signers directly, and document-signer certificates
/// trusted as they are (for a DS under a CSCA that is not public, such as
/// a test card's).
#[derive(Clone, Debug, Default)]
pub struct IcaoTrust {
    csca: Vec<chain::Csca>,
    document_signers: Vec<Vec<u8>>,
}

impl IcaoTrust {
    /// No trust yet.
    pub fn new() -> IcaoTrust {
        IcaoTrust::default()
    }

    /// Adds a CSCA certificate (DER, or PEM: every certificate of a bundle;
    /// `x509.cert.malformed` otherwise).
    pub fn with_csca(mut self, cert: &[u8]) -> Result<IcaoTrust> {
        for der in crate::x509::pem::decode_certificates(cert)? {
            self.csca.push(chain::Csca::new(Anchor::from_der(&der)?));
        }
        Ok(self)
    }

    /// Pins a document-signer certificate (DER, or PEM: every certificate
    /// of a bundle): a SOD whose DS is
    /// byte for byte this certificate needs no path to a CSCA.
    pub fn with_document_signer(mut self, cert: &[u8]) -> Result<IcaoTrust> {
        for der in crate::x509::pem::decode_certificates(cert)? {
            Certificate::from_der(&der)?;
            self.document_signers.push(der);
        }
        Ok(self)
    }

    /// Whether nothing is configured (every SOD then fails `x509.chain.untrusted`).
    pub fn is_empty(&self) -> bool {
        self.csca.is_empty() && self.document_signers.is_empty()
    }
}

impl AsRef<IcaoTrust> for IcaoTrust {
    fn as_ref(&self) -> &IcaoTrust {
        self
    }
}

/// A passively authenticated document: the identity read from its data
/// groups, the DS certificate and the hashes the SOD signs.
#[derive(Debug)]
pub struct VerifiedDocument {
    identity: VerifiedIdentity,
    document_signer_der: Vec<u8>,
    hash: HashAlg,
    hashes: BTreeMap<i64, Vec<u8>>,
    verified_groups: Vec<i64>,
}

impl VerifiedDocument {
    /// The holder, from DG1, DG11 and the IAS NIS where given (`system`
    /// alone without data groups).
    pub fn identity(&self) -> &VerifiedIdentity {
        &self.identity
    }

    /// The holder, by value.
    pub fn into_identity(self) -> VerifiedIdentity {
        self.identity
    }

    /// The document signer certificate (DER) that signed the SOD.
    pub fn document_signer_der(&self) -> &[u8] {
        &self.document_signer_der
    }

    /// The data-group hash algorithm of the LDS security object.
    pub fn hash_algorithm(&self) -> HashAlg {
        self.hash
    }

    /// Every data-group hash the SOD signs, by `dataGroupNumber`: a data
    /// group read later can be checked against these.
    pub fn data_group_hashes(&self) -> &BTreeMap<i64, Vec<u8>> {
        &self.hashes
    }

    /// The numbers of the data groups given and checked, in order.
    pub fn verified_groups(&self) -> &[i64] {
        &self.verified_groups
    }
}

fn sod_malformed(e: CmsError) -> Error {
    Error::new(ErrorCode::IcaoSodMalformed, e.reason)
}

fn unsupported(reason: &'static str) -> Error {
    Error::new(ErrorCode::IcaoAlgorithmUnsupported, reason)
}

/// [`verify_passive_with`] on the default backend and limits.
pub fn verify_passive(
    trust: &impl AsRef<IcaoTrust>,
    sod: &[u8],
    data_groups: &[(i64, &[u8])],
    profile: LdsProfile,
    now: UnixTime,
) -> Result<VerifiedDocument> {
    verify_passive_with(
        crypto::default_backend(),
        trust,
        sod,
        data_groups,
        profile,
        now,
        &Limits::default(),
    )
}

/// Passive authentication of `sod` (EF.SOD as read, or a bare
/// ContentInfo) and `data_groups` (number, file bytes with their tag), at
/// `now`, in the order of the module documentation. `sod` is bounded by
/// `Limits::max_sod_bytes` and the groups by `Limits::max_sod_data_groups`
/// (`input.too_large`); a number given twice is `input.json`.
pub fn verify_passive_with(
    backend: &dyn crypto::Backend,
    trust: &impl AsRef<IcaoTrust>,
    sod: &[u8],
    data_groups: &[(i64, &[u8])],
    profile: LdsProfile,
    now: UnixTime,
    limits: &Limits,
) -> Result<VerifiedDocument> {
    let trust = trust.as_ref();
    if sod.len() > limits.max_sod_bytes() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!("EF.SOD is larger than {} bytes", limits.max_sod_bytes()),
        ));
    }
    if data_groups.len() > limits.max_sod_data_groups() {
        return Err(Error::with_detail(
            ErrorCode::InputTooLarge,
            format!("more than {} data groups", limits.max_sod_data_groups()),
        ));
    }
    let mut numbers: Vec<i64> = data_groups.iter().map(|(n, _)| *n).collect();
    numbers.sort_unstable();
    if numbers.windows(2).any(|w| w.first() == w.get(1)) {
        return Err(Error::new(
            ErrorCode::InputJson,
            "a data group is given twice",
        ));
    }
    // 1. The SignedData.
    let mut sd = cms::read_signed_data(sod, Some(EF_SOD_TAG), limits).map_err(sod_malformed)?;
    if sd.econtent_type != lds::ID_LDS_SECURITY_OBJECT {
        return Err(Error::new(
            ErrorCode::IcaoSodMalformed,
            "the eContentType is not id-icao-ldsSecurityObject",
        ));
    }
    if sd.signer.content_type != lds::ID_LDS_SECURITY_OBJECT {
        return Err(Error::new(
            ErrorCode::IcaoSodMalformed,
            "the signed contentType is not id-icao-ldsSecurityObject",
        ));
    }
    let ds = sd.take_signer_certificate().ok_or_else(|| {
        Error::new(
            ErrorCode::IcaoSodMalformed,
            "the SignerInfo's sid names no certificate of the SOD",
        )
    })?;
    // 2. messageDigest.
    let digest_alg = lds::sha2(&sd.signer.digest_algorithm)
        .ok_or_else(|| unsupported("the SignerInfo's digestAlgorithm is not SHA-2"))?;
    if digest_alg.digest(sd.econtent) != sd.signer.message_digest {
        return Err(Error::new(
            ErrorCode::IcaoMessageDigestMismatch,
            "the signed messageDigest is not the hash of the LDS security object",
        ));
    }
    // 3. The signature.
    let key = match PublicKey::from_spki_der(&ds.spki_der) {
        Ok(key) => key,
        Err(e) => {
            verify_brainpool(&sd.signer, &ds.spki_der, e)?;
            return finish(backend, trust, sd, ds, data_groups, profile, now, limits);
        }
    };
    let alg = signature_algorithm(&sd.signer.signature_algorithm, digest_alg, &key)?;
    crypto::verify_with_key(
        backend,
        AllowList::all(),
        alg,
        &key,
        &sd.signer.signed_attrs_der,
        sd.signer.signature,
    )
    .map_err(|e| match e.kind() {
        ErrorCode::CryptoSignatureInvalid | ErrorCode::CryptoSignatureMalformed => Error::new(
            ErrorCode::IcaoSignatureInvalid,
            "the SOD signature does not verify with the DS key",
        ),
        _ => Error::with_detail(
            ErrorCode::IcaoAlgorithmUnsupported,
            format!("the DS key does not suit the signature algorithm ({e})"),
        ),
    })?;
    finish(backend, trust, sd, ds, data_groups, profile, now, limits)
}

/// Checks 4 to 7, once the SOD's signature holds.
#[allow(clippy::too_many_arguments)]
fn finish(
    backend: &dyn crypto::Backend,
    trust: &IcaoTrust,
    sd: cms::SignedData<'_>,
    ds: Certificate,
    data_groups: &[(i64, &[u8])],
    profile: LdsProfile,
    now: UnixTime,
    limits: &Limits,
) -> Result<VerifiedDocument> {
    // 4. The LDS security object.
    let lds = lds::read_lds(sd.econtent, profile, limits.max_sod_data_groups())?;
    // 5. The data groups given.
    let mut verified_groups: Vec<i64> = Vec::new();
    for (number, bytes) in data_groups {
        let listed = lds.hashes.get(number).ok_or_else(|| {
            Error::with_detail(
                ErrorCode::IcaoDgNotInSod,
                format!("data group {number} is not listed in the SOD"),
            )
        })?;
        if lds.hash.digest(bytes) != *listed {
            return Err(Error::with_detail(
                ErrorCode::IcaoDgHashMismatch,
                format!("data group {number} does not have the hash the SOD lists"),
            ));
        }
        verified_groups.push(*number);
    }
    verified_groups.sort_unstable();
    // 6. The DS: valid now, pinned or issued by a CSCA valid now.
    ds.check_validity(now)?;
    check_ds_trust(backend, trust, &ds, now, limits)?;
    // 7. The identity.
    let mut identity = lds::empty_identity();
    let year = chrono::DateTime::from_timestamp(now.as_secs(), 0)
        .map(|t| chrono::Datelike::year(&t))
        .unwrap_or(2000);
    let group = |n: i64| data_groups.iter().find(|(g, _)| *g == n).map(|(_, b)| *b);
    if let Some(dg1) = group(1) {
        lds::read_dg1(dg1, year, &mut identity)?;
    }
    if let Some(dg11) = group(11) {
        lds::read_dg11(dg11, &mut identity)?;
    }
    if profile == LdsProfile::CieIas {
        if let Some(nis) = group(-95) {
            lds::read_nis(nis, &mut identity)?;
        }
    }
    Ok(VerifiedDocument {
        identity,
        document_signer_der: ds.der,
        hash: lds.hash,
        hashes: lds.hashes,
        verified_groups,
    })
}

/// The signature of a DS whose key is on a brainpool curve (named or
/// explicit parameters): ECDSA with SHA-2, DER signature. Any other key
/// `PublicKey` refused is `icao.algorithm.unsupported`.
fn verify_brainpool(signer: &cms::SignerInfo<'_>, spki: &[u8], refused: Error) -> Result<()> {
    let key = match crypto::brainpool_key(spki) {
        Some(Ok(key)) => key,
        _ => {
            return Err(Error::with_detail(
                ErrorCode::IcaoAlgorithmUnsupported,
                format!("the DS key is not one idbridge verifies ({refused})"),
            ))
        }
    };
    let alg = &signer.signature_algorithm;
    let hash = match alg.oid {
        ID_ECDSA_SHA256 if alg.params.is_none() => HashAlg::Sha256,
        ID_ECDSA_SHA384 if alg.params.is_none() => HashAlg::Sha384,
        ID_ECDSA_SHA512 if alg.params.is_none() => HashAlg::Sha512,
        _ => {
            return Err(unsupported(
                "a brainpool DS key with a non-ECDSA signature algorithm",
            ))
        }
    };
    crypto::verify_brainpool(&key, hash, &signer.signed_attrs_der, signer.signature).map_err(|_| {
        Error::new(
            ErrorCode::IcaoSignatureInvalid,
            "the SOD signature does not verify with the DS key",
        )
    })
}

/// The DS pinned byte for byte, else issued by a configured CSCA
/// ([`chain`]; webpki's path check when a CSCA has name constraints) with
/// the CSCA valid at `now`.
fn check_ds_trust(
    backend: &dyn crypto::Backend,
    trust: &IcaoTrust,
    ds: &Certificate,
    now: UnixTime,
    limits: &Limits,
) -> Result<()> {
    if trust.document_signers.contains(&ds.der) {
        return Ok(());
    }
    let untrusted = |e: Error| {
        Error::with_detail(
            ErrorCode::X509ChainUntrusted,
            format!(
                "the DS is neither pinned nor issued by a configured CSCA ({})",
                e.reason()
            ),
        )
    };
    if chain::any_name_constrained(&trust.csca) {
        let anchors: Vec<Anchor> = trust.csca.iter().map(|c| c.anchor.clone()).collect();
        let end = path::verify_path(
            backend,
            ds,
            &[],
            &anchors,
            now,
            Usage::Any,
            Quirks::default(),
            &NoIntermediates,
        )
        .map_err(untrusted)?;
        return end.anchor.cert.check_validity(now).map_err(untrusted);
    }
    let csca = chain::issuing_csca(backend, ds, &trust.csca, limits.max_signature_checks())
        .map_err(untrusted)?;
    csca.anchor.cert.check_validity(now).map_err(untrusted)
}

/// The signature algorithm of the SignerInfo (ICAO 9303-12 §4.4.1): the
/// parameters are read, never assumed.
fn signature_algorithm(
    alg: &cms::AlgorithmId<'_>,
    digest: HashAlg,
    key: &PublicKey,
) -> Result<Algorithm> {
    let null_or_absent = alg
        .params
        .is_none_or(|p| p.tag == tag::NULL && p.contents.is_empty());
    let absent = alg.params.is_none();
    let ecdsa = |hash: HashAlg| -> Result<Algorithm> {
        if !absent {
            return Err(unsupported("ECDSA with parameters"));
        }
        let (curve, _) = key
            .ec_point()
            .ok_or_else(|| unsupported("an ECDSA signature with a non-EC DS key"))?;
        Ok(Algorithm::Ecdsa {
            curve,
            hash,
            encoding: EcdsaEncoding::Der,
        })
    };
    match alg.oid {
        ID_RSASSA_PSS => {
            let params = alg
                .params
                .ok_or_else(|| unsupported("RSASSA-PSS without parameters (SHA-1)"))?;
            Ok(Algorithm::RsaPss(pss_hash(params)?))
        }
        ID_SHA256_RSA if null_or_absent => Ok(Algorithm::RsaPkcs1v15(HashAlg::Sha256)),
        ID_SHA384_RSA if null_or_absent => Ok(Algorithm::RsaPkcs1v15(HashAlg::Sha384)),
        ID_SHA512_RSA if null_or_absent => Ok(Algorithm::RsaPkcs1v15(HashAlg::Sha512)),
        // rsaEncryption: PKCS#1 v1.5 with the SignerInfo's digest (RFC 3370 §3.2).
        ID_RSA_ENCRYPTION if null_or_absent => Ok(Algorithm::RsaPkcs1v15(digest)),
        ID_ECDSA_SHA256 => ecdsa(HashAlg::Sha256),
        ID_ECDSA_SHA384 => ecdsa(HashAlg::Sha384),
        ID_ECDSA_SHA512 => ecdsa(HashAlg::Sha512),
        _ => Err(unsupported(
            "a signature algorithm idbridge does not verify",
        )),
    }
}

/// RSASSA-PSS-params (RFC 4055 §3.1): a SHA-2 hash, MGF1 with the same
/// hash, a salt of the hash's length, trailer field 1.
fn pss_hash(params: cms::Tlv<'_>) -> Result<HashAlg> {
    let bad = |_| unsupported("RSASSA-PSS parameters that do not parse");
    if params.tag != tag::SEQUENCE {
        return Err(unsupported("RSASSA-PSS parameters are not a SEQUENCE"));
    }
    let mut s = Seq::new(params.contents);
    let hash_alg = s
        .optional(tag::CTX0)
        .map_err(bad)?
        .ok_or_else(|| unsupported("RSASSA-PSS with the default SHA-1"))?;
    let inner = cms::read_only(hash_alg.contents, tag::SEQUENCE, "hashAlgorithm").map_err(bad)?;
    let hash = lds::sha2(&cms::algorithm_id(inner).map_err(bad)?)
        .ok_or_else(|| unsupported("RSASSA-PSS with a hash other than SHA-2"))?;
    let mgf = s
        .optional(tag::CTX1)
        .map_err(bad)?
        .ok_or_else(|| unsupported("RSASSA-PSS with the default MGF1-SHA-1"))?;
    let mgf = cms::algorithm_id(
        cms::read_only(mgf.contents, tag::SEQUENCE, "maskGenAlgorithm").map_err(bad)?,
    )
    .map_err(bad)?;
    let mgf_hash = match (mgf.oid, mgf.params) {
        (ID_MGF1, Some(p)) if p.tag == tag::SEQUENCE => {
            lds::sha2(&cms::algorithm_id(p).map_err(bad)?)
        }
        _ => None,
    };
    if mgf_hash != Some(hash) {
        return Err(unsupported(
            "RSASSA-PSS with another mask generation than MGF1 with the same hash",
        ));
    }
    let salt = match s.optional(tag::CTX2).map_err(bad)? {
        Some(t) => {
            cms::small_int(cms::read_only(t.contents, tag::INTEGER, "saltLength").map_err(bad)?)
                .map_err(bad)?
        }
        None => 20,
    };
    if usize::try_from(salt).ok() != Some(hash.output_len()) {
        return Err(unsupported(
            "RSASSA-PSS with a salt length other than the hash's",
        ));
    }
    if let Some(t) = s.optional(tag::CTX3).map_err(bad)? {
        let trailer =
            cms::small_int(cms::read_only(t.contents, tag::INTEGER, "trailerField").map_err(bad)?)
                .map_err(bad)?;
        if trailer != 1 {
            return Err(unsupported("RSASSA-PSS with a trailer field other than 1"));
        }
    }
    s.end("RSASSA-PSS parameters with more than four parts")
        .map_err(bad)?;
    Ok(hash)
}

/// The contract's input document, `{"sod": <base64>, "data_groups":
/// {"<n>": <base64>, …}}`: the SOD and the groups, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChipData {
    /// EF.SOD as read.
    pub sod: Vec<u8>,
    /// The data groups as read, by `dataGroupNumber`.
    pub data_groups: Vec<(i64, Vec<u8>)>,
}

impl ChipData {
    /// Reads the input document: at most `Limits::max_input_bytes`
    /// (`input.too_large`), strict JSON (`input.json`), standard padded
    /// base64 (`input.encoding`), keys canonical signed decimals (`"1"`,
    /// `"-95"`; `"01"` is `input.json`), at most
    /// `Limits::max_sod_data_groups` groups (`input.too_large`). Other
    /// members are ignored.
    pub fn from_json(input: &[u8], limits: &Limits) -> Result<ChipData> {
        if input.len() > limits.max_input_bytes() {
            return Err(Error::with_detail(
                ErrorCode::InputTooLarge,
                format!(
                    "the input is larger than {} bytes",
                    limits.max_input_bytes()
                ),
            ));
        }
        let json_err = |r: &'static str| Error::new(ErrorCode::InputJson, r);
        let v = crate::json::parse_value(input, limits.max_json_depth())?;
        let b64 = |s: &str| {
            base64::engine::general_purpose::STANDARD
                .decode(s)
                .map_err(|_| Error::new(ErrorCode::InputEncoding, "not standard padded base64"))
        };
        let sod = v
            .get("sod")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| json_err("no sod string"))?;
        let groups = v
            .get("data_groups")
            .and_then(serde_json::Value::as_object)
            .ok_or_else(|| json_err("no data_groups object"))?;
        if groups.len() > limits.max_sod_data_groups() {
            return Err(Error::with_detail(
                ErrorCode::InputTooLarge,
                format!("more than {} data groups", limits.max_sod_data_groups()),
            ));
        }
        let sod = b64(sod)?;
        let mut data_groups = Vec::with_capacity(groups.len());
        for (key, value) in groups {
            let number = canonical_int(key)
                .ok_or_else(|| json_err("a data-group key is not a canonical decimal integer"))?;
            let text = value
                .as_str()
                .ok_or_else(|| json_err("a data group is not a string"))?;
            data_groups.push((number, b64(text)?));
        }
        Ok(ChipData { sod, data_groups })
    }
}

/// `-?(0|[1-9][0-9]*)` within `i64`, `-0` refused.
fn canonical_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let canonical = match digits.as_bytes() {
        [b'0'] => !s.starts_with('-'),
        [first, rest @ ..] => (b'1'..=b'9').contains(first) && rest.iter().all(u8::is_ascii_digit),
        [] => false,
    };
    if !canonical {
        return None;
    }
    s.parse().ok()
}

/// [`verify_passive_with`] over the contract's input document
/// ([`ChipData::from_json`]).
pub fn verify_chip_data(
    backend: &dyn crypto::Backend,
    trust: &impl AsRef<IcaoTrust>,
    input: &[u8],
    profile: LdsProfile,
    now: UnixTime,
    limits: &Limits,
) -> Result<VerifiedDocument> {
    let data = ChipData::from_json(input, limits)?;
    let groups: Vec<(i64, &[u8])> = data
        .data_groups
        .iter()
        .map(|(n, b)| (*n, b.as_slice()))
        .collect();
    verify_passive_with(backend, trust, &data.sod, &groups, profile, now, limits)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn data_group_keys_are_canonical() {
        assert_eq!(canonical_int("1"), Some(1));
        assert_eq!(canonical_int("-95"), Some(-95));
        assert_eq!(canonical_int("0"), Some(0));
        for bad in [
            "01",
            "-0",
            "",
            "-",
            "+1",
            "1 ",
            "1e2",
            "99999999999999999999",
        ] {
            assert_eq!(canonical_int(bad), None, "{bad}");
        }
    }
}
