//! Built-in measurements: each verifier beside its floor, on inputs that
//! ship inside the library, so anyone can see the figures on their own
//! machine (`idbridge bench`, and the WASM package's harness).
//!
//! A verifier's **floor** is the same input's signature checks alone, on
//! the same backend: the checks are recorded while the input is verified
//! once, then re-run by themselves. For SAML a second floor,
//! `floor_digests`, adds each reference digest over its already-canonical
//! content: the whole cryptography of an XML signature, with no parsing
//! and no canonicalization.
//!
//! Both floors are computed here, from idbridge's public API: the signature
//! checks through [`idbridge::crypto::Recorder`], the digests' canonical content
//! through [`idbridge::c14n`], exactly the bytes the verification hashes.
//!
//! Time comes from the caller (`clock` returns seconds from any origin), so
//! the same code measures natively and in a browser.
//!
//! ```
//! use idbridge::crypto;
//! use idbridge_vectors::bench;
//! let clock = {
//!     let start = std::time::Instant::now();
//!     move || start.elapsed().as_secs_f64()
//! };
//! bench::with_workloads(|workloads| {
//!     for w in workloads {
//!         let row = bench::measure(w, crypto::default_backend(), &clock, 0.05)?;
//!         assert!(row.floor_us_per_op > 0.0 && row.us_per_op > 0.0);
//!         println!("{}", row.json_line());
//!     }
//!     Ok::<(), idbridge::Error>(())
//! })??;
//! # Ok::<(), idbridge::Error>(())
//! ```

use super::format::{self, VectorFile};
use super::kinds::Job;
use super::{sibling, Files, MemoryFiles};
use idbridge::crypto::{Backend, Recorder, SignatureCheck};
#[cfg(feature = "saml")]
use idbridge::spid::InputEncoding;
#[cfg(feature = "webeid")]
use idbridge::webeid;
use idbridge::{Error, ErrorCode, Result};

/// The embedded SAML inputs: (path, bytes). The paths are the repository's.
#[cfg(feature = "saml")]
const EMBEDDED_SAML: &[(&str, &[u8])] = &[
    (
        "test-vectors/spid/input.json",
        include_bytes!("../../test-vectors/spid/input.json"),
    ),
    (
        "test-vectors/spid/responses/base64-valid.b64",
        include_bytes!("../../test-vectors/spid/responses/base64-valid.b64"),
    ),
    (
        "test-vectors/spid/metadata/idp.xml",
        include_bytes!("../../test-vectors/spid/metadata/idp.xml"),
    ),
    (
        "test-vectors/cie/profile.json",
        include_bytes!("../../test-vectors/cie/profile.json"),
    ),
    (
        "test-vectors/cie/responses/valid.xml",
        include_bytes!("../../test-vectors/cie/responses/valid.xml"),
    ),
    (
        "test-vectors/cie/metadata/cie-idp.xml",
        include_bytes!("../../test-vectors/cie/metadata/cie-idp.xml"),
    ),
];

/// The embedded Web eID inputs.
#[cfg(feature = "webeid")]
const EMBEDDED_WEBEID: &[(&str, &[u8])] = &[
    (
        "test-vectors/webeid/certificate.json",
        include_bytes!("../../test-vectors/webeid/certificate.json"),
    ),
    (
        "test-vectors/webeid/tokens/es384.token",
        include_bytes!("../../test-vectors/webeid/tokens/es384.token"),
    ),
    (
        "test-vectors/webeid/pki/esteid2026.cer",
        include_bytes!("../../test-vectors/webeid/pki/esteid2026.cer"),
    ),
];

/// The embedded SPID/CIE OpenID Connect inputs: the imported
/// `oidc-id-token` suite's genuine login (ID token, access token, UserInfo
/// JWE) and its keys; the imported `oidc-trust-chain` suite's OP chain
/// (three statements) and its trust anchor's keys.
#[cfg(feature = "oidc")]
const EMBEDDED_OIDC: &[(&str, &[u8])] = &[
    (
        "test-vectors/conformance/oidc-id-token/spid-cie-id-token.json",
        include_bytes!("../../test-vectors/conformance/oidc-id-token/spid-cie-id-token.json"),
    ),
    (
        "test-vectors/conformance/oidc-id-token/upstream/tokens/valid-full.json",
        include_bytes!(
            "../../test-vectors/conformance/oidc-id-token/upstream/tokens/valid-full.json"
        ),
    ),
    (
        "test-vectors/conformance/oidc-id-token/upstream/keys/op.jwks.json",
        include_bytes!("../../test-vectors/conformance/oidc-id-token/upstream/keys/op.jwks.json"),
    ),
    (
        "test-vectors/conformance/oidc-id-token/upstream/keys/rp-enc-private.jwk.json",
        include_bytes!(
            "../../test-vectors/conformance/oidc-id-token/upstream/keys/rp-enc-private.jwk.json"
        ),
    ),
    (
        "test-vectors/conformance/oidc-trust-chain/spid-cie-oidc-django.json",
        include_bytes!("../../test-vectors/conformance/oidc-trust-chain/spid-cie-oidc-django.json"),
    ),
    (
        "test-vectors/conformance/oidc-trust-chain/upstream/chains/rp-dump-op-8002.json",
        include_bytes!(
            "../../test-vectors/conformance/oidc-trust-chain/upstream/chains/rp-dump-op-8002.json"
        ),
    ),
    (
        "test-vectors/conformance/oidc-trust-chain/upstream/jwks/ta-127.0.0.1-8000.jwks.json",
        include_bytes!(
            "../../test-vectors/conformance/oidc-trust-chain/upstream/jwks/ta-127.0.0.1-8000.jwks.json"
        ),
    ),
];

/// The `sdjwt` workload's case in `test-vectors/sd-jwt-vc/generated.json`.
#[cfg(feature = "sdjwt")]
const SDJWT_TC_ID: u64 = 30;

