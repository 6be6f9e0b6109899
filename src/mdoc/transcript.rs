//! The SessionTranscript, rebuilt by the relying party from its own
//! request (never taken from the wallet).

use crate::cbor::Encoder;
use crate::crypto::HashAlg;

/// Which SessionTranscript the wallet had to sign, with the relying
/// party's own values.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Handover {
    /// OpenID4VP 1.0 Appendix B.2.6.1 (invocation by redirect):
    /// `[null, null, ["OpenID4VPHandover", SHA-256(cbor([client_id, nonce,
    /// jwkThumbprint, response_uri]))]]`.
    OpenId4Vp {
        /// The client_id with its prefix (`x509_san_dns:example.com`).
        client_id: String,
        /// The request's nonce.
        nonce: String,
        /// The RFC 7638 SHA-256 thumbprint of the response-encryption key
        /// (raw bytes), `None` when the response is not encrypted.
        jwk_thumbprint: Option<Vec<u8>>,
        /// The response_uri (or the redirect_uri the response mode uses).
        response_uri: String,
    },
    /// OpenID4VP 1.0 Appendix B.2.6.2 (Digital Credentials API):
    /// `[null, null, ["OpenID4VPDCAPIHandover", SHA-256(cbor([origin,
    /// nonce, jwkThumbprint]))]]`.
    OpenId4VpDcApi {
        /// The web origin, without an `origin:` prefix.
        origin: String,
        /// The request's nonce.
        nonce: String,
        /// The thumbprint of the response-encryption key, `None` when not encrypted.
        jwk_thumbprint: Option<Vec<u8>>,
    },
    /// ISO/IEC TS 18013-7:2024 Annex B.4.4 (the drafts before OpenID4VP
    /// 1.0): `[null, null, [SHA-256(cbor([client_id, mdocGeneratedNonce])),
    /// SHA-256(cbor([response_uri, mdocGeneratedNonce])), nonce]]`.
    Iso18013_7 {
        /// The client_id.
        client_id: String,
        /// The response_uri.
        response_uri: String,
        /// The request's nonce.
        nonce: String,
        /// The nonce the wallet sent as the JWE `apu`.
        mdoc_generated_nonce: String,
    },
    /// The SessionTranscript array exactly as both sides hold it (in
    /// proximity `[DeviceEngagementBytes, EReaderKeyBytes, Handover]`),
    /// not wrapped in tag 24.
    SessionTranscript(Vec<u8>),
}

fn sha256(b: &[u8]) -> Vec<u8> {
    HashAlg::Sha256.digest(b)
}

fn thumbprint(e: &mut Encoder, t: Option<&Vec<u8>>) {
    match t {
        Some(t) => e.bytes(t),
        None => e.null(),
    };
}

impl Handover {
    /// The SessionTranscript's CBOR bytes.
    ///
    /// ```
    /// use idbridge::mdoc::Handover;
    /// use base64::Engine as _;
    /// let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    /// let h = Handover::OpenId4Vp {
    ///     client_id: "x509_san_dns:example.com".into(),
    ///     nonce: "exc7gBkxjx1rdc9udRrveKvSsJIq80avlXeLHhGwqtA".into(),
    ///     jwk_thumbprint: Some(b64.decode("QoPsknrg8gjaqi0CaoFPKyLcpSz4X_qPP4Ymxr1mkEc").unwrap()),
    ///     response_uri: "https://example.com/response".into(),
    /// };
    /// // OpenID4VP 1.0 B.2.6.1's published example.
    /// let hex: String = h.session_transcript().iter().map(|b| format!("{b:02x}")).collect();
    /// assert_eq!(hex, "83f6f682714f70656e494434565048616e646f7665725820048bc053c00442af9b8eed494cefdd9d95240d254b046b11b68013722aad38ac");
    /// ```
    pub fn session_transcript(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        match self {
            Handover::OpenId4Vp {
                client_id,
                nonce,
                jwk_thumbprint,
                response_uri,
            } => {
                let mut info = Encoder::new();
                info.array(4).text(client_id).text(nonce);
                thumbprint(&mut info, jwk_thumbprint.as_ref());
                info.text(response_uri);
                e.array(3)
                    .null()
                    .null()
                    .array(2)
                    .text("OpenID4VPHandover")
                    .bytes(&sha256(&info.finish()));
            }
            Handover::OpenId4VpDcApi {
                origin,
                nonce,
                jwk_thumbprint,
            } => {
                let mut info = Encoder::new();
                info.array(3).text(origin).text(nonce);
                thumbprint(&mut info, jwk_thumbprint.as_ref());
                e.array(3)
                    .null()
                    .null()
                    .array(2)
                    .text("OpenID4VPDCAPIHandover")
                    .bytes(&sha256(&info.finish()));
            }
            Handover::Iso18013_7 {
                client_id,
                response_uri,
                nonce,
                mdoc_generated_nonce,
            } => {
                let mut a = Encoder::new();
                a.array(2).text(client_id).text(mdoc_generated_nonce);
                let mut b = Encoder::new();
                b.array(2).text(response_uri).text(mdoc_generated_nonce);
                e.array(3)
                    .null()
                    .null()
                    .array(3)
                    .bytes(&sha256(&a.finish()))
                    .bytes(&sha256(&b.finish()))
                    .text(nonce);
            }
            Handover::SessionTranscript(raw) => {
                e.raw(raw);
            }
        }
        e.finish()
    }
}
