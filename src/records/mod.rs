//! Loading a records directory into typed records that carry their file and line.

pub mod closes;
pub mod contracts;
pub mod date;
pub mod fast_hash;
pub mod fields;
pub mod ledger;
pub mod money;
pub mod plan;
pub mod roster;
pub mod settlements;
pub mod short;
pub mod surveys;
pub mod table;
pub mod text;
pub mod toml_doc;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::findings::{Finding, Msg};
pub use closes::{Close, Reopen};
pub use contracts::Contract;
pub use date::{Date, Month};
pub use ledger::{Entry, Kind};
pub use money::Money;
pub use plan::Plan;
pub use roster::Pupil;
pub use settlements::Settlement;
pub use short::Short;
pub use surveys::Survey;
use table::{Column, Table, parse_error};

/// Where the records' bytes come from: the directory, with some files replaced in memory.
/// A write command checks the records as they would be after the write this way.
#[derive(Clone, Debug)]
pub struct Source {
    pub dir: PathBuf,
    /// `None`: the file is deleted.
    overrides: BTreeMap<String, Option<Vec<u8>>>,
}

impl Source {
    pub fn new(dir: &Path) -> Self {
        Source {
            dir: dir.to_path_buf(),
            overrides: BTreeMap::new(),
        }
    }

    pub fn with(mut self, rel: &str, bytes: Vec<u8>) -> Self {
        self.overrides.insert(rel.to_owned(), Some(bytes));
        self
    }

    pub fn without(mut self, rel: &str) -> Self {
        self.overrides.insert(rel.to_owned(), None);
        self
    }

    pub fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>> {
        if let Some(b) = self.overrides.get(rel) {
            return Ok(b.clone());
        }
        match std::fs::read(self.dir.join(rel)) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
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

/// Positions of pupils and contracts by id (the first of each id), built on first use. It
/// remembers how many there were: after rows are added it is not used.
#[derive(Clone, Debug, Default)]
pub struct Index {
    pupils: OnceLock<(usize, HashMap<String, usize>)>,
    contracts: OnceLock<(usize, HashMap<String, usize>)>,
}

fn positions<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        map.entry(id.to_owned()).or_insert(i);
    }
    map
}

/// The first item with the id, by the index when it still fits the items.
fn by_id<'a, T>(items: &'a [T], index: &OnceLock<(usize, HashMap<String, usize>)>, id: &str, id_of: fn(&T) -> &str) -> Option<&'a T> {
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
    [plan::FILE, roster::FILE, contracts::FILE, ledger::FILE, surveys::FILE].contains(&rel)
        || rel.starts_with(&format!("{}/", closes::DIR))
        || rel.starts_with(&format!("{}/", settlements::DIR))
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

fn unreadable(file: &str, e: &io::Error) -> Finding {
    parse_error(
        file,
        1,
        Msg::new(format!("无法读取文件：{e}"), format!("cannot read the file: {e}")),
    )
}

/// Reads and decodes a text file. `Ok(None)` when it does not exist.
fn read_text(src: &Source, file: &str, out: &mut Vec<Finding>) -> Option<(String, text::Layout)> {
    let bytes = match src.read(file) {
        Ok(Some(b)) => b,
        Ok(None) => return None,
        Err(e) => {
            out.push(unreadable(file, &e));
            return None;
        }
    };
    decoded(file, bytes, out)
}

fn decoded(file: &str, bytes: Vec<u8>, out: &mut Vec<Finding>) -> Option<(String, text::Layout)> {
    match text::decode_owned(bytes) {
        Ok(d) => Some((d.text, d.layout)),
        Err((m, bytes)) => {
            let at = std::str::from_utf8(&bytes).err().map_or(0, |e| e.valid_up_to());
            let line = text::count_lines(&bytes[..at]) + 1;
            out.push(parse_error(file, line, m));
            None
        }
    }
}

/// Reads and decodes a CSV file. A missing file that must exist is a finding.
fn csv_text(src: &Source, file: &str, columns: &[Column], must_exist: bool, out: &mut Vec<Finding>) -> Option<(String, text::Layout)> {
    let bytes = csv_bytes(src, file, columns, must_exist, out)?;
    decoded(file, bytes, out)
}

