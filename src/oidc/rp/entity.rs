//! The RP's entity configuration (OpenID Federation 1.0 §3, the SPID/CIE
//! guidelines' "Entity Configuration of an RP"), signed with its
//! federation key (native).

use super::request::check_url;
use crate::crypto::Signer;
use crate::error::{Error, ErrorCode, Result};
use crate::jose::{self, Jwk, JwkSet, KeyUse};
use crate::time::UnixTime;
use serde_json::{json, Map, Value};

/// The longest lifetime idbridge gives an entity configuration: one week.
pub const MAX_ENTITY_CONFIGURATION_SECONDS: u32 = 7 * 86_400;

fn config(reason: &'static str) -> Error {
    Error::new(ErrorCode::ConfigInvalid, reason)
}

fn jwks_value(set: &JwkSet) -> Result<Value> {
    serde_json::from_str(&set.to_json()).map_err(|_| config("a JWK Set does not serialize"))
}

/// The `openid_relying_party` metadata members this builder writes itself;
/// [`EntityConfiguration::rp_metadata`] may not set them.
const OWN_MEMBERS: &[&str] = &[
    "client_id",
    "client_registration_types",
    "jwks",
    "redirect_uris",
    "client_name",
    "contacts",
    "response_types",
    "grant_types",
    "token_endpoint_auth_method",
];

/// A relying party's entity configuration: a self-signed
/// `entity-statement+jwt` with `iss` = `sub` = the entity id, `iat`,
/// `exp`, the federation `jwks`, `authority_hints`, the trust marks it was
/// given, and `metadata.openid_relying_party` with its core keys (at
/// least one `use` `sig` and one `use` `enc`), `redirect_uris`,
/// `client_registration_types` `["automatic"]`, `response_types`
/// `["code"]`, `grant_types`, `token_endpoint_auth_method`
/// `private_key_jwt`, the algorithms (RS256 signatures, UserInfo
/// `RSA-OAEP` + `A256CBC-HS512` by default), plus any member the caller
/// adds.
///
/// ```
/// use idbridge::crypto::{self, RustCryptoSigner, Signer};
/// use idbridge::jose::{self, Jwk, JwkSet, JwsOptions, KeyUse};
/// use idbridge::oidc::rp::EntityConfiguration;
/// use idbridge::UnixTime;
/// # let pem = include_str!("../../../test-vectors/keys/p256.pk8.pem");
/// # let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
/// # use base64::Engine as _;
/// # let pkcs8 = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
/// # let rsa_pem = include_str!("../../../test-vectors/keys/rsa2048.pk8.pem");
/// # let rsa_b64: String = rsa_pem.lines().filter(|l| !l.starts_with("-----")).collect();
/// # let rsa = base64::engine::general_purpose::STANDARD.decode(rsa_b64).unwrap();
/// let federation_key = RustCryptoSigner::from_pkcs8_der(&pkcs8)?;
/// let core_key = RustCryptoSigner::from_pkcs8_der(&rsa)?;
/// let federation_jwks = JwkSet::from_keys(vec![
///     Jwk::from_public_key(federation_key.public_key())?.with_kid("fed-1")])?;
/// let core_jwks = JwkSet::from_keys(vec![
///     Jwk::from_public_key(core_key.public_key())?.with_kid("sig-1").with_use(KeyUse::Sig),
///     Jwk::from_public_key(core_key.public_key())?.with_kid("enc-1").with_use(KeyUse::Enc),
/// ])?;
/// let statement = EntityConfiguration::new("https://rp.example.it/", federation_jwks.clone(), core_jwks)
///     .authority_hint("https://registry.spid.gov.it/")
///     .redirect_uri("https://rp.example.it/callback")
///     .client_name("Example RP")
///     .contact("ops@rp.example.it")
///     .sign(&federation_key, "ES256", "fed-1", UnixTime::from_unix_seconds(1768471200))?;
/// let jws = jose::verify_compact(crypto::default_backend(), &federation_jwks, &statement,
///     &JwsOptions::new().require_kid())?;
/// assert!(jws.typ_is(jose::typ::ENTITY_STATEMENT));
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct EntityConfiguration {
    entity_id: String,
    federation_jwks: JwkSet,
    core_jwks: JwkSet,
    authority_hints: Vec<String>,
    redirect_uris: Vec<String>,
    client_name: String,
    contacts: Vec<String>,
    grant_types: Vec<String>,
    trust_marks: Vec<(String, String)>,
    rp_metadata: Map<String, Value>,
    federation_entity: Map<String, Value>,
    lifetime_seconds: u32,
    allow_http: bool,
}

