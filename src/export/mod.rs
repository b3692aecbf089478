//! The export of SPEC §12: a school's records as typed tables for DuckDB, Spark, Trino, pandas
//! or a spreadsheet. The tables of the CSV files come from their descriptions
//! ([`records::TABLES`](crate::records::TABLES): which table, which columns are dates, money,
//! counts, private or free text); the tables of the files `care` writes itself (closes,
//! settlements), the school and the findings are built in [`tables`]. Every row carries the
//! school's code. Parquet columns are typed (money DECIMAL(12,2), dates DATE, counts INTEGER);
//! CSV is UTF-8 text with a header.

pub(crate) mod csv;
pub(crate) mod out;
pub(crate) mod parquet;
pub(crate) mod tables;

use std::io;

use crate::findings::Msg;
use crate::records::date::{parse_date, push_date};
use crate::records::fast_hash::FastMap;
use crate::records::file::{ExportRows, Field, Put, Type};
use crate::records::{Date, Money};
use crate::report::privacy::Privacy;

pub(crate) use tables::{SchoolInfo, partition_file, write_missing, write_school};

/// How the tables are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Parquet,
    Csv,
}

impl Format {
    pub(crate) fn ext(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
        }
    }
}

/// Opens the file of a table for writing in a format.
pub(crate) fn open(format: Format, path: &std::path::Path, name: &str, fields: &[Field]) -> io::Result<Box<dyn Sink>> {
    match format {
        Format::Parquet => parquet::create(path, name, fields),
        Format::Csv => csv::create(path, fields),
    }
}

/// The key of a school's rows in an export and in district reports: `[school] code` of plan.toml
/// (its name when left out), else the name of its records directory.
pub(crate) fn school_code(plan: Option<&crate::records::Plan>, dir: &std::path::Path) -> String {
    let name = plan.map(|p| p.school.code.trim()).unwrap_or_default();
    if name.is_empty() { dir_name(dir) } else { name.to_owned() }
}

/// The last part of a directory's path, as given or as it resolves (for `.`).
pub(crate) fn dir_name(dir: &std::path::Path) -> String {
    let named = |d: &std::path::Path| d.file_name().map(|n| n.to_string_lossy().into_owned());
    named(dir)
        .or_else(|| dir.canonicalize().ok().as_deref().and_then(named))
        .unwrap_or_else(|| dir.display().to_string())
}

/// The rows a table holds in memory before they are written out (a Parquet row group).
pub(crate) const CHUNK: usize = 1 << 20;

/// A column's values, typed, as Parquet takes them: the values that are there, and for every
/// row whether it has one (1) or is NULL (0). An empty value in the records is NULL.
#[derive(Clone, Debug)]
pub(crate) struct Cells {
    pub defs: Vec<i16>,
    pub values: Values,
}

#[derive(Clone, Debug)]
pub(crate) enum Values {
    /// UTF-8 text, one buffer, with the end of each value.
    Text { bytes: String, ends: Vec<usize> },
    /// Dates (days since 1970-01-01) and counts.
    Int32(Vec<i32>),
    /// Money in fen.
    Int64(Vec<i64>),
    /// The same text in every row: the school's code.
    Same(String),
}

impl Cells {
    fn new(ty: Type, rows: usize) -> Cells {
        let values = match ty {
            Type::Text => Values::Text {
                bytes: String::with_capacity(rows * 8),
                ends: Vec::with_capacity(rows),
            },
            Type::Date | Type::Count => Values::Int32(Vec::with_capacity(rows)),
            Type::Money | Type::Percent => Values::Int64(Vec::with_capacity(rows)),
        };
        Cells {
            defs: Vec::with_capacity(rows),
            values,
        }
    }

    fn clear(&mut self) {
        self.defs.clear();
        match &mut self.values {
            Values::Text { bytes, ends } => {
                bytes.clear();
                ends.clear();
            }
            Values::Int32(v) => v.clear(),
            Values::Int64(v) => v.clear(),
            Values::Same(_) => {}
        }
    }

