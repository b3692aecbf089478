//! A table that a clerk keeps in Excel or WPS (a class list), read from an .xlsx workbook or a
//! CSV file into text rows under a header row, with the row numbers the spreadsheet shows.
//!
//! Title rows above the header are skipped (the header is the first row that names one of the
//! columns asked for); a header with merged cells is refused; a cell merged over several rows
//! gives its value to each of them; dates in date columns are written `YYYY-MM-DD` whether the
//! cell is a date, an Excel date serial (said in a note) or text such as `2026/9/1`.

use std::io::Cursor;

use calamine::{Data, ExcelDateTime, ExcelDateTimeType, Reader, Xlsx};

use super::date::parse_date;
use super::table::{Column, Row, grid};
use super::text::decode;
use crate::findings::Msg;

/// What a spreadsheet is stored as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Xlsx,
    Csv,
}

impl Kind {
    /// The kind a file name asks for by its extension; `Err` with what to do for one care does
    /// not read.
    pub fn of_name(name: &str) -> Result<Kind, Msg> {
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        match ext.as_str() {
            "xlsx" | "xlsm" => Ok(Kind::Xlsx),
            "csv" | "txt" => Ok(Kind::Csv),
            _ => Err(Msg::new(
                format!("{name} 既不是 .xlsx 工作簿也不是 .csv 文件；请在 Excel 或 WPS 中另存为 .xlsx 或 CSV"),
                format!("{name} is neither an .xlsx workbook nor a .csv file; save it from Excel or WPS as .xlsx or CSV"),
            )),
        }
    }
}

/// A spreadsheet's table: its header and the rows under it (their `line` is the row number the
/// spreadsheet shows), and notes on what was read differently from how it was written.
#[derive(Debug, Default)]
pub struct Grid {
    pub header_line: usize,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    pub notes: Vec<Msg>,
}

/// Why a spreadsheet could not be read: a wrong argument (a sheet it does not have), or what
/// it holds.
#[derive(Debug)]
pub enum Unreadable {
    Usage(Msg),
    Content(Msg),
}

/// One cell before it is text.
enum Value {
    Text(String),
    /// A number; in a date column, an Excel date serial.
    Number(f64),
    Date(String),
    Error(String),
}

/// Reads the table of `bytes`, a file called `name` of kind `kind`: in a workbook, the sheet
/// `sheet` or else the first. The header is the first row that names one of `columns`; the
/// values of `dates` (some of `columns`) are written as dates.
pub fn read(name: &str, bytes: &[u8], kind: Kind, sheet: Option<&str>, columns: &[Column], dates: &[Column]) -> Result<Grid, Unreadable> {
    let (rows, merged) = match kind {
        Kind::Xlsx => workbook_rows(name, bytes, sheet)?,
        Kind::Csv => {
            if sheet.is_some() {
                return Err(Unreadable::Usage(Msg::new(
                    format!("{name} 是 CSV 文件，没有工作表；--sheet 只用于 .xlsx"),
                    format!("{name} is a CSV file and has no sheets; --sheet is for .xlsx workbooks"),
                )));
            }
            (csv_rows(name, bytes).map_err(Unreadable::Content)?, Vec::new())
        }
    };
    table_of(name, rows, &merged, columns, dates).map_err(Unreadable::Content)
}

