//! What was paid out to each family after a term's settlement (SPEC §6): its refunds, and from a
//! family that owed, its fees, in rows whose period is the term dated on or after the settlement.

use std::collections::BTreeMap;

use super::calendar::is_payout;
use crate::records::plan::Term;
use crate::records::settlements::FamilyRow;
use crate::records::{Date, Entry, Money};

/// One family's payouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PaidOut {
    /// Refunds less fees: what the family got back.
    pub amount: Money,
    /// The ledger line of its first payout.
    pub first_line: usize,
    /// The date of its latest payout.
    pub last_on: Date,
}

/// The payouts of a term's settlement on `settled_on`, family by family (by pupil id; `""` for
/// a row that names no pupil), in one pass over the ledger.
pub fn paid_out<'a>(entries: impl IntoIterator<Item = &'a Entry>, term: &Term, settled_on: Date) -> BTreeMap<&'a str, PaidOut> {
    let mut by_family: BTreeMap<&str, PaidOut> = BTreeMap::new();
    for e in entries.into_iter().filter(|e| is_payout(e, term, settled_on)) {
        let slot = by_family.entry(e.pupil_id.as_deref().unwrap_or("")).or_insert(PaidOut {
            amount: Money::ZERO,
            first_line: e.line,
            last_on: e.date,
        });
        slot.amount -= e.signed();
        slot.last_on = slot.last_on.max(e.date);
    }
    by_family
}

/// What is still to move after a settlement: refunds to pay out, and amounts due to collect.
pub fn outstanding(families: &[FamilyRow], paid: &BTreeMap<&str, PaidOut>) -> (Money, Money) {
    let (mut to_pay, mut to_collect) = (Money::ZERO, Money::ZERO);
    for f in families {
        let left = f.refund - paid.get(f.pupil_id.as_str()).map_or(Money::ZERO, |p| p.amount);
        if left.is_positive() {
            to_pay += left;
        } else {
            to_collect -= left;
        }
    }
    (to_pay, to_collect)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Kind;
    use crate::records::date::parse_date;

    fn row(line: usize, date: &str, kind: Kind, amount: &str, pupil: Option<&str>, period: &str) -> Entry {
        Entry {
            line,
            date: parse_date(date).unwrap(),
            kind,
            amount: Money::parse(amount).unwrap(),
            pupil_id: pupil.map(Into::into),
            period: Some(period.into()),
            collected_by: None,
            receipt: None,
            memo: None,
            apart: None,
        }
    }

    fn family(id: &str, refund: &str) -> FamilyRow {
        FamilyRow {
            line: 2,
            pupil_id: id.into(),
            paid: Money::ZERO,
            share: Money::ZERO,
            refund: Money::parse(refund).unwrap(),
        }
    }

    #[test]
    fn refunds_less_fees_after_the_settlement_by_family() {
        let plan = crate::domain::calendar::tests::plan();
        let t = &plan.terms[0];
        let on = parse_date("2026-12-20").unwrap();
        let rows = [
            row(2, "2026-12-19", Kind::Refund, "5", Some("P1"), "2026-autumn"),
            row(3, "2026-12-21", Kind::Refund, "10", Some("P1"), "2026-autumn"),
            row(4, "2026-12-22", Kind::Fee, "3", Some("P2"), "2026-autumn"),
            row(5, "2026-12-23", Kind::Refund, "2.50", Some("P1"), "2026-autumn"),
            row(6, "2026-12-23", Kind::Refund, "7", Some("P1"), "2026-12"),
            row(7, "2026-12-24", Kind::Refund, "1", None, "2026-autumn"),
        ];
        let paid = paid_out(&rows, t, on);
        let p1 = paid["P1"];
        assert_eq!(
            (p1.amount.to_string(), p1.first_line, p1.last_on.to_string()),
            ("12.50".into(), 3, "2026-12-23".into())
        );
        assert_eq!(paid["P2"].amount.to_string(), "-3.00");
        assert_eq!(paid[""].first_line, 7);
        let (to_pay, to_collect) = outstanding(&[family("P1", "20"), family("P2", "-5"), family("P3", "1")], &paid);
        assert_eq!((to_pay.to_string(), to_collect.to_string()), ("8.50".into(), "2.00".into()));
    }
}
