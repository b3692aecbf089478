//! committee/*: fees are set and collected by the parents' committee (一(三), 二(二), 三(三)).
//! They apply under model `committee` only: under model `school` the school's finance office
//! takes the fees (`school/collector`).

use super::context::Row;
use super::each_row::EachRow;
use super::{Context, Declared, Rule};
use crate::findings::{Finding, Msg};
use crate::records::plan::{Committee, Model, Plan};
use crate::records::{Kind, Short, ledger, plan};

/// The plan, when the committee runs the money.
fn committee_model<'a>(cx: &Context<'a>) -> Option<&'a Plan> {
    cx.plan().filter(|p| p.policy.model == Model::Committee)
}

rule! {
    Missing: "committee" / "missing", Error, reads PLAN | LEDGER by pupil, "一(三)、二(二)",
    "在 plan.toml 中加上 [committee]：成立日期、主任、财务和成员",
    "add [committee] to plan.toml: the date it was established, its chair, treasurer and members",
}

impl Rule for Missing {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        // Without a committee only: counting a district's fees takes a pass over every row.
        if committee_model(cx).is_none_or(|p| p.unread.committee || p.committee.is_some()) {
            return;
        }
        let fees = cx.records.entries.iter().filter(|e| e.kind == Kind::Fee).count();
        if fees > 0 {
            out.push(self.finding(
                plan::FILE,
                1,
                Msg::new(
                    format!("账上有 {fees} 笔收费，但 plan.toml 没有家长委员会"),
                    format!("the ledger has {fees} fees but plan.toml has no parents' committee"),
                ),
            ));
        }
    }
}

rule! {
    FeeBeforeCommittee: "committee" / "fee-before-committee", Error, reads PLAN | LEDGER by pupil, "一(三)、二(三)",
    "收费只能在家委会成立并商定收费标准之后：检查收费日期和 plan.toml 中的 established_on、decided_on",
    "fees come only after the committee exists and has decided the standard: check the fee's date and established_on, decided_on in plan.toml",
}

by_row!(FeeBeforeCommittee);

impl EachRow for FeeBeforeCommittee {
    type Before<'c> = &'c Plan;

    fn before<'c>(&'c self, cx: &'c Context<'_>, _: &mut Vec<Finding>) -> Option<&'c Plan> {
        committee_model(cx)
    }

    fn row(&self, _: &Context<'_>, p: &&Plan, row: &Row<'_>, out: &mut Vec<Finding>) {
        let e = row.entry;
        if e.kind != Kind::Fee {
            return;
        }
        let msg = if let Some(c) = p.committee.as_ref().filter(|c| e.date < c.established_on.v) {
            Msg::new(
                format!("收费日期 {} 早于家委会成立的 {}", e.date, c.established_on.v),
                format!(
                    "a fee dated {}, before the committee was established on {}",
                    e.date, c.established_on.v
                ),
            )
        } else if let Some(f) = p.fees.as_ref().filter(|f| e.date < f.decided_on.v) {
            Msg::new(
                format!("收费日期 {} 早于收费标准商定的 {}", e.date, f.decided_on.v),
                format!("a fee dated {}, before the fee standard was decided on {}", e.date, f.decided_on.v),
            )
        } else {
            return;
        };
        out.push(self.finding(ledger::FILE, e.line, msg));
    }
}

rule! {
    Collector: "committee" / "collector", Error, reads PLAN | LEDGER by pupil, "一(三)、三(三)",
    "收费由家委会成员收取：在 collected_by 填写收款的家委会成员，或把此人加入 [committee] members",
    "fees are collected by committee members: name the member in collected_by, or add the person to [committee] members",
}

by_row!(Collector);

