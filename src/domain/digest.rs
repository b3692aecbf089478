//! Digests of ledger rows in a canonical form: reordering the file, writing `200` for `200.00`
//! or reformatting it does not change a digest; adding, removing or editing a row does.
//!
//! A digest names the canonical form it was taken in by its tag, the text before its first `:`.
//! Version 1, tag `sha256`, is the form of every digest care has written:
//! - a row is its date (`YYYY-MM-DD`), kind (`fee`, `refund`, `pay`, `expense`), amount (two
//!   decimals, or as written when it has more), then `pupil_id`, `contract_id`, `category`,
//!   `period`, `collected_by`, `receipt` and `memo` as written (empty when left empty), the ten
//!   separated by U+001F; where the row is in the file and columns the spec does not name are
//!   not part of it;
//! - the rows' lines are sorted byte by byte, each followed by `\n`, and hashed with SHA-256;
//! - the digest is `sha256:` and the hash in lowercase hexadecimal.
//!
//! A later form (one that takes in a new column, say) gets a tag of its own; a close or
//! settlement written under an earlier form is checked against the rows in that form
//! ([`agrees`]), so the files written before still verify.

use sha2::{Digest, Sha256};

use crate::records::Entry;
use crate::records::date::push_date_bytes;

/// A canonical form of the rows. Every form's line starts with the row's date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// Tag `sha256`: the form of the module's documentation.
    V1,
}

impl Version {
    /// The form new digests are taken in.
    pub const CURRENT: Version = Version::V1;
    const ALL: [Version; 1] = [Version::V1];

    /// The text before the `:` of a digest in this form.
    pub fn tag(self) -> &'static str {
        match self {
            Version::V1 => "sha256",
        }
    }

    /// The form a digest names; `None` for text that no version of care wrote.
    pub fn of(digest: &str) -> Option<Version> {
        let (tag, _) = digest.split_once(':')?;
        Version::ALL.into_iter().find(|v| v.tag() == tag)
    }

    fn write(self, e: &Entry, s: &mut Vec<u8>) {
        match self {
            Version::V1 => write_v1(e, s),
        }
    }
}

/// One row as text with its meaning only, in the current form.
pub fn canonical(e: &Entry) -> String {
    let mut s = Vec::new();
    Version::CURRENT.write(e, &mut s);
    // Written from the row's text, dates and amounts: always UTF-8.
    String::from_utf8(s).unwrap_or_default()
}

/// A row in the form of version 1. Every field of the row is named: a new one does not compile
/// until it is decided whether the form takes it in (which makes a new version). Written as
/// bytes: the text fields are put in as the row holds them, not checked as UTF-8 again.
fn write_v1(e: &Entry, s: &mut Vec<u8>) {
    let Entry {
        line: _,
        date,
        kind,
        amount,
        pupil_id,
        period,
        collected_by,
        receipt,
        memo,
        apart: _,
    } = e;
    let (contract_id, category) = e.contract_and_category();
    push_date_bytes(*date, s);
    s.push(0x1f);
    s.extend_from_slice(kind.as_str().as_bytes());
    s.push(0x1f);
    amount.push_bytes_to(s);
    for v in [
        pupil_id.as_ref(),
        contract_id,
        category,
        period.as_ref(),
        collected_by.as_ref(),
        receipt.as_ref(),
        memo.as_ref(),
    ] {
        s.push(0x1f);
        s.extend_from_slice(v.map_or(&[][..], |v| v.as_bytes()));
    }
}

/// The first 16 bytes of a line as two numbers that order as the bytes do (shorter lines padded
/// with zeros, which never orders two lines the wrong way round; equal keys compare in full).
fn key(line: &[u8]) -> (u64, u64) {
    let mut b = [0u8; 16];
    let n = line.len().min(16);
    b[..n].copy_from_slice(&line[..n]);
    let (hi, lo) = b.split_at(8);
    (
        u64::from_be_bytes(hi.try_into().unwrap_or_default()),
        u64::from_be_bytes(lo.try_into().unwrap_or_default()),
    )
}

