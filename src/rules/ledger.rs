//! ledger/*: every row belongs to a term, and periods name a month or a term.

use super::context::Row;
use super::each_row::EachRow;
use super::{Context, Declared, Rule};
use crate::domain::calendar::Period as P;
use std::collections::HashMap;

use crate::findings::{Finding, Msg};
use crate::records::plan::Basis;
use crate::records::{Kind, Money, ledger};

rule! {
    NoTerm: "ledger" / "no-term", Error, reads PLAN | LEDGER by pupil, "三(三)",
    "每笔收支都属于一个学期：检查日期和 period，或在 plan.toml 中补上这个学期",
    "every row belongs to a term: check the date and period, or add the term to plan.toml",
}

by_row!(NoTerm);

impl EachRow for NoTerm {
    type Before<'c> = ();

    fn before<'c>(&'c self, cx: &'c Context<'_>, _: &mut Vec<Finding>) -> Option<()> {
        // Without a plan, or with a term that could not be read, a row's term is unknown.
        cx.plan().filter(|p| !p.unread.terms).map(|_| ())
    }

    fn row(&self, _: &Context<'_>, _: &(), row: &Row<'_>, out: &mut Vec<Finding>) {
        if row.term.is_none() {
            let e = row.entry;
            out.push(self.finding(
                ledger::FILE,
                e.line,
                Msg::new(
                    format!("{} 的这笔收支不属于任何学期", e.date),
                    format!("this row of {} belongs to no term", e.date),
                ),
            ));
        }
    }
}

rule! {
    Period: "ledger" / "period", Error, reads PLAN | LEDGER | SETTLEMENTS by pupil, "三(三)",
    "period 写成学期内的月份（如 2026-09）或学期 id（如 2026-autumn）；按月收费时收费写月份，学期 id 只用于结算后补交欠款",
    "write period as a month of a term (e.g. 2026-09) or a term id (e.g. 2026-autumn); under a monthly standard a fee names a month, and a term id only for paying an amount due at settlement",
}

impl Rule for Period {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(plan) = cx.plan().filter(|p| !p.unread.terms) else {
            return;
        };
        let monthly = plan.fees.as_ref().is_some_and(|f| f.basis == Basis::Monthly);
        // Under a monthly standard, what each family has paid so far by term id, per term.
        let mut by_term_id: HashMap<(&str, &str), Money> = HashMap::new();
        for row in cx.rows().filter(|r| matches!(r.entry.kind, Kind::Fee | Kind::Refund)) {
            let e = row.entry;
            let Some(text) = e.period.as_ref() else { continue };
            let msg = match row.period {
                None => Msg::new(
                    format!("period“{text}”既不是月份也不是学期 id"),
                    format!("period “{text}” is neither a month nor a term id"),
                ),
                Some(P::Month(m)) if !cx.in_a_term(m) => Msg::new(
                    format!("period {m} 不在任何学期之内"),
                    format!("period {m} is not a month of any term"),
                ),
                Some(P::Term(t)) if monthly && e.kind == Kind::Fee => {
                    let id = e.pupil_id.as_deref().unwrap_or_default();
                    let paid = by_term_id.entry((id, t.id.as_str())).or_default();
                    *paid += e.amount;
                    match settlement_due(cx, t, id, e.date) {
                        Due::Owed(due) if *paid <= due => continue,
                        Due::Unknown => continue,
                        Due::Owed(due) => Msg::new(
                            format!(
                                "按月收费时，以学期 {} 为 period 的收费只能是结算后补交的欠款；{id} 结算时欠 {due} 元，这里已收到 {paid} 元",
                                t.id
                            ),
                            format!(
                                "under a monthly standard a fee for term {} is only a settlement payment of an amount due; {id} owed {due} at the settlement, and this brings its payments to {paid}",
                                t.id
                            ),
                        ),
                        Due::None => Msg::new(
                            format!(
                                "按月收费时，收费的 period 应写月份；以学期 {} 为 period 的收费只能是结算后补交的欠款，而 {id} 在 {} 没有结算欠款",
                                t.id, e.date
                            ),
                            format!(
                                "under a monthly standard a fee names a month; a fee for term {} is only a settlement payment of an amount due, and {id} owed nothing at a settlement by {}",
                                t.id, e.date
                            ),
                        ),
                    }
                }
                Some(_) => continue,
            };
            out.push(self.finding(ledger::FILE, e.line, msg));
        }
    }
}

