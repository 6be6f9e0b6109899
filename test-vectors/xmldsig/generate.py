#!/usr/bin/env python3
"""Generate the `xmldsig` test vectors of idbridge, byte for byte reproducibly.

    pip install -r test-vectors/xmldsig/requirements.txt
    python3 test-vectors/xmldsig/generate.py [OUT_DIR]

OUT_DIR defaults to the folder of this script. Everything is derived from
the committed test keys in ../keys (fixed public seeds), fixed dates and
fixed serials; RSA PKCS#1 v1.5 is deterministic and ECDSA uses RFC 6979
(`deterministic_signing=True`), so two runs give identical files.

Canonicalization when signing is libxml2's (through lxml): an implementation
independent of idbridge's own Rust c14n. Before anything is written, every
case is run through `Model`, a second reading of the verification rules
(VECTORS.md kind `xmldsig` and the rule list in README.md), re-parsing the
exact bytes of the case: a valid case must verify (digest and signature), an
invalid case must fail with exactly its `expectedError`. A disagreement
aborts the run.
"""

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


def load_key(name):
    with open(os.path.join(KEYS_DIR, name + ".pk8.pem"), "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


KEY_NAMES = ["rsa2048", "rsa2048-b", "rsa3072", "rsa1024", "p256", "p256-b", "p384", "p521"]
KEYS = {}

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
CERT_DER = {}


def make_cert(name, key, serial):
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "idbridge test vectors"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"idbridge xmldsig test {name}"),
        ]
    )
    pub = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(pub)
        .serial_number(serial)
        .not_valid_before(datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc))
        .not_valid_after(datetime.datetime(2035, 1, 1, tzinfo=datetime.timezone.utc))
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
    if isinstance(key, rsa.RSAPrivateKey):
        cert = builder.sign(key, hashes.SHA256(), rsa_padding=padding.PKCS1v15())
    else:
        h = {256: hashes.SHA256, 384: hashes.SHA384, 521: hashes.SHA512}[key.curve.key_size]()
        cert = builder.sign(key, h, ecdsa_deterministic=True)
    return cert


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


class Reject(Exception):
    def __init__(self, code, why):
        super().__init__(f"{code}: {why}")
        self.code = code


class Undecided(Exception):
    """The document holds something the rules leave open; no vector may depend on it."""


MAX_INPUT = 5 * 1024 * 1024
XML_WS = " \t\r\n"


def strict_b64(text):
    compact = "".join(ch for ch in text if ch not in XML_WS)
    if len(compact) % 4 or not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", compact):
        return None
    try:
        return base64.b64decode(compact, validate=True)
    except ValueError:
        return None


class Model:
    """The `xmldsig` rules, read a second time, on the bytes of one case.

    `relax` switches single rules off, to show that an invalid case has
    exactly one thing wrong: with its rule relaxed (as a lenient generic
    verifier would behave), the case must verify.
      limits      no parser limits
      structure   first SignedInfo/SignatureValue/KeyInfo by name, any order,
                  extras ignored, first Signature child, missing
                  CanonicalizationMethod = exc-c14n, missing SignatureMethod =
                  rsa-sha256
      algorithms  any c14n, signature or digest method this file can compute
                  (look-alike URIs taken for what they imitate)
      reference   every Reference checked, URIs resolved generically (empty,
                  XPointer, percent-encoding, spaces; Id/id/xml:id/p:ID),
                  no uniqueness check
      text        DigestValue/SignatureValue: the concatenated text nodes, markup ignored
    """

    def __init__(self, certs, relax=()):
        self.certs = certs  # list of x509.Certificate
        self.relax = set(relax)

    def verify(self, data, encoding):
        relax = self.relax
        # 1. input
        if encoding == "base64":
            text = data.decode("ascii", errors="replace")
            compact = "".join(ch for ch in text if ch not in XML_WS)
            if len(compact) % 4 or not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", compact):
                raise Reject("input.encoding", "not base64")
            data = base64.b64decode(compact, validate=True)
        if len(data) > MAX_INPUT:
            raise Reject("input.too_large", "over 5 MiB")
        try:
            data.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            raise Reject("input.encoding", "not UTF-8")
        # 2. parse: a DOCTYPE can only stand in the prolog, before the document element
        prolog = re.match(rb"(<\?xml[^>]*\?>)?(\s+|<!--.*?-->|<\?.*?\?>)*", data, re.S)
        if data[prolog.end() :].startswith(b"<!DOCTYPE"):
            raise Reject("xml.dtd.forbidden", "DOCTYPE")
        try:
            root = parse(data)
        except etree.XMLSyntaxError as e:
            raise Reject("xml.malformed", str(e))
        if root.getroottree().docinfo.doctype:
            raise Undecided("a DOCTYPE the prolog scan missed")
        if "limits" not in relax:
            self.limits(data, root)
        # 3. the Signature child of the document element
        sigs = [c for c in root if c.tag == f"{{{DS}}}Signature"]
        if not sigs:
            raise Reject("xmldsig.signature.missing", "no ds:Signature child")
        if len(sigs) > 1 and "structure" not in relax:
            raise Reject("xmldsig.signature.invalid", "several ds:Signature children")
        sig = sigs[0]
        sig_index = list(root).index(sig)
        # 4. structure
        SI, SV, KI = (f"{{{DS}}}{n}" for n in ("SignedInfo", "SignatureValue", "KeyInfo"))
        CM, SM, REF = (f"{{{DS}}}{n}" for n in ("CanonicalizationMethod", "SignatureMethod", "Reference"))
        kids = self.element_children(sig)
        if "structure" in relax:
            def first(els, tag):
                return next((k for k in els if k.tag == tag), None)

            si, sv, ki = first(kids, SI), first(kids, SV), first(kids, KI)
            if si is None or sv is None:
                raise Reject("xmldsig.signature.invalid", "no SignedInfo or SignatureValue")
            sik = self.element_children(si)
            cm_el, sm_el = first(sik, CM), first(sik, SM)
            cm = cm_el.get("Algorithm") if cm_el is not None else EXC
            sm = sm_el.get("Algorithm") if sm_el is not None else RSA_SHA256
            refs = [k for k in sik if k.tag == REF]
        else:
            names = [k.tag for k in kids]
            if names not in ([SI, SV], [SI, SV, KI]):
                raise Reject("xmldsig.signature.invalid", f"Signature children {names}")
            si, sv = kids[0], kids[1]
            ki = kids[2] if len(kids) == 3 else None
            sik = self.element_children(si)
            if len(sik) < 3 or sik[0].tag != CM or sik[1].tag != SM or any(k.tag != REF for k in sik[2:]):
                raise Reject("xmldsig.signature.invalid", "SignedInfo children")
            if sik[0].get("Algorithm") is None or len(sik[0]) or sik[1].get("Algorithm") is None or len(sik[1]):
                raise Undecided("CanonicalizationMethod or SignatureMethod without Algorithm or with content")
            cm, sm = sik[0].get("Algorithm"), sik[1].get("Algorithm")
            refs = sik[2:]
        # 5. algorithms
        if "algorithms" in relax:
            si_mode = {
                C14N: dict(exclusive=False, with_comments=False),
                C14N_WC: dict(exclusive=False, with_comments=True),
                C14N11: dict(exclusive=False, with_comments=False),
                EXC_WC: dict(exclusive=True, with_comments=True),
            }.get(cm, dict(exclusive=True, with_comments=False))
            sm_kind = SIGNING_SM.get(sm, ("rsa", hashes.SHA256))
        else:
            if cm not in (EXC, EXC_WC):
                raise Reject("xmldsig.algorithm.forbidden", f"c14n {cm}")
            if sm not in ALLOWED_SM:
                raise Reject("xmldsig.algorithm.forbidden", f"signature method {sm!r}")
            si_mode = dict(exclusive=True, with_comments=cm == EXC_WC)
            sm_kind = ALLOWED_SM[sm]
        # 6. reference
        if "reference" in relax:
            targets = [self.resolve(root, r.get("URI"), self.last_match) for r in refs]
            if not refs or any(t is None for t in targets):
                raise Reject("xmldsig.reference.invalid", "unresolvable")
        else:
            if len(refs) != 1:
                raise Reject("xmldsig.reference.invalid", f"{len(refs)} references")
            target_id = root.get("ID")
            uri = refs[0].get("URI")
            if not target_id or uri != "#" + target_id:
                raise Reject("xmldsig.reference.invalid", f"URI {uri!r}, target ID {target_id!r}")
            ids = [e.get("ID") for e in root.iter() if isinstance(e.tag, str) and e.get("ID") is not None]
            if ids.count(target_id) != 1:
                raise Reject("xmldsig.reference.invalid", "duplicate ID")
            targets = [root]
        # 7. and 8. per Reference: transforms, digest method, digest value
        checks = []
        for ref, target in zip(refs, targets):
            rk = self.element_children(ref)
            TS, DM, DV, T = (f"{{{DS}}}{n}" for n in ("Transforms", "DigestMethod", "DigestValue", "Transform"))
            if [k.tag for k in rk] == [DM, DV]:
                raise Reject("xmldsig.transform.forbidden", "no Transforms")
            if [k.tag for k in rk] != [TS, DM, DV]:
                raise Undecided(f"Reference children {[k.tag for k in rk]}")
            ts = self.element_children(rk[0])
            if any(t.tag != T for t in ts):
                raise Undecided("Transforms holds a non-Transform")
            algs = [t.get("Algorithm") for t in ts]
            # relaxed: a Reference to an element that does not hold the Signature may use exc-c14n alone
            alone = "reference" in relax and target is not root and algs in ([EXC], [EXC_WC])
            if not alone:
                if len(ts) != 2 or algs[0] != ENV or algs[1] not in (EXC, EXC_WC):
                    raise Reject("xmldsig.transform.forbidden", f"transforms {algs}")
                if len(ts[0]):
                    raise Undecided("enveloped-signature transform with content")
            prefixes = None
            inc = self.element_children(ts[-1])
            if inc:
                if len(inc) != 1 or inc[0].tag != f"{{{EXC}}}InclusiveNamespaces":
                    raise Undecided("exc-c14n transform with other content")
                prefixes = inc[0].get("PrefixList", "").split()
            dm = rk[1].get("Algorithm")
            table = SIGNING_DM if "algorithms" in relax else ALLOWED_DM
            if dm not in table:
                raise Reject("xmldsig.algorithm.forbidden", f"digest {dm!r}")
            # '#id' references drop comments before the transforms (§4.4.3.3).
            checks.append((target, rk[2], table[dm], False, prefixes))
        # 9. plain-text values
        digest_values = [self.base64_text(c[1]) for c in checks]
        signature_value = self.base64_text(sv)
        # 10. keys
        trusted_der = [c.public_bytes(serialization.Encoding.DER) for c in self.certs]
        if ki is not None:
            for xc in ki.iter(f"{{{DS}}}X509Certificate"):
                if len(xc):
                    raise Undecided("X509Certificate with children")
                der = strict_b64(xc.text or "")
                if der is None or der not in trusted_der:
                    raise Reject("xmldsig.key.untrusted", "KeyInfo certificate not trusted")
        kind, h = sm_kind
        keys = [c.public_key() for c in self.certs]
        if kind in ("rsa", "pss"):
            keys = [k for k in keys if isinstance(k, rsa.RSAPublicKey)]
        elif kind == "ec":
            keys = [k for k in keys if isinstance(k, ec.EllipticCurvePublicKey)]
        elif kind == "hmac":
            keys = trusted_der
        else:
            raise Undecided(f"cannot verify {sm}")
        if not keys:
            raise Reject("xmldsig.signature.invalid", "no trusted key of the method's type")
        # 11. digests (each on a fresh parse: the enveloped transform edits the tree)
        for (target, _dv, hname, with_comments, prefixes), digest_value in zip(checks, digest_values):
            root2 = parse(data)
            steps = []
            el = target
            while el is not root:
                steps.append(list(el.getparent()).index(el))
                el = el.getparent()
            target2 = root2
            for i in reversed(steps):
                target2 = target2[i]
            sig2 = root2[sig_index]
            if target2 is root2 or target2 in sig2.iterancestors():
                remove_keep_tail(sig2)
            octets = c14n(target2, exclusive=True, with_comments=with_comments, prefixes=prefixes)
            if hashlib.new(hname, octets).digest() != digest_value:
                raise Reject("xmldsig.digest.mismatch", "digest")
        # 12. signature over SignedInfo
        signed = c14n(si, **si_mode)
        for k in keys:
            try:
                if kind == "rsa":
                    if k.key_size < 2048:
                        continue
                    k.verify(signature_value, signed, padding.PKCS1v15(), h())
                elif kind == "pss":
                    k.verify(signature_value, signed, padding.PSS(padding.MGF1(h()), padding.PSS.AUTO), h())
                elif kind == "hmac":
                    if not hmac.compare_digest(hmac.new(k, signed, h).digest(), signature_value):
                        continue
                else:
                    n = (k.curve.key_size + 7) // 8
                    if len(signature_value) != 2 * n:
                        continue
                    r = int.from_bytes(signature_value[:n], "big")
                    s = int.from_bytes(signature_value[n:], "big")
                    k.verify(encode_dss_signature(r, s), signed, ec.ECDSA(h()))
                break
            except Exception:  # noqa: BLE001 (any failure is "does not verify")
                continue
        else:
            raise Reject("xmldsig.signature.invalid", "signature does not verify")
        qn = etree.QName(root)
        return {"signed_id": root.get("ID"), "signed_element": f"{{{qn.namespace or ''}}}{qn.localname}"}

    last_match = False

    @staticmethod
    def resolve(root, uri, last_match=False):
        """Generic same-document dereference, as lenient XML-DSig implementations do it
        (with duplicate IDs: the first element in document order, or the last)."""
        if uri is None or uri.strip() in ("", "#xpointer(/)"):
            return root
        uri = uri.strip()
        m = re.fullmatch(r"#xpointer\(id\('([^']*)'\)\)", uri)
        if m:
            want = m.group(1)
        elif uri.startswith("#"):
            want = urllib.parse.unquote(uri[1:])
        else:
            return None
        found = None
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            names = {k for k, v in el.attrib.items() if v == want}
            if names & {"ID", "Id", "id", f"{{{XML_NS}}}id"} or any(n.endswith("}ID") for n in names):
                if not last_match:
                    return el
                found = el
        return found

    def element_children(self, el):
        out = []
        if el.text and el.text.strip(XML_WS):
            raise Undecided(f"text inside {el.tag}")
        for c in el:
            if not isinstance(c.tag, str):
                raise Undecided(f"comment or PI inside {el.tag}")
            out.append(c)
            if c.tail and c.tail.strip(XML_WS):
                raise Undecided(f"text inside {el.tag}")
        return out

    def base64_text(self, el):
        if "text" in self.relax:
            text = (el.text or "") + "".join(c.tail or "" for c in el)
            text = text.strip(XML_WS)
            text += "=" * (-len("".join(ch for ch in text if ch not in XML_WS)) % 4)
        else:
            if len(el):  # an element, comment or PI child
                raise Reject("xmldsig.signature.invalid", f"{el.tag} holds more than text")
            text = el.text or ""
        value = strict_b64(text)
        if value is None:
            raise Reject("xmldsig.signature.invalid", f"{el.tag} is not base64")
        return value

    @staticmethod
    def limits(data, root):
        depth_max = 0
        nodes = 0

        def walk(el, depth):
            nonlocal depth_max, nodes
            depth_max = max(depth_max, depth)
            nodes += 1
            if isinstance(el.tag, str) and len(el.attrib) > 64:
                raise Reject("xml.limits.exceeded", "attributes")
            for c in el:
                walk(c, depth + 1)

        walk(root, 1)
        if depth_max > 64:
            raise Reject("xml.limits.exceeded", f"depth {depth_max}")
        if nodes > 100_000:
            raise Reject("xml.limits.exceeded", f"{nodes} nodes")
        pending = 0
        for event, _ in etree.iterparse(io.BytesIO(data), events=("start-ns", "start"), huge_tree=True, resolve_entities=False):
            if event == "start-ns":
                pending += 1
            else:
                if pending > 32:
                    raise Reject("xml.limits.exceeded", "namespace declarations")
                pending = 0


# ------------------------------------------------------------------ notes (flags)

XMLDSIG11 = "https://www.w3.org/TR/xmldsig-core1/"
EXC_C14N_SPEC = "https://www.w3.org/TR/xml-exc-c14n/"
C14N_SPEC = "https://www.w3.org/TR/xml-c14n/"
XMLDSIG_BP = "https://www.w3.org/TR/xmldsig-bestpractices/"
SAML_SEC = "https://docs.oasis-open.org/security/saml/v2.0/saml-sec-consider-2.0-os.pdf"
XSW_PAPER = "https://www.usenix.org/conference/usenixsecurity12/technical-sessions/presentation/somorovsky"
RFC6931 = "https://www.rfc-editor.org/rfc/rfc6931"
RFC4051 = "https://www.rfc-editor.org/rfc/rfc4051"
XML10 = "https://www.w3.org/TR/xml/"
XMLNS = "https://www.w3.org/TR/xml-names/"

