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

/// The rules that take longest over a large ledger, started first so that two cores finish
/// together.
const SLOW_FIRST: &[&str] = &[
    ids::DISCLOSURE_CLOSED_MONTH_CHANGED,
    ids::SETTLEMENT_STALE,
    ids::FEES_OVER_STANDARD,
    ids::CONSENT_FEE_WITHOUT_AGREEMENT,
    ids::REF_UNKNOWN_PUPIL,
];

/// Every finding of every rule over the records, sorted by file and line.
pub fn check(records: &Records, today: Date) -> Vec<Finding> {
    let cx = Context::new(records, today);
    let mut order: Vec<usize> = (0..REGISTRY.len()).collect();
    order.sort_by_key(|&i| {
        SLOW_FIRST
            .iter()
            .position(|id| *id == REGISTRY[i].meta().id)
            .unwrap_or(SLOW_FIRST.len())
    });
    // Two workers take the rules in that order; each rule's findings keep its place in the
    // registry, so the result is the same as one rule after another.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, Vec<Finding>)> = Vec::new();
        loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&i) = order.get(k) else { break };
            let mut out = Vec::new();
            REGISTRY[i].check(&cx, &mut out);
            done.push((i, out));
        }
        done
    };
    let mut by_rule: Vec<(usize, Vec<Finding>)> = std::thread::scope(|scope| {
        let other = scope.spawn(work);
        let mut mine = work();
        match other.join() {
            Ok(theirs) => mine.extend(theirs),
            Err(e) => std::panic::resume_unwind(e),
        }
        mine
    });
    by_rule.sort_by_key(|(i, _)| *i);
    let mut out: Vec<Finding> = by_rule.into_iter().flat_map(|(_, f)| f).collect();
    crate::findings::sort(&mut out);
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each rule's own tests show where it fires; none of them fires on the clean fixture.
    #[test]
    fn the_clean_fixture_is_clean_under_every_rule() {
        let f = context::fixture::clean();
        assert_eq!(f.findings(), vec![]);
        assert!(context::fixture::clean().today("2026-10-10").findings().is_empty());
    }

    #[test]
    fn every_spec_rule_is_registered_once() {
        let mut ids: Vec<&str> = REGISTRY.iter().map(|r| r.meta().id).collect();
        assert_eq!(ids.len(), 37);
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 37);
    }
}
