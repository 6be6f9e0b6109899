//! SPID and CIE ID over OpenID Connect, under the OpenID Federation 1.0
//! profile of the AgID/IPZS guidelines ("SPID/CIE OIDC Federation").
//!
//! - [`federation`]: entity statements, trust chains, metadata policy and
//!   trust marks (OpenID Federation 1.0), sans-IO: the library says which
//!   URLs it needs and takes the bodies; it never fetches.
//! - [`rp`]: what a relying party sends (its entity configuration, the
//!   signed request object, PKCE, the `private_key_jwt` client assertion)
//!   and what it checks (the ID token, the signed-then-encrypted UserInfo),
//!   and the mapping to [`crate::VerifiedIdentity`].
//!
//! Every JWS and JWE goes through [`crate::jose`]; no key is ever taken
//! from a token's own header.

pub mod federation;
pub mod rp;
