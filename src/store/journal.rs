//! A commit's journal: what a write that changes several files is about to do, on disk before
//! it starts, so that a command cut off part way is finished or undone by the next one.
//!
//! `.care.journal` in the records directory:
//!
//! ```text
//! care journal 1 finish
//! {"target":"ledger.csv","temp":".care-a1B2c3.tmp","backup":".care-d4E5f6.tmp"}
//! {"target":"settlements/2026-autumn.toml","temp":".care-g7H8i9.tmp","backup":null}
//! {"target":"closes/2026-09.toml","temp":null,"backup":".care-j1K2l3.tmp"}
//! end
//! ```
//!
//! Each line between is a step on a file of the records directory: `temp` (a file in the
//! target's folder) is renamed over `target`, or, when `temp` is null, `target` is removed.
//! `backup` is the target as it was (a second link to it), null for a new file. `finish` says
//! the commit goes forward; `undo` that it goes back: each target gets its backup again, a new
//! file is removed. Either way is safe to repeat after another cut.
//!
//! A step with a `length` appends in place (rows added to the end of a large ledger, which is
//! not written out again): `temp` holds the bytes appended, `length` the target's length
//! before. Forward, the target is cut back to `length` and `temp` written after it; back, the
//! target is cut back to `length`:
//!
//! ```text
//! {"target":"ledger.csv","temp":".care-m4N5o6.tmp","backup":null,"length":55012345}
//! ```

use std::collections::BTreeSet;
use std::io;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::fault;
use super::file::{self, folder, is_temp};
use crate::findings::Msg;

pub(crate) const FILE: &str = ".care.journal";
const HEAD: &str = "care journal 1";
const END: &str = "end";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Step {
    /// Relative to the records directory, with `/`.
    pub target: String,
    pub temp: Option<String>,
    pub backup: Option<String>,
    /// The target's length before `temp` is appended to it in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Journal {
    pub undo: bool,
    pub steps: Vec<Step>,
}

/// A journal that cannot be read: the line, and why.
#[derive(Debug)]
pub(crate) struct Unreadable {
    pub line: usize,
    pub why: Msg,
}

/// Which way a commit went.
#[derive(Debug)]
pub(crate) enum Ending {
    Forward,
    /// Back, because of this failure going forward (none: the journal already said undo).
    Back(Option<Failed>),
}

/// A step that could not be taken: the file, and the error.
#[derive(Debug)]
pub(crate) struct Failed {
    pub path: PathBuf,
    pub error: io::Error,
}

fn failed(path: &Path) -> impl FnOnce(io::Error) -> Failed + '_ {
    move |error| Failed {
        path: path.to_path_buf(),
        error,
    }
}

/// A target must name a file inside the records directory; temporary files and backups are
/// care's own, in the target's folder. A journal that says otherwise was not written by care.
fn valid(step: &Step) -> bool {
    let inside = !step.target.is_empty() && Path::new(&step.target).components().all(|c| matches!(c, Component::Normal(_)));
    let own = |name: &Option<String>| name.as_deref().is_none_or(|n| is_temp(n) && !n.contains(['/', '\\']));
    let append = step.length.is_none() || (step.temp.is_some() && step.backup.is_none());
    inside && own(&step.temp) && own(&step.backup) && (step.temp.is_some() || step.backup.is_some()) && append
}

/// The target cut back to `length` and, when given, `appended` written after it, synced.
fn append_at(target: &Path, length: u64, appended: Option<&Path>) -> io::Result<()> {
    use std::io::{Seek, Write};
    let mut f = std::fs::OpenOptions::new().write(true).open(target)?;
    f.set_len(length)?;
    if let Some(appended) = appended {
        f.seek(io::SeekFrom::Start(length))?;
        f.write_all(&std::fs::read(appended)?)?;
    }
    f.sync_all()
}

impl Journal {
    pub(crate) fn path(dir: &Path) -> PathBuf {
        dir.join(FILE)
    }

