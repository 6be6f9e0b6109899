//! SD-JWT (RFC 9901) and SD-JWT VC presentations, with the Key Binding JWT
//! and Token Status Lists (feature `sdjwt`): the credentials IT-Wallet and
//! the EU Digital Identity Wallets present over OpenID for Verifiable
//! Presentations, checked by the relying party.
//!
//! [`verify_presentation`] takes the presentation exactly as it arrives in
//! `vp_token` (`<issuer-signed JWT>~<disclosure>~…~<KB-JWT or nothing>`),
//! the issuer's keys ([`SdJwtTrust`]), the status lists the caller fetched
//! ([`StatusLists`]) and the caller's [`Expectations`], and runs the checks
//! of `VECTORS.md`, kind `sd-jwt-vc`, in that order; the first failing one
//! gives the code:
//!
//! 0. the presentation is at most `Limits::max_presentation_bytes` with at
//!    most `max_disclosures` disclosures (`input.too_large`);
//! 1. split at `~`: ASCII, the last part empty or a three-segment JWS, no
//!    empty disclosure (`sdjwt.format.invalid`; RFC 9901 §4);
//! 2. the issuer-signed JWT by the JOSE rules (`kid` optional), its `typ`
//!    checked after the algorithm: in [`Profile::SdJwtVc`] one of
//!    [`Expectations::accepted_typ`] (`sdjwt.typ.unsupported`; SD-JWT VC
//!    §3.2.1);
//! 3. `_sd_alg` `sha-256` (the default), `sha-384` or `sha-512`
//!    (`sdjwt.hash_alg.unsupported`; RFC 9901 §4.1.1);
//! 4. the disclosures (RFC 9901 §7.1): no disclosure twice
//!    (`sdjwt.disclosure.duplicate`), each base64url JSON `[salt, name,
//!    value]` or `[salt, value]` referenced from the right place
//!    (`sdjwt.disclosure.malformed`), `_sd` arrays of strings and `...`
//!    strings (`sdjwt.claims.invalid`), no digest twice
//!    (`sdjwt.digest.duplicate`), no claim named `_sd` or `...`
//!    (`sdjwt.claim_name.forbidden`) or already present
//!    (`sdjwt.claim_name.conflict`), none unreferenced
//!    (`sdjwt.disclosure.unreferenced`); the processed payload nested at
//!    most `max_json_depth` (`input.too_large`). Digests no disclosure
//!    matches are decoys, ignored;
//! 5. `exp`, `nbf`, `iat` against `now` and the skew (`sdjwt.time.*`); in
//!    [`Profile::SdJwtVc`] a string `vct` (`sdjwt.vct.missing`), one of
//!    [`Expectations::accepted_vct`] when given (`sdjwt.vct.mismatch`);
//! 6. key binding (RFC 9901 §4.3, §7.3): a KB-JWT when the caller requires
//!    one (`kb.missing`); a KB-JWT that is there is always checked: signed
//!    by the credential's `cnf.jwk` (`kb.key.missing`, the JOSE rules,
//!    `kb.signature.invalid`), `typ` `kb+jwt` (`kb.typ.invalid`), `iat` in
//!    `[now − max_kb_age − skew, now + skew]` (`kb.time.invalid`), `nonce`
//!    and `aud` the caller's (`kb.nonce.mismatch`, `kb.audience.mismatch`),
//!    `sd_hash` over the presentation up to its last `~`
//!    (`kb.sd_hash.mismatch`);
//! 7. status (Token Status List, draft-ietf-oauth-status-list §5, §6), when
//!    the credential has `status.status_list` and [`StatusCheck::Required`]:
//!    the list for its `uri` was provided (`status.list.unavailable`), is a
//!    `statuslist+jwt` signed under the credential's trust (a status-list
//!    key, or an `x5c` chain to the anchors naming the credential's `iss`;
//!    under issuer-bound trust its `iss`, if any, is that issuer) with
//!    `sub` = `uri`, and
//!    decodes (`status.list.invalid`; inflating beyond
//!    `max_status_list_bytes` is `input.too_large`), is not expired
//!    (`status.list.expired`), not used beyond its `ttl` when the caller
//!    says when it was fetched (`status.list.stale`, [`StatusLists`]),
//!    holds `idx` (`status.index.out_of_range`),
//!    whose value is 0 (1: `status.credential.revoked`, 2:
//!    `status.credential.suspended`, other: `status.value.unknown`).
//!
//! Nothing is fetched: [`status_reference`] tells, before verification,
//! which status list a presentation needs (as OCSP needs a response).
//! The claims returned come from verified material only: the signed
//! payload with the disclosures whose digests it (recursively) holds.
//!
//! ```
//! use idbridge::crypto;
//! use idbridge::jose::JwkSet;
//! use idbridge::sdjwt::{self, Expectations, SdJwtTrust, StatusLists};
//! use idbridge::UnixTime;
//! # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors/conformance/sd-jwt-vc/upstream/own");
//! # let issuer_jwks = std::fs::read(format!("{dir}/keys/issuer.jwks.json")).unwrap();
//! # let status_jwks = std::fs::read(format!("{dir}/keys/status-signer.jwks.json")).unwrap();
//! # let status_token = std::fs::read(format!("{dir}/status/list-2bit.jwt")).unwrap();
//! # let presentation = std::fs::read_to_string(format!("{dir}/presentations/status-own-valid.txt")).unwrap();
//! let trust = SdJwtTrust::new(JwkSet::from_json(&issuer_jwks)?)
//!     .with_status_list_keys(JwkSet::from_json(&status_jwks)?);
//! // Sans-IO: which status list does this presentation need?
//! let needed = sdjwt::status_reference(&presentation, &idbridge::Limits::default())?.unwrap();
//! assert_eq!(needed.uri(), "https://status.idbridge.test/lists/2");
//! let lists = StatusLists::new().with(needed.uri(), status_token);
//!
//! let expect = Expectations::new(
//!     "3f1d2c9a7b8e4f60a1b2c3d4e5f60718293a4b5c", // the OpenID4VP request's nonce
//!     "https://rp.idbridge.test",                 // this verifier's client_id
//! );
//! let now = UnixTime::parse_rfc3339("2026-05-01T00:00:00Z")?;
//! let verified = sdjwt::verify_presentation(crypto::default_backend(), &presentation,
//!     &trust, &lists, &expect, now)?;
//! assert_eq!(verified.vct(), Some("urn:eudi:pid:it:1"));
//! assert_eq!(verified.identity().given_name(), Some("Mario"));
//! assert!(verified.key_binding().is_some());
//!
//! // The same presentation a second later than the KB-JWT's window allows:
//! let late = now.saturating_add_secs(301);
//! let err = sdjwt::verify_presentation(crypto::default_backend(), &presentation,
//!     &trust, &lists, &expect, late).unwrap_err();
//! assert_eq!(err.code(), "kb.time.invalid");
//! # Ok::<(), idbridge::Error>(())
//! ```

