//! The district report (SPEC §11; 四(一) 统筹协调, 四(三) 专项检查 and 绩效报告): one row per school
//! with the figures a bureau compares, then the district's totals, a chart of the fees per
//! pupil-month against each school's standard, and what stands in the way of reading some
//! schools. Public figures only: no pupil, guardian or phone appears.

use std::ops::AddAssign;

use serde::Serialize;

use super::chart::{chart, months};
use super::sheet::{Cell, Sheet, ToCell, Typed};
use super::values::{lang_code, word, words};
use super::{Context, Data, Kind, Words, labels_with};
use crate::domain::annual::Participation;
use crate::domain::district::{self, Closes, Period, Settlements, per};
use crate::domain::leave::leave_days;
use crate::domain::owed::waived;
use crate::domain::ratings::Mean;
use crate::findings::{Finding, Lang};
use crate::records::plan::{Basis, Choice};
use crate::records::{Date, Money, Records};

/// A school's figures over its period, exact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub pupils: u64,
    /// All pupils of the school (`[school] pupils`), when the plan says; and the pupils in care
    /// of the schools that say (for the district's participation).
    pub enrolment: u64,
    pub pupils_counted: u64,
    pub pupil_months: u64,
    pub fees: Money,
    pub grants: Money,
    pub refunds: Money,
    pub pay: Money,
    pub expenses: Money,
    /// Every row dated up to the period's last day.
    pub balance: Money,
    /// Refunds for leave and withdrawal that are due and not booked (`fees/refund-due`) for
    /// periods that share a day with this one, and how many families are owed them.
    pub refunds_due: Money,
    pub refund_families: u64,
    /// Pupils with a waiver in the periods that start in this one, and what it took off.
    pub waived_pupils: u64,
    pub waived: Money,
    pub leave_days: u64,
    pub closes: Closes,
    pub settlements: Settlements,
    pub errors: u64,
    pub warnings: u64,
    /// Valid survey scores dated in the period, and their sum.
    pub ratings: u64,
    pub score_sum: u64,
}

impl AddAssign<&Figures> for Figures {
    fn add_assign(&mut self, o: &Figures) {
        self.pupils += o.pupils;
        self.enrolment += o.enrolment;
        self.pupils_counted += o.pupils_counted;
        self.pupil_months += o.pupil_months;
        self.fees += o.fees;
        self.grants += o.grants;
        self.refunds += o.refunds;
        self.refunds_due += o.refunds_due;
        self.refund_families += o.refund_families;
        self.waived_pupils += o.waived_pupils;
        self.waived += o.waived;
        self.leave_days += o.leave_days;
        self.pay += o.pay;
        self.expenses += o.expenses;
        self.balance += o.balance;
        self.closes.closed += o.closes.closed;
        self.closes.due += o.closes.due;
        self.closes.late += o.closes.late;
        self.settlements.settled += o.settlements.settled;
        self.settlements.late += o.settlements.late;
        self.settlements.missing += o.settlements.missing;
        self.errors += o.errors;
        self.warnings += o.warnings;
        self.ratings += o.ratings;
        self.score_sum += o.score_sum;
    }
}

impl Figures {
    /// Over a school's records and its findings, for its period; `due` are the refunds due and
    /// not booked, by pupil id ([`refunds_due`]).
    pub fn of(records: &Records, findings: &[Finding], due: &[(String, Money)], p: &Period<'_>, today: Date) -> Figures {
        let mut f = Figures {
            errors: findings.iter().filter(|x| x.is_error()).count() as u64,
            warnings: findings.iter().filter(|x| !x.is_error()).count() as u64,
            ..Figures::default()
        };
        let Some(plan) = records.plan.as_ref() else { return f };
        for m in months(records, p.first, p.last) {
            f.fees += m.fees;
            f.grants += m.grants;
            f.refunds += m.refunds;
            f.pay += m.pay;
            f.expenses += m.expenses;
            f.balance = m.balance;
        }
        f.refunds_due = due.iter().map(|(_, m)| *m).sum();
        f.refund_families = due.iter().map(|(id, _)| id).collect::<std::collections::BTreeSet<_>>().len() as u64;
        let w = waived(plan, &records.pupils, &records.leave, p.from, p.to);
        (f.waived_pupils, f.waived) = (w.pupils as u64, w.total);
        f.leave_days = leave_days(plan, &records.pupils, &records.leave, p.from, p.to.min(today));
        f.closes = district::closes(records, plan, p, today);
        f.settlements = district::settlements(records, p, today);
        (f.pupils, f.pupil_months) = district::pupils_in_care(records, p);
        if let Some(all) = plan.school.pupils {
            f.enrolment = u64::from(all);
            f.pupils_counted = f.pupils;
        }
        let mean = Mean::of(records.surveys.iter().filter(|s| p.from <= s.date && s.date <= p.to));
        f.ratings = mean.count as u64;
        // The mean times the count is the sum of whole-number scores, exactly but for the last
        // of 28 digits.
        f.score_sum = mean
            .exact
            .map_or(0, |m| (m * rust_decimal::Decimal::from(mean.count)).round().try_into().unwrap_or(0));
        f
    }

