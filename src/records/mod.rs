//! Loading a records directory into typed records that carry their file and line.

pub mod closes;
pub mod contracts;
pub mod date;
pub mod fast_hash;
pub mod fields;
pub mod file;
pub mod leave;
pub mod ledger;
pub mod load;
pub mod money;
pub mod plan;
pub mod roster;
pub mod settlements;
pub mod short;
pub mod spreadsheet;
pub mod surveys;
pub mod table;
pub mod text;
pub mod toml_doc;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::findings::{Finding, Msg};
pub use closes::{Close, Reopen};
pub use contracts::Contract;
pub use date::{Date, Month};
pub use leave::Leave;
pub use ledger::{Entry, Kind};
pub use money::Money;
pub use plan::Plan;
pub use roster::Pupil;
pub use settlements::Settlement;
pub use short::Short;
pub use surveys::Survey;

use fast_hash::FastMap;
pub use file::Appended;
use file::{AnyFile, Kept};
use load::{load_csv, read_text};

/// Every CSV file whose rows the records keep, in the order loading reports on them. A file is
/// a module (its columns, its rows, and how they are read and written: [`file::RecordFile`]),
/// the field of [`Records`] that holds its rows, and its line here.
pub const TABLES: &[&dyn AnyFile] = &[
    roster::Roster::LISTED,
    contracts::Contracts::LISTED,
    ledger::Ledger::LISTED,
    surveys::Surveys::LISTED,
    leave::Leaves::LISTED,
    closes::Reopened::LISTED,
];

/// The directories of the files that commands write whole: a close or settlement and the files
/// that go with them are read together, after every other file.
const WRITTEN_WHOLE: [&str; 2] = [closes::DIR, settlements::DIR];

fn written_whole(rel: &str) -> bool {
    WRITTEN_WHOLE.iter().any(|dir| in_dir(rel, dir))
}

