//! Money as schools run it in 2026 (SPEC §2, §5, §6, §8, §10): the school-collected model, leave
//! and what a family owes under each refund rule, `care refunds`, `ledger close` refusing a month
//! that owes refunds, waivers, grants and settlement on the standard; figures worked out by hand.

use crate::common::{Workdir, school_example_dir, snapshot_of};

/// The clean fixture with a standard of 200.00 a month refunded by the day: September 2026 has
/// 22 service days, and the three families paid 200.00 for it.
fn daily() -> Workdir {
    let w = Workdir::fixture("clean").today("2026-10-02");
    w.replace("plan.toml", "amount = \"280.00\"", "amount = \"200.00\"");
    w.replace(
        "plan.toml",
        "refund_basis = \"paid\"",
        "refund_basis = \"paid\"\nrefund_rule = \"daily\"",
    );
    let ledger = w.read("ledger.csv").replace(",fee,280.00,", ",fee,200.00,");
    w.write("ledger.csv", ledger);
    w
}

/// The cells of a line of a table `care` prints, without its rules.
fn cells(line: &str) -> Vec<&str> {
    line.split_whitespace().filter(|c| !matches!(*c, "┆" | "│")).collect()
}

/// The cells of the table's line that holds `what`.
fn row<'a>(table: &'a str, what: &str) -> Vec<&'a str> {
    table.lines().find(|l| l.contains(what)).map(cells).unwrap_or_default()
}

fn rules(w: &Workdir) -> Vec<(String, String, u64)> {
    w.findings()
}

fn value<'a>(toml: &'a str, key: &str) -> Option<&'a str> {
    toml.lines()
        .find_map(|l| l.strip_prefix(&format!("{key} = ")))
        .map(|v| v.trim_matches('"'))
}

#[test]
fn leave_add_makes_the_file_with_its_header_then_appends() {
    let w = daily();
    assert!(!w.file("leave.csv").exists());
    let out = w.ok(&[
        "leave",
        "add",
        "--pupil",
        "P0001",
        "--from",
        "2026-09-14",
        "--to",
        "2026-09-18",
        "--reason",
        "病假",
    ]);
    assert_eq!(out, "recorded leave: P0001 from 2026-09-14 to 2026-09-18, in leave.csv\n");
    assert_eq!(w.read("leave.csv"), "pupil_id,from,to,reason\nP0001,2026-09-14,2026-09-18,病假\n");
    w.ok(&["leave", "add", "--pupil", "P0002", "--from", "2026-09-21", "--to", "2026-09-21"]);
    assert_eq!(
        w.read("leave.csv"),
        "pupil_id,from,to,reason\nP0001,2026-09-14,2026-09-18,病假\nP0002,2026-09-21,2026-09-21,\n"
    );
}

#[test]
fn bad_leave_is_refused_and_changes_nothing() {
    let w = daily();
    w.ok(&["leave", "add", "--pupil", "P0001", "--from", "2026-09-14", "--to", "2026-09-18"]);
    let add = |pupil: &'static str, from: &'static str, to: &'static str| ["leave", "add", "--pupil", pupil, "--from", from, "--to", to];
    // Ending before it starts; an unknown pupil; outside the pupil's care (P0004 has not
    // agreed); a weekend only; overlapping the leave at line 2.
    w.refused(&add("P0001", "2026-09-18", "2026-09-14"), "before it starts");
    w.refused(&add("P0009", "2026-09-14", "2026-09-18"), "ref/unknown-pupil");
    w.refused(&add("P0004", "2026-09-14", "2026-09-18"), "ref/unknown-pupil");
    w.refused(&add("P0002", "2026-09-19", "2026-09-20"), "has no care day");
    w.refused(&add("P0001", "2026-09-18", "2026-09-22"), "shares days with the leave at line 2");
}

