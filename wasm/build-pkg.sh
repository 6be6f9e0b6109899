#!/usr/bin/env bash
# Builds the npm package `idbridge` into wasm/pkg/ and checks its size.
#
#   wasm/build-pkg.sh [--fast] [--schemes LIST] [--sizes]
#
# --fast trades size for speed, for Node services more than for pages:
# the idbridge crate at opt-level "s" and sha2, roxmltree and base64 at 3
# (README.md, "Size" and "Performance", has the measured trade).
#
# --schemes LIST builds a package with only the schemes in LIST, a comma
# list of the crate's scheme features (`saml`: SPID and CIE ID; `webeid`;
# `oidc`: SPID/CIE over OpenID Connect Federation),
# into wasm/pkg-<schemes>/ (e.g. wasm/pkg-webeid/): the exports of the other
# schemes are absent from it and from its TypeScript declarations, and so
# is the test-vector runner (runVectors, the crate's feature `vectors`): it
# is a page's package. wasm/pkg/ (what test-pkg.mjs and the demo load) is
# always the whole package, runner included.
#
# --sizes builds the whole package, the SAML-only one and the Web eID-only
# one, and prints the gzipped size of each (what a browser loads).
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

# Every scheme feature of the crate (wasm/Cargo.toml), in a fixed order.
all_schemes=(saml webeid oidc)

usage() {
  echo "usage: wasm/build-pkg.sh [--fast] [--schemes saml,webeid,oidc] [--sizes]" >&2
  exit 2
}

profile=(--config 'profile.wasm-release.opt-level="z"')
fast=""
schemes=""
sizes=""
while [ $# -gt 0 ]; do
  case "$1" in
    --fast)
      fast="--fast"
      profile+=(--config 'profile.wasm-release.package.idbridge.opt-level="s"')
      for crate in sha2 roxmltree base64; do
        profile+=(--config "profile.wasm-release.package.$crate.opt-level=3")
      done
      ;;
    --schemes)
      [ $# -ge 2 ] || usage
      schemes=$2
      shift
      ;;
    --schemes=*) schemes=${1#--schemes=} ;;
    --sizes) sizes=1 ;;
    *) usage ;;
  esac
  shift
done
if [ -n "$sizes" ] && [ -n "$schemes" ]; then
  echo "--sizes builds every variant itself: no --schemes with it" >&2
  exit 2
fi

# The chosen schemes, checked and put in the fixed order: "" = every scheme.
chosen=()
if [ -n "$schemes" ]; then
  IFS=, read -r -a asked <<< "$schemes"
  for a in "${asked[@]}"; do
    case " ${all_schemes[*]} " in
      *" $a "*) ;;
      *) echo "unknown scheme \"$a\" (known: ${all_schemes[*]})" >&2; exit 2 ;;
    esac
  done
  for s in "${all_schemes[@]}"; do
    for a in "${asked[@]}"; do
      if [ "$a" = "$s" ]; then chosen+=("$s"); break; fi
    done
  done
  if [ "${#chosen[@]}" -eq "${#all_schemes[@]}" ]; then chosen=(); fi
fi

