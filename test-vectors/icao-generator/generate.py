#!/usr/bin/env python3
"""The generator of idbridge's own ICAO 9303 vectors: kind `icao-sod` in
../icao/ (format and checks: VECTORS.md). The TEST PKI (CSCAs, document
signers) and the cases are data: cases/icao-sod.json, one row per
certificate and one row per case, each case one change from a genuine
chip read; every expectation is written in the table from the contract,
this program only builds the inputs.

Keys come from ../keys/ (committed). RSA certificates are PKCS#1 v1.5,
ECDSA (NIST and brainpool curves) is RFC 6979, and RSASSA-PSS takes its
salt from the case name, so every file is the same bytes on every run. The
explicit-parameter CSCA's ECParameters are copied from the OpenSSL-made
`ds-bp384-explicit.der`; that certificate, the two OpenSSL SODs and the
brainpool signature fixture stay as OpenSSL wrote them (an independent
implementation's encoding) and are carried over unchanged.

    generate.py              writes ../icao/
    generate.py --check      regenerates in memory; exit 1 if a file differs
"""

import base64
import datetime
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TV = os.path.normpath(os.path.join(HERE, ".."))
sys.path.insert(0, TV)

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

from pylib import pki, vecfile  # noqa: E402

OUT = os.path.join(TV, "icao")
# Made by OpenSSL, not by this program: carried over byte for byte.
KEPT = [
    "ds-bp256.der",
    "ds-bp384-explicit.der",
    "sod-bp256.der",
    "sod-bp384-explicit.der",
    "bp256.spki.der",
    "bp256.msg.sig",
]

OID = {
    "sha1": "1.3.14.3.2.26",
    "sha256": "2.16.840.1.101.3.4.2.1",
    "sha384": "2.16.840.1.101.3.4.2.2",
    "sha512": "2.16.840.1.101.3.4.2.3",
    "lds": "2.23.136.1.1.1",
    "id-data": "1.2.840.113549.1.7.1",
    "signed-data": "1.2.840.113549.1.7.2",
    "content-type": "1.2.840.113549.1.9.3",
    "message-digest": "1.2.840.113549.1.9.4",
    "ecdsa-sha256": "1.2.840.10045.4.3.2",
    "ecdsa-sha384": "1.2.840.10045.4.3.3",
    "rsa-pss": "1.2.840.113549.1.1.10",
    "mgf1": "1.2.840.113549.1.1.8",
    "sha256-rsa": "1.2.840.113549.1.1.11",
    "dsa-sha256": "2.16.840.1.101.3.4.3.2",
}
HASHES = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
CRYPTO_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}

# ------------------------------------------------------------------ DER


def length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, contents):
    return bytes([tag]) + length(len(contents)) + contents


def seq(*parts):
    return tlv(0x30, b"".join(parts))


def set_of(*parts):
    return tlv(0x31, b"".join(parts))


