//! The steps of an application after it is made: `care review`, `care agree`, `care withdraw`.
//! Each sets dates on the pupil's roster row; only that line of roster.csv changes.

use super::write::Write;
use super::{Env, Failure, Outcome};
use crate::domain::calendar::next_service_day;
use crate::findings::Msg;
use crate::records::roster::Roster;
use crate::records::{Date, Pupil};

fn pupil<'a>(w: &'a Write, id: &str) -> Result<&'a Pupil, Failure> {
    w.before.pupils.iter().find(|p| p.id == id).ok_or_else(|| {
        Failure::Refused(Msg::new(
            format!("roster.csv 中没有学生 {id}"),
            format!("there is no pupil {id} in roster.csv"),
        ))
    })
}

fn already(what: (&str, &str), id: &str, on: Date) -> Failure {
    Failure::Refused(Msg::new(
        format!("{id} 已于 {on} {}", what.0),
        format!("{id} was already {} on {on}", what.1),
    ))
}

pub fn review(env: &Env, id: &str, on: Date) -> Outcome {
    let mut w = Write::begin(env)?;
    let p = pupil(&w, id)?;
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

pub fn agree(env: &Env, id: &str, on: Date, starts: Option<Date>) -> Outcome {
    let mut w = Write::begin(env)?;
    let p = pupil(&w, id)?;
    if let Some(d) = p.agreed_on {
        return Err(already(("签订托管协议", "agreed"), id, d));
    }
    let starts = match (starts, &w.before.plan) {
        (Some(s), _) => s,
        (None, Some(plan)) => next_service_day(plan, on),
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

pub fn withdraw(env: &Env, id: &str, on: Date) -> Outcome {
    let mut w = Write::begin(env)?;
    let p = pupil(&w, id)?;
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
