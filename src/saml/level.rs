//! Authentication levels and how a returned level meets the requested one.
//!
//! SPID "Regole tecniche", *AuthnRequest*: "Allo scopo sono definite le
//! seguenti *authentication context class* estese […] in riferimento SPID:
//! `https://www.spid.gov.it/SpidL1`, `https://www.spid.gov.it/SpidL2`,
//! `https://www.spid.gov.it/SpidL3`", with `Comparison` one of `exact`,
//! `minimum`, `better`, `maximum`.
//!
//! CIE ID uses the same three classes (CIE ID "Manuale tecnico per i
//! fornitori di servizi", *Richiesta di autenticazione SAML*: "richiede la
//! valorizzazione di tale elemento con una delle suddette stringhe
//! (corrispondenti ai tre livelli di affidabilità dello SPID)"), so both
//! profiles share one [`Level`] type.

/// An authentication level: SPID's three, which CIE ID uses as they are
/// (SPID rules, "Livelli di servizio"; CIE ID answers `SpidL3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// SpidL1: one factor.
    L1,
    /// SpidL2: two factors.
    L2,
    /// SpidL3: two factors, one a hardware device.
    L3,
}

impl Level {
    /// `"SpidL1"`, `"SpidL2"`, `"SpidL3"`.
    pub fn name(self) -> &'static str {
        match self {
            Level::L1 => "SpidL1",
            Level::L2 => "SpidL2",
            Level::L3 => "SpidL3",
        }
    }

    /// The level named `"SpidL1"`, `"SpidL2"` or `"SpidL3"`.
    pub fn from_name(s: &str) -> Option<Level> {
        match s {
            "SpidL1" => Some(Level::L1),
            "SpidL2" => Some(Level::L2),
            "SpidL3" => Some(Level::L3),
            _ => None,
        }
    }

    /// The level of an `AuthnContextClassRef` (exact, case-sensitive; the
    /// pre-2017 `urn:oasis:names:tc:SAML:2.0:ac:classes:SpidLx` form is not one).
    pub(crate) fn from_class_ref(class_ref: &str) -> Option<Level> {
        match class_ref {
            "https://www.spid.gov.it/SpidL1" => Some(Level::L1),
            "https://www.spid.gov.it/SpidL2" => Some(Level::L2),
            "https://www.spid.gov.it/SpidL3" => Some(Level::L3),
            _ => None,
        }
    }

    /// The eIDAS level of assurance SPID notified for this level.
    pub(crate) fn loa(self) -> crate::Loa {
        match self {
            Level::L1 => crate::Loa::Low,
            Level::L2 => crate::Loa::Substantial,
            Level::L3 => crate::Loa::High,
        }
    }
}

/// The AuthnRequest's `RequestedAuthnContext/@Comparison`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// At least the level (the default).
    #[default]
    Minimum,
    /// Exactly the level (a higher one is still accepted, SPID rules N.B.).
    Exact,
    /// Strictly higher.
    Better,
    /// At most the level (so every level is accepted: no floor).
    Maximum,
}

impl Comparison {
    /// `"minimum"`, `"exact"`, `"better"`, `"maximum"`.
    pub fn name(self) -> &'static str {
        match self {
            Comparison::Minimum => "minimum",
            Comparison::Exact => "exact",
            Comparison::Better => "better",
            Comparison::Maximum => "maximum",
        }
    }

    /// `minimum`, `exact`, `better`, `maximum`.
    pub fn from_name(s: &str) -> Option<Comparison> {
        match s {
            "minimum" => Some(Comparison::Minimum),
            "exact" => Some(Comparison::Exact),
            "better" => Some(Comparison::Better),
            "maximum" => Some(Comparison::Maximum),
            _ => None,
        }
    }
}

/// SPID rules, *AuthnRequest*, N.B.: "L'Identity Provider ha facoltà di
/// utilizzare per l'autenticazione un livello SPID più alto rispetto a
/// quelli risultanti dall'indicazione del richiedente mediante l'attributo
/// Comparison. Tale scelta non deve comportare un esito negativo della
/// richiesta." So a higher level always passes; an equal one fails only
/// under `better`; a lower one passes only under `maximum`.
pub(crate) fn meets(got: Level, requested: Level, cmp: Comparison) -> bool {
    use std::cmp::Ordering::*;
    match (got.cmp(&requested), cmp) {
        (Greater, _) => true,
        (Equal, Comparison::Better) => false,
        (Equal, _) => true,
        (Less, Comparison::Maximum) => true,
        (Less, _) => false,
    }
}
