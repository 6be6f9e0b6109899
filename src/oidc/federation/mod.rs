//! OpenID Federation 1.0 trust chains, as a SPID/CIE relying party or
//! provider resolves them (VECTORS.md, kind `oidc-trust-chain`).
