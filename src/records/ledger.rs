//! ledger.csv: one row per movement of money.

use super::date::Date;
use super::fields::Fields;
use super::money::Money;
use super::short::Short;
use super::table::{Column, Table, opt, req};
use crate::findings::{Finding, Msg};

pub const FILE: &str = "ledger.csv";
pub const COLUMNS: &[Column] = &[
    req("date"),
    req("kind"),
    req("amount"),
    opt("pupil_id"),
    opt("contract_id"),
    opt("category"),
    opt("period"),
    opt("collected_by"),
    opt("receipt"),
    opt("memo"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Fee,
    Refund,
    Pay,
    Expense,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Fee, Kind::Refund, Kind::Pay, Kind::Expense];

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "fee" => Some(Kind::Fee),
            "refund" => Some(Kind::Refund),
            "pay" => Some(Kind::Pay),
            "expense" => Some(Kind::Expense),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Fee => "fee",
            Kind::Refund => "refund",
            Kind::Pay => "pay",
            Kind::Expense => "expense",
        }
    }

    pub fn label(self) -> Msg {
        match self {
            Kind::Fee => Msg::new("收费", "fee"),
            Kind::Refund => Msg::new("退费", "refund"),
            Kind::Pay => Msg::new("劳务费", "pay"),
            Kind::Expense => Msg::new("其他支出", "expense"),
        }
    }

    /// Money in for the committee (positive) or out (negative).
    pub fn sign(self) -> i32 {
        if self == Kind::Fee { 1 } else { -1 }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub line: usize,
    pub date: Date,
    pub kind: Kind,
    pub amount: Money,
    pub pupil_id: Option<Short>,
    pub contract_id: Option<Short>,
    pub category: Option<Short>,
    /// As written: a month `YYYY-MM` or a term id.
    pub period: Option<Short>,
    pub collected_by: Option<Short>,
    pub receipt: Option<Short>,
    pub memo: Option<Short>,
}

impl Entry {
    /// The committee's balance moves by this much.
    pub fn signed(&self) -> Money {
        if self.kind.sign() > 0 { self.amount } else { -self.amount }
    }
}

pub fn load(table: &Table, out: &mut Vec<Finding>) -> Vec<Entry> {
    table.rows.iter().filter_map(|row| read(Fields::new(table, row), out)).collect()
}

/// One row; `None`, with the findings that say why, when it cannot be read.
pub fn read(mut f: Fields<'_>, out: &mut Vec<Finding>) -> Option<Entry> {
    let kind_text = f.req_text("kind");
    let kind = Kind::parse(kind_text);
    if kind.is_none() && !kind_text.is_empty() {
        f.problem(Msg::new(
            format!("kind“{kind_text}”无效，应为 fee、refund、pay 或 expense"),
            format!("kind “{kind_text}” must be fee, refund, pay or expense"),
        ));
    }
    let kind = kind.unwrap_or(Kind::Expense);
    let needs: &[&str] = match kind {
        Kind::Fee | Kind::Refund => &["pupil_id", "period"],
        Kind::Pay => &["contract_id"],
        Kind::Expense => &["category"],
    };
    for col in needs {
        if f.text(col).is_empty() {
            f.problem(Msg::new(
                format!("{} 行必须填写“{col}”", kind.as_str()),
                format!("a {} row needs “{col}”", kind.as_str()),
            ));
        }
    }
    let e = Entry {
        line: f.line,
        date: f.date("date").unwrap_or_default(),
        kind,
        amount: f.money("amount").unwrap_or_default(),
        pupil_id: f.opt("pupil_id"),
        contract_id: f.opt("contract_id"),
        category: f.opt("category"),
        period: f.opt("period"),
        collected_by: f.opt("collected_by"),
        receipt: f.opt("receipt"),
        memo: f.opt("memo"),
    };
    f.finish(e, out)
}
