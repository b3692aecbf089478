//! `care fmt [--check]`: rewrites the CSV files in canonical form without changing their
//! meaning: trimmed fields, money with two decimals, rows in a natural order. Column order,
//! unknown columns, encoding, byte-order mark and line ends are kept.

use std::process::ExitCode;

use super::write::Write;
use super::{Env, Failure, Outcome};
use crate::findings::Msg;
use crate::records::file::AnyFile;
use crate::records::table::{self, Row, csv_line};
use crate::records::text::{decode, encode};
use crate::records::{Money, Source, TABLES};

/// The files `care fmt` puts in canonical form.
fn formatted() -> impl Iterator<Item = &'static dyn AnyFile> {
    TABLES.iter().copied().filter(|t| t.formats())
}

/// A file's bytes now and in canonical form.
type Formatted = (Vec<u8>, Vec<u8>);

/// The canonical bytes of one file, or `None` when it is missing.
fn canonical(src: &Source, spec: &dyn AnyFile) -> Result<Option<Formatted>, Msg> {
    let file = spec.file();
    let Some(bytes) = src
        .read(file)
        .map_err(|e| Msg::new(format!("无法读取 {file}：{e}"), format!("cannot read {file}: {e}")))?
    else {
        return Ok(None);
    };
    let d = decode(&bytes).map_err(|m| m.prefixed(&format!("{file}："), &format!("{file}: ")))?;
    let (t, findings) = table::parse(file, &d.text, d.layout, spec.columns());
    let unreadable = findings.iter().any(|f| f.is_error());
    let Some(t) = t.filter(|_| !unreadable) else {
        return Err(Msg::new(
            format!("{file} 有无法读取的内容；请先运行 care check 并改正"),
            format!("{file} has content that cannot be read; run care check and correct it first"),
        ));
    };
    let mut rows: Vec<&Row> = t.rows.iter().collect();
    rows.sort_by(|a, b| spec.compare(&t, a, b));
    let money = spec.money(&t);
    let nl = d.layout.newline();
    let mut text = csv_line(&t.headers);
    text.push_str(nl);
    for row in rows {
        let mut fields = row.fields.clone();
        fields.resize(t.headers.len(), String::new());
        for &i in &money {
            if let Ok(m) = Money::parse(&fields[i])
                && m.decimals() <= 2
            {
                fields[i] = m.to_string();
            }
        }
        text.push_str(&csv_line(&fields));
        text.push_str(nl);
    }
    Ok(Some((bytes, encode(&text, d.layout))))
}

pub(super) fn run(env: &Env, check: bool) -> Outcome {
    if check {
        // An unresolved journal is for care check to report; this only compares files.
        env.readable()?;
        let src = Source::new(&env.dir);
        let mut changed = Vec::new();
        for spec in formatted() {
            if let Some((old, new)) = canonical(&src, spec).map_err(Failure::Refused)?
                && old != new
            {
                changed.push(spec.file());
            }
        }
        for f in &changed {
            crate::output::console::println(&env.say(&Msg::new(format!("{f} 需要整理格式"), format!("{f} would be reformatted"))));
        }
        return Ok(if changed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) });
    }
    let mut w = Write::begin(env)?;
    let src = Source::new(&env.dir);
    let mut changed = Vec::new();
    for spec in formatted() {
        if let Some((old, new)) = canonical(&src, spec).map_err(Failure::Refused)?
            && old != new
        {
            w.change.put(spec.file(), new);
            changed.push(spec.file());
        }
    }
    let done = if changed.is_empty() {
        Msg::new(
            "所有文件格式都已规范，未做修改",
            "every file is already in canonical form; nothing changed",
        )
    } else {
        Msg::new(
            format!("已整理格式：{}", changed.join("、")),
            format!("reformatted {}", changed.join(", ")),
        )
    };
    w.finish_reformat(done)
}
