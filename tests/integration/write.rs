//! The write commands (SPEC §8, issue 3): what each does to the files, line by line; what each
//! refuses, leaving every byte as it was; concurrent runs, encodings, failed writes, fmt and
//! the lock.

use std::process::Output;
use std::time::{Duration, Instant};

use crate::common::{self, Workdir};

/// `care enroll` of one application (李四, grade 2 class 1, applied for by 李大华 on 2026-09-20)
/// with the options given.
fn enroll_li_si<'a>(more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "enroll",
        "--name",
        "李四",
        "--grade",
        "2",
        "--class",
        "1",
        "--guardian",
        "李大华",
        "--applied-on",
        "2026-09-20",
        "--signed-by",
        "李大华",
    ];
    args.extend_from_slice(more);
    args
}

/// The file's text after the original: exactly what a write appended.
fn appended(w: &Workdir, file: &str, before: &str) -> String {
    let now = w.read(file);
    assert!(now.starts_with(before), "{file} was rewritten, not appended to:\n{now}");
    now[before.len()..].to_owned()
}

/// Asserts that a write changed only `files`, and created no other file (no lock, no temporary).
fn only_changed(before: &std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>, w: &Workdir, files: &[&str]) {
    let after = w.snapshot();
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "files were added or removed"
    );
    for (path, bytes) in &after {
        let expected_change = files.iter().any(|f| path.to_str() == Some(f));
        assert_eq!(before[path] != *bytes, expected_change, "{}", path.display());
    }
}

#[test]
fn enroll_appends_the_application_with_the_next_id() {
    let w = Workdir::fixture("clean");
    let roster = w.read("roster.csv");
    let before = w.snapshot();
    let out = w.ok(&enroll_li_si(&["--phone", "13900000009"]));
    assert_eq!(out, "enrolled P0005: 李四, applied on 2026-09-20\n");
    assert_eq!(
        appended(&w, "roster.csv", &roster),
        "P0005,李四,2,1,李大华,13900000009,2026-09-20,李大华,,,,,\n"
    );
    only_changed(&before, &w, &["roster.csv"]);
    assert_eq!(w.findings(), vec![]);

    // A note with a comma is quoted; --id is taken as given.
    let roster = w.read("roster.csv");
    let args = [
        "enroll",
        "--name",
        "钱七",
        "--grade",
        "6",
        "--class",
        "2",
        "--guardian",
        "钱大",
        "--applied-on",
        "2026-09-21",
        "--signed-by",
        "钱大",
        "--id",
        "X100",
    ];
    assert_eq!(w.ok(&args), "enrolled X100: 钱七, applied on 2026-09-21\n");
    assert_eq!(appended(&w, "roster.csv", &roster), "X100,钱七,6,2,钱大,,2026-09-21,钱大,,,,,\n");
}

#[test]
fn enroll_keeps_the_width_of_the_ids_in_use() {
    let w = Workdir::fixture("clean");
    for (long, short) in [("P0001", "P1"), ("P0002", "P02"), ("P0003", "P09"), ("P0004", "P3")] {
        w.write("roster.csv", w.read("roster.csv").replace(long, short));
        w.write("ledger.csv", w.read("ledger.csv").replace(long, short));
    }
    assert_eq!(w.ok(&enroll_li_si(&[])), "enrolled P10: 李四, applied on 2026-09-20\n");
    assert!(w.read("roster.csv").ends_with("\nP10,李四,2,1,李大华,,2026-09-20,李大华,,,,,\n"));
}

#[test]
fn review_agree_and_withdraw_set_the_dates_on_the_pupils_line_only() {
    let w = Workdir::fixture("clean");
    let before = w.snapshot();
    let line5 = |w: &Workdir| w.read("roster.csv").lines().nth(4).unwrap().to_owned();
    let others = |w: &Workdir| {
        let r = w.read("roster.csv");
        r.lines()
            .enumerate()
            .filter(|(i, _)| *i != 4)
            .map(|(_, l)| l.to_owned())
            .collect::<Vec<_>>()
    };
    let rest = others(&w);

    assert_eq!(
        w.ok(&["review", "P0004", "--on", "2026-09-12"]),
        "P0004 (张三) reviewed and registered on 2026-09-12\n"
    );
    assert_eq!(line5(&w), "P0004,张三,2,1,张伟,,2026-09-10,张伟,2026-09-12,,,,只递交了申请");

    // 2026-09-26 is a Saturday: care starts on Monday.
    assert_eq!(
        w.ok(&["agree", "P0004", "--on", "2026-09-26"]),
        "P0004 (张三) agreement signed on 2026-09-26; care starts on 2026-09-28\n"
    );
    assert_eq!(
        line5(&w),
        "P0004,张三,2,1,张伟,,2026-09-10,张伟,2026-09-12,2026-09-26,2026-09-28,,只递交了申请"
    );

    assert_eq!(
        w.ok(&["withdraw", "P0004", "--on", "2026-11-20"]),
        "P0004 (张三) withdrawn; the last day of care is 2026-11-20\n"
    );
    assert_eq!(
        line5(&w),
        "P0004,张三,2,1,张伟,,2026-09-10,张伟,2026-09-12,2026-09-26,2026-09-28,2026-11-20,只递交了申请"
    );
    assert_eq!(others(&w), rest);
    only_changed(&before, &w, &["roster.csv"]);
    assert_eq!(w.findings(), vec![]);

    w.refused(
        &["review", "P0004", "--on", "2026-09-13"],
        "P0004 was already reviewed on 2026-09-12",
    );
    w.refused(
        &["withdraw", "P0099", "--on", "2026-09-13"],
        "there is no pupil P0099 in roster.csv",
    );
}

