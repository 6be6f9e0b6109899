#!/usr/bin/env python3
"""Exclusive XML Canonicalization pairs from an independent implementation.

For every corpus file (corpus/*.xml), every apex and every
InclusiveNamespaces PrefixList named in corpus/cases.json, with and without
comments, writes the exclusive c14n that libxml2 (through lxml) produces into
out/, and lists every pair in manifest.json. tests/c14n.rs compares
idbridge's output with these files byte for byte; it needs only the
committed files, never Python.

The corpus is corpus/*.xml (written by hand, one concern per file; apexes
and PrefixLists in corpus/cases.json) plus corpus/random/ (200 small
documents that churn namespaces, generated here from a fixed seed with a
fixed PRNG, each with one random apex and PrefixList).

Every case is also canonicalized by a second oracle: the same libxml2 called
directly (ctypes) over an XPath node-set, as xmlsec1 canonicalizes a
same-document reference. The two must agree, except where lxml provably
loses part of the request ("#default" in the PrefixList, see
DIFFERENCE_NOTE); any other disagreement stops the generator.

Usage (from anywhere):  python3 test-vectors/c14n/generate.py
Then:                   git diff --exit-code test-vectors/c14n   (regenerating changes nothing)
Needs:                  pip install lxml   (the versions used are recorded in manifest.json)
"""

import ctypes
import hashlib
import pathlib
import sys

from lxml import etree

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from pylib import table, vecfile  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
OUT = HERE / "out"

SPEC = HERE / "spec"

# lxml hands libxml2 only the PrefixList entries that occur in the
# document's name dictionary (lxml's _convert_ns_prefixes uses
# xmlDictExists), so "#default" never reaches libxml2 through lxml. For those
# cases the second oracle below, libxml2 called directly, is what the W3C
# text asks for; such a pair is marked as an expected difference and our
# output is compared with spec/<id>.c14n instead. See README.md.
DIFFERENCE_NOTE = (
    "lxml drops \"#default\" from inclusive_ns_prefixes (it passes only prefixes "
    "found in the document's dictionary, and \"#default\" is no XML name), so "
    "libxml2 never sees it. Exc-C14N \u00a73 treats a listed prefix as in "
    "Canonical XML: the default namespace node in scope is rendered unless the "
    "nearest output ancestor has the same one. libxml2 called directly with "
    "the same PrefixList does so; spec_output is its output."
)


class DirectLibxml2:
    """libxml2's own exclusive c14n over an XPath node-set (the way xmlsec1
    canonicalizes a same-document reference), through the libxml2 that lxml
    bundles (its symbols are exported). x86-64 / LP64 layout."""

    def __init__(self):
        lib = ctypes.CDLL(etree.__file__)
        lib.xmlReadMemory.restype = ctypes.c_void_p
        lib.xmlReadMemory.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
        lib.xmlXPathNewContext.restype = ctypes.c_void_p
        lib.xmlXPathNewContext.argtypes = [ctypes.c_void_p]
        lib.xmlXPathRegisterNs.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.xmlXPathEvalExpression.restype = ctypes.c_void_p
        lib.xmlXPathEvalExpression.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        lib.xmlC14NDocDumpMemory.argtypes = [
            ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int,
            ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.POINTER(ctypes.c_void_p),
        ]
        self.lib = lib

    def canonicalize(self, data, apex_xpath, exclude_xpath, ns, with_comments, prefixes):
        lib = self.lib
        doc = lib.xmlReadMemory(data, len(data), None, None, 0)
        if not doc:
            raise SystemExit("libxml2 cannot parse a corpus file")
        nodes = None
        if apex_xpath != "/":
            ctx = lib.xmlXPathNewContext(doc)
            for prefix, uri in ns.items():
                lib.xmlXPathRegisterNs(ctx, prefix.encode(), uri.encode())
            a = apex_xpath
            select = (f"({a}/descendant-or-self::node() | {a}/descendant-or-self::*/@*"
                      f" | {a}/descendant-or-self::*/namespace::*)")
            if exclude_xpath is not None:
                e = exclude_xpath
                select += f"[count(ancestor-or-self::node() | {e}) != count(ancestor-or-self::node())]"
            result = lib.xmlXPathEvalExpression(select.encode(), ctx)
            if not result:
                raise SystemExit(f"libxml2 cannot evaluate {select}")
            # struct _xmlXPathObject { xmlXPathObjectType type; xmlNodeSetPtr nodesetval; ... }
            nodes = ctypes.c_void_p.from_address(result + 8).value
        c_prefixes = (ctypes.c_char_p * (len(prefixes) + 1))(*[p.encode() for p in prefixes], None)
        out = ctypes.c_void_p()
        n = lib.xmlC14NDocDumpMemory(
            doc, nodes, 1, c_prefixes if prefixes else None, int(with_comments), ctypes.byref(out)
        )
        return None if n < 0 else ctypes.string_at(out, n)