/// Whether a path of the records directory names a file in folder `dir` (closes/, say).
pub fn in_dir(rel: &str, dir: &str) -> bool {
    rel.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

/// A file's bytes, with room after them for the lines a write appends: appending to a vector
/// read to its size would copy the whole file (a district's ledger, 55 MB) into a larger one.
fn read_with_room(path: &Path) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let size = usize::try_from(f.metadata()?.len()).unwrap_or(0);
    let room = size.saturating_add(4096);
    if size >= READ_IN_HALVES
        && let Some(mut bytes) = read_in_halves(&f, size, room)
    {
        // Lines added since the size was looked up are read as well.
        io::Seek::seek(&mut f, io::SeekFrom::Start(size as u64))?;
        f.read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    let mut bytes = Vec::with_capacity(room);
    f.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Files at least this large are read a half on each core (see [`read_in_halves`]).
const READ_IN_HALVES: usize = 8 << 20;

/// The first `size` bytes of `f`, in a vector with room for `room`, read a half on each core:
/// most of reading a large file is the kernel handing out the vector's memory a page at a time
/// as it is copied into (a write to a district's ledger read its 55 MB on one core in 30 ms
/// while the other waited). `None` when the file is shorter.
fn read_in_halves(f: &std::fs::File, size: usize, room: usize) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    // Zeroed memory comes fresh from the system, untouched until it is read into.
    let mut bytes = vec![0u8; room];
    bytes.truncate(size);
    let (first, second) = bytes.split_at_mut(size / 2);
    let at = first.len() as u64;
    let (a, b) = rayon::join(|| f.read_exact_at(first, 0), || f.read_exact_at(second, at));
    a.and(b).ok()?;
    Some(bytes)
}

/// Elsewhere, a file is read from its start (a read at an offset moves the file's one position).
#[cfg(not(unix))]
fn read_in_halves(_: &std::fs::File, _: usize, _: usize) -> Option<Vec<u8>> {
    None
}

/// Whether the file, read from its start, begins with `bytes`. Read 1 MB at a time (the file
/// is compared, not kept), a half on each core where a file can be read at an offset: a
/// district's 55 MB ledger took one core 17 ms at the end of every row added.
pub fn starts_with(f: &std::fs::File, bytes: &[u8]) -> bool {
    #[cfg(unix)]
    {
        let (first, second) = bytes.split_at(bytes.len() / 2);
        let (a, b) = rayon::join(|| same_at(f, first, 0), || same_at(f, second, first.len() as u64));
        a && b
    }
    #[cfg(not(unix))]
    {
        let mut f = f;
        let mut block = vec![0u8; (1 << 20).min(bytes.len())];
        bytes.chunks(block.len().max(1)).all(|want| {
            let got = &mut block[..want.len()];
            std::io::Read::read_exact(&mut f, got).is_ok() && got == want
        })
    }
}

/// Whether the file holds `bytes` at offset `at`.
#[cfg(unix)]
fn same_at(f: &std::fs::File, bytes: &[u8], at: u64) -> bool {
    use std::os::unix::fs::FileExt;
    let mut block = vec![0u8; (1 << 20).min(bytes.len())];
    let mut offset = at;
    bytes.chunks(block.len().max(1)).all(|want| {
        let got = &mut block[..want.len()];
        let same = f.read_exact_at(got, offset).is_ok() && got == want;
        offset += want.len() as u64;
        same
    })
}

/// Where the records' bytes come from: the directory, with some files replaced in memory.
/// A write command checks the records as they would be after the write this way.
#[derive(Clone, Debug)]
pub struct Source {
    pub dir: PathBuf,
    /// `None`: the file is deleted.
    overrides: BTreeMap<String, Option<std::sync::Arc<Vec<u8>>>>,
    /// A file of which only the rows of these pupils are read (see [`Source::pupils_only`]).
    pupils_only: Option<(String, Vec<String>)>,
    /// Files whose bytes here are the file on disk, as long as it was when read, with lines
    /// added: that length (see [`Source::appended_to`]).
    appended_to: BTreeMap<String, usize>,
}

impl Source {
    pub fn new(dir: &Path) -> Self {
        Source {
            dir: dir.to_path_buf(),
            overrides: BTreeMap::new(),
            pupils_only: None,
            appended_to: BTreeMap::new(),
        }
    }

    /// Says that the bytes given for `rel` are the file on disk, `len` bytes when it was read,
    /// with lines added: where the added rows start is known without reading the file on disk
    /// again (a 55 MB ledger read and compared took a tenth of `ledger add`). A write holds the
    /// records' lock meanwhile; the store still makes sure the file on disk is that start before
    /// it appends in place.
    pub fn appended_to(mut self, rel: &str, len: usize) -> Self {
        self.appended_to.insert(rel.to_owned(), len);
        self
    }

    /// The length on disk that the bytes given for `rel` add lines to, when known.
    pub fn length_appended_to(&self, rel: &str) -> Option<usize> {
        self.appended_to.get(rel).copied()
    }

    /// The records with only the rows of file `rel` that name one of the pupils `ids` (in the
    /// file's [`RecordFile::PUPIL`](file::RecordFile::PUPIL) column), when the file's lines can
    /// be picked out without reading the rest (see `load::pupils_rows`); otherwise it is read
    /// whole. What a write about some pupils checks the rules that go by pupil on.
    pub fn pupils_only(mut self, rel: &str, ids: Vec<String>) -> Self {
        self.pupils_only = Some((rel.to_owned(), ids));
        self
    }

    /// The pupils whose rows alone are read of file `rel`, if so.
    pub fn pupils_in(&self, rel: &str) -> Option<&[String]> {
        self.pupils_only.as_ref().filter(|(f, _)| f == rel).map(|(_, ids)| ids.as_slice())
    }

    pub fn with(self, rel: &str, bytes: Vec<u8>) -> Self {
        self.with_shared(rel, std::sync::Arc::new(bytes))
    }

    /// [`Source::with`] bytes held elsewhere too (a write's change).
    pub fn with_shared(mut self, rel: &str, bytes: std::sync::Arc<Vec<u8>>) -> Self {
        self.appended_to.remove(rel);
        self.overrides.insert(rel.to_owned(), Some(bytes));
        self
    }

    pub fn without(mut self, rel: &str) -> Self {
        self.appended_to.remove(rel);
        self.overrides.insert(rel.to_owned(), None);
        self
    }

    pub fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>> {
        Ok(self.read_borrowed(rel)?.map(std::borrow::Cow::into_owned))
    }

    /// [`Source::read`], without a copy of a file held in memory (a ledger is tens of megabytes).
    pub fn read_borrowed(&self, rel: &str) -> io::Result<Option<std::borrow::Cow<'_, [u8]>>> {
        if let Some(b) = self.overrides.get(rel) {
            return Ok(b.as_deref().map(|b| std::borrow::Cow::Borrowed(b.as_slice())));
        }
        match read_with_room(&self.dir.join(rel)) {
            Ok(b) => Ok(Some(std::borrow::Cow::Owned(b))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The file on disk, opened, when the source holds no bytes of its own in its place (to read
    /// a large file a block at a time instead of whole).
    pub fn disk_file(&self, rel: &str) -> Option<std::fs::File> {
        if self.overrides.contains_key(rel) {
            return None;
        }
        std::fs::File::open(self.dir.join(rel)).ok()
    }

    /// Files `sub/*.ext`, as relative paths, sorted.
    pub fn list(&self, sub: &str, ext: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.join(sub))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(ext) && !n.starts_with('.'))
            .map(|n| format!("{sub}/{n}"))
            .collect();
        for (k, v) in &self.overrides {
            if k.starts_with(&format!("{sub}/")) && k.ends_with(ext) {
                names.retain(|n| n != k);
                if v.is_some() {
                    names.push(k.clone());
                }
            }
        }
        names.sort();
        names
    }
}

#[derive(Clone, Debug, Default)]
pub struct Records {
    pub plan: Option<Plan>,
    pub pupils: Vec<Pupil>,
    pub contracts: Vec<Contract>,
    pub entries: Vec<Entry>,
    pub surveys: Vec<Survey>,
    /// leave.csv: empty when the file is missing.
    pub leave: Vec<Leave>,
    pub closes: Vec<Close>,
    pub reopened: Vec<Reopen>,
    pub settlements: Vec<Settlement>,
    /// Every ledger row could be read: totals and digests over the ledger can be trusted.
    pub ledger_complete: bool,
    /// Every survey row could be read: whether a contract has ratings can be trusted.
    pub surveys_complete: bool,
    /// Roster and contract rows that could not be read: a reference to one of them follows
    /// from the `format/parse` finding and is not reported again.
    pub unread_pupils: Unread,
    pub unread_contracts: Unread,
    /// Close and settlement files that could not be read, by the month or term their name
    /// gives (`None`: a close whose name gives no month). They are not missing.
    pub unread_closes: Vec<Option<Month>>,
    pub unread_settlements: Vec<String>,
    /// What loading found: unreadable files and rows, missing and unknown columns.
    pub problems: Vec<Finding>,
    /// Lookups by id for [`Records::pupil`] and [`Records::contract`], built on first use.
    pub index: Index,
    /// Where the findings on closes and settlements begin in `problems`, when these records
    /// were read by [`Records::load_from`].
    pub(crate) tail_from: Option<usize>,
}

/// Where rows were appended to the records, to take them off again.
pub struct Unappend {
    file: &'static dyn AnyFile,
    at: usize,
}

impl Unappend {
    /// The file the rows were appended to.
    pub fn file(&self) -> &'static str {
        self.file.file()
    }

    /// The place of the first appended row among the file's rows.
    pub fn at(&self) -> usize {
        self.at
    }

    /// The pupils the appended rows name, in `r` (the records with them); `None` when the file's
    /// rows are not about pupils or a row names none.
    pub fn pupils(&self, r: &Records) -> Option<Vec<String>> {
        self.file.pupils_from(r, self.at)
    }
}

/// Positions of pupils and contracts by id (the first of each id), built on first use. It
/// remembers how many there were: after rows are added it is not used.
#[derive(Clone, Debug, Default)]
pub struct Index {
    pupils: OnceLock<(usize, FastMap<Short, usize>)>,
    contracts: OnceLock<(usize, FastMap<Short, usize>)>,
}

/// Each id's first place. Keyed by `Short`: an id of a few bytes is held in the key, where a
/// `String` a pupil made a district's index (50,000 allocations) a tenth of its disclosure.
fn positions<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> FastMap<Short, usize> {
    let mut map = FastMap::with_capacity_and_hasher(ids.len(), Default::default());
    for (i, id) in ids.enumerate() {
        map.entry(Short::new(id)).or_insert(i);
    }
    map
}

/// The first item with the id, by the index when it still fits the items.
fn by_id<'a, T>(items: &'a [T], index: &OnceLock<(usize, FastMap<Short, usize>)>, id: &str, id_of: fn(&T) -> &str) -> Option<&'a T> {
    let (len, map) = index.get_or_init(|| (items.len(), positions(items.iter().map(id_of))));
    if *len == items.len() {
        map.get(id).and_then(|&i| items.get(i)).filter(|x| id_of(x) == id)
    } else {
        items.iter().find(|x| id_of(x) == id)
    }
}

