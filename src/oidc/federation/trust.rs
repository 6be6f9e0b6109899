//! What a relying party (or provider) trusts and asks of a chain: the
//! trust anchors and trust-mark issuers ([`FederationTrust`], built once and
//! shared), and the per-verification options ([`ChainOptions`]).

use crate::crypto::AllowList;
use crate::jose::JwkSet;
use crate::limits::Limits;
use crate::time::ClockSkew;

/// A configured trust anchor: its entity identifier and the federation keys
/// the relying party holds for it (never the keys the anchor publishes
/// about itself).
#[derive(Clone, Debug)]
pub struct TrustAnchor {
    entity_id: String,
    jwks: JwkSet,
}

impl TrustAnchor {
    /// The anchor's entity identifier, compared byte for byte.
    pub fn entity_id(&self) -> &str {
        &self.entity_id
    }

    /// The anchor's federation keys.
    pub fn jwks(&self) -> &JwkSet {
        &self.jwks
    }
}

/// The trust material of OpenID Federation: trust anchors, and the keys of
/// trust-mark issuers other than the anchors (standing for each issuer's
/// own resolved chain).
///
/// ```
/// use idbridge::jose::JwkSet;
/// use idbridge::oidc::federation::FederationTrust;
/// let keys = JwkSet::from_json(br#"{"keys":[{"kty":"EC","crv":"P-256","kid":"ta-1",
///   "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
///   "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#)?;
/// let trust = FederationTrust::new().with_anchor("https://ta.example", keys);
/// assert_eq!(trust.anchors()[0].entity_id(), "https://ta.example");
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct FederationTrust {
    anchors: Vec<TrustAnchor>,
    trust_mark_issuers: Vec<(String, JwkSet)>,
}

impl FederationTrust {
    /// No anchors yet: every chain fails with `oidcfed.trust_anchor.unknown`.
    pub fn new() -> FederationTrust {
        FederationTrust::default()
    }

    /// This trust with one more trust anchor.
    #[must_use]
    pub fn with_anchor(mut self, entity_id: impl Into<String>, jwks: JwkSet) -> FederationTrust {
        self.anchors.push(TrustAnchor {
            entity_id: entity_id.into(),
            jwks,
        });
        self
    }

    /// This trust with the keys of one more trust-mark issuer.
    #[must_use]
    pub fn with_trust_mark_issuer(
        mut self,
        entity_id: impl Into<String>,
        jwks: JwkSet,
    ) -> FederationTrust {
        self.trust_mark_issuers.push((entity_id.into(), jwks));
        self
    }

    /// The configured trust anchors.
    pub fn anchors(&self) -> &[TrustAnchor] {
        &self.anchors
    }

    /// The anchor with this entity identifier.
    pub fn anchor(&self, entity_id: &str) -> Option<&TrustAnchor> {
        self.anchors.iter().find(|a| a.entity_id == entity_id)
    }

    /// The keys of the trust-mark issuer with this entity identifier.
    pub fn trust_mark_issuer(&self, entity_id: &str) -> Option<&JwkSet> {
        self.trust_mark_issuers
            .iter()
            .find(|(id, _)| id == entity_id)
            .map(|(_, k)| k)
    }
}

impl AsRef<FederationTrust> for FederationTrust {
    fn as_ref(&self) -> &FederationTrust {
        self
    }
}

/// What one verification asks of a chain beyond the specs' rules.
///
/// The defaults: `https://` entity identifiers only, no path-length cap of
/// the caller's own, no entity type or trust mark required, the default
/// algorithm allow-list ([`AllowList::default`]) and [`Limits::default`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChainOptions {
    allow_http: bool,
    max_path_length: Option<u64>,
    entity_type: Option<String>,
    required_trust_marks: Vec<String>,
    allowed: AllowList,
    limits: Limits,
    clock_skew: ClockSkew,
}

impl ChainOptions {
    /// The defaults above.
    pub fn new() -> ChainOptions {
        ChainOptions::default()
    }

    /// Also accepts `http://` entity identifiers (test federations on
    /// `127.0.0.1`; never in production).
    #[must_use]
    pub fn allow_http(mut self, allow: bool) -> ChainOptions {
        self.allow_http = allow;
        self
    }

    /// The caller's own cap on intermediates (beside the anchor's and the
    /// superiors' `max_path_length` constraints).
    #[must_use]
    pub fn max_path_length(mut self, max: u64) -> ChainOptions {
        self.max_path_length = Some(max);
        self
    }

    /// The resolved metadata must hold this entity type (e.g.
    /// `openid_provider`), else `oidcfed.metadata.missing`.
    #[must_use]
    pub fn entity_type(mut self, entity_type: impl Into<String>) -> ChainOptions {
        self.entity_type = Some(entity_type.into());
        self
    }

    /// The subject must show a valid trust mark of this type.
    #[must_use]
    pub fn require_trust_mark(mut self, trust_mark_type: impl Into<String>) -> ChainOptions {
        self.required_trust_marks.push(trust_mark_type.into());
        self
    }

    /// The JWS algorithm allow-list for statements and trust marks.
    #[must_use]
    pub fn allow(mut self, allowed: AllowList) -> ChainOptions {
        self.allowed = allowed;
        self
    }

    /// The tolerance for clocks that differ: a statement, trust mark or
    /// delegation is taken `skew` seconds before its `iat` and until
    /// `skew` seconds after its `exp`. Default zero, the contract's
    /// (`../shared/VECTORS.md` gives the `oidc-trust-chain` kind no skew);
    /// a few seconds suits a service whose clock and the OP's are
    /// NTP-synchronised. [`VerifiedChain::expires_at`](super::VerifiedChain::expires_at)
    /// stays the earliest `exp`, without the tolerance.
    #[must_use]
    pub fn clock_skew(mut self, skew: ClockSkew) -> ChainOptions {
        self.clock_skew = skew;
        self
    }

    /// These options under `limits`.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> ChainOptions {
        self.limits = limits;
        self
    }

    /// Whether `http://` entity identifiers are accepted.
    pub fn http_allowed(&self) -> bool {
        self.allow_http
    }

    /// The caller's cap on intermediates, if any.
    pub fn path_length_cap(&self) -> Option<u64> {
        self.max_path_length
    }

    /// The required entity type, if any.
    pub fn required_entity_type(&self) -> Option<&str> {
        self.entity_type.as_deref()
    }

    /// The required trust-mark types.
    pub fn required_trust_marks(&self) -> &[String] {
        &self.required_trust_marks
    }

    /// The algorithm allow-list.
    pub fn allowed(&self) -> AllowList {
        self.allowed
    }

    /// The clock-skew tolerance.
    pub fn skew(&self) -> ClockSkew {
        self.clock_skew
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}
