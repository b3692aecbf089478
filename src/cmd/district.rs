//! `care district DIR...`: one row per school over many schools' records, district totals, and
//! with `--export DIR` every school's tables (SPEC §11, §12).

use std::process::ExitCode;

use super::report::write_report;
use super::{Env, Failure, Outcome};
use crate::cli::DistrictArgs;
use crate::district::{Options, codes, discover, duplicate_msg, duplicates, survey};
use crate::domain::district::Scope;
use crate::export::out::Out;
use crate::findings::Msg;
use crate::output::console;
use crate::records::Month;
use crate::report::{self, Format};

pub(super) fn run(env: &Env, a: DistrictArgs) -> Outcome {
    let format = a
        .format
        .or_else(|| a.out.as_deref().and_then(Format::of_path))
        .unwrap_or(Format::Md);
    if format.is_binary() && a.out.is_none() {
        return Err(Failure::Usage(Msg::new(
            "xlsx 需要 --out 文件，例如 --out district.xlsx",
            "xlsx needs --out FILE, e.g. --out district.xlsx",
        )));
    }
    let scope = match (a.year, a.month.as_deref()) {
        (Some(y), _) => Scope::Year(y),
        (_, Some(m)) => Scope::Month(Month::parse_msg(m).map_err(Failure::Usage)?),
        _ => Scope::Term,
    };
    let lang = env.report_lang();
    let places = discover(&a.dirs);
    let codes = codes(&places);
    let shared = duplicates(&places, &codes);
    if let (Some(dir), Some((code, dirs))) = (&a.export, shared.iter().next()) {
        let m = duplicate_msg(code, dirs);
        return Err(Failure::Refused(Msg::new(
            format!("{}；两校的表不能混在一起，没有写入 {}", m.zh, dir.display()),
            format!(
                "{}; their tables cannot be told apart, so nothing was written to {}",
                m.en,
                dir.display()
            ),
        )));
    }
    let out = a
        .export
        .as_deref()
        .map(|d| Out::begin(d, a.force))
        .transpose()
        .map_err(Failure::Refused)?;
    let options = Options {
        scope,
        today: env.today,
        lang,
        export: out.as_ref().map(|o| (o, a.export_format.into())),
    };
    let surveyed = survey(&places, &codes, &options).and_then(|rows| {
        // Under the first school whose tables were written.
        let first = rows.iter().find(|r| r.figures.is_some()).map(|r| r.id.code.as_str());
        if let (Some(o), Some(code)) = (&out, first.or(codes.first().map(String::as_str))) {
            crate::export::write_missing(o, a.export_format.into(), code)?;
        }
        Ok(rows)
    });
    let mut rows = match surveyed {
        Ok(rows) => rows,
        Err(e) => {
            if let Some(o) = out {
                o.abandon();
            }
            let dir = a.export.as_deref().unwrap_or(std::path::Path::new("."));
            return Err(Failure::Refused(crate::export::failed(dir, &e)));
        }
    };
    let mut found = Vec::new();
    for (code, dirs) in &shared {
        found.push(duplicate_msg(code, dirs).get(lang).to_owned());
        for r in rows.iter_mut().filter(|r| r.id.code == *code && r.figures.is_some()) {
            let others: Vec<&str> = dirs.iter().map(String::as_str).filter(|d| *d != r.id.dir).collect();
            r.notes.push(match lang {
                crate::findings::Lang::Zh => format!("代码“{code}”与 {} 相同", others.join("、")),
                crate::findings::Lang::En => format!("code “{code}” is also that of {}", others.join(", ")),
            });
        }
    }
    let label = match scope {
        Scope::Term => "term".to_owned(),
        Scope::Year(y) => y.to_string(),
        Scope::Month(m) => m.to_string(),
    };
    let ctx = report::district::context(&rows, label, env.today, found, lang);
    let bytes = report::render(None, format, &ctx, env.today).map_err(Failure::Refused)?;
    if let Some(o) = out {
        o.commit().map_err(Failure::Refused)?;
    }
    let exported = a.export.as_ref().map(|d| {
        env.say(&Msg::new(
            format!("已导出 {} 所学校的表到 {}", rows.len(), d.display()),
            format!("wrote the tables of {} schools to {}", rows.len(), d.display()),
        ))
    });
    match &a.out {
        None => {
            let code = super::explain::emit(&bytes)?;
            if let Some(line) = exported {
                console::note(&line);
            }
            return Ok(code);
        }
        Some(path) => {
            write_report(env, path, format, &bytes)?;
            if let Some(line) = exported {
                console::println(&line);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
