"""The signing side of the xmldsig generator: algorithm URIs, keys and certificates
(through pylib.pki), signing with libxml2 c14n, Signature templates and documents."""


import base64
import datetime
import hashlib
import hmac
import io
import json
import os
import re
import shutil
import sys
import time
import urllib.parse

import cryptography
import lxml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.x509.oid import NameOID
from lxml import etree


sys.path.insert(0, os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")))
from pylib import pki, table, vecfile  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS_DIR = os.path.join(HERE, "..", "keys")
NOW = "2026-01-01T00:00:00Z"

# ------------------------------------------------------------------ URIs

DS = "http://www.w3.org/2000/09/xmldsig#"
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
EXC_WC = EXC + "WithComments"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N_WC = C14N + "#WithComments"
C14N11 = "http://www.w3.org/2006/12/xml-c14n11"
ENV = DS + "enveloped-signature"
B64_TRANSFORM = DS + "base64"
XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
XSLT = "http://www.w3.org/TR/1999/REC-xslt-19991116"
XPATH2 = "http://www.w3.org/2002/06/xmldsig-filter2"
XML_NS = "http://www.w3.org/XML/1998/namespace"

MORE = "http://www.w3.org/2001/04/xmldsig-more#"
RSA_SHA256 = MORE + "rsa-sha256"
RSA_SHA384 = MORE + "rsa-sha384"
RSA_SHA512 = MORE + "rsa-sha512"
ECDSA_SHA256 = MORE + "ecdsa-sha256"
ECDSA_SHA384 = MORE + "ecdsa-sha384"
ECDSA_SHA512 = MORE + "ecdsa-sha512"
RSA_SHA1 = DS + "rsa-sha1"
RSA_SHA224 = MORE + "rsa-sha224"
RSA_MD5 = MORE + "rsa-md5"
HMAC_SHA1 = DS + "hmac-sha1"
HMAC_SHA256 = MORE + "hmac-sha256"
DSA_SHA1 = DS + "dsa-sha1"
DSA_SHA256 = "http://www.w3.org/2009/xmldsig11#dsa-sha256"
ECDSA_SHA1 = MORE + "ecdsa-sha1"
ECDSA_SHA224 = MORE + "ecdsa-sha224"
RSA_PSS_SHA256 = "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1"

SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA384 = MORE + "sha384"
SHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"
SHA1 = DS + "sha1"
SHA224 = MORE + "sha224"
MD5 = MORE + "md5"
SHA3_256 = "http://www.w3.org/2007/05/xmldsig-more#sha3-256"

ALLOWED_SM = {
    RSA_SHA256: ("rsa", hashes.SHA256),
    RSA_SHA384: ("rsa", hashes.SHA384),
    RSA_SHA512: ("rsa", hashes.SHA512),
    ECDSA_SHA256: ("ec", hashes.SHA256),
    ECDSA_SHA384: ("ec", hashes.SHA384),
    ECDSA_SHA512: ("ec", hashes.SHA512),
}
ALLOWED_DM = {SHA256: "sha256", SHA384: "sha384", SHA512: "sha512"}

# Signing only: the forbidden algorithms too, so that a forbidden-algorithm
# case is otherwise a correct signature.
SIGNING_SM = dict(ALLOWED_SM)
SIGNING_SM.update(
    {
        RSA_SHA1: ("rsa", hashes.SHA1),
        RSA_SHA224: ("rsa", hashes.SHA224),
        RSA_MD5: ("rsa", hashes.MD5),
        ECDSA_SHA1: ("ec", hashes.SHA1),
        ECDSA_SHA224: ("ec", hashes.SHA224),
        HMAC_SHA1: ("hmac", "sha1"),
        HMAC_SHA256: ("hmac", "sha256"),
        RSA_PSS_SHA256: ("pss", hashes.SHA256),
        DSA_SHA1: ("dsa", None),
        DSA_SHA256: ("dsa", None),
    }
)
SIGNING_DM = dict(ALLOWED_DM)
SIGNING_DM.update(
    {
        SHA1: "sha1",
        SHA224: "sha224",
        MD5: "md5",
        SHA3_256: "sha3_256",
        # look-alikes of allowed URIs (the right hash under the wrong name)
        MORE + "sha256": "sha256",
        MORE + "sha512": "sha512",
        "http://www.w3.org/2001/04/xmlenc#sha384": "sha384",
    }
)

# ------------------------------------------------------------------ helpers


def b64(data):
    return base64.b64encode(data).decode("ascii")


def wrap(text, width, sep="\n"):
    return sep.join(text[i : i + width] for i in range(0, len(text), width))


def one(s, old, new):
    """Replace `old` by `new` in `s`, where `old` occurs exactly once."""
    n = s.count(old)
    if n != 1:
        raise AssertionError(f"expected exactly one {old[:80]!r}, found {n}")
    return s.replace(old, new)


def span(s, start, end):
    """The unique substring of `s` from `start` to the first `end` after it."""
    i = s.index(start)
    assert s.count(start) == 1, start
    j = s.index(end, i) + len(end)
    return s[i:j]


PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    huge_tree=True,
    remove_blank_text=False,
    load_dtd=False,
)


