//! What the records know of each CSV file, said once in the file's module: its name, its
//! columns, its key and money columns, how `care fmt` orders its rows, how a row is read and how
//! a typed row is written. Loading, `care fmt`, `care init`, the writing commands and the list of
//! record files work from these descriptions.

use std::cmp::Ordering;
use std::marker::PhantomData;

use super::date::{Date, push_date};
use super::fields::Fields;
use super::load::{Loaded, appended, load_csv};
use super::money::Money;
use super::table::{Column, Columns, Row, Table, csv_line};
use super::{Records, Source};
use crate::findings::Finding;

/// A CSV file of the records, described by the enum of its columns.
pub trait RecordFile: Columns {
    /// One row, typed.
    type Row: Send + Sync + Default + 'static;
    /// Where the file is, relative to the records directory.
    const FILE: &'static str;
    /// A missing file is an error; a file that is not required is made, with its header, when a
    /// row is first written to it.
    const REQUIRED: bool;
    /// The column that names a row: loading remembers the names of the rows it could not read.
    const KEY: Option<Self>;
    /// The column that names the pupil a row is about, if rows are about pupils.
    const PUPIL: Option<Self> = None;
    /// The columns that hold money.
    const MONEY: &'static [Self];
    /// How `care fmt` orders the rows: by these columns in turn. Empty: `care fmt` leaves the
    /// file as it is.
    const ORDER: &'static [(Self, Sort)];
    /// The table `care export` writes the rows to (SPEC §12); `None`: the file is not exported.
    const TABLE: Option<&'static str> = None;
    /// The columns that hold dates.
    const DATES: &'static [Self] = &[];
    /// The columns that hold whole numbers.
    const COUNTS: &'static [Self] = &[];
    /// The columns that hold a percentage with up to two decimals.
    const PERCENTS: &'static [Self] = &[];
    /// Personal or internal columns (names, guardians, phones, free notes) that an export leaves
    /// out.
    const PRIVATE: &'static [Self] = &[];
    /// Free text that an export writes with pupils' and guardians' names and phones masked.
    const FREE_TEXT: &'static [Self] = &[];
    /// Columns worked out from a row (a pupil's status on the day), exported after the file's
    /// own: their names and types, and [`RecordFile::derive`] gives their values.
    const DERIVED: &'static [(&'static str, Type)] = &[];

    /// One row; `None`, with the findings that say why, when it cannot be read.
    fn read(f: Fields<'_, Self>, out: &mut Vec<Finding>) -> Option<Self::Row>;

    /// Puts the row's value in a column (nothing for an empty value): into a `String`, as the
    /// file holds it; into an export's column, typed.
    fn write(row: &Self::Row, col: Self, out: &mut dyn Put);

    /// The values of [`RecordFile::DERIVED`] for row `i` of the records' rows, on `today`.
    fn derive(_r: &Records, _i: usize, _today: Date, _out: &mut [String]) {}

    /// What a column holds, as an export types it.
    fn type_of(col: Self) -> Type {
        if Self::MONEY.contains(&col) {
            Type::Money
        } else if Self::DATES.contains(&col) {
            Type::Date
        } else if Self::COUNTS.contains(&col) {
            Type::Count
        } else if Self::PERCENTS.contains(&col) {
            Type::Percent
        } else {
            Type::Text
        }
    }

    fn value(row: &Self::Row, col: Self) -> String {
        let mut s = String::new();
        Self::write(row, col, &mut s);
        s
    }

    /// The header the spec gives the file.
    fn header() -> Vec<&'static str> {
        Self::COLUMNS.iter().map(|c| c.name).collect()
    }

    /// The row's values in the order of a file's own header; a column the spec does not name
    /// stays empty.
    fn to_fields(row: &Self::Row, headers: &[String]) -> Vec<String> {
        headers
            .iter()
            .map(|h| match Self::ALL.iter().find(|c| c.column().is_named(h)) {
                Some(&c) => Self::value(row, c),
                None => String::new(),
            })
            .collect()
    }

    /// The row's values in the spec's order, into `values` (which a writer of many rows uses
    /// again for each).
    fn values_into(row: &Self::Row, values: &mut Vec<String>) {
        values.resize(Self::ALL.len(), String::new());
        for (v, &col) in values.iter_mut().zip(Self::ALL) {
            v.clear();
            Self::write(row, col, v);
        }
    }

    /// The row as a line of the file under the spec's header, without a line end.
    fn line(row: &Self::Row) -> String {
        let mut values = Vec::new();
        Self::values_into(row, &mut values);
        csv_line(&values)
    }

    /// The text of the file with the spec's header and these rows.
    fn text<'a>(rows: impl IntoIterator<Item = &'a Self::Row>) -> String
    where
        Self::Row: 'a,
    {
        let mut s = csv_line(&Self::header());
        s.push('\n');
        for row in rows {
            s.push_str(&Self::line(row));
            s.push('\n');
        }
        s
    }
}