#[test]
fn bad_leave_rows_are_findings_with_file_and_line() {
    let w = daily();
    w.write(
        "leave.csv",
        "pupil_id,from,to,reason\nP0001,2026-09-18,2026-09-14,\nP0009,2026-09-14,2026-09-18,\nP0002,2026-09-14,2026-09-18,\nP0002,2026-09-16,2026-09-17,\nP0003,2026-12-25,2027-03-01,\n",
    );
    assert_eq!(
        rules(&w),
        vec![
            ("format/parse".into(), "leave.csv".into(), 2),
            ("ref/unknown-pupil".into(), "leave.csv".into(), 3),
            ("format/duplicate-id".into(), "leave.csv".into(), 5),
        ]
    );
    // A leave in no care at all (after the term) is ref/unknown-pupil at its line.
    w.write("leave.csv", "pupil_id,from,to,reason\nP0003,2027-01-25,2027-02-05,\n");
    assert_eq!(rules(&w), vec![("ref/unknown-pupil".into(), "leave.csv".into(), 2)]);
}

/// SPEC §10's hand check: 200.00 a month, 22 service days, 5 away: owed 154.55, refund 45.45.
#[test]
fn refunds_lists_then_books_what_a_family_is_owed_and_the_rule_falls_silent() {
    let w = daily();
    w.ok(&["leave", "add", "--pupil", "P0001", "--from", "2026-09-14", "--to", "2026-09-18"]);
    assert_eq!(rules(&w), vec![("fees/refund-due".into(), "ledger.csv".into(), 2)]);
    let check = w.care(&["check"]).output().unwrap();
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(
        text.contains("P0001 paid 200.00 net for 2026-09 and owed 154.55 under refund rule daily (17 of 22 service days in care): a refund of 45.45 is due and not booked"),
        "{text}"
    );

    let table = w.ok(&["refunds", "--month", "2026-09"]);
    assert_eq!(row(&table, "P0001")[2..], ["2026-09", "200.00", "154.55", "17/22", "45.45"]);
    assert_eq!(row(&table, "P0002")[2..], ["2026-09", "200.00", "200.00", "22/22", "0.00"]);
    assert_eq!(row(&table, "total")[1..], ["600.00", "554.55", "45.45"]);

    // A month that owes refunds is not closed; the refusal names the family and the command.
    let owes = "month 2026-09 still owes refunds for leave and withdrawal: P0001 2026-09 (45.45); pay them and book them with care refunds --month 2026-09 --record";
    w.refused(&["ledger", "close", "--month", "2026-09", "--on", "2026-10-05"], owes);
    // Closed today, the refunds due come from the context the rules are checked with.
    w.refused(&["ledger", "close", "--month", "2026-09"], owes);

    let ledger = w.read("ledger.csv");
    let out = w.ok(&["refunds", "--month", "2026-09", "--record", "--on", "2026-10-02"]);
    assert_eq!(out, "recorded 1 refunds, 45.45 in all, dated 2026-10-02, in ledger.csv\n");
    assert_eq!(
        &w.read("ledger.csv")[ledger.len()..],
        "2026-10-02,refund,45.45,P0001,,,2026-09,,,请假、退出退费\n"
    );
    assert_eq!(rules(&w), vec![]);
    // Booked once: nothing more is due.
    assert_eq!(
        w.ok(&["refunds", "--month", "2026-09", "--record"]),
        "no refunds are due; nothing written\n"
    );
    w.care(&["ledger", "close", "--month", "2026-09", "--on", "2026-10-05"])
        .assert()
        .success();
}

