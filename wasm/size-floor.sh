#!/usr/bin/env bash
# The WASM package's dependency floor (wasm/README.md, "Size"): the gzipped
# size of DESIGN.md's crates doing only what idbridge asks of them, built as
# the package is (opt-level "z", fat LTO, wasm-bindgen, wasm-opt -Oz), all
# together and with one group left out at a time.
#
#   wasm/size-floor.sh
set -euo pipefail
cd "$(dirname "$0")"
[ -x node_modules/.bin/wasm-opt ] || npm ci --no-audit --no-fund --loglevel=error
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
size() { # $1 = label, $2 = features
  CARGO_PROFILE_WASM_RELEASE_OPT_LEVEL=z cargo build --quiet --profile wasm-release \
    -p idbridge-size-floor --target wasm32-unknown-unknown --locked --no-default-features --features "$2"
  wasm-bindgen --target web --out-dir "$out" --out-name floor \
    "${CARGO_TARGET_DIR:-../target}/wasm32-unknown-unknown/wasm-release/idbridge_size_floor.wasm"
  node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/floor_bg.wasm" -o "$out/opt.wasm"
  local gz=$(( $(gzip -9c "$out/opt.wasm" | wc -c) + $(gzip -9c "$out/floor.js" | wc -c) ))
  printf '  %-44s %6d.%d KB gzipped\n' "$1" $((gz / 1000)) $((gz % 1000 / 100))
}
echo "dependency floor (module + glue, gzip -9):"
size "everything (rsa, ec, asn1, text)" "rsa,ec,asn1,text"
size "without ECDSA (P-256/384/521; no webpki)" "rsa,asn1,text"
size "without RSA" "ec,asn1,text"
size "without ASN.1 (x509-cert, x509-ocsp, webpki)" "rsa,ec,text"
size "without text (roxmltree, serde_json, base64, chrono)" "rsa,ec,asn1"
