#!/usr/bin/env python3
"""The generator of idbridge's own Smart-ID vectors: kind `smart-id` in
../smart-id/ (format and checks: VECTORS.md). The cases are data:
cases/smart-id.json, one row per case, each one change from the genuine
response; every expectation is written in the table from the contract, this
program only builds the inputs.

The ACSP_V2 payload and the RSASSA-PSS encoding (RFC 8017 §9.1.1) are this
file's own, written from the contract and the RFC; the salt comes from the
case name and the RSA private operation is raw, so the signatures, and the
RFC 6979 ECDSA certificates, are the same bytes on every run.

    generate.py              writes ../smart-id/
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
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier  # noqa: E402

from pylib import pki, vecfile  # noqa: E402

OUT = os.path.join(TV, "smart-id")
EKU_2025 = ObjectIdentifier("1.3.6.1.4.1.62306.5.7.0")
HASHES = {
    "SHA-256": hashlib.sha256,
    "SHA-384": hashlib.sha384,
    "SHA-512": hashlib.sha512,
    "SHA3-256": hashlib.sha3_256,
    "SHA3-384": hashlib.sha3_384,
    "SHA3-512": hashlib.sha3_512,
}
NOTES = {
    "ContextMismatch": {
        "bugType": "AUTH_BYPASS",
        "description": "A response signed for one request (rpChallenge, RP name, broker, interactions, "
        "scheme) accepted for another: the ACSP_V2 payload must be rebuilt from what this RP sent.",
    },
    "SessionFixation": {
        "bugType": "AUTH_BYPASS",
        "description": "Same-device flows: the callback's userChallengeVerifier must hash to "
        "signature.userChallenge, or an attacker's session completes in the victim's browser.",
    },
    "WrongPrimitive": {
        "bugType": "WRONG_PRIMITIVE",
        "description": "Smart-ID v3 signs with RSASSA-PSS (SHA-2/SHA-3, MGF1, trailer 0xbc) and RSA keys only.",
    },
}
# Key usage profiles: (digital_signature, content_commitment, key_encipherment, data_encipherment), EKUs.
PROFILES = {
    "auth2025": ((True, False, False, False), [EKU_2025]),
    "legacy": ((True, False, True, True), [ExtendedKeyUsageOID.CLIENT_AUTH]),
    "signing": ((False, True, False, False), None),
    "no-eku": ((True, False, False, False), None),
    "eku-no-ds": ((False, False, True, False), [EKU_2025]),
    "legacy-no-de": ((True, False, True, False), [ExtendedKeyUsageOID.CLIENT_AUTH]),
}


def b64(b):
    return base64.b64encode(b).decode("ascii")


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


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


def user_cert(ca, user_key, profile, serial):
    ca_key, ca_name, _ = ca
    (ds, cc, ke, de), ekus = PROFILES[profile]
    pub = user_key.public_key()
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "EE"),
        x509.NameAttribute(NameOID.COMMON_NAME, "TESTNUMBER,OK"),
        x509.NameAttribute(NameOID.SURNAME, "TESTNUMBER"),
        x509.NameAttribute(NameOID.GIVEN_NAME, "OK"),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, "PNOEE-40504040001"),
    ])
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_name)
        .public_key(pub)
        .serial_number(serial)
        .not_valid_before(pki.utc(2026, 1, 1))
        .not_valid_after(pki.utc(2029, 1, 1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(ds, cc, ke, de, False, False, False, False, False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    if ekus:
        b = b.add_extension(x509.ExtendedKeyUsage(ekus), critical=False)
    return b.sign(ca_key, pki.signing_hash(ca_key), ecdsa_deterministic=True)


def mgf1(hash_name, seed, length):
    out = b""
    counter = 0
    while len(out) < length:
        out += HASHES[hash_name](seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def pss_sign(key, message, hash_name, mgf1_name, salt):
    """RSASSA-PSS-SIGN (RFC 8017 §8.1.1) with EMSA-PSS-ENCODE (§9.1.1)."""
    nums = key.private_numbers()
    n = nums.public_numbers.n
    mod_bits = n.bit_length()
    em_bits = mod_bits - 1
    em_len = (em_bits + 7) // 8
    h = HASHES[hash_name]
    m_hash = h(message).digest()
    h_len = len(m_hash)
    assert em_len >= h_len + len(salt) + 2
    hh = h(b"\x00" * 8 + m_hash + salt).digest()
    db = b"\x00" * (em_len - len(salt) - h_len - 2) + b"\x01" + salt
    masked = bytes(a ^ b for a, b in zip(db, mgf1(mgf1_name, hh, em_len - h_len - 1)))
    masked = bytes([masked[0] & (0xFF >> (8 * em_len - em_bits))]) + masked[1:]
    em = masked + hh + b"\xbc"
    # RSASP1 with the CRT (RFC 8017 §5.1.2, 2.b): the same s, a quarter of the work.
    m = int.from_bytes(em, "big")
    s1 = pow(m, nums.dmp1, nums.p)
    s2 = pow(m, nums.dmq1, nums.q)
    s = s2 + nums.q * ((s1 - s2) * nums.iqmp % nums.p)
    assert pow(s, nums.public_numbers.e, n) == m
    return s.to_bytes((mod_bits + 7) // 8, "big")


def acsp_payload(ctx, server_random, user_challenge, interaction_type, flow, interactions_decoded=False):
    """VECTORS.md kind smart-id: the ACSP_V2 payload of the RP's values and the response's."""
    interactions = ctx["interactions"].encode("utf-8")
    if interactions_decoded:
        interactions = base64.b64decode(interactions)
    fields = [
        ctx["schema_name"],
        "ACSP_V2",
        server_random,
        ctx["rp_challenge"],
        user_challenge,
        b64(ctx["relying_party_name"].encode("utf-8")),
        b64(ctx["brokered_rp_name"].encode("utf-8")),
        b64(hashlib.sha256(interactions).digest()),
        interaction_type,
        "" if flow == "QR" else ctx["initial_callback_url"],
        flow,
    ]
    return "|".join(fields).encode("utf-8")


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


def build():
    table = json.loads(open(os.path.join(HERE, "cases", "smart-id.json"), encoding="utf-8").read())
    gctx = table["context"]
    verifier = table["verifier"]
    cas = {
        "ca": ca_cert("p384", "idbridge TEST Smart-ID generator CA", 0x5101, pki.utc(2025, 1, 1), pki.utc(2035, 1, 1)),
        "expired-ca": ca_cert("p384", "idbridge TEST Smart-ID generator CA", 0x5102, pki.utc(2020, 1, 1), pki.utc(2026, 3, 1)),
        "other-ca": ca_cert("p384-b", "idbridge TEST Smart-ID generator CA", 0x5103, pki.utc(2025, 1, 1), pki.utc(2035, 1, 1)),
    }
    files = {
        "trust/ca.der": pki.der(cas["ca"][2]),
        "trust/expired-ca.der": pki.der(cas["expired-ca"][2]),
    }
    signed_data = b"<ds:SignedInfo>the bytes an RP had signed (generator)</ds:SignedInfo>"
    files["inputs/signed-data.bin"] = signed_data
    groups = {}
    serial = 0x6000
    for i, case in enumerate(table["cases"], start=1):
        name = case["name"]
        serial += 1
        protocol = case.get("protocol", "ACSP_V2")
        flow = case.get("flow", "QR")
        hash_name = case.get("hash", "SHA-256")
        mgf1_name = case.get("mgf1", hash_name)
        salt_len = case.get("salt", 32)
        salt = hashlib.sha512(("salt " + name).encode()).digest() * 2
        salt = salt[:salt_len]
        key_name = case.get("user_key", "rsa4096")
        user_key = pki.load_key(key_name)
        issuer = cas[case.get("issuer", "ca")]
        profile = case.get("profile", "auth2025")
        cert = pki.der(user_cert(issuer, user_key, profile, serial))
        sctx = dict(gctx, **case.get("sign_context", {}))
        server_random = case.get("server_random", "gen-serverRandom-" + hashlib.sha256(name.encode()).hexdigest()[:16])
        if flow in ("Web2App", "App2App") or "Web2App" in json.dumps(case.get("set_after", {})):
            user_challenge = b64u(hashlib.sha256(verifier.encode()).digest())
        else:
            user_challenge = b64u(hashlib.sha256(("uc " + name).encode()).digest())
        interaction = "displayTextAndPIN"
        if protocol == "ACSP_V2":
            message = acsp_payload(
                sctx, server_random, user_challenge, interaction, flow,
                case.get("sign_interactions_decoded", False),
            )
        else:
            message = signed_data
        if isinstance(user_key, rsa.RSAPrivateKey):
            sig = pss_sign(user_key, message, hash_name, mgf1_name, salt)
        else:
            sig = user_key.sign(message, __import__(
                "cryptography.hazmat.primitives.asymmetric.ec", fromlist=["ECDSA"]
            ).ECDSA(hashes.SHA256(), deterministic_signing=True))
        body = {
            "state": "COMPLETE",
            "result": {"endResult": "OK", "documentNumber": "PNOEE-40504040001-MOCK-Q"},
            "signatureProtocol": protocol,
            "signature": {"value": b64(sig)},
            "cert": {
                "value": b64u(cert) if case.get("cert_b64url") else b64(cert),
                "certificateLevel": case.get("level", "QUALIFIED"),
            },
            "interactionTypeUsed": interaction,
        }
        if protocol == "ACSP_V2":
            body["signature"].update(
                {"serverRandom": server_random, "userChallenge": user_challenge, "flowType": flow}
            )
        body["signature"].update({
            "signatureAlgorithm": "rsassa-pss",
            "signatureAlgorithmParameters": {
                "hashAlgorithm": hash_name,
                "maskGenAlgorithm": {"algorithm": "id-mgf1", "parameters": {"hashAlgorithm": mgf1_name}},
                "saltLength": salt_len,
                "trailerField": "0xbc",
            },
        })
        for path, value in dict(case.get("set", {}), **case.get("set_after", {})).items():
            if value == "LONG":
                value = "A" * 1372
            set_path(body, path, value)
        for path in case.get("drop", []):
            drop_path(body, path)
        rel = "inputs/%s.json" % name
        files[rel] = vecfile.dumps(body)
        ctx = {}
        if case.get("context_protocol"):
            pass
        elif protocol == "RAW_DIGEST_SIGNATURE":
            ctx["signature_protocol"] = "RAW_DIGEST_SIGNATURE"
            ctx["signed_data"] = {"file": "inputs/signed-data.bin"}
        if (flow in ("Web2App", "App2App") or case.get("set_after")) and not case.get("no_verifier"):
            ctx["user_challenge_verifier"] = verifier
        ctx.update(case.get("context", {}))
        test = {"tcId": i, "comment": case["comment"], "input": {"file": rel}}
        if ctx:
            test["context"] = ctx
        test["result"] = case["result"]
        if "expectedError" in case:
            test["expectedError"] = case["expectedError"]
        if "identity" in case:
            test["identity"] = case["identity"]
        test["flags"] = case.get("flags", [])
        anchor = case.get("anchor", "ca")
        groups.setdefault(anchor, []).append(test)
    out_groups = []
    for anchor in ("ca", "expired-ca"):
        out_groups.append({
            "source": "idbridge's own TEST keys, written by test-vectors/smartid-generator/generate.py",
            "trust": {"anchors": ["trust/%s.der" % anchor]},
            "context": gctx,
            "tests": groups[anchor],
        })
    all_tests = [t for g in out_groups for t in g["tests"]]
    text = vecfile.vector_file("smart-id", table["header"], vecfile.used_notes(NOTES, all_tests), out_groups)
    files["generated.json"] = text
    files["README.md"] = readme(len(all_tests), sum(t["result"] == "valid" for t in all_tests))
    return files


def readme(n, valid):
    return (
        "# smart-id/: idbridge's own Smart-ID vectors (kind `smart-id`)\n\n"
        "Written by `../smartid-generator/generate.py` from its case table "
        "(`../smartid-generator/cases/smart-id.json`); never edit by hand. %d cases, %d valid, %d invalid.\n\n"
        "| file | what |\n|---|---|\n"
        "| `generated.json` | the vector file: two groups (the CA, an expired CA) |\n"
        "| `trust/ca.der`, `trust/expired-ca.der` | the TEST CAs (P-384, `../keys/p384`), the second expired |\n"
        "| `inputs/*.json` | one session-status response per case, named by the case |\n"
        "| `inputs/signed-data.bin` | the bytes the RAW_DIGEST_SIGNATURE cases sign |\n"
    ) % (n, valid, n - valid)


def main():
    return vecfile.main("smartid-generator", OUT, build, __doc__.split("\n\n")[0])


if __name__ == "__main__":
    sys.exit(main())
