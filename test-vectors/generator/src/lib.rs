//! `idbridge-vectorgen` as a library: a genuine Web eID authentication
//! token from the test PKI for any origin and nonce, made by the same code
//! that writes `test-vectors/webeid/` (for tests that need a token for a
//! fresh challenge, such as `examples/webeid-login`). Test material only:
//! the keys are derived from public labels.
//!
//! ```
//! let card = idbridge_vectorgen::TestCard::main();
//! let token = card.token("https://rp.idbridge.test", "A+n4OagGZruk8XYEl5FyPtaLI9Q7EilWaobazc04/5w=");
//! assert!(token.starts_with(b"{\"unverifiedCertificate\":"));
//! ```

// A development tool: a panic is the right way to report a broken invariant.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// The library compiles the generator's own modules so that the token is
// made by the generator's code; most of what they hold serves the writing
// commands of the binary, not this library.
#![allow(dead_code)]

mod bytes;
mod ec;
mod hash;
mod model;
mod pki;
mod rsa_ops;

/// The parts of the `webeid` command that make a token.
#[path = "webeid"]
mod webeid_parts {
    pub mod token;
}

use pki::build::Key;
use webeid_parts::token::{self, Jwa, Tok};

/// The test PKI's issuing CA, "idbridge TEST of ESTEID2026" (DER): the
/// anchor a verifier configures for [`TestCard`] tokens.
pub const ANCHOR_DER: &[u8] = include_bytes!("../../webeid/pki/esteid2026.cer");

/// The main authentication certificate of the test PKI (KÕRVITS, MARI-ÄNN,
/// PNOEE-49003150230; P-384; valid 2026-03-01 to 2031-02-28T23:59:59Z).
pub const MAIN_CERT_DER: &[u8] = include_bytes!("../../webeid/pki/auth-p384.cer");

/// A test ID card: a certificate of the test PKI and its private key.
#[derive(Debug)]
pub struct TestCard {
    cert: &'static [u8],
    key: Key,
}

impl TestCard {
    /// The card of `pki/auth-p384.cer`, with the key the generator derives
    /// for it (label `leaf-p384`). ES384 tokens.
    pub fn main() -> TestCard {
        TestCard {
            cert: MAIN_CERT_DER,
            key: Key::Ec(pki::derive_ec("leaf-p384", ec::Curve::P384)),
        }
    }

    /// The card's certificate (DER).
    pub fn certificate(&self) -> &[u8] {
        self.cert
    }

    /// A `web-eid:1.0` token (the JSON the browser posts), ES384 over
    /// H(origin) ‖ H(nonce), in the field order the Web eID app writes.
    pub fn token(&self, origin: &str, nonce: &str) -> Vec<u8> {
        let data = token::signed_data(Jwa::Es384.hash(), origin, nonce);
        let signature = token::sign_with(&self.key, Jwa::Es384, &data, "library");
        Tok::v10(self.cert, Jwa::Es384.name(), &signature).bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_derived_key_is_the_certificates() {
        let Key::Ec(k) = &TestCard::main().key else {
            panic!("an EC key")
        };
        // The uncompressed point 04 ‖ x ‖ y sits in the certificate's SPKI.
        let point = &k.point;
        assert_eq!(point.len(), 97);
        assert!(MAIN_CERT_DER
            .windows(point.len())
            .any(|w| w == point.as_slice()));
    }

    #[test]
    fn tokens_are_deterministic_per_nonce() {
        let card = TestCard::main();
        let a = card.token(
            "https://rp.idbridge.test",
            "nonce-a-nonce-a-nonce-a-nonce-a-nonce-a-1234",
        );
        assert_eq!(
            a,
            card.token(
                "https://rp.idbridge.test",
                "nonce-a-nonce-a-nonce-a-nonce-a-nonce-a-1234"
            )
        );
        assert_ne!(
            a,
            card.token(
                "https://rp.idbridge.test",
                "nonce-b-nonce-b-nonce-b-nonce-b-nonce-b-1234"
            )
        );
    }
}
