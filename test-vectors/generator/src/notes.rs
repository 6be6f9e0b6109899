//! The notes (flags) the signature vectors use: one catalogue, so a flag
//! means the same thing in every file. A file carries exactly the notes its
//! cases name.

pub struct Note {
    pub bug_type: &'static str,
    pub description: &'static str,
    pub cves: &'static [&'static str],
    pub links: &'static [&'static str],
}

const RFC8017_822: &str = "https://www.rfc-editor.org/rfc/rfc8017#section-8.2.2";
const RFC8017_812: &str = "https://www.rfc-editor.org/rfc/rfc8017#section-8.1.2";
const RFC8017_522: &str = "https://www.rfc-editor.org/rfc/rfc8017#section-5.2.2";
const RFC8017_91: &str = "https://www.rfc-editor.org/rfc/rfc8017#section-9.1";
const RFC8017_92: &str = "https://www.rfc-editor.org/rfc/rfc8017#section-9.2";
const FIPS186_5: &str = "https://doi.org/10.6028/NIST.FIPS.186-5";
const RFC3279_ECDSA: &str = "https://www.rfc-editor.org/rfc/rfc3279#section-2.2.3";
const X690: &str = "https://www.itu.int/rec/T-REC-X.690";
const SEC1: &str = "https://www.secg.org/sec1-v2.pdf";
const RFC5480: &str = "https://www.rfc-editor.org/rfc/rfc5480#section-2.2";
const RFC8725: &str = "https://www.rfc-editor.org/rfc/rfc8725#section-3.1";

