//! `care check` from the outside (SPEC §7, §8; issue 2): clean records check clean, every rule
//! fires at its file and line, the three output formats, exit codes, languages, encodings and
//! damaged files.

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{self, Workdir, example_dir, snapshot_of};

fn rules_at(w: &Workdir, rule: &str) -> Vec<(String, u64)> {
    w.findings().into_iter().filter(|f| f.0 == rule).map(|f| (f.1, f.2)).collect()
}

/// `care check --format json` as parsed JSON, with the exit code.
fn json(w: &Workdir, extra: &[&str]) -> (Vec<Value>, i32) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let out = w.care(&args).output().unwrap();
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    (v.as_array().unwrap().clone(), out.status.code().unwrap())
}

#[test]
fn the_clean_fixture_checks_clean() {
    let w = Workdir::fixture("clean");
    w.care(&["check"]).assert().success().stdout("no problems found\n");
    assert_eq!(w.findings(), vec![]);
}

#[test]
fn the_example_checks_clean_on_later_dates() {
    for today in ["2026-02-20", "2026-11-29", "2027-09-01", "2031-12-31"] {
        let w = Workdir::example().today(today);
        let out = w.care(&["check", "--deny-warnings"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "on {today}:\n{}", String::from_utf8_lossy(&out.stdout));
        assert_eq!(w.findings(), vec![], "on {today}");
    }
}

#[test]
fn the_bundled_example_is_what_init_example_writes() {
    let w = Workdir::empty();
    w.care(&["init", "--example", "school"]).current_dir(w.path()).assert().success();
    let written = snapshot_of(&w.file("school"));
    let bundled = snapshot_of(&example_dir());
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        bundled.keys().collect::<Vec<_>>(),
        "the files differ"
    );
    for (path, bytes) in &written {
        assert!(bundled[path] == *bytes, "{} differs from examples/demo-school", path.display());
    }
}

/// One rule of SPEC §7: how to make it fire on a copy of the clean fixture, and where.
struct Case {
    rule: &'static str,
    today: &'static str,
    edit: fn(&Workdir),
    at: &'static [(&'static str, u64)],
}

const TODAY: &str = common::TODAY;

fn run(w: &Workdir, args: &[&str]) {
    w.care(args).assert().success();
}

