//! consent/*: voluntary participation on a signed written application and an agreement (一(一), 二(四)).

use super::context::Row;
use super::each_row::EachRow;
use super::{Context, Declared, Rule};
use crate::domain::calendar::{Period, in_care_during};
use crate::findings::{Finding, Msg};
use crate::records::{Kind, ledger, roster};

rule! {
    Unsigned: "consent" / "unsigned", Error, reads ROSTER, "一(一)、二(四)",
    "申请表须由监护人本人签字；在 signed_by 填写签字的监护人姓名，与 guardian 一致",
    "the application must be signed by the guardian; put the guardian's name, as in guardian, in signed_by",
}

impl Rule for Unsigned {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for p in &cx.records.pupils {
            let msg = if p.signed_by.is_empty() {
                Msg::new(
                    format!("{}（{}）的申请表没有家长签字", p.id, p.name),
                    format!("the application for {} ({}) is not signed", p.id, p.name),
                )
            } else if p.signed_by != p.guardian {
                Msg::new(
                    format!("{}（{}）的申请表由“{}”签字，不是监护人“{}”", p.id, p.name, p.signed_by, p.guardian),
                    format!(
                        "the application for {} ({}) is signed by “{}”, not by the guardian “{}”",
                        p.id, p.name, p.signed_by, p.guardian
                    ),
                )
            } else {
                continue;
            };
            out.push(self.finding(roster::FILE, p.line, msg));
        }
    }
}

rule! {
    Order: "consent" / "order", Error, reads ROSTER, "二(四)",
    "先申请、再审核登记、再签协议、再开始托管：改正顺序不对的日期",
    "apply, then review, then sign the agreement, then start care: correct the date that is out of order",
}

impl Rule for Order {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for p in &cx.records.pupils {
            let steps = [
                ("applied_on", Some(p.applied_on)),
                ("reviewed_on", p.reviewed_on),
                ("agreed_on", p.agreed_on),
                ("starts", p.starts),
                ("ends", p.ends),
            ];
            let present: Vec<(&str, _)> = steps.iter().filter_map(|(n, d)| d.map(|d| (*n, d))).collect();
            if let Some(w) = present.windows(2).find(|w| w[1].1 < w[0].1) {
                let ((a, da), (b, db)) = (w[0], w[1]);
                out.push(self.finding(
                    roster::FILE,
                    p.line,
                    Msg::new(
                        format!("{} 的 {b}（{db}）早于 {a}（{da}）", p.id),
                        format!("{}'s {b} ({db}) is before its {a} ({da})", p.id),
                    ),
                ));
            }
        }
    }
}

rule! {
    NoAgreement: "consent" / "no-agreement", Error, reads ROSTER, "一(一)、二(四)",
    "托管开始前须审核登记并签订托管协议：用 care review 和 care agree 记录，或删去 starts",
    "care starts only after review and a signed agreement: record them with care review and care agree, or clear starts",
}

impl Rule for NoAgreement {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for p in cx.records.pupils.iter().filter(|p| p.starts.is_some()) {
            let missing = match (p.reviewed_on, p.agreed_on) {
                (None, None) => ("审核登记和托管协议", "review and a signed agreement"),
                (None, Some(_)) => ("审核登记", "review"),
                (Some(_), None) => ("托管协议", "a signed agreement"),
                _ => continue,
            };
            out.push(self.finding(
                roster::FILE,
                p.line,
                Msg::new(
                    format!("{}（{}）开始托管，但没有{}", p.id, p.name, missing.0),
                    format!("care for {} ({}) starts without {}", p.id, p.name, missing.1),
                ),
            ));
        }
    }
}

rule! {
    FeeWithoutAgreement: "consent" / "fee-without-agreement", Error, reads LEDGER | ROSTER | PLAN by pupil, "一(一)、一(三)",
    "只向已签协议、在托管期内的学生收费：检查日期、period 和学生的 agreed_on、starts、ends",
    "take fees only from families with a signed agreement, for periods of care: check the date, the period and the pupil's agreed_on, starts and ends",
}

by_row!(FeeWithoutAgreement);

impl EachRow for FeeWithoutAgreement {
    type Before<'c> = ();

