//! What a write leaves when it is cut off, what the terminal is shown, and the smaller edges of
//! reading and writing files.
//!
//! The writes of several files are stopped after each point of their commit (`CARE_FAULT_AFTER`,
//! read by debug builds only), and once by a real SIGKILL: after the next command the records
//! directory is byte for byte as before the write or as after it, and `care check` says what it
//! says of that state.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::{self, Workdir};

/// The exit status of a process stopped by `CARE_FAULT_AFTER` (src/store/fault.rs).
const STOPPED: i32 = 86;

type Snapshot = BTreeMap<PathBuf, Vec<u8>>;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A second records directory holding what `w` holds, run at the same date.
fn copy_of(w: &Workdir, today: &str) -> Workdir {
    let c = Workdir::empty().today(today);
    copy_tree(w.path(), c.path());
    c
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A write of several files, from a records directory made by `setup`.
struct Case {
    name: &'static str,
    today: &'static str,
    setup: fn() -> Workdir,
    args: &'static [&'static str],
}

const TODAY: &str = "2026-10-05";

fn clean() -> Workdir {
    Workdir::fixture("clean").today(TODAY)
}

fn closed() -> Workdir {
    let w = clean();
    w.ok(&["ledger", "close", "--month", "2026-09", "--on", "2026-10-03"]);
    w
}

/// The clean fixture out of canonical form in two files.
fn untidy() -> Workdir {
    let w = clean();
    w.replace("ledger.csv", ",280.00,P0001,", ",280,P0001,");
    let roster = w.read("roster.csv");
    let mut lines: Vec<&str> = roster.lines().collect();
    lines.swap(1, 2);
    w.write("roster.csv", lines.join("\n") + "\n");
    w
}

const CASES: &[Case] = &[
    Case {
        name: "settle --record",
        today: TODAY,
        setup: clean,
        args: &["settle", "--term", "2026-autumn", "--on", "2026-09-26", "--record"],
    },
    Case {
        name: "ledger close",
        today: TODAY,
        setup: clean,
        args: &["ledger", "close", "--month", "2026-09", "--on", "2026-10-03"],
    },
    Case {
        name: "ledger reopen",
        today: TODAY,
        setup: closed,
        args: &["ledger", "reopen", "--month", "2026-09", "--reason", "漏记一笔"],
    },
    Case {
        name: "fmt",
        today: TODAY,
        setup: untidy,
        args: &["fmt"],
    },
    // One file, rows added to its end in place (store::append_in_place).
    Case {
        name: "ledger add",
        today: TODAY,
        setup: clean,
        args: &[
            "ledger",
            "add",
            "fee",
            "--date",
            "2026-10-05",
            "--amount",
            "280",
            "--pupil",
            "P0001",
            "--period",
            "2026-10",
            "--collected-by",
            "周强",
        ],
    },
];

/// A state of the records: every file, and what `care check` finds in it.
#[derive(Debug, PartialEq)]
struct State {
    files: Snapshot,
    findings: Vec<(String, String, u64)>,
}

fn state(w: &Workdir) -> State {
    State {
        files: w.snapshot(),
        findings: w.findings(),
    }
}

/// After a cut-off write and the next command: the state before the write or after it.
fn old_or_new(w: &Workdir, old: &State, new: &State, what: &str) -> &'static str {
    let now = state(w);
    assert!(
        !now.files.keys().any(|p| p.to_string_lossy().contains(".care")),
        "{what}: care's own files are left: {:?}",
        now.files.keys().collect::<Vec<_>>()
    );
    if now == *old {
        "old"
    } else if now == *new {
        "new"
    } else {
        let differ: Vec<_> = now
            .files
            .iter()
            .filter(|(p, b)| old.files.get(*p) != Some(b) && new.files.get(*p) != Some(b))
            .map(|(p, _)| p)
            .collect();
        panic!(
            "{what}: neither the old nor the new state; files unlike both: {differ:?}, findings {:?}",
            now.findings
        );
    }
}