const CASES: &[Case] = &[
    Case {
        rule: "format/parse",
        today: TODAY,
        edit: |w| w.replace("ledger.csv", "2026-09-10,expense", "2026-09-31,expense"),
        at: &[("ledger.csv", 5)],
    },
    Case {
        rule: "format/missing-column",
        today: TODAY,
        edit: |w| w.replace("contracts.csv", "kind,role,", "kind,duty,"),
        at: &[("contracts.csv", 1)],
    },
    Case {
        rule: "format/unknown-column",
        today: TODAY,
        edit: |w| w.replace("roster.csv", ",note\n", ",remark\n"),
        at: &[("roster.csv", 1)],
    },
    Case {
        rule: "format/duplicate-id",
        today: TODAY,
        edit: |w| w.append("roster.csv", "P0002,李四,1,1,李华,,2026-08-21,李华,,,,,"),
        at: &[("roster.csv", 6)],
    },
    Case {
        rule: "format/amount",
        today: TODAY,
        edit: |w| w.replace("ledger.csv", "120.50", "120.505"),
        at: &[("ledger.csv", 5)],
    },
    Case {
        rule: "ref/unknown-pupil",
        today: TODAY,
        edit: |w| w.replace("ledger.csv", "280.00,P0003", "280.00,P0009"),
        at: &[("ledger.csv", 4)],
    },
    Case {
        rule: "ref/unknown-contract",
        today: TODAY,
        edit: |w| w.replace("surveys.csv", "C001,", "C009,"),
        at: &[("surveys.csv", 2)],
    },
    Case {
        rule: "plan/leadership-head",
        today: TODAY,
        edit: |w| w.replace("plan.toml", "head = \"王建国\"", "head = \"李红\""),
        at: &[("plan.toml", 7)],
    },
    Case {
        rule: "plan/terms",
        today: TODAY,
        edit: |w| w.replace("plan.toml", "settle_by = 2027-01-15", "settle_by = 2027-02-15"),
        at: &[("plan.toml", 43)],
    },
    Case {
        rule: "consent/unsigned",
        today: TODAY,
        edit: |w| w.replace("roster.csv", "2026-09-10,张伟,", "2026-09-10,,"),
        at: &[("roster.csv", 5)],
    },
    Case {
        rule: "consent/order",
        today: TODAY,
        edit: |w| w.replace("roster.csv", "王建军,2026-08-25", "王建军,2026-08-19"),
        at: &[("roster.csv", 2)],
    },
    Case {
        rule: "consent/no-agreement",
        today: TODAY,
        edit: |w| w.replace("roster.csv", "张伟,,,,,", "张伟,,,2026-09-14,,"),
        at: &[("roster.csv", 5)],
    },
    Case {
        rule: "consent/fee-without-agreement",
        today: TODAY,
        edit: |w| w.append("ledger.csv", "2026-09-16,fee,280.00,P0004,,,2026-09,周强,R004,"),
        at: &[("ledger.csv", 7)],
    },
    Case {
        rule: "committee/missing",
        today: TODAY,
        edit: |w| {
            w.replace(
                "plan.toml",
                "[committee]\nestablished_on = 2026-06-20\nchair = \"陈静\"\ntreasurer = \"周强\"\nmembers = [\"陈静\", \"周强\", \"吴芳\"]\n",
                "",
            );
        },
        at: &[("plan.toml", 1)],
    },
    Case {
        rule: "committee/fee-before-committee",
        today: TODAY,
        edit: |w| w.replace("plan.toml", "established_on = 2026-06-20", "established_on = 2026-09-02"),
        at: &[("ledger.csv", 2), ("ledger.csv", 3)],
    },
    Case {
        rule: "committee/collector",
        today: TODAY,
        edit: |w| w.replace("ledger.csv", "2026-09,陈静", "2026-09,路人甲"),
        at: &[("ledger.csv", 4)],
    },
    Case {
        rule: "fees/unpublished",
        today: TODAY,
        edit: |w| w.replace("plan.toml", "published_on = 2026-08-18", "published_on = 2026-09-02"),
        at: &[("ledger.csv", 2), ("ledger.csv", 3)],
    },
    Case {
        rule: "fees/over-standard",
        today: TODAY,
        edit: |w| w.append("ledger.csv", "2026-09-16,fee,20.00,P0001,,,2026-09,周强,R004,"),
        at: &[("ledger.csv", 7)],
    },
    Case {
        rule: "fees/refund-due",
        today: "2026-10-01",
        edit: |w| {
            // P0001 withdrew on 15 September, after paying the month: 11 of 22 days under the
            // daily rule, 140.00 of 280.00.
            w.replace(
                "plan.toml",
                "refund_basis = \"paid\"",
                "refund_basis = \"paid\"\nrefund_rule = \"daily\"",
            );
            w.replace("roster.csv", "2026-09-01,,\nP0002", "2026-09-01,2026-09-15,\nP0002");
        },
        at: &[("ledger.csv", 2)],
    },
    Case {
        rule: "fees/prepaid-across-terms",
        today: TODAY,
        edit: |w| {
            w.append(
                "plan.toml",
                "\n[[terms]]\nid = \"2027-spring\"\nstarts = 2027-02-22\nends = 2027-07-02\nsettle_by = 2027-06-25",
            );
            w.append("ledger.csv", "2026-09-20,fee,280.00,P0001,,,2027-03,周强,R004,");
        },
        at: &[("ledger.csv", 7)],
    },
    Case {
        rule: "school/collector",
        today: TODAY,
        edit: |w| {
            w.replace("plan.toml", "[school]\n", "[policy]\nmodel = \"school\"\n\n[school]\n");
            w.replace(
                "plan.toml",
                "principal = \"王建国\"\n",
                "principal = \"王建国\"\nfinance = [\"周强\"]\n",
            );
            w.replace(
                "plan.toml",
                "refund_basis = \"paid\"",
                "refund_basis = \"standard\"\napproval = \"X价〔2026〕12号\"",
            );
        },
        at: &[("ledger.csv", 4)],
    },
    Case {
        rule: "plan/policy",
        today: TODAY,
        edit: |w| w.replace("plan.toml", "refund_basis = \"paid\"", "refund_basis = \"share\""),
        at: &[("plan.toml", 22)],
    },
    Case {
        rule: "campus/venue-cost",
        today: TODAY,
        edit: |w| w.replace("ledger.csv", "materials", "场地租金"),
        at: &[("ledger.csv", 5)],
    },
    Case {
        rule: "content/banned-activity",
        today: TODAY,
        edit: |w| w.replace("plan.toml", "\"拓展训练\"]", "\"拓展训练\", \"语文补课\"]"),
        at: &[("plan.toml", 29)],
    },
    Case {
        rule: "demand/no-applicants",
        today: TODAY,
        // A spring term with money but nobody who signed up for it.
        edit: |w| {
            let roster = w.read("roster.csv").replace("2026-09-01,,", "2026-09-01,2027-01-22,");
            w.write("roster.csv", roster);
            w.append(
                "plan.toml",
                "\n[[terms]]\nid = \"2027-spring\"\nstarts = 2027-02-22\nends = 2027-07-02\nsettle_by = 2027-06-25",
            );
            w.append("ledger.csv", "2027-03-01,expense,10.00,,,materials,,,,");
        },
        at: &[("plan.toml", 46)],
    },
    Case {
        rule: "staff/unsigned",
        today: TODAY,
        edit: |w| w.replace("contracts.csv", "作业辅导,2026-08-25", "作业辅导,2026-09-02"),
        at: &[("contracts.csv", 2)],
    },
    Case {
        rule: "staff/unqualified",
        today: TODAY,
        edit: |w| w.replace("contracts.csv", "2027-01-22,2026-08-24,,60.00", "2027-01-22,,,60.00"),
        at: &[("contracts.csv", 2)],
    },
    Case {
        rule: "staff/no-background-check",
        today: TODAY,
        edit: |w| w.replace("contracts.csv", "2026-08-24,2026-08-20,40.00", "2026-08-24,,40.00"),
        at: &[("contracts.csv", 3)],
    },
    Case {
        rule: "staff/pay-outside-contract",
        today: TODAY,
        edit: |w| w.replace("contracts.csv", "作业辅导,2026-08-25,2026-09-01", "作业辅导,2026-08-25,2026-09-20"),
        at: &[("ledger.csv", 6)],
    },
    Case {
        rule: "ledger/no-term",
        today: TODAY,
        edit: |w| w.append("ledger.csv", "2027-02-01,expense,10.00,,,materials,,,,"),
        at: &[("ledger.csv", 7)],
    },
    Case {
        rule: "ledger/period",
        today: TODAY,
        edit: |w| w.replace("ledger.csv", "P0001,,,2026-09", "P0001,,,2026-13"),
        at: &[("ledger.csv", 2)],
    },
    Case {
        rule: "disclosure/month-not-closed",
        today: "2026-10-11",
        edit: |_| {},
        at: &[("ledger.csv", 2)],
    },
    Case {
        rule: "disclosure/closed-month-changed",
        today: "2026-10-05",
        edit: |w| {
            run(w, &["ledger", "close", "--month", "2026-09", "--on", "2026-10-02"]);
            w.replace("ledger.csv", "120.50", "121.50");
        },
        at: &[("closes/2026-09.toml", 11)],
    },
    Case {
        rule: "disclosure/close-order",
        today: "2026-10-05",
        edit: |w| {
            run(w, &["ledger", "close", "--month", "2026-09", "--on", "2026-10-02"]);
            w.replace("closes/2026-09.toml", "opening = \"0.00\"", "opening = \"10.00\"");
        },
        at: &[("closes/2026-09.toml", 4)],
    },
    Case {
        rule: "settlement/missing",
        today: "2027-01-16",
        edit: |_| {},
        at: &[("plan.toml", 43)],
    },
    Case {
        rule: "settlement/late",
        today: "2027-01-20",
        edit: |w| run(w, &["settle", "--term", "2026-autumn", "--on", "2027-01-20"]),
        at: &[("settlements/2026-autumn.toml", 3)],
    },
    Case {
        rule: "settlement/stale",
        today: "2026-09-28",
        edit: |w| {
            run(w, &["settle", "--term", "2026-autumn", "--on", "2026-09-26"]);
            w.replace("ledger.csv", "120.50", "121.50");
        },
        at: &[("settlements/2026-autumn.toml", 9)],
    },
    Case {
        rule: "settlement/refund-mismatch",
        today: "2026-10-12",
        edit: |w| run(w, &["settle", "--term", "2026-autumn", "--on", "2026-09-26"]),
        at: &[
            ("settlements/2026-autumn.csv", 2),
            ("settlements/2026-autumn.csv", 3),
            ("settlements/2026-autumn.csv", 4),
        ],
    },
    Case {
        rule: "survey/score",
        today: TODAY,
        edit: |w| w.replace("surveys.csv", "parent,5", "parent,6"),
        at: &[("surveys.csv", 2)],
    },
    Case {
        rule: "survey/missing",
        today: "2027-01-23",
        edit: |_| {},
        at: &[("contracts.csv", 3), ("contracts.csv", 4)],
    },
    Case {
        rule: "survey/low-renewal",
        today: TODAY,
        edit: |w| {
            w.replace("surveys.csv", "parent,5", "parent,2");
            w.append(
                "contracts.csv",
                "C004,赵老师,school,作业辅导,2027-02-01,2027-02-22,2027-07-02,2027-02-01,,60.00,hour,",
            );
        },
        at: &[("contracts.csv", 5)],
    },
];

