//! The monthly disclosure to parents (收支公示, 三(三): 每月应定期将收费收支情况向家长公开).

use std::collections::BTreeMap;

use serde::Serialize;

use super::chart::{MonthFigures, chart, figures, months};
use super::privacy::Privacy;
use super::sheet::{Cell, Sheet, ToCell, Typed};
use super::values::{Heading, word, words};
use super::{Context, Data, Words, words_for};
use crate::domain::calendar::terms_of_month;
use crate::domain::category::label;
use crate::domain::close::MonthTotals;
use crate::domain::owed::{Waived, waived};
use crate::findings::Lang;
use crate::records::fast_hash::FastSet;
use crate::records::{Date, Kind, Money, Month, Records, Short};

/// The opening balance of a month: the closing balance of the latest close before it, or 0.
pub fn opening(records: &Records, month: Month) -> Money {
    records
        .closes
        .iter()
        .filter(|c| c.month < month)
        .max_by_key(|c| c.month)
        .map_or(Money::ZERO, |c| c.closing.v)
}

/// A month's money as disclosed to parents. Figures are over the rows dated in the month.
#[derive(Clone, Debug, Serialize)]
pub struct Disclosure {
    #[serde(flatten)]
    pub heading: Heading,
    pub month: String,
    /// A close exists.
    pub closed: bool,
    /// None: not closed yet, the figures are as they stand.
    pub closed_on: Option<String>,
    pub opening: String,
    pub fees: String,
    /// Money from outside the families (财政补助, 专项经费, donations).
    pub grants: String,
    pub refunds: String,
    pub pay: String,
    pub expenses: String,
    /// Pay and expenses.
    pub spent: String,
    pub closing: String,
    pub rows: u64,
    pub digest: String,
    /// Pupils with a fee dated in the month.
    pub families: usize,
    pub by_category: Vec<CategoryAmount>,
    pub spending: Vec<Spending>,
    pub refund_items: Vec<RefundItem>,
    pub grant_items: Vec<GrantItem>,
    /// The fee standard (`[fees] amount`) and what it is for (a month or a term).
    pub standard: Option<Standard>,
    /// Pupils with a waiver for a period (month or term) that starts in the month, and what the
    /// waivers took off; never who or why.
    pub waived_pupils: usize,
    pub waived: String,
    pub months: Vec<MonthFigures>,
}

/// A row of money from outside the families.
#[derive(Clone, Debug, Serialize)]
pub struct GrantItem {
    pub date: String,
    /// Where it came from (the row's category).
    pub source: String,
    pub amount: String,
    pub receipt: Option<String>,
    pub memo: Option<String>,
}

/// The fee standard as parents are told it.
#[derive(Clone, Debug, Serialize)]
pub struct Standard {
    pub amount: String,
    /// `monthly` or `term`.
    pub basis: &'static str,
    /// The standard's unit in words: 元/月, per month.
    pub per: String,
}

impl Standard {
    pub fn of(records: &Records, lang: Lang) -> Option<Standard> {
        let f = records.plan.as_ref()?.fees.as_ref()?;
        let per = match f.basis {
            crate::records::plan::Basis::Monthly => lang.pick("元/月", "per month"),
            crate::records::plan::Basis::Term => lang.pick("元/学期", "per term"),
        };
        Some(Standard {
            amount: f.amount.v.to_string(),
            basis: crate::records::plan::Choice::as_str(f.basis),
            per: per.to_owned(),
        })
    }
}

/// Spending of a category; staff pay is one category.
#[derive(Clone, Debug, Serialize)]
pub struct CategoryAmount {
    pub category: String,
    pub amount: String,
}