/// A file whose rows the records keep in a field of their own: a file of the list
/// [`TABLES`](super::TABLES).
pub trait Kept: RecordFile {
    /// This file in the list.
    const LISTED: &'static dyn AnyFile = &Listed::<Self>(PhantomData);

    fn rows(r: &Records) -> &[Self::Row];

    fn rows_mut(r: &mut Records) -> &mut Vec<Self::Row>;

    /// Puts what loading gave into the records: the rows, and what else the records note about
    /// the file. `None`: the file is missing, unreadable, or lacks a required column.
    fn keep(r: &mut Records, loaded: Option<Loaded<Self::Row>>) {
        if let Some(l) = loaded {
            *Self::rows_mut(r) = l.items;
        }
    }
}

/// Where [`RecordFile::write`] puts a value. A `String` takes it as the file holds it (a date
/// `2026-09-01`, money with two decimals); an export's column takes dates and money as they are,
/// without writing them out and reading them back.
pub trait Put {
    /// Text as the file holds it.
    fn text(&mut self, s: &str);
    fn date(&mut self, d: Date);
    fn money(&mut self, m: Money);
}

impl Put for String {
    fn text(&mut self, s: &str) {
        self.push_str(s);
    }

    fn date(&mut self, d: Date) {
        push_date(d, self);
    }

    fn money(&mut self, m: Money) {
        m.push_to(self);
    }
}

/// Puts an optional value (for [`RecordFile::write`]).
pub fn put_text<S: AsRef<str>>(v: &Option<S>, out: &mut dyn Put) {
    if let Some(v) = v {
        out.text(v.as_ref());
    }
}

/// Puts an optional date (for [`RecordFile::write`]).
pub fn put_date(d: Option<Date>, out: &mut dyn Put) {
    if let Some(d) = d {
        out.date(d);
    }
}

/// Puts an optional amount (for [`RecordFile::write`]).
pub fn put_money(m: Option<Money>, out: &mut dyn Put) {
    if let Some(m) = m {
        out.money(m);
    }
}

/// Where an export puts the rows of a file, value by value: a value is put (nothing put is no
/// value), then ended, column after column.
pub trait ExportRows {
    /// Where the value being put goes.
    fn put(&mut self) -> &mut dyn Put;
    /// Ends the value and goes on to the next column.
    fn end_value(&mut self);
    /// Ends the row.
    fn end_row(&mut self);
}

/// What a column of the records holds, as an export types it (SPEC §12: money DECIMAL(12,2),
/// dates DATE, counts INT).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Text,
    Date,
    Money,
    Count,
    /// 0–100 with up to two decimals.
    Percent,
}

impl Type {
    pub fn name(self) -> &'static str {
        match self {
            Type::Text => "VARCHAR",
            Type::Date => "DATE",
            Type::Money => "DECIMAL(12,2)",
            Type::Count => "INTEGER",
            Type::Percent => "DECIMAL(5,2)",
        }
    }
}