mod disclosure;
mod identity;
mod metadata;
pub mod openid4vp;
mod status;
mod verify;
#[cfg(feature = "x509-path")]
mod x5c;

pub use status::StatusReference;
pub use verify::{status_reference, verify_presentation};

use crate::crypto::{AllowList, HashAlg};
use crate::identity::VerifiedIdentity;
use crate::jose::JwkSet;
use crate::limits::Limits;
use crate::time::UnixTime;
use std::collections::BTreeMap;

/// The `typ` values accepted by default: `dc+sd-jwt` (SD-JWT VC §3.2.1)
/// and the legacy `vc+sd-jwt` still issued during the transition.
pub const DEFAULT_ACCEPTED_TYP: &[&str] = &["dc+sd-jwt", "vc+sd-jwt"];

/// What the presentation is checked as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Profile {
    /// An SD-JWT VC (the default): `typ` and `vct` checked.
    #[default]
    SdJwtVc,
    /// RFC 9901 alone: no `typ` or `vct` rule.
    SdJwt,
}

/// Whether the relying party requires proof of possession of the
/// credential's key (a KB-JWT). This is the caller's policy, whatever the
/// presentation holds: a credential without `cnf` does not lower it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum KeyBinding {
    /// A KB-JWT is required (the default; OpenID4VP's replay protection).
    #[default]
    Required,
    /// A presentation without KB-JWT is accepted; one that has a KB-JWT is
    /// still checked in full.
    Optional,
}

