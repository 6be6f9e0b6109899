#!/usr/bin/env python3
"""Signs metadata/registry.xml as a registry operator (like AgID) would:
an enveloped XML-DSig signature over the EntitiesDescriptor (exclusive c14n,
rsa-sha256, sha256), made with the committed test key
test-vectors/keys/rsa3072.pk8.pem, whose self-signed certificate is written
beside it. Output, reproducible byte for byte:

  test-vectors/spid/metadata/registry-signed.xml
  test-vectors/spid/metadata/registry-signer.pem

Run after generate.py (it reads the registry generate.py writes):
  python3 test-vectors/saml-generator/sign_registry.py
Test keys only: never trust them for anything.
"""
import base64
import hashlib
import sys
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from pylib import pki, vecfile  # noqa: E402

MD = ROOT / "spid" / "metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"


def main():
    key = pki.load_key("rsa3072")
    name = pki.name(("C", "IT"), ("O", "idbridge test registry operator"), ("CN", "idbridge TEST metadata signer"))
    cert = pki.self_signed(key, name, 0x1D8B_0001, pki.utc(2025, 1, 1), pki.utc(2035, 1, 1), leaf=False)
    der = pki.der(cert)
    vecfile.write_file(str(MD / "registry-signer.pem"), pki.pem(cert))

    doc = etree.fromstring((MD / "registry.xml").read_bytes())
    rid = doc.get("ID")
    digest = base64.b64encode(
        hashlib.sha256(etree.tostring(doc, method="c14n", exclusive=True, with_comments=False)).digest()
    ).decode()
    si_xml = (
        f'<ds:SignedInfo xmlns:ds="{DS}">'
        '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
        '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
        f'<ds:Reference URI="#{rid}"><ds:Transforms>'
        '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
        '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
        '</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
        f"<ds:DigestValue>{digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>"
    )
    sig = etree.SubElement(doc, f"{{{DS}}}Signature", nsmap={"ds": DS})
    # The Signature goes first (after no Extensions), as SAML metadata places it.
    doc.remove(sig)
    doc.insert(0, sig)
    sig.text = "\n  "
    si = etree.fromstring(si_xml)
    sig.append(si)
    value = key.sign(
        etree.tostring(si, method="c14n", exclusive=True, with_comments=False),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    sv = etree.SubElement(sig, f"{{{DS}}}SignatureValue")
    sv.text = base64.b64encode(value).decode()
    ki = etree.SubElement(sig, f"{{{DS}}}KeyInfo")
    xd = etree.SubElement(ki, f"{{{DS}}}X509Data")
    etree.SubElement(xd, f"{{{DS}}}X509Certificate").text = base64.b64encode(der).decode()
    sig.tail = None  # the enveloped transform leaves the tail: keep the signed text as it was
    out = etree.tostring(doc, xml_declaration=True, encoding="UTF-8")
    vecfile.write_file(str(MD / "registry-signed.xml"), out)
    print("wrote registry-signed.xml and registry-signer.pem")


if __name__ == "__main__":
    main()
