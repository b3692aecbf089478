//! `care ledger reopen --month M --reason TEXT`: only the latest closed month can be reopened.

use super::close::parse_month;
use crate::cmd::write::Write;
use crate::cmd::{Env, Failure, Outcome};
use crate::findings::Msg;
use crate::records::Reopen;
use crate::records::closes::{REOPENED, Reopened};

pub(crate) fn run(env: &Env, month: &str, reason: &str) -> Outcome {
    let month = parse_month(month)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Failure::Usage(Msg::new(
            "请用 --reason 写明重开的理由",
            "give the reason for reopening with --reason",
        )));
    }
    let mut w = Write::begin(env)?;
    let Some(latest) = w.before.closes.last() else {
        return Err(Failure::Refused(Msg::new("还没有结过账的月份", "no month has been closed")));
    };
    if latest.month != month {
        return Err(Failure::Refused(Msg::new(
            format!("只能重开最近结账的月份 {}；要重开 {month}，请先依次重开之后的月份", latest.month),
            format!(
                "only the latest closed month, {}, can be reopened; reopen the later months first to reach {month}",
                latest.month
            ),
        )));
    }
    let file = latest.file.clone();
    w.change.remove(&file);
    w.append::<Reopened>(&Reopen {
        line: 0,
        month,
        date: env.today,
        reason: reason.to_owned(),
    })?;
    w.finish(
        Msg::new(
            format!("{month} 月已重开（理由：{reason}），记录在 {REOPENED}"),
            format!("reopened {month} ({reason}); recorded in {REOPENED}"),
        ),
        &[],
    )
}
