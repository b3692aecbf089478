//! The roster (学生名册), internal: every application with its consent dates, status and, for a
//! term, care days. Names and phones in full: the committee uses it to reach families.

use std::collections::BTreeMap;

use serde::Serialize;

use super::sheet::{Sheet, ToCell, Typed};
use super::values::{InternalHeading, word, words};
use super::{Context, Data, Kind, Words, labels_with};
use crate::domain::leave::care_days_less_leave;
use crate::findings::Lang;
use crate::records::plan::Term;
use crate::records::{Date, Records};

#[derive(Clone, Debug, Serialize)]
pub struct Roster {
    #[serde(flatten)]
    pub heading: InternalHeading,
    /// Statuses are as of this day (`--today`).
    pub today: String,
    pub count: usize,
    /// The care days of all pupils, with a term.
    pub care_days: u64,
    pub pupils: Vec<RosterPupil>,
    pub by_status: Vec<StatusCount>,
    pub by_grade: Vec<GradeCount>,
}

/// An application, with its consent dates and status.
#[derive(Clone, Debug, Serialize)]
pub struct RosterPupil {
    pub pupil_id: String,
    pub name: String,
    pub grade: u8,
    pub class: String,
    pub guardian: String,
    pub phone: Option<String>,
    pub applied_on: String,
    pub signed_by: String,
    pub reviewed_on: Option<String>,
    pub agreed_on: Option<String>,
    pub starts: Option<String>,
    pub ends: Option<String>,
    /// The term the application is for (its own, or that of its dates).
    pub term: Option<String>,
    /// In its term: `applied`, `reviewed`, `agreed`, `enrolled`, `withdrawn` or `completed`.
    pub status: String,
    pub status_label: String,
    pub care_days: Option<u32>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StatusCount {
    pub status: String,
    pub label: String,
    pub count: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct GradeCount {
    pub grade: u8,
    pub count: usize,
}

/// With a term: its applications. Status is each application's in its term, as of `today`.
pub fn context(records: &Records, term: Option<&Term>, today: Date, lang: Lang) -> Context<Roster> {
    let plan = records.plan.as_ref();
    let mut pupils: Vec<_> = records
        .pupils
        .iter()
        .filter(|p| term.is_none_or(|t| records.term_of_pupil(p).is_some_and(|pt| pt.id == t.id)))
        .collect();
    pupils.sort_by(|a, b| (a.grade, &a.class, &a.id).cmp(&(b.grade, &b.class, &b.id)));
    let mut by_status: BTreeMap<_, usize> = BTreeMap::new();
    let mut by_grade: BTreeMap<u8, usize> = BTreeMap::new();
    let o = |d: Option<Date>| d.map(|d| d.to_string());
    let rows: Vec<RosterPupil> = pupils
        .iter()
        .map(|p| {
            let own = records.term_of_pupil(p);
            let status = p.status(own, today);
            *by_status.entry(status).or_default() += 1;
            *by_grade.entry(p.grade).or_default() += 1;
            let days = match (plan, term) {
                (Some(pl), Some(t)) => Some(care_days_less_leave(pl, t, p, &records.leave)),
                _ => None,
            };
            RosterPupil {
                pupil_id: p.id.clone(),
                name: p.name.clone(),
                grade: p.grade,
                class: p.class.clone(),
                guardian: p.guardian.clone(),
                phone: p.phone.clone(),
                applied_on: p.applied_on.to_string(),
                signed_by: p.signed_by.clone(),
                reviewed_on: o(p.reviewed_on),
                agreed_on: o(p.agreed_on),
                starts: o(p.starts),
                ends: o(p.ends),
                term: own.map(|t| t.id.clone()),
                status: status.as_str().to_owned(),
                status_label: status.label().get(lang).to_owned(),
                care_days: days,
                note: p.note.clone(),
            }
        })
        .collect();
    let (heading, chart) = InternalHeading::of(records, lang, term);
    let data = Roster {
        heading,
        today: today.to_string(),
        count: rows.len(),
        care_days: rows.iter().filter_map(|r| r.care_days).map(u64::from).sum(),
        pupils: rows,
        by_status: by_status
            .iter()
            .map(|(s, n)| StatusCount {
                status: s.as_str().to_owned(),
                label: s.label().get(lang).to_owned(),
                count: *n,
            })
            .collect(),
        by_grade: by_grade.iter().map(|(g, n)| GradeCount { grade: *g, count: *n }).collect(),
    };
    Context {
        data,
        chart,
        t: labels_with(lang, LABELS),
    }
}

impl Data for Roster {
    const KIND: Kind = Kind::Roster;

    /// The pupils.
    fn sheets(&self, t: &Words) -> Vec<Sheet> {
        vec![Sheet {
            name: word(t, "sheet"),
            headers: words(
                t,
                &[
                    "pupil_id",
                    "name",
                    "grade",
                    "class",
                    "guardian",
                    "phone",
                    "applied_on",
                    "signed_by",
                    "reviewed_on",
                    "agreed_on",
                    "starts",
                    "ends",
                    "status_label",
                    "care_days",
                    "note",
                    "term",
                ],
            ),
            rows: self
                .pupils
                .iter()
                .map(|p| {
                    vec![
                        p.pupil_id.cell(),
                        p.name.cell(),
                        p.grade.cell(),
                        p.class.cell(),
                        p.guardian.cell(),
                        p.phone.cell(),
                        p.applied_on.date(),
                        p.signed_by.cell(),
                        p.reviewed_on.date(),
                        p.agreed_on.date(),
                        p.starts.date(),
                        p.ends.date(),
                        p.status_label.cell(),
                        p.care_days.cell(),
                        p.note.cell(),
                        p.term.cell(),
                    ]
                })
                .collect(),
        }]
    }
}

const LABELS: &[(&str, &str, &str)] = &[
    ("title", "课后服务学生名册", "After-school care: roster"),
    ("sheet", "学生名册", "Roster"),
    ("as_of", "状态日期", "Status as of"),
    ("phone", "电话", "Phone"),
    ("applied_on", "申请日期", "Applied on"),
    ("signed_by", "申请人签字", "Signed by"),
    ("reviewed_on", "审核登记", "Reviewed on"),
    ("agreed_on", "签订协议", "Agreement signed"),
    ("starts", "开始托管", "Care starts"),
    ("ends", "结束托管", "Care ends"),
    ("status_label", "状态", "Status"),
    ("care_days", "托管天数", "Care days"),
    ("count", "人数", "Pupils"),
    ("by_status", "按状态", "By status"),
    ("by_grade", "按年级", "By grade"),
    ("pupils", "名册", "Pupils"),
];
