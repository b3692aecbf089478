//! Before a command reads or writes the records: a commit cut off part way (its journal is
//! still there) is finished or undone, and temporary files that no journal names are removed.

use std::path::{Path, PathBuf};

use super::Lock;
use super::file::{self, is_temp};
use super::journal::{self, Ending, Journal, Unreadable};
use crate::findings::ids;
use crate::findings::{Finding, Msg, Severity};

/// A journal that is there and could not be carried out: where, and why.
#[derive(Debug)]
pub(crate) struct Unresolved {
    pub line: usize,
    pub why: Msg,
}

impl Unresolved {
    /// What a command that cannot go on says.
    pub(crate) fn refusal(&self) -> Msg {
        Msg::new(
            format!("上次被中断的写入无法完成或撤销：{}；解决之前不能写入，详见 care check", self.why.zh),
            format!(
                "a write that was cut off could not be finished or undone: {}; nothing can be written until it is (see care check)",
                self.why.en
            ),
        )
    }

    /// What `care check` reports.
    pub(crate) fn finding(&self) -> Finding {
        Finding {
            rule: ids::FORMAT_PARSE,
            severity: Severity::Error,
            file: journal::FILE.to_owned(),
            line: self.line,
            message: Msg::new(
                format!("一次写入被中断，care 无法完成或撤销它：{}", self.why.zh),
                format!("a write was cut off, and care cannot finish or undo it: {}", self.why.en),
            ),
            hint: Msg::new(
                "在能写入记录目录的地方运行任一 care 命令，它会完成或撤销这次写入；若日志不是 care 写的，用 git status 查看改动后删除它",
                "run any care command where the records directory can be written: it finishes or undoes the write; if the journal is not care's own, look at git status and remove it",
            ),
        }
    }
}

impl From<Unreadable> for Unresolved {
    fn from(u: Unreadable) -> Self {
        Unresolved { line: u.line, why: u.why }
    }
}

/// The folders where a write leaves temporary files: the records directory and its folders
/// (closes/, settlements/, reports/ ...), hidden ones (.git) left out.
fn temp_folders(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if !hidden && entry.file_type().is_ok_and(|t| t.is_dir()) {
            out.push(entry.path());
        }
    }
    out
}

fn leftover_temps(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for folder in temp_folders(dir) {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            if entry.file_name().to_str().is_some_and(is_temp) {
                out.push(entry.path());
            }
        }
    }
    out
}

/// Whether a write left something behind (its journal, a temporary file, the lock file of a
/// command that was killed) or is under way (the lock file of a command still running).
pub(crate) fn pending(dir: &Path) -> bool {
    file::exists(&Journal::path(dir)) || file::exists(&dir.join(super::lock::LOCK_FILE)) || !leftover_temps(dir).is_empty()
}

fn shown(dir: &Path, paths: impl Iterator<Item = PathBuf>) -> String {
    paths
        .map(|p| p.strip_prefix(dir).map(Path::to_path_buf).unwrap_or(p).display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Under the lock: finishes or undoes a cut-off commit, then removes leftover temporary files.
/// What it did, a line each, for standard error.
pub(crate) fn recover(dir: &Path, _lock: &Lock) -> Result<Vec<Msg>, Unresolved> {
    let mut notes = Vec::new();
    if let Some(journal) = Journal::read(dir)? {
        let files = journal.steps.iter().map(|s| s.target.clone()).collect::<Vec<_>>().join(", ");
        match journal.complete(dir) {
            Ok(Ending::Forward) => notes.push(Msg::new(
                format!("已完成上次被中断的写入（{files}）"),
                format!("finished a write that was cut off ({files})"),
            )),
            Ok(Ending::Back(cause)) => {
                let (zh, en) = match cause {
                    Some(f) => (
                        format!("，因为无法完成它（{}：{}）", f.path.display(), f.error),
                        format!(" as it could not be finished ({}: {})", f.path.display(), f.error),
                    ),
                    None => (String::new(), String::new()),
                };
                notes.push(Msg::new(
                    format!("已撤销上次被中断的写入{zh}；记录恢复为写入之前的样子（{files}）"),
                    format!("undid a write that was cut off{en}; the records are as they were before it ({files})"),
                ));
            }
            Err(f) => {
                return Err(Unresolved {
                    line: 1,
                    why: Msg::new(
                        format!("{}：{}", f.path.display(), f.error),
                        format!("{}: {}", f.path.display(), f.error),
                    ),
                });
            }
        }
    }
    let temps = leftover_temps(dir);
    let removed: Vec<PathBuf> = temps.into_iter().filter(|t| file::remove(t).is_ok()).collect();
    if !removed.is_empty() {
        super::fault::point();
        let names = shown(dir, removed.iter().cloned());
        let n = removed.len();
        notes.push(Msg::new(
            format!("已删除 {n} 个被中断的写入留下的临时文件：{names}"),
            format!(
                "removed {n} temporary {} left by a write that was cut off: {names}",
                if n == 1 { "file" } else { "files" }
            ),
        ));
    }
    Ok(notes)
}

/// For a command that only reads: [`recover`], when something was left behind or a write is
/// under way (then it waits for the lock like a write, and reads what that write left). A
/// journal it cannot carry out is returned; leftover files it cannot remove are left for the
/// next write.
pub(crate) fn before_reading(dir: &Path) -> (Vec<Msg>, Option<Unresolved>) {
    if !pending(dir) {
        return (Vec::new(), None);
    }
    let journal = file::exists(&Journal::path(dir));
    let lock = match Lock::acquire(dir) {
        Ok(lock) => lock,
        Err(why) if journal => {
            return (Vec::new(), Some(Unresolved { line: 1, why }));
        }
        Err(_) => return (Vec::new(), None),
    };
    match recover(dir, &lock) {
        Ok(notes) => (notes, None),
        Err(u) => (Vec::new(), Some(u)),
    }
}
