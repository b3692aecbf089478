//! The parts of the records a rule's findings can depend on. A write re-checks only the rules
//! that read a part it changes: the findings of every other rule are the same before and after
//! it, so they cannot be errors the write adds.

use crate::records::{Month, Records, closes, contracts, leave, ledger, plan, roster, settlements, surveys};

/// A set of parts of the records.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Inputs(u16);

/// The parts by name, in the order of their bits.
const NAMES: [&str; 11] = [
    "PLAN",
    "ROSTER",
    "CONTRACTS",
    "LEDGER",
    "SURVEYS",
    "LEAVE",
    "CLOSES",
    "SETTLEMENTS",
    "CLOSED_MONTHS",
    "AGREEMENTS",
    "SETTLED_TERMS",
];

impl std::fmt::Debug for Inputs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let named: Vec<&str> = (0..NAMES.len()).filter(|i| self.0 & (1 << i) != 0).map(|i| NAMES[i]).collect();
        write!(f, "{}", if named.is_empty() { "NONE".to_owned() } else { named.join(" | ") })
    }
}

impl Inputs {
    pub const NONE: Inputs = Inputs(0);
    pub const PLAN: Inputs = Inputs(1);
    pub const ROSTER: Inputs = Inputs(1 << 1);
    pub const CONTRACTS: Inputs = Inputs(1 << 2);
    pub const LEDGER: Inputs = Inputs(1 << 3);
    pub const SURVEYS: Inputs = Inputs(1 << 4);
    pub const LEAVE: Inputs = Inputs(1 << 5);
    /// closes/: the closes, and closes/reopened.csv.
    pub const CLOSES: Inputs = Inputs(1 << 6);
    pub const SETTLEMENTS: Inputs = Inputs(1 << 7);
    /// The ledger rows dated in a month that has a close, and whether every ledger row reads:
    /// what the digests of the closed months are worked out from. A change to ledger.csv
    /// changes it, except rows appended in months without a close ([`Inputs::of_appended`]).
    pub const CLOSED_MONTHS: Inputs = Inputs(1 << 8);
    /// The roster rows with a signed agreement, and whether every roster row reads and names a
    /// term the plan has: what tells the terms that families asked for. A change to roster.csv
    /// changes it, except rows appended without an agreement (a new application, as
    /// `care enroll` writes it) that name no term the plan lacks ([`Inputs::of_appended`]).
    pub const AGREEMENTS: Inputs = Inputs(1 << 9);
    /// The ledger rows of a term that has a settlement, and whether every ledger row reads:
    /// what the settlements' digests are worked out from. A change to ledger.csv changes it,
    /// except rows appended in terms without a settlement ([`Inputs::of_appended`]).
    pub const SETTLED_TERMS: Inputs = Inputs(1 << 10);
    /// The parts that hold ledger rows.
    pub const LEDGER_ROWS: Inputs = Inputs::LEDGER.and(Inputs::CLOSED_MONTHS).and(Inputs::SETTLED_TERMS);
    /// Every part: what a rule over the findings of loading (which are about any file) reads.
    pub const ALL: Inputs = Inputs((1 << NAMES.len()) - 1);

    pub const fn and(self, other: Inputs) -> Inputs {
        Inputs(self.0 | other.0)
    }

    const fn less(self, other: Inputs) -> Inputs {
        Inputs(self.0 & !other.0)
    }

    /// Whether every part of this set is one of `other`'s.
    pub const fn within(self, other: Inputs) -> bool {
        self.0 & !other.0 == 0
    }

    /// Whether the two sets share a part.
    pub const fn meets(self, other: Inputs) -> bool {
        self.0 & other.0 != 0
    }