/// Reads a CSV file. A missing file that must exist is a finding.
fn csv_bytes(src: &Source, file: &str, columns: &[Column], must_exist: bool, out: &mut Vec<Finding>) -> Option<Vec<u8>> {
    match src.read(file) {
        Ok(Some(b)) => Some(b),
        Ok(None) | Err(_) => {
            if must_exist {
                let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
                out.push(parse_error(
                    file,
                    1,
                    Msg::new(
                        format!("缺少文件 {file}；请新建它，第一行为表头：{}", names.join(",")),
                        format!("{file} is missing; create it with the header line: {}", names.join(",")),
                    ),
                ));
            }
            None
        }
    }
}

/// Reads a CSV file into a table. A missing file that must exist is a finding.
pub fn read_table(src: &Source, file: &str, columns: &[Column], must_exist: bool, out: &mut Vec<Finding>) -> Option<Table> {
    let (text, layout) = csv_text(src, file, columns, must_exist, out)?;
    let (t, mut f) = table::parse(file, &text, layout, columns);
    out.append(&mut f);
    t
}

/// What streaming a CSV file through a loader gave.
struct Loaded<T> {
    items: Vec<T>,
    /// Reading the file (not its rows' values) found an error: rows may have been lost.
    broken: bool,
    /// The `id_column` values of the rows the loader could not read.
    unread: std::collections::HashSet<String>,
    /// The loader's findings found nothing wrong with any row.
    clean: bool,
}

type RowReader<T> = fn(fields::Fields<'_>, &mut Vec<Finding>) -> Option<T>;

/// Reads a CSV file row by row through `read`, without keeping the rows' text. `None` when the
/// file is missing, unreadable, or lacks a required column (the findings say which).
fn load_csv<T: Send>(
    src: &Source,
    file: &str,
    columns: &[Column],
    must_exist: bool,
    id_column: Option<&str>,
    read: RowReader<T>,
    out: &mut Vec<Finding>,
) -> Option<Loaded<T>> {
    // The text in one part, or a large plain UTF-8 file in two (see `plain_utf8_halves`) when
    // its header is in the first.
    let mut bytes = csv_bytes(src, file, columns, must_exist, out)?;
    let halves = if bytes.len() >= 4 << 20 {
        text::plain_utf8_halves(&bytes)
    } else {
        None
    };
    let fast = halves.and_then(|(first, second, bom)| {
        let layout = text::Layout { bom, ..Default::default() };
        let head = table::head(file, first, layout, columns);
        head.header.is_some().then_some((first, second, head))
    });
    let whole: String;
    let normal: std::borrow::Cow<'_, str>;
    let (parts, head) = match fast {
        Some((first, second, head)) => ([first, second], head),
        None => {
            let (text, layout) = decoded(file, std::mem::take(&mut bytes), out)?;
            whole = text;
            normal = table::normalized(&whole);
            let head = table::head(file, &normal, layout, columns);
            ([&*normal, ""], head)
        }
    };
    let mut g = Gathered {
        items: Vec::new(),
        unread: std::collections::HashSet::new(),
        rows_out: Vec::new(),
        found: Vec::new(),
        stopped: false,
    };
    if let Some((t, _, missing)) = &head.header {
        let body = &parts[0][head.rows_start..];
        let body_lines = text::count_lines(body.as_bytes());
        // One row a line at most: the vector never grows (growing it holds the old and the new
        // copy at once, for a large ledger the largest allocation of all).
        g.items.reserve(body_lines + text::count_lines(parts[1].as_bytes()) + 1);
        let mut pieces = pieces(body, head.line_offset);
        if !parts[1].is_empty() {
            pieces.extend(self::pieces(parts[1], head.line_offset + body_lines));
        }
        // Rows are pushed onto `buf`: the rows gathered so far, or a buffer of the other core's
        // that is emptied into them and used again (fresh memory for every piece costs the
        // kernel more than reading the rows).
        let read_piece = |(part, offset): (&str, usize), buf: Vec<T>| {
            let mut piece = Piece {
                items: buf,
                unread: Vec::new(),
                rows_out: Vec::new(),
                found: Vec::new(),
                stopped: false,
            };
            let (found, stopped) = table::rows(file, t, *missing, part, offset, |t, cells| {
                let f = fields::Fields::of_cells(t, cells);
                let id = id_column.map(|c| f.text(c));
                match read(f, &mut piece.rows_out) {
                    Some(v) => piece.items.push(v),
                    None => piece.unread.extend(id.map(str::to_owned)),
                }
            });
            piece.found = found;
            piece.stopped = stopped;
            piece
        };
        if pieces.len() == 1 {
            for p in pieces {
                g.read_into(read_piece, p);
            }
        } else {
            // Two cores: this thread reads the even pieces, another the odd ones, and this one
            // puts them together in order, holding at most one piece ahead, and hands the other
            // its emptied buffers back. An even piece comes after every piece before it is in:
            // its rows go straight onto them.
            std::thread::scope(|scope| {
                let (tx, rx) = std::sync::mpsc::sync_channel(1);
                let (back, returned) = std::sync::mpsc::channel::<Vec<T>>();
                let odd: Vec<(&str, usize)> = pieces.iter().copied().skip(1).step_by(2).collect();
                let read_piece = &read_piece;
                scope.spawn(move || {
                    for p in odd {
                        let buf = returned.try_recv().unwrap_or_default();
                        if tx.send(read_piece(p, buf)).is_err() {
                            break;
                        }
                    }
                });
                for (i, p) in pieces.iter().copied().enumerate() {
                    if i % 2 == 0 {
                        g.read_into(read_piece, p);
                    } else if let Ok(p) = rx.recv() {
                        let _ = back.send(g.add(p));
                    }
                }
            });
        }
    }
    drop(bytes);
    let Gathered {
        items,
        unread,
        mut rows_out,
        found: row_findings,
        ..
    } = g;
    let (t, mut found) = table::finish(file, columns, head, row_findings);
    let broken = found.iter().any(Finding::is_error);
    out.append(&mut found);
    t?;
    let clean = !rows_out.iter().any(Finding::is_error);
    out.append(&mut rows_out);
    Some(Loaded {
        items,
        broken,
        unread: unread.into_iter().collect(),
        clean,
    })
}

/// The rows of a file's pieces put together in order, with what reading them found. A piece
/// after one the reader could not finish is not part of the file.
struct Gathered<T> {
    items: Vec<T>,
    unread: std::collections::HashSet<String>,
    rows_out: Vec<Finding>,
    found: Vec<Finding>,
    stopped: bool,
}

impl<T> Gathered<T> {
    /// Adds a piece read into a buffer of its own, and gives the emptied buffer back.
    fn add(&mut self, mut p: Piece<T>) -> Vec<T> {
        if !self.stopped {
            self.stopped = p.stopped;
            self.items.append(&mut p.items);
            self.unread.extend(p.unread);
            self.rows_out.extend(p.rows_out);
            self.found.extend(p.found);
        }
        p.items.clear();
        p.items
    }

    /// Reads the next piece straight onto the rows gathered so far.
    fn read_into<'s>(&mut self, read_piece: impl Fn((&'s str, usize), Vec<T>) -> Piece<T>, part: (&'s str, usize)) {
        let before = self.items.len();
        let mut p = read_piece(part, std::mem::take(&mut self.items));
        self.items = std::mem::take(&mut p.items);
        if self.stopped {
            self.items.truncate(before);
        }
        self.add(p);
    }
}