/// The header and the rows under it.
fn table_of(name: &str, rows: Rows, merged: &[Merged], columns: &[Column], dates: &[Column]) -> Result<Grid, Msg> {
    if rows.is_empty() {
        return Err(Msg::new(format!("{name} 是空的"), format!("{name} is empty")));
    }
    let Some(at) = rows.iter().position(|(_, cells)| cells.iter().any(|v| names_a_column(v, columns))) else {
        let names: Vec<&str> = columns.iter().filter(|c| c.required).map(|c| c.label(true)).collect();
        return Err(Msg::new(
            format!("{name} 中找不到表头：没有一行写着这些列名（{}）", names.join("、")),
            format!("{name} has no header row: no row names these columns ({})", names.join(", ")),
        ));
    };
    let header_line = rows[at].0;
    if let Some(m) = merged.iter().find(|m| m.rows.contains(&header_line)) {
        return Err(Msg::new(
            format!("{name} 的表头有合并单元格（{}）；请取消合并，让每一列都有自己的列名", m.range),
            format!(
                "{name} has merged cells in its header row ({}); unmerge them so that each column has a name of its own",
                m.range
            ),
        ));
    }
    let headers: Vec<String> = rows[at].1.iter().map(|v| plain(v).trim().to_owned()).collect();
    let is_date: Vec<bool> = headers.iter().map(|h| dates.iter().any(|c| c.is_named(h))).collect();
    let mut grid = Grid {
        header_line,
        headers,
        ..Grid::default()
    };
    let mut serials = Vec::new();
    let mut errors = Vec::new();
    for (line, cells) in &rows[at + 1..] {
        let mut fields = Vec::with_capacity(cells.len());
        for (c, v) in cells.iter().enumerate() {
            let date = is_date.get(c).copied().unwrap_or(false);
            let text = match v {
                Value::Number(n) if date => match serial_date(*n) {
                    Some(d) => {
                        serials.push((*line, c, plain(v), d.clone()));
                        d
                    }
                    None => plain(v),
                },
                Value::Text(t) if date => normal_date(t.trim()).unwrap_or_else(|| t.clone()),
                Value::Error(e) => {
                    errors.push(format!("{}{line}", column_letters(c)));
                    e.clone()
                }
                _ => plain(v),
            };
            fields.push(text.trim().to_owned());
        }
        if fields.iter().any(|f| !f.is_empty()) {
            grid.rows.push(Row { line: *line, fields });
        }
    }
    if !errors.is_empty() {
        return Err(Msg::new(
            format!("{name} 的单元格 {} 是 Excel 错误值（如 #N/A）；请改成实际的值", errors.join("、")),
            format!(
                "{name} has Excel error values (such as #N/A) in {}; replace them with the values they stand for",
                errors.join(", ")
            ),
        ));
    }
    fill_merged(&mut grid.rows, merged, header_line);
    if grid.rows.is_empty() {
        return Err(Msg::new(
            format!("{name} 的表头（第 {header_line} 行）下面没有数据行"),
            format!("{name} has no rows under its header (row {header_line})"),
        ));
    }
    grid.notes.extend(serial_notes(&grid.headers, &serials));
    Ok(grid)
}

fn names_a_column(v: &Value, columns: &[Column]) -> bool {
    matches!(v, Value::Text(t) if columns.iter().any(|c| c.is_named(t.trim())))
}

/// A cell as the text it shows: whole numbers without decimals (a class `2`, a phone number).
fn plain(v: &Value) -> String {
    match v {
        Value::Text(t) | Value::Date(t) | Value::Error(t) => t.clone(),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Value::Number(n) => n.to_string(),
    }
}

/// An Excel date serial (days since 1899-12-30, the 1900 date system of Excel and WPS on
/// Windows) as `YYYY-MM-DD`; the time of day, if any, is dropped.
fn serial_date(n: f64) -> Option<String> {
    if !(1.0..2_958_466.0).contains(&n) {
        return None;
    }
    let (y, m, d, ..) = ExcelDateTime::new(n, ExcelDateTimeType::DateTime, false).to_ymd_hms_milli();
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// A date a clerk typed or a spreadsheet wrote as text, as `YYYY-MM-DD`: `2026-09-01`,
/// `2026/9/1`, `2026.9.1`, `2026年9月1日`, `20260901`.
pub fn normal_date(s: &str) -> Option<String> {
    if parse_date(s).is_ok() {
        return Some(s.to_owned());
    }
    let parts: Vec<&str> = if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        vec![&s[..4], &s[4..6], &s[6..]]
    } else {
        s.trim_end_matches('日').split(['-', '/', '.', '年', '月']).collect()
    };
    let [y, m, d] = parts[..] else {
        return None;
    };
    let (y, m, d) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?, d.parse::<u32>().ok()?);
    let date = chrono::NaiveDate::from_ymd_opt(y, m, d).filter(|_| (1000..=9999).contains(&y))?;
    Some(date.to_string())
}

