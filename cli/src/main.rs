//! `idbridge`: run test vectors (and, as the verifiers land, verify
//! assertions and measure them) from the command line.

use clap::{Parser, Subcommand};
use idbridge_vectors::{self as vectors, FsFiles, Runner, Summary};
use std::io::Write;
use std::process::ExitCode;

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
    /// unless --backend picks some.
    #[command(after_help = "Examples:\n  idbridge vectors test-vectors\n  \
idbridge vectors --json test-vectors/signature/ecdsa_raw.json\n  \
idbridge vectors --backend rustcrypto ../shared/vectors")]
    Vectors {
        /// Print one JSON object per case on stdout (the closing line goes to stderr).
        #[arg(long)]
        json: bool,
        /// Run on this backend only (repeatable): rustcrypto, aws-lc-rs, ring.
        #[arg(long = "backend", value_name = "NAME")]
        backends: Vec<String>,
        /// Vector files or folders.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<String>,
    },
    /// Verify one assertion and print the identity as JSON (or the error code and reason).
    #[command(subcommand)]
    Verify(Box<Verify>),
    /// Measure each verifier beside its floor on built-in inputs (about 15 s).
    ///
    /// One row per verifier (spid, cie, webeid): microseconds per full
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
    #[arg(long, value_name = "LEVEL", default_value = "SpidL2")]
    min_level: String,
    /// The request's Comparison: minimum, exact, better or maximum.
    #[arg(long, value_name = "CMP", default_value = "minimum")]
    comparison: String,
    /// When the AuthnRequest was sent (RFC 3339).
    #[arg(long, value_name = "T")]
    request_issue_instant: Option<String>,
    /// The verification time, RFC 3339 (default: this machine's clock).
    #[arg(long, value_name = "T")]
    now: Option<String>,
    /// Tolerated clock difference, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 0)]
    clock_skew: u32,
    /// How the Response is encoded: base64 (as posted) or xml.
    #[arg(long, value_name = "ENC", default_value = "base64")]
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
        #[arg(long, value_name = "T")]
        now: Option<String>,
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Vectors {
            json,
            backends,
            paths,
        } => run_vectors(json, &backends, &paths),
        Command::Verify(v) => run_verify(*v),
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
            out!("idbridge bench: {seconds} s per verifier and backend; floor = the same input's signature checks alone");
            out!(
                "  machine: {} {}, {} CPUs; idbridge {}",
                std::env::consts::ARCH,
                std::env::consts::OS,
                std::thread::available_parallelism().map_or(0, |n| n.get()),
                env!("CARGO_PKG_VERSION")
            );
            for w in workloads {
                out!("  {:<7} {}", w.name, w.input);
            }
            out!(
                "{:<7} {:<11} {:>10} {:>12} {:>7} {:>15} {:>7}",
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
                        "{:<7} {:<11} {:>10.1} {:>12.1} {:>7.2} {:>15} {:>7}",
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
                            "throughput {:<7} {:<11} 1 thread {:>8.0}/s, {n} threads {:>8.0}/s: {:.2}x",
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
            now.as_deref(),
            ocsp.as_deref(),
            ocsp_responder.as_deref(),
            &anchors,
        )),
    }
}

/// Writes one line to stdout; `false` when stdout is gone (a closed pipe):
/// the caller exits 2 instead of panicking as `println!` would.
fn say(line: impl std::fmt::Display) -> bool {
    writeln!(std::io::stdout().lock(), "{line}").is_ok()
}

/// Prints a verification's result: the JSON and exit 0, or the error and 1;
/// 2 when stdout is gone.
fn result_exit(result: Result<String, idbridge::Error>) -> ExitCode {
    let (line, code) = match result {
        Ok(json) => (json, ExitCode::SUCCESS),
        Err(e) => (format!("error: {e}"), ExitCode::from(1)),
    };
    if say(line) {
        code
    } else {
        ExitCode::from(2)
    }
}

fn saml_exit(r: (Vec<String>, Result<String, idbridge::Error>)) -> ExitCode {
    let (lines, result) = r;
    for l in lines {
        if !say(l) {
            return ExitCode::from(2);
        }
    }
    result_exit(result)
}

fn now_or(t: Option<&str>) -> Result<idbridge::UnixTime, idbridge::Error> {
    match t {
        Some(t) => idbridge::UnixTime::parse_rfc3339(t),
        // The CLI, unlike the library, may read the clock: it is the caller.
        None => Ok(idbridge::UnixTime::from_unix_seconds(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
                .unwrap_or(0),
        )),
    }
}

