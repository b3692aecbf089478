//! `care ledger close --month M`: closes a month and writes its public disclosure (三(三)).

use std::sync::OnceLock;

use rayon::prelude::*;

use crate::cmd::write::{Lines, Write, ledger_row_errors_and};
use crate::cmd::{Env, Failure, Outcome};
use crate::findings::Msg;
use crate::records::closes::{self, MonthTotals, path};
use crate::records::{Date, Month};
use crate::report::{self, disclosure};
use crate::rules::Context;
use crate::rules::fees::{Key, refunds_due};

pub(crate) fn parse_month(text: &str) -> Result<Month, Failure> {
    Month::parse_msg(text).map_err(Failure::Usage)
}

fn refuse(zh: String, en: String) -> Failure {
    Failure::Refused(Msg::new(zh, en))
}

/// A month is not closed while families are owed refunds for it (basis monthly), or for a term
/// that ended by its end (basis term): the refunds are booked first.
fn refuse_refunds_due(cx: &Context, month: Month) -> Result<(), Failure> {
    let r = cx.records;
    let due: Vec<_> = refunds_due(cx)
        .iter()
        .filter(|d| match d.key {
            Key::Month(m) => m == month,
            Key::Term(t) => t.ends <= month.last_day(),
        })
        .collect();
    let Some(first) = due.first() else { return Ok(()) };
    let families: Vec<String> = due
        .iter()
        .map(|d| format!("{} {} ({})", r.pupils[d.pupil].id, d.key, d.refund()))
        .collect();
    let command = match first.key {
        Key::Month(m) => format!("care refunds --month {m} --record"),
        Key::Term(t) => format!("care refunds --term {} --record", t.id),
    };
    Err(refuse(
        format!(
            "{month} 月还有请假、退出应退未退的费用：{}；请先退还并用 {command} 记账，再结账",
            families.join("、")
        ),
        format!(
            "month {month} still owes refunds for leave and withdrawal: {}; pay them and book them with {command} before closing",
            families.join(", ")
        ),
    ))
}

pub(crate) fn run(env: &Env, month: &str, on: Option<Date>) -> Outcome {
    let month = parse_month(month)?;
    let on = on.unwrap_or(env.today);
    let mut w = Write::begin(env)?;
    let r = &w.before;
    if on <= month.last_day() {
        return Err(refuse(
            format!("{month} 月到 {} 才结束，{on} 还不能结账", month.last_day()),
            format!("month {month} runs to {}; it cannot be closed on {on}", month.last_day()),
        ));
    }
    if let Some(c) = r.close(month) {
        return Err(refuse(
            format!("{month} 月已于 {} 结账（{}）", c.closed_on.v, c.file),
            format!("month {month} is already closed ({}, on {})", c.file, c.closed_on.v),
        ));
    }
    if let Some(open) = r
        .entries
        .par_iter()
        .map(|e| Month::of(e.date))
        .filter(|m| *m < month && r.close(*m).is_none())
        .min()
    {
        return Err(refuse(
            format!("更早的 {open} 月有收支还没结账；请先结 {open} 月"),
            format!("the earlier month {open} has rows and is not closed; close {open} first"),
        ));
    }
    let days = month.days();
    let lines = Lines::of(r.entries.par_iter().filter(|e| days.contains(&e.date)));
    // The refunds due on the day of the close come from the context the rules are checked with,
    // when that day is today.
    // The month's totals and digest, and its disclosure, are worked out beside the rules (the
    // digest on one core before its share of the rules, the rest of the disclosure and its
    // rendering on the other before its); they are used only when the rules find no error. The
    // disclosure is rendered from the records before the close, closed on `on`: a close changes
    // no row, and the opening balance it writes is the one they give.
    let totals: OnceLock<MonthTotals> = OnceLock::new();
    let month_totals = || totals.get_or_init(|| MonthTotals::of(month, &r.entries));
    let disclose = || {
        let ctx = disclosure::context_given(r, month, Some(on), env.report_lang(), false, || month_totals().clone());
        report::render_template(Some(&env.dir), "disclosure.md.tera", &ctx)
    };
    let ahead = || {
        month_totals();
    };
    let (bad, (md, refunds)) = if on == env.today {
        ledger_row_errors_and(&w, &lines, ahead, |cx| {
            let md = disclose();
            (md, refuse_refunds_due(cx, month))
        })
    } else {
        let (bad, md) = ledger_row_errors_and(&w, &lines, ahead, |_| disclose());
        (bad, (md, refuse_refunds_due(&Context::new(r, on), month)))
    };
    refunds?;
    if !r.ledger_complete {
        return Err(refuse(
            "ledger.csv 有无法读取的行；请先运行 care check 并改正".into(),
            "ledger.csv has rows that cannot be read; run care check and correct them first".into(),
        ));
    }
    if !bad.is_empty() {
        let m = crate::store::refusal(&bad);
        return Err(Failure::Refused(Msg::new(
            format!("{month} 月的账有错误，不能结账：{}", m.zh),
            format!("month {month} has rows with errors and cannot be closed: {}", m.en),
        )));
    }
    let opening = disclosure::opening(r, month);
    let t = month_totals().clone();
    let md = md.map_err(Failure::Refused)?;
    let closing = t.closing(opening);
    let file = path(month);
    w.change.put(&file, closes::render(month, on, opening, &t).into_bytes());
    let report_file = format!("reports/disclosure-{month}.md");
    w.change.put(&report_file, md.into_bytes());
    // The records before the close have been judged: they become those after it (moved, not
    // copied) for the check of the close, which takes the month's totals from here.
    w.knowing_totals(month, t.clone());
    w.take_after();
    let (grants_zh, grants_en) = if t.grants.is_zero() {
        (String::new(), String::new())
    } else {
        (format!("，补助 {}", t.grants), format!(", grants {}", t.grants))
    };
    w.finish(
        Msg::new(
            format!("{month} 月已结账：期初 {opening}，收 {}{grants_zh}，退 {}，劳务 {}，支出 {}，期末 {closing}（{} 笔）；公示见 {report_file}", t.fees, t.refunds, t.pay, t.expenses, t.rows),
            format!("closed {month}: opening {opening}, fees {}{grants_en}, refunds {}, pay {}, expenses {}, closing {closing} ({} rows); disclosure in {report_file}", t.fees, t.refunds, t.pay, t.expenses, t.rows),
        ),
        &[],
    )
}