/// The embedded SD-JWT VC inputs: the generated `sd-jwt-vc` suite's PID
/// (10 disclosures, KB-JWT, a 2-bit status list the issuer signs) with its
/// group's trust (the issuer's keys, which also sign the status list).
#[cfg(feature = "sdjwt")]
const EMBEDDED_SDJWT: &[(&str, &[u8])] = &[
    (
        "test-vectors/sd-jwt-vc/generated.json",
        include_bytes!("../../test-vectors/sd-jwt-vc/generated.json"),
    ),
    (
        "test-vectors/sd-jwt-vc/presentations/pid-10.txt",
        include_bytes!("../../test-vectors/sd-jwt-vc/presentations/pid-10.txt"),
    ),
    (
        "test-vectors/sd-jwt-vc/keys/issuer.jwks.json",
        include_bytes!("../../test-vectors/sd-jwt-vc/keys/issuer.jwks.json"),
    ),
    (
        "test-vectors/sd-jwt-vc/status/list-issuer.jwt",
        include_bytes!("../../test-vectors/sd-jwt-vc/status/list-issuer.jwt"),
    ),
];

/// The embedded Smart-ID inputs: the imported `smart-id` suite's QR-flow
/// ACSP_V2 response (RSA-6144, RSASSA-PSS SHA3-512) and its TEST CA.
#[cfg(feature = "smartid")]
const EMBEDDED_SMARTID: &[(&str, &[u8])] = &[
    (
        "test-vectors/conformance/smart-id/smart-id.json",
        include_bytes!("../../test-vectors/conformance/smart-id/smart-id.json"),
    ),
    (
        "test-vectors/conformance/smart-id/upstream/acsp_qr_sha3_512.json",
        include_bytes!("../../test-vectors/conformance/smart-id/upstream/acsp_qr_sha3_512.json"),
    ),
    (
        "test-vectors/conformance/smart-id/upstream/own_TEST_SmartID_CA.der",
        include_bytes!("../../test-vectors/conformance/smart-id/upstream/own_TEST_SmartID_CA.der"),
    ),
];

/// The embedded ICAO input: a SOD with four data groups, signed RSASSA-PSS
/// SHA-256 by a TEST document signer under a TEST CSCA (test-vectors/icao/).
#[cfg(feature = "icao")]
const EMBEDDED_ICAO: (&[u8], &[u8]) = (
    include_bytes!("../../test-vectors/icao/sod-4dg.json"),
    include_bytes!("../../test-vectors/icao/csca-rsa2048.der"),
);
/// The embedded Mobile-ID inputs: the imported `mobile-id` suite's first
/// genuine response (SK's TEST person, P-256 raw `r‖s` over a SHA-512
/// hash) and its TEST CA (`TEST of ESTEID-SK 2015`, RSA-4096).
#[cfg(feature = "mobileid")]
const EMBEDDED_MOBILEID: &[(&str, &[u8])] = &[
    (
        "test-vectors/conformance/mobile-id/mobile-id.json",
        include_bytes!("../../test-vectors/conformance/mobile-id/mobile-id.json"),
    ),
    (
        "test-vectors/conformance/mobile-id/upstream/valid1.json",
        include_bytes!("../../test-vectors/conformance/mobile-id/upstream/valid1.json"),
    ),
    (
        "test-vectors/conformance/mobile-id/upstream/TEST_of_ESTEID-SK_2015.pem.crt",
        include_bytes!(
            "../../test-vectors/conformance/mobile-id/upstream/TEST_of_ESTEID-SK_2015.pem.crt"
        ),
    ),
];

type VerifyFn<'a> = Box<dyn Fn(&dyn Backend) -> Result<()> + Send + Sync + 'a>;

/// Work a floor holds besides the recorded signature checks (OIDC: the
/// UserInfo's decryption).
type FloorFn<'a> = Box<dyn Fn() -> Result<()> + Send + Sync + 'a>;

/// One verifier on one built-in input.
pub struct Workload<'a> {
    /// `spid`, `cie`, `webeid`, `oidc`.
    pub name: &'static str,
    /// What the input is, for reports.
    pub input: String,
    verify: VerifyFn<'a>,
    floor_extra: Option<FloorFn<'a>>,
    #[cfg(feature = "saml")]
    digests: Option<Vec<digests::BareSignature>>,
}

impl core::fmt::Debug for Workload<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Workload")
            .field("name", &self.name)
            .field("input", &self.input)
            .finish_non_exhaustive()
    }
}

impl Workload<'_> {
    /// One full verification.
    pub fn verify(&self, backend: &dyn Backend) -> Result<()> {
        (self.verify)(backend)
    }

    /// The signature checks one verification makes on `backend`, recorded.
    pub fn floor_checks(&self, backend: &dyn Backend) -> Result<Vec<SignatureCheck>> {
        let recorder = Recorder::new(backend);
        (self.verify)(&recorder)?;
        let checks = recorder.into_checks();
        if checks.is_empty() {
            return Err(Error::new(
                ErrorCode::ConfigInvalid,
                "the verification made no signature check",
            ));
        }
        Ok(checks)
    }

    /// The floor's work besides the signature checks, once: for `oidc`,
    /// the UserInfo JWE's decryption (key unwrap, MAC, decryption) on the
    /// same input; nothing for the others.
    pub fn floor_extra(&self) -> Result<()> {
        match &self.floor_extra {
            Some(f) => f(),
            None => Ok(()),
        }
    }

    /// SAML only: the signatures' whole cryptography (each reference digest
    /// over its already-canonical content, then each signature), once.
    pub fn verify_digests(&self, backend: &dyn Backend) -> Option<Result<()>> {
        #[cfg(feature = "saml")]
        return self
            .digests
            .as_ref()
            .map(|all| all.iter().try_for_each(|s| s.verify(backend)));
        #[cfg(not(feature = "saml"))]
        {
            let _ = backend;
            None
        }
    }

    /// Whether this workload has the digests floor (SAML).
    fn has_digests(&self) -> bool {
        #[cfg(feature = "saml")]
        return self.digests.is_some();
        #[cfg(not(feature = "saml"))]
        false
    }
}

/// The embedded mdoc inputs: the imported `mdoc` suite's own IT PID
/// response (every element disclosed, ES256 issuerAuth and
/// deviceSignature, SHA-256 digests) with its IACA.
#[cfg(feature = "mdoc")]
const EMBEDDED_MDOC: &[(&str, &[u8])] = &[
    (
        "test-vectors/conformance/mdoc/own-pki.json",
        include_bytes!("../../test-vectors/conformance/mdoc/own-pki.json"),
    ),
    (
        "test-vectors/conformance/mdoc/upstream/own/responses/valid-pid-full.b64u",
        include_bytes!(
            "../../test-vectors/conformance/mdoc/upstream/own/responses/valid-pid-full.b64u"
        ),
    ),
    (
        "test-vectors/conformance/mdoc/upstream/own/certs/iaca-p256.pem",
        include_bytes!("../../test-vectors/conformance/mdoc/upstream/own/certs/iaca-p256.pem"),
    ),
];

