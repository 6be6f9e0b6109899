// The demo page: loads the idbridge package, prefills from the test
// vectors, verifies what is in the form and shows the identity or the
// error code with its reason. Three tabs: Web eID, SPID / CIE, and a
// wallet's presentation (SD-JWT VC or mdoc, alone or in an OpenID4VP
// response).
import init, {
  Trust,
  verifyWebEidToken,
  verifyWebEidTokenSync,
  verifySpidResponse,
  verifySpidResponseSync,
  verifyCieResponse,
  verifyCieResponseSync,
  verifySdJwtVc,
  verifySdJwtVcSync,
  verifyOpenid4vpResponse,
  verifyOpenid4vpResponseSync,
  sdJwtVcStatusList,
  verifyMdoc,
  verifyMdocSync,
  webCryptoAvailable,
  version,
} from "../../wasm/pkg/idbridge.js";

const $ = (id) => document.getElementById(id);
const text = async (path) => {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  return r.text();
};
const bytes = async (path) => new Uint8Array(await (await fetch(path)).arrayBuffer());
const base64 = (s) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));

// The examples: a vector file's group context, and one valid and one
// invalid case of it (the invalid one's expected code is in the vector).
const V = "../../test-vectors/";
const examples = {
  webeid: {
    vector: "webeid/signature.json",
    valid: { file: "tokens/es384.token" },
    // The genuine token checked against another origin: its signature
    // covers the origin, so it no longer verifies.
    invalid: { file: "tokens/es384.token", origin: "https://evil.idbridge.test" },
  },
  saml: {
    vector: "spid/valid.json",
    valid: { file: "responses/valid.xml" },
    // A Response whose Assertion signature was made by a stranger.
    invalid: { file: "responses/stranger-both-keyinfo.xml" },
  },
  wallet: {
    vector: "sd-jwt-vc/generated.json",
    valid: { file: "presentations/valid.txt" },
    // given_name re-encoded with another value: its digest is nowhere.
    invalid: { file: "presentations/tampered.txt" },
  },
  // The OpenID4VP group of test-vectors/mdoc (an IT PID as the vp_token
  // entry a wallet posts); its context is the request the page rebuilds.
  mdoc: {
    vector: "mdoc/generated.json",
    valid: { file: "inputs/openid4vp-pid.b64u" },
    // given_name's value changed after the issuer signed its digest.
    invalid: { file: "inputs/openid4vp-pid-tampered.b64u" },
  },
};

// An error of the page's own checks, with the library's code of that rule.
const pageError = (code, message) => Object.assign(new Error(message), { code });

// The wallet tab's credential formats, by the OpenID4VP format identifier
// (the selector shows the label). Each verifies what was pasted (`kind`:
// "presentation", "direct_post" or "direct_post.jwt", those it lists) with
// its part of the form (`block`, `hint`) and returns { identity, extra }
// for the first credential; `prefill` puts its valid or invalid example in
// the form.
const walletFormats = {
  "dc+sd-jwt": {
    label: "SD-JWT VC (dc+sd-jwt)",
    kinds: ["presentation", "direct_post", "direct_post.jwt"],
    block: "wallet-sdjwt",
    hint: "An SD-JWT VC presentation (issuer JWT~disclosures~KB-JWT), or an OpenID4VP response body holding one.",
    prefill: (which) => prefillSdJwt(which),
    async verify(kind, input, webcrypto) {
      const options = walletOptions();
      if (kind === "presentation") {
        const v = webcrypto ? await verifySdJwtVc(input, options) : verifySdJwtVcSync(input, options);
        const { identity, ...extra } = v;
        return { identity, extra };
      }
      const o = { ...options, dcqlQuery: $("wallet-query").value, responseMode: kind };
      if (kind === "direct_post.jwt") o.decryptionKey = $("wallet-decryption-key").value;
      const r = webcrypto ? await verifyOpenid4vpResponse(input, o) : verifyOpenid4vpResponseSync(input, o);
      const [first] = Object.values(r.credentials).flat();
      return { identity: first.identity, extra: { state: r.state, credentials: r.credentials } };
    },
  },
  mso_mdoc: {
    label: "mdoc (mso_mdoc, ISO/IEC 18013-5)",
    kinds: ["presentation", "direct_post"],
    block: "wallet-mdoc",
    hint:
      "A DeviceResponse (base64url, as a wallet posts it), or an OpenID4VP vp_token holding one: " +
      '{"<query id>": ["<DeviceResponse>", …]} (OpenID4VP 1.0) or {"<query id>": "<DeviceResponse>"} (earlier drafts); ' +
      "or a direct_post body with that vp_token. Every presentation of the entry is verified.",
    prefill: (which) => prefillMdoc(which),
    async verify(kind, input, webcrypto) {
      const { presentations, queryId, state } = mdocPresentations(kind, input, $("mdoc-query-id").value.trim());
      const options = mdocOptions();
      const verified = [];
      for (const p of presentations) verified.push(webcrypto ? await verifyMdoc(p, options) : verifyMdocSync(p, options));
      const [first] = verified;
      const extra = { docTypes: verified.flatMap((v) => v.docTypes), namespaces: byNamespace(first.identity) };
      if (queryId !== undefined) Object.assign(extra, { queryId, presentations: verified.length });
      if (state !== undefined) extra.state = state;
      return { identity: first.identity, extra };
    },
  },
};

