//! contracts.csv: one row per staff hiring agreement (聘用协议).

use super::date::Date;
use super::fields::Fields;
use super::file::{Kept, Put, RecordFile, Sort, put_date, put_money, put_text};
use super::load::Loaded;
use super::money::Money;
use super::table::columns;
use super::{Records, Unread};
use crate::findings::{Finding, Msg};

pub const FILE: &str = "contracts.csv";

columns! {
    /// The columns of contracts.csv.
    pub enum Contracts {
        ContractId: req("contract_id", "合同编号"),
        Name: req("name", "姓名"),
        Kind: req("kind", "类别"),
        Role: req("role", "岗位"),
        SignedOn: req("signed_on", "签订日期"),
        Starts: req("starts", "开始日期"),
        Ends: req("ends", "结束日期"),
        QualifiedOn: opt("qualified_on", "资格审核日期"),
        BackgroundOn: opt("background_on", "背景调查日期"),
        Rate: opt("rate", "报酬标准"),
        Unit: opt("unit", "计酬单位"),
        Note: opt("note", "备注"),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StaffKind {
    Parent,
    Professional,
    School,
}

impl StaffKind {
    pub fn parse(s: &str) -> Option<StaffKind> {
        match s {
            "parent" => Some(StaffKind::Parent),
            "professional" => Some(StaffKind::Professional),
            "school" => Some(StaffKind::School),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StaffKind::Parent => "parent",
            StaffKind::Professional => "professional",
            StaffKind::School => "school",
        }
    }

    pub fn label(self) -> Msg {
        match self {
            StaffKind::Parent => Msg::new("家长", "parent"),
            StaffKind::Professional => Msg::new("社会专业人员", "professional"),
            StaffKind::School => Msg::new("学校教职工", "school staff"),
        }
    }

    /// Outsiders coming into the school need a background check (四(二)).
    pub fn needs_background_check(self) -> bool {
        matches!(self, StaffKind::Parent | StaffKind::Professional)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contract {
    pub line: usize,
    pub id: String,
    pub name: String,
    pub kind: StaffKind,
    pub role: String,
    pub signed_on: Date,
    pub starts: Date,
    pub ends: Date,
    pub qualified_on: Option<Date>,
    pub background_on: Option<Date>,
    pub rate: Option<Money>,
    pub unit: Option<String>,
    pub note: Option<String>,
}

/// An empty row: the room a row of the file is read into (see `records::load`).
impl Default for Contract {
    fn default() -> Self {
        Contract {
            line: 0,
            id: String::new(),
            name: String::new(),
            kind: StaffKind::School,
            role: String::new(),
            signed_on: Date::default(),
            starts: Date::default(),
            ends: Date::default(),
            qualified_on: None,
            background_on: None,
            rate: None,
            unit: None,
            note: None,
        }
    }
}

impl RecordFile for Contracts {
    type Row = Contract;
    const FILE: &'static str = FILE;
    const REQUIRED: bool = true;
    const KEY: Option<Self> = Some(Contracts::ContractId);
    const MONEY: &'static [Self] = &[Contracts::Rate];
    const ORDER: &'static [(Self, Sort)] = &[(Contracts::ContractId, Sort::Natural)];
    const TABLE: Option<&'static str> = Some("contracts");
    const DATES: &'static [Self] = &[
        Contracts::SignedOn,
        Contracts::Starts,
        Contracts::Ends,
        Contracts::QualifiedOn,
        Contracts::BackgroundOn,
    ];
    const PRIVATE: &'static [Self] = &[Contracts::Note];

    fn read(mut f: Fields<'_, Contracts>, out: &mut Vec<Finding>) -> Option<Contract> {
        let kind_text = f.req(Contracts::Kind);
        let kind = StaffKind::parse(&kind_text);
        if kind.is_none() && !kind_text.is_empty() {
            let k = f.name(Contracts::Kind);
            f.problem(Msg::new(
                format!("{k}“{kind_text}”无效，应为 parent、professional 或 school"),
                format!("{k} “{kind_text}” must be parent, professional or school"),
            ));
        }
        let c = Contract {
            line: f.line,
            id: f.id(Contracts::ContractId),
            name: f.req(Contracts::Name),
            kind: kind.unwrap_or(StaffKind::School),
            role: f.req(Contracts::Role),
            signed_on: f.date(Contracts::SignedOn).unwrap_or_default(),
            starts: f.date(Contracts::Starts).unwrap_or_default(),
            ends: f.date(Contracts::Ends).unwrap_or_default(),
            qualified_on: f.opt_date(Contracts::QualifiedOn),
            background_on: f.opt_date(Contracts::BackgroundOn),
            rate: f.opt_money(Contracts::Rate),
            unit: f.opt(Contracts::Unit),
            note: f.opt(Contracts::Note),
        };
        f.finish(c, out)
    }

    fn write(c: &Contract, col: Contracts, out: &mut dyn Put) {
        let Contract {
            line: _,
            id,
            name,
            kind,
            role,
            signed_on,
            starts,
            ends,
            qualified_on,
            background_on,
            rate,
            unit,
            note,
        } = c;
        match col {
            Contracts::ContractId => out.text(id),
            Contracts::Name => out.text(name),
            Contracts::Kind => out.text(kind.as_str()),
            Contracts::Role => out.text(role),
            Contracts::SignedOn => out.date(*signed_on),
            Contracts::Starts => out.date(*starts),
            Contracts::Ends => out.date(*ends),
            Contracts::QualifiedOn => put_date(*qualified_on, out),
            Contracts::BackgroundOn => put_date(*background_on, out),
            Contracts::Rate => put_money(*rate, out),
            Contracts::Unit => put_text(unit, out),
            Contracts::Note => put_text(note, out),
        }
    }
}

impl Kept for Contracts {
    fn rows(r: &Records) -> &[Contract] {
        &r.contracts
    }

    fn rows_mut(r: &mut Records) -> &mut Vec<Contract> {
        &mut r.contracts
    }

    fn keep(r: &mut Records, loaded: Option<Loaded<Contract>>) {
        match loaded {
            Some(l) => {
                r.unread_contracts = Unread {
                    all: l.broken,
                    ids: l.unread,
                };
                r.contracts = l.items;
            }
            None => r.unread_contracts = Unread::whole_file(),
        }
    }
}