if [ -n "$sizes" ]; then
  # Each variant through this very script (same flags, same checks), then
  # one table of what a browser loads (idbridge.js + idbridge_bg.wasm).
  self=./$(basename "$0") # the script's own folder is the working directory
  "$self" $fast
  "$self" $fast --schemes saml
  "$self" $fast --schemes webeid
  "$self" $fast --schemes saml,webeid
  payload() { echo $(( $(gzip -9c "$1/idbridge.js" | wc -c) + $(gzip -9c "$1/idbridge_bg.wasm" | wc -c) )); }
  kb() { printf '%d.%d KB' $(($1 / 1000)) $(($1 % 1000 / 100)); }
  echo
  echo "gzipped, what a browser loads (idbridge.js + idbridge_bg.wasm)${fast:+, --fast}:"
  printf '  %-26s %-16s %12s %12s\n' package folder bytes size
  for row in "whole (saml, webeid, oidc):pkg" "SAML + Web eID (no oidc):pkg-saml-webeid" "SAML only (saml):pkg-saml" "Web eID only (webeid):pkg-webeid"; do
    dir=${row##*:}
    n=$(payload "$dir")
    printf '  %-26s %-16s %12d %12s\n' "${row%:*}" "wasm/$dir" "$n" "$(kb "$n")"
  done
  exit 0
fi

if [ "${#chosen[@]}" -eq 0 ]; then
  out=pkg
  features=()
else
  out=pkg-$(IFS=-; echo "${chosen[*]}")
  features=(--no-default-features --features "$(IFS=,; echo "${chosen[*]}")")
fi

wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' ../Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  echo "wasm-bindgen-cli $wb_version is required (cargo install wasm-bindgen-cli --version $wb_version)" >&2
  exit 1
fi
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/tsc ] || [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

cargo build "${profile[@]}" --profile wasm-release -p idbridge-wasm --target wasm32-unknown-unknown --locked ${features[@]+"${features[@]}"}
rm -rf "$out"
wasm-bindgen --target web --out-dir "$out" --out-name idbridge \
  "${CARGO_TARGET_DIR:-../target}/wasm32-unknown-unknown/wasm-release/idbridge_wasm.wasm"
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$out/idbridge_bg.wasm" -o "$out/idbridge_bg.opt.wasm"
mv "$out/idbridge_bg.opt.wasm" "$out/idbridge_bg.wasm"
rm -f "$out/.gitignore"

# The error codes and algorithm ids as TypeScript unions, from the build itself.
OUT=$out node --input-type=module -e '
  import { readFileSync, appendFileSync } from "node:fs";
  const out = process.env.OUT;
  const { initSync, errorCodes, algorithms } = await import("./" + out + "/idbridge.js");
  initSync({ module: readFileSync(out + "/idbridge_bg.wasm") });
  const union = (xs) => xs.map((x) => JSON.stringify(x)).join("\n  | ");
  appendFileSync(out + "/idbridge.d.ts",
    "\n/** Every stable error code (see errorCodes()). */\nexport type ErrorCode =\n  | " + union(errorCodes()) + ";\n" +
    "\n/** Every signature algorithm id (see algorithms()). */\nexport type SignatureAlgorithm =\n  | " + union(algorithms()) + ";\n");
'
cp pkg-template/node.js pkg-template/node.d.ts "$out/"
if [ "$out" = pkg ]; then
  # The declarations compile, strictly, and reject wrong uses (types-test.ts).
  node_modules/.bin/tsc -p tsconfig.json
else
  # A package with fewer schemes: its declarations compile, strictly
  # (types-test.ts uses every scheme's exports).
  node_modules/.bin/tsc --strict --noEmit --skipLibCheck false --target ES2022 --module ES2022 \
    --moduleResolution bundler --lib ES2022,DOM,ESNext.Disposable "$out/idbridge.d.ts" "$out/node.d.ts"
fi
cp README.md "$out/README.md"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' ../Cargo.toml | head -1)
sed "s/@VERSION@/$version/" pkg-template/package.json > "$out/package.json"

# Size, gzip -9: every file; the budget applies to what a browser loads
# (idbridge.js + idbridge_bg.wasm), the whole package is printed too.
total=0
payload=0
for f in "$out"/*; do
  gz=$(gzip -9c "$f" | wc -c)
  total=$((total + gz))
  case ${f#"$out"/} in idbridge.js|idbridge_bg.wasm) payload=$((payload + gz)) ;; esac
  printf '  %-28s %8d bytes, %7d gzipped\n' "${f#"$out"/}" "$(wc -c < "$f")" "$gz"
done
kb() { printf '%d.%d KB' $(($1 / 1000)) $(($1 % 1000 / 100)); }
echo "idbridge package (wasm/$out, schemes: ${chosen[*]:-${all_schemes[*]}}): $(kb "$total") gzipped in all; loaded by a browser (idbridge.js + idbridge_bg.wasm): $(kb "$payload") gzipped; budget ${budget_kb} KB, target ${target_kb} KB"
# The budget is a page's: --fast (for Node services) spends bytes on speed
# on purpose, so it is held to the page budget plus what that trade was
# measured to cost (24.8 KB, wasm/README.md "Performance"), rounded up.
fast_allowance_kb=30
limit_kb=$budget_kb
[ -z "$fast" ] || limit_kb=$((budget_kb + fast_allowance_kb))
if [ "$payload" -gt $((limit_kb * 1000)) ]; then
  echo "FAIL: the package is over its budget of $limit_kb KB gzipped${fast:+ (the page budget + $fast_allowance_kb KB for --fast)}" >&2
  exit 1
fi
if [ "$payload" -gt $((target_kb * 1000)) ]; then
  echo "NOTE: above issue 6's target of $target_kb KB (wasm/README.md, Size)"
fi