/// Whether the credential's Token Status List entry is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StatusCheck {
    /// Checked whenever the credential has `status.status_list` (the default).
    #[default]
    Required,
    /// Not checked (the result says so: [`CredentialStatus::NotChecked`]).
    Off,
}

/// The issuer's keys and the status lists' signers.
///
/// ```
/// use idbridge::jose::JwkSet;
/// use idbridge::sdjwt::SdJwtTrust;
/// let keys = JwkSet::from_json(br#"{"keys":[{"kty":"EC","crv":"P-256","kid":"i1",
///   "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
///   "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#)?;
/// let trust = SdJwtTrust::new(keys);
/// // Without their own keys, status lists are checked with the issuer's.
/// assert_eq!(trust.status_list_keys().keys().len(), 1);
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct SdJwtTrust {
    issuer_keys: JwkSet,
    status_list_keys: Option<JwkSet>,
    issuer: Option<String>,
    #[cfg(feature = "x509-path")]
    x5c_anchors: Vec<crate::x509::path::Anchor>,
}

impl SdJwtTrust {
    /// Trust in the issuer keys `issuer_keys` (a configured JWK Set).
    pub fn new(issuer_keys: JwkSet) -> SdJwtTrust {
        SdJwtTrust {
            issuer_keys,
            status_list_keys: None,
            issuer: None,
            #[cfg(feature = "x509-path")]
            x5c_anchors: Vec::new(),
        }
    }

    /// Trust in `issuer_keys` **for the issuer `issuer` only**: a credential
    /// whose signed `iss` is not `issuer` is `sdjwt.issuer.mismatch`, even
    /// when its signature verifies. What a key found through the issuer's
    /// identity (its metadata, its federation entity) needs.
    pub fn for_issuer(issuer: impl Into<String>, issuer_keys: JwkSet) -> SdJwtTrust {
        SdJwtTrust {
            issuer_keys,
            status_list_keys: None,
            issuer: Some(issuer.into()),
            #[cfg(feature = "x509-path")]
            x5c_anchors: Vec::new(),
        }
    }

    /// Trust from a JWT VC Issuer Metadata document (SD-JWT VC §5, served
    /// at `/.well-known/jwt-vc-issuer`), given as bytes: its inline `jwks`
    /// for its `issuer` ([`SdJwtTrust::for_issuer`]). A document that is
    /// not a JSON object with a non-empty string `issuer` and an inline
    /// `jwks` object (`jwks_uri` alone would need a fetch) is
    /// `sdjwt.metadata.invalid`; its keys follow [`JwkSet::from_json`].
    ///
    /// The caller fetched the document from the URL built from the `iss`
    /// it expects, so the library also checks the credential's `iss`
    /// against the document's `issuer`.
    ///
    /// ```
    /// use idbridge::sdjwt::SdJwtTrust;
    /// let doc = br#"{"issuer":"https://issuer.example","jwks":{"keys":[{"kty":"EC",
    ///   "crv":"P-256","kid":"i1","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    ///   "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}}"#;
    /// let trust = SdJwtTrust::from_issuer_metadata(doc, &idbridge::Limits::default())?;
    /// assert_eq!(trust.issuer(), Some("https://issuer.example"));
    /// let only_uri = br#"{"issuer":"https://issuer.example","jwks_uri":"https://issuer.example/jwks"}"#;
    /// let err = SdJwtTrust::from_issuer_metadata(only_uri, &idbridge::Limits::default()).unwrap_err();
    /// assert_eq!(err.code(), "sdjwt.metadata.invalid");
    /// # Ok::<(), idbridge::Error>(())
    /// ```
    pub fn from_issuer_metadata(document: &[u8], limits: &Limits) -> crate::Result<SdJwtTrust> {
        let (issuer, keys) = metadata::parse(document, limits)?;
        Ok(SdJwtTrust::for_issuer(issuer, keys))
    }

