//! roster.csv: one row per pupil application (申请表, 审核登记, 托管协议).

use rust_decimal::Decimal;

use super::date::Date;
use super::fields::Fields;
use super::file::{Kept, Put, RecordFile, Sort, Type, put_date, put_text};
use super::load::Loaded;
use super::plan::Term;
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
        Term: opt("term", "学期"),
        Waiver: opt("waiver", "减免比例"),
        WaiverReason: opt("waiver_reason", "减免原因"),
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
    /// The term this application is for, as written; empty: the term of its dates (see
    /// [`Plan::term_of_application`](super::plan::Plan::term_of_application)).
    pub term: Option<String>,
    /// Reduction of the fee standard in percent, as written (at most two decimals).
    pub waiver: Option<Decimal>,
    /// Why; internal, never in a public report.
    pub waiver_reason: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Applied,
    Reviewed,
    /// Agreement signed but care has not started yet (no `starts`, or a later one).
    Agreed,
    Enrolled,
    /// Care ended before the end of its term.
    Withdrawn,
    /// The term has ended and care ran to its end.
    Completed,
}

impl Status {
    pub fn label(self) -> Msg {
        let (zh, en) = match self {
            Status::Applied => ("已申请", "applied"),
            Status::Reviewed => ("已审核", "reviewed"),
            Status::Agreed => ("已签协议", "agreed"),
            Status::Enrolled => ("在托", "enrolled"),
            Status::Withdrawn => ("已退出", "withdrawn"),
            Status::Completed => ("已结束", "completed"),
        };
        Msg::new(zh, en)
    }

    /// The name reports and exports use: `applied`, `reviewed`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::Reviewed => "reviewed",
            Status::Agreed => "agreed",
            Status::Enrolled => "enrolled",
            Status::Withdrawn => "withdrawn",
            Status::Completed => "completed",
        }
    }
}

impl Pupil {
    /// The status of this application for its term on `today`; derived, never stored.
    pub fn status(&self, term: Option<&Term>, today: Date) -> Status {
        if self.ends.is_some_and(|e| e < today && term.is_none_or(|t| e < t.ends)) {
            return Status::Withdrawn;
        }
        if let Some(t) = term
            && t.ends < today
            && self.agreed_on.is_some()
            && self.starts.is_some_and(|s| s <= t.ends)
        {
            return Status::Completed;
        }
        match (self.reviewed_on, self.agreed_on, self.starts) {
            (None, None, _) => Status::Applied,
            (_, None, _) => Status::Reviewed,
            (_, Some(_), Some(s)) if s <= today => Status::Enrolled,
            _ => Status::Agreed,
        }
    }
}

/// A waiver as a percentage with at most two decimals; whether it lies within 0–100 is a rule's
/// to say.
fn waiver(f: &mut Fields<'_, Roster>) -> Option<Decimal> {
    let text = f.text(Roster::Waiver);
    if text.is_empty() {
        return None;
    }
    match text.parse::<Decimal>() {
        Ok(w) if w.scale() <= 2 => Some(w),
        _ => {
            f.problem(Msg::new(
                format!("减免比例“{text}”无效，应为百分数（如 50 或 12.5），最多两位小数"),
                format!("waiver “{text}” must be a percentage (e.g. 50 or 12.5) with at most two decimals"),
            ));
            None
        }
    }
}

