#!/usr/bin/env python3
"""Check idbridge vector files beyond what the Rust runner does.

    python3 test-vectors/schema/check_vectors.py [PATH ...]   # default: test-vectors/

For every vector file (a JSON file whose top-level `schema` starts with
`idbridge-vectors/`) under PATH:

1. validates it against idbridge-vectors-1.schema.json (needs `jsonschema`);
2. checks what JSON Schema cannot say: numberOfTests equals the number of
   tests, tcIds are unique, every flag names a note of the file, every
   referenced file (trust material, `input.file`) exists;
3. for kind `signature`, re-derives every expected result with a second,
   independent model of the contract built on pyca/cryptography (OpenSSL /
   Rust ASN.1), and, when python-ecdsa is installed, checks that every valid
   ECDSA signature flagged `Valid` is exactly the RFC 6979 one.

Optional packages: `pip install jsonschema cryptography ecdsa`; a missing one
skips its check with a notice. Exit status 0 only if nothing failed. This is
a documented manual check for whoever edits the vectors or the generator;
the Rust generator already checks every case against its own model.
"""

import base64
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

ALGS = (
    [f"rsa-pkcs1v15-{h}" for h in ("sha256", "sha384", "sha512")]
    + [f"rsa-pss-{h}" for h in ("sha256", "sha384", "sha512")]
    + [
        f"ecdsa-{c}-{h}-{e}"
        for e in ("raw", "der")
        for c in ("p256", "p384", "p521")
        for h in ("sha256", "sha384", "sha512")
    ]
)

failures = []
rfc6979_matched = [0]


def fail(where, msg):
    failures.append(f"{where}: {msg}")
    print(f"FAIL {where}: {msg}")


