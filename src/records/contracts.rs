//! contracts.csv: one row per staff hiring agreement (聘用协议).

use super::date::Date;
use super::fields::Fields;
use super::money::Money;
use super::table::{Column, Table, opt, req};
use crate::findings::{Finding, Msg};

pub const FILE: &str = "contracts.csv";
pub const COLUMNS: &[Column] = &[
    req("contract_id"),
    req("name"),
    req("kind"),
    req("role"),
    req("signed_on"),
    req("starts"),
    req("ends"),
    opt("qualified_on"),
    opt("background_on"),
    opt("rate"),
    opt("unit"),
    opt("note"),
];

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

pub fn load(table: &Table, out: &mut Vec<Finding>) -> Vec<Contract> {
    table.rows.iter().filter_map(|row| read(Fields::new(table, row), out)).collect()
}

/// One row; `None`, with the findings that say why, when it cannot be read.
pub fn read(mut f: Fields<'_>, out: &mut Vec<Finding>) -> Option<Contract> {
    let kind_text = f.req("kind");
    let kind = StaffKind::parse(&kind_text);
    if kind.is_none() && !kind_text.is_empty() {
        f.problem(Msg::new(
            format!("kind“{kind_text}”无效，应为 parent、professional 或 school"),
            format!("kind “{kind_text}” must be parent, professional or school"),
        ));
    }
    let c = Contract {
        line: f.line,
        id: f.id("contract_id"),
        name: f.req("name"),
        kind: kind.unwrap_or(StaffKind::School),
        role: f.req("role"),
        signed_on: f.date("signed_on").unwrap_or_default(),
        starts: f.date("starts").unwrap_or_default(),
        ends: f.date("ends").unwrap_or_default(),
        qualified_on: f.opt_date("qualified_on"),
        background_on: f.opt_date("background_on"),
        rate: f.opt_money("rate"),
        unit: f.opt("unit"),
        note: f.opt("note"),
    };
    f.finish(c, out)
}
