//! The SPID/CIE OpenID Connect relying party: requests it sends and tokens
//! it checks (VECTORS.md, kind `oidc-id-token`).
