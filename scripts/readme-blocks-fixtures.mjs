// The inputs the documentation's JavaScript examples name (a token, a
// nonce, a key...), as globals, for scripts/readme-blocks: each is read
// from a committed test vector's first valid case, so an example that uses
// them runs against real data. Nothing here is hard-coded but the vector
// files and their group's algorithm.
import { readFileSync } from "node:fs";

const root = new URL("../test-vectors/", import.meta.url);
const read = (path) => readFileSync(new URL(path, root));
const text = (path) => read(path).toString("utf8");

/** The first valid case of a vector file (whose group passes `group`). */
function firstValid(file, group = () => true) {
  const v = JSON.parse(text(file));
  for (const g of v.testGroups) {
    if (!group(g)) continue;
    const t = g.tests.find((t) => t.result === "valid");
    if (t) return { dir: file.replace(/[^/]*$/, ""), group: g, test: t };
  }
  throw new Error(`no valid case in test-vectors/${file}`);
}

// Web eID: a token, its challenge and its issuing CA (generated PKI).
const web = firstValid("webeid/signature.json");
const tokenBytes = read(web.dir + web.test.input.file);

// SPID: the Response as the browser posts it, with its request and IdP.
const spid = firstValid("spid/input.json", (g) => g.context.input_encoding === "base64");

// A bare signature: a genuine RSA-PSS SHA-256 signature and its key.
const sig = firstValid("signature/rsa_pss.json", (g) => g.context.algorithm === "rsa-pss-sha256");
const hex = sig.test.context.signature;

Object.assign(globalThis, {
  // Web eID
  token: tokenBytes.toString("utf8"),
  tokenJson: tokenBytes.toString("utf8"),
  nonce: web.group.context.nonce,
  issuingCaDerOrPem: new Uint8Array(read(web.dir + web.group.trust.anchors[0])),
  // SPID and CIE ID
  samlResponseFormField: text(spid.dir + spid.test.input.file),
  requestId: spid.group.context.request_id,
  requestIssueInstant: spid.group.context.request_issue_instant,
  idpMetadataXml: text(spid.dir + spid.group.trust.idp_metadata[0]),
  agidRegistryXml: text("spid/metadata/registry-signed.xml"),
  agidSignerPem: text("spid/metadata/registry-signer.pem"),
  // a bare signature
  spkiDer: new Uint8Array(read(sig.dir + sig.group.trust.public_key)),
  message: new Uint8Array(Buffer.from(sig.test.input.base64, "base64")),
  signature: new Uint8Array(Buffer.from(hex, "hex")),
});
