//! Staff (服务人员), internal: each hiring agreement with its checks (signed before work,
//! qualifications reviewed 二(五), background check 四(二)) and the pay made under it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::sheet::{Sheet, ToCell, Typed};
use super::values::{InternalHeading, word, words};
use super::{Context, Data, Kind as ReportKind, Words, labels_with};
use crate::domain::calendar::term_of;
use crate::domain::staff::checks_ok;
use crate::findings::Lang;
use crate::records::plan::Term;
use crate::records::{Contract, Date, Kind, Money, Records};

#[derive(Clone, Debug, Serialize)]
pub struct Staff {
    #[serde(flatten)]
    pub heading: InternalHeading,
    pub count: usize,
    /// The pay of all contracts.
    pub pay: String,
    pub contracts: Vec<StaffContract>,
    pub by_kind: Vec<KindCount>,
}

/// A hiring agreement, its checks and the pay made under it.
#[derive(Clone, Debug, Serialize)]
pub struct StaffContract {
    pub contract_id: String,
    pub name: String,
    pub kind: &'static str,
    pub kind_label: String,
    pub role: String,
    pub signed_on: String,
    pub starts: String,
    pub ends: String,
    pub qualified_on: Option<String>,
    pub background_on: Option<String>,
    pub signed: Check,
    pub qualified: Check,
    pub background: Check,
    /// Signed, reviewed and, for parents and professionals, background-checked by the start
    /// of work.
    pub checks_ok: bool,
    pub checks_label: &'static str,
    pub rate: Option<String>,
    pub unit: Option<String>,
    pub pay: String,
    pub pay_rows: usize,
    pub note: Option<String>,
}

/// How a check stands: done by the start of work (`ok`), done `late`, `missing`, or
/// `not_required`.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub status: &'static str,
    pub label: &'static str,
    pub on: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct KindCount {
    pub kind: &'static str,
    pub label: String,
    pub count: usize,
    pub checks_ok: usize,
}

fn check(done: Option<Date>, by: Date, needed: bool, lang: Lang) -> Check {
    let (status, zh, en) = match done {
        _ if !needed => ("not_required", "不需要", "not required"),
        None => ("missing", "缺", "missing"),
        Some(d) if d > by => ("late", "晚于上岗", "after work started"),
        Some(_) => ("ok", "已完成", "done"),
    };
    Check {
        status,
        label: lang.pick(zh, en),
        on: done.map(|d| d.to_string()),
    }
}

