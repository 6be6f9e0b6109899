//! Sans-IO trust-chain resolution (OpenID Federation 1.0: the well-known
//! entity configuration, the fetch endpoint, trust-chain resolution):
//! the resolver says which document it needs next, the caller fetches it
//! and hands the body back, and the resolver follows `authority_hints`
//! from the subject up until it reaches a configured trust anchor. It never
//! fetches, and nothing it is given is trusted until [`Resolver::finish`]
//! validates the whole chain with [`super::verify_chain`].
//!
//! Bounds: at most `Limits::max_federation_fetches` documents
//! (`input.too_large`), at most `Limits::max_authority_hints` hints per
//! entity (more: `input.too_large`), paths no longer than
//! `Limits::max_federation_statements` statements (longer ones are not
//! followed), and an entity already on the current path is never followed
//! again (a loop in `authority_hints` ends that branch). A path that
//! reaches no anchor ends in `oidcfed.trust_anchor.unknown`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::chain::{verify_chain, VerifiedChain};
use super::statement::Statement;
use super::trust::{ChainOptions, FederationTrust};
use crate::crypto::Backend;
use crate::error::{Error, ErrorCode, Result};
use crate::time::UnixTime;

/// A document the resolver needs: fetch [`Request::url`] with HTTP GET and
/// give the body to [`Resolver::provide`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Request {
    /// An entity's configuration, at `{entity_id}/.well-known/openid-federation`
    /// (the entity identifier's trailing `/` removed).
    EntityConfiguration {
        /// The entity whose configuration is needed.
        entity_id: String,
        /// Where to fetch it.
        url: String,
    },
    /// A superior's statement about a subordinate, from the superior's
    /// `federation_fetch_endpoint` with `?sub=`.
    SubordinateStatement {
        /// The superior (the statement's `iss`).
        issuer: String,
        /// The subordinate (its `sub`).
        subject: String,
        /// Where to fetch it.
        url: String,
    },
}

impl Request {
    /// The URL to fetch.
    pub fn url(&self) -> &str {
        match self {
            Request::EntityConfiguration { url, .. }
            | Request::SubordinateStatement { url, .. } => url,
        }
    }
}

/// The well-known URL of an entity's configuration.
pub fn entity_configuration_url(entity_id: &str) -> String {
    format!(
        "{}/.well-known/openid-federation",
        entity_id.trim_end_matches('/')
    )
}

/// The fetch endpoint's URL for `subject`: `sub` as a query
/// parameter, percent-encoded.
pub fn fetch_url(fetch_endpoint: &str, subject: &str) -> String {
    let sep = if fetch_endpoint.contains('?') {
        '&'
    } else {
        '?'
    };
    let mut url = format!("{fetch_endpoint}{sep}sub=");
    for b in subject.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

#[derive(Debug)]
struct Frame {
    entity: String,
    hints: VecDeque<String>,
    /// The superior's statement about the frame below (none for the subject).
    statement: Option<Statement>,
}

/// The resolver's state machine.
///
/// ```
/// use idbridge::oidc::federation::{ChainOptions, FederationTrust, Resolver, Request};
/// # use idbridge::jose::JwkSet;
/// # let keys = JwkSet::from_json(br#"{"keys":[]}"#)?;
/// let trust = FederationTrust::new().with_anchor("https://ta.example", keys);
/// let resolver = Resolver::new(&trust, "https://rp.example/", ChainOptions::new());
/// // First the subject's own entity configuration:
/// assert_eq!(resolver.next_request().map(Request::url),
///     Some("https://rp.example/.well-known/openid-federation"));
/// // A caller fetches it, then calls `resolver.provide(Some(&body))` and asks
/// // again, until `next_request()` is `None`; then `resolver.finish(...)`.
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Debug)]
pub struct Resolver {
    subject: String,
    anchors: BTreeSet<String>,
    options: ChainOptions,
    configurations: BTreeMap<String, Statement>,
    unavailable: BTreeSet<String>,
    path: Vec<Frame>,
    /// The hint being explored from the top of `path`.
    candidate: Option<String>,
    pending: Option<Request>,
    fetches: usize,
    chain: Option<Vec<String>>,
    error: Option<Error>,
    notes: Vec<String>,
}