/// A case of an embedded vector file, with its merged context and input.
struct Case {
    path: &'static str,
    file: VectorFile,
    group: usize,
    context: serde_json::Map<String, serde_json::Value>,
    input: Vec<u8>,
}

fn defect(what: String) -> Error {
    Error::with_detail(
        ErrorCode::ConfigInvalid,
        format!("built-in bench input: {what}"),
    )
}

impl Case {
    fn load(files: &MemoryFiles, path: &'static str, tc_id: u64) -> Result<Case> {
        let bytes = files.read(path).map_err(defect)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| defect(format!("{path}: not UTF-8")))?;
        let file = VectorFile::parse(text).map_err(|e| defect(format!("{path}: {e}")))?;
        let (group, case) = file
            .test_groups
            .iter()
            .enumerate()
            .find_map(|(i, g)| g.tests.iter().find(|t| t.tc_id == tc_id).map(|t| (i, t)))
            .ok_or_else(|| defect(format!("{path}: no tcId {tc_id}")))?;
        if case.result != super::Expected::Valid {
            return Err(defect(format!("{path} tcId {tc_id} is not a valid case")));
        }
        let rel = case
            .input
            .file
            .as_deref()
            .ok_or_else(|| defect(format!("{path} tcId {tc_id} has no input file")))?;
        let input = files.read(&sibling(path, rel)).map_err(defect)?;
        let context = file
            .test_groups
            .get(group)
            .map(|g| format::merge(&g.context, &case.context))
            .unwrap_or_default();
        Ok(Case {
            path,
            file,
            group,
            context,
            input,
        })
    }

    fn job<'a>(&'a self, files: &'a MemoryFiles, input: &'a [u8]) -> Result<Job<'a>> {
        let group = self
            .file
            .test_groups
            .get(self.group)
            .ok_or_else(|| defect("no group".into()))?;
        Ok(Job {
            files,
            vector_path: self.path,
            trust: &group.trust,
            context: &self.context,
            input,
        })
    }
}

/// SAML's second floor: each reference digest over its already-canonical
/// content, then each signature (through [`idbridge::c14n`]).
#[cfg(feature = "saml")]
mod digests {
    use super::{defect, Case, Workload};
    use base64::Engine as _;
    use idbridge::c14n::{Document, Element, Options};
    use idbridge::crypto::{self, Backend, HashAlg, Recorder, SignatureCheck};
    use idbridge::{Error, ErrorCode, Limits, Result};

    /// One enveloped signature's whole cryptographic work, prepared once: the
    /// reference digest over its already-canonical content, compared with
    /// `DigestValue`, then the signature over the canonical `SignedInfo` (as
    /// recorded while the input was verified).
    #[derive(Debug)]
    pub(super) struct BareSignature {
        hash: HashAlg,
        content: Vec<u8>,
        digest: Vec<u8>,
        check: SignatureCheck,
    }

    impl BareSignature {
        /// Digest, compare, verify: the cryptography alone.
        pub(super) fn verify(&self, backend: &dyn Backend) -> Result<()> {
            if self.hash.digest(&self.content) != self.digest {
                return Err(Error::new(
                    ErrorCode::XmldsigDigestMismatch,
                    "the signed content does not match its digest",
                ));
            }
            backend
                .verify(&self.check)
                .map_err(|_| self.check.failure().clone())
        }
    }

    const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";

    /// The XML-DSig child `name` of `parent`.
    fn ds_child<'a, 'i>(parent: Element<'a, 'i>, name: &str) -> Result<Element<'a, 'i>> {
        parent
            .children()
            .find(|c| c.namespace() == Some(DSIG_NS) && c.local_name() == name)
            .ok_or_else(|| defect(format!("no ds:{name} in {}", parent.local_name())))
    }

    /// A signed element's reference digest: its algorithm, its canonical
    /// content (exclusive c14n without comments, the enveloped `Signature`
    /// left out, the transform's `PrefixList`), and its `DigestValue`. The
    /// structure is assumed to be what the verification accepts: call this
    /// only on input that verifies.
    fn reference_digest(target: Element<'_, '_>) -> Result<(HashAlg, Vec<u8>, Vec<u8>)> {
        let signature = ds_child(target, "Signature")?;
        let reference = ds_child(ds_child(signature, "SignedInfo")?, "Reference")?;
        let exc = ds_child(reference, "Transforms")?
            .children()
            .last()
            .ok_or_else(|| defect("no transform".into()))?;
        let prefixes: Vec<&str> = exc
            .children()
            .find(|c| c.local_name() == "InclusiveNamespaces")
            .and_then(|ns| ns.attribute("PrefixList"))
            .map(|list| list.split_ascii_whitespace().collect())
            .unwrap_or_default();
        let hash = match ds_child(reference, "DigestMethod")?.attribute("Algorithm") {
            Some("http://www.w3.org/2001/04/xmlenc#sha256") => HashAlg::Sha256,
            Some("http://www.w3.org/2001/04/xmldsig-more#sha384") => HashAlg::Sha384,
            Some("http://www.w3.org/2001/04/xmlenc#sha512") => HashAlg::Sha512,
            other => return Err(defect(format!("digest method {other:?}"))),
        };
        let value: Vec<u8> = ds_child(reference, "DigestValue")?
            .text()
            .unwrap_or("")
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        let digest = base64::engine::general_purpose::STANDARD
            .decode(value)
            .map_err(|_| defect("the DigestValue is not base64".into()))?;
        let mut options = Options::default();
        options.inclusive_prefixes = &prefixes;
        let content = target.canonicalize_without(signature, &options)?;
        Ok((hash, content, digest))
    }

    /// The Response's signatures (its own, when signed, then the Assertion's),
    /// each with the signature check a verification made for it (`checks`,
    /// recorded in the order of verification).
    fn bare_signatures(xml: &str, checks: Vec<SignatureCheck>) -> Result<Vec<BareSignature>> {
        let doc = Document::parse(xml, &Limits::default())?;
        let response = doc.root_element();
        let mut targets = Vec::new();
        if ds_child(response, "Signature").is_ok() {
            targets.push(response);
        }
        if let Some(assertion) = response.children().find(|c| c.local_name() == "Assertion") {
            targets.push(assertion);
        }
        if targets.len() != checks.len() {
            return Err(defect(format!(
                "{} signatures but {} signature checks",
                targets.len(),
                checks.len()
            )));
        }
        targets
            .into_iter()
            .zip(checks)
            .map(|(target, check)| {
                let (hash, content, digest) = reference_digest(target)?;
                Ok(BareSignature {
                    hash,
                    content,
                    digest,
                    check,
                })
            })
            .collect()
    }

