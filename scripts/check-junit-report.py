#!/usr/bin/env python3
"""Reads a JUnit report of `idbridge vectors --report junit FILE` as a CI
system does (junitparser), validates it against scripts/junit-report.xsd
(xmlschema), and checks that it says what the run's closing line said.

    check-junit-report.py REPORT.xml "vectors: N passed, M failed"

Also checked: each suite's counts against its test cases, the properties
(idbridge version, backends, kind, the SHA-256 of the vector file, recomputed
from the file when it is readable from here), and that every failure says
what was expected and what came back. Exit 1 on any difference.
"""

import hashlib
import os
import re
import sys

import junitparser
import xmlschema

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, closing = sys.argv[1], sys.argv[2]
    m = re.fullmatch(r"vectors: (\d+) passed, (\d+) failed", closing.strip())
    if not m:
        print(f"not a closing line: {closing!r}", file=sys.stderr)
        return 2
    want_passed, want_failed = int(m.group(1)), int(m.group(2))
    problems = []

    schema = xmlschema.XMLSchema(os.path.join(HERE, "junit-report.xsd"))
    for error in schema.iter_errors(path):
        problems.append(f"schema: {error.reason} at {error.path}")

    xml = junitparser.JUnitXml.fromfile(path)
    suites = list(xml) if isinstance(xml, junitparser.JUnitXml) else [xml]
    passed = failures = errors = cases = 0
    for suite in suites:
        props = {p.name: p.value for p in suite.properties()}
        for key in ("idbridge.version", "backends"):
            if not props.get(key):
                problems.append(f"{suite.name}: property {key} is empty")
        digest = props.get("sha256", "")
        if os.path.isfile(suite.name):
            with open(suite.name, "rb") as f:
                actual = hashlib.sha256(f.read()).hexdigest()
            if digest != actual:
                problems.append(f"{suite.name}: sha256 {digest!r} is not the file's {actual}")
        elif digest:
            problems.append(f"{suite.name}: a sha256 for a file that is not here")
        s_cases = s_fail = s_err = 0
        for case in suite:
            s_cases += 1
            results = case.result
            if not results:
                passed += 1
                continue
            if len(results) != 1:
                problems.append(f"{suite.name} {case.name}: {len(results)} results")
            r = results[0]
            if isinstance(r, junitparser.Failure):
                s_fail += 1
                msg = r.message or ""
                if not (msg.startswith("expected ") and ", got " in msg):
                    problems.append(f"{suite.name} {case.name}: failure message {msg!r}")
                if "expected: " not in (r.text or "") or "backends: " not in (r.text or ""):
                    problems.append(f"{suite.name} {case.name}: failure text lacks expected/backends")
            elif isinstance(r, junitparser.Error):
                s_err += 1
                if not (r.message or "").startswith("malformed vector file: "):
                    problems.append(f"{suite.name} {case.name}: error message {r.message!r}")
            else:
                problems.append(f"{suite.name} {case.name}: unexpected result {type(r).__name__}")
        if (suite.tests, suite.failures, suite.errors) != (s_cases, s_fail, s_err):
            problems.append(
                f"{suite.name}: says {suite.tests}/{suite.failures}/{suite.errors}, "
                f"holds {s_cases}/{s_fail}/{s_err} tests/failures/errors"
            )
        cases += s_cases
        failures += s_fail
        errors += s_err

    if (passed, failures + errors) != (want_passed, want_failed):
        problems.append(
            f"the report has {passed} passed and {failures + errors} failed "
            f"({failures} failures, {errors} errors); the run said {closing!r}"
        )
    for p in problems[:50]:
        print(f"FAIL {p}")
    if problems:
        print(f"junit report {path}: {len(problems)} problems")
        return 1
    print(
        f"junit report {path}: valid against junit-report.xsd; junitparser reads "
        f"{len(suites)} suites, {cases} cases: {passed} passed, {failures} failures, "
        f"{errors} errors, as the run said"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