impl Resolver {
    /// A resolver for `subject` under `trust`'s anchors.
    pub fn new(
        trust: &impl AsRef<FederationTrust>,
        subject: &str,
        options: ChainOptions,
    ) -> Resolver {
        let anchors = trust
            .as_ref()
            .anchors()
            .iter()
            .map(|a| a.entity_id().to_string())
            .collect();
        let mut r = Resolver {
            subject: subject.to_string(),
            anchors,
            options,
            configurations: BTreeMap::new(),
            unavailable: BTreeSet::new(),
            path: Vec::new(),
            candidate: None,
            pending: None,
            fetches: 0,
            chain: None,
            error: None,
            notes: Vec::new(),
        };
        r.advance();
        r
    }

    /// The document needed next; `None` once the resolver is done (a chain
    /// was found, or none can be).
    pub fn next_request(&self) -> Option<&Request> {
        self.pending.as_ref()
    }

    /// How many documents were asked for so far.
    pub fn fetches(&self) -> usize {
        self.fetches
    }

    /// The chain found, subject first, not yet validated.
    pub fn chain(&self) -> Option<&[String]> {
        self.chain.as_deref()
    }

    /// Hands over the body of [`Resolver::next_request`]'s document, or
    /// `None` when it could not be fetched (that branch is given up).
    /// A body that is not the document asked for (another `iss` or `sub`,
    /// not an entity statement) also ends its branch; `Err` only when the
    /// resolution as a whole must stop (a limit).
    pub fn provide(&mut self, body: Option<&[u8]>) -> Result<()> {
        let Some(request) = self.pending.take() else {
            return Ok(());
        };
        let limits = *self.options.limits();
        let parsed = body.and_then(|b| {
            let text = std::str::from_utf8(b).ok()?.trim();
            match Statement::parse(text, &limits) {
                Ok(s) => Some(s),
                Err(e) => {
                    self.notes
                        .push(format!("{}: {}", request.url(), e.reason()));
                    None
                }
            }
        });
        match request {
            Request::EntityConfiguration { entity_id, .. } => {
                match parsed.filter(|s| s.self_issued() && s.sub == entity_id) {
                    Some(s) if s.authority_hints.len() > limits.max_authority_hints() => {
                        self.fail(Error::with_detail(
                            ErrorCode::InputTooLarge,
                            format!(
                                "{entity_id} names more than {} authority_hints",
                                limits.max_authority_hints()
                            ),
                        ));
                    }
                    Some(s) => {
                        if self.path.is_empty() {
                            self.path.push(Frame {
                                entity: entity_id.clone(),
                                hints: s.authority_hints.iter().cloned().collect(),
                                statement: None,
                            });
                        }
                        self.configurations.insert(entity_id, s);
                    }
                    None => {
                        self.unavailable.insert(entity_id.clone());
                        if self.path.is_empty() {
                            self.fail(Error::with_detail(
                                ErrorCode::OidcfedTrustAnchorUnknown,
                                format!("the configuration of {entity_id} is not available"),
                            ));
                        } else {
                            self.candidate = None;
                        }
                    }
                }
            }
            Request::SubordinateStatement {
                issuer, subject, ..
            } => {
                self.candidate = None;
                match parsed.filter(|s| !s.self_issued() && s.iss == issuer && s.sub == subject) {
                    Some(s) => {
                        let hints = self
                            .configurations
                            .get(&issuer)
                            .map(|c| c.authority_hints.iter().cloned().collect())
                            .unwrap_or_default();
                        self.path.push(Frame {
                            entity: issuer,
                            hints,
                            statement: Some(s),
                        });
                    }
                    None => self
                        .notes
                        .push(format!("no usable statement of {issuer} about {subject}")),
                }
            }
        }
        self.advance();
        Ok(())
    }

    fn fail(&mut self, e: Error) {
        if self.error.is_none() {
            self.error = Some(e);
        }
        self.pending = None;
    }

    fn ask(&mut self, request: Request) {
        if self.fetches >= self.options.limits().max_federation_fetches() {
            let max = self.options.limits().max_federation_fetches();
            self.fail(Error::with_detail(
                ErrorCode::InputTooLarge,
                format!("resolution needs more than {max} documents"),
            ));
            return;
        }
        self.fetches += 1;
        self.pending = Some(request);
    }

