//! Spreadsheets: record files with Chinese column names (as a clerk's Excel or WPS saves them),
//! reports as Excel workbooks read back with calamine, and class lists imported from .xlsx and
//! .csv, all or nothing.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use care::records::spreadsheet::normal_date;

use crate::common::{Workdir, csv_rows, fixture_dir};

/// A file of the work directory by its full path, as a command line names a file.
fn at(w: &Workdir, rel: &str) -> String {
    w.file(rel).to_string_lossy().into_owned()
}

const ROSTER_ZH: &str = "学号,姓名,年级,班级,监护人,电话,申请日期,签字人,审核日期,协议日期,开始日期,结束日期,备注";

fn gb18030_crlf(text: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(&text.replace('\n', "\r\n")).0.into_owned()
}

/// The clean fixture with its roster saved as Excel on Chinese Windows saves a CSV: Chinese
/// column names, GB18030, CRLF.
fn chinese_roster() -> Workdir {
    let w = Workdir::fixture("clean");
    let text = w.read("roster.csv");
    let (_, rows) = text.split_once('\n').unwrap();
    w.write("roster.csv", gb18030_crlf(&format!("{ROSTER_ZH}\n{rows}")));
    w
}

#[test]
fn a_gb18030_crlf_roster_with_chinese_headers_checks_clean_and_keeps_its_form_after_enroll() {
    let w = chinese_roster();
    assert_eq!(w.findings(), []);
    let before = w.read_bytes("roster.csv");
    let out = w.ok(&[
        "enroll",
        "--name",
        "李四",
        "--grade",
        "2",
        "--class",
        "3",
        "--guardian",
        "李华",
        "--phone",
        "13800000009",
        "--applied-on",
        "2026-09-10",
        "--signed-by",
        "李华",
    ]);
    assert!(out.contains("P0005"), "{out}");
    let mut expected = before.clone();
    expected.extend(gb18030_crlf("P0005,李四,2,3,李华,13800000009,2026-09-10,李华,,,,,\n"));
    assert_eq!(w.read_bytes("roster.csv"), expected);
    // The rows care writes into it are read back as it reads its own.
    w.ok(&["review", "P0005", "--on", "2026-09-12"]);
    let text = encoding_rs::GB18030.decode(&w.read_bytes("roster.csv")).0.into_owned();
    assert!(text.starts_with(&format!("{ROSTER_ZH}\r\n")));
    assert!(
        text.ends_with("P0005,李四,2,3,李华,13800000009,2026-09-10,李华,2026-09-12,,,,\r\n"),
        "{text}"
    );
    assert_eq!(w.findings(), []);
}

#[test]
fn chinese_and_english_names_mix_in_one_header() {
    let w = Workdir::fixture("clean");
    w.replace(
        "ledger.csv",
        "date,kind,amount,pupil_id,contract_id,category,period,collected_by,receipt,memo",
        "日期,kind,金额,pupil_id,合同编号,category,所属期间,经手人,receipt,摘要",
    );
    assert_eq!(w.findings(), []);
    w.ok(&[
        "ledger",
        "add",
        "expense",
        "--date",
        "2026-09-24",
        "--amount",
        "12.5",
        "--category",
        "materials",
        "--memo",
        "胶水",
    ]);
    assert!(w.read("ledger.csv").ends_with("\n2026-09-24,expense,12.50,,,materials,,,,胶水\n"));
    assert_eq!(w.findings(), []);
}

