//! `care enroll`: a pupil's written application (申请表) for a term, signed by the guardian
//! (二(四)); `--renew` for the family of a pupil applying again for another term.

use super::write::{Write, next_id};
use super::{Env, Failure, Outcome};
use crate::cli::EnrollArgs;
use crate::findings::Msg;
use crate::records::Pupil;
use crate::records::roster::Roster;

fn refused(zh: String, en: String) -> Failure {
    Failure::Refused(Msg::new(zh, en))
}

pub(super) fn run(env: &Env, a: EnrollArgs) -> Outcome {
    let mut w = Write::begin_by_pupil(env)?;
    let term = match (&a.term, &w.before.plan) {
        (Some(t), Some(plan)) if plan.term(t.trim()).is_none() => return Err(Failure::Refused(plan.no_such_term(t.trim()))),
        (t, _) => t.as_deref().map(str::trim).map(str::to_owned),
    };
    let clean = |v: &Option<String>| v.as_deref().map(str::trim).map(str::to_owned);
    let row = match &a.renew {
        Some(id) => renewal(&w, id.trim(), &a, term.as_deref().unwrap_or_default())?,
        None => {
            let id = match &a.id {
                Some(id) => id.trim().to_owned(),
                None => next_id("P", &w.column(Roster::PupilId)?, 4),
            };
            let family = Pupil {
                id,
                name: clean(&a.name).unwrap_or_default(),
                grade: a.grade.unwrap_or_default(),
                class: clean(&a.class).unwrap_or_default(),
                guardian: clean(&a.guardian).unwrap_or_default(),
                phone: clean(&a.phone),
                ..Pupil::default()
            };
            let p = application(family, &a, term.clone());
            already_applied(&w, &p)?;
            p
        }
    };
    // A term asked for needs the column; once the file has it, every new row fills it.
    let added = row.term.is_some() && w.add_column(Roster::Term)?;
    let row = match row.term {
        None if w.has_column(Roster::Term)? => Pupil {
            term: w.before.term_of_pupil(&row).map(|t| t.id.clone()),
            ..row
        },
        _ => row,
    };
    w.append::<Roster>(&row)?;
    let (id, name, on) = (&row.id, &row.name, a.applied_on);
    let for_term = row
        .term
        .as_deref()
        .map_or_else(Default::default, |t| (format!("，学期 {t}"), format!(" for term {t}")));
    let mut done = match a.renew {
        Some(_) => Msg::new(
            format!("已登记 {id}：{name} 再次申请托管（{on}）{}", for_term.0),
            format!("enrolled {id} again: {name}, applied on {on}{}", for_term.1),
        ),
        None => Msg::new(
            format!("已登记 {id}：{name} 的托管申请（{on}）{}", for_term.0),
            format!("enrolled {id}: {name}, applied on {on}{}", for_term.1),
        ),
    };
    if added {
        let column = w.column_name(Roster::Term)?;
        done = Msg::new(
            format!("{}；roster.csv 加上了 {column} 列", done.zh),
            format!("{}; added the {column} column to roster.csv", done.en),
        );
    }
    w.finish(done, &[])
}

/// The family of pupil `id` applies again for `term`: its latest application's details, less
/// what is given, and without its waiver or note (granted and written per term).
fn renewal(w: &Write, id: &str, a: &EnrollArgs, term: &str) -> Result<Pupil, Failure> {
    let r = &w.before;
    let Some(latest) = r.application(id, None) else {
        return Err(refused(
            format!("roster.csv 中没有学生 {id}；新学生请用 care enroll --name ... 登记"),
            format!("there is no pupil {id} in roster.csv; enrol a new pupil with care enroll --name ..."),
        ));
    };
    if let Some(p) = r.application(id, Some(term)) {
        return Err(refused(
            format!("{id} 已经申请过学期 {term}（roster.csv 第 {} 行）", p.line),
            format!("{id} has already applied for term {term} (roster.csv line {})", p.line),
        ));
    }
    let given = |v: &Option<String>| v.as_deref().map(str::trim).map(str::to_owned);
    let family = Pupil {
        grade: a.grade.unwrap_or(latest.grade),
        class: given(&a.class).unwrap_or_else(|| latest.class.clone()),
        guardian: given(&a.guardian).unwrap_or_else(|| latest.guardian.clone()),
        phone: given(&a.phone).or_else(|| latest.phone.clone()),
        ..latest.clone()
    };
    Ok(application(family, a, Some(term.to_owned())))
}

/// A new application: the family's details, the form's date, signature and note, the term, and
/// nothing reviewed, agreed or waived yet.
fn application(family: Pupil, a: &EnrollArgs, term: Option<String>) -> Pupil {
    Pupil {
        line: 0,
        applied_on: a.applied_on,
        signed_by: a.signed_by.trim().to_owned(),
        reviewed_on: None,
        agreed_on: None,
        starts: None,
        ends: None,
        note: a.note.clone(),
        term,
        waiver: None,
        waiver_reason: None,
        ..family
    }
}

/// A new application of a pupil already on the roster: refused, naming the pupil's id (and
/// `--renew` when the application is for another term).
fn already_applied(w: &Write, new: &Pupil) -> Result<(), Failure> {
    let r = &w.before;
    let same = |p: &&Pupil| p.name == new.name && p.grade == new.grade && p.class == new.class && p.guardian == new.guardian;
    let Some(p) = r.pupils.iter().rfind(same) else {
        return Ok(());
    };
    let (name, grade, class, guardian) = (&new.name, new.grade, &new.class, &new.guardian);
    let term = r.term_of_pupil(new);
    if term.is_some_and(|t| r.application(&p.id, Some(&t.id)).is_none()) {
        let t = term.map(|t| t.id.as_str()).unwrap_or_default();
        return Err(refused(
            format!(
                "{name}（{grade}年级{class}班，监护人{guardian}）已登记为 {}；再次申请学期 {t} 请用 care enroll --renew {} --term {t}",
                p.id, p.id
            ),
            format!(
                "{name} (grade {grade}, class {class}, guardian {guardian}) is on the roster as {}; to apply again for term {t}, use care enroll --renew {} --term {t}",
                p.id, p.id
            ),
        ));
    }
    Err(refused(
        format!("{name}（{grade}年级{class}班，监护人{guardian}）已经申请过，编号 {}", p.id),
        format!(
            "{name} (grade {grade}, class {class}, guardian {guardian}) has already applied, as {}",
            p.id
        ),
    ))
}
