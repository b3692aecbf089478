//! The rules of SPEC §7. Each rule is a unit struct with its id, severity, policy clause and fix
//! hint; `REGISTRY` lists them all. Rules return findings; rendering is elsewhere.

pub mod ids;

mod campus;
mod committee;
mod consent;
mod content;
mod context;
mod demand;
mod disclosure;
mod fees;
mod format;
mod ledger;
mod plan;
mod refs;
mod settlement;
mod staff;
mod survey;

pub use context::Context;
pub use disclosure::months_to_close;

use crate::findings::{Finding, Msg, Severity};
use crate::records::{Date, Records};

/// What a rule is, for findings and for `care explain`.
pub struct Meta {
    pub id: &'static str,
    pub severity: Severity,
    /// The policy clause it comes from, e.g. `二(四)`.
    pub policy: &'static str,
    /// How to fix a finding, in Chinese and English.
    pub hint: (&'static str, &'static str),
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static Meta;
    fn check(&self, cx: &Context, out: &mut Vec<Finding>);
}

/// A finding of this rule at a place.
pub fn finding(m: &Meta, file: &str, line: usize, message: Msg) -> Finding {
    Finding {
        rule: m.id,
        severity: m.severity,
        file: file.to_owned(),
        line,
        message,
        hint: Msg::new(m.hint.0, m.hint.1),
    }
}

pub static REGISTRY: &[&dyn Rule] = &[
    &format::Parse,
    &format::MissingColumn,
    &format::UnknownColumn,
    &format::DuplicateId,
    &format::Amount,
    &refs::UnknownPupil,
    &refs::UnknownContract,
    &plan::LeadershipHead,
    &plan::Terms,
    &consent::Unsigned,
    &consent::Order,
    &consent::NoAgreement,
    &consent::FeeWithoutAgreement,
    &committee::Missing,
    &committee::FeeBeforeCommittee,
    &committee::Collector,
    &fees::Unpublished,
    &fees::OverStandard,
    &campus::VenueCost,
    &content::BannedActivity,
    &demand::NoApplicants,
    &staff::Unsigned,
    &staff::Unqualified,
    &staff::NoBackgroundCheck,
    &staff::PayOutsideContract,
    &ledger::NoTerm,
    &ledger::Period,
    &disclosure::MonthNotClosed,
    &disclosure::ClosedMonthChanged,
    &disclosure::CloseOrder,
    &settlement::Missing,
    &settlement::Late,
    &settlement::Stale,
    &settlement::RefundMismatch,
    &survey::Score,
    &survey::Missing,
    &survey::LowRenewal,
];

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    REGISTRY.iter().copied().find(|r| r.meta().id == id)
}

/// Every finding of every rule over the records, sorted by file and line.
pub fn check(records: &Records, today: Date) -> Vec<Finding> {
    let cx = Context::new(records, today);
    let mut out = Vec::new();
    for rule in REGISTRY {
        rule.check(&cx, &mut out);
    }
    crate::findings::sort(&mut out);
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_rule_is_registered_once() {
        let mut ids: Vec<&str> = REGISTRY.iter().map(|r| r.meta().id).collect();
        assert_eq!(ids.len(), 37);
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 37);
    }
}
