#!/usr/bin/env bash
# Builds the npm package `idbridge` into wasm/pkg/ and checks its size.
#
#   wasm/build-pkg.sh [--fast]
#
# --fast trades size for speed, for Node services more than for pages:
# the idbridge crate at opt-level "s" and sha2, roxmltree and base64 at 3
# (README.md, "Size" and "Performance", has the measured trade).
#
# cargo (profile wasm-release, opt-level "z") → wasm-bindgen --target web
# (the CLI at the Cargo.lock version) → wasm-opt -Oz from the npm package
# binaryen (Debian's v108 emits broken modules) → package.json with exports
# for browsers, bundlers and Node, TypeScript declarations, README. Prints
# the gzipped size of every file and fails past the budget.
set -euo pipefail
cd "$(dirname "$0")"

# The enforced budget for what a browser loads (the module and its .wasm),
# gzip -9, in KB (1000 bytes).
# Issue 6 asks for 250 KB; see README.md "Size" for why the package is
# above it today and what would bring it down.
budget_kb=${IDBRIDGE_PKG_BUDGET_KB:-440}
target_kb=250

profile=(--config 'profile.wasm-release.opt-level="z"')
case "${1:-}" in
  "") ;;
  --fast)
    profile+=(--config 'profile.wasm-release.package.idbridge.opt-level="s"')
    for crate in sha2 roxmltree base64; do
      profile+=(--config "profile.wasm-release.package.$crate.opt-level=3")
    done
    ;;
  *) echo "usage: wasm/build-pkg.sh [--fast]" >&2; exit 2 ;;
esac

wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' ../Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  echo "wasm-bindgen-cli $wb_version is required (cargo install wasm-bindgen-cli --version $wb_version)" >&2
  exit 1
fi
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/tsc ] || [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

cargo build "${profile[@]}" --profile wasm-release -p idbridge-wasm --target wasm32-unknown-unknown --locked
rm -rf pkg
wasm-bindgen --target web --out-dir pkg --out-name idbridge \
  "${CARGO_TARGET_DIR:-../target}/wasm32-unknown-unknown/wasm-release/idbridge_wasm.wasm"
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  pkg/idbridge_bg.wasm -o pkg/idbridge_bg.opt.wasm
mv pkg/idbridge_bg.opt.wasm pkg/idbridge_bg.wasm
rm -f pkg/.gitignore

# The error codes and algorithm ids as TypeScript unions, from the build itself.
node --input-type=module -e '
  import { readFileSync, appendFileSync } from "node:fs";
  import { initSync, errorCodes, algorithms } from "./pkg/idbridge.js";
  initSync({ module: readFileSync("pkg/idbridge_bg.wasm") });
  const union = (xs) => xs.map((x) => JSON.stringify(x)).join("\n  | ");
  appendFileSync("pkg/idbridge.d.ts",
    "\n/** Every stable error code (see errorCodes()). */\nexport type ErrorCode =\n  | " + union(errorCodes()) + ";\n" +
    "\n/** Every signature algorithm id (see algorithms()). */\nexport type SignatureAlgorithm =\n  | " + union(algorithms()) + ";\n");
'
cp pkg-template/node.js pkg-template/node.d.ts pkg/
# The declarations compile, strictly, and reject wrong uses (types-test.ts).
node_modules/.bin/tsc -p tsconfig.json
cp README.md pkg/README.md
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' ../Cargo.toml | head -1)
sed "s/@VERSION@/$version/" pkg-template/package.json > pkg/package.json

# Size, gzip -9: every file; the budget applies to what a browser loads
# (idbridge.js + idbridge_bg.wasm), the whole package is printed too.
total=0
payload=0
for f in pkg/*; do
  gz=$(gzip -9c "$f" | wc -c)
  total=$((total + gz))
  case $f in pkg/idbridge.js|pkg/idbridge_bg.wasm) payload=$((payload + gz)) ;; esac
  printf '  %-28s %8d bytes, %7d gzipped\n' "${f#pkg/}" "$(wc -c < "$f")" "$gz"
done
kb() { printf '%d.%d KB' $(($1 / 1000)) $(($1 % 1000 / 100)); }
echo "idbridge package: $(kb "$total") gzipped in all; loaded by a browser (idbridge.js + idbridge_bg.wasm): $(kb "$payload") gzipped; budget ${budget_kb} KB, target ${target_kb} KB"
if [ "$payload" -gt $((budget_kb * 1000)) ]; then
  echo "FAIL: the package is over its budget of $budget_kb KB gzipped" >&2
  exit 1
fi
if [ "$payload" -gt $((target_kb * 1000)) ]; then
  echo "NOTE: above issue 6's target of $target_kb KB (wasm/README.md, Size)"
fi