/// One note per date column where numbers were read as Excel date serials.
fn serial_notes(headers: &[String], serials: &[(usize, usize, String, String)]) -> Vec<Msg> {
    let mut cols: Vec<usize> = serials.iter().map(|s| s.1).collect();
    cols.sort_unstable();
    cols.dedup();
    cols.into_iter()
        .map(|c| {
            let of: Vec<&(usize, usize, String, String)> = serials.iter().filter(|s| s.1 == c).collect();
            let rows: Vec<String> = of.iter().map(|s| s.0.to_string()).collect();
            let (_, _, n, d) = of[0];
            let h = headers.get(c).map_or("", String::as_str);
            Msg::new(
                format!(
                    "“{h}”列第 {} 行是数字，已按 Excel 日期序号读成日期（如 {n} → {d}）；请核对",
                    rows.join("、")
                ),
                format!(
                    "“{h}” holds numbers in rows {}, read as Excel date serials (e.g. {n} → {d}); check them",
                    rows.join(", ")
                ),
            )
        })
        .collect()
}

/// A merged region of a sheet: the rows it covers (as numbered on screen), and where it is.
struct Merged {
    rows: std::ops::RangeInclusive<usize>,
    /// The columns it covers (from 0).
    cols: std::ops::RangeInclusive<usize>,
    range: String,
}

/// A cell merged over several rows below the header gives its value to each of them (a class
/// or a date written once for a block of pupils).
fn fill_merged(rows: &mut [Row], merged: &[Merged], header_line: usize) {
    for m in merged.iter().filter(|m| *m.rows.start() > header_line) {
        let Some(top) = rows.iter().position(|r| r.line == *m.rows.start()) else {
            continue;
        };
        for c in m.cols.clone() {
            let value = rows[top].fields.get(c).cloned().unwrap_or_default();
            for r in rows.iter_mut().filter(|r| m.rows.contains(&r.line) && r.line != *m.rows.start()) {
                if r.fields.len() <= c {
                    r.fields.resize(c + 1, String::new());
                }
                if r.fields[c].is_empty() {
                    r.fields[c] = value.clone();
                }
            }
        }
    }
}

