//! Reading a record file's bytes, and a CSV file's rows through its description.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io;

use super::Source;
use super::fields::Fields;
use super::file::RecordFile;
use super::table::{self, parse_error};
use super::text;
use crate::findings::{Finding, Msg};
use rayon::prelude::*;

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
    if let (Some(ids), Some(col)) = (src.pupils_in(file), D::PUPIL)
        && let Some(read) = pupils_rows::<D>(src, file, col, ids, BLOCK)
    {
        return read.finish::<D>(file, out);
    }
    // A large plain file on disk, block by block; anything else (or a large plain file that
    // turns out not to be) whole.
    if let Some(read) = streamed::<D>(src, file, BLOCK) {
        return read.finish::<D>(file, out);
    }
    let mut bytes = csv_bytes::<D>(src, file, out)?;
    // A large plain UTF-8 file is checked in two halves, one on each core (see
    // `plain_utf8_halves`) when its header is in the first.
    if bytes.len() >= 4 << 20 {
        let mut read = Reading::<D::Row>::new();
        if let Some((first, second, bom)) = text::plain_utf8_halves_with(&bytes, cut)
            && read.plain_part::<D>(file, first, second, bom, bytes.len()).is_some()
        {
            return read.finish::<D>(file, out);
        }
    }
    let (text, layout) = decoded(file, std::mem::take(&mut bytes), out)?;
    let normal = table::normalized(&text);
    let mut read = Reading::<D::Row>::new();
    let head = table::head(file, &normal, layout, D::COLUMNS);
    if let Some((t, _, missing)) = &head.header {
        let body = &normal[head.rows_start..];
        // One row a line at most: the vector never grows (growing it holds the old and the new
        // copy at once, for a large ledger the largest allocation of all).
        read.gathered.items.reserve(text::count_lines(body.as_bytes()) + 1);
        read.gathered
            .read_pieces::<D>(file, t, *missing, pieces(body, head.line_offset), false);
    }
    read.head = Some(head);
    read.finish::<D>(file, out)
}

/// The bytes read from a large file at a time: the rows are read a block at a time, so that the
/// file's text is never held whole (for a district's ledger, 55 MB that the rows' 96 MB were
/// built beside).
const BLOCK: usize = 8 << 20;

/// A large file on disk that is UTF-8 without carriage returns, quotes or NUL bytes (as a ledger
/// that care writes is), read a block at a time: each block is cut after its last line end and
/// checked, a half on each core. `None` for a file that is not on disk as it is, is smaller than
/// a block, is not plain (any block of it), or whose header is not in its first half-block:
/// [`load_csv`] reads those whole.
fn streamed<D: RecordFile>(src: &Source, file: &str, block: usize) -> Option<Reading<D::Row>> {
    let f = src.disk_file(file)?;
    let size = usize::try_from(f.metadata().ok()?.len()).ok()?;
    if size < block {
        return None;
    }
    let mut read = Reading::<D::Row>::new();
    blocks(f, block, |part| {
        let lines = if read.head.is_none() {
            let Some((first, second, bom)) = text::plain_utf8_halves_with(part, cut) else {
                return Next::Failed;
            };
            match read.plain_part::<D>(file, first, second, bom, size) {
                Some(lines) => lines,
                None => return Next::Failed,
            }
        } else {
            let Some((first, second)) = text::plain_utf8_in_halves_with(part, cut) else {
                return Next::Failed;
            };
            let lines = lines_of(&first.1) + lines_of(&second.1);
            // The room reserved from the first block's rate falls short when later lines are
            // shorter still: reserve once more, at the rate so far, for the rest.
            let g = &mut read.gathered;
            if g.items.capacity() - g.items.len() <= lines {
                g.room_at_rate(read.lines, read.bytes, size.saturating_sub(read.bytes).max(part.len()));
            }
            read.more_plain::<D>(file, first, second);
            lines
        };
        read.lines += lines;
        read.bytes += part.len();
        Next::More
    })?;
    Some(read)
}

/// What a reader of [`blocks`] wants after a block.
enum Next {
    More,
    /// It has read what it wanted: the rest of the file is not read.
    Done,
    Failed,
}