impl EntityConfiguration {
    /// The entity configuration of `entity_id` (the RP's client id),
    /// published keys `federation_jwks` (they sign this statement) and
    /// `core_jwks` (request objects, client assertions, UserInfo
    /// encryption). Public keys only: a [`JwkSet`] cannot hold private
    /// members.
    pub fn new(
        entity_id: impl Into<String>,
        federation_jwks: JwkSet,
        core_jwks: JwkSet,
    ) -> EntityConfiguration {
        let mut rp_metadata = Map::new();
        for (k, v) in [
            ("application_type", "web"),
            ("subject_type", "pairwise"),
            ("id_token_signed_response_alg", "RS256"),
            ("userinfo_signed_response_alg", "RS256"),
            ("userinfo_encrypted_response_alg", "RSA-OAEP"),
            ("userinfo_encrypted_response_enc", "A256CBC-HS512"),
        ] {
            rp_metadata.insert(k.to_string(), Value::String(v.to_string()));
        }
        EntityConfiguration {
            entity_id: entity_id.into(),
            federation_jwks,
            core_jwks,
            authority_hints: Vec::new(),
            redirect_uris: Vec::new(),
            client_name: String::new(),
            contacts: Vec::new(),
            grant_types: vec![
                "authorization_code".to_string(),
                "refresh_token".to_string(),
            ],
            trust_marks: Vec::new(),
            rp_metadata,
            federation_entity: Map::new(),
            lifetime_seconds: 86_400,
            allow_http: false,
        }
    }

    /// Adds a superior (`authority_hints`; at least one).
    #[must_use]
    pub fn authority_hint(mut self, entity_id: impl Into<String>) -> Self {
        self.authority_hints.push(entity_id.into());
        self
    }

