//! The steps every writing command shares: lock, load, build the change, check it, commit,
//! say what was done in one line.

use std::cell::RefCell;
use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::thread::JoinHandle;

use rayon::prelude::*;

use super::{Env, Failure, Outcome};
use crate::findings::{Finding, Msg};
use crate::output::console;
use crate::records::closes::MonthTotals;
use crate::records::file::RecordFile;
use crate::records::table::{self, Column, Columns, csv_line};
use crate::records::text::{as_utf8, count_lines, decode};
use crate::records::{Appended, Records, Source, ledger};
use crate::rules::{Inputs, Meta, REGISTRY};
use crate::store::edit::{append_line, line_text, replace_line};
use crate::store::{self, Change, Lock};

pub(crate) struct Write<'e> {
    pub env: &'e Env,
    lock: Lock,
    pub before: Records,
    pub change: Change,
    /// The findings on `before` of each rule gone over so far, by its id: a write needs them
    /// more than once, and of more rules as it goes on.
    before_findings: RefCell<HashMap<&'static str, Vec<Finding>>>,
    /// `before` has been taken to become the records after the change.
    before_taken: bool,
    /// `before` holds, of the ledger, only the rows of the pupils the change is about (see
    /// [`Write::begin_by_pupil`]).
    by_pupil: bool,
    /// The records after the change, with the change they were read for, and their findings
    /// being worked out on another core meanwhile.
    after: RefCell<Option<After>>,
    /// The rows the change appends, with the change they were read from: telling them costs a
    /// pass over the whole file, and a write about pupils needs them more than once.
    appended: Option<(Change, Appended)>,
    /// Months' totals over the ledger rows before the change, worked out by the command
    /// ([`Write::knowing_totals`]).
    known_totals: Vec<(crate::records::Month, MonthTotals)>,
}

struct After {
    change: Change,
    records: Arc<Records>,
    findings: Option<JoinHandle<Vec<Finding>>>,
}

fn refused(m: Msg) -> Failure {
    Failure::Refused(m)
}

