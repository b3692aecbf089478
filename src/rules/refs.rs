//! ref/*: rows that name a pupil or contract that does not exist.

use super::context::Row;
use super::each_row::EachRow;
use super::{Context, Declared, Rule};
use crate::domain::leave::in_care_on_a_service_day;
use crate::findings::{Finding, Msg};
use crate::records::{leave, ledger, surveys};

rule! {
    UnknownPupil: "ref" / "unknown-pupil", Error, reads LEDGER | ROSTER | PLAN | LEAVE | SETTLEMENTS by pupil, "二(四)",
    "检查学生编号（和请假日期）是否写错；新学生请先用 care enroll 登记",
    "check the pupil id (and a leave's dates) for a typo; enrol a new pupil first with care enroll",
}

by_row!(UnknownPupil);

impl EachRow for UnknownPupil {
    type Before<'c> = ();

    fn before<'c>(&'c self, _: &'c Context<'_>, _: &mut Vec<Finding>) -> Option<()> {
        Some(())
    }

    fn row(&self, cx: &Context<'_>, _: &(), row: &Row<'_>, out: &mut Vec<Finding>) {
        let e = row.entry;
        if let Some(id) = &e.pupil_id
            && row.known.is_none()
            && !cx.pupil_unread(id)
        {
            out.push(self.finding(
                ledger::FILE,
                e.line,
                Msg::new(
                    format!("学生编号 {id} 不在 roster.csv 中"),
                    format!("pupil {id} is not in roster.csv"),
                ),
            ));
        }
    }

    /// Leave and settlement rows that name a pupil the roster lacks.
    fn after(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for l in &cx.records.leave {
            let msg = if !cx.pupils().contains_key(l.pupil_id.as_str()) {
                if cx.records.unread_pupils.covers(&l.pupil_id) {
                    continue;
                }
                Msg::new(
                    format!("学生编号 {} 不在 roster.csv 中", l.pupil_id),
                    format!("pupil {} is not in roster.csv", l.pupil_id),
                )
            } else if cx.plan().is_some_and(|p| !in_care_on_a_service_day(p, &cx.records.pupils, l)) {
                Msg::new(
                    format!(
                        "{} 在 {}～{} 请假，但那时不在托管期内（没有一个托管日）：请假只记在托管期内",
                        l.pupil_id, l.from, l.to
                    ),
                    format!(
                        "a leave of {} from {} to {}, when the pupil has no care day: a leave is for days of care",
                        l.pupil_id, l.from, l.to
                    ),
                )
            } else {
                continue;
            };
            out.push(self.finding(leave::FILE, l.line, msg));
        }
        for s in &cx.records.settlements {
            for row in &s.rows {
                if !cx.pupils().contains_key(row.pupil_id.as_str()) && !cx.pupil_unread(&row.pupil_id) {
                    out.push(self.finding(
                        &s.csv_file,
                        row.line,
                        Msg::new(
                            format!("学生编号 {} 不在 roster.csv 中", row.pupil_id),
                            format!("pupil {} is not in roster.csv", row.pupil_id),
                        ),
                    ));
                }
            }
        }
    }
}

rule! {
    UnknownContract: "ref" / "unknown-contract", Error, reads LEDGER | CONTRACTS | SURVEYS by pupil, "二(五)",
    "检查协议编号是否写错；新聘人员请先用 care hire 登记聘用协议",
    "check the contract id for a typo; record a new hire first with care hire",
}

impl Rule for UnknownContract {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for e in cx.entries_with_contract_or_category() {
            if let Some(id) = e.contract_id()
                && !cx.contracts.contains_key(id.as_str())
                && !cx.records.unread_contracts.covers(id)
            {
                out.push(self.finding(
                    ledger::FILE,
                    e.line,
                    Msg::new(
                        format!("聘用协议 {id} 不在 contracts.csv 中"),
                        format!("contract {id} is not in contracts.csv"),
                    ),
                ));
            }
        }
        for s in &cx.records.surveys {
            if !cx.contracts.contains_key(s.contract_id.as_str()) && !cx.records.unread_contracts.covers(&s.contract_id) {
                out.push(self.finding(
                    surveys::FILE,
                    s.line,
                    Msg::new(
                        format!("聘用协议 {} 不在 contracts.csv 中", s.contract_id),
                        format!("contract {} is not in contracts.csv", s.contract_id),
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
    fn unknown_pupil_in_ledger() {
        let f = clean().replace("ledger.csv", "280.00,P0003", "280.00,P0009");
        assert_eq!(f.fired(UnknownPupil::ID), at("ledger.csv", 4));
    }

    #[test]
    fn a_reference_to_an_unreadable_row_is_not_reported_again() {
        let f = clean().replace(
            "roster.csv",
            "P0002,李想,1,1,李华,13800000002,2026-08-21",
            "P0002,李想,1,1,李华,13800000002,2026-08-32",
        );
        assert!(f.fired(UnknownPupil::ID).is_empty(), "{:?}", f.findings());
        let f = f.replace("ledger.csv", "280.00,P0003", "280.00,P0009");
        assert_eq!(f.fired(UnknownPupil::ID), at("ledger.csv", 4));
        let f = clean().set("contracts.csv", "\u{0}\u{1}");
        assert!(f.fired(UnknownContract::ID).is_empty(), "{:?}", f.findings());
    }

    #[test]
    fn unknown_contract_in_ledger_and_surveys() {
        let f = clean()
            .replace("ledger.csv", ",C001,", ",C999,")
            .replace("surveys.csv", "C001,", "C777,");
        assert_eq!(
            f.fired(UnknownContract::ID),
            vec![("ledger.csv".into(), 6), ("surveys.csv".into(), 2)]
        );
    }
}