NOTES = {
    "SignatureWrapping": {
        "bugType": "AUTH_BYPASS",
        "description": "XML Signature Wrapping (XSW): the signed element is moved or copied and attacker content put where the application reads. The shapes XSW1-XSW8 of Somorovsky et al. are adapted to a verifier whose signed element is the document element: each comment says which rule stops it (one ds:Signature child, no ds:Object, the Reference URI is exactly '#' + the document element's ID, the ID is unique, the digest).",
        "links": [XSW_PAPER, SAML_SEC],
    },
    "DuplicateId": {
        "bugType": "AUTH_BYPASS",
        "description": "A second element carries the ID the Reference names. Which of the two a verifier dereferences and which one the application reads is then a matter of implementation; the value must be unique among all ID attributes of the document.",
        "links": [XSW_PAPER, XMLDSIG_BP],
    },
    "ReferenceNotTarget": {
        "bugType": "AUTH_BYPASS",
        "description": "The one Reference must be a same-document URI '#' + the ID of the element the application reads (here the document element). Any other URI (empty, a child, an XPointer, external) signs something else than what is read.",
        "links": [XMLDSIG11 + "#sec-Same-Document", SAML_SEC],
    },
    "ForgedDigestValue": {
        "bugType": "AUTH_BYPASS",
        "description": "ruby-saml looked the DigestValue up with a document-wide XPath and could be handed a forged one placed outside the signed SignedInfo (CVE-2024-45409). The digest must come from the Reference inside the verified SignedInfo and nowhere else.",
        "cves": ["CVE-2024-45409"],
        "links": ["https://github.com/advisories/GHSA-jw9c-mfg7-9rx2"],
    },
    "MultipleSignedInfo": {
        "bugType": "AUTH_BYPASS",
        "description": "xml-crypto could be made to check the digest of one SignedInfo and the signature of another when a Signature held several (CVE-2025-29774). Exactly one SignedInfo is allowed.",
        "cves": ["CVE-2025-29774"],
        "links": ["https://nvd.nist.gov/vuln/detail/CVE-2025-29774", "https://workos.com/blog/samlstorm"],
    },
    "DigestValueComment": {
        "bugType": "AUTH_BYPASS",
        "description": "A comment inside DigestValue does not change the exc-c14n of SignedInfo (comments are dropped), so the signature still verifies, while a reader that takes one text node gets a different digest (xml-crypto, CVE-2025-29775). DigestValue and SignatureValue are read as plain text only: markup inside them is refused.",
        "cves": ["CVE-2025-29775"],
        "links": ["https://nvd.nist.gov/vuln/detail/CVE-2025-29775", "https://workos.com/blog/samlstorm"],
    },
    "NonTextValue": {
        "bugType": "MODIFIED_PARAMETER",
        "description": "DigestValue and SignatureValue hold base64 text and whitespace only; an element, comment or processing instruction inside them, or a value that is not base64 (with padding), is xmldsig.signature.invalid.",
        "links": [XMLDSIG11 + "#sec-SignatureValue", XMLDSIG11 + "#sec-DigestValue"],
    },
    "CommentTruncation": {
        "bugType": "KNOWN_BUG",
        "description": "A comment inserted into a signed text value after signing. exc-c14n without comments drops comments, so the signature still verifies and the case is valid. The attack (Duo Labs 2018, CVE-2017-11427 python-saml and siblings) is in the reader: a library that takes only the first text node reads 'alice@example.org' out of 'alice@example.org<!---->.evil.example'. A text value must be read as the concatenation of all text children of the verified element.",
        "cves": ["CVE-2017-11427", "CVE-2017-11428"],
        "links": [
            "https://www.kb.cert.org/vuls/id/475445",
            "https://duo.com/blog/duo-finds-saml-vulnerabilities-affecting-multiple-implementations",
        ],
    },
    "WithCommentsSameDocument": {
        "bugType": "EDGE_CASE",
        "description": "XML-DSig Core 1.1 §4.4.3.3: a bare-name '#id' Reference yields the element's node-set without comment nodes, before any transform, so exc-c14n#WithComments keeps no comment from it (as xmlsec1 and Santuario do). A comment added inside the signed element after signing does not change the digest; the verifier reads values as the concatenation of text nodes, so the comment cannot truncate one either.",
        "links": [XMLDSIG11 + "#sec-Same-Document", "https://github.com/node-saml/xml-crypto/issues/586"],
    },
    "ParserDifferential": {
        "bugType": "PARSER_DIFFERENTIAL",
        "description": "Two readings of the same bytes (two parsers, or a prefix-based and a namespace-based lookup) see different Signature elements or different documents; ruby-saml's REXML/Nokogiri split was broken this way (CVE-2025-25291, CVE-2025-25292). Elements are matched by namespace URI and local name, never by prefix, and one parse is used for everything.",
        "cves": ["CVE-2025-25291", "CVE-2025-25292"],
        "links": [
            "https://github.com/advisories/GHSA-4vc4-m8qh-g8jm",
            "https://github.com/advisories/GHSA-754f-8gm6-c4r2",
            "https://github.blog/security/sign-in-as-anyone-bypassing-saml-sso-authentication-with-parser-differentials/",
            "https://portswigger.net/research/saml-roulette-the-hacker-always-wins",
        ],
    },
    "EmbeddedSignature": {
        "bugType": "EDGE_CASE",
        "description": "The signed element contains another ds:Signature (a signed Assertion inside a signed Response). The enveloped-signature transform removes only the Signature being verified; the inner one is signed content like any other, and it is not itself checked.",
        "links": [XMLDSIG11 + "#sec-EnvelopedSignature"],
    },
    "StrictStructure": {
        "bugType": "MODIFIED_PARAMETER",
        "description": "Signature children are exactly SignedInfo, SignatureValue and an optional KeyInfo, in that order; SignedInfo children exactly CanonicalizationMethod, SignatureMethod, Reference. Anything missing, repeated, reordered or extra is xmldsig.signature.invalid.",
        "links": [XMLDSIG11 + "#sec-Signature", XMLDSIG11 + "#sec-SignedInfo"],
    },
    "ObjectElement": {
        "bugType": "AUTH_BYPASS",
        "description": "ds:Object is where XSW1/XSW8-style attacks hide the original signed element. An enveloped signature over the document element never needs one, so any Object is refused.",
        "links": [XSW_PAPER, XMLDSIG11 + "#sec-Object"],
    },
    "MissingSignature": {
        "bugType": "MISSING_STEP",
        "description": "The document element has no ds:Signature child (none at all, or only deeper in the tree, or an element that looks like one by prefix or by name but is not in the XML-DSig namespace).",
        "links": [XMLDSIG11 + "#sec-Signature"],
    },
    "WeakHash": {
        "bugType": "WEAK_PARAMS",
        "description": "SHA-1 and MD5 signatures and digests are outside the allow-list (XML-DSig 1.1 §6.1 and RFC 6931 mark them as not recommended; SHA-1 collisions are practical). The case is otherwise a correct signature.",
        "links": [RFC6931, XMLDSIG_BP],
    },
    "AlgorithmNotListed": {
        "bugType": "MODIFIED_PARAMETER",
        "description": "A real algorithm that is simply not on the allow-list (rsa-sha256/384/512, ecdsa-sha256/384/512; digests sha256/384/512; c14n exc-c14n with or without comments). The case is otherwise a correct signature, so only the allow-list can reject it.",
        "links": [RFC6931, XMLDSIG11 + "#sec-AlgID"],
    },
    "AlgorithmUriMismatch": {
        "bugType": "MODIFIED_PARAMETER",
        "description": "An algorithm URI that only looks like an allowed one (other case, trailing space, the right name under the wrong namespace, an empty string). URIs are compared byte for byte; the signature is otherwise correct for the algorithm it imitates.",
        "links": [RFC6931],
    },
    "HmacKeyConfusion": {
        "bugType": "WRONG_PRIMITIVE",
        "description": "An HMAC SignatureMethod whose key is public material (here the trusted certificate's DER bytes): anyone can compute it. A verifier that lets the document pick a symmetric algorithm for an asymmetric key accepts forgeries.",
        "links": [RFC6931, XMLDSIG_BP],
    },
    "KeyTypeMismatch": {
        "bugType": "WRONG_PRIMITIVE",
        "description": "The SignatureMethod names one key type and the only trusted key is of the other (RSA for ecdsa-*, EC for rsa-*): there is no key to check with, even though the value is a genuine signature by the trusted key under the other algorithm.",
        "links": [RFC4051],
    },
    "EcdsaEncoding": {
        "bugType": "SIGNATURE_MALLEABILITY",
        "description": "An XML-DSig ECDSA SignatureValue is r || s, each the field length (RFC 4051 §3.4.1, XML-DSig 1.1 §6.4.3); a DER SEQUENCE is not accepted.",
        "links": [RFC4051, XMLDSIG11 + "#sec-ECDSA"],
    },
    "MalleableS": {
        "bugType": "SIGNATURE_MALLEABILITY",
        "description": "The twin (r, n - s) of a valid ECDSA signature is itself valid; XML-DSig has no low-S (or high-S) rule, so both must verify.",
        "links": [RFC4051],
    },
    "HashTruncation": {
        "bugType": "EDGE_CASE",
        "description": "ECDSA with a hash of another size than the curve (P-256 with SHA-512, P-384 with SHA-256). The SignatureMethod only asks for an EC key; the hash is truncated to the order's bit length (FIPS 186-5 §6.4.1) or used whole. Valid.",
        "links": [RFC4051],
    },
    "SmallRsaKey": {
        "bugType": "WEAK_PARAMS",
        "description": "A trusted RSA key below 2048 bits is never used: a correct signature by it is xmldsig.signature.invalid.",
        "links": [XMLDSIG_BP],
    },
    "UntrustedKeyInfo": {
        "bugType": "AUTH_BYPASS",
        "description": "The key is never taken from KeyInfo. An X509Certificate in KeyInfo that is not byte-equal (DER) to a trusted certificate is xmldsig.key.untrusted, even when it carries a trusted key or is a trusted certificate with one byte added.",
        "links": [SAML_SEC, XMLDSIG_BP],
    },
    "WrongKey": {
        "bugType": "AUTH_BYPASS",
        "description": "A correct signature by a key that is not trusted, with no KeyInfo certificate to compare (or with KeyInfo naming the trusted certificate, or holding a bare KeyValue): checked with the trusted keys only, it does not verify.",
        "links": [SAML_SEC],
    },
    "TamperedContent": {
        "bugType": "AUTH_BYPASS",
        "description": "The signed element changed after signing in a way exc-c14n keeps (text, attribute, element, whitespace, prefix, processing instruction): the digest no longer matches.",
        "links": [XMLDSIG11 + "#sec-ReferenceValidation"],
    },
    "TamperedSignedInfo": {
        "bugType": "AUTH_BYPASS",
        "description": "SignedInfo changed after signing (whitespace, a prefix, a DigestValue recomputed for changed content): the signature over SignedInfo no longer verifies.",
        "links": [XMLDSIG11 + "#sec-SignatureValidation"],
    },
    "TamperedSignatureValue": {
        "bugType": "AUTH_BYPASS",
        "description": "The SignatureValue changed (one bit flipped, or taken from another document): it does not verify.",
        "links": [XMLDSIG11 + "#sec-SignatureValidation"],
    },
    "C14nInvariant": {
        "bugType": "EDGE_CASE",
        "description": "A change that canonicalization erases (attribute order, quote style, empty-element form, character references, a CDATA section, a redundant or unused namespace declaration, a declaration moved to where it is used): the canonical bytes are unchanged and the signature stays valid. A verifier that digests raw bytes or uses another c14n rejects these.",
        "links": [EXC_C14N_SPEC, C14N_SPEC],
    },
    "ExclusiveNamespaces": {
        "bugType": "EDGE_CASE",
        "description": "Exclusive c14n renders a namespace declaration only where the prefix is visibly used (and xmlns=\"\" where the default namespace is undeclared); namespaces in scope from outside, rebound prefixes and two prefixes for one URI exercise that rule. Inclusive c14n gives other bytes.",
        "links": [EXC_C14N_SPEC],
    },
    "PrefixList": {
        "bugType": "EDGE_CASE",
        "description": "ec:InclusiveNamespaces PrefixList: the listed prefixes (#default for the default namespace) are rendered as in inclusive c14n, so a prefix used only inside attribute values (xsi:type=\"xsd:string\", as Shibboleth IdPs sign CIE and SPID assertions) is signed too.",
        "links": [EXC_C14N_SPEC + "#sec-Specification"],
    },
    "QNameInContent": {
        "bugType": "EDGE_CASE",
        "description": "Without PrefixList, exc-c14n does not sign the binding of a prefix used only inside an attribute value: rebinding xsd after signing leaves the signature valid (a known limit of exc-c14n, exc-c14n §3, not a verifier bug). With PrefixList=\"xsd\" the same edit breaks the digest.",
        "links": [EXC_C14N_SPEC + "#sec-Limitations"],
    },
    "TextForms": {
        "bugType": "EDGE_CASE",
        "description": "Signed text in forms the parser normalizes: character references, CDATA sections, comments (dropped by c14n without comments), processing instructions (kept), non-ASCII characters, escapes in attribute values; c14n gives one form and the signature verifies.",
        "links": [C14N_SPEC + "#Example-Chars", XML10],
    },
    "AttributeNormalization": {
        "bugType": "PARSER_DIFFERENTIAL",
        "description": "A literal tab or line break inside an attribute value is normalized to a space by every conforming parser (XML 1.0 §3.3.3) before c14n; a character reference (&#9; &#10; &#13;) is not. A parser that skips the normalization digests other bytes.",
        "links": [XML10 + "#AVNormalize"],
    },
    "LineEndings": {
        "bugType": "PARSER_DIFFERENTIAL",
        "description": "CR LF line endings are normalized to LF by the parser (XML 1.0 §2.11) before c14n; the document was signed as parsed, so it verifies.",
        "links": [XML10 + "#sec-line-ends"],
    },
    "OutsideTarget": {
        "bugType": "EDGE_CASE",
        "description": "Comments and processing instructions outside the document element are not part of the signed element: adding them after signing changes nothing.",
        "links": [XMLDSIG11 + "#sec-Same-Document"],
    },
    "Base64Whitespace": {
        "bugType": "EDGE_CASE",
        "description": "Base64 in DigestValue, SignatureValue and X509Certificate may be wrapped and indented (spaces, tabs, LF, CR or &#13; as Java's Santuario writes): whitespace is ignored when decoding.",
        "links": [XMLDSIG11 + "#sec-CoreSyntax"],
    },
    "SignedInfoForm": {
        "bugType": "EDGE_CASE",
        "description": "SignedInfo is verified through its exc-c14n, not its raw bytes: the whitespace it was signed with is significant, attribute order and quoting are not.",
        "links": [XMLDSIG11 + "#sec-SignatureValidation", EXC_C14N_SPEC],
    },
    "IdAttributeName": {
        "bugType": "EDGE_CASE",
        "description": "Only the attribute named exactly ID, in no namespace (SAML's), identifies the signed element: Id, id, xml:id or a namespaced ID neither identify the target nor count as duplicates.",
        "links": [SAML_SEC],
    },
    "UriForm": {
        "bugType": "MODIFIED_PARAMETER",
        "description": "The Reference URI is compared as a string with '#' + ID: no XPointer, no percent-decoding, no case folding, no trimming, no external URI.",
        "links": [XMLDSIG11 + "#sec-URI"],
    },
    "ForbiddenTransform": {
        "bugType": "MODIFIED_PARAMETER",
        "description": "The transform chain must be exactly enveloped-signature then exc-c14n (with or without comments, optional PrefixList). Missing, single, reordered, repeated, inclusive c14n, c14n 1.1, base64 or unknown transforms are xmldsig.transform.forbidden; the digest is otherwise what the listed transforms give.",
        "links": [XMLDSIG11 + "#sec-Transforms", XMLDSIG_BP],
    },
    "DangerousTransform": {
        "bugType": "CAN_OF_WORMS",
        "description": "XPath, XPath Filter 2.0 and XSLT transforms let the signer (or an attacker) choose what is signed and run code-like processing on the verifier (denial of service, XSLT extension functions); XML-DSig best practices say to refuse them.",
        "links": [XMLDSIG_BP, XMLDSIG11 + "#sec-XSLT"],
    },
    "DoctypeForbidden": {
        "bugType": "RESOURCE_EXHAUSTION",
        "description": "Any DOCTYPE is refused before anything is read: entity expansion (billion laughs), external entities (XXE) and DTD-declared ID attributes all need one. The rest of the document is a correct signature.",
        "links": ["https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html"],
    },
    "XmlLimits": {
        "bugType": "RESOURCE_EXHAUSTION",
        "description": "Parser limits: depth at most 64, at most 100,000 nodes, 64 attributes and 32 namespace declarations on one element. The document is otherwise correctly signed, so only the limit rejects it.",
    },
    "MalformedXml": {
        "bugType": "EDGE_CASE",
        "description": "Not well-formed XML (XML 1.0): unclosed or mismatched tags, duplicate attributes, undefined entities, forbidden characters, content after the document element, empty input.",
        "links": [XML10],
    },
    "NamespaceWellFormedness": {
        "bugType": "PARSER_DIFFERENTIAL",
        "description": "Well-formed XML that is not namespace-well-formed (Namespaces in XML 1.0): an unbound prefix, xmlns:p=\"\", the xml prefix rebound, one expanded attribute name twice. A lenient parser resolves these its own way; they are xml.malformed.",
        "links": [XMLNS],
    },
    "InputEncoding": {
        "bugType": "MODIFIED_PARAMETER",
        "description": "The input must be UTF-8 (and, with input_encoding base64, standard base64 with padding, whitespace allowed): Latin-1 bytes, overlong forms, encoded surrogates, a truncated sequence, UTF-16, base64url or stray characters are input.encoding.",
        "links": ["https://www.rfc-editor.org/rfc/rfc3629", "https://www.rfc-editor.org/rfc/rfc4648#section-4"],
    },
    "Transport": {
        "bugType": "EDGE_CASE",
        "description": "input_encoding base64: the bytes received are the base64 of the document, as the SAML HTTP-POST binding carries it (line breaks allowed).",
        "links": ["https://docs.oasis-open.org/security/saml/v2.0/saml-bindings-2.0-os.pdf"],
    },
}

# ------------------------------------------------------------------ vector files

FILES = []


class VectorFile:
    def __init__(self, stem, what, header):
        self.stem, self.what, self.header, self.groups = stem, what, header, []
        FILES.append(self)

    def group(self, source, certs=("rsa2048",), encoding="xml"):
        g = {"source": source, "certs": list(certs), "encoding": encoding, "tests": []}
        self.groups.append(g)
        return g


DOC = (DOC_ID, DOC_EL)
RESP = (RESP_ID, RESP_EL)
ASSERT = (ASSERT_ID, ASSERT_EL)


def add(g, slug, comment, data=None, *, result, code=None, ident=None, flags=(), text=None, raw64=None):
    for f in flags:
        assert f in NOTES, f
    g["tests"].append(
        dict(slug=slug, comment=comment, data=data, text=text, raw64=raw64, result=result, code=code, ident=ident, flags=list(flags))
    )


def valid(g, slug, comment, data=None, ident=DOC, flags=(), **kw):
    add(g, slug, comment, data, result="valid", ident=ident, flags=flags, **kw)


def invalid(g, slug, comment, data=None, code=None, flags=(), **kw):
    assert code
    add(g, slug, comment, data, result="invalid", code=code, flags=flags, **kw)


def s_(data):
    return data.decode("utf-8")


def b_(text):
    return text.encode("utf-8")


GEN = "generated by test-vectors/xmldsig/generate.py (lxml/libxml2 exc-c14n, pyca/cryptography) from the committed keys in test-vectors/keys"


def body_doc(body, root_extra="", sig_last=False):
    """A Document template with the given body lines (and optional extra root attributes)."""
    head = XML_DECL + f'<Document xmlns="{DOC_NS}"{root_extra} ID="{DOC_ID}" Version="1">\n'
    if sig_last:
        return head + body + "  {SIG}\n</Document>\n"
    return head + "  {SIG}\n" + body + "</Document>\n"


def sign_t(template, sig_kw=None, key="rsa2048", uri=None, **kw):
    sig_kw = dict(sig_kw or {})
    uri = "#" + DOC_ID if uri is None else uri
    return sign(fill(template, signature(uri, **sig_kw)), KEYS[key] if isinstance(key, str) else key, **kw)


# ================================================================== valid.json