impl<'e> Write<'e> {
    pub(crate) fn begin(env: &'e Env) -> Result<Write<'e>, Failure> {
        Write::begin_reading(env, Source::new(&env.dir), false)
    }

    /// [`Write::begin`] for a command whose change is rows about pupils (a leave, an
    /// application, a row of money that names a pupil) and that does not read the ledger's rows
    /// itself: the records before it are read without them. When the change is checked, the
    /// ledger rows of its pupils are read, and the rules that go by pupil ([`Meta::by_pupil`])
    /// are checked on those alone, when every rule that reads what it changes and the ledger's
    /// rows goes by pupil. A change they find an error in, or that other rules must check, is
    /// checked on the whole records, as [`Write::begin`]'s is (see [`Write::new_errors`]).
    pub(crate) fn begin_by_pupil(env: &'e Env) -> Result<Write<'e>, Failure> {
        let src = Source::new(&env.dir).pupils_only(ledger::FILE, Vec::new());
        Write::begin_reading(env, src, true)
    }

    fn begin_reading(env: &'e Env, src: Source, by_pupil: bool) -> Result<Write<'e>, Failure> {
        crate::records::check_dir(&env.dir).map_err(|e| Failure::Usage(e.0))?;
        let lock = Lock::acquire(&env.dir).map_err(refused)?;
        let notes = store::recover::recover(&env.dir, &lock).map_err(|u| refused(u.refusal()))?;
        env.note(&notes);
        let before = Records::load_from(&src);
        Ok(Write {
            env,
            lock,
            before,
            change: Change::new(),
            before_findings: RefCell::default(),
            before_taken: false,
            by_pupil,
            after: RefCell::new(None),
            appended: None,
            known_totals: Vec::new(),
        })
    }

    fn bytes(&self, file: &str) -> Result<Option<Vec<u8>>, Failure> {
        self.change
            .current(&self.env.dir, file)
            .map_err(|e| refused(Msg::new(format!("无法读取 {file}：{e}"), format!("cannot read {file}: {e}"))))
    }

    fn table(&self, file: &str, bytes: &[u8], columns: &[Column]) -> Result<table::Table, Failure> {
        let d = decode(bytes).map_err(|m| refused(m.prefixed(&format!("{file}："), &format!("{file}: "))))?;
        let (t, findings) = table::parse(file, &d.text, d.layout, columns);
        t.ok_or_else(|| {
            let first = findings.into_iter().find(|f| f.is_error()).map(|f| f.message).unwrap_or_default();
            refused(first.prefixed(&format!("{file}："), &format!("{file}: ")))
        })
    }

    /// [`Write::header`] and how many line ends the file holds; of a plain file, on both cores
    /// ([`crate::records::load::plain_head_and_lines`]).
    fn header_and_lines(&self, file: &str, bytes: &[u8], columns: &[Column]) -> Result<(table::Table, usize), Failure> {
        if let Some((head, lines, _)) = crate::records::load::plain_head_and_lines(file, bytes, columns)
            && let (Some(t), _) = table::finish(file, columns, head, Vec::new())
        {
            return Ok((t, lines));
        }
        Ok((self.header(file, bytes, columns)?, count_lines(bytes)))
    }

    /// [`Write::table`] without its rows, for a write that needs only the header.
    fn header(&self, file: &str, bytes: &[u8], columns: &[Column]) -> Result<table::Table, Failure> {
        let header = match as_utf8(bytes) {
            Some(d) => table::header(file, d.text, d.layout, columns),
            None => {
                let d = decode(bytes).map_err(|m| refused(m.prefixed(&format!("{file}："), &format!("{file}: "))))?;
                table::header(file, &d.text, d.layout, columns)
            }
        };
        match header {
            (Some(t), _) => Ok(t),
            // The refusal names the file's first error, which may be on a row: read them all.
            (None, _) => self.table(file, bytes, columns),
        }
    }

    /// Appends a row to a CSV file, its values placed by the file's own header; unknown columns
    /// stay empty. A missing file is made with the spec's header when it is not required.
    /// The line the new row is on.
    pub(crate) fn append<D: RecordFile>(&mut self, row: &D::Row) -> Result<usize, Failure> {
        let lines = self.append_all::<D>(std::slice::from_ref(row))?;
        Ok(lines.first().copied().unwrap_or_default())
    }

    /// [`Write::append`] of several rows, in order: their lines. The file is read and put once
    /// for them all (a term's settlement records a refund for each of thousands of families;
    /// appending them one at a time copied the whole ledger for each).
    pub(crate) fn append_all<D: RecordFile>(&mut self, rows: &[D::Row]) -> Result<Vec<usize>, Failure> {
        let file = D::FILE;
        let read = self.bytes(file)?;
        // Where the file on disk ends in the bytes the rows are added to: where this change said
        // it ends, or all of them when read from disk now.
        let on_disk = match self.change.files.contains_key(file) {
            true => self.change.appended_to.get(file).copied(),
            false => read.as_ref().map(Vec::len),
        };
        let mut bytes = match read {
            Some(b) => b,
            None if !D::REQUIRED => format!("{}\n", csv_line(&D::header())).into_bytes(),
            None => return Err(refused(Msg::new(format!("缺少文件 {file}"), format!("{file} is missing")))),
        };
        let (t, mut counted) = self.header_and_lines(file, &bytes, D::COLUMNS)?;
        let mut lines = Vec::with_capacity(rows.len());
        for row in rows {
            for &col in D::ALL {
                if t.position(col).is_none() && !D::value(row, col).is_empty() {
                    return Err(no_column(&t, col));
                }
            }
            lines.push(counted + usize::from(!bytes.is_empty() && !bytes.ends_with(b"\n")) + 1);
            // The header was read in the layout of the whole file.
            let end = bytes.len();
            bytes = append_line(bytes, &csv_line(&D::to_fields(row, &t.headers)), t.layout);
            counted += count_lines(&bytes[end..]);
        }
        match on_disk {
            _ if rows.is_empty() => {}
            Some(len) => self.change.put_appended(file, bytes, len),
            None => self.change.put(file, bytes),
        }
        Ok(lines)
    }

    /// Whether a CSV file's header, as the change has it, names the column.
    pub(crate) fn has_column<D: RecordFile>(&self, col: D) -> Result<bool, Failure> {
        let file = D::FILE;
        let Some(bytes) = self.bytes(file)? else { return Ok(false) };
        Ok(self.header(file, &bytes, D::COLUMNS)?.position(col).is_some())
    }

    /// The column as a CSV file's header, as the change has it, names it (in Chinese in a
    /// Chinese header).
    pub(crate) fn column_name<D: RecordFile>(&self, col: D) -> Result<String, Failure> {
        let file = D::FILE;
        let Some(bytes) = self.bytes(file)? else {
            return Ok(col.name().to_owned());
        };
        Ok(self.header(file, &bytes, D::COLUMNS)?.name_of(col).to_owned())
    }

    /// Adds a column at the end of a CSV file's header line, when the file lacks it: only that
    /// line changes, and the rows before read it as empty. Whether it was added.
    pub(crate) fn add_column<D: RecordFile>(&mut self, col: D) -> Result<bool, Failure> {
        let file = D::FILE;
        let bytes = self
            .bytes(file)?
            .ok_or_else(|| refused(Msg::new(format!("缺少文件 {file}"), format!("{file} is missing"))))?;
        let t = self.header(file, &bytes, D::COLUMNS)?;
        if t.position(col).is_some() {
            return Ok(false);
        }
        let one_line = line_text(&bytes, t.header_line).is_some_and(|text| {
            let (one, _) = table::parse(file, &format!("{text}\n"), t.layout, &[]);
            one.is_some_and(|o| o.headers == t.headers)
        });
        if !one_line {
            return Err(no_column(&t, col));
        }
        // Named as the header names its columns: in Chinese in a clerk's Chinese header.
        let mut headers = t.headers.clone();
        headers.push(t.name_of(col).to_owned());
        let new = replace_line(&bytes, t.header_line, &csv_line(&headers)).map_err(refused)?;
        self.change.put(file, new);
        Ok(true)
    }

    /// Sets the row at `line` to `row`'s values in the columns `cols`; only that line of the file
    /// changes.
    pub(crate) fn set<D: RecordFile>(&mut self, line: usize, row: &D::Row, cols: &[D]) -> Result<(), Failure> {
        let file = D::FILE;
        let bytes = self
            .bytes(file)?
            .ok_or_else(|| refused(Msg::new(format!("缺少文件 {file}"), format!("{file} is missing"))))?;
        let t = self.table(file, &bytes, D::COLUMNS)?;
        let at = t.rows.iter().find(|r| r.line == line).ok_or_else(|| {
            refused(Msg::new(
                format!("{file} 第 {line} 行不是数据行"),
                format!("{file} line {line} is not a row"),
            ))
        })?;
        let single = line_text(&bytes, line).is_some_and(|text| {
            let (one, _) = table::parse(file, &format!("{}\n{text}\n", csv_line(&t.headers)), t.layout, &[]);
            one.is_some_and(|o| o.rows.len() == 1 && o.rows[0].fields == at.fields)
        });
        if !single {
            return Err(refused(Msg::new(
                format!("{file} 第 {line} 行跨了多行（某个值里有换行），care 不能安全地修改它；请手工编辑"),
                format!("{file} line {line} spans several lines (a value holds a line break); care cannot edit it safely, edit it by hand"),
            )));
        }
        let mut fields = at.fields.clone();
        fields.resize(t.headers.len(), String::new());
        for &col in cols {
            let i = t.position(col).ok_or_else(|| no_column(&t, col))?;
            fields[i] = D::value(row, col);
        }
        let new = replace_line(&bytes, line, &csv_line(&fields)).map_err(refused)?;
        self.change.put(file, new);
        Ok(())
    }

    /// The records after the change, made from the records before the change, which are gone
    /// after this (`before` is left empty): for a command done with them. Should their findings
    /// be needed after all, they are read again from the files, which the change has not
    /// touched yet.
    pub(crate) fn take_after(&mut self) -> Arc<Records> {
        if let Some(r) = self.cached_after() {
            return r;
        }
        let source = self.change.source(&self.env.dir);
        let changed: Vec<String> = self.change.files.keys().cloned().collect();
        let changed: Vec<&str> = changed.iter().map(String::as_str).collect();
        let before = std::mem::take(&mut self.before);
        self.before_taken = true;
        let records = Arc::new(before.into_reloaded(&source, &changed));
        self.keep_after(Arc::clone(&records));
        records
    }

    /// Gives the check of the change a month's totals over the ledger rows before it, which the
    /// command has worked out (a close): when the change leaves the ledger's rows as they are,
    /// the rules take them instead of working them out again.
    pub(crate) fn knowing_totals(&mut self, month: crate::records::Month, totals: MonthTotals) {
        self.known_totals.push((month, totals));
    }

    /// The months' totals known over the rows after the change: those before it, when it
    /// changes no ledger row.
    fn totals_after(&self) -> Vec<(crate::records::Month, MonthTotals)> {
        if self.changed_parts().meets(Inputs::LEDGER_ROWS) {
            return Vec::new();
        }
        self.known_totals.clone()
    }

    /// The findings after the change of the rules that read what it changes, on `records`
    /// read after it.
    fn check_after(&self, records: &Records) -> Vec<Finding> {
        crate::rules::check_changed_knowing(
            records,
            self.env.today,
            self.changed_parts(),
            &self.changed_files(),
            self.totals_after(),
        )
    }

    /// Keeps the records after the change, and starts working out their findings.
    fn keep_after(&self, records: Arc<Records>) {
        let (r, today) = (Arc::clone(&records), self.env.today);
        let (change, parts, totals) = (self.record_change(), self.changed_parts(), self.totals_after());
        let files: Vec<String> = change.files.keys().cloned().collect();
        let findings = std::thread::Builder::new()
            .spawn(move || {
                let files: Vec<&str> = files.iter().map(String::as_str).collect();
                crate::rules::check_changed_knowing(&r, today, parts, &files, totals)
            })
            .ok();
        *self.after.borrow_mut() = Some(After { change, records, findings });
    }

    fn changed_files(&self) -> Vec<&str> {
        self.change.files.keys().map(String::as_str).collect()
    }

    /// The parts of the records the change so far changes: the rules that read none of them
    /// find the same before and after it.
    fn changed_parts(&self) -> Inputs {
        Inputs::of_files(self.changed_files())
    }

    /// The part of the change that the records are read from (not reports, for one).
    fn record_change(&self) -> Change {
        let mut c = Change::new();
        for (rel, bytes) in self.change.files.iter().filter(|(rel, _)| crate::records::is_record_file(rel)) {
            c.files.insert(rel.clone(), bytes.clone());
        }
        c
    }

    /// Whether the records after the change read last are those after the change now.
    fn after_is_current(&self, a: &After) -> bool {
        a.change.files.len() == self.change.files.keys().filter(|rel| crate::records::is_record_file(rel)).count()
            && a.change.files.iter().all(|(rel, bytes)| self.change.files.get(rel) == Some(bytes))
    }

    fn cached_after(&self) -> Option<Arc<Records>> {
        let cached = self.after.borrow();
        let a = cached.as_ref()?;
        self.after_is_current(a).then(|| Arc::clone(&a.records))
    }

    /// The findings after the change of the rules that read what it changes, when `after` has
    /// read the records after it.
    fn cached_after_findings(&self) -> Option<Vec<Finding>> {
        let mut cached = self.after.borrow_mut();
        let a = cached.as_mut()?;
        if !self.after_is_current(a) {
            return None;
        }
        let now = match a.findings.take().map(JoinHandle::join) {
            Some(Ok(now)) => now,
            Some(Err(e)) => std::panic::resume_unwind(e),
            None => self.check_after(&a.records),
        };
        Some(now)
    }

    /// The findings of the rules `wanted` picks on the records as they were before the change.
    pub(crate) fn before_findings(&self, wanted: impl Fn(&Meta) -> bool) -> Vec<Finding> {
        let all_kept = {
            let done = self.before_findings.borrow();
            REGISTRY.iter().all(|r| !wanted(r.meta()) || done.contains_key(r.meta().id))
        };
        if all_kept {
            return self.kept_findings(&wanted);
        }
        self.before_findings_and(wanted, || (), |_| ()).0
    }

    /// [`Write::before_findings`], and what `also` works out from the context of the records
    /// before the change (with today's date), built for the rules anyway, beside them, with
    /// `ahead` done on the other core first ([`crate::rules::check_each_and`]).
    pub(crate) fn before_findings_and<T: Send>(
        &self,
        wanted: impl Fn(&Meta) -> bool,
        ahead: impl FnOnce() + Send,
        also: impl FnOnce(&crate::rules::Context) -> T + Send,
    ) -> (Vec<Finding>, T) {
        // Once `before` has become the records after the change, the records before it are read
        // again from the files, which the change has not touched yet (the lock is held).
        let read_again;
        let before = if self.before_taken {
            read_again = Records::load(&self.env.dir);
            &read_again
        } else {
            &self.before
        };
        let (more, t) = {
            let done = self.before_findings.borrow();
            crate::rules::check_each_and(before, self.env.today, |m| wanted(m) && !done.contains_key(m.id), ahead, also)
        };
        self.before_findings.borrow_mut().extend(more);
        (self.kept_findings(&wanted), t)
    }

    /// The kept findings before the change of the rules `wanted` picks.
    fn kept_findings(&self, wanted: &impl Fn(&Meta) -> bool) -> Vec<Finding> {
        let done = self.before_findings.borrow();
        crate::rules::merge(
            REGISTRY
                .iter()
                .filter(|r| wanted(r.meta()))
                .filter_map(|r| done.get(r.meta().id).cloned()),
        )
    }

    /// The findings before and after the change of the rules that read what it changes (the
    /// others find the same on both). Those before it only when there is an error after it: a
    /// change after which nothing is wrong adds nothing wrong, and the findings before it serve
    /// only to tell the errors it adds from those already there.
    fn findings_around(&mut self) -> (Vec<Finding>, Vec<Finding>) {
        let now = self.findings_after();
        if !now.iter().any(Finding::is_error) {
            return (Vec::new(), now);
        }
        (self.before_reading(self.changed_parts()), now)
    }

    /// The findings after the change of the rules that read what it changes. Rows appended to
    /// one file are added to the records before the change for the rules, and taken off again.
    fn findings_after(&mut self) -> Vec<Finding> {
        let today = self.env.today;
        if let Some(now) = self.cached_after_findings() {
            return now;
        }
        if let Some(rows) = self.appended_rows() {
            let undo = self.before.append(rows);
            let parts = Inputs::of_appended(&self.before, undo.file(), undo.at());
            let now = crate::rules::check_changed(&self.before, today, parts, &[undo.file()]);
            let rows = self.before.unappend(undo);
            self.appended = Some((self.change.clone(), rows));
            return now;
        }
        let source = self.change.source(&self.env.dir);
        let after = self.before.reload_read(&source, &self.changed_files());
        self.check_after(&after)
    }

    /// [`Records::appended_rows`] of the change, as last told for this change.
    fn appended_rows(&mut self) -> Option<Appended> {
        if let Some((change, rows)) = self.appended.take()
            && change == self.change
        {
            return Some(rows);
        }
        let source = self.change.source(&self.env.dir);
        self.before.appended_rows(&source, &self.changed_files())
    }

    /// The findings before the change of the rules that read any of `parts`.
    fn before_reading(&self, parts: Inputs) -> Vec<Finding> {
        self.before_findings(|m| m.reads.meets(parts))
    }

    /// The errors the change so far adds to the records: what `finish` refuses.
    pub(crate) fn new_errors(&mut self) -> Vec<Finding> {
        if self.by_pupil {
            // None found on the pupils' rows is none at all; what is found is said as the
            // whole records have it.
            if let Some(none) = self.new_errors_by_pupil().filter(Vec::is_empty) {
                return none;
            }
            self.read_again(Source::new(&self.env.dir), false);
        }
        let (was, now) = self.findings_around();
        store::new_errors(&was, &now)
    }

    /// The errors the change adds, by the rules that go by pupil, on the ledger rows of the
    /// pupils it is about: when the change is rows appended to one file, each naming a pupil,
    /// and every rule that reads the ledger and what the change changes goes by pupil. `None`
    /// otherwise. Such a rule adds an error to the whole records only if it adds one on those
    /// rows ([`Meta::by_pupil`]): so when none is added there, none is added at all. (Were a
    /// ledger row of another pupil unreadable, the rules that then find nothing about money
    /// find nothing on the whole records either.)
    fn new_errors_by_pupil(&mut self) -> Option<Vec<Finding>> {
        let rows = self.appended_rows()?;
        let (pupils, rows) = crate::rules::by_pupil::pupils_of_change(&mut self.before, rows);
        self.appended = Some((self.change.clone(), rows));
        self.read_again(Source::new(&self.env.dir).pupils_only(ledger::FILE, pupils?), true);
        let (was, now) = self.findings_around();
        Some(store::new_errors(&was, &now))
    }

    /// Reads the ledger before the change again, from `src` (the only file
    /// [`Write::begin_by_pupil`] reads in part), forgetting what was worked out from the records.
    fn read_again(&mut self, src: Source, by_pupil: bool) {
        self.before.read_ledger_again(&src);
        // Rows appended to a file are told only while it reads without a finding.
        if let Some((_, rows)) = &self.appended
            && self.before.problems.iter().any(|f| f.file == rows.file())
        {
            self.appended = None;
        }
        self.by_pupil = by_pupil;
        self.before_findings.borrow_mut().clear();
        *self.after.borrow_mut() = None;
    }

    /// Checks the change against every rule (less `exempt`), writes it, prints `done`.
    pub(crate) fn finish(mut self, done: Msg, exempt: &[&str]) -> Outcome {
        let mut errors = self.new_errors();
        errors.retain(|f| !exempt.contains(&f.rule));
        self.commit(done, errors)
    }

    /// Like `finish`, for a change that only moves and respells rows: the errors already in
    /// the records move with their rows and are not new.
    pub(crate) fn finish_reformat(mut self, done: Msg) -> Outcome {
        let (was, now) = self.findings_around();
        let errors = store::new_errors_reordered(&was, &now);
        self.commit(done, errors)
    }

    /// Writes the change and prints `done`, unless `errors`: then refuses, naming them.
    pub(crate) fn commit(self, done: Msg, errors: Vec<crate::findings::Finding>) -> Outcome {
        self.commit_saying(&[done], errors)
    }

    /// [`Write::commit`] that says several lines once the change is written: notes on what was
    /// read, then what was done.
    pub(crate) fn commit_saying(self, lines: &[Msg], errors: Vec<crate::findings::Finding>) -> Outcome {
        if !errors.is_empty() {
            return Err(refused(store::refusal(&errors)));
        }
        store::commit(&self.env.dir, &self.lock, &self.change).map_err(refused)?;
        for line in lines {
            console::println(&self.env.say(line));
        }
        self.end();
        Ok(ExitCode::SUCCESS)
    }

    /// The command ends here: the lock goes, and the records before and after the write are
    /// left to the operating system instead of being freed row by row (a district's took a
    /// core 10 ms).
    pub(crate) fn end(self) {
        let Write { lock, before, after, .. } = self;
        drop(lock);
        std::mem::forget((before, after));
    }
}

impl Write<'_> {
    /// Every value of a column as the file has it now, rows that do not parse included.
    pub(crate) fn column<D: RecordFile>(&self, col: D) -> Result<Vec<String>, Failure> {
        let bytes = self.bytes(D::FILE)?.unwrap_or_default();
        let t = self.table(D::FILE, &bytes, D::COLUMNS)?;
        Ok(t.rows.iter().map(|r| t.get(r, col).to_owned()).collect())
    }
}

fn no_column(t: &table::Table, col: impl Columns) -> Failure {
    let (file, k) = (&t.file, t.name_of(col));
    refused(Msg::new(
        format!("{file} 没有“{k}”列，请先在表头加上它"),
        format!("{file} has no “{k}” column; add it to the header first"),
    ))
}

/// The lines of some ledger rows, a bit each: the few findings are looked up in them.
pub(crate) struct Lines(Vec<u64>);

impl Lines {
    /// On both cores (a district's month is 311,000 rows of a million), a bit a line: a term's
    /// million lines as numbers took 8 MB of a settlement's peak, as bits 128 KB.
    pub(crate) fn of<'a>(rows: impl ParallelIterator<Item = &'a crate::records::Entry>) -> Lines {
        let set = |mut bits: Vec<u64>, line: usize| {
            let word = line / 64;
            if bits.len() <= word {
                bits.resize(word + 1, 0);
            }
            bits[word] |= 1 << (line % 64);
            bits
        };
        let lines = rows.fold(Vec::new, |bits, e| set(bits, e.line)).reduce(Vec::new, |a, b| {
            let (mut long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (w, s) in long.iter_mut().zip(short) {
                *w |= s;
            }
            long
        });
        Lines(lines)
    }

    fn contains(&self, line: usize) -> bool {
        self.0.get(line / 64).is_some_and(|w| w & (1 << (line % 64)) != 0)
    }
}

/// The errors on the given ledger rows (their lines) that are about the rows themselves,
/// leaving out those about a month or term waiting to be closed or settled (closing and
/// settling put those right); and what `ahead` and `also` work out beside the rules (see
/// [`Write::before_findings_and`]).
pub(crate) fn ledger_row_errors_and<T: Send>(
    w: &Write,
    lines: &Lines,
    ahead: impl FnOnce() + Send,
    also: impl FnOnce(&crate::rules::Context) -> T + Send,
) -> (Vec<Finding>, T) {
    // A rule that reads no ledger row finds nothing on one.
    let about_rows = |m: &Meta| !m.id.starts_with("disclosure/") && !m.id.starts_with("settlement/");
    let (found, t) = w.before_findings_and(|m| m.reads.meets(Inputs::LEDGER) && about_rows(m), ahead, also);
    let on_rows = found
        .into_iter()
        .filter(|f| f.is_error() && f.file == crate::records::ledger::FILE && lines.contains(f.line))
        .collect();
    (on_rows, t)
}

/// The next free id: `prefix` and one more than the highest number in use, as wide as the
/// widest one in use (or `width`): P0001, P0002, ... P0010.
pub(crate) fn next_id(prefix: &str, used: &[String], width: usize) -> String {
    let numbers: Vec<(u64, usize)> = used
        .iter()
        .filter_map(|id| id.strip_prefix(prefix))
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|d| d.parse::<u64>().ok().map(|n| (n, d.len())))
        .collect();
    let next = numbers.iter().map(|(n, _)| n).max().map_or(1, |m| m + 1);
    let width = numbers.iter().map(|(_, w)| *w).max().unwrap_or(width);
    format!("{prefix}{next:0width$}")
}

#[cfg(test)]
mod tests {
    use super::{Lines, next_id};
    use rayon::prelude::*;