/// A column of an exported table: its name, what it holds, and whether its text is masked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub ty: Type,
    /// Free text, written with names and phones masked.
    pub masked: bool,
}

impl Field {
    pub const fn new(name: &'static str, ty: Type) -> Field {
        Field { name, ty, masked: false }
    }
}

/// How `care fmt` compares the values of a column.
#[derive(Clone, Copy, Debug)]
pub enum Sort {
    /// As text, byte by byte: dates `YYYY-MM-DD` sort as the days do.
    Text,
    /// Ids: the text before the trailing number, then the number (`P0010` after `P9`).
    Natural,
    /// By the place a value has among others (a ledger row's kind); `usize::MAX` and the like for
    /// a value that has none.
    Rank(fn(&str) -> usize),
}

impl Sort {
    pub fn compare(self, a: &str, b: &str) -> Ordering {
        match self {
            Sort::Text => a.cmp(b),
            Sort::Natural => natural(a, b),
            Sort::Rank(rank) => rank(a).cmp(&rank(b)),
        }
    }
}

/// `P0010` after `P9`: the text before the trailing number, then the number.
pub fn natural(a: &str, b: &str) -> Ordering {
    let split = |s: &str| {
        let digits = s.len() - s.bytes().rev().take_while(u8::is_ascii_digit).count();
        (s[..digits].to_owned(), s[digits..].parse::<u128>().ok())
    };
    split(a).cmp(&split(b)).then_with(|| a.cmp(b))
}

/// What loading a file leaves to be put into the records.
pub type Keep = Box<dyn FnOnce(&mut Records) + Send>;

/// Rows appended to a CSV file (see [`Records::appended_rows`]).
pub struct Appended {
    pub(super) file: &'static dyn AnyFile,
    pub(super) keep: Keep,
}

impl Appended {
    /// The file they are appended to.
    pub fn file(&self) -> &'static str {
        self.file.file()
    }

    /// Rows to be added at the end of their file's rows.
    fn rows<D: Kept>(rows: Vec<D::Row>) -> Appended {
        Appended {
            file: D::LISTED,
            keep: Box::new(move |r| D::rows_mut(r).extend(rows)),
        }
    }
}

/// A file of the list [`TABLES`](super::TABLES), whatever its rows: what the code that goes over
/// every file needs of it.
pub trait AnyFile: Sync {
    fn file(&self) -> &'static str;

    fn columns(&self) -> &'static [Column];

    /// The header the spec gives the file.
    fn header(&self) -> Vec<&'static str>;

    /// See [`RecordFile::REQUIRED`].
    fn required(&self) -> bool;

    /// Whether `care fmt` puts the file in canonical form.
    fn formats(&self) -> bool;

    /// `care fmt`'s order of two rows of a table of the file.
    fn compare(&self, t: &Table, a: &Row, b: &Row) -> Ordering;

    /// Where the money columns are in a table of the file.
    fn money(&self, t: &Table) -> Vec<usize>;

    /// Reads the file: the findings, and what is left to put into the records.
    fn load(&self, src: &Source) -> (Keep, Vec<Finding>);

    /// The rows `src` adds at the end of the file, when it adds rows and nothing else, and they
    /// read without a finding.
    fn appended(&self, src: &Source) -> Option<Appended>;

    /// The text of the file as the records hold it, under the spec's header: every row the
    /// records kept, written as the commands write them.
    fn csv(&self, r: &Records) -> String;

