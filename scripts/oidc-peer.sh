#!/usr/bin/env bash
# The oidc-peer stage of scripts/test-all.sh, runnable alone:
#
#   scripts/oidc-peer.sh
#
# Starts the reference implementation's Trust Anchor and OpenID Provider
# (spid-cie-oidc from PyPI, ../shared/tools/oidc-peer/up.sh) on 127.0.0.1,
# builds and starts examples/oidc-rp, onboards it at the Trust Anchor, and
# drives logins through it with scripts/oidc-peer-login.py, for the `cie` and
# the `spid` profile of the OP (PEER_OP_PROFILE; the peer is restarted
# between them):
#   login              a full login (PKCE, private_key_jwt, signed and
#                      encrypted UserInfo) ending on the identity page
#   replay             the same callback again: oidc.state.unknown, and the
#                      OP sees no second token request
#   wrong-state        an altered state (oidc.state.mismatch), a state never
#                      issued (oidc.state.unknown), a browser without the
#                      state cookie; then the real callback still logs in
#   wrong-nonce        another login's code injected into this login's
#                      callback (oidc.nonce.mismatch)        [test hooks]
#   tampered-userinfo  one byte of the UserInfo JWE changed on its way to
#                      the checks (jwe.decryption.failed)    [test hooks]
# The two last run against the same RP restarted with --insecure-test-hooks
# (a build with the insecure-test-hooks feature): a fixed PKCE verifier, so
# that the injected code passes the OP's PKCE check and only the nonce
# check is left to refuse it; and the UserInfo tamper. Every other check is
# the normal RP's.
#
# The RP runs with --userinfo-iss-aud-optional (the reference OP's signed
# UserInfo has no iss/aud; checked when present) and --claims cie (its test
# user holds the CIE attribute names): examples/oidc-rp/README.md.
#
# Prints `oidc-peer: N logins passed, M failed` and fails when M > 0 or a
# server does not start. Every server is stopped by its PID on exit.
# Without ../shared (IDBRIDGE_SHARED_DIR): a SKIPPED line, or a failure
# when CI is set. State (the peer's venv, its databases and logs, the RP's
# keys, made afresh on every run) lives in target/oidc-peer/. Ports:
# OIDC_PEER_PORTS="TA OP RP" (default "18000 18002 18011").
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

shared_dir="${IDBRIDGE_SHARED_DIR:-../shared}"
peer="$shared_dir/tools/oidc-peer"
if [ ! -x "$peer/up.sh" ]; then
  if [ -n "${CI:-}" ] && [ "$CI" != false ] && [ "$CI" != 0 ]; then
    echo "$peer is missing and CI is set: the oidc-peer stage must run in CI (IDBRIDGE_SHARED_DIR)" >&2
    exit 1
  fi
  echo "SKIPPED oidc-peer: $peer is not here (the reference TA + OP come from ../shared)"
  exit 0
fi
peer="$(cd "$peer" && pwd)"
for tool in python3 curl; do
  command -v "$tool" >/dev/null || { echo "oidc-peer needs $tool" >&2; exit 1; }
done

read -r TA_PORT OP_PORT RP_PORT <<<"${OIDC_PEER_PORTS:-18000 18002 18011}"
TA="http://127.0.0.1:$TA_PORT"
OP="http://127.0.0.1:$OP_PORT/oidc/op"
RP="http://127.0.0.1:$RP_PORT"
work=target/oidc-peer
mkdir -p "$work"
work="$(cd "$work" && pwd)"
rp_bin="${CARGO_TARGET_DIR:-target}/debug/oidc-rp"

