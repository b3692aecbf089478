//! Values in Markdown reports are text, whatever they hold: a memo cannot add a row to a table,
//! start a heading or a list, or carry HTML into the public disclosure.

use crate::common::Workdir;

/// A memo as someone might type it to forge the disclosure.
const FORGED: &str = "a | 2026-09-30 | 支出 | forged | 99,999.00 | | |\n# Hacked\n<script>alert(1)</script>\n- [click](http://x.example)";

/// The cells of a Markdown table row, split at the pipes that are not escaped.
fn cells(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.last_mut().unwrap().push(c);
                out.last_mut().unwrap().extend(chars.next());
            }
            '|' => out.push(String::new()),
            _ => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// The lines of the disclosure's table of itemised spending.
fn spending_rows(md: &str) -> Vec<&str> {
    md.lines()
        .skip_while(|l| !l.starts_with("## 支出明细") && !l.starts_with("## Itemised spending"))
        .skip(1)
        .skip_while(|l| l.is_empty())
        .take_while(|l| l.starts_with('|'))
        .collect()
}

fn assert_plain(md: &str) {
    assert!(!md.contains("<script"), "{md}");
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{md}");
    assert!(!md.lines().any(|l| l.starts_with("# Hacked") || l.starts_with("- [")), "{md}");
    assert!(!md.contains("[click]("), "a link: {md}");
    let rows = spending_rows(md);
    assert!(rows.len() > 2, "{md}");
    let width = cells(rows[0]).len();
    for row in &rows {
        assert_eq!(cells(row).len(), width, "a row of another shape: {row}");
    }
    let forged = rows.iter().find(|r| r.contains("forged")).unwrap();
    assert!(forged.contains("a \\| 2026-09-30 \\| 支出 \\| forged \\| 99,999.00"), "{forged}");
}

#[test]
fn a_memo_cannot_forge_the_closed_months_disclosure() {
    let w = Workdir::fixture("clean").today("2026-10-05");
    w.ok(&[
        "ledger",
        "add",
        "expense",
        "--date",
        "2026-09-24",
        "--amount",
        "12.50",
        "--category",
        "materials",
        "--memo",
        FORGED,
    ]);
    w.ok(&["ledger", "close", "--month", "2026-09", "--on", "2026-10-05"]);
    let md = w.read("reports/disclosure-2026-09.md");
    assert_plain(&md);
    // The memo keeps its line breaks in ledger.csv; the report shows it on one line.
    assert!(w.read("ledger.csv").contains(FORGED));
    assert_plain(&w.ok(&["report", "disclosure", "--month", "2026-09"]));
}

#[test]
fn every_markdown_report_escapes_values() {
    let w = Workdir::example();
    // A pupil, a guardian, a staff member and a comment that look like Markdown.
    w.replace("roster.csv", "P0001,陈欣怡,", "P0001,# 陈|欣怡,");
    w.replace("roster.csv", ",陈建军,", ",> 陈建军 <b>,");
    w.replace("contracts.csv", "C001,赵敏,", "C001,1. 赵|敏,");
    w.replace("ledger.csv", "作业本、文具", "* 作业本 | 文具 &amp;");
    for (kind, scope) in [
        ("disclosure", &["--month", "2025-09"][..]),
        ("settlement", &["--term", "2025-autumn"]),
        ("notices", &["--term", "2025-autumn"]),
        ("roster", &[]),
        ("staff", &[]),
        ("surveys", &[]),
        ("annual", &["--year", "2025"]),
    ] {
        let mut args = vec!["report", kind, "--no-mask"];
        args.extend_from_slice(scope);
        if matches!(kind, "roster" | "staff" | "surveys" | "annual") {
            args.retain(|a| *a != "--no-mask");
        }
        let md = w.ok(&args);
        for line in md.lines() {
            assert!(
                !line.starts_with("# 陈") && !line.starts_with("> 陈") && !line.starts_with("1. 赵"),
                "{kind}: {line}"
            );
            assert!(!line.starts_with("* 作业本"), "{kind}: {line}");
        }
        assert!(
            !md.contains("<b>") && !md.contains(" | 文具") && !md.contains("陈|欣怡"),
            "{kind}:\n{md}"
        );
        assert!(
            !md.contains("&amp;") || md.contains("&amp;amp;"),
            "{kind}: an entity passed through:\n{md}"
        );
    }
    assert!(w.ok(&["report", "roster"]).contains("\\# 陈\\|欣怡"));
    assert!(
        w.ok(&["report", "notices", "--term", "2025-autumn", "--no-mask"])
            .contains("&gt; 陈建军 &lt;b&gt;")
    );
    // The same values in csv and json are the records' own text.
    assert!(w.ok(&["report", "roster", "--format", "json"]).contains("\"# 陈|欣怡\""));
}