#[test]
fn every_rule_fires_at_its_file_and_line() {
    let ids: std::collections::BTreeSet<&str> = care::rules::REGISTRY.iter().map(|r| r.meta().id).collect();
    let covered: std::collections::BTreeSet<&str> = CASES.iter().map(|c| c.rule).collect();
    assert_eq!(ids.len(), 41);
    assert_eq!(covered, ids, "one case per rule of SPEC §7");
    assert_eq!(CASES.len(), 41);

    let clean = Workdir::fixture("clean");
    let mut failures = Vec::new();
    for case in CASES {
        let before = rules_at(&clean, case.rule);
        if !before.is_empty() {
            failures.push(format!("{} fires on the clean fixture: {before:?}", case.rule));
        }
        let w = Workdir::fixture("clean").today(case.today);
        (case.edit)(&w);
        let got = rules_at(&w, case.rule);
        let want: Vec<(String, u64)> = case.at.iter().map(|(f, l)| (f.to_string(), *l)).collect();
        if got != want {
            failures.push(format!("{}: want {want:?}, got {got:?}\n  all: {:?}", case.rule, w.findings()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Two errors and a warning in two files.
fn three_findings() -> Workdir {
    let w = Workdir::fixture("clean");
    w.replace("roster.csv", "2026-09-10,张伟,", "2026-09-10,,");
    w.replace("roster.csv", ",note\n", ",remark\n");
    w.replace("contracts.csv", "2027-01-22,2026-08-24,,60.00", "2027-01-22,,,60.00");
    w
}

#[test]
fn human_output_has_place_rule_sentence_fix_and_summary() {
    let w = three_findings();
    let out = w.care(&["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    assert_eq!(
        lines[0],
        "contracts.csv:2: error[staff/unqualified]: C001 (赵老师) has no qualification review"
    );
    assert!(lines[1].starts_with("  fix: ") && lines[1].contains("qualified_on"), "{}", lines[1]);
    assert!(
        lines[2].starts_with("roster.csv:1: warning[format/unknown-column]: ") && lines[2].contains("remark"),
        "{}",
        lines[2]
    );
    assert!(lines[3].starts_with("  fix: "), "{}", lines[3]);
    assert_eq!(
        lines[4],
        "roster.csv:5: error[consent/unsigned]: the application for P0004 (张三) is not signed"
    );
    assert!(lines[5].starts_with("  fix: ") && lines[5].contains("signed_by"), "{}", lines[5]);
    assert_eq!(lines[6], "2 errors, 1 warning in 2 files");
    assert!(!text.contains('\x1b'), "no colour without a terminal");

    let coloured = w.care(&["check", "--color", "always"]).env_remove("NO_COLOR").output().unwrap();
    assert!(String::from_utf8(coloured.stdout).unwrap().contains("\x1b[1;31merror\x1b[0m"));
}

#[test]
fn json_output_has_exactly_the_spec_keys() {
    let w = three_findings();
    let (items, code) = json(&w, &[]);
    assert_eq!(code, 1);
    assert_eq!(items.len(), 3);
    for item in &items {
        let keys: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(sorted, ["file", "line", "message", "rule", "severity"], "{item}");
    }
    assert_eq!(
        items[2],
        serde_json::json!({
            "rule": "consent/unsigned",
            "severity": "error",
            "file": "roster.csv",
            "line": 5,
            "message": "the application for P0004 (张三) is not signed",
        })
    );
    assert_eq!(items[1]["severity"], "warning");
    assert_eq!(items[1]["rule"], "format/unknown-column");
}

#[test]
fn github_output_is_workflow_commands() {
    let w = three_findings();
    let out = w.care(&["check", "--format", "github"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("::error file=contracts.csv,line=2,title=staff/unqualified::C001 (赵老师) has no qualification review"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("::warning file=roster.csv,line=1,title=format/unknown-column::"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("::error file=roster.csv,line=5,title=consent/unsigned::the application for P0004 (张三) is not signed"),
        "{}",
        lines[2]
    );
    let clean = Workdir::fixture("clean");
    clean.care(&["check", "--format", "github"]).assert().success().stdout("");
}

#[test]
fn exit_codes() {
    let clean = Workdir::fixture("clean");
    clean.care(&["check"]).assert().code(0);
    clean.care(&["check", "--deny-warnings"]).assert().code(0);

    three_findings().care(&["check"]).assert().code(1);

    let warned = Workdir::fixture("clean");
    warned.replace("roster.csv", ",note\n", ",remark\n");
    warned
        .care(&["check"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 errors, 1 warning in 1 file"));
    warned.care(&["check", "--deny-warnings"]).assert().code(1);
    warned.care(&["check", "--format", "json", "--deny-warnings"]).assert().code(1);

    // Bad usage and directories that are not records: 2, with a message and no panic.
    let missing = clean.file("no-such-dir");
    let mut c = assert_cmd::Command::cargo_bin("care").unwrap();
    c.arg("-C").arg(&missing).args(["check"]).env("CARE_LANG", "en");
    c.assert().code(2).stderr(predicate::str::contains("does not exist"));

    let empty = Workdir::empty();
    empty
        .care(&["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no plan.toml"));

    for args in [
        &["--today", "2026-13-01", "check"][..],
        &["--today", "2026/9/1", "check"],
        &["check", "--format", "xml"],
        &["check", "--no-such-flag"],
        &["no-such-command"],
    ] {
        let mut c = assert_cmd::Command::cargo_bin("care").unwrap();
        c.arg("-C").arg(clean.path()).args(args).env("CARE_LANG", "en");
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.is_empty() && !err.contains("panicked"), "{args:?}: {err}");
    }
    // --today wins over a CARE_TODAY that is not a date.
    clean.care(&["check"]).env("CARE_TODAY", "someday").assert().code(0);
    let mut c = assert_cmd::Command::cargo_bin("care").unwrap();
    c.arg("-C")
        .arg(clean.path())
        .arg("check")
        .env("CARE_TODAY", "someday")
        .env("CARE_LANG", "en");
    c.assert().code(2).stderr(predicate::str::contains("CARE_TODAY"));
}

#[test]
fn today_comes_from_the_option_or_care_today() {
    // September is due to be closed by 2026-10-10.
    let mut c = assert_cmd::Command::cargo_bin("care").unwrap();
    let w = Workdir::fixture("clean");
    c.arg("-C")
        .arg(w.path())
        .args(["check"])
        .env("CARE_TODAY", "2026-10-11")
        .env("CARE_LANG", "en");
    c.assert().code(1).stdout(predicate::str::contains("disclosure/month-not-closed"));
    let mut c = assert_cmd::Command::cargo_bin("care").unwrap();
    c.arg("-C")
        .arg(w.path())
        .args(["check"])
        .env("CARE_TODAY", "2026-10-10")
        .env("CARE_LANG", "en");
    c.assert().code(0);
}

#[test]
fn messages_in_chinese_with_lang_zh() {
    let w = three_findings();
    let out = w.care(&["--lang", "zh", "check"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("roster.csv:5: 错误[consent/unsigned]: P0004（张三）的申请表没有家长签字\n"),
        "{text}"
    );
    assert!(text.contains("修改："), "{text}");
    assert!(text.ends_with("2 个文件中有 2 个错误、1 个警告\n"), "{text}");

    let (items, _) = json(&w, &["--lang", "zh"]);
    assert_eq!(items[2]["message"], "P0004（张三）的申请表没有家长签字");
    let out = w.care(&["check", "--format", "json"]).env("CARE_LANG", "zh").output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[2]["message"], "P0004（张三）的申请表没有家长签字");
    // Rule ids and keys stay as they are, whatever the language.
    assert_eq!(v[2]["rule"], "consent/unsigned");
}

/// The findings fixture: the clean records with mistakes, Chinese text and a value that holds a
/// line break, so that line numbers after it are tested too.
const FINDINGS: &[(&str, &str, u64)] = &[
    ("campus/venue-cost", "ledger.csv", 7),
    ("consent/fee-without-agreement", "ledger.csv", 8),
    ("committee/collector", "ledger.csv", 9),
    ("plan/leadership-head", "plan.toml", 7),
    ("consent/unsigned", "roster.csv", 6),
    ("consent/no-agreement", "roster.csv", 8),
    ("survey/score", "surveys.csv", 5),
];

fn expected() -> Vec<(String, String, u64)> {
    FINDINGS.iter().map(|(r, f, l)| (r.to_string(), f.to_string(), *l)).collect()
}

#[test]
fn the_findings_fixture_has_its_findings() {
    let w = Workdir::fixture("findings");
    let mut got = w.findings();
    got.sort_by(|a, b| (&a.1, a.2, &a.0).cmp(&(&b.1, b.2, &b.0)));
    let mut want = expected();
    want.sort_by(|a, b| (&a.1, a.2, &a.0).cmp(&(&b.1, b.2, &b.0)));
    assert_eq!(got, want);
}

fn recode(w: &Workdir, f: impl Fn(&str) -> Vec<u8>) {
    for (path, bytes) in w.snapshot() {
        let text = String::from_utf8(bytes).unwrap();
        w.write(path.to_str().unwrap(), f(&text));
    }
}

fn gb18030_crlf(text: &str) -> Vec<u8> {
    let crlf = text.replace('\n', "\r\n");
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&crlf);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "the test text must not be plain ASCII");
    bytes.into_owned()
}

fn with_bom(text: &str) -> Vec<u8> {
    let mut v = b"\xEF\xBB\xBF".to_vec();
    v.extend_from_slice(text.as_bytes());
    v
}

#[test]
fn gb18030_crlf_and_bom_files_give_the_same_findings_and_lines() {
    let utf8 = Workdir::fixture("findings");
    let (want, code) = json(&utf8, &[]);
    assert_eq!(code, 1);
    assert_eq!(want.len(), FINDINGS.len());

    let gbk = Workdir::fixture("findings");
    recode(&gbk, gb18030_crlf);
    let (got, code) = json(&gbk, &[]);
    assert_eq!(code, 1);
    assert_eq!(got, want, "GB18030 + CRLF");

    let bom = Workdir::fixture("findings");
    recode(&bom, with_bom);
    let (got, code) = json(&bom, &[]);
    assert_eq!(code, 1);
    assert_eq!(got, want, "UTF-8 with BOM");

    let bom_crlf = Workdir::fixture("findings");
    recode(&bom_crlf, |t| with_bom(&t.replace('\n', "\r\n")));
    assert_eq!(json(&bom_crlf, &[]).0, want, "UTF-8 with BOM and CRLF");

    // And the clean fixture stays clean in every encoding.
    for f in [gb18030_crlf as fn(&str) -> Vec<u8>, with_bom] {
        let w = Workdir::fixture("clean");
        recode(&w, f);
        assert_eq!(w.findings(), vec![]);
    }
}

/// Runs `care check --format json` over damaged records: exit 1, findings with file and line,
/// no panic.
fn damaged(w: &Workdir) -> Vec<(String, String, u64)> {
    let out = w.care(&["check", "--format", "json"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(1), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["file"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_one_megabyte_field_is_a_finding_at_its_line() {
    let w = Workdir::fixture("clean");
    w.replace("roster.csv", "只递交了申请", &"长".repeat(350_000));
    assert!(w.read_bytes("roster.csv").len() > 1_000_000);
    let found = damaged(&w);
    assert!(found.contains(&("format/parse".into(), "roster.csv".into(), 5)), "{found:?}");
}

#[test]
fn an_empty_file_is_a_finding_at_line_one() {
    for file in ["roster.csv", "contracts.csv", "ledger.csv", "surveys.csv"] {
        let w = Workdir::fixture("clean");
        w.write(file, "");
        assert_eq!(damaged(&w), vec![("format/parse".into(), file.into(), 1)], "{file}");
    }
    // An empty plan lacks everything a plan holds, and a finding says so at its first line.
    let w = Workdir::fixture("clean");
    w.write("plan.toml", "");
    assert!(damaged(&w).contains(&("format/parse".into(), "plan.toml".into(), 1)));
}

#[test]
fn a_truncated_file_is_a_finding_at_the_broken_line() {
    let w = Workdir::fixture("clean");
    let roster = w.read("roster.csv");
    // Cut in the middle of P0002's row.
    let cut = roster.find("李想").unwrap();
    w.write("roster.csv", &roster[..cut]);
    let found = damaged(&w);
    assert!(found.contains(&("format/parse".into(), "roster.csv".into(), 3)), "{found:?}");
    // P0002's row exists, broken: the ledger's fee from P0002 is not also an unknown pupil.
    assert!(!found.iter().any(|f| f.0 == "ref/unknown-pupil" && f.2 == 3), "{found:?}");

    let w = Workdir::fixture("clean");
    let plan = w.read("plan.toml");
    w.write("plan.toml", &plan[..plan.find("[[terms]]").unwrap() + 4]);
    let found = damaged(&w);
    assert_eq!(found, vec![("format/parse".to_owned(), "plan.toml".to_owned(), 38)]);
}

#[test]
fn a_binary_file_is_a_finding_at_line_one() {
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect();
    for file in ["roster.csv", "contracts.csv", "ledger.csv", "surveys.csv", "plan.toml"] {
        let w = Workdir::fixture("clean");
        w.write(file, &binary);
        let found = damaged(&w);
        // What depends on the unreadable file is not reported again.
        assert_eq!(found, vec![("format/parse".into(), file.into(), 1)], "{file}");
    }
}

/// SPEC §7: a finding that follows from an unreadable value is not reported again. One bad
/// key of plan.toml is one finding at its line, not a finding on everything that uses it.
#[test]
fn an_unreadable_plan_key_is_reported_once() {
    let cases = [
        ("amount = \"280.00\"", "amount = 280.0", 21),
        ("published_on = 2026-08-18", "published_on = \"2026-8-18\"", 19),
        ("established_on = 2026-06-20", "established_on = \"June\"", 12),
        ("chair = \"陈静\"", "chair = [\"陈静\"]", 13),
        ("head = \"王建国\"", "head = 3", 7),
        ("settle_by = 2027-01-15", "settle_by = \"soon\"", 43),
        ("starts = \"16:00\"", "starts = \"4pm\"", 26),
    ];
    for (from, to, line) in cases {
        let w = Workdir::fixture("clean");
        w.replace("plan.toml", from, to);
        assert_eq!(
            w.findings(),
            vec![("format/parse".to_owned(), "plan.toml".to_owned(), line)],
            "{to}"
        );
    }
    // A value that is none of its key's choices is read as the default and reported once, by
    // plan/policy.
    let w = Workdir::fixture("clean");
    w.replace("plan.toml", "basis = \"monthly\"", "basis = \"weekly\"");
    assert_eq!(w.findings(), vec![("plan/policy".to_owned(), "plan.toml".to_owned(), 20)]);
}

/// A close or settlement that cannot be read is one finding, not a month or term taken for
/// unclosed or unsettled, nor every payout taken for money paid to a stranger.
#[test]
fn an_unreadable_close_or_settlement_is_reported_once() {
    let binary: Vec<u8> = (0..600u32).map(|i| (i * 31 % 256) as u8).collect();
    let w = Workdir::example();
    let close = w.read("closes/2025-10.toml");
    let line = close.lines().position(|l| l.starts_with("closing = ")).unwrap() as u64 + 1;
    w.write("closes/2025-10.toml", close.replace("closing = \"", "closing = 1.5 # \""));
    assert_eq!(damaged(&w), vec![("format/parse".into(), "closes/2025-10.toml".into(), line)]);

    for file in ["closes/2025-10.toml", "settlements/2025-autumn.toml", "settlements/2025-autumn.csv"] {
        let w = Workdir::example();
        w.write(file, &binary);
        assert_eq!(damaged(&w), vec![("format/parse".into(), file.into(), 1)], "{file}");
    }
}

/// A ledger row that cannot be read is one finding: sums it may belong to are not judged
/// without it (a refund that cannot be read would make a fee look over the standard).
#[test]
fn an_unreadable_ledger_row_is_reported_once() {
    let w = Workdir::fixture("clean");
    w.append("ledger.csv", "2026-09-31,refund,20.00,P0001,,,2026-09,,,退回");
    w.append("ledger.csv", "2026-09-20,fee,20.00,P0001,,,2026-09,周强,R004,");
    assert_eq!(damaged(&w), vec![("format/parse".into(), "ledger.csv".into(), 7)]);
    w.replace("ledger.csv", "2026-09-31,refund", "2026-09-19,refund");
    assert_eq!(w.findings(), vec![]);

    // Ten days after the settlement refunds are due; one payout row cannot be read.
    let w = Workdir::example().today("2026-02-20");
    let ledger = w.read("ledger.csv");
    let payout = ledger.lines().position(|l| l.starts_with("2026-01-09,refund,")).unwrap() as u64 + 1;
    w.write("ledger.csv", ledger.replacen("2026-01-09,refund,", "2026-01-9,refund,", 1));
    assert_eq!(damaged(&w), vec![("format/parse".into(), "ledger.csv".into(), payout)]);
}
