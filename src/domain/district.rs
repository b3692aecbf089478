//! A school's figures as a district sees them (SPEC §11, 四(一), 四(三)): over a period (a month,
//! a calendar year, or the school's current term), how its months were closed, its terms settled,
//! how many pupils were in care and for how many pupil-months.

use std::collections::BTreeSet;

use rust_decimal::{Decimal, RoundingStrategy};

use super::calendar::in_care_during;
use super::deadlines::{close_overdue, closed_late, months_to_close, settled_late, settlement_overdue};
use crate::records::plan::{Basis, Plan, Term};
use crate::records::{Date, Money, Month, Records};

/// What a district report covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Each school's current term (see [`current_term`]).
    Term,
    Year(i32),
    Month(Month),
}

/// The term a school is in on `today`; between terms, the last that started; before any, the
/// first.
pub fn current_term(plan: &Plan, today: Date) -> Option<&Term> {
    plan.terms
        .iter()
        .find(|t| t.contains(today))
        .or_else(|| plan.terms.iter().filter(|t| t.starts <= today).max_by_key(|t| t.starts))
        .or_else(|| plan.terms.iter().min_by_key(|t| t.starts))
}

/// A school's period: its days, the whole months they touch (money is counted by the months
/// closed, so that it adds up to the closes), and the terms that share a day with it.
#[derive(Clone, Debug)]
pub struct Period<'p> {
    /// `2025-10`, `2025` or the term's id.
    pub label: String,
    pub from: Date,
    pub to: Date,
    pub first: Month,
    pub last: Month,
    pub terms: Vec<&'p Term>,
}

impl Period<'_> {
    pub fn months(&self) -> impl Iterator<Item = Month> + use<> {
        Month::span(self.first.first_day(), self.last.last_day())
    }
}

/// The period of a scope for a school; `None` when it asks for the current term and the plan has
/// none.
pub fn period(plan: &Plan, scope: Scope, today: Date) -> Option<Period<'_>> {
    let (label, from, to) = match scope {
        Scope::Term => {
            let t = current_term(plan, today)?;
            (t.id.clone(), t.starts, t.ends)
        }
        Scope::Year(y) => (y.to_string(), Date::from_ymd_opt(y, 1, 1)?, Date::from_ymd_opt(y, 12, 31)?),
        Scope::Month(m) => (m.to_string(), m.first_day(), m.last_day()),
    };
    Some(Period {
        label,
        from,
        to,
        first: Month::of(from),
        last: Month::of(to),
        terms: plan.terms.iter().filter(|t| t.starts <= to && t.ends >= from).collect(),
    })
}

/// The months of a period that must be closed (SPEC §7 `disclosure/month-not-closed`): how many
/// are closed, how many are due (their deadline has passed, or they are closed), and how many
/// were closed after their deadline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Closes {
    pub closed: u32,
    pub due: u32,
    pub late: u32,
}

pub fn closes(records: &Records, plan: &Plan, p: &Period<'_>, today: Date) -> Closes {
    let months: BTreeSet<Month> = p.months().collect();
    let with_rows = records.entries.iter().map(|e| Month::of(e.date)).filter(|m| months.contains(m));
    let mut c = Closes::default();
    for m in months_to_close(Some(plan), with_rows).into_iter().filter(|m| months.contains(m)) {
        let close = records.close(m);
        if let Some(close) = close {
            c.closed += 1;
            c.late += u32::from(closed_late(&plan.deadlines, m, close.closed_on.v));
        }
        c.due += u32::from(close.is_some() || close_overdue(&plan.deadlines, m, today));
    }
    c
}

/// The settlements of a period's terms: the latest settlement's day, how many terms are
/// settled, settled late, and past `settle_by` without a settlement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settlements {
    pub settled_on: Option<Date>,
    pub settled: u32,
    pub late: u32,
    pub missing: u32,
}

pub fn settlements(records: &Records, p: &Period<'_>, today: Date) -> Settlements {
    let mut s = Settlements::default();
    for t in &p.terms {
        match records.settlement(&t.id) {
            Some(done) => {
                let on = done.settled_on.v;
                s.settled += 1;
                s.late += u32::from(settled_late(t, on));
                s.settled_on = s.settled_on.max(Some(on));
            }
            None => {
                let unread = records.unread_settlements.contains(&t.id);
                s.missing += u32::from(!unread && settlement_overdue(t, today));
            }
        }
    }
    s
}

/// The pupils in care on some day of the period (each pupil once), and the pupil-months: for
/// each month of the period, the pupils in care on some day of it.
pub fn pupils_in_care(records: &Records, p: &Period<'_>) -> (u64, u64) {
    let ids = |from: Date, to: Date| -> BTreeSet<&str> {
        records
            .pupils
            .iter()
            .filter(|x| records.term_of_pupil(x).is_some_and(|t| in_care_during(t, x, from, to)))
            .map(|x| x.id.as_str())
            .collect()
    };
    let pupils = ids(p.from, p.to).len() as u64;
    let months = p
        .months()
        .map(|m| ids(m.first_day().max(p.from), m.last_day().min(p.to)).len() as u64)
        .sum();
    (pupils, months)
}

/// The fee standard per pupil and month: the amount of a monthly standard; a term's amount
/// spread over the months the term touches (of the period's first term).
pub fn standard_per_month(plan: &Plan, p: &Period<'_>) -> Option<Money> {
    let fees = plan.fees.as_ref()?;
    match fees.basis {
        Basis::Monthly => Some(fees.amount.v),
        Basis::Term => {
            let t = p.terms.first()?;
            per(fees.amount.v, Month::span(t.starts, t.ends).count() as u64)
        }
    }
}

/// An amount shared over `n` (pupil-months, months), rounded half up to the fen; `None` for
/// none.
pub fn per(total: Money, n: u64) -> Option<Money> {
    (n > 0).then(|| {
        let share = total.decimal() / Decimal::from(n);
        Money::from(share.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::date::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn current_term_in_between_and_before() {
        let p = crate::domain::calendar::tests::plan();
        assert_eq!(current_term(&p, d("2026-10-01")).unwrap().id, "2026-autumn");
        assert_eq!(current_term(&p, d("2027-02-01")).unwrap().id, "2026-autumn");
        assert_eq!(current_term(&p, d("2027-03-01")).unwrap().id, "2027-spring");
        assert_eq!(current_term(&p, d("2026-01-01")).unwrap().id, "2026-autumn");
        assert!(current_term(&Plan::default(), d("2026-01-01")).is_none());
    }

    #[test]
    fn periods_are_whole_months_with_their_terms() {
        let p = crate::domain::calendar::tests::plan();
        let t = period(&p, Scope::Term, d("2026-10-01")).unwrap();
        assert_eq!((t.label.as_str(), t.months().count(), t.terms.len()), ("2026-autumn", 5, 1));
        let y = period(&p, Scope::Year(2027), d("2026-10-01")).unwrap();
        assert_eq!((y.months().count(), y.terms.len()), (12, 2));
        let m = period(&p, Scope::Month(Month::parse("2027-02").unwrap()), d("2026-10-01")).unwrap();
        assert_eq!((m.label.as_str(), m.terms.len()), ("2027-02", 1));
    }

    #[test]
    fn shares_round_half_up() {
        let m = |s| Money::parse(s).unwrap();
        assert_eq!(per(m("1000.00"), 3), Some(m("333.33")));
        assert_eq!(per(m("0.05"), 2), Some(m("0.03")));
        assert_eq!(per(m("1"), 0), None);
    }
}
