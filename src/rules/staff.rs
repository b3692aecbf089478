//! staff/*: staff are hired by the committee under signed agreements, after checks (二(五), 四(二)).

use super::{Context, Declared, Rule};
use crate::domain::deadlines::last_pay_day;
use crate::findings::{Finding, Msg};
use crate::records::{Kind, contracts, ledger};

rule! {
    Unsigned: "staff" / "unsigned", Error, reads CONTRACTS, "二(五)、三(四)",
    "先签聘用协议再上岗：改正 signed_on 或 starts",
    "sign the hiring agreement before work starts: correct signed_on or starts",
}

impl Rule for Unsigned {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for c in cx.records.contracts.iter().filter(|c| c.starts < c.signed_on) {
            out.push(self.finding(
                contracts::FILE,
                c.line,
                Msg::new(
                    format!("{}（{}）{} 上岗，但聘用协议 {} 才签", c.id, c.name, c.starts, c.signed_on),
                    format!(
                        "{} ({}) starts on {} but the agreement was signed on {}",
                        c.id, c.name, c.starts, c.signed_on
                    ),
                ),
            ));
        }
    }
}

rule! {
    Unqualified: "staff" / "unqualified", Error, reads CONTRACTS, "二(五)、三(四)",
    "家委会须在上岗前审核服务人员条件：在 qualified_on 填写审核日期（不晚于 starts）",
    "the committee reviews qualifications before work starts: set qualified_on to that date, on or before starts",
}

impl Rule for Unqualified {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for c in &cx.records.contracts {
            let msg = match c.qualified_on {
                None => Msg::new(
                    format!("{}（{}）没有资格审核记录", c.id, c.name),
                    format!("{} ({}) has no qualification review", c.id, c.name),
                ),
                Some(q) if q > c.starts => Msg::new(
                    format!("{}（{}）{} 上岗，资格审核 {q} 才做", c.id, c.name, c.starts),
                    format!(
                        "{} ({}) starts on {} but qualifications were reviewed on {q}",
                        c.id, c.name, c.starts
                    ),
                ),
                Some(_) => continue,
            };
            out.push(self.finding(contracts::FILE, c.line, msg));
        }
    }
}

rule! {
    NoBackgroundCheck: "staff" / "no-background-check", Error, reads CONTRACTS, "四(二)",
    "外聘人员（家长、社会专业人员）进校前须做背景调查：在 background_on 填写日期（不晚于 starts）",
    "outside staff (parents, professionals) need a background check before they start: set background_on, on or before starts",
}

impl Rule for NoBackgroundCheck {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for c in cx.records.contracts.iter().filter(|c| c.kind.needs_background_check()) {
            let msg = match c.background_on {
                None => Msg::new(
                    format!("{}（{}）没有背景调查记录", c.id, c.name),
                    format!("{} ({}) has no background check", c.id, c.name),
                ),
                Some(b) if b > c.starts => Msg::new(
                    format!("{}（{}）{} 上岗，背景调查 {b} 才做", c.id, c.name, c.starts),
                    format!(
                        "{} ({}) starts on {} but the background check was done on {b}",
                        c.id, c.name, c.starts
                    ),
                ),
                Some(_) => continue,
            };
            out.push(self.finding(contracts::FILE, c.line, msg));
        }
    }
}

rule! {
    PayOutsideContract: "staff" / "pay-outside-contract", Error, reads LEDGER | CONTRACTS by pupil, "二(五)、四(三)",
    "劳务费只能在聘用期内（或期满后 31 天内结清）支付：检查日期和协议编号",
    "pay falls within the contract's period (or the 31 days after it ends, for the last pay): check the date and the contract id",
}

impl Rule for PayOutsideContract {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for e in cx.entries_with_contract_or_category().filter(|e| e.kind == Kind::Pay) {
            let Some(c) = e.contract_id().map(|s| s.as_str()).and_then(|id| cx.contracts.get(id)) else {
                continue;
            };
            let last = last_pay_day(c);
            if e.date < c.starts || e.date > last {
                out.push(self.finding(
                    ledger::FILE,
                    e.line,
                    Msg::new(
                        format!("向 {} 支付的日期 {} 不在聘用期 {}～{} 之内", c.id, e.date, c.starts, c.ends),
                        format!(
                            "pay to {} on {} is outside the contract's period, {} to {}",
                            c.id, e.date, c.starts, c.ends
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

    #[test]
    fn unsigned() {
        let f = clean().replace(
            "contracts.csv",
            "C002,孙家长,parent,体育,2026-08-25",
            "C002,孙家长,parent,体育,2026-09-02",
        );
        assert_eq!(f.fired(Unsigned::ID), at("contracts.csv", 3));
    }

    #[test]
    fn unqualified() {
        let f = clean().replace("contracts.csv", "2027-01-22,2026-08-24,,60.00", "2027-01-22,,,60.00");
        assert_eq!(f.fired(Unqualified::ID), at("contracts.csv", 2));
    }

    #[test]
    fn background_check_for_outsiders_only() {
        let f = clean().replace("contracts.csv", "2026-08-24,2026-08-22,80.00", "2026-08-24,2026-09-05,80.00");
        assert_eq!(f.fired(NoBackgroundCheck::ID), at("contracts.csv", 4));
        let f = clean().replace("contracts.csv", "2026-08-24,2026-08-20,40.00", "2026-08-24,,40.00");
        assert_eq!(f.fired(NoBackgroundCheck::ID), at("contracts.csv", 3));
    }

    #[test]
    fn pay_outside_with_grace() {
        let f = clean()
            .append("ledger.csv", "2027-02-22,pay,300.00,,C001,,,,,")
            .append("ledger.csv", "2027-02-23,pay,300.00,,C001,,,,,");
        assert_eq!(f.fired(PayOutsideContract::ID), at("ledger.csv", 8));
    }
}
