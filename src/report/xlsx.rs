//! Sheets as an Excel workbook (SPEC §9): one worksheet per sheet, the header row bold, frozen
//! and filtered, money as numbers with two decimals, dates as dates, columns as wide as their
//! values, printed on A4 one page wide with the header on every page.
//!
//! Every value is written as a string, a number or a date, never as a formula: a name or memo
//! that begins with `=`, `+`, `-` or `@` stays the text it is.

use chrono::Datelike;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::sheet::{Cell, Sheet};
use crate::findings::Msg;
use crate::records::Date;

/// Excel's longest sheet name, in UTF-16 units.
const MAX_NAME: usize = 31;
/// A4 in Excel's list of paper sizes.
const A4: u8 = 9;

/// The workbook's bytes. `created` is the date the workbook says it was made (the report's
/// today), so that the same records give the same bytes.
pub fn workbook(sheets: &[Sheet], created: Date) -> Result<Vec<u8>, Msg> {
    build(sheets, created).map_err(|e| {
        Msg::new(
            format!("无法写出 Excel 工作簿：{e}"),
            format!("cannot write the Excel workbook: {e}"),
        )
    })
}

fn build(sheets: &[Sheet], created: Date) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    if let Some(day) = excel_date(created) {
        book.set_properties(&DocProperties::new().set_creation_datetime(&day));
    }
    let formats = Formats::new();
    let mut names: Vec<String> = Vec::new();
    for sheet in sheets {
        let name = sheet_name(&sheet.name, &names);
        names.push(name.clone());
        let ws = book.add_worksheet();
        ws.set_name(name)?;
        write_sheet(ws, sheet, &formats)?;
    }
    if sheets.is_empty() {
        book.add_worksheet();
    }
    book.save_to_buffer()
}

