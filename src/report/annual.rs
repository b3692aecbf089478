//! The yearly performance report (绩效报告, 四(三): 于每年12月报教育行政部门备案): calendar year
//! Y by date: the pupils served, participation by grade, care days up to today, the terms' days
//! within Y, activities, staff and their checks, money in and out, refunds and satisfaction.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::Serialize;

use super::chart::{MonthFigures, chart, figures, months};
use super::disclosure::CategoryAmount;
use super::privacy::Privacy;
use super::sheet::{Cell, Sheet, ToCell, Typed};
use super::surveys::Ratings;
use super::values::{FullHeading, word};
use super::{Context, Data, Kind as ReportKind, Words, labels_with};
use crate::domain::annual::{self, Participation};
use crate::domain::category::label;
use crate::domain::staff::checks_ok;
use crate::findings::Lang;
use crate::records::{Date, Money, Month, Records};

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

/// Calendar year Y, by date: no row or day is counted in two years' reports.
#[derive(Clone, Debug, Serialize)]
pub struct Annual {
    #[serde(flatten)]
    pub heading: FullHeading,
    pub year: i32,
    /// Care days are counted up to this day (the year's last, or `--today` when earlier); null:
    /// the year has not begun.
    pub until: Option<String>,
    /// The terms that share a day with the year, with their figures within it.
    pub terms: Vec<AnnualTerm>,
    pub pupils: PupilCounts,
    pub by_grade: Vec<GradeCounts>,
    /// `[school] pupils`: all pupils of the school.
    pub school_pupils: Option<u32>,
    pub service: ServiceInfo,
    pub staff: StaffCounts,
    pub money: MoneyFigures,
    pub satisfaction: Satisfaction,
    pub months: Vec<MonthFigures>,
    /// Pupils with a waiver and what the waivers took off, over the months (terms) that start
    /// in the calendar year up to `until`; never who or why.
    pub waivers: WaiverFigures,
    /// Service days of the year up to `until` inside counted leave.
    pub leave_days: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct WaiverFigures {
    pub pupils: usize,
    pub total: String,
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
    /// The settlement is dated in the year; its figures (P, C, S, refunds) are given then only.
    pub settled_in_year: bool,
    pub paid: Option<String>,
    pub costs: Option<String>,
    pub surplus: Option<String>,
    pub refunds: String,
    pub refund_families: usize,
    pub due: String,
}

/// Applications dated in the year, the pupils with care days in it, the applications whose
/// care ended early in it, and the care days.
#[derive(Clone, Debug, Serialize)]
pub struct PupilCounts {
    pub applications: usize,
    pub served: usize,
    pub withdrawn: usize,
    pub care_days: u64,
    pub average_days: Option<String>,
    /// Pupils served as a percentage of `[school] pupils`; null without it.
    pub participation: Option<String>,
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

/// Over the ledger rows dated in the year.
#[derive(Clone, Debug, Serialize)]
pub struct MoneyFigures {
    pub fees: String,
    pub grants: String,
    pub refunds: String,
    pub pay: String,
    pub expenses: String,
    pub costs: String,
    pub net: String,
    pub rows: usize,
    pub by_category: Vec<CategoryAmount>,
    pub settlement_refunds: String,
}

/// The ratings dated in the year.
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

pub fn context(records: &Records, year: i32, today: Date, lang: Lang, mask: bool) -> Context<Annual> {
    let privacy = Privacy::new(records, mask);
    let y = annual::year(records, year, today);
    let counts = |p: &Participation, rate: Option<u32>| PupilCounts {
        applications: p.applications,
        served: p.served,
        withdrawn: p.withdrawn,
        care_days: p.care_days,
        average_days: p.average_days().map(|d| d.to_string()),
        participation: p.rate(rate).map(|d| d.to_string()),
    };

    let term_rows: Vec<AnnualTerm> = y
        .terms
        .iter()
        .map(|f| {
            let t = f.term;
            let s = f.settlement.filter(|_| f.settled_in_year);
            AnnualTerm {
                id: t.id.clone(),
                name: t.name.clone(),
                starts: t.starts.to_string(),
                ends: t.ends.to_string(),
                service_days: f.service_days,
                pupils: f.pupils,
                care_days: f.care_days,
                settled: f.settlement.is_some(),
                settled_on: f.settlement.map(|s| s.settled_on.v.to_string()),
                settled_in_year: f.settled_in_year,
                paid: s.map(|s| s.paid.to_string()),
                costs: s.map(|s| s.costs.to_string()),
                surplus: s.map(|s| s.surplus.to_string()),
                refunds: f.refunds.to_string(),
                refund_families: f.refund_families,
                due: f.due.to_string(),
            }
        })
        .collect();

    // Categories are shown by their label, as the privacy setting shows it; those shown alike
    // are one line.
    let plan = records.plan.as_ref();
    let mut by_category: BTreeMap<String, Money> = BTreeMap::new();
    for (category, amount) in &y.money.by_category {
        *by_category.entry(privacy.text(&label(plan, category, lang))).or_default() += *amount;
    }
    let staff_by_kind: Vec<StaffKindCounts> = y
        .staff_by_kind
        .iter()
        .map(|(k, n)| StaffKindCounts {
            kind: k.as_str(),
            label: k.label().get(lang).to_owned(),
            count: n.count,
            qualified: n.qualified,
            background_needed: k.needs_background_check(),
            background_checked: n.background_checked,
            checks_ok: n.checks_ok,
        })
        .collect();
    let sat = &y.satisfaction;
    let by_contract: Vec<ContractMean> = sat
        .by_contract
        .iter()
        .map(|(c, m)| ContractMean {
            contract_id: c.id.clone(),
            name: c.name.clone(),
            role: c.role.clone(),
            kind_label: c.kind.label().get(lang).to_owned(),
            count: m.count,
            mean: m.shown(),
            flagged: m.exact.is_some_and(|x| x < sat.renew_below),
        })
        .collect();

    // The months of the year with money.
    let dated = || records.entries.iter().map(|e| e.date).filter(|d| d.year() == year);
    let ms = match (dated().min(), dated().max()) {
        (Some(a), Some(b)) => months(records, Month::of(a), Month::of(b)),
        _ => Vec::new(),
    };
    let service = records.plan.as_ref().map(|p| &p.service);
    let money = &y.money;
    let data = Annual {
        heading: FullHeading::of(records, lang, privacy.is_on()),
        year,
        until: y.until.map(|d| d.to_string()),
        terms: term_rows,
        pupils: counts(&y.pupils, y.school_pupils),
        by_grade: y
            .by_grade
            .iter()
            .map(|(g, x)| GradeCounts {
                grade: *g,
                label: grade_label(*g, lang),
                counts: counts(x, None),
            })
            .collect(),
        school_pupils: y.school_pupils,
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
            count: y.contracts.len(),
            checks_ok: y.contracts.iter().filter(|c| checks_ok(c)).count(),
            by_kind: staff_by_kind,
        },
        money: MoneyFigures {
            fees: money.fees.to_string(),
            grants: money.grants.to_string(),
            refunds: money.refunds.to_string(),
            pay: money.pay.to_string(),
            expenses: money.expenses.to_string(),
            costs: (money.pay + money.expenses).to_string(),
            net: (money.fees + money.grants - money.refunds - money.pay - money.expenses).to_string(),
            rows: money.rows,
            by_category: by_category
                .into_iter()
                .map(|(category, v)| CategoryAmount {
                    category,
                    amount: v.to_string(),
                })
                .collect(),
            settlement_refunds: money.settlement_refunds.to_string(),
        },
        satisfaction: Satisfaction {
            ratings: Ratings::of_means(&sat.all, &sat.pupils, &sat.parents),
            renew_below: sat.renew_below.to_string(),
            by_contract,
        },
        months: figures(&ms),
        waivers: WaiverFigures {
            pupils: y.waived.pupils,
            total: y.waived.total.to_string(),
        },
        leave_days: y.leave_days,
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
    fn sheets(&self, t: &Words) -> Vec<Sheet> {
        let w = |k: &str| word(t, k);
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        let mut put = |section: &str, item: String, value: Cell| rows.push(vec![Cell::Text(w(section)), Cell::Text(item), value]);
        for term in &self.terms {
            let figures = [
                ("service_days", term.service_days.cell()),
                ("pupils", term.pupils.cell()),
                ("care_days", term.care_days.cell()),
                ("paid", term.paid.money()),
                ("costs", term.costs.money()),
                ("surplus", term.surplus.money()),
                ("refunds", term.refunds.money()),
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
            ("average_days", p.average_days.number()),
            ("participation", p.participation.number()),
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
            put("activities", a.clone(), Cell::Empty);
        }
        put("staff", w("staff_count"), self.staff.count.cell());
        for k in &self.staff.by_kind {
            put("staff", format!("{} {}", k.label, w("staff_count")), k.count.cell());
            put("staff", format!("{} {}", k.label, w("checks_ok")), k.checks_ok.cell());
        }
        let m = &self.money;
        for (k, value) in [
            ("fees", &m.fees),
            ("grants", &m.grants),
            ("refunds", &m.refunds),
            ("pay", &m.pay),
            ("expenses", &m.expenses),
            ("costs", &m.costs),
            ("net", &m.net),
        ] {
            put("money", w(&format!("money_{k}")), value.money());
        }
        for c in &m.by_category {
            put("by_category", c.category.clone(), c.amount.money());
        }
        put("money", w("settlement_refunds"), m.settlement_refunds.money());
        put("pupils", w("waived_pupils"), self.waivers.pupils.cell());
        put("money", w("waived"), self.waivers.total.money());
        put("pupils", w("leave_days"), self.leave_days.cell());
        let s = &self.satisfaction;
        for (k, value) in [
            ("count", s.ratings.count.cell()),
            ("mean", s.ratings.mean.number()),
            ("pupil_mean", s.ratings.pupil_mean.number()),
            ("parent_mean", s.ratings.parent_mean.number()),
        ] {
            put("satisfaction", w(&format!("sat_{k}")), value);
        }
        for c in &s.by_contract {
            put(
                "satisfaction",
                format!("{} {}（{}）", c.contract_id, c.name, c.role),
                c.mean.number(),
            );
        }
        vec![Sheet {
            name: format!("{} {}", w("sheet"), self.year),
            headers: vec![w("section"), w("item"), w("value")],
            rows,
        }]
    }
}

const LABELS: &[(&str, &str, &str)] = &[
    ("title", "课后服务年度绩效报告", "After-school care: annual performance report"),
    ("sheet", "绩效报告", "Annual report"),
    ("year", "年度", "Year"),
    (
        "by_date",
        "按自然年统计：只计日期在本年内的收支、托管日和测评，每一笔、每一天只计入一个年度",
        "By calendar year: only money, care days and ratings dated in the year; no row or day is counted in two years",
    ),
    ("until", "托管日统计到", "Care days counted up to"),
    ("not_begun", "本年尚未开始", "the year has not begun"),
    ("school_pupils", "全校学生", "Pupils of the school"),
    ("participation", "参与率（%）", "Participation (%)"),
    (
        "settled_other_year",
        "（结算数字见结算所在年度）",
        " (its figures are in the year of the settlement)",
    ),
    ("section", "部分", "Section"),
    ("item", "项目", "Item"),
    ("value", "数值", "Value"),
    ("terms", "学期", "Terms"),
    ("term_service_days", "本年服务日数", "service days in the year"),
    ("term_pupils", "在托人数", "pupils"),
    ("term_care_days", "本年托管人次（天）", "care days in the year"),
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
    ("money_grants", "补助收入", "Grants received"),
    ("waived_pupils", "减免收费的学生人数", "Pupils with a fee waiver"),
    ("waived", "减免金额", "Total waived"),
    ("leave_days", "请假天数", "Days of leave"),
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
