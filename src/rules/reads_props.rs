//! Each rule reads no more than its `reads` declares: a change to any other part of the records
//! leaves its findings as they were, so a write that checks only the rules reading what it
//! changes refuses exactly what a check of every rule would. Random records, changed one part at
//! a time.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use super::context::fixture::{CONTRACTS, LEDGER, PLAN, RENEWAL, ROSTER, SPRING, SURVEYS};
use super::{Inputs, REGISTRY};
use crate::domain::close::MonthTotals;
use crate::findings::Finding;
use crate::records::date::parse_date;
use crate::records::{Month, Records, Source, closes, settlements};

/// The record files by path, and the day they are checked on.
#[derive(Clone, Debug)]
struct Repo {
    files: BTreeMap<String, String>,
    today: &'static str,
}

impl Repo {
    fn clean(today: &'static str) -> Repo {
        let mut files = BTreeMap::new();
        files.insert("plan.toml".to_owned(), format!("{PLAN}{SPRING}\n"));
        let roster = ROSTER.replacen("starts,ends,note\n", "starts,ends,note,term\n", 1);
        files.insert("roster.csv".to_owned(), roster);
        files.insert("contracts.csv".to_owned(), CONTRACTS.to_owned());
        files.insert("ledger.csv".to_owned(), LEDGER.to_owned());
        files.insert("surveys.csv".to_owned(), SURVEYS.to_owned());
        files.insert("leave.csv".to_owned(), "pupil_id,from,to,reason\n".to_owned());
        Repo { files, today }
    }

    /// The clean records on `today` with the edits made in turn.
    fn with<'e>(today: &'static str, edits: impl IntoIterator<Item = &'e Edit>) -> Repo {
        let mut repo = Repo::clean(today);
        for e in edits {
            repo.apply(e);
        }
        repo
    }

    fn source(&self) -> Source {
        let mut src = Source::new(Path::new("/nonexistent-care-fixture"));
        for (f, t) in &self.files {
            src = src.with(f, t.clone().into_bytes());
        }
        src
    }

    fn records(&self) -> Records {
        Records::load_from(&self.source())
    }

    /// Writes the files into `dir`, as a records directory holds them.
    fn write_to(&self, dir: &Path) {
        for (f, t) in &self.files {
            let path = dir.join(f);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("a test folder");
            }
            std::fs::write(path, t).expect("a test file");
        }
    }

    /// The records with, of the ledger, only the rows of `pupils` (a write about them reads).
    fn records_of(&self, pupils: &[String]) -> Records {
        Records::load_from(&self.source().pupils_only(crate::records::ledger::FILE, pupils.to_vec()))
    }

    fn findings(&self) -> Vec<Finding> {
        crate::rules::check(&self.records(), self.day())
    }

    fn day(&self) -> crate::records::Date {
        parse_date(self.today).expect("a test date")
    }

    /// The paths of the files that differ from those of `before`.
    fn files_changed_from<'a>(&'a self, before: &'a Repo) -> Vec<&'a str> {
        let mut paths: Vec<&str> = self.files.keys().chain(before.files.keys()).map(String::as_str).collect();
        paths.sort_unstable();
        paths.dedup();
        paths.retain(|p| self.files.get(*p) != before.files.get(*p));
        paths
    }

    fn append(&mut self, file: &str, line: &str) {
        let text = self.files.entry(file.to_owned()).or_default();
        text.push_str(line);
        text.push('\n');
    }

    fn replace(&mut self, file: &str, from: &str, to: &str) {
        if let Some(text) = self.files.get_mut(file) {
            *text = text.replacen(from, to, 1);
        }
    }

    /// Applies an edit, which changes the files of one part only.
    fn apply(&mut self, e: &Edit) {
        match e {
            Edit::Plan(from, to) => self.replace("plan.toml", from, to),
            Edit::Append(file, line) => self.append(file, line),
            Edit::Close(month, on, opening) => {
                let r = self.records();
                let month = Month::of(parse_date(month).expect("a test month"));
                let t = MonthTotals::of(month, &r.entries);
                let on = parse_date(on).expect("a test date");
                let opening = crate::records::Money::parse(opening).expect("a test amount");
                self.files.insert(closes::path(month), closes::render(month, on, opening, &t));
            }
            Edit::Settle(term, on, damage) => {
                let r = self.records();
                let Some(plan) = r.plan.as_ref() else { return };
                let Some(t) = plan.terms.iter().find(|t| t.id == *term) else {
                    return;
                };
                let basis = plan.fees.as_ref().map(|f| f.refund_basis).unwrap_or_default();
                let on = parse_date(on).expect("a test date");
                let Ok(o) = crate::domain::settle::settle(plan, t, basis, on, &r.entries, &r.pupils, &r.leave) else {
                    return;
                };
                let mut csv = settlements::render_csv(o.families.iter().map(|f| (f.pupil_id.as_str(), f.paid, f.share, f.refund)));
                if *damage {
                    csv = csv.replacen(".", "9.", 1);
                }
                self.files
                    .insert(settlements::toml_path(term), settlements::render_toml(&o.summary()));
                self.files.insert(settlements::csv_path(term), csv);
            }
        }
    }
}

