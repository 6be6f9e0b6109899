// The browser performance harness: µs/op of SPID and Web eID verification
// on the WebCrypto and pure-WASM paths, each beside its floor, in headless
// Chromium (bench.html) and in Node, next to the native figures.
//
//   wasm/build-pkg.sh && node examples/browser/bench.mjs [--ms=1500]
//
// The inputs are the native benches' (benches/spid.rs, benches/webeid.rs):
// the first valid case of the sorted vector files (SPID), and the first
// valid ES384 web-eid:1.0 token without OCSP (Web eID). Native figures come
// from target/criterion when `cargo bench --bench spid --bench webeid` has
// run, else from README.md's table (the 2-core reference machine).
import { createRequire } from "node:module";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./server.mjs";
import { runBench } from "./bench-core.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const ms = Number((process.argv.find((a) => a.startsWith("--ms=")) ?? "--ms=1500").slice(5));
const vectors = join(root, "test-vectors");

function cases(system, kind) {
  const dir = join(vectors, system);
  const out = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const v = JSON.parse(readFileSync(join(dir, f), "utf8"));
    if (v.kind !== kind) continue;
    for (const g of v.testGroups)
      for (const t of g.tests) out.push({ dir, g, t, ctx: { ...g.context, ...(t.context ?? {}) } });
  }
  return out.filter(({ t }) => t.result === "valid" && t.input?.file);
}

// The SAML inputs of `idbridge bench` and `cargo bench --bench spid`: a
// fixed valid case each, the Response signed as well as its Assertion.
function samlInput(system, file, tcId) {
  const dir = join(vectors, system);
  const v = JSON.parse(readFileSync(join(dir, file), "utf8"));
  for (const g of v.testGroups)
    for (const t of g.tests) {
      if (t.tcId !== tcId) continue;
      const ctx = { ...g.context, ...(t.context ?? {}) };
      return {
        response: readFileSync(join(dir, t.input.file), "utf8"),
        metadata: readFileSync(join(dir, g.trust.idp_metadata[0]), "utf8"),
        file: `${system}/${t.input.file}`,
        options: {
          spEntityId: ctx.sp_entity_id, acsUrl: ctx.acs_url, requestId: ctx.request_id,
          requestIssueInstant: ctx.request_issue_instant, now: ctx.now, minLevel: ctx.min_level,
          comparison: ctx.comparison, clockSkewSeconds: ctx.clock_skew_seconds,
          input: ctx.input_encoding === "xml" ? "xml" : "base64",
        },
      };
    }
  throw new Error(`no tcId ${tcId} in ${system}/${file}`);
}

function webeidInput() {
  for (const { dir, g, t, ctx } of cases("webeid", "webeid")) {
    if (ctx.ocsp && ctx.ocsp !== "off") continue;
    const token = readFileSync(join(dir, t.input.file), "utf8");
    const tv = JSON.parse(token);
    if (tv.algorithm !== "ES384" || tv.format !== "web-eid:1.0") continue;
    const raw = readFileSync(join(dir, g.trust.anchors[0]));
    const anchor = raw.toString("latin1").includes("-----BEGIN")
      ? raw.toString("utf8")
      : `-----BEGIN CERTIFICATE-----\n${raw.toString("base64")}\n-----END CERTIFICATE-----\n`;
    return { token: token.trim(), anchor, file: `webeid/${t.input.file}`,
      options: { origin: ctx.origin, nonce: ctx.nonce, now: ctx.now } };
  }
  throw new Error("no valid ES384 web-eid:1.0 token without OCSP");
}

