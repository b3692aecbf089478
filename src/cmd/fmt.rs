//! `care fmt [--check]`: rewrites the CSV files in canonical form without changing their
//! meaning: trimmed fields, money with two decimals, rows in a natural order. Column order,
//! unknown columns, encoding, byte-order mark and line ends are kept.

use std::cmp::Ordering;
use std::process::ExitCode;

use super::write::Write;
use super::{Env, Failure, Outcome};
use crate::findings::Msg;
use crate::records::table::{self, Column, Row, Table};
use crate::records::text::{decode, encode};
use crate::records::{Money, Source, contracts, ledger, roster, surveys};
use crate::store::edit::csv_line;

struct Spec {
    file: &'static str,
    columns: &'static [Column],
    money: &'static [&'static str],
    order: fn(&Table, &Row, &Row) -> Ordering,
}

/// `P0010` after `P9`: the text before the trailing number, then the number.
fn natural(a: &str, b: &str) -> Ordering {
    let split = |s: &str| {
        let digits = s.len() - s.bytes().rev().take_while(u8::is_ascii_digit).count();
        (s[..digits].to_owned(), s[digits..].parse::<u128>().ok())
    };
    split(a).cmp(&split(b)).then_with(|| a.cmp(b))
}

fn kind_rank(k: &str) -> usize {
    ["fee", "refund", "pay", "expense"].iter().position(|x| *x == k).unwrap_or(4)
}

const SPECS: &[Spec] = &[
    Spec {
        file: roster::FILE,
        columns: roster::COLUMNS,
        money: &[],
        order: |t, a, b| natural(t.get(a, "pupil_id"), t.get(b, "pupil_id")),
    },
    Spec {
        file: contracts::FILE,
        columns: contracts::COLUMNS,
        money: &["rate"],
        order: |t, a, b| natural(t.get(a, "contract_id"), t.get(b, "contract_id")),
    },
    Spec {
        file: ledger::FILE,
        columns: ledger::COLUMNS,
        money: &["amount"],
        order: |t, a, b| {
            t.get(a, "date")
                .cmp(t.get(b, "date"))
                .then_with(|| kind_rank(t.get(a, "kind")).cmp(&kind_rank(t.get(b, "kind"))))
        },
    },
    Spec {
        file: surveys::FILE,
        columns: surveys::COLUMNS,
        money: &[],
        order: |t, a, b| {
            t.get(a, "date")
                .cmp(t.get(b, "date"))
                .then_with(|| natural(t.get(a, "contract_id"), t.get(b, "contract_id")))
        },
    },
];

/// A file's bytes now and in canonical form.
type Formatted = (Vec<u8>, Vec<u8>);

/// The canonical bytes of one file, or `None` when it is missing.
fn canonical(src: &Source, spec: &Spec) -> Result<Option<Formatted>, Msg> {
    let Some(bytes) = src
        .read(spec.file)
        .map_err(|e| Msg::new(format!("无法读取 {}：{e}", spec.file), format!("cannot read {}: {e}", spec.file)))?
    else {
        return Ok(None);
    };
    let d = decode(&bytes).map_err(|m| m.prefixed(&format!("{}：", spec.file), &format!("{}: ", spec.file)))?;
    let (t, findings) = table::parse(spec.file, &d.text, d.layout, spec.columns);
    let unreadable = findings.iter().any(|f| f.is_error());
    let Some(t) = t.filter(|_| !unreadable) else {
        return Err(Msg::new(
            format!("{} 有无法读取的内容；请先运行 care check 并改正", spec.file),
            format!("{} has content that cannot be read; run care check and correct it first", spec.file),
        ));
    };
    let mut rows: Vec<&Row> = t.rows.iter().collect();
    rows.sort_by(|a, b| (spec.order)(&t, a, b));
    let nl = d.layout.newline();
    let mut text = csv_line(&t.headers);
    text.push_str(nl);
    for row in rows {
        let mut fields = row.fields.clone();
        fields.resize(t.headers.len(), String::new());
        for col in spec.money {
            if let Some(i) = t.position(col)
                && let Ok(m) = Money::parse(&fields[i])
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

pub fn run(env: &Env, check: bool) -> Outcome {
    if check {
        // An unresolved journal is for care check to report; this only compares files.
        env.readable()?;
        let src = Source::new(&env.dir);
        let mut changed = Vec::new();
        for spec in SPECS {
            if let Some((old, new)) = canonical(&src, spec).map_err(Failure::Refused)?
                && old != new
            {
                changed.push(spec.file);
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
    for spec in SPECS {
        if let Some((old, new)) = canonical(&src, spec).map_err(Failure::Refused)?
            && old != new
        {
            w.change.put(spec.file, new);
            changed.push(spec.file);
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

#[cfg(test)]
mod tests {
    use super::natural;
    use std::cmp::Ordering;

    #[test]
    fn natural_order() {
        assert_eq!(natural("P9", "P10"), Ordering::Less);
        assert_eq!(natural("P0010", "P0009"), Ordering::Greater);
        assert_eq!(natural("A1", "B0"), Ordering::Less);
    }
}
