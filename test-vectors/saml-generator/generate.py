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
    odd = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21] + [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]))
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
    ("spid-idp", "rsa2048", dn("idp.idbridge.test", "SPID IdP"), 0x1DB5A001, (2026, 1, 1), (2036, 1, 1),
     "the SPID IdP's signing certificate (key ../keys/rsa2048.pk8.pem), in metadata/idp.xml"),
    ("spid-idp-renewed", "rsa2048", dn("idp.idbridge.test", "SPID IdP"), 0x1DB5A002, (2026, 2, 1), (2036, 2, 1),
     "the same rsa2048 key in a second certificate (same subject, other serial and dates): a renewal that is not in the metadata"),
    ("stranger", "rsa2048-b", dn("idp.idbridge.test", "SPID IdP"), 0x1DB5A003, (2026, 1, 1), (2036, 1, 1),
     "an impostor: the IdP's subject name over another key (../keys/rsa2048-b.pk8.pem); trusted nowhere"),
    ("spid-idp2", "rsa4096", dn("id.second-idp.idbridge.test", "SPID IdP 2"), 0x1DB5A004, (2026, 1, 1), (2036, 1, 1),
     "the second SPID IdP's signing certificate (key ../keys/rsa4096.pk8.pem), in metadata/idp2.xml and metadata/registry.xml"),
    ("spid-weak", "rsa1024", dn("weak-idp.idbridge.test", "SPID IdP with a 1024-bit key"), 0x1DB5A005, (2026, 1, 1), (2036, 1, 1),
     "an IdP certificate over a 1024-bit key (../keys/rsa1024.pk8.pem), in metadata/idp-weak.xml"),
    ("cie-signing", "rsa3072", dn("idserver.cie.idbridge.test", "CIE IdP"), 0x1DB5C001, (2026, 1, 1), (2046, 1, 1),
     "the CIE IdP's signing certificate (key ../keys/rsa3072.pk8.pem): the KeyDescriptor use=\"signing\" of metadata/cie-idp.xml"),
    ("cie-encryption", "rsa4096", dn("idserver.cie.idbridge.test", "CIE IdP encryption"), 0x1DB5C002, (2026, 1, 1), (2046, 1, 1),
     "the CIE IdP's encryption certificate (key ../keys/rsa4096.pk8.pem): KeyDescriptor use=\"encryption\", never a signing key"),
    ("cie-aa", "rsa2048", dn("idserver.cie.idbridge.test", "CIE attribute authority"), 0x1DB5C003, (2026, 1, 1), (2046, 1, 1),
     "a signing certificate of the CIE AttributeAuthorityDescriptor (key ../keys/rsa2048.pk8.pem): not an IdP (IDPSSODescriptor) key"),
    ("cie-stranger", "rsa2048-b", dn("idserver.cie.idbridge.test", "CIE IdP"), 0x1DB5C004, (2026, 1, 1), (2046, 1, 1),
     "an impostor of the CIE IdP's subject name over ../keys/rsa2048-b.pk8.pem; trusted nowhere"),
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
        return [c for c in self.children if isinstance(c, El) and c.local == local]

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

    def __init__(self, key="rsa2048", keyinfo=("spid-idp",), sm=RSA_SHA256, dm=SHA256, cm=EXC,
                 transforms=(ENV, EXC), prefix_list=None, uris=(None,), p="ds", fmt="lines64",
                 keyinfo_extra=None):
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
                tr.append(El(q("Transform"), [("Algorithm", alg)], [El("ec:InclusiveNamespaces", [("xmlns:ec", EXC), ("PrefixList", sig.prefix_list)])]))
            else:
                tr.append(El(q("Transform"), [("Algorithm", alg)]))
        kids = [El(q("Transforms"), children=tr)] if sig.transforms else []
        kids += [El(q("DigestMethod"), [("Algorithm", sig.dm)]), El(q("DigestValue"), text=f"@@D{n}.{k}@@")]
        refs.append(El(q("Reference"), [("URI", uri)] if uri != "(none)" else [], kids))
    si = El(q("SignedInfo"), children=[El(q("CanonicalizationMethod"), [("Algorithm", sig.cm)]), El(q("SignatureMethod"), [("Algorithm", sig.sm)])] + refs)
    kids = [si, El(q("SignatureValue"), text=f"@@S{n}@@")]
    if sig.keyinfo is not None:
        certs = [El(q("X509Certificate"), text=f"@@C{n}.{i}@@") for i in range(len(sig.keyinfo))]
        kids.append(El(q("KeyInfo"), children=[El(q("X509Data"), children=certs)]))
    if sig.keyinfo_extra is not None:
        kids.append(sig.keyinfo_extra)
    return El(q("Signature"), [(decl, DS)], kids)


