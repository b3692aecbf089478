//! What every rule reads: the records, today, and what rules need worked out once for all of
//! them (indexes, each ledger row's period, its days, term and pupil), so that a rule reads as
//! policy.

use std::collections::HashMap;
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::domain::calendar::{Period, period, term_of_period};
use crate::records::closes::MonthTotals;
use crate::records::date::MonthOfRuns;
use crate::records::fast_hash::{FastMap, FastSet};
use crate::records::plan::{Plan, Term};
use crate::records::{Contract, Date, Entry, Month, Pupil, Records, Short};

pub struct Context<'a> {
    pub records: &'a Records,
    pub today: Date,
    /// The roster's rows by pupil and term ([`Roster`]): when the context is built, or, for a
    /// check that may not need them (as [`Context::facts`]), when a rule first asks.
    roster: OnceLock<Roster<'a>>,
    pub contracts: FastMap<&'a str, &'a Contract>,
    /// What the context works out for each ledger row ([`RowFacts`]): when it is built, or, for
    /// a check that may not need them (a change to closes/ or settlements/ alone), when a rule
    /// first asks.
    facts: OnceLock<RowFacts<'a>>,
    /// Indexes of the ledger rows dated in each month: when the context is built, or (as
    /// [`Context::facts`]) when a rule first asks.
    by_month: OnceLock<HashMap<Month, Vec<Place>>>,
    /// Indexes of the ledger rows that hold a contract or a category, once a rule has asked.
    with_apart: OnceLock<Vec<Place>>,
    /// The months that have ledger rows, in order.
    months: Vec<Month>,
    /// The first and last month of each term.
    term_months: Vec<(Month, Month)>,
    /// What each family paid for each period, once a rule has asked ([`super::fees::net_paid`]).
    pub(super) net_paid: OnceLock<super::fees::NetSums<'a>>,
    /// The refunds due, once a rule or a command has asked ([`super::fees::refunds_due`]).
    pub(super) refunds_due: OnceLock<Vec<super::fees::Due<'a>>>,
    /// The files of closes/ and settlements/ a change wrote, when it wrote nothing else that
    /// rules read: the rules that go by file look only at those ([`Context::in_question`]).
    changed_files: Option<Vec<String>>,
    /// Months' totals over these records' rows that a write has worked out already
    /// ([`Context::knowing`]).
    known_totals: Vec<(Month, MonthTotals)>,
}

/// A ledger row with what the context worked out for it.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    pub entry: &'a Entry,
    /// What its `period` names.
    pub period: Option<Period<'a>>,
    /// The first and last day of that period.
    pub days: Option<(Date, Date)>,
    pub term: Option<&'a Term>,
    /// The place in `records.pupils` of the first row of the pupil it names: the roster has
    /// the pupil.
    pub known: Option<usize>,
    /// The place in `records.pupils` of the pupil's row for the row's term.
    pub pupil: Option<usize>,
}

/// A place in a list of rows, in four bytes. No list of the records reaches four thousand
/// million rows (a ledger row alone takes 96 bytes in memory).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Place(u32);

impl Place {
    const NONE: Place = Place(u32::MAX);

    fn of(place: Option<usize>) -> Place {
        place.and_then(|p| u32::try_from(p).ok()).map_or(Place::NONE, Place)
    }

    fn get(self) -> Option<usize> {
        (self != Place::NONE).then_some(self.0 as usize)
    }
}

/// What the context works out for each ledger row.
struct RowFacts<'a> {
    /// What each ledger row's `period` names, its days and the row's term, each different one
    /// once: a district's million rows name a few dozen.
    named: Vec<Named<'a>>,
    /// The place in `named` of each ledger row's, by the row's index in `records.entries`.
    /// The per-row indexes are kept in four bytes each ([`Place`]): 16 bytes a row instead of
    /// 76, 60 MB less for a district's ledger.
    entry_named: Vec<Place>,
    /// The place in `records.pupils` of the first row of the pupil each ledger row names,
    /// when the roster has the pupil.
    entry_known: Vec<Place>,
    /// The place in `records.pupils` of the row of the pupil each ledger row names for the
    /// ledger row's term (SPEC §3), when the roster has it.
    entry_pupils: Vec<Place>,
}

