//! Which leaves count (SPEC §5): a leave counts once it covers at least `[fees] leave_min_days`
//! service days of the term; weekends and holidays inside it do not break the run. Counted leave
//! days are not care days.

use std::collections::HashMap;

use super::calendar::{care_days, care_span, days, is_service_day, service_days};
use crate::records::plan::{Plan, Term};
use crate::records::{Date, Leave, Pupil};

/// The leaves that count in the term, as their first and last days.
pub fn counted<'a>(plan: &Plan, term: &Term, leaves: impl IntoIterator<Item = &'a Leave>) -> Vec<(Date, Date)> {
    let min = plan.fees.as_ref().map_or(1, |f| f.leave_min_days);
    leaves
        .into_iter()
        .filter(|l| l.overlaps(term.starts, term.ends) && service_days(plan, term, l.from, l.to) >= min)
        .map(|l| (l.from, l.to))
        .collect()
}

/// Whether a day is inside one of the counted leaves.
pub fn is_away(counted: &[(Date, Date)], d: Date) -> bool {
    counted.iter().any(|(from, to)| *from <= d && d <= *to)
}

/// Whether the pupil of a leave has a care day inside it: a service day of the care of one of
/// the pupil's roster rows, in the row's term.
pub fn in_care_on_a_service_day(plan: &Plan, pupils: &[Pupil], l: &Leave) -> bool {
    pupils.iter().filter(|p| p.id == l.pupil_id).any(|p| {
        plan.term_of_pupil(p).is_some_and(|t| {
            care_span(t, p).is_some_and(|(from, to)| {
                let (from, to) = (from.max(l.from), to.min(l.to));
                from <= to && service_days(plan, t, from, to) > 0
            })
        })
    })
}

/// Days of counted leave of pupil row `p` from `from` to `to`: the service days of its care, in
/// its term, inside one of its counted leaves (`counted`). They are not care days.
pub fn away_days(plan: &Plan, term: &Term, p: &Pupil, counted: &[(Date, Date)], from: Date, to: Date) -> u32 {
    let Some((a, b)) = care_span(term, p).filter(|_| !counted.is_empty()) else {
        return 0;
    };
    days(a.max(from), b.min(to))
        .filter(|d| is_away(counted, *d) && is_service_day(plan, term, *d))
        .count() as u32
}

/// Days of counted leave of every pupil row from `from` to `to` ([`away_days`], each row in
/// its own term).
pub fn leave_days(plan: &Plan, pupils: &[Pupil], leaves: &[Leave], from: Date, to: Date) -> u64 {
    let mine = by_pupil(leaves);
    pupils
        .iter()
        .filter_map(|p| {
            let term = plan.term_of_pupil(p)?;
            let away = counted(plan, term, mine.get(p.id.as_str())?.iter().copied());
            Some(u64::from(away_days(plan, term, p, &away, from, to)))
        })
        .sum()
}

/// The care days of pupil row `p` in its term: the service days of its care less its counted
/// leave (what basis `days` weighs and the reports show).
pub fn care_days_less_leave(plan: &Plan, term: &Term, p: &Pupil, leaves: &[Leave]) -> u32 {
    let mine = leaves.iter().filter(|l| l.pupil_id == p.id);
    let away = away_days(plan, term, p, &counted(plan, term, mine), term.starts, term.ends);
    care_days(plan, term, p) - away
}

/// The leaves of each pupil, by pupil id.
pub fn by_pupil(leaves: &[Leave]) -> HashMap<&str, Vec<&Leave>> {
    let mut map: HashMap<&str, Vec<&Leave>> = HashMap::new();
    for l in leaves {
        map.entry(l.pupil_id.as_str()).or_default().push(l);
    }
    map
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::records::date::parse_date;
    use crate::records::plan::{Basis, Fees, RefundBasis, RefundRule};
    use crate::records::toml_doc::At;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    /// A leave of P1.
    pub(crate) fn leave(from: &str, to: &str) -> Leave {
        Leave {
            line: 2,
            pupil_id: "P1".into(),
            from: d(from),
            to: d(to),
            reason: None,
        }
    }

    pub(crate) fn with_min_days(min: u32) -> Plan {
        let mut p = crate::domain::calendar::tests::plan();
        p.fees = Some(Fees {
            line: 1,
            decided_on: At::default(),
            published_on: None,
            basis: Basis::Monthly,
            amount: At {
                v: crate::records::Money::parse("200").unwrap(),
                line: 1,
            },
            refund_basis: RefundBasis::Paid,
            refund_basis_line: 1,
            refund_rule: RefundRule::Daily,
            leave_min_days: min,
            approval: None,
        });
        p
    }

    #[test]
    fn a_leave_counts_from_the_minimum_of_service_days_weekends_inside_do_not_break_it() {
        let p = with_min_days(5);
        let t = &p.terms[0];
        // Thursday 2026-11-05 to Wednesday 11-11: five service days across a weekend.
        let five = leave("2026-11-05", "2026-11-11");
        // Four service days: Thursday to Tuesday.
        let four = leave("2026-11-05", "2026-11-10");
        assert_eq!(counted(&p, t, [&five, &four]), vec![(five.from, five.to)]);
        // The national holiday is not service days: 2026-09-30 to 10-08 covers 2 of them.
        assert!(counted(&p, t, [&leave("2026-09-30", "2026-10-08")]).is_empty());
        assert_eq!(counted(&with_min_days(2), t, [&leave("2026-09-30", "2026-10-08")]).len(), 1);
        // A leave of another term does not count in this one.
        assert!(counted(&with_min_days(1), t, [&leave("2027-03-01", "2027-03-05")]).is_empty());
        assert!(is_away(&[(five.from, five.to)], d("2026-11-07")));
        assert!(!is_away(&[(five.from, five.to)], d("2026-11-12")));
    }
}
