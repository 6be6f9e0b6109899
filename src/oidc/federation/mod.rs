//! OpenID Federation 1.0 trust chains, as a SPID/CIE relying party or
//! provider resolves them (VECTORS.md, kind `oidc-trust-chain`).
//!
//! - [`verify_chain`] validates a chain `[EC(subject), ES(superior →
//!   subject), …, ES(TA → …), EC(TA)]` (the anchor's entity configuration
//!   optional) against a [`FederationTrust`] under [`ChainOptions`], at an
//!   explicit `now`, and gives a [`VerifiedChain`]: the subject's metadata
//!   after its superiors' overrides and policies, the chain's expiry, its
//!   valid trust marks.
//! - [`Resolver`] finds a chain, sans-IO: it names the documents it needs
//!   (`/.well-known/openid-federation`, a superior's fetch endpoint with
//!   `?sub=`), takes their bodies and follows `authority_hints`, bounded;
//!   it never fetches.
//!
//! The checks, in order; the first failing one gives the code:
//!
//! 1. each statement (§3, entity statements): at most `Limits::max_entity_statement_bytes`
//!    and the chain at most `Limits::max_federation_statements`
//!    (`input.too_large`); JOSE rule 1 (`jws.malformed`); `typ`
//!    `entity-statement+jwt` (`oidcfed.typ.invalid`); `iss`, `sub` strings,
//!    `iat`, `exp` integers, `jwks` an object, and the optional claims read
//!    here well typed, `crit` naming only claims idbridge understands
//!    (`oidcfed.statement.malformed`); the metadata policies hold at most
//!    `Limits::max_policy_values` values (`input.too_large`);
//! 2. without `allow_http`, every `iss` and `sub` is an `https://` URL with
//!    a host and no query or fragment (the Entity Identifier of §1.2;
//!    `oidcfed.entity_id.invalid`);
//! 3. `iat` ≤ now < `exp` for every statement (§3;
//!    `oidcfed.statement.not_yet_valid`, `oidcfed.statement.expired`);
//! 4. the first statement is self-issued, each `iss` is the next
//!    statement's `sub`, only the last may be another entity
//!    configuration, and no entity appears twice on the path (§4;
//!    `oidcfed.chain.broken`);
//! 5. the last `iss` is a configured anchor and the chain is more than the
//!    anchor alone (§4; `oidcfed.trust_anchor.unknown`);
//! 6. signatures by the JOSE rules, `kid` required (§4; `jws.*`): the
//!    last statement with the configured anchor keys only, each statement
//!    with the next one's `jwks`, the first also with its own;
//! 7. constraints (§6.2; path length §6.2.1): the intermediates are at most the caller's
//!    `max_path_length`, the anchor configuration's and each subordinate
//!    statement's for the intermediates below its issuer
//!    (`oidcfed.path_length.exceeded`); `naming_constraints` hold every
//!    entity below their issuer (host rules of RFC 5280 §4.2.1.10;
//!    `oidcfed.naming_constraints.violated`); `allowed_entity_types` remove
//!    the other types (but `federation_entity`) from the metadata;
//! 8. `metadata_policy_crit` names only the seven standard operators
//!    (`oidcfed.policy.unsupported`);
//! 9. metadata (§6.1): the immediate superior's `metadata` overrides the
//!    subject's for the types the subject has; the policies merge from the
//!    anchor's down (`oidcfed.policy.conflict`) and apply in the
//!    order value, add, default, one_of, subset_of, superset_of, essential
//!    (§6.1.3.1; `oidcfed.policy.violation`);
//! 10. the caller's entity type is in the resolved metadata
//!     (`oidcfed.metadata.missing`);
//! 11. trust marks (§3.1.2, §7, §7.3): see [`VerifiedTrustMark`] and the module
//!     `trust_mark`; a required type without a valid mark fails.
//!
//! ```
//! use idbridge::crypto::{self, RustCryptoSigner, Signer};
//! use idbridge::jose::{self, Jwk, JwkSet};
//! use idbridge::oidc::federation::{self, ChainOptions, FederationTrust};
//! use idbridge::UnixTime;
//! # let pem = include_str!("../../../test-vectors/keys/p256.pk8.pem");
//! # let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
//! # use base64::Engine as _;
//! # let pkcs8 = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
//! # let pem_b = include_str!("../../../test-vectors/keys/p256-b.pk8.pem");
//! # let b64_b: String = pem_b.lines().filter(|l| !l.starts_with("-----")).collect();
//! # let pkcs8_b = base64::engine::general_purpose::STANDARD.decode(b64_b).unwrap();
//! // A trust anchor's key and a relying party's key.
//! let ta = RustCryptoSigner::from_pkcs8_der(&pkcs8)?;
//! let rp = RustCryptoSigner::from_pkcs8_der(&pkcs8_b)?;
//! let ta_jwks = JwkSet::from_keys(vec![Jwk::from_public_key(ta.public_key())?.with_kid("ta")])?;
//! let rp_jwks = JwkSet::from_keys(vec![Jwk::from_public_key(rp.public_key())?.with_kid("rp")])?;
//! let (iat, exp) = (1_700_000_000, 1_700_086_400);
//! // The RP's entity configuration, and the anchor's statement about it.
//! let ec = jose::sign_compact(&rp, "ES256", Some("rp"), Some("entity-statement+jwt"), format!(
//!     r#"{{"iss":"https://rp.example","sub":"https://rp.example","iat":{iat},"exp":{exp},
//!        "jwks":{},"authority_hints":["https://ta.example"],
//!        "metadata":{{"openid_relying_party":{{"client_name":"RP","grant_types":["authorization_code","implicit"]}}}}}}"#,
//!     rp_jwks.to_json()).as_bytes())?;
//! let es = jose::sign_compact(&ta, "ES256", Some("ta"), Some("entity-statement+jwt"), format!(
//!     r#"{{"iss":"https://ta.example","sub":"https://rp.example","iat":{iat},"exp":{exp},
//!        "jwks":{},"metadata_policy":{{"openid_relying_party":{{
//!          "grant_types":{{"subset_of":["authorization_code","refresh_token"]}}}}}}}}"#,
//!     rp_jwks.to_json()).as_bytes())?;
//!
//! let trust = FederationTrust::new().with_anchor("https://ta.example", ta_jwks);
//! let options = ChainOptions::new().entity_type("openid_relying_party");
//! let now = UnixTime::from_unix_seconds(iat + 60);
//! let chain = federation::verify_chain(crypto::default_backend(), &trust, &[&ec, &es], &options, now)?;
//! assert_eq!(chain.subject(), "https://rp.example");
//! assert_eq!(chain.trust_anchor(), "https://ta.example");
//! let rp_metadata = chain.entity_metadata("openid_relying_party").unwrap();
//! assert_eq!(rp_metadata["grant_types"], serde_json::json!(["authorization_code"]));
//! assert_eq!(chain.expires_at(), UnixTime::from_unix_seconds(exp));
//!
//! // An hour after the statements expire:
//! let late = UnixTime::from_unix_seconds(exp + 3600);
//! let err = federation::verify_chain(crypto::default_backend(), &trust, &[&ec, &es], &options, late)
//!     .unwrap_err();
//! assert_eq!(err.code(), "oidcfed.statement.expired");
//! # Ok::<(), idbridge::Error>(())
//! ```

mod chain;
mod policy;
mod resolve;
mod statement;
mod trust;
pub mod trust_mark;

pub use chain::{parse_chain_document, verify_chain, verify_chain_document, VerifiedChain};
pub use resolve::{entity_configuration_url, fetch_url, Request, Resolver};
pub use trust::{ChainOptions, FederationTrust, TrustAnchor};
pub use trust_mark::VerifiedTrustMark;
