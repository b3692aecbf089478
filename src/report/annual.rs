//! The yearly performance report (绩效报告, 四(三): 于每年12月报教育行政部门备案): for the
//! terms that overlap year Y, the pupils served, participation by grade, care days, activities,
//! staff and their checks, money in and out, refunds and satisfaction.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::chart::{MonthFigures, chart, figures, months};
use super::csv::Table;
use super::disclosure::CategoryAmount;
use super::privacy::Privacy;
use super::staff::checks_ok;
use super::surveys::{Mean, Ratings};
use super::values::{Cell, FullHeading, word};
use super::{Context, Data, Kind as ReportKind, Words, labels_with};
use crate::domain::calendar::{care_days, service_days, term_of};
use crate::findings::Lang;
use crate::records::plan::Term;
use crate::records::{Date, Kind, Money, Month, Records};

fn weekday_label(d: chrono::Weekday, lang: Lang) -> &'static str {
    use chrono::Weekday::*;
    match d {
        Mon => lang.pick("周一", "Mon"),
        Tue => lang.pick("周二", "Tue"),
        Wed => lang.pick("周三", "Wed"),
        Thu => lang.pick("周四", "Thu"),
        Fri => lang.pick("周五", "Fri"),
        Sat => lang.pick("周六", "Sat"),
        Sun => lang.pick("周日", "Sun"),
    }
}

fn grade_label(g: u8, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{g}年级"),
        Lang::En => format!("Grade {g}"),
    }
}

