//! The year's figures for the performance report (四(三): 于每年12月报教育行政部门备案), by the
//! calendar year Y and by date: the money dated in Y, the care days of Y up to today (never days
//! that have not happened), the pupils served, participation by grade, the terms' days within Y,
//! the staff and their checks, and the satisfaction ratings dated in Y.
//!
//! No row or day is counted in two years: summed over the years, the money, the rows, the
//! applications, the withdrawals, the care days and the ratings equal the records' totals.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use super::calendar::{care_span, is_payout, service_days};
use super::leave::{away_days, by_pupil, counted};
use super::owed::{Waived, waived};
use super::ratings::Mean;
use super::staff::{background_checked_in_time, checks_ok, qualified_in_time};
use crate::records::contracts::StaffKind;
use crate::records::plan::Term;
use crate::records::{Contract, Date, Entry, Kind, Money, Pupil, Records, Settlement, Survey};

/// Applications and care in the year, of all pupils or of one grade.
#[derive(Default)]
pub struct Participation {
    /// Roster rows (applications) dated in the year.
    pub applications: usize,
    /// Pupils with a care day in the year.
    pub served: usize,
    /// Applications whose care ended in the year before the end of their term.
    pub withdrawn: usize,
    pub care_days: u64,
}

impl Participation {
    /// Care days per pupil served, to one decimal (halves away from zero).
    pub fn average_days(&self) -> Option<Decimal> {
        (self.served > 0).then(|| one_decimal(Decimal::from(self.care_days) / Decimal::from(self.served)))
    }

    /// Pupils served as a percentage of all `pupils` of the school, to one decimal.
    pub fn rate(&self, pupils: Option<u32>) -> Option<Decimal> {
        let all = pupils.filter(|&n| n > 0)?;
        Some(one_decimal(Decimal::from(self.served) * Decimal::ONE_HUNDRED / Decimal::from(all)))
    }
}

fn one_decimal(d: Decimal) -> Decimal {
    let mut d = d.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    d.rescale(1);
    d
}

/// A term that shares a day with the year, within the year.
pub struct TermFigures<'a> {
    pub term: &'a Term,
    /// Its service days in the year, up to today.
    pub service_days: u32,
    /// Its applications with care days in the year, and those days.
    pub pupils: usize,
    pub care_days: u64,
    pub settlement: Option<&'a Settlement>,
    /// The settlement is dated in the year: its figures are this year's.
    pub settled_in_year: bool,
    /// When settled in the year: its refunds to families, to how many, and what families owed.
    pub refunds: Money,
    pub refund_families: usize,
    pub due: Money,
}

/// The money dated in the year.
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
    /// Settlement payouts to families dated in the year.
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
    /// Each contract of the year with the mean of its ratings in the year.
    pub by_contract: Vec<(&'a Contract, Mean)>,
}

pub struct Year<'a> {
    pub year: i32,
    /// Care is counted up to this day: the year's last, or today when that is earlier. `None`:
    /// the year has not begun.
    pub until: Option<Date>,
    pub terms: Vec<TermFigures<'a>>,
    pub pupils: Participation,
    pub by_grade: BTreeMap<u8, Participation>,
    /// `[school] pupils`: all pupils of the school, for the participation rate.
    pub school_pupils: Option<u32>,
    pub money: MoneyFigures<'a>,
    /// The contracts that share a day with the year.
    pub contracts: Vec<&'a Contract>,
    pub staff_by_kind: BTreeMap<StaffKind, StaffCount>,
    pub satisfaction: Satisfaction<'a>,
    /// Days of counted leave in the year, up to `until`.
    pub leave_days: u64,
    /// The waivers of the months (terms) that start in the year, up to `until`.
    pub waived: Waived,
}

/// The first and last day of year `y`.
pub fn days_of(y: i32) -> Option<(Date, Date)> {
    Some((NaiveDate::from_ymd_opt(y, 1, 1)?, NaiveDate::from_ymd_opt(y, 12, 31)?))
}

