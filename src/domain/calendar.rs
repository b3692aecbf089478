//! Terms, service days and which term a ledger row belongs to.

use chrono::Datelike;

use crate::records::plan::{Plan, Term};
use crate::records::{Date, Entry, Kind, Month, Pupil};

/// What a ledger row's `period` names.
#[derive(Clone, Copy, Debug)]
pub enum Period<'a> {
    Month(Month),
    Term(&'a Term),
}

impl Period<'_> {
    /// Its first and last day.
    pub fn days(self) -> (Date, Date) {
        match self {
            Period::Month(m) => (m.first_day(), m.last_day()),
            Period::Term(t) => (t.starts, t.ends),
        }
    }
}

pub fn period<'p>(plan: &'p Plan, text: &str) -> Option<Period<'p>> {
    if let Some(t) = plan.terms.iter().find(|t| t.id == text) {
        return Some(Period::Term(t));
    }
    Month::parse(text).map(Period::Month)
}

/// The terms a month shares days with.
pub fn terms_of_month(plan: &Plan, m: Month) -> impl Iterator<Item = &Term> {
    plan.terms.iter().filter(move |t| m.overlaps(t.starts, t.ends))
}

pub fn term_of_date(plan: &Plan, d: Date) -> Option<&Term> {
    plan.terms.iter().find(|t| t.contains(d))
}

/// The term a row belongs to (SPEC §5): the term its period names, or the term that contains
/// the period's month (the one holding the row's date when two do), else the term whose dates
/// contain the row's date.
pub fn term_of<'p>(plan: &'p Plan, e: &Entry) -> Option<&'p Term> {
    term_of_period(plan, e, e.period.as_deref().and_then(|p| period(plan, p)))
}

/// [`term_of`], given what the row's period names.
pub fn term_of_period<'p>(plan: &'p Plan, e: &Entry, named: Option<Period<'p>>) -> Option<&'p Term> {
    match named {
        Some(Period::Term(t)) => Some(t),
        Some(Period::Month(m)) => {
            let mut candidates = terms_of_month(plan, m).peekable();
            let first = candidates.peek().copied();
            candidates
                .find(|t| t.contains(e.date))
                .or(first)
                .or_else(|| term_of_date(plan, e.date))
        }
        None => term_of_date(plan, e.date),
    }
}

/// A settlement payout: a refund (or, for a family that owed money, a fee) whose period is the
/// term's id, dated on or after the settlement.
pub fn is_payout(e: &Entry, term: &Term, settled_on: Date) -> bool {
    matches!(e.kind, Kind::Refund | Kind::Fee) && e.period.as_deref() == Some(term.id.as_str()) && e.date >= settled_on
}

pub fn is_service_day(plan: &Plan, term: Option<&Term>, d: Date) -> bool {
    plan.service.days.contains(&d.weekday()) && !term.is_some_and(|t| t.holidays.contains(&d))
}

/// The first service day on or after `d`: a service weekday of a term that is not one of its
/// holidays (care does not run between terms), or any service weekday when the plan has no terms.
pub fn next_service_day(plan: &Plan, d: Date) -> Date {
    let mut day = d;
    for _ in 0..366 {
        let term = term_of_date(plan, day);
        if (term.is_some() || plan.terms.is_empty()) && is_service_day(plan, term, day) {
            return day;
        }
        match day.succ_opt() {
            Some(n) => day = n,
            None => break,
        }
    }
    d
}

/// Service days from `from` to `to`, both included, minus the term's holidays.
pub fn service_days(plan: &Plan, term: &Term, from: Date, to: Date) -> u32 {
    let mut n = 0;
    let mut day = from;
    while day <= to {
        if is_service_day(plan, Some(term), day) {
            n += 1;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    n
}

/// A pupil's care days in a term (SPEC §6): service days between the later of `starts` and the
/// term start and the earlier of `ends` and the term end, minus holidays.
pub fn care_days(plan: &Plan, term: &Term, p: &Pupil) -> u32 {
    let Some(starts) = p.starts else { return 0 };
    let from = starts.max(term.starts);
    let to = p.ends.map_or(term.ends, |e| e.min(term.ends));
    service_days(plan, term, from, to)
}

/// Whether the pupil's care (from `starts`, to `ends` or open) shares a day with the period.
pub fn in_care_during(p: &Pupil, from: Date, to: Date) -> bool {
    match p.care_period() {
        Some((s, e)) => s <= to && e.is_none_or(|e| from <= e),
        None => false,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::records::date::parse_date;
    use crate::records::toml_doc::At;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    pub(crate) fn plan() -> Plan {
        let mut p = Plan::default();
        p.terms.push(Term {
            line: 1,
            id: "2026-autumn".into(),
            name: "秋".into(),
            starts: d("2026-09-01"),
            ends: d("2027-01-22"),
            settle_by: At {
                v: d("2027-01-15"),
                line: 1,
            },
            holidays: vec![d("2026-10-01"), d("2026-10-02"), d("2026-10-05"), d("2026-10-06"), d("2026-10-07")],
        });
        p.terms.push(Term {
            line: 2,
            id: "2027-spring".into(),
            name: "春".into(),
            starts: d("2027-02-22"),
            ends: d("2027-07-02"),
            settle_by: At {
                v: d("2027-06-25"),
                line: 2,
            },
            holidays: vec![],
        });
        p
    }

    #[test]
    fn october_service_days_skip_the_national_holiday() {
        let p = plan();
        // October 2026 has 22 weekdays; five of them are holidays.
        assert_eq!(service_days(&p, &p.terms[0], d("2026-10-01"), d("2026-10-31")), 17);
    }

    #[test]
    fn next_service_day_skips_weekends_and_holidays() {
        let p = plan();
        assert_eq!(next_service_day(&p, d("2026-09-26")), d("2026-09-28"));
        assert_eq!(next_service_day(&p, d("2026-09-30")), d("2026-09-30"));
        assert_eq!(next_service_day(&p, d("2026-10-01")), d("2026-10-08"));
        // Before a term, and between two, care starts with the next term.
        assert_eq!(next_service_day(&p, d("2026-08-28")), d("2026-09-01"));
        assert_eq!(next_service_day(&p, d("2027-01-25")), d("2027-02-22"));
        assert_eq!(next_service_day(&Plan::default(), d("2026-08-28")), d("2026-08-28"));
    }

    #[test]
    fn term_of_a_row() {
        let p = plan();
        let mut e = Entry {
            line: 2,
            date: d("2027-02-25"),
            kind: Kind::Fee,
            amount: Default::default(),
            pupil_id: None,
            contract_id: None,
            category: None,
            period: Some("2027-01".into()),
            collected_by: None,
            receipt: None,
            memo: None,
        };
        assert_eq!(term_of(&p, &e).unwrap().id, "2026-autumn");
        e.period = Some("2027-spring".into());
        assert_eq!(term_of(&p, &e).unwrap().id, "2027-spring");
        e.period = None;
        e.date = d("2027-02-01");
        assert!(term_of(&p, &e).is_none());
    }
}
