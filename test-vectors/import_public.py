#!/usr/bin/env python3
"""Imports the public conformance suites into test-vectors/conformance/.

The public material (upstream test data, in ../shared/data/<suite>/) and the
outcomes the public suites record for it (../shared/vectors/<suite>/*.json)
are read; what comes out is ours: one vector file per public file, in the
idbridge-vectors/1 format, with our own header, notes, group sources and case
comments, every case naming its upstream project, file and commit. The data
(tokens, certificates, signed Responses, OCSP responses) is copied byte for
byte beside the vector files, under upstream/ (as published) and derived/
(mutations the public suites made of it); nothing else is copied. Private
keys are never read, except the oidc-id-token suite's RP decryption key: a
TEST key made for those vectors, the kind's trust material. Each suite folder gets a NOTICE with the upstream
licences and a README.md per folder.

    python3 test-vectors/import_public.py                 # writes test-vectors/conformance
    python3 test-vectors/import_public.py --out DIR       # writes DIR instead (CI: diff -r)
    python3 test-vectors/import_public.py --check         # exit 1 if conformance/ differs

../shared is found beside the repository, or where IDBRIDGE_SHARED_DIR says.
Deterministic: the same ../shared gives the same bytes. Standard library only.
"""

import argparse
import base64
import binascii
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from pylib import vecfile  # noqa: E402

# --------------------------------------------------------------------------
# The table: every folder of ../shared/vectors is either imported or pending.
# Adding a suite whose kind the runner implements is an edit here: move it
# from PENDING to SUITES and give its headers, notes and upstream licences.
# --------------------------------------------------------------------------

SUITES = ["spid", "webeid", "oidc-trust-chain", "oidc-id-token", "sd-jwt-vc", "mobile-id", "smart-id", "mdoc"]

PENDING = {
    "icao-sod": "kind icao-sod is not implemented yet (issue 19)",
}

SPID_PROJECT = "italia/spid-saml-check"
JAVA_PROJECT = "web-eid/web-eid-authtoken-validation-java"
DOTNET_PROJECT = "web-eid/web-eid-authtoken-validation-dotnet"
OIDCFED_PROJECT = "italia/spid-cie-oidc-django"
OIDCFED_COMMIT = "931c95394b53c9f8b31a03525759ef99ba29753d"
EUDI_SDJWT_PROJECT = "eu-digital-identity-wallet/eudi-lib-jvm-sdjwt-kt"
EUDI_SDJWT_COMMIT = "0ebe6527f3175018708eff415edbce15173f204f"
STATUS_LIST_PROJECT = "oauth-wg/draft-ietf-oauth-status-list"
STATUS_LIST_COMMIT = "2fb61cd535a82ec77fe43d604e31b7012cab4adc"
# Suites holding both public material (data/<suite>/public/) and material
# made with idbridge's own TEST keys (data/<suite>/own/).
MIXED_SUITES = {"sd-jwt-vc", "mdoc"}

