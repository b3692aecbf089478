//! settlement/*: each term is settled before it ends and the surplus refunded (三(三)).

use super::{Context, Declared, Rule};
use crate::domain::deadlines::{refund_due, settled_late, settlement_overdue};
use crate::domain::digest::digest;
use crate::domain::payouts::{PaidOut, paid_out};
use crate::domain::settle::{covered_rows, totals};
use crate::findings::{Finding, Msg};
use crate::records::{Money, ledger, plan};

rule! {
    Missing: "settlement" / "missing", Error, reads PLAN | SETTLEMENTS, "三(三)",
    "学期结束前结算并退还结余：运行 care settle --term 学期id --record",
    "settle the term before it ends and refund the surplus: run care settle --term TERM --record",
}

impl Rule for Missing {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        for t in p.terms.iter().filter(|t| {
            settlement_overdue(t, cx.today) && cx.records.settlement(&t.id).is_none() && !cx.records.unread_settlements.contains(&t.id)
        }) {
            out.push(self.finding(
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

rule! {
    Late: "settlement" / "late", Warning, reads PLAN | SETTLEMENTS, "三(三)",
    "以后请在 settle_by 之前结算；这次的结算仍然有效",
    "settle before settle_by next time; this settlement still stands",
}

impl Rule for Late {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        for s in cx.in_question(self.meta(), &cx.records.settlements, |s| &s.file) {
            let Some(t) = p.terms.iter().find(|t| t.id == s.term.v) else {
                continue;
            };
            if settled_late(t, s.settled_on.v) {
                out.push(self.finding(
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

rule! {
    Stale: "settlement" / "stale", Error, reads PLAN | SETTLED_TERMS | SETTLEMENTS by file, "三(三)、四(一)",
    "已结算学期的收支不能再改：撤销这次修改；确需重新结算请删除 settlements/ 下该学期的文件后再运行 care settle",
    "a settled term's rows must not change: undo the edit; to settle again, delete the term's files under settlements/ and run care settle",
}

impl Rule for Stale {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        if !cx.records.ledger_complete {
            return;
        }
        for s in &cx.records.settlements {
            let Some(t) = p.terms.iter().find(|t| t.id == s.term.v) else {
                continue;
            };
            let rows = covered_rows(cx.entries(), t, s.settled_on.v);
            let now = digest(rows.iter().copied());
            if crate::domain::digest::agrees(&s.digest.v, &now, || rows.iter().copied()) {
                continue;
            }
            let t_now = totals(&rows);
            let (paid, costs) = (t_now.paid, t_now.costs);
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
            out.push(self.finding(
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

rule! {
    RefundMismatch: "settlement" / "refund-mismatch", Error, reads PLAN | LEDGER | SETTLEMENTS by pupil, "三(三)",
    "按结算表退还每个家庭的结余：用 care ledger add refund --period 学期id 记下实际退款（欠费家庭用 fee 记下补交）",
    "pay each family its settlement refund: record it with care ledger add refund --period TERM (a family that owed records its payment as a fee)",
}

impl Rule for RefundMismatch {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        // A payout in a row that could not be read would change what each family got.
        if !cx.records.ledger_complete {
            return;
        }
        // A family missing from an unreadable settlement table is not a family left out.
        for s in cx.records.settlements.iter().filter(|s| s.rows_complete) {
            let Some(t) = p.terms.iter().find(|t| t.id == s.term.v) else {
                continue;
            };
            let due = refund_due(&p.deadlines, s.settled_on.v);
            if cx.today <= due {
                continue;
            }
            let mut paid = paid_out(&cx.records.entries, t, s.settled_on.v);
            for row in &s.rows {
                let got = paid.remove(row.pupil_id.as_str()).map_or(Money::ZERO, |x| x.amount);
                if got != row.refund {
                    out.push(self.finding(
                        &s.csv_file,
                        row.line,
                        Msg::new(
                            format!("{} 应退 {} 元，截至 {due} 实际退了 {got} 元", row.pupil_id, row.refund),
                            format!("{} was due a refund of {} by {due} and was paid {got}", row.pupil_id, row.refund),
                        ),
                    ));
                }
            }
            for (
                pupil,
                PaidOut {
                    amount: got,
                    first_line: line,
                    ..
                },
            ) in paid
            {
                out.push(self.finding(
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
        let o = settle(
            p,
            &p.terms[0],
            RefundBasis::Paid,
            parse_date(on).unwrap(),
            &r.entries,
            &r.pupils,
            &r.leave,
        )
        .unwrap();
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
        assert!(clean().today("2027-01-15").fired(Missing::ID).is_empty());
        assert_eq!(clean().today("2027-01-16").fired(Missing::ID), at("plan.toml", 43));
        assert!(settled(clean(), "2026-09-26").today("2027-01-16").fired(Missing::ID).is_empty());
    }

    #[test]
    fn late() {
        assert!(settled(clean(), "2027-01-15").fired(Late::ID).is_empty());
        assert_eq!(
            settled(clean(), "2027-01-16").fired(Late::ID),
            at("settlements/2026-autumn.toml", 2)
        );
    }

    #[test]
    fn stale_when_term_rows_change_but_not_for_payouts() {
        let f = settled(clean(), "2026-09-26");
        assert!(f.fired(Stale::ID).is_empty());
        let g = f.append("ledger.csv", "2026-09-27,refund,100.00,P0001,,,2026-autumn,,,");
        assert!(g.fired(Stale::ID).is_empty());
        let g = f.append("ledger.csv", "2026-09-27,expense,10,,,materials,,,,");
        let found: Vec<_> = g.findings().into_iter().filter(|x| x.rule == Stale::ID).collect();
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
        assert!(f.clone().today("2026-10-11").fired(RefundMismatch::ID).is_empty());
        let f = f.today("2026-10-12");
        assert_eq!(f.fired(RefundMismatch::ID).len(), 3);
        let f = f
            .append("ledger.csv", "2026-09-28,refund,139.84,P0001,,,2026-autumn,,,")
            .append("ledger.csv", "2026-09-28,refund,139.83,P0002,,,2026-autumn,,,")
            .append("ledger.csv", "2026-09-28,refund,139.00,P0003,,,2026-autumn,,,");
        assert_eq!(f.fired(RefundMismatch::ID), at("settlements/2026-autumn.csv", 4));
    }
}
