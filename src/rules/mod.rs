//! The rules of SPEC §7. Each rule is a unit struct declared once, in its own file, with
//! [`rule!`]: its id, severity, policy clause, fix hint and page of docs/rules all come from that
//! declaration. `REGISTRY` lists them all. Rules return findings; rendering is elsewhere.

/// Declares a rule: `Name: "family" / "name", Severity, reads LEDGER | PLAN [by pupil | by file],
/// "policy clause", "hint zh", "hint en"`. `reads` names every part of the records ([`Inputs`])
/// its findings can depend on: a write that changes none of them does not check the rule again.
/// `by pupil`: see [`Meta::by_pupil`]; `by file`: see [`Meta::by_file`].
/// The id is `family/name`; its page, docs/rules/family-name.md, is embedded for `care explain`
/// (a rule without its page does not compile).
macro_rules! rule {
    ($(#[$attr:meta])* $name:ident: $family:literal / $rule:literal, $severity:ident, reads $($input:ident)|+ by pupil, $($rest:tt)*) => {
        rule!(@ $(#[$attr])* $name: $family / $rule, $severity, [$($input)|+], true, false, $($rest)*);
    };
    ($(#[$attr:meta])* $name:ident: $family:literal / $rule:literal, $severity:ident, reads $($input:ident)|+ by file, $($rest:tt)*) => {
        rule!(@ $(#[$attr])* $name: $family / $rule, $severity, [$($input)|+], false, true, $($rest)*);
    };
    ($(#[$attr:meta])* $name:ident: $family:literal / $rule:literal, $severity:ident, reads $($input:ident)|+, $($rest:tt)*) => {
        rule!(@ $(#[$attr])* $name: $family / $rule, $severity, [$($input)|+], false, false, $($rest)*);
    };
    (@ $(#[$attr:meta])* $name:ident: $family:literal / $rule:literal, $severity:ident, [$($input:ident)|+], $by_pupil:literal, $by_file:literal, $policy:literal, $zh:literal, $en:literal $(,)?) => {
        $(#[$attr])*
        pub struct $name;

        impl $name {
            pub const ID: &'static str = concat!($family, "/", $rule);
            const META: $crate::rules::Meta = $crate::rules::Meta {
                id: Self::ID,
                severity: $crate::findings::Severity::$severity,
                reads: $crate::rules::Inputs::NONE$(.and($crate::rules::Inputs::$input))+,
                by_pupil: $by_pupil,
                by_file: $by_file,
                policy: $policy,
                hint: ($zh, $en),
                page: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules/", $family, "-", $rule, ".md")),
            };
        }

        impl $crate::rules::Declared for $name {
            fn meta(&self) -> &'static $crate::rules::Meta {
                &Self::META
            }
        }
    };
}

/// The [`Rule`] of a rule that judges each ledger row on its own (`impl EachRow for Name`).
macro_rules! by_row {
    ($name:ident) => {
        impl $crate::rules::Rule for $name {
            fn check(&self, cx: &$crate::rules::Context, out: &mut Vec<$crate::findings::Finding>) {
                $crate::rules::each_row::alone(self, cx, out)
            }

            fn each_row(&self) -> Option<&dyn $crate::rules::each_row::ByRow> {
                Some(self)
            }
        }
    };
}

pub mod by_pupil;
pub mod campus;
pub mod committee;
pub mod consent;
pub mod content;
mod context;
pub mod demand;
pub mod disclosure;
mod each_row;
pub mod fees;
pub mod format;
mod inputs;
pub mod ledger;
pub(crate) mod per_pupil;
pub mod plan;
#[cfg(test)]
mod reads_props;
pub mod refs;
pub mod school;
pub mod settlement;
pub mod staff;
pub mod survey;

pub use context::Context;
pub use inputs::Inputs;

use crate::findings::{Finding, Msg, Severity};
use crate::records::{Date, Records};

/// What a rule is, for findings and for `care explain`.
pub struct Meta {
    pub id: &'static str,
    pub severity: Severity,
    /// The parts of the records its findings can depend on.
    pub reads: Inputs,
    /// It goes by pupil: rows about some pupils appended to the records (ledger, roster or
    /// leave rows that name them) add an error by it to the whole records only if they add one
    /// to the records that hold, of the ledger, only those pupils' rows. So does a rule whose
    /// findings about the ledger are each about one row, or about one pupil's rows, or count or
    /// look for rows (how many fees, the first row of a month) so that a new row changes the
    /// finding on both. A write about some pupils checks such a rule on those pupils' ledger
    /// rows alone (`cmd::write`); `reads_props` holds the rules to it over random records.
    pub by_pupil: bool,
    /// It goes by file: each of its findings is about one file of closes/ or settlements/ (a
    /// month's close, a term's settlement) and depends only on that file and on parts of the
    /// records other than [`Inputs::CLOSES`] and [`Inputs::SETTLEMENTS`]. A change to some of
    /// those files alone changes only its findings about them, and it looks at no other
    /// ([`Context::in_question`], [`check_changed`]): a month's close does not work out again
    /// the digests of the months closed before it. `reads_props` holds it over random records.
    pub by_file: bool,
    /// The policy clause it comes from, e.g. `二(四)`.
    pub policy: &'static str,
    /// How to fix a finding, in Chinese and English.
    pub hint: (&'static str, &'static str),
    /// Its page of docs/rules, in both languages.
    pub page: &'static str,
}

/// What [`rule!`] gives a rule.
pub trait Declared {
    fn meta(&self) -> &'static Meta;

    /// A finding of this rule at a place.
    fn finding(&self, file: &str, line: usize, message: Msg) -> Finding {
        let m = self.meta();
        Finding {
            rule: m.id,
            severity: m.severity,
            file: file.to_owned(),
            line,
            message,
            hint: Msg::new(m.hint.0, m.hint.1),
        }
    }
}

pub trait Rule: Declared + Sync {
    fn check(&self, cx: &Context, out: &mut Vec<Finding>);

    /// The rule as one that judges each ledger row on its own ([`each_row::EachRow`]), which a
    /// check runs over the rows together with the others.
    fn each_row(&self) -> Option<&dyn each_row::ByRow> {
        None
    }
}

/// Every rule, one line each, in the order of SPEC §7 and docs/rules/README.md.
pub static REGISTRY: &[&dyn Rule] = &[
    &format::Parse,
    &format::MissingColumn,
    &format::UnknownColumn,
    &format::DuplicateId,
    &format::Amount,
    &refs::UnknownPupil,
    &refs::UnknownContract,
    &plan::LeadershipHead,
    &plan::Terms,
    &consent::Unsigned,
    &consent::Order,
    &consent::NoAgreement,
    &consent::FeeWithoutAgreement,
    &committee::Missing,
    &committee::FeeBeforeCommittee,
    &committee::Collector,
    &fees::Unpublished,
    &fees::OverStandard,
    &fees::RefundDue,
    &fees::PrepaidAcrossTerms,
    &school::Collector,
    &plan::Policy,
    &campus::VenueCost,
    &content::BannedActivity,
    &demand::NoApplicants,
    &staff::Unsigned,
    &staff::Unqualified,
    &staff::NoBackgroundCheck,
    &staff::PayOutsideContract,
    &ledger::NoTerm,
    &ledger::Period,
    &disclosure::MonthNotClosed,
    &disclosure::ClosedMonthChanged,
    &disclosure::CloseOrder,
    &settlement::Missing,
    &settlement::Late,
    &settlement::Stale,
    &settlement::RefundMismatch,
    &survey::Score,
    &survey::Missing,
    &survey::LowRenewal,
];

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    REGISTRY.iter().copied().find(|r| r.meta().id == id)
}

/// The rules that take longest over a large ledger, longest first, started first so that two
/// cores finish together: a rule of 15 ms left for last ran alone at the end of a district's
/// check. In the order of their times on the district repo of docs/performance.md (from 140 ms
/// down to 5 ms; `campus/venue-cost` lists the rows with a contract or category for the rules
/// after it); `settlement/stale` goes over every settled term's rows.
const SLOW_FIRST: &[&str] = &[
    disclosure::ClosedMonthChanged::ID,
    settlement::Stale::ID,
    fees::OverStandard::ID,
    fees::RefundDue::ID,
    ledger::Period::ID,
    campus::VenueCost::ID,
    demand::NoApplicants::ID,
    format::DuplicateId::ID,
];

/// Every finding of every rule over the records, sorted by file and line.
pub fn check(records: &Records, today: Date) -> Vec<Finding> {
    check_and(records, today, |_| ()).0
}

/// [`check`], and what `also` works out from the same context beside the rules (a district's
/// figures that rules also need, such as the refunds due).
pub fn check_and<T: Send>(records: &Records, today: Date, also: impl FnOnce(&Context) -> T + Send) -> (Vec<Finding>, T) {
    let (by_rule, more) = check_each_and(records, today, |_| true, || (), also);
    (merge(by_rule.into_iter().map(|(_, f)| f)), more)
}

/// The findings that can change when a change to `files` (paths in the records directory)
/// changes only `parts` of the records: those of the rules that read any of them, and, when it
/// changes nothing but files of closes/ and settlements/, of a rule that goes by file
/// ([`Meta::by_file`]) only those about the files. The errors the change adds
/// ([`crate::store::new_errors`] of these findings before it and after it) are the errors it
/// adds to the findings of every rule.
pub fn check_changed(records: &Records, today: Date, parts: Inputs, files: &[&str]) -> Vec<Finding> {
    check_changed_knowing(records, today, parts, files, Vec::new())
}

/// [`check_changed`], given months' totals over the rows of `records` worked out already.
pub fn check_changed_knowing(
    records: &Records,
    today: Date,
    parts: Inputs,
    files: &[&str],
    totals: Vec<(crate::records::Month, crate::records::closes::MonthTotals)>,
) -> Vec<Finding> {
    let wanted = |m: &Meta| m.reads.meets(parts);
    if !REGISTRY.iter().any(|r| wanted(r.meta())) {
        return Vec::new();
    }
    // A change to closes/ or settlements/ alone is checked by rules that mostly look at those
    // files and the months' totals: the rows' facts are worked out only if one asks.
    let cx = if parts.within(Inputs::CLOSES.and(Inputs::SETTLEMENTS)) {
        Context::rows_when_asked(records, today).in_question_only(files)
    } else {
        Context::new(records, today)
    };
    let cx = cx.knowing(totals);
    merge(check_each_in(&cx, wanted, || (), |_| ()).0.into_iter().map(|(_, f)| f))
}

/// The findings of several rules as one list, sorted by file and line, each once.
pub fn merge(by_rule: impl IntoIterator<Item = Vec<Finding>>) -> Vec<Finding> {
    let mut out: Vec<Finding> = by_rule.into_iter().flatten().collect();
    crate::findings::sort(&mut out);
    out.dedup();
    out
}

/// The findings of each rule that `wanted` picks, by the rule's id, in the order of the registry,
/// and what `also` works out from the same context beside them; `ahead` is done on the other
/// core before its first rule (see [`check_each_in`]).
pub fn check_each_and<T: Send>(
    records: &Records,
    today: Date,
    wanted: impl Fn(&Meta) -> bool,
    ahead: impl FnOnce() + Send,
    also: impl FnOnce(&Context) -> T + Send,
) -> (Vec<(&'static str, Vec<Finding>)>, T) {
    check_each_in(&Context::new(records, today), wanted, ahead, also)
}

/// [`check_each_and`] in a context already built.
fn check_each_in<T: Send>(
    cx: &Context,
    wanted: impl Fn(&Meta) -> bool,
    ahead: impl FnOnce() + Send,
    also: impl FnOnce(&Context) -> T + Send,
) -> (Vec<(&'static str, Vec<Finding>)>, T) {
    let sizes = (each_row::PART, each_row::STRETCH);
    check_each_sized(cx, wanted, ahead, also, sizes)
}

/// [`check_each_in`], the rules that judge each row on its own given the rows in parts of
/// `part` rows, each a stretch of `stretch` rows at a time ([`each_row`]).
fn check_each_sized<T: Send>(
    cx: &Context,
    wanted: impl Fn(&Meta) -> bool,
    ahead: impl FnOnce() + Send,
    also: impl FnOnce(&Context) -> T + Send,
    (part, stretch): (usize, usize),
) -> (Vec<(&'static str, Vec<Finding>)>, T) {
    let mut order: Vec<usize> = (0..REGISTRY.len()).filter(|&i| wanted(REGISTRY[i].meta())).collect();
    order.sort_by_key(|&i| {
        SLOW_FIRST
            .iter()
            .position(|id| *id == REGISTRY[i].meta().id)
            .unwrap_or(SLOW_FIRST.len())
    });
    // The rules that judge each row on its own go over the rows together, a part of the rows at
    // a time; the parts are taken after the slow rules, as rules are.
    let mut by_row = each_row::Together::take(cx, &mut order);
    let parts = match by_row.is_empty() {
        true => Vec::new(),
        false => each_row::parts(cx.records.entries.len(), part),
    };
    let slow = order.iter().take_while(|&&i| SLOW_FIRST.contains(&REGISTRY[i].meta().id)).count();
    let jobs: Vec<Job> = (order[..slow].iter().map(|&i| Job::Rule(i)))
        .chain((0..parts.len()).map(Job::Part))
        .chain(order[slow..].iter().map(|&i| Job::Rule(i)))
        .collect();
    // Two workers take the jobs in that order; each rule's findings keep its place in the
    // registry, so the result is the same as one rule after another. Work that must end before
    // the command can is done first, so that it is not left to run alone once the rules are
    // done: the first worker does `ahead` (a close's month digest), the second `also` (the rest
    // of its disclosure, which then takes the digest, and its rendering).
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(Job, Vec<Vec<Finding>>)> = Vec::new();
        loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&job) = jobs.get(k) else { break };
            let found = match job {
                Job::Rule(i) => {
                    let mut out = Vec::new();
                    REGISTRY[i].check(cx, &mut out);
                    vec![out]
                }
                Job::Part(p) => by_row.stretches(cx, parts[p].clone(), stretch),
            };
            done.push((job, found));
        }
        done
    };
    let first = || {
        ahead();
        work()
    };
    let (mut done, (theirs, more)) = rayon::join(first, || {
        let more = also(cx);
        (work(), more)
    });
    done.extend(theirs);
    // Parts in the order of the rows.
    done.sort_by_key(|(job, _)| *job);
    let mut by_rule: Vec<(usize, Vec<Finding>)> = Vec::new();
    for (job, found) in done {
        match job {
            Job::Rule(i) => by_rule.extend(found.into_iter().map(|f| (i, f))),
            Job::Part(_) => by_row.add(found),
        }
    }
    by_rule.extend(by_row.finish(cx));
    by_rule.sort_by_key(|(i, _)| *i);
    (by_rule.into_iter().map(|(i, f)| (REGISTRY[i].meta().id, f)).collect(), more)
}

/// What a worker of [`check_each_in`] does at a time: a rule by its place in the registry, or
/// the rules that judge each row on its own over a part of the rows.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Job {
    Rule(usize),
    Part(usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules that judge each row on its own find over the rows together, in parts and
    /// stretches of any size, what each finds on its own: the same findings in the same order.
    #[test]
    fn rules_over_the_rows_together_find_what_each_finds_alone() {
        use context::fixture::clean;
        let f = clean()
            .replace("plan.toml", "published_on = 2026-08-18", "published_on = 2026-09-02")
            .replace("plan.toml", "established_on = 2026-06-20", "established_on = 2026-09-03")
            .append("ledger.csv", "2026-09-20,fee,-5.00,P0001,,,2026-09,周强,,")
            .append("ledger.csv", "2026-09-20,fee,5.001,P0001,,,2026-09,周强,,")
            .append("ledger.csv", "2026-09-21,fee,5.00,P9999,,,2026-09,周强,,")
            .append("ledger.csv", "2026-09-21,fee,5.00,P0002,,,2026-09,某人,,")
            .append("ledger.csv", "2026-09-22,fee,5.00,P0002,,,2026-09,,,")
            .append("ledger.csv", "2025-09-22,fee,5.00,P0002,,,2025-09,周强,,")
            .replace("contracts.csv", ",60.00,hour,", ",60.005,hour,");
        let records = f.records();
        let today = crate::records::date::parse_date("2026-09-25").unwrap();
        let cx = Context::new(&records, today);
        let alone: Vec<(&str, Vec<Finding>)> = REGISTRY
            .iter()
            .map(|r| {
                let mut out = Vec::new();
                r.check(&cx, &mut out);
                (r.meta().id, out)
            })
            .collect();
        let fired_by_row = alone
            .iter()
            .filter(|(id, out)| find(id).is_some_and(|r| r.each_row().is_some()) && !out.is_empty())
            .count();
        assert!(fired_by_row >= 6, "the records make most of the rules by row fire: {fired_by_row}");
        let rows = records.entries.len();
        for part in [1, 2, 3, rows - 1, rows, each_row::PART] {
            for stretch in [1, 2, 5, each_row::STRETCH] {
                let (together, ()) = check_each_sized(&cx, |_| true, || (), |_| (), (part, stretch));
                assert_eq!(together, alone, "parts of {part} rows, stretches of {stretch}");
            }
        }
    }

    /// Each rule's own tests show where it fires; none of them fires on the clean fixture.
    #[test]
    fn the_clean_fixture_is_clean_under_every_rule() {
        let f = context::fixture::clean();
        assert_eq!(f.findings(), vec![]);
        assert!(context::fixture::clean().today("2026-10-10").findings().is_empty());
    }

    #[test]
    fn every_rule_is_registered_once_with_its_page() {
        let mut ids: Vec<&str> = REGISTRY.iter().map(|r| r.meta().id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), REGISTRY.len());
        for r in REGISTRY {
            let m = r.meta();
            assert_eq!(m.page.lines().next(), Some(format!("# {}", m.id).as_str()));
            assert!(find(m.id).is_some_and(|f| std::ptr::eq(f.meta(), m)));
        }
        // docs/rules holds the page of every registered rule and no other.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
        let mut pages: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "README.md")
            .collect();
        pages.sort();
        let mut named: Vec<String> = ids.iter().map(|id| format!("{}.md", id.replace('/', "-"))).collect();
        named.sort();
        assert_eq!(pages, named);
    }

    #[test]
    fn slow_rules_are_registered() {
        assert!(SLOW_FIRST.iter().all(|id| find(id).is_some()));
    }
}