def elements(tree):
    """The elements of `tree` in document order (what roxmltree's
    `descendants().filter(is_element)` yields)."""
    return [e for e in tree.getroot().iter() if isinstance(e.tag, str)]


def index_of(tree, element):
    for i, e in enumerate(elements(tree)):
        if e is element:
            return i
    raise ValueError("element not in tree")


def select(tree, xpath, ns):
    if xpath == "/":
        return None
    found = tree.xpath(xpath, namespaces=ns)
    if len(found) != 1 or not isinstance(found[0].tag, str):
        raise SystemExit(f"{xpath!r} must select exactly one element, selected {len(found)}")
    return found[0]


def remove_keeping_tail(element):
    """Removes `element` but keeps the text after it (lxml's remove() drops
    the tail with the element; the enveloped-signature transform removes
    only the element node)."""
    parent = element.getparent()
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def canonicalize(path, apex_xpath, exclude_xpath, ns, with_comments, prefixes):
    """lxml's exclusive c14n of the apex, or ("error", message)."""
    tree = etree.parse(str(path))
    apex = select(tree, apex_xpath, ns)
    if exclude_xpath is not None:
        remove_keeping_tail(select(tree, exclude_xpath, ns))
    target = tree if apex is None else apex
    try:
        return etree.tostring(
            target,
            method="c14n",
            exclusive=True,
            with_comments=with_comments,
            inclusive_ns_prefixes=list(prefixes) or None,
        )
    except etree.C14NError as e:
        return ("error", str(e))