#[test]
fn a_row_after_empty_lines_is_found_and_edited_on_its_own_line() {
    // Excel and hand edits leave empty lines; the row after them keeps its own line number.
    let w = Workdir::fixture("clean");
    w.replace("roster.csv", "\nP0004,", "\n\n\nP0004,");
    w.replace("roster.csv", "P0004,张三,2,1,张伟,,2026-09-10", "P0004,张三,9,1,张伟,,2026-09-10");
    let f = w.findings();
    assert!(f.contains(&("format/parse".to_owned(), "roster.csv".to_owned(), 7)), "{f:?}");
    w.replace("roster.csv", "P0004,张三,9,1", "P0004,张三,2,1");
    w.ok(&["review", "P0004", "--on", "2026-09-12"]);
    let lines: Vec<String> = w.read("roster.csv").lines().map(str::to_owned).collect();
    assert_eq!(lines[4..6], ["", ""]);
    assert_eq!(lines[6], "P0004,张三,2,1,张伟,,2026-09-10,张伟,2026-09-12,,,,只递交了申请");
}

#[test]
fn agree_starts_on_the_next_service_day() {
    let w = Workdir::fixture("clean");
    let pupils = [
        ("P0005", "2026-09-30", None, "2026-09-30"),               // a Wednesday
        ("P0006", "2026-10-01", None, "2026-10-08"),               // National Day: holidays, a weekend, more holidays
        ("P0007", "2026-10-03", None, "2026-10-08"),               // a Saturday in the holidays
        ("P0008", "2026-09-30", Some("2026-10-12"), "2026-10-12"), // --starts wins
        ("P0009", "2026-08-28", None, "2026-09-01"),               // a Friday before the term
        ("P0010", "2027-01-25", None, "2027-02-22"),               // a Monday between two terms
    ];
    w.append(
        "plan.toml",
        "\n[[terms]]\nid = \"2027-spring\"\nstarts = 2027-02-22\nends = 2027-07-02\nsettle_by = 2027-06-25",
    );
    for (id, _, _, _) in pupils {
        w.append(
            "roster.csv",
            &format!("{id},学生{id},2,1,家长{id},,2026-08-20,家长{id},2026-08-25,,,,"),
        );
    }
    for (id, on, starts, want) in pupils {
        let mut args = vec!["agree", id, "--on", on];
        if let Some(s) = starts {
            args.extend(["--starts", s]);
        }
        let out = w.ok(&args);
        assert!(out.ends_with(&format!("care starts on {want}\n")), "{id}: {out}");
        let line = w.read("roster.csv").lines().find(|l| l.starts_with(id)).unwrap().to_owned();
        assert!(line.ends_with(&format!(",2026-08-25,{on},{want},,")), "{line}");
    }
}

#[test]
fn hire_appends_the_contract_with_the_next_id() {
    let w = Workdir::fixture("clean");
    let contracts = w.read("contracts.csv");
    let before = w.snapshot();
    let out = w.ok(&[
        "hire",
        "--name",
        "吴教练",
        "--kind",
        "professional",
        "--role",
        "科普",
        "--signed-on",
        "2026-09-20",
        "--starts",
        "2026-09-28",
        "--ends",
        "2027-01-22",
        "--qualified-on",
        "2026-09-21",
        "--background-on",
        "2026-09-22",
        "--rate",
        "75",
        "--unit",
        "hour",
    ]);
    assert_eq!(out, "hired C004: 吴教练, 2026-09-28 to 2027-01-22\n");
    assert_eq!(
        appended(&w, "contracts.csv", &contracts),
        "C004,吴教练,professional,科普,2026-09-20,2026-09-28,2027-01-22,2026-09-21,2026-09-22,75.00,hour,\n"
    );
    only_changed(&before, &w, &["contracts.csv"]);
    assert_eq!(w.findings(), vec![]);
}

