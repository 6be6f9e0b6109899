//! `idbridge`: run test vectors (and, as the verifiers land, verify
//! assertions and measure them) from the command line.

use clap::{Parser, Subcommand};
use idbridge::spid::{Comparison, Level};
use idbridge::UnixTime;
use idbridge_vectors::{self as vectors, FsFiles, Runner, Summary};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

mod icao;
mod inspect;
mod mdoc;
mod mobileid;
mod oidc;
mod sdjwt;
mod smartid;
mod sp;

#[derive(Parser, Debug)]
#[command(
    name = "idbridge",
    version,
    about = "Verify SPID, CIE and Web eID identity assertions, and run idbridge's test vectors.",
    long_about = "idbridge checks signed identity assertions strictly and explains every rejection \
with a stable error code.\n\nStart with:\n  idbridge vectors test-vectors\n\
which runs every test vector under test-vectors/ and prints one line per case.",
    after_help = "Exit status: 0 when everything passed, 1 when a case failed, 2 on a usage error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run test vectors (files, or folders searched recursively for vector files).
    ///
    /// Prints one line per case (`ok` or `FAIL`, the file, the tcId and, on
    /// failure, what was expected and what came back), then the closing line
    /// `vectors: N passed, M failed`. A malformed vector file counts as one
    /// failure. Every case runs on every signature backend compiled in,
    /// unless --backend picks some. A PATH that does not exist is a usage
    /// error (exit 2).
    #[command(after_help = "Examples:\n  idbridge vectors test-vectors\n  \
idbridge vectors --json test-vectors/signature/ecdsa_raw.json\n  \
idbridge vectors --backend rustcrypto ../shared/vectors\n  \
idbridge vectors test-vectors/spid/envelope.json --tc 3 --explain\n  \
idbridge vectors --report junit vectors.xml --report html vectors.html test-vectors\n\n\
Exit status: 0 when every case passed, 1 when a case failed or a vector file is malformed, \
2 on a usage error (a missing PATH, an unknown backend, --tc with no such case, a report \
that cannot be written).")]
    Vectors {
        /// Print one JSON object per case on stdout (the closing line goes to stderr).
        #[arg(long)]
        json: bool,
        /// Run on this backend only (repeatable): rustcrypto, aws-lc-rs, ring.
        #[arg(long = "backend", value_name = "NAME")]
        backends: Vec<String>,
        /// Run only the case with this tcId (needs exactly one vector file).
        #[arg(long = "tc", value_name = "N")]
        tc: Option<u64>,
        /// Under each case, print how it ran: its input, trust files and
        /// context; for SAML every check with the rule it enforces; the
        /// outcome; the `idbridge verify` command that replays it.
        #[arg(long)]
        explain: bool,
        /// Also write a report: `junit FILE` (JUnit XML for CI) or `html FILE`
        /// (one self-contained page). Repeatable.
        #[arg(long = "report", num_args = 2, value_names = ["FORMAT", "FILE"])]
        reports: Vec<String>,
        /// Vector files or folders.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<String>,
    },
    /// Verify one assertion and print the identity as JSON (or the error code and reason).
    #[command(subcommand)]
    Verify(Box<Verify>),
    /// Decode a token without verifying it (the output says UNVERIFIED).
    #[command(subcommand)]
    Inspect(Inspect),
    /// The SPID/CIE service provider's signed metadata and AuthnRequest, from a JSON config.
    #[command(subcommand)]
    Sp(sp::Sp),
    /// Measure each verifier beside its floor on built-in inputs (4 s per verifier by default).
    ///
    /// One row per verifier this build has (spid, cie, webeid, oidc, sdjwt,
    /// smartid, mdoc, icao, mobileid): microseconds per full
    /// verification, microseconds per floor (the same input's signature
    /// checks alone, recorded during a verification and re-run by
    /// themselves, on the same backend), and their ratio. SAML rows add a
    /// second floor with the reference digests. Verification and floor
    /// batches alternate; each figure is the median of the rounds.
    #[command(
        after_help = "Examples:\n  idbridge bench\n  idbridge bench --json --backend all\n  \
idbridge bench --threads 2"
    )]
    Bench {
        /// Print one JSON object per row: name, us_per_op, floor_us_per_op, ratio (and more keys).
        #[arg(long)]
        json: bool,
        /// The backend: rustcrypto, aws-lc-rs, ring, or all (default: this build's default).
        #[arg(long, value_name = "NAME")]
        backend: Option<String>,
        /// Seconds per verifier and backend.
        #[arg(long, value_name = "SECS", default_value_t = 4.0)]
        seconds: f64,
        /// Also measure throughput with this many threads sharing one Trust, against one thread.
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
    },
}

