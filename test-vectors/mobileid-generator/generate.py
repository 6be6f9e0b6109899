#!/usr/bin/env python3
"""The generator of idbridge's own Mobile-ID vectors: kind `mobile-id` in
../mobile-id/ (format and checks: VECTORS.md). The cases are data:
cases/mobile-id.json, one row per case, each one change from the genuine
response; every expectation is written in the table from the contract, this
program only builds the inputs.

The hash each case "sent" is fixed by the case name; ECDSA is RFC 6979
(deterministic) over the prehash, RSA is PKCS#1 v1.5, and the raw r||s
re-encoding, the high-S twin and the broken forms are this file's own, so
every file is the same bytes on every run.

    generate.py              writes ../mobile-id/
    generate.py --check      regenerates in memory; exit 1 if a file differs
"""

import base64
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TV = os.path.normpath(os.path.join(HERE, ".."))
sys.path.insert(0, TV)

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

from pylib import pki, vecfile  # noqa: E402

OUT = os.path.join(TV, "mobile-id")
HASH_TYPES = {
    "SHA256": (hashlib.sha256, hashes.SHA256),
    "SHA384": (hashlib.sha384, hashes.SHA384),
    "SHA512": (hashlib.sha512, hashes.SHA512),
}
ORDERS = {
    "secp256r1": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "secp384r1": int(
        "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973", 16
    ),
    "secp521r1": int(
        "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
        16,
    ),
}
NOTES = {
    "ResponseChosenHash": {
        "bugType": "AUTH_BYPASS",
        "description": "The signature must be checked over the hash this RP generated and sent, never over a "
        "hash or algorithm the session-status response names: otherwise any signature the user ever made "
        "logs an attacker in.",
    },
    "SignatureMalleability": {
        "bugType": "SIGNATURE_MALLEABILITY",
        "description": "Mobile-ID EC signatures are raw r||s of twice the field size with 0 < r, s < n; a "
        "DER, swapped, zero or resized form must be refused, a high-S one verifies as ECDSA does.",
    },
    "WrongPrimitive": {
        "bugType": "WRONG_PRIMITIVE",
        "description": "RSA Mobile-ID signatures are RSASSA-PKCS1-v1_5 with the DigestInfo of the hash type; "
        "EC ones are ECDSA over the prehash (truncated to the order's size), not over a hash of it.",
    },
}


def b64(b):
    return base64.b64encode(b).decode("ascii")


def ca_cert(key_name, cn, serial, not_before, not_after):
    key = pki.load_key(key_name)
    subject = pki.name(("C", "EE"), ("O", "idbridge test vectors"), ("CN", cn))
    pub = key.public_key()
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(pub)
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
    )
    return key, subject, b.sign(key, pki.signing_hash(key), ecdsa_deterministic=True)