/// The terms that share a day with the year, whole.
#[derive(Clone, Debug, Serialize)]
pub struct Annual {
    #[serde(flatten)]
    pub heading: FullHeading,
    pub year: i32,
    pub terms: Vec<AnnualTerm>,
    pub pupils: PupilCounts,
    pub by_grade: Vec<GradeCounts>,
    pub service: ServiceInfo,
    pub staff: StaffCounts,
    pub money: MoneyFigures,
    pub satisfaction: Satisfaction,
    pub months: Vec<MonthFigures>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AnnualTerm {
    pub id: String,
    pub name: String,
    pub starts: String,
    pub ends: String,
    pub service_days: u32,
    pub pupils: usize,
    pub care_days: u64,
    pub settled: bool,
    pub settled_on: Option<String>,
    pub paid: Option<String>,
    pub costs: Option<String>,
    pub surplus: Option<String>,
    pub refunds: String,
    pub refund_families: usize,
    pub due: String,
}

/// Applications made by the last term's end whose care did not end before the first began; the
/// pupils served (with care days), those of them whose care ended before the last term's end.
#[derive(Clone, Debug, Serialize)]
pub struct PupilCounts {
    pub applications: usize,
    pub served: usize,
    pub withdrawn: usize,
    pub care_days: u64,
    pub average_days: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct GradeCounts {
    pub grade: u8,
    pub label: String,
    #[serde(flatten)]
    pub counts: PupilCounts,
}

#[derive(Clone, Debug, Serialize)]
pub struct ServiceInfo {
    pub days: Vec<&'static str>,
    pub starts: Option<String>,
    pub ends: Option<String>,
    pub venues: Vec<String>,
    pub activities: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StaffCounts {
    pub count: usize,
    pub checks_ok: usize,
    pub by_kind: Vec<StaffKindCounts>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StaffKindCounts {
    pub kind: &'static str,
    pub label: String,
    pub count: usize,
    pub qualified: usize,
    pub background_needed: bool,
    pub background_checked: usize,
    pub checks_ok: usize,
}

/// Over the ledger rows that belong to the terms.
#[derive(Clone, Debug, Serialize)]
pub struct MoneyFigures {
    pub fees: String,
    pub refunds: String,
    pub pay: String,
    pub expenses: String,
    pub costs: String,
    pub net: String,
    pub rows: usize,
    pub by_category: Vec<CategoryAmount>,
    pub settlement_refunds: String,
}

/// The ratings dated in the terms.
#[derive(Clone, Debug, Serialize)]
pub struct Satisfaction {
    #[serde(flatten)]
    pub ratings: Ratings,
    pub renew_below: String,
    pub by_contract: Vec<ContractMean>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ContractMean {
    pub contract_id: String,
    pub name: String,
    pub role: String,
    pub kind_label: String,
    pub count: usize,
    pub mean: Option<String>,
    pub flagged: bool,
}

#[derive(Default)]
struct Grade {
    applications: usize,
    served: usize,
    care_days: u64,
    withdrawn: usize,
}

pub fn context(records: &Records, year: i32, lang: Lang, mask: bool) -> Context<Annual> {
    let privacy = Privacy::new(records, mask);
    let plan = records.plan.as_ref();
    let terms: Vec<&Term> = plan
        .map(|p| {
            p.terms
                .iter()
                .filter(|t| t.starts.year() <= year && t.ends.year() >= year)
                .collect()
        })
        .unwrap_or_default();
    let first = terms.iter().map(|t| t.starts).min();
    let last = terms.iter().map(|t| t.ends).max();

    // Pupils: an application counts when it was made by the last term's end and care, if any,
    // did not end before the first term began.
    let mut grades: BTreeMap<u8, Grade> = BTreeMap::new();
    let mut served = BTreeSet::new();
    let mut total_days: u64 = 0;
    let mut withdrawn = 0;
    let mut applications = 0;
    if let (Some(p), Some(first), Some(last)) = (plan, first, last) {
        for pupil in records
            .pupils
            .iter()
            .filter(|x| x.applied_on <= last && x.ends.is_none_or(|e| e >= first))
        {
            let g = grades.entry(pupil.grade).or_default();
            g.applications += 1;
            applications += 1;
            let days: u64 = terms.iter().map(|t| u64::from(care_days(p, t, pupil))).sum();
            if days > 0 {
                served.insert(pupil.id.as_str());
                g.served += 1;
                g.care_days += days;
                total_days += days;
                if pupil.ends.is_some_and(|e| e < last) {
                    g.withdrawn += 1;
                    withdrawn += 1;
                }
            }
        }
    }
    let average = |days: u64, n: usize| {
        (n > 0).then(|| {
            let mut d = (Decimal::from(days) / Decimal::from(n)).round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
            d.rescale(1);
            d.to_string()
        })
    };

    let term_rows: Vec<AnnualTerm> = terms
        .iter()
        .map(|t| {
            let s = records.settlement(&t.id);
            let (pupils, days) = plan.map_or((0, 0), |p| {
                let d: Vec<u32> = records.pupils.iter().map(|x| care_days(p, t, x)).filter(|d| *d > 0).collect();
                (d.len(), d.iter().map(|&d| u64::from(d)).sum::<u64>())
            });
            let refunds: Money = s
                .map(|s| s.rows.iter().map(|r| r.refund).filter(|r| r.is_positive()).sum())
                .unwrap_or_default();
            let due: Money = s
                .map(|s| s.rows.iter().map(|r| r.refund).filter(|r| r.is_negative()).map(|r| r.abs()).sum())
                .unwrap_or_default();
            AnnualTerm {
                id: t.id.clone(),
                name: t.name.clone(),
                starts: t.starts.to_string(),
                ends: t.ends.to_string(),
                service_days: plan.map_or(0, |p| service_days(p, t, t.starts, t.ends)),
                pupils,
                care_days: days,
                settled: s.is_some(),
                settled_on: s.map(|s| s.settled_on.v.to_string()),
                paid: s.map(|s| s.paid.to_string()),
                costs: s.map(|s| s.costs.to_string()),
                surplus: s.map(|s| s.surplus.to_string()),
                refunds: refunds.to_string(),
                refund_families: s.map_or(0, |s| s.rows.iter().filter(|r| r.refund.is_positive()).count()),
                due: due.to_string(),
            }
        })
        .collect();

    // Money: the rows that belong to these terms.
    let ids: BTreeSet<&str> = terms.iter().map(|t| t.id.as_str()).collect();
    let rows: Vec<_> = records
        .entries
        .iter()
        .filter(|e| plan.and_then(|p| term_of(p, e)).is_some_and(|t| ids.contains(t.id.as_str())))
        .collect();
    let sum = |k: Kind| -> Money { rows.iter().filter(|e| e.kind == k).map(|e| e.amount).sum() };
    let (fees, refunds, pay, expenses) = (sum(Kind::Fee), sum(Kind::Refund), sum(Kind::Pay), sum(Kind::Expense));
    let mut by_category: BTreeMap<String, Money> = BTreeMap::new();
    for e in rows.iter().filter(|e| e.kind == Kind::Expense) {
        *by_category
            .entry(privacy.text(e.category.as_deref().unwrap_or_default()))
            .or_default() += e.amount;
    }

    // Staff: the contracts that share a day with these terms.
    let overlaps = |s: Date, e: Date| terms.iter().any(|t| s <= t.ends && e >= t.starts);
    let contracts: Vec<_> = records.contracts.iter().filter(|c| overlaps(c.starts, c.ends)).collect();
    let mut kinds: BTreeMap<_, (usize, usize, usize, usize)> = BTreeMap::new();
    for c in &contracts {
        let k = kinds.entry(c.kind).or_default();
        k.0 += 1;
        k.1 += usize::from(c.qualified_on.is_some_and(|q| q <= c.starts));
        k.2 += usize::from(c.background_on.is_some_and(|b| b <= c.starts));
        k.3 += usize::from(checks_ok(c));
    }
    let staff_by_kind: Vec<StaffKindCounts> = kinds
        .iter()
        .map(|(k, (n, q, b, ok))| StaffKindCounts {
            kind: k.as_str(),
            label: k.label().get(lang).to_owned(),
            count: *n,
            qualified: *q,
            background_needed: k.needs_background_check(),
            background_checked: *b,
            checks_ok: *ok,
        })
        .collect();

    // Satisfaction: the ratings dated within these terms.
    let renew_below = plan.map_or(Decimal::new(30, 1), |p| p.renew_below);
    let ratings: Vec<_> = records
        .surveys
        .iter()
        .filter(|s| terms.iter().any(|t| t.contains(s.date)))
        .collect();
    let by_contract: Vec<ContractMean> = contracts
        .iter()
        .map(|c| {
            let m = Mean::of(ratings.iter().copied().filter(|s| s.contract_id == c.id));
            ContractMean {
                contract_id: c.id.clone(),
                name: c.name.clone(),
                role: c.role.clone(),
                kind_label: c.kind.label().get(lang).to_owned(),
                count: m.count,
                mean: m.shown(),
                flagged: m.exact.is_some_and(|x| x < renew_below),
            }
        })
        .collect();

    let chart_to = terms
        .iter()
        .filter_map(|t| records.settlement(&t.id).map(|s| s.settled_on.v.max(t.ends)))
        .chain(last)
        .max();
    let ms = match (first, chart_to) {
        (Some(a), Some(b)) => months(records, Month::of(a), Month::of(b)),
        _ => Vec::new(),
    };
    let settlement_refunds: Money = records
        .settlements
        .iter()
        .filter(|s| ids.contains(s.term.v.as_str()))
        .flat_map(|s| s.rows.iter().map(|r| r.refund).filter(|r| r.is_positive()))
        .sum();
    let service = plan.map(|p| &p.service);
    let counts = |applications, served, withdrawn, care_days| PupilCounts {
        applications,
        served,
        withdrawn,
        care_days,
        average_days: average(care_days, served),
    };
    let data = Annual {
        heading: FullHeading::of(records, lang, privacy.is_on()),
        year,
        terms: term_rows,
        pupils: counts(applications, served.len(), withdrawn, total_days),
        by_grade: grades
            .iter()
            .map(|(g, x)| GradeCounts {
                grade: *g,
                label: grade_label(*g, lang),
                counts: counts(x.applications, x.served, x.withdrawn, x.care_days),
            })
            .collect(),
        service: ServiceInfo {
            days: service
                .map(|s| s.days.iter().map(|d| weekday_label(*d, lang)).collect())
                .unwrap_or_default(),
            starts: service.map(|s| s.starts.clone()),
            ends: service.map(|s| s.ends.clone()),
            venues: service.map(|s| s.venues.clone()).unwrap_or_default(),
            activities: service.map(|s| s.activities.v.clone()).unwrap_or_default(),
        },
        staff: StaffCounts {
            count: contracts.len(),
            checks_ok: contracts.iter().filter(|c| checks_ok(c)).count(),
            by_kind: staff_by_kind,
        },
        money: MoneyFigures {
            fees: fees.to_string(),
            refunds: refunds.to_string(),
            pay: pay.to_string(),
            expenses: expenses.to_string(),
            costs: (pay + expenses).to_string(),
            net: (fees - refunds - pay - expenses).to_string(),
            rows: rows.len(),
            by_category: by_category
                .into_iter()
                .map(|(category, v)| CategoryAmount {
                    category,
                    amount: v.to_string(),
                })
                .collect(),
            settlement_refunds: settlement_refunds.to_string(),
        },
        satisfaction: Satisfaction {
            ratings: Ratings::of(&ratings),
            renew_below: renew_below.to_string(),
            by_contract,
        },
        months: figures(&ms),
    };
    Context {
        data,
        chart: chart(&ms, lang),
        t: labels_with(lang, LABELS),
    }
}

impl Data for Annual {
    const KIND: ReportKind = ReportKind::Annual;

    /// The report's key figures as `section,item,value`.
    fn table(&self, t: &Words) -> Table {
        let w = |k: &str| word(t, k);
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut put = |section: &str, item: String, value: String| rows.push(vec![w(section), item, value]);
        for term in &self.terms {
            let figures = [
                ("service_days", term.service_days.cell()),
                ("pupils", term.pupils.cell()),
                ("care_days", term.care_days.cell()),
                ("paid", term.paid.cell()),
                ("costs", term.costs.cell()),
                ("surplus", term.surplus.cell()),
                ("refunds", term.refunds.cell()),
            ];
            for (k, value) in figures {
                put("terms", format!("{} {}", term.id, w(&format!("term_{k}"))), value);
            }
        }
        let p = &self.pupils;
        for (k, value) in [
            ("applications", p.applications.cell()),
            ("served", p.served.cell()),
            ("withdrawn", p.withdrawn.cell()),
            ("care_days", p.care_days.cell()),
            ("average_days", p.average_days.cell()),
        ] {
            put("pupils", w(k), value);
        }
        for g in &self.by_grade {
            let c = &g.counts;
            for (k, value) in [
                ("applications", c.applications.cell()),
                ("served", c.served.cell()),
                ("care_days", c.care_days.cell()),
            ] {
                put("by_grade", format!("{} {}", g.label, w(k)), value);
            }
        }
        for a in &self.service.activities {
            put("activities", a.cell(), String::new());
        }
        put("staff", w("staff_count"), self.staff.count.cell());
        for k in &self.staff.by_kind {
            put("staff", format!("{} {}", k.label, w("staff_count")), k.count.cell());
            put("staff", format!("{} {}", k.label, w("checks_ok")), k.checks_ok.cell());
        }
        let m = &self.money;
        for (k, value) in [
            ("fees", &m.fees),
            ("refunds", &m.refunds),
            ("pay", &m.pay),
            ("expenses", &m.expenses),
            ("costs", &m.costs),
            ("net", &m.net),
        ] {
            put("money", w(&format!("money_{k}")), value.cell());
        }
        for c in &m.by_category {
            put("by_category", c.category.cell(), c.amount.cell());
        }
        put("money", w("settlement_refunds"), m.settlement_refunds.cell());
        let s = &self.satisfaction;
        for (k, value) in [
            ("count", s.ratings.count.cell()),
            ("mean", s.ratings.mean.cell()),
            ("pupil_mean", s.ratings.pupil_mean.cell()),
            ("parent_mean", s.ratings.parent_mean.cell()),
        ] {
            put("satisfaction", w(&format!("sat_{k}")), value);
        }
        for c in &s.by_contract {
            put("satisfaction", format!("{} {}（{}）", c.contract_id, c.name, c.role), c.mean.cell());
        }
        Table {
            headers: vec![w("section"), w("item"), w("value")],
            rows,
        }
    }
}

const LABELS: &[(&str, &str, &str)] = &[
    ("title", "课后服务年度绩效报告", "After-school care: annual performance report"),
    ("year", "年度", "Year"),
    ("section", "部分", "Section"),
    ("item", "项目", "Item"),
    ("value", "数值", "Value"),
    ("terms", "学期", "Terms"),
    ("term_service_days", "服务日数", "service days"),
    ("term_pupils", "在托人数", "pupils"),
    ("term_care_days", "托管人次（天）", "care days"),
    ("term_paid", "收入 P", "paid P"),
    ("term_costs", "支出 C", "costs C"),
    ("term_surplus", "结余 S", "surplus S"),
    ("term_refunds", "退还结余", "refunded"),
    ("service_days", "服务日数", "Service days"),
    ("settled", "结算", "Settlement"),
    ("not_settled", "未结算", "not settled"),
    ("pupils", "服务学生", "Pupils served"),
    ("applications", "申请人数", "Applications"),
    ("served", "在托人数", "Pupils in care"),
    ("withdrawn", "中途退出", "Withdrew"),
    ("care_days", "托管人次（天）", "Care days"),
    ("average_days", "人均托管天数", "Care days per pupil"),
    ("by_grade", "各年级参与情况", "Participation by grade"),
    ("activities", "服务内容与安排", "Activities and arrangements"),
    ("service_time", "服务时间", "Hours"),
    ("venues", "场地（学校无偿提供）", "Venues (provided free by the school)"),
    ("staff", "服务人员", "Staff"),
    ("staff_count", "人数", "count"),
    ("kind", "类别", "Kind"),
    ("qualified", "资格审核", "Qualifications reviewed"),
    ("background_checked", "背景调查", "Background checked"),
    ("checks_ok", "手续齐全", "checks complete"),
    ("not_required", "不需要", "not required"),
    ("money", "经费收支", "Money in and out"),
    ("money_fees", "收取托管费", "Fees received"),
    ("money_refunds", "退费", "Refunds"),
    ("money_pay", "劳务费", "Staff pay"),
    ("money_expenses", "其他支出", "Other expenses"),
    ("money_costs", "支出合计", "Costs"),
    ("money_net", "结余（未退部分）", "Balance not yet returned"),
    ("by_category", "其他支出分类", "Expenses by category"),
    ("category", "类别", "Category"),
    ("settlement_refunds", "学期结算退还家长", "Returned to families at settlement"),
    ("refund_families", "退费户数", "Families refunded"),
    ("satisfaction", "满意度测评", "Satisfaction"),
    ("sat_count", "评价份数", "Ratings"),
    ("sat_mean", "平均分（5 分制）", "Mean score (out of 5)"),
    ("sat_pupil_mean", "学生平均分", "Pupils' mean"),
    ("sat_parent_mean", "家长平均分", "Parents' mean"),
    ("role", "服务内容", "Role"),
    ("count", "份数", "Ratings"),
    ("mean", "平均分", "Mean"),
    ("flagged", "低于续聘线", "under the renewal line"),
    (
        "footer",
        "本报告依据《课后服务工作实施方案》四(三)编制，于每年12月报教育行政部门备案。学生姓名不出现在本报告中。",
        "Prepared under section 四(三) of the policy and filed with the education authority each December. No pupil is named in this report.",
    ),
];
