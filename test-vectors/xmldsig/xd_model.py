"""`Model`: a second reading of the verification rules, run on every case before anything is written."""

from xd_sign import *  # noqa: F401,F403


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
        # 3. the document's one Signature, at any depth; the signed element is its parent
        sigs = list(root.iter(f"{{{DS}}}Signature"))
        if not sigs:
            raise Reject("xmldsig.signature.missing", "no ds:Signature in the document")
        if len(sigs) > 1 and "structure" not in relax:
            raise Reject("xmldsig.signature.invalid", "several ds:Signature elements")
        sig = sigs[0]
        target_el = sig.getparent()
        if target_el is None:
            raise Reject("xmldsig.signature.invalid", "the Signature is the document element")
        sig_path = self.path_of(sig, root)
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
            target_id = target_el.get("ID")
            uri = refs[0].get("URI")
            if not target_id or uri != "#" + target_id:
                raise Reject("xmldsig.reference.invalid", f"URI {uri!r}, target ID {target_id!r}")
            ids = [e.get("ID") for e in root.iter() if isinstance(e.tag, str) and e.get("ID") is not None]
            if ids.count(target_id) != 1:
                raise Reject("xmldsig.reference.invalid", "duplicate ID")
            targets = [target_el]
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
            alone = "reference" in relax and target is not target_el and algs in ([EXC], [EXC_WC])
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
        # 10. keys: every trusted key of the method's type; KeyInfo only words a failure
        trusted_der = [c.public_bytes(serialization.Encoding.DER) for c in self.certs]
        names_untrusted = False
        if ki is not None:
            for xc in ki.iter(f"{{{DS}}}X509Certificate"):
                if not len(xc) and not (xc.text or "").strip(XML_WS):
                    continue  # blank: names no certificate
                der = None if len(xc) else strict_b64(xc.text or "")
                if der is None or der not in trusted_der:
                    names_untrusted = True
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
        if not self.certs:
            raise Reject("xmldsig.key.untrusted", "no trusted certificate")
        # 11. digests (each on a fresh parse: the enveloped transform edits the tree)
        for (target, _dv, hname, with_comments, prefixes), digest_value in zip(checks, digest_values):
            root2 = parse(data)
            target2 = self.follow(root2, self.path_of(target, root))
            sig2 = self.follow(root2, sig_path)
            if target2 in sig2.iterancestors():
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
            if names_untrusted:
                raise Reject("xmldsig.key.untrusted", "no trusted key verifies; KeyInfo names an untrusted certificate")
            raise Reject("xmldsig.signature.invalid", "signature does not verify")
        qn = etree.QName(target_el)
        return {"signed_id": target_el.get("ID"), "signed_element": f"{{{qn.namespace or ''}}}{qn.localname}"}

    @staticmethod
    def path_of(el, root):
        """The child indexes from `root` down to `el`."""
        steps = []
        while el is not root:
            steps.append(list(el.getparent()).index(el))
            el = el.getparent()
        return list(reversed(steps))

    @staticmethod
    def follow(root, path):
        el = root
        for i in path:
            el = el[i]
        return el

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

