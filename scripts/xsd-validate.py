#!/usr/bin/env python3
"""Validates XML documents against XSDs with the `xmlschema` package.

usage: xsd-validate.py XSD_DIR|auto XSD=DOC...

XSD paths are relative to XSD_DIR; `auto` takes the XSD folder shipped
with the spid-sp-test package (the SAML 2.0, SPID Avviso 29 and CIE
schemas). Prints `ok XSD DOC` or `INVALID XSD DOC` and the first errors.
Exit status: 0 all valid, 1 one invalid, 3 when xmlschema (or, with auto,
spid-sp-test) is not installed: the caller reports the check as SKIPPED.
"""
import importlib.util
import os
import sys

try:
    import xmlschema
except ImportError:
    print("xmlschema is not installed")
    sys.exit(3)

xsd_dir = sys.argv[1]
if xsd_dir == "auto":
    # Found, not imported: the test command installs spid-sp-test without
    # its dependencies, for its XSD folder only.
    spec = importlib.util.find_spec("spid_sp_test")
    if spec is None or not spec.submodule_search_locations:
        print("spid-sp-test is not installed (its XSDs are used)")
        sys.exit(3)
    xsd_dir = os.path.join(list(spec.submodule_search_locations)[0], "xsd")

failed = False
schemas = {}
for pair in sys.argv[2:]:
    xsd, doc = pair.split("=", 1)
    if xsd not in schemas:
        schemas[xsd] = xmlschema.XMLSchema(os.path.join(xsd_dir, xsd))
    with open(doc, "rb") as f:
        text = f.read().decode()
    errors = list(schemas[xsd].iter_errors(text))
    print(("ok " if not errors else "INVALID ") + xsd + " " + doc)
    for e in errors[:3]:
        print("   ", str(e).splitlines()[0], "at", e.path)
    failed = failed or bool(errors)
sys.exit(1 if failed else 0)
