#!/usr/bin/env python3
"""libxml2's exclusive c14n throughput (through lxml), on the inputs that
`cargo bench --bench c14n` writes to target/c14n-bench/: the baseline for
idbridge's own figures. MB/s are of input bytes (as criterion's
Throughput::Bytes), 1 MB = 10^6 bytes.

Usage: cargo bench --bench c14n   (writes the inputs), then
       python3 scripts/c14n-throughput-lxml.py
Needs: pip install lxml
"""

import hashlib
import pathlib
import time

from lxml import etree

ROOT = pathlib.Path(__file__).resolve().parent.parent
INPUTS = ROOT / "target" / "c14n-bench"


def rate(nbytes, fn, min_seconds=2.0):
    """The best MB/s over repeated rounds of `fn` lasting at least min_seconds."""
    fn()  # warm up
    best = 0.0
    deadline = time.perf_counter() + min_seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        rounds = 0
        while time.perf_counter() - start < 0.2:
            fn()
            rounds += 1
        elapsed = time.perf_counter() - start
        best = max(best, nbytes * rounds / elapsed / 1e6)
    return best


def main():
    files = sorted(INPUTS.glob("*.xml"), key=lambda p: p.stat().st_size)
    if not files:
        raise SystemExit(f"no inputs in {INPUTS}: run `cargo bench --bench c14n` first")
    print(f"lxml {'.'.join(map(str, etree.LXML_VERSION))}, libxml2 {'.'.join(map(str, etree.LIBXML_VERSION))}")
    for path in files:
        data = path.read_bytes()
        root = etree.fromstring(data)

        def c14n():
            return etree.tostring(root, method="c14n", exclusive=True, with_comments=False)

        ours = path.with_suffix(".c14n")
        if ours.exists():
            same = ours.read_bytes() == c14n()
            agreement = "identical to idbridge's" if same else "DIFFERENT from idbridge's"
        else:
            agreement = "idbridge's output not found"
        print(f"{path.stem} ({len(data):,} bytes; canonical form {agreement}):")
        print(f"  exclusive c14n into bytes:     {rate(len(data), c14n):8.1f} MB/s")
        print(f"  exclusive c14n, then SHA-256:  {rate(len(data), lambda: hashlib.sha256(c14n()).digest()):8.1f} MB/s")
        print(f"  parse + c14n + SHA-256:        "
              f"{rate(len(data), lambda: hashlib.sha256(etree.tostring(etree.fromstring(data), method='c14n', exclusive=True)).digest()):8.1f} MB/s")


if __name__ == "__main__":
    main()
