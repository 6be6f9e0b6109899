// Type-checked by wasm/build-pkg.sh (tsc --noEmit, strict) against the
// generated declarations: the options, results and error codes are typed,
// and wrong uses do not compile (each @ts-expect-error must be an error).
import init, {
  Trust,
  verifyWebEidToken,
  verifyWebEidTokenSync,
  verifySpidResponse,
  verifyCieResponseSync,
  verifySignature,
  verifyOidcTrustChain,
  verifyOidcTrustChainSync,
  verifyOidcIdToken,
  verifyOidcIdTokenSync,
  verifySdJwtVc,
  verifySdJwtVcSync,
  verifyMdoc,
  verifyMdocSync,
  verifyIcaoSod,
  verifyIcaoSodSync,
  sdJwtVcStatusList,
  verifyOpenid4vpResponse,
  verifyOpenid4vpResponseSync,
  verifySmartId,
  verifySmartIdSync,
  verifyMobileId,
  verifyMobileIdSync,
  runVectors,
  errorCodes,
  type ErrorCode,
  type IdbridgeError,
  type SamlOptions,
  type VerifiedIdentity,
  type VerifiedSamlResponse,
  type WebEidOptions,
  type OidcChainOptions,
  type OidcIdTokenOptions,
  type VerifiedOidcChain,
  type VerifiedOidcLogin,
  type SdJwtVcOptions,
  type VerifiedSdJwtVc,
  type Openid4vpOptions,
  type VerifiedOpenid4vpResponse,
  type MdocOptions,
  type VerifiedMdoc,
  type IcaoSodOptions,
  type VerifiedIcaoSod,
  type SmartIdOptions,
  type VerifiedSmartId,
  type MobileIdOptions,
  type VerifiedMobileId,
} from "idbridge";

