//! `care leave add`: appends a pupil's leave to leave.csv (SPEC §5, §8).

use super::write::Write;
use super::{Env, Failure, Outcome};
use crate::findings::Msg;
use crate::records::leave::{FILE, Leaves};
use crate::records::{Date, Leave};
use crate::rules::fees::RefundDue;

pub(super) fn add(env: &Env, pupil: &str, from: Date, to: Date, reason: Option<String>) -> Outcome {
    let pupil = pupil.trim();
    if to < from {
        return Err(Failure::Refused(Msg::new(
            format!("请假结束日 {to} 早于开始日 {from}：--to 是最后一天，不早于 --from"),
            format!("the leave ends on {to}, before it starts on {from}: --to is the last day away, not before --from"),
        )));
    }
    let mut w = Write::begin_by_pupil(env)?;
    w.append::<Leaves>(&Leave {
        line: 0,
        pupil_id: pupil.to_owned(),
        from,
        to,
        reason: reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()),
    })?;
    // A leave of a month that has ended makes a refund due at once: that is what `care refunds`
    // books next, not a reason to refuse the leave.
    w.finish(
        Msg::new(
            format!("已记请假：{pupil} {from}～{to}，写入 {FILE}"),
            format!("recorded leave: {pupil} from {from} to {to}, in {FILE}"),
        ),
        &[RefundDue::ID],
    )
}
