//! Writes a large synthetic records directory for benchmarks: a district's after-school care,
//! valid under every rule of `care check`.
//!
//! ```text
//! cargo run --release --example synth -- [--pupils 50000] [--contracts 500] [--rows 1000000]
//!     [--shuffle-days] [--journal FILE] DIR
//! cargo run --release --example synth -- --schools 300 [--rows 7500000] DIR
//! ```
//!
//! With `--schools N`, DIR is a district: N records directories `DIR/school-001` ... of varied
//! sizes (one school in sixty large, the others small and of seven sizes), `--rows` ledger rows
//! in all (default 7,500,000), each school with its own name, pupils and contracts in proportion
//! to its rows. Report on it with `care --today 2026-12-05 district DIR`.
//!
//! The records hold one term, 2026-autumn (2026-09-01 to 2027-01-22). The ledger has rows in
//! September, October and November 2026; September and October are closed (closes written with
//! care's own `MonthTotals`, `closes::render` and `disclosure::opening`). Check it on
//! **2026-12-05** (`care --today 2026-12-05 check`, or `CARE_TODAY=2026-12-05`): November is not
//! due to be closed before 2026-12-10 and the term is settled by 2027-01-15, so the check finds
//! nothing and exits 0. On that date, `care ledger close --month 2026-11`,
//! `care settle --term 2026-autumn --dry-run` and a December fee are all accepted.
//!
//! `--rows` is the exact number of ledger rows: staff pay on service days (about 3%), other
//! expenses (2%), refunds (2%) and the rest fees, paid by each enrolled pupil in instalments that
//! add up to the monthly standard of 280.00. `--journal FILE` writes the same rows as a
//! ledger-cli/hledger journal, one transaction per row, for comparisons. `--shuffle-days` writes
//! the rows of each month in a scrambled order of days instead of by date, as a clerk entering
//! late receipts would (the same rows, months and closes).
//!
//! The output is the same for the same arguments: the scramble is a fixed permutation, not
//! randomness.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use care::domain::close::MonthTotals;
use care::records::contracts::{Contracts, StaffKind};
use care::records::date::parse_date;
use care::records::file::RecordFile;
use care::records::ledger::Ledger;
use care::records::roster::Roster;
use care::records::surveys::Surveys;
use care::records::{Contract, Date, Entry, Money, Month, Pupil, Records, Survey, closes};
use care::report::disclosure;
use chrono::{Datelike, Weekday};

/// The date on which the generated records are checked.
pub(crate) const TODAY: &str = "2026-12-05";
/// The months with ledger rows; all but the last are closed.
pub(crate) const MONTHS: [&str; 3] = ["2026-09", "2026-10", "2026-11"];
const CLOSED_ON: [&str; 2] = ["2026-10-05", "2026-11-05"];
const FEE_FEN: i64 = 28_000;
const HOLIDAYS: [&str; 5] = ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"];

const PLAN: &str = r#"# Synthetic district records written by examples/synth.rs; check them with --today 2026-12-05.

[school]
name = "示范区课后服务中心"
city = "XX市"
principal = "王建国"

[leadership]
head = "王建国"
deputies = ["李红"]
members = ["赵敏", "钱亮"]

[committee]
established_on = 2026-06-20
chair = "陈静"
treasurer = "周强"
members = ["陈静", "周强", "吴芳"]

[fees]
decided_on = 2026-08-15
published_on = 2026-08-18
basis = "monthly"
amount = "280.00"
refund_basis = "paid"

[service]
days = ["mon", "tue", "wed", "thu", "fri"]
starts = "16:00"
ends = "17:30"
venues = ["教室", "操场", "图书室"]
activities = ["作业辅导", "自主阅读", "体育", "艺术", "科普", "娱乐游戏", "拓展训练"]

[deadlines]
close_within_days = 10
refund_within_days = 15

[surveys]
renew_below = "3.0"

[[terms]]
id = "2026-autumn"
name = "2026年秋季学期"
starts = 2026-09-01
ends = 2027-01-22
settle_by = 2027-01-15
holidays = [2026-10-01, 2026-10-02, 2026-10-05, 2026-10-06, 2026-10-07]
"#;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "欧阳",
];
const GIVEN: &[&str] = &[
    "子涵", "欣怡", "梓轩", "浩然", "雨桐", "宇航", "诗琪", "俊杰", "思远", "佳怡", "一诺", "明轩",
];
const PARENT_GIVEN: &[&str] = &["建军", "丽华", "国强", "秀英", "海涛", "桂芳", "志刚", "红梅"];
const COLLECTORS: [&str; 3] = ["陈静", "周强", "吴芳"];
const CATEGORIES: [&str; 4] = ["materials", "insurance", "activities", "材料费"];