/// The rows in date order, those of one date in the order they came, given each row's day: the
/// rows counted into their days when the dates are at most some years apart (a month's rows
/// whose days come shuffled, sorted by comparing dates read from rows far apart in memory,
/// took 15 ms of a check), else sorted.
fn in_date_order<'a>(rows: &[&'a Entry], days: &[i32]) -> Vec<&'a Entry> {
    const SPAN: usize = 1 << 12;
    let first = days.iter().copied().min().unwrap_or(0);
    let day = |d: i32| usize::try_from(i64::from(d) - i64::from(first)).unwrap_or(usize::MAX);
    let span = days.iter().map(|&d| day(d)).max().unwrap_or(0);
    if span >= SPAN {
        let mut sorted = rows.to_vec();
        sorted.sort_by_key(|e| e.date);
        return sorted;
    }
    // Where each day's rows start in the result.
    let mut at = vec![0usize; span + 2];
    for &d in days {
        at[day(d) + 1] += 1;
    }
    for i in 1..at.len() {
        at[i] += at[i - 1];
    }
    let mut out: Vec<&Entry> = rows.to_vec();
    for (&e, &d) in rows.iter().zip(days) {
        let k = day(d);
        out[at[k]] = e;
        at[k] += 1;
    }
    out
}

/// The digest of the rows in the current form.
pub fn digest<'a>(rows: impl IntoIterator<Item = &'a Entry>) -> String {
    digest_as(Version::CURRENT, rows)
}

/// Whether `stored`, the digest a close or settlement file keeps, is the digest of the rows
/// whose digest in the current form is `current`: the two are compared when `stored` is in the
/// current form; otherwise the rows' digest is taken again in the form `stored` names. A digest
/// that names no form is no rows' digest.
pub fn agrees<'a, I: IntoIterator<Item = &'a Entry>>(stored: &str, current: &str, rows: impl FnOnce() -> I) -> bool {
    match Version::of(stored) {
        Some(v) if v == Version::CURRENT => stored == current,
        Some(v) => digest_as(v, rows()) == stored,
        None => false,
    }
}