/// The ids of a file's rows that could not be read, or the whole file.
#[derive(Clone, Debug, Default)]
pub struct Unread {
    /// The file, or part of it, could not be read: any id may be in it.
    pub all: bool,
    pub ids: std::collections::HashSet<String>,
}

impl Unread {
    pub fn covers(&self, id: &str) -> bool {
        self.all || self.ids.contains(id)
    }

    pub fn any(&self) -> bool {
        self.all || !self.ids.is_empty()
    }

    fn whole_file() -> Unread {
        Unread {
            all: true,
            ids: Default::default(),
        }
    }
}

/// Whether loading the records reads this file (a path relative to the records directory).
pub fn is_record_file(rel: &str) -> bool {
    rel == plan::FILE || TABLES.iter().any(|t| t.file() == rel) || written_whole(rel)
}

/// The record files as a regular expression over paths in a repository (what
/// .pre-commit-hooks.yaml runs `care check` for): plan.toml, the CSV files, and the directories
/// of closes and settlements.
pub fn record_files_pattern() -> String {
    let files = std::iter::once(plan::FILE)
        .chain(TABLES.iter().map(|t| t.file()).filter(|f| !written_whole(f)))
        .map(|f| f.replace('.', "\\."))
        .chain(WRITTEN_WHOLE.iter().map(|d| format!("{d}/.*")));
    format!("^(.*/)?({})$", files.collect::<Vec<_>>().join("|"))
}