#[derive(Clone, Copy, Debug)]
pub(crate) struct Options {
    pub pupils: usize,
    pub contracts: usize,
    pub rows: usize,
    /// The rows of each month in a scrambled order instead of by date.
    pub shuffle_days: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pupils: 50_000,
            contracts: 500,
            rows: 1_000_000,
            shuffle_days: false,
        }
    }
}

fn date(s: &str) -> Date {
    parse_date(s).unwrap_or_default()
}

fn month(s: &str) -> Month {
    Month::parse(s).unwrap_or(Month { year: 2026, month: 9 })
}

/// A pupil's care: when it starts and ends, or none (applied only).
#[derive(Clone, Copy)]
struct Care {
    starts: Option<Date>,
    ends: Option<Date>,
}

impl Care {
    fn of(i: usize) -> Care {
        match i % 50 {
            0 => Care { starts: None, ends: None },
            1 => Care {
                starts: Some(date("2026-10-08")),
                ends: None,
            },
            2 => Care {
                starts: Some(date("2026-09-01")),
                ends: Some(date("2026-10-30")),
            },
            _ => Care {
                starts: Some(date("2026-09-01")),
                ends: None,
            },
        }
    }

    fn covers(self, m: Month) -> bool {
        self.starts
            .is_some_and(|s| s <= m.last_day() && self.ends.is_none_or(|e| m.first_day() <= e))
    }
}

/// One ledger row, with ids as indexes.
struct Row {
    date: Date,
    kind: care::records::Kind,
    fen: i64,
    pupil: usize,
    contract: usize,
    category: usize,
    month: usize,
    receipt: usize,
}

fn service_days(m: Month) -> Vec<Date> {
    let holidays: Vec<Date> = HOLIDAYS.iter().map(|h| date(h)).collect();
    let mut days = Vec::new();
    let mut d = m.first_day();
    while d <= m.last_day() {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&d) {
            days.push(d);
        }
        match d.succ_opt() {
            Some(n) => d = n,
            None => break,
        }
    }
    days
}

fn id(prefix: &str, n: usize, count: usize) -> String {
    let width = count.to_string().len().max(3);
    format!("{prefix}{n:0width$}")
}

fn csv_writer(path: &Path) -> io::Result<csv::Writer<BufWriter<fs::File>>> {
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(BufWriter::with_capacity(1 << 20, fs::File::create(path)?)))
}

/// A CSV file of the records, written row by row as care writes them.
struct CsvFile<D> {
    w: csv::Writer<BufWriter<fs::File>>,
    values: Vec<String>,
    file: std::marker::PhantomData<D>,
}

impl<D: RecordFile> CsvFile<D> {
    fn create(dir: &Path) -> io::Result<Self> {
        let mut w = csv_writer(&dir.join(D::FILE))?;
        w.write_record(D::header())?;
        Ok(CsvFile {
            w,
            values: Vec::new(),
            file: std::marker::PhantomData,
        })
    }

    fn write(&mut self, row: &D::Row) -> io::Result<()> {
        D::values_into(row, &mut self.values);
        Ok(self.w.write_record(&self.values)?)
    }

    fn finish(mut self) -> io::Result<()> {
        self.w.flush()
    }
}

