//! `care import roster FILE [--sheet NAME] [--dry-run]`: a class list the school keeps in Excel,
//! WPS or CSV, recorded as applications (申请表) through the one write path, all or nothing.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::ExitCode;

use super::write::{Write, next_id};
use super::{Env, Failure, Outcome};
use crate::findings::{Finding, Msg};
use crate::output::{console, table};
use crate::records::file::RecordFile;
use crate::records::load::rows;
use crate::records::roster::Roster;
use crate::records::spreadsheet::{self, Grid, Kind, Unreadable};
use crate::records::table::{Columns, Table};
use crate::records::{Pupil, Records};

/// The roster's date columns: a class list may hold them as dates or Excel date serials.
const DATES: [Roster; 5] = [
    Roster::AppliedOn,
    Roster::ReviewedOn,
    Roster::AgreedOn,
    Roster::Starts,
    Roster::Ends,
];

pub(super) fn roster(env: &Env, file: &Path, sheet: Option<&str>, dry_run: bool) -> Outcome {
    let name = file
        .file_name()
        .map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let kind = Kind::of_name(&name).map_err(Failure::Usage)?;
    let bytes = std::fs::read(file).map_err(|e| {
        Failure::Usage(Msg::new(
            format!("无法读取 {}：{e}", file.display()),
            format!("cannot read {}: {e}", file.display()),
        ))
    })?;
    let mut w = Write::begin(env)?;
    let (t, pupils, notes) = read_list(&name, &bytes, kind, sheet)?;
    let (new, skipped) = without_applications_already_there(&w.before, pupils);
    let (new, renewed) = renewals(&w.before, new);
    let new = numbered(new, &w.column(Roster::PupilId)?);
    // A term given needs the column; once the file has it, every new row fills it.
    let added = new.iter().any(|p| p.term.is_some()) && w.add_column(Roster::Term)?;
    let new = if w.has_column(Roster::Term)? {
        new.into_iter()
            .map(|p| Pupil {
                term: p.term.clone().or_else(|| w.before.term_of_pupil(&p).map(|t| t.id.clone())),
                ..p
            })
            .collect()
    } else {
        new
    };
    // What was read differently from how it was written goes, a line each, before the line that
    // says what was done, and only when something is done.
    let say = |m: Msg| {
        for n in &notes {
            console::println(&env.say(n));
        }
        console::println(&env.say(&m));
    };
    if new.is_empty() {
        say(Msg::new(
            format!("{name} 的 {skipped} 行都已在 roster.csv 中，未做修改"),
            format!("all {skipped} rows of {name} are already in roster.csv; nothing changed"),
        ));
        return Ok(ExitCode::SUCCESS);
    }
    // Each new row's line in roster.csv, and its row in the class list.
    let lines = w.append_all::<Roster>(&new)?;
    let rows_at: BTreeMap<usize, usize> = lines.into_iter().zip(new.iter().map(|p| p.line)).collect();
    let errors = w.new_errors();
    if !errors.is_empty() {
        let on_rows: Vec<Finding> = errors
            .into_iter()
            .map(|f| match rows_at.get(&f.line).filter(|_| f.file == Roster::FILE) {
                Some(&row) => Finding {
                    file: name.clone(),
                    line: row,
                    ..f
                },
                None => f,
            })
            .collect();
        return Err(refusal(&name, &t, &on_rows));
    }
    let ids = ids_of(&new, &renewed);
    let n = new.len();
    let applications = if n == 1 { "application" } else { "applications" };
    let mut more = Msg::new("", "");
    if !renewed.is_empty() {
        let (k, who) = (renewed.len(), renewed.join(", "));
        let again = if k == 1 { "a family applying" } else { "families applying" };
        more = Msg::new(
            format!("{}，其中 {k} 份是已登记学生的再次申请（{}）", more.zh, renewed.join("、")),
            format!("{}, {k} of them {again} again ({who})", more.en),
        );
    }
    if skipped > 0 {
        more = Msg::new(
            format!("{}；{skipped} 行已在 roster.csv 中，跳过", more.zh),
            format!("{}; {skipped} already in roster.csv, skipped", more.en),
        );
    }
    if added {
        let column = w.column_name(Roster::Term)?;
        more = Msg::new(
            format!("{}；roster.csv 加上了 {column} 列", more.zh),
            format!("{}; added the {column} column to roster.csv", more.en),
        );
    }
    if dry_run {
        console::print(&preview(env, &new));
        say(Msg::new(
            format!("将从 {name} 导入 {n} 份申请（{ids}）{}；--dry-run：未做修改", more.zh),
            format!(
                "would import {n} {applications} from {name} ({ids}){}; --dry-run: nothing changed",
                more.en
            ),
        ));
        return Ok(ExitCode::SUCCESS);
    }
    let done = Msg::new(
        format!("已从 {name} 导入 {n} 份申请（{ids}）{}", more.zh),
        format!("imported {n} {applications} from {name} ({ids}){}", more.en),
    );
    let mut lines = notes.clone();
    lines.push(done);
    w.commit_saying(&lines, Vec::new())
}

