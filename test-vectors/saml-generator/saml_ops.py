"""The vocabulary of the case tables: every operation a row names, implemented once.

A row of cases/<folder>/<file>.json makes its input one of three ways:
- "doc": a Response built from the profile's defaults with `params` changed, then
  `edit` operations on the element tree before signing, then `post` operations on
  the signed text (see TREE_OPS and TEXT_OPS);
- "raw": bytes derived from another input (`make`: see RAW_MAKERS), including the
  signature-wrapping surgery on a signed Response (`make: "wrap"`, see ATTACKS);
- "input": the path of an input an earlier row made.
"""

from saml_readme import *  # noqa: F401,F403

# ------------------------------------------------------------------ parameters and nodes from the tables

# the attacker's identity in the wrapping cases
MALLORY = dict(
    GIULIA,
    fiscalNumber=MALLORY_CF,
    name="Mallory",
    familyName="Evil",
    dateOfBirth="1980-01-01",
    spidCode="IDBR6666666666",
    email="mallory@evil.example",
)
PEOPLE = {"GIULIA": GIULIA, "MARCO": MARCO, "MALLORY": MALLORY}


def sig_of(d):
    kw = dict(d)
    for k in ("keyinfo", "transforms", "uris"):
        if isinstance(kw.get(k), list):
            kw[k] = tuple(kw[k])
    if kw.get("keyinfo_extra") is not None:
        kw["keyinfo_extra"] = node_of(kw["keyinfo_extra"])
    return Sig(**kw)


CURRENT = {}  # "out": the output folder whose row is being built


def node_of(j):
    """An El, Sig or Raw from its table form: {"el", "attrs", "children", "text"}, {"sig": {...}}, {"raw": text},
    or {"assertion": {"label", "params"}}: the Assertion of a Response built from `params` (IDs from `label`), signed."""
    if "assertion" in j:
        a = j["assertion"]
        return tree_of(params_of(CURRENT["out"], a.get("params")), a["label"]).find("Assertion")
    if "raw" in j:
        return Raw(j["raw"])
    if "sig" in j:
        return sig_of(j["sig"])
    return El(j["el"], [tuple(a) for a in j.get("attrs", [])], [node_of(c) for c in j.get("children", [])], j.get("text"))


def value_of(k, v):
    if isinstance(v, dict) and "sig" in v:
        return sig_of(v["sig"])
    if k == "person":
        return PEOPLE[v] if isinstance(v, str) else v
    if k == "attr_order":
        return tuple(v)
    return v


def params_of(out, params):
    return out.base(**{k: value_of(k, v) for k, v in (params or {}).items()})


# ------------------------------------------------------------------ edits of the element tree (before signing)


def step(parent, s):
    """One path step: "Name" (first child of that local name), "Name[i]" (the i-th, from 0) or "#i" (child i)."""
    if s.startswith("#"):
        return parent.children[int(s[1:])]
    m = re.fullmatch(r"(\w+)(?:\[(\d+)\])?", s)
    found = parent.kids(m.group(1))
    assert found, f"no {s} in {parent.name}"
    return found[int(m.group(2) or 0)]


def at(R, path):
    node = R
    for s in path.split("/") if path else []:
        node = step(node, s)
    return node


def attribute_el(R, name):
    A = [c for c in R.children if isinstance(c, El) and c.local == "Assertion"][0]
    stmt = A.kids("AttributeStatement")[0]
    return [a for a in stmt.kids("Attribute") if a.get("Name") == name][0]


def op_replace(R, o):
    parent, _, last = o["path"].rpartition("/")
    p = at(R, parent)
    p.children[p.index(step(p, last))] = node_of(o["node"])


def op_remove(R, o):
    parent, _, last = o["path"].rpartition("/")
    p = at(R, parent)
    p.children.pop(p.index(step(p, last)))


def op_insert_before(R, o):
    parent, _, last = o["path"].rpartition("/")
    p = at(R, parent)
    p.children.insert(p.index(step(p, last)), node_of(o["node"]))


def op_reprefix(R, o):
    old, new = o["old"], o["new"]
    for e in R.walk():
        if e.name.startswith(old + ":"):
            e.name = (new + ":" if new else "") + e.local
        e.attrs = [(("xmlns:" + new if new else "xmlns") if k == "xmlns:" + old else k, v) for k, v in e.attrs]


def op_default_namespace(R, o):
    """The element at `path` and its descendants lose `prefix`; `uri` becomes the default namespace declared on it."""
    top = at(R, o["path"])
    for e in top.walk():
        if e.name.startswith(o["prefix"] + ":"):
            e.name = e.local
    top.attrs.insert(0, ("xmlns", o["uri"]))