    fn before<'c>(&'c self, cx: &'c Context<'_>, _: &mut Vec<Finding>) -> Option<()> {
        cx.plan().map(|_| ())
    }

    fn row(&self, cx: &Context<'_>, _: &(), row: &Row<'_>, out: &mut Vec<Finding>) {
        if row.entry.kind != Kind::Fee {
            return;
        }
        let e = row.entry;
        // A pupil the roster lacks is ref/unknown-pupil; a row without a term, ledger/no-term.
        let (Some(_), Some(term)) = (row.known, row.term) else {
            return;
        };
        let Some(p) = row.pupil.map(|i| cx.pupil(i)) else {
            let id = e.pupil_id.as_deref().unwrap_or_default();
            if !cx.pupil_unread(id) {
                out.push(self.finding(
                    ledger::FILE,
                    e.line,
                    Msg::new(
                        format!("向 {id} 收取学期 {} 的费用，但这个家庭没有申请并签订该学期的托管协议", term.id),
                        format!("a fee from {id}, who did not apply and agree for term {}", term.id),
                    ),
                ));
            }
            return;
        };
        let msg = match p.agreed_on {
            None => Some(Msg::new(
                format!("向 {} 收费，但还没有签托管协议", p.id),
                format!("a fee from {} but no care agreement has been signed", p.id),
            )),
            Some(a) if e.date < a => Some(Msg::new(
                format!("向 {} 收费的日期 {} 早于签协议的 {a}", p.id, e.date),
                format!("a fee from {} on {}, before the agreement of {a}", p.id, e.date),
            )),
            Some(_) => row.days.filter(|(from, to)| !in_care_during(term, p, *from, *to)).map(|_| {
                let name = match row.period {
                    Some(Period::Month(m)) => m.to_string(),
                    Some(Period::Term(t)) => t.id.clone(),
                    None => String::new(),
                };
                Msg::new(
                    format!("向 {} 收取 {name} 的费用，但那时不在托管期内", p.id),
                    format!("a fee from {} for {name}, a period outside the pupil's care", p.id),
                )
            }),
        };
        if let Some(m) = msg {
            out.push(self.finding(ledger::FILE, e.line, m));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::context::fixture::{RENEWAL, at, clean, two_terms};
    use super::*;

    #[test]
    fn unsigned_or_signed_by_someone_else() {
        let f = clean().replace("roster.csv", "2026-08-21,李华,", "2026-08-21,,");
        assert_eq!(f.fired(Unsigned::ID), at("roster.csv", 3));
        let f = clean().replace("roster.csv", "2026-08-22,欧阳峰,", "2026-08-22,欧阳克,");
        assert_eq!(f.fired(Unsigned::ID), at("roster.csv", 4));
    }

    #[test]
    fn order() {
        let f = clean().replace("roster.csv", "2026-08-25,2026-08-28,2026-09-01", "2026-08-29,2026-08-28,2026-09-01");
        assert_eq!(f.fired(Order::ID), at("roster.csv", 2));
    }

    #[test]
    fn no_agreement() {
        let f = clean().replace("roster.csv", "2026-08-26,2026-08-29,2026-09-01", "2026-08-26,,2026-09-01");
        assert_eq!(f.fired(NoAgreement::ID), at("roster.csv", 4));
    }

    #[test]
    fn fee_before_agreement_or_outside_care() {
        let f = clean().append("ledger.csv", "2026-09-20,fee,280.00,P0004,,,2026-09,周强,,");
        assert_eq!(f.fired(FeeWithoutAgreement::ID), at("ledger.csv", 7));
        let f = clean()
            .replace("roster.csv", "2026-09-01,,\nP0002", "2026-09-01,2026-09-30,\nP0002")
            .append("ledger.csv", "2026-09-20,fee,280.00,P0001,,,2026-10,周强,,");
        assert_eq!(f.fired(FeeWithoutAgreement::ID), at("ledger.csv", 7));
    }

    #[test]
    fn a_fee_for_a_term_the_family_did_not_apply_for() {
        let f = two_terms().append("ledger.csv", "2027-03-01,fee,280.00,P0001,,,2027-03,周强,,");
        assert_eq!(f.fired(FeeWithoutAgreement::ID), at("ledger.csv", 7));
        let found = f.findings();
        let m = found.iter().find(|x| x.rule == FeeWithoutAgreement::ID).unwrap();
        assert_eq!(m.message.en, "a fee from P0001, who did not apply and agree for term 2027-spring");
        // A renewal for spring, agreed, takes the fee.
        let f = f.append("roster.csv", RENEWAL);
        assert!(f.fired(FeeWithoutAgreement::ID).is_empty(), "{:?}", f.findings());
    }
}
