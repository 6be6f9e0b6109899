// Runs every vector through the *built* package (wasm/pkg, after wasm-opt),
// on both paths (runVectors: WebCrypto; runVectorsSync: pure WASM), in Node
// and in headless Chromium; both paths must pass every case with the same
// lines. The public suites in ../shared are included when present.
//
//   wasm/build-pkg.sh && node wasm/test-pkg.mjs
import { createRequire } from "node:module";
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "../examples/browser/server.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));

// The same file sets the wasm-bindgen tests embed (wasm/build.rs).
function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== "generator" && name !== "schema") walk(p, out);
    } else if (!name.endsWith(".md")) out.push(p);
  }
  return out;
}
const isVector = (bytes) => bytes.subarray(0, 4096).toString("utf8").includes('"idbridge-vectors/');
function fileSet(base, dirs) {
  const files = {};
  for (const d of dirs) for (const p of walk(join(base, d))) files[relative(base, p).split(sep).join("/")] = readFileSync(p);
  return files;
}
// ../shared, or IDBRIDGE_SHARED_DIR (the rule of tests/common/shared.rs:
// SKIPPED when it is missing, a failure when CI is set).
const sharedBase = process.env.IDBRIDGE_SHARED_DIR || join(root, "../shared");
const suites = [
  { name: "test-vectors", base: join(root, "test-vectors"), dirs: ["."], url: "test-vectors/" },
  { name: "../shared (public suites)", base: sharedBase,
    dirs: ["vectors/webeid", "vectors/spid", "vectors/oidc-trust-chain", "vectors/oidc-id-token", "vectors/sd-jwt-vc", "vectors/mobile-id", "vectors/smart-id", "vectors/mdoc", "vectors/icao-sod",
      "data/webeid", "data/spid", "data/oidc-trust-chain", "data/oidc-id-token", "data/sd-jwt-vc", "data/mobile-id", "data/smart-id", "data/mdoc", "data/icao-sod", "data/cie-chip"] },
];

let failed = false;
function judge(where, suite, sync, async) {
  const same = JSON.stringify(sync.lines) === JSON.stringify(async.lines);
  const ok = sync.failed === 0 && async.failed === 0 && same && sync.passed > 0 && async.webcryptoChecks > 0;
  console.log(
    `${ok ? "ok  " : "FAIL"} ${where}, ${suite}: pure WASM ${sync.passed} passed, ${sync.failed} failed; ` +
      `WebCrypto ${async.passed} passed, ${async.failed} failed (${async.webcryptoChecks} checks on WebCrypto, ` +
      `${async.wasmFallbackChecks} in WASM)${same ? "" : "; the paths' lines differ"}`,
  );
  if (!ok) {
    failed = true;
    for (const l of [...sync.lines, ...async.lines].filter((l) => l.startsWith("FAIL")).slice(0, 20)) console.log("  " + l);
  }
}

// Node: the package's Node entry.
const pkg = await import("./pkg/node.js");