    /// Pupils in care as a percentage of all pupils (SPEC §11 participation), as the annual
    /// report works it out.
    pub fn participation(&self) -> Option<String> {
        let served = Participation {
            served: self.pupils_counted as usize,
            ..Participation::default()
        };
        served.rate(u32::try_from(self.enrolment).ok()).map(|r| r.to_string())
    }

    /// The mean score, shown with two decimals.
    pub fn satisfaction(&self) -> Option<String> {
        (self.ratings > 0).then(|| {
            let exact = rust_decimal::Decimal::from(self.score_sum) / rust_decimal::Decimal::from(self.ratings);
            Mean {
                count: self.ratings as usize,
                exact: Some(exact),
            }
            .shown()
            .unwrap_or_default()
        })
    }

    fn shown(&self) -> Shown {
        let s = &self.settlements;
        Shown {
            pupils: self.pupils,
            participation: self.participation(),
            pupil_months: self.pupil_months,
            fees: self.fees.to_string(),
            grants: self.grants.to_string(),
            refunds: self.refunds.to_string(),
            refunds_due: self.refunds_due.to_string(),
            refund_families: self.refund_families,
            waived_pupils: self.waived_pupils,
            waived: self.waived.to_string(),
            leave_days: self.leave_days,
            pay: self.pay.to_string(),
            expenses: self.expenses.to_string(),
            balance: self.balance.to_string(),
            fees_per_pupil_month: per(self.fees - self.refunds, self.pupil_months).map(|m| m.to_string()),
            months_closed: self.closes.closed,
            months_due: self.closes.due,
            closes_late: self.closes.late,
            settled_on: s.settled_on.map(|d| d.to_string()),
            settled: s.settled,
            settlements_late: s.late,
            settlements_missing: s.missing,
            errors: self.errors,
            warnings: self.warnings,
            satisfaction: self.satisfaction(),
            ratings: self.ratings,
        }
    }
}

/// The figures as the report shows them.
#[derive(Clone, Debug, Serialize)]
pub struct Shown {
    pub pupils: u64,
    /// Percent of all the school's pupils, when the plan gives their number.
    pub participation: Option<String>,
    pub pupil_months: u64,
    pub fees: String,
    pub grants: String,
    pub refunds: String,
    /// Refunds due for leave and withdrawal and not booked, and the families owed them.
    pub refunds_due: String,
    pub refund_families: u64,
    pub waived_pupils: u64,
    pub waived: String,
    pub leave_days: u64,
    pub pay: String,
    pub expenses: String,
    pub balance: String,
    /// Fees less refunds per pupil-month in care.
    pub fees_per_pupil_month: Option<String>,
    pub months_closed: u32,
    pub months_due: u32,
    pub closes_late: u32,
    pub settled_on: Option<String>,
    pub settled: u32,
    pub settlements_late: u32,
    pub settlements_missing: u32,
    pub errors: u64,
    pub warnings: u64,
    pub satisfaction: Option<String>,
    pub ratings: u64,
}

/// What a school's row says besides its figures.
#[derive(Clone, Debug, Default)]
pub struct Identity {
    /// The directory as given or found.
    pub dir: String,
    pub school: String,
    pub code: String,
    /// `committee` or `school` (SPEC §10).
    pub model: Option<&'static str>,
    pub period: Option<String>,
    pub terms: Vec<String>,
    pub basis: Option<Basis>,
    pub standard: Option<Money>,
    pub standard_per_month: Option<Money>,
}

