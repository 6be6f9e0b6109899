//! `idbridge verify mdoc`: an ISO/IEC 18013-5 DeviceResponse checked by
//! `idbridge::mdoc`, with the inputs and trust of the vector kind `mdoc`
//! (VECTORS.md); and `idbridge inspect cbor`, a diagnostic-notation dump.

use crate::{cert_arg, read_arg, read_text_arg, Failure};
use base64::Engine as _;
use idbridge::mdoc::{
    self, DeviceMac, Expectations, Handover, InputEncoding, MdocTrust, ReaderKey,
};
use idbridge::UnixTime;

/// `verify mdoc`'s arguments.
#[derive(clap::Args, Debug)]
pub struct MdocArgs {
    /// The `vp_token` entry exactly as posted (base64url), or with
    /// `--input cbor` the DeviceResponse's bytes.
    #[arg(long, value_name = "FILE")]
    pub response: String,
    /// The trusted IACA certificates (PEM or DER). Repeatable.
    #[arg(long, value_name = "FILE", required = true, num_args = 1..)]
    pub anchors: Vec<String>,
    /// The docType the request asked for (every Document must carry it).
    #[arg(long, value_name = "DOCTYPE")]
    pub doctype: String,
    /// The SessionTranscript this relying party rebuilds from its own request.
    #[arg(long, value_name = "KIND", value_parser = ["openid4vp", "openid4vp-dc-api", "iso-18013-7", "session-transcript"])]
    pub handover: String,
    /// openid4vp, iso-18013-7: the client_id with its prefix.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// openid4vp, openid4vp-dc-api, iso-18013-7: the request's nonce.
    #[arg(long, value_name = "STR")]
    pub nonce: Option<String>,
    /// openid4vp, iso-18013-7: the response_uri (or redirect_uri).
    #[arg(long, value_name = "URL")]
    pub response_uri: Option<String>,
    /// openid4vp, openid4vp-dc-api: the base64url RFC 7638 SHA-256 thumbprint
    /// (32 bytes) of the response-encryption key (absent: the response was
    /// not encrypted).
    #[arg(long, value_name = "B64U")]
    pub jwk_thumbprint: Option<String>,
    /// openid4vp-dc-api: the web origin.
    #[arg(long, value_name = "URL")]
    pub origin: Option<String>,
    /// iso-18013-7: the wallet's mdoc generated nonce (the JWE apu).
    #[arg(long, value_name = "STR")]
    pub mdoc_generated_nonce: Option<String>,
    /// session-transcript: the SessionTranscript array in hex.
    #[arg(long, value_name = "HEX")]
    pub session_transcript: Option<String>,
    /// Allow deviceMac, keyed from this reader private key (PKCS#8, PEM or DER).
    #[arg(long, value_name = "FILE")]
    pub reader_key: Option<String>,
    /// Accept document-signer and device keys on brainpoolP256r1 and
    /// brainpoolP384r1 (IT-Wallet), signing with ES256 and ES384.
    #[arg(long)]
    pub brainpool: bool,
    /// How the response is encoded.
    #[arg(long, value_name = "ENC", default_value = "base64url", value_parser = ["base64url", "cbor"])]
    pub input: String,
    /// Tolerated clock difference, in seconds (0 to 86400).
    #[arg(long, value_name = "SECS", default_value_t = 0, value_parser = crate::parse_skew, allow_negative_numbers = true)]
    pub clock_skew: u32,
    /// The verification time, RFC 3339 (default: this machine's clock).
    #[arg(long, value_name = "T", value_parser = crate::parse_time)]
    pub now: Option<UnixTime>,
}

fn need(v: &Option<String>, flag: &str, handover: &str) -> Result<String, Failure> {
    v.clone()
        .ok_or_else(|| Failure::Usage(format!("--handover {handover} needs --{flag}")))
}

