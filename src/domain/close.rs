//! A month's totals, as `care ledger close` records them and `check` recomputes them.

use super::digest::digest;
pub use crate::records::closes::MonthTotals;
use crate::records::{Close, Entry, Kind, Month};

impl MonthTotals {
    /// Over the rows dated in the month (what moved in that month).
    pub fn of<'a>(month: Month, entries: impl IntoIterator<Item = &'a Entry>) -> MonthTotals {
        let days = month.days();
        let mut t = MonthTotals::default();
        // Summed as the digest takes the rows in, which the digest keeps a list of once.
        let rows = entries.into_iter().filter(|e| days.contains(&e.date)).inspect(|e| {
            t.rows += 1;
            match e.kind {
                Kind::Fee => t.fees += e.amount,
                Kind::Refund => t.refunds += e.amount,
                Kind::Pay => t.pay += e.amount,
                Kind::Expense => t.expenses += e.amount,
                Kind::Grant => t.grants += e.amount,
            }
        });
        let digest = digest(rows);
        MonthTotals { digest, ..t }
    }

    /// What moved between a close and the rows now, e.g. `expenses 203.46 → 203.47`.
    pub fn changes_from(&self, c: &Close) -> Vec<String> {
        let mut v = Vec::new();
        for (name, was, now) in [
            ("fees", c.fees, self.fees),
            ("grants", c.grants, self.grants),
            ("refunds", c.refunds, self.refunds),
            ("pay", c.pay, self.pay),
            ("expenses", c.expenses, self.expenses),
        ] {
            if was != now {
                v.push(format!("{name} {was} → {now}"));
            }
        }
        if c.rows != self.rows {
            v.push(format!("rows {} → {}", c.rows, self.rows));
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Money;
    use crate::records::date::parse_date;

    fn e(date: &str, kind: Kind, amount: &str) -> Entry {
        Entry {
            line: 2,
            date: parse_date(date).unwrap(),
            kind,
            amount: Money::parse(amount).unwrap(),
            pupil_id: None,
            period: None,
            collected_by: None,
            receipt: None,
            memo: None,
            apart: None,
        }
    }

    #[test]
    fn totals_by_kind_over_the_month_only() {
        let rows = [
            e("2026-09-01", Kind::Fee, "280"),
            e("2026-09-02", Kind::Fee, "280.00"),
            e("2026-09-20", Kind::Refund, "20.5"),
            e("2026-09-30", Kind::Pay, "300"),
            e("2026-09-30", Kind::Expense, "12.34"),
            e("2026-10-01", Kind::Fee, "280"),
        ];
        let t = MonthTotals::of(Month::parse("2026-09").unwrap(), &rows);
        assert_eq!(t.rows, 5);
        assert_eq!(t.fees.to_string(), "560.00");
        assert_eq!(t.closing(Money::parse("100").unwrap()).to_string(), "327.16");
    }
}