    /// A value as the record files write it (trimmed), of a column of type `ty`: an unreadable
    /// date, amount or count is no value (the school's findings say why).
    fn push(&mut self, ty: Type, text: &str) {
        let there = match (&mut self.values, ty) {
            _ if text.is_empty() => false,
            (Values::Text { bytes, ends }, _) => {
                bytes.push_str(text);
                ends.push(bytes.len());
                true
            }
            (Values::Int32(v), Type::Date) => day_number(text).map(|d| v.push(d)).is_some(),
            (Values::Int32(v), _) => text.parse().ok().map(|n| v.push(n)).is_some(),
            (Values::Int64(v), Type::Percent) => fen(text).filter(|f| (0..=10_000).contains(f)).map(|f| v.push(f)).is_some(),
            (Values::Int64(v), _) => fen(text).map(|f| v.push(f)).is_some(),
            (Values::Same(v), _) => v == text,
        };
        self.defs.push(i16::from(there));
    }
}

/// Days since 1970-01-01, as Parquet keeps a DATE.
pub(crate) fn days(d: Date) -> i32 {
    use chrono::Datelike;
    // 719,163 days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
    d.num_days_from_ce() - 719_163
}

/// The date of [`days`].
pub(crate) fn date_of(days: i32) -> Date {
    let epoch = Date::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    epoch + chrono::Days::new(u64::from(days.unsigned_abs()))
}

/// A whole number of at most 15 digits.
fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 15 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
}

