#!/usr/bin/env python3
"""The generator of idbridge's own SD-JWT VC vectors: kind `sd-jwt-vc` in
../sd-jwt-vc/ (format and checks: VECTORS.md). The cases are data:
cases/sd-jwt-vc.json, one row per case, each one change from the genuine
presentation; every expectation is written in the table from the contract,
this program only builds the inputs.

Reproducible byte for byte: keys from ../keys/, ECDSA by RFC 6979
(`jose_make.raw_sign`), salts fixed in the table's vocabulary.

    generate.py              writes ../sd-jwt-vc/
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
                                          "uri": ISSUER_LIST_URI if case.get("group") else LIST_URI}}}
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    files = build()
    if args.check:
        diff = vecfile.diff_tree(OUT, files)
        if diff:
            print("sd-jwt-vc: differs: " + ", ".join(diff))
            return 1
        print("sd-jwt-vc: %d files reproduced byte for byte" % len(files))
        return 0
    vecfile.write_tree(OUT, files, clean=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
