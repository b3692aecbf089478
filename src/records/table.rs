//! A CSV file as a header and trimmed rows that remember their line, with the columns of the
//! spec found by position.

use std::borrow::Cow;
use std::collections::HashSet;

use super::text::Layout;
use crate::findings::ids;
use crate::findings::{Finding, Msg, Severity};

/// A column the spec names for a file.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub name: &'static str,
    /// The Chinese name of SPEC §1, which a clerk's spreadsheet may use as the header instead
    /// (files that only care writes have none).
    pub zh: Option<&'static str>,
    pub required: bool,
}

pub const fn req(name: &'static str, zh: Option<&'static str>) -> Column {
    Column { name, zh, required: true }
}
pub const fn opt(name: &'static str, zh: Option<&'static str>) -> Column {
    Column { name, zh, required: false }
}

impl Column {
    /// Whether a header names this column, by its English or its Chinese name: the one place
    /// where a header is matched to a column.
    pub fn is_named(&self, header: &str) -> bool {
        self.name == header || self.zh == Some(header)
    }

    /// The column's name in a header of Chinese names (`zh`) or English ones.
    pub fn label(&self, zh: bool) -> &'static str {
        match self.zh {
            Some(name) if zh => name,
            _ => self.name,
        }
    }
}

/// The columns of one file as an enum, in the spec's order: [`columns!`] declares them.
pub trait Columns: Copy + Eq + std::fmt::Debug + Send + Sync + 'static {
    /// Every column, in the spec's order.
    const ALL: &'static [Self];
    /// What the spec says of each, in the same order.
    const COLUMNS: &'static [Column];

    /// The column's place in [`Columns::ALL`].
    fn index(self) -> usize;

    fn column(self) -> &'static Column {
        &Self::COLUMNS[self.index()]
    }

    fn name(self) -> &'static str {
        self.column().name
    }
}

/// Declares the enum of a file's columns, each with what the spec says of it, in the spec's
/// order: `Name: req("english_name", "中文名")`, or `opt(...)` for an optional column; a column
/// without a Chinese name gives only the English one.
macro_rules! columns {
    (@zh) => { None };
    (@zh $zh:literal) => { Some($zh) };
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident: $need:ident($en:literal $(, $zh:literal)?)),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $crate::records::table::Columns for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            const COLUMNS: &'static [$crate::records::table::Column] = &[$($crate::records::table::$need($en, $crate::records::table::columns!(@zh $($zh)?))),+];

            fn index(self) -> usize {
                self as usize
            }
        }
    };
}
pub(crate) use columns;

#[derive(Clone, Debug)]
pub struct Row {
    pub line: usize,
    pub fields: Vec<String>,
}

/// A row as the reader holds it while streaming: its fields are trimmed when read, and no
/// `String` is made for them.
pub struct Cells<'r> {
    pub line: usize,
    values: Values<'r>,
}

/// A row's fields as the csv reader gave them, or as slices of a line of text that needs no
/// csv reader (see [`rows`]).
#[derive(Clone, Copy)]
enum Values<'r> {
    Record(&'r csv::StringRecord),
    Split(&'r [&'r str]),
}

impl<'r> Values<'r> {
    fn get(self, i: usize) -> Option<&'r str> {
        match self {
            Values::Record(r) => r.get(i),
            Values::Split(f) => f.get(i).copied(),
        }
    }

    fn len(self) -> usize {
        match self {
            Values::Record(r) => r.len(),
            Values::Split(f) => f.len(),
        }
    }

    /// The bytes of all the values, untrimmed.
    fn bytes(self) -> usize {
        match self {
            Values::Record(r) => r.as_slice().len(),
            Values::Split(f) => f.iter().map(|v| v.len()).sum(),
        }
    }
}

/// `str::trim`, without going over the value when it starts and ends with ASCII that is not a
/// space (as nearly every value does), is empty, or only its first or last character needs a
/// look (a name in Chinese).
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (None, _) => s,
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ if !s.starts_with(char::is_whitespace) && !s.ends_with(char::is_whitespace) => s,
        _ => s.trim(),
    }
}

impl<'r> Cells<'r> {
    pub fn get(&self, i: usize) -> &'r str {
        self.values.get(i).map_or("", trim)
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &'r str> + 'r {
        let values = self.values;
        (0..values.len()).map(move |i| values.get(i).map_or("", trim))
    }
}

