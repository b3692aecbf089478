//! The export of SPEC §12: a school's records as typed tables for DuckDB, Spark, Trino, pandas
//! or a spreadsheet. The tables of the CSV files come from their descriptions
//! ([`records::TABLES`](crate::records::TABLES): which table, which columns are dates, money,
//! counts, private or free text); the tables of the files `care` writes itself (closes,
//! settlements), the school and the findings are built in [`tables`]. Every row carries the
//! school's code. Parquet columns are typed (money DECIMAL(12,2), dates DATE, counts INTEGER);
//! CSV is UTF-8 text with a header.

pub mod csv;
pub mod out;
pub mod parquet;
pub mod tables;

use std::io;

use crate::findings::Msg;
use crate::records::date::parse_date;
use crate::records::fast_hash::FastMap;
use crate::records::file::{Field, Type};
use crate::records::{Date, Money};
use crate::report::privacy::Privacy;

pub use tables::{SchoolInfo, schema, write_school};

/// How the tables are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Parquet,
    Csv,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
        }
    }
}

/// Opens the file of a table for writing in a format.
pub fn open(format: Format, path: &std::path::Path, name: &str, fields: &[Field]) -> io::Result<Box<dyn Sink>> {
    match format {
        Format::Parquet => parquet::create(path, name, fields),
        Format::Csv => csv::create(path, fields),
    }
}

/// The key of a school's rows in an export and in district reports: the school's name in
/// plan.toml, else the name of its records directory.
pub fn school_code(plan: Option<&crate::records::Plan>, dir: &std::path::Path) -> String {
    let name = plan.map(|p| p.school.name.trim()).unwrap_or_default();
    if name.is_empty() { dir_name(dir) } else { name.to_owned() }
}

/// The last part of a directory's path, as given or as it resolves (for `.`).
pub fn dir_name(dir: &std::path::Path) -> String {
    let named = |d: &std::path::Path| d.file_name().map(|n| n.to_string_lossy().into_owned());
    named(dir)
        .or_else(|| dir.canonicalize().ok().as_deref().and_then(named))
        .unwrap_or_else(|| dir.display().to_string())
}

/// The rows a table holds in memory before they are written out (a Parquet row group).
pub const CHUNK: usize = 1 << 20;

/// A column's values, typed. Text is kept as one buffer with the end of each value; an empty
/// value is no value (NULL), as in the record files.
#[derive(Clone, Debug)]
pub enum Cells {
    Text {
        bytes: Vec<u8>,
        ends: Vec<usize>,
        present: Vec<bool>,
    },
    Date(Vec<Option<i32>>),
    Money(Vec<Option<i64>>),
    Count(Vec<Option<i32>>),
}

impl Cells {
    fn new(ty: Type) -> Cells {
        match ty {
            Type::Text => Cells::Text {
                bytes: Vec::new(),
                ends: Vec::new(),
                present: Vec::new(),
            },
            Type::Date => Cells::Date(Vec::new()),
            Type::Money => Cells::Money(Vec::new()),
            Type::Count => Cells::Count(Vec::new()),
        }
    }

    fn clear(&mut self) {
        match self {
            Cells::Text { bytes, ends, present } => {
                bytes.clear();
                ends.clear();
                present.clear();
            }
            Cells::Date(v) | Cells::Count(v) => v.clear(),
            Cells::Money(v) => v.clear(),
        }
    }

    /// A value as the record files write it (trimmed): an unreadable date, amount or count is no
    /// value (the school's findings say why).
    fn push(&mut self, text: &str) {
        let given = !text.is_empty();
        match self {
            Cells::Text { bytes, ends, present } => {
                bytes.extend_from_slice(text.as_bytes());
                ends.push(bytes.len());
                present.push(given);
            }
            Cells::Date(v) => v.push(given.then(|| parse_date(text).ok().map(days)).flatten()),
            Cells::Money(v) => v.push(given.then(|| fen(text)).flatten()),
            Cells::Count(v) => v.push(given.then(|| text.parse().ok()).flatten()),
        }
    }
}