def cases_valid():
    f = VectorFile(
        "valid",
        "genuine signatures: every allowed signature and digest algorithm, RSA 2048/3072 and ECDSA P-256/P-384/P-521, KeyInfo forms, Signature position and prefix, WithComments, PrefixList, DER trust file, several trusted certificates",
        [
            "Genuine enveloped signatures over the document element: every check passes.",
            "The signed element is the document element; Reference URI='#' + its ID; transforms enveloped-signature then exc-c14n.",
            "Keys: ../keys (fixed seeds); certificates: certs/ (self-signed, fixed serials, 2025-01-01 to 2035-01-01).",
        ],
    )
    src = "XML-DSig Core 1.1 §3.1 (core generation), §3.2 (core validation), §4.4.3.3, §6.4.2 (RSA PKCS#1 v1.5), §6.4.3 (ECDSA, RFC 4051 r || s), §6.6.4 (enveloped signature); exc-c14n 1.0; " + GEN
    g = f.group(src, ["rsa2048"])
    valid(g, "rsa-sha256", "RSA 2048 rsa-sha256 with a SHA-256 digest, Signature first child, no KeyInfo: the baseline; every check passes", sign_t(T_DOC))
    valid(g, "rsa-sha384", "rsa-sha384 with a SHA-384 digest (xmldsig-more#sha384): both on the allow-list, valid", sign_t(T_DOC, dict(sm=RSA_SHA384, dm=SHA384)))
    valid(g, "rsa-sha512", "rsa-sha512 with a SHA-512 digest (xmlenc#sha512): both on the allow-list, valid", sign_t(T_DOC, dict(sm=RSA_SHA512, dm=SHA512)))
    valid(g, "rsa-sha256-digest-sha512", "rsa-sha256 over SignedInfo with a SHA-512 Reference digest: the two choices are independent, valid", sign_t(T_DOC, dict(dm=SHA512)))
    valid(g, "rsa-sha512-digest-sha256", "rsa-sha512 with a SHA-256 Reference digest: valid", sign_t(T_DOC, dict(sm=RSA_SHA512)))
    valid(g, "rsa-sha256-digest-sha384", "rsa-sha256 with a SHA-384 Reference digest: valid", sign_t(T_DOC, dict(dm=SHA384)))
    valid(g, "keyinfo-trusted-cert", "KeyInfo/X509Data/X509Certificate holds the trusted certificate (one base64 line): it is byte-equal to a trusted one, so the trusted key is used; valid", sign_t(T_DOC, dict(keyinfo=keyinfo_cert("rsa2048"))))
    valid(g, "keyinfo-trusted-cert-wrapped", "KeyInfo holds the trusted certificate as base64 wrapped at 64 characters with leading and trailing line breaks: whitespace is ignored, the DER is byte-equal; valid", sign_t(T_DOC, dict(keyinfo=keyinfo_cert("rsa2048", width=64))), flags=["Base64Whitespace"])
    ki = E("ds:KeyInfo", [], E("ds:KeyName", [], "idbridge xmldsig test rsa2048"))
    valid(g, "keyinfo-keyname", "KeyInfo holds only a KeyName (no certificate): nothing to compare, the trusted certificate's key verifies; valid", sign_t(T_DOC, dict(keyinfo=ki)))
    cert = x509.load_der_x509_certificate(CERT_DER["rsa2048"])
    ki = E(
        "ds:KeyInfo",
        [],
        E(
            "ds:X509Data",
            [],
            E("ds:X509IssuerSerial", [], E("ds:X509IssuerName", [], cert.issuer.rfc4514_string()), E("ds:X509SerialNumber", [], str(cert.serial_number))),
            E("ds:X509SubjectName", [], cert.subject.rfc4514_string()),
        ),
    )
    valid(g, "keyinfo-issuer-serial", "KeyInfo/X509Data names the trusted certificate by X509IssuerSerial and X509SubjectName, without the certificate itself: the trusted key verifies; valid", sign_t(T_DOC, dict(keyinfo=ki)))
    valid(g, "saml-response", "a SAML 2.0 Response-like target in a prefixed namespace (saml2p:Response, urn:oasis:names:tc:SAML:2.0:protocol), Signature after the Issuer, KeyInfo with the trusted certificate: valid, the identity names {urn:oasis:names:tc:SAML:2.0:protocol}Response", sign_t(T_RESP, dict(keyinfo=keyinfo_cert("rsa2048")), uri="#" + RESP_ID), ident=RESP)
    valid(g, "saml-assertion-prefixlist-xsd", "a SAML Assertion as a Shibboleth IdP (CIE, SPID) signs it: AttributeValue xsi:type=\"xsd:string\" with xmlns:xsd declared on the Assertion and used only inside attribute values; the exc-c14n transform carries ec:InclusiveNamespaces PrefixList=\"xsd\", so xmlns:xsd is rendered on the Assertion and signed; valid", sign_t(T_ASSERT, dict(prefix_list="xsd", keyinfo=keyinfo_cert("rsa2048")), uri="#" + ASSERT_ID), ident=ASSERT, flags=["PrefixList"])
    body = "  <Name>Alice Example</Name>\n  <Email>alice@example.org</Email>\n"
    valid(g, "signature-last-child", "the Signature is the last child of the document element, after the signed content: position does not matter, valid", sign_t(body_doc(body, sig_last=True)))
    valid(g, "signature-default-namespace", "the Signature declares the XML-DSig namespace as its default namespace (no prefix) inside a default-namespace document: elements are matched by namespace URI, and exc-c14n renders xmlns=\"http://www.w3.org/2000/09/xmldsig#\" on SignedInfo; valid", sign_t(T_DOC, dict(p="")), flags=["ExclusiveNamespaces"])
    valid(g, "signature-prefix-dsig", "the Signature uses the prefix dsig instead of ds: prefixes are not significant for lookup (only for c14n, and SignedInfo was signed with dsig); valid", sign_t(T_DOC, dict(p="dsig")))
    t = one(T_DOC, f'<Document xmlns="{DOC_NS}"', f'<Document xmlns="{DOC_NS}" xmlns:ds="{DS}"')
    valid(g, "ds-declared-on-target", "xmlns:ds is declared on the document element, not on the Signature: after the enveloped transform ds is not visibly used in the signed element, so exc-c14n does not render it in the digest (inclusive c14n would); SignedInfo's c14n renders it on SignedInfo; valid", sign_t(t, dict(decl=False)), flags=["ExclusiveNamespaces"])
    valid(g, "signature-compact", "the Signature written without any whitespace between its elements (as many IdPs emit it): signed that way, valid", sign_t(T_DOC, dict(indent=None)))
    valid(g, "c14n-with-comments-signedinfo", "CanonicalizationMethod exc-c14n#WithComments for SignedInfo (no comments in it): on the allow-list, valid", sign_t(T_DOC, dict(cm=EXC_WC)))
    valid(g, "c14n-with-comments-transform", "the Reference's second transform is exc-c14n#WithComments; the signed element has no comments: valid", sign_t(T_DOC, dict(transforms=(ENV, EXC_WC))))
    valid(g, "c14n-with-comments-both", "WithComments for both SignedInfo and the Reference: valid", sign_t(T_DOC, dict(cm=EXC_WC, transforms=(ENV, EXC_WC))))
    body_c = "  <Name>Alice Example</Name>\n  <!-- reviewed by the registration office -->\n  <Email>alice@example.org</Email>\n"
    valid(g, "with-comments-comment-signed", "exc-c14n#WithComments transform over an element holding a comment: the '#id' reference dropped the comment before the transform (XML-DSig 1.1 §4.4.3.3), signer and verifier alike: valid", sign_t(body_doc(body_c), dict(transforms=(ENV, EXC_WC))), flags=["WithCommentsSameDocument"])

    g = f.group(src + "; trust given as a DER file", ["rsa2048.der"])
    valid(g, "trust-der", "the trusted certificate is given as DER (certs/rsa2048.der) instead of PEM; KeyInfo holds the same certificate: byte-equal, valid", sign_t(T_DOC, dict(keyinfo=keyinfo_cert("rsa2048"))))

    g = f.group(src + "; two trusted certificates", ["rsa2048", "rsa2048-b"])
    valid(g, "second-trusted-cert", "two trusted certificates; the document is signed by the second one's key (rsa2048-b), no KeyInfo: any trusted key that verifies is enough; valid", sign_t(T_DOC, key="rsa2048-b"))
    valid(g, "second-trusted-cert-keyinfo", "two trusted certificates; signed by the second, whose certificate is in KeyInfo: valid", sign_t(T_DOC, dict(keyinfo=keyinfo_cert("rsa2048-b")), key="rsa2048-b"))

    g = f.group(src + "; trusted keys of both types", ["p256", "rsa2048"])
    valid(g, "mixed-trust-rsa", "trust holds a P-256 and an RSA certificate; rsa-sha256 signature by the RSA key: the EC key is not of the method's type and is skipped; valid", sign_t(T_DOC))
    valid(g, "mixed-trust-ecdsa", "trust holds a P-256 and an RSA certificate; ecdsa-sha256 signature by the P-256 key: valid", sign_t(T_DOC, dict(sm=ECDSA_SHA256), key="p256"))

    g = f.group(src + "; ECDSA P-256", ["p256"])
    valid(g, "ecdsa-p256-sha256", "ECDSA P-256 ecdsa-sha256, SignatureValue r || s (64 bytes, RFC 6979 deterministic): valid", sign_t(T_DOC, dict(sm=ECDSA_SHA256), key="p256"))
    valid(g, "ecdsa-p256-sha256-keyinfo", "ECDSA P-256 with the trusted certificate in KeyInfo: valid", sign_t(T_DOC, dict(sm=ECDSA_SHA256, keyinfo=keyinfo_cert("p256")), key="p256"))
    valid(g, "ecdsa-p256-sha512", "ECDSA P-256 with ecdsa-sha512 (hash truncated to 256 bits) and a SHA-512 digest: the method needs an EC key, the curve is not tied to the hash; valid", sign_t(T_DOC, dict(sm=ECDSA_SHA512, dm=SHA512), key="p256"), flags=["HashTruncation"])
    base = sign_t(T_DOC, dict(sm=ECDSA_SHA256), key="p256")
    twin = sign_t(T_DOC, dict(sm=ECDSA_SHA256), key="p256", signer=ecdsa_twin_signer)
    valid(g, "ecdsa-p256-s-twin", f"ECDSA P-256 over the same SignedInfo as ecdsa-p256-sha256, with s replaced by n - s: this twin is {s_form(twin, 256)}-S, the RFC 6979 original {s_form(base, 256)}-S; both are valid ECDSA signatures, XML-DSig has no low-S or high-S rule", twin, flags=["MalleableS"])

    g = f.group(src + "; ECDSA P-384", ["p384"])
    valid(g, "ecdsa-p384-sha384", "ECDSA P-384 ecdsa-sha384 with a SHA-384 digest, r || s of 96 bytes: valid", sign_t(T_DOC, dict(sm=ECDSA_SHA384, dm=SHA384), key="p384"))
    valid(g, "ecdsa-p384-sha256", "ECDSA P-384 with ecdsa-sha256 (a 256-bit hash on a 384-bit curve, used whole): valid", sign_t(T_DOC, dict(sm=ECDSA_SHA256), key="p384"), flags=["HashTruncation"])

    g = f.group(src + "; ECDSA P-521", ["p521"])
    valid(g, "ecdsa-p521-sha512", "ECDSA P-521 ecdsa-sha512 with a SHA-512 digest, r || s of 2 x 66 bytes: valid", sign_t(T_DOC, dict(sm=ECDSA_SHA512, dm=SHA512), key="p521"))

    g = f.group(src + "; RSA 3072", ["rsa3072"])
    valid(g, "rsa3072-sha384", "RSA 3072 rsa-sha384: valid (any modulus of at least 2048 bits)", sign_t(T_DOC, dict(sm=RSA_SHA384, dm=SHA384), key="rsa3072"))


# ================================================================== c14n.json


def cases_c14n():
    f = VectorFile(
        "c14n",
        "exclusive canonicalization: namespace rendering, PrefixList (#default, xsd), attribute order and escaping, text forms (character references, CDATA, comments, PIs, non-ASCII, CR LF), edits that c14n erases (still valid) and edits it keeps (digest.mismatch)",
        [
            "Each case is signed with libxml2's exc-c14n (lxml), so it checks the verifier's c14n against an independent one.",
            "'after signing' cases take a genuine document and edit its bytes: the edit is invisible to c14n (valid) or not (xmldsig.digest.mismatch).",
        ],
    )
    src = "Exclusive XML Canonicalization 1.0 (W3C 2002) §3, §4; Canonical XML 1.0 §2 (attribute and text escaping, namespace and attribute order); XML 1.0 §2.11, §3.3.3; XML-DSig Core 1.1 §4.4.3.3; " + GEN
    g = f.group(src, ["rsa2048"])
    X = "urn:idbridge:test:x"

    body = (
        "  <Group>\n"
        "    <Item><x:Code>42</x:Code></Item>\n"
        '    <Item x:flag="yes">second</Item>\n'
        "  </Group>\n"
    )
    valid(g, "ns-declared-on-root-used-deep", "xmlns:x declared on the document element but used only by a grandchild element and a child's attribute: exc-c14n renders it on each element that uses it, not on the root", sign_t(body_doc(body, f' xmlns:x="{X}"')), flags=["ExclusiveNamespaces"])
    body = (
        '  <p:A>\n'
        '    <p:B xmlns:p="urn:idbridge:test:two">\n'
        '      <p:C xmlns:p="urn:idbridge:test:one">back</p:C>\n'
        "    </p:B>\n"
        "  </p:A>\n"
    )
    valid(g, "prefix-rebound", "the prefix p is bound to one URI on the root, rebound to another on a child and back to the first on a grandchild: exc-c14n renders each binding where it changes", sign_t(body_doc(body, ' xmlns:p="urn:idbridge:test:one"')), flags=["ExclusiveNamespaces"])
    t = one(T_RESP, "  <saml2p:Status>\n", f'  <samlp:Status xmlns:samlp="{SAMLP}">\n')
    t = one(t, '    <saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>\n  </saml2p:Status>\n', '    <samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>\n  </samlp:Status>\n')
    valid(g, "same-uri-second-prefix", "inside saml2p:Response, the Status is written with a second prefix samlp bound to the same protocol URI: the same names, two prefixes; exc-c14n keeps each prefix with its declaration; valid", sign_t(t, uri="#" + RESP_ID), ident=RESP, flags=["ExclusiveNamespaces"])
    body = f'  <Name xmlns="{DOC_NS}">Alice Example</Name>\n  <Email>alice@example.org</Email>\n'
    valid(g, "redundant-declaration-signed", "a child redeclares the default namespace with the value already in scope: exc-c14n drops the redundant declaration; valid", sign_t(body_doc(body)), flags=["ExclusiveNamespaces"])
    body = '  <Name>Alice Example</Name>\n  <Extra xmlns=""><Plain>no namespace</Plain></Extra>\n'
    valid(g, "default-namespace-undeclared", "a child undeclares the default namespace (xmlns=\"\") so its subtree is in no namespace: exc-c14n renders xmlns=\"\" on it; valid", sign_t(body_doc(body)), flags=["ExclusiveNamespaces"])
    body = '  <Item z="1" a="2" b:k="3" a:k="4" xmlns:a="urn:idbridge:test:zzz" xmlns:b="urn:idbridge:test:aaa">order</Item>\n'
    valid(g, "attribute-sort-order", "attributes written out of order, two namespaced ones whose prefixes sort opposite to their URIs: c14n orders unqualified attributes by name, then qualified ones by namespace URI (not prefix); valid", sign_t(body_doc(body)), flags=["TextForms"])
    body = "  <Item note=\"a &quot;quoted&quot; &lt;tag&gt; &amp; tab&#9;lf&#10;cr&#13;end\" other='single \"q\" &apos;x&apos;'>escapes</Item>\n"
    valid(g, "attribute-escapes", "attribute values with &quot; &lt; &gt; &amp; &apos; and character references for tab, LF and CR (kept, rendered &#x9; &#xA; &#xD;), one attribute single-quoted: c14n has one form for each; valid", sign_t(body_doc(body)), flags=["TextForms"])
    body = '  <Item note="line one\n\tline two">normalized</Item>\n'
    valid(g, "attribute-literal-whitespace", "an attribute value holding a literal line break and tab: the parser normalizes each to a space (XML 1.0 §3.3.3), c14n renders spaces; signed as parsed, valid", sign_t(body_doc(body)), flags=["AttributeNormalization"])
    body = "  <Name>Caf&#233; &#x20AC;5 &gt; &#60;b&#62; a&#13;b &amp;amp; ]]&gt;</Name>\n"
    valid(g, "text-character-references", "signed text written with decimal and hex character references, &gt;, an escaped CR (rendered &#xD;) and an escaped ]]>: c14n renders the characters themselves (or &lt; &gt; &amp; &#xD;); valid", sign_t(body_doc(body)), flags=["TextForms"])
    body = "  <Name>Niccol\u00f2 \u0160\u0107epanovi\u0107 \u65e5\u672c \U0001f600</Name>\n"
    valid(g, "text-non-ascii", "signed text with Latin, Cyrillic-range, CJK and a non-BMP character, as raw UTF-8: c14n keeps UTF-8; valid", sign_t(body_doc(body)), flags=["TextForms"])
    body = "  <Note><![CDATA[a < b && c > d]]></Note>\n"
    valid(g, "text-cdata", "signed text in a CDATA section: c14n replaces it by its escaped content (a &lt; b &amp;&amp; c &gt; d); valid", sign_t(body_doc(body)), flags=["TextForms"])
    body = "  <Name>Alice<!-- middle --> Example</Name>\n"
    valid(g, "text-comment-signed", "a comment inside a signed text value, present when signing without comments: c14n drops it, the text reads 'Alice Example'; valid", sign_t(body_doc(body)), flags=["TextForms"])
    body = "  <Name>Alice<?app hint?> Example</Name>\n"
    valid(g, "text-pi-signed", "a processing instruction inside a signed text value: c14n keeps PIs (unlike comments) and it was signed; valid", sign_t(body_doc(body)), flags=["TextForms"])
    body = "  <Flag/>\n  <Flag></Flag>\n  <Flag a=\"1\"/>\n"
    valid(g, "empty-elements", "empty elements as <e/> and <e></e>: c14n writes both as start and end tag; valid", sign_t(body_doc(body)), flags=["TextForms"])
    body = '  <Name xml:lang="it" xml:space="preserve">  Alice  </Name>\n'
    valid(g, "xml-attributes", "xml:lang and xml:space on a child (the xml prefix is never declared, c14n renders the attributes as they are); valid", sign_t(body_doc(body)), flags=["TextForms"])
    t = (
        XML_DECL
        + f'<p:Document xmlns:p="{DOC_NS}" xmlns="urn:idbridge:test:other" ID="{DOC_ID}" Version="1">\n'
        + "  {SIG}\n"
        + "  <p:Name>Alice Example</p:Name>\n"
        + '  <p:Item><Plain xmlns="">no namespace</Plain></p:Item>\n'
        + "</p:Document>\n"
    )
    valid(g, "prefixlist-default", "a prefixed target with an unused default namespace declared on it; the transform's PrefixList=\"#default\" makes exc-c14n render xmlns=\"urn:idbridge:test:other\" on the root and then xmlns=\"\" on the no-namespace child; valid", sign_t(t, dict(prefix_list="#default")), flags=["PrefixList"])
    data = sign_t(T_DOC)
    crlf = data.replace(b"\n", b"\r\n")
    valid(g, "crlf-line-endings", "the document, signed with LF line endings, is sent with CR LF: the parser normalizes CR LF to LF (XML 1.0 §2.11) before c14n; valid (input given as base64 so that the CRs are kept exactly)", raw64=crlf, flags=["LineEndings"])

    # ---------- edits after signing
    evil_body = "  <Name>Alice Example</Name>\n  <Email>alice@example.org.evil.example</Email>\n"
    d = s_(sign_t(body_doc(evil_body)))
    valid(g, "comment-inserted-after-signing", "the signed value 'alice@example.org.evil.example' (an address the attacker registered) gets a comment after signing: 'alice@example.org<!---->.evil.example'. The transform is exc-c14n without comments, which drops it, so the digest still matches and the signature is valid; a reader that takes only the first text node would see 'alice@example.org' (CVE-2017-11427 shape): the value must be read as the concatenation of all text nodes", b_(one(d, "alice@example.org.evil.example", "alice@example.org<!---->.evil.example")), flags=["CommentTruncation"])
    d = s_(sign_t(body_doc(evil_body), dict(transforms=(ENV, EXC_WC))))
    valid(g, "comment-inserted-after-signing-with-comments", "the same comment inserted after signing, in a document whose transform is exc-c14n#WithComments: the '#id' reference drops comments before the transform (XML-DSig 1.1 §4.4.3.3), so the digest still matches; the value read is the whole text, comment or not", b_(one(d, "alice@example.org.evil.example", "alice@example.org<!---->.evil.example")), flags=["WithCommentsSameDocument"])
    d = s_(sign_t(T_DOC))
    invalid(g, "pi-inserted-after-signing", "a processing instruction inserted into a signed text value after signing: c14n keeps PIs, so the digest no longer matches", b_(one(d, "<Name>Alice Example</Name>", "<Name>Alice<?x?> Example</Name>")), code="xmldsig.digest.mismatch", flags=["TamperedContent"])
    d = s_(sign_t(body_doc("  <Note><![CDATA[a < b && c > d]]></Note>\n")))
    valid(g, "cdata-replaced-after-signing", "a CDATA section replaced after signing by the same text escaped (a &lt; b &amp;&amp; c &gt; d): same characters, same c14n; valid", b_(one(d, "<![CDATA[a < b && c > d]]>", "a &lt; b &amp;&amp; c &gt; d")), flags=["C14nInvariant"])
    d = s_(sign_t(body_doc("  <Name>Caf\u00e9 Example</Name>\n")))
    valid(g, "charref-swapped-after-signing", "a raw \u00e9 in signed text replaced after signing by &#233; and a space by &#x20;: same characters, same c14n; valid", b_(one(d, "Caf\u00e9 Example", "Caf&#233;&#x20;Example")), flags=["C14nInvariant"])
    body = '  <Item a="1" b="2" c="3">x</Item>\n'
    d = s_(sign_t(body_doc(body)))
    valid(g, "attribute-order-after-signing", "the attributes of a signed element reordered after signing (c b a): c14n sorts them; valid", b_(one(d, '<Item a="1" b="2" c="3">', '<Item c="3" b="2" a="1">')), flags=["C14nInvariant"])
    d = s_(sign_t(T_DOC))
    valid(g, "attribute-quotes-after-signing", "the document element's attributes rewritten with single quotes after signing: c14n uses double quotes; valid", b_(one(d, f'ID="{DOC_ID}" Version="1"', f"ID='{DOC_ID}' Version='1'")), flags=["C14nInvariant"])
    d = s_(sign_t(body_doc("  <Flag></Flag>\n")))
    valid(g, "empty-element-form-after-signing", "<Flag></Flag> rewritten as <Flag/> after signing: same c14n; valid", b_(one(d, "<Flag></Flag>", "<Flag/>")), flags=["C14nInvariant"])
    d = s_(sign_t(T_DOC))
    valid(g, "redundant-declaration-after-signing", f"xmlns=\"{DOC_NS}\" (already in scope) added to the signed Email element after signing: exc-c14n drops it; valid", b_(one(d, "<Email>", f'<Email xmlns="{DOC_NS}">')), flags=["C14nInvariant"])
    valid(g, "unused-declaration-after-signing", "an unused xmlns:unused declaration added to the document element after signing: exc-c14n renders only visibly used namespaces, so the digest is unchanged (inclusive c14n would change); valid", b_(one(d, f'<Document xmlns="{DOC_NS}"', f'<Document xmlns="{DOC_NS}" xmlns:unused="urn:idbridge:test:unused"')), flags=["C14nInvariant", "ExclusiveNamespaces"])
    d = s_(sign_t(body_doc("  <Group><x:Code>42</x:Code></Group>\n", f' xmlns:x="{X}"')))
    moved = one(d, f' xmlns:x="{X}"', "")
    moved = one(moved, "<x:Code>", f'<x:Code xmlns:x="{X}">')
    valid(g, "declaration-moved-after-signing", "xmlns:x moved after signing from the document element to the one element that uses it: exc-c14n renders it there in both cases; valid", b_(moved), flags=["C14nInvariant", "ExclusiveNamespaces"])
    d = s_(sign_t(T_DOC))
    valid(g, "outside-comment-pi-after-signing", "a comment and a processing instruction added before and after the document element after signing: they are outside the signed element; valid", b_(one(d, XML_DECL, XML_DECL + "<!-- relayed by proxy -->\n<?proxy hop=\"1\"?>\n") + "<!-- end -->\n"), flags=["OutsideTarget"])
    invalid(g, "whitespace-changed-after-signing", "the indentation before a signed child changed after signing (two spaces to four): whitespace text is part of c14n, so the digest no longer matches", b_(one(d, "  <Email>", "    <Email>")), code="xmldsig.digest.mismatch", flags=["TamperedContent"])
    d = s_(sign_t(T_RESP, uri="#" + RESP_ID))
    renamed = one(d, f'<saml2:Issuer xmlns:saml2="{SAML}">https://idp.example.org</saml2:Issuer>', f'<saml:Issuer xmlns:saml="{SAML}">https://idp.example.org</saml:Issuer>')
    invalid(g, "prefix-renamed-after-signing", "the Issuer's prefix renamed after signing (saml2: to saml:, same namespace URI): the names are equal, but prefixes are part of c14n, so the digest no longer matches", b_(renamed), code="xmldsig.digest.mismatch", flags=["TamperedContent"])

    d = s_(sign_t(T_ASSERT, uri="#" + ASSERT_ID))
    valid(g, "xsd-rebound-without-prefixlist", "the Assertion signed without PrefixList, then xmlns:xsd rebound after signing to another URI (changing what xsi:type=\"xsd:string\" means): exc-c14n never rendered xmlns:xsd, so the signature stays valid; this is why PrefixList exists", b_(one(d, f'xmlns:xsd="{XSD}"', 'xmlns:xsd="urn:idbridge:test:evil-types"')), ident=ASSERT, flags=["QNameInContent"])
    d = s_(sign_t(T_ASSERT, dict(prefix_list="xsd"), uri="#" + ASSERT_ID))
    invalid(g, "xsd-rebound-with-prefixlist", "the same rebinding of xsd after signing, on the Assertion signed with PrefixList=\"xsd\": xmlns:xsd is in the digest, which no longer matches", b_(one(d, f'xmlns:xsd="{XSD}"', 'xmlns:xsd="urn:idbridge:test:evil-types"')), code="xmldsig.digest.mismatch", flags=["PrefixList", "TamperedContent"])