# Upstream licences of the data each suite ships (../shared/data/*/index.md,
# spid_tests.json), written into the suite's NOTICE.
MIT_TEXT = """Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

ISC_TEXT = """Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
"""

# Licence texts written beside a suite's NOTICE, from test-vectors/licences/
# (see its README.md for where each text comes from).
LICENCES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "licences")


def licence_text(name):
    with open(os.path.join(LICENCES_DIR, name), "rb") as f:
        return f.read()


LICENCE_FILES = {
    "spid": {"LICENSE-EUPL-1.2": licence_text("EUPL-1.2.txt")},
    "mdoc": {"LICENSE-EUPL-1.2": licence_text("EUPL-1.2.txt")},
}

MID_PROJECT = "SK-EID/mid-rest-java-client"
# The public mdoc material (../shared/data/mdoc/index.md): each folder of
# data/mdoc/public/ -> (project, commit, where in it).
MDOC_PUBLIC = {
    "iso-18013-5-annex-d": (
        "openwallet-foundation/multipaz",
        "af670c68e15fe85087409aa4c8a96944ac8f160d",
        "multipaz/src/commonTest/kotlin/org/multipaz/mdoc/TestVectors.kt (the ISO/IEC 18013-5 Annex D "
        "example; its IACA from MinBZK/nl-wallet@0bc813655344cba32f2ea0ef047d322cd00323b5 "
        "wallet_core/mdoc/src/examples.rs)",
    ),
    "pymdoccbor": (
        "IdentityPython/pyMDOC-CBOR",
        "7f56f86fc6471ac29d93fd7dc9daa20706e4735c",
        "pymdoccbor/tests/test_01_mdoc_parser.py ISSUED_MDOC",
    ),
    "eudi-verifier-endpoint": (
        "eu-digital-identity-wallet/eudi-srv-web-verifier-endpoint-23220-4-kt",
        "3284cc1efbc873e682315f3188eaabe88dca949f",
        "DeviceResponseValidatorTest.kt test data and src/test/resources/PIDIssuerCAUT01.pem "
        "(at 71d8e5b0bb7e5851894c4fd71bd5ab6cb684ab7c)",
    ),
    "annex-b-examples": (
        "awoie/annex-b-examples",
        "2827863ad89f16a71cd6383a09a2c71b78fa506f",
        "examples/annex-b-examples.txt",
    ),
    "isomdl": (
        "spruceid/isomdl",
        "fcb49d15ad9d54afa028a12183ee7fab1e46a5dc",
        "test/presentation/isomdl_iaca_root_cert.pem and test/definitions/device_response.cbor",
    ),
}

SID_PROJECT = "SK-EID/smart-id-java-client"
SID_COMMIT = "bc61573"

NOTICES = {
    "mdoc": [
        (
            "openwallet-foundation/multipaz",
            "Apache-2.0",
            "Copyright The Android Open Source Project",
            "The ISO/IEC 18013-5 Annex D DeviceResponse, DS certificate and reader ephemeral key "
            "under upstream/public/iso-18013-5-annex-d/ (TestVectors.kt at "
            "af670c68e15fe85087409aa4c8a96944ac8f160d; the .cbor and .pem forms and the derived-* "
            "mutations were written from its hex by the public suite). Licence text: "
            "https://www.apache.org/licenses/LICENSE-2.0.",
        ),
        (
            "MinBZK/nl-wallet",
            "EUPL-1.2",
            "Copyright the nl-wallet contributors (Dutch Ministry of the Interior)",
            "The Annex D IACA certificate (upstream/public/iso-18013-5-annex-d/iaca.pem, from "
            "wallet_core/mdoc/src/examples.rs at 0bc813655344cba32f2ea0ef047d322cd00323b5, as PEM). "
            "The European Union Public Licence v. 1.2: its English text is LICENSE-EUPL-1.2 beside "
            "this file.",
        ),
        (
            "IdentityPython/pyMDOC-CBOR",
            "Apache-2.0",
            "Copyright the pyMDOC-CBOR contributors",
            "upstream/public/pymdoccbor/issued-mdoc.cbor (ISSUED_MDOC of "
            "pymdoccbor/tests/test_01_mdoc_parser.py at 7f56f86fc6471ac29d93fd7dc9daa20706e4735c, "
            "as bytes). Licence text: https://www.apache.org/licenses/LICENSE-2.0.",
        ),
        (
            "eu-digital-identity-wallet/eudi-srv-web-verifier-endpoint-23220-4-kt",
            "Apache-2.0",
            "Copyright the European Commission (EUDI Wallet reference implementation)",
            "The vp_tokens and the PID Issuer CA certificate under "
            "upstream/public/eudi-verifier-endpoint/. Licence text: "
            "https://www.apache.org/licenses/LICENSE-2.0.",
        ),
        (
            "awoie/annex-b-examples",
            "ISC (as declared in its package.json)",
            "Copyright the annex-b-examples authors",
            "upstream/public/annex-b-examples/vp-token.b64u and the SessionTranscript the "
            "vectors' context gives (examples/annex-b-examples.txt at "
            "2827863ad89f16a71cd6383a09a2c71b78fa506f).",
        ),
        (
            "spruceid/isomdl",
            "MIT OR Apache-2.0 (used here under MIT)",
            "Copyright Spruce Systems, Inc.",
            "upstream/public/isomdl/ (the test root certificate and the synthetic DeviceResponse "
            "at fcb49d15ad9d54afa028a12183ee7fab1e46a5dc).",
        ),
    ],
    "smart-id": [
        (
            SID_PROJECT,
            "MIT",
            "Copyright (c) 2018 SK ID Solutions AS",
            "The TEST CA certificates, the stub session-status response, the signed XAdES "
            "SignedInfo bytes and (inside upstream/sk_raw_digest_rsa6144*.json) the RSA-6144 "
            "signature and signing certificate come from the client's test resources at bc61573 "
            "(src/test/resources/, SignatureValueValidatorImplTest).",
        ),
    ],
    "mobile-id": [
        (
            MID_PROJECT,
            "MIT",
            "Copyright (c) 2018 SK ID Solutions AS",
            "The authentication certificate, the signed hashes and the raw r||s signatures inside "
            "the session-status responses under upstream/ come from the client's TestData "
            "(src/test/java/ee/sk/mid/mock/TestData.java at cf04a09); the CA certificates "
            "TEST of ESTEID-SK 2015 and 2011 are SK's published test CAs.",
        ),
    ],
    "spid": [
        (
            SPID_PROJECT,
            "EUPL-1.2",
            "AgID - Agenzia per l'Italia Digitale",
            "The Responses under upstream/ssc_signed/ were rendered from the templates of "
            "italia/spid-saml-check (src/test/*.xml, src/config-sample/test.json test-suite-1) "
            "with one fixed context and signed with the validator's published test key; the "
            "files under derived/ were cut from two of them. They are distributed here under "
            "the European Union Public Licence v. 1.2: its English text is LICENSE-EUPL-1.2 "
            "beside this file; every official EU language: "
            "https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12.",
        ),
    ],
    "oidc-trust-chain": [
        (
            OIDCFED_PROJECT,
            "Apache-2.0",
            "Copyright the spid-cie-oidc-django contributors (Developers Italia)",
            "The entity statements inside the trust-chain documents under upstream/chains/ "
            "come from the example federation's Django fixtures (examples/*/dumps/example.json "
            "at %s), copied byte for byte in the chains without 'derived' in their name and "
            "re-signed with the fixtures' published test keys in the others; the JWK Sets under "
            "upstream/jwks/ are public keys taken from the same fixtures. Licence text: "
            "https://www.apache.org/licenses/LICENSE-2.0." % OIDCFED_COMMIT,
        ),
    ],
    "sd-jwt-vc": [
        (
            EUDI_SDJWT_PROJECT,
            "Apache-2.0",
            "Copyright the eudi-lib-jvm-sdjwt-kt contributors (European Commission, EUDI Wallet)",
            "The SD-JWT under upstream/public/eudi-lib-jvm-sdjwt-kt/ (issuance and presentation "
            "forms, src/test/resources at %s) and the public halves of its example issuer and "
            "holder keys as JWK Sets; the inline mutations of that SD-JWT in "
            "eudi-lib-jvm-sdjwt-kt.json. Licence text: "
            "https://www.apache.org/licenses/LICENSE-2.0." % EUDI_SDJWT_COMMIT,
        ),
        (
            STATUS_LIST_PROJECT,
            "IETF Trust (BCP 78/79); code components Revised BSD",
            "Copyright (c) the IETF Trust and the persons identified as the document authors",
            "The example status list token under upstream/public/draft-ietf-oauth-status-list/ "
            "(examples/status_list_jwt_raw.md at %s, its line breaks removed) and "
            "the public half of the draft's example key (src/util.py). Code components of IETF "
            "documents are under the Revised BSD License: "
            "https://trustee.ietf.org/documents/trust-legal-provisions/." % STATUS_LIST_COMMIT,
        ),
    ],
    "webeid": [
        (
            JAVA_PROJECT,
            "MIT",
            "Copyright (c) 2020-2025 Estonian Information System Authority",
            "The tokens, certificates and OCSP responses under upstream/java/ and "
            "upstream/ca-certs/, and the mutations of them under derived/.",
        ),
        (
            DOTNET_PROJECT,
            "MIT",
            "Copyright (c) 2021 eID on platform Web",
            "The files under upstream/dotnet/.",
        ),
    ],
}

# Suites made with idbridge's own TEST keys (no third-party material): the
# one line their NOTICE gives instead of upstream projects.
OWN_SUITES = {
    "oidc-id-token": "The ID tokens, access tokens, UserInfo responses and keys under upstream/ were "
    "made for the shared oidc-id-token vectors with idbridge's own TEST keys, after the SPID/CIE "
    "OIDC guidelines (italia/spid-cie-oidc-docs); no third-party material. Never trust the keys.",
}

# The line a mixed suite's NOTICE gives for its own material.
MIXED_OWN_TEXT = {
    "mdoc": "The certificates and responses under upstream/own/ were made for the shared mdoc "
    "vectors with idbridge's own TEST PKI (IACAs, document signers and device keys; a fictitious "
    "PID and mDL holder); no third-party material. Never trust the certificates.",
    "smart-id": "The CA certificate own_TEST_SmartID_CA.der and the acsp_*.json responses under "
    "upstream/ were made for the shared smart-id vectors with idbridge's own TEST keys (a TEST "
    "RSA-6144 user key under a TEST P-384 CA); no third-party material. Never trust the keys.",
    "sd-jwt-vc": "The presentations, status list and JWK Sets under upstream/own/ were made for the "
    "shared sd-jwt-vc vectors with idbridge's own TEST keys (a fictitious PID subject); no "
    "third-party material. Never trust the keys.",
}

# The private keys a suite may reference: trust material its kind needs.
TRUST_PRIVATE_KEYS = {"oidc-id-token": ["keys/rp-enc-private.jwk.json"]}

# Our header of each imported vector file.
HEADERS = {
    ("mdoc", "own-pki.json"): [
        "ISO/IEC 18013-5 DeviceResponses (an IT PID and an mDL) made with idbridge's own TEST PKI, "
        "over OpenID4VP (B.2.6.1, B.2.6.2 and 18013-7 handovers) and in proximity; imported from "
        "the shared suite by test-vectors/import_public.py (see NOTICE).",
        "The genuine responses and tolerated forms, then one change per case: the SessionTranscript, "
        "deviceSigned and deviceAuth, the issuer-signed items, the MSO, issuerAuth, the DS "
        "certificate, the DeviceResponse, CBOR well-formedness, validity, preferred serialization "
        "and limits, base64url.",
    ],
    ("mdoc", "published-samples.json"): [
        "Published mdoc responses: the ISO/IEC 18013-5 Annex D example (deviceMac) and mutations "
        "of it, pyMDOC-CBOR's earlier edition, EUDI reference wallet responses, an 18013-7 Annex B "
        "VP token and isomdl's synthetic response; imported from the shared suite by "
        "test-vectors/import_public.py; upstream licences in NOTICE.",
    ],
    ("smart-id", "smart-id.json"): [
        "Smart-ID RP API v3 session-status responses, imported from the public suite by "
        "test-vectors/import_public.py: ACSP_V2 authentications signed with idbridge's own TEST "
        "RSA-6144 key under its own TEST P-384 CA (QR flow with RSASSA-PSS SHA3-512, Web2App with "
        "SHA-512), SK's stub response, and SK's one real RSA-6144 RSASSA-PSS signature as a "
        "RAW_DIGEST_SIGNATURE response; SK's material under MIT (see NOTICE).",
        "Each case changes one thing: a request value the ACSP_V2 payload binds, a signed response "
        "field, the user-challenge verifier, the end result, state, protocol, algorithm, level, "
        "response shape, certificate time or trust.",
    ],
    ("mobile-id", "mobile-id.json"): [
        "Mobile-ID REST API authentication session-status responses around SK's published test "
        "data (a P-256 authentication certificate of a TEST person, 64-byte SHA-512 hashes signed "
        "with raw r||s), imported from the public suite by test-vectors/import_public.py; "
        "upstream data under MIT (see NOTICE).",
        "The two genuine signatures, then one change per case: an RSA-sized, swapped or zero "
        "signature, the session's state and result, the trusted CA and the time.",
    ],
    ("spid", "spid-saml-check.json"): [
        "SPID SAML 2.0 Responses from the AgID validator's response tests (italia/spid-saml-check, "
        "test-suite-1), imported from the public suite into idbridge's repository by "
        "test-vectors/import_public.py; upstream data under EUPL-1.2 (see NOTICE).",
        "Every Response was rendered with one context (SP https://sp.example.it, ACS "
        "https://sp.example.it/acs, AuthnRequest _4d38c302617b5bf98951e65b4cf304711e2166df20 "
        "sent 2025-01-01T10:00:00Z, SpidL2 minimum) and checked at 2025-01-01T10:00:30Z without "
        "clock skew; the trusted IdP is trust/idp-metadata.xml, which the importer writes around "
        "the validator's published signing certificate.",
        "Besides the upstream cases: every returned level against every requested level and "
        "Comparison, the HTTP-POST (base64) form of three Responses, and two Responses cut down "
        "to an Assertion signature without KeyInfo.",
    ],
    ("oidc-trust-chain", "spid-cie-oidc-django.json"): [
        "OpenID Federation 1.0 trust chains of the spid-cie-oidc-django example federation "
        "(trust anchor http://127.0.0.1:8000/, two providers, a relying party, an aggregator; "
        "April 2022), imported from the public suite by test-vectors/import_public.py; "
        "upstream data under Apache-2.0 (see NOTICE).",
        "The genuine chains at times around their validity, against other anchors, without the "
        "anchor's configuration and with one signature byte changed; then statements re-signed "
        "with the fixtures' published keys, each with one change: kid, typ, sub, exp, a "
        "metadata policy, a trust mark, an intermediate.",
    ],
    ("webeid", "java-suite.json"): [
        "Web eID authentication tokens of TEST ESTEID2018 cards from the Web eID validators' "
        "own test suites (Java and .NET), imported from the public suite by "
        "test-vectors/import_public.py; upstream data under MIT (see NOTICE).",
        "The genuine token at dates on both sides of its certificate's validity, for other "
        "origins and nonces, under other anchors, and with its algorithm, format, signature "
        "and size altered one at a time.",
    ],
    ("webeid", "certificates.json"): [
        "The Java suite's certificate tests: its token template carrying, in turn, each test "
        "certificate and each malformed unverifiedCertificate value; imported by "
        "test-vectors/import_public.py (upstream MIT, see NOTICE).",
        "The template's signature never verifies, so where several checks fail the expected "
        "code is the first failure in the Java validator's order (flag JavaCheckOrder).",
    ],
    ("webeid", "ocsp.json"): [
        "Revocation checks with the Java suite's genuine and corrupted OCSP responses, all "
        "about one ESTEID2018 certificate; imported by test-vectors/import_public.py "
        "(upstream MIT, see NOTICE).",
        "No upstream response covers a certificate whose key signed a token, so the only "
        "valid case is the OCSP-off control.",
    ],
    ("webeid", "web-eid-1.1.json"): [
        "web-eid:1.1 tokens (an authentication certificate plus signing certificates) from the "
        "Java validator's NFC-128 branch; imported by test-vectors/import_public.py (upstream "
        "MIT, see NOTICE).",
    ],
    ("webeid", "belgian-finnish-latvian.json"): [
        "Web eID tokens of Belgian and Finnish test ID cards (ES384, RS256, PS256) and the "
        "Latvian RS256 token, from the Java validator's tests; imported by "
        "test-vectors/import_public.py (upstream MIT, see NOTICE).",
    ],
    ("sd-jwt-vc", "own-issuer.json"): [
        "SD-JWT VC presentations (dc+sd-jwt, KB-JWT, Token Status List) of a fictitious PID "
        "subject, issued with idbridge's own TEST P-256 keys, plus the Token Status List draft's "
        "public example list; imported from the shared suite by test-vectors/import_public.py "
        "(see NOTICE).",
        "The genuine presentations (all disclosures with KB-JWT, issuance form, legacy typ, "
        "status VALID) and one change each: typ, disclosures, digests, claim names, _sd_alg, "
        "alg, key, payload, expiry, vct, the KB-JWT's nonce, sd_hash, typ and age, cnf, and "
        "status (revoked, out of range, value 3, list missing, list signed by another key).",
    ],
    ("sd-jwt-vc", "eudi-lib-jvm-sdjwt-kt.json"): [
        "The RS256 SD-JWT published by eu-digital-identity-wallet/eudi-lib-jvm-sdjwt-kt (no typ, "
        "vct or cnf), checked as RFC 9901 SD-JWT; imported from the shared suite by "
        "test-vectors/import_public.py; upstream data under Apache-2.0 (see NOTICE).",
        "The issuance form as published, and mutations that need no private key: expiry, "
        "key-binding policy, the SD-JWT VC profile, re-encoded and repeated disclosures, alg "
        "none, alg changed, payload changed, another key.",
    ],
    ("oidc-id-token", "spid-cie-id-token.json"): [
        "SPID/CIE OpenID Connect ID tokens, access tokens and signed-then-encrypted UserInfo "
        "responses of an OP https://op.idbridge.test/ for the RP https://rp.idbridge.test/, made "
        "with idbridge's own TEST keys; imported from the shared suite by "
        "test-vectors/import_public.py (see NOTICE).",
        "The genuine logins (RS256 and RS512, levels L1 to L3, aud as a string or an array, one "
        "with the UserInfo RSA-OAEP + A256CBC-HS512 around an RS256 JWS) and one change each: "
        "audience, time window, issuer, nonce, acr, alg none and HMAC key confusion, signature, "
        "kid and key type, at_hash, and the UserInfo's sub, aud, algorithm, key, ciphertext, "
        "encryption and inner signature.",
    ],
}

# Our description of every flag the public suites use (bugType, CVEs and
# links are carried over as facts). A flag missing here stops the import.
NOTE_TEXT = {
    # spid
    "UnsignedAssertion": "The Assertion has no signature of its own; SPID requires one, whatever "
    "the Response carries, or anyone could write the identity.",
    "UntrustedSigningKey": "The signature is by a key the trusted metadata does not hold, and "
    "KeyInfo carries that key's certificate: a verifier taking the key from KeyInfo accepts a forgery.",
    "SignedElementConfusion": "The only signature that verifies covers another element (a foreign "
    "md:EntityDescriptor inside the Response); the Assertion's own signature is missing or bad.",
    "ForeignOrUnsolicitedResponse": "InResponseTo is absent, empty or names another request: "
    "an unsolicited or replayed Response, which SPID refuses.",
    "WrongEndpoint": "Destination or Recipient is absent or another endpoint: a Response for "
    "another service presented here.",
    "AudienceNotRestricted": "No Audience names this service provider, so the Assertion could "
    "have been issued to another one.",
    "ExpiredAssertionReplay": "NotOnOrAfter is absent, malformed or in the past; without it an "
    "old Assertion could be replayed for ever.",
    "IssuerSpoofing": "The Issuer is absent, empty or not the IdP whose metadata key signed.",
    "LevelDowngrade": "The returned SPID level does not meet the requested level under the "
    "requested Comparison (spid-sp-test's rule: higher always passes, equal passes unless "
    "Comparison is better, lower passes only with maximum).",
    "SpidHigherLevelAllowed": "A higher level than exact or maximum allows: plain SAML refuses "
    "it, the SPID technical rules say a higher level must not make the login fail.",
    "MetadataCertificateDates": "The metadata certificate's validity (2025-03-13 to 2027-03-13) "
    "does not cover now; a key in trusted metadata is a bare key and its certificate dates are "
    "not evaluated.",
    # oidc-trust-chain
    "BrokenSignature": "A statement's signature does not verify with its superior's keys (or, "
    "for the last statement, with the configured trust-anchor keys).",
    "ExpiredStatement": "A statement of the chain is outside iat..exp at now: the whole chain is "
    "refused.",
    "InsecureEntityId": "Entity identifiers are http:// URLs, accepted only when the context "
    "allows http (a test federation on 127.0.0.1).",
    "KidUnknown": "A federation JWS without a kid, or whose kid names none of its superior's "
    "keys: there is no fallback to the other keys.",
    "LinkMismatch": "Statements that do not link (an iss that is not the next sub), or a first "
    "statement that is not self-issued.",
    "PathLength": "More intermediates than a max_path_length constraint, or the relying "
    "party's own cap, allows.",
    "PolicyViolation": "The subject's metadata breaks its superiors' metadata policy, or the "
    "policy names a critical operator that is not implemented.",
    "ReferenceTrustMarks": "The example federation's own trust marks are not valid OpenID "
    "Federation trust marks (placed in subordinate statements, no typ, another type, an "
    "unpublished key): the chains are valid without them and fail when one is required.",
    "SpellingVariants": "The SPID/CIE profile spells trust_mark_issuers as trust_marks_issuers "
    "and the mark type as id; both spellings are read.",
    "TrustMark": "A required trust mark that is missing, expired, of another type or badly "
    "signed.",
    "TrustMarkIssuer": "A trust mark signed by an issuer the trust anchor does not list for its "
    "type.",
    "TypHeader": "A statement whose typ header is not entity-statement+jwt.",
    "UnknownTrustAnchor": "The chain ends at an entity that is not a configured trust anchor, "
    "or is the leaf alone.",
    # webeid
    "AlgorithmConfusion": "The algorithm field must be exactly one of the nine JWA names the "
    "Web eID format allows, and must suit the certificate's key.",
    "CertValidity": "The user or CA certificate is outside its validity period at now.",
    "DerEcdsaSignature": "An ES* token signature must be raw r||s (RFC 7518 §3.4); the same "
    "signature DER-encoded is another encoding and must be refused.",
    "NonceMismatch": "The token is checked against another challenge nonce; the nonce's hash is "
    "part of what was signed.",
    "OriginMismatch": "The token is checked for another origin; the origin's hash is part of "
    "what was signed.",
    "PsychicSignature": "An ECDSA signature with r = s = 0 (CVE-2022-21449, accepted by Java 15 "
    "to 18).",
    "SizeLimit": "Tokens must be 100 to 10000 bytes (10000 allowed), checked before parsing, "
    "as the Java validator does.",
    "UntrustedChain": "The user certificate does not chain to a configured anchor.",
    "ValidityBoundary": "notBefore and notAfter are both inside the validity period "
    "(RFC 5280 §4.1.2.5).",
    "CertPurpose": "Web eID needs keyUsage digitalSignature, clientAuth when an EKU is present, "
    "and refuses the Mobile-ID certificate policies.",
    "JavaCheckOrder": "Several checks fail on this input; the expected code is the first of "
    "them in the Java validator's (main branch) order.",
    "NonMinimalRsaModulus": "The certificate's RSA modulus is a non-minimal DER INTEGER: Java "
    "reads it and reports expiry, strict DER parsers refuse it first; any rejection is right.",
    "FractionalGeneralizedTime": "The synthetic OCSP file writes GeneralizedTime with "
    "fractional seconds, which the X.509 profile forbids; strict parsers refuse it as "
    "malformed, BouncyCastle reads on.",
    "OcspCertIdMismatch": "A genuine, correctly signed OCSP response about another certificate "
    "of the same CA, presented for this token's certificate.",
    "OcspCorrupted": "One byte of the Java suite's genuine OCSP response changed.",
    "OcspResponder": "The response is signed by a responder that is neither the pinned one nor "
    "authorized by the user certificate's CA (RFC 6960 §4.2.2.2).",
    "OcspRevoked": "The OCSP status of the user certificate is revoked or unknown.",
    "SuiteOnly": "Upstream checks only this token's signature; the full verification cannot "
    "pass here because its issuing CA is not in the data set.",
    "V11SubjectRdnOrder": "The web-eid:1.1 signing certificate's subject holds the same RDNs as "
    "the authentication certificate's, in another order.",
    "EcdsaSigAlgNullParams": "The leaf's ecdsa-with-SHA384 AlgorithmIdentifier carries an "
    "explicit NULL parameter (RFC 5758 §3.2 says absent); real Finnish cards do this.",
    "EncodedDefaultBasicConstraints": "The leaf encodes BasicConstraints cA=FALSE explicitly, a "
    "DEFAULT value DER forbids encoding (X.690 §11.5); real Finnish cards do this.",
}

# A suite's own description of a flag, where another suite uses the same name.
MDOC_NOTE_TEXT = {
    "AcceptableVariant": "A form the specifications neither clearly allow nor clearly forbid, "
    "which some issuers or wallets send: either outcome passes, but an accepted response must "
    "give its identity.",
    "AlgPolicy": "The COSE alg is outside the verifier's allow-list, or names a curve the key "
    "is not on.",
    "Base64url": "An OpenID4VP mso_mdoc vp_token is unpadded base64url; padding or another "
    "alphabet is refused before any CBOR is read.",
    "CertValidity": "A certificate on the document signer's path is outside its validity at "
    "the time of the check, or the DS key usage lacks digitalSignature.",
    "CoseHeader": "A COSE rule is broken: alg outside the protected header, no x5chain, an "
    "unknown crit label, a payload where a detached one is required, a wrong shape or tag.",
    "DeviceAuthReplay": "The device authentication was made for another relying party, "
    "nonce, response URI, origin, encryption key or handover: the verifier must rebuild the "
    "SessionTranscript from its own request, and then the signature no longer verifies.",
    "DeviceMacPolicy": "deviceMac is accepted although the verifier asked for deviceSignature "
    "only, or a MAC that does not verify is accepted.",
    "DigestScope": "The value digest must cover the IssuerSignedItemBytes exactly as sent, "
    "tag 24 included; re-encoding or re-sorting the item gives another digest.",
    "DocTypeConfusion": "The requested docType, the Document's and the MSO's are not all the "
    "same.",
    "DuplicateElement": "One namespace presents the same element or digestID twice, so which "
    "value counts would depend on the parser.",
    "DuplicateKey": "A CBOR map repeats a key; two parsers could read two different "
    "documents from the same bytes.",
    "MalformedCbor": "Bytes that are not well-formed CBOR must be refused with a clear code, "
    "without a panic or a partial read.",
    "MissingDeviceAuth": "A Document without deviceSigned has no holder binding: anyone "
    "holding a copy of the issuer-signed data could present it.",
    "NonPreferredSerialization": "ISO/IEC 18013-5 requires CBOR in preferred serialization: "
    "no indefinite lengths, no argument wider than needed, even where the digest matches.",
    "ResourceExhaustion": "A declared length far beyond the input, or nesting thousands of "
    "levels deep, must be refused before any allocation or recursion it would drive.",
    "ResponseStructure": "The DeviceResponse's version, status or documents are not what a "
    "successful response carries.",
    "TagConfusion": "A structure that must be a tag-24 embedded item comes without the tag, "
    "or under another tag.",
    "TamperedItem": "An IssuerSignedItem was changed after issuance: its digest no longer "
    "matches the MSO.",
    "UnknownDigest": "An IssuerSignedItem whose namespace and digestID the MSO does not "
    "digest, so the issuer never signed it.",
    "UntrustedIssuer": "The document signer certificate has no valid path to a configured "
    "IACA: wrong issuer, broken signature, or an issuer that is not a CA.",
    "HandoverBug": "The published wallet wrote the two 18013-7 handover hashes as arrays of "
    "integers rather than byte strings; its signature verifies only over a transcript copied "
    "byte for byte, never over one rebuilt from the request.",
    "ValidityInfo": "The MSO's validityInfo fails ISO/IEC 18013-5 9.3.1: signed outside the "
    "DS certificate's validity, or now outside validFrom..validUntil (both inclusive).",
}

SUITE_NOTE_TEXT = {"mdoc": MDOC_NOTE_TEXT, "smart-id": {
    "ContextMismatch": "A response signed for one request (rpChallenge, RP name, interactions, "
    "callback URL, scheme name) accepted for another: the ACSP_V2 payload must be rebuilt from "
    "what this RP sent.",
    "SessionFixation": "Web2App/App2App: the verifier the callback brings must hash to the "
    "response's userChallenge, or an attacker's session completes in the victim's browser.",
    "WrongPrimitive": "Smart-ID v3 signatures are RSASSA-PSS only; another algorithm name is refused.",
}, "oidc-id-token": {
    "AudienceMismatch": "The token names another audience, or the RP is another client: "
    "OpenID Connect Core §3.1.3.7 refuses any audience the RP does not trust.",
    "Expired": "now is at or after exp (no skew): the ID token is no longer valid.",
    "NonceMismatch": "The nonce is not the one this RP sent: a token from another login, "
    "replayed or injected.",
    "AcrInsufficient": "acr is below the minimum SPID level the RP requires.",
    "AlgNone": "alg none (no signature) is never accepted.",
    "KeyConfusion": "An HMAC keyed with the OP's public key bytes: a verifier that lets the "
    "token choose the algorithm accepts a forgery.",
    "BrokenSignature": "The signature does not verify: changed, by another key under the OP's "
    "kid, or over changed claims.",
    "UserinfoSubMismatch": "The UserInfo is about another sub than the ID token: another "
    "person's attributes.",
    "ForbiddenJweAlg": "The UserInfo JWE uses RSA1_5, which the SPID/CIE guidelines forbid "
    "(padding-oracle attacks).",
    "IssuerMismatch": "iss is not the OP the RP expects.",
    "UserinfoNotEncrypted": "The UserInfo is not encrypted to the RP, or is encrypted to "
    "another key, or was changed: SPID/CIE send it signed then encrypted.",
    "AtHash": "at_hash is not the left half of the hash of the access token that came with "
    "the ID token.",
    "AlgKeyMismatch": "The header's alg does not suit the key its kid names (RS256 on an EC "
    "key).",
}}

SUITE_NOTE_TEXT["sd-jwt-vc"] = {
    "MissingKeyBinding": "No KB-JWT, or a KB-JWT the credential gives no key for, while the "
    "verifier requires key binding: a copied credential would be replayed by anyone.",
    "TypeConfusion": "The issuer-signed JWT's typ is not an accepted SD-JWT VC type (absent, "
    "JWT, or a legacy type the verifier no longer takes): another kind of JWT passed off as a "
    "credential.",
    "TamperedDisclosure": "A disclosure changed, re-encoded or added by the holder: its digest "
    "is in no signed _sd array, so it must be refused, not ignored or matched by content.",
    "DuplicateDigest": "A digest or a disclosure appears twice: a claim could be put in place "
    "twice, or shadow another.",
    "ClaimNameForbidden": "A disclosure names _sd, or a claim the signed payload already has "
    "(iss): it would overwrite signed claims.",
    "AlgNone": "alg none (no signature) is never accepted.",
    "AlgKeyMismatch": "The header's alg does not suit the trusted key (ES384 on P-256, ES256 on "
    "RSA), or the token is checked with a key that did not sign it.",
    "KbReplay": "The KB-JWT does not bind this presentation to this request: another nonce, an "
    "sd_hash over other disclosures, another typ, or an iat older than the verifier allows.",
    "DisclosureStripping": "The presentation is cut or reshaped (no trailing ~): its parts "
    "cannot be told apart, so it is refused before any signature check.",
    "RevokedCredential": "The Token Status List says the credential is not VALID (revoked, "
    "value 3), its index is outside the list, or the list is missing or not signed by a "
    "trusted key: the verifier fails closed.",
    "ExpiredCredential": "now is at or after the credential's exp (no skew).",
}

# Java test classes -> their folder under src/test/java/eu/webeid/security/.
JAVA_CLASS_DIRS = {
    "AbstractTestWithValidator": "testutil",
    "Certificates": "testutil",
    "AuthTokenCertificateTest": "validator",
    "AuthTokenSignatureTest": "validator",
    "AuthTokenSignatureValidatorTest": "validator",
    "AuthTokenCertificateBelgianIdCardTest": "validator",
    "AuthTokenCertificateFinnishIdCardTest": "validator",
    "AuthTokenAlgorithmTest": "validator",
    "AuthTokenStructureTest": "validator",
    "SubjectCertificateNotRevokedValidatorTest": "validator/certvalidators",
    "AuthTokenV11CertificateTest": "validator/versionvalidators",
}


class ImportFailure(Exception):
    """The public material does not fit the table: a table edit is needed."""


def fail(msg):
    raise ImportFailure(msg)


def read(path):
    with open(path, "rb") as f:
        return f.read()


# --------------------------------------------------------------------------
# Upstream provenance
# --------------------------------------------------------------------------


def webeid_commits(shared):
    """{(repo, ref): commit} from data/webeid/index.md's source table."""
    text = read(os.path.join(shared, "data/webeid/index.md")).decode("utf-8")
    out = {}
    for m in re.finditer(r"^\| ([\w.-]+/[\w.-]+) \| (\S+)[^|]* \| ([0-9a-f]{7,40}) \|$", text, re.M):
        out[(m.group(1), m.group(2))] = m.group(3)
    for key in [(JAVA_PROJECT, "main"), (JAVA_PROJECT, "NFC-128"), (DOTNET_PROJECT, "main")]:
        if key not in out:
            fail("data/webeid/index.md names no commit for %s %s" % key)
    return out


