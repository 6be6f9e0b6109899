//! `idbridge-vectorgen webeid <OUT_DIR> [KEYS_DIR]`: a complete test PKI and
//! the `webeid` vectors built on it.
//!
//! Reproducible byte for byte: EC keys are derived from fixed labels, RSA
//! keys are the committed `test-vectors/keys` ones, ECDSA nonces follow
//! RFC 6979, PSS salts and random bytes come from labelled ChaCha20 RNGs, all
//! dates are fixed, and JSON is written in a fixed field order. Every case
//! is checked against the reference model (`model.rs`) before anything is
//! written.

pub mod model;
pub mod notes;
mod ocsp_responses;
mod table;
pub mod token;
mod vocab;
mod work;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use crate::pki::keys::Loaded;

use self::work::W;
use crate::out::webeid::{render, FileSpec};
use crate::out::Stats;
use crate::pki::{Pki, MAIN};

pub const REGENERATE: &str =
    "cargo run --release -p idbridge-vectorgen -- webeid test-vectors/webeid";

/// The folders under OUT_DIR this command owns entirely.
const SUBDIRS: [(&str, &str); 3] = [
    ("pki", "the test PKI: CA, authentication, signing and OCSP responder certificates (DER, one PEM copy)"),
    ("tokens", "the Web eID authentication tokens (the bytes a browser posts), one per distinct input"),
    ("ocsp", "the OCSP responses (DER), all about pki/auth-p384.cer unless their line says otherwise"),
];

/// Genuine tokens that only the Rust tests read (`tests/webeid.rs`): their
/// identities are not MAIN's, which every valid vector case must yield.
/// Each is checked against the reference model here.
fn rust_test_tokens(w: &mut W) {
    use self::token::Jwa;
    let anchors = vec![w.cert("esteid2026.cer")];
    let nonce = token::nonce();
    let ctx = model::Ctx {
        origin: token::ORIGIN,
        nonce: &nonce,
        now: work::n0(),
        ocsp: None,
    };
    let key = w.pki.leaf_p384.clone();
    let cases: [(&str, Option<&str>, Option<&str>); 2] = [
        ("auth-gn-printable.cer", Some("MARI-ANN"), Some("KORVITS")),
        ("auth-no-names.cer", None, None),
    ];
    for (file, given, family) in cases {
        let t = w.genuine(file, &key, Jwa::Es384).bytes();
        let got = model::verify(&t, &anchors, &ctx).expect("the model accepts it");
        assert_eq!(
            got,
            model::Identity {
                subject_id: Some(MAIN.subject_id()),
                given_name: given.map(str::to_string),
                family_name: family.map(str::to_string),
            },
            "{file}"
        );
        let name = format!("cert-{}", file.trim_end_matches(".cer"));
        w.tok(
            &name,
            t,
            &format!("a genuine ES384 token for pki/{file} (used by tests/webeid.rs, not by a vector file)"),
        );
    }
}

