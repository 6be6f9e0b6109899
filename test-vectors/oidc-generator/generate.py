#!/usr/bin/env python3
"""The generator of idbridge's own OpenID Federation and OpenID Connect vectors:
kind `oidc-trust-chain` in ../oidc-trust-chain/ and kind `oidc-id-token` in
../oidc-id-token/ (format and checks: VECTORS.md).

The cases are data: cases/oidc-trust-chain/*.json and cases/oidc-id-token/*.json,
one table per vector file, one row per case; cases/federation.json holds the
test federation (entities, keys, default metadata) and cases/notes.json the
flags. Every expectation (result, expectedError, identity) is written in the
table from the contract; this program only builds the inputs.

Reproducible byte for byte: keys are read from ../keys/, and every random
input of JOSE (PSS salt, OAEP seed, CEK, IV, ECDH-ES ephemeral key) is derived
from the case's file name (jose_make.py). ECDSA is RFC 6979.

Self-check before anything is written: every signature that a case relies on
verifies with jwcrypto (an independent JOSE implementation) under the key the
contract says must verify it, every UserInfo JWE of a case that must decrypt
does decrypt with jwcrypto, and every expectedError is a code of the kind's
contract list.

    generate.py              writes ../oidc-trust-chain/ and ../oidc-id-token/
    generate.py --check      regenerates in memory; exit 1 if a file differs
    generate.py --out DIR    writes DIR/oidc-trust-chain/ and DIR/oidc-id-token/
"""

import argparse
import copy
import datetime
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..")))
sys.path.insert(0, HERE)

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa  # noqa: E402

import jose_make as J  # noqa: E402
from pylib import pki, table, vecfile  # noqa: E402

CASES = os.path.join(HERE, "cases")
TV = os.path.normpath(os.path.join(HERE, ".."))
KINDS = ("oidc-trust-chain", "oidc-id-token")

