"""Output folders, vector files, groups and cases; the self-check of every case through `Model`."""

from saml_model import *  # noqa: F401,F403

# the notes (flags) of the vector files: one entry per flag
NOTES = table.load(os.path.join(HERE, "cases", "notes.json"))

# ------------------------------------------------------------------ output: folders, vector files, cases


class Out:
    """One output folder (spid/ or cie/)."""

    def __init__(self, kind, folder, profile, defaults, context):
        self.kind, self.folder, self.profile = kind, folder, profile
        self.defaults = defaults
        self.context = context
        self.files = {}  # relpath -> (bytes, description)
        self.vfiles = []
        self.params = {}  # relpath -> the parameters a Response was built from

    def base(self, **kw):
        return P(self.defaults, **kw)

    def put(self, relpath, data, desc):
        if relpath in self.files:
            assert self.files[relpath][0] == data, relpath
            return relpath
        self.files[relpath] = (data, desc)
        return relpath

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
    groups = [
        {
            "source": g.source,
            "trust": {"idp_metadata": g.trust},
            "context": g.context,
            "tests": [{k: v for k, v in t.items() if not k.startswith("_")} for t in g.tests],
        }
        for g in vf.groups
    ]
    return vecfile.vector_file(vf.out.kind, vf.header, vecfile.used_notes(NOTES, tests), groups)
