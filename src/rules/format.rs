//! format/*: files that cannot be read, columns, ids, amounts.

use super::context::Row;
use super::each_row::EachRow;
use super::{Context, Declared, Rule};
use crate::findings::{Finding, Msg};
use crate::records::fast_hash::FastMap;
use crate::records::{Money, contracts, leave, ledger, plan, roster};

/// Loading finds these; the rule hands them on.
fn from_loading(cx: &Context, id: &str, out: &mut Vec<Finding>) {
    out.extend(cx.records.problems.iter().filter(|f| f.rule == id).cloned());
}

rule! {
    Parse: "format" / "parse", Error, reads ALL by pupil, "三(三)",
    "请按记录格式改正这一行（或从 git 恢复文件）后再运行 care check",
    "correct this line to the records format (or restore the file from git), then run care check again",
}

impl Rule for Parse {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        from_loading(cx, self.meta().id, out);
        // A roster row's term can only be read against the plan's terms.
        let Some(plan) = cx.plan() else { return };
        for p in cx.records.pupils.iter().filter(|p| plan.names_no_term(p)) {
            let term = p.term.as_deref().unwrap_or_default();
            out.push(self.finding(roster::FILE, p.line, plan.no_such_term(term)));
        }
    }
}

rule! {
    MissingColumn: "format" / "missing-column", Error, reads ALL by pupil, "三(三)",
    "在表头加上缺少的列并为每一行填写",
    "add the missing column to the header and fill it in on every row",
}

impl Rule for MissingColumn {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        from_loading(cx, self.meta().id, out);
    }
}

rule! {
    UnknownColumn: "format" / "unknown-column", Warning, reads ALL by pupil, "三(三)",
    "若是拼写错误请改正列名；自己加的列 care 会原样保留",
    "if it is a misspelling, correct the column name; a column of your own is kept untouched",
}

impl Rule for UnknownColumn {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        from_loading(cx, self.meta().id, out);
    }
}

rule! {
    DuplicateId: "format" / "duplicate-id", Error, reads ROSTER | PLAN | CONTRACTS | LEAVE, "二(四)",
    "每个编号在文件中只能出现一次：给重复的一行换一个新编号，或删去重复录入的行",
    "an id may appear once in its file: give the repeated row a new id, or delete a row entered twice",
}

impl Rule for DuplicateId {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let r = cx.records;
        // The roster's key is (pupil_id, term): one application per term (SPEC §3).
        let mut first: FastMap<(&str, Option<&str>), usize> = FastMap::with_capacity_and_hasher(r.pupils.len(), Default::default());
        for (i, p) in r.pupils.iter().enumerate() {
            if cx.plan().is_some_and(|plan| plan.names_no_term(p)) {
                continue;
            }
            let term = cx.term_of_pupil(i).map(|t| t.id.as_str());
            match first.get(&(p.id.as_str(), term)) {
                Some(&was) => out.push(self.finding(
                    roster::FILE,
                    p.line,
                    match term {
                        Some(t) => Msg::new(
                            format!("学生编号 {} 在学期 {t} 重复，第 {was} 行已用过（每个学期一行申请）", p.id),
                            format!(
                                "pupil id {} repeats for term {t}; line {was} already uses it (one application a term)",
                                p.id
                            ),
                        ),
                        None => Msg::new(
                            format!("学生编号 {} 重复，第 {was} 行已用过", p.id),
                            format!("pupil id {} repeats; line {was} already uses it", p.id),
                        ),
                    },
                )),
                None => {
                    first.insert((p.id.as_str(), term), p.line);
                }
            }
        }
        let mut report = |file: &str, items: Vec<(&str, usize)>, what: (&str, &str)| {
            let mut first: FastMap<&str, usize> = FastMap::with_capacity_and_hasher(items.len(), Default::default());
            for (id, line) in items {
                if let Some(&was) = first.get(id) {
                    out.push(self.finding(
                        file,
                        line,
                        Msg::new(
                            format!("{}编号 {id} 重复，第 {was} 行已用过", what.0),
                            format!("{} id {id} repeats; line {was} already uses it", what.1),
                        ),
                    ));
                } else {
                    first.insert(id, line);
                }
            }
        };
        report(
            contracts::FILE,
            r.contracts.iter().map(|c| (c.id.as_str(), c.line)).collect(),
            ("聘用协议", "contract"),
        );
        if let Some(plan) = cx.plan() {
            report(
                plan::FILE,
                plan.terms.iter().map(|t| (t.id.as_str(), t.line)).collect(),
                ("学期", "term"),
            );
        }
        // A pupil is away once on a day: two leaves that share a day are one entered twice, or
        // one of them is wrong.
        let mut seen: FastMap<&str, Vec<&crate::records::Leave>> = FastMap::default();
        for l in &r.leave {
            let earlier = seen.entry(l.pupil_id.as_str()).or_default();
            if let Some(o) = earlier.iter().find(|o| o.overlaps(l.from, l.to)) {
                out.push(self.finding(
                    leave::FILE,
                    l.line,
                    Msg::new(
                        format!(
                            "{} 的请假 {}～{} 与第 {} 行的请假 {}～{} 有重叠的日子",
                            l.pupil_id, l.from, l.to, o.line, o.from, o.to
                        ),
                        format!(
                            "{}'s leave from {} to {} shares days with the leave at line {} ({} to {})",
                            l.pupil_id, l.from, l.to, o.line, o.from, o.to
                        ),
                    ),
                ));
            }
            earlier.push(l);
        }
    }
}

