//! ledger.csv: one row per movement of money.

use super::Records;
use super::date::Date;
use super::fields::Fields;
use super::file::{Kept, Put, RecordFile, Sort, put_text};
use super::load::Loaded;
use super::money::Money;
use super::short::Short;
use super::table::columns;
use crate::findings::{Finding, Msg};

pub const FILE: &str = "ledger.csv";

columns! {
    /// The columns of ledger.csv.
    pub enum Ledger {
        Date: req("date", "日期"),
        Kind: req("kind", "类型"),
        Amount: req("amount", "金额"),
        PupilId: opt("pupil_id", "学号"),
        ContractId: opt("contract_id", "合同编号"),
        Category: opt("category", "科目"),
        Period: opt("period", "所属期间"),
        CollectedBy: opt("collected_by", "经手人"),
        Receipt: opt("receipt", "票据号"),
        Memo: opt("memo", "摘要"),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Fee,
    Refund,
    Pay,
    Expense,
    /// Money from outside the families: 财政补助, 专项经费, a donation.
    Grant,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Fee, Kind::Refund, Kind::Pay, Kind::Expense, Kind::Grant];

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "fee" => Some(Kind::Fee),
            "refund" => Some(Kind::Refund),
            "pay" => Some(Kind::Pay),
            "expense" => Some(Kind::Expense),
            "grant" => Some(Kind::Grant),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Fee => "fee",
            Kind::Refund => "refund",
            Kind::Pay => "pay",
            Kind::Expense => "expense",
            Kind::Grant => "grant",
        }
    }

    pub fn label(self) -> Msg {
        match self {
            Kind::Fee => Msg::new("收费", "fee"),
            Kind::Refund => Msg::new("退费", "refund"),
            Kind::Pay => Msg::new("劳务费", "pay"),
            Kind::Expense => Msg::new("其他支出", "expense"),
            Kind::Grant => Msg::new("补助收入", "grant"),
        }
    }

    /// The kind's place in [`Kind::ALL`], for ordering the text of a kind; after every kind for
    /// text that is none.
    pub fn rank(text: &str) -> usize {
        Kind::ALL.iter().position(|k| k.as_str() == text).unwrap_or(Kind::ALL.len())
    }

    /// Money in for whoever runs the service (positive) or out (negative).
    pub fn sign(self) -> i32 {
        if matches!(self, Kind::Fee | Kind::Grant) { 1 } else { -1 }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub line: usize,
    pub date: Date,
    pub kind: Kind,
    pub amount: Money,
    pub pupil_id: Option<Short>,
    /// As written: a month `YYYY-MM` or a term id.
    pub period: Option<Short>,
    pub collected_by: Option<Short>,
    pub receipt: Option<Short>,
    pub memo: Option<Short>,
    /// The contract and the category ([`Entry::contract_id`], [`Entry::category`]): only pay,
    /// expense and grant rows have them, a few in a hundred of a ledger whose fee rows are the
    /// most, so they are kept apart, and a row takes 96 bytes instead of 112 (see
    /// docs/performance.md). `None` when both are empty, so that equal rows are equal: set
    /// through [`Entry::with_apart`] and the setters, which keep it so.
    pub apart: Option<Box<Apart>>,
}

/// The text fields of a row that most rows leave empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Apart {
    contract_id: Option<Short>,
    category: Option<Short>,
}

impl Entry {
    /// A row of what every row has, its other columns left empty.
    pub fn new(date: Date, kind: Kind, amount: Money) -> Entry {
        Entry {
            line: 0,
            date,
            kind,
            amount,
            pupil_id: None,
            period: None,
            collected_by: None,
            receipt: None,
            memo: None,
            apart: None,
        }
    }

    pub fn contract_id(&self) -> Option<&Short> {
        self.apart.as_ref()?.contract_id.as_ref()
    }

    pub fn category(&self) -> Option<&Short> {
        self.apart.as_ref()?.category.as_ref()
    }

    /// The row with its contract and category.
    pub fn with_apart(mut self, contract_id: Option<Short>, category: Option<Short>) -> Entry {
        self.set_apart(contract_id, category);
        self
    }

    pub fn set_contract_id(&mut self, contract_id: Option<Short>) {
        let category = self.category().cloned();
        self.set_apart(contract_id, category);
    }

    fn set_apart(&mut self, contract_id: Option<Short>, category: Option<Short>) {
        self.apart = (contract_id.is_some() || category.is_some()).then(|| Box::new(Apart { contract_id, category }));
    }

    /// The contract and the category, for code that names every field of a row.
    pub fn contract_and_category(&self) -> (Option<&Short>, Option<&Short>) {
        (self.contract_id(), self.category())
    }

    /// The committee's balance moves by this much.
    pub fn signed(&self) -> Money {
        if self.kind.sign() > 0 { self.amount } else { -self.amount }
    }
}

/// An empty row: the room a row of the file is read into (see `records::load`).
impl Default for Entry {
    fn default() -> Self {
        Entry::new(Date::default(), Kind::Expense, Money::ZERO)
    }
}

impl RecordFile for Ledger {
    type Row = Entry;
    const FILE: &'static str = FILE;
    const REQUIRED: bool = true;
    const KEY: Option<Self> = None;
    const PUPIL: Option<Self> = Some(Ledger::PupilId);
    const MONEY: &'static [Self] = &[Ledger::Amount];
    const ORDER: &'static [(Self, Sort)] = &[(Ledger::Date, Sort::Text), (Ledger::Kind, Sort::Rank(Kind::rank))];
    const TABLE: Option<&'static str> = Some("ledger");
    const DATES: &'static [Self] = &[Ledger::Date];
    const FREE_TEXT: &'static [Self] = &[Ledger::Memo];