/// The arguments shared by `verify spid` and `verify cie`.
#[derive(clap::Args, Debug)]
struct SamlArgs {
    /// The Response: the SAMLResponse form value as posted (base64), or XML with --input xml.
    #[arg(long, value_name = "FILE")]
    response: String,
    /// Trusted IdP metadata (EntityDescriptor or EntitiesDescriptor), pinned as given. Repeatable.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    metadata: Vec<String>,
    /// A signed metadata registry (e.g. AgID's), verified with --registry-signer.
    #[arg(long, value_name = "FILE", requires = "registry_signer")]
    registry: Option<String>,
    /// The certificate that signs --registry (DER or PEM), pinned.
    #[arg(long, value_name = "FILE")]
    registry_signer: Option<String>,
    /// This service provider's entity ID (the Audience).
    #[arg(long, value_name = "URI")]
    sp_entity_id: String,
    /// The Assertion Consumer Service URL the Response was posted to.
    #[arg(long, value_name = "URL")]
    acs_url: String,
    /// The ID of the AuthnRequest this Response must answer.
    #[arg(long, value_name = "ID")]
    request_id: String,
    /// The level requested: SpidL1, SpidL2 or SpidL3.
    #[arg(long, value_name = "LEVEL", default_value = "SpidL2", value_parser = parse_level)]
    min_level: Level,
    /// The request's Comparison: minimum, exact, better or maximum.
    #[arg(long, value_name = "CMP", default_value = "minimum", value_parser = parse_comparison)]
    comparison: Comparison,
    /// When the AuthnRequest was sent (RFC 3339).
    #[arg(long, value_name = "T", value_parser = parse_time)]
    request_issue_instant: Option<UnixTime>,
    /// The verification time, RFC 3339 (default: this machine's clock).
    #[arg(long, value_name = "T", value_parser = parse_time)]
    now: Option<UnixTime>,
    /// Tolerated clock difference, in seconds (0 to 86400).
    #[arg(long, value_name = "SECS", default_value_t = 0, value_parser = parse_skew, allow_negative_numbers = true)]
    clock_skew: u32,
    /// How the Response is encoded: base64 (as posted) or xml.
    #[arg(long, value_name = "ENC", default_value = "base64", value_parser = ["base64", "xml"])]
    input: String,
    /// Print every check in order with the rule it enforces (the audit trail).
    #[arg(long)]
    explain: bool,
}

#[derive(Subcommand, Debug)]
enum Verify {
    /// Verify a SPID SAML Response (HTTP-POST binding).
    ///
    /// Prints the verified identity and the replay data as JSON and exits 0,
    /// or prints `error: <code>: <reason>` and exits 1.
    #[command(
        after_help = "Example:\n  idbridge verify spid --response r.b64 --metadata idp.xml \\\n    \
--sp-entity-id https://sp.example.it --acs-url https://sp.example.it/acs --request-id _abc --explain"
    )]
    Spid(SamlArgs),
    /// Verify a CIE ID SAML Response (HTTP-POST binding); arguments as for `verify spid`.
    Cie(SamlArgs),
    /// Verify a Web eID authentication token (web-eid:1.0 or 1.1).
    ///
    /// Prints the verified identity as JSON and exits 0, or prints
    /// `error: <code>: <reason>` and exits 1.
    #[command(after_help = "Examples:\n  \
idbridge verify webeid --token token.json --origin https://rp.example.org --nonce \"$NONCE\"\n  \
idbridge verify webeid --token t.json --origin https://ria.ee --nonce N --anchors test --now 2023-09-01T10:00:00Z\n  \
idbridge verify webeid --token t.json --origin https://ria.ee --nonce N --anchors ca.cer --ocsp resp.der")]
    Webeid {
        /// The token file, exactly as the browser posted it.
        #[arg(long, value_name = "FILE")]
        token: String,
        /// The site's origin, `https://host[:port]`.
        #[arg(long, value_name = "URL")]
        origin: String,
        /// The challenge nonce exactly as issued.
        #[arg(long, value_name = "STR")]
        nonce: String,
        /// The verification time, RFC 3339 (default: this machine's clock).
        #[arg(long, value_name = "T", value_parser = parse_time)]
        now: Option<UnixTime>,
        /// A DER OCSP response for the user certificate (default: no revocation check).
        #[arg(long, value_name = "FILE")]
        ocsp: Option<String>,
        /// Pin this designated OCSP responder certificate (default: the issuing CA or its delegate).
        #[arg(long, value_name = "FILE", requires = "ocsp")]
        ocsp_responder: Option<String>,
        /// Trusted issuing CAs: `embedded` (production Estonian CAs), `test` (Estonian TEST CAs), or certificate files.
        #[arg(long, value_name = "embedded|test|FILE", num_args = 1.., default_value = "embedded")]
        anchors: Vec<String>,
    },
    /// Verify an OpenID Federation 1.0 trust chain (SPID/CIE OIDC Federation).
    ///
    /// Prints the subject, the trust anchor, the chain's expiry, the resolved
    /// metadata and the valid trust marks as JSON and exits 0, or prints
    /// `error: <code>: <reason>` and exits 1.
    #[command(after_help = "Examples:\n  \