impl<'a> RowFacts<'a> {
    /// What a row's period names, by its place in `named`.
    fn named_at(&self, n: Place) -> Named<'a> {
        n.get().and_then(|n| self.named.get(n)).copied().unwrap_or(Named::NONE)
    }
}

/// What rows' periods name, each different one once, and each row's place among them.
struct RowPeriods<'a> {
    named: Vec<Named<'a>>,
    of_row: Vec<Place>,
}

/// What one row's period names, its days, and the row's term.
#[derive(Clone, Copy)]
struct Named<'a> {
    period: Option<Period<'a>>,
    days: Option<(Date, Date)>,
    term: Option<&'a Term>,
}

/// See [`Named::key`].
type NamedKey = (Option<(i32, u32, usize)>, usize);

impl Named<'_> {
    const NONE: Named<'static> = Named {
        period: None,
        days: None,
        term: None,
    };

    /// What tells two apart: the period (a month, or a term by its place in the plan) and the
    /// row's term by its place (the days follow from the period).
    fn key(&self, plan: &Plan) -> NamedKey {
        let place = |t: &Term| plan.terms.iter().position(|x| std::ptr::eq(x, t)).map_or(0, |i| i + 1);
        let period = self.period.map(|p| match p {
            Period::Month(m) => (m.year, m.month, 0),
            Period::Term(t) => (0, 0, place(t)),
        });
        (period, self.term.map_or(0, place))
    }
}

/// What the ledger rows' periods name; without a plan, nothing.
fn row_periods(records: &Records) -> RowPeriods<'_> {
    match &records.plan {
        Some(plan) => periods_and_terms(plan, &records.entries),
        None => RowPeriods {
            named: vec![Named::NONE],
            of_row: vec![Place::of(Some(0)); records.entries.len()],
        },
    }
}

/// Rows come in runs of the same date and period (a day's fees for one month): a row like the
/// one before it gets the same answer, so that a month's days and terms are worked out once a run.
fn periods_and_terms<'a>(plan: &'a Plan, entries: &'a [Entry]) -> RowPeriods<'a> {
    let mut out = RowPeriods {
        named: Vec::new(),
        of_row: Vec::with_capacity(entries.len()),
    };
    let mut places: HashMap<NamedKey, Place> = HashMap::new();
    let mut last: Option<(&Entry, Place)> = None;
    for e in entries {
        let place = match last {
            Some((prev, place)) if prev.date == e.date && prev.period == e.period => place,
            _ => {
                let period = e.period.as_deref().and_then(|text| period(plan, text));
                let named = Named {
                    period,
                    days: period.map(Period::days),
                    term: term_of_period(plan, e, period),
                };
                *places.entry(named.key(plan)).or_insert_with(|| {
                    out.named.push(named);
                    Place::of(Some(out.named.len() - 1))
                })
            }
        };
        out.of_row.push(place);
        last = Some((e, place));
    }
    out
}

/// Indexes of the rows dated in each month, each month's in file order.
fn rows_by_month(entries: &[Entry]) -> HashMap<Month, Vec<Place>> {
    // A stretch of rows on each core: worked out on one, this and the rows' periods kept that
    // core busy 20 ms after the other had built the roster's maps and had nothing to do.
    rows_by_month_in_stretches(entries, 1 << 16)
}