#[test]
fn ledger_add_appends_one_row_of_each_kind() {
    let w = Workdir::fixture("clean");
    let before = w.snapshot();
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &[
                "fee",
                "--date",
                "2026-09-20",
                "--amount",
                "280",
                "--pupil",
                "P0001",
                "--period",
                "2026-10",
                "--collected-by",
                "周强",
                "--receipt",
                "R010",
            ],
            "recorded: 2026-09-20 fee 280.00 P0001\n",
            "2026-09-20,fee,280.00,P0001,,,2026-10,周强,R010,\n",
        ),
        (
            &[
                "refund",
                "--date",
                "2026-09-21",
                "--amount",
                "20.5",
                "--pupil",
                "P0001",
                "--period",
                "2026-10",
                "--memo",
                "多收退回",
            ],
            "recorded: 2026-09-21 refund 20.50 P0001\n",
            "2026-09-21,refund,20.50,P0001,,,2026-10,,,多收退回\n",
        ),
        (
            &["pay", "--date", "2026-09-22", "--amount", "200.00", "--contract", "C002"],
            "recorded: 2026-09-22 pay 200.00 C002\n",
            "2026-09-22,pay,200.00,,C002,,,,,\n",
        ),
        (
            &[
                "expense",
                "--date",
                "2026-09-23",
                "--amount",
                "35.8",
                "--category",
                "材料费",
                "--memo",
                "彩纸, 胶水",
            ],
            "recorded: 2026-09-23 expense 35.80 材料费\n",
            "2026-09-23,expense,35.80,,,材料费,,,,\"彩纸, 胶水\"\n",
        ),
        (
            &["expense", "--date", "2026-09-24", "--amount", "100", "--category", "insurance"],
            "recorded: 2026-09-24 expense 100.00 insurance\n",
            "2026-09-24,expense,100.00,,,insurance,,,,\n",
        ),
    ];
    for (args, said, line) in cases {
        let ledger = w.read("ledger.csv");
        let mut full = vec!["ledger", "add"];
        full.extend_from_slice(args);
        assert_eq!(w.ok(&full), *said);
        assert_eq!(appended(&w, "ledger.csv", &ledger), *line);
    }
    only_changed(&before, &w, &["ledger.csv"]);
    assert_eq!(w.findings(), vec![]);
}