    fn read(mut f: Fields<'_, Ledger>, out: &mut Vec<Finding>) -> Option<Entry> {
        let kind_text = f.req_text(Ledger::Kind);
        let kind = Kind::parse(kind_text);
        if kind.is_none() && !kind_text.is_empty() {
            let k = f.name(Ledger::Kind);
            f.problem(Msg::new(
                format!("{k}“{kind_text}”无效，应为 fee、refund、pay、expense 或 grant"),
                format!("{k} “{kind_text}” must be fee, refund, pay, expense or grant"),
            ));
        }
        let kind = kind.unwrap_or(Kind::Expense);
        let needs: &[Ledger] = match kind {
            Kind::Fee | Kind::Refund => &[Ledger::PupilId, Ledger::Period],
            Kind::Pay => &[Ledger::ContractId],
            Kind::Expense | Kind::Grant => &[Ledger::Category],
        };
        for &col in needs {
            if f.text(col).is_empty() {
                let col = f.name(col);
                f.problem(Msg::new(
                    format!("{} 行必须填写“{col}”", kind.as_str()),
                    format!("a {} row needs “{col}”", kind.as_str()),
                ));
            }
        }
        let e = Entry {
            line: f.line,
            date: f.date(Ledger::Date).unwrap_or_default(),
            kind,
            amount: f.money(Ledger::Amount).unwrap_or_default(),
            pupil_id: f.opt(Ledger::PupilId),
            period: f.opt(Ledger::Period),
            collected_by: f.opt(Ledger::CollectedBy),
            receipt: f.opt(Ledger::Receipt),
            memo: f.opt(Ledger::Memo),
            apart: None,
        }
        .with_apart(f.opt(Ledger::ContractId), f.opt(Ledger::Category));
        f.finish(e, out)
    }

    fn write(e: &Entry, col: Ledger, out: &mut dyn Put) {
        let Entry {
            line: _,
            date,
            kind,
            amount,
            pupil_id,
            period,
            collected_by,
            receipt,
            memo,
            apart,
        } = e;
        let (contract_id, category) = match apart.as_deref() {
            Some(Apart { contract_id, category }) => (contract_id.as_ref(), category.as_ref()),
            None => (None, None),
        };
        match col {
            Ledger::Date => out.date(*date),
            Ledger::Kind => out.text(kind.as_str()),
            Ledger::Amount => out.money(*amount),
            Ledger::PupilId => put_text(pupil_id, out),
            Ledger::ContractId => put_text(&contract_id, out),
            Ledger::Category => put_text(&category, out),
            Ledger::Period => put_text(period, out),
            Ledger::CollectedBy => put_text(collected_by, out),
            Ledger::Receipt => put_text(receipt, out),
            Ledger::Memo => put_text(memo, out),
        }
    }
}

impl Kept for Ledger {
    fn rows(r: &Records) -> &[Entry] {
        &r.entries
    }

    fn rows_mut(r: &mut Records) -> &mut Vec<Entry> {
        &mut r.entries
    }

    fn keep(r: &mut Records, loaded: Option<Loaded<Entry>>) {
        if let Some(l) = loaded {
            r.ledger_complete = l.complete();
            r.entries = l.items;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::date::parse_date;
    use crate::records::file::RecordFile;
    use crate::records::{Records, Source};

    fn row(kind: Kind) -> Entry {
        Entry::new(parse_date("2026-09-01").unwrap(), kind, Money::parse("12.50").unwrap())
    }

    #[test]
    fn a_row_with_neither_contract_nor_category_holds_no_box() {
        assert_eq!(row(Kind::Fee).with_apart(None, None), row(Kind::Fee));
        assert!(row(Kind::Fee).with_apart(None, None).apart.is_none());
        let mut pay = row(Kind::Fee).with_apart(Some("C1".into()), None);
        assert_eq!(pay.contract_id().map(|c| c.as_str()), Some("C1"));
        pay.set_contract_id(None);
        assert_eq!(pay, row(Kind::Fee));
        assert!(pay.apart.is_none());
    }

    #[test]
    fn contracts_and_categories_are_read_back_as_written() {
        let rows = [
            Entry {
                memo: Some("9 个托管日".into()),
                ..row(Kind::Pay).with_apart(Some("C001".into()), None)
            },
            row(Kind::Expense).with_apart(None, Some("materials".into())),
            row(Kind::Grant).with_apart(Some("C2".into()), Some("财政补助".into())),
        ];
        let text = Ledger::text(&rows);
        let r = Records::load_from(&Source::new(std::path::Path::new("/nonexistent")).with(FILE, text.into_bytes()));
        let read: Vec<(Option<&str>, Option<&str>, Option<&str>)> = r
            .entries
            .iter()
            .map(|e| {
                (
                    e.contract_id().map(|s| s.as_str()),
                    e.category().map(|s| s.as_str()),
                    e.memo.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            read,
            [
                (Some("C001"), None, Some("9 个托管日")),
                (None, Some("materials"), None),
                (Some("C2"), Some("财政补助"), None),
            ]
        );
    }
}