/// The records directory is missing or is not one: bad usage, exit 2.
#[derive(Debug)]
pub struct NotRecords(pub Msg);

pub fn check_dir(dir: &Path) -> Result<(), NotRecords> {
    if !dir.is_dir() {
        return Err(NotRecords(Msg::new(
            format!("记录目录 {} 不存在", dir.display()),
            format!("the records directory {} does not exist", dir.display()),
        )));
    }
    if !dir.join(plan::FILE).exists() {
        return Err(NotRecords(Msg::new(
            format!(
                "{} 不是记录目录（没有 plan.toml）；用 care init 新建一个，或用 -C 指定目录",
                dir.display()
            ),
            format!(
                "{} is not a records directory (no plan.toml); create one with care init, or name it with -C",
                dir.display()
            ),
        )));
    }
    Ok(())
}

/// Reads a file of [`TABLES`] into the records.
fn load_table(t: &dyn AnyFile, src: &Source, r: &mut Records) {
    let (keep, mut found) = t.load(src);
    r.problems.append(&mut found);
    keep(r);
}

/// Reads closes/ and settlements/ into the records, after the files before them.
fn load_closes_and_settlements(src: &Source, r: &mut Records) {
    for file in src.list(closes::DIR, ".toml") {
        let out = &mut r.problems;
        match read_text(src, &file, out).and_then(|(text, _)| closes::load(&file, &text, out)) {
            Some(c) => r.closes.push(c),
            None => r.unread_closes.push(closes::month_of(&file)),
        }
    }
    r.closes.sort_by_key(|c| c.month);
    load_table(closes::Reopened::LISTED, src, r);
    let out = &mut r.problems;
    for file in src.list(settlements::DIR, ".toml") {
        let Some(mut s) = read_text(src, &file, out).and_then(|(text, _)| settlements::load(&file, &text, out)) else {
            let name = file.strip_prefix("settlements/").unwrap_or(&file);
            r.unread_settlements.push(name.strip_suffix(".toml").unwrap_or(name).to_owned());
            continue;
        };
        if let Some(l) = load_csv::<settlements::Families>(src, &s.csv_file, out) {
            s.rows_complete = l.complete();
            s.rows = l.items;
        }
        r.settlements.push(s);
    }
}

impl Records {
    pub fn load(dir: &Path) -> Records {
        Records::load_from(&Source::new(dir))
    }

    pub fn load_from(src: &Source) -> Records {
        // The CSV files on both cores (the ledger, by far the largest, in pieces), while the plan,
        // the closes and the settlements are read; the findings in the order of the files.
        let tables: Vec<&dyn AnyFile> = TABLES.iter().copied().filter(|t| !written_whole(t.file())).collect();
        let ((mut r, plan_end), loaded) = rayon::join(
            || {
                let mut r = Records::default();
                if let Some((text, _)) = read_text(src, plan::FILE, &mut r.problems) {
                    r.plan = plan::load(&text, &mut r.problems);
                }
                let plan_end = r.problems.len();
                load_closes_and_settlements(src, &mut r);
                (r, plan_end)
            },
            || tables.par_iter().with_max_len(1).map(|t| t.load(src)).collect::<Vec<_>>(),
        );
        let mut found = Vec::new();
        for (keep, mut f) in loaded {
            keep(&mut r);
            found.append(&mut f);
        }
        r.tail_from = Some(plan_end + found.len());
        r.problems.splice(plan_end..plan_end, found);
        r
    }