/// [`rows_by_month`], the rows taken `stretch` at a time: each stretch's lists are put end to
/// end in the order of the stretches, into lists made as long as they will be.
fn rows_by_month_in_stretches(entries: &[Entry], stretch: usize) -> HashMap<Month, Vec<Place>> {
    let stretch = stretch.max(1);
    let parts: Vec<Vec<(Month, Vec<Place>)>> = entries
        .par_chunks(stretch)
        .enumerate()
        .map(|(k, rows)| month_runs(rows, k * stretch))
        .collect();
    let mut by_month: HashMap<Month, Vec<Place>> = HashMap::new();
    for (m, v) in parts.iter().flatten() {
        by_month.entry(*m).or_default().reserve(v.len());
    }
    for (m, v) in parts.into_iter().flatten() {
        by_month.entry(m).or_default().extend(v);
    }
    by_month
}

/// The places of some rows (the first at `first`) by month, in the order each month is first
/// seen. Rows come mostly in date order: the month is looked up only when the date leaves it.
fn month_runs(entries: &[Entry], first: usize) -> Vec<(Month, Vec<Place>)> {
    let mut out: Vec<(Month, Vec<Place>)> = Vec::new();
    let mut months = MonthOfRuns::default();
    // Where in `out` the month of the row before is.
    let mut at = usize::MAX;
    for (i, e) in entries.iter().enumerate() {
        let m = months.of(e.date);
        if out.get(at).is_none_or(|(om, _)| *om != m) {
            at = match out.iter().position(|(om, _)| *om == m) {
                Some(j) => j,
                None => {
                    out.push((m, Vec::new()));
                    out.len() - 1
                }
            };
        }
        if let Some((_, v)) = out.get_mut(at) {
            v.push(Place::of(Some(first + i)));
        }
    }
    out
}

/// The places of the rows that hold a contract or a category, in order, found on both cores.
fn places_with_apart(entries: &[Entry]) -> Vec<Place> {
    entries
        .par_iter()
        .with_min_len(1 << 14)
        .enumerate()
        .filter(|(_, e)| e.apart.is_some())
        .map(|(i, _)| Place::of(Some(i)))
        .collect()
}

/// The months of the rows, each once, in order (what [`rows_by_month`]'s keys are, without
/// listing the rows).
fn months_of(entries: &[Entry]) -> Vec<Month> {
    // A stretch of rows on each core: the check after a close asks for them first thing, and
    // a million rows took one core 10 ms with the other waiting.
    months_in_stretches(entries, 1 << 16)
}

/// [`months_of`], the rows taken `stretch` at a time.
fn months_in_stretches(entries: &[Entry], stretch: usize) -> Vec<Month> {
    let mut seen = entries.par_chunks(stretch.max(1)).map(months_in).reduce(Vec::new, |mut a, b| {
        for m in b {
            if !a.contains(&m) {
                a.push(m);
            }
        }
        a
    });
    seen.sort_unstable();
    seen
}

/// The months of some rows, each once, in the order first seen.
fn months_in(entries: &[Entry]) -> Vec<Month> {
    let mut months = MonthOfRuns::default();
    let mut seen: Vec<Month> = Vec::new();
    let mut last = None;
    for e in entries {
        let m = months.of(e.date);
        if last != Some(m) && !seen.contains(&m) {
            seen.push(m);
        }
        last = Some(m);
    }
    seen
}

/// The roster rows by pupil and term.
struct Roster<'a> {
    /// The place in `records.pupils` of each pupil id (its first row). The ids are kept in
    /// the map as [`Short`]s, so that a ledger row's id is compared with a key without
    /// reading the roster's text far away in memory (a million rows' lookups missed the cache
    /// on it); the map is looked up by `&str` as well.
    first: FastMap<Short, usize>,
    /// The place of the next row of the same pupil id, by place: with `first`, the rows of a
    /// pupil, one application per term.
    next_row: Vec<Option<usize>>,
    /// The term of each roster row, by place ([`Plan::term_of_pupil`]).
    terms: Vec<Option<&'a Term>>,
    /// Pupil ids with a row whose `term` names no term of the plan: which terms the pupil
    /// applied for is not known.
    misnamed: FastSet<&'a str>,
}

