//! The term's settlement made public (结算公示, 三(三): 每学期结束前结算，结余部分及时退还):
//! P, C, S, the basis and each family's part, from settlements/TERM.toml and .csv.

use std::collections::HashMap;

use serde::Serialize;

use super::chart::{Chart, MonthFigures, chart, figures, months};
use super::privacy::Privacy;
use super::sheet::{Cell, Sheet, ToCell, Typed};
use super::values::{FullHeading, TermInfo, word, words};
use super::{Context, Data, Kind, Words, words_for};
use crate::domain::calendar::applications;
use crate::domain::deadlines;
use crate::domain::leave::care_days_less_leave;
use crate::domain::payouts;
use crate::findings::{Lang, Msg};
use crate::records::plan::RefundBasis;
use crate::records::{Date, Month, Records};

/// What the settlement and the notices share: the figures of settlements/T.toml and T.csv as
/// `care settle` wrote them, and what has been paid out since.
#[derive(Clone, Debug, Serialize)]
pub struct Settled {
    #[serde(flatten)]
    pub heading: FullHeading,
    pub term: TermInfo,
    pub settled_on: String,
    /// `paid` or `days`.
    pub basis: &'static str,
    pub basis_label: &'static str,
    /// P
    pub paid: String,
    /// G, when there are grants.
    pub grants: Option<String>,
    /// C: pay and expenses less grants.
    pub costs: String,
    /// S
    pub surplus: String,
    /// Basis `standard`: S − Σ refund, what stays with whoever runs the service.
    pub retained: Option<String>,
    /// `basis` is `standard`.
    pub standard_basis: bool,
    /// S < 0
    pub deficit: bool,
    pub families: u64,
    /// The settlement date plus `refund_within_days`.
    pub refund_by: Option<String>,
    /// The families' columns added up, equal to P, C and S.
    pub totals: Totals,
    /// Positive refunds.
    pub refunds_total: String,
    pub refund_families: usize,
    /// Amounts owed by families.
    pub due_total: String,
    pub due_families: usize,
    /// Payout rows recorded since.
    pub paid_out: String,
    pub days_basis: bool,
    pub digest: String,
    pub months: Vec<MonthFigures>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Totals {
    pub paid: String,
    pub share: String,
    pub refund: String,
}

/// One family's part.
#[derive(Clone, Debug, Serialize)]
pub struct Family {
    pub pupil_id: String,
    pub name: String,
    pub guardian: String,
    pub grade: Option<u8>,
    pub class: Option<String>,
    pub paid: String,
    pub share: String,
    /// Negative: owed.
    pub refund: String,
    pub owes: bool,
    /// The amount owed, when `owes`.
    pub due: Option<String>,
    /// Care days, on the days basis only.
    pub days: Option<u32>,
    pub paid_out: String,
    pub paid_out_on: Option<String>,
    /// Payouts equal the refund.
    pub settled_up: bool,
}

/// One family's part, with what has been paid out since.
pub struct FamilyPart {
    pub pupil_id: String,
    pub paid: crate::records::Money,
    pub share: crate::records::Money,
    pub refund: crate::records::Money,
    pub paid_out: crate::records::Money,
    pub paid_out_on: Option<Date>,
    pub row: Family,
}

/// What the settlement and the notices share: the heading and totals, the families, the chart.
pub fn settled(records: &Records, term_id: &str, lang: Lang, privacy: &Privacy) -> Result<(Settled, Vec<FamilyPart>, Chart), Msg> {
    let Some(s) = records.settlement(term_id) else {
        return Err(Msg::new(
            format!(
                "学期 {term_id} 还没有结算（没有 settlements/{term_id}.toml）；先运行 care settle --term {term_id}（加 --dry-run 可先试算）"
            ),
            format!(
                "term {term_id} is not settled yet (there is no settlements/{term_id}.toml); run care settle --term {term_id} first (--dry-run to preview)"
            ),
        ));
    };
    let plan = records.plan.as_ref();
    let term = plan.and_then(|p| p.term(term_id));
    let settled_on = s.settled_on.v;
    let refund_by = plan.and_then(|p| deadlines::refund_by(&p.deadlines, settled_on));
    let days = s.basis == RefundBasis::Days;
    let paid = term.map(|t| payouts::paid_out(&records.entries, t, settled_on)).unwrap_or_default();
    // The families' applications for the term, by pupil.
    let own: HashMap<&str, &crate::records::Pupil> = match (plan, term) {
        (Some(p), Some(t)) => applications(p, t, &records.pupils).map(|x| (x.id.as_str(), x)).collect(),
        _ => HashMap::new(),
    };
    let mut families = Vec::new();
    for row in &s.rows {
        // The family's application for the term; its details from any row when it has none.
        let own = own.get(row.pupil_id.as_str()).copied();
        let pupil = own.or_else(|| records.pupil(&row.pupil_id));
        let mine = paid.get(row.pupil_id.as_str());
        let paid_out = mine.map_or(crate::records::Money::ZERO, |p| p.amount);
        let paid_out_on = mine.map(|p| p.last_on);
        let care = match (plan, term, own, days) {
            (Some(p), Some(t), Some(pu), true) => Some(care_days_less_leave(p, t, pu, &records.leave)),
            _ => None,
        };
        let family = Family {
            pupil_id: row.pupil_id.clone(),
            name: pupil.map(|p| privacy.name(&p.name)).unwrap_or_default(),
            guardian: pupil.map(|p| privacy.name(&p.guardian)).unwrap_or_default(),
            grade: pupil.map(|p| p.grade),
            class: pupil.map(|p| p.class.clone()),
            paid: row.paid.to_string(),
            share: row.share.to_string(),
            refund: row.refund.to_string(),
            owes: row.refund.is_negative(),
            due: row.refund.is_negative().then(|| row.refund.abs().to_string()),
            days: care,
            paid_out: paid_out.to_string(),
            paid_out_on: paid_out_on.map(|d| d.to_string()),
            settled_up: paid_out == row.refund,
        };
        families.push(FamilyPart {
            pupil_id: row.pupil_id.clone(),
            paid: row.paid,
            share: row.share,
            refund: row.refund,
            paid_out,
            paid_out_on,
            row: family,
        });
    }
    let sum = |f: fn(&FamilyPart) -> crate::records::Money| families.iter().map(f).sum::<crate::records::Money>();
    let refunds_total: crate::records::Money = families.iter().map(|f| f.refund).filter(|r| r.is_positive()).sum();
    let due_total: crate::records::Money = families.iter().map(|f| f.refund).filter(|r| r.is_negative()).map(|r| r.abs()).sum();
    let from = term.map_or(Month::of(settled_on), |t| Month::of(t.starts));
    let last_payout = families.iter().filter_map(|f| f.paid_out_on).max();
    let to = [term.map(|t| t.ends), Some(settled_on), last_payout]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(settled_on);
    let ms = months(records, from, Month::of(to));

    let settled = Settled {
        heading: FullHeading::of(records, lang, privacy.is_on()),
        // A settlement file of a term plan.toml does not have: its id is all there is.
        term: term.map_or_else(
            || TermInfo {
                id: term_id.to_owned(),
                name: term_id.to_owned(),
                ..TermInfo::default()
            },
            TermInfo::of,
        ),
        settled_on: settled_on.to_string(),
        basis: s.basis.as_str(),
        basis_label: match s.basis {
            RefundBasis::Days => lang.pick("按托管天数分摊支出", "costs shared by care days"),
            RefundBasis::Paid => lang.pick("按交费比例退还结余", "surplus returned in proportion to fees paid"),
            RefundBasis::Standard => lang.pick(
                "按收费标准和实际服务结算，多交的退还",
                "each family pays the standard for the care it received; the rest is returned",
            ),
        },
        paid: s.paid.to_string(),
        grants: (!s.grants.is_zero()).then(|| s.grants.to_string()),
        costs: s.costs.to_string(),
        surplus: s.surplus.to_string(),
        retained: s.retained.map(|r| r.to_string()),
        standard_basis: s.basis == RefundBasis::Standard,
        deficit: s.surplus.is_negative(),
        families: s.families,
        refund_by: refund_by.map(|d| d.to_string()),
        totals: Totals {
            paid: sum(|f| f.paid).to_string(),
            share: sum(|f| f.share).to_string(),
            refund: sum(|f| f.refund).to_string(),
        },
        refunds_total: refunds_total.to_string(),
        refund_families: families.iter().filter(|f| f.refund.is_positive()).count(),
        due_total: due_total.to_string(),
        due_families: families.iter().filter(|f| f.refund.is_negative()).count(),
        paid_out: sum(|f| f.paid_out).to_string(),
        days_basis: days,
        digest: s.digest.v.clone(),
        months: figures(&ms),
    };
    Ok((settled, families, chart(&ms, lang)))
}

#[derive(Clone, Debug, Serialize)]
pub struct Settlement {
    #[serde(flatten)]
    pub settled: Settled,
    pub allocation: Vec<Family>,
}

/// The settlement's context.
pub fn context(records: &Records, term_id: &str, lang: Lang, mask: bool) -> Result<Context<Settlement>, Msg> {
    let privacy = Privacy::new(records, mask);
    let (settled, families, chart) = settled(records, term_id, lang, &privacy)?;
    Ok(Context {
        data: Settlement {
            settled,
            allocation: families.into_iter().map(|f| f.row).collect(),
        },
        chart,
        t: words_for(records, lang, LABELS, SCHOOL),
    })
}

impl Data for Settlement {
    const KIND: Kind = Kind::Settlement;