idbridge verify oidc-chain --chain chain.json --anchor https://registry.spid.gov.it ta.jwks.json --entity-type openid_provider\n  \
idbridge verify oidc-chain --chain test-vectors/oidc-trust-chain/chains/valid-3.json \\\n    \
--anchor https://ta.idbridge.test/ test-vectors/oidc-trust-chain/jwks/ta.jwks.json --now 2026-01-15T10:00:00Z")]
    OidcChain(oidc::ChainArgs),
    /// Verify a SPID/CIE OpenID Connect ID token, with its access token and
    /// signed-then-encrypted UserInfo when given.
    ///
    /// Prints the identity (the UserInfo's person when there is one), the
    /// pairwise `sub`, the level and the algorithms used as JSON and exits
    /// 0, or prints `error: <code>: <reason>` and exits 1.
    #[command(after_help = "Example:\n  \
idbridge verify id-token --response tokens.json --userinfo userinfo.jwe --op-jwks op.jwks.json \\\n    \
--rp-key rp-enc.jwk.json --client-id https://rp.example.it/ --issuer https://op.example.it/ --nonce \"$NONCE\"")]
    IdToken(oidc::IdTokenArgs),
    /// Verify an SD-JWT VC presentation (IT-Wallet, EU wallet PIDs): the
    /// issuer-signed JWT, the disclosures, the KB-JWT and the Token Status List.
    ///
    /// Prints the identity, the disclosed claims, the KB-JWT and the status
    /// as JSON and exits 0, or prints `error: <code>: <reason>` and exits 1.
    /// Nothing is fetched: give the status lists with --status-list.
    #[command(after_help = "Example:\n  \
idbridge verify sd-jwt --presentation vp_token.txt --issuer-jwks issuer.jwks.json \\\n    \
--status-list https://status.example/1 list.jwt --nonce \"$NONCE\" --audience https://rp.example.it")]
    SdJwt(sdjwt::SdJwtArgs),
    /// Verify a Mobile-ID authentication session-status response against
    /// the hash this relying party sent.
    ///
    /// Prints the identity, the hash type and its verification code as JSON
    /// and exits 0, or prints `error: <code>: <reason>` and exits 1.
    #[command(after_help = "Example:\n  \
idbridge verify mobile-id --response status.json --anchors TEST_of_ESTEID-SK_2015.pem.crt \\\n    \
--signed-hash \"$HASH_B64\" --hash-type SHA512")]
    MobileId(mobileid::MobileIdArgs),
    /// Verify a Smart-ID RP API v3 session-status response against what
    /// this relying party sent (ACSP_V2 authentication, or a
    /// RAW_DIGEST_SIGNATURE over the signed data).
    ///
    /// Prints the identity, level, document number, protocol and flow as
    /// JSON and exits 0, or prints `error: <code>: <reason>` and exits 1.
    #[command(after_help = "Example:\n  \
idbridge verify smart-id --response status.json --anchors TEST_of_SK_ID_Solutions_EID-Q_2024E.pem.crt \\\n    \
--rp-challenge \"$RP_CHALLENGE\" --rp-name DEMO --interactions \"$INTERACTIONS\"")]
    SmartId(smartid::SmartIdArgs),
    /// Verify an ISO/IEC 18013-5 mdoc DeviceResponse (mDL, EU/IT-Wallet
    /// PID) against the SessionTranscript of this relying party's request.
    ///
    /// Prints the first Document's identity and every docType as JSON and
    /// exits 0, or prints `error: <code>: <reason>` and exits 1.
    #[command(after_help = "Example:\n  \
idbridge verify mdoc --response vp_token.b64u --anchors iaca.pem --doctype eu.europa.ec.eudi.pid.1 \\\n    \
--handover openid4vp --client-id x509_san_dns:rp.example.it --nonce \"$NONCE\" \\\n    \
--response-uri https://rp.example.it/response --jwk-thumbprint \"$THUMBPRINT\"")]
    Mdoc(mdoc::MdocArgs),
    /// Verify ICAO 9303 chip data (EF.SOD and data groups as read; the
    /// Italian CIE 3.0) by passive authentication.
    ///
    /// Prints the identity read from DG1, DG11 (and the IAS NIS) and the
    /// data groups checked as JSON and exits 0, or prints
    /// `error: <code>: <reason>` and exits 1. Active and chip
    /// authentication are not performed (they need the live chip).
    #[command(after_help = "Example:\n  \
idbridge verify icao-sod --input chip.json --csca CSCA04.cer CSCA05.cer --now 2025-09-01T00:00:00Z")]
    IcaoSod(icao::IcaoSodArgs),
}

