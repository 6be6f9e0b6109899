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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Vectors {
            json,
            backends,
            paths,
        } => run_vectors(json, &backends, &paths),
    }
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
