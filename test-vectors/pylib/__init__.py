"""Shared code of idbridge's Python vector generators: one vector-file writer
(`vecfile`), one test-PKI helper (`pki`) and the data-table loader (`table`).

Generators put the parent folder (test-vectors/) on sys.path and import
`from pylib import pki, vecfile, table`.
"""
