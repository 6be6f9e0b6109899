//! `idbridge sp`: the SPID/CIE service provider's artifacts from a small
//! JSON configuration file: the signed metadata, and a signed AuthnRequest
//! (HTTP-POST page, HTTP-Redirect URL, or the signed XML).
//!
//! The configuration (paths relative to the file):
//!
//! ```json
//! {
//!   "profile": "spid-public",
//!   "entity_id": "https://sp.example.it",
//!   "acs_url": "https://sp.example.it/acs",
//!   "slo_url": "https://sp.example.it/logout",
//!   "key": "sp.pk8.pem",
//!   "certificate": "sp.crt.pem",
//!   "service_name": "Servizi online",
//!   "attributes": ["spidCode", "fiscalNumber"],
//!   "organization": [{"lang": "it", "name": "Comune di Esempio",
//!                     "display_name": "Esempio", "url": "https://www.comune.esempio.it"}],
//!   "contact": {"email": "spid@comune.esempio.it", "ipa_code": "c_x000"}
//! }
//! ```
//!
//! Keys: `profile` is `spid-public`, `spid-private` or `cie-public`;
//! `slo_binding` (optional) is `post` (the default) or `redirect`;
//! `contact` holds `email` and the optional `telephone`, `ipa_code` (SPID
//! public, CIE), `vat_number` (with its country prefix, `IT...`) and
//! `fiscal_code` (SPID private: at least one of them), `municipality`
//! (ISTAT code), `province` and `country` (CIE).
//!
//! A private SPID SP (Avviso SPID n. 29 v3) adds `billing`, its billing
//! contact as in the electronic invoice's `CessionarioCommittente`:
//!
//! ```json
//! {
//!   "profile": "spid-private",
//!   "contact": {"email": "spid@esempio.it", "vat_number": "IT12345678901",
//!               "fiscal_code": "12345678901"},
//!   "billing": {"email": "fatture@esempio.it", "telephone": "+390612345678",
//!               "vat_country": "IT", "vat_code": "12345678901",
//!               "company": "Esempio S.p.A.", "address": "Via Roma 1",
//!               "postal_code": "00100", "municipality": "Roma",
//!               "province": "RM", "country": "IT"}
//! }
//! ```
//!
//! (with the other keys as above; `telephone` and `province` are
//! optional). `billing` is refused for the public profiles. Unknown keys
//! are an error (exit 2); values the profile refuses are
//! `config.invalid` (exit 1).

use base64::Engine as _;
use idbridge::crypto::RustCryptoSigner;
use idbridge::saml_sp::{
    AuthnRequest, BillingContact, Binding, Contact, OrganizationName, SpCredential, SpMetadata,
    SpProfile,
};
use idbridge::spid::{Comparison, Level};
use idbridge::UnixTime;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The `sp` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum Sp {
    /// Print the SP's signed metadata (EntityDescriptor) built from CONFIG.
    ///
    /// Exits 0; 1 with `error: <code>: <reason>` when a configured value is
    /// refused (`config.invalid`); 2 when CONFIG cannot be read or is not
    /// the expected JSON.
    #[command(after_help = "Example:\n  idbridge sp metadata sp.json > metadata.xml")]
    Metadata {
        /// The JSON configuration file.
        #[arg(value_name = "CONFIG")]
        config: String,
    },
    /// Print a signed AuthnRequest built from CONFIG, for the IdP's SSO URL.
    ///
    /// `--binding redirect` prints the URL to send the browser to (signed
    /// query string), `post` the auto-submitting HTML page, `xml` the
    /// request with its enveloped signature. Exit status as `sp metadata`.
    #[command(
        after_help = "Example:\n  idbridge sp request sp.json --idp-sso https://idp.example.it/sso \
--id _3f1c0d2e9a8b --binding redirect"
    )]
    Request {
        /// The JSON configuration file.
        #[arg(value_name = "CONFIG")]
        config: String,
        /// The IdP's SingleSignOnService URL (the request's Destination).
        #[arg(long, value_name = "URL")]
        idp_sso: String,
        /// The request ID (an xs:ID, unique and unpredictable: issue it from your store).
        #[arg(long, value_name = "ID")]
        id: String,
        /// post, redirect or xml.
        #[arg(long, value_name = "BINDING", default_value = "redirect", value_parser = ["post", "redirect", "xml"])]
        binding: String,
        /// The level requested: SpidL1, SpidL2 or SpidL3.
        #[arg(long, value_name = "LEVEL", default_value = "SpidL2")]
        level: String,
        /// The Comparison: minimum, exact, better or maximum.
        #[arg(long, value_name = "CMP", default_value = "minimum")]
        comparison: String,
        /// The RelayState (at most 80 bytes).
        #[arg(long, value_name = "STATE", default_value = "idbridge")]
        relay_state: String,
        /// The IssueInstant, RFC 3339 (default: this machine's clock).
        #[arg(long, value_name = "T")]
        now: Option<String>,
    },
}