impl<'a> Roster<'a> {
    fn of(records: &'a Records) -> Roster<'a> {
        let n = records.pupils.len();
        let mut r = Roster {
            first: FastMap::with_capacity_and_hasher(n, Default::default()),
            next_row: vec![None; n],
            terms: Vec::with_capacity(n),
            misnamed: FastSet::default(),
        };
        // The last row of each id so far, to link the next one to it.
        let mut last: FastMap<&str, usize> = FastMap::with_capacity_and_hasher(n, Default::default());
        for (i, p) in records.pupils.iter().enumerate() {
            r.first.entry(Short::new(&p.id)).or_insert(i);
            if let Some(prev) = last.insert(p.id.as_str(), i) {
                r.next_row[prev] = Some(i);
            }
            r.terms.push(records.term_of_pupil(p));
            if records.plan.as_ref().is_some_and(|plan| plan.names_no_term(p)) {
                r.misnamed.insert(p.id.as_str());
            }
        }
        r
    }
}

impl<'a> Context<'a> {
    pub fn new(records: &'a Records, today: Date) -> Self {
        Context::build(records, today, true)
    }

    /// The context for a check that may not look at the ledger rows one by one (after a change
    /// to closes/ or settlements/ alone): what it works out for each row ([`RowFacts`]) is
    /// worked out when a rule first asks, the same as [`Context::new`] works it out.
    pub(super) fn rows_when_asked(records: &'a Records, today: Date) -> Self {
        Context::build(records, today, false)
    }

    fn build(records: &'a Records, today: Date, rows_now: bool) -> Self {
        // The rows' periods and terms, the rows by month and the id maps, taken by the two cores
        // as they come free (the first two on one core left the other waiting 10 ms); then each
        // row's pupil on both (a hash lookup a row, a district's million of them, was a hundred
        // milliseconds on one core while the other had finished).
        let ((periods, (by_month, months)), (roster, contracts)) = rayon::join(
            || {
                rayon::join(
                    || rows_now.then(|| row_periods(records)),
                    || match rows_now {
                        true => {
                            let by_month = rows_by_month(&records.entries);
                            let mut months: Vec<Month> = by_month.keys().copied().collect();
                            months.sort_unstable();
                            (Some(by_month), months)
                        }
                        false => (None, months_of(&records.entries)),
                    },
                )
            },
            || {
                let roster = rows_now.then(|| Roster::of(records));
                let mut contracts = FastMap::with_capacity_and_hasher(records.contracts.len(), Default::default());
                for c in &records.contracts {
                    contracts.entry(c.id.as_str()).or_insert(c);
                }
                (roster, contracts)
            },
        );
        let term_months = records
            .plan
            .iter()
            .flat_map(|p| &p.terms)
            .map(|t| (Month::of(t.starts), Month::of(t.ends)))
            .collect();
        let cx = Context {
            records,
            today,
            roster: roster.map_or_else(OnceLock::new, OnceLock::from),
            contracts,
            facts: OnceLock::new(),
            months,
            by_month: by_month.map_or_else(OnceLock::new, OnceLock::from),
            with_apart: OnceLock::new(),
            term_months,
            net_paid: Default::default(),
            refunds_due: Default::default(),
            changed_files: None,
            known_totals: Vec::new(),
        };
        if let Some(periods) = periods {
            let facts = cx.row_facts(periods);
            let _ = cx.facts.set(facts);
        }
        cx
    }

    /// What the context works out for each ledger row, worked out now if it was not yet.
    fn facts(&self) -> &RowFacts<'a> {
        self.facts.get_or_init(|| self.row_facts(row_periods(self.records)))
    }

