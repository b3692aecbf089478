//! Month closes and term settlement through the command line (SPEC §6, §8), against figures
//! worked out by hand.

use predicates::str::contains;

use crate::common::Workdir;

fn close(w: &Workdir, month: &str, on: &str) -> assert_cmd::assert::Assert {
    w.care(&["ledger", "close", "--month", month, "--on", on]).assert()
}

fn value<'a>(toml: &'a str, key: &str) -> &'a str {
    toml.lines()
        .find_map(|l| l.strip_prefix(&format!("{key} = ")))
        .map_or_else(|| panic!("{key} not in {toml}"), |v| v.trim_matches('"'))
}

const OCT_ROWS: &[&str] = &[
    "2026-10-08,fee,280.00,P0001,,,2026-10,周强,R004,",
    "2026-10-08,fee,280.00,P0002,,,2026-10,周强,R005,",
    "2026-10-09,fee,140.00,P0003,,,2026-10,陈静,R006,",
    "2026-10-12,refund,20.00,P0001,,,2026-09,,,多收退回",
    "2026-10-30,pay,450.00,,C002,,,,,",
    "2026-10-30,expense,33.33,,,activities,,,,",
];

#[test]
fn a_close_has_the_hand_computed_figures_and_the_openings_chain() {
    let w = Workdir::fixture("clean").today("2026-11-05");
    close(&w, "2026-09", "2026-10-05").success().stdout(contains("closing 419.50"));
    let sep = w.read("closes/2026-09.toml");
    // Fees 3 × 280, pay 300, expenses 120.50: 840 − 300 − 120.50 = 419.50.
    for (k, v) in [
        ("month", "2026-09"),
        ("closed_on", "2026-10-05"),
        ("opening", "0.00"),
        ("fees", "840.00"),
        ("refunds", "0.00"),
        ("pay", "300.00"),
        ("expenses", "120.50"),
        ("closing", "419.50"),
        ("rows", "5"),
    ] {
        assert_eq!(value(&sep, k), v, "{k}");
    }
    assert!(value(&sep, "digest").starts_with("sha256:"));
    assert!(w.read("reports/disclosure-2026-09.md").contains("419.50"));

    for r in OCT_ROWS {
        w.append("ledger.csv", r);
    }
    close(&w, "2026-10", "2026-11-02").success();
    let oct = w.read("closes/2026-10.toml");
    // 419.50 + 700 − 20 − 450 − 33.33 = 616.17.
    for (k, v) in [
        ("opening", "419.50"),
        ("fees", "700.00"),
        ("refunds", "20.00"),
        ("pay", "450.00"),
        ("expenses", "33.33"),
        ("closing", "616.17"),
        ("rows", "6"),
    ] {
        assert_eq!(value(&oct, k), v, "{k}");
    }
    w.care(&["check"]).assert().success();
}

#[test]
fn closing_an_unfinished_or_out_of_order_month_is_refused_and_changes_nothing() {
    let w = Workdir::fixture("clean").today("2026-11-05");
    w.refused(
        &["ledger", "close", "--month", "2026-09", "--on", "2026-09-30"],
        "cannot be closed on 2026-09-30",
    );

    w.append("ledger.csv", OCT_ROWS[0]);
    w.refused(
        &["ledger", "close", "--month", "2026-10", "--on", "2026-11-02"],
        "close 2026-09 first",
    );

    close(&w, "2026-09", "2026-10-05").success();
    w.refused(&["ledger", "close", "--month", "2026-09", "--on", "2026-10-06"], "already closed");
}

#[test]
fn a_month_with_errors_is_not_closed() {
    let w = Workdir::fixture("clean").today("2026-11-05");
    w.replace("ledger.csv", "陈静,R003", "王五,R003");
    w.refused(
        &["ledger", "close", "--month", "2026-09", "--on", "2026-10-05"],
        "committee/collector",
    );
}

#[test]
fn tampering_names_the_totals_that_moved_but_reordering_and_fmt_do_not_trip_it() {
    let w = Workdir::fixture("clean").today("2026-10-06");
    close(&w, "2026-09", "2026-10-05").success();

    // Reorder the rows and respell money: still the same month.
    let ledger = w.read("ledger.csv");
    let mut lines: Vec<&str> = ledger.lines().collect();
    lines[1..].reverse();
    w.write("ledger.csv", format!("{}\n", lines.join("\n")).replace("280.00", "280"));
    w.care(&["check"]).assert().success();
    w.care(&["fmt"]).assert().success();
    w.care(&["check"]).assert().success();

    w.replace("ledger.csv", "120.50", "120.51");
    w.care(&["check"])
        .assert()
        .code(1)
        .stdout(contains("disclosure/closed-month-changed"))
        .stdout(contains("expenses 120.50 → 120.51"));
    w.replace("ledger.csv", "120.51", "120.50");
    w.append("ledger.csv", "2026-09-20,expense,5.00,,,materials,,,,");
    w.care(&["check"])
        .assert()
        .code(1)
        .stdout(contains("rows 5 → 6"))
        .stdout(contains("expenses 120.50 → 125.50"));
}