def render(el, depth=0, doc=None, ind="  ", holder=None):
    pad = ind * depth
    if isinstance(el, Raw):
        return pad + el.text
    if isinstance(el, Sig):
        el = render_sig(el, holder, depth, doc)
    attrs = "".join(f' {k}="{esc_attr(v)}"' for k, v in el.attrs)
    if el.children:
        inner = "".join("\n" + render(c, depth + 1, doc, ind, el) for c in el.children)
        return f"{pad}<{el.name}{attrs}>{inner}\n{pad}</{el.name}>"
    if el.text is None:
        return f"{pad}<{el.name}{attrs}/>"
    return f"{pad}<{el.name}{attrs}>{el.text}</{el.name}>"


DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


def build(tree, decl=True):
    """Render `tree` and make its signatures (deepest first). Returns the document as str."""
    doc = Doc()
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
            indent = re.search(r"\n( *)<[^>]*>@@C%d\.%d@@" % (n, i), text).group(1)
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
    indent = re.search(r"\n( *)<[^>]*>@@S%d@@" % n, text).group(1)
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
    R = El("samlp:Response", [("xmlns:samlp", SAMLP), ("xmlns:saml", SAML), ("ID", rid), ("Version", "2.0"),
                              ("IssueInstant", p.ii), ("Destination", p.dest), ("InResponseTo", p.req)])
    R.children.append(El("saml:Issuer", [("Format", ENTITY)], text=esc(p.issuer)))
    if the_sig(p, "response"):
        R.children.append(the_sig(p, "response"))
    R.children.append(El("samlp:Status", children=[El("samlp:StatusCode", [("Value", SUCCESS)])]))
    A = El("saml:Assertion", [("xmlns:xs", XS), ("xmlns:xsi", XSI), ("ID", aid), ("Version", "2.0"), ("IssueInstant", p.a_ii or p.ii)])
    A.children.append(El("saml:Issuer", [("Format", ENTITY)], text=esc(p.a_issuer or p.issuer)))
    if the_sig(p, "assertion"):
        A.children.append(the_sig(p, "assertion"))
    A.children.append(El("saml:Subject", children=[
        El("saml:NameID", [("Format", TRANSIENT), ("NameQualifier", p.name_qualifier)], text=hid(label + "/nameid", 32)),
        El("saml:SubjectConfirmation", [("Method", BEARER)], [
            El("saml:SubjectConfirmationData", [("InResponseTo", p.req), ("NotOnOrAfter", p.scd_noa or p.noa), ("Recipient", p.recipient)])]),
    ]))
    A.children.append(El("saml:Conditions", [("NotBefore", p.nb or p.ii), ("NotOnOrAfter", p.noa)], [
        El("saml:AudienceRestriction", children=[El("saml:Audience", text=esc(p.audience))])]))
    authn_attrs = [("AuthnInstant", p.authn)]
    if p.session_index:
        authn_attrs.append(("SessionIndex", hid(label + "/session")))
    A.children.append(El("saml:AuthnStatement", authn_attrs, [
        El("saml:AuthnContext", children=[El("saml:AuthnContextClassRef", text=LVL + p.level)])]))
    attrs = []
    for name in p.attr_order:
        attrs.append(El("saml:Attribute", [("Name", name), ("NameFormat", BASIC)], [
            El("saml:AttributeValue", [("xsi:type", SPID_TYPES.get(name, "xs:string"))], text=esc(p.person[name]))]))
    if attrs:
        A.children.append(El("saml:AttributeStatement", children=attrs))
    R.children.append(A)
    return R