pub fn note(flag: &str) -> Note {
    let (bug_type, description, cves, links): (&str, &str, &[&str], &[&str]) = match flag {
        "Valid" => ("BASIC", "A genuine signature by the group's key over the given message with the named algorithm: every check passes.", &[], &[]),
        "EmptyMessage" => ("EDGE_CASE", "The signed message is empty (zero bytes). Its hash is well defined; the signature is as valid as any other.", &[], &[]),
        "ModifiedMessage" => ("AUTH_BYPASS", "The message differs by one bit from the message that was signed; the signature must not verify.", &[], &[]),
        "ModifiedSignature" => ("AUTH_BYPASS", "A genuine signature with one bit flipped, chosen so that the encoding stays well-formed: only the arithmetic can catch it.", &[], &[]),
        "WrongKey" => ("AUTH_BYPASS", "A genuine signature made with another key of the same type and size (the `-b` key), verified under the group's key.", &[], &[]),
        "EmptySignature" => ("EDGE_CASE", "A zero-length signature: never well-formed for any supported algorithm.", &[], &[]),
        "SignatureLength" => ("MODIFIED_PARAMETER", "An RSA signature that is not exactly k bytes long (k = the modulus length in bytes). RFC 8017 §8.2.2 and §8.1.2 step 1: 'If the length of the signature S is not k octets, output \"invalid signature\"'. A leading 0x00 keeps the integer but breaks the length.", &[], &[RFC8017_822, RFC8017_812]),
        "SignatureRange" => ("EDGE_CASE", "An RSA signature representative s >= n (the modulus itself, or all 0xFF bytes). RSAVP1 (RFC 8017 §5.2.2) step 1 requires 0 <= s <= n - 1; a verifier that reduces s modulo n accepts s + n as a second encoding of s.", &[], &[RFC8017_522]),
        "SpecialSignatureValue" => ("EDGE_CASE", "An RSA signature representative 0, 1 or n - 1: in range, so well-formed, but s^e mod n is 0, 1 or n - 1, which is never a valid encoded message.", &[], &[RFC8017_522]),
        "WrongHash" => ("WRONG_PRIMITIVE", "A genuine signature made with another hash function than the one the algorithm identifier names.", &[], &[]),
        "PaddingConfusion" => ("WRONG_PRIMITIVE", "A genuine RSASSA-PKCS1-v1_5 signature verified as RSASSA-PSS, or a genuine RSASSA-PSS signature verified as RSASSA-PKCS1-v1_5, with the same key and hash.", &[], &[RFC8017_822, RFC8017_812]),
        "Pkcs1Garbage" => ("KNOWN_BUG", "An EMSA-PKCS1-v1_5 encoding with extra bytes after the digest (and a padding string shortened to keep k bytes), signed with the real private key. A verifier that parses the encoding (and stops after the digest) instead of rebuilding it and comparing all k bytes accepts it; with e = 3 that flaw allowed Bleichenbacher's 2006 signature forgery.", &["CVE-2006-4339"], &[RFC8017_822, "https://nvd.nist.gov/vuln/detail/CVE-2006-4339"]),
        "Pkcs1Padding" => ("MODIFIED_PARAMETER", "An EMSA-PKCS1-v1_5 encoding (signed with the real private key) with a wrong block type (0x02 instead of 0x01) or a padding byte that is not 0xFF (RFC 8017 §9.2 step 4).", &[], &[RFC8017_92]),
        "PssSaltLength" => ("MODIFIED_PARAMETER", "An RSASSA-PSS signature whose salt length is not the hash length. The rsa-pss-* identifiers fix sLen = hLen (a typical salt length per RFC 8017 §9.1, and the one JWA PS256/384/512 require, RFC 7518 §3.5), so a verifier that auto-detects the salt length is wrong here.", &[], &[RFC8017_91]),
        "PssMgfHash" => ("MODIFIED_PARAMETER", "An RSASSA-PSS signature whose mask generation uses MGF1 with SHA-1 (the ASN.1 default of RSASSA-PSS-params) instead of MGF1 with the message hash that the identifier names.", &[], &[RFC8017_91]),
        "PssTrailer" => ("MODIFIED_PARAMETER", "An EMSA-PSS encoding (signed with the real private key) whose trailer byte is 0xCC instead of 0xBC (RFC 8017 §9.1.2 step 4).", &[], &[RFC8017_91]),
        "ScalarOutOfRange" => ("EDGE_CASE", "An ECDSA signature with r or s equal to 0, equal to the group order n, or (P-521, where 66 bytes hold more than n) r + n or s + n. FIPS 186-5 §6.4.2 step 1 rejects any r, s outside [1, n - 1]; a verifier that reduces modulo n would accept a second encoding of the same signature.", &[], &[FIPS186_5]),
        "PsychicSignature" => ("KNOWN_BUG", "ECDSA signature with r = s = 0. Java 15-18 accepted it for every message and key ('psychic signatures', CVE-2022-21449) because the range check of FIPS 186-5 §6.4.2 step 1 was missing.", &["CVE-2022-21449"], &["https://nvd.nist.gov/vuln/detail/CVE-2022-21449", FIPS186_5]),
        "SignatureMalleability" => ("SIGNATURE_MALLEABILITY", "ECDSA is malleable: if (r, s) is a valid signature, so is (r, n - s). FIPS 186-5 accepts both and neither form is required here (no low-S rule), so the twin is VALID. It is not a forgery: making it needs a genuine signature of the same message. Callers must not treat signature bytes as unique (e.g. as a replay-cache key).", &[], &[FIPS186_5]),
        "RawLength" => ("MODIFIED_PARAMETER", "A raw (IEEE P1363, r || s) ECDSA signature that is not exactly twice the field length (64, 96 or 132 bytes).", &[], &["https://www.rfc-editor.org/rfc/rfc7518#section-3.4"]),
        "EncodingConfusion" => ("SIGNATURE_MALLEABILITY", "A DER signature given to a `-raw` identifier, or raw r || s given to a `-der` identifier. The identifier fixes the encoding; accepting both would give every signature two encodings.", &[], &[RFC3279_ECDSA]),
        "SwappedRS" => ("MODIFIED_PARAMETER", "The valid signature's r and s swapped: both stay in [1, n - 1], so the signature is well-formed, and the equation fails.", &[], &[]),
        "NonMinimalInteger" => ("BER_ENCODING", "An INTEGER with a redundant leading 0x00 before a byte whose top bit is clear. X.690 §8.3.2: the first nine bits of an INTEGER's contents must not all be zero; valid BER, not DER.", &[], &[X690]),
        "LongFormLength" => ("BER_ENCODING", "A length in long form where the short form fits, or with a redundant leading zero length octet. X.690 §10.1: DER uses the definite form with the minimum number of octets; valid BER, not DER.", &[], &[X690]),
        "IndefiniteLength" => ("BER_ENCODING", "The SEQUENCE in indefinite form (0x30 0x80 ... 0x00 0x00). X.690 §10.1 forbids it in DER; valid BER, not DER.", &[], &[X690]),
        "DerTrailingData" => ("PARSER_DIFFERENTIAL", "A byte after the end of the DER SEQUENCE. A parser that stops at the end of the first element accepts it; DER signatures must be consumed exactly.", &[], &[RFC3279_ECDSA]),
        "NegativeInteger" => ("PARSER_DIFFERENTIAL", "r encoded without the 0x00 its top bit requires, which makes it a negative INTEGER in two's complement (X.690 §8.3.3). A lax parser reads it as the positive r; r must be in [1, n - 1].", &[], &[X690, RFC3279_ECDSA]),
        "ExtraSequenceElement" => ("PARSER_DIFFERENTIAL", "A third INTEGER inside the SEQUENCE. Ecdsa-Sig-Value (RFC 3279 §2.2.3) has exactly two; a parser that reads two INTEGERs and ignores the rest accepts it.", &[], &[RFC3279_ECDSA]),
        "WrongTag" => ("MODIFIED_PARAMETER", "The outer tag is SET (0x31) instead of SEQUENCE (0x30).", &[], &[RFC3279_ECDSA]),
        "SmallModulus" => ("WEAK_PARAMS", "An RSA key with a 1024-bit modulus: below the 2048-bit minimum, so the key is outside policy whatever the signature.", &[], &["https://doi.org/10.6028/NIST.SP.800-131Ar2"]),
        "LargeModulus" => ("RESOURCE_EXHAUSTION", "An RSA key with an 8200-bit modulus: above the 8192-bit maximum. Unbounded moduli let an attacker who controls a key make verification arbitrarily slow.", &[], &[]),
        "PublicExponentOne" => ("WEAK_PARAMS", "An RSA key with e = 1: s^e = s, so the encoded message itself is a 'signature'. The case carries exactly that forgery (the EMSA-PKCS1-v1_5 encoding of the message, no private key involved).", &[], &[]),
        "EvenExponent" => ("WEAK_PARAMS", "An RSA key with an even public exponent (65536): never a valid RSA key (e must be coprime to lambda(n)). Policy: e odd, 3 <= e < 2^33.", &[], &[]),
        "PointNotOnCurve" => ("MODIFIED_PARAMETER", "An EC public key whose point is not on the named curve (y + 1). SEC 1 §3.2.2.1 public key validation rejects it; skipping the check enables invalid-curve attacks.", &[], &[SEC1]),
        "CompressedPoint" => ("EDGE_CASE", "An EC public key in compressed SEC 1 form (0x02/0x03 || X, SEC 1 §2.3.3). Valid SEC 1 and permitted by RFC 5480 §2.2, but idbridge accepts only the uncompressed form (0x04 || X || Y) and reports any other encoding as a malformed key.", &[], &[SEC1, RFC5480]),
        "GarbageKey" => ("MODIFIED_PARAMETER", "64 random bytes where a SubjectPublicKeyInfo is expected.", &[], &[]),
        "SpkiTrailingData" => ("PARSER_DIFFERENTIAL", "A valid SubjectPublicKeyInfo followed by one 0x00 byte. A parser that stops at the end of the outer SEQUENCE accepts it; the key file must be consumed exactly.", &[], &[]),
        "UnsupportedCurve" => ("MODIFIED_PARAMETER", "A well-formed id-ecPublicKey SPKI on secp256k1 (1.3.132.0.10) with a valid point on that curve: outside policy (P-256, P-384, P-521 only).", &[], &[RFC5480]),
        "WrongCurve" => ("WRONG_PRIMITIVE", "An EC key on another curve than the one the algorithm identifier names.", &[], &[]),
        "KeyTypeConfusion" => ("WRONG_PRIMITIVE", "An RSA key with an ECDSA identifier, or an EC key with an RSA identifier.", &[], &[]),
        "PemKey" => ("FUNCTIONALITY", "The trust key given as a PEM \"PUBLIC KEY\" file instead of DER; the contract allows both.", &[], &[]),
        "NotAllowed" => ("AUTH_BYPASS", "A supported algorithm that the caller's allow-list leaves out. The caller picks the algorithm, never the input (downgrade and algorithm confusion).", &[], &[RFC8725]),
        "EmptyAllowList" => ("EDGE_CASE", "An empty allow-list allows nothing: it must not be read as 'no restriction'.", &[], &[]),
        "WeakHash" => ("LEGACY", "A genuine SHA-1 signature under an SHA-1 identifier (rsa-pkcs1v15-sha1, ecdsa-p256-sha1-der): SHA-1 identifiers are not supported.", &[], &["https://doi.org/10.6028/NIST.SP.800-131Ar2"]),
        "UnknownAlgorithm" => ("WRONG_PRIMITIVE", "An identifier that is not one of the 24 supported ones. Identifiers are compared exactly: case-sensitive, no trimming, no aliases (JWA names such as RS256 are not identifiers here).", &[], &[]),
        "HmacConfusion" => ("AUTH_BYPASS", "The JWT 'RS256 to HS256' confusion: an HMAC-SHA-256 over the message keyed with the public key's SPKI bytes, presented under an HMAC identifier.", &[], &[RFC8725]),
        "AlgorithmNone" => ("AUTH_BYPASS", "The identifier 'none' with an empty signature.", &[], &[RFC8725]),
        other => panic!("no note for flag {other}"),
    };
    Note {
        bug_type,
        description,
        cves,
        links,
    }
}