    /// Each row's pupil, from the rows' periods, on both cores.
    fn row_facts(&self, periods: RowPeriods<'a>) -> RowFacts<'a> {
        let mut facts = RowFacts {
            named: periods.named,
            entry_named: periods.of_row,
            entry_known: Vec::new(),
            entry_pupils: Vec::new(),
        };
        let pupils = self.pupils();
        (facts.entry_known, facts.entry_pupils) = self
            .records
            .entries
            .par_iter()
            .zip(facts.entry_named.par_iter())
            .with_min_len(1 << 14)
            .map(|(e, &n)| {
                let first = e.pupil_id.as_ref().and_then(|id| pupils.get(id).copied());
                let pupil = first.and_then(|first| self.row_for_term(first, facts.named_at(n).term));
                (Place::of(first), Place::of(pupil))
            })
            .unzip();
        facts
    }

    /// The context for a change that wrote only `files`, all of closes/ and settlements/.
    pub(super) fn in_question_only(self, files: &[&str]) -> Self {
        Context {
            changed_files: Some(files.iter().map(|f| (*f).to_owned()).collect()),
            ..self
        }
    }

    /// The context given months' totals over its records' rows, worked out already (a close's,
    /// for the check after it): [`Context::month_totals`] takes them instead of working them out
    /// again.
    pub(super) fn knowing(self, totals: Vec<(Month, MonthTotals)>) -> Self {
        Context {
            known_totals: totals,
            ..self
        }
    }

    /// A month's totals and digest over the ledger rows dated in it.
    pub fn month_totals(&self, m: Month) -> std::borrow::Cow<'_, MonthTotals> {
        match self.known_totals.iter().find(|(k, _)| *k == m) {
            Some((_, t)) => std::borrow::Cow::Borrowed(t),
            None => std::borrow::Cow::Owned(MonthTotals::of(m, self.month_entries(m))),
        }
    }

