//! demand/no-applicants: no care without families who asked for it (二(四)).

use std::collections::BTreeMap;

use super::{Context, Declared, Rule};
use crate::findings::{Finding, Msg};
use crate::records::plan::FILE;

rule! {
    NoApplicants: "demand" / "no-applicants", Error, reads PLAN | AGREEMENTS | LEDGER by pupil, "二(四)",
    "家长无托管需求的学期不得开展托管、不得收支：登记已签协议的学生，或删去这个学期的收支",
    "a term without families who asked for care must not run it or move money: record the pupils' signed agreements, or remove the term's money rows",
}

impl Rule for NoApplicants {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let Some(p) = cx.plan() else { return };
        // The applicants may be in roster rows that could not be read.
        if cx.roster_incomplete() {
            return;
        }
        let mut rows: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, t) in cx.entries() {
            if let Some(t) = t {
                *rows.entry(t.id.as_str()).or_default() += 1;
            }
        }
        for t in &p.terms {
            let Some(&n) = rows.get(t.id.as_str()) else { continue };
            // Consent is per term: an agreement for this term, not one carried from another.
            let agreed = cx
                .records
                .pupils
                .iter()
                .enumerate()
                .any(|(i, pu)| pu.agreed_on.is_some() && cx.term_of_pupil(i).is_some_and(|pt| pt.id == t.id));
            if !agreed {
                out.push(self.finding(
                    FILE,
                    t.line,
                    Msg::new(
                        format!("学期 {} 有 {n} 笔收支，但没有一个签了托管协议的学生", t.id),
                        format!("term {} has {n} money rows but no pupil with a signed agreement", t.id),
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::context::fixture::{RENEWAL, at, clean, two_terms};
    use super::*;

    #[test]
    fn no_applicants() {
        assert!(clean().fired(NoApplicants::ID).is_empty());
        let roster = "pupil_id,name,grade,class,guardian,phone,applied_on,signed_by,reviewed_on,agreed_on,starts,ends,note\n";
        let ledger =
            "date,kind,amount,pupil_id,contract_id,category,period,collected_by,receipt,memo\n2026-09-10,expense,120.50,,,materials,,,,\n";
        let f = clean().set("roster.csv", roster).set("ledger.csv", ledger);
        assert_eq!(f.fired(NoApplicants::ID), at("plan.toml", 38));
    }

    #[test]
    fn an_agreement_for_another_term_is_no_applicant() {
        // Autumn's agreements without ends do not make spring's applicants.
        let f = two_terms().append("ledger.csv", "2027-03-10,expense,50.00,,,materials,,,,");
        assert_eq!(f.fired(NoApplicants::ID), at("plan.toml", 46));
        let f = f.append("roster.csv", RENEWAL);
        assert!(f.fired(NoApplicants::ID).is_empty());
    }
}