def cie_tree(p, label):
    """A CIE ID Response as the Ministry's Shibboleth IdP writes it (saml2p:/saml2: prefixes, xsd:string values)."""
    rid, aid = hid(label + "/response", 32), hid(label + "/assertion", 32)
    R = El("saml2p:Response", [("Destination", p.dest), ("ID", rid), ("InResponseTo", p.req), ("IssueInstant", p.ii),
                               ("Version", "2.0"), ("xmlns:saml2p", SAMLP), ("xmlns:xsd", XS)])
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
    A.children.append(El("saml2:Subject", children=[
        El("saml2:NameID", nid, text=opaque),
        El("saml2:SubjectConfirmation", [("Method", BEARER)], [
            El("saml2:SubjectConfirmationData", [("Address", "198.51.100.23"), ("InResponseTo", p.req), ("NotOnOrAfter", p.scd_noa or p.noa), ("Recipient", p.recipient)])]),
    ]))
    A.children.append(El("saml2:Conditions", [("NotBefore", p.nb or p.ii), ("NotOnOrAfter", p.noa)], [
        El("saml2:AudienceRestriction", children=[El("saml2:Audience", text=esc(p.audience))])]))
    authn_attrs = [("AuthnInstant", p.authn)]
    if p.session_index:
        authn_attrs.append(("SessionIndex", hid(label + "/session", 32)))
    A.children.append(El("saml2:AuthnStatement", authn_attrs, [
        El("saml2:SubjectLocality", [("Address", "198.51.100.23")]),
        El("saml2:AuthnContext", children=[El("saml2:AuthnContextClassRef", text=LVL + p.level)])]))
    attrs = []
    for name in p.attr_order:
        attrs.append(El("saml2:Attribute", [("FriendlyName", CIE_FRIENDLY.get(name, name)), ("Name", name), ("NameFormat", BASIC)], [
            El("saml2:AttributeValue", [("xmlns:xsi", XSI), ("xsi:type", "xsd:string")], text=esc(p.person[name]))]))
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
    return El("md:KeyDescriptor", attrs, [El("ds:KeyInfo", children=[El("ds:X509Data", children=[
        El("ds:X509Certificate", text=cert_b64(c)) for c in certs])])])


def spid_entity(entity_id, keydescs, org, decl_ns=True):
    base = entity_id.rstrip("/")
    attrs = [("xmlns:md", MD), ("xmlns:ds", DS), ("xmlns:saml", SAML)] if decl_ns else []
    attrs += [("entityID", entity_id), ("ID", hid("md/" + entity_id))]
    idp = El("md:IDPSSODescriptor", [("WantAuthnRequestsSigned", "true"), ("protocolSupportEnumeration", SAMLP)], keydescs + [
        El("md:SingleLogoutService", [("Binding", POST), ("Location", base + "/slo")]),
        El("md:SingleLogoutService", [("Binding", REDIRECT), ("Location", base + "/slo")]),
        El("md:NameIDFormat", text=TRANSIENT),
        El("md:SingleSignOnService", [("Binding", POST), ("Location", base + "/sso")]),
        El("md:SingleSignOnService", [("Binding", REDIRECT), ("Location", base + "/sso")]),
    ] + [El("saml:Attribute", [("Name", n), ("NameFormat", BASIC)]) for n in ("spidCode", "name", "familyName", "fiscalNumber", "dateOfBirth", "email")])
    org_el = El("md:Organization", children=[
        El("md:OrganizationName", [("xml:lang", "it")], text=esc(org)),
        El("md:OrganizationDisplayName", [("xml:lang", "it")], text=esc(org)),
        El("md:OrganizationURL", [("xml:lang", "it")], text=esc(base + "/")),
    ])
    return El("md:EntityDescriptor", attrs, [idp, org_el])