JOSE_CODES = ["jws.malformed", "jws.algorithm.forbidden", "jws.kid.missing", "jws.key.untrusted", "jws.key.mismatch", "jws.signature.invalid"]
CODES = {
    "oidc-trust-chain": ["input.json"] + JOSE_CODES + [
        "oidcfed.statement.malformed", "oidcfed.typ.invalid", "oidcfed.entity_id.invalid",
        "oidcfed.statement.not_yet_valid", "oidcfed.statement.expired", "oidcfed.chain.broken",
        "oidcfed.trust_anchor.unknown", "oidcfed.path_length.exceeded", "oidcfed.policy.unsupported",
        "oidcfed.policy.conflict", "oidcfed.policy.violation", "oidcfed.metadata.missing",
        "oidcfed.trust_mark.missing", "oidcfed.trust_mark_issuer.untrusted", "oidcfed.trust_mark_type.mismatch",
        "oidcfed.trust_mark_subject.mismatch", "oidcfed.trust_mark.not_yet_valid", "oidcfed.trust_mark.expired"],
    "oidc-id-token": ["input.json"] + JOSE_CODES + [
        "jwe.malformed", "jwe.algorithm.forbidden", "jwe.decryption.failed",
        "oidc.claim.missing", "oidc.issuer.mismatch", "oidc.audience.mismatch", "oidc.time.expired",
        "oidc.time.not_yet_valid", "oidc.nonce.missing", "oidc.nonce.mismatch", "oidc.acr.invalid",
        "oidc.acr.insufficient", "oidc.at_hash.mismatch", "oidc.userinfo.not_encrypted", "oidc.subject.mismatch"],
}
ALG_FOR = {"rsa": "RS256", "P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}


class Fail(Exception):
    pass


def epoch(text):
    return int(datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp())


def rfc3339(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Keys:
    """The committed test keys of ../keys/, by file name; `ed25519` is derived from a fixed seed."""

    def __init__(self):
        self.cache = {}

    def __call__(self, name):
        if name not in self.cache:
            self.cache[name] = pki.load_key(name)
        return self.cache[name]


KEYS = Keys()


def key_kind(key):
    if isinstance(key, rsa.RSAPrivateKey):
        return "rsa"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return J.CURVE_NAMES[key.curve.name]
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "Ed25519"
    raise Fail("key type")


def subst(value, now):
    """'$now', '$now+N', '$now-N' become integers; lists and objects recursively."""
    if isinstance(value, str) and value.startswith("$jwks:"):
        return {"keys": [J.jwk_public(KEYS(k), kid) for k, kid in (p.split(":") for p in value[6:].split(","))]}
    if isinstance(value, str) and value.startswith("$jwk:"):
        k, kid = value[5:].split(":")
        return J.jwk_public(KEYS(k), kid)
    if isinstance(value, str) and value.startswith("$now"):
        rest = value[4:]
        return now + (int(rest) if rest else 0)
    if isinstance(value, list):
        return [subst(v, now) for v in value]
    if isinstance(value, dict):
        return {k: subst(v, now) for k, v in value.items()}
    return value


def apply_claims(claims, spec, now):
    """`set` (top-level members, replaced or added at the end), `path` ([[k1, k2, ...], value] pairs:
    nested set, null deletes), `del` (top-level members)."""
    for k, v in (spec.get("set") or {}).items():
        claims[k] = subst(v, now)
    paths = spec.get("path") or []
    if paths and isinstance(paths[0][0], str):
        paths = [paths]
    for path, v in paths:
        node = claims
        for k in path[:-1]:
            node = node.setdefault(k, {})
        if v is None:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = subst(v, now)
    for k in spec.get("del") or []:
        claims.pop(k, None)
    return claims


def apply_header(header, spec):
    for k, v in (spec.get("header") or {}).items():
        if v is None:
            header.pop(k, None)
        else:
            header[k] = v
    return header


def post(token, op, label):
    """Changes of the signed or encrypted text."""
    if not op:
        return token
    parts = token.split(".")
    if op == "flip_sig":
        sig = bytearray(J.unb64u(parts[-1]))
        sig[len(sig) // 2] ^= 0x01
        parts[-1] = J.b64u(bytes(sig))
    elif op == "flip_ct":  # JWE ciphertext
        ct = bytearray(J.unb64u(parts[3]))
        ct[0] ^= 0x01
        parts[3] = J.b64u(bytes(ct))
    elif op == "flip_tag":
        tag = bytearray(J.unb64u(parts[4]))
        tag[0] ^= 0x01
        parts[4] = J.b64u(bytes(tag))
    elif op == "flip_payload":  # a change of the payload after signing (a claim's last character)
        payload = json.loads(J.unb64u(parts[1]))
        payload["sub"] = payload["sub"][:-1] + ("0" if payload["sub"][-1] != "0" else "1")
        parts[1] = J.b64u(J.jbytes(payload))
    elif op == "der_sig":  # an ES* signature as DER instead of raw r || s
        sig = J.unb64u(parts[-1])
        half = len(sig) // 2
        from cryptography.hazmat.primitives.asymmetric import utils

        der = utils.encode_dss_signature(int.from_bytes(sig[:half], "big"), int.from_bytes(sig[half:], "big"))
        parts[-1] = J.b64u(der)
    elif op == "two_segments":
        parts = parts[:2]
    elif op == "padding":
        parts[-1] += "=="
    elif op == "bad_b64":
        parts[1] = parts[1][:5] + "*" + parts[1][6:]
    elif op == "header_array":
        parts[0] = J.b64u(b"[1,2]")
    elif op == "header_not_json":
        parts[0] = J.b64u(b"{\"alg\":")
    elif op == "payload_array":
        parts[1] = J.b64u(b"[\"not\",\"an\",\"object\"]")
    elif op == "jwe_header_not_json":
        parts[0] = J.b64u(b"{\"alg\":\"RSA-OAEP\",")
    elif op == "jwe_four_segments":
        parts = parts[:4]
    else:
        raise Fail("unknown post op " + op)
    return ".".join(parts)


def signed(spec, header, claims, now, label, default_key, default_kid):
    """A compact JWS from a signing spec: `sign` {key, kid, alg} (what really signs;
    the header gets `alg`/`kid` unless `header` overrides), then `post`."""
    s = spec.get("sign") or {}
    key_name = s.get("key", default_key)
    key = KEYS(key_name) if key_name not in ("none", "hmac") else None
    alg = s.get("alg") or ALG_FOR.get(key_kind(key)) if key is not None else s.get("alg")
    kid = s.get("kid", default_kid)
    h = {"alg": alg}
    if kid is not None:
        h["kid"] = kid
    h.update(header)
    apply_header(h, spec)
    for k, v in list(h.items()):
        h[k] = subst(v, now)
    if key_name == "hmac":
        key = s["secret"].encode("utf-8")
    if alg == "none" or h.get("alg") == "none" and key is None:
        tok = J.b64u(J.jbytes(h)) + "." + J.b64u(J.jbytes(claims)) + "."
    else:
        tok = J.sign(alg, key, h, claims, label)
    return post(tok, spec.get("post"), label), key_name, alg


# ---------------------------------------------------------------- trust chains

class Federation:
    def __init__(self, data, kind_dir):
        self.d = data
        self.now = epoch(data["now"])
        self.ent = data["entities"]

    def eid(self, name):
        return self.ent[name]["id"] if name in self.ent else name

    def jwks(self, name):
        return {"keys": [J.jwk_public(KEYS(k), kid) for k, kid in self.ent[name]["keys"]]}

    def first_key(self, name):
        return self.ent[name]["keys"][0]


def build_chain(fed, row, label, checks):
    """The statements of a row: path [leaf, superior, ..., ta]; `ta_ec` (default true)."""
    now = fed.now
    path = row["path"]
    leaf = path[0]
    stmts = []  # (spec, header, claims, default_key, default_kid, signer entity, verifying entities)
    # EC(leaf)
    c = {"iss": fed.eid(leaf), "sub": fed.eid(leaf), "iat": now - 3600, "exp": now + 86400, "jwks": fed.jwks(leaf)}
    c["metadata"] = copy.deepcopy(fed.ent[leaf].get("metadata", {}))
    if len(path) > 1:
        c["authority_hints"] = [fed.eid(path[1])]
    stmts.append([c, leaf])
    for i in range(1, len(path)):
        sup, sub = path[i], path[i - 1]
        c = {"iss": fed.eid(sup), "sub": fed.eid(sub), "iat": now - 3600, "exp": now + 86400, "jwks": fed.jwks(sub)}
        stmts.append([c, sup])
    if row.get("ta_ec", True) and len(path) > 1:
        ta = path[-1]
        c = {"iss": fed.eid(ta), "sub": fed.eid(ta), "iat": now - 3600, "exp": now + 86400, "jwks": fed.jwks(ta)}
        c["metadata"] = copy.deepcopy(fed.ent[ta].get("metadata", {}))
        c.update(copy.deepcopy(fed.d.get("ta_ec_extra", {})))
        stmts.append([c, ta])
    # trust marks into EC(leaf)
    marks = []
    for m in row.get("trust_marks", []):
        marks.append(build_mark(fed, m, leaf, "%s/tm%d" % (label, len(marks)), checks))
    if marks:
        stmts[row.get("marks_at", 0)][0]["trust_marks"] = marks
    # statement edits
    specs = [dict() for _ in stmts]
    for e in row.get("edit", []):
        at = e["at"]
        apply_claims(stmts[at][0], e, now)
        specs[at].update({k: v for k, v in e.items() if k in ("sign", "header", "post")})
    out = []
    for i, ((claims, signer), spec) in enumerate(zip(stmts, specs)):
        k, kid = fed.first_key(signer)
        tok, key_used, alg = signed(spec, {"typ": "entity-statement+jwt"}, claims, now, "%s/s%d" % (label, i), k, kid)
        out.append(tok)
        checks.append((tok, key_used, alg, spec))
    for e in row.get("chain", []):
        op = e["op"]
        if op == "drop":
            out.pop(e["at"])
        elif op == "dup":
            out.insert(e["at"], out[e["at"]])
        elif op == "swap":
            a, b = e["at"]
            out[a], out[b] = out[b], out[a]
        elif op == "from":  # a statement of another row's chain replaces this one
            other = build_chain(fed, e["row"], label + "/from", [])
            out[e["at"]] = json.loads(other)["statements"][e["take"]]
        else:
            raise Fail("chain op " + op)
    if row.get("shape") == "bare_array":
        return J.jbytes(out).decode("utf-8")
    return json.dumps({"statements": out}, indent=2) + "\n"


def build_mark(fed, m, leaf, label, checks):
    now = fed.now
    mtype = m["type"]
    issuer = m.get("issuer", "ta")
    claims = {"iss": fed.eid(issuer), "sub": fed.eid(leaf), m.get("spell", "trust_mark_type"): mtype, "iat": now - 3600, "exp": now + 86400}
    apply_claims(claims, m, now)
    k, kid = fed.first_key(issuer)
    tok, key_used, alg = signed(m, {"typ": "trust-mark+jwt"}, claims, now, label, k, kid)
    checks.append((tok, key_used, alg, m))
    entry = {m.get("entry_spell", m.get("spell", "trust_mark_type")): m.get("entry_type", mtype), "trust_mark": tok}
    return entry


# ---------------------------------------------------------------- ID tokens

def at_hash(alg, access_token):
    bits = alg[2:] if alg[:2] in ("RS", "PS", "ES") else "256"
    h = J.HASHES[bits][0](access_token.encode("ascii")).digest()
    return J.b64u(h[: len(h) // 2])


def build_token(tok, row, label, checks):
    now = tok["now"]
    it = row.get("id_token", {})
    s = it.get("sign") or {}
    key_name = s.get("key", tok["op_key"][0])
    alg = s.get("alg") or (ALG_FOR.get(key_kind(KEYS(key_name))) if key_name not in ("none", "hmac") else "none")
    access = row.get("access_token", tok["access_token"])
    claims = copy.deepcopy(tok["id_claims"])
    claims = subst(claims, now)
    claims["at_hash"] = at_hash(alg, access if access is not None else tok["access_token"])
    claims["jti"] = hashlib.sha256(label.encode()).hexdigest()[:32]
    apply_claims(claims, it, now)
    special = {
        "$full_at_hash": lambda: J.b64u(hashlib.sha256(access.encode("ascii")).digest()),
        "$at_hash256": lambda: at_hash("RS256", access),
        "$at_hash_padded": lambda: at_hash(alg, access) + "==",
        "$at_hash_default": lambda: at_hash(alg, tok["access_token"]),
    }
    if claims.get("at_hash") in special:
        claims["at_hash"] = special[claims["at_hash"]]()
    idt, key_used, alg_used = signed(it, {"typ": "JWT"}, claims, now, label + "/id", tok["op_key"][0], tok["op_key"][1])
    checks.append((idt, key_used, alg_used, it))
    out = {"id_token": idt}
    if access is not None:
        out["access_token"] = access
    ui = row.get("userinfo")
    if ui is not None:
        inner = ui.get("inner", {})
        uc = subst(copy.deepcopy(tok["ui_claims"]), now)
        uc["sub"] = claims.get("sub", uc["sub"])
        apply_claims(uc, inner, now)
        ik = inner.get("sign", {}).get("key", tok["op_key"][0])
        jws, key_used, alg_used = signed(inner, {"typ": "JWT"}, uc, now, label + "/ui", tok["op_key"][0], tok["op_key"][1])
        checks.append((jws, key_used, alg_used, inner))
        if inner.get("raw_json"):
            jws = J.jbytes(uc).decode("utf-8")
        if ui.get("plain"):
            out["userinfo"] = jws
        else:
            to = ui.get("to", tok["rp_key"][0])
            extra = {"kid": ui.get("kid", tok["rp_key"][1]), "cty": "JWT"}
            extra.update(ui.get("header") or {})
            jwe = J.encrypt(ui.get("alg", "RSA-OAEP"), ui.get("enc", "A256CBC-HS512"), KEYS(to).public_key(), jws.encode("ascii"), label + "/jwe", extra)
            jwe = post(jwe, ui.get("post"), label)
            out["userinfo"] = jwe
            if row.get("result") == "valid":
                checks.append(("jwe", jwe, to, jws))
    return json.dumps(out, indent=2) + "\n"


# ---------------------------------------------------------------- self-check

_JW_KEYS = {}


def jw_key(key_name):
    """The jwcrypto key of a TEST key, made once per name: loading a PEM
    private key (OpenSSL checks an RSA key) took 22 of the 25 seconds of a
    run when it was done for every token."""
    from jwcrypto import jwk

    if key_name not in _JW_KEYS:
        key = KEYS(key_name)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        _JW_KEYS[key_name] = jwk.JWK.from_pem(pem)
    return _JW_KEYS[key_name]


def selfcheck(checks, valid, where):
    """Each JWS signed with a real key verifies with jwcrypto under that key's public half
    (unless the row breaks it after signing); in valid rows, each JWE decrypts to its JWS."""
    from jwcrypto import jwe, jws

    n = 0
    for c in checks:
        if c[0] == "jwe":
            _, tok, to, inner = c
            e = jwe.JWE()
            e.deserialize(tok, key=jw_key(to))
            if e.payload.decode("ascii") != inner:
                raise Fail("%s: the JWE does not decrypt to its JWS" % where)
            n += 1
            continue
        tok, key_name, alg, spec = c
        if key_name in ("none", "hmac") or spec.get("post") or alg not in J.ALG_FOR_CHECK:
            continue
        if (spec.get("header") or {}).get("alg") not in (None, alg):
            continue
        k = jw_key(key_name)
        pub = jws.JWK(**k.export_public(as_dict=True))
        s = jws.JWS()
        s.deserialize(tok)
        s.verify(pub, alg=alg)
        J.verify_check(alg, KEYS(key_name).public_key(), tok)
        n += 1
    if valid and n == 0:
        raise Fail("%s: a valid case with nothing verified" % where)
    return n


J.ALG_FOR_CHECK = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}


# ---------------------------------------------------------------- output

def jwks_files(fed_or_tok, names):
    return names


def make_kind(kind, notes, files, stats):
    order = table.load(os.path.join(CASES, kind, "order.json"))
    ctx = table.load(os.path.join(CASES, kind, "setup.json"))
    readme_rows = []
    all_inputs = {}
    if kind == "oidc-trust-chain":
        fed = Federation(ctx, kind)
        for name in ctx["jwks_files"]:
            files["%s/jwks/%s.jwks.json" % (kind, name)] = vecfile.dumps(fed.jwks(name))
    else:
        fed = None
        for fname, members in ctx["jwks_files"].items():
            files["%s/keys/%s.jwks.json" % (kind, fname)] = vecfile.dumps({"keys": [J.jwk_public(KEYS(k), kid, "sig") for k, kid in members]})
        for fname, (k, kid) in ctx["private_jwk_files"].items():
            files["%s/keys/%s.jwk.json" % (kind, fname)] = vecfile.dumps(J.jwk_private(KEYS(k), kid, "enc"))
        tok = dict(ctx)
        tok["now"] = epoch(ctx["now"])
    for vname in order:
        t = table.load(os.path.join(CASES, kind, vname + ".json"))
        groups = []
        tests_all = []
        tc = 0
        for g in t["groups"]:
            tests = []
            for row in g["rows"]:
                tc += 1
                slug = row["slug"]
                sub = "chains" if kind == "oidc-trust-chain" else "tokens"
                rel = "%s/%s.json" % (sub, slug)
                checks = []
                if "text" in row:
                    inp = {"text": row["text"]}
                elif "same_as" in row:
                    inp = {"file": "%s/%s.json" % (sub, row["same_as"])}
                    if ("%s/%s" % (kind, inp["file"])) not in files:
                        raise Fail("%s: same_as %s before it is made" % (slug, row["same_as"]))
                else:
                    key = "%s/%s" % (kind, rel)
                    if key in files:
                        raise Fail("duplicate slug " + slug)
                    label = "%s/%s" % (kind, slug)
                    data = build_chain(fed, row, label, checks) if fed else build_token(tok, row, label, checks)
                    files[key] = data
                    inp = {"file": rel}
                    selfcheck(checks, row["result"] == "valid", slug)
                test = {"tcId": tc, "comment": row["comment"], "input": inp}
                if "context" in row:
                    test["context"] = row["context"]
                test["result"] = row["result"]
                if row["result"] == "valid" and "identity" in row:
                    test["identity"] = row["identity"]
                if "code" in row:
                    if row["code"] not in CODES[kind]:
                        raise Fail("%s: %s is not a code of %s" % (slug, row["code"], kind))
                    test["expectedError"] = row["code"]
                elif row["result"] == "invalid" and not row.get("no_code_reason"):
                    raise Fail("%s: an invalid row needs `code` or `no_code_reason`" % slug)
                test["flags"] = row.get("flags", [])
                for f in test["flags"]:
                    if f not in notes:
                        raise Fail("%s: unknown flag %s" % (slug, f))
                tests.append(test)
                tests_all.append(test)
                readme_rows.append((vname, tc, test, row.get("slug")))
            grp = {"source": g["source"], "trust": g["trust"], "context": g["context"], "tests": tests}
            groups.append(grp)
        files["%s/%s.json" % (kind, vname)] = vecfile.vector_file(kind, t["header"], vecfile.used_notes(notes, tests_all), groups)
        stats.append((kind, vname, t["title"], len(tests_all), sum(1 for x in tests_all if x["result"] == "valid"), sum(1 for x in tests_all if x["result"] == "invalid")))
    files["%s/README.md" % kind] = readme(kind, ctx, stats, files)


def readme(kind, ctx, stats, files):
    rows = [s for s in stats if s[0] == kind]
    total = sum(s[3] for s in rows)
    valid = sum(s[4] for s in rows)
    invalid = sum(s[5] for s in rows)
    lines = ["# %s/: idbridge's own generated vectors (kind `%s`)" % (kind, kind), ""]
    lines += [
        "Contract: `VECTORS.md`, kind `%s` (its JOSE rules, check order and codes). Made by `../oidc-generator/generate.py` from the case tables `../oidc-generator/cases/%s/` with the TEST keys of `../keys/`; never edited by hand (`generate.py --check` proves the files are its output). Total: %d cases, %d valid, %d invalid." % (kind, kind, total, valid, invalid),
        "",
        "Context unless a case overrides it: `now` %s%s." % (ctx["now"], ctx.get("readme_context", "")),
        "",
        "## Files",
        "",
        "| file | what | cases |",
        "|---|---|---|",
    ]
    for _, vname, title, n, v, i in rows:
        lines.append("| `%s.json` | %s | %d: %d valid, %d invalid |" % (vname, title, n, v, i))
    sub = "chains" if kind == "oidc-trust-chain" else "tokens"
    extra = sorted(p[len(kind) + 1:] for p in files if p.startswith(kind + "/") and not p.endswith("README.md") and "/" in p[len(kind) + 1:])
    inputs = [p for p in extra if p.startswith(sub + "/")]
    keys = [p for p in extra if not p.startswith(sub + "/")]
    lines.append("| `%s/*.json` | the inputs, one per case that has its own (%d files): %s | – |" % (sub, len(inputs), ctx["input_desc"]))
    for k in keys:
        lines.append("| `%s` | %s | – |" % (k, ctx["key_desc"].get(os.path.basename(k).split(".")[0], "TEST key material")))
    lines += ["", "## Things an implementation must know", ""]
    for n, note in enumerate(ctx["readme_notes"], 1):
        lines.append("%d. %s" % (n, note))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--out", default=TV)
    a = ap.parse_args()
    notes = table.load(os.path.join(CASES, "notes.json"))
    files = {}
    stats = []
    try:
        for kind in KINDS:
            make_kind(kind, notes, files, stats)
    except Fail as e:
        print("self-check failed: %s" % e, file=sys.stderr)
        return 1
    if a.check:
        bad = []
        for kind in KINDS:
            sub = {p[len(kind) + 1:]: d for p, d in files.items() if p.startswith(kind + "/")}
            bad += [kind + "/" + p for p in vecfile.diff_tree(os.path.join(a.out, kind), sub)]
        for b in bad:
            print("differs: " + b)
        print("%d files, %d differ" % (len(files), len(bad)))
        return 1 if bad else 0
    for kind in KINDS:
        sub = {p[len(kind) + 1:]: d for p, d in files.items() if p.startswith(kind + "/")}
        vecfile.write_tree(os.path.join(a.out, kind), sub, clean=True)
    for s in stats:
        print("%s/%s.json: %d cases (%d valid, %d invalid)" % (s[0], s[1], s[3], s[4], s[5]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
