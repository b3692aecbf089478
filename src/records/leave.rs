//! leave.csv: pupils' leave (请假), one row per absence. Optional: `care leave add` makes it.

use super::Records;
use super::date::Date;
use super::fields::Fields;
use super::file::{Kept, Put, RecordFile, Sort, put_text};
use super::table::columns;
use crate::findings::{Finding, Msg};

pub const FILE: &str = "leave.csv";

columns! {
    /// The columns of leave.csv.
    pub enum Leaves {
        PupilId: req("pupil_id", "学号"),
        From: req("from", "开始日期"),
        To: req("to", "结束日期"),
        Reason: opt("reason", "事由"),
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Leave {
    pub line: usize,
    pub pupil_id: String,
    /// First day away.
    pub from: Date,
    /// Last day away (inclusive).
    pub to: Date,
    /// Internal: never printed in a public report.
    pub reason: Option<String>,
}

impl Leave {
    /// Whether the leave and the days `from` to `to` share a day.
    pub fn overlaps(&self, from: Date, to: Date) -> bool {
        self.from <= to && from <= self.to
    }
}

impl RecordFile for Leaves {
    type Row = Leave;
    const FILE: &'static str = FILE;
    const REQUIRED: bool = false;
    const KEY: Option<Self> = None;
    const PUPIL: Option<Self> = Some(Leaves::PupilId);
    const MONEY: &'static [Self] = &[];
    const ORDER: &'static [(Self, Sort)] = &[(Leaves::PupilId, Sort::Natural), (Leaves::From, Sort::Text)];
    const TABLE: Option<&'static str> = Some("leave");
    const DATES: &'static [Self] = &[Leaves::From, Leaves::To];
    const PRIVATE: &'static [Self] = &[Leaves::Reason];

    fn read(mut f: Fields<'_, Leaves>, out: &mut Vec<Finding>) -> Option<Leave> {
        let pupil_id = f.id(Leaves::PupilId);
        let from = f.date(Leaves::From);
        let to = f.date(Leaves::To);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            f.problem(Msg::new(
                format!("请假结束日 {to} 早于开始日 {from}：to 填最后一天，不早于 from"),
                format!("the leave ends on {to}, before it starts on {from}: to is the last day away, not before from"),
            ));
        }
        let l = Leave {
            line: f.line,
            pupil_id,
            from: from.unwrap_or_default(),
            to: to.unwrap_or_default(),
            reason: f.opt(Leaves::Reason),
        };
        f.finish(l, out)
    }

    fn write(l: &Leave, col: Leaves, out: &mut dyn Put) {
        let Leave {
            line: _,
            pupil_id,
            from,
            to,
            reason,
        } = l;
        match col {
            Leaves::PupilId => out.text(pupil_id),
            Leaves::From => out.date(*from),
            Leaves::To => out.date(*to),
            Leaves::Reason => put_text(reason, out),
        }
    }
}

impl Kept for Leaves {
    fn rows(r: &Records) -> &[Leave] {
        &r.leave
    }

    fn rows_mut(r: &mut Records) -> &mut Vec<Leave> {
        &mut r.leave
    }
}
