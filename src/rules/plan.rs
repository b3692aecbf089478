//! plan/*: the leadership group, the terms, and a plan that agrees with its model.

use super::{Context, Declared, Rule};
use crate::findings::{Finding, Msg};
use rust_decimal::Decimal;

use crate::records::plan::{FILE, Model, RefundBasis};
use crate::records::roster;

rule! {
    LeadershipHead: "plan" / "leadership-head", Error, reads PLAN, "三(一)、四(一)",
    "在 plan.toml 的 [leadership] 中把 head 写成 [school] principal 中的校长",
    "in plan.toml, set [leadership] head to the principal named in [school] principal",
}

impl Rule for LeadershipHead {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(plan) = cx.plan().filter(|p| !p.unread.leadership) else {
            return;
        };
        let principal = &plan.school.principal;
        match &plan.leadership {
            None => out.push(self.finding(
                FILE,
                plan.school.line.max(1),
                Msg::new(
                    "plan.toml 没有 [leadership] 课后托管工作指导小组",
                    "plan.toml has no [leadership] group for after-school care",
                ),
            )),
            Some(l) if &l.head.v != principal => out.push(self.finding(
                FILE,
                l.head.line,
                Msg::new(
                    format!("指导小组组长是“{}”，不是校长“{principal}”", l.head.v),
                    format!(
                        "the leadership group is headed by “{}”, not by the principal “{principal}”",
                        l.head.v
                    ),
                ),
            )),
            Some(_) => {}
        }
    }
}

rule! {
    Terms: "plan" / "terms", Error, reads PLAN, "三(三)",
    "改正 plan.toml 中学期的日期：学期不能重叠，ends 不早于 starts，settle_by、holidays 和 workdays 在学期之内",
    "correct the term's dates in plan.toml: terms must not overlap, ends is not before starts, settle_by, holidays and workdays lie within the term",
}

impl Rule for Terms {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(plan) = cx.plan() else { return };
        for (i, t) in plan.terms.iter().enumerate() {
            if t.ends < t.starts {
                out.push(self.finding(
                    FILE,
                    t.line,
                    Msg::new(
                        format!("学期 {} 的结束日 {} 早于开始日 {}", t.id, t.ends, t.starts),
                        format!("term {} ends on {}, before it starts on {}", t.id, t.ends, t.starts),
                    ),
                ));
            } else if !t.contains(t.settle_by.v) {
                out.push(self.finding(
                    FILE,
                    t.settle_by.line,
                    Msg::new(
                        format!("学期 {} 的结算日 {} 不在学期 {}～{} 之内", t.id, t.settle_by.v, t.starts, t.ends),
                        format!(
                            "term {}'s settle_by {} lies outside the term, {} to {}",
                            t.id, t.settle_by.v, t.starts, t.ends
                        ),
                    ),
                ));
            }
            if t.starts <= t.ends {
                let days = [
                    ("放假日", "holiday", &t.holidays),
                    ("调休上班日", "make-up working day", &t.workdays),
                ];
                for (zh, en, list) in days {
                    for d in list.iter().filter(|d| !t.contains(d.v)) {
                        out.push(self.finding(
                            FILE,
                            d.line,
                            Msg::new(
                                format!("学期 {} 的{zh} {} 不在学期 {}～{} 之内", t.id, d.v, t.starts, t.ends),
                                format!("term {}'s {en} {} lies outside the term, {} to {}", t.id, d.v, t.starts, t.ends),
                            ),
                        ));
                    }
                }
            }
            for o in &plan.terms[..i] {
                if t.starts <= o.ends && o.starts <= t.ends {
                    out.push(self.finding(
                        FILE,
                        t.line,
                        Msg::new(
                            format!("学期 {} 与学期 {} 的日期重叠", t.id, o.id),
                            format!("term {} overlaps term {}", t.id, o.id),
                        ),
                    ));
                }
            }
        }
    }
}

rule! {
    Policy: "plan" / "policy", Error, reads PLAN | ROSTER, "一(三)、三(三)、教基厅函〔2023〕26号",
    "让 plan.toml 与收费模式一致：model 为 committee 或 school；学校收费（school）须在 [fees] approval 写明价格主管部门的批复文号，并按标准结算（refund_basis = \"standard\"）；减免比例在 0 到 100 之间",
    "make plan.toml agree with its model: model is committee or school; a school that collects its own fees names the price authority's approval in [fees] approval and settles on the standard (refund_basis = \"standard\"); a waiver is 0 to 100",
}