def expand_commit(short, commits):
    for c in commits.values():
        if c.startswith(short):
            return c
    return short


class Provenance:
    """Where each data file of a suite comes from, in our words."""

    def __init__(self, shared, suite):
        self.shared = shared
        self.suite = suite
        if suite == "oidc-trust-chain":
            return
        if suite == "spid":
            tests = json.loads(read(os.path.join(shared, "data/spid/spid_tests.json")))
            origin = tests["generated_from"][SPID_PROJECT]
            self.spid_commit = origin["commit"]
            self.spid_cases = {
                t["id"]: t
                for t in tests["tests"]
                if t.get("source") == SPID_PROJECT and t.get("suite") == "test-suite-1"
            }
        elif suite in OWN_SUITES or suite in MIXED_SUITES:
            self.index = self._own_index()
        else:
            self.commits = webeid_commits(shared)
            self.readme_origins = self._readme_origins()

    def _own_index(self):
        """The shared data index's description of each file (its `file | what` table)."""
        text = read(os.path.join(self.shared, "data", self.suite, "index.md")).decode("utf-8")
        out = {}
        for line in text.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 2 and cells[0].startswith("`"):
                out[cells[0].strip("`")] = cells[1]
        return out

    def _readme_origins(self):
        """The origin column of the public suite's index of derived inputs
        (a citation: project@commit and test name, or 'derived')."""
        text = read(os.path.join(self.shared, "vectors/webeid/README.md")).decode("utf-8")
        out = {}
        for line in text.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 4 and cells[0].startswith("`inputs/"):
                origin = cells[2]
                for short in re.findall(r"@([0-9a-f]{7})\b", origin):
                    origin = origin.replace("@" + short, "@" + expand_commit(short, self.commits))
                out[cells[0].strip("`")] = origin
        return out

    def java(self, ref="main"):
        return "%s@%s" % (JAVA_PROJECT, self.commits[(JAVA_PROJECT, ref)])

    def of_data(self, rel):
        """The upstream of data/<suite>/<rel>."""
        if self.suite in MIXED_SUITES:
            if rel.startswith("own/"):
                return "made for the shared %s vectors with idbridge's own TEST keys (data/%s/own/)" % (
                    self.suite,
                    self.suite,
                )
            if rel.startswith("public/eudi-lib-jvm-sdjwt-kt/"):
                name = rel.rsplit("/", 1)[1]
                if name.endswith(".jwks.json"):
                    src = "examplesIssuerKey.json" if name.startswith("issuer") else "exampleHolderKey.json"
                    return "the public part of %s@%s src/test/resources/%s" % (
                        EUDI_SDJWT_PROJECT, EUDI_SDJWT_COMMIT, src)
                return "%s@%s src/test/resources/%s" % (EUDI_SDJWT_PROJECT, EUDI_SDJWT_COMMIT, name)
            if rel.startswith("public/draft-ietf-oauth-status-list/"):
                name = rel.rsplit("/", 1)[1]
                if name.endswith(".jwks.json"):
                    return "the public part of EXAMPLE_KEY in %s@%s src/util.py" % (
                        STATUS_LIST_PROJECT, STATUS_LIST_COMMIT)
                if name.endswith(".jwt"):
                    return "%s@%s examples/status_list_jwt_raw.md, white space removed" % (
                        STATUS_LIST_PROJECT, STATUS_LIST_COMMIT)
                return "%s@%s examples/%s" % (STATUS_LIST_PROJECT, STATUS_LIST_COMMIT, name)
            if self.suite == "mdoc" and rel.startswith("public/"):
                folder = rel.split("/")[1]
                if folder not in MDOC_PUBLIC:
                    fail("no provenance rule for data/mdoc/" + rel)
                project, commit, where = MDOC_PUBLIC[folder]
                derived = " (derived by the public suite: %s)" % rel.rsplit("/", 1)[1] if "/derived-" in rel else ""
                return "%s@%s %s%s" % (project, commit, where, derived)
            fail("no provenance rule for data/%s/%s" % (self.suite, rel))
        if self.suite in OWN_SUITES:
            return "made for the shared %s vectors with idbridge's own TEST keys (data/%s/)" % (
                self.suite,
                self.suite,
            )
        if self.suite == "smart-id":
            if "/" in rel:
                fail("no provenance rule for data/smart-id/" + rel)
            if rel.startswith(("own_", "acsp_")):
                return "made for the shared smart-id vectors with idbridge's own TEST keys (data/smart-id/)"
            if rel.startswith("sk_"):
                return (
                    "made for the shared smart-id vectors around %s@%s "
                    "src/test/java/ee/sk/smartid/SignatureValueValidatorImplTest.java (its signature, "
                    "certificate and signed bytes)" % (SID_PROJECT, SID_COMMIT)
                )
            fail("no provenance rule for data/smart-id/" + rel)
        if self.suite == "mobile-id":
            if not rel.endswith(".json") or "/" in rel:
                fail("no provenance rule for data/mobile-id/" + rel)
            return (
                "a session-status response made for the shared vectors around %s@cf04a09 "
                "src/test/java/ee/sk/mid/mock/TestData.java (its certificate and signatures)" % MID_PROJECT
            )
        if self.suite == "oidc-trust-chain":
            dumps = "%s@%s examples/*/dumps/example.json" % (OIDCFED_PROJECT, OIDCFED_COMMIT)
            if rel.startswith("chains/derived-"):
                return "statements of %s, changed and re-signed by the public suite with the fixtures' published keys" % dumps
            if rel.startswith("chains/"):
                return "statements of %s, assembled into a chain by the public suite" % dumps
            if rel.startswith("jwks/"):
                return "public keys from %s" % dumps
            fail("no provenance rule for data/oidc-trust-chain/" + rel)
        if self.suite == "spid":
            m = re.fullmatch(r"ssc_signed/case-([\w-]+)\.xml", rel)
            if not m:
                fail("no provenance rule for data/spid/" + rel)
            case = self.spid_cases.get(m.group(1))
            if case is None:
                fail("spid_tests.json does not list case " + m.group(1))
            return "%s@%s src/config-sample/test.json %s case %s %s, template %s" % (
                SPID_PROJECT,
                self.spid_commit,
                case["suite"],
                case["id"],
                json.dumps(case["name"], ensure_ascii=False),
                case["template"],
            )
        m = re.fullmatch(r"java/tokens/(\w+?)__(\w+)\.json", rel)
        if m:
            cls, const = m.groups()
            ref = "NFC-128" if "V11" in const else "main"
            folder = JAVA_CLASS_DIRS.get(cls)
            where = (
                "src/test/java/eu/webeid/security/%s/%s.java" % (folder, cls)
                if folder
                else "test class " + cls
            )
            return "%s %s, string constant %s" % (self.java(ref), where, const)
        m = re.fullmatch(r"dotnet/(\w+?)__(\w+)\.json", rel)
        if m:
            cls, const = m.groups()
            return "%s@%s src/WebEid.Security.Tests/TestUtils/%s.cs, string constant %s" % (
                DOTNET_PROJECT,
                self.commits[(DOTNET_PROJECT, "main")],
                cls,
                const,
            )
        if rel.startswith("dotnet/"):
            return "%s@%s test resources, %s" % (
                DOTNET_PROJECT,
                self.commits[(DOTNET_PROJECT, "main")],
                os.path.basename(rel),
            )
        if rel.startswith("java/"):
            return "%s test resources, %s" % (self.java(), rel[len("java/"):])
        if rel.startswith("ca-certs/dev_"):
            return "%s example application's development certificates, %s" % (
                self.java(),
                rel[len("ca-certs/dev_"):],
            )
        fail("no provenance rule for data/webeid/" + rel)

    def of_derived(self, rel):
        """The upstream of a file the public suite derived (vectors/<suite>/<rel>)."""
        if self.suite == "spid":
            m = re.fullmatch(r"derived/case-([\w-]+?)-assertion-only-nokeyinfo\.xml", rel)
            if not m:
                fail("no provenance rule for vectors/spid/" + rel)
            return "cut from " + self.of_data("ssc_signed/case-%s.xml" % m.group(1))
        origin = self.readme_origins.get(rel)
        if origin is None:
            fail("the public suite's README gives no origin for " + rel)
        if origin.startswith("derived"):
            rest = origin[len("derived"):].strip()
            return "made by the public suite from the upstream data" + (" (%s)" % rest if rest else "")
        return origin


