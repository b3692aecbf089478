//! What every rule reads: the records, today, and indexes built once for all rules.

use std::collections::HashMap;

use crate::domain::calendar::{Period, period, term_of_period};
use crate::records::fast_hash::FastMap;
use crate::records::plan::{Plan, Term};
use crate::records::{Contract, Date, Entry, Month, Pupil, Records};

pub struct Context<'a> {
    pub records: &'a Records,
    pub today: Date,
    pub pupils: FastMap<&'a str, &'a Pupil>,
    pub contracts: FastMap<&'a str, &'a Contract>,
    /// The term of each ledger row, by the row's index in `records.entries`.
    pub entry_terms: Vec<Option<&'a Term>>,
    /// What each ledger row's `period` names, when it names a month or a term of the plan.
    pub entry_periods: Vec<Option<Period<'a>>>,
    /// The pupil each ledger row names, when the roster has them (the first of that id).
    pub entry_pupils: Vec<Option<&'a Pupil>>,
    /// Indexes of the ledger rows dated in each month.
    pub by_month: HashMap<Month, Vec<usize>>,
}

/// What each row's period names and the row's term. Rows come in runs of the same date and
/// period (a day's fees for one month): a row like the one before it gets the same answer.
#[allow(clippy::type_complexity)]
fn periods_and_terms<'a>(plan: &'a Plan, entries: &'a [Entry]) -> (Vec<Option<Period<'a>>>, Vec<Option<&'a Term>>) {
    let mut periods = Vec::with_capacity(entries.len());
    let mut terms = Vec::with_capacity(entries.len());
    let mut last: Option<(&Entry, Option<Period<'a>>, Option<&'a Term>)> = None;
    for e in entries {
        let (p, t) = match last {
            Some((prev, p, t)) if prev.date == e.date && prev.period == e.period => (p, t),
            _ => {
                let p = e.period.as_deref().and_then(|text| period(plan, text));
                (p, term_of_period(plan, e, p))
            }
        };
        periods.push(p);
        terms.push(t);
        last = Some((e, p, t));
    }
    (periods, terms)
}

/// Indexes of the rows dated in each month. Rows come mostly in date order: the month is looked
/// up only when it changes.
fn rows_by_month(entries: &[Entry]) -> HashMap<Month, Vec<usize>> {
    let mut by_month: HashMap<Month, Vec<usize>> = HashMap::new();
    let mut run: Option<(Month, Vec<usize>)> = None;
    for (i, e) in entries.iter().enumerate() {
        let m = Month::of(e.date);
        match &mut run {
            Some((rm, v)) if *rm == m => v.push(i),
            _ => {
                if let Some((rm, v)) = run.take() {
                    by_month.entry(rm).or_default().extend(v);
                }
                let mut v = by_month.remove(&m).unwrap_or_default();
                v.push(i);
                run = Some((m, v));
            }
        }
    }
    if let Some((rm, v)) = run {
        by_month.entry(rm).or_default().extend(v);
    }
    by_month
}

impl<'a> Context<'a> {
    pub fn new(records: &'a Records, today: Date) -> Self {
        let n = records.entries.len();
        // Two halves built on two cores: the rows' periods, terms and months, and the id maps
        // with the rows' pupils (a hash lookup per row takes about as long as the rest).
        let ((entry_periods, entry_terms, by_month), (pupils, contracts, entry_pupils)) = std::thread::scope(|scope| {
            let rows = scope.spawn(|| {
                let (periods, terms) = match &records.plan {
                    Some(plan) => periods_and_terms(plan, &records.entries),
                    None => (vec![None; n], vec![None; n]),
                };
                (periods, terms, rows_by_month(&records.entries))
            });
            let mut pupils = FastMap::with_capacity_and_hasher(records.pupils.len(), Default::default());
            for p in &records.pupils {
                pupils.entry(p.id.as_str()).or_insert(p);
            }
            let entry_pupils: Vec<Option<&Pupil>> = records
                .entries
                .iter()
                .map(|e| e.pupil_id.as_deref().and_then(|id| pupils.get(id).copied()))
                .collect();
            let mut contracts = FastMap::with_capacity_and_hasher(records.contracts.len(), Default::default());
            for c in &records.contracts {
                contracts.entry(c.id.as_str()).or_insert(c);
            }
            let rows = match rows.join() {
                Ok(v) => v,
                Err(e) => std::panic::resume_unwind(e),
            };
            (rows, (pupils, contracts, entry_pupils))
        });
        Context {
            records,
            today,
            pupils,
            contracts,
            entry_terms,
            entry_periods,
            entry_pupils,
            by_month,
        }
    }