    #[test]
    fn the_lines_of_rows_are_those_rows_lines_only() {
        let row = |line: usize| crate::records::Entry {
            line,
            ..crate::records::Entry::new(chrono::NaiveDate::MIN, crate::records::Kind::Fee, crate::records::Money::ZERO)
        };
        let wanted: Vec<usize> = (2..200_000)
            .filter(|l| l % 3 != 0 || l % 64 == 0)
            .chain([262_143, 262_144])
            .collect();
        let rows: Vec<_> = wanted.iter().rev().map(|&l| row(l)).collect();
        let lines = Lines::of(rows.par_iter());
        let mut is_wanted = vec![false; 300_000];
        for &l in &wanted {
            is_wanted[l] = true;
        }
        for (line, wanted) in is_wanted.into_iter().enumerate() {
            assert_eq!(lines.contains(line), wanted, "line {line}");
        }
        assert!(!Lines::of(Vec::new().par_iter()).contains(0));
    }

    #[test]
    fn next_ids_keep_the_width_in_use() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(next_id("P", &[], 4), "P0001");
        assert_eq!(next_id("P", &v(&["P0009", "P0002", "X7"]), 4), "P0010");
        assert_eq!(next_id("C", &v(&["C01"]), 3), "C02");
        assert_eq!(next_id("C", &v(&["C99"]), 3), "C100");
    }
}