# ================================================================== structure.json


def parts(d, p="ds"):
    """SignedInfo, SignatureValue and KeyInfo of the (single) Signature in `d`, as strings."""
    si = span(d, f"<{p}:SignedInfo>", f"</{p}:SignedInfo>")
    sv = span(d, f"<{p}:SignatureValue>", f"</{p}:SignatureValue>")
    ki = span(d, f"<{p}:KeyInfo>", f"</{p}:KeyInfo>") if f"<{p}:KeyInfo>" in d else None
    return si, sv, ki


def cases_structure():
    f = VectorFile(
        "structure",
        "the Signature element: missing, misplaced, in the wrong namespace, two of them, children missing, repeated, reordered or extra (ds:Object, two SignedInfo), SignedInfo children",
        [
            "Each document is a genuine signature whose Signature (or SignedInfo) structure was changed in exactly one way; where SignedInfo itself changes, it was signed in its changed form.",
            "Rules 3 and 4: exactly one ds:Signature child of the document element (none: xmldsig.signature.missing; two or more: xmldsig.signature.invalid); Signature children SignedInfo, SignatureValue, optional KeyInfo; SignedInfo children CanonicalizationMethod, SignatureMethod, Reference.",
        ],
    )
    src = "XML-DSig Core 1.1 §4.2 (Signature), §4.4 (SignedInfo), §4.6 (Object); XML-DSig best practices (2013) §2; On Breaking SAML (Somorovsky et al., USENIX Security 2012); " + GEN
    g = f.group(src, ["rsa2048"])
    ki = keyinfo_cert("rsa2048")
    d = s_(sign_t(T_DOC, dict(keyinfo=ki)))
    SIG = span(d, "<ds:Signature ", "</ds:Signature>")
    SI, SV, KI = parts(d)
    invalid(g, "unsigned", "the document element has no Signature at all", b_(one(T_DOC, "  {SIG}\n", "")), code="xmldsig.signature.missing", flags=["MissingSignature"])
    child_id = "_7c1e5b3a9d2f4e6081a3c5e7f9b1d3a5"
    t = body_doc(f'  <Name ID="{child_id}">{{INNER}}Alice Example</Name>\n  <Email>alice@example.org</Email>\n')
    t = one(t, "  {SIG}\n", "")
    t = one(t, "{INNER}", "{SIG}")
    invalid(g, "signature-only-in-child", "the only Signature is inside a child element and correctly signs that child (URI '#" + child_id + "'): the document element itself has no Signature child; signatures elsewhere are ignored", sign_t(t, dict(indent=None), uri="#" + child_id), code="xmldsig.signature.missing", flags=["MissingSignature"])
    wrong_ns = one(SIG, f'xmlns:ds="{DS}"', 'xmlns:ds="http://www.w3.org/2000/09/xmldsig"')
    invalid(g, "ds-prefix-wrong-namespace", "the Signature's ds prefix is bound to http://www.w3.org/2000/09/xmldsig (no '#'): the elements are named ds:Signature but are not in the XML-DSig namespace, so there is no Signature", b_(one(d, SIG, wrong_ns)), code="xmldsig.signature.missing", flags=["MissingSignature", "ParserDifferential"])
    lower = one(one(SIG, "<ds:Signature ", "<ds:signature "), "</ds:Signature>", "</ds:signature>")
    invalid(g, "signature-lowercase", "the Signature element renamed ds:signature (lower case s): names are case-sensitive, there is no Signature", b_(one(d, SIG, lower)), code="xmldsig.signature.missing", flags=["MissingSignature"])
    invalid(g, "signature-no-namespace-declaration", "an unprefixed <Signature> without its own xmlns inside a default-namespace document: it is in the document's namespace urn:idbridge:test:doc, not XML-DSig's, so there is no Signature (correctly signed otherwise)", sign_t(T_DOC, dict(p="", decl=False)), code="xmldsig.signature.missing", flags=["MissingSignature"])
    other_sig = span(s_(sign_t(T_DOC, key="rsa2048-b")), "<ds:Signature ", "</ds:Signature>")
    invalid(g, "two-signatures", "two Signature children: the valid one first, then a complete Signature by another key (rsa2048-b) that was already there when the first was made (so it is signed content): two or more Signature children is xmldsig.signature.invalid", sign_t(one(T_DOC, "  {SIG}\n", "  {SIG}\n  " + other_sig + "\n")), code="xmldsig.signature.invalid", flags=["StrictStructure"])
    invalid(g, "same-signature-twice", "the same valid Signature twice as children of the document element (the copy added after signing, so it is also unsigned content)", b_(one(d, SIG, SIG + "\n  " + SIG)), code="xmldsig.signature.invalid", flags=["StrictStructure"])
    obj = '<ds:Object Id="obj-1"><Note xmlns="urn:idbridge:test:doc">unsigned note</Note></ds:Object>'
    invalid(g, "object-after-keyinfo", "a ds:Object after KeyInfo (outside SignedInfo, so the signature still verifies): Object is not allowed", b_(one(d, KI, KI + "\n    " + obj)), code="xmldsig.signature.invalid", flags=["ObjectElement", "StrictStructure"])
    d2 = s_(sign_t(T_DOC))
    SI2, SV2, _ = parts(d2)
    invalid(g, "object-after-signaturevalue", "a ds:Object after SignatureValue, no KeyInfo: Object is not allowed", b_(one(d2, SV2, SV2 + "\n    " + obj)), code="xmldsig.signature.invalid", flags=["ObjectElement", "StrictStructure"])
    invalid(g, "empty-object", "an empty <ds:Object/> after SignatureValue: Object is not allowed, even empty", b_(one(d2, SV2, SV2 + "<ds:Object/>")), code="xmldsig.signature.invalid", flags=["ObjectElement", "StrictStructure"])
    swapped = d.replace(SI, "@@SI@@").replace(SV, SI).replace("@@SI@@", SV)
    invalid(g, "signaturevalue-before-signedinfo", "SignatureValue before SignedInfo (both unchanged): the order is fixed", b_(swapped), code="xmldsig.signature.invalid", flags=["StrictStructure"])
    swapped = d.replace(SV, "@@SV@@").replace(KI, SV).replace("@@SV@@", KI)
    invalid(g, "keyinfo-before-signaturevalue", "KeyInfo before SignatureValue: the order is fixed", b_(swapped), code="xmldsig.signature.invalid", flags=["StrictStructure"])
    invalid(g, "no-signaturevalue", "SignatureValue removed: required", b_(one(d, SV, "")), code="xmldsig.signature.invalid", flags=["StrictStructure"])
    invalid(g, "two-signaturevalues", "SignatureValue twice (both the correct value)", b_(one(d, SV, SV + SV)), code="xmldsig.signature.invalid", flags=["StrictStructure"])
    invalid(g, "two-keyinfos", "KeyInfo twice (both the trusted certificate)", b_(one(d, KI, KI + KI)), code="xmldsig.signature.invalid", flags=["StrictStructure"])
    invalid(g, "no-signedinfo", "SignedInfo removed", b_(one(d, SI, "")), code="xmldsig.signature.invalid", flags=["StrictStructure"])
    invalid(g, "two-signedinfos", "the same SignedInfo twice: exactly one is allowed (xml-crypto checked one SignedInfo's digest and another's signature, CVE-2025-29774)", b_(one(d, SI, SI + "\n    " + SI)), code="xmldsig.signature.invalid", flags=["MultipleSignedInfo", "StrictStructure"])
    invalid(g, "foreign-element-in-signature", "an element of another namespace after SignatureValue inside the Signature", b_(one(d2, SV2, SV2 + '<ext:Extra xmlns:ext="urn:idbridge:test:ext"/>')), code="xmldsig.signature.invalid", flags=["StrictStructure"])
    invalid(g, "unknown-ds-element-in-signature", "an element in the XML-DSig namespace that does not belong in Signature (ds:Manifest) after SignatureValue", b_(one(d2, SV2, SV2 + "<ds:Manifest/>")), code="xmldsig.signature.invalid", flags=["StrictStructure"])

    # SignedInfo children: each template is changed before signing, so the signature covers the changed SignedInfo
    base = fill(T_DOC, signature("#" + DOC_ID))
    cm = f'<ds:CanonicalizationMethod Algorithm="{EXC}"/>'
    sm = f'<ds:SignatureMethod Algorithm="{RSA_SHA256}"/>'
    t = one(one(base, cm, "@@CM@@"), sm, cm).replace("@@CM@@", sm)
    invalid(g, "signaturemethod-before-c14nmethod", "SignatureMethod before CanonicalizationMethod in SignedInfo (signed in that order): the order is fixed", sign(t, KEYS["rsa2048"]), code="xmldsig.signature.invalid", flags=["StrictStructure"])
    t = one(base, "\n      " + cm, "")
    invalid(g, "no-c14nmethod", "CanonicalizationMethod missing from SignedInfo (signed with exc-c14n)", sign(t, KEYS["rsa2048"]), code="xmldsig.signature.invalid", flags=["StrictStructure"])
    t = one(base, "\n      " + sm, "")
    invalid(g, "no-signaturemethod", "SignatureMethod missing from SignedInfo (the value is an rsa-sha256 signature)", sign(t, KEYS["rsa2048"], signer=signer_as(RSA_SHA256)), code="xmldsig.signature.invalid", flags=["StrictStructure"])
    t = one(base, cm, cm + "\n      " + cm)
    invalid(g, "two-c14nmethods", "CanonicalizationMethod twice in SignedInfo (both exc-c14n)", sign(t, KEYS["rsa2048"]), code="xmldsig.signature.invalid", flags=["StrictStructure"])
    t = one(base, "</ds:Reference>", '</ds:Reference>\n      <ext:Extra xmlns:ext="urn:idbridge:test:ext"/>')
    invalid(g, "extra-element-in-signedinfo", "an element of another namespace after the Reference in SignedInfo (signed that way)", sign(t, KEYS["rsa2048"]), code="xmldsig.signature.invalid", flags=["StrictStructure"])
    t = one(one(base, "<ds:SignedInfo>", '<x:SignedInfo xmlns:x="urn:idbridge:test:not-xmldsig">'), "</ds:SignedInfo>", "</x:SignedInfo>")
    invalid(g, "signedinfo-other-namespace", "the SignedInfo element is in another namespace (x:SignedInfo, urn:idbridge:test:not-xmldsig) with the usual ds: children: Signature's first child is not ds:SignedInfo", sign(t, KEYS["rsa2048"]), code="xmldsig.signature.invalid", flags=["StrictStructure", "ParserDifferential"])


# ================================================================== algorithms.json


def cases_algorithms():
    f = VectorFile(
        "algorithms",
        "the allow-lists: c14n methods other than exc-c14n, signature methods (rsa-sha1, rsa-sha224, rsa-md5, HMAC keyed with the certificate, DSA, ECDSA-SHA1/224, RSASSA-PSS, look-alike URIs), digest methods (SHA-1, SHA-224, MD5, SHA3-256, look-alike URIs), key type and encoding mismatches",
        [
            "Every forbidden-algorithm case is a correct signature under the algorithm it names (DSA: a 40-byte stand-in, no key), so only the allow-list rejects it.",
            "Allowed: c14n exc-c14n[#WithComments]; signature rsa-sha256/384/512, ecdsa-sha256/384/512 (xmldsig-more); digest xmlenc#sha256, xmldsig-more#sha384, xmlenc#sha512. Anything else is xmldsig.algorithm.forbidden (rules 5 and 8).",
        ],
    )
    src = "XML-DSig Core 1.1 §6.1-§6.5 (algorithm identifiers); RFC 6931 (additional XML security URIs); RFC 4051; XML-DSig best practices §2.1; " + GEN
    g = f.group(src, ["rsa2048"])
    for alg, slug, why, flags in [
        (C14N, "c14n-inclusive", "inclusive Canonical XML 1.0", ["AlgorithmNotListed"]),
        (C14N_WC, "c14n-inclusive-with-comments", "inclusive Canonical XML 1.0 WithComments", ["AlgorithmNotListed"]),
        (C14N11, "c14n-11", "Canonical XML 1.1", ["AlgorithmNotListed"]),
        ("http://www.w3.org/2001/10/xml-exc-c14n", "c14n-exc-without-hash", "exc-c14n's URI without the final '#'", ["AlgorithmUriMismatch"]),
    ]:
        invalid(g, slug, f"CanonicalizationMethod {why} ({alg}), SignedInfo signed with it: only exclusive c14n is allowed", sign_t(T_DOC, dict(cm=alg)), code="xmldsig.algorithm.forbidden", flags=flags)
    for alg, slug, why, flags in [
        (RSA_SHA1, "rsa-sha1", "rsa-sha1 (PKCS#1 v1.5 with SHA-1)", ["WeakHash"]),
        (RSA_MD5, "rsa-md5", "rsa-md5", ["WeakHash"]),
        (RSA_SHA224, "rsa-sha224", "rsa-sha224", ["AlgorithmNotListed"]),
        (RSA_PSS_SHA256, "rsa-pss-sha256", "RSASSA-PSS sha256-rsa-MGF1 (RFC 6931 §2.3.10; fixed 32-byte salt)", ["AlgorithmNotListed"]),
    ]:
        invalid(g, slug, f"SignatureMethod {why}, a correct signature by the trusted RSA key: not on the allow-list", sign_t(T_DOC, dict(sm=alg)), code="xmldsig.algorithm.forbidden", flags=flags)
    for alg, slug in [(HMAC_SHA1, "hmac-sha1"), (HMAC_SHA256, "hmac-sha256")]:
        doc = sign(fill(T_DOC, signature("#" + DOC_ID, sm=alg)), CERT_DER["rsa2048"])
        invalid(g, slug, f"SignatureMethod {alg.split('#')[1]}, the SignatureValue an HMAC keyed with the trusted certificate's DER bytes (public material): symmetric methods are not allowed", doc, code="xmldsig.algorithm.forbidden", flags=["HmacKeyConfusion"])
    for alg, slug in [(DSA_SHA1, "dsa-sha1"), (DSA_SHA256, "dsa-sha256")]:
        invalid(g, slug, f"SignatureMethod {alg} with a 40-byte r || s stand-in (no DSA key exists here): DSA is not allowed, and the algorithm is checked before any key", sign_t(T_DOC, dict(sm=alg)), code="xmldsig.algorithm.forbidden", flags=["AlgorithmNotListed"])
    for alg, slug, why in [
        (DS + "rsa-sha256", "rsa-sha256-xmldsig-namespace", "rsa-sha256 under the 2000/09/xmldsig# namespace (a common mistake; the real URI is xmldsig-more#rsa-sha256)"),
        (MORE + "RSA-SHA256", "rsa-sha256-upper-case", "xmldsig-more#RSA-SHA256 in upper case"),
        (RSA_SHA256 + " ", "rsa-sha256-trailing-space", "the rsa-sha256 URI followed by a space"),
        ("", "signaturemethod-empty", "an empty Algorithm attribute"),
    ]:
        invalid(g, slug, f"SignatureMethod {why}; the value is a correct rsa-sha256 signature: URIs are compared exactly", sign_t(T_DOC, dict(sm=alg), signer=signer_as(RSA_SHA256)), code="xmldsig.algorithm.forbidden", flags=["AlgorithmUriMismatch"])
    for alg, slug, why, flags in [
        (SHA1, "digest-sha1", "SHA-1", ["WeakHash"]),
        (MD5, "digest-md5", "MD5 (xmldsig-more#md5)", ["WeakHash"]),
        (SHA224, "digest-sha224", "SHA-224 (xmldsig-more#sha224)", ["AlgorithmNotListed"]),
        (SHA3_256, "digest-sha3-256", "SHA3-256 (2007/05/xmldsig-more#sha3-256)", ["AlgorithmNotListed"]),
        (MORE + "sha256", "digest-sha256-wrong-namespace", "SHA-256 named xmldsig-more#sha256 (the real URI is xmlenc#sha256)", ["AlgorithmUriMismatch"]),
        (MORE + "sha512", "digest-sha512-wrong-namespace", "SHA-512 named xmldsig-more#sha512 (the real URI is xmlenc#sha512)", ["AlgorithmUriMismatch"]),
        ("http://www.w3.org/2001/04/xmlenc#sha384", "digest-sha384-wrong-namespace", "SHA-384 named xmlenc#sha384 (the real URI is xmldsig-more#sha384)", ["AlgorithmUriMismatch"]),
    ]:
        invalid(g, slug, f"DigestMethod {why}, the DigestValue the correct digest of that hash, signed: not on the digest allow-list", sign_t(T_DOC, dict(dm=alg)), code="xmldsig.algorithm.forbidden", flags=flags)
    invalid(g, "ecdsa-method-rsa-key", "SignatureMethod ecdsa-sha256, but the only trusted key is RSA; the value is a genuine rsa-sha256 signature by it: no trusted key of the method's type", sign_t(T_DOC, dict(sm=ECDSA_SHA256), signer=signer_as(RSA_SHA256)), code="xmldsig.signature.invalid", flags=["KeyTypeMismatch"])

    g = f.group(src, ["p256"])
    for alg, slug, why, flags in [
        (ECDSA_SHA1, "ecdsa-sha1", "ecdsa-sha1", ["WeakHash"]),
        (ECDSA_SHA224, "ecdsa-sha224", "ecdsa-sha224", ["AlgorithmNotListed"]),
    ]:
        invalid(g, slug, f"SignatureMethod {why}, a correct r || s signature by the trusted P-256 key: not on the allow-list", sign_t(T_DOC, dict(sm=alg), key="p256"), code="xmldsig.algorithm.forbidden", flags=flags)
    invalid(g, "rsa-method-ec-key", "SignatureMethod rsa-sha256, but the only trusted key is P-256; the value is a genuine ecdsa-sha256 r || s signature by it: no trusted key of the method's type", sign_t(T_DOC, key="p256", signer=signer_as(ECDSA_SHA256)), code="xmldsig.signature.invalid", flags=["KeyTypeMismatch"])
    invalid(g, "ecdsa-der-signature", "ecdsa-sha256 by the trusted P-256 key, but the SignatureValue is the DER SEQUENCE { r, s } instead of r || s: not a valid XML-DSig ECDSA value", sign_t(T_DOC, dict(sm=ECDSA_SHA256), key="p256", signer=ecdsa_der_signer), code="xmldsig.signature.invalid", flags=["EcdsaEncoding"])