    /// A roster pupil's place in `records.pupils`, found from its address: a rule that sums per
    /// pupil can keep its sums in a vector by place instead of a map.
    pub fn pupil_place(&self, p: &Pupil) -> Option<usize> {
        let start = self.records.pupils.as_ptr() as usize;
        let at = (p as *const Pupil as usize).checked_sub(start)? / std::mem::size_of::<Pupil>().max(1);
        self.records.pupils.get(at).filter(|q| std::ptr::eq(*q, p)).map(|_| at)
    }

    pub fn plan(&self) -> Option<&'a Plan> {
        self.records.plan.as_ref()
    }

    pub fn entries(&self) -> impl Iterator<Item = (&'a Entry, Option<&'a Term>)> + '_ {
        self.records.entries.iter().zip(self.entry_terms.iter().copied())
    }

    /// The rows with what their period names and their term.
    pub fn rows(&self) -> impl Iterator<Item = (&'a Entry, Option<Period<'a>>, Option<&'a Term>)> + '_ {
        self.records
            .entries
            .iter()
            .zip(self.entry_periods.iter().copied())
            .zip(self.entry_terms.iter().copied())
            .map(|((e, p), t)| (e, p, t))
    }

    pub fn month_entries(&self, m: Month) -> impl Iterator<Item = &'a Entry> + '_ {
        self.by_month.get(&m).into_iter().flatten().map(|&i| &self.records.entries[i])
    }
}

#[cfg(test)]
pub mod fixture {
    //! The clean fixture of tests/fixtures/clean, edited in memory by rule tests.
    use std::path::Path;

    use crate::findings::Finding;
    use crate::records::date::parse_date;
    use crate::records::{Records, Source};

    pub const PLAN: &str = include_str!("../../tests/fixtures/clean/plan.toml");
    pub const ROSTER: &str = include_str!("../../tests/fixtures/clean/roster.csv");
    pub const CONTRACTS: &str = include_str!("../../tests/fixtures/clean/contracts.csv");
    pub const LEDGER: &str = include_str!("../../tests/fixtures/clean/ledger.csv");
    pub const SURVEYS: &str = include_str!("../../tests/fixtures/clean/surveys.csv");
    pub const TODAY: &str = "2026-09-25";

    #[derive(Clone)]
    pub struct Fixture {
        files: Vec<(String, String)>,
        today: String,
    }

    pub fn clean() -> Fixture {
        Fixture {
            files: vec![
                ("plan.toml".into(), PLAN.into()),
                ("roster.csv".into(), ROSTER.into()),
                ("contracts.csv".into(), CONTRACTS.into()),
                ("ledger.csv".into(), LEDGER.into()),
                ("surveys.csv".into(), SURVEYS.into()),
            ],
            today: TODAY.into(),
        }
    }

    impl Fixture {
        pub fn set(&self, file: &str, text: &str) -> Self {
            let mut f = self.clone();
            f.set_in_place(file, text);
            f
        }

        fn set_in_place(&mut self, file: &str, text: &str) {
            self.files.retain(|(f, _)| f != file);
            self.files.push((file.into(), text.into()));
        }

        pub fn replace(&self, file: &str, from: &str, to: &str) -> Self {
            let mut this = self.clone();
            let f = this.files.iter_mut().find(|(f, _)| f == file).expect("fixture file");
            assert!(f.1.contains(from), "{from:?} not in {file}");
            f.1 = f.1.replacen(from, to, 1);
            this
        }

        pub fn append(&self, file: &str, line: &str) -> Self {
            let mut this = self.clone();
            let f = this.files.iter_mut().find(|(f, _)| f == file).expect("fixture file");
            f.1.push_str(line);
            f.1.push('\n');
            this
        }

        pub fn today(&self, d: &str) -> Self {
            let mut this = self.clone();
            this.today = d.into();
            this
        }

        pub fn records(&self) -> Records {
            let mut src = Source::new(Path::new("/nonexistent-care-fixture"));
            for (f, t) in &self.files {
                src = src.with(f, t.clone().into_bytes());
            }
            Records::load_from(&src)
        }

        pub fn findings(&self) -> Vec<Finding> {
            crate::rules::check(&self.records(), parse_date(&self.today).unwrap())
        }

        /// (file, line) of every finding of one rule.
        pub fn fired(&self, rule: &str) -> Vec<(String, usize)> {
            self.findings()
                .into_iter()
                .filter(|f| f.rule == rule)
                .map(|f| (f.file, f.line))
                .collect()
        }
    }

    pub fn at(file: &str, line: usize) -> Vec<(String, usize)> {
        vec![(file.to_owned(), line)]
    }

    #[test]
    fn a_pupils_place_is_its_index_in_the_roster() {
        let r = clean().records();
        let cx = super::Context::new(&r, parse_date(TODAY).unwrap());
        for (i, p) in r.pupils.iter().enumerate() {
            assert_eq!(cx.pupil_place(p), Some(i));
        }
        let other = r.pupils[0].clone();
        assert_eq!(cx.pupil_place(&other), None);
    }
}
