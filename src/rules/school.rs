//! school/*: under model `school` the school itself takes the fees, through its finance office
//! (教基厅函〔2023〕26号: fees may not be collected through a parents' committee or a third party).

use super::context::Row;
use super::each_row::EachRow;
use super::{Context, Declared};
use crate::findings::{Finding, Msg};
use crate::records::plan::{Model, School};
use crate::records::{Kind, ledger};

rule! {
    Collector: "school" / "collector", Error, reads PLAN | LEDGER by pupil, "教基厅函〔2023〕26号",
    "学校收费只能由学校财务人员收取：在 collected_by 填写收款的财务人员，或把此人加入 plan.toml 的 [school] finance",
    "the school's fees are taken by its finance office: name the finance clerk in collected_by, or add the person to [school] finance in plan.toml",
}

by_row!(Collector);

impl EachRow for Collector {
    type Before<'c> = &'c School;

    fn before<'c>(&'c self, cx: &'c Context<'_>, _: &mut Vec<Finding>) -> Option<&'c School> {
        cx.plan().filter(|p| p.policy.model == Model::School).map(|p| &p.school)
    }

    fn row(&self, _: &Context<'_>, school: &&School, row: &Row<'_>, out: &mut Vec<Finding>) {
        let e = row.entry;
        if e.kind != Kind::Fee {
            return;
        }
        let msg = match e.collected_by.as_deref() {
            None => Msg::new(
                "这笔收费没有填写收款人 collected_by（应为学校财务人员）",
                "this fee does not say who took it (collected_by; someone of the school's finance office)",
            ),
            Some(who) if !school.is_finance(who) => Msg::new(
                format!("收款人“{who}”不是学校财务人员（[school] finance）"),
                format!("the fee was taken by “{who}”, who is not in the school's finance office ([school] finance)"),
            ),
            Some(_) => return,
        };
        out.push(self.finding(ledger::FILE, e.line, msg));
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::context::fixture::{at, clean};
    use super::*;

    /// The clean fixture as a school that collects its own fees: no committee, the finance
    /// office takes the fees, the standard is approved and the term is settled on the standard.
    pub(crate) fn school_model() -> super::super::context::fixture::Fixture {
        clean()
            .replace("plan.toml", "[school]\n", "[policy]\nmodel = \"school\"\n\n[school]\n")
            .replace("plan.toml", "principal = \"王建国\"\n", "principal = \"王建国\"\nfinance = [\"周强\", \"陈静\"]\n")
            .replace(
                "plan.toml",
                "[committee]\nestablished_on = 2026-06-20\nchair = \"陈静\"\ntreasurer = \"周强\"\nmembers = [\"陈静\", \"周强\", \"吴芳\"]\n",
                "",
            )
            .replace("plan.toml", "refund_basis = \"paid\"", "refund_basis = \"standard\"\napproval = \"X价〔2026〕12号\"")
    }

    #[test]
    fn the_school_model_without_a_committee_is_clean() {
        assert_eq!(school_model().findings(), vec![]);
    }

    #[test]
    fn a_fee_taken_by_anyone_else_is_reported_at_its_line() {
        let f = school_model().replace("ledger.csv", "陈静,R003", "王五,R003");
        assert_eq!(f.fired(Collector::ID), at("ledger.csv", 4));
        let f = school_model().replace("ledger.csv", "陈静,R003", ",R003");
        assert_eq!(f.fired(Collector::ID), at("ledger.csv", 4));
        // Under the committee model it is the committee's rule that speaks.
        assert!(
            clean()
                .replace("ledger.csv", "陈静,R003", "王五,R003")
                .fired(Collector::ID)
                .is_empty()
        );
    }
}