    /// The SAML input as XML text: the posted base64 decoded once, so the
    /// measurement (like the criterion bench) starts at the XML.
    pub(super) fn saml_xml(case: &Case) -> Result<String> {
        let raw = match case.context.get("input_encoding").and_then(|v| v.as_str()) {
            Some("xml") => case.input.clone(),
            _ => {
                let compact: Vec<u8> = case
                    .input
                    .iter()
                    .copied()
                    .filter(|b| !b.is_ascii_whitespace())
                    .collect();
                base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .map_err(|_| defect("the SAMLResponse is not base64".into()))?
            }
        };
        String::from_utf8(raw).map_err(|_| defect("the SAML XML is not UTF-8".into()))
    }

    pub(super) fn saml_workload<'a>(
        name: &'static str,
        case: &Case,
        xml: &'a str,
        p: &'a crate::saml::Prepared<'a>,
    ) -> Result<Workload<'a>> {
        let recorder = Recorder::new(crypto::default_backend());
        p.verify(&recorder, xml.as_bytes())?;
        let digests = bare_signatures(xml, recorder.into_checks())?;
        Ok(Workload {
            name,
            input: format!(
                "{} tcId 1: a {}-byte Response, {} signatures over {:?} canonical bytes",
                case.path,
                xml.len(),
                digests.len(),
                digests.iter().map(|d| d.content.len()).collect::<Vec<_>>()
            ),
            verify: Box::new(move |backend: &dyn Backend| {
                p.verify(backend, xml.as_bytes()).map(|_| ())
            }),
            floor_extra: None,
            digests: Some(digests),
        })
    }
}

