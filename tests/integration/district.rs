//! `care district` over many schools' records and `care export`: the rows equal each school's own
//! closes, settlements and `check`, the totals equal the rows, the exported tables read back in
//! DuckDB as a user reads them, and docs/export.md is what is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use parquet::file::reader::{FileReader, SerializedFileReader};
use serde_json::Value;

use crate::common::{Workdir, example_dir, snapshot_of};

const TODAY: &str = "2026-11-29";

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

/// A bureau's folder: the example (`a`), a changed copy (`b`: another name, its settlements
/// removed, an unknown column in contracts.csv), and a folder that is not a records directory.
pub(crate) fn district() -> Workdir {
    let w = Workdir::empty().today(TODAY);
    copy_tree(&example_dir(), &w.file("schools/a"));
    copy_tree(&example_dir(), &w.file("schools/b"));
    w.replace("schools/b/plan.toml", "阳光路小学", "月亮湾小学");
    std::fs::remove_file(w.file("schools/b/settlements/2025-autumn.toml")).unwrap();
    std::fs::remove_file(w.file("schools/b/settlements/2025-autumn.csv")).unwrap();
    std::fs::remove_file(w.file("schools/b/settlements/2026-spring.toml")).unwrap();
    std::fs::remove_file(w.file("schools/b/settlements/2026-spring.csv")).unwrap();
    let contracts = w.read("schools/b/contracts.csv").replacen('\n', ",extra\n", 1);
    w.write("schools/b/contracts.csv", contracts);
    w.write("schools/broken/notes.txt", "not records");
    w
}

/// `care ARGS` run in the folder, so that the directories it names are relative to it.
fn run(w: &Workdir, args: &[&str]) -> std::process::Output {
    w.process(args).current_dir(w.path()).output().unwrap()
}