impl Rule for Policy {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(plan) = cx.plan() else { return };
        for u in &plan.unknown {
            out.push(self.finding(
                FILE,
                u.line,
                Msg::new(
                    format!("{}“{}”无效，应为 {}；暂按默认值读取", u.key, u.value, u.allowed.1),
                    format!("{} “{}” must be {}; it is read as the default for now", u.key, u.value, u.allowed.0),
                ),
            ));
        }
        for p in &cx.records.pupils {
            let Some(w) = p.waiver.filter(|w| *w < Decimal::ZERO || *w > Decimal::ONE_HUNDRED) else {
                continue;
            };
            out.push(self.finding(
                roster::FILE,
                p.line,
                Msg::new(
                    format!("{} 的减免比例 {w} 不在 0 到 100 之间（百分数：50 为减半，100 为全免）", p.id),
                    format!(
                        "{}'s waiver {w} is not between 0 and 100 (a percentage: 50 halves the fee, 100 waives it)",
                        p.id
                    ),
                ),
            ));
        }
        if plan.policy.model != Model::School || plan.unread.fees {
            return;
        }
        let Some(fees) = &plan.fees else { return };
        if fees.approval.as_ref().is_none_or(|a| a.v.is_empty()) {
            out.push(self.finding(
                FILE,
                fees.approval.as_ref().map_or(fees.line, |a| a.line),
                Msg::new(
                    "学校收费（model = \"school\"）的收费标准须经价格主管部门批准，但 [fees] approval 没有填写批复文号",
                    "the school collects its fees (model = \"school\"), at a standard the price authority approves, but [fees] approval does not name the approval",
                ),
            ));
        }
        if fees.refund_basis != RefundBasis::Standard {
            out.push(self.finding(
                FILE,
                fees.refund_basis_line,
                Msg::new(
                    format!(
                        "学校收费（model = \"school\"）按收费标准结算，refund_basis 应为 \"standard\"，不是 \"{}\"",
                        fees.refund_basis.as_str()
                    ),
                    format!(
                        "the school collects its fees (model = \"school\") and settles on the standard: refund_basis must be \"standard\", not \"{}\"",
                        fees.refund_basis.as_str()
                    ),
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::context::fixture::{at, clean};
    use super::*;

    #[test]
    fn head_is_not_the_principal() {
        let f = clean().replace("plan.toml", "head = \"王建国\"", "head = \"李红\"");
        assert_eq!(f.fired(LeadershipHead::ID), at("plan.toml", 7));
    }

    #[test]
    fn unknown_values_are_one_finding_each_at_their_line() {
        let f = clean()
            .replace("plan.toml", "basis = \"monthly\"", "basis = \"weekly\"")
            .replace(
                "plan.toml",
                "refund_basis = \"paid\"",
                "refund_basis = \"share\"\nrefund_rule = \"hourly\"",
            )
            .replace("plan.toml", "[school]\n", "[policy]\nmodel = \"parents\"\n\n[school]\n");
        assert_eq!(
            f.findings().iter().map(|x| (x.rule, x.line)).collect::<Vec<_>>(),
            vec![(Policy::ID, 2), (Policy::ID, 23), (Policy::ID, 25), (Policy::ID, 26)]
        );
        let en: Vec<String> = f.findings().into_iter().map(|x| x.message.en).collect();
        assert_eq!(
            en[3],
            "[fees] refund_rule “hourly” must be \"none\", \"daily\", \"half-month\" or \"month\"; it is read as the default for now"
        );
    }

    #[test]
    fn a_school_without_approval_or_settling_otherwise() {
        let school = super::super::school::tests::school_model();
        assert!(school.fired(Policy::ID).is_empty());
        let f = school.replace("plan.toml", "\napproval = \"X价〔2026〕12号\"", "");
        assert_eq!(f.fired(Policy::ID), at("plan.toml", 16));
        let f = school.replace("plan.toml", "approval = \"X价〔2026〕12号\"", "approval = \"\"");
        assert_eq!(f.fired(Policy::ID), at("plan.toml", 22));
        let f = school.replace("plan.toml", "refund_basis = \"standard\"", "refund_basis = \"days\"");
        assert_eq!(f.fired(Policy::ID), at("plan.toml", 21));
        // The committee model asks for neither.
        assert!(clean().fired(Policy::ID).is_empty());
    }

    #[test]
    fn a_waiver_outside_0_to_100_at_its_row() {
        let with = |w: &str| {
            clean().replace("roster.csv", ",note\n", ",note,waiver\n").replace(
                "roster.csv",
                "2026-08-29,2026-09-01,,",
                &format!("2026-08-29,2026-09-01,,,{w}"),
            )
        };
        assert!(with("100").fired(Policy::ID).is_empty());
        assert!(with("12.5").fired(Policy::ID).is_empty());
        assert_eq!(with("120").fired(Policy::ID), at("roster.csv", 4));
        assert_eq!(with("-5").fired(Policy::ID), at("roster.csv", 4));
    }

    #[test]
    fn settle_by_outside_and_overlap() {
        let f = clean().replace("plan.toml", "settle_by = 2027-01-15", "settle_by = 2027-02-15");
        assert_eq!(f.fired(Terms::ID), at("plan.toml", 43));
        let f = clean().append(
            "plan.toml",
            "\n[[terms]]\nid = \"x\"\nstarts = 2027-01-10\nends = 2027-06-30\nsettle_by = 2027-06-20",
        );
        assert_eq!(f.fired(Terms::ID), at("plan.toml", 46));
    }

    #[test]
    fn a_holiday_or_workday_outside_its_term() {
        let f = clean().replace(
            "plan.toml",
            "holidays = [2026-10-01,",
            "workdays = [2026-09-27, 2027-02-20]\nholidays = [2026-08-31, 2026-10-01,",
        );
        let found: Vec<_> = f.findings().into_iter().filter(|x| x.rule == Terms::ID).collect();
        let got: Vec<_> = found.iter().map(|x| (x.line, x.message.en.as_str())).collect();
        assert_eq!(
            got,
            [
                (
                    44,
                    "term 2026-autumn's make-up working day 2027-02-20 lies outside the term, 2026-09-01 to 2027-01-22"
                ),
                (
                    45,
                    "term 2026-autumn's holiday 2026-08-31 lies outside the term, 2026-09-01 to 2027-01-22"
                ),
            ]
        );
    }
}