impl Identity {
    pub fn of(records: &Records, dir: String, code: String, p: Option<&Period<'_>>) -> Identity {
        let plan = records.plan.as_ref();
        let fees = plan.and_then(|x| x.fees.as_ref());
        Identity {
            dir,
            school: plan.map(|x| x.school.name.clone()).unwrap_or_default(),
            code,
            model: plan.map(|x| x.policy.model.as_str()),
            period: p.map(|p| p.label.clone()),
            terms: p.map(|p| p.terms.iter().map(|t| t.id.clone()).collect()).unwrap_or_default(),
            basis: fees.map(|f| f.basis),
            standard: fees.map(|f| f.amount.v),
            standard_per_month: plan.zip(p).and_then(|(plan, p)| district::standard_per_month(plan, p)),
        }
    }
}

/// One school: who it is, its figures when its records could be read, and what is wrong.
#[derive(Clone, Debug)]
pub struct SchoolRow {
    pub id: Identity,
    pub figures: Option<Figures>,
    /// Why the figures are missing or incomplete.
    pub problem: Option<String>,
    /// What the district found about the school (a code another school also has).
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub dir: String,
    pub school: String,
    pub code: String,
    pub model: Option<&'static str>,
    pub period: Option<String>,
    pub terms: Vec<String>,
    pub basis: Option<&'static str>,
    pub standard: Option<String>,
    pub standard_per_month: Option<String>,
    pub figures: Option<Shown>,
    pub problem: Option<String>,
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct District {
    pub lang: &'static str,
    /// What the report covers: `term` (each school's current term), a year or a month.
    pub scope: String,
    pub today: String,
    pub schools: usize,
    /// Schools whose figures are shown.
    pub reported: usize,
    pub rows: Vec<Row>,
    pub totals: Shown,
    /// What stands in the way of the district's figures (two schools with one code).
    pub findings: Vec<String>,
    pub bars: Bars,
}

fn basis_name(b: Basis, lang: Lang) -> &'static str {
    match b {
        Basis::Monthly => lang.pick("每月", "monthly"),
        Basis::Term => lang.pick("每学期", "per term"),
    }
}

/// The report's context over the schools' rows.
pub fn context(rows: &[SchoolRow], scope: String, today: Date, findings: Vec<String>, lang: Lang) -> Context<District> {
    let mut totals = Figures::default();
    for f in rows.iter().filter_map(|r| r.figures.as_ref()) {
        totals += f;
    }
    // Each school's settlement has its own day; the district has none.
    totals.settlements.settled_on = None;
    let shown: Vec<Row> = rows
        .iter()
        .map(|r| Row {
            dir: r.id.dir.clone(),
            school: r.id.school.clone(),
            code: r.id.code.clone(),
            model: r.id.model,
            period: r.id.period.clone(),
            terms: r.id.terms.clone(),
            basis: r.id.basis.map(|b| basis_name(b, lang)),
            standard: r.id.standard.map(|m| m.to_string()),
            standard_per_month: r.id.standard_per_month.map(|m| m.to_string()),
            figures: r.figures.as_ref().map(Figures::shown),
            problem: r.problem.clone(),
            notes: r.notes.clone(),
        })
        .collect();
    let data = District {
        lang: lang_code(lang),
        scope,
        today: today.to_string(),
        schools: rows.len(),
        reported: rows.iter().filter(|r| r.figures.is_some()).count(),
        bars: bars(rows, lang),
        rows: shown,
        totals: totals.shown(),
        findings,
    };
    Context {
        data,
        chart: chart(&[], lang),
        t: labels_with(lang, LABELS),
    }
}

/// The chart of fees per pupil-month by school, each against its standard per month: a bar
/// for the fees, a mark for the standard; a bar past its mark is flagged.
#[derive(Clone, Debug, Serialize)]
pub struct Bars {
    pub width: f64,
    pub height: f64,
    /// Where the bars start, and the x of the largest value.
    pub left: f64,
    pub right: f64,
    pub ticks: Vec<BarTick>,
    pub bars: Vec<Bar>,
    pub t: Words,
}

