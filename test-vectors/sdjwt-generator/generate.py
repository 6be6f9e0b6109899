#!/usr/bin/env python3
"""The generator of idbridge's own SD-JWT VC vectors: kind `sd-jwt-vc` in
../sd-jwt-vc/ (format and checks: VECTORS.md). The cases are data:
cases/sd-jwt-vc.json, one row per case, each one change from the genuine
presentation; every expectation is written in the table from the contract,
this program only builds the inputs.

Reproducible byte for byte: keys from ../keys/, ECDSA by RFC 6979
(`jose_make.raw_sign`), salts fixed in the table's vocabulary.

It also writes ../sdjwt-trust/ from cases/trust.json: the x5c, issuer
metadata, status-list trust and OpenID4VP cases, which the sd-jwt-vc kind
has no keys for (schema idbridge-sdjwt-trust/1, read by a Rust test).

    generate.py              writes ../sd-jwt-vc/ and ../sdjwt-trust/
    generate.py --check      regenerates in memory; exit 1 if a file differs
"""

import argparse
import hashlib
import json
import os
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
TV = os.path.normpath(os.path.join(HERE, ".."))
sys.path.insert(0, TV)
sys.path.insert(0, os.path.join(TV, "oidc-generator"))

import jose_make as J  # noqa: E402
from pylib import pki, vecfile  # noqa: E402

OUT = os.path.join(TV, "sd-jwt-vc")
TRUST_OUT = os.path.join(TV, "sdjwt-trust")
X5C = os.path.join(TV, "sdjwt-x5c")
# The x5c certificates (../sdjwt-x5c/) name this host.
X5C_ISS = "https://issuer.example.it"
X5C_LIST_URI = "https://issuer.example.it/status/1"
NOW = 1777593600  # 2026-05-01T00:00:00Z
ISS = "https://issuer.idbridge.test"
LIST_URI = "https://status.idbridge.test/lists/gen-1"
# The list the issuer signs itself (group "issuer-signed-status": no status_list_keys).
ISSUER_LIST_URI = "https://issuer.idbridge.test/status/1"
HASH = {"sha-256": hashlib.sha256, "sha-384": hashlib.sha384, "sha-512": hashlib.sha512}


def key(name):
    return pki.load_key(name)


def disclosure(items):
    return J.b64u(J.jbytes(items))


def digest(alg, text):
    return J.b64u(HASH.get(alg, hashlib.sha256)(text.encode("ascii")).digest())


def jwks(name, kid):
    return J.jbytes({"keys": [J.jwk_public(key(name), kid)]}).decode() + "\n"


def zlib_stored(data):
    """RFC 1950 around one RFC 1951 stored block, written by hand: the same
    bytes whatever zlib the machine has (compression levels differ)."""
    assert len(data) < 65536
    n = len(data)
    return (b"\x78\x01" + b"\x01" + n.to_bytes(2, "little") + (n ^ 0xFFFF).to_bytes(2, "little")
            + data + zlib.adler32(data).to_bytes(4, "big"))