# --------------------------------------------------------------------------
# Describing inputs in our words (computed from the bytes)
# --------------------------------------------------------------------------


def short(value, n=48):
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= n else text[: n - 3] + "..."


class Describer:
    def __init__(self, shared, suite):
        self.shared = shared
        self.suite = suite
        # Known base files: their parsed JSON (tokens) or bytes (DER).
        self.tokens = {}
        self.ders = {}
        self.certs = {}
        base = os.path.join(shared, "data", suite)
        if suite == "webeid":
            for dirpath, _, names in os.walk(base):
                for nm in sorted(names):
                    p = os.path.join(dirpath, nm)
                    rel = os.path.relpath(p, base)
                    b = read(p)
                    if rel.startswith(("java/tokens/", "dotnet/")) and nm.endswith(".json"):
                        try:
                            self.tokens[rel] = json.loads(b)
                        except ValueError:
                            pass
                    elif nm.startswith("ocsp_response") and nm.endswith(".der"):
                        self.ders[rel] = b
                    elif nm.endswith((".der", ".cer", ".crt")):
                        self.certs[b] = rel

    def token_field(self, key, value):
        if isinstance(value, str):
            try:
                raw = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raw = None
            if raw and raw in self.certs:
                return "%s = the certificate %s" % (key, self.certs[raw])
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            names = []
            for v in value:
                try:
                    names.append(self.certs.get(base64.b64decode(v, validate=True), "another certificate"))
                except (binascii.Error, ValueError):
                    names.append("a non-base64 string")
            return "%s = [%s]" % (key, ", ".join(names))
        return "%s = %s" % (key, short(value))

    def token(self, b):
        """A token file: as a change of the nearest upstream token."""
        try:
            obj = json.loads(b)
        except (ValueError, UnicodeDecodeError):
            obj = None
        if not isinstance(obj, dict):
            rel, raw = self.nearest_raw(b)
            if rel is not None:
                if len(b) < len(raw) and raw.startswith(b):
                    return "the first %d of the %d bytes of %s" % (len(b), len(raw), rel)
                try:
                    b.decode("utf-8")
                except UnicodeDecodeError as e:
                    return "%s with bytes that are not UTF-8 (from offset %d)" % (rel, e.start)
            return "%d bytes that are not a JSON object" % len(b)
        best = None
        for rel, tok in sorted(self.tokens.items()):
            if not isinstance(tok, dict):
                continue
            diff = sorted(set(tok) ^ set(obj)) + sorted(k for k in tok if k in obj and tok[k] != obj[k])
            if best is None or len(diff) < best[0]:
                best = (len(diff), rel, tok)
        _, rel, tok = best
        changes = []
        for k in sorted(set(tok) | set(obj)):
            if k not in obj:
                changes.append("%s removed" % k)
            elif k not in tok:
                changes.append("%s added" % self.token_field(k, obj[k]))
            elif tok[k] != obj[k]:
                changes.append("%s" % self.token_field(k, obj[k]))
        raw = read(os.path.join(self.shared, "data", self.suite, rel))
        if not changes:
            if len(b) != len(raw):
                return "the JSON of %s, written out with white space to %d bytes" % (rel, len(b))
            return "the JSON of %s, written out again (%d bytes)" % (rel, len(b))
        return "%s changed: %s" % (rel, "; ".join(changes))

    def nearest_raw(self, b):
        """The upstream token sharing the longest prefix with `b`."""
        best = (0, None, None)
        for rel in sorted(self.tokens):
            raw = read(os.path.join(self.shared, "data", self.suite, rel))
            n = 0
            for x, y in zip(raw, b):
                if x != y:
                    break
                n += 1
            if n > best[0]:
                best = (n, rel, raw)
        return best[1], best[2]

    def der(self, b):
        """An OCSP response file: as a change of an upstream one, or its shape."""
        if len(b) == 0:
            return "an empty file"
        if len(b) == 5 and b[:4] == b"\x30\x03\x0a\x01":
            return "an OCSPResponse holding only responseStatus %d" % b[4]
        for rel, base in sorted(self.ders.items()):
            if len(base) == len(b) and base != b:
                pos = [i for i in range(len(b)) if b[i] != base[i]]
                if len(pos) <= 4:
                    return "%s with %s" % (
                        rel,
                        ", ".join("byte %d 0x%02x -> 0x%02x" % (i, base[i], b[i]) for i in pos),
                    )
        try:
            text = b.decode("ascii")
            if text.isprintable():
                return "the %d ASCII bytes %s" % (len(b), json.dumps(text))
        except UnicodeDecodeError:
            pass
        return "a %d-byte DER structure made for the public suite" % len(b)

    def spid_text(self, text, ssc_files):
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            for rel, b in ssc_files.items():
                enc = base64.b64encode(b).decode("ascii")
                if len(enc) == len(text):
                    pos = [i for i in range(len(text)) if text[i] != enc[i]]
                    if 0 < len(pos) <= 2:
                        return "the base64 text of %s with %s, outside the base64 alphabet" % (
                            rel,
                            ", ".join("%s at offset %d" % (json.dumps(text[i]), i) for i in pos),
                        )
            bad = next((i for i, c in enumerate(text) if not re.match(r"[A-Za-z0-9+/=]", c)), None)
            return "%d characters of base64 text with %s at offset %d, outside the alphabet" % (
                len(text),
                json.dumps(text[bad]) if bad is not None else "a bad padding",
                bad if bad is not None else len(text),
            )
        for rel, b in ssc_files.items():
            if b == raw:
                return "the base64 text of %s, as the browser posts it" % rel
        return "base64 text of a Response (%d bytes)" % len(raw)


