// The HTML report of `idbridge vectors --report html FILE` in headless
// Chromium: it loads nothing but itself and runs no script (even with the
// hostile comments of cli/tests/fixtures/report), its verdict and totals
// agree with the run's closing line, every vector file shows a SHA-256,
// every case has a row, and a SAML case opens to its checks and rules.
// Saves a screenshot of the top of the page and one of an opened SAML case.
//
//   node scripts/check-html-report.mjs REPORT.html "vectors: N passed, M failed" SHOT.png [--hostile]
//
// Needs /usr/bin/chromium and playwright-core (wasm/package.json; npm ci in wasm/).
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(new URL("../wasm/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [report, closing, shot, flag] = process.argv.slice(2);
const m = /^vectors: (\d+) passed, (\d+) failed$/.exec((closing ?? "").trim());
if (!report || !m || !shot) {
  console.error('usage: node scripts/check-html-report.mjs REPORT.html "vectors: N passed, M failed" SHOT.png [--hostile]');
  process.exit(2);
}
const passed = Number(m[1]);
const failed = Number(m[2]);
const hostile = flag === "--hostile";
const url = pathToFileURL(resolve(report)).href;

let bad = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) bad += 1;
};

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1500 } });
  const requests = [];
  const problems = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  await page.goto(url, { waitUntil: "load" });

  const facts = await page.evaluate(() => {
    const sum = (sel, key) =>
      [...document.querySelectorAll(`${sel} tbody tr`)].reduce(
        (n, tr) => n + Number(tr.querySelector(`td[data-total=${key}]`)?.textContent ?? NaN),
        0,
      );
    return {
      scripts: document.scripts.length,
      pwned: window.__pwned ?? null,
      handlers: [...document.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
      images: document.images.length,
      verdict: document.querySelector("#verdict")?.textContent ?? "",
      version: document.querySelector('#run dd[data-key="idbridge"]')?.textContent ?? "",
      backends: document.querySelector('#run dd[data-key="backends"]')?.textContent ?? "",
      kindCases: sum("#by-kind", "cases"),
      kindPassed: sum("#by-kind", "passed"),
      kindFailed: sum("#by-kind", "failed"),
      sourceCases: sum("#by-source", "cases"),
      flagRows: document.querySelectorAll("#by-flag tbody tr").length,
      hashes: [...document.querySelectorAll("#files td.hash")].map((td) => td.textContent),
      rows: document.querySelectorAll("tr[data-tcid]").length,
      okRows: document.querySelectorAll("tr.ok[data-tcid]").length,
      malformed: [...document.querySelectorAll("#files tbody tr")].filter((tr) => tr.children[1].textContent === "").length,
      failures: document.querySelectorAll("#failures li").length,
      text: document.body.innerText,
    };
  });

  check(requests.every((r) => r === url), `the page loads nothing but itself (${requests.length} request${requests.length === 1 ? "" : "s"})`);
  check(problems.length === 0, `no page error, console error or CSP report${problems.length ? ": " + problems.join("; ") : ""}`);
  check(facts.scripts === 0 && facts.pwned === null && facts.handlers === 0 && facts.images === 0, "no script, event handler or image in the page; nothing ran");
  check(facts.verdict === `${passed} passed, ${failed} failed`, `the verdict says "${facts.verdict}"`);
  check(/^\d+\.\d+\.\d+/.test(facts.version) && facts.backends.length > 0, `the run's idbridge version (${facts.version}) and backends (${facts.backends})`);
  check(
    facts.kindCases === passed + failed && facts.kindPassed === passed && facts.kindFailed === failed,
    `totals per kind add up to the closing line (${facts.kindPassed} + ${facts.kindFailed})`,
  );
  check(facts.sourceCases === passed + failed, `totals per source add up (${facts.sourceCases} cases)`);
  check(facts.flagRows > 0, `totals per flag (${facts.flagRows} rows)`);
  check(
    facts.hashes.length > 0 && facts.hashes.filter((h) => !/^[0-9a-f]{64}$/.test(h)).length === 0,
    `a SHA-256 for each of the ${facts.hashes.length} vector files`,
  );
  check(facts.rows === passed + failed - facts.malformed, `one row per case (${facts.rows}; ${facts.okRows} ok)`);
  check(facts.okRows === passed, "every passing case's row says ok");
  check((failed === 0) === (facts.failures === 0), `the failures list (${facts.failures} entries)`);

  if (hostile) {
    check(facts.text.includes("<script>window.__pwned = 1</script>"), "a comment's markup is shown as text");
    check(facts.text.includes("\\u{202e}") && !facts.text.includes("\u202e"), "a bidirectional override is shown escaped, not applied");
    check(facts.text.includes('Markup<b>"Flag"'), "a flag's markup is shown as text");
  }

  mkdirSync(dirname(resolve(shot)), { recursive: true });
  await page.screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);

  // A SAML case opened: its checks, each with its rule.
  const saml = page.locator("tr.explain details", { has: page.locator("ol.checks") }).first();
  if ((await saml.count()) > 0) {
    await saml.locator("summary").click();
    const items = await saml.locator("ol.checks li").allTextContents();
    check(items.length >= 3 && items.every((t) => / — .+\[(ok|FAIL → [a-z0-9_.]+)\]$/.test(t.trim())), `a SAML case opens to ${items.length} checks with their rules`);
    const replay = await saml.locator("dd").allTextContents();
    check(replay.some((t) => t.startsWith("idbridge verify ")), "and the command that replays it");
    const explainShot = shot.replace(/\.png$/, "") + "-saml-case.png";
    await saml.locator("xpath=ancestor::tr[1]/preceding-sibling::tr[1]").scrollIntoViewIfNeeded();
    await page.screenshot({ path: explainShot });
    console.log(`screenshot: ${explainShot}`);
  } else if (!hostile) {
    check(false, "a SAML case with its checks");
  }
} finally {
  await browser.close();
}
if (bad) {
  console.log(`html report ${report}: ${bad} checks failed`);
  process.exit(1);
}
console.log(`html report ${report}: every check passed`);