struct Formats {
    header: Format,
    money: Format,
    date: Format,
    count: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_border_bottom(FormatBorder::Thin)
                .set_background_color(0xEEEEEE),
            money: Format::new().set_num_format("0.00"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            count: Format::new().set_num_format("0"),
        }
    }
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet, f: &Formats) -> Result<(), XlsxError> {
    let columns = sheet.rows.iter().map(Vec::len).chain([sheet.headers.len()]).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for (c, h) in sheet.headers.iter().enumerate() {
        ws.write_string_with_format(0, col(c), h, &f.header)?;
        widths[c] = widths[c].max(width(h));
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, cell) in row.iter().enumerate() {
            let written = write_cell(ws, r, col(c), cell, f)?;
            widths[c] = widths[c].max(written);
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(col(c), (*w).clamp(6, 60) as f64 + 2.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    if columns > 0 {
        let last_row = u32::try_from(sheet.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.autofilter(0, 0, last_row, col(columns - 1))?;
    }
    ws.set_paper_size(A4);
    if widths.iter().map(|w| w + 2).sum::<usize>() > 90 {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    ws.set_header("&C&A");
    ws.set_footer("&C&P / &N");
    Ok(())
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// Writes one cell; how wide its text is.
fn write_cell(ws: &mut Worksheet, r: u32, c: u16, cell: &Cell, f: &Formats) -> Result<usize, XlsxError> {
    let text = cell.text();
    match cell {
        Cell::Empty => {}
        Cell::Text(s) => {
            ws.write_string(r, c, s)?;
        }
        // The number nearest the exact decimal, read from its text: no arithmetic in floats.
        Cell::Money(_) => match text.parse::<f64>() {
            Ok(v) => {
                ws.write_number_with_format(r, c, v, &f.money)?;
            }
            Err(_) => {
                ws.write_string(r, c, &*text)?;
            }
        },
        Cell::Number(d) => match text.parse::<f64>() {
            Ok(v) => {
                let places = "0".repeat(d.scale() as usize);
                let format = Format::new().set_num_format(if places.is_empty() { "0".to_owned() } else { format!("0.{places}") });
                ws.write_number_with_format(r, c, v, &format)?;
            }
            Err(_) => {
                ws.write_string(r, c, &*text)?;
            }
        },
        Cell::Count(n) => {
            ws.write_number_with_format(r, c, *n as f64, &f.count)?;
        }
        Cell::Date(d) => match excel_date(*d) {
            Some(day) => {
                ws.write_datetime_with_format(r, c, &day, &f.date)?;
            }
            None => {
                ws.write_string(r, c, &*text)?;
            }
        },
    }
    Ok(width(&text))
}

/// A date Excel can hold (1900 to 9999).
fn excel_date(d: Date) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
}

/// How many columns of a fixed-width font the text takes: Chinese characters take two.
fn width(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 }).sum()
}

/// A name Excel accepts for a sheet, different from the names before it (Excel compares them
/// without case): without `[ ] : * ? / \`, not starting or ending with `'`, at most 31 long.
pub fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '-'
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim().trim_matches('\'').trim();
    let base = if clean.is_empty() { "Sheet" } else { clean };
    let is_taken = |n: &str| taken.iter().any(|t| t.to_lowercase() == n.to_lowercase());
    (1..)
        .map(|i| {
            let suffix = if i == 1 { String::new() } else { format!(" ({i})") };
            format!("{}{suffix}", cut(base, MAX_NAME - suffix.len()))
        })
        .find(|n| !is_taken(n))
        .unwrap_or_default()
}

/// The longest start of `s` within `units` UTF-16 units.
fn cut(s: &str, units: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += c.len_utf16();
        if used > units {
            return s[..i].trim_end_matches('\'');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    fn sheet() -> Sheet {
        let day = crate::records::date::parse_date("2026-09-01").unwrap();
        Sheet {
            name: "收支: 2026/09".into(),
            headers: vec!["项目".into(), "金额（元）".into(), "日期".into(), "人数".into(), "均分".into()],
            rows: vec![
                vec![
                    Cell::Text("=HYPERLINK(\"http://x\")".into()),
                    Cell::money("0.10"),
                    Cell::Date(day),
                    Cell::Count(3),
                    Cell::number("4.25"),
                ],
                vec![
                    Cell::Text("+1".into()),
                    Cell::money("-12.50"),
                    Cell::Empty,
                    Cell::Count(0),
                    Cell::Empty,
                ],
                vec![Cell::Text("@SUM(A1)".into()), Cell::money("12345678901.99")],
            ],
        }
    }

    #[test]
    fn cells_read_back_as_their_types_and_never_as_formulas() {
        let created = crate::records::date::parse_date("2026-09-25").unwrap();
        let bytes = workbook(&[sheet()], created).unwrap();
        let mut book = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(book.sheet_names(), ["收支- 2026-09"]);
        let range = book.worksheet_range("收支- 2026-09").unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        assert_eq!(rows[0][1], Data::String("金额（元）".into()));
        assert_eq!(rows[1][0], Data::String("=HYPERLINK(\"http://x\")".into()));
        assert_eq!(rows[1][1], Data::Float(0.1));
        assert_eq!(rows[2][1], Data::Float(-12.5));
        assert_eq!(rows[3][1], Data::Float(12345678901.99));
        assert_eq!(rows[3][0], Data::String("@SUM(A1)".into()));
        let Data::DateTime(day) = rows[1][2] else {
            panic!("{:?} is not a date", rows[1][2]);
        };
        assert_eq!(day.to_ymd_hms_milli(), (2026, 9, 1, 0, 0, 0, 0));
        assert_eq!(rows[1][3], Data::Float(3.0));
        assert_eq!(rows[1][4], Data::Float(4.25));
        assert_eq!(rows[2][2], Data::Empty);
        let formulas = book.worksheet_formula("收支- 2026-09").unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
        // The same sheets on the same day are the same bytes.
        assert_eq!(workbook(&[sheet()], created).unwrap(), bytes);
    }

    #[test]
    fn sheet_names_are_made_valid_and_unique() {
        let taken = vec!["Roster".to_owned()];
        assert_eq!(sheet_name("roster", &taken), "roster (2)");
        assert_eq!(sheet_name("'a[b]'", &[]), "a-b-");
        assert_eq!(sheet_name("", &[]), "Sheet");
        let long = "课".repeat(40);
        assert_eq!(sheet_name(&long, &[]).chars().count(), 31);
        assert_eq!(sheet_name(&long, &[sheet_name(&long, &[])]).chars().count(), 31);
    }
}
