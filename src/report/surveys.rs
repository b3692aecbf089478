//! Satisfaction ratings (满意度测评), internal: the mean score and count per contract, flagged
//! under `renew_below`, the basis for renewing or ending a contract (三(三)).

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::csv::Table;
use super::labels_with;
use super::values::{cell, internal_heading, list, word};
use crate::domain::ratings::Mean;
use crate::findings::Lang;
use crate::records::plan::Term;
use crate::records::{Records, Survey};

/// With a term: the ratings dated in it, and the contracts that share a day with it.
pub fn context(records: &Records, term: Option<&Term>, lang: Lang) -> Value {
    let renew_below = records.plan.as_ref().map_or(Decimal::new(30, 1), |p| p.renew_below);
    let in_scope: Vec<&Survey> = records.surveys.iter().filter(|s| term.is_none_or(|t| t.contains(s.date))).collect();
    let mut contracts: Vec<_> = records
        .contracts
        .iter()
        .filter(|c| term.is_none_or(|t| c.starts <= t.ends && c.ends >= t.starts) || in_scope.iter().any(|s| s.contract_id == c.id))
        .collect();
    contracts.sort_by(|a, b| a.id.cmp(&b.id));
    let rows: Vec<Value> = contracts
        .iter()
        .map(|c| {
            let mine: Vec<&Survey> = in_scope.iter().copied().filter(|s| s.contract_id == c.id).collect();
            let all = Mean::of(mine.iter().copied());
            let pupils = Mean::of(mine.iter().copied().filter(|s| s.respondent == "pupil"));
            let parents = Mean::of(mine.iter().copied().filter(|s| s.respondent == "parent"));
            let flagged = all.exact.is_some_and(|m| m < renew_below);
            let comments: Vec<Value> = mine
                .iter()
                .filter_map(|s| {
                    s.comment.as_ref().map(|text| {
                        json!({
                            "date": s.date.to_string(),
                            "respondent": s.respondent,
                            "respondent_label": match s.respondent.as_str() {
                                "pupil" => lang.pick("学生", "pupil"),
                                "parent" => lang.pick("家长", "parent"),
                                other => other,
                            },
                            "score": s.score,
                            "comment": text,
                        })
                    })
                })
                .collect();
            json!({
                "contract_id": c.id,
                "name": c.name,
                "role": c.role,
                "kind_label": c.kind.label().get(lang),
                "count": all.count,
                "mean": all.shown(),
                "pupil_count": pupils.count,
                "pupil_mean": pupils.shown(),
                "parent_count": parents.count,
                "parent_mean": parents.shown(),
                "flagged": flagged,
                "comments": comments,
            })
        })
        .collect();
    let overall = Mean::of(in_scope.iter().copied().filter(|s| records.contract(&s.contract_id).is_some()));
    let invalid = in_scope.iter().filter(|s| s.score().is_none()).count();
    let mut m = internal_heading(records, lang, term);
    m.insert("renew_below".into(), json!(renew_below.to_string()));
    m.insert("count".into(), json!(overall.count));
    m.insert("mean".into(), json!(overall.shown()));
    m.insert("invalid".into(), json!(invalid));
    m.insert("flagged".into(), json!(rows.iter().filter(|r| r["flagged"] == true).count()));
    m.insert("contracts".into(), Value::Array(rows));
    m.insert("t".into(), labels_with(lang, LABELS));
    Value::Object(m)
}

const COLUMNS: &[&str] = &[
    "contract_id",
    "name",
    "role",
    "count",
    "mean",
    "pupil_count",
    "pupil_mean",
    "parent_count",
    "parent_mean",
    "flagged",
];

pub fn table(ctx: &Value) -> Table {
    Table {
        headers: COLUMNS.iter().map(|k| word(ctx, k)).collect(),
        rows: list(ctx, "contracts")
            .iter()
            .map(|c| {
                COLUMNS
                    .iter()
                    .map(|k| match *k {
                        "flagged" => word(ctx, if c[*k] == true { "yes" } else { "no" }),
                        _ => cell(&c[*k]),
                    })
                    .collect()
            })
            .collect(),
    }
}

const LABELS: &[(&str, &str, &str)] = &[
    ("title", "课后服务满意度测评", "After-school care: satisfaction ratings"),
    ("contract_id", "协议编号", "Contract"),
    ("role", "服务内容", "Role"),
    ("count", "评价份数", "Ratings"),
    ("mean", "平均分", "Mean score"),
    ("pupil_count", "学生评价份数", "Pupils' ratings"),
    ("pupil_mean", "学生平均分", "Pupils' mean"),
    ("parent_count", "家长评价份数", "Parents' ratings"),
    ("parent_mean", "家长平均分", "Parents' mean"),
    ("flagged", "低于续聘线", "Under the renewal line"),
    (
        "renew_below",
        "续聘线（平均分低于此值须复核续聘）",
        "Renewal line (a renewal under this mean is reviewed)",
    ),
    ("overall", "全部评价", "All ratings"),
    ("invalid", "无效评分（不计入）", "Invalid scores (not counted)"),
    ("comments", "意见", "Comments"),
    ("respondent", "评价人", "Respondent"),
    ("score", "评分", "Score"),
    ("by_contract", "各服务人员", "By contract"),
    ("no_ratings", "尚无评价", "no ratings yet"),
    (
        "basis",
        "依据《课后服务工作实施方案》三(三)，满意度测评结果是续签、解除聘用协议的重要依据。",
        "Under section 三(三) of the policy, ratings are the main basis for renewing or ending a hiring agreement.",
    ),
];
