//! plan/*: the leadership group and the terms.

use super::{Context, Declared, Rule};
use crate::findings::{Finding, Msg};
use crate::records::plan::FILE;

rule! {
    LeadershipHead: "plan" / "leadership-head", Error, "三(一)、四(一)",
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
    Terms: "plan" / "terms", Error, "三(三)",
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