    /// This trust with `anchor` (a CA certificate, DER, or PEM: every
    /// certificate of a bundle;
    /// `x509.cert.malformed` otherwise) accepted for issuer-signed JWTs that
    /// carry their key in `x5c` (SD-JWT VC §3.5; feature `x509-path`, on
    /// by default): the chain, leaf first, must validate to a configured
    /// anchor at `now` (the `x509.*` codes), at most 8 base64 DER
    /// certificates (`sdjwt.x5c.invalid`), and the leaf must name the
    /// credential's `iss` in its subjectAltName, a URI equal to it or, for
    /// an `https` `iss`, a dNSName equal to its host
    /// (`sdjwt.issuer.mismatch`). A JWT without `x5c` is checked with the
    /// JWK Set as before; intermediates are not checked for revocation.
    ///
    /// ```
    /// use idbridge::jose::JwkSet;
    /// use idbridge::sdjwt::SdJwtTrust;
    /// let trust = SdJwtTrust::new(JwkSet::from_keys(vec![])?);
    /// let err = trust.clone().with_x5c_anchor(b"not a certificate").unwrap_err();
    /// assert_eq!(err.code(), "x509.cert.malformed");
    /// # Ok::<(), idbridge::Error>(())
    /// ```
    #[cfg(feature = "x509-path")]
    pub fn with_x5c_anchor(mut self, anchor: &[u8]) -> crate::Result<SdJwtTrust> {
        self.x5c_anchors.extend(x5c::anchors(anchor)?);
        Ok(self)
    }

    /// How many `x5c` anchors this trust holds.
    #[cfg(feature = "x509-path")]
    pub fn x5c_anchor_count(&self) -> usize {
        self.x5c_anchors.len()
    }

    /// The issuer this trust is bound to, if any ([`SdJwtTrust::for_issuer`]).
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// This trust with the status-list tokens checked under `keys` instead
    /// of the issuer's keys.
    #[must_use]
    pub fn with_status_list_keys(mut self, keys: JwkSet) -> SdJwtTrust {
        self.status_list_keys = Some(keys);
        self
    }

    /// The issuer's keys.
    pub fn issuer_keys(&self) -> &JwkSet {
        &self.issuer_keys
    }

    /// The keys status-list tokens are checked with.
    pub fn status_list_keys(&self) -> &JwkSet {
        self.status_list_keys.as_ref().unwrap_or(&self.issuer_keys)
    }
}

/// The status-list tokens the caller fetched, by URI (the library fetches
/// nothing): each one the `statuslist+jwt` body as received, and, when the
/// caller serves it from a cache, the time it was fetched.
///
/// A token's `ttl` (Token Status List §5.1) bounds how long a fetched copy
/// may be used, counted from when it was fetched (§8.3): a token given
/// with [`StatusLists::with_fetched`] whose fetch time plus `ttl` is before
/// `now` minus the skew is `status.list.stale`. A token given with
/// [`StatusLists::with`] counts as just fetched.
///
/// ```
/// use idbridge::sdjwt::StatusLists;
/// use idbridge::UnixTime;
/// let fetched = UnixTime::from_unix_seconds(1_777_590_000);
/// let lists = StatusLists::new()
///     .with("https://status.example/1", b"eyJ...".to_vec())
///     .with_fetched("https://status.example/2", b"eyJ...".to_vec(), fetched);
/// assert!(lists.get("https://status.example/1").is_some());
/// assert_eq!(lists.fetched_at("https://status.example/1"), None);
/// assert_eq!(lists.fetched_at("https://status.example/2"), Some(fetched));
/// assert!(lists.get("https://status.example/3").is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatusLists {
    lists: BTreeMap<String, (Vec<u8>, Option<UnixTime>)>,
}

impl StatusLists {
    /// No status lists.
    pub fn new() -> StatusLists {
        StatusLists::default()
    }

    /// Adds (or replaces) the token for `uri`, just fetched.
    pub fn insert(&mut self, uri: impl Into<String>, token: impl Into<Vec<u8>>) -> &mut Self {
        self.lists.insert(uri.into(), (token.into(), None));
        self
    }

