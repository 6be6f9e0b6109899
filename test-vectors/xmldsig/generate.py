#!/usr/bin/env python3
"""Generate the `xmldsig` test vectors of idbridge, byte for byte reproducibly.

    pip install -r test-vectors/xmldsig/requirements.txt
    python3 test-vectors/xmldsig/generate.py [OUT_DIR]

OUT_DIR defaults to the folder of this script. The cases are data: one row per
case in cases/<file>.json (the input recipe, result, code, flags, comment);
xd_cases.py turns a row into its input bytes. Everything is derived from
the committed test keys in ../keys (fixed public seeds), fixed dates and
fixed serials; RSA PKCS#1 v1.5 is deterministic and ECDSA uses RFC 6979
(`deterministic_signing=True`), so two runs give identical files.

Canonicalization when signing is libxml2's (through lxml): an implementation
independent of idbridge's own Rust c14n. Before anything is written, every
case is run through `Model`, a second reading of the verification rules
(VECTORS.md kind `xmldsig` and the rule list in README.md), re-parsing the
exact bytes of the case: a valid case must verify (digest and signature), an
invalid case must fail with exactly its `expectedError`. A disagreement
aborts the run.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xd_cases import *  # noqa: E402,F401,F403

# the case tables, one per vector file, in this order
TABLES = ["valid", "c14n", "structure", "algorithms", "references", "transforms", "text", "keys", "wrapping", "nested", "parse"]

RULES = """The verifier's rules, in check order (the first failure wins). The signed
element (the target) is the parent of the document's one `ds:Signature`, at any
depth: the document element, or an element inside unsigned ancestors.

1. Input: with `input_encoding` `base64`, the bytes are standard base64
   (whitespace allowed, padding required); bad base64 or bytes that are not
   UTF-8 → `input.encoding`; over 5 MiB → `input.too_large`.
2. Parse: any DOCTYPE → `xml.dtd.forbidden`; depth > 64, > 100,000 nodes,
   > 64 attributes or > 32 namespace declarations on one element →
   `xml.limits.exceeded`; not well-formed or not namespace-well-formed →
   `xml.malformed`.
3. The document holds exactly one `ds:Signature` (XML-DSig namespace), at any
   depth: none → `xmldsig.signature.missing`; two or more, wherever they are,
   or one that is the document element (nothing encloses it) →
   `xmldsig.signature.invalid`. Its parent is the target.
4. Signature children exactly SignedInfo, SignatureValue, optional KeyInfo
   (no Object); SignedInfo children exactly CanonicalizationMethod,
   SignatureMethod, Reference(s) → else `xmldsig.signature.invalid`.
5. CanonicalizationMethod exc-c14n (with or without comments); SignatureMethod
   rsa-sha256/384/512 or ecdsa-sha256/384/512 (xmldsig-more) → else
   `xmldsig.algorithm.forbidden`.
6. Exactly one Reference, URI exactly `#` + the target's `ID` attribute (named
   `ID`, no namespace), that value unique among all `ID` attributes of the
   document → else `xmldsig.reference.invalid`.
7. Transforms exactly enveloped-signature then exc-c14n (with or without
   comments, optional `ec:InclusiveNamespaces PrefixList`) → else
   `xmldsig.transform.forbidden`.
8. DigestMethod xmlenc#sha256, xmldsig-more#sha384 or xmlenc#sha512 → else
   `xmldsig.algorithm.forbidden`.
9. DigestValue and SignatureValue are base64 text and whitespace only → else
   `xmldsig.signature.invalid`.
10. The key never comes from KeyInfo, and KeyInfo never decides acceptance:
    every trusted key of the SignatureMethod's type is a candidate whatever
    KeyInfo holds (no trusted certificate at all → `xmldsig.key.untrusted`).
11. The digest of the exc-c14n of the target (Signature removed; comments kept
    only under `#WithComments`; PrefixList honoured) must equal DigestValue →
    else `xmldsig.digest.mismatch`.
