//! The yearly performance report (绩效报告, 四(三): 于每年12月报教育行政部门备案): for the
//! terms that overlap year Y, the pupils served, participation by grade, care days, activities,
//! staff and their checks, money in and out, refunds and satisfaction.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::chart::{chart, months, months_json};
use super::csv::Table;
use super::labels_with;
use super::privacy::Privacy;
use super::values::{cell, heading, list, word};
use crate::domain::annual::{self, Participation};
use crate::domain::staff::checks_ok;
use crate::findings::Lang;
use crate::records::{Money, Month, Records};

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

pub fn context(records: &Records, year: i32, lang: Lang, mask: bool) -> Value {
    let privacy = Privacy::new(records, mask);
    let y = annual::year(records, year);
    let average = |p: &Participation| p.average_days().map(|d| d.to_string());

    let term_rows: Vec<Value> = y
        .terms
        .iter()
        .map(|f| {
            let (t, s) = (f.term, f.settlement);
            json!({
                "id": t.id,
                "name": t.name,
                "starts": t.starts.to_string(),
                "ends": t.ends.to_string(),
                "service_days": f.service_days,
                "pupils": f.pupils,
                "care_days": f.care_days,
                "settled": s.is_some(),
                "settled_on": s.map(|s| s.settled_on.v.to_string()),
                "paid": s.map(|s| s.paid.to_string()),
                "costs": s.map(|s| s.costs.to_string()),
                "surplus": s.map(|s| s.surplus.to_string()),
                "refunds": f.refunds.to_string(),
                "refund_families": f.refund_families,
                "due": f.due.to_string(),
            })
        })
        .collect();

    // Categories are shown as the privacy setting shows them; those shown alike are one line.
    let mut by_category: BTreeMap<String, Money> = BTreeMap::new();
    for (category, amount) in &y.money.by_category {
        *by_category.entry(privacy.text(category)).or_default() += *amount;
    }
    let staff_by_kind: Vec<Value> = y
        .staff_by_kind
        .iter()
        .map(|(k, n)| {
            json!({
                "kind": k.as_str(),
                "label": k.label().get(lang),
                "count": n.count,
                "qualified": n.qualified,
                "background_needed": k.needs_background_check(),
                "background_checked": n.background_checked,
                "checks_ok": n.checks_ok,
            })
        })
        .collect();
    let sat = &y.satisfaction;
    let by_contract: Vec<Value> = sat
        .by_contract
        .iter()
        .map(|(c, m)| {
            json!({
                "contract_id": c.id,
                "name": c.name,
                "role": c.role,
                "kind_label": c.kind.label().get(lang),
                "count": m.count,
                "mean": m.shown(),
                "flagged": m.exact.is_some_and(|x| x < sat.renew_below),
            })
        })
        .collect();

    let ms = match (y.first, y.money_until) {
        (Some(a), Some(b)) => months(records, Month::of(a), Month::of(b)),
        _ => Vec::new(),
    };
    let service = records.plan.as_ref().map(|p| &p.service);
    let money = &y.money;
    let mut m = heading(records, lang, privacy.is_on());
    m.insert("year".into(), json!(year));
    m.insert("terms".into(), Value::Array(term_rows));
    m.insert(
        "pupils".into(),
        json!({
            "applications": y.pupils.applications,
            "served": y.pupils.served,
            "withdrawn": y.pupils.withdrawn,
            "care_days": y.pupils.care_days,
            "average_days": average(&y.pupils),
        }),
    );
    m.insert(
        "by_grade".into(),
        y.by_grade
            .iter()
            .map(|(g, x)| {
                json!({
                    "grade": g,
                    "label": grade_label(*g, lang),
                    "applications": x.applications,
                    "served": x.served,
                    "withdrawn": x.withdrawn,
                    "care_days": x.care_days,
                    "average_days": average(x),
                })
            })
            .collect(),
    );
    m.insert(
        "service".into(),
        json!({
            "days": service.map(|s| s.days.iter().map(|d| weekday_label(*d, lang)).collect::<Vec<_>>()).unwrap_or_default(),
            "starts": service.map(|s| s.starts.clone()),
            "ends": service.map(|s| s.ends.clone()),
            "venues": service.map(|s| s.venues.clone()).unwrap_or_default(),
            "activities": service.map(|s| s.activities.v.clone()).unwrap_or_default(),
        }),
    );
    m.insert(
        "staff".into(),
        json!({
            "count": y.contracts.len(),
            "checks_ok": y.contracts.iter().filter(|c| checks_ok(c)).count(),
            "by_kind": staff_by_kind,
        }),
    );
    m.insert(
        "money".into(),
        json!({
            "fees": money.fees.to_string(),
            "refunds": money.refunds.to_string(),
            "pay": money.pay.to_string(),
            "expenses": money.expenses.to_string(),
            "costs": (money.pay + money.expenses).to_string(),
            "net": (money.fees - money.refunds - money.pay - money.expenses).to_string(),
            "rows": money.rows,
            "by_category": by_category.into_iter().map(|(k, v)| json!({"category": k, "amount": v.to_string()})).collect::<Vec<_>>(),
            "settlement_refunds": money.settlement_refunds.to_string(),
        }),
    );
    m.insert(
        "satisfaction".into(),
        json!({
            "count": sat.all.count,
            "mean": sat.all.shown(),
            "pupil_count": sat.pupils.count,
            "pupil_mean": sat.pupils.shown(),
            "parent_count": sat.parents.count,
            "parent_mean": sat.parents.shown(),
            "renew_below": sat.renew_below.to_string(),
            "by_contract": by_contract,
        }),
    );
    m.insert("months".into(), months_json(&ms));
    m.insert("chart".into(), chart(&ms, lang));
    m.insert("t".into(), labels_with(lang, LABELS));
    Value::Object(m)
}

