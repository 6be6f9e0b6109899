//! Errors and their stable codes: the one place every code is defined.
//!
//! Each [`ErrorCode`] maps to exactly one dotted, lower-case string
//! (`<area>.<what>[.<how>]`) fixed by the test-vector contract
//! (`VECTORS.md`, "Error codes"). A published code is never reused for
//! another meaning; new codes are only ever added.
//!
//! An [`Error`] carries its code and a short, static description of the
//! check that failed. The description is meant for an operator's log; it
//! never contains key material, signature bytes or values that would help an
//! attacker probe a signature.

use core::fmt;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident => $code:literal, )+) => {
        /// The stable code of a failed check.
        ///
        /// `code.as_str()` is what crosses every boundary: the CLI prints it,
        /// the WASM package sets it as `error.code`, and test vectors name it
        /// in `expectedError`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )+
        }

        impl ErrorCode {
            /// Every code, in definition order.
            pub const ALL: &'static [ErrorCode] = &[ $( ErrorCode::$variant, )+ ];

            /// The stable dotted string, e.g. `"saml.audience.mismatch"`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( ErrorCode::$variant => $code, )+
                }
            }

            /// The code named by `s`, if any (exact, case-sensitive match).
            pub fn from_code(s: &str) -> Option<ErrorCode> {
                match s {
                    $( $code => Some(ErrorCode::$variant), )+
                    _ => None,
                }
            }
        }
    };
}

