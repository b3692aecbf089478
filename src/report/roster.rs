//! The roster (学生名册), internal: every application with its consent dates, status and, for a
//! term, care days. Names and phones in full: the committee uses it to reach families.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::csv::Table;
use super::labels_with;
use super::values::{cell, internal_heading, list, word};
use crate::domain::calendar::{care_days, in_care_during};
use crate::findings::Lang;
use crate::records::plan::Term;
use crate::records::{Date, Records};

/// With a term: the pupils whose care shares a day with it. Status is as of `today`.
pub fn context(records: &Records, term: Option<&Term>, today: Date, lang: Lang) -> Value {
    let plan = records.plan.as_ref();
    let mut pupils: Vec<_> = records
        .pupils
        .iter()
        .filter(|p| term.is_none_or(|t| in_care_during(p, t.starts, t.ends)))
        .collect();
    pupils.sort_by(|a, b| (a.grade, &a.class, &a.id).cmp(&(b.grade, &b.class, &b.id)));
    let mut by_status: BTreeMap<_, usize> = BTreeMap::new();
    let mut by_grade: BTreeMap<u8, usize> = BTreeMap::new();
    let o = |d: Option<Date>| d.map(|d| d.to_string());
    let rows: Vec<Value> = pupils
        .iter()
        .map(|p| {
            let status = p.status(today);
            *by_status.entry(status).or_default() += 1;
            *by_grade.entry(p.grade).or_default() += 1;
            let days = match (plan, term) {
                (Some(pl), Some(t)) => Some(care_days(pl, t, p)),
                _ => None,
            };
            json!({
                "pupil_id": p.id,
                "name": p.name,
                "grade": p.grade,
                "class": p.class,
                "guardian": p.guardian,
                "phone": p.phone,
                "applied_on": p.applied_on.to_string(),
                "signed_by": p.signed_by,
                "reviewed_on": o(p.reviewed_on),
                "agreed_on": o(p.agreed_on),
                "starts": o(p.starts),
                "ends": o(p.ends),
                "status": format!("{status:?}").to_lowercase(),
                "status_label": status.label().get(lang),
                "care_days": days,
                "note": p.note,
            })
        })
        .collect();
    let mut m = internal_heading(records, lang, term);
    m.insert("today".into(), json!(today.to_string()));
    m.insert("count".into(), json!(rows.len()));
    m.insert(
        "care_days".into(),
        json!(rows.iter().filter_map(|r| r["care_days"].as_u64()).sum::<u64>()),
    );
    m.insert("pupils".into(), Value::Array(rows));
    m.insert(
        "by_status".into(),
        by_status
            .iter()
            .map(|(s, n)| json!({"status": format!("{s:?}").to_lowercase(), "label": s.label().get(lang), "count": n}))
            .collect(),
    );
    m.insert(
        "by_grade".into(),
        by_grade.iter().map(|(g, n)| json!({"grade": g, "count": n})).collect(),
    );
    m.insert("t".into(), labels_with(lang, LABELS));
    Value::Object(m)
}

const COLUMNS: &[&str] = &[
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
];

pub fn table(ctx: &Value) -> Table {
    Table {
        headers: COLUMNS.iter().map(|k| word(ctx, k)).collect(),
        rows: list(ctx, "pupils")
            .iter()
            .map(|p| COLUMNS.iter().map(|k| cell(&p[*k])).collect())
            .collect(),
    }
}

const LABELS: &[(&str, &str, &str)] = &[
    ("title", "课后服务学生名册", "After-school care: roster"),
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