def vector_files(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
            continue
        for dirpath, _, names in os.walk(p):
            for n in sorted(names):
                if n.endswith(".json"):
                    yield os.path.join(dirpath, n)


def load_vector(path):
    try:
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(d, dict) and str(d.get("schema", "")).startswith("idbridge-vectors/"):
        return d
    return None


# ---------------------------------------------------------------- signature


class SignatureModel:
    """The signature kind's contract, on pyca/cryptography."""

    def __init__(self):
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

        self.hashes, self.ser, self.ec, self.padding, self.rsa, self.utils = (
            hashes,
            serialization,
            ec,
            padding,
            rsa,
            utils,
        )
        self.curves = {"p256": ("secp256r1", 32), "p384": ("secp384r1", 48), "p521": ("secp521r1", 66)}
        self.orders = {
            "p256": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
            "p384": int(
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
                16,
            ),
            "p521": int(
                "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409",
                16,
            ),
        }

    def hash(self, name):
        return {"sha256": self.hashes.SHA256(), "sha384": self.hashes.SHA384(), "sha512": self.hashes.SHA512()}[name]

    def read_key(self, path):
        data = open(path, "rb").read()
        if data.startswith(b"-----BEGIN"):
            lines = [l for l in data.decode().splitlines() if not l.startswith("-----")]
            data = base64.b64decode("".join(lines))
        return data

    def strict_der(self, sig):
        """(r, s) if sig is strict DER, else None: OpenSSL's decoder plus an exact re-encoding."""
        try:
            r, s = self.utils.decode_dss_signature(sig)
        except Exception:
            return None
        if r < 0 or s < 0 or self.utils.encode_dss_signature(r, s) != sig:
            return None
        return r, s

    def verdict(self, alg, allowed, spki, msg, sig):
        if alg not in ALGS or (allowed is not None and alg not in allowed):
            return "crypto.algorithm.forbidden"
        try:
            key = self.ser.load_der_public_key(spki)
        except Exception:
            return "crypto.key.malformed"
        # Exact consumption and canonical form: trailing bytes and compressed
        # points re-serialize differently.
        if key.public_bytes(self.ser.Encoding.DER, self.ser.PublicFormat.SubjectPublicKeyInfo) != spki:
            return "crypto.key.malformed"
        if isinstance(key, self.rsa.RSAPublicKey):
            pn = key.public_numbers()
            if not 2048 <= pn.n.bit_length() <= 8192 or pn.e % 2 == 0 or pn.e < 3 or pn.e >= 2**33:
                return "crypto.key.unsupported"
            kind = "rsa"
        elif isinstance(key, self.ec.EllipticCurvePublicKey):
            names = {v[0]: k for k, v in self.curves.items()}
            if key.curve.name not in names:
                return "crypto.key.unsupported"
            kind = names[key.curve.name]
        else:
            return "crypto.key.unsupported"
        parts = alg.split("-")
        if parts[0] == "rsa":
            if kind != "rsa":
                return "crypto.key.mismatch"
            h = self.hash(parts[2])
            k = (key.key_size + 7) // 8
            if len(sig) != k or int.from_bytes(sig, "big") >= key.public_numbers().n:
                return "crypto.signature.malformed"
            pad = (
                self.padding.PKCS1v15()
                if parts[1] == "pkcs1v15"
                else self.padding.PSS(mgf=self.padding.MGF1(h), salt_length=h.digest_size)
            )
            try:
                key.verify(sig, msg, pad, h)
                return None
            except Exception:
                return "crypto.signature.invalid"
        curve, hname, enc = parts[1], parts[2], parts[3]
        if kind != curve:
            return "crypto.key.mismatch"
        f = self.curves[curve][1]
        n = self.orders[curve]
        if enc == "raw":
            if len(sig) != 2 * f:
                return "crypto.signature.malformed"
            r, s = int.from_bytes(sig[:f], "big"), int.from_bytes(sig[f:], "big")
        else:
            rs = self.strict_der(sig)
            if rs is None:
                return "crypto.signature.malformed"
            r, s = rs
        if not (1 <= r < n and 1 <= s < n):
            return "crypto.signature.malformed"
        try:
            key.verify(self.utils.encode_dss_signature(r, s), msg, self.ec.ECDSA(self.hash(hname)))
            return None
        except Exception:
            return "crypto.signature.invalid"


def rfc6979_check(path, t, ctx, trust_file, msg, sig):
    """python-ecdsa's RFC 6979 signature must equal the case's (r, s)."""
    import hashlib

    import ecdsa
    from ecdsa.util import sigdecode_der, sigdecode_string

    alg = ctx["algorithm"]
    _, curve, hname, enc = alg.split("-")
    pem = trust_file.replace(".spki.der", ".pk8.pem").replace(".spki.pem", ".pk8.pem")
    if not os.path.exists(pem):
        return
    sk = ecdsa.SigningKey.from_pem(open(pem).read())
    hf = getattr(hashlib, hname)
    order = sk.curve.order
    want = sigdecode_string(sig, order) if enc == "raw" else sigdecode_der(sig, order)
    digest = hf(msg).digest()
    got = sk.sign_digest_deterministic(digest, hashfunc=hf, sigencode=lambda r, s, o: (r, s), allow_truncate=True)
    if tuple(got) != tuple(want):
        fail(f"{path} tcId {t['tcId']}", "not the RFC 6979 signature python-ecdsa computes")
    else:
        rfc6979_matched[0] += 1


# ---------------------------------------------------------------------- main


def main(argv):
    paths = argv[1:] or [ROOT]
    try:
        import jsonschema

        schema = json.load(open(os.path.join(HERE, "idbridge-vectors-1.schema.json")))
        validator = jsonschema.Draft202012Validator(schema)
    except ImportError:
        validator = None
        print("note: jsonschema not installed, schema validation skipped")
    try:
        model = SignatureModel()
    except ImportError:
        model = None
        print("note: cryptography not installed, signature cross-check skipped")
    try:
        import ecdsa  # noqa: F401

        have_ecdsa = True
    except ImportError:
        have_ecdsa = False
        print("note: ecdsa (python-ecdsa) not installed, RFC 6979 check skipped")

    files = cases = 0
    for path in vector_files(paths):
        d = load_vector(path)
        if d is None:
            continue
        files += 1
        base = os.path.dirname(path)
        if validator is not None:
            for e in validator.iter_errors(d):
                fail(path, f"schema: {list(e.absolute_path)}: {e.message[:200]}")
        tests = [(g, t) for g in d.get("testGroups", []) for t in g.get("tests", [])]
        cases += len(tests)
        if d.get("numberOfTests") != len(tests):
            fail(path, f"numberOfTests {d.get('numberOfTests')} but {len(tests)} tests")
        ids = [t.get("tcId") for _, t in tests]
        if len(set(ids)) != len(ids):
            fail(path, "duplicate tcId")
        notes = d.get("notes", {})
        used = set()
        for g, t in tests:
            for flag in t.get("flags", []):
                used.add(flag)
                if flag not in notes:
                    fail(f"{path} tcId {t.get('tcId')}", f"flag {flag} names no note")
            inp = t.get("input", {})
            if "file" in inp and not os.path.exists(os.path.join(base, inp["file"])):
                fail(f"{path} tcId {t.get('tcId')}", f"missing input file {inp['file']}")
        for name in sorted(set(notes) - used):
            print(f"note: {path}: note {name} is used by no case")
        for g in d.get("testGroups", []):
            trust = g.get("trust", {})
            refs = [v for v in trust.values() if isinstance(v, str)] + [
                x for v in trust.values() if isinstance(v, list) for x in v if isinstance(x, str)
            ]
            for r in refs:
                if not os.path.exists(os.path.join(base, r)):
                    fail(path, f"missing trust file {r}")
        if d.get("kind") != "signature" or model is None:
            continue
        for g, t in tests:
            where = f"{path} tcId {t.get('tcId')}"
            ctx = dict(g.get("context", {}))
            ctx.update(t.get("context", {}))
            if "algorithm" not in ctx or "signature" not in ctx:
                fail(where, "merged context lacks algorithm or signature")
                continue
            key_path = os.path.join(base, g["trust"]["public_key"])
            spki = model.read_key(key_path)
            inp = t["input"]
            if "base64" in inp:
                msg = base64.b64decode(inp["base64"])
            elif "text" in inp:
                msg = inp["text"].encode()
            else:
                msg = open(os.path.join(base, inp["file"]), "rb").read()
            sig = bytes.fromhex(ctx["signature"])
            got = model.verdict(ctx["algorithm"], ctx.get("allowed"), spki, msg, sig)
            want = None if t["result"] == "valid" else t.get("expectedError")
            if t["result"] == "acceptable":
                continue
            if got != want:
                fail(where, f"expected {want or 'valid'}, the cryptography model says {got or 'valid'}")
            if (
                have_ecdsa
                and got is None
                and "Valid" in t.get("flags", [])
                and ctx["algorithm"].startswith("ecdsa-")
            ):
                rfc6979_check(path, t, ctx, key_path, msg, sig)

    if rfc6979_matched[0]:
        print(f"RFC 6979: {rfc6979_matched[0]} ECDSA signatures equal python-ecdsa's")
    print(f"check_vectors: {files} files, {cases} cases, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