# --------------------------------------------------------------------------
# The import
# --------------------------------------------------------------------------


def spid_metadata(shared):
    """The trusted IdP configuration, written by us around the validator's
    published signing certificate (data/spid/keys/ssc_spid-saml-check.crt)."""
    pem = read(os.path.join(shared, "data/spid/keys/ssc_spid-saml-check.crt")).decode("ascii")
    body = "".join(l for l in pem.splitlines() if l and not l.startswith("-----"))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- Written by test-vectors/import_public.py: the IdP of the spid-saml-check cases, "
        "given to the verifier as pinned configuration (unsigned). Its signing key is the "
        "certificate italia/spid-saml-check publishes as src/config-sample/spid-saml-check.crt. -->\n"
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://localhost:8443">\n'
        '  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\n'
        '    <md:KeyDescriptor use="signing">\n'
        "      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n"
        "    </md:KeyDescriptor>\n"
        '    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
        'Location="https://localhost:8443/samlsso"/>\n'
        "  </md:IDPSSODescriptor>\n"
        "</md:EntityDescriptor>\n" % body
    )


class Suite:
    def __init__(self, shared, name):
        self.shared = shared
        self.name = name
        self.prov = Provenance(shared, name)
        self.desc = Describer(shared, name)
        self.files = {}  # rel path in the suite folder -> bytes
        self.what = {}  # rel path -> one line: what it is
        self.origin = {}  # rel path -> where it comes from
        self.used_by = {}  # rel path -> {vector file: [tcIds]}
        self.ssc = {}
        if name == "spid":
            d = os.path.join(shared, "data/spid/ssc_signed")
            for nm in sorted(os.listdir(d)):
                if nm.endswith(".xml"):
                    self.ssc["upstream/ssc_signed/" + nm] = read(os.path.join(d, nm))

    def map_path(self, vec_dir, path):
        """A path of a public vector file -> (our relative path, its bytes)."""
        full = os.path.normpath(os.path.join(vec_dir, path))
        data = os.path.join(self.shared, "data", self.name) + os.sep
        vecs = os.path.join(self.shared, "vectors", self.name) + os.sep
        if full.startswith(data):
            rel = full[len(data):].replace(os.sep, "/")
            if ("keys/" in rel or rel.endswith(".key")) and not self.trust_key(rel):
                fail("a private key is referenced: " + rel)
            ours = "upstream/" + rel
            if ours not in self.files:
                self.files[ours] = read(full)
                self.origin[ours] = self.prov.of_data(rel)
                self.what[ours] = self.kind_of(ours, self.files[ours])
            return ours
        sid_data = os.path.join(self.shared, "data", "webeid", "smart-id") + os.sep
        if self.name == "smart-id" and full.startswith(sid_data):
            rel = full[len(sid_data):].replace(os.sep, "/")
            if "/" in rel or rel.endswith((".key", ".p12")):
                fail("unexpected file of data/webeid/smart-id: " + rel)
            ours = "upstream/sk/" + rel
            if ours not in self.files:
                self.files[ours] = read(full)
                self.origin[ours] = "%s@%s src/test/resources (data/webeid/smart-id/%s)" % (
                    SID_PROJECT,
                    SID_COMMIT,
                    rel,
                )
                self.what[ours] = self.kind_of(ours, self.files[ours])
            return ours
        mid_cas = os.path.join(self.shared, "data", "webeid", "mobile-id") + os.sep
        if self.name == "mobile-id" and full.startswith(mid_cas):
            rel = full[len(mid_cas):].replace(os.sep, "/")
            if "/" in rel or not rel.endswith(".crt"):
                fail("unexpected file of data/webeid/mobile-id: " + rel)
            ours = "upstream/" + rel
            if ours not in self.files:
                self.files[ours] = read(full)
                self.origin[ours] = "%s@cf04a09 test data: SK's published test CA (data/webeid/mobile-id/%s)" % (
                    MID_PROJECT,
                    rel,
                )
                self.what[ours] = self.kind_of(ours, self.files[ours])
            return ours
        if full.startswith(vecs):
            rel = full[len(vecs):].replace(os.sep, "/")
            if self.name == "spid" and rel == "idp-metadata.xml":
                ours = "trust/idp-metadata.xml"
                if ours not in self.files:
                    self.files[ours] = spid_metadata(self.shared).encode("utf-8")
                    self.origin[ours] = (
                        "written by import_public.py around the certificate of %s@%s "
                        "src/config-sample/spid-saml-check.crt" % (SPID_PROJECT, self.prov.spid_commit)
                    )
                    self.what[ours] = "the trusted IdP's metadata (EntityDescriptor https://localhost:8443)"
                return ours
            sub = rel.split("/", 1)
            if len(sub) != 2 or sub[0] not in ("inputs", "derived"):
                fail("unexpected file of the public suite: vectors/%s/%s" % (self.name, rel))
            ours = "derived/" + sub[1]
            if ours not in self.files:
                self.files[ours] = read(full)
                self.origin[ours] = self.prov.of_derived(rel)
                self.what[ours] = self.kind_of(ours, self.files[ours])
            return ours
        fail("a path outside the suite's data: " + path)

    def trust_key(self, rel):
        """Whether data/<suite>/<rel>, under keys/, may be read: a public key set, or a
        private key the kind needs as trust (TRUST_PRIVATE_KEYS)."""
        if self.name not in OWN_SUITES and self.name not in MIXED_SUITES:
            return False
        if rel in TRUST_PRIVATE_KEYS.get(self.name, []):
            return True
        try:
            obj = json.loads(read(os.path.join(self.shared, "data", self.name, rel)))
        except ValueError:
            return False
        private = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}
        return isinstance(obj, dict) and all(
            isinstance(k, dict) and not private & set(k) for k in obj.get("keys", [None])
        )

    def kind_of(self, rel, b):
        if self.name == "mdoc":
            base = os.path.basename(rel)
            if rel.endswith(".b64u"):
                return "an mso_mdoc vp_token (base64url DeviceResponse, %d characters): %s" % (len(b), base[:-5])
            if rel.endswith(".cbor"):
                return "a DeviceResponse as CBOR bytes (%d bytes): %s" % (len(b), base[:-5])
            if b.startswith(b"-----BEGIN PRIVATE KEY"):
                return "a published PKCS#8 private key (the Annex D reader's ephemeral key: deviceMac trust material)"
            if rel.endswith(".pem"):
                return "an IACA certificate (PEM)"
            return "%d bytes" % len(b)
        if self.name == "smart-id":
            if rel.endswith(".json"):
                return "a Smart-ID RP API v3 session-status response: " + os.path.basename(rel)[: -len(".json")]
            if rel.endswith(".bin"):
                return "the signed bytes of a RAW_DIGEST_SIGNATURE session (%d bytes)" % len(b)
        if self.name == "sd-jwt-vc":
            if rel.endswith(".jwks.json"):
                return "a JWK Set: public keys (%s)" % os.path.basename(rel)[: -len(".jwks.json")]
            if rel.endswith(".jwt"):
                return "a Token Status List token (statuslist+jwt)"
            if rel.endswith(".txt"):
                kb = "with a KB-JWT" if not b.endswith(b"~") else "without a KB-JWT"
                return "an SD-JWT presentation, %d disclosures, %s: %s" % (
                    b.count(b"~") - 1, kb, os.path.basename(rel)[: -len(".txt")])
            return "%d bytes" % len(b)
        if self.name == "oidc-id-token":
            if rel.startswith("upstream/keys/"):
                if rel in ["upstream/" + k for k in TRUST_PRIVATE_KEYS["oidc-id-token"]]:
                    return "the RP's private encryption JWK (a TEST key: the kind's trust material)"
                return "the OP's public signing keys (a JWK Set)"
            return "a token response and UserInfo body {id_token, access_token?, userinfo?}: %s" % (
                os.path.basename(rel)[: -len(".json")]
            )
        if rel.endswith(".xml"):
            if self.name == "spid" and rel.startswith("derived/"):
                m = re.fullmatch(r"derived/(case-[\w-]+?)-assertion-only-nokeyinfo\.xml", rel)
                return (
                    "a SAML Response: %s.xml without its Response signature and without the "
                    "Assertion signature's KeyInfo (nothing re-signed)" % m.group(1)
                )
            return "a signed SAML Response"
        if self.name == "oidc-trust-chain" and rel.endswith(".json"):
            if "/jwks/" in rel:
                return "a JWK Set: public federation keys"
            doc = json.loads(b)
            return "a trust chain of %d statements, subject first" % len(doc["statements"])
        if rel.endswith((".token", ".json")):
            if rel.startswith("derived/"):
                return "a Web eID token: " + self.desc.token(b)
            return "a Web eID authentication token (JSON)"
        if "ocsp_" in rel and rel.endswith(".der"):
            if rel.startswith("derived/"):
                return "an OCSP response: " + self.desc.der(b)
            return "an OCSP response (DER)"
        if rel.endswith((".cer", ".crt", ".der", ".pem")):
            return "a certificate (%s)" % ("PEM" if b.startswith(b"-----BEGIN") else "DER")
        return "%d bytes" % len(b)

    def input_words(self, file_rel, inp):
        if file_rel is not None:
            if self.name == "spid" and file_rel.startswith("upstream/ssc_signed/"):
                return os.path.basename(file_rel)
            if file_rel.startswith("derived/"):
                return self.what[file_rel].split(": ", 1)[-1]
            return file_rel.split("/", 1)[1]
        if "text" in inp:
            if self.name == "spid":
                return self.desc.spid_text(inp["text"], self.ssc)
            return "the text %s" % short(inp["text"], 40)
        raw = base64.b64decode(inp["base64"])
        if raw and raw == bytes(len(raw)):
            return "%d NUL bytes" % len(raw)
        return "%d bytes given in base64" % len(raw)

    def convert(self, vec_name, obj, vec_dir):
        if obj.get("schema") != vecfile.SCHEMA:
            fail("%s: not an idbridge-vectors/1 file" % vec_name)
        key = (self.name, vec_name)
        if key not in HEADERS:
            fail("no header of ours for %s/%s: add it to HEADERS" % key)
        groups = []
        all_tests = []
        for g in obj["testGroups"]:
            trust = {}
            for k, v in g.get("trust", {}).items():
                if isinstance(v, str):
                    trust[k] = self.map_path(vec_dir, v)
                elif isinstance(v, dict):
                    trust[k] = {uri: self.map_path(vec_dir, p) for uri, p in v.items()}
                else:
                    trust[k] = [
                        dict(p, jwks=self.map_path(vec_dir, p["jwks"])) if isinstance(p, dict) else self.map_path(vec_dir, p)
                        for p in v
                    ]
            gctx = self.map_ctx(vec_dir, g.get("context", {}))
            tests = []
            origins = []
            for t in g["tests"]:
                nt = {"tcId": t["tcId"]}
                inp = t["input"]
                file_rel = None
                if "file" in inp:
                    file_rel = self.map_path(vec_dir, inp["file"])
                    new_inp = {"file": file_rel}
                    up = self.origin[file_rel]
                    self.used_by.setdefault(file_rel, {}).setdefault(vec_name, []).append(t["tcId"])
                else:
                    new_inp = dict(inp)
                    up = self.text_origin(inp)
                if up not in origins:
                    origins.append(up)
                tctx = self.map_ctx(vec_dir, t.get("context", {}))
                used = [
                    (p["jwks"] if isinstance(p, dict) else p)
                    for v in trust.values()
                    for p in ([v] if isinstance(v, str) else list(v.values()) if isinstance(v, dict) else v)
                ]
                for c in (gctx, tctx):
                    if isinstance(c.get("ocsp"), dict):
                        used += list(c["ocsp"].values())
                    if isinstance(c.get("reader_key"), str):
                        used.append(c["reader_key"])
                signed = tctx.get("signed_data", gctx.get("signed_data"))
                if isinstance(signed, dict) and "file" in signed:
                    used.append(signed["file"])
                for p in used:
                    self.used_by.setdefault(p, {}).setdefault(vec_name, []).append(t["tcId"])
                nt["comment"] = self.comment(gctx, tctx, t, file_rel, inp, up)
                if tctx:
                    nt["context"] = tctx
                nt["input"] = new_inp
                nt["result"] = t["result"]
                for k in ("expectedError", "identity"):
                    if k in t:
                        nt[k] = t[k]
                nt["flags"] = list(t.get("flags", []))
                extra = set(t) - {"tcId", "comment", "context", "input", "result", "expectedError", "identity", "flags"}
                if extra:
                    fail("%s tcId %s: keys this importer does not know: %s" % (vec_name, t["tcId"], sorted(extra)))
                tests.append(nt)
            ng = {"source": "Upstream: " + " | ".join(origins)}
            if trust:
                ng["trust"] = trust
            ng["context"] = gctx
            ng["tests"] = tests
            extra = set(g) - {"source", "trust", "context", "tests"}
            if extra:
                fail("%s: group keys this importer does not know: %s" % (vec_name, sorted(extra)))
            groups.append(ng)
            all_tests += tests
        notes = {}
        for flag in sorted({f for t in all_tests for f in t["flags"]}):
            text = SUITE_NOTE_TEXT.get(self.name, {}).get(flag, NOTE_TEXT.get(flag))
            if text is None:
                fail("flag %s has no description of ours: add it to NOTE_TEXT" % flag)
            theirs = obj["notes"][flag]
            note = {"bugType": theirs["bugType"], "description": text}
            for k in ("cves", "links"):
                if k in theirs:
                    note[k] = theirs[k]
            notes[flag] = note
        text = vecfile.vector_file(obj["kind"], HEADERS[key], notes, groups)
        if json.loads(text)["numberOfTests"] != obj["numberOfTests"]:
            fail("%s: case count changed" % vec_name)
        return text, obj["kind"], len(all_tests)

    def text_origin(self, inp):
        """The upstream of an inline input (`text` or `base64`)."""
        if self.name == "spid" and "text" in inp:
            words = self.desc.spid_text(inp["text"], self.ssc)
            m = re.search(r"upstream/ssc_signed/[\w.-]+\.xml", words)
            if m:
                rel = m.group(0)
                return "the HTTP-POST form of " + self.prov.of_data(rel[len("upstream/"):])
            return "made by the public suite (an input that is not base64)"
        if self.name == "sd-jwt-vc":
            return "made by the public suite from %s@%s src/test/resources/examplePresentationSdJwt.txt" % (
                EUDI_SDJWT_PROJECT,
                EUDI_SDJWT_COMMIT,
            )
        if self.name == "oidc-trust-chain":
            return "made by the public suite from statements of %s@%s (an input of another shape)" % (
                OIDCFED_PROJECT,
                OIDCFED_COMMIT,
            )
        return "made by the public suite from %s (size and null-input checks)" % self.prov.java()

    def map_ctx(self, vec_dir, ctx):
        out = dict(ctx)
        signed = out.get("signed_data")
        if isinstance(signed, dict) and "file" in signed:
            out["signed_data"] = dict(signed, file=self.map_path(vec_dir, signed["file"]))
        ocsp = out.get("ocsp")
        if isinstance(ocsp, dict):
            out["ocsp"] = {k: self.map_path(vec_dir, v) for k, v in ocsp.items()}
        if self.name == "mdoc" and isinstance(out.get("reader_key"), str):
            out["reader_key"] = self.map_path(vec_dir, out["reader_key"])
        return out

    def comment(self, gctx, tctx, t, file_rel, inp, up):
        words = self.input_words(file_rel, inp)
        if self.name == "spid" and file_rel and file_rel.startswith("upstream/ssc_signed/"):
            words = "the signed Response " + file_rel
        parts = [words]
        deltas = []
        for k in sorted(tctx):
            v = tctx[k]
            if isinstance(v, dict):
                v = ", ".join(
                    "%s %s%s" % (kk, vv, " (%s)" % self.what[vv].split(": ", 1)[-1] if vv.startswith("derived/") else "")
                    for kk, vv in sorted(v.items())
                )
            deltas.append("%s %s" % (k, v))
        if deltas:
            parts.append("with " + "; ".join(deltas))
        expected = t["result"]
        if t["result"] == "invalid":
            expected += " (%s)" % t["expectedError"] if "expectedError" in t else " (any code)"
        text = "%s: expected %s. Upstream: %s" % (", ".join(parts), expected, up)
        if (self.name in OWN_SUITES or self.name in MIXED_SUITES or self.name == "smart-id") and t.get("comment"):
            text = "%s (%s)" % (t["comment"], text)
        return text


