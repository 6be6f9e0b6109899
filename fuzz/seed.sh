#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ (git-ignored) from the repository's test
# vectors, so every target starts from real, valid inputs:
#   fuzz/seed.sh && cargo +nightly fuzz run saml_response -- -dict=fuzz/dict/xml.dict
set -euo pipefail
cd "$(dirname "$0")"
tv=../test-vectors
seed() { # target, files...
  local t=$1; shift
  mkdir -p "corpus/$t"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "corpus/$t/$(echo "${f#../}" | tr '/' '_')"; done
}
seed spki $tv/keys/*.spki.der
seed vector_file $tv/signature/*.json $tv/limits/*.json
seed webeid_token $tv/webeid/tokens/*
seed saml_response $tv/spid/responses/* $tv/cie/responses/*
seed saml_metadata $tv/spid/metadata/* $tv/cie/metadata/*
seed ocsp_response $tv/webeid/ocsp/*
seed x509_certificate $tv/webeid/pki/*.cer $tv/xmldsig/certs/*.der
seed xml_c14n $tv/c14n/corpus/*.xml $tv/xmldsig/inputs/*/*.xml
# signature: layout [alg][key_len u16][key][sig_len u16][sig][msg]; one per key.
mkdir -p corpus/signature
i=0
for k in $tv/keys/*.spki.der; do
  python3 - "$k" "corpus/signature/seed-$i" "$i" <<'PY'
import sys
key = open(sys.argv[1], "rb").read()
sig = bytes(64)
out = bytes([int(sys.argv[3]) % 24]) + len(key).to_bytes(2, "big") + key + len(sig).to_bytes(2, "big") + sig + b"message"
open(sys.argv[2], "wb").write(out)
PY
  i=$((i + 1))
done
for d in corpus/*/; do echo "$(ls "$d" | wc -l) seeds in $d"; done
