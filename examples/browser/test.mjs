// The demo page in headless Chromium: a valid and an invalid Web eID token
// and SPID Response, and on the wallet tab an SD-JWT VC presentation
// (valid, tampered, another request's nonce; alone, in OpenID4VP
// direct_post and direct_post.jwt responses, with issuer keys or issuer
// metadata) and an mdoc (test-vectors/mdoc's OpenID4VP group: valid,
// tampered, another nonce, IACA or docType; as a vp_token of either shape,
// bare, or in a direct_post body), on the WebCrypto path and on the
// pure-WASM path; the page must show the verified identity or the expected
// error code. Saves a screenshot of the verified SPID identity, and two of
// the wallet tab (wallet.png and wallet-mdoc.png beside it).
//
//   node examples/browser/test.mjs [screenshot.png]
//
// Needs the built package (wasm/build-pkg.sh), /usr/bin/chromium and
// playwright-core (wasm/package.json; npm ci in wasm/).
import { createRequire } from "node:module";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { serve } from "./server.mjs";

const require = createRequire(new URL("../../wasm/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const screenshot = resolve(process.argv[2] ?? "target/browser-demo/demo.png");
const { server, url } = await serve(0);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
let failed = false;
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failed = true;
};

try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1300 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url + "examples/browser/");
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  check(/WebCrypto available/.test(await page.textContent("#status")), "the page loaded the package, WebCrypto available");

  let runs = 0;
  const run = async (path, example, edit = async () => {}) => {
    await page.check(`input[name=path][value=${path}]`);
    await page.click(`#load-${example}`);
    // The example is in the form (then edited), then this verification's result is shown.
    await page.waitForSelector(`body[data-loaded$=":${example}"]`);
    await edit();
    await page.click("#verify");
    await page.waitForSelector(`#result[data-run="${++runs}"]:not([hidden])`);
    return {
      headline: await page.textContent("#result .headline"),
      details: await page.textContent("#details"),
    };
  };

  for (const path of ["webcrypto", "wasm"]) {
    // Web eID: the test card's ES384 token; then the same token for another origin.
    let r = await run(path, "valid");
    check(
      r.headline.includes("Verified") && r.headline.includes("PNOEE-49003150230"),
      `Web eID valid token (${path}): ${r.headline}`,
    );
    r = await run(path, "invalid");
    check(
      r.headline.includes("Rejected: webeid.signature.invalid") && /reason: \S/.test(r.details),
      `Web eID token for another origin (${path}): ${r.headline}`,
    );
  }

  await page.click("#tab-saml");
  for (const path of ["wasm", "webcrypto"]) {
    let r = await run(path, "invalid");
    check(
      r.headline.includes("Rejected: xmldsig.key.untrusted") && /reason: \S/.test(r.details),
      `SPID Response signed by a stranger (${path}): ${r.headline}`,
    );
    r = await run(path, "valid");
    check(
      r.headline.includes("Verified: Giulia Bianchi (TINIT-BNCGLI85L54H501U)") && r.details.includes('"assertionId"'),
      `SPID valid Response (${path}): ${r.headline}`,
    );
  }
  // The state here: the verified SPID identity, on the WebCrypto path.
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);

  // The wallet tab: test-vectors/sd-jwt-vc's presentations, verified in the page.
  await page.click("#tab-wallet");
  await page.waitForSelector('body[data-loaded="wallet:valid"]');
  const formats = await page.$$eval("#wallet-format option", (os) => os.map((o) => o.value));
  check(formats.join() === "dc+sd-jwt,mso_mdoc", `the wallet tab's formats: ${formats.join(", ")}`);
  const kind = async (value, trust = "jwks") => {
    await page.selectOption("#wallet-trust-kind", trust);
    await page.waitForSelector('body[data-loaded="wallet:valid"]');
    await page.selectOption("#wallet-input-kind", value);
    await page.waitForSelector('body[data-loaded="wallet:valid"]');
  };
  const mario = (r) => r.headline.includes("Verified: Mario Rossi (TINIT-RSSMRA80A10H501U)");
  for (const path of ["webcrypto", "wasm"]) {
    await kind("presentation");
    let r = await run(path, "valid");
    check(mario(r) && r.details.includes('"state": "valid"') && r.details.includes('"holderThumbprint"'),
      `wallet: a valid SD-JWT VC presentation (${path}): ${r.headline}`);
    r = await run(path, "invalid");
    check(r.headline.includes("Rejected: sdjwt.disclosure.unreferenced") && /reason: \S/.test(r.details),
      `wallet: a tampered disclosure (${path}): ${r.headline}`);
    r = await run(path, "valid", () => page.fill("#wallet-nonce", "nonce-of-another-request"));
    check(r.headline.includes("Rejected: kb.nonce.mismatch"), `wallet: another request's nonce (${path}): ${r.headline}`);
    r = await run(path, "valid", () => page.uncheck("#wallet-status-check"));
    check(mario(r) && r.details.includes('"state": "not-checked"'), `wallet: the status check off (${path}): ${r.headline}`);

    await kind("presentation", "metadata");
    r = await run(path, "valid");
    check(mario(r), `wallet: trust from JWT VC Issuer Metadata (${path}): ${r.headline}`);
    r = await run(path, "valid", async () => {
      const doc = JSON.parse(await page.inputValue("#wallet-trust"));
      await page.fill("#wallet-trust", JSON.stringify({ ...doc, issuer: "https://other.idbridge.test" }));
    });
    check(r.headline.includes("Rejected: sdjwt.issuer.mismatch"), `wallet: metadata of another issuer (${path}): ${r.headline}`);

    await kind("direct_post");
    r = await run(path, "valid");
    check(mario(r) && r.details.includes('"st-demo-1"'), `wallet: an OpenID4VP direct_post body (${path}): ${r.headline}`);
    r = await run(path, "invalid");
    check(r.headline.includes("Rejected: sdjwt.disclosure.unreferenced"), `wallet: direct_post, tampered (${path}): ${r.headline}`);
    r = await run(path, "valid", () => page.fill("#wallet-query",
      '{"credentials":[{"id":"pid","format":"dc+sd-jwt","claims":[{"path":["email"]}]}]}'));
    check(r.headline.includes("Rejected: openid4vp.claim.missing"), `wallet: direct_post, a claim not disclosed (${path}): ${r.headline}`);

    await kind("direct_post.jwt");
    r = await run(path, "valid");
    check(mario(r) && r.details.includes('"st-wallet-1"'), `wallet: an OpenID4VP direct_post.jwt body (${path}): ${r.headline}`);
    r = await run(path, "invalid");
    check(/Rejected: jwe\./.test(r.headline), `wallet: direct_post.jwt, ciphertext changed (${path}): ${r.headline}`);
  }
  await kind("presentation");
  await run("webcrypto", "valid");
  const walletShot = join(dirname(screenshot), "wallet.png");
  await page.screenshot({ path: walletShot, fullPage: true });
  console.log(`screenshot: ${walletShot}`);

  // The wallet tab's mdoc format: test-vectors/mdoc's OpenID4VP group (an
  // IT PID), read here from the same files the page loads.
  const mdocDir = new URL("../../test-vectors/mdoc/", import.meta.url);
  const mdocFile = (rel) => readFileSync(new URL(rel, mdocDir), "utf8").trim();
  const mdocVectors = JSON.parse(mdocFile("generated.json"));
  const mdocGroup = mdocVectors.testGroups.find((g) => g.context.handover === "openid4vp");
  const token = mdocFile("inputs/openid4vp-pid.b64u");
  const otherIaca = mdocFile("trust/other-iaca.pem");
  check(
    mdocGroup.tests.some((t) => t.input.file === "inputs/openid4vp-pid.b64u" && t.result === "valid") &&
      mdocGroup.tests.some((t) => t.input.file === "inputs/openid4vp-pid-tampered.b64u" && t.expectedError === "mdoc.digest.mismatch"),
    "the mdoc examples are test-vectors/mdoc's OpenID4VP valid and tampered cases",
  );
  const mdocKind = async (value) => {
    await page.selectOption("#wallet-input-kind", value);
    await page.waitForSelector('body[data-loaded="wallet:valid"]');
  };
  await page.selectOption("#wallet-format", "mso_mdoc");
  await page.waitForSelector('body[data-loaded="wallet:valid"]');
  check(
    (await page.isVisible("#mdoc-iacas")) && !(await page.isVisible("#wallet-trust")) &&
      (await page.isDisabled('#wallet-input-kind option[value="direct_post.jwt"]')),
    "mdoc: its own fields, and no direct_post.jwt",
  );
  const json = (r) => {
    try {
      return JSON.parse(r.details);
    } catch {
      return {}; // a rejection: "code: ...", checked by the headline
    }
  };
  const pid = (r) => r.headline.includes("Verified: Mario Rossi (TINIT-RSSMRA80A10H501U)");
  const rejected = (r, code) => r.headline.includes(`Rejected: ${code}`) && /reason: \S/.test(r.details);
  for (const path of ["webcrypto", "wasm"]) {
    await mdocKind("presentation");
    let r = await run(path, "valid");
    const shown = json(r);
    check(
      pid(r) && shown.identity?.system === "mdoc" && shown.docTypes?.join() === "eu.europa.ec.eudi.pid.1" &&
        shown.namespaces["eu.europa.ec.eudi.pid.it.1"]?.tax_id_code === "TINIT-RSSMRA80A10H501U" &&
        shown.namespaces["eu.europa.ec.eudi.pid.1"]?.given_name === "Mario" && shown.queryId === "pid",
      `mdoc: a valid PID in a vp_token, identity and attributes by namespace (${path}): ${r.headline}`,
    );
    r = await run(path, "invalid");
    check(rejected(r, "mdoc.digest.mismatch"), `mdoc: an element's value tampered (${path}): ${r.headline}`);
    r = await run(path, "valid", () => page.fill("#mdoc-nonce", "nonce-of-another-request"));
    check(rejected(r, "mdoc.device_signature.invalid"), `mdoc: another request's nonce (${path}): ${r.headline}`);
    r = await run(path, "valid", () => page.fill("#mdoc-iacas", otherIaca));
    check(rejected(r, "x509.chain.untrusted"), `mdoc: another IACA trusted (${path}): ${r.headline}`);
    r = await run(path, "valid", () => page.fill("#mdoc-doctype", "org.iso.18013.5.1.mDL"));
    check(rejected(r, "mdoc.doctype.mismatch"), `mdoc: another docType asked (${path}): ${r.headline}`);
    r = await run(path, "valid", async () => {
      await page.selectOption("#mdoc-handover", "openid4vp-dc-api");
      await page.fill("#mdoc-origin", "https://rp.idbridge.test");
    });
    check(rejected(r, "mdoc.device_signature.invalid"), `mdoc: the DC API handover for a redirect response (${path}): ${r.headline}`);
    // The vp_token's shapes: a bare DeviceResponse, an entry as one string
    // (the drafts before OpenID4VP 1.0), and another query's id.
    r = await run(path, "valid", () => page.fill("#wallet-input", token));
    check(pid(r) && !r.details.includes('"queryId"'), `mdoc: a bare DeviceResponse (${path}): ${r.headline}`);
    r = await run(path, "valid", () => page.fill("#wallet-input", JSON.stringify({ pid: token })));
    check(pid(r), `mdoc: a vp_token entry as one string (${path}): ${r.headline}`);
    r = await run(path, "valid", () => page.fill("#mdoc-query-id", "mdl"));
    check(rejected(r, "openid4vp.credential.missing"), `mdoc: no vp_token entry for the query (${path}): ${r.headline}`);
    r = await run(path, "valid", () => page.fill("#wallet-input", JSON.stringify({ pid: [] })));
    check(rejected(r, "openid4vp.response.invalid"), `mdoc: an empty vp_token entry (${path}): ${r.headline}`);
    r = await run(path, "valid", () => page.fill("#wallet-input", JSON.stringify([token])));
    check(rejected(r, "openid4vp.response.invalid"), `mdoc: a vp_token that is an array, not an object (${path}): ${r.headline}`);
    r = await run(path, "valid", () => page.fill("#wallet-input", JSON.stringify({ pid: [token + "!"] })));
    check(rejected(r, "input.encoding"), `mdoc: a DeviceResponse that is not base64url (${path}): ${r.headline}`);

    await mdocKind("direct_post");
    r = await run(path, "valid");
    check(pid(r) && json(r).state === "st-demo-1", `mdoc: a direct_post body (${path}): ${r.headline}`);
    r = await run(path, "invalid");
    check(rejected(r, "mdoc.digest.mismatch"), `mdoc: direct_post, tampered (${path}): ${r.headline}`);
  }
  await mdocKind("presentation");
  await run("webcrypto", "valid");
  const mdocShot = join(dirname(screenshot), "wallet-mdoc.png");
  await page.screenshot({ path: mdocShot, fullPage: true });
  console.log(`screenshot: ${mdocShot}`);
  check(errors.length === 0, `no page errors ${errors.length ? errors.join("; ") : ""}`);
} finally {
  await browser.close();
  server.close();
}
if (failed) {
  console.error("the browser demo test failed");
  process.exit(1);
}
console.log("the browser demo test passed");