/// A row of pay or expense.
#[derive(Clone, Debug, Serialize)]
pub struct Spending {
    pub date: String,
    pub kind: String,
    /// The staff member and role, or the category.
    pub item: String,
    pub amount: String,
    pub receipt: Option<String>,
    pub memo: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RefundItem {
    pub date: String,
    pub pupil_id: String,
    pub name: String,
    pub period: Option<String>,
    pub amount: String,
}

/// The disclosure's context: figures of the month, spending itemised, names masked unless
/// `no_mask`. The month's totals are worked out on a thread of their own meanwhile (a district
/// month's digest is about as much work as the rest of the disclosure).
pub fn context(records: &Records, month: Month, closed_on: Option<Date>, lang: Lang, no_mask: bool) -> Context<Disclosure> {
    std::thread::scope(|s| {
        let totals = s.spawn(|| MonthTotals::of(month, &records.entries));
        context_given(records, month, closed_on, lang, no_mask, || {
            totals.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
        })
    })
}

/// The disclosure, its month's totals asked of `totals` once the rest is worked out (a close
/// has them worked out on the other core).
pub fn context_given(
    records: &Records,
    month: Month,
    closed_on: Option<Date>,
    lang: Lang,
    no_mask: bool,
    totals: impl FnOnce() -> MonthTotals,
) -> Context<Disclosure> {
    without_totals(records, month, closed_on, lang, no_mask)(totals())
}

/// Everything of the disclosure but the month's totals, and what puts them in.
fn without_totals(
    records: &Records,
    month: Month,
    closed_on: Option<Date>,
    lang: Lang,
    no_mask: bool,
) -> impl FnOnce(MonthTotals) -> Context<Disclosure> {
    let close = records.close(month);
    let opening = close.map_or_else(|| opening(records, month), |c| c.opening.v);
    let closed_on = closed_on.or(close.map(|c| c.closed_on.v));
    let days = month.days();
    let rows: Vec<_> = records.entries.iter().filter(|e| days.contains(&e.date)).collect();
    // Ids as the rows hold them: compared and hashed without reading them as text again.
    let families: FastSet<&Short> = rows
        .iter()
        .filter(|e| e.kind == Kind::Fee)
        .filter_map(|e| e.pupil_id.as_ref())
        .collect();
    let mut by_category: BTreeMap<String, Money> = BTreeMap::new();
    let mut spending = Vec::new();
    let mut refunds = Vec::new();
    let mut grants = Vec::new();
    let privacy = Privacy::new(records, !no_mask);
    let name_of = |id: &str| records.pupil(id).map(|p| privacy.name(&p.name)).unwrap_or_default();
    let free = |v: &Option<Short>| privacy.opt_text(v.as_deref());
    // Fees are not itemised: only the other rows are put in order.
    let mut sorted: Vec<_> = rows.iter().filter(|e| e.kind != Kind::Fee).collect();
    sorted.sort_by_key(|e| (e.date, e.line));
    for e in sorted {
        let item = match e.kind {
            Kind::Pay => {
                let c = e.contract_id().map(|s| s.as_str()).and_then(|id| records.contract(id));
                let who = c.map_or_else(
                    || e.contract_id().map(|s| s.as_str()).unwrap_or_default().to_owned(),
                    |c| format!("{}{}{}{}", c.name, lang.pick("（", " ("), c.role, lang.pick("）", ")")),
                );
                *by_category.entry(lang.pick("劳务费", "staff pay").to_owned()).or_default() += e.amount;
                who
            }
            Kind::Expense => {
                let written = e.category().map(|s| s.as_str()).unwrap_or_default();
                let cat = privacy.text(&label(records.plan.as_ref(), written, lang));
                *by_category.entry(cat.clone()).or_default() += e.amount;
                cat
            }
            Kind::Refund => {
                let id = e.pupil_id.as_deref().unwrap_or_default().to_owned();
                refunds.push(RefundItem {
                    date: e.date.to_string(),
                    name: name_of(&id),
                    pupil_id: id,
                    period: e.period.as_deref().map(str::to_owned),
                    amount: e.amount.to_string(),
                });
                continue;
            }
            Kind::Grant => {
                grants.push(GrantItem {
                    date: e.date.to_string(),
                    source: privacy.opt_text(e.category().map(|s| s.as_str())).unwrap_or_default(),
                    amount: e.amount.to_string(),
                    receipt: free(&e.receipt),
                    memo: free(&e.memo),
                });
                continue;
            }
            Kind::Fee => continue,
        };
        spending.push(Spending {
            date: e.date.to_string(),
            kind: e.kind.label().get(lang).to_owned(),
            item,
            amount: e.amount.to_string(),
            receipt: free(&e.receipt),
            memo: free(&e.memo),
        });
    }
    let plan = records.plan.as_ref();
    // The chart runs from the start of the month's term (or the month alone) to the month.
    let from = plan
        .and_then(|p| terms_of_month(p, month).map(|t| Month::of(t.starts)).min())
        .unwrap_or(month);
    let ms = months(records, from, month);
    let waivers = plan.map_or_else(Waived::default, |p| {
        waived(p, &records.pupils, &records.leave, month.first_day(), month.last_day())
    });
    let heading = Heading::of(records, lang, !no_mask);
    let by_category = by_category
        .into_iter()
        .map(|(category, v)| CategoryAmount {
            category,
            amount: v.to_string(),
        })
        .collect();
    let standard = Standard::of(records, lang);
    let chart = chart(&ms, lang);
    let words = words_for(records, lang, LABELS, SCHOOL);
    let families = families.len();
    move |t| Context {
        data: Disclosure {
            heading,
            month: month.to_string(),
            closed: close.is_some() || closed_on.is_some(),
            closed_on: closed_on.map(|d| d.to_string()),
            opening: opening.to_string(),
            fees: t.fees.to_string(),
            grants: t.grants.to_string(),
            refunds: t.refunds.to_string(),
            pay: t.pay.to_string(),
            expenses: t.expenses.to_string(),
            spent: (t.pay + t.expenses).to_string(),
            closing: t.closing(opening).to_string(),
            rows: t.rows,
            digest: t.digest,
            families,
            by_category,
            spending,
            refund_items: refunds,
            grant_items: grants,
            standard,
            waived_pupils: waivers.pupils,
            waived: waivers.total.to_string(),
            months: figures(&ms),
        },
        chart,
        t: words,
    }
}

impl Data for Disclosure {
    const KIND: super::Kind = super::Kind::Disclosure;