#[derive(Subcommand, Debug)]
enum Inspect {
    /// Print a compact JWT's header and claims (a JWE: its protected header only), UNVERIFIED.
    ///
    /// Prints the line `UNVERIFIED: ...`, then one JSON object with
    /// `"verified": false`, `type` (JWS or JWE), `header`, and for a JWS the
    /// `claims` and the signature's length; for a JWE the lengths of its
    /// parts. Nothing is checked: use `idbridge verify` for that. Exits 0, or
    /// 1 with `error: <code>: <reason>` when the text is no compact JWS or JWE.
    #[command(after_help = "Examples:\n  idbridge inspect jwt id_token.jwt\n  \
curl -s https://op.example.it/.well-known/openid-federation | idbridge inspect jwt -")]
    Jwt {
        /// The token file (`-`: standard input); surrounding whitespace is ignored.
        #[arg(value_name = "FILE")]
        file: String,
    },
    /// Print an SD-JWT presentation's parts, UNVERIFIED: the issuer JWT's
    /// header and claims, each disclosure with its digest and content, the
    /// KB-JWT.
    ///
    /// Prints the line `UNVERIFIED: ...`, then one JSON object with
    /// `"verified": false`, `issuer_jwt` (as `inspect jwt` prints it),
    /// `sd_alg`, `disclosures` (each: `digest`, `referenced` by a digest in
    /// the signed payload or another disclosure, `salt`, `name`, `value` or
    /// `array_element`, or `malformed`) and `kb_jwt`. Nothing is checked:
    /// use `idbridge verify sd-jwt` for that. Exits 0, or 1 with
    /// `error: <code>: <reason>`.
    #[command(after_help = "Example:\n  idbridge inspect sd-jwt presentation.txt")]
    SdJwt {
        /// The presentation file (`-`: standard input); surrounding whitespace is ignored.
        #[arg(value_name = "FILE")]
        file: String,
    },
    /// Print a CBOR item (raw bytes, or base64url text of them such as an
    /// mso_mdoc vp_token) in RFC 8949 diagnostic notation, UNVERIFIED.
    ///
    /// Prints the line `UNVERIFIED: ...`, then the diagnostic notation, tag-24
    /// contents shown decoded as `<<...>>`. The reader is the verifier's:
    /// CBOR it refuses (not well formed, not preferred serialization,
    /// repeated keys) exits 1 with `error: <code>: <reason>`.
    #[command(after_help = "Example:\n  idbridge inspect cbor device-response.cbor")]
    Cbor {
        /// The file (`-`: standard input).
        #[arg(value_name = "FILE")]
        file: String,
    },
}

fn run_inspect(i: Inspect) -> ExitCode {
    let limits = idbridge::Limits::default();
    let (file, max, sd_jwt) = match i {
        Inspect::Jwt { file } => (file, limits.max_jws_bytes(), false),
        Inspect::SdJwt { file } => (file, limits.max_presentation_bytes(), true),
        Inspect::Cbor { file } => return run_inspect_cbor(&file, &limits),
    };
    // At most one byte over the limit is read: the library's size check then
    // refuses it with input.too_large, and a huge file never fills memory.
    let cap = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    let read = if file == "-" {
        std::io::Read::read_to_end(
            &mut std::io::Read::take(std::io::stdin().lock(), cap),
            &mut bytes,
        )
    } else {
        std::fs::File::open(&file)
            .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, cap), &mut bytes))
    };
    if let Err(e) = read {
        return usage(format!("cannot read {file}: {e}"));
    }
    let decoded = if sd_jwt {
        inspect::inspect_sd_jwt(&bytes, &limits)
    } else {
        inspect::inspect(&bytes, &limits)
    };
    let banner = if sd_jwt {
        inspect::SD_JWT_BANNER
    } else {
        inspect::BANNER
    };
    let result = decoded.and_then(|v| {
        serde_json::to_string_pretty(&v).map_err(|e| {
            idbridge::Error::with_detail(idbridge::ErrorCode::ConfigInvalid, e.to_string())
        })
    });
    match result {
        Ok(json) => {
            if say(banner) {
                result_exit(Ok(json))
            } else {
                ExitCode::from(2)
            }
        }
        Err(e) => result_exit(Err(Failure::Verify(e))),
    }
}

fn run_inspect_cbor(file: &str, limits: &idbridge::Limits) -> ExitCode {
    let cap = u64::try_from(limits.max_input_bytes())
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut bytes = Vec::new();
    let read = if file == "-" {
        std::io::Read::read_to_end(
            &mut std::io::Read::take(std::io::stdin().lock(), cap),
            &mut bytes,
        )
    } else {
        std::fs::File::open(file)
            .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, cap), &mut bytes))
    };
    if let Err(e) = read {
        return usage(format!("cannot read {file}: {e}"));
    }
    match mdoc::inspect_cbor(&bytes, limits) {
        Ok(text) => {
            if say(mdoc::CBOR_BANNER) {
                result_exit(Ok(text))
            } else {
                ExitCode::from(2)
            }
        }
        Err(e) => result_exit(Err(Failure::Verify(e))),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Vectors {
            json,
            backends,
            tc,
            explain,
            reports,
            paths,
        } => run_vectors(&VectorsArgs {
            json,
            backend_names: backends,
            tc,
            explain,
            reports,
            paths,
        }),
        Command::Verify(v) => run_verify(*v),
        Command::Inspect(i) => run_inspect(i),
        Command::Sp(s) => sp::run(s),
        Command::Bench {
            json,
            backend,
            seconds,
            threads,
        } => run_bench(json, backend.as_deref(), seconds, threads),
    }
}