/// A change to the files of one part of the records.
#[derive(Clone, Debug)]
enum Edit {
    /// A text of plan.toml replaced.
    Plan(&'static str, &'static str),
    /// A line added to a CSV file.
    Append(&'static str, String),
    /// The month of a day closed on a day with an opening balance, over the ledger as it is.
    Close(&'static str, &'static str, &'static str),
    /// A term settled on a day over the records as they are; its table damaged or not.
    Settle(&'static str, &'static str, bool),
}

impl Edit {
    fn part(&self) -> Inputs {
        match self {
            Edit::Plan(..) => Inputs::PLAN,
            Edit::Append(file, _) => Inputs::of_file(file),
            Edit::Close(..) => Inputs::CLOSES,
            Edit::Settle(..) => Inputs::SETTLEMENTS,
        }
    }
}

const DAYS: &[&str] = &[
    "2026-08-10",
    "2026-08-30",
    "2026-09-01",
    "2026-09-03",
    "2026-09-15",
    "2026-09-30",
    "2026-10-01",
    "2026-10-12",
    "2026-11-02",
    "2026-12-20",
    "2027-01-20",
    "2027-01-25",
    "2027-02-22",
    "2027-03-03",
    "2027-06-30",
    "2027-07-05",
];
/// The days the records are checked on: in the autumn term, at its end, after it, a term later.
const TODAYS: &[&str] = &["2026-09-25", "2026-12-20", "2027-02-10", "2027-08-01"];
const PUPILS: &[&str] = &["P0001", "P0002", "P0003", "P0004", "P0005", "P0099", ""];
const PEOPLE: &[&str] = &["王建军", "李华", "周强", "陈静", "吴芳", "赵老师", ""];
const AMOUNTS: &[&str] = &["280.00", "140", "30.5", "1000.00", "0", "-5.00", "1.234", "x"];
const PERIODS: &[&str] = &[
    "2026-09",
    "2026-10",
    "2026-12",
    "2027-03",
    "2026-autumn",
    "2027-spring",
    "2026-13",
    "",
];
const TERMS: &[&str] = &["2026-autumn", "2027-spring", "2027-sprig", ""];

fn one(list: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(list)
}

fn day() -> impl Strategy<Value = &'static str> {
    one(DAYS)
}

/// A day or none.
fn maybe_day() -> impl Strategy<Value = &'static str> {
    prop::option::of(day()).prop_map(|d| d.unwrap_or(""))
}

fn ledger_row() -> impl Strategy<Value = Edit> {
    let kind = one(&["fee", "fee", "fee", "refund", "pay", "expense", "grant", "gift"]);
    let contract = one(&["C001", "C002", "C009", ""]);
    let category = one(&["materials", "水电", "场地租金", ""]);
    (
        day(),
        kind,
        one(AMOUNTS),
        one(PUPILS),
        contract,
        category,
        one(PERIODS),
        one(PEOPLE),
    )
        .prop_map(|(date, kind, amount, pupil, contract, category, period, by)| {
            Edit::Append(
                "ledger.csv",
                format!("{date},{kind},{amount},{pupil},{contract},{category},{period},{by},,"),
            )
        })
}

