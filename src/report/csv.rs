//! A report's main table as CSV, safe to open in a spreadsheet.

use super::sheet::Sheet;
use crate::records::Money;

/// RFC 4180 text with `\n` line ends; every cell neutralised.
pub fn write(t: &Sheet) -> String {
    let mut s = String::new();
    let line = |s: &mut String, cells: Vec<String>| {
        s.push_str(&cells.join(","));
        s.push('\n');
    };
    line(&mut s, t.headers.iter().map(|h| quote(&neutralise(h))).collect());
    for row in &t.rows {
        line(&mut s, row.iter().map(|c| quote(&neutralise(&c.text()))).collect());
    }
    s
}

/// A cell that begins with `=`, `+`, `-`, `@` (or a tab or carriage return, which Excel skips
/// before such a sign) is a formula to a spreadsheet; a single quote before it makes it text.
/// Numbers such as `-12.50` (an amount due) are left alone: they are not formulas, and a quote
/// would turn them into text.
pub fn neutralise(cell: &str) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && Money::parse(cell).is_err() {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sheet::Cell;

    #[test]
    fn formulas_become_text_numbers_stay_numbers() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-1+2"), "'-1+2");
        assert_eq!(neutralise("\t=1"), "'\t=1");
        assert_eq!(neutralise("-12.50"), "-12.50");
        assert_eq!(neutralise("王*明"), "王*明");
    }

    #[test]
    fn quoting() {
        let text = |s: &str| Cell::Text(s.into());
        let t = Sheet {
            name: "t".into(),
            headers: vec!["a".into(), "b".into()],
            rows: vec![vec![text("x,y"), text("say \"hi\"")], vec![text("=1"), Cell::Count(2)]],
        };
        assert_eq!(write(&t), "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n'=1,2\n");
    }
}