error_codes! {
    // --- input -----------------------------------------------------------
    /// The input is larger than the configured limit.
    InputTooLarge => "input.too_large",
    /// Bad base64, or bytes that are not UTF-8 where text is required.
    InputEncoding => "input.encoding",
    /// Malformed JSON (including duplicate keys and excessive nesting).
    InputJson => "input.json",

    // --- xml -------------------------------------------------------------
    /// The XML is not well formed.
    XmlMalformed => "xml.malformed",
    /// The XML carries a DOCTYPE (any DTD is refused).
    XmlDtdForbidden => "xml.dtd.forbidden",
    /// The XML exceeds a node, depth, attribute or namespace limit.
    XmlLimitsExceeded => "xml.limits.exceeded",

    // --- xmldsig ---------------------------------------------------------
    /// A required signature is absent.
    XmldsigSignatureMissing => "xmldsig.signature.missing",
    /// The signature value does not verify.
    XmldsigSignatureInvalid => "xmldsig.signature.invalid",
    /// A reference's digest does not match the referenced content.
    XmldsigDigestMismatch => "xmldsig.digest.mismatch",
    /// The reference is not exactly one URI to the enclosing, uniquely identified element.
    XmldsigReferenceInvalid => "xmldsig.reference.invalid",
    /// A signature or digest algorithm outside the allow-list.
    XmldsigAlgorithmForbidden => "xmldsig.algorithm.forbidden",
    /// A transform outside enveloped-signature followed by exclusive c14n.
    XmldsigTransformForbidden => "xmldsig.transform.forbidden",
    /// The signing key is not in the trusted metadata.
    XmldsigKeyUntrusted => "xmldsig.key.untrusted",

    // --- saml ------------------------------------------------------------
    /// A required SAML element or attribute is missing, duplicated, empty or malformed.
    SamlStructureInvalid => "saml.structure.invalid",
    /// The SAML Version is not 2.0.
    SamlVersionInvalid => "saml.version.invalid",
    /// The Response's Status is not success.
    SamlStatusFailure => "saml.status.failure",
    /// The Issuer is not the expected IdP, or its Format is wrong.
    SamlIssuerInvalid => "saml.issuer.invalid",
    /// Destination is not the ACS URL.
    SamlDestinationMismatch => "saml.destination.mismatch",
    /// InResponseTo is not the request ID.
    SamlInResponseToMismatch => "saml.in_response_to.mismatch",
    /// IssueInstant is malformed or outside the window.
    SamlTimeInvalid => "saml.time.invalid",
    /// NotOnOrAfter has passed.
    SamlTimeExpired => "saml.time.expired",
    /// NotBefore is still in the future.
    SamlTimeNotYetValid => "saml.time.not_yet_valid",
    /// The audience is not this service provider.
    SamlAudienceMismatch => "saml.audience.mismatch",
    /// SubjectConfirmationData Recipient is not the ACS URL.
    SamlRecipientMismatch => "saml.recipient.mismatch",
    /// NameID format or qualifiers are wrong.
    SamlSubjectInvalid => "saml.subject.invalid",
    /// The authentication level is lower than requested.
    SamlAuthnContextInsufficient => "saml.authn_context.insufficient",
    /// The AuthnContextClassRef is not a known level.
    SamlAuthnContextInvalid => "saml.authn_context.invalid",
    /// An attribute is malformed.
    SamlAttributeInvalid => "saml.attribute.invalid",
    /// The IdP's metadata is past its `validUntil`.
    SamlMetadataExpired => "saml.metadata.expired",
    /// A LogoutRequest's NameID, its NameQualifier or SessionIndex is not the session's.
    SamlLogoutSessionMismatch => "saml.logout.session_mismatch",

    // --- x509 ------------------------------------------------------------
    /// The certificate does not parse.
    X509CertMalformed => "x509.cert.malformed",
    /// The certificate's notAfter has passed.
    X509CertExpired => "x509.cert.expired",
    /// The certificate's notBefore is still in the future.
    X509CertNotYetValid => "x509.cert.not_yet_valid",
    /// No path to a trusted anchor.
    X509ChainUntrusted => "x509.chain.untrusted",
    /// A required key usage or extended key usage is missing.
    X509PurposeMissing => "x509.purpose.missing",
    /// The key usage or extended key usage is for another purpose.
    X509PurposeWrong => "x509.purpose.wrong",
    /// The certificate carries a disallowed policy.
    X509PolicyDisallowed => "x509.policy.disallowed",

    // --- webeid ----------------------------------------------------------
    /// The Web eID token is structurally malformed.
    WebeidTokenMalformed => "webeid.token.malformed",
    /// The token's format is not `web-eid:1` or `web-eid:1.N`.
    WebeidFormatUnsupported => "webeid.format.unsupported",
    /// The token's algorithm is not supported.
    WebeidAlgorithmUnsupported => "webeid.algorithm.unsupported",
    /// The token's signature over origin and nonce does not verify.
    WebeidSignatureInvalid => "webeid.signature.invalid",
    /// A web-eid:1.1 signing certificate does not belong with the
    /// authentication certificate (subject, issuer key, key usage, chain).
    WebeidSigningCertificateInvalid => "webeid.signing_certificate.invalid",

    // --- ocsp ------------------------------------------------------------
    /// The OCSP response does not parse.
    OcspResponseMalformed => "ocsp.response.malformed",
    /// The OCSP responseStatus is not successful.
    OcspStatusError => "ocsp.status.error",
    /// The OCSP CertID does not match the certificate.
    OcspCertIdMismatch => "ocsp.cert_id.mismatch",
    /// The OCSP response does not hold exactly one SingleResponse.
    OcspResponsesCount => "ocsp.responses.count",
    /// The OCSP response's signature does not verify.
    OcspSignatureInvalid => "ocsp.signature.invalid",
    /// The OCSP responder is not authorized.
    OcspResponderUntrusted => "ocsp.responder.untrusted",
    /// thisUpdate/nextUpdate are outside the allowed window.
    OcspTimeInvalid => "ocsp.time.invalid",
    /// The OCSP nonce does not match the request.
    OcspNonceMismatch => "ocsp.nonce.mismatch",
    /// The certificate is revoked.
    OcspCertRevoked => "ocsp.cert.revoked",
    /// The responder does not know the certificate.
    OcspCertUnknown => "ocsp.cert.unknown",

    // --- crypto (added with the crypto module) -----------------------------
    /// The algorithm is unknown or not on the caller's allow-list.
    CryptoAlgorithmForbidden => "crypto.algorithm.forbidden",
    /// The public key (SPKI) does not parse, or its point is not on the curve.
    CryptoKeyMalformed => "crypto.key.malformed",
    /// The key parses but is outside policy (RSA size or exponent, curve).
    CryptoKeyUnsupported => "crypto.key.unsupported",
    /// The key's type or curve does not match the algorithm.
    CryptoKeyMismatch => "crypto.key.mismatch",
    /// The signature's encoding is wrong (length, DER, r/s range, RSA value).
    CryptoSignatureMalformed => "crypto.signature.malformed",
    /// The signature is well formed but does not verify.
    CryptoSignatureInvalid => "crypto.signature.invalid",
    /// More signature checks than the limit allows.
    CryptoChecksExceeded => "crypto.checks.exceeded",

    // --- jws (compact JWS, RFC 7515; the order is VECTORS.md's JOSE rules) ---
    /// Not three base64url segments without padding, or the header or the
    /// payload is not a JSON object (duplicate keys, too deep), or a
    /// registered header parameter has the wrong type.
    JwsMalformed => "jws.malformed",
    /// `alg` is `none`, an HMAC, unknown, or outside the caller's allow-list.
    JwsAlgorithmForbidden => "jws.algorithm.forbidden",
    /// A critical header parameter (`crit`) that idbridge does not
    /// understand, or an unencoded payload (`b64`: false, RFC 7797).
    JwsHeaderUnsupported => "jws.header.unsupported",
    /// The kind requires a `kid` and the header has none (or an empty one).
    JwsKidMissing => "jws.kid.missing",
    /// The `kid` names no trusted key (or there is no trusted key at all).
    JwsKeyUntrusted => "jws.key.untrusted",
    /// The candidate keys' type or curve does not suit `alg`, or their
    /// `use`, `key_ops` or `alg` members rule the signature out.
    JwsKeyMismatch => "jws.key.mismatch",
    /// The signature does not verify under any candidate key.
    JwsSignatureInvalid => "jws.signature.invalid",

    // --- jwk (JSON Web Keys and Sets, RFC 7517/7518/8037) ------------------
    /// Not a JWK (Set): missing or mistyped members, bad base64url,
    /// coordinates of the wrong length, a point off its curve.
    JwkMalformed => "jwk.malformed",
    /// A key type, curve or size outside idbridge's policy (`kty` `oct`,
    /// RSA below 2048 bits).
    JwkUnsupported => "jwk.unsupported",
    /// A private-key member (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`)
    /// where only public keys belong.
    JwkPrivate => "jwk.private",
    /// Two keys of one set share a `kid`.
    JwkKidDuplicate => "jwk.kid.duplicate",

    // --- jwe (compact JWE, RFC 7516; the order is VECTORS.md's kind oidc-id-token, check 9) ---
    /// Not five base64url segments without padding, a protected header that is
    /// not a JSON object, or a part of the wrong length (IV, tag, encrypted
    /// key).
    JweMalformed => "jwe.malformed",
    /// `alg` or `enc` unknown or outside the allow-list (`RSA1_5`, `dir`,
    /// password-based and AES key wrap without ECDH are never accepted), or
    /// compression (`zip`) or a critical extension (`crit`).
    JweAlgorithmForbidden => "jwe.algorithm.forbidden",
    /// The content does not decrypt with the caller's key: another key (or
    /// one whose type, curve, `use`, `key_ops`, `alg` or `kid` rules the
    /// token out), a changed encrypted key, IV, ciphertext, tag or protected
    /// header.
    JweDecryptionFailed => "jwe.decryption.failed",

    // --- oidcfed (OpenID Federation 1.0 trust chains; VECTORS.md kind oidc-trust-chain) ---
    /// An entity statement lacks `iss`, `sub`, `iat`, `exp` or `jwks`, or one
    /// has the wrong type.
    OidcfedStatementMalformed => "oidcfed.statement.malformed",
    /// The JWS `typ` is not `entity-statement+jwt` (or `trust-mark+jwt` for a
    /// trust mark).
    OidcfedTypInvalid => "oidcfed.typ.invalid",
    /// An entity identifier is not an `https://` URL (and `http://` is not
    /// allowed).
    OidcfedEntityIdInvalid => "oidcfed.entity_id.invalid",
    /// A statement's `iat` is after now.
    OidcfedStatementNotYetValid => "oidcfed.statement.not_yet_valid",
    /// A statement's `exp` is not after now.
    OidcfedStatementExpired => "oidcfed.statement.expired",
    /// `iss`/`sub` do not link, or the first statement is not self-issued.
    OidcfedChainBroken => "oidcfed.chain.broken",
    /// The chain does not end at a configured trust anchor, or is the anchor
    /// alone.
    OidcfedTrustAnchorUnknown => "oidcfed.trust_anchor.unknown",
    /// More intermediates than a `max_path_length` constraint (or the caller's
    /// cap) allows.
    OidcfedPathLengthExceeded => "oidcfed.path_length.exceeded",
    /// An entity below a superior falls outside that superior's
    /// `naming_constraints` (OpenID Federation 1.0 §6.2.2).
    OidcfedNamingConstraintsViolated => "oidcfed.naming_constraints.violated",
    /// `metadata_policy_crit` names an operator idbridge does not implement.
    OidcfedPolicyUnsupported => "oidcfed.policy.unsupported",
    /// Metadata policies of two superiors cannot be merged (`value` or
    /// `default` disagreeing, an empty intersection).
    OidcfedPolicyConflict => "oidcfed.policy.conflict",
    /// The resolved metadata breaks a policy (`one_of`, `superset_of`,
    /// `essential`).
    OidcfedPolicyViolation => "oidcfed.policy.violation",
    /// The resolved metadata has no entry for the required entity type.
    OidcfedMetadataMissing => "oidcfed.metadata.missing",
    /// A required trust-mark type is not among the subject's trust marks.
    OidcfedTrustMarkMissing => "oidcfed.trust_mark.missing",
    /// A trust mark's issuer is neither the trust anchor nor listed for its
    /// type, or its keys are not trusted.
    OidcfedTrustMarkIssuerUntrusted => "oidcfed.trust_mark_issuer.untrusted",
    /// A trust mark's type is not the one its entry names.
    OidcfedTrustMarkTypeMismatch => "oidcfed.trust_mark_type.mismatch",
    /// A trust mark is about another entity.
    OidcfedTrustMarkSubjectMismatch => "oidcfed.trust_mark_subject.mismatch",
    /// A trust mark's `iat` is after now.
    OidcfedTrustMarkNotYetValid => "oidcfed.trust_mark.not_yet_valid",
    /// A trust mark's `exp` is not after now.
    OidcfedTrustMarkExpired => "oidcfed.trust_mark.expired",
    /// A trust mark whose type has an owner (`trust_mark_owners`) lacks a
    /// valid `delegation` from that owner to its issuer.
    OidcfedTrustMarkDelegationInvalid => "oidcfed.trust_mark.delegation_invalid",

    // --- oidc (OpenID Connect ID tokens and UserInfo; VECTORS.md kind oidc-id-token) ---
    /// A required claim (`iss`, `sub`, `aud`, `exp`, `iat`, `at_hash`) is
    /// missing or has the wrong type.
    OidcClaimMissing => "oidc.claim.missing",
    /// `iss` is not the expected OpenID Provider.
    OidcIssuerMismatch => "oidc.issuer.mismatch",
    /// `aud` is not exactly our client id, or `azp` names another party.
    OidcAudienceMismatch => "oidc.audience.mismatch",
    /// `exp` (plus the allowed skew) is not after now.
    OidcTimeExpired => "oidc.time.expired",
    /// `iat` or `nbf` is after now (plus the allowed skew).
    OidcTimeNotYetValid => "oidc.time.not_yet_valid",
    /// The ID token has no `nonce`.
    OidcNonceMissing => "oidc.nonce.missing",
    /// The ID token's `nonce` is not the one sent.
    OidcNonceMismatch => "oidc.nonce.mismatch",
    /// `acr` is missing or not a SPID level.
    OidcAcrInvalid => "oidc.acr.invalid",
    /// `acr` is below the level required.
    OidcAcrInsufficient => "oidc.acr.insufficient",
    /// `at_hash` does not match the access token.
    OidcAtHashMismatch => "oidc.at_hash.mismatch",
    /// The UserInfo response is not a compact JWE.
    OidcUserinfoNotEncrypted => "oidc.userinfo.not_encrypted",
    /// The UserInfo is about another `sub` than the ID token.
    OidcSubjectMismatch => "oidc.subject.mismatch",
    /// The authorization response's `state` was not issued by this relying
    /// party, was already used, or has expired (a forged or replayed callback).
    OidcStateUnknown => "oidc.state.unknown",
    /// The authorization response's `state` is not the one bound to this
    /// browser (a login started elsewhere).
    OidcStateMismatch => "oidc.state.mismatch",
    /// The OpenID Provider answered with an error (an `error` authorization
    /// response, a refused token or UserInfo request) or could not be reached.
    OidcProviderError => "oidc.provider.error",

    // --- mobileid (Mobile-ID REST API session status; VECTORS.md kind mobile-id) ---
    /// The session-status response is not what the API sends: no `cert` or
    /// `signature.value`, not strict base64, a certificate that is not DER.
    MobileidResponseMalformed => "mobileid.response.malformed",
    /// `state` is not `COMPLETE` (still `RUNNING`, or missing).
    MobileidSessionNotComplete => "mobileid.session.not_complete",
    /// `result` is not `OK` (the user refused, timed out, ...).
    MobileidResultNotOk => "mobileid.result.not_ok",
    /// The hash the relying party sent does not have its hash type's length
    /// (or is not base64).
    MobileidHashInvalid => "mobileid.hash.invalid",
    /// The signature does not verify over the hash the relying party sent
    /// with the certificate's key.
    MobileidSignatureInvalid => "mobileid.signature.invalid",

    // --- smartid (Smart-ID RP API v3 session status; VECTORS.md kind smart-id) ---
    /// The session-status response is not what the API sends: a member
    /// missing or mistyped, a `serverRandom`, `userChallenge`, `flowType`,
    /// `saltLength` or `certificateLevel` out of its form, a value that is
    /// not strict base64 or longer than any accepted signature.
    SmartidResponseMalformed => "smartid.response.malformed",
    /// `state` is not `COMPLETE` (still `RUNNING`, or missing).
    SmartidSessionNotComplete => "smartid.session.not_complete",
    /// `result.endResult` is not `OK` (the user refused, timed out, ...).
    SmartidResultNotOk => "smartid.result.not_ok",
    /// `signatureProtocol` is not the one the relying party requested.
    SmartidProtocolMismatch => "smartid.protocol.mismatch",
    /// The signature algorithm or its parameters are not RSASSA-PSS with
    /// SHA-2/SHA-3 and MGF1, trailer `0xbc`, or the key is not RSA.
    SmartidAlgorithmUnsupported => "smartid.algorithm.unsupported",
    /// Web2App/App2App: the callback's `userChallengeVerifier` does not
    /// hash to the response's `userChallenge`.
    SmartidUserChallengeMismatch => "smartid.user_challenge.mismatch",
    /// Web2App/App2App: the callback's `sessionSecretDigest` is not the
    /// digest of the session's `sessionSecret`
    /// (`smartid::request::verify_session_secret_digest`).
    SmartidSessionSecretMismatch => "smartid.session_secret.mismatch",
    /// `result.documentNumber` (not signed) is not an account of the
    /// certificate's subject: its serialNumber, `-`, a suffix.
    SmartidDocumentNumberMismatch => "smartid.document_number.mismatch",
    /// `cert.certificateLevel` is below the caller's minimum.
    SmartidCertificateLevelInsufficient => "smartid.certificate_level.insufficient",
    /// The signature does not verify over the payload rebuilt from what the
    /// relying party sent (ACSP_V2) or over the signed data.
    SmartidSignatureInvalid => "smartid.signature.invalid",
    // --- sdjwt (SD-JWT and SD-JWT VC; VECTORS.md kind sd-jwt-vc) ------------
    /// The presentation is not `<JWT>~<disclosure>~…~<KB-JWT or nothing>`:
    /// no `~`, an empty disclosure, a last part that is neither empty nor a
    /// three-segment JWS, or bytes outside ASCII.
    SdjwtFormatInvalid => "sdjwt.format.invalid",
    /// The issuer-signed JWT's `typ` is not one the caller accepts.
    SdjwtTypUnsupported => "sdjwt.typ.unsupported",
    /// `_sd_alg` is not `sha-256`, `sha-384` or `sha-512`.
    SdjwtHashAlgUnsupported => "sdjwt.hash_alg.unsupported",
    /// The same disclosure string appears twice.
    SdjwtDisclosureDuplicate => "sdjwt.disclosure.duplicate",
    /// A disclosure is not base64url JSON of the right shape, or is
    /// referenced from the wrong place (an array element from `_sd`, a
    /// property from `...`).
    SdjwtDisclosureMalformed => "sdjwt.disclosure.malformed",
    /// `_sd` is not an array of strings, a `...` value is not a string, or a
    /// claim the checks read has the wrong type.
    SdjwtClaimsInvalid => "sdjwt.claims.invalid",
    /// A digest appears twice in the payload and the disclosures.
    SdjwtDigestDuplicate => "sdjwt.digest.duplicate",
    /// A disclosure names its claim `_sd` or `...`.
    SdjwtClaimNameForbidden => "sdjwt.claim_name.forbidden",
    /// A disclosure names a claim the object already has.
    SdjwtClaimNameConflict => "sdjwt.claim_name.conflict",
    /// A disclosure that no digest references.
    SdjwtDisclosureUnreferenced => "sdjwt.disclosure.unreferenced",
    /// The credential's `exp` (plus the skew) is not after now.
    SdjwtTimeExpired => "sdjwt.time.expired",
    /// The credential's `nbf` (less the skew) is after now.
    SdjwtTimeNotYetValid => "sdjwt.time.not_yet_valid",
    /// The credential's `iat` is in the future (beyond the skew).
    SdjwtTimeInvalid => "sdjwt.time.invalid",
    /// An SD-JWT VC without a string `vct`.
    SdjwtVctMissing => "sdjwt.vct.missing",
    /// `vct` is not one the caller accepts.
    SdjwtVctMismatch => "sdjwt.vct.mismatch",
    /// The credential's signed `iss` is not the issuer the trust is bound
    /// to (issuer metadata, federation entity).
    SdjwtIssuerMismatch => "sdjwt.issuer.mismatch",
    /// A JWT VC Issuer Metadata document is not a JSON object with a string
    /// `issuer` and an inline `jwks` object.
    SdjwtMetadataInvalid => "sdjwt.metadata.invalid",
    /// The issuer-signed JWT's `x5c` is not an array of 1 to 8 base64
    /// strings (its certificates' own faults are `x509.*`).
    SdjwtX5cInvalid => "sdjwt.x5c.invalid",
    // --- openid4vp (the verifier's side of an OpenID4VP response) ----------
    /// An authorization response body or its `vp_token` is not of the
    /// shape OpenID4VP §8 gives, or answers what the query did not ask.
    Openid4vpResponseInvalid => "openid4vp.response.invalid",
    /// A DCQL query outside the subset idbridge checks, or malformed.
    Openid4vpQueryInvalid => "openid4vp.query.invalid",
    /// No presentation answers one of the query's credential queries.
    Openid4vpCredentialMissing => "openid4vp.credential.missing",
    /// A claim the query requires is not disclosed.
    Openid4vpClaimMissing => "openid4vp.claim.missing",
    /// The response's `state` is not the one the verifier's request sent.
    Openid4vpStateMismatch => "openid4vp.state.mismatch",

    // --- kb (the Key Binding JWT, RFC 9901 §4.3) ------------------------------
    /// No KB-JWT while the caller requires key binding.
    KbMissing => "kb.missing",
    /// A KB-JWT, but the credential has no usable `cnf.jwk`.
    KbKeyMissing => "kb.key.missing",
    /// The KB-JWT's `typ` is not `kb+jwt`.
    KbTypInvalid => "kb.typ.invalid",
    /// The KB-JWT's signature does not verify under `cnf.jwk`.
    KbSignatureInvalid => "kb.signature.invalid",
    /// The KB-JWT's `iat` is missing or outside the accepted window.
    KbTimeInvalid => "kb.time.invalid",
    /// The KB-JWT's `nonce` is not the request's.
    KbNonceMismatch => "kb.nonce.mismatch",
    /// The KB-JWT's `aud` is not this verifier.
    KbAudienceMismatch => "kb.audience.mismatch",
    /// The KB-JWT's `sd_hash` is not the hash of the presentation.
    KbSdHashMismatch => "kb.sd_hash.mismatch",

    // --- status (Token Status List) ------------------------------------------
    /// The credential names a status list the caller did not provide.
    StatusListUnavailable => "status.list.unavailable",
    /// The status list token fails its checks (signature, `typ`, `sub`,
    /// encoding).
    StatusListInvalid => "status.list.invalid",
    /// The status list token's `exp` (plus the skew) is not after now.
    StatusListExpired => "status.list.expired",
    /// The status list token was fetched longer ago than its `ttl` (plus
    /// the skew): the caller must fetch a fresh copy.
    StatusListStale => "status.list.stale",
    /// The credential's `idx` is beyond the list.
    StatusIndexOutOfRange => "status.index.out_of_range",
    /// The credential's status is 1, INVALID (revoked).
    StatusCredentialRevoked => "status.credential.revoked",
    /// The credential's status is 2, SUSPENDED.
    StatusCredentialSuspended => "status.credential.suspended",
    /// The credential's status is another value than VALID, INVALID or
    /// SUSPENDED (3 is application-specific).
    StatusValueUnknown => "status.value.unknown",

    // --- cbor (RFC 8949; VECTORS.md kind mdoc) ---------------------------------
    /// Not well-formed CBOR (RFC 8949 §3, Appendix F): truncated, reserved
    /// additional information, a stray break, a length beyond the input,
    /// bytes after the item.
    CborMalformed => "cbor.malformed",
    /// Well formed but not valid CBOR (§5.3, §5.6): a repeated map key, a
    /// text string that is not UTF-8.
    CborInvalid => "cbor.invalid",
    /// Not preferred serialization (§4.1): an argument wider than needed,
    /// an indefinite length (ISO/IEC 18013-5 §8.1 requires it).
    CborSerializationInvalid => "cbor.serialization.invalid",
    /// Nesting deeper, or more items, than `Limits` allow.
    CborLimitsExceeded => "cbor.limits.exceeded",

    // --- mdoc (ISO/IEC 18013-5 DeviceResponse; VECTORS.md kind mdoc) ---------
    /// The DeviceResponse is not a map with `version` (tstr), `status`
    /// (uint) and an array `documents`.
    MdocResponseMalformed => "mdoc.response.malformed",
    /// The DeviceResponse version is not 1.x.
    MdocVersionUnsupported => "mdoc.version.unsupported",
    /// The DeviceResponse status is not 0 (OK).
    MdocStatusError => "mdoc.status.error",
    /// No Document in the DeviceResponse.
    MdocDocumentsMissing => "mdoc.documents.missing",
    /// A Document without `docType`, `issuerSigned` or `deviceSigned`.
    MdocDocumentMalformed => "mdoc.document.malformed",
    /// A Document's docType is not the requested one.
    MdocDoctypeMismatch => "mdoc.doctype.mismatch",
    /// `issuerAuth` breaks the COSE_Sign1 rules (shape, tag, headers,
    /// `alg` outside the protected header, no `x5chain`).
    MdocIssuerAuthMalformed => "mdoc.issuer_auth.malformed",
    /// The issuerAuth `alg` is outside the caller's allow-list.
    MdocIssuerAlgorithmForbidden => "mdoc.issuer_algorithm.forbidden",
    /// The issuerAuth `alg` does not suit the document signer's key.
    MdocIssuerKeyMismatch => "mdoc.issuer_key.mismatch",
    /// The issuerAuth signature does not verify.
    MdocIssuerSignatureInvalid => "mdoc.issuer_signature.invalid",
    /// The MobileSecurityObject is not what §9.1.2.4 defines.
    MdocMsoMalformed => "mdoc.mso.malformed",
    /// The MSO's digestAlgorithm is outside the caller's list.
    MdocDigestAlgorithmUnsupported => "mdoc.digest_algorithm.unsupported",
    /// An IssuerSignedItem (or its namespace array) is not what §8.3.2.1.2.2 defines.
    MdocIssuerSignedMalformed => "mdoc.issuer_signed.malformed",
    /// An elementIdentifier or digestID twice in one namespace.
    MdocElementDuplicate => "mdoc.element.duplicate",
    /// No MSO digest for an item's namespace and digestID.
    MdocDigestUnknown => "mdoc.digest.unknown",
    /// An item's digest is not the one in the MSO.
    MdocDigestMismatch => "mdoc.digest.mismatch",
    /// The MSO's docType is not the Document's.
    MdocMsoDoctypeMismatch => "mdoc.mso_doctype.mismatch",
    /// validityInfo `signed` is outside the DS certificate's validity.
    MdocValidityInvalid => "mdoc.validity.invalid",
    /// validityInfo `validFrom` is after now (plus the skew).
    MdocValidityNotYetValid => "mdoc.validity.not_yet_valid",
    /// validityInfo `validUntil` is before now (minus the skew).
    MdocValidityExpired => "mdoc.validity.expired",
    /// `deviceSigned` is not a tag-24 nameSpaces and a deviceAuth with
    /// exactly one of deviceSignature and deviceMac.
    MdocDeviceSignedMalformed => "mdoc.device_signed.malformed",
    /// A device-signed element that keyAuthorizations does not allow.
    MdocDeviceSignedUnauthorized => "mdoc.device_signed.unauthorized",
    /// deviceSignature or deviceMac breaks the COSE rules (an attached
    /// payload, `alg` outside the protected header, ...).
    MdocDeviceAuthMalformed => "mdoc.device_auth.malformed",
    /// The device authentication's `alg` is outside the caller's list
    /// (deviceMac: not HMAC 256/256).
    MdocDeviceAlgorithmForbidden => "mdoc.device_algorithm.forbidden",
    /// The deviceSignature `alg` does not suit the MSO's device key.
    MdocDeviceKeyMismatch => "mdoc.device_key.mismatch",
    /// The deviceSignature does not verify (also what another verifier,
    /// nonce, origin, key or handover gives).
    MdocDeviceSignatureInvalid => "mdoc.device_signature.invalid",
    /// deviceMac while the caller allows only deviceSignature.
    MdocDeviceMacForbidden => "mdoc.device_mac.forbidden",
    /// The deviceMac tag does not verify.
    MdocDeviceMacInvalid => "mdoc.device_mac.invalid",

    // --- icao (ICAO 9303 passive authentication; VECTORS.md kind icao-sod) ---
    /// EF.SOD is not a strict-DER CMS SignedData as ICAO 9303-10 §4.6.2
    /// writes it: not DER, bytes after it, not signedData, eContentType not
    /// the LDS security object, not exactly one SignerInfo, its certificate
    /// not among `certificates`, signed contentType not the same OID.
    IcaoSodMalformed => "icao.sod.malformed",
    /// The digest or signature algorithm is not one idbridge verifies
    /// (RSASSA-PSS with other parameters than MGF1 with the same hash and a
    /// salt of the hash's length, SHA-1, curves the backends lack).
    IcaoAlgorithmUnsupported => "icao.algorithm.unsupported",
    /// The signed messageDigest is not the hash of the LDS security object.
    IcaoMessageDigestMismatch => "icao.message_digest.mismatch",
    /// The SignerInfo's signature does not verify with the DS key.
    IcaoSignatureInvalid => "icao.signature.invalid",
    /// The LDS security object is malformed, lists more data groups than
    /// the limit, or a dataGroupNumber the LDS profile does not allow.
    IcaoLdsInvalid => "icao.lds.invalid",
    /// A data group given is not listed in the SOD.
    IcaoDgNotInSod => "icao.dg.not_in_sod",
    /// A data group's hash differs from the one the SOD lists.
    IcaoDgHashMismatch => "icao.dg_hash.mismatch",
    /// DG1 or DG11 (or the IAS NIS) is not well formed where the identity
    /// is read from it.
    IcaoDgMalformed => "icao.dg.malformed",

    // --- config (the caller's own settings) ----------------------------------
    /// The caller's expectations or trust material are unusable (an empty
    /// nonce, an origin that is not `https://host[:port]`, no anchors...).
    ConfigInvalid => "config.invalid",

    // --- vectors (the runner's own failures) --------------------------------
    /// A vector file breaks the format contract.
    VectorsMalformed => "vectors.malformed",
    /// A vector file names a kind this build does not implement.
    VectorsKindUnsupported => "vectors.kind.unsupported",
}