def parse(data):
    return etree.fromstring(data, PARSER)


def localname(el):
    return etree.QName(el).localname if isinstance(el.tag, str) else None


def c14n(el, exclusive=True, with_comments=False, prefixes=None):
    """libxml2's canonicalization of the subtree at `el` (ancestors' namespaces in scope)."""
    if prefixes:
        # libxml2 names the default namespace "" where exc-c14n's PrefixList says "#default".
        prefixes = ["" if p == "#default" else p for p in prefixes]
    return etree.tostring(
        el,
        method="c14n",
        exclusive=exclusive,
        with_comments=with_comments,
        inclusive_ns_prefixes=prefixes or None,
    )


def remove_keep_tail(el):
    """Remove `el` and its subtree, keeping the text that follows it (the enveloped-signature transform)."""
    parent = el.getparent()
    tail = el.tail
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def id_of(el):
    return el.get("ID") if isinstance(el.tag, str) else None


# ------------------------------------------------------------------ keys and certificates


KEY_NAMES = ["rsa2048", "rsa2048-b", "rsa3072", "rsa1024", "p256", "p256-b", "p384", "p521"]

# name: (key, serial, what)
CERT_SPECS = [
    ("rsa2048", "rsa2048", 0x1D5C0001, "RSA 2048 (../keys/rsa2048.pk8.pem): the main signing key"),
    ("rsa2048-b", "rsa2048-b", 0x1D5C0002, "RSA 2048 (../keys/rsa2048-b.pk8.pem): the second or attacker key"),
    ("rsa3072", "rsa3072", 0x1D5C0003, "RSA 3072 (../keys/rsa3072.pk8.pem)"),
    ("rsa1024", "rsa1024", 0x1D5C0004, "RSA 1024 (../keys/rsa1024.pk8.pem): below the 2048-bit minimum"),
    ("p256", "p256", 0x1D5C0005, "ECDSA P-256 (../keys/p256.pk8.pem)"),
    ("p256-b", "p256-b", 0x1D5C0006, "ECDSA P-256 (../keys/p256-b.pk8.pem): the attacker key"),
    ("p384", "p384", 0x1D5C0007, "ECDSA P-384 (../keys/p384.pk8.pem)"),
    ("p521", "p521", 0x1D5C0008, "ECDSA P-521 (../keys/p521.pk8.pem)"),
    (
        "rsa2048-reissued",
        "rsa2048",
        0x1D5C0009,
        "the rsa2048 key again in a second certificate (other serial): same key, other bytes",
    ),
]
KEYS = {}
CERT_DER = {}


def init_keys():
    """The committed keys and their self-signed certificates (pylib.pki); returns name -> PEM."""
    KEYS.update(pki.load_keys(KEY_NAMES, KEYS_DIR))
    pems = {}
    for name, key, serial, _what in CERT_SPECS:
        subject = pki.name(("O", "idbridge test vectors"), ("CN", f"idbridge xmldsig test {name}"))
        cert = pki.self_signed(KEYS[key], subject, serial, pki.utc(2025, 1, 1), pki.utc(2035, 1, 1))
        CERT_DER[name] = pki.der(cert)
        pems[name] = pki.pem(cert)
    CERT_DER["rsa2048.der"] = CERT_DER["rsa2048"]
    return pems


# ------------------------------------------------------------------ signing


def ec_raw(key, der_sig):
    r, s = decode_dss_signature(der_sig)
    n = (key.curve.key_size + 7) // 8
    return r.to_bytes(n, "big") + s.to_bytes(n, "big")