/// `A`, `B`, ... `Z`, `AA` for a column from 0.
fn column_letters(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

type Rows = Vec<(usize, Vec<Value>)>;

/// The rows of a workbook's sheet, numbered as on screen, and its merged regions.
fn workbook_rows(name: &str, bytes: &[u8], sheet: Option<&str>) -> Result<(Rows, Vec<Merged>), Unreadable> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        Unreadable::Content(Msg::new(
            format!("{name} 不是可以读取的 Excel 工作簿（{e}）；请在 Excel 或 WPS 中打开并另存为 .xlsx，或另存为 CSV"),
            format!("{name} is not an Excel workbook care can read ({e}); open it in Excel or WPS and save it as .xlsx, or as CSV"),
        ))
    })?;
    let names = book.sheet_names();
    let chosen = match sheet {
        Some(s) => names.iter().find(|n| n.as_str() == s).cloned().ok_or_else(|| {
            Unreadable::Usage(Msg::new(
                format!("{name} 中没有工作表“{s}”；有：{}", names.join("、")),
                format!("{name} has no sheet “{s}”; it has: {}", names.join(", ")),
            ))
        })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Unreadable::Content(Msg::new(format!("{name} 中没有工作表"), format!("{name} has no sheets"))))?,
    };
    let unreadable = |e: &dyn std::fmt::Display| {
        Unreadable::Content(Msg::new(
            format!("无法读取 {name} 的工作表“{chosen}”：{e}"),
            format!("cannot read the sheet “{chosen}” of {name}: {e}"),
        ))
    };
    let range = book.worksheet_range(&chosen).map_err(|e| unreadable(&e))?;
    let empty = || {
        let others: Vec<&str> = names.iter().filter(|n| **n != chosen).map(String::as_str).collect();
        let (zh, en) = if others.is_empty() {
            (String::new(), String::new())
        } else {
            (
                format!("；用 --sheet 指定另一个工作表（{}）", others.join("、")),
                format!("; name another with --sheet ({})", others.join(", ")),
            )
        };
        Unreadable::Content(Msg::new(
            format!("{name} 的工作表“{chosen}”是空的{zh}"),
            format!("the sheet “{chosen}” of {name} is empty{en}"),
        ))
    };
    let Some((top, left)) = range.start() else {
        return Err(empty());
    };
    let (top, left) = (top as usize, left as usize);
    let mut rows = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let values: Vec<Value> = cells.iter().map(value).collect();
        if values.iter().any(|v| !plain(v).trim().is_empty()) {
            // Columns count from A: cells left of the range are empty.
            let mut row: Vec<Value> = (0..left).map(|_| Value::Text(String::new())).collect();
            row.extend(values);
            rows.push((top + i + 1, row));
        }
    }
    if rows.is_empty() {
        return Err(empty());
    }
    let merged = book
        .merge_cells_by_sheet_name(&chosen)
        .map_err(|e| unreadable(&e))?
        .into_iter()
        .map(|d| {
            let (r0, c0) = (d.start.0 as usize, d.start.1 as usize);
            let (r1, c1) = (d.end.0 as usize, d.end.1 as usize);
            Merged {
                rows: r0 + 1..=r1 + 1,
                cols: c0..=c1,
                range: format!("{}{}:{}{}", column_letters(c0), r0 + 1, column_letters(c1), r1 + 1),
            }
        })
        .collect();
    Ok((rows, merged))
}

fn value(d: &Data) -> Value {
    match d {
        Data::Empty => Value::Text(String::new()),
        Data::String(s) => Value::Text(s.clone()),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Text(b.to_string()),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Value::Date(format!("{y:04}-{m:02}-{d:02}"))
        }
        Data::DateTime(dt) => Value::Number(dt.as_f64()),
        Data::DateTimeIso(s) => Value::Date(s.get(..10).and_then(normal_date).unwrap_or_else(|| s.clone())),
        Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Error(format!("#{e:?}")),
    }
}

/// The rows of a CSV file (any encoding the records take), numbered by line.
fn csv_rows(name: &str, bytes: &[u8]) -> Result<Rows, Msg> {
    let d = decode(bytes).map_err(|m| m.prefixed(&format!("{name}："), &format!("{name}: ")))?;
    let rows = grid(&d.text).map_err(|m| m.prefixed(&format!("{name}："), &format!("{name}: ")))?;
    Ok(rows
        .into_iter()
        .map(|r| (r.line, r.fields.into_iter().map(Value::Text).collect()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_clerks_write_them() {
        for s in ["2026-09-01", "2026/9/1", "2026.9.1", "2026年9月1日", "20260901", "2026-9-01"] {
            assert_eq!(normal_date(s).as_deref(), Some("2026-09-01"), "{s}");
        }
        for s in ["2026/13/1", "9/1/2026", "46000", "", "2026-09"] {
            assert_eq!(normal_date(s), None, "{s}");
        }
        assert_eq!(serial_date(46000.0).as_deref(), Some("2025-12-09"));
        assert_eq!(serial_date(46000.75).as_deref(), Some("2025-12-09"));
        assert_eq!(serial_date(0.0), None);
        assert_eq!(serial_date(f64::NAN), None);
    }

    #[test]
    fn column_letters_as_excel_names_them() {
        assert_eq!([0, 25, 26, 27, 701, 702].map(column_letters), ["A", "Z", "AA", "AB", "ZZ", "AAA"]);
    }
}
