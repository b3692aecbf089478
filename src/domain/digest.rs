//! Digests of ledger rows in a canonical form: reordering the file, writing `200` for `200.00`
//! or reformatting it does not change a digest; adding, removing or editing a row does.

use sha2::{Digest, Sha256};

use crate::records::Entry;
use crate::records::date::push_date;

/// One row as text with its meaning only: every named column, money with two decimals, ISO
/// dates. Unknown columns are not part of it.
pub fn canonical(e: &Entry) -> String {
    let mut s = String::new();
    write_canonical(e, &mut s);
    s
}

fn write_canonical(e: &Entry, s: &mut String) {
    push_date(e.date, s);
    s.push('\u{1f}');
    s.push_str(e.kind.as_str());
    s.push('\u{1f}');
    e.amount.push_to(s);
    for v in [
        &e.pupil_id,
        &e.contract_id,
        &e.category,
        &e.period,
        &e.collected_by,
        &e.receipt,
        &e.memo,
    ] {
        s.push('\u{1f}');
        s.push_str(v.as_deref().unwrap_or(""));
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

/// `sha256:` and the hex digest of the sorted canonical rows.
pub fn digest<'a>(rows: impl IntoIterator<Item = &'a Entry>) -> String {
    // A line starts with the row's date, and no date's text is the start of another's: lines
    // sort by date first. So the rows are sorted by date, and only the lines of one date are
    // made and sorted at a time.
    let mut rows: Vec<&Entry> = rows.into_iter().collect();
    let plain_years = rows.iter().all(|e| (0..=9999).contains(&chrono::Datelike::year(&e.date)));
    if plain_years {
        // YYYY-MM-DD: the text orders as the date does. Rows are mostly in date order already.
        if !rows.is_sorted_by_key(|e| e.date) {
            rows.sort_by_key(|e| e.date);
        }
    } else {
        rows.sort_by_cached_key(|e| e.date.to_string());
    }
    let mut h = Sha256::new();
    let mut buf = String::new();
    let mut spans: Vec<((u64, u64), usize, usize)> = Vec::new();
    for group in rows.chunk_by(|a, b| a.date == b.date) {
        buf.clear();
        spans.clear();
        for e in group {
            let start = buf.len();
            write_canonical(e, &mut buf);
            spans.push(((0, 0), start, buf.len()));
        }
        let bytes = buf.as_bytes();
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
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
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
            contract_id: None,
            category: Some("materials".into()),
            period: None,
            collected_by: None,
            receipt: None,
            memo: memo.map(Into::into),
        }
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
        let mut lines: Vec<String> = rows.iter().map(canonical).collect();
        lines.sort();
        let mut h = Sha256::new();
        for l in &lines {
            h.update(l.as_bytes());
            h.update(b"\n");
        }
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(digest(&rows), format!("sha256:{hex}"));
    }

    #[test]
    fn edits_do() {
        let a = [row("200", None)];
        assert_ne!(digest(&a), digest(&[row("200.01", None)]));
        assert_ne!(digest(&a), digest(&[row("200", Some("m"))]));
        assert_ne!(digest(&a), digest(&[row("200", None), row("200", None)]));
    }
}