/// A usage problem (exit 2) or a refused value (exit 1).
enum Failure {
    Usage(String),
    Refused(idbridge::Error),
}

impl From<idbridge::Error> for Failure {
    fn from(e: idbridge::Error) -> Self {
        Failure::Refused(e)
    }
}

/// Runs one `sp` subcommand.
pub fn run(cmd: Sp) -> ExitCode {
    let out = match cmd {
        Sp::Metadata { config } => metadata(&config),
        Sp::Request {
            config,
            idp_sso,
            id,
            binding,
            level,
            comparison,
            relay_state,
            now,
        } => request(
            &config,
            &RequestArgs {
                idp_sso,
                id,
                binding,
                level,
                comparison,
                relay_state,
                now,
            },
        ),
    };
    match out {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(Failure::Refused(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(m)) => {
            eprintln!("idbridge: {m}");
            ExitCode::from(2)
        }
    }
}

struct RequestArgs {
    idp_sso: String,
    id: String,
    binding: String,
    level: String,
    comparison: String,
    relay_state: String,
    now: Option<String>,
}

/// The configuration, read and checked for shape (values are checked by
/// the library).
struct Config {
    md: SpMetadata,
    key_der: Vec<u8>,
    certificate: Vec<u8>,
}

fn usage(m: impl Into<String>) -> Failure {
    Failure::Usage(m.into())
}

fn string(o: &Map<String, Value>, k: &str, path: &str) -> Result<String, Failure> {
    o.get(k)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| usage(format!("{path}: `{k}` must be a string")))
}

fn opt_string(o: &Map<String, Value>, k: &str, path: &str) -> Result<Option<String>, Failure> {
    match o.get(k) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(usage(format!("{path}: `{k}` must be a string"))),
    }
}

fn only_keys(o: &Map<String, Value>, allowed: &[&str], path: &str) -> Result<(), Failure> {
    match o.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(usage(format!("{path}: unknown key `{k}`"))),
        None => Ok(()),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| usage(format!("{}: {e}", path.display())))
}

