//! The term's settlement made public (结算公示, 三(三): 每学期结束前结算，结余部分及时退还):
//! P, C, S, the basis and each family's part, from settlements/TERM.toml and .csv.

use serde_json::{Map, Value, json};

use super::chart::{chart, months, months_json};
use super::csv::Table;
use super::labels_with;
use super::privacy::Privacy;
use super::values::{cell, heading, list, term as term_json, word};
use crate::domain::calendar::care_days;
use crate::domain::deadlines;
use crate::domain::payouts;
use crate::findings::{Lang, Msg};
use crate::records::plan::RefundBasis;
use crate::records::{Date, Month, Records};

/// One family's part, with what has been paid out since.
pub struct FamilyPart {
    pub pupil_id: String,
    pub paid: crate::records::Money,
    pub share: crate::records::Money,
    pub refund: crate::records::Money,
    pub paid_out: crate::records::Money,
    pub paid_out_on: Option<Date>,
    pub json: Value,
}

/// What the settlement and the notices share: the heading and totals, and the families.
pub fn settled(records: &Records, term_id: &str, lang: Lang, privacy: &Privacy) -> Result<(Map<String, Value>, Vec<FamilyPart>), Msg> {
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
    let term = plan.and_then(|p| p.terms.iter().find(|t| t.id == term_id));
    let settled_on = s.settled_on.v;
    let refund_by = plan.and_then(|p| deadlines::refund_by(&p.deadlines, settled_on));
    let days = s.basis == RefundBasis::Days;
    let paid = term.map(|t| payouts::paid_out(&records.entries, t, settled_on)).unwrap_or_default();
    let mut families = Vec::new();
    for row in &s.rows {
        let pupil = records.pupil(&row.pupil_id);
        let mine = paid.get(row.pupil_id.as_str());
        let paid_out = mine.map_or(crate::records::Money::ZERO, |p| p.amount);
        let paid_out_on = mine.map(|p| p.last_on);
        let care = match (plan, term, pupil, days) {
            (Some(p), Some(t), Some(pu), true) => Some(care_days(p, t, pu)),
            _ => None,
        };
        let json = json!({
            "pupil_id": row.pupil_id,
            "name": pupil.map(|p| privacy.name(&p.name)).unwrap_or_default(),
            "guardian": pupil.map(|p| privacy.name(&p.guardian)).unwrap_or_default(),
            "grade": pupil.map(|p| p.grade),
            "class": pupil.map(|p| p.class.clone()),
            "paid": row.paid.to_string(),
            "share": row.share.to_string(),
            "refund": row.refund.to_string(),
            "owes": row.refund.is_negative(),
            "due": row.refund.is_negative().then(|| row.refund.abs().to_string()),
            "days": care,
            "paid_out": paid_out.to_string(),
            "paid_out_on": paid_out_on.map(|d| d.to_string()),
            "settled_up": paid_out == row.refund,
        });
        families.push(FamilyPart {
            pupil_id: row.pupil_id.clone(),
            paid: row.paid,
            share: row.share,
            refund: row.refund,
            paid_out,
            paid_out_on,
            json,
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

    let mut m = heading(records, lang, privacy.is_on());
    m.insert(
        "term".into(),
        term.map_or_else(|| json!({"id": term_id, "name": term_id}), term_json),
    );
    m.insert("settled_on".into(), json!(settled_on.to_string()));
    m.insert("basis".into(), json!(s.basis.as_str()));
    m.insert(
        "basis_label".into(),
        json!(if days {
            lang.pick("按托管天数分摊支出", "costs shared by care days")
        } else {
            lang.pick("按交费比例退还结余", "surplus returned in proportion to fees paid")
        }),
    );
    m.insert("paid".into(), json!(s.paid.to_string()));
    m.insert("costs".into(), json!(s.costs.to_string()));
    m.insert("surplus".into(), json!(s.surplus.to_string()));
    m.insert("deficit".into(), json!(s.surplus.is_negative()));
    m.insert("families".into(), json!(s.families));
    m.insert("refund_by".into(), json!(refund_by.map(|d| d.to_string())));
    m.insert(
        "totals".into(),
        json!({"paid": sum(|f| f.paid).to_string(), "share": sum(|f| f.share).to_string(), "refund": sum(|f| f.refund).to_string()}),
    );
    m.insert("refunds_total".into(), json!(refunds_total.to_string()));
    m.insert(
        "refund_families".into(),
        json!(families.iter().filter(|f| f.refund.is_positive()).count()),
    );
    m.insert("due_total".into(), json!(due_total.to_string()));
    m.insert(
        "due_families".into(),
        json!(families.iter().filter(|f| f.refund.is_negative()).count()),
    );
    m.insert("paid_out".into(), json!(sum(|f| f.paid_out).to_string()));
    m.insert("days_basis".into(), json!(days));
    m.insert("digest".into(), json!(s.digest.v));
    m.insert("months".into(), months_json(&ms));
    m.insert("chart".into(), chart(&ms, lang));
    Ok((m, families))
}

/// The settlement's context.
pub fn context(records: &Records, term_id: &str, lang: Lang, mask: bool) -> Result<Value, Msg> {
    let privacy = Privacy::new(records, mask);
    let (mut m, families) = settled(records, term_id, lang, &privacy)?;
    m.insert("allocation".into(), Value::Array(families.into_iter().map(|f| f.json).collect()));
    m.insert("t".into(), labels_with(lang, LABELS));
    Ok(Value::Object(m))
}

/// The csv: one row per family and the totals, whose columns add up to P, C and S.
pub fn table(ctx: &Value) -> Table {
    let w = |k| word(ctx, k);
    let mut rows: Vec<Vec<String>> = list(ctx, "allocation")
        .iter()
        .map(|f| {
            ["pupil_id", "name", "grade", "class", "paid", "share", "refund", "days"]
                .iter()
                .map(|k| cell(&f[*k]))
                .collect()
        })
        .collect();
    rows.push(vec![
        w("total"),
        format!("{} {}", cell(&ctx["families"]), w("families_unit")),
        String::new(),
        String::new(),
        cell(&ctx["paid"]),
        cell(&ctx["costs"]),
        cell(&ctx["surplus"]),
        String::new(),
    ]);
    Table {
        headers: ["pupil_id", "name", "grade", "class", "paid_col", "share_col", "refund_col", "days"]
            .iter()
            .map(|k| w(k))
            .collect(),
        rows,
    }
}

const LABELS: &[(&str, &str, &str)] = &[
    ("title", "课后服务学期结算公示", "After-school care: term settlement"),
    ("settled_on", "结算日期", "Settled on"),
    ("basis", "分摊方式", "Basis"),
    ("paid", "家长交费合计（P）", "Paid by families (P)"),
    ("costs", "支出合计（C）", "Costs (C)"),
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