/// The ids of the new rows: the new pupils' (a range when they follow one another), then the
/// families applying again.
fn ids_of(new: &[Pupil], renewed: &[String]) -> String {
    let fresh: Vec<&str> = new
        .iter()
        .map(|p| p.id.as_str())
        .filter(|id| !renewed.iter().any(|r| r == id))
        .collect();
    let mut ids = match fresh.as_slice() {
        [] => Vec::new(),
        [one] => vec![one.to_string()],
        [first, .., last] => vec![format!("{first}–{last}")],
    };
    ids.extend(renewed.iter().cloned());
    ids.join(", ")
}

/// The class list's table, its rows as applications, and the notes on how it was read; refused
/// when a row cannot be read.
fn read_list(name: &str, bytes: &[u8], kind: Kind, sheet: Option<&str>) -> Result<(Table, Vec<Pupil>, Vec<Msg>), Failure> {
    let dates: Vec<_> = DATES.iter().map(|c| *c.column()).collect();
    let grid = spreadsheet::read(name, bytes, kind, sheet, Roster::COLUMNS, &dates).map_err(|e| match e {
        Unreadable::Usage(m) => Failure::Usage(m),
        Unreadable::Content(m) => Failure::Refused(m),
    })?;
    let mut notes = grid.notes.clone();
    let ignored = ignored_columns(&grid);
    if !ignored.is_empty() {
        notes.push(Msg::new(
            format!("未导入的列（care 不记录它们）：{}", ignored.join("、")),
            format!("columns not imported (care does not keep them): {}", ignored.join(", ")),
        ));
    }
    let (t, found) = class_table(name, grid);
    let mut problems: Vec<Finding> = found.into_iter().filter(Finding::is_error).collect();
    // Rows under a header that lacks a column would each say so again: the header first.
    let pupils = if problems.is_empty() {
        rows::<Roster>(&t, &mut problems)
    } else {
        Vec::new()
    };
    if !problems.is_empty() {
        return Err(refusal(name, &t, &problems));
    }
    Ok((t, pupils, notes))
}

/// The class list's columns that are not the roster's: read, then left out.
fn ignored_columns(grid: &Grid) -> Vec<String> {
    grid.headers
        .iter()
        .filter(|h| !h.is_empty() && !Roster::COLUMNS.iter().any(|c| c.is_named(h)))
        .cloned()
        .collect()
}

/// The class list as a table of the roster's columns, and the findings on its header. A list
/// without pupil ids (most are) gets an id column; rows without an id get a placeholder that
/// [`numbered`] replaces with the next free id once the rows to add are known. A grade written
/// `三年级` or `3年级` is the grade `3`.
fn class_table(name: &str, mut grid: Grid) -> (Table, Vec<Finding>) {
    let is_id = |h: &String| Roster::PupilId.column().is_named(h);
    if !grid.headers.iter().any(is_id) {
        grid.headers.push(Roster::PupilId.name().to_owned());
    }
    let at = grid.headers.iter().rposition(is_id).unwrap_or(0);
    let grade = grid.headers.iter().rposition(|h| Roster::Grade.column().is_named(h));
    for row in &mut grid.rows {
        row.fields.resize(grid.headers.len(), String::new());
        if row.fields[at].is_empty() {
            row.fields[at] = format!("{NEW}{}", row.line);
        }
        if let Some(g) = grade.and_then(|g| row.fields.get_mut(g))
            && let Some(n) = grade_number(g)
        {
            *g = n.to_string();
        }
    }
    let (t, found, _) = Table::of(name, grid.header_line, grid.headers, grid.rows, Roster::COLUMNS);
    (t, found)
}

/// The grade `三年级`, `3年级` or `三` stands for.
fn grade_number(text: &str) -> Option<u8> {
    let t = text.trim().trim_end_matches("年级");
    let n = "一二三四五六".chars().position(|c| t == c.to_string()).map(|i| i as u8 + 1);
    n.or_else(|| t.parse().ok().filter(|_| t != text.trim()))
}

/// Marks an id that [`class_table`] made up.
const NEW: &str = "\u{1}";

/// The new rows with ids: their own, or the next free P numbers in the order of the list.
fn numbered(new: Vec<Pupil>, used: &[String]) -> Vec<Pupil> {
    let mut taken: Vec<String> = used
        .iter()
        .cloned()
        .chain(new.iter().filter(|p| !p.id.starts_with(NEW)).map(|p| p.id.clone()))
        .collect();
    new.into_iter()
        .map(|mut p| {
            if p.id.starts_with(NEW) {
                p.id = next_id("P", &taken, 4);
                taken.push(p.id.clone());
            }
            p
        })
        .collect()
}

