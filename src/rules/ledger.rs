//! ledger/*: every row belongs to a term, and periods name a month or a term.

use super::{Context, Declared, Rule};
use crate::domain::calendar::Period as P;
use crate::findings::{Finding, Msg};
use crate::records::{Kind, ledger};

rule! {
    NoTerm: "ledger" / "no-term", Error, "三(三)",
    "每笔收支都属于一个学期：检查日期和 period，或在 plan.toml 中补上这个学期",
    "every row belongs to a term: check the date and period, or add the term to plan.toml",
}

impl Rule for NoTerm {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        // Without a plan, or with a term that could not be read, a row's term is unknown.
        if cx.plan().is_none_or(|p| p.unread.terms) {
            return;
        }
        for (e, t) in cx.entries() {
            if t.is_none() {
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
}

rule! {
    Period: "ledger" / "period", Error, "三(三)",
    "period 写成学期内的月份（如 2026-09）或学期 id（如 2026-autumn）",
    "write period as a month of a term (e.g. 2026-09) or a term id (e.g. 2026-autumn)",
}

impl Rule for Period {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        if cx.plan().is_none_or(|p| p.unread.terms) {
            return;
        }
        for row in cx.rows().filter(|r| matches!(r.entry.kind, Kind::Fee | Kind::Refund)) {
            let Some(text) = row.entry.period.as_deref() else { continue };
            let msg = match row.period {
                None => Msg::new(
                    format!("period“{text}”既不是月份也不是学期 id"),
                    format!("period “{text}” is neither a month nor a term id"),
                ),
                Some(P::Month(m)) if !cx.in_a_term(m) => Msg::new(
                    format!("period {m} 不在任何学期之内"),
                    format!("period {m} is not a month of any term"),
                ),
                Some(_) => continue,
            };
            out.push(self.finding(ledger::FILE, row.entry.line, msg));
        }
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
}