def user_cert(ca, user_key, serial, serial_number, dates):
    ca_key, ca_name, _ = ca
    pub = user_key.public_key()
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "EE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ESTEID (MOBIIL-ID)"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "authentication"),
        x509.NameAttribute(NameOID.SURNAME, "O’CONNEŽ-ŠUSLIK TESTNUMBER"),
        x509.NameAttribute(NameOID.GIVEN_NAME, "MARY ÄNN"),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number),
        x509.NameAttribute(NameOID.COMMON_NAME, "O’CONNEŽ-ŠUSLIK TESTNUMBER,MARY ÄNN," + serial_number),
    ])
    (nb, na) = dates
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_name)
        .public_key(pub)
        .serial_number(serial)
        .not_valid_before(pki.utc(*nb))
        .not_valid_after(pki.utc(*na))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=False)
        .add_extension(x509.KeyUsage(True, False, True, False, True, False, False, False, False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    return b.sign(ca_key, pki.signing_hash(ca_key), ecdsa_deterministic=True)


def field_len(key):
    return (key.curve.key_size + 7) // 8


def raw_rs(r, s, size):
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def sign(key, digest, hash_type, form):
    """The signature in `form` over `digest` (the hash the RP sent), or as the form says."""
    hcls = HASH_TYPES[hash_type][1]
    if isinstance(key, rsa.RSAPrivateKey):
        if form == "rsa-no-digestinfo":
            n = key.private_numbers()
            k = (n.public_numbers.n.bit_length() + 7) // 8
            em = b"\x00\x01" + b"\xff" * (k - len(digest) - 3) + b"\x00" + digest
            return pow(int.from_bytes(em, "big"), n.d, n.public_numbers.n).to_bytes(k, "big")
        if form == "rsa-pss":
            # PSS is randomised: the salt is empty, so the encoding is fixed.
            return key.sign(digest, padding.PSS(padding.MGF1(hcls()), 0), utils.Prehashed(hcls()))
        if form == "over-message":
            return key.sign(digest, padding.PKCS1v15(), hcls())
        assert form == "raw", form
        return key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hcls()))
    size = field_len(key)
    order = ORDERS[key.curve.name]
    if form == "over-message":
        der = key.sign(digest, ec.ECDSA(hcls(), deterministic_signing=True))
    else:
        der = key.sign(digest, ec.ECDSA(utils.Prehashed(hcls()), deterministic_signing=True))
    if form == "der":
        return der
    r, s = utils.decode_dss_signature(der)
    if s > order // 2:
        s = order - s  # low-S first, so "high-s" is always the high twin
    forms = {
        "raw": raw_rs(r, s, size),
        "over-message": raw_rs(r, s, size),
        "high-s": raw_rs(r, order - s, size),
        "swap": raw_rs(s, r, size),
        "r-n": raw_rs(order, s, size),
        "s-zero": raw_rs(r, 0, size),
        "wide": raw_rs(r, s, size + 16),
        "zero": bytes(2 * size),
        "truncated": raw_rs(r, s, size)[:-1],
        "padded": raw_rs(r, s, size) + b"\x00",
        "left-padded": b"\x00" + raw_rs(r, s, size),
        "flipped": bytes([raw_rs(r, s, size)[0] ^ 0x01]) + raw_rs(r, s, size)[1:],
    }
    return forms[form]


def set_path(obj, path, value):
    parts = path.split(".")
    for p in parts[:-1]:
        obj = obj[p]
    obj[parts[-1]] = value


def drop_path(obj, path):
    parts = path.split(".")
    for p in parts[:-1]:
        obj = obj[p]
    del obj[parts[-1]]


def mutate(body, cert, name):
    """The encoding mutations named in the table (member `mutate`)."""
    if name == "cert-url-safe":
        body["cert"] = base64.urlsafe_b64encode(cert).decode("ascii")
    elif name == "cert-no-padding":
        assert body["cert"].endswith("="), "choose a key whose certificate base64 is padded"
        body["cert"] = body["cert"].rstrip("=")
    elif name == "cert-pem":
        body["cert"] = "-----BEGIN CERTIFICATE-----\n" + body["cert"] + "\n-----END CERTIFICATE-----"
    elif name == "cert-whitespace":
        body["cert"] = body["cert"][:64] + "\n" + body["cert"][64:]
    elif name == "cert-trailing":
        body["cert"] = b64(cert + b"\x00")
    elif name == "cert-not-der":
        body["cert"] = b64(b"not a certificate")
    elif name == "cert-not-string":
        body["cert"] = [body["cert"]]
    elif name == "signature-no-padding":
        assert body["signature"]["value"].endswith("=")
        body["signature"]["value"] = body["signature"]["value"].rstrip("=")
    elif name == "signature-url-safe":
        url = base64.urlsafe_b64encode(base64.b64decode(body["signature"]["value"])).decode("ascii")
        assert url != body["signature"]["value"], "choose a case whose signature has + or /"
        body["signature"]["value"] = url
    elif name == "signature-hex":
        body["signature"]["value"] = base64.b64decode(body["signature"]["value"]).hex()
    elif name == "signature-not-string":
        body["signature"]["value"] = 7
    else:
        raise SystemExit("unknown mutation " + name)


