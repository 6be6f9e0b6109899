#!/usr/bin/env python3
"""The browser for the oidc-peer stage: drives logins through examples/oidc-rp
against the local spid-cie-oidc OpenID Provider (../shared/tools/oidc-peer),
and the negative end-to-end cases.

    oidc-peer-login.py --rp URL --op URL --op-log FILE --profile cie|spid \
        --cases login,replay,wrong-state | wrong-nonce,tampered-userinfo

Runs with the peer's venv (it has `requests`). Each browser is a
requests.Session (its own cookie jar); redirects are followed by hand so that
every hop is checked. Prints one line per case, `PASS name` or
`FAIL name: why`, then `cases: N passed, M failed`; exits 1 when M > 0.
Every URL must be on 127.0.0.1.
"""
import argparse
import html
import re
import secrets
import sys
import urllib.parse

import requests

USER, PASSWORD = "user", "oidcuser"
# The peer's test user (README of ../shared/tools/oidc-peer).
EXPECTED = {
    "subject_id": "TINIT-RSSMRA80A01H501U",
    "given_name": "Mario",
    "family_name": "Rossi",
}


class Failed(Exception):
    pass


def loopback(url):
    if urllib.parse.urlsplit(url).hostname != "127.0.0.1":
        raise Failed(f"refusing non-loopback URL {url[:200]}")
    return url


def get(browser, url, **kw):
    return browser.get(loopback(url), allow_redirects=False, timeout=60, **kw)


def form_value(page, name):
    m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), page)
    if not m:
        raise Failed(f"the OP's page has no {name} field")
    return html.unescape(m.group(1))


def start(browser, rp, hook=None):
    """GET RP/login: returns (the OP authorization URL, the state cookie)."""
    r = get(browser, rp + "/login", params={"test_hook": hook} if hook else None)
    if r.status_code != 302:
        raise Failed(f"/login answered {r.status_code}: {error_code(r) or r.text[:200]}")
    state = browser.cookies.get("oidc_state")
    if not state:
        raise Failed("/login set no oidc_state cookie")
    return r.headers["Location"], state


def at_op(browser, authz_url):
    """The user at the OP: login form, consent; returns the callback URL."""
    r = get(browser, authz_url)
    if r.status_code != 200:
        raise Failed(f"OP authorization answered {r.status_code}: {r.headers.get('Location', r.text[:300])}")
    form = {
        "csrfmiddlewaretoken": form_value(r.text, "csrfmiddlewaretoken"),
        "authz_request_object": form_value(r.text, "authz_request_object"),
        "username": USER,
        "password": PASSWORD,
    }
    endpoint = authz_url.split("?", 1)[0]
    r = browser.post(loopback(endpoint), data=form, headers={"Referer": authz_url},
                     allow_redirects=False, timeout=60)
    if r.status_code != 302:
        raise Failed(f"OP login form answered {r.status_code}")
    consent = urllib.parse.urljoin(endpoint, r.headers["Location"])
    r = get(browser, consent)
    csrf = form_value(r.text, "csrfmiddlewaretoken")
    r = browser.post(loopback(consent), data={"csrfmiddlewaretoken": csrf, "agree": "True"},
                     headers={"Referer": consent}, allow_redirects=False, timeout=60)
    if r.status_code != 302:
        raise Failed(f"OP consent answered {r.status_code}")
    return r.headers["Location"]


def error_code(r):
    m = re.search(r'<code id="error">([^<]*)</code>', r.text)
    return html.unescape(m.group(1)) if m else None


def expect_refused(r, code, what):
    got = error_code(r)
    if r.status_code == 200 or got != code:
        raise Failed(f"{what}: expected {code}, got HTTP {r.status_code} {got}")


def expect_identity(r, profile):
    if r.status_code != 200:
        raise Failed(f"callback answered {r.status_code} {error_code(r)}")
    for field, want in EXPECTED.items():
        m = re.search(r'<td id="%s">([^<]*)</td>' % field, r.text)
        got = html.unescape(m.group(1)) if m else None
        if got != want:
            raise Failed(f"identity {field}: {got!r}, expected {want!r}")
    if not re.search(r'<td id="level">[^<]+</td>', r.text):
        raise Failed("identity page has no level")


def token_posts(op_log):
    with open(op_log, encoding="utf-8", errors="replace") as f:
        return sum(1 for line in f if "POST /oidc/op/token" in line)