// Wrong arguments are coded errors (config.invalid), never wasm-bindgen's
// own uncoded ones ("expected instance of Trust"...); the asynchronous
// functions reject, they never throw (issue 20, item 12).
{
  const web = { origin: "https://rp.example.org", nonce: "n".repeat(44), now: new Date() };
  const saml = { spEntityId: "https://sp", acsUrl: "https://sp/acs", requestId: "_r", now: new Date() };
  const trust = pkg.Trust.fromEmbedded();
  const freed = pkg.Trust.fromEmbedded();
  freed.free();
  const used = pkg.Trust.builder();
  used.webeidEmbeddedAnchors("test");
  const bytes = new Uint8Array(4);
  const cases = [
    // [what, call, asynchronous]
    ["verifyWebEidToken(token, options): options where the Trust goes", () => pkg.verifyWebEidToken("{}", web), true],
    ["verifyWebEidToken(options-with-anchors, token, options)", () => pkg.verifyWebEidToken({ anchors: "embedded" }, "{}", web), true],
    ["verifyWebEidTokenSync(undefined, ...)", () => pkg.verifyWebEidTokenSync(undefined, "{}", web), false],
    ["verifyWebEidTokenSync(freed Trust, ...)", () => pkg.verifyWebEidTokenSync(freed, "{}", web), false],
    ["verifyWebEidTokenSync(TrustBuilder, ...)", () => pkg.verifyWebEidTokenSync(pkg.Trust.builder(), "{}", web), false],
    ["verifyWebEidTokenSync(look-alike, ...)", () => pkg.verifyWebEidTokenSync(Object.create(pkg.Trust.prototype), "{}", web), false],
    ["verifyWebEidTokenSync(trust, 42, ...)", () => pkg.verifyWebEidTokenSync(trust, 42, web), false],
    ["verifyWebEidTokenSync(trust, token, options + anchors)", () => pkg.verifyWebEidTokenSync(trust, "{}", { ...web, anchors: "test" }), false],
    ["verifyWebEidTokenSync(trust, token, [])", () => pkg.verifyWebEidTokenSync(trust, "{}", []), false],
    ["verifySpidResponse('x', ...)", () => pkg.verifySpidResponse("x", "x", saml), true],
    ["verifyCieResponseSync(null, ...)", () => pkg.verifyCieResponseSync(null, "x", saml), false],
    ["verifySpidResponseSync(trust, response, no now)", () => pkg.verifySpidResponseSync(trust, "x", { ...saml, now: undefined }), false],
    ["verifySignature(1, ...)", () => pkg.verifySignature(1, bytes, bytes, bytes), true],
    ["verifySignature(alg, string key, ...)", () => pkg.verifySignature("rsa-pss-sha256", "key", bytes, bytes), true],
    ["verifySignatureSync(alg, key, ArrayBuffer, ...)", () => pkg.verifySignatureSync("rsa-pss-sha256", bytes, new ArrayBuffer(4), bytes), false],
    ["verifySignatureSync(alg, key, message, [1, 2])", () => pkg.verifySignatureSync("rsa-pss-sha256", bytes, bytes, [1, 2]), false],
    ["verifySignatureSync(..., allowed: 'rsa-pss-sha256')", () => pkg.verifySignatureSync("rsa-pss-sha256", bytes, bytes, bytes, "rsa-pss-sha256"), false],
    ["runVectors(files, 'a.json')", () => pkg.runVectors({}, "a.json"), true],
    ["runVectorsSync({}, [1])", () => pkg.runVectorsSync({}, [1]), false],
    ["Trust.fromEmbedded(1)", () => pkg.Trust.fromEmbedded(1), false],
    ["Trust.fromEmbedded('staging')", () => pkg.Trust.fromEmbedded("staging"), false],
    ["a TrustBuilder used twice", () => used.build(), false],
    ["TrustBuilder.webeidAnchor(42)", () => pkg.Trust.builder().webeidAnchor(42), false],
    ["TrustBuilder.webeidEmbeddedAnchors(2)", () => pkg.Trust.builder().webeidEmbeddedAnchors(2), false],
    ["SignatureChecks.ofWebEidToken({}, ...)", () => pkg.SignatureChecks.ofWebEidToken({}, "{}", web), false],
    ...(pkg.verifyOidcTrustChain ? [
      ["verifyOidcTrustChain(chain) without options", () => pkg.verifyOidcTrustChain("{}"), true],
      ["verifyOidcTrustChainSync(chain, no trust anchor)", () => pkg.verifyOidcTrustChainSync("{}", { trustAnchors: [], now: new Date() }), false],
      ["verifyOidcTrustChainSync(chain, anchors as a string)", () => pkg.verifyOidcTrustChainSync("{}", { trustAnchors: "https://ta", now: new Date() }), false],
      ["verifyOidcTrustChainSync([1], ...)", () => pkg.verifyOidcTrustChainSync([1], { trustAnchors: [{ entityId: "https://ta", jwks: "{}" }], now: new Date() }), false],
      ["verifyOidcTrustChainSync(..., maxPathLength -1)", () => pkg.verifyOidcTrustChainSync("{}", { trustAnchors: [{ entityId: "https://ta", jwks: { keys: [] } }], now: new Date(), maxPathLength: -1 }), false],
      ["verifyOidcIdToken(42, ...)", () => pkg.verifyOidcIdToken(42, { opJwks: "{}", clientId: "c", issuer: "i", nonce: "n", now: new Date() }), true],
      ["verifyOidcIdTokenSync(tokens, unknown option)", () => pkg.verifyOidcIdTokenSync("{}", { opJwks: "{}", clientId: "c", issuer: "i", nonce: "n", now: new Date(), audience: "x" }), false],
      ["verifyOidcIdTokenSync(tokens, minLevel SpidL4)", () => pkg.verifyOidcIdTokenSync("{}", { opJwks: "{}", clientId: "c", issuer: "i", nonce: "n", now: new Date(), minLevel: "SpidL4" }), false],
    ] : []),
    ...(pkg.verifySdJwtVc ? [
      ["verifySdJwtVc(p) without options", () => pkg.verifySdJwtVc("a~"), true],
      ["verifySdJwtVcSync(p, unknown option)", () => pkg.verifySdJwtVcSync("a~", { issuerKeys: "{}", now: new Date(), clientId: "x" }), false],
      ["verifySdJwtVcSync(p, profile vc)", () => pkg.verifySdJwtVcSync("a~", { issuerKeys: "{}", now: new Date(), profile: "vc" }), false],
      ["verifySdJwtVcSync(p, statusLists as an array)", () => pkg.verifySdJwtVcSync("a~", { issuerKeys: "{}", now: new Date(), statusLists: [] }), false],
      ["sdJwtVcStatusList(42)", () => pkg.sdJwtVcStatusList(42), false],
      ["verifyOpenid4vpResponse(body) without options", () => pkg.verifyOpenid4vpResponse("vp_token=x"), true],
      ["verifyOpenid4vpResponse(body, no dcqlQuery)", () => pkg.verifyOpenid4vpResponse("vp_token=x", { issuerKeys: "{}", now: new Date() }), true],
      ["verifyOpenid4vpResponseSync(body, direct_post.jwt without decryptionKey)", () => pkg.verifyOpenid4vpResponseSync("response=x", { issuerKeys: "{}", now: new Date(), dcqlQuery: "{}", responseMode: "direct_post.jwt" }), false],
      ["verifyOpenid4vpResponseSync(body, decryptionKey with direct_post)", () => pkg.verifyOpenid4vpResponseSync("vp_token=x", { issuerKeys: "{}", now: new Date(), dcqlQuery: "{}", decryptionKey: "{}" }), false],
      ["verifySdJwtVcSync(p, issuerKeys and issuerMetadata)", () => pkg.verifySdJwtVcSync("a~", { issuerKeys: "{}", issuerMetadata: "{}", now: new Date() }), false],
      ["verifyOpenid4vpResponseSync(42, ...)", () => pkg.verifyOpenid4vpResponseSync(42, { issuerKeys: "{}", now: new Date(), dcqlQuery: "{}" }), false],
    ] : []),
    ...(pkg.verifyIcaoSod ? [
      ["verifyIcaoSod(input) without options", () => pkg.verifyIcaoSod("{}"), true],
      ["verifyIcaoSodSync(input, no trust)", () => pkg.verifyIcaoSodSync("{}", { now: new Date() }), false],
      ["verifyIcaoSodSync(input, ldsProfile cie)", () => pkg.verifyIcaoSodSync("{}", { csca: ["x"], now: new Date(), ldsProfile: "cie" }), false],
      ["verifyIcaoSodSync(input, csca not an array)", () => pkg.verifyIcaoSodSync("{}", { csca: "x", now: new Date() }), false],
    ] : []),
  ];
  let bad = 0;
  for (const [what, call, asynchronous] of cases) {
    let outcome;
    try {
      const r = call();
      if (asynchronous !== r instanceof Promise) throw new Error(`returned ${typeof r}, not what was expected`);
      if (asynchronous) await r;
      outcome = "no error";
    } catch (e) {
      if (asynchronous && !(e && e.name === "IdbridgeError")) outcome = `threw ${e}`;
      else outcome = e && e.name === "IdbridgeError" ? e.code : `uncoded: ${e}`;
    }
    if (outcome !== "config.invalid") {
      bad++;
      console.log(`FAIL wrong argument, ${what}: ${outcome}`);
    }
  }
  // The same Trust, reused, gets past the check every time.
  for (let i = 0; i < 2; i++) {
    try {
      pkg.verifyWebEidTokenSync(trust, "{}", web);
    } catch (e) {
      if (!String(e.code).startsWith("webeid.")) { bad++; console.log(`FAIL a genuine Trust refused: ${e.code} ${e.message}`); }
    }
  }
  console.log(`${bad ? "FAIL" : "ok  "} Node, wrong arguments: ${cases.length - bad} of ${cases.length} coded config.invalid`);
  if (bad) failed = true;
}
// The OpenID Connect exports on our generated vectors: both paths give the
// same result, the identity or the contract's code.
if (pkg.verifyOidcTrustChain) {
  const tv = (p) => readFileSync(join(root, "test-vectors", p), "utf8");
  const ta = { entityId: "https://ta.idbridge.test/", jwks: JSON.parse(tv("oidc-trust-chain/jwks/ta.jwks.json")) };
  const chainOpts = { trustAnchors: [ta], now: "2026-01-15T10:00:00Z" };
  const idOpts = (key) => ({
    opJwks: tv("oidc-id-token/keys/op.jwks.json"), rpDecryptionKey: tv(`oidc-id-token/keys/${key}.jwk.json`),
    clientId: "https://rp.idbridge.test/", issuer: "https://op.idbridge.test/",
    nonce: "idbridge-TEST-nonce-5q8Kx2Lm9Pz4Rt7Vw1Yb", now: new Date("2026-01-15T10:00:00Z"),
  });
  const cases = [
    // [what, sync, async, check of a result or the expected code]
    ["chain valid-4-one-intermediate", () => pkg.verifyOidcTrustChainSync(tv("oidc-trust-chain/chains/valid-4-one-intermediate.json"), chainOpts),
      () => pkg.verifyOidcTrustChain(tv("oidc-trust-chain/chains/valid-4-one-intermediate.json"), chainOpts),
      (r) => r.subject === "https://op.idbridge.test/" && r.expiresAt === "2026-01-16T10:00:00Z" && r.metadata.openid_provider.issuer === "https://op.idbridge.test/"],
    ["chain as an array of statements", () => pkg.verifyOidcTrustChainSync(JSON.parse(tv("oidc-trust-chain/chains/valid-3.json")).statements, chainOpts),
      () => pkg.verifyOidcTrustChain(JSON.parse(tv("oidc-trust-chain/chains/valid-3.json")).statements, chainOpts),
      (r) => r.trustAnchor === "https://ta.idbridge.test/"],
    ["chain es-kid-unknown", () => pkg.verifyOidcTrustChainSync(tv("oidc-trust-chain/chains/es-kid-unknown.json"), chainOpts),
      () => pkg.verifyOidcTrustChain(tv("oidc-trust-chain/chains/es-kid-unknown.json"), chainOpts), "jws.key.untrusted"],
    ["chain merge-value-conflict", () => pkg.verifyOidcTrustChainSync(tv("oidc-trust-chain/chains/merge-value-conflict.json"), chainOpts),
      () => pkg.verifyOidcTrustChain(tv("oidc-trust-chain/chains/merge-value-conflict.json"), chainOpts), "oidcfed.policy.conflict"],
    ["id token with ECDH-ES+A256KW UserInfo", () => pkg.verifyOidcIdTokenSync(tv("oidc-id-token/tokens/ui-ecdh-es-a256kw-a256gcm.json"), idOpts("rp-enc-p256")),
      () => pkg.verifyOidcIdToken(tv("oidc-id-token/tokens/ui-ecdh-es-a256kw-a256gcm.json"), idOpts("rp-enc-p256")),
      (r) => r.identity.subject_id === "TINIT-RSSMRA80A01H501U" && r.userinfo.jweAlg === "ECDH-ES+A256KW" && r.level === "SpidL2"],
    ["id token ES512", () => pkg.verifyOidcIdTokenSync(tv("oidc-id-token/tokens/valid-es512.json"), idOpts("rp-enc-rsa")),
      () => pkg.verifyOidcIdToken(tv("oidc-id-token/tokens/valid-es512.json"), idOpts("rp-enc-rsa")), (r) => r.idTokenAlg === "ES512"],
    ["id token nonce-other", () => pkg.verifyOidcIdTokenSync(tv("oidc-id-token/tokens/nonce-other.json"), idOpts("rp-enc-rsa")),
      () => pkg.verifyOidcIdToken(tv("oidc-id-token/tokens/nonce-other.json"), idOpts("rp-enc-rsa")), "oidc.nonce.mismatch"],
    ["id token ui-ciphertext-changed", () => pkg.verifyOidcIdTokenSync(tv("oidc-id-token/tokens/ui-ciphertext-changed.json"), idOpts("rp-enc-rsa")),
      () => pkg.verifyOidcIdToken(tv("oidc-id-token/tokens/ui-ciphertext-changed.json"), idOpts("rp-enc-rsa")), "jwe.decryption.failed"],
  ];
  let bad = 0;
  for (const [what, sync, async, want] of cases) {
    const outcomes = [];
    for (const run of [sync, async]) {
      try {
        outcomes.push({ ok: await run() });
      } catch (e) {
        outcomes.push({ code: e && e.name === "IdbridgeError" ? e.code : `uncoded: ${e}` });
      }
    }
    const good = outcomes.every((o) => (typeof want === "string" ? o.code === want : o.ok !== undefined && want(o.ok)))
      && JSON.stringify(outcomes[0]) === JSON.stringify(outcomes[1]);
    if (!good) { bad++; console.log(`FAIL Node, OpenID Connect export, ${what}: ${JSON.stringify(outcomes).slice(0, 300)}`); }
  }
  console.log(`${bad ? "FAIL" : "ok  "} Node, OpenID Connect exports: ${cases.length - bad} of ${cases.length} cases, the same on both paths`);
  if (bad) failed = true;
}
// The SD-JWT VC exports on the imported shared suite: both paths give the
// same result, the identity or the contract's code; the status list to
// fetch is read before verifying.
if (pkg.verifySdJwtVc) {
  const own = (p) => readFileSync(join(root, "test-vectors/conformance/sd-jwt-vc/upstream/own", p), "utf8");
  const opts = (extra = {}) => ({
    issuerKeys: own("keys/issuer.jwks.json"), statusListKeys: JSON.parse(own("keys/status-signer.jwks.json")),
    statusLists: { "https://status.idbridge.test/lists/2": own("status/list-2bit.jwt") },
    nonce: "3f1d2c9a7b8e4f60a1b2c3d4e5f60718293a4b5c", audience: "https://rp.idbridge.test",
    now: "2026-05-01T00:00:00Z", ...extra,
  });
  const p = (name) => own(`presentations/${name}.txt`);
  const cases = [
    ["status-own-valid", p("status-own-valid"), opts(),
      (r) => r.identity.subject_id === "TINIT-RSSMRA80A10H501U" && r.status.state === "valid" && r.keyBinding.alg === "ES256"],
    ["status-own-revoked", p("status-own-revoked"), opts(), "status.credential.revoked"],
    ["valid-no-kb, key binding optional", p("valid-no-kb"), opts({ requireKeyBinding: false, statusCheck: "off" }),
      (r) => r.keyBinding === undefined && r.status.state === "not-checked"],
    ["kb-nonce", p("kb-nonce"), opts(), "kb.nonce.mismatch"],
    ["tampered-disclosure", p("tampered-disclosure"), opts(), "sdjwt.disclosure.unreferenced"],
  ];
  let bad = 0;
  for (const [what, presentation, options, want] of cases) {
    const outcomes = [];
    for (const run of [() => pkg.verifySdJwtVcSync(presentation, options), () => pkg.verifySdJwtVc(presentation, options)]) {
      try {
        outcomes.push({ ok: await run() });
      } catch (e) {
        outcomes.push({ code: e && e.name === "IdbridgeError" ? e.code : `uncoded: ${e}` });
      }
    }
    const good = outcomes.every((o) => (typeof want === "string" ? o.code === want : o.ok !== undefined && want(o.ok)))
      && JSON.stringify(outcomes[0]) === JSON.stringify(outcomes[1]);
    if (!good) { bad++; console.log(`FAIL Node, SD-JWT VC export, ${what}: ${JSON.stringify(outcomes).slice(0, 300)}`); }
  }
  const ref = pkg.sdJwtVcStatusList(p("status-own-valid"));
  if (!ref || ref.uri !== "https://status.idbridge.test/lists/2" || ref.idx !== 0 || pkg.sdJwtVcStatusList(readFileSync(join(root,
    "test-vectors/conformance/sd-jwt-vc/upstream/public/eudi-lib-jvm-sdjwt-kt/exampleIssuanceSdJwt.txt"), "utf8")) !== null) {
    bad++;
    console.log(`FAIL Node, sdJwtVcStatusList: ${JSON.stringify(ref)}`);
  }
  console.log(`${bad ? "FAIL" : "ok  "} Node, SD-JWT VC exports: ${cases.length + 1 - bad} of ${cases.length + 1} cases, the same on both paths`);
  if (bad) failed = true;
}
// The OpenID4VP exports on test-vectors/openid4vp (direct_post.jwt, made
// natively) and a direct_post body of the generated vectors' valid
// presentation: both paths give the same result, or the same code.
if (pkg.verifyOpenid4vpResponse) {
  const tv = (p) => readFileSync(join(root, "test-vectors", p), "utf8").trim();
  const opts = (extra = {}) => ({
    issuerKeys: tv("sd-jwt-vc/keys/issuer.jwks.json"), statusListKeys: tv("sd-jwt-vc/keys/status.jwks.json"),
    statusLists: { "https://status.idbridge.test/lists/gen-1": tv("sd-jwt-vc/status/list-2bit.jwt") },
    nonce: "gen-nonce-5d0c1f", audience: "https://rp.idbridge.test", now: "2026-05-01T00:00:00Z",
    dcqlQuery: JSON.parse(tv("openid4vp/query.json")), ...extra,
  });
  const jwt = (key, extra = {}) => opts({ responseMode: "direct_post.jwt", decryptionKey: tv(`keys/jwe/${key}.jwk.json`), ...extra });
  const form = (p) => "vp_token=" + encodeURIComponent(JSON.stringify({ pid: [p] })) + "&state=st-1";
  const valid = tv("sd-jwt-vc/presentations/valid.txt");
  const cases = [
    ["direct_post form", form(valid), opts(),
      (r) => r.state === "st-1" && r.credentials.pid[0].identity.given_name === "Mario" && r.credentials.pid[0].status.state === "valid"],
    ["direct_post JSON", new TextEncoder().encode(JSON.stringify({ vp_token: { pid: [valid] } })), opts({ bodyEncoding: "json" }),
      (r) => r.state === undefined && r.credentials.pid.length === 1],
    ["direct_post, another request's nonce", form(valid), opts({ nonce: "another" }), "kb.nonce.mismatch"],
    ["direct_post, the request's state", form(valid), opts({ state: "st-1" }), (r) => r.state === "st-1"],
    ["direct_post, another request's state", form(valid), opts({ state: "st-2" }), "openid4vp.state.mismatch"],
    ["direct_post, trust from issuer metadata", form(valid),
      opts({ issuerKeys: undefined, issuerMetadata: { issuer: "https://issuer.idbridge.test", jwks: JSON.parse(tv("sd-jwt-vc/keys/issuer.jwks.json")) } }),
      (r) => r.credentials.pid[0].identity.issuer === "https://issuer.idbridge.test"],
    ["direct_post, issuer metadata of another issuer", form(valid),
      opts({ issuerKeys: undefined, issuerMetadata: { issuer: "https://other.idbridge.test", jwks: JSON.parse(tv("sd-jwt-vc/keys/issuer.jwks.json")) } }),
      "sdjwt.issuer.mismatch"],
    ["direct_post, a revoked credential", form(tv("sd-jwt-vc/presentations/status-revoked.txt")), opts(), "status.credential.revoked"],
    ["direct_post.jwt", tv("openid4vp/direct-post-jwt.txt"), jwt("p256"),
      (r) => r.state === "st-wallet-1" && r.credentials.pid[0].identity.subject_id === "TINIT-RSSMRA80A10H501U"],
    ["direct_post.jwt signed", tv("openid4vp/direct-post-jwt-signed.txt"), jwt("p256", { walletKeys: JSON.parse(tv("openid4vp/wallet.jwks.json")) }),
      (r) => r.state === "st-wallet-1"],
    ["direct_post.jwt signed, no walletKeys", tv("openid4vp/direct-post-jwt-signed.txt"), jwt("p256"), "openid4vp.response.invalid"],
  ];
  let bad = 0;
  for (const [what, body, options, want] of cases) {
    const outcomes = [];
    for (const run of [() => pkg.verifyOpenid4vpResponseSync(body, options), () => pkg.verifyOpenid4vpResponse(body, options)]) {
      try {
        outcomes.push({ ok: await run() });
      } catch (e) {
        outcomes.push({ code: e && e.name === "IdbridgeError" ? e.code : `uncoded: ${e}` });
      }
    }
    const good = outcomes.every((o) => (typeof want === "string" ? o.code === want : o.ok !== undefined && want(o.ok)))
      && JSON.stringify(outcomes[0]) === JSON.stringify(outcomes[1]);
    if (!good) { bad++; console.log(`FAIL Node, OpenID4VP export, ${what}: ${JSON.stringify(outcomes).slice(0, 300)}`); }
  }
  console.log(`${bad ? "FAIL" : "ok  "} Node, OpenID4VP exports: ${cases.length - bad} of ${cases.length} cases, the same on both paths`);
  if (bad) failed = true;
}
// The mdoc exports on the imported shared suite: both paths give the same
// result, the identity or the contract's code.
if (pkg.verifyMdoc) {
  const up = (p) => readFileSync(join(root, "test-vectors/conformance/mdoc/upstream", p));
  const opts = (extra = {}) => ({
    iacas: [up("own/certs/iaca-p256.pem").toString("utf8")], docType: "eu.europa.ec.eudi.pid.1",
    handover: { kind: "openid4vp", clientId: "x509_san_dns:example.com", nonce: "exc7gBkxjx1rdc9udRrveKvSsJIq80avlXeLHhGwqtA",
      responseUri: "https://example.com/response", jwkThumbprint: "QoPsknrg8gjaqi0CaoFPKyLcpSz4X_qPP4Ymxr1mkEc" },
    now: "2026-05-01T00:00:00Z", ...extra,
  });
  const r = (name) => up(`own/responses/${name}`).toString("utf8");
  const cases = [
    ["valid-pid-full", r("valid-pid-full.b64u"), opts(),
      (v) => v.identity.subject_id === "TINIT-RSSMRA80A10H501U" && v.identity.system === "mdoc" && v.docTypes[0] === "eu.europa.ec.eudi.pid.1"],
    ["another nonce", r("valid-pid-full.b64u"), opts({ handover: { ...opts().handover, nonce: "other" } }), "mdoc.device_signature.invalid"],
    ["pid-item-tampered", r("pid-item-tampered.b64u"), opts(), "mdoc.digest.mismatch"],
    ["deviceMac, proximity", new Uint8Array(up("own/responses/valid-pid-proximity-mac.cbor")), opts({
      input: "cbor", readerKey: up("public/iso-18013-5-annex-d/reader-ephemeral-key.pem").toString("utf8"),
      handover: { kind: "session-transcript", sessionTranscript: "80" } }), "mdoc.device_mac.invalid"],
    ["unknown handover", r("valid-pid-full.b64u"), opts({ handover: { kind: "oid4vp" } }), "config.invalid"],
  ];
  let bad = 0;
  for (const [what, response, options, want] of cases) {
    const outcomes = [];
    for (const run of [() => pkg.verifyMdocSync(response, options), () => pkg.verifyMdoc(response, options)]) {
      try {
        outcomes.push({ ok: await run() });
      } catch (e) {
        outcomes.push({ code: e && e.name === "IdbridgeError" ? e.code : `uncoded: ${e}` });
      }
    }
    const good = outcomes.every((o) => (typeof want === "string" ? o.code === want : o.ok !== undefined && want(o.ok)))
      && JSON.stringify(outcomes[0]) === JSON.stringify(outcomes[1]);
    if (!good) { bad++; console.log(`FAIL Node, mdoc export, ${what}: ${JSON.stringify(outcomes).slice(0, 300)}`); }
  }
  console.log(`${bad ? "FAIL" : "ok  "} Node, mdoc exports: ${cases.length - bad} of ${cases.length} cases, the same on both paths`);
  if (bad) failed = true;
}
// The ICAO export on both paths: the CIE TEST card's SOD with DG1 and
// DG11 (its DS pinned), and the same with DG1 changed.
if (pkg.verifyIcaoSod) {
  const up = (p) => readFileSync(join(root, "test-vectors/conformance/icao-sod/upstream", p));
  const opts = { documentSigners: [new Uint8Array(up("cie_DS_00019_TEST.der"))], now: "2025-09-01T00:00:00Z" };
  let bad = 0;
  const cases = [
    ["mrtd-dg1-dg11", (r) => r.identity.subject_id === "TINIT-RSSMRA95A58H501Z" && r.verifiedDataGroups.join() === "1,11"],
    ["mrtd-dg1-name-changed", "icao.dg_hash.mismatch"],
  ];
  for (const [name, want] of cases) {
    const input = up(`bundles/${name}.json`).toString("utf8");
    const outcomes = [];
    for (const run of [() => pkg.verifyIcaoSodSync(input, opts), () => pkg.verifyIcaoSod(input, opts)]) {
      try {
        outcomes.push({ ok: await run() });
      } catch (e) {
        outcomes.push({ code: e && e.name === "IdbridgeError" ? e.code : `uncoded: ${e}` });
      }
    }
    const good = outcomes.every((o) => (typeof want === "string" ? o.code === want : o.ok !== undefined && want(o.ok)))
      && JSON.stringify(outcomes[0]) === JSON.stringify(outcomes[1]);
    if (!good) { bad++; console.log(`FAIL Node, ICAO export, ${name}: ${JSON.stringify(outcomes).slice(0, 300)}`); }
  }
  console.log(`${bad ? "FAIL" : "ok  "} Node, ICAO export: ${cases.length - bad} of ${cases.length} cases, the same on both paths`);
  if (bad) failed = true;
}
const sets = suites.map((s) => ({ ...s, files: fileSet(s.base, s.dirs) }))
  .map((s) => ({ ...s, paths: Object.keys(s.files).filter((n) => n.endsWith(".json") && isVector(s.files[n])).sort() }))
  .filter((s) => {
    if (s.paths.length > 0) return true;
    const ci = process.env.CI && process.env.CI !== "false" && process.env.CI !== "0";
    if (ci) {
      console.log(`FAIL ${s.name}: no vector file under ${s.base} and CI is set: the public suites must run in CI`);
      failed = true;
    } else {
      console.log(`SKIPPED ${s.name}: no vector file under ${s.base}`);
    }
    return false;
  });