/// Days since 1970-01-01, as Parquet keeps a DATE.
pub fn days(d: Date) -> i32 {
    let epoch = Date::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    i32::try_from((d - epoch).num_days()).unwrap_or(i32::MAX)
}

/// The date of [`days`].
pub fn date_of(days: i32) -> Date {
    let epoch = Date::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    epoch + chrono::Days::new(u64::from(days.unsigned_abs()))
}

/// An amount in fen, when it fits DECIMAL(12,2).
fn fen(text: &str) -> Option<i64> {
    const LIMIT: i128 = 10_i128.pow(12);
    let f = Money::parse(text).ok()?.to_fen()?;
    (f.abs() < LIMIT).then_some(f as i64)
}

/// Rows of a table, column by column, up to [`CHUNK`] at a time.
#[derive(Clone, Debug)]
pub struct Table {
    pub name: &'static str,
    pub fields: Vec<Field>,
    pub columns: Vec<Cells>,
    pub rows: usize,
}

impl Table {
    pub fn new(name: &'static str, fields: Vec<Field>) -> Table {
        let columns = fields.iter().map(|f| Cells::new(f.ty)).collect();
        Table {
            name,
            fields,
            columns,
            rows: 0,
        }
    }

    fn clear(&mut self) {
        self.columns.iter_mut().for_each(Cells::clear);
        self.rows = 0;
    }
}

/// Where a table's rows go: a file being written.
pub trait Sink {
    /// Writes the rows of a chunk.
    fn rows(&mut self, t: &Table) -> io::Result<()>;
    /// Ends the file.
    fn finish(self: Box<Self>) -> io::Result<()>;
}

/// Streams rows into a table, writing every [`CHUNK`] rows to its sink.
pub struct Rows<'a> {
    table: Table,
    sink: Box<dyn Sink + 'a>,
    privacy: &'a Masking<'a>,
}

impl<'a> Rows<'a> {
    /// Appends a row given as text (see [`Cells::push`]), one value per field.
    pub fn push<S: AsRef<str>>(&mut self, values: impl IntoIterator<Item = S>) -> io::Result<()> {
        for ((cells, field), v) in self.table.columns.iter_mut().zip(&self.table.fields).zip(values) {
            if field.masked {
                self.privacy.with(v.as_ref(), |masked| cells.push(masked));
            } else {
                cells.push(v.as_ref());
            }
        }
        self.table.rows += 1;
        if self.table.rows >= CHUNK {
            self.sink.rows(&self.table)?;
            self.table.clear();
        }
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<()> {
        if self.table.rows > 0 {
            self.sink.rows(&self.table)?;
        }
        self.sink.finish()
    }
}

/// Free text with names and phones masked, each distinct text masked once.
pub struct Masking<'a> {
    privacy: &'a Privacy,
    seen: std::cell::RefCell<FastMap<String, String>>,
}

impl<'a> Masking<'a> {
    pub fn new(privacy: &'a Privacy) -> Masking<'a> {
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
pub fn failed(what: &std::path::Path, e: &dyn std::fmt::Display) -> Msg {
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
        let mut c = Cells::new(Type::Money);
        for v in ["280.00", "-12.5", "", "12.345", "x", "9999999999.99", "10000000000.00"] {
            c.push(v);
        }
        let Cells::Money(v) = c else { panic!() };
        assert_eq!(v, [Some(28000), Some(-1250), None, None, None, Some(999_999_999_999), None]);
        let mut c = Cells::new(Type::Date);
        c.push("1970-01-02");
        c.push("2026-13-01");
        let Cells::Date(v) = c else { panic!() };
        assert_eq!(v, [Some(1), None]);
        assert_eq!(date_of(days(parse_date("2025-09-01").unwrap())).to_string(), "2025-09-01");
        let mut c = Cells::new(Type::Text);
        c.push("a");
        c.push("");
        let Cells::Text { bytes, ends, present } = c else { panic!() };
        assert_eq!((bytes, ends, present), (b"a".to_vec(), vec![1, 1], vec![true, false]));
    }
}