def integer(v):
    n = max(1, (v.bit_length() + 8) // 8) if v >= 0 else max(1, ((-v - 1).bit_length() + 8) // 8)
    return tlv(0x02, v.to_bytes(n, "big", signed=True))


def oid(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray([40 * arcs[0] + arcs[1]])
    for a in arcs[2:]:
        chunk = [a & 0x7F]
        a >>= 7
        while a:
            chunk.append(0x80 | (a & 0x7F))
            a >>= 7
        body += bytes(reversed(chunk))
    return tlv(0x06, bytes(body))


def octets(b):
    return tlv(0x04, b)


NULL = b"\x05\x00"


def alg(name, params=None):
    return seq(oid(OID[name]), params if params is not None else b"")


def read_tlv(b, at=0):
    """(tag, contents start, end) of the TLV at `at` (DER definite lengths)."""
    tag, l0 = b[at], b[at + 1]
    if l0 < 0x80:
        return tag, at + 2, at + 2 + l0
    n = l0 & 0x7F
    ln = int.from_bytes(b[at + 2:at + 2 + n], "big")
    return tag, at + 2 + n, at + 2 + n + ln


def children(b, start, end):
    out = []
    while start < end:
        t, s, e = read_tlv(b, start)
        out.append((t, start, s, e))
        start = e
    return out


# ------------------------------------------------------------------ PKI

NAME_OIDS = {"C": NameOID.COUNTRY_NAME, "O": NameOID.ORGANIZATION_NAME, "CN": NameOID.COMMON_NAME}


def when(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


def explicit_spki(key, kept):
    """`key`'s SPKI with the explicit brainpoolP384r1 ECParameters of the
    OpenSSL-made certificate `kept` (the parameters are the curve's, the
    same for every key on it)."""
    der = kept["ds-bp384-explicit.der"]
    _, s, e = read_tlv(der)
    tbs = children(der, s, e)[0]
    fields = children(der, tbs[2], tbs[3])
    spki = [f for f in fields if f[0] == 0x30][4]  # sigalg, issuer, validity, subject, spki
    alg_tlv = children(der, spki[2], spki[3])[0]
    algorithm = der[alg_tlv[1]:alg_tlv[3]]
    point = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return seq(algorithm, tlv(0x03, b"\x00" + point))


def sign_bytes(key, data, hash_name):
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), CRYPTO_HASHES[hash_name]())
    return key.sign(data, ec.ECDSA(CRYPTO_HASHES[hash_name](), deterministic_signing=True))


def certificate(row, certs, kept):
    """One certificate of the table: (DER, private key)."""
    key = pki.load_key(row["key"])
    subject = x509.Name([x509.NameAttribute(NAME_OIDS[k], v) for k, v in row["subject"]])
    if row["issuer"] == "self":
        issuer_name, issuer_key = subject, key
    else:
        issuer_der, issuer_key = certs[row["issuer"]]
        issuer_name = x509.load_der_x509_certificate(issuer_der).subject
    profile = row["profile"]
    ca = profile.startswith("csca") or profile == "ds-ca"
    ku = dict.fromkeys(
        "digital_signature content_commitment key_encipherment data_encipherment key_agreement "
        "key_cert_sign crl_sign encipher_only decipher_only".split(),
        False,
    )
    if profile == "csca":
        ku.update(key_cert_sign=True, crl_sign=True)
    elif profile == "csca-no-kcs":
        ku.update(digital_signature=True, crl_sign=True)
    else:
        ku.update(digital_signature=True)
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(row["serial"])
        .not_valid_before(when(row["not_before"]))
        .not_valid_after(when(row["not_after"]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if profile.startswith("csca") else None), critical=True)
        .add_extension(x509.KeyUsage(**ku), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if row["issuer"] != "self":
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    if profile == "ds-crit":
        b = b.add_extension(
            x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.99999.1"), NULL), critical=True
        )
    hash_name = row["hash"]
    if isinstance(issuer_key, rsa.RSAPrivateKey):
        cert = b.sign(issuer_key, CRYPTO_HASHES[hash_name](), rsa_padding=padding.PKCS1v15())
    else:
        cert = b.sign(issuer_key, CRYPTO_HASHES[hash_name](), ecdsa_deterministic=True)
    der = pki.der(cert)
    if row.get("explicit_parameters"):
        # The same TBS with the key's SPKI in explicit form, signed again.
        named = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        tbs = cert.tbs_certificate_bytes
        _, s, e = read_tlv(tbs)
        body = tbs[s:e]
        assert body.count(named) == 1
        tbs = tlv(0x30, body.replace(named, explicit_spki(key, kept)))
        sig_alg = alg("ecdsa-" + hash_name) if not isinstance(issuer_key, rsa.RSAPrivateKey) else alg("sha256-rsa", NULL)
        der = seq(tbs, sig_alg, tlv(0x03, b"\x00" + sign_bytes(issuer_key, tbs, hash_name)))
    return der, key


# ------------------------------------------------------------ data groups


def td1(line1, line2, line3):
    return "".join(s.ljust(30, "<") for s in (line1, line2, line3))


def dg1_of(mrz):
    inner = b"\x5f\x1f" + length(len(mrz)) + mrz.encode("ascii")
    return b"\x61" + length(len(inner)) + inner


def dg11_of(fields):
    inner = b"".join(bytes.fromhex(t) + length(len(v.encode())) + v.encode() for t, v in fields)
    return b"\x6b" + length(len(inner)) + inner


MRZ = td1("C<ITACA00000AA4", "8001014F3001012ITA", "BIANCHI<<GIULIA<ANNA")
DG11_FIELDS = [("5f10", "BNCGLI80A41H501X"), ("5f2b", "19800101"), ("5f11", "ROMA<RM")]
DATA_GROUPS = {
    "dg1": dg1_of(MRZ),
    # Small stand-ins: passive authentication hashes the bytes as read.
    "dg2": b"DG2: a face image",
    "dg11": dg11_of(DG11_FIELDS),
    "dg14": b"DG14: security infos",
    "dg3": b"DG3: fingerprints",
    "nis": b"123456789012",
    # Signed and listed, but not what the contract reads: icao.dg.malformed.
    "dg1-short": dg1_of(MRZ[:88]),
    "dg1-lower": dg1_of(MRZ.replace("BIANCHI", "Bianchi")),
    "dg11-month-13": dg11_of([("5f10", "BNCGLI80A41H501X"), ("5f2b", "19801301")]),
    "nis-control": b"1234\x075678",
}
FOUR = [[1, "dg1"], [2, "dg2"], [11, "dg11"], [14, "dg14"]]

# ------------------------------------------------------------------ SODs


def emsa_pss(message, hash_name, em_bits, salt):
    """RFC 8017 §9.1.1 EMSA-PSS-ENCODE with MGF1 of the same hash."""
    h = HASHES[hash_name]
    m_hash = h(message).digest()
    em_len = (em_bits + 7) // 8
    hh = h(b"\x00" * 8 + m_hash + salt).digest()
    db = b"\x00" * (em_len - len(salt) - len(hh) - 2) + b"\x01" + salt
    mask, counter = b"", 0
    while len(mask) < len(db):
        mask += h(hh + counter.to_bytes(4, "big")).digest()
        counter += 1
    masked = bytearray(x ^ y for x, y in zip(db, mask))
    masked[0] &= 0xFF >> (8 * em_len - em_bits)
    return bytes(masked) + hh + b"\xbc"


def rsa_raw(key, em):
    n = key.private_numbers()
    k = (n.public_numbers.n.bit_length() + 7) // 8
    return pow(int.from_bytes(em, "big"), n.d, n.public_numbers.n).to_bytes(k, "big")


def pss_params(hash_name, salt_len):
    h = alg(hash_name)
    return seq(tlv(0xA0, h), tlv(0xA1, alg("mgf1", h)), tlv(0xA2, integer(salt_len)))


def sign_sod(key, to_sign, how, name):
    """(signatureAlgorithm DER, signature) of the SignerInfo, per `how`."""
    if how == "rsa-pss-sha256":
        salt = hashlib.sha256(("salt " + name).encode()).digest()
        em = emsa_pss(to_sign, "sha256", key.key_size - 1, salt)
        return seq(oid(OID["rsa-pss"]), pss_params("sha256", 32)), rsa_raw(key, em)
    if how == "rsa-pss-sha256-salt20":
        salt = hashlib.sha256(("salt " + name).encode()).digest()[:20]
        em = emsa_pss(to_sign, "sha256", key.key_size - 1, salt)
        return seq(oid(OID["rsa-pss"]), pss_params("sha256", 20)), rsa_raw(key, em)
    if how == "rsa-pss-sha1-default":
        salt = hashlib.sha1(("salt " + name).encode()).digest()
        em = emsa_pss(to_sign, "sha1", key.key_size - 1, salt)
        return seq(oid(OID["rsa-pss"]), seq()), rsa_raw(key, em)
    if how == "rsa-pkcs1-sha256":
        return alg("sha256-rsa", NULL), key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
    if how in ("ecdsa-sha256", "ecdsa-sha384"):
        return alg(how), sign_bytes(key, to_sign, how.split("-")[1])
    if how == "dsa-sha256":
        # An algorithm outside the contract, over an ECDSA signature's bytes.
        return alg("dsa-sha256"), sign_bytes(key, to_sign, "sha256")
    raise SystemExit("unknown signature " + how)


def sid_of(ds_der, kind):
    c = x509.load_der_x509_certificate(ds_der)
    if kind == "ski":
        ski = c.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
        return 3, tlv(0x80, ski)
    serial = c.serial_number + (1 if kind == "other-serial" else 0)
    return 1, seq(c.issuer.public_bytes(), integer(serial))


def build_sod(spec, name, certs):
    """EF.SOD from a case's `sod` object (every key optional)."""
    groups = [[n, DATA_GROUPS[g]] for n, g in spec.get("listed", FOUR)]
    lds_hash = spec.get("lds_hash", "sha256")
    dghs = b"".join(seq(integer(n), octets(HASHES[lds_hash](b).digest())) for n, b in groups)
    econtent = seq(integer(0), alg(lds_hash), seq(dghs))
    digest_alg = spec.get("digest_alg", "sha256")
    md = HASHES[digest_alg](econtent).digest()
    if spec.get("message_digest") == "other":
        md = HASHES[digest_alg](econtent + b"\x00").digest()
    attrs = seq(oid(OID["content-type"]), set_of(oid(OID[spec.get("signed_content_type", "lds")])))
    attrs += seq(oid(OID["message-digest"]), set_of(octets(md)))
    ds_der, ds_key = certs[spec["signer"]]
    sig_alg, signature = sign_sod(ds_key, tlv(0x31, attrs), spec["signature"], name)
    if spec.get("flip_signature"):
        signature = bytearray(signature)
        signature[10] ^= 1
        signature = bytes(signature)
    version, sid = sid_of(ds_der, spec.get("sid", "issuer-serial"))
    signer_info = seq(integer(version), sid, alg(digest_alg), tlv(0xA0, attrs), sig_alg, octets(signature))
    included = spec.get("certificates", [spec["signer"]])
    parts = [
        integer(3),
        set_of(alg(digest_alg)),
        seq(oid(OID[spec.get("econtent_type", "lds")]), tlv(0xA0, octets(econtent))),
    ]
    if included:
        parts.append(tlv(0xA0, b"".join(certs[c][0] for c in included)))
    parts.append(set_of(*[signer_info] * spec.get("signer_infos", 1)))
    ci = seq(oid(OID["signed-data"]), tlv(0xA0, seq(*parts)))
    sod = ci if spec.get("bare") else tlv(0x77, ci)
    if spec.get("indefinite"):
        sod = b"\x77\x80" + ci + b"\x00\x00"
    return sod + bytes.fromhex(spec.get("trailing", ""))


def b64(b):
    return base64.b64encode(b).decode("ascii")


def chip_document(case, sod):
    """The input document: the SOD and the groups given (default: those listed)."""
    spec = case.get("sod", {})
    given = case.get("given", spec.get("listed", FOUR))
    groups = {}
    for n, g in given:
        data = bytearray(DATA_GROUPS[g])
        if [n, g] in case.get("changed", []):
            data[-1] ^= 1
        groups[str(n)] = b64(bytes(data))
    doc = {"sod": b64(sod), "data_groups": groups}
    how = case.get("document")
    if how == "key-01":
        doc["data_groups"] = {("0" + k if k == "1" else k): v for k, v in groups.items()}
    elif how == "unpadded-base64":
        assert doc["sod"].endswith("=")
        doc["sod"] = doc["sod"].rstrip("=")
    elif how == "no-sod":
        del doc["sod"]
    elif how is not None:
        raise SystemExit("unknown document change " + how)
    return doc


def build():
    table = json.loads(open(os.path.join(HERE, "cases", "icao-sod.json"), encoding="utf-8").read())
    kept = {k: open(os.path.join(OUT, k), "rb").read() for k in KEPT}
    files = dict(kept)
    certs = {}
    for row in table["certificates"]:
        certs[row["file"]] = certificate(row, certs, kept)
        files[row["file"]] = certs[row["file"]][0]
    # The OpenSSL SODs' document signers, by file, for the cases that read them.
    openssl_sods = {"sod-bp256.der": kept["sod-bp256.der"], "sod-bp384-explicit.der": kept["sod-bp384-explicit.der"]}
    inputs = {}
    out_groups = []
    tc = 0
    for group in table["groups"]:
        tests = []
        for case in group["tests"]:
            tc += 1
            name = case["name"]
            rel = case.get("file", "inputs/%s.json" % name)
            if "same_input_as" in case:
                rel = inputs[case["same_input_as"]]
            else:
                spec = case.get("sod", {})
                sod = openssl_sods[spec["openssl"]] if "openssl" in spec else build_sod(spec, name, certs)
                files[rel] = vecfile.dumps(chip_document(case, sod))
            inputs[name] = rel
            test = {"tcId": tc, "comment": case["comment"], "input": {"file": rel}, "result": case["result"]}
            for k in ("context", "expectedError", "identity"):
                if k in case:
                    test[k] = case[k]
            test["flags"] = case.get("flags", [])
            tests.append(test)
        out_groups.append({k: group[k] for k in ("source", "trust", "context")} | {"tests": tests})
    files["own.json"] = vecfile.vector_file("icao-sod", table["header"], {}, out_groups)
    all_tests = [t for g in out_groups for t in g["tests"]]
    files["README.md"] = readme(table, all_tests)
    return files


def readme(table, tests):
    by = {r: sum(t["result"] == r for t in tests) for r in ("valid", "invalid")}
    rows = "".join("| `%s` | %s |\n" % (c["file"], c["what"]) for c in table["certificates"])
    return (
        "# icao/: idbridge's own ICAO 9303 vectors (kind `icao-sod`) and TEST PKI\n\n"
        "**Test-only certificates over the public test keys of `../keys/`. Never trust them.**\n"
        "Written by `../icao-generator/generate.py` from its table (`../icao-generator/cases/icao-sod.json`); "
        "never edit by hand. `own.json`: %d cases, %d valid and %d invalid, covering every check of the kind.\n\n"
        "| file | what |\n|---|---|\n"
        "| `own.json` | the vector file |\n"
        "| `inputs/*.json` | one input document (`{\"sod\", \"data_groups\"}`) per case, named by the case |\n"
        "| `sod-4dg.json` | the `icao` bench workload's input (also case 1): an EF.SOD signed RSASSA-PSS SHA-256 "
        "by `ds-rsa2048.der` under `csca-rsa2048.der`, with DG1 (TD1), DG2, DG11 and DG14 (small stand-ins for DG2 "
        "and DG14) |\n"
        "%s"
        "| `ds-bp256.der`, `ds-bp384-explicit.der` | kept as OpenSSL made them: \"TEST Document Signer "
        "brainpoolP256r1\" (named curve) and \"... brainpoolP384r1 explicit\" (explicit ECParameters), self-signed, "
        "keys not kept |\n"
        "| `sod-bp256.der`, `sod-bp384-explicit.der` | kept: bare-ContentInfo SODs by OpenSSL (`openssl cms -sign "
        "-nodetach -econtent_type 2.23.136.1.1.1`) over the LDS security object of the four data groups, signed by "
        "those two DS: an independent implementation's CMS |\n"
        "| `bp256.spki.der`, `bp256.msg.sig` | kept: the brainpoolP256r1 DS's key and OpenSSL's ECDSA-SHA256 "
        "signature of the 18 bytes `idbridge brainpool` (the `crypto::verify_ecdsa_brainpool` example) |\n"
        "| `README.md` | this index |\n"
    ) % (len(tests), by["valid"], by["invalid"], rows)


def main():
    return vecfile.main("icao-generator", OUT, build, __doc__.split("\n\n")[0])


if __name__ == "__main__":
    sys.exit(main())