    /// Reads the ledger again from `src` in place of what was read of it (all its rows, or some
    /// pupils' only: [`Source::pupils_only`]), keeping what was read of the other files.
    pub fn read_ledger_again(&mut self, src: &Source) {
        let Some(tail) = self.tail_from else {
            *self = Records::load_from(src);
            return;
        };
        let mut found = Vec::new();
        let loaded = load_csv::<ledger::Ledger>(src, ledger::FILE, &mut found);
        self.entries = Vec::new();
        self.ledger_complete = false;
        ledger::Ledger::keep(self, loaded);
        self.index = Index::default();
        // Its findings in the order loading gives them: after those on the files read before it.
        let mut head: Vec<Finding> = self.problems.drain(..tail).collect();
        let from_ledger_on: Vec<&str> = TABLES.iter().map(|t| t.file()).skip_while(|f| *f != ledger::FILE).collect();
        let at = head
            .iter()
            .position(|f| from_ledger_on.contains(&f.file.as_str()))
            .unwrap_or(head.len());
        head.retain(|f| f.file != ledger::FILE);
        head.splice(at..at, found);
        self.tail_from = Some(head.len());
        head.append(&mut self.problems);
        self.problems = head;
    }

    /// The records after a change, read from `src`, taking from `self` (the records before
    /// it, read from the same directory) what the change leaves as it was: when only closes and
    /// settlements change, the roster, contracts, ledger and surveys are not read again.
    pub fn reload(&self, src: &Source, changed: &[&str]) -> Records {
        if let Some(rows) = self.appended_rows(src, changed) {
            let mut r = self.clone();
            r.append(rows);
            return r;
        }
        self.reload_read(src, changed)
    }

    /// [`Records::reload`] for a change that [`Records::appended_rows`] has already found not
    /// to be rows appended (it reads the changed file again to tell).
    pub fn reload_read(&self, src: &Source, changed: &[&str]) -> Records {
        let Some(tail_from) = self.tail_kept(changed) else {
            return Records::load_from(src);
        };
        let mut r = Records {
            plan: self.plan.clone(),
            pupils: self.pupils.clone(),
            contracts: self.contracts.clone(),
            entries: self.entries.clone(),
            surveys: self.surveys.clone(),
            leave: self.leave.clone(),
            ledger_complete: self.ledger_complete,
            surveys_complete: self.surveys_complete,
            unread_pupils: self.unread_pupils.clone(),
            unread_contracts: self.unread_contracts.clone(),
            problems: self.problems[..tail_from].to_vec(),
            tail_from: self.tail_from,
            ..Records::default()
        };
        load_closes_and_settlements(src, &mut r);
        r
    }

    /// [`Records::reload`], turning these records into those after the change instead of
    /// copying what they keep.
    pub fn into_reloaded(mut self, src: &Source, changed: &[&str]) -> Records {
        if let Some(rows) = self.appended_rows(src, changed) {
            self.append(rows);
            return self;
        }
        let Some(tail_from) = self.tail_kept(changed) else {
            return Records::load_from(src);
        };
        self.index = Index::default();
        self.problems.truncate(tail_from);
        self.closes.clear();
        self.reopened.clear();
        self.settlements.clear();
        self.unread_closes.clear();
        self.unread_settlements.clear();
        load_closes_and_settlements(src, &mut self);
        self
    }

    /// Where the findings on closes and settlements begin, when a change touches only those.
    fn tail_kept(&self, changed: &[&str]) -> Option<usize> {
        let only_tail = changed.iter().filter(|rel| is_record_file(rel)).all(|rel| written_whole(rel));
        self.tail_from.filter(|t| only_tail && *t <= self.problems.len())
    }

    /// The rows a change appends to one CSV file, when that is all it changes of the records,
    /// and the file was read without a finding and the new rows have none either: the records
    /// after the change are these with the rows added ([`Records::append`]). `None` in any
    /// other case. (Every row of a file that loading found nothing wrong with was read.)
    pub fn appended_rows(&self, src: &Source, changed: &[&str]) -> Option<Appended> {
        let mut records = changed.iter().filter(|rel| is_record_file(rel));
        let (Some(&file), None) = (records.next(), records.next()) else {
            return None;
        };
        if self.tail_from.is_none() || written_whole(file) || self.problems.iter().any(|f| f.file == file) {
            return None;
        }
        TABLES.iter().find(|t| t.file() == file)?.appended(src)
    }

    /// Adds rows that [`Records::appended_rows`] gave; [`Records::unappend`] takes them off again.
    pub fn append(&mut self, rows: Appended) -> Unappend {
        self.index = Index::default();
        let undo = Unappend {
            file: rows.file,
            at: rows.file.len(self),
        };
        (rows.keep)(self);
        undo
    }

    /// Takes off the rows an [`Records::append`] added, leaving the records as they were before
    /// it: the rows, to be appended again.
    pub fn unappend(&mut self, undo: Unappend) -> Appended {
        self.index = Index::default();
        undo.file.split_off(self, undo.at)
    }

    /// The first roster row of the pupil id.
    pub fn pupil(&self, id: &str) -> Option<&Pupil> {
        by_id(&self.pupils, &self.index.pupils, id, |p| p.id.as_str())
    }