    /// One row per family and the totals, whose columns add up to P, C and S.
    fn sheets(&self, t: &Words) -> Vec<Sheet> {
        let mut rows: Vec<Vec<Cell>> = self
            .allocation
            .iter()
            .map(|f| {
                vec![
                    f.pupil_id.cell(),
                    f.name.cell(),
                    f.grade.cell(),
                    f.class.cell(),
                    f.paid.money(),
                    f.share.money(),
                    f.refund.money(),
                    f.days.cell(),
                ]
            })
            .collect();
        let s = &self.settled;
        rows.push(vec![
            Cell::Text(word(t, "total")),
            Cell::Text(format!("{} {}", s.families, word(t, "families_unit"))),
            Cell::Empty,
            Cell::Empty,
            s.totals.paid.money(),
            s.totals.share.money(),
            s.totals.refund.money(),
            Cell::Empty,
        ]);
        // The term's totals as the report states them: P, G, C, S and what the school keeps.
        let figure = |k: &str, value: Cell| vec![Cell::Text(word(t, k)), value];
        let mut summary = vec![
            figure("settled_on", s.settled_on.date()),
            figure("basis", s.basis_label.cell()),
            figure("paid", s.paid.money()),
        ];
        summary.extend(s.grants.as_ref().map(|g| figure("grants", g.money())));
        summary.extend([figure("costs", s.costs.money()), figure("surplus", s.surplus.money())]);
        summary.extend(s.retained.as_ref().map(|r| figure("retained", r.money())));
        summary.extend([
            figure("families", s.families.cell()),
            figure("refunds_total", s.refunds_total.money()),
            figure("due_total", s.due_total.money()),
            figure("refund_by", s.refund_by.date()),
            figure("paid_out", s.paid_out.money()),
        ]);
        vec![
            Sheet {
                name: format!("{} {}", word(t, "sheet"), s.term.id),
                headers: words(
                    t,
                    &["pupil_id", "name", "grade", "class", "paid_col", "share_col", "refund_col", "days"],
                ),
                rows,
            },
            Sheet {
                name: format!("{} {}", word(t, "summary_sheet"), s.term.id),
                headers: words(t, &["item", "value"]),
                rows: summary,
            },
        ]
    }
}

const LABELS: &[(&str, &str, &str)] = &[
    ("title", "课后服务学期结算公示", "After-school care: term settlement"),
    ("sheet", "结算公示", "Settlement"),
    ("summary_sheet", "结算汇总", "Totals"),
    ("item", "项目", "Item"),
    ("value", "数值", "Value"),
    ("settled_on", "结算日期", "Settled on"),
    ("basis", "分摊方式", "Basis"),
    ("paid", "家长交费合计（P）", "Paid by families (P)"),
    ("grants", "补助收入（G，已从支出中扣除）", "Grants (G), taken off the costs"),
    ("costs", "支出合计（C）", "Costs (C)"),
    ("retained", "学校留存（S 减去退还合计）", "Kept by the school (S less the refunds)"),
    ("surplus", "结余（S = P − C）", "Surplus (S = P − C)"),
    (
        "deficit",
        "本学期支出超过收费，差额由各家庭按比例补交。",
        "Costs exceeded fees this term; families make up the difference in proportion.",
    ),
    ("families", "家庭数", "Families"),
    ("families_unit", "户", "families"),
    ("allocation", "各家庭结算明细", "Each family's part"),
    ("paid_col", "已交", "Paid"),
    ("share_col", "分摊支出", "Share of costs"),
    ("refund_col", "应退（负数为应补）", "Refund (negative: due)"),
    ("days", "托管天数", "Care days"),
    ("refunds_total", "应退合计", "Refunds due to families"),
    ("due_total", "应补合计", "Owed by families"),
    ("refund_by", "退费期限", "Refunds paid by"),
    ("paid_out", "已退付", "Paid out so far"),
    ("digest", "账目校验码", "Ledger digest"),
    (
        "footer",
        "本结算由家长委员会依据《课后服务工作实施方案》三(三)“每学期结束前将托管服务收费情况进行结算，结余部分应及时退还”编制并公示。",
        "Prepared and published by the parents' committee under section 三(三) of the after-school care policy: fees are settled before each term ends and the surplus returned promptly.",
    ),
];

/// The words under model `school`: the school settles, on the standard.
pub(super) const SCHOOL: &[(&str, &str, &str)] = &[
    ("share_col", "应交（按标准和实际服务）", "Owed (the standard for the care received)"),
    (
        "footer",
        "本结算由学校编制并公示：每个家庭按经批准的收费标准为实际得到的服务付费，请假、退出多交的部分退还（教基厅函〔2023〕26号）。",
        "Prepared and published by the school: each family pays the approved standard for the care it received, and what it paid beyond that for leave or withdrawal is returned (教基厅函〔2023〕26号).",
    ),
];
