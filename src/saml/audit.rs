//! The audit trail: every check, in order, with the rule it enforces and
//! how it ended (what `idbridge verify spid --explain` prints).

use crate::error::Result;

/// One check of a verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditStep {
    /// The check's short name (e.g. `"conditions"`).
    pub check: &'static str,
    /// The rule it enforces, with its source.
    pub rule: &'static str,
    /// `None` when the check passed, else the error code it failed with.
    pub failed: Option<&'static str>,
}

/// The steps of one verification, in order.
#[derive(Clone, Debug, Default)]
pub struct Audit {
    steps: Vec<AuditStep>,
}

impl Audit {
    /// Runs `f` as the check `check` enforcing `rule`, and records it.
    pub(crate) fn check<T>(
        &mut self,
        check: &'static str,
        rule: &'static str,
        f: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        let r = f();
        self.steps.push(AuditStep {
            check,
            rule,
            failed: r.as_ref().err().map(|e| e.code()),
        });
        r
    }

    /// The recorded steps.
    pub fn steps(&self) -> &[AuditStep] {
        &self.steps
    }
}