def mgf1(seed, length, hfn):
    out = b""
    counter = 0
    while len(out) < length:
        out += hfn(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def rsa_pss_fixed_salt(key, data, salt):
    """RSASSA-PSS with SHA-256/MGF1-SHA-256 and a fixed salt (RFC 8017 §9.1.1), so it is reproducible."""
    nums = key.private_numbers()
    n, d = nums.public_numbers.n, nums.d
    mod_bits = n.bit_length()
    em_bits = mod_bits - 1
    em_len = (em_bits + 7) // 8
    m_hash = hashlib.sha256(data).digest()
    h = hashlib.sha256(b"\x00" * 8 + m_hash + salt).digest()
    db = b"\x00" * (em_len - len(salt) - len(h) - 2) + b"\x01" + salt
    masked = bytes(a ^ b for a, b in zip(db, mgf1(h, len(db), hashlib.sha256)))
    masked = bytes([masked[0] & (0xFF >> (8 * em_len - em_bits))]) + masked[1:]
    em = masked + h + b"\xbc"
    sig = pow(int.from_bytes(em, "big"), d, n).to_bytes((mod_bits + 7) // 8, "big")
    key.public_key().verify(
        sig, data, padding.PSS(padding.MGF1(hashes.SHA256()), len(salt)), hashes.SHA256()
    )
    return sig


def sign_bytes(key, sm, data):
    kind, h = SIGNING_SM[sm]
    if kind == "rsa":
        return key.sign(data, padding.PKCS1v15(), h())
    if kind == "ec":
        return ec_raw(key, key.sign(data, ec.ECDSA(h(), deterministic_signing=True)))
    if kind == "hmac":
        return hmac.new(key, data, h).digest()
    if kind == "pss":
        return rsa_pss_fixed_salt(key, data, hashlib.sha256(b"idbridge pss salt").digest())
    if kind == "dsa":
        # No DSA key: a fixed 40-byte (r || s) stand-in. The algorithm check
        # comes before any key is looked at, so the value is never read.
        return hashlib.sha256(b"idbridge dsa stand-in").digest()[:20] * 2
    raise ValueError(sm)


def signer_as(sm):
    """A signer that signs as `sm` whatever the SignatureMethod says."""
    return lambda key, _declared, data: sign_bytes(key, sm, data)


def ecdsa_der_signer(key, sm, data):
    _, h = SIGNING_SM[sm]
    return key.sign(data, ec.ECDSA(h(), deterministic_signing=True))


EC_ORDER = {
    256: 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    384: 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
}


def ecdsa_twin_signer(key, sm, data):
    """(r, n - s): the other valid signature with the RFC 6979 signature's r."""
    _, h = SIGNING_SM[sm]
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(h(), deterministic_signing=True)))
    twin = encode_dss_signature(r, EC_ORDER[key.curve.key_size] - s)
    key.public_key().verify(twin, data, ec.ECDSA(h()))
    return ec_raw(key, twin)


def s_form(data, curve_bits):
    """'high' or 'low': the form of s in the (raw r || s) SignatureValue of `data`."""
    n = (curve_bits + 7) // 8
    value = base64.b64decode(re.search(rb"SignatureValue>([^<]*)<", data).group(1))
    return "high" if int.from_bytes(value[n:], "big") > EC_ORDER[curve_bits] // 2 else "low"


def digest_of_reference(root, ref):
    """The digest the Reference `ref` (inside the parsed document `root`) should carry.

    Follows what the Reference says as a generic XML-DSig signer would, so
    that a case whose only defect is, say, a forbidden transform is otherwise
    a correct signature.
    """
    uri = ref.get("URI")
    dm = [c for c in ref if localname(c) == "DigestMethod"][0].get("Algorithm")
    hname = SIGNING_DM[dm]
    transforms = []
    prefixes = None
    for t in ref.iter():
        if localname(t) == "Transform":
            transforms.append(t.get("Algorithm"))
            for inc in t:
                if localname(inc) == "InclusiveNamespaces":
                    prefixes = inc.get("PrefixList").split()
    if any(t in (C14N, C14N_WC, C14N11) for t in transforms):
        mode = dict(exclusive=False, with_comments=C14N_WC in transforms)
    elif EXC_WC in transforms:
        # XML-DSig 1.1 §4.4.3.3: a bare-name '#id' reference yields a node-set
        # without comments, before any transform: #WithComments keeps none.
        with_comments = not (uri or "").startswith("#") or (uri or "").startswith("#xpointer")
        mode = dict(exclusive=True, with_comments=with_comments, prefixes=prefixes)
    elif EXC in transforms:
        mode = dict(exclusive=True, with_comments=False, prefixes=prefixes)
    else:  # no c14n transform: the node-set is serialized with inclusive c14n 1.0
        mode = dict(exclusive=False, with_comments=False)
    # the referenced element: the root, or the element whose ID-like attribute matches
    target = root
    if uri and uri.startswith("#") and not uri.startswith("#xpointer"):
        want = uri[1:]
        if id_of(root) != want:
            for el in root.iter():
                if not isinstance(el.tag, str):
                    continue
                vals = [el.get(a) for a in ("ID", "Id", "id", "{%s}id" % XML_NS)] + [
                    v for k, v in el.attrib.items() if k.endswith("}ID")
                ]
                if want in vals:
                    target = el
                    break
    # the enveloping signature: the nearest ancestor named Signature
    sig = ref
    while sig is not None and localname(sig) != "Signature":
        sig = sig.getparent()
    if sig is not None and target in sig.iterancestors():
        remove_keep_tail(sig)
    return hashlib.new(hname, c14n(target, **mode)).digest()