def status_claims(uri, extra=None):
    # 16 two-bit entries: 0 VALID, 1 INVALID, 2 SUSPENDED, 3 (application-specific), then VALID.
    values = [0, 1, 2, 3] + [0] * 12
    raw = bytearray(4)
    for i, v in enumerate(values):
        raw[i // 4] |= v << (2 * (i % 4))
    lst = J.b64u(zlib_stored(bytes(raw)))
    claims = {"sub": uri, "iat": NOW - 3600, "exp": NOW + 86400,
              "status_list": {"bits": 2, "lst": lst}}
    claims.update(extra or {})
    return claims


def status_token():
    return J.sign("ES384", key("p384"), {"alg": "ES384", "kid": "gen-status-1", "typ": "statuslist+jwt"},
                  status_claims(LIST_URI))


def issuer_status_token():
    """The same list signed by the issuer's own key (ES256), as an issuer that
    runs its status list does; checked with issuer_keys."""
    return J.sign("ES256", key("p256"), {"alg": "ES256", "kid": "gen-issuer-1", "typ": "statuslist+jwt"},
                  status_claims(ISSUER_LIST_URI))


# Four more PID claims (ARF PID rulebook names) for the 10-disclosure PID.
MORE = [["salt-birth", "birth_date", "1980-01-10"], ["salt-auth", "issuing_authority", "IPZS"],
        ["salt-country", "issuing_country", "IT"], ["salt-expiry", "expiry_date", "2031-01-01"]]


def present(case, context):
    sd_alg = case.get("sd_alg", "sha-256")
    given = ["salt-given", "given_name", "Mario"]
    family = ["salt-family", "family_name", "Rossi"]
    tax = ["salt-tax", "tax_id_code", "TINIT-RSSMRA80A10H501U"]
    it = ["salt-it", "IT"]
    locality = ["salt-loc", "locality", "Roma"]
    d = {n: disclosure(x) for n, x in
         [("given_name", given), ("family_name", family), ("tax_id_code", tax), ("IT", it), ("locality", locality)]}
    place_items = ["salt-place", "place_of_birth", {"_sd": [digest(sd_alg, d["locality"])], "country": "IT"}]
    d["place_of_birth"] = disclosure(place_items)
    order = ["given_name", "family_name", "tax_id_code", "IT", "place_of_birth", "locality"]
    top = ["given_name", "family_name", "tax_id_code", "place_of_birth"]
    if case.get("more_claims"):
        for items in MORE:
            d[items[1]] = disclosure(items)
            order.append(items[1])
            top.append(items[1])
    sd = [digest(sd_alg, d[n]) for n in top]
    extra = []
    if "double_digest" in case:
        sd.append(digest(sd_alg, d[case["double_digest"]]))
    if "conflict" in case:
        c = disclosure(case["conflict"])
        sd.append(digest(sd_alg, c))
        extra.append(c)
    sd.append("gen-decoy-digest-matching-nothing-000000000")
    holder = J.jwk_public(key("p256-b"))
    payload = {"iss": ISS, "iat": NOW - 86400, "exp": NOW + 86400 * 365, "vct": "urn:eudi:pid:it:1",
               "cnf": {"jwk": holder}, "_sd_alg": sd_alg, "_sd": sd,
               "nationalities": [{"...": digest(sd_alg, d["IT"])}],
               "status": {"status_list": {"idx": case.get("status_idx", 0),
                                          "uri": case.get("status_uri") or
                                          (ISSUER_LIST_URI if case.get("group") else LIST_URI)}}}
    for k, v in case.get("payload", {}).items():
        if v is None:
            payload.pop(k, None)
        else:
            payload[k] = v
    header = {"alg": "ES256", "kid": "gen-issuer-1", "typ": "dc+sd-jwt"}
    header.update(case.get("header", {}))
    jwt = J.sign("ES256", key(case.get("issuer_key", "p256")), header, payload)
    shown = [d[n] for n in order if n not in case.get("omit", [])]
    if "repeat" in case:
        shown.append(d[case["repeat"]])
    if "tamper" in case:
        i = order.index(case["tamper"])
        shown[i] = disclosure(["salt-given", "given_name", "Maria"])
    if "extra" in case:
        shown.append(disclosure(case["extra"]))
    shown += extra
    text = jwt + "~" + "".join(s + "~" for s in shown)
    if case.get("no_kb"):
        return text
    kb = {"iat": NOW - 30, "aud": context["audience"], "nonce": context["nonce"],
          "sd_hash": J.b64u(HASH[sd_alg](text.encode("ascii")).digest())}
    kb.update(case.get("kb", {}))
    kb_header = {"alg": "ES256", "typ": case.get("kb_typ", "kb+jwt")}
    return text + J.sign("ES256", key(case.get("kb_key", "p256-b")), kb_header, kb)


def build():
    table = json.load(open(os.path.join(HERE, "cases", "sd-jwt-vc.json"), encoding="utf-8"))
    files = {
        "keys/issuer.jwks.json": jwks("p256", "gen-issuer-1"),
        "keys/status.jwks.json": jwks("p384", "gen-status-1"),
        "status/list-2bit.jwt": status_token(),
        "status/list-issuer.jwt": issuer_status_token(),
    }
    tests = []
    issuer_signed = []
    for i, case in enumerate(table["cases"], 1):
        context = dict(table["context"])
        context.update(case.get("context", {}))
        rel = "presentations/%s.txt" % case["name"]
        files[rel] = present(case, context)
        t = {"tcId": i, "comment": case["comment"], "input": {"file": rel}}
        if case.get("context"):
            t["context"] = case["context"]
        t["result"] = case["result"]
        if "expectedError" in case:
            t["expectedError"] = case["expectedError"]
        if "identity" in case:
            t["identity"] = case["identity"]
        t["flags"] = []
        if case.get("group") == "issuer-signed-status":
            issuer_signed.append(t)
        else:
            tests.append(t)
    group = {"source": "made by test-vectors/sdjwt-generator/generate.py with idbridge's own TEST keys "
                       "(test-vectors/sdjwt-generator/cases/); no third-party material",
             "trust": {"issuer_keys": ["keys/issuer.jwks.json"],
                       "status_lists": {LIST_URI: "status/list-2bit.jwt"},
                       "status_list_keys": ["keys/status.jwks.json"]},
             "context": table["context"], "tests": tests}
    groups = [group]
    if issuer_signed:
        groups.append({"source": group["source"],
                       "trust": {"issuer_keys": ["keys/issuer.jwks.json"],
                                 "status_lists": {ISSUER_LIST_URI: "status/list-issuer.jwt"}},
                       "context": table["context"], "tests": issuer_signed})
    files["generated.json"] = vecfile.vector_file("sd-jwt-vc", table["header"], {}, groups)
    return files


# ---- ../sdjwt-trust/ ---------------------------------------------------------

def x5c_header(certs):
    import base64
    return [base64.b64encode(open(os.path.join(X5C, c), "rb").read()).decode("ascii") for c in certs]


def trust_status_tokens():
    """The status list tokens of the trust cases, by name: (uri, token)."""
    es256 = lambda header, claims, k="p256": J.sign("ES256", key(k), header, claims)
    typ = {"alg": "ES256", "typ": "statuslist+jwt"}
    return {
        "x5c": (X5C_LIST_URI, es256(dict(typ, x5c=x5c_header(["issuer.der"])), status_claims(X5C_LIST_URI))),
        "x5c-other-name": (X5C_LIST_URI, es256(dict(typ, x5c=x5c_header(["other-name.der"])),
                                               status_claims(X5C_LIST_URI))),
        "x5c-plain": (X5C_LIST_URI, es256(typ, status_claims(X5C_LIST_URI))),
        "issuer": (ISSUER_LIST_URI, es256(dict(typ, kid="gen-issuer-1"), status_claims(ISSUER_LIST_URI))),
        "issuer-iss-other": (ISSUER_LIST_URI, es256(dict(typ, kid="gen-issuer-1"),
                                                    status_claims(ISSUER_LIST_URI, {"iss": "https://other.example"}))),
        "issuer-ttl": (ISSUER_LIST_URI, es256(dict(typ, kid="gen-issuer-1"),
                                              status_claims(ISSUER_LIST_URI, {"iss": ISS, "ttl": 600}))),
        "foreign": (ISSUER_LIST_URI, es256(dict(typ, kid="gen-issuer-1"), status_claims(ISSUER_LIST_URI), "p256-b")),
    }


METADATA = {
    "issuer": lambda jw: {"issuer": ISS, "jwks": jw},
    "other-issuer": lambda jw: {"issuer": "https://other.idbridge.test", "jwks": jw},
    "jwks-uri-only": lambda jw: {"issuer": ISS, "jwks_uri": ISS + "/jwks.json"},
    "no-issuer": lambda jw: {"jwks": jw},
}

QUERIES = {
    "pid": {"credentials": [{"id": "pid", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:eudi:pid:it:1"]},
                             "claims": [{"path": ["given_name"]}, {"path": ["place_of_birth", "locality"]},
                                        {"path": ["nationalities", None]}]}]},
    "pid-and-other": {"credentials": [{"id": "pid", "format": "dc+sd-jwt"},
                                      {"id": "other", "format": "dc+sd-jwt"}]},
    "pid-email": {"credentials": [{"id": "pid", "format": "dc+sd-jwt", "claims": [{"path": ["email"]}]}]},
    "other-vct": {"credentials": [{"id": "pid", "format": "dc+sd-jwt",
                                   "meta": {"vct_values": ["urn:eudi:pid:de:1"]}}]},
    "credential-sets": {"credentials": [{"id": "pid", "format": "dc+sd-jwt"}],
                        "credential_sets": [{"options": [["pid"]]}]},
}


def form_escape(text):
    safe = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
    return "".join(chr(b) if b in safe else "%%%02X" % b for b in text.encode("utf-8"))


def vp_body(name, vp, presentation):
    ids = vp.get("ids", ["pid"])
    token = {i: [presentation] * vp.get("copies", 1) for i in ids}
    params = {"vp_token": token}
    if "state" in vp:
        params["state"] = vp["state"]
    if "jwe_to" in vp:
        plaintext = J.jbytes(params)
        jwe = J.encrypt("ECDH-ES", "A256GCM", key(vp["jwe_to"]).public_key(), plaintext, "sdjwt-trust/" + name)
        return "response=" + jwe
    if vp["encoding"] == "json":
        return J.jbytes(params).decode("utf-8")
    body = "vp_token=" + form_escape(J.jbytes(token).decode("utf-8"))
    if vp.get("twice"):
        body += "&vp_token=" + form_escape(J.jbytes(token).decode("utf-8"))
    if "state" in vp:
        body += "&state=" + form_escape(vp["state"])
    return body


def build_trust():
    table = json.load(open(os.path.join(HERE, "cases", "trust.json"), encoding="utf-8"))
    ctx = table["context"]
    context = {"nonce": ctx["nonce"], "audience": ctx["audience"]}
    issuer_jwks = {"keys": [J.jwk_public(key("p256"), "gen-issuer-1")]}
    files = {"keys/issuer.jwks.json": J.jbytes(issuer_jwks).decode() + "\n",
             "keys/status.jwks.json": jwks("p384", "gen-status-1"),
             "status/list-2bit.jwt": status_token()}
    for n, make in METADATA.items():
        files["metadata/%s.json" % n] = J.jbytes(make(issuer_jwks)).decode() + "\n"
    tokens = trust_status_tokens()
    for n, (_, tok) in tokens.items():
        files["status/%s.jwt" % n] = tok
    for n, q in QUERIES.items():
        files["queries/%s.json" % n] = J.jbytes(q).decode() + "\n"
    out = []
    for case in table["cases"]:
        name = case["name"]
        cred = dict(case.get("credential", {}))
        row = {"name": name, "rule": case["rule"], "comment": case["comment"]}
        trust = case.get("trust", {})
        status = case.get("status", {})
        if "x5c" in cred:
            cred.setdefault("header", {})["x5c"] = x5c_header(cred.pop("x5c"))
            cred.setdefault("payload", {}).setdefault("iss", X5C_ISS)
            cred["status_uri"] = X5C_LIST_URI
        elif "issuer_metadata" in trust:
            cred["status_uri"] = ISSUER_LIST_URI
        presentation = present(cred, context)
        rt = {}
        if "x5c_anchors" in trust:
            rt["x5c_anchors"] = ["../sdjwt-x5c/" + a for a in trust["x5c_anchors"]]
        elif "issuer_metadata" in trust:
            rt["issuer_metadata"] = "metadata/%s.json" % trust["issuer_metadata"]
        else:
            rt = {"issuer_keys": "keys/issuer.jwks.json", "status_list_keys": "keys/status.jwks.json"}
        row["trust"] = rt
        lists = {}
        for _, tname in status.items():
            uri, _ = tokens[tname]
            lists[uri] = {"file": "status/%s.jwt" % tname}
            if "fetched_at" in case:
                lists[uri]["fetched_at"] = case["fetched_at"]
        if not status:
            lists[LIST_URI] = {"file": "status/list-2bit.jwt"}
        row["status_lists"] = lists
        if "openid4vp" in case:
            vp = case["openid4vp"]
            body = "bodies/%s.txt" % name
            files[body] = vp_body(name, vp, presentation)
            v = {"body": body, "encoding": vp["encoding"], "query": "queries/%s.json" % vp["query"]}
            if "jwe_to" in vp:
                v["decryption_key"] = "../keys/jwe/p256.jwk.json"
            if "expected_state" in vp:
                v["expected_state"] = vp["expected_state"]
            row["openid4vp"] = v
        else:
            rel = "presentations/%s.txt" % name
            files[rel] = presentation
            row["presentation"] = rel
        row["result"] = case["result"]
        if "expectedError" in case:
            row["expectedError"] = case["expectedError"]
        out.append(row)
    head = {"schema": "idbridge-sdjwt-trust/1", "header": table["header"], "context": ctx}
    files["cases.json"] = vecfile.json_rows(head, "cases", out)
    files["README.md"] = trust_readme(out)
    return files


def trust_readme(cases):
    counts = {}
    for c in cases:
        k = c.get("expectedError", "valid")
        counts[k] = counts.get(k, 0) + 1
    tally = "; ".join("%d %s" % (n, "valid" if k == "valid" else "`%s`" % k) for k, n in sorted(counts.items()))
    return """# sdjwt-trust/: SD-JWT VC trust and OpenID4VP cases (not a vector kind)

The `sd-jwt-vc` kind of the vector format trusts the issuer through JWK Sets
only and has no OpenID4VP input, so these cases are data for a Rust test
(`the_trust_and_openid4vp_cases_of_test_vectors` in `tests/sdjwt.rs`), not
vectors: `cases.json` has the schema `idbridge-sdjwt-trust/1`, which the
runner passes over. Written by `../sdjwt-generator/generate.py` from
`../sdjwt-generator/cases/trust.json`; `generate.py --check` reproduces every
file byte for byte (ECDSA by RFC 6979, the JWE's ephemeral key and IV derived
from the case name).

Each case names the rule it checks (`rule`), its trust (`issuer_keys` and
`status_list_keys`, `x5c_anchors` from `../sdjwt-x5c/`, or an
`issuer_metadata` document), its status lists (URI to file, with
`fetched_at` when the case is about `ttl`), and either a `presentation` or an
`openid4vp` response (`body`, `encoding` `form` or `json`, a
`decryption_key` for `direct_post.jwt`, the DCQL `query`, the
`expected_state`), then the result with `expectedError` (idbridge's codes,
`src/error.rs`). The context (`now`, the KB-JWT's `nonce` and `audience`) is
the file's.

- `x5c-*`: SD-JWT VC §3.5, the issuer's key in an `x5c` chain to a
  configured CA whose leaf names `iss`, and the status list token trusted
  the same way;
- `metadata-*`: SD-JWT VC §5, JWT VC Issuer Metadata with inline `jwks`,
  the status list signed by the same keys, a token `iss` other than the
  metadata's issuer;
- `ttl-*`: Token Status List `ttl`, counted from the caller's fetch time;
- `vp-*`: OpenID4VP `direct_post` (form, JSON), `direct_post.jwt`, `state`,
  and the DCQL subset.

Total: %d cases (%s).
""" % (len(cases), tally)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    trees = [("sd-jwt-vc", OUT, build()), ("sdjwt-trust", TRUST_OUT, build_trust())]
    if args.check:
        failed = False
        for label, folder, files in trees:
            diff = vecfile.diff_tree(folder, files)
            if diff:
                print("%s: differs: %s" % (label, ", ".join(diff)))
                failed = True
            else:
                print("%s: %d files reproduced byte for byte" % (label, len(files)))
        return 1 if failed else 0
    for _, folder, files in trees:
        vecfile.write_tree(folder, files, clean=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