for (const s of sets) {
  const files = Object.fromEntries(Object.entries(s.files).map(([k, v]) => [k, new Uint8Array(v)]));
  const sync = pkg.runVectorsSync(files, s.paths);
  const async = await pkg.runVectors(files, s.paths);
  judge("Node", s.name, sync, async);
}

// Headless Chromium: the package's browser module, served from localhost.
const require = createRequire(new URL("./package.json", import.meta.url));
const { chromium } = require("playwright-core");
const { server, url } = await serve(0);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const page = await browser.newPage();
  await page.goto(url + "examples/browser/bench.html?driven");
  for (const s of sets) {
    // test-vectors/ is fetched by the page; ../shared is not served: sent.
    const sent = s.url ? {} : Object.fromEntries(Object.entries(s.files).map(([k, v]) => [k, v.toString("base64")]));
    const result = await page.evaluate(
      async ([base, names, sent, paths]) => {
        const m = await import("/wasm/pkg/idbridge.js");
        await m.default();
        const files = {};
        if (base) {
          for (let i = 0; i < names.length; i += 64) {
            await Promise.all(names.slice(i, i + 64).map(async (n) => {
              const r = await fetch(base + n.split("/").map(encodeURIComponent).join("/"));
              if (!r.ok) throw new Error(`${n}: ${r.status}`);
              files[n] = new Uint8Array(await r.arrayBuffer());
            }));
          }
        }
        for (const [k, v] of Object.entries(sent)) files[k] = Uint8Array.from(atob(v), (c) => c.charCodeAt(0));
        const plain = (r) => ({ passed: r.passed, failed: r.failed, lines: r.lines,
          webcryptoChecks: r.webcryptoChecks, wasmFallbackChecks: r.wasmFallbackChecks });
        return { sync: plain(m.runVectorsSync(files, paths)), async: plain(await m.runVectors(files, paths)) };
      },
      [s.url ? "/" + s.url : null, s.url ? Object.keys(s.files) : [], sent, s.paths],
    );
    judge("Chromium", s.name, result.sync, result.async);
  }
} finally {
  await browser.close();
  server.close();
}
if (failed) {
  console.error("the package's vector run failed");
  process.exit(1);
}