def op_set_text(R, o):
    at(R, o["path"]).text = o["text"]


TREE_OPS = {
    "set_attr": lambda R, o: at(R, o["path"]).set(o["name"], o["value"]),
    "del_attr": lambda R, o: at(R, o["path"]).delete(o["name"]),
    "set_attrs": lambda R, o: setattr(at(R, o["path"]), "attrs", [tuple(a) for a in o["attrs"]]),
    "set_text": op_set_text,
    "rename": lambda R, o: setattr(at(R, o["path"]), "name", o["name"]),
    "remove": op_remove,
    "replace": op_replace,
    "insert_before": op_insert_before,
    "append": lambda R, o: at(R, o["path"]).children.append(node_of(o["node"])),
    "remove_child": lambda R, o: at(R, o["path"]).children.pop(o["index"]),
    "insert_child": lambda R, o: at(R, o["path"]).children.insert(o["index"], node_of(o["node"])),
    "replace_child": lambda R, o: at(R, o["path"]).children.__setitem__(o["index"], node_of(o["node"])),
    "set_value": lambda R, o: setattr(attribute_el(R, o["attribute"]).kids("AttributeValue")[0], "text", o["text"]),
    "reprefix": op_reprefix,
    "default_namespace": op_default_namespace,
}

# ------------------------------------------------------------------ edits of the signed text (after signing)


def nth_span(s, start_tag, end_tag, n):
    """(start, end) of the n-th (0-based) occurrence of start_tag ... end_tag."""
    pos = -1
    for _ in range(n + 1):
        pos = s.index(start_tag, pos + 1)
    return pos, s.index(end_tag, pos) + len(end_tag)


def flip_signature_value(s, o):
    """Flip the last bit of the n-th SignatureValue."""
    a, b = nth_span(s, "<ds:SignatureValue>", "</ds:SignatureValue>", o["n"])
    inner = s[a + len("<ds:SignatureValue>") : b - len("</ds:SignatureValue>")]
    raw = bytearray(base64.b64decode("".join(inner.split())))
    raw[-1] ^= 1
    return s[:a] + "<ds:SignatureValue>" + b64(bytes(raw)) + "</ds:SignatureValue>" + s[b:]


def lx(fn):
    """Structural surgery on the signed text with lxml (re-serialized; c14n-neutral)."""

    def f(s, o):
        root = parse(s)
        res = fn(root, o)
        root = res if isinstance(res, etree._Element) else root
        return serialize(root, decl=s.startswith("<?xml"))

    return f


def lx_assertion(root):
    return root.find(q(SAML, "Assertion"))


def wrap_root(r, o):
    prefix, _, name = o["name"].partition(":")
    w = etree.Element(q(o["ns"], name), nsmap={prefix: o["ns"]})
    w.append(r)
    return w


def response_copy_in_extensions(r, o):
    ext = etree.Element(q(SAMLP, "Extensions"))
    r.find(q(SAMLP, "Status")).addprevious(ext)
    ext.append(copy.deepcopy(r))


def cut(s, o):
    return s[: s.index(o["start"])] + s[s.index(o["end"]) + len(o["end"]) :]


TEXT_OPS = {
    "replace_once": lambda s, o: one(s, o["old"], o["new"]),
    "replace_all": lambda s, o: s.replace(o["old"], o["new"]),
    "doctype": lambda s, o: one(s, DECL, DECL + o["decl"] + "\n"),
    "flip_signature_value": flip_signature_value,
    "set_first_digest_value": lambda s, o: re.sub(
        r"(<ds:DigestValue>)[^<]*(</ds:DigestValue>)", lambda m: m.group(1) + o["value"] + m.group(2), s, count=1
    ),
    "cut": cut,
    "root_assertion": lx(lambda r, o: lx_assertion(r)),
    "wrap_root": lx(wrap_root),
    "response_copy_in_extensions": lx(response_copy_in_extensions),
}

# ------------------------------------------------------------------ signature wrapping (lxml surgery on a signed Response)


def evil_assertion(out, label):
    """An unsigned Assertion for the attacker's identity, as an lxml element."""
    p = out.base().but(person=MALLORY, resp_sig=None, assert_sig=None)
    return lx_assertion(parse(build(tree_of(p, label + "/evil"))))


def lx_replace(old, new):
    new.tail = old.tail
    old.addprevious(new)
    old.getparent().remove(old)


