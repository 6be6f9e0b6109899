#!/usr/bin/env python3
"""Writes test-vectors/limits/: the RESOURCE_EXHAUSTION vectors.

Python 3 standard library only, no randomness, no clock: running it twice
gives identical files. It reads three committed inputs of the sibling
folders (the main ES384 Web eID token and two certificates of the Web eID
test PKI) and writes, next to itself:

- xml.json, spid.json, webeid.json: the vector files (format: VECTORS.md);
- inputs/xml/, inputs/spid/, inputs/webeid/: the inputs they name.

The cases are data: one row per case in cases/xml.json, cases/spid.json and
cases/webeid.json (the input to build, by the name of a builder below, the
comment, the result and code); the vector-file writer is ../pylib/vecfile.py.

Inputs too large to commit (5 MiB SAML, 100,000 attributes, 100,001 nodes,
1,000,000 siblings, 10,000 intermediates...) are built by tests/limits.rs
instead; README.md lists them.

    python3 test-vectors/limits/generate.py
    git diff --exit-code test-vectors/limits
"""

import base64
import hashlib
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from pylib import table, vecfile  # noqa: E402  (standard library only)

WEBEID = os.path.join(HERE, "..", "webeid")

NOTES = {
    "ResourceExhaustion": {
        "bugType": "RESOURCE_EXHAUSTION",
        "description": (
            "An input built to exhaust memory or CPU (size, nesting, width, "
            "entity expansion, certificate path building). It must be refused "
            "with the limit's stable code before the work it asks for is done; "
            "cases at exactly a limit pass that limit and fail (or succeed) "
            "for another reason, so no bound is off by one."
        ),
        "links": [
            "https://cwe.mitre.org/data/definitions/400.html",
            "https://cwe.mitre.org/data/definitions/776.html",
        ],
    }
}
FLAGS = ["ResourceExhaustion"]

# Every file written, with its one-line description, for README.md.
INDEX = []


def write(rel, data, what):
    path = os.path.join(HERE, rel)
    data = vecfile.write_file(path, data)
    INDEX.append((rel, len(data), what))


def read(*parts):
    with open(os.path.join(*parts), "rb") as f:
        return f.read()


# --------------------------------------------------------------------- XML

XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
DOC_NS = "urn:idbridge:limits"


def nested(depth, name="e"):
    """A document `depth` elements deep (the document element is depth 1)."""
    return (
        XML_DECL
        + '<Document xmlns="%s" ID="_limits">' % DOC_NS
        + "<%s>" % name * (depth - 1)
        + "</%s>" % name * (depth - 1)
        + "</Document>\n"
    )


def with_attributes(n):
    attrs = "".join(' a%d="%d"' % (i, i) for i in range(n))
    return (
        XML_DECL
        + '<Document xmlns="%s" ID="_limits"><Data%s/></Document>\n' % (DOC_NS, attrs)
    )


def with_namespaces(n):
    decls = "".join(' xmlns:p%d="urn:p:%d"' % (i, i) for i in range(n))
    return (
        XML_DECL
        + '<Document xmlns="%s" ID="_limits"><Data%s/></Document>\n' % (DOC_NS, decls)
    )


def namespace_copies():
    """Within every per-element limit, but roxmltree would copy in-scope
    namespaces more than max_xml_nodes * max_xml_namespaces (3,200,000)
    times: 62 ancestors declare 32 prefixes each (1,984 in scope), then
    1,700 empty leaves declare one more each (1,985 copies apiece)."""
    out = [XML_DECL, '<Document xmlns="%s" ID="_limits">' % DOC_NS]
    for level in range(62):
        decls = "".join(' xmlns:n%d="urn:%d"' % (i, i) for i in range(32))
        out.append("<L%d%s>" % (level, decls))
    out.append('<x xmlns:y="urn:y"/>' * 1700)
    for level in reversed(range(62)):
        out.append("</L%d>" % level)
    out.append("</Document>\n")
    return "".join(out)


