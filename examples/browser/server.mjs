// A tiny static server for the demo and the performance harness: serves
// the page (examples/browser/), the built package (wasm/pkg/) and the test
// vectors (test-vectors/) from the repository, on 127.0.0.1 only.
//
//   node examples/browser/server.mjs [port]     (default 8080; 0 = any free port)
//
// localhost is a secure context, so the page gets WebCrypto.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
// Only these folders are served; nothing else of the repository is.
const served = ["examples/browser/", "wasm/pkg/", "test-vectors/"];
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".xml": "application/xml",
  ".pem": "text/plain; charset=utf-8",
};

/** Starts the server; resolves to { server, url }. */
export function serve(port = 8080) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path === "/") {
      res.writeHead(302, { location: "/examples/browser/" });
      return res.end();
    }
    let rel = normalize(path).replace(/^[/\\]+/, "");
    if (rel.endsWith(sep) || rel === "examples/browser") rel = join(rel, "index.html");
    const allowed = served.some((p) => rel.split(sep).join("/").startsWith(p));
    if (req.method !== "GET" || !allowed || rel.split(sep).includes("..")) {
      res.writeHead(404);
      return res.end("not found");
    }
    try {
      const body = await readFile(join(root, rel));
      res.writeHead(200, {
        "content-type": types[extname(rel)] ?? "application/octet-stream",
        "cache-control": "no-store",
      });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end("not found");
    }
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      resolve({ server, url: `http://127.0.0.1:${server.address().port}/` });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await serve(Number(process.argv[2] ?? 8080));
  console.log(`idbridge demo: ${url}examples/browser/   (bench: ${url}examples/browser/bench.html)`);
}
