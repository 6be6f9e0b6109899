"""`Model`: a second reading of the verification rules (S1-S11), the self-check of every case."""

from saml_docs import *  # noqa: F401,F403

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
        # KeyInfo never decides acceptance: every metadata key is a candidate
        # (those KeyInfo names first); it only words a failure (key.untrusted).
        named, names_untrusted = [], False
        ki = self.child(s, DS, "KeyInfo")
        if ki is not None:
            for c in ki.iter("{%s}X509Certificate" % DS):
                text = "".join((c.text or "").split())
                if not text and not len(c):
                    continue
                try:
                    der = base64.b64decode(text, validate=True)
                except ValueError:
                    der = None
                if der in keys:
                    named.append(der)
                else:
                    names_untrusted = True
        candidates = named + [k for k in keys if k not in named]
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
        if names_untrusted:
            self.fail("xmldsig.key.untrusted", step, "no metadata key verifies; KeyInfo names a certificate not among them")
        self.fail("xmldsig.signature.invalid", step, "no trusted key verifies the signature")

    # -- the Assertion's schema (SAML Core §2.3.3, §2.4.1, §2.5.1, §2.7.2 + SPID)
    def content(self, el, whose, slots):
        """Element children placed in `slots` [(names, min, max)] in order; only
        XML whitespace, comments and PIs between them. Returns the filled slots."""
        st = "S10"
        if (el.text or "").strip(WS):
            self.fail("saml.structure.invalid", st, f"{whose}: text in element-only content")
        filled = [[] for _ in slots]
        at = 0
        for c in el:
            if (c.tail or "").strip(WS):
                self.fail("saml.structure.invalid", st, f"{whose}: text in element-only content")
            if not isinstance(c.tag, str):
                continue  # comment or PI
            fits = [i for i, (names, _lo, _hi) in enumerate(slots) if any(is_(c, ns, n) for ns, n in names)]
            later = [i for i in fits if i >= at]
            if not later:
                self.fail("saml.structure.invalid", st, f"{whose}: {c.tag} " + ("out of order" if fits else "not allowed"))
            at = later[0]
            if len(filled[at]) >= slots[at][2]:
                self.fail("saml.structure.invalid", st, f"{whose}: {c.tag} too often")
            filled[at].append(c)
        for (names, lo, _hi), f in zip(slots, filled):
            if len(f) < lo:
                self.fail("saml.structure.invalid", st, f"{whose}: {names} missing")
        return filled

    def text_only(self, el, whose):
        if any(isinstance(c.tag, str) for c in el):
            self.fail("saml.structure.invalid", "S10", f"{whose} holds an element")

    def assertion_schema(self, A):
        st, many = "S10", 10**9
        issuer, _sig, subject, conditions, advice, statements = self.content(A, "Assertion", [
            ([(SAML, "Issuer")], 1, 1),
            ([(DS, "Signature")], 0, 1),
            ([(SAML, "Subject")], 1, 1),
            ([(SAML, "Conditions")], 1, 1),
            ([(SAML, "Advice")], 0, 1),
            ([(SAML, "Statement"), (SAML, "AuthnStatement"), (SAML, "AuthzDecisionStatement"), (SAML, "AttributeStatement")], 0, many),
        ])
        for i in issuer:
            self.text_only(i, "Issuer")
        if advice:
            self.fail("saml.structure.invalid", st, "Advice must not be used")
        for sub in subject:
            ident, sc = self.content(sub, "Subject", [
                ([(SAML, "BaseID"), (SAML, "NameID"), (SAML, "EncryptedID")], 1, 1),
                ([(SAML, "SubjectConfirmation")], 1, 1),
            ])
            for n in ident:
                if not is_(n, SAML, "NameID"):
                    self.fail("saml.structure.invalid", st, "Subject identifier is not a NameID")
                self.text_only(n, "NameID")
            for c in sc:
                (scds,) = self.content(c, "SubjectConfirmation", [([(SAML, "SubjectConfirmationData")], 1, 1)])
                for d in scds:
                    self.content(d, "SubjectConfirmationData", [])
        for C in conditions:
            (conds,) = self.content(C, "Conditions", [([(SAML, "Condition"), (SAML, "AudienceRestriction"), (SAML, "OneTimeUse"), (SAML, "ProxyRestriction")], 0, many)])
            otu = prx = 0
            for c in conds:
                if is_(c, SAML, "OneTimeUse"):
                    otu += 1
                    self.content(c, "OneTimeUse", [])
                elif is_(c, SAML, "ProxyRestriction"):
                    prx += 1
                    for a in self.content(c, "ProxyRestriction", [([(SAML, "Audience")], 0, many)])[0]:
                        self.text_only(a, "Audience")
                elif is_(c, SAML, "AudienceRestriction"):
                    for a in self.content(c, "AudienceRestriction", [([(SAML, "Audience")], 1, many)])[0]:
                        self.text_only(a, "Audience")
            if otu > 1:
                self.fail("saml.structure.invalid", st, "more than one OneTimeUse")
            if prx > 1:
                self.fail("saml.structure.invalid", st, "more than one ProxyRestriction")
        authn = 0
        for stmt in statements:
            if is_(stmt, SAML, "AuthnStatement"):
                authn += 1
                loc, ctx = self.content(stmt, "AuthnStatement", [([(SAML, "SubjectLocality")], 0, 1), ([(SAML, "AuthnContext")], 1, 1)])
                for l in loc:
                    self.content(l, "SubjectLocality", [])
                for ac in ctx:
                    cr, decl, auths = self.content(ac, "AuthnContext", [
                        ([(SAML, "AuthnContextClassRef")], 1, 1),
                        ([(SAML, "AuthnContextDecl"), (SAML, "AuthnContextDeclRef")], 0, 1),
                        ([(SAML, "AuthenticatingAuthority")], 0, many),
                    ])
                    for e in cr + auths + [d for d in decl if is_(d, SAML, "AuthnContextDeclRef")]:
                        self.text_only(e, "text value")
            elif not is_(stmt, SAML, "AttributeStatement"):
                self.fail("saml.structure.invalid", st, f"statement {stmt.tag} not allowed")
        if authn != 1:
            self.fail("saml.structure.invalid", st, f"{authn} AuthnStatement")

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
        # S10 the Assertion in schema order, with the SPID/CIE restrictions
        self.assertion_schema(A)
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
            kids = elements(stmt)
            if any(not is_(k, SAML, "Attribute") for k in kids):
                self.fail("saml.attribute.invalid", st, "AttributeStatement holds something else")
            if (stmt.text or "").strip(WS) or any((k.tail or "").strip(WS) for k in stmt):
                self.fail("saml.attribute.invalid", st, "AttributeStatement holds text")
            attrs = self.children(stmt, SAML, "Attribute")
            if not attrs:
                self.fail("saml.attribute.invalid", st, "AttributeStatement without Attribute")
            for a in attrs:
                name = (a.get("Name") or "").strip(WS)
                if not name:
                    self.fail("saml.attribute.invalid", st, "Attribute without Name")
                if (a.text or "").strip(WS) or any((k.tail or "").strip(WS) for k in a):
                    self.fail("saml.attribute.invalid", st, "Attribute holds text")
                vs = elements(a)
                if len(vs) != 1 or not is_(vs[0], SAML, "AttributeValue"):
                    self.fail("saml.attribute.invalid", st, f"{name}: {len(vs)} AttributeValues")
                if name in values:
                    self.fail("saml.attribute.invalid", st, f"{name} twice")
                values[name] = self.text(vs[0], st, "saml.attribute.invalid").strip(WS)
                if not values[name]:
                    self.fail("saml.attribute.invalid", st, f"{name}: empty AttributeValue")
        # S11 identity
        st = "S11"
        ident = {"system": self.profile, "issuer": idp}
        fn = values.pop("fiscalNumber", None)
        if fn is not None:
            if not re.fullmatch(r"TINIT-[A-Z0-9]+", fn):
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


