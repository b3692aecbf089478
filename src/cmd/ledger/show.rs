//! `care ledger show [--month M | --term T]`: the rows and totals as a table.

use std::process::ExitCode;

use crate::cmd::{Env, Failure, Outcome};
use crate::domain::calendar::term_of;
use crate::findings::Msg;
use crate::output::{console, table};
use crate::records::{Kind, Money, Month, Short};

pub(crate) fn run(env: &Env, month: Option<&str>, term: Option<&str>) -> Outcome {
    let r = env.records()?;
    let month = month.map(super::close::parse_month).transpose()?;
    if let Some(t) = term
        && !r.plan.as_ref().is_some_and(|p| p.terms.iter().any(|x| x.id == t))
    {
        return Err(Failure::Usage(Msg::new(
            format!("plan.toml 中没有学期 {t}"),
            format!("plan.toml has no term {t}"),
        )));
    }
    let rows: Vec<_> = r
        .entries
        .iter()
        .filter(|e| month.is_none_or(|m: Month| m.contains(e.date)))
        .filter(|e| term.is_none_or(|t| r.plan.as_ref().and_then(|p| term_of(p, e)).is_some_and(|x| x.id == t)))
        .collect();
    let l = |zh, en| env.lang.pick(zh, en);
    let headers = [
        l("行", "line"),
        l("日期", "date"),
        l("类型", "kind"),
        l("金额", "amount"),
        l("对象", "who"),
        l("期间", "period"),
        l("收款人", "collected by"),
        l("凭证", "receipt"),
        l("备注", "memo"),
    ];
    let o = |v: &Option<Short>| v.as_deref().unwrap_or_default().to_owned();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|e| {
            let who = e
                .pupil_id
                .as_deref()
                .or(e.contract_id().map(|s| s.as_str()))
                .or(e.category().map(|s| s.as_str()))
                .unwrap_or_default()
                .to_owned();
            vec![
                e.line.to_string(),
                e.date.to_string(),
                e.kind.label().get(env.lang).to_owned(),
                e.amount.to_string(),
                who,
                o(&e.period),
                o(&e.collected_by),
                o(&e.receipt),
                o(&e.memo),
            ]
        })
        .collect();
    console::println(&table::render(&headers, &body, &[0, 3]));
    let sum = |k: Kind| -> Money { rows.iter().filter(|e| e.kind == k).map(|e| e.amount).sum() };
    let net: Money = rows.iter().map(|e| e.signed()).sum();
    // Grants get a column when there are any, so that a committee's ledger reads as before.
    let grants = rows.iter().any(|e| e.kind == Kind::Grant);
    let mut headers = vec![l("收费", "fees")];
    let mut totals = vec![sum(Kind::Fee).to_string()];
    if grants {
        headers.push(l("补助", "grants"));
        totals.push(sum(Kind::Grant).to_string());
    }
    headers.extend([
        l("退费", "refunds"),
        l("劳务费", "pay"),
        l("其他支出", "expenses"),
        l("净额", "net"),
        l("笔数", "rows"),
    ]);
    totals.extend([
        sum(Kind::Refund).to_string(),
        sum(Kind::Pay).to_string(),
        sum(Kind::Expense).to_string(),
        net.to_string(),
        rows.len().to_string(),
    ]);
    let right: Vec<usize> = (0..headers.len()).collect();
    console::println(&table::render(&headers, &[totals], &right));
    Ok(ExitCode::SUCCESS)
}