/// What reading one piece of a file's rows gave.
struct Piece<T> {
    items: Vec<T>,
    unread: Vec<String>,
    rows_out: Vec<Finding>,
    found: Vec<Finding>,
    stopped: bool,
}

/// A file's rows cut at row boundaries into pieces to read on two cores (one piece for a small
/// file), each with the number of lines before it.
fn pieces(body: &str, line_offset: usize) -> Vec<(&str, usize)> {
    const PIECE: usize = 1 << 20;
    let n = body.len() / PIECE;
    // A quoted value may hold a line end: such files are read in one piece.
    if n < 2 || text::contains_byte(body.as_bytes(), b'"') {
        return vec![(body, line_offset)];
    }
    let bytes = body.as_bytes();
    let mut v = Vec::with_capacity(n);
    let (mut start, mut lines) = (0, line_offset);
    for k in 1..n {
        let Some(cut) = bytes[(k * body.len() / n).max(start)..].iter().position(|&b| b == b'\n') else {
            break;
        };
        let cut = cut + (k * body.len() / n).max(start) + 1;
        v.push((&body[start..cut], lines));
        lines += text::count_lines(&bytes[start..cut]);
        start = cut;
    }
    v.push((&body[start..], lines));
    v
}

/// Rows appended to a CSV file (see [`Records::appended_rows`]).
pub enum Appended {
    Entries(Vec<Entry>),
    Pupils(Vec<Pupil>),
    Contracts(Vec<Contract>),
    Surveys(Vec<Survey>),
}

