"""The one test-PKI helper of the Python generators: the committed test keys
(test-vectors/keys/*.pk8.pem) and self-signed certificates built from fixed
names, serials and dates. RSA PKCS#1 v1.5 and deterministic ECDSA (RFC 6979)
make every certificate the same bytes on every run.
"""

import datetime
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

KEYS_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "keys"))

OIDS = {
    "C": NameOID.COUNTRY_NAME,
    "O": NameOID.ORGANIZATION_NAME,
    "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "CN": NameOID.COMMON_NAME,
}


_LOADED = {}


def load_key(name, keys_dir=KEYS_DIR):
    """The committed private key `keys_dir/<name>.pk8.pem`, read once per
    run (OpenSSL checks an RSA private key as it loads it: a quarter of a
    second for the 6144-bit one)."""
    path = os.path.join(keys_dir, name + ".pk8.pem")
    if path not in _LOADED:
        with open(path, "rb") as f:
            _LOADED[path] = serialization.load_pem_private_key(f.read(), password=None)
    return _LOADED[path]


def load_keys(names, keys_dir=KEYS_DIR):
    return {n: load_key(n, keys_dir) for n in names}


def name(*pairs):
    """An x509.Name from ("C", "IT"), ("O", ...), ("OU", ...), ("CN", ...) pairs, in order; None values are skipped."""
    return x509.Name([x509.NameAttribute(OIDS[k], v) for k, v in pairs if v is not None])


def utc(*ymd):
    return datetime.datetime(*ymd, tzinfo=datetime.timezone.utc)


def signing_hash(key):
    """SHA-256 for RSA; the curve's own size for ECDSA."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return {256: hashes.SHA256, 384: hashes.SHA384, 521: hashes.SHA512}[key.curve.key_size]()
    return hashes.SHA256()


def self_signed(key, subject, serial, not_before, not_after, leaf=True):
    """A self-signed certificate over `key`. `leaf`: BasicConstraints CA=false (critical),
    KeyUsage digitalSignature (critical) and SubjectKeyIdentifier; otherwise no extension."""
    pub = key.public_key()
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(pub)
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    if leaf:
        usage = dict.fromkeys(
            "content_commitment key_encipherment data_encipherment key_agreement key_cert_sign crl_sign encipher_only decipher_only".split(),
            False,
        )
        b = (
            b.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, **usage), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
        )
    if isinstance(key, rsa.RSAPrivateKey):
        return b.sign(key, hashes.SHA256(), rsa_padding=padding.PKCS1v15())
    return b.sign(key, signing_hash(key), ecdsa_deterministic=True)


def der(cert):
    return cert.public_bytes(serialization.Encoding.DER)


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)