fn hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len() / 2)
        .map(|i| {
            s.get(2 * i..2 * i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

/// The size of an RFC 7638 SHA-256 JWK thumbprint.
const THUMBPRINT_BYTES: usize = 32;

/// The request values each `--handover` kind takes; any other given is a
/// usage error (it would be silently ignored).
const HANDOVER_FLAGS: &[(&str, &[&str])] = &[
    (
        "openid4vp",
        &["client-id", "nonce", "response-uri", "jwk-thumbprint"],
    ),
    ("openid4vp-dc-api", &["origin", "nonce", "jwk-thumbprint"]),
    (
        "iso-18013-7",
        &["client-id", "response-uri", "nonce", "mdoc-generated-nonce"],
    ),
    ("session-transcript", &["session-transcript"]),
];

fn handover(a: &MdocArgs) -> Result<Handover, Failure> {
    let h = a.handover.as_str();
    let given = [
        ("client-id", a.client_id.is_some()),
        ("nonce", a.nonce.is_some()),
        ("response-uri", a.response_uri.is_some()),
        ("jwk-thumbprint", a.jwk_thumbprint.is_some()),
        ("origin", a.origin.is_some()),
        ("mdoc-generated-nonce", a.mdoc_generated_nonce.is_some()),
        ("session-transcript", a.session_transcript.is_some()),
    ];
    let takes = HANDOVER_FLAGS
        .iter()
        .find(|(kind, _)| *kind == h)
        .map_or(&[][..], |(_, flags)| *flags);
    if let Some((flag, _)) = given
        .iter()
        .find(|(flag, present)| *present && !takes.contains(flag))
    {
        return Err(Failure::Usage(format!(
            "--{flag} is not used by --handover {h} (it takes --{})",
            takes.join(", --")
        )));
    }
    let thumbprint = match &a.jwk_thumbprint {
        None => None,
        Some(t) => {
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(t)
                .map_err(|_| {
                    Failure::Usage(format!(
                        "--jwk-thumbprint {t:?} is not unpadded base64url (leave the flag out \
                         when the response was not encrypted)"
                    ))
                })?;
            if bytes.len() != THUMBPRINT_BYTES {
                return Err(Failure::Usage(format!(
                    "--jwk-thumbprint {t:?} decodes to {} bytes, not the {THUMBPRINT_BYTES} of a \
                     SHA-256 JWK thumbprint (leave the flag out when the response was not \
                     encrypted)",
                    bytes.len()
                )));
            }
            Some(bytes)
        }
    };
    Ok(match h {
        "openid4vp" => Handover::OpenId4Vp {
            client_id: need(&a.client_id, "client-id", h)?,
            nonce: need(&a.nonce, "nonce", h)?,
            jwk_thumbprint: thumbprint,
            response_uri: need(&a.response_uri, "response-uri", h)?,
        },
        "openid4vp-dc-api" => Handover::OpenId4VpDcApi {
            origin: need(&a.origin, "origin", h)?,
            nonce: need(&a.nonce, "nonce", h)?,
            jwk_thumbprint: thumbprint,
        },
        "iso-18013-7" => Handover::Iso18013_7 {
            client_id: need(&a.client_id, "client-id", h)?,
            response_uri: need(&a.response_uri, "response-uri", h)?,
            nonce: need(&a.nonce, "nonce", h)?,
            mdoc_generated_nonce: need(&a.mdoc_generated_nonce, "mdoc-generated-nonce", h)?,
        },
        _ => Handover::SessionTranscript(
            hex(&need(&a.session_transcript, "session-transcript", h)?)
                .ok_or_else(|| Failure::Usage("--session-transcript is not hex".into()))?,
        ),
    })
}

/// Runs the check; the JSON to print, or the failure.
pub fn verify(a: &MdocArgs) -> Result<String, Failure> {
    let mut trust = MdocTrust::new();
    for f in &a.anchors {
        trust = trust.with_iaca(&cert_arg("anchors", f)?)?;
    }
    let mut exp = Expectations::new(a.doctype.clone(), handover(a)?);
    exp.clock_skew_seconds = i64::from(a.clock_skew);
    exp.brainpool = a.brainpool;
    exp.input = if a.input == "cbor" {
        InputEncoding::Cbor
    } else {
        InputEncoding::Base64url
    };
    if let Some(f) = &a.reader_key {
        exp.device_mac = DeviceMac::Allowed(ReaderKey::from_pkcs8(&read_arg("reader-key", f)?)?);
    }
    let response = if exp.input == InputEncoding::Cbor {
        read_arg("response", &a.response)?
    } else {
        read_text_arg("response", &a.response)?
    };
    let now = a.now.unwrap_or_else(crate::clock_now);
    let v = mdoc::verify_device_response(
        idbridge::crypto::default_backend(),
        &trust,
        &response,
        &exp,
        now,
    )?;
    serde_json::to_string_pretty(&serde_json::json!({
        "identity": v.identity(),
        "doc_types": v.doc_types(),
    }))
    .map_err(|e| {
        Failure::Verify(idbridge::Error::with_detail(
            idbridge::ErrorCode::ConfigInvalid,
            e.to_string(),
        ))
    })
}

/// The first line `inspect cbor` prints.
pub const CBOR_BANNER: &str =
    "UNVERIFIED: decoded only; no signature, digest, key, certificate or time was checked";

/// `inspect cbor`: the bytes (or base64url text of them) in RFC 8949
/// diagnostic notation; tag-24 contents shown as `<<...>>` where they parse.
pub fn inspect_cbor(bytes: &[u8], limits: &idbridge::Limits) -> Result<String, idbridge::Error> {
    let text = core::str::from_utf8(bytes).ok().map(str::trim);
    let decoded = text
        .filter(|t| {
            !t.is_empty()
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .and_then(|t| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(t)
                .ok()
        });
    let raw = decoded.as_deref().unwrap_or(bytes);
    let doc = idbridge::cbor::Document::parse(raw, limits)?;
    Ok(idbridge::cbor::diagnostic(&doc))
}
