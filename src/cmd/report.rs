//! `care report KIND`: renders a report of SPEC §9 to standard output or to `--out FILE`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Datelike;

use super::{Env, Failure, Outcome};
use crate::cli::ReportArgs;
use crate::findings::Msg;
use crate::output::console;
use crate::records::plan::Term;
use crate::records::{Month, Records};
use crate::report::{self, Format, Kind, annual, disclosure, notices, roster, settlement, staff, surveys};
use crate::store::file;

fn usage(zh: String, en: String) -> Failure {
    Failure::Usage(Msg::new(zh, en))
}

pub(super) fn run(env: &Env, a: ReportArgs) -> Outcome {
    let kind = a.kind;
    let format = a
        .format
        .or_else(|| a.out.as_deref().and_then(Format::of_path))
        .unwrap_or(Format::Md);
    check_scope(&a)?;
    if format.is_binary() && a.out.is_none() {
        let name = kind.name();
        return Err(usage(
            format!(
                "{} 格式是 Excel 工作簿，不能输出到终端；请用 --out 指定文件，例如 care report {name} --format xlsx --out {name}.xlsx",
                format.ext()
            ),
            format!(
                "the {} format is an Excel workbook and is not printed to the terminal; name a file with --out, e.g. care report {name} --format xlsx --out {name}.xlsx",
                format.ext()
            ),
        ));
    }
    let r = env.records()?;
    refuse_unreadable(&r, kind)?;
    let lang = env.report_lang();
    let mask = kind.is_public() && !a.no_mask;
    let dir = Some(env.dir.as_path());
    let term = a.term.as_deref().map(|t| find_term(&r, t)).transpose()?;
    let today = env.today;
    let bytes = match kind {
        Kind::Disclosure => {
            let Some(m) = a.month.as_deref() else {
                return Err(usage(
                    "收支公示需要 --month，例如 care report disclosure --month 2025-10".into(),
                    "a disclosure needs --month, e.g. care report disclosure --month 2025-10".into(),
                ));
            };
            let month = Month::parse_msg(m).map_err(Failure::Usage)?;
            report::render(dir, format, &disclosure::context(&r, month, None, lang, !mask), today)
        }
        Kind::Settlement => {
            let ctx = settlement::context(&r, &term.ok_or_else(|| needs_term(&r, kind))?.id, lang, mask).map_err(Failure::Refused)?;
            report::render(dir, format, &ctx, today)
        }
        Kind::Notices => {
            let ctx = notices::context(&r, &term.ok_or_else(|| needs_term(&r, kind))?.id, lang, mask).map_err(Failure::Refused)?;
            report::render(dir, format, &ctx, today)
        }
        Kind::Roster => report::render(dir, format, &roster::context(&r, term, today, lang), today),
        Kind::Staff => report::render(dir, format, &staff::context(&r, term, lang), today),
        Kind::Surveys => report::render(dir, format, &surveys::context(&r, term, lang), today),
        Kind::Annual => report::render(
            dir,
            format,
            &annual::context(&r, a.year.unwrap_or(today.year()), today, lang, mask),
            today,
        ),
        Kind::District => {
            return Err(usage(
                "区域汇总请用 care district DIR...".into(),
                "a district report is made by care district DIR...".into(),
            ));
        }
    }
    .map_err(Failure::Refused)?;
    match a.out {
        None => return super::explain::emit(&bytes),
        Some(path) => write_report(env, &path, format, &bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a report to `--out FILE` and says so in one line.
pub(super) fn write_report(env: &Env, path: &Path, format: Format, bytes: &[u8]) -> Result<(), Failure> {
    let made = write_out(path, format, bytes)?;
    let (zh, en) = match made {
        Some(d) => (
            format!("，并新建了文件夹 {}", d.display()),
            format!(", creating the folder {}", d.display()),
        ),
        None => (String::new(), String::new()),
    };
    console::println(&env.say(&Msg::new(
        format!("已写入 {}（{}）{zh}", path.display(), format.ext()),
        format!("wrote {} ({}){en}", path.display(), format.ext()),
    )));
    Ok(())
}

/// Each kind takes the options that say what it covers, and no other.
fn check_scope(a: &ReportArgs) -> Result<(), Failure> {
    let name = a.kind.name();
    if a.month.is_some() && a.kind != Kind::Disclosure {
        return Err(usage(
            format!("--month 只用于 disclosure，{name} 不用"),
            format!("--month is for disclosure only, not {name}"),
        ));
    }
    if a.year.is_some() && a.kind != Kind::Annual {
        return Err(usage(
            format!("--year 只用于 annual，{name} 不用"),
            format!("--year is for annual only, not {name}"),
        ));
    }
    if a.term.is_some() && matches!(a.kind, Kind::Disclosure | Kind::Annual) {
        return Err(usage(
            format!("{name} 不用 --term（disclosure 用 --month，annual 用 --year）"),
            format!("{name} does not take --term (disclosure takes --month, annual --year)"),
        ));
    }
    Ok(())
}

/// A settlement or notices report without `--term`.
fn needs_term(r: &Records, kind: Kind) -> Failure {
    let name = kind.name();
    usage(
        format!("{name} 需要 --term（{}）", known_terms(r)),
        format!("{name} needs --term ({})", known_terms(r)),
    )
}

fn known_terms(r: &Records) -> String {
    let ids: Vec<&str> = r.plan.iter().flat_map(|p| p.terms.iter().map(|t| t.id.as_str())).collect();
    if ids.is_empty() {
        "plan.toml has no terms".into()
    } else {
        ids.join(", ")
    }
}

fn find_term<'r>(r: &'r Records, id: &str) -> Result<&'r Term, Failure> {
    r.plan.as_ref().and_then(|p| p.terms.iter().find(|t| t.id == id)).ok_or_else(|| {
        usage(
            format!("plan.toml 中没有学期 {id}（有：{}）", known_terms(r)),
            format!("plan.toml has no term {id} (it has: {})", known_terms(r)),
        )
    })
}

/// A report over rows that could not be read would be wrong without saying so: refuse, naming
/// the first few places.
fn refuse_unreadable(r: &Records, kind: Kind) -> Result<(), Failure> {
    let uses_surveys = matches!(kind, Kind::Surveys | Kind::Annual);
    let bad = r.problems.iter().filter(|f| {
        f.is_error() && (uses_surveys || f.file != crate::records::surveys::FILE) && f.file != crate::records::closes::REOPENED
    });
    let Some(shown) = crate::findings::places(bad) else {
        return Ok(());
    };
    Err(Failure::Refused(Msg::new(
        format!("记录中有无法读取的内容（{shown}），报表会不完整；请先运行 care check 并改正"),
        format!("some records cannot be read ({shown}), so the report would be incomplete; run care check and correct them first"),
    )))
}

/// Writes beside the target and renames, so a reader never sees half a report, and syncs it to
/// disk. A csv file gets a UTF-8 byte-order mark so that Excel on Chinese Windows reads it as
/// UTF-8. A new file gets the mode any new file gets, an existing one keeps its own; a symbolic
/// link is written through and stays a link. Missing folders are made: the outermost one made,
/// for the message to name (a mistyped path then shows).
fn write_out(path: &Path, format: Format, text: &[u8]) -> Result<Option<PathBuf>, Failure> {
    let fail = |e: &dyn std::fmt::Display| {
        Failure::Refused(Msg::new(
            format!("无法写入 {}：{e}；请检查路径和权限", path.display()),
            format!("cannot write {}: {e}; check the path and its permissions", path.display()),
        ))
    };
    let target = file::resolve_links(path).map_err(|e| fail(&e))?;
    let dir = file::folder(&target);
    let made = file::create_dirs(dir).map_err(|e| fail(&e))?;
    let mut bytes = Vec::with_capacity(text.len() + 3);
    if format == Format::Csv {
        bytes.extend_from_slice("\u{feff}".as_bytes());
    }
    bytes.extend_from_slice(text);
    let tmp = file::temp_beside(&target, &bytes).map_err(|e| fail(&e))?;
    tmp.persist(&target).map_err(|e| fail(&e.error))?;
    for d in made.iter().map(|d| file::folder(d)).chain([dir]) {
        file::sync_dir(d).map_err(|e| fail(&e))?;
    }
    Ok(made.into_iter().next())
}