#[test]
fn refunds_refuse_bad_usage_and_a_closed_month() {
    let w = daily();
    w.care(&["refunds", "--term", "2099-autumn"]).assert().code(2);
    w.care(&["refunds"]).assert().code(2);
    w.care(&["refunds", "--month", "2026-13"]).assert().code(2);
    let term = Workdir::fixture("clean");
    term.replace("plan.toml", "basis = \"monthly\"", "basis = \"term\"");
    let out = term.care(&["refunds", "--month", "2026-09"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("use --term TERM"));

    // A withdrawal in October after paying for it: the refund is not booked in closed September.
    w.ok(&["ledger", "close", "--month", "2026-09", "--on", "2026-10-02"]);
    w.ok(&[
        "ledger",
        "add",
        "fee",
        "--date",
        "2026-10-08",
        "--amount",
        "200",
        "--pupil",
        "P0001",
        "--period",
        "2026-10",
        "--collected-by",
        "周强",
    ]);
    w.replace("roster.csv", "2026-09-01,,\nP0002", "2026-09-01,2026-10-15,\nP0002");
    w.refused(
        &["refunds", "--month", "2026-10", "--record", "--on", "2026-09-30"],
        "month 2026-09 was closed on 2026-10-02",
    );
    // October: 22 weekdays less the 5 days of the national holiday, 17 service days; 6 of them
    // to Thursday 15: 200 × 6 / 17 = 70.588… → 70.59, 129.41 back.
    let table = w.ok(&["refunds", "--month", "2026-10"]);
    assert_eq!(row(&table, "P0001")[2..], ["2026-10", "200.00", "70.59", "6/17", "129.41"]);
}

#[test]
fn a_withdrawal_after_paying_the_month_is_refunded_by_the_day() {
    let w = daily();
    // P0001 withdraws on Tuesday 15 September: 11 of 22 days, 100.00 owed, 100.00 back.
    w.replace("roster.csv", "2026-09-01,,\nP0002", "2026-09-01,2026-09-15,\nP0002");
    let table = w.ok(&["refunds", "--term", "2026-autumn"]);
    assert_eq!(row(&table, "P0001")[2..], ["2026-09", "200.00", "100.00", "11/22", "100.00"]);
    w.ok(&["refunds", "--term", "2026-autumn", "--record", "--on", "2026-10-02"]);
    assert!(
        w.read("ledger.csv")
            .ends_with("2026-10-02,refund,100.00,P0001,,,2026-09,,,请假、退出退费\n")
    );
    assert_eq!(rules(&w), vec![]);
}

/// The clean fixture as a school that takes its fees itself, with no committee.
fn school(w: &Workdir) {
    w.replace("plan.toml", "[school]\n", "[policy]\nmodel = \"school\"\n\n[school]\n");
    w.replace(
        "plan.toml",
        "principal = \"王建国\"\n",
        "principal = \"王建国\"\nfinance = [\"周强\", \"陈静\"]\n",
    );
    w.replace(
        "plan.toml",
        "[committee]\nestablished_on = 2026-06-20\nchair = \"陈静\"\ntreasurer = \"周强\"\nmembers = [\"陈静\", \"周强\", \"吴芳\"]\n",
        "",
    );
    w.replace(
        "plan.toml",
        "refund_basis = \"paid\"",
        "refund_basis = \"standard\"\napproval = \"X价〔2026〕12号\"",
    );
}

#[test]
fn the_school_model_checks_clean_and_names_a_wrong_collector_and_a_missing_approval() {
    let w = Workdir::fixture("clean");
    school(&w);
    assert_eq!(rules(&w), vec![]);
    // Without a committee under the committee model, committee/missing.
    let c = Workdir::fixture("clean");
    c.replace("plan.toml", "[committee]\n", "[committee_]\n");
    assert!(rules(&c).contains(&("committee/missing".into(), "plan.toml".into(), 1)));

    w.replace("ledger.csv", "陈静,R003", "班主任,R003");
    assert_eq!(rules(&w), vec![("school/collector".into(), "ledger.csv".into(), 4)]);
    w.replace("ledger.csv", "班主任,R003", "陈静,R003");
    w.replace("plan.toml", "\napproval = \"X价〔2026〕12号\"", "");
    assert_eq!(rules(&w), vec![("plan/policy".into(), "plan.toml".into(), 16)]);
}

#[test]
fn unknown_rules_models_and_waivers_are_findings_with_the_fix() {
    let w = Workdir::fixture("clean");
    w.replace(
        "plan.toml",
        "refund_basis = \"paid\"",
        "refund_basis = \"paid\"\nrefund_rule = \"weekly\"",
    );
    w.replace("plan.toml", "[school]\n", "[policy]\nmodel = \"parents\"\n\n[school]\n");
    w.replace("roster.csv", ",note\n", ",note,waiver\n");
    w.replace("roster.csv", "2026-08-29,2026-09-01,,", "2026-08-29,2026-09-01,,,150");
    assert_eq!(
        rules(&w),
        vec![
            ("plan/policy".into(), "plan.toml".into(), 2),
            ("plan/policy".into(), "plan.toml".into(), 26),
            ("plan/policy".into(), "roster.csv".into(), 4),
        ]
    );
    let out = w.care(&["check"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("[policy] model “parents” must be \"committee\" or \"school\""),
        "{text}"
    );
    assert!(text.contains("P0003's waiver 150 is not between 0 and 100"), "{text}");
    assert!(text.contains("fix: make plan.toml agree with its model"), "{text}");
}

#[test]
fn a_grant_is_money_in_in_closes_disclosure_and_settlement() {
    let w = Workdir::fixture("clean").today("2026-10-06");
    w.ok(&[
        "ledger",
        "add",
        "grant",
        "--date",
        "2026-09-10",
        "--amount",
        "500",
        "--category",
        "财政补助",
    ]);
    w.refused(&["ledger", "add", "grant", "--date", "2026-09-20", "--amount", "500"], "category");
    // fmt orders kinds fee, refund, pay, expense, grant.
    w.ok(&["fmt"]);
    let ledger = w.read("ledger.csv");
    assert!(
        ledger.ends_with(
            "2026-09-10,expense,120.50,,,materials,,,,作业本\n2026-09-10,grant,500.00,,,财政补助,,,,\n2026-09-15,pay,300.00,,C001,,,,,\n"
        ),
        "{ledger}"
    );
    w.ok(&["ledger", "close", "--month", "2026-09", "--on", "2026-10-05"]);
    let close = w.read("closes/2026-09.toml");
    // 840 + 500 − 300 − 120.50 = 919.50.
    assert_eq!(value(&close, "grants"), Some("500.00"));
    assert_eq!(value(&close, "closing"), Some("919.50"));
    let md = w.read("reports/disclosure-2026-09.md");
    assert!(
        md.contains("| Grants received | 500.00 |") || md.contains("| 补助收入 | 500.00 |"),
        "{md}"
    );
    assert!(md.contains("财政补助"), "{md}");
    assert_eq!(rules(&w), vec![]);

    // A month without grants writes no grants key, as closes did before.
    w.set_today("2026-11-20");
    w.ok(&["ledger", "close", "--month", "2026-10", "--on", "2026-11-02"]);
    assert_eq!(value(&w.read("closes/2026-10.toml"), "grants"), None);

    // Settlement: C = pay + expenses − G = 300 + 120.50 − 500 = −79.50; S = 840 + 79.50.
    w.ok(&["settle", "--term", "2026-autumn", "--on", "2026-11-10"]);
    let toml = w.read("settlements/2026-autumn.toml");
    assert_eq!(value(&toml, "grants"), Some("500.00"));
    assert_eq!(value(&toml, "costs"), Some("-79.50"));
    assert_eq!(value(&toml, "surplus"), Some("919.50"));
    assert!(w.ok(&["status"]).contains("grants received: 500.00"));
}

#[test]
fn settlement_on_the_standard_records_p_g_c_refunds_and_what_stays() {
    let w = Workdir::fixture("clean").today("2026-10-06");
    school(&w);
    // P0001 withdrew on 15 September, having paid the month: under refund rule none it owes
    // the whole month; P0004 never agreed.
    w.replace("roster.csv", "2026-09-01,,\nP0002", "2026-09-01,2026-09-15,\nP0002");
    w.ok(&["settle", "--term", "2026-autumn", "--on", "2026-10-05"]);
    let toml = w.read("settlements/2026-autumn.toml");
    assert_eq!(value(&toml, "basis"), Some("standard"));
    // P = 840, C = 420.50, S = 419.50; each family owes 280.00 for September and 280.00 a month
    // to the end of the term for the two still in care: refunds are negative (amounts due).
    assert_eq!(value(&toml, "paid"), Some("840.00"));
    assert_eq!(value(&toml, "costs"), Some("420.50"));
    assert_eq!(value(&toml, "surplus"), Some("419.50"));
    assert_eq!(value(&toml, "grants"), None);
    let csv = w.read("settlements/2026-autumn.csv");
    // September to January: P0002 and P0003 owe 5 × 280 = 1400; P0001 280.
    assert_eq!(
        csv,
        "pupil_id,paid,share,refund\nP0001,280.00,280.00,0.00\nP0002,280.00,1400.00,-1120.00\nP0003,280.00,1400.00,-1120.00\n"
    );
    // S − Σ refund = 419.50 + 2240.00.
    assert_eq!(value(&toml, "retained"), Some("2659.50"));
}

#[test]
fn the_school_example_is_what_init_writes_and_checks_clean_on_later_dates() {
    let w = Workdir::empty();
    w.care(&["init", "--example", "--model", "school", "s"])
        .current_dir(w.path())
        .assert()
        .success();
    let written = snapshot_of(&w.file("s"));
    let bundled = snapshot_of(&school_example_dir());
    assert_eq!(written.keys().collect::<Vec<_>>(), bundled.keys().collect::<Vec<_>>());
    for (path, bytes) in &written {
        assert!(bundled[path] == *bytes, "{} differs from examples/school-collected", path.display());
    }
    for today in ["2026-02-20", "2026-11-29", "2031-12-31"] {
        let w = Workdir::school_example().today(today);
        w.care(&["check", "--deny-warnings"]).assert().success();
    }
    // --model without --example is bad usage.
    Workdir::empty().care(&["init", "--model", "school", "x"]).assert().code(2);
}

#[test]
fn the_school_example_shows_waivers_refunds_and_grants_but_never_who_or_why() {
    let w = Workdir::school_example();
    let plan = w.read("plan.toml");
    assert!(plan.contains("model = \"school\"") && plan.contains("refund_rule = \"daily\""));
    // Leave under the daily rule: P0003 away 20–24 October, 13 of 18 days: 200 × 13 / 18 =
    // 144.44, 55.56 back; P0012 withdrew on 14 November, 10 of 20 days: 100.00 back.
    let ledger = w.read("ledger.csv");
    assert!(ledger.contains("2025-11-05,refund,55.56,P0003,,,2025-10,"), "{ledger}");
    assert!(ledger.contains("2025-12-04,refund,100.00,P0012,,,2025-11,"), "{ledger}");
    assert!(ledger.contains(",grant,4800.00,,,财政补助,"), "{ledger}");
    let dec = w.read("reports/disclosure-2025-12.md");
    // P0005 (waived) and P0009 (halved, away a week: 200 × 18 / 23 = 156.52 less 78.26).
    assert!(dec.contains("| 减免收费的学生人数 | 2 |"), "{dec}");
    assert!(dec.contains("| 减免金额 | 278.26 |"), "{dec}");
    for report in ["disclosure", "annual"] {
        let args: &[&str] = if report == "disclosure" {
            &["report", "disclosure", "--month", "2025-12"]
        } else {
            &["report", "annual", "--year", "2025"]
        };
        let text = w.ok(args);
        for secret in ["低保", "建档立卡", "病假", "回老家", "13720"] {
            assert!(!text.contains(secret), "{report} shows {secret}");
        }
    }
    let annual = w.ok(&["report", "annual", "--year", "2025", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&annual).unwrap();
    assert_eq!(v["money"]["grants"], "4800.00");
    assert_eq!(v["waivers"]["pupils"], 2);
    // Leave that counts: 5 + 3 + 5 service days (P0010's two days do not count).
    assert_eq!(v["leave_days"], 13);
    let toml = w.read("settlements/2025-autumn.toml");
    assert_eq!(value(&toml, "basis"), Some("standard"));
    assert_eq!(value(&toml, "grants"), Some("4800.00"));
    assert_eq!(value(&toml, "retained"), value(&toml, "surplus"));
}

/// Leave days are not care days: the school example's 2,226 service days of care are 2,213 care
/// days and 13 days of counted leave, and the years' reports add up to them (2025: 1,960 and 13;
/// 2026: 253 and none), each counted up to the day the report is made.
#[test]
fn the_annual_reports_count_care_and_leave_days_apart_and_add_up() {
    let w = Workdir::school_example().today("2030-01-01");
    let annual =
        |y: &str| -> serde_json::Value { serde_json::from_str(&w.ok(&["report", "annual", "--year", y, "--format", "json"])).unwrap() };
    let (a, b) = (annual("2025"), annual("2026"));
    assert_eq!(
        (a["pupils"]["care_days"].as_u64(), a["leave_days"].as_u64()),
        (Some(1960), Some(13))
    );
    assert_eq!((b["pupils"]["care_days"].as_u64(), b["leave_days"].as_u64()), (Some(253), Some(0)));
    let roster: serde_json::Value =
        serde_json::from_str(&w.ok(&["report", "roster", "--term", "2025-autumn", "--format", "json"])).unwrap();
    assert_eq!(roster["care_days"].as_u64(), Some(1960 + 253));
    // On 17 October 2025, P0003's leave of 20-24 October has not happened.
    w.set_today("2025-10-17");
    assert_eq!(annual("2025")["leave_days"].as_u64(), Some(0));
}

#[test]
fn a_waiver_lowers_the_cap_and_the_days_weight() {
    let w = Workdir::fixture("clean");
    w.replace("roster.csv", ",note\n", ",note,waiver\n");
    w.replace("roster.csv", "2026-08-29,2026-09-01,,", "2026-08-29,2026-09-01,,,50");
    // P0003 pays 280.00 against a standard of 140.00.
    assert_eq!(rules(&w), vec![("fees/over-standard".into(), "ledger.csv".into(), 4)]);
    w.replace("ledger.csv", "fee,280.00,P0003", "fee,140.00,P0003");
    assert_eq!(rules(&w), vec![]);
    // Days basis: the three have the same care days, P0003's weight is half: C = 420.50 in
    // weights 2:2:1 → 168.20, 168.20, 84.10.
    w.replace("plan.toml", "refund_basis = \"paid\"", "refund_basis = \"days\"");
    let out = w.ok(&["settle", "--term", "2026-autumn", "--on", "2026-09-26", "--dry-run"]);
    let share = |id: &str| row(&out, id)[3].to_owned();
    assert_eq!(
        (share("P0001"), share("P0002"), share("P0003")),
        ("168.20".into(), "168.20".into(), "84.10".into())
    );
}

mod properties {
    //! Over random families, care, leave, waivers and fees under every refund rule.

    use std::path::Path;

    use care::domain::settle::settle;
    use care::records::date::parse_date;
    use care::records::plan::RefundBasis;
    use care::records::{Date, Money, Records, Source};
    use care::rules::fees::{Key, dues};
    use care::rules::{Context, check};
    use proptest::prelude::*;

    const PLAN: &str = include_str!("../fixtures/clean/plan.toml");
    const CONTRACTS: &str = include_str!("../fixtures/clean/contracts.csv");
    const RULES: [&str; 4] = ["none", "daily", "half-month", "month"];
    const WAIVERS: [&str; 5] = ["", "", "50", "12.5", "100"];
    const MONTHS: [&str; 5] = ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01"];

    fn day(offset: u32) -> Date {
        parse_date("2026-09-01").unwrap() + chrono::Days::new(offset.into())
    }

    /// One family: first day of care, last day (or none), waiver, and which months it pays.
    #[derive(Clone, Debug)]
    struct Family {
        starts: u32,
        ends: Option<u32>,
        waiver: usize,
        pays: [bool; 5],
    }

    fn family() -> impl Strategy<Value = Family> {
        (0u32..100, prop::option::of(0u32..140), 0..WAIVERS.len(), any::<[bool; 5]>()).prop_map(|(starts, ends, waiver, pays)| Family {
            starts,
            ends: ends.map(|e| starts + e),
            waiver,
            pays,
        })
    }

    /// The records: the clean fixture's plan with a standard of 200.00 a month under `rule`,
    /// the families, their fees at the standard less the waiver, and their leave.
    fn records(rule: usize, min_days: u32, families: &[Family], leave: &[Away], extra: &str) -> Records {
        let plan = PLAN.replace("amount = \"280.00\"", "amount = \"200.00\"").replace(
            "refund_basis = \"paid\"",
            &format!(
                "refund_basis = \"paid\"\nrefund_rule = \"{}\"\nleave_min_days = {min_days}",
                RULES[rule]
            ),
        );
        let mut roster = "pupil_id,name,grade,class,guardian,applied_on,signed_by,reviewed_on,agreed_on,starts,ends,waiver\n".to_owned();
        let mut ledger = "date,kind,amount,pupil_id,contract_id,category,period,collected_by,receipt,memo\n".to_owned();
        for (i, f) in families.iter().enumerate() {
            let ends = f.ends.map(|e| day(e).to_string()).unwrap_or_default();
            roster.push_str(&format!(
                "P{i:04},某,1,1,某甲,2026-08-20,某甲,2026-08-25,2026-08-28,{},{ends},{}\n",
                day(f.starts),
                WAIVERS[f.waiver]
            ));
            let waiver: rust_decimal::Decimal = WAIVERS[f.waiver].parse().unwrap_or_default();
            let fee = Money::from(
                rust_decimal::Decimal::from(200) * (rust_decimal::Decimal::ONE_HUNDRED - waiver) / rust_decimal::Decimal::ONE_HUNDRED,
            );
            for (m, pays) in MONTHS.iter().zip(f.pays) {
                if pays && fee.is_positive() {
                    ledger.push_str(&format!("2026-09-01,fee,{fee},P{i:04},,,{m},周强,,\n"));
                }
            }
        }
        ledger.push_str(extra);
        let mut leave_csv = "pupil_id,from,to\n".to_owned();
        for &(who, from, len) in leave {
            leave_csv.push_str(&format!("P{:04},{},{}\n", who % families.len(), day(from), day(from + len)));
        }
        let src = Source::new(Path::new("/nonexistent-care-money-props"))
            .with("plan.toml", plan.into_bytes())
            .with("roster.csv", roster.into_bytes())
            .with("contracts.csv", CONTRACTS.as_bytes().to_vec())
            .with("surveys.csv", b"contract_id,date,respondent,score\n".to_vec())
            .with("leave.csv", leave_csv.into_bytes())
            .with("ledger.csv", ledger.into_bytes());
        Records::load_from(&src)
    }

    fn today() -> Date {
        parse_date("2027-02-01").unwrap()
    }

    /// A leave: whose (by place), its first day (days after 1 September) and its length.
    type Away = (usize, u32, u32);

    /// A refund rule, `leave_min_days`, the families and their leave.
    fn scenario() -> impl Strategy<Value = (usize, u32, Vec<Family>, Vec<Away>)> {
        (
            0..RULES.len(),
            1u32..5,
            prop::collection::vec(family(), 1..8),
            prop::collection::vec((0usize..8, 0u32..140, 0u32..12), 0..6),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn a_refund_never_exceeds_what_the_family_paid((rule, min, families, leave) in scenario()) {
            let r = records(rule, min, &families, &leave, "");
            prop_assert!(r.problems.is_empty(), "{:?}", r.problems);
            let cx = Context::new(&r, today());
            for d in dues(&cx) {
                prop_assert!(d.refund() <= d.paid.net);
                prop_assert!(!d.owed.owed.is_negative() && d.owed.owed <= Money::parse("200").unwrap());
                prop_assert!(d.owed.attended <= d.owed.service);
            }
        }

        #[test]
        fn after_booking_the_refunds_none_is_due((rule, min, families, leave) in scenario()) {
            let r = records(rule, min, &families, &leave, "");
            let cx = Context::new(&r, today());
            let mut refunds = String::new();
            for d in dues(&cx).iter().filter(|d| d.refund().is_positive()) {
                let Key::Month(m) = d.key else { continue };
                refunds.push_str(&format!("2027-01-31,refund,{},{},,,{m},,,\n", d.refund(), r.pupils[d.pupil].id));
            }
            let after = records(rule, min, &families, &leave, &refunds);
            let due: Vec<_> = check(&after, today()).into_iter().filter(|f| f.rule == "fees/refund-due").collect();
            prop_assert!(due.is_empty(), "{due:?}");
        }

        #[test]
        fn allocations_with_waivers_still_add_up_to_the_fen((rule, min, families, leave) in scenario(), costs in 1i64..2_000_000) {
            let extra = format!("2026-09-15,expense,{},,,materials,,,,\n", Money::from_fen(i128::from(costs)));
            let r = records(rule, min, &families, &leave, &extra);
            let plan = r.plan.as_ref().unwrap();
            let term = &plan.terms[0];
            let on = parse_date("2027-01-15").unwrap();
            if let Ok(o) = settle(plan, term, RefundBasis::Days, on, &r.entries, &r.pupils, &r.leave) {
                prop_assert_eq!(o.families.iter().map(|f| f.share).sum::<Money>(), o.costs);
                for f in &o.families {
                    prop_assert_eq!(f.paid - f.share, f.refund);
                }
            }
            let o = settle(plan, term, RefundBasis::Standard, on, &r.entries, &r.pupils, &r.leave).unwrap();
            let refunds: Money = o.families.iter().map(|f| f.refund).sum();
            prop_assert_eq!(o.retained, Some(o.surplus - refunds));
            for f in &o.families {
                prop_assert_eq!(f.paid - f.share, f.refund);
                prop_assert!(!f.share.is_negative());
            }
        }
    }
}