started=$(date +%s)
say() { printf '==> [%ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

rp_pid=""
peer_up=""
stop_rp() {
  if [ -n "$rp_pid" ]; then
    kill "$rp_pid" 2>/dev/null || true
    wait "$rp_pid" 2>/dev/null || true
  fi
  rp_pid=""
}
stop_peer() {
  if [ -n "$peer_up" ]; then "$peer/down.sh" "$work" >/dev/null 2>&1 || true; fi
  peer_up=""
}
cleanup() { stop_rp; stop_peer; }
trap cleanup EXIT

# The workspace's feature set, as the native stage's `cargo test --workspace
# --all-features` builds it (insecure-test-hooks is among them): after that
# stage this only links the binary, where a release build of the example
# alone compiled idbridge and its dependencies once more.
say "building examples/oidc-rp (the workspace's features, with insecure-test-hooks)"
cargo build --locked --workspace --all-features --bin oidc-rp

# Fresh RP keys on every run, as on a clean CI checkout: a local run then
# takes the same first-start path (key generation) that CI takes.
rm -rf "$work/rp-keys"

reset=()
if [ -f "$work/peer.env" ] && ! grep -qx "TA_PORT=$TA_PORT" "$work/peer.env"; then reset=(--reset); fi
if [ -f "$work/peer.env" ] && ! grep -qx "OP_PORT=$OP_PORT" "$work/peer.env"; then reset=(--reset); fi

start_rp() {  # extra flags...
  if (exec 3<>"/dev/tcp/127.0.0.1/$RP_PORT") 2>/dev/null; then echo "port $RP_PORT is busy" >&2; exit 1; fi
  "$rp_bin" --client-id "$RP" --trust-anchor "$TA" --trust-anchor-jwks "$work/ta-jwks.json" \
    --op "$OP" --keys "$work/rp-keys" --name "idbridge oidc-rp" --system "$profile" --claims cie \
    --userinfo-iss-aud-optional "$@" >>"$work/rp.log" 2>&1 &
  rp_pid=$!
  # Up to 120 s while the process lives: a first start makes three RSA keys
  # (about a second; its log says so), and a fresh CI machine is slower
  # than a warm one. A process that exits ends the wait at once.
  local waited=0
  while [ "$waited" -lt 1200 ]; do
    curl -sf -o /dev/null "$RP/.well-known/openid-federation" && return 0
    kill -0 "$rp_pid" 2>/dev/null || break
    sleep 0.1
    waited=$(( waited + 1 ))
  done
  tail -20 "$work/rp.log" >&2
  if kill -0 "$rp_pid" 2>/dev/null; then
    echo "examples/oidc-rp did not answer at $RP within 120 s" >&2
  else
    echo "examples/oidc-rp exited before answering at $RP" >&2
  fi
  exit 1
}

passed=0
failed=0
run_cases() {  # profile cases
  local out rc=0
  out=$("$work/venv/bin/python" scripts/oidc-peer-login.py --rp "$RP" --op "$OP" \
    --op-log "$work/op.log" --profile "$1" --cases "$2") || rc=$?
  printf '%s\n' "$out" | grep -v '^cases: '
  passed=$(( passed + $(printf '%s\n' "$out" | grep -c '^PASS ' || true) ))
  failed=$(( failed + $(printf '%s\n' "$out" | grep -c '^FAIL ' || true) ))
  if [ "$rc" != 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL '; then
    echo "oidc-peer-login.py exited $rc without a verdict" >&2
    failed=$(( failed + 1 ))
  fi
}

for profile in cie spid; do
  say "the reference TA + OP, profile $profile (../shared/tools/oidc-peer/up.sh; installs its venv from PyPI on the first run)"
  PEER_OP_PROFILE=$profile "$peer/up.sh" "$work" "$TA_PORT" "$OP_PORT" "${reset[@]}" | sed -n '1,/^== up/p'
  peer_up=1
  reset=()
  # The trust anchor's keys are the RP's trust material: taken once, here,
  # from the local TA we just started (a service configures them).
  curl -sf "$TA/.well-known/openid-federation" | "$work/venv/bin/python" -c '
import base64, json, sys
p = sys.stdin.read().split(".")[1]
print(json.dumps(json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))["jwks"]))' >"$work/ta-jwks.json"

  say "examples/oidc-rp at $RP: onboarding at the TA"
  start_rp
  "$peer/onboard.sh" "$work" "$RP" --name "idbridge oidc-rp" >/dev/null
  "$peer/forget.sh" "$work" "$RP" >/dev/null
  say "logins, profile $profile"
  run_cases "$profile" login,replay,wrong-state
  stop_rp
  say "examples/oidc-rp restarted with --insecure-test-hooks"
  start_rp --insecure-test-hooks
  run_cases "$profile" wrong-nonce,tampered-userinfo
  stop_rp
  stop_peer
done

say "done"
echo "oidc-peer: $passed logins passed, $failed failed"
[ "$failed" = 0 ]