#[test]
fn a_write_cut_off_at_any_point_is_finished_or_undone_by_the_next_command() {
    let mut points = 0;
    for case in CASES {
        let base = (case.setup)();
        let old = state(&base);
        let done = copy_of(&base, case.today);
        done.ok(case.args);
        let new = state(&done);
        assert_ne!(old, new, "{}", case.name);
        let mut went = BTreeMap::new();
        for k in 1..200 {
            let w = copy_of(&base, case.today);
            let out = w.care(case.args).env("CARE_FAULT_AFTER", k.to_string()).output().unwrap();
            if out.status.code() != Some(STOPPED) {
                assert!(out.status.success(), "{}: {}", case.name, stderr(&out));
                assert_eq!(state(&w), new, "{} with no cut", case.name);
                eprintln!("{}: cut at each of its {} points: {went:?}", case.name, k - 1);
                points += k - 1;
                break;
            }
            // The next command, one that only reads, finishes or undoes the write first.
            let next = w.care(&["check"]).output().unwrap();
            let way = old_or_new(&w, &old, &new, &format!("{} cut after point {k}", case.name));
            *went.entry(way).or_insert(0) += 1;
            let said = stderr(&next);
            if way == "new" && said.contains("write that was cut off") {
                assert!(said.contains("care: finished a write that was cut off ("), "{said}");
            }
        }
        assert!(went.contains_key("old") && went.contains_key("new"), "{}: {went:?}", case.name);
    }
    eprintln!("{points} points of a commit cut");
    assert!(points >= 30, "only {points} points");
}

#[test]
fn a_command_cut_off_while_it_finishes_another_is_itself_finished_by_the_next() {
    // Renames of several files, and bytes appended to one in place.
    for case in [&CASES[0], &CASES[CASES.len() - 1]] {
        cut_off_recovery_is_finished(case);
    }
}

fn cut_off_recovery_is_finished(case: &Case) {
    let base = (case.setup)();
    let old = state(&base);
    let done = copy_of(&base, case.today);
    done.ok(case.args);
    let new = state(&done);
    let mut cuts = 0;
    for k in 1..200 {
        let cut = copy_of(&base, case.today);
        let out = cut.care(case.args).env("CARE_FAULT_AFTER", k.to_string()).output().unwrap();
        if out.status.code() != Some(STOPPED) {
            break;
        }
        for j in 1..200 {
            let w = copy_of(&cut, case.today);
            let out = w.care(&["status"]).env("CARE_FAULT_AFTER", j.to_string()).output().unwrap();
            if out.status.code() != Some(STOPPED) {
                break;
            }
            cuts += 1;
            w.care(&["status"]).output().unwrap();
            old_or_new(&w, &old, &new, &format!("cut after {k}, its recovery after {j}"));
        }
    }
    eprintln!("{cuts} cuts of the recovery of a cut-off {}", case.name);
    assert!(cuts >= 3, "{}: {cuts}", case.name);
}

/// `care -C DIR --today TODAY ARGS...` as `Workdir::care` runs it, as a process to spawn.
fn process(w: &Workdir, today: &str, args: &[&str]) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("care"));
    c.arg("-C").arg(w.path()).args(["--today", today]).args(args);
    c.env("CARE_LANG", "en").env_remove("CARE_TODAY").env("NO_COLOR", "1");
    c
}