def build():
    table = json.loads(open(os.path.join(HERE, "cases", "mobile-id.json"), encoding="utf-8").read())
    gctx = table["context"]
    cas = {
        "ca": ca_cert("p384", "idbridge TEST Mobile-ID generator CA", 0x7101, pki.utc(2025, 1, 1), pki.utc(2035, 1, 1)),
        "expired-ca": ca_cert("p384", "idbridge TEST Mobile-ID generator CA", 0x7102, pki.utc(2020, 1, 1), pki.utc(2027, 3, 1)),
        "other-ca": ca_cert("p384-b", "idbridge TEST Mobile-ID generator CA", 0x7103, pki.utc(2025, 1, 1), pki.utc(2035, 1, 1)),
    }
    files = {
        "trust/ca.der": pki.der(cas["ca"][2]),
        "trust/expired-ca.der": pki.der(cas["expired-ca"][2]),
    }
    groups = {}
    serial = 0x8000
    for i, case in enumerate(table["cases"], start=1):
        name = case["name"]
        serial += 1
        hash_type = case.get("hash_type", "SHA256")
        digest = HASH_TYPES[hash_type][0](("sent " + name).encode()).digest()
        user_key = pki.load_key(case.get("user_key", "p256"))
        dates = case.get("leaf_dates", [[2026, 1, 1], [2029, 1, 1]])
        cert = pki.der(user_cert(
            cas[case.get("issuer", "ca")], user_key, serial, case.get("serial_number", "60001019906"), dates
        ))
        signed = digest
        if case.get("signs_other_hash"):
            signed = HASH_TYPES[hash_type][0](("another " + name).encode()).digest()
        sig = sign(user_key, signed, hash_type, case.get("sig", "raw"))
        body = {
            "state": "COMPLETE",
            "result": "OK",
            "signature": {"value": b64(sig), "algorithm": case.get("algorithm", hash_type + "WithECEncryption"
                          if isinstance(user_key, ec.EllipticCurvePrivateKey) else hash_type + "WithRSAEncryption")},
            "cert": b64(cert),
            "time": "2027-06-01T09:59:58",
            "traceId": "idbridge-generator-%d" % i,
        }
        if case.get("signs_other_hash") == "named":
            body["signedHash"] = b64(signed)
            body["hashType"] = hash_type
        for path, value in case.get("set", {}).items():
            set_path(body, path, value)
        for path in case.get("drop", []):
            drop_path(body, path)
        if "mutate" in case:
            mutate(body, cert, case["mutate"])
        rel = "inputs/%s.json" % name
        files[rel] = vecfile.dumps(body)
        ctx = {"signed_hash": b64(digest), "hash_type": hash_type}
        ctx.update(case.get("context", {}))
        test = {"tcId": i, "comment": case["comment"], "input": {"file": rel}, "context": ctx}
        test["result"] = case["result"]
        for k in ("expectedError", "identity"):
            if k in case:
                test[k] = case[k]
        test["flags"] = case.get("flags", [])
        groups.setdefault(case.get("anchor", "ca"), []).append(test)
    out_groups = []
    for anchor in ("ca", "expired-ca"):
        out_groups.append({
            "source": "idbridge's own TEST keys, written by test-vectors/mobileid-generator/generate.py",
            "trust": {"anchors": ["trust/%s.der" % anchor]},
            "context": gctx,
            "tests": groups[anchor],
        })
    # tcIds in file order.
    n = 0
    for g in out_groups:
        for t in g["tests"]:
            n += 1
            t["tcId"] = n
    all_tests = [t for g in out_groups for t in g["tests"]]
    text = vecfile.vector_file("mobile-id", table["header"], vecfile.used_notes(NOTES, all_tests), out_groups)
    files["generated.json"] = text
    files["README.md"] = readme(all_tests)
    return files


def readme(tests):
    n = len(tests)
    by = {r: sum(t["result"] == r for t in tests) for r in ("valid", "acceptable", "invalid")}
    return (
        "# mobile-id/: idbridge's own Mobile-ID vectors (kind `mobile-id`)\n\n"
        "Written by `../mobileid-generator/generate.py` from its case table "
        "(`../mobileid-generator/cases/mobile-id.json`); never edit by hand. "
        "%d cases: %d valid, %d acceptable, %d invalid.\n\n"
        "| file | what |\n|---|---|\n"
        "| `generated.json` | the vector file: two groups (the CA, an expired CA) |\n"
        "| `trust/ca.der`, `trust/expired-ca.der` | the TEST CAs (P-384, `../keys/p384`), the second expired |\n"
        "| `inputs/*.json` | one session-status response per case, named by the case |\n"
    ) % (n, by["valid"], by["acceptable"], by["invalid"])


def main():
    return vecfile.main("mobileid-generator", OUT, build, __doc__.split("\n\n")[0])


if __name__ == "__main__":
    sys.exit(main())
