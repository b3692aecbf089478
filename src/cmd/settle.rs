//! `care settle --term T`: settles a term (SPEC §6) and, with --record, pays the families out.

use std::borrow::Cow;
use std::process::ExitCode;

use rayon::prelude::*;

use super::write::{Lines, Write, ledger_row_errors_and};
use super::{Env, Failure, Outcome};
use crate::domain::settle::{Outcome as Settled, settle_figures, term_rows};
use crate::findings::{Lang, Msg};
use crate::output::terminal::clean;
use crate::output::{console, table};
use crate::records::ledger::Ledger;
use crate::records::plan::RefundBasis;
use crate::records::settlements::{csv_path, render_csv, render_toml, toml_path};
use crate::records::{Date, Entry, Kind, Money, Records};
use crate::rules::settlement::RefundMismatch;

fn refuse(zh: String, en: String) -> Failure {
    Failure::Refused(Msg::new(zh, en))
}

/// The settlement as a table: one row per family and the totals.
/// A family's row of [`table`]: its id, name, paid, share, refund and, by `days`, care days.
fn family_row<'a>(f: &'a crate::domain::settle::Family, name: &'a str, days: bool) -> Vec<Cow<'a, str>> {
    let mut row = vec![
        Cow::Borrowed(f.pupil_id.as_str()),
        Cow::Borrowed(name),
        Cow::Owned(f.paid.to_string()),
        Cow::Owned(f.share.to_string()),
        Cow::Owned(f.refund.to_string()),
    ];
    if days {
        row.push(Cow::Owned(f.days.to_string()));
    }
    row
}

pub(super) fn table(r: &Records, o: &Settled, lang: Lang) -> String {
    let pick = |zh, en| lang.pick(zh, en);
    let days = o.families.iter().any(|f| f.days > 0);
    let mut headers = vec![
        pick("学生", "pupil"),
        pick("姓名", "name"),
        pick("已交", "paid"),
        pick("分摊", "share"),
        pick("退还(负数为应补)", "refund (negative: due)"),
    ];
    if days {
        headers.push(pick("托管天数", "care days"));
    }
    // Each row is made twice (see table::render_made): the names are looked up once.
    let names: Vec<&str> = o
        .families
        .iter()
        .map(|f| r.pupil(&f.pupil_id).map_or("", |p| p.name.as_str()))
        .collect();
    let shares: Money = o.families.iter().map(|f| f.share).sum();
    let refunds: Money = o.families.iter().map(|f| f.refund).sum();
    let mut total = vec![
        pick("合计", "total").to_owned(),
        format!("{} {}", o.families.len(), pick("户", "families")),
        o.paid.to_string(),
        shares.to_string(),
        refunds.to_string(),
    ];
    if days {
        total.push(o.families.iter().map(|f| f.days).sum::<u32>().to_string());
    }

    let grants = |zh: bool| {
        if o.grants.is_zero() {
            String::new()
        } else if zh {
            format!("，补助 G = {}", o.grants)
        } else {
            format!(", grants G = {}", o.grants)
        }
    };
    let retained = |zh: bool| match o.retained {
        Some(r) if zh => format!("，学校留存 {r}"),
        Some(r) => format!(", kept by the school {r}"),
        None => String::new(),
    };
    let summary = match lang {
        Lang::Zh => format!(
            "学期 {}，{} 结算，按{}：收入 P = {}{}，支出 C = {}，结余 S = {}{}",
            o.term,
            o.settled_on,
            match o.basis {
                RefundBasis::Days => "托管天数分摊",
                RefundBasis::Paid => "交费比例分摊",
                RefundBasis::Standard => "收费标准和实际服务结算",
            },
            o.paid,
            grants(true),
            o.costs,
            o.surplus,
            retained(true)
        ),
        Lang::En => format!(
            "term {}, settled on {}, basis {}: paid P = {}{}, costs C = {}, surplus S = {}{}",
            o.term,
            o.settled_on,
            o.basis.as_str(),
            o.paid,
            grants(false),
            o.costs,
            o.surplus,
            retained(false)
        ),
    };
    let total: Vec<Cow<str>> = total.iter().map(|t| Cow::Borrowed(t.as_str())).collect();
    let rows = || {
        o.families
            .iter()
            .zip(&names)
            .map(|(f, name)| family_row(f, name, days))
            .chain(std::iter::once(total.clone()))
    };
    let drawn = table::render_made(&headers, o.families.len() + 1, rows, &[2, 3, 4, 5]);
    format!("{}\n{}\n", clean(&summary), drawn)
}