    /// Of `items` (closes, settlements, each from a file), those a rule works out its findings
    /// about: all of them, unless it goes by file ([`super::Meta::by_file`]) and the records are
    /// checked for a change that wrote only files of closes/ and settlements/: then those of
    /// the files it wrote.
    pub fn in_question<'i, T>(
        &'i self,
        rule: &super::Meta,
        items: &'i [T],
        file: impl Fn(&T) -> &str + 'i,
    ) -> impl Iterator<Item = &'i T> + 'i {
        let only = self.changed_files.as_deref().filter(|_| rule.by_file);
        items
            .iter()
            .filter(move |item| only.is_none_or(|files| files.iter().any(|f| f == file(item))))
    }

    /// The roster's rows by pupil and term, worked out now if they were not yet.
    fn roster(&self) -> &Roster<'a> {
        self.roster.get_or_init(|| Roster::of(self.records))
    }

    /// The place in `records.pupils` of each pupil id: its first row.
    pub fn pupils(&self) -> &FastMap<Short, usize> {
        &self.roster().first
    }

    /// The places of the rows of the pupil whose first row is at `first`, in file order.
    pub fn rows_of(&self, first: usize) -> impl Iterator<Item = usize> + '_ {
        let next = &self.roster().next_row;
        std::iter::successors(Some(first), |&i| next.get(i).copied().flatten())
    }

    /// The pupil's row for a term: among the rows of the pupil whose first row is at `first`.
    fn row_for_term(&self, first: usize, term: Option<&Term>) -> Option<usize> {
        let term = term?;
        self.rows_of(first)
            .find(|&i| self.term_of_pupil(i).is_some_and(|t| std::ptr::eq(t, term)))
    }

    /// The term of the roster row at a place.
    pub fn term_of_pupil(&self, place: usize) -> Option<&'a Term> {
        self.roster().terms.get(place).copied().flatten()
    }

    /// A row of the pupil may be missing or unknown to the rules: it could not be read, or it
    /// names a term the plan does not have. What would follow from that is not reported.
    pub fn pupil_unread(&self, id: &str) -> bool {
        self.records.unread_pupils.covers(id) || self.roster().misnamed.contains(id)
    }

    /// Some roster row could not be read or names a term the plan does not have.
    pub fn roster_incomplete(&self) -> bool {
        self.records.unread_pupils.any() || !self.roster().misnamed.is_empty()
    }

    pub fn plan(&self) -> Option<&'a Plan> {
        self.records.plan.as_ref()
    }

    pub fn entries(&self) -> impl Iterator<Item = (&'a Entry, Option<&'a Term>)> + '_ {
        let facts = self.facts();
        self.records
            .entries
            .iter()
            .zip(facts.entry_named.iter().map(|&n| facts.named_at(n).term))
    }

    /// The ledger rows with what their period names, its days, their term and their pupil.
    pub fn rows(&self) -> impl Iterator<Item = Row<'a>> + '_ {
        self.rows_in(0..self.records.entries.len())
    }

    /// [`Context::rows`] at the places `range` of `records.entries` (none beyond its end).
    pub fn rows_in(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = Row<'a>> + '_ {
        let facts = self.facts();
        fn at(list: &[Place], range: std::ops::Range<usize>) -> &[Place] {
            list.get(range).unwrap_or_default()
        }
        let (named, known, pupils) = (
            at(&facts.entry_named, range.clone()),
            at(&facts.entry_known, range.clone()),
            at(&facts.entry_pupils, range.clone()),
        );
        let entries: &'a [Entry] = &self.records.entries;
        entries
            .get(range.clone())
            .unwrap_or_default()
            .iter()
            .zip(named)
            .zip(known.iter().zip(pupils))
            .map(|((entry, &n), (known, pupil))| {
                let named = facts.named_at(n);
                Row {
                    entry,
                    period: named.period,
                    days: named.days,
                    term: named.term,
                    known: known.get(),
                    pupil: pupil.get(),
                }
            })
    }

    /// The roster's pupil at a place of [`Row::pupil`] or [`Context::pupils`].
    pub fn pupil(&self, place: usize) -> &'a Pupil {
        &self.records.pupils[place]
    }

    /// The months that have ledger rows, in order.
    pub fn months(&self) -> &[Month] {
        &self.months
    }

    /// Indexes of the ledger rows dated in each month, worked out now if they were not yet.
    fn by_month(&self) -> &HashMap<Month, Vec<Place>> {
        self.by_month.get_or_init(|| rows_by_month(&self.records.entries))
    }

    pub fn month_entries(&self, m: Month) -> impl Iterator<Item = &'a Entry> + '_ {
        self.entries_at(self.by_month().get(&m).map_or(&[][..], Vec::as_slice))
    }

    /// The ledger rows at `places`, in their order.
    fn entries_at<'s>(&'s self, places: &'s [Place]) -> impl Iterator<Item = &'a Entry> + 's {
        places.iter().filter_map(|i| i.get().and_then(|i| self.records.entries.get(i)))
    }

    /// The rows that hold a contract or a category, in file order: pay, expense and grant rows,
    /// a few in a hundred. A rule about those columns goes over these instead of every row
    /// (each pass over a district's million rows was 10 to 18 ms of a check, most of it reading
    /// them from memory).
    pub fn entries_with_contract_or_category(&self) -> impl Iterator<Item = &'a Entry> + '_ {
        self.entries_at(self.with_apart.get_or_init(|| places_with_apart(&self.records.entries)))
    }

    /// Whether a term of the plan has days in month `m`.
    pub fn in_a_term(&self, m: Month) -> bool {
        self.term_months.iter().any(|(first, last)| *first <= m && m <= *last)
    }
}

#[cfg(test)]
pub(super) mod fixture {
    //! The clean fixture of tests/fixtures/clean, edited in memory by rule tests.
    use std::path::Path;

    use crate::findings::Finding;
    use crate::records::date::parse_date;
    use crate::records::{Records, Source};

    pub(crate) const PLAN: &str = include_str!("../../tests/fixtures/clean/plan.toml");
    pub(crate) const ROSTER: &str = include_str!("../../tests/fixtures/clean/roster.csv");
    pub(crate) const CONTRACTS: &str = include_str!("../../tests/fixtures/clean/contracts.csv");
    pub(crate) const LEDGER: &str = include_str!("../../tests/fixtures/clean/ledger.csv");
    pub(crate) const SURVEYS: &str = include_str!("../../tests/fixtures/clean/surveys.csv");
    pub(crate) const TODAY: &str = "2026-09-25";

