//! Explicit bounds on attacker-driven work.
//!
//! Every input a verifier accepts is bounded before it is parsed: bytes,
//! XML nodes, depth, attributes and namespaces, JSON nesting, certificate
//! chain length and the number of signature checks one verification may ask
//! for. The defaults are safe for real traffic; a caller can only make them
//! stricter (`tighten_*` keeps the smaller of the current and the new
//! value), never looser, so no configuration mistake can open a hole.

/// The bounds a verification runs under.
///
/// ```
/// use idbridge::Limits;
/// let limits = Limits::default().tighten_max_input_bytes(64 * 1024);
/// assert_eq!(limits.max_input_bytes(), 64 * 1024);
/// // Tightening never loosens:
/// let limits = limits.tighten_max_input_bytes(usize::MAX);
/// assert_eq!(limits.max_input_bytes(), 64 * 1024);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    max_input_bytes: usize,
    max_token_bytes: usize,
    min_token_bytes: usize,
    max_json_depth: usize,
    max_xml_nodes: usize,
    max_xml_depth: usize,
    max_xml_attributes: usize,
    max_xml_attributes_total: usize,
    max_xml_namespaces: usize,
    max_xml_namespaces_in_scope: usize,
    max_chain_len: usize,
    max_signature_checks: usize,
    max_jws_bytes: usize,
    max_jose_header_bytes: usize,
    max_jose_header_members: usize,
    max_jwks_keys: usize,
    max_entity_statement_bytes: usize,
    max_federation_statements: usize,
    max_policy_values: usize,
    max_authority_hints: usize,
    max_federation_fetches: usize,
    max_jwe_bytes: usize,
    max_presentation_bytes: usize,
    max_disclosures: usize,
    max_status_list_bytes: usize,
    max_cbor_depth: usize,
    max_cbor_items: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

