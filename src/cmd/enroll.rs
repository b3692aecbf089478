//! `care enroll`: a pupil's written application (申请表), signed by the guardian (二(四)).

use super::write::{Write, next_id};
use super::{Env, Failure, Outcome};
use crate::cli::EnrollArgs;
use crate::findings::Msg;
use crate::records::Pupil;
use crate::records::roster::Roster;

pub fn run(env: &Env, a: EnrollArgs) -> Outcome {
    let mut w = Write::begin(env)?;
    let name = a.name.trim().to_owned();
    let guardian = a.guardian.trim().to_owned();
    let class = a.class.trim().to_owned();
    if let Some(p) = w
        .before
        .pupils
        .iter()
        .find(|p| p.name == name && p.grade == a.grade && p.class == class && p.guardian == guardian)
    {
        return Err(Failure::Refused(Msg::new(
            format!("{name}（{}年级{class}班，监护人{guardian}）已经申请过，编号 {}", a.grade, p.id),
            format!(
                "{name} (grade {}, class {class}, guardian {guardian}) has already applied, as {}",
                a.grade, p.id
            ),
        )));
    }
    let id = match a.id {
        Some(id) => id.trim().to_owned(),
        None => next_id("P", &w.column(Roster::PupilId)?, 4),
    };
    w.append::<Roster>(&Pupil {
        line: 0,
        id: id.clone(),
        name: name.clone(),
        grade: a.grade,
        class,
        guardian,
        phone: a.phone,
        applied_on: a.applied_on,
        signed_by: a.signed_by.trim().to_owned(),
        reviewed_on: None,
        agreed_on: None,
        starts: None,
        ends: None,
        note: a.note,
        term: None,
        waiver: None,
        waiver_reason: None,
    })?;
    w.finish(
        Msg::new(
            format!("已登记 {id}：{name} 的托管申请（{}）", a.applied_on),
            format!("enrolled {id}: {name}, applied on {}", a.applied_on),
        ),
        &[],
    )
}
