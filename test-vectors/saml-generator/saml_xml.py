"""The XML side of the SAML generator: URIs, the fixed context, test keys and
certificates (through pylib.pki), the small element tree `El`, signatures `Sig`,
rendering and signing with libxml2's exclusive c14n."""

# (some of these serve the modules that star-import this one)
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

sys.path.insert(0, os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")))
from pylib import pki, table, vecfile  # noqa: E402

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

# ------------------------------------------------------------------ keys and certificates (pylib.pki)

KEYS = {}
CERTS = {}  # name -> (DER bytes, key name, description)


def dn(cn, ou=None):
    return pki.name(("C", "IT"), ("O", "idbridge test vectors"), ("OU", ou), ("CN", cn))


def init_keys():
    KEYS.update(pki.load_keys(["rsa2048", "rsa2048-b", "rsa3072", "rsa4096", "rsa1024"], KEYS_DIR))
    for c in table.load(os.path.join(HERE, "cases", "certificates.json")):
        cert = pki.self_signed(KEYS[c["key"]], dn(c["cn"], c["ou"]), int(c["serial"], 16), pki.utc(*c["from"]), pki.utc(*c["to"]))
        CERTS[c["name"]] = (pki.der(cert), c["key"], c["what"])


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


def q(ns, name):
    return "{%s}%s" % (ns, name)


def serialize(root, decl=True):
    """A re-serialization of an lxml tree (after structural surgery on signed bytes)."""
    return (DECL if decl else "") + etree.tostring(root, encoding="unicode") + "\n"