/// Reads a file about `block` bytes at a time, each block cut after its last line end (a line
/// longer than a block is read on until it ends), and hands each to `each` in order, the last
/// one whole. `None` when the file cannot be read or `each` fails.
///
/// The next block is read while `each` reads the rows of one (reading it after was a tenth of
/// a district check's time with one core waiting): two blocks are held at a time.
fn blocks(mut f: std::fs::File, block: usize, mut each: impl FnMut(&[u8]) -> Next + Send) -> Option<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(block + (block >> 4));
    let mut next: Vec<u8> = Vec::new();
    let mut end = fill(&mut f, &mut buf, block)?;
    loop {
        let cut = if end {
            buf.len()
        } else if let Some(last) = memchr::memrchr(b'\n', &buf) {
            last + 1
        } else {
            let want = buf.len() + block;
            end = fill(&mut f, &mut buf, want)?;
            continue;
        };
        let (rows, part) = buf.split_at(cut);
        if end {
            return match each(rows) {
                Next::Failed => None,
                Next::Done | Next::More => Some(()),
            };
        }
        next.clear();
        next.reserve(block + (block >> 4));
        next.extend_from_slice(part);
        let (read, step) = rayon::join(|| fill(&mut f, &mut next, block), || each(rows));
        match step {
            Next::Failed => return None,
            Next::Done => return Some(()),
            Next::More => {}
        }
        end = read?;
        std::mem::swap(&mut buf, &mut next);
    }
}

/// Reads on from `f` until `buf` holds `want` bytes or the file ends; whether it ended.
fn fill(f: &mut std::fs::File, buf: &mut Vec<u8>, want: usize) -> Option<bool> {
    use std::io::Read;
    let missing = want.saturating_sub(buf.len());
    let got = f.take(missing as u64).read_to_end(buf).ok()?;
    Some(got < missing)
}

/// The rows of a plain file (see [`streamed`]) whose `col` names one of the pupils `ids`, with
/// the findings on the lines that hold one of the ids as text: each such line is read alone,
/// with its number in the file; the others are skipped unread (a row names a pupil on its own
/// line, since no value of a plain file holds a line end). On disk, the file is read `block`
/// bytes at a time. `None` for a file that is missing or not plain, or whose header is not in
/// its first half: it is read whole. For no pupil, only the header and the first block are
/// read (the rest is checked when the rows of some pupils are read).
fn pupils_rows<D: RecordFile>(src: &Source, file: &str, col: D, ids: &[String], block: usize) -> Option<Reading<D::Row>> {
    let finders: Vec<_> = ids.iter().map(|id| memchr::memmem::Finder::new(id.as_bytes())).collect();
    let mut read = Reading::<D::Row>::new();
    // The header comes with the first part, in its first half. For no pupil, the header is all
    // there is to read.
    let mut each = |part: &[u8]| -> Next {
        let Reading { head, gathered, lines, .. } = &mut read;
        let first_part = head.is_none();
        let halves = match head {
            None => text::plain_utf8_halves(part).map(|(first, second, bom)| {
                *head = Some(table::head(file, first, text::Layout { bom, ..Default::default() }, D::COLUMNS));
                (first, second)
            }),
            Some(_) => text::plain_utf8_in_halves(part),
        };
        let (Some((first, second)), Some(h)) = (halves, head.as_ref()) else {
            return Next::Failed;
        };
        let Some((t, _, missing)) = h.header.as_ref() else {
            return Next::Failed;
        };
        let (body, offset) = match first_part {
            true => (&first[h.rows_start..], h.line_offset),
            false => (first, *lines),
        };
        let body_lines = text::count_lines(body.as_bytes());
        for (part, offset) in [(body, offset), (second, offset + body_lines)] {
            rows_naming::<D>(gathered, file, t, *missing, col, ids, &finders, part, offset);
        }
        *lines += text::count_lines(part);
        if ids.is_empty() { Next::Done } else { Next::More }
    };
    match src.disk_file(file) {
        Some(f) => blocks(f, block, each)?,
        None => match each(&src.read_borrowed(file).ok()??) {
            Next::Failed => return None,
            Next::More | Next::Done => {}
        },
    }
    Some(read)
}

/// Reads into `g` the rows of `part` (text after line `offset` of the file) whose `col` names
/// one of `ids`, with the findings on the lines that hold one of them: each such line is read
/// alone, with its number in the file.
#[allow(clippy::too_many_arguments)]
fn rows_naming<D: RecordFile>(
    g: &mut Gathered<D::Row>,
    file: &str,
    t: &table::Table,
    missing: bool,
    col: D,
    ids: &[String],
    finders: &[memchr::memmem::Finder],
    part: &str,
    offset: usize,
) {
    let bytes = part.as_bytes();
    // Where each line that holds an id starts, once, in order.
    let mut starts: Vec<usize> = finders
        .iter()
        .flat_map(|f| f.find_iter(bytes))
        .map(|at| memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |nl| nl + 1))
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let (mut counted, mut lines) = (0, offset);
    for start in starts {
        lines += text::count_lines(&bytes[counted..start]);
        counted = start;
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |at| start + at + 1);
        let (found, _) = table::rows(file, t, missing, &part[start..end], lines, |t, cells| {
            let f = Fields::<D>::of_cells(t, cells);
            if !ids.iter().any(|id| id == f.text(col)) {
                return;
            }
            let key = D::KEY.map(|c| f.text(c));
            match D::read(f, &mut g.rows_out) {
                Some(v) => g.items.push(v),
                None => g.unread.extend(key.map(str::to_owned)),
            }
        });
        g.found.extend(found);
    }
}

