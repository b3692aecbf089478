//! closes/YYYY-MM.toml, written by `care ledger close`, and closes/reopened.csv.

use super::Records;
use super::date::{Date, Month};
use super::fields::Fields;
use super::file::{Kept, Put, RecordFile, Sort};
use super::money::Money;
use super::table::{columns, parse_error};
use super::toml_doc::{At, Doc};
use crate::findings::{Finding, Msg};

pub const DIR: &str = "closes";
pub const REOPENED: &str = "closes/reopened.csv";

columns! {
    /// The columns of closes/reopened.csv, which only `care ledger reopen` writes.
    pub enum Reopened {
        Month: req("month"),
        Date: req("date"),
        Reason: req("reason"),
    }
}

pub fn path(month: Month) -> String {
    format!("{DIR}/{month}.toml")
}

/// The month a close file's name gives: `closes/2026-09.toml` → 2026-09.
pub fn month_of(file: &str) -> Option<Month> {
    file.strip_prefix("closes/")
        .and_then(|n| n.strip_suffix(".toml"))
        .and_then(Month::parse)
}

#[derive(Clone, Debug)]
pub struct Close {
    pub file: String,
    pub month: Month,
    pub closed_on: At<Date>,
    pub opening: At<Money>,
    pub fees: Money,
    /// Zero when the file has no `grants` (closes written before grants existed).
    pub grants: Money,
    pub refunds: Money,
    pub pay: Money,
    pub expenses: Money,
    pub closing: At<Money>,
    pub rows: u64,
    pub digest: At<String>,
    pub line: usize,
}

#[derive(Clone, Debug)]
pub struct Reopen {
    pub line: usize,
    pub month: Month,
    pub date: Date,
    pub reason: String,
}

/// An empty row: the room a row of the file is read into (see `records::load`).
impl Default for Reopen {
    fn default() -> Self {
        let date = Date::default();
        Reopen {
            line: 0,
            month: Month::of(date),
            date,
            reason: String::new(),
        }
    }
}

/// Reads one close file; the month comes from the file name and must agree with `month`.
pub fn load(file: &str, text: &str, out: &mut Vec<Finding>) -> Option<Close> {
    let mut doc = Doc::new(file, text);
    let root = match doc.parse() {
        Ok(r) => r,
        Err(f) => {
            out.push(*f);
            return None;
        }
    };
    let t = root.get_ref();
    let named = month_of(file);
    let month = doc.string(t, "month", "month", 1, true);
    let closed_on = doc.date(t, "closed_on", "closed_on", 1, true);
    let opening = doc.money(t, "opening", "opening", 1, true);
    let fees = doc.money(t, "fees", "fees", 1, true);
    let grants = doc.money(t, "grants", "grants", 1, false);
    let refunds = doc.money(t, "refunds", "refunds", 1, true);
    let pay = doc.money(t, "pay", "pay", 1, true);
    let expenses = doc.money(t, "expenses", "expenses", 1, true);
    let closing = doc.money(t, "closing", "closing", 1, true);
    let rows = doc.integer(t, "rows", "rows");
    let digest = doc.string(t, "digest", "digest", 1, true);
    out.append(&mut doc.problems);
    let month_at = month?;
    let Some(m) = Month::parse(&month_at.v).filter(|m| named.is_none_or(|n| n == *m)) else {
        out.push(parse_error(
            file,
            month_at.line,
            Msg::new(
                format!("month“{}”与文件名不符", month_at.v),
                format!("month “{}” does not match the file name", month_at.v),
            ),
        ));
        return None;
    };
    Some(Close {
        file: file.to_owned(),
        month: m,
        closed_on: closed_on?,
        opening: opening?,
        fees: fees?.v,
        grants: grants.map_or(Money::ZERO, |g| g.v),
        refunds: refunds?.v,
        pay: pay?.v,
        expenses: expenses?.v,
        closing: closing?,
        rows: rows.map_or(0, |r| r.v as u64),
        digest: digest?,
        line: month_at.line,
    })
}

impl RecordFile for Reopened {
    type Row = Reopen;
    const FILE: &'static str = REOPENED;
    const REQUIRED: bool = false;
    const KEY: Option<Self> = None;
    const MONEY: &'static [Self] = &[];
    const ORDER: &'static [(Self, Sort)] = &[];

    fn read(mut f: Fields<'_, Reopened>, out: &mut Vec<Finding>) -> Option<Reopen> {
        let month_text = f.req(Reopened::Month);
        let month = Month::parse(&month_text);
        if month.is_none() && !month_text.is_empty() {
            f.problem(Msg::new(
                format!("month“{month_text}”无效"),
                format!("month “{month_text}” is not a month"),
            ));
        }
        let r = Reopen {
            line: f.line,
            month: month.unwrap_or(Month { year: 1970, month: 1 }),
            date: f.date(Reopened::Date).unwrap_or_default(),
            reason: f.req(Reopened::Reason),
        };
        f.finish(r, out)
    }

    fn write(r: &Reopen, col: Reopened, out: &mut dyn Put) {
        let Reopen {
            line: _,
            month,
            date,
            reason,
        } = r;
        match col {
            Reopened::Month => out.text(&month.to_string()),
            Reopened::Date => out.date(*date),
            Reopened::Reason => out.text(reason),
        }
    }
}

impl Kept for Reopened {
    fn rows(r: &Records) -> &[Reopen] {
        &r.reopened
    }

    fn rows_mut(r: &mut Records) -> &mut Vec<Reopen> {
        &mut r.reopened
    }
}

/// A month's totals: what moved in it by kind, how many rows and their digest, as a close file
/// records them. `domain::close` works them out from the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct MonthTotals {
    pub fees: Money,
    pub grants: Money,
    pub refunds: Money,
    pub pay: Money,
    pub expenses: Money,
    pub rows: u64,
    pub digest: String,
}

impl MonthTotals {
    pub fn closing(&self, opening: Money) -> Money {
        opening + self.fees + self.grants - self.refunds - self.pay - self.expenses
    }
}

/// The text of a close file, as `care ledger close` writes it.
pub fn render(month: Month, closed_on: Date, opening: Money, t: &MonthTotals) -> String {
    let MonthTotals {
        fees,
        grants,
        refunds,
        pay,
        expenses,
        rows,
        digest,
    } = t;
    let closing = t.closing(opening);
    // Only a month with grants has the key, so that closes written before grants read the same.
    let grants = if grants.is_zero() {
        String::new()
    } else {
        format!("grants = \"{grants}\"\n")
    };
    format!(
        "# {month} 月收支结账，由 care ledger close 写入，请勿手工修改 / written by care ledger close; do not edit\n\
         month = \"{month}\"\nclosed_on = {closed_on}\nopening = \"{opening}\"\nfees = \"{fees}\"\n{grants}refunds = \"{refunds}\"\npay = \"{pay}\"\nexpenses = \"{expenses}\"\nclosing = \"{closing}\"\nrows = {rows}\ndigest = \"{digest}\"\n"
    )
}
