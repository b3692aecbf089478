//! `care ledger add`: appends one row of money.

use crate::cli::{KindArg, LedgerAddArgs};
use crate::cmd::write::Write;
use crate::cmd::{Env, Failure, Outcome};
use crate::domain::calendar::{is_payout, term_of};
use crate::findings::Msg;
use crate::records::ledger::Ledger;
use crate::records::{Entry, Kind, Month, Records, Short};

/// Refuses a row dated in a closed month, or of a settled term unless it is a settlement
/// payout: the two refusals a row of money meets most, said in the words of the case.
pub(crate) fn refuse_locked(r: &Records, entry: &Entry) -> Result<(), Failure> {
    let month = Month::of(entry.date);
    if let Some(c) = r.close(month) {
        return Err(Failure::Refused(Msg::new(
            format!(
                "{month} 月已于 {} 结账公示（{}），不能再记入；请把更正记在当前月份，或先用 care ledger reopen 重开",
                c.closed_on.v, c.file
            ),
            format!(
                "month {month} was closed on {} ({}); record the correction in the current month, or reopen it first with care ledger reopen",
                c.closed_on.v, c.file
            ),
        )));
    }
    if let Some(plan) = &r.plan
        && let Some(term) = term_of(plan, entry)
        && let Some(s) = r.settlement(&term.id)
        && !is_payout(entry, term, s.settled_on.v)
    {
        return Err(Failure::Refused(Msg::new(
            format!(
                "学期 {} 已于 {} 结算，不能再记入该学期的收支（结算退款请用 refund 并把 period 写成 {}）",
                term.id, s.settled_on.v, term.id
            ),
            format!(
                "term {} was settled on {}; its rows are locked (a settlement payout is a refund with period {})",
                term.id, s.settled_on.v, term.id
            ),
        )));
    }
    Ok(())
}

pub(crate) fn run(env: &Env, a: LedgerAddArgs) -> Outcome {
    let kind = match a.kind {
        KindArg::Fee => Kind::Fee,
        KindArg::Refund => Kind::Refund,
        KindArg::Pay => Kind::Pay,
        KindArg::Expense => Kind::Expense,
        KindArg::Grant => Kind::Grant,
    };
    let clean = |v: Option<String>| v.map(|s| Short::new(s.trim())).filter(|s| !s.is_empty());
    let entry = Entry {
        line: 0,
        date: a.date,
        kind,
        amount: a.amount,
        pupil_id: clean(a.pupil),
        period: clean(a.period),
        collected_by: clean(a.collected_by),
        receipt: clean(a.receipt),
        memo: clean(a.memo),
        apart: None,
    }
    .with_apart(clean(a.contract), clean(a.category));
    // A row about a pupil is checked on that pupil's rows where the rules allow it.
    let mut w = match entry.pupil_id {
        Some(_) => Write::begin_by_pupil(env)?,
        None => Write::begin(env)?,
    };
    refuse_locked(&w.before, &entry)?;
    w.append::<Ledger>(&entry)?;
    let who = entry
        .pupil_id
        .as_deref()
        .or(entry.contract_id().map(|s| s.as_str()))
        .or(entry.category().map(|s| s.as_str()))
        .unwrap_or("");
    let label = kind.label();
    w.finish(
        Msg::new(
            format!("已记账：{} {} {} 元 {who}", entry.date, label.zh, entry.amount),
            format!("recorded: {} {} {} {who}", entry.date, label.en, entry.amount),
        ),
        &[],
    )
}