export async function examples(token: string, samlResponse: string, metadata: string): Promise<string> {
  await init();
  const estonia: Trust = Trust.fromEmbedded();
  Trust.fromEmbedded("test");
  // @ts-expect-error: only "production" or "test"
  Trust.fromEmbedded("staging");
  const spid: Trust = Trust.builder().pinSamlIdpMetadata(metadata).build();

  const web: WebEidOptions = { origin: "https://example.ee", nonce: "n", now: new Date() };
  const id: VerifiedIdentity = await verifyWebEidToken(estonia, token, web);
  const same: VerifiedIdentity = verifyWebEidTokenSync(estonia, token, { ...web, now: "2026-11-26T12:00:00Z" });
  // @ts-expect-error: now is required (no implicit clock)
  const noNow: WebEidOptions = { origin: "https://example.ee", nonce: "n" };
  // @ts-expect-error: trust is not an option
  await verifyWebEidToken(estonia, token, { ...web, anchors: "test" });
  // @ts-expect-error: the first argument is a Trust, never options (config.invalid at run time)
  await verifyWebEidToken(token, { ...web, anchors: "embedded" });
  // @ts-expect-error: bytes are a Uint8Array, not a string (config.invalid at run time)
  await verifySignature("rsa-pss-sha256", "key", new Uint8Array(), new Uint8Array());

  const opts: SamlOptions = {
    spEntityId: "https://sp.example.it",
    acsUrl: "https://sp.example.it/acs",
    requestId: "_r",
    now: new Date(),
    minLevel: "SpidL2",
    comparison: "minimum",
  };
  // @ts-expect-error: no such level
  const bad: SamlOptions = { ...opts, minLevel: "SpidL4" };
  const r: VerifiedSamlResponse = await verifySpidResponse(spid, samlResponse, opts);
  const c: VerifiedSamlResponse = verifyCieResponseSync(spid, samlResponse, opts);
  const level: string | undefined = r.identity.level;
  const loa: "low" | "substantial" | "high" | undefined = c.identity.loa;

  await verifySignature("ecdsa-p256-sha256-raw", new Uint8Array(), new Uint8Array(), new Uint8Array(), ["rsa-pss-sha256"]);
  // @ts-expect-error: SHA-1 is not an algorithm here
  await verifySignature("rsa-pkcs1v15-sha1", new Uint8Array(), new Uint8Array(), new Uint8Array());
  const report = await runVectors({ "a.json": "{}" }, ["a.json"]);
  const counts: number = report.passed + report.failed + report.webcryptoChecks;

  const fed: OidcChainOptions = {
    trustAnchors: [{ entityId: "https://registry.spid.gov.it", jwks: { keys: [] } }],
    now: new Date(),
    entityType: "openid_provider",
    requiredTrustMarks: ["https://registry.spid.gov.it/openid_provider/public/"],
  };
  const chain: VerifiedOidcChain = await verifyOidcTrustChain('{"statements":[]}', fed);
  const chain2: VerifiedOidcChain = verifyOidcTrustChainSync(["a.b.c", "d.e.f"], { ...fed, maxPathLength: 1 });
  const chainExp: string = chain.expiresAt;
  const opName: unknown = chain2.metadata["openid_provider"]?.["organization_name"];
  // @ts-expect-error: trust anchors are required
  const noAnchors: OidcChainOptions = { now: new Date() };
  // @ts-expect-error: a chain is not a number
  await verifyOidcTrustChain(42, fed);
  const rpOpts: OidcIdTokenOptions = {
    opJwks: '{"keys":[]}',
    rpDecryptionKey: { kty: "RSA" },
    clientId: "https://rp.example.it/",
    issuer: "https://op.example.it/",
    nonce: "n",
    now: "2026-01-15T10:00:00Z",
    minLevel: "SpidL3",
    system: "cie",
  };
  const login: VerifiedOidcLogin = await verifyOidcIdToken('{"id_token":"a.b.c"}', rpOpts);
  const login2: VerifiedOidcLogin = verifyOidcIdTokenSync(new Uint8Array(), rpOpts);
  const pairwise: string = login.sub;
  const enc: string | undefined = login2.userinfo?.jweEnc;
  // @ts-expect-error: no such level
  const badRp: OidcIdTokenOptions = { ...rpOpts, minLevel: "SpidL4" };
  // @ts-expect-error: the nonce is required
  const noNonce: OidcIdTokenOptions = { opJwks: "{}", clientId: "c", issuer: "i", now: new Date() };

  const vpOpts: SdJwtVcOptions = {
    issuerKeys: '{"keys":[]}',
    statusLists: { "https://status.example/1": "eyJ..." },
    nonce: "n",
    audience: "https://rp.example.it",
    now: new Date(),
    acceptedVct: ["urn:eudi:pid:it:1"],
  };
  const where = sdJwtVcStatusList("a.b.c~");
  const listUri: string | undefined = where?.uri;
  const vp: VerifiedSdJwtVc = await verifySdJwtVc("a.b.c~", vpOpts);
  const vp2: VerifiedSdJwtVc = verifySdJwtVcSync(new Uint8Array(), { ...vpOpts, requireKeyBinding: false });
  const holder: string | undefined = vp.keyBinding?.holderThumbprint;
  const wallet: "sd-jwt-vc" | "spid" | "cie" | "webeid" | "mobile-id" | "smart-id" | "mdoc" | "cie-chip" = vp2.identity.system;
  // @ts-expect-error: no such profile
  const badVp: SdJwtVcOptions = { ...vpOpts, profile: "mdoc" };
  // @ts-expect-error: the issuer's keys are required
  const noKeys: SdJwtVcOptions = { now: new Date() };

  const vpResponse: Openid4vpOptions = {
    ...vpOpts,
    dcqlQuery: { credentials: [{ id: "pid", format: "dc+sd-jwt" }] },
    responseMode: "direct_post.jwt",
    decryptionKey: { kty: "EC", crv: "P-256" },
    walletKeys: '{"keys":[]}',
  };
  const answered: VerifiedOpenid4vpResponse = await verifyOpenid4vpResponse("response=a.b.c.d.e", vpResponse);
  const answered2: VerifiedOpenid4vpResponse = verifyOpenid4vpResponseSync(new Uint8Array(), {
    ...vpOpts, dcqlQuery: "{}", bodyEncoding: "json",
  });
  const pid: VerifiedSdJwtVc | undefined = answered.credentials["pid"]?.[0];
  const rpState: string | undefined = answered2.state;
  // @ts-expect-error: no such response mode
  const badMode: Openid4vpOptions = { ...vpResponse, responseMode: "query" };
  // @ts-expect-error: the DCQL query is required
  const noQuery: Openid4vpOptions = { issuerKeys: "{}", now: new Date() };

  const byMetadata: SdJwtVcOptions = {
    issuerMetadata: { issuer: "https://issuer.example.it", jwks: { keys: [] } },
    now: new Date(),
  };
  // @ts-expect-error: the issuer's keys or its metadata, not both
  const both: SdJwtVcOptions = { ...byMetadata, issuerKeys: '{"keys":[]}' };
  const sidOpts: SmartIdOptions = {
    anchors: ["-----BEGIN CERTIFICATE-----..."],
    now: "2025-09-01T10:00:00Z",
    rpChallenge: "xnjZ...",
    relyingPartyName: "DEMO",
    interactions: "W3si...",
  };
  const sid: VerifiedSmartId = await verifySmartId("{}", sidOpts);
  const sid2: VerifiedSmartId = verifySmartIdSync(new Uint8Array(), {
    ...sidOpts,
    signatureProtocol: "RAW_DIGEST_SIGNATURE",
    signedData: new Uint8Array(),
  });
  const flow: "QR" | "Web2App" | "App2App" | "Notification" | undefined = sid.flowType;
  const sidLevel: "ADVANCED" | "QUALIFIED" = sid2.level;
  // @ts-expect-error: no such protocol
  const badSid: SmartIdOptions = { ...sidOpts, signatureProtocol: "ACSP_V1" };
  const midOpts: MobileIdOptions = { anchors: [new Uint8Array()], now: new Date(), signedHash: "AAAA", hashType: "SHA512" };
  const mid: VerifiedMobileId = await verifyMobileId("{}", midOpts);
  const mid2: VerifiedMobileId = verifyMobileIdSync("{}", midOpts);
  const vc: string = mid.verificationCode;
  const phone: "mobile-id" | "smart-id" | string = mid2.identity.system;
  // @ts-expect-error: no such hash type
  const badMid: MobileIdOptions = { ...midOpts, hashType: "SHA1" };

  const mdocOpts: MdocOptions = {
    iacas: ["-----BEGIN CERTIFICATE-----..."],
    docType: "eu.europa.ec.eudi.pid.1",
    handover: { kind: "openid4vp", clientId: "x509_san_dns:rp.example.it", nonce: "n", responseUri: "https://rp.example.it/r", jwkThumbprint: null },
    now: new Date(),
  };
  const md: VerifiedMdoc = await verifyMdoc("o2d2ZXJzaW9u", mdocOpts);
  const md2: VerifiedMdoc = verifyMdocSync(new Uint8Array(), { ...mdocOpts, input: "cbor", handover: { kind: "session-transcript", sessionTranscript: "80" } });
  const docTypes: string[] = md.docTypes;
  const mdocSystem: "mdoc" | "spid" | "cie" | "webeid" | "sd-jwt-vc" | "mobile-id" | "smart-id" | "cie-chip" = md2.identity.system;
  // @ts-expect-error: the handover needs its request values
  const badHandover: MdocOptions = { ...mdocOpts, handover: { kind: "openid4vp-dc-api", nonce: "n" } };
  // @ts-expect-error: no such input encoding
  const badInput: MdocOptions = { ...mdocOpts, input: "base64" };
  const bpOpts: MdocOptions = { ...mdocOpts, brainpool: true, clockSkewSeconds: 60 };
  // @ts-expect-error: brainpool is a boolean
  const badBp: MdocOptions = { ...mdocOpts, brainpool: "yes" };
  // @ts-expect-error: jwkThumbprint is required (null when not encrypted)
  const noThumb: MdocOptions = { ...mdocOpts, handover: { kind: "openid4vp", clientId: "c", nonce: "n", responseUri: "https://rp.example.it/r" } };

  const chipOpts: IcaoSodOptions = { csca: [new Uint8Array()], now: "2025-09-01T00:00:00Z", ldsProfile: "cie-ias" };
  const chip: VerifiedIcaoSod = await verifyIcaoSod('{"sod":"","data_groups":{}}', chipOpts);
  const chip2: VerifiedIcaoSod = verifyIcaoSodSync(new Uint8Array(), { documentSigners: ["PEM"], now: new Date() });
  const groups: number[] = chip.verifiedDataGroups;
  const fiscal: string | undefined = chip2.identity.subject_id;
  // @ts-expect-error: no such LDS profile
  const badChip: IcaoSodOptions = { ...chipOpts, ldsProfile: "cie" };

  const codes: ErrorCode[] = errorCodes();
  try {
    await verifyWebEidToken(estonia, token, web);
  } catch (e) {
    const err = e as IdbridgeError;
    const code: ErrorCode = err.code;
    if (code === "webeid.signature.invalid") return "bad signature";
    // @ts-expect-error: not an error code
    if (code === "webeid.signature.bad") return "never";
  }
  return [id.subject_id, same.system, noNow, bad, level, loa, counts, codes.length,
    chainExp, opName, noAnchors, pairwise, enc, badRp, noNonce, listUri, holder, wallet, badVp,
    noKeys, pid, rpState, badMode, noQuery, byMetadata, both,
    flow, sidLevel, badSid, vc, phone, badMid, groups.length, fiscal, badChip].join();
}