/// Builds the workloads (SPID and CIE ID with the feature `saml`, Web eID
/// with `webeid`, the OpenID Connect login with `oidc`) and hands them to `f`.
/// Trust is built once here, as a service builds it at start-up.
pub fn with_workloads<R>(f: impl FnOnce(&[Workload<'_>]) -> R) -> Result<R> {
    let mut files = MemoryFiles::new();
    #[cfg(feature = "saml")]
    for (path, bytes) in EMBEDDED_SAML {
        files.insert(path, bytes.to_vec());
    }
    #[cfg(feature = "webeid")]
    for (path, bytes) in EMBEDDED_WEBEID {
        files.insert(path, bytes.to_vec());
    }
    #[cfg(feature = "oidc")]
    for (path, bytes) in EMBEDDED_OIDC {
        files.insert(path, bytes.to_vec());
    }
    #[cfg(feature = "sdjwt")]
    for (path, bytes) in EMBEDDED_SDJWT {
        files.insert(path, bytes.to_vec());
    }
    #[cfg(feature = "smartid")]
    for (path, bytes) in EMBEDDED_SMARTID {
        files.insert(path, bytes.to_vec());
    }
    #[cfg(feature = "mdoc")]
    for (path, bytes) in EMBEDDED_MDOC {
        files.insert(path, bytes.to_vec());
    }
    #[cfg(feature = "mobileid")]
    for (path, bytes) in EMBEDDED_MOBILEID {
        files.insert(path, bytes.to_vec());
    }

    #[cfg(feature = "saml")]
    let (spid_case, cie_case) = (
        Case::load(&files, "test-vectors/spid/input.json", 1)?,
        Case::load(&files, "test-vectors/cie/profile.json", 1)?,
    );
    #[cfg(feature = "saml")]
    let (spid_xml, cie_xml) = (
        digests::saml_xml(&spid_case)?,
        digests::saml_xml(&cie_case)?,
    );
    #[cfg(feature = "saml")]
    let (spid_job, cie_job) = (
        spid_case.job(&files, spid_xml.as_bytes())?,
        cie_case.job(&files, cie_xml.as_bytes())?,
    );
    #[cfg(feature = "saml")]
    let (spid, cie) = {
        let prepared = |job, cie| -> Result<super::saml::Prepared<'_>> {
            let mut p = super::saml::prepare(job, cie)
                .map_err(defect)?
                .map_err(|e| defect(e.to_string()))?;
            p.expectations.input = InputEncoding::Xml;
            Ok(p)
        };
        (prepared(&spid_job, false)?, prepared(&cie_job, true)?)
    };

    #[cfg(feature = "webeid")]
    let webeid_case = Case::load(&files, "test-vectors/webeid/certificate.json", 1)?;
    #[cfg(feature = "webeid")]
    let webeid_job = webeid_case.job(&files, &webeid_case.input)?;
    #[cfg(feature = "webeid")]
    let web = super::webeid::prepare(&webeid_job)
        .map_err(defect)?
        .map_err(|e| defect(e.to_string()))?;
    #[cfg(feature = "webeid")]
    let web_expectations = web.expectations();

    #[cfg(feature = "oidc")]
    let oidc_case = Case::load(
        &files,
        "test-vectors/conformance/oidc-id-token/spid-cie-id-token.json",
        2,
    )?;
    #[cfg(feature = "oidc")]
    let oidc_job = oidc_case.job(&files, &oidc_case.input)?;
    #[cfg(feature = "oidc")]
    let oidc_prepared = super::oidc_id_token::prepare(&oidc_job)
        .map_err(defect)?
        .map_err(|e| defect(e.to_string()))?;
    #[cfg(feature = "oidc")]
    let oidc_response = idbridge::oidc::rp::TokenResponse::from_json(
        &oidc_case.input,
        &idbridge::Limits::default(),
    )?;
    #[cfg(feature = "oidc")]
    let chain_case = Case::load(
        &files,
        "test-vectors/conformance/oidc-trust-chain/spid-cie-oidc-django.json",
        2,
    )?;
    #[cfg(feature = "oidc")]
    let chain_job = chain_case.job(&files, &chain_case.input)?;
    #[cfg(feature = "oidc")]
    let chain_prepared = super::oidc_chain::prepare(&chain_job)
        .map_err(defect)?
        .map_err(|e| defect(e.to_string()))?;
    #[cfg(feature = "oidc")]
    let chain_statements = idbridge::oidc::federation::parse_chain_document(
        &chain_case.input,
        &chain_prepared.options,
    )?;

    #[cfg(feature = "sdjwt")]
    let sdjwt_case = Case::load(&files, "test-vectors/sd-jwt-vc/generated.json", SDJWT_TC_ID)?;
    #[cfg(feature = "sdjwt")]
    let sdjwt_job = sdjwt_case.job(&files, &sdjwt_case.input)?;
    #[cfg(feature = "sdjwt")]
    let sdjwt_prepared = super::sdjwt::prepare(&sdjwt_job)
        .map_err(defect)?
        .map_err(|e| defect(e.to_string()))?;
    #[cfg(feature = "sdjwt")]
    let sdjwt_presentation = std::str::from_utf8(&sdjwt_case.input)
        .map_err(|_| defect("the sd-jwt presentation is not UTF-8".into()))?
        .trim_end();

    #[cfg(feature = "smartid")]
    let smartid_case = Case::load(&files, "test-vectors/conformance/smart-id/smart-id.json", 1)?;
    #[cfg(feature = "smartid")]
    let smartid_prepared = smartid::Prepared::new(&files, &smartid_case)?;
    #[cfg(feature = "mobileid")]
    let mobileid_case = Case::load(
        &files,
        "test-vectors/conformance/mobile-id/mobile-id.json",
        1,
    )?;
    #[cfg(feature = "mobileid")]
    let mobileid_prepared = mobileid::Prepared::new(&files, &mobileid_case)?;

    #[cfg(feature = "mdoc")]
    let mdoc_case = Case::load(&files, "test-vectors/conformance/mdoc/own-pki.json", 1)?;
    #[cfg(feature = "mdoc")]
    let mdoc_job = mdoc_case.job(&files, &mdoc_case.input)?;
    #[cfg(feature = "mdoc")]
    let mdoc_prepared = super::mdoc::prepare(&mdoc_job)
        .map_err(defect)?
        .map_err(|e| defect(e.to_string()))?;

    #[cfg(feature = "icao")]
    let icao_trust = idbridge::icao::IcaoTrust::new().with_csca(EMBEDDED_ICAO.1)?;
    #[cfg(feature = "icao")]
    let icao_now = idbridge::UnixTime::from_unix_seconds(1_811_808_000); // 2027-06-01
                                                                         // The chip's files as a reader app holds them: bytes. The JSON and
                                                                         // base64 around them are the vector contract's container, read once.
    #[cfg(feature = "icao")]
    let icao_data =
        idbridge::icao::ChipData::from_json(EMBEDDED_ICAO.0, &idbridge::Limits::default())?;
    #[cfg(feature = "icao")]
    let icao_groups: Vec<(i64, &[u8])> = icao_data
        .data_groups
        .iter()
        .map(|(n, b)| (*n, b.as_slice()))
        .collect();

    let mut workloads = Vec::new();
    #[cfg(feature = "saml")]
    {
        workloads.push(digests::saml_workload(
            "spid", &spid_case, &spid_xml, &spid,
        )?);
        workloads.push(digests::saml_workload("cie", &cie_case, &cie_xml, &cie)?);
    }
    #[cfg(feature = "webeid")]
    workloads.push(Workload {
        name: "webeid",
        input: format!(
            "{} tcId 1: a {}-byte ES384 token, P-521 issuing CA",
            webeid_case.path,
            webeid_case.input.len()
        ),
        verify: Box::new(|backend: &dyn Backend| {
            webeid::verify_token_with(
                backend,
                &web.trust,
                &webeid_case.input,
                &web_expectations,
                web.now,
            )
            .map(|_| ())
        }),
        floor_extra: None,
        #[cfg(feature = "saml")]
        digests: None,
    });
    #[cfg(feature = "oidc")]
    workloads.push(oidc::workload(
        &oidc_case,
        &oidc_prepared,
        &oidc_response,
        oidc::Chain {
            case: &chain_case,
            prepared: &chain_prepared,
            statements: &chain_statements,
        },
    )?);
    #[cfg(feature = "sdjwt")]
    workloads.push(Workload {
        name: "sdjwt",
        input: format!(
            "a {}-byte input: {} tcId {SDJWT_TC_ID}, a PID dc+sd-jwt (ES256) with {} disclosures, an ES256 KB-JWT and an ES256 2-bit status list",
            sdjwt_presentation.len(),
            sdjwt_case.path,
            sdjwt_presentation.matches('~').count().saturating_sub(1),
        ),
        verify: Box::new(|backend: &dyn Backend| {
            sdjwt_prepared
                .verify(backend, sdjwt_presentation)
                .map(|_| ())
        }),
        floor_extra: None,
        #[cfg(feature = "saml")]
        digests: None,
    });
    #[cfg(feature = "smartid")]
    workloads.push(smartid::workload(&smartid_case, &smartid_prepared));
    #[cfg(feature = "mdoc")]
    workloads.push(Workload {
        name: "mdoc",
        input: format!(
            "a {}-byte input: {} tcId 1, an IT PID DeviceResponse (base64url vp_token; ES256 issuerAuth from a P-256 DS under the IACA, SHA-256 digests, ES256 deviceSignature over the OpenID4VP handover)",
            mdoc_case.input.len(),
            mdoc_case.path,
        ),
        verify: Box::new(|backend: &dyn Backend| {
            mdoc_prepared.verify(backend, &mdoc_case.input).map(|_| ())
        }),
        floor_extra: None,
        #[cfg(feature = "saml")]
        digests: None,
    });
    #[cfg(feature = "icao")]
    workloads.push(Workload {
        name: "icao",
        input: format!(
            "a {}-byte input: test-vectors/icao/sod-4dg.json's EF.SOD (RSASSA-PSS SHA-256, RSA-2048 DS under an RSA-2048 CSCA) and DG1, DG2, DG11 and DG14, as bytes ({} bytes as the JSON document)",
            icao_data.sod.len() + icao_groups.iter().map(|(_, b)| b.len()).sum::<usize>(),
            EMBEDDED_ICAO.0.len()
        ),
        verify: Box::new(move |backend: &dyn Backend| {
            idbridge::icao::verify_passive_with(
                backend,
                &icao_trust,
                &icao_data.sod,
                &icao_groups,
                idbridge::icao::LdsProfile::Icao,
                icao_now,
                &idbridge::Limits::default(),
            )
            .map(|_| ())
        }),
        floor_extra: None,
        #[cfg(feature = "saml")]
        digests: None,
    });
    #[cfg(feature = "mobileid")]
    workloads.push(mobileid::workload(&mobileid_case, &mobileid_prepared));
    Ok(f(&workloads))
}

/// The Mobile-ID session status (SK's TEST person: P-256 raw `r‖s` over a
/// SHA-512 hash, under an RSA-4096 CA), beside its floor: the CA's
/// signature on the certificate (recorded) and the ECDSA verification over
/// the RP's hash (`crypto::verify_prehashed`, RustCrypto on every backend,
/// as in the verifier).
#[cfg(feature = "mobileid")]
mod mobileid {
    use super::{defect, Case, Workload};
    use crate::MemoryFiles;
    use idbridge::crypto::{self, Backend, HashAlg, PublicKey};
    use idbridge::mobileid::{self, AuthenticationHash, MobileIdTrust};
    use idbridge::{Limits, Result, UnixTime};

    pub(super) struct Prepared {
        trust: MobileIdTrust,
        sent: AuthenticationHash,
        now: UnixTime,
        key: PublicKey,
        signature: Vec<u8>,
    }

    impl Prepared {
        pub(super) fn new(files: &MemoryFiles, case: &Case) -> Result<Prepared> {
            use base64::Engine as _;
            let job = case.job(files, &case.input)?;
            let ctx = |k: &str| -> Result<&str> {
                job.context
                    .get(k)
                    .and_then(serde_json::Value::as_str)
                    .ok_or_else(|| defect(format!("the mobile-id case has no {k}")))
            };
            let anchor = job
                .trust
                .get("anchors")
                .and_then(|a| a.get(0))
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| defect("the mobile-id case has no anchor".into()))?;
            let trust = MobileIdTrust::new()
                .with_certificate(&job.read_relative(anchor).map_err(defect)?)?;
            let alg = mobileid::hash_type_from_name(ctx("hash_type")?)
                .ok_or_else(|| defect("the mobile-id hash_type".into()))?;
            let sent = AuthenticationHash::from_base64(alg, ctx("signed_hash")?)?;
            let now = UnixTime::parse_rfc3339(ctx("now")?)?;
            let verified = mobileid::verify_session_status_with(
                crypto::default_backend(),
                &trust,
                &case.input,
                &sent,
                now,
                &Limits::default(),
            )?;
            let key = verified.public_key().clone();
            let body: serde_json::Value = serde_json::from_slice(&case.input)
                .map_err(|e| defect(format!("the mobile-id response: {e}")))?;
            let signature = body
                .get("signature")
                .and_then(|s| s.get("value"))
                .and_then(serde_json::Value::as_str)
                .and_then(|v| base64::engine::general_purpose::STANDARD.decode(v).ok())
                .ok_or_else(|| defect("the mobile-id signature.value".into()))?;
            Ok(Prepared {
                trust,
                sent,
                now,
                key,
                signature,
            })
        }
    }

    pub(super) fn workload<'a>(case: &'a Case, p: &'a Prepared) -> Workload<'a> {
        Workload {
            name: "mobileid",
            input: format!(
                "a {}-byte input: {} tcId 1, a session status with P-256 raw r||s over a SHA-512 hash, under an RSA-4096 CA",
                case.input.len(),
                case.path
            ),
            verify: Box::new(move |backend: &dyn Backend| {
                mobileid::verify_session_status_with(
                    backend,
                    &p.trust,
                    &case.input,
                    &p.sent,
                    p.now,
                    &Limits::default(),
                )
                .map(|_| ())
            }),
            floor_extra: Some(Box::new(move || {
                let alg: HashAlg = p.sent.alg();
                crypto::verify_prehashed(&p.key, alg, p.sent.digest(), &p.signature)
            })),
            #[cfg(feature = "saml")]
            digests: None,
        }
    }
}