    /// The table an export writes the file's rows to, and its columns: the file's own less the
    /// private ones, then the derived ones. `None`: the file is not exported.
    fn export(&self) -> Option<(&'static str, Vec<Field>)>;

    /// How many rows the records kept.
    fn len(&self, r: &Records) -> usize;

    /// The pupils the rows the records kept from place `at` on name (see
    /// [`RecordFile::PUPIL`]); `None` when the file's rows are not about pupils or one names none.
    fn pupils_from(&self, r: &Records, at: usize) -> Option<Vec<String>>;

    /// Takes the rows the records kept from place `at` on, to be appended again.
    fn split_off(&self, r: &mut Records, at: usize) -> Appended;

    /// Each row the records kept, as the values of [`AnyFile::export`]'s columns, on `today`.
    fn export_rows(&self, r: &Records, today: Date, out: &mut dyn ExportRows);
}

/// The [`AnyFile`] of a [`Kept`] file.
pub struct Listed<D>(PhantomData<D>);

impl<D: Kept> AnyFile for Listed<D> {
    fn file(&self) -> &'static str {
        D::FILE
    }

    fn columns(&self) -> &'static [Column] {
        D::COLUMNS
    }

    fn header(&self) -> Vec<&'static str> {
        D::header()
    }

    fn required(&self) -> bool {
        D::REQUIRED
    }

    fn formats(&self) -> bool {
        !D::ORDER.is_empty()
    }

    fn compare(&self, t: &Table, a: &Row, b: &Row) -> Ordering {
        D::ORDER.iter().fold(Ordering::Equal, |o, &(col, sort)| {
            o.then_with(|| sort.compare(t.get(a, col), t.get(b, col)))
        })
    }

    fn money(&self, t: &Table) -> Vec<usize> {
        D::MONEY.iter().filter_map(|&col| t.position(col)).collect()
    }

    fn load(&self, src: &Source) -> (Keep, Vec<Finding>) {
        let mut out = Vec::new();
        let loaded = load_csv::<D>(src, D::FILE, &mut out);
        (Box::new(move |r| D::keep(r, loaded)), out)
    }

    fn appended(&self, src: &Source) -> Option<Appended> {
        let rows = appended::<D>(src, D::FILE)?;
        Some(Appended::rows::<D>(rows))
    }

    fn csv(&self, r: &Records) -> String {
        D::text(D::rows(r))
    }

    fn export(&self) -> Option<(&'static str, Vec<Field>)> {
        let own = exported::<D>().map(|c| Field {
            name: c.name(),
            ty: D::type_of(c),
            masked: D::FREE_TEXT.contains(&c),
        });
        let derived = D::DERIVED.iter().map(|&(name, ty)| Field::new(name, ty));
        Some((D::TABLE?, own.chain(derived).collect()))
    }

    fn len(&self, r: &Records) -> usize {
        D::rows(r).len()
    }

    fn pupils_from(&self, r: &Records, at: usize) -> Option<Vec<String>> {
        let col = D::PUPIL?;
        let rows = D::rows(r).get(at..)?;
        rows.iter()
            .map(|row| Some(D::value(row, col)).filter(|id| !id.is_empty()))
            .collect()
    }

    fn split_off(&self, r: &mut Records, at: usize) -> Appended {
        Appended::rows::<D>(D::rows_mut(r).split_off(at))
    }

    fn export_rows(&self, r: &Records, today: Date, out: &mut dyn ExportRows) {
        let cols: Vec<D> = exported::<D>().collect();
        let mut derived = vec![String::new(); D::DERIVED.len()];
        for (i, row) in D::rows(r).iter().enumerate() {
            for &col in &cols {
                D::write(row, col, out.put());
                out.end_value();
            }
            if !derived.is_empty() {
                derived.iter_mut().for_each(String::clear);
                D::derive(r, i, today, &mut derived);
                for v in &derived {
                    out.put().text(v);
                    out.end_value();
                }
            }
            out.end_row();
        }
    }
}

