//! disclosure/*: every month's money is closed and disclosed to parents (三(三), 三(四): 每月公开).

use rayon::prelude::*;

use super::{Context, Declared, Rule};
use crate::domain::deadlines::{close_by, close_overdue, months_to_close};
use crate::domain::digest::agrees;
use crate::findings::{Finding, Msg};
use crate::records::{Money, ledger, plan};

rule! {
    MonthNotClosed: "disclosure" / "month-not-closed", Error, reads PLAN | LEDGER | CLOSES by pupil, "三(三)、四(一)",
    "每月结账并向家长公示：运行 care ledger close --month YYYY-MM",
    "close and disclose every month: run care ledger close --month YYYY-MM",
}

impl Rule for MonthNotClosed {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        for m in months_to_close(Some(p), cx.months().iter().copied()) {
            let due = close_by(&p.deadlines, m);
            if !close_overdue(&p.deadlines, m, cx.today) || cx.records.close(m).is_some() || cx.records.close_unread(m) {
                continue;
            }
            let (file, line) = match cx.month_entries(m).map(|e| e.line).min() {
                Some(line) => (ledger::FILE, line),
                None => (
                    plan::FILE,
                    p.terms.iter().find(|t| m.overlaps(t.starts, t.ends)).map_or(1, |t| t.line),
                ),
            };
            out.push(self.finding(
                file,
                line,
                Msg::new(
                    format!("{m} 月应在 {due} 前结账公示，但还没有结账"),
                    format!("month {m} was due to be closed and disclosed by {due} and is not closed"),
                ),
            ));
        }
    }
}

rule! {
    ClosedMonthChanged: "disclosure" / "closed-month-changed", Error, reads CLOSED_MONTHS | CLOSES by file, "三(三)、四(一)",
    "已公示月份的账不能再改：撤销这次修改（git checkout ledger.csv），更正请记在当前月份；确需重开请用 care ledger reopen",
    "a disclosed month's rows must not change: undo the edit (git checkout ledger.csv) and record corrections in the current month; to redo the month, use care ledger reopen",
}

impl Rule for ClosedMonthChanged {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        if !cx.records.ledger_complete {
            return;
        }
        // The months' digests as tasks that the other core takes once it has run out of rules
        // (a district's two closed months take 130 ms, the longest rule of a check).
        let closes: Vec<_> = cx.in_question(self.meta(), &cx.records.closes, |c| &c.file).collect();
        let totals: Vec<_> = closes.par_iter().map(|c| cx.month_totals(c.month)).collect();
        for (c, now) in closes.into_iter().zip(totals) {
            let moved = now.changes_from(c);
            let msg = if !agrees(&c.digest.v, &now.digest, || cx.month_entries(c.month)) {
                if moved.is_empty() {
                    Msg::new(
                        format!("已结账的 {} 月有记录被修改（合计未变）", c.month),
                        format!("a row of closed month {} was edited (the totals did not move)", c.month),
                    )
                } else {
                    Msg::new(
                        format!("已结账的 {} 月的账变了：{}", c.month, moved.join("，")),
                        format!("closed month {} changed: {}", c.month, moved.join(", ")),
                    )
                }
            } else if !moved.is_empty() || now.closing(c.opening.v) != c.closing.v {
                let closing = now.closing(c.opening.v);
                Msg::new(
                    format!("{} 的合计与账目不符：{}（按账目应结余 {closing}）", c.file, moved.join("，")),
                    format!(
                        "{}'s totals do not match its rows: {} (the rows give a closing balance of {closing})",
                        c.file,
                        moved.join(", ")
                    ),
                )
            } else {
                continue;
            };
            out.push(self.finding(&c.file, c.digest.line, msg));
        }
    }
}

rule! {
    CloseOrder: "disclosure" / "close-order", Error, reads LEDGER | CLOSES by pupil, "三(三)",
    "按月份顺序结账，每月的期初余额等于上月的期末余额：先结更早的月份，或重开后重新结账",
    "close months in order, each opening with the previous closing balance: close the earlier month first, or reopen and close again",
}