/// Waits for a process stopped by `CARE_FAULT_SLEEP` to say so, then kills it with SIGKILL.
fn kill_at(w: &Workdir, args: &[&str], k: usize) -> bool {
    let mut child = process(w, TODAY, args)
        .env("CARE_FAULT_SLEEP", k.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let stopped = loop {
        line.clear();
        if err.read_line(&mut line).unwrap() == 0 {
            break false;
        }
        if line.contains("stopped after point") {
            break true;
        }
    };
    child.kill().unwrap();
    child.wait().unwrap();
    stopped
}

#[cfg(unix)]
#[test]
fn a_write_killed_after_its_first_rename_is_finished_by_the_next_command() {
    let case = &CASES[0];
    let base = (case.setup)();
    let old = state(&base);
    let done = copy_of(&base, case.today);
    done.ok(case.args);
    let new = state(&done);
    // The first point at which one of the files is already in place and the journal is there.
    let mut killed = None;
    for k in 1..40 {
        let w = copy_of(&base, case.today);
        assert!(kill_at(&w, case.args, k), "the write ended before point {k}");
        let renamed = w.file("settlements/2026-autumn.csv").exists() || w.read("ledger.csv") != done.read("ledger.csv");
        if w.file(".care.journal").exists() && renamed && w.snapshot() != new.files {
            killed = Some(w);
            break;
        }
    }
    let w = killed.expect("a point between two renames");
    let out = w.care(&["ledger", "show"]).output().unwrap();
    assert!(out.status.success());
    assert!(stderr(&out).contains("finished a write that was cut off"), "{}", stderr(&out));
    assert_eq!(old_or_new(&w, &old, &new, "killed"), "new");
    // The settlement is not made twice: a second run is refused as settled.
    w.refused(case.args, "was already settled");
}

#[test]
fn a_journal_whose_step_cannot_be_taken_is_undone() {
    let case = &CASES[0];
    let base = (case.setup)();
    let old = state(&base);
    // Cut right after the journal is written: no file is in place yet.
    let w = (1..100)
        .map(|k| {
            let w = copy_of(&base, case.today);
            w.care(case.args).env("CARE_FAULT_AFTER", k.to_string()).output().unwrap();
            w
        })
        .find(|w| w.file(".care.journal").exists())
        .expect("a point after the journal is written");
    // Something now stands where a file of the settlement goes.
    w.write("settlements/2026-autumn.toml/x", "x");
    let out = w.care(&["check"]).output().unwrap();
    let said = stderr(&out);
    assert!(
        said.contains("undid a write that was cut off as it could not be finished"),
        "{said}"
    );
    std::fs::remove_dir_all(w.file("settlements/2026-autumn.toml")).unwrap();
    assert_eq!(state(&w), old);
}

#[test]
fn a_journal_care_cannot_read_is_a_finding_and_blocks_writes() {
    let w = clean();
    w.write(".care.journal", "care journal 1 finish\n{\"target\":\"../x\",\"temp\":null}\nend\n");
    let out = w.care(&["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(".care.journal:2: error[format/parse]: a write was cut off, and care cannot finish or undo it: .care.journal line 2 is not as care writes it"),
        "{text}"
    );
    assert!(w.findings().contains(&("format/parse".into(), ".care.journal".into(), 2)));
    w.refused(
        &[
            "ledger",
            "add",
            "expense",
            "--date",
            "2026-09-21",
            "--amount",
            "1",
            "--category",
            "x",
        ],
        "a write that was cut off could not be finished or undone: .care.journal line 2",
    );
}

#[test]
fn leftover_temporary_files_are_removed_and_mentioned() {
    let w = clean();
    let before = w.snapshot();
    let check = w.ok(&["check"]);
    w.write(".care-abc123.tmp", "half a ledger");
    w.write("closes/.care-def456.tmp", "half a close");
    w.write("closes/notes.tmp", "not care's");
    let out = w.care(&["check"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), check);
    assert_eq!(
        stderr(&out),
        "care: removed 2 temporary files left by a write that was cut off: .care-abc123.tmp, closes/.care-def456.tmp\n"
    );
    std::fs::remove_file(w.file("closes/notes.tmp")).unwrap();
    std::fs::remove_dir(w.file("closes")).unwrap();
    assert!(w.snapshot() == before);
    // A lock file left by a killed command goes too, silently.
    w.write(".care.lock", "");
    let out = w.care(&["status"]).output().unwrap();
    assert!(out.status.success() && out.stderr.is_empty(), "{}", stderr(&out));
    assert!(w.snapshot() == before);
}

/// Runs a command whose standard output is closed before it writes, as `| head -1` leaves it.
/// The pipe's reading end is closed before the command starts, so that it cannot write first
/// on a busy machine.
fn with_stdout_closed(w: &Workdir, today: &str, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    process(w, today, args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
        .wait_with_output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_reader_that_goes_away_ends_every_command_quietly() {
    let w = Workdir::example();
    let today = "2026-11-29";
    for args in [
        &["check"][..],
        &["check", "--format", "json"],
        &["status"],
        &["ledger", "show"],
        &["ledger", "show", "--term", "2025-autumn"],
        &["report", "disclosure", "--month", "2025-10"],
        &["report", "roster"],
        &["explain"],
        &["explain", "consent/unsigned"],
        &["completions", "bash"],
        &["man"],
    ] {
        let out = with_stdout_closed(&w, today, args);
        assert_eq!(out.status.code(), Some(141), "care {args:?}: {}", stderr(&out));
        assert!(out.stderr.is_empty(), "care {args:?} said: {}", stderr(&out));
    }
    // A write is made, and its one line goes nowhere.
    let w = Workdir::fixture("clean");
    let ledger = w.read("ledger.csv");
    let add = [
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
    let out = with_stdout_closed(&w, common::TODAY, &add);
    assert_eq!(out.status.code(), Some(141), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    assert_eq!(w.read("ledger.csv"), format!("{ledger}2026-09-21,expense,1.00,,,materials,,,,\n"));
}

/// The clean fixture with control characters and line breaks in values of each file.
fn hostile() -> Workdir {
    let w = Workdir::fixture("clean");
    // An application signed by someone who is not the guardian: check names the signer.
    w.replace(
        "roster.csv",
        "2026-08-20,王建军,",
        "2026-08-20,\"恶\u{1b}]8;;http://evil.example\u{7}意\nledger.csv:1: error[fake]: 伪造\",",
    );
    w.replace("ledger.csv", "materials,,,,作业本", "materials,,,,\"作业本\u{1b}[2J\r\nfake\"");
    w.replace("plan.toml", "name = \"XX小学校\"", "name = \"XX\\u001b[31m小学校\"");
    w
}

/// Whether text holds a character that acts on a terminal instead of being shown.
fn raw(text: &str) -> Option<char> {
    text.chars().find(|c| c.is_control() && *c != '\n')
}

#[test]
fn values_from_the_records_reach_the_terminal_escaped() {
    let w = hostile();
    let out = w.care(&["check"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(raw(&text), None, "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "one finding, its fix and the summary: {text}");
    assert!(
        lines[0].contains("恶\\u{1b}]8;;http://evil.example\\u{7}意\\nledger.csv:1: error[fake]: 伪造"),
        "{text}"
    );

    let show = w.ok(&["ledger", "show"]);
    assert_eq!(raw(&show), None, "{show}");
    assert!(show.contains("作业本\\u{1b}[2J\\nfake"), "{show}");

    let status = w.ok(&["status"]);
    assert_eq!(raw(&status), None, "{status}");
    assert!(status.starts_with("XX\\u{1b}[31m小学校 — today"), "{status}");

    // The one line a write prints, and a refusal's lines.
    let w = Workdir::fixture("clean");
    let enrolled = w.ok(&[
        "enroll",
        "--name",
        "李\u{7}四\r",
        "--grade",
        "2",
        "--class",
        "1",
        "--guardian",
        "李明",
        "--applied-on",
        "2026-09-20",
        "--signed-by",
        "李明",
    ]);
    assert_eq!(enrolled, "enrolled P0005: 李\\u{7}四, applied on 2026-09-20\n");
    let out = w
        .care(&[
            "survey",
            "add",
            "--contract",
            "C9\u{1b}[1A",
            "--date",
            "2026-09-22",
            "--respondent",
            "parent",
            "--score",
            "4",
        ])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(raw(&err), None, "{err}");
    assert!(err.contains("C9\\u{1b}[1A"), "{err}");
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn a_report_written_with_out_keeps_modes_links_and_says_what_it_made() {
    use std::os::unix::fs::PermissionsExt;
    let w = Workdir::example();
    std::fs::write(w.file("probe"), "").unwrap();
    let usual = mode(&w.file("probe"));
    let out = |path: &str| {
        let o = w.care(&["report", "roster", "--out", path]).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    // A new file gets the usual mode, not a temporary file's 0600.
    let new = w.file("roster.md");
    assert_eq!(out(new.to_str().unwrap()), format!("wrote {} (md)\n", new.display()));
    assert_eq!(mode(&new), usual);
    // An existing file keeps its own.
    std::fs::set_permissions(&new, std::fs::Permissions::from_mode(0o640)).unwrap();
    out(new.to_str().unwrap());
    assert_eq!(mode(&new), 0o640);
    // Missing folders are made, and named.
    let deep = w.file("out/2026/roster.md");
    assert_eq!(
        out(deep.to_str().unwrap()),
        format!("wrote {} (md), creating the folder {}\n", deep.display(), w.file("out").display())
    );
    // A link is written through, and stays a link.
    std::fs::create_dir(w.file("shared")).unwrap();
    std::fs::write(w.file("shared/roster.md"), "old").unwrap();
    std::os::unix::fs::symlink("shared/roster.md", w.file("link.md")).unwrap();
    out(w.file("link.md").to_str().unwrap());
    assert!(std::fs::symlink_metadata(w.file("link.md")).unwrap().file_type().is_symlink());
    assert_eq!(w.read("shared/roster.md"), w.read("roster.md"));
    let leftovers: Vec<_> = std::fs::read_dir(w.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(!leftovers.iter().any(|n| n.to_string_lossy().ends_with(".tmp")), "{leftovers:?}");
}

#[cfg(unix)]
#[test]
fn a_linked_ledger_is_written_through_and_stays_a_link() {
    let w = Workdir::fixture("clean");
    std::fs::create_dir(w.file("synced")).unwrap();
    std::fs::rename(w.file("ledger.csv"), w.file("synced/ledger.csv")).unwrap();
    std::os::unix::fs::symlink("synced/ledger.csv", w.file("ledger.csv")).unwrap();
    let before = w.read("ledger.csv");
    w.ok(&[
        "ledger",
        "add",
        "expense",
        "--date",
        "2026-09-21",
        "--amount",
        "1",
        "--category",
        "materials",
    ]);
    assert!(std::fs::symlink_metadata(w.file("ledger.csv")).unwrap().file_type().is_symlink());
    assert_eq!(
        w.read("synced/ledger.csv"),
        format!("{before}2026-09-21,expense,1.00,,,materials,,,,\n")
    );
    // A close and its disclosure, through a linked folder too.
    std::fs::create_dir(w.file("synced/closes")).unwrap();
    std::os::unix::fs::symlink("synced/closes", w.file("closes")).unwrap();
    w.set_today("2026-10-05");
    w.ok(&["ledger", "close", "--month", "2026-09", "--on", "2026-10-03"]);
    assert!(w.file("synced/closes/2026-09.toml").is_file());
    assert!(std::fs::symlink_metadata(w.file("closes")).unwrap().file_type().is_symlink());
}

#[test]
fn the_command_lines_own_errors_are_chinese_for_a_chinese_reader() {
    let w = Workdir::fixture("clean");
    let zh = |args: &[&str]| {
        let out = w.care(args).env("CARE_LANG", "zh").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        stderr(&out)
    };
    assert!(zh(&["chek"]).starts_with("错误：未知的子命令 'chek'\n\n  提示：有相近的子命令：'check'"));
    assert!(zh(&["check", "--formt", "json"]).starts_with("错误：未知的参数 '--formt'"));
    assert!(zh(&["ledger", "add", "fee"]).starts_with("错误：缺少必需的参数："));
    assert!(zh(&["check", "--format", "xml"]).starts_with("错误：'xml' 不是 '--format <FORMAT>' 的有效值"));
    let out = w.care(&["--lang", "zh", "check", "--formt"]).output().unwrap();
    assert!(stderr(&out).starts_with("错误：未知的参数 '--formt'"), "{}", stderr(&out));
    // English stays clap's own.
    let out = w.care(&["chek"]).output().unwrap();
    assert!(stderr(&out).starts_with("error: unrecognized subcommand 'chek'"));
}

#[test]
fn a_negative_amount_is_told_how_money_paid_back_is_written() {
    let w = Workdir::fixture("clean");
    let before = w.snapshot();
    for lang in ["en", "zh"] {
        let out = w
            .care(&[
                "ledger",
                "add",
                "fee",
                "--date",
                "2026-09-21",
                "--amount",
                "-1",
                "--pupil",
                "P0001",
                "--period",
                "2026-09",
            ])
            .env("CARE_LANG", lang)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(!err.contains("-- -1"), "{err}");
        let hint = if lang == "en" {
            "money paid back is a refund row"
        } else {
            "退给家庭的钱记一行 refund"
        };
        assert!(err.contains(hint), "{err}");
    }
    assert!(w.snapshot() == before);
}

#[test]
fn a_month_whose_totals_pass_fifteen_digits_is_closed() {
    let w = Workdir::fixture("clean").today("2026-10-05");
    w.replace("plan.toml", "amount = \"280.00\"", "amount = \"999999999999999.00\"");
    let ledger = "date,kind,amount,pupil_id,contract_id,category,period,collected_by,receipt,memo\n";
    let rows: String = (1..=3)
        .map(|p| format!("2026-09-01,fee,999999999999999.00,P000{p},,,2026-09,周强,R00{p},\n"))
        .collect();
    w.write("ledger.csv", format!("{ledger}{rows}"));
    assert_eq!(w.findings(), vec![]);
    let out = w.ok(&["ledger", "close", "--month", "2026-09", "--on", "2026-10-03"]);
    assert!(out.contains("fees 2999999999999997.00"), "{out}");
    assert!(w.read("closes/2026-09.toml").contains("fees = \"2999999999999997.00\""));
    assert_eq!(w.findings(), vec![]);
}

#[test]
fn a_deadline_beyond_the_calendar_never_comes() {
    let w = Workdir::fixture("clean").today("2026-12-25");
    w.replace("plan.toml", "close_within_days = 10", "close_within_days = 9223372036854775807");
    w.replace("plan.toml", "refund_within_days = 15", "refund_within_days = 9223372036854775807");
    assert!(!w.findings().iter().any(|(rule, _, _)| rule == "disclosure/month-not-closed"));
    let status = w.ok(&["status"]);
    assert!(!status.contains("overdue"), "{status}");
}

#[test]
fn lines_ended_by_a_cr_alone_are_read_and_written_as_lines() {
    let w = Workdir::fixture("clean");
    let ledger = w.read("ledger.csv").replace("120.50", "120.505").replace('\n', "\r");
    w.write("ledger.csv", &ledger);
    let line = ledger.split('\r').position(|l| l.contains("120.505")).unwrap() + 1;
    assert!(line > 1);
    assert!(
        w.findings().contains(&("format/amount".into(), "ledger.csv".into(), line as u64)),
        "{:?}",
        w.findings()
    );
    w.write("ledger.csv", ledger.replace("120.505", "120.50"));
    w.ok(&[
        "ledger",
        "add",
        "expense",
        "--date",
        "2026-09-21",
        "--amount",
        "1",
        "--category",
        "materials",
    ]);
    let after = w.read("ledger.csv");
    assert!(!after.contains('\n'), "{after:?}");
    assert!(after.ends_with("\r2026-09-21,expense,1.00,,,materials,,,,\r"), "{after:?}");
    // review edits its line in place.
    let w = Workdir::fixture("clean");
    w.write("roster.csv", w.read("roster.csv").replace('\n', "\r"));
    w.ok(&["review", "P0004", "--on", "2026-09-12"]);
    let roster = w.read("roster.csv");
    assert!(
        !roster.contains('\n') && roster.contains("\rP0004,张三,2,1,张伟,,2026-09-10,张伟,2026-09-12,"),
        "{roster:?}"
    );
}

#[test]
fn a_deep_dotted_key_is_reported_at_its_own_line() {
    let w = Workdir::fixture("clean");
    w.replace("plan.toml", "[deadlines]\n", "[deadlines]\n\nreminders.by.mail.to = \"x\"\n");
    let line = w.read("plan.toml").lines().position(|l| l.starts_with("reminders")).unwrap() + 1;
    assert_eq!(
        w.findings(),
        vec![("format/unknown-column".into(), "plan.toml".into(), line as u64)]
    );
}

#[test]
fn a_plan_in_an_unknown_encoding_is_not_called_a_csv() {
    let w = Workdir::fixture("clean");
    let mut plan = w.read_bytes("plan.toml");
    plan.extend_from_slice(b"# \x81\x30\xff\n");
    w.write("plan.toml", plan);
    let out = w.care(&["check"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("plan.toml:") && text.contains("neither UTF-8 nor GB18030/GBK; save it as UTF-8"),
        "{text}"
    );
    assert!(!text.contains("CSV"), "{text}");
}

#[test]
fn a_plan_with_400000_holidays_is_read_in_seconds() {
    let w = Workdir::fixture("clean");
    let plan = w.read("plan.toml");
    let at = plan.find("holidays = [").unwrap();
    let days = ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06"];
    let holidays: Vec<&str> = (0..400_000).map(|i| days[i % days.len()]).collect();
    w.write("plan.toml", format!("{}holidays = [\n{}\n]\n", &plan[..at], holidays.join(",\n")));
    let mut child = process(&w, common::TODAY, &["check"]).stdout(Stdio::piped()).spawn().unwrap();
    let started = std::time::Instant::now();
    // Counting each value's line from the start of the file took minutes here.
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("care check still reading plan.toml after a minute");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "no problems found\n");
}