/// The rows that are not an application already in the roster or earlier in the list (the same
/// pupil, guardian and term: the term each row is for, SPEC §3), and how many were.
fn without_applications_already_there(r: &Records, pupils: Vec<Pupil>) -> (Vec<Pupil>, usize) {
    let key = |p: &Pupil| (p.name.clone(), p.guardian.clone(), r.term_of_pupil(p).map(|t| t.id.clone()));
    let mut seen: HashSet<_> = r.pupils.iter().map(key).collect();
    let before = pupils.len();
    let new: Vec<Pupil> = pupils.into_iter().filter(|p| seen.insert(key(p))).collect();
    let skipped = before - new.len();
    (new, skipped)
}

/// A row without a pupil id whose pupil and guardian are a family already on the roster, for a
/// term it has not applied for, is that family applying again (as `care enroll --renew` records
/// it): the pupil's id, and its term written out. The rows, and the ids of those families.
fn renewals(r: &Records, new: Vec<Pupil>) -> (Vec<Pupil>, Vec<String>) {
    let mut renewed = Vec::new();
    let rows = new
        .into_iter()
        .map(|p| {
            let Some(term) = r.term_of_pupil(&p).filter(|_| p.id.starts_with(NEW)) else {
                return p;
            };
            let family = r.pupils.iter().rfind(|q| q.name == p.name && q.guardian == p.guardian);
            match family.filter(|q| r.application(&q.id, Some(&term.id)).is_none() && !renewed.contains(&q.id)) {
                Some(q) => {
                    renewed.push(q.id.clone());
                    Pupil {
                        id: q.id.clone(),
                        term: Some(term.id.clone()),
                        ..p
                    }
                }
                None => p,
            }
        })
        .collect();
    (rows, renewed)
}

/// The refusal: every row that cannot be imported, by its row number in the class list.
fn refusal(name: &str, t: &Table, problems: &[Finding]) -> Failure {
    let who = |f: &Finding| {
        t.rows
            .iter()
            .find(|r| r.line == f.line && f.file == name)
            .map(|r| t.get(r, Roster::Name))
            .filter(|n| !n.is_empty())
    };
    let lines = |zh: bool| -> String {
        problems
            .iter()
            .map(|f| {
                let sentence = if zh { &f.message.zh } else { &f.message.en };
                let rule = if f.rule == crate::findings::ids::FORMAT_PARSE {
                    String::new()
                } else {
                    format!("[{}] ", f.rule)
                };
                match (f.file == name, who(f), zh) {
                    (true, Some(n), true) => format!("\n  第 {} 行（{n}）：{rule}{sentence}", f.line),
                    (true, Some(n), false) => format!("\n  row {} ({n}): {rule}{sentence}", f.line),
                    (true, None, true) => format!("\n  第 {} 行：{rule}{sentence}", f.line),
                    (true, None, false) => format!("\n  row {}: {rule}{sentence}", f.line),
                    (false, ..) => format!("\n  {}:{}: {rule}{sentence}", f.file, f.line),
                }
            })
            .collect()
    };
    let rows: HashSet<usize> = problems.iter().filter(|f| f.file == name).map(|f| f.line).collect();
    let (zh, en) = match rows.len() {
        0 => (format!("导入 {name} 会违反规则"), format!("importing {name} would break the rules")),
        1 => (format!("{name} 有 1 行不能导入"), format!("a row of {name} cannot be imported")),
        n => (
            format!("{name} 有 {n} 行不能导入"),
            format!("{n} rows of {name} cannot be imported"),
        ),
    };
    Failure::Refused(Msg::new(
        format!("{zh}，未做任何修改：{}", lines(true)),
        format!("{en}; nothing was changed:{}", lines(false)),
    ))
}

/// What a dry run would add, as a table.
fn preview(env: &Env, new: &[Pupil]) -> String {
    let pick = |zh, en| env.lang.pick(zh, en);
    let headers = [
        pick("行", "row"),
        pick("学号", "pupil_id"),
        pick("姓名", "name"),
        pick("年级", "grade"),
        pick("班级", "class"),
        pick("监护人", "guardian"),
        pick("申请日期", "applied_on"),
    ];
    let rows: Vec<Vec<String>> = new
        .iter()
        .map(|p| {
            vec![
                p.line.to_string(),
                p.id.clone(),
                p.name.clone(),
                p.grade.to_string(),
                p.class.clone(),
                p.guardian.clone(),
                p.applied_on.to_string(),
            ]
        })
        .collect();
    format!("{}\n", table::render(&headers, &rows, &[0, 3]))
}

#[cfg(test)]
mod tests {
    use super::grade_number;

    #[test]
    fn grades_as_class_lists_write_them() {
        assert_eq!(
            ["三年级", "3年级", "六", "一年级"].map(grade_number),
            [Some(3), Some(3), Some(6), Some(1)]
        );
        // A plain number is read as it is; anything else is left for the roster to judge.
        assert_eq!(["3", "七年级", "", "初一"].map(grade_number), [None, None, None, None]);
    }
}
