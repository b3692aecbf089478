//! Consent per term, service days, the year and category labels (SPEC §2, §3, §5, §7, §8, §9):
//! the six ways `care check` said "no problems found" against the policy, each shown as the
//! finding or refusal it now gives; renewals; bad input.

use serde_json::Value;

use crate::common::Workdir;

/// The spring term after the clean fixture's autumn term.
const SPRING: &str =
    "\n[[terms]]\nid = \"2027-spring\"\nname = \"2027年春季学期\"\nstarts = 2027-02-22\nends = 2027-07-02\nsettle_by = 2027-06-25\n";

fn with_spring() -> Workdir {
    let w = Workdir::fixture("clean");
    w.append("plan.toml", SPRING);
    w
}

fn at(w: &Workdir, rule: &str) -> Vec<(String, u64)> {
    w.findings().into_iter().filter(|f| f.0 == rule).map(|f| (f.1, f.2)).collect()
}

/// The line of `file` that starts with `start`, 1-based.
fn line_of(w: &Workdir, file: &str, start: &str) -> u64 {
    w.read(file).lines().position(|l| l.starts_with(start)).unwrap() as u64 + 1
}

fn json(w: &Workdir, args: &[&str]) -> Value {
    serde_json::from_str(&w.ok(args)).unwrap()
}

/// Problem 1: under a monthly standard, a fee for a whole term passed the cap: 5000.00 "for
/// the term".
#[test]
fn a_term_fee_under_a_monthly_standard_is_refused_and_found() {
    let w = Workdir::fixture("clean");
    let fee = [
        "ledger",
        "add",
        "fee",
        "--date",
        "2026-09-20",
        "--amount",
        "5000",
        "--pupil",
        "P0001",
    ];
    w.refused(
        &[&fee[..], &["--period", "2026-autumn", "--collected-by", "周强"]].concat(),
        "a fee for term 2026-autumn is only a settlement payment of an amount due",
    );
    // The same fee for a month was refused before and still is.
    w.refused(
        &[&fee[..], &["--period", "2026-12", "--collected-by", "周强"]].concat(),
        "more than the standard",
    );
    // Written by hand, it is found at its line.
    w.append("ledger.csv", "2026-09-20,fee,5000.00,P0001,,,2026-autumn,周强,R009,");
    assert_eq!(at(&w, "ledger/period"), [("ledger.csv".to_owned(), 7)]);
    assert!(at(&w, "fees/over-standard").is_empty());
}

/// A family that owed money at the settlement pays it with the term's id, and no more.
#[test]
fn a_settlement_payment_names_the_term_up_to_the_amount_due() {
    let w = Workdir::fixture("clean").today("2026-09-26");
    w.append("ledger.csv", "2026-09-20,expense,1000.00,,,insurance,,,,");
    w.ok(&["settle", "--term", "2026-autumn", "--on", "2026-09-26"]);
    // P0001 owes 193.50 (its share of the deficit).
    assert!(w.read("settlements/2026-autumn.csv").contains("P0001,280.00,473.50,-193.50"));
    let pay = |amount| {
        vec![
            "ledger",
            "add",
            "fee",
            "--date",
            "2026-09-26",
            "--amount",
            amount,
            "--pupil",
            "P0001",
            "--period",
            "2026-autumn",
            "--collected-by",
            "周强",
        ]
    };
    w.refused(&pay("193.51"), "owed 193.50 at the settlement");
    w.ok(&pay("100.00"));
    w.ok(&pay("93.50"));
    w.refused(&pay("0.01"), "brings its payments to 193.51");
}