pub fn run(out_dir: &Path, keys_dir: &Path) {
    let keys = Loaded::load(keys_dir);
    let pki = Pki::new(&keys);
    for f in pki.files() {
        if f.file.ends_with(".cer") {
            assert!(
                model::Cert::parse(&f.bytes).is_some(),
                "pki/{} must be one strict-DER X.509 v3 certificate",
                f.file
            );
        }
    }
    let mut w = W::new(&pki);
    let specs: Vec<FileSpec> = vec![
        table::file(&mut w, table::STRUCTURE),
        table::file(&mut w, table::CERTIFICATE),
        table::file(&mut w, table::CHAIN),
        table::file(&mut w, table::SIGNATURE),
        {
            ocsp_responses::responses(&mut w);
            table::file(&mut w, table::OCSP)
        },
        table::file(&mut w, table::V11),
    ];
    rust_test_tokens(&mut w);
    // Render (and so check) every file before writing any.
    let rendered: Vec<(&FileSpec, String, Stats)> = specs
        .iter()
        .map(|spec| {
            let (text, stats) = render(spec, &w.store, &MAIN);
            (spec, text, stats)
        })
        .collect();

    fs::create_dir_all(out_dir).expect("create output dir");
    for (dir, _) in SUBDIRS {
        fs::create_dir_all(out_dir.join(dir)).expect("create subfolder");
    }
    // Remove files of earlier runs that this run does not write again.
    let written: BTreeSet<&str> = w.store.files().iter().map(|(p, _, _)| p.as_str()).collect();
    for (dir, _) in SUBDIRS {
        let mut stale: Vec<String> = fs::read_dir(out_dir.join(dir))
            .expect("read subfolder")
            .map(|e| {
                e.expect("dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|n| n != "README.md" && !written.contains(format!("{dir}/{n}").as_str()))
            .collect();
        stale.sort();
        for n in stale {
            fs::remove_file(out_dir.join(dir).join(&n)).expect("remove stale file");
            println!("removed stale {dir}/{n}");
        }
    }
    for (path, bytes, _) in w.store.files() {
        fs::write(out_dir.join(path), bytes).unwrap_or_else(|e| panic!("write {path}: {e}"));
    }
    let mut total = 0;
    let mut total_valid = 0;
    for (spec, text, stats) in &rendered {
        fs::write(out_dir.join(&spec.name), text).expect("write vector file");
        println!("wrote {} ({} cases)", spec.name, stats.total);
        total += stats.total;
        total_valid += stats.valid;
    }
    for (dir, what) in SUBDIRS {
        fs::write(
            out_dir.join(dir).join("README.md"),
            sub_readme(dir, what, &w),
        )
        .expect("write README");
    }
    fs::write(out_dir.join("README.md"), readme(&rendered, &w)).expect("write README");
    println!(
        "wrote {} input files and README.md; {total} cases in total, {total_valid} valid",
        w.store.files().len()
    );
}

fn md(s: &str) -> String {
    s.replace('|', "\\|")
}

fn sub_readme(dir: &str, what: &str, w: &W) -> String {
    let mut s = format!("# webeid/{dir}\n\n");
    s.push_str(&format!(
        "{}. Generated by `{REGENERATE}` (see `../README.md`); never edited by hand. One line per file:\n\n",
        capitalise(what)
    ));
    for (path, bytes, what) in w.store.files() {
        if let Some(name) = path.strip_prefix(&format!("{dir}/")) {
            s.push_str(&format!("- `{name}` ({} bytes): {what}\n", bytes.len()));
        }
    }
    s.push_str("- `README.md`: this index\n");
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn readme(rendered: &[(&FileSpec, String, Stats)], w: &W) -> String {
    let total: usize = rendered.iter().map(|(_, _, s)| s.total).sum();
    let valid: usize = rendered.iter().map(|(_, _, s)| s.valid).sum();
    let mut s = String::new();
    s.push_str("# webeid vectors\n\n");
    s.push_str(
        "Conformance vectors for idbridge's Web eID verifier (kind `webeid`, format: `VECTORS.md`; the \
runner: `cargo run --release -p idbridge-cli -- vectors test-vectors/webeid`). Everything in this folder, the test PKI in `pki/`, the \
tokens in `tokens/`, the OCSP responses in `ocsp/`, the vector files and every README, is **generated**, \
never edited by hand:\n\n",
    );
    s.push_str(&format!(
        "```sh\n{REGENERATE}\ngit diff --exit-code test-vectors/webeid\n```\n\n"
    ));
    s.push_str(
        "The output is reproducible byte for byte (running it twice gives identical files): EC keys are \
derived from fixed labels (SHA-512 of `idbridge-vectorgen/webeid/key/<label>`, reduced into [1, n - 1]), \
RSA keys are the committed test keys of `../keys/` (`rsa2048`, `rsa2048-b`, `rsa1024`, `rsa4096`), ECDSA \
signatures use RFC 6979 nonces, PSS salts and random bytes come from ChaCha20 RNGs seeded from fixed labels, \
every date is fixed, and the JSON is written in a fixed field order. Before writing anything the generator \
checks every case against its own reference model of the verifier (`../generator/src/webeid/model.rs`): \
certificates and OCSP responses are parsed back with `x509-cert`/`x509-ocsp` (strict DER), every \
certificate, OCSP and token signature is verified with RustCrypto, each valid case must verify and yield \
the expected identity, and each invalid case must fail with exactly its `expectedError` in the check order \
below. Everything here is test material under fictitious names: never trust any of it.\n\n",
    );
    s.push_str(&format!(
        "Total: {total} cases, {valid} valid, {} invalid.\n\n",
        total - valid
    ));
    s.push_str("## Vector files\n\n| file | what | cases |\n|---|---|---|\n");
    for (spec, _, stats) in rendered {
        let codes: Vec<String> = stats
            .by_code
            .iter()
            .map(|(c, n)| format!("{n} `{c}`"))
            .collect();
        s.push_str(&format!(
            "| `{}` | {} | {} cases: {} valid; {} |\n",
            spec.name,
            md(&spec.what),
            stats.total,
            stats.valid,
            codes.join(", ")
        ));
    }
    s.push_str(
        "\n## The test PKI\n\n\
- `pki/root.cer`: **idbridge TEST Root CA 2026**, P-521, self-signed ecdsa-with-SHA512, 2026-01-01 to 2046-01-01.\n\
- `pki/esteid2026.cer`: **idbridge TEST of ESTEID2026**, P-521, signed by the root with ecdsa-with-SHA512, cA TRUE \
pathLen 0, KU keyCertSign + cRLSign, 2026-01-01 to 2041-01-01. This issuing CA is **the trust anchor** the vectors \
configure (as the Estonian deployments configure TEST of ESTEID2018, an intermediate); `esteid2026.pem` is its PEM \
copy; `esteid2026-expired.cer` / `esteid2026-notyet.cer` carry the same name and key with a validity ending \
2026-06-30T23:59:59Z / starting 2026-04-01.\n\
- `pki/auth-*.cer`: authentication certificates of the fictitious **KÕRVITS, MARI-ÄNN** (subject C=EE, \
CN=\"KÕRVITS,MARI-ÄNN,49003150230\", SN, GN, serialNumber=PNOEE-49003150230), issued by ESTEID2026 with \
ecdsa-with-SHA512, KU digitalSignature (+ keyAgreement for EC keys), EKU clientAuth, policies 1.3.6.1.4.1.32473.1.1.1 and \
0.4.0.2042.1.2, AKI/SKI, 2026-03-01T00:00:00Z to 2031-02-28T23:59:59Z. `auth-p384.cer` (ES384) is the main one; \
`auth-p256.cer`, `auth-p521.cer`, `auth-rsa2048.cer` serve ES256, ES512 and RS*/PS*; `auth-rsa1024.cer` is too weak \
for a token signature. The other `auth-*` files are variants of the main certificate (same P-384 key) with one \
property changed, or issued by another CA: `other-ca.cer` (unrelated, P-384, also the anchor of the \
ecdsa-with-SHA384 group), `rsa-ca.cer` (RSA-4096), `p256-ca.cer` (P-256), `old-ca-expired.cer` (an unrelated \
expired anchor), or an impostor P-521 key under ESTEID2026's name.\n\
- `pki/sign-*.cer`: web-eid:1.1 signing certificates of the same person (subject in the order C, GN, SN, CN, \
serialNumber; KU nonRepudiation; ESTEID2026's AKI) and their variants.\n\
- `pki/ocsp-responder*.cer`: OCSP responders. `ocsp-responder.cer` (RSA-2048, `../keys/rsa2048-b`) and \
`ocsp-responder-p256.cer` are issued by ESTEID2026 with EKU OCSPSigning, 2026-01-01 to 2028-01-01; the others \
lack OCSPSigning, come from another CA, from the root or an impostor, or are out of their validity.\n\n",
    );
    s.push_str(&format!(
        "## Conventions\n\n\
- Context: origin `{}`, nonce `{}` (44 characters of base64, hashed as that string, never decoded), \
now `2026-09-01T10:00:00Z`, OCSP off, anchors `[pki/esteid2026.cer]`, unless a group or case says otherwise.\n\
- Every token is signed over H(origin) ‖ H(nonce) with the hash of its algorithm, ES* as raw r ‖ s, PS* with \
MGF1 on the same hash and a salt of the hash length.\n\
- Check order (the first failure decides the code): size (< 100 bytes `webeid.token.malformed`, > 10000 \
`input.too_large`), UTF-8 (`input.encoding`), JSON (`input.json`: syntax, duplicate keys, depth > 32), shape \
(`webeid.token.malformed`), format (`webeid.format.unsupported`), 1.1 intermediates, certificate decode \
(`x509.cert.malformed`), purpose, policies, validity, chain (within the anchor's own constraints; token \
intermediates only when byte-equal to an anchor), anchor validity, OCSP (O1 decode, O2 status, \
O3 count, O4 CertID compared by meaning, O5 responder present, O6 signature, O7 responder authorisation, \
O8 times, O9 status), algorithm and signature members, algorithm allow-list, token signature, 1.1 signing \
certificates (`webeid.signing_certificate.invalid`), and last the subject's identity (exactly one \
PrintableString serialNumber, at most one of each name: `x509.cert.malformed`). An invalid context (empty nonce, origin not `https://host[:port]`) \
is `config.invalid`.\n\
- Each invalid case has exactly one thing wrong, except the cases flagged `CheckOrder`, which break two \
checks on purpose to pin the order.\n\
- Valid cases give `identity` {{system `webeid`, subject_id `{}`, given_name `{}`, family_name `{}`, \
loa `high`}}: serialNumber, givenName and surname verbatim.\n- `tokens/cert-auth-gn-printable.token`, `tokens/cert-auth-no-names.token` and the `ocsp/intermediate-*.der` / \
`ocsp/leaf-by-subca-good.der` responses are read by `tests/webeid.rs` only (other identities; revocation data \
for token intermediates, which the vector context cannot carry).\n\n",
        token::ORIGIN,
        token::nonce(),
        MAIN.subject_id(),
        MAIN.given,
        MAIN.surname
    ));
    s.push_str("## Files, one line each\n\n");
    for (spec, _, stats) in rendered {
        s.push_str(&format!(
            "- `{}`: vector file, {} ({} cases)\n",
            spec.name, spec.what, stats.total
        ));
    }
    s.push_str("- `README.md`: this index\n");
    for (dir, what) in SUBDIRS {
        s.push_str(&format!("- `{dir}/README.md`: index of `{dir}/`, {what}\n"));
    }
    for (path, bytes, what) in w.store.files() {
        s.push_str(&format!("- `{path}` ({} bytes): {what}\n", bytes.len()));
    }
    s
}