def metadata_files():
    """name -> (bytes, description)."""
    out = {}
    note = "<!-- Test metadata of idbridge's SAML vectors, generated by {}; unsigned on purpose: the verifier is configured with it. Test keys only. -->\n".format(GEN)
    e1 = spid_entity(SPID_IDP, [md_keydescriptor("signing", ["spid-idp"])], "idbridge test SPID IdP")
    out["idp.xml"] = (DECL + note + render(e1) + "\n",
                      f"the SPID IdP `{SPID_IDP}`: one md:EntityDescriptor, IDPSSODescriptor (SAML 2.0) with one KeyDescriptor use=\"signing\" holding certificate spid-idp (rsa2048), SingleSignOnService POST and Redirect, SingleLogoutService, NameIDFormat transient, the attributes it can release")
    e2 = spid_entity(SPID_IDP2, [md_keydescriptor("signing", ["spid-idp2"])], "idbridge test SPID IdP 2")
    out["idp2.xml"] = (DECL + note + render(e2) + "\n",
                       f"a second SPID IdP `{SPID_IDP2}`, same layout, certificate spid-idp2 (rsa4096)")
    reg = El("md:EntitiesDescriptor", [("xmlns:md", MD), ("xmlns:ds", DS), ("xmlns:saml", SAML), ("Name", "https://registry.idbridge.test/spid-entities-idps.xml"), ("ID", hid("md/registry"))],
             [spid_entity(SPID_IDP, [md_keydescriptor("signing", ["spid-idp"])], "idbridge test SPID IdP", False),
              spid_entity(SPID_IDP2, [md_keydescriptor("signing", ["spid-idp2"])], "idbridge test SPID IdP 2", False)])
    out["registry.xml"] = (DECL + note + render(reg) + "\n",
                           "an md:EntitiesDescriptor with both SPID IdPs (the entries of idp.xml and idp2.xml), as AgID's registry publishes them (unsigned here)")
    e3 = spid_entity(SPID_IDP, [md_keydescriptor("signing", ["spid-idp2"]), md_keydescriptor(None, ["spid-idp"])], "idbridge test SPID IdP")
    out["idp-rollover.xml"] = (DECL + note + render(e3) + "\n",
                               f"`{SPID_IDP}` during a key rollover: a KeyDescriptor use=\"signing\" with the next key (spid-idp2, rsa4096) and a KeyDescriptor without `use` (usable for signing) with the current key (spid-idp, rsa2048)")
    e4 = spid_entity(SPID_WEAK, [md_keydescriptor("signing", ["spid-weak"])], "idbridge test SPID IdP with a weak key")
    out["idp-weak.xml"] = (DECL + note + render(e4) + "\n",
                           f"the IdP `{SPID_WEAK}` whose only signing certificate has a 1024-bit RSA key (spid-weak)")
    out["cie-idp.xml"] = (DECL + note + cie_metadata() + "\n",
                          f"the CIE IdP `{CIE_IDP}` as a Shibboleth IdP publishes it: IDPSSODescriptor with protocolSupportEnumeration listing SAML 1.1 and urn:mace:shibboleth:1.0 too, shibmd:Scope, KeyDescriptor use=\"signing\" (cie-signing, rsa3072) and use=\"encryption\" (cie-encryption, rsa4096), SingleSignOnService POST, POST-SimpleSign, Redirect and Shibboleth bindings, and an AttributeAuthorityDescriptor with its own signing key (cie-aa, rsa2048)")
    return out


