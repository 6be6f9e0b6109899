//! `idbridge`: run test vectors (and, as the verifiers land, verify
//! assertions and measure them) from the command line.

use clap::{Parser, Subcommand};
use idbridge::vectors::{self, FsFiles, Runner, Summary};
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
    Verify(Verify),
}

#[derive(Subcommand, Debug)]
enum Verify {
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
        /// The site's origin, https://host[:port].
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
        Command::Verify(Verify::Webeid {
            token,
            origin,
            nonce,
            now,
            ocsp,
            ocsp_responder,
            anchors,
        }) => match verify_webeid(
            &token,
            &origin,
            &nonce,
            now.as_deref(),
            ocsp.as_deref(),
            ocsp_responder.as_deref(),
            &anchors,
        ) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                println!("error: {e}");
                ExitCode::from(1)
            }
        },
    }
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
    serde_json::to_string_pretty(&verified.identity).map_err(|e| {
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