#[derive(Clone, Debug)]
pub struct Table {
    pub file: String,
    pub layout: Layout,
    pub headers: Vec<String>,
    /// Line of the header row.
    pub header_line: usize,
    /// Empty when the table was streamed (see [`stream`]).
    pub rows: Vec<Row>,
    /// Where each column of the spec is in the header (the last of two that name it), in the
    /// spec's order: worked out once, when the header is read.
    positions: Vec<Option<usize>>,
    /// The header names a column by its Chinese name: messages name the columns it lacks in
    /// Chinese too.
    pub zh: bool,
}

impl Table {
    /// A table of rows read elsewhere (a spreadsheet's), under `headers` at line `header_line`:
    /// the table, the header's findings, and whether a required column is missing.
    pub fn of(file: &str, header_line: usize, headers: Vec<String>, rows: Vec<Row>, columns: &[Column]) -> (Table, Vec<Finding>, bool) {
        let (mut t, found, missing) = headed(file, header_line, headers, Layout::default(), columns);
        t.rows = rows;
        (t, found, missing)
    }

    /// The spec's column as the file names it: its header, or when the header lacks it, its name
    /// in the header's language.
    pub fn name_of(&self, col: impl Columns) -> &str {
        match self.position(col).and_then(|i| self.headers.get(i)) {
            Some(h) => h,
            None => col.column().label(self.zh),
        }
    }

    /// Where the spec's column is in the header.
    pub fn position(&self, col: impl Columns) -> Option<usize> {
        self.positions.get(col.index()).copied().flatten()
    }

    /// The trimmed value of the spec's column, or "" when the column is absent or the row short.
    pub fn get<'r>(&self, row: &'r Row, col: impl Columns) -> &'r str {
        self.position(col).and_then(|i| row.fields.get(i)).map_or("", String::as_str)
    }

    /// [`Table::get`] of a row being streamed.
    pub fn cell<'r>(&self, cells: &Cells<'r>, col: impl Columns) -> &'r str {
        self.position(col).map_or("", |i| cells.get(i))
    }
}

pub(super) fn finding(rule: &'static str, severity: Severity, file: &str, line: usize, message: Msg, hint: Msg) -> Finding {
    Finding {
        rule,
        severity,
        file: file.to_owned(),
        line,
        message,
        hint,
    }
}

/// No value of a record is this long; a longer one is a damaged file, not a note.
pub const MAX_FIELD_CHARS: usize = 10_000;

pub fn parse_error(file: &str, line: usize, message: Msg) -> Finding {
    finding(
        ids::FORMAT_PARSE,
        Severity::Error,
        file,
        line,
        message,
        Msg::new(
            "请按记录格式改正这一行（或从 git 恢复文件）后再运行 care check",
            "correct this line to the records format (or restore the file from git), then run care check again",
        ),
    )
}

/// Parses CSV text. Returns the table when its header could be read (even with rows that could
/// not), and the findings: unreadable rows, missing and unknown columns.
pub fn parse(file: &str, text: &str, layout: Layout, columns: &[Column]) -> (Option<Table>, Vec<Finding>) {
    let mut rows = Vec::new();
    let (table, out) = stream(file, text, layout, columns, |_, cells| {
        rows.push(Row {
            line: cells.line,
            fields: cells.iter().map(str::to_owned).collect(),
        });
    });
    let table = table.map(|mut t| {
        t.rows = rows;
        t
    });
    (table, out)
}

/// The table of a header row (without rows), its findings, and whether a required column is
/// missing.
fn headed(file: &str, line: usize, headers: Vec<String>, layout: Layout, columns: &[Column]) -> (Table, Vec<Finding>, bool) {
    let mut found = Vec::new();
    let zh = headers.iter().any(|h| columns.iter().any(|c| c.zh == Some(h.as_str())));
    let missing = header_findings(file, line, &headers, columns, zh, &mut found);
    let positions = columns.iter().map(|c| headers.iter().rposition(|h| c.is_named(h))).collect();
    let table = Table {
        file: file.to_owned(),
        layout,
        headers,
        header_line: line,
        rows: Vec::new(),
        positions,
        zh,
    };
    (table, found, missing)
}