fn roster_row() -> impl Strategy<Value = Edit> {
    let row = (
        one(PUPILS),
        one(PEOPLE),
        day(),
        maybe_day(),
        maybe_day(),
        maybe_day(),
        maybe_day(),
        one(TERMS),
    )
        .prop_map(|(id, signed_by, applied, reviewed, agreed, starts, ends, term)| {
            Edit::Append(
                "roster.csv",
                format!("{id},某某,2,1,王建军,,{applied},{signed_by},{reviewed},{agreed},{starts},{ends},,{term}"),
            )
        });
    prop_oneof![4 => row, 1 => Just(Edit::Append("roster.csv", RENEWAL.to_owned()))]
}

fn contract_row() -> impl Strategy<Value = Edit> {
    let id = one(&["C001", "C004", "C005"]);
    let name = one(&["赵老师", "孙家长", "新老师"]);
    let kind = one(&["school", "parent", "professional"]);
    let rate = one(&["40.00", "1.234", "-1", ""]);
    let note = one(&["", "续聘"]);
    (id, name, kind, day(), day(), day(), maybe_day(), maybe_day(), rate, note).prop_map(
        |(id, name, kind, signed, starts, ends, qualified, background, rate, note)| {
            Edit::Append(
                "contracts.csv",
                format!("{id},{name},{kind},体育,{signed},{starts},{ends},{qualified},{background},{rate},hour,{note}"),
            )
        },
    )
}

fn survey_row() -> impl Strategy<Value = Edit> {
    let contract = one(&["C001", "C002", "C004", "C009"]);
    let respondent = one(&["parent", "pupil", "teacher"]);
    let score = one(&["1", "2", "5", "7", "x"]);
    (contract, day(), respondent, score).prop_map(|(c, d, who, score)| Edit::Append("surveys.csv", format!("{c},{d},{who},{score},")))
}

fn leave_row() -> impl Strategy<Value = Edit> {
    (one(PUPILS), day(), day()).prop_map(|(p, from, to)| Edit::Append("leave.csv", format!("{p},{from},{to},病假")))
}

fn plan_edit() -> impl Strategy<Value = Edit> {
    let edits: &[(&str, &str)] = &[
        ("[school]\n", "[policy]\nmodel = \"school\"\n\n[school]\nfinance = [\"周强\"]\n"),
        ("amount = \"280.00\"", "amount = \"250.00\""),
        ("published_on = 2026-08-18", "published_on = 2026-09-02"),
        ("basis = \"monthly\"", "basis = \"term\""),
        ("refund_basis = \"paid\"", "refund_basis = \"days\""),
        ("refund_basis = \"paid\"", "refund_basis = \"paid\"\nrefund_rule = \"daily\""),
        ("head = \"王建国\"", "head = \"李红\""),
        ("members = [\"陈静\", \"周强\", \"吴芳\"]", "members = [\"陈静\", \"吴芳\"]"),
        ("established_on = 2026-06-20", "established_on = 2026-09-02"),
        ("settle_by = 2027-01-15", "settle_by = 2027-01-25"),
        ("ends = 2027-01-22", "ends = 2027-03-01"),
        ("\"拓展训练\"]", "\"拓展训练\", \"补课\"]"),
        ("close_within_days = 10", "close_within_days = 40"),
        ("renew_below = \"3.0\"", "renew_below = \"4.5\""),
        ("[[terms]]\nid = \"2027-spring\"", "[[terms]]\nid = \"2027-spring\"\nname = 1"),
    ];
    prop::sample::select(edits).prop_map(|(from, to)| Edit::Plan(from, to))
}

fn close_edit() -> impl Strategy<Value = Edit> {
    let month = one(&["2026-09-01", "2026-10-01", "2026-11-01"]);
    let on = one(&["2026-10-05", "2026-11-20", "2026-12-02"]);
    let opening = one(&["0", "0", "12.00"]);
    let close = (month, on, opening).prop_map(|(m, on, o)| Edit::Close(m, on, o));
    let reopen =
        one(&["2026-09", "2026-10"]).prop_map(|m| Edit::Append("closes/reopened.csv", format!("month,date,reason\n{m},2026-11-03,更正")));
    prop_oneof![3 => close, 1 => reopen]
}

fn settle_edit() -> impl Strategy<Value = Edit> {
    (
        one(&["2026-autumn", "2027-spring"]),
        one(&["2027-01-10", "2027-01-20", "2027-06-30"]),
        any::<bool>(),
    )
        .prop_map(|(t, on, damage)| Edit::Settle(t, on, damage))
}

