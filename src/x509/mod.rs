//! X.509: reading certificates, mapping their signature algorithms, PEM,
//! OCSP, and path validation through `rustls-webpki` with our own signature
//! algorithms (P-521, and the named NULL-parameters tolerance).

pub(crate) mod cert;
pub mod ocsp;
pub(crate) mod path;
pub(crate) mod pem;
pub(crate) mod sigalg;

pub use sigalg::Quirks;