def sign(template, key, *, sv_fmt=b64, dv_fmt=b64, signer=None):
    """Fill the @@DIGEST*@@ and @@SIGVALUE@@ placeholders of `template` (str); returns bytes."""
    s = template
    for ph in sorted(set(re.findall(r"@@DIGEST\d*@@", s))):
        root = parse(s.encode("utf-8"))
        holder = [
            el for el in root.iter() if isinstance(el.tag, str) and el.text and ph in el.text
        ]
        assert len(holder) == 1, ph
        digest = digest_of_reference(root, holder[0].getparent())
        s = one(s, ph, dv_fmt(digest))
    if "@@SIGVALUE@@" in s:
        root = parse(s.encode("utf-8"))
        holder = [
            el
            for el in root.iter()
            if isinstance(el.tag, str) and el.text and "@@SIGVALUE@@" in el.text
        ]
        assert len(holder) == 1
        sig = holder[0].getparent()
        si = [c for c in sig if localname(c) == "SignedInfo"][0]
        cms = [c for c in si if localname(c) == "CanonicalizationMethod"]
        sms = [c for c in si if localname(c) == "SignatureMethod"]
        cm = cms[0].get("Algorithm") if cms else EXC
        sm = sms[0].get("Algorithm") if sms else None
        if cm in (C14N, C14N_WC, C14N11):
            data = c14n(si, exclusive=False, with_comments=cm == C14N_WC)
        else:
            data = c14n(si, exclusive=True, with_comments=cm == EXC_WC)
        value = (signer or sign_bytes)(key, sm, data)
        s = one(s, "@@SIGVALUE@@", sv_fmt(value))
    return s.encode("utf-8")


# ------------------------------------------------------------------ building Signature elements


class E:
    """A tiny element for rendering Signature templates: E(tag, [(name, value)...], *children)."""

    def __init__(self, tag, attrs=(), *children):
        self.tag, self.attrs, self.children = tag, list(attrs), list(children)


def render(node, indent="  ", level=1):
    if isinstance(node, str):
        return node
    attrs = "".join(f' {k}="{v}"' for k, v in node.attrs)
    if not node.children:
        return f"<{node.tag}{attrs}/>"
    if all(isinstance(c, str) for c in node.children) or indent is None:
        inner = "".join(render(c, indent, level + 1) for c in node.children)
        return f"<{node.tag}{attrs}>{inner}</{node.tag}>"
    pad = "\n" + indent * (level + 1)
    inner = "".join(pad + render(c, indent, level + 1) for c in node.children)
    return f"<{node.tag}{attrs}>{inner}\n{indent * level}</{node.tag}>"


def q(p, name):
    return f"{p}:{name}" if p else name


def transform(alg, p="ds", prefix_list=None):
    if prefix_list is None:
        return E(q(p, "Transform"), [("Algorithm", alg)])
    inc = E("ec:InclusiveNamespaces", [("xmlns:ec", EXC), ("PrefixList", prefix_list)])
    return E(q(p, "Transform"), [("Algorithm", alg)], inc)


def reference(uri, *, p="ds", transforms=(ENV, EXC), dm=SHA256, ph="@@DIGEST@@", prefix_list=None, uri_attr=True):
    kids = []
    if transforms is not None:
        ts = []
        for t in transforms:
            if isinstance(t, E):
                ts.append(t)
            elif t in (EXC, EXC_WC) and prefix_list is not None:
                ts.append(transform(t, p, prefix_list))
            else:
                ts.append(transform(t, p))
        kids.append(E(q(p, "Transforms"), [], *ts))
    kids.append(E(q(p, "DigestMethod"), [("Algorithm", dm)]))
    kids.append(E(q(p, "DigestValue"), [], ph))
    attrs = [("URI", uri)] if uri_attr else []
    return E(q(p, "Reference"), attrs, *kids)