fn the_rows(o: &Options) -> Vec<Row> {
    use care::records::Kind;
    let months: Vec<Month> = MONTHS.iter().map(|m| month(m)).collect();
    let days: Vec<Vec<Date>> = months.iter().map(|m| service_days(*m)).collect();
    let all_days: Vec<(usize, Date)> = days
        .iter()
        .enumerate()
        .flat_map(|(mi, ds)| ds.iter().map(move |d| (mi, *d)))
        .collect();
    let pay = if o.contracts == 0 { 0 } else { o.rows * 3 / 100 };
    let expenses = o.rows * 2 / 100;
    // Slots: a pupil in care in a month pays that month's fee, in instalments.
    let slots: Vec<(usize, usize)> = (0..months.len())
        .flat_map(|mi| (0..o.pupils).map(move |p| (p, mi)))
        .filter(|&(p, mi)| Care::of(p).covers(months[mi]))
        .collect();
    let refunds = if slots.is_empty() { 0 } else { (o.rows * 2 / 100).min(slots.len()) };
    let fees = if slots.is_empty() { 0 } else { o.rows - pay - expenses - refunds };
    let expenses = o.rows - pay - refunds - fees;
    let mut rows = Vec::with_capacity(o.rows);
    // Each contract is paid in rounds spread over the service days.
    let rounds = pay.div_ceil(o.contracts.max(1)).max(1);
    for j in 0..pay {
        let (mi, d) = all_days[((j / o.contracts) * all_days.len() / rounds).min(all_days.len() - 1)];
        rows.push(Row {
            date: d,
            kind: Kind::Pay,
            fen: 9_000 + (j % o.contracts % 7) as i64 * 1_000,
            pupil: 0,
            contract: j % o.contracts,
            category: 0,
            month: mi,
            receipt: 0,
        });
    }
    for j in 0..expenses {
        let (mi, d) = all_days[(j * 7) % all_days.len()];
        rows.push(Row {
            date: d,
            kind: Kind::Expense,
            fen: 5_000 + (j % 97) as i64 * 137,
            pupil: 0,
            contract: 0,
            category: j % CATEGORIES.len(),
            month: mi,
            receipt: j + 1,
        });
    }
    let (per, extra) = if slots.is_empty() {
        (0, 0)
    } else {
        (fees / slots.len(), fees % slots.len())
    };
    // Refunds go to slots spread over the months, among those that have fees.
    let paying = slots.len().min(fees);
    let step = paying.checked_div(refunds).map_or(usize::MAX, |s| s.max(1));
    let mut refunded = 0;
    let mut receipt = 0;
    for (s, &(p, mi)) in slots.iter().enumerate() {
        let k = per + usize::from(s < extra);
        if k == 0 {
            continue;
        }
        let open = &days[mi];
        let (q, r) = (FEE_FEN / k as i64, FEE_FEN % k as i64);
        for i in 0..k {
            receipt += 1;
            rows.push(Row {
                date: open[(i * open.len() / k).min(open.len() - 1)],
                kind: Kind::Fee,
                fen: q + i64::from((i as i64) < r),
                pupil: p,
                contract: 0,
                category: 0,
                month: mi,
                receipt,
            });
        }
        if s < paying && s % step == 0 && refunded < refunds {
            refunded += 1;
            let last = days[mi].last().copied().unwrap_or(months[mi].last_day());
            rows.push(Row {
                date: last,
                kind: Kind::Refund,
                fen: 1_400,
                pupil: p,
                contract: 0,
                category: 0,
                month: mi,
                receipt: 0,
            });
        }
    }
    rows.sort_by_key(|r| (r.date, r.kind));
    if o.shuffle_days {
        // Within each month, the days in the order of a fixed scramble of their numbers (a
        // splitmix64 step); a day's rows stay together and in their order.
        let scramble = |d: Date| {
            let mut z = u64::from(d.ordinal()).wrapping_add(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        rows.sort_by_key(|r| (r.month, scramble(r.date)));
    }
    rows
}

/// Writes the records directory (and the journal, when asked). Returns the number of ledger rows.
pub(crate) fn generate(o: &Options, dir: &Path, journal: Option<&Path>) -> io::Result<usize> {
    fs::create_dir_all(dir.join(closes::DIR))?;
    fs::write(dir.join("plan.toml"), PLAN)?;

    let mut w = CsvFile::<Roster>::create(dir)?;
    for i in 0..o.pupils {
        let surname = SURNAMES[i % SURNAMES.len()];
        let name = format!("{surname}{}", GIVEN[(i / SURNAMES.len()) % GIVEN.len()]);
        let guardian = format!("{surname}{}", PARENT_GIVEN[(i / 7) % PARENT_GIVEN.len()]);
        let care = Care::of(i);
        let (applied, reviewed, agreed) = match (care.starts, i % 50) {
            (None, _) => ("2026-09-10", None, None),
            (_, 1) => ("2026-09-20", Some("2026-09-25"), Some("2026-09-28")),
            _ => ("2026-08-20", Some("2026-08-25"), Some("2026-08-28")),
        };
        w.write(&Pupil {
            line: 0,
            id: id("P", i + 1, o.pupils),
            name,
            grade: (1 + i % 6) as u8,
            class: (1 + (i / 6) % 8).to_string(),
            guardian: guardian.clone(),
            phone: Some(format!("1380{:07}", i % 10_000_000)),
            applied_on: date(applied),
            signed_by: guardian,
            reviewed_on: reviewed.map(date),
            agreed_on: agreed.map(date),
            starts: care.starts,
            ends: care.ends,
            note: care.ends.map(|_| "家长接回，自愿退出".to_owned()),
            term: None,
            waiver: None,
            waiver_reason: None,
        })?;
    }
    w.finish()?;

    let mut w = CsvFile::<Contracts>::create(dir)?;
    let kinds = [StaffKind::School, StaffKind::Parent, StaffKind::Professional];
    let roles = ["作业辅导", "体育", "艺术", "科普", "自主阅读"];
    let mut staff_names = Vec::with_capacity(o.contracts);
    for c in 0..o.contracts {
        let kind = kinds[c % kinds.len()];
        let name = format!("{}老师{}", SURNAMES[c % SURNAMES.len()], c + 1);
        w.write(&Contract {
            line: 0,
            id: id("C", c + 1, o.contracts),
            name: name.clone(),
            kind,
            role: roles[c % roles.len()].to_owned(),
            signed_on: date("2026-08-25"),
            starts: date("2026-09-01"),
            ends: date("2027-01-22"),
            qualified_on: Some(date("2026-08-24")),
            background_on: (kind != StaffKind::School).then(|| date("2026-08-22")),
            rate: Some(Money::from_fen(i128::from(4_000 + (c % 5) as i32 * 1_000))),
            unit: Some("hour".to_owned()),
            note: None,
        })?;
        staff_names.push(name);
    }
    w.finish()?;

    let mut w = CsvFile::<Surveys>::create(dir)?;
    for c in 0..o.contracts {
        for k in 0..4 {
            w.write(&Survey {
                line: 0,
                contract_id: id("C", c + 1, o.contracts),
                date: date(&format!("2026-11-{:02}", 16 + k)),
                respondent: if k % 2 == 0 { "parent" } else { "pupil" }.to_owned(),
                score: (3 + (c + k) % 3).to_string(),
                comment: (k == 0).then(|| "孩子很喜欢".to_owned()),
            })?;
        }
    }
    w.finish()?;

    let rows = the_rows(o);
    let pupil_ids: Vec<String> = (0..o.pupils).map(|i| id("P", i + 1, o.pupils)).collect();
    let contract_ids: Vec<String> = (0..o.contracts).map(|c| id("C", c + 1, o.contracts)).collect();
    let mut w = CsvFile::<Ledger>::create(dir)?;
    let mut journal_out = match journal {
        Some(p) => Some(BufWriter::with_capacity(1 << 20, fs::File::create(p)?)),
        None => None,
    };
    if let Some(j) = journal_out.as_mut() {
        writeln!(
            j,
            "; The ledger of examples/synth.rs as a ledger-cli/hledger journal: one transaction per row.\n"
        )?;
    }
    use care::records::Kind;
    for r in &rows {
        let amount = Money::from_fen(i128::from(r.fen)).to_string();
        let date = r.date.to_string();
        let receipt = if r.receipt > 0 {
            format!("R{:07}", r.receipt)
        } else {
            String::new()
        };
        let (pupil, contract, category, period, collector, memo) = match r.kind {
            Kind::Fee => (
                pupil_ids[r.pupil].as_str(),
                "",
                "",
                MONTHS[r.month],
                COLLECTORS[r.pupil % COLLECTORS.len()],
                "",
            ),
            Kind::Refund => (pupil_ids[r.pupil].as_str(), "", "", MONTHS[r.month], "", "病假一天退费"),
            Kind::Pay => ("", contract_ids[r.contract].as_str(), "", "", "", staff_names[r.contract].as_str()),
            Kind::Expense => ("", "", CATEGORIES[r.category], "", "", "作业本、文具"),
            Kind::Grant => ("", "", "财政补助", "", "", ""),
        };
        let text = |v: &str| (!v.is_empty()).then(|| v.into());
        w.write(
            &Entry {
                line: 0,
                date: r.date,
                kind: r.kind,
                amount: Money::from_fen(i128::from(r.fen)),
                pupil_id: text(pupil),
                period: text(period),
                collected_by: text(collector),
                receipt: text(&receipt),
                memo: text(memo),
                apart: None,
            }
            .with_apart(text(contract), text(category)),
        )?;
        if let Some(j) = journal_out.as_mut() {
            let (debit, credit) = match r.kind {
                Kind::Fee => ("assets:cash".to_owned(), format!("income:fees:{pupil}")),
                Kind::Refund => (format!("income:fees:{pupil}"), "assets:cash".to_owned()),
                Kind::Pay => (format!("expenses:pay:{contract}"), "assets:cash".to_owned()),
                Kind::Expense => (format!("expenses:{category}"), "assets:cash".to_owned()),
                Kind::Grant => ("assets:cash".to_owned(), format!("income:grants:{category}")),
            };
            writeln!(
                j,
                "{date} {} {}{}\n    {debit}  {amount}\n    {credit}  -{amount}\n",
                r.kind.as_str(),
                if pupil.is_empty() { contract } else { pupil },
                if period.is_empty() { String::new() } else { format!(" {period}") },
            )?;
        }
    }
    w.finish()?;
    if let Some(mut j) = journal_out {
        j.flush()?;
    }

    // The closes, as `care ledger close` writes them: each month's opening is the previous
    // close's closing, so the records are read again after each close.
    for (m, on) in MONTHS.iter().zip(CLOSED_ON) {
        let m = month(m);
        let r = Records::load(dir);
        let opening = disclosure::opening(&r, m);
        let t = MonthTotals::of(m, &r.entries);
        let text = closes::render(m, date(on), opening, &t);
        fs::write(dir.join(closes::path(m)), text)?;
    }
    Ok(rows.len())
}

/// One school of a district of `n`: its share of the rows (large schools weigh 60, the others 1
/// to 7).
pub(crate) fn school_weight(k: usize, n: usize) -> usize {
    if k < (n / 60).max(1) { 60 } else { 1 + k % 7 }
}

/// Writes a district of `n` schools with `rows` ledger rows in all (see the module's summary).
/// Returns the number of ledger rows written.
pub(crate) fn generate_district(n: usize, rows: usize, dir: &Path) -> io::Result<usize> {
    let total: usize = (0..n).map(|k| school_weight(k, n)).sum();
    let mut written = 0;
    for k in 0..n {
        let rows = rows * school_weight(k, n) / total.max(1);
        let pupils = (rows / 20).max(60);
        let o = Options {
            pupils,
            contracts: (pupils / 100).max(4),
            rows,
            shuffle_days: false,
        };
        let school = dir.join(format!("school-{:03}", k + 1));
        written += generate(&o, &school, None)?;
        let plan = school.join("plan.toml");
        let text = fs::read_to_string(&plan)?.replacen("示范区课后服务中心", &format!("示范区第{:03}小学", k + 1), 1);
        fs::write(plan, text)?;
    }
    Ok(written)
}

#[allow(dead_code)]
fn main() -> anyhow::Result<()> {
    let mut o = Options::default();
    let mut dir: Option<PathBuf> = None;
    let mut journal: Option<PathBuf> = None;
    let mut schools: Option<usize> = None;
    let mut rows_given = false;
    let mut args = std::env::args().skip(1);
    let usage = "usage: synth [--pupils N] [--contracts N] [--rows N] [--shuffle-days] [--journal FILE] DIR\n       synth --schools N [--rows N] DIR";
    while let Some(a) = args.next() {
        let mut num = |what: &str| -> usize {
            match args.next().and_then(|v| v.replace('_', "").parse().ok()) {
                Some(n) => n,
                None => {
                    eprintln!("synth: {what} needs a number\n{usage}");
                    std::process::exit(2);
                }
            }
        };
        match a.as_str() {
            "--pupils" => o.pupils = num("--pupils"),
            "--contracts" => o.contracts = num("--contracts"),
            "--rows" => {
                o.rows = num("--rows");
                rows_given = true;
            }
            "--schools" => schools = Some(num("--schools")),
            "--shuffle-days" => o.shuffle_days = true,
            "--journal" => journal = args.next().map(PathBuf::from),
            "-h" | "--help" => {
                eprintln!("{usage}\nchecks clean with: care -C DIR --today {TODAY} check");
                return Ok(());
            }
            _ if a.starts_with('-') => {
                eprintln!("synth: unknown option {a}\n{usage}");
                std::process::exit(2);
            }
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let Some(dir) = dir else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let started = std::time::Instant::now();
    if let Some(n) = schools {
        let rows = if rows_given { o.rows } else { 7_500_000 };
        let written = generate_district(n, rows, &dir).with_context(|| format!("writing the district {}", dir.display()))?;
        eprintln!(
            "synth: wrote {} with {n} schools, {written} ledger rows in {:.1?}; report on it with --today {TODAY}",
            dir.display(),
            started.elapsed()
        );
        return Ok(());
    }
    let n = generate(&o, &dir, journal.as_deref()).with_context(|| format!("writing the records {}", dir.display()))?;
    eprintln!(
        "synth: wrote {} with {} pupils, {} contracts, {n} ledger rows in {:.1?}; check it with --today {TODAY}",
        dir.display(),
        o.pupils,
        o.contracts,
        started.elapsed()
    );
    Ok(())
}