# ================================================================== references.json


def doc_root_attr(id_attr, extra_ns=""):
    """T_DOC with the document element's ID attribute replaced by `id_attr` (a raw attribute string or '')."""
    t = one(T_DOC, f' ID="{DOC_ID}"', (" " + id_attr if id_attr else "") + extra_ns)
    return t


def cases_references():
    f = VectorFile(
        "references",
        "the Reference: two of them, URI empty, absent, to a child, in other forms (XPointer, percent-encoded, external, case, spaces), target without ID or with Id/id/xml:id/namespaced ID, duplicate IDs anywhere in the document",
        [
            "Rule 6: exactly one Reference, URI exactly '#' + the value of the document element's ID attribute (named ID, no namespace), that value unique among all ID attributes of the document; else xmldsig.reference.invalid.",
            "Each case is otherwise a correct signature: the digest is that of what the URI would select in a generic XML-DSig implementation.",
        ],
    )
    src = "XML-DSig Core 1.1 §4.4.3 (Reference), §4.4.3.1 (URI), §4.4.3.3 (same-document references); SAML 2.0 core §5.4.2 and security considerations §6.4.2; XML-DSig best practices §2.2; " + GEN
    g = f.group(src, ["rsa2048"])
    U = "#" + DOC_ID
    refs = [reference(U), reference(U, ph="@@DIGEST2@@")]
    invalid(g, "two-references-same-target", "two References, both to the document element with the correct digest: exactly one is allowed", sign_t(T_DOC, dict(refs=refs)), code="xmldsig.reference.invalid", flags=["ReferenceNotTarget"])
    child_id = "_3e9a1c5b7d2f4a6c8e0b1d3f5a7c9e1b"
    t_child = body_doc(f'  <Name ID="{child_id}">Alice Example</Name>\n  <Email>alice@example.org</Email>\n')
    refs = [reference(U), reference("#" + child_id, ph="@@DIGEST2@@", transforms=(EXC,))]
    invalid(g, "second-reference-to-child", "a second Reference to a child element (ID " + child_id + ", exc-c14n, correct digest) beside the one to the document element", sign_t(t_child, dict(refs=refs)), code="xmldsig.reference.invalid", flags=["ReferenceNotTarget"])
    invalid(g, "uri-empty", "Reference URI=\"\" (the whole document, allowed by XML-DSig), correct digest: the URI must name the element by its ID", sign_t(T_DOC, uri=""), code="xmldsig.reference.invalid", flags=["ReferenceNotTarget"])
    invalid(g, "uri-absent", "the Reference has no URI attribute (the application would have to know what is signed), correct digest of the document element", sign_t(T_DOC, dict(uri_attr=False)), code="xmldsig.reference.invalid", flags=["ReferenceNotTarget"])
    invalid(g, "uri-to-child", "the only Reference points to a child element (ID " + child_id + ") with its correct digest; the Signature is still a child of the document element: the signed element is not the one the verifier returns", sign_t(t_child, uri="#" + child_id), code="xmldsig.reference.invalid", flags=["ReferenceNotTarget"])
    for attr, slug, why, flags in [
        ("", "target-without-id", "the document element has no ID attribute at all (URI '" + U + "' names nothing)", ["ReferenceNotTarget"]),
        (f'Id="{DOC_ID}"', "target-Id-attribute", "the document element's identifier is an attribute named Id (XML-DSig's own usage), not ID", ["IdAttributeName"]),
        (f'id="{DOC_ID}"', "target-id-lowercase", "the document element's identifier is an attribute named id (lower case)", ["IdAttributeName"]),
        (f'xml:id="{DOC_ID}"', "target-xml-id", "the document element's identifier is xml:id", ["IdAttributeName"]),
        (f'p:ID="{DOC_ID}" xmlns:p="urn:idbridge:test:attr"', "target-namespaced-ID", "the document element's identifier is p:ID, an attribute named ID in a namespace", ["IdAttributeName"]),
    ]:
        invalid(g, slug, f"{why}; Reference URI '{U}', digest of the document element: the target has no ID attribute", sign_t(doc_root_attr(attr), uri=U), code="xmldsig.reference.invalid", flags=flags)
    invalid(g, "target-empty-id", "the document element has ID=\"\" and the Reference URI is '#': an empty ID identifies nothing", sign_t(doc_root_attr('ID=""'), uri="#"), code="xmldsig.reference.invalid", flags=["ReferenceNotTarget"])
    for uri, slug, why in [
        ("#" + DOC_ID.upper(), "uri-other-case", "the ID in upper case"),
        (f"#xpointer(id('{DOC_ID}'))", "uri-xpointer-id", "#xpointer(id('...')), the XPointer form of the same element"),
        ("#xpointer(/)", "uri-xpointer-root", "#xpointer(/), the whole document"),
        (" " + U, "uri-leading-space", "'#' + ID with a leading space"),
        (U + " ", "uri-trailing-space", "'#' + ID with a trailing space"),
        ("#%5F" + DOC_ID[1:], "uri-percent-encoded", "'#' + ID with its leading '_' percent-encoded (%5F)"),
        ("https://idp.example.org/doc.xml" + U, "uri-external", "an external URI with the ID as fragment"),
        (DOC_ID, "uri-without-hash", "the bare ID without '#'"),
    ]:
        invalid(g, slug, f"Reference URI is {why}; digest of the document element: the URI must be exactly '#' + ID", sign_t(T_DOC, uri=uri), code="xmldsig.reference.invalid", flags=["UriForm"])
    for body, slug, why in [
        (f'  <Name ID="{DOC_ID}">Alice Example</Name>\n', "duplicate-id-child", "a child element"),
        (f'  <Group>\n    <Item>\n      <Detail ID="{DOC_ID}">deep</Detail>\n    </Item>\n  </Group>\n', "duplicate-id-deep", "an element three levels down"),
        (f'  <ext:Extensions xmlns:ext="urn:idbridge:test:ext"><ext:Evil ID="{DOC_ID}">admin</ext:Evil></ext:Extensions>\n', "duplicate-id-extension", "an element inside an extension element (another namespace)"),
        (f'  <Document ID="{DOC_ID}" Version="1"><Name>Mallory</Name></Document>\n', "duplicate-id-evil-copy", "a nested copy of the document element itself (same name, evil content)"),
    ]:
        invalid(g, slug, f"{why} carries the same ID as the document element; the document is signed with it (correct digest of the whole element): the ID is not unique", sign_t(body_doc(body)), code="xmldsig.reference.invalid", flags=["DuplicateId"])
    d = s_(sign_t(T_DOC, dict(keyinfo=keyinfo_cert("rsa2048"))))
    invalid(g, "duplicate-id-in-keyinfo", "after signing, a ds:KeyName with the document element's ID is added inside KeyInfo (outside SignedInfo and removed by the enveloped transform, so digest and signature still verify): IDs must be unique in the whole document, Signature included", b_(one(d, "<ds:KeyInfo>", f'<ds:KeyInfo><ds:KeyName ID="{DOC_ID}">x</ds:KeyName>')), code="xmldsig.reference.invalid", flags=["DuplicateId"])
    body = f'  <Name Id="{DOC_ID}" id="{DOC_ID}">Alice Example</Name>\n'
    valid(g, "same-value-in-Id-and-id", "a child carries the document element's ID value in attributes named Id and id (not ID): they are not ID attributes, so the ID stays unique; valid", sign_t(body_doc(body)), flags=["IdAttributeName"])


# ================================================================== transforms.json


def cases_transforms():
    f = VectorFile(
        "transforms",
        "the transform chain: missing, empty, single, reversed, repeated, inclusive c14n, c14n 1.1, XPath, XPath Filter 2.0, XSLT, base64, unknown or misspelled",
        [
            "Rule 7: Transforms must be exactly enveloped-signature then exc-c14n (with or without comments, optional ec:InclusiveNamespaces); anything else is xmldsig.transform.forbidden.",
            "The DigestValue is what the listed transforms would give (for a chain without the enveloped transform, the enveloped form's digest, since no other is possible).",
        ],
    )
    src = "XML-DSig Core 1.1 §4.4.3.4 (Transforms), §6.6 (transform algorithms); XML-DSig best practices §2.1 (Best Practices 1-5: avoid XPath, XSLT); " + GEN
    g = f.group(src, ["rsa2048"])
    xpath = E("ds:Transform", [("Algorithm", XPATH)], E("ds:XPath", [], "not(ancestor-or-self::ds:Signature)"))
    xslt_sheet = (
        '<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0">'
        '<xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy></xsl:template>'
        "</xsl:stylesheet>"
    )
    xslt = E("ds:Transform", [("Algorithm", XSLT)], xslt_sheet)
    filter2 = E("ds:Transform", [("Algorithm", XPATH2)], E("dsig-xpath:XPath", [("xmlns:dsig-xpath", XPATH2), ("Filter", "subtract")], "//ds:Signature"))
    for tr, slug, why, flags in [
        (None, "no-transforms", "the Reference has no Transforms element", ["ForbiddenTransform"]),
        ((), "empty-transforms", "an empty Transforms element", ["ForbiddenTransform"]),
        ((ENV,), "only-enveloped", "only enveloped-signature (the node-set then goes through inclusive c14n)", ["ForbiddenTransform"]),
        ((EXC,), "only-exc-c14n", "only exc-c14n, no enveloped-signature", ["ForbiddenTransform"]),
        ((EXC, ENV), "reversed", "exc-c14n then enveloped-signature (reversed)", ["ForbiddenTransform"]),
        ((ENV, EXC, EXC), "exc-c14n-twice", "enveloped-signature, exc-c14n, exc-c14n (three transforms)", ["ForbiddenTransform"]),
        ((ENV, ENV, EXC), "enveloped-twice", "enveloped-signature twice, then exc-c14n", ["ForbiddenTransform"]),
        ((ENV, C14N), "inclusive-c14n", "enveloped-signature then inclusive Canonical XML 1.0", ["ForbiddenTransform"]),
        ((ENV, C14N_WC), "inclusive-c14n-with-comments", "enveloped-signature then inclusive Canonical XML 1.0 WithComments", ["ForbiddenTransform"]),
        ((ENV, C14N11), "c14n-11", "enveloped-signature then Canonical XML 1.1", ["ForbiddenTransform"]),
        ((xpath, EXC), "xpath-instead-of-enveloped", "an XPath transform not(ancestor-or-self::ds:Signature) instead of enveloped-signature, then exc-c14n", ["DangerousTransform"]),
        ((ENV, xpath, EXC), "xpath-extra", "enveloped-signature, an XPath transform, exc-c14n", ["DangerousTransform"]),
        ((filter2, EXC), "xpath-filter2", "XPath Filter 2.0 (subtract //ds:Signature) instead of enveloped-signature, then exc-c14n", ["DangerousTransform"]),
        ((ENV, xslt, EXC), "xslt", "enveloped-signature, an XSLT identity stylesheet, exc-c14n", ["DangerousTransform"]),
        ((ENV, B64_TRANSFORM), "base64", "enveloped-signature then the base64 transform", ["ForbiddenTransform"]),
        ((ENV, "urn:idbridge:test:unknown-transform"), "unknown", "enveloped-signature then an unknown transform URI", ["ForbiddenTransform"]),
        ((DS + "enveloped", EXC), "enveloped-misspelled", "xmldsig#enveloped (misspelled enveloped-signature) then exc-c14n", ["ForbiddenTransform"]),
        ((ENV + " ", EXC), "enveloped-trailing-space", "the enveloped-signature URI with a trailing space, then exc-c14n", ["ForbiddenTransform"]),
    ]:
        invalid(g, slug, f"{why}; correct digest and signature otherwise: not the allowed chain", sign_t(T_DOC, dict(transforms=tr)), code="xmldsig.transform.forbidden", flags=flags)


# ================================================================== text.json


def flip_b64(value_b64, byte_index=10):
    raw = bytearray(base64.b64decode(value_b64))
    raw[byte_index] ^= 0x01
    return b64(bytes(raw))


