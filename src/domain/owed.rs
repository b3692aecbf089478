//! What a family owes for a month (basis monthly) or a term (basis term) under `[fees]
//! refund_rule`, with the pupil's waiver (SPEC §10): one function, used by the rules, `care
//! refunds`, the settlement and the reports.

use chrono::Datelike;

use super::calendar::{care_span, is_service_day};
use super::leave::{counted, is_away};
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
    let away = counted(plan, term, leaves);
    owed_away(plan, term, p, period, &away)
}

/// [`owed`] summed over the periods of the term ([`periods`]): what a family owes for the term.
pub fn owed_in_term<'a>(plan: &Plan, term: &Term, p: &Pupil, leaves: impl IntoIterator<Item = &'a Leave>) -> Owed {
    let away = counted(plan, term, leaves);
    periods(plan, term).into_iter().fold(Owed::default(), |sum, period| {
        let o = owed_away(plan, term, p, period, &away);
        Owed {
            owed: sum.owed + o.owed,
            waived: sum.waived + o.waived,
            attended: sum.attended + o.attended,
            service: sum.service + o.service,
        }
    })
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
    let fen = Money::from(fees.amount.v.decimal().round_dp(2)).to_fen().unwrap_or(0);
    Money::from_fen(share_of(fen * (10_000 - waiver_of(p)), 1, 10_000))
}

/// The pupil row's waiver in hundredths of a percent.
pub fn waiver_of(p: &Pupil) -> i128 {
    p.waiver.map_or(0, waiver_points)
}

/// [`owed`], given the days of counted leave.
fn owed_away(plan: &Plan, term: &Term, p: &Pupil, period: (Date, Date), away: &[(Date, Date)]) -> Owed {
    let Some(fees) = &plan.fees else {
        return Owed::default();
    };
    let care = care_span(term, p);
    let (from, to) = (period.0.max(term.starts), period.1.min(term.ends));
    let days = from.iter_days().take_while(|d| *d <= to).map(|d| {
        let serves = is_service_day(plan, term, d);
        let attends = care.is_some_and(|(a, b)| a <= d && d <= b) && !is_away(away, d);
        (d, serves, attends)
    });
    let (f, attended, service) = fraction(fees.refund_rule, days);
    let fen = Money::from(fees.amount.v.decimal().round_dp(2)).to_fen().unwrap_or(0);
    let kept = 10_000 - waiver_of(p);
    let full = share_of(fen, f.num, f.den);
    let owed = share_of(fen * kept, f.num, f.den * 10_000);
    Owed {
        owed: Money::from_fen(owed),
        waived: Money::from_fen(full - owed),
        attended,
        service,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::date::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    /// 22 service days, of which `away` are missed: in a month of 22 weekdays.
    fn month_of_22(rule: RefundRule, away: u32) -> (Fraction, u32, u32) {
        // March 2027 has 23 weekdays; take 2027-03-01..03-30 (22 weekdays).
        let days = d("2027-03-01").iter_days().take_while(|x| *x <= d("2027-03-30")).map(|x| {
            let serves = x.weekday().number_from_monday() <= 5;
            (x, serves, serves)
        });
        let mut n = 0;
        let days: Vec<_> = days
            .map(|(x, s, a)| {
                let missed = a && n < away;
                if a {
                    n += 1;
                }
                (x, s, a && !missed)
            })
            .collect();
        fraction(rule, days.into_iter())
    }

    #[test]
    fn daily_two_hundred_a_month_22_service_days_5_away() {
        let (f, attended, service) = month_of_22(RefundRule::Daily, 5);
        assert_eq!((attended, service), (17, 22));
        // 200.00 × 17 / 22 = 154.5454… → 154.55; refund 45.45.
        let owed = share_of(20_000, f.num, f.den);
        assert_eq!(Money::from_fen(owed).to_string(), "154.55");
        assert_eq!(Money::from_fen(20_000 - owed).to_string(), "45.45");
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