def lx_sig(el):
    return el.find(q(DS, "Signature"))


def xsw1(r, evil):
    ev = copy.deepcopy(r)
    ev.set("ID", hid(evil.label + "/evil-response"))
    lx_replace(lx_assertion(ev), evil())
    etree.SubElement(lx_sig(ev), q(DS, "Object")).append(r)
    return ev


def xsw2(r, evil):
    ev = copy.deepcopy(r)
    ev.set("ID", hid(evil.label + "/evil-response"))
    lx_replace(lx_assertion(ev), evil())
    lx_sig(ev).addprevious(r)
    return ev


def xsw4(r, evil):
    A = lx_assertion(r)
    ev = evil()
    lx_replace(A, ev)
    ev.append(A)


def xsw5(r, evil):
    A = lx_assertion(r)
    ev = evil()
    ev.find(q(SAML, "Issuer")).addnext(copy.deepcopy(lx_sig(A)))
    A.addprevious(ev)


def xsw6(r, evil):
    A = lx_assertion(r)
    ev = evil()
    sig = copy.deepcopy(lx_sig(A))
    ev.find(q(SAML, "Issuer")).addnext(sig)
    lx_replace(A, ev)
    etree.SubElement(sig, q(DS, "Object")).append(A)


def xsw7(r, evil):
    A = lx_assertion(r)
    ext = etree.Element(q(SAMLP, "Extensions"))
    r.find(q(SAMLP, "Status")).addprevious(ext)
    lx_replace(A, evil())
    ext.append(A)


def xsw8(r, evil):
    A = lx_assertion(r)
    ev = evil()
    sig = copy.deepcopy(lx_sig(A))
    ev.find(q(SAML, "Issuer")).addnext(sig)
    lx_replace(A, ev)
    remove_keep_tail(lx_sig(A))
    etree.SubElement(sig, q(DS, "Object")).append(A)


def in_status_detail(r, evil):
    A = lx_assertion(r)
    detail = etree.SubElement(r.find(q(SAMLP, "Status")), q(SAMLP, "StatusDetail"))
    lx_replace(A, evil())
    detail.append(A)


def in_subject_confirmation_data(r, evil):
    A = lx_assertion(r)
    ev = evil()
    lx_replace(A, ev)
    ev.find(q(SAML, "Subject")).find(q(SAML, "SubjectConfirmation")).find(q(SAML, "SubjectConfirmationData")).append(A)


def in_extensions_only(r, evil):
    A, ext = lx_assertion(r), etree.Element(q(SAMLP, "Extensions"))
    r.find(q(SAMLP, "Status")).addprevious(ext)
    ext.append(A)


def signature_transplant(r, evil, same_id=False):
    A = lx_assertion(r)
    ev = evil()
    if same_id:
        ev.set("ID", A.get("ID"))
    ev.find(q(SAML, "Issuer")).addnext(copy.deepcopy(lx_sig(A)))
    lx_replace(A, ev)


def id_collision(r, evil):
    A = lx_assertion(r)
    ext = etree.Element(q(SAMLP, "Extensions"))
    marker = etree.SubElement(ext, q(IDBR, "Marker"), nsmap={"idbr": IDBR})
    marker.set("ID", A.get("ID"))
    r.find(q(SAMLP, "Status")).addprevious(ext)


ATTACKS = {
    "xsw1": xsw1,
    "xsw2": xsw2,
    "evil_first": lambda r, evil: lx_assertion(r).addprevious(evil()),
    "evil_last": lambda r, evil: lx_assertion(r).addnext(evil()),
    "xsw4": xsw4,
    "xsw5": xsw5,
    "xsw6": xsw6,
    "xsw7": xsw7,
    "xsw8": xsw8,
    "in_status_detail": in_status_detail,
    "in_subject_confirmation_data": in_subject_confirmation_data,
    "in_extensions_only": in_extensions_only,
    "signature_transplant": signature_transplant,
    "evil_with_genuine_id": lambda r, evil: signature_transplant(r, evil, same_id=True),
    "id_collision": id_collision,
}


def make_wrap(out, o, src):
    """`attack` on the signed Response `from`; `evil` labels the attacker's unsigned Assertion."""
    evil = lambda: evil_assertion(out, o["evil"])  # noqa: E731
    evil.label = o.get("evil")
    root = parse(src)
    res = ATTACKS[o["attack"]](root, evil)
    return serialize(res if isinstance(res, etree._Element) else root)


