//! The steps of an application after it is made: `care review`, `care agree`, `care withdraw`.
//! Each sets dates on the pupil's application for `--term`, else its latest one; only that line
//! of roster.csv changes.

use super::write::Write;
use super::{Env, Failure, Outcome};
use crate::domain::calendar::next_service_day;
use crate::findings::Msg;
use crate::records::roster::Roster;
use crate::records::{Date, Pupil};

/// The pupil's application for `term`, else its latest one.
fn pupil<'a>(w: &'a Write, id: &str, term: Option<&str>) -> Result<&'a Pupil, Failure> {
    let r = &w.before;
    if r.application(id, None).is_none() {
        return Err(Failure::Refused(Msg::new(
            format!("roster.csv 中没有学生 {id}"),
            format!("there is no pupil {id} in roster.csv"),
        )));
    }
    if let (Some(t), Some(plan)) = (term, &r.plan)
        && plan.term(t).is_none()
    {
        return Err(Failure::Refused(plan.no_such_term(t)));
    }
    r.application(id, term).ok_or_else(|| {
        let t = term.unwrap_or_default();
        Failure::Refused(Msg::new(
            format!("{id} 没有学期 {t} 的申请；先用 care enroll --renew {id} --term {t} 登记"),
            format!("{id} has no application for term {t}; record one first with care enroll --renew {id} --term {t}"),
        ))
    })
}

fn already(what: (&str, &str), id: &str, on: Date) -> Failure {
    Failure::Refused(Msg::new(
        format!("{id} 已于 {on} {}", what.0),
        format!("{id} was already {} on {on}", what.1),
    ))
}

pub(super) fn review(env: &Env, id: &str, on: Date, term: Option<&str>) -> Outcome {
    let mut w = Write::begin(env)?;
    let p = pupil(&w, id, term)?;
    if let Some(d) = p.reviewed_on {
        return Err(already(("审核登记", "reviewed"), id, d));
    }
    let (line, name) = (p.line, p.name.clone());
    let p = Pupil {
        reviewed_on: Some(on),
        ..p.clone()
    };
    w.set::<Roster>(line, &p, &[Roster::ReviewedOn])?;
    w.finish(
        Msg::new(
            format!("{id}（{name}）的申请已于 {on} 审核登记"),
            format!("{id} ({name}) reviewed and registered on {on}"),
        ),
        &[],
    )
}

pub(super) fn agree(env: &Env, id: &str, on: Date, starts: Option<Date>, term: Option<&str>) -> Outcome {
    let mut w = Write::begin(env)?;
    let p = pupil(&w, id, term)?;
    if let Some(d) = p.agreed_on {
        return Err(already(("签订托管协议", "agreed"), id, d));
    }
    // Care starts on a service day, and not before the application's term.
    let starts = match (starts, &w.before.plan) {
        (Some(s), _) => s,
        (None, Some(plan)) => {
            let from = plan.term_of_pupil(p).map_or(on, |t| on.max(t.starts));
            next_service_day(plan, from)
        }
        (None, None) => on,
    };
    let (line, name) = (p.line, p.name.clone());
    let p = Pupil {
        agreed_on: Some(on),
        starts: Some(starts),
        ..p.clone()
    };
    w.set::<Roster>(line, &p, &[Roster::AgreedOn, Roster::Starts])?;
    w.finish(
        Msg::new(
            format!("{id}（{name}）已于 {on} 签订托管协议，{starts} 开始托管"),
            format!("{id} ({name}) agreement signed on {on}; care starts on {starts}"),
        ),
        &[],
    )
}

pub(super) fn withdraw(env: &Env, id: &str, on: Date, term: Option<&str>) -> Outcome {
    let mut w = Write::begin(env)?;
    let p = pupil(&w, id, term)?;
    if let Some(d) = p.ends {
        return Err(already(("退出托管", "withdrawn"), id, d));
    }
    let (line, name) = (p.line, p.name.clone());
    let p = Pupil {
        ends: Some(on),
        ..p.clone()
    };
    w.set::<Roster>(line, &p, &[Roster::Ends])?;
    // A withdrawal recorded after the month it falls in has ended makes a refund due at once:
    // `care refunds` books it next.
    w.finish(
        Msg::new(
            format!("{id}（{name}）退出托管，最后一天为 {on}"),
            format!("{id} ({name}) withdrawn; the last day of care is {on}"),
        ),
        &[crate::rules::fees::RefundDue::ID],
    )
}
