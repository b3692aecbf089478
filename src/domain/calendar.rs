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
    plan.term_on(d)
}

/// The term a row belongs to (SPEC §5): the term its period names, or the term that contains
/// the period's month (the one holding the row's date when two do), else the term whose dates
/// contain the row's date.
pub fn term_of<'p>(plan: &'p Plan, e: &Entry) -> Option<&'p Term> {
    term_of_period(plan, e, e.period.as_deref().and_then(|p| period(plan, p)))
}

/// [`term_of`] of each of many rows that come in runs of one date and period (a day's fees for
/// a month): a row like the one before it has its term, the period is not read again (a
/// district's million periods parsed for a settlement were a tenth of its time).
pub struct TermOfRuns<'p, 'e> {
    plan: &'p Plan,
    last: Option<(&'e Entry, Option<&'p Term>)>,
}

impl<'p, 'e> TermOfRuns<'p, 'e> {
    pub fn new(plan: &'p Plan) -> Self {
        TermOfRuns { plan, last: None }
    }

    pub fn of(&mut self, e: &'e Entry) -> Option<&'p Term> {
        let t = match self.last {
            Some((prev, t)) if prev.date == e.date && prev.period == e.period => t,
            _ => term_of(self.plan, e),
        };
        self.last = Some((e, t));
        t
    }
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

/// A service day of a term (SPEC §2): a date within the term that is a plan weekday or one of
/// its `workdays`, and not one of its `holidays`. Every count of days goes through this.
pub fn is_service_day(plan: &Plan, term: &Term, d: Date) -> bool {
    term.contains(d) && !term.is_holiday(d) && (plan.service.days.contains(&d.weekday()) || term.is_workday(d))
}

/// The first service day on or after `d` (care does not run between terms); any service weekday
/// when the plan has no terms; `d` itself when no term has a service day after it.
pub fn next_service_day(plan: &Plan, d: Date) -> Date {
    if plan.terms.is_empty() {
        return days(d, d + chrono::Days::new(6))
            .find(|day| plan.service.days.contains(&day.weekday()))
            .unwrap_or(d);
    }
    let mut terms: Vec<&Term> = plan.terms.iter().filter(|t| t.ends >= d).collect();
    terms.sort_by_key(|t| t.starts);
    terms
        .into_iter()
        .find_map(|t| first_service_day(plan, t, d.max(t.starts), t.ends))
        .unwrap_or(d)
}

/// The first service day of the term from `from` to `to`.
pub fn first_service_day(plan: &Plan, term: &Term, from: Date, to: Date) -> Option<Date> {
    days(from, to).find(|&day| is_service_day(plan, term, day))
}

/// Every date from `from` to `to`, both included.
pub fn days(from: Date, to: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(from), |d| d.succ_opt()).take_while(move |d| *d <= to)
}

/// The term's service days from `from` to `to`, both included.
pub fn service_days(plan: &Plan, term: &Term, from: Date, to: Date) -> u32 {
    let from = from.max(term.starts);
    let to = to.min(term.ends);
    days(from, to).filter(|&d| is_service_day(plan, term, d)).count() as u32
}

/// The care a roster row gives (SPEC §3): from `starts` to the earlier of `ends` and the end of
/// its term, and never before the term's start. `None` without `starts`, or when that leaves no
/// day.
pub fn care_span(term: &Term, p: &Pupil) -> Option<(Date, Date)> {
    let from = p.starts?.max(term.starts);
    let to = p.ends.map_or(term.ends, |e| e.min(term.ends));
    (from <= to).then_some((from, to))
}

/// The care days of a roster row (SPEC §6): the service days of its term within its care.
pub fn care_days(plan: &Plan, term: &Term, p: &Pupil) -> u32 {
    care_span(term, p).map_or(0, |(from, to)| service_days(plan, term, from, to))
}

/// The roster rows that are applications for the term (SPEC §3).
pub fn applications<'a>(plan: &'a Plan, term: &'a Term, pupils: &'a [Pupil]) -> impl Iterator<Item = &'a Pupil> {
    pupils
        .iter()
        .filter(move |p| plan.term_of_pupil(p).is_some_and(|t| t.id == term.id))
}