fn header_findings(file: &str, header_line: usize, headers: &[String], columns: &[Column], zh: bool, out: &mut Vec<Finding>) -> bool {
    let mut seen = HashSet::new();
    for (i, h) in headers.iter().enumerate() {
        if !seen.insert(h.as_str()) {
            out.push(parse_error(
                file,
                header_line,
                Msg::new(format!("表头中“{h}”列出现了两次"), format!("the header names column “{h}” twice")),
            ));
        }
        // The same column by its other name (`学号` and `pupil_id`): which one holds the values?
        let column = columns.iter().find(|c| c.is_named(h));
        if let Some(earlier) = column.and_then(|c| headers[..i].iter().find(|e| *e != h && c.is_named(e))) {
            out.push(parse_error(
                file,
                header_line,
                Msg::new(
                    format!("表头中“{earlier}”和“{h}”是同一列，只能保留一个"),
                    format!("the header names one column twice, as “{earlier}” and “{h}”; keep one of them"),
                ),
            ));
        }
        if !h.is_empty() && column.is_none() {
            out.push(finding(
                ids::FORMAT_UNKNOWN_COLUMN,
                Severity::Warning,
                file,
                header_line,
                Msg::new(
                    format!("未知的列“{h}”，care 会原样保留它"),
                    format!("unknown column “{h}”; care keeps it untouched"),
                ),
                Msg::new(
                    "若是拼写错误请改正列名；若是自己加的备注列可以不理会",
                    "if it is a misspelling, correct the column name; a column of your own can stay",
                ),
            ));
        }
    }
    let mut missing = false;
    for c in columns.iter().filter(|c| c.required && !headers.iter().any(|h| c.is_named(h))) {
        missing = true;
        // Named as the header names its columns: in Chinese, with the English name beside it.
        let name = match c.zh {
            Some(z) if zh => Msg::new(format!("“{z}”（{}）", c.name), format!("“{z}” ({})", c.name)),
            _ => Msg::new(format!("“{}”", c.name), format!("“{}”", c.name)),
        };
        out.push(finding(
            ids::FORMAT_MISSING_COLUMN,
            Severity::Error,
            file,
            header_line,
            Msg::new(
                format!("缺少必需的列{}", name.zh),
                format!("the required column {} is missing", name.en),
            ),
            Msg::new(
                format!("在表头加上{}列并为每一行填写", name.zh),
                format!("add a {} column to the header and fill it in on every row", name.en),
            ),
        ));
    }
    missing
}

/// Parses CSV text, handing each data row to `each` as it is read instead of keeping it: the
/// table returned has no rows. `each` sees only the rows of a table whose required columns are
/// all there. The findings are those of [`parse`], in the same order.
pub fn stream(
    file: &str,
    text: &str,
    layout: Layout,
    columns: &[Column],
    mut each: impl FnMut(&Table, &Cells<'_>),
) -> (Option<Table>, Vec<Finding>) {
    let text = normalized(text);
    let head = head(file, &text, layout, columns);
    let rows = match &head.header {
        Some((t, _, missing)) => rows(file, t, *missing, &text[head.rows_start..], head.line_offset, |t, c| each(t, c)).0,
        None => Vec::new(),
    };
    finish(file, columns, head, rows)
}

/// The table's header alone: the rows after it are not read (nor their findings made).
pub fn header(file: &str, text: &str, layout: Layout, columns: &[Column]) -> (Option<Table>, Vec<Finding>) {
    let text = normalized(text);
    let head = head(file, &text, layout, columns);
    finish(file, columns, head, Vec::new())
}

/// The csv reader counts a CRLF row end late: the row after it gets the previous line's number;
/// and it ends a row at a CR alone (Excel for the old Mac OS) without counting a line at all.
pub fn normalized(text: &str) -> Cow<'_, str> {
    if super::text::has_byte(text.as_bytes(), b'\r') {
        let lf = text.replace("\r\n", "\n");
        Cow::Owned(if lf.contains('\r') { lf.replace('\r', "\n") } else { lf })
    } else {
        Cow::Borrowed(text)
    }
}

/// A file read up to its header.
pub struct Head {
    /// The header, its findings (reported after the rows' own, as they always were), and
    /// whether a required column is missing (then no row can be understood).
    pub header: Option<(Table, Vec<Finding>, bool)>,
    /// Findings on lines before the header.
    pub before: Vec<Finding>,
    /// Where the rows begin in the (normalised) text, and how many lines come before them.
    pub rows_start: usize,
    pub line_offset: usize,
}