/// Problem 2: an agreement without `ends` carried into every later term: billed, counted as demand,
/// shown as enrolled.
#[test]
fn consent_ends_with_its_term() {
    let w = with_spring();
    w.replace("plan.toml", "refund_basis = \"paid\"", "refund_basis = \"days\"");
    w.set_today("2027-03-10");
    // Spring has costs, and none of autumn's families applied for it.
    w.append("ledger.csv", "2027-03-02,expense,300.00,,,materials,,,,作业本");
    assert_eq!(
        at(&w, "demand/no-applicants"),
        [("plan.toml".to_owned(), line_of(&w, "plan.toml", "id = \"2027-spring\"") - 1)]
    );
    // A fee from an autumn family for spring: it did not apply and agree for spring.
    w.append("ledger.csv", "2027-03-02,fee,280.00,P0002,,,2027-03,周强,R010,");
    let found = w.care(&["check", "--format", "json"]).output().unwrap();
    let found: Value = serde_json::from_slice(&found.stdout).unwrap();
    let fee = found
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "consent/fee-without-agreement")
        .unwrap();
    assert_eq!((fee["file"].as_str(), fee["line"].as_u64()), (Some("ledger.csv"), Some(8)));
    assert_eq!(fee["message"], "a fee from P0002, who did not apply and agree for term 2027-spring");

    // One family applies again for spring, is reviewed and signs.
    let w = with_spring();
    w.replace("plan.toml", "refund_basis = \"paid\"", "refund_basis = \"days\"");
    w.set_today("2027-01-10");
    w.ok(&[
        "enroll",
        "--renew",
        "P0001",
        "--term",
        "2027-spring",
        "--applied-on",
        "2027-01-10",
        "--signed-by",
        "王建军",
    ]);
    w.ok(&["review", "P0001", "--on", "2027-01-11"]);
    let out = w.ok(&["agree", "P0001", "--on", "2027-01-12"]);
    // Care under the spring agreement starts with the spring term, not during autumn.
    assert!(out.contains("care starts on 2027-02-22"), "{out}");
    w.set_today("2027-03-10");
    w.append("ledger.csv", "2027-03-02,expense,300.00,,,materials,,,,作业本");
    w.append("ledger.csv", "2027-03-02,fee,280.00,P0001,,,2027-03,周强,R010,");
    assert!(at(&w, "demand/no-applicants").is_empty());
    assert!(at(&w, "consent/fee-without-agreement").is_empty());
    // Only the family that applied shares spring's costs.
    let out = w.ok(&["settle", "--term", "2027-spring", "--on", "2027-03-10", "--dry-run"]);
    assert!(out.contains("P0001") && !out.contains("P0002") && !out.contains("P0003"), "{out}");
    // In February the autumn families have completed their term; one is enrolled for spring.
    w.set_today("2027-02-25");
    let status = w.ok(&["status"]);
    assert!(status.contains("│ pupils      ┆ applied ┆ enrolled ┆ completed │"), "{status}");
    assert!(status.contains("│ 2026-autumn ┆       1 ┆        0 ┆         3 │"), "{status}");
    assert!(status.contains("│ 2027-spring ┆       0 ┆        1 ┆         0 │"), "{status}");
}

/// Problem 3: the annual report took every term overlapping the year, whole, in both years, and
/// counted days that had not happened.
#[test]
fn the_annual_report_counts_each_row_and_day_in_one_year_only() {
    let w = Workdir::example();
    let total = |key: &str| -> f64 {
        [2025, 2026]
            .iter()
            .map(|y| json(&w, &["report", "annual", "--year", &y.to_string(), "--format", "json"]))
            .map(|v| v["money"][key].as_str().unwrap().parse::<f64>().unwrap())
            .sum()
    };
    // Fees: autumn's 28560.00 and spring's 26520.00, each once.
    assert_eq!(total("fees"), 55080.0);
    assert_eq!(total("pay"), 49140.0);
    let days: u64 = [2025, 2026]
        .iter()
        .map(|y| {
            json(&w, &["report", "annual", "--year", &y.to_string(), "--format", "json"])["terms"][0]["care_days"]
                .as_u64()
                .unwrap()
        })
        .sum();
    // Autumn's care days: 3327 in 2025 and 468 in January 2026, as the roster report counts the
    // term.
    let roster = json(&w, &["report", "roster", "--term", "2025-autumn", "--format", "json"]);
    assert_eq!(days, roster["care_days"].as_u64().unwrap());
    assert_eq!(days, 3795);
    // On 15 December 2025, the care days of 2025 end there: 23 + 18 + 20 + 11 a pupil.
    w.set_today("2025-12-15");
    let v = json(&w, &["report", "annual", "--format", "json"]);
    assert_eq!(v["until"], "2025-12-15");
    assert_eq!(v["pupils"]["care_days"], 39 * 72 + 51);
}

