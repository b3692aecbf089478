//! The year's figures for the performance report (四(三)): for the terms that overlap year Y,
//! the pupils served and their care days (by grade), each term's figures, the money of the terms'
//! rows, the staff and their checks, and the satisfaction ratings dated in the terms.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
use rust_decimal::{Decimal, RoundingStrategy};

use super::calendar::{care_days, service_days, term_of};
use super::ratings::Mean;
use super::staff::{background_checked_in_time, checks_ok, qualified_in_time};
use crate::records::contracts::StaffKind;
use crate::records::plan::Term;
use crate::records::{Contract, Date, Kind, Money, Records, Settlement, Survey};

/// Applications and care, of all pupils or of one grade.
#[derive(Default)]
pub struct Participation {
    pub applications: usize,
    pub served: usize,
    pub withdrawn: usize,
    pub care_days: u64,
}

impl Participation {
    /// Care days per pupil served, to one decimal (halves away from zero).
    pub fn average_days(&self) -> Option<Decimal> {
        (self.served > 0).then(|| {
            let mut d = (Decimal::from(self.care_days) / Decimal::from(self.served))
                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
            d.rescale(1);
            d
        })
    }
}

/// One term of the year.
pub struct TermFigures<'a> {
    pub term: &'a Term,
    pub service_days: u32,
    /// Pupils with care days in the term, and those days.
    pub pupils: usize,
    pub care_days: u64,
    pub settlement: Option<&'a Settlement>,
    /// The settlement's refunds to families, and what families owed.
    pub refunds: Money,
    pub refund_families: usize,
    pub due: Money,
}

/// The money of the terms' rows.
#[derive(Default)]
pub struct MoneyFigures<'a> {
    pub fees: Money,
    pub grants: Money,
    pub refunds: Money,
    pub pay: Money,
    pub expenses: Money,
    pub rows: usize,
    /// Expenses by category as written.
    pub by_category: BTreeMap<&'a str, Money>,
    /// Refunds to families in the terms' settlements.
    pub settlement_refunds: Money,
}

/// The contracts of one kind of staff and how many passed each check.
#[derive(Default)]
pub struct StaffCount {
    pub count: usize,
    pub qualified: usize,
    pub background_checked: usize,
    pub checks_ok: usize,
}

pub struct Satisfaction<'a> {
    pub all: Mean,
    pub pupils: Mean,
    pub parents: Mean,
    pub renew_below: Decimal,
    /// Each contract of the year with the mean of its ratings.
    pub by_contract: Vec<(&'a Contract, Mean)>,
}

pub struct Year<'a> {
    pub terms: Vec<TermFigures<'a>>,
    /// The first day of the first term and the last of the last.
    pub first: Option<Date>,
    pub last: Option<Date>,
    pub pupils: Participation,
    pub by_grade: BTreeMap<u8, Participation>,
    pub money: MoneyFigures<'a>,
    /// The contracts that share a day with the terms.
    pub contracts: Vec<&'a Contract>,
    pub staff_by_kind: BTreeMap<StaffKind, StaffCount>,
    pub satisfaction: Satisfaction<'a>,
    /// The last day the year's money moved: the latest term end or settlement.
    pub money_until: Option<Date>,
}