/// Reads (normalised) text up to its header row.
pub fn head(file: &str, text: &str, layout: Layout, columns: &[Column]) -> Head {
    let mut before = Vec::new();
    let mut header = None;
    let mut rows_start = text.len();
    let mut reader = csv_reader(text);
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let cells = record_cells(text, &record, line, 0);
                if !row_is_readable(file, &cells, &mut before) {
                    continue;
                }
                let headers: Vec<String> = cells.iter().map(str::to_owned).collect();
                header = Some(headed(file, line, headers, layout, columns));
                rows_start = (reader.position().byte() as usize).min(text.len());
                break;
            }
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line() as usize);
                before.push(unreadable_csv(file, line, &e));
                break;
            }
        }
    }
    let line_offset = super::text::count_lines(&text.as_bytes()[..rows_start]);
    Head {
        header,
        before,
        rows_start,
        line_offset,
    }
}

fn unreadable_csv(file: &str, line: usize, e: &csv::Error) -> Finding {
    parse_error(file, line, Msg::new(format!("CSV 无法读取：{e}"), format!("unreadable CSV: {e}")))
}

/// Whether a row is to be read at all: not blank, and no value overlong (a finding).
fn row_is_readable(file: &str, cells: &Cells<'_>, out: &mut Vec<Finding>) -> bool {
    if cells.iter().all(str::is_empty) {
        return false;
    }
    // A value has at least as many bytes as characters: only a row of more bytes than the limit
    // can hold a long value, and only long values are counted.
    let long = (cells.values.bytes() > MAX_FIELD_CHARS)
        .then(|| {
            cells
                .iter()
                .find(|f| f.len() > MAX_FIELD_CHARS && f.chars().count() > MAX_FIELD_CHARS)
        })
        .flatten();
    if let Some(long) = long {
        let n = long.chars().count();
        out.push(parse_error(
            file,
            cells.line,
            Msg::new(
                format!("这一行有一个值长达 {n} 个字符，超过上限 {MAX_FIELD_CHARS}；文件可能已损坏"),
                format!("a value in this row is {n} characters long, over the limit of {MAX_FIELD_CHARS}; the file may be damaged"),
            ),
        ));
        return false;
    }
    true
}