// The DeviceResponses in what was pasted. The package's OpenID4VP export
// reads dc+sd-jwt responses only, so the page unwraps an mdoc vp_token
// itself, with the library's codes for the same rules: a form body without
// one vp_token, or a vp_token of the wrong shape, is
// openid4vp.response.invalid; no entry for the query id is
// openid4vp.credential.missing. A bare DeviceResponse is passed as it is.
function mdocPresentations(kind, input, wantedId) {
  let token = input;
  let state;
  if (kind === "direct_post") {
    const form = new URLSearchParams(input);
    if (form.getAll("vp_token").length !== 1) {
      throw pageError("openid4vp.response.invalid", "the direct_post body must hold exactly one vp_token");
    }
    token = form.get("vp_token").trim();
    state = form.get("state") ?? null;
  }
  if (!/^[[{"]/.test(token)) {
    if (kind === "direct_post") throw pageError("openid4vp.response.invalid", "the vp_token is not a JSON object");
    return { presentations: [token], state };
  }
  let value;
  try {
    value = JSON.parse(token);
  } catch {
    throw pageError("openid4vp.response.invalid", "the vp_token is not JSON");
  }
  if (typeof value === "string") return { presentations: [value], state };
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw pageError("openid4vp.response.invalid", "the vp_token is not an object of query ids");
  }
  const ids = Object.keys(value);
  const queryId = wantedId || (ids.length === 1 ? ids[0] : "");
  if (!queryId) throw pageError("openid4vp.response.invalid", `the vp_token answers ${ids.length} queries: name the query id`);
  if (!Object.hasOwn(value, queryId)) throw pageError("openid4vp.credential.missing", `the vp_token has no entry "${queryId}"`);
  const entry = value[queryId];
  const presentations = typeof entry === "string" ? [entry] : entry;
  if (!Array.isArray(presentations) || presentations.length === 0 || !presentations.every((p) => typeof p === "string")) {
    throw pageError("openid4vp.response.invalid", `the vp_token entry "${queryId}" is not one or more presentation strings`);
  }
  return { presentations, queryId, state };
}

// The mdoc form's options (those of verifyMdoc).
function mdocOptions() {
  const pem = $("mdoc-iacas").value;
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? (pem.trim() ? [pem] : []);
  const kind = $("mdoc-handover").value;
  const v = (id) => $(id).value.trim();
  const handover = {
    openid4vp: () => ({
      kind,
      clientId: v("mdoc-client-id"),
      nonce: v("mdoc-nonce"),
      responseUri: v("mdoc-response-uri"),
      jwkThumbprint: v("mdoc-jwk-thumbprint") || null,
    }),
    "openid4vp-dc-api": () => ({ kind, origin: v("mdoc-origin"), nonce: v("mdoc-nonce"), jwkThumbprint: v("mdoc-jwk-thumbprint") || null }),
    "iso-18013-7": () => ({
      kind,
      clientId: v("mdoc-client-id"),
      responseUri: v("mdoc-response-uri"),
      nonce: v("mdoc-nonce"),
      mdocGeneratedNonce: v("mdoc-generated-nonce"),
    }),
    "session-transcript": () => ({ kind, sessionTranscript: v("mdoc-transcript") }),
  }[kind]();
  const options = { iacas: certs, docType: v("mdoc-doctype"), handover, now: v("mdoc-now") };
  if (v("mdoc-reader-key")) options.readerKey = v("mdoc-reader-key");
  return options;
}

// The identity's attributes ("<namespace>/<element>") by namespace.
function byNamespace(identity) {
  const out = {};
  for (const [key, value] of Object.entries(identity.attributes ?? {})) {
    const slash = key.indexOf("/");
    if (slash < 0) continue; // "doctype"
    (out[key.slice(0, slash)] ??= {})[key.slice(slash + 1)] = value;
  }
  return out;
}

let tab = "webeid";
let runs = 0; // verifications shown (data-run on #result, for the tests)
let vectorsCa; // the test vectors' issuing CA (DER)
const trusts = new Map(); // Trust objects, built once per trust setting

async function prefill(which) {
  delete document.body.dataset.loaded;
  if (tab === "webeid") {
    const e = examples.webeid;
    const group = JSON.parse(await text(V + e.vector)).testGroups[0];
    $("webeid-token").value = (await text(V + "webeid/" + e[which].file)).trim();
    $("webeid-origin").value = e[which].origin ?? group.context.origin;
    $("webeid-nonce").value = group.context.nonce;
    $("webeid-now").value = group.context.now;
    $("webeid-trust").value = "vectors";
  } else if (tab === "wallet") {
    await walletFormats[$("wallet-format").value].prefill(which);
  } else {
    const e = examples.saml;
    const group = JSON.parse(await text(V + e.vector)).testGroups[0];
    const c = group.context;
    $("saml-response").value = base64(await text(V + "spid/" + e[which].file));
    $("saml-metadata").value = await text(V + "spid/" + group.trust.idp_metadata[0]);
    $("saml-profile").value = "spid";
    $("saml-level").value = c.min_level;
    $("saml-sp").value = c.sp_entity_id;
    $("saml-acs").value = c.acs_url;
    $("saml-request").value = c.request_id;
    $("saml-request-instant").value = c.request_issue_instant;
    $("saml-now").value = c.now;
  }
  $("result").hidden = true;
  document.body.dataset.loaded = `${tab}:${which}`;
}

// The wallet example: a presentation of test-vectors/sd-jwt-vc, alone or
// wrapped as the response kind selected (direct_post: its vp_token in a
// form body; direct_post.jwt: test-vectors/openid4vp's encrypted body).
async function prefillSdJwt(which) {
  const e = examples.wallet;
  const group = JSON.parse(await text(V + e.vector)).testGroups[0];
  const c = group.context;
  const dir = V + "sd-jwt-vc/";
  const presentation = (await text(dir + e[which].file)).trim();
  const kind = $("wallet-input-kind").value;
  if (kind === "presentation") {
    $("wallet-input").value = presentation;
  } else if (kind === "direct_post") {
    $("wallet-input").value =
      "vp_token=" + encodeURIComponent(JSON.stringify({ pid: [presentation] })) + "&state=st-demo-1";
  } else {
    // Only the genuine response is at hand encrypted: the invalid example
    // is that body with one character of its ciphertext changed.
    const body = (await text(V + "openid4vp/direct-post-jwt.txt")).trim();
    const parts = body.split(".");
    parts[3] = (parts[3][0] === "A" ? "B" : "A") + parts[3].slice(1);
    $("wallet-input").value = which === "valid" ? body : parts.join(".");
  }
  $("wallet-query").value = (await text(V + "openid4vp/query.json")).trim();
  $("wallet-decryption-key").value = (await text(V + "keys/jwe/p256.jwk.json")).trim();
  const jwks = (await text(dir + group.trust.issuer_keys[0])).trim();
  $("wallet-trust").value =
    $("wallet-trust-kind").value === "metadata"
      ? JSON.stringify({ issuer: "https://issuer.idbridge.test", jwks: JSON.parse(jwks) }, null, 1)
      : jwks;
  $("wallet-vct").value = "urn:eudi:pid:it:1";
  $("wallet-nonce").value = c.nonce;
  $("wallet-aud").value = c.audience;
  $("wallet-now").value = c.now;
  const [uri, file] = Object.entries(group.trust.status_lists)[0];
  $("wallet-status-token").value = (await text(dir + file)).trim();
  $("wallet-status-keys").value = (await text(dir + group.trust.status_list_keys[0])).trim();
  $("wallet-status-check").checked = true;
  showStatusUri();
}

// The mdoc example: a DeviceResponse of test-vectors/mdoc's OpenID4VP
// group in a vp_token ({"pid": [it]}), or in a direct_post body; the
// request values (handover, docType, now) and the IACA are the group's.
async function prefillMdoc(which) {
  const e = examples.mdoc;
  const file = JSON.parse(await text(V + e.vector));
  const group = file.testGroups.find((g) => g.context.handover === "openid4vp");
  const c = group.context;
  const dir = V + "mdoc/";
  const token = JSON.stringify({ pid: [(await text(dir + e[which].file)).trim()] });
  $("wallet-input").value =
    $("wallet-input-kind").value === "direct_post" ? "vp_token=" + encodeURIComponent(token) + "&state=st-demo-1" : token;
  $("mdoc-query-id").value = "pid";
  $("mdoc-doctype").value = c.expected_doctype;
  $("mdoc-iacas").value = (await Promise.all(group.trust.anchors.map((a) => text(dir + a)))).join("").trim();
  $("mdoc-handover").value = c.handover;
  $("mdoc-client-id").value = c.client_id;
  $("mdoc-nonce").value = c.nonce;
  $("mdoc-response-uri").value = c.response_uri;
  $("mdoc-jwk-thumbprint").value = c.jwk_thumbprint ?? "";
  $("mdoc-origin").value = location.origin;
  $("mdoc-generated-nonce").value = "";
  $("mdoc-transcript").value = "";
  $("mdoc-reader-key").value = "";
  $("mdoc-now").value = c.now;
  showMdocHandover();
}

// Only the fields the chosen handover needs.
function showMdocHandover() {
  const kind = $("mdoc-handover").value;
  for (const el of document.querySelectorAll("#wallet-mdoc [data-handover]")) {
    el.hidden = !el.dataset.handover.split(" ").includes(kind);
  }
}

// The status list the pasted presentation names (read unverified, as
// sdJwtVcStatusList does: what to fetch), under the token box.
function showStatusUri() {
  let note = "";
  if ($("wallet-input-kind").value === "presentation" && $("wallet-format").value === "dc+sd-jwt") {
    try {
      const where = sdJwtVcStatusList($("wallet-input").value.trim());
      note = where ? `The credential names ${where.uri}, index ${where.idx} (unverified).` : "The credential names no status list.";
    } catch (e) {
      note = `(${e.code ?? e.message})`;
    }
  }
  $("wallet-status-uri").textContent = note;
}

// The wallet form's options (those of verifySdJwtVc). The status token is
// filed under its own `sub` (read unverified: the library checks that it
// is signed and that `sub` is the URI the credential names).
function walletOptions() {
  const trust = $("wallet-trust").value;
  const options = {
    nonce: $("wallet-nonce").value,
    audience: $("wallet-aud").value,
    now: $("wallet-now").value,
    statusCheck: $("wallet-status-check").checked ? "required" : "off",
  };
  if ($("wallet-trust-kind").value === "metadata") options.issuerMetadata = trust;
  else options.issuerKeys = trust;
  const vct = $("wallet-vct").value.split(",").map((v) => v.trim()).filter(Boolean);
  if (vct.length) options.acceptedVct = vct;
  const token = $("wallet-status-token").value.trim();
  if (token) {
    let sub = "";
    try {
      const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      sub = JSON.parse(atob(payload)).sub ?? "";
    } catch {
      // Not a JWT: the library says so when the credential needs the list.
    }
    options.statusLists = { [sub]: token };
  }
  const keys = $("wallet-status-keys").value.trim();
  if (keys) options.statusListKeys = keys;
  return options;
}

function showWalletKind() {
  const kind = $("wallet-input-kind").value;
  $("wallet-response").hidden = kind === "presentation";
  $("wallet-jwt").hidden = kind !== "direct_post.jwt";
}

// The chosen format's part of the form, and only the input kinds it takes.
function showWalletFormat() {
  const format = walletFormats[$("wallet-format").value];
  for (const f of Object.values(walletFormats)) $(f.block).hidden = f !== format;
  $("wallet-format-hint").textContent = format.hint;
  const kinds = $("wallet-input-kind");
  for (const o of kinds.options) o.disabled = !format.kinds.includes(o.value);
  if (!format.kinds.includes(kinds.value)) kinds.value = format.kinds[0];
  showWalletKind();
}

function webeidTrust() {
  const which = $("webeid-trust").value;
  if (!trusts.has(which)) {
    trusts.set(
      which,
      which === "vectors" ? Trust.builder().webeidAnchor(vectorsCa).build() : Trust.fromEmbedded(which),
    );
  }
  return trusts.get(which);
}

function samlTrust() {
  // Built once per metadata text, then reused.
  const xml = $("saml-metadata").value;
  const key = "saml:" + xml;
  if (!trusts.has(key)) trusts.set(key, Trust.builder().pinSamlIdpMetadata(xml).build());
  return trusts.get(key);
}

async function verify() {
  const webcrypto = document.querySelector("input[name=path]:checked").value === "webcrypto";
  const started = performance.now();
  let outcome;
  try {
    if (tab === "webeid") {
      const options = { origin: $("webeid-origin").value, nonce: $("webeid-nonce").value, now: $("webeid-now").value };
      const token = $("webeid-token").value;
      const trust = webeidTrust();
      const identity = webcrypto
        ? await verifyWebEidToken(trust, token, options)
        : verifyWebEidTokenSync(trust, token, options);
      outcome = { ok: true, identity, extra: {} };
    } else if (tab === "wallet") {
      const format = walletFormats[$("wallet-format").value];
      const kind = $("wallet-input-kind").value;
      if (!format.kinds.includes(kind)) throw Object.assign(new Error(`${format.label} has no ${kind}`), { code: "config.invalid" });
      const { identity, extra } = await format.verify(kind, $("wallet-input").value.trim(), webcrypto);
      outcome = { ok: true, identity, extra };
    } else {
      const options = {
        spEntityId: $("saml-sp").value,
        acsUrl: $("saml-acs").value,
        requestId: $("saml-request").value,
        requestIssueInstant: $("saml-request-instant").value,
        now: $("saml-now").value,
        minLevel: $("saml-level").value,
      };
      const response = $("saml-response").value.trim();
      const trust = samlTrust();
      const cie = $("saml-profile").value === "cie";
      const verified = webcrypto
        ? await (cie ? verifyCieResponse : verifySpidResponse)(trust, response, options)
        : (cie ? verifyCieResponseSync : verifySpidResponseSync)(trust, response, options);
      const { identity, ...extra } = verified;
      outcome = { ok: true, identity, extra };
    }
  } catch (e) {
    outcome = { ok: false, code: e.code ?? "(no code)", reason: e.message, name: e.name };
  }
  show(outcome, performance.now() - started, webcrypto);
}

function show(o, ms, webcrypto) {
  const r = $("result");
  r.hidden = false;
  r.className = o.ok ? "ok" : "err";
  r.replaceChildren();
  const head = document.createElement("div");
  head.className = "headline";
  const path = webcrypto ? "WebCrypto" : "pure WASM";
  if (o.ok) {
    const who = [o.identity.given_name, o.identity.family_name].filter(Boolean).join(" ");
    head.textContent = `✔ Verified: ${who} (${o.identity.subject_id ?? "no subject id"})`;
    head.id = "verified";
  } else {
    head.textContent = `✘ Rejected: ${o.code}`;
    head.id = "rejected";
  }
  const body = document.createElement("div");
  body.id = "details";
  body.textContent = o.ok
    ? JSON.stringify({ identity: o.identity, ...o.extra }, null, 2)
    : `code:   ${o.code}\nreason: ${o.reason}`;
  const foot = document.createElement("div");
  foot.textContent = `\n${path}, ${ms.toFixed(1)} ms`;
  r.append(head, body, foot);
  r.dataset.run = String(++runs);
}

function select(which) {
  tab = which;
  for (const t of ["webeid", "saml", "wallet"]) {
    $(`tab-${t}`).setAttribute("aria-selected", String(which === t));
    $(`form-${t}`).hidden = which !== t;
  }
  return prefill("valid");
}

$("tab-webeid").onclick = () => select("webeid");
$("tab-saml").onclick = () => select("saml");
$("tab-wallet").onclick = () => select("wallet");
for (const [name, f] of Object.entries(walletFormats)) $("wallet-format").add(new Option(f.label, name));
showWalletFormat();
$("wallet-format").onchange = () => {
  showWalletFormat();
  return prefill("valid");
};
$("mdoc-handover").onchange = showMdocHandover;
$("wallet-input-kind").onchange = () => {
  showWalletKind();
  return prefill("valid");
};
$("wallet-trust-kind").onchange = () => prefill("valid");
$("wallet-input").oninput = showStatusUri;
$("load-valid").onclick = () => prefill("valid");
$("load-invalid").onclick = () => prefill("invalid");
$("verify").onclick = (e) => {
  e.preventDefault();
  verify();
};

try {
  await init();
  vectorsCa = await bytes(V + "webeid/pki/esteid2026.cer");
  await prefill("valid");
  $("status").textContent =
    `idbridge ${version()} loaded; WebCrypto ${webCryptoAvailable() ? "available" : "unavailable (pure WASM only)"}.`;
  $("verify").disabled = false;
  document.body.dataset.ready = "true";
} catch (e) {
  $("status").textContent = `Could not load the package: ${e.message} (build it with wasm/build-pkg.sh)`;
}