#[test]
fn adding_a_row_to_a_closed_month_is_refused() {
    let w = Workdir::fixture("clean").today("2026-10-06");
    close(&w, "2026-09", "2026-10-05").success();
    w.refused(
        &[
            "ledger",
            "add",
            "expense",
            "--date",
            "2026-09-29",
            "--amount",
            "10",
            "--category",
            "materials",
        ],
        "month 2026-09 was closed",
    );
}

#[test]
fn only_the_latest_closed_month_reopens_and_the_reason_is_kept() {
    let w = Workdir::fixture("clean").today("2026-11-05");
    close(&w, "2026-09", "2026-10-05").success();
    w.append("ledger.csv", OCT_ROWS[0]);
    close(&w, "2026-10", "2026-11-02").success();
    w.refused(
        &["ledger", "reopen", "--month", "2026-09", "--reason", "typo"],
        "only the latest closed month, 2026-10",
    );
    w.care(&["ledger", "reopen", "--month", "2026-10", "--reason", "收据号写错"])
        .assert()
        .success();
    assert!(!w.file("closes/2026-10.toml").exists());
    assert_eq!(w.read("closes/reopened.csv"), "month,date,reason\n2026-10,2026-11-05,收据号写错\n");
    // The month can be corrected and closed again.
    w.replace("ledger.csv", "R004", "R004a");
    close(&w, "2026-10", "2026-11-05").success();
    w.care(&["check"]).assert().success();
}

#[test]
fn settlement_splits_the_surplus_by_largest_remainder_ties_to_the_smaller_id() {
    let w = Workdir::fixture("clean").today("2026-09-26");
    w.care(&["settle", "--term", "2026-autumn", "--on", "2026-09-26"])
        .assert()
        .success()
        .stdout(contains("surplus S = 419.50"));
    // S = 840 − 420.50 = 419.50; each family's quota 139.8333…: 139.83 each and the one fen
    // left to the smallest id.
    assert_eq!(
        w.read("settlements/2026-autumn.csv"),
        "pupil_id,paid,share,refund\nP0001,280.00,140.16,139.84\nP0002,280.00,140.17,139.83\nP0003,280.00,140.17,139.83\n"
    );
    let t = w.read("settlements/2026-autumn.toml");
    for (k, v) in [
        ("term", "2026-autumn"),
        ("settled_on", "2026-09-26"),
        ("basis", "paid"),
        ("paid", "840.00"),
        ("costs", "420.50"),
        ("surplus", "419.50"),
        ("families", "3"),
    ] {
        assert_eq!(value(&t, k), v, "{k}");
    }
    w.refused(&["settle", "--term", "2026-autumn", "--on", "2026-09-27"], "already settled");
}

#[test]
fn a_term_whose_rows_have_errors_is_not_settled_and_no_figure_is_shown() {
    let w = Workdir::fixture("clean").today("2026-09-26");
    // A fee taken by someone not on the committee: committee/collector on line 7.
    w.append("ledger.csv", "2026-09-20,fee,140.00,P0001,,,2026-09,王五,,");
    for args in [
        &["settle", "--term", "2026-autumn", "--on", "2026-09-26"][..],
        &["settle", "--term", "2026-autumn", "--on", "2026-09-26", "--dry-run"][..],
    ] {
        w.refused(args, "cannot be settled");
        let err = String::from_utf8_lossy(&w.care(args).output().unwrap().stderr).into_owned();
        assert!(err.contains("ledger.csv:7: [committee/collector]"), "{err}");
    }
}

#[test]
fn a_withdrawn_pupil_gets_back_in_proportion_to_what_was_paid() {
    let w = Workdir::fixture("clean").today("2026-10-20");
    // P0003 leaves on 30 September; the others pay for October too.
    w.replace("roster.csv", "2026-08-29,2026-09-01,,", "2026-08-29,2026-09-01,2026-09-30,");
    w.append("ledger.csv", "2026-10-08,fee,280.00,P0001,,,2026-10,周强,,");
    w.append("ledger.csv", "2026-10-08,fee,280.00,P0002,,,2026-10,周强,,");
    w.care(&["settle", "--term", "2026-autumn", "--on", "2026-10-20"])
        .assert()
        .success();
    // P = 1400, C = 420.50, S = 979.50: 979.50 × 560/1400 = 391.80, × 280/1400 = 195.90.
    assert_eq!(
        w.read("settlements/2026-autumn.csv"),
        "pupil_id,paid,share,refund\nP0001,560.00,168.20,391.80\nP0002,560.00,168.20,391.80\nP0003,280.00,84.10,195.90\n"
    );
}