/// The rows after the end of the file on disk in the file as `src` has it, when the new file is
/// the old one with lines added and they read without a finding.
fn appended<T>(src: &Source, file: &str, columns: &[Column], read: RowReader<T>) -> Option<Vec<T>> {
    let old = std::fs::read(src.dir.join(file)).ok()?;
    let new = src.read(file).ok()??;
    if !old.ends_with(b"\n") || !new.starts_with(&old) {
        return None;
    }
    let d = text::as_utf8(&new)?;
    let old_text = d.text.get(..old.len() - usize::from(d.layout.bom) * 3)?;
    // The header, as the whole file gives it, and the rows after the old end.
    let head = table::head(file, &table::normalized(old_text), d.layout, columns);
    let (t, found, missing) = head.header.as_ref()?;
    if *missing || !found.is_empty() || !head.before.is_empty() {
        return None;
    }
    let lines = text::count_lines(&old);
    let tail = table::normalized(d.text.get(old_text.len()..)?);
    let mut added = Vec::new();
    let mut problems = Vec::new();
    let (found, stopped) = table::rows(file, t, false, &tail, lines, |t, cells| {
        if let Some(v) = read(fields::Fields::of_cells(t, cells), &mut problems) {
            added.push(v);
        }
    });
    (!stopped && found.is_empty() && problems.is_empty()).then_some(added)
}

/// Reads closes/ and settlements/ into the records, after the files before them.
fn load_closes_and_settlements(src: &Source, r: &mut Records) {
    let out = &mut r.problems;
    for file in src.list(closes::DIR, ".toml") {
        match read_text(src, &file, out).and_then(|(text, _)| closes::load(&file, &text, out)) {
            Some(c) => r.closes.push(c),
            None => r.unread_closes.push(closes::month_of(&file)),
        }
    }
    r.closes.sort_by_key(|c| c.month);
    if let Some(l) = load_csv(
        src,
        closes::REOPENED,
        closes::REOPENED_COLUMNS,
        false,
        None,
        closes::read_reopened,
        out,
    ) {
        r.reopened = l.items;
    }
    for file in src.list(settlements::DIR, ".toml") {
        let Some(mut s) = read_text(src, &file, out).and_then(|(text, _)| settlements::load(&file, &text, out)) else {
            let name = file.strip_prefix("settlements/").unwrap_or(&file);
            r.unread_settlements.push(name.strip_suffix(".toml").unwrap_or(name).to_owned());
            continue;
        };
        if let Some(l) = load_csv(src, &s.csv_file, settlements::COLUMNS, true, None, settlements::read_row, out) {
            s.rows = l.items;
            s.rows_complete = !l.broken && l.clean;
        }
        r.settlements.push(s);
    }
}

impl Records {
    pub fn load(dir: &Path) -> Records {
        Records::load_from(&Source::new(dir))
    }