/// Problem 4: make-up working days are service days: care days, the days basis and agree's default
/// start count them.
#[test]
fn make_up_working_days_are_service_days() {
    let w = Workdir::fixture("clean");
    let roster = json(&w, &["report", "roster", "--term", "2026-autumn", "--format", "json"]);
    let before = roster["care_days"].as_u64().unwrap();
    w.replace("plan.toml", "holidays = [", "workdays = [2026-09-27, 2026-10-10]\nholidays = [");
    let roster = json(&w, &["report", "roster", "--term", "2026-autumn", "--format", "json"]);
    // Three pupils in care, two more days each.
    assert_eq!(roster["care_days"].as_u64().unwrap(), before + 3 * 2);
    assert_eq!(w.findings(), vec![]);
    // An agreement signed on Saturday 26 September starts on the Sunday that is a working day.
    w.ok(&["review", "P0004", "--on", "2026-09-25"]);
    let out = w.ok(&["agree", "P0004", "--on", "2026-09-26"]);
    assert!(out.contains("care starts on 2026-09-27"), "{out}");
}

/// Problem 5: fees for next term are not taken this term (不得跨学期预收).
#[test]
fn a_fee_for_next_term_is_refused_and_found() {
    let w = with_spring();
    w.set_today("2026-12-20");
    let fee = |period: &'static str| {
        vec![
            "ledger",
            "add",
            "fee",
            "--date",
            "2026-12-15",
            "--amount",
            "280",
            "--pupil",
            "P0001",
            "--period",
            period,
            "--collected-by",
            "周强",
        ]
    };
    w.refused(&fee("2027-03"), "fees are not taken ahead across terms");
    w.refused(&fee("2027-spring"), "fees are not taken ahead across terms");
    w.append("ledger.csv", "2026-12-15,fee,280.00,P0001,,,2027-03,周强,R011,");
    assert_eq!(at(&w, "fees/prepaid-across-terms"), [("ledger.csv".to_owned(), 7)]);
}