/// An edit of each part, in the order of [`Inputs`].
fn edit_of_each_part() -> impl Strategy<Value = Vec<Edit>> {
    (
        plan_edit(),
        roster_row(),
        contract_row(),
        ledger_row(),
        survey_row(),
        leave_row(),
        close_edit(),
        settle_edit(),
    )
        .prop_map(|(a, b, c, d, e, f, g, h)| vec![a, b, c, d, e, f, g, h])
}

fn any_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        1 => plan_edit(),
        1 => roster_row(),
        1 => contract_row(),
        3 => ledger_row(),
        1 => survey_row(),
        1 => leave_row(),
        1 => close_edit(),
        1 => settle_edit(),
    ]
}

/// The parts an edit changes, as a write works them out: a row appended to a file that reads
/// without a finding, to records whose file reads whole, by [`Inputs::of_appended`].
fn changed_part(edit: &Edit, before: &Records, after: &Records) -> Inputs {
    let rows = |r: &Records, file: &str| crate::records::TABLES.iter().find(|t| t.file() == file).map(|t| t.len(r));
    match edit {
        Edit::Append(file, _)
            if before.problems.iter().all(|f| f.file != *file)
                && after.problems.len() == before.problems.len()
                && rows(after, file).is_some_and(|n| Some(n) == rows(before, file).map(|b| b + 1)) =>
        {
            Inputs::of_appended(after, file, rows(before, file).unwrap_or_default())
        }
        _ => edit.part(),
    }
}

fn of_rule<'f>(findings: &'f [Finding], id: &str) -> Vec<&'f Finding> {
    findings.iter().filter(|f| f.rule == id).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_rule_finds_the_same_when_a_part_it_does_not_read_changes(
        today in one(TODAYS),
        shape in prop::collection::vec(plan_edit(), 0..4),
        base in prop::collection::vec(any_edit(), 0..12),
        edits in edit_of_each_part(),
    ) {
        let repo = Repo::with(today, shape.iter().chain(&base));
        let (records, before) = (repo.records(), repo.findings());
        for edit in &edits {
            let mut changed = repo.clone();
            changed.apply(edit);
            let part = changed_part(edit, &records, &changed.records());
            let after = changed.findings();
            for rule in REGISTRY.iter().map(|r| r.meta()).filter(|m| !m.reads.meets(part)) {
                prop_assert_eq!(
                    of_rule(&before, rule.id),
                    of_rule(&after, rule.id),
                    "{} does not declare that it reads {:?}, which {:?} changes",
                    rule.id,
                    part,
                    edit
                );
            }
            // What a write refuses: the errors the change adds, by the rules it concerns, on
            // the files it writes.
            let files = changed.files_changed_from(&repo);
            let only = |r: &Repo| crate::rules::check_changed(&r.records(), r.day(), part, &files);
            prop_assert_eq!(
                crate::store::new_errors(&only(&repo), &only(&changed)),
                crate::store::new_errors(&before, &after)
            );
            // A close hands the check after it the month's totals it worked out on the rows.
            if let Edit::Close(day, ..) = edit {
                let month = Month::of(parse_date(day).expect("a test month"));
                let known = vec![(month, MonthTotals::of(month, &records.entries))];
                let knowing = crate::rules::check_changed_knowing(&changed.records(), changed.day(), part, &files, known);
                prop_assert_eq!(
                    crate::store::new_errors(&only(&repo), &knowing),
                    crate::store::new_errors(&before, &after)
                );
            }
        }
    }
}

