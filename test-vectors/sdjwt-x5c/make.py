#!/usr/bin/env python3
"""Writes the TEST certificates of tests/sdjwt.rs's x5c cases (run from this
folder; deterministic keys from ../keys, fixed dates and serials):

- ca.pem: a CA (P-384 key ../keys/p384.pk8.pem), 2026-01-01 to 2036-01-01;
- issuer.der: a leaf for the P-256 key ../keys/p256.pk8.pem naming
  dNSName issuer.example.it, issued by the CA;
- other-name.der: the same key, dNSName other.example.it;
- intermediate.der + issuer-via-intermediate.der: a CA (P-384 "b") under ca.pem, and a leaf
  (issuer.example.it) under it;
- rogue-ca.pem: a self-signed CA (P-521) the tests do not trust.
ECDSA signatures are randomized: rerunning changes the bytes, not the facts.
"""
import datetime
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization

def key(name):
    return serialization.load_pem_private_key(open(f"../keys/{name}.pk8.pem", "rb").read(), None)

def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

START = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
END = datetime.datetime(2036, 1, 1, tzinfo=datetime.timezone.utc)

def cert(subject, subject_key, issuer, issuer_key, serial, ca, dns=None):
    b = (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name(issuer))
         .public_key(subject_key.public_key()).serial_number(serial)
         .not_valid_before(START).not_valid_after(END)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
    else:
        b = b.add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
    if dns:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(dns)]), critical=False)
    b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False)
    b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    h = hashes.SHA384() if issuer_key.curve.key_size >= 384 else hashes.SHA256()
    return b.sign(issuer_key, h)

ca_key, leaf_key, int_key, rogue_key = key("p384"), key("p256"), key("p384-b"), key("p521")
ca = cert("idbridge TEST SD-JWT VC CA", ca_key, "idbridge TEST SD-JWT VC CA", ca_key, 1, True)
open("ca.pem", "wb").write(ca.public_bytes(serialization.Encoding.PEM))
leaf = cert("issuer.example.it", leaf_key, "idbridge TEST SD-JWT VC CA", ca_key, 2, False, "issuer.example.it")
open("issuer.der", "wb").write(leaf.public_bytes(serialization.Encoding.DER))
other = cert("other.example.it", leaf_key, "idbridge TEST SD-JWT VC CA", ca_key, 3, False, "other.example.it")
open("other-name.der", "wb").write(other.public_bytes(serialization.Encoding.DER))
inter = cert("idbridge TEST SD-JWT VC intermediate", int_key, "idbridge TEST SD-JWT VC CA", ca_key, 4, True)
open("intermediate.der", "wb").write(inter.public_bytes(serialization.Encoding.DER))
leaf2 = cert("issuer.example.it", leaf_key, "idbridge TEST SD-JWT VC intermediate", int_key, 5, False, "issuer.example.it")
open("issuer-via-intermediate.der", "wb").write(leaf2.public_bytes(serialization.Encoding.DER))
rogue = cert("rogue CA", rogue_key, "rogue CA", rogue_key, 6, True)
open("rogue-ca.pem", "wb").write(rogue.public_bytes(serialization.Encoding.PEM))