function native() {
  // README.md's table (AWS-LC and RustCrypto, 2-core reference machine).
  const figures = {
    "spid verify": 61.6, "spid floor": 25.4, "cie verify": 108.9, "cie floor": 54.5,
    "webeid verify": 402.5, "webeid floor": 394.8,
    "spid verify rustcrypto": 294.1, "spid floor rustcrypto": 250.3,
    "cie verify rustcrypto": 597.6, "cie floor rustcrypto": 543.8,
    "webeid verify rustcrypto": 1861.7, "webeid floor rustcrypto": 1830.0,
  };
  let source = "README.md";
  const read = (p) => {
    const f = join(root, "target/criterion", p, "new/estimates.json");
    return existsSync(f) ? JSON.parse(readFileSync(f, "utf8")).median.point_estimate / 1000 : undefined;
  };
  const fresh = {};
  for (const sys of ["spid", "cie", "webeid"]) {
    const verify = sys === "webeid" ? "verify_token" : "verify_response";
    fresh[`${sys} verify`] = read(`${sys}_aws-lc-rs/${verify}`);
    fresh[`${sys} floor`] = read(`${sys}_aws-lc-rs/floor`);
    fresh[`${sys} verify rustcrypto`] = read(`${sys}_rustcrypto/${verify}`);
    fresh[`${sys} floor rustcrypto`] = read(`${sys}_rustcrypto/floor`);
  }
  if (Object.values(fresh).every((v) => v !== undefined)) {
    Object.assign(figures, fresh);
    source = "target/criterion (cargo bench on this machine)";
  }
  return { figures, source };
}

const input = {
  spid: samlInput("spid", "input.json", 1),
  cie: samlInput("cie", "profile.json", 1),
  webeid: webeidInput(),
};
console.log(`inputs: ${input.spid.file}, ${input.cie.file}, ${input.webeid.file}; ${ms} ms per measure`);

// Node.
const pkg = await import("../../wasm/pkg/node.js");
const nodeRows = await runBench(pkg, input, { ms });

// Headless Chromium.
const require = createRequire(new URL("../../wasm/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const { server, url } = await serve(0);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
let chromeRows;
try {
  const page = await browser.newPage();
  await page.goto(url + "examples/browser/bench.html?driven");
  await page.waitForSelector("body[data-ready=true]");
  chromeRows = await page.evaluate(([i, o]) => window.idbridgeBench(i, o), [input, { ms }]);
} finally {
  await browser.close();
  server.close();
}

const { figures, source } = native();
const f = (v) => (v === undefined ? "" : v.toLocaleString("en-US", { maximumFractionDigits: 1, minimumFractionDigits: 1 }));
const byName = (rows) => Object.fromEntries(rows.map((r) => [r.name, r]));
const c = byName(chromeRows);
const n = byName(nodeRows);
console.log(`\n| measure | Chromium µs/op | Node µs/op | native µs/op (${source}) |`);
console.log("|---|---:|---:|---:|");
for (const r of chromeRows) {
  const sys = r.name.split(" ")[0];
  const kind = r.name.includes("floor") ? "floor" : "verify";
  const nat = r.name.includes("pure WASM")
    ? figures[`${sys} ${kind} rustcrypto`]
    : figures[`${sys} ${kind}`];
  const natLabel = nat === undefined ? "" : `${f(nat)} (${r.name.includes("pure WASM") ? "RustCrypto" : "AWS-LC"})`;
  console.log(`| ${r.name}${r.checks ? ` [${r.checks}]` : ""} | ${f(r.us)} | ${f(n[r.name]?.us)} | ${natLabel} |`);
}
console.log("\nTargets (issue 6): WebCrypto path ≤ 2 × the native floor; pure-WASM path ≤ 1.5 × the pure-WASM floor.");
for (const sys of ["spid", "cie", "webeid"]) {
  for (const [env, rows] of [["Chromium", c], ["Node", n]]) {
    const wc = rows[`${sys} verify, WebCrypto (async)`].us;
    const wcc = rows[`${sys} verify, WebCrypto, 16 in flight`].us;
    const wasm = rows[`${sys} verify, pure WASM (sync)`].us;
    const floor = rows[`${sys} floor, pure WASM`].us;
    const nat = figures[`${sys} floor`];
    console.log(
      `${sys} ${env}: WebCrypto ${f(wc / nat)} × native floor (${f(wcc / nat)} × with 16 in flight); ` +
        `pure WASM ${f(wasm / floor)} × its floor`,
    );
  }
}