fn load(path: &str) -> Result<Config, Failure> {
    let bytes = read(Path::new(path))?;
    let v: Value =
        serde_json::from_slice(&bytes).map_err(|e| usage(format!("{path}: not JSON: {e}")))?;
    let o = v
        .as_object()
        .ok_or_else(|| usage(format!("{path}: not a JSON object")))?;
    only_keys(
        o,
        &[
            "profile",
            "entity_id",
            "acs_url",
            "slo_url",
            "slo_binding",
            "key",
            "certificate",
            "service_name",
            "attributes",
            "organization",
            "contact",
            "billing",
        ],
        path,
    )?;
    let profile = match string(o, "profile", path)?.as_str() {
        "spid-public" => SpProfile::SpidPublic,
        "spid-private" => SpProfile::SpidPrivate,
        "cie-public" => SpProfile::CiePublic,
        other => {
            return Err(usage(format!(
                "{path}: profile {other:?} is not spid-public, spid-private or cie-public"
            )))
        }
    };
    let mut md = SpMetadata::new(
        profile,
        &string(o, "entity_id", path)?,
        &string(o, "acs_url", path)?,
        &string(o, "slo_url", path)?,
    );
    if let Some(b) = opt_string(o, "slo_binding", path)? {
        md.slo_binding = match b.as_str() {
            "post" => Binding::HttpPost,
            "redirect" => Binding::HttpRedirect,
            _ => return Err(usage(format!("{path}: slo_binding is post or redirect"))),
        };
    }
    md.service_name = string(o, "service_name", path)?;
    md.attributes = o
        .get("attributes")
        .and_then(Value::as_array)
        .ok_or_else(|| usage(format!("{path}: `attributes` must be a list of strings")))?
        .iter()
        .map(|a| {
            a.as_str()
                .map(str::to_owned)
                .ok_or_else(|| usage(format!("{path}: `attributes` must be a list of strings")))
        })
        .collect::<Result<_, _>>()?;
    md.organization = o
        .get("organization")
        .and_then(Value::as_array)
        .ok_or_else(|| usage(format!("{path}: `organization` must be a list of objects")))?
        .iter()
        .map(|e| {
            let e = e.as_object().ok_or_else(|| {
                usage(format!("{path}: `organization` must be a list of objects"))
            })?;
            only_keys(e, &["lang", "name", "display_name", "url"], path)?;
            Ok(OrganizationName {
                lang: string(e, "lang", path)?,
                name: string(e, "name", path)?,
                display_name: string(e, "display_name", path)?,
                url: string(e, "url", path)?,
            })
        })
        .collect::<Result<_, Failure>>()?;
    let c = o
        .get("contact")
        .and_then(Value::as_object)
        .ok_or_else(|| usage(format!("{path}: `contact` must be an object")))?;
    only_keys(
        c,
        &[
            "email",
            "telephone",
            "ipa_code",
            "vat_number",
            "fiscal_code",
            "municipality",
            "province",
            "country",
        ],
        path,
    )?;
    md.contact = Contact {
        email: string(c, "email", path)?,
        telephone: opt_string(c, "telephone", path)?,
        ipa_code: opt_string(c, "ipa_code", path)?,
        vat_number: opt_string(c, "vat_number", path)?,
        fiscal_code: opt_string(c, "fiscal_code", path)?,
        municipality: opt_string(c, "municipality", path)?,
        province: opt_string(c, "province", path)?,
        country: opt_string(c, "country", path)?,
    };
    md.billing = match o.get("billing") {
        None => None,
        Some(b) => Some(billing(b, path)?),
    };
    let dir = Path::new(path)
        .parent()
        .map_or(PathBuf::new(), Path::to_path_buf);
    let key = read(&dir.join(string(o, "key", path)?))?;
    let key_der = match std::str::from_utf8(&key) {
        Ok(pem) if pem.contains("-----BEGIN") => {
            let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|_| usage(format!("{path}: the key is not PEM")))?
        }
        _ => key,
    };
    let certificate = read(&dir.join(string(o, "certificate", path)?))?;
    Ok(Config {
        md,
        key_der,
        certificate,
    })
}

/// The `billing` object (the library checks its values for the profile).
fn billing(b: &Value, path: &str) -> Result<BillingContact, Failure> {
    let b = b
        .as_object()
        .ok_or_else(|| usage(format!("{path}: `billing` must be an object")))?;
    only_keys(
        b,
        &[
            "email",
            "telephone",
            "vat_country",
            "vat_code",
            "company",
            "address",
            "postal_code",
            "municipality",
            "province",
            "country",
        ],
        path,
    )?;
    Ok(BillingContact {
        email: string(b, "email", path)?,
        telephone: opt_string(b, "telephone", path)?,
        vat_country: string(b, "vat_country", path)?,
        vat_code: string(b, "vat_code", path)?,
        company: string(b, "company", path)?,
        address: string(b, "address", path)?,
        postal_code: string(b, "postal_code", path)?,
        municipality: string(b, "municipality", path)?,
        province: opt_string(b, "province", path)?,
        country: string(b, "country", path)?,
    })
}

fn metadata(path: &str) -> Result<String, Failure> {
    let c = load(path)?;
    let signer = RustCryptoSigner::from_pkcs8_der(&c.key_der)?;
    let credential = SpCredential::new(&signer, &c.certificate)?;
    Ok(c.md.sign(&credential)?)
}

fn request(path: &str, a: &RequestArgs) -> Result<String, Failure> {
    let c = load(path)?;
    let level =
        Level::from_name(&a.level).ok_or_else(|| usage("--level is SpidL1, SpidL2 or SpidL3"))?;
    let comparison = Comparison::from_name(&a.comparison)
        .ok_or_else(|| usage("--comparison is minimum, exact, better or maximum"))?;
    let now = match &a.now {
        Some(t) => UnixTime::parse_rfc3339(t).map_err(|e| usage(format!("--now: {e}")))?,
        None => crate::clock_now(),
    };
    let signer = RustCryptoSigner::from_pkcs8_der(&c.key_der)?;
    let credential = SpCredential::new(&signer, &c.certificate)?;
    let mut request = AuthnRequest::new(&c.md.entity_id, &a.idp_sso, &a.id, now);
    request.level = level;
    request.comparison = comparison;
    Ok(match a.binding.as_str() {
        "post" => request.post_form(&credential, &a.relay_state)?,
        "xml" => request.signed_xml(&credential)?,
        _ => request.redirect_url(&credential, &a.relay_state)?,
    })
}