def cie_metadata():
    proto = "urn:oasis:names:tc:SAML:1.1:protocol urn:mace:shibboleth:1.0 " + SAMLP
    sso = "https://idserver.cie.idbridge.test/idp/profile"
    ext = El("md:Extensions", children=[El("shibmd:Scope", [("regexp", "false")], text="cie.idbridge.test")])
    idp = El("md:IDPSSODescriptor", [("protocolSupportEnumeration", proto)], [
        ext,
        md_keydescriptor("signing", ["cie-signing"]),
        md_keydescriptor("encryption", ["cie-encryption"]),
        El("md:NameIDFormat", text=TRANSIENT),
        El("md:SingleSignOnService", [("Binding", "urn:mace:shibboleth:1.0:profiles:AuthnRequest"), ("Location", sso + "/Shibboleth/SSO")]),
        El("md:SingleSignOnService", [("Binding", POST), ("Location", sso + "/SAML2/POST/SSO")]),
        El("md:SingleSignOnService", [("Binding", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign"), ("Location", sso + "/SAML2/POST-SimpleSign/SSO")]),
        El("md:SingleSignOnService", [("Binding", REDIRECT), ("Location", sso + "/SAML2/Redirect/SSO")]),
    ])
    aa = El("md:AttributeAuthorityDescriptor", [("protocolSupportEnumeration", "urn:oasis:names:tc:SAML:1.1:protocol " + SAMLP)], [
        md_keydescriptor("signing", ["cie-aa"]),
        El("md:AttributeService", [("Binding", "urn:oasis:names:tc:SAML:2.0:bindings:SOAP"), ("Location", "https://idserver.cie.idbridge.test:8443/idp/profile/SAML2/SOAP/AttributeQuery")]),
    ])
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
        if len(sik) < 3 or local(sik[0]) != "CanonicalizationMethod" or local(sik[1]) != "SignatureMethod" or any(local(r) != "Reference" for r in sik[2:]):
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
            self.fail("saml.status.failure", st, f"{code} / {sub.get('Value') if sub is not None else None} / {m!r} / spid_error={nr.group(1) if nr else None}")
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
    "SignatureWrapping": dict(bugType="AUTH_BYPASS", description="XML Signature Wrapping (XSW): a genuinely signed element is moved (into Extensions, a ds:Object, another Assertion, a wrapper Response) and an unsigned evil element takes its place. A verifier that checks 'some valid signature exists' and reads another element is bypassed. The Response must be the root and the only Response, the Assertion its only Assertion child, and each signature must be the child of the element it references.", cves=["CVE-2024-45409", "CVE-2020-5390", "CVE-2022-41912"], links=[SOMOROVSKY]),
    "UnsignedAssertion": dict(bugType="AUTH_BYPASS", description="The Assertion carries no signature. SPID and CIE require it even when the Response is signed: accepting it lets anyone write any identity.", links=[RT]),
    "UntrustedSigningKey": dict(bugType="AUTH_BYPASS", description="Signed by a key that is not a signing key of the IdP in the trusted metadata. With the signer's certificate in KeyInfo the verifier must answer xmldsig.key.untrusted without trusting KeyInfo; without KeyInfo it cannot tell a stranger's signature from a broken one: xmldsig.signature.invalid.", cves=["CVE-2021-21239"], links=["https://github.com/IdentityPython/pysaml2/security/advisories/GHSA-5p3x-r448-pc62"]),
    "KeyInfoCertificateBytes": dict(bugType="EDGE_CASE", description="Decision of this suite: a KeyInfo X509Certificate whose bytes are not exactly one of the IdP's metadata signing certificates makes the signature xmldsig.key.untrusted, even when it carries a trusted public key (a renewed certificate) or when another KeyInfo certificate is trusted. A verifier that compares SubjectPublicKeyInfo instead would accept the renewal case: change these cases if that rule is adopted."),
    "MetadataKeyRole": dict(bugType="AUTH_BYPASS", description="Only the signing keys of the IdP's IDPSSODescriptor (KeyDescriptor use=\"signing\" or without use) verify a Response: not an encryption key, not a key of another role descriptor (AttributeAuthorityDescriptor), not a key of another trusted IdP, never a key taken from the message."),
    "CrossIdpKey": dict(bugType="AUTH_BYPASS", description="Several IdPs are trusted; the Response names one IdP but is signed with another trusted IdP's key. The Issuer selects the only keys that may verify: any trusted key is not enough."),
    "IssuerSpoofing": dict(bugType="AUTH_BYPASS", description="The Issuer is missing, empty, wrong or not a trusted IdP, or its Format is not the entity format: the Response cannot be bound to the IdP whose key verified it."),
    "TamperedAfterSigning": dict(bugType="AUTH_BYPASS", description="A signed value was changed after signing: the digest (or the signature over SignedInfo) no longer matches."),
    "WeakAlgorithm": dict(bugType="WEAK_PARAMS", description="An algorithm or key size below the SPID floor (RSA >= 2048 with SHA-256 or better; exc-c14n without comments): rsa-sha1, sha1 digests, HMAC, inclusive or comment-keeping c14n, a 1024-bit key. The signature is otherwise correct, so only the allow-list refuses it."),
    "TransformChain": dict(bugType="CAN_OF_WORMS", description="The Reference transforms must be exactly enveloped-signature then exc-c14n (optional InclusiveNamespaces PrefixList). Anything else (missing, reordered, inclusive c14n, comments kept, XPath) is xmldsig.transform.forbidden."),
    "ReferenceConfusion": dict(bugType="AUTH_BYPASS", description="The Reference must be exactly '#' + the ID of the element that holds the Signature, and that ID must be unique in the document (SAML core 5.4.2). URI=\"\" (the whole document), another element's ID, a duplicated ID, a missing ID or two References are xmldsig.reference.invalid."),
    "CommentInjection": dict(bugType="PARSER_DIFFERENTIAL", description="A comment inserted into a signed text value after signing. exc-c14n without comments drops it, so the signature still verifies and the case is valid: the value must be read as the concatenation of all text nodes. A reader that takes the first text node only reads a truncated value (Duo Labs 2018: 'TINIT-<!---->ABC' read as 'TINIT-').", cves=["CVE-2017-11427", "CVE-2017-11428", "CVE-2017-11429", "CVE-2017-11430", "CVE-2018-0489"], links=[DUO]),
    "TextForms": dict(bugType="PARSER_DIFFERENTIAL", description="Text written in forms the parser normalizes (CDATA sections, character references, CR LF line ends): c14n gives the same bytes, the signature verifies and the value read is the normalized one. A processing instruction, unlike a comment, is kept by c14n: inserting one after signing breaks the digest."),
    "DtdForbidden": dict(bugType="CAN_OF_WORMS", description="A DOCTYPE is refused outright (xml.dtd.forbidden), whatever it declares: internal entities change text without changing what c14n signs, external entities read files or the network (XXE), nested entities exhaust memory. The signatures in these cases are valid for the entity-expanded document.", links=["https://cwe.mitre.org/data/definitions/611.html"]),
    "EntityExpansion": dict(bugType="RESOURCE_EXHAUSTION", description="Nested internal entities (billion laughs): refused at the DOCTYPE, before any expansion.", links=["https://cwe.mitre.org/data/definitions/776.html"]),
    "MalformedXml": dict(bugType="BASIC", description="Not well-formed XML (truncated, undeclared prefix, two roots): xml.malformed."),
    "InputEncoding": dict(bugType="BASIC", description="The HTTP-POST binding carries the Response base64-encoded (SAMLResponse form field). Line breaks and spaces are dropped; then the standard alphabet with '=' padding and canonical trailing bits is required, and the result must be UTF-8."),
    "StrictEnvelope": dict(bugType="MISSING_CHECK", description="The Response content model is Issuer?, Signature?, Extensions?, Status, Assertion? in this order; anything else (an unknown child, text, a repeated element, a second Assertion, another root element) is saml.structure.invalid."),
    "EncryptedAssertion": dict(bugType="FUNCTIONALITY", description="saml:EncryptedAssertion is not supported by this verifier: refused with saml.structure.invalid and a clear reason (SPID and CIE IdPs send plain signed Assertions)."),
    "MissingElement": dict(bugType="MISSING_PARAMETER", description="A required element or attribute is missing or empty: saml.structure.invalid, whatever the value-specific check would have said."),
    "ForeignOrUnsolicitedResponse": dict(bugType="MISSING_CHECK", description="InResponseTo names another AuthnRequest: an unsolicited or replayed Response (SPID forbids unsolicited Responses)."),
    "WrongEndpoint": dict(bugType="MISSING_CHECK", description="Destination or Recipient names another endpoint (compared as exact strings after trimming): a Response minted for another ACS, replayed here."),
    "AudienceNotRestricted": dict(bugType="MISSING_CHECK", description="No Audience names this SP, in every AudienceRestriction (exact string): an Assertion issued to another SP could be replayed here."),
    "ExpiredAssertionReplay": dict(bugType="MISSING_CHECK", description="NotOnOrAfter is past (equality is expired, SAML core 2.5.1.2): an old Assertion replayed."),
    "TimeBoundary": dict(bugType="EDGE_CASE", description="Both sides of a time bound, to the second and to the millisecond, with and without clock skew: IssueInstant <= now + skew and >= request IssueInstant - skew and >= now - 300 s - skew; NotBefore <= now + skew; now - skew < NotOnOrAfter. Times are compared to the nanosecond."),
    "TimeFormat": dict(bugType="MISSING_CHECK", description="SAML times are xs:dateTime in UTC written with Z (SAML core 1.3.3): a missing Z, a numeric offset (even +00:00), a space or lowercase separator, hour 24, second 60, an impossible date, a date alone are saml.time.invalid. A lenient RFC 3339 parser accepts several of these."),
    "LevelDowngrade": dict(bugType="MISSING_CHECK", description="The returned SPID level does not satisfy the request: a lower level (except under maximum), or an equal level under better."),
    "SpidHigherLevelAllowed": dict(bugType="EDGE_CASE", description="SPID Regole Tecniche (AuthnRequest, N.B.): an authentication at a higher level than requested must not cause a negative outcome, even under exact or maximum, which plain SAML would refuse.", links=[RT]),
    "UnknownLevel": dict(bugType="MISSING_CHECK", description="AuthnContextClassRef must be exactly one of https://www.spid.gov.it/SpidL1, SpidL2, SpidL3 (case-sensitive, after trimming): anything else is saml.authn_context.invalid, checked before the level comparison."),
    "StatusFailure": dict(bugType="BASIC", description="A non-Success top-level StatusCode ends the verification with saml.status.failure (the caller shows the SPID error: StatusMessage 'ErrorCode nrNN'), even when a valid Assertion follows."),
    "UnauthenticatedStatus": dict(bugType="EDGE_CASE", description="A failure Status in an unsigned Response is still saml.status.failure, but its details are unauthenticated; a Response signature, when present, is verified first and wins."),
    "SubjectConfirmation": dict(bugType="MISSING_CHECK", description="Exactly one SubjectConfirmation, method bearer, with SubjectConfirmationData Recipient, NotOnOrAfter and InResponseTo (SPID); a NameID of format transient with a NameQualifier; SPNameQualifier, when present, equal to this SP."),
    "UnknownCondition": dict(bugType="MISSING_CHECK", description="SAML core 2.5.1: a condition the verifier does not understand makes the Assertion indeterminate. Only AudienceRestriction, OneTimeUse and ProxyRestriction are accepted."),
    "AttributeAmbiguity": dict(bugType="PARSER_DIFFERENTIAL", description="SPID attributes are single-valued: two values, the same Name twice, two AttributeStatements or markup inside a value are saml.attribute.invalid, so that no reader takes the first while another takes the last."),
    "AttributeFormat": dict(bugType="MISSING_CHECK", description="Identity attributes have a fixed form: fiscalNumber 'TINIT-' + a code, dateOfBirth YYYY-MM-DD and a real date, name and familyName not empty."),
    "Tolerance": dict(bugType="EDGE_CASE", description="A valid Response in a form a too-strict verifier refuses: whitespace around text values, other namespace prefixes or default namespaces, fractional seconds, no Response signature, no KeyInfo, other allowed algorithms, optional elements present or absent."),
    "OptionalResponseSignature": dict(bugType="BASIC", description="SPID: the Assertion must be signed, the Response may be (Regole Tecniche, Response 'SI PUO''). A present Response signature is verified; an absent one is not an error.", links=[RT]),
    "CheckOrder": dict(bugType="EDGE_CASE", description="Two defects on purpose: the expected code pins which check comes first."),
    "CieProfile": dict(bugType="EDGE_CASE", description="CIE ID profile: Issuer without Format (or the entity format), NameID with SPNameQualifier = the SP, attributes typed xsd:string (dateOfBirth included), Shibboleth-style signatures with InclusiveNamespaces PrefixList=\"xsd\" and base64 broken by &#13; line ends, milliseconds, SubjectLocality and Address.", links=[CIE_DOCS]),
    "PrefixList": dict(bugType="EDGE_CASE", description="The xsd prefix is declared on the Response and the Assertion and used only inside xsi:type values: exc-c14n renders its declaration only because of InclusiveNamespaces PrefixList=\"xsd\", so it is signed; changing the binding after signing breaks the digest. Without PrefixList the binding is not signed and the same document signed that way is valid."),
    "WrongTrust": dict(bugType="AUTH_BYPASS", description="A Response from an IdP that is not in this kind's trust (a SPID IdP against the CIE metadata, an entityID that differs only by a port): saml.issuer.invalid."),
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


def self_check(out):
    """Runs every case through Model; returns per-case (code or 'valid', step) and aborts on disagreement."""
    problems = []
    stats = {"signatures": 0}
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
            {"source": g.source, "trust": {"idp_metadata": g.trust}, "context": g.context,
             "tests": [{k: v for k, v in t.items() if not k.startswith("_")} for t in g.tests]}
            for g in vf.groups
        ],
    }
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"