impl ErrorCode {
    /// The area of the code: the part before the first dot.
    pub fn area(self) -> &'static str {
        let s = self.as_str();
        match s.split_once('.') {
            Some((area, _)) => area,
            None => s,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed check: its stable [`ErrorCode`] and a short description.
///
/// ```
/// use idbridge::{Error, ErrorCode};
/// let e = Error::new(ErrorCode::CryptoSignatureInvalid, "the signature does not verify");
/// assert_eq!(e.code(), "crypto.signature.invalid");
/// assert_eq!(e.to_string(), "crypto.signature.invalid: the signature does not verify");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorCode,
    reason: Reason,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Reason {
    Static(&'static str),
    Owned(String),
}

impl Error {
    /// An error with a fixed description of the failed check.
    pub const fn new(kind: ErrorCode, reason: &'static str) -> Self {
        Error {
            kind,
            reason: Reason::Static(reason),
        }
    }

    /// An error whose description names non-secret details (a path, a limit).
    pub fn with_detail(kind: ErrorCode, reason: impl Into<String>) -> Self {
        Error {
            kind,
            reason: Reason::Owned(reason.into()),
        }
    }

    /// The stable code as a string, e.g. `"webeid.signature.invalid"`.
    pub fn code(&self) -> &'static str {
        self.kind.as_str()
    }

    /// The stable code as an enum.
    pub fn kind(&self) -> ErrorCode {
        self.kind
    }

    /// The one-line description of the failed check, without the code.
    pub fn reason(&self) -> &str {
        match &self.reason {
            Reason::Static(s) => s,
            Reason::Owned(s) => s,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.reason())
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_dotted_lower_case_and_round_trip() {
        let mut seen = HashSet::new();
        for &c in ErrorCode::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(s.contains('.'), "{s} has no area");
            assert!(
                s.chars().all(|ch| ch.is_ascii_lowercase()
                    || ch.is_ascii_digit()
                    || ch == '.'
                    || ch == '_'),
                "{s} is not lower-case dotted"
            );
            assert_eq!(ErrorCode::from_code(s), Some(c));
        }
        assert_eq!(ErrorCode::from_code("SAML.audience.mismatch"), None);
    }

    #[test]
    fn every_code_fixed_by_the_contract_is_defined() {
        // The table of VECTORS.md, "Error codes", verbatim.
        let fixed = "input.too_large input.encoding input.json xml.malformed xml.dtd.forbidden \
            xml.limits.exceeded xmldsig.signature.missing xmldsig.signature.invalid \
            xmldsig.digest.mismatch xmldsig.reference.invalid xmldsig.algorithm.forbidden \
            xmldsig.transform.forbidden xmldsig.key.untrusted saml.structure.invalid \
            saml.version.invalid saml.status.failure saml.issuer.invalid saml.destination.mismatch \
            saml.in_response_to.mismatch saml.time.invalid saml.time.expired \
            saml.time.not_yet_valid saml.audience.mismatch saml.recipient.mismatch \
            saml.subject.invalid saml.authn_context.insufficient saml.authn_context.invalid \
            saml.attribute.invalid x509.cert.malformed x509.cert.expired x509.cert.not_yet_valid \
            x509.chain.untrusted x509.purpose.missing x509.purpose.wrong x509.policy.disallowed \
            webeid.token.malformed webeid.format.unsupported webeid.algorithm.unsupported \
            webeid.signature.invalid ocsp.response.malformed ocsp.status.error \
            ocsp.cert_id.mismatch ocsp.responses.count ocsp.signature.invalid \
            ocsp.responder.untrusted ocsp.time.invalid ocsp.nonce.mismatch ocsp.cert.revoked \
            ocsp.cert.unknown";
        for code in fixed.split_whitespace() {
            assert!(ErrorCode::from_code(code).is_some(), "{code} missing");
        }
    }

    #[test]
    fn display_and_area() {
        let e = Error::with_detail(ErrorCode::InputTooLarge, "10001 bytes > 10000");
        assert_eq!(e.to_string(), "input.too_large: 10001 bytes > 10000");
        assert_eq!(e.kind().area(), "input");
        assert_eq!(e.reason(), "10001 bytes > 10000");
    }
}
