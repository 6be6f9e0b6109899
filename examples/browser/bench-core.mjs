// The browser performance harness's measurements, shared by bench.html
// (Chromium) and bench.mjs (Node): µs per verification on the WebCrypto
// path and on the pure-WASM path, each beside its floor (the same
// verification's signature checks alone, on the same backend).

/** µs per call of `fn` (sync or async), after a warm-up, over `ms` ms or more. */
async function perOp(fn, ms) {
  for (let i = 0; i < 5; i++) await fn();
  let n = 0;
  let batch = 1;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) await fn();
    n += batch;
    batch = Math.min(batch * 2, 256);
    elapsed = performance.now() - start;
  }
  return (elapsed * 1000) / n;
}

/** µs per verification with `k` verifications in flight at once. */
async function perOpConcurrent(fn, k, ms) {
  return (await perOp(() => Promise.all(Array.from({ length: k }, fn)), ms)) / k;
}

/**
 * Runs every measurement. `pkg` is the idbridge module (initialised);
 * `input` = { spid: { response, metadata, options }, cie: { … }, webeid: { token, anchor, options } }
 * (strings; `anchor` is PEM). Resolves to rows { name, us, checks? }.
 */
export async function runBench(pkg, input, { ms = 1500 } = {}) {
  const rows = [];
  const add = (name, us, extra = {}) => rows.push({ name, us, ...extra });
  const expectOk = (v) => {
    if (!v) throw new Error("a floor's checks did not verify");
  };

  // SPID and CIE ID: the same Responses as the native benches, Trust built once.
  for (const sys of ["spid", "cie"]) {
    const s = input[sys];
    const Sys = sys === "spid" ? "Spid" : "Cie";
    const verifySync = pkg[`verify${Sys}ResponseSync`];
    const verifyAsync = pkg[`verify${Sys}Response`];
    const trust = pkg.Trust.builder().pinSamlIdpMetadata(s.metadata).build();
    verifySync(trust, s.response, s.options); // must verify
    await verifyAsync(trust, s.response, s.options);
    const checks = pkg.SignatureChecks[`of${Sys}Response`](trust, s.response, s.options);
    const algs = checks.algorithms.join(" + ");
    add(`${sys} verify, pure WASM (sync)`, await perOp(() => verifySync(trust, s.response, s.options), ms));
    add(`${sys} floor, pure WASM`, await perOp(() => expectOk(checks.verifySync()), ms), { checks: algs });
    add(`${sys} verify, WebCrypto (async)`, await perOp(() => verifyAsync(trust, s.response, s.options), ms));
    add(`${sys} verify, WebCrypto, 16 in flight`, await perOpConcurrent(() => verifyAsync(trust, s.response, s.options), 16, ms));
    add(`${sys} floor, WebCrypto`, await perOp(async () => expectOk(await checks.verify()), ms), { checks: algs });
  }

  // Web eID: the same token as the native bench.
  const webTrust = pkg.Trust.builder().webeidAnchor(input.webeid.anchor).build();
  const w = input.webeid;
  pkg.verifyWebEidTokenSync(webTrust, w.token, w.options);
  await pkg.verifyWebEidToken(webTrust, w.token, w.options);
  const webChecks = pkg.SignatureChecks.ofWebEidToken(webTrust, w.token, w.options);
  const webAlgs = webChecks.algorithms.join(" + ");
  add("webeid verify, pure WASM (sync)", await perOp(() => pkg.verifyWebEidTokenSync(webTrust, w.token, w.options), ms));
  add("webeid floor, pure WASM", await perOp(() => expectOk(webChecks.verifySync()), ms), { checks: webAlgs });
  add("webeid verify, WebCrypto (async)", await perOp(() => pkg.verifyWebEidToken(webTrust, w.token, w.options), ms));
  add("webeid verify, WebCrypto, 16 in flight", await perOpConcurrent(() => pkg.verifyWebEidToken(webTrust, w.token, w.options), 16, ms));
  add("webeid floor, WebCrypto", await perOp(async () => expectOk(await webChecks.verify()), ms), { checks: webAlgs });
  return rows;
}