fn run_bench(json: bool, backend: Option<&str>, seconds: f64, threads: Option<usize>) -> ExitCode {
    use idbridge_vectors::bench;
    let backends: Vec<&'static dyn idbridge::crypto::Backend> = match backend {
        None => vec![idbridge::crypto::default_backend()],
        Some("all") => idbridge::crypto::backends().to_vec(),
        Some(name) => match idbridge::crypto::backend_by_name(name) {
            Some(b) => vec![b],
            None => {
                eprintln!("idbridge: unknown backend {name:?}");
                return ExitCode::from(2);
            }
        },
    };
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= 600.0) {
        eprintln!("idbridge: --seconds must be in (0, 600]");
        return ExitCode::from(2);
    }
    let start = std::time::Instant::now();
    let clock = move || start.elapsed().as_secs_f64();
    enum Fail {
        Verify(idbridge::Error),
        Stdout,
    }
    impl From<idbridge::Error> for Fail {
        fn from(e: idbridge::Error) -> Self {
            Fail::Verify(e)
        }
    }
    macro_rules! out {
        ($($arg:tt)*) => {
            if !say(format_args!($($arg)*)) {
                return Err(Fail::Stdout);
            }
        };
    }
    let result = bench::with_workloads(|workloads| -> Result<(), Fail> {
        if !json {
            out!("idbridge bench: {seconds} s per verifier and backend; floor = the same input's signature checks alone (oidc: and the UserInfo decryption)");
            out!(
                "  machine: {} {}, {} CPUs; idbridge {}",
                std::env::consts::ARCH,
                std::env::consts::OS,
                std::thread::available_parallelism().map_or(0, |n| n.get()),
                env!("CARGO_PKG_VERSION")
            );
            for w in workloads {
                out!("  {:<8} {}", w.name, w.input);
            }
            out!(
                "{:<8} {:<11} {:>10} {:>12} {:>7} {:>15} {:>7}",
                "name",
                "backend",
                "µs/op",
                "floor µs/op",
                "ratio",
                "+digests µs/op",
                "ratio"
            );
        }
        for backend in &backends {
            for w in workloads {
                let row = bench::measure(w, *backend, &clock, seconds)?;
                if json {
                    out!("{}", row.json_line());
                } else {
                    let (fd, rd) = match (row.floor_digests_us_per_op, row.ratio_digests()) {
                        (Some(f), Some(r)) => (format!("{f:.1}"), format!("{r:.2}")),
                        _ => ("-".into(), "-".into()),
                    };
                    out!(
                        "{:<8} {:<11} {:>10.1} {:>12.1} {:>7.2} {:>15} {:>7}",
                        row.name,
                        row.backend,
                        row.us_per_op,
                        row.floor_us_per_op,
                        row.ratio(),
                        fd,
                        rd
                    );
                }
            }
            if let Some(n) = threads {
                for w in workloads {
                    let one = bench::throughput(w, *backend, 1, seconds)?;
                    let many = bench::throughput(w, *backend, n, seconds)?;
                    if json {
                        out!(
                            "{}",
                            serde_json::json!({
                                "name": format!("{}-throughput", w.name),
                                "backend": backend.name(),
                                "threads": n,
                                "ops_per_s_1": one.round(),
                                "ops_per_s_n": many.round(),
                                "scaling": (many / one * 100.0).round() / 100.0,
                            })
                        );
                    } else {
                        out!(
                            "throughput {:<8} {:<11} 1 thread {:>8.0}/s, {n} threads {:>8.0}/s: {:.2}x",
                            w.name,
                            backend.name(),
                            one,
                            many,
                            many / one
                        );
                    }
                }
            }
        }
        Ok(())
    });
    match result {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(Fail::Stdout)) => ExitCode::from(2),
        Ok(Err(Fail::Verify(e))) | Err(e) => {
            eprintln!("idbridge: bench: {}: {e}", e.code());
            ExitCode::from(1)
        }
    }
}

fn parse_level(s: &str) -> Result<Level, String> {
    Level::from_name(s).ok_or_else(|| "expected SpidL1, SpidL2 or SpidL3".into())
}

fn parse_comparison(s: &str) -> Result<Comparison, String> {
    Comparison::from_name(s).ok_or_else(|| "expected minimum, exact, better or maximum".into())
}

/// `--clock-skew`: whole seconds from 0 to the library's maximum (24 h).
fn parse_skew(s: &str) -> Result<u32, String> {
    let max = idbridge::ClockSkew::MAX_SECS;
    s.parse::<u32>()
        .ok()
        .filter(|n| *n <= max)
        .ok_or_else(|| format!("expected whole seconds from 0 to {max} (24 h)"))
}