def cases_text():
    f = VectorFile(
        "text",
        "DigestValue and SignatureValue as text: whitespace and line wrapping (valid), markup or non-base64 inside (signature.invalid), wrong lengths; SignedInfo and SignatureValue edits after signing; signed content edits",
        [
            "Rule 9: DigestValue and SignatureValue are base64 text and whitespace only; an element, comment or PI inside, or a value that is not base64, is xmldsig.signature.invalid.",
            "Rule 11 (digest of the signed element) is checked before rule 12 (signature over SignedInfo).",
        ],
    )
    src = "XML-DSig Core 1.1 §3.2.1 (reference validation), §3.2.2 (signature validation), §4.3 (SignatureValue), §4.4.3.6 (DigestValue); XML Schema base64Binary; CVE-2025-29775; " + GEN
    g = f.group(src, ["rsa2048"])
    valid(g, "digestvalue-wrapped", "DigestValue written in 20-character lines between line breaks, signed that way (the whitespace is inside SignedInfo): decoded with whitespace ignored; valid", sign_t(T_DOC, dv_fmt=lambda d: "\n" + wrap(b64(d), 20) + "\n"), flags=["Base64Whitespace"])
    valid(g, "digestvalue-cr-references", "DigestValue surrounded by &#13; and line breaks (CR characters, as Santuario writes), signed that way: whitespace; valid", sign_t(T_DOC, dv_fmt=lambda d: "&#13;\n" + b64(d) + "&#13;\n"), flags=["Base64Whitespace"])
    valid(g, "signaturevalue-wrapped-76", "SignatureValue in 76-character lines (MIME style) with leading and trailing line breaks: valid", sign_t(T_DOC, sv_fmt=lambda v: "\n" + wrap(b64(v), 76) + "\n"), flags=["Base64Whitespace"])
    valid(g, "signaturevalue-cr-references", "SignatureValue in 76-character lines ending in &#13; + line feed (Apache Santuario's output): CR is whitespace; valid", sign_t(T_DOC, sv_fmt=lambda v: wrap(b64(v), 76, "&#13;\n")), flags=["Base64Whitespace"])
    valid(g, "signaturevalue-spaces-tabs", "SignatureValue split into 4-character groups by spaces and tabs, indented: valid", sign_t(T_DOC, sv_fmt=lambda v: "\n\t " + " \t".join(wrap(b64(v), 4).split("\n")) + "\n  "), flags=["Base64Whitespace"])
    valid(g, "signedinfo-tab-indented", "Signature and SignedInfo indented with tabs and signed that way: SignedInfo's c14n keeps its whitespace, which was signed; valid", sign_t(T_DOC, dict(indent="\t")), flags=["SignedInfoForm"])
    d = s_(sign_t(T_DOC))
    valid(g, "signedinfo-quotes-after-signing", "after signing, the CanonicalizationMethod's Algorithm attribute rewritten with single quotes: c14n of SignedInfo is unchanged; valid", b_(one(d, f'<ds:CanonicalizationMethod Algorithm="{EXC}"/>', f"<ds:CanonicalizationMethod Algorithm='{EXC}'/>")), flags=["SignedInfoForm", "C14nInvariant"])
    valid(g, "signedinfo-empty-element-after-signing", "after signing, <ds:DigestMethod .../> rewritten as <ds:DigestMethod ...></ds:DigestMethod>: same c14n; valid", b_(one(d, f'<ds:DigestMethod Algorithm="{SHA256}"/>', f'<ds:DigestMethod Algorithm="{SHA256}"></ds:DigestMethod>')), flags=["SignedInfoForm", "C14nInvariant"])
    da = s_(sign_t(T_ASSERT, dict(prefix_list="xsd"), uri="#" + ASSERT_ID))
    valid(g, "signedinfo-attribute-order-after-signing", "after signing, the attributes of ec:InclusiveNamespaces reordered (PrefixList before xmlns:ec): c14n puts namespace declarations first and sorts attributes; valid", b_(one(da, f'<ec:InclusiveNamespaces xmlns:ec="{EXC}" PrefixList="xsd"/>', f'<ec:InclusiveNamespaces PrefixList="xsd" xmlns:ec="{EXC}"/>')), ident=ASSERT, flags=["SignedInfoForm", "C14nInvariant"])

    SI, SV, _ = parts(d)
    sv_text = SV[len("<ds:SignatureValue>") : -len("</ds:SignatureValue>")]
    half = len(sv_text) // 2

    def with_sv(inner):
        return b_(one(d, SV, "<ds:SignatureValue>" + inner + "</ds:SignatureValue>"))

    invalid(g, "signaturevalue-bit-flipped", "one bit of the SignatureValue flipped (still 256 bytes): it does not verify", with_sv(flip_b64(sv_text)), code="xmldsig.signature.invalid", flags=["TamperedSignatureValue"])
    invalid(g, "signaturevalue-child-element", "the correct SignatureValue followed by a child element inside SignatureValue", with_sv(sv_text + '<ext:X xmlns:ext="urn:idbridge:test:ext"/>'), code="xmldsig.signature.invalid", flags=["NonTextValue"])
    invalid(g, "signaturevalue-comment-inside", "a comment in the middle of the correct SignatureValue (the text nodes joined are the correct value)", with_sv(sv_text[:half] + "<!-- c -->" + sv_text[half:]), code="xmldsig.signature.invalid", flags=["NonTextValue"])
    invalid(g, "signaturevalue-leading-comment", "a comment before the correct SignatureValue text", with_sv("<!-- c -->" + sv_text), code="xmldsig.signature.invalid", flags=["NonTextValue"])
    invalid(g, "signaturevalue-pi-inside", "a processing instruction in the middle of the correct SignatureValue", with_sv(sv_text[:half] + "<?x?>" + sv_text[half:]), code="xmldsig.signature.invalid", flags=["NonTextValue"])
    invalid(g, "signaturevalue-not-base64", "SignatureValue with '*' in place of its first character: not base64", with_sv("*" + sv_text[1:]), code="xmldsig.signature.invalid", flags=["NonTextValue"])
    invalid(g, "signaturevalue-unpadded", "the correct SignatureValue without its '==' padding: not valid base64 (XML Schema base64Binary requires the padding)", with_sv(sv_text.rstrip("=")), code="xmldsig.signature.invalid", flags=["NonTextValue"])
    invalid(g, "signaturevalue-empty", "an empty SignatureValue: zero bytes never verify", with_sv(""), code="xmldsig.signature.invalid", flags=["TamperedSignatureValue"])
    other = s_(sign_t(body_doc("  <Name>Bob Example</Name>\n  <Email>bob@example.org</Email>\n")))
    _, SVo, _ = parts(other)
    invalid(g, "signaturevalue-from-other-document", "the SignatureValue of another genuine document (signed by the same key over another SignedInfo): it does not verify here", b_(one(d, SV, SVo)), code="xmldsig.signature.invalid", flags=["TamperedSignatureValue"])

    dv_full = span(d, "<ds:DigestValue>", "</ds:DigestValue>")
    dv_text = dv_full[len("<ds:DigestValue>") : -len("</ds:DigestValue>")]
    invalid(g, "digestvalue-comment-inside", "a comment in the middle of the correct DigestValue; exc-c14n of SignedInfo drops comments, so the signature still verifies: DigestValue must be plain text (CVE-2025-29775)", b_(one(d, dv_full, "<ds:DigestValue>" + dv_text[:20] + "<!---->" + dv_text[20:] + "</ds:DigestValue>")), code="xmldsig.signature.invalid", flags=["DigestValueComment", "NonTextValue"])
    invalid(g, "digestvalue-leading-comment", "a comment before the correct DigestValue text (the signature still verifies, as above)", b_(one(d, dv_full, "<ds:DigestValue><!-- forged: AAAA -->" + dv_text + "</ds:DigestValue>")), code="xmldsig.signature.invalid", flags=["DigestValueComment", "NonTextValue"])
    invalid(g, "digestvalue-child-element", "the correct DigestValue followed by a child element, signed that way (so the signature over SignedInfo verifies)", sign_t(T_DOC, dv_fmt=lambda dg: b64(dg) + '<ext:X xmlns:ext="urn:idbridge:test:ext"/>'), code="xmldsig.signature.invalid", flags=["NonTextValue"])
    invalid(g, "digestvalue-not-base64", "DigestValue with '*' in place of its first character, signed that way", sign_t(T_DOC, dv_fmt=lambda dg: "*" + b64(dg)[1:]), code="xmldsig.signature.invalid", flags=["NonTextValue"])
    invalid(g, "digestvalue-empty", "an empty DigestValue, signed that way: valid base64 for zero bytes, which is not the 32-byte digest", sign_t(T_DOC, dv_fmt=lambda dg: ""), code="xmldsig.digest.mismatch", flags=["TamperedContent"])
    invalid(g, "digestvalue-truncated", "DigestValue holding the correct digest minus its last byte (31 bytes), signed that way", sign_t(T_DOC, dv_fmt=lambda dg: b64(dg[:-1])), code="xmldsig.digest.mismatch", flags=["TamperedContent"])

    invalid(g, "signed-text-changed", "the signed Name changed from 'Alice Example' to 'Mallory Example' after signing", b_(one(d, "Alice Example", "Mallory Example")), code="xmldsig.digest.mismatch", flags=["TamperedContent"])
    invalid(g, "signed-attribute-changed", "the document element's Version attribute changed from 1 to 2 after signing", b_(one(d, 'Version="1"', 'Version="2"')), code="xmldsig.digest.mismatch", flags=["TamperedContent"])
    invalid(g, "attribute-added-to-target", "an attribute Role=\"admin\" added to the document element after signing", b_(one(d, 'Version="1"', 'Version="1" Role="admin"')), code="xmldsig.digest.mismatch", flags=["TamperedContent"])
    invalid(g, "element-appended", "an element <Role>admin</Role> appended to the document element after signing", b_(one(d, "</Document>", "  <Role>admin</Role>\n</Document>")), code="xmldsig.digest.mismatch", flags=["TamperedContent"])
    invalid(g, "element-removed", "the Email element removed after signing", b_(one(d, "  <Email>alice@example.org</Email>\n", "")), code="xmldsig.digest.mismatch", flags=["TamperedContent"])
    # content changed and the DigestValue recomputed: the digest matches, SignedInfo no longer does
    changed = one(d, "Alice Example", "Mallory Example")
    root = parse(b_(changed))
    new_digest = digest_of_reference(root, [e for e in root.iter() if localname(e) == "Reference"][0])
    invalid(g, "content-and-digestvalue-changed", "the Name changed after signing and the DigestValue replaced by the digest of the changed element: the digest matches, but SignedInfo changed, so the signature does not verify", b_(one(changed, dv_full, "<ds:DigestValue>" + b64(new_digest) + "</ds:DigestValue>")), code="xmldsig.signature.invalid", flags=["TamperedSignedInfo"])
    invalid(g, "signedinfo-whitespace-changed", "an extra line break added inside SignedInfo after signing: whitespace in SignedInfo is part of its c14n", b_(one(d, "<ds:SignedInfo>\n", "<ds:SignedInfo>\n\n")), code="xmldsig.signature.invalid", flags=["TamperedSignedInfo", "SignedInfoForm"])
    sig = span(d, "<ds:Signature ", "</ds:Signature>")
    renamed = sig.replace("<ds:", "<dsig:").replace("</ds:", "</dsig:").replace("xmlns:ds=", "xmlns:dsig=")
    invalid(g, "signedinfo-prefix-renamed", "after signing, the Signature's prefix renamed from ds to dsig (same namespace): the element names are equal but the c14n of SignedInfo carries the prefix, so the signature does not verify", b_(one(d, sig, renamed)), code="xmldsig.signature.invalid", flags=["TamperedSignedInfo"])
    new_id = "_1111111111111111111111111111111a"
    invalid(g, "id-and-uri-changed", "after signing, the document element's ID and the Reference URI both changed to a new value: the reference is consistent, but the ID attribute is signed content, so the digest fails first (rule 11 before rule 12)", b_(d.replace(DOC_ID, new_id)), code="xmldsig.digest.mismatch", flags=["TamperedContent"])


# ================================================================== keys.json


