//! settlement/*: each term is settled before it ends and the surplus refunded (三(三)).

use std::collections::BTreeMap;

use chrono::Days;

use super::{Context, Meta, Rule, finding, ids};
use crate::domain::calendar::is_payout;
use crate::findings::{Finding, Msg, Severity::*};
use crate::records::{Date, Kind, Money, ledger, plan};

pub struct Missing;
impl Rule for Missing {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: ids::SETTLEMENT_MISSING,
            severity: Error,
            policy: "三(三)",
            hint: (
                "学期结束前结算并退还结余：运行 care settle --term 学期id --record",
                "settle the term before it ends and refund the surplus: run care settle --term TERM --record",
            ),
        }
    }
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        for t in p.terms.iter().filter(|t| {
            cx.today > t.settle_by.v && cx.records.settlement(&t.id).is_none() && !cx.records.unread_settlements.contains(&t.id)
        }) {
            out.push(finding(
                self.meta(),
                plan::FILE,
                t.settle_by.line,
                Msg::new(
                    format!("学期 {} 应在 {} 前结算，但还没有结算", t.id, t.settle_by.v),
                    format!("term {} was due to be settled by {} and has no settlement", t.id, t.settle_by.v),
                ),
            ));
        }
    }
}

pub struct Late;
impl Rule for Late {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: ids::SETTLEMENT_LATE,
            severity: Warning,
            policy: "三(三)",
            hint: (
                "以后请在 settle_by 之前结算；这次的结算仍然有效",
                "settle before settle_by next time; this settlement still stands",
            ),
        }
    }
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        for s in &cx.records.settlements {
            let Some(t) = p.terms.iter().find(|t| t.id == s.term.v) else {
                continue;
            };
            if s.settled_on.v > t.settle_by.v {
                out.push(finding(
                    self.meta(),
                    &s.file,
                    s.settled_on.line,
                    Msg::new(
                        format!("学期 {} 在 {} 结算，晚于规定的 {}", t.id, s.settled_on.v, t.settle_by.v),
                        format!(
                            "term {} was settled on {}, after its settle_by date {}",
                            t.id, s.settled_on.v, t.settle_by.v
                        ),
                    ),
                ));
            }
        }
    }
}

pub struct Stale;
impl Rule for Stale {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: ids::SETTLEMENT_STALE,
            severity: Error,
            policy: "三(三)、四(一)",
            hint: (
                "已结算学期的收支不能再改：撤销这次修改；确需重新结算请删除 settlements/ 下该学期的文件后再运行 care settle",
                "a settled term's rows must not change: undo the edit; to settle again, delete the term's files under settlements/ and run care settle",
            ),
        }
    }
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        if !cx.records.ledger_complete {
            return;
        }
        for s in &cx.records.settlements {
            let Some(t) = p.terms.iter().find(|t| t.id == s.term.v) else {
                continue;
            };
            // The rows `term_rows` gives, by the terms the context has already worked out.
            let rows: Vec<&crate::records::Entry> = cx
                .entries()
                .filter(|(e, term)| term.is_some_and(|x| x.id == t.id) && !is_payout(e, t, s.settled_on.v))
                .map(|(e, _)| e)
                .collect();
            if crate::domain::digest::digest(rows.iter().copied()) == s.digest.v {
                continue;
            }
            let paid: Money = rows
                .iter()
                .filter(|e| matches!(e.kind, Kind::Fee | Kind::Refund))
                .map(|e| e.signed())
                .sum();
            let costs: Money = rows
                .iter()
                .filter(|e| matches!(e.kind, Kind::Pay | Kind::Expense))
                .map(|e| e.amount)
                .sum();
            let mut moved = Vec::new();
            if paid != s.paid {
                moved.push(format!("paid {} → {paid}", s.paid));
            }
            if costs != s.costs {
                moved.push(format!("costs {} → {costs}", s.costs));
            }
            let detail = if moved.is_empty() {
                "rows edited, totals unchanged".to_owned()
            } else {
                moved.join(", ")
            };
            out.push(finding(
                self.meta(),
                &s.file,
                s.digest.line,
                Msg::new(
                    format!("学期 {} 结算后收支又有变动：{detail}", t.id),
                    format!("term {}'s rows changed after its settlement: {detail}", t.id),
                ),
            ));
        }
    }
}

