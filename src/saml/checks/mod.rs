//! The checks of a Response, one file per section of the specifications.
//! Each file opens with the sentences it enforces, quoted, and their
//! source; each exposes its audit step's name (`CHECK`) and rule (`RULE`),
//! which `idbridge verify spid --explain` prints.
//!
//! Sources: SPID "Regole tecniche" (AgID, `single-sign-on.rst`: sections
//! *Response*, *Assertion*, *Processamento della Response*); OASIS SAML 2.0
//! Core (`saml-core-2.0-os`); the CIE ID "Manuale tecnico per i fornitori di
//! servizi" (*Protocolli di comunicazione*). The order, and why, is in
//! `docs/research/spid-rules.md` §1.

pub(crate) mod assertion_header;
pub(crate) mod assertion_schema;
pub(crate) mod attributes;
pub(crate) mod authn_statement;
pub(crate) mod conditions;
pub(crate) mod envelope;
pub(crate) mod issuer;
pub(crate) mod response_header;
pub(crate) mod signature;
pub(crate) mod status;
pub(crate) mod subject;
pub(crate) mod timing;