def import_suite(shared, name):
    """{relative path: bytes} of conformance/<name>/, and the case count per kind."""
    s = Suite(shared, name)
    vdir = os.path.join(shared, "vectors", name)
    out = {}
    counts = {}
    vec_names = sorted(n for n in os.listdir(vdir) if n.endswith(".json"))
    summaries = []
    for vn in vec_names:
        obj = json.loads(read(os.path.join(vdir, vn)))
        text, kind, n = s.convert(vn, obj, vdir)
        out[vn] = text
        counts[kind] = counts.get(kind, 0) + n
        res = json.loads(text)
        tally = {}
        for g in res["testGroups"]:
            for t in g["tests"]:
                tally[t["result"]] = tally.get(t["result"], 0) + 1
        summaries.append((vn, kind, n, tally))
    for rel, b in s.files.items():
        out[rel] = b
    out["NOTICE"] = notice(name)
    for licence, text in LICENCE_FILES.get(name, {}).items():
        out[licence] = text
    out.update(readmes(s, summaries))
    return out, counts


def notice(name):
    if name in OWN_SUITES:
        return "\n".join([
            "Material in test-vectors/conformance/%s/" % name,
            "",
            "The vector files (*.json) and the README.md files are idbridge's own, written by",
            "test-vectors/import_public.py.",
            "",
            OWN_SUITES[name],
        ]) + "\n"
    lines = [
        "Third-party material in test-vectors/conformance/%s/" % name,
        "",
        "The vector files (*.json), the README.md files and trust/ (where present) are",
        "idbridge's own, written by test-vectors/import_public.py. The test data beside",
        "them (upstream/ as published, derived/ as the public suites altered it) comes",
        "from the projects below, under their licences.",
    ]
    for project, licence, holder, scope in NOTICES[name]:
        lines += ["", "-" * 72, "%s (https://github.com/%s)" % (project, project), "Licence: %s" % licence, holder]
        lines += ["", scope]
        if licence == "MIT" or licence.startswith("MIT OR"):
            lines += ["", MIT_TEXT.rstrip("\n")]
        if licence.startswith("ISC"):
            lines += ["", ISC_TEXT.rstrip("\n")]
    if name in MIXED_OWN_TEXT:
        lines += ["", "-" * 72, "idbridge's own TEST material", "", MIXED_OWN_TEXT[name]]
    return "\n".join(lines) + "\n"


