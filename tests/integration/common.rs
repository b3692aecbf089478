//! A records directory in a temporary folder and the `care` binary run over it
//! (after xsv's `Workdir` and just's test builder).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub(crate) const TODAY: &str = "2026-09-25";

pub(crate) fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub(crate) fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-school")
}

/// The example of a school that collects its own fees (`care init --example --model school`).
pub(crate) fn school_example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/school-collected")
}

/// Every file under `dir` and its bytes (a link: where it points).
pub(crate) fn snapshot_of(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                walk(root, &entry.path(), out);
            } else {
                let bytes = if kind.is_symlink() {
                    std::fs::read_link(entry.path()).unwrap().into_os_string().into_encoded_bytes()
                } else {
                    std::fs::read(entry.path()).unwrap()
                };
                out.insert(entry.path().strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

pub(crate) struct Workdir {
    dir: tempfile::TempDir,
    today: std::cell::RefCell<String>,
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

impl Workdir {
    /// A copy of tests/fixtures/NAME; `care` runs with `--today 2026-09-25`.
    pub(crate) fn fixture(name: &str) -> Workdir {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&fixture_dir(name), dir.path());
        Workdir {
            dir,
            today: std::cell::RefCell::new(TODAY.into()),
        }
    }

    /// A copy of examples/demo-school, two complete past terms; `care` runs with `--today 2026-11-29`.
    pub(crate) fn example() -> Workdir {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&example_dir(), dir.path());
        Workdir {
            dir,
            today: std::cell::RefCell::new("2026-11-29".into()),
        }
    }

    /// A copy of examples/school-collected, a complete past term of a school that collects its
    /// own fees; `care` runs with `--today 2026-11-29`.
    pub(crate) fn school_example() -> Workdir {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&school_example_dir(), dir.path());
        Workdir {
            dir,
            today: std::cell::RefCell::new("2026-11-29".into()),
        }
    }

    /// An empty folder.
    pub(crate) fn empty() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().unwrap(),
            today: std::cell::RefCell::new(TODAY.into()),
        }
    }

    pub(crate) fn today(self, d: &str) -> Self {
        *self.today.borrow_mut() = d.into();
        self
    }

    /// From now on, `care` runs at another date.
    pub(crate) fn set_today(&self, d: &str) -> &Self {
        *self.today.borrow_mut() = d.into();
        self
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn file(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.file(rel)).unwrap()
    }

    pub(crate) fn read_bytes(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.file(rel)).unwrap()
    }

    pub(crate) fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.file(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub(crate) fn append(&self, rel: &str, line: &str) {
        let mut s = self.read(rel);
        s.push_str(line);
        s.push('\n');
        self.write(rel, s);
    }

    pub(crate) fn replace(&self, rel: &str, from: &str, to: &str) {
        let s = self.read(rel);
        assert!(s.contains(from), "{from:?} is not in {rel}");
        self.write(rel, s.replacen(from, to, 1));
    }

    /// `care -C DIR --today D ARGS...` in English, without colour.
    pub(crate) fn care(&self, args: &[&str]) -> Command {
        Command::from_std(self.process(args))
    }

    /// [`Workdir::care`] as a plain process, to spawn and wait for.
    pub(crate) fn process(&self, args: &[&str]) -> std::process::Command {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("care"));
        c.arg("-C")
            .arg(self.path())
            .arg("--today")
            .arg(self.today.borrow().as_str())
            .args(args);
        c.env("CARE_LANG", "en").env_remove("CARE_TODAY").env("NO_COLOR", "1");
        c
    }

    /// Runs a command that must succeed; its standard output.
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let out = self.care(args).output().unwrap();
        assert!(
            out.status.success(),
            "care {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a write that must be refused: exit 1, the sentence on standard error, nothing on
    /// standard output, every file byte-identical.
    pub(crate) fn refused(&self, args: &[&str], sentence: &str) {
        let before = self.snapshot();
        let out = self.care(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "care {args:?}: {err}");
        assert!(err.contains(sentence), "care {args:?}: want {sentence:?} in:\n{err}");
        assert!(
            out.stdout.is_empty(),
            "care {args:?} printed {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(self.snapshot() == before, "care {args:?} changed files although it refused");
    }

    /// Every file under the directory and its bytes, to show that nothing changed.
    pub(crate) fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        snapshot_of(self.path())
    }

    /// `care check --format json` as (rule, file, line) triples.
    pub(crate) fn findings(&self) -> Vec<(String, String, u64)> {
        let out = self.care(&["check", "--format", "json"]).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_owned(),
                    f["file"].as_str().unwrap().to_owned(),
                    f["line"].as_u64().unwrap(),
                )
            })
            .collect()
    }
}

/// The rows of CSV text, the header among them.
pub(crate) fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}