    /// The part of the records a file of the records directory holds, by its path there: none
    /// for a file that is not a record (a report, say).
    pub fn of_file(rel: &str) -> Inputs {
        match rel {
            plan::FILE => Inputs::PLAN,
            roster::FILE => Inputs::ROSTER.and(Inputs::AGREEMENTS),
            contracts::FILE => Inputs::CONTRACTS,
            ledger::FILE => Inputs::LEDGER_ROWS,
            surveys::FILE => Inputs::SURVEYS,
            leave::FILE => Inputs::LEAVE,
            _ if crate::records::in_dir(rel, closes::DIR) => Inputs::CLOSES,
            _ if crate::records::in_dir(rel, settlements::DIR) => Inputs::SETTLEMENTS,
            // Another file the records are read from is not known here: it could be any part.
            _ if crate::records::is_record_file(rel) => Inputs::ALL,
            _ => Inputs::NONE,
        }
    }

    /// The parts that rows appended to a file change, when they read without a finding and are
    /// the file's rows from place `from` on in `records` (the records with them): those of the
    /// file, less [`Inputs::CLOSED_MONTHS`] when no new ledger row is dated in a month that has
    /// a close or a close that cannot be read (a clerk's rows of the current month leave the
    /// digests of the closed months as they were), less [`Inputs::SETTLED_TERMS`] when the plan
    /// reads and no new ledger row belongs to a term that has a settlement, less
    /// [`Inputs::AGREEMENTS`] when no new roster row has an agreement or names a term the plan
    /// lacks.
    pub fn of_appended(records: &Records, file: &str, from: usize) -> Inputs {
        let parts = Inputs::of_file(file);
        let closed = |m: Month| records.close(m).is_some() || records.close_unread(m);
        // Without a plan, a row's term is unknown.
        let settled = |e: &crate::records::Entry| {
            records
                .plan
                .as_ref()
                .is_none_or(|plan| crate::domain::calendar::term_of(plan, e).is_some_and(|t| records.settlement(&t.id).is_some()))
        };
        let names_no_term = |p: &crate::records::Pupil| records.plan.as_ref().is_none_or(|plan| plan.names_no_term(p));
        match file {
            ledger::FILE => match records.entries.get(from..) {
                Some(new) => {
                    let mut parts = parts;
                    if !new.iter().any(|e| closed(Month::of(e.date))) {
                        parts = parts.less(Inputs::CLOSED_MONTHS);
                    }
                    if !new.iter().any(settled) {
                        parts = parts.less(Inputs::SETTLED_TERMS);
                    }
                    parts
                }
                None => parts,
            },
            roster::FILE => match records.pupils.get(from..) {
                Some(new) if !new.iter().any(|p| p.agreed_on.is_some() || names_no_term(p)) => parts.less(Inputs::AGREEMENTS),
                _ => parts,
            },
            _ => parts,
        }
    }

    /// The parts the files hold.
    pub fn of_files<'f>(files: impl IntoIterator<Item = &'f str>) -> Inputs {
        files.into_iter().fold(Inputs::NONE, |all, f| all.and(Inputs::of_file(f)))
    }
}

#[cfg(test)]
mod tests {
    use super::Inputs;

    #[test]
    fn each_record_file_is_its_own_part() {
        let files = [
            "plan.toml",
            "roster.csv",
            "contracts.csv",
            "ledger.csv",
            "surveys.csv",
            "leave.csv",
            "closes/2026-09.toml",
            "settlements/2026-autumn.toml",
        ];
        let parts: Vec<Inputs> = files.iter().map(|f| Inputs::of_file(f)).collect();
        for (i, a) in parts.iter().enumerate() {
            assert_ne!(*a, Inputs::NONE, "{}", files[i]);
            for (j, b) in parts.iter().enumerate() {
                assert_eq!(a.meets(*b), i == j, "{} and {}", files[i], files[j]);
            }
        }
        assert_eq!(Inputs::of_file("closes/reopened.csv"), Inputs::CLOSES);
        assert_eq!(Inputs::of_files(files), Inputs::ALL);
        assert_eq!(format!("{:?}", Inputs::LEDGER.and(Inputs::CLOSES)), "LEDGER | CLOSES");
    }

    #[test]
    fn reports_are_no_part_of_the_records() {
        assert_eq!(Inputs::of_file("reports/2026-09-disclosure.md"), Inputs::NONE);
        assert_eq!(Inputs::of_file("closesX/a.toml"), Inputs::NONE);
    }
}