    /// Decides what is needed next.
    fn advance(&mut self) {
        let max_statements = self.options.limits().max_federation_statements();
        loop {
            if self.error.is_some() || self.chain.is_some() || self.pending.is_some() {
                return;
            }
            let Some(top) = self.path.last() else {
                if self.configurations.contains_key(&self.subject) {
                    return self.fail(Error::new(
                        ErrorCode::OidcfedTrustAnchorUnknown,
                        "no path from the subject reaches a configured trust anchor",
                    ));
                }
                let url = entity_configuration_url(&self.subject);
                return self.ask(Request::EntityConfiguration {
                    entity_id: self.subject.clone(),
                    url,
                });
            };
            let top_entity = top.entity.clone();
            let top_is_superior = top.statement.is_some();
            if top_is_superior && self.anchors.contains(&top_entity) {
                return self.complete();
            }
            if let Some(h) = self.candidate.clone() {
                let Some(ec) = self.configurations.get(&h) else {
                    let url = entity_configuration_url(&h);
                    return self.ask(Request::EntityConfiguration { entity_id: h, url });
                };
                let Some(endpoint) = ec.fetch_endpoint() else {
                    self.notes
                        .push(format!("{h} has no federation_fetch_endpoint"));
                    self.candidate = None;
                    continue;
                };
                let url = fetch_url(endpoint, &top_entity);
                return self.ask(Request::SubordinateStatement {
                    issuer: h,
                    subject: top_entity,
                    url,
                });
            }
            // Statements if one more superior is added, its configuration
            // included: the subject's, one per frame, the anchor's.
            let room = self.path.len() + 2 <= max_statements;
            let next = match self.path.last_mut() {
                Some(top) if room => top.hints.pop_front(),
                _ => None,
            };
            let Some(h) = next else {
                self.path.pop();
                if self.path.is_empty() {
                    let why = self.notes.join("; ");
                    return self.fail(Error::with_detail(
                        ErrorCode::OidcfedTrustAnchorUnknown,
                        format!(
                            "no path from the subject reaches a configured trust anchor ({why})"
                        ),
                    ));
                }
                continue;
            };
            if self.path.iter().any(|f| f.entity == h) {
                self.notes.push(format!("a loop in authority_hints at {h}"));
                continue;
            }
            if self.unavailable.contains(&h) {
                continue;
            }
            self.candidate = Some(h);
        }
    }

    fn complete(&mut self) {
        let mut chain = Vec::with_capacity(self.path.len() + 1);
        if let Some(leaf) = self.configurations.get(&self.subject) {
            chain.push(leaf.token.clone());
        }
        for frame in self.path.iter().skip(1) {
            if let Some(s) = &frame.statement {
                chain.push(s.token.clone());
            }
        }
        if let Some(ta) = self
            .path
            .last()
            .and_then(|f| self.configurations.get(&f.entity))
        {
            chain.push(ta.token.clone());
        }
        self.chain = Some(chain);
        self.pending = None;
    }

    /// Validates the chain found with [`verify_chain`]; the resolver's own
    /// failure (no path, a limit) if there is none.
    pub fn finish(
        self,
        backend: &dyn Backend,
        trust: &impl AsRef<FederationTrust>,
        now: UnixTime,
    ) -> Result<VerifiedChain> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let Some(chain) = self.chain else {
            return Err(Error::new(
                ErrorCode::OidcfedTrustAnchorUnknown,
                "the resolution is not complete",
            ));
        };
        verify_chain(backend, trust, &chain, &self.options, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            entity_configuration_url("https://rp.example/"),
            "https://rp.example/.well-known/openid-federation"
        );
        assert_eq!(
            fetch_url("https://ta.example/fetch", "https://rp.example/a b"),
            "https://ta.example/fetch?sub=https%3A%2F%2Frp.example%2Fa%20b"
        );
        assert_eq!(
            fetch_url("https://ta.example/fetch?x=1", "https://rp"),
            "https://ta.example/fetch?x=1&sub=https%3A%2F%2Frp"
        );
    }
}