def rsa_keyvalue(pub, p="ds"):
    nums = pub.public_numbers()
    n = nums.n.to_bytes((nums.n.bit_length() + 7) // 8, "big")
    e = nums.e.to_bytes((nums.e.bit_length() + 7) // 8, "big")
    return E(
        q(p, "KeyInfo"),
        [],
        E(q(p, "KeyValue"), [], E(q(p, "RSAKeyValue"), [], E(q(p, "Modulus"), [], b64(n)), E(q(p, "Exponent"), [], b64(e)))),
    )


def cases_keys():
    f = VectorFile(
        "keys",
        "which key verifies: KeyInfo certificates that are not byte-equal to a trusted one (key.untrusted), KeyValue-only keys, wrong keys, wrong curve, RSA 1024",
        [
            "Rule 10: the key never comes from KeyInfo. An X509Certificate in KeyInfo that is not byte-equal (DER) to a trusted certificate is xmldsig.key.untrusted; otherwise the trusted keys of the SignatureMethod's type are tried, and none verifying is xmldsig.signature.invalid.",
            "Trusted RSA keys under 2048 bits never verify.",
        ],
    )
    src = "XML-DSig Core 1.1 §4.5 (KeyInfo), §4.5.4 (X509Data); SAML 2.0 metadata (trusted keys come from metadata, not from the message); SAML security considerations; " + GEN
    g = f.group(src, ["rsa2048"])
    invalid(g, "keyinfo-untrusted-cert", "signed by the trusted key (rsa2048) but KeyInfo holds another certificate (rsa2048-b, not trusted): the KeyInfo certificate is not a trusted one", sign_t(T_DOC, dict(keyinfo=keyinfo_cert("rsa2048-b"))), code="xmldsig.key.untrusted", flags=["UntrustedKeyInfo"])
    invalid(g, "keyinfo-only-key", "signed by rsa2048-b, whose certificate is in KeyInfo; trust holds only rsa2048: the attacker's certificate in KeyInfo is not trusted", sign_t(T_DOC, dict(keyinfo=keyinfo_cert("rsa2048-b")), key="rsa2048-b"), code="xmldsig.key.untrusted", flags=["UntrustedKeyInfo"])
    invalid(g, "keyinfo-reissued-cert", "signed by the trusted key; KeyInfo holds a second certificate for the same key (other serial, rsa2048-reissued): not byte-equal to the trusted certificate", sign_t(T_DOC, dict(keyinfo=keyinfo_cert("rsa2048-reissued"))), code="xmldsig.key.untrusted", flags=["UntrustedKeyInfo"])
    invalid(g, "keyinfo-trusted-and-untrusted", "signed by the trusted key; KeyInfo/X509Data holds the trusted certificate and then an untrusted one (rsa2048-b): one KeyInfo certificate is not trusted", sign_t(T_DOC, dict(keyinfo=keyinfo_cert("rsa2048", extra_certs=["rsa2048-b"]))), code="xmldsig.key.untrusted", flags=["UntrustedKeyInfo"])
    invalid(g, "keyinfo-cert-trailing-byte", "signed by the trusted key; KeyInfo holds the trusted certificate's DER with one 0x00 byte appended: not byte-equal", sign_t(T_DOC, dict(keyinfo=keyinfo_cert(CERT_DER["rsa2048"] + b"\x00"))), code="xmldsig.key.untrusted", flags=["UntrustedKeyInfo"])
    ki = E("ds:KeyInfo", [], E("ds:X509Data", [], E("ds:X509Certificate", [], b64(b"not a certificate"))))
    invalid(g, "keyinfo-garbage-cert", "signed by the trusted key; KeyInfo's X509Certificate holds base64 of 'not a certificate': not byte-equal to a trusted certificate (it is compared, not parsed)", sign_t(T_DOC, dict(keyinfo=ki)), code="xmldsig.key.untrusted", flags=["UntrustedKeyInfo"])
    invalid(g, "keyinfo-keyvalue-attacker", "signed by rsa2048-b, whose public key is given in KeyInfo/KeyValue/RSAKeyValue (no certificate): KeyValue is never used, the trusted key does not verify", sign_t(T_DOC, dict(keyinfo=rsa_keyvalue(KEYS["rsa2048-b"].public_key())), key="rsa2048-b"), code="xmldsig.signature.invalid", flags=["WrongKey"])
    invalid(g, "wrong-key", "a correct signature by rsa2048-b, no KeyInfo; trust holds rsa2048: does not verify", sign_t(T_DOC, key="rsa2048-b"), code="xmldsig.signature.invalid", flags=["WrongKey"])
    invalid(g, "keyinfo-trusted-cert-wrong-key", "signed by rsa2048-b, but KeyInfo holds the trusted rsa2048 certificate: the certificate is trusted, its key does not verify", sign_t(T_DOC, dict(keyinfo=keyinfo_cert("rsa2048")), key="rsa2048-b"), code="xmldsig.signature.invalid", flags=["WrongKey"])

    g = f.group(src, ["p256"])
    invalid(g, "ecdsa-wrong-key", "ecdsa-sha256 by p256-b, no KeyInfo; trust holds p256: does not verify", sign_t(T_DOC, dict(sm=ECDSA_SHA256), key="p256-b"), code="xmldsig.signature.invalid", flags=["WrongKey"])
    invalid(g, "ecdsa-wrong-curve", "ecdsa-sha384 by a P-384 key (r || s of 96 bytes); trust holds a P-256 key: does not verify", sign_t(T_DOC, dict(sm=ECDSA_SHA384, dm=SHA384), key="p384"), code="xmldsig.signature.invalid", flags=["WrongKey"])

    g = f.group(src, ["rsa1024"])
    invalid(g, "rsa1024", "a correct rsa-sha256 signature by the trusted 1024-bit RSA key: keys under 2048 bits never verify", sign_t(T_DOC, key="rsa1024"), code="xmldsig.signature.invalid", flags=["SmallRsaKey"])
    invalid(g, "rsa1024-keyinfo", "the same with the trusted 1024-bit certificate in KeyInfo: still too small", sign_t(T_DOC, dict(keyinfo=keyinfo_cert("rsa1024")), key="rsa1024"), code="xmldsig.signature.invalid", flags=["SmallRsaKey"])


# ================================================================== wrapping.json

ORIG_ID = "_9b8e7d6c5b4a39281706f5e4d3c2b1a0"
EVIL_ID = "_e5a1b2c3d4e5f60718293a4b5c6d7e8f"
RESP_ATTRS = f'xmlns:saml2p="{SAMLP}" xmlns:saml2="{SAML}"'
T_XSW = (
    XML_DECL
    + f'<saml2p:Response {RESP_ATTRS} ID="{ORIG_ID}" IssueInstant="2025-06-01T10:00:00.000Z" Version="2.0">\n'
    + "  <saml2:Issuer>https://idp.example.org</saml2:Issuer>\n"
    + "  {SIG}\n"
    + "  <saml2:Subject><saml2:NameID>alice@example.org</saml2:NameID></saml2:Subject>\n"
    + "</saml2p:Response>\n"
)
ORIG = (ORIG_ID, RESP_EL)


def evil_root(body, id_attr=f' ID="{EVIL_ID}"'):
    return (
        XML_DECL
        + f'<saml2p:Response {RESP_ATTRS}{id_attr} IssueInstant="2025-06-01T10:00:00.000Z" Version="2.0">\n'
        + "  <saml2:Issuer>https://idp.example.org</saml2:Issuer>\n"
        + body
        + "  <saml2:Subject><saml2:NameID>admin@example.org</saml2:NameID></saml2:Subject>\n"
        + "</saml2p:Response>\n"
    )


def cases_wrapping():
    f = VectorFile(
        "wrapping",
        "XML Signature Wrapping (XSW1-XSW8 adapted to a document-element target), duplicate-ID copies, the Signature moved into an evil element, a forged Reference (CVE-2024-45409), forged SignedInfo (CVE-2025-29774), prefix confusion (CVE-2025-25291/25292 family), a signed Assertion inside a signed Response",
        [
            "The original is a genuine SAML Response-like document (ID " + ORIG_ID + ") signed by the trusted key with the trusted certificate in KeyInfo; the attacks move, copy or wrap it around attacker content (admin@example.org).",
            "Each comment names the rule that stops the attack; the order of checks decides which code comes first.",
        ],
    )
    src = "On Breaking SAML: Be Whoever You Want to Be (Somorovsky, Mayer, Schwenk, Kampmann, Jensen; USENIX Security 2012) XSW1-XSW8; SAML 2.0 security considerations §6.4; XML-DSig best practices §2.2; CVE-2024-45409, CVE-2025-29774, CVE-2025-25291, CVE-2025-25292; " + GEN
    g = f.group(src, ["rsa2048"])
    o = s_(sign_t(T_XSW, dict(keyinfo=keyinfo_cert("rsa2048")), uri="#" + ORIG_ID))
    SIG = span(o, "<ds:Signature ", "</ds:Signature>")
    KI = span(o, "<ds:KeyInfo>", "</ds:KeyInfo>")
    orig_el = o[len(XML_DECL) :].rstrip("\n")
    orig_nosig = one(orig_el, SIG, "")  # the element removed, its surrounding whitespace kept (as the enveloped transform sees it)
    valid(g, "original", "the genuine original all the wrapping cases start from: valid", b_(o), ident=ORIG)

    sig_obj = one(SIG, "</ds:Signature>", "<ds:Object>" + orig_nosig + "</ds:Object></ds:Signature>")
    invalid(g, "xsw1-original-in-object", "XSW1/XSW8 shape: an evil Response (ID " + EVIL_ID + ") carries a copy of the Signature, and the original Response (without its Signature) is moved into a ds:Object inside it; the Reference still points to the original's ID. Stopped by rule 4 (no Object in Signature), before the URI check", b_(evil_root("  " + sig_obj + "\n")), code="xmldsig.signature.invalid", flags=["SignatureWrapping", "ObjectElement"])
    invalid(g, "xsw2-original-as-sibling", "XSW2 shape: the evil Response (ID " + EVIL_ID + ") holds the original (without its Signature) as a child and the copied Signature after it: the Reference URI '#" + ORIG_ID + "' is not '#' + the document element's ID (rule 6)", b_(evil_root("  " + orig_nosig + "\n  " + SIG + "\n")), code="xmldsig.reference.invalid", flags=["SignatureWrapping", "ReferenceNotTarget"])
    invalid(g, "xsw-wrapper-same-id", "the evil Response takes the original's ID " + ORIG_ID + ", carries the copied Signature, and nests the original (without its Signature): the URI matches the document element's ID, but the ID is not unique (rule 6). A verifier that dereferenced the last element with that ID would find the original and a matching digest", b_(evil_root("  " + SIG + "\n  " + orig_nosig + "\n", f' ID="{ORIG_ID}"')), code="xmldsig.reference.invalid", flags=["SignatureWrapping", "DuplicateId"])
    invalid(g, "xsw-wrapper-without-id", "the evil Response has no ID, carries the copied Signature and nests the original (without its Signature): the target has no ID (rule 6)", b_(evil_root("  " + SIG + "\n  " + orig_nosig + "\n", "")), code="xmldsig.reference.invalid", flags=["SignatureWrapping", "ReferenceNotTarget"])
    invalid(g, "xsw7-original-in-extensions", "XSW7 shape: the evil Response (ID " + EVIL_ID + ") hides the whole signed original, Signature included, in saml2p:Extensions: the document element has no Signature child (rule 3); the original's Signature is ignored", b_(evil_root("  <saml2p:Extensions>" + orig_el + "</saml2p:Extensions>\n")), code="xmldsig.signature.missing", flags=["SignatureWrapping", "MissingSignature"])
    invalid(g, "xsw-original-wrapped-as-child", "XSW3/XSW4 shape: the evil Response (ID " + EVIL_ID + ") simply contains the signed original, Signature included, as a child: the document element has no Signature child (rule 3)", b_(evil_root("  " + orig_el + "\n")), code="xmldsig.signature.missing", flags=["SignatureWrapping", "MissingSignature"])
    sig_ki = one(SIG, "</ds:KeyInfo>", orig_nosig + "</ds:KeyInfo>")
    invalid(g, "xsw-original-in-keyinfo", "the evil Response (ID " + EVIL_ID + ") carries a copied Signature whose KeyInfo hides the original (without its Signature), where no Object rule applies: the Reference URI is not '#' + the document element's ID (rule 6)", b_(evil_root("  " + sig_ki + "\n")), code="xmldsig.reference.invalid", flags=["SignatureWrapping", "ReferenceNotTarget"])
    invalid(g, "xsw-same-id-original-in-keyinfo", "as above, but the evil Response takes the original's ID: the original hidden in KeyInfo makes the ID duplicate (rule 6; IDs inside the Signature count)", b_(evil_root("  " + sig_ki + "\n", f' ID="{ORIG_ID}"')), code="xmldsig.reference.invalid", flags=["SignatureWrapping", "DuplicateId"])
    evil_copy = f'<saml2p:Response ID="{ORIG_ID}" Version="2.0"><saml2:Subject><saml2:NameID>admin@example.org</saml2:NameID></saml2:Subject></saml2p:Response>'
    invalid(g, "evil-copy-first-child", "the genuine signed original with an evil copy carrying the same ID inserted as its first child (before the Issuer and the Signature): the ID is duplicate (rule 6, checked before the digest)", b_(one(o, "  <saml2:Issuer>", "  " + evil_copy + "\n  <saml2:Issuer>")), code="xmldsig.reference.invalid", flags=["SignatureWrapping", "DuplicateId"])
    invalid(g, "evil-copy-last-child", "the genuine signed original with an evil copy carrying the same ID appended as its last child: duplicate ID (rule 6)", b_(one(o, "</saml2p:Response>\n", "  " + evil_copy + "\n</saml2p:Response>\n")), code="xmldsig.reference.invalid", flags=["SignatureWrapping", "DuplicateId"])
    invalid(g, "evil-copy-deep", "the genuine signed original with an evil copy carrying the same ID nested inside its Subject, in an extension element: duplicate ID (rule 6)", b_(one(o, "</saml2:NameID></saml2:Subject>", '</saml2:NameID><ext:Wrapper xmlns:ext="urn:idbridge:test:ext">' + evil_copy + "</ext:Wrapper></saml2:Subject>")), code="xmldsig.reference.invalid", flags=["SignatureWrapping", "DuplicateId"])
    invalid(g, "signature-moved-into-extensions", "the genuine original whose Signature was moved into a saml2p:Extensions child: the document element has no Signature child (rule 3)", b_(one(o, SIG, "<saml2p:Extensions>" + SIG + "</saml2p:Extensions>")), code="xmldsig.signature.missing", flags=["SignatureWrapping", "MissingSignature"])
    renamed = one(orig_nosig, f'ID="{ORIG_ID}"', 'ID="_0riginal0000000000000000000000"')
    invalid(g, "evil-root-takes-id", "the evil Response takes the original's ID and the copied Signature; the original, renamed to another ID, is nested: the ID is unique and the URI names the document element, but the digest is the original's, not the evil element's (rule 11)", b_(evil_root("  " + SIG + "\n  " + renamed + "\n", f' ID="{ORIG_ID}"')), code="xmldsig.digest.mismatch", flags=["SignatureWrapping", "TamperedContent"])
    invalid(g, "evil-signature-first", "an evil Signature (a copy with another SignatureValue) inserted before the genuine one: two Signature children (rule 3)", b_(one(o, "  " + SIG, "  " + SIG.replace(span(SIG, "<ds:SignatureValue>", "</ds:SignatureValue>"), "<ds:SignatureValue>" + b64(b"\x00" * 256) + "</ds:SignatureValue>") + "\n  " + SIG)), code="xmldsig.signature.invalid", flags=["SignatureWrapping", "StrictStructure"])
    # CVE-2024-45409 shape: the content changed; a forged Reference with the changed content's digest hidden in KeyInfo
    changed = one(o, "alice@example.org", "admin@example.org")
    root = parse(b_(changed))
    forged_digest = digest_of_reference(root, [e for e in root.iter() if localname(e) == "Reference"][0])
    forged_ref = render(reference("#" + ORIG_ID, ph=b64(forged_digest)), None)
    invalid(g, "forged-reference-in-keyinfo", "CVE-2024-45409 shape: the NameID changed to admin@example.org, and a forged ds:Reference carrying the changed element's digest is hidden in KeyInfo (the only unsigned place: the enveloped transform removes it). The SignedInfo is untouched, so its DigestValue no longer matches (rule 11); the forged one is never read", b_(one(changed, KI, KI.replace("</ds:KeyInfo>", forged_ref + "</ds:KeyInfo>"))), code="xmldsig.digest.mismatch", flags=["ForgedDigestValue", "SignatureWrapping"])
    SI = span(o, "<ds:SignedInfo>", "</ds:SignedInfo>")
    forged_si = SI.replace(span(SI, "<ds:DigestValue>", "</ds:DigestValue>"), "<ds:DigestValue>" + b64(forged_digest) + "</ds:DigestValue>")
    invalid(g, "forged-signedinfo-first", "CVE-2025-29774 shape: the NameID changed to admin@example.org and a forged SignedInfo (DigestValue of the changed element) inserted before the genuine SignedInfo: two SignedInfo (rule 4)", b_(one(changed, SI, forged_si + "\n    " + SI)), code="xmldsig.signature.invalid", flags=["MultipleSignedInfo", "SignatureWrapping"])
    fake = '<ds:Signature xmlns:ds="urn:idbridge:test:not-xmldsig"><ds:SignedInfo>decoy</ds:SignedInfo></ds:Signature>'
    t = one(T_XSW, "  {SIG}\n", "  " + fake + "\n  {SIG}\n")
    valid(g, "prefix-confusion-decoy", "a decoy <ds:Signature> whose ds prefix is bound to another namespace sits before the real Signature, which uses the prefix dsig; the decoy is signed content. Lookup by namespace URI finds exactly one Signature (the real one); valid. A prefix-based lookup would pick the decoy", sign_t(t, dict(p="dsig", keyinfo=keyinfo_cert("rsa2048", p="dsig")), uri="#" + ORIG_ID), ident=ORIG, flags=["ParserDifferential"])
    # a signed Assertion inside a signed Response, the Response's own Signature last
    inner = s_(sign_t(T_ASSERT, dict(prefix_list="xsd", keyinfo=keyinfo_cert("rsa2048")), uri="#" + ASSERT_ID))[len(XML_DECL) :].rstrip("\n")
    t = (
        XML_DECL
        + f'<saml2p:Response xmlns:saml2p="{SAMLP}" ID="{RESP_ID}" IssueInstant="2025-06-01T10:00:00.000Z" Version="2.0">\n'
        + f'  <saml2:Issuer xmlns:saml2="{SAML}">https://idp.example.org</saml2:Issuer>\n'
        + '  <saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>\n'
        + "  "
        + inner
        + "\n  {SIG}\n</saml2p:Response>\n"
    )
    valid(g, "signed-assertion-in-signed-response", "a signed Response whose own Signature is its last child and which contains a signed Assertion (with its own Signature, first in document order): the enveloped transform removes only the Response's Signature, the Assertion's stays in the digest; valid, the identity is the Response", sign_t(t, dict(keyinfo=keyinfo_cert("rsa2048")), uri="#" + RESP_ID), ident=RESP, flags=["EmbeddedSignature"])


# ================================================================== parse.json


def nested(depth_below_root, leaf="deep"):
    """Elements nested `depth_below_root` levels under the document element (which is at depth 1)."""
    opens = "".join(f"<L{i}>" for i in range(depth_below_root))
    closes = "".join(f"</L{i}>" for i in reversed(range(depth_below_root)))
    return "  " + opens + leaf + closes + "\n"


def cases_parse():
    f = VectorFile(
        "parse",
        "input and parsing: DOCTYPE in any form, depth/attribute/namespace/node limits, malformed and not namespace-well-formed XML, bytes that are not UTF-8, and the base64 transport (input_encoding base64)",
        [
            "Rules 1 and 2, checked before anything else: input encoding and size, DOCTYPE (xml.dtd.forbidden), limits (xml.limits.exceeded: depth > 64, > 100,000 nodes, > 64 attributes or > 32 namespace declarations on one element), well-formedness (xml.malformed).",
            "The DOCTYPE and limit cases are otherwise correctly signed documents, so only the parser's rule rejects them.",
        ],
    )
    src = "XML 1.0 (fifth edition) §2.1, §2.8 (DOCTYPE), §4.1; Namespaces in XML 1.0 §3-§6; OWASP XXE prevention; idbridge limits (src/limits.rs: depth 64, 100,000 nodes, 64 attributes, 32 namespace declarations); RFC 3629 (UTF-8); " + GEN
    g = f.group(src, ["rsa2048"])
    d = s_(sign_t(T_DOC))

    def with_doctype(dt):
        return b_(one(d, XML_DECL, XML_DECL + dt))

    invalid(g, "doctype-internal-entity", "a genuine signed document with a DOCTYPE declaring an (unused) internal entity: any DOCTYPE is refused", with_doctype('<!DOCTYPE Document [\n  <!ENTITY company "Example">\n]>\n'), code="xml.dtd.forbidden", flags=["DoctypeForbidden"])
    invalid(g, "doctype-plain", "a genuine signed document with a plain <!DOCTYPE Document> (no internal subset)", with_doctype("<!DOCTYPE Document>\n"), code="xml.dtd.forbidden", flags=["DoctypeForbidden"])
    invalid(g, "doctype-attlist-id", "a genuine signed document whose DOCTYPE declares Email's attribute Ref as an ID type (the DTD way to create IDs): refused", with_doctype("<!DOCTYPE Document [\n  <!ATTLIST Email Ref ID #IMPLIED>\n]>\n"), code="xml.dtd.forbidden", flags=["DoctypeForbidden"])
    lol = "".join(f'  <!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">\n' for i in range(1, 10))
    bomb = '<!DOCTYPE Document [\n  <!ENTITY lol0 "lol">\n' + lol + "]>\n"
    invalid(g, "doctype-billion-laughs", "a billion-laughs DOCTYPE (10^9 expansions) whose top entity is referenced in the signed Name: refused before any expansion", b_(one(one(d, XML_DECL, XML_DECL + bomb), "Alice Example", "&lol9;")), code="xml.dtd.forbidden", flags=["DoctypeForbidden"])
    xxe = '<!DOCTYPE Document [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
    invalid(g, "doctype-external-entity", "an external entity (XXE, file:///etc/passwd) declared and referenced in the Name: refused before anything is fetched", b_(one(one(d, XML_DECL, XML_DECL + xxe), "Alice Example", "&xxe;")), code="xml.dtd.forbidden", flags=["DoctypeForbidden"])

    invalid(g, "depth-70", "a correctly signed document 70 elements deep (document element at depth 1): over the depth limit of 64", sign_t(body_doc(nested(69))), code="xml.limits.exceeded", flags=["XmlLimits"])
    valid(g, "depth-60", "a correctly signed document 60 elements deep: within the limit; valid", sign_t(body_doc(nested(59))), flags=["XmlLimits"])
    attrs = " ".join(f'a{i}="{i}"' for i in range(80))
    invalid(g, "attributes-80", "a correctly signed document with a child element carrying 80 attributes: over 64", sign_t(body_doc(f"  <Item {attrs}>x</Item>\n")), code="xml.limits.exceeded", flags=["XmlLimits"])
    decls = " ".join(f'xmlns:n{i}="urn:idbridge:test:n{i}"' for i in range(40))
    invalid(g, "namespace-declarations-40", "a correctly signed document with a child element declaring 40 (unused) namespace prefixes: over 32", sign_t(body_doc(f"  <Item {decls}>x</Item>\n")), code="xml.limits.exceeded", flags=["XmlLimits"])
    many = "  <Items>" + "<i/>" * 120_000 + "</Items>\n"
    invalid(g, "nodes-120000", "a correctly signed document with 120,000 empty elements: over 100,000 nodes", sign_t(body_doc(many)), code="xml.limits.exceeded", flags=["XmlLimits"])

    for data, slug, why, flags in [
        (one(d, "</Document>\n", ""), "unclosed-root", "the document element is never closed", ["MalformedXml"]),
        (one(d, "</Email>", "</EMail>"), "mismatched-end-tag", "an end tag that does not match its start tag (</EMail> for <Email>)", ["MalformedXml"]),
        (one(d, 'Version="1"', 'Version="1" Version="2"'), "duplicate-attribute", "the attribute Version twice on the document element", ["MalformedXml"]),
        (one(d, "<Name>Alice Example</Name>", "<Name>Alice &nbsp;Example</Name>"), "undefined-entity", "an undefined entity reference &nbsp; (no DTD, so only the five predefined entities exist)", ["MalformedXml"]),
        (one(d, "Alice Example", "Alice &#0;Example"), "nul-character-reference", "the character reference &#0;, not an XML character", ["MalformedXml"]),
        (one(d, "Alice Example", "Alice \x01Example"), "control-character", "a raw U+0001 byte in text: valid UTF-8 but not an XML 1.0 character", ["MalformedXml"]),
        (one(d, 'Version="1"', 'Version="1<2"'), "lt-in-attribute", "a raw '<' inside an attribute value", ["MalformedXml"]),
        (d + f'<Document xmlns="{DOC_NS}" ID="_second"/>\n', "two-root-elements", "a second element after the document element", ["MalformedXml"]),
        (d + "trailing text\n", "text-after-root", "text after the document element", ["MalformedXml"]),
        (one(d, XML_DECL, "\n" + XML_DECL), "xml-declaration-not-first", "a line break before the XML declaration (which must come first)", ["MalformedXml"]),
        (one(one(d, "<Name>", "<x:Name>"), "</Name>", "</x:Name>"), "unbound-prefix", "an element with the prefix x that is never declared", ["NamespaceWellFormedness"]),
        (one(d, "<Name>", '<Name x:role="a">'), "unbound-attribute-prefix", "an attribute with the undeclared prefix x", ["NamespaceWellFormedness"]),
        (one(d, "<Name>", '<Name xmlns:e="">'), "empty-prefix-binding", "xmlns:e=\"\" (a prefix cannot be undeclared in Namespaces in XML 1.0)", ["NamespaceWellFormedness"]),
        (one(d, "<Name>", '<Name xmlns:xml="urn:idbridge:test:xml">'), "xml-prefix-rebound", "the xml prefix bound to another URI", ["NamespaceWellFormedness"]),
        (one(d, "<Name>", '<Name xmlns:a="urn:idbridge:test:same" xmlns:b="urn:idbridge:test:same" a:k="1" b:k="2">'), "duplicate-expanded-attribute", "a:k and b:k with a and b bound to the same URI: one expanded attribute name twice", ["NamespaceWellFormedness"]),
        ("", "empty-input", "an empty input (zero bytes)", ["MalformedXml"]),
        ("  \n", "whitespace-only", "whitespace only", ["MalformedXml"]),
        ('{"ID": "_x", "signature": "..."}', "json-not-xml", "JSON instead of XML", ["MalformedXml"]),
    ]:
        if data in ("", "  \n") or data.startswith("{"):
            invalid(g, slug, f"{why}: not well-formed XML", code="xml.malformed", flags=flags, text=data)
        else:
            invalid(g, slug, f"{why} in an otherwise genuine signed document: not {'namespace-' if flags == ['NamespaceWellFormedness'] else ''}well-formed", b_(data), code="xml.malformed", flags=flags)

    raw = sign_t(T_DOC)
    for bad, slug, why in [
        (raw.replace(b"Alice", b"Alic\xe9"), "latin1-byte", "the byte 0xE9 (Latin-1 e-acute) in the Name: not UTF-8"),
        (raw.replace(b"Alice", b"Alice\xc0\xaf"), "overlong-utf8", "the overlong sequence C0 AF (a '/' in two bytes): not UTF-8"),
        (raw.replace(b"Alice", b"Alice\xed\xa0\x80"), "utf8-surrogate", "ED A0 80, a UTF-16 surrogate encoded as UTF-8: not UTF-8"),
        (raw + b"\xe2\x82", "truncated-utf8", "the input ends with the first two bytes of a three-byte sequence: not UTF-8"),
        (b"\xff\xfe" + s_(raw).replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le"), "utf16", "the document encoded as UTF-16 with a byte-order mark (FF FE): not UTF-8"),
    ]:
        assert bad != raw
        invalid(g, slug, f"{why}, in an otherwise genuine signed document (input given as base64 of the raw bytes)", code="input.encoding", flags=["InputEncoding"], raw64=bad)

    g = f.group(src + "; SAML HTTP-POST binding: base64 transport", ["rsa2048"], encoding="base64")
    raw = sign_t(T_RESP, dict(keyinfo=keyinfo_cert("rsa2048")), uri="#" + RESP_ID)
    enc = b64(raw)
    assert "+" in enc or "/" in enc
    valid(g, "base64-wrapped", "the genuine signed Response, base64 in 76-character lines separated by CR LF (as browsers post it): decoded, valid", text=wrap(enc, 76, "\r\n") + "\r\n", ident=RESP, flags=["Transport"])
    valid(g, "base64-one-line", "the genuine signed Response, base64 on one line: valid", text=enc, ident=RESP, flags=["Transport"])
    invalid(g, "base64-bad-character", "the base64 of a genuine document with '*' put in the middle: not base64", text=enc[:100] + "*" + enc[101:], code="input.encoding", flags=["InputEncoding"])
    invalid(g, "base64-truncated", "the base64 of a genuine document without its last character: a length that is not a multiple of 4", text=enc[:-1], code="input.encoding", flags=["InputEncoding"])
    invalid(g, "base64url", "the base64url alphabet ('-' and '_' for '+' and '/'), no padding: not standard base64", text=enc.replace("+", "-").replace("/", "_").rstrip("="), code="input.encoding", flags=["InputEncoding"])
    invalid(g, "base64-raw-xml", "the XML itself where base64 is expected: '<' is not a base64 character", text=s_(raw), code="input.encoding", flags=["InputEncoding"])
    invalid(g, "base64-of-latin1", "valid base64 whose bytes are the document with a Latin-1 byte (0xE9) in it: not UTF-8 after decoding", text=b64(raw.replace(b"idp.example.org</saml2:Issuer>", b"idp.exampl\xe9.org</saml2:Issuer>")), code="input.encoding", flags=["InputEncoding"])


# ================================================================== output

RULES = """The verifier's rules, in check order (the first failure wins). The signed
element (the target) is the document element.

1. Input: with `input_encoding` `base64`, the bytes are standard base64
   (whitespace allowed, padding required); bad base64 or bytes that are not
   UTF-8 → `input.encoding`; over 5 MiB → `input.too_large`.
2. Parse: any DOCTYPE → `xml.dtd.forbidden`; depth > 64, > 100,000 nodes,
   > 64 attributes or > 32 namespace declarations on one element →
   `xml.limits.exceeded`; not well-formed or not namespace-well-formed →
   `xml.malformed`.
3. The target has exactly one `ds:Signature` child (XML-DSig namespace): none
   → `xmldsig.signature.missing`, two or more → `xmldsig.signature.invalid`.
   Signatures elsewhere are ignored.
4. Signature children exactly SignedInfo, SignatureValue, optional KeyInfo
   (no Object); SignedInfo children exactly CanonicalizationMethod,
   SignatureMethod, Reference(s) → else `xmldsig.signature.invalid`.
5. CanonicalizationMethod exc-c14n (with or without comments); SignatureMethod
   rsa-sha256/384/512 or ecdsa-sha256/384/512 (xmldsig-more) → else
   `xmldsig.algorithm.forbidden`.
6. Exactly one Reference, URI exactly `#` + the target's `ID` attribute (named
   `ID`, no namespace), that value unique among all `ID` attributes of the
   document → else `xmldsig.reference.invalid`.
7. Transforms exactly enveloped-signature then exc-c14n (with or without
   comments, optional `ec:InclusiveNamespaces PrefixList`) → else
   `xmldsig.transform.forbidden`.
8. DigestMethod xmlenc#sha256, xmldsig-more#sha384 or xmlenc#sha512 → else
   `xmldsig.algorithm.forbidden`.
9. DigestValue and SignatureValue are base64 text and whitespace only → else
   `xmldsig.signature.invalid`.
10. The key never comes from KeyInfo: a KeyInfo `X509Certificate` not
    byte-equal (DER) to a trusted certificate → `xmldsig.key.untrusted`;
    otherwise the trusted keys of the SignatureMethod's type are used (none of
    that type → `xmldsig.signature.invalid`).
11. The digest of the exc-c14n of the target (Signature removed; comments kept
    only under `#WithComments`; PrefixList honoured) must equal DigestValue →
    else `xmldsig.digest.mismatch`.
12. The SignatureValue (RSA PKCS#1 v1.5; ECDSA as r ‖ s) over the exc-c14n of
    SignedInfo must verify with a trusted key (RSA keys under 2048 bits never
    do) → else `xmldsig.signature.invalid`.

A valid case gives `identity.attributes.signed_id` (the target's ID) and
`signed_element` (`{namespace-uri}local-name`)."""


def rel_cert(name):
    return "certs/" + (name if name.endswith(".der") else name + ".pem")


RELAX_BY_FLAG = {
    "XmlLimits": {"limits"},
    "StrictStructure": {"structure"},
    "ObjectElement": {"structure"},
    "MultipleSignedInfo": {"structure"},
    "AlgorithmNotListed": {"algorithms"},
    "WeakHash": {"algorithms"},
    "AlgorithmUriMismatch": {"algorithms"},
    "HmacKeyConfusion": {"algorithms"},
    "ReferenceNotTarget": {"reference"},
    "UriForm": {"reference"},
    "IdAttributeName": {"reference"},
    "DuplicateId": {"reference"},
    "NonTextValue": {"text"},
    "DigestValueComment": {"text"},
    "SignatureWrapping": {"structure", "reference"},
}
# Invalid cases that stay invalid with their rule relaxed, and why (so the
# "exactly one thing wrong" check does not apply to them).
STAYS_INVALID = {
    "structure/no-signaturevalue": "nothing to verify without a SignatureValue",
    "structure/no-signedinfo": "nothing to verify without a SignedInfo",
    "structure/signedinfo-other-namespace": "no ds:SignedInfo at all",
    "algorithms/dsa-sha1": "no DSA key: the value is a stand-in",
    "algorithms/dsa-sha256": "no DSA key: the value is a stand-in",
    "references/target-without-id": "the URI resolves to nothing",
    "references/uri-other-case": "the URI resolves to nothing (IDs are case-sensitive)",
    "references/uri-external": "an external URI is never fetched",
    "references/uri-without-hash": "a relative URI names an external resource",
    "text/signaturevalue-not-base64": "not decodable",
    "text/digestvalue-not-base64": "not decodable",
    "wrapping/xsw7-original-in-extensions": "no Signature child to start from",
    "wrapping/xsw-original-wrapped-as-child": "no Signature child to start from",
    "wrapping/signature-moved-into-extensions": "no Signature child to start from",
    "structure/same-signature-twice": "the copy was added after signing: it is unsigned content, the digest breaks too",
    "wrapping/evil-copy-first-child": "the copy sits inside the signed element: the digest breaks too (rule 6 comes first)",
    "wrapping/evil-copy-last-child": "the copy sits inside the signed element: the digest breaks too",
    "wrapping/evil-copy-deep": "the copy sits inside the signed element: the digest breaks too",
    "wrapping/evil-signature-first": "inserted after signing: the extra Signature is signed content, the digest breaks too",
    "wrapping/evil-root-takes-id": "caught by the digest (rule 11), which is never relaxed",
    "wrapping/forged-reference-in-keyinfo": "caught by the digest (rule 11), which is never relaxed",
    "wrapping/forged-signedinfo-first": "only a verifier mixing the two SignedInfo elements (CVE-2025-29774) accepts it",
}


# Valid cases that must not verify under a plausible wrong c14n: (case, what the wrong verifier does, c14n options)
DISCRIMINATING = [
    ("valid/saml-assertion-prefixlist-xsd", "ignores PrefixList", dict(exclusive=True)),
    ("c14n/prefixlist-default", "ignores PrefixList=\"#default\"", dict(exclusive=True)),
    ("valid/ds-declared-on-target", "uses inclusive c14n", dict(exclusive=False)),
    ("c14n/ns-declared-on-root-used-deep", "uses inclusive c14n", dict(exclusive=False)),
    ("c14n/prefix-rebound", "uses inclusive c14n", dict(exclusive=False)),
    ("valid/with-comments-comment-signed", "keeps comments for a '#id' reference under #WithComments", dict(exclusive=True, with_comments=True)),
    ("c14n/text-comment-signed", "keeps comments without #WithComments", dict(exclusive=True, with_comments=True)),
    ("wrapping/signed-assertion-in-signed-response", "removes every Signature, not only its own", dict(exclusive=True, all_signatures=True)),
]


def check_discriminating():
    """Each case above passes only with the right c14n: the wrong one gives another digest."""
    by_name = {f"{vf.stem}/{t['slug']}": t for vf in FILES for g in vf.groups for t in g["tests"]}
    for name, what, mode in DISCRIMINATING:
        mode = dict(mode)
        data = by_name[name]["data"]
        root = parse(data)
        sig = [c for c in root if c.tag == f"{{{DS}}}Signature"][0]
        dv = strict_b64([e for e in sig.iter() if localname(e) == "DigestValue"][0].text)
        for s in list(root.iter(f"{{{DS}}}Signature")) if mode.pop("all_signatures", False) else [sig]:
            remove_keep_tail(s)
        if hashlib.sha256(c14n(root, **mode)).digest() == dv:
            raise SystemExit(f"{name}: a verifier that {what} would accept it: the case does not test that")
    return len(DISCRIMINATING)


def check_all():
    checked = lenient_ok = 0
    for vf in FILES:
        slugs = set()
        for g in vf.groups:
            certs = [load_trusted_der(CERT_DER, c) for c in g["certs"]]
            model = Model(certs)
            for t in g["tests"]:
                assert t["slug"] not in slugs, (vf.stem, t["slug"])
                slugs.add(t["slug"])
                where = f"{vf.stem}/{t['slug']}"
                if t["data"] is not None:
                    data, enc = t["data"], g["encoding"]
                elif t["raw64"] is not None:
                    data, enc = t["raw64"], g["encoding"]
                else:
                    data, enc = t["text"].encode("utf-8"), g["encoding"]
                try:
                    ident = model.verify(data, enc)
                    got = None
                except Reject as e:
                    got, ident = e.code, None
                except Undecided as e:
                    raise SystemExit(f"{where}: the rules do not decide this case: {e}")
                want = None if t["result"] == "valid" else t["code"]
                if got != want:
                    raise SystemExit(f"{where}: expected {want or 'valid'}, the model says {got or 'valid'}")
                if want is None:
                    exp = {"signed_id": t["ident"][0], "signed_element": t["ident"][1]}
                    if ident != exp:
                        raise SystemExit(f"{where}: identity {ident} != {exp}")
                checked += 1
                # one thing wrong: with the failing rule relaxed, the case verifies
                relax = set()
                for flag in t["flags"]:
                    relax |= RELAX_BY_FLAG.get(flag, set())
                if want and relax and where not in STAYS_INVALID:
                    errors = []
                    for last in (False, True):
                        lenient = Model(certs, relax)
                        lenient.last_match = last
                        try:
                            lenient.verify(data, enc)
                            lenient_ok += 1
                            break
                        except (Reject, Undecided) as e:
                            errors.append(str(e))
                    else:
                        raise SystemExit(f"{where}: still invalid with {sorted(relax)} relaxed: {errors}")
    return checked, lenient_ok


def load_trusted_der(cert_der, name):
    if name.endswith(".der"):
        return x509.load_der_x509_certificate(cert_der[name[: -len(".der")]])
    return x509.load_der_x509_certificate(cert_der[name])


def md_escape(text):
    return text.replace("|", "\\|").replace("\n", " ")


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def dump_json(obj):
    return json.dumps(obj, indent=2, ensure_ascii=True) + "\n"


def build_file(vf):
    used = set()
    groups = []
    tc = 0
    inputs_index = []
    for g in vf.groups:
        tests = []
        for t in g["tests"]:
            tc += 1
            if t["data"] is not None:
                rel = f"inputs/{vf.stem}/{t['slug']}.xml"
                inp = {"file": rel}
                inputs_index.append((rel, tc, t["comment"]))
            elif t["raw64"] is not None:
                inp = {"base64": b64(t["raw64"])}
            else:
                inp = {"text": t["text"]}
            out = {"tcId": tc, "comment": t["comment"], "input": inp, "result": t["result"]}
            if t["result"] == "invalid":
                out["expectedError"] = t["code"]
            else:
                out["identity"] = {"attributes": {"signed_id": t["ident"][0], "signed_element": t["ident"][1]}}
            out["flags"] = t["flags"]
            used.update(t["flags"])
            tests.append(out)
        groups.append(
            {
                "source": g["source"],
                "trust": {"certificates": [rel_cert(c) for c in g["certs"]]},
                "context": {"now": NOW, "input_encoding": g["encoding"]},
                "tests": tests,
            }
        )
    doc = {
        "schema": "idbridge-vectors/1",
        "kind": "xmldsig",
        "numberOfTests": tc,
        "header": vf.header,
        "notes": {k: NOTES[k] for k in sorted(used)},
        "testGroups": groups,
    }
    return doc, inputs_index


def counts(vf):
    tests = [t for g in vf.groups for t in g["tests"]]
    nvalid = sum(1 for t in tests if t["result"] == "valid")
    codes = {}
    for t in tests:
        if t["code"]:
            codes[t["code"]] = codes.get(t["code"], 0) + 1
    parts_ = ([f"{nvalid} valid"] if nvalid else []) + [f"{n} `{c}`" for c, n in sorted(codes.items())]
    return len(tests), "; ".join(parts_)


def pinned(name):
    with open(os.path.join(HERE, "requirements.txt")) as fh:
        for line in fh:
            if line.startswith(name + "=="):
                return line.strip().split("==")[1]
    return None


def readme(total, file_rows):
    libxml2 = ".".join(map(str, etree.LIBXML_VERSION))
    lines = [
        "# xmldsig vectors",
        "",
        "Conformance vectors for one enveloped XML signature over the document element",
        "(kind `xmldsig` of VECTORS.md; format: `../README.md`). Generated, never edited",
        "by hand, by `generate.py` from the committed test keys in `../keys/`.",
        "Canonicalization when signing is libxml2's exclusive c14n (through lxml),",
        "an implementation independent of idbridge's Rust c14n.",
        "",
        "```",
        "pip install -r test-vectors/xmldsig/requirements.txt && python3 test-vectors/xmldsig/generate.py",
        "git diff --exit-code test-vectors/xmldsig",
        "```",
        "",
        "Regenerating must leave `git diff --exit-code` clean: the keys, certificate",
        "serials and dates are fixed, RSA PKCS#1 v1.5 is deterministic, ECDSA uses",
        "RFC 6979 (`deterministic_signing=True`), and JSON is written in a fixed order.",
        f"Generated with lxml {lxml.__version__} (libxml2 {libxml2}) and cryptography {cryptography.__version__}",
        "(pinned in `requirements.txt`; the lxml wheel bundles its libxml2).",
        "",
        "Before writing anything the generator re-verifies every case with `Model`, a",
        "second reading of the rules below in Python (lxml + cryptography, from the",
        "exact bytes of the case): valid cases must pass the digest and the",
        "signature check and give the stated identity, invalid cases must fail with",
        "exactly their `expectedError`. Any disagreement aborts the run. Two more",
        "checks keep the cases honest: each invalid case is run again with the one",
        "rule it breaks relaxed (as a lenient generic verifier would: any algorithm,",
        "generic URI resolution without the uniqueness check, any element order,",
        "text read around markup, no limits) and must then verify, so exactly one",
        "thing is wrong with it (the exceptions, such as a missing SignatureValue,",
        "are listed with their reason in `STAYS_INVALID`); and the valid cases that",
        "exercise PrefixList, exclusive namespaces, comments and embedded signatures",
        "must fail under the plausible wrong c14n (`DISCRIMINATING`), so they test",
        "what they claim.",
        "",
        "Inputs: `{\"file\": \"inputs/...\"}` is the document as received; `{\"base64\": ...}`",
        "carries raw bytes that must stay exact (not UTF-8, or CR LF line ends) with",
        "`input_encoding` `xml`; in the group with `input_encoding` `base64` the",
        "input is `{\"text\": ...}`, the base64 text as a browser posts it, which the",
        "verifier decodes.",
        "",
        f"Total: {total} cases.",
        "",
        "## Rules",
        "",
        RULES,
        "",
        "Readings these vectors fix where the specifications leave room:",
        "",
        "- XML-DSig Core 1.1 §4.4.3.3 says a `#id` reference drops comments before",
        "  the transforms, even under `#WithComments`; idbridge keeps them as the",
        "  transform says (cases flagged `WithCommentsSameDocument`).",
        "- \"Byte-equal\" KeyInfo certificates compare the decoded DER: a trusted",
        "  certificate wrapped over several lines is trusted; garbage is untrusted,",
        "  never parsed.",
        "- KeyInfo holding only KeyName, X509IssuerSerial or KeyValue names no",
        "  certificate: the trusted keys are tried (a KeyValue key is never used).",
        "- ECDSA methods need an EC key of any allowed curve (P-256 with",
        "  ecdsa-sha512 and P-384 with ecdsa-sha256 are valid); a high-S signature is",
        "  valid.",
        "- Base64 must be padded; an empty DigestValue decodes to zero bytes and",
        "  fails the digest comparison (`xmldsig.digest.mismatch`).",
        "- SignedInfo is compared through its c14n: attribute order, quote style and",
        "  `<e/>` versus `<e></e>` may change after signing, whitespace may not.",
        "- Only the attribute named `ID` (no namespace) counts, for the target and",
        "  for uniqueness: `Id`, `id`, `xml:id`, `p:ID` are ordinary attributes.",
        "",
        "## Files",
        "",
        "| file | what | origin | cases |",
        "|---|---|---|---|",
    ]
    for row in file_rows:
        lines.append("| " + " | ".join(md_escape(c) for c in row) + " |")
    lines += [
        "| `certs/` | the trusted and untrusted certificates (PEM, one DER); index in `certs/README.md` | made by `generate.py` from `../keys/` | |",
        "| `inputs/<file>/` | the XML inputs of each vector file, one per case, named after it; index in each folder's `README.md` | `generate.py` | |",
        "| `generate.py` | the generator and its self-check (`Model`) | idbridge | |",
        "| `requirements.txt` | the pinned Python packages (lxml, cryptography) | idbridge | |",
        "| `.gitattributes` | keeps the inputs byte-exact (no line-ending conversion) | idbridge | |",
        "| `README.md` | this index (written by `generate.py`) | idbridge | |",
        "",
    ]
    return "\n".join(lines)


def certs_readme():
    lines = [
        "# certificates",
        "",
        "Self-signed X.509 v3 certificates for the test keys in `../../keys/`, made by",
        "`../generate.py`: subject = issuer `O=idbridge test vectors, CN=idbridge xmldsig test <name>`,",
        "valid 2025-01-01T00:00:00Z to 2035-01-01T00:00:00Z, BasicConstraints CA:false and",
        "KeyUsage digitalSignature (both critical), SubjectKeyIdentifier; signed with",
        "sha256WithRSAEncryption (RSA) or deterministic ECDSA (RFC 6979) with SHA-256/384/512",
        "(P-256/P-384/P-521), so they are reproducible. Test-only: never trust them.",
        "",
        "| file | serial | what |",
        "|---|---|---|",
    ]
    for name, _key, serial, what in CERT_SPECS:
        lines.append(f"| `{name}.pem` | `{serial:#x}` | {what} |")
    lines.append("| `rsa2048.der` | `0x1d5c0001` | `rsa2048.pem` in DER form (the DER trust file case) |")
    lines.append("| `README.md` | | this index |")
    return "\n".join(lines) + "\n"


def inputs_readme(stem, index):
    lines = [
        f"# inputs of `{stem}.json`",
        "",
        f"The XML inputs of `../../{stem}.json`, written by `../../generate.py`; each is the exact bytes",
        "of one case (cases given inline as `text` or `base64` have no file here).",
        "",
        "| file | tcId | what |",
        "|---|---|---|",
    ]
    for rel, tc, comment in index:
        lines.append(f"| `{os.path.basename(rel)}` | {tc} | {md_escape(comment)} |")
    lines.append("| `README.md` | | this index |")
    return "\n".join(lines) + "\n"


def main(argv):
    started = time.monotonic()
    out = os.path.abspath(argv[1]) if len(argv) > 1 else HERE
    if os.path.isdir(out) and os.listdir(out) and out != HERE:
        prev = os.path.join(out, "README.md")
        if not (os.path.exists(prev) and open(prev, encoding="utf-8").read().startswith("# xmldsig vectors")):
            raise SystemExit(f"{out} is neither empty nor a previous output of this generator; refusing to write there")
    for want, got, name in [(pinned("lxml"), lxml.__version__, "lxml"), (pinned("cryptography"), cryptography.__version__, "cryptography")]:
        if want and want != got:
            print(f"warning: {name} {got} is installed, requirements.txt pins {want}: the output may differ", file=sys.stderr)
    for name in KEY_NAMES:
        KEYS[name] = load_key(name)
    certs_pem = {}
    for name, key, serial, _what in CERT_SPECS:
        cert = make_cert(name, KEYS[key], serial)
        CERT_DER[name] = cert.public_bytes(serialization.Encoding.DER)
        certs_pem[name] = cert.public_bytes(serialization.Encoding.PEM)
    CERT_DER["rsa2048.der"] = CERT_DER["rsa2048"]

    for build in (cases_valid, cases_c14n, cases_structure, cases_algorithms, cases_references, cases_transforms, cases_text, cases_keys, cases_wrapping, cases_parse):
        build()
    checked, lenient_ok = check_all()
    discriminating = check_discriminating()

    # write: the generated parts of OUT are replaced as a whole
    for sub in ("certs", "inputs"):
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    for vf in FILES:
        p = os.path.join(out, vf.stem + ".json")
        if os.path.exists(p):
            os.remove(p)
    for name, pem in certs_pem.items():
        write(os.path.join(out, "certs", name + ".pem"), pem)
    write(os.path.join(out, "certs", "rsa2048.der"), CERT_DER["rsa2048"])
    write(os.path.join(out, "certs", "README.md"), certs_readme())
    rows = []
    total = 0
    for vf in FILES:
        doc, index = build_file(vf)
        for g in vf.groups:
            for t in g["tests"]:
                if t["data"] is not None:
                    write(os.path.join(out, "inputs", vf.stem, t["slug"] + ".xml"), t["data"])
        write(os.path.join(out, "inputs", vf.stem, "README.md"), inputs_readme(vf.stem, index))
        write(os.path.join(out, vf.stem + ".json"), dump_json(doc))
        n, breakdown = counts(vf)
        total += n
        sources = "; ".join(dict.fromkeys(g["source"].split("; " + GEN)[0] for g in vf.groups))
        rows.append((f"`{vf.stem}.json`", vf.what, sources + "; generated by `generate.py`", f"{n} cases: {breakdown}"))
    write(os.path.join(out, "README.md"), readme(total, rows))
    write(os.path.join(out, ".gitattributes"), "# the inputs are exact bytes: never convert line endings\ninputs/** -text\ncerts/** -text\n*.json -text\n")
    elapsed = time.monotonic() - started
    for vf in FILES:
        n, breakdown = counts(vf)
        print(f"{vf.stem}.json: {n} cases ({breakdown})")
    print(f"xmldsig vectors: {total} cases in {len(FILES)} files, all {checked} re-verified by the model, {lenient_ok} invalid ones shown to verify with their one rule relaxed, {discriminating} valid ones shown to fail under a wrong c14n; {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