pub(super) fn run(env: &Env, term: &str, on: Option<Date>, record: bool, dry_run: bool) -> Outcome {
    let on = on.unwrap_or(env.today);
    let mut w = Write::begin(env)?;
    let r = &w.before;
    let Some(plan) = &r.plan else {
        return Err(refuse(
            "plan.toml 无法读取；请先运行 care check".into(),
            "plan.toml cannot be read; run care check first".into(),
        ));
    };
    let Some(t) = plan.terms.iter().find(|t| t.id == term) else {
        let known: Vec<&str> = plan.terms.iter().map(|t| t.id.as_str()).collect();
        return Err(refuse(
            format!("plan.toml 中没有学期 {term}（有：{}）", known.join("、")),
            format!("plan.toml has no term {term} (it has: {})", known.join(", ")),
        ));
    };
    if let Some(s) = r.settlement(term) {
        return Err(refuse(
            format!(
                "学期 {term} 已于 {} 结算（{}）；如需重新结算，见文档 docs/settlement.md",
                s.settled_on.v, s.file
            ),
            format!(
                "term {term} was already settled on {} ({}); to settle it again, see docs/settlement.md",
                s.settled_on.v, s.file
            ),
        ));
    }
    if on < t.starts {
        return Err(refuse(
            format!("结算日 {on} 早于学期开始的 {}", t.starts),
            format!("the settlement date {on} is before the term starts on {}", t.starts),
        ));
    }
    if !r.ledger_complete {
        return Err(refuse(
            "ledger.csv 有无法读取的行；请先运行 care check 并改正".into(),
            "ledger.csv has rows that cannot be read; run care check and correct them first".into(),
        ));
    }
    let rows = term_rows(plan, t, on, &r.entries);
    let basis = plan.fees.as_ref().map(|f| f.refund_basis).unwrap_or_default();
    // The figures and their table are worked out beside the rules, on one core before its
    // share of them; they are shown only when the rules find no error.
    let figures = || {
        settle_figures(plan, t, basis, on, &rows, &r.pupils, &r.leave).map(|o| {
            let shown = table(r, &o, env.lang);
            (o, shown)
        })
    };
    let (bad, figures) = ledger_row_errors_and(&w, &Lines::of(rows.par_iter().copied()), || (), |_| figures());
    if !bad.is_empty() {
        let m = crate::store::refusal(&bad);
        return Err(refuse(
            format!("学期 {term} 的账有错误，不能结算：{}", m.zh),
            format!("term {term} has rows with errors and cannot be settled: {}", m.en),
        ));
    }
    let (o, shown) = figures.map_err(Failure::Refused)?;
    console::print(&shown);
    if dry_run {
        console::println(env.lang.pick("（试算，未写入任何文件）", "(dry run: nothing written)"));
        w.end();
        return Ok(ExitCode::SUCCESS);
    }
    // Only a settlement written keeps the digest of its rows.
    let o = o.with_digest_of(&rows);
    w.change.put(&toml_path(term), render_toml(&o.summary()).into_bytes());
    w.change.put(
        &csv_path(term),
        render_csv(o.families.iter().map(|f| (f.pupil_id.as_str(), f.paid, f.share, f.refund))).into_bytes(),
    );
    let payouts = if record {
        let refunds: Vec<Entry> = o
            .families
            .iter()
            .filter(|f| f.refund.is_positive())
            .map(|f| Entry {
                pupil_id: Some(f.pupil_id.as_str().into()),
                period: Some(term.into()),
                memo: Some("学期结算退费".into()),
                ..Entry::new(on, Kind::Refund, f.refund)
            })
            .collect();
        w.append_all::<Ledger>(&refunds)?.len()
    } else {
        0
    };
    let done = Msg::new(
        format!(
            "学期 {term} 已结算：{} 户，结余 {}；写入 {} 和 {}{}",
            o.families.len(),
            o.surplus,
            toml_path(term),
            csv_path(term),
            if record {
                format!("，并记入 {payouts} 笔退费")
            } else {
                String::new()
            }
        ),
        format!(
            "settled {term}: {} families, surplus {}; wrote {} and {}{}",
            o.families.len(),
            o.surplus,
            toml_path(term),
            csv_path(term),
            if record {
                format!(", and recorded {payouts} refunds")
            } else {
                String::new()
            }
        ),
    );
    // Refunds are paid after the settlement; until then, a mismatch is expected, not an error.
    w.finish(done, &[RefundMismatch::ID])
}
