//! The one place that writes records: take the lock, build the new content in memory, check
//! it, write temporary files beside the targets and rename them over, all or nothing. A refused
//! or failed write leaves every file as it was.

pub(crate) mod edit;
pub(crate) mod fault;
pub(crate) mod file;
pub(crate) mod journal;
pub(crate) mod lock;
pub(crate) mod recover;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use journal::{Ending, Journal, Step};

use crate::findings::{Finding, Msg};
use crate::output::terminal::clean;
use crate::records::Source;

pub(crate) use lock::Lock;

/// New contents for some files of the records directory, by relative path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Change {
    /// `None` removes the file. Shared with the sources the records after the change are read
    /// from, so that a large file's new bytes are not copied for each.
    pub files: BTreeMap<String, Option<Arc<Vec<u8>>>>,
    /// Files whose new bytes are the file on disk, this long when read, with lines added.
    pub appended_to: BTreeMap<String, usize>,
}

impl Change {
    pub(crate) fn new() -> Self {
        Change::default()
    }

    pub(crate) fn put(&mut self, rel: &str, bytes: Vec<u8>) {
        self.appended_to.remove(rel);
        self.files.insert(rel.to_owned(), Some(Arc::new(bytes)));
    }

    /// [`Change::put`] of the file on disk, `len` bytes when read, with lines added.
    pub(crate) fn put_appended(&mut self, rel: &str, bytes: Vec<u8>, len: usize) {
        self.put(rel, bytes);
        self.appended_to.insert(rel.to_owned(), len);
    }

    pub(crate) fn remove(&mut self, rel: &str) {
        self.appended_to.remove(rel);
        self.files.insert(rel.to_owned(), None);
    }

    /// The file's bytes as this change leaves them, else as they are on disk.
    pub(crate) fn current(&self, dir: &Path, rel: &str) -> std::io::Result<Option<Vec<u8>>> {
        match self.files.get(rel) {
            Some(v) => Ok(v.as_deref().cloned()),
            None => Source::new(dir).read(rel),
        }
    }

    /// The records as they would be after the change.
    pub(crate) fn source(&self, dir: &Path) -> Source {
        let mut s = Source::new(dir);
        for (k, v) in &self.files {
            s = match v {
                Some(bytes) => s.with_shared(k, Arc::clone(bytes)),
                None => s.without(k),
            };
            if let Some(&len) = self.appended_to.get(k) {
                s = s.appended_to(k, len);
            }
        }
        s
    }
}

/// The errors a change would add: findings of severity error after it that were not there
/// before it. Unrelated errors already in the records do not block a write.
pub(crate) fn new_errors(before: &[Finding], after: &[Finding]) -> Vec<Finding> {
    let old: std::collections::HashSet<_> = before.iter().map(Finding::key).collect();
    after.iter().filter(|f| f.is_error() && !old.contains(&f.key())).cloned().collect()
}