/// [`run`], which must succeed: its standard output.
fn ok(w: &Workdir, args: &[&str]) -> String {
    let out = run(w, args);
    assert!(out.status.success(), "care {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// `care district ARGS --format json`, parsed.
fn report(w: &Workdir, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&ok(w, &all)).unwrap()
}

fn money(v: &Value) -> i64 {
    let s = v.as_str().unwrap();
    let (y, f) = s.split_once('.').unwrap();
    y.parse::<i64>().unwrap() * 100 + y.chars().next().map_or(1, |c| if c == '-' { -1 } else { 1 }) * f.parse::<i64>().unwrap()
}

/// A close file's key, as money in fen.
fn close_value(dir: &Path, month: &str, key: &str) -> i64 {
    let text = std::fs::read_to_string(dir.join(format!("closes/{month}.toml"))).unwrap();
    let line = text.lines().find(|l| l.starts_with(&format!("{key} = "))).unwrap();
    money(&Value::String(line.split('"').nth(1).unwrap().to_owned()))
}

/// `care check`'s errors and warnings over a school.
fn check_counts(dir: &Path) -> (u64, u64) {
    let out = Command::new(assert_cmd::cargo::cargo_bin("care"))
        .args(["-C", dir.to_str().unwrap(), "--today", TODAY, "check", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let count = |s: &str| v.as_array().unwrap().iter().filter(|f| f["severity"] == s).count() as u64;
    (count("error"), count("warning"))
}

const MONEY: [&str; 5] = ["fees", "refunds", "pay", "expenses", "balance"];
const COUNTS: [&str; 10] = [
    "pupils",
    "pupil_months",
    "months_closed",
    "months_due",
    "closes_late",
    "settlements_late",
    "settlements_missing",
    "errors",
    "warnings",
    "ratings",
];

#[test]
fn one_row_a_school_with_its_own_closes_settlement_and_check_and_totals_that_add_up() {
    let w = district();
    for (args, months, settled_on) in [
        (vec!["district", "schools", "--month", "2025-10"], vec!["2025-10"], "2026-01-09"),
        (
            vec!["district", "schools", "--year", "2025"],
            vec!["2025-09", "2025-10", "2025-11", "2025-12"],
            "2026-01-09",
        ),
        // The current term of each school, on 2026-11-29: the last that started.
        (
            vec!["district", "schools"],
            vec!["2026-03", "2026-04", "2026-05", "2026-06", "2026-07"],
            "2026-06-26",
        ),
    ] {
        let v = report(&w, &args);
        let rows = v["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 3, "{args:?}");
        assert_eq!((v["schools"].as_u64(), v["reported"].as_u64()), (Some(3), Some(2)));
        let by_dir: BTreeMap<&str, &Value> = rows.iter().map(|r| (r["dir"].as_str().unwrap(), r)).collect();
        for name in ["a", "b"] {
            let dir = w.file(&format!("schools/{name}"));
            let f = &by_dir[format!("schools/{name}").as_str()]["figures"];
            for (key, close_key) in [("fees", "fees"), ("refunds", "refunds"), ("pay", "pay"), ("expenses", "expenses")] {
                let closes: i64 = months.iter().map(|m| close_value(&dir, m, close_key)).sum();
                assert_eq!(money(&f[key]), closes, "{args:?} {name} {key}");
            }
            let last = months.last().unwrap();
            assert_eq!(money(&f["balance"]), close_value(&dir, last, "closing"), "{args:?} {name}");
            assert_eq!(f["months_closed"].as_u64(), Some(months.len() as u64));
            assert_eq!(f["months_due"].as_u64(), Some(months.len() as u64));
            let (errors, warnings) = check_counts(&dir);
            assert_eq!(
                (f["errors"].as_u64(), f["warnings"].as_u64()),
                (Some(errors), Some(warnings)),
                "{name}"
            );
            assert!(f["pupils"].as_u64() > Some(30), "{f}");
        }
        let a = &by_dir["schools/a"]["figures"];
        let b = &by_dir["schools/b"]["figures"];
        assert_eq!(a["settled_on"], settled_on);
        assert_eq!(a["pupils"], b["pupils"]);
        // [school] pupils = 360.
        let share = a["pupils"].as_u64().unwrap() as f64 * 100.0 / 360.0;
        assert_eq!(a["participation"], format!("{share:.1}"), "{a}");
        assert_eq!(
            (a["settlements_missing"].as_u64(), b["settlements_missing"].as_u64()),
            (Some(0), Some(1))
        );
        assert_eq!(b["settled_on"], Value::Null);
        assert!(b["errors"].as_u64() > Some(0) && b["warnings"].as_u64() > Some(0));
        assert_eq!(by_dir["schools/b"]["school"], "月亮湾小学");
        let broken = by_dir["schools/broken"];
        assert_eq!(broken["figures"], Value::Null);
        assert!(broken["problem"].as_str().unwrap().contains("plan.toml"), "{broken}");
        // The totals are the sums of the rows.
        let figures: Vec<&Value> = rows.iter().map(|r| &r["figures"]).filter(|f| !f.is_null()).collect();
        for key in MONEY {
            let sum: i64 = figures.iter().map(|f| money(&f[key])).sum();
            assert_eq!(money(&v["totals"][key]), sum, "{args:?} total {key}");
        }
        for key in COUNTS {
            let sum: u64 = figures.iter().map(|f| f[key].as_u64().unwrap()).sum();
            assert_eq!(v["totals"][key].as_u64(), Some(sum), "{args:?} total {key}");
        }
    }
}

#[test]
fn every_format_and_no_personal_data() {
    let w = district();
    let md = ok(&w, &["district", "schools", "--year", "2025"]);
    assert!(
        md.contains("| 阳光路小学 |") && md.contains("| 月亮湾小学 |") && md.contains("50880.00"),
        "{md}"
    );
    let html = ok(&w, &["district", "schools", "--year", "2025", "--format", "html"]);
    assert!(html.contains("<svg") && html.contains("A4 landscape") && html.contains("月亮湾小学"));
    let csv = ok(&w, &["district", "schools", "--year", "2025", "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 3 + 1, "{csv}");
    assert!(lines[0].starts_with("School,Code,Model,Records,Period"), "{}", lines[0]);
    assert!(lines[4].starts_with("Total,") && lines[4].contains("50880.00"), "{}", lines[4]);
    // Names, guardians and phones of the roster appear in no format.
    let roster = w.read("schools/a/roster.csv");
    for text in [&md, &html, &csv] {
        for line in roster.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            for personal in [cells[1], cells[4], cells[5]].into_iter().filter(|c| c.chars().count() > 1) {
                assert!(!text.contains(personal), "{personal} is in a district report");
            }
        }
    }
    // --out writes the file and says so.
    let out = ok(&w, &["district", "schools", "--out", "r/district.html"]);
    assert!(out.starts_with("wrote "), "{out}");
    assert!(w.read("r/district.html").contains("<svg"));
}

#[test]
fn bad_input_is_a_row_or_a_refusal() {
    let w = district();
    // An unreadable ledger, a plan that is not TOML, a folder that does not exist.
    copy_tree(&example_dir(), &w.file("more/c"));
    std::fs::remove_file(w.file("more/c/ledger.csv")).unwrap();
    std::fs::create_dir(w.file("more/c/ledger.csv")).unwrap();
    w.replace("more/c/plan.toml", "阳光路小学", "星光小学");
    copy_tree(&example_dir(), &w.file("more/d"));
    w.write("more/d/plan.toml", "[school\nname = ");
    let v = report(&w, &["district", "schools", "more", "missing", "--month", "2025-10"]);
    let rows = v["rows"].as_array().unwrap();
    let problem = |dir: &str| -> String {
        let r = rows.iter().find(|r| r["dir"] == dir).unwrap_or_else(|| panic!("no row for {dir}"));
        r["problem"].as_str().unwrap_or_default().to_owned()
    };
    assert_eq!(rows.len(), 6);
    assert!(problem("more/c").contains("ledger.csv:1"), "{}", problem("more/c"));
    assert!(problem("more/d").starts_with("plan.toml:"), "{}", problem("more/d"));
    assert!(problem("missing").contains("does not exist"));
    assert!(problem("schools/broken").contains("not a records directory"));

    // Two schools with one code: a finding naming both, and the export refuses.
    copy_tree(&example_dir(), &w.file("twin"));
    let v = report(&w, &["district", "schools", "twin"]);
    let found = v["findings"].as_array().unwrap();
    assert_eq!(found.len(), 1);
    let sentence = found[0].as_str().unwrap();
    assert!(
        sentence.contains("schools/a") && sentence.contains("twin") && sentence.contains("阳光路小学"),
        "{sentence}"
    );
    let out = run(&w, &["district", "schools", "twin", "--export", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("twin"));
    assert!(!w.file("x").exists());

    // An export folder that is not empty: refused unless --force, which keeps others' files.
    w.write("x/mine.txt", "keep");
    let out = run(&w, &["district", "schools", "--export", "x"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    let before = snapshot_of(&w.file("x"));
    assert_eq!(before.len(), 1);
    ok(&w, &["district", "schools", "--export", "x", "--force"]);
    assert_eq!(w.read("x/mine.txt"), "keep");
    assert!(w.file("x/ledger/school=阳光路小学/part-0.parquet").is_file());
    // Again with --force: b gone from the district, its partitions go too.
    std::fs::remove_dir_all(w.file("schools/b")).unwrap();
    ok(&w, &["district", "schools", "--export", "x", "--force"]);
    assert!(!w.file("x/ledger/school=月亮湾小学").exists());
    assert_eq!(w.read("x/mine.txt"), "keep");

    // Bad usage: exit 2.
    for args in [
        &["district"][..],
        &["district", "schools", "--month", "2025-13"],
        &["district", "schools", "--year", "2025", "--month", "2025-10"],
    ] {
        assert_eq!(run(&w, args).status.code(), Some(2), "{args:?}");
    }
}

/// Runs a Python script with DuckDB in `dir`; `None` (and says why) when DuckDB is missing
/// outside CI.
fn duckdb(dir: &Path, script: &str) -> Option<String> {
    let found = Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have DuckDB for Python: .ci/run installs it (pip install duckdb)"
        );
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"note: the DuckDB tests are skipped: python3 cannot import duckdb (pip install duckdb)\n",
        );
        return None;
    }
    let out = Command::new("python3").arg("-c").arg(script).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn duckdb_reads_the_district_export_as_the_closes_say() {
    let w = district();
    ok(&w, &["district", "schools", "--export", "out"]);
    let script = r#"
import duckdb, json
c = duckdb.connect()
fees = c.execute("""
    SELECT school, strftime(date, '%Y-%m') AS month, sum(amount)::VARCHAR
    FROM read_parquet('out/ledger/*/*.parquet', hive_partitioning = true)
    WHERE kind = 'fee' GROUP BY ALL ORDER BY ALL""").fetchall()
types = {t: dict((r[0], r[1]) for r in c.execute(f"DESCRIBE SELECT * FROM read_parquet('out/{t}/*/*.parquet', hive_partitioning = true)").fetchall())
         for t in ['ledger', 'pupils', 'closes', 'leave']}
leave = c.execute("SELECT count(*) FROM read_parquet('out/leave/*/*.parquet', hive_partitioning = true)").fetchall()[0][0]
# Each file's own school column, not the folder's: every row of a school's file names it.
own = c.execute("""SELECT school, count(*) FROM read_parquet('out/ledger/*/*.parquet', hive_partitioning = false, filename = true)
    WHERE filename NOT LIKE '%school=' || school || '/%' OR school IS NULL GROUP BY ALL""").fetchall()
schools = c.execute("SELECT DISTINCT school FROM read_parquet('out/ledger/*/*.parquet', hive_partitioning = false) ORDER BY ALL").fetchall()
print(json.dumps({'fees': fees, 'types': types, 'leave': leave, 'own': own, 'schools': schools}))
"#;
    let Some(out) = duckdb(w.path(), script) else { return };
    let v: Value = serde_json::from_str(&out).unwrap();
    let fees = v["fees"].as_array().unwrap();
    assert!(fees.len() >= 10, "{out}");
    for row in fees {
        let (school, month) = (row[0].as_str().unwrap(), row[1].as_str().unwrap());
        let dir = if school == "阳光路小学" { "schools/a" } else { "schools/b" };
        assert_eq!(money(&row[2]), close_value(&w.file(dir), month, "fees"), "{school} {month}");
    }
    let types = &v["types"];
    assert_eq!(types["ledger"]["amount"], "DECIMAL(12,2)");
    assert_eq!(types["ledger"]["date"], "DATE");
    assert_eq!(types["closes"]["closed_on"], "DATE");
    assert_eq!(types["pupils"]["grade"], "INTEGER");
    assert_eq!(v["own"], serde_json::json!([]), "{out}");
    assert_eq!(v["schools"], serde_json::json!([["月亮湾小学"], ["阳光路小学"]]), "{out}");
    // A table no school has rows of reads as no rows, with its columns.
    assert_eq!(v["leave"], 0);
    assert_eq!(types["leave"]["from"], "DATE");
    for personal in ["name", "guardian", "phone"] {
        assert!(types["pupils"].get(personal).is_none(), "pupils has {personal}");
    }
}

/// A school with no rows in a table has no file in the table's folder; a table no school has
/// rows of has one file, with no rows, so that a glob over its folder still finds it.
#[test]
fn a_district_export_leaves_out_empty_partitions_but_never_a_table() {
    let w = district();
    ok(&w, &["district", "schools", "--export", "out", "--export-format", "csv"]);
    let files = |table: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(w.file(&format!("out/{table}")))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    };
    assert_eq!(files("ledger"), ["school=月亮湾小学", "school=阳光路小学"]);
    // The changed copy has no settlements.
    assert_eq!(files("settlements"), ["school=阳光路小学"]);
    // Neither school has leave: one file, its header and no rows, under the first school.
    assert_eq!(files("leave"), ["school=阳光路小学"]);
    assert_eq!(w.read("out/leave/school=阳光路小学/part-0.csv"), "school,pupil_id,from,to\n");
    // Every table of the spec has its folder.
    let mut tables: Vec<String> = std::fs::read_dir(w.file("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.starts_with('.'))
        .collect();
    tables.sort();
    let mut documented: Vec<String> = documented().into_keys().collect();
    documented.sort();
    assert_eq!(tables, documented);
}

/// The queries of docs/district.md: each ```sql block, run over an export of the district.
#[test]
fn the_queries_of_docs_district_md_run() {
    let w = district();
    ok(&w, &["district", "schools", "--export", "export"]);
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/district.md")).unwrap();
    let queries: Vec<&str> = doc.split("```sql\n").skip(1).map(|b| b.split("```").next().unwrap()).collect();
    assert!(queries.len() >= 3, "docs/district.md has {} sql blocks", queries.len());
    let script = format!(
        "import duckdb, json\nc = duckdb.connect()\nfor q in json.loads({:?}):\n    print(len(c.execute(q).fetchall()))\n",
        serde_json::to_string(&queries).unwrap()
    );
    let Some(out) = duckdb(w.path(), &script) else { return };
    for (q, n) in queries.iter().zip(out.lines()) {
        assert!(n.parse::<usize>().unwrap() > 0, "no rows from:\n{q}");
    }
}

/// The tables and columns of docs/export.md: `## table` and the rows of its table.
fn documented() -> BTreeMap<String, Vec<(String, String)>> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/export.md")).unwrap();
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut table = None;
    for line in doc.lines() {
        if let Some(name) = line.strip_prefix("## ") {
            table = Some(name.trim().to_owned());
        } else if let (Some(t), Some(row)) = (&table, line.strip_prefix("| `")) {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            out.entry(t.clone())
                .or_default()
                .push((cells[0].trim_end_matches('`').to_owned(), cells[1].to_owned()));
        }
    }
    out
}

/// A Parquet file's columns and their types as DuckDB names them.
fn written(path: &Path) -> Vec<(String, String)> {
    use parquet::basic::{ConvertedType, Type as Physical};
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    schema
        .columns()
        .iter()
        .map(|c| {
            let ty = match (c.physical_type(), c.converted_type()) {
                (Physical::BYTE_ARRAY, ConvertedType::UTF8) => "VARCHAR".to_owned(),
                (Physical::INT32, ConvertedType::DATE) => "DATE".to_owned(),
                (Physical::INT64, ConvertedType::DECIMAL) => format!("DECIMAL({},{})", c.type_precision(), c.type_scale()),
                (Physical::INT32, ConvertedType::NONE) => "INTEGER".to_owned(),
                other => format!("{other:?}"),
            };
            (c.name().to_owned(), ty)
        })
        .collect()
}

#[test]
fn docs_export_md_is_what_care_export_writes() {
    let w = Workdir::example();
    let out = ok(&w, &["export", "--out", "t"]);
    assert!(out.contains("wrote 10 tables"), "{out}");
    let documented = documented();
    let mut files: Vec<PathBuf> = std::fs::read_dir(w.file("t")).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "parquet"));
    assert_eq!(files.len(), documented.len(), "{:?}", documented.keys());
    for f in files {
        let table = f.file_stem().unwrap().to_str().unwrap().to_owned();
        let doc = documented
            .get(&table)
            .unwrap_or_else(|| panic!("docs/export.md has no table {table}"));
        assert_eq!(&written(&f), doc, "docs/export.md, table {table}");
    }
}

#[test]
fn care_export_writes_csv_too_and_refuses_a_full_folder() {
    let w = Workdir::example();
    ok(&w, &["export", "--out", "t", "--format", "csv"]);
    let ledger = w.read("t/ledger.csv");
    let mut lines = ledger.lines();
    assert_eq!(
        lines.next(),
        Some("school,date,kind,amount,pupil_id,contract_id,category,period,collected_by,receipt,memo")
    );
    assert_eq!(lines.next(), Some("阳光路小学,2025-09-01,fee,160.00,P0001,,,2025-09,周强,R0001,"));
    let pupils = w.read("t/pupils.csv");
    assert!(pupils.starts_with("school,pupil_id,grade,class,applied_on,reviewed_on,agreed_on,starts,ends,waiver,term,status\n"));
    assert!(!pupils.contains("陈欣怡") && !pupils.contains("139"));
    let before = snapshot_of(&w.file("t"));
    let t = w.file("t");
    w.refused(&["export", "--out", t.to_str().unwrap()], "--force");
    assert_eq!(snapshot_of(&w.file("t")), before);
    ok(&w, &["export", "--out", "t", "--force"]);
    assert!(w.file("t/ledger.parquet").is_file() && !w.file("t/ledger.csv").exists());
}

#[test]
fn an_excel_workbook_with_numbers_for_money() {
    use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
    let w = district();
    assert_eq!(run(&w, &["district", "schools", "--format", "xlsx"]).status.code(), Some(2));
    ok(&w, &["district", "schools", "--year", "2025", "--out", "d.xlsx"]);
    let v = report(&w, &["district", "schools", "--year", "2025"]);
    let mut book: Xlsx<_> = open_workbook(w.file("d.xlsx")).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), 2, "{names:?}");
    let range = book.worksheet_range(&names[0]).unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows.len(), 1 + 3 + 1);
    let fees = rows[0].iter().position(|c| matches!(c, Data::String(s) if s == "Fees")).unwrap();
    let total = rows[4][fees].get_float().unwrap();
    assert_eq!((total * 100.0).round() as i64, money(&v["totals"]["fees"]));
    for row in &rows {
        for c in row.iter() {
            assert!(!matches!(c, Data::String(s) if s.starts_with('=')));
        }
    }
}

/// A school that collects its own fee (`care init --example --model school`: leave under the
/// daily rule, waivers, a grant) and a copy with a refund for leave left unbooked: the grants,
/// waivers and leave days are those of the school's annual report, and the refund shows as due.
#[test]
fn the_money_of_2026_grants_waivers_leave_and_refunds_due() {
    let w = Workdir::empty().today(TODAY);
    ok(&w, &["init", "--example", "--model", "school", "schools/s1"]);
    copy_tree(&w.file("schools/s1"), &w.file("schools/s2"));
    w.replace("schools/s2/plan.toml", "420100-0456", "420100-0457");
    w.replace(
        "schools/s2/ledger.csv",
        "2025-11-05,refund,55.56,P0003,,,2025-10,,,请假、退出退费\n",
        "",
    );
    let v = report(&w, &["district", "schools", "--year", "2025"]);
    let rows = v["rows"].as_array().unwrap();
    let s1 = w.file("schools/s1");
    let out = Command::new(assert_cmd::cargo::cargo_bin("care"))
        .args([
            "-C",
            s1.to_str().unwrap(),
            "--today",
            TODAY,
            "report",
            "annual",
            "--year",
            "2025",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let annual: Value = serde_json::from_slice(&out.stdout).unwrap();
    for r in rows {
        let f = &r["figures"];
        assert_eq!(r["model"], "school");
        assert_eq!(f["grants"], annual["money"]["grants"]);
        assert_eq!(f["leave_days"], annual["leave_days"]);
        assert_eq!(f["waived_pupils"], annual["waivers"]["pupils"]);
        assert_eq!(f["waived"], annual["waivers"]["total"]);
    }
    let (s1, s2) = (&rows[0]["figures"], &rows[1]["figures"]);
    assert_eq!(
        (rows[0]["code"].as_str(), rows[1]["code"].as_str()),
        (Some("420100-0456"), Some("420100-0457"))
    );
    assert_eq!(
        (s1["refunds_due"].as_str(), s1["refund_families"].as_u64()),
        (Some("0.00"), Some(0))
    );
    assert_eq!(
        (s2["refunds_due"].as_str(), s2["refund_families"].as_u64()),
        (Some("55.56"), Some(1))
    );
    assert_eq!(v["totals"]["refunds_due"], "55.56");
    // The export is partitioned by the code.
    ok(&w, &["district", "schools", "--export", "out", "--export-format", "csv"]);
    let leave = w.read("out/leave/school=420100-0457/part-0.csv");
    assert!(leave.starts_with("school,pupil_id,from,to\n420100-0457,"), "{leave}");
}