def readmes(s, summaries):
    """A README.md for the suite folder and each folder below it: one line per file."""
    out = {}
    folders = {}
    for rel in s.files:
        d = os.path.dirname(rel)
        while True:
            folders.setdefault(d, set())
            parent = os.path.dirname(d)
            if d == "":
                break
            folders.setdefault(parent, set()).add(os.path.basename(d) + "/")
            d = parent
        folders[os.path.dirname(rel)].add(os.path.basename(rel))
    for d, names in sorted(folders.items()):
        lines = []
        if d == "":
            lines += [
                "# conformance/%s" % s.name,
                "",
                "The public %s suite, imported by `../../import_public.py` from `../shared` "
                "(never edited by hand: re-run the importer). Each case's comment names its "
                "upstream source and expected result; `NOTICE` gives the upstream licences."
                % s.name,
                "",
                "| file | what |",
                "|---|---|",
            ]
            for vn, kind, n, tally in summaries:
                t = ", ".join("%d %s" % (tally[k], k) for k in sorted(tally))
                lines.append("| `%s` | kind `%s`: %d cases (%s) |" % (vn, kind, n, t))
            lines.append("| `NOTICE` | the upstream projects and their licences |")
            for licence in sorted(LICENCE_FILES.get(s.name, {})):
                lines.append("| `%s` | the text of that licence, from `../../licences/` |" % licence)
            lines.append("| `README.md` | this index |")
        else:
            lines += [
                "# conformance/%s/%s" % (s.name, d),
                "",
                "Written by `import_public.py`; see `NOTICE` in the suite folder for the licences.",
                "",
                "| file | what | from | used by |",
                "|---|---|---|---|",
            ]
        for nm in sorted(names):
            rel = os.path.join(d, nm) if d else nm
            if nm.endswith("/"):
                if d == "":
                    what = {
                        "upstream/": "test data exactly as the upstream projects publish it",
                        "derived/": "the public suite's alterations of upstream data (mutated tokens, responses cut down or corrupted)",
                        "trust/": "trust configuration written by the importer",
                    }.get(nm, "data")
                    lines.append("| `%s` | %s (index in its README.md) |" % (nm, what))
                else:
                    lines.append("| `%s` | a folder of data (index in its README.md) | | |" % nm)
                continue
            used = s.used_by.get(rel, {})
            used_text = "; ".join("%s %s" % (vn, compact(ids)) for vn, ids in sorted(used.items()))
            if not used_text:
                fail("%s/%s is used by no case" % (s.name, rel))
            lines.append("| `%s` | %s | %s | %s |" % (nm, md(s.what[rel]), md(s.origin[rel]), used_text))
        if d != "":
            lines.append("| `README.md` | this index | | |")
        out[os.path.join(d, "README.md")] = "\n".join(lines) + "\n"
    return out