/// With a term: the contracts that share a day with it, and the pay of the term's rows.
pub fn context(records: &Records, term: Option<&Term>, lang: Lang) -> Context<Staff> {
    let plan = records.plan.as_ref();
    let mut contracts: Vec<&Contract> = records
        .contracts
        .iter()
        .filter(|c| term.is_none_or(|t| c.starts <= t.ends && c.ends >= t.starts))
        .collect();
    contracts.sort_by(|a, b| a.id.cmp(&b.id));
    let pay_rows: Vec<_> = records
        .entries
        .iter()
        .filter(|e| e.kind == Kind::Pay)
        .filter(|e| term.is_none_or(|t| plan.and_then(|p| term_of(p, e)).is_some_and(|x| x.id == t.id)))
        .collect();
    let mut by_kind: BTreeMap<_, (usize, usize)> = BTreeMap::new();
    let mut total = Money::ZERO;
    let rows: Vec<StaffContract> = contracts
        .iter()
        .map(|c| {
            let pay: Money = pay_rows
                .iter()
                .filter(|e| e.contract_id().map(|s| s.as_str()) == Some(c.id.as_str()))
                .map(|e| e.amount)
                .sum();
            let n = pay_rows
                .iter()
                .filter(|e| e.contract_id().map(|s| s.as_str()) == Some(c.id.as_str()))
                .count();
            total += pay;
            let ok = checks_ok(c);
            let k = by_kind.entry(c.kind).or_default();
            k.0 += 1;
            k.1 += usize::from(ok);
            // An agreement is always signed: only its date can be late.
            let signed = check(Some(c.signed_on), c.starts, true, lang);
            StaffContract {
                contract_id: c.id.clone(),
                name: c.name.clone(),
                kind: c.kind.as_str(),
                kind_label: c.kind.label().get(lang).to_owned(),
                role: c.role.clone(),
                signed_on: c.signed_on.to_string(),
                starts: c.starts.to_string(),
                ends: c.ends.to_string(),
                qualified_on: c.qualified_on.map(|d| d.to_string()),
                background_on: c.background_on.map(|d| d.to_string()),
                signed,
                qualified: check(c.qualified_on, c.starts, true, lang),
                background: check(c.background_on, c.starts, c.kind.needs_background_check(), lang),
                checks_ok: ok,
                checks_label: if ok {
                    lang.pick("齐全", "complete")
                } else {
                    lang.pick("不全", "incomplete")
                },
                rate: c.rate.map(|r| r.to_string()),
                unit: c.unit.clone(),
                pay: pay.to_string(),
                pay_rows: n,
                note: c.note.clone(),
            }
        })
        .collect();
    let (heading, chart) = InternalHeading::of(records, lang, term);
    let data = Staff {
        heading,
        count: rows.len(),
        pay: total.to_string(),
        contracts: rows,
        by_kind: by_kind
            .iter()
            .map(|(k, (n, ok))| KindCount {
                kind: k.as_str(),
                label: k.label().get(lang).to_owned(),
                count: *n,
                checks_ok: *ok,
            })
            .collect(),
    };
    Context {
        data,
        chart,
        t: labels_with(lang, LABELS),
    }
}

impl Data for Staff {
    const KIND: ReportKind = ReportKind::Staff;

    /// The contracts.
    fn sheets(&self, t: &Words) -> Vec<Sheet> {
        let rows = self
            .contracts
            .iter()
            .map(|c| {
                vec![
                    c.contract_id.cell(),
                    c.name.cell(),
                    c.kind_label.cell(),
                    c.role.cell(),
                    c.signed_on.date(),
                    c.starts.date(),
                    c.ends.date(),
                    c.qualified_on.date(),
                    c.qualified.label.cell(),
                    c.background_on.date(),
                    c.background.label.cell(),
                    c.checks_label.cell(),
                    c.rate.money(),
                    c.unit.cell(),
                    c.pay.money(),
                    c.note.cell(),
                ]
            })
            .collect();
        vec![Sheet {
            name: word(t, "sheet"),
            headers: words(
                t,
                &[
                    "contract_id",
                    "name",
                    "kind",
                    "role",
                    "signed_on",
                    "starts",
                    "ends",
                    "qualified_on",
                    "qualified",
                    "background_on",
                    "background",
                    "checks",
                    "rate",
                    "unit",
                    "pay",
                    "note",
                ],
            ),
            rows,
        }]
    }
}

const LABELS: &[(&str, &str, &str)] = &[
    ("title", "课后服务人员名单", "After-school care: staff"),
    ("sheet", "服务人员", "Staff"),
    ("contract_id", "协议编号", "Contract"),
    ("kind", "类别", "Kind"),
    ("role", "服务内容", "Role"),
    ("signed_on", "签订聘用协议", "Agreement signed"),
    ("starts", "聘期开始", "Starts"),
    ("ends", "聘期结束", "Ends"),
    ("period", "聘期", "Period"),
    ("qualified_on", "资格审核日期", "Qualifications reviewed on"),
    ("qualified", "资格审核", "Qualifications"),
    ("background_on", "背景调查日期", "Background check on"),
    ("background", "背景调查", "Background check"),
    ("checks", "手续", "Checks"),
    ("rate", "报酬标准", "Rate"),
    ("unit", "单位", "Unit"),
    ("pay", "已付劳务费", "Pay made"),
    ("count", "人数", "Contracts"),
    ("by_kind", "按类别", "By kind"),
    ("checks_ok", "手续齐全", "Checks complete"),
    ("contracts", "聘用协议", "Contracts"),
];