/// The Smart-ID session status (QR flow, ACSP_V2, RSA-6144 RSASSA-PSS
/// SHA3-512 under a P-384 CA), beside its floor: the CA's signature on the
/// certificate (recorded) and the RSASSA-PSS verification over the
/// already-rebuilt payload.
#[cfg(feature = "smartid")]
mod smartid {
    use super::{defect, Case, Workload};
    use crate::MemoryFiles;
    use idbridge::crypto::{self, Backend, DigestAlg, PssParams, PublicKey};
    use idbridge::smartid::{self, AcspV2Fields, Expected, FlowType, SmartIdTrust};
    use idbridge::{Limits, Result, UnixTime};

    pub(super) struct Prepared {
        trust: SmartIdTrust,
        expected: Expected,
        now: UnixTime,
        key: PublicKey,
        params: PssParams,
        payload: Vec<u8>,
        signature: Vec<u8>,
    }

    impl Prepared {
        pub(super) fn new(files: &MemoryFiles, case: &Case) -> Result<Prepared> {
            use base64::Engine as _;
            let job = case.job(files, &case.input)?;
            let trust = crate::smartid::trust(&job)
                .map_err(defect)?
                .map_err(|e| defect(e.to_string()))?;
            let expected = crate::smartid::expected(&job).map_err(defect)?;
            let now = job
                .context
                .get("now")
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| defect("the smart-id case has no now".into()))
                .and_then(UnixTime::parse_rfc3339)?;
            let body: serde_json::Value = serde_json::from_slice(&case.input)
                .map_err(|e| defect(format!("the smart-id response: {e}")))?;
            let text = |path: &[&str]| -> Result<String> {
                path.iter()
                    .try_fold(&body, |v, k| v.get(*k))
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| defect(format!("the smart-id response has no {path:?}")))
            };
            let b64 = base64::engine::general_purpose::STANDARD;
            let signature = b64
                .decode(text(&["signature", "value"])?)
                .map_err(|_| defect("signature.value".into()))?;
            let key = smartid::verify_session_status_with(
                crypto::default_backend(),
                &trust,
                &case.input,
                &expected,
                now,
                &Limits::default(),
            )?
            .public_key()
            .clone();
            let ctx = |k: &str| {
                job.context
                    .get(k)
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let payload = smartid::acsp_v2_payload(&AcspV2Fields {
                schema_name: &ctx("schema_name"),
                server_random: &text(&["signature", "serverRandom"])?,
                rp_challenge: &ctx("rp_challenge"),
                user_challenge: &text(&["signature", "userChallenge"])?,
                relying_party_name: &ctx("relying_party_name"),
                brokered_rp_name: &ctx("brokered_rp_name"),
                interactions: &ctx("interactions"),
                interaction_type_used: &text(&["interactionTypeUsed"])?,
                initial_callback_url: &ctx("initial_callback_url"),
                flow_type: FlowType::Qr,
            })
            .into_bytes();
            let params = PssParams {
                hash: DigestAlg::Sha3_512,
                mgf1_hash: DigestAlg::Sha3_512,
                salt_len: 64,
            };
            Ok(Prepared {
                trust,
                expected,
                now,
                key,
                params,
                payload,
                signature,
            })
        }
    }

    pub(super) fn workload<'a>(case: &'a Case, p: &'a Prepared) -> Workload<'a> {
        Workload {
            name: "smartid",
            input: format!(
                "a {}-byte input: {} tcId 1, an ACSP_V2 session status (QR), RSA-6144 RSASSA-PSS SHA3-512 under a P-384 CA",
                case.input.len(),
                case.path
            ),
            verify: Box::new(move |backend: &dyn Backend| {
                smartid::verify_session_status_with(
                    backend,
                    &p.trust,
                    &case.input,
                    &p.expected,
                    p.now,
                    &Limits::default(),
                )
                .map(|_| ())
            }),
            floor_extra: Some(Box::new(move || {
                crypto::verify_rsa_pss(&p.key, &p.params, &p.payload, &p.signature)
            })),
            #[cfg(feature = "saml")]
            digests: None,
        }
    }
}