def md(text):
    return text.replace("|", "\\|")


def compact(ids):
    """tcIds as ranges: 1-3, 7."""
    ids = sorted(set(ids))
    out = []
    start = prev = ids[0]
    for i in ids[1:] + [None]:
        if i is not None and i == prev + 1:
            prev = i
            continue
        out.append(str(start) if start == prev else "%d-%d" % (start, prev))
        if i is not None:
            start = prev = i
    return "tcId " + ", ".join(out)


def top_readme(counts):
    lines = [
        "# conformance",
        "",
        "The public conformance suites, shipped in the repository so that "
        "`idbridge vectors test-vectors` runs them on a fresh clone. "
        "`../import_public.py` writes this folder from `../shared` (the upstream "
        "data in `../shared/data/`, the outcomes recorded in `../shared/vectors/`); "
        "the test command re-imports into a temporary folder and fails on any "
        "difference. Each suite folder holds its vector files, the data they use, "
        "a `NOTICE` with the upstream licences and its own index.",
        "",
        "| file | what |",
        "|---|---|",
    ]
    for name in SUITES:
        c = ", ".join("`%s` %d" % (k, v) for k, v in sorted(counts[name].items()))
        lines.append("| `%s/` | imported: %s cases (index in `%s/README.md`) |" % (name, c, name))
    lines.append("| `README.md` | this index |")
    lines += ["", "Suites of `../shared/vectors/` not imported yet (the importer's `PENDING` table):", ""]
    lines += ["| suite | why |", "|---|---|"]
    for name, why in sorted(PENDING.items()):
        lines.append("| `%s` | %s |" % (name, why))
    return "\n".join(lines) + "\n"


def build(shared):
    vdir = os.path.join(shared, "vectors")
    present = sorted(n for n in os.listdir(vdir) if os.path.isdir(os.path.join(vdir, n)))
    unknown = [n for n in present if n not in SUITES and n not in PENDING]
    if unknown:
        fail("suites of %s in neither SUITES nor PENDING: %s" % (vdir, ", ".join(unknown)))
    files = {}
    counts = {}
    for name in SUITES:
        tree, c = import_suite(shared, name)
        counts[name] = c
        for rel, b in tree.items():
            files[name + "/" + rel] = b
    files["README.md"] = top_readme(counts)
    return files, counts


def shared_dir():
    env = os.environ.get("IDBRIDGE_SHARED_DIR")
    return os.path.abspath(env) if env else os.path.join(os.path.dirname(REPO), "shared")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=None, help="the shared folder (default: IDBRIDGE_SHARED_DIR or ../shared)")
    ap.add_argument("--out", default=os.path.join(HERE, "conformance"), help="output folder")
    ap.add_argument("--check", action="store_true", help="compare with --out instead of writing")
    args = ap.parse_args()
    shared = os.path.abspath(args.shared) if args.shared else shared_dir()
    if not os.path.isdir(os.path.join(shared, "vectors")):
        print("import_public.py: %s/vectors is not here" % shared, file=sys.stderr)
        return 2
    try:
        files, counts = build(shared)
    except ImportFailure as e:
        print("import_public.py: %s" % e, file=sys.stderr)
        return 1
    total = sum(sum(c.values()) for c in counts.values())
    if args.check:
        diff = vecfile.diff_tree(args.out, files)
        for rel in diff:
            print("differs: %s" % rel)
        return 1 if diff else 0
    vecfile.write_tree(args.out, files, clean=True)
    print("conformance: %d cases (%s) in %d files" % (
        total,
        ", ".join("%s %d" % (k, v) for n in SUITES for k, v in sorted(counts[n].items())),
        len(files),
    ))
    return 0


if __name__ == "__main__":
    sys.exit(main())