# ------------------------------------------------------------------ inputs derived from other inputs

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def make_base64(out, o, src):
    """base64 of `from`: one line, or `width`-character chunks joined by `sep`, with `lead` and `end`;
    `bom` prefixes a UTF-8 BOM, `twice` encodes twice, `urlsafe` uses '-' '_', `replace_at` puts `char` there."""
    data = (b"\xef\xbb\xbf" if o.get("bom") else b"") + src
    s = b64(b64(data).encode() if o.get("twice") else data)
    if "width" in o:
        s = o.get("lead", "") + o["sep"].join(chunks(s, o["width"])) + o.get("end", "")
    if o.get("urlsafe"):
        s = s.replace("+", "-").replace("/", "_")
    if "replace_at" in o:
        s = s[: o["replace_at"]] + o["char"] + s[o["replace_at"] + 1 :]
    return s


def padded_base64(src):
    padded = src + b"\n" * ((3 - len(src) % 3) % 3 + 1)  # trailing whitespace after the root: padding needed
    if len(padded) % 3 == 0:
        padded += b"\n"
    pb = b64(padded)
    assert pb.endswith("="), pb[-4:]
    return padded, pb


def make_base64_noncanonical_bits(out, o, src):
    padded, pb = padded_base64(src)
    bump = ALPHABET[ALPHABET.index(pb.rstrip("=")[-1]) + 1]
    nb = pb.rstrip("=")[:-1] + bump + "=" * (len(pb) - len(pb.rstrip("=")))
    assert base64.b64decode(nb) == padded and nb != pb
    return nb


def make_base64_padding_inside(out, o, src):
    half = len(src) // 3 * 3 - 300
    while len(src[:half]) % 3 == 0:
        half -= 1
    return b64(src[:half]) + b64(src[half:])


def make_latin1(out, o, src):
    """A Response built from `params`, declared and encoded ISO-8859-1 (signed over the decoded characters)."""
    text = build(tree_of(params_of(out, o["params"]), o["label"]))
    return text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")


RAW_MAKERS = {
    "base64": make_base64,
    "base64_no_padding": lambda out, o, src: padded_base64(src)[1].rstrip("="),
    "base64_noncanonical_bits": make_base64_noncanonical_bits,
    "base64_padding_inside": make_base64_padding_inside,
    "latin1": make_latin1,
    "truncate_half": lambda out, o, src: src[: len(src) // 2],
    "twice_root": lambda out, o, src: src + src[len(DECL) :],
    "empty": lambda out, o, src: b"",
    "wrap": make_wrap,
}

# ------------------------------------------------------------------ one row


def make_doc(out, d):
    """Build, sign and store the Response a row's "doc" describes; returns its path."""
    rel = f"responses/{d['slug']}.{d.get('ext', 'xml')}"
    CURRENT["out"] = out
    p = params_of(out, d.get("params"))
    tree = tree_of(p, d["slug"])
    for o in d.get("edit", []):
        TREE_OPS[o["op"]](tree, o)
    text = build(tree, d.get("decl", True), minified=d.get("minified", False))
    for o in d.get("post", []):
        text = TEXT_OPS[o["op"]](text, o)
    if rel in out.files and not d.get("minified"):
        raise AssertionError("duplicate file " + rel)
    out.params[rel] = p
    return out.put(rel, text.encode("utf-8"), d["desc"])


def make_raw(out, r):
    src = out.files[r["from"]][0] if "from" in r else None
    data = RAW_MAKERS[r["make"]](out, r, src)
    return out.raw(r["slug"], r["desc"], data, r.get("ext", "xml"))


def identity(out, row, rel):
    ident = row["identity"]
    if ident == "base":
        return identity_of(out.base())
    if ident == "doc":
        return identity_of(out.params[rel])
    return ident


def run_row(out, g, row):
    rel = make_doc(out, row["doc"]) if "doc" in row else make_raw(out, row["raw"]) if "raw" in row else row["input"]
    if "result" not in row:
        return
    kw = dict(code=row.get("code"), flags=row["flags"], context=row.get("context"))
    if "identity" in row:
        kw["identity"] = identity(out, row, rel)
    g.add(row["comment"], rel, row["result"], **kw)


def run_table(out, t):
    vf = out.vfile(t["name"], t["title"], t["header"])
    for row in t.get("files", []):
        run_row(out, None, row)
    for gd in t["groups"]:
        g = vf.group(gd["source"], gd.get("trust", ("metadata/idp.xml",)), **gd.get("context", {}))
        for row in gd["cases"]:
            run_row(out, g, row)