class XorShift:
    """A fixed PRNG (xorshift64*), so that the random corpus is the same on
    every Python version."""

    def __init__(self, seed):
        self.state = seed or 1

    def next(self):
        x = self.state
        x ^= (x >> 12)
        x ^= (x << 25) & 0xFFFFFFFFFFFFFFFF
        x ^= (x >> 27)
        self.state = x
        return (x * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF

    def below(self, n):
        return self.next() % n

    def pick(self, items):
        return items[self.below(len(items))]


RANDOM_DOCUMENTS = 200
RANDOM_SEED = 20250101


def random_corpus():
    """Writes corpus/random/r*.xml: small documents that churn namespaces
    (prefixes rebound, the default namespace set and undeclared, prefixed
    attributes, xml: attributes), with escapes, comments, PIs and CDATA;
    each with one random apex and PrefixList. Returns their case specs."""
    rng = XorShift(RANDOM_SEED)
    prefixes = ["a", "b", "c", "ds", "xs"]
    uris = ["urn:x", "urn:y", "urn:z", "http://e.example/a", "http://e.example/b"]
    texts = ["t", " ", "\t", "\n", "&amp;", "&lt;", "&gt;", "&#13;", "&#x9;", "\"", "'", "\u00e9",
             "<![CDATA[c<&>]]>", "<!--k-->", "<?p d?>", "\r\n"]
    values = ["v", " ", "\t", "\n", "&amp;", "&lt;", "&quot;", "&#13;", "&#10;", "&#9;", ">", "'"]

    def run(parts, most):
        return "".join(rng.pick(parts) for _ in range(rng.below(most + 1)))

    def element(depth, scope):
        scope = dict(scope)
        declarations = []
        for _ in range(rng.pick([0, 1, 1, 2, 3])):
            prefix = rng.pick(prefixes + [None, None])
            if any(p == prefix for p, _ in declarations):
                continue
            uri = rng.pick(uris + ([""] if prefix is None else []))
            declarations.append((prefix, uri))
            scope[prefix] = uri
        bound = sorted(p for p, u in scope.items() if p is not None)
        prefix = rng.pick(bound + [None, None, None])
        name = (prefix + ":" if prefix else "") + rng.pick(["e", "f", "g"])
        s = "<" + name
        for p, u in declarations:
            s += f' xmlns{":" + p if p else ""}="{u}"'
        seen = set()
        for _ in range(rng.below(4)):
            p = rng.pick(bound + [None, None, "xml"])
            local = rng.pick(["m", "n", "o"] + (["lang"] if p == "xml" else []))
            key = ("xml" if p == "xml" else scope.get(p, ""), local)
            if key in seen:
                continue
            seen.add(key)
            s += f' {(p + ":") if p else ""}{local}="{run(values, 4)}"'
        if depth > 5 or rng.below(100) < 15:
            return s + "/>"
        s += ">" + run(texts, 5)
        for _ in range(rng.below(4)):
            s += element(depth + 1, scope) + run(texts, 5)
        return s + "</" + name + ">"

    folder = CORPUS / "random"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.xml"):
        old.unlink()
    inputs = []
    for i in range(RANDOM_DOCUMENTS):
        doc = element(0, {})
        if rng.below(100) < 30:
            doc = rng.pick(["<!--top-->", "<?pi x?>"]) + "\n" + doc + "\n" + rng.pick(["<!--end-->", "<?q?>", ""])
        path = folder / f"r{i:03}.xml"
        vecfile.write_file(str(path), doc)
        count = len(elements(etree.parse(str(path))))
        apex = "/" if rng.below(100) < 10 else f"(//*)[{rng.below(count) + 1}]"
        listed = []
        for _ in range(rng.below(4)):
            p = rng.pick(["a", "b", "c", "ds", "xs", "#default", "zz"])
            if p not in listed:
                listed.append(p)
        inputs.append((path, {"apexes": [apex], "prefix_lists": [listed]}))
    return inputs


def main():
    cases = table.load(str(CORPUS / "cases.json"))["files"]
    unknown = set(cases) - {p.name for p in CORPUS.glob("*.xml")}
    if unknown:
        raise SystemExit(f"cases.json names missing files: {sorted(unknown)}")
    inputs = [(path, cases.get(path.name, {})) for path in sorted(CORPUS.glob("*.xml"))]
    inputs += random_corpus()

    for folder in (OUT, SPEC):
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.c14n"):
            old.unlink()
    direct = DirectLibxml2()
    differences = 0

    entries = []
    for path, spec in inputs:
        ns = spec.get("ns", {})
        apexes = spec.get("apexes", ["/*"])
        prefix_lists = spec.get("prefix_lists", [[]])
        tree = etree.parse(str(path))
        data = path.read_bytes()
        n = 0
        for apex in apexes:
            if isinstance(apex, str):
                apex = {"apex": apex}
            apex_xpath = apex["apex"]
            exclude_xpath = apex.get("exclude")
            apex_el = select(tree, apex_xpath, ns)
            exclude_el = None if exclude_xpath is None else select(tree, exclude_xpath, ns)
            for prefixes in prefix_lists:
                for with_comments in (False, True):
                    case_id = f"{path.stem}-{n}"
                    n += 1
                    result = canonicalize(path, apex_xpath, exclude_xpath, ns, with_comments, prefixes)
                    entry = {
                        "id": case_id,
                        "input": path.relative_to(HERE).as_posix(),
                        "apex_xpath": apex_xpath,
                        # Index among the document's elements in document
                        # order; null: the whole document.
                        "apex_index": None if apex_el is None else index_of(tree, apex_el),
                        "exclude_xpath": exclude_xpath,
                        "exclude_index": None if exclude_el is None else index_of(tree, exclude_el),
                        "with_comments": with_comments,
                        "inclusive_prefixes": prefixes,
                    }
                    if isinstance(result, tuple):
                        entry.update({"output": None, "sha256": None, "lxml_error": result[1]})
                    else:
                        out = OUT / f"{case_id}.c14n"
                        vecfile.write_file(str(out), result)
                        entry.update({
                            "output": f"out/{out.name}",
                            "sha256": hashlib.sha256(result).hexdigest(),
                            "lxml_error": None,
                        })
                    # The second oracle: libxml2 over a node-set.
                    second = direct.canonicalize(data, apex_xpath, exclude_xpath, ns, with_comments, prefixes)
                    first = None if isinstance(result, tuple) else result
                    entry["expected_difference"] = None
                    if second != first:
                        if "#default" not in prefixes or first is None or second is None:
                            raise SystemExit(
                                f"{case_id}: lxml and libxml2 (node-set) disagree in an unexplained way:\n"
                                f"  lxml:    {first!r}\n  libxml2: {second!r}"
                            )
                        spec = SPEC / f"{case_id}.c14n"
                        vecfile.write_file(str(spec), second)
                        differences += 1
                        entry["expected_difference"] = {
                            "note": "lxml-drops-default",
                            "spec_output": f"spec/{spec.name}",
                            "spec_sha256": hashlib.sha256(second).hexdigest(),
                        }
                    entries.append(entry)

    manifest = {
        "comment": "Exclusive XML Canonicalization 1.0 pairs: corpus input, apex, options, and libxml2's output (through lxml). Generated by generate.py; see README.md.",
        "notes": {"lxml-drops-default": DIFFERENCE_NOTE},
        "generator": {
            "lxml": ".".join(map(str, etree.LXML_VERSION)),
            # lxml's bundled libxml2: the one behind both oracles.
            "libxml2": ".".join(map(str, etree.LIBXML_VERSION)),
        },
        "numberOfCases": len(entries),
        "cases": entries,
    }
    head = {k: v for k, v in manifest.items() if k != "cases"}
    vecfile.write_file(str(HERE / "manifest.json"), vecfile.json_rows(head, "cases", entries))
    print(f"{len(entries)} cases from {len(inputs)} inputs; "
          f"{differences} differ from lxml (\"#default\" in the PrefixList)")


if __name__ == "__main__":
    main()
