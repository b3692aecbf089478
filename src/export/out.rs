//! The folder an export writes into. Files are written into a staging folder inside it and moved
//! into place once every table is written, so that a failed export leaves the folder as it was.
//! A folder that exists and is not empty is refused unless `--force`; then the files an earlier
//! export wrote (listed in [`MANIFEST`]) are replaced, and no other file is touched: a file in the
//! way that `care` did not write is a refusal.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::findings::Msg;

/// The list of the files the last export wrote, one path a line, relative to the folder.
pub(crate) const MANIFEST: &str = ".care-export";

pub(crate) struct Out {
    root: PathBuf,
    staging: tempfile::TempDir,
    /// The folder did not exist: a failed export removes it again.
    created: bool,
    written: Mutex<BTreeSet<String>>,
}

fn refused(zh: String, en: String) -> Msg {
    Msg::new(zh, en)
}

impl Out {
    /// Begins an export into `root`.
    pub(crate) fn begin(root: &Path, force: bool) -> Result<Out, Msg> {
        let shown = root.display();
        let created = !root.exists();
        if !created {
            if !root.is_dir() {
                return Err(refused(
                    format!("{shown} 不是文件夹；请指定一个空文件夹或新的文件夹"),
                    format!("{shown} is not a folder; name an empty or a new folder"),
                ));
            }
            let mut entries = std::fs::read_dir(root).map_err(|e| super::failed(root, &e))?;
            if entries.next().is_some() && !force {
                return Err(refused(
                    format!("{shown} 已存在且不是空的；请换一个文件夹，或加 --force 替换 care 上次导出的文件（其他文件不会动）"),
                    format!(
                        "{shown} exists and is not empty; name another folder, or add --force to replace the files an earlier export wrote there (no other file is touched)"
                    ),
                ));
            }
        }
        std::fs::create_dir_all(root).map_err(|e| super::failed(root, &e))?;
        let staging = tempfile::Builder::new()
            .prefix(".care-export-")
            .tempdir_in(root)
            .map_err(|e| super::failed(root, &e))?;
        Ok(Out {
            root: root.to_path_buf(),
            staging,
            created,
            written: Mutex::new(BTreeSet::new()),
        })
    }

    /// Where to write the file `rel` (a path with `/`), in the staging folder.
    pub(crate) fn path(&self, rel: &str) -> io::Result<PathBuf> {
        let p = self.staging.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if let Ok(mut w) = self.written.lock() {
            w.insert(rel.to_owned());
        }
        Ok(p)
    }

    /// Whether a file of the table `name` (its folder in a district's export) has been written.
    pub(crate) fn has_table(&self, name: &str) -> bool {
        self.written
            .lock()
            .is_ok_and(|w| w.iter().any(|rel| rel.split('/').next() == Some(name)))
    }

    /// The files an earlier export wrote here.
    fn earlier(&self) -> BTreeSet<String> {
        std::fs::read_to_string(self.root.join(MANIFEST))
            .map(|s| s.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// Moves the written files into place, after removing those of the earlier export.
    pub(crate) fn commit(self) -> Result<(), Msg> {
        let written = self.written.lock().map(|w| w.clone()).unwrap_or_default();
        let earlier = self.earlier();
        if let Some(theirs) = written
            .iter()
            .find(|rel| !earlier.contains(*rel) && self.root.join(rel).symlink_metadata().is_ok())
        {
            let p = self.root.join(theirs);
            return Err(refused(
                format!("{} 已存在，且不是 care 导出的文件；请移走它，或换一个文件夹", p.display()),
                format!(
                    "{} exists and was not written by an export of care; move it away, or name another folder",
                    p.display()
                ),
            ));
        }
        let fail = |p: &Path, e: io::Error| super::failed(p, &e);
        for rel in &earlier {
            let p = self.root.join(rel);
            if p.is_file() {
                std::fs::remove_file(&p).map_err(|e| fail(&p, e))?;
                remove_empty_parents(&self.root, &p);
            }
        }
        // A table's folder that is not there yet is moved whole (a district's thousands of files
        // in one step each table); into one that is, file by file.
        let mut whole: BTreeSet<&str> = BTreeSet::new();
        for rel in &written {
            let top = rel.split('/').next().unwrap_or(rel);
            if rel.contains('/') && (whole.contains(top) || !self.root.join(top).exists()) {
                if whole.insert(top) {
                    let (from, to) = (self.staging.path().join(top), self.root.join(top));
                    std::fs::rename(&from, &to).map_err(|e| fail(&to, e))?;
                }
                continue;
            }
            let (from, to) = (self.staging.path().join(rel), self.root.join(rel));
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(|e| fail(parent, e))?;
            }
            std::fs::rename(&from, &to).map_err(|e| fail(&to, e))?;
        }
        let list: String = written.iter().map(|rel| format!("{rel}\n")).collect();
        let manifest = self.root.join(MANIFEST);
        std::fs::write(&manifest, list).map_err(|e| fail(&manifest, e))?;
        Ok(())
    }

    /// Gives up: the staging folder is removed, and the folder too when the export made it.
    pub(crate) fn abandon(self) {
        let (root, created) = (self.root.clone(), self.created);
        drop(self.staging);
        if created {
            let _ = std::fs::remove_dir(root);
        }
    }
}

/// Removes the folders above a removed file, up to `root`, while they are empty.
fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir.filter(|d| *d != root && d.starts_with(root)) {
        if std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// A school's code as a Hive partition value (`school=CODE`): the characters Hive escapes in a
/// path are written `%XX`, as Hive, Spark, Trino and DuckDB read them.
pub(crate) fn partition_value(code: &str) -> String {
    let mut s = String::with_capacity(code.len());
    for c in code.chars() {
        if c.is_control() || "\"#%'*/:=?\\\u{7f}{[]^".contains(c) || (c == '.' && s.is_empty()) {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                s.push_str(&format!("%{b:02X}"));
            }
        } else {
            s.push(c);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_as_partition_values() {
        assert_eq!(partition_value("420100-0123"), "420100-0123");
        assert_eq!(partition_value("阳光路小学"), "阳光路小学");
        assert_eq!(partition_value("a/b=c%"), "a%2Fb%3Dc%25");
        assert_eq!(partition_value(".."), "%2E.");
    }

    #[test]
    fn a_full_folder_is_refused_and_force_replaces_only_what_care_wrote() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("out");
        let out = Out::begin(&root, false).unwrap();
        std::fs::write(out.path("ledger/school=A/part-0.csv").unwrap(), "x").unwrap();
        out.commit().unwrap();
        std::fs::write(root.join("mine.txt"), "keep").unwrap();
        assert!(Out::begin(&root, false).is_err());
        let out = Out::begin(&root, true).unwrap();
        std::fs::write(out.path("ledger/school=B/part-0.csv").unwrap(), "y").unwrap();
        out.commit().unwrap();
        assert!(!root.join("ledger/school=A").exists());
        assert_eq!(std::fs::read_to_string(root.join("ledger/school=B/part-0.csv")).unwrap(), "y");
        assert_eq!(std::fs::read_to_string(root.join("mine.txt")).unwrap(), "keep");
        // A file in the way that care did not write.
        let out = Out::begin(&root, true).unwrap();
        std::fs::write(out.path("mine.txt").unwrap(), "z").unwrap();
        assert!(out.commit().is_err());
        assert_eq!(std::fs::read_to_string(root.join("mine.txt")).unwrap(), "keep");
        assert!(root.join("ledger/school=B/part-0.csv").exists());
        let names: Vec<String> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(!names.iter().any(|n| n.starts_with(".care-export-")), "{names:?}");
    }
}
