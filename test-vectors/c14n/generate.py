#!/usr/bin/env python3
"""Exclusive XML Canonicalization pairs from an independent implementation.

For every corpus file (corpus/*.xml), every apex and every
InclusiveNamespaces PrefixList named in corpus/cases.json, with and without
comments, writes the exclusive c14n that libxml2 (through lxml) produces into
out/, and lists every pair in manifest.json. tests/c14n.rs compares
idbridge's output with these files byte for byte; it needs only the
committed files, never Python.

Usage (from anywhere):  python3 test-vectors/c14n/generate.py
Then:                   git diff --exit-code test-vectors/c14n   (regenerating changes nothing)
Needs:                  pip install lxml   (the versions used are recorded in manifest.json)
"""

import hashlib
import json
import pathlib
import sys

from lxml import etree

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
OUT = HERE / "out"

# Cases where lxml/libxml2 and the W3C specification disagree: idbridge
# follows the specification. Keyed by case id; each names the evidence
# (see README.md, "Differences from lxml"). tests/c14n.rs checks that the
# two outputs do differ, and that ours is the one under spec/.
EXPECTED_DIFFERENCES = {}


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


def main():
    cases = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))["files"]
    unknown = set(cases) - {p.name for p in CORPUS.glob("*.xml")}
    if unknown:
        raise SystemExit(f"cases.json names missing files: {sorted(unknown)}")

    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.c14n"):
        old.unlink()

    entries = []
    for path in sorted(CORPUS.glob("*.xml")):
        spec = cases.get(path.name, {})
        ns = spec.get("ns", {})
        apexes = spec.get("apexes", ["/*"])
        prefix_lists = spec.get("prefix_lists", [[]])
        tree = etree.parse(str(path))
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
                        "input": f"corpus/{path.name}",
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
                        out.write_bytes(result)
                        entry.update({
                            "output": f"out/{out.name}",
                            "sha256": hashlib.sha256(result).hexdigest(),
                            "lxml_error": None,
                        })
                    entry["expected_difference"] = EXPECTED_DIFFERENCES.get(case_id)
                    entries.append(entry)

    manifest = {
        "comment": "Exclusive XML Canonicalization 1.0 pairs: corpus input, apex, options, and libxml2's output (through lxml). Generated by generate.py; see README.md.",
        "generator": {
            "lxml": ".".join(map(str, etree.LXML_VERSION)),
            "libxml2": ".".join(map(str, etree.LIBXML_VERSION)),
            "python": sys.version.split()[0],
        },
        "numberOfCases": len(entries),
        "cases": entries,
    }
    (HERE / "manifest.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"{len(entries)} cases from {len(list(CORPUS.glob('*.xml')))} inputs")


if __name__ == "__main__":
    main()
