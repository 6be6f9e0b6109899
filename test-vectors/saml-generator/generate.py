#!/usr/bin/env python3
"""Generate idbridge's own SPID and CIE SAML Response vectors, byte for byte reproducibly.

    pip install -r test-vectors/saml-generator/requirements.txt
    python3 test-vectors/saml-generator/generate.py [--out DIR]

Writes the kinds `spid-saml` into DIR/spid/ and `cie-saml` into DIR/cie/
(DIR defaults to test-vectors/, the parent of this script's folder; both
output folders are deleted and written again).

The cases are data: one row per case in the tables cases/spid/*.json and
cases/cie/*.json (what is changed, the expected result and code, the flags, the
source); the operations the rows name are implemented once in saml_ops.py.

Everything is derived from fixed inputs: the committed test keys in
test-vectors/keys (RSA PKCS#1 v1.5 signatures are deterministic), self-signed
certificates built here with fixed names, serials and dates, fixed IDs (a hash
of each file's name), fixed timestamps. Running the script twice gives
identical files.

Signatures are made the way an IdP makes them: exclusive c14n from lxml
(libxml2), RSA from pyca/cryptography. So the vectors check idbridge's Rust
c14n against an independent implementation.

Before anything is written, every case goes through `Model`, a second reading
of the verification rules of the spec the verifier follows (check order S1-S11,
the SPID/CIE rules and the decisions listed in ../spid/README.md). `Model`
parses the exact bytes of the case and re-verifies every signature it meets
with lxml + cryptography. A valid case must verify and give exactly its
`identity`. An invalid case must fail with exactly its `expectedError`, or with
any code when it has none. Any disagreement aborts the run, and nothing is
written.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from saml_ops import *  # noqa: E402,F401,F403

CASES = os.path.join(HERE, "cases")

# ------------------------------------------------------------------ main

SPID_CONTEXT = {
    "sp_entity_id": SP,
    "acs_url": ACS,
    "request_id": SPID_REQ,
    "min_level": "SpidL2",
    "comparison": "minimum",
    "request_issue_instant": SPID_REQ_II,
    "now": SPID_NOW,
    "clock_skew_seconds": 0,
    "input_encoding": "xml",
}
CIE_CONTEXT = {
    "sp_entity_id": SP,
    "acs_url": ACS,
    "request_id": CIE_REQ,
    "min_level": "SpidL3",
    "comparison": "exact",
    "request_issue_instant": CIE_REQ_II,
    "now": CIE_NOW,
    "clock_skew_seconds": 0,
    "input_encoding": "xml",
}


SPID_TABLES = ["valid", "input", "envelope", "signature", "response", "assertion", "schema", "text", "time", "level"]
CIE_TABLES = ["profile", "checks", "schema"]
# What sign_registry.py adds to spid/ once this generator has written it
# (--check leaves them to the test command's byte-for-byte comparison).
SIGNED_AFTERWARDS = {"spid/metadata/registry-signed.xml (extra)", "spid/metadata/registry-signer.pem (extra)"}


def make_outputs():
    init_keys()
    md = metadata_files()
    spid = Out("spid-saml", "spid", "spid", SPID_DEFAULTS, SPID_CONTEXT)
    for name in ("idp.xml", "idp2.xml", "registry.xml", "idp-rollover.xml", "idp-weak.xml"):
        spid.put("metadata/" + name, md[name][0].encode("utf-8"), md[name][1])
    for t in table.load_dir(os.path.join(CASES, "spid"), SPID_TABLES):
        run_table(spid, t)
    cie = Out("cie-saml", "cie", "cie", CIE_DEFAULTS, CIE_CONTEXT)
    cie.put("metadata/cie-idp.xml", md["cie-idp.xml"][0].encode("utf-8"), md["cie-idp.xml"][1])
    for t in table.load_dir(os.path.join(CASES, "cie"), CIE_TABLES):
        run_table(cie, t)
    return [spid, cie]


def explain(out):
    for vf in out.vfiles:
        for g in vf.groups:
            for t in g.tests:
                code, step, why = t["_model"]
                print(
                    f"{out.folder}/{vf.name} {t['tcId']:3} {t['result']:10} {t.get('expectedError', ''):32} -> {code:32} {step:5} {why[:90]}"
                )


def files_of(out, elapsed):
    """Every file of one output folder: inputs, vector files, READMEs."""
    files = {rel: data for rel, (data, _) in out.files.items()}
    for vf in out.vfiles:
        files[vf.name] = vector_json(vf)
    files.update(readmes(out, elapsed))
    files[".gitattributes"] = GITATTRIBUTES
    return files


def main():
    ap = argparse.ArgumentParser(description="Generate the spid-saml and cie-saml vectors of idbridge.")
    ap.add_argument("--out", default=VECTORS_DIR, help="the test-vectors folder to write spid/ and cie/ into (default: %(default)s)")
    ap.add_argument(
        "--check", action="store_true", help="generate into a temporary folder and compare with --out; exit 1 on any difference"
    )
    ap.add_argument("--explain", action="store_true", help="print, for every case, the model's outcome, the deciding step and its reason")
    args = ap.parse_args()
    start = time.monotonic()
    outs = make_outputs()
    bad = []
    for out in outs:
        problems, stats = self_check(out)
        bad += problems
        if args.explain:
            explain(out)
        n = sum(len(g.tests) for vf in out.vfiles for g in vf.groups)
        print(
            f"{out.folder}: {n} cases, {len(out.files)} input files; the model verified {stats['signatures']} signatures, {stats['premises']} wrapping premises"
        )
    for b in bad:
        print("SELF-CHECK:", b)
    if bad:
        print(f"{len(bad)} disagreements: nothing written")
        sys.exit(1)
    elapsed = 0.0  # the README does not record the run time: it must be reproducible
    if args.check:
        diff = [f"{out.folder}/{rel}" for out in outs for rel in vecfile.diff_tree(os.path.join(args.out, out.folder), files_of(out, elapsed))]
        # sign_registry.py writes these after this generator: on disk, not here.
        diff = [d for d in diff if d not in SIGNED_AFTERWARDS]
        for d in diff:
            print("DIFFERS:", d)
        print(f"check: {len(diff)} differences ({time.monotonic() - start:.1f} s)")
        sys.exit(1 if diff else 0)
    for out in outs:
        vecfile.write_tree(os.path.join(args.out, out.folder), files_of(out, elapsed), clean=True)
    print(f"written to {args.out}/spid and {args.out}/cie in {time.monotonic() - start:.1f} s")


if __name__ == "__main__":
    main()

