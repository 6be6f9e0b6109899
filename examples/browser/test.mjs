// The demo page in headless Chromium: a valid and an invalid Web eID token
// and SPID Response, on the WebCrypto path and on the pure-WASM path; the
// page must show the verified identity or the expected error code. Saves
// a screenshot of the verified SPID identity.
//
//   node examples/browser/test.mjs [screenshot.png]
//
// Needs the built package (wasm/build-pkg.sh), /usr/bin/chromium and
// playwright-core (wasm/package.json; npm ci in wasm/).
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
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
  const run = async (path, example) => {
    await page.check(`input[name=path][value=${path}]`);
    await page.click(`#load-${example}`);
    // The example is in the form, then this verification's result is shown.
    await page.waitForSelector(`body[data-loaded$=":${example}"]`);
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
  check(errors.length === 0, `no page errors ${errors.length ? errors.join("; ") : ""}`);

  // The last state: the verified SPID identity, on the WebCrypto path.
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);
} finally {
  await browser.close();
  server.close();
}
if (failed) {
  console.error("the browser demo test failed");
  process.exit(1);
}
console.log("the browser demo test passed");