fn parse_time(s: &str) -> Result<UnixTime, String> {
    UnixTime::parse_rfc3339(s)
        .map_err(|_| "expected an RFC 3339 time, e.g. 2023-09-01T10:00:00Z".into())
}

/// Why `idbridge verify` did not print an identity.
enum Failure {
    /// The command line cannot be acted on (a file that cannot be read): exit 2.
    Usage(String),
    /// The verification (or the trust material) refused: exit 1.
    Verify(idbridge::Error),
}

impl From<idbridge::Error> for Failure {
    fn from(e: idbridge::Error) -> Self {
        Failure::Verify(e)
    }
}

/// Whether a flag already took standard input (`-`): it can be read once.
static STDIN_TAKEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The bytes of the file a command-line flag names (`-`: standard input,
/// for one flag only); a file that cannot be read is a usage error.
fn read_arg(flag: &str, path: &str) -> Result<Vec<u8>, Failure> {
    if path == "-" {
        if STDIN_TAKEN.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return Err(Failure::Usage(format!(
                "--{flag} -: standard input is already read by another flag"
            )));
        }
        let mut bytes = Vec::new();
        return std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .map(|_| bytes)
            .map_err(|e| Failure::Usage(format!("cannot read --{flag} (standard input): {e}")));
    }
    std::fs::read(path).map_err(|e| Failure::Usage(format!("cannot read --{flag} {path}: {e}")))
}

/// A text input (base64, base64url, hex or JSON) read as [`read_arg`]
/// does, without the line ending(s) a file ends with (`\n` or `\r\n`):
/// an editor's final newline is not part of the value. Whitespace inside
/// the value is kept (and refused by the verifier).
fn read_text_arg(flag: &str, path: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = read_arg(flag, path)?;
    while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        bytes.pop();
    }
    Ok(bytes)
}

/// A certificate file given as trust (an anchor, a CA, a pinned signer),
/// PEM or DER: one that cannot be read, is empty or holds no certificate
/// is a usage error naming the flag and the file (the verifier would only
/// say `x509.cert.malformed`, not which file).
fn cert_arg(flag: &str, path: &str) -> Result<Vec<u8>, Failure> {
    let bytes = read_arg(flag, path)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Failure::Usage(format!(
            "--{flag} {path}: the file is empty, not a certificate (PEM or DER)"
        )));
    }
    idbridge::webeid::Anchors::new()
        .with_certificate(&bytes)
        .map(drop)
        .map_err(|e| {
            Failure::Usage(format!(
                "--{flag} {path} is not a certificate (PEM or DER): {}",
                e.reason()
            ))
        })?;
    Ok(bytes)
}

fn run_verify(v: Verify) -> ExitCode {
    match v {
        Verify::Spid(args) => saml_exit(verify_saml(&args, false)),
        Verify::Cie(args) => saml_exit(verify_saml(&args, true)),
        Verify::Webeid {
            token,
            origin,
            nonce,
            now,
            ocsp,
            ocsp_responder,
            anchors,
        } => result_exit(verify_webeid(
            &token,
            &origin,
            &nonce,
            now,
            ocsp.as_deref(),
            ocsp_responder.as_deref(),
            &anchors,
        )),
        Verify::OidcChain(args) => result_exit(oidc::verify_chain(&args)),
        Verify::IdToken(args) => result_exit(oidc::verify_id_token(&args)),
        Verify::SdJwt(args) => result_exit(sdjwt::verify(&args)),
        Verify::MobileId(args) => result_exit(mobileid::verify(&args)),
        Verify::SmartId(args) => result_exit(smartid::verify(&args)),
        Verify::Mdoc(args) => result_exit(mdoc::verify(&args)),
        Verify::IcaoSod(args) => result_exit(icao::verify(&args)),
    }
}

/// Writes one line to stdout; `false` when stdout is gone (a closed pipe):
/// the caller exits 2 instead of panicking as `println!` would.
fn say(line: impl std::fmt::Display) -> bool {
    writeln!(std::io::stdout().lock(), "{line}").is_ok()
}

/// Prints a verification's result: the JSON and exit 0, or the error and 1;
/// 2 on a usage error or when stdout is gone.
fn result_exit(result: Result<String, Failure>) -> ExitCode {
    let (line, code) = match result {
        Ok(json) => (json, ExitCode::SUCCESS),
        Err(Failure::Verify(e)) => (format!("error: {e}"), ExitCode::from(1)),
        Err(Failure::Usage(why)) => return usage(why),
    };
    if say(line) {
        code
    } else {
        ExitCode::from(2)
    }
}

fn saml_exit(r: (Vec<String>, Result<String, Failure>)) -> ExitCode {
    let (lines, result) = r;
    for l in lines {
        if !say(l) {
            return ExitCode::from(2);
        }
    }
    result_exit(result)
}

/// This machine's clock (the CLI, unlike the library, may read it: it is the caller).
fn clock_now() -> UnixTime {
    UnixTime::from_unix_seconds(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0),
    )
}

