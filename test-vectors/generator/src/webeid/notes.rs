//! The notes (flags) of the webeid vectors: one catalogue, so a flag means
//! the same thing in every file. A file carries exactly the notes its cases
//! name.

pub use crate::notes::Note;

const WEBEID_FORMAT: &str = "https://github.com/web-eid/web-eid-system-architecture-doc";
const WEBEID_VALIDATION: &str = "https://github.com/web-eid/web-eid-authtoken-validation-java";
const RFC5280_VALIDITY: &str = "https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5";
const RFC5280_KU: &str = "https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.3";
const RFC5280_EKU: &str = "https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12";
const RFC5280_POLICIES: &str = "https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.4";
const RFC5280_NAMES: &str = "https://www.rfc-editor.org/rfc/rfc5280#appendix-A.1";
const ETSI_319412_1: &str = "https://www.etsi.org/deliver/etsi_en/319400_319499/31941201/";
const RFC5280_BC: &str = "https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.9";
const RFC5937: &str = "https://www.rfc-editor.org/rfc/rfc5937#section-3";
const RFC5280_PATH: &str = "https://www.rfc-editor.org/rfc/rfc5280#section-6.1";
const RFC5758: &str = "https://www.rfc-editor.org/rfc/rfc5758#section-3.2";
const X690: &str = "https://www.itu.int/rec/T-REC-X.690";
const RFC8259: &str = "https://www.rfc-editor.org/rfc/rfc8259";
const RFC3629: &str = "https://www.rfc-editor.org/rfc/rfc3629#section-3";
const RFC4648: &str = "https://www.rfc-editor.org/rfc/rfc4648#section-4";
const RFC7518_ES: &str = "https://www.rfc-editor.org/rfc/rfc7518#section-3.4";
const RFC7518_PS: &str = "https://www.rfc-editor.org/rfc/rfc7518#section-3.5";
const RFC8725: &str = "https://www.rfc-editor.org/rfc/rfc8725#section-3.1";
const RFC6960_BASIC: &str = "https://www.rfc-editor.org/rfc/rfc6960#section-4.2.1";
const RFC6960_AUTH: &str = "https://www.rfc-editor.org/rfc/rfc6960#section-4.2.2.2";
const RFC6960_TIME: &str = "https://www.rfc-editor.org/rfc/rfc6960#section-4.2.2.1";
const RFC3370: &str = "https://www.rfc-editor.org/rfc/rfc3370#section-2.1";
const RFC6960_CERTID: &str = "https://www.rfc-editor.org/rfc/rfc6960#section-4.1.1";
const FIPS186_5: &str = "https://doi.org/10.6028/NIST.FIPS.186-5";
const RFC6454: &str = "https://www.rfc-editor.org/rfc/rfc6454#section-6.1";