/// The columns of a file that an export writes, in the spec's order.
fn exported<D: RecordFile>() -> impl Iterator<Item = D> {
    D::ALL.iter().copied().filter(|c| !D::PRIVATE.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::ledger::{Entry, Kind, Ledger};
    use crate::records::{Records, Source, TABLES};

    #[test]
    fn natural_order() {
        assert_eq!(natural("P9", "P10"), Ordering::Less);
        assert_eq!(natural("P0010", "P0009"), Ordering::Greater);
        assert_eq!(natural("A1", "B0"), Ordering::Less);
    }

    #[test]
    fn kinds_order_as_they_are_listed() {
        let ranks: Vec<usize> = ["fee", "refund", "pay", "expense", "grant", "fe", ""].map(Kind::rank).to_vec();
        assert_eq!(ranks, [0, 1, 2, 3, 4, 5, 5]);
    }

    #[test]
    fn every_file_is_listed_once_with_its_columns_in_order() {
        let mut files: Vec<&str> = TABLES.iter().map(|t| t.file()).collect();
        files.sort();
        files.dedup();
        assert_eq!(files.len(), TABLES.len());
        for t in TABLES {
            let mut names: Vec<&str> = t.columns().iter().map(|c| c.name).collect();
            assert_eq!(names, t.header());
            names.sort();
            names.dedup();
            assert_eq!(names.len(), t.columns().len(), "{}", t.file());
            // Each Chinese name names one column of the file, and no English name is one.
            let mut all: Vec<&str> = t.columns().iter().flat_map(|c| [Some(c.name), c.zh]).flatten().collect();
            let n = all.len();
            all.sort();
            all.dedup();
            assert_eq!(all.len(), n, "{}", t.file());
        }
        for (i, c) in Ledger::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
    }

    #[test]
    fn a_row_is_written_in_the_order_of_the_file_s_own_header() {
        let e = Entry {
            pupil_id: Some("P1".into()),
            period: Some("2026-09".into()),
            memo: Some("a,b".into()),
            ..Entry::new(
                crate::records::date::parse_date("2026-09-01").unwrap(),
                Kind::Fee,
                crate::records::Money::parse("280").unwrap(),
            )
        };
        let headers: Vec<String> = ["memo", "mine", "amount", "kind", "date", "pupil_id"].map(String::from).to_vec();
        assert_eq!(Ledger::to_fields(&e, &headers), ["a,b", "", "280.00", "fee", "2026-09-01", "P1"]);
        assert_eq!(Ledger::line(&e), "2026-09-01,fee,280.00,P1,,,2026-09,,,\"a,b\"");
    }

    /// The table of docs/records.md that gives each column's Chinese name, in one language.
    fn names_table(zh: bool) -> String {
        let mut t = if zh {
            "| 文件 | 列 | 中文列名 |\n|---|---|---|\n"
        } else {
            "| file | column | Chinese name |\n|---|---|---|\n"
        }
        .to_owned();
        for file in TABLES {
            for c in file.columns() {
                if let Some(name) = c.zh {
                    t.push_str(&format!("| {} | `{}` | {name} |\n", file.file(), c.name));
                }
            }
        }
        t
    }

    #[test]
    fn the_records_doc_gives_every_chinese_column_name() {
        let doc = include_str!("../../docs/records.md");
        for zh in [true, false] {
            let table = names_table(zh);
            assert!(doc.contains(&table), "docs/records.md must hold this table:\n\n{table}");
        }
    }

    /// Every row of the example, read and written again, gives the example's files: what is
    /// read is what a command writes.
    #[test]
    fn the_example_reads_and_writes_back_byte_for_byte() {
        let files = crate::example::files().unwrap();
        let mut src = Source::new(std::path::Path::new("/nonexistent-care-file-test"));
        for (k, v) in &files {
            src = src.with(k, v.clone().into_bytes());
        }
        let r = Records::load_from(&src);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        for t in TABLES {
            match files.get(t.file()) {
                Some(text) => assert_eq!(&t.csv(&r), text, "{}", t.file()),
                None => assert_eq!(t.csv(&r).lines().count(), 1, "{}", t.file()),
            }
        }
    }
}
