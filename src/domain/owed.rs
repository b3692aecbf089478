//! What a family owes for a month (basis monthly) or a term (basis term) under `[fees]
//! refund_rule`, with the pupil's waiver (SPEC §10): one function, used by the rules, `care
//! refunds`, the settlement and the reports.

use chrono::Datelike;

use super::calendar::{care_span, is_service_day};
use std::collections::{BTreeSet, HashMap};

use super::leave::{by_pupil, counted, is_away};
use crate::records::plan::{Basis, Plan, RefundRule, Term};
use crate::records::{Date, Leave, Money, Month, Pupil};

/// What a family owes for a period, and the days it is worked out from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Owed {
    /// The standard less the waiver, for the care received; rounded half up to the fen.
    pub owed: Money,
    /// What the waiver took off: the same without the waiver, less `owed`.
    pub waived: Money,
    /// The pupil's care days in the period, less counted leave.
    pub attended: u32,
    /// Service days of the pupil's term in the period.
    pub service: u32,
}

/// A waiver in hundredths of a percent (`50` → 5000), kept within 0–100 %.
pub fn waiver_points(waiver: rust_decimal::Decimal) -> i128 {
    (waiver * rust_decimal::Decimal::ONE_HUNDRED)
        .round()
        .to_string()
        .parse::<i128>()
        .unwrap_or(0)
        .clamp(0, 10_000)
}

/// `fen × num / den`, rounded half up (amounts are never negative here).
fn share_of(fen: i128, num: i128, den: i128) -> i128 {
    if den <= 0 {
        return 0;
    }
    let n = fen * num;
    (2 * n + den) / (2 * den)
}

/// How much of the standard the period's days come to under a rule: `num / den`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fraction {
    num: i128,
    den: i128,
}

/// Counts a day's unit (a half month or a month) once when days come in order.
#[derive(Default)]
struct Units<K> {
    last: Option<K>,
    n: i128,
}

impl<K: PartialEq + Copy> Units<K> {
    fn add(&mut self, k: K) {
        if self.last != Some(k) {
            self.last = Some(k);
            self.n += 1;
        }
    }
}

/// The days of a period, in order, as (is a service day, is attended).
fn fraction(rule: RefundRule, days: impl Iterator<Item = (Date, bool, bool)>) -> (Fraction, u32, u32) {
    let (mut service, mut attended) = (0u32, 0u32);
    let (mut halves_served, mut halves_attended) = (Units::default(), Units::default());
    let (mut months_served, mut months_attended) = (Units::default(), Units::default());
    for (d, serves, attends) in days {
        if !serves {
            continue;
        }
        let month = (d.year(), d.month());
        let half = (month, d.day() > 15);
        service += 1;
        halves_served.add(half);
        months_served.add(month);
        if attends {
            attended += 1;
            halves_attended.add(half);
            months_attended.add(month);
        }
    }
    let f = match rule {
        RefundRule::None => Fraction {
            num: i128::from(attended > 0),
            den: 1,
        },
        RefundRule::Daily => Fraction {
            num: attended.into(),
            den: service.into(),
        },
        RefundRule::HalfMonth => Fraction {
            num: halves_attended.n,
            den: halves_served.n,
        },
        RefundRule::Month => Fraction {
            num: months_attended.n,
            den: months_served.n,
        },
    };
    (f, attended, service)
}

/// What the family of pupil row `p` (of term `term`) owes for the days `period` (a month or
/// the term), given the pupil's leaves.
pub fn owed<'a>(plan: &Plan, term: &Term, p: &Pupil, period: (Date, Date), leaves: impl IntoIterator<Item = &'a Leave>) -> Owed {
    Owing::new(plan).owed(term, p, period, leaves)
}

/// [`owed`] summed over the periods of the term ([`periods`]): what a family owes for the term.
pub fn owed_in_term<'a>(plan: &Plan, term: &Term, p: &Pupil, leaves: impl IntoIterator<Item = &'a Leave>) -> Owed {
    Owing::new(plan).owed_in_term(term, p, leaves)
}