/// The csv: the report's key figures as `section,item,value`.
pub fn table(ctx: &Value) -> Table {
    let w = |k: &str| word(ctx, k);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut put = |section: &str, item: String, value: String| rows.push(vec![w(section), item, value]);
    for t in list(ctx, "terms") {
        let name = cell(&t["id"]);
        for k in ["service_days", "pupils", "care_days", "paid", "costs", "surplus", "refunds"] {
            put("terms", format!("{name} {}", w(&format!("term_{k}"))), cell(&t[k]));
        }
    }
    for k in ["applications", "served", "withdrawn", "care_days", "average_days"] {
        put("pupils", w(k), cell(&ctx["pupils"][k]));
    }
    for g in list(ctx, "by_grade") {
        let grade = cell(&g["label"]);
        for k in ["applications", "served", "care_days"] {
            put("by_grade", format!("{grade} {}", w(k)), cell(&g[k]));
        }
    }
    for a in ctx["service"]["activities"].as_array().map_or(&[][..], Vec::as_slice) {
        put("activities", cell(a), String::new());
    }
    put("staff", w("staff_count"), cell(&ctx["staff"]["count"]));
    for k in list(&ctx["staff"], "by_kind") {
        put("staff", format!("{} {}", cell(&k["label"]), w("staff_count")), cell(&k["count"]));
        put("staff", format!("{} {}", cell(&k["label"]), w("checks_ok")), cell(&k["checks_ok"]));
    }
    for k in ["fees", "refunds", "pay", "expenses", "costs", "net"] {
        put("money", w(&format!("money_{k}")), cell(&ctx["money"][k]));
    }
    for c in list(&ctx["money"], "by_category") {
        put("by_category", cell(&c["category"]), cell(&c["amount"]));
    }
    put("money", w("settlement_refunds"), cell(&ctx["money"]["settlement_refunds"]));
    for k in ["count", "mean", "pupil_mean", "parent_mean"] {
        put("satisfaction", w(&format!("sat_{k}")), cell(&ctx["satisfaction"][k]));
    }
    for c in list(&ctx["satisfaction"], "by_contract") {
        put(
            "satisfaction",
            format!("{} {}（{}）", cell(&c["contract_id"]), cell(&c["name"]), cell(&c["role"])),
            cell(&c["mean"]),
        );
    }
    Table {
        headers: vec![w("section"), w("item"), w("value")],
        rows,
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
