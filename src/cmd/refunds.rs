//! `care refunds (--month M | --term T) [--on DATE] [--record]`: what each family is owed back for
//! leave and withdrawal under `[fees] refund_rule` (SPEC §10), and booking those refunds.

use std::process::ExitCode;

use super::ledger::add::refuse_locked;
use super::ledger::close::parse_month;
use super::write::Write;
use super::{Env, Failure, Outcome};
use crate::findings::{Lang, Msg};
use crate::output::{console, table};
use crate::records::ledger::Ledger;
use crate::records::plan::Basis;
use crate::records::{Date, Entry, Kind, Money, Month, Records};
use crate::rules::Context;
use crate::rules::fees::{Due, Key, dues};

/// The periods asked for.
enum Asked<'a> {
    Month(Month),
    Term(&'a str),
}

impl Asked<'_> {
    fn covers(&self, d: &Due) -> bool {
        match (self, d.key) {
            (Asked::Month(m), Key::Month(k)) => *m == k,
            (Asked::Term(t), _) => d.term.id == *t,
            _ => false,
        }
    }
}

/// One line per family and period: paid, owed, refund, and the total.
fn render(r: &Records, list: &[&Due], monthly: bool, lang: Lang) -> String {
    let pick = |zh, en| lang.pick(zh, en);
    let mut headers = vec![pick("学生", "pupil"), pick("姓名", "name")];
    if monthly {
        headers.push(pick("月份", "month"));
    }
    headers.extend([
        pick("净交费", "net paid"),
        pick("应交", "owed"),
        pick("在托/托管日", "days in care"),
        pick("应退", "refund"),
    ]);
    let mut rows: Vec<Vec<String>> = list
        .iter()
        .map(|d| {
            let p = &r.pupils[d.pupil];
            let mut row = vec![p.id.clone(), p.name.clone()];
            if monthly {
                row.push(d.key.to_string());
            }
            row.extend([
                d.paid.net.to_string(),
                d.owed.owed.to_string(),
                format!("{}/{}", d.owed.attended, d.owed.service),
                d.refund().to_string(),
            ]);
            row
        })
        .collect();
    let sum = |f: fn(&Due) -> Money| list.iter().map(|d| f(d)).sum::<Money>();
    let mut total = vec![pick("合计", "total").to_owned(), String::new()];
    if monthly {
        total.push(String::new());
    }
    total.extend([
        sum(|d| d.paid.net).to_string(),
        sum(|d| d.owed.owed).to_string(),
        String::new(),
        sum(|d| d.refund()).to_string(),
    ]);
    rows.push(total);
    let right: Vec<usize> = (headers.len() - 4..headers.len()).collect();
    table::render(&headers, &rows, &right)
}

pub(super) fn run(env: &Env, month: Option<&str>, term: Option<&str>, on: Option<Date>, record: bool) -> Outcome {
    let month = month.map(parse_month).transpose()?;
    let on = on.unwrap_or(env.today);
    if !record {
        let r = env.records()?;
        let (text, _) = work(env, &r, month, term, on)?;
        console::print(&text);
        return Ok(ExitCode::SUCCESS);
    }
    let mut w = Write::begin(env)?;
    let (_, owed) = work(env, &w.before, month, term, on)?;
    if owed.is_empty() {
        console::println(&env.say(&Msg::new("没有应退的费用，未写入", "no refunds are due; nothing written")));
        return Ok(ExitCode::SUCCESS);
    }
    for e in &owed {
        refuse_locked(&w.before, e)?;
    }
    w.append_all::<Ledger>(&owed)?;
    let (n, total) = (owed.len(), owed.iter().map(|e| e.amount).sum::<Money>());
    w.finish(
        Msg::new(
            format!("已记入 {n} 笔退费，共 {total} 元，日期 {on}，写入 ledger.csv"),
            format!("recorded {n} refunds, {total} in all, dated {on}, in ledger.csv"),
        ),
        &[],
    )
}

/// The table of what families paid, owed and are owed back for the periods asked for, and the
/// refund rows that would book it, dated `on`.
fn work(env: &Env, r: &Records, month: Option<Month>, term: Option<&str>, on: Date) -> Result<(String, Vec<Entry>), Failure> {
    let refuse = |zh: &str, en: &str| Failure::Refused(Msg::new(zh, en));
    let Some(plan) = &r.plan else {
        return Err(refuse(
            "plan.toml 无法读取；请先运行 care check",
            "plan.toml cannot be read; run care check first",
        ));
    };
    let Some(fees) = &plan.fees else {
        return Err(refuse("plan.toml 没有收费标准 [fees]", "plan.toml has no fee standard [fees]"));
    };
    if let Some(t) = term
        && !plan.terms.iter().any(|x| x.id == t)
    {
        return Err(Failure::Usage(Msg::new(
            format!("plan.toml 中没有学期 {t}"),
            format!("plan.toml has no term {t}"),
        )));
    }
    let monthly = fees.basis == Basis::Monthly;
    let asked = match (month, term) {
        (Some(_), _) if !monthly => {
            return Err(Failure::Usage(Msg::new(
                "按学期收费（basis = \"term\"）时按学期计算退费：请用 --term 学期id",
                "fees are per term (basis = \"term\"): refunds are worked out per term; use --term TERM",
            )));
        }
        (Some(m), _) => Asked::Month(m),
        (None, Some(t)) => Asked::Term(t),
        (None, None) => return Err(Failure::Usage(Msg::new("请给出 --month 或 --term", "give --month or --term"))),
    };
    if !r.ledger_complete || !r.leave_complete() {
        return Err(refuse(
            "ledger.csv 或 leave.csv 有无法读取的行；请先运行 care check 并改正",
            "ledger.csv or leave.csv has rows that cannot be read; run care check and correct them first",
        ));
    }
    let cx = Context::new(r, env.today);
    let all = dues(&cx);
    let list: Vec<&Due> = all
        .iter()
        .filter(|d| asked.covers(d) && (d.paid.net.is_positive() || d.refund().is_positive()))
        .collect();
    let rule = crate::records::plan::Choice::as_str(fees.refund_rule);
    let head = Msg::new(
        format!("退费规则：{rule}；收费标准 {} 元\n", fees.amount.v),
        format!("refund rule: {rule}; standard {}\n", fees.amount.v),
    );
    let text = format!("{}{}", head.get(env.lang), render(r, &list, monthly, env.lang));
    let rows = list
        .iter()
        .filter(|d| d.refund().is_positive())
        .map(|d| Entry {
            pupil_id: Some(r.pupils[d.pupil].id.as_str().into()),
            period: Some(d.key.to_string().as_str().into()),
            memo: Some("请假、退出退费".into()),
            ..Entry::new(on, Kind::Refund, d.refund())
        })
        .collect();
    Ok((text, rows))
}