/// The figures of year `year`, with care counted up to `today`.
pub fn year(records: &Records, year: i32, today: Date) -> Year<'_> {
    let plan = records.plan.as_ref();
    let (first, last) = days_of(year).unwrap_or_default();
    let in_year = |d: Date| d.year() == year;
    let until = (today >= first).then(|| today.min(last));
    let terms: Vec<&Term> = plan
        .map(|p| p.terms.iter().filter(|t| t.starts <= last && t.ends >= first).collect())
        .unwrap_or_default();

    // Care of each application within the year, up to `until`, and apart from it the days of
    // counted leave (leave days are not care days).
    let leaves = by_pupil(&records.leave);
    let care_in_year = |t: &Term, p: &Pupil| -> (u64, u64) {
        let (Some(until), Some(plan), Some((from, to))) = (until, plan, care_span(t, p)) else {
            return (0, 0);
        };
        let (from, to) = (from.max(first), to.min(until));
        let away = match leaves.get(p.id.as_str()) {
            Some(mine) => away_days(plan, t, p, &counted(plan, t, mine.iter().copied()), from, to),
            None => 0,
        };
        (u64::from(service_days(plan, t, from, to) - away), u64::from(away))
    };
    let mut leave_days = 0;
    let mut all = Participation::default();
    let mut grades: BTreeMap<u8, Participation> = BTreeMap::new();
    let mut term_care: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    // Each pupil served is counted once, in the grade of its last application with care in the year.
    let mut served: BTreeMap<&str, u8> = BTreeMap::new();
    for p in &records.pupils {
        let term = records.term_of_pupil(p);
        let g = grades.entry(p.grade).or_default();
        if in_year(p.applied_on) {
            g.applications += 1;
            all.applications += 1;
        }
        let Some(t) = term else { continue };
        if p.ends.is_some_and(|e| e < t.ends && e < today && in_year(e)) {
            g.withdrawn += 1;
            all.withdrawn += 1;
        }
        let (days, away) = care_in_year(t, p);
        leave_days += away;
        if days > 0 {
            g.care_days += days;
            all.care_days += days;
            let c = term_care.entry(t.id.as_str()).or_default();
            c.0 += 1;
            c.1 += days;
            served.insert(p.id.as_str(), p.grade);
        }
    }
    all.served = served.len();
    for grade in served.values() {
        grades.entry(*grade).or_default().served += 1;
    }
    grades.retain(|_, g| g.applications + g.served + g.withdrawn > 0 || g.care_days > 0);

    let term_figures = terms
        .iter()
        .map(|t| {
            let s = records.settlement(&t.id);
            let settled_in_year = s.is_some_and(|s| in_year(s.settled_on.v));
            let refunds = s.iter().filter(|_| settled_in_year).flat_map(|s| &s.rows).map(|r| r.refund);
            let service = match (plan, until) {
                (Some(p), Some(u)) => service_days(p, t, first, u),
                _ => 0,
            };
            let (pupils, care_days) = term_care.get(t.id.as_str()).copied().unwrap_or_default();
            TermFigures {
                term: t,
                service_days: service,
                pupils,
                care_days,
                settlement: s,
                settled_in_year,
                refunds: refunds.clone().filter(|r| r.is_positive()).sum(),
                refund_families: refunds.clone().filter(|r| r.is_positive()).count(),
                due: refunds.filter(|r| r.is_negative()).map(|r| r.abs()).sum(),
            }
        })
        .collect();

    let money = money_in(records, year);

    // Staff: the contracts that share a day with the year.
    let contracts: Vec<&Contract> = records.contracts.iter().filter(|c| c.starts <= last && c.ends >= first).collect();
    let mut staff_by_kind: BTreeMap<StaffKind, StaffCount> = BTreeMap::new();
    for c in &contracts {
        let k = staff_by_kind.entry(c.kind).or_default();
        k.count += 1;
        k.qualified += usize::from(qualified_in_time(c));
        k.background_checked += usize::from(background_checked_in_time(c));
        k.checks_ok += usize::from(checks_ok(c));
    }

    // Satisfaction: the ratings dated in the year.
    let ratings: Vec<&Survey> = records.surveys.iter().filter(|s| in_year(s.date)).collect();
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

    Year {
        year,
        until,
        terms: term_figures,
        pupils: all,
        by_grade: grades,
        school_pupils: plan.and_then(|p| p.school.pupils),
        money,
        contracts,
        staff_by_kind,
        satisfaction,
        leave_days,
        waived: match (plan, until) {
            (Some(p), Some(u)) => waived(p, &records.pupils, &records.leave, first, u),
            _ => Waived::default(),
        },
    }
}

/// The money of the rows dated in year `year`.
fn money_in(records: &Records, year: i32) -> MoneyFigures<'_> {
    let rows: Vec<&Entry> = records.entries.iter().filter(|e| e.date.year() == year).collect();
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
        *money
            .by_category
            .entry(e.category().map(|s| s.as_str()).unwrap_or_default())
            .or_default() += e.amount;
    }
    // Payouts of a settlement: refunds with the term's id, dated on or after it.
    let settled: Vec<(&Term, Date)> = records
        .settlements
        .iter()
        .filter_map(|s| Some((records.plan.as_ref()?.term(&s.term.v)?, s.settled_on.v)))
        .collect();
    money.settlement_refunds = rows
        .iter()
        .filter(|e| e.kind == Kind::Refund && settled.iter().any(|(t, on)| is_payout(e, t, *on)))
        .map(|e| e.amount)
        .sum();
    money
}

/// The years in which the records have a ledger row, a term day, an application or a rating.
pub fn years(records: &Records) -> BTreeSet<i32> {
    let mut ys: BTreeSet<i32> = records.entries.iter().map(|e| e.date.year()).collect();
    ys.extend(records.pupils.iter().map(|p| p.applied_on.year()));
    ys.extend(records.surveys.iter().map(|s| s.date.year()));
    for t in records.plan.iter().flat_map(|p| &p.terms) {
        ys.extend(t.starts.year()..=t.ends.year());
    }
    ys
}