    /// Adds (or replaces) the token for `uri`, fetched at `fetched_at`
    /// (from the caller's cache): its `ttl` is enforced.
    pub fn insert_fetched(
        &mut self,
        uri: impl Into<String>,
        token: impl Into<Vec<u8>>,
        fetched_at: UnixTime,
    ) -> &mut Self {
        self.lists
            .insert(uri.into(), (token.into(), Some(fetched_at)));
        self
    }

    /// These lists with the token for `uri`, just fetched.
    #[must_use]
    pub fn with(mut self, uri: impl Into<String>, token: impl Into<Vec<u8>>) -> StatusLists {
        self.insert(uri, token);
        self
    }

    /// These lists with the token for `uri`, fetched at `fetched_at`.
    #[must_use]
    pub fn with_fetched(
        mut self,
        uri: impl Into<String>,
        token: impl Into<Vec<u8>>,
        fetched_at: UnixTime,
    ) -> StatusLists {
        self.insert_fetched(uri, token, fetched_at);
        self
    }

    /// The token for `uri`, if provided.
    pub fn get(&self, uri: &str) -> Option<&[u8]> {
        self.lists.get(uri).map(|(t, _)| t.as_slice())
    }

    /// When the token for `uri` was fetched, if the caller said.
    pub fn fetched_at(&self, uri: &str) -> Option<UnixTime> {
        self.lists.get(uri).and_then(|(_, f)| *f)
    }
}

/// What the relying party expects of a presentation.
///
/// ```
/// use idbridge::sdjwt::{Expectations, Profile, StatusCheck};
/// let vct = ["urn:eudi:pid:it:1"];
/// let mut expect = Expectations::new("n-0S6_WzA2Mj", "https://rp.example.it");
/// expect.accepted_vct = Some(&vct);
/// expect.clock_skew_seconds = 5;
/// assert_eq!(expect.profile, Profile::SdJwtVc);
/// assert_eq!(expect.status_check, StatusCheck::Required);
/// // RFC 9901 alone, no key binding (e.g. an issuance-form credential):
/// let plain = Expectations::without_key_binding();
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Expectations<'a> {
    /// [`Profile::SdJwtVc`] (the default) or [`Profile::SdJwt`].
    pub profile: Profile,
    /// The issuer-signed JWT's accepted `typ` values, compared by RFC 7515
    /// §4.1.9's media-type rules (default [`DEFAULT_ACCEPTED_TYP`]).
    pub accepted_typ: &'a [&'a str],
    /// The accepted `vct` values, compared exactly (default: any).
    pub accepted_vct: Option<&'a [&'a str]>,
    /// Whether a KB-JWT is required (default [`KeyBinding::Required`]).
    pub key_binding: KeyBinding,
    /// The `nonce` the KB-JWT must carry: the OpenID4VP request's. `None`
    /// matches no KB-JWT.
    pub nonce: Option<&'a str>,
    /// The `aud` the KB-JWT must carry: this verifier's `client_id`.
    /// `None` matches no KB-JWT.
    pub audience: Option<&'a str>,
    /// The `state` the OpenID4VP request sent, which the response must
    /// carry back ([`openid4vp::verify_response`]; `openid4vp.state.mismatch`).
    /// `None` (the default): not checked. A single presentation has no
    /// `state`; [`verify_presentation`] ignores this.
    pub state: Option<&'a str>,
    /// How old the KB-JWT's `iat` may be, in seconds (default 300).
    pub max_kb_age_seconds: u32,
    /// Tolerance for every time comparison, in seconds (default 0).
    pub clock_skew_seconds: u32,
    /// Whether the status list is checked (default [`StatusCheck::Required`]).
    pub status_check: StatusCheck,
    /// The signature algorithms accepted for every JWS (default:
    /// RS256/384/512, PS256/384/512, ES256/384/512).
    pub allowed: AllowList,
    /// Input bounds.
    pub limits: Limits,
}