pub struct RefundMismatch;
impl Rule for RefundMismatch {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: ids::SETTLEMENT_REFUND_MISMATCH,
            severity: Error,
            policy: "三(三)",
            hint: (
                "按结算表退还每个家庭的结余：用 care ledger add refund --period 学期id 记下实际退款（欠费家庭用 fee 记下补交）",
                "pay each family its settlement refund: record it with care ledger add refund --period TERM (a family that owed records its payment as a fee)",
            ),
        }
    }
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        // A payout in a row that could not be read would change what each family got.
        if !cx.records.ledger_complete {
            return;
        }
        let within = p.deadlines.refund_within_days.max(0) as u64;
        // A family missing from an unreadable settlement table is not a family left out.
        for s in cx.records.settlements.iter().filter(|s| s.rows_complete) {
            let Some(t) = p.terms.iter().find(|t| t.id == s.term.v) else {
                continue;
            };
            let due = s.settled_on.v.checked_add_days(Days::new(within)).unwrap_or(Date::MAX);
            if cx.today <= due {
                continue;
            }
            let mut paid_out: BTreeMap<&str, (Money, usize)> = BTreeMap::new();
            for e in cx.records.entries.iter().filter(|e| is_payout(e, t, s.settled_on.v)) {
                let slot = paid_out.entry(e.pupil_id.as_deref().unwrap_or("")).or_insert((Money::ZERO, e.line));
                slot.0 -= e.signed();
            }
            for row in &s.rows {
                let got = paid_out.remove(row.pupil_id.as_str()).map_or(Money::ZERO, |x| x.0);
                if got != row.refund {
                    out.push(finding(
                        self.meta(),
                        &s.csv_file,
                        row.line,
                        Msg::new(
                            format!("{} 应退 {} 元，截至 {due} 实际退了 {got} 元", row.pupil_id, row.refund),
                            format!("{} was due a refund of {} by {due} and was paid {got}", row.pupil_id, row.refund),
                        ),
                    ));
                }
            }
            for (pupil, (got, line)) in paid_out {
                out.push(finding(
                    self.meta(),
                    ledger::FILE,
                    line,
                    Msg::new(
                        format!("向 {pupil} 退还了 {got} 元 {} 的结余，但结算表中没有这个家庭", t.id),
                        format!("{got} was paid out to {pupil} for {}, a family not in its settlement", t.id),
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::context::fixture::{Fixture, at, clean};
    use super::*;
    use crate::domain::settle::settle;
    use crate::records::date::parse_date;
    use crate::records::plan::RefundBasis;

    /// Settles the fixture's term on `on` and adds the files `care settle` would write.
    fn settled(f: Fixture, on: &str) -> Fixture {
        let r = f.records();
        let p = r.plan.as_ref().unwrap();
        let o = settle(p, &p.terms[0], RefundBasis::Paid, parse_date(on).unwrap(), &r.entries, &r.pupils).unwrap();
        let toml = format!(
            "term = \"{}\"\nsettled_on = {on}\nbasis = \"paid\"\npaid = \"{}\"\ncosts = \"{}\"\nsurplus = \"{}\"\nfamilies = {}\ndigest = \"{}\"\n",
            o.term,
            o.paid,
            o.costs,
            o.surplus,
            o.families.len(),
            o.digest
        );
        let mut csv = "pupil_id,paid,share,refund\n".to_owned();
        for fam in &o.families {
            csv.push_str(&format!("{},{},{},{}\n", fam.pupil_id, fam.paid, fam.share, fam.refund));
        }
        f.set("settlements/2026-autumn.toml", &toml)
            .set("settlements/2026-autumn.csv", &csv)
    }

    #[test]
    fn missing_after_settle_by() {
        assert!(clean().today("2027-01-15").fired(ids::SETTLEMENT_MISSING).is_empty());
        assert_eq!(clean().today("2027-01-16").fired(ids::SETTLEMENT_MISSING), at("plan.toml", 43));
        assert!(
            settled(clean(), "2026-09-26")
                .today("2027-01-16")
                .fired(ids::SETTLEMENT_MISSING)
                .is_empty()
        );
    }

    #[test]
    fn late() {
        assert!(settled(clean(), "2027-01-15").fired(ids::SETTLEMENT_LATE).is_empty());
        assert_eq!(
            settled(clean(), "2027-01-16").fired(ids::SETTLEMENT_LATE),
            at("settlements/2026-autumn.toml", 2)
        );
    }

    #[test]
    fn stale_when_term_rows_change_but_not_for_payouts() {
        let f = settled(clean(), "2026-09-26");
        assert!(f.fired(ids::SETTLEMENT_STALE).is_empty());
        let g = f.append("ledger.csv", "2026-09-27,refund,100.00,P0001,,,2026-autumn,,,");
        assert!(g.fired(ids::SETTLEMENT_STALE).is_empty());
        let g = f.append("ledger.csv", "2026-09-27,expense,10,,,materials,,,,");
        let found: Vec<_> = g.findings().into_iter().filter(|x| x.rule == ids::SETTLEMENT_STALE).collect();
        assert_eq!(found.len(), 1);
        assert!(found[0].message.en.contains("costs 420.50 → 430.50"), "{}", found[0].message.en);
    }

    #[test]
    fn refund_mismatch_after_the_refund_deadline() {
        // P = 840, C = 420.50, S = 419.50: 139.83 + 139.83 + 139.84 → 139.84 to P0001 (ties to the smaller id).
        let f = settled(clean(), "2026-09-26");
        let csv = f.records().settlements[0]
            .rows
            .iter()
            .map(|r| r.refund.to_string())
            .collect::<Vec<_>>();
        assert_eq!(csv, ["139.84", "139.83", "139.83"]);
        assert!(f.clone().today("2026-10-11").fired(ids::SETTLEMENT_REFUND_MISMATCH).is_empty());
        let f = f.today("2026-10-12");
        assert_eq!(f.fired(ids::SETTLEMENT_REFUND_MISMATCH).len(), 3);
        let f = f
            .append("ledger.csv", "2026-09-28,refund,139.84,P0001,,,2026-autumn,,,")
            .append("ledger.csv", "2026-09-28,refund,139.83,P0002,,,2026-autumn,,,")
            .append("ledger.csv", "2026-09-28,refund,139.00,P0003,,,2026-autumn,,,");
        assert_eq!(f.fired(ids::SETTLEMENT_REFUND_MISMATCH), at("settlements/2026-autumn.csv", 4));
    }
}