    #[derive(Clone)]
    pub(crate) struct Fixture {
        files: Vec<(String, String)>,
        today: String,
    }

    /// A spring term after the clean fixture's autumn one.
    pub(crate) const SPRING: &str = "\n[[terms]]\nid = \"2027-spring\"\nstarts = 2027-02-22\nends = 2027-07-02\nsettle_by = 2027-06-25";

    /// P0001's renewal for spring, reviewed and agreed, under the `term` column.
    pub(crate) const RENEWAL: &str = "P0001,王小明,3,2,王建军,,2027-01-10,王建军,2027-01-12,2027-01-13,2027-02-22,,,2027-spring";

    /// The clean fixture with the spring term, and a `term` column on the roster.
    pub(crate) fn two_terms() -> Fixture {
        clean()
            .append("plan.toml", SPRING)
            .replace("roster.csv", "starts,ends,note\n", "starts,ends,note,term\n")
    }

    pub(crate) fn clean() -> Fixture {
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
        pub(crate) fn set(&self, file: &str, text: &str) -> Self {
            let mut f = self.clone();
            f.set_in_place(file, text);
            f
        }

        fn set_in_place(&mut self, file: &str, text: &str) {
            self.files.retain(|(f, _)| f != file);
            self.files.push((file.into(), text.into()));
        }

        pub(crate) fn replace(&self, file: &str, from: &str, to: &str) -> Self {
            let mut this = self.clone();
            let f = this.files.iter_mut().find(|(f, _)| f == file).expect("fixture file");
            assert!(f.1.contains(from), "{from:?} not in {file}");
            f.1 = f.1.replacen(from, to, 1);
            this
        }

        pub(crate) fn append(&self, file: &str, line: &str) -> Self {
            let mut this = self.clone();
            let f = this.files.iter_mut().find(|(f, _)| f == file).expect("fixture file");
            f.1.push_str(line);
            f.1.push('\n');
            this
        }

        pub(crate) fn today(&self, d: &str) -> Self {
            let mut this = self.clone();
            this.today = d.into();
            this
        }

        pub(crate) fn records(&self) -> Records {
            let mut src = Source::new(Path::new("/nonexistent-care-fixture"));
            for (f, t) in &self.files {
                src = src.with(f, t.clone().into_bytes());
            }
            Records::load_from(&src)
        }

        pub(crate) fn findings(&self) -> Vec<Finding> {
            crate::rules::check(&self.records(), parse_date(&self.today).unwrap())
        }

        /// (file, line) of every finding of one rule.
        pub(crate) fn fired(&self, rule: &str) -> Vec<(String, usize)> {
            self.findings()
                .into_iter()
                .filter(|f| f.rule == rule)
                .map(|f| (f.file, f.line))
                .collect()
        }
    }