#[test]
fn a_header_naming_one_column_twice_is_a_finding() {
    let w = Workdir::fixture("clean");
    w.replace("roster.csv", "pupil_id,name,", "pupil_id,name,学号,");
    w.replace("roster.csv", "P0001,王小明,", "P0001,王小明,P0001,");
    w.replace("roster.csv", "P0002,李想,", "P0002,李想,P0002,");
    w.replace("roster.csv", "P0003,欧阳娜娜,", "P0003,欧阳娜娜,P0003,");
    w.replace("roster.csv", "P0004,张三,", "P0004,张三,P0004,");
    assert_eq!(w.findings(), [("format/parse".to_owned(), "roster.csv".to_owned(), 1)]);
    let out = w.care(&["check"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("the header names one column twice, as “pupil_id” and “学号”"),
        "{text}"
    );
}

#[test]
fn findings_name_a_column_as_the_file_does() {
    let w = chinese_roster();
    let text = encoding_rs::GB18030.decode(&w.read_bytes("roster.csv")).0.into_owned();
    w.write(
        "roster.csv",
        gb18030_crlf(&text.replace("\r\n", "\n").replace(",李想,1,1,李华,", ",李想,1,1,,")),
    );
    let out = w.care(&["--lang", "zh", "check"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("“监护人”为空，必须填写"), "{text}");
    // A required column the header lacks is named in the header's language.
    let w = Workdir::fixture("clean");
    w.replace("contracts.csv", "contract_id,name,kind", "合同编号,名字,类别");
    let out = w.care(&["check"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("the required column “姓名” (name) is missing"), "{text}");
}

#[test]
fn init_writes_chinese_headers_that_check_clean() {
    let w = Workdir::empty();
    w.ok(&["init", "--headers", "zh", &at(&w, "blank")]);
    assert_eq!(w.read("blank/roster.csv"), format!("{ROSTER_ZH},学期,减免比例,减免原因\n"));
    assert_eq!(
        w.read("blank/ledger.csv"),
        "日期,类型,金额,学号,合同编号,科目,所属期间,经手人,票据号,摘要\n"
    );
    w.ok(&["init", "--example", "--headers", "zh", &at(&w, "example")]);
    let example = Workdir::example();
    for file in ["roster.csv", "contracts.csv", "ledger.csv", "surveys.csv"] {
        let zh = w.read(&format!("example/{file}"));
        let en = example.read(file);
        assert_eq!(zh.split_once('\n').unwrap().1, en.split_once('\n').unwrap().1, "{file}");
        assert!(!zh.starts_with(en.lines().next().unwrap()), "{file}");
    }
    // The school-collected example, leave.csv too.
    w.ok(&["init", "--example", "--model", "school", "--headers", "zh", &at(&w, "school")]);
    let school = Workdir::school_example();
    for file in ["roster.csv", "ledger.csv", "leave.csv"] {
        let zh = w.read(&format!("school/{file}"));
        assert_eq!(
            zh.split_once('\n').unwrap().1,
            school.read(file).split_once('\n').unwrap().1,
            "{file}"
        );
    }
    assert!(w.read("school/leave.csv").starts_with("学号,开始日期,结束日期,事由\n"));
    for dir in ["example", "school"] {
        let out = assert_cmd::Command::cargo_bin("care")
            .unwrap()
            .args(["-C", &at(&w, dir), "--today", "2026-11-29", "check"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{dir}: {}", String::from_utf8_lossy(&out.stdout));
    }
}

// Reports as workbooks.

type Sheet = Vec<Vec<Data>>;

/// The sheets of a workbook, by name, and whether any cell holds a formula.
fn read_workbook(bytes: &[u8]) -> (Vec<(String, Sheet)>, bool) {
    let mut book = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut sheets = Vec::new();
    let mut formulas = false;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        sheets.push((name.clone(), range.rows().map(<[Data]>::to_vec).collect()));
        formulas |= book.worksheet_formula(&name).unwrap().used_cells().any(|(_, _, f)| !f.is_empty());
    }
    (sheets, formulas)
}

fn xlsx_report(w: &Workdir, args: &[&str]) -> Vec<(String, Sheet)> {
    let out = w.file("out.xlsx");
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let said = w.ok(&all);
    assert!(said.contains("(xlsx)"), "{said}");
    let (sheets, formulas) = read_workbook(&std::fs::read(out).unwrap());
    assert!(!formulas, "{args:?} wrote a formula");
    sheets
}

/// A cell as the csv report writes it: money and decimals as their text, dates as YYYY-MM-DD.
fn as_text(d: &Data, decimals: usize) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f:.decimals$}"),
        Data::Int(i) => i.to_string(),
        Data::DateTime(dt) => {
            let (y, m, day, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        other => panic!("unexpected cell {other:?}"),
    }
}

const KINDS: &[(&str, &[&str])] = &[
    ("disclosure", &["--month", "2025-10"]),
    ("settlement", &["--term", "2025-autumn"]),
    ("notices", &["--term", "2025-autumn"]),
    ("roster", &[]),
    ("staff", &[]),
    ("surveys", &[]),
    ("annual", &["--year", "2025"]),
];

#[test]
fn every_report_as_a_workbook_holds_the_csv_table_typed() {
    let w = Workdir::example();
    for (kind, scope) in KINDS {
        let sheets = xlsx_report(&w, &[&[*kind, "--format", "xlsx"][..], scope].concat());
        // The settlement has its totals (P, G, C, S) on a second sheet.
        assert_eq!(sheets.len(), if *kind == "settlement" { 2 } else { 1 }, "{kind}");
        let (_, cells) = &sheets[0];
        let csv = csv_rows(&w.ok(&[&["report", *kind, "--format", "csv"][..], scope].concat()));
        assert_eq!(cells.len(), csv.len(), "{kind}");
        let (mut money, mut dates) = (0, 0);
        for (row, text_row) in cells.iter().zip(&csv) {
            for (c, text) in row.iter().zip(text_row) {
                // A decimal keeps the places its text has; money has two.
                let places = text.split_once('.').map_or(0, |(_, f)| f.len());
                assert_eq!(&as_text(c, places), text, "{kind}");
                if matches!(c, Data::Float(_)) && places == 2 {
                    money += 1;
                }
                if matches!(c, Data::DateTime(_)) {
                    dates += 1;
                }
                // Text is never a number that lost its type: a money or date cell is typed.
                if let Data::String(s) = c {
                    assert!(care::records::Money::parse(s).is_err() || !s.contains('.'), "{kind}: {s} as text");
                    assert!(care::records::date::parse_date(s).is_err(), "{kind}: {s} as text");
                }
            }
        }
        if !["roster", "surveys"].contains(kind) {
            assert!(money > 0, "{kind} has no money cells");
        }
        if !["settlement", "annual", "surveys"].contains(kind) {
            assert!(dates > 0, "{kind} has no date cells");
        }
    }
}

#[test]
fn workbook_money_has_the_figures_of_the_md_report() {
    let w = Workdir::example();
    for (kind, scope) in &KINDS[..3] {
        let sheets = xlsx_report(&w, &[&[*kind, "--format", "xlsx"][..], scope].concat());
        let md = w.ok(&[&["report", *kind][..], scope].concat());
        let csv = csv_rows(&w.ok(&[&["report", *kind, "--format", "csv"][..], scope].concat()));
        // Money is what the csv writes with two decimals.
        let mut figures = 0;
        for (row, text_row) in sheets[0].1.iter().zip(&csv).skip(1) {
            for (c, text) in row.iter().zip(text_row) {
                if let Data::Float(f) = c
                    && text.split_once('.').is_some_and(|(_, d)| d.len() == 2)
                {
                    let figure = format!("{f:.2}");
                    assert!(md.contains(&figure), "{kind}: {figure} is not in the md report");
                    figures += 1;
                }
            }
        }
        assert!(figures > 3, "{kind}");
    }
    // The disclosure's summary, by its words.
    let sheets = xlsx_report(&w, &["disclosure", "--month", "2025-10", "--format", "xlsx", "--lang", "en"]);
    let (name, cells) = &sheets[0];
    assert_eq!(name, "Disclosure 2025-10");
    let figure = |item: &str| cells.iter().find(|r| r[2] == Data::String(item.into())).map(|r| r[4].clone());
    let json: serde_json::Value = serde_json::from_str(&w.ok(&["report", "disclosure", "--month", "2025-10", "--format", "json"])).unwrap();
    for (item, key) in [
        ("Opening balance", "opening"),
        ("Fees received", "fees"),
        ("Closing balance", "closing"),
    ] {
        let Some(Data::Float(f)) = figure(item) else {
            panic!("{item} is not a number");
        };
        assert_eq!(format!("{f:.2}"), json[key].as_str().unwrap(), "{item}");
    }
}

#[test]
fn workbooks_never_hold_formulas_and_public_ones_mask_names() {
    let w = Workdir::example();
    w.replace("ledger.csv", "作业本、文具", "=HYPERLINK(\"http://x\")");
    w.replace("roster.csv", ",陈建军,13910007919,", ",+cmd|' /C calc'!A0,13910007919,");
    let disclosure = xlsx_report(&w, &["disclosure", "--month", "2025-09", "--format", "xlsx"]);
    let memo = disclosure[0]
        .1
        .iter()
        .flatten()
        .find(|c| matches!(c, Data::String(s) if s.starts_with("=HYPERLINK")));
    assert!(memo.is_some(), "the memo is not kept as text");
    let roster = xlsx_report(&w, &["roster", "--format", "xlsx"]);
    assert!(
        roster[0]
            .1
            .iter()
            .flatten()
            .any(|c| *c == Data::String("+cmd|' /C calc'!A0".into()))
    );
    // Public reports mask names as in every format; internal ones and --no-mask do not.
    let full: Vec<String> = csv_rows(&w.read("roster.csv"))[1..]
        .iter()
        .flat_map(|r| [r[1].clone(), r[5].clone()])
        .collect();
    for (kind, scope) in KINDS
        .iter()
        .filter(|(k, _)| ["disclosure", "settlement", "notices", "annual"].contains(k))
    {
        let sheets = xlsx_report(&w, &[&[*kind, "--format", "xlsx"][..], scope].concat());
        for c in sheets.iter().flat_map(|(_, s)| s.iter().flatten()) {
            if let Data::String(s) = c {
                assert!(!full.iter().any(|f| s.contains(f.as_str())), "{kind} shows {s}");
            }
        }
    }
    let notices = xlsx_report(&w, &["notices", "--term", "2025-autumn", "--format", "xlsx"]);
    assert_eq!(notices[0].1[1][1], Data::String("陈*怡".into()));
    let open = xlsx_report(&w, &["notices", "--term", "2025-autumn", "--format", "xlsx", "--no-mask"]);
    assert_eq!(open[0].1[1][1], Data::String("陈欣怡".into()));
}

#[test]
fn a_workbook_needs_out_and_out_names_the_format() {
    let w = Workdir::example();
    let before = w.snapshot();
    let out = w.care(&["report", "roster", "--format", "xlsx"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--out") && err.contains("roster.xlsx"), "{err}");
    assert!(w.snapshot() == before);
    // The extension of --out is enough.
    w.ok(&["--lang", "zh", "report", "staff", "--out", &at(&w, "reports/staff.xlsx")]);
    let (sheets, _) = read_workbook(&w.read_bytes("reports/staff.xlsx"));
    assert_eq!(sheets[0].0, "服务人员");
    assert_eq!(sheets[0].1[0][0], Data::String("协议编号".into()));
}

// Class lists.

/// The rows of the sample class list under its title row: 序号, 姓名, 性别, 年级, 班级, 监护人,
/// 电话, 申请日期, 签字人.
fn class_list() -> (String, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(fixture_dir("class-lists").join("class-3-2.csv")).unwrap();
    let rows = csv_rows(&text);
    (rows[0][0].clone(), rows[1..].to_vec())
}

/// The class list as a clerk's workbook: a title merged across the columns, the header, then
/// rows with numbers for grade, class and phone and date cells for the dates.
fn class_workbook(rows: &[Vec<String>], serial_dates: bool) -> Vec<u8> {
    let (title, _) = class_list();
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("报名名单").unwrap();
    let width = rows[0].len() as u16;
    ws.merge_range(0, 0, 0, width - 1, &title, &Format::new()).unwrap();
    let date_format = Format::new().set_num_format("yyyy/m/d");
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            // 申请日期, when it is a date at all.
            let day = (r > 1 && c == 7).then(|| normal_date(v)).flatten();
            if let Some(day) = day {
                let [y, m, d] = [0..4, 5..7, 8..10].map(|at| day[at].parse::<u16>().unwrap());
                let dt = ExcelDateTime::from_ymd(y, m as u8, d as u8).unwrap();
                if serial_dates {
                    ws.write_number(r, c, dt.to_excel()).unwrap();
                } else {
                    ws.write_datetime_with_format(r, c, &dt, &date_format).unwrap();
                }
            } else if r > 1
                && let Ok(n) = v.parse::<f64>()
            {
                ws.write_number(r, c, n).unwrap();
            } else if !v.is_empty() {
                ws.write_string(r, c, v).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// The roster's rows that the sample class list adds to the clean fixture.
const IMPORTED: &str = "\
P0005,刘一鸣,3,2,刘大伟,13900000001,2026-09-10,刘大伟,,,,,
P0006,陈思琪,3,2,陈建国,13900000002,2026-09-10,陈建国,,,,,
P0007,王子涵,3,2,王立新,,2026-09-11,王立新,,,,,
P0008,赵雨萱,3,2,赵志强,13900000004,2026-09-11,赵志强,,,,,
P0009,孙浩然,3,2,孙明,,2026-09-12,孙明,,,,,
";

#[test]
fn a_class_list_imports_from_xlsx_and_importing_it_again_adds_nothing() {
    let w = Workdir::fixture("clean");
    let (_, rows) = class_list();
    w.write("名单.xlsx", class_workbook(&rows, false));
    let roster = w.read("roster.csv");
    let dry = w.ok(&["import", "roster", &at(&w, "名单.xlsx"), "--dry-run"]);
    assert!(dry.contains("would import 5 applications from 名单.xlsx (P0005–P0009)"), "{dry}");
    assert!(dry.contains("孙浩然"), "{dry}");
    assert_eq!(w.read("roster.csv"), roster);
    let out = w.ok(&["import", "roster", &at(&w, "名单.xlsx")]);
    assert!(out.contains("columns not imported (care does not keep them): 序号, 性别"), "{out}");
    assert!(out.ends_with("imported 5 applications from 名单.xlsx (P0005–P0009)\n"), "{out}");
    assert_eq!(w.read("roster.csv"), format!("{roster}{IMPORTED}"));
    assert_eq!(w.findings(), []);
    let again = w.ok(&["import", "roster", &at(&w, "名单.xlsx")]);
    assert!(
        again.contains("all 5 rows of 名单.xlsx are already in roster.csv; nothing changed"),
        "{again}"
    );
    assert_eq!(w.read("roster.csv"), format!("{roster}{IMPORTED}"));
}

#[test]
fn a_class_list_imports_from_a_gb18030_csv_into_a_chinese_roster() {
    let w = chinese_roster();
    let text = std::fs::read_to_string(fixture_dir("class-lists").join("class-3-2.csv")).unwrap();
    w.write("名单.csv", gb18030_crlf(&text));
    let before = w.read_bytes("roster.csv");
    w.ok(&["import", "roster", &at(&w, "名单.csv")]);
    let mut expected = before;
    expected.extend(gb18030_crlf(IMPORTED));
    assert_eq!(w.read_bytes("roster.csv"), expected);
    assert_eq!(w.findings(), []);
}

/// A class list of rows 3 to 14 (a title on row 1, the header on row 2), each row as `row`
/// makes it from its number: name, guardian, applied on, signed by.
fn long_list(row: impl Fn(usize) -> [String; 4]) -> (String, Vec<Vec<String>>) {
    let mut rows = vec![class_list().1[0].clone()];
    for i in 3..=14 {
        let [name, guardian, date, signed] = row(i);
        rows.push(
            [
                i.to_string(),
                name,
                "女".into(),
                "2".into(),
                "1".into(),
                guardian,
                String::new(),
                date,
                signed,
            ]
            .to_vec(),
        );
    }
    let text = std::iter::once("名单,,,,,,,,\n".to_owned())
        .chain(rows.iter().map(|r| format!("{}\n", r.join(","))))
        .collect();
    (text, rows)
}

#[test]
fn a_list_with_a_bad_date_and_a_missing_guardian_is_refused_naming_both_rows() {
    let w = Workdir::fixture("clean");
    // Row 7 has a date that does not exist, row 12 no guardian.
    let (text, rows) = long_list(|i| {
        let guardian = if i == 12 { String::new() } else { format!("家长{i}") };
        let date = if i == 7 { "2026/9/31".to_owned() } else { format!("2026/9/{i}") };
        [format!("学生{i}"), guardian, date, format!("家长{i}")]
    });
    w.write("list.csv", &text);
    w.refused(
        &["import", "roster", &at(&w, "list.csv")],
        "2 rows of list.csv cannot be imported; nothing was changed",
    );
    let err = String::from_utf8(w.care(&["import", "roster", &at(&w, "list.csv")]).output().unwrap().stderr).unwrap();
    assert!(err.contains("row 7 (学生7): 申请日期: “2026/9/31” is not a date"), "{err}");
    assert!(err.contains("row 12 (学生12): “监护人” is empty"), "{err}");
    // The same list as a workbook.
    w.write("list.xlsx", class_workbook(&rows, false));
    w.refused(
        &["import", "roster", &at(&w, "list.xlsx")],
        "row 7 (学生7): 申请日期: “2026/9/31” is not a date",
    );
    w.refused(&["import", "roster", &at(&w, "list.xlsx")], "row 12 (学生12): “监护人” is empty");
    // A rule a row would break once recorded is named by its row too.
    let (text, _) = long_list(|i| {
        let signed = if i == 5 { "别人".to_owned() } else { format!("家长{i}") };
        [format!("学生{i}"), format!("家长{i}"), format!("2026/9/{i}"), signed]
    });
    w.write("list.csv", &text);
    w.refused(
        &["import", "roster", &at(&w, "list.csv")],
        "a row of list.csv cannot be imported; nothing was changed:\n  row 5 (学生5): [consent/unsigned]",
    );
}

#[test]
fn bad_class_lists_are_clear_errors_and_change_nothing() {
    let w = Workdir::fixture("clean");
    let (_, rows) = class_list();
    w.write("text.xlsx", "学号,姓名\nP1,王\n");
    w.refused(
        &["import", "roster", &at(&w, "text.xlsx")],
        "text.xlsx is not an Excel workbook care can read",
    );
    // An empty sheet, and a sheet the workbook does not have.
    let mut book = Workbook::new();
    book.add_worksheet().set_name("空").unwrap();
    w.write("empty.xlsx", book.save_to_buffer().unwrap());
    w.refused(
        &["import", "roster", &at(&w, "empty.xlsx")],
        "the sheet “空” of empty.xlsx is empty",
    );
    w.write("list.xlsx", class_workbook(&rows, false));
    let before = w.snapshot();
    let out = w
        .care(&["import", "roster", &at(&w, "list.xlsx"), "--sheet", "Sheet9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("list.xlsx has no sheet “Sheet9”; it has: 报名名单"));
    assert!(w.snapshot() == before);
    // Merged header cells.
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.merge_range(0, 0, 0, 1, "姓名", &Format::new()).unwrap();
    ws.write_string(0, 2, "监护人").unwrap();
    ws.write_string(1, 0, "王一").unwrap();
    w.write("merged.xlsx", book.save_to_buffer().unwrap());
    w.refused(
        &["import", "roster", &at(&w, "merged.xlsx")],
        "merged.xlsx has merged cells in its header row (A1:B1)",
    );
    // A list without a header, and one whose header lacks a column an application needs.
    w.write("none.csv", "a,b\n1,2\n");
    w.refused(&["import", "roster", &at(&w, "none.csv")], "none.csv has no header row");
    w.write("short.csv", "姓名,年级,班级,监护人,申请日期\n王一,1,1,王二,2026-09-10\n");
    w.refused(
        &["import", "roster", &at(&w, "short.csv")],
        "[format/missing-column] the required column “签字人” (signed_by) is missing",
    );
    // A CSV holds what the spreadsheet showed: a number there is not known to be a date.
    w.write("serial.csv", "姓名,年级,班级,监护人,申请日期,签字人\n王一,1,1,王二,46275,王二\n");
    w.refused(
        &["import", "roster", &at(&w, "serial.csv")],
        "row 2 (王一): 申请日期: “46275” is not a date",
    );
    let out = w
        .care(&["import", "roster", &at(&w, "serial.csv"), "--sheet", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // Other files are not class lists.
    w.write("list.xls", "x");
    let out = w.care(&["import", "roster", &at(&w, "list.xls")]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("save it from Excel or WPS as .xlsx or CSV"));
}

#[test]
fn excel_date_serials_in_date_columns_are_read_as_dates_and_said() {
    let w = Workdir::fixture("clean");
    let (_, rows) = class_list();
    w.write("list.xlsx", class_workbook(&rows, true));
    let out = w.ok(&["import", "roster", &at(&w, "list.xlsx")]);
    assert!(
        out.contains("“申请日期” holds numbers in rows 3, 4, 5, 6, 7, read as Excel date serials (e.g. 46275 → 2026-09-10); check them"),
        "{out}"
    );
    assert!(w.read("roster.csv").ends_with(IMPORTED));
}

/// A class list for the next term: a family already on the roster applies again under its own
/// id, as `care enroll --renew` records it, and a new pupil gets the next id; the list's term
/// column gives both their term, and roster.csv gets the column (only its header line changes).
#[test]
fn a_class_list_for_the_next_term_records_families_applying_again() {
    let w = Workdir::fixture("clean").today("2026-12-20");
    w.append(
        "plan.toml",
        "\n[[terms]]\nid = \"2027-spring\"\nstarts = 2027-02-22\nends = 2027-07-02\nsettle_by = 2027-06-25",
    );
    w.write(
        "春季名单.csv",
        "序号,姓名,年级,班级,监护人,申请日期,签字人,学期\n\
         1,王小明,3,2,王建军,2026/12/18,王建军,2027-spring\n\
         2,周小雨,2,1,周强,2026/12/18,周强,2027-spring\n",
    );
    let roster = w.read("roster.csv");
    let findings = w.findings();
    let out = w.ok(&["import", "roster", &at(&w, "春季名单.csv")]);
    assert!(
        out.ends_with(
            "imported 2 applications from 春季名单.csv (P0005, P0001), 1 of them a family applying again (P0001); added the term column to roster.csv\n"
        ),
        "{out}"
    );
    let (head, rows) = roster.split_once('\n').unwrap();
    assert_eq!(
        w.read("roster.csv"),
        format!(
            "{head},term\n{rows}P0001,王小明,3,2,王建军,,2026-12-18,王建军,,,,,,2027-spring\nP0005,周小雨,2,1,周强,,2026-12-18,周强,,,,,,2027-spring\n"
        )
    );
    assert_eq!(w.findings(), findings);
    // The same list again adds nothing: both are there for the spring term now.
    let again = w.ok(&["import", "roster", &at(&w, "春季名单.csv")]);
    assert!(again.contains("all 2 rows of 春季名单.csv are already in roster.csv"), "{again}");
    // Now that roster.csv has the column, a list without one fills it with each row's term.
    w.write("名单.csv", "姓名,年级,班级,监护人,申请日期,签字人\n吴晓,4,1,吴刚,2026/12/18,吴刚\n");
    w.ok(&["import", "roster", &at(&w, "名单.csv")]);
    assert!(
        w.read("roster.csv")
            .ends_with("P0006,吴晓,4,1,吴刚,,2026-12-18,吴刚,,,,,,2026-autumn\n")
    );
    // Without the term column, December's applications read as the autumn term's, where 王小明
    // is already: skipped, not recorded twice.
    let w = Workdir::fixture("clean").today("2026-12-20");
    w.write(
        "名单.csv",
        "姓名,年级,班级,监护人,申请日期,签字人\n王小明,3,2,王建军,2026/12/18,王建军\n",
    );
    let out = w.ok(&["import", "roster", &at(&w, "名单.csv")]);
    assert!(out.contains("all 1 rows of 名单.csv are already in roster.csv"), "{out}");
}

/// The settlement's workbook holds its totals on a second sheet, grants and what the school
/// keeps as money; the annual workbook holds grants, waivers and leave days typed.
#[test]
fn workbooks_of_the_school_example_hold_grants_waivers_and_leave() {
    let w = Workdir::school_example();
    let sheets = xlsx_report(&w, &["settlement", "--term", "2025-autumn", "--format", "xlsx", "--lang", "en"]);
    assert_eq!(sheets.len(), 2);
    let (name, totals) = &sheets[1];
    assert_eq!(name, "Totals 2025-autumn");
    let value = |rows: &Sheet, item: &str| rows.iter().find(|r| r[0] == Data::String(item.into())).map(|r| r[1].clone());
    let toml = w.read("settlements/2025-autumn.toml");
    let key = |k: &str| {
        toml.lines()
            .find_map(|l| l.strip_prefix(&format!("{k} = \"")))
            .and_then(|v| v.strip_suffix('"'))
            .unwrap()
            .to_owned()
    };
    for (item, k) in [
        ("Paid by families (P)", "paid"),
        ("Grants (G), taken off the costs", "grants"),
        ("Costs (C)", "costs"),
        ("Kept by the school (S less the refunds)", "retained"),
    ] {
        let Some(Data::Float(f)) = value(totals, item) else {
            panic!("{item} is not a number: {totals:?}");
        };
        assert_eq!(format!("{f:.2}"), key(k), "{item}");
    }
    assert!(matches!(value(totals, "Settled on"), Some(Data::DateTime(_))));
    let sheets = xlsx_report(&w, &["annual", "--year", "2025", "--format", "xlsx", "--lang", "en"]);
    let (_, cells) = &sheets[0];
    let item = |name: &str| cells.iter().find(|r| r[1] == Data::String(name.into())).map(|r| r[2].clone());
    assert_eq!(item("Grants received"), Some(Data::Float(4800.0)));
    assert_eq!(item("Total waived"), Some(Data::Float(1178.26)));
    assert_eq!(item("Pupils with a fee waiver"), Some(Data::Float(2.0)));
    assert_eq!(item("Days of leave"), Some(Data::Float(13.0)));
}