    /// The term a roster row is an application for ([`Plan::term_of_pupil`]).
    pub fn term_of_pupil(&self, p: &Pupil) -> Option<&plan::Term> {
        self.plan.as_ref()?.term_of_pupil(p)
    }

    /// The pupil's roster row for a term, else its latest application (the row whose term is
    /// latest; a row without a term counts as earliest).
    pub fn application(&self, id: &str, term: Option<&str>) -> Option<&Pupil> {
        let rows = self.pupils.iter().filter(|p| p.id == id);
        match term {
            Some(t) => rows.filter(|p| self.term_of_pupil(p).is_some_and(|pt| pt.id == t)).last(),
            None => rows.max_by_key(|p| self.term_of_pupil(p).map(|t| t.starts)),
        }
    }

    pub fn contract(&self, id: &str) -> Option<&Contract> {
        by_id(&self.contracts, &self.index.contracts, id, |c| c.id.as_str())
    }

    /// Every row of leave.csv could be read (or there is no such file): what a family owes can
    /// be worked out.
    pub fn leave_complete(&self) -> bool {
        !self.problems.iter().any(|f| f.file == leave::FILE && f.is_error())
    }

    pub fn settlement(&self, term: &str) -> Option<&Settlement> {
        self.settlements.iter().find(|s| s.term.v == term)
    }

    pub fn close(&self, m: Month) -> Option<&Close> {
        self.closes.iter().find(|c| c.month == m)
    }

