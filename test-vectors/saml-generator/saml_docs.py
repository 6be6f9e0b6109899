"""Response parameters, the SPID and CIE Response trees, the identity they give, and the IdP metadata."""

from saml_xml import *  # noqa: F401,F403


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