rule! {
    Amount: "format" / "amount", Error, reads LEDGER | CONTRACTS | PLAN by pupil, "三(三)",
    "金额写成正数、最多两位小数（到分）；方向由 kind 表示，退费用 refund 行而不是负数",
    "write money as a positive amount with at most two decimals (fen); the direction comes from kind, so a refund is a refund row, not a negative fee",
}

/// More than two decimals. Normalising only lowers the scale: an amount written with two places
/// or fewer is fine.
fn too_fine(m: Money) -> bool {
    m.decimal().scale() > 2 && m.decimals() > 2
}

by_row!(Amount);

impl EachRow for Amount {
    type Before<'c> = ();

    fn before<'c>(&'c self, _: &'c Context<'_>, _: &mut Vec<Finding>) -> Option<()> {
        Some(())
    }

    fn row(&self, _: &Context<'_>, _: &(), row: &Row<'_>, out: &mut Vec<Finding>) {
        let e = row.entry;
        let a = e.amount;
        if !a.is_positive() {
            out.push(self.finding(
                ledger::FILE,
                e.line,
                Msg::new(format!("金额 {a} 必须大于零"), format!("the amount {a} must be more than zero")),
            ));
        } else if too_fine(a) {
            out.push(self.finding(
                ledger::FILE,
                e.line,
                Msg::new(
                    format!("金额 {a} 超过两位小数"),
                    format!("the amount {a} has more than two decimals"),
                ),
            ));
        }
    }

    /// A contract's rate and the fee standard.
    fn after(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for c in &cx.records.contracts {
            if let Some(rate) = c.rate.filter(|r| too_fine(*r) || r.is_negative()) {
                out.push(self.finding(
                    contracts::FILE,
                    c.line,
                    Msg::new(
                        format!("报酬 {rate} 应为最多两位小数的正数"),
                        format!("the rate {rate} must be positive with at most two decimals"),
                    ),
                ));
            }
        }
        if let Some(f) = cx.plan().and_then(|p| p.fees.as_ref()) {
            let a = f.amount.v;
            if !a.is_positive() || too_fine(a) {
                out.push(self.finding(
                    plan::FILE,
                    f.amount.line,
                    Msg::new(
                        format!("收费标准 {a} 应为最多两位小数的正数"),
                        format!("the fee standard {a} must be positive with at most two decimals"),
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::context::fixture::{at, clean, two_terms};
    use super::*;

    #[test]
    fn the_loader_stamps_the_ids_these_rules_declare() {
        use crate::findings::ids;
        assert_eq!(Parse::ID, ids::FORMAT_PARSE);
        assert_eq!(MissingColumn::ID, ids::FORMAT_MISSING_COLUMN);
        assert_eq!(UnknownColumn::ID, ids::FORMAT_UNKNOWN_COLUMN);
    }

    #[test]
    fn parse_bad_date_and_money() {
        let f = clean().replace("ledger.csv", "2026-09-10,expense,120.50", "2026-09-31,expense,12O.50");
        let found: Vec<_> = f.findings().into_iter().filter(|x| x.rule == Parse::ID).collect();
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|x| x.file == "ledger.csv" && x.line == 5));
    }

    #[test]
    fn parse_toml_float_money_says_to_quote_it() {
        let f = clean().replace("plan.toml", "amount = \"280.00\"", "amount = 280.0");
        let found: Vec<_> = f.findings().into_iter().filter(|x| x.rule == Parse::ID).collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].file.as_str(), found[0].line), ("plan.toml", 21));
        assert!(found[0].message.en.contains("float"), "{}", found[0].message.en);
    }

    #[test]
    fn missing_and_unknown_column() {
        let f = clean().replace("contracts.csv", "contract_id,name,kind,role", "contract_id,nmae,kind,role");
        assert_eq!(f.fired(MissingColumn::ID), at("contracts.csv", 1));
        assert_eq!(f.fired(UnknownColumn::ID), at("contracts.csv", 1));
    }

    #[test]
    fn unknown_keys_of_the_plan() {
        // A misspelt optional key would leave a default in its place: each is named, at its line.
        let f = clean()
            .replace("plan.toml", "close_within_days = 10", "close_within_day = 10")
            .replace("plan.toml", "holidays = [", "holiday = [");
        assert_eq!(
            f.fired(UnknownColumn::ID),
            [("plan.toml".to_owned(), 32), ("plan.toml".to_owned(), 44)]
        );
        let found = f.findings();
        let messages: Vec<&str> = found.iter().map(|f| f.message.en.as_str()).collect();
        assert!(
            messages
                .contains(&"[deadlines] “close_within_day” is not a key care knows; it is not read (did you mean “close_within_days”?)"),
            "{messages:?}"
        );
        assert!(
            messages.contains(&"[[terms]] “holiday” is not a key care knows; it is not read (did you mean “holidays”?)"),
            "{messages:?}"
        );
        let f = clean().set("plan.toml", &format!("colour = \"red\"\n{}", super::super::context::fixture::PLAN));
        assert_eq!(f.fired(UnknownColumn::ID), at("plan.toml", 1));
        assert!(f.findings().iter().all(|x| x.rule != Parse::ID));
    }

    #[test]
    fn duplicate_id() {
        let f = clean().append("roster.csv", "P0002,李四,1,1,李华,,2026-08-21,李华,,,,,");
        assert_eq!(f.fired(DuplicateId::ID), at("roster.csv", 6));
    }

    /// The roster's key is (pupil_id, term): the same pupil may apply once for each term.
    #[test]
    fn duplicate_id_is_per_term() {
        let renewal = "P0002,李想,1,1,李华,,2027-01-10,李华,,,,,,2027-spring";
        let f = two_terms().append("roster.csv", renewal);
        assert!(f.findings().is_empty(), "{:?}", f.findings());
        let f = f.append("roster.csv", renewal);
        assert_eq!(f.fired(DuplicateId::ID), at("roster.csv", 7));
        // Without a term, a row's term is that of its dates.
        let f = two_terms().append("roster.csv", "P0002,李想,1,1,李华,,2026-09-20,李华,,,,,,");
        assert_eq!(f.fired(DuplicateId::ID), at("roster.csv", 6));
        assert!(f.findings()[0].message.en.contains("for term 2026-autumn"), "{:?}", f.findings());
    }

    #[test]
    fn a_term_the_plan_lacks_is_one_finding_at_the_row() {
        let f = two_terms()
            .append(
                "roster.csv",
                "P0002,李想,1,1,李华,,2027-01-10,李华,2027-01-12,2027-01-13,2027-02-22,,,2027-sprig",
            )
            .append("roster.csv", "P0002,李想,1,1,李华,,2027-01-10,李华,,,,,,2027-sprig")
            .append("ledger.csv", "2027-03-01,fee,280.00,P0002,,,2027-03,周强,,")
            .today("2027-03-05");
        let found: Vec<_> = f
            .findings()
            .into_iter()
            .filter(|x| !["disclosure/", "settlement/", "survey/"].iter().any(|r| x.rule.starts_with(r)))
            .map(|x| (x.rule, x.line, x.message.en))
            .collect();
        let msg = "term “2027-sprig” is not a term of plan.toml; use one of: 2026-autumn, 2027-spring".to_owned();
        assert_eq!(found, vec![(Parse::ID, 6, msg.clone()), (Parse::ID, 7, msg)]);
    }

    #[test]
    fn amount_zero_negative_or_too_fine() {
        let f = clean()
            .append("ledger.csv", "2026-09-16,expense,0,,,materials,,,,")
            .append("ledger.csv", "2026-09-16,expense,-5,,,materials,,,,")
            .append("ledger.csv", "2026-09-16,expense,1.005,,,materials,,,,");
        let lines: Vec<usize> = f.fired(Amount::ID).into_iter().map(|x| x.1).collect();
        assert_eq!(lines, vec![7, 8, 9]);
    }
}