#[test]
fn basis_days_counts_service_days_less_holidays() {
    let w = Workdir::fixture("clean").today("2026-10-01");
    w.replace("plan.toml", "refund_basis = \"paid\"", "refund_basis = \"days\"");
    w.replace(
        "plan.toml",
        "ends = 2027-01-22\nsettle_by = 2027-01-15\nholidays = [2026-10-01, 2026-10-02, 2026-10-05, 2026-10-06, 2026-10-07]",
        "ends = 2026-09-30\nsettle_by = 2026-09-30\nholidays = [2026-09-15]",
    );
    w.replace(
        "contracts.csv",
        "2026-09-01,2027-01-22,2026-08-24,,60.00",
        "2026-09-01,2026-09-30,2026-08-24,,60.00",
    );
    w.replace(
        "roster.csv",
        "P0002,李想,1,1,李华,13800000002,2026-08-21,李华,2026-08-25,2026-08-28,2026-09-01,,",
        "P0002,李想,1,1,李华,13800000002,2026-08-21,李华,2026-08-25,2026-08-28,2026-09-14,,",
    );
    w.replace("roster.csv", "2026-08-29,2026-09-01,,", "2026-08-29,2026-09-01,2026-09-04,");
    w.write("ledger.csv", "date,kind,amount,pupil_id,contract_id,category,period,collected_by,receipt,memo\n2026-09-01,fee,150.00,P0001,,,2026-09,周强,,\n2026-09-01,fee,150.00,P0002,,,2026-09,周强,,\n2026-09-01,fee,150.00,P0003,,,2026-09,周强,,\n2026-09-10,expense,100.00,,,materials,,,,\n");
    w.care(&["settle", "--term", "2026-autumn", "--on", "2026-09-30"])
        .assert()
        .success()
        .stdout(contains("care days"));
    // Service days in September 2026 less the 15th: P0001 21, P0002 (from the 14th) 12,
    // P0003 (to the 4th) 4; Σ 37. Shares of 100.00: 56.756…, 32.432…, 10.810… → 56.75, 32.43,
    // 10.81 and the fen left to the largest remainder (P0001).
    assert_eq!(
        w.read("settlements/2026-autumn.csv"),
        "pupil_id,paid,share,refund\nP0001,150.00,56.76,93.24\nP0002,150.00,32.43,117.57\nP0003,150.00,10.81,139.19\n"
    );
}

#[test]
fn a_deficit_is_shared_as_amounts_due() {
    let w = Workdir::fixture("clean").today("2026-09-26");
    w.append("ledger.csv", "2026-09-20,expense,1000.00,,,insurance,,,,");
    w.care(&["settle", "--term", "2026-autumn", "--on", "2026-09-26", "--record"])
        .assert()
        .success()
        .stdout(contains("surplus S = -580.50"));
    // S = 840 − 1420.50 = −580.50: −193.50 each.
    assert_eq!(
        w.read("settlements/2026-autumn.csv"),
        "pupil_id,paid,share,refund\nP0001,280.00,473.50,-193.50\nP0002,280.00,473.50,-193.50\nP0003,280.00,473.50,-193.50\n"
    );
    // Nothing is paid out to families that owe money.
    assert!(!w.read("ledger.csv").contains("2026-autumn"));
    // When they pay what they owe, as a fee for the term, the settlement is square.
    for p in ["P0001", "P0002", "P0003"] {
        w.care(&[
            "ledger",
            "add",
            "fee",
            "--date",
            "2026-09-28",
            "--amount",
            "193.50",
            "--pupil",
            p,
            "--period",
            "2026-autumn",
            "--collected-by",
            "周强",
        ])
        .assert()
        .success();
    }
    close(w.set_today("2026-10-01"), "2026-09", "2026-10-01").success();
    w.set_today("2026-10-30").care(&["check"]).assert().success();
}

#[test]
fn no_payments_with_costs_to_share_is_refused_not_divided() {
    let w = Workdir::fixture("clean").today("2026-09-26");
    w.write(
        "ledger.csv",
        "date,kind,amount,pupil_id,contract_id,category,period,collected_by,receipt,memo\n2026-09-10,expense,120.50,,,materials,,,,\n",
    );
    w.refused(&["settle", "--term", "2026-autumn", "--on", "2026-09-26"], "P = 0");
}