def with_query(url, **changes):
    parts = urllib.parse.urlsplit(url)
    q = dict(urllib.parse.parse_qsl(parts.query))
    q.update(changes)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(q)))


def query(url):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


# ---------------------------------------------------------------- the cases
def case_login(a, ctx):
    b = requests.Session()
    authz, _ = start(b, a.rp)
    cb = at_op(b, authz)
    if not cb.startswith(a.rp + "/callback?"):
        raise Failed(f"the OP redirected to {cb[:200]}")
    r = get(b, cb)
    expect_identity(r, a.profile)
    ctx["callback"] = cb


def case_replay(a, ctx):
    """The same callback again, with the state cookie it came with: the state
    was consumed, so our RP refuses before the code could be redeemed again
    (the peer would redeem it: README, "Leniency"); the OP sees no second
    token request."""
    cb = ctx.get("callback")
    if not cb:
        raise Failed("no earlier login to replay")
    before = token_posts(a.op_log)
    b = requests.Session()
    b.cookies.set("oidc_state", query(cb)["state"], domain="127.0.0.1", path="/")
    r = get(b, cb)
    expect_refused(r, "oidc.state.unknown", "replayed callback")
    after = token_posts(a.op_log)
    if after != before:
        raise Failed(f"the OP saw {after - before} token request(s) during the replay")


def case_wrong_state(a, ctx):
    """A callback whose state is not the browser's (mismatch), one whose
    state was never issued (unknown); neither spends the real state, whose
    login then completes."""
    b = requests.Session()
    authz, state = start(b, a.rp)
    cb = at_op(b, authz)
    forged = state[:-1] + ("A" if state[-1] != "A" else "B")
    expect_refused(get(b, with_query(cb, state=forged)), "oidc.state.mismatch", "altered state")
    other = requests.Session()
    unknown = secrets.token_urlsafe(32)
    other.cookies.set("oidc_state", unknown, domain="127.0.0.1", path="/")
    expect_refused(get(other, with_query(cb, state=unknown)), "oidc.state.unknown", "state never issued")
    expect_refused(get(requests.Session(), cb), "oidc.state.mismatch", "callback in a browser without the cookie")
    expect_identity(get(b, cb), a.profile)


def case_wrong_nonce(a, ctx):
    """Login A is started; login B (another browser) completes at the OP; B's
    code is delivered to A's browser with A's state (code injection). With the
    fixed-PKCE test hook on both, the OP's PKCE check passes, so the ID token
    (nonce of B) reaches our checks: refused with oidc.nonce.mismatch."""
    victim = requests.Session()
    _, state_a = start(victim, a.rp, "fixed-pkce")
    attacker = requests.Session()
    authz_b, _ = start(attacker, a.rp, "fixed-pkce")
    cb_b = at_op(attacker, authz_b)
    injected = with_query(cb_b, state=state_a)
    expect_refused(get(victim, injected), "oidc.nonce.mismatch", "code of another login")


def case_tampered_userinfo(a, ctx):
    """A full login whose UserInfo JWE gets one ciphertext byte changed on
    its way to the checks (test hook): refused with jwe.decryption.failed."""
    b = requests.Session()
    authz, _ = start(b, a.rp, "tamper-userinfo")
    cb = at_op(b, authz)
    expect_refused(get(b, cb), "jwe.decryption.failed", "tampered UserInfo")


CASES = {
    "login": case_login,
    "replay": case_replay,
    "wrong-state": case_wrong_state,
    "wrong-nonce": case_wrong_nonce,
    "tampered-userinfo": case_tampered_userinfo,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rp", required=True)
    ap.add_argument("--op", required=True)
    ap.add_argument("--op-log", required=True)
    ap.add_argument("--profile", required=True)
    ap.add_argument("--cases", required=True)
    a = ap.parse_args()
    a.rp = loopback(a.rp.rstrip("/"))
    passed = failed = 0
    ctx = {}
    for name in a.cases.split(","):
        label = f"{a.profile}/{name}"
        try:
            CASES[name](a, ctx)
            print(f"PASS {label}")
            passed += 1
        except (Failed, requests.RequestException, KeyError) as e:
            print(f"FAIL {label}: {type(e).__name__}: {e}")
            failed += 1
        sys.stdout.flush()
    print(f"cases: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