/// A CSV file's header and the rows read so far.
struct Reading<T> {
    head: Option<table::Head>,
    gathered: Gathered<T>,
    /// The lines of the file before the text still to read, and its bytes.
    lines: usize,
    bytes: usize,
}

impl<T: Send + Default> Reading<T> {
    fn new() -> Self {
        Reading {
            head: None,
            gathered: Gathered {
                items: Vec::new(),
                unread: HashSet::new(),
                rows_out: Vec::new(),
                found: Vec::new(),
                stopped: false,
            },
            lines: 0,
            bytes: 0,
        }
    }

    /// Reads the start of a plain file (the whole of it, or its first block) in two halves
    /// cut at a line end, each cut into pieces ([`cut`]); the lines it holds, or `None` when its
    /// header is not in the first half's first piece.
    fn plain_part<D: RecordFile<Row = T>>(
        &mut self,
        file: &str,
        (first, first_cuts): text::Half<'_, Vec<Cut>>,
        (second, second_cuts): text::Half<'_, Vec<Cut>>,
        bom: bool,
        size: usize,
    ) -> Option<usize> {
        let layout = text::Layout { bom, ..Default::default() };
        let head = table::head(file, first, layout, D::COLUMNS);
        let (t, _, missing) = head.header.as_ref()?;
        let body = &first[head.rows_start..];
        let body_cuts = after(first, &first_cuts, head.rows_start)?;
        let (body_lines, second_lines) = (lines_of(&body_cuts), lines_of(&second_cuts));
        self.gathered
            .room_at_rate(body_lines + second_lines, body.len() + second.len(), size);
        let mut parts = placed(body, &body_cuts, head.line_offset);
        parts.extend(placed(second, &second_cuts, head.line_offset + body_lines));
        self.gathered.read_pieces::<D>(file, t, *missing, parts, true);
        self.head = Some(head);
        Some(lines_of(&first_cuts) + second_lines)
    }

    /// Reads a block after the first, in two halves cut at a line end and into pieces.
    fn more_plain<D: RecordFile<Row = T>>(
        &mut self,
        file: &str,
        (first, first_cuts): text::Half<'_, Vec<Cut>>,
        (second, second_cuts): text::Half<'_, Vec<Cut>>,
    ) {
        let Some((t, _, missing)) = self.head.as_ref().and_then(|h| h.header.as_ref()) else {
            return;
        };
        let mut parts = placed(first, &first_cuts, self.lines);
        parts.extend(placed(second, &second_cuts, self.lines + lines_of(&first_cuts)));
        self.gathered.read_pieces::<D>(file, t, *missing, parts, true);
    }