fn verify_saml(a: &SamlArgs, cie: bool) -> (Vec<String>, Result<String, Failure>) {
    use idbridge::spid::{Expectations, InputEncoding};
    // Every file first: one that cannot be read is a usage error, whatever
    // the trust material would have said.
    let read_all = || -> Result<_, Failure> {
        let metadata = a
            .metadata
            .iter()
            .map(|m| read_arg("metadata", m))
            .collect::<Result<Vec<_>, _>>()?;
        let registry = match (&a.registry, &a.registry_signer) {
            (Some(r), Some(s)) => Some((read_arg("registry", r)?, cert_arg("registry-signer", s)?)),
            (None, Some(s)) => {
                return Err(Failure::Usage(format!(
                    "--registry-signer {s} needs --registry"
                )))
            }
            _ => None,
        };
        Ok((metadata, registry, read_text_arg("response", &a.response)?))
    };
    let (metadata, registry, response) = match read_all() {
        Ok(x) => x,
        Err(e) => return (Vec::new(), Err(e)),
    };
    let trust = (|| -> Result<_, idbridge::Error> {
        let mut builder = idbridge::Trust::builder();
        for m in &metadata {
            builder = builder.pin_saml_idp_metadata(m)?;
        }
        if let Some((r, s)) = &registry {
            builder = builder.saml_registry(r, s)?;
        }
        builder.build()
    })();
    let trust = match trust {
        Ok(t) => t,
        Err(e) => return (Vec::new(), Err(e.into())),
    };
    let mut exp = Expectations::new(&a.sp_entity_id, &a.acs_url, &a.request_id);
    exp.min_level = a.min_level;
    exp.comparison = a.comparison;
    exp.input = if a.input == "xml" {
        InputEncoding::Xml
    } else {
        InputEncoding::Base64
    };
    exp.request_issue_instant = a.request_issue_instant;
    exp.clock_skew = idbridge::ClockSkew::from_secs(a.clock_skew);
    let now = a.now.unwrap_or_else(clock_now);
    let (audit, result) = if cie {
        idbridge::cie::explain(&trust, &response, &exp, now)
    } else {
        idbridge::spid::explain(&trust, &response, &exp, now)
    };
    let lines = if a.explain {
        audit
            .steps()
            .iter()
            .map(|s| match s.failed {
                None => format!("ok   {:<20} {}", s.check, s.rule),
                Some(code) => format!("FAIL {:<20} {} -> {code}", s.check, s.rule),
            })
            .collect()
    } else {
        Vec::new()
    };
    let json = result.and_then(|v| {
        serde_json::to_string_pretty(&serde_json::json!({
            "identity": v.identity(),
            "response_id": v.response_id(),
            "response_signed": v.response_signed(),
            "assertion_id": v.assertion_id(),
            "in_response_to": v.in_response_to(),
            "not_on_or_after": v.not_on_or_after().to_rfc3339(),
            "session_index": v.session_index(),
            "idp_entity_id": v.idp_entity_id(),
        }))
        .map_err(|e| {
            idbridge::Error::with_detail(idbridge::ErrorCode::ConfigInvalid, e.to_string())
        })
    });
    (lines, json.map_err(Failure::from))
}