/// What a family owed at a term's settlement, as a fee dated `on` would pay it.
enum Due {
    /// The term was settled by `on` and the family owed this much.
    Owed(Money),
    /// Not settled by then, or the family owed nothing.
    None,
    /// The settlement, or the family's row of it, could not be read.
    Unknown,
}

fn settlement_due(cx: &Context, t: &crate::records::plan::Term, pupil: &str, on: crate::records::Date) -> Due {
    if cx.records.unread_settlements.contains(&t.id) {
        return Due::Unknown;
    }
    let Some(s) = cx.records.settlement(&t.id).filter(|s| s.settled_on.v <= on) else {
        return Due::None;
    };
    match s.rows.iter().find(|r| r.pupil_id == pupil) {
        Some(r) if r.refund.is_negative() => Due::Owed(r.refund.abs()),
        None if !s.rows_complete => Due::Unknown,
        _ => Due::None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::context::fixture::{at, clean};
    use super::*;

    #[test]
    fn no_term() {
        assert!(clean().fired(NoTerm::ID).is_empty());
        let f = clean().append("ledger.csv", "2026-08-20,expense,10,,,materials,,,,");
        assert_eq!(f.fired(NoTerm::ID), at("ledger.csv", 7));
    }

    #[test]
    fn period() {
        assert!(clean().fired(Period::ID).is_empty());
        let f = clean().replace("ledger.csv", "P0002,,,2026-09,", "P0002,,,2026-9,").replace(
            "ledger.csv",
            "P0003,,,2026-09,",
            "P0003,,,2026-08,",
        );
        assert_eq!(f.fired(Period::ID), vec![("ledger.csv".into(), 3), ("ledger.csv".into(), 4)]);
    }

    #[test]
    fn a_term_fee_under_a_monthly_standard_is_only_a_settlement_payment() {
        let f = clean().append("ledger.csv", "2026-09-20,fee,5000.00,P0001,,,2026-autumn,周强,,");
        assert_eq!(f.fired(Period::ID), at("ledger.csv", 7));
        // After a settlement in which P0001 owed 30.00: paying it is fine, paying more is not.
        let toml = format!(
            "term = \"2026-autumn\"\nsettled_on = 2027-01-12\nbasis = \"paid\"\npaid = \"840.00\"\ncosts = \"420.50\"\nsurplus = \"419.50\"\nfamilies = 3\ndigest = \"sha256:{}\"\n",
            "0".repeat(64)
        );
        let settled = clean().set("settlements/2026-autumn.toml", &toml).set(
            "settlements/2026-autumn.csv",
            "pupil_id,paid,share,refund\nP0001,250.00,280.00,-30.00\nP0002,280.00,140.25,139.75\n",
        );
        let f = settled
            .append("ledger.csv", "2027-01-13,fee,20.00,P0001,,,2026-autumn,周强,,")
            .append("ledger.csv", "2027-01-14,fee,10.00,P0001,,,2026-autumn,周强,,");
        assert!(f.fired(Period::ID).is_empty(), "{:?}", f.findings());
        let f = f.append("ledger.csv", "2027-01-15,fee,0.01,P0001,,,2026-autumn,周强,,");
        assert_eq!(f.fired(Period::ID), at("ledger.csv", 9));
        // Before the settlement, or from a family that owed nothing, it is not.
        let f = settled.append("ledger.csv", "2027-01-11,fee,20.00,P0001,,,2026-autumn,周强,,");
        assert_eq!(f.fired(Period::ID), at("ledger.csv", 7));
        let f = settled.append("ledger.csv", "2027-01-13,fee,20.00,P0002,,,2026-autumn,周强,,");
        assert_eq!(f.fired(Period::ID), at("ledger.csv", 7));
        // Under a standard per term, a fee names the term.
        let f = clean()
            .replace("plan.toml", "basis = \"monthly\"", "basis = \"term\"")
            .append("ledger.csv", "2026-09-20,fee,280.00,P0004,,,2026-autumn,周强,,");
        assert!(f.fired(Period::ID).is_empty());
    }
}
