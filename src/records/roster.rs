//! roster.csv: one row per pupil application (申请表, 审核登记, 托管协议).

use super::date::Date;
use super::fields::Fields;
use super::table::{Column, Table, opt, req};
use crate::findings::{Finding, Msg};

pub const FILE: &str = "roster.csv";
pub const COLUMNS: &[Column] = &[
    req("pupil_id"),
    req("name"),
    req("grade"),
    req("class"),
    req("guardian"),
    opt("phone"),
    req("applied_on"),
    req("signed_by"),
    opt("reviewed_on"),
    opt("agreed_on"),
    opt("starts"),
    opt("ends"),
    opt("note"),
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pupil {
    pub line: usize,
    pub id: String,
    pub name: String,
    pub grade: u8,
    pub class: String,
    pub guardian: String,
    pub phone: Option<String>,
    pub applied_on: Date,
    pub signed_by: String,
    pub reviewed_on: Option<Date>,
    pub agreed_on: Option<Date>,
    pub starts: Option<Date>,
    pub ends: Option<Date>,
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Applied,
    Reviewed,
    /// Agreement signed but care has not started yet (no `starts`, or a later one).
    Agreed,
    Enrolled,
    Withdrawn,
}

impl Status {
    pub fn label(self) -> Msg {
        let (zh, en) = match self {
            Status::Applied => ("已申请", "applied"),
            Status::Reviewed => ("已审核", "reviewed"),
            Status::Agreed => ("已签协议", "agreed"),
            Status::Enrolled => ("在托", "enrolled"),
            Status::Withdrawn => ("已退出", "withdrawn"),
        };
        Msg::new(zh, en)
    }
}

impl Pupil {
    /// Derived on `today`, never stored.
    pub fn status(&self, today: Date) -> Status {
        if self.ends.is_some_and(|e| e < today) {
            return Status::Withdrawn;
        }
        match (self.reviewed_on, self.agreed_on, self.starts) {
            (None, None, _) => Status::Applied,
            (_, None, _) => Status::Reviewed,
            (_, Some(_), Some(s)) if s <= today => Status::Enrolled,
            _ => Status::Agreed,
        }
    }

    /// First and last day of care, when care has a start; the last day is open without `ends`.
    pub fn care_period(&self) -> Option<(Date, Option<Date>)> {
        self.starts.map(|s| (s, self.ends))
    }
}

pub fn load(table: &Table, out: &mut Vec<Finding>) -> Vec<Pupil> {
    table.rows.iter().filter_map(|row| read(Fields::new(table, row), out)).collect()
}

/// One row; `None`, with the findings that say why, when it cannot be read.
pub fn read(mut f: Fields<'_>, out: &mut Vec<Finding>) -> Option<Pupil> {
    let grade_text = f.req("grade");
    let grade = match grade_text.parse::<u8>() {
        Ok(g) if (1..=6).contains(&g) => g,
        _ => {
            if !grade_text.is_empty() {
                f.problem(Msg::new(
                    format!("年级“{grade_text}”无效，应为 1 到 6 的整数"),
                    format!("grade “{grade_text}” is not a whole number from 1 to 6"),
                ));
            }
            0
        }
    };
    let p = Pupil {
        line: f.line,
        id: f.id("pupil_id"),
        name: f.req("name"),
        grade,
        class: f.req("class"),
        guardian: f.req("guardian"),
        phone: f.opt("phone"),
        applied_on: f.date("applied_on").unwrap_or_default(),
        signed_by: f.text("signed_by").to_owned(),
        reviewed_on: f.opt_date("reviewed_on"),
        agreed_on: f.opt_date("agreed_on"),
        starts: f.opt_date("starts"),
        ends: f.opt_date("ends"),
        note: f.opt("note"),
    };
    f.finish(p, out)
}