/// Whether the row's care shares a day with the period from `from` to `to`.
pub fn in_care_during(term: &Term, p: &Pupil, from: Date, to: Date) -> bool {
    care_span(term, p).is_some_and(|(s, e)| s <= to && from <= e)
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
            holidays: ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"]
                .map(|h| At { v: d(h), line: 1 })
                .to_vec(),
            workdays: vec![At {
                v: d("2026-10-10"),
                line: 1,
            }],
            ..crate::records::roster::tests::term()
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
            workdays: vec![],
        });
        p
    }

    #[test]
    fn october_service_days_skip_the_national_holiday_and_count_the_make_up_day() {
        let p = plan();
        // October 2026 has 22 weekdays; five of them are holidays; Saturday the 10th is a
        // make-up working day.
        assert_eq!(service_days(&p, &p.terms[0], d("2026-10-01"), d("2026-10-31")), 18);
        assert!(is_service_day(&p, &p.terms[0], d("2026-10-10")));
        assert!(!is_service_day(&p, &p.terms[0], d("2026-10-11")));
        // Days outside the term are no service days of it.
        assert!(!is_service_day(&p, &p.terms[0], d("2027-02-22")));
        assert_eq!(service_days(&p, &p.terms[0], d("2027-01-18"), d("2027-03-01")), 5);
    }

    #[test]
    fn care_runs_within_the_row_s_term() {
        let p = plan();
        let mut row = crate::records::roster::tests::pupil("P1");
        row.starts = Some(d("2026-08-25"));
        assert_eq!(care_span(&p.terms[0], &row), Some((d("2026-09-01"), d("2027-01-22"))));
        row.ends = Some(d("2026-09-30"));
        assert_eq!(care_span(&p.terms[0], &row), Some((d("2026-09-01"), d("2026-09-30"))));
        assert_eq!(care_days(&p, &p.terms[0], &row), 22);
        // Care of an autumn row never reaches into spring.
        assert_eq!(care_span(&p.terms[1], &row), None);
        row.starts = None;
        assert_eq!(care_span(&p.terms[0], &row), None);
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
        // A make-up working day is a service day.
        assert_eq!(next_service_day(&p, d("2026-10-09")), d("2026-10-09"));
        assert_eq!(next_service_day(&p, d("2026-10-10")), d("2026-10-10"));
        assert_eq!(next_service_day(&p, d("2027-07-03")), d("2027-07-03"));
        assert_eq!(next_service_day(&Plan::default(), d("2026-08-28")), d("2026-08-28"));
    }

    proptest::proptest! {
        /// Rows in runs of one date and period, with periods that are months, term ids, text
        /// that is neither, or empty: each run's term is each row's own.
        #[test]
        fn the_terms_of_rows_in_runs_are_each_row_s_term(
            rows in proptest::collection::vec((0usize..6, 0usize..6, 1usize..4), 0..60)
        ) {
            let p = plan();
            // Days on either side of the terms' ends, so that a run's neighbours often share
            // its date or its period but not both.
            let days = ["2026-08-31", "2026-09-01", "2027-01-31", "2027-02-01", "2027-02-22", "2027-07-03"];
            let periods = [None, Some("2026-09"), Some("2027-01"), Some("2027-spring"), Some("2026-autumn"), Some("x")];
            let entries: Vec<Entry> = rows
                .iter()
                .flat_map(|&(day, period, run)| {
                    let e = Entry {
                        period: periods[period].map(Into::into),
                        ..Entry::new(d(days[day]), Kind::Fee, Default::default())
                    };
                    std::iter::repeat_n(e, run)
                })
                .collect();
            let mut terms = TermOfRuns::new(&p);
            for e in &entries {
                proptest::prop_assert_eq!(terms.of(e).map(|t| &t.id), term_of(&p, e).map(|t| &t.id));
            }
        }
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
            period: Some("2027-01".into()),
            collected_by: None,
            receipt: None,
            memo: None,
            apart: None,
        };
        assert_eq!(term_of(&p, &e).unwrap().id, "2026-autumn");
        e.period = Some("2027-spring".into());
        assert_eq!(term_of(&p, &e).unwrap().id, "2027-spring");
        e.period = None;
        e.date = d("2027-02-01");
        assert!(term_of(&p, &e).is_none());
    }
}