    /// The rows read, with the findings on the file's header and its rows added to `out`.
    fn finish<D: RecordFile<Row = T>>(self, file: &str, out: &mut Vec<Finding>) -> Option<Loaded<T>> {
        let head = self.head?;
        let Gathered {
            items,
            unread,
            mut rows_out,
            found: row_findings,
            ..
        } = self.gathered;
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

impl<T: Send + Default> Gathered<T> {
    /// Room for the rows of `left` more bytes, at the rate of `lines` lines in `bytes` (one row
    /// a line at most), twice over: the vector is not expected to grow (growing it holds the
    /// old and the new copy at once, for a large ledger the largest allocation of all), even
    /// when the rest of the file has lines half as long. Room reserved and not used is never
    /// touched, so it takes no memory.
    fn room_at_rate(&mut self, lines: usize, bytes: usize, left: usize) {
        let expected = lines.max(1).saturating_mul(left) / bytes.max(1);
        self.items.reserve_exact(expected.saturating_mul(2) + 1);
    }

    /// Reads pieces of a file's rows on both cores, each piece straight into its own stretch of
    /// the rows gathered so far. The stretches are first filled with empty rows, by both cores:
    /// the kernel hands out a large file's rows' memory (a district ledger's 96 MB) as each
    /// page is first written, and that costs about as much as reading the rows. Written by one
    /// core, or copied from a buffer of the other's onto the rows, it kept one core busy and the
    /// other waiting half the time.
    fn read_pieces<D: RecordFile<Row = T>>(&mut self, file: &str, t: &table::Table, missing: bool, parts: Vec<Part<'_>>, plain: bool) {
        if self.stopped {
            return;
        }
        // One row a line at most, and the text after a piece's last line end (its lines counted
        // when the pieces were cut); any room is safe, since rows that do not fit are kept
        // aside and room not used is taken back.
        let rooms: Vec<usize> = parts
            .iter()
            .map(|p| p.lines + usize::from(!p.text.is_empty() && !p.text.ends_with('\n')))
            .collect();
        let base = self.items.len();
        let total: usize = rooms.iter().sum();
        self.items.par_extend((0..total).into_par_iter().map(|_| T::default()));
        let mut rest = &mut self.items[base..];
        let mut jobs = Vec::with_capacity(parts.len());
        for (part, &room) in parts.into_iter().zip(&rooms) {
            let (mine, more) = std::mem::take(&mut rest).split_at_mut(room);
            rest = more;
            jobs.push((part, mine));
        }
        let read: Vec<Piece<T>> = jobs
            .into_par_iter()
            .with_max_len(1)
            .map(|(part, slots)| read_piece::<D>(file, t, missing, part.text, part.before, plain, slots))
            .collect();
        self.put_together(base, read, &rooms);
    }

    /// Moves the rows of pieces read into stretches of `rooms` rows from `base` on together,
    /// in order, over the room they did not use.
    fn put_together(&mut self, base: usize, read: Vec<Piece<T>>, rooms: &[usize]) {
        if read.iter().any(|p| !p.more.is_empty()) {
            // More rows than lines (a csv reader's record ends at a lone carriage return too):
            // the rows are put together by copying them.
            let mut slots = self.items.split_off(base).into_iter();
            for (mut p, &room) in read.into_iter().zip(rooms) {
                let mine: Vec<T> = slots.by_ref().take(room).take(p.count).collect();
                slots.by_ref().take(room - mine.len()).for_each(drop);
                if !self.stopped {
                    self.items.extend(mine);
                    self.items.append(&mut p.more);
                    self.add(p);
                }
            }
            return;
        }
        let (mut end, mut at) = (base, base);
        for (p, &room) in read.into_iter().zip(rooms) {
            if self.stopped {
                break;
            }
            if at != end {
                for k in 0..p.count {
                    self.items.swap(end + k, at + k);
                }
            }
            end += p.count;
            at += room;
            self.add(p);
        }
        self.items.truncate(end);
    }

    /// Adds what reading a piece found (its rows are in already).
    fn add(&mut self, p: Piece<T>) {
        self.stopped = p.stopped;
        self.unread.extend(p.unread);
        self.rows_out.extend(p.rows_out);
        self.found.extend(p.found);
    }
}

/// Reads the rows of `part` (text after line `offset` of the file) into `slots` in order, and
/// those that do not fit into the piece's `more`.
/// `plain`: the text is known to be without quotes and carriage returns.
#[allow(clippy::too_many_arguments)]
fn read_piece<D: RecordFile>(
    file: &str,
    t: &table::Table,
    missing: bool,
    part: &str,
    offset: usize,
    plain: bool,
    slots: &mut [D::Row],
) -> Piece<D::Row> {
    let (mut count, mut more, mut unread, mut rows_out) = (0, Vec::new(), Vec::new(), Vec::new());
    let each = |t: &table::Table, cells: &table::Cells<'_>| {
        let f = Fields::<D>::of_cells(t, cells);
        let key = D::KEY.map(|c| f.text(c));
        match D::read(f, &mut rows_out) {
            Some(v) => match slots.get_mut(count) {
                Some(slot) => {
                    *slot = v;
                    count += 1;
                }
                None => more.push(v),
            },
            None => unread.extend(key.map(str::to_owned)),
        }
    };
    let (found, stopped) = match plain {
        true => (table::plain_rows(file, t, missing, part, offset, each), false),
        false => table::rows(file, t, missing, part, offset, each),
    };
    Piece {
        count,
        more,
        unread,
        rows_out,
        found,
        stopped,
    }
}

/// What reading one piece of a file's rows gave: its first `count` rows in its stretch, the
/// rest in `more`.
struct Piece<T> {
    count: usize,
    more: Vec<T>,
    unread: Vec<String>,
    rows_out: Vec<Finding>,
    found: Vec<Finding>,
    stopped: bool,
}

/// A piece of a file's rows to read on a core: its text, the lines of the file before it and
/// the line ends in it.
struct Part<'a> {
    text: &'a str,
    before: usize,
    lines: usize,
}

