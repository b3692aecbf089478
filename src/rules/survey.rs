//! survey/*: satisfaction ratings of staff, the basis for renewing contracts (三(三)).

use super::{Context, Declared, Rule};
use crate::domain::ratings::Mean;
use crate::findings::{Finding, Msg};
use crate::records::{contracts, surveys};

rule! {
    Score: "survey" / "score", Error, reads SURVEYS, "三(三)",
    "score 写 1 到 5 的整数，respondent 写 pupil（学生）或 parent（家长）",
    "write score as a whole number from 1 to 5 and respondent as pupil or parent",
}

impl Rule for Score {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for s in &cx.records.surveys {
            if s.score().is_none() {
                out.push(self.finding(
                    surveys::FILE,
                    s.line,
                    Msg::new(
                        format!("评分“{}”无效，应为 1 到 5 的整数", s.score),
                        format!("the score “{}” is not a whole number from 1 to 5", s.score),
                    ),
                ));
            }
            if !s.respondent_ok() {
                out.push(self.finding(
                    surveys::FILE,
                    s.line,
                    Msg::new(
                        format!("评价人“{}”无效，应为 pupil 或 parent", s.respondent),
                        format!("the respondent “{}” must be pupil or parent", s.respondent),
                    ),
                ));
            }
        }
    }
}

rule! {
    Missing: "survey" / "missing", Warning, reads PLAN | SURVEYS | CONTRACTS, "三(三)",
    "每学期组织学生和家长对服务人员做满意度测评：用 care survey add 记录",
    "have pupils and parents rate each staff member every term: record it with care survey add",
}

impl Rule for Missing {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        // A rating may be in a row that cannot be read; format/parse says so instead.
        if !cx.records.surveys_complete {
            return;
        }
        for t in p.terms.iter().filter(|t| t.ends < cx.today) {
            for c in cx.records.contracts.iter().filter(|c| c.starts <= t.ends && c.ends >= t.starts) {
                if !cx.records.surveys.iter().any(|s| s.contract_id == c.id && t.contains(s.date)) {
                    out.push(self.finding(
                        contracts::FILE,
                        c.line,
                        Msg::new(
                            format!("{}（{}）在学期 {} 没有满意度测评", c.id, c.name, t.id),
                            format!("{} ({}) has no satisfaction survey in term {}", c.id, c.name, t.id),
                        ),
                    ));
                }
            }
        }
    }
}

rule! {
    LowRenewal: "survey" / "low-renewal", Warning, reads PLAN | SURVEYS | CONTRACTS, "三(三)",
    "满意度测评结果是续签的重要依据：请家委会复核这次续签，并在新协议的 note 中写明理由（写明后不再提醒）",
    "ratings are the basis for renewing: have the committee review this renewal and write its reason in the new contract's note (the warning then stops)",
}

impl Rule for LowRenewal {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        if !cx.records.surveys_complete {
            return;
        }
        // A renewal whose note gives the committee's reason has been reviewed.
        for c in cx.records.contracts.iter().filter(|c| c.note.is_none()) {
            let previous = cx
                .records
                .contracts
                .iter()
                .filter(|o| o.name == c.name && o.id != c.id && o.starts < c.starts)
                .max_by_key(|o| o.starts);
            let Some(prev) = previous else { continue };
            let ratings = Mean::of(cx.records.surveys.iter().filter(|s| s.contract_id == prev.id));
            let (Some(mean), n) = (ratings.exact, ratings.count) else {
                continue;
            };
            if mean < p.renew_below {
                let mean = mean.round_dp(2);
                out.push(self.finding(
                    contracts::FILE,
                    c.line,
                    Msg::new(
                        format!(
                            "续聘 {}，但其上一份协议 {} 的平均满意度 {mean}（{n} 份）低于 {}",
                            c.name, prev.id, p.renew_below
                        ),
                        format!(
                            "{} is renewed although the mean score of the previous contract {} was {mean} ({n} ratings), under {}",
                            c.name, prev.id, p.renew_below
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
    fn score() {
        assert!(clean().fired(Score::ID).is_empty());
        let f = clean()
            .append("surveys.csv", "C001,2026-09-21,parent,6,")
            .append("surveys.csv", "C001,2026-09-21,teacher,4,")
            .append("surveys.csv", "C001,2026-09-21,pupil,4.5,");
        assert_eq!(
            f.fired(Score::ID),
            vec![("surveys.csv".into(), 3), ("surveys.csv".into(), 4), ("surveys.csv".into(), 5)]
        );
    }

    #[test]
    fn missing_once_the_term_has_ended() {
        assert!(clean().fired(Missing::ID).is_empty());
        let lines: Vec<usize> = clean().today("2027-01-23").fired(Missing::ID).into_iter().map(|x| x.1).collect();
        assert_eq!(lines, vec![3, 4]);
    }

    #[test]
    fn silent_while_a_survey_row_cannot_be_read() {
        let f = clean().today("2027-01-23").append("surveys.csv", "C002,2026-13-01,parent,5,");
        assert!(f.fired(Missing::ID).is_empty());
        assert_eq!(f.fired(crate::rules::format::Parse::ID), at("surveys.csv", 3));
    }

    #[test]
    fn low_renewal() {
        assert!(clean().fired(LowRenewal::ID).is_empty());
        let f = clean()
            .append(
                "contracts.csv",
                "C004,赵老师,school,作业辅导,2027-02-01,2027-02-22,2027-07-02,2027-02-01,,60.00,hour,",
            )
            .append("surveys.csv", "C001,2026-09-22,pupil,1,");
        // Scores 5 and 1: mean 3.0, not under 3.0.
        assert!(f.fired(LowRenewal::ID).is_empty());
        let f = f.append("surveys.csv", "C001,2026-09-23,pupil,2,");
        assert_eq!(f.fired(LowRenewal::ID), at("contracts.csv", 5));
        // The committee reviewed it and wrote down why.
        let f = f.replace(
            "contracts.csv",
            "2027-07-02,2027-02-01,,60.00,hour,",
            "2027-07-02,2027-02-01,,60.00,hour,家委会复核：已改进，同意续聘",
        );
        assert!(f.fired(LowRenewal::ID).is_empty());
    }
}
