//! `care status`: terms, pupils by status, balance, open months and the next deadlines.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use super::{Env, Outcome};
use crate::domain::deadlines::{close_by, months_to_close, refund_due};
use crate::domain::payouts::{outstanding, paid_out};
use crate::output::terminal::clean;
use crate::output::{findings::summary, table};
use crate::records::plan::Term;
use crate::records::roster::Status;
use crate::records::{Date, Kind, Money, Month};
use crate::rules::Context;
use crate::rules::fees::{Key, refunds_due};

pub(super) fn run(env: &Env) -> Outcome {
    let r = env.records()?;
    let l = |zh, en| env.lang.pick(zh, en);
    let today = env.today;
    let mut out = String::new();
    if let Some(p) = &r.plan {
        out.push_str(&format!("{} — {} {today}\n", clean(&p.school.name), l("今天", "today")));
        let rows: Vec<Vec<String>> = p
            .terms
            .iter()
            .map(|t| {
                let settled = r.settlement(&t.id).map_or_else(
                    || l("未结算", "not settled").to_owned(),
                    |s| format!("{} {}", l("已结算", "settled"), s.settled_on.v),
                );
                vec![
                    t.id.clone(),
                    t.name.clone(),
                    t.starts.to_string(),
                    t.ends.to_string(),
                    t.settle_by.v.to_string(),
                    settled,
                ]
            })
            .collect();
        out.push_str(&table::render(
            &[
                l("学期", "term"),
                l("名称", "name"),
                l("开始", "starts"),
                l("结束", "ends"),
                l("结算期限", "settle by"),
                l("结算", "settlement"),
            ],
            &rows,
            &[],
        ));
        out.push('\n');
    }
    // Pupils by status in each term (consent is per term): a row per term with applications,
    // in the plan's order, then the applications of no term; a column per status that occurs.
    let terms: Vec<&Term> = r.plan.iter().flat_map(|p| &p.terms).collect();
    let mut by_term: BTreeMap<usize, BTreeMap<Status, usize>> = BTreeMap::new();
    for p in &r.pupils {
        let term = r.term_of_pupil(p);
        let place = term.and_then(|t| terms.iter().position(|x| std::ptr::eq(*x, t)));
        *by_term
            .entry(place.unwrap_or(terms.len()))
            .or_default()
            .entry(p.status(term, today))
            .or_default() += 1;
    }
    let statuses: BTreeSet<Status> = by_term.values().flat_map(|c| c.keys().copied()).collect();
    let labels: Vec<String> = statuses.iter().map(|s| s.label().get(env.lang).to_owned()).collect();
    let mut headers = vec![l("学生状态", "pupils")];
    headers.extend(labels.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = by_term
        .iter()
        .map(|(&place, counts)| {
            let name = terms.get(place).map_or(l("（无学期）", "(no term)"), |t| t.id.as_str());
            let mut row = vec![name.to_owned()];
            row.extend(statuses.iter().map(|s| counts.get(s).copied().unwrap_or(0).to_string()));
            row
        })
        .collect();
    let right: Vec<usize> = (1..headers.len()).collect();
    out.push_str(&table::render(&headers, &rows, &right));
    out.push('\n');
    let balance: Money = r.entries.iter().map(|e| e.signed()).sum();
    out.push_str(&format!("{}{balance}\n", l("账面余额：", "balance: ")));
    let grants: Money = r.entries.iter().filter(|e| e.kind == Kind::Grant).map(|e| e.amount).sum();
    if !grants.is_zero() {
        out.push_str(&format!("{}{grants}\n", l("其中补助收入：", "grants received: ")));
    }

    let mut deadlines: Vec<(crate::records::Date, String)> = Vec::new();
    if let Some(p) = &r.plan {
        for m in months_to_close(Some(p), r.entries.iter().map(|e| Month::of(e.date))) {
            if r.close(m).is_none() && m.first_day() <= today {
                let by = close_by(&p.deadlines, m);
                deadlines.push((by, format!("{} {m}", l("结账公示", "close and disclose"))));
            }
        }
        for t in p.terms.iter().filter(|t| r.settlement(&t.id).is_none() && t.starts <= today) {
            deadlines.push((t.settle_by.v, format!("{} {}", l("学期结算", "settle term"), t.id)));
        }
        // Refunds for leave and withdrawal, by period: due once the period has ended.
        let cx = Context::new(&r, today);
        let mut owed: BTreeMap<(Date, String), (usize, Money)> = BTreeMap::new();
        for d in refunds_due(&cx) {
            let by = match d.key {
                Key::Month(m) => close_by(&p.deadlines, m),
                Key::Term(t) => t.ends,
            };
            let slot = owed.entry((by, d.key.to_string())).or_default();
            slot.0 += 1;
            slot.1 += d.refund();
        }
        for ((by, period), (n, amount)) in owed {
            deadlines.push((
                by,
                format!(
                    "{} {period} ({n} {}, {amount})",
                    l("退还请假、退出的费用", "pay leave and withdrawal refunds for"),
                    l("户", "families")
                ),
            ));
        }
        for s in &r.settlements {
            let Some(t) = p.terms.iter().find(|t| t.id == s.term.v) else {
                continue;
            };
            // What is still to move, family by family: refunds to pay out, amounts due to collect.
            let (to_pay, to_collect) = outstanding(&s.rows, &paid_out(&r.entries, t, s.settled_on.v));
            let by = refund_due(&p.deadlines, s.settled_on.v);
            if to_pay.is_positive() {
                deadlines.push((
                    by,
                    format!(
                        "{} {} ({} {})",
                        l("退还结余", "pay refunds of"),
                        t.id,
                        to_pay,
                        l("未退", "outstanding")
                    ),
                ));
            }
            if to_collect.is_positive() {
                deadlines.push((
                    by,
                    format!(
                        "{} {} ({} {})",
                        l("收回应补交的费用", "collect amounts due for"),
                        t.id,
                        to_collect,
                        l("未收", "outstanding")
                    ),
                ));
            }
        }
    }
    deadlines.sort();
    let rows: Vec<Vec<String>> = deadlines
        .iter()
        .map(|(d, what)| {
            let late = if *d < today { l("已逾期", "overdue") } else { "" };
            vec![d.to_string(), what.clone(), late.to_owned()]
        })
        .collect();
    if rows.is_empty() {
        out.push_str(l("没有待办的期限\n", "no deadlines ahead\n"));
    } else {
        out.push_str(&table::render(
            &[l("期限", "due"), l("事项", "what"), l("状态", "state")],
            &rows,
            &[],
        ));
        out.push('\n');
    }
    let findings = crate::rules::check(&r, today);
    out.push_str(&format!("care check: {}\n", summary(&findings, env.lang)));
    crate::output::console::print(&out);
    Ok(ExitCode::SUCCESS)
}
