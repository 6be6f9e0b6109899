// The demo page: loads the idbridge package, prefills from the test
// vectors, verifies what is in the form and shows the identity or the
// error code with its reason.
import init, {
  Trust,
  verifyWebEidToken,
  verifyWebEidTokenSync,
  verifySpidResponse,
  verifySpidResponseSync,
  verifyCieResponse,
  verifyCieResponseSync,
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
};

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
    head.textContent = `✔ Verified: ${who} (${o.identity.subject_id})`;
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
  $("tab-webeid").setAttribute("aria-selected", String(which === "webeid"));
  $("tab-saml").setAttribute("aria-selected", String(which === "saml"));
  $("form-webeid").hidden = which !== "webeid";
  $("form-saml").hidden = which !== "saml";
  return prefill("valid");
}

$("tab-webeid").onclick = () => select("webeid");
$("tab-saml").onclick = () => select("saml");
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