impl EachRow for Collector {
    /// The committee, and its members as a row holds its text: a district's 600,000 fees'
    /// collectors compared without reading each as text again (an unlisted name is then asked
    /// in full).
    type Before<'c> = (&'c Committee, Vec<Short>);

    fn before<'c>(&'c self, cx: &'c Context<'_>, _: &mut Vec<Finding>) -> Option<Self::Before<'c>> {
        let c = committee_model(cx)
            .filter(|p| !p.unread.committee)
            .and_then(|p| p.committee.as_ref())?;
        let members = [&c.chair, &c.treasurer]
            .into_iter()
            .chain(&c.members)
            .filter(|m| !m.is_empty())
            .map(|m| Short::new(m))
            .collect();
        Some((c, members))
    }

    fn row(&self, _: &Context<'_>, (c, members): &Self::Before<'_>, row: &Row<'_>, out: &mut Vec<Finding>) {
        let e = row.entry;
        if e.kind != Kind::Fee || e.collected_by.as_ref().is_some_and(|who| members.contains(who)) {
            return;
        }
        let msg = match e.collected_by.as_deref() {
            None => Msg::new(
                "这笔收费没有填写收款人 collected_by",
                "this fee does not say who collected it (collected_by)",
            ),
            Some(who) if !c.is_member(who) => Msg::new(
                format!("收款人“{who}”不是家委会成员"),
                format!("the fee was collected by “{who}”, who is not a committee member"),
            ),
            Some(_) => return,
        };
        out.push(self.finding(ledger::FILE, e.line, msg));
    }
}

#[cfg(test)]
mod tests {
    use super::super::context::fixture::{LEDGER, at, clean};
    use super::*;

    #[test]
    fn missing() {
        let f = clean().replace(
            "plan.toml",
            "[committee]\nestablished_on = 2026-06-20\n",
            "[committee_]\nestablished_on = 2026-06-20\n",
        );
        assert_eq!(f.fired(Missing::ID), at("plan.toml", 1));
        let header = LEDGER.lines().next().unwrap_or_default();
        let no_fees = f.set("ledger.csv", &format!("{header}\n"));
        assert!(no_fees.fired(Missing::ID).is_empty(), "no committee is needed before a fee");
    }

    #[test]
    fn fee_before_committee_or_standard() {
        let f = clean().replace("plan.toml", "established_on = 2026-06-20", "established_on = 2026-09-02");
        assert_eq!(f.fired(FeeBeforeCommittee::ID).len(), 2);
        let f = clean()
            .replace("plan.toml", "decided_on = 2026-08-15", "decided_on = 2026-09-01")
            .replace("plan.toml", "published_on = 2026-08-18", "published_on = 2026-09-01");
        assert!(f.fired(FeeBeforeCommittee::ID).is_empty());
        let f = clean().replace("plan.toml", "decided_on = 2026-08-15", "decided_on = 2026-09-02");
        assert_eq!(f.fired(FeeBeforeCommittee::ID).len(), 2);
    }

    #[test]
    fn collector() {
        let f = clean().replace("ledger.csv", "陈静,R003", "王五,R003");
        assert_eq!(f.fired(Collector::ID), at("ledger.csv", 4));
        let f = clean().replace("ledger.csv", "陈静,R003", ",R003");
        assert_eq!(f.fired(Collector::ID), at("ledger.csv", 4));
        // A member's name longer than a row holds inline, as the chair and as a member; a
        // name that only starts like it is not a member's.
        let long = "欧阳陈静娴";
        for plan in [
            ("chair = \"陈静\"", format!("chair = \"{long}\"")),
            ("\"吴芳\"]", format!("\"吴芳\", \"{long}\"]")),
        ] {
            let f = clean()
                .replace("plan.toml", plan.0, &plan.1)
                .replace("ledger.csv", "陈静,R003", &format!("{long},R003"));
            assert!(f.fired(Collector::ID).is_empty());
            let f = clean()
                .replace("plan.toml", plan.0, &plan.1)
                .replace("ledger.csv", "陈静,R003", &format!("{long}子,R003"));
            assert_eq!(f.fired(Collector::ID), at("ledger.csv", 4));
        }
    }
}