/// Where a piece of text ends (after a line end, or at the text's end) and the line ends in it.
type Cut = (usize, usize);

/// A piece's bytes: a block's last piece is read by one core while the other has none left;
/// pieces of 1 MB left a core idle up to 5 ms at the end of each of a district ledger's seven
/// blocks, pieces of 256 KB made its check about 2% faster (512 KB no faster than 1 MB).
const PIECE: usize = 1 << 18;

/// Text cut at line ends into pieces of about [`PIECE`] bytes (one for less than two), with the
/// line ends of each counted: for the halves of a block, on the core that checks the half, in
/// the same pass (counting them after, on one core, kept the other one waiting).
fn cut(bytes: &[u8]) -> Vec<Cut> {
    cut_in(bytes, PIECE)
}

/// [`cut`] into pieces of about `piece` bytes.
fn cut_in(bytes: &[u8], piece: usize) -> Vec<Cut> {
    let n = bytes.len() / piece.max(1);
    let mut cuts = Vec::with_capacity(n.max(1));
    let mut start = 0;
    for k in 1..n {
        let from = (k * bytes.len() / n).max(start);
        let Some(at) = memchr::memchr(b'\n', &bytes[from..]) else {
            break;
        };
        let end = from + at + 1;
        cuts.push((end, text::count_lines(&bytes[start..end])));
        start = end;
    }
    cuts.push((bytes.len(), text::count_lines(&bytes[start..])));
    cuts
}

/// The line ends of pieces.
fn lines_of(cuts: &[Cut]) -> usize {
    cuts.iter().map(|&(_, lines)| lines).sum()
}

/// The cuts of the text from `start` on, which must be at a line start (a header's end) within
/// the first piece; `None` when it is not in the first piece.
fn after(text: &str, cuts: &[Cut], start: usize) -> Option<Vec<Cut>> {
    let (&(first_end, first_lines), rest) = cuts.split_first()?;
    let skipped = text::count_lines(text.as_bytes().get(..start)?);
    let first = (first_end.checked_sub(start)?, first_lines.checked_sub(skipped)?);
    Some(
        std::iter::once(first)
            .chain(rest.iter().map(|&(end, lines)| (end - start, lines)))
            .collect(),
    )
}

/// The pieces of `text` at `cuts`, after `before` lines of the file.
fn placed<'a>(text: &'a str, cuts: &[Cut], mut before: usize) -> Vec<Part<'a>> {
    let mut start = 0;
    cuts.iter()
        .map(|&(end, lines)| {
            let part = Part {
                text: text.get(start..end).unwrap_or_default(),
                before,
                lines,
            };
            (start, before) = (end, before + lines);
            part
        })
        .collect()
}

/// A file's rows cut at row boundaries into pieces to read on two cores (one piece for a small
/// file), each with the number of lines before it.
fn pieces(body: &str, line_offset: usize) -> Vec<Part<'_>> {
    // A quoted value may hold a line end: such files are read in one piece.
    if memchr::memchr(b'"', body.as_bytes()).is_some() {
        let lines = text::count_lines(body.as_bytes());
        return vec![Part {
            text: body,
            before: line_offset,
            lines,
        }];
    }
    placed(body, &cut(body.as_bytes()), line_offset)
}

/// The rows after the end of the file on disk in the file as `src` has it, when the new file is
/// the old one with lines added and they read without a finding. A file that is not on disk
/// counts as its header line: every row of it is added.
pub(super) fn appended<D: RecordFile>(src: &Source, file: &str) -> Option<Vec<D::Row>> {
    let new = src.read_borrowed(file).ok()??;
    let on_disk = match src.length_appended_to(file) {
        Some(len) if len <= new.len() => Ok(Some(len)),
        _ => prefix_on_disk(&src.dir.join(file), &new),
    };
    let old = match on_disk {
        Ok(Some(len)) => &new[..len],
        Ok(None) => return None,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => &new[..memchr::memchr(b'\n', &new)? + 1],
        Err(_) => return None,
    };
    if !old.ends_with(b"\n") {
        return None;
    }
    let (head, lines, tail) = match plain_head(file, &new, old.len(), D::COLUMNS) {
        Some(plain) => plain,
        None => {
            let d = text::as_utf8(&new)?;
            let old_text = d.text.get(..old.len() - usize::from(d.layout.bom) * 3)?;
            let head = table::head(file, &table::normalized(old_text), d.layout, D::COLUMNS);
            let tail = table::normalized(d.text.get(old_text.len()..)?);
            (head, text::count_lines(old), tail)
        }
    };
    // The header, as the whole file gives it, and the rows after the old end.
    let (t, found, missing) = head.header.as_ref()?;
    if *missing || !found.is_empty() || !head.before.is_empty() {
        return None;
    }
    let mut added = Vec::new();
    let mut problems = Vec::new();
    let (found, stopped) = table::rows(file, t, false, &tail, lines, |t, cells| {
        if let Some(v) = D::read(Fields::of_cells(t, cells), &mut problems) {
            added.push(v);
        }
    });
    (!stopped && found.is_empty() && problems.is_empty()).then_some(added)
}

