// The globals scripts/readme-blocks-fixtures.mjs sets, for the TypeScript
// blocks that scripts/readme-blocks type-checks.
declare global {
  var token: string;
  var tokenJson: string;
  var nonce: string;
  var issuingCaDerOrPem: Uint8Array;
  var samlResponseFormField: string;
  var requestId: string;
  var requestIssueInstant: string;
  var idpMetadataXml: string;
  var agidRegistryXml: string;
  var agidSignerPem: string;
  var spkiDer: Uint8Array;
  var message: Uint8Array;
  var signature: Uint8Array;
}
export {};
