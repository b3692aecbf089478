//! The one place that writes records: take the lock, build the new content in memory, check
//! it, write temporary files beside the targets and rename them over. A refused or failed
//! write leaves every file as it was.

pub mod edit;
pub mod lock;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::findings::{Finding, Msg};
use crate::records::{Date, Records, Source};

pub use lock::Lock;

/// New contents for some files of the records directory, by relative path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// `None` removes the file.
    pub files: BTreeMap<String, Option<Vec<u8>>>,
}

impl Change {
    pub fn new() -> Self {
        Change::default()
    }

    pub fn put(&mut self, rel: &str, bytes: Vec<u8>) {
        self.files.insert(rel.to_owned(), Some(bytes));
    }

    pub fn remove(&mut self, rel: &str) {
        self.files.insert(rel.to_owned(), None);
    }

    /// The file's bytes as this change leaves them, else as they are on disk.
    pub fn current(&self, dir: &Path, rel: &str) -> std::io::Result<Option<Vec<u8>>> {
        match self.files.get(rel) {
            Some(v) => Ok(v.clone()),
            None => Source::new(dir).read(rel),
        }
    }

    /// The records as they would be after the change.
    pub fn source(&self, dir: &Path) -> Source {
        let mut s = Source::new(dir);
        for (k, v) in &self.files {
            s = match v {
                Some(bytes) => s.with(k, bytes.clone()),
                None => s.without(k),
            };
        }
        s
    }
}

/// The errors a change would add: findings of severity error after it that were not there
/// before it. Unrelated errors already in the records do not block a write.
pub fn new_errors(before: &[Finding], after: &[Finding]) -> Vec<Finding> {
    let old: std::collections::HashSet<_> = before.iter().map(Finding::key).collect();
    after.iter().filter(|f| f.is_error() && !old.contains(&f.key())).cloned().collect()
}

/// The errors a change that only moves and respells rows (`care fmt`) would add. Rows move, so
/// findings are matched by rule and file, not by line or sentence (which may name a line).
pub fn new_errors_reordered(before: &[Finding], after: &[Finding]) -> Vec<Finding> {
    let mut old: std::collections::HashMap<(&str, &str), usize> = std::collections::HashMap::new();
    for f in before.iter().filter(|f| f.is_error()) {
        *old.entry((f.rule, f.file.as_str())).or_default() += 1;
    }
    let mut new = Vec::new();
    for f in after.iter().filter(|f| f.is_error()) {
        match old.get_mut(&(f.rule, f.file.as_str())) {
            Some(n) if *n > 0 => *n -= 1,
            _ => new.push(f.clone()),
        }
    }
    new
}

/// Checks a change against every rule; the errors it would add, if any.
pub fn validate(dir: &Path, before: &Records, change: &Change, today: Date) -> Vec<Finding> {
    let (was, now) = findings_around(dir, before, change, today);
    new_errors(&was, &now)
}

/// The findings before and after a change.
pub fn findings_around(dir: &Path, before: &Records, change: &Change, today: Date) -> (Vec<Finding>, Vec<Finding>) {
    // The records after the change are read on one core while the rules go over those before it.
    std::thread::scope(|scope| {
        let source = change.source(dir);
        let after = scope.spawn(move || Records::load_from(&source));
        let was = crate::rules::check(before, today);
        match after.join() {
            Ok(after) => (was, crate::rules::check(&after, today)),
            Err(e) => std::panic::resume_unwind(e),
        }
    })
}

/// The refusal message for errors a change would add: each finding's place and sentence.
pub fn refusal(errors: &[Finding]) -> Msg {
    let lines = |zh: bool| {
        errors
            .iter()
            .map(|f| {
                format!(
                    "\n  {}:{}: [{}] {}",
                    f.file,
                    f.line,
                    f.rule,
                    if zh { &f.message.zh } else { &f.message.en }
                )
            })
            .collect::<String>()
    };
    Msg::new(
        format!("这样写入会违反规则，未做任何修改：{}", lines(true)),
        format!("this would break the rules; nothing was changed:{}", lines(false)),
    )
}

fn io_failure(path: &Path, e: &std::io::Error) -> Msg {
    Msg::new(
        format!("写入 {} 失败：{e}；文件未改动", path.display()),
        format!("could not write {}: {e}; the file is unchanged", path.display()),
    )
}

/// Writes every file of the change: all temporary files first, then the renames. If a rename
/// fails, the files already replaced are put back.
pub fn commit(dir: &Path, _lock: &Lock, change: &Change) -> Result<(), Msg> {
    let mut staged: Vec<(PathBuf, Option<tempfile::NamedTempFile>, Option<Vec<u8>>)> = Vec::new();
    for (rel, bytes) in &change.files {
        let Some(bytes) = bytes else {
            let target = dir.join(rel);
            let old = std::fs::read(&target).ok();
            staged.push((target, None, old));
            continue;
        };
        let target = dir.join(rel);
        let parent = target.parent().unwrap_or(dir).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(|e| io_failure(&target, &e))?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(".care-").suffix(".tmp");
        // A new file gets the mode any program would give it (0666 less the umask), not a
        // temporary file's 0600; an existing one keeps its own, below.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let mut tmp = builder.tempfile_in(&parent).map_err(|e| io_failure(&target, &e))?;
        tmp.write_all(bytes)
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|e| io_failure(&target, &e))?;
        if let Ok(meta) = std::fs::metadata(&target) {
            let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
        }
        let old = std::fs::read(&target).ok();
        staged.push((target, Some(tmp), old));
    }
    let mut done: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
    for (target, tmp, old) in staged {
        let result = match tmp {
            Some(tmp) => tmp.persist(&target).map(|_| ()).map_err(|e| e.error),
            None => match std::fs::remove_file(&target) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            },
        };
        if let Err(e) = result {
            for (path, old) in done.into_iter().rev() {
                match old {
                    Some(bytes) => {
                        let _ = std::fs::write(&path, bytes);
                    }
                    None => {
                        let _ = std::fs::remove_file(&path);
                    }
                }
            }
            return Err(io_failure(&target, &e));
        }
        done.push((target, old));
    }
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