/// A plain file (as care writes a ledger) read up to its header from its first half, and how
/// many line ends the whole file holds: checked and counted a half on each core (a write that
/// adds a row to a district's 55 MB ledger went over it several times on one core while the
/// other waited). `None` for a file that is not plain, or whose header is not in its first half.
pub fn plain_head_and_lines(file: &str, bytes: &[u8], columns: &[table::Column]) -> Option<(table::Head, usize, bool)> {
    let (first, _, bom, lines) = text::plain_utf8_halves_and_lines(bytes)?;
    let head = table::head(file, first, text::Layout { bom, ..Default::default() }, columns);
    head.header.is_some().then_some((head, lines, bom))
}

/// For [`appended`], [`plain_head_and_lines`] of a file whose header ends in its first `old`
/// bytes, the lines of those bytes and the text after them.
fn plain_head<'a>(file: &str, new: &'a [u8], old: usize, columns: &[table::Column]) -> Option<(table::Head, usize, Cow<'a, str>)> {
    let (head, lines, bom) = plain_head_and_lines(file, new, columns)?;
    let old_text = old.checked_sub(usize::from(bom) * 3)?;
    let tail = text::utf8(new.get(old..)?)?;
    (head.rows_start <= old_text).then(|| (head, lines - text::count_lines(tail.as_bytes()), Cow::Borrowed(tail)))
}

/// The length of the file at `path` when `new` starts with its bytes, else `None`.
fn prefix_on_disk(path: &std::path::Path, new: &[u8]) -> std::io::Result<Option<usize>> {
    let f = std::fs::File::open(path)?;
    let len = usize::try_from(f.metadata()?.len()).unwrap_or(usize::MAX);
    Ok(new.get(..len).filter(|old| super::starts_with(&f, old)).map(<[u8]>::len))
}

