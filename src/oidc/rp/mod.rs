//! The SPID/CIE OpenID Connect relying party: requests it sends and tokens
//! it checks (VECTORS.md, kind `oidc-id-token`).
//!
//! What the RP checks (every platform):
//! - [`verify_id_token`]: the ID token from the token endpoint, checks 1
//!   to 8 of the contract (signature by the OP's federation keys, claims,
//!   audience, time, `nonce`, `acr`, `at_hash`);
//! - [`verify_userinfo`]: the UserInfo response, signed by the OP then
//!   encrypted to the RP (check 9), and the identity it completes;
//! - [`verify_login`]: both at once, from the token response and the
//!   UserInfo body ([`TokenResponse`]).
//!
//! The OP's keys are a [`crate::jose::JwkSet`]: in a service, the
//! `openid_provider.jwks` of the OP's metadata as its trust chain
//! resolves it ([`crate::oidc::federation`]). Nothing is ever taken from
//! a token's header, and the OP's `jwks_uri` is not used: the SPID/CIE
//! federation publishes the keys in the metadata itself.
//!
//! What the RP sends (native: it signs with a caller-held
//! [`crate::crypto::Signer`]):
//! - [`AuthorizationRequest`]: the signed request object and the
//!   authorization URL, with `state`, `nonce` and [`Pkce`];
//! - [`client_assertion`] and [`token_request_form`]: the token request
//!   with `private_key_jwt`;
//! - [`EntityConfiguration`]: the RP's own entity configuration.
//!
//! The identity ([`crate::VerifiedIdentity`]): `system` is the federation's
//! scheme, [`crate::System::Spid`] or [`crate::System::Cie`] as
//! [`Expectations::system`] says (the protocol shows in the verified
//! types, not in the identity: a person is the same whichever protocol
//! the IdP spoke); `issuer` the OP; `level`/`loa` from `acr`
//! ([`SpidLevel`]); `attributes.sub` the pairwise `sub`; the person only
//! from the decrypted, verified UserInfo: `subject_id` ←
//! `https://attributes.spid.gov.it/fiscalNumber` (as written,
//! `TINIT-…`), `given_name` ← `…/name`, `family_name` ← `…/familyName`,
//! `birth_date` ← `…/dateOfBirth`, every other claim but `iss aud sub iat
//! exp` in `attributes` under its full name (strings as they are, other
//! values as compact JSON). A CIE UserInfo that lacks the SPID names
//! fills the same fields from `https://attributes.eid.gov.it/fiscal_number`,
//! `given_name`, `family_name` and `birthdate`, which also stay in
//! `attributes`.

#[cfg(not(target_arch = "wasm32"))]
mod entity;
mod pkce;
#[cfg(not(target_arch = "wasm32"))]
mod request;
mod userinfo;
mod verify;

#[cfg(not(target_arch = "wasm32"))]
pub use entity::{EntityConfiguration, MAX_ENTITY_CONFIGURATION_SECONDS};
#[cfg(not(target_arch = "wasm32"))]
pub use pkce::random_token;
pub use pkce::{Pkce, MIN_STATE_NONCE_LEN, VERIFIER_LEN};
#[cfg(not(target_arch = "wasm32"))]
pub use request::{
    client_assertion, client_assertion_with, default_claims, token_request_form,
    AuthorizationRequest, SignedAuthorizationRequest, CLIENT_ASSERTION_TYPE, MAX_LIFETIME_SECONDS,
};
pub use userinfo::{verify_login, verify_userinfo, TokenResponse, VerifiedLogin, VerifiedUserinfo};
pub use verify::{
    at_hash, verify_id_token, Expectations, SpidLevel, UserinfoIssAud, VerifiedIdToken,
};