/// [`owed`] for many families: the service days of each term and period are worked out once
/// (a district's check asks for a hundred thousand families' months).
pub struct Owing<'p> {
    plan: &'p Plan,
    /// `[fees] amount` in fen.
    amount: i128,
    service: HashMap<(&'p str, Date, Date), Vec<Date>>,
    /// What the days of a term's period come to when every service day of it is attended (a
    /// family in care all of it, without counted leave: most of a district's families' months),
    /// the same for all such families: [`fraction`], attended days, service days.
    whole: HashMap<(&'p str, Date, Date), (Fraction, u32, u32)>,
}

impl<'p> Owing<'p> {
    pub fn new(plan: &'p Plan) -> Self {
        Owing {
            plan,
            amount: plan.fees.as_ref().map_or(0, |f| fen_of(f.amount.v)),
            service: HashMap::new(),
            whole: HashMap::new(),
        }
    }

    /// [`owed`].
    pub fn owed<'a>(&mut self, term: &'p Term, p: &Pupil, period: (Date, Date), leaves: impl IntoIterator<Item = &'a Leave>) -> Owed {
        let away = counted(self.plan, term, leaves);
        self.owed_away(term, p, period, &away)
    }

    /// [`owed_in_term`].
    pub fn owed_in_term<'a>(&mut self, term: &'p Term, p: &Pupil, leaves: impl IntoIterator<Item = &'a Leave>) -> Owed {
        let away = counted(self.plan, term, leaves);
        periods(self.plan, term).into_iter().fold(Owed::default(), |sum, period| {
            let o = self.owed_away(term, p, period, &away);
            Owed {
                owed: sum.owed + o.owed,
                waived: sum.waived + o.waived,
                attended: sum.attended + o.attended,
                service: sum.service + o.service,
            }
        })
    }

    /// The service days of the term within the period, in order.
    fn service_days(&mut self, term: &'p Term, from: Date, to: Date) -> &[Date] {
        let plan = self.plan;
        self.service.entry((term.id.as_str(), from, to)).or_insert_with(|| {
            from.iter_days()
                .take_while(|d| *d <= to)
                .filter(|d| is_service_day(plan, term, *d))
                .collect()
        })
    }

    /// [`owed`], given the days of counted leave.
    fn owed_away(&mut self, term: &'p Term, p: &Pupil, period: (Date, Date), away: &[(Date, Date)]) -> Owed {
        let Some(fees) = &self.plan.fees else {
            return Owed::default();
        };
        let care = care_span(term, p);
        let (from, to) = (period.0.max(term.starts), period.1.min(term.ends));
        let (f, attended, service) = self.days_fraction(fees.refund_rule, term, care, (from, to), away);
        let kept = 10_000 - waiver_of(p);
        let full = share_of(self.amount, f.num, f.den);
        let owed = share_of(self.amount * kept, f.num, f.den * 10_000);
        Owed {
            owed: Money::from_fen(owed),
            waived: Money::from_fen(full - owed),
            attended,
            service,
        }
    }

    /// What the service days from `from` to `to` come to for a family in care `care`, away on
    /// the days of `away`: [`fraction_by_day`], worked out once for all the families in care
    /// the whole period without counted leave.
    fn days_fraction(
        &mut self,
        rule: RefundRule,
        term: &'p Term,
        care: Option<(Date, Date)>,
        (from, to): (Date, Date),
        away: &[(Date, Date)],
    ) -> (Fraction, u32, u32) {
        let whole = away.is_empty() && care.is_some_and(|(a, b)| a <= from && to <= b);
        let key = (term.id.as_str(), from, to);
        if whole && let Some(&known) = self.whole.get(&key) {
            return known;
        }
        let f = fraction_by_day(rule, self.service_days(term, from, to), care, away);
        if whole {
            self.whole.insert(key, f);
        }
        f
    }
}

/// What service days come to, looking at each: attended when in care and not away.
fn fraction_by_day(rule: RefundRule, days: &[Date], care: Option<(Date, Date)>, away: &[(Date, Date)]) -> (Fraction, u32, u32) {
    let days = days.iter().map(|&d| {
        let attends = care.is_some_and(|(a, b)| a <= d && d <= b) && !is_away(away, d);
        (d, true, attends)
    });
    fraction(rule, days)
}

/// The periods a family owes for in a term: each of its months (basis monthly, the days of the
/// month within the term), or the term (basis term).
pub fn periods(plan: &Plan, term: &Term) -> Vec<(Date, Date)> {
    match plan.fees.as_ref().map(|f| f.basis) {
        Some(Basis::Monthly) => Month::span(term.starts, term.ends)
            .map(|m| (m.first_day().max(term.starts), m.last_day().min(term.ends)))
            .collect(),
        _ => vec![(term.starts, term.ends)],
    }
}

/// The standard for pupil row `p`: `[fees] amount` less the pupil's waiver, to the fen (half up).
pub fn standard(plan: &Plan, p: &Pupil) -> Money {
    let Some(fees) = &plan.fees else { return Money::ZERO };
    Money::from_fen(share_of(fen_of(fees.amount.v) * (10_000 - waiver_of(p)), 1, 10_000))
}