/// Reads the rows in `body`, a part of a file's (normalised) text that starts at a row, after
/// `line_offset` lines. The findings, and whether the text could not be read to its end.
pub fn rows(
    file: &str,
    t: &Table,
    missing: bool,
    body: &str,
    line_offset: usize,
    each: impl FnMut(&Table, &Cells<'_>),
) -> (Vec<Finding>, bool) {
    // Without quotes and carriage returns, CSV is lines cut at commas: the csv reader (and its
    // check that each record is UTF-8, which `body` already is) is not needed.
    if super::text::is_plain(body.as_bytes()) {
        (plain_rows(file, t, missing, body, line_offset, each), false)
    } else {
        csv_rows(file, t, missing, body, line_offset, each)
    }
}

/// [`rows`] of text already known to be without quotes and carriage returns
/// ([`super::text::is_plain`]), not looked over for them again.
pub fn plain_rows(
    file: &str,
    t: &Table,
    missing: bool,
    body: &str,
    line_offset: usize,
    each: impl FnMut(&Table, &Cells<'_>),
) -> Vec<Finding> {
    split_rows(file, t, missing, body, line_offset, each)
}

/// [`rows`] of text without quotes or carriage returns.
fn split_rows(
    file: &str,
    t: &Table,
    missing: bool,
    body: &str,
    line_offset: usize,
    mut each: impl FnMut(&Table, &Cells<'_>),
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut fields: Vec<&str> = Vec::with_capacity(t.headers.len() + 1);
    let mut row = |line: usize, fields: &[&str]| {
        let cells = Cells {
            line,
            values: Values::Split(fields),
        };
        if row_fits(file, t, &cells, &mut out) && !missing {
            each(t, &cells);
        }
    };
    // One pass over the bytes: a field ends at a comma or a line end. (`memchr2_iter` over commas
    // and line ends was measured slower, 75 ms against 55 ms over a 55 MB ledger: fields are a
    // few bytes long. `plain_text_is_read_as_the_csv_reader_reads_it` holds this to the csv
    // reader.)
    let (mut line, mut start) = (line_offset, 0);
    for (i, &b) in body.as_bytes().iter().enumerate() {
        match b {
            b',' => {
                fields.push(&body[start..i]);
                start = i + 1;
            }
            b'\n' => {
                line += 1;
                // The csv reader skips empty lines.
                if !(fields.is_empty() && start == i) {
                    fields.push(&body[start..i]);
                    row(line, &fields);
                }
                fields.clear();
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < body.len() || !fields.is_empty() {
        fields.push(&body[start..]);
        row(line + 1, &fields);
    }
    out
}

/// Whether a row can be read as a row of the table; the findings when it cannot.
fn row_fits(file: &str, t: &Table, cells: &Cells<'_>, out: &mut Vec<Finding>) -> bool {
    if !row_is_readable(file, cells, out) {
        return false;
    }
    let width = t.headers.len();
    if cells.len() > width && cells.iter().skip(width).any(|f| !f.is_empty()) {
        out.push(parse_error(
            file,
            cells.line,
            Msg::new(
                format!(
                    "这一行有 {} 个字段，但表头只有 {} 列（可能是某个值里有未加引号的逗号）",
                    cells.len(),
                    width
                ),
                format!(
                    "this row has {} fields but the header has {} columns (perhaps a comma inside a value that is not quoted)",
                    cells.len(),
                    width
                ),
            ),
        ));
        return false;
    }
    true
}

/// The csv reader of a file's rows (and of the lines before its header): no header of its own,
/// any number of fields a row.
fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// A record the csv reader read from `text`, at the line it starts on (`line`, where the reader
/// started to look, when it has no position), after `line_offset` lines.
fn record_cells<'r>(text: &str, record: &'r csv::StringRecord, line: usize, line_offset: usize) -> Cells<'r> {
    Cells {
        line: record.position().map_or(line, |p| record_line(text, p) + line_offset),
        values: Values::Record(record),
    }
}

/// The line a record starts on. The csv reader gives the position where it started to look for
/// the record, before the empty lines it skipped: a row after an empty line was reported (and
/// edited) a line too early.
fn record_line(text: &str, p: &csv::Position) -> usize {
    let from = usize::try_from(p.byte()).unwrap_or(usize::MAX);
    let skipped = text.as_bytes().get(from..).unwrap_or_default();
    let empty = skipped
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .filter(|&&b| b == b'\n')
        .count();
    p.line() as usize + empty
}

/// [`rows`] through the csv reader.
fn csv_rows(
    file: &str,
    t: &Table,
    missing: bool,
    body: &str,
    line_offset: usize,
    mut each: impl FnMut(&Table, &Cells<'_>),
) -> (Vec<Finding>, bool) {
    let mut out = Vec::new();
    let mut reader = csv_reader(body);
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() as usize + line_offset;
        match reader.read_record(&mut record) {
            Ok(false) => return (out, false),
            Ok(true) => {
                let cells = record_cells(body, &record, line, line_offset);
                if row_fits(file, t, &cells, &mut out) && !missing {
                    each(t, &cells);
                }
            }
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line() as usize + line_offset);
                out.push(unreadable_csv(file, line, &e));
                return (out, true);
            }
        }
    }
}

/// The table and every finding, in the order [`parse`] has always given them.
pub fn finish(file: &str, columns: &[Column], head: Head, rows: Vec<Finding>) -> (Option<Table>, Vec<Finding>) {
    let mut out = head.before;
    let Some((table, mut found, missing)) = head.header else {
        let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
        out.push(parse_error(
            file,
            1,
            Msg::new(
                format!("文件是空的，缺少表头；第一行应为：{}", names.join(",")),
                format!("the file is empty; its first line must be the header: {}", names.join(",")),
            ),
        ));
        return (None, out);
    };
    out.extend(rows);
    out.append(&mut found);
    // Rows of a table without its required columns cannot be understood; the missing-column
    // findings say so once instead of a finding on every row.
    if missing { (None, out) } else { (Some(table), out) }
}

/// Every row of CSV text that is not blank, with the line it starts on, its fields trimmed: a
/// table whose header is not known yet.
pub fn grid(text: &str) -> Result<Vec<Row>, Msg> {
    let text = normalized(text);
    let mut reader = csv_reader(&text);
    let mut record = csv::StringRecord::new();
    let mut out = Vec::new();
    loop {
        let line = reader.position().line() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(out),
            Ok(true) => {
                let cells = record_cells(&text, &record, line, 0);
                if cells.iter().any(|f| !f.is_empty()) {
                    out.push(Row {
                        line: cells.line,
                        fields: cells.iter().map(str::to_owned).collect(),
                    });
                }
            }
            Err(e) => {
                return Err(Msg::new(
                    format!("第 {line} 行 CSV 无法读取：{e}"),
                    format!("line {line}: unreadable CSV: {e}"),
                ));
            }
        }
    }
}

/// One CSV record as text, quoted where needed, without a line end.
pub fn csv_line<S: AsRef<[u8]>>(fields: &[S]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = w.write_record(fields);
    let bytes = w.into_inner().unwrap_or_default();
    let mut s = String::from_utf8(bytes).unwrap_or_default();
    if s.ends_with('\n') {
        s.pop();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    columns! {
        enum Cols {
            A: req("a", "甲"),
            B: opt("b", "乙"),
        }
    }
    const COLS: &[Column] = Cols::COLUMNS;

    type Reader = fn(&str, &Table, bool, &str, usize, &mut dyn FnMut(&Table, &Cells<'_>)) -> (Vec<Finding>, bool);
    type Read = (Vec<(usize, Vec<String>)>, Vec<Finding>, bool);

    /// Each row's line and trimmed fields, and the findings, as one way of reading gives them.
    fn read_all(via: Reader, t: &Table, body: &str) -> Read {
        let mut rows = Vec::new();
        let (found, stopped) = via("x.csv", t, false, body, 7, &mut |_, c| {
            rows.push((c.line, c.iter().map(str::to_owned).collect()));
        });
        (rows, found, stopped)
    }

    #[test]
    fn rows_after_empty_lines_keep_their_own_line() {
        let (t, _) = parse("x.csv", "a,b\n", Layout::default(), COLS);
        let t = t.unwrap();
        let lines = |body: &str| {
            let mut v = Vec::new();
            rows("x.csv", &t, false, body, 1, |_, c| v.push(c.line));
            v
        };
        // Lines 2.. of a file whose header is line 1; the second has a quoted line break.
        assert_eq!(lines("x\n\n\"q\nr\",1\n\ny\n"), [2, 4, 7]);
        assert_eq!(lines("\n\n\nb\n\nc"), [5, 7]);
    }

    proptest! {
        #[test]
        fn plain_text_is_read_as_the_csv_reader_reads_it(body in "[a ,\n中\t1]{0,200}") {
            let (t, _) = parse("x.csv", "a,b\n", Layout::default(), COLS);
            let t = t.unwrap();
            let split = read_all(|f, t, m, b, o, e| (split_rows(f, t, m, b, o, e), false), &t, &body);
            let csv = read_all(|f, t, m, b, o, e| csv_rows(f, t, m, b, o, e), &t, &body);
            prop_assert_eq!(split, csv);
        }
    }

    #[test]
    fn columns_by_name_trimmed_blank_lines_skipped() {
        let (t, f) = parse("x.csv", "b , a\n\n 2, 1 \n,\n3,4\n", Layout::default(), COLS);
        assert!(f.is_empty(), "{f:?}");
        let t = t.unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.get(&t.rows[0], Cols::A), "1");
        assert_eq!(t.get(&t.rows[1], Cols::B), "3");
        assert_eq!(t.rows[1].line, 5);
    }

    #[test]
    fn missing_and_unknown_columns() {
        let (t, f) = parse("x.csv", "b,zz\n1,2\n", Layout::default(), COLS);
        assert!(t.is_none());
        let rules: Vec<_> = f.iter().map(|f| f.rule).collect();
        assert!(rules.contains(&ids::FORMAT_MISSING_COLUMN));
        assert!(rules.contains(&ids::FORMAT_UNKNOWN_COLUMN));
    }

    #[test]
    fn columns_by_chinese_or_english_name_in_one_header() {
        let (t, f) = parse("x.csv", "乙,a\n2,1\n", Layout::default(), COLS);
        assert!(f.is_empty(), "{f:?}");
        let t = t.unwrap();
        assert_eq!((t.get(&t.rows[0], Cols::A), t.get(&t.rows[0], Cols::B)), ("1", "2"));
        assert_eq!((t.name_of(Cols::A), t.name_of(Cols::B)), ("a", "乙"));
        // A column the header lacks is named in the header's language.
        let (t, _) = parse("x.csv", "甲\n1\n", Layout::default(), COLS);
        assert_eq!(t.unwrap().name_of(Cols::B), "乙");
        let (t, _) = parse("x.csv", "a\n1\n", Layout::default(), COLS);
        assert_eq!(t.unwrap().name_of(Cols::B), "b");
    }

    #[test]
    fn one_column_named_twice_is_a_finding() {
        let (_, f) = parse("x.csv", "a,b,甲\n1,2,3\n", Layout::default(), COLS);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].rule, f[0].line), (ids::FORMAT_PARSE, 1));
        assert!(f[0].message.en.contains("“a” and “甲”"), "{}", f[0].message.en);
    }

    #[test]
    fn a_missing_column_is_named_as_the_header_names_the_others() {
        let (_, f) = parse("x.csv", "乙\n1\n", Layout::default(), COLS);
        assert_eq!(f[0].rule, ids::FORMAT_MISSING_COLUMN);
        assert_eq!(f[0].message.zh, "缺少必需的列“甲”（a）");
        assert_eq!(f[0].message.en, "the required column “甲” (a) is missing");
        let (_, f) = parse("x.csv", "b\n1\n", Layout::default(), COLS);
        assert_eq!(f[0].message.en, "the required column “a” is missing");
    }

    #[test]
    fn quoted_newlines_keep_line_numbers() {
        let (t, _) = parse("x.csv", "a,b\n\"1\n2\",x\n3,y\n", Layout::default(), COLS);
        let t = t.unwrap();
        assert_eq!(t.rows[0].line, 2);
        assert_eq!(t.rows[1].line, 4);
    }

    #[test]
    fn crlf_rows_keep_their_line_numbers() {
        let (t, _) = parse("x.csv", "a,b\r\n1,x\r\n\"2\r\nz\",y\r\n3,w\n4,v\r\n", Layout::default(), COLS);
        let lines: Vec<usize> = t.unwrap().rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 3, 5, 6]);
    }

    #[test]
    fn rows_ended_by_a_cr_alone_are_on_their_own_lines() {
        let (t, _) = parse("x.csv", "a,b\r1,x\r\r3,w\r", Layout::default(), COLS);
        let lines: Vec<usize> = t.unwrap().rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 4]);
    }

    #[test]
    fn an_overlong_value_is_a_parse_error_at_its_line() {
        let text = format!("a,b\n1,x\n2,{}\n3,y\n", "x".repeat(MAX_FIELD_CHARS + 1));
        let (t, f) = parse("x.csv", &text, Layout::default(), COLS);
        assert_eq!(t.unwrap().rows.len(), 2);
        assert_eq!((f[0].rule, f[0].line), (ids::FORMAT_PARSE, 3));
        // A long row of values within the limit, and a value of more bytes than the limit but
        // fewer characters, read.
        let half = "x".repeat(MAX_FIELD_CHARS / 2 + 1);
        let text = format!("a,b\n1,{half}{half}\n{half},{half}\n3,{}\n", "王".repeat(MAX_FIELD_CHARS));
        let (t, f) = parse("x.csv", &text, Layout::default(), COLS);
        assert_eq!(t.unwrap().rows.len(), 2);
        assert_eq!((f.len(), f[0].line), (1, 2));
    }

    #[test]
    fn trimming_as_str_trim_does() {
        for v in [
            "",
            " ",
            "a",
            " a ",
            "a b",
            "\u{3000}王\u{3000}",
            "王 ",
            "\ta\t",
            "x\u{a0}",
            "\u{feff}a",
            "吴芳",
            "吴芳\u{3000}",
            "\u{2003}吴",
            "王\u{85}",
            "a\u{1680}",
        ] {
            assert_eq!(trim(v), v.trim(), "{v:?}");
        }
    }

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_line(&["a", "b,c", "say \"hi\""]), "a,\"b,c\",\"say \"\"hi\"\"\"");
    }

    #[test]
    fn too_many_fields_is_a_parse_error() {
        let (t, f) = parse("x.csv", "a,b\n1,2,3\n", Layout::default(), COLS);
        assert_eq!(t.unwrap().rows.len(), 0);
        assert_eq!(f[0].rule, ids::FORMAT_PARSE);
        assert_eq!(f[0].line, 2);
    }
}