    /// A close file that may be the month's exists but could not be read.
    pub fn close_unread(&self, m: Month) -> bool {
        self.unread_closes.iter().any(|u| u.is_none_or(|u| u == m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use table::Columns;

    const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/clean");

    fn dir() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for f in ["plan.toml", "roster.csv", "contracts.csv", "ledger.csv", "surveys.csv"] {
            std::fs::copy(Path::new(FIXTURE).join(f), d.path().join(f)).unwrap();
        }
        d
    }

    fn same(a: &Records, b: &Records) {
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    #[test]
    fn rows_added_to_a_file_that_is_not_plain_are_found_as_by_reading_it() {
        // Line ends CRLF, a quoted memo, a byte-order mark: the file is looked over whole, not
        // in halves.
        let plain = std::fs::read_to_string(Path::new(FIXTURE).join(ledger::FILE)).unwrap();
        for (ledger, tail) in [
            (plain.replace('\n', "\r\n"), "2026-09-16,expense,10.00,,,materials,,,,\r\n"),
            (
                format!("{plain}2026-09-15,expense,1.00,,,materials,,,,\"a, b\"\n"),
                "2026-09-16,expense,10.00,,,materials,,,,\n",
            ),
            (format!("\u{feff}{plain}"), "2026-09-16,expense,10.00,,,materials,,,,\n"),
        ] {
            let d = dir();
            std::fs::write(d.path().join(ledger::FILE), &ledger).unwrap();
            let before = Records::load(d.path());
            let src = Source::new(d.path()).with(ledger::FILE, format!("{ledger}{tail}").into_bytes());
            let told = src.clone().appended_to(ledger::FILE, ledger.len());
            for s in [&src, &told] {
                let mut r = before.clone();
                let rows = r.appended_rows(s, &[ledger::FILE]).expect("a clean row is appended");
                assert_eq!(rows.file(), ledger::FILE);
                r.append(rows);
                same(&r, &Records::load_from(&src));
            }
        }
    }

    #[test]
    fn a_file_starts_with_the_bytes_it_holds_first() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("ledger.csv");
        let bytes: Vec<u8> = (0..3_000_001u32).map(|i| (i % 253) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let f = std::fs::File::open(&path).unwrap();
        for len in [0, 1, 1 << 20, (1 << 20) + 1, bytes.len() - 1, bytes.len()] {
            assert!(starts_with(&f, &bytes[..len]), "{len} bytes");
        }
        let mut other = bytes.clone();
        for at in [0, 1_000_000, 2_999_999] {
            other[at] ^= 1;
            assert!(!starts_with(&f, &other), "changed at {at}");
            other[at] ^= 1;
        }
        other.push(0);
        assert!(!starts_with(&f, &other), "longer than the file");
    }

    #[test]
    fn a_large_file_reads_as_it_is() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("big.csv");
        let bytes: Vec<u8> = (0..READ_IN_HALVES + 12_345).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let read = read_with_room(&path).unwrap();
        assert!(read == bytes, "the bytes as written");
        assert!(read.capacity() >= bytes.len() + 4096, "room for a line added");
        std::fs::write(&path, &bytes[..READ_IN_HALVES - 1]).unwrap();
        assert!(read_with_room(&path).unwrap() == bytes[..READ_IN_HALVES - 1]);
    }

    #[test]
    fn reloading_after_a_change_reads_what_loading_reads() {
        let d = dir();
        let before = Records::load(d.path());
        let ledger = std::fs::read(d.path().join(ledger::FILE)).unwrap();
        let with = |tail: &str| {
            let mut b = ledger.clone();
            b.extend_from_slice(tail.as_bytes());
            Source::new(d.path()).with(ledger::FILE, b)
        };
        // A clean row appended, a row with errors, a row in a new month.
        for tail in [
            "2026-09-16,expense,10.00,,,materials,,,,\n",
            "2026-09-16,expense,abc,,,materials,,,,\n2026-09-17,fee,1,P0009,,,2026-09,周强,,\n",
            "2026-10-16,pay,10.00,,C001,,,,,\n",
        ] {
            let src = with(tail);
            same(&before.reload(&src, &[ledger::FILE]), &Records::load_from(&src));
            // Told where the file on disk ends, the rows added are found as by reading it.
            let told = src.clone().appended_to(ledger::FILE, ledger.len());
            same(&before.reload(&told, &[ledger::FILE]), &Records::load_from(&src));
            let appended = |s: &Source| {
                let mut r = before.clone();
                let rows = r.appended_rows(s, &[ledger::FILE]);
                let found = rows.is_some();
                if let Some(rows) = rows {
                    r.append(rows);
                }
                (found, r)
            };
            let ((told_found, told_rows), (found, rows)) = (appended(&told), appended(&src));
            assert_eq!(told_found, found, "{tail}");
            same(&told_rows, &rows);
        }
        for (file, tail) in [
            (roster::FILE, "P0005,李四,1,1,李华,,2026-09-10,李华,,,,,\n"),
            (roster::FILE, "P0005,李四,9,1,李华,,2026-09-10,李华,,,,,\n"),
            (
                contracts::FILE,
                "C004,钱老师,school,体育,2026-08-25,2026-09-01,2027-01-22,2026-08-24,,50.00,hour,\n",
            ),
            (surveys::FILE, "C001,2026-09-21,pupil,4,\n"),
            (surveys::FILE, "C001,2026-09-21,pupil,4,,x\n"),
        ] {
            let mut b = std::fs::read(d.path().join(file)).unwrap();
            b.extend_from_slice(tail.as_bytes());
            let src = Source::new(d.path()).with(file, b);
            same(&before.reload(&src, &[file]), &Records::load_from(&src));
        }
        // leave.csv made by the change: its rows are all new, as are those of a file loading
        // has no finding on.
        for text in [
            "pupil_id,from,to,reason\nP0001,2026-09-21,2026-09-22,病假\n",
            "\u{feff}pupil_id,from,to,reason\nP0001,2026-09-21,2026-09-22,病假\n",
            "pupil_id,from,to,reason\nP0001,2026-09-21,2026-09-2x,病假\n",
            "pupil_id,from,to\nP0001,2026-09-21,2026-09-22\n",
        ] {
            let src = Source::new(d.path()).with(leave::FILE, text.as_bytes().to_vec());
            same(&before.reload(&src, &[leave::FILE]), &Records::load_from(&src));
            let clean = !text.contains("2x");
            assert_eq!(before.appended_rows(&src, &[leave::FILE]).is_some(), clean, "{text}");
        }
        // The ledger read again, whole or for some pupils, in records read without its rows.
        for tail in [
            "",
            "2026-09-16,expense,abc,,,materials,,,,\n",
            "2026-09-17,fee,1,P0009,,,2026-09,周强,,\n",
        ] {
            // Findings on files read before the ledger and after it.
            let src = with(tail)
                .with(roster::FILE, b"pupil_id,name\nP0001\n".to_vec())
                .with(surveys::FILE, b"contract_id\nC001\n".to_vec());
            for src in [
                src.clone(),
                src.pupils_only(ledger::FILE, vec!["P0001".to_owned(), "P0009".to_owned()]),
            ] {
                let mut r = Records::load_from(&src.clone().pupils_only(ledger::FILE, Vec::new()));
                r.read_ledger_again(&src);
                same(&r, &Records::load_from(&src));
            }
        }
        // Rows appended and taken off again leave the records as they were.
        let src = with("2026-09-16,expense,10.00,,,materials,,,,\n");
        let mut r = before.clone();
        let rows = r.appended_rows(&src, &[ledger::FILE]).expect("a clean row is appended");
        let undo = r.append(rows);
        assert_eq!(r.entries.len(), before.entries.len() + 1);
        r.unappend(undo);
        same(&r, &before);
        // A close written, a settlement with an unreadable family file.
        let src = Source::new(d.path())
            .with("closes/2026-09.toml", b"month = \"2026-09\"\nclosed_on = 2026-10-02\n".to_vec())
            .with("settlements/2026-autumn.toml", b"term = 1\n".to_vec());
        let changed = ["closes/2026-09.toml", "settlements/2026-autumn.toml"];
        same(&before.reload(&src, &changed), &Records::load_from(&src));
        same(&before.clone().into_reloaded(&src, &changed), &Records::load_from(&src));
    }

    #[test]
    fn the_pre_commit_hooks_run_on_the_record_files() {
        let hooks = include_str!("../../.pre-commit-hooks.yaml");
        let files: Vec<&str> = hooks.lines().filter_map(|l| l.trim().strip_prefix("files: ")).collect();
        assert_eq!(files.len(), 2);
        for f in files {
            assert_eq!(
                f,
                record_files_pattern(),
                ".pre-commit-hooks.yaml must name the files that care reads"
            );
        }
        assert!(is_record_file("ledger.csv") && is_record_file("closes/reopened.csv") && is_record_file("settlements/x.csv"));
        assert!(!is_record_file("reports/disclosure-2026-09.md") && !is_record_file("closesx/a"));
    }

    #[test]
    fn a_pupil_is_found_by_id_at_its_first_row() {
        let long = "G2026010100012345678";
        let row = |id: &str, name: &str| format!("{id},{name},1,1,王建军,,2026-09-10,王建军,,,,,,,,\n");
        let roster = format!(
            "pupil_id,name,grade,class,guardian,phone,applied_on,signed_by,reviewed_on,agreed_on,starts,ends,note,term,waiver,waiver_reason\n{}{}{}{}",
            row("P1", "甲"),
            row(long, "乙"),
            row("P1", "丙"),
            row("P2", "丁")
        );
        let mut r = Records::load_from(&Source::new(Path::new("/nonexistent")).with(roster::FILE, roster.into_bytes()));
        let name = |r: &Records, id: &str| r.pupil(id).map(|p| p.name.clone());
        assert_eq!(name(&r, "P1").as_deref(), Some("甲"));
        assert_eq!(name(&r, long).as_deref(), Some("乙"));
        assert_eq!(name(&r, "P2").as_deref(), Some("丁"));
        assert_eq!(name(&r, "P3"), None);
        assert_eq!(name(&r, &long[..10]), None);
        // Rows taken off after the index was made: found without it.
        r.pupils.remove(0);
        assert_eq!(name(&r, "P1").as_deref(), Some("丙"));
    }

    #[test]
    fn a_large_ledger_read_in_pieces_reads_as_one() {
        let mut rows = String::new();
        let mut i = 0;
        while rows.len() < 5 << 20 {
            i += 1;
            let row = match i % 5 {
                0 => format!("2026-09-{:02},fee,{}.00,P0001,,,2026-09,周强,R{i},\n", 1 + i % 28, i % 300),
                1 => "\n".to_owned(),
                2 => format!("2026-09-31,expense,1,,,materials,,,,{i}\n"),
                3 => "x,y,z,1,2,3,4,5,6,7,8\n".to_owned(),
                _ => format!("2026-10-01,pay,{i},,C001,,,,,备注\n"),
            };
            rows.push_str(&row);
        }
        let header = "date,kind,amount,pupil_id,contract_id,category,period,collected_by,receipt,memo\n";
        // Read in two halves on two cores (plain UTF-8, with or without a BOM or lines before
        // the header), and in one text (a quoted value, CRLF line ends).
        for (before, after, crlf) in [
            ("", "", false),
            ("\u{feff}", "", false),
            ("\n\n", "", false),
            ("", "2026-10-02,expense,1,,,\"a,b\",,,,\n", false),
            ("", "", true),
        ] {
            let text = format!("{before}{header}{rows}{after}");
            let file = if crlf { text.replace('\n', "\r\n") } else { text.clone() };
            let src = Source::new(Path::new("/nonexistent-care-pieces")).with(ledger::FILE, file.into_bytes());
            let r = Records::load_from(&src);
            let plain = text.trim_start_matches('\u{feff}');
            let (t, mut expected) = table::parse(ledger::FILE, plain, Default::default(), ledger::Ledger::COLUMNS);
            let t = t.unwrap();
            let entries = load::rows::<ledger::Ledger>(&t, &mut expected);
            assert!(entries.len() > 1000);
            assert_eq!(r.entries, entries, "{before:?} {after:?} {crlf}");
            let got: Vec<&Finding> = r.problems.iter().filter(|f| f.file == ledger::FILE).collect();
            assert_eq!(got, expected.iter().collect::<Vec<_>>(), "{before:?} {after:?} {crlf}");
        }
    }
}