impl<'a> Expectations<'a> {
    /// An SD-JWT VC with a KB-JWT carrying `nonce` and `aud` = `audience`;
    /// every other field at its default.
    pub fn new(nonce: &'a str, audience: &'a str) -> Expectations<'a> {
        Expectations {
            nonce: Some(nonce),
            audience: Some(audience),
            ..Expectations::without_key_binding()
        }
        .require_key_binding()
    }

    /// An SD-JWT VC whose key binding is optional and no nonce or audience
    /// is expected (a KB-JWT that is present then fails its `nonce` check).
    pub fn without_key_binding() -> Expectations<'a> {
        Expectations {
            profile: Profile::SdJwtVc,
            accepted_typ: DEFAULT_ACCEPTED_TYP,
            accepted_vct: None,
            key_binding: KeyBinding::Optional,
            nonce: None,
            audience: None,
            state: None,
            max_kb_age_seconds: 300,
            clock_skew_seconds: 0,
            status_check: StatusCheck::Required,
            allowed: AllowList::default(),
            limits: Limits::default(),
        }
    }

    fn require_key_binding(mut self) -> Expectations<'a> {
        self.key_binding = KeyBinding::Required;
        self
    }
}

/// The verified Key Binding JWT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyBindingInfo {
    iat: UnixTime,
    holder_thumbprint: String,
    alg: String,
}

impl KeyBindingInfo {
    /// The KB-JWT's `iat`: when the holder presented.
    pub fn iat(&self) -> UnixTime {
        self.iat
    }

    /// The RFC 7638 thumbprint of the holder key (`cnf.jwk`).
    pub fn holder_thumbprint(&self) -> &str {
        &self.holder_thumbprint
    }

    /// The KB-JWT's `alg`.
    pub fn alg(&self) -> &str {
        &self.alg
    }
}

/// The outcome of the status check.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialStatus {
    /// The credential has no `status.status_list`.
    NoStatusList,
    /// The credential has one, and the caller turned the check off.
    NotChecked(StatusReference),
    /// The list says VALID (0).
    Valid(StatusReference),
}

/// A presentation that passed every check.
#[derive(Clone, Debug)]
pub struct VerifiedPresentation {
    claims: serde_json::Map<String, serde_json::Value>,
    hash_alg: HashAlg,
    issuer_alg: String,
    issuer_kid: Option<String>,
    disclosures: usize,
    key_binding: Option<KeyBindingInfo>,
    status: CredentialStatus,
    identity: VerifiedIdentity,
}

impl VerifiedPresentation {
    /// The processed payload (RFC 9901 §7.1): the signed claims with every
    /// presented disclosure put in place, `_sd`, `...` and `_sd_alg`
    /// removed, decoys dropped.
    pub fn claims(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.claims
    }

    /// `vct`, when a string.
    pub fn vct(&self) -> Option<&str> {
        self.claims.get("vct").and_then(serde_json::Value::as_str)
    }

    /// `iss`, when a string.
    pub fn issuer(&self) -> Option<&str> {
        self.claims.get("iss").and_then(serde_json::Value::as_str)
    }

    /// The digest algorithm (`_sd_alg`).
    pub fn hash_alg(&self) -> HashAlg {
        self.hash_alg
    }

    /// The issuer-signed JWT's `alg`.
    pub fn issuer_alg(&self) -> &str {
        &self.issuer_alg
    }

    /// The `kid` of the issuer key that verified the credential, if any.
    pub fn issuer_kid(&self) -> Option<&str> {
        self.issuer_kid.as_deref()
    }

    /// How many disclosures were presented (all of them are in
    /// [`claims`](Self::claims)).
    pub fn disclosures(&self) -> usize {
        self.disclosures
    }

    /// The verified KB-JWT, when the presentation had one.
    pub fn key_binding(&self) -> Option<&KeyBindingInfo> {
        self.key_binding.as_ref()
    }

    /// The status check's outcome.
    pub fn status(&self) -> &CredentialStatus {
        &self.status
    }

    /// The claims mapped to the uniform identity (`VECTORS.md`, kind
    /// `sd-jwt-vc`, "identity").
    pub fn identity(&self) -> &VerifiedIdentity {
        &self.identity
    }
}