impl RecordFile for Roster {
    type Row = Pupil;
    const FILE: &'static str = FILE;
    const REQUIRED: bool = true;
    const KEY: Option<Self> = Some(Roster::PupilId);
    const PUPIL: Option<Self> = Some(Roster::PupilId);
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
    const PERCENTS: &'static [Self] = &[Roster::Waiver];
    /// The term as written is left out: the export gives the term the row is for.
    const PRIVATE: &'static [Self] = &[
        Roster::Name,
        Roster::Guardian,
        Roster::Phone,
        Roster::SignedBy,
        Roster::Note,
        Roster::Term,
        Roster::WaiverReason,
    ];
    const DERIVED: &'static [(&'static str, Type)] = &[("term", Type::Text), ("status", Type::Text)];

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
            term: f.opt(Roster::Term),
            waiver: waiver(&mut f),
            waiver_reason: f.opt(Roster::WaiverReason),
        };
        f.finish(p, out)
    }

    /// The term the application is for, and its status in it on the day, as `care status`
    /// counts it.
    fn derive(r: &Records, i: usize, today: Date, out: &mut [String]) {
        if let (Some(p), [term, status]) = (r.pupils.get(i), out) {
            let t = r.term_of_pupil(p);
            term.push_str(t.map_or("", |t| t.id.as_str()));
            status.push_str(p.status(t, today).as_str());
        }
    }

    fn write(p: &Pupil, col: Roster, out: &mut dyn Put) {
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
            term,
            waiver,
            waiver_reason,
        } = p;
        match col {
            Roster::PupilId => out.text(id),
            Roster::Name => out.text(name),
            Roster::Grade => out.text(&grade.to_string()),
            Roster::Class => out.text(class),
            Roster::Guardian => out.text(guardian),
            Roster::Phone => put_text(phone, out),
            Roster::AppliedOn => out.date(*applied_on),
            Roster::SignedBy => out.text(signed_by),
            Roster::ReviewedOn => put_date(*reviewed_on, out),
            Roster::AgreedOn => put_date(*agreed_on, out),
            Roster::Starts => put_date(*starts, out),
            Roster::Ends => put_date(*ends, out),
            Roster::Note => put_text(note, out),
            Roster::Term => put_text(term, out),
            Roster::Waiver => {
                if let Some(w) = waiver {
                    out.text(&w.to_string());
                }
            }
            Roster::WaiverReason => put_text(waiver_reason, out),
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::records::date::parse_date;
    use crate::records::toml_doc::At;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    /// A row that has applied, with nothing else yet.
    pub(crate) fn pupil(id: &str) -> Pupil {
        Pupil {
            line: 2,
            id: id.into(),
            name: "王小明".into(),
            grade: 3,
            class: "2".into(),
            guardian: "王建军".into(),
            phone: None,
            applied_on: d("2026-08-20"),
            signed_by: "王建军".into(),
            reviewed_on: None,
            agreed_on: None,
            starts: None,
            ends: None,
            note: None,
            term: None,
            waiver: None,
            waiver_reason: None,
        }
    }

    /// The autumn term of 2026, without holidays.
    pub(crate) fn term() -> Term {
        Term {
            line: 1,
            id: "2026-autumn".into(),
            name: "秋".into(),
            starts: d("2026-09-01"),
            ends: d("2027-01-22"),
            settle_by: At {
                v: d("2027-01-15"),
                line: 1,
            },
            holidays: vec![],
            workdays: vec![],
        }
    }

    #[test]
    fn status_of_a_row_in_its_term() {
        let t = term();
        let on = |p: &Pupil, today: &str| p.status(Some(&t), d(today));
        let mut p = pupil("P1");
        assert_eq!(on(&p, "2026-08-21"), Status::Applied);
        p.reviewed_on = Some(d("2026-08-25"));
        assert_eq!(on(&p, "2026-08-26"), Status::Reviewed);
        p.agreed_on = Some(d("2026-08-28"));
        p.starts = Some(d("2026-09-01"));
        assert_eq!(on(&p, "2026-08-29"), Status::Agreed);
        assert_eq!(on(&p, "2026-09-01"), Status::Enrolled);
        assert_eq!(on(&p, "2027-01-22"), Status::Enrolled);
        // The term over, care ran to its end.
        assert_eq!(on(&p, "2027-01-23"), Status::Completed);
        p.ends = Some(d("2027-01-22"));
        assert_eq!(on(&p, "2027-01-23"), Status::Completed);
        // Care ended early.
        p.ends = Some(d("2026-11-14"));
        assert_eq!(on(&p, "2026-11-14"), Status::Enrolled);
        assert_eq!(on(&p, "2026-11-15"), Status::Withdrawn);
        assert_eq!(on(&p, "2027-03-01"), Status::Withdrawn);
        // An application never agreed stays what it was.
        let q = pupil("P2");
        assert_eq!(on(&q, "2027-03-01"), Status::Applied);
        assert_eq!(q.status(None, d("2027-03-01")), Status::Applied);
    }
}