fn verify_webeid(
    token: &str,
    origin: &str,
    nonce: &str,
    now: Option<UnixTime>,
    ocsp: Option<&str>,
    responder: Option<&str>,
    anchors: &[String],
) -> Result<String, Failure> {
    use idbridge::{webeid, Trust};
    // Every file first: one that cannot be read is a usage error.
    enum Anchor {
        Embedded,
        Test,
        File(Vec<u8>),
    }
    let anchors = anchors
        .iter()
        .map(|a| match a.as_str() {
            "embedded" => Ok(Anchor::Embedded),
            "test" => Ok(Anchor::Test),
            file => cert_arg("anchors", file).map(Anchor::File),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let token = read_text_arg("token", token)?;
    let response = ocsp.map(|f| read_arg("ocsp", f)).transpose()?;
    let responder = responder
        .map(|f| cert_arg("ocsp-responder", f))
        .transpose()?;
    let mut builder = Trust::builder();
    for a in &anchors {
        builder = match a {
            Anchor::Embedded => builder.webeid_anchors(idbridge::anchors::ESTONIA)?,
            Anchor::Test => builder.webeid_anchors(idbridge::anchors::ESTONIA_TEST)?,
            Anchor::File(bytes) => builder.webeid_anchor(bytes)?,
        };
    }
    let trust = builder.build()?;
    let now = now.unwrap_or_else(clock_now);
    let mut expectations = webeid::Expectations::new(origin, nonce);
    if let Some(response) = &response {
        expectations.ocsp = webeid::Ocsp::Response {
            response,
            responder: responder.as_deref(),
            request_nonce: None,
        };
    }
    let verified = webeid::verify_token(&trust, &token, &expectations, now)?;
    serde_json::to_string_pretty(verified.identity()).map_err(|e| {
        Failure::Verify(idbridge::Error::with_detail(
            idbridge::ErrorCode::ConfigInvalid,
            e.to_string(),
        ))
    })
}

/// `idbridge vectors`' arguments.
struct VectorsArgs {
    json: bool,
    backend_names: Vec<String>,
    tc: Option<u64>,
    explain: bool,
    /// Pairs: format, file.
    reports: Vec<String>,
    paths: Vec<String>,
}

/// A usage error: printed as `idbridge: <why>`, exit status 2.
fn usage(why: impl std::fmt::Display) -> ExitCode {
    eprintln!("idbridge: {why}");
    ExitCode::from(2)
}

fn run_vectors(a: &VectorsArgs) -> ExitCode {
    use idbridge_vectors::report::{Format, ReportMeta};
    let mut chosen = Vec::new();
    for name in &a.backend_names {
        match idbridge::crypto::backend_by_name(name) {
            Some(b) => chosen.push(b),
            None => {
                let known: Vec<_> = idbridge::crypto::backends()
                    .iter()
                    .map(|b| b.name())
                    .collect();
                return usage(format!(
                    "unknown backend {name:?} (this build has: {})",
                    known.join(", ")
                ));
            }
        }
    }
    // Every PATH must exist: a typo is the caller's mistake, not a failed vector.
    for p in &a.paths {
        let readable = std::fs::metadata(p).and_then(|m| {
            if m.is_dir() {
                std::fs::read_dir(p).map(drop)
            } else {
                std::fs::File::open(p).map(drop)
            }
        });
        if let Err(e) = readable {
            return usage(format!("cannot read {p}: {e}"));
        }
    }
    if a.tc.is_some() && (a.paths.len() != 1 || a.paths.iter().any(|p| Path::new(p).is_dir())) {
        return usage("--tc needs exactly one vector file (not a folder)");
    }
    // The reports' files are created before the run, so a path that cannot
    // be written stops it at once.
    let mut outputs = Vec::new();
    for pair in a.reports.chunks(2) {
        let (Some(format), Some(file)) = (pair.first(), pair.get(1)) else {
            return usage("--report needs a format and a file");
        };
        let Some(format) = Format::from_name(format) else {
            return usage(format!("unknown report format {format:?} (junit or html)"));
        };
        match std::fs::File::create(file) {
            Ok(f) => outputs.push((format, file, f)),
            Err(e) => return usage(format!("cannot write the report {file}: {e}")),
        }
    }
    let files = FsFiles;
    // The reports show how each case ran (the HTML page every case, the
    // JUnit failures theirs), so they need the explanations.
    let collect_explanations = a.explain || !outputs.is_empty();
    let mut runner = Runner::new(&files)
        .with_backends(&chosen)
        .with_explain(collect_explanations);
    if let Some(tc) = a.tc {
        runner = runner.only_case(tc);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut reports = Vec::new();
    for path in vectors::collect(&a.paths) {
        let report = runner.run_file(&path);
        if let Some(tc) = a.tc {
            if report.defect.is_none() && report.cases.is_empty() {
                return usage(format!("{path} has no case with tcId {tc}"));
            }
        }
        // The reports keep the explanations; the terminal shows them only
        // with --explain.
        let shown = if a.explain || !collect_explanations {
            std::borrow::Cow::Borrowed(&report)
        } else {
            let mut r = report.clone();
            r.cases.iter_mut().for_each(|c| c.explanation = None);
            std::borrow::Cow::Owned(r)
        };
        let lines = if a.json {
            shown.json_lines()
        } else {
            shown.lines()
        };
        for line in lines {
            if writeln!(out, "{line}").is_err() {
                return ExitCode::from(2);
            }
        }
        reports.push(report);
    }
    let summary = Summary::of(&reports);
    if a.json {
        eprintln!("{}", summary.closing_line());
    } else if writeln!(out, "{}", summary.closing_line()).is_err() {
        return ExitCode::from(2);
    }
    if !outputs.is_empty() {
        let mut meta = ReportMeta::new(&runner.backend_names());
        meta.version = env!("CARGO_PKG_VERSION").to_string();
        meta.generated_at = Some(clock_now().to_rfc3339());
        meta.command = Some(
            std::iter::once("idbridge".to_string())
                .chain(
                    std::env::args_os()
                        .skip(1)
                        .map(|a| a.to_string_lossy().into_owned()),
                )
                .collect::<Vec<_>>()
                .join(" "),
        );
        for (format, file, mut f) in outputs {
            let text = format.render(&reports, &meta);
            if let Err(e) = f.write_all(text.as_bytes()).and_then(|()| f.flush()) {
                return usage(format!("cannot write the report {file}: {e}"));
            }
        }
    }
    if summary.failed == 0 && summary.passed > 0 {
        ExitCode::SUCCESS
    } else {
        if summary.passed == 0 && summary.failed == 0 {
            eprintln!(
                "idbridge: no test vectors found under {}",
                a.paths.join(" ")
            );
        }
        ExitCode::from(1)
    }
}