/// [`days`] of a date as the records write it. `YYYY-MM-DD` is read by hand (the export reads
/// millions of them); anything else as any date is read.
fn day_number(text: &str) -> Option<i32> {
    let b = text.as_bytes();
    let quick = (b.len() == 10 && b[4] == b'-' && b[7] == b'-')
        .then(|| Some((digits(&b[..4])?, digits(&b[5..7])?, digits(&b[8..])?)))
        .flatten();
    let Some((y, m, d)) = quick else {
        return parse_date(text).ok().map(days);
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d < 1 || d > month_days[(m - 1) as usize] {
        return None;
    }
    // Days from the civil date (H. Hinnant's algorithm): years from March, in eras of 400.
    let y = y - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

/// An amount in fen, when it fits DECIMAL(12,2). Digits with up to two decimals, as the records
/// write money, are read by hand; anything else as any amount is read.
fn fen(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let (neg, b) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    let (whole, part) = match b.iter().position(|&c| c == b'.') {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let quick = match (digits(whole), part.map(<[u8]>::len)) {
        (Some(w), None) => Some(w * 100),
        (Some(w), Some(1)) => part.and_then(digits).map(|p| w * 100 + p * 10),
        (Some(w), Some(2)) => part.and_then(digits).map(|p| w * 100 + p),
        _ => None,
    };
    match quick {
        Some(f) => Some(if neg { -f } else { f }).filter(|f| f.abs() < FEN_LIMIT),
        None => money_fen(Money::parse(text).ok()?),
    }
}

/// An amount in fen, when it fits DECIMAL(12,2).
fn money_fen(m: Money) -> Option<i64> {
    m.to_fen().and_then(|f| i64::try_from(f).ok()).filter(|f| f.abs() < FEN_LIMIT)
}

/// The first amount in fen that DECIMAL(12,2) cannot hold.
const FEN_LIMIT: i64 = 1_000_000_000_000;

/// Rows of a table, column by column, up to [`CHUNK`] at a time.
#[derive(Clone, Debug)]
pub(crate) struct Table {
    pub fields: Vec<Field>,
    pub columns: Vec<Cells>,
    pub rows: usize,
}

impl Table {
    /// A table for about `rows` rows (at most a chunk's are held).
    pub(crate) fn new(fields: Vec<Field>, rows: usize) -> Table {
        let rows = rows.min(CHUNK);
        let columns = fields.iter().map(|f| Cells::new(f.ty, rows)).collect();
        Table { fields, columns, rows: 0 }
    }

    fn clear(&mut self) {
        self.columns.iter_mut().for_each(Cells::clear);
        self.rows = 0;
    }
}

/// Where a table's rows go: a file being written.
pub(crate) trait Sink {
    /// Writes the rows of a chunk.
    fn rows(&mut self, t: &Table) -> io::Result<()>;
    /// Ends the file.
    fn finish(self: Box<Self>) -> io::Result<()>;
}

/// Streams rows into a table, writing every [`CHUNK`] rows to its sink. Every row begins with
/// the school's code, kept once for the table. Values are put into the column they go to as they
/// come: text straight into a text column's buffer, a date or an amount straight into a column of
/// dates or money; anything else (a masked memo, a count) is written out in `text` and read as
/// the column's type when the value ends.
pub(crate) struct Rows<'a> {
    table: Table,
    sink: Box<dyn Sink + 'a>,
    privacy: &'a Masking<'a>,
    /// The column the value being put goes to.
    col: usize,
    /// The value being put went into its column typed.
    typed: bool,
    text: String,
    /// Why a chunk could not be written: the rest is not written either.
    failed: Option<io::Error>,
}

impl<'a> Rows<'a> {
    pub(crate) fn new(mut table: Table, sink: Box<dyn Sink + 'a>, privacy: &'a Masking<'a>, school: &str) -> Rows<'a> {
        if let (Some(f), Some(c)) = (table.fields.first(), table.columns.first_mut())
            && *f == tables::SCHOOL
        {
            c.values = Values::Same(school.to_owned());
        }
        let mut rows = Rows {
            table,
            sink,
            privacy,
            col: 0,
            typed: false,
            text: String::new(),
            failed: None,
        };
        rows.col = rows.first();
        rows
    }

    /// The first column a row's values go to: 1 after the school's code, kept once.
    fn first(&self) -> usize {
        usize::from(matches!(self.table.columns.first().map(|c| &c.values), Some(Values::Same(_))))
    }

    /// Appends a row given as text (see [`Cells::push`]), one value per field after the school.
    pub(crate) fn push<S: AsRef<str>>(&mut self, values: impl IntoIterator<Item = S>) -> io::Result<()> {
        for v in values {
            self.text(v.as_ref());
            self.end_value();
        }
        self.end_row();
        self.failed.take().map_or(Ok(()), Err)
    }

    /// Where text put now goes: straight into the buffer of a text column that is not masked,
    /// else into `text`, read as the column's type (or masked) when the value ends.
    fn buffer(&mut self) -> &mut String {
        let direct = self.table.fields.get(self.col).is_some_and(|f| f.ty == Type::Text && !f.masked);
        match self.table.columns.get_mut(self.col).map(|c| &mut c.values) {
            Some(Values::Text { bytes, .. }) if direct => bytes,
            _ => &mut self.text,
        }
    }

    /// The column's values, when a value of type `ty` can go in as it is: the column is of that
    /// type and nothing else has been put.
    fn typed_slot(&mut self, ty: Type) -> Option<&mut Values> {
        let fits = self.table.fields.get(self.col).is_some_and(|f| f.ty == ty);
        if !fits || self.typed || !self.text.is_empty() {
            return None;
        }
        self.table.columns.get_mut(self.col).map(|c| &mut c.values)
    }

    pub(crate) fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if self.table.rows > 0 {
            self.sink.rows(&self.table)?;
        }
        self.sink.finish()
    }
}

impl Put for Rows<'_> {
    fn text(&mut self, s: &str) {
        self.buffer().push_str(s);
    }

    fn date(&mut self, d: Date) {
        if let Some(Values::Int32(v)) = self.typed_slot(Type::Date) {
            v.push(days(d));
            self.typed = true;
        } else {
            push_date(d, self.buffer());
        }
    }

    fn money(&mut self, m: Money) {
        if let Some(Values::Int64(v)) = self.typed_slot(Type::Money) {
            // An amount that does not fit DECIMAL(12,2) is no value, as when read from text.
            if let Some(f) = money_fen(m) {
                v.push(f);
                self.typed = true;
            }
        } else {
            m.push_to(self.buffer());
        }
    }
}

impl ExportRows for Rows<'_> {
    fn put(&mut self) -> &mut dyn Put {
        self
    }

    fn end_value(&mut self) {
        let Rows {
            table,
            privacy,
            col,
            typed,
            text,
            ..
        } = self;
        if let (Some(field), Some(cells)) = (table.fields.get(*col), table.columns.get_mut(*col)) {
            match &mut cells.values {
                Values::Text { bytes, ends } if !field.masked => {
                    let there = bytes.len() > ends.last().copied().unwrap_or(0);
                    if there {
                        ends.push(bytes.len());
                    }
                    cells.defs.push(i16::from(there));
                }
                _ if *typed => cells.defs.push(1),
                Values::Text { .. } => privacy.with(text, |masked| cells.push(field.ty, masked)),
                _ => cells.push(field.ty, text),
            }
            *col += 1;
        }
        text.clear();
        *typed = false;
    }

    fn end_row(&mut self) {
        // A row short of values has none in the columns left.
        while self.col < self.table.columns.len() {
            self.end_value();
        }
        let first = self.first();
        if first == 1
            && let Some(school) = self.table.columns.first_mut()
        {
            school.defs.push(1);
        }
        self.col = first;
        self.table.rows += 1;
        if self.table.rows >= CHUNK {
            if self.failed.is_none()
                && let Err(e) = self.sink.rows(&self.table)
            {
                self.failed = Some(e);
            }
            self.table.clear();
        }
    }
}

