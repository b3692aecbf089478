//! Reading one CSV row into typed values, gathering every problem of the row.

use std::marker::PhantomData;

use super::date::{Date, Month, parse_date};
use super::money::Money;
use super::table::{Cells, Columns, Row, Table, parse_error};
use crate::findings::{Finding, Msg};

enum Values<'a> {
    Row(&'a Row),
    Cells(&'a Cells<'a>),
}

/// A row of a file whose columns are `C`.
pub struct Fields<'a, C> {
    table: &'a Table,
    values: Values<'a>,
    pub line: usize,
    problems: Vec<Msg>,
    columns: PhantomData<C>,
}

impl<'a, C: Columns> Fields<'a, C> {
    pub fn new(table: &'a Table, row: &'a Row) -> Self {
        Fields {
            table,
            values: Values::Row(row),
            line: row.line,
            problems: Vec::new(),
            columns: PhantomData,
        }
    }

    /// A row being streamed (see [`super::table::stream`]).
    pub fn of_cells(table: &'a Table, cells: &'a Cells<'a>) -> Self {
        Fields {
            table,
            values: Values::Cells(cells),
            line: cells.line,
            problems: Vec::new(),
            columns: PhantomData,
        }
    }

    /// The column as the file names it, for messages.
    pub fn name(&self, col: C) -> &'a str {
        self.table.name_of(col)
    }

    pub fn text(&self, col: C) -> &'a str {
        match self.values {
            Values::Row(row) => self.table.get(row, col),
            Values::Cells(cells) => self.table.cell(cells, col),
        }
    }

    /// A value that may be left empty, as a `String` or a [`Short`](super::short::Short).
    pub fn opt<S: for<'s> From<&'s str>>(&self, col: C) -> Option<S> {
        let v = self.text(col);
        (!v.is_empty()).then(|| S::from(v))
    }

    /// A value the row cannot do without.
    pub fn req(&mut self, col: C) -> String {
        self.req_text(col).to_owned()
    }

    /// [`Fields::req`], borrowed.
    pub fn req_text(&mut self, col: C) -> &'a str {
        let v = self.text(col);
        if v.is_empty() {
            let name = self.name(col);
            self.problems.push(Msg::new(
                format!("“{name}”为空，必须填写"),
                format!("“{name}” is empty and must be filled in"),
            ));
        }
        v
    }

    pub fn id(&mut self, col: C) -> String {
        let v = self.req(col);
        if v.contains(|c: char| c.is_whitespace() || c == ',') {
            let name = self.name(col);
            self.problems.push(Msg::new(
                format!("“{name}”的值“{v}”含有空格或逗号"),
                format!("“{name}” value “{v}” contains a space or comma"),
            ));
        }
        v
    }

    pub fn date(&mut self, col: C) -> Option<Date> {
        let v = self.text(col);
        if v.is_empty() {
            let name = self.name(col);
            self.problems.push(Msg::new(
                format!("“{name}”为空，必须填写日期"),
                format!("“{name}” is empty; a date is required"),
            ));
            return None;
        }
        self.parse(col, parse_date(v))
    }

    pub fn opt_date(&mut self, col: C) -> Option<Date> {
        let v = self.text(col);
        if v.is_empty() {
            return None;
        }
        self.parse(col, parse_date(v))
    }

    pub fn money(&mut self, col: C) -> Option<Money> {
        let v = self.text(col);
        if v.is_empty() {
            let name = self.name(col);
            self.problems.push(Msg::new(
                format!("“{name}”为空，必须填写金额"),
                format!("“{name}” is empty; an amount is required"),
            ));
            return None;
        }
        self.parse(col, Money::parse(v))
    }

    pub fn opt_money(&mut self, col: C) -> Option<Money> {
        let v = self.text(col);
        if v.is_empty() {
            return None;
        }
        self.parse(col, Money::parse(v))
    }

    pub fn opt_month(&mut self, col: C) -> Option<Month> {
        let v = self.text(col);
        if v.is_empty() {
            return None;
        }
        self.parse(col, Month::parse_msg(v))
    }

    pub fn problem(&mut self, m: Msg) {
        self.problems.push(m);
    }

    fn parse<T>(&mut self, col: C, r: Result<T, Msg>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(m) => {
                // The column's name only for the message (looked up for every value, it was 1%
                // of a district's check).
                let col = self.name(col);
                self.problems.push(m.prefixed(&format!("{col}：",), &format!("{col}: ")));
                None
            }
        }
    }

    /// The typed row, or the findings that say why it cannot be read.
    pub fn finish<T>(self, value: T, out: &mut Vec<Finding>) -> Option<T> {
        if self.problems.is_empty() {
            return Some(value);
        }
        for m in self.problems {
            out.push(parse_error(&self.table.file, self.line, m));
        }
        None
    }
}