/// The SPID/CIE OpenID Connect login: the OP's trust chain (three
/// statements) + ID token + access token + UserInfo JWE, beside its floor
/// (the chain's and the two tokens' signature checks, and the decryption).
#[cfg(feature = "oidc")]
mod oidc {
    use super::{defect, Case, Workload};
    use crate::oidc_chain::Prepared as ChainPrepared;
    use crate::oidc_id_token::Prepared;
    use idbridge::crypto::Backend;
    use idbridge::jose::{self, JweOptions};
    use idbridge::oidc::federation;
    use idbridge::oidc::rp::{self, TokenResponse};
    use idbridge::Result;

    /// The OP's trust chain: its case, trust and statements.
    pub(super) struct Chain<'a> {
        pub case: &'a Case,
        pub prepared: &'a ChainPrepared,
        pub statements: &'a [String],
    }

    pub(super) fn workload<'a>(
        case: &Case,
        p: &'a Prepared<'a>,
        response: &'a TokenResponse,
        chain: Chain<'a>,
    ) -> Result<Workload<'a>> {
        let key = p
            .decryption_key
            .as_ref()
            .ok_or_else(|| defect("the oidc case has no rp_decryption_key".into()))?;
        let userinfo = response
            .userinfo
            .as_deref()
            .ok_or_else(|| defect("the oidc case has no UserInfo".into()))?;
        let Chain {
            case: chain_case,
            prepared: c,
            statements,
        } = chain;
        // A service validates the OP's trust chain, then the login. The two
        // inputs come from two public suites (two federations), so the
        // login's OP keys are the id-token case's, not the chain's; the
        // work per login is the same. The floor records every signature
        // check `verify` makes: the chain's and the tokens'.
        Ok(Workload {
            name: "oidc",
            // The first "<n>-byte" figure is the whole input (the heap
            // test's budget reads it).
            input: format!(
                "a {}-byte input: {} tcId 2, a {}-statement OP trust chain of {:?} bytes; {} tcId 2, a {}-byte token response, RS256 ID token + RSA-OAEP/A256CBC-HS512 UserInfo around RS256",
                statements.iter().map(String::len).sum::<usize>() + case.input.len(),
                chain_case.path,
                statements.len(),
                statements.iter().map(String::len).collect::<Vec<_>>(),
                case.path,
                case.input.len()
            ),
            verify: Box::new(move |backend: &dyn Backend| {
                federation::verify_chain(backend, &c.trust, statements, &c.options, c.now)?;
                rp::verify_login(
                    backend,
                    &p.op_jwks,
                    Some(key),
                    response,
                    &p.expectations(),
                    p.now,
                )
                .map(|_| ())
            }),
            floor_extra: Some(Box::new(move || {
                jose::decrypt_compact(key, userinfo, &JweOptions::new()).map(|_| ())
            })),
            #[cfg(feature = "saml")]
            digests: None,
        })
    }
}

/// One verifier's figures on one backend.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// `spid`, `cie`, `webeid`, `oidc`.
    pub name: &'static str,
    /// The backend's name.
    pub backend: &'static str,
    /// Microseconds per full verification (median of the rounds).
    pub us_per_op: f64,
    /// Microseconds per floor: the same input's signature checks alone.
    pub floor_us_per_op: f64,
    /// SAML only: the floor with the reference digests.
    pub floor_digests_us_per_op: Option<f64>,
    /// Rounds measured.
    pub rounds: usize,
}

impl Row {
    /// `us_per_op / floor_us_per_op`.
    pub fn ratio(&self) -> f64 {
        self.us_per_op / self.floor_us_per_op
    }

    /// `us_per_op / floor_digests_us_per_op`, for SAML.
    pub fn ratio_digests(&self) -> Option<f64> {
        self.floor_digests_us_per_op.map(|f| self.us_per_op / f)
    }

    /// One JSON object: `name`, `us_per_op`, `floor_us_per_op`, `ratio`,
    /// then `backend`, `rounds` and, for SAML, `floor_digests_us_per_op`
    /// and `ratio_digests`.
    pub fn json_line(&self) -> String {
        let round2 = |x: f64| (x * 100.0).round() / 100.0;
        let mut o = serde_json::Map::new();
        o.insert("name".into(), self.name.into());
        o.insert("us_per_op".into(), round2(self.us_per_op).into());
        o.insert(
            "floor_us_per_op".into(),
            round2(self.floor_us_per_op).into(),
        );
        o.insert("ratio".into(), round2(self.ratio()).into());
        o.insert("backend".into(), self.backend.into());
        o.insert("rounds".into(), self.rounds.into());
        if let (Some(f), Some(r)) = (self.floor_digests_us_per_op, self.ratio_digests()) {
            o.insert("floor_digests_us_per_op".into(), round2(f).into());
            o.insert("ratio_digests".into(), round2(r).into());
        }
        serde_json::Value::Object(o).to_string()
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => xs.get(n / 2).copied().unwrap_or(f64::NAN),
        n => {
            (xs.get(n / 2 - 1).copied().unwrap_or(f64::NAN)
                + xs.get(n / 2).copied().unwrap_or(f64::NAN))
                / 2.0
        }
    }
}