/// The rows of a table read whole, in order; the findings on those that cannot be read.
pub fn rows<D: RecordFile>(t: &table::Table, out: &mut Vec<Finding>) -> Vec<D::Row> {
    t.rows.iter().filter_map(|row| D::read(Fields::new(t, row), out)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::ledger::Ledger;
    use proptest::prelude::*;

    fn read_whole(src: &Source) -> (Option<Loaded<crate::records::Entry>>, Vec<Finding>) {
        let mut out = Vec::new();
        let bytes = csv_bytes::<Ledger>(src, "ledger.csv", &mut out).unwrap();
        let src = Source::new(&src.dir).with("ledger.csv", bytes);
        let loaded = load_csv::<Ledger>(&src, "ledger.csv", &mut out);
        (loaded, out)
    }

    fn read_streamed(src: &Source, block: usize) -> Option<(Option<Loaded<crate::records::Entry>>, Vec<Finding>)> {
        let mut out = Vec::new();
        let read = streamed::<Ledger>(src, "ledger.csv", block)?;
        let loaded = read.finish::<Ledger>("ledger.csv", &mut out);
        Some((loaded, out))
    }

    fn same(a: &(Option<Loaded<crate::records::Entry>>, Vec<Finding>), b: &(Option<Loaded<crate::records::Entry>>, Vec<Finding>)) -> bool {
        let rows = |l: &Option<Loaded<crate::records::Entry>>| l.as_ref().map(|l| (l.items.clone(), l.broken, l.clean, l.unread.clone()));
        rows(&a.0) == rows(&b.0) && a.1 == b.1
    }

    const HEADER: &str = "date,kind,amount,pupil_id,contract_id,category,period,collected_by,receipt,memo\n";

    /// A ledger of the rows, each on its line, with a byte-order mark or not, the last line
    /// ended or not.
    fn ledger_text(bom: bool, rows: &[String], end: bool) -> String {
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        text.push_str(HEADER);
        text.push_str(&rows.join("\n"));
        if end {
            text.push('\n');
        }
        text
    }

    /// The rows of a part of a file, read one after another onto a list: what reading it in
    /// pieces on both cores must give.
    fn read_plainly(
        t: &table::Table,
        missing: bool,
        body: &str,
        offset: usize,
    ) -> (Vec<crate::records::Entry>, Vec<String>, Vec<Finding>, Vec<Finding>, bool) {
        let (mut items, mut unread, mut rows_out) = (Vec::new(), Vec::new(), Vec::new());
        let (found, stopped) = table::rows("ledger.csv", t, missing, body, offset, |t, cells| {
            let f = Fields::<Ledger>::of_cells(t, cells);
            let key = <Ledger as RecordFile>::KEY.map(|c| f.text(c).to_owned());
            match Ledger::read(f, &mut rows_out) {
                Some(v) => items.push(v),
                None => unread.extend(key),
            }
        });
        (items, unread, rows_out, found, stopped)
    }

    /// Up to 40 lines of a ledger: rows, rows that do not read, empty lines, lines of too few
    /// values, and `odd` lines.
    fn rows_and(odd: &'static str) -> impl Strategy<Value = Vec<String>> {
        proptest::collection::vec(
            prop_oneof![
                "2026-09-0[1-9],fee,[1-9]0\\.00,P0000[1-4],,,2026-09,吴芳,R[0-9]{1,12},[a-z作业]{0,20}",
                "2026-09-0[1-9],fee,x,P1,,,,,,",
                Just(String::new()),
                Just(odd.to_owned()),
                Just("a,b".to_owned()),
            ],
            0..40,
        )
    }

    proptest! {
        /// Pieces put back together are the text, each but the last ends a line (or is empty), and each is
        /// placed after the lines of those before it; from a start within the first piece on,
        /// the same of the rest of the text.
        #[test]
        fn pieces_cut_at_line_ends_make_up_the_text(
            lines in proptest::collection::vec("[a-z张,]{0,12}", 0..40),
            piece in 1usize..64,
            before in 0usize..5,
            skip in 0usize..3,
        ) {
            let text = lines.join("\n");
            let check = |text: &str, cuts: &[Cut]| -> Result<(), TestCaseError> {
                let parts = placed(text, cuts, before);
                let joined: String = parts.iter().map(|p| p.text).collect();
                prop_assert_eq!(&joined, text);
                let mut line = before;
                for (k, p) in parts.iter().enumerate() {
                    prop_assert_eq!(p.before, line);
                    prop_assert_eq!(p.lines, text::count_lines(p.text.as_bytes()));
                    prop_assert!(k + 1 == parts.len() || p.text.is_empty() || p.text.ends_with('\n'));
                    line += p.lines;
                }
                prop_assert_eq!(lines_of(cuts), text::count_lines(text.as_bytes()));
                Ok(())
            };
            let cuts = cut_in(text.as_bytes(), piece);
            check(&text, &cuts)?;
            // A header of `skip` lines, when they end within the first piece.
            let start = text.match_indices('\n').map(|(i, _)| i + 1).nth(skip.wrapping_sub(1)).filter(|_| skip > 0).unwrap_or(0);
            match after(&text, &cuts, start) {
                Some(rest) => check(&text[start..], &rest)?,
                None => prop_assert!(start > cuts[0].0),
            }
        }
    }

    proptest! {
        /// Cut into pieces at any line ends and read on both cores, rows read as they do one
        /// after another: the same rows in the same order, lines and findings, with rows that do
        /// not read, empty lines, and rows ended by a lone carriage return (more rows than line
        /// ends, which the pieces' room does not count on) anywhere among them.
        #[test]
        fn rows_read_in_pieces_are_the_rows_read_one_after_another(
            rows in rows_and("2026-09-01,fee,1,P1,,,2026-09,,,\r2026-09-02,fee,2,P2,,,2026-09,,,"),
            cuts in proptest::collection::vec(any::<proptest::sample::Index>(), 0..8),
            end in any::<bool>(),
        ) {
            let text = ledger_text(false, &rows, end);
            let head = table::head("ledger.csv", &text, text::Layout::default(), <Ledger as table::Columns>::COLUMNS);
            let (t, _, missing) = head.header.as_ref().unwrap();
            let body = &text[head.rows_start..];
            let ends: Vec<usize> = body.match_indices('\n').map(|(i, _)| i + 1).collect();
            let mut at: Vec<usize> = cuts.iter().filter(|_| !ends.is_empty()).map(|c| ends[c.index(ends.len())]).collect();
            at.sort_unstable();
            at.dedup();
            let (mut parts, mut start, mut line) = (Vec::new(), 0, head.line_offset);
            for end in at.into_iter().chain([body.len()]) {
                let lines = text::count_lines(&body.as_bytes()[start..end]);
                parts.push(Part { text: &body[start..end], before: line, lines });
                line += lines;
                start = end;
            }
            let mut g = Reading::<crate::records::Entry>::new().gathered;
            g.read_pieces::<Ledger>("ledger.csv", t, *missing, parts, false);
            let (items, unread, rows_out, found, stopped) = read_plainly(t, *missing, body, head.line_offset);
            prop_assert_eq!(g.items, items);
            prop_assert_eq!(g.unread, unread.into_iter().collect::<HashSet<_>>());
            prop_assert_eq!(g.rows_out, rows_out);
            prop_assert_eq!(g.found, found);
            prop_assert_eq!(g.stopped, stopped);
        }

        /// Read a block at a time, a file gives what it gives read whole: the same rows, lines
        /// and findings, whatever the block size, however lines fall across blocks (a line
        /// longer than a block, a last line without its end, empty lines, rows that do not
        /// read); and a file that is not plain from some block on is not read that way at all.
        #[test]
        fn a_file_read_by_blocks_reads_as_it_does_whole(
            rows in rows_and("2026-09-01,fee,1,\"P1\",,,,,,"),
            end in any::<bool>(),
            block in 1usize..200,
            bom in any::<bool>(),
        ) {
            let text = ledger_text(bom, &rows, end);
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("ledger.csv"), &text).unwrap();
            let src = Source::new(dir.path());
            let whole = read_whole(&src);
            let plain = !text.contains('"');
            match read_streamed(&src, block) {
                Some(by_blocks) => {
                    prop_assert!(plain || text.len() < block);
                    prop_assert!(same(&by_blocks, &whole), "{:?}\n{:?}", by_blocks.1, whole.1);
                }
                None => prop_assert!(!plain || text.len() < block),
            }
        }

        /// Read for some pupils, a plain file gives their rows as a whole read gives them, with
        /// the same lines and findings; a file that is not plain is not read that way.
        #[test]
        fn a_file_read_for_some_pupils_gives_their_rows_as_read_whole(
            rows in proptest::collection::vec(
                prop_oneof![
                    "2026-09-0[1-9],(fee|refund),[1-9]0\\.00, ?P0000[1-4] ?,,,2026-09,吴芳,R[0-9]{1,3},[a-zP0-9]{0,8}",
                    "2026-09-0[1-9],fee,x,P0000[1-4],,,,,,",
                    "2026-09-0[1-9],pay,10\\.00,,C1,,,,,P00001",
                    Just(String::new()),
                    Just("2026-09-01,fee,1,\"P00001\",,,,,,".to_owned()),
                    Just("a,P00002".to_owned()),
                ],
                0..40,
            ),
            end in any::<bool>(),
            pupils in proptest::collection::vec("P0000[1-5]", 0..3),
            on_disk in any::<bool>(),
            block in 1usize..200,
        ) {
            let text = ledger_text(false, &rows, end);
            // On disk a block at a time, or whole from memory (the file as a write leaves it).
            let dir = tempfile::tempdir().unwrap();
            let src = match on_disk {
                true => {
                    std::fs::write(dir.path().join("ledger.csv"), &text).unwrap();
                    Source::new(dir.path())
                }
                false => Source::new(dir.path()).with("ledger.csv", text.clone().into_bytes()),
            };
            let Some(read) = pupils_rows::<Ledger>(&src, "ledger.csv", Ledger::PupilId, &pupils, block) else {
                prop_assert!(text.contains('"'));
                return Ok(());
            };
            let mut out = Vec::new();
            let of_pupils = read.finish::<Ledger>("ledger.csv", &mut out).unwrap();
            let (whole, found) = read_whole(&src);
            let whole = whole.unwrap();
            let theirs = |id: &Option<crate::records::Short>| id.as_deref().is_some_and(|id| pupils.iter().any(|p| p == id));
            let rows: Vec<_> = whole.items.iter().filter(|e| theirs(&e.pupil_id)).cloned().collect();
            prop_assert_eq!(&of_pupils.items, &rows);
            // The findings on their rows, and others only on lines that hold their ids, as a
            // whole read finds them.
            let lines: Vec<&str> = text.lines().collect();
            let line = |f: &Finding| lines.get(f.line - 1).copied().unwrap_or_default();
            let pupil_of = |l: &str| l.split(',').nth(3).map(str::trim).unwrap_or_default().to_owned();
            for f in found.iter().filter(|f| pupils.contains(&pupil_of(line(f)))) {
                prop_assert!(out.contains(f), "{:?}", f);
            }
            for f in &out {
                prop_assert!(found.contains(f) && pupils.iter().any(|p| line(f).contains(p.as_str())), "{:?}", f);
            }
        }
    }
}
