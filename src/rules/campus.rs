//! campus/venue-cost: the school provides venues, water and electricity free (一(二), 三(二)).

use super::{Context, Declared, Rule};
use crate::findings::{Finding, Msg};
use crate::records::{Kind, ledger};

rule! {
    VenueCost: "campus" / "venue-cost", Error, reads PLAN | LEDGER by pupil, "一(二)、三(二)",
    "场地、水电由学校免费提供，不能由家长分担：删去这笔支出，或请学校承担",
    "the school provides venues, water and electricity free; families must not pay for them: remove the expense, or have the school bear it",
}

impl Rule for VenueCost {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        let words: Vec<String> = p
            .forbidden_categories
            .iter()
            .map(|w| w.to_lowercase())
            .filter(|w| !w.is_empty())
            .collect();
        for e in cx.entries_with_contract_or_category().filter(|e| e.kind == Kind::Expense) {
            let Some(cat) = e.category() else { continue };
            let lower = cat.to_lowercase();
            if let Some(w) = words.iter().find(|w| lower.contains(w.as_str())) {
                out.push(self.finding(
                    ledger::FILE,
                    e.line,
                    Msg::new(
                        format!("支出类别“{cat}”属于场地或水电费用（{w}），应由学校免费提供"),
                        format!("the expense category “{cat}” is venue or utilities ({w}), which the school provides free"),
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
    fn venue_costs_in_either_language_and_any_case() {
        assert!(clean().fired(VenueCost::ID).is_empty());
        let f = clean()
            .append("ledger.csv", "2026-09-20,expense,50,,,Electricity bill,,,,")
            .append("ledger.csv", "2026-09-20,expense,50,,,水电费,,,,");
        assert_eq!(f.fired(VenueCost::ID), vec![("ledger.csv".into(), 7), ("ledger.csv".into(), 8)]);
    }

    #[test]
    fn the_plan_replaces_the_list() {
        let f = clean()
            .append("plan.toml", "\n[rules]\nforbidden_categories = [\"snacks\"]")
            .append("ledger.csv", "2026-09-20,expense,50,,,rent,,,,")
            .append("ledger.csv", "2026-09-20,expense,5,,,Snacks,,,,");
        assert_eq!(f.fired(VenueCost::ID), at("ledger.csv", 8));
    }
}