#[test]
fn survey_add_appends_a_rating() {
    let w = Workdir::fixture("clean");
    let surveys = w.read("surveys.csv");
    let before = w.snapshot();
    let out = w.ok(&[
        "survey",
        "add",
        "--contract",
        "C002",
        "--date",
        "2026-09-22",
        "--respondent",
        "pupil",
        "--score",
        "4",
        "--comment",
        "喜欢体育",
    ]);
    assert_eq!(out, "recorded a score of 4 for C002 on 2026-09-22\n");
    assert_eq!(appended(&w, "surveys.csv", &surveys), "C002,2026-09-22,pupil,4,喜欢体育\n");
    only_changed(&before, &w, &["surveys.csv"]);
    // Not a score from 1 to 5: bad usage.
    let out = w
        .care(&[
            "survey",
            "add",
            "--contract",
            "C002",
            "--date",
            "2026-09-22",
            "--respondent",
            "pupil",
            "--score",
            "6",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn close_and_reopen_write_their_files() {
    let w = Workdir::fixture("clean").today("2026-10-05");
    let before = w.snapshot();
    let out = w.ok(&["ledger", "close", "--month", "2026-09", "--on", "2026-10-03"]);
    assert!(out.starts_with("closed 2026-09: opening 0.00, fees 840.00"), "{out}");
    let close = w.read("closes/2026-09.toml");
    assert!(
        close.contains("\nmonth = \"2026-09\"\nclosed_on = 2026-10-03\nopening = \"0.00\"\n"),
        "{close}"
    );
    assert!(close.contains("\nclosing = \"419.50\"\nrows = 5\ndigest = \"sha256:"), "{close}");
    assert!(w.read("reports/disclosure-2026-09.md").contains("419.50"));
    let mut after = before.clone();
    after.insert("closes/2026-09.toml".into(), w.read_bytes("closes/2026-09.toml"));
    after.insert(
        "reports/disclosure-2026-09.md".into(),
        w.read_bytes("reports/disclosure-2026-09.md"),
    );
    assert!(w.snapshot() == after, "the close changed other files");
    assert_eq!(w.findings(), vec![]);

    // New files get the mode any new file gets here, not a temporary file's 0600.
    #[cfg(unix)]
    {
        std::fs::write(w.file("probe"), "").unwrap();
        let usual = mode(&w.file("probe"));
        std::fs::remove_file(w.file("probe")).unwrap();
        assert_eq!(mode(&w.file("closes/2026-09.toml")), usual);
        assert_eq!(mode(&w.file("reports/disclosure-2026-09.md")), usual);
    }

    let out = w.ok(&["ledger", "reopen", "--month", "2026-09", "--reason", "漏记一笔, 补记"]);
    assert_eq!(out, "reopened 2026-09 (漏记一笔, 补记); recorded in closes/reopened.csv\n");
    assert!(!w.file("closes/2026-09.toml").exists());
    assert_eq!(
        w.read("closes/reopened.csv"),
        "month,date,reason\n2026-09,2026-10-05,\"漏记一笔, 补记\"\n"
    );
    assert_eq!(
        w.read("ledger.csv"),
        String::from_utf8(before[std::path::Path::new("ledger.csv")].clone()).unwrap()
    );

    // Closed again, then a second reopen appends to reopened.csv.
    w.ok(&["ledger", "close", "--month", "2026-09", "--on", "2026-10-05"]);
    w.ok(&["ledger", "reopen", "--month", "2026-09", "--reason", "again"]);
    assert_eq!(
        w.read("closes/reopened.csv"),
        "month,date,reason\n2026-09,2026-10-05,\"漏记一笔, 补记\"\n2026-09,2026-10-05,again\n"
    );
    w.refused(
        &["ledger", "reopen", "--month", "2026-09", "--reason", "x"],
        "no month has been closed",
    );
}

const ENROLL: &[&str] = &[
    "enroll",
    "--name",
    "王五",
    "--grade",
    "3",
    "--class",
    "2",
    "--applied-on",
    "2026-09-20",
];

fn with(base: &[&'static str], more: &[&'static str]) -> Vec<&'static str> {
    base.iter().chain(more).copied().collect()
}

#[test]
fn refusals_leave_every_file_as_it_was() {
    let w = Workdir::fixture("clean");
    w.refused(
        &with(ENROLL, &["--guardian", "王六", "--signed-by", ""]),
        "the application for P0005 (王五) is not signed",
    );
    w.refused(
        &with(ENROLL, &["--guardian", "王六", "--signed-by", "王七"]),
        "the application for P0005 (王五) is signed by “王七”, not by the guardian “王六”",
    );
    w.refused(
        &[
            "enroll",
            "--name",
            "王小明",
            "--grade",
            "3",
            "--class",
            "2",
            "--guardian",
            "王建军",
            "--applied-on",
            "2026-09-20",
            "--signed-by",
            "王建军",
        ],
        "王小明 (grade 3, class 2, guardian 王建军) has already applied, as P0001",
    );
    w.refused(
        &with(ENROLL, &["--guardian", "王六", "--signed-by", "王六", "--id", "P0002"]),
        "pupil id P0002 repeats",
    );

    let fee = |pupil: &'static str, period: &'static str, amount: &'static str, by: &'static str| -> Vec<&'static str> {
        vec![
            "ledger",
            "add",
            "fee",
            "--date",
            "2026-09-20",
            "--amount",
            amount,
            "--pupil",
            pupil,
            "--period",
            period,
            "--collected-by",
            by,
        ]
    };
    w.refused(
        &fee("P0004", "2026-09", "280", "周强"),
        "a fee from P0004 but no care agreement has been signed",
    );
    w.refused(
        &[
            "ledger",
            "add",
            "fee",
            "--date",
            "2026-08-27",
            "--amount",
            "280",
            "--pupil",
            "P0001",
            "--period",
            "2026-09",
            "--collected-by",
            "周强",
        ],
        "a fee from P0001 on 2026-08-27, before the agreement of 2026-08-28",
    );
    w.refused(
        &fee("P0001", "2026-10", "280", "路人甲"),
        "the fee was collected by “路人甲”, who is not a committee member",
    );
    w.refused(
        &fee("P0001", "2026-09", "0.01", "周强"),
        "P0001 paid 280.01 net for 2026-09, more than the standard of 280.00",
    );
    for category in ["场地租金", "Electricity", "水电费"] {
        w.refused(
            &[
                "ledger",
                "add",
                "expense",
                "--date",
                "2026-09-20",
                "--amount",
                "50",
                "--category",
                category,
            ],
            &format!("the expense category “{category}” is venue or utilities"),
        );
    }
    w.refused(
        &with(
            &[
                "hire",
                "--name",
                "孙家长",
                "--kind",
                "parent",
                "--role",
                "体育",
                "--signed-on",
                "2026-09-20",
            ],
            &["--starts", "2026-09-28", "--ends", "2027-01-22", "--qualified-on", "2026-09-21"],
        ),
        "C004 (孙家长) has no background check",
    );
    w.refused(
        &with(
            &[
                "hire",
                "--name",
                "钱老师",
                "--kind",
                "school",
                "--role",
                "阅读",
                "--signed-on",
                "2026-09-20",
            ],
            &["--starts", "2026-09-28", "--ends", "2027-01-22"],
        ),
        "C004 (钱老师) has no qualification review",
    );
    w.refused(
        &with(
            &[
                "hire",
                "--name",
                "钱老师",
                "--kind",
                "school",
                "--role",
                "阅读",
                "--signed-on",
                "2026-09-29",
            ],
            &["--starts", "2026-09-28", "--ends", "2027-01-22", "--qualified-on", "2026-09-21"],
        ),
        "C004 (钱老师) starts on 2026-09-28 but the agreement was signed on 2026-09-29",
    );
    w.refused(
        &[
            "survey",
            "add",
            "--contract",
            "C404",
            "--date",
            "2026-09-22",
            "--respondent",
            "parent",
            "--score",
            "3",
        ],
        "contract C404 is not in contracts.csv",
    );
    w.refused(
        &[
            "ledger",
            "add",
            "fee",
            "--date",
            "2026-09-20",
            "--amount",
            "280",
            "--pupil",
            "P0404",
            "--period",
            "2026-10",
            "--collected-by",
            "周强",
        ],
        "pupil P0404 is not in roster.csv",
    );
}

#[test]
fn a_fee_after_withdrawal_is_refused() {
    let w = Workdir::fixture("clean");
    w.ok(&["withdraw", "P0002", "--on", "2026-09-30"]);
    let fee = |period| {
        [
            "ledger",
            "add",
            "fee",
            "--date",
            "2026-09-24",
            "--amount",
            "280",
            "--pupil",
            "P0002",
            "--period",
            period,
            "--collected-by",
            "周强",
        ]
    };
    w.refused(&fee("2026-10"), "a fee from P0002 for 2026-10, a period outside the pupil's care");
}

#[test]
fn pay_outside_its_contract_is_refused() {
    let w = Workdir::fixture("clean");
    w.ok(&[
        "hire",
        "--name",
        "钱老师",
        "--kind",
        "school",
        "--role",
        "阅读",
        "--signed-on",
        "2026-09-20",
        "--starts",
        "2026-10-08",
        "--ends",
        "2026-12-31",
        "--qualified-on",
        "2026-09-21",
    ]);
    w.refused(
        &[
            "ledger",
            "add",
            "pay",
            "--date",
            "2026-09-24",
            "--amount",
            "100",
            "--contract",
            "C004",
        ],
        "pay to C004 on 2026-09-24 is outside the contract's period, 2026-10-08 to 2026-12-31",
    );
}

#[test]
fn a_row_in_a_closed_month_is_refused() {
    let w = Workdir::fixture("clean").today("2026-10-05");
    w.ok(&["ledger", "close", "--month", "2026-09", "--on", "2026-10-03"]);
    for kind in [
        &["expense", "--date", "2026-09-28", "--amount", "10", "--category", "materials"][..],
        &["pay", "--date", "2026-09-30", "--amount", "10", "--contract", "C001"],
        &[
            "fee",
            "--date",
            "2026-09-01",
            "--amount",
            "10",
            "--pupil",
            "P0001",
            "--period",
            "2026-10",
            "--collected-by",
            "周强",
        ],
    ] {
        let args = with(&["ledger", "add"], kind);
        w.refused(&args, "month 2026-09 was closed on 2026-10-03 (closes/2026-09.toml)");
    }
    // The same row in October is fine.
    w.ok(&[
        "ledger",
        "add",
        "expense",
        "--date",
        "2026-10-02",
        "--amount",
        "10",
        "--category",
        "materials",
    ]);
}

#[test]
fn fee_pay_and_expense_rows_in_a_settled_term_are_refused() {
    let w = Workdir::fixture("clean").today("2026-09-28");
    w.ok(&["settle", "--term", "2026-autumn", "--on", "2026-09-26"]);
    let settled = "term 2026-autumn was settled on 2026-09-26";
    w.refused(
        &[
            "ledger",
            "add",
            "fee",
            "--date",
            "2026-09-27",
            "--amount",
            "10",
            "--pupil",
            "P0001",
            "--period",
            "2026-10",
            "--collected-by",
            "周强",
        ],
        settled,
    );
    w.refused(
        &[
            "ledger",
            "add",
            "pay",
            "--date",
            "2026-09-27",
            "--amount",
            "10",
            "--contract",
            "C001",
        ],
        settled,
    );
    w.refused(
        &[
            "ledger",
            "add",
            "expense",
            "--date",
            "2026-09-27",
            "--amount",
            "10",
            "--category",
            "materials",
        ],
        settled,
    );
    // A settlement payout is what a settled term still takes.
    w.ok(&[
        "ledger",
        "add",
        "refund",
        "--date",
        "2026-09-27",
        "--amount",
        "139.84",
        "--pupil",
        "P0001",
        "--period",
        "2026-autumn",
    ]);
}

#[test]
fn three_processes_appending_twenty_rows_each() {
    let w = Workdir::fixture("clean");
    let ledger = w.read("ledger.csv");
    let dir = w.path().to_path_buf();
    let threads: Vec<_> = (0..3)
        .map(|t| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                for i in 0..20 {
                    let memo = format!("t{t}-{i}");
                    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("care"))
                        .arg("-C")
                        .arg(&dir)
                        .args([
                            "--today",
                            common::TODAY,
                            "ledger",
                            "add",
                            "expense",
                            "--date",
                            "2026-09-20",
                            "--amount",
                            "1.00",
                        ])
                        .args(["--category", "materials", "--memo", &memo])
                        .env("CARE_LANG", "en")
                        .env("CARE_LOCK_WAIT", "60")
                        .output()
                        .unwrap();
                    assert!(out.status.success(), "{memo}: {}", String::from_utf8_lossy(&out.stderr));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let text = appended(&w, "ledger.csv", &ledger);
    let mut rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 60, "{text}");
    rows.sort();
    let mut want: Vec<String> = (0..3)
        .flat_map(|t| (0..20).map(move |i| format!("2026-09-20,expense,1.00,,,materials,,,,t{t}-{i}")))
        .collect();
    want.sort();
    assert_eq!(rows, want);
    assert_eq!(w.findings(), vec![]);
    assert!(!w.file(".care.lock").exists());
}

fn gb18030(text: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(text).0.into_owned()
}

#[test]
fn a_gb18030_crlf_roster_stays_gb18030_crlf() {
    let w = Workdir::fixture("clean");
    let text = w.read("roster.csv").replace('\n', "\r\n");
    let original = gb18030(&text);
    w.write("roster.csv", &original);
    w.ok(&[
        "enroll",
        "--name",
        "欧阳小雨",
        "--grade",
        "4",
        "--class",
        "2",
        "--guardian",
        "欧阳峰",
        "--applied-on",
        "2026-09-21",
        "--signed-by",
        "欧阳峰",
    ]);
    let bytes = w.read_bytes("roster.csv");
    assert!(bytes.starts_with(&original), "the old lines changed");
    assert_eq!(
        bytes[original.len()..],
        gb18030("P0005,欧阳小雨,4,2,欧阳峰,,2026-09-21,欧阳峰,,,,,\r\n")[..]
    );
    assert!(std::str::from_utf8(&bytes).is_err(), "still GB18030, not UTF-8");

    // The new row is read back, at its line, and can be edited in place.
    w.ok(&["review", "P0005", "--on", "2026-09-22"]);
    w.ok(&["agree", "P0005", "--on", "2026-09-23"]);
    let bytes = w.read_bytes("roster.csv");
    let (decoded, _, bad) = encoding_rs::GB18030.decode(&bytes);
    assert!(!bad);
    assert_eq!(
        decoded,
        format!("{text}P0005,欧阳小雨,4,2,欧阳峰,,2026-09-21,欧阳峰,2026-09-22,2026-09-23,2026-09-23,,\r\n")
    );
    assert_eq!(w.findings(), vec![]);
    w.refused(
        &["review", "P0005", "--on", "2026-09-24"],
        "P0005 was already reviewed on 2026-09-22",
    );
}

#[test]
fn a_bom_ledger_keeps_its_bom() {
    let w = Workdir::fixture("clean");
    let mut original = b"\xEF\xBB\xBF".to_vec();
    original.extend_from_slice(&w.read_bytes("ledger.csv"));
    w.write("ledger.csv", &original);
    w.ok(&[
        "ledger",
        "add",
        "expense",
        "--date",
        "2026-09-21",
        "--amount",
        "12.3",
        "--category",
        "材料费",
    ]);
    let bytes = w.read_bytes("ledger.csv");
    assert!(bytes.starts_with(&original));
    assert_eq!(bytes[original.len()..], "2026-09-21,expense,12.30,,,材料费,,,,\n".as_bytes()[..]);
    assert_eq!(bytes.windows(3).filter(|x| x == b"\xEF\xBB\xBF").count(), 1);
}

#[test]
fn a_write_that_fails_half_way_leaves_the_old_files() {
    // The close's second file cannot be put in place: the first one is taken back.
    let w = Workdir::fixture("clean").today("2026-10-05");
    std::fs::create_dir_all(w.file("reports/disclosure-2026-09.md")).unwrap();
    let before = w.snapshot();
    let out = w
        .care(&["ledger", "close", "--month", "2026-09", "--on", "2026-10-03"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("could not write") && err.contains("disclosure-2026-09.md"), "{err}");
    assert!(w.snapshot() == before, "files changed or temporary files were left");
    assert!(!w.file("closes/2026-09.toml").exists());

    // A settlement with its payouts: ledger.csv is replaced first, then the settlement fails.
    let w = Workdir::fixture("clean").today("2026-09-28");
    std::fs::create_dir_all(w.file("settlements/2026-autumn.csv")).unwrap();
    let before = w.snapshot();
    let out = w
        .care(&["settle", "--term", "2026-autumn", "--on", "2026-09-26", "--record"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(w.snapshot() == before, "files changed or temporary files were left");

    // A records directory that cannot be written to. Root writes anyway, so this part can only
    // be seen by another user.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let w = Workdir::fixture("clean");
        let before = w.snapshot();
        std::fs::set_permissions(w.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
        let blocked = std::fs::write(w.file("probe"), "").is_err();
        if blocked {
            let out = w
                .care(&[
                    "ledger",
                    "add",
                    "expense",
                    "--date",
                    "2026-09-21",
                    "--amount",
                    "1",
                    "--category",
                    "materials",
                ])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1));
        } else {
            std::fs::remove_file(w.file("probe")).unwrap();
        }
        std::fs::set_permissions(w.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        if blocked {
            assert!(w.snapshot() == before);
        }
    }
}

/// The clean fixture out of canonical form: rows out of order, `280` for `280.00`, spaces
/// around fields, and one error (an application signed by someone else) that moves with its row.
fn untidy() -> Workdir {
    let w = Workdir::fixture("clean");
    for file in ["roster.csv", "contracts.csv", "ledger.csv"] {
        let text = w.read(file);
        let mut lines: Vec<&str> = text.lines().collect();
        // Rows of the same date and kind keep their order (decisions.md: the sort is stable).
        lines[1..].rotate_left(3);
        w.write(file, lines.join("\n") + "\n");
    }
    w.replace("roster.csv", "2026-09-10,张伟,", "2026-09-10,王某,");
    w.replace("ledger.csv", "280.00,P0002", " 280 , P0002 ");
    w.replace("contracts.csv", "60.00", "60");
    w
}

fn verdict(w: &Workdir) -> Vec<(String, String, String)> {
    let out = w.care(&["check", "--format", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut all: Vec<_> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().into(),
                f["file"].as_str().unwrap().into(),
                f["message"].as_str().unwrap().into(),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn fmt_is_idempotent_and_keeps_the_verdict() {
    let clean = Workdir::fixture("clean");
    clean.care(&["fmt", "--check"]).assert().code(0).stdout("");

    let w = untidy();
    let before = w.snapshot();
    let findings = verdict(&w);
    assert_eq!(findings.len(), 1, "{findings:?}");

    let out = w.care(&["fmt", "--check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8(out.stdout).unwrap();
    for f in ["roster.csv", "contracts.csv", "ledger.csv"] {
        assert!(said.contains(&format!("{f} would be reformatted")), "{said}");
    }
    assert!(!said.contains("surveys.csv"), "{said}");
    assert!(w.snapshot() == before, "fmt --check changed files");

    let out = w.ok(&["fmt"]);
    assert!(out.starts_with("reformatted "), "{out}");
    w.care(&["fmt", "--check"]).assert().code(0).stdout("");
    assert_eq!(verdict(&w), findings);
    for f in ["contracts.csv", "ledger.csv", "surveys.csv", "plan.toml"] {
        assert_eq!(w.read(f), clean.read(f), "{f}");
    }
    assert_eq!(
        w.read("roster.csv"),
        clean.read("roster.csv").replace("2026-09-10,张伟,", "2026-09-10,王某,")
    );

    let after = w.snapshot();
    assert_eq!(w.ok(&["fmt"]), "every file is already in canonical form; nothing changed\n");
    assert!(w.snapshot() == after, "a second fmt changed files");
}

#[test]
fn fmt_keeps_closes_settlements_and_encodings_valid() {
    let w = Workdir::fixture("clean").today("2026-10-05");
    w.ok(&["ledger", "close", "--month", "2026-09", "--on", "2026-10-02"]);
    w.ok(&["settle", "--term", "2026-autumn", "--on", "2026-10-03"]);
    let canonical = w.read("ledger.csv");
    let mut lines: Vec<&str> = canonical.lines().collect();
    lines[1..].rotate_left(3);
    let untidy = (lines.join("\r\n") + "\r\n").replace("280.00", "280");
    w.write("ledger.csv", gb18030(&untidy));
    assert_eq!(w.findings(), vec![], "reordering and respelling change no digest");
    w.ok(&["fmt"]);
    assert_eq!(w.findings(), vec![]);
    let bytes = w.read_bytes("ledger.csv");
    let (text, _, bad) = encoding_rs::GB18030.decode(&bytes);
    assert!(!bad);
    assert_eq!(text, canonical.replace('\n', "\r\n"));
    assert!(std::str::from_utf8(&bytes).is_err(), "still GB18030");
}

fn hold_lock(w: &Workdir) -> std::fs::File {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(w.file(".care.lock"))
        .unwrap();
    f.lock().unwrap();
    f
}

const ADD: &[&str] = &[
    "ledger",
    "add",
    "expense",
    "--date",
    "2026-09-21",
    "--amount",
    "1",
    "--category",
    "materials",
];

#[test]
fn a_held_lock_makes_a_write_wait_then_fail_naming_it() {
    let w = Workdir::fixture("clean");
    let lock = hold_lock(&w);
    let before = w.snapshot();
    let started = Instant::now();
    let out: Output = w.care(ADD).env("CARE_LOCK_WAIT", "1").output().unwrap();
    let waited = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".care.lock") && err.contains("another care is writing"), "{err}");
    assert!(waited >= Duration::from_secs(1), "gave up after {waited:?}");
    assert!(w.snapshot() == before);
    drop(lock);
}

#[test]
fn a_write_waiting_for_the_lock_goes_ahead_when_it_is_released() {
    let w = Workdir::fixture("clean");
    let lock = hold_lock(&w);
    let ledger = w.read("ledger.csv");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("care"));
    cmd.arg("-C").arg(w.path()).args(["--today", common::TODAY]).args(ADD);
    let child = cmd
        .env("CARE_LANG", "en")
        .env("CARE_LOCK_WAIT", "20")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(w.read("ledger.csv"), ledger, "wrote while the lock was held");
    lock.unlock().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(appended(&w, "ledger.csv", &ledger), "2026-09-21,expense,1.00,,,materials,,,,\n");
    assert!(!w.file(".care.lock").exists(), "the lock file outlives the command");
}

#[test]
fn writes_follow_the_files_own_column_order_and_keep_unknown_columns() {
    let w = Workdir::fixture("clean");
    w.write(
        "roster.csv",
        "note,name,pupil_id,班主任,guardian,class,grade,applied_on,signed_by,reviewed_on,agreed_on,starts,ends\n\
         只递交了申请,张三,P0004,刘老师,张伟,1,2,2026-09-10,张伟,,,,\n",
    );
    assert_eq!(
        w.ok(&enroll_li_si(&["--note", "转学, 新生"])),
        "enrolled P0005: 李四, applied on 2026-09-20\n"
    );
    w.ok(&["review", "P0004", "--on", "2026-09-12"]);
    assert_eq!(
        w.read("roster.csv"),
        "note,name,pupil_id,班主任,guardian,class,grade,applied_on,signed_by,reviewed_on,agreed_on,starts,ends\n\
         只递交了申请,张三,P0004,刘老师,张伟,1,2,2026-09-10,张伟,2026-09-12,,,\n\
         \"转学, 新生\",李四,P0005,,李大华,1,2,2026-09-20,李大华,,,,\n"
    );
    // A value for a column the file does not have is refused, not dropped.
    let w = Workdir::fixture("clean");
    w.write("ledger.csv", "date,kind,amount,category,memo\n");
    w.refused(
        &[
            "ledger",
            "add",
            "expense",
            "--date",
            "2026-09-21",
            "--amount",
            "5",
            "--category",
            "materials",
            "--receipt",
            "R9",
        ],
        "ledger.csv has no “receipt” column; add it to the header first",
    );
    w.ok(&[
        "ledger",
        "add",
        "expense",
        "--date",
        "2026-09-21",
        "--amount",
        "5",
        "--category",
        "materials",
    ]);
    assert_eq!(
        w.read("ledger.csv"),
        "date,kind,amount,category,memo\n2026-09-21,expense,5.00,materials,\n"
    );
}

#[test]
fn a_close_is_refused_with_an_earlier_open_month_or_rows_with_errors() {
    let w = Workdir::fixture("clean").today("2026-11-05");
    w.append("ledger.csv", "2026-10-09,expense,5.00,,,materials,,,,");
    w.refused(
        &["ledger", "close", "--month", "2026-10", "--on", "2026-11-02"],
        "the earlier month 2026-09 has rows and is not closed; close 2026-09 first",
    );
    w.replace("ledger.csv", ",materials,,,,作业本", ",场地费,,,,作业本");
    w.refused(
        &["ledger", "close", "--month", "2026-09", "--on", "2026-10-02"],
        "ledger.csv:5: [campus/venue-cost] the expense category “场地费” is venue or utilities",
    );
    w.refused(
        &["ledger", "close", "--month", "2026-11"],
        "month 2026-11 runs to 2026-11-30; it cannot be closed on 2026-11-05",
    );
}

/// A write is refused for the errors it adds, not for those already in the records: whether it
/// appends rows, edits a line or writes a close, and whether the records have errors or not.
#[test]
fn errors_already_in_the_records_do_not_block_a_write_and_new_ones_do() {
    let w = Workdir::fixture("clean").today("2026-10-05");
    // Already there: a rating whose date cannot be read, and a utility bill the families paid.
    w.append("surveys.csv", "C002,2026-09-31,parent,4,");
    w.append("ledger.csv", "2026-11-02,expense,35.00,,,水电,,,,");
    let standing = w.findings();
    let at = |rule: &str, file: &str, line| (rule.to_owned(), file.to_owned(), line);
    assert_eq!(
        standing,
        vec![at("campus/venue-cost", "ledger.csv", 7), at("format/parse", "surveys.csv", 3)]
    );

    // Rows appended: one that adds nothing wrong goes in, one that does is refused.
    w.ok(&[
        "ledger",
        "add",
        "expense",
        "--date",
        "2026-10-03",
        "--amount",
        "12",
        "--category",
        "materials",
    ]);
    assert!(w.read("ledger.csv").ends_with("2026-10-03,expense,12.00,,,materials,,,,\n"));
    let fee = [
        "ledger",
        "add",
        "fee",
        "--date",
        "2026-10-03",
        "--amount",
        "280",
        "--pupil",
        "P0099",
    ];
    w.refused(
        &with(&fee, &["--period", "2026-10", "--collected-by", "周强"]),
        "pupil P0099 is not in roster.csv",
    );
    // A line edited.
    w.ok(&["review", "P0004", "--on", "2026-09-12"]);
    // A close, whose records after it are made from those before it.
    w.ok(&["ledger", "close", "--month", "2026-09", "--on", "2026-10-03"]);
    assert!(w.file("closes/2026-09.toml").exists());
    assert_eq!(w.findings(), standing);

    // A disclosed row edited by hand: the closed month no longer matches its close. Closing the
    // next month does not make that worse, and is done.
    let ledger = w.read("ledger.csv").replace(",作业本\n", ",作业本（改）\n");
    w.write("ledger.csv", ledger);
    w.set_today("2026-11-05");
    let standing = w.findings();
    let changed = |f: &(String, String, u64)| f.0 == "disclosure/closed-month-changed" && f.1 == "closes/2026-09.toml";
    assert!(standing.iter().any(changed), "{standing:?}");
    w.ok(&["ledger", "close", "--month", "2026-10", "--on", "2026-11-03"]);
    assert_eq!(w.findings(), standing);
}
