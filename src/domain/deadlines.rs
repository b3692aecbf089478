//! The dates by which things are due: a month's close, a settlement's refunds, a contract's last
//! pay. A term's own `settle_by` is a date of the plan and needs no arithmetic.

use std::collections::BTreeSet;

use chrono::Days;

use crate::records::plan::{Deadlines, Plan, Term};
use crate::records::{Contract, Date, Month};

/// Pay for the last period may follow the contract's end by this many days.
pub const PAY_GRACE_DAYS: u64 = 31;

/// `days` after `date` (none before it); `None` past the end of the calendar.
fn after(date: Date, days: i64) -> Option<Date> {
    date.checked_add_days(Days::new(days.max(0) as u64))
}

/// The day by which month `m` is closed and disclosed: `close_within_days` after its last day.
/// A deadline past the end of the calendar never comes.
pub fn close_by(d: &Deadlines, m: Month) -> Date {
    after(m.last_day(), d.close_within_days).unwrap_or(Date::MAX)
}

/// A month is overdue once the day after its close deadline has come without a close.
pub fn close_overdue(d: &Deadlines, m: Month, today: Date) -> bool {
    today > close_by(d, m)
}

/// A close made after the month's deadline.
pub fn closed_late(d: &Deadlines, m: Month, closed_on: Date) -> bool {
    closed_on > close_by(d, m)
}

/// A term's settlement is due once its `settle_by` has passed.
pub fn settlement_overdue(t: &Term, today: Date) -> bool {
    today > t.settle_by.v
}

/// A settlement made after the term's `settle_by`.
pub fn settled_late(t: &Term, settled_on: Date) -> bool {
    settled_on > t.settle_by.v
}

/// The day by which a settlement's refunds are paid out: `refund_within_days` after it; `None`
/// past the end of the calendar.
pub fn refund_by(d: &Deadlines, settled_on: Date) -> Option<Date> {
    after(settled_on, d.refund_within_days)
}

/// [`refund_by`], what `check` and `status` go by: a deadline past the end of the calendar
/// never comes.
pub fn refund_due(d: &Deadlines, settled_on: Date) -> Date {
    refund_by(d, settled_on).unwrap_or(Date::MAX)
}

/// The last day a contract's pay may be dated: [`PAY_GRACE_DAYS`] after it ends.
pub fn last_pay_day(c: &Contract) -> Date {
    c.ends.checked_add_days(Days::new(PAY_GRACE_DAYS)).unwrap_or(c.ends)
}

/// The months that must be closed once over: those with ledger rows and those of a term.
pub fn months_to_close(plan: Option<&Plan>, months_with_rows: impl IntoIterator<Item = Month>) -> BTreeSet<Month> {
    let mut months: BTreeSet<Month> = months_with_rows.into_iter().collect();
    if let Some(p) = plan {
        for t in p.terms.iter().filter(|t| t.starts <= t.ends) {
            months.extend(Month::span(t.starts, t.ends));
        }
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::date::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn days_after_the_month_or_the_settlement() {
        let dl = Deadlines {
            close_within_days: 10,
            refund_within_days: 15,
        };
        let sept = Month::parse("2026-09").unwrap();
        assert_eq!(close_by(&dl, sept), d("2026-10-10"));
        assert_eq!(refund_by(&dl, d("2026-09-26")), Some(d("2026-10-11")));
        let none = Deadlines {
            close_within_days: -3,
            refund_within_days: i64::MAX,
        };
        assert_eq!(close_by(&none, sept), d("2026-09-30"));
        assert_eq!(refund_by(&none, d("2026-09-26")), None);
        // A deadline past the end of the calendar never comes.
        assert_eq!(refund_due(&none, d("2026-09-26")), Date::MAX);
        let far = Deadlines {
            close_within_days: i64::MAX,
            refund_within_days: 0,
        };
        assert_eq!(close_by(&far, sept), Date::MAX);
    }

    #[test]
    fn months_with_rows_and_of_terms() {
        let plan = crate::domain::calendar::tests::plan();
        let rows = [Month::parse("2026-08").unwrap()];
        let months = months_to_close(Some(&plan), rows);
        assert_eq!(months.len(), 1 + 5 + 6);
        assert_eq!(months.first().map(Month::to_string).as_deref(), Some("2026-08"));
        assert_eq!(months_to_close(None, rows).len(), 1);
    }
}
