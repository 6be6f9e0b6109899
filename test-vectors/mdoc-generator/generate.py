#!/usr/bin/env python3
"""The generator of idbridge's own mdoc vectors: kind `mdoc` in ../mdoc/
(format and checks: VECTORS.md). The cases are data: cases/mdoc.json, one
row per case, each one change from the genuine DeviceResponse; every
expectation is written in the table from the contract (`result`, `error`,
under the contract's default policy) and from the library's brainpool
policy (`with_brainpool`, read by tests/mdoc.rs, which runs every input
again with `Expectations::brainpool` on). This program only builds inputs.

The CBOR encoder is this file's own (RFC 8949 preferred serialization,
maps in the order written); the keys come from fixed scalars and every
ECDSA signature is RFC 6979, so the output is the same bytes on every run.
Brainpool signatures come from OpenSSL through `cryptography`.

    generate.py              writes ../mdoc/
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
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature  # noqa: E402

from pylib import pki, vecfile  # noqa: E402

OUT = os.path.join(TV, "mdoc")
NOW = "2026-05-01T00:00:00Z"
DOCTYPE = "eu.europa.ec.eudi.pid.1"
# A proximity SessionTranscript: [DeviceEngagementBytes, EReaderKeyBytes, Handover]
# stand-ins (the verifier takes the array as given).

# ---------------------------------------------------------------- CBOR


class Tag:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


class Raw:
    """Bytes inserted as they are (an item already encoded)."""

    def __init__(self, data):
        self.data = data


def head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for ai, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | ai]) + n.to_bytes(size, "big")
    raise ValueError("too large")


def cbor(v):
    """Preferred serialization; a dict is a map in insertion order, a list of
    pairs wrapped in `Pairs` likewise."""
    if isinstance(v, Raw):
        return v.data
    if v is None:
        return b"\xf6"
    if v is True:
        return b"\xf5"
    if v is False:
        return b"\xf4"
    if isinstance(v, int):
        return head(0, v) if v >= 0 else head(1, -1 - v)
    if isinstance(v, bytes):
        return head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode("utf-8")
        return head(3, len(b)) + b
    if isinstance(v, list):
        return head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        return head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())
    if isinstance(v, Tag):
        return head(6, v.tag) + cbor(v.value)
    raise TypeError(type(v))


def tag24(data):
    return Tag(24, data)


# ---------------------------------------------------------------- keys

CURVES = {
    "p256": (ec.SECP256R1(), hashes.SHA256(), 32, 1, -7),
    "p384": (ec.SECP384R1(), hashes.SHA384(), 48, 2, -35),
    "bp256": (ec.BrainpoolP256R1(), hashes.SHA256(), 32, 256, -7),
    "bp384": (ec.BrainpoolP384R1(), hashes.SHA384(), 48, 258, -35),
}


def key(label, curve):
    """A private key from a fixed scalar: SHA-512 of the label, reduced."""
    c = CURVES[curve][0]
    scalar = int.from_bytes(hashlib.sha512(b"idbridge mdoc TEST " + label.encode()).digest(), "big")
    # every order here is above 2^255: 1 <= scalar < 2^255 is in range.
    return ec.derive_private_key(scalar % (1 << 255) or 1, c)


def raw_sign(priv, curve, message):
    _, h, size, _, _ = CURVES[curve]
    der = priv.sign(message, ec.ECDSA(h, deterministic_signing=True))
    r, s = decode_dss_signature(der)
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def xy(priv, curve):
    size = CURVES[curve][2]
    n = priv.public_key().public_numbers()
    return n.x.to_bytes(size, "big"), n.y.to_bytes(size, "big")


IACA_KEY = key("IACA", "p256")
# Another IACA with the same name and another key: what a verifier that
# trusts only IACA_KEY must refuse (trust/other-iaca.pem).
OTHER_IACA_KEY = key("IACA other", "p256")
IACA_NAME = pki.name(("C", "IT"), ("O", "idbridge TEST"), ("CN", "idbridge TEST IACA mdoc-generator"))


def iaca_cert(iaca_key=IACA_KEY, serial=0x4D01):
    pub = iaca_key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(IACA_NAME)
        .issuer_name(IACA_NAME)
        .public_key(pub)
        .serial_number(serial)
        .not_valid_before(pki.utc(2025, 1, 1))
        .not_valid_after(pki.utc(2035, 1, 1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
        .sign(iaca_key, hashes.SHA256(), ecdsa_deterministic=True)
    )


BP_IACA_KEY = key("IACA bp256", "bp256")
BP_IACA_NAME = pki.name(("C", "IT"), ("O", "idbridge TEST"), ("CN", "idbridge TEST IACA bp256"))
# Not configured: the same name as the brainpool IACA, another key.
ROGUE_IACA_KEY = key("IACA bp256 rogue", "bp256")


def bp_iaca_cert():
    pub = BP_IACA_KEY.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(BP_IACA_NAME)
        .issuer_name(BP_IACA_NAME)
        .public_key(pub)
        .serial_number(0x4D02)
        .not_valid_before(pki.utc(2025, 1, 1))
        .not_valid_after(pki.utc(2035, 1, 1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
        .sign(BP_IACA_KEY, hashes.SHA256(), ecdsa_deterministic=True)
    )


def bp_ds_cert(curve, serial, variant):
    """A DS under the brainpool IACA; `variant` changes one thing: `expired`
    (notAfter before now), `rogue` (signed by an IACA key not configured),
    `eku` (the mDL DS EKU 1.0.18013.5.1.2), `ca` (basicConstraints cA TRUE)."""
    priv = key("DS " + curve, curve)
    pub = priv.public_key()
    end = pki.utc(2026, 4, 15) if variant == "expired" else pki.utc(2027, 1, 1)
    signer = ROGUE_IACA_KEY if variant == "rogue" else BP_IACA_KEY
    b = (
        x509.CertificateBuilder()
        .subject_name(pki.name(("C", "IT"), ("O", "idbridge TEST"), ("CN", "idbridge TEST DS %s under bp256" % curve)))
        .issuer_name(BP_IACA_NAME)
        .public_key(pub)
        .serial_number(serial)
        .not_valid_before(pki.utc(2026, 1, 1))
        .not_valid_after(end)
        .add_extension(key_usage(), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False)
    )
    if variant == "eku":
        b = b.add_extension(x509.ExtendedKeyUsage([x509.ObjectIdentifier("1.0.18013.5.1.2")]), critical=True)
    if variant == "ca":
        b = b.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    return priv, b.sign(signer, hashes.SHA256(), ecdsa_deterministic=True)


def key_usage(cert_sign=False):
    flags = dict.fromkeys(
        "content_commitment key_encipherment data_encipherment key_agreement crl_sign encipher_only decipher_only".split(),
        False,
    )
    return x509.KeyUsage(digital_signature=not cert_sign, key_cert_sign=cert_sign, **flags)


def ds_cert(curve, serial, label=None, iaca_key=IACA_KEY):
    label = label or curve
    priv = key("DS " + label, curve)
    pub = priv.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(pki.name(("C", "IT"), ("O", "idbridge TEST"), ("CN", "idbridge TEST DS " + label)))
        .issuer_name(IACA_NAME)
        .public_key(pub)
        .serial_number(serial)
        .not_valid_before(pki.utc(2026, 1, 1))
        .not_valid_after(pki.utc(2027, 1, 1))
        .add_extension(key_usage(), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(iaca_key.public_key()), critical=False)
        .sign(iaca_key, hashes.SHA256(), ecdsa_deterministic=True)
    )
    return priv, cert


# ---------------------------------------------------------------- a response

ELEMENTS = [("family_name", "Rossi"), ("given_name", "Mario"), ("birth_date", Tag(1004, "1980-01-10"))]
TRANSCRIPT = cbor([b"\xa0", tag24(cbor({1: 2})), None])
# The OpenID4VP group's IT PID: both namespaces, the tax code in the Italian one.
PID_IT = "eu.europa.ec.eudi.pid.it.1"
OPENID4VP_ELEMENTS = {
    DOCTYPE: ELEMENTS + [("age_over_18", True), ("nationalities", ["IT"])],
    PID_IT: [("tax_id_code", "TINIT-RSSMRA80A10H501U")],
}


def openid4vp_transcript(ctx):
    """OpenID4VP 1.0 B.2.6.1: [null, null, ["OpenID4VPHandover", SHA-256(cbor(
    [client_id, nonce, jwkThumbprint, response_uri]))]]."""
    thumb = ctx["jwk_thumbprint"]
    assert thumb is None, "the group is not encrypted"
    info = cbor([ctx["client_id"], ctx["nonce"], None, ctx["response_uri"]])
    return cbor([None, None, ["OpenID4VPHandover", hashlib.sha256(info).digest()]])


def item_bytes(digest_id, ident, value):
    return cbor(
        tag24(cbor({"digestID": digest_id, "random": hashlib.sha256(ident.encode()).digest()[:16],
                    "elementIdentifier": ident, "elementValue": value}))
    )


def response(case, ds_certs, elements=None, transcript=TRANSCRIPT):
    c = case.get("change", {})
    ds_curve = c.get("ds", "p256")
    dev_curve = c.get("device", "p256")
    if "bp_iaca" in c:
        ds_priv, ds = bp_ds_cert(ds_curve, 0x4D20 + len(c["bp_iaca"]), c["bp_iaca"])
    else:
        ds_priv, ds = ds_certs["other" if c.get("iaca") == "other" else ds_curve]
    dev_priv = key("device " + dev_curve, dev_curve)
    name_spaces = {}
    digests = {}
    for ns, elems in (elements or {DOCTYPE: ELEMENTS}).items():
        name_spaces[ns] = []
        digests[ns] = {}
        for i, (ident, value) in enumerate(elems):
            item = item_bytes(i, ident, value)
            digests[ns][i] = hashlib.sha256(item).digest()
            if c.get("tamper") == ident:
                # Another value under the same digestID: the MSO keeps the original's digest.
                item = item_bytes(i, ident, "Maria")
            name_spaces[ns].append(Raw(item))
    x, y = xy(dev_priv, dev_curve)
    if "device_x_len" in c:
        x = x[: c["device_x_len"]]
    if c.get("device_off_curve"):
        y = bytes(y[:-1]) + bytes([y[-1] ^ 1])
    crv = c.get("device_crv", CURVES[dev_curve][3])
    mso = {
        "version": "1.0",
        "digestAlgorithm": "SHA-256",
        "valueDigests": digests,
        "deviceKeyInfo": {"deviceKey": {1: 2, -1: crv, -2: x, -3: y}},
        "docType": DOCTYPE,
        "validityInfo": {
            "signed": Tag(0, "2026-04-01T00:00:00Z"),
            "validFrom": Tag(0, "2026-04-01T00:00:00Z"),
            "validUntil": Tag(0, "2027-01-01T00:00:00Z"),
        },
    }
    payload = cbor(tag24(cbor(mso)))
    issuer_alg = c.get("issuer_alg", CURVES[ds_curve][4])
    protected = cbor({1: issuer_alg})
    sig = raw_sign(ds_priv, ds_curve, cbor(["Signature1", protected, b"", payload]))
    sig = mangle(sig, c.get("issuer_sig"), ds_priv, ds_curve, ["Signature1", protected, b"", payload])
    issuer_auth = [protected, {33: pki.der(ds)}, payload, sig]
    ns_bytes = cbor(tag24(cbor({})))
    dab = cbor(tag24(cbor(["DeviceAuthentication", Raw(transcript), DOCTYPE, Raw(ns_bytes)])))
    device_alg = c.get("device_alg", CURVES[dev_curve][4])
    dprot = cbor({1: device_alg})
    to_sign = ["Signature1", dprot, b"", dab]
    dsig = mangle(raw_sign(dev_priv, dev_curve, cbor(to_sign)), c.get("device_sig"), dev_priv, dev_curve, to_sign)
    document = {
        "docType": DOCTYPE,
        "issuerSigned": {"nameSpaces": name_spaces, "issuerAuth": issuer_auth},
        "deviceSigned": {"nameSpaces": Raw(ns_bytes), "deviceAuth": {"deviceSignature": [dprot, {}, None, dsig]}},
    }
    return cbor({"version": "1.0", "documents": [document], "status": 0})


def mangle(sig, how, priv, curve, to_sign):
    """A signature spoilt as the case says: `flip` the last bit, `der` the
    DER ECDSA-Sig-Value instead of raw r‖s, `short` one byte less, `high-s`
    s replaced by n − s (still valid ECDSA: the verifier does not require low s)."""
    if how is None:
        return sig
    if how == "flip":
        return sig[:-1] + bytes([sig[-1] ^ 1])
    if how == "der":
        return priv.sign(cbor(to_sign), ec.ECDSA(CURVES[curve][1], deterministic_signing=True))
    if how == "short":
        return sig[:-1]
    if how == "zero-r":
        half = len(sig) // 2
        return bytes(half) + sig[half:]
    raise ValueError(how)


# ---------------------------------------------------------------- the file


def build():
    with open(os.path.join(HERE, "cases", "mdoc.json"), encoding="utf-8") as f:
        table = json.load(f)
    ds_certs = {curve: ds_cert(curve, 0x4D10 + i) for i, curve in enumerate(CURVES)}
    ds_certs["other"] = ds_cert("p256", 0x4D20, label="other-iaca", iaca_key=OTHER_IACA_KEY)
    files = {
        "trust/iaca.pem": pki.pem(iaca_cert()),
        "trust/other-iaca.pem": pki.pem(iaca_cert(OTHER_IACA_KEY, 0x4D02)),
        "trust/iaca-bp256.pem": pki.pem(bp_iaca_cert()),
    }
    tests = []
    policy = []

    def test(n, case, rel):
        t = {"tcId": n, "comment": case["comment"], "input": {"file": rel}, "result": case["result"]}
        if case["result"] == "valid":
            t["identity"] = {
                "system": "mdoc",
                "issuer": "CN=idbridge TEST DS %s,O=idbridge TEST,C=IT" % case.get("change", {}).get("ds", "p256"),
                "given_name": "Mario",
                "family_name": "Rossi",
                "birth_date": "1980-01-10",
            }
        else:
            t["expectedError"] = case["error"]
        t["flags"] = case.get("flags", [])
        return t

    for n, case in enumerate(table["cases"], 1):
        rel = "inputs/%s.cbor" % case["name"]
        files[rel] = response(case, ds_certs)
        tests.append(test(n, case, rel))
        policy.append({"input": rel, "with_brainpool": case["with_brainpool"]})
    # The OpenID4VP group: the vp_token entry as posted (base64url, no newline).
    o4 = table["openid4vp"]
    o4_tests = []
    for n, case in enumerate(o4["cases"], len(tests) + 1):
        rel = "inputs/%s.b64u" % case["name"]
        data = response(case, ds_certs, OPENID4VP_ELEMENTS, openid4vp_transcript(o4["context"]))
        files[rel] = base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
        t = test(n, case, rel)
        if case["result"] == "valid":
            t["identity"]["subject_id"] = "TINIT-RSSMRA80A10H501U"
            t["identity"]["attributes"] = {"%s/tax_id_code" % PID_IT: "TINIT-RSSMRA80A10H501U",
                                           "%s/nationalities.0" % DOCTYPE: "IT"}
        o4_tests.append(t)
    group = {
        "source": "idbridge's own: test-vectors/mdoc-generator/generate.py",
        "trust": {"anchors": ["trust/iaca.pem", "trust/iaca-bp256.pem"]},
        "context": {
            "now": NOW,
            "expected_doctype": DOCTYPE,
            "handover": "session-transcript",
            "session_transcript": TRANSCRIPT.hex(),
            "input_encoding": "cbor",
        },
        "tests": tests,
    }
    o4_group = {
        "source": group["source"] + ", group openid4vp: " + o4["about"],
        "trust": group["trust"],
        "context": {"now": NOW, "expected_doctype": DOCTYPE} | o4["context"],
        "tests": o4_tests,
    }
    notes = vecfile.used_notes(table["notes"], tests + o4_tests)
    files["generated.json"] = vecfile.vector_file("mdoc", table["header"], notes, [group, o4_group])
    files["brainpool-policy.json"] = vecfile.json_rows(
        {"about": "The outcome of each input with Expectations::brainpool on (tests/mdoc.rs); "
                  "written by ../mdoc-generator/generate.py."},
        "cases",
        policy,
    )
    return files


def main():
    return vecfile.main("mdoc-generator", OUT, lambda: build() | {"README.md": readme()}, __doc__.splitlines()[0])


def readme():
    with open(os.path.join(HERE, "cases", "mdoc.json"), encoding="utf-8") as f:
        table = json.load(f)
    n, o4 = len(table["cases"]), len(table["openid4vp"]["cases"])
    return (
        "# mdoc/: idbridge's own mdoc vectors (kind `mdoc`)\n\n"
        "Written by `../mdoc-generator/generate.py` from its case table "
        "(`../mdoc-generator/cases/mdoc.json`); never edit by hand. %d cases: "
        "%d in proximity, %d over OpenID4VP.\n\n"
        "| file | what |\n|---|---|\n"
        "| `generated.json` | the vector file (the contract's default policy: no brainpool) |\n"
        "| `brainpool-policy.json` | each proximity input's outcome with `Expectations::brainpool` on, run by `tests/mdoc.rs` |\n"
        "| `trust/iaca.pem` | the TEST IACA (P-256, a fixed scalar) |\n"
        "| `trust/other-iaca.pem` | another TEST IACA, same name, another key: the issuer of `openid4vp-pid-other-iaca`'s "
        "document signer, and the wrong trust of the browser demo's wallet tab |\n"
        "| `trust/iaca-bp256.pem` | the TEST brainpool IACA (brainpoolP256r1, a fixed scalar) |\n"
        "| `inputs/*.cbor` | one DeviceResponse per proximity case (proximity transcript, `input_encoding` `cbor`) |\n"
        "| `inputs/openid4vp-*.b64u` | the OpenID4VP group: an IT PID (`eu.europa.ec.eudi.pid.1` and "
        "`eu.europa.ec.eudi.pid.it.1`) as the `vp_token` entry a wallet posts (base64url, handover B.2.6.1 with the "
        "group's `client_id`, `nonce` and `response_uri`, not encrypted); the examples of `examples/browser`'s "
        "wallet tab |\n" % (n + o4, n, o4)
    )


if __name__ == "__main__":
    sys.exit(main())