def keyinfo_cert(name, p="ds", width=None, extra_certs=()):
    certs = [CERT_DER[name] if isinstance(name, str) else name] + [
        CERT_DER[c] if isinstance(c, str) else c for c in extra_certs
    ]
    els = []
    for der in certs:
        text = b64(der)
        if width:
            text = "\n" + wrap(text, width) + "\n"
        els.append(E(q(p, "X509Certificate"), [], text))
    return E(q(p, "KeyInfo"), [], E(q(p, "X509Data"), [], *els))


def signature(
    uri,
    *,
    p="ds",
    decl=True,
    cm=EXC,
    sm=RSA_SHA256,
    refs=None,
    keyinfo=None,
    indent="  ",
    level=1,
    **ref_kw,
):
    attrs = [(f"xmlns:{p}" if p else "xmlns", DS)] if decl else []
    si = E(
        q(p, "SignedInfo"),
        [],
        E(q(p, "CanonicalizationMethod"), [("Algorithm", cm)]),
        E(q(p, "SignatureMethod"), [("Algorithm", sm)]),
        *(refs if refs is not None else [reference(uri, p=p, **ref_kw)]),
    )
    kids = [si, E(q(p, "SignatureValue"), [], "@@SIGVALUE@@")]
    if keyinfo is not None:
        kids.append(keyinfo)
    return render(E(q(p, "Signature"), attrs, *kids), indent, level)


# ------------------------------------------------------------------ documents

XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'

DOC_NS = "urn:idbridge:test:doc"
DOC_ID = "_0d5c9a4e6b3f4b1e8f7a2c9d1e3b5a70"
DOC_EL = "{%s}Document" % DOC_NS
T_DOC = (
    XML_DECL
    + f'<Document xmlns="{DOC_NS}" ID="{DOC_ID}" Version="1">\n'
    + "  {SIG}\n"
    + "  <Name>Alice Example</Name>\n"
    + "  <Email>alice@example.org</Email>\n"
    + "</Document>\n"
)

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
RESP_ID = "_5f0a6c1d2e3b4a59876f0e1d2c3b4a5f"
RESP_EL = "{%s}Response" % SAMLP
T_RESP = (
    XML_DECL
    + f'<saml2p:Response xmlns:saml2p="{SAMLP}" Destination="https://sp.example.org/acs" '
    + f'ID="{RESP_ID}" InResponseTo="_4a1f2e3d5c6b7a8998a7b6c5d4e3f2a1" '
    + 'IssueInstant="2025-06-01T10:00:00.000Z" Version="2.0">\n'
    + f'  <saml2:Issuer xmlns:saml2="{SAML}">https://idp.example.org</saml2:Issuer>\n'
    + "  {SIG}\n"
    + "  <saml2p:Status>\n"
    + '    <saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>\n'
    + "  </saml2p:Status>\n"
    + "</saml2p:Response>\n"
)

XSD = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ASSERT_ID = "_a7e3c1b9d5f24e6a8c0b2d4f6e8a1c3b"
ASSERT_EL = "{%s}Assertion" % SAML


def attribute(name, value, indent="    "):
    return (
        f'{indent}<saml2:Attribute FriendlyName="{name}" Name="{name}" '
        'NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">\n'
        f'{indent}  <saml2:AttributeValue xmlns:xsi="{XSI}" xsi:type="xsd:string">{value}</saml2:AttributeValue>\n'
        f"{indent}</saml2:Attribute>\n"
    )


T_ASSERT = (
    XML_DECL
    + f'<saml2:Assertion xmlns:saml2="{SAML}" xmlns:xsd="{XSD}" ID="{ASSERT_ID}" '
    + 'IssueInstant="2025-06-01T10:00:00.000Z" Version="2.0">\n'
    + "  <saml2:Issuer>https://idp.example.org/idp/shibboleth</saml2:Issuer>\n"
    + "  {SIG}\n"
    + "  <saml2:Subject>\n"
    + '    <saml2:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient" '
    + 'NameQualifier="https://idp.example.org/idp/shibboleth">AAdzZWNyZXQxHcO2ZXhhbXBsZQ==</saml2:NameID>\n'
    + "  </saml2:Subject>\n"
    + "  <saml2:AttributeStatement>\n"
    + attribute("name", "MARIO")
    + attribute("familyName", "ROSSI")
    + attribute("dateOfBirth", "1980-01-01")
    + attribute("fiscalNumber", "TINIT-RSSMRA80A01H501U")
    + "  </saml2:AttributeStatement>\n"
    + "</saml2:Assertion>\n"
)


def fill(template, sig, **subs):
    s = one(template, "{SIG}", sig)
    for k, v in subs.items():
        s = one(s, "{" + k + "}", v)
    return s


# ------------------------------------------------------------------ the model (self-check)