    /// The summary, spending by category, itemised spending and refunds, one table with a column
    /// that says which part a row belongs to.
    fn sheets(&self, t: &Words) -> Vec<Sheet> {
        let w = |k| Cell::Text(word(t, k));
        let mut rows = Vec::new();
        let figures = [
            ("opening", self.opening.money()),
            ("fees", self.fees.money()),
            ("grants", self.grants.money()),
            ("refunds", self.refunds.money()),
            ("pay", self.pay.money()),
            ("expenses", self.expenses.money()),
            ("closing", self.closing.money()),
            ("families", self.families.cell()),
            ("waived_pupils", self.waived_pupils.cell()),
            ("waived", self.waived.money()),
        ];
        for (key, value) in figures {
            rows.push(vec![
                w("summary"),
                Cell::Empty,
                w(key),
                Cell::Empty,
                value,
                Cell::Empty,
                Cell::Empty,
            ]);
        }
        for c in &self.by_category {
            rows.push(vec![
                w("by_category"),
                Cell::Empty,
                c.category.cell(),
                Cell::Empty,
                c.amount.money(),
                Cell::Empty,
                Cell::Empty,
            ]);
        }
        for s in &self.spending {
            rows.push(vec![
                w("spending"),
                s.date.date(),
                s.item.cell(),
                s.kind.cell(),
                s.amount.money(),
                s.receipt.cell(),
                s.memo.cell(),
            ]);
        }
        for g in &self.grant_items {
            rows.push(vec![
                w("grant_items"),
                g.date.date(),
                g.source.cell(),
                Cell::Empty,
                g.amount.money(),
                g.receipt.cell(),
                g.memo.cell(),
            ]);
        }
        for r in &self.refund_items {
            rows.push(vec![
                w("refund_items"),
                r.date.date(),
                r.name.cell(),
                r.period.cell(),
                r.amount.money(),
                Cell::Empty,
                Cell::Empty,
            ]);
        }
        vec![Sheet {
            name: format!("{} {}", word(t, "sheet"), self.month),
            headers: words(t, &["part", "date", "item", "kind", "amount", "receipt", "memo"]),
            rows,
        }]
    }
}

const LABELS: &[(&str, &str, &str)] = &[
    ("title", "课后服务收支公示", "After-school care: monthly income and spending"),
    ("sheet", "收支公示", "Disclosure"),
    ("month", "月份", "Month"),
    ("closed_on", "结账日期", "Closed on"),
    (
        "not_closed",
        "本月尚未结账，以下为当前数字",
        "This month is not closed yet; the figures are as they stand",
    ),
    ("opening", "期初余额", "Opening balance"),
    ("fees", "收取托管费", "Fees received"),
    ("grants", "补助收入", "Grants received"),
    ("grant_items", "补助收入明细", "Grants received"),
    ("source", "来源", "Source"),
    ("standard", "收费标准", "Fee standard"),
    ("waived_pupils", "减免收费的学生人数", "Pupils with a fee waiver"),
    ("waived", "减免金额", "Total waived"),
    ("refunds", "退费", "Refunds"),
    ("pay", "劳务费", "Staff pay"),
    ("expenses", "其他支出", "Other expenses"),
    ("closing", "期末余额", "Closing balance"),
    ("families", "交费家庭数", "Paying families"),
    ("by_category", "支出分类", "Spending by category"),
    ("category", "类别", "Category"),
    ("amount", "金额（元）", "Amount (yuan)"),
    ("spending", "支出明细", "Itemised spending"),
    ("date", "日期", "Date"),
    ("kind", "类型", "Kind"),
    ("item", "项目", "Item"),
    ("receipt", "凭证号", "Receipt"),
    ("memo", "备注", "Memo"),
    ("refund_items", "退费明细", "Refunds paid"),
    ("pupil", "学生", "Pupil"),
    ("period", "期间", "Period"),
    ("none", "无", "None"),
    ("digest", "账目校验码", "Ledger digest"),
    ("summary", "汇总", "Summary"),
    ("part", "部分", "Part"),
    (
        "footer",
        "本公示由家长委员会编制，依据《课后服务工作实施方案》三(三)每月向家长公开。如有疑问请联系家委会。",
        "Prepared by the parents' committee and disclosed to parents every month under section 三(三) of the after-school care policy. Questions go to the committee.",
    ),
];

/// The words under model `school`: the school discloses its own money.
const SCHOOL: &[(&str, &str, &str)] = &[(
    "footer",
    "本公示由学校编制，依据收费公示制度（教基厅函〔2023〕26号）每月向家长公开。如有疑问请联系学校财务。",
    "Prepared by the school and disclosed to parents every month under the fee disclosure rules (教基厅函〔2023〕26号). Questions go to the school's finance office.",
)];