    fn text(&self) -> String {
        let mut s = format!("{HEAD} {}\n", if self.undo { "undo" } else { "finish" });
        for step in &self.steps {
            s.push_str(&serde_json::to_string(step).unwrap_or_default());
            s.push('\n');
        }
        s.push_str(END);
        s.push('\n');
        s
    }

    /// Puts the journal on disk in one piece: written beside, synced, renamed, the folder synced.
    pub(crate) fn write(&self, dir: &Path) -> io::Result<()> {
        let path = Journal::path(dir);
        file::temp_beside(&path, self.text().as_bytes())?
            .persist(&path)
            .map_err(|e| e.error)?;
        file::sync_dir(dir)?;
        fault::point();
        Ok(())
    }

    /// The journal of an interrupted commit, if there is one.
    pub(crate) fn read(dir: &Path) -> Result<Option<Journal>, Unreadable> {
        let bytes = match std::fs::read(Journal::path(dir)) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Unreadable {
                    line: 1,
                    why: Msg::new(format!("{FILE} 无法读取：{e}"), format!("{FILE} cannot be read: {e}")),
                });
            }
        };
        let bad = |line: usize| Unreadable {
            line,
            why: Msg::new(
                format!("{FILE} 第 {line} 行不是 care 写的格式（文件已损坏，或不是 care 的）"),
                format!("{FILE} line {line} is not as care writes it (the file is damaged, or not care's)"),
            ),
        };
        let text = std::str::from_utf8(&bytes).map_err(|_| bad(1))?;
        let mut lines = text.lines();
        let undo = match lines.next().and_then(|l| l.strip_prefix(HEAD)) {
            Some(" finish") => false,
            Some(" undo") => true,
            _ => return Err(bad(1)),
        };
        let mut steps = Vec::new();
        for (i, line) in lines.enumerate() {
            if line == END {
                return Ok(Some(Journal { undo, steps }));
            }
            let step: Step = serde_json::from_str(line).map_err(|_| bad(i + 2))?;
            if !valid(&step) {
                return Err(bad(i + 2));
            }
            steps.push(step);
        }
        // Cut short: care writes the journal whole, so this one was damaged.
        Err(bad(text.lines().count().max(1)))
    }

    /// Removes the journal: the commit is complete.
    fn remove(dir: &Path) -> io::Result<()> {
        file::remove(&Journal::path(dir))?;
        fault::point();
        file::sync_dir(dir)
    }

    /// The file a step changes, links followed, and a file of care's own beside it.
    fn target(dir: &Path, step: &Step) -> io::Result<PathBuf> {
        file::resolve_links(&dir.join(&step.target))
    }

    fn beside(target: &Path, name: &str) -> PathBuf {
        folder(target).join(name)
    }

    /// Carries out the journal, which is on disk, to its end: forward, or back when it says
    /// undo or when a step forward fails (the journal then says undo first, so that a cut
    /// from here on goes back too). The journal is removed once every folder it touched is
    /// synced. What stops it leaves the journal for the next command.
    pub(crate) fn complete(mut self, dir: &Path) -> Result<Ending, Failed> {
        let mut cause = None;
        if !self.undo {
            match self.forward(dir) {
                Ok(()) => {
                    self.sync(dir)?;
                    self.drop_backups(dir)?;
                    Journal::remove(dir).map_err(failed(&Journal::path(dir)))?;
                    return Ok(Ending::Forward);
                }
                Err(f) => {
                    self.undo = true;
                    self.write(dir).map_err(failed(&Journal::path(dir)))?;
                    cause = Some(f);
                }
            }
        }
        self.back(dir)?;
        self.sync(dir)?;
        Journal::remove(dir).map_err(failed(&Journal::path(dir)))?;
        Ok(Ending::Back(cause))
    }

    /// Every folder the steps touch.
    pub(crate) fn folders(&self, dir: &Path) -> BTreeSet<PathBuf> {
        self.steps
            .iter()
            .filter_map(|s| Journal::target(dir, s).ok())
            .map(|t| folder(&t).to_path_buf())
            .collect()
    }

    /// Takes every step not taken yet. A step is taken when its temporary file is gone (renamed
    /// over the target) or, for a removal, when the target is gone.
    fn forward(&self, dir: &Path) -> Result<(), Failed> {
        for step in &self.steps {
            let target = Journal::target(dir, step).map_err(failed(&dir.join(&step.target)))?;
            match (&step.temp, step.length) {
                (Some(temp), Some(length)) => {
                    let temp = Journal::beside(&target, temp);
                    if file::exists(&temp) {
                        append_at(&target, length, Some(&temp)).map_err(failed(&target))?;
                        fault::point();
                        file::remove(&temp).map_err(failed(&temp))?;
                        fault::point();
                    }
                }
                (Some(temp), None) => {
                    let temp = Journal::beside(&target, temp);
                    if file::exists(&temp) {
                        std::fs::rename(&temp, &target).map_err(failed(&target))?;
                        fault::point();
                    }
                }
                (None, _) => {
                    if file::exists(&target) {
                        // A removal not yet made has its backup: a journal without it would
                        // lose the file for good.
                        let kept = step.backup.as_deref().is_some_and(|b| file::exists(&Journal::beside(&target, b)));
                        if !kept {
                            return Err(Failed {
                                path: target,
                                error: io::Error::other("its backup is missing"),
                            });
                        }
                        file::remove(&target).map_err(failed(&target))?;
                        fault::point();
                    }
                }
            }
        }
        Ok(())
    }

    /// Removes the backups: the commit has gone forward.
    fn drop_backups(&self, dir: &Path) -> Result<(), Failed> {
        for step in &self.steps {
            if let (Some(b), Ok(target)) = (&step.backup, Journal::target(dir, step)) {
                let b = Journal::beside(&target, b);
                if file::exists(&b) {
                    file::remove(&b).map_err(failed(&b))?;
                    fault::point();
                }
            }
        }
        Ok(())
    }

    /// Puts every target back as it was: the backup renamed over it (a rename onto another link
    /// of the same file does nothing, so the backup is then removed), a new file removed, and
    /// the temporary files of steps not taken removed.
    fn back(&self, dir: &Path) -> Result<(), Failed> {
        for step in &self.steps {
            let target = Journal::target(dir, step).map_err(failed(&dir.join(&step.target)))?;
            let temp = step.temp.as_deref().map(|t| Journal::beside(&target, t));
            if let Some(length) = step.length {
                if std::fs::metadata(&target).is_ok_and(|m| m.len() != length) {
                    append_at(&target, length, None).map_err(failed(&target))?;
                    fault::point();
                }
                if let Some(temp) = temp.filter(|t| file::exists(t)) {
                    file::remove(&temp).map_err(failed(&temp))?;
                    fault::point();
                }
                continue;
            }
            match &step.backup {
                Some(b) => {
                    let b = Journal::beside(&target, b);
                    if file::exists(&b) {
                        std::fs::rename(&b, &target).map_err(failed(&target))?;
                        file::remove(&b).map_err(failed(&b))?;
                        fault::point();
                    }
                    if let Some(temp) = temp.filter(|t| file::exists(t)) {
                        file::remove(&temp).map_err(failed(&temp))?;
                        fault::point();
                    }
                }
                None => match temp {
                    Some(temp) if file::exists(&temp) => {
                        file::remove(&temp).map_err(failed(&temp))?;
                        fault::point();
                    }
                    _ => {
                        if file::exists(&target) {
                            file::remove(&target).map_err(failed(&target))?;
                            fault::point();
                        }
                    }
                },
            }
        }
        Ok(())
    }

    fn sync(&self, dir: &Path) -> Result<(), Failed> {
        for f in self.folders(dir) {
            file::sync_dir(&f).map_err(failed(&f))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(target: &str, temp: Option<&str>, backup: Option<&str>) -> Step {
        Step {
            target: target.into(),
            temp: temp.map(Into::into),
            backup: backup.map(Into::into),
            length: None,
        }
    }

    #[test]
    fn written_and_read_back() {
        let d = tempfile::tempdir().unwrap();
        let j = Journal {
            undo: false,
            steps: vec![
                step("ledger.csv", Some(".care-a.tmp"), Some(".care-b.tmp")),
                step("closes/2026-09.toml", None, Some(".care-c.tmp")),
                Step {
                    length: Some(55_012_345),
                    ..step("ledger.csv", Some(".care-d.tmp"), None)
                },
            ],
        };
        j.write(d.path()).unwrap();
        assert_eq!(Journal::read(d.path()).unwrap(), Some(j));
        Journal::remove(d.path()).unwrap();
        assert_eq!(Journal::read(d.path()).unwrap(), None);
    }

    /// An append in place carried forward after a cut at any point of it (nothing appended
    /// yet, part of it, all of it) gives the file with the bytes once; carried back, the file
    /// as it was.
    #[test]
    fn an_append_in_place_is_finished_or_undone_from_any_length() {
        for (on_disk, undo, want) in [
            ("date\n1\n", false, "date\n1\n2\n3\n"),
            ("date\n1\n2\n", false, "date\n1\n2\n3\n"),
            ("date\n1\n2\n3\n", false, "date\n1\n2\n3\n"),
            ("date\n1\n2\n", true, "date\n1\n"),
            ("date\n1\n2\n3\n", true, "date\n1\n"),
        ] {
            let d = tempfile::tempdir().unwrap();
            std::fs::write(d.path().join("ledger.csv"), on_disk).unwrap();
            std::fs::write(d.path().join(".care-a.tmp"), "2\n3\n").unwrap();
            let j = Journal {
                undo,
                steps: vec![Step {
                    length: Some(7),
                    ..step("ledger.csv", Some(".care-a.tmp"), None)
                }],
            };
            j.write(d.path()).unwrap();
            j.complete(d.path()).unwrap();
            assert_eq!(
                std::fs::read_to_string(d.path().join("ledger.csv")).unwrap(),
                want,
                "{on_disk:?}, undo {undo}"
            );
            assert!(!d.path().join(".care-a.tmp").exists() && Journal::read(d.path()).unwrap().is_none());
        }
    }

    #[test]
    fn a_journal_care_did_not_write_is_refused_at_its_line() {
        let d = tempfile::tempdir().unwrap();
        let line = |text: &str| {
            std::fs::write(Journal::path(d.path()), text).unwrap();
            Journal::read(d.path()).unwrap_err().line
        };
        let ok = r#"{"target":"ledger.csv","temp":".care-a.tmp","backup":null}"#;
        assert_eq!(line("garbage\n"), 1);
        assert_eq!(line(&format!("care journal 1 finish\n{ok}\n{{\n")), 3);
        assert_eq!(line(&format!("care journal 1 finish\n{ok}\n")), 2, "no end line");
        for bad in [
            r#"{"target":"../x","temp":".care-a.tmp","backup":null}"#,
            r#"{"target":"/etc/x","temp":".care-a.tmp","backup":null}"#,
            r#"{"target":"ledger.csv","temp":"../.care-a.tmp","backup":null}"#,
            r#"{"target":"ledger.csv","temp":"roster.csv","backup":null}"#,
            r#"{"target":"ledger.csv","temp":null,"backup":null}"#,
            r#"{"target":"ledger.csv","temp":null,"backup":".care-b.tmp","length":10}"#,
            r#"{"target":"ledger.csv","temp":".care-a.tmp","backup":".care-b.tmp","length":10}"#,
        ] {
            assert_eq!(line(&format!("care journal 1 undo\n{ok}\n{bad}\nend\n")), 3, "{bad}");
        }
    }
}