#[derive(Clone, Debug, Serialize)]
pub struct BarTick {
    pub x: f64,
    pub label: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Bar {
    pub school: String,
    pub y: f64,
    pub w: f64,
    pub value: String,
    pub standard: Option<String>,
    /// The x of the standard's mark.
    pub mark: Option<f64>,
    pub over: bool,
}

const BAR_WIDTH: f64 = 720.0;
const BAR_LEFT: f64 = 170.0;
const BAR_RIGHT: f64 = 60.0;
const BAR_TOP: f64 = 40.0;
const BAR_STEP: f64 = 16.0;

fn bars(rows: &[SchoolRow], lang: Lang) -> Bars {
    let items: Vec<(&SchoolRow, Money, Option<Money>)> = rows
        .iter()
        .filter_map(|r| {
            let f = r.figures.as_ref()?;
            Some((r, per(f.fees - f.refunds, f.pupil_months)?, r.id.standard_per_month))
        })
        .collect();
    let top = items
        .iter()
        .flat_map(|(_, v, s)| [Some(*v), *s])
        .flatten()
        .map(Money::decimal)
        .fold(rust_decimal::Decimal::ZERO, rust_decimal::Decimal::max);
    let span = super::chart::nice_top(top);
    let plot = BAR_WIDTH - BAR_LEFT - BAR_RIGHT;
    let x = |m: Money| {
        let v = rust_decimal::prelude::ToPrimitive::to_f64(&m.decimal()).unwrap_or(0.0);
        let s = rust_decimal::prelude::ToPrimitive::to_f64(&span).unwrap_or(1.0);
        ((v.max(0.0) / s * plot) * 10.0).round() / 10.0
    };
    let bars: Vec<Bar> = items
        .iter()
        .enumerate()
        .map(|(i, (r, v, s))| Bar {
            school: if r.id.school.is_empty() {
                r.id.code.clone()
            } else {
                r.id.school.clone()
            },
            y: BAR_TOP + BAR_STEP * i as f64,
            w: x(*v),
            value: v.to_string(),
            standard: s.map(|s| s.to_string()),
            mark: s.map(|s| BAR_LEFT + x(s)),
            over: s.is_some_and(|s| *v > s),
        })
        .collect();
    let ticks = (0..=4)
        .map(|k| {
            let v = span * rust_decimal::Decimal::from(k) / rust_decimal::Decimal::from(4);
            BarTick {
                x: BAR_LEFT + x(Money::from(v)),
                label: v.round_dp(2).normalize().to_string(),
            }
        })
        .collect();
    Bars {
        width: BAR_WIDTH,
        height: BAR_TOP + BAR_STEP * bars.len().max(1) as f64 + 10.0,
        left: BAR_LEFT,
        right: BAR_WIDTH - BAR_RIGHT,
        ticks,
        bars,
        t: super::labels(lang, BAR_LABELS),
    }
}

const BAR_LABELS: &[(&str, &str, &str)] = &[
    (
        "title",
        "各校每生每月收费与收费标准（元）",
        "Fees per pupil-month against the standard, by school (yuan)",
    ),
    ("fees", "每生每月实收", "Fees per pupil-month"),
    ("standard", "收费标准（每月）", "Standard per month"),
];

impl Data for District {
    const KIND: Kind = Kind::District;