impl Rule for CloseOrder {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let closes = &cx.records.closes;
        for (i, c) in closes.iter().enumerate() {
            if let Some(open) = cx
                .months()
                .iter()
                .filter(|m| **m < c.month && cx.records.close(**m).is_none() && !cx.records.close_unread(**m))
                .min()
            {
                out.push(self.finding(
                    &c.file,
                    c.line,
                    Msg::new(
                        format!("{} 月已结账，但更早的 {open} 月有收支还没结账", c.month),
                        format!("month {} is closed while the earlier month {open}, which has rows, is not", c.month),
                    ),
                ));
            }
            let expected = if i == 0 { Money::ZERO } else { closes[i - 1].closing.v };
            // With an unreadable close in between, the previous closing balance is unknown.
            let previous = i.checked_sub(1).map(|j| closes[j].month);
            let gap = cx
                .records
                .unread_closes
                .iter()
                .any(|u| u.is_none_or(|u| u < c.month && previous.is_none_or(|p| p < u)));
            if c.opening.v != expected && !gap {
                let prev = if i == 0 {
                    "0".to_owned()
                } else {
                    format!("{} ({})", expected, closes[i - 1].month)
                };
                out.push(self.finding(
                    &c.file,
                    c.opening.line,
                    Msg::new(
                        format!("{} 月的期初余额 {} 不等于上次结账的期末余额 {prev}", c.month, c.opening.v),
                        format!(
                            "month {}'s opening balance {} is not the previous closing balance {prev}",
                            c.month, c.opening.v
                        ),
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::context::fixture::{at, clean};
    use super::*;
    use crate::domain::close::MonthTotals;
    use crate::records::Month;

    const SEPT: &str = "2026-09";

    fn close_text(f: &super::super::context::fixture::Fixture, month: &str, opening: &str) -> String {
        let r = f.records();
        let m = Month::parse(month).unwrap();
        let t = MonthTotals::of(m, &r.entries);
        let opening = Money::parse(opening).unwrap();
        format!(
            "month = \"{month}\"\nclosed_on = 2026-10-02\nopening = \"{opening}\"\nfees = \"{}\"\nrefunds = \"{}\"\npay = \"{}\"\nexpenses = \"{}\"\nclosing = \"{}\"\nrows = {}\ndigest = \"{}\"\n",
            t.fees,
            t.refunds,
            t.pay,
            t.expenses,
            t.closing(opening),
            t.rows,
            t.digest
        )
    }

    #[test]
    fn month_not_closed_after_the_deadline_only() {
        assert!(clean().today("2026-10-10").fired(MonthNotClosed::ID).is_empty());
        assert_eq!(clean().today("2026-10-11").fired(MonthNotClosed::ID), at("ledger.csv", 2));
        let f = clean().today("2026-10-11");
        let f = f.set("closes/2026-09.toml", &close_text(&f, SEPT, "0"));
        assert!(f.fired(MonthNotClosed::ID).is_empty());
        // An empty month of the term must be closed too.
        assert_eq!(f.today("2026-11-11").fired(MonthNotClosed::ID), at("plan.toml", 38));
    }

    #[test]
    fn closed_month_changed_names_the_totals() {
        let f = clean();
        let f = f.set("closes/2026-09.toml", &close_text(&f, SEPT, "0"));
        assert!(f.fired(ClosedMonthChanged::ID).is_empty());
        let g = f.replace("ledger.csv", "120.50", "120.51");
        let found: Vec<_> = g.findings().into_iter().filter(|x| x.rule == ClosedMonthChanged::ID).collect();
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].file.as_str(), found[0].line), ("closes/2026-09.toml", 10));
        assert!(found[0].message.en.contains("expenses 120.50 → 120.51"), "{}", found[0].message.en);
        let g = f.append("ledger.csv", "2026-09-20,expense,1,,,materials,,,,");
        assert!(g.findings().iter().any(|x| x.message.en.contains("rows 5 → 6")));
        // Reordering rows and respelling money does not trip it.
        let g = f.replace("ledger.csv", "280.00,P0001", "280,P0001");
        assert!(g.fired(ClosedMonthChanged::ID).is_empty());
    }

    #[test]
    fn close_order() {
        let f = clean().append("ledger.csv", "2026-10-09,expense,10,,,materials,,,,");
        let oct = close_text(&f, "2026-10", "0");
        let f2 = f.set("closes/2026-10.toml", &oct);
        assert_eq!(f2.fired(CloseOrder::ID), at("closes/2026-10.toml", 1));
        let f3 = f
            .set("closes/2026-09.toml", &close_text(&f, SEPT, "0"))
            .set("closes/2026-10.toml", &oct);
        assert_eq!(f3.fired(CloseOrder::ID), at("closes/2026-10.toml", 3));
    }
}