#[test]
fn record_then_check_is_clean_and_stale_and_mismatch_are_caught() {
    let w = Workdir::fixture("clean").today("2026-09-26");
    w.care(&["settle", "--term", "2026-autumn", "--on", "2026-09-26", "--record"])
        .assert()
        .success()
        .stdout(contains("recorded 3 refunds"));
    let ledger = w.read("ledger.csv");
    assert!(ledger.ends_with("2026-09-26,refund,139.84,P0001,,,2026-autumn,,,学期结算退费\n2026-09-26,refund,139.83,P0002,,,2026-autumn,,,学期结算退费\n2026-09-26,refund,139.83,P0003,,,2026-autumn,,,学期结算退费\n"), "{ledger}");
    close(w.set_today("2026-10-01"), "2026-09", "2026-10-01").success();
    let later = w.set_today("2026-10-30");
    later.care(&["check"]).assert().success();

    // A settled term is locked.
    let before = later.snapshot();
    later
        .care(&[
            "ledger",
            "add",
            "expense",
            "--date",
            "2026-10-02",
            "--amount",
            "10",
            "--category",
            "materials",
        ])
        .assert()
        .code(1)
        .stderr(contains("settled"));
    assert_eq!(later.snapshot(), before);

    // Edited by hand: stale, and the payout no longer matches.
    later.append("ledger.csv", "2026-09-27,expense,10.00,,,materials,,,,");
    later.replace("ledger.csv", "refund,139.83,P0003", "refund,139.00,P0003");
    let f = later.findings();
    assert!(
        f.contains(&("settlement/stale".into(), "settlements/2026-autumn.toml".into(), 9)),
        "{f:?}"
    );
    assert!(
        f.contains(&("settlement/refund-mismatch".into(), "settlements/2026-autumn.csv".into(), 4)),
        "{f:?}"
    );
}

#[test]
fn dry_run_writes_nothing() {
    let w = Workdir::fixture("clean").today("2026-09-26");
    let before = w.snapshot();
    w.care(&["settle", "--term", "2026-autumn", "--on", "2026-09-26", "--dry-run"])
        .assert()
        .success()
        .stdout(contains("139.84"));
    assert_eq!(w.snapshot(), before);
}

#[test]
fn ledger_show_totals_a_month() {
    let w = Workdir::example();
    // October 2025 of the example: 40 fees of 160, four staff paid for 18 service days, the
    // make-up working day of the 11th among them (1620 + 810 + 1296 + 1134), the science
    // materials and the pupils' insurance.
    w.care(&["ledger", "show", "--month", "2025-10"])
        .assert()
        .success()
        .stdout(contains("6400.00 ┆    0.00 ┆ 4860.00 ┆   660.50 ┆ 879.50 ┆   46"));
    w.care(&["ledger", "show", "--month", "2025-13"]).assert().code(2);
    w.care(&["ledger", "show", "--term", "nope"]).assert().code(2);
}

#[test]
fn status_lists_pupils_balance_and_deadlines() {
    let w = Workdir::fixture("clean").today("2026-10-12");
    w.care(&["status"])
        .assert()
        .success()
        .stdout(contains("│ pupils      ┆ applied ┆ enrolled │"))
        .stdout(contains("│ 2026-autumn ┆       1 ┆        3 │"))
        .stdout(contains("balance: 419.50"))
        .stdout(contains("2026-10-10 ┆ close and disclose 2026-09 ┆ overdue"))
        .stdout(contains("2027-01-15 ┆ settle term 2026-autumn"));
    Workdir::example()
        .care(&["status"])
        .assert()
        .success()
        .stdout(contains("no deadlines ahead"))
        .stdout(contains("balance: 0.00"));
}

#[test]
fn status_says_what_families_still_owe_after_a_deficit() {
    let w = Workdir::fixture("clean").today("2026-09-26");
    w.append("ledger.csv", "2026-09-20,expense,1000.00,,,insurance,,,,");
    w.care(&["settle", "--term", "2026-autumn", "--on", "2026-09-26"])
        .assert()
        .success();
    w.care(&["status"])
        .assert()
        .success()
        .stdout(contains("collect amounts due for 2026-autumn (580.50 outstanding)"));
    w.care(&[
        "ledger",
        "add",
        "fee",
        "--date",
        "2026-09-28",
        "--amount",
        "193.50",
        "--pupil",
        "P0001",
        "--period",
        "2026-autumn",
        "--collected-by",
        "周强",
    ])
    .assert()
    .success();
    w.care(&["status"]).assert().success().stdout(contains("(387.00 outstanding)"));
}
