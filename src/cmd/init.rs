//! `care init [DIR] [--example [--model committee|school]] [--headers en|zh]`: a new records repository.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{Env, Failure, Outcome};
use crate::cli::ModelArg;
use crate::findings::Msg;
use crate::records::table::csv_line;
use crate::records::{TABLES, plan};
use crate::store::{self, Change, Lock};

/// The files of a blank records repository: the plan, and each required CSV file with its
/// header.
pub(super) fn blank() -> Vec<(String, String)> {
    let plan = (plan::FILE.into(), include_str!("../../assets/init/plan.toml").into());
    let tables = TABLES
        .iter()
        .filter(|t| t.required())
        .map(|t| (t.file().into(), format!("{}\n", csv_line(&t.header()))));
    let mut files: Vec<(String, String)> = std::iter::once(plan).chain(tables).collect();
    files.extend([
        (".gitignore".into(), include_str!("../../assets/init/gitignore").into()),
        (
            ".github/workflows/care.yml".into(),
            include_str!("../../assets/init/care.yml").into(),
        ),
        (".gitlab-ci.yml".into(), include_str!("../../assets/init/gitlab-ci.yml").into()),
    ]);
    files
}

/// A CSV file of the records with its header in Chinese (the spec's header in the spec's order
/// is its first line); other files as they are.
fn in_chinese(path: &str, text: String) -> String {
    let Some(t) = TABLES.iter().find(|t| t.file() == path) else {
        return text;
    };
    let english = csv_line(&t.header());
    match text.strip_prefix(&english) {
        Some(rest) if rest.starts_with('\n') => {
            let zh: Vec<&str> = t.columns().iter().map(|c| c.label(true)).collect();
            format!("{}{rest}", csv_line(&zh))
        }
        _ => text,
    }
}

pub(super) fn run(env: &Env, dir: Option<PathBuf>, example: bool, model: ModelArg, zh_headers: bool) -> Outcome {
    let dir = dir.unwrap_or_else(|| env.dir.clone());
    // An init cut off part way is finished or undone before it is looked at.
    if dir.is_dir() && store::recover::pending(&dir) {
        let lock = Lock::acquire(&dir).map_err(Failure::Refused)?;
        env.note(&store::recover::recover(&dir, &lock).map_err(|u| Failure::Refused(u.refusal()))?);
    }
    if dir.join(plan::FILE).exists() {
        return Err(Failure::Refused(Msg::new(
            format!("{} 已经是记录目录（有 plan.toml），未做修改", dir.display()),
            format!(
                "{} is already a records directory (it has plan.toml); nothing was changed",
                dir.display()
            ),
        )));
    }
    let files: Vec<(String, String)> = match (example, model) {
        (false, _) => blank(),
        (true, ModelArg::Committee) => crate::example::files().map_err(Failure::Refused)?.into_iter().collect(),
        (true, ModelArg::School) => crate::example::school::files().map_err(Failure::Refused)?.into_iter().collect(),
    };
    let files: Vec<(String, String)> = if zh_headers {
        files
            .into_iter()
            .map(|(path, text)| {
                let text = in_chinese(&path, text);
                (path, text)
            })
            .collect()
    } else {
        files
    };
    let mut change = Change::new();
    for (path, text) in &files {
        if dir.join(path).exists() {
            return Err(Failure::Refused(Msg::new(
                format!("{} 已存在，未做修改", dir.join(path).display()),
                format!("{} already exists; nothing was changed", dir.join(path).display()),
            )));
        }
        change.put(path, text.clone().into_bytes());
    }
    std::fs::create_dir_all(&dir).map_err(|e| {
        Failure::Refused(Msg::new(
            format!("无法创建 {}：{e}", dir.display()),
            format!("cannot create {}: {e}", dir.display()),
        ))
    })?;
    let lock = Lock::acquire(&dir).map_err(Failure::Refused)?;
    store::commit(&dir, &lock, &change).map_err(Failure::Refused)?;
    let what = match (example, model) {
        (false, _) => Msg::new("空白记录", "blank records"),
        (true, ModelArg::Committee) => Msg::new("示例记录（两个完整的已结算学期）", "example records (two complete, settled terms)"),
        (true, ModelArg::School) => Msg::new(
            "学校收费模式的示例记录（一个完整的已结算学期）",
            "example records of a school that collects its own fees (one complete, settled term)",
        ),
    };
    crate::output::console::println(&env.say(&Msg::new(
        format!(
            "已在 {} 创建{}；下一步：编辑 plan.toml，然后运行 care check",
            dir.display(),
            what.zh
        ),
        format!(
            "created {} in {}; next: edit plan.toml, then run care check",
            what.en,
            dir.display()
        ),
    )));
    Ok(ExitCode::SUCCESS)
}