/// Problem 6: category codes reached parents raw, and `materials` and `材料费` were two lines.
#[test]
fn categories_print_by_their_label() {
    let w = Workdir::example();
    let zh = w.ok(&["report", "disclosure", "--month", "2025-12", "--lang", "zh"]);
    assert!(zh.contains("| 活动费 | 235.80 |") && zh.contains("| 材料费 | 98.00 |"), "{zh}");
    assert!(!zh.contains("activities"), "{zh}");
    let en = w.ok(&["report", "disclosure", "--month", "2025-12"]);
    assert!(
        en.contains("| activities | 235.80 |") && en.contains("| materials | 98.00 |"),
        "{en}"
    );
    // The plan's own label wins, in every report.
    w.append("plan.toml", "\n[categories]\nactivities = \"活动器材\"\n");
    let en = w.ok(&["report", "disclosure", "--month", "2025-12"]);
    assert!(en.contains("| 活动器材 | 235.80 |"), "{en}");
    let annual = json(&w, &["report", "annual", "--year", "2025", "--format", "json"]);
    let labels: Vec<&str> = annual["money"]["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["category"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["insurance", "materials", "活动器材"]);
    assert_eq!(w.findings(), vec![]);
}

/// A renewal on a roster without a `term` column adds the column at the end of the header:
/// the header line and the new row change, nothing else.
#[test]
fn a_renewal_adds_the_term_column_and_the_row_only() {
    let w = with_spring();
    let before = w.read("roster.csv");
    let out = w.ok(&[
        "enroll",
        "--renew",
        "P0002",
        "--term",
        "2027-spring",
        "--applied-on",
        "2026-09-24",
        "--signed-by",
        "李华",
        "--class",
        "2",
    ]);
    assert_eq!(
        out,
        "enrolled P0002 again: 李想, applied on 2026-09-24 for term 2027-spring; added the term column to roster.csv\n"
    );
    let after = w.read("roster.csv");
    let (old, new): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
    assert_eq!(new[0], format!("{},term", old[0]));
    assert_eq!(new[1..old.len()], old[1..]);
    // The family's details are copied, the class given; no waiver or note.
    assert_eq!(new[old.len()], "P0002,李想,1,2,李华,13800000002,2026-09-24,李华,,,,,,2027-spring");
    assert_eq!(new.len(), old.len() + 1);
    assert_eq!(w.findings(), vec![]);
    // Review, agreement and withdrawal act on the latest application, or the one named.
    w.ok(&["review", "P0002", "--on", "2026-09-25"]);
    assert!(w.read("roster.csv").contains("2026-09-24,李华,2026-09-25,,,,,2027-spring"));
    w.refused(
        &["review", "P0002", "--on", "2026-09-25", "--term", "2026-autumn"],
        "P0002 was already reviewed on 2026-08-25",
    );
    let out = w.ok(&["agree", "P0002", "--on", "2026-09-25"]);
    assert!(out.contains("care starts on 2027-02-22"), "{out}");
    w.ok(&["withdraw", "P0002", "--on", "2026-09-25", "--term", "2026-autumn"]);
    let roster = w.read("roster.csv");
    // The edited line is written out to the header's width, its term empty (the term of its dates).
    assert!(roster.contains("P0002,李想,1,1,李华,13800000002,2026-08-21,李华,2026-08-25,2026-08-28,2026-09-01,2026-09-25,,\n"));
    assert!(roster.contains("2026-09-25,2026-09-25,2027-02-22,,,2027-spring"));
    assert_eq!(w.findings(), vec![]);
    // A new application once the roster has the column fills in its term.
    let out = w.ok(&[
        "enroll",
        "--name",
        "新同学",
        "--grade",
        "1",
        "--class",
        "1",
        "--guardian",
        "新家长",
        "--applied-on",
        "2026-09-25",
        "--signed-by",
        "新家长",
    ]);
    assert_eq!(out, "enrolled P0005: 新同学, applied on 2026-09-25 for term 2026-autumn\n");
    let out = w.ok(&[
        "enroll",
        "--name",
        "春同学",
        "--grade",
        "1",
        "--class",
        "1",
        "--guardian",
        "春家长",
        "--applied-on",
        "2026-09-25",
        "--signed-by",
        "春家长",
        "--term",
        "2027-spring",
    ]);
    assert_eq!(out, "enrolled P0006: 春同学, applied on 2026-09-25 for term 2027-spring\n");
    // A family on the roster applying for another term is told to renew.
    w.refused(
        &[
            "enroll",
            "--name",
            "欧阳娜娜",
            "--grade",
            "5",
            "--class",
            "3",
            "--guardian",
            "欧阳峰",
            "--applied-on",
            "2026-09-25",
            "--signed-by",
            "欧阳峰",
            "--term",
            "2027-spring",
        ],
        "is on the roster as P0003; to apply again for term 2027-spring, use care enroll --renew P0003 --term 2027-spring",
    );
}

/// Bad input: each a finding or refusal that says where and what to do, never a panic.
#[test]
fn bad_input_is_named_with_its_place_and_fix() {
    // A renewal for a pupil that does not exist, for a term it already applied for, or for a
    // term the plan lacks: refused, every file as it was.
    let w = with_spring();
    let renew = |id: &'static str, term: &'static str| {
        vec![
            "enroll",
            "--renew",
            id,
            "--term",
            term,
            "--applied-on",
            "2027-01-10",
            "--signed-by",
            "王建军",
        ]
    };
    w.refused(&renew("P0099", "2027-spring"), "there is no pupil P0099 in roster.csv");
    w.refused(
        &renew("P0001", "2026-autumn"),
        "P0001 has already applied for term 2026-autumn (roster.csv line 2)",
    );
    w.refused(
        &renew("P0001", "2027-sprig"),
        "term “2027-sprig” is not a term of plan.toml; use one of: 2026-autumn, 2027-spring",
    );
    w.refused(
        &["review", "P0001", "--on", "2027-01-10", "--term", "2027-spring"],
        "P0001 has no application for term 2027-spring",
    );
    w.refused(&["agree", "P0099", "--on", "2027-01-10"], "there is no pupil P0099 in roster.csv");

    // A term naming no term of the plan: one finding at the row, with the terms to choose from.
    let w = with_spring();
    w.replace("roster.csv", "starts,ends,note\n", "starts,ends,note,term\n");
    w.append("roster.csv", "P0001,王小明,3,2,王建军,,2027-01-10,王建军,,,,,,2027-sprig");
    let out = w.care(&["check"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains(
            "roster.csv:6: error[format/parse]: term “2027-sprig” is not a term of plan.toml; use one of: 2026-autumn, 2027-spring"
        ),
        "{text}"
    );
    assert_eq!(w.findings().len(), 1, "{text}");

    // A workday or holiday outside its term.
    let w = Workdir::fixture("clean");
    w.replace("plan.toml", "holidays = [", "workdays = [2026-08-30]\nholidays = [");
    assert_eq!(at(&w, "plan/terms"), [("plan.toml".to_owned(), 44)]);

    // `[school] pupils` that is not a positive whole number.
    for (value, message) in [
        ("0", "[school] pupils must be a positive whole number"),
        ("-5", "must be a whole number, 0 or more"),
        ("12.5", "[school] pupils"),
        ("\"many\"", "[school] pupils"),
    ] {
        let w = Workdir::fixture("clean");
        w.replace(
            "plan.toml",
            "principal = \"王建国\"\n",
            &format!("principal = \"王建国\"\npupils = {value}\n"),
        );
        let out = w.care(&["check", "--format", "json"]).output().unwrap();
        let found: Value = serde_json::from_slice(&out.stdout).unwrap();
        let found = found.as_array().unwrap();
        assert_eq!(found.len(), 1, "{value}: {found:?}");
        assert_eq!(
            (found[0]["rule"].as_str(), found[0]["line"].as_u64()),
            (Some("format/parse"), Some(5)),
            "{value}"
        );
        assert!(found[0]["message"].as_str().unwrap().contains(message), "{value}: {found:?}");
    }
    // A waiver that is not a percentage.
    let w = Workdir::fixture("clean");
    w.replace("roster.csv", "starts,ends,note\n", "starts,ends,note,waiver\n");
    w.replace("roster.csv", "2026-09-01,,\nP0002", "2026-09-01,,,half\nP0002");
    assert_eq!(at(&w, "format/parse"), [("roster.csv".to_owned(), 2)]);
}

/// The example's roster holds both terms in the order `care fmt` keeps.
#[test]
fn the_example_is_in_canonical_form() {
    Workdir::example().care(&["fmt", "--check"]).assert().success();
}

/// Records of before (one row per pupil, no `term` column) read as before: each row in the
/// term of its dates.
#[test]
fn records_without_a_term_column_check_as_before() {
    let w = with_spring();
    assert_eq!(w.findings(), vec![]);
    let roster = json(&w, &["report", "roster", "--term", "2026-autumn", "--format", "json"]);
    assert_eq!(roster["count"], 4);
    let roster = json(&w, &["report", "roster", "--term", "2027-spring", "--format", "json"]);
    assert_eq!(roster["count"], 0);
}

/// Properties: the years' annual figures add up to the records' totals; service days counted
/// through the plan equal a plain count, day by day.
mod props {
    use std::path::Path;

    use care::domain::annual;
    use care::domain::calendar::{care_days, care_span, service_days};
    use care::records::date::parse_date;
    use care::records::plan::{Plan, Term};
    use care::records::toml_doc::At;
    use care::records::{Date, Kind, Money, Records, Source};
    use chrono::{Datelike, Days, Weekday};
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    /// Four terms over three calendar years, two of them across a new year; rows and ratings
    /// dated over four.
    const TERMS: [(&str, &str, &str, &str); 4] = [
        ("2025-autumn", "2025-09-01", "2026-01-16", "2026-01-09"),
        ("2026-spring", "2026-03-02", "2026-07-03", "2026-06-26"),
        ("2026-autumn", "2026-09-01", "2027-01-22", "2027-01-15"),
        ("2027-spring", "2027-02-22", "2027-07-02", "2027-06-25"),
    ];
    const FIRST: &str = "2025-08-01";
    const SPAN_DAYS: u64 = 1000;

    fn day(offset: u64) -> Date {
        d(FIRST) + Days::new(offset % SPAN_DAYS)
    }

    /// An application: its term, start and end as days into the term, or none.
    type Application = (usize, Option<(u64, Option<u64>)>, u64);

    fn records(holidays: &[u64], workdays: &[u64], apps: &[Application], rows: &[(u8, i64, u64)], ratings: &[u64]) -> Records {
        let mut plan = String::from(
            "[school]\nname = \"X\"\nprincipal = \"P\"\npupils = 300\n[fees]\ndecided_on = 2025-08-01\npublished_on = 2025-08-02\nbasis = \"monthly\"\namount = \"280.00\"\n",
        );
        for (i, (id, starts, ends, settle_by)) in TERMS.iter().enumerate() {
            let within = |offset: &u64| {
                let len = (d(ends) - d(starts)).num_days() as u64 + 1;
                (d(starts) + Days::new((offset + i as u64) % len)).to_string()
            };
            let list = |days: &[u64]| days.iter().map(within).collect::<Vec<_>>().join(", ");
            plan.push_str(&format!(
                "[[terms]]\nid = \"{id}\"\nstarts = {starts}\nends = {ends}\nsettle_by = {settle_by}\nholidays = [{}]\nworkdays = [{}]\n",
                list(holidays),
                list(workdays)
            ));
        }
        let mut roster = String::from("pupil_id,name,grade,class,guardian,applied_on,signed_by,reviewed_on,agreed_on,starts,ends,term\n");
        for (i, (term, care, applied)) in apps.iter().enumerate() {
            let (id, starts, ends, _) = TERMS[*term % TERMS.len()];
            let (starts, ends) = (d(starts), d(ends));
            let applied = starts - Days::new(1 + applied % 60);
            let (agreed, from, to) = match care {
                Some((s, e)) => {
                    let len = (ends - starts).num_days() as u64 + 1;
                    let from = starts + Days::new(s % len);
                    let to = e.map(|e| from + Days::new(e % len));
                    (applied.to_string(), from.to_string(), to.map_or(String::new(), |t| t.to_string()))
                }
                None => (String::new(), String::new(), String::new()),
            };
            roster.push_str(&format!(
                "P{:04},某,{},1,某家长,{applied},某家长,{agreed},{agreed},{from},{to},{id}\n",
                i % 7,
                1 + i % 6
            ));
        }
        let mut ledger = String::from("date,kind,amount,pupil_id,contract_id,category,period,collected_by,receipt,memo\n");
        for (kind, fen, offset) in rows {
            let date = day(*offset);
            let amount = Money::from_fen(i128::from(*fen));
            let row = match kind % 4 {
                0 => format!("{date},fee,{amount},P0001,,,{},周强,,", date.format("%Y-%m")),
                1 => format!("{date},refund,{amount},P0001,,,{},,,", date.format("%Y-%m")),
                2 => format!("{date},pay,{amount},,C001,,,,,"),
                _ => format!("{date},expense,{amount},,,materials,,,,"),
            };
            ledger.push_str(&row);
            ledger.push('\n');
        }
        let mut surveys = String::from("contract_id,date,respondent,score,comment\n");
        for offset in ratings {
            surveys.push_str(&format!("C001,{},parent,{},\n", day(*offset), 1 + offset % 5));
        }
        let src = Source::new(Path::new("/nonexistent-care-props"))
            .with("plan.toml", plan.into_bytes())
            .with("roster.csv", roster.into_bytes())
            .with("ledger.csv", ledger.into_bytes())
            .with("surveys.csv", surveys.into_bytes())
            .with(
                "contracts.csv",
                b"contract_id,name,kind,role,signed_on,starts,ends,qualified_on\nC001,X,school,r,2025-08-01,2025-08-01,2028-01-01,2025-08-01\n".to_vec(),
            );
        Records::load_from(&src)
    }

    fn plan_with(days: &[Weekday], term: Term) -> Plan {
        let mut plan = Plan::default();
        plan.service.days = days.to_vec();
        plan.terms.push(term);
        plan
    }

    const WEEK: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn the_years_add_up_to_the_records(
            holidays in prop::collection::vec(0u64..200, 0..6),
            workdays in prop::collection::vec(0u64..200, 0..4),
            apps in prop::collection::vec((0usize..4, prop::option::of((0u64..150, prop::option::of(0u64..150))), 0u64..60), 0..12),
            rows in prop::collection::vec((any::<u8>(), 1i64..100_000, 0u64..SPAN_DAYS), 0..60),
            ratings in prop::collection::vec(0u64..SPAN_DAYS, 0..10),
        ) {
            let r = records(&holidays, &workdays, &apps, &rows, &ratings);
            prop_assert!(r.problems.is_empty(), "{:?}", r.problems);
            let plan = r.plan.as_ref().unwrap();
            let today = d("2099-01-01");
            let years: Vec<_> = (2025..=2028).map(|y| annual::year(&r, y, today)).collect();
            let sum = |k: Kind| -> Money { r.entries.iter().filter(|e| e.kind == k).map(|e| e.amount).sum() };
            let by_year = |f: &dyn Fn(&annual::Year) -> Money| -> Money { years.iter().map(f).sum() };
            prop_assert_eq!(by_year(&|y| y.money.fees), sum(Kind::Fee));
            prop_assert_eq!(by_year(&|y| y.money.refunds), sum(Kind::Refund));
            prop_assert_eq!(by_year(&|y| y.money.pay), sum(Kind::Pay));
            prop_assert_eq!(by_year(&|y| y.money.expenses), sum(Kind::Expense));
            prop_assert_eq!(years.iter().map(|y| y.money.rows).sum::<usize>(), r.entries.len());
            let care: u64 = r
                .pupils
                .iter()
                .map(|p| r.term_of_pupil(p).map_or(0, |t| u64::from(care_days(plan, t, p))))
                .sum();
            prop_assert_eq!(years.iter().map(|y| y.pupils.care_days).sum::<u64>(), care);
            let by_terms: u64 = years.iter().flat_map(|y| &y.terms).map(|t| t.care_days).sum();
            prop_assert_eq!(by_terms, care);
            let grades: u64 = years.iter().flat_map(|y| y.by_grade.values()).map(|g| g.care_days).sum();
            prop_assert_eq!(grades, care);
            prop_assert_eq!(years.iter().map(|y| y.pupils.applications).sum::<usize>(), r.pupils.len());
            let withdrawn = r
                .pupils
                .iter()
                .filter(|p| r.term_of_pupil(p).is_some_and(|t| p.ends.is_some_and(|e| e < t.ends)))
                .count();
            prop_assert_eq!(years.iter().map(|y| y.pupils.withdrawn).sum::<usize>(), withdrawn);
            prop_assert_eq!(years.iter().map(|y| y.satisfaction.all.count).sum::<usize>(), r.surveys.len());
            // Each term's service days, split over the years, are its service days.
            for t in &plan.terms {
                let split: u32 = years.iter().flat_map(|y| &y.terms).filter(|f| f.term.id == t.id).map(|f| f.service_days).sum();
                prop_assert_eq!(split, service_days(plan, t, t.starts, t.ends));
            }
            // Up to a day within a year, no day after it is counted.
            let mid = d("2026-05-15");
            let partial = annual::year(&r, 2026, mid);
            let upto: u64 = r
                .pupils
                .iter()
                .filter_map(|p| Some((r.term_of_pupil(p)?, p)))
                .filter_map(|(t, p)| {
                    let (from, to) = care_span(t, p)?;
                    Some(u64::from(service_days(plan, t, from.max(d("2026-01-01")), to.min(mid))))
                })
                .sum();
            prop_assert_eq!(partial.pupils.care_days, upto);
        }

        #[test]
        fn service_days_are_a_plain_count(
            start in 0u64..400,
            len in 0u64..200,
            days in prop::collection::vec(any::<bool>(), 7),
            holidays in prop::collection::vec(0u64..220, 0..12),
            workdays in prop::collection::vec(0u64..220, 0..8),
            from in 0u64..240,
            to in 0u64..240,
            care in (0u64..240, prop::option::of(0u64..240)),
        ) {
            let base = d("2025-08-25");
            let starts = base + Days::new(start);
            let ends = starts + Days::new(len);
            let at = |o: &u64| At { v: starts + Days::new(*o), line: 1 };
            let term = Term {
                line: 1,
                id: "t".into(),
                name: "t".into(),
                starts,
                ends,
                settle_by: At { v: starts, line: 1 },
                holidays: holidays.iter().map(at).collect(),
                workdays: workdays.iter().map(at).collect(),
            };
            let weekdays: Vec<Weekday> = WEEK.iter().zip(&days).filter(|(_, on)| **on).map(|(w, _)| *w).collect();
            let plan = plan_with(&weekdays, term);
            let t = &plan.terms[0];
            let plain = |a: Date, b: Date| {
                let mut n = 0;
                let mut x = a;
                while x <= b {
                    let holiday = holidays.iter().any(|h| starts + Days::new(*h) == x);
                    let workday = workdays.iter().any(|w| starts + Days::new(*w) == x);
                    if starts <= x && x <= ends && !holiday && (weekdays.contains(&x.weekday()) || workday) {
                        n += 1;
                    }
                    x = x + Days::new(1);
                }
                n
            };
            let (a, b) = (base + Days::new(from), base + Days::new(to));
            prop_assert_eq!(service_days(&plan, t, a, b), plain(a, b));
            // A row's care days: the plain count over its care, within its term.
            let mut p = care::records::Pupil {
                line: 2,
                id: "P1".into(),
                name: "某".into(),
                grade: 1,
                class: "1".into(),
                guardian: "某".into(),
                phone: None,
                applied_on: base,
                signed_by: "某".into(),
                reviewed_on: None,
                agreed_on: None,
                starts: Some(base + Days::new(care.0)),
                ends: care.1.map(|e| base + Days::new(care.0 + e)),
                note: None,
                term: None,
                waiver: None,
                waiver_reason: None,
            };
            let expected = plain(p.starts.unwrap().max(starts), p.ends.map_or(ends, |e| e.min(ends)));
            prop_assert_eq!(care_days(&plan, t, &p), expected);
            p.starts = None;
            prop_assert_eq!(care_days(&plan, t, &p), 0);
        }
    }
}
