#!/usr/bin/env bash
# idbridge's test command: installs what a fresh Debian machine lacks, then
# runs every check CI runs. Usage (from anywhere): scripts/test-all.sh
#
# Installs when missing: the wasm32-unknown-unknown target, rustfmt and
# clippy, wasm-bindgen-cli at the version Cargo.lock pins, Node.js, and
# Debian's chromium + chromium-driver (needs root, as CI and the dev
# machines run). Then: formatting, clippy -D warnings (native, all feature
# sets that matter, and wasm32), every native test (the public suites in
# ../shared/vectors included when present), vector reproducibility, the
# vectors through the CLI, and the WASM tests in Node and headless Chromium.
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
started=$(date +%s)
step() { printf '\n==> [%ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

# ---------------------------------------------------------------- installs
step "prerequisites"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  rustup component list --installed | grep -q "^$component" || rustup component add "$component"
done

# wasm-bindgen-cli must match the wasm-bindgen crate exactly (Cargo.lock).
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wb_version" ]; then echo "cannot find wasm-bindgen in Cargo.lock" >&2; exit 1; fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  step "installing wasm-bindgen-cli $wb_version (about 3.5 minutes)"
  # Not --locked: the CLI's own lock file names a yanked crate.
  cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

apt_missing=()
command -v node >/dev/null 2>&1 || apt_missing+=(nodejs)
command -v npm >/dev/null 2>&1 || apt_missing+=(npm)
[ -x /usr/bin/chromium ] || apt_missing+=(chromium)
[ -x /usr/bin/chromedriver ] || apt_missing+=(chromium-driver)
command -v redis-server >/dev/null 2>&1 || apt_missing+=(redis-server)
if [ ${#apt_missing[@]} -gt 0 ]; then
  step "installing ${apt_missing[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

# ------------------------------------------------------------------ checks
step "cargo fmt --check"
cargo fmt --all --check
cargo fmt --manifest-path fuzz/Cargo.toml --all --check

step "clippy, native, all features (aws-lc-rs + ring; idbridge-vectors with bench + fuzz)"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings
step "clippy, native, RustCrypto only"
cargo clippy -p idbridge --all-targets --no-default-features --locked -- -D warnings
step "clippy, wasm32"
cargo clippy -p idbridge -p idbridge-wasm --lib --tests --target wasm32-unknown-unknown --locked -- -D warnings
step "fuzz targets compile"
cargo check --manifest-path fuzz/Cargo.toml --bins

# Redis for idbridge-store and the examples: a private server on a free
# loopback port from 6390, no persistence; REDIS_URL for the tests, which
# must run (IDBRIDGE_REQUIRE_REDIS=1: a missing server fails, never skips).
# The restart test starts its own redis-server children.
cleanup() {
  [ -n "${redis_dir:-}" ] && [ -f "$redis_dir/pid" ] && kill "$(cat "$redis_dir/pid")" 2>/dev/null
  rm -rf "${regen:-}" "${redis_dir:-}"
}
trap cleanup EXIT
redis_port=6390
while (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null; do redis_port=$((redis_port + 1)); done
redis_dir=$(mktemp -d)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --dir "$redis_dir" --pidfile "$redis_dir/pid" --logfile "$redis_dir/log"
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$redis_port" ping >/dev/null || { cat "$redis_dir/log"; echo "redis-server did not start" >&2; exit 1; }
export REDIS_URL="redis://127.0.0.1:$redis_port" IDBRIDGE_REQUIRE_REDIS=1

step "native tests (every backend; ../shared/vectors when present; Redis at $REDIS_URL)"
cargo test --workspace --all-features --locked

step "the vector generator reproduces test-vectors/ byte for byte"
regen=$(mktemp -d)
cargo run --quiet --release --locked -p idbridge-vectorgen -- vectors test-vectors/keys "$regen/signature"
diff -r test-vectors/signature "$regen/signature"
cargo run --quiet --release --locked -p idbridge-vectorgen -- webeid "$regen/webeid"
diff -r test-vectors/webeid "$regen/webeid"

step "the Python generators (lxml = libxml2, an independent c14n) reproduce their vectors"
python3 -m pip install --quiet --disable-pip-version-check -r test-vectors/xmldsig/requirements.txt
python3 test-vectors/c14n/generate.py >/dev/null
python3 test-vectors/xmldsig/generate.py >/dev/null
python3 test-vectors/saml-generator/generate.py >/dev/null
python3 test-vectors/saml-generator/sign_registry.py >/dev/null
python3 test-vectors/limits/generate.py >/dev/null
git diff --exit-code --stat -- test-vectors/c14n test-vectors/xmldsig test-vectors/spid test-vectors/cie test-vectors/limits
test -z "$(git status --porcelain -- test-vectors)" || { git status --short -- test-vectors; exit 1; }

step "vectors through the CLI (the README's main command)"
cargo run --release -p idbridge-cli -- vectors test-vectors

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
# Node 18 (Debian 12's) keeps globalThis.crypto (WebCrypto) behind a flag.
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 19 ] || export NODE_OPTIONS="--experimental-global-webcrypto"
step "WASM tests in Node"
cargo test --profile wasm-test -p idbridge-wasm --target wasm32-unknown-unknown --locked
step "WASM tests in headless Chromium"
WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --profile wasm-test -p idbridge-wasm --target wasm32-unknown-unknown --locked

# The browser package (issue 6): built with its one command, which prints
# its gzipped size and fails past its budget; then the demo page clicked
# through in headless Chromium (playwright-core from wasm/package-lock.json).
step "WASM package: wasm/build-pkg.sh (size budget)"
wasm/build-pkg.sh
step "the built package: every vector on both paths, Node and headless Chromium"
node wasm/test-pkg.mjs
step "browser demo in headless Chromium (Playwright)"
node examples/browser/test.mjs target/browser-demo/demo.png

# A short fuzz smoke: every target from its seeds (libFuzzer needs nightly
# and cargo-fuzz; the corpus replay in `cargo test` covers stable).
if rustup toolchain list | grep -q '^nightly'; then
  command -v cargo-fuzz >/dev/null 2>&1 || { step "installing cargo-fuzz (about a minute)"; cargo install cargo-fuzz --locked; }
  step "fuzz smoke: each target 20 s from its seeds"
  fuzz/seed.sh >/dev/null
  for target in $(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^idbridge-fuzz$'); do
    dict=""
    case $target in
      saml_*|xml_*) dict="-dict=fuzz/dict/xml.dict" ;;
      webeid_*|vector_*) dict="-dict=fuzz/dict/json.dict" ;;
    esac
    (cd fuzz && cargo +nightly fuzz run "$target" -- -max_total_time=20 -rss_limit_mb=4096 $(echo $dict | sed 's|fuzz/||') >/tmp/fuzz-smoke-$target.log 2>&1) \
      || { tail -40 /tmp/fuzz-smoke-$target.log; echo "fuzz target $target failed"; exit 1; }
    echo "fuzz $target: $(grep DONE /tmp/fuzz-smoke-$target.log | tail -1 | awk '{print $1 " execs, " $3 " " $4}')"
  done
else
  echo "SKIPPED fuzz smoke: no nightly toolchain on this machine (the corpus replay in cargo test still ran)"
fi

step "all checks passed"