/// A row that a write about a pupil appends: a leave, an application, a row of money.
fn row_about_a_pupil() -> impl Strategy<Value = Edit> {
    let money = (
        day(),
        one(&["fee", "fee", "fee", "refund", "refund", "pay", "expense", "grant"]),
        one(AMOUNTS),
        one(PUPILS),
        one(&["", "", "", "C001", "C009"]),
        one(&["", "", "", "水电"]),
        one(PERIODS),
        one(PEOPLE),
    )
        .prop_map(|(date, kind, amount, pupil, contract, category, period, by)| {
            Edit::Append(
                "ledger.csv",
                format!("{date},{kind},{amount},{pupil},{contract},{category},{period},{by},,"),
            )
        });
    // Rows as a clerk enters them: a month's fee collected by a member, a settlement payout.
    let fee = (
        one(&[
            "2026-09-01",
            "2026-09-15",
            "2026-10-08",
            "2026-11-02",
            "2026-12-20",
            "2027-01-20",
            "2027-03-03",
        ]),
        one(&["280.00", "280.00", "140", "0"]),
        one(PUPILS),
        one(&["周强", "陈静"]),
    )
        .prop_map(|(date, amount, pupil, by)| Edit::Append("ledger.csv", format!("{date},fee,{amount},{pupil},,,{},{by},,", &date[..7])));
    let payout = (one(&["2027-01-25", "2027-02-22"]), one(&["280.00", "12.50", "0"]), one(PUPILS))
        .prop_map(|(date, amount, pupil)| Edit::Append("ledger.csv", format!("{date},refund,{amount},{pupil},,,2026-autumn,,,")));
    prop_oneof![2 => leave_row(), 2 => roster_row(), 1 => money, 2 => fee, 1 => payout]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

    /// A write about some pupils that adds no error on their ledger rows, by the rules that go
    /// by pupil, adds none to the whole records (`Write::new_errors`): the write it lets through
    /// is one a check of every rule over every row lets through. (Where it finds an error, the
    /// write checks the whole records.)
    #[test]
    fn a_write_about_pupils_adds_no_error_unless_their_rows_show_one(
        today in one(TODAYS),
        shape in prop::collection::vec(plan_edit(), 0..4),
        base in prop::collection::vec(any_edit(), 0..16),
        edit in row_about_a_pupil(),
    ) {
        let repo = Repo::with(today, shape.iter().chain(&base));
        if let Some((of_pupils, all)) = write_about_pupils(&repo, &edit) {
            prop_assert!(
                !of_pupils.is_empty() || all.is_empty(),
                "{:?} adds {:?}, which the rows of its pupils do not show",
                edit,
                all
            );
        }
    }
}

/// The errors a write that appends `edit` to `repo` adds by the rules that go by pupil on the
/// ledger rows of its pupils (`Write::new_errors`), and those it adds to the whole records;
/// `None` when the write is not checked by pupil.
fn write_about_pupils(repo: &Repo, edit: &Edit) -> Option<(Vec<Finding>, Vec<Finding>)> {
    let mut changed = repo.clone();
    changed.apply(edit);
    let Edit::Append(file, _) = edit else {
        unreachable!("rows are appended")
    };
    // As a write sees it: the records on disk, the changed file in memory.
    let dir = tempfile::tempdir().expect("a test folder");
    repo.write_to(dir.path());
    let on_disk = Source::new(dir.path());
    let mut without_ledger = Records::load_from(&on_disk.clone().pupils_only(crate::records::ledger::FILE, Vec::new()));
    let new_file = changed.files.get(*file).cloned().unwrap_or_default().into_bytes();
    let rows = without_ledger.appended_rows(&on_disk.with(file, new_file), &[file])?;
    let pupils = super::by_pupil::pupils_of_change(&mut without_ledger, rows).0?;
    let (full, after) = (repo.records(), changed.records());
    let part = changed_part(edit, &full, &after);
    let only = |r: &Records| crate::rules::check_changed(r, repo.day(), part, &[file]);
    let of_pupils = crate::store::new_errors(&only(&repo.records_of(&pupils)), &only(&changed.records_of(&pupils)));
    let all = crate::store::new_errors(&repo.findings(), &changed.findings());
    Some((of_pupils, all))
}

/// A row in a settled term changes the term's digest, which `settlement/stale` works out from
/// every row of the term: such a write is checked on the whole ledger; one in a term without a
/// settlement, by pupil.
#[test]
fn a_row_in_a_settled_term_is_checked_on_the_whole_ledger() {
    let repo = Repo::with("2027-02-10", &[Edit::Settle("2026-autumn", "2027-01-20", false)]);
    let row = |line: &str| Edit::Append("ledger.csv", line.to_owned());
    assert!(write_about_pupils(&repo, &row("2026-09-15,fee,50.00,P0004,,,2026-09,周强,,")).is_none());
    assert!(write_about_pupils(&repo, &row("2027-03-03,fee,50.00,P0004,,,2027-03,周强,,")).is_some());
}
