"""The one vector-file writer of the Python generators (format: VECTORS.md,
schema idbridge-vectors/1), and the writing or checking of an output folder."""

import argparse
import json
import os
import shutil

SCHEMA = "idbridge-vectors/1"


def dumps(obj, ascii=False):
    """JSON as every vector file is written: indent 2, a final line feed."""
    return json.dumps(obj, indent=2, ensure_ascii=ascii) + "\n"


def vector_file(kind, header, notes, groups, ascii=False):
    """The text of one vector file. `groups` are the testGroups, in order, each
    with its `tests` (tcIds already set); `notes` the notes of the flags used."""
    obj = {
        "schema": SCHEMA,
        "kind": kind,
        "numberOfTests": sum(len(g["tests"]) for g in groups),
        "header": header,
        "notes": notes,
        "testGroups": groups,
    }
    return dumps(obj, ascii)


def used_notes(all_notes, tests, keys=("bugType", "description", "effect", "cves", "links")):
    """The notes named by the tests' flags, sorted by name, with the VECTORS.md keys only."""
    used = sorted({f for t in tests for f in t["flags"]})
    return {f: {k: all_notes[f][k] for k in keys if k in all_notes[f]} for f in used}


def json_rows(head, key, rows):
    """A JSON object written with `head`'s members (indent 1) and then `key`:
    a list of `rows`, one row per line (small diffs, greppable)."""
    text = json.dumps(head, indent=1, ensure_ascii=False)
    body = ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in rows)
    return text[:-2] + ',\n "%s": [\n' % key + body + "\n ]\n}\n"


def write_file(path, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return data


def write_tree(folder, files, clean=False):
    """Writes {relative path: bytes or str} under `folder` (deleted first when `clean`)."""
    if clean and os.path.isdir(folder):
        shutil.rmtree(folder)
    for rel, data in files.items():
        write_file(os.path.join(folder, rel), data)


def diff_tree(folder, files):
    """The relative paths whose bytes differ from `files`, plus extra files on disk."""
    have = set()
    for dirpath, _, names in os.walk(folder):
        for nm in names:
            have.add(os.path.relpath(os.path.join(dirpath, nm), folder))
    out = []
    for rel, data in files.items():
        data = data.encode("utf-8") if isinstance(data, str) else data
        p = os.path.join(folder, rel)
        if not os.path.exists(p) or open(p, "rb").read() != data:
            out.append(rel)
    return out + [rel + " (extra)" for rel in sorted(have - set(files))]


def main(name, folder, build, description):
    """A generator's command line: `--check` compares `build()`'s files with
    `folder` byte for byte and writes nothing (exit 1 if any differs);
    without it, `folder` is written again from nothing. `name` labels the
    messages (e.g. "icao-generator")."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--check", action="store_true", help="compare with %s, write nothing" % folder)
    args = ap.parse_args()
    files = build()
    shown = os.path.relpath(folder, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    if args.check:
        diff = diff_tree(folder, files)
        if diff:
            print("%s: differs from %s/: %s" % (name, shown, ", ".join(diff)))
            return 1
        print("%s: %s/ reproduced byte for byte (%d files)" % (name, shown, len(files)))
        return 0
    write_tree(folder, files, clean=True)
    print("%s: wrote %s/ (%d files)" % (name, shown, len(files)))
    return 0
