//! Reading a record file's bytes, and a CSV file's rows through its description.

use std::collections::HashSet;
use std::io;

use super::Source;
use super::fields::Fields;
use super::file::RecordFile;
use super::table::{self, parse_error};
use super::text;
use crate::findings::{Finding, Msg};

fn unreadable(file: &str, e: &io::Error) -> Finding {
    parse_error(
        file,
        1,
        Msg::new(format!("无法读取文件：{e}"), format!("cannot read the file: {e}")),
    )
}

/// Reads and decodes a text file. `Ok(None)` when it does not exist.
pub(super) fn read_text(src: &Source, file: &str, out: &mut Vec<Finding>) -> Option<(String, text::Layout)> {
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

/// Reads a CSV file. A missing file that must exist is a finding.
fn csv_bytes<D: RecordFile>(src: &Source, file: &str, out: &mut Vec<Finding>) -> Option<Vec<u8>> {
    match src.read(file) {
        Ok(Some(b)) => Some(b),
        Ok(None) | Err(_) => {
            if D::REQUIRED {
                let header = D::header().join(",");
                out.push(parse_error(
                    file,
                    1,
                    Msg::new(
                        format!("缺少文件 {file}；请新建它，第一行为表头：{header}"),
                        format!("{file} is missing; create it with the header line: {header}"),
                    ),
                ));
            }
            None
        }
    }
}

/// What streaming a CSV file through its description gave.
pub struct Loaded<T> {
    pub items: Vec<T>,
    /// Reading the file (not its rows' values) found an error: rows may have been lost.
    pub broken: bool,
    /// The key values of the rows that could not be read (see [`RecordFile::KEY`]).
    pub unread: HashSet<String>,
    /// The findings on the rows found nothing wrong with any of them.
    pub clean: bool,
}

impl<T> Loaded<T> {
    /// Every row could be read.
    pub fn complete(&self) -> bool {
        !self.broken && self.clean
    }
}

/// Reads a CSV file row by row, without keeping the rows' text. `None` when the file is missing,
/// unreadable, or lacks a required column (the findings say which).
pub(super) fn load_csv<D: RecordFile>(src: &Source, file: &str, out: &mut Vec<Finding>) -> Option<Loaded<D::Row>> {
    // The text in one part, or a large plain UTF-8 file in two (see `plain_utf8_halves`) when
    // its header is in the first.
    let mut bytes = csv_bytes::<D>(src, file, out)?;
    let halves = if bytes.len() >= 4 << 20 {
        text::plain_utf8_halves(&bytes)
    } else {
        None
    };
    let fast = halves.and_then(|(first, second, bom)| {
        let layout = text::Layout { bom, ..Default::default() };
        let head = table::head(file, first, layout, D::COLUMNS);
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
            let head = table::head(file, &normal, layout, D::COLUMNS);
            ([&*normal, ""], head)
        }
    };
    let mut g = Gathered {
        items: Vec::new(),
        unread: HashSet::new(),
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
        // Rows are pushed onto `buf`: the rows gathered so far, or a buffer that is emptied into
        // them and used again (fresh memory for every piece costs the kernel more than reading
        // the rows).
        let read_piece = |(part, offset): (&str, usize), buf: Vec<D::Row>| {
            let mut piece = Piece {
                items: buf,
                unread: Vec::new(),
                rows_out: Vec::new(),
                found: Vec::new(),
                stopped: false,
            };
            let (found, stopped) = table::rows(file, t, *missing, part, offset, |t, cells| {
                let f = Fields::<D>::of_cells(t, cells);
                let key = D::KEY.map(|c| f.text(c));
                match D::read(f, &mut piece.rows_out) {
                    Some(v) => piece.items.push(v),
                    None => piece.unread.extend(key.map(str::to_owned)),
                }
            });
            piece.found = found;
            piece.stopped = stopped;
            piece
        };
        // Two pieces at a time, one on each core: the first read straight onto the rows
        // gathered so far (every piece before it is in), the second into a buffer of its own
        // that is then emptied onto them.
        let mut spare = Vec::new();
        for pair in pieces.chunks(2) {
            match *pair {
                [first, second] => {
                    let buf = std::mem::take(&mut spare);
                    let ((), p) = rayon::join(|| g.read_into(read_piece, first), || read_piece(second, buf));
                    spare = g.add(p);
                }
                [only] => g.read_into(read_piece, only),
                _ => {}
            }
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
    let (t, mut found) = table::finish(file, D::COLUMNS, head, row_findings);
    let broken = found.iter().any(Finding::is_error);
    out.append(&mut found);
    t?;
    let clean = !rows_out.iter().any(Finding::is_error);
    out.append(&mut rows_out);
    Some(Loaded {
        items,
        broken,
        unread,
        clean,
    })
}

/// The rows of a file's pieces put together in order, with what reading them found. A piece
/// after one the reader could not finish is not part of the file.
struct Gathered<T> {
    items: Vec<T>,
    unread: HashSet<String>,
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
    if n < 2 || memchr::memchr(b'"', body.as_bytes()).is_some() {
        return vec![(body, line_offset)];
    }
    let bytes = body.as_bytes();
    let mut v = Vec::with_capacity(n);
    let (mut start, mut lines) = (0, line_offset);
    for k in 1..n {
        let from = (k * body.len() / n).max(start);
        let Some(cut) = memchr::memchr(b'\n', &bytes[from..]) else {
            break;
        };
        let cut = from + cut + 1;
        v.push((&body[start..cut], lines));
        lines += text::count_lines(&bytes[start..cut]);
        start = cut;
    }
    v.push((&body[start..], lines));
    v
}

/// The rows after the end of the file on disk in the file as `src` has it, when the new file is
/// the old one with lines added and they read without a finding. A file that is not on disk
/// counts as its header line: every row of it is added.
pub(super) fn appended<D: RecordFile>(src: &Source, file: &str) -> Option<Vec<D::Row>> {
    let new = src.read_borrowed(file).ok()??;
    let old = match std::fs::read(src.dir.join(file)) {
        Ok(old) => old,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => new[..memchr::memchr(b'\n', &new)? + 1].to_vec(),
        Err(_) => return None,
    };
    if !old.ends_with(b"\n") || !new.starts_with(&old) {
        return None;
    }
    let d = text::as_utf8(&new)?;
    let old_text = d.text.get(..old.len() - usize::from(d.layout.bom) * 3)?;
    // The header, as the whole file gives it, and the rows after the old end.
    let head = table::head(file, &table::normalized(old_text), d.layout, D::COLUMNS);
    let (t, found, missing) = head.header.as_ref()?;
    if *missing || !found.is_empty() || !head.before.is_empty() {
        return None;
    }
    let lines = text::count_lines(&old);
    let tail = table::normalized(d.text.get(old_text.len()..)?);
    let mut added = Vec::new();
    let mut problems = Vec::new();
    let (found, stopped) = table::rows(file, t, false, &tail, lines, |t, cells| {
        if let Some(v) = D::read(Fields::of_cells(t, cells), &mut problems) {
            added.push(v);
        }
    });
    (!stopped && found.is_empty() && problems.is_empty()).then_some(added)
}

/// The rows of a table read whole, in order; the findings on those that cannot be read.
pub fn rows<D: RecordFile>(t: &table::Table, out: &mut Vec<Finding>) -> Vec<D::Row> {
    t.rows.iter().filter_map(|row| D::read(Fields::new(t, row), out)).collect()
}
