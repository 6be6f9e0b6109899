//! Verify one signature from the command line, through every backend
//! compiled in.
//!
//! ```sh
//! cargo run --example verify_signature -- ALGORITHM KEY.spki.der MESSAGE_FILE SIGNATURE_HEX
//! # e.g.
//! printf 'hello' > /tmp/m
//! cargo run --example verify_signature -- ecdsa-p256-sha256-raw test-vectors/keys/p256.spki.der /tmp/m 00ff...
//! ```
//!
//! Prints `ok` or the stable error code with its reason, per backend.

use idbridge::crypto::{self, Algorithm, AllowList};
use std::process::ExitCode;

fn from_hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|p| u8::from_str_radix(p, 16).ok()))
        .collect()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [alg, key, msg, sig] = args.as_slice() else {
        eprintln!("usage: verify_signature ALGORITHM KEY.spki.der MESSAGE_FILE SIGNATURE_HEX");
        eprintln!("algorithms: {}", Algorithm::ALL.map(|a| a.id()).join(" "));
        return ExitCode::from(2);
    };
    let (Ok(key), Ok(msg), Some(sig)) = (std::fs::read(key), std::fs::read(msg), from_hex(sig))
    else {
        eprintln!("cannot read the key or message file, or the signature is not hex");
        return ExitCode::from(2);
    };
    let alg = match Algorithm::from_id(alg) {
        Ok(a) => a,
        Err(e) => {
            println!("{e}");
            return ExitCode::from(1);
        }
    };
    let mut ok = true;
    for backend in crypto::backends() {
        match crypto::verify_signature(*backend, AllowList::default(), alg, &key, &msg, &sig) {
            Ok(()) => println!("{:<10} ok", backend.name()),
            Err(e) => {
                ok = false;
                println!("{:<10} {e}", backend.name());
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