pub fn note(flag: &str) -> Note {
    let (bug_type, description, cves, links): (&str, &str, &[&str], &[&str]) = match flag {
        "Valid" => ("BASIC", "A genuine token made with the certificate's private key over H(origin) || H(nonce) for the group's origin and nonce; every check passes and the identity comes out of the authentication certificate's subject.", &[], &[WEBEID_FORMAT]),
        "SizeLimit" => ("EDGE_CASE", "Token size in bytes against the limits: fewer than 100 bytes is refused as webeid.token.malformed, more than 10000 as input.too_large; exactly 100 and exactly 10000 pass the size check. Padding is JSON whitespace after '{'.", &[], &[WEBEID_VALIDATION]),
        "LargeInput" => ("RESOURCE_EXHAUSTION", "An input far over the 10000-byte limit: it must be refused by its size before any parsing.", &[], &[]),
        "InvalidUtf8" => ("PARSER_DIFFERENTIAL", "The token bytes are not UTF-8 (a stray 0xFF, an overlong encoding, an encoded UTF-16 surrogate, a truncated sequence). The UTF-8 check runs before JSON parsing, so the code is input.encoding even where the bad byte sits inside a JSON string.", &[], &[RFC3629]),
        "MalformedJson" => ("MODIFIED_PARAMETER", "The token is not one syntactically valid JSON text (RFC 8259): truncated, trailing data, a second value, comments, trailing commas, single quotes, or UTF-16 bytes.", &[], &[RFC8259]),
        "DuplicateKey" => ("PARSER_DIFFERENTIAL", "A JSON object with the same key twice. RFC 8259 leaves the meaning open (Jackson keeps the last, others the first); idbridge refuses duplicate keys at every level as input.json, so no two parsers can read two different tokens out of one input.", &[], &[RFC8259]),
        "NestingDepth" => ("RESOURCE_EXHAUSTION", "Deeply nested JSON (arrays inside an unknown field). idbridge refuses nesting deeper than 32 levels as input.json; moderate nesting in an unknown field is ignored like any unknown field.", &[], &[]),
        "JsonEscapes" => ("PARSER_DIFFERENTIAL", "A field value written with JSON \\u escapes: the value is the decoded string, which must be used (not the raw text).", &[], &[RFC8259]),
        "WrongJsonType" => ("MODIFIED_PARAMETER", "The top-level value is not an object, or a known field holds a number, array, object, boolean or null where a string is required: webeid.token.malformed (no type coercion).", &[], &[WEBEID_FORMAT]),
        "MissingField" => ("MISSING_PARAMETER", "A required token field is absent, or holds the empty string: webeid.token.malformed.", &[], &[WEBEID_FORMAT]),
        "UnknownField" => ("FUNCTIONALITY", "Fields the format does not define are ignored (the Web eID validators ignore unknown properties), as is a missing appVersion; field order and JSON whitespace do not matter.", &[], &[WEBEID_FORMAT]),
        "FormatVersion" => ("EDGE_CASE", "The format field: web-eid:1, web-eid:1.0 and web-eid:1.<digits> follow the 1.0 rules, web-eid:1.1 the 1.1 rules; anything else (missing, empty, other major versions, case or whitespace changes, non-ASCII digits) is webeid.format.unsupported.", &[], &[WEBEID_FORMAT]),
        "Base64Strictness" => ("PARSER_DIFFERENTIAL", "Base64 fields use the standard alphabet (RFC 4648 §4) with optional padding; URL-safe characters, whitespace, line breaks and PEM armour are not base64.", &[], &[RFC4648]),
        "CertEncoding" => ("MODIFIED_PARAMETER", "unverifiedCertificate does not decode to exactly one DER X.509 certificate (text, truncated, trailing bytes, two certificates, BER lengths): x509.cert.malformed.", &[], &[X690]),
        "CertPurpose" => ("MISSING_CHECK", "The authentication certificate must have keyUsage with digitalSignature (absent keyUsage: x509.purpose.missing) and, if it has an extendedKeyUsage extension, clientAuth in it (x509.purpose.wrong); no EKU extension is accepted.", &[], &[RFC5280_KU, RFC5280_EKU]),
        "CertPolicy" => ("MISSING_CHECK", "Certificates carrying one of the disallowed policies 1.3.6.1.4.1.10015.1.3, .1.3.1, .1.3.2, .1.3.3 (Estonian Mobile-ID, not an ID card) are refused: x509.policy.disallowed. Matching is exact (no prefix match); no policies extension is accepted.", &[], &[RFC5280_POLICIES, WEBEID_VALIDATION]),
        "CertValidity" => ("EDGE_CASE", "Validity at `now` is inclusive at both ends (RFC 5280 §4.1.2.5): now == notBefore and now == notAfter are valid; one second outside is x509.cert.not_yet_valid / x509.cert.expired.", &[], &[RFC5280_VALIDITY]),
        "CheckOrder" => ("DEFINED", "More than one check fails on purpose; expectedError is the FIRST failure in idbridge's order (size, UTF-8, JSON, shape, format, 1.1 intermediates, certificate decode, purpose, policy, validity, chain, anchor validity, OCSP O1-O9, algorithm, token signature, 1.1 signing certificates), the order of web-eid-authtoken-validation-java. A verifier with another order still rejects, with another code.", &[], &[WEBEID_VALIDATION]),
        "EncodedDefaultBasicConstraints" => ("LEGACY", "BasicConstraints with an explicit cA=FALSE (30 03 01 01 00): X.690 §11.5 forbids encoding a DEFAULT value, but Finnish ID cards carry it and the reference validators accept it; idbridge tolerates it (named tolerance).", &[], &[X690]),
        "EcdsaSigAlgNullParams" => ("LEGACY", "ecdsa-with-SHA384 AlgorithmIdentifier with explicit NULL parameters in both signature fields. RFC 5758 §3.2 says the parameters MUST be absent; Finnish ID cards carry NULL and the reference validators accept it; idbridge tolerates it on certificate signatures (named tolerance).", &[], &[RFC5758]),
        "UntrustedChain" => ("AUTH_BYPASS", "The authentication certificate has no path to a configured trust anchor (issued by another CA, or by a CA that is not configured): x509.chain.untrusted.", &[], &[RFC5280_PATH]),
        "ForgedIssuer" => ("AUTH_BYPASS", "The certificate names a trusted CA as its issuer but that CA's key did not sign it (a flipped signature bit, or an impostor key under the same name): name matching alone must never make a path.", &[], &[RFC5280_PATH]),
        "AnchorValidity" => ("EDGE_CASE", "The trust anchor that ends the path must be valid at now (inclusive bounds), else x509.cert.expired / x509.cert.not_yet_valid; the anchor's own issuer is never looked at.", &[], &[RFC5280_VALIDITY, WEBEID_VALIDATION]),
        "IgnoredAnchor" => ("EDGE_CASE", "Extra configured anchors that do not end the path (unrelated, even expired) are ignored.", &[], &[WEBEID_VALIDATION]),
        "IntermediateNotTrusted" => ("AUTH_BYPASS", "Only the configured anchors are trusted: the root alone does not make the issuing CA trusted when the issuing CA is not available.", &[], &[RFC5280_PATH]),
        "PemAnchor" => ("FUNCTIONALITY", "The anchor file is PEM instead of DER; the contract accepts both.", &[], &[]),
        "CertSignatureAlgorithm" => ("FUNCTIONALITY", "Certificate signature algorithms the verifier must support on the leaf-to-anchor edge: ecdsa-with-SHA256/384/512 on P-256/384/521 and sha256/384/512WithRSAEncryption.", &[], &[]),
        "TokenAlgorithm" => ("FUNCTIONALITY", "Each of the nine token algorithms (ES256/384/512 raw r||s, PS256/384/512 with MGF1 on the same hash and salt = hash length, RS256/384/512) with a matching key.", &[], &[RFC7518_ES, RFC7518_PS]),
        "AlgorithmAllowList" => ("AUTH_BYPASS", "The algorithm must be exactly one of the nine names (case-sensitive, no trimming): none, lower case, HMAC or EdDSA names are webeid.algorithm.unsupported.", &[], &[RFC8725]),
        "SignatureEncoding" => ("MODIFIED_PARAMETER", "The signature field is not standard base64 of a signature of the right length (URL-safe alphabet, whitespace, one byte short or long): webeid.signature.invalid.", &[], &[RFC7518_ES]),
        "DerSignature" => ("SIGNATURE_MALLEABILITY", "An ECDSA signature in DER (Ecdsa-Sig-Value) instead of the raw r || s JWS requires; accepting both gives every signature two encodings.", &[], &[RFC7518_ES]),
        "ScalarOutOfRange" => ("EDGE_CASE", "ECDSA r or s equal to 0 or to the group order n: FIPS 186-5 §6.4.2 rejects any value outside [1, n - 1].", &[], &[FIPS186_5]),
        "PsychicSignature" => ("KNOWN_BUG", "r = s = 0: Java 15-18 accepted it for any message and key (CVE-2022-21449).", &["CVE-2022-21449"], &["https://nvd.nist.gov/vuln/detail/CVE-2022-21449", FIPS186_5]),
        "SignatureMalleability" => ("SIGNATURE_MALLEABILITY", "The twin (r, n - s) of a genuine ECDSA signature is also valid (no low-S rule in JWS or Web eID): it is no forgery, but signature bytes are not unique.", &[], &[FIPS186_5]),
        "SwappedRS" => ("MODIFIED_PARAMETER", "A genuine signature with r and s swapped: well-formed, does not verify.", &[], &[]),
        "KeyTypeConfusion" => ("WRONG_PRIMITIVE", "The algorithm does not fit the certificate's key: an ES* name on an RSA key, an RS*/PS* name on an EC key, or an ES* name whose curve is not the key's (ES512 on P-384...). webeid.signature.invalid.", &[], &[RFC8725]),
        "PaddingConfusion" => ("WRONG_PRIMITIVE", "An RSASSA-PKCS1-v1_5 signature under a PS* name or an RSASSA-PSS signature under an RS* name.", &[], &[RFC7518_PS]),
        "PssSaltLength" => ("MODIFIED_PARAMETER", "PS256 with a salt that is not the hash length (32 bytes): RFC 7518 §3.5 fixes the salt length, so an auto-detecting verifier is wrong here.", &[], &[RFC7518_PS]),
        "WrongHash" => ("WRONG_PRIMITIVE", "The signed data or the signature uses another hash than the algorithm name says.", &[], &[]),
        "WeakRsaKey" => ("WEAK_PARAMS", "A genuine RS256 token whose certificate has an RSA-1024 key: RSA keys under 2048 bits are refused for the token signature (webeid.signature.invalid).", &[], &["https://doi.org/10.6028/NIST.SP.800-131Ar2"]),
        "OriginMismatch" => ("AUTH_BYPASS", "A token minted for one origin checked for another: the origin is compared exactly as configured (no normalisation of case, default port or trailing parts), through the signature: webeid.signature.invalid.", &[], &[RFC6454, WEBEID_FORMAT]),
        "NonceMismatch" => ("AUTH_BYPASS", "A token answering another challenge: the nonce is inside the signed data, so webeid.signature.invalid.", &[], &[WEBEID_FORMAT]),
        "SignedDataConstruction" => ("AUTH_BYPASS", "A signature over a differently built message: the nonce base64-decoded before hashing, the two hashes swapped, or one hash over origin || nonce. Only H(origin) || H(nonce) of the strings is valid.", &[], &[WEBEID_FORMAT]),
        "ModifiedSignature" => ("AUTH_BYPASS", "A genuine signature with one bit flipped, or a genuine signature made with another key or for another token.", &[], &[]),
        "OriginPort" => ("FUNCTIONALITY", "An origin with an explicit port: valid configuration, and the token signed for exactly that string verifies.", &[], &[RFC6454]),
        "ConfigInvalid" => ("MISSING_CHECK", "The relying party's expectations are refused before any token is looked at: an empty nonce, or an origin that is not https://host[:port] (trailing slash, path, query, fragment, user-info, http). config.invalid.", &[], &[WEBEID_VALIDATION]),
        "SubjectIdentity" => ("AUTH_BYPASS", "The identity comes out of the authentication certificate's subject only when it is unambiguous: exactly one serialNumber, a PrintableString (X.520 X520SerialNumber; RFC 5280 Appendix A) of 1 to 64 characters without a space, not an ETSI semantics identifier alone; at most one givenName, surname and commonName, each a PrintableString, UTF8String or BMPString that is not blank and holds no control character; at most one countryName, two letters in a PrintableString. Anything else is x509.cert.malformed, so an identity is never empty, guessed or the first of two.", &[], &[RFC5280_NAMES, ETSI_319412_1]),
        "AnchorConstraints" => ("MISSING_CHECK", "The anchor certificate's own constraints hold for the paths that end at it (RFC 5937 §3): basicConstraints cA FALSE or a keyUsage without keyCertSign means it may not issue (x509.chain.untrusted); an anchor without basicConstraints adds no constraint. Anchors with the same name and key are the same trust: the first one whose certificate admits the path ends it.", &[], &[RFC5280_BC, RFC5937]),
        "AnchorPathLen" => ("MISSING_CHECK", "The anchor's pathLenConstraint limits the intermediates below it (RFC 5280 §4.2.1.9): ESTEID2026 says 0, so a CA it issued cannot sit between it and the leaf. webpki drops the anchor's constraints; idbridge applies them (OpenSSL: path length constraint exceeded).", &[], &[RFC5280_BC, RFC5937]),
        "TokenIntermediate" => ("AUTH_BYPASS", "A web-eid:1.1 token's unverifiedIntermediateCertificates are used for the path only when byte-equal to a configured anchor, or when the caller brought revocation data (an OCSP response) that covers them; the vectors' context cannot carry such data, so any other intermediate is refused: x509.chain.untrusted.", &[], &[WEBEID_VALIDATION, RFC5280_PATH]),
        "CaAsLeaf" => ("AUTH_BYPASS", "A CA certificate (basicConstraints cA TRUE) offered as the authentication certificate: a CA is no end entity, x509.chain.untrusted.", &[], &[RFC5280_BC]),
        "OcspGood" => ("FUNCTIONALITY", "A correctly signed, fresh OCSP response saying good for the authentication certificate from an authorised responder.", &[], &[RFC6960_BASIC]),
        "OcspOff" => ("FUNCTIONALITY", "No OCSP response in the context: revocation is not checked (control).", &[], &[]),
        "CaSignedOcsp" => ("FUNCTIONALITY", "The issuing CA signs the OCSP response itself (RFC 6960 §4.2.2.2 allows it); it need not be included in certs, and needs no OCSPSigning EKU.", &[], &[RFC6960_AUTH]),
        "OcspStatus" => ("MODIFIED_PARAMETER", "responseStatus is not successful: ocsp.status.error. A status-only response without responseBytes is legal for a non-zero status (RFC 6960 §4.2.1) and must be reported as a status, not as malformed.", &[], &[RFC6960_BASIC]),
        "OcspMalformed" => ("MODIFIED_PARAMETER", "The OCSP response does not decode (garbage, empty, truncated, trailing bytes, successful without responseBytes, not a basic response): ocsp.response.malformed.", &[], &[RFC6960_BASIC]),
        "OcspStrictTime" => ("PARSER_DIFFERENTIAL", "A GeneralizedTime that is not DER (fractional seconds, missing seconds). RFC 5280 §4.1.2.5.2 fixes YYYYMMDDHHMMSSZ; strict parsers refuse the response as malformed.", &[], &[RFC5280_VALIDITY]),
        "OcspCount" => ("EDGE_CASE", "The BasicOCSPResponse must hold exactly one SingleResponse: ocsp.responses.count otherwise.", &[], &[RFC6960_BASIC]),
        "OcspCertIdMismatch" => ("AUTH_BYPASS", "The CertID does not name this certificate: another serial, the wrong or swapped issuer hashes, hashes of another algorithm than the one named, a hash other than SHA-1 or SHA-256, or hash parameters that are neither absent nor NULL. A CertID with SHA-256 and correct SHA-256 hashes matches.", &[], &[RFC6960_CERTID]),
        "OcspCertIdNullParams" => ("PARSER_DIFFERENTIAL", "The CertID's hash AlgorithmIdentifier carries an explicit NULL as parameters (as OpenSSL-based responders write it). RFC 3370 §2.1 and RFC 5754 §2: implementations MUST accept absent and NULL parameters alike, so the CertID is compared by meaning and matches. (The Web eID Java reference compares the encoded structures and refuses it.)", &[], &[RFC6960_CERTID, RFC3370]),
        "OcspSignature" => ("AUTH_BYPASS", "The BasicOCSPResponse signature over tbsResponseData does not verify with the responder's key (certs[0]).", &[], &[RFC6960_BASIC]),
        "OcspResponder" => ("AUTH_BYPASS", "The responder is not authorised (RFC 6960 §4.2.2.2): not the issuing CA, and not a certificate issued by the issuing CA with EKU id-kp-OCSPSigning valid at now; or, with a pinned responder, not byte-equal to it or not valid at now; or no responder certificate at all: ocsp.responder.untrusted.", &[], &[RFC6960_AUTH]),
        "DesignatedResponder" => ("FUNCTIONALITY", "A pinned (designated) responder is trusted by configuration: the response's certs[0] must be byte-equal to it and valid at now; no path to the issuing CA is needed.", &[], &[RFC6960_AUTH]),
        "OcspTime" => ("EDGE_CASE", "thisUpdate must lie in [now - 2 min, now + 15 min] and nextUpdate, if present, must be >= thisUpdate and >= now - 15 min; values exactly on a bound pass: ocsp.time.invalid otherwise.", &[], &[RFC6960_TIME]),
        "OcspNextUpdateBound" => ("DEFINED", "The 'nextUpdate < now - 15 min' rule can never decide alone: any thisUpdate that passes the 2-minute age check is after now - 15 min, and nextUpdate >= thisUpdate. These cases put nextUpdate on that bound and say which rule fires.", &[], &[RFC6960_TIME]),
        "OcspRevoked" => ("AUTH_BYPASS", "A valid OCSP response says revoked (ocsp.cert.revoked) or unknown (ocsp.cert.unknown).", &[], &[RFC6960_BASIC]),
        "OcspNonceIgnored" => ("FUNCTIONALITY", "The response carries a nonce extension; the vectors' context has no request nonce, so it is not checked.", &[], &[]),
        "V11Valid" => ("BASIC", "A web-eid:1.1 token: the authentication part verifies as in 1.0 and every signing certificate passes V1-V7.", &[], &[WEBEID_FORMAT]),
        "V11Shape" => ("MISSING_PARAMETER", "web-eid:1.1 structure: unverifiedIntermediateCertificates, when present, is a non-empty list of non-empty strings; unverifiedSigningCertificates is required (unless intermediates are given) and non-empty; each entry has a non-empty certificate and a non-empty supportedSignatureAlgorithms whose members are in the fixed sets (case-sensitive). webeid.token.malformed.", &[], &[WEBEID_FORMAT]),
        "V11SubjectRdnOrder" => ("EDGE_CASE", "The signing certificate's subject is compared with the authentication certificate's as a set of (attribute type, value) pairs, values case-insensitively: a different RDN order, case or string type is EQUAL.", &[], &[WEBEID_VALIDATION]),
        "V11SigningCert" => ("MISSING_CHECK", "A signing certificate that fails V5-V7: other subject, AuthorityKeyIdentifier keyIdentifier absent or different, keyUsage without nonRepudiation, not valid at now, or no path to an anchor: webeid.signing_certificate.invalid. It is checked after the token signature, and never used for it.", &[], &[WEBEID_VALIDATION]),
        "V11Intermediates" => ("EDGE_CASE", "Token intermediates are decoded (x509.cert.malformed if one is not a certificate) but never make a certificate trusted by themselves.", &[], &[WEBEID_VALIDATION]),
        "V11FieldsIgnored" => ("EDGE_CASE", "Under web-eid:1.<digits> other than 1.1 the 1.0 rules apply and the 1.1 fields are ignored.", &[], &[WEBEID_FORMAT]),
        other => panic!("no note for flag {other}"),
    };
    Note {
        bug_type,
        description,
        cves,
        links,
    }
}