/// The tag of the form, `:` and the hex digest of the rows' sorted lines in that form.
pub fn digest_as<'a>(version: Version, rows: impl IntoIterator<Item = &'a Entry>) -> String {
    // A line starts with the row's date, and no date's text is the start of another's: lines
    // sort by date first. So the rows are sorted by date, and only the lines of one date are
    // made and sorted at a time.
    let rows = rows.into_iter();
    // Room for them all at once when the rows say how many they can be (growing the list
    // would hold two copies of it).
    let room = rows.size_hint().1.unwrap_or(0);
    let mut list: Vec<&Entry> = Vec::with_capacity(room);
    // Each row's day, to put them in date order without reading the rows again.
    let mut days: Vec<i32> = Vec::with_capacity(room);
    // Whether every year has four digits and the rows come in date order, seen as they are
    // listed (over a list of a month's rows, each pass was a few percent of the digest).
    let (mut plain_years, mut in_order, mut last) = (true, true, None);
    for e in rows {
        plain_years &= (0..=9999).contains(&chrono::Datelike::year(&e.date));
        in_order &= last.is_none_or(|d| d <= e.date);
        last = Some(e.date);
        list.push(e);
        days.push(chrono::Datelike::num_days_from_ce(&e.date));
    }
    let mut rows = list;
    if plain_years {
        // YYYY-MM-DD: the text orders as the date does. Rows are mostly in date order already.
        if !in_order {
            rows = in_date_order(&rows, &days);
        }
    } else {
        rows.sort_by_cached_key(|e| e.date.to_string());
    }
    let mut h = Sha256::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut spans: Vec<((u64, u64), usize, usize)> = Vec::new();
    for group in rows.chunk_by(|a, b| a.date == b.date) {
        buf.clear();
        spans.clear();
        for e in group {
            let start = buf.len();
            version.write(e, &mut buf);
            spans.push(((0, 0), start, buf.len()));
        }
        let bytes = &buf[..];
        // Every line of the group starts with the same date: the key looks past it.
        let skip = spans.iter().map(|s| s.2 - s.1).min().unwrap_or(0).min(11);
        for s in &mut spans {
            s.0 = key(&bytes[s.1 + skip..s.2]);
        }
        spans.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| bytes[a.1..a.2].cmp(&bytes[b.1..b.2])));
        for &(_, start, end) in &spans {
            h.update(&bytes[start..end]);
            h.update(b"\n");
        }
    }
    let bytes = h.finalize();
    let mut s = String::with_capacity(version.tag().len() + 1 + 64);
    s.push_str(version.tag());
    s.push(':');
    for b in bytes {
        let _ = std::fmt::Write::write_fmt(&mut s, format_args!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::date::parse_date;
    use crate::records::{Kind, Money};

    fn row(amount: &str, memo: Option<&str>) -> Entry {
        Entry {
            line: 2,
            date: parse_date("2026-09-03").unwrap(),
            kind: Kind::Expense,
            amount: Money::parse(amount).unwrap(),
            pupil_id: None,
            period: None,
            collected_by: None,
            receipt: None,
            memo: memo.map(Into::into),
            apart: None,
        }
        .with_apart(None, Some("materials".into()))
    }

    #[test]
    fn order_and_money_spelling_do_not_matter() {
        let a = [row("200", None), row("5.5", Some("x"))];
        let b = [row("5.50", Some("x")), row("200.00", None)];
        assert_eq!(digest(&a), digest(&b));
    }

    #[test]
    fn the_same_as_sorting_the_lines() {
        let rows = [
            row("200", Some("b")),
            row("200", Some("a\tb")),
            row("200", Some("a")),
            row("200", None),
            row("1", Some("z")),
            Entry {
                date: parse_date("2026-09-02").unwrap(),
                ..row("3", None)
            },
            Entry {
                date: parse_date("12026-09-02").unwrap_or(chrono::NaiveDate::MAX),
                ..row("3", None)
            },
            Entry {
                date: chrono::NaiveDate::from_ymd_opt(-5, 1, 1).unwrap(),
                ..row("3", None)
            },
        ];
        assert_eq!(digest(&rows), plain(&rows));
    }

    /// SHA-256 of the rows' canonical lines sorted whole: what the digest is.
    fn plain(rows: &[Entry]) -> String {
        let mut lines: Vec<String> = rows.iter().map(canonical).collect();
        lines.sort();
        let mut h = Sha256::new();
        for l in &lines {
            h.update(l.as_bytes());
            h.update(b"\n");
        }
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }

    proptest::proptest! {
        /// Rows that share a date, a kind, an amount and long stretches of text (a day's fees of
        /// one amount, ids that differ late) are put in the order of their whole lines.
        #[test]
        fn the_same_as_sorting_the_lines_of_any_rows(
            spread in proptest::prop_oneof![proptest::strategy::Just(4u32), proptest::strategy::Just(40), proptest::strategy::Just(5000)],
            rows in proptest::collection::vec(
                (0u32..5000, 0usize..3, 0i128..3, "P0{0,12}[0-9]?", proptest::option::of("[ab\u{1f}]{0,20}")),
                0..60,
            )
        ) {
            let kinds = [Kind::Fee, Kind::Refund, Kind::Expense];
            let rows: Vec<Entry> = rows
                .into_iter()
                .map(|(day, kind, fen, pupil, memo)| Entry {
                    date: chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap() + chrono::Days::new(u64::from(day % spread)),
                    kind: kinds[kind],
                    amount: Money::from_fen(4000 + fen),
                    pupil_id: Some(pupil.as_str().into()),
                    memo: memo.map(|m| m.as_str().into()),
                    ..row("1", None)
                })
                .collect();
            proptest::prop_assert_eq!(digest(&rows), plain(&rows));
        }
    }

    #[test]
    fn edits_do() {
        let a = [row("200", None)];
        assert_ne!(digest(&a), digest(&[row("200.01", None)]));
        assert_ne!(digest(&a), digest(&[row("200", Some("m"))]));
        assert_ne!(digest(&a), digest(&[row("200", None), row("200", None)]));
    }

    #[test]
    fn version_1_is_the_form_written_so_far() {
        let mut full = Entry {
            kind: Kind::Fee,
            pupil_id: Some("P0001".into()),
            period: Some("2026-09".into()),
            collected_by: Some("周强".into()),
            receipt: Some("R1".into()),
            ..row("280", Some("备注"))
        };
        full.set_contract_id(Some("C001".into()));
        assert_eq!(
            canonical(&full),
            "2026-09-03\u{1f}fee\u{1f}280.00\u{1f}P0001\u{1f}C001\u{1f}materials\u{1f}2026-09\u{1f}周强\u{1f}R1\u{1f}备注"
        );
        // Worked out apart from care (Python's hashlib over the sorted lines): closes and
        // settlements written with it must keep verifying.
        assert_eq!(
            digest(&[full, row("5.5", None)]),
            "sha256:64275f9042bb41b4bb9a901b41dbf1f316b16554e3d47d87c36f3ae831923b13"
        );
    }

    #[test]
    fn a_digest_is_checked_in_the_form_it_names() {
        let rows = [row("200", None), row("5.5", Some("x"))];
        let now = digest(&rows);
        assert_eq!(Version::of(&now), Some(Version::V1));
        assert!(agrees(&now, &now, || &rows));
        assert!(!agrees(&now, &digest(&rows[..1]), || &rows[..1]));
        for unknown in ["", "sha256", "md5:00", "sha256-v9:00", &now[7..]] {
            assert_eq!(Version::of(unknown), None, "{unknown}");
            assert!(!agrees(unknown, &now, || &rows), "{unknown}");
        }
        assert_eq!(digest_as(Version::V1, &rows), now);
    }
}