    /// One row per school, then the totals.
    /// The report's tables, typed: one row per school then the totals, and the problems to
    /// resolve. csv prints the first; xlsx writes both into a workbook.
    fn sheets(&self, t: &Words) -> Vec<Sheet> {
        let mut rows: Vec<Vec<Cell>> = self
            .rows
            .iter()
            .map(|r| {
                let mut v = vec![
                    r.school.cell(),
                    r.code.cell(),
                    r.model.cell(),
                    r.dir.cell(),
                    r.period.cell(),
                    r.terms.join(" ").cell(),
                    r.basis.cell(),
                    r.standard.money(),
                ];
                v.extend(figure_cells(r.figures.as_ref()));
                let notes: Vec<String> = r.problem.iter().chain(&r.notes).cloned().collect();
                v.push(notes.join("; ").cell());
                v
            })
            .collect();
        let mut total = vec![word(t, "total").cell()];
        total.resize(8, Cell::Empty);
        total.extend(figure_cells(Some(&self.totals)));
        total.push(Cell::Empty);
        rows.push(total);
        let problems = self
            .findings
            .iter()
            .map(|x| vec![Cell::Empty, x.cell()])
            .chain(
                self.rows
                    .iter()
                    .filter_map(|r| Some(vec![r.dir.cell(), r.problem.as_ref()?.cell()])),
            )
            .collect();
        vec![
            Sheet {
                name: word(t, "schools"),
                headers: words(t, COLUMNS),
                rows,
            },
            Sheet {
                name: word(t, "findings"),
                headers: words(t, &["dir", "notes"]),
                rows: problems,
            },
        ]
    }
}

fn figure_cells(f: Option<&Shown>) -> Vec<Cell> {
    let Some(f) = f else {
        return vec![Cell::Empty; COLUMNS.len() - 9];
    };
    vec![
        f.pupils.cell(),
        f.participation.number(),
        f.fees.money(),
        f.grants.money(),
        f.refunds.money(),
        f.pay.money(),
        f.expenses.money(),
        f.balance.money(),
        f.fees_per_pupil_month.money(),
        f.refunds_due.money(),
        f.refund_families.cell(),
        f.waived_pupils.cell(),
        f.waived.money(),
        f.leave_days.cell(),
        f.months_closed.cell(),
        f.months_due.cell(),
        f.closes_late.cell(),
        f.settled_on.date(),
        f.settlements_late.cell(),
        f.settlements_missing.cell(),
        f.errors.cell(),
        f.warnings.cell(),
        f.satisfaction.number(),
    ]
}

/// The csv columns, in order.
const COLUMNS: &[&str] = &[
    "school",
    "code",
    "model",
    "dir",
    "period",
    "terms",
    "basis",
    "standard",
    "pupils",
    "participation",
    "fees",
    "grants",
    "refunds",
    "pay",
    "expenses",
    "balance",
    "fees_per_pupil_month",
    "refunds_due",
    "refund_families",
    "waived_pupils",
    "waived",
    "leave_days",
    "months_closed",
    "months_due",
    "closes_late",
    "settled_on",
    "settlements_late",
    "settlements_missing",
    "errors",
    "warnings",
    "satisfaction",
    "notes",
];

const LABELS: &[(&str, &str, &str)] = &[
    ("title", "课后服务区域汇总报告", "After-school care: district report"),
    ("school", "学校", "School"),
    ("code", "学校代码", "Code"),
    ("dir", "记录目录", "Records"),
    ("period", "期间", "Period"),
    ("scope_term", "各校当前学期", "each school's current term"),
    ("terms", "学期", "Terms"),
    ("basis", "收费方式", "Basis"),
    ("standard", "收费标准", "Standard"),
    ("pupils", "在托学生", "Pupils in care"),
    ("participation", "参与率（%）", "Participation (%)"),
    ("fees", "收费", "Fees"),
    ("grants", "补助", "Grants"),
    ("model", "收费主体", "Model"),
    ("refunds_due", "应退未退", "Refunds due"),
    ("refund_families", "应退户数", "Families owed"),
    ("waived_pupils", "减免人数", "Pupils with a waiver"),
    ("waived", "减免金额", "Waived"),
    ("leave_days", "请假天数", "Leave days"),
    ("refunds", "退费", "Refunds"),
    ("pay", "劳务费", "Staff pay"),
    ("expenses", "其他支出", "Other expenses"),
    ("balance", "期末余额", "Balance"),
    ("fees_per_pupil_month", "每生每月实收", "Fees per pupil-month"),
    ("months_closed", "已结账月数", "Months closed"),
    ("months_due", "应结账月数", "Months due"),
    ("closes", "结账（已结/应结）", "Closes (closed / due)"),
    ("closes_late", "逾期结账", "Closed late"),
    ("settled_on", "结算日期", "Settled on"),
    ("settlements_late", "逾期结算", "Settled late"),
    ("settlements_missing", "未结算", "Not settled"),
    ("errors", "错误", "Errors"),
    ("warnings", "警告", "Warnings"),
    ("satisfaction", "满意度", "Satisfaction"),
    ("notes", "说明", "Notes"),
    ("today", "统计日期", "As of"),
    ("schools", "学校数", "Schools"),
    ("reported", "已汇总", "reported"),
    ("findings", "需要处理的问题", "Problems to resolve"),
    ("money", "收支", "Money"),
    ("compliance", "结账、结算与检查", "Closes, settlements and checks"),
    ("unreadable", "无法汇总", "not reported"),
    (
        "footer",
        "本报告依据《课后服务工作实施方案》四(一)、四(三) 汇总各校课后服务记录；只含汇总数字，不含学生、家长姓名和电话。错误、警告为各校 care check 的结果。",
        "Compiled from each school's records under sections 四(一) and 四(三) of the policy; figures only, with no pupil's or guardian's name or phone. Errors and warnings are each school's care check.",
    ),
];