    /// Adds a `redirect_uri` (at least one).
    #[must_use]
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uris.push(uri.into());
        self
    }

    /// `client_name` (required).
    #[must_use]
    pub fn client_name(mut self, name: impl Into<String>) -> Self {
        self.client_name = name.into();
        self
    }

    /// Adds a contact (at least one).
    #[must_use]
    pub fn contact(mut self, contact: impl Into<String>) -> Self {
        self.contacts.push(contact.into());
        self
    }

    /// `grant_types` (default `authorization_code`, `refresh_token`); must
    /// hold `authorization_code`.
    #[must_use]
    pub fn grant_types(mut self, grant_types: &[&str]) -> Self {
        self.grant_types = grant_types.iter().map(|g| g.to_string()).collect();
        self
    }

    /// Adds a trust mark the RP was given (`id` — also written as
    /// `trust_mark_type` — and the compact JWS), republished as is.
    #[must_use]
    pub fn trust_mark(mut self, id: impl Into<String>, trust_mark: impl Into<String>) -> Self {
        self.trust_marks.push((id.into(), trust_mark.into()));
        self
    }

    /// Sets (or overrides a default of) an `openid_relying_party` member
    /// this builder does not write itself (e.g. `logo_uri`,
    /// `userinfo_encrypted_response_enc`).
    #[must_use]
    pub fn rp_metadata(mut self, name: impl Into<String>, value: Value) -> Self {
        self.rp_metadata.insert(name.into(), value);
        self
    }

    /// Sets a `federation_entity` metadata member (`organization_name`,
    /// `homepage_uri`, `policy_uri`, ...).
    #[must_use]
    pub fn federation_entity(mut self, name: impl Into<String>, value: Value) -> Self {
        self.federation_entity.insert(name.into(), value);
        self
    }

    /// `exp` − `iat`, 1 second to a week (default one day).
    #[must_use]
    pub fn lifetime_seconds(mut self, seconds: u32) -> Self {
        self.lifetime_seconds = seconds;
        self
    }

    /// Accepts `http://` entity ids and URLs (a local test federation only).
    #[must_use]
    pub fn allow_http(mut self) -> Self {
        self.allow_http = true;
        self
    }

    fn check(&self, signer: &dyn Signer, kid: &str) -> Result<()> {
        check_url(&self.entity_id, self.allow_http, "entity id")?;
        if self.authority_hints.is_empty() {
            return Err(config("an RP names at least one authority hint"));
        }
        for (i, hint) in self.authority_hints.iter().enumerate() {
            check_url(hint, self.allow_http, "authority hint")?;
            if *hint == self.entity_id || self.authority_hints.iter().take(i).any(|h| h == hint) {
                return Err(config("an authority hint is the RP itself or named twice"));
            }
        }
        if self.redirect_uris.is_empty() {
            return Err(config("an RP registers at least one redirect_uri"));
        }
        for uri in &self.redirect_uris {
            check_url(uri, self.allow_http, "redirect_uri")?;
        }
        if self.client_name.trim().is_empty() {
            return Err(config("client_name is required"));
        }
        if self.contacts.is_empty() || self.contacts.iter().any(|c| c.trim().is_empty()) {
            return Err(config("an RP names at least one contact"));
        }
        if !self.grant_types.iter().any(|g| g == "authorization_code") {
            return Err(config("grant_types holds authorization_code"));
        }
        // The signing key is published, under its kid, in the federation keys.
        let own = Jwk::from_public_key(signer.public_key())?;
        match self.federation_jwks.get(kid) {
            Some(k) if k.thumbprint() == own.thumbprint() => {}
            _ => {
                return Err(config(
                    "the signing key is not in the federation jwks under its kid",
                ))
            }
        }
        if self
            .federation_jwks
            .keys()
            .iter()
            .any(|k| k.kid().is_none())
        {
            return Err(config("every federation key has a kid"));
        }
        let core = self.core_jwks.keys();
        if core
            .iter()
            .any(|k| k.kid().is_none() || k.key_use().is_none())
        {
            return Err(config("every core key has a kid and a use"));
        }
        for want in [KeyUse::Sig, KeyUse::Enc] {
            if !core.iter().any(|k| k.key_use() == Some(&want)) {
                return Err(config("the core jwks hold a use sig key and a use enc key"));
            }
        }
        for (id, mark) in &self.trust_marks {
            if id.is_empty() || mark.split('.').count() != 3 {
                return Err(config("a trust mark is an id and a compact JWS"));
            }
        }
        if let Some(name) = self
            .rp_metadata
            .keys()
            .find(|k| OWN_MEMBERS.contains(&k.as_str()))
        {
            return Err(Error::with_detail(
                ErrorCode::ConfigInvalid,
                format!("openid_relying_party.{name} is written by the builder"),
            ));
        }
        if self.lifetime_seconds == 0 || self.lifetime_seconds > MAX_ENTITY_CONFIGURATION_SECONDS {
            return Err(config("an entity configuration lives 1 second to a week"));
        }
        Ok(())
    }

    /// The statement's claims at `now`, unsigned (what [`Self::sign`] signs).
    pub fn claims(&self, now: UnixTime) -> Result<Value> {
        let mut rp = self.rp_metadata.clone();
        rp.insert("client_id".into(), json!(self.entity_id));
        rp.insert("client_registration_types".into(), json!(["automatic"]));
        rp.insert("jwks".into(), jwks_value(&self.core_jwks)?);
        rp.insert("redirect_uris".into(), json!(self.redirect_uris));
        rp.insert("client_name".into(), json!(self.client_name));
        rp.insert("contacts".into(), json!(self.contacts));
        rp.insert("response_types".into(), json!(["code"]));
        rp.insert("grant_types".into(), json!(self.grant_types));
        rp.insert(
            "token_endpoint_auth_method".into(),
            json!("private_key_jwt"),
        );
        let mut metadata = Map::new();
        if !self.federation_entity.is_empty() {
            metadata.insert(
                "federation_entity".into(),
                Value::Object(self.federation_entity.clone()),
            );
        }
        metadata.insert("openid_relying_party".into(), Value::Object(rp));
        let iat = now.as_secs();
        let mut claims = json!({
            "iss": self.entity_id,
            "sub": self.entity_id,
            "iat": iat,
            "exp": iat.saturating_add(i64::from(self.lifetime_seconds)),
            "jwks": jwks_value(&self.federation_jwks)?,
            "authority_hints": self.authority_hints,
            "metadata": metadata,
        });
        if !self.trust_marks.is_empty() {
            let marks: Vec<Value> = self
                .trust_marks
                .iter()
                .map(|(id, jwt)| json!({"id": id, "trust_mark_type": id, "trust_mark": jwt}))
                .collect();
            if let Value::Object(m) = &mut claims {
                m.insert("trust_marks".into(), Value::Array(marks));
            }
        }
        Ok(claims)
    }

    /// Checks the inputs (`config.invalid`: URLs, at least one authority
    /// hint, redirect_uri and contact, core keys with `use` `sig` and
    /// `enc`, the signing key published in `federation_jwks` under `kid`)
    /// and signs the statement (`typ` `entity-statement+jwt`) at `now`.
    pub fn sign(&self, signer: &dyn Signer, alg: &str, kid: &str, now: UnixTime) -> Result<String> {
        self.check(signer, kid)?;
        let claims = self.claims(now)?;
        jose::sign_compact(
            signer,
            alg,
            Some(kid),
            Some(jose::typ::ENTITY_STATEMENT),
            claims.to_string().as_bytes(),
        )
    }
}