BILLION_LAUGHS = (
    XML_DECL
    + '<!DOCTYPE Document [\n  <!ENTITY lol "lol">\n'
    + "".join(
        '  <!ENTITY lol%d "%s">\n' % (i, ("&lol%s;" % ("" if i == 1 else i - 1)) * 10)
        for i in range(1, 10)
    )
    + "]>\n"
    + '<Document xmlns="%s" ID="_limits"><Data>&lol9;</Data></Document>\n' % DOC_NS
)

QUADRATIC_BLOWUP = (
    XML_DECL
    + '<!DOCTYPE Document [<!ENTITY a "%s">]>\n' % ("x" * 20000)
    + '<Document xmlns="%s" ID="_limits"><Data>%s</Data></Document>\n'
    % (DOC_NS, "&a;" * 2000)
)

EXTERNAL_ENTITY = (
    XML_DECL
    + '<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    + '<Document xmlns="%s" ID="_limits"><Data>&xxe;</Data></Document>\n' % DOC_NS
)


# -------------------------------------------------------------------- SPID

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
REQUEST_ID = "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4"


def response(extensions="", response_attrs="", doctype="", issuer_text="https://idp.idbridge.test/spid"):
    return (
        XML_DECL
        + doctype
        + '<samlp:Response xmlns:samlp="%s" xmlns:saml="%s"%s ID="_limits-response" Version="2.0" '
        'IssueInstant="2026-03-01T10:00:10Z" Destination="https://sp.idbridge.test/acs" InResponseTo="%s">'
        % (SAMLP, SAML, response_attrs, REQUEST_ID)
        + '<saml:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">%s</saml:Issuer>' % issuer_text
        + ("<samlp:Extensions>%s</samlp:Extensions>" % extensions if extensions else "")
        + '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
        + "</samlp:Response>\n"
    )


def deep_extensions(total_depth):
    # Response (1) > Extensions (2) > x (3) ...
    n = total_depth - 2
    return '<x xmlns="urn:x">' + "<x>" * (n - 1) + "</x>" * n


SPID_LAUGHS = (
    '<!DOCTYPE samlp:Response [\n  <!ENTITY lol "lol">\n'
    + "".join('  <!ENTITY lol%d "%s">\n' % (i, ("&lol%s;" % ("" if i == 1 else i - 1)) * 10) for i in range(1, 10))
    + "]>\n"
)
SPID_DOCTYPES = {"billion_laughs": SPID_LAUGHS, "external_entity": '<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'}


def spid_response(o):
    """A Response with `extensions_depth`, `attributes` or `namespaces` on the Response (counting the ones it has), or a `doctype`."""
    if "extensions_depth" in o:
        return response(deep_extensions(o["extensions_depth"]))
    if "attributes" in o:  # + ID, Version, IssueInstant, Destination, InResponseTo
        return response(response_attrs="".join(' a%d="%d"' % (i, i) for i in range(o["attributes"] - 5)))
    if "namespaces" in o:  # + samlp, saml
        return response(response_attrs="".join(' xmlns:p%d="urn:p:%d"' % (i, i) for i in range(o["namespaces"] - 2)))
    return response(doctype=SPID_DOCTYPES[o["doctype"]], issuer_text=o["issuer_text"])


# ------------------------------------------------------------------ Web eID


def der_tlv(tag, content):
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + length + content


def der_seq(*parts):
    return der_tlv(0x30, b"".join(parts))


def der_int(value):
    b = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big")
    # Minimal: drop redundant leading zero bytes (keep one when the next byte's top bit is set).
    while len(b) > 1 and b[0] == 0 and b[1] < 0x80:
        b = b[1:]
    return der_tlv(0x02, b)