    pub fn load_from(src: &Source) -> Records {
        // The ledger, by far the largest file, is read on a second core meanwhile.
        std::thread::scope(|scope| {
            let ledger = scope.spawn(|| {
                let mut out = Vec::new();
                let loaded = load_csv(src, ledger::FILE, ledger::COLUMNS, true, None, ledger::read, &mut out);
                (loaded, out)
            });
            let mut r = Records::default();
            let out = &mut r.problems;
            if let Some((text, _)) = read_text(src, plan::FILE, out) {
                r.plan = plan::load(&text, out);
            }
            match load_csv(src, roster::FILE, roster::COLUMNS, true, Some("pupil_id"), roster::read, out) {
                Some(l) => {
                    r.pupils = l.items;
                    r.unread_pupils = Unread {
                        all: l.broken,
                        ids: l.unread,
                    };
                }
                None => r.unread_pupils = Unread::whole_file(),
            }
            match load_csv(
                src,
                contracts::FILE,
                contracts::COLUMNS,
                true,
                Some("contract_id"),
                contracts::read,
                out,
            ) {
                Some(l) => {
                    r.contracts = l.items;
                    r.unread_contracts = Unread {
                        all: l.broken,
                        ids: l.unread,
                    };
                }
                None => r.unread_contracts = Unread::whole_file(),
            }
            // The ledger's findings keep their place after the contracts'.
            let rest_from = out.len();
            if let Some(l) = load_csv(src, surveys::FILE, surveys::COLUMNS, true, None, surveys::read, out) {
                r.surveys = l.items;
                r.surveys_complete = !l.broken && l.clean;
            }
            let tail_from = out.len();
            load_closes_and_settlements(src, &mut r);
            let (loaded, ledger_out) = match ledger.join() {
                Ok(v) => v,
                Err(e) => std::panic::resume_unwind(e),
            };
            if let Some(l) = loaded {
                r.entries = l.items;
                r.ledger_complete = !l.broken && l.clean;
            }
            let ledger_findings = ledger_out.len();
            r.problems.splice(rest_from..rest_from, ledger_out);
            r.tail_from = Some(tail_from + ledger_findings);
            r
        })
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
        let Some(tail_from) = self.tail_kept(changed) else {
            return Records::load_from(src);
        };
        let mut r = Records {
            plan: self.plan.clone(),
            pupils: self.pupils.clone(),
            contracts: self.contracts.clone(),
            entries: self.entries.clone(),
            surveys: self.surveys.clone(),
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
        let only_tail = changed
            .iter()
            .filter(|rel| is_record_file(rel))
            .all(|rel| rel.starts_with(&format!("{}/", closes::DIR)) || rel.starts_with(&format!("{}/", settlements::DIR)));
        self.tail_from.filter(|t| only_tail && *t <= self.problems.len())
    }

    /// The rows a change appends to one CSV file, when that is all it changes of the records,
    /// and the file was read without a finding and the new rows have none either: the records
    /// after the change are these with the rows added ([`Records::append`]). `None` in any
    /// other case.
    pub fn appended_rows(&self, src: &Source, changed: &[&str]) -> Option<Appended> {
        let mut records = changed.iter().filter(|rel| is_record_file(rel));
        let (Some(&file), None) = (records.next(), records.next()) else {
            return None;
        };
        if self.tail_from.is_none() || self.problems.iter().any(|f| f.file == file) {
            return None;
        }
        match file {
            ledger::FILE if self.ledger_complete => appended(src, file, ledger::COLUMNS, ledger::read).map(Appended::Entries),
            roster::FILE if !self.unread_pupils.any() => appended(src, file, roster::COLUMNS, roster::read).map(Appended::Pupils),
            contracts::FILE if !self.unread_contracts.any() => {
                appended(src, file, contracts::COLUMNS, contracts::read).map(Appended::Contracts)
            }
            surveys::FILE if self.surveys_complete => appended(src, file, surveys::COLUMNS, surveys::read).map(Appended::Surveys),
            _ => None,
        }
    }

    /// Adds rows that [`Records::appended_rows`] gave.
    pub fn append(&mut self, rows: Appended) {
        self.index = Index::default();
        match rows {
            Appended::Entries(v) => self.entries.extend(v),
            Appended::Pupils(v) => self.pupils.extend(v),
            Appended::Contracts(v) => self.contracts.extend(v),
            Appended::Surveys(v) => self.surveys.extend(v),
        }
    }

    pub fn pupil(&self, id: &str) -> Option<&Pupil> {
        by_id(&self.pupils, &self.index.pupils, id, |p| p.id.as_str())
    }

    pub fn contract(&self, id: &str) -> Option<&Contract> {
        by_id(&self.contracts, &self.index.contracts, id, |c| c.id.as_str())
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
        // A close written, a settlement with an unreadable family file.
        let src = Source::new(d.path())
            .with("closes/2026-09.toml", b"month = \"2026-09\"\nclosed_on = 2026-10-02\n".to_vec())
            .with("settlements/2026-autumn.toml", b"term = 1\n".to_vec());
        let changed = ["closes/2026-09.toml", "settlements/2026-autumn.toml"];
        same(&before.reload(&src, &changed), &Records::load_from(&src));
        same(&before.clone().into_reloaded(&src, &changed), &Records::load_from(&src));
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
            let (t, mut expected) = table::parse(ledger::FILE, plain, Default::default(), ledger::COLUMNS);
            let t = t.unwrap();
            let entries = ledger::load(&t, &mut expected);
            assert!(entries.len() > 1000);
            assert_eq!(r.entries, entries, "{before:?} {after:?} {crlf}");
            let got: Vec<&Finding> = r.problems.iter().filter(|f| f.file == ledger::FILE).collect();
            assert_eq!(got, expected.iter().collect::<Vec<_>>(), "{before:?} {after:?} {crlf}");
        }
    }
}
