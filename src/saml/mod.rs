//! SAML 2.0 Responses from Italy's SPID and CIE ID identity providers
//! (HTTP-POST binding): see [`crate::spid`] and [`crate::cie`].
//!
//! The shape of the scheme:
//! - [`trust`]: the IdP registry, built from (signed) metadata;
//! - `checks/`: one file per section of the specifications, each opening
//!   with the sentences it enforces, quoted, and their source;
//! - [`profile`]: the rules in which SPID and CIE ID differ;
//! - [`identity`]: the verified attributes → [`crate::VerifiedIdentity`];
//! - [`verify`]: the steps, in order;
//! - [`sp`]: the service provider's metadata and AuthnRequests (native).

pub(crate) mod audit;
mod checks;
mod dom;
mod expectations;
mod identity;
mod level;
pub(crate) mod profile;
#[cfg(not(target_arch = "wasm32"))]
pub mod sp;
pub(crate) mod time;
pub(crate) mod trust;
mod verified;
mod verify;

pub use audit::{Audit, AuditStep};
pub use expectations::{Expectations, InputEncoding};
pub use level::{Comparison, Level};
pub(crate) use profile::Profile;
pub use trust::{IdpRegistry, IdpRegistryBuilder, SsoEndpoint};
pub use verified::VerifiedResponse;

use crate::crypto::{self, Backend};
use crate::{Result, UnixTime};

/// Verifies `input` under `profile`'s rules.
pub(crate) fn verify_with(
    backend: &dyn Backend,
    registry: &IdpRegistry,
    input: &[u8],
    exp: &Expectations<'_>,
    profile: &dyn Profile,
    now: UnixTime,
) -> Result<VerifiedResponse> {
    verify::verify(
        backend,
        registry,
        input,
        exp,
        profile,
        now,
        &mut Audit::default(),
    )
}

/// As [`verify_with`] on the default backend, keeping the audit trail.
pub(crate) fn explain(
    registry: &IdpRegistry,
    input: &[u8],
    exp: &Expectations<'_>,
    profile: &dyn Profile,
    now: UnixTime,
) -> (Audit, Result<VerifiedResponse>) {
    let mut audit = Audit::default();
    let r = verify::verify(
        crypto::default_backend(),
        registry,
        input,
        exp,
        profile,
        now,
        &mut audit,
    );
    (audit, r)
}