/// An amount in whole fen (an amount with more places, which `check` reports, rounded to them).
fn fen_of(m: Money) -> i128 {
    m.to_fen().or_else(|| Money::from(m.decimal().round_dp(2)).to_fen()).unwrap_or(0)
}

/// The pupil row's waiver in hundredths of a percent; a waiver outside 0–100 is read as none
/// (`plan/policy` reports it).
pub fn waiver_of(p: &Pupil) -> i128 {
    p.waiver
        .filter(|w| !w.is_sign_negative() && *w <= rust_decimal::Decimal::ONE_HUNDRED)
        .map_or(0, waiver_points)
}

/// The pupils with a waiver and what their waivers took off, over the periods (months, or
/// terms) that start within some days: what public reports show, never who or why.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Waived {
    pub pupils: usize,
    pub total: Money,
}

/// [`Waived`] over the periods that start from `from` to `to`, both included: each period is
/// counted once, in the report of the days that hold its start.
pub fn waived(plan: &Plan, pupils: &[Pupil], leaves: &[Leave], from: Date, to: Date) -> Waived {
    let leave = by_pupil(leaves);
    let mut owing = Owing::new(plan);
    let mut who: BTreeSet<&str> = BTreeSet::new();
    let mut total = Money::ZERO;
    for p in pupils
        .iter()
        .filter(|p| p.waiver.is_some_and(|w| w.is_sign_positive() && !w.is_zero()))
    {
        let Some(term) = plan.term_of_pupil(p) else { continue };
        let away = counted(plan, term, leave.get(p.id.as_str()).into_iter().flatten().copied());
        for period in periods(plan, term).into_iter().filter(|(start, _)| from <= *start && *start <= to) {
            let o = owing.owed_away(term, p, period, &away);
            if o.waived.is_positive() {
                who.insert(&p.id);
                total += o.waived;
            }
        }
    }
    Waived { pupils: who.len(), total }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::leave::tests::leave;
    use crate::records::date::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    /// A plan of one term, 2026-09-01 to 2026-10-30: September has 22 service days; October
    /// has 22 weekdays, 5 of them holidays, and Saturday the 10th is a make-up working day: 18.
    fn plan(basis: &str, amount: &str, rule: &str, min_days: u32) -> Plan {
        let text = format!(
            "[school]\nname = \"x\"\nprincipal = \"x\"\n\n[fees]\ndecided_on = 2026-08-01\nbasis = \"{basis}\"\namount = \"{amount}\"\nrefund_rule = \"{rule}\"\nleave_min_days = {min_days}\n\n[[terms]]\nid = \"t\"\nstarts = 2026-09-01\nends = 2026-10-30\nsettle_by = 2026-10-28\nholidays = [2026-10-01, 2026-10-02, 2026-10-05, 2026-10-06, 2026-10-07]\nworkdays = [2026-10-10]\n"
        );
        let mut out = Vec::new();
        let p = crate::records::plan::load(&text, &mut out).unwrap();
        assert!(out.is_empty(), "{out:?}");
        p
    }

    fn row(starts: &str, ends: Option<&str>, waiver: Option<&str>) -> Pupil {
        Pupil {
            agreed_on: Some(d("2026-08-28")),
            starts: Some(d(starts)),
            ends: ends.map(d),
            waiver: waiver.map(|w| w.parse().unwrap()),
            ..crate::records::roster::tests::pupil("P1")
        }
    }

    const SEPT: (&str, &str) = ("2026-09-01", "2026-09-30");

    /// What row `p` owes for September, with these leaves: (owed, attended, service).
    fn september(plan: &Plan, p: &Pupil, leaves: &[Leave]) -> (String, u32, u32) {
        let o = owed(plan, &plan.terms[0], p, (d(SEPT.0), d(SEPT.1)), leaves);
        (o.owed.to_string(), o.attended, o.service)
    }

    fn term_owed(plan: &Plan, p: &Pupil) -> String {
        owed_in_term(plan, &plan.terms[0], p, &[]).owed.to_string()
    }

    proptest::proptest! {
        /// A period's days come to the same, worked out once for every family in care all of it
        /// without leave, as looked at day by day for each: whatever the rule, the care, the
        /// leave and the period, asked in any order.
        #[test]
        fn a_periods_days_come_to_the_same_as_looked_at_day_by_day(
            rule in 0usize..4,
            asks in proptest::collection::vec(
                (0i64..70, proptest::option::of(0i64..70), proptest::option::of((0i64..60, 0i64..8)), 0usize..3, 0usize..2),
                1..12,
            ),
        ) {
            let rules = ["none", "daily", "half-month", "monthly"];
            let plan = plan("monthly", "200.00", rules[rule], 1);
            let term = &plan.terms[0];
            let rule = plan.fees.as_ref().unwrap().refund_rule;
            let day = |n: i64| d("2026-08-25") + chrono::Duration::days(n);
            let mut owing = Owing::new(&plan);
            for (starts, ends, away, from, len) in asks {
                let p = Pupil { starts: Some(day(starts)), ends: ends.map(day), ..row("2026-09-01", None, None) };
                let care = care_span(term, &p);
                let away: Vec<(Date, Date)> = away.map(|(a, n)| (day(a), day(a + n))).into_iter().collect();
                // Few periods, so that families share them: September, October, the term.
                let (from, len) = ([7, 37, 0][from], [29, 65][len]);
                let period = (day(from).max(term.starts), day(from + len).min(term.ends));
                let once = owing.days_fraction(rule, term, care, period, &away);
                let by_day = fraction_by_day(rule, Owing::new(&plan).service_days(term, period.0, period.1), care, &away);
                proptest::prop_assert_eq!(once, by_day);
            }
        }
    }

    #[test]
    fn daily_200_a_month_22_service_days_5_away_owes_154_55() {
        let p = plan("monthly", "200.00", "daily", 1);
        let all = row("2026-09-01", None, None);
        assert_eq!(september(&p, &all, &[]), ("200.00".into(), 22, 22));
        // Away Monday 14 to Friday 18: 200 × 17 / 22 = 154.5454… → 154.55; 45.45 back of 200.00.
        let away = [leave("2026-09-14", "2026-09-18")];
        assert_eq!(september(&p, &all, &away), ("154.55".into(), 17, 22));
        let o = owed(&p, &p.terms[0], &all, (d(SEPT.0), d(SEPT.1)), &away);
        assert_eq!((Money::parse("200").unwrap() - o.owed).to_string(), "45.45");
    }

    #[test]
    fn a_leave_shorter_than_leave_min_days_is_ignored() {
        let p = plan("monthly", "200.00", "daily", 5);
        let all = row("2026-09-01", None, None);
        // Four service days (Monday to Thursday): not counted.
        assert_eq!(september(&p, &all, &[leave("2026-09-14", "2026-09-17")]), ("200.00".into(), 22, 22));
        // Five, across a weekend (Thursday 10 to Wednesday 16): counted, 200 × 17 / 22.
        assert_eq!(september(&p, &all, &[leave("2026-09-10", "2026-09-16")]), ("154.55".into(), 17, 22));
    }

    #[test]
    fn a_withdrawal_and_a_late_start_count_like_leave() {
        let p = plan("monthly", "200.00", "daily", 1);
        // Withdrawn after Friday 11: 9 days, 200 × 9 / 22 = 81.8181… → 81.82; the same as away
        // from Monday 14 to the month's end.
        let withdrawn = row("2026-09-01", Some("2026-09-11"), None);
        assert_eq!(september(&p, &withdrawn, &[]), ("81.82".into(), 9, 22));
        let all = row("2026-09-01", None, None);
        assert_eq!(september(&p, &all, &[leave("2026-09-14", "2026-09-30")]), ("81.82".into(), 9, 22));
        // Care from Monday 21: 8 days, 200 × 8 / 22 = 72.7272… → 72.73; the same as away to
        // Friday 18.
        let late = row("2026-09-21", None, None);
        assert_eq!(september(&p, &late, &[]), ("72.73".into(), 8, 22));
        assert_eq!(september(&p, &all, &[leave("2026-09-01", "2026-09-18")]), ("72.73".into(), 8, 22));
    }

    #[test]
    fn half_months_turn_at_the_15th_and_the_16th() {
        let p = plan("monthly", "200.00", "half-month", 1);
        let owed_by = |starts: &str, ends: Option<&str>| september(&p, &row(starts, ends, None), &[]).0;
        // Halves 1–15 and 16–30, both with service days.
        assert_eq!(owed_by("2026-09-01", Some("2026-09-15")), "100.00");
        assert_eq!(owed_by("2026-09-01", Some("2026-09-16")), "200.00");
        assert_eq!(owed_by("2026-09-16", None), "100.00");
        assert_eq!(owed_by("2026-09-15", None), "200.00");
        // Away the whole second half.
        let away = [leave("2026-09-16", "2026-09-30")];
        assert_eq!(september(&p, &row("2026-09-01", None, None), &away).0, "100.00");
    }

    #[test]
    fn the_month_rule_under_a_monthly_standard_is_all_or_nothing() {
        let p = plan("monthly", "200.00", "month", 1);
        assert_eq!(september(&p, &row("2026-09-29", None, None), &[]).0, "200.00");
        let away = [leave("2026-09-01", "2026-09-30")];
        assert_eq!(september(&p, &row("2026-09-01", None, None), &away).0, "0.00");
        // The rule none too: nothing for a month without a day in care.
        let p = plan("monthly", "200.00", "none", 1);
        assert_eq!(september(&p, &row("2026-09-01", None, None), &away).0, "0.00");
        assert_eq!(september(&p, &row("2026-09-30", None, None), &[]).0, "200.00");
    }

    #[test]
    fn a_term_standard_under_each_rule() {
        // 1200.00 a term of 40 service days (22 in September, 18 in October: the make-up
        // Saturday counts); care ends on Thursday 15 October: 22 + 7 = 29 days (Oct 8, 9, 10,
        // 12, 13, 14, 15).
        let withdrawn = row("2026-09-01", Some("2026-10-15"), None);
        let by = |rule: &str| term_owed(&plan("term", "1200.00", rule, 1), &withdrawn);
        assert_eq!(by("none"), "1200.00");
        // 1200 × 29 / 40 = 870.
        assert_eq!(by("daily"), "870.00");
        // Halves with service: Sep 1–15, Sep 16–30, Oct 1–15, Oct 16–31; attended: the first 3.
        assert_eq!(by("half-month"), "900.00");
        // Months: September and October both have a day in care.
        assert_eq!(by("month"), "1200.00");
        // Care from 16 October: 11 days (16, 19–23, 26–30), one half, one month.
        let late = row("2026-10-16", None, None);
        let by = |rule: &str| term_owed(&plan("term", "1200.00", rule, 1), &late);
        assert_eq!(
            (by("daily"), by("half-month"), by("month")),
            ("330.00".into(), "300.00".into(), "600.00".into())
        );
    }

    #[test]
    fn a_monthly_standard_over_the_term_is_the_sum_of_its_months() {
        let p = plan("monthly", "200.00", "daily", 1);
        // September whole, October to the 15th: 200 + 200 × 7 / 18 = 200 + 77.78.
        assert_eq!(term_owed(&p, &row("2026-09-01", Some("2026-10-15"), None)), "277.78");
        assert_eq!(
            periods(&p, &p.terms[0]),
            vec![(d("2026-09-01"), d("2026-09-30")), (d("2026-10-01"), d("2026-10-30"))]
        );
    }

    #[test]
    fn a_50_percent_waiver_halves_the_standard() {
        let p = plan("monthly", "200.00", "daily", 1);
        let waived = row("2026-09-01", None, Some("50"));
        assert_eq!(standard(&p, &waived).to_string(), "100.00");
        let o = owed(&p, &p.terms[0], &waived, (d(SEPT.0), d(SEPT.1)), &[]);
        assert_eq!((o.owed.to_string(), o.waived.to_string()), ("100.00".into(), "100.00".into()));
        // 5 days away: 100 × 17 / 22 = 77.2727… → 77.27; without the waiver 154.55, so the
        // waiver took 77.28 off.
        let away = [leave("2026-09-14", "2026-09-18")];
        let o = owed(&p, &p.terms[0], &waived, (d(SEPT.0), d(SEPT.1)), &away);
        assert_eq!((o.owed.to_string(), o.waived.to_string()), ("77.27".into(), "77.28".into()));
        // A full waiver: nothing owed.
        let free = row("2026-09-01", None, Some("100"));
        assert_eq!(september(&p, &free, &[]).0, "0.00");
    }

    #[test]
    fn rounding_is_half_up_to_the_fen() {
        assert_eq!(share_of(1, 1, 2), 1);
        assert_eq!(share_of(3, 1, 2), 2);
        assert_eq!(share_of(20_000, 17, 22), 15_455);
        assert_eq!(share_of(100, 1, 3), 33);
        assert_eq!(share_of(100, 2, 3), 67);
        assert_eq!(share_of(100, 0, 0), 0);
    }

    #[test]
    fn waiver_points_are_hundredths_of_a_percent_within_0_to_100() {
        let w = |s: &str| waiver_points(s.parse().unwrap());
        assert_eq!((w("50"), w("12.5"), w("0"), w("100")), (5000, 1250, 0, 10_000));
        assert_eq!((w("-5"), w("130")), (0, 10_000));
    }
}