/// The errors a change that only moves and respells rows (`care fmt`) would add. Rows move, so
/// findings are matched by rule and file, not by line or sentence (which may name a line).
pub(crate) fn new_errors_reordered(before: &[Finding], after: &[Finding]) -> Vec<Finding> {
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

/// The refusal message for errors a change would add: each finding's place and sentence, on a
/// line of its own (values in them escaped, so that each stays on its line).
pub(crate) fn refusal(errors: &[Finding]) -> Msg {
    let lines = |zh: bool| {
        errors
            .iter()
            .map(|f| {
                format!(
                    "\n  {}:{}: [{}] {}",
                    clean(&f.file),
                    f.line,
                    f.rule,
                    clean(if zh { &f.message.zh } else { &f.message.en })
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

/// A file of the change, ready to be put in place.
struct Staged {
    step: Step,
    /// The file to change: the step's target, links followed.
    target: PathBuf,
    temp: Option<tempfile::TempPath>,
    backup: Option<tempfile::TempPath>,
}

fn name_of(t: &tempfile::TempPath) -> Option<String> {
    t.file_name().map(|n| n.to_string_lossy().into_owned())
}

/// Writes every file of the change, all or nothing (SPEC §8): each new content to a temporary
/// file beside its target, synced. One file is then renamed over its target. Several are first
/// written down in the journal, with a backup (a second link) of each file they replace or
/// remove; then renamed; then the journal goes. A failure on the way puts every file back, and a
/// command cut off on the way leaves the journal, for the next one to finish or undo the commit.
/// Every folder touched is synced, so that a power cut has the same two outcomes as a kill.
pub(crate) fn commit(dir: &Path, _lock: &Lock, change: &Change) -> Result<(), Msg> {
    if let Some((rel, bytes)) = one_file(change)
        && let Some(done) = append_in_place(dir, rel, bytes)
    {
        return done;
    }
    let mut folders = BTreeSet::new();
    let mut staged = stage(dir, change, &mut folders)?;
    match staged.len() {
        0 => Ok(()),
        1 => replace_one(staged.remove(0), &folders),
        _ => replace_several(dir, staged, &folders),
    }
}

/// The file a change writes, when it writes one and removes none.
fn one_file(change: &Change) -> Option<(&str, &[u8])> {
    match (change.files.len(), change.files.first_key_value()) {
        (1, Some((rel, Some(bytes)))) => Some((rel.as_str(), bytes.as_slice())),
        _ => None,
    }
}

/// A file the change only adds bytes to the end of (rows appended to a ledger of a million):
/// the bytes added are written after the file's own, instead of the whole file beside it and
/// renamed over it, under a journal that cuts the file back should the command be cut off
/// (`journal`: a step with a `length`). `None` when the file on disk is not the start of the
/// new bytes (or cannot be read): the change is then committed as any other.
fn append_in_place(dir: &Path, rel: &str, bytes: &[u8]) -> Option<Result<(), Msg>> {
    let target = file::resolve_links(&dir.join(rel)).ok()?;
    let length = std::fs::metadata(&target).ok().filter(|m| m.is_file())?.len();
    let start = usize::try_from(length).ok().filter(|l| *l > 0 && *l < bytes.len())?;
    // A file that cannot be written in place (read-only, say) is replaced, as any other.
    let on_disk = std::fs::OpenOptions::new().read(true).write(true).open(&target).ok()?;
    if !crate::records::starts_with(&on_disk, &bytes[..start]) {
        return None;
    }
    Some(append_after(dir, rel, &target, length, &bytes[start..]))
}

fn append_after(dir: &Path, rel: &str, target: &Path, length: u64, appended: &[u8]) -> Result<(), Msg> {
    let folder = file::folder(target);
    let temp = file::temp_beside(target, appended).map_err(|e| io_failure(target, &e))?;
    fault::point();
    // The temporary file is on disk before the journal that names it.
    file::sync_dir(folder).map_err(|e| io_failure(folder, &e))?;
    let journal = Journal {
        undo: false,
        steps: vec![Step {
            target: rel.to_owned(),
            temp: name_of(&temp),
            backup: None,
            length: Some(length),
        }],
    };
    if let Err(e) = journal.write(dir) {
        let _ = file::remove(&Journal::path(dir));
        return Err(io_failure(&Journal::path(dir), &e));
    }
    let _ = temp.keep();
    finish_journal(dir, &journal)
}

/// The temporary file of each file the change writes, and the files it removes; the folders
/// it touches (those it made included) go into `folders`.
fn stage(dir: &Path, change: &Change, folders: &mut BTreeSet<PathBuf>) -> Result<Vec<Staged>, Msg> {
    let mut staged = Vec::new();
    for (rel, bytes) in &change.files {
        let named = dir.join(rel);
        let failed = |e: std::io::Error| io_failure(&named, &e);
        let target = file::resolve_links(&named).map_err(failed)?;
        let temp = match bytes {
            Some(bytes) => {
                for made in file::create_dirs(file::folder(&target)).map_err(failed)? {
                    folders.insert(file::folder(&made).to_path_buf());
                }
                let temp = file::temp_beside(&target, bytes).map_err(failed)?;
                fault::point();
                Some(temp)
            }
            None if !file::exists(&target) => continue,
            None => None,
        };
        folders.insert(file::folder(&target).to_path_buf());
        staged.push(Staged {
            step: Step {
                target: rel.clone(),
                temp: temp.as_ref().and_then(name_of),
                backup: None,
                length: None,
            },
            target,
            temp,
            backup: None,
        });
    }
    Ok(staged)
}

/// One file: a rename (or a removal) is all or nothing by itself.
fn replace_one(mut one: Staged, folders: &BTreeSet<PathBuf>) -> Result<(), Msg> {
    let done = match one.temp.take() {
        Some(temp) => temp.persist(&one.target).map_err(|e| e.error),
        None => std::fs::remove_file(&one.target),
    };
    done.map_err(|e| io_failure(&one.target, &e))?;
    fault::point();
    for f in folders {
        file::sync_dir(f).map_err(|e| {
            let rel = &one.step.target;
            Msg::new(
                format!("已写入 {rel}，但无法确认它已存到磁盘（同步 {} 失败：{e}）", f.display()),
                format!(
                    "wrote {rel} but could not make sure it reached the disk (syncing {} failed: {e})",
                    f.display()
                ),
            )
        })?;
    }
    Ok(())
}

/// Several files: backups, the journal, then the journal carried out.
fn replace_several(dir: &Path, mut staged: Vec<Staged>, folders: &BTreeSet<PathBuf>) -> Result<(), Msg> {
    for s in staged.iter_mut().filter(|s| file::exists(&s.target)) {
        let backup = file::backup(&s.target).map_err(|e| io_failure(&s.target, &e))?;
        fault::point();
        s.step.backup = name_of(&backup);
        s.backup = Some(backup);
    }
    // The temporary files and backups are on disk before the journal that names them.
    for f in folders {
        file::sync_dir(f).map_err(|e| io_failure(f, &e))?;
    }
    let journal = Journal {
        undo: false,
        steps: staged.iter().map(|s| s.step.clone()).collect(),
    };
    if let Err(e) = journal.write(dir) {
        let _ = file::remove(&Journal::path(dir));
        return Err(io_failure(&Journal::path(dir), &e));
    }
    // From here the journal is in charge of every temporary file and backup.
    for s in staged {
        for t in [s.temp, s.backup].into_iter().flatten() {
            let _ = t.keep();
        }
    }
    finish_journal(dir, &journal)
}

/// Carries out a journal on disk, saying how it ended.
fn finish_journal(dir: &Path, journal: &Journal) -> Result<(), Msg> {
    match journal.clone().complete(dir) {
        Ok(Ending::Forward) => Ok(()),
        Ok(Ending::Back(cause)) => {
            let f = cause.unwrap_or_else(|| journal::Failed {
                path: Journal::path(dir),
                error: std::io::Error::other("the write was undone"),
            });
            Err(io_failure(&f.path, &f.error))
        }
        Err(f) => Err(Msg::new(
            format!("写入没有完成（{}：{}）；下一个 care 命令会完成或撤销它", f.path.display(), f.error),
            format!(
                "the write did not complete ({}: {}); the next care command finishes or undoes it",
                f.path.display(),
                f.error
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit_of(dir: &Path, rel: &str, bytes: &[u8]) {
        let lock = Lock::acquire(dir).expect("the lock");
        let mut change = Change::new();
        change.put(rel, bytes.to_vec());
        commit(dir, &lock, &change).expect("the commit");
    }

    #[cfg(unix)]
    fn inode(path: &Path) -> u64 {
        std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).expect("the file"))
    }

    /// Where the file on disk ends is told to the records after the change only while the
    /// change holds that file with lines added; any other content put there, or its removal,
    /// forgets it.
    #[test]
    fn the_end_on_disk_is_told_only_for_lines_added() {
        let dir = Path::new("/records");
        let mut c = Change::new();
        c.put_appended("ledger.csv", b"a\n1\n2\n".to_vec(), 4);
        c.put("roster.csv", b"x\n".to_vec());
        let s = c.source(dir);
        assert_eq!(s.length_appended_to("ledger.csv"), Some(4));
        assert_eq!(s.length_appended_to("roster.csv"), None);
        c.put("ledger.csv", b"b\n".to_vec());
        assert_eq!(c.source(dir).length_appended_to("ledger.csv"), None);
        c.put_appended("ledger.csv", b"a\n1\n".to_vec(), 2);
        c.remove("ledger.csv");
        assert_eq!(c.source(dir).length_appended_to("ledger.csv"), None);
        let told = Source::new(dir).appended_to("leave.csv", 3);
        assert_eq!(
            told.clone().with("leave.csv", b"y\n".to_vec()).length_appended_to("leave.csv"),
            None
        );
        assert_eq!(told.without("leave.csv").length_appended_to("leave.csv"), None);
    }

    /// Rows added to the end of a file are written after its bytes, in the same file; a change
    /// to any byte before them writes the file whole beside it and renames it over.
    #[cfg(unix)]
    #[test]
    fn bytes_added_to_the_end_are_appended_in_place() {
        let d = tempfile::tempdir().expect("a test folder");
        let path = d.path().join("ledger.csv");
        std::fs::write(&path, "date,kind\n2026-09-01,fee\n").expect("a test file");
        let was = inode(&path);
        commit_of(d.path(), "ledger.csv", b"date,kind\n2026-09-01,fee\n2026-09-02,pay\n");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "date,kind\n2026-09-01,fee\n2026-09-02,pay\n"
        );
        assert_eq!(inode(&path), was, "appended in place");
        commit_of(
            d.path(),
            "ledger.csv",
            b"date,kind\n2026-09-01,fee\n2026-09-03,pay\n2026-09-04,pay\n",
        );
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "date,kind\n2026-09-01,fee\n2026-09-03,pay\n2026-09-04,pay\n"
        );
        assert_ne!(inode(&path), was, "written whole");
        // A read-only file is still written: replaced by a rename where it cannot be opened
        // for writing (as root, which the tests may run as, it can be, and is appended to).
        let mut read_only = std::fs::metadata(&path).expect("the file").permissions();
        read_only.set_readonly(true);
        std::fs::set_permissions(&path, read_only).expect("read-only");
        commit_of(
            d.path(),
            "ledger.csv",
            b"date,kind\n2026-09-01,fee\n2026-09-03,pay\n2026-09-04,pay\n2026-09-05,pay\n",
        );
        assert!(
            std::fs::read_to_string(&path)
                .expect("read")
                .ends_with("2026-09-04,pay\n2026-09-05,pay\n")
        );
        // Nothing of care's own is left: no journal, no temporary file.
        let left: Vec<String> = std::fs::read_dir(d.path())
            .expect("the folder")
            .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n != lock::LOCK_FILE && n != "ledger.csv")
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