/// The figures of year `year`.
pub fn year(records: &Records, year: i32) -> Year<'_> {
    let plan = records.plan.as_ref();
    let terms: Vec<&Term> = plan
        .map(|p| {
            p.terms
                .iter()
                .filter(|t| t.starts.year() <= year && t.ends.year() >= year)
                .collect()
        })
        .unwrap_or_default();
    let first = terms.iter().map(|t| t.starts).min();
    let last = terms.iter().map(|t| t.ends).max();

    // Pupils: an application counts when it was made by the last term's end and care, if any,
    // did not end before the first term began.
    let mut grades: BTreeMap<u8, Participation> = BTreeMap::new();
    let mut all = Participation::default();
    let mut served = BTreeSet::new();
    if let (Some(p), Some(first), Some(last)) = (plan, first, last) {
        for pupil in records
            .pupils
            .iter()
            .filter(|x| x.applied_on <= last && x.ends.is_none_or(|e| e >= first))
        {
            let g = grades.entry(pupil.grade).or_default();
            g.applications += 1;
            all.applications += 1;
            let days: u64 = terms.iter().map(|t| u64::from(care_days(p, t, pupil))).sum();
            if days > 0 {
                served.insert(pupil.id.as_str());
                g.served += 1;
                g.care_days += days;
                all.care_days += days;
                if pupil.ends.is_some_and(|e| e < last) {
                    g.withdrawn += 1;
                    all.withdrawn += 1;
                }
            }
        }
    }
    all.served = served.len();

    let term_figures = terms
        .iter()
        .map(|t| {
            let s = records.settlement(&t.id);
            let (pupils, care) = plan.map_or((0, 0), |p| {
                let d: Vec<u32> = records.pupils.iter().map(|x| care_days(p, t, x)).filter(|d| *d > 0).collect();
                (d.len(), d.iter().map(|&d| u64::from(d)).sum::<u64>())
            });
            let refunds = s.map(|s| s.rows.iter().map(|r| r.refund).filter(|r| r.is_positive()).sum());
            let due = s.map(|s| s.rows.iter().map(|r| r.refund).filter(|r| r.is_negative()).map(|r| r.abs()).sum());
            TermFigures {
                term: t,
                service_days: plan.map_or(0, |p| service_days(p, t, t.starts, t.ends)),
                pupils,
                care_days: care,
                settlement: s,
                refunds: refunds.unwrap_or_default(),
                refund_families: s.map_or(0, |s| s.rows.iter().filter(|r| r.refund.is_positive()).count()),
                due: due.unwrap_or_default(),
            }
        })
        .collect();

    // Money: the rows that belong to these terms.
    let ids: BTreeSet<&str> = terms.iter().map(|t| t.id.as_str()).collect();
    let rows: Vec<_> = records
        .entries
        .iter()
        .filter(|e| plan.and_then(|p| term_of(p, e)).is_some_and(|t| ids.contains(t.id.as_str())))
        .collect();
    let sum = |k: Kind| -> Money { rows.iter().filter(|e| e.kind == k).map(|e| e.amount).sum() };
    let mut money = MoneyFigures {
        fees: sum(Kind::Fee),
        grants: sum(Kind::Grant),
        refunds: sum(Kind::Refund),
        pay: sum(Kind::Pay),
        expenses: sum(Kind::Expense),
        rows: rows.len(),
        ..Default::default()
    };
    for e in rows.iter().filter(|e| e.kind == Kind::Expense) {
        *money.by_category.entry(e.category.as_deref().unwrap_or_default()).or_default() += e.amount;
    }
    money.settlement_refunds = records
        .settlements
        .iter()
        .filter(|s| ids.contains(s.term.v.as_str()))
        .flat_map(|s| s.rows.iter().map(|r| r.refund).filter(|r| r.is_positive()))
        .sum();

    // Staff: the contracts that share a day with these terms.
    let overlaps = |s: Date, e: Date| terms.iter().any(|t| s <= t.ends && e >= t.starts);
    let contracts: Vec<&Contract> = records.contracts.iter().filter(|c| overlaps(c.starts, c.ends)).collect();
    let mut staff_by_kind: BTreeMap<StaffKind, StaffCount> = BTreeMap::new();
    for c in &contracts {
        let k = staff_by_kind.entry(c.kind).or_default();
        k.count += 1;
        k.qualified += usize::from(qualified_in_time(c));
        k.background_checked += usize::from(background_checked_in_time(c));
        k.checks_ok += usize::from(checks_ok(c));
    }

    // Satisfaction: the ratings dated within these terms.
    let ratings: Vec<&Survey> = records
        .surveys
        .iter()
        .filter(|s| terms.iter().any(|t| t.contains(s.date)))
        .collect();
    let satisfaction = Satisfaction {
        all: Mean::of(ratings.iter().copied()),
        pupils: Mean::of(ratings.iter().copied().filter(|s| s.respondent == "pupil")),
        parents: Mean::of(ratings.iter().copied().filter(|s| s.respondent == "parent")),
        renew_below: plan.map_or(Decimal::new(30, 1), |p| p.renew_below),
        by_contract: contracts
            .iter()
            .map(|c| (*c, Mean::of(ratings.iter().copied().filter(|s| s.contract_id == c.id))))
            .collect(),
    };

    let money_until = terms
        .iter()
        .filter_map(|t| records.settlement(&t.id).map(|s| s.settled_on.v.max(t.ends)))
        .chain(last)
        .max();
    Year {
        terms: term_figures,
        first,
        last,
        pupils: all,
        by_grade: grades,
        money,
        contracts,
        staff_by_kind,
        satisfaction,
        money_until,
    }
}