    pub(crate) fn at(file: &str, line: usize) -> Vec<(String, usize)> {
        vec![(file.to_owned(), line)]
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::{RENEWAL, two_terms};
    use super::*;
    use crate::records::date::parse_date;

    /// The rows' periods, days, terms and pupils, kept once each and by four-byte places, are
    /// those worked out row by row, in a context that works them out at once and in one that
    /// works them out when first asked.
    #[test]
    fn each_rows_period_term_and_pupil_as_worked_out_plainly() {
        let today = parse_date("2027-08-02").expect("a date");
        rows_as_worked_out_plainly(|r| Context::new(r, today));
        rows_as_worked_out_plainly(|r| Context::rows_when_asked(r, today));
    }

    fn rows_as_worked_out_plainly(context: impl for<'r> Fn(&'r Records) -> Context<'r>) {
        let mut f = two_terms().append("roster.csv", RENEWAL);
        for row in [
            "2026-10-08,fee,280.00,P0001,,,2026-10,周强,,",
            "2026-10-08,fee,280.00,P0002,,,2026-10,周强,,",
            "2027-03-01,fee,280.00,P0001,,,2027-03,周强,,",
            "2027-03-01,fee,280.00,P0002,,,2027-spring,周强,,",
            "2027-01-20,refund,20.00,P0003,,,2026-autumn,周强,,",
            "2027-01-20,fee,20.00,P0009,,,2026-13,周强,,",
            "2027-08-01,expense,20.00,,,materials,,,,",
            "2026-09-01,fee,280.00,P0004,,,2027-02,周强,,",
        ] {
            f = f.append("ledger.csv", row);
        }
        let r = f.records();
        let plan = r.plan.as_ref().expect("the fixture's plan");
        let cx = context(&r);
        let same = |a: Option<&Term>, b: Option<&Term>| a.map(std::ptr::from_ref) == b.map(std::ptr::from_ref);
        assert_eq!(cx.rows().count(), r.entries.len());
        for (row, e) in cx.rows().zip(&r.entries) {
            let p = e.period.as_deref().and_then(|text| period(plan, text));
            assert_eq!(format!("{:?}", row.period), format!("{p:?}"), "line {}", e.line);
            assert_eq!(row.days, p.map(Period::days), "line {}", e.line);
            let term = term_of_period(plan, e, p);
            assert!(same(row.term, term), "line {}", e.line);
            let id = e.pupil_id.as_deref();
            assert_eq!(
                row.known,
                r.pupils.iter().position(|p| Some(p.id.as_str()) == id),
                "line {}",
                e.line
            );
            let pupil = r
                .pupils
                .iter()
                .position(|p| Some(p.id.as_str()) == id && term.is_some() && same(r.term_of_pupil(p), term));
            assert_eq!(row.pupil, pupil, "line {}", e.line);
        }
        assert!(
            cx.rows().any(|row| row.pupil.is_some_and(|p| p > 3)),
            "the renewal is a row of its own"
        );
        let mut months: Vec<Month> = r.entries.iter().map(|e| Month::of(e.date)).collect();
        months.sort_unstable();
        months.dedup();
        assert_eq!(cx.months(), months);
        for stretch in 1..=r.entries.len() + 1 {
            assert_eq!(months_in_stretches(&r.entries, stretch), months, "{stretch} rows at a time");
            let places = |by: &HashMap<Month, Vec<Place>>| -> Vec<(Month, Vec<Option<usize>>)> {
                let mut v: Vec<_> = by.iter().map(|(m, p)| (*m, p.iter().map(|p| p.get()).collect())).collect();
                v.sort_unstable_by_key(|(m, _)| *m);
                v
            };
            assert_eq!(
                places(&rows_by_month_in_stretches(&r.entries, stretch)),
                places(cx.by_month()),
                "{stretch} rows at a time"
            );
        }
        let apart: Vec<usize> = cx
            .entries_with_contract_or_category()
            .map(|e| r.entries.iter().position(|x| std::ptr::eq(x, e)).unwrap_or(usize::MAX))
            .collect();
        let plain: Vec<usize> = (0..r.entries.len())
            .filter(|&i| r.entries[i].contract_id().is_some() || r.entries[i].category().is_some())
            .collect();
        assert!(!plain.is_empty() && plain.len() < r.entries.len());
        assert_eq!(apart, plain);
        assert_eq!(cx.by_month().len(), months.len());
        for (m, rows) in cx.by_month() {
            let plain: Vec<usize> = (0..r.entries.len()).filter(|&i| Month::of(r.entries[i].date) == *m).collect();
            assert_eq!(
                rows.iter().map(|p| p.get()).collect::<Vec<_>>(),
                plain.into_iter().map(Some).collect::<Vec<_>>()
            );
        }
        assert_eq!(Place::of(None).get(), None);
        assert_eq!(Place::of(Some(7)).get(), Some(7));
    }
}