12. The SignatureValue (RSA PKCS#1 v1.5; ECDSA as r ‖ s) over the exc-c14n of
    SignedInfo must verify with a trusted key (RSA keys under 2048 bits never
    do) → else `xmldsig.key.untrusted` when KeyInfo holds a non-empty
    `X509Certificate` that is not byte-equal (DER) to a trusted certificate,
    `xmldsig.signature.invalid` otherwise.

A valid case gives `identity.attributes.signed_id` (the target's ID) and
`signed_element` (`{namespace-uri}local-name`)."""


def rel_cert(name):
    return "certs/" + (name if name.endswith(".der") else name + ".pem")


RELAX_BY_FLAG = {
    "XmlLimits": {"limits"},
    "StrictStructure": {"structure"},
    "MultipleSignatures": {"structure"},
    "ObjectElement": {"structure"},
    "MultipleSignedInfo": {"structure"},
    "AlgorithmNotListed": {"algorithms"},
    "WeakHash": {"algorithms"},
    "AlgorithmUriMismatch": {"algorithms"},
    "HmacKeyConfusion": {"algorithms"},
    "ReferenceNotTarget": {"reference"},
    "UriForm": {"reference"},
    "IdAttributeName": {"reference"},
    "DuplicateId": {"reference"},
    "NonTextValue": {"text"},
    "DigestValueComment": {"text"},
    "SignatureWrapping": {"structure", "reference"},
}
# Invalid cases that stay invalid with their rule relaxed, and why (so the
# "exactly one thing wrong" check does not apply to them).
STAYS_INVALID = {
    "structure/no-signaturevalue": "nothing to verify without a SignatureValue",
    "structure/no-signedinfo": "nothing to verify without a SignedInfo",
    "structure/signedinfo-other-namespace": "no ds:SignedInfo at all",
    "algorithms/dsa-sha1": "no DSA key: the value is a stand-in",
    "algorithms/dsa-sha256": "no DSA key: the value is a stand-in",
    "references/target-without-id": "the URI resolves to nothing",
    "references/uri-other-case": "the URI resolves to nothing (IDs are case-sensitive)",
    "references/uri-external": "an external URI is never fetched",
    "references/uri-without-hash": "a relative URI names an external resource",
    "text/signaturevalue-not-base64": "not decodable",
    "text/digestvalue-not-base64": "not decodable",
    "wrapping/signature-moved-into-extensions": "moved after signing: read generically, the Reference names the Response, whose digest the extra Extensions element breaks",
    "structure/same-signature-twice": "the copy was added after signing: it is unsigned content, the digest breaks too",
    "wrapping/evil-copy-first-child": "the copy sits inside the signed element: the digest breaks too (rule 6 comes first)",
    "wrapping/evil-copy-last-child": "the copy sits inside the signed element: the digest breaks too",
    "wrapping/evil-copy-deep": "the copy sits inside the signed element: the digest breaks too",
    "wrapping/evil-signature-first": "inserted after signing: the extra Signature is signed content, the digest breaks too",
    "wrapping/evil-root-takes-id": "caught by the digest (rule 11), which is never relaxed",
    "wrapping/forged-reference-in-keyinfo": "caught by the digest (rule 11), which is never relaxed",
    "nested/signature-is-document-element": "nothing encloses the Signature: there is no element it could sign",
    "wrapping/forged-signedinfo-first": "only a verifier mixing the two SignedInfo elements (CVE-2025-29774) accepts it",
}


# Valid cases that must not verify under a plausible wrong c14n: (case, what the wrong verifier does, c14n options)
DISCRIMINATING = [
    ("valid/saml-assertion-prefixlist-xsd", "ignores PrefixList", dict(exclusive=True)),
    ("c14n/prefixlist-default", "ignores PrefixList=\"#default\"", dict(exclusive=True)),
    ("valid/ds-declared-on-target", "uses inclusive c14n", dict(exclusive=False)),
    ("c14n/ns-declared-on-root-used-deep", "uses inclusive c14n", dict(exclusive=False)),
    ("c14n/prefix-rebound", "uses inclusive c14n", dict(exclusive=False)),
    ("valid/with-comments-comment-signed", "keeps comments for a '#id' reference under #WithComments", dict(exclusive=True, with_comments=True)),
    ("c14n/text-comment-signed", "keeps comments without #WithComments", dict(exclusive=True, with_comments=True)),
]


def check_discriminating():
    """Each case above passes only with the right c14n: the wrong one gives another digest."""
    by_name = {f"{vf.stem}/{t['slug']}": t for vf in FILES for g in vf.groups for t in g["tests"]}
    for name, what, mode in DISCRIMINATING:
        mode = dict(mode)
        data = by_name[name]["data"]
        root = parse(data)
        sig = [c for c in root if c.tag == f"{{{DS}}}Signature"][0]
        dv = strict_b64([e for e in sig.iter() if localname(e) == "DigestValue"][0].text)
        for s in list(root.iter(f"{{{DS}}}Signature")) if mode.pop("all_signatures", False) else [sig]:
            remove_keep_tail(s)
        if hashlib.sha256(c14n(root, **mode)).digest() == dv:
            raise SystemExit(f"{name}: a verifier that {what} would accept it: the case does not test that")
    return len(DISCRIMINATING)


def check_all():
    checked = lenient_ok = 0
    for vf in FILES:
        slugs = set()
        for g in vf.groups:
            certs = [load_trusted_der(CERT_DER, c) for c in g["certs"]]
            model = Model(certs)
            for t in g["tests"]:
                assert t["slug"] not in slugs, (vf.stem, t["slug"])
                slugs.add(t["slug"])
                where = f"{vf.stem}/{t['slug']}"
                if t["data"] is not None:
                    data, enc = t["data"], g["encoding"]
                elif t["raw64"] is not None:
                    data, enc = t["raw64"], g["encoding"]
                else:
                    data, enc = t["text"].encode("utf-8"), g["encoding"]
                try:
                    ident = model.verify(data, enc)
                    got = None
                except Reject as e:
                    got, ident = e.code, None
                except Undecided as e:
                    raise SystemExit(f"{where}: the rules do not decide this case: {e}")
                want = None if t["result"] == "valid" else t["code"]
                if got != want:
                    raise SystemExit(f"{where}: expected {want or 'valid'}, the model says {got or 'valid'}")
                if want is None:
                    exp = {"signed_id": t["ident"][0], "signed_element": t["ident"][1]}
                    if ident != exp:
                        raise SystemExit(f"{where}: identity {ident} != {exp}")
                checked += 1
                # one thing wrong: with the failing rule relaxed, the case verifies
                relax = set()
                for flag in t["flags"]:
                    relax |= RELAX_BY_FLAG.get(flag, set())
                if want and relax and where not in STAYS_INVALID:
                    errors = []
                    for last in (False, True):
                        lenient = Model(certs, relax)
                        lenient.last_match = last
                        try:
                            lenient.verify(data, enc)
                            lenient_ok += 1
                            break
                        except (Reject, Undecided) as e:
                            errors.append(str(e))
                    else:
                        raise SystemExit(f"{where}: still invalid with {sorted(relax)} relaxed: {errors}")
    return checked, lenient_ok


def load_trusted_der(cert_der, name):
    if name.endswith(".der"):
        return x509.load_der_x509_certificate(cert_der[name[: -len(".der")]])
    return x509.load_der_x509_certificate(cert_der[name])


def md_escape(text):
    return text.replace("|", "\\|").replace("\n", " ")


def write(path, data):
    vecfile.write_file(path, data)


def build_file(vf):
    used = set()
    groups = []
    tc = 0
    inputs_index = []
    for g in vf.groups:
        tests = []
        for t in g["tests"]:
            tc += 1
            if t["data"] is not None:
                rel = f"inputs/{vf.stem}/{t['slug']}.xml"
                inp = {"file": rel}
                inputs_index.append((rel, tc, t["comment"]))
            elif t["raw64"] is not None:
                inp = {"base64": b64(t["raw64"])}
            else:
                inp = {"text": t["text"]}
            out = {"tcId": tc, "comment": t["comment"], "input": inp, "result": t["result"]}
            if t["result"] == "invalid":
                out["expectedError"] = t["code"]
            else:
                out["identity"] = {"attributes": {"signed_id": t["ident"][0], "signed_element": t["ident"][1]}}
            out["flags"] = t["flags"]
            used.update(t["flags"])
            tests.append(out)
        groups.append(
            {
                "source": g["source"],
                "trust": {"certificates": [rel_cert(c) for c in g["certs"]]},
                "context": {"now": NOW, "input_encoding": g["encoding"]},
                "tests": tests,
            }
        )
    notes = {k: NOTES[k] for k in sorted(used)}
    return vecfile.vector_file("xmldsig", vf.header, notes, groups, ascii=True), inputs_index


def counts(vf):
    tests = [t for g in vf.groups for t in g["tests"]]
    nvalid = sum(1 for t in tests if t["result"] == "valid")
    codes = {}
    for t in tests:
        if t["code"]:
            codes[t["code"]] = codes.get(t["code"], 0) + 1
    parts_ = ([f"{nvalid} valid"] if nvalid else []) + [f"{n} `{c}`" for c, n in sorted(codes.items())]
    return len(tests), "; ".join(parts_)


def pinned(name):
    with open(os.path.join(HERE, "requirements.txt")) as fh:
        for line in fh:
            if line.startswith(name + "=="):
                return line.strip().split("==")[1]
    return None


def readme(total, file_rows):
    libxml2 = ".".join(map(str, etree.LIBXML_VERSION))
    lines = [
        "# xmldsig vectors",
        "",
        "Conformance vectors for one enveloped XML signature, at any depth of the document",
        "(kind `xmldsig` of VECTORS.md; format: `../README.md`). Generated, never edited",
        "by hand, by `generate.py` from the committed test keys in `../keys/`.",
        "Canonicalization when signing is libxml2's exclusive c14n (through lxml),",
        "an implementation independent of idbridge's Rust c14n.",
        "",
        "```sh",
        "[ -x target/tools/venv/bin/python3 ] || python3 -m venv target/tools/venv   # Python tools: a venv, never the system Python",
        "target/tools/venv/bin/pip install --quiet --disable-pip-version-check -r test-vectors/xmldsig/requirements.txt",
        "target/tools/venv/bin/python3 test-vectors/xmldsig/generate.py",
        "git diff --exit-code test-vectors/xmldsig",
        "```",
        "",
        "Regenerating must leave `git diff --exit-code` clean: the keys, certificate",
        "serials and dates are fixed, RSA PKCS#1 v1.5 is deterministic, ECDSA uses",
        "RFC 6979 (`deterministic_signing=True`), and JSON is written in a fixed order.",
        f"Generated with lxml {lxml.__version__} (libxml2 {libxml2}) and cryptography {cryptography.__version__}",
        "(pinned in `requirements.txt`; the lxml wheel bundles its libxml2).",
        "",
        "Before writing anything the generator re-verifies every case with `Model`, a",
        "second reading of the rules below in Python (lxml + cryptography, from the",
        "exact bytes of the case): valid cases must pass the digest and the",
        "signature check and give the stated identity, invalid cases must fail with",
        "exactly their `expectedError`. Any disagreement aborts the run. Two more",
        "checks keep the cases honest: each invalid case is run again with the one",
        "rule it breaks relaxed (as a lenient generic verifier would: any algorithm,",
        "generic URI resolution without the uniqueness check, any element order,",
        "text read around markup, no limits) and must then verify, so exactly one",
        "thing is wrong with it (the exceptions, such as a missing SignatureValue,",
        "are listed with their reason in `STAYS_INVALID`); and the valid cases that",
        "exercise PrefixList, exclusive namespaces, comments and embedded signatures",
        "must fail under the plausible wrong c14n (`DISCRIMINATING`), so they test",
        "what they claim.",
        "",
        "Inputs: `{\"file\": \"inputs/...\"}` is the document as received; `{\"base64\": ...}`",
        "carries raw bytes that must stay exact (not UTF-8, or CR LF line ends) with",
        "`input_encoding` `xml`; in the group with `input_encoding` `base64` the",
        "input is `{\"text\": ...}`, the base64 text as a browser posts it, which the",
        "verifier decodes.",
        "",
        f"Total: {total} cases.",
        "",
        "## Rules",
        "",
        RULES,
        "",
        "Readings these vectors fix where the specifications leave room:",
        "",
        "- XML-DSig Core 1.1 §4.4.3.3 says a `#id` reference drops comments before",
        "  the transforms, even under `#WithComments`; idbridge keeps them as the",
        "  transform says (cases flagged `WithCommentsSameDocument`).",
        "- \"Byte-equal\" KeyInfo certificates compare the decoded DER: a trusted",
        "  certificate wrapped over several lines is trusted; garbage is untrusted,",
        "  never parsed. Either way KeyInfo only words a failure (rule 12).",
        "- KeyInfo holding only KeyName, X509IssuerSerial or KeyValue names no",
        "  certificate: the trusted keys are tried (a KeyValue key is never used).",
        "- ECDSA methods need an EC key of any allowed curve (P-256 with",
        "  ecdsa-sha512 and P-384 with ecdsa-sha256 are valid); a high-S signature is",
        "  valid.",
        "- Base64 must be padded; an empty DigestValue decodes to zero bytes and",
        "  fails the digest comparison (`xmldsig.digest.mismatch`).",
        "- SignedInfo is compared through its c14n: attribute order, quote style and",
        "  `<e/>` versus `<e></e>` may change after signing, whitespace may not.",
        "- Only the attribute named `ID` (no namespace) counts, for the target and",
        "  for uniqueness: `Id`, `id`, `xml:id`, `p:ID` are ordinary attributes.",
        "",
        "## Files",
        "",
        "| file | what | origin | cases |",
        "|---|---|---|---|",
    ]
    for row in file_rows:
        lines.append("| " + " | ".join(md_escape(c) for c in row) + " |")
    lines += [
        "| `certs/` | the trusted and untrusted certificates (PEM, one DER); index in `certs/README.md` | made by `generate.py` from `../keys/` | |",
        "| `inputs/<file>/` | the XML inputs of each vector file, one per case, named after it; index in each folder's `README.md` | `generate.py` | |",
        "| `cases/<file>.json` | **the case tables**, one per vector file, one row per case (slug, comment, result, code, identity, flags, and how the input is made: see `xd_cases.py`); `cases/notes.json` the notes the flags name | idbridge | |",
        "| `generate.py`, `xd_sign.py`, `xd_model.py`, `xd_cases.py` | the generator (command, keys and signing, the self-check `Model`, the input recipes a row names); the shared writer and test PKI are `../pylib/` | idbridge | |",
        "| `requirements.txt` | the pinned Python packages (lxml, cryptography) | idbridge | |",
        "| `.gitattributes` | keeps the inputs byte-exact (no line-ending conversion) | idbridge | |",
        "| `README.md` | this index (written by `generate.py`) | idbridge | |",
        "",
        "## Adding a case",
        "",
        "Add one row to the group of `cases/<file>.json` it belongs to: `slug` (the input's file name),",
        "`comment`, `result`, `code` (for an invalid case), `ident` (a valid case's signed element when not the",
        "Document: `response`, `assertion`, `xsw`), `flags` (names in `cases/notes.json`), `as` (`text` or",
        "`raw64` when the input is inline) and `input`: a template, the `signature` arguments, the `key`, and",
        "text `edit`s before (`tedit`) or after signing; `xd_cases.py` lists every form. Run the generator (its",
        "self-check must pass) and commit the table with the regenerated files. tcIds follow the row order.",
        "",
    ]
    return "\n".join(lines)


def certs_readme():
    lines = [
        "# certificates",
        "",
        "Self-signed X.509 v3 certificates for the test keys in `../../keys/`, made by",
        "`../generate.py`: subject = issuer `O=idbridge test vectors, CN=idbridge xmldsig test <name>`,",
        "valid 2025-01-01T00:00:00Z to 2035-01-01T00:00:00Z, BasicConstraints CA:false and",
        "KeyUsage digitalSignature (both critical), SubjectKeyIdentifier; signed with",
        "sha256WithRSAEncryption (RSA) or deterministic ECDSA (RFC 6979) with SHA-256/384/512",
        "(P-256/P-384/P-521), so they are reproducible. Test-only: never trust them.",
        "",
        "| file | serial | what |",
        "|---|---|---|",
    ]
    for name, _key, serial, what in CERT_SPECS:
        lines.append(f"| `{name}.pem` | `{serial:#x}` | {what} |")
    lines.append("| `rsa2048.der` | `0x1d5c0001` | `rsa2048.pem` in DER form (the DER trust file case) |")
    lines.append("| `README.md` | | this index |")
    return "\n".join(lines) + "\n"


def inputs_readme(stem, index):
    lines = [
        f"# inputs of `{stem}.json`",
        "",
        f"The XML inputs of `../../{stem}.json`, written by `../../generate.py`; each is the exact bytes",
        "of one case (cases given inline as `text` or `base64` have no file here).",
        "",
        "| file | tcId | what |",
        "|---|---|---|",
    ]
    for rel, tc, comment in index:
        lines.append(f"| `{os.path.basename(rel)}` | {tc} | {md_escape(comment)} |")
    lines.append("| `README.md` | | this index |")
    return "\n".join(lines) + "\n"


def main(argv):
    started = time.monotonic()
    out = os.path.abspath(argv[1]) if len(argv) > 1 else HERE
    if os.path.isdir(out) and os.listdir(out) and out != HERE:
        prev = os.path.join(out, "README.md")
        if not (os.path.exists(prev) and open(prev, encoding="utf-8").read().startswith("# xmldsig vectors")):
            raise SystemExit(f"{out} is neither empty nor a previous output of this generator; refusing to write there")
    for want, got, name in [(pinned("lxml"), lxml.__version__, "lxml"), (pinned("cryptography"), cryptography.__version__, "cryptography")]:
        if want and want != got:
            print(f"warning: {name} {got} is installed, requirements.txt pins {want}: the output may differ", file=sys.stderr)
    certs_pem = init_keys()
    for t in table.load_dir(os.path.join(HERE, "cases"), TABLES):
        run_table(t)
    checked, lenient_ok = check_all()
    discriminating = check_discriminating()

    # write: the generated parts of OUT are replaced as a whole
    for sub in ("certs", "inputs"):
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    for vf in FILES:
        p = os.path.join(out, vf.stem + ".json")
        if os.path.exists(p):
            os.remove(p)
    for name, pem in certs_pem.items():
        write(os.path.join(out, "certs", name + ".pem"), pem)
    write(os.path.join(out, "certs", "rsa2048.der"), CERT_DER["rsa2048"])
    write(os.path.join(out, "certs", "README.md"), certs_readme())
    rows = []
    total = 0
    for vf in FILES:
        doc, index = build_file(vf)
        for g in vf.groups:
            for t in g["tests"]:
                if t["data"] is not None:
                    write(os.path.join(out, "inputs", vf.stem, t["slug"] + ".xml"), t["data"])
        write(os.path.join(out, "inputs", vf.stem, "README.md"), inputs_readme(vf.stem, index))
        write(os.path.join(out, vf.stem + ".json"), doc)
        n, breakdown = counts(vf)
        total += n
        sources = "; ".join(dict.fromkeys(g["source"].split("; " + GEN)[0] for g in vf.groups))
        rows.append((f"`{vf.stem}.json`", vf.what, sources + "; generated by `generate.py`", f"{n} cases: {breakdown}"))
    write(os.path.join(out, "README.md"), readme(total, rows))
    write(os.path.join(out, ".gitattributes"), "# the inputs are exact bytes: never convert line endings\ninputs/** -text\ncerts/** -text\n*.json -text\n")
    elapsed = time.monotonic() - started
    for vf in FILES:
        n, breakdown = counts(vf)
        print(f"{vf.stem}.json: {n} cases ({breakdown})")
    print(f"xmldsig vectors: {total} cases in {len(FILES)} files, all {checked} re-verified by the model, {lenient_ok} invalid ones shown to verify with their one rule relaxed, {discriminating} valid ones shown to fail under a wrong c14n; {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

