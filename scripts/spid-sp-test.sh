#!/usr/bin/env bash
# The spid-sp-test stage of scripts/test-all.sh, runnable alone:
#
#   scripts/spid-sp-test.sh
#
# Runs Developers Italia's official SP test tool, spid-sp-test (PyPI,
# through ../shared/tools/spid-sp-test/run.sh: metadata, AuthnRequest and
# every Response test), against examples/spid-acs trusting the tool's test
# IdP, for the spid-sp-public and cie-sp-public profiles, each with the
# HTTP-POST and the HTTP-Redirect binding: four runs, each ending with the
# harness's line `spid-sp-test: N passed, M failed` (a stage the tool
# skipped counts as failed there). Fails when any run has a failure or
# the SP does not start. Every SP is stopped by its PID on exit.
#
# Without ../shared (IDBRIDGE_SHARED_DIR): a SKIPPED line, or a failure
# when CI is set. The tool's venv and reports: SPID_SP_TEST_HOME (default
# target/spid-sp-test/). Ports: SPID_SP_TEST_PORT (default 18101, +1 per run).
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

shared_dir="${IDBRIDGE_SHARED_DIR:-../shared}"
tool="$shared_dir/tools/spid-sp-test/run.sh"
if [ ! -x "$tool" ]; then
  if [ -n "${CI:-}" ] && [ "$CI" != false ] && [ "$CI" != 0 ]; then
    echo "$tool is missing and CI is set: the spid-sp-test stage must run in CI (IDBRIDGE_SHARED_DIR)" >&2
    exit 1
  fi
  echo "SKIPPED spid-sp-test: $tool is not here (the harness comes from ../shared)"
  exit 0
fi
command -v curl >/dev/null || { echo "spid-sp-test needs curl" >&2; exit 1; }

target_dir="${CARGO_TARGET_DIR:-target}"
export SPID_SP_TEST_HOME="${SPID_SP_TEST_HOME:-$PWD/target/spid-sp-test}"
state="$SPID_SP_TEST_HOME/runs"
mkdir -p "$state"
port="${SPID_SP_TEST_PORT:-18101}"

# The workspace's feature set (what the native stage's `cargo test
# --workspace --all-features` builds): after that stage this only links
# the binary, where `-p idbridge-example-spid-acs` alone would compile
# idbridge again with the example's own features.
cargo build -q --locked --workspace --all-features --bin spid-acs
sp_bin="$target_dir/debug/spid-acs"
"$tool" --idp-metadata "$state/idp.xml" >/dev/null 2>&1

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

failed=0
for profile in spid-sp-public cie-sp-public; do
  federation=spid
  [ "$profile" = cie-sp-public ] && federation=cie
  for binding in post redirect; do
    base="http://127.0.0.1:$port"
    # The tool is one client that asks /login for an AuthnRequest once per
    # Response test (111) and for its AuthnRequest checks, within seconds:
    # more than the default per-client budget (100 at once, 60 a minute;
    # examples/serve/src/ops.rs, tested there), which answers 429. The
    # budget is raised for this one client; every other setting is the
    # default.
    "$sp_bin" --listen "127.0.0.1:$port" --sp-entity-id "$base" --acs-url "$base/acs" \
      --idp-metadata "$state/idp.xml" --profile "$federation" --binding "$binding" \
      --rate-burst 1000 \
      >"$state/sp-$profile-$binding.log" 2>&1 &
    pids+=("$!")
    for _ in $(seq 50); do
      curl -fs -o /dev/null "$base/metadata" && break
      sleep 0.2
    done
    curl -fs -o /dev/null "$base/metadata" || { cat "$state/sp-$profile-$binding.log"; echo "spid-acs did not start" >&2; exit 1; }
    log="$state/tool-$profile-$binding.log"
    if ! "$tool" --metadata-url "$base/metadata" \
        --authn-url "$base/login?idp=https://localhost:8443" \
        --profile "$profile" --out "$SPID_SP_TEST_HOME/out-$profile-$binding" >"$log" 2>&1; then
      failed=1
      grep -E '^ *FAIL' "$log" || tail -20 "$log"
    fi
    echo "$profile $binding: $(grep -E '^(metadata|authnrequest|response):' "$log" | sed 's/ (0 warnings)//' | paste -sd ";" - | sed 's/;/; /g')"
    echo "$profile $binding: $(grep '^spid-sp-test:' "$log" || echo 'spid-sp-test: no result')"
    kill "${pids[-1]}" 2>/dev/null || true
    port=$((port + 1))
  done
done
exit "$failed"