fn verify_saml(a: &SamlArgs, cie: bool) -> (Vec<String>, Result<String, idbridge::Error>) {
    use idbridge::spid::{Comparison, Expectations, InputEncoding, Level};
    let setup = || -> Result<_, idbridge::Error> {
        let config =
            |why: String| idbridge::Error::with_detail(idbridge::ErrorCode::ConfigInvalid, why);
        let mut builder = idbridge::Trust::builder();
        for m in &a.metadata {
            builder = builder.pin_saml_idp_metadata(&read(m)?)?;
        }
        if let (Some(r), Some(s)) = (&a.registry, &a.registry_signer) {
            builder = builder.saml_registry(&read(r)?, &read(s)?)?;
        }
        let trust = builder.build()?;
        let min_level = Level::from_name(&a.min_level)
            .ok_or_else(|| config(format!("unknown level {:?}", a.min_level)))?;
        let comparison = Comparison::from_name(&a.comparison)
            .ok_or_else(|| config(format!("unknown comparison {:?}", a.comparison)))?;
        let input = match a.input.as_str() {
            "base64" => InputEncoding::Base64,
            "xml" => InputEncoding::Xml,
            other => return Err(config(format!("unknown input encoding {other:?}"))),
        };
        let request_issue_instant = a
            .request_issue_instant
            .as_deref()
            .map(idbridge::UnixTime::parse_rfc3339)
            .transpose()?;
        Ok((
            trust,
            min_level,
            comparison,
            input,
            request_issue_instant,
            now_or(a.now.as_deref())?,
            read(&a.response)?,
        ))
    };
    let (trust, min_level, comparison, input, rii, now, response) = match setup() {
        Ok(x) => x,
        Err(e) => return (Vec::new(), Err(e)),
    };
    let mut exp = Expectations::new(&a.sp_entity_id, &a.acs_url, &a.request_id);
    exp.min_level = min_level;
    exp.comparison = comparison;
    exp.input = input;
    exp.request_issue_instant = rii;
    exp.clock_skew = idbridge::ClockSkew::from_secs(a.clock_skew);
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
    (lines, json)
}

fn read(path: &str) -> Result<Vec<u8>, idbridge::Error> {
    std::fs::read(path).map_err(|e| {
        idbridge::Error::with_detail(
            idbridge::ErrorCode::ConfigInvalid,
            format!("cannot read {path}: {e}"),
        )
    })
}

fn verify_webeid(
    token: &str,
    origin: &str,
    nonce: &str,
    now: Option<&str>,
    ocsp: Option<&str>,
    responder: Option<&str>,
    anchors: &[String],
) -> Result<String, idbridge::Error> {
    use idbridge::{webeid, Trust, UnixTime};
    let mut builder = Trust::builder();
    for a in anchors {
        builder = match a.as_str() {
            "embedded" => builder.webeid_anchors(idbridge::anchors::ESTONIA)?,
            "test" => builder.webeid_anchors(idbridge::anchors::ESTONIA_TEST)?,
            file => builder.webeid_anchor(&read(file)?)?,
        };
    }
    let trust = builder.build()?;
    let now = match now {
        Some(t) => UnixTime::parse_rfc3339(t)?,
        // The CLI, unlike the library, may read the clock: it is the caller.
        None => UnixTime::from_unix_seconds(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
                .unwrap_or(0),
        ),
    };
    let token = read(token)?;
    let response = ocsp.map(read).transpose()?;
    let responder = responder.map(read).transpose()?;
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
        idbridge::Error::with_detail(idbridge::ErrorCode::ConfigInvalid, e.to_string())
    })
}

fn run_vectors(json: bool, backend_names: &[String], paths: &[String]) -> ExitCode {
    let mut chosen = Vec::new();
    for name in backend_names {
        match idbridge::crypto::backend_by_name(name) {
            Some(b) => chosen.push(b),
            None => {
                let known: Vec<_> = idbridge::crypto::backends()
                    .iter()
                    .map(|b| b.name())
                    .collect();
                eprintln!(
                    "idbridge: unknown backend {name:?} (this build has: {})",
                    known.join(", ")
                );
                return ExitCode::from(2);
            }
        }
    }
    let files = FsFiles;
    let runner = Runner::new(&files).with_backends(&chosen);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut reports = Vec::new();
    for path in vectors::collect(paths) {
        let report = runner.run_file(&path);
        let lines = if json {
            report.json_lines()
        } else {
            report.lines()
        };
        for line in lines {
            if writeln!(out, "{line}").is_err() {
                return ExitCode::from(2);
            }
        }
        reports.push(report);
    }
    let summary = Summary::of(&reports);
    if json {
        eprintln!("{}", summary.closing_line());
    } else if writeln!(out, "{}", summary.closing_line()).is_err() {
        return ExitCode::from(2);
    }
    if summary.failed == 0 && summary.passed > 0 {
        ExitCode::SUCCESS
    } else {
        if summary.passed == 0 && summary.failed == 0 {
            eprintln!("idbridge: no test vectors found under {}", paths.join(" "));
        }
        ExitCode::from(1)
    }
}