/// Times `n` runs of `op`: microseconds per run.
fn batch(clock: &dyn Fn() -> f64, n: u32, op: &mut dyn FnMut() -> Result<()>) -> Result<f64> {
    let start = clock();
    for _ in 0..n {
        op()?;
    }
    Ok((clock() - start) * 1e6 / f64::from(n.max(1)))
}

/// Measures `w` on `backend` for about `seconds`: rounds of a batch of
/// verifications, then a batch of floors (and of digest floors), each
/// batch about 10 ms; the medians of the rounds. Verification and floor
/// alternate, so a slow moment of the machine weighs on both alike.
pub fn measure(
    w: &Workload<'_>,
    backend: &dyn Backend,
    clock: &dyn Fn() -> f64,
    seconds: f64,
) -> Result<Row> {
    let checks = w.floor_checks(backend)?;
    let mut verify = || w.verify(backend);
    let mut floor = || {
        for check in &checks {
            backend.verify(check).map_err(|_| check.failure().clone())?;
        }
        w.floor_extra()
    };
    let mut digests = || w.verify_digests(backend).unwrap_or(Ok(()));
    // Calibrate: iterations per ~10 ms batch.
    let one = batch(clock, 3, &mut verify)?.max(0.01);
    let n = ((10_000.0 / one) as u32).clamp(1, 100_000);
    let one_floor = batch(clock, 3, &mut floor)?.max(0.01);
    let n_floor = ((10_000.0 / one_floor) as u32).clamp(1, 100_000);
    let (mut v, mut f, mut d) = (Vec::new(), Vec::new(), Vec::new());
    let start = clock();
    while v.len() < 3 || clock() - start < seconds {
        v.push(batch(clock, n, &mut verify)?);
        f.push(batch(clock, n_floor, &mut floor)?);
        if w.has_digests() {
            d.push(batch(clock, n_floor, &mut digests)?);
        }
        if v.len() >= 10_000 {
            break;
        }
    }
    Ok(Row {
        name: w.name,
        backend: backend.name(),
        rounds: v.len(),
        us_per_op: median(v),
        floor_us_per_op: median(f),
        floor_digests_us_per_op: w.has_digests().then(|| median(d)),
    })
}

/// Verifications per second of `w` on `backend` with `threads` threads
/// sharing one `Trust` (the workload's), each verifying in a loop for about
/// `seconds`. Native only.
#[cfg(not(target_arch = "wasm32"))]
pub fn throughput(
    w: &Workload<'_>,
    backend: &dyn Backend,
    threads: usize,
    seconds: f64,
) -> Result<f64> {
    let start = std::time::Instant::now();
    let results: Vec<Result<u64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = 0u64;
                    while start.elapsed().as_secs_f64() < seconds {
                        w.verify(backend)?;
                        done += 1;
                    }
                    Ok(done)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(Error::new(
                        ErrorCode::ConfigInvalid,
                        "a bench thread failed",
                    ))
                })
            })
            .collect()
    });
    let elapsed = start.elapsed().as_secs_f64();
    let mut total = 0u64;
    for r in results {
        total += r?;
    }
    Ok(total as f64 / elapsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use idbridge::crypto;

    #[test]
    fn every_workload_verifies_and_records_its_checks() {
        with_workloads(|ws| {
            let names: Vec<_> = ws.iter().map(|w| w.name).collect();
            let mut want = Vec::new();
            if cfg!(feature = "saml") {
                want.extend(["spid", "cie"]);
            }
            if cfg!(feature = "webeid") {
                want.push("webeid");
            }
            if cfg!(feature = "oidc") {
                want.push("oidc");
            }
            if cfg!(feature = "sdjwt") {
                want.push("sdjwt");
            }
            if cfg!(feature = "smartid") {
                want.push("smartid");
            }
            if cfg!(feature = "mdoc") {
                want.push("mdoc");
            }
            if cfg!(feature = "icao") {
                want.push("icao");
            }
            if cfg!(feature = "mobileid") {
                want.push("mobileid");
            }
            assert_eq!(names, want);
            for w in ws {
                for backend in crypto::backends() {
                    w.verify(*backend).unwrap();
                    let checks = w.floor_checks(*backend).unwrap();
                    // SPID and CIE: the Response's and the Assertion's
                    // signatures; Web eID: the CA's on the certificate and
                    // the token's; OIDC: the chain's three (the anchor's
                    // configuration, its statement about the OP, the OP's
                    // configuration: checked under its own keys too, by the
                    // same key, so the arithmetic runs once), the ID
                    // token's and the UserInfo's.
                    // SD-JWT VC: the issuer's, the KB-JWT's and the
                    // status list's.
                    // mdoc: the IACA's on the DS certificate, the
                    // issuerAuth's and the deviceSignature's.
                    // ICAO: the CSCA's on the DS and the SOD's.
                    let want = match w.name {
                        "oidc" => 5,
                        "sdjwt" => 3,
                        "mdoc" => 3,
                        // Smart-ID and Mobile-ID: the CA's on the user
                        // certificate; the user's signature is the
                        // floor's extra (RSASSA-PSS, prehashed ECDSA).
                        "smartid" | "mobileid" => 1,
                        _ => 2,
                    };
                    assert_eq!(checks.len(), want, "{}", w.name);
                    w.floor_extra().unwrap();
                    for c in &checks {
                        backend.verify(c).unwrap();
                    }
                }
            }
        })
        .unwrap();
    }

    #[test]
    fn measure_reports_positive_figures() {
        let start = std::time::Instant::now();
        let clock = move || start.elapsed().as_secs_f64();
        with_workloads(|ws| {
            for w in ws {
                let row = measure(w, crypto::default_backend(), &clock, 0.0).unwrap();
                assert!(row.rounds >= 3);
                assert!(row.us_per_op.is_finite() && row.us_per_op > 0.0);
                assert!(row.floor_us_per_op.is_finite() && row.floor_us_per_op > 0.0);
                assert_eq!(
                    row.floor_digests_us_per_op.is_some(),
                    w.name == "spid" || w.name == "cie"
                );
                let json: serde_json::Value = serde_json::from_str(&row.json_line()).unwrap();
                for key in ["name", "us_per_op", "floor_us_per_op", "ratio"] {
                    assert!(json.get(key).is_some(), "{key}");
                }
            }
        })
        .unwrap();
    }
}
