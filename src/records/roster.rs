//! roster.csv: one row per pupil application (申请表, 审核登记, 托管协议).

use super::date::{Date, push_date};
use super::fields::Fields;
use super::file::{Kept, RecordFile, Sort, Type, put_date, put_text};
use super::load::Loaded;
use super::table::columns;
use super::{Records, Unread};
use crate::findings::{Finding, Msg};

pub const FILE: &str = "roster.csv";

columns! {
    /// The columns of roster.csv.
    pub enum Roster {
        PupilId: req("pupil_id", "学号"),
        Name: req("name", "姓名"),
        Grade: req("grade", "年级"),
        Class: req("class", "班级"),
        Guardian: req("guardian", "监护人"),
        Phone: opt("phone", "电话"),
        AppliedOn: req("applied_on", "申请日期"),
        SignedBy: req("signed_by", "签字人"),
        ReviewedOn: opt("reviewed_on", "审核日期"),
        AgreedOn: opt("agreed_on", "协议日期"),
        Starts: opt("starts", "开始日期"),
        Ends: opt("ends", "结束日期"),
        Note: opt("note", "备注"),
    }
}

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

impl RecordFile for Roster {
    type Row = Pupil;
    const FILE: &'static str = FILE;
    const REQUIRED: bool = true;
    const KEY: Option<Self> = Some(Roster::PupilId);
    const MONEY: &'static [Self] = &[];
    const ORDER: &'static [(Self, Sort)] = &[(Roster::PupilId, Sort::Natural)];
    const TABLE: Option<&'static str> = Some("pupils");
    const DATES: &'static [Self] = &[
        Roster::AppliedOn,
        Roster::ReviewedOn,
        Roster::AgreedOn,
        Roster::Starts,
        Roster::Ends,
    ];
    const COUNTS: &'static [Self] = &[Roster::Grade];
    const PRIVATE: &'static [Self] = &[Roster::Name, Roster::Guardian, Roster::Phone, Roster::SignedBy, Roster::Note];
    const DERIVED: &'static [(&'static str, Type)] = &[("status", Type::Text)];

    fn read(mut f: Fields<'_, Roster>, out: &mut Vec<Finding>) -> Option<Pupil> {
        let grade_text = f.req(Roster::Grade);
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
            id: f.id(Roster::PupilId),
            name: f.req(Roster::Name),
            grade,
            class: f.req(Roster::Class),
            guardian: f.req(Roster::Guardian),
            phone: f.opt(Roster::Phone),
            applied_on: f.date(Roster::AppliedOn).unwrap_or_default(),
            signed_by: f.text(Roster::SignedBy).to_owned(),
            reviewed_on: f.opt_date(Roster::ReviewedOn),
            agreed_on: f.opt_date(Roster::AgreedOn),
            starts: f.opt_date(Roster::Starts),
            ends: f.opt_date(Roster::Ends),
            note: f.opt(Roster::Note),
        };
        f.finish(p, out)
    }

    /// The application's status on the day, as `care status` counts it.
    fn derive(r: &Records, i: usize, today: Date, out: &mut [String]) {
        if let (Some(p), [status]) = (r.pupils.get(i), out) {
            status.push_str(&p.status(today).label().en);
        }
    }

    fn write(p: &Pupil, col: Roster, out: &mut String) {
        let Pupil {
            line: _,
            id,
            name,
            grade,
            class,
            guardian,
            phone,
            applied_on,
            signed_by,
            reviewed_on,
            agreed_on,
            starts,
            ends,
            note,
        } = p;
        match col {
            Roster::PupilId => out.push_str(id),
            Roster::Name => out.push_str(name),
            Roster::Grade => out.push_str(&grade.to_string()),
            Roster::Class => out.push_str(class),
            Roster::Guardian => out.push_str(guardian),
            Roster::Phone => put_text(phone, out),
            Roster::AppliedOn => push_date(*applied_on, out),
            Roster::SignedBy => out.push_str(signed_by),
            Roster::ReviewedOn => put_date(*reviewed_on, out),
            Roster::AgreedOn => put_date(*agreed_on, out),
            Roster::Starts => put_date(*starts, out),
            Roster::Ends => put_date(*ends, out),
            Roster::Note => put_text(note, out),
        }
    }
}

impl Kept for Roster {
    fn rows(r: &Records) -> &[Pupil] {
        &r.pupils
    }

    fn rows_mut(r: &mut Records) -> &mut Vec<Pupil> {
        &mut r.pupils
    }

    fn keep(r: &mut Records, loaded: Option<Loaded<Pupil>>) {
        match loaded {
            Some(l) => {
                r.unread_pupils = Unread {
                    all: l.broken,
                    ids: l.unread,
                };
                r.pupils = l.items;
            }
            None => r.unread_pupils = Unread::whole_file(),
        }
    }
}