def der_oid(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return der_tlv(0x06, bytes(out))


def der_read(data, at=0):
    """(tag, start of content, end of content) of the TLV at `at`."""
    tag = data[at]
    first = data[at + 1]
    if first < 0x80:
        return tag, at + 2, at + 2 + first
    n = first & 0x7F
    length = int.from_bytes(data[at + 2:at + 2 + n], "big")
    return tag, at + 2 + n, at + 2 + n + length


def tbs_field(cert_der, index):
    """The TLV of the `index`-th field of a v3 certificate's TBSCertificate
    (0 version, 1 serial, 2 signature, 3 issuer, 4 validity, 5 subject)."""
    _, tbs_start, _ = der_read(cert_der, 0)
    _, at, _ = der_read(cert_der, tbs_start)
    for _ in range(index):
        _, _, at = der_read(cert_der, at)
    _, _, end = der_read(cert_der, at)
    return cert_der[at:end]


def issuer_name(cert_der):
    return tbs_field(cert_der, 3)


def subject_name(cert_der):
    return tbs_field(cert_der, 5)


ECDSA_SHA512 = der_seq(der_oid("1.2.840.10045.4.3.4"))
# P-521 group order: a well-formed signature has 0 < r, s < n.
P521_N = int(
    "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    "ffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
    16,
)


def junk_ca(serial, issuer, subject, signature):
    """A CA certificate nobody signed: DER that every parser accepts (v3,
    cA TRUE, valid 2026-2036, a 2-byte 'P-256' key distinct per serial),
    with `signature` as its signatureValue. The key is not a curve point:
    nothing reads it before a path reaches an anchor."""
    spki = der_seq(
        der_seq(der_oid("1.2.840.10045.2.1"), der_oid("1.2.840.10045.3.1.7")),
        der_tlv(0x03, b"\x00" + serial.to_bytes(2, "big")),
    )
    basic_constraints = der_seq(
        der_oid("2.5.29.19"), der_tlv(0x01, b"\xff"), der_tlv(0x04, der_seq(der_tlv(0x01, b"\xff")))
    )
    tbs = der_seq(
        der_tlv(0xA0, der_int(2)),
        der_int(serial),
        ECDSA_SHA512,
        issuer,
        der_seq(der_tlv(0x17, b"260101000000Z"), der_tlv(0x17, b"360101000000Z")),
        subject,
        spki,
        der_tlv(0xA3, der_seq(basic_constraints)),
    )
    return der_seq(tbs, ECDSA_SHA512, der_tlv(0x03, b"\x00" + signature))


def well_formed_p521_signature(label):
    r = int.from_bytes(hashlib.sha512(b"idbridge-limits/r/" + label).digest(), "big") % P521_N
    s = int.from_bytes(hashlib.sha512(b"idbridge-limits/s/" + label).digest(), "big") % P521_N
    return der_seq(der_int(r), der_int(s))


def token_json(members):
    return json.dumps(members, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class WebEid:
    """The committed inputs the Web eID cases start from, and the tokens built from them."""

    def __init__(self):
        self.main = read(WEBEID, "tokens", "es384.token")
        self.main_obj = json.loads(self.main)
        self.other_leaf = read(WEBEID, "pki", "auth-other-ca.cer")  # issued by "idbridge TEST Other CA 2026"
        self.anchor = read(WEBEID, "pki", "esteid2026.cer")
        assert self.main.endswith(b"}") and len(self.main) < 2000
        self.other_ca = issuer_name(self.other_leaf)
        self.anchor_name = subject_name(self.anchor)

    def padded(self, n):
        return self.main + b" " * (n - len(self.main))

    def with_nested(self, depth):
        # The token object is depth 1; its member "x" holds depth - 1 arrays.
        return self.main[:-1] + b',"x":' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"

    # Path building: a web-eid:1.1 token whose leaf (a genuine authentication
    # certificate issued by a CA that is not the anchor) names an issuer that
    # only junk CA certificates claim to be. webpki explores every ordering
    # of them up to 6 deep, bounded by its budget.
    def intermediates_token(self, certs):
        obj = {
            "unverifiedCertificate": base64.b64encode(self.other_leaf).decode(),
            "algorithm": "ES384",
            "signature": self.main_obj["signature"],
            "format": "web-eid:1.1",
            "appVersion": self.main_obj["appVersion"],
            "unverifiedIntermediateCertificates": [base64.b64encode(c).decode() for c in certs],
        }
        return token_json(obj)

    def looping(self, i):
        return junk_ca(i, self.other_ca, self.other_ca, b"\x00")

    def signing(self, i):
        # Claims the anchor as issuer, with a well-formed (wrong) P-521 signature.
        return junk_ca(i, self.anchor_name, self.other_ca, well_formed_p521_signature(b"%d" % i))

    def fit(self):
        certs = []
        while True:
            nxt = certs + [self.looping(len(certs) + 1)]
            if len(self.intermediates_token(nxt)) > 10000:
                return certs
            certs = nxt


def literal_bytes(o):
    data = bytes.fromhex(o["hex"]) if "hex" in o else o["text"].encode("utf-8")
    data = data * o.get("times", 1)
    return data + b" " * (o.get("pad_to", 0) - len(data)) if "pad_to" in o else data


def intermediates(w, o):
    n = o["looping"]
    return w.intermediates_token([w.looping(i) for i in range(1, n + 1)] + [w.signing(n + i) for i in range(1, o.get("signing", 0) + 1)])


def intermediates_fit(w, o):
    loops = w.fit()
    return w.intermediates_token(loops), {"n": len(loops)}


# ------------------------------------------------------------------ the builders a row names

BUILDERS = {
    "nested": lambda w, o: nested(o["depth"]),
    "with_attributes": lambda w, o: with_attributes(o["n"]),
    "with_namespaces": lambda w, o: with_namespaces(o["n"]),
    "namespace_copies": lambda w, o: namespace_copies(),
    "billion_laughs": lambda w, o: BILLION_LAUGHS,
    "quadratic_blowup": lambda w, o: QUADRATIC_BLOWUP,
    "external_entity": lambda w, o: EXTERNAL_ENTITY,
    "response": lambda w, o: spid_response(o),
    "padded": lambda w, o: w.padded(o["size"]),
    "bytes": lambda w, o: literal_bytes(o),
    "json_depth": lambda w, o: w.with_nested(o["depth"]),
    "intermediates": intermediates,
    "intermediates_fit": intermediates_fit,
}


def run_table(t, w):
    """Writes the inputs of one table's rows and its vector file."""
    groups = []
    for gd in t["groups"]:
        folder, how = t["file"][: -len(".json")], gd["input"]
        tests = []
        for row in gd["cases"]:
            made = BUILDERS[row["make"]["op"]](w, row["make"])
            data, fmt = made if isinstance(made, tuple) else (made, None)
            name = row.get("name", "").format(**fmt) if fmt else row.get("name")
            comment = row["comment"].format(**fmt) if fmt else row["comment"]
            raw = data.encode() if isinstance(data, str) else data
            if how["as"] == "text_base64":
                inp = {"text": base64.b64encode(raw).decode()}
            else:
                rel = "inputs/%s/%s.%s" % (folder, name, how["ext"])
                body = base64.b64encode(raw).decode() + "\n" if how["as"] == "file_base64" else data
                size = len(body.encode() if isinstance(body, str) else body)
                write(rel, body, "%s (%d bytes)" % (comment, size) if how.get("size_in_index") else comment)
                inp = {"file": rel}
            c = {"comment": comment, "input": inp, "result": row["result"]}
            if "code" in row:
                c["expectedError"] = row["code"]
            if "identity" in row:
                c["identity"] = row["identity"]
            tests.append(c)
        groups.append({"source": gd["source"], "trust": gd["trust"], "context": gd["context"], "tests": tests})
    vector_file(t["file"], t["kind"], t["header"], groups, t["what"])


# ------------------------------------------------------------------- files

VECTOR_FILES = []


def vector_file(name, kind, header, groups, what):
    tc = 1
    for g in groups:
        for t in g["tests"]:
            t_ordered = {"tcId": tc}
            t_ordered.update(t)
            t_ordered["flags"] = FLAGS
            t.clear()
            t.update(t_ordered)
            tc += 1
    text = vecfile.vector_file(kind, header, NOTES, groups)
    write(name, text, "%s: %d cases" % (what, tc - 1))
    VECTOR_FILES.append((name, kind, tc - 1, what))


README_HEAD = """# limits vectors

RESOURCE_EXHAUSTION vectors (issue 7, items 4 and 5): for each bound of
`idbridge::Limits`, an input just over it, one far over it, and where it
helps one exactly at it, each refused with the limit's stable code. Every
case carries the note `ResourceExhaustion` (bugType `RESOURCE_EXHAUSTION`).
Everything here is **generated** by `generate.py` (Python 3, standard
library only, no randomness), never edited by hand:

```sh
python3 test-vectors/limits/generate.py
git diff --exit-code test-vectors/limits
cargo run --release -p idbridge-cli -- vectors test-vectors/limits
```

Inputs too big to commit are built in memory by `tests/limits.rs` (the
same limits, through the public API), and timed by `benches/limits.rs`.

"""

README_LIMITS = """## RESOURCE_EXHAUSTION: the limits, their defaults, where they are enforced

| limit (`Limits::DEFAULT`) | default | refused with | enforced in | vectors here | in `tests/limits.rs` only |
|---|---|---|---|---|---|
| `max_input_bytes` | 5 MiB (5,242,880 bytes) | `input.too_large` | `src/xml/input.rs` `decode`: the raw input first (base64: at most 4/3 of the limit plus line breaks), then the decoded bytes; SAML Responses (`spid`, `cie`), `xmldsig`, IdP metadata (`Trust::builder()`) | none (too big to commit) | 5 MiB + 1 byte raw and base64 (`input.too_large`), exactly 5 MiB raw and base64 (not refused for size), base64 that decodes to 5 MiB + 1 |
| `max_token_bytes` / `min_token_bytes` | 10,000 / 100 bytes | `input.too_large` / `webeid.token.malformed` | `src/webeid/verify.rs` `prepare`, S1, before any parsing | `webeid.json` size cases | 10,001 characters; 99; a 10,000-intermediate token (megabytes) |
| `max_json_depth` | 32 | `input.json` | `src/json.rs` (a depth-counting serde visitor: no recursion past the limit) | `webeid.json` bombs, depth 33 and 32 | 100,000 `[` |
| `max_xml_depth` | 64 (document element = 1) | `xml.limits.exceeded` | `src/xml/parse.rs` pre-scan (one iterative pass before roxmltree builds anything) | `xml.json`, `spid.json` depth 65, 64, 10,000 | 65, 64 and 10,000 deep (SPID and CIE, raw and base64), 1,000,000 open tags, metadata 65 deep |
| `max_xml_attributes` | 64 per element | `xml.limits.exceeded` | `src/xml/parse.rs` pre-scan (stops at the 65th) | `xml.json`, `spid.json` 65, 64, 2,000 | 100,000 attributes on one element |
| `max_xml_namespaces` | 32 declarations per element; in-scope copies bounded by nodes x 32 | `xml.limits.exceeded` | `src/xml/parse.rs` pre-scan | `xml.json`, `spid.json` 33, 32, namespace copies | |
| `max_xml_nodes` | 100,000 (elements, texts, comments, PIs) | `xml.limits.exceeded` | `src/xml/parse.rs`: the pre-scan counts elements, comments and PIs; roxmltree's `nodes_limit` counts texts too | none (400 KB and more) | 100,001 elements, 1,000,000 `<a/>` siblings (4 MB), metadata with 100,001 nodes through `pin_saml_idp_metadata` |
| DOCTYPE | always refused | `xml.dtd.forbidden` | `src/xml/parse.rs` pre-scan and roxmltree `allow_dtd: false`: no entity is ever expanded or resolved | billion laughs, quadratic blowup, XXE (`xml.json`, `spid.json`) | billion laughs, XXE |
| `max_chain_len` | 8 certificates, end entity and anchor included | `webeid.token.malformed` | `src/webeid/verify.rs` `decode_intermediates`: a web-eid:1.1 token (or one signing-certificate entry) offering more than 6 intermediates (8 less the end entity and the anchor) is refused before any is decoded | `webeid.json` 7, and as many as fit (23) | 10,000 intermediates (`input.too_large` first), 7 copies of the issuing CA, a tightened limit |
| certificate path building | rustls-webpki: at most 6 intermediates deep, 200,000 path-building calls, 100 signature checks; idbridge: at most 16 signatures verified per path validation (the rest refused without arithmetic) | `x509.chain.untrusted` | `src/x509/path.rs` (webpki `verify_for_usage`; `MAX_PATH_SIGNATURES`) | `webeid.json` 6 junk intermediates: name loops, a wrong P-521 signature | the same tokens |
| `max_signature_checks` | 16 | `crypto.checks.exceeded` | `src/crypto/check.rs` `Pending::push`: the checks a verifier collects (a SAML Response has at most 2); also the path builder's signature budget above (`Limits::DEFAULT`'s value) | | |

"""

README_TIMES = """## Time to refuse

`cargo bench --bench limits -- --warm-up-time 1 --measurement-time 2`
on the 2-core reference machine (AWS-LC backend unless named): SAML
5 MiB + 1 raw 59 ns, as base64 (decoded, then refused) 5.7 ms; 10,000 deep
3.1 us; 100,000 attributes 53 us; 100,001 nodes 2.5 ms; 1,000,000 siblings
1.4 ms; billion laughs 68 ns; Web eID token of 10,000 intermediates (8 MB)
59 ns, 23 junk intermediates 3.6 us, 6 junk intermediates in name loops
2.1 ms, 6 with a wrong P-521 signature 4.2 ms (15.5 ms on RustCrypto);
token of 10,001 bytes 60 ns; JSON bomb 1.1 us. Before the intermediate
count and the path signature budget, the same attacks cost 44 ms (23
intermediates: webpki's 200,000-call budget) and 25 ms (100 P-521
verifications).

"""


def readme():
    lines = [README_HEAD, "## Vector files\n\n| file | kind | cases | what |\n|---|---|---|---|\n"]
    for name, kind, n, what in VECTOR_FILES:
        lines.append("| `%s` | `%s` | %d | %s |\n" % (name, kind, n, what))
    lines.append("\n")
    lines.append(README_LIMITS)
    lines.append(README_TIMES)
    lines.append("## Files, one line each\n\n")
    lines.append("- `cases/xml.json`, `cases/spid.json`, `cases/webeid.json`: the case tables, one row per case (the builder of its input, comment, result, code); add a case by adding a row\n")
    lines.append("- `generate.py`: this folder's generator (Python 3, standard library only; `../pylib/vecfile.py` writes the vector files)\n")
    lines.append("- `README.md`: this index\n")
    for rel, size, what in sorted(INDEX):
        lines.append("- `%s` (%d bytes): %s\n" % (rel, size, what))
    return "".join(lines)


def main():
    # Start from nothing, so a renamed input leaves no stale file behind.
    shutil.rmtree(os.path.join(HERE, "inputs"), ignore_errors=True)
    w = WebEid()
    for t in table.load_dir(os.path.join(HERE, "cases"), ["xml", "spid", "webeid"]):
        run_table(t, w)
    text = readme()
    vecfile.write_file(os.path.join(HERE, "README.md"), text)


if __name__ == "__main__":
    main()