macro_rules! limit_accessors {
    ($( $(#[$doc:meta])* $field:ident, $tighten:ident; )+) => {
        impl Limits {
            $(
                $(#[$doc])*
                pub const fn $field(&self) -> usize {
                    self.$field
                }

                /// Lowers this limit to `value` (a larger value changes nothing).
                #[must_use]
                pub const fn $tighten(mut self, value: usize) -> Self {
                    if value < self.$field {
                        self.$field = value;
                    }
                    self
                }
            )+
        }
    };
}

impl Limits {
    /// The defaults: 5 MiB of input (a SAML POST body), Web eID tokens of
    /// 100 to 10,000 bytes, JSON nested at most 32 deep, 100,000 XML nodes,
    /// XML 64 deep with 64 attributes and 32 namespace declarations on an
    /// element, 50,000 attributes in a document and 64 namespaces in scope
    /// of one element, chains of at most 8 certificates, 16 signature
    /// checks; compact JWS of at most 256 KiB with a header of at most
    /// 16 KiB (decoded) and 32 members; JWK Sets of at most 64 keys;
    /// OpenID Federation entity statements of at most 128 KiB, trust chains
    /// of at most 12 statements, 4,096 metadata-policy values per chain, 16
    /// `authority_hints` followed per entity and 64 fetches per resolution.
    /// compact JWE of at most 256 KiB; SD-JWT presentations of at most
    /// 512 KiB with 256 disclosures, status lists inflating to at most 4 MiB;
    /// CBOR nested at most 64 deep with at most 20,000 items per decoded item.
    pub const DEFAULT: Limits = Limits {
        max_input_bytes: 5 * 1024 * 1024,
        max_token_bytes: 10_000,
        min_token_bytes: 100,
        max_json_depth: 32,
        max_xml_nodes: 100_000,
        max_xml_depth: 64,
        max_xml_attributes: 64,
        max_xml_attributes_total: 50_000,
        max_xml_namespaces: 32,
        max_xml_namespaces_in_scope: 64,
        max_chain_len: 8,
        max_signature_checks: 16,
        max_jws_bytes: 256 * 1024,
        max_jose_header_bytes: 16 * 1024,
        max_jose_header_members: 32,
        max_jwks_keys: 64,
        max_entity_statement_bytes: 128 * 1024,
        max_federation_statements: 12,
        max_policy_values: 4096,
        max_authority_hints: 16,
        max_federation_fetches: 64,
        max_jwe_bytes: 256 * 1024,
        max_presentation_bytes: 512 * 1024,
        max_disclosures: 256,
        max_status_list_bytes: 4 * 1024 * 1024,
        max_cbor_depth: 64,
        max_cbor_items: 20_000,
    };

    /// The smallest Web eID token accepted, in bytes (the reference validator's bound).
    pub const fn min_token_bytes(&self) -> usize {
        self.min_token_bytes
    }
}

limit_accessors! {
    /// The largest raw input (before any decoding), in bytes.
    max_input_bytes, tighten_max_input_bytes;
    /// The largest Web eID token, in bytes.
    max_token_bytes, tighten_max_token_bytes;
    /// The deepest JSON nesting accepted.
    max_json_depth, tighten_max_json_depth;
    /// The most XML nodes (elements, text, comments...) in one document.
    max_xml_nodes, tighten_max_xml_nodes;
    /// The deepest XML element nesting.
    max_xml_depth, tighten_max_xml_depth;
    /// The most attributes on one XML element.
    max_xml_attributes, tighten_max_xml_attributes;
    /// The most attributes in one XML document, namespace declarations
    /// included. The parser's work grows with this total; real SAML
    /// Responses and metadata carry a few hundred.
    max_xml_attributes_total, tighten_max_xml_attributes_total;
    /// The most namespace declarations on one XML element.
    max_xml_namespaces, tighten_max_xml_namespaces;
    /// The most namespaces in scope of one XML element (declared on it or
    /// on an ancestor, each prefix once). The XML parser resolves a prefix
    /// by searching this list, so it bounds the work per name.
    max_xml_namespaces_in_scope, tighten_max_xml_namespaces_in_scope;
    /// The longest certificate chain, end entity and anchor included.
    max_chain_len, tighten_max_chain_len;
    /// The most signature checks one verification may collect.
    max_signature_checks, tighten_max_signature_checks;
    /// The largest compact JWS (the whole `header.payload.signature`), in bytes.
    max_jws_bytes, tighten_max_jws_bytes;
    /// The largest JOSE header once base64url-decoded, in bytes.
    max_jose_header_bytes, tighten_max_jose_header_bytes;
    /// The most members in one JOSE header.
    max_jose_header_members, tighten_max_jose_header_members;
    /// The most keys in one JWK Set.
    max_jwks_keys, tighten_max_jwks_keys;
    /// The largest OpenID Federation entity statement or trust mark (compact
    /// JWS), in bytes.
    max_entity_statement_bytes, tighten_max_entity_statement_bytes;
    /// The most statements in one OpenID Federation trust chain (the
    /// subject's entity configuration and the trust anchor's included).
    max_federation_statements, tighten_max_federation_statements;
    /// The most values in the metadata policies of one trust chain (each
    /// operator counts one, plus one per member of a list operand).
    max_policy_values, tighten_max_policy_values;
    /// The most `authority_hints` a trust-chain resolver follows from one
    /// entity (more are refused, not silently dropped).
    max_authority_hints, tighten_max_authority_hints;
    /// The most documents (entity configurations and subordinate
    /// statements) one trust-chain resolution may ask for.
    max_federation_fetches, tighten_max_federation_fetches;
    /// The largest compact JWE (all five segments), in bytes. It bounds the
    /// plaintext too: compression (`zip`) is refused, so the plaintext is
    /// never longer than the ciphertext.
    max_jwe_bytes, tighten_max_jwe_bytes;
    /// The largest SD-JWT presentation (issuer-signed JWT, disclosures and
    /// KB-JWT), in bytes.
    max_presentation_bytes, tighten_max_presentation_bytes;
    /// The most disclosures in one SD-JWT presentation (counted before any
    /// is decoded).
    max_disclosures, tighten_max_disclosures;
    /// The largest Token Status List once inflated, in bytes: inflation
    /// stops there, so a small token that would inflate to gigabytes costs
    /// at most this much work and memory.
    max_status_list_bytes, tighten_max_status_list_bytes;
    /// The deepest CBOR nesting in one decoded item (arrays, maps and tags
    /// count one level each; ISO/IEC 18013-5 structures nest at most 8).
    max_cbor_depth, tighten_max_cbor_depth;
    /// The most CBOR items (every head) in one decoded item: a
    /// DeviceResponse with a PID and its portrait holds a few hundred. The
    /// parser's tree grows with this count, never with a declared length.
    max_cbor_items, tighten_max_cbor_items;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tightening_only_lowers() {
        let l = Limits::default()
            .tighten_max_xml_depth(10)
            .tighten_max_xml_depth(1000)
            .tighten_max_signature_checks(2);
        assert_eq!(l.max_xml_depth(), 10);
        assert_eq!(l.max_signature_checks(), 2);
        assert_eq!(l.max_chain_len(), Limits::DEFAULT.max_chain_len());
    }

    #[test]
    fn defaults_are_bounded() {
        let l = Limits::default();
        assert!(l.max_input_bytes() <= 5 * 1024 * 1024);
        assert_eq!(l.max_token_bytes(), 10_000);
        assert_eq!(l.min_token_bytes(), 100);
        assert!(l.max_signature_checks() > 0);
        assert_eq!(l.max_jws_bytes(), 256 * 1024);
        assert_eq!(l.max_jose_header_bytes(), 16 * 1024);
        assert_eq!(l.max_jose_header_members(), 32);
        assert_eq!(l.max_jwks_keys(), 64);
        assert_eq!(l.max_jwe_bytes(), 256 * 1024);
        assert_eq!(l.max_presentation_bytes(), 512 * 1024);
        assert_eq!(l.max_disclosures(), 256);
        assert_eq!(l.max_status_list_bytes(), 4 * 1024 * 1024);
    }
}