/// Free text with names and phones masked, each distinct text masked once.
pub(crate) struct Masking<'a> {
    privacy: &'a Privacy,
    seen: std::cell::RefCell<FastMap<String, String>>,
}

impl<'a> Masking<'a> {
    pub(crate) fn new(privacy: &'a Privacy) -> Masking<'a> {
        Masking {
            privacy,
            seen: Default::default(),
        }
    }

    /// Gives `f` the text masked.
    fn with(&self, free: &str, f: impl FnOnce(&str)) {
        if free.is_empty() {
            return f(free);
        }
        let mut seen = self.seen.borrow_mut();
        if !seen.contains_key(free) {
            seen.insert(free.to_owned(), self.privacy.text(free));
        }
        f(seen.get(free).map_or(free, String::as_str));
    }
}

/// An export that could not be written: exit 1, with the reason.
pub(crate) fn failed(what: &std::path::Path, e: &dyn std::fmt::Display) -> Msg {
    Msg::new(
        format!("无法写入 {}：{e}；请检查路径和权限", what.display()),
        format!("cannot write {}: {e}; check the path and its permissions", what.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_typed_and_empty_is_none() {
        let mut c = Cells::new(Type::Money, 0);
        for v in ["280.00", "-12.5", "", "12.345", "x", "9999999999.99", "10000000000.00"] {
            c.push(Type::Money, v);
        }
        let Values::Int64(v) = &c.values else { panic!() };
        assert_eq!(v, &[28000, -1250, 999_999_999_999]);
        assert_eq!(c.defs, [1, 1, 0, 0, 0, 1, 0]);
        let mut c = Cells::new(Type::Date, 0);
        c.push(Type::Date, "1970-01-02");
        c.push(Type::Date, "2026-13-01");
        let Values::Int32(v) = &c.values else { panic!() };
        assert_eq!((v.as_slice(), c.defs.as_slice()), (&[1][..], &[1, 0][..]));
        assert_eq!(date_of(days(parse_date("2025-09-01").unwrap())).to_string(), "2025-09-01");
        let mut c = Cells::new(Type::Text, 0);
        c.push(Type::Text, "a");
        c.push(Type::Text, "");
        let Values::Text { bytes, ends } = &c.values else { panic!() };
        assert_eq!((bytes.as_str(), ends.as_slice(), c.defs.as_slice()), ("a", &[1][..], &[1, 0][..]));
        // Read by hand as chrono reads them.
        let mut d = parse_date("1899-12-25").unwrap();
        while d < parse_date("2101-03-05").unwrap() {
            assert_eq!(day_number(&d.to_string()), Some(days(d)), "{d}");
            d = d.succ_opt().unwrap();
        }
        for bad in ["2025-02-29", "2024-13-01", "2024-00-10", "2024-1-01", "2024-01-32"] {
            assert_eq!(day_number(bad), parse_date(bad).ok().map(days), "{bad}");
        }
        for (text, f) in [("0.5", Some(50)), ("-0.05", Some(-5)), ("12.", None), ("1e3", None), (".5", None)] {
            assert_eq!(fen(text), f, "{text}");
            assert_eq!(
                fen(text),
                Money::parse(text).ok().and_then(|m| m.to_fen()).map(|f| f as i64),
                "{text}"
            );
        }
    }
}
